// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {Roles} from "../access/Roles.sol";
import {IOnchainClaimIssuer, IOnchainIdentity} from "../interfaces/onchainid/IOnchainIdentity.sol";
import {ClaimCacheBlob} from "./ClaimCacheBlob.sol";
import {IClaimTopicsRegistry} from "./IClaimTopicsRegistry.sol";
import {IIdentityRegistry} from "./IIdentityRegistry.sol";
import {IIdentityRegistryStorage} from "./IIdentityRegistryStorage.sol";
import {IRequirementsListener, IRequirementsPublisher} from "./IRequirementsListener.sol";
import {ITrustedIssuersRegistry} from "./ITrustedIssuersRegistry.sol";

/// @title IdentityRegistry
/// @notice Decides who may hold kosai tokens.
/// @dev Verification is split so that a transfer does only the work that can change between transfers:
/// - Which topics are required and which issuer is trusted for which topic is compiled into this contract
///   whenever the topic or issuer registry changes (they call {onRequirementsChanged}); a transfer reads
///   one word per topic instead of calling both registries. Each compilation bumps a generation number,
///   so dropping an issuer or adding a topic invalidates every investor at once.
/// - The claim that satisfied a topic is cached per identity (issuer and signature), written only after
///   the issuer's own `isClaimValid` accepted it. A transfer checks that this issuer is still trusted for
///   the topic (one SLOAD) and asks the issuer whether it revoked the signature (one call): a revocation
///   stops the very next transfer.
/// - An issuer that removes a signing key instead of revoking claims is not seen by the cached check; the
///   owner or any trusted issuer then calls {invalidateClaimCache}, which retires every cached claim at
///   once (no per-investor transaction), so each is validated in full again until refreshed.
/// - Without a usable cached claim, the registry searches the identity's claims from the trusted issuers
///   for the topic (the ERC-3643 procedure), so nothing is ever verified by the cache alone that the full
///   check would refuse, and a missing cache entry only costs gas.
/// The issuer examined is always the one the registry trusts (claim id = keccak256(issuer, topic)),
/// never the issuer a claim names, which rules out the spoofing described in ERC-3643 issue #101.
contract IdentityRegistry is IIdentityRegistry, IRequirementsListener, AccessControlDefaultAdminRules {
    /// @notice Most (issuer, topic) trust pairs compiled (the issuer and topic registries' caps multiplied
    /// would allow more; this bounds one compilation).
    uint256 public constant MAX_TRUSTED_PAIRS = 256;
    /// @notice Most required topics compiled (the claim topics registry's own cap is lower).
    uint256 public constant MAX_REQUIRED_TOPICS = 32;
    /// @notice Most topics cached per identity (required and eligibility topics together).
    uint256 public constant MAX_CACHED_TOPICS = 32;

    /// @dev Read on every transfer, so packed in one slot.
    IIdentityRegistryStorage private _identityStorage;
    uint56 private _generation;
    uint8 private _requiredTopicCount;
    uint24 private _cacheEpoch;
    bool private _topicsPacked;
    IClaimTopicsRegistry private _topicsRegistry;
    ITrustedIssuersRegistry private _issuersRegistry;
    /// @dev Required topics; when all fit in 64 bits (the usual ONCHAINID numbering) they are kept four
    /// to a slot in `_packedTopics`, so a second, third and fourth topic cost a transfer no extra SLOAD.
    uint256[MAX_REQUIRED_TOPICS] private _requiredTopics;
    uint64[MAX_REQUIRED_TOPICS] private _packedTopics;
    mapping(bytes32 issuerTopic => uint64 generation) private _trustedIn;
    /// @dev Per identity, the data contract holding its cached claims (see {ClaimCacheBlob}) and, in the same
    /// slot, which of its entries were the required topics of generation `coveredGeneration` when written.
    mapping(IOnchainIdentity identity => ClaimCache cache) private _claimCaches;

    /// @dev One identity's cache, one slot. While `coveredGeneration` is the current generation, the entries
    /// in `requiredEntries` (bit i: entry i) are exactly the required topics, each validated in that
    /// generation, so a transfer checks them without reading the topic list or the trust table.
    struct ClaimCache {
        address blob;
        uint56 coveredGeneration;
        uint32 requiredEntries;
    }

    /// @param owner_ the registry's owner.
    /// @param identityStorage_ the shared whitelist.
    /// @param topicsRegistry_ the required claim topics.
    /// @param issuersRegistry_ the trusted claim issuers.
    constructor(
        address owner_,
        IIdentityRegistryStorage identityStorage_,
        IClaimTopicsRegistry topicsRegistry_,
        ITrustedIssuersRegistry issuersRegistry_
    ) AccessControlDefaultAdminRules(0, owner_) {
        if (
            address(identityStorage_) == address(0) ||
            address(topicsRegistry_) == address(0) ||
            address(issuersRegistry_) == address(0)
        ) revert IdentityRegistryZeroAddress();
        _identityStorage = identityStorage_;
        _topicsRegistry = topicsRegistry_;
        _issuersRegistry = issuersRegistry_;
        emit IdentityStorageSet(address(identityStorage_));
        emit ClaimTopicsRegistrySet(address(topicsRegistry_));
        emit TrustedIssuersRegistrySet(address(issuersRegistry_));
        _compileRequirements();
    }

    // ------------------------------------------------------------------ configuration

    /// @inheritdoc IIdentityRegistry
    function setIdentityRegistryStorage(address identityRegistryStorage) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (identityRegistryStorage == address(0)) revert IdentityRegistryZeroAddress();
        _identityStorage = IIdentityRegistryStorage(identityRegistryStorage);
        emit IdentityStorageSet(identityRegistryStorage);
    }

    /// @inheritdoc IIdentityRegistry
    function setClaimTopicsRegistry(address claimTopicsRegistry) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (claimTopicsRegistry == address(0)) revert IdentityRegistryZeroAddress();
        _requireListening(claimTopicsRegistry);
        _topicsRegistry = IClaimTopicsRegistry(claimTopicsRegistry);
        emit ClaimTopicsRegistrySet(claimTopicsRegistry);
        _compileRequirements();
    }

    /// @inheritdoc IIdentityRegistry
    function setTrustedIssuersRegistry(address trustedIssuersRegistry) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (trustedIssuersRegistry == address(0)) revert IdentityRegistryZeroAddress();
        _requireListening(trustedIssuersRegistry);
        _issuersRegistry = ITrustedIssuersRegistry(trustedIssuersRegistry);
        emit TrustedIssuersRegistrySet(trustedIssuersRegistry);
        _compileRequirements();
    }

    /// @inheritdoc IIdentityRegistry
    function onRequirementsChanged() external override(IIdentityRegistry, IRequirementsListener) {
        _compileRequirements();
    }

    // ------------------------------------------------------------------ whitelist

    /// @inheritdoc IIdentityRegistry
    function registerIdentity(
        address userAddress,
        IOnchainIdentity identity_,
        uint16 country
    ) external onlyRole(Roles.REGISTRAR_AGENT) {
        _register(userAddress, identity_, country);
    }

    /// @inheritdoc IIdentityRegistry
    function batchRegisterIdentity(
        address[] calldata userAddresses,
        IOnchainIdentity[] calldata identities,
        uint16[] calldata countries
    ) external onlyRole(Roles.REGISTRAR_AGENT) {
        uint256 count = userAddresses.length;
        if (identities.length != count) revert IdentityRegistryBatchLengthMismatch(count, identities.length);
        if (countries.length != count) revert IdentityRegistryBatchLengthMismatch(count, countries.length);
        for (uint256 i = 0; i < count; ++i) {
            _register(userAddresses[i], identities[i], countries[i]);
        }
    }

    /// @inheritdoc IIdentityRegistry
    function deleteIdentity(address userAddress) external onlyRole(Roles.REGISTRAR_AGENT) {
        IOnchainIdentity identity_ = _identityStorage.storedIdentity(userAddress);
        _identityStorage.removeIdentityFromStorage(userAddress);
        emit IdentityRemoved(userAddress, identity_);
    }

    /// @inheritdoc IIdentityRegistry
    function updateCountry(address userAddress, uint16 country) external onlyRole(Roles.REGISTRAR_AGENT) {
        _identityStorage.modifyStoredInvestorCountry(userAddress, country);
        emit CountryUpdated(userAddress, country);
    }

    /// @inheritdoc IIdentityRegistry
    function updateIdentity(address userAddress, IOnchainIdentity identity_) external onlyRole(Roles.REGISTRAR_AGENT) {
        _requireIdentityContract(identity_);
        IOnchainIdentity oldIdentity = _identityStorage.storedIdentity(userAddress);
        _identityStorage.modifyStoredIdentity(userAddress, identity_);
        emit IdentityUpdated(oldIdentity, identity_);
        _refreshRequired(identity_);
    }

    // ------------------------------------------------------------------ claim cache

    /// @inheritdoc IIdentityRegistry
    function refreshClaims(IOnchainIdentity identity_) external {
        _refreshRequired(identity_);
    }

    /// @inheritdoc IIdentityRegistry
    function refreshClaim(IOnchainIdentity identity_, uint256 topic) external {
        uint256[] memory topics = new uint256[](1);
        topics[0] = topic;
        _refresh(identity_, topics);
    }

    /// @inheritdoc IIdentityRegistry
    function invalidateClaimCache() external {
        if (!hasRole(DEFAULT_ADMIN_ROLE, msg.sender) && !_issuersRegistry.isTrustedIssuer(msg.sender)) {
            revert IdentityRegistryCallerCannotInvalidate(msg.sender);
        }
        uint24 epoch = _cacheEpoch + 1;
        _cacheEpoch = epoch;
        emit ClaimCacheInvalidated(epoch, msg.sender);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IIdentityRegistry
    function contains(address userAddress) external view returns (bool) {
        return address(_identityStorage.storedIdentity(userAddress)) != address(0);
    }

    /// @inheritdoc IIdentityRegistry
    function isVerified(address userAddress) external view returns (bool) {
        return _isVerified(_identityStorage.storedIdentity(userAddress));
    }

    /// @inheritdoc IIdentityRegistry
    function investorOf(
        address userAddress,
        bool verify
    ) external view returns (IOnchainIdentity identity_, uint16 country, bool verified) {
        (identity_, country) = _identityStorage.storedInvestor(userAddress);
        if (verify) verified = _isVerified(identity_);
    }

    /// @inheritdoc IIdentityRegistry
    function hasValidClaim(address userAddress, uint256 topic) external view returns (bool) {
        IOnchainIdentity identity_ = _identityStorage.storedIdentity(userAddress);
        if (address(identity_) == address(0)) return false;
        bytes memory cached = ClaimCacheBlob.read(_claimCaches[identity_].blob);
        return _holdsValidClaim(identity_, topic, _generation, _cacheEpoch, cached);
    }

    /// @inheritdoc IIdentityRegistry
    function identity(address userAddress) external view returns (IOnchainIdentity) {
        return _identityStorage.storedIdentity(userAddress);
    }

    /// @inheritdoc IIdentityRegistry
    function investorCountry(address userAddress) external view returns (uint16) {
        return _identityStorage.storedInvestorCountry(userAddress);
    }

    /// @inheritdoc IIdentityRegistry
    function identityStorage() external view returns (IIdentityRegistryStorage) {
        return _identityStorage;
    }

    /// @inheritdoc IIdentityRegistry
    function issuersRegistry() external view returns (ITrustedIssuersRegistry) {
        return _issuersRegistry;
    }

    /// @inheritdoc IIdentityRegistry
    function topicsRegistry() external view returns (IClaimTopicsRegistry) {
        return _topicsRegistry;
    }

    /// @inheritdoc IIdentityRegistry
    function requiredClaimTopics() external view returns (uint256[] memory topics) {
        uint256 count = _requiredTopicCount;
        bool packed = _topicsPacked;
        topics = new uint256[](count);
        for (uint256 i = 0; i < count; ++i) {
            topics[i] = _requiredTopicAt(i, packed);
        }
    }

    /// @inheritdoc IIdentityRegistry
    function cachedClaimIssuer(IOnchainIdentity identity_, uint256 topic) external view returns (address issuer) {
        bytes memory cached = ClaimCacheBlob.read(_claimCaches[identity_].blob);
        uint256 offset = ClaimCacheBlob.find(cached, topic);
        if (offset != type(uint256).max) issuer = ClaimCacheBlob.issuerAt(cached, offset);
    }

    // ------------------------------------------------------------------ internals

    /// @dev Whether `identity_` (zero: not registered) holds a valid claim for every required topic.
    function _isVerified(IOnchainIdentity identity_) private view returns (bool) {
        if (address(identity_) == address(0)) return false;
        uint64 generation = _generation;
        uint24 epoch = _cacheEpoch;
        uint256 count = _requiredTopicCount;
        if (count == 0) return true;
        ClaimCache memory cache = _claimCaches[identity_];
        bytes memory cached = ClaimCacheBlob.read(cache.blob);
        if (cache.coveredGeneration == generation) {
            return _coveredEntriesValid(identity_, cache.requiredEntries, generation, epoch, cached);
        }
        bool packed = _topicsPacked;
        for (uint256 i = 0; i < count; ++i) {
            if (!_holdsValidClaim(identity_, _requiredTopicAt(i, packed), generation, epoch, cached)) return false;
        }
        return true;
    }

    function _register(address userAddress, IOnchainIdentity identity_, uint16 country) private {
        _requireIdentityContract(identity_);
        _identityStorage.addIdentityToStorage(userAddress, identity_, country);
        emit IdentityRegistered(userAddress, identity_);
        _refreshRequired(identity_);
    }

    function _compileRequirements() private {
        uint64 generation = uint64(_generation) + 1;
        _generation = SafeCast.toUint56(generation);
        uint256[] memory topics = _topicsRegistry.getClaimTopics();
        if (topics.length > MAX_REQUIRED_TOPICS) revert IdentityRegistryRequiredTopicsLimitReached(MAX_REQUIRED_TOPICS);
        bool packed = true;
        for (uint256 i = 0; i < topics.length; ++i) {
            if (topics[i] > type(uint64).max) packed = false;
        }
        for (uint256 i = 0; i < topics.length; ++i) {
            if (packed) _packedTopics[i] = uint64(topics[i]);
            else _requiredTopics[i] = topics[i];
        }
        _topicsPacked = packed;
        _requiredTopicCount = uint8(topics.length);
        IOnchainClaimIssuer[] memory issuers = _issuersRegistry.getTrustedIssuers();
        uint256 pairs = 0;
        for (uint256 i = 0; i < issuers.length; ++i) {
            uint256[] memory issuerTopics = _issuersRegistry.getTrustedIssuerClaimTopics(issuers[i]);
            pairs += issuerTopics.length;
            if (pairs > MAX_TRUSTED_PAIRS) revert IdentityRegistryTrustedPairsLimitReached(MAX_TRUSTED_PAIRS);
            for (uint256 j = 0; j < issuerTopics.length; ++j) {
                _trustedIn[_pairKey(address(issuers[i]), issuerTopics[j])] = generation;
            }
        }
        emit RequirementsCompiled(generation, topics.length, pairs);
    }

    function _refreshRequired(IOnchainIdentity identity_) private {
        uint256 count = _requiredTopicCount;
        bool packed = _topicsPacked;
        uint256[] memory topics = new uint256[](count);
        for (uint256 i = 0; i < count; ++i) {
            topics[i] = _requiredTopicAt(i, packed);
        }
        _refresh(identity_, topics);
    }

    /// @dev Re-validates `topics` for `identity_` and rewrites its cache once if anything changed.
    function _refresh(IOnchainIdentity identity_, uint256[] memory topics) private {
        ClaimCacheBlob.Entry[] memory current = ClaimCacheBlob.decode(
            ClaimCacheBlob.read(_claimCaches[identity_].blob)
        );
        ClaimCacheBlob.Entry[] memory next = new ClaimCacheBlob.Entry[](current.length + topics.length);
        uint256 count = 0;
        for (uint256 i = 0; i < current.length; ++i) {
            if (!_contains(topics, current[i].topic)) next[count++] = current[i];
        }
        bool changed = false;
        for (uint256 i = 0; i < topics.length; ++i) {
            (ClaimCacheBlob.Entry memory fresh, bool valid) = _validEntry(identity_, topics[i]);
            ClaimCacheBlob.Entry memory old = _entryFor(current, topics[i]);
            if (valid) {
                next[count++] = fresh;
                if (!_sameEntry(old, fresh)) {
                    changed = true;
                    emit ClaimCacheUpdated(identity_, topics[i], fresh.issuer);
                }
            } else if (old.issuer != address(0)) {
                changed = true;
                emit ClaimCacheUpdated(identity_, topics[i], address(0));
            }
        }
        if (!changed) return;
        if (count > MAX_CACHED_TOPICS) revert IdentityRegistryCachedTopicsLimitReached(MAX_CACHED_TOPICS);
        address blob = count == 0 ? address(0) : ClaimCacheBlob.write(ClaimCacheBlob.encode(next, count));
        (uint56 coveredGeneration, uint32 requiredEntries) = _coverage(next, count);
        _claimCaches[identity_] = ClaimCache(blob, coveredGeneration, requiredEntries);
    }

    /// @dev Whether the first `count` entries hold every required topic, validated in the current generation
    /// and cache epoch; if so, the generation (else 0, which never matches) and which entries those are.
    function _coverage(
        ClaimCacheBlob.Entry[] memory entries,
        uint256 count
    ) private view returns (uint56 coveredGeneration, uint32 requiredEntries) {
        uint256 required = _requiredTopicCount;
        bool packed = _topicsPacked;
        uint64 generation = _generation;
        uint24 epoch = _cacheEpoch;
        for (uint256 i = 0; i < required; ++i) {
            uint256 topic = _requiredTopicAt(i, packed);
            uint256 j = 0;
            while (j < count && entries[j].topic != topic) ++j;
            if (j == count || entries[j].generation != generation || entries[j].epoch != epoch) return (0, 0);
            requiredEntries |= uint32(1 << j);
        }
        return (uint56(generation), requiredEntries);
    }

    /// @dev {_isVerified} while the cache covers the current generation: each required entry still in the
    /// current cache epoch and not revoked by its issuer passes at once; any other is judged by
    /// {_holdsValidClaim} (and so the full search), exactly as without the coverage.
    function _coveredEntriesValid(
        IOnchainIdentity identity_,
        uint32 requiredEntries,
        uint64 generation,
        uint24 epoch,
        bytes memory cached
    ) private view returns (bool) {
        for (uint256 offset = 0; requiredEntries != 0; offset += ClaimCacheBlob.ENTRY_SIZE) {
            if (requiredEntries & 1 != 0) {
                (address issuer, , uint24 cachedEpoch) = ClaimCacheBlob.header(cached, offset);
                bool fresh = false;
                if (cachedEpoch == epoch) {
                    (bool answered, bool revoked) = ClaimCacheBlob.isRevokedAt(
                        issuer,
                        cached,
                        offset,
                        IOnchainClaimIssuer.isClaimRevoked.selector
                    );
                    fresh = answered && !revoked;
                }
                if (!fresh) {
                    uint256 topic = ClaimCacheBlob.topicAt(cached, offset);
                    if (!_holdsValidClaim(identity_, topic, generation, epoch, cached)) return false;
                }
            }
            requiredEntries >>= 1;
        }
        return true;
    }

    /// @dev The cache entry for the claim that satisfies `topic` now, if there is one with a 65-byte signature.
    function _validEntry(
        IOnchainIdentity identity_,
        uint256 topic
    ) private view returns (ClaimCacheBlob.Entry memory entry, bool valid) {
        (address issuer, bytes memory signature) = _findValidClaim(identity_, topic, _generation);
        if (issuer == address(0) || signature.length != 65) return (entry, false);
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly ("memory-safe") {
            r := mload(add(signature, 0x20))
            s := mload(add(signature, 0x40))
            v := byte(0, mload(add(signature, 0x60)))
        }
        return (ClaimCacheBlob.Entry(topic, issuer, _generation, _cacheEpoch, v, r, s), true);
    }

    function _entryFor(
        ClaimCacheBlob.Entry[] memory entries,
        uint256 topic
    ) private pure returns (ClaimCacheBlob.Entry memory entry) {
        for (uint256 i = 0; i < entries.length; ++i) {
            if (entries[i].topic == topic) return entries[i];
        }
    }

    function _sameEntry(ClaimCacheBlob.Entry memory a, ClaimCacheBlob.Entry memory b) private pure returns (bool) {
        return
            a.issuer == b.issuer &&
            a.r == b.r &&
            a.s == b.s &&
            a.v == b.v &&
            a.generation == b.generation &&
            a.epoch == b.epoch;
    }

    function _contains(uint256[] memory list, uint256 value) private pure returns (bool) {
        for (uint256 i = 0; i < list.length; ++i) {
            if (list[i] == value) return true;
        }
        return false;
    }

    /// @dev Fast path: the cached claim, if it was validated in the current cache epoch, its issuer is still
    /// trusted for the topic and has not revoked it. Otherwise the full search.
    function _holdsValidClaim(
        IOnchainIdentity identity_,
        uint256 topic,
        uint64 generation,
        uint24 epoch,
        bytes memory cached
    ) private view returns (bool) {
        uint256 offset = ClaimCacheBlob.find(cached, topic);
        if (offset != type(uint256).max) {
            (address issuer, uint64 cachedGeneration, uint24 cachedEpoch) = ClaimCacheBlob.header(cached, offset);
            if (
                cachedEpoch == epoch &&
                (cachedGeneration == generation || _trustedIn[_pairKey(issuer, topic)] == generation)
            ) {
                (bool answered, bool revoked) = ClaimCacheBlob.isRevokedAt(
                    issuer,
                    cached,
                    offset,
                    IOnchainClaimIssuer.isClaimRevoked.selector
                );
                if (answered && !revoked) return true;
            }
        }
        (address found, ) = _findValidClaim(identity_, topic, generation);
        return found != address(0);
    }

    /// @dev The ERC-3643 search, over the issuers trusted for `topic` only: the claim must be stored under
    /// that issuer's claim id and pass that issuer's `isClaimValid`. Bounded by the issuers registry's cap.
    function _findValidClaim(
        IOnchainIdentity identity_,
        uint256 topic,
        uint64 generation
    ) private view returns (address issuer, bytes memory signature) {
        IOnchainClaimIssuer[] memory issuers = _issuersRegistry.getTrustedIssuersForClaimTopic(topic);
        for (uint256 i = 0; i < issuers.length; ++i) {
            address candidate = address(issuers[i]);
            if (_trustedIn[_pairKey(candidate, topic)] != generation) continue;
            try identity_.getClaim(keccak256(abi.encode(candidate, topic))) returns (
                uint256 claimTopic,
                uint256,
                address claimIssuer,
                bytes memory sig,
                bytes memory data,
                string memory
            ) {
                if (claimTopic != topic || claimIssuer != candidate) continue;
                if (_issuerConfirms(candidate, identity_, topic, sig, data)) return (candidate, sig);
            } catch {}
        }
        return (address(0), "");
    }

    /// @dev An identity must be a contract (an ONCHAINID): an account without code would make every
    /// later claim lookup revert without a reason instead of answering "not verified".
    function _requireIdentityContract(IOnchainIdentity identity_) private view {
        // The zero address is left to the storage, which refuses it with its own error.
        if (address(identity_) != address(0) && address(identity_).code.length == 0) {
            revert IdentityRegistryIdentityNotContract(address(identity_));
        }
    }

    /// @dev A registry only stays current if the topic or issuer registry calls it back.
    function _requireListening(address publisher) private view {
        try IRequirementsPublisher(publisher).isRequirementsListener(address(this)) returns (bool listening) {
            if (listening) return;
        } catch {}
        revert IdentityRegistryNotListening(publisher);
    }

    /// @dev Whether `issuer` answers `isClaimValid` with exactly `true`. A revert or any other answer
    /// (which `try` could not catch, since a malformed reply fails while decoding) counts as "no".
    function _issuerConfirms(
        address issuer,
        IOnchainIdentity identity_,
        uint256 topic,
        bytes memory sig,
        bytes memory data
    ) private view returns (bool) {
        (bool ok, bytes memory reply) = issuer.staticcall(
            abi.encodeCall(IOnchainClaimIssuer.isClaimValid, (identity_, topic, sig, data))
        );
        return ok && reply.length == 32 && abi.decode(reply, (uint256)) == 1;
    }

    function _requiredTopicAt(uint256 index, bool packed) private view returns (uint256) {
        return packed ? _packedTopics[index] : _requiredTopics[index];
    }

    function _pairKey(address issuer, uint256 topic) private pure returns (bytes32) {
        return keccak256(abi.encode(issuer, topic));
    }
}

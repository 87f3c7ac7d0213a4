// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOnchainIdentity} from "../interfaces/onchainid/IOnchainIdentity.sol";
import {IClaimTopicsRegistry} from "./IClaimTopicsRegistry.sol";
import {IIdentityRegistryStorage} from "./IIdentityRegistryStorage.sol";
import {ITrustedIssuersRegistry} from "./ITrustedIssuersRegistry.sol";

/// @title IIdentityRegistry
/// @notice ERC-3643 identity registry: who may hold a security token. A wallet is verified when its
/// ONCHAINID holds, for every required topic, a claim from an issuer this registry trusts for that topic
/// and that the issuer has not revoked.
interface IIdentityRegistry {
    /// @notice The claim topics registry changed.
    event ClaimTopicsRegistrySet(address indexed claimTopicsRegistry);
    /// @notice The identity storage changed.
    event IdentityStorageSet(address indexed identityStorage);
    /// @notice The trusted issuers registry changed.
    event TrustedIssuersRegistrySet(address indexed trustedIssuersRegistry);
    /// @notice A wallet was registered.
    event IdentityRegistered(address indexed investorAddress, IOnchainIdentity indexed identity);
    /// @notice A wallet was removed.
    event IdentityRemoved(address indexed investorAddress, IOnchainIdentity indexed identity);
    /// @notice A wallet's identity was replaced.
    event IdentityUpdated(IOnchainIdentity indexed oldIdentity, IOnchainIdentity indexed newIdentity);
    /// @notice A wallet's country changed.
    event CountryUpdated(address indexed investorAddress, uint16 indexed country);
    /// @notice The registry recompiled its required topics and trusted issuers (kosai extension).
    event RequirementsCompiled(uint64 indexed generation, uint256 requiredTopics, uint256 trustedPairs);
    /// @notice The cached claim of `identity` for `topic` was written (or renewed) from `issuer`'s claim,
    /// or cleared (`issuer` zero: no valid claim).
    event ClaimCacheUpdated(IOnchainIdentity indexed identity, uint256 indexed topic, address indexed issuer);

    /// @notice Every cached claim was retired by `by` (the owner or a trusted issuer).
    /// @param epoch the new cache epoch.
    event ClaimCacheInvalidated(uint24 indexed epoch, address indexed by);

    /// @notice A zero address was given.
    error IdentityRegistryZeroAddress();
    /// @notice An identity must be a deployed ONCHAINID contract.
    error IdentityRegistryIdentityNotContract(address identity);
    /// @notice The topic or issuer registry does not call this registry back on changes.
    error IdentityRegistryNotListening(address publisher);
    /// @notice Only the owner or a trusted issuer may retire the claim cache.
    error IdentityRegistryCallerCannotInvalidate(address caller);
    /// @notice Array arguments of a batch differ in length.
    error IdentityRegistryBatchLengthMismatch(uint256 expected, uint256 actual);
    /// @notice An identity would have more cached claims than allowed.
    error IdentityRegistryCachedTopicsLimitReached(uint256 max);
    /// @notice Too many required topics to compile.
    error IdentityRegistryRequiredTopicsLimitReached(uint256 max);
    /// @notice Too many (issuer, topic) pairs to compile.
    error IdentityRegistryTrustedPairsLimitReached(uint256 max);

    /// @notice Replaces the identity storage.
    /// @dev Requirements: caller is the owner; nonzero. Emits {IdentityStorageSet}.
    function setIdentityRegistryStorage(address identityRegistryStorage) external;

    /// @notice Replaces the claim topics registry and recompiles.
    /// @dev Requirements: caller is the owner; nonzero; the new registry lists this one as a listener.
    /// Emits {ClaimTopicsRegistrySet}, {RequirementsCompiled}.
    function setClaimTopicsRegistry(address claimTopicsRegistry) external;

    /// @notice Replaces the trusted issuers registry and recompiles.
    /// @dev Requirements: caller is the owner; nonzero; the new registry lists this one as a listener.
    /// Emits {TrustedIssuersRegistrySet}, {RequirementsCompiled}.
    function setTrustedIssuersRegistry(address trustedIssuersRegistry) external;

    /// @notice Registers `userAddress` as a wallet of `identity` in `country`, and caches its valid claims.
    /// @dev Requirements: caller has REGISTRAR_AGENT; wallet not registered; identity is a contract.
    /// Emits {IdentityRegistered}.
    function registerIdentity(address userAddress, IOnchainIdentity identity, uint16 country) external;

    /// @notice Removes `userAddress` from the whitelist.
    /// @dev Requirements: caller has REGISTRAR_AGENT; wallet registered. Emits {IdentityRemoved}.
    function deleteIdentity(address userAddress) external;

    /// @notice Changes the country of `userAddress`.
    /// @dev Requirements: caller has REGISTRAR_AGENT; wallet registered. Emits {CountryUpdated}.
    function updateCountry(address userAddress, uint16 country) external;

    /// @notice Changes the identity of `userAddress`, and caches the new identity's valid claims.
    /// @dev Requirements: caller has REGISTRAR_AGENT; wallet registered. Emits {IdentityUpdated}.
    function updateIdentity(address userAddress, IOnchainIdentity identity) external;

    /// @notice {registerIdentity} for many wallets.
    /// @dev Requirements: equal array lengths; each registration's requirements.
    function batchRegisterIdentity(
        address[] calldata userAddresses,
        IOnchainIdentity[] calldata identities,
        uint16[] calldata countries
    ) external;

    /// @notice Reads the required topics and trusted issuers again (kosai extension). Anyone may call it;
    /// the claim topics and trusted issuers registries call it after every change.
    /// @dev Emits {RequirementsCompiled}.
    function onRequirementsChanged() external;

    /// @notice Re-reads the claims of `identity` for every required topic and caches those that are valid
    /// (kosai extension). Anyone may call it: the cache only ever holds claims their issuer validated.
    /// @dev Emits {ClaimCacheUpdated} for each topic whose cached issuer changed.
    function refreshClaims(IOnchainIdentity identity) external;

    /// @notice Retires every cached claim at once (kosai extension): afterwards each transfer validates claims
    /// in full (the ERC-3643 search) until `refreshClaims` caches them again. For an issuer that removed a
    /// compromised signing key rather than revoking each claim.
    /// @dev Requirements: caller is the owner or a trusted issuer. Emits {ClaimCacheInvalidated}.
    function invalidateClaimCache() external;

    /// @notice {refreshClaims} for one topic that need not be required (e.g. an eligibility topic).
    function refreshClaim(IOnchainIdentity identity, uint256 topic) external;

    /// @notice Whether `userAddress` is registered.
    function contains(address userAddress) external view returns (bool);

    /// @notice Whether `userAddress` is registered and holds a valid trusted claim for every required topic.
    function isVerified(address userAddress) external view returns (bool);

    /// @notice Identity and country of `userAddress` from one storage read and, if `verify`, whether it is
    /// verified (kosai extension: what a token reads once per transfer and hands to its compliance).
    /// @param userAddress the wallet.
    /// @param verify whether to check the required claims ({isVerified}).
    /// @return identity_ the identity (zero if not registered).
    /// @return country the country (zero if not registered).
    /// @return verified {isVerified}`(userAddress)` if `verify`, else false.
    function investorOf(
        address userAddress,
        bool verify
    ) external view returns (IOnchainIdentity identity_, uint16 country, bool verified);

    /// @notice Whether the identity of `userAddress` holds a valid claim for `topic` from an issuer
    /// trusted for it (kosai extension, used by eligibility modules).
    function hasValidClaim(address userAddress, uint256 topic) external view returns (bool);

    /// @notice The identity of `userAddress` (zero if not registered).
    function identity(address userAddress) external view returns (IOnchainIdentity);

    /// @notice The country of `userAddress` (ISO 3166-1 numeric; zero if not registered).
    function investorCountry(address userAddress) external view returns (uint16);

    /// @notice The identity storage.
    function identityStorage() external view returns (IIdentityRegistryStorage);

    /// @notice The trusted issuers registry.
    function issuersRegistry() external view returns (ITrustedIssuersRegistry);

    /// @notice The claim topics registry.
    function topicsRegistry() external view returns (IClaimTopicsRegistry);

    /// @notice The compiled required topics (kosai extension).
    function requiredClaimTopics() external view returns (uint256[] memory);

    /// @notice The issuer whose claim is cached for `identity` and `topic` (kosai extension).
    function cachedClaimIssuer(IOnchainIdentity identity, uint256 topic) external view returns (address);
}

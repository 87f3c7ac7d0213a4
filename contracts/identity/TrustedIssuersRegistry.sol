// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IOnchainClaimIssuer} from "../interfaces/onchainid/IOnchainIdentity.sol";
import {ITrustedIssuersRegistry} from "./ITrustedIssuersRegistry.sol";
import {RequirementsPublisher} from "./RequirementsPublisher.sol";

/// @title TrustedIssuersRegistry
/// @notice The claim issuers trusted for each topic, pushed to listening identity registries.
contract TrustedIssuersRegistry is ITrustedIssuersRegistry, RequirementsPublisher {
    /// @notice Most trusted issuers (bounds every verification loop).
    uint256 public constant MAX_TRUSTED_ISSUERS = 50;
    /// @notice Most topics one issuer is trusted for.
    uint256 public constant MAX_TOPICS_PER_ISSUER = 15;

    IOnchainClaimIssuer[] private _issuers;
    mapping(address issuer => uint256[] topics) private _issuerTopics;
    mapping(uint256 topic => IOnchainClaimIssuer[] issuers) private _topicIssuers;

    /// @param owner_ the registry's owner.
    constructor(address owner_) AccessControlDefaultAdminRules(0, owner_) {}

    /// @inheritdoc ITrustedIssuersRegistry
    function addTrustedIssuer(
        IOnchainClaimIssuer trustedIssuer,
        uint256[] calldata claimTopics
    ) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (address(trustedIssuer) == address(0)) revert TrustedIssuerZeroAddress();
        if (_issuerTopics[address(trustedIssuer)].length != 0)
            revert TrustedIssuerAlreadyTrusted(address(trustedIssuer));
        if (_issuers.length >= MAX_TRUSTED_ISSUERS) revert TrustedIssuersLimitReached(MAX_TRUSTED_ISSUERS);
        _setTopics(trustedIssuer, claimTopics);
        _issuers.push(trustedIssuer);
        emit TrustedIssuerAdded(trustedIssuer, claimTopics);
        _notifyListeners();
    }

    /// @inheritdoc ITrustedIssuersRegistry
    function removeTrustedIssuer(IOnchainClaimIssuer trustedIssuer) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireTrusted(trustedIssuer);
        _clearTopics(trustedIssuer);
        _removeFrom(_issuers, trustedIssuer);
        emit TrustedIssuerRemoved(trustedIssuer);
        _notifyListeners();
    }

    /// @inheritdoc ITrustedIssuersRegistry
    function updateIssuerClaimTopics(
        IOnchainClaimIssuer trustedIssuer,
        uint256[] calldata claimTopics
    ) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireTrusted(trustedIssuer);
        _clearTopics(trustedIssuer);
        _setTopics(trustedIssuer, claimTopics);
        emit ClaimTopicsUpdated(trustedIssuer, claimTopics);
        _notifyListeners();
    }

    /// @inheritdoc ITrustedIssuersRegistry
    function getTrustedIssuers() external view returns (IOnchainClaimIssuer[] memory) {
        return _issuers;
    }

    /// @inheritdoc ITrustedIssuersRegistry
    function getTrustedIssuersForClaimTopic(uint256 claimTopic) external view returns (IOnchainClaimIssuer[] memory) {
        return _topicIssuers[claimTopic];
    }

    /// @inheritdoc ITrustedIssuersRegistry
    function isTrustedIssuer(address issuer) external view returns (bool) {
        return _issuerTopics[issuer].length != 0;
    }

    /// @inheritdoc ITrustedIssuersRegistry
    function getTrustedIssuerClaimTopics(IOnchainClaimIssuer trustedIssuer) external view returns (uint256[] memory) {
        _requireTrusted(trustedIssuer);
        return _issuerTopics[address(trustedIssuer)];
    }

    /// @inheritdoc ITrustedIssuersRegistry
    function hasClaimTopic(address issuer, uint256 claimTopic) external view returns (bool) {
        uint256[] storage topics = _issuerTopics[issuer];
        uint256 count = topics.length;
        for (uint256 i = 0; i < count; ++i) {
            if (topics[i] == claimTopic) return true;
        }
        return false;
    }

    function _setTopics(IOnchainClaimIssuer issuer, uint256[] calldata claimTopics) private {
        uint256 count = claimTopics.length;
        if (count == 0) revert TrustedIssuerNoClaimTopics();
        if (count > MAX_TOPICS_PER_ISSUER) revert TrustedIssuerClaimTopicsLimitReached(MAX_TOPICS_PER_ISSUER);
        uint256[] storage topics = _issuerTopics[address(issuer)];
        for (uint256 i = 0; i < count; ++i) {
            uint256 topic = claimTopics[i];
            for (uint256 j = 0; j < i; ++j) {
                if (claimTopics[j] == topic) revert TrustedIssuerDuplicateClaimTopic(topic);
            }
            topics.push(topic);
            _topicIssuers[topic].push(issuer);
        }
    }

    function _clearTopics(IOnchainClaimIssuer issuer) private {
        uint256[] storage topics = _issuerTopics[address(issuer)];
        uint256 count = topics.length;
        for (uint256 i = 0; i < count; ++i) {
            _removeFrom(_topicIssuers[topics[i]], issuer);
        }
        delete _issuerTopics[address(issuer)];
    }

    function _requireTrusted(IOnchainClaimIssuer issuer) private view {
        if (_issuerTopics[address(issuer)].length == 0) revert TrustedIssuerNotTrusted(address(issuer));
    }

    function _removeFrom(IOnchainClaimIssuer[] storage list, IOnchainClaimIssuer issuer) private {
        uint256 count = list.length;
        for (uint256 i = 0; i < count; ++i) {
            if (list[i] == issuer) {
                list[i] = list[count - 1];
                list.pop();
                return;
            }
        }
    }
}

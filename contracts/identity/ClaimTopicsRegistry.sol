// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IClaimTopicsRegistry} from "./IClaimTopicsRegistry.sol";
import {RequirementsPublisher} from "./RequirementsPublisher.sol";

/// @title ClaimTopicsRegistry
/// @notice The claim topics required of every investor, pushed to listening identity registries.
contract ClaimTopicsRegistry is IClaimTopicsRegistry, RequirementsPublisher {
    /// @notice Most topics that can be required (bounds every verification loop).
    uint256 public constant MAX_CLAIM_TOPICS = 15;

    uint256[] private _claimTopics;

    /// @param owner_ the registry's owner.
    constructor(address owner_) AccessControlDefaultAdminRules(0, owner_) {}

    /// @inheritdoc IClaimTopicsRegistry
    function addClaimTopic(uint256 claimTopic) external onlyRole(DEFAULT_ADMIN_ROLE) {
        uint256 count = _claimTopics.length;
        if (count >= MAX_CLAIM_TOPICS) revert ClaimTopicsLimitReached(MAX_CLAIM_TOPICS);
        for (uint256 i = 0; i < count; ++i) {
            if (_claimTopics[i] == claimTopic) revert ClaimTopicAlreadyRequired(claimTopic);
        }
        _claimTopics.push(claimTopic);
        emit ClaimTopicAdded(claimTopic);
        _notifyListeners();
    }

    /// @inheritdoc IClaimTopicsRegistry
    function removeClaimTopic(uint256 claimTopic) external onlyRole(DEFAULT_ADMIN_ROLE) {
        uint256 count = _claimTopics.length;
        for (uint256 i = 0; i < count; ++i) {
            if (_claimTopics[i] == claimTopic) {
                _claimTopics[i] = _claimTopics[count - 1];
                _claimTopics.pop();
                emit ClaimTopicRemoved(claimTopic);
                _notifyListeners();
                return;
            }
        }
        revert ClaimTopicNotRequired(claimTopic);
    }

    /// @inheritdoc IClaimTopicsRegistry
    function getClaimTopics() external view returns (uint256[] memory) {
        return _claimTopics;
    }
}

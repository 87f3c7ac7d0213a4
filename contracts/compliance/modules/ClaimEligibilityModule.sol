// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AbstractModule} from "./AbstractModule.sol";
import {IComplianceModule, ModuleHooks, TransferContext} from "./IComplianceModule.sol";

/// @title ClaimEligibilityModule
/// @notice Investor eligibility by claim: recipients must hold a valid claim, from an issuer the identity
/// registry trusts for it, for every topic on the list (e.g. "individual", "qualified institutional
/// investor"). Topics here need not be required by the registry for every token.
contract ClaimEligibilityModule is AbstractModule {
    /// @notice Most eligibility topics per compliance.
    uint256 public constant MAX_TOPICS = 5;

    /// @notice `topic` is now required of recipients under `compliance`.
    event EligibilityTopicAdded(address indexed compliance, uint256 indexed topic);
    /// @notice `topic` is no longer required under `compliance`.
    event EligibilityTopicRemoved(address indexed compliance, uint256 indexed topic);

    /// @notice The topic is already required.
    error EligibilityTopicAlreadyRequired(address compliance, uint256 topic);
    /// @notice The topic is not required.
    error EligibilityTopicNotRequired(address compliance, uint256 topic);
    /// @notice No more topics can be required.
    error EligibilityTopicsLimitReached(uint256 max);

    mapping(address compliance => uint256[] topics) private _topics;

    /// @notice Requires `topic` of recipients under the calling compliance.
    /// @dev Requirements: caller is a bound compliance; not yet required; below the cap.
    /// Emits {EligibilityTopicAdded}.
    function addEligibilityTopic(uint256 topic) external onlyBoundCompliance {
        uint256[] storage topics = _topics[msg.sender];
        if (topics.length >= MAX_TOPICS) revert EligibilityTopicsLimitReached(MAX_TOPICS);
        for (uint256 i = 0; i < topics.length; ++i) {
            if (topics[i] == topic) revert EligibilityTopicAlreadyRequired(msg.sender, topic);
        }
        topics.push(topic);
        emit EligibilityTopicAdded(msg.sender, topic);
    }

    /// @notice Stops requiring `topic` under the calling compliance.
    /// @dev Requirements: caller is a bound compliance; topic required. Emits {EligibilityTopicRemoved}.
    function removeEligibilityTopic(uint256 topic) external onlyBoundCompliance {
        uint256[] storage topics = _topics[msg.sender];
        for (uint256 i = 0; i < topics.length; ++i) {
            if (topics[i] == topic) {
                topics[i] = topics[topics.length - 1];
                topics.pop();
                emit EligibilityTopicRemoved(msg.sender, topic);
                return;
            }
        }
        revert EligibilityTopicNotRequired(msg.sender, topic);
    }

    /// @notice The topics required under `compliance`.
    function eligibilityTopics(address compliance) external view returns (uint256[] memory) {
        return _topics[compliance];
    }

    /// @inheritdoc IComplianceModule
    function hooks() external pure returns (uint8) {
        return ModuleHooks.CHECK_TRANSFER | ModuleHooks.CHECK_MINT;
    }

    /// @inheritdoc IComplianceModule
    function name() external pure returns (string memory) {
        return "ClaimEligibilityModule";
    }

    /// @dev The recipient holds a valid claim for every listed topic, asked of the context's registry.
    function _check(
        address,
        address to,
        uint256,
        address compliance,
        TransferContext memory context
    ) internal view override returns (bool) {
        uint256[] storage topics = _topics[compliance];
        uint256 count = topics.length;
        for (uint256 i = 0; i < count; ++i) {
            if (!context.registry.hasValidClaim(to, topics[i])) return false;
        }
        return true;
    }

    function _contextNeeds() internal pure override returns (uint8) {
        return CONTEXT_INVESTOR;
    }
}

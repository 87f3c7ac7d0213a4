// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IClaimTopicsRegistry
/// @notice ERC-3643 claim topics registry: the claim topics every investor of the bound identity
/// registries must hold (e.g. KYC, AML).
interface IClaimTopicsRegistry {
    /// @notice A required claim topic was added.
    event ClaimTopicAdded(uint256 indexed claimTopic);
    /// @notice A required claim topic was removed.
    event ClaimTopicRemoved(uint256 indexed claimTopic);

    /// @notice The topic is already required.
    error ClaimTopicAlreadyRequired(uint256 claimTopic);
    /// @notice The topic is not required.
    error ClaimTopicNotRequired(uint256 claimTopic);
    /// @notice No more topics can be required.
    error ClaimTopicsLimitReached(uint256 max);

    /// @notice Requires `claimTopic` of every investor.
    /// @dev Requirements: caller is the owner; topic not yet required; fewer than the maximum topics.
    /// Emits {ClaimTopicAdded}. Listening identity registries apply it at once.
    function addClaimTopic(uint256 claimTopic) external;

    /// @notice Stops requiring `claimTopic`.
    /// @dev Requirements: caller is the owner; topic required. Emits {ClaimTopicRemoved}.
    function removeClaimTopic(uint256 claimTopic) external;

    /// @notice The required claim topics.
    function getClaimTopics() external view returns (uint256[] memory);
}

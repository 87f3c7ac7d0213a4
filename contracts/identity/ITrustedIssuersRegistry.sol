// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOnchainClaimIssuer} from "../interfaces/onchainid/IOnchainIdentity.sol";

/// @title ITrustedIssuersRegistry
/// @notice ERC-3643 trusted issuers registry: which ONCHAINID claim issuers are trusted, for which topics.
interface ITrustedIssuersRegistry {
    /// @notice An issuer became trusted for `claimTopics`.
    event TrustedIssuerAdded(IOnchainClaimIssuer indexed trustedIssuer, uint256[] claimTopics);
    /// @notice An issuer is no longer trusted.
    event TrustedIssuerRemoved(IOnchainClaimIssuer indexed trustedIssuer);
    /// @notice An issuer's trusted topics changed.
    event ClaimTopicsUpdated(IOnchainClaimIssuer indexed trustedIssuer, uint256[] claimTopics);

    /// @notice A zero address was given as issuer.
    error TrustedIssuerZeroAddress();
    /// @notice The issuer is already trusted.
    error TrustedIssuerAlreadyTrusted(address issuer);
    /// @notice The issuer is not trusted.
    error TrustedIssuerNotTrusted(address issuer);
    /// @notice An issuer must be trusted for at least one topic.
    error TrustedIssuerNoClaimTopics();
    /// @notice No more issuers can be trusted.
    error TrustedIssuersLimitReached(uint256 max);
    /// @notice An issuer was given too many topics.
    error TrustedIssuerClaimTopicsLimitReached(uint256 max);
    /// @notice A topic appears twice in one list.
    error TrustedIssuerDuplicateClaimTopic(uint256 claimTopic);

    /// @notice Trusts `trustedIssuer` for `claimTopics`.
    /// @dev Requirements: caller is the owner; issuer not zero and not yet trusted; 1..max distinct topics;
    /// fewer than the maximum issuers. Emits {TrustedIssuerAdded}. Listening registries apply it at once.
    function addTrustedIssuer(IOnchainClaimIssuer trustedIssuer, uint256[] calldata claimTopics) external;

    /// @notice Stops trusting `trustedIssuer`: its claims stop counting for every investor at once.
    /// @dev Requirements: caller is the owner; issuer trusted. Emits {TrustedIssuerRemoved}.
    function removeTrustedIssuer(IOnchainClaimIssuer trustedIssuer) external;

    /// @notice Replaces the topics `trustedIssuer` is trusted for.
    /// @dev Requirements: caller is the owner; issuer trusted; 1..max distinct topics. Emits {ClaimTopicsUpdated}.
    function updateIssuerClaimTopics(IOnchainClaimIssuer trustedIssuer, uint256[] calldata claimTopics) external;

    /// @notice All trusted issuers.
    function getTrustedIssuers() external view returns (IOnchainClaimIssuer[] memory);

    /// @notice The trusted issuers for `claimTopic`.
    function getTrustedIssuersForClaimTopic(uint256 claimTopic) external view returns (IOnchainClaimIssuer[] memory);

    /// @notice Whether `issuer` is trusted for any topic.
    function isTrustedIssuer(address issuer) external view returns (bool);

    /// @notice The topics `trustedIssuer` is trusted for.
    function getTrustedIssuerClaimTopics(IOnchainClaimIssuer trustedIssuer) external view returns (uint256[] memory);

    /// @notice Whether `issuer` is trusted for `claimTopic`.
    function hasClaimTopic(address issuer, uint256 claimTopic) external view returns (bool);
}

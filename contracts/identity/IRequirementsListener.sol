// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IRequirementsListener
/// @notice Implemented by identity registries that keep a compiled copy of the claim topics they require
/// and the issuers they trust, so that `isVerified` never has to call the topic or issuer registry on a
/// transfer. The registries call back on every change, so a change takes effect at once for every investor.
interface IRequirementsListener {
    /// @notice Called by a claim topics registry or trusted issuers registry after any change.
    function onRequirementsChanged() external;
}

/// @title IRequirementsPublisher
/// @notice A registry (claim topics or trusted issuers) that tells its listeners when it changes.
interface IRequirementsPublisher {
    /// @notice A listener was added.
    event RequirementsListenerAdded(address indexed listener);
    /// @notice A listener was removed.
    event RequirementsListenerRemoved(address indexed listener);

    /// @notice The listener list is full.
    error RequirementsListenersLimitReached(uint256 max);
    /// @notice The address is already a listener.
    error RequirementsListenerAlreadyAdded(address listener);
    /// @notice The address is not a listener.
    error RequirementsListenerNotFound(address listener);
    /// @notice A zero address was given.
    error RequirementsListenerZeroAddress();

    /// @notice Adds an identity registry to notify on every change, and notifies it once.
    /// @dev Requirements: caller is the owner; fewer than the maximum listeners. Emits {RequirementsListenerAdded}.
    function addRequirementsListener(address listener) external;

    /// @notice Stops notifying `listener`.
    /// @dev Requirements: caller is the owner; `listener` was added. Emits {RequirementsListenerRemoved}.
    function removeRequirementsListener(address listener) external;

    /// @notice Whether `listener` is notified of changes.
    function isRequirementsListener(address listener) external view returns (bool);

    /// @notice All listeners.
    function requirementsListeners() external view returns (address[] memory);
}

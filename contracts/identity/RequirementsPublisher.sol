// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IRequirementsListener, IRequirementsPublisher} from "./IRequirementsListener.sol";

/// @title RequirementsPublisher
/// @notice Keeps a bounded list of identity registries and calls them back after every change.
abstract contract RequirementsPublisher is IRequirementsPublisher, AccessControlDefaultAdminRules {
    /// @notice Most identity registries one topic or issuer registry can serve.
    uint256 public constant MAX_LISTENERS = 16;

    address[] private _listeners;

    /// @inheritdoc IRequirementsPublisher
    function addRequirementsListener(address listener) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (listener == address(0)) revert RequirementsListenerZeroAddress();
        if (_listeners.length >= MAX_LISTENERS) revert RequirementsListenersLimitReached(MAX_LISTENERS);
        if (_indexOf(listener) != type(uint256).max) revert RequirementsListenerAlreadyAdded(listener);
        _listeners.push(listener);
        emit RequirementsListenerAdded(listener);
        IRequirementsListener(listener).onRequirementsChanged();
    }

    /// @inheritdoc IRequirementsPublisher
    function removeRequirementsListener(address listener) external onlyRole(DEFAULT_ADMIN_ROLE) {
        uint256 index = _indexOf(listener);
        if (index == type(uint256).max) revert RequirementsListenerNotFound(listener);
        _listeners[index] = _listeners[_listeners.length - 1];
        _listeners.pop();
        emit RequirementsListenerRemoved(listener);
    }

    /// @inheritdoc IRequirementsPublisher
    function isRequirementsListener(address listener) external view returns (bool) {
        return _indexOf(listener) != type(uint256).max;
    }

    /// @inheritdoc IRequirementsPublisher
    function requirementsListeners() external view returns (address[] memory) {
        return _listeners;
    }

    /// @dev Tells every listener that topics or trusted issuers changed.
    function _notifyListeners() internal {
        uint256 count = _listeners.length;
        for (uint256 i = 0; i < count; ++i) {
            IRequirementsListener(_listeners[i]).onRequirementsChanged();
        }
    }

    function _indexOf(address listener) private view returns (uint256) {
        uint256 count = _listeners.length;
        for (uint256 i = 0; i < count; ++i) {
            if (_listeners[i] == listener) return i;
        }
        return type(uint256).max;
    }
}

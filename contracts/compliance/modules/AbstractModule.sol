// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IModularCompliance} from "../IModularCompliance.sol";
import {IIdentityRegistry} from "../../identity/IIdentityRegistry.sol";
import {IERC3643} from "../../token/IERC3643.sol";
import {IComplianceModule} from "./IComplianceModule.sol";

/// @title AbstractModule
/// @notice Binding bookkeeping shared by every module, and the lookups modules make through the token.
/// @dev Module state is keyed by compliance address; only a bound compliance may change it.
abstract contract AbstractModule is IComplianceModule {
    mapping(address compliance => bool bound) private _bound;

    modifier onlyBoundCompliance() {
        if (!_bound[msg.sender]) revert ModuleCallerNotBoundCompliance(msg.sender);
        _;
    }

    /// @inheritdoc IComplianceModule
    function bindCompliance(address compliance) external {
        if (msg.sender != compliance) revert ModuleCallerNotCompliance(msg.sender, compliance);
        if (_bound[compliance]) revert ModuleComplianceAlreadyBound(compliance);
        _bound[compliance] = true;
        emit ComplianceBound(compliance);
        _onBind(compliance);
    }

    /// @inheritdoc IComplianceModule
    function unbindCompliance(address compliance) external {
        if (msg.sender != compliance) revert ModuleCallerNotCompliance(msg.sender, compliance);
        if (!_bound[compliance]) revert ModuleCallerNotBoundCompliance(compliance);
        _bound[compliance] = false;
        emit ComplianceUnbound(compliance);
    }

    /// @inheritdoc IComplianceModule
    function isComplianceBound(address compliance) external view returns (bool) {
        return _bound[compliance];
    }

    /// @inheritdoc IComplianceModule
    function moduleTransferAction(address, address, uint256) external virtual onlyBoundCompliance {}

    /// @inheritdoc IComplianceModule
    function moduleMintAction(address, uint256) external virtual onlyBoundCompliance {}

    /// @inheritdoc IComplianceModule
    function moduleBurnAction(address, uint256) external virtual onlyBoundCompliance {}

    /// @inheritdoc IComplianceModule
    function canComplianceBind(address) external view virtual returns (bool) {
        return true;
    }

    /// @inheritdoc IComplianceModule
    function isPlugAndPlay() external pure virtual returns (bool) {
        return true;
    }

    /// @dev Called when `compliance` binds; modules with per-compliance state start it afresh here.
    function _onBind(address compliance) internal virtual {}

    /// @dev The token bound to `compliance`.
    function _token(address compliance) internal view returns (IERC3643) {
        return IERC3643(IModularCompliance(compliance).getTokenBound());
    }

    /// @dev The identity registry of the token bound to `compliance`.
    function _registry(address compliance) internal view returns (IIdentityRegistry) {
        return _token(compliance).identityRegistry();
    }
}

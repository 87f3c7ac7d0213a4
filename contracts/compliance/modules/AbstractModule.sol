// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IModularCompliance} from "../IModularCompliance.sol";
import {IIdentityRegistry} from "../../identity/IIdentityRegistry.sol";
import {IERC3643} from "../../token/IERC3643.sol";
import {IComplianceModule, TransferContext} from "./IComplianceModule.sol";
import {TransferContexts} from "./TransferContexts.sol";

/// @title AbstractModule
/// @notice Binding bookkeeping shared by every module, and the lookups modules make through the token.
/// @dev Module state is keyed by compliance address; only a bound compliance may change it. A module
/// writes its rule once, in {_check} and {_action}, against a {TransferContext}: the kosai token hands
/// that context over (the `...WithContext` entry points); the ERC-3643 entry points resolve the parts the
/// module declared it needs ({_contextNeeds}) through compliance → token → registry, then apply the same
/// rule, so both paths answer alike.
abstract contract AbstractModule is IComplianceModule {
    /// @dev {_contextNeeds} bits: the registry, and the recipient's identity and country in it.
    uint8 internal constant CONTEXT_INVESTOR = 1;
    /// @dev {_contextNeeds} bits: the sender's and the recipient's balances.
    uint8 internal constant CONTEXT_BALANCES = 2;
    /// @dev {_contextNeeds} bits: the total supply (given for mints and burns only).
    uint8 internal constant CONTEXT_SUPPLY = 4;

    /// @dev Whether a compliance is bound, how many times it has been bound, and one setting of the module
    /// for it: one slot, so a module keeping state per binding (identity ledgers) reads it with the same
    /// SLOAD as the caller check, and a check that reads the binding gets the setting for free. The setting
    /// survives unbinding, like any other per-compliance setting.
    struct Binding {
        bool bound;
        uint64 count;
        uint128 setting;
    }

    mapping(address compliance => Binding binding) private _bindings;

    modifier onlyBoundCompliance() {
        if (!_bindings[msg.sender].bound) revert ModuleCallerNotBoundCompliance(msg.sender);
        _;
    }

    /// @inheritdoc IComplianceModule
    function bindCompliance(address compliance) external {
        if (msg.sender != compliance) revert ModuleCallerNotCompliance(msg.sender, compliance);
        Binding storage binding = _bindings[compliance];
        if (binding.bound) revert ModuleComplianceAlreadyBound(compliance);
        binding.bound = true;
        binding.count += 1;
        emit ComplianceBound(compliance);
        _onBind(compliance);
    }

    /// @inheritdoc IComplianceModule
    function unbindCompliance(address compliance) external {
        if (msg.sender != compliance) revert ModuleCallerNotCompliance(msg.sender, compliance);
        if (!_bindings[compliance].bound) revert ModuleCallerNotBoundCompliance(compliance);
        _bindings[compliance].bound = false;
        emit ComplianceUnbound(compliance);
    }

    /// @inheritdoc IComplianceModule
    function isComplianceBound(address compliance) external view returns (bool) {
        return _bindings[compliance].bound;
    }

    /// @inheritdoc IComplianceModule
    function moduleTransferAction(address from, address to, uint256 value) external onlyBoundCompliance {
        _action(from, to, value, msg.sender, _resolveContext(msg.sender, from, to));
    }

    /// @inheritdoc IComplianceModule
    function moduleMintAction(address to, uint256 value) external onlyBoundCompliance {
        _action(address(0), to, value, msg.sender, _resolveContext(msg.sender, address(0), to));
    }

    /// @inheritdoc IComplianceModule
    function moduleBurnAction(address from, uint256 value) external onlyBoundCompliance {
        _action(from, address(0), value, msg.sender, _resolveContext(msg.sender, from, address(0)));
    }

    /// @inheritdoc IComplianceModule
    function moduleActionWithContext(
        address from,
        address to,
        uint256 value,
        TransferContext calldata context
    ) external onlyBoundCompliance {
        _action(from, to, value, msg.sender, _copy(context));
    }

    /// @inheritdoc IComplianceModule
    function moduleCheckAndActionWithContext(
        address from,
        address to,
        uint256 value,
        TransferContext calldata before
    ) external onlyBoundCompliance returns (bool allowed) {
        return _checkAndAction(from, to, value, msg.sender, _copy(before));
    }

    /// @inheritdoc IComplianceModule
    function moduleCheck(address from, address to, uint256 value, address compliance) external view returns (bool) {
        return _check(from, to, value, compliance, _resolveContext(compliance, from, to));
    }

    /// @inheritdoc IComplianceModule
    function moduleCheckWithContext(
        address from,
        address to,
        uint256 value,
        address compliance,
        TransferContext calldata context
    ) external view returns (bool) {
        return _check(from, to, value, compliance, _copy(context));
    }

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

    /// @dev The rule: whether moving `value` from `from` (zero: a mint) to `to` is allowed under
    /// `compliance`, given the state before the change.
    function _check(
        address from,
        address to,
        uint256 value,
        address compliance,
        TransferContext memory context
    ) internal view virtual returns (bool);

    /// @dev Records a transfer, a mint (`from` zero) or a burn (`to` zero) for `compliance`, given the
    /// state after the change. Modules without action hooks keep this empty default.
    function _action(address, address, uint256, address, TransferContext memory) internal virtual {}

    /// @dev {_check} on `context` (the state before the change) and, if allowed, {_action} on the state
    /// after it, which `context` holds on return. Modules whose check and action share look-ups override
    /// it to make them once; the answer and the records must stay those of {_check} then {_action}.
    function _checkAndAction(
        address from,
        address to,
        uint256 value,
        address compliance,
        TransferContext memory context
    ) internal virtual returns (bool) {
        if (!_check(from, to, value, compliance, context)) return false;
        TransferContexts.applyChange(from, to, value, context);
        _action(from, to, value, compliance, context);
        return true;
    }

    /// @dev Which parts of the {TransferContext} the module reads, as CONTEXT_* bits: the ERC-3643 entry
    /// points look up only these.
    function _contextNeeds() internal pure virtual returns (uint8);

    /// @dev The context the token would hand over now, for the parts {_contextNeeds} names (the rest zero).
    /// Without a token to ask (`compliance` is no contract, or has no token bound) the context stays zero,
    /// as it would be for a token with nothing registered and nothing issued.
    function _resolveContext(
        address compliance,
        address from,
        address to
    ) internal view returns (TransferContext memory context) {
        uint8 needs = _contextNeeds();
        if (needs == 0 || compliance.code.length == 0) return context;
        IERC3643 token = _token(compliance);
        if (address(token) == address(0)) return context;
        if (needs & CONTEXT_INVESTOR != 0) {
            IIdentityRegistry registry = token.identityRegistry();
            context.registry = registry;
            if (to != address(0)) {
                context.toIdentity = registry.identity(to);
                context.toCountry = registry.investorCountry(to);
            }
        }
        if (needs & CONTEXT_BALANCES != 0) {
            if (from != address(0)) context.fromBalance = token.balanceOf(from);
            if (to != address(0)) context.toBalance = token.balanceOf(to);
        }
        if (needs & CONTEXT_SUPPLY != 0 && (from == address(0) || to == address(0))) {
            context.totalSupply = token.totalSupply();
        }
    }

    /// @dev `context` copied to memory in one go, after the checks the ABI decoder makes on a copy (the
    /// two addresses fit 160 bits, the country 16 bits; otherwise an empty revert, as the decoder's): a
    /// memory struct of value types is laid out as its ABI encoding, one 32-byte word per field. The
    /// decoder's copy checks and moves field by field, at several times the cost.
    function _copy(TransferContext calldata context) private pure returns (TransferContext memory copy) {
        assembly ("memory-safe") {
            copy := mload(0x40)
            calldatacopy(copy, context, 0xc0)
            mstore(0x40, add(copy, 0xc0))
            if or(or(shr(160, mload(copy)), shr(160, mload(add(copy, 0x20)))), shr(16, mload(add(copy, 0x40)))) {
                revert(0, 0)
            }
        }
    }

    /// @dev How many times `compliance` has been bound (the current binding's number; zero if never).
    function _bindingCount(address compliance) internal view returns (uint64) {
        return _bindings[compliance].count;
    }

    /// @dev {_bindingCount} and {_bindingSetting} of `compliance` from one read of its slot.
    function _bindingCountAndSetting(address compliance) internal view returns (uint64 count, uint128 setting) {
        Binding storage binding = _bindings[compliance];
        (count, setting) = (binding.count, binding.setting);
    }

    /// @dev The setting kept in the binding slot of `compliance` (zero if never set).
    function _bindingSetting(address compliance) internal view returns (uint128) {
        return _bindings[compliance].setting;
    }

    /// @dev Keeps `setting` in the binding slot of `compliance`.
    function _setBindingSetting(address compliance, uint128 setting) internal {
        _bindings[compliance].setting = setting;
    }

    /// @dev The token bound to `compliance`.
    function _token(address compliance) internal view returns (IERC3643) {
        return IERC3643(IModularCompliance(compliance).getTokenBound());
    }
}

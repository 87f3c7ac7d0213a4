// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TransferContext} from "./modules/IComplianceModule.sol";

/// @title IModularCompliance
/// @notice ERC-3643 modular compliance: the transfer rules of one token, each rule a module.
interface IModularCompliance {
    /// @notice A module to install at initialization, with the configuration calls to make on it.
    struct ModuleSetup {
        address module;
        bytes[] calls;
    }

    /// @notice The owner called `selector` on `target` through {callModuleFunction}.
    event ModuleInteraction(address indexed target, bytes4 selector);
    /// @notice The compliance now serves `token`.
    event TokenBound(address token);
    /// @notice The compliance no longer serves `token`.
    event TokenUnbound(address token);
    /// @notice A module was added.
    event ModuleAdded(address indexed module);
    /// @notice A module was removed.
    event ModuleRemoved(address indexed module);
    /// @notice The union of module hooks changed and was pushed to the bound token.
    event HookMaskChanged(uint8 hookMask);

    /// @notice The caller may not bind or unbind this token.
    error ComplianceUnauthorizedBinding(address caller);
    /// @notice The caller is not the bound token.
    error ComplianceCallerNotToken(address caller);
    /// @notice A token is already bound.
    error ComplianceTokenAlreadyBound(address token);
    /// @notice `token` is not the bound token.
    error ComplianceTokenNotBound(address token);
    /// @notice A zero address was given.
    error ComplianceZeroAddress();
    /// @notice No more modules can be added.
    error ComplianceModulesLimitReached(uint256 max);
    /// @notice The module is already added.
    error ComplianceModuleAlreadyBound(address module);
    /// @notice The module is not added.
    error ComplianceModuleNotBound(address module);
    /// @notice The module refuses this compliance (e.g. it needs an empty token to start counting).
    error ComplianceModuleCannotBind(address module);
    /// @notice {callModuleFunction} may not bind or unbind a module (use addModule / removeModule).
    error ComplianceModuleCallForbidden(address module, bytes4 selector);
    /// @notice A module call made through {callModuleFunction} reverted without a reason.
    error ComplianceModuleCallFailed(address module, bytes4 selector);

    /// @notice Binds `token`, which will report its transfers here.
    /// @dev Requirements: caller is the owner, or `token` itself while no token is bound; nonzero.
    /// Emits {TokenBound}.
    function bindToken(address token) external;

    /// @notice Unbinds `token`.
    /// @dev Requirements: caller is the owner or the token; `token` is bound. Emits {TokenUnbound}.
    function unbindToken(address token) external;

    /// @notice Adds `module`, which must accept this compliance.
    /// @dev Requirements: caller is the owner or has COMPLIANCE_AGENT; below the cap; not yet added.
    /// Emits {ModuleAdded}.
    function addModule(address module) external;

    /// @notice Removes `module`.
    /// @dev Requirements: caller is the owner or has COMPLIANCE_AGENT; module added. Emits {ModuleRemoved}.
    function removeModule(address module) external;

    /// @notice Calls `module` with `callData` as this compliance: the only way to configure a module.
    /// @dev Requirements: caller is the owner or has COMPLIANCE_AGENT; module added.
    /// Emits {ModuleInteraction}.
    function callModuleFunction(bytes calldata callData, address module) external;

    /// @notice Tells every interested module that `amount` moved from `from` to `to`.
    /// @dev Requirements: caller is the bound token.
    function transferred(address from, address to, uint256 amount) external;

    /// @notice Tells every interested module that `amount` was minted to `to`.
    /// @dev Requirements: caller is the bound token.
    function created(address to, uint256 amount) external;

    /// @notice Tells every interested module that `amount` was burned from `from`.
    /// @dev Requirements: caller is the bound token.
    function destroyed(address from, uint256 amount) external;

    /// @notice What a kosai token calls once per balance change, after writing it (kosai extension): if
    /// `check`, {checkTransferWithContext}; unless a module refuses, then {transferred}, {created} (`from`
    /// zero) or {destroyed} (`to` zero), handing every interested module the context after the change
    /// (derived from `before`: the balances and, for a mint or burn, the supply moved by `amount`).
    /// A module that both checks and records the operation is asked and told in one call
    /// ({IComplianceModule-moduleCheckAndActionWithContext}), in its turn among the checks.
    /// @dev Requirements: caller is the bound token, which must revert on a refusal: a module that checks
    /// and records may have recorded before a later module refused (the kosai token reverts the whole
    /// operation). The refusing module is the first in {getModules} order, as {checkTransferWithContext}
    /// names it, since no module's check reads another module's records.
    /// @param from the sender (zero: a mint).
    /// @param to the recipient (zero: a burn).
    /// @param amount the units moved.
    /// @param check whether the modules must allow the change.
    /// @param before the state before the change.
    /// @return refusingModule the first module that refuses, or zero (then the change is recorded).
    function checkAndRecordWithContext(
        address from,
        address to,
        uint256 amount,
        bool check,
        TransferContext calldata before
    ) external returns (address refusingModule);

    /// @notice Whether every module allows the transfer (`from` zero: a mint).
    function canTransfer(address from, address to, uint256 amount) external view returns (bool);

    /// @notice The first module that refuses the transfer, or zero if all allow it (kosai extension).
    function checkTransfer(address from, address to, uint256 amount) external view returns (address refusingModule);

    /// @notice {checkTransfer} with the context the token already holds, handed to every module so none
    /// looks it up again (kosai extension; what a kosai token calls). Same answer as {checkTransfer}
    /// when `context` is what the token and its registry say.
    /// @param from the sender (zero: a mint).
    /// @param to the recipient.
    /// @param amount the units moved.
    /// @param context the state before the change.
    /// @return refusingModule the first module that refuses, or zero.
    function checkTransferWithContext(
        address from,
        address to,
        uint256 amount,
        TransferContext calldata context
    ) external view returns (address refusingModule);

    /// @notice The union of the hook masks of all modules (kosai extension): the bound token skips
    /// calls no module listens to.
    function hookMask() external view returns (uint8);

    /// @notice Which modules check and which record holder transfers (kosai extension): bit i of `checking`
    /// is set when `getModules()[i]` declared CHECK_TRANSFER, bit i of `recording` when it declared
    /// ACTION_TRANSFER. Kept with the bound token's address, so a transfer reads only the listeners' slots.
    /// @return checking the indexes of the modules that check transfers.
    /// @return recording the indexes of the modules that record transfers.
    function transferHookModules() external view returns (uint32 checking, uint32 recording);

    /// @notice The modules, in the order they are consulted.
    function getModules() external view returns (address[] memory);

    /// @notice The bound token.
    function getTokenBound() external view returns (address);

    /// @notice Whether `module` is added.
    function isModuleBound(address module) external view returns (bool);
}

/// @title IComplianceHooksListener
/// @notice Implemented by kosai tokens: their compliance tells them which hooks any module listens to.
interface IComplianceHooksListener {
    /// @notice The union of module hooks of the caller (the token's compliance) is now `hookMask`.
    function onComplianceHooksChanged(uint8 hookMask) external;
}

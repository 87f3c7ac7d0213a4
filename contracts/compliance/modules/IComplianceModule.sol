// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOnchainIdentity} from "../../interfaces/onchainid/IOnchainIdentity.sol";
import {IIdentityRegistry} from "../../identity/IIdentityRegistry.sol";

/// @notice What a kosai token already knows about a balance change when it asks or tells its compliance
/// (kosai extension): the answers a module would otherwise fetch through compliance → token → identity
/// registry → storage, as those would answer at the moment of the call (before the change for a check,
/// after it for an action). The sender's identity is not included: the token does not resolve it, and
/// the modules that may need it (identity ledgers, for a sender they have not pinned) ask `registry`.
/// @param registry the token's identity registry.
/// @param toIdentity `registry.identity(to)` (zero: `to` not registered, or a burn).
/// @param toCountry `registry.investorCountry(to)` (zero: not registered, or a burn).
/// @param fromBalance `token.balanceOf(from)` (zero for a mint).
/// @param toBalance `token.balanceOf(to)` (zero for a burn).
/// @param totalSupply `token.totalSupply()` for a mint or a burn; zero for a transfer between two
/// wallets, which leaves the supply unchanged (so the token need not read it).
struct TransferContext {
    IIdentityRegistry registry;
    IOnchainIdentity toIdentity;
    uint16 toCountry;
    uint256 fromBalance;
    uint256 toBalance;
    uint256 totalSupply;
}

/// @title IComplianceModule
/// @notice One compliance rule. A module is shared by many compliance contracts and keeps its state per
/// compliance; only a bound compliance can change that state (configuration comes through
/// `ModularCompliance.callModuleFunction`).
interface IComplianceModule {
    /// @notice The module now serves `compliance`.
    event ComplianceBound(address indexed compliance);
    /// @notice The module no longer serves `compliance`.
    event ComplianceUnbound(address indexed compliance);

    /// @notice Only a bound compliance may call this.
    error ModuleCallerNotBoundCompliance(address caller);
    /// @notice Only the compliance itself may bind or unbind.
    error ModuleCallerNotCompliance(address caller, address compliance);
    /// @notice The compliance is already bound.
    error ModuleComplianceAlreadyBound(address compliance);

    /// @notice Binds `compliance`; called by the compliance when the module is added.
    function bindCompliance(address compliance) external;

    /// @notice Unbinds `compliance`; called by the compliance when the module is removed.
    function unbindCompliance(address compliance) external;

    /// @notice Records a transfer (including forced transfers and recoveries).
    function moduleTransferAction(address from, address to, uint256 value) external;

    /// @notice Records a mint.
    function moduleMintAction(address to, uint256 value) external;

    /// @notice Records a burn.
    function moduleBurnAction(address from, uint256 value) external;

    /// @notice Whether the module allows moving `value` from `from` to `to` (`from` zero: a mint).
    /// @dev Resolves the {TransferContext} itself through the token bound to `compliance`.
    function moduleCheck(address from, address to, uint256 value, address compliance) external view returns (bool);

    /// @notice {moduleCheck} with the context the token already holds (kosai extension): the same answer
    /// as {moduleCheck} whenever `context` is what the token and its registry say, without looking it up.
    /// @param from the sender (zero: a mint).
    /// @param to the recipient.
    /// @param value the units moved.
    /// @param compliance the compliance whose rule applies.
    /// @param context the state before the change.
    /// @return whether the module allows it.
    function moduleCheckWithContext(
        address from,
        address to,
        uint256 value,
        address compliance,
        TransferContext calldata context
    ) external view returns (bool);

    /// @notice Records a transfer (`from` and `to` nonzero), a mint (`from` zero) or a burn (`to` zero)
    /// with the context the token already holds (kosai extension): the same effect as
    /// {moduleTransferAction}, {moduleMintAction} or {moduleBurnAction}.
    /// @dev Requirements: caller is a bound compliance.
    /// @param from the sender (zero: a mint).
    /// @param to the recipient (zero: a burn).
    /// @param value the units moved.
    /// @param context the state after the change.
    function moduleActionWithContext(
        address from,
        address to,
        uint256 value,
        TransferContext calldata context
    ) external;

    /// @notice {moduleCheckWithContext} and, if the module allows the change, {moduleActionWithContext}, in
    /// one call (kosai extension): what the compliance calls on a module that both checks and records the
    /// operation, instead of a check and then an action.
    /// @dev Requirements: caller is a bound compliance. The check judges `before`; the action gets the state
    /// after the change, derived from `before` by {TransferContexts-applyChange} (as the compliance derives
    /// it for the other modules). A refusal records nothing. A module's check must not depend on another
    /// module's records: the compliance may call this before it has asked later modules.
    /// @param from the sender (zero: a mint).
    /// @param to the recipient (zero: a burn).
    /// @param value the units moved.
    /// @param before the state before the change.
    /// @return allowed whether the module allows the change (and so recorded it).
    function moduleCheckAndActionWithContext(
        address from,
        address to,
        uint256 value,
        TransferContext calldata before
    ) external returns (bool allowed);

    /// @notice Whether `compliance` may bind now.
    function canComplianceBind(address compliance) external view returns (bool);

    /// @notice Whether the module works from any starting state (else it binds only to an empty token).
    function isPlugAndPlay() external pure returns (bool);

    /// @notice Whether `compliance` is bound.
    function isComplianceBound(address compliance) external view returns (bool);

    /// @notice Which hooks the module needs, as a mask of {ModuleHooks} bits (kosai extension). The
    /// compliance calls a module only for the events it declared.
    function hooks() external pure returns (uint8);

    /// @notice The module's name.
    function name() external pure returns (string memory);
}

/// @title ModuleHooks
/// @notice Bits of {IComplianceModule.hooks}.
library ModuleHooks {
    /// @notice Check holder transfers.
    uint8 internal constant CHECK_TRANSFER = 1;
    /// @notice Check mints.
    uint8 internal constant CHECK_MINT = 2;
    /// @notice Record transfers.
    uint8 internal constant ACTION_TRANSFER = 4;
    /// @notice Record mints.
    uint8 internal constant ACTION_MINT = 8;
    /// @notice Record burns.
    uint8 internal constant ACTION_BURN = 16;
}

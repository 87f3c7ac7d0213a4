// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

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
    function moduleCheck(address from, address to, uint256 value, address compliance) external view returns (bool);

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

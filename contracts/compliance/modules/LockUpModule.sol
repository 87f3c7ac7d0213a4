// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AbstractModule} from "./AbstractModule.sol";
import {IComplianceModule, ModuleHooks, TransferContext} from "./IComplianceModule.sol";

/// @title LockUpModule
/// @notice Refuses holder transfers until a date (mints, forced transfers and recoveries still run).
contract LockUpModule is AbstractModule {
    /// @notice The lock-up end for `compliance` changed.
    event LockUpSet(address indexed compliance, uint64 lockUpEnd);

    mapping(address compliance => uint64 end) private _lockUpEnd;

    /// @notice Locks holder transfers of the calling compliance's token until `lockUpEnd_` (unix seconds).
    /// @dev Requirements: caller is a bound compliance. Emits {LockUpSet}.
    function setLockUpEnd(uint64 lockUpEnd_) external onlyBoundCompliance {
        _lockUpEnd[msg.sender] = lockUpEnd_;
        emit LockUpSet(msg.sender, lockUpEnd_);
    }

    /// @notice When the lock-up under `compliance` ends (unix seconds).
    function lockUpEnd(address compliance) external view returns (uint64) {
        return _lockUpEnd[compliance];
    }

    /// @inheritdoc IComplianceModule
    function hooks() external pure returns (uint8) {
        return ModuleHooks.CHECK_TRANSFER;
    }

    /// @inheritdoc IComplianceModule
    function name() external pure returns (string memory) {
        return "LockUpModule";
    }

    function _check(
        address,
        address,
        uint256,
        address compliance,
        TransferContext memory
    ) internal view override returns (bool) {
        return block.timestamp >= _lockUpEnd[compliance];
    }

    /// @dev The rule reads nothing from the context.
    function _contextNeeds() internal pure override returns (uint8) {
        return 0;
    }
}

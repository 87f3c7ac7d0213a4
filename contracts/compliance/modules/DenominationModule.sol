// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AbstractModule} from "./AbstractModule.sol";
import {IComplianceModule, ModuleHooks, TransferContext} from "./IComplianceModule.sol";

/// @title DenominationModule
/// @notice Bonds trade in whole face units: every amount moved, and every holding that results, is a
/// whole multiple of the unit, and a holding is either zero or at least the minimum.
contract DenominationModule is AbstractModule {
    /// @notice The denomination of `compliance` changed.
    event DenominationSet(address indexed compliance, uint256 unit, uint256 minimumHolding);

    /// @notice The unit is zero or the minimum is not a multiple of it.
    error DenominationInvalid(uint256 unit, uint256 minimumHolding);

    struct Denomination {
        uint128 unit;
        uint128 minimumHolding;
    }

    mapping(address compliance => Denomination denomination) private _denomination;

    /// @notice Sets the face unit and the minimum nonzero holding for the calling compliance.
    /// @dev Requirements: caller is a bound compliance; unit nonzero; minimum a multiple of the unit.
    /// Emits {DenominationSet}.
    function setDenomination(uint128 unit, uint128 minimumHolding) external onlyBoundCompliance {
        if (unit == 0 || minimumHolding % unit != 0) revert DenominationInvalid(unit, minimumHolding);
        _denomination[msg.sender] = Denomination(unit, minimumHolding);
        emit DenominationSet(msg.sender, unit, minimumHolding);
    }

    /// @notice The unit and minimum holding under `compliance`.
    function denomination(address compliance) external view returns (uint256 unit, uint256 minimumHolding) {
        Denomination memory d = _denomination[compliance];
        return (d.unit, d.minimumHolding);
    }

    /// @inheritdoc IComplianceModule
    function hooks() external pure returns (uint8) {
        return ModuleHooks.CHECK_TRANSFER | ModuleHooks.CHECK_MINT;
    }

    /// @inheritdoc IComplianceModule
    function name() external pure returns (string memory) {
        return "DenominationModule";
    }

    /// @dev Balances come from the context (the token's, before the change).
    function _check(
        address from,
        address to,
        uint256 value,
        address compliance,
        TransferContext memory context
    ) internal view override returns (bool) {
        Denomination memory d = _denomination[compliance];
        if (d.unit == 0) return true;
        if (value % d.unit != 0) return false;
        if (from != address(0)) {
            uint256 remaining = context.fromBalance - value;
            if (!_acceptable(remaining, d)) return false;
        }
        if (from == to) return true;
        return _acceptable(context.toBalance + value, d);
    }

    function _contextNeeds() internal pure override returns (uint8) {
        return CONTEXT_BALANCES;
    }

    function _acceptable(uint256 holding, Denomination memory d) private pure returns (bool) {
        return holding == 0 || (holding % d.unit == 0 && holding >= d.minimumHolding);
    }
}

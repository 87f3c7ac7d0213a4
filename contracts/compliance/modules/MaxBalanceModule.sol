// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IdentityBalanceModule} from "./IdentityBalanceModule.sol";
import {IComplianceModule, ModuleHooks} from "./IComplianceModule.sol";

/// @title MaxBalanceModule
/// @notice Caps the units one investor identity may hold across all its wallets.
/// @dev The cap sits in the binding's slot, which the check reads anyway for the ledger.
contract MaxBalanceModule is IdentityBalanceModule {
    /// @notice The cap for `compliance` changed.
    event MaxBalanceSet(address indexed compliance, uint256 maxBalance);

    /// @notice The cap does not fit the 128 bits it is kept in (far above any token's supply).
    error MaxBalanceAboveLimit(uint256 maxBalance, uint256 limit);

    /// @notice Sets the cap per investor for the calling compliance.
    /// @dev Requirements: caller is a bound compliance; `maxBalance_` at most 2^128 - 1.
    /// Emits {MaxBalanceSet}.
    /// @param maxBalance_ the most units one investor may hold.
    function setMaxBalance(uint256 maxBalance_) external onlyBoundCompliance {
        if (maxBalance_ > type(uint128).max) revert MaxBalanceAboveLimit(maxBalance_, type(uint128).max);
        _setBindingSetting(msg.sender, uint128(maxBalance_));
        emit MaxBalanceSet(msg.sender, maxBalance_);
    }

    /// @notice The cap per investor under `compliance`.
    /// @param compliance the compliance asked about.
    /// @return the most units one investor may hold.
    function maxBalance(address compliance) external view returns (uint256) {
        return _bindingSetting(compliance);
    }

    /// @inheritdoc IComplianceModule
    function hooks() external pure returns (uint8) {
        return _ledgerHooks() | ModuleHooks.CHECK_TRANSFER | ModuleHooks.CHECK_MINT;
    }

    /// @inheritdoc IComplianceModule
    function name() external pure returns (string memory) {
        return "MaxBalanceModule";
    }

    /// @dev Moves between wallets of one investor leave its holding unchanged and are always allowed.
    function _checkInvestors(
        address,
        Ledger storage ledger,
        uint256 setting,
        address fromInvestor,
        address toInvestor,
        uint256 value
    ) internal view override returns (bool) {
        if (fromInvestor == toInvestor) return true;
        return ledger.balanceOf[toInvestor] + value <= setting;
    }
}

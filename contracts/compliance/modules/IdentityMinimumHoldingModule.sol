// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IdentityBalanceModule} from "./IdentityBalanceModule.sol";
import {IComplianceModule, ModuleHooks} from "./IComplianceModule.sol";

/// @title IdentityMinimumHoldingModule
/// @notice A minimum holding per investor identity (all its wallets together), as resident-participation
/// bonds set per buyer: after a mint or transfer, the recipient's and the sender's identity each hold
/// either nothing or at least the minimum. Selling everything is allowed; a partial sale that leaves the
/// investor below the minimum is not.
/// @dev Burns (redemption) are never checked, and forced transfers bypass compliance, so a holding can
/// fall below the minimum that way; such an investor may still sell everything or top up to the minimum.
/// Moves between wallets of one investor leave its holding unchanged and are always allowed. The minimum
/// sits in the binding's slot, which the check reads anyway for the ledger.
contract IdentityMinimumHoldingModule is IdentityBalanceModule {
    /// @notice The minimum holding for `compliance` changed.
    event MinimumHoldingSet(address indexed compliance, uint256 minimumHolding);

    /// @notice The minimum does not fit the 128 bits it is kept in (far above any token's supply).
    error MinimumHoldingAboveLimit(uint256 minimumHolding, uint256 limit);

    /// @notice Sets the minimum nonzero holding per investor for the calling compliance (zero: no rule).
    /// @dev Requirements: caller is a bound compliance; `minimumHolding_` at most 2^128 - 1.
    /// Emits {MinimumHoldingSet}.
    /// @param minimumHolding_ the minimum, in token units.
    function setMinimumHolding(uint256 minimumHolding_) external onlyBoundCompliance {
        if (minimumHolding_ > type(uint128).max) {
            revert MinimumHoldingAboveLimit(minimumHolding_, type(uint128).max);
        }
        _setBindingSetting(msg.sender, uint128(minimumHolding_));
        emit MinimumHoldingSet(msg.sender, minimumHolding_);
    }

    /// @notice The minimum nonzero holding per investor under `compliance`.
    /// @param compliance the compliance asked about.
    /// @return the minimum, in token units.
    function minimumHolding(address compliance) external view returns (uint256) {
        return _bindingSetting(compliance);
    }

    function _checkInvestors(
        address,
        Ledger storage ledger,
        uint256 minimum,
        address fromInvestor,
        address toInvestor,
        uint256 value
    ) internal view override returns (bool) {
        if (minimum == 0) return true;
        if (fromInvestor != address(0)) {
            if (fromInvestor == toInvestor) return true;
            uint256 held = ledger.balanceOf[fromInvestor];
            if (!_acceptable(held > value ? held - value : 0, minimum)) return false;
        }
        return _acceptable(ledger.balanceOf[toInvestor] + value, minimum);
    }

    /// @inheritdoc IComplianceModule
    function hooks() external pure returns (uint8) {
        return _ledgerHooks() | ModuleHooks.CHECK_TRANSFER | ModuleHooks.CHECK_MINT;
    }

    /// @inheritdoc IComplianceModule
    function name() external pure returns (string memory) {
        return "IdentityMinimumHoldingModule";
    }

    function _acceptable(uint256 holding, uint256 minimum) private pure returns (bool) {
        return holding == 0 || holding >= minimum;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IdentityBalanceModule} from "./IdentityBalanceModule.sol";
import {IComplianceModule, ModuleHooks, TransferContext} from "./IComplianceModule.sol";

/// @title MaxBalanceModule
/// @notice Caps the units one investor identity may hold across all its wallets.
contract MaxBalanceModule is IdentityBalanceModule {
    /// @notice The cap for `compliance` changed.
    event MaxBalanceSet(address indexed compliance, uint256 maxBalance);

    mapping(address compliance => uint256 cap) private _maxBalance;

    /// @notice Sets the cap per investor for the calling compliance.
    /// @dev Requirements: caller is a bound compliance. Emits {MaxBalanceSet}.
    function setMaxBalance(uint256 maxBalance_) external onlyBoundCompliance {
        _maxBalance[msg.sender] = maxBalance_;
        emit MaxBalanceSet(msg.sender, maxBalance_);
    }

    /// @notice The cap per investor under `compliance`.
    function maxBalance(address compliance) external view returns (uint256) {
        return _maxBalance[compliance];
    }

    /// @inheritdoc IComplianceModule
    function hooks() external pure returns (uint8) {
        return _ledgerHooks() | ModuleHooks.CHECK_TRANSFER | ModuleHooks.CHECK_MINT;
    }

    /// @inheritdoc IComplianceModule
    function name() external pure returns (string memory) {
        return "MaxBalanceModule";
    }

    function _check(
        address from,
        address to,
        uint256 value,
        address compliance,
        TransferContext memory context
    ) internal view override returns (bool) {
        address toInvestor = _recipientInvestor(compliance, to, context);
        if (from != address(0) && _senderInvestor(compliance, from, context) == toInvestor) return true;
        return _balanceOfInvestor(compliance, toInvestor) + value <= _maxBalance[compliance];
    }
}

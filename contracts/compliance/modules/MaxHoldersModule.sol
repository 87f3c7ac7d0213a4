// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IdentityBalanceModule} from "./IdentityBalanceModule.sol";
import {IComplianceModule, ModuleHooks} from "./IComplianceModule.sol";

/// @title MaxHoldersModule
/// @notice Caps the number of investor identities holding the token (one investor's wallets count once).
contract MaxHoldersModule is IdentityBalanceModule {
    /// @notice The cap for `compliance` changed.
    event MaxHoldersSet(address indexed compliance, uint256 maxHolders);

    mapping(address compliance => uint256 cap) private _maxHolders;
    mapping(address compliance => uint256 count) private _holders;

    /// @notice Sets the holder cap for the calling compliance.
    /// @dev Requirements: caller is a bound compliance. Emits {MaxHoldersSet}.
    function setMaxHolders(uint256 maxHolders_) external onlyBoundCompliance {
        _maxHolders[msg.sender] = maxHolders_;
        emit MaxHoldersSet(msg.sender, maxHolders_);
    }

    /// @notice The holder cap under `compliance`.
    function maxHolders(address compliance) external view returns (uint256) {
        return _maxHolders[compliance];
    }

    /// @notice Investors holding units under `compliance`.
    function holderCount(address compliance) external view returns (uint256) {
        return _holders[compliance];
    }

    function _checkInvestors(
        address compliance,
        Ledger storage ledger,
        uint256,
        address fromInvestor,
        address toInvestor,
        uint256 value
    ) internal view override returns (bool) {
        if (value == 0 || ledger.balanceOf[toInvestor] != 0) return true;
        if (fromInvestor != address(0)) {
            if (fromInvestor == toInvestor) return true;
            // The sender leaving frees the seat the recipient takes.
            if (ledger.balanceOf[fromInvestor] <= value) return true;
        }
        return _holders[compliance] + 1 <= _maxHolders[compliance];
    }

    /// @inheritdoc IComplianceModule
    function hooks() external pure returns (uint8) {
        return _ledgerHooks() | ModuleHooks.CHECK_TRANSFER | ModuleHooks.CHECK_MINT;
    }

    /// @inheritdoc IComplianceModule
    function name() external pure returns (string memory) {
        return "MaxHoldersModule";
    }

    function _onBind(address compliance) internal override {
        _holders[compliance] = 0;
    }

    function _onInvestorEntered(address compliance) internal override {
        _holders[compliance] += 1;
    }

    function _onInvestorLeft(address compliance) internal override {
        _holders[compliance] -= 1;
    }
}

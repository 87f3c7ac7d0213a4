// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOnchainIdentity} from "../../interfaces/onchainid/IOnchainIdentity.sol";
import {IERC3643} from "../../token/IERC3643.sol";
import {AbstractModule} from "./AbstractModule.sol";
import {ModuleHooks} from "./IComplianceModule.sol";

/// @title IdentityBalanceModule
/// @notice Keeps, per compliance, the units held by each investor identity across all its wallets, for
/// rules that apply to investors rather than wallets (maximum balance, number of holders).
/// @dev Starts counting from an empty token, so it binds only while the token has no supply. A wallet
/// with no identity (removed from the registry) is counted under its own address.
abstract contract IdentityBalanceModule is AbstractModule {
    mapping(address compliance => mapping(address investor => uint256)) private _investorBalance;

    /// @notice Units held by `investor` (an ONCHAINID, or a wallet without one) under `compliance`.
    function investorBalance(address compliance, address investor) external view returns (uint256) {
        return _investorBalance[compliance][investor];
    }

    /// @inheritdoc AbstractModule
    function canComplianceBind(address compliance) external view override returns (bool) {
        // A compliance still in its proxy's constructor (created with its modules) has no token yet.
        if (compliance.code.length == 0) return true;
        IERC3643 token = _token(compliance);
        return address(token) == address(0) || token.totalSupply() == 0;
    }

    /// @inheritdoc AbstractModule
    function isPlugAndPlay() external pure override returns (bool) {
        return false;
    }

    /// @inheritdoc AbstractModule
    function moduleTransferAction(address from, address to, uint256 value) external override onlyBoundCompliance {
        address fromInvestor = _investorOf(msg.sender, from);
        address toInvestor = _investorOf(msg.sender, to);
        if (fromInvestor == toInvestor) return;
        _debit(msg.sender, fromInvestor, value);
        _credit(msg.sender, toInvestor, value);
    }

    /// @inheritdoc AbstractModule
    function moduleMintAction(address to, uint256 value) external override onlyBoundCompliance {
        _credit(msg.sender, _investorOf(msg.sender, to), value);
    }

    /// @inheritdoc AbstractModule
    function moduleBurnAction(address from, uint256 value) external override onlyBoundCompliance {
        _debit(msg.sender, _investorOf(msg.sender, from), value);
    }

    /// @dev Hooks every identity-ledger module needs; subclasses add their checks.
    function _ledgerHooks() internal pure returns (uint8) {
        return ModuleHooks.ACTION_TRANSFER | ModuleHooks.ACTION_MINT | ModuleHooks.ACTION_BURN;
    }

    function _investorOf(address compliance, address wallet) internal view returns (address) {
        IOnchainIdentity identity = _registry(compliance).identity(wallet);
        return address(identity) == address(0) ? wallet : address(identity);
    }

    function _balanceOfInvestor(address compliance, address investor) internal view returns (uint256) {
        return _investorBalance[compliance][investor];
    }

    function _credit(address compliance, address investor, uint256 value) private {
        uint256 before = _investorBalance[compliance][investor];
        _investorBalance[compliance][investor] = before + value;
        if (before == 0 && value != 0) _onInvestorEntered(compliance);
    }

    /// @dev Never underflows: a wallet moved to another identity while holding units leaves its old
    /// identity over-counted (a stricter cap), never under-counted.
    function _debit(address compliance, address investor, uint256 value) private {
        uint256 before = _investorBalance[compliance][investor];
        uint256 remaining = before > value ? before - value : 0;
        _investorBalance[compliance][investor] = remaining;
        if (before != 0 && remaining == 0) _onInvestorLeft(compliance);
    }

    /// @dev Called when an investor's holding goes from zero to positive.
    function _onInvestorEntered(address compliance) internal virtual {}

    /// @dev Called when an investor's holding goes back to zero.
    function _onInvestorLeft(address compliance) internal virtual {}
}

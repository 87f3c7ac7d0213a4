// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOnchainIdentity} from "../../interfaces/onchainid/IOnchainIdentity.sol";
import {IERC3643} from "../../token/IERC3643.sol";
import {AbstractModule} from "./AbstractModule.sol";
import {ModuleHooks} from "./IComplianceModule.sol";

/// @title IdentityBalanceModule
/// @notice Keeps, per compliance, the units held by each investor identity across all its wallets, for
/// rules that apply to investors rather than wallets (maximum balance, number of holders).
/// @dev A wallet's units count under the investor key it had when it started holding (its ONCHAINID, or
/// the wallet itself if it had none) until it holds nothing again, so removing a wallet from the registry
/// or moving it to another identity never splits one holding across two keys. Each binding starts a new
/// ledger: a module removed and added again does not inherit stale counts. It binds only to a token with
/// no supply, since it counts from zero.
abstract contract IdentityBalanceModule is AbstractModule {
    struct Ledger {
        mapping(address investor => uint256 units) balanceOf;
        mapping(address wallet => address investor) creditedAs;
    }

    mapping(address compliance => uint256 generation) private _ledgerGeneration;
    mapping(bytes32 ledgerKey => Ledger ledger) private _ledgers;

    /// @notice Units held by `investor` (an ONCHAINID, or a wallet without one) under `compliance`.
    function investorBalance(address compliance, address investor) external view returns (uint256) {
        return _ledger(compliance).balanceOf[investor];
    }

    /// @notice The investor key the units of `wallet` are counted under (zero if it holds nothing).
    function creditedAs(address compliance, address wallet) external view returns (address) {
        return _ledger(compliance).creditedAs[wallet];
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
        Ledger storage ledger = _ledger(msg.sender);
        address fromInvestor = _investorKey(ledger, msg.sender, from);
        address toInvestor = _investorKey(ledger, msg.sender, to);
        if (fromInvestor != toInvestor) {
            _debit(msg.sender, ledger, fromInvestor, value);
            _credit(msg.sender, ledger, toInvestor, value);
        }
        IERC3643 token = _token(msg.sender);
        _settleWallet(ledger, token, from, fromInvestor);
        _settleWallet(ledger, token, to, toInvestor);
    }

    /// @inheritdoc AbstractModule
    function moduleMintAction(address to, uint256 value) external override onlyBoundCompliance {
        Ledger storage ledger = _ledger(msg.sender);
        address investor = _investorKey(ledger, msg.sender, to);
        _credit(msg.sender, ledger, investor, value);
        _settleWallet(ledger, _token(msg.sender), to, investor);
    }

    /// @inheritdoc AbstractModule
    function moduleBurnAction(address from, uint256 value) external override onlyBoundCompliance {
        Ledger storage ledger = _ledger(msg.sender);
        address investor = _investorKey(ledger, msg.sender, from);
        _debit(msg.sender, ledger, investor, value);
        _settleWallet(ledger, _token(msg.sender), from, investor);
    }

    /// @dev Hooks every identity-ledger module needs; subclasses add their checks.
    function _ledgerHooks() internal pure returns (uint8) {
        return ModuleHooks.ACTION_TRANSFER | ModuleHooks.ACTION_MINT | ModuleHooks.ACTION_BURN;
    }

    /// @dev The investor key `wallet`'s units count under: the key it was credited as, else its identity
    /// now (or the wallet itself without one).
    function _investorOf(address compliance, address wallet) internal view returns (address) {
        return _investorKey(_ledger(compliance), compliance, wallet);
    }

    function _balanceOfInvestor(address compliance, address investor) internal view returns (uint256) {
        return _ledger(compliance).balanceOf[investor];
    }

    /// @dev Starts a fresh ledger for `compliance` on every binding.
    function _onBind(address compliance) internal virtual override {
        _ledgerGeneration[compliance] += 1;
    }

    /// @dev Called when an investor's holding goes from zero to positive.
    function _onInvestorEntered(address compliance) internal virtual {}

    /// @dev Called when an investor's holding goes back to zero.
    function _onInvestorLeft(address compliance) internal virtual {}

    function _ledger(address compliance) private view returns (Ledger storage) {
        return _ledgers[keccak256(abi.encode(compliance, _ledgerGeneration[compliance]))];
    }

    function _investorKey(Ledger storage ledger, address compliance, address wallet) private view returns (address) {
        address credited = ledger.creditedAs[wallet];
        if (credited != address(0)) return credited;
        IOnchainIdentity identity = _registry(compliance).identity(wallet);
        return address(identity) == address(0) ? wallet : address(identity);
    }

    function _credit(address compliance, Ledger storage ledger, address investor, uint256 value) private {
        uint256 before = ledger.balanceOf[investor];
        ledger.balanceOf[investor] = before + value;
        if (before == 0 && value != 0) _onInvestorEntered(compliance);
    }

    /// @dev Saturates at zero: units minted before a stale wallet key existed cannot drive it negative.
    function _debit(address compliance, Ledger storage ledger, address investor, uint256 value) private {
        uint256 before = ledger.balanceOf[investor];
        uint256 remaining = before > value ? before - value : 0;
        ledger.balanceOf[investor] = remaining;
        if (before != 0 && remaining == 0) _onInvestorLeft(compliance);
    }

    /// @dev Pins a holding wallet to its investor key, and releases the pin once it holds nothing (the
    /// token has already applied the balance change when the compliance reports it).
    function _settleWallet(Ledger storage ledger, IERC3643 token, address wallet, address investor) private {
        address pinned = ledger.creditedAs[wallet];
        bool holds = token.balanceOf(wallet) != 0;
        if (holds && pinned == address(0)) ledger.creditedAs[wallet] = investor;
        else if (!holds && pinned != address(0)) delete ledger.creditedAs[wallet];
    }
}

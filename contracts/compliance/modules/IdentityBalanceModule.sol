// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOnchainIdentity} from "../../interfaces/onchainid/IOnchainIdentity.sol";
import {IERC3643} from "../../token/IERC3643.sol";
import {AbstractModule} from "./AbstractModule.sol";
import {ModuleHooks, TransferContext} from "./IComplianceModule.sol";
import {TransferContexts} from "./TransferContexts.sol";

/// @title IdentityBalanceModule
/// @notice Keeps, per compliance, the units held by each investor identity across all its wallets, for
/// rules that apply to investors rather than wallets (maximum balance, number of holders).
/// @dev A wallet's units count under the investor key it had when it started holding (its ONCHAINID, or
/// the wallet itself if it had none) until it holds nothing again, so removing a wallet from the registry
/// or moving it to another identity never splits one holding across two keys. Each binding starts a new
/// ledger: a module removed and added again does not inherit stale counts. It binds only to a token with
/// no supply, since it counts from zero. The recipient's identity comes from the {TransferContext}; the
/// sender's is asked of the context's registry, and only for a wallet not pinned yet (every wallet holding
/// units since the binding is pinned, so a sender almost never costs a look-up).
abstract contract IdentityBalanceModule is AbstractModule {
    struct Ledger {
        mapping(address investor => uint256 units) balanceOf;
        mapping(address wallet => address investor) creditedAs;
    }

    /// @dev {_investors} bits: the sender's, the recipient's wallet is pinned before the change.
    uint256 private constant PINNED_FROM = 1;
    uint256 private constant PINNED_TO = 2;

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

    /// @dev Hooks every identity-ledger module needs; subclasses add their checks.
    function _ledgerHooks() internal pure returns (uint8) {
        return ModuleHooks.ACTION_TRANSFER | ModuleHooks.ACTION_MINT | ModuleHooks.ACTION_BURN;
    }

    /// @dev Resolves both investor keys once, then applies {_checkInvestors}.
    function _check(
        address from,
        address to,
        uint256 value,
        address compliance,
        TransferContext memory context
    ) internal view override returns (bool) {
        (Ledger storage ledger, uint256 setting) = _ledgerAndSetting(compliance);
        (address fromInvestor, address toInvestor, ) = _investors(ledger, from, to, context);
        return _checkInvestors(compliance, ledger, setting, fromInvestor, toInvestor, value);
    }

    /// @dev Moves `value` between the investor keys, then pins or releases each wallet by its balance
    /// after the change (from the context).
    function _action(
        address from,
        address to,
        uint256 value,
        address compliance,
        TransferContext memory context
    ) internal override {
        Ledger storage ledger = _ledger(compliance);
        (address fromInvestor, address toInvestor, uint256 pinned) = _investors(ledger, from, to, context);
        _record(compliance, ledger, from, to, value, fromInvestor, toInvestor, pinned, context);
    }

    /// @dev {_check} then {_action} with the ledger and the investor keys resolved once (the keys do not
    /// depend on the balances, so they are the same before and after the change).
    function _checkAndAction(
        address from,
        address to,
        uint256 value,
        address compliance,
        TransferContext memory context
    ) internal override returns (bool) {
        (Ledger storage ledger, uint256 setting) = _ledgerAndSetting(compliance);
        (address fromInvestor, address toInvestor, uint256 pinned) = _investors(ledger, from, to, context);
        if (!_checkInvestors(compliance, ledger, setting, fromInvestor, toInvestor, value)) return false;
        TransferContexts.applyChange(from, to, value, context);
        _record(compliance, ledger, from, to, value, fromInvestor, toInvestor, pinned, context);
        return true;
    }

    /// @dev The rule, on investor keys: whether moving `value` from `fromInvestor` (zero: a mint) to
    /// `toInvestor` (zero: a burn) is allowed under `compliance`, given `ledger` before the change and
    /// the module's setting for `compliance` ({AbstractModule-_bindingSetting}, read with the ledger).
    function _checkInvestors(
        address compliance,
        Ledger storage ledger,
        uint256 setting,
        address fromInvestor,
        address toInvestor,
        uint256 value
    ) internal view virtual returns (bool);

    /// @dev Checks need the investors; actions need the balances too.
    function _contextNeeds() internal pure override returns (uint8) {
        return CONTEXT_INVESTOR | CONTEXT_BALANCES;
    }

    /// @dev Called when an investor's holding goes from zero to positive.
    function _onInvestorEntered(address compliance) internal virtual {}

    /// @dev Called when an investor's holding goes back to zero.
    function _onInvestorLeft(address compliance) internal virtual {}

    /// @dev The investor keys of the sender (zero for a mint) and of the recipient (zero for a burn), and
    /// which of the two wallets are pinned before the change (PINNED_FROM, PINNED_TO bits), so that
    /// settling them after it does not read their pins again.
    function _investors(
        Ledger storage ledger,
        address from,
        address to,
        TransferContext memory context
    ) private view returns (address fromInvestor, address toInvestor, uint256 pinned) {
        if (from != address(0)) {
            address credited = ledger.creditedAs[from];
            if (credited != address(0)) (fromInvestor, pinned) = (credited, PINNED_FROM);
            else fromInvestor = _keyFor(from, context.registry.identity(from));
        }
        if (to != address(0)) {
            address credited = ledger.creditedAs[to];
            if (credited != address(0)) (toInvestor, pinned) = (credited, pinned | PINNED_TO);
            else toInvestor = _keyFor(to, context.toIdentity);
        }
    }

    /// @dev Moves `value` between the investor keys, then pins or releases each wallet by its balance
    /// after the change (`context` holds the state after it).
    function _record(
        address compliance,
        Ledger storage ledger,
        address from,
        address to,
        uint256 value,
        address fromInvestor,
        address toInvestor,
        uint256 pinned,
        TransferContext memory context
    ) private {
        if (from == address(0)) {
            _credit(compliance, ledger, toInvestor, value);
            _settleWallet(ledger, to, toInvestor, context.toBalance, pinned & PINNED_TO != 0);
        } else if (to == address(0)) {
            _debit(compliance, ledger, fromInvestor, value);
            _settleWallet(ledger, from, fromInvestor, context.fromBalance, pinned & PINNED_FROM != 0);
        } else {
            if (fromInvestor != toInvestor) {
                _debit(compliance, ledger, fromInvestor, value);
                _credit(compliance, ledger, toInvestor, value);
            }
            _settleWallet(ledger, from, fromInvestor, context.fromBalance, pinned & PINNED_FROM != 0);
            // A move to oneself: the sender's settling above may have changed the pin.
            bool toPinned = from == to ? ledger.creditedAs[to] != address(0) : pinned & PINNED_TO != 0;
            _settleWallet(ledger, to, toInvestor, context.toBalance, toPinned);
        }
    }

    function _ledger(address compliance) private view returns (Ledger storage) {
        // A fresh ledger for every binding.
        return _ledgers[keccak256(abi.encode(compliance, _bindingCount(compliance)))];
    }

    function _ledgerAndSetting(address compliance) private view returns (Ledger storage ledger, uint256 setting) {
        (uint64 count, uint128 setting_) = _bindingCountAndSetting(compliance);
        return (_ledgers[keccak256(abi.encode(compliance, count))], setting_);
    }

    function _keyFor(address wallet, IOnchainIdentity identity) private pure returns (address) {
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

    /// @dev Pins a holding wallet to its investor key, and releases the pin once it holds nothing
    /// (`balance` is the wallet's balance after the change; `pinned`, whether it is pinned now).
    function _settleWallet(
        Ledger storage ledger,
        address wallet,
        address investor,
        uint256 balance,
        bool pinned
    ) private {
        bool holds = balance != 0;
        if (holds && !pinned) ledger.creditedAs[wallet] = investor;
        else if (!holds && pinned) delete ledger.creditedAs[wallet];
    }
}

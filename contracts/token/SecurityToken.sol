// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {Roles} from "../access/Roles.sol";
import {IComplianceHooksListener, IModularCompliance} from "../compliance/IModularCompliance.sol";
import {ModuleHooks, TransferContext} from "../compliance/modules/IComplianceModule.sol";
import {IIdentityRegistry} from "../identity/IIdentityRegistry.sol";
import {IERC3643} from "./IERC3643.sol";
import {IPledgeAgent, ISecurityToken} from "./ISecurityToken.sol";

/// @title SecurityToken
/// @notice An ERC-3643 security token: one series of a bond, deployed behind a beacon proxy.
/// @dev Every balance change goes through {_update}; public functions only choose which rules apply.
/// A wallet's balance, frozen units and wallet-freeze flag share one storage slot, so the freeze rules
/// cost nothing beyond the balance read a plain ERC-20 already does. Frozen units never leave a wallet:
/// not by transfer, forced transfer or burn (unlike T-REX, where a forced transfer unfreezes them);
/// only a recovery carries them, still frozen, to the investor's new wallet.
contract SecurityToken is
    ISecurityToken,
    IERC20Metadata,
    IERC20Errors,
    IComplianceHooksListener,
    AccessControlUpgradeable
{
    /// @dev Rules {_update} applies, as bits.
    uint256 private constant CHECK_PAUSE_AND_FREEZE = 1;
    uint256 private constant CHECK_VERIFIED = 2;
    uint256 private constant CHECK_COMPLIANCE = 4;
    /// @dev The paying agent's own movements (distribution, retirement) pass a balance lock.
    uint256 private constant PAYING_AGENT_MOVE = 8;
    uint256 private constant HOLDER_TRANSFER = CHECK_PAUSE_AND_FREEZE | CHECK_VERIFIED | CHECK_COMPLIANCE;
    /// @notice Most recipients of one {distribute} call.
    uint256 public constant MAX_DISTRIBUTION_BATCH = 500;

    /// @notice Most units a series can have: 2^80 - 1 (over ¥10^24 of face; a balance, its frozen and
    /// its pledged units then share one slot with the wallet-freeze flag).
    uint256 public constant MAX_SUPPLY = type(uint80).max;

    struct Account {
        uint80 balance;
        uint80 frozen;
        uint80 pledged;
        bool walletFrozen;
    }

    /// @custom:storage-location erc7201:kosai.storage.SecurityToken
    /// @dev The first slot holds everything a transfer without listening modules reads besides balances:
    /// the registry, the pause flag, the hook mask and the balance lock. The compliance, needed only when
    /// a module listens, is in the second.
    struct TokenStorage {
        IIdentityRegistry identityRegistry;
        bool paused;
        uint8 decimals;
        uint8 complianceHooks;
        BalanceLock balanceLock;
        IModularCompliance compliance;
        uint256 totalSupply;
        mapping(address account => Account) accounts;
        mapping(address owner => mapping(address spender => uint256)) allowances;
        string name;
        string symbol;
        address onchainID;
        IPledgeAgent pledgeAgent;
    }

    // keccak256(abi.encode(uint256(keccak256("kosai.storage.SecurityToken")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION = 0xc279b7391e6d80547adbb91e165ba0aa006af7a0879164f70a1cb38f10686100;

    string private constant VERSION = "kosai-1.0.0";

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Initializes a series proxy and binds it to its compliance.
    /// @param init owner, name, symbol, decimals, identity registry, compliance (not yet bound to any
    /// token), the token's ONCHAINID (may be zero) and the agent roles to grant.
    function initialize(TokenInit calldata init) external virtual initializer {
        _initializeToken(init);
    }

    function _initializeToken(TokenInit calldata init) internal onlyInitializing {
        __AccessControl_init();
        _grantRole(DEFAULT_ADMIN_ROLE, init.owner);
        for (uint256 i = 0; i < init.grants.length; ++i) {
            _grantRole(init.grants[i].role, init.grants[i].account);
        }
        TokenStorage storage $ = _s();
        $.name = init.name;
        $.symbol = init.symbol;
        $.decimals = init.decimals;
        $.onchainID = init.onchainID;
        emit UpdatedTokenInformation(init.name, init.symbol, init.decimals, VERSION, init.onchainID);
        _setIdentityRegistry(init.identityRegistry);
        _setCompliance(init.compliance);
    }

    // ================================================================== holder operations

    /// @notice Moves `amount` of the caller's free units to a verified `to`, under every rule.
    /// @dev Requirements: not paused; neither wallet frozen; enough free units; `to` verified;
    /// every compliance module allows it. Emits {Transfer}.
    function transfer(address to, uint256 amount) external returns (bool) {
        _update(msg.sender, to, amount, HOLDER_TRANSFER);
        return true;
    }

    /// @notice Moves `amount` from `from` to `to` using the caller's allowance, under every holder rule.
    /// @dev Requirements: allowance covers `amount`; the {transfer} rules. Emits {Transfer}.
    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        _spendAllowance(from, msg.sender, amount);
        _update(from, to, amount, HOLDER_TRANSFER);
        return true;
    }

    /// @notice Lets `spender` move up to `amount` of the caller's units.
    /// @dev Requirements: nonzero spender. Emits {Approval}.
    function approve(address spender, uint256 amount) external returns (bool) {
        _approve(msg.sender, spender, amount);
        return true;
    }

    /// @inheritdoc IERC3643
    function batchTransfer(address[] calldata toList, uint256[] calldata amounts) external {
        _requireSameLength(toList.length, amounts.length);
        for (uint256 i = 0; i < toList.length; ++i) {
            _update(msg.sender, toList[i], amounts[i], HOLDER_TRANSFER);
        }
    }

    // ================================================================== agent operations

    /// @inheritdoc IERC3643
    function forcedTransfer(
        address from,
        address to,
        uint256 amount
    ) external onlyRole(Roles.TRANSFER_AGENT) returns (bool) {
        _forcedTransfer(from, to, amount);
        return true;
    }

    /// @inheritdoc IERC3643
    function batchForcedTransfer(
        address[] calldata fromList,
        address[] calldata toList,
        uint256[] calldata amounts
    ) external onlyRole(Roles.TRANSFER_AGENT) {
        _requireSameLength(fromList.length, toList.length);
        _requireSameLength(fromList.length, amounts.length);
        for (uint256 i = 0; i < fromList.length; ++i) {
            _forcedTransfer(fromList[i], toList[i], amounts[i]);
        }
    }

    /// @inheritdoc IERC3643
    function mint(address to, uint256 amount) external onlyRole(Roles.SUPPLY_AGENT) {
        _update(address(0), to, amount, CHECK_VERIFIED | CHECK_COMPLIANCE);
    }

    /// @inheritdoc IERC3643
    function batchMint(address[] calldata toList, uint256[] calldata amounts) external onlyRole(Roles.SUPPLY_AGENT) {
        _requireSameLength(toList.length, amounts.length);
        for (uint256 i = 0; i < toList.length; ++i) {
            _update(address(0), toList[i], amounts[i], CHECK_VERIFIED | CHECK_COMPLIANCE);
        }
    }

    /// @inheritdoc IERC3643
    function burn(address userAddress, uint256 amount) external onlyRole(Roles.SUPPLY_AGENT) {
        _update(userAddress, address(0), amount, 0);
    }

    /// @inheritdoc IERC3643
    function batchBurn(
        address[] calldata userAddresses,
        uint256[] calldata amounts
    ) external onlyRole(Roles.SUPPLY_AGENT) {
        _requireSameLength(userAddresses.length, amounts.length);
        for (uint256 i = 0; i < userAddresses.length; ++i) {
            _update(userAddresses[i], address(0), amounts[i], 0);
        }
    }

    /// @inheritdoc IERC3643
    function setAddressFrozen(address userAddress, bool freeze) external onlyRole(Roles.FREEZE_AGENT) {
        _setAddressFrozen(userAddress, freeze);
    }

    /// @inheritdoc IERC3643
    function batchSetAddressFrozen(
        address[] calldata userAddresses,
        bool[] calldata freeze
    ) external onlyRole(Roles.FREEZE_AGENT) {
        _requireSameLength(userAddresses.length, freeze.length);
        for (uint256 i = 0; i < userAddresses.length; ++i) {
            _setAddressFrozen(userAddresses[i], freeze[i]);
        }
    }

    /// @inheritdoc IERC3643
    function freezePartialTokens(address userAddress, uint256 amount) external onlyRole(Roles.FREEZE_AGENT) {
        _freezePartial(userAddress, amount);
    }

    /// @inheritdoc IERC3643
    function batchFreezePartialTokens(
        address[] calldata userAddresses,
        uint256[] calldata amounts
    ) external onlyRole(Roles.FREEZE_AGENT) {
        _requireSameLength(userAddresses.length, amounts.length);
        for (uint256 i = 0; i < userAddresses.length; ++i) {
            _freezePartial(userAddresses[i], amounts[i]);
        }
    }

    /// @inheritdoc IERC3643
    function unfreezePartialTokens(address userAddress, uint256 amount) external onlyRole(Roles.FREEZE_AGENT) {
        _unfreezePartial(userAddress, amount);
    }

    /// @inheritdoc IERC3643
    function batchUnfreezePartialTokens(
        address[] calldata userAddresses,
        uint256[] calldata amounts
    ) external onlyRole(Roles.FREEZE_AGENT) {
        _requireSameLength(userAddresses.length, amounts.length);
        for (uint256 i = 0; i < userAddresses.length; ++i) {
            _unfreezePartial(userAddresses[i], amounts[i]);
        }
    }

    /// @inheritdoc IERC3643
    function recoveryAddress(
        address lostWallet,
        address newWallet,
        address investorOnchainID
    ) external onlyRole(Roles.RECOVERY_AGENT) returns (bool) {
        TokenStorage storage $ = _s();
        if (newWallet == address(0) || investorOnchainID == address(0)) revert TokenZeroAddress();
        Account storage lost = $.accounts[lostWallet];
        uint256 balance = lost.balance;
        if (balance == 0) revert TokenRecoveryNothingToRecover(lostWallet);
        IIdentityRegistry registry = $.identityRegistry;
        _requireIdentity(registry, lostWallet, investorOnchainID);
        _requireIdentity(registry, newWallet, investorOnchainID);

        uint256 frozen = lost.frozen;
        uint256 pledged = lost.pledged;
        bool walletFrozen = lost.walletFrozen;
        if (frozen != 0) {
            lost.frozen = 0;
            emit TokensUnfrozen(lostWallet, frozen);
        }
        lost.pledged = 0;
        _update(lostWallet, newWallet, balance, CHECK_VERIFIED);
        if (pledged != 0) {
            // The pledge follows the units: same amount, same secured party, told of the new wallet.
            $.accounts[newWallet].pledged += uint80(pledged);
            emit PledgeMoved(lostWallet, newWallet, pledged);
            $.pledgeAgent.onPledgorRecovered(lostWallet, newWallet, pledged);
        }
        if (frozen != 0) _freezePartial(newWallet, frozen);
        if (walletFrozen) _setAddressFrozen(newWallet, true);
        if (!walletFrozen) _setAddressFrozen(lostWallet, true);
        emit RecoverySuccess(lostWallet, newWallet, investorOnchainID);
        return true;
    }

    /// @inheritdoc IERC3643
    function pause() external onlyRole(Roles.PAUSE_AGENT) {
        TokenStorage storage $ = _s();
        if ($.paused) revert TokenPaused();
        $.paused = true;
        emit Paused(msg.sender);
    }

    /// @inheritdoc IERC3643
    function unpause() external onlyRole(Roles.PAUSE_AGENT) {
        TokenStorage storage $ = _s();
        if (!$.paused) revert TokenNotPaused();
        $.paused = false;
        emit Unpaused(msg.sender);
    }

    // ================================================================== paying agent operations

    /// @inheritdoc ISecurityToken
    function setBalanceLock(BalanceLock lock) external onlyRole(Roles.PAYING_AGENT) {
        TokenStorage storage $ = _s();
        BalanceLock current = $.balanceLock;
        if (current == lock || current == BalanceLock.Redemption) revert TokenBalanceLockTransition(current, lock);
        $.balanceLock = lock;
        emit BalanceLockChanged(msg.sender, lock);
    }

    /// @inheritdoc ISecurityToken
    function distribute(
        address funder,
        address[] calldata recipients,
        uint256[] calldata amounts
    ) external onlyRole(Roles.PAYING_AGENT) {
        uint256 count = recipients.length;
        _requireSameLength(count, amounts.length);
        if (funder == address(0)) revert TokenZeroAddress();
        if (count > MAX_DISTRIBUTION_BATCH) revert TokenBatchTooLarge(count, MAX_DISTRIBUTION_BATCH);
        uint256 total = 0;
        for (uint256 i = 0; i < count; ++i) {
            total += amounts[i];
        }
        _spendAllowance(funder, msg.sender, total);
        for (uint256 i = 0; i < count; ++i) {
            if (recipients[i] == address(0)) revert TokenZeroAddress();
            _update(funder, recipients[i], amounts[i], PAYING_AGENT_MOVE);
        }
        emit EntitlementsDistributed(msg.sender, funder, count, total);
    }

    /// @inheritdoc ISecurityToken
    function retire(
        address holder
    ) external onlyRole(Roles.PAYING_AGENT) returns (uint256 units, uint256 frozen, uint256 pledged) {
        TokenStorage storage $ = _s();
        if ($.balanceLock != BalanceLock.Redemption)
            revert TokenBalanceLockTransition($.balanceLock, BalanceLock.Redemption);
        Account storage account = $.accounts[holder];
        units = account.balance;
        frozen = account.frozen;
        pledged = account.pledged;
        if (frozen != 0) {
            account.frozen = 0;
            emit TokensUnfrozen(holder, frozen);
        }
        if (pledged != 0) {
            // Matured collateral: the paying agent pays these units' principal to the pledge agent.
            account.pledged = 0;
            emit PledgeReleased(holder, pledged, msg.sender);
        }
        if (units != 0) _update(holder, address(0), units, PAYING_AGENT_MOVE);
        emit UnitsRetired(msg.sender, holder, units, frozen, pledged);
    }

    // ================================================================== pledge agent operations

    /// @inheritdoc ISecurityToken
    function pledge(address holder, uint256 amount) external onlyPledgeAgent {
        Account storage account = _s().accounts[holder];
        if (account.walletFrozen) revert TokenWalletFrozen(holder);
        uint256 free = account.balance - account.frozen - account.pledged;
        if (amount == 0 || amount > free) revert TokenInsufficientFreeBalance(holder, free, amount);
        account.pledged += uint80(amount);
        emit TokensPledged(holder, amount, msg.sender);
    }

    /// @inheritdoc ISecurityToken
    function releasePledge(address holder, uint256 amount) external onlyPledgeAgent {
        Account storage account = _s().accounts[holder];
        uint256 pledged = account.pledged;
        if (amount > pledged) revert TokenReleaseExceedsPledged(holder, pledged, amount);
        account.pledged = uint80(pledged - amount);
        emit PledgeReleased(holder, amount, msg.sender);
    }

    /// @inheritdoc ISecurityToken
    function enforcePledge(address holder, address to, uint256 amount) external onlyPledgeAgent {
        Account storage account = _s().accounts[holder];
        uint256 pledged = account.pledged;
        if (amount > pledged) revert TokenReleaseExceedsPledged(holder, pledged, amount);
        account.pledged = uint80(pledged - amount);
        emit PledgeEnforced(holder, to, amount, msg.sender);
        _update(holder, to, amount, CHECK_VERIFIED | CHECK_COMPLIANCE);
    }

    // ================================================================== owner operations

    /// @inheritdoc ISecurityToken
    function setPledgeAgent(address agent) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _s().pledgeAgent = IPledgeAgent(agent);
        emit PledgeAgentSet(agent);
    }

    /// @inheritdoc IERC3643
    function setName(string calldata name_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _s().name = name_;
        _emitInformation();
    }

    /// @inheritdoc IERC3643
    function setSymbol(string calldata symbol_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _s().symbol = symbol_;
        _emitInformation();
    }

    /// @inheritdoc IERC3643
    function setOnchainID(address onchainID_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _s().onchainID = onchainID_;
        _emitInformation();
    }

    /// @inheritdoc IERC3643
    function setIdentityRegistry(address identityRegistry_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setIdentityRegistry(identityRegistry_);
    }

    /// @inheritdoc IERC3643
    function setCompliance(address compliance_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        IModularCompliance old = _s().compliance;
        if (address(old) != address(0)) old.unbindToken(address(this));
        _setCompliance(compliance_);
    }

    /// @inheritdoc ISecurityToken
    function addAgent(address agent) external onlyRole(DEFAULT_ADMIN_ROLE) {
        bytes32[5] memory roles = _agentRoles();
        for (uint256 i = 0; i < roles.length; ++i) {
            _grantRole(roles[i], agent);
        }
    }

    /// @inheritdoc ISecurityToken
    function removeAgent(address agent) external onlyRole(DEFAULT_ADMIN_ROLE) {
        bytes32[5] memory roles = _agentRoles();
        for (uint256 i = 0; i < roles.length; ++i) {
            _revokeRole(roles[i], agent);
        }
    }

    /// @inheritdoc IComplianceHooksListener
    function onComplianceHooksChanged(uint8 hookMask) external {
        TokenStorage storage $ = _s();
        if (msg.sender != address($.compliance)) revert TokenCallerNotCompliance(msg.sender);
        $.complianceHooks = hookMask;
    }

    // ================================================================== views

    /// @inheritdoc ISecurityToken
    function checkTransfer(
        address from,
        address to,
        uint256 amount
    ) external view returns (TransferCheck code, address module) {
        TokenStorage storage $ = _s();
        if (from == address(0) || to == address(0)) return (TransferCheck.ZeroAddress, address(0));
        if ($.paused) return (TransferCheck.Paused, address(0));
        if ($.balanceLock != BalanceLock.None) return (TransferCheck.BalancesLocked, address(0));
        Account memory sender = $.accounts[from];
        if (sender.walletFrozen) return (TransferCheck.SenderFrozen, address(0));
        if ($.accounts[to].walletFrozen) return (TransferCheck.RecipientFrozen, address(0));
        if (amount > sender.balance - sender.frozen - sender.pledged) {
            return (TransferCheck.InsufficientFreeBalance, address(0));
        }
        if (!$.identityRegistry.isVerified(to)) return (TransferCheck.RecipientNotVerified, address(0));
        module = $.compliance.checkTransfer(from, to, amount);
        if (module != address(0)) return (TransferCheck.ComplianceRefused, module);
        return (TransferCheck.Ok, address(0));
    }

    /// @inheritdoc IERC20Metadata
    function name() external view returns (string memory) {
        return _s().name;
    }

    /// @inheritdoc IERC20Metadata
    function symbol() external view returns (string memory) {
        return _s().symbol;
    }

    /// @inheritdoc IERC20Metadata
    function decimals() external view returns (uint8) {
        return _s().decimals;
    }

    /// @inheritdoc IERC3643
    function version() external pure returns (string memory) {
        return VERSION;
    }

    /// @inheritdoc IERC3643
    function onchainID() external view returns (address) {
        return _s().onchainID;
    }

    /// @notice Units in existence.
    function totalSupply() external view returns (uint256) {
        return _s().totalSupply;
    }

    /// @notice Units held by `account`, frozen ones included.
    function balanceOf(address account) public view returns (uint256) {
        return _s().accounts[account].balance;
    }

    /// @inheritdoc ISecurityToken
    function pledgeAgent() external view returns (address) {
        return address(_s().pledgeAgent);
    }

    /// @inheritdoc ISecurityToken
    function balancesOf(address[] calldata accounts) external view returns (uint256[] memory balances) {
        TokenStorage storage $ = _s();
        balances = new uint256[](accounts.length);
        for (uint256 i = 0; i < accounts.length; ++i) {
            balances[i] = $.accounts[accounts[i]].balance;
        }
    }

    /// @inheritdoc ISecurityToken
    function pledgedOf(address account) external view returns (uint256) {
        return _s().accounts[account].pledged;
    }

    /// @inheritdoc ISecurityToken
    function balanceLock() external view returns (BalanceLock) {
        return _s().balanceLock;
    }

    /// @inheritdoc ISecurityToken
    function freeBalanceOf(address account) external view returns (uint256) {
        Account memory a = _s().accounts[account];
        return a.balance - a.frozen - a.pledged;
    }

    /// @notice Units `spender` may still move for `owner_`.
    function allowance(address owner_, address spender) external view returns (uint256) {
        return _s().allowances[owner_][spender];
    }

    /// @inheritdoc IERC3643
    function identityRegistry() external view returns (IIdentityRegistry) {
        return _s().identityRegistry;
    }

    /// @inheritdoc IERC3643
    function compliance() external view returns (IModularCompliance) {
        return _s().compliance;
    }

    /// @inheritdoc IERC3643
    function paused() external view returns (bool) {
        return _s().paused;
    }

    /// @inheritdoc IERC3643
    function isFrozen(address userAddress) external view returns (bool) {
        return _s().accounts[userAddress].walletFrozen;
    }

    /// @inheritdoc IERC3643
    function getFrozenTokens(address userAddress) external view returns (uint256) {
        return _s().accounts[userAddress].frozen;
    }

    /// @inheritdoc ISecurityToken
    function isAgent(address account) external view returns (bool) {
        bytes32[5] memory roles = _agentRoles();
        for (uint256 i = 0; i < roles.length; ++i) {
            if (hasRole(roles[i], account)) return true;
        }
        return false;
    }

    // ================================================================== internals

    /// @dev The one path for every balance change. `from` zero mints, `to` zero burns. Always: no frozen
    /// unit leaves `from`, the supply fits 128 bits, compliance records the change (if a module listens).
    /// On request: pause and wallet freezes, recipient verification, compliance approval.
    /// The token's own checks run before any write. The compliance is then asked and told in one call,
    /// after the writes, with the state the operation started from: the {TransferContext} (the recipient's
    /// identity and country, from the same registry read that verifies it, and the balances and supply
    /// before the change), so no module walks compliance → token → registry → storage, and modules judge
    /// the starting state. A refusal reverts the whole operation.
    /// Deliberately one function (branchy by nature): one place to audit every balance change.
    // solhint-disable-next-line code-complexity
    function _update(address from, address to, uint256 amount, uint256 checks) private {
        TokenStorage storage $ = _s();
        bool holderRules = checks & CHECK_PAUSE_AND_FREEZE != 0;
        // Holder transfers never mint or burn; nothing moves between two zero addresses.
        if ((from == address(0) || to == address(0)) && (holderRules || from == to)) revert TokenZeroAddress();
        if (holderRules && $.paused) revert TokenPaused();
        BalanceLock lock = $.balanceLock;
        if (lock != BalanceLock.None && checks & PAYING_AGENT_MOVE == 0) revert TokenBalancesLocked(lock);
        if (amount > MAX_SUPPLY) revert TokenAmountOverflow(amount);

        Account storage sender = $.accounts[from];
        Account storage recipient = $.accounts[to];
        if (from != address(0)) {
            if (holderRules && sender.walletFrozen) revert TokenWalletFrozen(from);
            uint256 free = sender.balance - sender.frozen - sender.pledged;
            if (amount > free) revert TokenInsufficientFreeBalance(from, free, amount);
        } else {
            uint256 supply = $.totalSupply + amount;
            if (supply > MAX_SUPPLY) revert TokenAmountOverflow(supply);
        }
        if (to != address(0) && holderRules && recipient.walletFrozen) revert TokenWalletFrozen(to);
        uint8 hooks = $.complianceHooks;
        if (hooks == 0) {
            // No module listens: the plain ERC-3643 verification, and no context to build.
            if (to != address(0) && checks & CHECK_VERIFIED != 0 && !$.identityRegistry.isVerified(to)) {
                revert TokenRecipientNotVerified(to);
            }
            _move($, sender, recipient, from, to, amount);
        } else {
            _moveUnderCompliance($, sender, recipient, from, to, amount, checks, hooks);
        }
    }

    /// @dev {_move} when a module listens. Verifying `to` (if asked) reads its identity and country in the
    /// same registry call; with the balances and supply before the change they form the context the
    /// compliance is asked and told with, in one call after the writes.
    function _moveUnderCompliance(
        TokenStorage storage $,
        Account storage sender,
        Account storage recipient,
        address from,
        address to,
        uint256 amount,
        uint256 checks,
        uint8 hooks
    ) private {
        TransferContext memory context;
        if (to != address(0)) {
            bool verify = checks & CHECK_VERIFIED != 0;
            bool verified;
            (context.toIdentity, context.toCountry, verified) = $.identityRegistry.investorOf(to, verify);
            if (verify && !verified) revert TokenRecipientNotVerified(to);
        }
        uint8 actionHook =
            from == address(0)
                ? ModuleHooks.ACTION_MINT
                : (to == address(0) ? ModuleHooks.ACTION_BURN : ModuleHooks.ACTION_TRANSFER);
        // ACTION_MINT >> 2 is CHECK_MINT and ACTION_TRANSFER >> 2 is CHECK_TRANSFER; a burn is never checked.
        bool check = checks & CHECK_COMPLIANCE != 0 && to != address(0) && hooks & (actionHook >> 2) != 0;
        bool callCompliance = check || hooks & actionHook != 0;
        if (callCompliance) _fillBalances($, context, sender, recipient, from, to);
        _move($, sender, recipient, from, to, amount);
        if (callCompliance) {
            address module = $.compliance.checkAndRecordWithContext(from, to, amount, check, context);
            if (module != address(0)) revert TokenTransferNotCompliant(from, to, amount, module);
        }
    }

    /// @dev The writes of {_update}, once every check of the token has passed (`amount` is at most the
    /// sender's free balance, and the supply stays within MAX_SUPPLY).
    function _move(
        TokenStorage storage $,
        Account storage sender,
        Account storage recipient,
        address from,
        address to,
        uint256 amount
    ) private {
        if (from != address(0)) {
            unchecked {
                sender.balance -= uint80(amount);
            }
        } else $.totalSupply += amount;
        if (to != address(0)) recipient.balance += uint80(amount);
        else $.totalSupply -= amount;
        emit Transfer(from, to, amount);
    }

    /// @dev The registry, balances of `from` and `to` (read through `sender` and `recipient`, their accounts)
    /// before the change (a zero party's balance is zero),
    /// and for a mint or burn the supply (a transfer leaves it alone, and reading it would cost a cold SLOAD).
    function _fillBalances(
        TokenStorage storage $,
        TransferContext memory context,
        Account storage sender,
        Account storage recipient,
        address from,
        address to
    ) private view {
        context.registry = $.identityRegistry;
        if (from != address(0)) context.fromBalance = sender.balance;
        if (to != address(0)) context.toBalance = recipient.balance;
        if (from == address(0) || to == address(0)) context.totalSupply = $.totalSupply;
    }

    modifier onlyPledgeAgent() {
        if (msg.sender != address(_s().pledgeAgent)) revert TokenCallerNotPledgeAgent(msg.sender);
        _;
    }

    function _forcedTransfer(address from, address to, uint256 amount) private {
        if (from == address(0) || to == address(0)) revert TokenZeroAddress();
        _update(from, to, amount, CHECK_VERIFIED);
        emit TransferForced(msg.sender, from, to, amount);
    }

    function _setAddressFrozen(address userAddress, bool freeze) private {
        if (userAddress == address(0)) revert TokenZeroAddress();
        _s().accounts[userAddress].walletFrozen = freeze;
        emit AddressFrozen(userAddress, freeze, msg.sender);
    }

    function _freezePartial(address userAddress, uint256 amount) private {
        Account storage account = _s().accounts[userAddress];
        uint256 frozenAfter = account.frozen + amount;
        // Pledged units are the secured party's to control: a freeze cannot claim them too.
        uint256 freezable = account.balance - account.pledged;
        if (frozenAfter > freezable) revert TokenFreezeExceedsBalance(userAddress, freezable, frozenAfter);
        account.frozen = uint80(frozenAfter);
        emit TokensFrozen(userAddress, amount);
    }

    function _unfreezePartial(address userAddress, uint256 amount) private {
        Account storage account = _s().accounts[userAddress];
        uint256 frozen = account.frozen;
        if (amount > frozen) revert TokenUnfreezeExceedsFrozen(userAddress, frozen, amount);
        account.frozen = uint80(frozen - amount);
        emit TokensUnfrozen(userAddress, amount);
    }

    function _approve(address owner_, address spender, uint256 amount) private {
        if (owner_ == address(0)) revert ERC20InvalidApprover(address(0));
        if (spender == address(0)) revert ERC20InvalidSpender(address(0));
        _s().allowances[owner_][spender] = amount;
        emit Approval(owner_, spender, amount);
    }

    function _spendAllowance(address owner_, address spender, uint256 amount) private {
        uint256 current = _s().allowances[owner_][spender];
        if (current == type(uint256).max) return;
        if (current < amount) revert ERC20InsufficientAllowance(spender, current, amount);
        _s().allowances[owner_][spender] = current - amount;
    }

    function _setIdentityRegistry(address identityRegistry_) private {
        if (identityRegistry_ == address(0)) revert TokenZeroAddress();
        _s().identityRegistry = IIdentityRegistry(identityRegistry_);
        emit IdentityRegistryAdded(identityRegistry_);
    }

    function _setCompliance(address compliance_) private {
        if (compliance_ == address(0)) revert TokenZeroAddress();
        TokenStorage storage $ = _s();
        $.compliance = IModularCompliance(compliance_);
        IModularCompliance(compliance_).bindToken(address(this));
        emit ComplianceAdded(compliance_);
        // A compliance that cannot say which hooks it needs gets every call.
        try IModularCompliance(compliance_).hookMask() returns (uint8 mask) {
            $.complianceHooks = mask;
        } catch {
            $.complianceHooks = type(uint8).max;
        }
    }

    function _requireIdentity(IIdentityRegistry registry, address wallet, address expected) private view {
        address actual = address(registry.identity(wallet));
        if (actual != expected) revert TokenRecoveryIdentityMismatch(wallet, expected, actual);
    }

    function _requireSameLength(uint256 expected, uint256 actual) private pure {
        if (expected != actual) revert TokenBatchLengthMismatch(expected, actual);
    }

    function _emitInformation() private {
        TokenStorage storage $ = _s();
        emit UpdatedTokenInformation($.name, $.symbol, $.decimals, VERSION, $.onchainID);
    }

    function _agentRoles() private pure returns (bytes32[5] memory) {
        return [Roles.SUPPLY_AGENT, Roles.FREEZE_AGENT, Roles.TRANSFER_AGENT, Roles.RECOVERY_AGENT, Roles.PAUSE_AGENT];
    }

    function _s() private pure returns (TokenStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }
}

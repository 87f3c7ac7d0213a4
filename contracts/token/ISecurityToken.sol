// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC3643} from "./IERC3643.sol";

/// @title IPledgeAgent
/// @notice What a series tells its pledge agent (the collateral escrow).
interface IPledgeAgent {
    /// @notice A recovery moved `amount` pledged units of the series from `lostWallet` to `newWallet`
    /// (same identity): the escrow re-points the pledgor's accounts.
    function onPledgorRecovered(address lostWallet, address newWallet, uint256 amount) external;

    /// @notice The paying agent redeemed `units` pledged units of `series` held by `pledgor` and paid
    /// their principal, `cash`, to the pledge agent: the collateral is now cash.
    function onPledgeRedeemed(address series, address pledgor, uint256 units, uint256 cash) external;
}

/// @title ISecurityToken
/// @notice kosai's additions to ERC-3643: granular agent roles, a pre-transfer check that names the
/// rule, typed errors, and an event for every forced transfer.
interface ISecurityToken is IERC3643 {
    /// @notice Why a transfer would be refused; `Ok` when it would pass.
    enum TransferCheck {
        Ok,
        ZeroAddress,
        Paused,
        SenderFrozen,
        RecipientFrozen,
        InsufficientFreeBalance,
        RecipientNotVerified,
        ComplianceRefused,
        BalancesLocked
    }

    /// @notice Whether balances may change. `RecordLocked`: a coupon's holders of record are being paid,
    /// nothing moves until the paying agent has paid them all. `Redemption`: the series is being (or has
    /// been) redeemed; only the paying agent's retirements move units, for good.
    enum BalanceLock {
        None,
        RecordLocked,
        Redemption
    }

    /// @notice A role to grant at initialization.
    struct RoleGrant {
        bytes32 role;
        address account;
    }

    /// @notice Everything a series proxy is initialized with.
    struct TokenInit {
        address owner;
        string name;
        string symbol;
        uint8 decimals;
        address identityRegistry;
        address compliance;
        address onchainID;
        RoleGrant[] grants;
    }

    /// @notice The paying agent changed whether balances may move.
    event BalanceLockChanged(address indexed agent, BalanceLock lock);
    /// @notice The paying agent paid entitlements (coupon, principal) out of `funder`'s units.
    event EntitlementsDistributed(address indexed agent, address indexed funder, uint256 recipients, uint256 total);
    /// @notice The paying agent retired a holder's whole position at redemption, `frozen` of it frozen.
    event UnitsRetired(address indexed agent, address indexed holder, uint256 units, uint256 frozen, uint256 pledged);
    /// @notice The series' pledge agent (collateral escrow) changed.
    event PledgeAgentSet(address indexed agent);
    /// @notice `amount` of `holder`'s free units were pledged: they stay in the wallet (coupons keep
    /// going to it) but only the pledge agent can release or enforce them.
    event TokensPledged(address indexed holder, uint256 amount, address indexed agent);
    /// @notice `amount` of pledged units were released back to `holder`'s free units (or retired at maturity).
    event PledgeReleased(address indexed holder, uint256 amount, address indexed agent);
    /// @notice The pledge agent enforced a pledge: `amount` moved from `holder` to `to`.
    event PledgeEnforced(address indexed holder, address indexed to, uint256 amount, address indexed agent);
    /// @notice A recovery carried `amount` of pledged units from the lost wallet to the new one.
    event PledgeMoved(address indexed lostWallet, address indexed newWallet, uint256 amount);

    /// @notice An agent moved units without the holder's signature.
    event TransferForced(address indexed agent, address indexed from, address indexed to, uint256 amount);

    /// @notice Holder transfers are paused.
    error TokenPaused();
    /// @notice Holder transfers are not paused.
    error TokenNotPaused();
    /// @notice A zero address was given.
    error TokenZeroAddress();
    /// @notice The wallet is frozen.
    error TokenWalletFrozen(address wallet);
    /// @notice The wallet's free (unfrozen) units do not cover the amount.
    error TokenInsufficientFreeBalance(address wallet, uint256 free, uint256 needed);
    /// @notice The recipient is not a verified identity in the registry.
    error TokenRecipientNotVerified(address wallet);
    /// @notice A compliance module refused the operation.
    error TokenTransferNotCompliant(address from, address to, uint256 amount, address module);
    /// @notice Array arguments of a batch differ in length.
    error TokenBatchLengthMismatch(uint256 expected, uint256 actual);
    /// @notice Freezing would freeze more than the balance.
    error TokenFreezeExceedsBalance(address wallet, uint256 balance, uint256 frozenAfter);
    /// @notice Unfreezing more than is frozen.
    error TokenUnfreezeExceedsFrozen(address wallet, uint256 frozen, uint256 requested);
    /// @notice The lost wallet holds nothing to recover.
    error TokenRecoveryNothingToRecover(address lostWallet);
    /// @notice A wallet of a recovery is not registered to the identity named.
    error TokenRecoveryIdentityMismatch(address wallet, address expected, address actual);
    /// @notice Only the token's compliance may call this.
    error TokenCallerNotCompliance(address caller);
    /// @notice Only the series' pledge agent may call this.
    error TokenCallerNotPledgeAgent(address caller);
    /// @notice Releasing or enforcing more than is pledged.
    error TokenReleaseExceedsPledged(address wallet, uint256 pledged, uint256 requested);
    /// @notice Balances are locked (coupon record or redemption); nothing moves but the paying agent's work.
    error TokenBalancesLocked(BalanceLock lock);
    /// @notice The lock cannot change from `current` to `requested` (redemption is final).
    error TokenBalanceLockTransition(BalanceLock current, BalanceLock requested);
    /// @notice A batch is larger than the cap.
    error TokenBatchTooLarge(uint256 size, uint256 max);
    /// @notice A balance or supply would exceed what a series can hold (2^80 - 1 units).
    error TokenAmountOverflow(uint256 amount);

    /// @notice What would happen to `transfer(to, amount)` sent by `from` now, and, when compliance
    /// refuses, which module.
    function checkTransfer(
        address from,
        address to,
        uint256 amount
    ) external view returns (TransferCheck code, address module);

    /// @notice Grants every agent role (T-REX `addAgent`).
    /// @dev Requirements: caller is the owner. Emits {RoleGranted} per role.
    function addAgent(address agent) external;

    /// @notice Revokes every agent role (T-REX `removeAgent`).
    /// @dev Requirements: caller is the owner. Emits {RoleRevoked} per role.
    function removeAgent(address agent) external;

    /// @notice Whether `account` holds any agent role.
    function isAgent(address account) external view returns (bool);

    /// @notice Free units of `account`: neither frozen nor pledged.
    function freeBalanceOf(address account) external view returns (uint256);

    /// @notice Whether balances may change now.
    function balanceLock() external view returns (BalanceLock);

    /// @notice Locks or unlocks balances: `RecordLocked` while a coupon's holders of record are paid,
    /// `Redemption` when the series is redeemed (final).
    /// @dev Requirements: caller has PAYING_AGENT; `None` <-> `RecordLocked`, or either -> `Redemption`;
    /// `Redemption` never changes. Emits {BalanceLockChanged}.
    function setBalanceLock(BalanceLock lock) external;

    /// @notice Pays entitlements (coupons, principal) from `funder` to each recipient in one call,
    /// spending `funder`'s allowance to the caller once for the total.
    /// @dev Requirements: caller has PAYING_AGENT; lengths match; at most 500 recipients; the allowance
    /// and `funder`'s free units cover the total. Recipients are holders of record paid what they are
    /// owed: neither verification nor compliance can refuse a debt being paid, and a frozen wallet still
    /// receives (and cannot move) its money. Emits {Transfer} per recipient and {EntitlementsDistributed}.
    function distribute(address funder, address[] calldata recipients, uint256[] calldata amounts) external;

    /// @notice Retires `holder`'s whole position (frozen and pledged units included, which are released)
    /// at redemption.
    /// @dev Requirements: caller has PAYING_AGENT; balances locked for `Redemption`.
    /// Emits {TokensUnfrozen} and {PledgeReleased} if units were frozen or pledged, {Transfer} to zero and
    /// {UnitsRetired}.
    /// @return units retired. @return frozen how many of them were frozen. @return pledged how many of
    /// them were pledged (their principal belongs to the pledge agent's collateral account).
    function retire(address holder) external returns (uint256 units, uint256 frozen, uint256 pledged);

    /// @notice Pledges `amount` of `holder`'s free units: they stay in the wallet, count in its balance
    /// and earn its coupons, but nothing moves them except the pledge agent's release or enforcement
    /// (not transfers, forced transfers, burns or freezes; a recovery carries them to the new wallet).
    /// @dev Requirements: caller is the pledge agent (which checks the pledgor's consent); wallet not
    /// frozen; `amount` nonzero and within the free units. Emits {TokensPledged}.
    function pledge(address holder, uint256 amount) external;

    /// @notice Releases `amount` of `holder`'s pledged units to its free units.
    /// @dev Requirements: caller is the pledge agent; at most the pledged units. Emits {PledgeReleased}.
    function releasePledge(address holder, uint256 amount) external;

    /// @notice Enforces a pledge: moves `amount` of `holder`'s pledged units to `to` (the secured party
    /// or a buyer), under recipient verification and compliance.
    /// @dev Requirements: caller is the pledge agent; at most the pledged units; `to` verified and
    /// compliant; balances not locked. Emits {PledgeEnforced} and {Transfer}.
    function enforcePledge(address holder, address to, uint256 amount) external;

    /// @notice Sets the series' pledge agent (the collateral escrow); zero disables pledging.
    /// @dev Requirements: caller is the owner. Emits {PledgeAgentSet}.
    function setPledgeAgent(address agent) external;

    /// @notice The series' pledge agent.
    function pledgeAgent() external view returns (address);

    /// @notice Units held by each of `accounts` (one call for a batch of holders, e.g. a coupon run).
    function balancesOf(address[] calldata accounts) external view returns (uint256[] memory balances);

    /// @notice Units of `account` pledged.
    function pledgedOf(address account) external view returns (uint256);
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {Roles} from "../access/Roles.sol";
import {IPledgeAgent, ISecurityToken} from "../token/ISecurityToken.sol";
import {IBondToken} from "./IBondToken.sol";
import {ICpiFeed} from "./ICpiFeed.sol";
import {IPayingAgent} from "./IPayingAgent.sol";
import {BondMath} from "./lib/BondMath.sol";
import {JstDate} from "./lib/JstDate.sol";

/// @title PayingAgent
/// @notice The paying agent of bond series: coupons and principal in the series' cash token, to every
/// holder of record, in batches, exactly once; early redemption of retail JGBs; the ratios and accrued
/// interest those payments and secondary trades use.
/// @dev Needs, on each bond series: PAYING_AGENT (record lock, retirement) and, for retail series,
/// SUPPLY_AGENT (early redemption burns); on the cash token: PAYING_AGENT (distribution) and FREEZE_AGENT
/// (cash paid for frozen units is frozen). Pledged or frozen units keep paying their holder: a coupon
/// goes to whoever holds the units of record.
contract PayingAgent is IPayingAgent, AccessControlDefaultAdminRules, ReentrancyGuard {
    /// @notice Most holders per batch.
    uint256 public constant MAX_BATCH = 300;

    uint256 private constant PPM = 1_000_000;

    /// @dev One batch being paid (a struct keeps the loop within the stack).
    struct Batch {
        IBondToken series;
        bool redemption;
        address previous;
        bool inOrder;
        bytes32 hash;
        uint256 facePaid;
        uint256 numerator;
        uint256 denominator;
        uint256 n;
        uint256 face;
        uint256 amount;
        address[] recipients;
        uint256[] amounts;
        uint256[] frozenProceeds;
        uint256 np;
        address[] pledgors;
        uint256[] pledgedUnits;
        uint256[] pledgedProceeds;
        uint256[] balances;
    }

    mapping(address bond => address funder) private _funders;
    mapping(address bond => Run run) private _runs;
    mapping(address bond => uint256 count) private _couponsPaid;

    /// @param owner_ the admin, who grants PAYING_AGENT to the operators.
    constructor(address owner_) AccessControlDefaultAdminRules(0, owner_) {}

    // ================================================================== runs

    /// @inheritdoc IPayingAgent
    function setFunder(address bond, address funder) external onlyRole(Roles.PAYING_AGENT) {
        if (funder == address(0)) revert PayingAgentNoFunder(bond);
        _requireNoRun(bond);
        _funders[bond] = funder;
        emit FunderSet(bond, funder);
    }

    /// @inheritdoc IPayingAgent
    function openCoupon(address bond, uint256 period) external onlyRole(Roles.PAYING_AGENT) nonReentrant {
        _requireNoRun(bond);
        uint256 expected = _couponsPaid[bond];
        if (period != expected) revert PayingAgentCouponOutOfOrder(bond, period, expected);
        (, uint32 payment) = IBondToken(bond).couponDate(period);
        uint32 today = JstDate.dayOf(block.timestamp);
        if (today < payment) revert PayingAgentCouponNotDue(bond, period, payment, today);
        (uint256 numerator, uint256 denominator) = couponRatio(bond, period);
        uint256 due = _open(
            bond,
            RunKind.Coupon,
            period,
            numerator,
            denominator,
            ISecurityToken.BalanceLock.RecordLocked
        );
        emit CouponRunOpened(bond, period, _runs[bond].recordFace, due);
        _completeIfDone(bond);
    }

    /// @inheritdoc IPayingAgent
    function openRedemption(address bond) external onlyRole(Roles.PAYING_AGENT) nonReentrant {
        _requireNoRun(bond);
        IBondToken series = IBondToken(bond);
        uint256 count = series.couponCount();
        uint256 paid = _couponsPaid[bond];
        if (paid != count) revert PayingAgentCouponsOutstanding(bond, paid, count);
        uint32 redemptionDay = _redemptionDay(series, count);
        uint32 today = JstDate.dayOf(block.timestamp);
        if (today < redemptionDay) revert PayingAgentNotMatured(bond, redemptionDay, today);
        (uint256 numerator, uint256 denominator) = redemptionRatio(bond);
        uint256 due = _open(
            bond,
            RunKind.Redemption,
            count,
            numerator,
            denominator,
            ISecurityToken.BalanceLock.Redemption
        );
        emit RedemptionRunOpened(bond, _runs[bond].recordFace, due);
        _completeIfDone(bond);
    }

    /// @inheritdoc IPayingAgent
    function payBatch(address bond, address[] calldata holders) external onlyRole(Roles.PAYING_AGENT) nonReentrant {
        _pay(bond, holders, true);
    }

    /// @inheritdoc IPayingAgent
    function payMissedHolders(
        address bond,
        address[] calldata paidSoFar,
        address[] calldata missed
    ) external onlyRole(Roles.PAYING_AGENT) nonReentrant {
        Run storage run = _runs[bond];
        if (run.kind == RunKind.None) revert PayingAgentNoRun(bond);
        bytes32 hash = bytes32(0);
        for (uint256 i = 0; i < paidSoFar.length; ++i) {
            hash = keccak256(abi.encodePacked(hash, paidSoFar[i]));
        }
        if (hash != run.paidHash) revert PayingAgentPaidListMismatch(bond);
        for (uint256 i = 0; i < missed.length; ++i) {
            address holder = missed[i];
            for (uint256 j = 0; j < paidSoFar.length; ++j) {
                if (paidSoFar[j] == holder) revert PayingAgentAlreadyPaid(holder);
            }
            for (uint256 j = 0; j < i; ++j) {
                if (missed[j] == holder) revert PayingAgentAlreadyPaid(holder);
            }
        }
        _pay(bond, missed, false);
    }

    /// @dev Pays a batch of the run in progress; `inOrder` holders must extend the ascending cursor.
    function _pay(address bond, address[] calldata holders, bool inOrder) private {
        Run storage run = _runs[bond];
        RunKind runKind = run.kind;
        if (runKind == RunKind.None) revert PayingAgentNoRun(bond);
        uint256 count = holders.length;
        if (count == 0 || count > MAX_BATCH) revert PayingAgentBadBatch(count, MAX_BATCH);

        Batch memory b = Batch({
            series: IBondToken(bond),
            redemption: runKind == RunKind.Redemption,
            previous: run.lastHolder,
            inOrder: inOrder,
            hash: run.paidHash,
            facePaid: run.facePaid,
            numerator: run.numerator,
            denominator: run.denominator,
            n: 0,
            face: 0,
            amount: 0,
            recipients: new address[](count),
            amounts: new uint256[](count),
            frozenProceeds: new uint256[](runKind == RunKind.Redemption ? count : 0),
            np: 0,
            pledgors: new address[](runKind == RunKind.Redemption ? count : 0),
            pledgedUnits: new uint256[](runKind == RunKind.Redemption ? count : 0),
            pledgedProceeds: new uint256[](runKind == RunKind.Redemption ? count : 0),
            balances: new uint256[](0)
        });
        // A coupon reads every holder's units in one call; a redemption retires them one by one.
        if (!b.redemption) b.balances = b.series.balancesOf(holders);
        for (uint256 i = 0; i < count; ++i) {
            _payOne(b, holders[i], b.redemption ? 0 : b.balances[i]);
        }
        run.lastHolder = b.previous;
        run.paidHash = b.hash;
        run.facePaid = uint128(b.facePaid);
        run.paid += uint128(b.amount);
        emit BatchPaid(bond, runKind, b.n, b.face, b.amount);

        if (b.n != 0) {
            address[] memory recipients = b.recipients;
            uint256[] memory amounts = b.amounts;
            uint256 n = b.n;
            assembly {
                mstore(recipients, n)
                mstore(amounts, n)
            }
            ISecurityToken cash = ISecurityToken(b.series.currency());
            cash.distribute(_funders[bond], recipients, amounts);
            if (b.redemption) _freezeProceeds(bond, cash, recipients, b.frozenProceeds, n);
        }
        if (b.np != 0) _payPledgeAgent(bond, b);
        _completeIfDone(bond);
    }

    /// @inheritdoc IPayingAgent
    function redeemEarly(address bond, uint256 face) external nonReentrant {
        IBondToken series = IBondToken(bond);
        IBondToken.BondKind bondKind = series.kind();
        if (bondKind != IBondToken.BondKind.RetailFixedJgb && bondKind != IBondToken.BondKind.RetailFloatingJgb) {
            revert PayingAgentEarlyRedemptionNotAllowed(bond, bondKind);
        }
        _requireNoRun(bond);
        // A frozen wallet cannot turn its units into cash (the burn below checks frozen units only).
        if (series.isFrozen(msg.sender)) revert ISecurityToken.TokenWalletFrozen(msg.sender);
        uint256 unit = series.denomination();
        if (face == 0 || face % unit != 0) revert PayingAgentBadFace(face, unit);
        (, uint32 issue, ) = series.scheduleDays();
        uint32 earliest = JstDate.addMonths(issue, 12);
        uint32 today = JstDate.dayOf(block.timestamp);
        if (today < earliest) revert PayingAgentEarlyRedemptionTooSoon(bond, earliest, today);
        address funder = _funders[bond];
        if (funder == address(0)) revert PayingAgentNoFunder(bond);

        uint256 deduction = _lastTwoCoupons(bond, series, face);
        uint256 accrued = accruedInterest(bond, face, block.timestamp);
        uint256 proceeds = face + accrued - deduction;
        series.burn(msg.sender, face);
        address[] memory recipients = new address[](1);
        uint256[] memory amounts = new uint256[](1);
        recipients[0] = msg.sender;
        amounts[0] = proceeds;
        ISecurityToken(series.currency()).distribute(funder, recipients, amounts);
        emit EarlyRedemption(bond, msg.sender, face, accrued, deduction, proceeds);
    }

    // ================================================================== views

    /// @inheritdoc IPayingAgent
    function funderOf(address bond) external view returns (address) {
        return _funders[bond];
    }

    /// @inheritdoc IPayingAgent
    function runOf(address bond) external view returns (Run memory) {
        return _runs[bond];
    }

    /// @inheritdoc IPayingAgent
    function couponsPaid(address bond) external view returns (uint256) {
        return _couponsPaid[bond];
    }

    /// @inheritdoc IPayingAgent
    function couponRatio(address bond, uint256 period) public view returns (uint256 numerator, uint256 denominator) {
        IBondToken series = IBondToken(bond);
        uint256 rate = series.couponRateFor(period);
        denominator = PPM * series.couponFrequency();
        if (series.kind() != IBondToken.BondKind.InflationIndexedJgb) return (rate, denominator);
        (uint32 scheduled, ) = series.couponDate(period);
        return (rate * _coefficient(series, scheduled), denominator * BondMath.COEFFICIENT_ONE);
    }

    /// @inheritdoc IPayingAgent
    function redemptionRatio(address bond) public view returns (uint256 numerator, uint256 denominator) {
        IBondToken series = IBondToken(bond);
        if (series.kind() != IBondToken.BondKind.InflationIndexedJgb) return (1, 1);
        (, , uint32 maturity) = series.scheduleDays();
        // Every JGBi issued since 2013 is redeemed at no less than face (the deflation floor).
        return (Math.max(_coefficient(series, maturity), BondMath.COEFFICIENT_ONE), BondMath.COEFFICIENT_ONE);
    }

    /// @inheritdoc IPayingAgent
    function accruedInterest(address bond, uint256 face, uint256 settlementTime) public view returns (uint256) {
        IBondToken series = IBondToken(bond);
        uint256 frequency = series.couponFrequency();
        if (frequency == 0) return 0;
        uint32 day = JstDate.dayOf(settlementTime);
        (uint32 start, , ) = series.scheduleDays();
        if (day < start) revert PayingAgentSettlementBeforeInterestStart(start, day);
        uint64[] memory dates = series.couponDates();
        uint256 period = 0;
        // The period is the first whose scheduled date is after the settlement day: settlement on a coupon
        // date accrues nothing (days run from the last coupon date, exclusive, to settlement, inclusive).
        while (period < dates.length && uint32(dates[period] >> 32) <= day) {
            start = uint32(dates[period] >> 32);
            ++period;
        }
        if (period == dates.length) return 0;
        if (series.kind() == IBondToken.BondKind.InflationIndexedJgb) {
            face = BondMath.indexedPrincipal(face, _coefficient(series, day), false);
        }
        return BondMath.accruedInterest(face, series.couponRateFor(period), frequency, start, day);
    }

    // ================================================================== internals

    function _open(
        address bond,
        RunKind runKind,
        uint256 period,
        uint256 numerator,
        uint256 denominator,
        ISecurityToken.BalanceLock lock
    ) private returns (uint256 due) {
        IBondToken series = IBondToken(bond);
        address funder = _funders[bond];
        if (funder == address(0)) revert PayingAgentNoFunder(bond);
        uint256 recordFace = series.totalSupply();
        due = Math.mulDiv(recordFace, numerator, denominator);
        ISecurityToken cash = ISecurityToken(series.currency());
        uint256 free = cash.freeBalanceOf(funder);
        uint256 allowance = cash.allowance(funder, address(this));
        if (free < due || allowance < due) revert PayingAgentFundingShortfall(funder, due, free, allowance);
        _runs[bond] = Run({
            kind: runKind,
            period: uint32(period),
            lastHolder: address(0),
            recordFace: uint128(recordFace),
            facePaid: 0,
            due: uint128(due),
            paid: 0,
            numerator: numerator,
            denominator: denominator,
            paidHash: bytes32(0)
        });
        series.setBalanceLock(lock);
    }

    function _completeIfDone(address bond) private {
        Run storage run = _runs[bond];
        if (run.facePaid != run.recordFace) return;
        RunKind runKind = run.kind;
        uint256 period = run.period;
        uint256 recordFace = run.recordFace;
        uint256 paid = run.paid;
        delete _runs[bond];
        if (runKind == RunKind.Coupon) {
            _couponsPaid[bond] = period + 1;
            IBondToken(bond).setBalanceLock(ISecurityToken.BalanceLock.None);
        }
        emit RunCompleted(bond, runKind, period, recordFace, paid);
    }

    /// @dev Pays one holder of the batch: its units of record (retired, at redemption) with cumulative
    /// rounding. A holder with nothing is skipped, but still counts for the ascending order.
    function _payOne(Batch memory b, address holder, uint256 balance) private {
        if (b.inOrder) {
            if (holder <= b.previous) revert PayingAgentHoldersNotAscending(holder, b.previous);
            b.previous = holder;
        }
        b.hash = keccak256(abi.encodePacked(b.hash, holder));
        uint256 face;
        uint256 frozen = 0;
        uint256 pledged = 0;
        if (b.redemption) {
            (face, frozen, pledged) = b.series.retire(holder);
            // Every unit of a frozen wallet is frozen: so is its principal (but that of pledged units,
            // which goes to the pledge agent).
            if (b.series.isFrozen(holder)) frozen = face - pledged;
        } else {
            face = balance;
        }
        if (face == 0) return;
        uint256 amount = BondMath.proRata(b.facePaid, face, b.numerator, b.denominator);
        // The batch's amount is all the cash paid on these units, the pledge agent's share included.
        b.amount += amount;
        if (pledged != 0) {
            // A pledged bond that matures becomes cash collateral: its principal goes to the pledge agent.
            uint256 pledgedProceeds = Math.mulDiv(pledged, b.numerator, b.denominator);
            b.pledgors[b.np] = holder;
            b.pledgedUnits[b.np] = pledged;
            b.pledgedProceeds[b.np] = pledgedProceeds;
            ++b.np;
            amount -= pledgedProceeds;
        }
        b.facePaid += face;
        b.face += face;
        b.recipients[b.n] = holder;
        b.amounts[b.n] = amount;
        // The proceeds of frozen units stay frozen, as the units were (rounding goes to the holder).
        if (frozen != 0) b.frozenProceeds[b.n] = Math.mulDiv(frozen, b.numerator, b.denominator);
        ++b.n;
    }

    function _payPledgeAgent(address bond, Batch memory b) private {
        IBondToken series = b.series;
        IPledgeAgent agent = IPledgeAgent(series.pledgeAgent());
        address[] memory recipients = new address[](b.np);
        uint256[] memory amounts = b.pledgedProceeds;
        uint256 np = b.np;
        assembly {
            mstore(amounts, np)
        }
        for (uint256 i = 0; i < np; ++i) {
            recipients[i] = address(agent);
        }
        ISecurityToken(series.currency()).distribute(_funders[bond], recipients, amounts);
        for (uint256 i = 0; i < np; ++i) {
            agent.onPledgeRedeemed(bond, b.pledgors[i], b.pledgedUnits[i], amounts[i]);
        }
    }

    function _freezeProceeds(
        address bond,
        ISecurityToken cash,
        address[] memory recipients,
        uint256[] memory frozenProceeds,
        uint256 n
    ) private {
        for (uint256 i = 0; i < n; ++i) {
            uint256 amount = frozenProceeds[i];
            if (amount == 0) continue;
            cash.freezePartialTokens(recipients[i], amount);
            emit FrozenProceedsFrozen(bond, recipients[i], amount);
        }
    }

    function _redemptionDay(IBondToken series, uint256 count) private view returns (uint32) {
        if (count == 0) {
            (, , uint32 maturity) = series.scheduleDays();
            return maturity;
        }
        (, uint32 payment) = series.couponDate(count - 1);
        return payment;
    }

    function _coefficient(IBondToken series, uint32 day) private view returns (uint256) {
        (address feed, uint64 baseCpi) = series.indexation();
        uint64 cpi = ICpiFeed(feed).referenceCpi(day);
        if (cpi == 0) revert PayingAgentIndexUnavailable(address(series), day);
        return BondMath.indexationCoefficient(cpi, baseCpi);
    }

    /// @dev The two coupons paid most recently on `face`, gross (the retail early-redemption deduction).
    function _lastTwoCoupons(address bond, IBondToken series, uint256 face) private view returns (uint256 deduction) {
        uint256 paid = _couponsPaid[bond];
        uint256 frequency = series.couponFrequency();
        for (uint256 p = paid; p > 0 && p + 2 > paid; --p) {
            deduction += BondMath.periodCoupon(face, series.couponRateFor(p - 1), frequency);
        }
    }

    function _requireNoRun(address bond) private view {
        RunKind runKind = _runs[bond].kind;
        if (runKind != RunKind.None) revert PayingAgentRunInProgress(bond, runKind);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBondToken} from "./IBondToken.sol";

/// @title IPayingAgent
/// @notice Pays coupons and principal of bond series in their cash token, to every holder of record,
/// in batches, exactly once, and computes what is owed (coupon and redemption ratios, accrued interest).
/// @dev A payment run locks the series' balances (its record), takes holders in strictly ascending
/// address order (so nobody can be paid twice), and completes only when the face paid on equals the
/// face outstanding at the record (so nobody is missed). Amounts use cumulative rounding: the run pays
/// exactly floor(outstanding face × ratio) in total, each holder floor or ceiling of its exact share.
interface IPayingAgent {
    /// @notice What a run pays.
    enum RunKind {
        None,
        Coupon,
        Redemption
    }

    /// @notice A payment run in progress (at most one per series). `paidHash` chains every holder taken
    /// so far (`keccak256(previous, holder)`, in the order taken): proof of who was already paid.
    struct Run {
        RunKind kind;
        uint32 period;
        address lastHolder;
        uint128 recordFace;
        uint128 facePaid;
        uint128 due;
        uint128 paid;
        uint256 numerator;
        uint256 denominator;
        bytes32 paidHash;
    }

    /// @notice `funder` pays the series' coupons and principal (its allowance to this contract on the
    /// cash token is its consent).
    event FunderSet(address indexed bond, address indexed funder);
    /// @notice A coupon run opened: balances locked at the record, `due` yen to pay on `recordFace`.
    event CouponRunOpened(address indexed bond, uint256 indexed period, uint256 recordFace, uint256 due);
    /// @notice A redemption run opened: the series is closed for good, `due` yen of principal to pay.
    event RedemptionRunOpened(address indexed bond, uint256 recordFace, uint256 due);
    /// @notice A batch of holders was paid: `amount` yen on `face`, the principal of pledged units paid to the
    /// series' pledge agent included.
    event BatchPaid(address indexed bond, RunKind kind, uint256 holders, uint256 face, uint256 amount);
    /// @notice A run completed: every holder of record paid, `paid` equal to `due`.
    event RunCompleted(address indexed bond, RunKind kind, uint256 indexed period, uint256 recordFace, uint256 paid);
    /// @notice Cash paid for frozen units was frozen on the cash token.
    event FrozenProceedsFrozen(address indexed bond, address indexed holder, uint256 amount);
    /// @notice A retail holder redeemed early.
    event EarlyRedemption(
        address indexed bond,
        address indexed holder,
        uint256 face,
        uint256 accruedInterest,
        uint256 deduction,
        uint256 proceeds
    );

    /// @notice No funder is set for the series.
    error PayingAgentNoFunder(address bond);
    /// @notice A run is already in progress for the series.
    error PayingAgentRunInProgress(address bond, RunKind kind);
    /// @notice No run is in progress for the series.
    error PayingAgentNoRun(address bond);
    /// @notice Coupons are paid in order: `expected` is next.
    error PayingAgentCouponOutOfOrder(address bond, uint256 period, uint256 expected);
    /// @notice The coupon's payment day has not come.
    error PayingAgentCouponNotDue(address bond, uint256 period, uint32 paymentDay, uint32 today);
    /// @notice The series has not reached its redemption day.
    error PayingAgentNotMatured(address bond, uint32 redemptionDay, uint32 today);
    /// @notice Coupons remain unpaid: redemption comes after the last coupon.
    error PayingAgentCouponsOutstanding(address bond, uint256 paid, uint256 count);
    /// @notice The funder's free cash or allowance does not cover what is due.
    error PayingAgentFundingShortfall(address funder, uint256 due, uint256 freeBalance, uint256 allowance);
    /// @notice The list of holders already taken does not match the run's record of them.
    error PayingAgentPaidListMismatch(address bond);
    /// @notice The holder was already taken in this run.
    error PayingAgentAlreadyPaid(address holder);
    /// @notice Holders must come in strictly ascending address order.
    error PayingAgentHoldersNotAscending(address holder, address previous);
    /// @notice A batch is empty or larger than the cap.
    error PayingAgentBadBatch(uint256 size, uint256 max);
    /// @notice Only retail JGBs can be redeemed early.
    error PayingAgentEarlyRedemptionNotAllowed(address bond, IBondToken.BondKind kind);
    /// @notice Early redemption opens one year after issue.
    error PayingAgentEarlyRedemptionTooSoon(address bond, uint32 earliestDay, uint32 today);
    /// @notice Early redemption of zero units, or not whole units of the face unit.
    error PayingAgentBadFace(uint256 face, uint256 unit);
    /// @notice The bond's inflation index has no value for the day.
    error PayingAgentIndexUnavailable(address bond, uint32 day);
    /// @notice Settlement before interest starts.
    error PayingAgentSettlementBeforeInterestStart(uint32 interestStart, uint32 settlementDay);

    /// @notice Sets who funds the series' payments.
    /// @dev Requirements: caller has PAYING_AGENT; nonzero funder; no run in progress. Emits {FunderSet}.
    function setFunder(address bond, address funder) external;

    /// @notice Opens the run of coupon `period`: locks balances (the record) and checks the funding.
    /// @dev Requirements: caller has PAYING_AGENT; no run in progress; `period` is the next unpaid coupon
    /// and its payment day has come; the funder's free cash and allowance cover the coupon.
    /// Emits {CouponRunOpened}, and {RunCompleted} at once when nothing is outstanding.
    function openCoupon(address bond, uint256 period) external;

    /// @notice Opens the redemption run: locks the series for good.
    /// @dev Requirements: caller has PAYING_AGENT; no run in progress; every coupon paid; the redemption
    /// (last payment) day has come; funding covers the principal. Emits {RedemptionRunOpened}.
    function openRedemption(address bond) external;

    /// @notice Pays the next batch of holders of the run in progress (coupon, or principal against the
    /// holder's units, which are retired). Completes the run when every unit of record is paid on.
    /// @dev Requirements: caller has PAYING_AGENT; a run in progress; holders strictly ascending, after
    /// the previous batch's last; 1..MAX_BATCH holders. Emits {BatchPaid}, and {RunCompleted} at the end.
    function payBatch(address bond, address[] calldata holders) external;

    /// @notice Pays holders a batch skipped (an address below the run's cursor): the caller proves who was
    /// already taken by giving that list, which must hash to the run's record; none of `missed` may be on it.
    /// @dev Requirements: caller has PAYING_AGENT; a run in progress; `paidSoFar` is every holder taken,
    /// in the order taken; `missed` distinct, not in it, 1..MAX_BATCH. Emits {BatchPaid}, and
    /// {RunCompleted} when it completes the run.
    function payMissedHolders(address bond, address[] calldata paidSoFar, address[] calldata missed) external;

    /// @notice Redeems `face` of the caller's retail JGBs early: face plus accrued interest, minus the two
    /// coupons paid most recently (gross).
    /// @dev Requirements: retail series; one year after issue; no run in progress; whole units; the
    /// caller's wallet not frozen (frozen holdings are not turned into free cash).
    /// Emits {EarlyRedemption}.
    function redeemEarly(address bond, uint256 face) external;

    /// @notice The funder of `bond`.
    function funderOf(address bond) external view returns (address);

    /// @notice The run in progress for `bond` (kind None when there is none).
    function runOf(address bond) external view returns (Run memory);

    /// @notice How many coupons of `bond` have been paid in full.
    function couponsPaid(address bond) external view returns (uint256);

    /// @notice Coupon `period` on face F is floor(F × numerator ÷ denominator).
    function couponRatio(address bond, uint256 period) external view returns (uint256 numerator, uint256 denominator);

    /// @notice Principal at maturity on face F is floor(F × numerator ÷ denominator): 1/1 nominal;
    /// JGBi the indexation coefficient at maturity, never below 1 (deflation floor).
    function redemptionRatio(address bond) external view returns (uint256 numerator, uint256 denominator);

    /// @notice Interest accrued on `face` to the day of `settlementTime` by the JGB convention (Act/365,
    /// 29 February counted, from the last scheduled coupon date exclusive to settlement inclusive, at
    /// most the period's coupon, truncated to the yen). Zero for a discount bill and after maturity.
    function accruedInterest(address bond, uint256 face, uint256 settlementTime) external view returns (uint256);
}

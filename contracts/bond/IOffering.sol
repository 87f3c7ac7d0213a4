// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBondToken} from "./IBondToken.sol";

/// @title IOffering
/// @notice Primary issuance of bond series: an issuer's agent opens an offering, verified investors apply
/// and deposit the cash, the issuer allots after the window closes, and on the delivery day each applicant
/// receives the allotted units against the cash (the issuer is paid, the unallotted rest refunded) in the
/// same transaction.
/// @dev Prices are yen per ¥100 of face with six decimals (`PAR` = 100_000_000 = 100.000000): JGB prices
/// are quoted per ¥100 face with up to three decimals, discount bills below par. The cash an amount of
/// face costs is `floor(face × price ÷ PAR)` plus the interest accrued to the delivery day (issue-time rule,
/// DOMAIN.md: face × rate × days ÷ 365, truncated below one yen, from the interest start or the last coupon
/// date before delivery), both computed on the applicant's whole face, never per unit.
interface IOffering {
    /// @notice Where an offering is. `Open`: applications during the window, then allotment after it
    /// closes; `Finalized`: allotment final, deliveries on and after the delivery day; `Closed`: every
    /// applicant delivered or refunded; `Cancelled`: applicants take their deposits back.
    enum OfferingStatus {
        None,
        Open,
        Finalized,
        Closed,
        Cancelled
    }

    /// @notice Where an application is. A withdrawn application is deleted (status `None`).
    enum ApplicationStatus {
        None,
        Applied,
        Delivered,
        Refunded
    }

    /// @notice What the issuer's agent opens an offering with.
    /// @param bond the bond series (this contract must hold its SUPPLY_AGENT role).
    /// @param proceedsAccount the issuer's cash account, paid at delivery.
    /// @param size face offered, yen, whole units of the bond's denomination.
    /// @param price yen per ¥100 face, six decimals (`PAR` = 100.000000).
    /// @param openTime first second applications are accepted (unix).
    /// @param closeTime first second they no longer are (unix).
    /// @param deliveryDay the JST day number units are delivered from: the bond's issue day or later
    /// (a reopening, which charges interest accrued to it), not before the window closes.
    struct OfferingTerms {
        address bond;
        address proceedsAccount;
        uint128 size;
        uint64 price;
        uint64 openTime;
        uint64 closeTime;
        uint32 deliveryDay;
    }

    /// @notice An offering as stored.
    /// @param bond the bond series.
    /// @param openTime first second of the window.
    /// @param deliveryDay JST day of delivery.
    /// @param cash the bond's cash token (its currency).
    /// @param closeTime first second after the window.
    /// @param accrualStart the day interest accrues from at delivery (interest start or last coupon date).
    /// @param proceedsAccount the issuer's cash account.
    /// @param price yen per ¥100 face, six decimals.
    /// @param accrualRate the coupon rate of the period delivery falls in, ppm (0: nothing accrues).
    /// @param size face offered.
    /// @param unit the bond's denomination.
    /// @param couponFrequency coupons per year (0 for a discount bill).
    /// @param status where the offering is.
    /// @param applicants live applications (withdrawn ones are not counted).
    /// @param appliedFace face applied for, in total.
    /// @param allottedFace face allotted, in total.
    /// @param deposits cash this contract holds for the offering.
    /// @param allottedCash what the allotted face costs, in total (the issuer's proceeds).
    /// @param deliveredFace face delivered so far.
    /// @param settled applicants delivered or refunded so far.
    struct OfferingRecord {
        address bond;
        uint64 openTime;
        uint32 deliveryDay;
        address cash;
        uint64 closeTime;
        uint32 accrualStart;
        address proceedsAccount;
        uint64 price;
        uint32 accrualRate;
        uint128 size;
        uint64 unit;
        uint8 couponFrequency;
        OfferingStatus status;
        uint32 applicants;
        uint128 appliedFace;
        uint128 allottedFace;
        uint128 deposits;
        uint128 allottedCash;
        uint128 deliveredFace;
        uint32 settled;
    }

    /// @notice One investor's application: face applied for, face allotted, status. The deposit is what
    /// `face` costs ({quote}).
    struct Application {
        uint120 face;
        uint120 allotted;
        ApplicationStatus status;
    }

    /// @notice An offering was opened.
    event OfferingOpened(
        uint256 indexed id,
        address indexed bond,
        address indexed proceedsAccount,
        uint256 size,
        uint256 price,
        uint64 openTime,
        uint64 closeTime,
        uint32 deliveryDay
    );
    /// @notice Interest accrues at delivery from `accrualStart` at `rate` ppm (rate 0: nothing accrues).
    event OfferingAccrualSet(uint256 indexed id, uint32 accrualStart, uint32 deliveryDay, uint32 rate);
    /// @notice `applicant` applied for `face` more and deposited `paid`; its application is now
    /// `totalFace` against `totalDeposit`.
    event ApplicationSubmitted(
        uint256 indexed id,
        address indexed applicant,
        uint256 face,
        uint256 paid,
        uint256 totalFace,
        uint256 totalDeposit
    );
    /// @notice `applicant` withdrew its application of `face` and got `refund` back.
    event ApplicationWithdrawn(uint256 indexed id, address indexed applicant, uint256 face, uint256 refund);
    /// @notice `applicant` was allotted `face` (replacing any earlier allotment), costing `payment`.
    event AllotmentSet(uint256 indexed id, address indexed applicant, uint256 face, uint256 payment);
    /// @notice The allotment is final.
    event AllotmentFinalized(
        uint256 indexed id,
        uint256 applicants,
        uint256 appliedFace,
        uint256 allottedFace,
        uint256 proceeds
    );
    /// @notice `applicant` received `face` against `payment` to the issuer, and `refund` came back to it.
    event ApplicantDelivered(
        uint256 indexed id,
        address indexed applicant,
        uint256 face,
        uint256 payment,
        uint256 refund
    );
    /// @notice The issuer's agent cancelled `applicant`'s allotment of `cancelledFace` and refunded its deposit.
    event ApplicantRefunded(uint256 indexed id, address indexed applicant, uint256 cancelledFace, uint256 refund);
    /// @notice The offering was cancelled; `deposits` (of `outstanding` applicants) are to be withdrawn.
    event OfferingCancelled(uint256 indexed id, uint256 outstanding, uint256 deposits);
    /// @notice Every applicant was delivered or refunded: `deliveredFace` issued for `proceeds`.
    event OfferingClosed(uint256 indexed id, uint256 applicants, uint256 deliveredFace, uint256 proceeds);

    /// @notice No offering with that id.
    error OfferingUnknown(uint256 id);
    /// @notice A zero bond or proceeds account.
    error OfferingZeroAddress();
    /// @notice The caller is not an issuer agent of the bond series.
    error OfferingCallerNotIssuer(address bond, address caller);
    /// @notice This contract lacks a role it needs on `token` (SUPPLY_AGENT on the bond, PAYING_AGENT on the cash).
    error OfferingMissingRole(address token, bytes32 role);
    /// @notice This contract is not a verified holder of the cash token (it could not take deposits).
    error OfferingNotVerifiedHolder(address cash);
    /// @notice Inflation-indexed bonds are not offered here (their cash depends on the index).
    error OfferingUnsupportedKind(address bond, IBondToken.BondKind kind);
    /// @notice The size is zero, not whole units, or above `MAX_SIZE`.
    error OfferingInvalidSize(uint256 size, uint256 unit);
    /// @notice A zero price.
    error OfferingInvalidPrice(uint256 price);
    /// @notice The window must close after it opens, and in the future.
    error OfferingInvalidWindow(uint64 openTime, uint64 closeTime, uint256 timestamp);
    /// @notice Delivery must be on or after `earliest` (issue day, window close) and before maturity.
    error OfferingInvalidDeliveryDay(uint32 deliveryDay, uint32 earliest, uint32 maturity);
    /// @notice The operation is not allowed in the offering's status.
    error OfferingInvalidStatus(uint256 id, OfferingStatus status);
    /// @notice Applications are accepted from `openTime` (inclusive) to `closeTime` (exclusive).
    error OfferingNotAccepting(uint256 id, uint256 timestamp, uint64 openTime, uint64 closeTime);
    /// @notice Applications are still accepted: allotment waits for the window to close.
    error OfferingApplicationsOpen(uint256 id, uint256 timestamp, uint64 closeTime);
    /// @notice The window has closed: applications can no longer be withdrawn.
    error OfferingWithdrawalClosed(uint256 id, uint256 timestamp, uint64 closeTime);
    /// @notice The applicant is not a verified identity of the bond's registry.
    error OfferingApplicantNotVerified(uint256 id, address applicant);
    /// @notice The bond's compliance would refuse issuing `face` to the applicant (`module` refuses).
    error OfferingApplicationNotCompliant(uint256 id, address applicant, uint256 face, address module);
    /// @notice Face must be whole units of the denomination (and at least one unit to apply).
    error OfferingFaceNotWholeUnits(uint256 face, uint256 unit);
    /// @notice An application larger than the offering.
    error OfferingAboveSize(uint256 id, uint256 face, uint256 size);
    /// @notice The allotment, in total, exceeds the offering's size.
    error OfferingAllotmentAboveSize(uint256 id, uint256 allotted, uint256 size);
    /// @notice An applicant allotted more than it applied for.
    error OfferingAllotmentAboveApplication(uint256 id, address applicant, uint256 face, uint256 applied);
    /// @notice No application from that address.
    error OfferingNoApplication(uint256 id, address applicant);
    /// @notice The applicant was already delivered or refunded.
    error OfferingApplicantSettled(uint256 id, address applicant, ApplicationStatus status);
    /// @notice Delivery starts on the delivery day.
    error OfferingBeforeDeliveryDay(uint256 id, uint32 deliveryDay, uint32 today);
    /// @notice A batch is empty or larger than `MAX_BATCH`.
    error OfferingBadBatch(uint256 size, uint256 max);
    /// @notice Applicants and faces differ in length.
    error OfferingLengthMismatch(uint256 applicants, uint256 faces);
    /// @notice Units were delivered: the offering can no longer be cancelled.
    error OfferingAlreadyDelivered(uint256 id, uint256 deliveredFace);
    /// @notice Applicants remain to be delivered or refunded.
    error OfferingApplicantsOutstanding(uint256 id, uint256 settled, uint256 applicants);

    /// @notice Opens an offering of `terms.bond`.
    /// @dev Requirements: caller has ISSUER_AGENT here and on the bond; nonzero addresses; the bond is not
    /// inflation-indexed; this contract has SUPPLY_AGENT on the bond, PAYING_AGENT on its cash token, and
    /// is a verified holder of the cash token; size nonzero whole units (at most `MAX_SIZE`); price
    /// nonzero; openTime < closeTime, closeTime in the future; delivery day on or after the issue day and
    /// the day the window closes, before maturity. Emits {OfferingOpened} and {OfferingAccrualSet}.
    /// @param terms the offering's terms.
    /// @return id the offering's id (from 1).
    function openOffering(OfferingTerms calldata terms) external returns (uint256 id);

    /// @notice Applies for `face` (more) of offering `id`, depositing its cost from the caller's cash
    /// (the caller approves this contract on the cash token first). A second call tops the application up:
    /// the deposit becomes the cost of the whole face.
    /// @dev Requirements: offering open, within its window; `face` nonzero whole units; the application's
    /// total at most the size; the caller verified by the bond's identity registry and its compliance
    /// allowing the total to be issued to it now; the caller's cash transfer succeeds.
    /// Emits {ApplicationSubmitted}.
    /// @param id the offering.
    /// @param face face applied for, yen.
    function applyFor(uint256 id, uint256 face) external;

    /// @notice Withdraws the caller's application and refunds its deposit: during the window, or any time
    /// once the offering is cancelled.
    /// @dev Requirements: (offering open and window not closed) or offering cancelled; the caller has an
    /// unsettled application. Emits {ApplicationWithdrawn}.
    /// @param id the offering.
    function withdraw(uint256 id) external;

    /// @notice Sets the allotment of each applicant (replacing earlier allotments), computed off chain.
    /// Applicants left out are allotted nothing. May be called in several batches until finalized.
    /// @dev Requirements: caller has ISSUER_AGENT here and on the bond; offering open and its window closed;
    /// 1..MAX_BATCH applicants, as many faces; each applicant applied, each face whole units (zero
    /// allowed) and at most its application; the total allotted at most the size. Emits {AllotmentSet}
    /// per applicant.
    /// @param id the offering.
    /// @param applicants the applicants.
    /// @param faces face allotted to each.
    function allot(uint256 id, address[] calldata applicants, uint256[] calldata faces) external;

    /// @notice Makes the allotment final: deliveries may start on the delivery day.
    /// @dev Requirements: caller has ISSUER_AGENT here and on the bond; offering open, window closed.
    /// Emits {AllotmentFinalized}.
    /// @param id the offering.
    function finalizeAllotment(uint256 id) external;

    /// @notice Delivers a batch of applicants (anyone may call): for each, mints the allotted face to it
    /// (the bond's verification and compliance apply), pays the issuer its cost, refunds the rest of the
    /// deposit; all in this transaction or not at all. A refused mint reverts the whole batch with the
    /// bond's error: the issuer's agent then refunds that applicant ({refundApplicant}).
    /// @dev Requirements: allotment finalized; the delivery day has come; 1..MAX_BATCH applicants, each
    /// with an unsettled application. Emits {ApplicantDelivered} per applicant.
    /// @param id the offering.
    /// @param applicants the applicants to deliver.
    function deliver(uint256 id, address[] calldata applicants) external;

    /// @notice Cancels `applicant`'s allotment and refunds its whole deposit (e.g. it lost its verification,
    /// so its mint is refused). The cash goes back even to an applicant no longer verified.
    /// @dev Requirements: caller has ISSUER_AGENT here and on the bond; allotment finalized or offering
    /// cancelled; the applicant has an unsettled application. Emits {ApplicantRefunded}.
    /// @param id the offering.
    /// @param applicant the applicant.
    function refundApplicant(uint256 id, address applicant) external;

    /// @notice Cancels the offering: every deposit can then be withdrawn.
    /// @dev Requirements: caller has ISSUER_AGENT here and on the bond; offering open or finalized; nothing
    /// delivered yet. Emits {OfferingCancelled}.
    /// @param id the offering.
    function cancelOffering(uint256 id) external;

    /// @notice Closes a delivered offering once every applicant is delivered or refunded (its deposits are
    /// then zero: nobody missed, nothing left behind).
    /// @dev Requirements: caller has ISSUER_AGENT here and on the bond; allotment finalized; every
    /// applicant settled. Emits {OfferingClosed}.
    /// @param id the offering.
    function closeOffering(uint256 id) external;

    /// @notice How many offerings were opened (ids run from 1 to this).
    function offeringCount() external view returns (uint256);

    /// @notice Offering `id` (status `None` if unknown).
    function offering(uint256 id) external view returns (OfferingRecord memory);

    /// @notice `applicant`'s application to offering `id`.
    function application(uint256 id, address applicant) external view returns (Application memory);

    /// @notice What `face` costs in offering `id`: `floor(face × price ÷ PAR)` plus accrued interest.
    /// @dev Requirements: the offering exists (reverts {OfferingUnknown}).
    /// @param id the offering.
    /// @param face face, yen.
    /// @return amount the price amount, yen.
    /// @return accrued the accrued interest to the delivery day, yen.
    function quote(uint256 id, uint256 face) external view returns (uint256 amount, uint256 accrued);

    /// @notice `applicant`'s deposit, what its allotment costs, and what delivery would refund.
    /// @param id the offering.
    /// @param applicant the applicant.
    /// @dev Computed from the application whatever its status (after delivery: what was settled).
    /// @return deposit the cost of the face applied for.
    /// @return payment the cost of the face allotted.
    /// @return refund `deposit − payment`.
    function settlementOf(
        uint256 id,
        address applicant
    ) external view returns (uint256 deposit, uint256 payment, uint256 refund);
}

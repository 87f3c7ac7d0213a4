// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {Roles} from "../access/Roles.sol";
import {ISecurityToken} from "../token/ISecurityToken.sol";
import {IBondToken} from "./IBondToken.sol";
import {IOffering} from "./IOffering.sol";
import {BondMath} from "./lib/BondMath.sol";
import {JstDate} from "./lib/JstDate.sol";

/// @title Offering
/// @notice Primary issuance of bond series, many offerings in one contract: open, apply (cash deposited),
/// allot, deliver against cash on the delivery day (units minted, issuer paid, rest refunded, atomically
/// per applicant), close; or cancel and refund.
/// @dev Needs, on each bond series offered: SUPPLY_AGENT (the mint at delivery, to which the series'
/// verification and compliance apply, so a retail bond's individuals-only rule and a resident bond's area
/// and holding limits hold at issuance). On the cash token: PAYING_AGENT (payments and refunds go through
/// `distribute`, so a refund reaches an applicant who has since lost its verification), and a verified
/// identity in the cash token's registry (deposits are ordinary `transferFrom`s to this contract).
/// Accounting per offering: `deposits` is the sum of the costs of the unsettled applications' faces, and
/// `allottedCash` the sum of the costs of the allotments; each delivery or refund takes exactly one
/// application's deposit out, so when every applicant is settled the offering holds no cash.
/// A top-up pays `cost(new total) − cost(old total)`, so an application's deposit is always the cost of its
/// whole face, whatever the number of top-ups.
/// Who may do what: the issuer's operations need ISSUER_AGENT on this contract (granted by its admin) and on
/// the bond series itself (granted by the series' owner), so one issuer's agent cannot issue another's
/// bonds; {deliver} is open to anyone (it only executes a final allotment); investors apply and withdraw.
/// The cost rule (price amount truncated to the yen, plus accrued interest truncated to the yen, each on
/// the applicant's whole face) is in {_costParts}, one place to change it.
contract Offering is IOffering, AccessControlDefaultAdminRules, ReentrancyGuard {
    /// @notice Most applicants per {allot} or {deliver} batch.
    uint256 public constant MAX_BATCH = 200;
    /// @notice The price of par, 100.000000 yen per ¥100 face: face costs `face × price ÷ PAR`.
    uint256 public constant PAR = 100_000_000;
    /// @notice Largest offering size (applications and allotments are stored in 120 bits).
    uint256 public constant MAX_SIZE = type(uint120).max;

    /// @dev What the cost of face depends on, read once per call.
    struct Pricing {
        uint256 price;
        uint256 rate;
        uint256 frequency;
        uint32 accrualStart;
        uint32 deliveryDay;
    }

    /// @dev One delivery batch (a struct keeps the loop within the stack).
    struct Batch {
        Pricing pricing;
        IBondToken bond;
        uint256 n;
        uint256 proceeds;
        uint256 deposits;
        uint256 face;
        address[] recipients;
        uint256[] amounts;
    }

    /// @dev Running totals of an allotment batch.
    struct Tally {
        uint256 unit;
        uint256 face;
        uint256 cash;
    }

    uint256 private _count;
    mapping(uint256 id => OfferingRecord record) private _offerings;
    mapping(uint256 id => mapping(address applicant => Application record)) private _applications;

    /// @param owner_ the admin, who grants ISSUER_AGENT to the issuers' operators.
    constructor(address owner_) AccessControlDefaultAdminRules(0, owner_) {}

    // ================================================================== issuer agent

    /// @inheritdoc IOffering
    function openOffering(OfferingTerms calldata terms) external onlyRole(Roles.ISSUER_AGENT) returns (uint256 id) {
        (address cash, uint256 unit) = _checkTerms(terms);
        (uint32 accrualStart, uint32 rate, uint8 frequency) = _accrual(
            IBondToken(terms.bond),
            terms.deliveryDay,
            terms.closeTime
        );

        id = ++_count;
        OfferingRecord storage o = _offerings[id];
        o.bond = terms.bond;
        o.openTime = terms.openTime;
        o.deliveryDay = terms.deliveryDay;
        o.cash = cash;
        o.closeTime = terms.closeTime;
        o.accrualStart = accrualStart;
        o.proceedsAccount = terms.proceedsAccount;
        o.price = terms.price;
        o.accrualRate = rate;
        o.size = terms.size;
        o.unit = SafeCast.toUint64(unit);
        o.couponFrequency = frequency;
        o.status = OfferingStatus.Open;
        _emitOpened(id, terms);
        emit OfferingAccrualSet(id, accrualStart, terms.deliveryDay, rate);
        // Payments and refunds are distributions out of this contract's own cash.
        if (ISecurityToken(cash).allowance(address(this), address(this)) != type(uint256).max) {
            SafeERC20.forceApprove(IERC20(cash), address(this), type(uint256).max);
        }
    }

    /// @inheritdoc IOffering
    function allot(
        uint256 id,
        address[] calldata applicants,
        uint256[] calldata faces
    ) external onlyRole(Roles.ISSUER_AGENT) {
        OfferingRecord storage o = _agentOffering(id);
        _requireAllotmentPhase(id, o);
        uint256 count = applicants.length;
        _requireBatch(count);
        if (faces.length != count) revert OfferingLengthMismatch(count, faces.length);
        Pricing memory pricing = _pricing(o);
        Tally memory tally = Tally({unit: o.unit, face: o.allottedFace, cash: o.allottedCash});
        mapping(address applicant => Application) storage apps = _applications[id];
        for (uint256 i = 0; i < count; ++i) {
            _allotOne(id, apps, pricing, tally, applicants[i], faces[i]);
        }
        if (tally.face > o.size) revert OfferingAllotmentAboveSize(id, tally.face, o.size);
        o.allottedFace = uint128(tally.face);
        o.allottedCash = SafeCast.toUint128(tally.cash);
    }

    /// @inheritdoc IOffering
    function finalizeAllotment(uint256 id) external onlyRole(Roles.ISSUER_AGENT) {
        OfferingRecord storage o = _agentOffering(id);
        _requireAllotmentPhase(id, o);
        o.status = OfferingStatus.Finalized;
        emit AllotmentFinalized(id, o.applicants, o.appliedFace, o.allottedFace, o.allottedCash);
    }

    /// @inheritdoc IOffering
    function refundApplicant(uint256 id, address applicant) external onlyRole(Roles.ISSUER_AGENT) nonReentrant {
        OfferingRecord storage o = _agentOffering(id);
        OfferingStatus status = o.status;
        if (status != OfferingStatus.Finalized && status != OfferingStatus.Cancelled) {
            revert OfferingInvalidStatus(id, status);
        }
        Application storage a = _applications[id][applicant];
        _requireUnsettled(id, applicant, a.status);
        uint256 cancelled = a.allotted;
        uint256 refund = _release(o, a.face, cancelled);
        a.status = ApplicationStatus.Refunded;
        a.allotted = 0;
        ++o.settled;
        emit ApplicantRefunded(id, applicant, cancelled, refund);
        _pay(o.cash, applicant, refund);
    }

    /// @inheritdoc IOffering
    function cancelOffering(uint256 id) external onlyRole(Roles.ISSUER_AGENT) {
        OfferingRecord storage o = _agentOffering(id);
        OfferingStatus status = o.status;
        if (status != OfferingStatus.Open && status != OfferingStatus.Finalized) {
            revert OfferingInvalidStatus(id, status);
        }
        if (o.deliveredFace != 0) revert OfferingAlreadyDelivered(id, o.deliveredFace);
        o.status = OfferingStatus.Cancelled;
        emit OfferingCancelled(id, o.applicants - o.settled, o.deposits);
    }

    /// @inheritdoc IOffering
    function closeOffering(uint256 id) external onlyRole(Roles.ISSUER_AGENT) {
        OfferingRecord storage o = _agentOffering(id);
        if (o.status != OfferingStatus.Finalized) revert OfferingInvalidStatus(id, o.status);
        if (o.settled != o.applicants) revert OfferingApplicantsOutstanding(id, o.settled, o.applicants);
        o.status = OfferingStatus.Closed;
        emit OfferingClosed(id, o.applicants, o.deliveredFace, o.allottedCash);
    }

    // ================================================================== investors

    /// @inheritdoc IOffering
    function applyFor(uint256 id, uint256 face) external nonReentrant {
        OfferingRecord storage o = _existing(id);
        if (o.status != OfferingStatus.Open) revert OfferingInvalidStatus(id, o.status);
        if (block.timestamp < o.openTime || block.timestamp >= o.closeTime) {
            revert OfferingNotAccepting(id, block.timestamp, o.openTime, o.closeTime);
        }
        uint256 unit = o.unit;
        if (face == 0 || face % unit != 0) revert OfferingFaceNotWholeUnits(face, unit);
        Application storage a = _applications[id][msg.sender];
        uint256 before = a.face;
        uint256 total = before + face;
        if (total > o.size) revert OfferingAboveSize(id, total, o.size);
        IBondToken bond = IBondToken(o.bond);
        if (!bond.identityRegistry().isVerified(msg.sender)) revert OfferingApplicantNotVerified(id, msg.sender);
        // Refuse now what the mint would refuse at delivery (individuals only, area, holding limits).
        address module = bond.compliance().checkTransfer(address(0), msg.sender, total);
        if (module != address(0)) revert OfferingApplicationNotCompliant(id, msg.sender, total, module);

        Pricing memory pricing = _pricing(o);
        uint256 deposit = _cost(pricing, total);
        uint256 paid = deposit - _cost(pricing, before);
        if (before == 0) {
            a.status = ApplicationStatus.Applied;
            ++o.applicants;
        }
        a.face = uint120(total);
        o.appliedFace += uint128(face);
        o.deposits += SafeCast.toUint128(paid);
        emit ApplicationSubmitted(id, msg.sender, face, paid, total, deposit);
        SafeERC20.safeTransferFrom(IERC20(o.cash), msg.sender, address(this), paid);
    }

    /// @inheritdoc IOffering
    function withdraw(uint256 id) external nonReentrant {
        OfferingRecord storage o = _existing(id);
        OfferingStatus status = o.status;
        if (status == OfferingStatus.Open) {
            if (block.timestamp >= o.closeTime) revert OfferingWithdrawalClosed(id, block.timestamp, o.closeTime);
        } else if (status != OfferingStatus.Cancelled) {
            revert OfferingInvalidStatus(id, status);
        }
        Application storage a = _applications[id][msg.sender];
        _requireUnsettled(id, msg.sender, a.status);
        uint256 face = a.face;
        uint256 refund = _release(o, face, a.allotted);
        delete _applications[id][msg.sender];
        --o.applicants;
        o.appliedFace -= uint128(face);
        emit ApplicationWithdrawn(id, msg.sender, face, refund);
        _pay(o.cash, msg.sender, refund);
    }

    // ================================================================== delivery

    /// @inheritdoc IOffering
    function deliver(uint256 id, address[] calldata applicants) external nonReentrant {
        OfferingRecord storage o = _existing(id);
        if (o.status != OfferingStatus.Finalized) revert OfferingInvalidStatus(id, o.status);
        uint32 today = JstDate.dayOf(block.timestamp);
        if (today < o.deliveryDay) revert OfferingBeforeDeliveryDay(id, o.deliveryDay, today);
        uint256 count = applicants.length;
        _requireBatch(count);
        Batch memory b = Batch({
            pricing: _pricing(o),
            bond: IBondToken(o.bond),
            n: 1,
            proceeds: 0,
            deposits: 0,
            face: 0,
            recipients: new address[](count + 1),
            amounts: new uint256[](count + 1)
        });
        mapping(address applicant => Application) storage apps = _applications[id];
        for (uint256 i = 0; i < count; ++i) {
            _deliverOne(id, apps, b, applicants[i]);
        }
        o.deposits -= SafeCast.toUint128(b.deposits);
        o.deliveredFace += uint128(b.face);
        o.settled += uint32(count);
        _distribute(o.cash, o.proceedsAccount, b);
    }

    // ================================================================== views

    /// @inheritdoc IOffering
    function offeringCount() external view returns (uint256) {
        return _count;
    }

    /// @inheritdoc IOffering
    function offering(uint256 id) external view returns (OfferingRecord memory) {
        return _offerings[id];
    }

    /// @inheritdoc IOffering
    function application(uint256 id, address applicant) external view returns (Application memory) {
        return _applications[id][applicant];
    }

    /// @inheritdoc IOffering
    function quote(uint256 id, uint256 face) external view returns (uint256 amount, uint256 accrued) {
        return _costParts(_pricing(_existing(id)), face);
    }

    /// @inheritdoc IOffering
    function settlementOf(
        uint256 id,
        address applicant
    ) external view returns (uint256 deposit, uint256 payment, uint256 refund) {
        Pricing memory pricing = _pricing(_existing(id));
        Application memory a = _applications[id][applicant];
        deposit = _cost(pricing, a.face);
        payment = _cost(pricing, a.allotted);
        refund = deposit - payment;
    }

    // ================================================================== internals

    /// @dev Every check of {openOffering} but the delivery day's ({_accrual}); returns the cash token and
    /// the face unit.
    function _checkTerms(OfferingTerms calldata terms) private view returns (address cash, uint256 unit) {
        if (terms.bond == address(0) || terms.proceedsAccount == address(0)) revert OfferingZeroAddress();
        _requireIssuer(terms.bond);
        IBondToken bond = IBondToken(terms.bond);
        IBondToken.BondKind bondKind = bond.kind();
        if (bondKind == IBondToken.BondKind.InflationIndexedJgb) revert OfferingUnsupportedKind(terms.bond, bondKind);
        cash = bond.currency();
        _requireRole(terms.bond, Roles.SUPPLY_AGENT);
        _requireRole(cash, Roles.PAYING_AGENT);
        if (!ISecurityToken(cash).identityRegistry().isVerified(address(this))) revert OfferingNotVerifiedHolder(cash);
        unit = bond.denomination();
        if (terms.size == 0 || terms.size % unit != 0 || terms.size > MAX_SIZE) {
            revert OfferingInvalidSize(terms.size, unit);
        }
        if (terms.price == 0) revert OfferingInvalidPrice(terms.price);
        if (terms.openTime >= terms.closeTime || terms.closeTime <= block.timestamp) {
            revert OfferingInvalidWindow(terms.openTime, terms.closeTime, block.timestamp);
        }
    }

    function _emitOpened(uint256 id, OfferingTerms calldata terms) private {
        emit OfferingOpened(
            id,
            terms.bond,
            terms.proceedsAccount,
            terms.size,
            terms.price,
            terms.openTime,
            terms.closeTime,
            terms.deliveryDay
        );
    }

    /// @dev The accrual of an offering delivered on `deliveryDay` (checked here against the bond's days):
    /// from the interest start, or the last scheduled coupon date before delivery, at that period's rate.
    /// Delivery on a scheduled coupon date accrues the whole period (the paying agent's convention: the
    /// period is the first whose scheduled date is on or after the day). A discount bill, or delivery on
    /// the interest start, accrues nothing (rate 0).
    function _accrual(
        IBondToken bond,
        uint32 deliveryDay,
        uint64 closeTime
    ) private view returns (uint32 start, uint32 rate, uint8 frequency) {
        uint32 issue;
        uint32 maturity;
        (start, issue, maturity) = bond.scheduleDays();
        uint32 closeDay = JstDate.dayOf(closeTime);
        uint32 earliest = issue > closeDay ? issue : closeDay;
        if (deliveryDay < earliest || deliveryDay >= maturity) {
            revert OfferingInvalidDeliveryDay(deliveryDay, earliest, maturity);
        }
        frequency = SafeCast.toUint8(bond.couponFrequency());
        if (frequency == 0 || deliveryDay == start) return (start, 0, frequency);
        // At most 80 dates (the bond factory's cap); delivery is before maturity, the last date.
        uint64[] memory dates = bond.couponDates();
        uint256 period = 0;
        while (period < dates.length && uint32(dates[period] >> 32) < deliveryDay) {
            start = uint32(dates[period] >> 32);
            ++period;
        }
        rate = SafeCast.toUint32(bond.couponRateFor(period));
    }

    /// @dev Sets one applicant's allotment, replacing its earlier one in the running totals.
    function _allotOne(
        uint256 id,
        mapping(address applicant => Application) storage apps,
        Pricing memory pricing,
        Tally memory tally,
        address applicant,
        uint256 face
    ) private {
        Application storage a = apps[applicant];
        // While the offering is open, every application is unsettled.
        if (a.status == ApplicationStatus.None) revert OfferingNoApplication(id, applicant);
        if (face % tally.unit != 0) revert OfferingFaceNotWholeUnits(face, tally.unit);
        uint256 applied = a.face;
        if (face > applied) revert OfferingAllotmentAboveApplication(id, applicant, face, applied);
        uint256 previous = a.allotted;
        uint256 payment = _cost(pricing, face);
        tally.face = tally.face - previous + face;
        tally.cash = tally.cash - _cost(pricing, previous) + payment;
        a.allotted = uint120(face);
        emit AllotmentSet(id, applicant, face, payment);
    }

    /// @dev Delivers one applicant of a batch: its state first, then the mint; the cash moves once for the
    /// whole batch ({_distribute}), in the same transaction.
    function _deliverOne(
        uint256 id,
        mapping(address applicant => Application) storage apps,
        Batch memory b,
        address applicant
    ) private {
        Application storage a = apps[applicant];
        _requireUnsettled(id, applicant, a.status);
        a.status = ApplicationStatus.Delivered;
        uint256 allotted = a.allotted;
        uint256 deposit = _cost(b.pricing, a.face);
        uint256 payment = _cost(b.pricing, allotted);
        uint256 refund = deposit - payment;
        b.deposits += deposit;
        b.proceeds += payment;
        b.face += allotted;
        if (refund != 0) {
            b.recipients[b.n] = applicant;
            b.amounts[b.n] = refund;
            ++b.n;
        }
        emit ApplicantDelivered(id, applicant, allotted, payment, refund);
        if (allotted != 0) b.bond.mint(applicant, allotted);
    }

    /// @dev Pays the issuer the batch's proceeds (slot 0) and the applicants their refunds, in one call.
    function _distribute(address cash, address proceedsAccount, Batch memory b) private {
        address[] memory recipients = b.recipients;
        uint256[] memory amounts = b.amounts;
        uint256 n = b.n;
        if (b.proceeds != 0) {
            recipients[0] = proceedsAccount;
            amounts[0] = b.proceeds;
        } else {
            // Nothing for the issuer: the last refund takes slot 0.
            --n;
            recipients[0] = recipients[n];
            amounts[0] = amounts[n];
        }
        assembly {
            mstore(recipients, n)
            mstore(amounts, n)
        }
        ISecurityToken(cash).distribute(address(this), recipients, amounts);
    }

    /// @dev Takes an unsettled application's deposit and allotment out of the offering's totals; returns
    /// the deposit.
    function _release(OfferingRecord storage o, uint256 face, uint256 allotted) private returns (uint256 deposit) {
        Pricing memory pricing = _pricing(o);
        deposit = _cost(pricing, face);
        o.deposits -= SafeCast.toUint128(deposit);
        if (allotted != 0) {
            o.allottedFace -= uint128(allotted);
            o.allottedCash -= SafeCast.toUint128(_cost(pricing, allotted));
        }
    }

    function _pay(address cash, address to, uint256 amount) private {
        address[] memory recipients = new address[](1);
        uint256[] memory amounts = new uint256[](1);
        recipients[0] = to;
        amounts[0] = amount;
        ISecurityToken(cash).distribute(address(this), recipients, amounts);
    }

    function _pricing(OfferingRecord storage o) private view returns (Pricing memory) {
        return
            Pricing({
                price: o.price,
                rate: o.accrualRate,
                frequency: o.couponFrequency,
                accrualStart: o.accrualStart,
                deliveryDay: o.deliveryDay
            });
    }

    /// @dev The cash `face` costs: price amount plus accrued interest, each truncated to the yen.
    function _cost(Pricing memory p, uint256 face) private pure returns (uint256) {
        (uint256 amount, uint256 accrued) = _costParts(p, face);
        return amount + accrued;
    }

    function _costParts(Pricing memory p, uint256 face) private pure returns (uint256 amount, uint256 accrued) {
        amount = Math.mulDiv(face, p.price, PAR);
        if (p.rate != 0) accrued = BondMath.accruedInterest(face, p.rate, p.frequency, p.accrualStart, p.deliveryDay);
    }

    function _existing(uint256 id) private view returns (OfferingRecord storage o) {
        o = _offerings[id];
        if (o.status == OfferingStatus.None) revert OfferingUnknown(id);
    }

    /// @dev An existing offering whose bond names the caller as an issuer agent.
    function _agentOffering(uint256 id) private view returns (OfferingRecord storage o) {
        o = _existing(id);
        _requireIssuer(o.bond);
    }

    function _requireIssuer(address bond) private view {
        if (!IAccessControl(bond).hasRole(Roles.ISSUER_AGENT, msg.sender)) {
            revert OfferingCallerNotIssuer(bond, msg.sender);
        }
    }

    function _requireRole(address token, bytes32 role) private view {
        if (!IAccessControl(token).hasRole(role, address(this))) revert OfferingMissingRole(token, role);
    }

    function _requireAllotmentPhase(uint256 id, OfferingRecord storage o) private view {
        if (o.status != OfferingStatus.Open) revert OfferingInvalidStatus(id, o.status);
        if (block.timestamp < o.closeTime) revert OfferingApplicationsOpen(id, block.timestamp, o.closeTime);
    }

    function _requireUnsettled(uint256 id, address applicant, ApplicationStatus status) private pure {
        if (status == ApplicationStatus.None) revert OfferingNoApplication(id, applicant);
        if (status != ApplicationStatus.Applied) revert OfferingApplicantSettled(id, applicant, status);
    }

    function _requireBatch(uint256 count) private pure {
        if (count == 0 || count > MAX_BATCH) revert OfferingBadBatch(count, MAX_BATCH);
    }
}

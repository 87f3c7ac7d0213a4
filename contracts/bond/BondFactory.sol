// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {BeaconProxy} from "@openzeppelin/contracts/proxy/beacon/BeaconProxy.sol";
import {UpgradeableBeacon} from "@openzeppelin/contracts/proxy/beacon/UpgradeableBeacon.sol";
import {Roles} from "../access/Roles.sol";
import {IModularCompliance} from "../compliance/IModularCompliance.sol";
import {ModularCompliance} from "../compliance/ModularCompliance.sol";
import {ISecurityToken} from "../token/ISecurityToken.sol";
import {BondToken} from "./BondToken.sol";
import {IBondFactory} from "./IBondFactory.sol";
import {IBondToken} from "./IBondToken.sol";
import {Isin} from "./lib/Isin.sol";
import {LocalGovernmentCode} from "./lib/LocalGovernmentCode.sol";

/// @title BondFactory
/// @notice One call creates a bond series of a kind: the terms are checked against the kind's rules
/// (DOMAIN.md: tenors, face units, coupon types, ISIN and local government code check digits, dates) and
/// the compliance is built with the kind's preset, so a retail JGB cannot exist without its
/// individuals-only rule, nor a resident-participation bond without its area, age and holding limits.
/// @dev Every rule of a kind is in {_checkKind} and {_preset}: one place to read and change them.
contract BondFactory is IBondFactory, AccessControlDefaultAdminRules {
    /// @notice Most coupons a schedule may have (a 40-year semi-annual bond).
    uint256 public constant MAX_COUPONS = 80;
    /// @notice Most local governments of one joint issue.
    uint256 public constant MAX_JOINT_ISSUERS = 64;
    /// @notice The minimum rate of a floating retail JGB: 0.05% a year, ppm.
    uint32 public constant RETAIL_FLOATING_MINIMUM_RATE = 500;
    /// @notice The claim topic of an individual (natural person), required of retail JGB holders.
    uint256 public constant INDIVIDUAL_TOPIC = 10;
    /// @notice The most days a payment date may follow its scheduled date (a holiday stretch).
    uint32 public constant MAX_PAYMENT_DELAY_DAYS = 10;
    /// @notice Fewest days between consecutive scheduled coupon dates of a semi-annual schedule: six months
    /// on the coupon day, clamped to the month's end (31 August -> 28 February).
    uint32 public constant SEMI_ANNUAL_MIN_DAYS = 181;
    /// @notice Most days between consecutive scheduled coupon dates of a semi-annual schedule (28 February
    /// -> 31 August, coupon day 31).
    uint32 public constant SEMI_ANNUAL_MAX_DAYS = 184;
    /// @notice Fewest days between consecutive scheduled coupon dates of an annual schedule.
    uint32 public constant ANNUAL_MIN_DAYS = 365;
    /// @notice Most days between consecutive scheduled coupon dates of an annual schedule (a leap day).
    uint32 public constant ANNUAL_MAX_DAYS = 366;

    UpgradeableBeacon private immutable _bondBeacon;
    address private immutable _complianceBeacon;
    address private immutable _identityRegistry;
    address private immutable _denomination;
    address private immutable _eligibility;
    address private immutable _residentArea;
    address private immutable _maxBalance;
    address private immutable _minimumHolding;
    address private immutable _supplyCap;

    /// @param owner_ owns the factory and the bond beacon (the upgrade authority).
    /// @param bondImplementation the BondToken implementation.
    /// @param complianceBeacon_ the beacon compliance proxies follow (shared with the series factory).
    /// @param identityRegistry_ the shared identity registry.
    /// @param modules the module singletons presets are built from.
    constructor(
        address owner_,
        address bondImplementation,
        address complianceBeacon_,
        address identityRegistry_,
        PresetModules memory modules
    ) AccessControlDefaultAdminRules(0, owner_) {
        if (
            complianceBeacon_ == address(0) ||
            identityRegistry_ == address(0) ||
            modules.denomination == address(0) ||
            modules.eligibility == address(0) ||
            modules.residentArea == address(0) ||
            modules.maxBalance == address(0) ||
            modules.minimumHolding == address(0) ||
            modules.supplyCap == address(0)
        ) revert BondFactoryZeroAddress();
        _bondBeacon = new UpgradeableBeacon(bondImplementation, owner_);
        _complianceBeacon = complianceBeacon_;
        _identityRegistry = identityRegistry_;
        _denomination = modules.denomination;
        _eligibility = modules.eligibility;
        _residentArea = modules.residentArea;
        _maxBalance = modules.maxBalance;
        _minimumHolding = modules.minimumHolding;
        _supplyCap = modules.supplyCap;
    }

    /// @inheritdoc IBondFactory
    function createBond(
        BondParams calldata params
    ) external onlyRole(Roles.SERIES_DEPLOYER) returns (address token, address compliance) {
        if (params.owner == address(0) || params.terms.currency == address(0)) revert BondFactoryZeroAddress();
        IBondToken.BondTerms calldata t = params.terms;
        _checkCommon(t);
        _checkKind(t, params.jointIssuers, params.resident);
        compliance = address(
            new BeaconProxy(
                _complianceBeacon,
                abi.encodeCall(
                    ModularCompliance.initialize,
                    (params.owner, params.complianceAgents, _preset(t, params.resident, params.extraModules))
                )
            )
        );
        ISecurityToken.TokenInit memory init = ISecurityToken.TokenInit({
            owner: params.owner,
            name: params.name,
            symbol: params.symbol,
            decimals: 0,
            identityRegistry: _identityRegistry,
            compliance: compliance,
            onchainID: params.onchainID,
            grants: params.tokenRoles
        });
        token = address(
            new BeaconProxy(
                address(_bondBeacon),
                abi.encodeCall(BondToken.initializeBond, (init, t, params.jointIssuers))
            )
        );
        emit BondSeriesCreated(token, compliance, t.isin, t.kind, params.owner);
    }

    /// @inheritdoc IBondFactory
    function bondBeacon() external view returns (address) {
        return address(_bondBeacon);
    }

    /// @inheritdoc IBondFactory
    function complianceBeacon() external view returns (address) {
        return _complianceBeacon;
    }

    /// @inheritdoc IBondFactory
    function identityRegistry() external view returns (address) {
        return _identityRegistry;
    }

    /// @inheritdoc IBondFactory
    function presetModules() external view returns (PresetModules memory) {
        return
            PresetModules({
                denomination: _denomination,
                eligibility: _eligibility,
                residentArea: _residentArea,
                maxBalance: _maxBalance,
                minimumHolding: _minimumHolding,
                supplyCap: _supplyCap
            });
    }

    // ================================================================== rules

    /// @dev Rules every kind shares: ISIN, dates, coupon schedule shape. Every coupon pays rate / frequency
    /// of a year, so after the first (whose period may be short or long) scheduled dates must be exactly
    /// 12 / frequency months apart: a missing or extra coupon would pay the wrong interest.
    function _checkCommon(IBondToken.BondTerms calldata t) private pure {
        if (!Isin.isValid(t.isin) || !Isin.isJapanese(t.isin)) revert BondInvalidIsin(t.isin);
        if (!(t.interestStartDate <= t.issueDate && t.issueDate < t.maturityDate)) {
            revert BondInvalidDates(t.interestStartDate, t.issueDate, t.maturityDate);
        }
        uint256 count = t.couponDates.length;
        bool zeroCoupon = t.kind == IBondToken.BondKind.DiscountBill;
        if (
            count > MAX_COUPONS ||
            (zeroCoupon && (count != 0 || t.couponFrequency != 0)) ||
            (!zeroCoupon && (count == 0 || (t.couponFrequency != 1 && t.couponFrequency != 2)))
        ) revert BondInvalidCouponSchedule(count, t.couponFrequency);
        uint32 previous = t.interestStartDate;
        for (uint256 i = 0; i < count; ++i) {
            uint32 scheduled = uint32(t.couponDates[i] >> 32);
            uint32 payment = uint32(t.couponDates[i]);
            bool ordered =
                scheduled > previous && payment >= scheduled && payment - scheduled <= MAX_PAYMENT_DELAY_DAYS;
            if (i + 1 < count) ordered = ordered && payment < uint32(t.couponDates[i + 1] >> 32);
            else ordered = ordered && scheduled == t.maturityDate;
            if (!ordered) revert BondInvalidCouponDate(i);
            // Every period is a regular one, the first included (interest starts on the regular date before
            // the first coupon; buyers at issue pay what has accrued since), so each coupon is rate / frequency.
            if (!_regularGap(scheduled - previous, t.couponFrequency)) {
                revert BondInvalidCouponSchedule(count, t.couponFrequency);
            }
            previous = scheduled;
        }
        if (count != 0 && uint32(t.couponDates[0] >> 32) <= t.issueDate) revert BondInvalidCouponDate(0);
    }

    /// @dev Whether `days_` between two scheduled coupon dates is 12 / `frequency` months (1 or 2 a year).
    function _regularGap(uint32 days_, uint8 frequency) private pure returns (bool) {
        return
            frequency == 1
                ? days_ >= ANNUAL_MIN_DAYS && days_ <= ANNUAL_MAX_DAYS
                : days_ >= SEMI_ANNUAL_MIN_DAYS && days_ <= SEMI_ANNUAL_MAX_DAYS;
    }

    /// @dev The rules of each kind: issuer, tenor, face unit, coupon, indexation, joint issuers, residents.
    // solhint-disable-next-line code-complexity
    function _checkKind(
        IBondToken.BondTerms calldata t,
        IBondToken.JointIssuer[] calldata joint,
        ResidentRules calldata resident
    ) private pure {
        IBondToken.BondKind k = t.kind;
        bool municipal = k >= IBondToken.BondKind.MunicipalPublic;
        if (municipal) {
            if (!LocalGovernmentCode.isValid(t.issuerCode)) revert BondInvalidLocalGovernmentCode(t.issuerCode);
        } else if (t.issuerCode != 0) {
            revert BondIssuerCodeMismatch(k, t.issuerCode);
        }

        uint256 days_ = t.maturityDate - t.issueDate;
        uint256 tenor = (days_ + 182) / 365;
        bool tenorOk;
        uint256 unit;
        if (k == IBondToken.BondKind.FixedRateJgb) {
            tenorOk = tenor == 2 || tenor == 5 || tenor == 10 || tenor == 20 || tenor == 30 || tenor == 40;
            unit = 50_000;
        } else if (k == IBondToken.BondKind.DiscountBill) {
            tenorOk = days_ <= 366;
            unit = 50_000;
        } else if (k == IBondToken.BondKind.InflationIndexedJgb) {
            tenorOk = tenor == 10;
            unit = 100_000;
            if (t.cpiFeed == address(0) || t.baseCpi == 0) revert BondInvalidIndexation(t.cpiFeed, t.baseCpi);
        } else if (k == IBondToken.BondKind.RetailFixedJgb) {
            tenorOk = tenor == 3 || tenor == 5;
            unit = 10_000;
        } else if (k == IBondToken.BondKind.RetailFloatingJgb) {
            tenorOk = tenor == 10;
            unit = 10_000;
        } else if (k == IBondToken.BondKind.MunicipalJoint) {
            tenorOk = tenor == 10;
            unit = 100_000;
        } else {
            // Public-offering and resident-participation municipal bonds: 1 to 30 years, the issuer's unit.
            tenorOk = tenor >= 1 && tenor <= 30;
            unit = t.denomination;
        }
        if (!tenorOk) revert BondInvalidTenor(k, tenor);
        if (unit == 0 || t.denomination != unit || t.issueVolume == 0 || t.issueVolume % unit != 0) {
            revert BondInvalidDenomination(k, t.denomination, t.issueVolume);
        }

        bool rateOk =
            k == IBondToken.BondKind.DiscountBill
                ? t.couponRate == 0
                : (
                    k == IBondToken.BondKind.RetailFloatingJgb
                        ? t.couponRate >= RETAIL_FLOATING_MINIMUM_RATE
                        : t.couponRate > 0
                );
        if (!rateOk) revert BondInvalidCouponRate(k, t.couponRate);
        if (k != IBondToken.BondKind.InflationIndexedJgb && (t.cpiFeed != address(0) || t.baseCpi != 0)) {
            revert BondInvalidIndexation(t.cpiFeed, t.baseCpi);
        }

        _checkJointIssuers(t, joint);

        bool isResident = k == IBondToken.BondKind.MunicipalResident;
        bool residentOk =
            isResident
                ? resident.minimumHolding != 0 &&
                    resident.minimumHolding <= resident.maximumHolding &&
                    resident.minimumHolding % unit == 0 &&
                    resident.maximumHolding % unit == 0
                : resident.minimumHolding == 0 && resident.maximumHolding == 0 && resident.adultTopic == 0;
        if (!residentOk) revert BondInvalidResidentRules(resident.minimumHolding, resident.maximumHolding);
    }

    function _checkJointIssuers(IBondToken.BondTerms calldata t, IBondToken.JointIssuer[] calldata joint) private pure {
        uint256 count = joint.length;
        uint256 total = 0;
        bool isJoint = t.kind == IBondToken.BondKind.MunicipalJoint;
        bool ok = isJoint ? count >= 2 && count <= MAX_JOINT_ISSUERS : count == 0;
        bool leadListed = !isJoint;
        for (uint256 i = 0; ok && i < count; ++i) {
            uint32 code = joint[i].code;
            ok = LocalGovernmentCode.isValid(code) && joint[i].share != 0;
            for (uint256 j = 0; ok && j < i; ++j) {
                ok = joint[j].code != code;
            }
            total += joint[i].share;
            if (code == t.issuerCode) leadListed = true;
        }
        if (!ok || !leadListed || (isJoint && total != t.issueVolume)) {
            revert BondInvalidJointIssuers(count, total, t.issueVolume);
        }
    }

    /// @dev The compliance preset of a kind, then the caller's extra modules.
    function _preset(
        IBondToken.BondTerms calldata t,
        ResidentRules calldata resident,
        IModularCompliance.ModuleSetup[] calldata extra
    ) private view returns (IModularCompliance.ModuleSetup[] memory setups) {
        bool retail = t.kind == IBondToken.BondKind.RetailFixedJgb || t.kind == IBondToken.BondKind.RetailFloatingJgb;
        bool isResident = t.kind == IBondToken.BondKind.MunicipalResident;
        uint256 presetCount = 1 + (retail ? 1 : 0) + (isResident ? 4 : 0);
        setups = new IModularCompliance.ModuleSetup[](presetCount + extra.length);
        uint128 unit = t.denomination;
        setups[0] = _setup(_denomination, abi.encodeWithSignature("setDenomination(uint128,uint128)", unit, unit));
        uint256 n = 1;
        if (retail) {
            setups[n++] = _setup(
                _eligibility,
                abi.encodeWithSignature("addEligibilityTopic(uint256)", INDIVIDUAL_TOPIC)
            );
        }
        if (isResident) {
            setups[n++] = _setup(
                _residentArea,
                abi.encodeWithSignature("setArea(uint32,uint256)", t.issuerCode, resident.adultTopic)
            );
            setups[n++] = _setup(
                _minimumHolding,
                abi.encodeWithSignature("setMinimumHolding(uint256)", resident.minimumHolding)
            );
            setups[n++] = _setup(
                _maxBalance,
                abi.encodeWithSignature("setMaxBalance(uint256)", resident.maximumHolding)
            );
            setups[n++] = _setup(_supplyCap, abi.encodeWithSignature("setSupplyCap(uint256)", uint256(t.issueVolume)));
        }
        for (uint256 i = 0; i < extra.length; ++i) {
            setups[n++] = extra[i];
        }
    }

    function _setup(address module, bytes memory call) private pure returns (IModularCompliance.ModuleSetup memory) {
        bytes[] memory calls = new bytes[](1);
        calls[0] = call;
        return IModularCompliance.ModuleSetup({module: module, calls: calls});
    }
}

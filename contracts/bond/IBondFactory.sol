// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IModularCompliance} from "../compliance/IModularCompliance.sol";
import {ISecurityToken} from "../token/ISecurityToken.sol";
import {IBondToken} from "./IBondToken.sol";

/// @title IBondFactory
/// @notice Creates bond series: one call validates the terms of a kind and deploys the series (a
/// {IBondToken} beacon proxy) with the compliance preset the kind requires.
interface IBondFactory {
    /// @notice The compliance modules presets are built from.
    struct PresetModules {
        address denomination;
        address eligibility;
        address residentArea;
        address maxBalance;
        address minimumHolding;
        address supplyCap;
    }

    /// @notice Rules of a resident-participation municipal bond.
    /// @param adultTopic claim topic proving the holder is an adult (0: no age rule).
    /// @param minimumHolding per-identity minimum holding, yen.
    /// @param maximumHolding per-identity cap, yen.
    struct ResidentRules {
        uint256 adultTopic;
        uint256 minimumHolding;
        uint256 maximumHolding;
    }

    /// @notice Everything one bond series is created with.
    struct BondParams {
        address owner;
        string name;
        string symbol;
        address onchainID;
        ISecurityToken.RoleGrant[] tokenRoles;
        address[] complianceAgents;
        IBondToken.BondTerms terms;
        IBondToken.JointIssuer[] jointIssuers;
        ResidentRules resident;
        IModularCompliance.ModuleSetup[] extraModules;
    }

    /// @notice A bond series was created.
    event BondSeriesCreated(
        address indexed token,
        address indexed compliance,
        bytes12 indexed isin,
        IBondToken.BondKind kind,
        address owner
    );

    /// @notice A zero address was given.
    error BondFactoryZeroAddress();
    /// @notice The ISIN is malformed, its check digit wrong, or it is not Japanese.
    error BondInvalidIsin(bytes12 isin);
    /// @notice The local government code is malformed or its check digit wrong.
    error BondInvalidLocalGovernmentCode(uint32 code);
    /// @notice A government bond names a local government, or a municipal bond none.
    error BondIssuerCodeMismatch(IBondToken.BondKind kind, uint32 code);
    /// @notice Dates out of order: interest start <= issue < maturity.
    error BondInvalidDates(uint32 interestStartDate, uint32 issueDate, uint32 maturityDate);
    /// @notice The tenor (years from issue to maturity, rounded) is not one the kind is issued in.
    error BondInvalidTenor(IBondToken.BondKind kind, uint256 tenorYears);
    /// @notice Coupon `index` is out of order (scheduled dates strictly increasing, after interest start,
    /// each paid on or after its date and before the next, the last on maturity).
    error BondInvalidCouponDate(uint256 index);
    /// @notice The coupon count does not match the kind (none for a discount bill, at most 80, one
    /// every 12/frequency months).
    error BondInvalidCouponSchedule(uint256 count, uint256 frequency);
    /// @notice The coupon rate does not suit the kind (zero for a bill, at least 0.05% for retail floating).
    error BondInvalidCouponRate(IBondToken.BondKind kind, uint32 rate);
    /// @notice The face unit is not the kind's (¥50,000 JGB and T-bill, ¥100,000 JGBi and joint municipal,
    /// ¥10,000 retail), or the issue volume is not a positive multiple of it.
    error BondInvalidDenomination(IBondToken.BondKind kind, uint256 denomination, uint256 issueVolume);
    /// @notice An inflation-indexed series needs its CPI feed and base CPI.
    error BondInvalidIndexation(address cpiFeed, uint64 baseCpi);
    /// @notice Joint issuers are for joint-issue bonds only: at least two, at most 64, distinct valid
    /// codes, shares summing to the issue volume.
    error BondInvalidJointIssuers(uint256 count, uint256 sharesTotal, uint256 issueVolume);
    /// @notice Resident rules missing or inconsistent (0 < minimum <= maximum, multiples of the unit).
    error BondInvalidResidentRules(uint256 minimumHolding, uint256 maximumHolding);

    /// @notice Validates `params.terms` for its kind and creates the series.
    /// @dev Requirements: caller has SERIES_DEPLOYER; every term valid for the kind (see the errors).
    /// Emits {BondSeriesCreated}.
    function createBond(BondParams calldata params) external returns (address token, address compliance);

    /// @notice The beacon every bond series follows.
    function bondBeacon() external view returns (address);

    /// @notice The beacon every compliance follows.
    function complianceBeacon() external view returns (address);

    /// @notice The identity registry series are bound to.
    function identityRegistry() external view returns (address);

    /// @notice The modules presets use.
    function presetModules() external view returns (PresetModules memory);
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISecurityToken} from "../token/ISecurityToken.sol";

/// @title IBondToken
/// @notice A bond series: an ERC-3643 series that also carries its terms (ERC-7092-style getters),
/// its coupon schedule and its documents (ERC-1643-style). Units are yen of face value (decimals 0).
/// @dev Dates are Japanese calendar days: `day = (unix seconds + 9 h) / 1 day` (JST day numbers).
/// Rates are parts per million of face per year (1% = 10,000).
interface IBondToken is ISecurityToken {
    /// @notice The kinds of series the factory creates, each with its compliance preset.
    enum BondKind {
        FixedRateJgb,
        DiscountBill,
        InflationIndexedJgb,
        RetailFixedJgb,
        RetailFloatingJgb,
        MunicipalPublic,
        MunicipalJoint,
        MunicipalResident
    }

    /// @notice ERC-7092 coupon type.
    enum CouponType {
        Zero,
        Fixed,
        Floating,
        InflationIndexed
    }

    /// @notice ERC-7092 day-count basis. JGBs and municipal bonds use actual/365 (leap day counted).
    enum DayCountBasis {
        Actual365Fixed
    }

    /// @notice The terms a series is created with.
    /// @param kind what the series is (fixes the coupon type and compliance preset).
    /// @param isin ISIN, 12 ASCII characters, check digit valid.
    /// @param issuerCode 6-digit local government code (0 for the Ministry of Finance).
    /// @param interestStartDate the day interest starts to accrue (the coupon date before the first
    /// coupon; buyers at issue pay interest accrued from it to the issue date).
    /// @param issueDate the issue (delivery) day.
    /// @param maturityDate the scheduled redemption day (the last scheduled coupon date).
    /// @param couponRate fixed rate, or the minimum rate of a floating series, ppm per year.
    /// @param couponFrequency coupons per year (0 for a discount bill).
    /// @param currency the yen cash token coupons and principal are paid in.
    /// @param denomination the face unit in yen: holdings and transfers are whole multiples of it.
    /// @param issueVolume face issued, yen.
    /// @param cpiFeed index feed of an inflation-indexed series (zero otherwise).
    /// @param baseCpi reference CPI at issue (3 implied decimals) of an inflation-indexed series.
    /// @param issuerName the issuer's name.
    /// @param couponDates each coupon as `(scheduled day << 32) | payment day`: scheduled dates count
    /// interest, payment dates are the business days they are paid on.
    struct BondTerms {
        BondKind kind;
        bytes12 isin;
        uint32 issuerCode;
        uint32 interestStartDate;
        uint32 issueDate;
        uint32 maturityDate;
        uint32 couponRate;
        uint8 couponFrequency;
        address currency;
        uint128 denomination;
        uint128 issueVolume;
        address cpiFeed;
        uint64 baseCpi;
        string issuerName;
        uint64[] couponDates;
    }

    /// @notice One of the local governments of a joint issue and its share of the face.
    struct JointIssuer {
        uint32 code;
        uint128 share;
    }

    /// @notice A document (ERC-1643).
    struct Document {
        string uri;
        bytes32 documentHash;
        uint64 timestamp;
    }

    /// @notice The series' terms were fixed.
    event BondTermsSet(
        bytes12 indexed isin,
        BondKind kind,
        uint32 issueDate,
        uint32 maturityDate,
        uint32 couponRate,
        uint128 denomination,
        uint128 issueVolume
    );
    /// @notice A joint issuer and its share were recorded.
    event JointIssuerRecorded(uint32 indexed code, uint128 share);
    /// @notice The issuer fixed a floating coupon's rate.
    event CouponRateSet(uint256 indexed period, uint32 rate);
    /// @notice A document was added or replaced (ERC-1643).
    event DocumentUpdated(bytes32 indexed name, string uri, bytes32 documentHash);
    /// @notice A document was removed (ERC-1643).
    event DocumentRemoved(bytes32 indexed name, string uri, bytes32 documentHash);

    /// @notice A bond series must be initialized with its terms.
    error BondTermsRequired();
    /// @notice No coupon with that index.
    error BondUnknownCoupon(uint256 period, uint256 count);
    /// @notice Only a floating series has rates set per period.
    error BondNotFloating();
    /// @notice A floating rate below the series' minimum rate.
    error BondRateBelowMinimum(uint32 rate, uint32 minimum);
    /// @notice A floating rate is fixed once set, and must be set before its payment date.
    error BondRateAlreadyFixed(uint256 period);
    /// @notice The floating rate of the period is not set yet.
    error BondRateNotSet(uint256 period);
    /// @notice No document with that name.
    error BondUnknownDocument(bytes32 name);
    /// @notice Too many documents.
    error BondDocumentsLimitReached(uint256 max);
    /// @notice A document needs a name and a URI.
    error BondDocumentInvalid(bytes32 name);

    // ------------------------------------------------------------ ERC-7092 getters

    /// @notice The ISIN.
    function isin() external view returns (string memory);

    /// @notice The issuer's name.
    function issuerName() external view returns (string memory);

    /// @notice The issuer's local government code (0 for the Ministry of Finance).
    function issuerCode() external view returns (uint32);

    /// @notice What kind of series this is.
    function kind() external view returns (BondKind);

    /// @notice The cash token coupons and principal are paid in.
    function currency() external view returns (address);

    /// @notice The face unit in yen.
    function denomination() external view returns (uint256);

    /// @notice Face issued, in yen.
    function issueVolume() external view returns (uint256);

    /// @notice The coupon rate (the minimum rate of a floating series), ppm per year.
    function couponRate() external view returns (uint256);

    /// @notice ERC-7092 coupon type.
    function couponType() external view returns (CouponType);

    /// @notice Coupons per year.
    function couponFrequency() external view returns (uint256);

    /// @notice Unix time of the issue day's start (JST).
    function issueDate() external view returns (uint256);

    /// @notice Unix time of the maturity day's start (JST).
    function maturityDate() external view returns (uint256);

    /// @notice ERC-7092 day-count basis.
    function dayCountBasis() external view returns (DayCountBasis);

    /// @notice The face value `account` holds (ERC-7092 `principalOf`), yen.
    function principalOf(address account) external view returns (uint256);

    /// @notice The local governments of a joint issue and their shares (empty otherwise).
    function jointIssuers() external view returns (JointIssuer[] memory);

    // ------------------------------------------------------------ coupons and redemption

    /// @notice How many coupons the schedule has.
    function couponCount() external view returns (uint256);

    /// @notice The scheduled (interest) and payment (business) days of coupon `period` (0-based).
    function couponDate(uint256 period) external view returns (uint32 scheduled, uint32 payment);

    /// @notice The annual rate of coupon `period`, ppm.
    /// @dev Reverts {BondRateNotSet} for a floating period whose rate is not fixed yet.
    function couponRateFor(uint256 period) external view returns (uint256);

    /// @notice Every coupon as `(scheduled day << 32) | payment day`.
    function couponDates() external view returns (uint64[] memory);

    /// @notice The interest start, issue and maturity days (JST day numbers).
    function scheduleDays() external view returns (uint32 interestStart, uint32 issue, uint32 maturity);

    /// @notice The CPI feed and base CPI of an inflation-indexed series (zero otherwise).
    function indexation() external view returns (address cpiFeed, uint64 baseCpi);

    /// @notice Fixes the rate of floating coupon `period`.
    /// @dev Requirements: caller has ISSUER_AGENT; floating series; `rate` >= the minimum rate; not
    /// already fixed; before the period's payment day. Emits {CouponRateSet}.
    function setCouponRate(uint256 period, uint32 rate) external;

    // ------------------------------------------------------------ ERC-1643 documents

    /// @notice Adds or replaces document `name`.
    /// @dev Requirements: caller has ISSUER_AGENT; name and URI nonempty; at most 32 documents.
    /// Emits {DocumentUpdated}.
    function setDocument(bytes32 name, string calldata uri, bytes32 documentHash) external;

    /// @notice Removes document `name`.
    /// @dev Requirements: caller has ISSUER_AGENT; the document exists. Emits {DocumentRemoved}.
    function removeDocument(bytes32 name) external;

    /// @notice Document `name`: URI, content hash and when it was last set.
    function getDocument(bytes32 name) external view returns (string memory, bytes32, uint256);

    /// @notice The names of every document.
    function getAllDocuments() external view returns (bytes32[] memory);
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Roles} from "../access/Roles.sol";
import {SecurityToken} from "../token/SecurityToken.sol";
import {IBondToken} from "./IBondToken.sol";
import {Isin} from "./lib/Isin.sol";
import {JstDate} from "./lib/JstDate.sol";

/// @title BondToken
/// @notice A JGB or municipal bond series: the ERC-3643 series of {SecurityToken} plus its terms,
/// coupon schedule, floating rates and documents. The {BondFactory} validates the terms and builds the
/// compliance preset of the kind; the {PayingAgent} computes and pays coupons and principal from them.
contract BondToken is IBondToken, SecurityToken {
    /// @notice Most documents per series.
    uint256 public constant MAX_DOCUMENTS = 32;

    /// @custom:storage-location erc7201:kosai.storage.BondToken
    struct BondStorage {
        BondTerms terms;
        JointIssuer[] jointIssuers;
        mapping(uint256 period => uint32 rate) floatingRates;
        mapping(bytes32 name => Document) documents;
        bytes32[] documentNames;
    }

    // keccak256(abi.encode(uint256(keccak256("kosai.storage.BondToken")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant BOND_STORAGE_LOCATION = 0x5e75696ae1c2b3b0c7a8474c683dec30f72d754be7e67d92eec4289f23765200;

    /// @notice Use {initializeBond}: a bond series cannot exist without its terms.
    /// @dev Always reverts, so it initializes no parent (hardhat-upgrades would otherwise take it, by its
    /// name, for an initializer missing the SecurityToken initializer call).
    /// @custom:oz-upgrades-unsafe-allow missing-initializer-call
    function initialize(TokenInit calldata) external pure override {
        revert BondTermsRequired();
    }

    /// @notice Initializes a bond series proxy with its terms (validated by the factory).
    /// @param init the token part (owner, names, registry, compliance, roles).
    /// @param bondTerms the terms.
    /// @param joint the issuers of a joint issue and their shares (empty otherwise).
    function initializeBond(
        TokenInit calldata init,
        BondTerms calldata bondTerms,
        JointIssuer[] calldata joint
    ) external initializer {
        _initializeToken(init);
        BondStorage storage $ = _b();
        $.terms = bondTerms;
        for (uint256 i = 0; i < joint.length; ++i) {
            $.jointIssuers.push(joint[i]);
            emit JointIssuerRecorded(joint[i].code, joint[i].share);
        }
        emit BondTermsSet(
            bondTerms.isin,
            bondTerms.kind,
            bondTerms.issueDate,
            bondTerms.maturityDate,
            bondTerms.couponRate,
            bondTerms.denomination,
            bondTerms.issueVolume
        );
    }

    // ================================================================== issuer agent

    /// @inheritdoc IBondToken
    function setCouponRate(uint256 period, uint32 rate) external onlyRole(Roles.ISSUER_AGENT) {
        BondStorage storage $ = _b();
        if ($.terms.kind != BondKind.RetailFloatingJgb) revert BondNotFloating();
        (, uint32 payment) = _couponDate($, period);
        if ($.floatingRates[period] != 0 || JstDate.dayOf(block.timestamp) >= payment) {
            revert BondRateAlreadyFixed(period);
        }
        if (rate < $.terms.couponRate) revert BondRateBelowMinimum(rate, $.terms.couponRate);
        $.floatingRates[period] = rate;
        emit CouponRateSet(period, rate);
    }

    /// @inheritdoc IBondToken
    function setDocument(
        bytes32 name_,
        string calldata uri,
        bytes32 documentHash
    ) external onlyRole(Roles.ISSUER_AGENT) {
        if (name_ == bytes32(0) || bytes(uri).length == 0) revert BondDocumentInvalid(name_);
        BondStorage storage $ = _b();
        Document storage document = $.documents[name_];
        if (document.timestamp == 0) {
            if ($.documentNames.length >= MAX_DOCUMENTS) revert BondDocumentsLimitReached(MAX_DOCUMENTS);
            $.documentNames.push(name_);
        }
        document.uri = uri;
        document.documentHash = documentHash;
        document.timestamp = uint64(block.timestamp);
        emit DocumentUpdated(name_, uri, documentHash);
    }

    /// @inheritdoc IBondToken
    function removeDocument(bytes32 name_) external onlyRole(Roles.ISSUER_AGENT) {
        BondStorage storage $ = _b();
        Document memory document = $.documents[name_];
        if (document.timestamp == 0) revert BondUnknownDocument(name_);
        bytes32[] storage names = $.documentNames;
        for (uint256 i = 0; i < names.length; ++i) {
            if (names[i] == name_) {
                names[i] = names[names.length - 1];
                names.pop();
                break;
            }
        }
        delete $.documents[name_];
        emit DocumentRemoved(name_, document.uri, document.documentHash);
    }

    // ================================================================== views

    /// @inheritdoc IBondToken
    function isin() external view returns (string memory) {
        return Isin.toString(_b().terms.isin);
    }

    /// @inheritdoc IBondToken
    function issuerName() external view returns (string memory) {
        return _b().terms.issuerName;
    }

    /// @inheritdoc IBondToken
    function issuerCode() external view returns (uint32) {
        return _b().terms.issuerCode;
    }

    /// @inheritdoc IBondToken
    function kind() external view returns (BondKind) {
        return _b().terms.kind;
    }

    /// @inheritdoc IBondToken
    function currency() external view returns (address) {
        return _b().terms.currency;
    }

    /// @inheritdoc IBondToken
    function denomination() external view returns (uint256) {
        return _b().terms.denomination;
    }

    /// @inheritdoc IBondToken
    function issueVolume() external view returns (uint256) {
        return _b().terms.issueVolume;
    }

    /// @inheritdoc IBondToken
    function couponRate() external view returns (uint256) {
        return _b().terms.couponRate;
    }

    /// @inheritdoc IBondToken
    function couponType() public view returns (CouponType) {
        BondKind k = _b().terms.kind;
        if (k == BondKind.DiscountBill) return CouponType.Zero;
        if (k == BondKind.RetailFloatingJgb) return CouponType.Floating;
        if (k == BondKind.InflationIndexedJgb) return CouponType.InflationIndexed;
        return CouponType.Fixed;
    }

    /// @inheritdoc IBondToken
    function couponFrequency() external view returns (uint256) {
        return _b().terms.couponFrequency;
    }

    /// @inheritdoc IBondToken
    function issueDate() external view returns (uint256) {
        return JstDate.startOf(_b().terms.issueDate);
    }

    /// @inheritdoc IBondToken
    function maturityDate() external view returns (uint256) {
        return JstDate.startOf(_b().terms.maturityDate);
    }

    /// @inheritdoc IBondToken
    function dayCountBasis() external pure returns (DayCountBasis) {
        return DayCountBasis.Actual365Fixed;
    }

    /// @inheritdoc IBondToken
    function principalOf(address account) external view returns (uint256) {
        return balanceOf(account);
    }

    /// @inheritdoc IBondToken
    function jointIssuers() external view returns (JointIssuer[] memory) {
        return _b().jointIssuers;
    }

    /// @inheritdoc IBondToken
    function couponCount() external view returns (uint256) {
        return _b().terms.couponDates.length;
    }

    /// @inheritdoc IBondToken
    function couponDate(uint256 period) external view returns (uint32 scheduled, uint32 payment) {
        return _couponDate(_b(), period);
    }

    /// @inheritdoc IBondToken
    function couponRateFor(uint256 period) public view returns (uint256) {
        BondStorage storage $ = _b();
        _couponDate($, period);
        if ($.terms.kind != BondKind.RetailFloatingJgb) return $.terms.couponRate;
        uint32 rate = $.floatingRates[period];
        if (rate == 0) revert BondRateNotSet(period);
        return rate;
    }

    /// @inheritdoc IBondToken
    function couponDates() external view returns (uint64[] memory) {
        return _b().terms.couponDates;
    }

    /// @inheritdoc IBondToken
    function scheduleDays() external view returns (uint32 interestStart, uint32 issue, uint32 maturity) {
        BondTerms storage t = _b().terms;
        return (t.interestStartDate, t.issueDate, t.maturityDate);
    }

    /// @inheritdoc IBondToken
    function indexation() external view returns (address cpiFeed, uint64 baseCpi) {
        BondTerms storage t = _b().terms;
        return (t.cpiFeed, t.baseCpi);
    }

    /// @inheritdoc IBondToken
    function getDocument(bytes32 name_) external view returns (string memory, bytes32, uint256) {
        Document memory document = _b().documents[name_];
        if (document.timestamp == 0) revert BondUnknownDocument(name_);
        return (document.uri, document.documentHash, document.timestamp);
    }

    /// @inheritdoc IBondToken
    function getAllDocuments() external view returns (bytes32[] memory) {
        return _b().documentNames;
    }

    // ================================================================== internals

    function _couponDate(BondStorage storage $, uint256 period) private view returns (uint32, uint32) {
        uint64[] storage dates = $.terms.couponDates;
        if (period >= dates.length) revert BondUnknownCoupon(period, dates.length);
        uint64 packed = dates[period];
        return (uint32(packed >> 32), uint32(packed));
    }

    function _b() private pure returns (BondStorage storage $) {
        assembly {
            $.slot := BOND_STORAGE_LOCATION
        }
    }
}

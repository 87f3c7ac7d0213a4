// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Isin} from "../bond/lib/Isin.sol";
import {LocalGovernmentCode} from "../bond/lib/LocalGovernmentCode.sol";
import {JstDate} from "../bond/lib/JstDate.sol";
import {BondMath} from "../bond/lib/BondMath.sol";

/// @title BondLibHarness
/// @notice Test-only: every function of the bond libraries as an external pure function, plus `gas*`
/// functions that return the gas one library call used (measured around the inlined internal call).
contract BondLibHarness {
    // ---------------------------------------------------------------------------------------- Isin

    /// @notice {Isin-isValid}.
    function isinIsValid(bytes12 isin) external pure returns (bool) {
        return Isin.isValid(isin);
    }

    /// @notice {Isin-requireValid}.
    function isinRequireValid(bytes12 isin) external pure {
        Isin.requireValid(isin);
    }

    /// @notice {Isin-isJapanese}.
    function isinIsJapanese(bytes12 isin) external pure returns (bool) {
        return Isin.isJapanese(isin);
    }

    /// @notice {Isin-toString}.
    function isinToString(bytes12 isin) external pure returns (string memory) {
        return Isin.toString(isin);
    }

    // ------------------------------------------------------------------------- LocalGovernmentCode

    /// @notice {LocalGovernmentCode-isValid}.
    function localGovernmentCodeIsValid(uint32 code) external pure returns (bool) {
        return LocalGovernmentCode.isValid(code);
    }

    /// @notice {LocalGovernmentCode-requireValid}.
    function localGovernmentCodeRequireValid(uint32 code) external pure {
        LocalGovernmentCode.requireValid(code);
    }

    /// @notice {LocalGovernmentCode-prefecture}.
    function localGovernmentCodePrefecture(uint32 code) external pure returns (uint8) {
        return LocalGovernmentCode.prefecture(code);
    }

    // ------------------------------------------------------------------------------------ JstDate

    /// @notice {JstDate-dayOf}.
    function dayOf(uint256 timestamp) external pure returns (uint32) {
        return JstDate.dayOf(timestamp);
    }

    /// @notice {JstDate-startOf}.
    function startOf(uint32 day) external pure returns (uint64) {
        return JstDate.startOf(day);
    }

    /// @notice {JstDate-fromCivil}.
    function fromCivil(uint256 year, uint256 month, uint256 dayOfMonth) external pure returns (uint32) {
        return JstDate.fromCivil(year, month, dayOfMonth);
    }

    /// @notice {JstDate-toCivil}.
    function toCivil(uint32 day) external pure returns (uint256 year, uint256 month, uint256 dayOfMonth) {
        return JstDate.toCivil(day);
    }

    /// @notice {JstDate-addMonths}.
    function addMonths(uint32 day, uint256 months) external pure returns (uint32) {
        return JstDate.addMonths(day, months);
    }

    /// @notice {JstDate-isLeapYear}.
    function isLeapYear(uint256 year) external pure returns (bool) {
        return JstDate.isLeapYear(year);
    }

    /// @notice {JstDate-toCivil} on `count` consecutive days from `firstDay`, each date packed as
    /// year·10000 + month·100 + day, and {JstDate-fromCivil} of each of those dates.
    function civilBatch(
        uint32 firstDay,
        uint32 count
    ) external pure returns (uint32[] memory yyyymmdd, uint32[] memory roundTrip) {
        yyyymmdd = new uint32[](count);
        roundTrip = new uint32[](count);
        for (uint32 i = 0; i < count; ++i) {
            (uint256 y, uint256 m, uint256 d) = JstDate.toCivil(firstDay + i);
            yyyymmdd[i] = uint32(y * 10_000 + m * 100 + d);
            roundTrip[i] = JstDate.fromCivil(y, m, d);
        }
    }

    // ----------------------------------------------------------------------------------- BondMath

    /// @notice {BondMath-periodCoupon}.
    function periodCoupon(uint256 face, uint256 rateMicros, uint256 frequency) external pure returns (uint256) {
        return BondMath.periodCoupon(face, rateMicros, frequency);
    }

    /// @notice {BondMath-accruedInterest}.
    function accruedInterest(
        uint256 face,
        uint256 rateMicros,
        uint256 frequency,
        uint32 lastCouponDay,
        uint32 settlementDay
    ) external pure returns (uint256) {
        return BondMath.accruedInterest(face, rateMicros, frequency, lastCouponDay, settlementDay);
    }

    /// @notice {BondMath-proRata}.
    function proRata(
        uint256 totalBefore,
        uint256 amount,
        uint256 numerator,
        uint256 denominator
    ) external pure returns (uint256) {
        return BondMath.proRata(totalBefore, amount, numerator, denominator);
    }

    /// @notice {BondMath-indexationCoefficient}.
    function indexationCoefficient(uint256 referenceCpi, uint256 baseCpi) external pure returns (uint256) {
        return BondMath.indexationCoefficient(referenceCpi, baseCpi);
    }

    /// @notice {BondMath-indexedPrincipal}.
    function indexedPrincipal(uint256 face, uint256 coefficient, bool deflationFloor) external pure returns (uint256) {
        return BondMath.indexedPrincipal(face, coefficient, deflationFloor);
    }

    // ---------------------------------------------------------------------------------------- gas

    /// @notice Gas used by {Isin-isValid} on `isin`, and its answer.
    function gasIsinIsValid(bytes12 isin) external view returns (uint256 gasUsed, bool valid) {
        uint256 before = gasleft();
        valid = Isin.isValid(isin);
        gasUsed = before - gasleft();
    }

    /// @notice Gas used by {LocalGovernmentCode-isValid} on `code`, and its answer.
    function gasLocalGovernmentCodeIsValid(uint32 code) external view returns (uint256 gasUsed, bool valid) {
        uint256 before = gasleft();
        valid = LocalGovernmentCode.isValid(code);
        gasUsed = before - gasleft();
    }

    /// @notice Gas used by {BondMath-accruedInterest}, and its answer.
    function gasAccruedInterest(
        uint256 face,
        uint256 rateMicros,
        uint256 frequency,
        uint32 lastCouponDay,
        uint32 settlementDay
    ) external view returns (uint256 gasUsed, uint256 amount) {
        uint256 before = gasleft();
        amount = BondMath.accruedInterest(face, rateMicros, frequency, lastCouponDay, settlementDay);
        gasUsed = before - gasleft();
    }

    /// @notice Gas used by {JstDate-toCivil}, and its answer.
    function gasToCivil(uint32 day) external view returns (uint256 gasUsed, uint256 year, uint256 month, uint256 dom) {
        uint256 before = gasleft();
        (year, month, dom) = JstDate.toCivil(day);
        gasUsed = before - gasleft();
    }

    /// @notice Gas used by {JstDate-addMonths}, and its answer.
    function gasAddMonths(uint32 day, uint256 months) external view returns (uint256 gasUsed, uint32 result) {
        uint256 before = gasleft();
        result = JstDate.addMonths(day, months);
        gasUsed = before - gasleft();
    }
}

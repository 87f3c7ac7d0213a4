// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title BondMath
/// @notice Coupon, accrued-interest, pro-rata and inflation-indexation arithmetic for yen bonds. Amounts
/// are whole yen; rates are parts per million of face per year (`rateMicros`: 1% = 10_000, 0.005% = 50);
/// days are JstDate day numbers. Every division rounds down unless its documentation says otherwise.
/// @dev Products go through OpenZeppelin's 512-bit {Math-mulDiv}, so they cannot overflow before dividing.
library BondMath {
    /// @notice Coupons are paid 1, 2, 4 or 12 times a year; `frequency` is none of these.
    error BondMathInvalidFrequency(uint256 frequency);
    /// @notice Settlement is before the last coupon date.
    error BondMathSettlementBeforeCouponDate(uint32 lastCouponDay, uint32 settlementDay);
    /// @notice A consumer price index of zero.
    error BondMathZeroCpi();
    /// @notice A pro-rata distribution over a zero denominator.
    error BondMathZeroDenominator();

    /// @notice `rateMicros` per unit of rate: 1_000_000 = 100% a year.
    uint256 internal constant RATE_ONE = 1_000_000;
    /// @notice Day-count denominator of accrued interest (Act/365, 29 February counted as a day).
    uint256 internal constant DAYS_PER_YEAR = 365;
    /// @notice Indexation coefficient 1.00000 (five decimals).
    uint256 internal constant COEFFICIENT_ONE = 100_000;

    /// @notice The coupon of one period: floor(face × rateMicros / (1e6 × frequency)).
    /// @dev Requirements: `frequency` is 1, 2, 4 or 12. Reverts with {BondMathInvalidFrequency}.
    /// @param face Face amount in yen.
    /// @param rateMicros Annual coupon rate in parts per million.
    /// @param frequency Coupons per year.
    /// @return The coupon in yen, truncated.
    function periodCoupon(uint256 face, uint256 rateMicros, uint256 frequency) internal pure returns (uint256) {
        if (frequency != 2 && frequency != 1 && frequency != 4 && frequency != 12) {
            revert BondMathInvalidFrequency(frequency);
        }
        return Math.mulDiv(face, rateMicros, RATE_ONE * frequency);
    }

    /// @notice Accrued interest a buyer pays the seller at settlement (JGB practice, DOMAIN.md):
    /// - Act/365 on actual days, 29 February counted: days = settlementDay − lastCouponDay, i.e. from the
    ///   last coupon date (exclusive) to settlement (inclusive); settlement on a coupon date accrues 0;
    /// - amount = face × rate × days / 365, truncated to the yen (never rounded);
    /// - never more than the coupon of the period ({periodCoupon}).
    /// @dev Requirements: settlementDay ≥ lastCouponDay (reverts with
    /// {BondMathSettlementBeforeCouponDate}); `frequency` 1, 2, 4 or 12 (reverts with
    /// {BondMathInvalidFrequency}). The settlement check comes first.
    /// @param face Face amount in yen.
    /// @param rateMicros Annual coupon rate in parts per million.
    /// @param frequency Coupons per year.
    /// @param lastCouponDay Day number of the last coupon date on or before settlement.
    /// @param settlementDay Day number of settlement.
    /// @return The accrued interest in yen.
    function accruedInterest(
        uint256 face,
        uint256 rateMicros,
        uint256 frequency,
        uint32 lastCouponDay,
        uint32 settlementDay
    ) internal pure returns (uint256) {
        if (settlementDay < lastCouponDay) revert BondMathSettlementBeforeCouponDate(lastCouponDay, settlementDay);
        uint256 cap = periodCoupon(face, rateMicros, frequency);
        uint256 amount = Math.mulDiv(face, rateMicros * (settlementDay - lastCouponDay), DAYS_PER_YEAR * RATE_ONE);
        return amount < cap ? amount : cap;
    }

    /// @notice One holder's share of a distribution of numerator/denominator per unit of face, paid in
    /// holder order with a running face total: floor((before + amount) × n / d) − floor(before × n / d).
    /// @dev Cumulative rounding: whatever the order and batching, the shares add up to exactly
    /// floor(totalFace × n / d), and each share is the floor or the ceiling of amount × n / d.
    /// Requirements: `denominator` nonzero. Reverts with {BondMathZeroDenominator}.
    /// @param totalBefore Face already paid before this holder.
    /// @param amount This holder's face.
    /// @param numerator Amount distributed per `denominator` of face.
    /// @param denominator See `numerator`.
    /// @return The holder's share.
    function proRata(
        uint256 totalBefore,
        uint256 amount,
        uint256 numerator,
        uint256 denominator
    ) internal pure returns (uint256) {
        if (denominator == 0) revert BondMathZeroDenominator();
        return
            Math.mulDiv(totalBefore + amount, numerator, denominator) -
            Math.mulDiv(totalBefore, numerator, denominator);
    }

    /// @notice JGBi indexation coefficient referenceCpi ÷ baseCpi, with five decimals (1.00000 = 100_000),
    /// rounded half up at the sixth decimal.
    /// @dev Source: MOF, "Ref Index and Indexation Coefficient applicable to Inflation-Indexed Bonds": the
    /// coefficient is the Ref Index of the day over the Ref Index of the 10th of the issue month, "rounded
    /// to the fifth decimal place" (JGBi issued from 31 March 2016 on; earlier issues: third decimal). Read
    /// as round half up at the sixth decimal (四捨五入, the usual meaning of MOF's "rounded"); change it
    /// here if the terms of an issue say otherwise. The Ref Index itself is rounded to three decimals, so
    /// CPI values come as integers with three implied decimals (104.123 → 104123); the scale cancels.
    /// Requirements: both CPI values nonzero. Reverts with {BondMathZeroCpi}.
    /// @param referenceCpi Ref Index of the calculation day (3 implied decimals).
    /// @param baseCpi Ref Index at issue (3 implied decimals).
    /// @return The coefficient, 100_000 = 1.
    function indexationCoefficient(uint256 referenceCpi, uint256 baseCpi) internal pure returns (uint256) {
        if (referenceCpi == 0 || baseCpi == 0) revert BondMathZeroCpi();
        // Six decimals truncated, then half up on the sixth: the same as rounding the exact quotient.
        uint256 sixDecimals = Math.mulDiv(referenceCpi, COEFFICIENT_ONE * 10, baseCpi);
        return sixDecimals / 10 + (sixDecimals % 10 >= 5 ? 1 : 0);
    }

    /// @notice Inflation-adjusted principal floor(face × coefficient / 100_000); with `deflationFloor`
    /// (JGBi issued from 2013 on, at redemption) never below face.
    /// @param face Face amount in yen.
    /// @param coefficient Indexation coefficient, 100_000 = 1.
    /// @param deflationFloor Whether the principal is floored at face.
    /// @return The principal in yen.
    function indexedPrincipal(uint256 face, uint256 coefficient, bool deflationFloor) internal pure returns (uint256) {
        uint256 principal = Math.mulDiv(face, coefficient, COEFFICIENT_ONE);
        return deflationFloor && principal < face ? face : principal;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title JstDate
/// @notice Calendar arithmetic on Japanese dates. A day is a day number: days since 1970-01-01 in Japan
/// Standard Time (UTC+9, no daylight saving), so `day = (timestamp + 9 hours) / 1 days`. Dates are
/// proleptic Gregorian; {fromCivil} and {addMonths} accept years 1970–2200.
/// @dev The conversions are the closed-form "days from civil" / "civil from days" algorithms (H. Hinnant's
/// public-domain derivation), in unsigned arithmetic: the year is counted from 1 March, so that 29
/// February is the last day of its year, in 400-year eras of 146,097 days.
library JstDate {
    /// @notice The date does not exist, or its year is outside 1970–2200.
    error JstDateInvalid(uint256 year, uint256 month, uint256 dayOfMonth);
    /// @notice The timestamp's day number does not fit in a uint32.
    error JstDateTimestampOutOfRange(uint256 timestamp);
    /// @notice The day has no start representable as unix time (day 0 began at 1969-12-31T15:00Z).
    error JstDateDayOutOfRange(uint32 day);
    /// @notice The date `months` months after `day` is after the year 2200.
    error JstDateAddMonthsOutOfRange(uint32 day, uint256 months);

    /// @notice Japan Standard Time is UTC+9 all year.
    uint256 internal constant JST_OFFSET = 9 hours;
    /// @notice First year {fromCivil} accepts.
    uint256 internal constant MIN_YEAR = 1970;
    /// @notice Last year {fromCivil} and {addMonths} accept.
    uint256 internal constant MAX_YEAR = 2200;

    /// @dev Days in a 400-year era.
    uint256 private constant _DAYS_PER_ERA = 146_097;
    /// @dev Days from 0000-03-01 to 1970-01-01 (proleptic Gregorian).
    uint256 private constant _EPOCH_SHIFT = 719_468;
    /// @dev Last timestamp whose day number fits in a uint32.
    uint256 private constant _MAX_TIMESTAMP = (uint256(type(uint32).max) + 1) * 1 days - JST_OFFSET - 1;

    /// @notice The Japanese day number of a unix timestamp.
    /// @dev Requirements: the day number fits in a uint32. Reverts with {JstDateTimestampOutOfRange}.
    /// @param timestamp Unix seconds.
    /// @return Days since 1970-01-01 JST.
    function dayOf(uint256 timestamp) internal pure returns (uint32) {
        if (timestamp > _MAX_TIMESTAMP) revert JstDateTimestampOutOfRange(timestamp);
        return uint32((timestamp + JST_OFFSET) / 1 days);
    }

    /// @notice Unix time of 00:00 JST on `day` (15:00 UTC the day before).
    /// @dev Requirements: `day` is not 0. Reverts with {JstDateDayOutOfRange}.
    /// @param day The day number.
    /// @return Unix seconds.
    function startOf(uint32 day) internal pure returns (uint64) {
        if (day == 0) revert JstDateDayOutOfRange(day);
        return uint64(day) * 1 days - uint64(JST_OFFSET);
    }

    /// @notice True for a Gregorian leap year: divisible by 4, and not by 100 unless by 400.
    /// @param year The year.
    /// @return True when February has 29 days.
    function isLeapYear(uint256 year) internal pure returns (bool) {
        return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    }

    /// @notice The day number of a Japanese calendar date.
    /// @dev Requirements: 1970 ≤ year ≤ 2200, 1 ≤ month ≤ 12, 1 ≤ dayOfMonth ≤ days in that month
    /// (29 February only in leap years). Reverts with {JstDateInvalid}.
    /// @param year The year.
    /// @param month The month, 1–12.
    /// @param dayOfMonth The day of the month, from 1.
    /// @return The day number.
    function fromCivil(uint256 year, uint256 month, uint256 dayOfMonth) internal pure returns (uint32) {
        if (
            year < MIN_YEAR ||
            year > MAX_YEAR ||
            month == 0 ||
            month > 12 ||
            dayOfMonth == 0 ||
            dayOfMonth > _daysInMonth(year, month)
        ) revert JstDateInvalid(year, month, dayOfMonth);
        return _daysFromCivil(year, month, dayOfMonth);
    }

    /// @notice The Japanese calendar date of a day number (any uint32 day).
    /// @param day The day number.
    /// @return year The year.
    /// @return month The month, 1–12.
    /// @return dayOfMonth The day of the month, from 1.
    function toCivil(uint32 day) internal pure returns (uint256 year, uint256 month, uint256 dayOfMonth) {
        unchecked {
            uint256 shifted = uint256(day) + _EPOCH_SHIFT;
            uint256 era = shifted / _DAYS_PER_ERA;
            uint256 dayOfEra = shifted - era * _DAYS_PER_ERA; // 0–146096
            // Years since the era began: remove the leap days counted so far (every 4th year, not the
            // 100th, the 400th again) before dividing by 365.
            uint256 yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
            uint256 dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100); // from 1 March
            uint256 monthFromMarch = (5 * dayOfYear + 2) / 153; // 0 = March … 11 = February
            dayOfMonth = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1;
            month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
            year = era * 400 + yearOfEra + (month <= 2 ? 1 : 0);
        }
    }

    /// @notice The same day of the month `months` months later, or that month's last day if it is
    /// shorter (31 January + 1 month = 28 or 29 February).
    /// @dev Requirements: the result's year is at most 2200. Reverts with {JstDateAddMonthsOutOfRange}.
    /// @param day The day number to start from.
    /// @param months How many months to add.
    /// @return The day number of the result.
    function addMonths(uint32 day, uint256 months) internal pure returns (uint32) {
        if (months > MAX_YEAR * 12) revert JstDateAddMonthsOutOfRange(day, months);
        (uint256 year, uint256 month, uint256 dayOfMonth) = toCivil(day);
        uint256 index = year * 12 + (month - 1) + months;
        uint256 newYear = index / 12;
        if (newYear > MAX_YEAR) revert JstDateAddMonthsOutOfRange(day, months);
        uint256 newMonth = (index % 12) + 1;
        uint256 last = _daysInMonth(newYear, newMonth);
        return _daysFromCivil(newYear, newMonth, dayOfMonth < last ? dayOfMonth : last);
    }

    /// @dev Days in `month` (1–12) of `year`.
    function _daysInMonth(uint256 year, uint256 month) private pure returns (uint256) {
        if (month == 2) return isLeapYear(year) ? 29 : 28;
        // 30 days in April, June, September, November; 31 in the others.
        return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
    }

    /// @dev Day number of a valid date from 1970 on (the caller has checked it).
    function _daysFromCivil(uint256 year, uint256 month, uint256 dayOfMonth) private pure returns (uint32) {
        unchecked {
            // Count years from 1 March: January and February belong to the year before.
            uint256 marchYear = month <= 2 ? year - 1 : year;
            uint256 era = marchYear / 400;
            uint256 yearOfEra = marchYear - era * 400; // 0–399
            uint256 monthFromMarch = month > 2 ? month - 3 : month + 9; // 0 = March … 11 = February
            // 153 days every 5 months from March (31,30,31,30,31): day of the year from 1 March.
            uint256 dayOfYear = (153 * monthFromMarch + 2) / 5 + dayOfMonth - 1;
            uint256 dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
            return uint32(era * _DAYS_PER_ERA + dayOfEra - _EPOCH_SHIFT);
        }
    }
}

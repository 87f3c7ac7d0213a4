// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title LocalGovernmentCode
/// @notice Japan's local government codes (全国地方公共団体コード), which name the issuer of a municipal
/// bond: six digits, the prefecture (JIS X 0401, 01–47), three for the municipality ("000" for the
/// prefecture itself), and a check digit. Held as an integer, so Hokkaido's "010006" is 10006.
/// @dev Check digit (DOMAIN.md): S = 6·d1 + 5·d2 + 4·d3 + 3·d4 + 2·d5 over the first five digits, check
/// digit = (11 − S mod 11) mod 10. Whether the municipality exists is not checked.
library LocalGovernmentCode {
    /// @notice `code` is not six digits with a prefecture of 01–47 and the right check digit.
    error LocalGovernmentCodeInvalid(uint32 code);

    /// @notice The highest prefecture code (Okinawa).
    uint256 internal constant MAX_PREFECTURE = 47;

    /// @notice True for a code below 1,000,000 whose prefecture is 01–47 and whose check digit is right.
    /// @param code The six-digit code as an integer.
    /// @return True for a valid code.
    function isValid(uint32 code) internal pure returns (bool) {
        if (code >= 1_000_000) return false;
        uint256 c = code;
        uint256 pref = c / 10_000;
        if (pref == 0 || pref > MAX_PREFECTURE) return false;
        unchecked {
            uint256 s =
                6 * (pref / 10) + 5 * (pref % 10) + 4 * ((c / 1000) % 10) + 3 * ((c / 100) % 10) + 2 * ((c / 10) % 10);
            return (11 - (s % 11)) % 10 == c % 10;
        }
    }

    /// @notice Reverts unless `code` is valid.
    /// @dev Requirements: {isValid}. Reverts with {LocalGovernmentCodeInvalid}.
    /// @param code The code to check.
    function requireValid(uint32 code) internal pure {
        if (!isValid(code)) revert LocalGovernmentCodeInvalid(code);
    }

    /// @notice The prefecture code (1–47) of a valid code, e.g. 13 (Tokyo) for 131041 (Shinjuku).
    /// @dev Requirements: {isValid}. Reverts with {LocalGovernmentCodeInvalid}.
    /// @param code The local government code.
    /// @return The prefecture code.
    function prefecture(uint32 code) internal pure returns (uint8) {
        requireValid(code);
        return uint8(code / 10_000);
    }
}

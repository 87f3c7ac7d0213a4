// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Isin
/// @notice International Securities Identification Numbers (ISO 6166) held as `bytes12` of ASCII: two
/// uppercase letters (the country, e.g. "JP"), nine uppercase letters or digits, one check digit.
/// @dev The check digit: each letter becomes two digits (A=10 … Z=35), then Luhn over the digit string.
/// Luhn sums the digits from the right, doubling every second one (the check digit itself is not
/// doubled; a doubled value above 9 loses 9); the ISIN is valid when the sum is a multiple of 10.
///
/// What the check digit catches (see test/bond/lib/Isin.test.ts): any single digit changed into another
/// digit, always. A letter changed into another letter, or a digit into a letter, is usually caught but
/// not always (e.g. I and Q in the same place can give the same sum), because one letter is two digits.
library Isin {
    /// @notice `isin` is not a well-formed ISIN with the right check digit.
    error IsinInvalid(bytes12 isin);

    uint256 private constant _ZERO = 0x30; // "0"
    uint256 private constant _NINE = 0x39; // "9"
    uint256 private constant _A = 0x41; // "A"
    uint256 private constant _Z = 0x5a; // "Z"
    /// @dev "A" − 10: subtracted from a letter's ASCII code to give its ISIN value 10–35.
    uint256 private constant _LETTER_BASE = 0x37;

    /// @notice True when `isin` has the ISIN shape and its check digit is right.
    /// @dev Lowercase letters, spaces, zero bytes and any other byte make it invalid. The country is any
    /// pair of uppercase letters; whether ISO 3166 assigns it is not checked.
    /// @param isin The 12 ASCII characters, first character in the most significant byte.
    /// @return True for a valid ISIN.
    function isValid(bytes12 isin) internal pure returns (bool) {
        uint256 word = uint96(isin);
        // Character 11 (the least significant byte) is the check digit: position 1 from the right.
        uint256 c = word & 0xff;
        if (c < _ZERO || c > _NINE) return false;
        unchecked {
            uint256 sum = c - _ZERO;
            // Whether the next digit to the left (position 2, 4, … of the digit string) is doubled.
            bool doubled = true;
            for (uint256 i = 1; i < 12; ++i) {
                c = (word >> (8 * i)) & 0xff;
                if (c >= _ZERO && c <= _NINE) {
                    // Characters 0 and 1 (i = 11, 10) are the country: letters only.
                    if (i > 9) return false;
                    uint256 d = c - _ZERO;
                    sum += doubled ? _double(d) : d;
                    doubled = !doubled;
                } else if (c >= _A && c <= _Z) {
                    // A letter is two digits, ones on the right: the ones digit takes the current place
                    // and the tens digit the next one, so the doubling pattern is where it was after both.
                    uint256 value = c - _LETTER_BASE;
                    uint256 tens = value / 10;
                    uint256 ones = value % 10;
                    sum += doubled ? _double(ones) + tens : ones + _double(tens);
                } else {
                    return false;
                }
            }
            return sum % 10 == 0;
        }
    }

    /// @notice Reverts unless `isin` is valid.
    /// @dev Requirements: {isValid}. Reverts with {IsinInvalid}.
    /// @param isin The ISIN to check.
    function requireValid(bytes12 isin) internal pure {
        if (!isValid(isin)) revert IsinInvalid(isin);
    }

    /// @notice True when the country prefix is "JP" (the ISIN itself is not checked).
    /// @param isin The ISIN.
    /// @return True for a Japanese prefix.
    function isJapanese(bytes12 isin) internal pure returns (bool) {
        return bytes2(isin) == "JP";
    }

    /// @notice The ISIN as a 12-character string.
    /// @dev Bytes are copied as they are; call on a valid ISIN to get printable text.
    /// @param isin The ISIN.
    /// @return The 12 characters.
    function toString(bytes12 isin) internal pure returns (string memory) {
        return string(abi.encodePacked(isin));
    }

    /// @dev Luhn doubling of one digit: 2d, less 9 when that is two digits (the sum of its digits).
    function _double(uint256 d) private pure returns (uint256) {
        unchecked {
            return d < 5 ? 2 * d : 2 * d - 9;
        }
    }
}

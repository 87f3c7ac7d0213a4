// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ICpiFeed
/// @notice Reference CPI by day, as inflation-indexed JGBs use it (3 implied decimals: 104.123 => 104123).
interface ICpiFeed {
    /// @notice The reference CPI applicable on `day` (JST day number), or 0 if not published.
    function referenceCpi(uint32 day) external view returns (uint64);
}

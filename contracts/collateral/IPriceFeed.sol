// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IPriceFeed
/// @notice Prices of bond series for collateral valuation: yen per ¥100 of face, with 6 decimals
/// (99.875 => 99_875_000), and when the price was observed.
interface IPriceFeed {
    /// @notice The latest price of `series` and the unix time it was observed (0, 0 if none).
    function priceOf(address series) external view returns (uint256 price, uint64 observedAt);
}

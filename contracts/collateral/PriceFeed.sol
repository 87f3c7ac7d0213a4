// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IPriceFeed} from "./IPriceFeed.sol";

/// @title PriceFeed
/// @notice Bond prices written by an authorised price agent (e.g. the clearing house's valuation desk),
/// each with its observation time; consumers decide how old a price may be.
contract PriceFeed is IPriceFeed, AccessControlDefaultAdminRules {
    /// @notice Publishes prices.
    bytes32 public constant PRICE_AGENT = keccak256("kosai.role.PRICE_AGENT");
    /// @notice Most prices per call.
    uint256 public constant MAX_BATCH = 200;
    /// @notice Highest accepted price: ¥1,000 per ¥100 face (a guard against unit mistakes).
    uint256 public constant MAX_PRICE = 1_000_000_000;

    struct Price {
        uint192 price;
        uint64 observedAt;
    }

    /// @notice A price was published.
    event PricePublished(address indexed series, uint256 price, uint64 observedAt, address indexed agent);

    /// @notice Arrays of different lengths or too many prices.
    error PriceFeedBadBatch(uint256 series, uint256 prices, uint256 observedAt, uint256 max);
    /// @notice A zero price, or one above MAX_PRICE.
    error PriceFeedPriceOutOfRange(address series, uint256 price);
    /// @notice An observation in the future, or not newer than the one held.
    error PriceFeedObservationOutOfOrder(address series, uint64 observedAt, uint64 latest);

    mapping(address series => Price latest) private _prices;

    /// @param owner_ the admin, who grants PRICE_AGENT.
    constructor(address owner_) AccessControlDefaultAdminRules(0, owner_) {}

    /// @notice Publishes prices (yen per ¥100 face, 6 decimals) observed at the given unix times.
    /// @dev Requirements: caller has PRICE_AGENT; equal lengths, at most MAX_BATCH; each price in
    /// (0, MAX_PRICE]; each observation newer than the series' last and not in the future.
    /// Emits {PricePublished} per series.
    function publish(
        address[] calldata series,
        uint256[] calldata prices,
        uint64[] calldata observedAt
    ) external onlyRole(PRICE_AGENT) {
        uint256 count = series.length;
        if (count != prices.length || count != observedAt.length || count > MAX_BATCH) {
            revert PriceFeedBadBatch(count, prices.length, observedAt.length, MAX_BATCH);
        }
        for (uint256 i = 0; i < count; ++i) {
            address s = series[i];
            uint256 price = prices[i];
            uint64 at = observedAt[i];
            if (price == 0 || price > MAX_PRICE) revert PriceFeedPriceOutOfRange(s, price);
            uint64 latest = _prices[s].observedAt;
            if (at <= latest || at > block.timestamp) revert PriceFeedObservationOutOfOrder(s, at, latest);
            _prices[s] = Price(uint192(price), at);
            emit PricePublished(s, price, at, msg.sender);
        }
    }

    /// @inheritdoc IPriceFeed
    function priceOf(address series) external view returns (uint256 price, uint64 observedAt) {
        Price memory p = _prices[series];
        return (p.price, p.observedAt);
    }
}

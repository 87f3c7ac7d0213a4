// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ICpiFeed} from "./ICpiFeed.sol";

/// @title CpiFeed
/// @notice Reference CPI by day for inflation-indexed JGBs, written by an authorised index agent. A value,
/// once published for a day, never changes: coupons and principal paid on it must stay reproducible.
contract CpiFeed is ICpiFeed, AccessControlDefaultAdminRules {
    /// @notice Publishes reference CPI values.
    bytes32 public constant INDEX_AGENT = keccak256("kosai.role.INDEX_AGENT");
    /// @notice Most values per publication call.
    uint256 public constant MAX_BATCH = 366;

    /// @notice The reference CPI of `day` was published.
    event ReferenceCpiPublished(uint32 indexed day, uint64 value);

    /// @notice A published value cannot change.
    error CpiFeedAlreadyPublished(uint32 day, uint64 value);
    /// @notice A value must be positive.
    error CpiFeedZeroValue(uint32 day);
    /// @notice Arrays of different lengths, or too many values.
    error CpiFeedBadBatch(uint256 days_, uint256 values, uint256 max);

    mapping(uint32 day => uint64 value) private _values;

    /// @param owner_ the admin, who grants INDEX_AGENT.
    constructor(address owner_) AccessControlDefaultAdminRules(0, owner_) {}

    /// @notice Publishes reference CPI values (3 implied decimals) for days (JST day numbers).
    /// @dev Requirements: caller has INDEX_AGENT; equal lengths, at most MAX_BATCH; each value positive
    /// and its day not yet published. Emits {ReferenceCpiPublished} per day.
    function publish(uint32[] calldata days_, uint64[] calldata values) external onlyRole(INDEX_AGENT) {
        if (days_.length != values.length || days_.length > MAX_BATCH) {
            revert CpiFeedBadBatch(days_.length, values.length, MAX_BATCH);
        }
        for (uint256 i = 0; i < days_.length; ++i) {
            uint32 day = days_[i];
            uint64 value = values[i];
            if (value == 0) revert CpiFeedZeroValue(day);
            uint64 existing = _values[day];
            if (existing != 0) revert CpiFeedAlreadyPublished(day, existing);
            _values[day] = value;
            emit ReferenceCpiPublished(day, value);
        }
    }

    /// @inheritdoc ICpiFeed
    function referenceCpi(uint32 day) external view returns (uint64) {
        return _values[day];
    }
}

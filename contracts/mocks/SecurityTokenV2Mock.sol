// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SecurityToken} from "../token/SecurityToken.sol";

/// @title SecurityTokenV2Mock
/// @custom:oz-upgrades-unsafe-allow missing-initializer
/// @notice Test-only upgrade of SecurityToken: same storage, one new function, to show that upgrading the
/// beacon upgrades every series at once and keeps their state.
contract SecurityTokenV2Mock is SecurityToken {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() SecurityToken() {}

    /// @notice Answers only on the upgraded implementation.
    function upgradeProbe() external pure returns (string memory) {
        return "v2";
    }
}

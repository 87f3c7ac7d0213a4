// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CountryListModule} from "./CountryListModule.sol";
import {IComplianceModule, TransferContext} from "./IComplianceModule.sol";

/// @title CountryBlockModule
/// @notice Recipients whose registered country is on the list may not receive units.
contract CountryBlockModule is CountryListModule {
    /// @inheritdoc IComplianceModule
    function name() external pure returns (string memory) {
        return "CountryBlockModule";
    }

    function _check(
        address,
        address,
        uint256,
        address compliance,
        TransferContext memory context
    ) internal view override returns (bool) {
        return !_recipientListed(compliance, context);
    }
}

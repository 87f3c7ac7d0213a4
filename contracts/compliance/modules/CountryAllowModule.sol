// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CountryListModule} from "./CountryListModule.sol";
import {IComplianceModule} from "./IComplianceModule.sol";

/// @title CountryAllowModule
/// @notice Only recipients whose registered country is on the list may receive units.
contract CountryAllowModule is CountryListModule {
    /// @inheritdoc IComplianceModule
    function moduleCheck(address, address to, uint256, address compliance) external view returns (bool) {
        return _recipientListed(to, compliance);
    }

    /// @inheritdoc IComplianceModule
    function name() external pure returns (string memory) {
        return "CountryAllowModule";
    }
}

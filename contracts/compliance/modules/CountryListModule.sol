// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AbstractModule} from "./AbstractModule.sol";
import {IComplianceModule, ModuleHooks, TransferContext} from "./IComplianceModule.sol";

/// @title CountryListModule
/// @notice A list of countries (ISO 3166-1 numeric) per compliance, checked against the recipient's
/// country in the identity registry; subclasses decide whether listing allows or blocks.
abstract contract CountryListModule is AbstractModule {
    /// @notice `country` was put on the list of `compliance`.
    event CountryListed(address indexed compliance, uint16 indexed country);
    /// @notice `country` was taken off the list of `compliance`.
    event CountryUnlisted(address indexed compliance, uint16 indexed country);

    /// @notice The country is already on the list.
    error CountryAlreadyListed(address compliance, uint16 country);
    /// @notice The country is not on the list.
    error CountryNotListed(address compliance, uint16 country);

    mapping(address compliance => mapping(uint16 country => bool)) private _listed;

    /// @notice Puts `countries` on the calling compliance's list.
    /// @dev Requirements: caller is a bound compliance; none listed yet. Emits {CountryListed} each.
    function listCountries(uint16[] calldata countries) external onlyBoundCompliance {
        for (uint256 i = 0; i < countries.length; ++i) {
            uint16 country = countries[i];
            if (_listed[msg.sender][country]) revert CountryAlreadyListed(msg.sender, country);
            _listed[msg.sender][country] = true;
            emit CountryListed(msg.sender, country);
        }
    }

    /// @notice Takes `countries` off the calling compliance's list.
    /// @dev Requirements: caller is a bound compliance; all listed. Emits {CountryUnlisted} each.
    function unlistCountries(uint16[] calldata countries) external onlyBoundCompliance {
        for (uint256 i = 0; i < countries.length; ++i) {
            uint16 country = countries[i];
            if (!_listed[msg.sender][country]) revert CountryNotListed(msg.sender, country);
            _listed[msg.sender][country] = false;
            emit CountryUnlisted(msg.sender, country);
        }
    }

    /// @notice Whether `country` is on the list of `compliance`.
    function isCountryListed(address compliance, uint16 country) external view returns (bool) {
        return _listed[compliance][country];
    }

    /// @inheritdoc IComplianceModule
    function hooks() external pure returns (uint8) {
        return ModuleHooks.CHECK_TRANSFER | ModuleHooks.CHECK_MINT;
    }

    /// @dev Whether the recipient's country (from the context) is on the list.
    function _recipientListed(address compliance, TransferContext memory context) internal view returns (bool) {
        return _listed[compliance][context.toCountry];
    }

    function _contextNeeds() internal pure override returns (uint8) {
        return CONTEXT_INVESTOR;
    }
}

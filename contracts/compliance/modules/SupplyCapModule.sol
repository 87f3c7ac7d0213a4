// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AbstractModule} from "./AbstractModule.sol";
import {IComplianceModule, ModuleHooks, TransferContext} from "./IComplianceModule.sol";

/// @title SupplyCapModule
/// @notice Caps the total supply: a mint that would exceed the cap is refused.
contract SupplyCapModule is AbstractModule {
    /// @notice The cap for `compliance` changed.
    event SupplyCapSet(address indexed compliance, uint256 supplyCap);

    mapping(address compliance => uint256 cap) private _supplyCap;

    /// @notice Sets the supply cap for the calling compliance.
    /// @dev Requirements: caller is a bound compliance. Emits {SupplyCapSet}.
    function setSupplyCap(uint256 supplyCap_) external onlyBoundCompliance {
        _supplyCap[msg.sender] = supplyCap_;
        emit SupplyCapSet(msg.sender, supplyCap_);
    }

    /// @notice The supply cap under `compliance`.
    function supplyCap(address compliance) external view returns (uint256) {
        return _supplyCap[compliance];
    }

    /// @inheritdoc IComplianceModule
    function hooks() external pure returns (uint8) {
        return ModuleHooks.CHECK_MINT;
    }

    /// @inheritdoc IComplianceModule
    function name() external pure returns (string memory) {
        return "SupplyCapModule";
    }

    /// @dev The supply comes from the context (the token's, before the mint).
    function _check(
        address,
        address,
        uint256 value,
        address compliance,
        TransferContext memory context
    ) internal view override returns (bool) {
        return context.totalSupply + value <= _supplyCap[compliance];
    }

    function _contextNeeds() internal pure override returns (uint8) {
        return CONTEXT_SUPPLY;
    }
}

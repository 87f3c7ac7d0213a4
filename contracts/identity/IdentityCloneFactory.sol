// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {IIdentityCloneFactory} from "./IIdentityCloneFactory.sol";

/// @dev The initializer of ONCHAINID's `Identity` (declared here: its sources pin solc 0.8.17).
interface IOnchainIdentityInitializable {
    function initialize(address initialManagementKey) external;
}

/// @title IdentityCloneFactory
/// @notice Deploys investors' ONCHAINIDs as minimal clones of ONCHAINID's own `Identity` (used unchanged).
/// @dev Safety rests on two properties of ONCHAINID's `Identity`, both covered by tests:
/// - the implementation must be deployed in library mode (`new Identity(key, true)`): it is then marked
///   initialized and refuses direct interaction, so nobody can take it over or initialize it;
/// - `initialize` runs once per clone (`Initial key was already setup.` afterwards), and this factory
///   calls it in the same call that creates the clone, so no one can initialize a clone before its owner.
contract IdentityCloneFactory is IIdentityCloneFactory {
    address private immutable _implementation;

    /// @param implementation_ an ONCHAINID `Identity` deployed in library mode.
    constructor(address implementation_) {
        if (implementation_ == address(0)) revert IdentityFactoryZeroAddress();
        if (implementation_.code.length == 0) revert IdentityFactoryImplementationNotContract(implementation_);
        _implementation = implementation_;
    }

    /// @inheritdoc IIdentityCloneFactory
    function createIdentity(address managementKey) external returns (address identity) {
        if (managementKey == address(0)) revert IdentityFactoryZeroAddress();
        identity = Clones.clone(_implementation);
        IOnchainIdentityInitializable(identity).initialize(managementKey);
        emit IdentityCreated(identity, managementKey, msg.sender);
    }

    /// @inheritdoc IIdentityCloneFactory
    function implementation() external view returns (address) {
        return _implementation;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IOnchainIdentity} from "../interfaces/onchainid/IOnchainIdentity.sol";
import {IIdentityRegistryStorage} from "./IIdentityRegistryStorage.sol";

/// @title IdentityRegistryStorage
/// @notice One whitelist of investor wallets shared by many identity registries. A wallet, its identity
/// and its country share one storage slot, so a transfer reads them with one SLOAD.
contract IdentityRegistryStorage is IIdentityRegistryStorage, AccessControlDefaultAdminRules {
    /// @notice Most identity registries that can share this storage.
    uint256 public constant MAX_BOUND_REGISTRIES = 50;

    struct Investor {
        IOnchainIdentity identity;
        uint16 country;
    }

    mapping(address wallet => Investor investor) private _investors;
    address[] private _registries;
    mapping(address registry => bool bound) private _isBound;

    modifier onlyBoundRegistry() {
        if (!_isBound[msg.sender]) revert IdentityStorageCallerNotBoundRegistry(msg.sender);
        _;
    }

    /// @param owner_ the storage's owner, who binds registries.
    constructor(address owner_) AccessControlDefaultAdminRules(0, owner_) {}

    /// @inheritdoc IIdentityRegistryStorage
    function addIdentityToStorage(
        address userAddress,
        IOnchainIdentity identity,
        uint16 country
    ) external onlyBoundRegistry {
        if (userAddress == address(0) || address(identity) == address(0)) revert IdentityStorageZeroAddress();
        if (address(_investors[userAddress].identity) != address(0)) {
            revert IdentityStorageWalletAlreadyStored(userAddress);
        }
        _investors[userAddress] = Investor(identity, country);
        emit IdentityStored(userAddress, identity);
        emit CountryModified(userAddress, country);
    }

    /// @inheritdoc IIdentityRegistryStorage
    function removeIdentityFromStorage(address userAddress) external onlyBoundRegistry {
        IOnchainIdentity identity = _requireStored(userAddress);
        delete _investors[userAddress];
        emit IdentityUnstored(userAddress, identity);
    }

    /// @inheritdoc IIdentityRegistryStorage
    function modifyStoredInvestorCountry(address userAddress, uint16 country) external onlyBoundRegistry {
        _requireStored(userAddress);
        _investors[userAddress].country = country;
        emit CountryModified(userAddress, country);
    }

    /// @inheritdoc IIdentityRegistryStorage
    function modifyStoredIdentity(address userAddress, IOnchainIdentity identity) external onlyBoundRegistry {
        if (address(identity) == address(0)) revert IdentityStorageZeroAddress();
        IOnchainIdentity oldIdentity = _requireStored(userAddress);
        _investors[userAddress].identity = identity;
        emit IdentityModified(oldIdentity, identity);
    }

    /// @inheritdoc IIdentityRegistryStorage
    function bindIdentityRegistry(address identityRegistry) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (identityRegistry == address(0)) revert IdentityStorageZeroAddress();
        if (_isBound[identityRegistry]) revert IdentityStorageRegistryAlreadyBound(identityRegistry);
        if (_registries.length >= MAX_BOUND_REGISTRIES) {
            revert IdentityStorageRegistriesLimitReached(MAX_BOUND_REGISTRIES);
        }
        _isBound[identityRegistry] = true;
        _registries.push(identityRegistry);
        emit IdentityRegistryBound(identityRegistry);
    }

    /// @inheritdoc IIdentityRegistryStorage
    function unbindIdentityRegistry(address identityRegistry) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (!_isBound[identityRegistry]) revert IdentityStorageRegistryNotBound(identityRegistry);
        _isBound[identityRegistry] = false;
        uint256 count = _registries.length;
        for (uint256 i = 0; i < count; ++i) {
            if (_registries[i] == identityRegistry) {
                _registries[i] = _registries[count - 1];
                _registries.pop();
                break;
            }
        }
        emit IdentityRegistryUnbound(identityRegistry);
    }

    /// @inheritdoc IIdentityRegistryStorage
    function linkedIdentityRegistries() external view returns (address[] memory) {
        return _registries;
    }

    /// @inheritdoc IIdentityRegistryStorage
    function storedIdentity(address userAddress) external view returns (IOnchainIdentity) {
        return _investors[userAddress].identity;
    }

    /// @inheritdoc IIdentityRegistryStorage
    function storedInvestorCountry(address userAddress) external view returns (uint16) {
        return _investors[userAddress].country;
    }

    /// @inheritdoc IIdentityRegistryStorage
    function storedInvestor(address userAddress) external view returns (IOnchainIdentity identity, uint16 country) {
        Investor storage investor = _investors[userAddress];
        return (investor.identity, investor.country);
    }

    function _requireStored(address userAddress) private view returns (IOnchainIdentity identity) {
        identity = _investors[userAddress].identity;
        if (address(identity) == address(0)) revert IdentityStorageWalletNotStored(userAddress);
    }
}

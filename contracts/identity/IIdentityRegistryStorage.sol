// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOnchainIdentity} from "../interfaces/onchainid/IOnchainIdentity.sol";

/// @title IIdentityRegistryStorage
/// @notice ERC-3643 identity registry storage: the whitelist of wallets, their ONCHAINID and country,
/// shared by every identity registry bound to it (one KYC whitelist for every bond series).
interface IIdentityRegistryStorage {
    /// @notice A wallet was linked to an identity.
    event IdentityStored(address indexed investorAddress, IOnchainIdentity indexed identity);
    /// @notice A wallet was unlinked.
    event IdentityUnstored(address indexed investorAddress, IOnchainIdentity indexed identity);
    /// @notice A wallet's identity was replaced.
    event IdentityModified(IOnchainIdentity indexed oldIdentity, IOnchainIdentity indexed newIdentity);
    /// @notice A wallet's country changed.
    event CountryModified(address indexed investorAddress, uint16 indexed country);
    /// @notice An identity registry may now write.
    event IdentityRegistryBound(address indexed identityRegistry);
    /// @notice An identity registry may no longer write.
    event IdentityRegistryUnbound(address indexed identityRegistry);

    /// @notice The caller is not a bound identity registry.
    error IdentityStorageCallerNotBoundRegistry(address caller);
    /// @notice A zero wallet or identity was given.
    error IdentityStorageZeroAddress();
    /// @notice The wallet is already stored.
    error IdentityStorageWalletAlreadyStored(address wallet);
    /// @notice The wallet is not stored.
    error IdentityStorageWalletNotStored(address wallet);
    /// @notice The registry is already bound.
    error IdentityStorageRegistryAlreadyBound(address registry);
    /// @notice The registry is not bound.
    error IdentityStorageRegistryNotBound(address registry);
    /// @notice No more registries can be bound.
    error IdentityStorageRegistriesLimitReached(uint256 max);

    /// @notice Stores `userAddress` with `identity` and `country` (ISO 3166-1 numeric).
    /// @dev Requirements: caller is a bound registry; nonzero addresses; wallet not stored. Emits {IdentityStored}.
    function addIdentityToStorage(address userAddress, IOnchainIdentity identity, uint16 country) external;

    /// @notice Removes `userAddress`.
    /// @dev Requirements: caller is a bound registry; wallet stored. Emits {IdentityUnstored}.
    function removeIdentityFromStorage(address userAddress) external;

    /// @notice Changes the country of `userAddress`.
    /// @dev Requirements: caller is a bound registry; wallet stored. Emits {CountryModified}.
    function modifyStoredInvestorCountry(address userAddress, uint16 country) external;

    /// @notice Changes the identity of `userAddress`.
    /// @dev Requirements: caller is a bound registry; wallet stored; identity nonzero. Emits {IdentityModified}.
    function modifyStoredIdentity(address userAddress, IOnchainIdentity identity) external;

    /// @notice Lets `identityRegistry` write.
    /// @dev Requirements: caller is the owner; not bound yet; below the cap. Emits {IdentityRegistryBound}.
    function bindIdentityRegistry(address identityRegistry) external;

    /// @notice Stops `identityRegistry` from writing.
    /// @dev Requirements: caller is the owner; bound. Emits {IdentityRegistryUnbound}.
    function unbindIdentityRegistry(address identityRegistry) external;

    /// @notice The registries allowed to write.
    function linkedIdentityRegistries() external view returns (address[] memory);

    /// @notice The identity of `userAddress` (zero if not stored).
    function storedIdentity(address userAddress) external view returns (IOnchainIdentity);

    /// @notice The country of `userAddress` (zero if not stored).
    function storedInvestorCountry(address userAddress) external view returns (uint16);

    /// @notice Identity and country of `userAddress` in one call (kosai extension, read on every transfer).
    function storedInvestor(address userAddress) external view returns (IOnchainIdentity identity, uint16 country);
}

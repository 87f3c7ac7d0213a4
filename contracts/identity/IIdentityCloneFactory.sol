// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IIdentityCloneFactory
/// @notice Creates investors' ONCHAINID identities as EIP-1167 minimal clones of one ONCHAINID `Identity`
/// implementation (kosai extension): far cheaper to deploy than an `IdentityProxy`, at the price of
/// identities that follow no implementation authority (a clone keeps the implementation it was made from).
interface IIdentityCloneFactory {
    /// @notice An identity was created at `identity` with `managementKey` as its only management key.
    event IdentityCreated(address indexed identity, address indexed managementKey, address indexed creator);

    /// @notice A zero address was given.
    error IdentityFactoryZeroAddress();
    /// @notice The implementation has no code.
    error IdentityFactoryImplementationNotContract(address implementation);

    /// @notice Creates an identity managed by `managementKey`: the clone is deployed and initialized in the
    /// same call, so nobody can initialize it first with a key of their own.
    /// @dev Requirements: nonzero `managementKey`. Anyone may call it (the key, not the caller, controls
    /// the identity). Emits {IdentityCreated}.
    /// @param managementKey the address whose key gets the management purpose (1).
    /// @return identity the new identity.
    function createIdentity(address managementKey) external returns (address identity);

    /// @notice The ONCHAINID `Identity` every clone delegates to.
    function implementation() external view returns (address);
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IOnchainIdentity
/// @notice The part of an ONCHAINID identity (ERC-734 keys, ERC-735 claims) that kosai reads.
/// @dev Declared here because the @onchain-id/solidity sources pin solc 0.8.17; the ABI is identical.
interface IOnchainIdentity {
    /// @notice Returns the claim stored under `claimId` = keccak256(abi.encode(issuer, topic)).
    function getClaim(
        bytes32 claimId
    )
        external
        view
        returns (
            uint256 topic,
            uint256 scheme,
            address issuer,
            bytes memory signature,
            bytes memory data,
            string memory uri
        );

    /// @notice Whether `key` (keccak256 of an abi-encoded address) holds `purpose` (1 = management).
    function keyHasPurpose(bytes32 key, uint256 purpose) external view returns (bool exists);
}

/// @title IOnchainClaimIssuer
/// @notice The part of an ONCHAINID ClaimIssuer that kosai reads.
interface IOnchainClaimIssuer {
    /// @notice Whether the issuer still stands behind a claim: its signing key is a claim key and the
    /// signature is not revoked.
    function isClaimValid(
        IOnchainIdentity identity,
        uint256 topic,
        bytes calldata sig,
        bytes calldata data
    ) external view returns (bool);

    /// @notice Whether the issuer revoked the claim carrying `sig`.
    function isClaimRevoked(bytes calldata sig) external view returns (bool);
}

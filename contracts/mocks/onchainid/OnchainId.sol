// SPDX-License-Identifier: MIT
pragma solidity 0.8.17;

// Brings ONCHAINID's own Identity, ClaimIssuer and IdentityProxy into the build unchanged, so tests and
// scripts get typed factories for them. kosai never redefines these contracts.
import "@onchain-id/solidity/contracts/Identity.sol";
import "@onchain-id/solidity/contracts/ClaimIssuer.sol";
import "@onchain-id/solidity/contracts/proxy/IdentityProxy.sol";

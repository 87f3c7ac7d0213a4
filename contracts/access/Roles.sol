// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Roles
/// @notice Role identifiers shared by every kosai contract. The owner (OpenZeppelin's default admin)
/// grants and revokes them; each role unlocks one kind of operation and nothing else.
library Roles {
    /// @notice Mints and burns units of a series (issuance, redemption).
    bytes32 internal constant SUPPLY_AGENT = keccak256("kosai.role.SUPPLY_AGENT");
    /// @notice Freezes and unfreezes whole wallets or partial amounts.
    bytes32 internal constant FREEZE_AGENT = keccak256("kosai.role.FREEZE_AGENT");
    /// @notice Moves units between holders without their signature (court orders, corporate actions).
    bytes32 internal constant TRANSFER_AGENT = keccak256("kosai.role.TRANSFER_AGENT");
    /// @notice Moves a lost wallet's position to a new wallet of the same identity.
    bytes32 internal constant RECOVERY_AGENT = keccak256("kosai.role.RECOVERY_AGENT");
    /// @notice Pauses and unpauses holder-initiated transfers.
    bytes32 internal constant PAUSE_AGENT = keccak256("kosai.role.PAUSE_AGENT");
    /// @notice Configures compliance: adds, removes and configures modules.
    bytes32 internal constant COMPLIANCE_AGENT = keccak256("kosai.role.COMPLIANCE_AGENT");
    /// @notice Creates new series through the series factory.
    bytes32 internal constant SERIES_DEPLOYER = keccak256("kosai.role.SERIES_DEPLOYER");
    /// @notice Registers, updates and removes investor identities in an identity registry.
    bytes32 internal constant REGISTRAR_AGENT = keccak256("kosai.role.REGISTRAR_AGENT");
    /// @notice Services a series as its paying agent: locks balances for a coupon's record, retires units
    /// at redemption, and (on a cash token) pays entitlements out of a funder's approved balance.
    bytes32 internal constant PAYING_AGENT = keccak256("kosai.role.PAYING_AGENT");
    /// @notice Sets the terms an issuer fixes during a bond's life (floating coupon rates, documents).
    bytes32 internal constant ISSUER_AGENT = keccak256("kosai.role.ISSUER_AGENT");
}

import { keccak256, toUtf8Bytes } from "ethers";

/** Role identifiers, identical to contracts/access/Roles.sol. */
export const ROLES = {
  SUPPLY_AGENT: keccak256(toUtf8Bytes("kosai.role.SUPPLY_AGENT")),
  FREEZE_AGENT: keccak256(toUtf8Bytes("kosai.role.FREEZE_AGENT")),
  TRANSFER_AGENT: keccak256(toUtf8Bytes("kosai.role.TRANSFER_AGENT")),
  RECOVERY_AGENT: keccak256(toUtf8Bytes("kosai.role.RECOVERY_AGENT")),
  PAUSE_AGENT: keccak256(toUtf8Bytes("kosai.role.PAUSE_AGENT")),
  COMPLIANCE_AGENT: keccak256(toUtf8Bytes("kosai.role.COMPLIANCE_AGENT")),
  SERIES_DEPLOYER: keccak256(toUtf8Bytes("kosai.role.SERIES_DEPLOYER")),
  REGISTRAR_AGENT: keccak256(toUtf8Bytes("kosai.role.REGISTRAR_AGENT")),
  DEFAULT_ADMIN: "0x0000000000000000000000000000000000000000000000000000000000000000",
} as const;

/** The five token agent roles `addAgent` grants. */
export const TOKEN_AGENT_ROLES = [
  ROLES.SUPPLY_AGENT,
  ROLES.FREEZE_AGENT,
  ROLES.TRANSFER_AGENT,
  ROLES.RECOVERY_AGENT,
  ROLES.PAUSE_AGENT,
] as const;

/** Claim topics kosai deployments use (ONCHAINID topics are plain integers). */
export const TOPICS = {
  KYC: 1n,
  AML: 2n,
  INDIVIDUAL: 10n,
  QUALIFIED_INSTITUTIONAL_INVESTOR: 11n,
  ADULT: 20n,
} as const;

/** ISO 3166-1 numeric country codes. */
export const COUNTRY = { JP: 392, US: 840, GB: 826, SG: 702, KP: 408 } as const;

/** ONCHAINID key purposes and claim scheme. */
export const KEY_PURPOSE = { MANAGEMENT: 1n, ACTION: 2n, CLAIM: 3n } as const;
export const ECDSA_SCHEME = 1n;

/** Reasons of SecurityToken.checkTransfer, in enum order. */
export const TRANSFER_CHECK = [
  "Ok",
  "ZeroAddress",
  "Paused",
  "SenderFrozen",
  "RecipientFrozen",
  "InsufficientFreeBalance",
  "RecipientNotVerified",
  "ComplianceRefused",
] as const;

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
  PAYING_AGENT: keccak256(toUtf8Bytes("kosai.role.PAYING_AGENT")),
  ISSUER_AGENT: keccak256(toUtf8Bytes("kosai.role.ISSUER_AGENT")),
  INDEX_AGENT: keccak256(toUtf8Bytes("kosai.role.INDEX_AGENT")),
  PRICE_AGENT: keccak256(toUtf8Bytes("kosai.role.PRICE_AGENT")),
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

/**
 * Area claim topics of resident-participation municipal bonds, identical to ResidentAreaModule.sol:
 * base + the 6-digit local government code (check digit included), e.g. "resides in Shinjuku-ku (131041)"
 * is topic 100131041 and "works or has an office there" is 200131041.
 */
export const RESIDENCE_TOPIC_BASE = 100_000_000n;
export const WORKPLACE_TOPIC_BASE = 200_000_000n;

function areaTopic(base: bigint, code: number | bigint): bigint {
  const value = BigInt(code);
  if (value < 0n || value > 999_999n) throw new RangeError(`not a 6-digit local government code: ${code}`);
  return base + value;
}

/** The claim topic "resides in the local government `code`" (e.g. 131041 -> 100131041). */
export function residenceTopic(code: number | bigint): bigint {
  return areaTopic(RESIDENCE_TOPIC_BASE, code);
}

/** The claim topic "works (or has an office) in the local government `code`" (e.g. 131041 -> 200131041). */
export function workplaceTopic(code: number | bigint): bigint {
  return areaTopic(WORKPLACE_TOPIC_BASE, code);
}

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
  "BalancesLocked",
] as const;

/** Bond kinds, identical to IBondToken.BondKind. */
export const BOND_KIND = {
  FixedRateJgb: 0,
  DiscountBill: 1,
  InflationIndexedJgb: 2,
  RetailFixedJgb: 3,
  RetailFloatingJgb: 4,
  MunicipalPublic: 5,
  MunicipalJoint: 6,
  MunicipalResident: 7,
} as const;
export type BondKindName = keyof typeof BOND_KIND;

/** Balance locks, identical to ISecurityToken.BalanceLock. */
export const BALANCE_LOCK = { None: 0, RecordLocked: 1, Redemption: 2 } as const;

/** Payment runs, identical to IPayingAgent.RunKind. */
export const RUN_KIND = { None: 0, Coupon: 1, Redemption: 2 } as const;

import { ethers } from "hardhat";
import type { Signer } from "ethers";
import { type BondMarket, type BondOptions, bondTerms } from "../../scripts/lib/bonds";
import { type BondKindName, ROLES, TOKEN_AGENT_ROLES, TOPICS } from "../../scripts/lib/constants";
import { type Day } from "../../scripts/lib/calendar";
import type { IBondFactory } from "../../typechain-types/contracts/bond/BondFactory";
import { addYears, fromCivil, toCivil } from "../fixtures/dates";

/**
 * Valid terms of each of the eight bond kinds, for the factory and bond token tests. Every ISIN and
 * local government code below has the right check digit (see {isinCheckDigit}, {localGovernmentCode}).
 */

export const KINDS: readonly BondKindName[] = [
  "FixedRateJgb",
  "DiscountBill",
  "InflationIndexedJgb",
  "RetailFixedJgb",
  "RetailFloatingJgb",
  "MunicipalPublic",
  "MunicipalJoint",
  "MunicipalResident",
];

/** Valid Japanese ISINs, one per kind (check digits computed by the Luhn rule, letters as two digits). */
export const ISINS: Record<BondKindName, string> = {
  FixedRateJgb: "JP1103751Q17",
  DiscountBill: "JP1741234L16",
  InflationIndexedJgb: "JP1120151Q17",
  RetailFixedJgb: "JP1051751L13",
  RetailFloatingJgb: "JP1300041M13",
  MunicipalPublic: "JP2000001A10",
  MunicipalJoint: "JP2010001B18",
  MunicipalResident: "JP2020001C16",
};

/** Local government codes (check digit included) from the published list. */
export const LGC = {
  SHINJUKU: 131041,
  TOKYO: 130001,
  SAPPORO: 11002,
  OSAKA_CITY: 271004,
  YOKOHAMA: 141003,
} as const;

/** The face unit of each kind (the issuer's own for public-offering and resident municipal bonds). */
export const UNITS: Record<BondKindName, bigint> = {
  FixedRateJgb: 50_000n,
  DiscountBill: 50_000n,
  InflationIndexedJgb: 100_000n,
  RetailFixedJgb: 10_000n,
  RetailFloatingJgb: 10_000n,
  MunicipalPublic: 100_000n,
  MunicipalJoint: 100_000n,
  MunicipalResident: 10_000n,
};

/** Resident-participation rules of the resident bond (DOMAIN.md: ¥100,000 minimum, ¥5,000,000 cap). */
export const RESIDENT_RULES: { adultTopic: bigint; minimumHolding: bigint; maximumHolding: bigint } = {
  adultTopic: TOPICS.ADULT,
  minimumHolding: 100_000n,
  maximumHolding: 5_000_000n,
};
/** Reference CPI at issue of the JGBi (3 implied decimals: 104.123). */
export const BASE_CPI = 104_123n;
/** The joint issue: lead Sapporo, then Yokohama and Osaka city, ¥10bn each. */
export const JOINT_ISSUERS = [
  { code: LGC.SAPPORO, share: 10_000_000_000n },
  { code: LGC.YOKOHAMA, share: 10_000_000_000n },
  { code: LGC.OSAKA_CITY, share: 10_000_000_000n },
];

/** `months` calendar months after `day` (same day of the month, clamped to the month's end). */
export function addMonths(day: Day, months: number): Day {
  const c = toCivil(day);
  const index = c.year * 12 + (c.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return fromCivil({ year, month, day: Math.min(c.day, last) });
}

/**
 * Valid options of `kind` issued on `issue`: the kind's tenor (10 years; 1 for the bill, 5 for retail fixed and
 * the resident bond), unit and rate, semi-annual coupons on the issue day of the month. `agents` get every token
 * agent role, `issuerAgents` ISSUER_AGENT.
 */
export function kindOptions(
  kind: BondKindName,
  issue: Day,
  cpiFeed: string,
  agents: string[] = [],
  issuerAgents: string[] = [],
): BondOptions {
  const base = {
    kind,
    isin: ISINS[kind],
    issueDate: issue,
    agents,
    issuerAgents,
    name: `${kind} series`,
    symbol: kind.slice(0, 6).toUpperCase(),
  };
  switch (kind) {
    case "FixedRateJgb":
      return {
        ...base,
        issuerName: "Ministry of Finance Japan",
        maturityDate: addYears(issue, 10),
        couponRate: 12_000,
        issueVolume: 2_600_000_000_000n,
      };
    case "DiscountBill":
      return {
        ...base,
        issuerName: "Ministry of Finance Japan",
        maturityDate: addYears(issue, 1),
        couponRate: 0,
        issueVolume: 4_000_000_000_000n,
      };
    case "InflationIndexedJgb":
      return {
        ...base,
        issuerName: "Ministry of Finance Japan",
        maturityDate: addYears(issue, 10),
        couponRate: 1_000,
        issueVolume: 250_000_000_000n,
        cpiFeed,
        baseCpi: BASE_CPI,
      };
    case "RetailFixedJgb":
      return {
        ...base,
        issuerName: "Ministry of Finance Japan",
        maturityDate: addYears(issue, 5),
        couponRate: 8_000,
        issueVolume: 300_000_000_000n,
      };
    case "RetailFloatingJgb":
      return {
        ...base,
        issuerName: "Ministry of Finance Japan",
        maturityDate: addYears(issue, 10),
        couponRate: 500,
        issueVolume: 500_000_000_000n,
      };
    case "MunicipalPublic":
      return {
        ...base,
        issuerName: "Tokyo Metropolitan Government",
        issuerCode: LGC.TOKYO,
        maturityDate: addYears(issue, 10),
        couponRate: 11_000,
        denomination: UNITS.MunicipalPublic,
        issueVolume: 50_000_000_000n,
      };
    case "MunicipalJoint":
      return {
        ...base,
        issuerName: "Joint local government bond #281",
        issuerCode: LGC.SAPPORO,
        maturityDate: addYears(issue, 10),
        couponRate: 13_000,
        issueVolume: 30_000_000_000n,
        jointIssuers: JOINT_ISSUERS,
      };
    case "MunicipalResident":
      return {
        ...base,
        issuerName: "Shinjuku City",
        issuerCode: LGC.SHINJUKU,
        maturityDate: addYears(issue, 5),
        couponRate: 6_000,
        denomination: UNITS.MunicipalResident,
        issueVolume: 1_000_000_000n,
        resident: RESIDENT_RULES,
      };
  }
}

/** The `createBond` parameters of `options`, as scripts/lib/bonds.ts builds them (paying agent roles included). */
export async function bondParams(
  market: BondMarket,
  owner: Signer,
  options: BondOptions,
): Promise<IBondFactory.BondParamsStruct> {
  const payingAgent = await market.payingAgent.getAddress();
  const retail = options.kind === "RetailFixedJgb" || options.kind === "RetailFloatingJgb";
  return {
    owner: await owner.getAddress(),
    name: options.name,
    symbol: options.symbol,
    onchainID: ethers.ZeroAddress,
    tokenRoles: [
      ...(options.agents ?? []).flatMap((account) => TOKEN_AGENT_ROLES.map((role) => ({ role, account }))),
      ...(options.issuerAgents ?? []).map((account) => ({ role: ROLES.ISSUER_AGENT, account })),
      { role: ROLES.PAYING_AGENT, account: payingAgent },
      ...(retail ? [{ role: ROLES.SUPPLY_AGENT, account: payingAgent }] : []),
    ],
    complianceAgents: [],
    terms: bondTerms(options, await market.cash.getAddress()),
    jointIssuers: options.jointIssuers ?? [],
    resident: options.resident ?? { adultTopic: 0n, minimumHolding: 0n, maximumHolding: 0n },
    extraModules: options.extraModules ?? [],
  };
}

/** The ISIN check digit of the first 11 characters (letters A=10..Z=35 as two digits, then Luhn). */
export function isinCheckDigit(body: string): number {
  const digits = [...body].map((c) => (/[0-9]/.test(c) ? c : String(c.charCodeAt(0) - 55))).join("");
  let sum = 0;
  let doubled = true;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = Number(digits[i]);
    if (doubled) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    doubled = !doubled;
  }
  return (10 - (sum % 10)) % 10;
}

/** The 6-digit local government code of a prefecture (1..47) and municipality (0..999), check digit appended. */
export function localGovernmentCode(prefecture: number, municipality: number): number {
  const five = prefecture * 1000 + municipality;
  const digits = String(five).padStart(5, "0");
  const sum = [6, 5, 4, 3, 2].reduce((s, w, i) => s + w * Number(digits[i]), 0);
  return five * 10 + ((11 - (sum % 11)) % 10);
}

/** The ISIN as the contracts take it (bytes12 of ASCII). */
export function isinBytes(isin: string): string {
  return ethers.hexlify(ethers.toUtf8Bytes(isin));
}

/** Scheduled and payment days of a packed coupon date. */
export function unpackCouponDate(packed: bigint): { scheduled: number; payment: number } {
  return { scheduled: Number(packed >> 32n), payment: Number(packed & 0xffffffffn) };
}

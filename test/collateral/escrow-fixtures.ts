import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { type BondOptions, createBond } from "../../scripts/lib/bonds";
import { enablePledging, price } from "../../scripts/lib/collateral";
import { COUNTRY, TOPICS } from "../../scripts/lib/constants";
import type { Investor, KycProvider } from "../../scripts/lib/suite";
import type { CollateralEscrow, PriceFeed } from "../../typechain-types";
import { withCollateralFixture } from "../fixtures/collateral.fixture";
import { addYears, dayOfUnix, fromCivil, jstMidnight, toCivil } from "../fixtures/dates";

/** Helpers and layered fixtures shared by the collateral tests. */

export const ESCROW_STATUS = { None: 0n, Active: 1n, Called: 2n, Defaulted: 3n, Closed: 4n } as const;

/** Haircut classes of the escrow. */
export const HAIRCUT_CLASS = { JGB: 0, JGBI: 1, MUNICIPAL: 2, CORPORATE: 3 } as const;

/** Shinjuku City (local government code 131041, check digit included). */
export const SHINJUKU = 131041;

/** Value counted for coverage, as the escrow computes it: units × price (per ¥100, 6 decimals) × factor. */
export function valueOf(units: bigint, price6: bigint, factorBps: bigint): bigint {
  return (units * price6 * factorBps) / (100_000_000n * 10_000n);
}

/** Market value (no haircut): what enforcement credits against the obligation. */
export function marketValue(units: bigint, price6: bigint): bigint {
  return (units * price6) / 100_000_000n;
}

/** Unix seconds of noon JST on the given civil date. */
export function noonJst(year: number, month: number, day: number): number {
  return jstMidnight(fromCivil({ year, month, day })) + 12 * 3600;
}

/** The first `dayOfMonth` on or after `day` (a regular coupon date). */
export function onOrAfter(day: number, dayOfMonth: number): number {
  let d = day;
  while (toCivil(d).day !== dayOfMonth) d += 1;
  return d;
}

/** Publishes `prices` (strings per ¥100) for `series`, observed now. */
export async function publish(feed: PriceFeed, series: string[], prices: string[]): Promise<void> {
  const at = await time.latest();
  await feed.publish(
    series,
    prices.map((p) => price(p)),
    series.map(() => at),
  );
}

/** Revokes `investor`'s KYC claim at its issuer (the registry then stops verifying the wallet). */
export async function revokeKyc(investor: Investor, kyc: KycProvider): Promise<void> {
  const claimId = ethers.keccak256(
    ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [await kyc.issuer.getAddress(), TOPICS.KYC]),
  );
  const [, , , signature] = await investor.identity.getClaim(claimId);
  await kyc.issuer.connect(kyc.key).revokeClaimBySignature(signature);
}

/**
 * The collateral scenario plus a Shinjuku public-offering municipal bond (¥10,000 units, 1% semi-annual,
 * about 5 years), pledgeable through the escrow, priced 99.50 and eligible at jscc; alice and bob hold
 * ¥5m of it each. `dave` is registered as a second wallet of alice's identity.
 */
export async function withMunicipalFixture() {
  const context = await loadFixture(withCollateralFixture);
  const { market, accounts, escrow, priceFeed, jscc, baseOptions, today, suite, investors } = context;
  const options: BondOptions = {
    ...baseOptions,
    kind: "MunicipalPublic",
    name: "Shinjuku City Bond 5Y",
    symbol: "SJK5",
    isin: "JP2000001A10",
    issuerCode: SHINJUKU,
    issuerName: "Shinjuku City",
    maturityDate: onOrAfter(addYears(today, 5), 20),
    couponRate: 10_000,
    denomination: 10_000n,
    issueVolume: 10_000_000_000n,
  };
  const muni = (await createBond(market, accounts.owner, options)).bond;
  await enablePledging(muni, accounts.owner, await escrow.getAddress());
  await muni.connect(accounts.agent).mint(accounts.alice.address, 5_000_000n);
  await muni.connect(accounts.agent).mint(accounts.bob.address, 5_000_000n);
  await publish(priceFeed, [await muni.getAddress()], ["99.5"]);
  await escrow.connect(jscc).setEligible(await muni.getAddress(), true);
  await suite.identityRegistry
    .connect(accounts.registrar)
    .registerIdentity(accounts.dave.address, await investors.alice.identity.getAddress(), COUNTRY.JP);
  return { ...context, muni, muniOptions: options };
}

/**
 * The collateral scenario plus a one-year discount bill (no coupons: it can be redeemed as soon as it
 * matures), pledgeable, priced 99.90 and eligible at jscc; the Ministry of Finance funds its redemption;
 * alice holds ¥5m, bob ¥1m.
 */
export async function withBillFixture() {
  const context = await loadFixture(withCollateralFixture);
  const { market, accounts, escrow, priceFeed, jscc, baseOptions, today } = context;
  const bill = (
    await createBond(market, accounts.owner, {
      ...baseOptions,
      kind: "DiscountBill",
      name: "T-Bill 1Y #1301",
      symbol: "TB1301",
      isin: "JP1741234L16",
      maturityDate: addYears(today, 1),
      couponRate: 0,
      issueVolume: 4_000_000_000_000n,
    })
  ).bond;
  const billAddress = await bill.getAddress();
  await market.payingAgent.connect(accounts.owner).setFunder(billAddress, accounts.mof.address);
  await enablePledging(bill, accounts.owner, await escrow.getAddress());
  await bill.connect(accounts.agent).mint(accounts.alice.address, 5_000_000n);
  await bill.connect(accounts.agent).mint(accounts.bob.address, 1_000_000n);
  await publish(priceFeed, [billAddress], ["99.9"]);
  await escrow.connect(jscc).setEligible(billAddress, true);
  return { ...context, bill };
}

/** Moves the chain to noon JST of `day`. */
export async function goToDay(day: number): Promise<void> {
  await time.increaseTo(jstMidnight(day) + 12 * 3600);
}

/** The JST day number of the latest block. */
export async function chainDay(): Promise<number> {
  return dayOfUnix(await time.latest());
}

/** Sum of the escrow's records of `series` over `accounts` (pledgor, secured party pairs). */
export async function escrowUnitsOf(
  escrow: CollateralEscrow,
  series: string,
  pairs: [string, string][],
): Promise<bigint> {
  let total = 0n;
  for (const [pledgor, securedParty] of pairs) {
    const [, , list, units] = await escrow.accountOf(pledgor, securedParty);
    list.forEach((s, i) => {
      if (s === series) total += units[i];
    });
  }
  return total;
}

/**
 * The BoJ reference table as shared/DOMAIN.md states it (% of market value counted, basis points), by
 * class and residual-maturity bucket (≤1y, 1–5y, 5–10y, 10–20y, 20–30y, >30y). JGBs: 99 up to 5 years;
 * JGBi: 95/95/94, the last listed applying to longer buckets.
 */
export const REFERENCE_HAIRCUTS: Record<number, readonly bigint[]> = {
  [HAIRCUT_CLASS.JGB]: [9900n, 9900n, 9800n, 9700n, 9600n, 9400n],
  [HAIRCUT_CLASS.JGBI]: [9500n, 9500n, 9400n, 9400n, 9400n, 9400n],
  [HAIRCUT_CLASS.MUNICIPAL]: [9800n, 9800n, 9700n, 9600n, 9500n, 9300n],
  [HAIRCUT_CLASS.CORPORATE]: [9700n, 9700n, 9600n, 9500n, 9400n, 9200n],
};

/** Residual maturity in calendar years, rounded up: the least n with maturity on or before today + n years. */
export function residualYears(today: number, maturity: number): number {
  let n = 1;
  while (maturity > addYears(today, n)) n += 1;
  return n;
}

/** The bucket of a residual maturity of `years` (rounded up): ≤1, ≤5, ≤10, ≤20, ≤30, longer. */
export function bucketOf(years: number): number {
  const index = [1, 5, 10, 20, 30].findIndex((limit) => years <= limit);
  return index === -1 ? 5 : index;
}

/** The reference factor of a class for a series maturing on `maturity`, seen on `today` (0 once matured). */
export function referenceFactor(haircutClass: number, today: number, maturity: number): bigint {
  if (today >= maturity) return 0n;
  return REFERENCE_HAIRCUTS[haircutClass][bucketOf(residualYears(today, maturity))];
}

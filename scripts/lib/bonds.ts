import { type ContractTransactionReceipt, type Signer } from "ethers";
import { ethers } from "hardhat";
import type {
  BondFactory,
  BondToken,
  CpiFeed,
  ModularCompliance,
  PayingAgent,
  SecurityToken,
} from "../../typechain-types";
import type { IBondFactory } from "../../typechain-types/contracts/bond/BondFactory";
import { BOND_KIND, type BondKindName, ROLES, TOKEN_AGENT_ROLES } from "./constants";
import { type Day, daysInMonth, fromCivil, toCivil } from "./calendar";
import { couponSchedule, type CouponFrequency } from "./schedule";
import { type ModuleSetup, type Suite, createSeries, deploy, send } from "./suite";

/** The bond market on top of a suite: bond factory, paying agent, CPI feed, and the yen cash token. */
export interface BondMarket {
  bondFactory: BondFactory;
  payingAgent: PayingAgent;
  cpiFeed: CpiFeed;
  /** Tokenized yen deposit (decimals 0), permissioned by the suite's identity registry. */
  cash: SecurityToken;
  cashCompliance: ModularCompliance;
}

/**
 * Deploys the bond market: the bond factory (sharing the suite's compliance beacon and modules), the
 * paying agent, the CPI feed, and the yen cash token issued by `bank` (its supply, freeze, transfer,
 * recovery and pause agent). `owner` may create bond series, operate the paying agent and publish CPI.
 */
export async function deployBondMarket(suite: Suite, owner: Signer, bank: Signer = owner): Promise<BondMarket> {
  const ownerAddress = await owner.getAddress();
  const implementation = await deploy<BondToken>("BondToken", owner);
  const m = suite.modules;
  const bondFactory = await deploy<BondFactory>(
    "BondFactory",
    owner,
    ownerAddress,
    await implementation.getAddress(),
    await suite.factory.complianceBeacon(),
    await suite.identityRegistry.getAddress(),
    {
      denomination: await m.denomination.getAddress(),
      eligibility: await m.eligibility.getAddress(),
      residentArea: await m.residentArea.getAddress(),
      maxBalance: await m.maxBalance.getAddress(),
      minimumHolding: await m.minimumHolding.getAddress(),
      supplyCap: await m.supplyCap.getAddress(),
    },
  );
  await send(bondFactory.grantRole(ROLES.SERIES_DEPLOYER, ownerAddress));
  const payingAgent = await deploy<PayingAgent>("PayingAgent", owner, ownerAddress);
  await send(payingAgent.grantRole(ROLES.PAYING_AGENT, ownerAddress));
  const cpiFeed = await deploy<CpiFeed>("CpiFeed", owner, ownerAddress);
  await send(cpiFeed.grantRole(ROLES.INDEX_AGENT, ownerAddress));

  const payingAgentAddress = await payingAgent.getAddress();
  const { token: cash, compliance: cashCompliance } = await createSeries(suite, owner, {
    name: "Tokenized JPY Deposit",
    symbol: "JPYD",
    decimals: 0,
    agents: [await bank.getAddress()],
    roles: [
      { role: ROLES.PAYING_AGENT, account: payingAgentAddress },
      { role: ROLES.FREEZE_AGENT, account: payingAgentAddress },
    ],
  });
  return { bondFactory, payingAgent, cpiFeed, cash, cashCompliance };
}

/** What {createBond} needs; dates are JST day numbers (see scripts/lib/calendar.ts). */
export interface BondOptions {
  kind: BondKindName;
  name: string;
  symbol: string;
  isin: string;
  /** 6-digit local government code of a municipal issuer; 0 (default) for the Ministry of Finance. */
  issuerCode?: number;
  issuerName: string;
  issueDate: Day;
  maturityDate: Day;
  /** Defaults to the regular coupon date before the first coupon (the first period is a full one). */
  interestStartDate?: Day;
  /** ppm per year (1% = 10,000); the minimum rate of a floating series. 0 for a discount bill. */
  couponRate: number;
  /** Coupons per year; 2 by default, 0 for a discount bill. */
  couponFrequency?: CouponFrequency | 0;
  /** Named first coupon date; by default the first regular date after issue. */
  firstCouponDate?: Day;
  /** Day of the month coupons fall on (clamped to month ends); by default maturity's. */
  couponDay?: number;
  /** Face unit in yen; defaults to the kind's (JGB and T-bill 50,000, JGBi and joint 100,000, retail 10,000). */
  denomination?: bigint;
  issueVolume: bigint;
  cpiFeed?: string;
  baseCpi?: bigint;
  jointIssuers?: { code: number; share: bigint }[];
  resident?: { adultTopic: bigint; minimumHolding: bigint; maximumHolding: bigint };
  /** Accounts granted every token agent role (registrar, custodian operations). */
  agents?: string[];
  /** Accounts granted ISSUER_AGENT (floating rates, documents). */
  issuerAgents?: string[];
  /** Accounts granted SUPPLY_AGENT only (e.g. an offering contract). */
  supplyAgents?: string[];
  extraModules?: ModuleSetup[];
}

/** Face unit of each kind whose unit is fixed (the factory's rule); municipal public and resident bonds name theirs. */
export const KIND_UNIT: Partial<Record<BondKindName, bigint>> = {
  FixedRateJgb: 50_000n,
  DiscountBill: 50_000n,
  InflationIndexedJgb: 100_000n,
  RetailFixedJgb: 10_000n,
  RetailFloatingJgb: 10_000n,
  MunicipalJoint: 100_000n,
};

/** The same day of the month `months` earlier, clamped to the month's end (the regular date before). */
export function monthsBefore(day: Day, months: number): Day {
  const c = toCivil(day);
  const index = c.year * 12 + (c.month - 1) - months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return fromCivil({ year, month, day: Math.min(c.day, daysInMonth(year, month)) });
}

/** Packs a coupon date as the contracts store it: `(scheduled << 32) | payment`. */
export function packCouponDate(scheduled: Day, payment: Day): bigint {
  return (BigInt(scheduled) << 32n) | BigInt(payment);
}

/** The terms struct for {createBond}, with the business-day-adjusted schedule built by the calendar. */
export function bondTerms(options: BondOptions, currency: string): IBondFactory.BondParamsStruct["terms"] {
  const frequency = options.couponFrequency ?? (options.kind === "DiscountBill" ? 0 : 2);
  const dates =
    frequency === 0
      ? []
      : couponSchedule({
          issueDate: options.issueDate,
          maturityDate: options.maturityDate,
          frequency,
          firstCouponDate: options.firstCouponDate,
          couponDay: options.couponDay,
        }).payments.map((p) => packCouponDate(p.scheduled, p.payment));
  // Interest starts on the regular date before the first coupon (every period is a full one).
  const firstScheduled = dates.length === 0 ? options.issueDate : Number(dates[0] >> 32n);
  const interestStart =
    options.interestStartDate ?? (frequency === 0 ? options.issueDate : monthsBefore(firstScheduled, 12 / frequency));
  const denomination = options.denomination ?? KIND_UNIT[options.kind];
  if (denomination === undefined) throw new Error(`${options.kind}: denomination (face unit) is required`);
  const isin = ethers.toUtf8Bytes(options.isin);
  if (isin.length !== 12) throw new Error(`ISIN must be 12 characters: ${options.isin}`);
  return {
    kind: BOND_KIND[options.kind],
    isin: ethers.hexlify(isin),
    issuerCode: options.issuerCode ?? 0,
    interestStartDate: interestStart,
    issueDate: options.issueDate,
    maturityDate: options.maturityDate,
    couponRate: options.couponRate,
    couponFrequency: frequency,
    currency,
    denomination,
    issueVolume: options.issueVolume,
    cpiFeed: options.cpiFeed ?? ethers.ZeroAddress,
    baseCpi: options.baseCpi ?? 0n,
    issuerName: options.issuerName,
    couponDates: dates,
  };
}

/** A bond series and its compliance. */
export interface BondSeries {
  bond: BondToken;
  compliance: ModularCompliance;
  receipt: ContractTransactionReceipt;
}

/**
 * Creates a bond series of any kind in one transaction. The paying agent gets PAYING_AGENT (record lock,
 * redemption) and, on retail series, SUPPLY_AGENT (early redemption).
 */
export async function createBond(market: BondMarket, owner: Signer, options: BondOptions): Promise<BondSeries> {
  const payingAgent = await market.payingAgent.getAddress();
  const retail = options.kind === "RetailFixedJgb" || options.kind === "RetailFloatingJgb";
  const grants = [
    ...(options.agents ?? []).flatMap((account) => TOKEN_AGENT_ROLES.map((role) => ({ role, account }))),
    ...(options.issuerAgents ?? []).map((account) => ({ role: ROLES.ISSUER_AGENT, account })),
    ...(options.supplyAgents ?? []).map((account) => ({ role: ROLES.SUPPLY_AGENT, account })),
    { role: ROLES.PAYING_AGENT, account: payingAgent },
    ...(retail ? [{ role: ROLES.SUPPLY_AGENT, account: payingAgent }] : []),
  ];
  const params: IBondFactory.BondParamsStruct = {
    owner: await owner.getAddress(),
    name: options.name,
    symbol: options.symbol,
    onchainID: ethers.ZeroAddress,
    tokenRoles: grants,
    complianceAgents: [],
    terms: bondTerms(options, await market.cash.getAddress()),
    jointIssuers: options.jointIssuers ?? [],
    resident: options.resident ?? { adultTopic: 0n, minimumHolding: 0n, maximumHolding: 0n },
    extraModules: options.extraModules ?? [],
  };
  const receipt = await send(market.bondFactory.connect(owner).createBond(params));
  const event = receipt.logs
    .map((log) => {
      try {
        return market.bondFactory.interface.parseLog(log);
      } catch {
        return null;
      }
    })
    .find((parsed) => parsed?.name === "BondSeriesCreated");
  if (!event) throw new Error("BondSeriesCreated not emitted");
  const bond = (await ethers.getContractAt("BondToken", event.args.token)) as unknown as BondToken;
  const compliance = (await ethers.getContractAt(
    "ModularCompliance",
    event.args.compliance,
  )) as unknown as ModularCompliance;
  return { bond, compliance, receipt };
}

/** Holders of `token` with a nonzero balance, in ascending address order (the order payment runs take). */
export async function holdersOf(token: SecurityToken | BondToken, candidates: string[]): Promise<string[]> {
  const unique = [...new Set(candidates.map((a) => ethers.getAddress(a)))];
  const balances = await Promise.all(unique.map((a) => token.balanceOf(a)));
  return unique.filter((_, i) => balances[i] > 0n).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
}

/**
 * Pays the open run of `bond` to `holders` (any order; sorted here) in batches of `batchSize`.
 * Returns the receipts. The run completes with the last batch.
 */
export async function payRun(
  market: BondMarket,
  operator: Signer,
  bond: string,
  holders: string[],
  batchSize = 200,
): Promise<ContractTransactionReceipt[]> {
  const sorted = [...new Set(holders.map((a) => ethers.getAddress(a)))].sort((a, b) =>
    BigInt(a) < BigInt(b) ? -1 : 1,
  );
  const receipts: ContractTransactionReceipt[] = [];
  for (let i = 0; i < sorted.length; i += batchSize) {
    receipts.push(await send(market.payingAgent.connect(operator).payBatch(bond, sorted.slice(i, i + batchSize))));
  }
  return receipts;
}

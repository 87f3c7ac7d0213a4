/**
 * Bond gas benchmark: `npx hardhat run scripts/bench-bonds.ts`, or `benchBonds()` from another script.
 * On a fresh suite and bond market (in-process Hardhat, cancun): a coupon run and a redemption run over
 * 1,000 holders (per holder, amortized over the opening and every batch), the coupon with holders who
 * already hold cash against their first cash receipt, and `createBond` of each of the eight kinds.
 * The 1,000 holders are extra wallets of three onboarded identities (the payment path reads no identity).
 *
 * Where a coupon's gas goes, per holder (debug trace of a 50-holder batch, first cash receipt, ≈ 34k):
 * the cash token's `distribute` ≈ 27.5k (of which 22.1k is the recipient's new balance slot, cold read +
 * zero-to-nonzero write, and 1.8k its Transfer event), the bond's `balanceOf` through its beacon proxy
 * ≈ 4.0k (2.1k the cold balance slot, the rest proxy and ABI overhead), the paying agent's own loop and
 * cumulative rounding ≈ 3.2k, calldata ≈ 0.4k. A holder who already holds cash costs 17k less.
 */
import { ethers, network } from "hardhat";
import type { ContractTransactionReceipt, Signer } from "ethers";
import { type BondMarket, type BondOptions, createBond, deployBondMarket } from "./lib/bonds";
import { type Day, dayOfUnix, fromCivil, nextBusinessDay, toCivil } from "./lib/calendar";
import { COUNTRY, TOPICS, type BondKindName } from "./lib/constants";
import { deploySuite, onboardInvestor, send, setUpKyc } from "./lib/suite";

/** One measurement. */
export interface BenchRow {
  label: string;
  gas: bigint;
  note?: string;
}

const HOLDERS = 1_000;
/** Holders per payBatch: 4 even batches of ~7.5M gas each, well inside a 30M block (MAX_BATCH is 300). */
const BATCH = 250;
/** Wallets registered or minted per transaction while setting up. */
const SETUP_CHUNK = 100;
/** kosai's target for a coupon, per holder, amortized over the run. */
const COUPON_TARGET = 30_000n;

/** An ISIN with its check digit: letters as two digits (A=10 … Z=35), then Luhn over the digit string. */
function isin(body: string): string {
  const digits = [...body].map((c) => (/[0-9]/.test(c) ? c : String(c.charCodeAt(0) - 55))).join("");
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

/** A local government code with its check digit: (11 − Σ 6,5,4,3,2 × digits mod 11) mod 10. */
function localGovernmentCode(firstFive: number): number {
  const d = String(firstFive).padStart(5, "0").split("").map(Number);
  const s = 6 * d[0] + 5 * d[1] + 4 * d[2] + 3 * d[3] + 2 * d[4];
  return firstFive * 10 + ((11 - (s % 11)) % 10);
}

/** The first `dayOfMonth` on or after `day`. */
function nextDayOfMonth(day: Day, dayOfMonth: number): Day {
  let d = day;
  while (toCivil(d).day !== dayOfMonth) d += 1;
  return d;
}

/** The same date `years` later (29 February becomes 28 February). */
function addYears(day: Day, years: number): Day {
  const c = toCivil(day);
  const year = c.year + years;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return fromCivil({ year, month: c.month, day: c.month === 2 && c.day === 29 && !leap ? 28 : c.day });
}

async function latestDay(): Promise<Day> {
  const block = await ethers.provider.getBlock("latest");
  return dayOfUnix(block!.timestamp);
}

async function travelTo(day: Day) {
  const target = day * 86_400 - 9 * 3_600 + 3_600;
  const block = await ethers.provider.getBlock("latest");
  if (target > block!.timestamp) await network.provider.send("evm_mine", [target]);
}

const total = (receipts: ContractTransactionReceipt[]) => receipts.reduce((sum, r) => sum + r.gasUsed, 0n);
const fmt = (gas: bigint) => gas.toLocaleString("en-US");

/** The terms of each kind for `createBond`, issued on `issue`. */
async function kindOptions(market: BondMarket, issue: Day, agent: string): Promise<Record<BondKindName, BondOptions>> {
  const base = {
    issuerName: "Ministry of Finance Japan",
    issueDate: issue,
    issueVolume: 1_000_000_000_000n,
    agents: [agent],
  };
  const tenYears = nextDayOfMonth(addYears(issue, 10), 20);
  const tokyo = localGovernmentCode(13000);
  // A joint issue of 37 prefectures, Hokkaido (01) to Kumamoto (43) minus six, Hokkaido leading.
  const joint = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28]
    .concat([29, 30, 33, 34, 35, 37, 38, 40, 43])
    .map((prefecture) => localGovernmentCode(prefecture * 1_000));
  const share = (1_000_000_000_000n / BigInt(joint.length) / 100_000n) * 100_000n;
  const jointIssuers = joint.map((code, i) => ({
    code,
    share: i === 0 ? 1_000_000_000_000n - share * BigInt(joint.length - 1) : share,
  }));
  return {
    FixedRateJgb: {
      ...base,
      kind: "FixedRateJgb",
      name: "JGB 10Y",
      symbol: "JGB",
      isin: isin("JP1103901R1"),
      maturityDate: tenYears,
      couponRate: 12_000,
    },
    DiscountBill: {
      ...base,
      kind: "DiscountBill",
      name: "T-Bill 6M",
      symbol: "TDB",
      isin: isin("JP1741301R1"),
      maturityDate: nextBusinessDay(issue + 182),
      couponRate: 0,
      couponFrequency: 0,
    },
    InflationIndexedJgb: {
      ...base,
      kind: "InflationIndexedJgb",
      name: "JGBi 10Y",
      symbol: "JGBI",
      isin: isin("JP1120301R1"),
      maturityDate: nextDayOfMonth(addYears(issue, 10), 10),
      couponRate: 1_000,
      cpiFeed: await market.cpiFeed.getAddress(),
      baseCpi: 104_123n,
    },
    RetailFixedJgb: {
      ...base,
      kind: "RetailFixedJgb",
      name: "Retail JGB Fixed 5Y",
      symbol: "RJGB5",
      isin: isin("JP1160301R1"),
      maturityDate: nextDayOfMonth(addYears(issue, 5), 15),
      couponRate: 5_000,
    },
    RetailFloatingJgb: {
      ...base,
      kind: "RetailFloatingJgb",
      name: "Retail JGB Floating 10Y",
      symbol: "RJGB10",
      isin: isin("JP1170301R1"),
      maturityDate: nextDayOfMonth(addYears(issue, 10), 15),
      couponRate: 500,
    },
    MunicipalPublic: {
      ...base,
      kind: "MunicipalPublic",
      name: "Tokyo Metropolitan Bond 10Y",
      symbol: "TMB",
      isin: isin("JP2130011R1"),
      issuerCode: tokyo,
      issuerName: "Tokyo Metropolitan Government",
      maturityDate: tenYears,
      couponRate: 9_000,
      denomination: 10_000n,
    },
    MunicipalJoint: {
      ...base,
      kind: "MunicipalJoint",
      name: "Joint Local Government Bond 10Y",
      symbol: "JLGB",
      isin: isin("JP2000011R1"),
      issuerCode: joint[0],
      issuerName: "Joint local governments (37)",
      maturityDate: nextDayOfMonth(addYears(issue, 10), 25),
      couponRate: 10_000,
      jointIssuers,
    },
    MunicipalResident: {
      ...base,
      kind: "MunicipalResident",
      name: "Shinjuku Resident Bond 5Y",
      symbol: "SRB",
      isin: isin("JP2131041R1"),
      issuerCode: localGovernmentCode(13104),
      issuerName: "Shinjuku City",
      maturityDate: nextDayOfMonth(addYears(issue, 5), 20),
      couponRate: 3_000,
      denomination: 10_000n,
      issueVolume: 1_000_000_000n,
      resident: { adultTopic: TOPICS.ADULT, minimumHolding: 100_000n, maximumHolding: 5_000_000n },
    },
  };
}

/** Runs the benchmark on a snapshot of the chain (reverted afterwards) and returns the measurements. */
export async function benchBonds(): Promise<BenchRow[]> {
  if (network.name !== "hardhat") throw new Error("bench-bonds runs on the in-process hardhat network only");
  const snapshot = await network.provider.send("evm_snapshot", []);
  try {
    return await measure();
  } finally {
    await network.provider.send("evm_revert", [snapshot]);
  }
}

async function measure(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const [owner, agent, registrar, kycKey, bank, mof, alice, bob, carol] = (await ethers.getSigners()) as Signer[];
  const agentAddress = await agent.getAddress();
  const mofAddress = await mof.getAddress();
  const suite = await deploySuite(owner, registrar);
  const kyc = await setUpKyc(suite, owner, kycKey, [TOPICS.KYC, TOPICS.INDIVIDUAL, TOPICS.ADULT]);
  const market = await deployBondMarket(suite, owner, bank);
  await onboardInvestor({ suite, registrar, kyc, wallet: mof, topics: [TOPICS.KYC] });
  const identities: string[] = [];
  for (const wallet of [alice, bob, carol]) {
    const investor = await onboardInvestor({
      suite,
      registrar,
      kyc,
      wallet,
      topics: [TOPICS.KYC, TOPICS.INDIVIDUAL, TOPICS.ADULT],
    });
    identities.push(await investor.identity.getAddress());
  }
  await send(market.cash.connect(bank).mint(mofAddress, 100_000_000_000n));
  await send(market.cash.connect(mof).approve(await market.payingAgent.getAddress(), ethers.MaxUint256));

  // ------------------------------------------------------------ series creation per kind
  const issue = await latestDay();
  const options = await kindOptions(market, issue, agentAddress);
  for (const [kind, terms] of Object.entries(options) as [BondKindName, BondOptions][]) {
    const { receipt } = await createBond(market, owner, terms);
    rows.push({
      label: `createBond: ${kind}`,
      gas: receipt.gasUsed,
      note: kind === "MunicipalJoint" ? "37 joint issuers" : undefined,
    });
  }

  // ------------------------------------------------------------ 1,000 holders of a 2-year JGB
  const { bond } = await createBond(market, owner, {
    kind: "FixedRateJgb",
    name: "JGB 2Y #470",
    symbol: "JGB470",
    isin: isin("JP1024701R1"),
    issuerName: "Ministry of Finance Japan",
    issueDate: issue,
    maturityDate: nextDayOfMonth(addYears(issue, 2), 20),
    couponRate: 12_345,
    issueVolume: 3_000_000_000_000n,
    agents: [agentAddress],
  });
  const bondAddress = await bond.getAddress();
  await send(market.payingAgent.connect(owner).setFunder(bondAddress, mofAddress));
  const wallets = Array.from({ length: HOLDERS }, (_, i) =>
    ethers.getAddress(ethers.dataSlice(ethers.keccak256(ethers.toUtf8Bytes(`kosai bench holder ${i}`)), 12)),
  ).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  for (let i = 0; i < HOLDERS; i += SETUP_CHUNK) {
    const chunk = wallets.slice(i, i + SETUP_CHUNK);
    await send(
      suite.identityRegistry.connect(registrar).batchRegisterIdentity(
        chunk,
        chunk.map((_, j) => identities[(i + j) % identities.length]),
        chunk.map(() => COUNTRY.JP),
      ),
    );
    await send(
      bond.connect(agent).batchMint(
        chunk,
        chunk.map((_, j) => 50_000n * BigInt(1 + ((i + j) % 40))),
      ),
    );
  }

  const run = async (open: () => Promise<ContractTransactionReceipt>) => {
    const receipts = [await open()];
    for (let i = 0; i < HOLDERS; i += BATCH) {
      receipts.push(await send(market.payingAgent.connect(owner).payBatch(bondAddress, wallets.slice(i, i + BATCH))));
    }
    return receipts;
  };
  const coupon = async (period: number) => {
    const [, payment] = await bond.couponDate(period);
    await travelTo(Number(payment));
    return run(() => send(market.payingAgent.connect(owner).openCoupon(bondAddress, period)));
  };
  const summary = (receipts: ContractTransactionReceipt[]) =>
    `open ${fmt(receipts[0].gasUsed)} + ${receipts.length - 1} batches of ${BATCH} (${receipts
      .slice(1)
      .map((r) => fmt(r.gasUsed))
      .join(", ")}), total ${fmt(total(receipts))}`;

  const first = await coupon(0);
  const firstPerHolder = total(first) / BigInt(HOLDERS);
  rows.push({
    label: `coupon per holder, ${fmt(BigInt(HOLDERS))} holders, first cash receipt`,
    gas: firstPerHolder,
    note: `${summary(first)}; target ≤ ${fmt(COUPON_TARGET)}`,
  });
  const second = await coupon(1);
  rows.push({
    label: `coupon per holder, ${fmt(BigInt(HOLDERS))} holders already holding cash`,
    gas: total(second) / BigInt(HOLDERS),
    note: `${summary(second)}; target ≤ ${fmt(COUPON_TARGET)}`,
  });
  const count = Number(await bond.couponCount());
  for (let period = 2; period < count; period++) await coupon(period);
  const redemption = await run(() => send(market.payingAgent.connect(owner).openRedemption(bondAddress)));
  rows.push({
    label: `redemption per holder, ${fmt(BigInt(HOLDERS))} holders (units retired, principal paid)`,
    gas: total(redemption) / BigInt(HOLDERS),
    note: summary(redemption),
  });
  if ((await bond.totalSupply()) !== 0n) throw new Error("bench: redemption left units outstanding");
  return rows;
}

function print(rows: BenchRow[]) {
  process.stdout.write("kosai bond gas benchmark (in-process Hardhat, hardfork cancun, optimizer 200 runs)\n\n");
  process.stdout.write("| operation | gas | note |\n|---|---:|---|\n");
  for (const row of rows) process.stdout.write(`| ${row.label} | ${fmt(row.gas)} | ${row.note ?? ""} |\n`);
}

if (require.main === module) {
  benchBonds()
    .then(print)
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    });
}

/**
 * Gas of the intraday repo (contracts/collateral/IntradayRepo.sol). `scripts/bench.ts` may add the rows of
 * {benchRepo} to its table; `npx hardhat run scripts/bench-repo.ts` prints them alone. Everything runs
 * inside an EVM snapshot that is reverted at the end.
 *
 * Two settings, each on its own suite with KYC required:
 * - plain: a bond series and a yen cash series without compliance modules (as the DvP bench), one KYC
 *   topic and one trusted issuer;
 * - JGB: a 10-year JGB created by the bond factory (denomination and eligibility modules, KYC + individual
 *   + adult topics) against the bond market's yen cash token.
 * Every party has its own ONCHAINID, already holds both tokens (¥20m face, ¥100m cash: no balance goes to or
 * from zero) and has approved the repo contract for an unlimited amount on both (so `transferFrom` writes no
 * allowance). Each repo moves ¥5m face against ¥4,990,000 at 0.5% a year.
 */
import { ethers, network } from "hardhat";
import { MaxUint256, type Signer } from "ethers";
import { COUNTRY, TOPICS } from "./lib/constants";
import { createBond, deployBondMarket } from "./lib/bonds";
import { dayOfUnix, fromCivil, toCivil } from "./lib/calendar";
import { createSeries, deploySuite, onboardInvestor, setUpKyc } from "./lib/suite";
import type { IntradayRepo } from "../typechain-types";

/** One row of the gas table. */
export interface RepoBenchRow {
  label: string;
  gas: bigint;
  note?: string;
}

interface Repo {
  borrower: string;
  lender: string;
  bond: string;
  units: bigint;
  cash: string;
  purchasePrice: bigint;
  rate: bigint;
  openBy: bigint;
  repurchaseTime: bigint;
  deadline: bigint;
  nonce: bigint;
}

const REPO_TYPES = {
  Repo: [
    { name: "borrower", type: "address" },
    { name: "lender", type: "address" },
    { name: "bond", type: "address" },
    { name: "units", type: "uint256" },
    { name: "cash", type: "address" },
    { name: "purchasePrice", type: "uint256" },
    { name: "rate", type: "int32" },
    { name: "openBy", type: "uint64" },
    { name: "repurchaseTime", type: "uint64" },
    { name: "deadline", type: "uint64" },
    { name: "nonce", type: "uint256" },
  ],
};

const HOUR = 3_600n;

async function gasOf(tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("no receipt");
  return receipt.gasUsed;
}

async function snapshotRevert<T>(fn: () => Promise<T>): Promise<T> {
  const id = await network.provider.send("evm_snapshot", []);
  try {
    return await fn();
  } finally {
    await network.provider.send("evm_revert", [id]);
  }
}

async function now(): Promise<bigint> {
  return BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
}

async function setNextTime(timestamp: bigint) {
  await network.provider.send("evm_setNextBlockTimestamp", [Number(timestamp)]);
}

/** A market: the bond and cash tokens, the repo contract, and two funded, approving parties. */
interface Market {
  bond: string;
  cash: string;
  repo: IntradayRepo;
  borrower: Signer;
  lender: Signer;
}

interface Approvable {
  connect(signer: Signer): { approve(spender: string, amount: bigint): Promise<{ wait(): Promise<unknown> }> };
}

async function deployRepo(owner: Signer): Promise<IntradayRepo> {
  const repo = (await (await ethers.getContractFactory("IntradayRepo", owner)).deploy()) as unknown as IntradayRepo;
  await repo.waitForDeployment();
  return repo;
}

async function approveBoth(repo: IntradayRepo, tokens: Approvable[], wallets: Signer[]) {
  const spender = await repo.getAddress();
  for (const wallet of wallets) {
    for (const token of tokens) await (await token.connect(wallet).approve(spender, MaxUint256)).wait();
  }
}

/** Plain series: no compliance modules, one KYC topic. */
async function plainMarket(): Promise<Market> {
  const [owner, agent, registrar, kycKey, borrower, lender] = await ethers.getSigners();
  const suite = await deploySuite(owner, registrar);
  const kyc = await setUpKyc(suite, owner, kycKey);
  const bond = await createSeries(suite, owner, { name: "JGB 10Y #375", symbol: "JGB375", agents: [agent.address] });
  const cash = await createSeries(suite, owner, { name: "JPY deposit token", symbol: "JPYD", agents: [agent.address] });
  const repo = await deployRepo(owner);
  for (const wallet of [borrower, lender]) {
    await onboardInvestor({ suite, registrar, kyc, wallet, country: COUNTRY.JP });
    await (await bond.token.connect(agent).mint(wallet.address, 20_000_000n)).wait();
    await (await cash.token.connect(agent).mint(wallet.address, 100_000_000n)).wait();
  }
  await approveBoth(repo, [bond.token, cash.token], [borrower, lender]);
  return { bond: await bond.token.getAddress(), cash: await cash.token.getAddress(), repo, borrower, lender };
}

/** A 10-year JGB from the bond factory (its compliance modules) and the bond market's cash token. */
async function jgbMarket(): Promise<Market> {
  const [owner, agent, registrar, kycKey, bank, , , borrower, lender] = await ethers.getSigners();
  const suite = await deploySuite(owner, registrar);
  const topics = [TOPICS.KYC, TOPICS.INDIVIDUAL, TOPICS.ADULT];
  const kyc = await setUpKyc(suite, owner, kycKey, topics);
  const market = await deployBondMarket(suite, owner, bank);
  const today = dayOfUnix(await now());
  const civil = toCivil(today);
  // The first 20th (a regular JGB coupon day) on or after the tenth anniversary.
  let maturityDate = fromCivil({ year: civil.year + 10, month: civil.month, day: Math.min(civil.day, 28) });
  while (toCivil(maturityDate).day !== 20) maturityDate += 1;
  const { bond } = await createBond(market, owner, {
    kind: "FixedRateJgb",
    name: "JGB 10Y #381",
    symbol: "JGB381",
    isin: "JP1103751Q17",
    issuerName: "Ministry of Finance Japan",
    issueDate: today,
    maturityDate,
    couponRate: 12_000,
    issueVolume: 2_600_000_000_000n,
    agents: [agent.address],
    issuerAgents: [owner.address],
  });
  const repo = await deployRepo(owner);
  for (const wallet of [borrower, lender]) {
    await onboardInvestor({ suite, registrar, kyc, wallet, country: COUNTRY.JP, topics });
    await (await bond.connect(agent).mint(wallet.address, 20_000_000n)).wait();
    await (await market.cash.connect(bank).mint(wallet.address, 100_000_000n)).wait();
  }
  await approveBoth(repo, [bond, market.cash], [borrower, lender]);
  return { bond: await bond.getAddress(), cash: await market.cash.getAddress(), repo, borrower, lender };
}

async function termsOf(m: Market, nonce: bigint): Promise<Repo> {
  const t = await now();
  return {
    borrower: await m.borrower.getAddress(),
    lender: await m.lender.getAddress(),
    bond: m.bond,
    units: 5_000_000n,
    cash: m.cash,
    purchasePrice: 4_990_000n,
    rate: 5_000n,
    openBy: t + HOUR,
    repurchaseTime: t + 8n * HOUR,
    deadline: t + 10n * HOUR,
    nonce,
  };
}

interface Figures {
  instruct: bigint;
  affirm: bigint;
  open: bigint;
  openWithSignature: bigint;
  close: bigint;
  markFailed: bigint;
}

/** One repo by instruct/affirm/open/close, one by openWithSignature/markFailed. */
async function measure(m: Market): Promise<Figures> {
  const { repo, borrower, lender } = m;
  const first = await termsOf(m, 0n);
  const instruct = await gasOf(repo.connect(borrower).instruct(first));
  const affirm = await gasOf(repo.connect(lender).affirm(first));
  const open = await gasOf(repo.connect(borrower).open(first));

  const second = await termsOf(m, 1n);
  const domain = {
    name: "kosai IntradayRepo",
    version: "1",
    chainId: (await ethers.provider.getNetwork()).chainId,
    verifyingContract: await repo.getAddress(),
  };
  const signature = await lender.signTypedData(domain, REPO_TYPES, second);
  const openWithSignature = await gasOf(repo.connect(borrower).openWithSignature(second, signature));

  await setNextTime(first.repurchaseTime);
  const close = await gasOf(repo.connect(borrower).close(first));
  await setNextTime(second.deadline + 1n);
  const markFailed = await gasOf(repo.markFailed(second));
  return { instruct, affirm, open, openWithSignature, close, markFailed };
}

const fmt = (n: bigint) => n.toLocaleString("en-US");

/**
 * Measures the repo steps on plain series and on a factory-made JGB. Rows carry the plain figures; the
 * notes give the JGB's.
 */
export async function benchRepo(): Promise<RepoBenchRow[]> {
  return snapshotRevert(async () => {
    const plain = await snapshotRevert(async () => measure(await plainMarket()));
    const jgb = await snapshotRevert(async () => measure(await jgbMarket()));
    const recorded = plain.instruct + plain.affirm + plain.open;
    return [
      { label: "repo instruct (borrower records the terms)", gas: plain.instruct, note: `JGB ${fmt(jgb.instruct)}` },
      { label: "repo affirm (lender)", gas: plain.affirm, note: `JGB ${fmt(jgb.affirm)}` },
      {
        label: "repo open (opening leg, both legs checked)",
        gas: plain.open,
        note: `JGB with its compliance modules ${fmt(jgb.open)}; instruct + affirm + open ${fmt(recorded)}`,
      },
      {
        label: "repo openWithSignature (record with the lender's signature + opening leg)",
        gas: plain.openWithSignature,
        note: `JGB ${fmt(jgb.openWithSignature)}`,
      },
      {
        label: "repo close (closing leg, both legs checked)",
        gas: plain.close,
        note: `JGB with its compliance modules ${fmt(jgb.close)}`,
      },
      { label: "repo markFailed (lender keeps the bonds)", gas: plain.markFailed, note: `JGB ${fmt(jgb.markFailed)}` },
    ];
  });
}

if (require.main === module) {
  benchRepo()
    .then((rows) => {
      for (const row of rows)
        process.stdout.write(`${row.label}: ${fmt(row.gas)}${row.note ? ` (${row.note})` : ""}\n`);
    })
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    });
}

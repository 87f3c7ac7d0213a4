import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256, TypedDataEncoder, type Signer } from "ethers";
import { withBondHoldersFixture } from "../fixtures/bond.fixture";
import type { IntradayRepo } from "../../typechain-types";

/**
 * Fixtures and helpers for the intraday repo tests, on the bond scenario (test/fixtures/bond.fixture.ts):
 * a 10-year JGB (¥50,000 face units) and the yen cash token (0 decimals: one unit = ¥1); alice holds ¥10m
 * face, bob ¥5m, carol ¥2.5m, each ¥100m cash, and each has approved the repo contract for an unlimited
 * amount on both tokens. dave and eve are not onboarded.
 */

/** RepoStatus of IIntradayRepo, in enum order. */
export const STATUS = {
  None: 0n,
  Instructed: 1n,
  Affirmed: 2n,
  Open: 3n,
  Closed: 4n,
  Failed: 5n,
  Cancelled: 6n,
  Lapsed: 7n,
} as const;

export const HOUR = 3_600n;
export const DAY = 86_400n;
/** JGB coupon bonds trade in whole ¥50,000 face units. */
export const JGB_UNIT = 50_000n;
/** The day-count year of the interest convention (Act/365 by the second) times ppm. */
export const INTEREST_DENOMINATOR = 365n * DAY * 1_000_000n;

/** IIntradayRepo.Repo with concrete values. */
export interface Repo {
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

/** EIP-712 types of a repo, as IntradayRepo.REPO_TYPEHASH. */
export const REPO_TYPES = {
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

/** The repo as the tuple events carry. */
export function tuple(r: Repo) {
  return [
    r.borrower,
    r.lender,
    r.bond,
    r.units,
    r.cash,
    r.purchasePrice,
    r.rate,
    r.openBy,
    r.repurchaseTime,
    r.deadline,
    r.nonce,
  ];
}

/**
 * The interest convention, written independently of the contract: Act/365 by the second from the opening
 * time to the agreed repurchase time, the yen amount truncated toward zero (bigint division truncates).
 */
export function interestOf(r: Repo, openedAt: bigint): { interest: bigint; repurchasePrice: bigint } {
  const interest = (r.purchasePrice * r.rate * (r.repurchaseTime - openedAt)) / INTEREST_DENOMINATOR;
  return { interest, repurchasePrice: r.purchasePrice + interest };
}

/** The bond holders scenario plus the repo contract, approved by alice, bob and carol on both tokens. */
export async function repoFixture() {
  const context = await loadFixture(withBondHoldersFixture);
  const { accounts, bond, market } = context;
  const factory = await ethers.getContractFactory("IntradayRepo");
  const repo = (await factory.deploy()) as unknown as IntradayRepo;
  await repo.waitForDeployment();
  for (const investor of [accounts.alice, accounts.bob, accounts.carol]) {
    await bond.connect(investor).approve(repo, MaxUint256);
    await market.cash.connect(investor).approve(repo, MaxUint256);
  }
  return { ...context, cash: market.cash, repo };
}

export type RepoContext = Awaited<ReturnType<typeof repoFixture>>;

/**
 * A repo in which alice (borrower) sells ¥5m face (100 JGB units) to bob (lender) for ¥4,990,000 at 0.5% a
 * year: open within the hour, repurchase 8 hours from now, deadline 2 hours later. `overrides` replace
 * any field.
 */
export async function makeRepo(c: RepoContext, overrides: Partial<Repo> = {}): Promise<Repo> {
  const now = BigInt(await time.latest());
  const repurchaseTime = overrides.repurchaseTime ?? now + 8n * HOUR;
  return {
    borrower: c.accounts.alice.address,
    lender: c.accounts.bob.address,
    bond: await c.bond.getAddress(),
    units: 100n * JGB_UNIT,
    cash: await c.cash.getAddress(),
    purchasePrice: 4_990_000n,
    rate: 5_000n,
    openBy: now + HOUR,
    repurchaseTime,
    deadline: repurchaseTime + 2n * HOUR,
    nonce: 0n,
    ...overrides,
  };
}

/** The EIP-712 domain of `repo`. */
export async function domainOf(repo: IntradayRepo) {
  const { chainId } = await ethers.provider.getNetwork();
  return { name: "kosai IntradayRepo", version: "1", chainId, verifyingContract: await repo.getAddress() };
}

/** The repo id computed off-chain: the EIP-712 digest. */
export async function idOf(repo: IntradayRepo, r: Repo): Promise<string> {
  return TypedDataEncoder.hash(await domainOf(repo), REPO_TYPES, r);
}

/** `signer`'s EIP-712 signature over `r`. */
export async function signRepo(signer: Signer, repo: IntradayRepo, r: Repo): Promise<string> {
  return signer.signTypedData(await domainOf(repo), REPO_TYPES, r);
}

/** Records `r` as affirmed: the borrower instructs, the lender affirms. Returns its id. */
export async function affirmed(c: RepoContext, r: Repo): Promise<string> {
  await c.repo.connect(await ethers.getSigner(r.borrower)).instruct(r);
  await c.repo.connect(await ethers.getSigner(r.lender)).affirm(r);
  return idOf(c.repo, r);
}

/** Bond and cash balances of `wallets`, in order. */
export async function balances(c: RepoContext, wallets: { address: string }[]) {
  return {
    bond: await Promise.all(wallets.map((w) => c.bond.balanceOf(w.address))),
    cash: await Promise.all(wallets.map((w) => c.cash.balanceOf(w.address))),
  };
}

import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { keccak256, MaxUint256, toUtf8Bytes, TypedDataEncoder, type Signer } from "ethers";
import { createSeries } from "../../scripts/lib/suite";
import { deploySuiteFixture } from "../fixtures/suite.fixture";
import type { DvpSettlement } from "../../typechain-types";

/**
 * Fixtures and helpers for the DvP settlement tests. Two kosai series on one suite: the base fixture's
 * "JGB 10Y #375" is the bond (0 decimals: one unit = ¥1 of face) and a new "JPY deposit token" series is
 * the cash (0 decimals: one unit = ¥1). alice, bob (JP) and charlie (US) are onboarded, hold both and have
 * approved the settlement contract for an unlimited amount on both tokens; dave and eve are not onboarded.
 */

/** Identical to DvpSettlement.SETTLEMENT_AGENT. */
export const SETTLEMENT_AGENT = keccak256(toUtf8Bytes("kosai.role.SETTLEMENT_AGENT"));

/** TradeStatus of IDvpSettlement, in enum order. */
export const STATUS = { None: 0n, Instructed: 1n, Affirmed: 2n, Settled: 3n, Cancelled: 4n, Expired: 5n } as const;

/** JGB coupon bonds trade in whole ¥50,000 face units. */
export const JGB_UNIT = 50_000n;
/** Face each investor starts with: ¥10m (200 JGB units). */
export const START_BOND = 10_000_000n;
/** Cash each investor starts with: ¥20m. */
export const START_CASH = 20_000_000n;
export const DAY = 86_400n;

/** IDvpSettlement.Trade with concrete values. */
export interface Trade {
  seller: string;
  buyer: string;
  bond: string;
  units: bigint;
  cash: string;
  cashAmount: bigint;
  settleAfter: bigint;
  expiry: bigint;
  nonce: bigint;
}

/** EIP-712 types of a trade, as DvpSettlement.TRADE_TYPEHASH. */
export const TRADE_TYPES = {
  Trade: [
    { name: "seller", type: "address" },
    { name: "buyer", type: "address" },
    { name: "bond", type: "address" },
    { name: "units", type: "uint256" },
    { name: "cash", type: "address" },
    { name: "cashAmount", type: "uint256" },
    { name: "settleAfter", type: "uint64" },
    { name: "expiry", type: "uint64" },
    { name: "nonce", type: "uint256" },
  ],
};

/** The trade as the tuple events and errors carry. */
export function tuple(t: Trade) {
  return [t.seller, t.buyer, t.bond, t.units, t.cash, t.cashAmount, t.settleAfter, t.expiry, t.nonce];
}

/** The base scenario plus the cash series, the settlement contract and a settlement agent. */
export async function dvpFixture() {
  const context = await loadFixture(deploySuiteFixture);
  const { suite, accounts } = context;
  const signers = await ethers.getSigners();
  const settlementAgent = signers[10];
  const cashSeries = await createSeries(suite, accounts.owner, {
    name: "JPY deposit token",
    symbol: "JPYD",
    decimals: 0,
    agents: [accounts.agent.address],
  });
  const bond = context.token;
  const cash = cashSeries.token;
  const factory = await ethers.getContractFactory("DvpSettlement");
  const dvp = (await factory.deploy(accounts.owner.address)) as unknown as DvpSettlement;
  await dvp.waitForDeployment();
  await dvp.connect(accounts.owner).grantRole(SETTLEMENT_AGENT, settlementAgent.address);

  const { alice, bob, charlie } = accounts;
  for (const investor of [alice, bob, charlie]) {
    await bond.connect(accounts.agent).mint(investor.address, START_BOND);
    await cash.connect(accounts.agent).mint(investor.address, START_CASH);
    await bond.connect(investor).approve(dvp, MaxUint256);
    await cash.connect(investor).approve(dvp, MaxUint256);
  }
  return {
    ...context,
    accounts: { ...accounts, settlementAgent },
    bond,
    cash,
    cashCompliance: cashSeries.compliance,
    dvp,
  };
}

export type DvpContext = Awaited<ReturnType<typeof dvpFixture>>;

/**
 * A trade between alice (seller) and bob (buyer): ¥1m face (20 JGB units) at 99.50, so ¥995,000 cash,
 * settling T+1 from now, expiring a day after that. `overrides` replace any field.
 */
export async function makeTrade(c: DvpContext, overrides: Partial<Trade> = {}): Promise<Trade> {
  const now = BigInt(await time.latest());
  const settleAfter = overrides.settleAfter ?? now + DAY;
  return {
    seller: c.accounts.alice.address,
    buyer: c.accounts.bob.address,
    bond: await c.bond.getAddress(),
    units: 20n * JGB_UNIT,
    cash: await c.cash.getAddress(),
    cashAmount: 995_000n,
    settleAfter,
    expiry: settleAfter + DAY,
    nonce: 0n,
    ...overrides,
  };
}

/** The EIP-712 domain of `dvp`. */
export async function domainOf(dvp: DvpSettlement) {
  const { chainId } = await ethers.provider.getNetwork();
  return { name: "kosai DvpSettlement", version: "1", chainId, verifyingContract: await dvp.getAddress() };
}

/** The trade id computed off-chain: the EIP-712 digest. */
export async function idOf(dvp: DvpSettlement, trade: Trade): Promise<string> {
  return TypedDataEncoder.hash(await domainOf(dvp), TRADE_TYPES, trade);
}

/** `signer`'s EIP-712 signature over `trade`. */
export async function signTrade(signer: Signer, dvp: DvpSettlement, trade: Trade): Promise<string> {
  return signer.signTypedData(await domainOf(dvp), TRADE_TYPES, trade);
}

/** Records `trade` as affirmed: the seller instructs, the buyer affirms. Returns its id. */
export async function affirmed(c: DvpContext, trade: Trade): Promise<string> {
  const seller = await ethers.getSigner(trade.seller);
  const buyer = await ethers.getSigner(trade.buyer);
  await c.dvp.connect(seller).instruct(trade);
  await c.dvp.connect(buyer).affirm(trade);
  return idOf(c.dvp, trade);
}

/** Bond and cash balances of `wallets`, in order. */
export async function balances(c: DvpContext, wallets: { address: string }[]) {
  return {
    bond: await Promise.all(wallets.map((w) => c.bond.balanceOf(w.address))),
    cash: await Promise.all(wallets.map((w) => c.cash.balanceOf(w.address))),
  };
}

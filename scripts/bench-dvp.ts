/**
 * Gas of DvP settlement (contracts/settlement/DvpSettlement.sol). `scripts/bench.ts` adds the rows of
 * {benchDvp} to its table; `npx hardhat run scripts/bench-dvp.ts` prints them alone, with more figures
 * (recording a trade, a settlement with compliance modules on both series) and the call frames of one
 * settlement. Everything runs inside an EVM snapshot that is reverted at the end.
 *
 * Setting: one suite, KYC required (one topic, one trusted issuer), a bond series and a yen cash series
 * (0 decimals, no compliance modules), every party its own ONCHAINID, already holding both tokens, and an
 * unlimited approval of the settlement contract on both (so `transferFrom` writes no allowance).
 */
import { ethers, network } from "hardhat";
import { MaxUint256, type Signer } from "ethers";
import { COUNTRY } from "./lib/constants";
import { createSeries, deploySuite, onboardInvestor, setUpKyc, type Series, type Suite } from "./lib/suite";
import type { DvpSettlement } from "../typechain-types";

/** One row of the gas table. */
export interface DvpBenchRow {
  label: string;
  gas: bigint;
  target?: string;
  note?: string;
}

interface Trade {
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

const TRADE_TYPES = {
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

const SETTLEMENT_AGENT = ethers.id("kosai.role.SETTLEMENT_AGENT");
const BATCH = 100;
const DAY = 86_400n;

async function gasOf(tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("no receipt");
  return receipt.gasUsed;
}

/** A funded random wallet (the Hardhat accounts are too few for a batch of distinct parties). */
async function freshWallet(): Promise<Signer> {
  const wallet = ethers.Wallet.createRandom().connect(ethers.provider);
  await network.provider.send("hardhat_setBalance", [wallet.address, "0x56BC75E2D63100000"]);
  return wallet;
}

interface Market {
  suite: Suite;
  bond: Series;
  cash: Series;
  dvp: DvpSettlement;
  agent: Signer;
  settlementAgent: Signer;
  onboard(wallet: Signer): Promise<void>;
}

async function deployMarket(): Promise<Market> {
  const [owner, agent, registrar, kycKey, settlementAgent] = await ethers.getSigners();
  const suite = await deploySuite(owner, registrar);
  const kyc = await setUpKyc(suite, owner, kycKey);
  const bond = await createSeries(suite, owner, { name: "JGB 10Y #375", symbol: "JGB375", agents: [agent.address] });
  const cash = await createSeries(suite, owner, { name: "JPY deposit token", symbol: "JPYD", agents: [agent.address] });
  const dvp = (await (
    await ethers.getContractFactory("DvpSettlement", owner)
  ).deploy(owner.address)) as unknown as DvpSettlement;
  await dvp.waitForDeployment();
  await (await dvp.grantRole(SETTLEMENT_AGENT, settlementAgent.address)).wait();
  const onboard = async (wallet: Signer) => {
    const address = await wallet.getAddress();
    await onboardInvestor({ suite, registrar, kyc, wallet, country: COUNTRY.JP });
    await (await bond.token.connect(agent).mint(address, 10_000_000n)).wait();
    await (await cash.token.connect(agent).mint(address, 20_000_000n)).wait();
    await (await bond.token.connect(wallet).approve(dvp, MaxUint256)).wait();
    await (await cash.token.connect(wallet).approve(dvp, MaxUint256)).wait();
  };
  return { suite, bond, cash, dvp, agent, settlementAgent, onboard };
}

async function tradeBetween(m: Market, seller: Signer, buyer: Signer, nonce: bigint): Promise<Trade> {
  const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  return {
    seller: await seller.getAddress(),
    buyer: await buyer.getAddress(),
    bond: await m.bond.token.getAddress(),
    units: 1_000_000n,
    cash: await m.cash.token.getAddress(),
    cashAmount: 995_000n,
    settleAfter: now + DAY,
    expiry: now + 2n * DAY,
    nonce,
  };
}

async function signedByBoth(m: Market, trade: Trade, seller: Signer, buyer: Signer) {
  const domain = {
    name: "kosai DvpSettlement",
    version: "1",
    chainId: (await ethers.provider.getNetwork()).chainId,
    verifyingContract: await m.dvp.getAddress(),
  };
  const sellerSig = await seller.signTypedData(domain, TRADE_TYPES, trade);
  const buyerSig = await buyer.signTypedData(domain, TRADE_TYPES, trade);
  return gasOf(m.dvp.connect(m.settlementAgent).instructWithSignatures(trade, sellerSig, buyerSig));
}

async function advancePast(timestamp: bigint) {
  await network.provider.send("evm_setNextBlockTimestamp", [Number(timestamp)]);
  await network.provider.send("evm_mine", []);
}

async function snapshotRevert<T>(fn: () => Promise<T>): Promise<T> {
  const id = await network.provider.send("evm_snapshot", []);
  try {
    return await fn();
  } finally {
    await network.provider.send("evm_revert", [id]);
  }
}

/** Adds a country allow-list (Japan) to a series' compliance, so its transfers consult compliance. */
async function addCountryAllowList(m: Market, series: Series) {
  const [owner] = await ethers.getSigners();
  const module = m.suite.modules.countryAllow;
  await (await series.compliance.connect(owner).addModule(module)).wait();
  await (
    await series.compliance
      .connect(owner)
      .callModuleFunction(module.interface.encodeFunctionData("listCountries", [[COUNTRY.JP]]), module)
  ).wait();
}

/** Prints each call frame of transaction `hash` with the gas it used. */
async function printFrames(hash: string, names: Map<string, string>) {
  const trace = (await network.provider.send("debug_traceTransaction", [
    hash,
    { disableStorage: true, disableMemory: true },
  ])) as {
    structLogs: { op: string; gas: number; depth: number; stack: string[] }[];
  };
  const logs = trace.structLogs;
  for (let i = 0; i < logs.length; i++) {
    const log = logs[i];
    if (!["CALL", "STATICCALL", "DELEGATECALL"].includes(log.op)) continue;
    const target = ethers.getAddress(
      "0x" +
        BigInt("0x" + log.stack[log.stack.length - 2])
          .toString(16)
          .padStart(40, "0"),
    );
    let j = i + 1;
    while (j < logs.length && logs[j].depth > log.depth) j++;
    const used = log.gas - (logs[j]?.gas ?? 0);
    process.stdout.write(
      `${"  ".repeat(log.depth)}${log.op} ${names.get(target) ?? target} ${used.toLocaleString("en-US")}\n`,
    );
  }
}

/**
 * Measures DvP settlement: one trade on its own, and one batch of 100 trades between 200 distinct
 * parties (per-trade figure). With `details`, also prints extra figures and the call frames of one
 * settlement.
 */
export async function benchDvp(details = false): Promise<DvpBenchRow[]> {
  return snapshotRevert(async () => {
    const m = await deployMarket();
    const say = (text: string) => details && process.stdout.write(`${text}\n`);

    // ------------------------------------------------------------ one trade
    const [alice, bob] = [await freshWallet(), await freshWallet()];
    for (const w of [alice, bob]) await m.onboard(w);
    const single = await tradeBetween(m, alice, bob, 0n);
    const instructGas = await gasOf(m.dvp.connect(alice).instruct(single));
    const affirmGas = await gasOf(m.dvp.connect(bob).affirm(single));
    const bySignatures = await tradeBetween(m, alice, bob, 1n);
    const signaturesGas = await signedByBoth(m, bySignatures, alice, bob);
    await advancePast(single.settleAfter);
    const settleTx = await m.dvp.settle(single);
    const settleGas = await gasOf(Promise.resolve(settleTx));
    say(`instruct ${instructGas}, affirm ${affirmGas}, instructWithSignatures ${signaturesGas}`);
    say(`settle (no modules) ${settleGas}`);
    if (details) {
      const names = new Map<string, string>([
        [await m.bond.token.getAddress(), "bond token proxy"],
        [await m.cash.token.getAddress(), "cash token proxy"],
        [await m.suite.factory.tokenBeacon(), "token beacon"],
        [await m.suite.identityRegistry.getAddress(), "IdentityRegistry"],
        [await m.suite.identityStorage.getAddress(), "IdentityRegistryStorage"],
      ]);
      await printFrames(settleTx.hash, names);
    }

    // the same settlement with a country allow-list on both series (compliance consulted on both legs)
    const withModules = await snapshotRevert(async () => {
      await addCountryAllowList(m, m.bond);
      await addCountryAllowList(m, m.cash);
      return gasOf(m.dvp.settle(bySignatures));
    });
    say(`settle with a country allow-list on both series ${withModules}`);
    if (details) {
      const cashOnly = await snapshotRevert(async () => {
        await addCountryAllowList(m, m.cash);
        return gasOf(m.dvp.settle(bySignatures));
      });
      say(`settle with a country allow-list on the cash series only ${cashOnly}`);
      const exact = await snapshotRevert(async () => {
        await (await m.bond.token.connect(alice).approve(m.dvp, bySignatures.units)).wait();
        await (await m.cash.token.connect(bob).approve(m.dvp, bySignatures.cashAmount)).wait();
        return gasOf(m.dvp.settle(bySignatures));
      });
      say(`settle with exact (finite) approvals, spent to zero ${exact}`);
      const larger = await snapshotRevert(async () => {
        await (await m.bond.token.connect(alice).approve(m.dvp, 10n * bySignatures.units)).wait();
        await (await m.cash.token.connect(bob).approve(m.dvp, 10n * bySignatures.cashAmount)).wait();
        return gasOf(m.dvp.settle(bySignatures));
      });
      say(`settle with finite approvals left nonzero ${larger}`);
    }

    // ------------------------------------------------------------ a batch of 100, 200 distinct parties
    const trades: Trade[] = [];
    for (let i = 0; i < BATCH; i++) {
      const [seller, buyer] = [await freshWallet(), await freshWallet()];
      await m.onboard(seller);
      await m.onboard(buyer);
      const trade = await tradeBetween(m, seller, buyer, BigInt(i));
      await signedByBoth(m, trade, seller, buyer);
      trades.push(trade);
    }
    await advancePast(trades[trades.length - 1].settleAfter);
    const batchGas = await gasOf(m.dvp.settleBatch(trades));
    const settledEvents = await m.dvp.queryFilter(m.dvp.filters.TradeSettled(), "latest");
    if (settledEvents.length !== BATCH) throw new Error(`batch settled ${settledEvents.length} of ${BATCH}`);
    say(`settleBatch(${BATCH}) ${batchGas}`);

    return [
      {
        label: "DvP settle (one trade, both legs checked)",
        gas: settleGas,
        target: "≤ 150,000",
        note: `both legs under every holder rule, recipients KYC-verified, no modules; with a country allow-list on both series: ${withModules.toLocaleString("en-US")}`,
      },
      {
        label: `DvP settle, per trade in a batch of ${BATCH}`,
        gas: batchGas / BigInt(BATCH),
        note: `200 distinct parties; whole batch ${batchGas.toLocaleString("en-US")}`,
      },
    ];
  });
}

if (require.main === module) {
  benchDvp(true)
    .then((rows) => {
      for (const row of rows)
        process.stdout.write(`${row.label}: ${row.gas.toLocaleString("en-US")} (${row.note ?? ""})\n`);
    })
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    });
}

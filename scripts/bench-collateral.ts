/**
 * Gas of the collateral escrow (contracts/collateral/CollateralEscrow.sol) and the pledge side of the
 * token. `npx hardhat run scripts/bench-collateral.ts` prints the rows and, for a first pledge, a further
 * pledge and a release, where the gas goes (call frames, storage reads and writes by contract). Other
 * scripts import {benchCollateral}. Everything runs inside an EVM snapshot that is reverted at the end.
 *
 * Setting: one suite (KYC required: one topic, one trusted issuer), the bond market, a 10-year JGB
 * (¥50,000 units) and a Shinjuku municipal bond (¥10,000 units), both priced and eligible at a clearing
 * house whose policy takes prices up to a day old and cash; alice's requirement ¥9m, bob's ¥4m.
 */
import { ethers, network } from "hardhat";
import { MaxUint256 } from "ethers";
import { COUNTRY, TOPICS } from "./lib/constants";
import { type BondOptions, createBond, deployBondMarket } from "./lib/bonds";
import { dayOfUnix, fromCivil, toCivil, type Day } from "./lib/calendar";
import { deployCollateral, enablePledging, price } from "./lib/collateral";
import { deploySuite, onboardInvestor, setUpKyc } from "./lib/suite";

/** One row of the gas table. */
export interface CollateralBenchRow {
  label: string;
  gas: bigint;
  note?: string;
}

interface StructLog {
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
  stack: string[];
}

async function gasOf(tx: Promise<{ hash: string; wait(): Promise<{ gasUsed: bigint } | null> }>) {
  const sent = await tx;
  const receipt = await sent.wait();
  if (!receipt) throw new Error("no receipt");
  return { gas: receipt.gasUsed, hash: sent.hash };
}

async function snapshotRevert<T>(fn: () => Promise<T>): Promise<T> {
  const id = await network.provider.send("evm_snapshot", []);
  try {
    return await fn();
  } finally {
    await network.provider.send("evm_revert", [id]);
  }
}

async function now(): Promise<number> {
  return (await ethers.provider.getBlock("latest"))!.timestamp;
}

/** The same date `years` later (29 February: 28 February). */
function addYears(day: Day, years: number): Day {
  const c = toCivil(day);
  return fromCivil({ year: c.year + years, month: c.month, day: c.month === 2 && c.day === 29 ? 28 : c.day });
}

/** The first `dayOfMonth` on or after `day`. */
function onOrAfter(day: Day, dayOfMonth: number): Day {
  let d = day;
  while (new Date(d * 86_400_000).getUTCDate() !== dayOfMonth) d += 1;
  return d;
}

async function deployMarket() {
  const [owner, agent, registrar, kycKey, bank, mof, alice, bob, jscc, buyer] = await ethers.getSigners();
  const suite = await deploySuite(owner, registrar);
  const kyc = await setUpKyc(suite, owner, kycKey, [TOPICS.KYC]);
  const market = await deployBondMarket(suite, owner, bank);
  for (const wallet of [mof, alice, bob, jscc, buyer]) {
    await onboardInvestor({ suite, registrar, kyc, wallet, country: COUNTRY.JP });
  }
  const today = dayOfUnix(await now());
  const jgbOptions: BondOptions = {
    kind: "FixedRateJgb",
    name: "JGB 10Y #381",
    symbol: "JGB381",
    isin: "JP1103751Q17",
    issuerName: "Ministry of Finance Japan",
    issueDate: today,
    maturityDate: onOrAfter(addYears(today, 10), 20),
    couponRate: 12_000,
    issueVolume: 2_600_000_000_000n,
    agents: [agent.address],
  };
  const jgb = (await createBond(market, owner, jgbOptions)).bond;
  const muni = (
    await createBond(market, owner, {
      ...jgbOptions,
      kind: "MunicipalPublic",
      name: "Shinjuku City Bond 5Y",
      symbol: "SJK5",
      isin: "JP2000001A10",
      issuerCode: 131041,
      issuerName: "Shinjuku City",
      maturityDate: onOrAfter(addYears(today, 5), 20),
      couponRate: 5_000,
      denomination: 10_000n,
      issueVolume: 10_000_000_000n,
    })
  ).bond;
  const { escrow, priceFeed } = await deployCollateral({ suite, market, owner, registrar, kyc });
  const escrowAddress = await escrow.getAddress();
  for (const series of [jgb, muni]) {
    await enablePledging(series, owner, escrowAddress);
    await (await series.connect(agent).mint(alice.address, 20_000_000n)).wait();
    await (await series.connect(agent).mint(bob.address, 10_000_000n)).wait();
  }
  const [j, m] = [await jgb.getAddress(), await muni.getAddress()];
  await (await priceFeed.publish([j, m], [price("100"), price("99.5")], [await now(), await now()])).wait();
  await (await escrow.connect(jscc).setPolicy(86_400, true)).wait();
  for (const s of [j, m]) await (await escrow.connect(jscc).setEligible(s, true)).wait();
  await (await escrow.connect(jscc).setRequirement(alice.address, 9_000_000n)).wait();
  await (await escrow.connect(jscc).setRequirement(bob.address, 4_000_000n)).wait();
  await (await market.cash.connect(bank).mint(buyer.address, 100_000_000n)).wait();
  await (await market.cash.connect(buyer).approve(escrowAddress, MaxUint256)).wait();
  const names = new Map<string, string>([
    [escrowAddress, "CollateralEscrow"],
    [j, "JGB proxy"],
    [m, "municipal proxy"],
    [await suite.factory.tokenBeacon(), "token beacon"],
    [await market.bondFactory.bondBeacon(), "bond beacon"],
    [
      await (await ethers.getContractAt("UpgradeableBeacon", await market.bondFactory.bondBeacon())).implementation(),
      "BondToken implementation",
    ],
    [await market.bondFactory.getAddress(), "BondFactory"],
    [await priceFeed.getAddress(), "PriceFeed"],
    [await suite.identityRegistry.getAddress(), "IdentityRegistry"],
    [await suite.identityStorage.getAddress(), "IdentityRegistryStorage"],
    [await market.cash.getAddress(), "cash proxy"],
  ]);
  return { escrow, priceFeed, jgb, muni, j, m, alice, bob, jscc, buyer, names };
}

/** The call frames of transaction `hash` with the gas each used, and the SLOAD/SSTORE/LOG gas per depth. */
async function printBreakdown(label: string, hash: string, names: Map<string, string>) {
  const trace = (await network.provider.send("debug_traceTransaction", [
    hash,
    { disableStorage: true, disableMemory: true },
  ])) as { structLogs: StructLog[] };
  const logs = trace.structLogs;
  const receipt = await ethers.provider.getTransactionReceipt(hash);
  process.stdout.write(`\n${label}: ${receipt!.gasUsed.toLocaleString("en-US")} gas\n`);
  const byDepth = new Map<number, Record<string, { n: number; gas: number }>>();
  for (let i = 0; i < logs.length; i++) {
    const log = logs[i];
    if (["SLOAD", "SSTORE", "LOG1", "LOG2", "LOG3", "LOG4", "TLOAD", "TSTORE"].includes(log.op)) {
      const row = byDepth.get(log.depth) ?? {};
      const op = log.op.startsWith("LOG") ? "LOG" : log.op;
      row[op] = { n: (row[op]?.n ?? 0) + 1, gas: (row[op]?.gas ?? 0) + log.gasCost };
      byDepth.set(log.depth, row);
    }
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
  for (const [depth, ops] of [...byDepth.entries()].sort((a, b) => a[0] - b[0])) {
    const parts = Object.entries(ops).map(([op, v]) => `${op} ${v.n}× ${v.gas.toLocaleString("en-US")}`);
    process.stdout.write(`  depth ${depth}: ${parts.join(", ")}\n`);
  }
}

/**
 * Measures the escrow's operations. With `details`, prints where the gas of a first pledge, a further
 * pledge and a release goes.
 */
export async function benchCollateral(details = false): Promise<CollateralBenchRow[]> {
  return snapshotRevert(async () => {
    const c = await deployMarket();
    const { escrow, priceFeed, j, m, alice, bob, jscc, buyer, names } = c;
    const rows: CollateralBenchRow[] = [];
    const row = (label: string, gas: bigint, note?: string) => rows.push({ label, gas, note });
    const show = async (label: string, hash: string) => details && printBreakdown(label, hash, names);

    // ------------------------------------------------------------ pledge and release (alice)
    const first = await gasOf(escrow.connect(alice).pledge(jscc.address, j, 9_500_000n));
    row("escrow pledge (first units of a series in the account)", first.gas, "new record and list entry");
    await show("pledge, first of the series", first.hash);
    const further = await gasOf(escrow.connect(alice).pledge(jscc.address, j, 500_000n));
    row("escrow pledge (more of a series already pledged)", further.gas);
    await show("pledge, further units", further.hash);
    const release = await gasOf(escrow.connect(alice).release(jscc.address, j, 500_000n));
    row("escrow release (partial; coverage checked, one series)", release.gas);
    await show("release, one series in the account", release.hash);
    const second = await gasOf(escrow.connect(alice).pledge(jscc.address, m, 1_000_000n));
    row("escrow pledge (a second series into the account)", second.gas);
    const release2 = await gasOf(escrow.connect(alice).release(jscc.address, m, 500_000n));
    row("escrow release (partial; coverage checked, two series)", release2.gas);
    await show("release, two series in the account", release2.hash);
    const substitute = await gasOf(escrow.connect(alice).substitute(jscc.address, j, 1_000_000n, m, 1_010_000n));
    row("escrow substitute (two series, coverage before and after)", substitute.gas);

    // ------------------------------------------------------------ margin call and top-up (alice)
    await (await priceFeed.publish([j], [price("90")], [await now()])).wait();
    const call = await gasOf(escrow.connect(jscc).marginCall(alice.address, (await now()) + 86_400));
    row("escrow marginCall", call.gas);
    const topUp = await gasOf(escrow.connect(alice).pledge(jscc.address, m, 1_000_000n));
    row("escrow pledge that meets a margin call", topUp.gas, "coverage computed, MarginCallMet");

    // ------------------------------------------------------------ default and enforcement (bob)
    await (await escrow.connect(bob).pledge(jscc.address, j, 4_500_000n)).wait();
    await (await escrow.connect(bob).pledge(jscc.address, m, 500_000n)).wait();
    await (await priceFeed.publish([j, m], [price("80"), price("80")], [await now(), await now()])).wait();
    const deadline = (await now()) + 3_600;
    await (await escrow.connect(jscc).marginCall(bob.address, deadline)).wait();
    await network.provider.send("evm_setNextBlockTimestamp", [deadline + 60]);
    await (await priceFeed.publish([j, m], [price("80"), price("80")], [deadline + 60, deadline + 60])).wait();
    const declare = await gasOf(escrow.connect(jscc).declareDefault(bob.address));
    row("escrow declareDefault", declare.gas);
    const take = await gasOf(escrow.connect(jscc).enforceTake(bob.address, j, 2_000_000n));
    row("escrow enforceTake (units to the secured party through compliance)", take.gas);
    const list = await gasOf(
      escrow.connect(jscc).listSale(bob.address, j, 2_500_000n, buyer.address, 2_600_000n, deadline + 86_400),
    );
    row("escrow listSale", list.gas);
    const buy = await gasOf(escrow.connect(buyer).buy(1n));
    row("escrow buy (DvP: cash in, units out, obligation and surplus paid)", buy.gas);

    // ------------------------------------------------------------ the obligation ends (alice)
    await (await escrow.connect(alice).pledge(jscc.address, m, 5_000_000n)).wait();
    const releaseAll = await gasOf(escrow.connect(jscc).releaseAll(alice.address));
    row("escrow releaseAll (two series)", releaseAll.gas);
    return rows;
  });
}

if (require.main === module) {
  benchCollateral(true)
    .then((rows) => {
      process.stdout.write("\n");
      for (const r of rows) {
        process.stdout.write(`${r.label}: ${r.gas.toLocaleString("en-US")}${r.note ? ` (${r.note})` : ""}\n`);
      }
    })
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    });
}

/**
 * Gas benchmark: `npm run bench`. Deploys fresh suites on the in-process Hardhat network (cancun) and
 * prints gasUsed per operation next to T-REX 4.1.6's measured figures and kosai's targets.
 * `BENCH_WRITE=1 npm run bench` also rewrites the table in README.md (hardhat run takes no script arguments).
 */
import fs from "node:fs";
import path from "node:path";
import { ethers, network } from "hardhat";
import type { ContractTransactionResponse, Signer } from "ethers";
import { COUNTRY, TOPICS } from "./lib/constants";
import { accountGas, type TraceStep } from "./lib/gas-accounting";
import { createIdentityClone, deployClaimIssuer, deployIdentity, issueClaim } from "./lib/onchainid";
import { createSeries, deploySuite, onboardInvestor, setUpKyc, type Suite } from "./lib/suite";
import { benchBonds } from "./bench-bonds";
import { benchCollateral } from "./bench-collateral";
import { benchDvp } from "./bench-dvp";
import { benchRepo } from "./bench-repo";

interface Row {
  operation: string;
  kosai: bigint;
  trex?: string;
  target?: string;
  note?: string;
}

const rows: Row[] = [];

async function gas(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("no receipt");
  return receipt.gasUsed;
}

/** gasUsed of a transaction, and a note splitting it into the EVM's access, write and log charges and computation. */
async function gasWithAccounting(tx: Promise<ContractTransactionResponse>): Promise<{ gasUsed: bigint; note: string }> {
  const sent = await tx;
  const receipt = await sent.wait();
  if (!receipt) throw new Error("no receipt");
  const trace = (await network.provider.send("debug_traceTransaction", [
    sent.hash,
    { disableStorage: true, disableMemory: true },
  ])) as { structLogs: TraceStep[] };
  const block = await ethers.provider.getBlock(receipt.blockNumber);
  const a = accountGas({
    gasUsed: Number(receipt.gasUsed),
    from: sent.from,
    to: sent.to!,
    data: sent.data,
    coinbase: block!.miner,
    steps: trace.structLogs,
  });
  const charges = a.gasUsed - a.computation;
  const accounts = a.cold.filter((c) => c.kind === "account").length;
  const slots = a.cold.filter((c) => c.kind === "slot" && c.op === "SLOAD").length;
  const n = (value: number) => value.toLocaleString("en-US");
  return {
    gasUsed: receipt.gasUsed,
    note: `charges ${n(charges)} (${accounts} cold accounts, ${slots} cold slot reads, writes ${n(a.storageWrites)}) + computation ${n(a.computation)}`,
  };
}

function record(row: Row) {
  rows.push(row);
  process.stdout.write(`  ${row.operation}: ${row.kosai.toLocaleString("en-US")}\n`);
}

async function snapshotRevert<T>(fn: () => Promise<T>): Promise<T> {
  const id = await network.provider.send("evm_snapshot", []);
  try {
    return await fn();
  } finally {
    await network.provider.send("evm_revert", [id]);
  }
}

async function baseScenario(signers: Signer[]) {
  const [owner, agent, registrar, kycKey, alice, bob, charlie, dave] = signers;
  const suite = await deploySuite(owner, registrar);
  const kyc = await setUpKyc(suite, owner, kycKey);
  const { token, receipt } = await createSeries(suite, owner, {
    name: "JGB 10Y #375",
    symbol: "JGB375",
    agents: [await agent.getAddress()],
  });
  const investors = [];
  for (const wallet of [alice, bob, charlie]) {
    investors.push(await onboardInvestor({ suite, registrar, kyc, wallet }));
  }
  return {
    suite,
    kyc,
    token,
    createGas: receipt.gasUsed,
    owner,
    agent,
    registrar,
    kycKey,
    alice,
    bob,
    charlie,
    dave,
    investors,
  };
}

async function measureOnboarding(
  suite: Suite,
  registrar: Signer,
  kyc: Awaited<ReturnType<typeof setUpKyc>>,
  wallet: Signer,
) {
  // For comparison: an IdentityProxy following the implementation authority (ONCHAINID's own way).
  await deployIdentity(wallet, suite.identityAuthority);
  const proxyReceipt = await ethers.provider.getTransactionReceipt(
    (await ethers.provider.getBlock("latest", false))!.transactions[0],
  );
  const proxyGas = proxyReceipt!.gasUsed;
  // kosai's onboarding: a minimal clone of the same Identity, created and initialized in one transaction.
  const identity = await createIdentityClone(suite.identityFactory, wallet);
  const cloneReceipt = await ethers.provider.getTransactionReceipt(
    (await ethers.provider.getBlock("latest", false))!.transactions[0],
  );
  const deployGas = cloneReceipt!.gasUsed;
  const before = await ethers.provider.getBlockNumber();
  await issueClaim({ identity, identityOwner: wallet, issuer: kyc.issuer, issuerKey: kyc.key, topic: TOPICS.KYC });
  const claimBlock = await ethers.provider.getBlock(before + 1, true);
  const claimGas = (await ethers.provider.getTransactionReceipt(claimBlock!.transactions[0]))!.gasUsed;
  const registerGas = await gas(
    suite.identityRegistry
      .connect(registrar)
      .registerIdentity(await wallet.getAddress(), await identity.getAddress(), COUNTRY.JP),
  );
  return { deployGas, proxyGas, claimGas, registerGas };
}

async function main() {
  if (network.name !== "hardhat") throw new Error("bench runs on the in-process hardhat network only");
  const signers = await ethers.getSigners();
  process.stdout.write("kosai gas benchmark (in-process Hardhat, hardfork cancun, optimizer 200 runs)\n");

  // ---------------------------------------------------------------- base: 1 topic, 1 issuer, no modules
  const base = await baseScenario(signers);
  const { token, agent, alice, bob, charlie, dave, suite, kyc, registrar } = base;
  const [a, b, c] = [alice, bob, charlie].map((s) => s as Signer);
  const addr = async (s: Signer) => s.getAddress();

  const firstMint = await gas(token.connect(agent).mint(await addr(b), 1_000_000n));
  const mint = await gasWithAccounting(token.connect(agent).mint(await addr(a), 1_000_000n));
  record({
    operation: "mint to a new holder",
    kosai: mint.gasUsed,
    trex: "226,341",
    target: "≤ 90,000",
    note: `${mint.note}; the series' very first mint also takes the supply from zero: ${firstMint.toLocaleString("en-US")}`,
  });
  const existing = await gasWithAccounting(token.connect(a).transfer(await addr(b), 50_000n));
  record({
    operation: "transfer to an existing holder, 1 claim topic, no modules",
    kosai: existing.gasUsed,
    trex: "214,389",
    target: "≤ 60,000",
    note: existing.note,
  });
  const newHolder = await gasWithAccounting(token.connect(a).transfer(await addr(c), 50_000n));
  record({
    operation: "transfer to a new holder, no modules",
    kosai: newHolder.gasUsed,
    trex: "231,489",
    target: "≤ 80,000",
    note: newHolder.note,
  });
  const transferGas = rows[1].kosai;

  // batch of 10 to existing holders: ten wallets of bob's identity, each already holding
  const batchWallets = Array.from({ length: 10 }, (_, i) =>
    ethers.getAddress(ethers.zeroPadValue(ethers.toBeHex(0xb0b000 + i), 20)),
  );
  await suite.identityRegistry.connect(registrar).batchRegisterIdentity(
    batchWallets,
    batchWallets.map(() => base.investors[1].identity.target as string),
    batchWallets.map(() => COUNTRY.JP),
  );
  await gas(
    token.connect(agent).batchMint(
      batchWallets,
      batchWallets.map(() => 1n),
    ),
  );
  const batchGas = await gas(
    token.connect(a).batchTransfer(
      batchWallets,
      batchWallets.map(() => 1_000n),
    ),
  );
  record({
    operation: "batch transfer of 10 (existing holders), whole batch",
    kosai: batchGas,
    note: `${(batchGas / 10n).toLocaleString("en-US")} per transfer`,
  });
  record({
    operation: "forced transfer",
    kosai: await gas(token.connect(agent).forcedTransfer(await addr(a), await addr(b), 1_000n)),
  });
  record({
    operation: "freeze a wallet",
    kosai: await gas(token.connect(agent).setAddressFrozen(await addr(c), true)),
  });
  record({
    operation: "freeze partial amount",
    kosai: await gas(token.connect(agent).freezePartialTokens(await addr(b), 10_000n)),
  });
  record({ operation: "burn", kosai: await gas(token.connect(agent).burn(await addr(b), 1_000n)) });
  await suite.identityRegistry
    .connect(registrar)
    .registerIdentity(await addr(dave), base.investors[0].identity.target as string, COUNTRY.JP);
  record({
    operation: "recovery of a lost wallet",
    kosai: await gas(
      token
        .connect(agent)
        .recoveryAddress(await addr(a), await addr(dave), base.investors[0].identity.target as string),
    ),
  });

  // ---------------------------------------------------------------- series creation
  record({
    operation: "new series: deploy and wire (no modules)",
    kosai: base.createGas,
    trex: "3,730,981",
    target: "≤ 700,000",
  });
  const m = suite.modules;
  const threeModules = async () => [
    {
      module: await m.countryAllow.getAddress(),
      calls: [m.countryAllow.interface.encodeFunctionData("listCountries", [[COUNTRY.JP]])],
    },
    {
      module: await m.maxBalance.getAddress(),
      calls: [m.maxBalance.interface.encodeFunctionData("setMaxBalance", [100_000_000n])],
    },
    {
      module: await m.supplyCap.getAddress(),
      calls: [m.supplyCap.interface.encodeFunctionData("setSupplyCap", [1_000_000_000_000n])],
    },
  ];
  const withModules = await createSeries(suite, base.owner, {
    name: "JGB 10Y #376",
    symbol: "JGB376",
    agents: [await agent.getAddress()],
    modules: await threeModules(),
  });
  record({
    operation: "new series with country allow-list + max balance + supply cap",
    kosai: withModules.receipt.gasUsed,
  });

  // ---------------------------------------------------------------- transfer with three modules
  await gas(withModules.token.connect(agent).mint(await addr(b), 1_000_000n));
  await gas(withModules.token.connect(agent).mint(await addr(c), 1_000_000n));
  await gas(withModules.token.connect(c).transfer(await addr(b), 50_000n));
  const guarded = await gasWithAccounting(withModules.token.connect(c).transfer(await addr(b), 50_000n));
  record({
    operation: "transfer to an existing holder with country allow-list + max balance per identity + supply cap",
    kosai: guarded.gasUsed,
    trex: "≈ 322,000",
    target: "≤ 80,000",
    note: guarded.note,
  });

  // ---------------------------------------------------------------- onboarding
  const onboarding = await measureOnboarding(suite, registrar, kyc, signers[12]);
  const onboardingTotal = onboarding.deployGas + onboarding.claimGas + onboarding.registerGas;
  record({
    operation: "onboard an investor: identity + claim + register",
    kosai: onboardingTotal,
    trex: "843,937",
    target: "≤ 450,000",
    note: `ONCHAINID clone ${onboarding.deployGas.toLocaleString("en-US")} (an IdentityProxy: ${onboarding.proxyGas.toLocaleString("en-US")}) + addClaim ${onboarding.claimGas.toLocaleString("en-US")} + register ${onboarding.registerGas.toLocaleString("en-US")}`,
  });

  // ---------------------------------------------------------------- extra claim topic
  await snapshotRevert(async () => {
    const [owner2, agent2, registrar2, kycKey2, x, y] = signers.slice(13, 19);
    const s2 = await deploySuite(owner2, registrar2);
    const k2 = await setUpKyc(s2, owner2, kycKey2, [TOPICS.KYC, TOPICS.AML], [TOPICS.KYC, TOPICS.AML]);
    const series = await createSeries(s2, owner2, {
      name: "two topics",
      symbol: "T2",
      agents: [await agent2.getAddress()],
    });
    for (const w of [x, y])
      await onboardInvestor({ suite: s2, registrar: registrar2, kyc: k2, wallet: w, topics: [TOPICS.KYC, TOPICS.AML] });
    await gas(series.token.connect(agent2).mint(await addr(x), 1_000_000n));
    await gas(series.token.connect(agent2).mint(await addr(y), 1_000_000n));
    const twoTopics = await gas(series.token.connect(x).transfer(await addr(y), 50_000n));
    record({
      operation: "each extra required claim topic",
      kosai: twoTopics - transferGas,
      trex: "+58,800",
      target: "≤ +5,000",
      note: `transfer with 2 topics: ${twoTopics.toLocaleString("en-US")}`,
    });
  });

  // ---------------------------------------------------------------- extra trusted issuers
  await snapshotRevert(async () => {
    const [owner2, agent2, registrar2, kycKey2, x, y] = signers.slice(13, 19);
    const s2 = await deploySuite(owner2, registrar2);
    await s2.topicsRegistry.connect(owner2).addClaimTopic(TOPICS.KYC);
    const ISSUERS = 5;
    let last = null;
    for (let i = 0; i < ISSUERS; i++) {
      const issuer = await deployClaimIssuer(kycKey2);
      await s2.issuersRegistry.connect(owner2).addTrustedIssuer(await issuer.getAddress(), [TOPICS.KYC]);
      last = { issuer, key: kycKey2 };
    }
    const series = await createSeries(s2, owner2, {
      name: "five issuers",
      symbol: "I5",
      agents: [await agent2.getAddress()],
    });
    for (const w of [x, y]) await onboardInvestor({ suite: s2, registrar: registrar2, kyc: last!, wallet: w });
    await gas(series.token.connect(agent2).mint(await addr(x), 1_000_000n));
    await gas(series.token.connect(agent2).mint(await addr(y), 1_000_000n));
    const fiveIssuers = await gas(series.token.connect(x).transfer(await addr(y), 50_000n));
    const perIssuer = (fiveIssuers - transferGas) / BigInt(ISSUERS - 1);
    record({
      operation: "each extra trusted issuer (claim from the last one)",
      kosai: perIssuer,
      trex: "+23,600",
      target: "≈ 0",
      note: `transfer with ${ISSUERS} issuers: ${fiveIssuers.toLocaleString("en-US")}`,
    });
  });

  // ---------------------------------------------------------------- 1 vs 10,000 holders
  await snapshotRevert(async () => {
    const HOLDERS = 10_000;
    const CHUNK = 250;
    const wallets = Array.from({ length: HOLDERS }, (_, i) =>
      ethers.getAddress(ethers.dataSlice(ethers.keccak256(ethers.toBeHex(i + 1, 32)), 12)),
    );
    const identity = base.investors[1].identity.target as string;
    for (let i = 0; i < HOLDERS; i += CHUNK) {
      const chunk = wallets.slice(i, i + CHUNK);
      await suite.identityRegistry.connect(registrar).batchRegisterIdentity(
        chunk,
        chunk.map(() => identity),
        chunk.map(() => COUNTRY.JP),
      );
      await token.connect(agent).batchMint(
        chunk,
        chunk.map(() => 1n),
      );
    }
    const holders = await gas(token.connect(b).transfer(await addr(dave), 1_000n));
    const reference = await snapshotRevert(async () => 0n);
    void reference;
    record({
      operation: `transfer to an existing holder with ${HOLDERS.toLocaleString("en-US")} holders`,
      kosai: holders,
      note: "same as with a handful: no per-holder state is read",
    });
  });

  // ---------------------------------------------------------------- DvP settlement (scripts/bench-dvp.ts)
  for (const row of await benchDvp())
    record({ operation: row.label, kosai: row.gas, target: row.target, note: row.note });

  // ---------------------------------------------------------------- bonds: series, coupons, redemption (scripts/bench-bonds.ts)
  for (const row of await benchBonds()) {
    const target = row.label.startsWith("coupon per holder") ? "≤ 30,000" : undefined;
    record({ operation: row.label, kosai: row.gas, target, note: row.note });
  }

  // ---------------------------------------------------------------- collateral escrow (scripts/bench-collateral.ts)
  for (const row of await benchCollateral()) {
    const target = /^escrow (pledge|release) \(/.test(row.label) ? "≤ 100,000" : undefined;
    record({ operation: row.label, kosai: row.gas, target, note: row.note });
  }

  // ---------------------------------------------------------------- intraday repo (scripts/bench-repo.ts)
  for (const row of await benchRepo()) record({ operation: row.label, kosai: row.gas, note: row.note });

  const table = renderTable();
  process.stdout.write(`\n${table}\n`);
  if (process.env.BENCH_WRITE === "1") writeReadme(table);
}

function renderTable(): string {
  const lines = [
    "| operation | kosai | T-REX 4.1.6 | target | note |",
    "|---|---:|---:|---:|---|",
    ...rows.map(
      (r) =>
        `| ${r.operation} | ${r.kosai.toLocaleString("en-US")} | ${r.trex ?? ""} | ${r.target ?? ""} | ${r.note ?? ""} |`,
    ),
  ];
  return lines.join("\n");
}

function writeReadme(table: string) {
  const file = path.join(__dirname, "..", "README.md");
  const text = fs.readFileSync(file, "utf8");
  const start = "<!-- bench:start -->";
  const end = "<!-- bench:end -->";
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < 0) throw new Error("README.md has no bench markers");
  const updated = `${text.slice(0, from + start.length)}\n${table}\n${text.slice(to)}`;
  fs.writeFileSync(file, updated);
  process.stdout.write("README.md gas table updated\n");
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

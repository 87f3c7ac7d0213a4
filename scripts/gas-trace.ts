/**
 * Where the gas of a transfer goes: `npx hardhat run scripts/gas-trace.ts`. Deploys the suite, makes one
 * holder transfer with no modules and one with country allow-list + max balance + supply cap, and prints
 * each call frame with the gas it used (cold account access included), from Hardhat's debug trace.
 */
import { ethers, network } from "hardhat";
import type { Signer } from "ethers";
import { COUNTRY } from "./lib/constants";
import { createSeries, deploySuite, onboardInvestor, setUpKyc, type Suite } from "./lib/suite";

interface StructLog {
  op: string;
  gas: number;
  depth: number;
  stack: string[];
}

async function traceTransfer(label: string, names: Map<string, string>, send: () => Promise<{ hash: string }>) {
  const tx = await send();
  const receipt = await ethers.provider.getTransactionReceipt(tx.hash);
  const trace = (await network.provider.send("debug_traceTransaction", [
    tx.hash,
    { disableStorage: true, disableMemory: true },
  ])) as { structLogs: StructLog[] };
  const logs = trace.structLogs;
  process.stdout.write(`\n${label}: ${receipt!.gasUsed.toLocaleString("en-US")} gas\n`);
  let sloads = 0;
  for (let i = 0; i < logs.length; i++) {
    const log = logs[i];
    if (log.op === "SLOAD") sloads++;
    if (!["CALL", "STATICCALL", "DELEGATECALL"].includes(log.op)) continue;
    const target = ethers.getAddress("0x" + BigInt("0x" + log.stack[log.stack.length - 2]).toString(16).padStart(40, "0"));
    let j = i + 1;
    while (j < logs.length && logs[j].depth > log.depth) j++;
    const used = log.gas - (logs[j]?.gas ?? 0);
    process.stdout.write(`${"  ".repeat(log.depth)}${log.op} ${names.get(target) ?? target} ${used.toLocaleString("en-US")}\n`);
  }
  process.stdout.write(`  SLOADs: ${sloads}\n`);
}

async function nameSuite(suite: Suite, extra: Record<string, string>) {
  const names = new Map<string, string>();
  names.set(await suite.identityRegistry.getAddress(), "IdentityRegistry");
  names.set(await suite.identityStorage.getAddress(), "IdentityRegistryStorage");
  names.set(await suite.factory.tokenBeacon(), "token beacon");
  names.set(await suite.factory.complianceBeacon(), "compliance beacon");
  for (const [name, module] of Object.entries(suite.modules)) names.set(await module.getAddress(), name);
  for (const [name, address] of Object.entries(extra)) names.set(address, name);
  return names;
}

async function main() {
  const [owner, agent, registrar, kycKey, alice, bob] = (await ethers.getSigners()) as Signer[];
  const suite = await deploySuite(owner, registrar);
  const kyc = await setUpKyc(suite, owner, kycKey);
  for (const wallet of [alice, bob]) await onboardInvestor({ suite, registrar, kyc, wallet });
  const m = suite.modules;
  const plain = await createSeries(suite, owner, { name: "plain", symbol: "P", agents: [await agent.getAddress()] });
  const guarded = await createSeries(suite, owner, {
    name: "guarded",
    symbol: "G",
    agents: [await agent.getAddress()],
    modules: [
      { module: await m.countryAllow.getAddress(), calls: [m.countryAllow.interface.encodeFunctionData("listCountries", [[COUNTRY.JP]])] },
      { module: await m.maxBalance.getAddress(), calls: [m.maxBalance.interface.encodeFunctionData("setMaxBalance", [10n ** 12n])] },
      { module: await m.supplyCap.getAddress(), calls: [m.supplyCap.interface.encodeFunctionData("setSupplyCap", [10n ** 15n])] },
    ],
  });
  for (const series of [plain, guarded]) {
    for (const wallet of [alice, bob]) await (await series.token.connect(agent).mint(await wallet.getAddress(), 10n ** 6n)).wait();
  }
  const names = await nameSuite(suite, {
    "ClaimIssuer (revocation check)": await kyc.issuer.getAddress(),
    "token proxy (plain)": await plain.token.getAddress(),
    "token proxy (guarded)": await guarded.token.getAddress(),
    "compliance proxy (guarded)": await guarded.compliance.getAddress(),
  });
  const implementation = await (await ethers.getContractAt("UpgradeableBeacon", await suite.factory.tokenBeacon())).implementation();
  names.set(implementation, "SecurityToken implementation");
  names.set(
    await (await ethers.getContractAt("UpgradeableBeacon", await suite.factory.complianceBeacon())).implementation(),
    "ModularCompliance implementation",
  );
  await traceTransfer("transfer, 1 topic, no modules", names, () => plain.token.connect(alice).transfer(bob, 1_000n));
  await traceTransfer("transfer, country allow + max balance + supply cap", names, () =>
    guarded.token.connect(alice).transfer(bob, 1_000n),
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

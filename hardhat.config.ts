import { subtask } from "hardhat/config";
import { HardhatPluginError } from "hardhat/plugins";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/types";
import fs from "node:fs";
import path from "node:path";

import "@nomicfoundation/hardhat-ethers";
import "@nomicfoundation/hardhat-chai-matchers";
import "@typechain/hardhat";
import "@openzeppelin/hardhat-upgrades";
import "solidity-coverage";
// Operator tasks (one per file): deploy, onboard, issue, pay, settle, pledge, audit.
import "./tasks";

/**
 * Compilers come from npm packages, never from the network: the machines that build kosai reach only
 * package registries. Each configured version must match the installed solc-js package exactly.
 */
const LOCAL_COMPILERS: Record<string, string> = {
  "0.8.30": "solc",
  // ONCHAINID's Identity and ClaimIssuer sources pin 0.8.17; compiled unchanged for typed tests.
  "0.8.17": "solc-0817",
};

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }) => {
  const pkg = LOCAL_COMPILERS[args.solcVersion];
  if (pkg === undefined) {
    throw new Error(`kosai: no local compiler package for solc ${args.solcVersion}; add it to LOCAL_COMPILERS`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require(pkg) as { version(): string };
  const longVersion = solc.version();
  if (!longVersion.startsWith(`${args.solcVersion}+`)) {
    throw new Error(`kosai: package ${pkg} is solc ${longVersion}, configured ${args.solcVersion}`);
  }
  return {
    compilerPath: path.join(path.dirname(require.resolve(`${pkg}/package.json`)), "soljson.js"),
    isSolcJs: true,
    version: args.solcVersion,
    longVersion,
  };
});

/**
 * TypeChain names a barrel export after each source folder; ONCHAINID keeps its interfaces in a folder
 * called `interface`, a reserved word `tsc` rejects. Rename that export after every generation.
 */
subtask("typechain:generate-types").setAction(async (args, _hre, runSuper) => {
  const result = await runSuper(args);
  for (const barrel of [
    "typechain-types/@onchain-id/solidity/contracts/index.ts",
    "typechain-types/factories/@onchain-id/solidity/contracts/index.ts",
  ]) {
    const file = path.join(__dirname, barrel);
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, "utf8");
    fs.writeFileSync(
      file,
      text
        .replace(/\* as interface from/g, "* as interfaces from")
        .replace(/export type \{ interface \};/g, "export type { interfaces };"),
    );
  }
  return result;
});

const optimizer = { enabled: true, runs: 200 };

/**
 * The Besu target (README "Besu"), read from the environment so the config loads without it: BESU_RPC_URL,
 * BESU_CHAIN_ID and BESU_PRIVATE_KEYS (comma-separated 0x keys; none is allowed, e.g. for read-only tasks).
 * Besu runs free gas (`--min-gas-price=0`, genesis `zeroBaseFee`), so transactions go out as legacy at price 0.
 */
function besuAccounts(raw: string | undefined): string[] {
  const keys = (raw ?? "")
    .split(",")
    .map((key) => key.trim())
    .filter((key) => key !== "");
  for (const [i, key] of keys.entries()) {
    if (!/^0x[0-9a-fA-F]{64}$/.test(key)) {
      throw new HardhatPluginError("kosai", `BESU_PRIVATE_KEYS entry ${i + 1} is not a 0x-prefixed 32-byte hex key`);
    }
  }
  return keys;
}

function besuChainId(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return 1337;
  const chainId = Number(raw);
  if (!Number.isSafeInteger(chainId) || chainId <= 0) {
    throw new HardhatPluginError("kosai", `BESU_CHAIN_ID must be a positive integer, got "${raw}"`);
  }
  return chainId;
}

const config: HardhatUserConfig = {
  solidity: {
    compilers: [
      { version: "0.8.30", settings: { optimizer, evmVersion: "cancun" } },
      // Only ONCHAINID's own sources (pragma 0.8.17) select this one.
      { version: "0.8.17", settings: { optimizer, evmVersion: "london" } },
    ],
  },
  networks: {
    hardhat: {
      hardfork: "cancun",
      allowUnlimitedContractSize: false,
      // Free gas as on Besu: base fee 0 and legacy transactions at price 0.
      initialBaseFeePerGas: 0,
      gasPrice: 0,
    },
    // `npm run chain` (hardhat node) or anvil; KOSAI_LOCALHOST_URL points tasks at another port.
    localhost: {
      url: process.env.KOSAI_LOCALHOST_URL ?? "http://127.0.0.1:8545",
      // Estimate every transaction: without this, hardhat-ethers sends to a hardhat node with a fixed gas
      // limit, so a call the chain refuses is mined as a reverted transaction (nonce spent) instead of
      // being refused at estimation with nothing sent.
      gas: "auto",
    },
    besu: {
      url: process.env.BESU_RPC_URL?.trim() || "http://127.0.0.1:8545",
      chainId: besuChainId(process.env.BESU_CHAIN_ID),
      gasPrice: 0,
      accounts: besuAccounts(process.env.BESU_PRIVATE_KEYS),
    },
  },
  typechain: {
    outDir: "typechain-types",
    target: "ethers-v6",
  },
  mocha: {
    timeout: 120_000,
  },
};

export default config;

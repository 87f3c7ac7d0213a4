/**
 * Runs operator tasks the way a user does: a chain in its own process (hardhat node or anvil) and each
 * task as `hardhat --network localhost <task> ...` in a child process, with its exit code, stdout and
 * stderr. Each test file gets its own port and its own deployment-record folder.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";

const ROOT = path.join(__dirname, "..", "..");
const HARDHAT_CLI = path.join(ROOT, "node_modules", "hardhat", "internal", "cli", "cli.js");
const ANVIL = path.join(ROOT, "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");

/**
 * anvil ships as one npm package per platform; kosai pins the Linux x64 one as an optional dependency (the
 * registry these machines reach carries no other). Suites that need anvil skip where it is absent.
 */
export const ANVIL_AVAILABLE = fs.existsSync(ANVIL);

/** True under `hardhat coverage`: child processes would not be instrumented, so CLI suites skip. */
export const COVERAGE =
  (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true;

/** A chain running in a child process. */
export interface Chain {
  url: string;
  port: number;
  process: ChildProcess;
  /** Output so far (for diagnosing a failed start). */
  log(): string;
  /** Kills the process (SIGKILL: no clean shutdown, as when a machine dies) and waits for it to exit. */
  kill(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForRpc(url: string, child: ChildProcess, log: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`chain exited with ${child.exitCode}:\n${log()}`);
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`chain did not answer on ${url} within ${timeoutMs} ms:\n${log()}`);
}

async function startProcess(command: string, args: string[], port: number): Promise<Chain> {
  const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr!.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const chain: Chain = {
    url,
    port,
    process: child,
    log: () => output,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    },
  };
  try {
    await waitForRpc(url, child, chain.log);
  } catch (error) {
    await chain.kill();
    throw error;
  }
  return chain;
}

/** `hardhat node` (the project's `npm run chain`) on a free port. */
export async function startHardhatNode(port?: number): Promise<Chain> {
  const p = port ?? (await freePort());
  return startProcess(process.execPath, [HARDHAT_CLI, "node", "--hostname", "127.0.0.1", "--port", String(p)], p);
}

/** Options for anvil: timed blocks, zero gas price, a state file that survives a kill. */
export interface AnvilOptions {
  port?: number;
  /** Seconds per block (interval mining); automine when absent. */
  blockTime?: number;
  /** Load and periodically dump the chain state here, so a restarted node continues the same chain. */
  statePath?: string;
  /** Seconds between state dumps (with statePath). */
  stateInterval?: number;
  /** Chain id (anvil's default is 31337; a generated Besu network uses 1337). */
  chainId?: number;
}

/** anvil from the @foundry-rs/anvil package: chain id 31337, cancun, gas price and base fee 0. */
export async function startAnvil(options: AnvilOptions = {}): Promise<Chain> {
  const p = options.port ?? (await freePort());
  const args = [
    "--host",
    "127.0.0.1",
    "--port",
    String(p),
    "--hardfork",
    "cancun",
    "--gas-price",
    "0",
    "--base-fee",
    "0",
  ];
  args.push("--code-size-limit", "24576", "--silent");
  if (options.blockTime !== undefined) args.push("--block-time", String(options.blockTime));
  if (options.chainId !== undefined) args.push("--chain-id", String(options.chainId));
  if (options.statePath !== undefined) {
    args.push("--state", options.statePath, "--state-interval", String(options.stateInterval ?? 1));
  }
  return startProcess(ANVIL, args, p);
}

/** A task run's outcome. */
export interface TaskRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed, when the task was run with --json. */
  json?: { ok: boolean; [key: string]: unknown };
}

/** Where a CLI suite keeps its deployment records; a fresh temporary folder per call. */
export function tempDeployments(prefix = "kosai-cli-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Runs `hardhat --network localhost <args>` against `chain`, recording deployments in `deploymentsDir`.
 * Resolves with the exit code and output; never rejects for a non-zero exit.
 */
export async function runTask(
  chain: Pick<Chain, "url">,
  deploymentsDir: string,
  args: string[],
  options: {
    timeoutMs?: number;
    onStdout?: (chunk: string) => void;
    env?: Record<string, string>;
    /** Network name (default localhost); `besu` reads BESU_* from `env`. */
    network?: string;
  } = {},
): Promise<TaskRun & { child?: ChildProcess }> {
  const child = spawn(process.execPath, [HARDHAT_CLI, "--network", options.network ?? "localhost", ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      KOSAI_LOCALHOST_URL: chain.url,
      KOSAI_DEPLOYMENTS_DIR: deploymentsDir,
      KOSAI_TASK_ERRORS: "",
      FORCE_COLOR: "0",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    options.onStdout?.(chunk.toString());
  });
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 300_000);
  const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? -1)));
  clearTimeout(timer);
  let json: TaskRun["json"];
  if (args.includes("--json")) {
    try {
      json = JSON.parse(stdout) as TaskRun["json"];
    } catch {
      json = undefined;
    }
  }
  return { code, stdout, stderr, json };
}

/** Starts a task without waiting (to kill it mid-batch); resolves when it is running. */
export function spawnTask(chain: Pick<Chain, "url">, deploymentsDir: string, args: string[]): ChildProcess {
  return spawn(process.execPath, [HARDHAT_CLI, "--network", "localhost", ...args], {
    cwd: ROOT,
    env: { ...process.env, KOSAI_LOCALHOST_URL: chain.url, KOSAI_DEPLOYMENTS_DIR: deploymentsDir, FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

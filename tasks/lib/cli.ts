/**
 * The frame every operator task is built on. A task declares its arguments (all strings on the command
 * line, plus flags), a zod schema that checks them and turns them into typed values, and a `run` that does
 * the work and returns an {OperationResult}. The frame adds `--json` (and `--from` for tasks that send),
 * refuses bad input before anything is sent, decodes reverts into the contract's custom error, prints a
 * table or one JSON document, and exits non-zero on failure: 2 for bad input, 1 for a refusal by the chain
 * or any other failure. No stack traces.
 *
 * Task files are loaded by hardhat.config.ts, before the Hardhat runtime exists: they must not import
 * "hardhat" or anything that does (scripts/lib/suite.ts, bonds.ts, onchainid.ts, errors.ts) at load time.
 * Import those inside `run` with `await import(...)`; type-only imports are fine.
 *
 * Set KOSAI_TASK_ERRORS=throw to get the UsageError / OperationFailed thrown instead of printed (tests
 * that call tasks in-process with `hre.run`).
 */
import { task } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { type ContractTransactionReceipt, type Signer, isAddress, getAddress } from "ethers";
import type { z } from "zod";
import { OperationFailed, UsageError, type ArgumentProblem } from "./errors";
import { type OperationResult, Progress, jsonReplacer, printResult } from "./output";
import { RecordStore } from "./record";

/** A command-line argument: `--kebab-name <value>`, or a flag when `flag` is set. */
export interface ParamDefinition {
  description: string;
  flag?: boolean;
}

/** What `run` gets besides its checked arguments. */
export interface OperationContext {
  hre: HardhatRuntimeEnvironment;
  json: boolean;
  /** The network's deployment record (opened once per task). */
  store(): Promise<RecordStore>;
  /**
   * The signer for `--from` (an address, `#index` of the network's accounts, or a role label from the
   * record such as `registrar`), else the account recorded under `defaultLabel`, else the first account.
   */
  signer(defaultLabel?: string): Promise<Signer>;
  /** A progress bar on stderr for a batch of `total` items. */
  progress(label: string, total: number): Progress;
  /** A note to stderr (never mixed into JSON output). */
  note(text: string): void;
  /**
   * Sends one transaction and waits for it; a revert (at estimation or on chain) becomes an
   * OperationFailed naming `action` and the decoded custom error.
   */
  send(action: string, tx: () => Promise<{ wait(): Promise<ContractTransactionReceipt | null> }>): Promise<ContractTransactionReceipt>;
  /** Runs a read-only call; a revert becomes an OperationFailed naming `action`. */
  call<T>(action: string, read: () => Promise<T>): Promise<T>;
}

export interface OperationDefinition<S extends z.ZodType> {
  /** `group:verb`, e.g. `bond:create`. */
  name: string;
  description: string;
  params: Record<string, ParamDefinition>;
  /** Checks the raw arguments (an object of strings, booleans for flags, undefined when absent). */
  schema: S;
  /** False for tasks that only read or write files (no `--from`). Default true. */
  sends?: boolean;
  run(args: z.output<S>, ctx: OperationContext): Promise<OperationResult>;
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** zod issues → one problem per argument, named as typed on the command line. */
function problemsOf(error: z.ZodError): ArgumentProblem[] {
  return error.issues.map((issue) => {
    const [head, ...rest] = issue.path;
    const argument = head === undefined ? "" : `--${kebab(String(head))}${rest.map((p) => `[${String(p)}]`).join("")}`;
    const missing = issue.code === "invalid_type" && (issue as { input?: unknown }).input === undefined;
    return { argument, message: missing ? "is required" : issue.message };
  });
}

async function decodeFailure(action: string, error: unknown): Promise<OperationFailed> {
  if (error instanceof OperationFailed) return error;
  const { describeRevert } = await import("../../scripts/lib/errors");
  return new OperationFailed(action, await describeRevert(error));
}

function printFailure(name: string, error: unknown, json: boolean): number {
  const kind = error instanceof UsageError ? "usage" : error instanceof OperationFailed ? "refused" : "failure";
  const problems = error instanceof UsageError ? error.problems : [];
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  if (json) {
    const reason = error instanceof OperationFailed ? error.reason : undefined;
    process.stdout.write(
      `${JSON.stringify({ ok: false, error: { kind, message, reason, problems } }, jsonReplacer, 2)}\n`,
    );
  } else {
    process.stderr.write(`${name}: ${message}\n`);
    for (const p of problems) process.stderr.write(`  ${p.argument ? `${p.argument} ` : ""}${p.message}\n`);
  }
  return kind === "usage" ? 2 : 1;
}

class Context implements OperationContext {
  private opened: RecordStore | undefined;

  constructor(
    readonly hre: HardhatRuntimeEnvironment,
    readonly json: boolean,
    private readonly from: string | undefined,
  ) {}

  async store(): Promise<RecordStore> {
    this.opened ??= await RecordStore.open(this.hre);
    return this.opened;
  }

  async signer(defaultLabel?: string): Promise<Signer> {
    const signers = await this.hre.ethers.getSigners();
    if (signers.length === 0) throw new UsageError(`network ${this.hre.network.name} has no accounts to send from`);
    let who = this.from;
    if (who === undefined && defaultLabel !== undefined) who = (await this.store()).record.accounts[defaultLabel];
    if (who === undefined) return signers[0];
    const index = /^#([0-9]+)$/.exec(who);
    if (index) {
      const signer = signers[Number(index[1])];
      if (!signer) throw new UsageError(`--from ${who}: the network has ${signers.length} accounts`);
      return signer;
    }
    if (!isAddress(who)) {
      const labelled = (await this.store()).record.accounts[who];
      if (labelled === undefined) {
        const known = Object.keys((await this.store()).record.accounts);
        throw new UsageError(`--from ${who}: not an address, #index or recorded role (known: ${known.join(", ")})`);
      }
      who = labelled;
    }
    const wanted = getAddress(who);
    const signer = signers.find((s) => s.address === wanted);
    if (!signer) throw new UsageError(`--from ${wanted}: this network has no key for that account`);
    return signer;
  }

  progress(label: string, total: number): Progress {
    return new Progress(label, total, this.json);
  }

  note(text: string): void {
    if (!this.json) process.stderr.write(`${text}\n`);
  }

  async send(
    action: string,
    tx: () => Promise<{ wait(): Promise<ContractTransactionReceipt | null> }>,
  ): Promise<ContractTransactionReceipt> {
    try {
      const receipt = await (await tx()).wait();
      if (receipt === null || receipt.status !== 1) throw new OperationFailed(action, "transaction failed on chain");
      return receipt;
    } catch (error) {
      throw await decodeFailure(action, error);
    }
  }

  async call<T>(action: string, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      throw await decodeFailure(action, error);
    }
  }
}

/** Declares an operator task. */
export function operation<S extends z.ZodType>(definition: OperationDefinition<S>): void {
  const t = task(definition.name, definition.description);
  for (const [name, param] of Object.entries(definition.params)) {
    if (param.flag) t.addFlag(name, param.description);
    else t.addOptionalParam(name, param.description);
  }
  t.addFlag("json", "print one JSON document instead of tables");
  if (definition.sends !== false) {
    t.addOptionalParam("from", "account to send from: address, #index, or a recorded role (registrar, ...)");
  }
  t.setAction(async (raw: Record<string, unknown>, hre: HardhatRuntimeEnvironment) => {
    const json = raw.json === true;
    const { json: _json, from, ...rest } = raw;
    const ctx = new Context(hre, json, typeof from === "string" ? from : undefined);
    try {
      const parsed = definition.schema.safeParse(rest);
      if (!parsed.success) {
        throw new UsageError(`bad arguments`, problemsOf(parsed.error));
      }
      const result = await definition.run(parsed.data, ctx);
      printResult(result, json);
      return result;
    } catch (error) {
      if (process.env.KOSAI_TASK_ERRORS === "throw") throw error;
      process.exitCode = printFailure(definition.name, error, json);
      return undefined;
    }
  });
}

/**
 * Splits one transaction's gas into what the EVM charges it for (EIP-2929 cold and warm accesses, storage
 * writes, logs, calldata) and the computation that remains, from Hardhat's debug trace. This is how the
 * README's gas floor is derived: the access and write costs a design cannot avoid, against what it spends.
 */
import { getBytes, getAddress } from "ethers";

/** One step of `debug_traceTransaction` (structLogs), with the stack. */
export interface TraceStep {
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
  stack: string[];
}

/** A cold access: the account or (account, slot) touched for the first time in the transaction. */
export interface ColdAccess {
  kind: "account" | "slot";
  address: string;
  slot?: string;
  op: string;
}

/** Where a transaction's gas went. The parts add up to `gasUsed` (no refunds in the transactions traced). */
export interface GasAccounting {
  gasUsed: number;
  intrinsic: number;
  calldata: number;
  coldAccounts: number;
  coldSlots: number;
  warmAccesses: number;
  storageWrites: number;
  logs: number;
  computation: number;
  cold: ColdAccess[];
}

export const COLD_ACCOUNT = 2600;
export const COLD_SLOAD = 2100;
export const WARM_ACCESS = 100;
const TX_BASE = 21000;

const ACCOUNT_OPS = new Set(["EXTCODESIZE", "EXTCODECOPY", "EXTCODEHASH", "BALANCE"]);
const CALL_OPS = new Set(["CALL", "STATICCALL", "DELEGATECALL", "CALLCODE"]);

/** EIP-2028 calldata cost: 4 per zero byte, 16 per other byte. */
export function calldataGas(data: string): number {
  let gas = 0;
  for (const byte of getBytes(data)) gas += byte === 0 ? 4 : 16;
  return gas;
}

function stackAddress(word: string): string {
  return getAddress(
    "0x" +
      BigInt("0x" + word.replace(/^0x/, ""))
        .toString(16)
        .padStart(40, "0")
        .slice(-40),
  );
}

/**
 * Accounts for the gas of a transaction from `from` to `to` with `data`, given its trace steps.
 * Storage context follows the call frames: CALL and STATICCALL enter the target's storage, DELEGATECALL keeps
 * the caller's. Sender, recipient, precompiles and the coinbase start warm (EIP-2929, EIP-3651).
 */
export function accountGas(args: {
  gasUsed: number;
  from: string;
  to: string;
  data: string;
  coinbase: string;
  steps: TraceStep[];
}): GasAccounting {
  const { steps } = args;
  const warmAccounts = new Set<string>([getAddress(args.from), getAddress(args.to), getAddress(args.coinbase)]);
  for (let i = 1; i <= 10; i++) warmAccounts.add(getAddress("0x" + i.toString(16).padStart(40, "0")));
  const warmSlots = new Set<string>();
  const cold: ColdAccess[] = [];
  const storageContext: string[] = [getAddress(args.to)];
  let coldAccounts = 0;
  let coldSlots = 0;
  let warmAccesses = 0;
  let storageWrites = 0;
  let logs = 0;
  const touchAccount = (address: string, op: string) => {
    if (warmAccounts.has(address)) {
      warmAccesses += WARM_ACCESS;
      return WARM_ACCESS;
    }
    warmAccounts.add(address);
    coldAccounts += COLD_ACCOUNT;
    cold.push({ kind: "account", address, op });
    return COLD_ACCOUNT;
  };
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    const top = (n: number) => step.stack[step.stack.length - 1 - n];
    const context = storageContext[step.depth - 1];
    if (step.op === "SLOAD" || step.op === "SSTORE") {
      const key = `${context}:${BigInt("0x" + top(0).replace(/^0x/, ""))}`;
      const isCold = !warmSlots.has(key);
      warmSlots.add(key);
      if (step.op === "SLOAD") {
        if (isCold) {
          coldSlots += COLD_SLOAD;
          cold.push({ kind: "slot", address: context, slot: "0x" + top(0).replace(/^0x/, ""), op: "SLOAD" });
        } else warmAccesses += WARM_ACCESS;
      } else {
        // the trace's cost of an SSTORE includes its cold surcharge; it counts as the write's
        storageWrites += step.gasCost;
        if (isCold) cold.push({ kind: "slot", address: context, slot: "0x" + top(0).replace(/^0x/, ""), op: "SSTORE" });
      }
    } else if (CALL_OPS.has(step.op)) {
      const target = stackAddress(top(1));
      touchAccount(target, step.op);
      const next = steps[i + 1];
      if (next !== undefined && next.depth === step.depth + 1) {
        storageContext[step.depth] = step.op === "DELEGATECALL" || step.op === "CALLCODE" ? context : target;
      }
    } else if (ACCOUNT_OPS.has(step.op)) {
      touchAccount(stackAddress(top(0)), step.op);
    } else if (step.op.startsWith("LOG")) {
      logs += step.gasCost;
    }
  }
  const calldata = calldataGas(args.data);
  const intrinsic = TX_BASE;
  const computation =
    args.gasUsed - intrinsic - calldata - coldAccounts - coldSlots - warmAccesses - storageWrites - logs;
  return {
    gasUsed: args.gasUsed,
    intrinsic,
    calldata,
    coldAccounts,
    coldSlots,
    warmAccesses,
    storageWrites,
    logs,
    computation,
    cold,
  };
}

/** The accounting as lines of text, cold accesses named through `names` where known. */
export function formatAccounting(account: GasAccounting, names: Map<string, string>): string {
  const n = (value: number) => value.toLocaleString("en-US");
  const accounts = account.cold.filter((c) => c.kind === "account");
  const slots = account.cold.filter((c) => c.kind === "slot" && c.op === "SLOAD");
  const lines = [
    `  accounting: ${n(account.gasUsed)} = transaction ${n(account.intrinsic)} + calldata ${n(account.calldata)}` +
      ` + cold accounts ${accounts.length} x 2,600 = ${n(account.coldAccounts)}` +
      ` + cold slot reads ${slots.length} x 2,100 = ${n(account.coldSlots)}` +
      ` + warm accesses ${n(account.warmAccesses)} + storage writes ${n(account.storageWrites)}` +
      ` + logs ${n(account.logs)} + computation ${n(account.computation)}`,
  ];
  const byAddress = new Map<string, string[]>();
  for (const access of account.cold) {
    const list = byAddress.get(access.address) ?? [];
    list.push(access.kind === "account" ? "account" : `${access.op === "SSTORE" ? "write " : ""}slot`);
    byAddress.set(access.address, list);
  }
  for (const [address, list] of byAddress) {
    lines.push(`    cold: ${names.get(address) ?? address}: ${list.join(", ")}`);
  }
  return lines.join("\n");
}

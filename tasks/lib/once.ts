/**
 * Single-transaction tasks that must not be repeated by a rerun after a kill (a pledge, a release, a
 * substitution): the transaction's nonce and calldata are recorded before it leaves and cleared once it
 * is mined. A rerun of the same command that finds such a record looks the transaction up on chain and,
 * if it was mined, reports it done instead of sending it again. Running the command again after it
 * completed is a new operation (the record is clear by then).
 * Loaded only inside a task's run.
 */
import { type BaseContract, type Signer, keccak256, toUtf8Bytes } from "ethers";
import type { OperationContext } from "./cli";
import { type PendingSend, outcomeOf, sendOnce } from "./bond-ops";
import { jsonReplacer } from "./output";

/** The record key of one command: task, sender and arguments. */
export function commandKey(task: string, from: string, args: unknown): string {
  return `${task}:${from}:${keccak256(toUtf8Bytes(JSON.stringify(args, jsonReplacer))).slice(2, 18)}`;
}

/**
 * True when an interrupted earlier run of this very command sent its transaction and it was mined; the
 * record is cleared either way.
 */
export async function finishedByEarlierRun(ctx: OperationContext, key: string, signer: Signer): Promise<boolean> {
  const store = await ctx.store();
  const pending = store.record.operations[key]?.pending as PendingSend | undefined;
  if (pending === undefined) return false;
  const outcome = await outcomeOf(signer.provider!, pending);
  delete store.record.operations[key];
  store.save();
  if (outcome === "mined")
    ctx.note(`an interrupted earlier run already sent this (nonce ${pending.nonce}); not sent again`);
  return outcome === "mined";
}

/** Sends `contract.method(...args)` once under `key` (see above), then clears the record. */
export async function sendRecorded(
  ctx: OperationContext,
  key: string,
  signer: Signer,
  action: string,
  contract: BaseContract,
  method: string,
  args: unknown[],
): Promise<void> {
  const store = await ctx.store();
  await sendOnce(ctx, store, key, signer, action, contract, method, args);
  delete store.record.operations[key];
  store.save();
}

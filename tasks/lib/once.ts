/**
 * Tasks whose transaction must not be repeated by a rerun after a kill (a pledge, a release, a
 * substitution, a forced transfer, a partial freeze, an enforcement take): the transaction's nonce and
 * calldata are recorded before it leaves and cleared once it is mined. A rerun of the same command that
 * finds such a record looks the transaction up on chain and, if it was mined, reports it done instead of
 * sending it again. Running a single command again after it completed is a new operation (the record is
 * clear by then). Files (batchDone / sendChunk) keep the lines done, so the same file never repeats a line.
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

/**
 * Batch commands (a file of forced transfers, of partial freezes): the lines done so far are kept under
 * `key` with the pending send of the chunk in flight and the line it reaches. This resolves a pending send
 * left by a killed run (mined: its chunk counts as done) and returns the lines done, so the caller
 * validates and sends only the rest. `adopted` is true when the pending send was found mined.
 */
export async function batchDone(
  ctx: OperationContext,
  key: string,
  signer: Signer,
): Promise<{ done: number; adopted: boolean }> {
  const store = await ctx.store();
  const op = store.record.operations[key];
  if (op === undefined) return { done: 0, adopted: false };
  let done = typeof op.done === "number" ? op.done : 0;
  const pending = op.pending as PendingSend | undefined;
  if (pending === undefined) return { done, adopted: false };
  const outcome = await outcomeOf(signer.provider!, pending);
  if (outcome === "mined") {
    done = op.upTo as number;
    op.done = done;
    ctx.note(`an interrupted earlier run already sent lines up to ${done} (nonce ${pending.nonce}); not sent again`);
  }
  delete op.pending;
  delete op.upTo;
  store.save();
  return { done, adopted: outcome === "mined" };
}

/**
 * Sends one chunk of a batch under `key` (see batchDone): the pending send and `upTo` (the line count once
 * this chunk is in) are recorded before it leaves, and `done = upTo` replaces them in one save once mined.
 */
export async function sendChunk(
  ctx: OperationContext,
  key: string,
  signer: Signer,
  action: string,
  contract: BaseContract,
  method: string,
  args: unknown[],
  upTo: number,
): Promise<void> {
  const store = await ctx.store();
  const op = (store.record.operations[key] ??= {});
  op.upTo = upTo;
  await sendOnce(ctx, store, key, signer, action, contract, method, args, () => {
    op.done = upTo;
    delete op.upTo;
  });
}

/**
 * Runtime helpers of the issuer and paying-agent tasks: typed contracts from the record, role checks,
 * sends that happen at most once across a killed process (the nonce and calldata are recorded before the
 * transaction leaves, and a rerun finds it on chain), holder lists from Transfer events, and the state of
 * payment runs read back from the chain. Imported only inside a task's `run` (it imports the runtime).
 */
import { type BaseContract, type ContractTransactionResponse, type Provider, type Signer, ethers as e } from "ethers";
import { ethers } from "hardhat";
import type { BondToken, PayingAgent, SecurityToken } from "../../typechain-types";
import { dayOfUnix, formatDate } from "../../scripts/lib/calendar";
import type { OperationContext } from "./cli";
import { UsageError } from "./errors";
import type { RecordStore } from "./record";

/** A typed contract at `address`, connected to `signer`. */
export async function at<T>(name: string, address: string, signer?: Signer): Promise<T> {
  return (await ethers.getContractAt(name, address, signer)) as unknown as T;
}

/** The JST day of the chain's latest block (what contracts call "today"). */
export async function chainToday(provider: Provider): Promise<number> {
  const block = await provider.getBlock("latest");
  return dayOfUnix(block!.timestamp);
}

/** The latest block's timestamp. */
export async function chainNow(provider: Provider): Promise<number> {
  return (await provider.getBlock("latest"))!.timestamp;
}

/** Refuses (usage error, nothing sent) unless `account` holds `role` on `contract`. */
export async function requireRole(
  contract: { hasRole(role: string, account: string): Promise<boolean> },
  role: string,
  roleName: string,
  account: string,
  where: string,
): Promise<void> {
  if (!(await contract.hasRole(role, account))) {
    throw new UsageError(`--from ${account} does not hold ${roleName} on ${where}; nothing was sent`);
  }
}

/** Waits (up to two minutes) until `from` has no transaction left in the node's pool. */
export async function settle(provider: Provider, from: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (
    (await provider.getTransactionCount(from, "pending")) > (await provider.getTransactionCount(from, "latest")) &&
    Date.now() < deadline
  ) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A transaction sent but not known to be mined when the record was last written. */
export interface PendingSend {
  from: string;
  nonce: number;
  to: string;
  data: string;
  /** The latest block when it was sent (the search for it starts there). */
  block: number;
}

/**
 * What became of a recorded transaction: "mined" (succeeded), "failed" (mined and reverted, or its nonce
 * taken by another transaction) or "absent" (never reached the node: send it again).
 */
export async function outcomeOf(provider: Provider, pending: PendingSend): Promise<"mined" | "failed" | "absent"> {
  await settle(provider, pending.from);
  const latestNonce = await provider.getTransactionCount(pending.from, "latest");
  if (latestNonce <= pending.nonce) return "absent";
  const head = await provider.getBlockNumber();
  for (let n = pending.block; n <= head; n++) {
    const block = await provider.getBlock(n, true);
    for (const tx of block?.prefetchedTransactions ?? []) {
      if (tx.from.toLowerCase() !== pending.from.toLowerCase() || tx.nonce !== pending.nonce) continue;
      const same = tx.to?.toLowerCase() === pending.to.toLowerCase() && tx.data === pending.data;
      const receipt = await provider.getTransactionReceipt(tx.hash);
      return same && receipt?.status === 1 ? "mined" : "failed";
    }
  }
  return "failed";
}

/**
 * Sends `contract.method(...args)` once: records {nonce, calldata} under `record.operations[key].pending` before
 * it leaves, clears it once mined, applying `commit` (the caller's progress) in the same save. If the record already holds a pending send (a killed earlier run),
 * that one is looked up on chain first: mined → nothing is sent again (returns "adopted").
 */
export async function sendOnce(
  ctx: OperationContext,
  store: RecordStore,
  key: string,
  signer: Signer,
  action: string,
  contract: BaseContract,
  method: string,
  args: unknown[],
  commit: () => void = () => undefined,
): Promise<"sent" | "adopted"> {
  const provider = signer.provider!;
  const op = (store.record.operations[key] ??= {});
  const previous = op.pending as PendingSend | undefined;
  if (previous !== undefined) {
    const outcome = await outcomeOf(provider, previous);
    delete op.pending;
    if (outcome === "mined") commit();
    store.save();
    if (outcome === "mined") return "adopted";
  }
  const from = await signer.getAddress();
  await settle(provider, from);
  const nonce = await provider.getTransactionCount(from, "latest");
  const fn = contract.getFunction(method);
  const { data } = await fn.populateTransaction(...args);
  op.pending = { from, nonce, to: await contract.getAddress(), data, block: await provider.getBlockNumber() };
  store.save();
  await ctx.send(action, () => fn.send(...args, { nonce }) as Promise<ContractTransactionResponse>);
  delete op.pending;
  commit();
  store.save();
  return "sent";
}

/** Every address that ever received `token` (Transfer events), checksummed, ascending. */
export async function receivers(token: SecurityToken | BondToken): Promise<string[]> {
  const logs = await token.queryFilter(token.filters.Transfer(), 0, "latest");
  const set = new Set<string>();
  for (const log of logs) if (log.args.to !== e.ZeroAddress) set.add(e.getAddress(log.args.to));
  return [...set].sort(ascending);
}

/** Ascending address order (the order payment runs take holders in). */
export function ascending(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Balances of `accounts`, read in chunks. */
export async function balancesOf(token: SecurityToken | BondToken, accounts: string[]): Promise<bigint[]> {
  const out: bigint[] = [];
  for (let i = 0; i < accounts.length; i += 500) out.push(...(await token.balancesOf(accounts.slice(i, i + 500))));
  return out;
}

/**
 * The holders a run has already taken, in the order taken (what `payMissedHolders` must be given): the
 * inputs of every payBatch / payMissedHolders transaction since the run opened at `fromBlock`.
 */
export async function takenSoFar(payingAgent: PayingAgent, bond: string, fromBlock: number): Promise<string[]> {
  const logs = await payingAgent.queryFilter(payingAgent.filters.BatchPaid(bond), fromBlock, "latest");
  const hashes = [...new Set(logs.map((l) => l.transactionHash))];
  const taken: string[] = [];
  for (const hash of hashes) {
    const tx = await payingAgent.runner!.provider!.getTransaction(hash);
    const parsed = payingAgent.interface.parseTransaction({ data: tx!.data });
    if (parsed?.name === "payBatch") taken.push(...(parsed.args[1] as string[]));
    else if (parsed?.name === "payMissedHolders") taken.push(...(parsed.args[2] as string[]));
  }
  return taken.map((a) => e.getAddress(a));
}

/**
 * What each holder received from `funder` in the run's transactions (cash Transfer logs of the
 * BatchPaid transactions from `fromBlock` to `toBlock`): holder → amount, and how often it was paid.
 */
export async function paymentsOf(
  payingAgent: PayingAgent,
  cash: SecurityToken,
  bond: string,
  funder: string,
  fromBlock: number,
  toBlock: number | "latest",
): Promise<Map<string, { amount: bigint; payments: number }>> {
  const provider = payingAgent.runner!.provider!;
  const logs = await payingAgent.queryFilter(payingAgent.filters.BatchPaid(bond), fromBlock, toBlock);
  const out = new Map<string, { amount: bigint; payments: number }>();
  const cashAddress = (await cash.getAddress()).toLowerCase();
  for (const hash of new Set(logs.map((l) => l.transactionHash))) {
    const receipt = await provider.getTransactionReceipt(hash);
    for (const log of receipt!.logs) {
      if (log.address.toLowerCase() !== cashAddress) continue;
      const parsed = cash.interface.parseLog(log);
      if (parsed?.name !== "Transfer" || e.getAddress(parsed.args.from) !== e.getAddress(funder)) continue;
      const holder = e.getAddress(parsed.args.to);
      const row = out.get(holder) ?? { amount: 0n, payments: 0 };
      row.amount += parsed.args.value as bigint;
      row.payments += 1;
      out.set(holder, row);
    }
  }
  return out;
}

/** "2026-03-20" from a JST day number. */
export const day = (d: number | bigint) => formatDate(Number(d));

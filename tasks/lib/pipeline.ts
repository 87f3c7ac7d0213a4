/**
 * Sends a long batch of transactions from one account without waiting a block per transaction. The
 * batch is planned up front with explicit nonces (so the address every CREATE will have is known before
 * anything is sent, and can be recorded as pending first); at most `window` transactions are in flight
 * at once; each receipt is checked in nonce order, and a failed one (status 0) stops the batch with the
 * decoded reason. Gas limits are fixed per kind of transaction: the first transaction of a kind is
 * estimated (after the ones already in flight are mined, since it usually depends on them) and the
 * estimate plus a margin is used for every later one, whose own estimate would fail because the
 * contracts it touches are not mined yet.
 *
 * Loaded only inside a task's action (decoding imports the Hardhat runtime).
 */
import { type Provider, type TransactionReceipt, getCreateAddress, toQuantity } from "ethers";
import { OperationFailed } from "./errors";

/** One transaction of a batch. */
export interface PipelineTx {
  /** Kind, for gas limits: every transaction of a kind gets the limit estimated for the first. */
  kind: string;
  /** What the operator is told when it fails, e.g. "add claim 1 to 0xabc…". */
  action: string;
  /** Recipient; absent for a contract creation. */
  to?: string;
  data: string;
  /** Called when the transaction is mined with status 1. */
  onMined?: (receipt: TransactionReceipt) => void;
}

export interface PipelineOptions {
  /** Most transactions sent but not yet mined. Default 64. */
  window?: number;
  /** Gas limit = estimate × (100 + marginPercent) / 100 + 20,000. Default 30. */
  marginPercent?: number;
  /** Receipt polling interval in ms. Default 100. */
  pollMs?: number;
  /** Longest wait for an earlier run's transactions to leave the node's pool, ms. Default 120,000. */
  poolWaitMs?: number;
}

/** What the pipeline needs of a provider (ethers' JSON-RPC providers and Hardhat's). */
export type PipelineProvider = Pick<
  Provider,
  "getTransactionCount" | "getBlock" | "getFeeData" | "estimateGas" | "getTransactionReceipt" | "call"
> & { send(method: string, params: unknown[]): Promise<unknown> };

interface InFlight {
  nonce: number;
  hash: string;
  gas: bigint;
  tx: PipelineTx;
}

/** A one-sender transaction pipeline. Call `start()` before planning, then `submit()` in nonce order. */
export class Pipeline {
  /** The gas limit used for each kind of transaction. */
  readonly gasLimits = new Map<string, bigint>();
  /** Transactions sent and gas used by the mined ones. */
  readonly counts = { sent: 0, mined: 0, gasUsed: 0n };
  private readonly inFlight: InFlight[] = [];
  private nonce = -1;
  private fees: Record<string, string> = {};
  private readonly window: number;
  private readonly margin: bigint;
  private readonly pollMs: number;
  private readonly poolWaitMs: number;

  constructor(
    private readonly provider: PipelineProvider,
    readonly from: string,
    options: PipelineOptions = {},
  ) {
    this.window = options.window ?? 64;
    this.margin = BigInt(options.marginPercent ?? 30);
    this.pollMs = options.pollMs ?? 100;
    this.poolWaitMs = options.poolWaitMs ?? 120_000;
  }

  /**
   * Waits until the sender has nothing left in the node's pool (a killed earlier run may have left
   * transactions there: planning before they are mined would send their work twice), then takes the
   * next nonce and the fee parameters.
   */
  async start(): Promise<void> {
    const deadline = Date.now() + this.poolWaitMs;
    for (;;) {
      const latest = await this.provider.getTransactionCount(this.from, "latest");
      const pending = await this.provider.getTransactionCount(this.from, "pending");
      if (pending <= latest) {
        this.nonce = latest;
        break;
      }
      if (Date.now() > deadline) {
        throw new OperationFailed(
          "wait for earlier transactions",
          `${pending - latest} transactions from ${this.from} are still pending after ${this.poolWaitMs / 1000} s`,
        );
      }
      await sleep(500);
    }
    const block = await this.provider.getBlock("latest");
    const baseFee = block?.baseFeePerGas ?? null;
    if (baseFee !== null) {
      const tip = baseFee > 0n ? 1_000_000_000n : 0n;
      this.fees = { maxFeePerGas: toQuantity(baseFee * 2n + tip), maxPriorityFeePerGas: toQuantity(tip) };
    } else {
      this.fees = { gasPrice: toQuantity((await this.provider.getFeeData()).gasPrice ?? 0n) };
    }
  }

  /** The nonce the next submitted transaction will use. */
  get nextNonce(): number {
    if (this.nonce < 0) throw new Error("Pipeline.start() first");
    return this.nonce;
  }

  /** The address of the contract the transaction `offset` places after the next one would create. */
  createAddress(offset = 0): string {
    return getCreateAddress({ from: this.from, nonce: this.nextNonce + offset });
  }

  /** Sends `tx` with the next nonce; waits only when the window is full. Returns its nonce. */
  async submit(tx: PipelineTx): Promise<number> {
    const gas = await this.gasFor(tx);
    const nonce = this.nextNonce;
    let hash: string;
    try {
      hash = (await this.provider.send("eth_sendTransaction", [
        { from: this.from, to: tx.to, data: tx.data, nonce: toQuantity(nonce), gas: toQuantity(gas), ...this.fees },
      ])) as string;
    } catch (error) {
      // Nodes that mine on arrival (automine) report a revert here; the nonce may still be used.
      throw await failure(tx.action, error);
    }
    this.nonce++;
    this.counts.sent++;
    this.inFlight.push({ nonce, hash, gas, tx });
    while (this.inFlight.length >= this.window) await this.settleOldest();
    return nonce;
  }

  /** Waits for every transaction in flight and checks its receipt. */
  async drain(): Promise<void> {
    while (this.inFlight.length > 0) await this.settleOldest();
  }

  private async gasFor(tx: PipelineTx): Promise<bigint> {
    const known = this.gasLimits.get(tx.kind);
    if (known !== undefined) return known;
    await this.drain();
    let estimate: bigint;
    try {
      estimate = await this.provider.estimateGas({ from: this.from, to: tx.to, data: tx.data });
    } catch (error) {
      throw await failure(tx.action, error);
    }
    const limit = (estimate * (100n + this.margin)) / 100n + 20_000n;
    this.gasLimits.set(tx.kind, limit);
    return limit;
  }

  private async settleOldest(): Promise<void> {
    const oldest = this.inFlight[0];
    let receipt: TransactionReceipt | null = null;
    for (;;) {
      receipt = await this.provider.getTransactionReceipt(oldest.hash);
      if (receipt !== null) break;
      await sleep(this.pollMs);
    }
    this.inFlight.shift();
    this.counts.mined++;
    this.counts.gasUsed += receipt.gasUsed;
    if (receipt.status !== 1) throw await this.reasonOf(oldest, receipt);
    oldest.tx.onMined?.(receipt);
  }

  /** Why a mined transaction failed: out of gas, or the revert a replay of it gives now. */
  private async reasonOf(failed: InFlight, receipt: TransactionReceipt): Promise<OperationFailed> {
    if (receipt.gasUsed * 100n >= failed.gas * 99n) {
      return new OperationFailed(failed.tx.action, `ran out of gas (limit ${failed.gas}, nonce ${failed.nonce})`);
    }
    try {
      await this.provider.call({ from: this.from, to: failed.tx.to, data: failed.tx.data });
    } catch (error) {
      return failure(failed.tx.action, error);
    }
    return new OperationFailed(
      failed.tx.action,
      `reverted on chain in block ${receipt.blockNumber} (nonce ${failed.nonce})`,
    );
  }
}

async function failure(action: string, error: unknown): Promise<OperationFailed> {
  if (error instanceof OperationFailed) return error;
  const { describeRevert } = await import("../../scripts/lib/errors");
  return new OperationFailed(action, await describeRevert(error));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Steps that survive a killed process or node. A contract deployment is recorded as pending (sender,
 * nonce, the address it will have) before it is sent; a rerun adopts the contract if its code is there
 * and sends it again only if that nonce never produced it. A state change is guarded by a check of the
 * chain itself (hasRole, isRegistered, ...), never by the record alone, so a transaction that was mined
 * after the record was last written is not sent twice.
 */
import { type ContractFactory, type ContractTransactionReceipt, type Signer, getCreateAddress } from "ethers";
import type { OperationContext } from "./cli";
import type { RecordStore } from "./record";

export class Resumable {
  /** Steps skipped because the chain already had them, and steps sent. */
  readonly counts = { skipped: 0, sent: 0 };

  constructor(
    private readonly ctx: OperationContext,
    private readonly store: RecordStore,
    private readonly signer: Signer,
  ) {}

  /**
   * Deploys `factory` with `args` under `name` unless the record (or a pending deployment found on chain)
   * already has it; returns its address.
   */
  async contract(name: string, factory: ContractFactory, args: unknown[] = []): Promise<string> {
    const record = this.store.record;
    const known = record.contracts[name];
    if (known !== undefined) {
      this.counts.skipped++;
      return known;
    }
    const provider = this.signer.provider!;
    const from = await this.signer.getAddress();
    const pending = record.pending[name];
    if (pending !== undefined) {
      // Sent by an earlier run: wait while it is still in the node's pool, then adopt it if it created code.
      const deadline = Date.now() + 120_000;
      while (
        (await provider.getTransactionCount(pending.from, "latest")) <= pending.nonce &&
        (await provider.getTransactionCount(pending.from, "pending")) > pending.nonce &&
        Date.now() < deadline
      ) {
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      if ((await provider.getCode(pending.address)) !== "0x") {
        record.contracts[name] = pending.address;
        delete record.pending[name];
        this.store.save();
        this.counts.skipped++;
        return pending.address;
      }
      this.ctx.note(`${name}: the deployment an earlier run sent (nonce ${pending.nonce}) created nothing; sending it again`);
    }
    const nonce = await provider.getTransactionCount(from, "pending");
    const address = getCreateAddress({ from, nonce });
    record.pending[name] = { from, nonce, address };
    this.store.save();
    await this.ctx.send(`deploy ${name}`, async () => {
      const contract = await factory.connect(this.signer).deploy(...args, { nonce });
      const tx = contract.deploymentTransaction();
      if (tx === null) throw new Error(`deploy ${name}: no deployment transaction`);
      return tx;
    });
    record.contracts[name] = address;
    delete record.pending[name];
    this.store.save();
    this.counts.sent++;
    return address;
  }

  /**
   * Sends `tx` unless `done()` says the chain already has its effect. Returns the receipt, or undefined
   * when skipped.
   */
  async ensure(
    action: string,
    done: () => Promise<boolean>,
    tx: () => Promise<{ wait(): Promise<ContractTransactionReceipt | null> }>,
  ): Promise<ContractTransactionReceipt | undefined> {
    if (await done()) {
      this.counts.skipped++;
      return undefined;
    }
    const receipt = await this.ctx.send(action, tx);
    this.counts.sent++;
    return receipt;
  }
}

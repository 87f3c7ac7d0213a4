/**
 * token:freeze and token:unfreeze share one shape: a whole wallet (setAddressFrozen) or part of its
 * units (--amount: freezePartialTokens / unfreezePartialTokens), or a batch from a CSV file (columns
 * wallet[,amount]; an empty amount means the whole wallet) sent with the ERC-3643 batch functions. Checked
 * before sending: the sender's FREEZE_AGENT role, addresses, a partial freeze within the free balance
 * (balance − frozen − pledged), a partial unfreeze within the frozen units. A wallet already in the
 * requested state is skipped, so a rerun sends no whole-wallet change twice. Partial changes are not
 * idempotent (freezing 1,000 units twice freezes 2,000), so they go through tasks/lib/once.ts: each
 * transaction's nonce and calldata are recorded before it leaves and looked up on chain by a rerun after a
 * kill. A single partial change's record is cleared once mined (the same command later is a new change); a
 * file keeps its progress (partial lines done), so the same file run again sends no partial line twice.
 * Load-safe (no runtime imports at top).
 */
import { z } from "zod";
import { operation } from "./cli";
import * as s from "./schemas";

import * as b from "./bond-schemas";

export function freezeOperation(freeze: boolean): void {
  const verb = freeze ? "freeze" : "unfreeze";
  operation({
    name: `token:${verb}`,
    description: freeze
      ? "Freezes a wallet of a series (all transfers stop), or --amount of its free units; --file for a batch"
      : "Unfreezes a wallet of a series, or --amount of its frozen units; --file for a batch",
    params: {
      series: { description: "series symbol" },
      wallet: { description: "the holder's wallet" },
      amount: { description: `units to ${verb} (partial); without it the whole wallet` },
      file: { description: `CSV with columns wallet,amount (amount empty: whole wallet) to ${verb} in batches` },
      batch: { description: "wallets per transaction with --file (default 100, at most 100)" },
    },
    schema: z
      .object({
        series: s.symbol,
        wallet: s.address.optional(),
        amount: s.positiveAmount.optional(),
        file: z.string().trim().min(1).optional(),
        batch: b.batchSize(100).default(100),
      })
      .refine((a) => (a.wallet === undefined) !== (a.file === undefined), {
        error: "give either --wallet or --file",
        path: ["wallet"],
      })
      .refine((a) => a.file === undefined || a.amount === undefined, {
        error: "--amount goes in the file's amount column with --file",
        path: ["amount"],
      }),
    async run(args, ctx) {
      const { ROLES } = await import("../../scripts/lib/constants");
      const ops = await import("./ops");
      const store = await ctx.store();
      const agent = await ctx.signer();
      const agentAddress = await agent.getAddress();
      const series = await ops.openSeries(store, args.series, agent);
      const { token } = series;

      // Items: (wallet, amount | undefined = whole wallet), validated against the chain.
      const items: { wallet: string; amount?: bigint }[] = [];
      if (args.file !== undefined) {
        const rows = await ops.readCsv(args.file, "--file", ["wallet"]);
        rows.forEach((row, i) => {
          const line = `--file row ${i + 1}`;
          const wallet = ops.cell<string>(s.address, row.wallet, `${line} wallet`);
          const amount = row.amount ? ops.cell<bigint>(s.positiveAmount, row.amount, `${line} amount`) : undefined;
          items.push({ wallet, amount });
        });
      } else {
        items.push({ wallet: args.wallet!, amount: args.amount });
      }
      await ops.requireRole(token, ROLES.FREEZE_AGENT, agentAddress, `series ${args.series}`);
      const unit = await ops.unitOf(store, series);

      // Partial lines an earlier (killed) run of this command already sent: not validated or sent again.
      const once = await import("./once");
      const task = `token:${verb}`;
      const single = args.file === undefined;
      const key = single
        ? once.commandKey(task, agentAddress, { series: args.series, wallet: args.wallet, amount: args.amount })
        : once.commandKey(task, agentAddress, {
            series: args.series,
            file: items.map((i) => ({ wallet: i.wallet, amount: i.amount ?? null })),
          });
      let done = 0;
      let adopted = false;
      if (single) {
        if (args.amount !== undefined && (await once.finishedByEarlierRun(ctx, key, agent))) {
          done = 1;
          adopted = true;
        }
      } else {
        ({ done, adopted } = await once.batchDone(ctx, key, agent));
      }

      const rows: Record<string, unknown>[] = [];
      const whole: string[] = [];
      const partial: { wallet: string; amount: bigint }[] = [];
      const pendingPartial = new Map<string, bigint>();
      for (const [i, item] of items.entries()) {
        const argument =
          args.file !== undefined ? `--file row ${i + 1}` : item.amount === undefined ? "--wallet" : "--amount";
        const holding = await ops.holdingOf(token, item.wallet);
        if (item.amount === undefined) {
          if (holding.walletFrozen === freeze) {
            rows.push({
              wallet: item.wallet,
              action: `wallet ${verb}`,
              outcome: `already ${freeze ? "frozen" : "unfrozen"}`,
            });
          } else {
            whole.push(item.wallet);
            rows.push({ wallet: item.wallet, action: `wallet ${verb}`, outcome: "sent" });
          }
          continue;
        }
        partial.push({ wallet: item.wallet, amount: item.amount });
        if (partial.length <= done) {
          rows.push({
            wallet: item.wallet,
            action: `${verb} ${item.amount} units`,
            outcome: "done by an earlier run",
          });
          continue;
        }
        ops.requireMultiple(argument, item.amount, unit, args.series);
        const earlier = pendingPartial.get(item.wallet) ?? 0n;
        if (freeze) {
          ops.requireFree(argument, { ...holding, free: holding.free - earlier }, item.amount, item.wallet);
        } else if (item.amount + earlier > holding.frozen) {
          throw ops.badArgument(
            argument,
            `${item.amount} exceeds the frozen units of ${item.wallet}: ${holding.frozen - earlier}`,
          );
        }
        pendingPartial.set(item.wallet, earlier + item.amount);
        rows.push({ wallet: item.wallet, action: `${verb} ${item.amount} units`, outcome: "sent" });
      }

      const progress = ctx.progress(task, whole.length + partial.length);
      for (let i = 0; i < whole.length; i += args.batch) {
        const chunk = whole.slice(i, i + args.batch);
        await ctx.send(`${verb} ${chunk.length} wallet(s)`, () =>
          chunk.length === 1
            ? token.setAddressFrozen(chunk[0], freeze)
            : token.batchSetAddressFrozen(
                chunk,
                chunk.map(() => freeze),
              ),
        );
        progress.tick(chunk.length);
      }
      progress.tick(done);
      for (let i = done; i < partial.length; i += args.batch) {
        const chunk = partial.slice(i, i + args.batch);
        const action = `${verb} units of ${chunk.length} wallet(s)`;
        if (single) {
          const method = freeze ? "freezePartialTokens" : "unfreezePartialTokens";
          await once.sendRecorded(ctx, key, agent, action, token, method, [chunk[0].wallet, chunk[0].amount]);
        } else {
          const method = freeze ? "batchFreezePartialTokens" : "batchUnfreezePartialTokens";
          const wallets = chunk.map((c) => c.wallet);
          const amounts = chunk.map((c) => c.amount);
          await once.sendChunk(ctx, key, agent, action, token, method, [wallets, amounts], i + chunk.length);
        }
        progress.tick(chunk.length);
      }
      progress.stop();

      // The state after, per wallet.
      for (const row of rows) {
        const holding = await ops.holdingOf(token, row.wallet as string);
        Object.assign(row, {
          "wallet frozen": holding.walletFrozen,
          balance: holding.balance,
          frozen: holding.frozen,
          pledged: holding.pledged,
          free: holding.free,
        });
      }
      const sent = whole.length + partial.length - done;
      return {
        title:
          `token:${verb} ${args.series}: ${sent} change(s) sent, ${rows.length - sent} already done` +
          (adopted ? " (found on chain: sent by an interrupted earlier run, not sent again)" : ""),
        rows,
      };
    },
  });
}

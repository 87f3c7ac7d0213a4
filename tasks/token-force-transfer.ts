/**
 * token:force-transfer — the TRANSFER_AGENT moves units from one holder to another without the holder
 * (court order, inheritance, correction). The recipient must be verified; only free units move (frozen
 * and pledged units stay). --file from,to,amount sends a batch with batchForcedTransfer. Checked before
 * sending: role, addresses, amounts in whole units within each sender's free balance, recipients verified.
 * Never sent twice by a rerun after a kill (tasks/lib/once.ts): each transaction's nonce and calldata are
 * recorded before it leaves and looked up on chain by the rerun. A single transfer's record is cleared once
 * it is mined (the same command later is a new transfer); a file keeps its progress (lines done), so a rerun
 * sends only the lines not yet sent, and the same file run again sends nothing.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import * as s from "./lib/schemas";
import * as b from "./lib/bond-schemas";

operation({
  name: "token:force-transfer",
  description: "Forced transfer by the TRANSFER_AGENT (--from-wallet --to --amount, or --file from,to,amount)",
  params: {
    series: { description: "series symbol" },
    fromWallet: { description: "the holder units are taken from" },
    to: { description: "the (verified) recipient" },
    amount: { description: "units to move (whole multiples of the series unit)" },
    file: { description: "CSV with columns from,to,amount for a batch" },
    batch: { description: "lines per transaction with --file (default 100, at most 100)" },
  },
  schema: z
    .object({
      series: s.symbol,
      fromWallet: s.address.optional(),
      to: s.address.optional(),
      amount: s.positiveAmount.optional(),
      file: z.string().trim().min(1).optional(),
      batch: b.batchSize(100).default(100),
    })
    .superRefine((a, ctx) => {
      if (a.file !== undefined) {
        if (a.fromWallet ?? a.to ?? a.amount)
          ctx.addIssue({
            code: "custom",
            path: ["file"],
            message: "give --file alone, or --from-wallet --to --amount",
          });
        return;
      }
      for (const key of ["fromWallet", "to", "amount"] as const) {
        if (a[key] === undefined)
          ctx.addIssue({ code: "custom", path: [key], message: "is required (or give --file)" });
      }
      if (a.fromWallet !== undefined && a.fromWallet === a.to)
        ctx.addIssue({ code: "custom", path: ["to"], message: "is the same wallet as --from-wallet" });
    }),
  async run(args, ctx) {
    const { ROLES } = await import("../scripts/lib/constants");
    const ops = await import("./lib/ops");
    const store = await ctx.store();
    const agent = await ctx.signer();
    const agentAddress = await agent.getAddress();
    const series = await ops.openSeries(store, args.series, agent);
    const { token } = series;

    const items: { from: string; to: string; amount: bigint; argument: string }[] = [];
    if (args.file !== undefined) {
      const rows = await ops.readCsv(args.file, "--file", ["from", "to", "amount"]);
      rows.forEach((row, i) => {
        const line = `--file row ${i + 1}`;
        items.push({
          from: ops.cell<string>(s.address, row.from, `${line} from`),
          to: ops.cell<string>(s.address, row.to, `${line} to`),
          amount: ops.cell<bigint>(s.positiveAmount, row.amount, `${line} amount`),
          argument: line,
        });
      });
    } else {
      items.push({ from: args.fromWallet!, to: args.to!, amount: args.amount!, argument: "--amount" });
    }
    await ops.requireRole(token, ROLES.TRANSFER_AGENT, agentAddress, `series ${args.series}`);
    const once = await import("./lib/once");
    const single = args.file === undefined;
    const key = single
      ? once.commandKey("token:force-transfer", agentAddress, {
          series: args.series,
          fromWallet: args.fromWallet,
          to: args.to,
          amount: args.amount,
        })
      : once.commandKey("token:force-transfer", agentAddress, {
          series: args.series,
          file: items.map(({ from, to, amount }) => ({ from, to, amount })),
        });
    // Lines an earlier (killed) run of this command already sent: not validated or sent again.
    let done = 0;
    let adopted = false;
    if (single) {
      if (await once.finishedByEarlierRun(ctx, key, agent)) ({ done, adopted } = { done: 1, adopted: true });
    } else {
      ({ done, adopted } = await once.batchDone(ctx, key, agent));
    }
    const todo = items.slice(done);
    const unit = await ops.unitOf(store, series);
    const registry = await ops.registryOf(token);
    const taken = new Map<string, bigint>();
    for (const item of todo) {
      ops.requireMultiple(item.argument, item.amount, unit, args.series);
      const holding = await ops.holdingOf(token, item.from);
      const earlier = taken.get(item.from) ?? 0n;
      ops.requireFree(item.argument, { ...holding, free: holding.free - earlier }, item.amount, item.from);
      taken.set(item.from, earlier + item.amount);
      await ops.requireVerified(registry, item.to, single ? "--to" : item.argument, "recipient");
    }

    const progress = ctx.progress("token:force-transfer", items.length);
    progress.tick(done);
    for (let i = done; i < items.length; i += args.batch) {
      const chunk = items.slice(i, i + args.batch);
      const action = `forced transfer of ${chunk.length} item(s)`;
      if (single) {
        await once.sendRecorded(ctx, key, agent, action, token, "forcedTransfer", [
          chunk[0].from,
          chunk[0].to,
          chunk[0].amount,
        ]);
      } else {
        await once.sendChunk(
          ctx,
          key,
          agent,
          action,
          token,
          "batchForcedTransfer",
          [chunk.map((c) => c.from), chunk.map((c) => c.to), chunk.map((c) => c.amount)],
          i + chunk.length,
        );
      }
      progress.tick(chunk.length);
    }
    progress.stop();
    const rows = [];
    for (const item of items) {
      rows.push({
        from: item.from,
        to: item.to,
        amount: item.amount,
        "from balance": await token.balanceOf(item.from),
        "to balance": await token.balanceOf(item.to),
      });
    }
    const earlier =
      done === 0
        ? ""
        : adopted
          ? `; ${done} already done by an interrupted earlier run (found on chain), not sent again`
          : `; ${done} already done by an earlier run of this file, not sent again`;
    return {
      title: `token:force-transfer ${args.series}: ${items.length - done} forced transfer(s) sent${earlier}`,
      rows,
    };
  },
});

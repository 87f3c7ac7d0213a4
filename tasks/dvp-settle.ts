/**
 * dvp:settle — settles affirmed trades: one (--trade id) with settle, or a batch (--file, a CSV with a
 * column `trade`) with settleBatch, where each trade settles wholly or not at all and the table shows
 * each one's outcome (settled, or the decoded reason it failed). Anyone may send it (a keeper).
 * Checked before sending: each trade known, Affirmed, inside its window, both legs funded and approved
 * (the missing approve is named). A trade already settled is reported and not sent again, so a rerun of
 * a batch settles only what is left. Exit 1 when a trade of a batch did not settle.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import * as s from "./lib/schemas";

const CHUNK = 100;

operation({
  name: "dvp:settle",
  description: "Settles one affirmed DvP trade (--trade) or a batch (--file with a trade column) via settleBatch",
  params: {
    trade: { description: "trade id" },
    file: { description: "CSV with a column trade (trade ids) to settle in one settleBatch per 100" },
  },
  schema: z
    .object({ trade: s.tradeId.optional(), file: z.string().trim().min(1).optional() })
    .refine((a) => (a.trade === undefined) !== (a.file === undefined), {
      error: "give either --trade or --file",
      path: ["trade"],
    }),
  async run(args, ctx) {
    const ops = await import("./lib/ops");
    const d = await import("./lib/dvp");
    const { UsageError } = await import("./lib/errors");
    const { describeRevert } = await import("../scripts/lib/errors");
    const store = await ctx.store();
    const sender = await ctx.signer();
    const dvp = await d.openDvp(store, sender);
    const dvpAddress = await dvp.getAddress();

    const ids: { id: string; argument: string }[] = [];
    if (args.file !== undefined) {
      const rows = await ops.readCsv(args.file, "--file", ["trade"]);
      rows.forEach((row, i) =>
        ids.push({
          id: ops.cell<string>(s.tradeId, row.trade, `--file row ${i + 1} trade`),
          argument: `--file row ${i + 1}`,
        }),
      );
    } else {
      ids.push({ id: args.trade!, argument: "--trade" });
    }
    const now = BigInt(await ops.chainNow());
    const rows: Record<string, unknown>[] = [];
    const ready: { id: string; trade: import("./lib/dvp").Trade; row: Record<string, unknown> }[] = [];
    for (const { id, argument } of ids) {
      const trade = await d.findTrade(store, dvp, id, argument);
      const status = d.TRADE_STATUS[Number((await dvp.tradeState(id)).status)];
      const row: Record<string, unknown> = {
        trade: id,
        bond: d.symbolOf(store, trade.bond),
        units: trade.units,
        "cash amount": trade.cashAmount,
      };
      rows.push(row);
      const problems: string[] = [];
      if (status === "Settled") {
        row.outcome = "already settled";
        continue;
      }
      if (status !== "Affirmed")
        problems.push(`trade is ${status}${status === "Instructed" ? " (the counterparty has not affirmed)" : ""}`);
      else if (now > trade.expiry) problems.push(`the trade expired at ${ops.jstTime(trade.expiry)}`);
      else if (now < trade.settleAfter) problems.push(`too early: settles from ${ops.jstTime(trade.settleAfter)}`);
      else {
        problems.push(...(await d.legProblems(store, trade.bond, trade.seller, "seller", trade.units, dvpAddress)));
        problems.push(...(await d.legProblems(store, trade.cash, trade.buyer, "buyer", trade.cashAmount, dvpAddress)));
      }
      if (problems.length > 0) {
        if (args.file === undefined)
          throw new UsageError(
            `trade ${id} cannot settle`,
            problems.map((message) => ({ argument, message })),
          );
        row.outcome = `not sent: ${problems.join("; ")}`;
        continue;
      }
      ready.push({ id, trade, row });
    }

    const progress = ctx.progress("dvp:settle", ready.length);
    if (args.file === undefined && ready.length === 1) {
      await ctx.send(`settle trade ${ready[0].id}`, () => dvp.settle(ready[0].trade));
      ready[0].row.outcome = "settled";
    } else {
      for (let i = 0; i < ready.length; i += CHUNK) {
        const chunk = ready.slice(i, i + CHUNK);
        const receipt = await ctx.send(`settle a batch of ${chunk.length}`, () =>
          dvp.settleBatch(
            chunk.map((c) => c.trade),
            { gasLimit: 200_000 + 250_000 * chunk.length },
          ),
        );
        const outcomes = new Map<string, string>();
        for (const log of receipt.logs) {
          let parsed;
          try {
            parsed = dvp.interface.parseLog(log);
          } catch {
            parsed = null;
          }
          if (parsed?.name === "TradeSettled") outcomes.set(parsed.args.id as string, "settled");
          if (parsed?.name === "TradeSettlementFailed") {
            const reason = parsed.args.reason as string;
            outcomes.set(
              parsed.args.id as string,
              `failed: ${reason === "0x" ? "out of gas (retry)" : await describeRevert({ data: reason })}`,
            );
          }
        }
        for (const c of chunk) c.row.outcome = outcomes.get(c.id) ?? "no outcome event";
        progress.tick(chunk.length);
      }
    }
    progress.stop();
    const settled = rows.filter((r) => r.outcome === "settled").length;
    const failed = rows.filter((r) => r.outcome !== "settled" && r.outcome !== "already settled").length;
    if (failed > 0) process.exitCode = 1;
    return {
      title: `dvp:settle: ${settled} settled, ${rows.length - settled - failed} already settled, ${failed} not settled`,
      rows,
    };
  },
});

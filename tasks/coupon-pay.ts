/**
 * coupon:pay — the paying agent pays a bond series' due coupons: opens the next coupon's run if none is in
 * progress (refused before sending when the coupon is not yet due or the funder's cash or allowance falls
 * short), pays every holder of record in ascending batches with progress, and any holder the batches missed.
 * Resumable from the chain alone: killed mid-run, a rerun continues at the PayingAgent's cursor, and no
 * holder is paid twice. Prints each holder's payment (a summary for large runs unless --rows).
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import * as s from "./lib/schemas";
import * as b from "./lib/bond-schemas";

operation({
  name: "coupon:pay",
  description:
    "Pays the due coupon(s) of a bond series to every holder of record, in ascending batches (--batch, default 200, " +
    "at most 300); --once pays only the next due coupon. A rerun after an interruption continues the run in " +
    "progress from the PayingAgent's cursor (nobody paid twice).",
  params: {
    series: { description: "bond series symbol" },
    batch: { description: "holders per transaction (default 200, at most 300)" },
    once: { description: "pay only the next due coupon", flag: true },
    rows: { description: "print one row per holder even for a large run", flag: true },
  },
  schema: z.object({
    series: s.symbol,
    batch: b.batchSize(300).default(200),
    once: z.boolean().default(false),
    rows: z.boolean().default(false),
  }),
  async run(args, ctx) {
    const { payRuns } = await import("./lib/payment-run");
    return payRuns(ctx, "coupon", args);
  },
});

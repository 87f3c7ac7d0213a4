/**
 * bond:redeem — the paying agent redeems a bond series at maturity: opens the redemption run (refused
 * before sending while coupons are outstanding, before the redemption day, or when funding falls short),
 * pays principal to every holder of record in ascending batches (their units retired), and any holder the
 * batches missed. Resumable from the chain: a rerun continues at the PayingAgent's cursor.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import * as s from "./lib/schemas";
import * as b from "./lib/bond-schemas";

operation({
  name: "bond:redeem",
  description:
    "Redeems a bond series on its redemption day: principal to every holder of record in ascending batches " +
    "(--batch, default 200, at most 300), units retired. Every coupon must be paid first (coupon:pay). Resumable.",
  params: {
    series: { description: "bond series symbol" },
    batch: { description: "holders per transaction (default 200, at most 300)" },
    rows: { description: "print one row per holder even for a large run", flag: true },
  },
  schema: z.object({ series: s.symbol, batch: b.batchSize(300).default(200), rows: z.boolean().default(false) }),
  async run(args, ctx) {
    const { payRuns } = await import("./lib/payment-run");
    return payRuns(ctx, "redemption", args);
  },
});

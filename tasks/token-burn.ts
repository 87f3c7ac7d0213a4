/**
 * token:burn — retires units of a recorded series from a holder (`--holder --amount`), by a SUPPLY_AGENT.
 * Checked before sending: the amount a whole multiple of the unit and at most the holder's free units, and
 * a static call of the burn (any other refusal decoded). A run killed after sending is resolved on rerun
 * from the recorded nonce: the burn is never sent twice.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import { UsageError } from "./lib/errors";
import * as s from "./lib/schemas";

operation({
  name: "token:burn",
  description:
    "Burns --amount units (yen; bonds: face, a multiple of the unit) of a recorded series from --holder. The holder's " +
    "free units must cover it. A rerun after a kill finds the earlier burn on chain instead of burning again.",
  params: {
    series: { description: "series symbol" },
    holder: { description: "address whose units are burned" },
    amount: { description: "amount, yen (bonds: a multiple of the unit)" },
  },
  schema: z.object({ series: s.symbol, holder: s.address, amount: s.positiveAmount }),
  async run(args, ctx) {
    const store = await ctx.store();
    const record = store.series(args.series);
    const signer = await ctx.signer(record.kind === "cash" ? "bank" : "owner");
    const { supplySeries } = await import("./lib/supply");
    const { sendOnce } = await import("./lib/bond-ops");
    const { describeRevert } = await import("../scripts/lib/errors");
    const { token, unit } = await supplySeries(store, args.series, signer);
    const key = `burn:${args.series}:${args.holder}:${args.amount}`;
    const resuming = store.record.operations[key]?.pending !== undefined;
    if (!resuming) {
      if (args.amount % unit !== 0n) {
        throw new UsageError("bad arguments", [
          {
            argument: "--amount",
            message: `${args.amount} is not a whole number of ¥${unit.toLocaleString("en-US")} units`,
          },
        ]);
      }
      const free = await token.freeBalanceOf(args.holder);
      if (free < args.amount) {
        throw new UsageError("bad arguments", [
          {
            argument: "--amount",
            message: `${args.holder} has ${free} free units of ${args.series} (neither frozen nor pledged)`,
          },
        ]);
      }
      try {
        await token.burn.staticCall(args.holder, args.amount);
      } catch (error) {
        throw new UsageError(`burn refused: ${await describeRevert(error)}; nothing was sent`);
      }
    }
    const outcome = await sendOnce(ctx, store, key, signer, `burn ${args.amount} ${args.series}`, token, "burn", [
      args.holder,
      args.amount,
    ]);
    delete store.record.operations[key];
    store.save();
    return {
      title: `burned ${args.amount.toLocaleString("en-US")} ${args.series} from ${args.holder}${outcome === "adopted" ? " (found mined from an earlier run)" : ""}`,
      summary: { balance: await token.balanceOf(args.holder), totalSupply: await token.totalSupply() },
    };
  },
});

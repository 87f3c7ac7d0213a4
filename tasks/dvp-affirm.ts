/**
 * dvp:affirm — the counterparty (--from) affirms an instructed trade; it becomes settleable. The terms
 * are found by the trade id (record, or the TradeInstructed event). Checked before sending: the trade is
 * Instructed, the sender is the party that has not affirmed, the expiry has not passed, both parties are
 * verified, and the sender's own leg (free balance, approval of the settlement contract).
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import * as s from "./lib/schemas";

operation({
  name: "dvp:affirm",
  description: "The counterparty affirms an instructed DvP trade",
  params: { trade: { description: "trade id (printed by dvp:instruct)" } },
  schema: z.object({ trade: s.tradeId }),
  async run(args, ctx) {
    const ops = await import("./lib/ops");
    const d = await import("./lib/dvp");
    const { UsageError } = await import("./lib/errors");
    const store = await ctx.store();
    const sender = await ctx.signer();
    const from = await sender.getAddress();
    const dvp = await d.openDvp(store, sender);
    const trade = await d.findTrade(store, dvp, args.trade, "--trade");
    const state = await dvp.tradeState(args.trade);
    const status = d.TRADE_STATUS[Number(state.status)];
    if (from !== trade.seller && from !== trade.buyer) {
      throw ops.badArgument("--from", `${from} is neither the seller ${trade.seller} nor the buyer ${trade.buyer}`);
    }
    const role = from === trade.seller ? "seller" : "buyer";
    const mine = role === "seller" ? state.sellerAffirmed : state.buyerAffirmed;
    if (status === "Affirmed" || (status === "Instructed" && mine)) {
      return {
        title: `The ${role} has already affirmed trade ${args.trade} (nothing sent)`,
        summary: d.describeTrade(store, args.trade, trade, status),
      };
    }
    if (status !== "Instructed")
      throw ops.badArgument("--trade", `trade ${args.trade} is ${status}: nothing to affirm`);
    await d.requireNotExpired(trade, "--trade");
    await d.requireParties(trade, () => "--trade");
    const own = role === "seller" ? ([trade.bond, trade.units] as const) : ([trade.cash, trade.cashAmount] as const);
    const problems = await d.legProblems(store, own[0], from, role, own[1], await dvp.getAddress());
    if (problems.length > 0) {
      throw new UsageError(
        "the sender's leg cannot settle",
        problems.map((message) => ({ argument: "--from", message })),
      );
    }
    await ctx.send(`affirm trade ${args.trade}`, () => dvp.affirm(trade));
    return {
      title: `Trade affirmed by the ${role}: ${args.trade}`,
      summary: {
        ...d.describeTrade(store, args.trade, trade, "Affirmed"),
        "next step": `dvp:settle --trade ${args.trade}`,
      },
    };
  },
});

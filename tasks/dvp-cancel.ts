/**
 * dvp:cancel — a party (--from seller or buyer) cancels an unsettled trade: alone while only one side
 * has affirmed it; once Affirmed, the call records the party's request and the trade is cancelled when
 * both have asked. The settlement agent cancels alone with --reason. Checked before sending: trade known
 * and open (Instructed or Affirmed), the sender a party (or the agent with a reason), no request twice.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import * as s from "./lib/schemas";

operation({
  name: "dvp:cancel",
  description: "A party cancels (or asks to cancel) a DvP trade; the settlement agent cancels with --reason",
  params: {
    trade: { description: "trade id" },
    reason: { description: "why (required when the settlement agent cancels)" },
  },
  schema: z.object({
    trade: s.tradeId,
    reason: z.string().trim().min(1).optional(),
  }),
  async run(args, ctx) {
    const ops = await import("./lib/ops");
    const d = await import("./lib/dvp");
    const store = await ctx.store();
    const sender = await ctx.signer();
    const from = await sender.getAddress();
    const dvp = await d.openDvp(store, sender);
    const trade = await d.findTrade(store, dvp, args.trade, "--trade");
    const state = await dvp.tradeState(args.trade);
    const status = d.TRADE_STATUS[Number(state.status)];
    if (status === "Cancelled")
      return {
        title: `Trade ${args.trade} is already cancelled (nothing sent)`,
        summary: d.describeTrade(store, args.trade, trade, status),
      };
    if (status !== "Instructed" && status !== "Affirmed")
      throw ops.badArgument("--trade", `trade ${args.trade} is ${status}: it can no longer be cancelled`);
    const party = from === trade.seller ? "seller" : from === trade.buyer ? "buyer" : undefined;
    if (party === undefined || args.reason !== undefined) {
      await ops.requireRole(
        dvp,
        await dvp.SETTLEMENT_AGENT(),
        from,
        `the DvP settlement contract (not a party: only the settlement agent cancels others' trades)`,
        "SETTLEMENT_AGENT",
      );
      if (args.reason === undefined) throw ops.badArgument("--reason", "the settlement agent must say why it cancels");
      await ctx.send(`cancel trade ${args.trade}`, () => dvp.cancelByAgent(trade, args.reason!));
    } else {
      const asked = party === "seller" ? state.sellerCancelRequested : state.buyerCancelRequested;
      if (asked)
        return {
          title: `The ${party} has already asked to cancel ${args.trade} (nothing sent); the other party must ask too`,
          summary: d.describeTrade(store, args.trade, trade, status),
        };
      await ctx.send(`cancel trade ${args.trade}`, () => dvp.cancel(trade));
    }
    const after = d.TRADE_STATUS[Number((await dvp.tradeState(args.trade)).status)];
    return {
      title:
        after === "Cancelled"
          ? `Trade ${args.trade} cancelled`
          : `Cancellation of ${args.trade} requested by the ${party}; cancelled once the other party asks too`,
      summary: d.describeTrade(store, args.trade, trade, after),
    };
  },
});

/**
 * dvp:instruct — the seller or the buyer (--from) records a trade with the DvP settlement contract and
 * counts as having affirmed it; prints the trade id (the EIP-712 digest of the terms under the
 * contract's domain, i.e. what the parties sign). Terms: --series (the bond leg), --cash (default JPYD),
 * --seller, --buyer, --quantity (a multiple of the series unit), --price per ¥100 of face (up to 6
 * decimals; cash = quantity × price / 100, truncated below one yen) or --cash-amount, --settle-after
 * (default 00:00 JST today), --settle-by (the expiry; default the end of tomorrow, JST), --nonce (default 0). Checked before sending:
 * both parties verified, amounts, the expiry in the future, the sender's own leg (free balance and the
 * approval the settlement contract needs; the counterparty's missing approval is only noted). Resumable:
 * terms already instructed by the sender are reported, not sent again.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import * as s from "./lib/schemas";

operation({
  name: "dvp:instruct",
  description: "Seller or buyer instructs a DvP trade (bond against cash); prints the trade id",
  params: {
    series: { description: "bond series symbol (delivered by the seller)" },
    cash: { description: "cash series symbol (paid by the buyer; default JPYD)" },
    seller: { description: "seller's wallet" },
    buyer: { description: "buyer's wallet" },
    quantity: { description: "face units delivered (a multiple of the series unit)" },
    price: { description: "price in yen per ¥100 of face, up to 6 decimals (or give --cash-amount)" },
    cashAmount: { description: "total cash paid, in yen (instead of --price)" },
    settleAfter: {
      description: "earliest settlement: YYYY-MM-DD[THH:MM] JST, unix seconds or +N[s|m|h|d] (default 00:00 JST today)",
    },
    settleBy: { description: "expiry, the last moment it may settle (same forms; default 23:59:59 JST tomorrow)" },
    nonce: { description: "distinguishes otherwise identical trades (default 0)" },
  },
  schema: z
    .object({
      series: s.symbol,
      cash: s.symbol.default("JPYD"),
      seller: s.address,
      buyer: s.address,
      quantity: s.positiveAmount,
      price: s.pricePer100.optional(),
      cashAmount: s.positiveAmount.optional(),
      settleAfter: s.moment.optional(),
      settleBy: s.moment.optional(),
      nonce: s.amount.default(0n),
    })
    .refine((a) => a.seller !== a.buyer, { error: "the buyer is the seller", path: ["buyer"] })
    .refine((a) => (a.price === undefined) !== (a.cashAmount === undefined), {
      error: "give exactly one of --price and --cash-amount",
      path: ["price"],
    })
    .refine((a) => a.series !== a.cash, { error: "the cash leg is the bond series", path: ["cash"] }),
  async run(args, ctx) {
    const ops = await import("./lib/ops");
    const d = await import("./lib/dvp");
    const store = await ctx.store();
    const sender = await ctx.signer();
    const from = await sender.getAddress();
    if (from !== args.seller && from !== args.buyer) {
      throw ops.badArgument("--from", `${from} is neither the seller nor the buyer: a party instructs its own trade`);
    }
    const role = from === args.seller ? "seller" : "buyer";
    const bond = await ops.openSeries(store, args.series);
    const cash = await ops.openSeries(store, args.cash);
    const dvp = await d.openDvp(store, sender);
    const dvpAddress = await dvp.getAddress();
    const unit = await ops.unitOf(store, bond);
    ops.requireMultiple("--quantity", args.quantity, unit, args.series);
    const cashAmount = args.cashAmount ?? (args.quantity * args.price!) / 100_000_000n;
    if (cashAmount === 0n)
      throw ops.badArgument("--price", `${args.quantity} units at that price pay less than one yen`);
    const now = await ops.chainNow();
    // Defaults fixed within a JST day, so a rerun the same day finds the same trade id.
    const { dayOfUnix, jstMidnight } = await import("../scripts/lib/calendar");
    const today = jstMidnight(dayOfUnix(now));
    const settleAfter = args.settleAfter === undefined ? today : await ops.resolveMoment(args.settleAfter);
    const expiry = args.settleBy === undefined ? today + 2 * 86_400 - 1 : await ops.resolveMoment(args.settleBy);
    if (expiry <= now) {
      throw ops.badArgument(
        "--settle-by",
        `${ops.jstTime(expiry)} is not in the future (chain time now ${ops.jstTime(now)})`,
      );
    }
    if (settleAfter > expiry) {
      throw ops.badArgument(
        "--settle-after",
        `${ops.jstTime(settleAfter)} is after --settle-by ${ops.jstTime(expiry)}`,
      );
    }
    const trade = {
      seller: args.seller,
      buyer: args.buyer,
      bond: bond.address,
      units: args.quantity,
      cash: cash.address,
      cashAmount,
      settleAfter: BigInt(settleAfter),
      expiry: BigInt(expiry),
      nonce: args.nonce,
    };
    await d.requireParties(trade, (r) => `--${r}`);
    const own = role === "seller" ? [bond.address, args.quantity] : [cash.address, cashAmount];
    const problems = await d.legProblems(store, own[0] as string, from, role, own[1] as bigint, dvpAddress);
    if (problems.length > 0)
      throw new (await import("./lib/errors")).UsageError(
        "the sender's leg cannot settle",
        problems.map((message) => ({ argument: `--${role}`, message })),
      );
    const other = role === "seller" ? "buyer" : "seller";
    const counter =
      role === "seller" ? [cash.address, args.buyer, cashAmount] : [bond.address, args.seller, args.quantity];
    for (const p of await d.legProblems(
      store,
      counter[0] as string,
      counter[1] as string,
      other,
      counter[2] as bigint,
      dvpAddress,
    )) {
      ctx.note(`note: before settlement, ${p}`);
    }

    const id = await dvp.tradeId(trade);
    const state = await dvp.tradeState(id);
    const status = d.TRADE_STATUS[Number(state.status)];
    const mine = role === "seller" ? state.sellerAffirmed : state.buyerAffirmed;
    if (status === "Instructed" || status === "Affirmed") {
      if (!mine)
        throw ops.badArgument(
          "--nonce",
          `trade ${id} with these terms is already ${status} by the ${other}: affirm it with dvp:affirm`,
        );
      d.rememberTrade(store, id, trade);
      return {
        title: `Trade already instructed: ${id} (nothing sent)`,
        summary: d.describeTrade(store, id, trade, status),
      };
    }
    if (status !== "None") {
      throw ops.badArgument(
        "--nonce",
        `trade ${id} with these terms is already ${status}; give another --nonce for a new trade`,
      );
    }
    d.rememberTrade(store, id, trade, { instructedBy: from });
    await ctx.send(`instruct trade ${id}`, () => dvp.instruct(trade));
    return {
      title: `Trade instructed by the ${role}: ${id}`,
      summary: {
        ...d.describeTrade(store, id, trade, "Instructed"),
        "next step": `dvp:affirm --trade ${id} --from ${role === "seller" ? args.buyer : args.seller}`,
      },
    };
  },
});

/**
 * escrow:enforce — after default, the secured party (--from; default the recorded clearingHouse)
 * enforces: --mode take (takes --units of --series at market value against the obligation), cash (takes
 * --units yen of cash collateral), sale (lists --units of --series for --buyer at --cash-amount until
 * --expiry; DvP when the buyer buys), close (ends the default: the rest goes back to the pledgor, any
 * uncovered remainder is recorded as the loss). --mode buy is the sale's buyer (--from) paying for
 * --sale-id. Checked before sending: account Defaulted, units pledged, a price at most one day old
 * (take), the buyer verified, approvals of the escrow for the buyer's cash. A take, a cash take or a sale
 * listing repeated would take or list again, so these are sent through tasks/lib/once.ts: a rerun after a
 * kill finds the earlier run's transaction on chain and sends nothing (a buy and a close are refused or
 * skipped by the chain's state).
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import * as s from "./lib/schemas";

operation({
  name: "escrow:enforce",
  description: "Enforcement in default: take units or cash, list a sale, buy a listed sale, or close the default",
  params: {
    mode: { description: "take | cash | sale | buy | close" },
    pledgor: { description: "the defaulted pledgor (all modes but buy)" },
    series: { description: "pledged series (take, sale)" },
    units: { description: "face units (take, sale) or yen of cash (cash)" },
    buyer: { description: "the buyer of a sale (sale)" },
    cashAmount: { description: "the sale price in yen (sale)" },
    expiry: { description: "the sale's last moment (sale; default +1d)" },
    saleId: { description: "the sale to buy (buy)" },
  },
  schema: z
    .object({
      mode: z.enum(["take", "cash", "sale", "buy", "close"], { error: "must be take, cash, sale, buy or close" }),
      pledgor: s.address.optional(),
      series: s.symbol.optional(),
      units: s.positiveAmount.optional(),
      buyer: s.address.optional(),
      cashAmount: s.positiveAmount.optional(),
      expiry: s.moment.optional(),
      saleId: s.integer(1, Number.MAX_SAFE_INTEGER).optional(),
    })
    .superRefine((a, ctx) => {
      const need: Record<string, (keyof typeof a)[]> = {
        take: ["pledgor", "series", "units"],
        cash: ["pledgor", "units"],
        sale: ["pledgor", "series", "units", "buyer", "cashAmount"],
        buy: ["saleId"],
        close: ["pledgor"],
      };
      for (const key of need[a.mode] ?? []) {
        if (a[key] === undefined)
          ctx.addIssue({ code: "custom", path: [key], message: `is required with --mode ${a.mode}` });
      }
    }),
  async run(args, ctx) {
    const ops = await import("./lib/ops");
    const e = await import("./lib/escrow");
    const store = await ctx.store();
    const sender = await ctx.signer(args.mode === "buy" ? undefined : "clearingHouse");
    const from = await sender.getAddress();
    const escrow = await e.openEscrow(store, sender);
    const escrowAddress = await escrow.getAddress();

    if (args.mode === "buy") {
      const listed = await escrow.queryFilter(escrow.filters.SaleListed(args.saleId!));
      if (listed.length === 0) throw ops.badArgument("--sale-id", `no sale ${args.saleId} was listed`);
      const sale = listed[0].args;
      const sold = await escrow.queryFilter(escrow.filters.CollateralSold(args.saleId!));
      if (sold.length > 0)
        return {
          title: `Sale ${args.saleId} is already bought (nothing sent)`,
          summary: { sale: args.saleId, units: sale.units, "cash amount": sale.cashAmount },
        };
      if (sale.buyer !== from)
        throw ops.badArgument("--from", `${from} is not the buyer of sale ${args.saleId} (${sale.buyer})`);
      const [cashToken] = await escrow.wiring();
      const cash = await ops.at<import("../typechain-types").SecurityToken>("SecurityToken", cashToken);
      ops.requireFree("--sale-id", await ops.holdingOf(cash, from), sale.cashAmount, from);
      const allowance = await cash.allowance(from, escrowAddress);
      if (allowance < sale.cashAmount) {
        throw ops.badArgument(
          "--sale-id",
          `missing approve: ${from} must approve the escrow ${escrowAddress} for ${sale.cashAmount} of cash (allowance now ${allowance})`,
        );
      }
      await ctx.send(`buy sale ${args.saleId}`, () => escrow.buy(args.saleId!));
      return {
        title: `Bought sale ${args.saleId}: ${sale.units} units for ${sale.cashAmount}`,
        summary: { sale: args.saleId, series: sale.series, units: sale.units, "cash amount": sale.cashAmount },
      };
    }

    const pledgor = args.pledgor!;
    const once = await import("./lib/once");
    const key = once.commandKey("escrow:enforce", from, args);
    // The latest sale listed with these terms (what the listing just sent, or an earlier run's, created).
    const saleOf = async (series: string) => {
      const logs = await escrow.queryFilter(escrow.filters.SaleListed());
      return logs
        .map((l) => l.args)
        .filter(
          (a) =>
            a.series === series && a.units === args.units && a.buyer === args.buyer && a.cashAmount === args.cashAmount,
        )
        .at(-1)?.saleId;
    };
    if (args.mode !== "close" && (await once.finishedByEarlierRun(ctx, key, sender))) {
      const sale = args.mode === "sale" ? await saleOf(store.series(args.series!).token) : undefined;
      return {
        title:
          `Enforcement (${args.mode}${args.series ? ` ${args.units} ${args.series}` : ` ${args.units}`}) against ${pledgor}` +
          `${sale === undefined ? "" : `: sale ${sale} listed`}: already done by an interrupted earlier run (found on chain); nothing sent`,
        summary: e.describeAccount(store, await e.accountView(escrow, pledgor, from)),
      };
    }
    const view = await e.accountView(escrow, pledgor, from);
    e.requireStatus(
      view,
      ["Defaulted"],
      "--pledgor",
      `enforce (${args.mode}); default is declared first with escrow:default`,
    );
    let title = "";
    if (args.mode === "take" || args.mode === "sale") {
      const series = await ops.openSeries(store, args.series!);
      e.requirePledged(view, series.address, args.series!, args.units!, "--units");
      ops.requireMultiple("--units", args.units!, await ops.unitOf(store, series), args.series!);
      if (args.mode === "take") {
        const [, observedAt] = await (await e.openPriceFeed(store)).priceOf(series.address);
        const now = await ops.chainNow();
        if (observedAt === 0n || BigInt(now) > observedAt + 86_400n) {
          throw ops.badArgument(
            "--series",
            `${args.series} has no price from the last day (observed ${observedAt === 0n ? "never" : ops.jstTime(observedAt)}): run price:set first`,
          );
        }
        await once.sendRecorded(ctx, key, sender, `take ${args.units} ${args.series}`, escrow, "enforceTake", [
          pledgor,
          series.address,
          args.units!,
        ]);
        title = `Took ${args.units} ${args.series} from ${pledgor}`;
      } else {
        await ops.requireVerified(await ops.registryOf(series.token), args.buyer!, "--buyer", "buyer");
        const expiry = await ops.resolveMoment(args.expiry ?? { kind: "in", seconds: 86_400 });
        const now = await ops.chainNow();
        if (expiry <= now) throw ops.badArgument("--expiry", `${ops.jstTime(expiry)} is not in the future`);
        await once.sendRecorded(ctx, key, sender, `list a sale of ${args.units} ${args.series}`, escrow, "listSale", [
          pledgor,
          series.address,
          args.units!,
          args.buyer!,
          args.cashAmount!,
          expiry,
        ]);
        const saleId = await saleOf(series.address);
        title = `Sale ${saleId} listed: ${args.units} ${args.series} to ${args.buyer} for ${args.cashAmount} (the buyer runs escrow:enforce --mode buy --sale-id ${saleId})`;
      }
    } else if (args.mode === "cash") {
      if (args.units! > view.cash)
        throw ops.badArgument("--units", `the account holds ${view.cash} of cash, not ${args.units}`);
      if (args.units! > view.outstanding)
        throw ops.badArgument("--units", `more than the obligation outstanding ${view.outstanding}`);
      await once.sendRecorded(ctx, key, sender, `take ${args.units} cash`, escrow, "enforceCash", [
        pledgor,
        args.units!,
      ]);
      title = `Took ${args.units} of cash collateral from ${pledgor}`;
    } else {
      await ctx.send(`close the default of ${pledgor}`, () => escrow.closeDefault(pledgor));
      title = `Default of ${pledgor} closed`;
    }
    return { title, summary: e.describeAccount(store, await e.accountView(escrow, pledgor, from)) };
  },
});

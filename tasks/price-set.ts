/**
 * price:set — the PRICE_AGENT publishes a series' price (yen per ¥100 of face, up to 6 decimals, above 0
 * and at most 1,000) to the PriceFeed the escrow values collateral with; --file series,price for many in
 * one transaction. Observed now (the chain's clock) unless --observed-at. Checked before sending: role,
 * series recorded, price format and range, the observation newer than the series' last and not in the
 * future.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import * as s from "./lib/schemas";

operation({
  name: "price:set",
  description:
    "Publishes a series' price per ¥100 of face to the PriceFeed (PRICE_AGENT); --file series,price for a batch",
  params: {
    series: { description: "series symbol" },
    price: { description: "yen per ¥100 of face, up to 6 decimals (e.g. 99.875)" },
    observedAt: { description: "when observed: YYYY-MM-DDTHH:MM JST or unix seconds (default: the chain's now)" },
    file: { description: "CSV with columns series,price" },
  },
  schema: z
    .object({
      series: s.symbol.optional(),
      price: s.pricePer100.optional(),
      observedAt: s.moment.optional(),
      file: z.string().trim().min(1).optional(),
    })
    .superRefine((a, ctx) => {
      if (a.file !== undefined) {
        if (a.series !== undefined || a.price !== undefined)
          ctx.addIssue({ code: "custom", path: ["file"], message: "give --file alone, or --series --price" });
        return;
      }
      if (a.series === undefined)
        ctx.addIssue({ code: "custom", path: ["series"], message: "is required (or give --file)" });
      if (a.price === undefined)
        ctx.addIssue({ code: "custom", path: ["price"], message: "is required (or give --file)" });
    }),
  async run(args, ctx) {
    const { ROLES } = await import("../scripts/lib/constants");
    const ops = await import("./lib/ops");
    const e = await import("./lib/escrow");
    const store = await ctx.store();
    const agent = await ctx.signer();
    const feed = await e.openPriceFeed(store, agent);
    const items: { symbol: string; token: string; price: bigint; argument: string }[] = [];
    if (args.file !== undefined) {
      const rows = await ops.readCsv(args.file, "--file", ["series", "price"]);
      for (const [i, row] of rows.entries()) {
        const line = `--file row ${i + 1}`;
        const symbol = ops.cell<string>(s.symbol, row.series, `${line} series`);
        items.push({
          symbol,
          token: store.series(symbol).token,
          price: ops.cell<bigint>(s.pricePer100, row.price, `${line} price`),
          argument: line,
        });
      }
    } else {
      items.push({
        symbol: args.series!,
        token: store.series(args.series!).token,
        price: args.price!,
        argument: "--observed-at",
      });
    }
    await ops.requireRole(
      feed,
      ROLES.PRICE_AGENT,
      await agent.getAddress(),
      `the PriceFeed ${await feed.getAddress()}`,
    );
    const now = await ops.chainNow();
    const observedAt = args.observedAt === undefined ? now : await ops.resolveMoment(args.observedAt);
    if (observedAt > now)
      throw ops.badArgument(
        "--observed-at",
        `${ops.jstTime(observedAt)} is in the future (chain time ${ops.jstTime(now)})`,
      );
    const rows = [];
    for (const item of items) {
      const [previous, previousAt] = await feed.priceOf(item.token);
      if (BigInt(observedAt) <= previousAt) {
        throw ops.badArgument(
          item.argument,
          `${item.symbol} already has a price observed at ${ops.jstTime(previousAt)}; a new one must be observed later`,
        );
      }
      rows.push({
        series: item.symbol,
        price: s.formatPrice(item.price),
        previous: previousAt === 0n ? "" : s.formatPrice(previous),
        "observed at": ops.jstTime(observedAt),
      });
    }
    await ctx.send(`publish ${items.length} price(s)`, () =>
      feed.publish(
        items.map((i) => i.token),
        items.map((i) => i.price),
        items.map(() => observedAt),
      ),
    );
    return { title: `Published ${items.length} price(s)`, rows };
  },
});

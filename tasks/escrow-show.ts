/**
 * escrow:show — read-only: a collateral account (pledgor, secured party): status, requirement, coverage
 * and shortfall or excess, margin call deadline, obligation in default, and per pledged series the
 * units, price, its age, haircut and value counted.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import * as s from "./lib/schemas";

operation({
  name: "escrow:show",
  description: "Shows a collateral account: coverage, requirement, margin call state, pledged series",
  params: {
    pledgor: { description: "the pledgor" },
    securedParty: { description: "the secured party (default the recorded clearingHouse)" },
  },
  schema: z.object({ pledgor: s.address, securedParty: s.address.optional() }),
  sends: false,
  async run(args, ctx) {
    const ops = await import("./lib/ops");
    const e = await import("./lib/escrow");
    const store = await ctx.store();
    const sp = args.securedParty ?? store.record.accounts.clearingHouse;
    if (sp === undefined)
      throw ops.badArgument("--secured-party", "is required (no clearingHouse account is recorded)");
    const escrow = await e.openEscrow(store);
    const feed = await e.openPriceFeed(store);
    const view = await e.accountView(escrow, args.pledgor, sp);
    if (view.status === "None")
      throw ops.badArgument("--pledgor", `no collateral account of ${args.pledgor} with ${sp}`);
    const now = BigInt(await ops.chainNow());
    const rows = [];
    for (const [series, units] of view.units) {
      const [price, observedAt] = await feed.priceOf(series);
      const haircut = await escrow.haircutOf(sp, series);
      const symbol = Object.entries(store.record.series).find(([, r]) => r.token === series)?.[0] ?? series;
      rows.push({
        series: symbol,
        units,
        price: price === 0n ? "none" : s.formatPrice(price),
        "price age (s)": observedAt === 0n ? "" : now - observedAt,
        "haircut (bp counted)": haircut,
        "market value": (units * price) / 100_000_000n,
      });
    }
    return {
      title: `Collateral account of ${args.pledgor} with ${sp}: ${view.status}`,
      summary: e.describeAccount(store, view),
      rows,
    };
  },
});

/**
 * escrow:release — the pledgor (--from) takes back excess collateral: --units of a pledged series (or
 * cash with --series JPYD). The escrow refuses a release that would leave coverage below the
 * requirement (EscrowCoverageBelowRequirement, decoded and printed, exit 1). Checked before sending: the
 * account Active, the units pledged and a multiple of the series unit.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import * as s from "./lib/schemas";

operation({
  name: "escrow:release",
  description: "Pledgor releases excess collateral (coverage must stay at or above the requirement)",
  params: {
    securedParty: { description: "the secured party" },
    series: { description: "pledged bond series symbol, or the cash series (JPYD)" },
    units: { description: "face units (or yen of cash) to release" },
  },
  schema: z.object({ securedParty: s.address, series: s.symbol, units: s.positiveAmount }),
  async run(args, ctx) {
    const ops = await import("./lib/ops");
    const e = await import("./lib/escrow");
    const { store, from, escrow, view } = await e.openAccount(ctx, "pledgor", args.securedParty);
    const once = await import("./lib/once");
    const signer = escrow.runner as import("ethers").Signer;
    const key = once.commandKey("escrow:release", from, args);
    if (await once.finishedByEarlierRun(ctx, key, signer)) {
      return {
        title: `Release of ${args.units} ${args.series}: already done by an interrupted earlier run (found on chain); nothing sent`,
        summary: e.describeAccount(store, await e.accountView(escrow, from, args.securedParty)),
      };
    }
    const series = await ops.openSeries(store, args.series);
    e.requireStatus(view, ["Active"], "--secured-party", "release");
    const [cashToken] = await escrow.wiring();
    if (series.address === cashToken) {
      if (args.units > view.cash)
        throw ops.badArgument("--units", `the account holds ${view.cash} of cash, not ${args.units}`);
      await once.sendRecorded(ctx, key, signer, `release ${args.units} cash`, escrow, "releaseCash", [
        args.securedParty,
        args.units,
      ]);
    } else {
      e.requirePledged(view, series.address, args.series, args.units, "--units");
      ops.requireMultiple("--units", args.units, await ops.unitOf(store, series), args.series);
      await once.sendRecorded(ctx, key, signer, `release ${args.units} ${args.series}`, escrow, "release", [
        args.securedParty,
        series.address,
        args.units,
      ]);
    }
    const after = await e.accountView(escrow, from, args.securedParty);
    return {
      title: `Released ${args.units} ${args.series} from the account with ${args.securedParty}`,
      summary: e.describeAccount(store, after),
    };
  },
});

/**
 * escrow:pledge — the pledgor (--from) pledges --units of a bond series (or, with --series JPYD, cash)
 * to a secured party. Units stay in the pledgor's wallet, counted as pledged. Checked before sending:
 * an open account (Active or Called), the pledgor verified, the escrow the series' pledge agent, the
 * series eligible with the secured party, units a multiple of the series unit within the free balance;
 * for cash, the approval of the escrow.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import * as s from "./lib/schemas";

operation({
  name: "escrow:pledge",
  description: "Pledgor pledges bond units (or cash) to a secured party's collateral account",
  params: {
    securedParty: { description: "the secured party (clearing house, lender)" },
    series: { description: "bond series symbol, or the cash series (JPYD) to pledge cash" },
    units: { description: "face units (or yen of cash) to pledge" },
  },
  schema: z.object({ securedParty: s.address, series: s.symbol, units: s.positiveAmount }),
  async run(args, ctx) {
    const ops = await import("./lib/ops");
    const e = await import("./lib/escrow");
    const account = await e.openAccount(ctx, "pledgor", args.securedParty);
    const { store, from, escrow, escrowAddress, view } = account;
    const once = await import("./lib/once");
    const signer = escrow.runner as import("ethers").Signer;
    const key = once.commandKey("escrow:pledge", from, args);
    if (await once.finishedByEarlierRun(ctx, key, signer)) {
      return {
        title: `Pledge of ${args.units} ${args.series}: already done by an interrupted earlier run (found on chain); nothing sent`,
        summary: e.describeAccount(store, await e.accountView(escrow, from, args.securedParty)),
      };
    }
    const series = await ops.openSeries(store, args.series);
    e.requireStatus(view, ["Active", "Called"], "--secured-party", "pledge");
    await ops.requireVerified(await ops.registryOf(series.token), from, "--from", "pledgor");
    const holding = await ops.holdingOf(series.token, from);
    ops.requireFree("--units", holding, args.units, from);
    const [cashToken] = await escrow.wiring();
    const isCash = series.address === cashToken;
    if (isCash) {
      const allowance = await series.token.allowance(from, escrowAddress);
      if (allowance < args.units) {
        throw ops.badArgument(
          "--units",
          `missing approve: ${from} must approve the escrow ${escrowAddress} for ${args.units} ${args.series} (allowance now ${allowance})`,
        );
      }
      await once.sendRecorded(ctx, key, signer, `pledge ${args.units} cash`, escrow, "pledgeCash", [
        args.securedParty,
        args.units,
      ]);
    } else {
      await e.requirePledgeable(account, series, "--series");
      ops.requireMultiple("--units", args.units, await ops.unitOf(store, series), args.series);
      await once.sendRecorded(ctx, key, signer, `pledge ${args.units} ${args.series}`, escrow, "pledge", [
        args.securedParty,
        series.address,
        args.units,
      ]);
    }
    const after = await e.accountView(escrow, from, args.securedParty);
    return {
      title: `Pledged ${args.units} ${args.series} to ${args.securedParty}`,
      summary: e.describeAccount(store, after),
    };
  },
});

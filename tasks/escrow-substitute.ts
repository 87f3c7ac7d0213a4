/**
 * escrow:substitute — the pledgor (--from) swaps pledged units of one series for units of another in one
 * transaction; coverage may not dip below the requirement (or, already below, no lower). Checked before
 * sending: account Active or Called, the out units pledged, the in series eligible and pledgeable,
 * in units free in the wallet, both amounts multiples of their series units.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import * as s from "./lib/schemas";

operation({
  name: "escrow:substitute",
  description: "Pledgor swaps pledged units of one series for another in one transaction",
  params: {
    securedParty: { description: "the secured party" },
    outSeries: { description: "pledged series to take out" },
    outUnits: { description: "units taken out" },
    inSeries: { description: "series to pledge instead" },
    inUnits: { description: "units pledged instead" },
  },
  schema: z
    .object({
      securedParty: s.address,
      outSeries: s.symbol,
      outUnits: s.positiveAmount,
      inSeries: s.symbol,
      inUnits: s.positiveAmount,
    })
    .refine((a) => a.outSeries !== a.inSeries, { error: "is the same series as --out-series", path: ["inSeries"] }),
  async run(args, ctx) {
    const ops = await import("./lib/ops");
    const e = await import("./lib/escrow");
    const account = await e.openAccount(ctx, "pledgor", args.securedParty);
    const { store, from, escrow, view } = account;
    const once = await import("./lib/once");
    const signer = escrow.runner as import("ethers").Signer;
    const key = once.commandKey("escrow:substitute", from, args);
    if (await once.finishedByEarlierRun(ctx, key, signer)) {
      return {
        title: `Substitution: already done by an interrupted earlier run (found on chain); nothing sent`,
        summary: e.describeAccount(store, await e.accountView(escrow, from, args.securedParty)),
      };
    }
    const out = await ops.openSeries(store, args.outSeries);
    const into = await ops.openSeries(store, args.inSeries);
    e.requireStatus(view, ["Active", "Called"], "--secured-party", "substitute");
    e.requirePledged(view, out.address, args.outSeries, args.outUnits, "--out-units");
    ops.requireMultiple("--out-units", args.outUnits, await ops.unitOf(store, out), args.outSeries);
    ops.requireMultiple("--in-units", args.inUnits, await ops.unitOf(store, into), args.inSeries);
    await e.requirePledgeable(account, into, "--in-series");
    ops.requireFree("--in-units", await ops.holdingOf(into.token, from), args.inUnits, from);
    await once.sendRecorded(ctx, key, signer, "substitute", escrow, "substitute", [
      args.securedParty,
      out.address,
      args.outUnits,
      into.address,
      args.inUnits,
    ]);
    const after = await e.accountView(escrow, from, args.securedParty);
    return {
      title: `Substituted ${args.outUnits} ${args.outSeries} with ${args.inUnits} ${args.inSeries}`,
      summary: { "coverage before": view.coverage, ...e.describeAccount(store, after) },
    };
  },
});

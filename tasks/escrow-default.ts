/**
 * escrow:default — the secured party (--from; default the recorded clearingHouse) declares a pledgor in
 * default after a missed margin call: the obligation becomes the requirement. Checked before sending:
 * account Called, deadline passed (chain clock), coverage still short.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import * as s from "./lib/schemas";

operation({
  name: "escrow:default",
  description: "Secured party declares default after a missed margin call deadline",
  params: { pledgor: { description: "the pledgor" } },
  schema: z.object({ pledgor: s.address }),
  async run(args, ctx) {
    const ops = await import("./lib/ops");
    const e = await import("./lib/escrow");
    const { store, from: sp, escrow, view } = await e.openAccount(ctx, "securedParty", args.pledgor);
    if (view.status === "Defaulted")
      return { title: `${args.pledgor} is already in default (nothing sent)`, summary: e.describeAccount(store, view) };
    e.requireStatus(view, ["Called"], "--pledgor", "declare default (a margin call comes first)");
    const now = await ops.chainNow();
    if (BigInt(now) <= view.callDeadline) {
      throw ops.badArgument(
        "--pledgor",
        `the call deadline ${ops.jstTime(view.callDeadline)} has not passed (chain time ${ops.jstTime(now)})`,
      );
    }
    if (view.coverage >= view.requirement)
      throw ops.badArgument(
        "--pledgor",
        `the call is met: coverage ${view.coverage} ≥ requirement ${view.requirement}`,
      );
    await ctx.send(`declare default of ${args.pledgor}`, () => escrow.declareDefault(args.pledgor));
    const after = await e.accountView(escrow, args.pledgor, sp);
    return {
      title: `${args.pledgor} declared in default: obligation ${after.outstanding}`,
      summary: e.describeAccount(store, after),
    };
  },
});

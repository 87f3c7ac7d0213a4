/**
 * escrow:margin-call — the secured party (--from; default the recorded clearingHouse) calls a pledgor
 * for margin: coverage is below the requirement, top up by --deadline (default the next day 11:00 JST,
 * as at JSCC). Checked before sending: account Active, a shortfall, the deadline in the future.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import * as s from "./lib/schemas";

operation({
  name: "escrow:margin-call",
  description: "Secured party calls for margin (coverage below requirement), with a deadline",
  params: {
    pledgor: { description: "the pledgor" },
    deadline: {
      description: "top-up deadline: YYYY-MM-DDTHH:MM JST, unix seconds or +N[s|m|h|d] (default next day 11:00 JST)",
    },
  },
  schema: z.object({ pledgor: s.address, deadline: s.moment.optional() }),
  async run(args, ctx) {
    const ops = await import("./lib/ops");
    const e = await import("./lib/escrow");
    const { dayOfUnix, jstMidnight } = await import("../scripts/lib/calendar");
    const { store, from: sp, escrow, view } = await e.openAccount(ctx, "securedParty", args.pledgor);
    if (view.status === "Called")
      return { title: `${args.pledgor} is already called (nothing sent)`, summary: e.describeAccount(store, view) };
    e.requireStatus(view, ["Active"], "--pledgor", "call for margin");
    if (view.coverage >= view.requirement) {
      throw ops.badArgument(
        "--pledgor",
        `no shortfall: coverage ${view.coverage} meets the requirement ${view.requirement}`,
      );
    }
    const now = await ops.chainNow();
    const deadline =
      args.deadline === undefined
        ? jstMidnight(dayOfUnix(now) + 1) + 11 * 3600
        : await ops.resolveMoment(args.deadline);
    if (deadline <= now)
      throw ops.badArgument(
        "--deadline",
        `${ops.jstTime(deadline)} is not in the future (chain time ${ops.jstTime(now)})`,
      );
    await ctx.send(`margin call on ${args.pledgor}`, () => escrow.marginCall(args.pledgor, deadline));
    const after = await e.accountView(escrow, args.pledgor, sp);
    return {
      title: `Margin call on ${args.pledgor}: top up ${view.requirement - view.coverage} by ${ops.jstTime(deadline)}`,
      summary: e.describeAccount(store, after),
    };
  },
});

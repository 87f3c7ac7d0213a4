/**
 * cpi:publish — the index agent publishes reference CPI values (JGBi indexation) on the CpiFeed, one per
 * JST day. Values have at most 3 decimals (101.7). A day already published with the same value is skipped
 * (a rerun sends nothing); with another value it is refused before sending (published values are final).
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import { type ArgumentProblem, UsageError } from "./lib/errors";
import * as s from "./lib/schemas";
import * as b from "./lib/bond-schemas";

operation({
  name: "cpi:publish",
  description:
    "Publishes reference CPI values (3 decimals, e.g. 101.7) for days (YYYY-MM-DD): --dates a,b,c with --values " +
    "x,y,z, or one value for every date. Days already published with the same value are skipped; published values are final.",
  params: {
    dates: { description: "days, comma-separated YYYY-MM-DD" },
    values: { description: "reference CPI per day (or one for all), e.g. 101.7" },
  },
  schema: z.object({ dates: s.list(s.date), values: s.list(b.cpiValue) }),
  async run(args, ctx) {
    const { ROLES } = await import("../scripts/lib/constants");
    const { formatDate } = await import("../scripts/lib/calendar");
    const { at, requireRole } = await import("./lib/bond-ops");
    if (args.values.length !== 1 && args.values.length !== args.dates.length) {
      throw new UsageError("bad arguments", [
        { argument: "--values", message: `give one value, or one per date (${args.dates.length})` },
      ]);
    }
    const store = await ctx.store();
    const signer = await ctx.signer("owner");
    const feed = await at<import("../typechain-types").CpiFeed>("CpiFeed", store.contract("cpiFeed"), signer);
    await requireRole(feed, ROLES.INDEX_AGENT, "INDEX_AGENT", await signer.getAddress(), "the CpiFeed");
    const problems: ArgumentProblem[] = [];
    const todo: { day: number; value: bigint }[] = [];
    const rows: Record<string, unknown>[] = [];
    for (const [i, day] of args.dates.entries()) {
      const value = args.values.length === 1 ? args.values[0] : args.values[i];
      const existing = await feed.referenceCpi(day);
      if (existing === 0n) todo.push({ day, value });
      else if (existing !== value)
        problems.push({ argument: "--values", message: `${formatDate(day)} is already published as ${existing}` });
      rows.push({ day: formatDate(day), value, status: existing === 0n ? "published" : "already published" });
    }
    if (problems.length > 0) throw new UsageError("nothing was sent", problems);
    for (let i = 0; i < todo.length; i += 100) {
      const chunk = todo.slice(i, i + 100);
      await ctx.send("publish CPI", () =>
        feed.publish(
          chunk.map((t) => t.day),
          chunk.map((t) => t.value),
        ),
      );
    }
    return { title: `${todo.length} CPI value(s) published, ${rows.length - todo.length} already there`, rows };
  },
});

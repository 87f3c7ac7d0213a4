/**
 * token:pause and token:unpause: the PAUSE_AGENT stops (or restarts) every holder transfer of a series.
 * A series already in the requested state is reported and nothing is sent. Load-safe.
 */
import { z } from "zod";
import { operation } from "./cli";
import * as s from "./schemas";

export function pauseOperation(pause: boolean): void {
  const verb = pause ? "pause" : "unpause";
  operation({
    name: `token:${verb}`,
    description: pause
      ? "Pauses every holder transfer of a series (PAUSE_AGENT)"
      : "Ends a pause of a series (PAUSE_AGENT)",
    params: { series: { description: "series symbol" } },
    schema: z.object({ series: s.symbol }),
    async run(args, ctx) {
      const { ROLES } = await import("../../scripts/lib/constants");
      const ops = await import("./ops");
      const store = await ctx.store();
      const agent = await ctx.signer();
      const { token, address } = await ops.openSeries(store, args.series, agent);
      await ops.requireRole(token, ROLES.PAUSE_AGENT, await agent.getAddress(), `series ${args.series}`);
      if ((await token.paused()) === pause) {
        return {
          title: `${args.series} is already ${pause ? "paused" : "running"}: nothing sent`,
          summary: { token: address, paused: pause },
        };
      }
      await ctx.send(`${verb} ${args.series}`, () => (pause ? token.pause() : token.unpause()));
      return {
        title: `${args.series} ${pause ? "paused" : "unpaused"}`,
        summary: { token: address, paused: await token.paused() },
      };
    },
  });
}

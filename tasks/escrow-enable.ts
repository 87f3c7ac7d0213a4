/**
 * escrow:enable — the series owner makes the collateral escrow the pledge agent of a series, so its
 * units can be pledged. Checked before sending: series recorded, the sender is its owner (DEFAULT_ADMIN).
 * A series already enabled is reported and nothing is sent.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import * as s from "./lib/schemas";

operation({
  name: "escrow:enable",
  description: "Series owner sets the collateral escrow as the series' pledge agent",
  params: { series: { description: "series symbol" } },
  schema: z.object({ series: s.symbol }),
  async run(args, ctx) {
    const { ethers } = await import("hardhat");
    const { ROLES } = await import("../scripts/lib/constants");
    const ops = await import("./lib/ops");
    const store = await ctx.store();
    const escrow = store.contract("escrow");
    const owner = await ctx.signer("owner");
    const { token, address } = await ops.openSeries(store, args.series, owner);
    const current = await token.pledgeAgent();
    if (current === escrow)
      return {
        title: `The escrow is already the pledge agent of ${args.series} (nothing sent)`,
        summary: { series: address, pledgeAgent: escrow },
      };
    await ops.requireRole(token, ROLES.DEFAULT_ADMIN, await owner.getAddress(), `series ${args.series}`);
    if (current !== ethers.ZeroAddress) ctx.note(`replacing the pledge agent ${current}`);
    await ctx.send(`set the pledge agent of ${args.series}`, () => token.setPledgeAgent(escrow));
    return {
      title: `The escrow is now the pledge agent of ${args.series}`,
      summary: { series: address, pledgeAgent: await token.pledgeAgent() },
    };
  },
});

/**
 * token:recover — the RECOVERY_AGENT moves everything a lost wallet holds (frozen and pledged units
 * keep their state) to a new wallet of the same investor. The new wallet must already be registered to
 * the lost wallet's ONCHAINID (investor:register the new wallet with the same identity first); the task
 * checks this and says so before sending. A rerun after the recovery finds nothing left to recover.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import * as s from "./lib/schemas";

operation({
  name: "token:recover",
  description: "Recovers a lost wallet's units to a new wallet registered to the same identity (RECOVERY_AGENT)",
  params: {
    series: { description: "series symbol" },
    lost: { description: "the lost wallet" },
    newWallet: { description: "the investor's new wallet (registered to the same identity)" },
  },
  schema: z
    .object({ series: s.symbol, lost: s.address, newWallet: s.address })
    .refine((a) => a.lost !== a.newWallet, { error: "is the same wallet as --lost", path: ["newWallet"] }),
  async run(args, ctx) {
    const { ethers } = await import("hardhat");
    const { ROLES } = await import("../scripts/lib/constants");
    const ops = await import("./lib/ops");
    const store = await ctx.store();
    const agent = await ctx.signer();
    const agentAddress = await agent.getAddress();
    const series = await ops.openSeries(store, args.series, agent);
    const { token } = series;
    await ops.requireRole(token, ROLES.RECOVERY_AGENT, agentAddress, `series ${args.series}`);
    const registry = await ops.registryOf(token);
    const identity = await registry.identity(args.lost);
    if (identity === ethers.ZeroAddress) {
      throw ops.badArgument(
        "--lost",
        `${args.lost} is not registered in the identity registry: no identity to recover for`,
      );
    }
    const newIdentity = await registry.identity(args.newWallet);
    if (newIdentity === ethers.ZeroAddress) {
      throw ops.badArgument(
        "--new-wallet",
        `${args.newWallet} is not registered; register it to the lost wallet's identity ${identity} first`,
      );
    }
    if (newIdentity !== identity) {
      throw ops.badArgument(
        "--new-wallet",
        `${args.newWallet} is registered to identity ${newIdentity}, not to the lost wallet's identity ${identity}`,
      );
    }
    const before = await ops.holdingOf(token, args.lost);
    if (before.balance === 0n) {
      const already = await ops.holdingOf(token, args.newWallet);
      return {
        title: `Nothing to recover: ${args.lost} holds no ${args.series} (nothing sent)`,
        summary: { identity, "new wallet balance": already.balance, "lost wallet frozen": before.walletFrozen },
      };
    }
    ctx.note(`${args.newWallet} is registered to the same identity ${identity}: recovering`);
    await ctx.send(`recover ${args.lost}`, () => token.recoveryAddress(args.lost, args.newWallet, identity));
    const after = await ops.holdingOf(token, args.newWallet);
    return {
      title: `Recovered ${before.balance} ${args.series} units from ${args.lost} to ${args.newWallet}`,
      summary: {
        identity,
        moved: before.balance,
        "of which frozen": before.frozen,
        "of which pledged": before.pledged,
        "new wallet balance": after.balance,
        "new wallet frozen units": after.frozen,
        "new wallet pledged": after.pledged,
        "lost wallet frozen": await token.isFrozen(args.lost),
      },
    };
  },
});

/**
 * investor:remove — deletes a wallet from the identity registry (the KYC whitelist shared by every
 * series). Its ONCHAINID stays, with its claims, for the audit trail. Checked before sending: the wallet
 * is registered and the sender holds REGISTRAR_AGENT.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import * as s from "./lib/schemas";

operation({
  name: "investor:remove",
  description: "Removes an investor's wallet from the identity registry (its ONCHAINID and claims stay)",
  params: { wallet: { description: "the investor's wallet address" } },
  schema: z.object({ wallet: s.address }),
  async run(args, ctx) {
    const { openMarket, requireRegistered, requireRole } = await import("./lib/investors");
    const { ROLES } = await import("../scripts/lib/constants");
    const store = await ctx.store();
    const market = await openMarket(ctx, store);
    await requireRole(market.registry, "identityRegistry", ROLES.REGISTRAR_AGENT, market.registrarAddress);
    const identity = await requireRegistered(market.registry, args.wallet);
    const receipt = await ctx.send(`remove ${args.wallet}`, () => market.registry.deleteIdentity(args.wallet));
    delete store.record.investors[args.wallet];
    store.save();
    return {
      title: `${args.wallet} removed from the identity registry`,
      summary: { wallet: args.wallet, identity, gasUsed: receipt.gasUsed },
    };
  },
});

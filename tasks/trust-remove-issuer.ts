/**
 * trust:remove-issuer — stops trusting a claim issuer: its claims no longer verify anyone. Checked
 * before sending: the issuer is trusted, the sender is DEFAULT_ADMIN of the trusted issuers registry,
 * and (unless --force) no required topic is left without a trusted issuer.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import { UsageError } from "./lib/errors";

operation({
  name: "trust:remove-issuer",
  description: "Removes a claim issuer from the trusted issuers registry",
  params: {
    issuer: { description: "the trusted issuer: address or recorded name" },
    force: { description: "allow leaving a required topic without a trusted issuer", flag: true },
  },
  schema: z.object({
    issuer: z.string({ error: "an issuer is required" }).trim().min(1),
    force: z.boolean().default(false),
  }),
  async run(args, ctx) {
    const { openTrust, requireAdmin, resolveIssuer } = await import("./lib/trust");
    const store = await ctx.store();
    const trust = await openTrust(ctx, store);
    const issuer = resolveIssuer(store, args.issuer);
    if (!(await trust.issuers.isTrustedIssuer(issuer))) {
      throw new UsageError("bad arguments", [{ argument: "--issuer", message: `${issuer} is not a trusted issuer` }]);
    }
    await requireAdmin(trust, "issuers");
    if (!args.force) {
      const orphaned: bigint[] = [];
      for (const topic of await trust.topics.getClaimTopics()) {
        const others = (await trust.issuers.getTrustedIssuersForClaimTopic(topic)).filter((i) => i !== issuer);
        if (others.length === 0) orphaned.push(topic);
      }
      if (orphaned.length > 0) {
        throw new UsageError("bad arguments", [
          {
            argument: "--issuer",
            message: `${issuer} is the only issuer trusted for required topic(s) ${orphaned.join(",")}: every investor would fail verification (--force to do it anyway)`,
          },
        ]);
      }
    }
    const topics = await trust.issuers.getTrustedIssuerClaimTopics(issuer);
    const receipt = await ctx.send(`remove ${issuer}`, () => trust.issuers.removeTrustedIssuer(issuer));
    return {
      title: `${issuer} is no longer trusted`,
      summary: { issuer, topics: topics.join(","), gasUsed: receipt.gasUsed },
    };
  },
});

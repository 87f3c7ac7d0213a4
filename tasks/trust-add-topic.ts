/**
 * trust:add-topic — requires a claim topic of every investor (claim topics registry). Checked before
 * sending: the sender is DEFAULT_ADMIN of the claim topics registry, the registry's cap, and that some
 * issuer is trusted for the topic (otherwise every investor would fail verification at once).
 * A topic already required is reported and nothing is sent.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import { UsageError } from "./lib/errors";
import * as s from "./lib/schemas";

operation({
  name: "trust:add-topic",
  description: "Requires a claim topic of every investor",
  params: { topic: { description: "the claim topic (e.g. 1 KYC, 2 AML, 20 adult)" } },
  schema: z.object({ topic: s.claimTopic }),
  async run(args, ctx) {
    const { openTrust, requireAdmin } = await import("./lib/trust");
    const store = await ctx.store();
    const trust = await openTrust(ctx, store);
    await requireAdmin(trust, "topics");
    const required = await trust.topics.getClaimTopics();
    if (required.includes(args.topic)) {
      return {
        title: `topic ${args.topic} is already required: nothing sent`,
        summary: { required: required.join(",") },
      };
    }
    if (required.length >= trust.limits.requiredTopics) {
      throw new UsageError("bad arguments", [
        {
          argument: "--topic",
          message: `${required.length} topics are required already: the most is ${trust.limits.requiredTopics} (ClaimTopicsLimitReached)`,
        },
      ]);
    }
    if ((await trust.issuers.getTrustedIssuersForClaimTopic(args.topic)).length === 0) {
      throw new UsageError("bad arguments", [
        {
          argument: "--topic",
          message: `no issuer is trusted for topic ${args.topic}: run trust:add-issuer or trust:update-issuer first`,
        },
      ]);
    }
    const receipt = await ctx.send(`require topic ${args.topic}`, () => trust.topics.addClaimTopic(args.topic));
    return {
      title: `topic ${args.topic} is now required`,
      summary: { required: [...required, args.topic].join(","), gasUsed: receipt.gasUsed },
    };
  },
});

/**
 * trust:remove-topic — stops requiring a claim topic. Checked before sending: the topic is required and
 * the sender is DEFAULT_ADMIN of the claim topics registry.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import { UsageError } from "./lib/errors";
import * as s from "./lib/schemas";

operation({
  name: "trust:remove-topic",
  description: "Stops requiring a claim topic of investors",
  params: { topic: { description: "the required claim topic to drop" } },
  schema: z.object({ topic: s.claimTopic }),
  async run(args, ctx) {
    const { openTrust, requireAdmin } = await import("./lib/trust");
    const store = await ctx.store();
    const trust = await openTrust(ctx, store);
    const required = await trust.topics.getClaimTopics();
    if (!required.includes(args.topic)) {
      throw new UsageError("bad arguments", [
        {
          argument: "--topic",
          message: `topic ${args.topic} is not required (required: ${required.join(",") || "none"})`,
        },
      ]);
    }
    await requireAdmin(trust, "topics");
    const receipt = await ctx.send(`stop requiring topic ${args.topic}`, () =>
      trust.topics.removeClaimTopic(args.topic),
    );
    return {
      title: `topic ${args.topic} is no longer required`,
      summary: { required: required.filter((t) => t !== args.topic).join(","), gasUsed: receipt.gasUsed },
    };
  },
});

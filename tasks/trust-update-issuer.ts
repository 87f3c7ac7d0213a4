/**
 * trust:update-issuer — changes the topics a trusted issuer is trusted for: --topics (the new full
 * list), or --add-topics / --remove-topics against the current list. Checked before sending: the issuer
 * is trusted, the sender is DEFAULT_ADMIN of the trusted issuers registry, the caps (topics per issuer,
 * issuer/topic pairs of the identity registry), and that no required topic is left without any trusted
 * issuer (every investor would stop being verified) unless --force.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import { type ArgumentProblem, UsageError } from "./lib/errors";
import * as s from "./lib/schemas";

operation({
  name: "trust:update-issuer",
  description: "Changes the claim topics a trusted issuer is trusted for (--topics, or --add-topics/--remove-topics)",
  params: {
    issuer: { description: "the trusted issuer: address or recorded name (kycIssuer, claimIssuers.<name>)" },
    topics: { description: "the new list of topics, comma-separated" },
    addTopics: { description: "topics to add to the current list" },
    removeTopics: { description: "topics to remove from the current list" },
    force: { description: "allow leaving a required topic without a trusted issuer", flag: true },
  },
  schema: z
    .object({
      issuer: z.string({ error: "an issuer is required" }).trim().min(1),
      topics: s.claimTopics.optional(),
      addTopics: s.claimTopics.optional(),
      removeTopics: s.claimTopics.optional(),
      force: z.boolean().default(false),
    })
    .superRefine((args, ctx) => {
      const delta = args.addTopics !== undefined || args.removeTopics !== undefined;
      if ((args.topics !== undefined) === delta) {
        ctx.addIssue({ code: "custom", path: ["topics"], message: "give --topics, or --add-topics/--remove-topics" });
      }
    }),
  async run(args, ctx) {
    const { openTrust, requireAdmin, resolveIssuer, topicListProblems, sameTopics } = await import("./lib/trust");
    const store = await ctx.store();
    const trust = await openTrust(ctx, store);
    const issuer = resolveIssuer(store, args.issuer);
    if (!(await trust.issuers.isTrustedIssuer(issuer))) {
      throw new UsageError("bad arguments", [
        { argument: "--issuer", message: `${issuer} is not a trusted issuer; use trust:add-issuer` },
      ]);
    }
    await requireAdmin(trust, "issuers");
    const current = [...(await trust.issuers.getTrustedIssuerClaimTopics(issuer))];
    const problems: ArgumentProblem[] = [];
    let next: bigint[];
    if (args.topics !== undefined) {
      next = args.topics;
    } else {
      for (const t of args.removeTopics ?? []) {
        if (!current.includes(t))
          problems.push({ argument: "--remove-topics", message: `${issuer} is not trusted for topic ${t}` });
      }
      next = current.filter((t) => !(args.removeTopics ?? []).includes(t));
      for (const t of args.addTopics ?? []) if (!next.includes(t)) next.push(t);
    }
    if (next.length === 0)
      problems.push({
        argument: "--topics",
        message: "an issuer must keep at least one topic; use trust:remove-issuer",
      });
    problems.push(
      ...(await topicListProblems(trust, issuer, next, args.topics !== undefined ? "--topics" : "--add-topics")),
    );
    if (!args.force) {
      for (const topic of await trust.topics.getClaimTopics()) {
        if (next.includes(topic)) continue;
        const others = (await trust.issuers.getTrustedIssuersForClaimTopic(topic)).filter((i) => i !== issuer);
        if (others.length === 0) {
          problems.push({
            argument: "--topics",
            message: `topic ${topic} is required and no other issuer is trusted for it: every investor would fail verification (--force to do it anyway)`,
          });
        }
      }
    }
    if (problems.length > 0) throw new UsageError("bad arguments", problems);
    if (sameTopics(current, next)) {
      return { title: `${issuer} is already trusted for ${next.join(",")}: nothing sent`, summary: { issuer } };
    }
    const receipt = await ctx.send(`update the topics of ${issuer}`, () =>
      trust.issuers.updateIssuerClaimTopics(issuer, next),
    );
    return {
      title: `${issuer} now trusted for ${next.join(",")}`,
      summary: { issuer, before: current.join(","), after: next.join(","), gasUsed: receipt.gasUsed },
    };
  },
});

/**
 * trust:add-issuer — trusts a claim issuer for --topics in the trusted issuers registry: a new
 * ONCHAINID ClaimIssuer deployed with --signer as its management key (recorded as claimIssuers.<name>),
 * or an existing one (--issuer). Checked before sending: the sender is DEFAULT_ADMIN of the registry,
 * the issuer is a contract and not trusted already (for other topics), the registry's caps (issuers,
 * topics per issuer) and the identity registry's cap on issuer/topic pairs. Resumable: the deployment is
 * recorded as pending first; a rerun of a completed call sends nothing.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import { UsageError } from "./lib/errors";
import * as s from "./lib/schemas";

operation({
  name: "trust:add-issuer",
  description:
    "Trusts a claim issuer for topics: deploys a ClaimIssuer managed by --signer, or takes an existing --issuer",
  params: {
    signer: { description: "signing (management) key of a new ClaimIssuer to deploy" },
    issuer: { description: "an existing ClaimIssuer contract (address or recorded name)" },
    topics: { description: "claim topics the issuer is trusted for, comma-separated" },
    name: { description: "record the issuer as contracts.claimIssuers.<name> (default: the signer's address)" },
  },
  schema: z
    .object({
      signer: s.address.optional(),
      issuer: z.string().trim().min(1).optional(),
      topics: s.claimTopics,
      name: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9_-]{1,40}$/, { error: "a name is letters, digits, _ or -" })
        .optional(),
    })
    .superRefine((args, ctx) => {
      if ((args.signer === undefined) === (args.issuer === undefined)) {
        ctx.addIssue({
          code: "custom",
          path: ["signer"],
          message: "give exactly one of --signer (new issuer) or --issuer",
        });
      }
    }),
  async run(args, ctx) {
    const { ethers } = await import("hardhat");
    const { openTrust, requireAdmin, resolveIssuer, topicListProblems, sameTopics } = await import("./lib/trust");
    const { Resumable } = await import("./lib/resumable");
    const store = await ctx.store();
    const trust = await openTrust(ctx, store);
    await requireAdmin(trust, "issuers");
    const recordName = `claimIssuers.${args.name ?? args.signer ?? ""}`;
    let issuer: string | undefined =
      args.issuer !== undefined ? resolveIssuer(store, args.issuer) : store.record.contracts[recordName];
    if (args.issuer !== undefined && (await ethers.provider.getCode(issuer!)) === "0x") {
      throw new UsageError("bad arguments", [{ argument: "--issuer", message: `${issuer} is not a contract` }]);
    }
    if (issuer !== undefined && (await trust.issuers.isTrustedIssuer(issuer))) {
      const current = await trust.issuers.getTrustedIssuerClaimTopics(issuer);
      if (sameTopics(current, args.topics)) {
        return {
          title: `${issuer} is already trusted for ${args.topics.join(",")}: nothing sent`,
          summary: { issuer },
        };
      }
      throw new UsageError("bad arguments", [
        {
          argument: "--issuer",
          message: `${issuer} is already trusted (for ${current.join(",")}); use trust:update-issuer to change its topics`,
        },
      ]);
    }
    const problems = await topicListProblems(trust, issuer ?? "", args.topics, "--topics");
    const count = (await trust.issuers.getTrustedIssuers()).length;
    if (count >= trust.limits.issuers) {
      problems.push({
        argument: "",
        message: `${count} issuers are trusted already: the most is ${trust.limits.issuers} (TrustedIssuersLimitReached)`,
      });
    }
    if (problems.length > 0) throw new UsageError("bad arguments", problems);

    const steps = new Resumable(ctx, store, trust.sender);
    if (issuer === undefined) {
      issuer = await steps.contract(recordName, await ethers.getContractFactory("ClaimIssuer", trust.sender), [
        args.signer,
      ]);
    }
    const trusted = issuer;
    await steps.ensure(
      `trust ${trusted}`,
      () => trust.issuers.isTrustedIssuer(trusted),
      () => trust.issuers.addTrustedIssuer(trusted, args.topics),
    );
    return {
      title: `${trusted} trusted for ${args.topics.join(",")} (${steps.counts.sent} transactions)`,
      summary: {
        issuer: trusted,
        topics: args.topics.join(","),
        signer: args.signer,
        record: args.issuer ? undefined : recordName,
      },
    };
  },
});

/**
 * investor:update — changes a registered investor: --country (registry), --municipality / --workplace
 * (adds the area claim), --add-topics (the KYC issuer's claims), --revoke-topics (the KYC issuer
 * revokes its claim by signature, so no registry trusts it any more), --identity (points the wallet at
 * another ONCHAINID). Checked before sending: the wallet is registered, the KYC issuer is trusted for
 * every topic added, each revoked topic has a claim of the KYC issuer, the new identity is a contract
 * the registrar manages, the registrar holds REGISTRAR_AGENT. Each step is skipped if the chain already
 * has it, so a rerun sends only what is missing.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import { type ArgumentProblem, UsageError } from "./lib/errors";
import * as s from "./lib/schemas";

operation({
  name: "investor:update",
  description:
    "Updates a registered investor: country, area claims (--municipality, --workplace), claims (--add-topics, " +
    "--revoke-topics: the KYC issuer revokes them), identity (--identity)",
  params: {
    wallet: { description: "the investor's wallet address" },
    country: { description: "new ISO 3166-1 country: numeric (392) or JP, US, GB, SG, KP" },
    municipality: { description: "local government code of residence: adds the residence claim" },
    workplace: { description: "local government code of the workplace: adds the workplace claim" },
    addTopics: { description: "claim topics to add, comma-separated" },
    revokeTopics: { description: "claim topics whose KYC claim the issuer revokes, comma-separated" },
    identity: { description: "replace the wallet's ONCHAINID with this identity contract (managed by the registrar)" },
  },
  schema: z
    .object({
      wallet: s.address,
      country: s.country.optional(),
      municipality: s.localGovernmentCode.optional(),
      workplace: s.localGovernmentCode.optional(),
      addTopics: s.claimTopics.optional(),
      revokeTopics: s.claimTopics.optional(),
      identity: s.address.optional(),
    })
    .superRefine((args, ctx) => {
      const { wallet: _wallet, ...changes } = args;
      if (Object.values(changes).every((v) => v === undefined)) {
        ctx.addIssue({
          code: "custom",
          path: [],
          message:
            "nothing to change: give --country, --municipality, --workplace, --add-topics, --revoke-topics or --identity",
        });
      }
    }),
  async run(args, ctx) {
    const { ZeroAddress, AbiCoder } = await import("ethers");
    const { ethers } = await import("hardhat");
    const { openMarket, requireRegistered, requireRole, untrustedTopicProblems, kycSignerOf, describeTopic } =
      await import("./lib/investors");
    const { ECDSA_SCHEME, KEY_PURPOSE, ROLES, residenceTopic, workplaceTopic } =
      await import("../scripts/lib/constants");
    const { addressKey, claimId, signClaim } = await import("../scripts/lib/onchainid");
    const { Resumable } = await import("./lib/resumable");
    const store = await ctx.store();
    const market = await openMarket(ctx, store);
    const { registry, kycIssuer, kycIssuerAddress, registrar } = market;
    await requireRole(registry, "identityRegistry", ROLES.REGISTRAR_AGENT, market.registrarAddress);

    const current = await requireRegistered(registry, args.wallet);
    const problems: ArgumentProblem[] = [];
    const target = args.identity ?? current;
    const identity = await ethers.getContractAt("Identity", target, registrar);
    if (args.identity !== undefined && args.identity !== current) {
      if ((await ethers.provider.getCode(args.identity)) === "0x") {
        problems.push({ argument: "--identity", message: `${args.identity} is not a contract (an ONCHAINID is)` });
      }
    }
    const add: bigint[] = [...(args.addTopics ?? [])];
    if (args.municipality !== undefined) add.push(residenceTopic(args.municipality));
    if (args.workplace !== undefined) add.push(workplaceTopic(args.workplace));
    const revoke = args.revokeTopics ?? [];
    problems.push(...untrustedTopicProblems(market, add, "--add-topics"));
    for (const topic of revoke) {
      if (add.includes(topic))
        problems.push({ argument: "--revoke-topics", message: `${describeTopic(topic)} is also being added` });
    }
    if (problems.length > 0) throw new UsageError("bad arguments", problems);
    const registrarKey = addressKey(market.registrarAddress);
    if (add.length > 0 && !(await identity.keyHasPurpose(registrarKey, KEY_PURPOSE.CLAIM))) {
      problems.push({
        argument: args.identity !== undefined ? "--identity" : "--wallet",
        message: `the registrar ${market.registrarAddress} holds no claim or management key on identity ${target}`,
      });
    }
    const revokeSignatures = new Map<bigint, string>();
    for (const topic of revoke) {
      const claim = await identity.getClaim(claimId(kycIssuerAddress, topic));
      if (claim.issuer === ZeroAddress) {
        problems.push({
          argument: "--revoke-topics",
          message: `identity ${target} has no claim of the KYC issuer for ${describeTopic(topic)}`,
        });
      } else {
        revokeSignatures.set(topic, claim.signature);
      }
    }
    if (problems.length > 0) throw new UsageError("bad arguments", problems);
    const kycSigner = add.length > 0 || revoke.length > 0 ? await kycSignerOf(store) : undefined;

    const steps = new Resumable(ctx, store, registrar);
    const rows: Record<string, unknown>[] = [];
    const step = async (change: string, done: () => Promise<boolean>, tx: Parameters<typeof steps.ensure>[2]) => {
      const receipt = await steps.ensure(change, done, tx);
      rows.push({ change, status: receipt ? "sent" : "already so", gasUsed: receipt?.gasUsed });
    };
    if (args.identity !== undefined) {
      const next = args.identity;
      await step(
        `identity ${current} → ${next}`,
        async () => (await registry.identity(args.wallet)) === next,
        () => registry.updateIdentity(args.wallet, next),
      );
    }
    if (args.country !== undefined) {
      const country = args.country;
      await step(
        `country → ${country}`,
        async () => Number(await registry.investorCountry(args.wallet)) === country,
        () => registry.updateCountry(args.wallet, country),
      );
    }
    for (const topic of add) {
      const id = claimId(kycIssuerAddress, topic);
      await step(
        `add ${describeTopic(topic)}`,
        async () => {
          const claim = await identity.getClaim(id);
          return claim.issuer !== ZeroAddress && !(await kycIssuer.isClaimRevoked(claim.signature));
        },
        async () => {
          // A claim the issuer revoked cannot be signed again over the same data: the signature would be
          // the revoked one. A re-issued claim carries its issue time as data.
          const old = await identity.getClaim(id);
          const data = old.issuer === ZeroAddress ? "0x" : AbiCoder.defaultAbiCoder().encode(["uint256"], [Date.now()]);
          const signature = await signClaim(kycSigner!, target, topic, data);
          return identity.addClaim(topic, ECDSA_SCHEME, kycIssuerAddress, signature, data, "");
        },
      );
    }
    for (const topic of revoke) {
      const signature = revokeSignatures.get(topic)!;
      await step(
        `revoke ${describeTopic(topic)}`,
        () => kycIssuer.isClaimRevoked(signature),
        () => kycIssuer.connect(kycSigner!).revokeClaimBySignature(signature),
      );
    }
    const known = store.record.investors[args.wallet];
    store.record.investors[args.wallet] = {
      ...(known ?? {}),
      identity: target,
      country: Number(await registry.investorCountry(args.wallet)),
      ...(args.municipality !== undefined ? { municipality: args.municipality } : {}),
    };
    store.save();
    return {
      title: `${args.wallet}: ${steps.counts.sent} changes sent, ${steps.counts.skipped} already so`,
      summary: { wallet: args.wallet, identity: target, verified: await registry.isVerified(args.wallet) },
      rows,
    };
  },
});

/**
 * investor:show — what the chain says about one wallet: its ONCHAINID, country, whether it is verified,
 * whether the wallet is a management key of its identity, and one row per claim topic that matters
 * (required topics, topics of every trusted issuer, the recorded residence topic): which issuer's claim
 * the identity carries and whether that claim is valid now. --balances adds the wallet's balance in
 * every recorded series.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import * as s from "./lib/schemas";

operation({
  name: "investor:show",
  description: "Shows an investor: identity, country, claims (valid or revoked), verification, balances (--balances)",
  params: {
    wallet: { description: "the investor's wallet address" },
    balances: { description: "add the wallet's balance in every recorded series", flag: true },
  },
  schema: z.object({ wallet: s.address, balances: z.boolean().default(false) }),
  sends: false,
  async run(args, ctx) {
    const { ethers } = await import("hardhat");
    const { openMarket, describeTopic, requireRegistered } = await import("./lib/investors");
    const { KEY_PURPOSE, residenceTopic } = await import("../scripts/lib/constants");
    const { addressKey } = await import("../scripts/lib/onchainid");
    const store = await ctx.store();
    const reader = (await ethers.getSigners())[0];
    const market = await openMarket(ctx, store, reader);
    const { registry, issuers } = market;
    const identityAddress = await requireRegistered(registry, args.wallet);
    const identity = await ethers.getContractAt("Identity", identityAddress, reader);
    const topics = new Set<bigint>(market.required);
    const trustedIssuers = await issuers.getTrustedIssuers();
    for (const issuer of trustedIssuers)
      for (const t of await issuers.getTrustedIssuerClaimTopics(issuer)) topics.add(t);
    const municipality = store.record.investors[args.wallet]?.municipality;
    if (municipality !== undefined) topics.add(residenceTopic(municipality));
    const rows: Record<string, unknown>[] = [];
    for (const topic of [...topics].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      for (const id of await identity.getClaimIdsByTopic(topic)) {
        const claim = await identity.getClaim(id);
        const issuer = await ethers.getContractAt("ClaimIssuer", claim.issuer, reader);
        const revoked = await ctx
          .call("read revocation", () => issuer.isClaimRevoked(claim.signature))
          .catch(() => false);
        const valid = await issuer.isClaimValid(identityAddress, topic, claim.signature, claim.data).catch(() => false);
        rows.push({
          topic: describeTopic(topic),
          issuer: claim.issuer === market.kycIssuerAddress ? `kycIssuer ${claim.issuer}` : claim.issuer,
          required: market.required.includes(topic),
          trusted: (await issuers.hasClaimTopic(claim.issuer, topic)) as boolean,
          valid,
          revoked,
        });
      }
      if (!rows.some((row) => row.topic === describeTopic(topic)) && market.required.includes(topic)) {
        rows.push({
          topic: describeTopic(topic),
          issuer: "",
          required: true,
          trusted: false,
          valid: false,
          revoked: false,
        });
      }
    }
    const summary: Record<string, unknown> = {
      wallet: args.wallet,
      identity: identityAddress,
      country: Number(await registry.investorCountry(args.wallet)),
      verified: await registry.isVerified(args.wallet),
      walletManagesIdentity: await identity.keyHasPurpose(addressKey(args.wallet), KEY_PURPOSE.MANAGEMENT),
      municipality,
    };
    if (args.balances) {
      for (const [symbol, series] of Object.entries(store.record.series)) {
        const token = await ethers.getContractAt("SecurityToken", series.token, reader);
        summary[`balance ${symbol}`] = await token.balanceOf(args.wallet);
      }
    }
    return { title: `Investor ${args.wallet}`, summary, rows };
  },
});

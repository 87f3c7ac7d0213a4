import { z } from "zod";
import { operation } from "./lib/cli";
import { UsageError } from "./lib/errors";
import * as s from "./lib/schemas";

const DEFAULT_ISSUER_TOPICS = "1,10,11,20";

operation({
  name: "suite:deploy",
  description:
    "Deploys (or completes) a kosai market: identity registries, compliance modules, series and bond factories, " +
    "KYC claim issuer, paying agent, CPI feed, yen cash token, offering, DvP settlement, price feed and collateral " +
    "escrow. Resumable: a rerun after an interruption deploys only what is missing.",
  params: {
    registrar: { description: "account granted REGISTRAR_AGENT (registers investors); default: the sender" },
    kycSigner: { description: "management key of the KYC ClaimIssuer (signs investors' claims); default: the sender" },
    bank: { description: "agent of the JPYD cash token (mints deposits); default: the sender" },
    clearingHouse: { description: "secured party recorded as `clearingHouse` (escrow tasks send from it by default)" },
    requiredTopics: { description: "claim topics every investor must carry, comma-separated (default 1 = KYC)" },
    issuerTopics: {
      description: `topics the KYC issuer is trusted for (default ${DEFAULT_ISSUER_TOPICS}: KYC, individual, QII, adult)`,
    },
  },
  schema: z.object({
    registrar: s.address.optional(),
    kycSigner: s.address.optional(),
    bank: s.address.optional(),
    clearingHouse: s.address.optional(),
    requiredTopics: s.list(s.amount).default([1n]),
    issuerTopics: s.list(s.amount).default(DEFAULT_ISSUER_TOPICS.split(",").map(BigInt)),
  }),
  async run(args, ctx) {
    const { deployMarket } = await import("./lib/deploy-market");
    const owner = await ctx.signer();
    const ownerAddress = await owner.getAddress();
    const accounts = {
      owner: ownerAddress,
      registrar: args.registrar ?? ownerAddress,
      kycSigner: args.kycSigner ?? ownerAddress,
      bank: args.bank ?? ownerAddress,
      ...(args.clearingHouse ? { clearingHouse: args.clearingHouse } : {}),
    };
    const { requiredTopics, issuerTopics } = args;
    for (const topic of requiredTopics) {
      if (!issuerTopics.includes(topic)) {
        throw new UsageError("bad arguments", [
          {
            argument: "--required-topics",
            message: `topic ${topic} is required but the KYC issuer is not trusted for it`,
          },
        ]);
      }
    }
    const store = await ctx.store();
    const outcome = await deployMarket(ctx, store, owner, accounts, requiredTopics, issuerTopics);
    return {
      title: `kosai market on ${store.record.network}: ${outcome.sent} steps sent, ${outcome.skipped} already done`,
      summary: {
        ...store.record.contracts,
        ...Object.fromEntries(Object.entries(accounts).map(([k, v]) => [`account ${k}`, v])),
      },
    };
  },
});

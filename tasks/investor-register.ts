/**
 * investor:register — onboards one investor (--wallet, --country, optional --municipality, --workplace,
 * --topics) or a batch from --file (CSV `wallet,country,municipality,topics[,workplace]` or a JSON
 * array). Each investor gets an ONCHAINID managed by the registrar with the wallet as a second
 * management key, the KYC issuer's claims (required topics, residence/workplace area topics, extra
 * topics) and a registration in the identity registry. Everything is checked before anything is sent:
 * addresses, duplicates, countries, local government check digits, topics the KYC issuer is trusted
 * for, the registrar's role, wallets already registered. A batch is pipelined and resumable.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import { UsageError } from "./lib/errors";
import { type InvestorInput, investorRow, readInvestorFile } from "./lib/investor-input";

operation({
  name: "investor:register",
  description:
    "Registers one investor (--wallet, --country, ...) or a batch (--file CSV/JSON): ONCHAINID identity, KYC claims, " +
    "identity registry entry. Pipelined and resumable: a rerun completes an interrupted batch without duplicates.",
  params: {
    wallet: { description: "the investor's wallet address" },
    country: { description: "ISO 3166-1 country: numeric (392) or JP, US, GB, SG, KP" },
    municipality: { description: "local government code of residence (adds the residence claim 100,000,000 + code)" },
    workplace: { description: "local government code of the workplace (adds the workplace claim 200,000,000 + code)" },
    topics: { description: "extra claim topics, comma-separated (e.g. 10 individual, 11 QII, 20 adult)" },
    file: { description: "CSV (header wallet,country,municipality,topics) or JSON array of investors" },
  },
  schema: z
    .object({
      wallet: z.string().optional(),
      country: z.string().optional(),
      municipality: z.string().optional(),
      workplace: z.string().optional(),
      topics: z.string().optional(),
      file: z.string().trim().min(1).optional(),
    })
    .superRefine((args, ctx) => {
      if (args.file !== undefined) {
        for (const name of ["wallet", "country", "municipality", "workplace", "topics"] as const) {
          if (args[name] !== undefined)
            ctx.addIssue({ code: "custom", path: [name], message: "cannot be combined with --file" });
        }
      } else if (args.wallet === undefined) {
        ctx.addIssue({ code: "custom", path: ["wallet"], message: "is required (or --file)" });
      }
    }),
  async run(args, ctx) {
    let inputs: InvestorInput[];
    if (args.file !== undefined) {
      inputs = readInvestorFile(args.file);
    } else {
      const parsed = investorRow.safeParse({ ...args, topics: args.topics ?? "" });
      if (!parsed.success) {
        throw new UsageError(
          "bad arguments",
          parsed.error.issues.map((issue) => {
            const missing = issue.code === "invalid_type" && (issue as { input?: unknown }).input === undefined;
            return { argument: `--${String(issue.path[0])}`, message: missing ? "is required" : issue.message };
          }),
        );
      }
      inputs = [parsed.data];
    }
    const { openMarket, registerInvestors, requireRole, topicsOf, untrustedTopicProblems } =
      await import("./lib/investors");
    const { ROLES } = await import("../scripts/lib/constants");
    const store = await ctx.store();
    const market = await openMarket(ctx, store);
    await requireRole(market.registry, "identityRegistry", ROLES.REGISTRAR_AGENT, market.registrarAddress);
    const wanted = inputs.flatMap((input) => topicsOf(input, market.required));
    const untrusted = untrustedTopicProblems(market, wanted, args.file !== undefined ? "--file" : "--topics");
    if (untrusted.length > 0) throw new UsageError("claims the KYC issuer cannot give", untrusted);

    const started = Date.now();
    const outcome = await registerInvestors(ctx, store, market, inputs);
    const seconds = (Date.now() - started) / 1000;
    const registered = outcome.rows.filter((row) => row.status !== "already done").length;
    return {
      title:
        `${registered} investors registered or completed, ${inputs.length - registered} already done ` +
        `(${outcome.sent} transactions)`,
      summary: {
        investors: inputs.length,
        transactions: outcome.sent,
        gasUsed: outcome.gasUsed,
        seconds: Number(seconds.toFixed(1)),
        registrar: market.registrarAddress,
        operation: outcome.key,
      },
      rows: outcome.rows,
    };
  },
});

/**
 * escrow:policy — the secured party (--from; default the recorded clearingHouse) sets what it accepts:
 * its policy (--max-price-age seconds, --cash-allowed yes|no), its haircut factors for a class
 * (--haircut-class jgb|jgbi|municipal|corporate --haircuts six basis-point factors for residual
 * maturities ≤1y,1–5y,5–10y,10–20y,20–30y,>30y), the eligible series (--eligible / --ineligible
 * symbols), and a pledgor's margin requirement (--pledgor --requirement yen, which opens the account).
 * Each part already in place on chain is skipped (found from the escrow's events), so a rerun sends
 * nothing twice. Checked before sending: a policy exists or is given, series are bonds whose pledge
 * agent is the escrow, factors in 1..10,000, the pledgor registered, the account not in default.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import * as s from "./lib/schemas";

const haircutClass = z
  .string()
  .trim()
  .transform((c, ctx) => {
    const named: Record<string, number> = { jgb: 0, jgbi: 1, municipal: 2, corporate: 3 };
    const value = named[c.toLowerCase()] ?? (/^[0-3]$/.test(c) ? Number(c) : undefined);
    if (value === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `${JSON.stringify(c)} is not a haircut class (jgb, jgbi, municipal, corporate or 0-3)`,
      });
      return z.NEVER;
    }
    return value;
  });

operation({
  name: "escrow:policy",
  description: "Secured party's collateral policy, haircuts, eligible series and a pledgor's requirement",
  params: {
    maxPriceAge: { description: "oldest price (seconds) that still counts (default 86400 when a policy is first set)" },
    cashAllowed: { description: "yes|no: whether cash counts as collateral (default no when first set)" },
    haircutClass: { description: "jgb, jgbi, municipal or corporate (with --haircuts)" },
    haircuts: { description: "six factors in basis points counted (9900 = 99%), by residual maturity" },
    eligible: { description: "series symbols to accept, comma-separated" },
    ineligible: { description: "series symbols to stop accepting, comma-separated" },
    pledgor: { description: "pledgor wallet whose requirement to set (opens the account)" },
    requirement: { description: "margin requirement in yen (with --pledgor)" },
  },
  schema: z
    .object({
      maxPriceAge: s.integer(60, 4_294_967_295).optional(),
      cashAllowed: z.enum(["yes", "no"], { error: "must be yes or no" }).optional(),
      haircutClass: haircutClass.optional(),
      haircuts: s.list(s.integer(1, 10_000)).optional(),
      eligible: s.list(s.symbol).optional(),
      ineligible: s.list(s.symbol).optional(),
      pledgor: s.address.optional(),
      requirement: s.amount.optional(),
    })
    .superRefine((a, ctx) => {
      if ((a.haircutClass === undefined) !== (a.haircuts === undefined)) {
        ctx.addIssue({ code: "custom", path: ["haircuts"], message: "--haircut-class and --haircuts go together" });
      }
      if (a.haircuts !== undefined && a.haircuts.length !== 6) {
        ctx.addIssue({
          code: "custom",
          path: ["haircuts"],
          message: `six factors are needed (≤1y,1–5y,5–10y,10–20y,20–30y,>30y), got ${a.haircuts.length}`,
        });
      }
      if ((a.pledgor === undefined) !== (a.requirement === undefined)) {
        ctx.addIssue({ code: "custom", path: ["requirement"], message: "--pledgor and --requirement go together" });
      }
      if (Object.values(a).every((v) => v === undefined)) {
        ctx.addIssue({
          code: "custom",
          path: [],
          message: "nothing to set: give a policy, haircuts, eligible series or a requirement",
        });
      }
    }),
  async run(args, ctx) {
    const { ethers } = await import("hardhat");
    const ops = await import("./lib/ops");
    const e = await import("./lib/escrow");
    const store = await ctx.store();
    const party = await ctx.signer("clearingHouse");
    const sp = await party.getAddress();
    const escrow = await e.openEscrow(store, party);
    const escrowAddress = await escrow.getAddress();
    const rows: Record<string, unknown>[] = [];

    // What the chain has: the last PolicySet and EligibilitySet of this secured party.
    const policies = await escrow.queryFilter(escrow.filters.PolicySet(sp));
    const last = policies.at(-1)?.args;
    const policyWanted = args.maxPriceAge !== undefined || args.cashAllowed !== undefined;
    const maxPriceAge = args.maxPriceAge ?? (last ? Number(last.maxPriceAge) : 86_400);
    const cashAllowed = args.cashAllowed !== undefined ? args.cashAllowed === "yes" : (last?.cashAllowed ?? false);
    if (!policyWanted && last === undefined) {
      throw ops.badArgument(
        "--max-price-age",
        `${sp} has no policy yet: give --max-price-age (and --cash-allowed yes|no) first`,
      );
    }
    // Validate everything before the first transaction.
    const eligibility: { symbol: string; token: string; eligible: boolean }[] = [];
    for (const [list, eligible] of [
      [args.eligible, true],
      [args.ineligible, false],
    ] as const) {
      for (const symbol of list ?? []) {
        const series = await ops.openSeries(store, symbol);
        if (series.record.kind === "security" || series.record.kind === "cash") {
          throw ops.badArgument(
            eligible ? "--eligible" : "--ineligible",
            `${symbol} is a ${series.record.kind} series: only bond series can be collateral`,
          );
        }
        if ((await series.token.pledgeAgent()) !== escrowAddress) {
          throw ops.badArgument(
            eligible ? "--eligible" : "--ineligible",
            `the escrow is not the pledge agent of ${symbol}: run escrow:enable --series ${symbol} first`,
          );
        }
        eligibility.push({ symbol, token: series.address, eligible });
      }
    }
    if (args.pledgor !== undefined) {
      const [, registry] = await escrow.wiring();
      const identityRegistry = await ops.at<import("../typechain-types").IdentityRegistry>(
        "IdentityRegistry",
        registry,
      );
      if ((await identityRegistry.identity(args.pledgor)) === ethers.ZeroAddress) {
        throw ops.badArgument("--pledgor", `${args.pledgor} is not registered in the identity registry`);
      }
      const view = await e.accountView(escrow, args.pledgor, sp);
      if (view.status === "Defaulted")
        throw ops.badArgument("--pledgor", `the account of ${args.pledgor} is in default: its requirement is fixed`);
    }

    if (policyWanted) {
      const same = last !== undefined && Number(last.maxPriceAge) === maxPriceAge && last.cashAllowed === cashAllowed;
      if (!same) await ctx.send("set the policy", () => escrow.setPolicy(maxPriceAge, cashAllowed));
      rows.push({
        setting: "policy",
        value: `max price age ${maxPriceAge} s, cash ${cashAllowed ? "allowed" : "not allowed"}`,
        outcome: same ? "already set" : "sent",
      });
    }
    if (args.haircutClass !== undefined && args.haircuts !== undefined) {
      const factors = args.haircuts as [number, number, number, number, number, number];
      const sets = await escrow.queryFilter(escrow.filters.HaircutsSet(sp, args.haircutClass));
      const same = sets.length > 0 && sets.at(-1)!.args.factors.map(Number).join(",") === factors.join(",");
      if (!same) await ctx.send("set haircuts", () => escrow.setHaircuts(args.haircutClass!, factors));
      rows.push({
        setting: `haircuts class ${args.haircutClass}`,
        value: factors.join(","),
        outcome: same ? "already set" : "sent",
      });
    }
    for (const item of eligibility) {
      const sets = await escrow.queryFilter(escrow.filters.EligibilitySet(sp, item.token));
      const same = sets.length > 0 ? sets.at(-1)!.args.eligible === item.eligible : !item.eligible;
      if (!same)
        await ctx.send(`set eligibility of ${item.symbol}`, () => escrow.setEligible(item.token, item.eligible));
      rows.push({
        setting: `eligible ${item.symbol}`,
        value: item.eligible ? `yes (haircut ${await escrow.haircutOf(sp, item.token)} bp counted)` : "no",
        outcome: same ? "already set" : "sent",
      });
    }
    if (args.pledgor !== undefined && args.requirement !== undefined) {
      const view = await e.accountView(escrow, args.pledgor, sp);
      const same = view.status !== "None" && view.status !== "Closed" && view.requirement === args.requirement;
      if (!same)
        await ctx.send(`set the requirement of ${args.pledgor}`, () =>
          escrow.setRequirement(args.pledgor!, args.requirement!),
        );
      rows.push({
        setting: `requirement ${args.pledgor}`,
        value: args.requirement,
        outcome: same ? "already set" : "sent",
      });
    }
    const sent = rows.filter((r) => r.outcome === "sent").length;
    return { title: `escrow:policy of ${sp}: ${sent} change(s) sent, ${rows.length - sent} already set`, rows };
  },
});

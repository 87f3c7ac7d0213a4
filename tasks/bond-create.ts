/**
 * bond:create — creates a bond series of any BondFactory kind (JGB, T-bill, JGBi, retail fixed and
 * floating, municipal public, joint and resident-participation) and records it under its symbol.
 * Every term is checked before anything is sent: ISIN and local government code check digits, real and
 * ordered dates, the kind's tenor, face unit and coupon rules, a regular coupon schedule, joint issuers'
 * shares, resident rules; then the factory itself is asked (a static call) and any refusal decoded.
 * Resumable: a rerun with the same symbol finds the series by its BondSeriesCreated event and sends nothing.
 */
import { z } from "zod";
import type { BondKindName } from "../scripts/lib/constants";
import { operation } from "./lib/cli";
import { type ArgumentProblem, UsageError } from "./lib/errors";
import { jsonReplacer } from "./lib/output";
import * as s from "./lib/schemas";
import * as b from "./lib/bond-schemas";

const MUNICIPAL: BondKindName[] = ["MunicipalPublic", "MunicipalJoint", "MunicipalResident"];

const schema = z.object({
  kind: b.bondKind,
  symbol: s.symbol,
  name: z.string().trim().min(1).optional(),
  isin: s.isin,
  issuerName: z.string({ error: "an issuer name is required" }).trim().min(1, { error: "must not be empty" }),
  issuerCode: s.localGovernmentCode.optional(),
  issueDate: s.date,
  maturityDate: s.date,
  couponRate: b.couponRatePercent.optional(),
  frequency: b.frequency.optional(),
  unit: s.positiveAmount.optional(),
  volume: s.positiveAmount,
  adultTopic: s.amount.optional(),
  minimumHolding: s.positiveAmount.optional(),
  maximumHolding: s.positiveAmount.optional(),
  joint: b.jointIssuers.optional(),
  baseCpi: b.cpiValue.optional(),
  agents: s.list(s.address).optional(),
  funder: s.address.optional(),
});
type Args = z.output<typeof schema>;

/** The kind's tenor rule, as BondFactory applies it (years = round(days / 365)). */
function tenorProblem(
  kind: BondKindName,
  days: number,
  jgbTenors: Record<string, readonly number[]>,
): string | undefined {
  const years = Math.floor((days + 182) / 365);
  const allowed: Partial<Record<BondKindName, readonly number[]>> = {
    FixedRateJgb: jgbTenors.fixedRate,
    InflationIndexedJgb: jgbTenors.inflationIndexed,
    RetailFixedJgb: jgbTenors.retailFixed,
    RetailFloatingJgb: jgbTenors.retailFloating,
    MunicipalJoint: [10],
  };
  if (kind === "DiscountBill")
    return days <= 366 ? undefined : `a discount bill matures within a year (this is ${days} days)`;
  if (kind === "MunicipalPublic" || kind === "MunicipalResident") {
    return years >= 1 && years <= 30 ? undefined : `a ${kind} bond runs 1 to 30 years (this is ${years})`;
  }
  const list = allowed[kind]!;
  return list.includes(years) ? undefined : `${years}-year is not a ${kind} tenor (${list.join(", ")} years)`;
}

/** Cross-argument checks (kind rules) before anything is read from or sent to the chain. */
async function problemsOf(args: Args): Promise<ArgumentProblem[]> {
  const { JGB_TENORS } = await import("../scripts/lib/schedule");
  const { KIND_UNIT } = await import("../scripts/lib/bonds");
  const { formatDate } = await import("../scripts/lib/calendar");
  const p: ArgumentProblem[] = [];
  const add = (argument: string, message: string) => p.push({ argument, message });
  const kind = args.kind;
  const municipal = MUNICIPAL.includes(kind);
  if (municipal && args.issuerCode === undefined)
    add("--issuer-code", `a ${kind} bond needs its issuer's local government code`);
  if (!municipal && args.issuerCode !== undefined)
    add("--issuer-code", `a ${kind} is issued by the Ministry of Finance: no local government code`);
  if (args.maturityDate <= args.issueDate) {
    add(
      "--maturity-date",
      `${formatDate(args.maturityDate)} is not after the issue date ${formatDate(args.issueDate)}`,
    );
  } else {
    const problem = tenorProblem(kind, args.maturityDate - args.issueDate, JGB_TENORS);
    if (problem) add("--maturity-date", problem);
  }
  const fixedUnit = KIND_UNIT[kind];
  const unit = args.unit ?? fixedUnit;
  if (fixedUnit !== undefined && args.unit !== undefined && args.unit !== fixedUnit) {
    add("--unit", `a ${kind} has a face unit of ¥${fixedUnit.toLocaleString("en-US")}`);
  } else if (unit === undefined) {
    add("--unit", `a ${kind} bond names its face unit (e.g. 10000)`);
  } else if (args.volume % unit !== 0n) {
    add("--volume", `${args.volume} is not a whole number of ¥${unit.toLocaleString("en-US")} units`);
  }
  const rate = args.couponRate ?? 0n;
  if (kind === "DiscountBill") {
    if (rate !== 0n) add("--coupon-rate", "a discount bill pays no coupon (leave it out or give 0)");
    if (args.frequency !== undefined && args.frequency !== 0) add("--frequency", "a discount bill has no coupons (0)");
  } else {
    if (args.couponRate === undefined) add("--coupon-rate", "is required (percent a year, e.g. 0.9)");
    else if (kind === "RetailFloatingJgb" && rate < 500n)
      add("--coupon-rate", "a floating retail JGB's minimum rate is at least 0.05");
    else if (rate === 0n) add("--coupon-rate", "must be greater than zero");
    if (args.frequency === 0) add("--frequency", `a ${kind} pays coupons (1 or 2 a year)`);
  }
  const resident = [args.minimumHolding, args.maximumHolding, args.adultTopic].some((v) => v !== undefined);
  if (kind === "MunicipalResident") {
    if (args.minimumHolding === undefined)
      add("--minimum-holding", "a resident-participation bond needs a minimum holding");
    if (args.maximumHolding === undefined)
      add("--maximum-holding", "a resident-participation bond needs a maximum holding");
    if (args.minimumHolding !== undefined && args.maximumHolding !== undefined) {
      if (args.minimumHolding > args.maximumHolding) add("--maximum-holding", "is below the minimum holding");
      for (const [name, v] of [
        ["--minimum-holding", args.minimumHolding],
        ["--maximum-holding", args.maximumHolding],
      ] as const) {
        if (unit !== undefined && v % unit !== 0n) add(name, `${v} is not a whole number of units of ${unit}`);
      }
    }
  } else if (resident) {
    add("--minimum-holding", "holding limits and an adult topic are for MunicipalResident bonds only");
  }
  if (kind === "MunicipalJoint") {
    const joint = args.joint ?? [];
    if (joint.length < 2) add("--joint", "a joint issue names at least two issuers (code:share,code:share)");
    if (args.issuerCode !== undefined && !joint.some((j) => j.code === args.issuerCode)) {
      add("--joint", `the lead issuer ${args.issuerCode} is not among the joint issuers`);
    }
    const total = joint.reduce((sum, j) => sum + j.share, 0n);
    if (joint.length >= 2 && total !== args.volume)
      add("--joint", `shares total ${total}, not the issue volume ${args.volume}`);
  } else if (args.joint !== undefined) {
    add("--joint", "joint issuers are for MunicipalJoint bonds only");
  }
  if (kind === "InflationIndexedJgb" && args.baseCpi === undefined)
    add("--base-cpi", "an inflation-indexed JGB needs its base CPI (e.g. 101.7)");
  if (kind !== "InflationIndexedJgb" && args.baseCpi !== undefined)
    add("--base-cpi", "only inflation-indexed JGBs have a base CPI");
  return p;
}

operation({
  name: "bond:create",
  description:
    "Creates a bond series of any kind through the BondFactory and records it under its symbol. --coupon-rate is in " +
    "percent a year (0.9 = 0.9%, at most 4 decimals; stored as ppm); dates YYYY-MM-DD (JST); --unit defaults to the " +
    "kind's face unit (municipal public and resident bonds name theirs). Everything is checked before sending; a " +
    "rerun with the same symbol sends nothing.",
  params: {
    kind: {
      description:
        "FixedRateJgb | DiscountBill | InflationIndexedJgb | RetailFixedJgb | RetailFloatingJgb | MunicipalPublic | MunicipalJoint | MunicipalResident",
    },
    symbol: { description: "series symbol (the record's key)" },
    name: { description: "series name (default: the symbol)" },
    isin: { description: "Japanese ISIN with its check digit" },
    issuerName: { description: "issuer's name" },
    issuerCode: { description: "6-digit local government code of a municipal issuer (with check digit)" },
    issueDate: { description: "issue date YYYY-MM-DD" },
    maturityDate: { description: "maturity date YYYY-MM-DD (a regular coupon date)" },
    couponRate: { description: "coupon rate, percent a year (0.9 = 0.9%); the minimum rate of a floating retail JGB" },
    frequency: { description: "coupons a year: 2 (default) or 1; 0 for a discount bill" },
    unit: { description: "face unit in yen (default: the kind's)" },
    volume: { description: "issue volume, yen of face (a multiple of the unit)" },
    adultTopic: { description: "resident bonds: claim topic proving adulthood (0: no age rule)" },
    minimumHolding: { description: "resident bonds: per-identity minimum holding, yen" },
    maximumHolding: { description: "resident bonds: per-identity maximum holding, yen" },
    joint: { description: "joint issue: code:share,code:share (shares sum to the volume)" },
    baseCpi: { description: "JGBi: reference CPI at issue (e.g. 101.7)" },
    agents: { description: "accounts granted every token agent role, comma-separated (default: the sender)" },
    funder: { description: "account that funds coupons and principal (set on the paying agent)" },
  },
  schema,
  async run(args, ctx) {
    const problems = await problemsOf(args);
    if (problems.length > 0) throw new UsageError("bad arguments", problems);
    const { ethers } = await import("hardhat");
    const { bondTerms } = await import("../scripts/lib/bonds");
    const { ROLES, TOKEN_AGENT_ROLES } = await import("../scripts/lib/constants");
    const { formatDate } = await import("../scripts/lib/calendar");
    const { describeRevert } = await import("../scripts/lib/errors");
    const { at, requireRole, settle } = await import("./lib/bond-ops");
    type BondFactory = import("../typechain-types").BondFactory;
    type PayingAgent = import("../typechain-types").PayingAgent;

    const store = await ctx.store();
    const signer = await ctx.signer("owner");
    const sender = await signer.getAddress();
    const factory = await at<BondFactory>("BondFactory", store.contract("bondFactory"), signer);
    const payingAgent = await at<PayingAgent>("PayingAgent", store.contract("payingAgent"), signer);
    const cash = store.series("JPYD").token;

    let terms;
    try {
      terms = bondTerms(
        {
          kind: args.kind,
          name: args.name ?? args.symbol,
          symbol: args.symbol,
          isin: args.isin,
          issuerCode: args.issuerCode,
          issuerName: args.issuerName,
          issueDate: args.issueDate,
          maturityDate: args.maturityDate,
          couponRate: Number(args.couponRate ?? 0n),
          couponFrequency: args.frequency ?? (args.kind === "DiscountBill" ? 0 : 2),
          denomination: args.unit,
          issueVolume: args.volume,
          cpiFeed: args.kind === "InflationIndexedJgb" ? store.contract("cpiFeed") : undefined,
          baseCpi: args.baseCpi,
        },
        cash,
      );
    } catch (error) {
      throw new UsageError("bad arguments", [
        { argument: "--maturity-date", message: `no regular coupon schedule: ${(error as Error).message}` },
      ]);
    }

    // Already created (recorded, or mined after the record was last written)?
    await settle(signer.provider!, sender);
    const isinBytes = ethers.hexlify(ethers.toUtf8Bytes(args.isin));
    const known = store.record.series[args.symbol];
    if (known !== undefined && known.isin !== args.isin) {
      throw new UsageError(`series ${args.symbol} is already recorded with ISIN ${known.isin ?? "(none)"}`);
    }
    for (const event of await factory.queryFilter(factory.filters.BondSeriesCreated(undefined, undefined, isinBytes))) {
      const token = await at<import("../typechain-types").BondToken>("BondToken", event.args.token, signer);
      const existing = await token.symbol();
      if (existing !== args.symbol) {
        throw new UsageError(`ISIN ${args.isin} already belongs to series ${existing} at ${event.args.token}`);
      }
      store.record.series[args.symbol] ??= {
        token: event.args.token,
        compliance: event.args.compliance,
        kind: args.kind,
        isin: args.isin,
        unit: String(await token.denomination()),
        params: JSON.parse(JSON.stringify(args, jsonReplacer)) as Record<string, unknown>,
      };
      store.save();
      const funderSet = await ensureFunder();
      return {
        title: `bond ${args.symbol} already exists: nothing created${funderSet ? "; funder set" : ""}`,
        summary: { symbol: args.symbol, token: event.args.token, compliance: event.args.compliance, isin: args.isin },
      };
    }

    await requireRole(factory, ROLES.SERIES_DEPLOYER, "SERIES_DEPLOYER", sender, "the BondFactory");
    if (args.funder !== undefined)
      await requireRole(payingAgent, ROLES.PAYING_AGENT, "PAYING_AGENT", sender, "the PayingAgent");
    const retail = args.kind === "RetailFixedJgb" || args.kind === "RetailFloatingJgb";
    const offering = store.record.contracts.offering;
    const grants = [
      ...(args.agents ?? [sender]).flatMap((account) => TOKEN_AGENT_ROLES.map((role) => ({ role, account }))),
      { role: ROLES.ISSUER_AGENT, account: sender },
      { role: ROLES.PAYING_AGENT, account: await payingAgent.getAddress() },
      ...(retail ? [{ role: ROLES.SUPPLY_AGENT, account: await payingAgent.getAddress() }] : []),
      // The Offering delivers primary issues (JGBi are not offered through it).
      ...(offering !== undefined && args.kind !== "InflationIndexedJgb"
        ? [{ role: ROLES.SUPPLY_AGENT, account: offering }]
        : []),
    ];
    const unit = terms.denomination as bigint;
    const params = {
      owner: sender,
      name: args.name ?? args.symbol,
      symbol: args.symbol,
      onchainID: ethers.ZeroAddress,
      tokenRoles: grants,
      complianceAgents: [],
      terms,
      jointIssuers: args.joint ?? [],
      resident:
        args.kind === "MunicipalResident"
          ? {
              adultTopic: args.adultTopic ?? 0n,
              minimumHolding: args.minimumHolding!,
              maximumHolding: args.maximumHolding!,
            }
          : { adultTopic: 0n, minimumHolding: 0n, maximumHolding: 0n },
      extraModules: [],
    };
    try {
      await factory.createBond.staticCall(params);
    } catch (error) {
      throw new UsageError(`the BondFactory refuses these terms: ${await describeRevert(error)}; nothing was sent`);
    }
    const receipt = await ctx.send(`create bond ${args.symbol}`, () => factory.createBond(params));
    const created = receipt.logs
      .map((log) => {
        try {
          return factory.interface.parseLog(log);
        } catch {
          return null;
        }
      })
      .find((parsed) => parsed?.name === "BondSeriesCreated");
    if (!created) throw new Error("BondSeriesCreated not emitted");
    store.record.series[args.symbol] = {
      token: created.args.token,
      compliance: created.args.compliance,
      kind: args.kind,
      isin: args.isin,
      unit: String(unit),
      params: JSON.parse(JSON.stringify(args, jsonReplacer)) as Record<string, unknown>,
    };
    store.save();
    await ensureFunder();
    const couponDates = (terms.couponDates as bigint[]).map((d) => Number(d & 0xffffffffn));
    return {
      title: `bond ${args.symbol} created (${args.kind}, ${couponDates.length} coupons)`,
      summary: {
        symbol: args.symbol,
        token: created.args.token,
        compliance: created.args.compliance,
        isin: args.isin,
        kind: args.kind,
        unit,
        volume: args.volume,
        "coupon rate (ppm)": terms.couponRate,
        "interest start": formatDate(Number(terms.interestStartDate)),
        "first coupon paid": couponDates.length ? formatDate(couponDates[0]) : "none",
        maturity: formatDate(args.maturityDate),
        funder: args.funder ?? "(not set)",
        gas: receipt.gasUsed,
      },
    };

    async function ensureFunder(): Promise<boolean> {
      if (args.funder === undefined) return false;
      const token = store.record.series[args.symbol].token;
      if ((await payingAgent.funderOf(token)) === args.funder) return false;
      await requireRole(payingAgent, ROLES.PAYING_AGENT, "PAYING_AGENT", sender, "the PayingAgent");
      await ctx.send(`set the funder of ${args.symbol}`, () => payingAgent.setFunder(token, args.funder!));
      return true;
    }
  },
});

/**
 * series:create — a plain (non-bond) security token series through the SeriesFactory, with the compliance
 * modules its options ask for, each configured in the same transaction: country allow / block lists, a
 * per-identity balance cap, a supply cap, a holder cap, a lock-up, required eligibility claims, a face
 * unit and minimum holding. Recorded as record.series[symbol] (kind "security"). Resumable: a rerun finds
 * the series in the record, or in the factory's SeriesCreated events for this owner and symbol, and
 * sends nothing.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import * as s from "./lib/schemas";

const denomination = z
  .string()
  .trim()
  .transform((text, ctx) => {
    const parts = text.split(",").map((p) => p.trim());
    const parsed = parts.map((p) => s.positiveAmount.safeParse(p));
    if (parts.length > 2 || parsed.some((p) => !p.success)) {
      ctx.addIssue({
        code: "custom",
        message: `${JSON.stringify(text)} is not "unit" or "unit,minimum" (whole yen > 0)`,
      });
      return z.NEVER;
    }
    const [unit, minimum] = parsed.map((p) => p.data as bigint);
    return { unit, minimum: minimum ?? unit };
  })
  .refine((d) => d.minimum % d.unit === 0n, { error: "the minimum holding must be a multiple of the unit" });

const schema = z
  .object({
    symbol: s.symbol,
    name: z.string({ error: "a name is required" }).trim().min(1, { error: "a name is required" }),
    decimals: s.integer(0, 18).default(0),
    agents: s.list(s.address).optional(),
    onchainId: s.address.optional(),
    countriesAllow: s.list(s.country).optional(),
    countriesBlock: s.list(s.country).optional(),
    maxBalance: s.positiveAmount.optional(),
    supplyCap: s.positiveAmount.optional(),
    maxHolders: s.integer(1, 1_000_000).optional(),
    lockUpUntil: s.date.optional(),
    eligibilityTopics: s.list(s.amount).optional(),
    denomination: denomination.optional(),
  })
  .superRefine((args, ctx) => {
    const both = (args.countriesAllow ?? []).filter((c) => (args.countriesBlock ?? []).includes(c));
    if (both.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["countriesBlock"],
        message: `country ${both[0]} is both allowed and blocked`,
      });
    }
    const unit = args.denomination?.unit;
    for (const key of ["maxBalance", "supplyCap"] as const) {
      const value = args[key];
      if (unit !== undefined && value !== undefined && value % unit !== 0n) {
        ctx.addIssue({ code: "custom", path: [key], message: `${value} is not a multiple of the unit ${unit}` });
      }
    }
  });

operation({
  name: "series:create",
  description:
    "Creates a plain security token series (kind security) through the SeriesFactory, with optional compliance " +
    "modules; resumable (a rerun with the same symbol creates nothing)",
  params: {
    symbol: { description: "token symbol (the record key)" },
    name: { description: "token name" },
    decimals: { description: "decimals (default 0: one unit = ¥1)" },
    agents: { description: "accounts granted every token agent role, comma-separated (default: the sender)" },
    onchainId: { description: "the token's ONCHAINID (default none)" },
    countriesAllow: { description: "only investors of these countries may receive (ISO numeric or JP, US, ...)" },
    countriesBlock: { description: "investors of these countries may not receive" },
    maxBalance: { description: "most units one investor identity may hold (all its wallets)" },
    supplyCap: { description: "most units in issue" },
    maxHolders: { description: "most investor identities holding at once" },
    lockUpUntil: { description: "holder transfers refused until this date (YYYY-MM-DD, 00:00 JST)" },
    eligibilityTopics: { description: "claim topics a recipient must carry, comma-separated" },
    denomination: { description: "face unit and minimum holding: unit[,minimum] (minimum defaults to the unit)" },
  },
  schema,
  async run(args, ctx) {
    const { ethers } = await import("hardhat");
    const { createSeries } = await import("../scripts/lib/suite");
    const { formatDate, jstMidnight } = await import("../scripts/lib/calendar");
    const { ROLES } = await import("../scripts/lib/constants");
    const { at, requireRole } = await import("./lib/ops");
    const store = await ctx.store();
    const factoryAddress = store.contract("seriesFactory");
    const owner = await ctx.signer("owner");
    const ownerAddress = await owner.getAddress();
    const factory = await at<import("../typechain-types").SeriesFactory>("SeriesFactory", factoryAddress, owner);

    // The modules and their configuration calls.
    const setups: { key: string; label: string; name: string; fn: string; args: unknown[][] }[] = [];
    if (args.countriesAllow) {
      setups.push({
        key: "countryAllow",
        name: "CountryAllowModule",
        label: `countries allowed ${args.countriesAllow.join(",")}`,
        fn: "listCountries",
        args: [[args.countriesAllow]],
      });
    }
    if (args.countriesBlock) {
      setups.push({
        key: "countryBlock",
        name: "CountryBlockModule",
        label: `countries blocked ${args.countriesBlock.join(",")}`,
        fn: "listCountries",
        args: [[args.countriesBlock]],
      });
    }
    if (args.maxBalance !== undefined) {
      setups.push({
        key: "maxBalance",
        name: "MaxBalanceModule",
        label: `max balance per identity ${args.maxBalance}`,
        fn: "setMaxBalance",
        args: [[args.maxBalance]],
      });
    }
    if (args.supplyCap !== undefined) {
      setups.push({
        key: "supplyCap",
        name: "SupplyCapModule",
        label: `supply cap ${args.supplyCap}`,
        fn: "setSupplyCap",
        args: [[args.supplyCap]],
      });
    }
    if (args.maxHolders !== undefined) {
      setups.push({
        key: "maxHolders",
        name: "MaxHoldersModule",
        label: `max holders ${args.maxHolders}`,
        fn: "setMaxHolders",
        args: [[args.maxHolders]],
      });
    }
    if (args.lockUpUntil !== undefined) {
      setups.push({
        key: "lockUp",
        name: "LockUpModule",
        label: `lock-up until ${formatDate(args.lockUpUntil)} 00:00 JST`,
        fn: "setLockUpEnd",
        args: [[jstMidnight(args.lockUpUntil)]],
      });
    }
    if (args.eligibilityTopics) {
      setups.push({
        key: "eligibility",
        name: "ClaimEligibilityModule",
        label: `eligibility topics ${args.eligibilityTopics.join(",")}`,
        fn: "addEligibilityTopic",
        args: args.eligibilityTopics.map((t) => [t]),
      });
    }
    if (args.denomination) {
      const { unit, minimum } = args.denomination;
      setups.push({
        key: "denomination",
        name: "DenominationModule",
        label: `unit ${unit}, minimum ${minimum}`,
        fn: "setDenomination",
        args: [[unit, minimum]],
      });
    }
    const modules: { module: string; calls: string[] }[] = [];
    for (const setup of setups) {
      const address = store.contract(`modules.${setup.key}`);
      const iface = (await ethers.getContractAt(setup.name, address)).interface;
      modules.push({ module: address, calls: setup.args.map((a) => iface.encodeFunctionData(setup.fn, a)) });
    }
    const rows = setups.map((setup) => ({ module: setup.name, setting: setup.label }));
    const params = Object.fromEntries(
      Object.entries(args)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)))]),
    );

    const done = (token: string, compliance: string, sent: boolean) => ({
      title: sent ? `Series ${args.symbol} created` : `Series ${args.symbol} already exists: nothing sent`,
      summary: { symbol: args.symbol, kind: "security", token, compliance, owner: ownerAddress },
      rows,
    });

    // Resume: the record, else the factory's events for this owner and symbol.
    const known = store.record.series[args.symbol];
    if (known !== undefined) {
      if (known.kind !== "security") {
        throw new (await import("./lib/errors")).UsageError("bad arguments", [
          { argument: "--symbol", message: `${args.symbol} is already recorded as a ${known.kind} series` },
        ]);
      }
      return done(known.token, known.compliance, false);
    }
    for (const event of await factory.queryFilter(factory.filters.SeriesCreated(undefined, undefined, ownerAddress))) {
      if (event.args.symbol === args.symbol) {
        store.record.series[args.symbol] = {
          token: event.args.token,
          compliance: event.args.compliance,
          kind: "security",
          params,
        };
        store.save();
        ctx.note(`found ${args.symbol} created earlier by ${ownerAddress}; recorded it`);
        return done(event.args.token, event.args.compliance, false);
      }
    }
    await requireRole(factory, ROLES.SERIES_DEPLOYER, ownerAddress, `the SeriesFactory ${factoryAddress}`);

    const suite = { factory } as unknown as import("../scripts/lib/suite").Suite;
    const created = await ctx.call(`create series ${args.symbol}`, () =>
      createSeries(suite, owner, {
        name: args.name,
        symbol: args.symbol,
        decimals: args.decimals,
        onchainID: args.onchainId,
        agents: args.agents ?? [ownerAddress],
        modules,
      }),
    );
    const token = await created.token.getAddress();
    const compliance = await created.compliance.getAddress();
    store.record.series[args.symbol] = { token, compliance, kind: "security", params };
    if (args.denomination) store.record.series[args.symbol].unit = args.denomination.unit.toString();
    store.save();
    return done(token, compliance, true);
  },
});

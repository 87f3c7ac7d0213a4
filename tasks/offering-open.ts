/**
 * offering:open — the issuer's agent opens a primary offering of a recorded bond series through the
 * Offering contract: size (face, whole units), price per ¥100 face, the application window and the
 * delivery day. Checked before sending: the series, the unit, the window against the chain's clock, the
 * sender's ISSUER_AGENT roles and the Offering's SUPPLY_AGENT on the bond, then a static call (any other
 * refusal decoded). The offering id is recorded under the series; while an offering of the series is live
 * (found by its OfferingOpened event, so also one mined just before a kill), a rerun sends nothing.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import { type ArgumentProblem, UsageError } from "./lib/errors";
import * as s from "./lib/schemas";
import * as b from "./lib/bond-schemas";

/** A time: unix seconds, an ISO 8601 date-time, or `+<n>[smhd]` from the chain's clock. */
const time = z
  .string()
  .trim()
  .refine((v) => /^[0-9]{9,11}$/.test(v) || /^\+[0-9]+[smhd]?$/.test(v) || !Number.isNaN(Date.parse(v)), {
    error: (issue) => `${JSON.stringify(issue.input)} is not a time (unix seconds, ISO 8601, or +30m / +2h / +1d)`,
  });

function resolveTime(v: string, now: number): number {
  const relative = /^\+([0-9]+)([smhd]?)$/.exec(v);
  if (relative) return now + Number(relative[1]) * { "": 1, s: 1, m: 60, h: 3600, d: 86_400 }[relative[2] as "s"];
  if (/^[0-9]{9,11}$/.test(v)) return Number(v);
  return Math.floor(Date.parse(v) / 1000);
}

operation({
  name: "offering:open",
  description:
    "Opens a primary offering of a bond series: --size (face, whole units), --price (yen per ¥100 face, default 100), " +
    "--close-time (unix, ISO 8601 or +2h from the chain's clock), --open-time (default now), --delivery-date (default " +
    "the later of the issue day and the day the window closes), --proceeds (default the sender). Records the id.",
  params: {
    series: { description: "bond series symbol" },
    size: { description: "face offered, yen (whole units)" },
    price: { description: "yen per ¥100 face, up to 6 decimals (default 100)" },
    openTime: { description: "first second applications are accepted (default: now)" },
    closeTime: { description: "first second they are not" },
    deliveryDate: { description: "delivery day YYYY-MM-DD" },
    proceeds: { description: "issuer's cash account paid at delivery (default: the sender)" },
  },
  schema: z.object({
    series: s.symbol,
    size: s.positiveAmount,
    price: b.price.default(100_000_000n),
    openTime: time.optional(),
    closeTime: time,
    deliveryDate: s.date.optional(),
    proceeds: s.address.optional(),
  }),
  async run(args, ctx) {
    const { ethers } = await import("hardhat");
    const { ROLES } = await import("../scripts/lib/constants");
    const { dayOfUnix, formatDate } = await import("../scripts/lib/calendar");
    const { describeRevert } = await import("../scripts/lib/errors");
    const { at, chainNow, requireRole, settle } = await import("./lib/bond-ops");
    const store = await ctx.store();
    const record = store.series(args.series);
    const signer = await ctx.signer("owner");
    const sender = await signer.getAddress();
    const offering = await at<import("../typechain-types").Offering>("Offering", store.contract("offering"), signer);
    const bond = await at<import("../typechain-types").BondToken>("BondToken", record.token, signer);
    if (record.kind === "cash" || record.kind === "security" || record.kind === "InflationIndexedJgb") {
      throw new UsageError(`${args.series} (${record.kind}) cannot be offered through the Offering`);
    }
    const key = `offering:${args.series}`;
    // A live offering of the series (recorded, or mined after the record was last written) is not opened again.
    await settle(signer.provider!, sender);
    for (const event of await offering.queryFilter(offering.filters.OfferingOpened(undefined, record.token))) {
      const id = Number(event.args.id);
      const status = Number((await offering.offering(id)).status);
      if (status !== 1 && status !== 2) continue;
      if (store.record.operations[key]?.id !== id) {
        store.record.operations[key] = {
          id,
          series: args.series,
          size: String(event.args.size),
          price: String(event.args.price),
        };
        store.save();
      }
      return {
        title: `offering ${id} of ${args.series} is already open: nothing sent`,
        summary: { offering: id, series: args.series },
      };
    }
    await requireRole(offering, ROLES.ISSUER_AGENT, "ISSUER_AGENT", sender, "the Offering");
    await requireRole(bond, ROLES.ISSUER_AGENT, "ISSUER_AGENT", sender, `series ${args.series}`);
    if (!(await bond.hasRole(ROLES.SUPPLY_AGENT, await offering.getAddress()))) {
      throw new UsageError(
        `the Offering does not hold SUPPLY_AGENT on ${args.series} (create the series after suite:deploy)`,
      );
    }
    const now = await chainNow(signer.provider!);
    const openTime = args.openTime === undefined ? now : resolveTime(args.openTime, now);
    const closeTime = resolveTime(args.closeTime, now);
    const unit = await bond.denomination();
    const [, issueDay, maturityDay] = (await bond.scheduleDays()).map(Number);
    const deliveryDay = args.deliveryDate ?? Math.max(issueDay, dayOfUnix(closeTime));
    const problems: ArgumentProblem[] = [];
    if (args.size % unit !== 0n)
      problems.push({
        argument: "--size",
        message: `${args.size} is not a whole number of ¥${unit.toLocaleString("en-US")} units`,
      });
    if (closeTime <= now)
      problems.push({
        argument: "--close-time",
        message: `is not in the future (the chain's clock is ${new Date(now * 1000).toISOString()})`,
      });
    if (openTime >= closeTime) problems.push({ argument: "--open-time", message: "is not before --close-time" });
    if (deliveryDay < issueDay || deliveryDay < dayOfUnix(closeTime) || deliveryDay >= maturityDay) {
      problems.push({
        argument: "--delivery-date",
        message: `${formatDate(deliveryDay)} must be on or after the issue day ${formatDate(issueDay)} and the day the window closes, before maturity`,
      });
    }
    if (problems.length > 0) throw new UsageError("bad arguments", problems);
    const terms = {
      bond: record.token,
      proceedsAccount: args.proceeds ?? sender,
      size: args.size,
      price: args.price,
      openTime,
      closeTime,
      deliveryDay,
    };
    try {
      await offering.openOffering.staticCall(terms);
    } catch (error) {
      throw new UsageError(`the Offering refuses these terms: ${await describeRevert(error)}; nothing was sent`);
    }
    const receipt = await ctx.send(`open an offering of ${args.series}`, () => offering.openOffering(terms));
    const opened = receipt.logs
      .map((log) => offering.interface.parseLog(log))
      .find((p) => p?.name === "OfferingOpened");
    const id = Number(opened!.args.id);
    store.record.operations[key] = { id, series: args.series, size: String(args.size), price: String(args.price) };
    store.save();
    return {
      title: `offering ${id} of ${args.series} open until ${new Date(closeTime * 1000).toISOString()}`,
      summary: {
        offering: id,
        series: args.series,
        size: args.size,
        "price per ¥100": ethers.formatUnits(args.price, 6),
        opens: new Date(openTime * 1000).toISOString(),
        closes: new Date(closeTime * 1000).toISOString(),
        delivery: formatDate(deliveryDay),
        proceeds: terms.proceedsAccount,
      },
    };
  },
});

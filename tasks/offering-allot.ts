/**
 * offering:allot — the issuer's agent completes an offering once its window has closed: allots pro rata by
 * largest remainder (scripts/lib/offering.ts) in batches, finalizes, delivers every applicant in batches
 * (from the delivery day) and closes. Driven by the offering's state on chain, so a rerun continues where
 * a killed run stopped: allotment batches already on chain are skipped, delivered applicants are not
 * delivered again. Before the delivery day it stops after finalizing and says when to rerun.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import { UsageError } from "./lib/errors";
import * as s from "./lib/schemas";
import * as b from "./lib/bond-schemas";

operation({
  name: "offering:allot",
  description:
    "Allots an offering pro rata (largest remainder) after its window closes, finalizes, delivers in batches " +
    "(--batch, default 100, at most 200) from the delivery day, and closes it. Resumable from the offering's state.",
  params: {
    offering: { description: "offering id" },
    series: { description: "series symbol (its recorded offering)" },
    batch: { description: "applicants per transaction (default 100, at most 200)" },
  },
  schema: z.object({
    offering: s.integer(1, 2 ** 32).optional(),
    series: s.symbol.optional(),
    batch: b.batchSize(200).default(100),
  }),
  async run(args, ctx) {
    const { ROLES } = await import("../scripts/lib/constants");
    const { formatDate } = await import("../scripts/lib/calendar");
    const { APPLICATION_STATUS, OFFERING_STATUS, applicationsOf, proRataAllotment } =
      await import("../scripts/lib/offering");
    const { at, chainNow, chainToday, requireRole } = await import("./lib/bond-ops");
    const store = await ctx.store();
    const id = b.offeringId(store.record.operations, args.offering, args.series);
    const signer = await ctx.signer("owner");
    const sender = await signer.getAddress();
    const offering = await at<import("../typechain-types").Offering>("Offering", store.contract("offering"), signer);
    let o = await offering.offering(id);
    if (Number(o.status) === OFFERING_STATUS.None) throw new UsageError(`there is no offering ${id}`);
    if (Number(o.status) === OFFERING_STATUS.Cancelled) throw new UsageError(`offering ${id} was cancelled`);
    await requireRole(offering, ROLES.ISSUER_AGENT, "ISSUER_AGENT", sender, "the Offering");
    const bond = await at<import("../typechain-types").BondToken>("BondToken", o.bond, signer);
    await requireRole(bond, ROLES.ISSUER_AGENT, "ISSUER_AGENT", sender, "the bond series");
    const provider = signer.provider!;
    const live = await applicationsOf(offering, id);
    const allotment = proRataAllotment(
      live.map((a) => ({ applicant: a.applicant, face: a.face })),
      o.size,
      o.unit,
    );
    const counts = { allotBatches: 0, deliverBatches: 0 };

    if (Number(o.status) === OFFERING_STATUS.Open) {
      const now = await chainNow(provider);
      if (now < o.closeTime) {
        throw new UsageError(
          `offering ${id} takes applications until ${new Date(Number(o.closeTime) * 1000).toISOString()}; allot after; nothing was sent`,
        );
      }
      for (let i = 0; i < allotment.length; i += args.batch) {
        const chunk = allotment.slice(i, i + args.batch);
        const current = await Promise.all(chunk.map((a) => offering.application(id, a.applicant)));
        if (chunk.every((a, j) => current[j].allotted === a.face)) continue; // on chain already (a rerun)
        await ctx.send(`allot offering ${id}`, () =>
          offering.allot(
            id,
            chunk.map((a) => a.applicant),
            chunk.map((a) => a.face),
          ),
        );
        counts.allotBatches++;
      }
      await ctx.send(`finalize the allotment of offering ${id}`, () => offering.finalizeAllotment(id));
      o = await offering.offering(id);
    }
    let note: string | undefined;
    if (Number(o.status) === OFFERING_STATUS.Finalized) {
      const today = await chainToday(provider);
      if (today < Number(o.deliveryDay)) {
        note = `allotment final; delivery from ${formatDate(Number(o.deliveryDay))} (chain date ${formatDate(today)}): rerun then`;
      } else {
        const states = await Promise.all(live.map((a) => offering.application(id, a.applicant)));
        const todo = live
          .filter((_, i) => Number(states[i].status) === APPLICATION_STATUS.Applied)
          .map((a) => a.applicant);
        const progress = ctx.progress(`deliver offering ${id}`, live.length);
        progress.tick(live.length - todo.length);
        for (let i = 0; i < todo.length; i += args.batch) {
          const chunk = todo.slice(i, i + args.batch);
          await ctx.send(`deliver offering ${id}`, () => offering.deliver(id, chunk));
          counts.deliverBatches++;
          progress.tick(chunk.length);
        }
        progress.stop();
        await ctx.send(`close offering ${id}`, () => offering.closeOffering(id));
        o = await offering.offering(id);
      }
    }
    const states = await Promise.all(live.map((a) => offering.application(id, a.applicant)));
    const statusName = (n: number) => Object.entries(APPLICATION_STATUS).find(([, v]) => v === n)?.[0] ?? String(n);
    return {
      title:
        `offering ${id}: ${Object.entries(OFFERING_STATUS).find(([, v]) => v === Number(o.status))?.[0]}` +
        ` (${counts.allotBatches} allotment and ${counts.deliverBatches} delivery transactions sent)` +
        (note ? `; ${note}` : ""),
      summary: {
        offering: Number(id),
        size: o.size,
        applied: o.appliedFace,
        allotted: o.allottedFace,
        delivered: o.deliveredFace,
        proceeds: o.allottedCash,
      },
      rows: live.map((a, i) => ({
        applicant: a.applicant,
        applied: a.face,
        allotted: states[i].allotted,
        status: statusName(Number(states[i].status)),
      })),
    };
  },
});

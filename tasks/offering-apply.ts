/**
 * offering:apply — an investor (--from, whose key the network holds) applies for face in an open offering:
 * approves the Offering for the deposit and applies. Checked before sending: the offering open and its
 * window running on the chain's clock, the face in whole units and within the size, the applicant verified
 * and accepted by the bond's compliance, enough free cash. A run killed after sending is resolved on rerun
 * from the recorded nonce: the application is not sent twice.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import { UsageError } from "./lib/errors";
import * as s from "./lib/schemas";
import { offeringId } from "./lib/bond-schemas";

operation({
  name: "offering:apply",
  description:
    "Applies for --face (yen, whole units) in an offering (--offering id, or --series for its recorded live " +
    "offering), from --from (the investor). Deposits the cost in JPYD (approving the Offering first).",
  params: {
    offering: { description: "offering id" },
    series: { description: "series symbol (its recorded offering)" },
    face: { description: "face applied for, yen (whole units)" },
  },
  schema: z.object({ offering: s.integer(1, 2 ** 32).optional(), series: s.symbol.optional(), face: s.positiveAmount }),
  async run(args, ctx) {
    const { ethers } = await import("hardhat");
    const { at, chainNow, sendOnce } = await import("./lib/bond-ops");
    const { describeRevert } = await import("../scripts/lib/errors");
    const store = await ctx.store();
    const id = offeringId(store.record.operations, args.offering, args.series);
    const signer = await ctx.signer();
    const applicant = await signer.getAddress();
    const offering = await at<import("../typechain-types").Offering>("Offering", store.contract("offering"), signer);
    const o = await offering.offering(id);
    if (Number(o.status) === 0) throw new UsageError(`there is no offering ${id}`);
    const key = `apply:${id}:${applicant}:${args.face}`;
    const resuming = store.record.operations[key]?.pending !== undefined;
    const cash = await at<import("../typechain-types").SecurityToken>("SecurityToken", o.cash, signer);
    const bond = await at<import("../typechain-types").BondToken>("BondToken", o.bond, signer);
    if (!resuming) {
      const now = await chainNow(signer.provider!);
      if (Number(o.status) !== 1 || now < o.openTime || now >= o.closeTime) {
        throw new UsageError(
          `offering ${id} is not taking applications (window ${new Date(Number(o.openTime) * 1000).toISOString()} – ` +
            `${new Date(Number(o.closeTime) * 1000).toISOString()}, chain clock ${new Date(now * 1000).toISOString()})`,
        );
      }
      if (args.face % o.unit !== 0n) {
        throw new UsageError("bad arguments", [
          {
            argument: "--face",
            message: `${args.face} is not a whole number of ¥${o.unit.toLocaleString("en-US")} units`,
          },
        ]);
      }
      const registry = await at<import("../typechain-types").IdentityRegistry>(
        "IdentityRegistry",
        await bond.identityRegistry(),
      );
      if (!(await registry.isVerified(applicant)))
        throw new UsageError(`${applicant} is not a verified investor; nothing was sent`);
    }
    const before = (await offering.application(id, applicant)).face;
    const [amount, accrued] = await offering.quote(id, before + args.face);
    const [paidBefore, accruedBefore] = before === 0n ? [0n, 0n] : await offering.quote(id, before);
    const deposit = amount + accrued - paidBefore - accruedBefore;
    if (!resuming) {
      const free = await cash.freeBalanceOf(applicant);
      if (free < deposit)
        throw new UsageError(`${applicant} has ${free} free JPYD; the deposit is ${deposit}; nothing was sent`);
      if ((await cash.allowance(applicant, await offering.getAddress())) < deposit) {
        await ctx.send("approve the Offering", () => cash.approve(offering.getAddress(), deposit));
      }
      try {
        await offering.applyFor.staticCall(id, args.face);
      } catch (error) {
        throw new UsageError(`application refused: ${await describeRevert(error)}`);
      }
    }
    const outcome = await sendOnce(ctx, store, key, signer, `apply to offering ${id}`, offering, "applyFor", [
      id,
      args.face,
    ]);
    delete store.record.operations[key];
    store.save();
    const application = await offering.application(id, applicant);
    return {
      title: `${applicant} applied for ${args.face.toLocaleString("en-US")} in offering ${id}${outcome === "adopted" ? " (found mined from an earlier run)" : ""}`,
      summary: {
        offering: Number(id),
        applicant,
        "face applied (total)": application.face,
        deposit: ethers.toBigInt(deposit),
      },
    };
  },
});

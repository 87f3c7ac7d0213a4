/**
 * Payment runs of the PayingAgent driven from the chain's own state, for coupon:pay and bond:redeem: open
 * the run if none is in progress (after checking it is due and funded), pay holders above the run's cursor
 * in ascending batches, then any holder the batches missed (`payMissedHolders`, with the list of holders
 * already taken rebuilt from the run's transactions). Nothing is kept in the record: a run killed at any
 * point continues from the PayingAgent's cursor, and the contract refuses to take a holder twice.
 * Imported only inside a task's `run`.
 */
import { ethers } from "ethers";
import type { BondToken, PayingAgent, SecurityToken } from "../../typechain-types";
import { ROLES, RUN_KIND } from "../../scripts/lib/constants";
import { describeRevert } from "../../scripts/lib/errors";
import {
  ascending,
  at,
  balancesOf,
  chainToday,
  day,
  paymentsOf,
  receivers,
  requireRole,
  settle,
  takenSoFar,
} from "./bond-ops";
import type { OperationContext } from "./cli";
import { UsageError } from "./errors";
import type { OperationResult } from "./output";

export type RunName = "coupon" | "redemption";

/** Options of coupon:pay and bond:redeem. */
export interface RunOptions {
  series: string;
  batch: number;
  /** Print every holder's row even for a large run. */
  rows: boolean;
  /** coupon:pay: pay only the next due coupon (else every coupon due). */
  once?: boolean;
}

/** Rows printed per holder up to this many holders; a summary beyond (unless --rows). */
const ROW_LIMIT = 50;

interface RunOutcome {
  period: number;
  recordFace: bigint;
  due: bigint;
  paid: bigint;
  holders: number;
  batchesSent: number;
  resumedAfter: number;
  /** Holders below the cursor the batches had missed, paid with payMissedHolders. */
  missed: number;
  rows: { period: number; holder: string; amount: bigint; payments: number }[];
}

/** Pays the due coupon runs, or the redemption run, of `options.series`. */
export async function payRuns(ctx: OperationContext, which: RunName, options: RunOptions): Promise<OperationResult> {
  const store = await ctx.store();
  const record = store.series(options.series);
  if (record.kind === "cash" || record.kind === "security") {
    throw new UsageError(`${options.series} is not a bond series (kind ${record.kind})`);
  }
  const signer = await ctx.signer("owner");
  const sender = await signer.getAddress();
  const provider = signer.provider!;
  const bond = await at<BondToken>("BondToken", record.token, signer);
  const payingAgent = await at<PayingAgent>("PayingAgent", store.contract("payingAgent"), signer);
  const cash = await at<SecurityToken>("SecurityToken", await bond.currency(), signer);
  await requireRole(payingAgent, ROLES.PAYING_AGENT, "PAYING_AGENT", sender, "the PayingAgent");
  await settle(provider, sender);
  const address = record.token;
  const wanted = which === "coupon" ? RUN_KIND.Coupon : RUN_KIND.Redemption;
  const outcomes: RunOutcome[] = [];

  for (;;) {
    const run = await payingAgent.runOf(address);
    let period = Number(run.period);
    if (Number(run.kind) === RUN_KIND.None) {
      const opened = await openRun();
      if (opened === undefined) break;
      period = opened;
    } else if (Number(run.kind) !== wanted) {
      const other = Number(run.kind) === RUN_KIND.Coupon ? "coupon:pay" : "bond:redeem";
      throw new UsageError(
        `${options.series} has a ${other === "coupon:pay" ? "coupon" : "redemption"} run in progress: finish it with ${other}`,
      );
    }
    outcomes.push(await complete(period));
    if (which === "redemption" || options.once) break;
  }
  if (outcomes.length === 0) throw new Error("no run was paid");

  const allRows = outcomes.flatMap((o) => o.rows);
  const holders = outcomes.reduce((n, o) => Math.max(n, o.holders), 0);
  const show = options.rows || ctx.json || holders <= ROW_LIMIT;
  const label = (o: RunOutcome) => (which === "coupon" ? `coupon ${o.period + 1}` : "redemption");
  return {
    title:
      `${options.series}: ${outcomes.map(label).join(", ")} paid to every holder of record` +
      ` (${outcomes.reduce((n, o) => n + o.batchesSent, 0)} transactions sent` +
      (outcomes.some((o) => o.resumedAfter > 0)
        ? `, resumed a run ${outcomes.find((o) => o.resumedAfter > 0)!.resumedAfter} holders in`
        : "") +
      ")",
    summary: Object.fromEntries(
      outcomes.flatMap((o) => [
        [`${label(o)}: record face`, o.recordFace],
        [`${label(o)}: due`, o.due],
        [`${label(o)}: paid`, o.paid],
        [`${label(o)}: holders paid`, o.rows.length],
        [`${label(o)}: missed holders paid`, o.missed],
      ]),
    ),
    rows: show ? allRows : undefined,
  };

  /** Opens the next run if it is due and funded (its period); undefined when nothing is left to open. */
  async function openRun(): Promise<number | undefined> {
    const today = await chainToday(provider);
    const count = Number(await bond.couponCount());
    const paidCoupons = Number(await payingAgent.couponsPaid(address));
    let ratio: [bigint, bigint];
    if (which === "coupon") {
      if (paidCoupons >= count) {
        if (outcomes.length > 0) return undefined;
        throw new UsageError(`every coupon of ${options.series} is paid (${count}); next is bond:redeem`);
      }
      const [, payment] = await bond.couponDate(paidCoupons);
      if (today < Number(payment)) {
        if (outcomes.length > 0) return undefined;
        throw new UsageError(
          `coupon ${paidCoupons + 1} of ${options.series} is not due: it is paid on ${day(payment)}, the chain's date is ${day(today)}; nothing was sent`,
        );
      }
      ratio = await ratioOr(() => payingAgent.couponRatio(address, paidCoupons));
    } else {
      if (Number(await bond.balanceLock()) === 2) throw new UsageError(`${options.series} is already redeemed`);
      if (paidCoupons !== count) {
        throw new UsageError(
          `${options.series} has coupons outstanding (${paidCoupons} of ${count} paid): run coupon:pay first`,
        );
      }
      const [, , maturity] = await bond.scheduleDays();
      const redemptionDay = count === 0 ? Number(maturity) : Number((await bond.couponDate(count - 1))[1]);
      if (today < redemptionDay) {
        throw new UsageError(
          `${options.series} is redeemed on ${day(redemptionDay)}, the chain's date is ${day(today)}; nothing was sent`,
        );
      }
      ratio = await ratioOr(() => payingAgent.redemptionRatio(address));
    }
    const funder = await payingAgent.funderOf(address);
    if (funder === ethers.ZeroAddress)
      throw new UsageError(`${options.series} has no funder: set it with bond:create --funder`);
    const due = ((await bond.totalSupply()) * ratio[0]) / ratio[1];
    const free = await cash.freeBalanceOf(funder);
    const allowance = await cash.allowance(funder, await payingAgent.getAddress());
    if (free < due || allowance < due) {
      throw new UsageError(
        `the funder ${funder} cannot pay ${due} yen: free cash ${free}, allowance to the PayingAgent ${allowance}` +
          ` (token:mint --series JPYD, token:approve); nothing was sent`,
      );
    }
    if (which === "coupon") {
      await ctx.send(`open coupon ${paidCoupons + 1} of ${options.series}`, () =>
        payingAgent.openCoupon(address, paidCoupons),
      );
    } else {
      await ctx.send(`open the redemption of ${options.series}`, () => payingAgent.openRedemption(address));
    }
    return which === "coupon" ? paidCoupons : count;
  }

  async function ratioOr(read: () => Promise<[bigint, bigint]>): Promise<[bigint, bigint]> {
    try {
      const [n, d] = await read();
      return [n, d];
    } catch (error) {
      throw new UsageError(
        `the PayingAgent cannot price the run: ${await describeRevert(error)} (cpi:publish?); nothing was sent`,
      );
    }
  }

  /** Pays every holder of the run in progress (period `period`) and reads what each received. */
  async function complete(period: number): Promise<RunOutcome> {
    const opened =
      which === "coupon"
        ? await payingAgent.queryFilter(payingAgent.filters.CouponRunOpened(address, period))
        : await payingAgent.queryFilter(payingAgent.filters.RedemptionRunOpened(address));
    const openBlock = opened[opened.length - 1].blockNumber;
    let run = await payingAgent.runOf(address);
    const candidates = await receivers(bond);
    const balances = await balancesOf(bond, candidates);
    const holders = candidates.filter((_, i) => balances[i] > 0n);
    const cursor = run.lastHolder;
    const todo = cursor === ethers.ZeroAddress ? holders : holders.filter((h) => ascending(h, cursor) > 0);
    const progress = ctx.progress(`${which} ${options.series}`, holders.length);
    const resumedAfter = holders.length - todo.length;
    progress.tick(resumedAfter);
    if (resumedAfter > 0) ctx.note(`resuming the run after ${cursor} (${resumedAfter} holders already taken)`);
    let batchesSent = 0;
    const batches = Math.ceil(todo.length / options.batch);
    for (let i = 0; i < todo.length && Number(run.kind) !== RUN_KIND.None; i += options.batch) {
      const chunk = todo.slice(i, i + options.batch);
      await ctx.send(`pay ${which} batch of ${options.series}`, () => payingAgent.payBatch(address, chunk));
      batchesSent++;
      progress.tick(chunk.length);
      if (!process.stderr.isTTY) ctx.note(`${which} ${options.series}: batch ${i / options.batch + 1}/${batches} paid`);
      run = await payingAgent.runOf(address);
    }
    let missedCount = 0;
    if (Number(run.kind) !== RUN_KIND.None) {
      // Holders below the cursor the batches did not take (e.g. found only now): prove who was taken.
      const taken = await takenSoFar(payingAgent, address, openBlock);
      const takenSet = new Set(taken);
      const after = await balancesOf(bond, candidates);
      const missed = candidates.filter((h, i) => !takenSet.has(h) && after[i] > 0n);
      if (missed.length === 0)
        throw new Error(`the ${which} run of ${options.series} is incomplete but every known holder was taken`);
      ctx.note(`${missed.length} holder(s) missed by the batches: paying them with payMissedHolders`);
      missedCount = missed.length;
      for (let i = 0; i < missed.length; i += options.batch) {
        const chunk = missed.slice(i, i + options.batch);
        await ctx.send(`pay missed holders of ${options.series}`, () =>
          payingAgent.payMissedHolders(address, taken, chunk),
        );
        taken.push(...chunk);
        batchesSent++;
        progress.tick(chunk.length);
      }
    }
    progress.stop();
    const completed = await payingAgent.queryFilter(
      payingAgent.filters.RunCompleted(address, undefined, period),
      openBlock,
    );
    const done = completed.find((e) => Number(e.args.kind) === wanted);
    if (!done) throw new Error(`the ${which} run of ${options.series} did not complete`);
    const openedEvent = opened[opened.length - 1];
    const funder = await payingAgent.funderOf(address);
    const paid = await paymentsOf(payingAgent, cash, address, funder, openBlock, done.blockNumber);
    return {
      period,
      recordFace: done.args.recordFace,
      due: openedEvent.args.due,
      paid: done.args.paid,
      holders: paid.size,
      batchesSent,
      resumedAfter,
      missed: missedCount,
      rows: [...paid.entries()]
        .sort(([a], [b]) => ascending(a, b))
        .map(([holder, p]) => ({ period: period + 1, holder, amount: p.amount, payments: p.payments })),
    };
  }
}

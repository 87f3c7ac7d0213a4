import { expect } from "chai";
import fc from "fast-check";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256 } from "ethers";
import { reverts } from "../helpers/errors";
import {
  DAY,
  dvpFixture,
  idOf,
  JGB_UNIT,
  signTrade,
  START_BOND,
  START_CASH,
  STATUS,
  type DvpContext,
  type Trade,
} from "./dvp-fixtures";

/**
 * Invariants of DvP settlement under random sequences of instruct / affirm / signed instructions /
 * settle / batch settle / cancel / agent cancel / mark expired among four parties, with time moving and
 * wallets being frozen and unfrozen (so that some settlements fail):
 * - Σ bond balances and Σ cash balances of the parties never change, and the contract never holds any;
 * - each party's bond and cash balances differ from the start by exactly the legs of the trades whose
 *   status is Settled (bond: +units as buyer, -units as seller; cash the other way);
 * - a trade's status only moves forward (None -> Instructed -> Affirmed -> Settled, or to Cancelled or
 *   Expired), and a final status never changes;
 * - a refused call changes no balance and no trade state.
 * alice, bob (JP) and charlie (US) are onboarded and hold both tokens; dave is not onboarded and holds
 * nothing, so his trades fail, alone or inside a batch.
 */

const PARTIES = 4;
// dave (3), who is not onboarded, in one trade leg out of five.
const party = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 2 }), weight: 4 },
  { arbitrary: fc.constant(PARTIES - 1), weight: 1 },
);
// A trade recorded earlier: -1 is the latest (so that instruct, affirm, settle often meet on one trade).
const tradeRef = fc.oneof({ arbitrary: fc.constant(-1), weight: 2 }, { arbitrary: fc.nat(), weight: 1 });
// Up to 220 JGB units (the start is 200, so some deliveries are short) and up to ¥22m (start ¥20m).
const units = fc.integer({ min: 0, max: 220 }).map((n) => BigInt(n) * JGB_UNIT);
const cashAmount = fc.integer({ min: 0, max: 22_000 }).map((n) => BigInt(n) * 1_000n);
const HOUR = 3_600;
// Settlement time: mostly now, else within six hours; window: a minute to three days; the clock moves up to half a day.
const delay = fc.oneof(
  { arbitrary: fc.constant(0n), weight: 3 },
  { arbitrary: fc.integer({ min: 1, max: 6 * HOUR }).map(BigInt), weight: 1 },
);
const window = fc.integer({ min: 0, max: 3 * Number(DAY) }).map((n) => BigInt(n) + 60n);
const advance = fc.integer({ min: 0, max: 12 * HOUR }).map(BigInt);
const terms = { seller: party, buyer: party, units, cashAmount, delay, window };

const operation = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("instruct" as const), bySeller: fc.boolean(), ...terms }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("signed" as const), ...terms }), weight: 4 },
  {
    arbitrary: fc.record({ kind: fc.constant("reinstruct" as const), t: tradeRef, bySeller: fc.boolean() }),
    weight: 1,
  },
  // `counterparty`: the side that has not affirmed yet affirms (else the side `bySeller` names, right or wrong).
  {
    arbitrary: fc.record({
      kind: fc.constant("affirm" as const),
      t: tradeRef,
      bySeller: fc.boolean(),
      counterparty: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant("settle" as const), t: tradeRef }), weight: 4 },
  {
    arbitrary: fc.record({
      kind: fc.constant("batch" as const),
      ts: fc.array(tradeRef, { minLength: 1, maxLength: 6 }),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant("cancel" as const), t: tradeRef, bySeller: fc.boolean() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("agentCancel" as const), t: tradeRef }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("markExpired" as const), t: tradeRef }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("advance" as const), seconds: advance }), weight: 3 },
  {
    arbitrary: fc.record({
      kind: fc.constant("freeze" as const),
      who: fc.integer({ min: 0, max: 2 }),
      cashToken: fc.boolean(),
      frozen: fc.boolean(),
    }),
    weight: 1,
  },
);
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

/** The property's starting point: dvpFixture plus dave's (useless) approvals. */
async function propertyFixture() {
  const c = await loadFixture(dvpFixture);
  await c.bond.connect(c.accounts.dave).approve(c.dvp, MaxUint256);
  await c.cash.connect(c.accounts.dave).approve(c.dvp, MaxUint256);
  return c;
}

function partiesOf(c: DvpContext) {
  const { alice, bob, charlie, dave } = c.accounts;
  return [alice, bob, charlie, dave];
}

async function snapshot(c: DvpContext, trades: Trade[], ids: string[]) {
  const parties = partiesOf(c);
  return {
    bond: await Promise.all(parties.map((p) => c.bond.balanceOf(p.address))),
    cash: await Promise.all(parties.map((p) => c.cash.balanceOf(p.address))),
    dvpHoldings: [await c.bond.balanceOf(c.dvp), await c.cash.balanceOf(c.dvp)],
    states: await Promise.all(
      ids.map(async (id) => {
        const s = await c.dvp.tradeState(id);
        return [s.status, s.sellerAffirmed, s.buyerAffirmed, s.sellerCancelRequested, s.buyerCancelRequested];
      }),
    ),
    trades: trades.length,
  };
}
type Snapshot = Awaited<ReturnType<typeof snapshot>>;

/** Runs one operation; returns false when the chain refused it (or it was a no-op). */
async function apply(c: DvpContext, trades: Trade[], ids: string[], op: Operation): Promise<boolean> {
  const parties = partiesOf(c);
  const { agent, settlementAgent, outsider } = c.accounts;
  const run = async (fn: () => Promise<unknown>) => !(await reverts(fn));
  const index = (t: number) => (t < 0 ? trades.length - 1 : t % trades.length);
  const pick = (t: number) => trades[index(t)];
  const signerOf = (trade: Trade, bySeller: boolean) =>
    parties.find((p) => p.address === (bySeller ? trade.seller : trade.buyer))!;
  const newTrade = async (o: {
    seller: number;
    buyer: number;
    units: bigint;
    cashAmount: bigint;
    delay: bigint;
    window: bigint;
  }) => {
    const now = BigInt(await time.latest());
    const trade: Trade = {
      seller: parties[o.seller].address,
      buyer: parties[o.buyer].address,
      bond: await c.bond.getAddress(),
      units: o.units,
      cash: await c.cash.getAddress(),
      cashAmount: o.cashAmount,
      settleAfter: now + o.delay,
      expiry: now + o.delay + o.window,
      nonce: BigInt(trades.length),
    };
    trades.push(trade);
    ids.push(await idOf(c.dvp, trade));
    return trade;
  };
  if (trades.length === 0 && !["instruct", "signed", "advance", "freeze"].includes(op.kind)) return false;
  switch (op.kind) {
    case "instruct": {
      const trade = await newTrade(op);
      return run(() => c.dvp.connect(parties[op.bySeller ? op.seller : op.buyer]).instruct(trade));
    }
    case "signed": {
      const trade = await newTrade(op);
      const sellerSig = await signTrade(parties[op.seller], c.dvp, trade);
      const buyerSig = await signTrade(parties[op.buyer], c.dvp, trade);
      return run(() => c.dvp.connect(settlementAgent).instructWithSignatures(trade, sellerSig, buyerSig));
    }
    case "reinstruct": {
      const trade = pick(op.t);
      return run(() => c.dvp.connect(signerOf(trade, op.bySeller)).instruct(trade));
    }
    case "affirm": {
      const trade = pick(op.t);
      const bySeller = op.counterparty ? !(await c.dvp.tradeState(ids[index(op.t)])).sellerAffirmed : op.bySeller;
      return run(() => c.dvp.connect(signerOf(trade, bySeller)).affirm(trade));
    }
    case "settle":
      return run(() => c.dvp.connect(outsider).settle(pick(op.t)));
    case "batch":
      return run(() => c.dvp.connect(outsider).settleBatch(op.ts.map(pick)));
    case "cancel": {
      const trade = pick(op.t);
      return run(() => c.dvp.connect(signerOf(trade, op.bySeller)).cancel(trade));
    }
    case "agentCancel":
      return run(() => c.dvp.connect(settlementAgent).cancelByAgent(pick(op.t), "property test"));
    case "markExpired":
      return run(() => c.dvp.connect(outsider).markExpired(pick(op.t)));
    case "advance":
      await time.increase(op.seconds + 1n);
      return true;
    case "freeze": {
      const token = op.cashToken ? c.cash : c.bond;
      return run(() => token.connect(agent).setAddressFrozen(parties[op.who].address, op.frozen));
    }
  }
}

/** Allowed status moves: from -> the statuses it may become. */
const NEXT: Record<string, bigint[]> = {
  [String(STATUS.None)]: [STATUS.None, STATUS.Instructed, STATUS.Affirmed],
  [String(STATUS.Instructed)]: [STATUS.Instructed, STATUS.Affirmed, STATUS.Cancelled, STATUS.Expired],
  [String(STATUS.Affirmed)]: [STATUS.Affirmed, STATUS.Settled, STATUS.Cancelled, STATUS.Expired],
  [String(STATUS.Settled)]: [STATUS.Settled],
  [String(STATUS.Cancelled)]: [STATUS.Cancelled],
  [String(STATUS.Expired)]: [STATUS.Expired],
};

function checkInvariants(
  c: DvpContext,
  trades: Trade[],
  before: Snapshot,
  after: Snapshot,
  accepted: boolean,
  op: Operation,
) {
  const label = JSON.stringify(op, (_, v) => (typeof v === "bigint" ? v.toString() : v));
  const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);
  expect(sum(after.bond), `Σ bond after ${label}`).to.equal(3n * START_BOND);
  expect(sum(after.cash), `Σ cash after ${label}`).to.equal(3n * START_CASH);
  expect(after.dvpHoldings, "the contract holds nothing").to.deep.equal([0n, 0n]);

  const parties = partiesOf(c).map((p) => p.address);
  const start = { bond: [START_BOND, START_BOND, START_BOND, 0n], cash: [START_CASH, START_CASH, START_CASH, 0n] };
  const expected = { bond: [...start.bond], cash: [...start.cash] };
  after.states.forEach((state, i) => {
    if (state[0] !== STATUS.Settled) return;
    const t = trades[i];
    const s = parties.indexOf(t.seller);
    const b = parties.indexOf(t.buyer);
    expected.bond[s] -= t.units;
    expected.bond[b] += t.units;
    expected.cash[s] += t.cashAmount;
    expected.cash[b] -= t.cashAmount;
  });
  expect(after.bond, `bond = start + settled legs after ${label}`).to.deep.equal(expected.bond);
  expect(after.cash, `cash = start + settled legs after ${label}`).to.deep.equal(expected.cash);

  before.states.forEach((state, i) => {
    const from = state[0] as bigint;
    const to = after.states[i][0] as bigint;
    expect(NEXT[String(from)], `trade ${i}: ${from} -> ${to} by ${label}`).to.include(to);
  });
  if (!accepted) {
    expect(after.bond, `refused ${label} moved bonds`).to.deep.equal(before.bond);
    expect(after.cash, `refused ${label} moved cash`).to.deep.equal(before.cash);
    expect(after.states.slice(0, before.states.length), `refused ${label} changed a trade`).to.deep.equal(
      before.states,
    );
  }
}

describe("DvpSettlement properties", () => {
  it("conserve both tokens and move each party's balances by exactly its settled trades' legs", async () => {
    let settledSeen = 0;
    let failedSeen = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 10, maxLength: 30 }), async (ops) => {
        const c = await loadFixture(propertyFixture);
        const trades: Trade[] = [];
        const ids: string[] = [];
        let before = await snapshot(c, trades, ids);
        for (const op of ops) {
          const accepted = await apply(c, trades, ids, op);
          const after = await snapshot(c, trades, ids);
          // trades the operation added start from None
          const padded = {
            ...before,
            states: [
              ...before.states,
              ...after.states.slice(before.states.length).map(() => [STATUS.None, false, false, false, false]),
            ],
          };
          checkInvariants(c, trades, padded, after, accepted, op);
          before = after;
        }
        settledSeen += before.states.filter((s) => s[0] === STATUS.Settled).length;
        failedSeen += (await c.dvp.queryFilter(c.dvp.filters.TradeSettlementFailed())).length;
      }),
      { numRuns: 60 },
    );
    // The property is only worth something if settlements both happened and failed along the way.
    expect(settledSeen, "trades settled across runs").to.be.greaterThan(0);
    expect(failedSeen, "batch failures across runs").to.be.greaterThan(0);
  });
});

import { expect } from "chai";
import fc from "fast-check";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256 } from "ethers";
import { reverts } from "../helpers/errors";
import {
  idOf,
  interestOf,
  JGB_UNIT,
  repoFixture,
  signRepo,
  STATUS,
  type Repo,
  type RepoContext,
} from "./repo-fixtures";

/**
 * Model-based property of the intraday repo under random sequences of instruct / affirm / open /
 * openWithSignature / close / markFailed / cancel / markLapsed, with the clock moving and the parties
 * trading bonds and cash outright in between (a lender selling the bonds it holds, a borrower spending
 * its cash), so that legs fail as well as settle. A model written from the rules (not from the contract)
 * predicts every call's outcome and every balance:
 * - each call succeeds exactly when the model says it should (repo rules, clock, and each leg's token
 *   rules: balances and verified recipients), and a refused call changes nothing;
 * - Σ bonds and Σ cash of the parties never change, and the contract never holds any;
 * - every status matches the model's, and statuses only move forward;
 * - each party's balances = start + outright trades + the legs of its repos, where an Open or Failed repo
 *   has moved units against the purchase price and a Closed repo leaves the bonds where they were and
 *   the cash moved by exactly its interest (Act/365 by the second from the opening block, truncated).
 * Parties: alice (¥10m face), bob (¥5m), carol (¥2.5m), each ¥100m cash, and dave (not onboarded, holds
 * nothing), who appears in one repo side out of five.
 */

const PARTY_COUNT = 4;
const DAVE = 3;
const party = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 2 }), weight: 7 },
  { arbitrary: fc.constant(DAVE), weight: 1 },
);
/**
 * Which repo a call targets: `t` indexes the repos in the status the call needs (Open for close and
 * markFailed, Affirmed for open, Instructed for affirm, either for cancel and markLapsed; -1: the latest),
 * or, with `any`, all repos (so that calls on repos in the wrong status are tried too).
 */
const repoRef = fc.record({
  t: fc.oneof({ arbitrary: fc.constant(-1), weight: 2 }, { arbitrary: fc.nat(), weight: 1 }),
  any: fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 }),
});
const rate = fc.oneof(
  { arbitrary: fc.integer({ min: -2_000, max: 10_000 }), weight: 4 },
  { arbitrary: fc.integer({ min: -100_000, max: 100_000 }), weight: 1 },
);
const newRepo = {
  borrower: party,
  lender: party,
  // up to 80 units of ¥50,000 (¥4m face): alice and bob can deliver at first, carol not always
  units: fc.integer({ min: 1, max: 80 }).map((n) => BigInt(n) * JGB_UNIT),
  // up to ¥60m, some of it odd yen
  purchasePrice: fc.integer({ min: 1, max: 60_000_000 }).map(BigInt),
  rate: rate.map(BigInt),
  openWindow: fc.integer({ min: 0, max: 3_600 }).map(BigInt),
  term: fc.integer({ min: 1, max: 3 * 3_600 }).map(BigInt),
  grace: fc.integer({ min: 0, max: 2 * 3_600 }).map(BigInt),
};
const side = fc.boolean(); // true: the borrower

const operation = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("instruct" as const), byBorrower: side, ...newRepo }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("signed" as const), byBorrower: side, ...newRepo }), weight: 3 },
  // `counterparty`: the side that has not affirmed yet affirms (else the side `byBorrower` names, right or wrong).
  {
    arbitrary: fc.record({
      kind: fc.constant("affirm" as const),
      t: repoRef,
      byBorrower: side,
      counterparty: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant("open" as const), t: repoRef }), weight: 3 },
  // `due`: the clock first moves to a moment inside the closing window (`offset` into it), or past the deadline.
  {
    arbitrary: fc.record({ kind: fc.constant("close" as const), t: repoRef, due: fc.boolean(), offset: fc.nat() }),
    weight: 4,
  },
  {
    arbitrary: fc.record({ kind: fc.constant("markFailed" as const), t: repoRef, due: fc.boolean(), offset: fc.nat() }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant("cancel" as const), t: repoRef, byBorrower: side }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("markLapsed" as const), t: repoRef }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant("advance" as const),
      seconds: fc.integer({ min: 0, max: 3 * 3_600 }).map(BigInt),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant("trade" as const),
      from: fc.integer({ min: 0, max: 2 }),
      to: fc.integer({ min: 0, max: 2 }),
      inCash: fc.boolean(),
      bondUnits: fc.integer({ min: 1, max: 150 }).map((n) => BigInt(n) * JGB_UNIT),
      cash: fc.integer({ min: 1, max: 80_000_000 }).map(BigInt),
    }),
    weight: 2,
  },
);
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

/** What the model knows of one repo. */
interface ModelRepo {
  terms: Repo;
  b: number;
  l: number;
  status: bigint;
  borrowerAffirmed: boolean;
  lenderAffirmed: boolean;
  borrowerCancel: boolean;
  lenderCancel: boolean;
  openedAt: bigint;
}

interface Model {
  clock: bigint;
  bond: bigint[];
  cash: bigint[];
  repos: ModelRepo[];
  /** Outright trades' net effect per party. */
  tradedBond: bigint[];
  tradedCash: bigint[];
}

const FORWARD: Record<string, bigint[]> = {
  [String(STATUS.Instructed)]: [STATUS.Instructed, STATUS.Affirmed, STATUS.Cancelled, STATUS.Lapsed],
  [String(STATUS.Affirmed)]: [STATUS.Affirmed, STATUS.Open, STATUS.Cancelled, STATUS.Lapsed],
  [String(STATUS.Open)]: [STATUS.Open, STATUS.Closed, STATUS.Failed],
  [String(STATUS.Closed)]: [STATUS.Closed],
  [String(STATUS.Failed)]: [STATUS.Failed],
  [String(STATUS.Cancelled)]: [STATUS.Cancelled],
  [String(STATUS.Lapsed)]: [STATUS.Lapsed],
};

async function propertyFixture() {
  const c = await loadFixture(repoFixture);
  await c.bond.connect(c.accounts.dave).approve(c.repo, MaxUint256);
  await c.cash.connect(c.accounts.dave).approve(c.repo, MaxUint256);
  return c;
}

function partiesOf(c: RepoContext) {
  const { alice, bob, carol, dave } = c.accounts;
  return [alice, bob, carol, dave];
}

async function chainBalances(c: RepoContext) {
  const parties = partiesOf(c);
  return {
    bond: await Promise.all(parties.map((p) => c.bond.balanceOf(p.address))),
    cash: await Promise.all(parties.map((p) => c.cash.balanceOf(p.address))),
    contract: [await c.bond.balanceOf(c.repo), await c.cash.balanceOf(c.repo)],
  };
}

/** A leg moving `amount` from `from` to `to` passes the token rules the model tracks. */
function legOk(balances: bigint[], from: number, to: number, amount: bigint): boolean {
  return to !== DAVE && balances[from] >= amount;
}

/** Applies `op` to chain and model; returns whether the model expected success (checked against the chain). */
async function step(c: RepoContext, m: Model, op: Operation): Promise<{ expected: boolean; actual: boolean }> {
  const parties = partiesOf(c);
  if (op.kind === "advance") {
    m.clock += op.seconds;
    return { expected: true, actual: true };
  }
  if ((op.kind === "close" || op.kind === "markFailed") && op.due) {
    const open = m.repos.filter((r) => r.status === STATUS.Open);
    if (open.length > 0) {
      const { terms } = open[op.t.t < 0 ? open.length - 1 : op.t.t % open.length];
      const window = terms.deadline - terms.repurchaseTime + 1n;
      const moment =
        op.kind === "close"
          ? terms.repurchaseTime + (BigInt(op.offset) % window)
          : terms.deadline + 1n + BigInt(op.offset % 600);
      if (moment - 1n > m.clock) m.clock = moment - 1n;
    }
  }
  const ts = m.clock + 1n;
  m.clock = ts;
  await time.setNextBlockTimestamp(ts);
  const send = async (fn: () => Promise<unknown>) => !(await reverts(fn));

  if (op.kind === "trade") {
    // An outright transfer of bonds or cash between onboarded parties (a lender selling the bonds it holds
    // under a repo, a borrower spending the cash it would need to repurchase).
    const [token, balances, traded, amount] = op.inCash
      ? [c.cash, m.cash, m.tradedCash, op.cash]
      : [c.bond, m.bond, m.tradedBond, op.bondUnits];
    const expected = balances[op.from] >= amount;
    const actual = await send(() => token.connect(parties[op.from]).transfer(parties[op.to].address, amount));
    if (actual) {
      balances[op.from] -= amount;
      balances[op.to] += amount;
      traded[op.from] -= amount;
      traded[op.to] += amount;
    }
    return { expected, actual };
  }

  if (op.kind === "instruct" || op.kind === "signed") {
    if (op.borrower === op.lender) return { expected: true, actual: true }; // same-party terms: unit-tested
    const openBy = ts + op.openWindow;
    const terms: Repo = {
      borrower: parties[op.borrower].address,
      lender: parties[op.lender].address,
      bond: await c.bond.getAddress(),
      units: op.units,
      cash: await c.cash.getAddress(),
      purchasePrice: op.purchasePrice,
      rate: op.rate,
      openBy,
      repurchaseTime: openBy + op.term,
      deadline: openBy + op.term + op.grace,
      nonce: BigInt(m.repos.length),
    };
    const repo: ModelRepo = {
      terms,
      b: op.borrower,
      l: op.lender,
      status: STATUS.None,
      borrowerAffirmed: false,
      lenderAffirmed: false,
      borrowerCancel: false,
      lenderCancel: false,
      openedAt: 0n,
    };
    m.repos.push(repo);
    const caller = parties[op.byBorrower ? op.borrower : op.lender];
    if (op.kind === "instruct") {
      const actual = await send(() => c.repo.connect(caller).instruct(terms));
      if (actual) {
        repo.status = STATUS.Instructed;
        repo.borrowerAffirmed = op.byBorrower;
        repo.lenderAffirmed = !op.byBorrower;
      }
      return { expected: true, actual };
    }
    const signer = parties[op.byBorrower ? op.lender : op.borrower];
    const signature = await signRepo(signer, c.repo, terms);
    const expected = openingLegsOk(m, repo);
    const actual = await send(() => c.repo.connect(caller).openWithSignature(terms, signature));
    if (actual) settleOpening(m, repo, ts);
    return { expected, actual };
  }

  const wanted: bigint[] =
    op.kind === "close" || op.kind === "markFailed"
      ? [STATUS.Open]
      : op.kind === "open"
        ? [STATUS.Affirmed]
        : op.kind === "affirm"
          ? [STATUS.Instructed]
          : [STATUS.Instructed, STATUS.Affirmed];
  const candidates = op.t.any ? m.repos : m.repos.filter((r) => wanted.includes(r.status));
  if (candidates.length === 0) return { expected: true, actual: true };
  const repo = candidates[op.t.t < 0 ? candidates.length - 1 : op.t.t % candidates.length];
  const { terms } = repo;
  const pending = repo.status === STATUS.Instructed || repo.status === STATUS.Affirmed;
  switch (op.kind) {
    case "affirm": {
      const byBorrower = op.counterparty ? !repo.borrowerAffirmed : op.byBorrower;
      const caller = parties[byBorrower ? repo.b : repo.l];
      const already = byBorrower ? repo.borrowerAffirmed : repo.lenderAffirmed;
      const expected = repo.status === STATUS.Instructed && !already && ts <= terms.openBy;
      const actual = await send(() => c.repo.connect(caller).affirm(terms));
      if (actual) {
        repo.status = STATUS.Affirmed;
        repo.borrowerAffirmed = repo.lenderAffirmed = true;
      }
      return { expected, actual };
    }
    case "open": {
      const expected = repo.status === STATUS.Affirmed && ts <= terms.openBy && openingLegsOk(m, repo);
      const actual = await send(() => c.repo.connect(c.accounts.outsider).open(terms));
      if (actual) settleOpening(m, repo, ts);
      return { expected, actual };
    }
    case "close": {
      const price = repo.status === STATUS.Open ? interestOf(terms, repo.openedAt).repurchasePrice : 0n;
      const expected =
        repo.status === STATUS.Open &&
        ts >= terms.repurchaseTime &&
        ts <= terms.deadline &&
        legOk(m.bond, repo.l, repo.b, terms.units) &&
        legOk(m.cash, repo.b, repo.l, price);
      const actual = await send(() => c.repo.connect(c.accounts.outsider).close(terms));
      if (actual) {
        repo.status = STATUS.Closed;
        m.bond[repo.l] -= terms.units;
        m.bond[repo.b] += terms.units;
        m.cash[repo.b] -= price;
        m.cash[repo.l] += price;
      }
      return { expected, actual };
    }
    case "markFailed": {
      const expected = repo.status === STATUS.Open && ts > terms.deadline;
      const actual = await send(() => c.repo.connect(c.accounts.outsider).markFailed(terms));
      if (actual) repo.status = STATUS.Failed;
      return { expected, actual };
    }
    case "cancel": {
      const caller = parties[op.byBorrower ? repo.b : repo.l];
      const asked = op.byBorrower ? repo.borrowerCancel : repo.lenderCancel;
      const expected = pending && (repo.status === STATUS.Instructed || !asked);
      const actual = await send(() => c.repo.connect(caller).cancel(terms));
      if (actual) {
        if (repo.status === STATUS.Instructed) repo.status = STATUS.Cancelled;
        else {
          if (op.byBorrower) repo.borrowerCancel = true;
          else repo.lenderCancel = true;
          if (repo.borrowerCancel && repo.lenderCancel) repo.status = STATUS.Cancelled;
        }
      }
      return { expected, actual };
    }
    case "markLapsed": {
      const expected = pending && ts > terms.openBy;
      const actual = await send(() => c.repo.connect(c.accounts.outsider).markLapsed(terms));
      if (actual) repo.status = STATUS.Lapsed;
      return { expected, actual };
    }
  }
}

function openingLegsOk(m: Model, repo: ModelRepo): boolean {
  return legOk(m.bond, repo.b, repo.l, repo.terms.units) && legOk(m.cash, repo.l, repo.b, repo.terms.purchasePrice);
}

function settleOpening(m: Model, repo: ModelRepo, ts: bigint) {
  repo.status = STATUS.Open;
  repo.borrowerAffirmed = repo.lenderAffirmed = true;
  repo.openedAt = ts;
  m.bond[repo.b] -= repo.terms.units;
  m.bond[repo.l] += repo.terms.units;
  m.cash[repo.b] += repo.terms.purchasePrice;
  m.cash[repo.l] -= repo.terms.purchasePrice;
}

describe("IntradayRepo properties", () => {
  it("conserve bonds and cash, and move each party by exactly its repos' legs: a closed repo by its interest", async function () {
    this.timeout(600_000);
    const seen = { closed: 0, failed: 0, refusedLegs: 0, negative: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 10, maxLength: 40 }), async (ops) => {
        const c = await loadFixture(propertyFixture);
        const start = await chainBalances(c);
        const m: Model = {
          clock: BigInt(await time.latest()),
          bond: [...start.bond],
          cash: [...start.cash],
          repos: [],
          tradedBond: Array<bigint>(PARTY_COUNT).fill(0n),
          tradedCash: Array<bigint>(PARTY_COUNT).fill(0n),
        };
        const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);
        let previous: bigint[] = [];
        for (const op of ops) {
          const label = JSON.stringify(op, (_, v) => (typeof v === "bigint" ? v.toString() : v));
          const { expected, actual } = await step(c, m, op);
          expect(actual, `outcome of ${label}`).to.equal(expected);
          if (!actual && ["open", "close", "signed"].includes(op.kind)) seen.refusedLegs += 1;

          const now = await chainBalances(c);
          expect(now.bond, `bonds after ${label}`).to.deep.equal(m.bond);
          expect(now.cash, `cash after ${label}`).to.deep.equal(m.cash);
          expect(sum(now.bond), "Σ bonds").to.equal(sum(start.bond));
          expect(sum(now.cash), "Σ cash").to.equal(sum(start.cash));
          expect(now.contract, "the contract holds nothing").to.deep.equal([0n, 0n]);

          const statuses = await Promise.all(
            m.repos.map(async (r) => (await c.repo.repoState(await idOf(c.repo, r.terms))).status),
          );
          expect(statuses, `statuses after ${label}`).to.deep.equal(m.repos.map((r) => r.status));
          previous.forEach((from, i) => {
            if (from !== STATUS.None) expect(FORWARD[String(from)], `repo ${i} moved back`).to.include(statuses[i]);
          });
          previous = statuses;
        }

        // Each party's net, apart from its outright trades, is the sum of its repos' legs.
        for (let p = 0; p < PARTY_COUNT; p++) {
          let bondNet = 0n;
          let cashNet = 0n;
          for (const r of m.repos) {
            const role = r.b === p ? -1n : r.l === p ? 1n : 0n; // borrower -1, lender +1
            if (role === 0n) continue;
            if (r.status === STATUS.Open || r.status === STATUS.Failed) {
              bondNet += role * r.terms.units;
              cashNet -= role * r.terms.purchasePrice;
            } else if (r.status === STATUS.Closed) {
              const { interest } = interestOf(r.terms, r.openedAt);
              cashNet += role * interest;
            }
          }
          expect(m.bond[p] - start.bond[p] - m.tradedBond[p], `party ${p} bond net`).to.equal(bondNet);
          expect(m.cash[p] - start.cash[p] - m.tradedCash[p], `party ${p} cash net`).to.equal(cashNet);
        }
        for (const r of m.repos) {
          if (r.status === STATUS.Closed) seen.closed += 1;
          if (r.status === STATUS.Failed) seen.failed += 1;
          if (r.status === STATUS.Closed && r.terms.rate < 0n) seen.negative += 1;
        }
      }),
      { numRuns: 60 },
    );
    // Worth something only if repos closed, failed, and legs were refused along the way.
    expect(seen.closed, "repos closed across runs").to.be.greaterThan(0);
    expect(seen.failed, "repos failed across runs").to.be.greaterThan(0);
    expect(seen.refusedLegs, "refused leg calls across runs").to.be.greaterThan(0);
    expect(seen.negative, "negative-rate repos closed across runs").to.be.greaterThan(0);
  });
});

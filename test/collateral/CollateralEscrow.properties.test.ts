import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import type { ContractTransactionReceipt } from "ethers";
import { price } from "../../scripts/lib/collateral";
import { withMunicipalFixture } from "./escrow-fixtures";

/**
 * Invariants of the escrow and the pledged series under random sequences of pledges, releases,
 * substitutions, cash, price and requirement changes, margin calls, time, defaults, enforcement (take and
 * DvP sale), closing, and agents' attempts on pledged units (forced transfers, burns, freezes, holder
 * transfers, wallet recoveries between alice's two wallets), refused operations included:
 * - units are conserved: every series' supply is the sum of its holders' balances (free, pledged, frozen
 *   or taken by the secured party or a buyer), and the escrow's cash is the sum of its accounts' cash;
 * - the escrow's records of each series equal the units the series marks pledged (Σ accounts == Σ pledgedOf);
 * - a wallet's pledged and frozen units never exceed its balance;
 * - after every successful withdrawal by a pledgor (release, releaseCash) coverage is at or above the
 *   requirement; after a substitution it is too, or (during a call) no lower than before;
 * - pledged units never move except through the escrow: agents' operations and holder transfers leave
 *   every wallet's pledged units and the escrow's records as they were; a recovery only carries them,
 *   whole, from the lost wallet to the new one.
 */

/**
 * The municipal scenario with collateral in place: alice has pledged ¥9.5m of the JGB and ¥1m of the
 * municipal bond against ¥9m (a little above), bob ¥4.5m of the JGB against ¥4m, then ¥4.5m (a little below:
 * his calls and defaults can happen at once).
 */
async function propertyFixture() {
  const c = await loadFixture(withMunicipalFixture);
  const [j, m] = [await c.bond.getAddress(), await c.muni.getAddress()];
  const { alice, bob } = c.accounts;
  await c.escrow.connect(c.jscc).setRequirement(bob.address, 4_000_000n);
  await c.escrow.connect(alice).pledge(c.jscc.address, j, 9_500_000n);
  await c.escrow.connect(alice).pledge(c.jscc.address, m, 1_000_000n);
  await c.escrow.connect(bob).pledge(c.jscc.address, j, 4_500_000n);
  await c.escrow.connect(c.jscc).setRequirement(bob.address, 4_500_000n);
  return { ...c, j, m };
}

type Context = Awaited<ReturnType<typeof propertyFixture>>;

const PLEDGORS = 3; // alice, bob, dave (alice's second wallet)
const pledgor = fc.integer({ min: 0, max: PLEDGORS - 1 });
/** Mostly bob, who starts short: calls, defaults and enforcement happen within a run. */
const debtor = fc.constantFrom(1, 1, 1, 0, 2);
const series = fc.integer({ min: 0, max: 1 }); // the JGB, the municipal bond
const units = fc.integer({ min: 1, max: 40 }).map((k) => BigInt(k) * 50_000n);
const cash = fc.integer({ min: 1, max: 20 }).map((k) => BigInt(k) * 100_000n);

const operation = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("pledge" as const), p: pledgor, s: series, u: units }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("release" as const), p: pledgor, s: series, u: units }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("substitute" as const), p: pledgor, s: series, u: units, v: units }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("pledgeCash" as const), p: pledgor, a: cash }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("releaseCash" as const), p: pledgor, a: cash }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("price" as const), s: series, per100: fc.integer({ min: 80, max: 103 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("requirement" as const), p: pledgor, a: cash }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("crash" as const) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("missDeadline" as const), p: debtor }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("call" as const), p: pledgor }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("time" as const), hours: fc.integer({ min: 1, max: 30 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("default" as const), p: debtor }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("take" as const), p: debtor, s: series, u: units }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("sale" as const), p: debtor, s: series, u: units, a: cash }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("close" as const), p: debtor }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("releaseAll" as const), p: pledgor }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("forced" as const), p: pledgor, s: series, u: units }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("burn" as const), p: pledgor, s: series, u: units }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("freeze" as const), p: pledgor, s: series, u: units }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("transfer" as const), p: pledgor, s: series, u: units }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("recover" as const), s: series, toDave: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("unfreezeWallet" as const), p: pledgor }) },
);
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

/** Kinds that are an agent's or a holder's attempt on units, not an escrow operation. */
const ATTEMPTS = new Set<Operation["kind"]>(["forced", "burn", "freeze", "transfer", "unfreezeWallet"]);

function actors(c: Context) {
  const { alice, bob, dave, carol } = c.accounts;
  return {
    pledgors: [alice, bob, dave],
    /** Every wallet that can hold units of the series in these runs. */
    holders: [alice, bob, dave, carol, c.jscc, c.buyer].map((w) => w.address),
    tokens: [c.bond, c.muni],
    addresses: [c.j, c.m],
  };
}

interface State {
  balances: bigint[][];
  pledged: bigint[][];
  frozen: bigint[][];
  supply: bigint[];
  records: bigint[];
  accountCash: bigint;
  escrowCash: bigint;
}

async function stateOf(c: Context): Promise<State> {
  const { holders, tokens, addresses } = actors(c);
  const read = (f: (t: (typeof tokens)[number], h: string) => Promise<bigint>) =>
    Promise.all(tokens.map((t) => Promise.all(holders.map((h) => f(t, h)))));
  const [balances, pledged, frozen] = await Promise.all([
    read((t, h) => t.balanceOf(h)),
    read((t, h) => t.pledgedOf(h)),
    read((t, h) => t.getFrozenTokens(h)),
  ]);
  // alice's identity has one account with jscc, held by alice or dave; bob has one
  const accounts = await Promise.all(
    [c.accounts.alice, c.accounts.dave, c.accounts.bob].map((w) => c.escrow.accountOf(w.address, c.jscc.address)),
  );
  const seen = new Set<string>();
  const records = addresses.map(() => 0n);
  let accountCash = 0n;
  for (const [id, account, list, counts] of accounts) {
    if (id === ethers.ZeroHash || seen.has(id)) continue;
    seen.add(id);
    accountCash += account.cash;
    list.forEach((s, i) => {
      records[addresses.indexOf(s)] += counts[i];
    });
  }
  return {
    balances,
    pledged,
    frozen,
    supply: await Promise.all(tokens.map((t) => t.totalSupply())),
    records,
    accountCash,
    escrowCash: await c.market.cash.balanceOf(await c.escrow.getAddress()),
  };
}

/** Runs `send`; returns its receipt, or null if it was refused. */
async function attempt(send: () => Promise<{ wait(): Promise<ContractTransactionReceipt | null> }>) {
  try {
    return await (await send()).wait();
  } catch (error) {
    const message = String((error as Error).message ?? error);
    if (message.includes("revert")) return null;
    throw error;
  }
}

async function apply(c: Context, op: Operation): Promise<ContractTransactionReceipt | null> {
  const { pledgors, addresses, tokens } = actors(c);
  const { escrow, jscc, accounts } = c;
  const p = "p" in op ? pledgors[op.p] : accounts.alice;
  const s = "s" in op ? addresses[op.s] : c.j;
  const token = "s" in op ? tokens[op.s] : c.bond;
  switch (op.kind) {
    case "pledge":
      return attempt(() => escrow.connect(p).pledge(jscc.address, s, op.u));
    case "release":
      return attempt(() => escrow.connect(p).release(jscc.address, s, op.u));
    case "substitute":
      return attempt(() => escrow.connect(p).substitute(jscc.address, s, op.u, addresses[1 - op.s], op.v));
    case "pledgeCash":
      return attempt(() => escrow.connect(p).pledgeCash(jscc.address, op.a));
    case "releaseCash":
      return attempt(() => escrow.connect(p).releaseCash(jscc.address, op.a));
    case "price":
      return attempt(async () => c.priceFeed.publish([s], [price(String(op.per100))], [await time.latest()]));
    case "crash":
      // both series fall to 80.00 (observed now): every account is short
      return attempt(async () =>
        c.priceFeed.publish(addresses, [price("80"), price("80")], [await time.latest(), await time.latest()]),
      );
    case "missDeadline": {
      // a call (if there is none yet), its deadline passes, prices are observed again, default is declared
      await attempt(async () => escrow.connect(jscc).marginCall(p.address, (await time.latest()) + 1800));
      await time.increase(3600);
      const current = await Promise.all(addresses.map((a) => c.priceFeed.priceOf(a)));
      const at = await time.latest();
      await c.priceFeed.publish(
        addresses,
        current.map(([value]) => value),
        addresses.map(() => at),
      );
      return attempt(() => escrow.connect(jscc).declareDefault(p.address));
    }
    case "requirement":
      return attempt(() => escrow.connect(jscc).setRequirement(p.address, op.a * 2n));
    case "call":
      return attempt(async () => escrow.connect(jscc).marginCall(p.address, (await time.latest()) + 1800));
    case "time":
      await time.increase(op.hours * 3600);
      return null;
    case "default":
      return attempt(() => escrow.connect(jscc).declareDefault(p.address));
    case "take":
      return attempt(() => escrow.connect(jscc).enforceTake(p.address, s, op.u));
    case "sale": {
      const listed = await attempt(async () =>
        escrow.connect(jscc).listSale(p.address, s, op.u, c.buyer.address, op.a, (await time.latest()) + 3600),
      );
      if (!listed) return null;
      const saleId = escrow.interface.parseLog(listed.logs.find((l) => l.address === escrow.target)!)!.args.saleId;
      return attempt(() => escrow.connect(c.buyer).buy(saleId));
    }
    case "close":
      return attempt(() => escrow.connect(jscc).closeDefault(p.address));
    case "releaseAll":
      return attempt(() => escrow.connect(jscc).releaseAll(p.address));
    case "forced":
      return attempt(() => token.connect(accounts.agent).forcedTransfer(p.address, accounts.carol.address, op.u));
    case "burn":
      return attempt(() => token.connect(accounts.agent).burn(p.address, op.u));
    case "freeze":
      return attempt(() => token.connect(accounts.agent).freezePartialTokens(p.address, op.u));
    case "transfer":
      return attempt(() => token.connect(p).transfer(accounts.carol.address, op.u));
    case "unfreezeWallet":
      return attempt(() => token.connect(accounts.agent).setAddressFrozen(p.address, false));
    case "recover": {
      const [lost, found] = op.toDave ? [accounts.alice, accounts.dave] : [accounts.dave, accounts.alice];
      const identity = await c.investors.alice.identity.getAddress();
      return attempt(() => token.connect(accounts.agent).recoveryAddress(lost.address, found.address, identity));
    }
  }
}

function checkInvariants(
  c: Context,
  op: Operation,
  before: State,
  after: State,
  receipt: ContractTransactionReceipt | null,
) {
  const { holders } = actors(c);
  const label = JSON.stringify(op, (_, v) => (typeof v === "bigint" ? v.toString() : v));
  for (let s = 0; s < 2; s++) {
    const sum = after.balances[s].reduce((a, b) => a + b, 0n);
    expect(sum).to.equal(after.supply[s], `${label}: series ${s} supply is the sum of its balances`);
    const burnt = op.kind === "burn" && receipt !== null && op.s === s ? op.u : 0n;
    expect(after.supply[s]).to.equal(before.supply[s] - burnt, `${label}: series ${s} supply changes only by burns`);
    const pledgedSum = after.pledged[s].reduce((a, b) => a + b, 0n);
    expect(after.records[s]).to.equal(pledgedSum, `${label}: escrow records == pledgedOf, series ${s}`);
    holders.forEach((h, i) => {
      expect(after.pledged[s][i] + after.frozen[s][i]).to.be.lessThanOrEqual(
        after.balances[s][i],
        `${label}: pledged + frozen <= balance of ${h}`,
      );
    });
  }
  expect(after.escrowCash).to.equal(after.accountCash, `${label}: escrow cash == Σ account cash`);
  if (receipt === null) {
    expect(after).to.deep.equal(before, `${label}: a refused operation changes nothing`);
    return;
  }
  if (ATTEMPTS.has(op.kind)) {
    expect(after.pledged).to.deep.equal(before.pledged, `${label}: agents and holders cannot touch pledged units`);
    expect(after.records).to.deep.equal(before.records, `${label}: nor the escrow's records`);
  }
  if (op.kind === "recover") {
    const [alice, dave] = [0, 2];
    const [lost, found] = op.toDave ? [alice, dave] : [dave, alice];
    const s = op.s;
    expect(after.pledged[s][found]).to.equal(before.pledged[s][found] + before.pledged[s][lost], `${label}: carried`);
    expect(after.pledged[s][lost]).to.equal(0n, `${label}: nothing pledged left behind`);
    expect(after.records).to.deep.equal(before.records, `${label}: the escrow's records unchanged`);
  }
}

/** Coverage and requirement after a pledgor's withdrawal, from the event the escrow emitted in the same transaction. */
async function checkWithdrawal(c: Context, op: Operation, receipt: ContractTransactionReceipt, before: bigint) {
  if (!["release", "releaseCash", "substitute"].includes(op.kind)) return;
  const event = receipt.logs
    .map((l) => (l.address === c.escrow.target ? c.escrow.interface.parseLog(l) : null))
    .find((e) => e && ["Released", "CashReleased", "Substituted"].includes(e.name))!;
  const coverage: bigint = event.args.coverage;
  const pledgorAddress = actors(c).pledgors["p" in op ? op.p : 0].address;
  const [, account] = await c.escrow.accountOf(pledgorAddress, c.jscc.address);
  if (op.kind === "substitute" && coverage < account.requirement) {
    expect(coverage).to.be.greaterThanOrEqual(before, "a substitution below the requirement never lowers coverage");
  } else {
    expect(coverage).to.be.greaterThanOrEqual(account.requirement, `${op.kind}: coverage after >= requirement`);
  }
}

describe("CollateralEscrow properties", () => {
  it("conserves units and cash, keeps records equal to pledges, withdrawals covered, pledged units untouchable", async () => {
    let steps = 0;
    let succeeded = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 5, maxLength: 15 }), async (ops) => {
        const c = await loadFixture(propertyFixture);
        let before = await stateOf(c);
        for (const op of ops) {
          const pledgorAddress = actors(c).pledgors["p" in op ? op.p : 0].address;
          const coverageBefore = await c.escrow.coverageOf(pledgorAddress, c.jscc.address);
          const receipt = await apply(c, op);
          const after = await stateOf(c);
          if (op.kind === "time") {
            expect(after).to.deep.equal(before, "time alone moves nothing");
          } else {
            checkInvariants(c, op, before, after, receipt);
          }
          if (receipt) {
            succeeded += 1;
            await checkWithdrawal(c, op, receipt, coverageBefore);
          }
          steps += 1;
          before = after;
        }
      }),
      { numRuns: 30, ...(process.env.SEED ? { seed: Number(process.env.SEED) } : {}) },
    );
    // the runs must exercise something: most operations succeed at least sometimes
    expect(succeeded).to.be.greaterThan(steps / 5);
  });
});

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { createBond } from "../../scripts/lib/bonds";
import { BALANCE_LOCK, COUNTRY, RUN_KIND } from "../../scripts/lib/constants";
import { deployBondFixture } from "../fixtures/bond.fixture";
import { jstMidnight } from "../fixtures/dates";

/**
 * Properties of a coupon run, over random holdings of 5 to 8 holders (whole ¥50,000 units, from one unit
 * to ¥5bn), random rates (odd ones, so that shares are not whole yen), addresses holding nothing listed
 * or not, random splits of the holder list into batches, and batches first sent in a random order:
 * - only strictly ascending holders are accepted, across batches (a shuffled batch reverts naming the
 *   first holder out of order); nobody is paid twice (a paid batch sent again reverts);
 * - the run completes with the batch that pays the last unit of record, not before; later batches find no run;
 * - Σ paid == floor(face of record × rate ÷ 2), and each holder gets exactly its cumulative-rounding share,
 *   which is the floor or the ceiling of its exact share;
 * - cash is conserved: the funder pays exactly what the holders receive.
 */

const UNIT = 50_000n;
const PPM = 1_000_000n;
/** Annual rates (ppm) of the series the property picks from. */
const RATES = [1n, 1_111n, 4_321n, 12_000n, 99_999n] as const;
const WALLETS = 8;

/** An ISIN with its check digit (letters A=10 … Z=35, then Luhn over the digits). */
function isin(body: string): string {
  const digits = [...body].map((c) => (/[0-9]/.test(c) ? c : String(c.charCodeAt(0) - 55))).join("");
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

const above = (a: string, b: string) => BigInt(a) > BigInt(b);

/** Eight wallets (five of them extra wallets of alice's, bob's and carol's identities) and one JGB per rate. */
async function propertyFixture() {
  const context = await loadFixture(deployBondFixture);
  const { accounts, suite, investors, market, baseOptions } = context;
  const signers = await ethers.getSigners();
  const extra = [accounts.dave, accounts.eve, accounts.outsider, signers[12], signers[13]].map((s) => s.address);
  const identities = await Promise.all(
    [investors.alice, investors.bob, investors.carol].map((i) => i.identity.getAddress()),
  );
  await suite.identityRegistry.connect(accounts.registrar).batchRegisterIdentity(
    extra,
    extra.map((_, i) => identities[i % identities.length]),
    extra.map(() => COUNTRY.JP),
  );
  const wallets = [accounts.alice.address, accounts.bob.address, accounts.carol.address, ...extra];
  const bonds = [];
  for (const [i, rate] of RATES.entries()) {
    const { bond } = await createBond(market, accounts.owner, {
      ...baseOptions,
      isin: isin(`JP11039${i}1Q1`),
      symbol: `JGB39${i}`,
      couponRate: Number(rate),
    });
    await market.payingAgent.connect(accounts.owner).setFunder(await bond.getAddress(), accounts.mof.address);
    bonds.push(bond);
  }
  const [, payment] = await bonds[0].couponDate(0);
  return { ...context, wallets, bonds, paymentDay: Number(payment) };
}

const unitsArbitrary = fc.oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 100_000 }));

const scenarioArbitrary = fc.record({
  rate: fc.integer({ min: 0, max: RATES.length - 1 }),
  /** Which of the wallets hold units (5 to 8 of them). */
  holders: fc.shuffledSubarray([...Array(WALLETS).keys()], { minLength: 5, maxLength: WALLETS }),
  units: fc.array(unitsArbitrary, { minLength: WALLETS, maxLength: WALLETS }),
  /** Whether wallets holding nothing are listed too. */
  listIdle: fc.boolean(),
  /** Where the sorted list is cut into batches. */
  cuts: fc.uniqueArray(fc.integer({ min: 1, max: WALLETS - 1 }), { maxLength: WALLETS - 1 }),
  /** Sort keys that shuffle each batch for a first attempt. */
  shuffle: fc.array(fc.nat(), { minLength: WALLETS, maxLength: WALLETS }),
});

describe("PayingAgent properties", function () {
  it("pays every holder of record exactly once, its cumulative-rounding share, Σ exact, cash conserved", async function () {
    const seen = { shuffledRefused: 0, retried: 0, afterCompletion: 0, idleListed: 0, multiBatch: 0 };

    await fc.assert(
      fc.asyncProperty(scenarioArbitrary, async (scenario) => {
        const { market, accounts, wallets, bonds, paymentDay } = await loadFixture(propertyFixture);
        const bond = bonds[scenario.rate];
        const rate = RATES[scenario.rate];
        const address = await bond.getAddress();
        const payingAgent = market.payingAgent.connect(accounts.owner);

        const face = new Map<string, bigint>(wallets.map((w) => [w, 0n]));
        for (const index of scenario.holders) face.set(wallets[index], BigInt(scenario.units[index]) * UNIT);
        const holders = scenario.holders.map((i) => wallets[i]);
        await bond.connect(accounts.agent).batchMint(
          holders,
          holders.map((h) => face.get(h)!),
        );
        const total = [...face.values()].reduce((a, b) => a + b, 0n);
        const numerator = rate;
        const denominator = 2n * PPM;
        const due = (total * numerator) / denominator;

        const observed = [accounts.mof.address, ...wallets];
        const cashBefore = await Promise.all(observed.map((w) => market.cash.balanceOf(w)));

        await time.increaseTo(jstMidnight(paymentDay) + 3_600);
        await expect(payingAgent.openCoupon(address, 0))
          .to.emit(payingAgent, "CouponRunOpened")
          .withArgs(address, 0, total, due);

        const listed = (scenario.listIdle ? wallets : holders).slice().sort((a, b) => (above(a, b) ? 1 : -1));
        if (listed.length > holders.length) seen.idleListed += 1;
        const cuts = [0, ...scenario.cuts.filter((c) => c < listed.length).sort((a, b) => a - b), listed.length];
        const batches = cuts.slice(1).map((end, i) => listed.slice(cuts[i], end));
        if (batches.length > 1) seen.multiBatch += 1;

        let cursor = ethers.ZeroAddress;
        let facePaid = 0n;
        let completed = false;
        for (const batch of batches) {
          if (completed) {
            // The run completed with the last unit of record: nothing is left to pay.
            seen.afterCompletion += 1;
            await expect(payingAgent.payBatch(address, batch))
              .to.be.revertedWithCustomError(payingAgent, "PayingAgentNoRun")
              .withArgs(address);
            continue;
          }
          // First attempt: the batch in a random order; refused, naming the first holder out of order.
          const keys = new Map(batch.map((h) => [h, scenario.shuffle[wallets.indexOf(h)]]));
          const shuffled = batch.slice().sort((a, b) => keys.get(a)! - keys.get(b)! || (above(a, b) ? 1 : -1));
          let previous = cursor;
          const offender = shuffled.find((h) => {
            const bad = !above(h, previous);
            previous = h;
            return bad;
          });
          if (offender !== undefined) {
            seen.shuffledRefused += 1;
            const before = shuffled[shuffled.indexOf(offender) - 1] ?? cursor;
            await expect(payingAgent.payBatch(address, shuffled))
              .to.be.revertedWithCustomError(payingAgent, "PayingAgentHoldersNotAscending")
              .withArgs(offender, before);
          }

          const batchFace = batch.reduce((sum, h) => sum + face.get(h)!, 0n);
          const paidBefore = (facePaid * numerator) / denominator;
          facePaid += batchFace;
          const amount = (facePaid * numerator) / denominator - paidBefore;
          const tx = payingAgent.payBatch(address, batch);
          const payees = batch.filter((h) => face.get(h)! > 0n).length;
          await expect(tx)
            .to.emit(payingAgent, "BatchPaid")
            .withArgs(address, RUN_KIND.Coupon, payees, batchFace, amount);
          completed = facePaid === total;
          if (completed) {
            await expect(tx).to.emit(payingAgent, "RunCompleted").withArgs(address, RUN_KIND.Coupon, 0, total, due);
          } else {
            await expect(tx).not.to.emit(payingAgent, "RunCompleted");
            // Nobody is paid twice: the same batch again is behind the cursor.
            seen.retried += 1;
            await expect(payingAgent.payBatch(address, batch))
              .to.be.revertedWithCustomError(payingAgent, "PayingAgentHoldersNotAscending")
              .withArgs(batch[0], batch[batch.length - 1]);
          }
          cursor = batch[batch.length - 1];
        }
        expect(completed, "the listed holders cover the record").to.equal(true);
        await expect(payingAgent.payBatch(address, [listed[listed.length - 1]]))
          .to.be.revertedWithCustomError(payingAgent, "PayingAgentNoRun")
          .withArgs(address);
        expect(await payingAgent.couponsPaid(address)).to.equal(1n);
        expect(await bond.balanceLock()).to.equal(BALANCE_LOCK.None);

        const cashAfter = await Promise.all(observed.map((w) => market.cash.balanceOf(w)));
        const received = wallets.map((_, i) => cashAfter[i + 1] - cashBefore[i + 1]);
        // Σ paid is exact, and the funder paid exactly that: cash is conserved.
        expect(received.reduce((a, b) => a + b, 0n)).to.equal(due);
        expect(cashBefore[0] - cashAfter[0]).to.equal(due);
        expect(cashAfter.reduce((a, b) => a + b, 0n)).to.equal(cashBefore.reduce((a, b) => a + b, 0n));

        // Each holder: its cumulative-rounding share in address order, within one yen of its exact share.
        let running = 0n;
        const expected = new Map<string, bigint>();
        for (const h of listed) {
          const f = face.get(h)!;
          expected.set(h, ((running + f) * numerator) / denominator - (running * numerator) / denominator);
          running += f;
        }
        wallets.forEach((w, i) => {
          const share = expected.get(w) ?? 0n;
          expect(received[i], `wallet ${i}`).to.equal(share);
          const exact = face.get(w)! * numerator; // share × denominator should be within one denominator
          const scaled = received[i] * denominator;
          expect(
            scaled <= exact + denominator - 1n && scaled >= exact - (denominator - 1n),
            `wallet ${i} rounding`,
          ).to.equal(true);
        });
      }),
      { numRuns: 40 },
    );

    // The random scenarios exercised the refusals, not only the happy path.
    expect(seen.shuffledRefused).to.be.greaterThan(0);
    expect(seen.retried).to.be.greaterThan(0);
    expect(seen.multiBatch).to.be.greaterThan(0);
    expect(seen.idleListed).to.be.greaterThan(0);
  });
});

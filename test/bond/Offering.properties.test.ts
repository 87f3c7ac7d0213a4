import { expect } from "chai";
import fc from "fast-check";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { PAR, deliverInBatches, proRataAllotment } from "../../scripts/lib/offering";
import { reverts } from "../helpers/errors";
import { jstMidnight } from "../fixtures/dates";
import { offeringFixture } from "../fixtures/offering.fixture";

/**
 * Over random offerings (price, size, delivery day), applications, top-ups and withdrawals, allotments
 * (pro-rata or arbitrary) and delivery batches:
 * - cash is conserved: applicants + issuer + the Offering contract hold the same total after every step;
 * - the Offering holds exactly the offering's recorded deposits, and the model's;
 * - a step is refused exactly when the model says so;
 * - after delivery, the bond supply is the sum allotted, every applicant paid exactly the cost of its
 *   allotment (price amount and accrued interest, each truncated), the issuer received the sum, and the
 *   Offering holds no cash.
 */

const UNIT = 50_000n;
const RATE = 12_000n; // the fixture JGB's 1.2%, ppm
const APPLICANTS = 3;

const step = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("apply" as const),
      who: fc.nat(APPLICANTS - 1),
      units: fc.integer({ min: 1, max: 80 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("withdraw" as const), who: fc.nat(APPLICANTS - 1) }) },
);

const scenario = fc.record({
  price: fc.integer({ min: 95_000_000, max: 105_000_000 }).map(BigInt),
  sizeUnits: fc.integer({ min: 1, max: 120 }),
  // Days after the issue day (interest start); the first coupon is 100+ days after issue.
  deliveryOffset: fc.integer({ min: 0, max: 60 }),
  steps: fc.array(step, { minLength: 1, maxLength: 10 }),
  proRata: fc.boolean(),
  // Share of each application allotted when not pro-rata, in percent.
  shares: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: APPLICANTS, maxLength: APPLICANTS }),
  batchSize: fc.integer({ min: 1, max: APPLICANTS }),
});

/** The cost of `face` computed independently of the contract. */
function cost(face: bigint, price: bigint, days: bigint): bigint {
  const amount = (face * price) / PAR;
  const accrued = (face * RATE * days) / (365n * 1_000_000n);
  const cap = (face * RATE) / (2n * 1_000_000n);
  return amount + (accrued < cap ? accrued : cap);
}

describe("Offering properties", () => {
  it("conserve cash, refuse exactly what the model refuses, and issue exactly what was allotted", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const c = await loadFixture(offeringFixture);
        const { owner, alice, bob, carol, mof } = c.accounts;
        const wallets = [alice, bob, carol];
        const holders = [...wallets.map((w) => w.address), mof.address, c.offeringAddress];
        const cashOf = () => Promise.all(holders.map((h) => c.market.cash.balanceOf(h)));
        const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n);
        const initial = await cashOf();
        const total = sum(initial);

        const size = BigInt(s.sizeUnits) * UNIT;
        const deliveryDay = c.issueDay + s.deliveryOffset;
        const days = BigInt(s.deliveryOffset);
        const closeTime = jstMidnight(c.issueDay - 2);
        await c.offering.connect(owner).openOffering({
          bond: await c.jgb2.getAddress(),
          proceedsAccount: mof.address,
          size,
          price: s.price,
          openTime: await time.latest(),
          closeTime,
          deliveryDay,
        });
        const id = await c.offering.offeringCount();

        const applied = [0n, 0n, 0n];
        const check = async (label: string) => {
          const cash = await cashOf();
          expect(sum(cash), `${label}: cash conserved`).to.equal(total);
          const deposits = (await c.offering.offering(id)).deposits;
          expect(cash[4], `${label}: Offering cash = recorded deposits`).to.equal(deposits);
          const modelDeposits = sum(applied.map((face) => (face === 0n ? 0n : cost(face, s.price, days))));
          expect(deposits, `${label}: recorded deposits = model`).to.equal(modelDeposits);
        };

        for (const st of s.steps) {
          const w = wallets[st.who];
          if (st.kind === "apply") {
            const face = BigInt(st.units) * UNIT;
            const accepted = !(await reverts(() => c.offering.connect(w).applyFor(id, face)));
            const expected = applied[st.who] + face <= size;
            expect(accepted, `apply ${face} by ${st.who}`).to.equal(expected);
            if (accepted) applied[st.who] += face;
          } else {
            const accepted = !(await reverts(() => c.offering.connect(w).withdraw(id)));
            expect(accepted, `withdraw by ${st.who}`).to.equal(applied[st.who] > 0n);
            applied[st.who] = 0n;
          }
          await check(st.kind);
        }

        await time.increaseTo(closeTime);
        const live = wallets.map((w, i) => ({ applicant: w.address, face: applied[i] })).filter((a) => a.face > 0n);
        let allotment: { applicant: string; face: bigint }[];
        if (s.proRata) {
          allotment = proRataAllotment(live, size, UNIT);
        } else {
          let left = size;
          allotment = live.map((a, i) => {
            const wanted = ((a.face / UNIT) * BigInt(s.shares[i])) / 100n;
            const face = (wanted * UNIT < left ? wanted * UNIT : left) as bigint;
            left -= face;
            return { applicant: a.applicant, face };
          });
        }
        if (allotment.length > 0) {
          await c.offering.connect(owner).allot(
            id,
            allotment.map((a) => a.applicant),
            allotment.map((a) => a.face),
          );
        }
        await c.offering.connect(owner).finalizeAllotment(id);
        await time.increaseTo(jstMidnight(deliveryDay));
        const mofBefore = await c.market.cash.balanceOf(mof.address);
        const order = [...live].reverse().map((a) => a.applicant);
        if (order.length > 0) await deliverInBatches(c.offering, mof, id, order, s.batchSize);
        await c.offering.connect(owner).closeOffering(id);
        applied.fill(0n); // every application settled: no deposit left
        await check("delivered");

        const allotted = (address: string) => allotment.find((a) => a.applicant === address)?.face ?? 0n;
        const totalAllotted = sum(allotment.map((a) => a.face));
        expect(totalAllotted <= size, "allotted within size").to.equal(true);
        expect(await c.jgb2.totalSupply(), "supply = sum allotted").to.equal(totalAllotted);
        let proceeds = 0n;
        for (let i = 0; i < APPLICANTS; i++) {
          const a = allotted(wallets[i].address);
          const payment = a === 0n ? 0n : cost(a, s.price, days);
          proceeds += payment;
          expect(await c.jgb2.balanceOf(wallets[i].address), `units of ${i}`).to.equal(a);
          expect(await c.market.cash.balanceOf(wallets[i].address), `cash of ${i}`).to.equal(initial[i] - payment);
        }
        expect(await c.market.cash.balanceOf(mof.address), "issuer proceeds").to.equal(mofBefore + proceeds);
        expect(await c.market.cash.balanceOf(c.offeringAddress), "Offering holds nothing").to.equal(0n);
      }),
      { numRuns: 50, seed: Number(process.env.FC_SEED ?? 20261121), verbose: 1 },
    );
  });
});

import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import {
  accruedInterest as accruedTs,
  fromCivil,
  indexationCoefficient as coefficientTs,
  indexedPrincipal as principalTs,
  periodCoupon as couponTs,
  proRata as proRataTs,
} from "../../../scripts/lib/bond-terms";
import { UNDER_COVERAGE, deployBondLibHarnessFixture } from "./harness";

const PERCENT = 10_000n; // rateMicros of 1%
const MAX_UINT256 = 2n ** 256n - 1n;

describe("BondMath", function () {
  describe(".periodCoupon()", function () {
    it("is floor(face × rate / (1e6 × frequency)) for 1, 2, 4 and 12 coupons a year", async function () {
      const { harness } = await loadFixture(deployBondLibHarnessFixture);
      // ¥1,000,000 at 1%: 10,000 a year.
      expect(await harness.periodCoupon(1_000_000n, PERCENT, 1)).to.equal(10_000n);
      expect(await harness.periodCoupon(1_000_000n, PERCENT, 2)).to.equal(5_000n);
      expect(await harness.periodCoupon(1_000_000n, PERCENT, 4)).to.equal(2_500n);
      expect(await harness.periodCoupon(1_000_000n, PERCENT, 12)).to.equal(833n); // 833.33…
      // ¥50,000 of a 0.005% JGBi: 1.25 yen a half-year, truncated to 1.
      expect(await harness.periodCoupon(50_000n, 50n, 2)).to.equal(1n);
      expect(await harness.periodCoupon(0n, PERCENT, 2)).to.equal(0n);
    });

    it("does not overflow on huge faces (512-bit product)", async function () {
      const { harness } = await loadFixture(deployBondLibHarnessFixture);
      const face = 2n ** 250n;
      expect(await harness.periodCoupon(face, 2_000_000n, 2)).to.equal(face);
    });

    describe("when the frequency is not 1, 2, 4 or 12", function () {
      it("reverts with BondMathInvalidFrequency(frequency)", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        for (const f of [0n, 3n, 6n, 24n, 365n, MAX_UINT256]) {
          await expect(harness.periodCoupon(1_000_000n, PERCENT, f))
            .to.be.revertedWithCustomError(harness, "BondMathInvalidFrequency")
            .withArgs(f);
        }
      });
    });
  });

  describe(".accruedInterest()", function () {
    const FACE = 100_000_000n; // ¥100m
    const RATE = PERCENT; // 1%

    describe("rule: Act/365, 29 February counted", function () {
      it("gives a period spanning 29 Feb 2028 one day (and its interest) more than the same span in 2027", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        const leapStart = fromCivil(2027, 12, 20);
        const leapEnd = fromCivil(2028, 3, 20);
        const commonStart = fromCivil(2026, 12, 20);
        const commonEnd = fromCivil(2027, 3, 20);
        expect(leapEnd - leapStart).to.equal(91);
        expect(commonEnd - commonStart).to.equal(90);
        // 1e8 × 1% × 91 / 365 = 249,315.07 and × 90 / 365 = 246,575.34.
        expect(await harness.accruedInterest(FACE, RATE, 2, leapStart, leapEnd)).to.equal(249_315n);
        expect(await harness.accruedInterest(FACE, RATE, 2, commonStart, commonEnd)).to.equal(246_575n);
        // The denominator stays 365 in a leap year: the 366 days of an annual period spanning 29 February
        // would accrue 366/365 of the coupon (1,002,739), which the cap rule brings back to 1,000,000.
        expect(await harness.accruedInterest(FACE, RATE, 1, leapStart, leapStart + 364)).to.equal(997_260n);
        expect(await harness.accruedInterest(FACE, RATE, 1, leapStart, leapStart + 365)).to.equal(1_000_000n);
        expect(await harness.accruedInterest(FACE, RATE, 1, leapStart, leapStart + 366)).to.equal(1_000_000n);
      });
    });

    describe("rule: never more than the coupon of the period", function () {
      it("caps at periodCoupon when the days exceed 365 / frequency (a 184-day half-year)", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        const march = fromCivil(2028, 3, 20);
        const september = fromCivil(2028, 9, 20);
        expect(september - march).to.equal(184);
        const coupon = await harness.periodCoupon(FACE, RATE, 2);
        expect(coupon).to.equal(500_000n);
        // 182 days: 498,630.13 → under the cap; 183 days: 501,369.86 → capped; 184: 504,109.58 → capped.
        expect(await harness.accruedInterest(FACE, RATE, 2, march, march + 182)).to.equal(498_630n);
        expect(await harness.accruedInterest(FACE, RATE, 2, march, march + 183)).to.equal(coupon);
        expect(await harness.accruedInterest(FACE, RATE, 2, march, september)).to.equal(coupon);
        // Quarterly: the cap is the quarter's coupon, 250,000.
        expect(await harness.accruedInterest(FACE, RATE, 4, march, march + 92)).to.equal(250_000n);
      });
    });

    describe("rule: the yen amount is truncated, never rounded", function () {
      it("drops .99726 of a yen (¥61,010,000 at 0.14% for 91 days = 21,294.99726 → 21,294)", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        const face = 61_010_000n;
        const rate = 1_400n;
        const exactTimes365e6 = face * rate * 91n; // the exact amount is this ÷ 365,000,000
        expect(exactTimes365e6 / 365_000_000n).to.equal(21_294n);
        expect(((exactTimes365e6 % 365_000_000n) * 100_000n) / 365_000_000n).to.equal(99_726n);
        const day = fromCivil(2026, 6, 20);
        expect(await harness.accruedInterest(face, rate, 2, day, day + 91)).to.equal(21_294n);
      });
    });

    describe("rule: from the last coupon date (exclusive) to settlement (inclusive)", function () {
      it("accrues 0 for settlement on the coupon date", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        const couponDay = fromCivil(2026, 9, 20);
        expect(await harness.accruedInterest(FACE, RATE, 2, couponDay, couponDay)).to.equal(0n);
      });

      it("accrues one day for settlement the day after (1e8 × 1% / 365 = 2,739.72 → 2,739)", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        const couponDay = fromCivil(2026, 9, 20);
        expect(await harness.accruedInterest(FACE, RATE, 2, couponDay, couponDay + 1)).to.equal(2_739n);
        expect(await harness.accruedInterest(FACE, RATE, 2, couponDay, couponDay + 2)).to.equal(5_479n);
      });
    });

    describe("when settlement is before the last coupon date", function () {
      it("reverts with BondMathSettlementBeforeCouponDate(lastCouponDay, settlementDay)", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        const couponDay = fromCivil(2026, 9, 20);
        await expect(harness.accruedInterest(FACE, RATE, 2, couponDay, couponDay - 1))
          .to.be.revertedWithCustomError(harness, "BondMathSettlementBeforeCouponDate")
          .withArgs(couponDay, couponDay - 1);
        // Checked before the frequency.
        await expect(harness.accruedInterest(FACE, RATE, 3, couponDay, couponDay - 1))
          .to.be.revertedWithCustomError(harness, "BondMathSettlementBeforeCouponDate")
          .withArgs(couponDay, couponDay - 1);
      });
    });

    describe("when the frequency is invalid", function () {
      it("reverts with BondMathInvalidFrequency(frequency)", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        const couponDay = fromCivil(2026, 9, 20);
        await expect(harness.accruedInterest(FACE, RATE, 3, couponDay, couponDay + 10))
          .to.be.revertedWithCustomError(harness, "BondMathInvalidFrequency")
          .withArgs(3);
      });
    });

    it("is min(floor(face × rate × days / 365e6), periodCoupon) and agrees with the TypeScript mirror (property)", async function () {
      const { harness } = await loadFixture(deployBondLibHarnessFixture);
      await fc.assert(
        fc.asyncProperty(
          fc.bigInt({ min: 0n, max: 10n ** 15n }),
          fc.bigInt({ min: 0n, max: 200_000n }),
          fc.constantFrom(1, 2, 4, 12),
          fc.integer({ min: 0, max: 84_000 }),
          fc.integer({ min: 0, max: 400 }),
          async (face, rate, frequency, last, days) => {
            const expected = (face * rate * BigInt(days)) / 365_000_000n;
            const cap = (face * rate) / (1_000_000n * BigInt(frequency));
            const onChain = await harness.accruedInterest(face, rate, frequency, last, last + days);
            expect(onChain).to.equal(expected < cap ? expected : cap);
            expect(onChain).to.equal(accruedTs(face, rate, frequency, last, last + days));
          },
        ),
        { numRuns: 150 },
      );
    });

    it("uses gas within budget (2,000)", async function () {
      if (UNDER_COVERAGE) this.skip(); // instrumentation adds gas
      const { harness } = await loadFixture(deployBondLibHarnessFixture);
      const day = fromCivil(2026, 9, 20);
      const [gasUsed, amount] = await harness.gasAccruedInterest(FACE, RATE, 2, day, day + 91);
      expect(amount).to.equal(249_315n);
      expect(gasUsed).to.be.lessThan(2_000n);
    });
  });

  describe(".proRata()", function () {
    it("pays three equal holders of a 100-yen distribution 33, 33 and 34 (cumulative rounding)", async function () {
      const { harness } = await loadFixture(deployBondLibHarnessFixture);
      // 100 yen over 3 units of face: per-holder floor would pay 33 × 3 = 99 and strand a yen.
      const shares = [
        await harness.proRata(0n, 1n, 100n, 3n),
        await harness.proRata(1n, 1n, 100n, 3n),
        await harness.proRata(2n, 1n, 100n, 3n),
      ];
      expect(shares).to.deep.equal([33n, 33n, 34n]);
      expect(shares.reduce((a, b) => a + b)).to.equal(100n);
    });

    it("does not overflow on 256-bit products (512-bit mulDiv)", async function () {
      const { harness } = await loadFixture(deployBondLibHarnessFixture);
      const before = 2n ** 200n;
      const amount = 2n ** 199n;
      // The products pass 2^300; the quotients fit in 256 bits.
      const n = 2n ** 100n;
      const d = 3n * 2n ** 60n;
      expect((before + amount) * n > MAX_UINT256).to.equal(true);
      expect(await harness.proRata(before, amount, n, d)).to.equal(((before + amount) * n) / d - (before * n) / d);
    });

    describe("when the denominator is zero", function () {
      it("reverts with BondMathZeroDenominator()", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        await expect(harness.proRata(0n, 1n, 1n, 0n)).to.be.revertedWithCustomError(harness, "BondMathZeroDenominator");
      });
    });

    describe("over random holdings, orders and batchings (property)", function () {
      /** Holdings of face (whole JGB units of ¥50,000), and a distribution numerator/denominator per yen of face. */
      const scenario = fc.record({
        units: fc.array(fc.integer({ min: 1, max: 2_000 }), { minLength: 1, maxLength: 8 }),
        numerator: fc.bigInt({ min: 0n, max: 10n ** 9n }),
        denominator: fc.bigInt({ min: 1n, max: 10n ** 9n }),
        order: fc.infiniteStream(fc.nat()),
        cuts: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
      });

      function shuffled<T>(items: T[], seeds: IterableIterator<number>): T[] {
        const a = [...items];
        for (let i = a.length - 1; i > 0; i--) {
          const j = seeds.next().value! % (i + 1);
          [a[i], a[j]] = [a[j], a[i]];
        }
        return a;
      }

      it("pays exactly floor(total × n / d) in all, each holder the floor or ceiling of its exact share", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        await fc.assert(
          fc.asyncProperty(scenario, async ({ units, numerator, denominator, order, cuts }) => {
            const holdings = shuffled(
              units.map((u) => BigInt(u) * 50_000n),
              order,
            );
            const total = holdings.reduce((a, b) => a + b, 0n);
            // Batches: consecutive holders grouped by the cut flags; a batch is paid as one holding.
            const batches: bigint[][] = [];
            holdings.forEach((h, i) => {
              if (i === 0 || cuts[i]) batches.push([]);
              batches[batches.length - 1].push(h);
            });
            let paidPerHolder = 0n;
            let paidPerBatch = 0n;
            let before = 0n;
            for (const batch of batches) {
              const batchFace = batch.reduce((a, b) => a + b, 0n);
              const batchShare = await harness.proRata(before, batchFace, numerator, denominator);
              let inBatch = 0n;
              for (const h of batch) {
                const share = await harness.proRata(before, h, numerator, denominator);
                expect(share).to.equal(proRataTs(before, h, numerator, denominator));
                const floor = (h * numerator) / denominator;
                const ceil = floor + ((h * numerator) % denominator === 0n ? 0n : 1n);
                expect(share >= floor && share <= ceil, `share ${share} of ${h}`).to.equal(true);
                inBatch += share;
                before += h;
              }
              // Paying the batch as one amount gives its holders' shares added up.
              expect(batchShare).to.equal(inBatch);
              paidPerHolder += inBatch;
              paidPerBatch += batchShare;
            }
            const exact = (total * numerator) / denominator;
            expect(paidPerHolder).to.equal(exact);
            expect(paidPerBatch).to.equal(exact);
          }),
          { numRuns: 40 },
        );
      });
    });
  });

  describe(".indexationCoefficient()", function () {
    it("is referenceCpi ÷ baseCpi with five decimals (104.123 / 100.000 = 1.04123)", async function () {
      const { harness } = await loadFixture(deployBondLibHarnessFixture);
      expect(await harness.indexationCoefficient(104_123n, 100_000n)).to.equal(104_123n);
      expect(await harness.indexationCoefficient(101_800n, 101_800n)).to.equal(100_000n);
      expect(await harness.indexationCoefficient(99_500n, 100_000n)).to.equal(99_500n);
    });

    describe("rounding: half up at the sixth decimal (MOF: rounded to the fifth decimal place)", function () {
      it("rounds exactly half up (200.001 / 200.000 = 1.000005 → 1.00001)", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        expect(await harness.indexationCoefficient(200_001n, 200_000n)).to.equal(100_001n);
        // 199.999 / 200.000 = 0.999995 → 1.00000
        expect(await harness.indexationCoefficient(199_999n, 200_000n)).to.equal(100_000n);
      });

      it("rounds below half down and above half up (300.001 / 300 = 1.0000033 → 1.00000; 300.002 → 1.00001)", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        expect(await harness.indexationCoefficient(300_001n, 300_000n)).to.equal(100_000n);
        expect(await harness.indexationCoefficient(300_002n, 300_000n)).to.equal(100_001n);
        // 299.998 / 300 = 0.9999933 → 0.99999; 299.999 / 300 = 0.9999967 → 1.00000
        expect(await harness.indexationCoefficient(299_998n, 300_000n)).to.equal(99_999n);
        expect(await harness.indexationCoefficient(299_999n, 300_000n)).to.equal(100_000n);
      });

      it("is within half a unit of the exact quotient, ties going up, and agrees with the TypeScript mirror (property)", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        await fc.assert(
          fc.asyncProperty(
            fc.oneof(fc.bigInt({ min: 1n, max: 200_000n }), fc.bigInt({ min: 1n, max: 2n ** 200n })),
            fc.oneof(fc.bigInt({ min: 1n, max: 200_000n }), fc.bigInt({ min: 1n, max: 2n ** 200n })),
            async (ref, base) => {
              const c = await harness.indexationCoefficient(ref, base);
              // |c − ref/base × 1e5| ≤ 1/2, and = 1/2 only when c is above: 2·|c·base − ref·1e5| ≤ base.
              const diff = 2n * (c * base - ref * 100_000n);
              expect(diff <= base && diff > -base, `${ref}/${base} → ${c}`).to.equal(true);
              expect(c).to.equal(coefficientTs(ref, base));
            },
          ),
          { numRuns: 150 },
        );
      });
    });

    describe("when a CPI is zero", function () {
      it("reverts with BondMathZeroCpi()", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        await expect(harness.indexationCoefficient(104_123n, 0n)).to.be.revertedWithCustomError(
          harness,
          "BondMathZeroCpi",
        );
        await expect(harness.indexationCoefficient(0n, 100_000n)).to.be.revertedWithCustomError(
          harness,
          "BondMathZeroCpi",
        );
      });
    });
  });

  describe(".indexedPrincipal()", function () {
    it("is floor(face × coefficient / 100,000)", async function () {
      const { harness } = await loadFixture(deployBondLibHarnessFixture);
      expect(await harness.indexedPrincipal(1_000_000n, 101_519n, false)).to.equal(1_015_190n);
      // ¥150,000 × 0.99999 = 149,998.5 → 149,998
      expect(await harness.indexedPrincipal(150_000n, 99_999n, false)).to.equal(149_998n);
      expect(await harness.indexedPrincipal(100_000n, 100_000n, false)).to.equal(100_000n);
    });

    describe("with the deflation floor", function () {
      it("never goes below face, and changes nothing above it", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        expect(await harness.indexedPrincipal(1_000_000n, 99_500n, false)).to.equal(995_000n);
        expect(await harness.indexedPrincipal(1_000_000n, 99_500n, true)).to.equal(1_000_000n);
        expect(await harness.indexedPrincipal(1_000_000n, 0n, true)).to.equal(1_000_000n);
        expect(await harness.indexedPrincipal(1_000_000n, 101_519n, true)).to.equal(1_015_190n);
      });
    });

    it("agrees with the TypeScript mirror (property)", async function () {
      const { harness } = await loadFixture(deployBondLibHarnessFixture);
      await fc.assert(
        fc.asyncProperty(
          fc.bigInt({ min: 0n, max: 10n ** 15n }),
          fc.bigInt({ min: 0n, max: 300_000n }),
          fc.boolean(),
          async (face, coefficient, floor) => {
            const p = await harness.indexedPrincipal(face, coefficient, floor);
            expect(p).to.equal(principalTs(face, coefficient, floor));
            if (floor) expect(p >= face).to.equal(true);
          },
        ),
        { numRuns: 100 },
      );
    });
  });

  describe("the TypeScript mirror", function () {
    it("also agrees with periodCoupon on random terms (property)", async function () {
      const { harness } = await loadFixture(deployBondLibHarnessFixture);
      await fc.assert(
        fc.asyncProperty(
          fc.bigInt({ min: 0n, max: 10n ** 18n }),
          fc.bigInt({ min: 0n, max: 10n ** 6n }),
          fc.constantFrom(1, 2, 4, 12),
          async (face, rate, f) => {
            expect(await harness.periodCoupon(face, rate, f)).to.equal(couponTs(face, rate, f));
          },
        ),
        { numRuns: 60 },
      );
    });
  });
});

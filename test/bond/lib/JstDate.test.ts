import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { addMonths as addMonthsTs } from "../../../scripts/lib/bond-terms";
import { UNDER_COVERAGE, deployBondLibHarnessFixture } from "./harness";

/**
 * Reference: JavaScript's Date in UTC on the same day numbers. A Japanese day number d names the calendar
 * date whose UTC midnight is d days after the epoch, so UTC arithmetic on d gives the Japanese date.
 */
const MS_PER_DAY = 86_400_000;
function jsCivil(day: number): [bigint, bigint, bigint] {
  const d = new Date(day * MS_PER_DAY);
  return [BigInt(d.getUTCFullYear()), BigInt(d.getUTCMonth() + 1), BigInt(d.getUTCDate())];
}
function jsDay(year: number, month: number, dayOfMonth: number): number {
  return Date.UTC(year, month - 1, dayOfMonth) / MS_PER_DAY;
}
/** Unix seconds of a wall-clock time in Japan. */
function jst(isoLocal: string): number {
  return Date.parse(`${isoLocal}+09:00`) / 1000;
}

const LAST_DAY = jsDay(2200, 12, 31); // day 84,370
const DAY = 86_400;
const JST_OFFSET = 9 * 3_600;
const UINT32_MAX = 2 ** 32 - 1;

describe("JstDate", function () {
  describe(".dayOf()", function () {
    it("starts a Japanese day at 00:00 JST, i.e. 15:00 UTC the day before", async function () {
      const { harness } = await loadFixture(deployBondLibHarnessFixture);
      const april1 = jsDay(2026, 4, 1);
      expect(await harness.dayOf(jst("2026-04-01T00:00:00"))).to.equal(april1);
      expect(await harness.dayOf(Date.parse("2026-03-31T15:00:00Z") / 1000)).to.equal(april1);
      expect(await harness.dayOf(jst("2026-03-31T23:59:59"))).to.equal(april1 - 1);
      expect(await harness.dayOf(jst("2026-04-01T23:59:59"))).to.equal(april1);
      // The epoch (09:00 JST on 1970-01-01) is day 0; day 1 begins 15 hours later.
      expect(await harness.dayOf(0)).to.equal(0);
      expect(await harness.dayOf(15 * 3_600 - 1)).to.equal(0);
      expect(await harness.dayOf(15 * 3_600)).to.equal(1);
    });

    it("maps every second of a day to that day (property)", async function () {
      const { harness } = await loadFixture(deployBondLibHarnessFixture);
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: LAST_DAY }), fc.integer({ min: 0, max: DAY - 1 }), async (d, s) => {
          expect(await harness.dayOf(d * DAY - JST_OFFSET + s)).to.equal(d);
        }),
        { numRuns: 100 },
      );
    });

    describe("when the day number would not fit in a uint32", function () {
      it("reverts with JstDateTimestampOutOfRange(timestamp)", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        const last = BigInt(UINT32_MAX + 1) * BigInt(DAY) - BigInt(JST_OFFSET) - 1n;
        expect(await harness.dayOf(last)).to.equal(UINT32_MAX);
        await expect(harness.dayOf(last + 1n))
          .to.be.revertedWithCustomError(harness, "JstDateTimestampOutOfRange")
          .withArgs(last + 1n);
        await expect(harness.dayOf(2n ** 256n - 1n))
          .to.be.revertedWithCustomError(harness, "JstDateTimestampOutOfRange")
          .withArgs(2n ** 256n - 1n);
      });
    });
  });

  describe(".startOf()", function () {
    it("is 00:00 JST of the day, and dayOf inverts it (property)", async function () {
      const { harness } = await loadFixture(deployBondLibHarnessFixture);
      expect(await harness.startOf(jsDay(2026, 4, 1))).to.equal(jst("2026-04-01T00:00:00"));
      expect(await harness.startOf(1)).to.equal(DAY - JST_OFFSET);
      expect(await harness.startOf(UINT32_MAX)).to.equal(BigInt(UINT32_MAX) * BigInt(DAY) - BigInt(JST_OFFSET));
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: UINT32_MAX }), async (d) => {
          const start = await harness.startOf(d);
          expect(start).to.equal(BigInt(d) * BigInt(DAY) - BigInt(JST_OFFSET));
          expect(await harness.dayOf(start)).to.equal(d);
          expect(await harness.dayOf(start - 1n)).to.equal(d - 1);
        }),
        { numRuns: 60 },
      );
    });

    describe("when the day is 0 (it began before the unix epoch)", function () {
      it("reverts with JstDateDayOutOfRange(0)", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        await expect(harness.startOf(0)).to.be.revertedWithCustomError(harness, "JstDateDayOutOfRange").withArgs(0);
      });
    });
  });

  describe(".isLeapYear()", function () {
    it("is true every 4th year except centuries not divisible by 400", async function () {
      const { harness } = await loadFixture(deployBondLibHarnessFixture);
      const cases: [number, boolean][] = [
        [1970, false],
        [1972, true],
        [1900, false],
        [2000, true],
        [2024, true],
        [2027, false],
        [2028, true],
        [2100, false],
        [2200, false],
        [2400, true],
      ];
      for (const [year, leap] of cases) expect(await harness.isLeapYear(year), String(year)).to.equal(leap);
    });

    it("agrees with JavaScript's calendar (29 February exists) for 1970–2200 (property)", async function () {
      const { harness } = await loadFixture(deployBondLibHarnessFixture);
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1970, max: 2200 }), async (year) => {
          const leap = new Date(Date.UTC(year, 1, 29)).getUTCMonth() === 1;
          expect(await harness.isLeapYear(year)).to.equal(leap);
        }),
        { numRuns: 60 },
      );
    });
  });

  describe(".toCivil() and .fromCivil()", function () {
    it("agree with JavaScript's Date on every day from 1970-01-01 to 2200-12-31, both ways (exhaustive)", async function () {
      this.timeout(600_000); // about 85,000 days, twice: some 190M gas of EVM work
      const { harness } = await loadFixture(deployBondLibHarnessFixture);
      // Under coverage every opcode is recorded in JavaScript: walk a few short stretches instead (the
      // first days, the 2000 leap day, the last days), which exercise every line.
      const CHUNK = UNDER_COVERAGE ? 100 : 3_000;
      const starts = UNDER_COVERAGE
        ? [0, jsDay(2000, 2, 1), LAST_DAY + 1 - CHUNK]
        : Array.from({ length: Math.ceil((LAST_DAY + 1) / CHUNK) }, (_, i) => i * CHUNK);
      for (const first of starts) {
        const count = Math.min(CHUNK, LAST_DAY + 1 - first);
        const [packed, back] = await harness.civilBatch(first, count);
        const expected = Array.from({ length: count }, (_, i) => {
          const [y, m, d] = jsCivil(first + i);
          return y * 10_000n + m * 100n + d;
        });
        expect(packed).to.deep.equal(expected);
        expect(back).to.deep.equal(Array.from({ length: count }, (_, i) => BigInt(first + i)));
      }
    });

    it("toCivil agrees with JavaScript's Date far beyond 2200 too (property)", async function () {
      const { harness } = await loadFixture(deployBondLibHarnessFixture);
      // JavaScript dates reach 100,000,000 days after the epoch (year 275760).
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 100_000_000 }), async (d) => {
          expect(await harness.toCivil(d)).to.deep.equal(jsCivil(d));
        }),
        { numRuns: 100 },
      );
      const [year] = await harness.toCivil(UINT32_MAX);
      expect(year).to.be.greaterThan(11_000_000n);
    });

    it("fromCivil gives the known day numbers (1970-01-01 = 0, 2000-02-29 = 11016, 2200-12-31 = 84370)", async function () {
      const { harness } = await loadFixture(deployBondLibHarnessFixture);
      expect(await harness.fromCivil(1970, 1, 1)).to.equal(0);
      expect(await harness.fromCivil(2000, 2, 29)).to.equal(11_016);
      expect(await harness.fromCivil(2200, 12, 31)).to.equal(84_370);
      expect(await harness.fromCivil(2028, 2, 29)).to.equal((await harness.fromCivil(2028, 3, 1)) - 1n);
    });

    describe("when the date does not exist or is out of 1970–2200", function () {
      const invalid: [number, number, number, string][] = [
        [2027, 2, 29, "29 February of a common year"],
        [2100, 2, 29, "29 February 2100 (a century, not leap)"],
        [2200, 2, 29, "29 February 2200"],
        [2028, 2, 30, "30 February of a leap year"],
        [2026, 4, 31, "31 April"],
        [2026, 6, 31, "31 June"],
        [2026, 9, 31, "31 September"],
        [2026, 11, 31, "31 November"],
        [2026, 1, 32, "32 January"],
        [2026, 1, 0, "day 0"],
        [2026, 0, 1, "month 0"],
        [2026, 13, 1, "month 13"],
        [1969, 12, 31, "1969"],
        [2201, 1, 1, "2201"],
      ];
      for (const [y, m, d, what] of invalid) {
        it(`reverts with JstDateInvalid(year, month, day) for ${what}`, async function () {
          const { harness } = await loadFixture(deployBondLibHarnessFixture);
          await expect(harness.fromCivil(y, m, d))
            .to.be.revertedWithCustomError(harness, "JstDateInvalid")
            .withArgs(y, m, d);
        });
      }

      it("accepts the last day of every month, and reverts on the day after it (1970–2200, property)", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        await fc.assert(
          fc.asyncProperty(fc.integer({ min: 1970, max: 2200 }), fc.integer({ min: 1, max: 12 }), async (y, m) => {
            const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
            expect(await harness.fromCivil(y, m, last)).to.equal(jsDay(y, m, last));
            await expect(harness.fromCivil(y, m, last + 1))
              .to.be.revertedWithCustomError(harness, "JstDateInvalid")
              .withArgs(y, m, last + 1);
          }),
          { numRuns: 40 },
        );
      });
    });
  });

  describe(".addMonths()", function () {
    async function add(y: number, m: number, d: number, months: number): Promise<[bigint, bigint, bigint]> {
      const { harness } = await loadFixture(deployBondLibHarnessFixture);
      const result = await harness.addMonths(await harness.fromCivil(y, m, d), months);
      return (await harness.toCivil(result)) as unknown as [bigint, bigint, bigint];
    }

    it("keeps the day of the month (JGB coupon dates: 20 March → 20 September → 20 March)", async function () {
      expect(await add(2026, 3, 20, 6)).to.deep.equal([2026n, 9n, 20n]);
      expect(await add(2026, 9, 20, 6)).to.deep.equal([2027n, 3n, 20n]);
      expect(await add(2026, 3, 20, 120)).to.deep.equal([2036n, 3n, 20n]);
      expect(await add(2026, 3, 20, 0)).to.deep.equal([2026n, 3n, 20n]);
      expect(await add(2026, 4, 30, 1)).to.deep.equal([2026n, 5n, 30n]);
      expect(await add(2026, 12, 15, 1)).to.deep.equal([2027n, 1n, 15n]);
    });

    it("clamps to the last day of a shorter month (31 January + 1 = 28 or 29 February)", async function () {
      expect(await add(2027, 1, 31, 1)).to.deep.equal([2027n, 2n, 28n]);
      expect(await add(2028, 1, 31, 1)).to.deep.equal([2028n, 2n, 29n]);
      expect(await add(2028, 2, 29, 12)).to.deep.equal([2029n, 2n, 28n]);
      expect(await add(2028, 2, 29, 48)).to.deep.equal([2032n, 2n, 29n]);
      expect(await add(2026, 8, 31, 6)).to.deep.equal([2027n, 2n, 28n]);
      expect(await add(2026, 3, 31, 1)).to.deep.equal([2026n, 4n, 30n]);
      expect(await add(2099, 12, 31, 2)).to.deep.equal([2100n, 2n, 28n]);
    });

    it("agrees with the TypeScript mirror (JavaScript calendar) within 1970–2200 (property)", async function () {
      const { harness } = await loadFixture(deployBondLibHarnessFixture);
      const lastMonthStart = jsDay(2200, 12, 1);
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: LAST_DAY }),
          fc.integer({ min: 0, max: 2_760 }),
          async (day, months) => {
            const d = new Date(day * MS_PER_DAY);
            const inRange = (d.getUTCFullYear() * 12 + d.getUTCMonth() + months) / 12 < 2201;
            if (inRange) {
              expect(await harness.addMonths(day, months)).to.equal(addMonthsTs(day, months));
            } else {
              await expect(harness.addMonths(day, months))
                .to.be.revertedWithCustomError(harness, "JstDateAddMonthsOutOfRange")
                .withArgs(day, months);
            }
          },
        ),
        {
          numRuns: 200,
          examples: [
            [lastMonthStart, 0],
            [lastMonthStart + 30, 0],
            [lastMonthStart, 1],
          ],
        },
      );
    });

    it("stays within gas budget (toCivil 1,000, addMonths 2,500)", async function () {
      if (UNDER_COVERAGE) this.skip(); // instrumentation adds gas
      const { harness } = await loadFixture(deployBondLibHarnessFixture);
      const day = jsDay(2026, 3, 20);
      const [toCivilGas, year, month, dom] = await harness.gasToCivil(day);
      expect([year, month, dom]).to.deep.equal([2026n, 3n, 20n]);
      expect(toCivilGas).to.be.lessThan(1_000n);
      const [addMonthsGas, result] = await harness.gasAddMonths(day, 6);
      expect(result).to.equal(jsDay(2026, 9, 20));
      expect(addMonthsGas).to.be.lessThan(2_500n);
    });

    describe("when the result is after 2200", function () {
      it("reverts with JstDateAddMonthsOutOfRange(day, months)", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        const july2200 = await harness.fromCivil(2200, 7, 1);
        expect(await harness.addMonths(july2200, 5)).to.equal(await harness.fromCivil(2200, 12, 1));
        for (const months of [6n, 2_760n, 2_761n, 2n ** 256n - 1n]) {
          await expect(harness.addMonths(july2200, months))
            .to.be.revertedWithCustomError(harness, "JstDateAddMonthsOutOfRange")
            .withArgs(july2200, months);
        }
        const jan2201 = jsDay(2201, 1, 1);
        await expect(harness.addMonths(jan2201, 0))
          .to.be.revertedWithCustomError(harness, "JstDateAddMonthsOutOfRange")
          .withArgs(jan2201, 0);
      });
    });
  });
});

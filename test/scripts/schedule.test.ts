import { expect } from "chai";
import fc from "fast-check";
import {
  CALENDAR_FIRST_YEAR,
  CalendarError,
  daysInMonth,
  formatDate,
  fromCivil,
  isBusinessDay,
  parseDate,
  toCivil,
  type Day,
} from "../../scripts/lib/calendar";
import {
  COUPON_FREQUENCIES,
  type CouponFrequency,
  type CouponSchedule,
  JGB_TENORS,
  type JgbKind,
  ScheduleError,
  couponSchedule,
  jgbTenorCheck,
} from "../../scripts/lib/schedule";

const d = parseDate;

/** "scheduled>payment" pairs, readable in a failure diff. */
function pairs({ payments }: CouponSchedule): string[] {
  return payments.map((p) => `${formatDate(p.scheduled)}>${formatDate(p.payment)}`);
}

function monthIndex(day: Day): number {
  const { year, month } = toCivil(day);
  return year * 12 + month - 1;
}

/** Regular date `months` months before `maturity`, on maturity's day of month clamped to the month's end. */
function monthsBefore(maturity: Day, months: number): Day {
  const index = monthIndex(maturity) - months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return fromCivil({ year, month, day: Math.min(toCivil(maturity).day, daysInMonth(year, month)) });
}

/** 10-year JGB issued 2026-03-02, maturing 2036-03-20, coupons on 20 March and 20 September. */
const JGB_10Y = { issueDate: d("2026-03-02"), maturityDate: d("2036-03-20"), frequency: 2 } as const;

// Each adjustment checked by hand against the holiday rules: equinoxes 2026-03-20, 2027-03-21 (Sunday: 3-22
// substitute), 2028-03-20, 2029-03-20, 2030-03-20, 2032-03-20 (Saturday), 2033-03-20 (Sunday), 2034-03-20,
// 2036-03-20; 敬老の日 2027-09-20, 2032-09-20 with 2032-09-21 a citizens' holiday before the 9-22 equinox; 2026-09-20
// a Sunday before 9-21 敬老の日, 9-22 国民の休日, 9-23 秋分の日.
const JGB_10Y_PAYMENTS_AFTER_MARCH_2026 = [
  "2026-09-20>2026-09-24",
  "2027-03-20>2027-03-23",
  "2027-09-20>2027-09-21",
  "2028-03-20>2028-03-21",
  "2028-09-20>2028-09-20",
  "2029-03-20>2029-03-21",
  "2029-09-20>2029-09-20",
  "2030-03-20>2030-03-21",
  "2030-09-20>2030-09-20",
  "2031-03-20>2031-03-20",
  "2031-09-20>2031-09-22",
  "2032-03-20>2032-03-22",
  "2032-09-20>2032-09-23",
  "2033-03-20>2033-03-22",
  "2033-09-20>2033-09-20",
  "2034-03-20>2034-03-21",
  "2034-09-20>2034-09-20",
  "2035-03-20>2035-03-20",
  "2035-09-20>2035-09-20",
  "2036-03-20>2036-03-21",
];

describe("schedule", function () {
  describe(".couponSchedule()", function () {
    describe("for a 10-year JGB issued 2026-03-02 maturing 2036-03-20", function () {
      it("pays every 20 March and 20 September after issue, the first after a short 18-day period", function () {
        const schedule = couponSchedule(JGB_10Y);
        expect(pairs(schedule)).to.deep.equal(["2026-03-20>2026-03-23", ...JGB_10Y_PAYMENTS_AFTER_MARCH_2026]);
        expect(schedule.firstPeriodShort).to.equal(true);
        expect(schedule.firstPeriodLong).to.equal(false);
      });

      it("pays 20 semi-annual coupons when the terms name 2026-09-20 as the first coupon date", function () {
        const schedule = couponSchedule({ ...JGB_10Y, firstCouponDate: d("2026-09-20") });
        expect(pairs(schedule)).to.deep.equal(JGB_10Y_PAYMENTS_AFTER_MARCH_2026);
        expect(schedule.payments).to.have.length(20);
        expect(schedule.firstPeriodShort).to.equal(false);
        expect(schedule.firstPeriodLong).to.equal(true);
      });
    });

    it("has no short first period when the bond is issued on a coupon date", function () {
      const schedule = couponSchedule({ issueDate: d("2026-06-20"), maturityDate: d("2028-06-20"), frequency: 2 });
      expect(pairs(schedule)).to.deep.equal([
        "2026-12-20>2026-12-21",
        "2027-06-20>2027-06-21",
        "2027-12-20>2027-12-20",
        "2028-06-20>2028-06-20",
      ]);
      expect(schedule.firstPeriodShort).to.equal(false);
    });

    it("rolls a coupon scheduled on 31 December over the year-end closure", function () {
      const schedule = couponSchedule({ issueDate: d("2025-12-31"), maturityDate: d("2027-12-31"), frequency: 1 });
      expect(pairs(schedule)).to.deep.equal(["2026-12-31>2027-01-04", "2027-12-31>2028-01-04"]);
    });

    it("clamps the coupon day to the end of shorter months", function () {
      const schedule = couponSchedule({
        issueDate: d("2027-01-15"),
        maturityDate: d("2028-02-29"),
        frequency: 4,
        couponDay: 31,
      });
      expect(schedule.payments.map((p) => formatDate(p.scheduled))).to.deep.equal([
        "2027-02-28",
        "2027-05-31",
        "2027-08-31",
        "2027-11-30",
        "2028-02-29",
      ]);
      expect(schedule.firstPeriodShort).to.equal(true);
    });

    it("keeps maturity's day of month when no coupon day is given", function () {
      const schedule = couponSchedule({ issueDate: d("2027-01-15"), maturityDate: d("2028-02-29"), frequency: 4 });
      expect(schedule.payments.map((p) => formatDate(p.scheduled))).to.deep.equal([
        "2027-02-28",
        "2027-05-29",
        "2027-08-29",
        "2027-11-29",
        "2028-02-29",
      ]);
    });

    it("pays monthly coupons", function () {
      const schedule = couponSchedule({ issueDate: d("2026-10-20"), maturityDate: d("2027-01-20"), frequency: 12 });
      expect(pairs(schedule)).to.deep.equal([
        "2026-11-20>2026-11-20",
        "2026-12-20>2026-12-21",
        "2027-01-20>2027-01-20",
      ]);
      expect(schedule.firstPeriodShort).to.equal(false);
    });

    describe("rejects", function () {
      const base = { issueDate: d("2026-03-02"), maturityDate: d("2036-03-20"), frequency: 2 as CouponFrequency };

      it("a maturity on the issue date", function () {
        expect(() => couponSchedule({ ...base, maturityDate: base.issueDate })).to.throw(
          ScheduleError,
          "maturityDate 2026-03-02 is not after issueDate 2026-03-02",
        );
      });

      it("a maturity before the issue date", function () {
        expect(() => couponSchedule({ ...base, maturityDate: d("2026-03-01") })).to.throw(
          ScheduleError,
          "maturityDate 2026-03-01 is not after issueDate 2026-03-02",
        );
      });

      for (const frequency of [0, 3, 6, 24]) {
        it(`the unsupported frequency ${frequency}`, function () {
          expect(() => couponSchedule({ ...base, frequency: frequency as CouponFrequency })).to.throw(
            ScheduleError,
            `unsupported frequency ${frequency} (expected 1, 2, 4 or 12 a year)`,
          );
        });
      }

      for (const couponDay of [0, 32, 20.5]) {
        it(`the coupon day ${couponDay}`, function () {
          expect(() => couponSchedule({ ...base, couponDay })).to.throw(
            ScheduleError,
            `couponDay ${couponDay} is not a day of the month (1-31)`,
          );
        });
      }

      it("a coupon day the maturity date does not fall on", function () {
        expect(() => couponSchedule({ ...base, couponDay: 31 })).to.throw(
          ScheduleError,
          "maturityDate 2036-03-20 is not on couponDay 31",
        );
      });

      for (const first of ["2026-09-21", "2025-09-20"]) {
        it(`the first coupon date ${first}, not a regular date after issue`, function () {
          expect(() => couponSchedule({ ...base, firstCouponDate: d(first) })).to.throw(
            ScheduleError,
            `firstCouponDate ${first} is not a regular coupon date after issueDate 2026-03-02`,
          );
        });
      }

      it("dates outside the holiday calendar", function () {
        expect(() => couponSchedule({ ...base, issueDate: d("1999-12-20") })).to.throw(
          ScheduleError,
          `issueDate 1999-12-20 is outside the calendar (${CALENDAR_FIRST_YEAR}..`,
        );
        expect(() => couponSchedule({ ...base, maturityDate: d("2200-03-20") })).to.throw(
          ScheduleError,
          "maturityDate 2200-03-20 is outside the calendar",
        );
      });

      it("a non-integer date", function () {
        expect(() => couponSchedule({ ...base, issueDate: 20_000.5 })).to.throw(
          ScheduleError,
          "issueDate 20000.5 is not a day number",
        );
      });
    });

    it("rolls a coupon over the ten-day 2019 Golden Week (27 April pays 7 May, 10 days late; the contracts allow 10)", function () {
      const { payments } = couponSchedule({ issueDate: d("2019-01-10"), maturityDate: d("2021-04-27"), frequency: 12 });
      const april = payments.find((p) => p.scheduled === d("2019-04-27"));
      expect(april?.payment).to.equal(d("2019-05-07"));
    });

    it("pays on business days, at most 10 days late (the 2019 Golden Week ran 10 days: 27 April pays 7 May), in strictly increasing order, ending at maturity (property)", function () {
      const terms = fc.record({
        issueDate: fc.integer({ min: d("2000-01-01"), max: d("2150-12-31") }),
        tenorDays: fc.integer({ min: 1, max: 40 * 366 }),
        frequency: fc.constantFrom<CouponFrequency>(...COUPON_FREQUENCIES),
      });
      fc.assert(
        fc.property(terms, ({ issueDate, tenorDays, frequency }) => {
          const maturityDate = issueDate + tenorDays;
          const { payments, firstPeriodShort, firstPeriodLong } = couponSchedule({
            issueDate,
            maturityDate,
            frequency,
          });
          const step = 12 / frequency;
          const last = payments[payments.length - 1];
          if (payments.length === 0 || last.scheduled !== maturityDate || firstPeriodLong) return false;
          // The first coupon is the first regular date after issue, and the period before it is short iff issue
          // is not itself the regular date before.
          const before = monthsBefore(maturityDate, step * payments.length);
          if (!(payments[0].scheduled > issueDate && before <= issueDate)) return false;
          if (firstPeriodShort !== (before !== issueDate)) return false;
          return payments.every((p, i) => {
            const prev = payments[i - 1];
            return (
              isBusinessDay(p.payment) &&
              p.payment >= p.scheduled &&
              p.payment - p.scheduled <= 10 &&
              p.scheduled === monthsBefore(maturityDate, step * (payments.length - 1 - i)) &&
              (prev === undefined || (p.scheduled > prev.scheduled && p.payment > prev.payment))
            );
          });
        }),
        { numRuns: 300 },
      );
    });

    it("propagates calendar errors for payments it cannot adjust", function () {
      expect(() =>
        couponSchedule({ issueDate: d("2199-06-01"), maturityDate: d("2199-12-31"), frequency: 2 }),
      ).to.throw(CalendarError, "2200-01-01 is outside the holiday calendar");
    });
  });

  describe(".jgbTenorCheck()", function () {
    it("accepts the fixed-rate tenors 2, 5, 10, 20, 30 and 40 years", function () {
      for (const years of [2, 5, 10, 20, 30, 40]) expect(() => jgbTenorCheck("fixedRate", years)).not.to.throw();
    });

    for (const years of [1, 3, 7, 15, 25, 50, 10.5]) {
      it(`rejects a ${years}-year fixed-rate JGB`, function () {
        expect(() => jgbTenorCheck("fixedRate", years)).to.throw(
          ScheduleError,
          `${years}-year is not a fixedRate JGB tenor (expected 2, 5, 10, 20, 30, 40)`,
        );
      });
    }

    it("knows the inflation-indexed and retail tenors", function () {
      expect(JGB_TENORS).to.deep.equal({
        fixedRate: [2, 5, 10, 20, 30, 40],
        inflationIndexed: [10],
        retailFixed: [3, 5],
        retailFloating: [10],
      });
      expect(() => jgbTenorCheck("retailFixed", 3)).not.to.throw();
      expect(() => jgbTenorCheck("retailFixed", 10)).to.throw(ScheduleError, "expected 3, 5");
      expect(() => jgbTenorCheck("inflationIndexed", 5)).to.throw(ScheduleError, "expected 10");
    });

    it("rejects an unknown kind", function () {
      expect(() => jgbTenorCheck("discountBill" as JgbKind, 1)).to.throw(
        ScheduleError,
        'unknown JGB kind "discountBill"',
      );
    });
  });
});

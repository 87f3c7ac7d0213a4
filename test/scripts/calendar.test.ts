import { expect } from "chai";
import fc from "fast-check";
import {
  CALENDAR_FIRST_YEAR,
  CALENDAR_LAST_YEAR,
  CalendarError,
  dayOfUnix,
  formatDate,
  fromCivil,
  isBankHoliday,
  isBusinessDay,
  isInCalendar,
  jstMidnight,
  nextBusinessDay,
  parseDate,
  toCivil,
  weekday,
} from "../../scripts/lib/calendar";

const d = parseDate;
const FIRST_DAY = fromCivil({ year: CALENDAR_FIRST_YEAR, month: 1, day: 1 });
const LAST_DAY = fromCivil({ year: CALENDAR_LAST_YEAR, month: 12, day: 31 });
const calendarDay = fc.integer({ min: FIRST_DAY, max: LAST_DAY - 40 });

/** National holidays of 2026 as published by the Cabinet Office (内閣府「国民の祝日について」). */
const NATIONAL_HOLIDAYS_2026 = [
  "2026-01-01", // 元日
  "2026-01-12", // 成人の日 (2nd Monday)
  "2026-02-11", // 建国記念の日
  "2026-02-23", // 天皇誕生日
  "2026-03-20", // 春分の日
  "2026-04-29", // 昭和の日
  "2026-05-03", // 憲法記念日 (Sunday)
  "2026-05-04", // みどりの日
  "2026-05-05", // こどもの日
  "2026-05-06", // 振替休日 for 5-3
  "2026-07-20", // 海の日 (3rd Monday)
  "2026-08-11", // 山の日
  "2026-09-21", // 敬老の日 (3rd Monday)
  "2026-09-22", // 国民の休日 (between two holidays)
  "2026-09-23", // 秋分の日
  "2026-10-12", // スポーツの日 (2nd Monday)
  "2026-11-03", // 文化の日
  "2026-11-23", // 勤労感謝の日
];

function expectCalendarError(fn: () => unknown, message: RegExp) {
  expect(fn).to.throw(CalendarError, message);
}

describe("calendar", function () {
  describe(".parseDate() / .formatDate()", function () {
    it("maps dates to JST day numbers from 1970-01-01", function () {
      expect(d("1970-01-01")).to.equal(0);
      expect(d("2000-01-01")).to.equal(10_957);
      expect(d("2026-03-20")).to.equal(Date.UTC(2026, 2, 20) / 86_400_000);
      expect(formatDate(d("2026-03-20"))).to.equal("2026-03-20");
    });

    it("accepts leap days of leap years only", function () {
      expect(formatDate(d("2024-02-29"))).to.equal("2024-02-29");
      expect(formatDate(d("2000-02-29"))).to.equal("2000-02-29");
      expectCalendarError(() => d("2100-02-29"), /"2100-02-29" is not a calendar date/);
      expectCalendarError(() => d("2026-02-29"), /"2026-02-29" is not a calendar date/);
    });

    for (const bad of ["2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00"]) {
      it(`rejects the non-date ${bad}, naming it`, function () {
        expectCalendarError(() => d(bad), new RegExp(`"${bad}" is not a calendar date`));
      });
    }

    for (const bad of ["2026-3-20", "20260320", "", " 2026-03-20", "2026-03-20T00:00", "2026/03/20"]) {
      it(`rejects the malformed ${JSON.stringify(bad)}, naming it`, function () {
        expectCalendarError(() => d(bad), /is not a date of the form YYYY-MM-DD/);
        expect(() => d(bad)).to.throw(JSON.stringify(bad));
      });
    }

    it("agrees with the Gregorian calendar of Date and round-trips (property)", function () {
      fc.assert(
        fc.property(fc.integer({ min: -700_000, max: 2_900_000 }), (day) => {
          const iso = new Date(day * 86_400_000).toISOString().slice(0, 10);
          return formatDate(day) === iso && d(iso) === day && fromCivil(toCivil(day)) === day;
        }),
        { numRuns: 2_000 },
      );
    });

    it("rejects a non-integer day number", function () {
      expectCalendarError(() => formatDate(1.5), /day must be an integer JST day number, got 1.5/);
    });
  });

  describe(".jstMidnight() / .dayOfUnix()", function () {
    it("puts a day's midnight at 15:00 UTC the day before", function () {
      expect(jstMidnight(d("2026-03-20"))).to.equal(Date.UTC(2026, 2, 19, 15) / 1000);
    });

    it("assigns an instant to its JST date", function () {
      expect(dayOfUnix(Date.UTC(2026, 2, 19, 15) / 1000)).to.equal(d("2026-03-20"));
      expect(dayOfUnix(Date.UTC(2026, 2, 19, 14, 59, 59) / 1000)).to.equal(d("2026-03-19"));
      expect(dayOfUnix(BigInt(Date.UTC(2026, 2, 20, 14, 59, 59) / 1000))).to.equal(d("2026-03-20"));
    });

    it("covers each day from its midnight to the next (property)", function () {
      fc.assert(
        fc.property(
          calendarDay,
          fc.integer({ min: 0, max: 86_399 }),
          (day, second) => dayOfUnix(jstMidnight(day) + second) === day && dayOfUnix(jstMidnight(day) - 1) === day - 1,
        ),
      );
    });

    it("rejects fractional seconds", function () {
      expectCalendarError(() => dayOfUnix(0.5), /0.5 is not whole unix seconds/);
    });
  });

  describe(".weekday()", function () {
    it("counts from Sunday = 0", function () {
      expect(weekday(d("1970-01-01"))).to.equal(4);
      expect(weekday(d("2026-03-20"))).to.equal(5);
      expect(weekday(d("2026-03-22"))).to.equal(0);
      expect(weekday(d("1969-12-31"))).to.equal(3);
    });
  });

  describe(".isBankHoliday() / .isBusinessDay()", function () {
    it("closes banks on exactly the weekends, national holidays and 31 Dec - 3 Jan of 2026", function () {
      const national = new Set(NATIONAL_HOLIDAYS_2026.map(d));
      const wrong: string[] = [];
      for (let day = d("2026-01-01"); day <= d("2026-12-31"); day++) {
        const { month, day: dom } = toCivil(day);
        const expected =
          weekday(day) === 0 ||
          weekday(day) === 6 ||
          national.has(day) ||
          (month === 1 && dom <= 3) ||
          (month === 12 && dom === 31);
        if (isBankHoliday(day) !== expected || isBusinessDay(day) === expected) wrong.push(formatDate(day));
      }
      expect(wrong).to.deep.equal([]);
    });

    it("closes banks from 31 December to 3 January even on weekdays", function () {
      expect(isBankHoliday(d("2025-12-31")), "Wednesday 31 Dec").to.equal(true);
      expect(isBankHoliday(d("2026-01-02")), "Friday 2 Jan").to.equal(true);
      expect(isBankHoliday(d("2029-01-03")), "Wednesday 3 Jan").to.equal(true);
      expect(isBusinessDay(d("2025-12-30")), "Tuesday 30 Dec").to.equal(true);
      expect(isBusinessDay(d("2029-01-04")), "Thursday 4 Jan").to.equal(true);
    });

    it("closes banks on substitute holidays and the citizens' holiday", function () {
      expect(isBankHoliday(d("2026-05-06")), "振替休日 for Sunday 3 May").to.equal(true);
      expect(isBankHoliday(d("2025-02-24")), "振替休日 for Sunday 23 Feb").to.equal(true);
      expect(isBankHoliday(d("2025-11-24")), "振替休日 for Sunday 23 Nov").to.equal(true);
      expect(isBankHoliday(d("2026-09-22")), "国民の休日 between 敬老の日 and 秋分の日").to.equal(true);
      expect(isBusinessDay(d("2025-09-22")), "Monday between 敬老の日 (15th) and 秋分の日 (23rd)").to.equal(true);
    });

    it("closes banks on the second Monday of January (Coming of Age Day) every year", function () {
      const wrong: string[] = [];
      for (let year = CALENDAR_FIRST_YEAR; year <= CALENDAR_LAST_YEAR; year++) {
        const jan8 = fromCivil({ year, month: 1, day: 8 });
        const secondMonday = jan8 + ((8 - weekday(jan8)) % 7);
        if (!isBankHoliday(secondMonday)) wrong.push(formatDate(secondMonday));
        if (!isBusinessDay(secondMonday + 7)) wrong.push(formatDate(secondMonday + 7));
      }
      expect(wrong).to.deep.equal([]);
    });

    it("fails loudly outside the calendar instead of calling a day a business day", function () {
      expect(isInCalendar(d("2000-01-01"))).to.equal(true);
      expect(isInCalendar(d("2199-12-31"))).to.equal(true);
      expectCalendarError(() => isBankHoliday(d("1999-12-30")), /isBankHoliday: 1999-12-30 is outside the holiday/);
      expectCalendarError(() => isBusinessDay(d("2200-01-05")), /2200-01-05 is outside the holiday calendar/);
      expectCalendarError(() => isBankHoliday(0.5), /got 0.5/);
    });
  });

  describe(".nextBusinessDay()", function () {
    const cases: [string, string, string][] = [
      ["2026-03-19", "2026-03-19", "a business day is its own"],
      ["2026-03-21", "2026-03-23", "Saturday rolls to Monday"],
      ["2026-03-20", "2026-03-23", "春分の日 on a Friday rolls over the weekend"],
      ["2026-05-02", "2026-05-07", "Golden Week 2026 incl. the 5-6 substitute holiday"],
      ["2019-04-27", "2019-05-07", "the ten days off of 2019 (imperial succession), the longest closure"],
      ["2026-09-19", "2026-09-24", "Silver Week 2026 incl. the 9-22 citizens' holiday"],
      ["2026-12-31", "2027-01-04", "31 Dec (Thursday) rolls over the year-end closure"],
      ["2025-12-31", "2026-01-05", "year-end closure running into a weekend"],
      ["2027-12-31", "2028-01-04", "31 Dec (Friday) to Tuesday 4 Jan"],
    ];
    for (const [from, to, why] of cases) {
      it(`${from} -> ${to}: ${why}`, function () {
        expect(formatDate(nextBusinessDay(d(from)))).to.equal(to);
      });
    }

    // The longest closure is the ten days from 27 April to 6 May 2019: its first day rolls 10 days on.
    it("returns the first business day on or after the day, within 10 days (property)", function () {
      fc.assert(
        fc.property(calendarDay, (day) => {
          const next = nextBusinessDay(day);
          if (!isBusinessDay(next) || next < day || next > day + 10) return false;
          for (let between = day; between < next; between++) if (!isBankHoliday(between)) return false;
          return true;
        }),
        { numRuns: 2_000, examples: [[18013]] },
      );
    });
  });
});

/// <reference path="./japanese-holidays.d.ts" />
/**
 * Japanese bank-business-day calendar for bond schedules.
 *
 * Dates are JST day numbers: days since 1970-01-01 in Japan, `day = floor((unixSeconds + 9 * 3600) / 86400)`, the
 * representation kosai's Solidity date library uses. A day number is a calendar date, never an instant.
 *
 * Bank holidays (DOMAIN.md): Saturdays, Sundays, national holidays including substitute holidays (振替休日) and
 * citizens' holidays (国民の休日), and the year-end closure 31 December to 3 January.
 *
 * National holidays come from `japanese-holidays` 1.0.10, which computes them from the rules of the National Holidays
 * Act (fixed dates, Happy Monday rules, the equinoxes by formula, substitute and citizens' holidays) for any year, so
 * there is no data horizon: 40-year bonds are covered. Cross-checked against `@holiday-jp/holiday_jp` 2.5.1 (a data
 * table, 1970-2050): the two agree on all 1,329 holidays of 1970-2050. Dates beyond the current year are projections
 * of today's law: the equinox days are fixed officially only in February of the year before, and a change of law
 * (a new Emperor's Birthday, one-off holidays such as 2019 and 2020-21) reaches this calendar only with a new version
 * of the library. Recompute schedules when the law changes.
 *
 * Outside CALENDAR_FIRST_YEAR..CALENDAR_LAST_YEAR the holiday functions throw instead of guessing.
 */
import { getHolidaysOf } from "japanese-holidays";

/** A Japanese calendar date as days since 1970-01-01 (JST). */
export type Day = number;

/** A calendar date's parts: month 1-12, day 1-31. */
export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

/** Thrown for a malformed date, a non-integer day number or a date outside the supported calendar. */
export class CalendarError extends Error {
  override name = "CalendarError";
}

/** First year the holiday calendar answers for (the current Happy Monday rules date from 2000). */
export const CALENDAR_FIRST_YEAR = 2000;
/** Last year the holiday calendar answers for; a 40-year bond issued in 2159 still fits. */
export const CALENDAR_LAST_YEAR = 2199;
/** Longest run of bank holidays nextBusinessDay walks before it gives up (the longest on record is 10 days, 2019). */
export const MAX_HOLIDAY_RUN = 31;

const SECONDS_PER_DAY = 86_400;
const JST_OFFSET_SECONDS = 9 * 3_600;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

function assertDay(day: Day, fn: string): void {
  if (!Number.isSafeInteger(day)) throw new CalendarError(`${fn}: day must be an integer JST day number, got ${day}`);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Number of days in a month of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Day number of a calendar date; throws a CalendarError if the date does not exist. */
export function fromCivil({ year, month, day }: CivilDate): Day {
  if (!Number.isSafeInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) {
    throw new CalendarError(`fromCivil: ${year}-${month}-${day} has a non-integer part`);
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new CalendarError(`fromCivil: ${year}-${month}-${day} is not a calendar date`);
  }
  // Count from 1 March of year 0 so that the leap day falls at the end of each counted year.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = (month + 9) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Calendar date of a day number. */
export function toCivil(day: Day): CivilDate {
  assertDay(day, "toCivil");
  const shifted = day + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1_460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  return {
    year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0),
    month,
    day: dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1,
  };
}

/** Day of the week: 0 Sunday … 6 Saturday. */
export function weekday(day: Day): number {
  assertDay(day, "weekday");
  return (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/** Parses "YYYY-MM-DD" into a day number; throws a CalendarError naming the input if it is not a real date. */
export function parseDate(text: string): Day {
  const match = typeof text === "string" ? DATE_PATTERN.exec(text) : null;
  if (!match) throw new CalendarError(`parseDate: ${JSON.stringify(text)} is not a date of the form YYYY-MM-DD`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new CalendarError(`parseDate: "${text}" is not a calendar date`);
  }
  return fromCivil({ year, month, day });
}

/** Formats a day number as "YYYY-MM-DD" (years 0000-9999). */
export function formatDate(day: Day): string {
  const { year, month, day: dayOfMonth } = toCivil(day);
  if (year < 0 || year > 9_999) throw new CalendarError(`formatDate: day ${day} is outside years 0000-9999`);
  const pad = (n: number, width: number) => String(n).padStart(width, "0");
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(dayOfMonth, 2)}`;
}

/** Unix seconds of 00:00 JST on the day. */
export function jstMidnight(day: Day): number {
  assertDay(day, "jstMidnight");
  return day * SECONDS_PER_DAY - JST_OFFSET_SECONDS;
}

/** The JST day an instant falls on (e.g. a block timestamp). */
export function dayOfUnix(unixSeconds: number | bigint): Day {
  const seconds = Number(unixSeconds);
  if (!Number.isSafeInteger(seconds)) throw new CalendarError(`dayOfUnix: ${unixSeconds} is not whole unix seconds`);
  return Math.floor((seconds + JST_OFFSET_SECONDS) / SECONDS_PER_DAY);
}

const nationalHolidays = new Map<number, ReadonlySet<Day>>();

function nationalHolidaysOf(year: number): ReadonlySet<Day> {
  let days = nationalHolidays.get(year);
  if (!days) {
    days = new Set(getHolidaysOf(year, true).map((h) => fromCivil({ year, month: h.month, day: h.date })));
    nationalHolidays.set(year, days);
  }
  return days;
}

/** True if the holiday calendar answers for the day (CALENDAR_FIRST_YEAR..CALENDAR_LAST_YEAR). */
export function isInCalendar(day: Day): boolean {
  assertDay(day, "isInCalendar");
  const { year } = toCivil(day);
  return year >= CALENDAR_FIRST_YEAR && year <= CALENDAR_LAST_YEAR;
}

function supportedCivil(day: Day, fn: string): CivilDate {
  if (!isInCalendar(day)) {
    throw new CalendarError(
      `${fn}: ${formatDate(day)} is outside the holiday calendar (${CALENDAR_FIRST_YEAR}-01-01..${CALENDAR_LAST_YEAR}-12-31)`,
    );
  }
  return toCivil(day);
}

/** True on Saturdays, Sundays, national holidays (incl. substitute and citizens' holidays) and 31 Dec - 3 Jan. */
export function isBankHoliday(day: Day): boolean {
  const { year, month, day: dayOfMonth } = supportedCivil(day, "isBankHoliday");
  const dow = weekday(day);
  if (dow === 0 || dow === 6) return true;
  if ((month === 12 && dayOfMonth === 31) || (month === 1 && dayOfMonth <= 3)) return true;
  return nationalHolidaysOf(year).has(day);
}

/** True on days Japanese banks are open. */
export function isBusinessDay(day: Day): boolean {
  return !isBankHoliday(day);
}

/** The day itself if it is a business day, else the next business day ("following" convention). */
export function nextBusinessDay(day: Day): Day {
  assertDay(day, "nextBusinessDay");
  for (let candidate = day; candidate <= day + MAX_HOLIDAY_RUN; candidate++) {
    if (isBusinessDay(candidate)) return candidate;
  }
  throw new CalendarError(`nextBusinessDay: no business day within ${MAX_HOLIDAY_RUN} days of ${formatDate(day)}`);
}

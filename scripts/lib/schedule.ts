/**
 * Coupon payment schedules for bond series.
 *
 * Regular coupon dates are found by counting back from maturity in steps of 12/frequency months, on the coupon day
 * of the month (by default maturity's own day, e.g. the 20th for JGBs), clamped to the month's last day. Every
 * regular date after the issue date is a coupon date, the last one being maturity itself; each is paid on the next
 * bank business day when it falls on a bank holiday ("following", calendar.ts). When the issue date is not itself
 * a regular date, the first period is short (`firstPeriodShort`). Terms that name a later first coupon date (a
 * long first period) pass it as `firstCouponDate`.
 */
import {
  CALENDAR_FIRST_YEAR,
  CALENDAR_LAST_YEAR,
  type Day,
  daysInMonth,
  formatDate,
  fromCivil,
  isInCalendar,
  nextBusinessDay,
  toCivil,
} from "./calendar";

/** Coupons per year: annual, semi-annual (JGBs), quarterly, monthly. */
export type CouponFrequency = 1 | 2 | 4 | 12;
export const COUPON_FREQUENCIES: readonly CouponFrequency[] = [1, 2, 4, 12];

/** Thrown for terms that do not describe a schedule. */
export class ScheduleError extends Error {
  override name = "ScheduleError";
}

export interface CouponScheduleTerms {
  issueDate: Day;
  maturityDate: Day;
  frequency: CouponFrequency;
  /** Day of the month coupons fall on (1-31, clamped to each month's end); defaults to maturity's day of month. */
  couponDay?: number;
  /** First coupon date named by the terms: a regular date after issue; earlier regular dates are not paid. */
  firstCouponDate?: Day;
}

export interface CouponPayment {
  /** Unadjusted coupon date, e.g. the 20th. */
  scheduled: Day;
  /** The date the coupon is paid: `scheduled`, moved to the next business day if it is a bank holiday. */
  payment: Day;
}

export interface CouponSchedule {
  /** Coupons in date order; the last is the redemption date (maturity, adjusted). */
  payments: CouponPayment[];
  /** The first period starts on the issue date, after the regular date before the first coupon. */
  firstPeriodShort: boolean;
  /** `firstCouponDate` skipped at least one regular date: the first period spans more than one regular period. */
  firstPeriodLong: boolean;
}

function regularDate(monthIndex: number, couponDay: number): Day {
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12 + 1;
  return fromCivil({ year, month, day: Math.min(couponDay, daysInMonth(year, month)) });
}

function validateTerms({ issueDate, maturityDate, frequency, couponDay }: CouponScheduleTerms): number {
  for (const [name, value] of [
    ["issueDate", issueDate],
    ["maturityDate", maturityDate],
  ] as const) {
    if (!Number.isSafeInteger(value)) throw new ScheduleError(`couponSchedule: ${name} ${value} is not a day number`);
    if (!isInCalendar(value)) {
      throw new ScheduleError(
        `couponSchedule: ${name} ${formatDate(value)} is outside the calendar (${CALENDAR_FIRST_YEAR}..${CALENDAR_LAST_YEAR})`,
      );
    }
  }
  if (maturityDate <= issueDate) {
    throw new ScheduleError(
      `couponSchedule: maturityDate ${formatDate(maturityDate)} is not after issueDate ${formatDate(issueDate)}`,
    );
  }
  if (!COUPON_FREQUENCIES.includes(frequency)) {
    throw new ScheduleError(`couponSchedule: unsupported frequency ${frequency} (expected 1, 2, 4 or 12 a year)`);
  }
  const maturity = toCivil(maturityDate);
  const day = couponDay ?? maturity.day;
  if (!Number.isInteger(day) || day < 1 || day > 31) {
    throw new ScheduleError(`couponSchedule: couponDay ${couponDay} is not a day of the month (1-31)`);
  }
  if (Math.min(day, daysInMonth(maturity.year, maturity.month)) !== maturity.day) {
    throw new ScheduleError(`couponSchedule: maturityDate ${formatDate(maturityDate)} is not on couponDay ${day}`);
  }
  return day;
}

/**
 * Coupon schedule from the first coupon after issue to maturity inclusive.
 * Throws a ScheduleError for maturity not after issue, an unsupported frequency, a coupon day maturity does not fall
 * on, or a firstCouponDate that is not a regular date after issue; a CalendarError for dates outside the calendar.
 */
export function couponSchedule(terms: CouponScheduleTerms): CouponSchedule {
  const couponDay = validateTerms(terms);
  const { issueDate, maturityDate, frequency, firstCouponDate } = terms;
  const step = 12 / frequency;
  const maturity = toCivil(maturityDate);
  const maturityMonth = maturity.year * 12 + maturity.month - 1;

  // Walk back from maturity (validated to be the regular date of its month) to the last regular date on or before
  // issue; both dates lie in the calendar, so this ends within 12 * 200 steps.
  const scheduled: Day[] = [];
  let periodStart = maturityDate;
  for (let monthIndex = maturityMonth; periodStart > issueDate; monthIndex -= step) {
    periodStart = regularDate(monthIndex, couponDay);
    if (periodStart > issueDate) scheduled.push(periodStart);
  }
  scheduled.reverse();
  const firstPeriodShort = periodStart !== issueDate;

  let skipped = 0;
  if (firstCouponDate !== undefined) {
    skipped = scheduled.indexOf(firstCouponDate);
    if (skipped < 0) {
      throw new ScheduleError(
        `couponSchedule: firstCouponDate ${Number.isSafeInteger(firstCouponDate) ? formatDate(firstCouponDate) : firstCouponDate} ` +
          `is not a regular coupon date after issueDate ${formatDate(issueDate)}`,
      );
    }
  }
  return {
    payments: scheduled.slice(skipped).map((day) => ({ scheduled: day, payment: nextBusinessDay(day) })),
    firstPeriodShort: firstPeriodShort && skipped === 0,
    firstPeriodLong: skipped > 0,
  };
}

/**
 * Tenors (years) MOF issues, by JGB kind (DOMAIN.md). Treasury Discount Bills are zero-coupon and have no schedule.
 * The contracts take any maturity: this table is the one place the scripts check it.
 */
export const JGB_TENORS = {
  fixedRate: [2, 5, 10, 20, 30, 40],
  inflationIndexed: [10],
  retailFixed: [3, 5],
  retailFloating: [10],
} as const satisfies Record<string, readonly number[]>;

export type JgbKind = keyof typeof JGB_TENORS;

/** Throws a ScheduleError unless `years` is a tenor MOF issues for that kind of JGB. */
export function jgbTenorCheck(kind: JgbKind, years: number): void {
  const tenors: readonly number[] | undefined = Object.hasOwn(JGB_TENORS, kind) ? JGB_TENORS[kind] : undefined;
  if (!tenors) {
    throw new ScheduleError(
      `jgbTenorCheck: unknown JGB kind "${kind}" (expected ${Object.keys(JGB_TENORS).join(", ")})`,
    );
  }
  if (!tenors.includes(years)) {
    throw new ScheduleError(`jgbTenorCheck: ${years}-year is not a ${kind} JGB tenor (expected ${tenors.join(", ")})`);
  }
}

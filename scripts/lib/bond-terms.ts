/**
 * TypeScript mirrors of the bond libraries in contracts/bond/lib/ (Isin, LocalGovernmentCode, JstDate,
 * BondMath), for scripts and tests. Each function returns what its Solidity twin returns, and throws
 * where the twin reverts (a `BondTermsError` carrying the Solidity error's name and arguments). Money is
 * `bigint` (whole yen); day numbers are plain numbers (days since 1970-01-01 in Japan, UTC+9).
 *
 * The implementations are deliberately written differently from the Solidity (string expansion for the
 * ISIN, JavaScript's own calendar for dates), so that tests comparing the two compare two derivations.
 */

/** An input the Solidity twin would refuse: `name` is the Solidity custom error, `args` its arguments. */
export class BondTermsError extends Error {
  constructor(
    readonly errorName: string,
    readonly args: readonly (bigint | number | string)[],
  ) {
    super(`${errorName}(${args.map(String).join(", ")})`);
    this.name = "BondTermsError";
  }
}

// ------------------------------------------------------------------------------------------------
// ISIN (ISO 6166)
// ------------------------------------------------------------------------------------------------

const ISIN_SHAPE = /^[A-Z]{2}[A-Z0-9]{9}[0-9]$/;

/**
 * The check digit of an 11-character ISIN body: letters become two digits (A=10 … Z=35), then Luhn over
 * the digit string, counting from the right with the (absent) check digit in first position.
 */
export function isinCheckDigit(body11: string): number {
  if (!/^[A-Z]{2}[A-Z0-9]{9}$/.test(body11)) throw new Error(`not an ISIN body: ${JSON.stringify(body11)}`);
  const digits = [...body11].map((c) => (c >= "A" ? (c.charCodeAt(0) - 55).toString() : c)).join("");
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // The rightmost body digit sits in position 2 once the check digit is appended: it is doubled.
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** True for 12 characters: 2 uppercase letters, 9 uppercase alphanumerics, the right check digit. */
export function isValidIsin(s: string): boolean {
  return ISIN_SHAPE.test(s) && isinCheckDigit(s.slice(0, 11)) === Number(s[11]);
}

/** The ISIN as the `bytes12` the contracts take (ASCII, left-aligned). */
export function isinToBytes12(s: string): string {
  if (s.length !== 12 || !/^[\x20-\x7e]*$/.test(s)) throw new Error(`not 12 printable ASCII: ${JSON.stringify(s)}`);
  return "0x" + Buffer.from(s, "ascii").toString("hex");
}

// ------------------------------------------------------------------------------------------------
// Local government code (全国地方公共団体コード)
// ------------------------------------------------------------------------------------------------

/** Check digit of a local government code: (11 − Σ wᵢdᵢ mod 11) mod 10 with weights 6,5,4,3,2. */
export function localGovernmentCheckDigit(first5: string): number {
  if (!/^[0-9]{5}$/.test(first5)) throw new Error(`not five digits: ${JSON.stringify(first5)}`);
  const weights = [6, 5, 4, 3, 2];
  const s = weights.reduce((acc, w, i) => acc + w * Number(first5[i]), 0);
  return (11 - (s % 11)) % 10;
}

/**
 * True for a six-digit code (a number below 1,000,000, or a string of exactly six digits) whose
 * prefecture is 01–47 and whose last digit is the check digit. As a number, Hokkaido's 010006 is 10006.
 */
export function isValidLocalGovernmentCode(code: number | string): boolean {
  let text: string;
  if (typeof code === "number") {
    if (!Number.isInteger(code) || code < 0 || code >= 1_000_000) return false;
    text = code.toString().padStart(6, "0");
  } else {
    if (!/^[0-9]{6}$/.test(code)) return false;
    text = code;
  }
  const prefecture = Number(text.slice(0, 2));
  if (prefecture < 1 || prefecture > 47) return false;
  return localGovernmentCheckDigit(text.slice(0, 5)) === Number(text[5]);
}

/** The prefecture (JIS X 0401, 1–47) of a valid code; throws LocalGovernmentCodeInvalid otherwise. */
export function prefectureOf(code: number): number {
  if (!isValidLocalGovernmentCode(code)) throw new BondTermsError("LocalGovernmentCodeInvalid", [code]);
  return Math.floor(code / 10_000);
}

// ------------------------------------------------------------------------------------------------
// Japanese calendar days
// ------------------------------------------------------------------------------------------------

const DAY_SECONDS = 86_400;
const JST_OFFSET_SECONDS = 9 * 3_600;
/** The calendar range fromCivil and addMonths accept (JstDate.MIN_YEAR / MAX_YEAR). */
export const MIN_YEAR = 1970;
export const MAX_YEAR = 2200;
const MAX_UINT32 = 2 ** 32 - 1;

/** The Japanese day number of a moment: days since 1970-01-01 JST. `date` is a Date or unix seconds. */
export function jstDay(date: Date | number): number {
  const seconds = typeof date === "number" ? date : Math.floor(date.getTime() / 1000);
  if (!Number.isSafeInteger(seconds) || seconds < 0) throw new Error(`not a unix time: ${seconds}`);
  const day = Math.floor((seconds + JST_OFFSET_SECONDS) / DAY_SECONDS);
  if (day > MAX_UINT32) throw new BondTermsError("JstDateTimestampOutOfRange", [BigInt(seconds)]);
  return day;
}

/** Unix seconds of 00:00 JST of `day` (JstDate.startOf). Day 0 began before the epoch: throws. */
export function startOfDay(day: number): number {
  if (day === 0) throw new BondTermsError("JstDateDayOutOfRange", [0]);
  return day * DAY_SECONDS - JST_OFFSET_SECONDS;
}

/** 00:00 JST of `day` as a Date. */
export function dayToDate(day: number): Date {
  return new Date(startOfDay(day) * 1000);
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in `month` (1–12) of `year`, from JavaScript's own calendar. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The day number of a Japanese calendar date (1970–2200); throws JstDateInvalid for impossible dates. */
export function fromCivil(year: number, month: number, dayOfMonth: number): number {
  const valid =
    [year, month, dayOfMonth].every(Number.isInteger) &&
    year >= MIN_YEAR &&
    year <= MAX_YEAR &&
    month >= 1 &&
    month <= 12 &&
    dayOfMonth >= 1 &&
    dayOfMonth <= daysInMonth(year, month);
  if (!valid) throw new BondTermsError("JstDateInvalid", [year, month, dayOfMonth]);
  // A Japanese date's day number is the UTC day number of the same calendar date.
  return Date.UTC(year, month - 1, dayOfMonth) / (DAY_SECONDS * 1000);
}

/** The Japanese calendar date of a day number. */
export function toCivil(day: number): { year: number; month: number; dayOfMonth: number } {
  const d = new Date(day * DAY_SECONDS * 1000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, dayOfMonth: d.getUTCDate() };
}

/** The same day of the month `months` months later, clamped to the last day of that month. */
export function addMonths(day: number, months: number): number {
  const { year, month, dayOfMonth } = toCivil(day);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  if (y > MAX_YEAR) throw new BondTermsError("JstDateAddMonthsOutOfRange", [day, months]);
  const m = (index % 12) + 1;
  return fromCivil(y, m, Math.min(dayOfMonth, daysInMonth(y, m)));
}

// ------------------------------------------------------------------------------------------------
// Bond arithmetic (rates in parts per million of face per year, amounts in whole yen)
// ------------------------------------------------------------------------------------------------

type Int = bigint | number;
const MICROS = 1_000_000n;
/** One indexation coefficient unit: 1.00000 = 100_000 (five decimals). */
export const COEFFICIENT_ONE = 100_000n;
export const COUPON_FREQUENCIES = [1n, 2n, 4n, 12n] as const;

/** Coupon of one period: floor(face × rate / (1e6 × frequency)); frequency 1, 2, 4 or 12. */
export function periodCoupon(face: Int, rateMicros: Int, frequency: Int): bigint {
  const f = BigInt(frequency);
  if (!COUPON_FREQUENCIES.includes(f as never)) throw new BondTermsError("BondMathInvalidFrequency", [f]);
  return (BigInt(face) * BigInt(rateMicros)) / (MICROS * f);
}

/**
 * Accrued interest (JGB practice): Act/365 on actual days counting 29 February, from the last coupon
 * date (exclusive) to settlement (inclusive), truncated to the yen, never above the period's coupon.
 */
export function accruedInterest(
  face: Int,
  rateMicros: Int,
  frequency: Int,
  lastCouponDay: number,
  settlementDay: number,
): bigint {
  if (settlementDay < lastCouponDay) {
    throw new BondTermsError("BondMathSettlementBeforeCouponDate", [lastCouponDay, settlementDay]);
  }
  const cap = periodCoupon(face, rateMicros, frequency);
  const days = BigInt(settlementDay - lastCouponDay);
  const amount = (BigInt(face) * BigInt(rateMicros) * days) / (365n * MICROS);
  return amount < cap ? amount : cap;
}

/**
 * The share of `amount` of face, paid after `totalBefore` of face was already paid, of a distribution of
 * numerator/denominator per unit of face: cumulative rounding, so the shares always add up exactly.
 */
export function proRata(totalBefore: Int, amount: Int, numerator: Int, denominator: Int): bigint {
  const den = BigInt(denominator);
  if (den === 0n) throw new BondTermsError("BondMathZeroDenominator", []);
  const num = BigInt(numerator);
  const before = BigInt(totalBefore);
  return ((before + BigInt(amount)) * num) / den - (before * num) / den;
}

/**
 * JGBi indexation coefficient referenceCpi ÷ baseCpi with five decimals (100_000 = 1.00000), rounded
 * half up at the sixth decimal. CPI values carry three implied decimals (104.123 → 104123).
 */
export function indexationCoefficient(referenceCpi: Int, baseCpi: Int): bigint {
  const ref = BigInt(referenceCpi);
  const base = BigInt(baseCpi);
  if (ref === 0n || base === 0n) throw new BondTermsError("BondMathZeroCpi", []);
  // Exact half-up: floor(ref/base × 1e5 + 1/2) = floor((2·ref·1e5 + base) / (2·base)).
  return (2n * ref * COEFFICIENT_ONE + base) / (2n * base);
}

/** Inflation-adjusted principal floor(face × coefficient / 1e5), at least face under a deflation floor. */
export function indexedPrincipal(face: Int, coefficient: Int, deflationFloor: boolean): bigint {
  const principal = (BigInt(face) * BigInt(coefficient)) / COEFFICIENT_ONE;
  return deflationFloor && principal < BigInt(face) ? BigInt(face) : principal;
}

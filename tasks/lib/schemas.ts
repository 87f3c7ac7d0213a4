/**
 * Argument schemas for operator tasks (zod). Every task argument arrives as a string from the command
 * line; these schemas check it and turn it into the value the contracts take, with a message that says
 * what was expected. Check digits (ISIN, local government code) and calendar dates are checked here, so
 * bad input is refused before anything is sent.
 */
import { z } from "zod";
import { getAddress, isAddress } from "ethers";
import { isValidIsin, isValidLocalGovernmentCode } from "../../scripts/lib/bond-terms";
import { type Day, parseDate } from "../../scripts/lib/calendar";
import { COUNTRY } from "../../scripts/lib/constants";

/** A 20-byte address (any case), returned checksummed. The zero address is refused. */
export const address = z
  .string({ error: "an address is required" })
  .trim()
  .refine((s) => isAddress(s), { error: (issue) => `${JSON.stringify(issue.input)} is not an address` })
  .transform((s) => getAddress(s))
  .refine((s) => s !== "0x0000000000000000000000000000000000000000", { error: "the zero address is not allowed" });

/** A whole number ≥ 0 (digits, `_` or `,` as thousands separators), as a bigint. */
export const amount = z
  .string({ error: "an amount is required" })
  .trim()
  .refine((s) => /^[0-9][0-9_,]*$/.test(s), {
    error: (issue) => `${JSON.stringify(issue.input)} is not a whole number of units`,
  })
  .transform((s) => BigInt(s.replace(/[_,]/g, "")));

/** A whole number > 0, as a bigint. */
export const positiveAmount = amount.refine((n) => n > 0n, { error: "must be greater than zero" });

/** A small whole number (counts, indexes, ports) in [min, max]. */
export function integer(min: number, max: number) {
  return z
    .string({ error: "a number is required" })
    .trim()
    .refine((s) => /^[0-9]+$/.test(s), { error: (issue) => `${JSON.stringify(issue.input)} is not a whole number` })
    .transform((s) => Number(s))
    .refine((n) => n >= min && n <= max, { error: `must be between ${min} and ${max}` });
}

/** A calendar date YYYY-MM-DD, as a JST day number. */
export const date = z
  .string({ error: "a date (YYYY-MM-DD) is required" })
  .trim()
  .transform((s, ctx): Day => {
    try {
      return parseDate(s);
    } catch {
      ctx.addIssue({ code: "custom", message: `${JSON.stringify(s)} is not a calendar date YYYY-MM-DD` });
      return z.NEVER;
    }
  });

/** A Japanese ISIN: JP, nine alphanumerics, the Luhn check digit. */
export const isin = z
  .string({ error: "an ISIN is required" })
  .trim()
  .refine((s) => /^JP[0-9A-Z]{10}$/.test(s), {
    error: (issue) => `${JSON.stringify(issue.input)} is not a Japanese ISIN (JP + 10 characters)`,
  })
  .refine((s) => isValidIsin(s), { error: (issue) => `${String(issue.input)} fails the ISIN check digit` });

/** A six-digit local government code (全国地方公共団体コード) with its check digit, as a number. */
export const localGovernmentCode = z
  .string({ error: "a local government code is required" })
  .trim()
  .refine((s) => /^[0-9]{6}$/.test(s), {
    error: (issue) => `${JSON.stringify(issue.input)} is not a six-digit local government code`,
  })
  .refine((s) => isValidLocalGovernmentCode(s), {
    error: (issue) => `${String(issue.input)} fails the local government code check digit (or prefecture 01-47)`,
  })
  .transform((s) => Number(s));

/** An ISO 3166-1 country: a numeric code (392) or one of the alpha-2 codes kosai names (JP, US, ...). */
export const country = z
  .string({ error: "a country is required" })
  .trim()
  .transform((s, ctx) => {
    const named = (COUNTRY as Record<string, number>)[s.toUpperCase()];
    if (named !== undefined) return named;
    if (/^[0-9]{1,3}$/.test(s) && Number(s) > 0) return Number(s);
    ctx.addIssue({
      code: "custom",
      message: `${JSON.stringify(s)} is not an ISO 3166-1 numeric code or one of ${Object.keys(COUNTRY).join(", ")}`,
    });
    return z.NEVER;
  });

/** A comma-separated list of `item`s (at least one). */
export function list<T extends z.ZodType<unknown, string>>(item: T) {
  return z
    .string()
    .trim()
    .transform((s) => s.split(",").map((part) => part.trim()))
    .pipe(z.array(item).min(1, { error: "at least one value is required" }));
}

/** A series symbol as recorded by series:create / bond:create. */
export const symbol = z
  .string({ error: "a series symbol is required" })
  .trim()
  .refine((s) => /^[A-Za-z0-9._-]{1,32}$/.test(s), {
    error: (issue) => `${JSON.stringify(issue.input)} is not a series symbol (letters, digits, . _ -)`,
  });

/** Checks that `value` is a whole multiple of `unit`; for amounts of bonds in yen of face. */
export function multipleOf(value: bigint, unit: bigint): boolean {
  return unit > 0n && value % unit === 0n;
}

/** An ONCHAINID claim topic: a whole number from 1 to 2^256 - 1, as a bigint. */
export const claimTopic = z
  .string({ error: "a claim topic is required" })
  .trim()
  .refine((s) => /^[0-9]{1,78}$/.test(s), { error: (issue) => `${JSON.stringify(issue.input)} is not a claim topic (a whole number)` })
  .transform((s) => BigInt(s))
  .refine((n) => n > 0n && n < 2n ** 256n, { error: "a claim topic is between 1 and 2^256 - 1" });

/** A list of distinct claim topics, comma-separated. */
export const claimTopics = list(claimTopic).refine((topics) => new Set(topics).size === topics.length, {
  error: "a topic is listed twice",
});

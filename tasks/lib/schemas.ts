/**
 * Argument schemas for operator tasks (zod). Every task argument arrives as a string from the command
 * line; these schemas check it and turn it into the value the contracts take, with a message that says
 * what was expected. Check digits (ISIN, local government code) and calendar dates are checked here, so
 * bad input is refused before anything is sent.
 */
import { z } from "zod";
import { getAddress, isAddress } from "ethers";
import { isValidIsin, isValidLocalGovernmentCode } from "../../scripts/lib/bond-terms";
import { type Day, jstMidnight, parseDate } from "../../scripts/lib/calendar";
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
  .refine((s) => /^[0-9]{1,78}$/.test(s), {
    error: (issue) => `${JSON.stringify(issue.input)} is not a claim topic (a whole number)`,
  })
  .transform((s) => BigInt(s))
  .refine((n) => n > 0n && n < 2n ** 256n, { error: "a claim topic is between 1 and 2^256 - 1" });

/** A list of distinct claim topics, comma-separated. */
export const claimTopics = list(claimTopic).refine((topics) => new Set(topics).size === topics.length, {
  error: "a topic is listed twice",
});

/** A point in time: absolute (unix seconds) or relative to the chain's clock (seconds from now). */
export type Moment = { kind: "at"; unix: number } | { kind: "in"; seconds: number };

const RELATIVE_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * A moment: `YYYY-MM-DD` (the end of that JST day, 23:59:59), `YYYY-MM-DDTHH:MM` (JST), unix seconds
 * (digits), or `+N[s|m|h|d]` from the chain's current time.
 */
export const moment = z
  .string({ error: "a time is required" })
  .trim()
  .transform((s, ctx): Moment => {
    const relative = /^\+([0-9]+)([smhd])$/.exec(s);
    if (relative) return { kind: "in", seconds: Number(relative[1]) * RELATIVE_UNITS[relative[2]] };
    if (/^[0-9]{9,11}$/.test(s)) return { kind: "at", unix: Number(s) };
    const timed = /^([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2}))?$/.exec(s);
    if (timed) {
      try {
        const midnight = jstMidnight(parseDate(timed[1]));
        if (timed[2] === undefined) return { kind: "at", unix: midnight + 86_399 };
        const [hours, minutes] = [Number(timed[2]), Number(timed[3])];
        if (hours < 24 && minutes < 60) return { kind: "at", unix: midnight + hours * 3600 + minutes * 60 };
      } catch {
        // falls through to the issue below
      }
    }
    ctx.addIssue({
      code: "custom",
      message: `${JSON.stringify(s)} is not a time (YYYY-MM-DD, YYYY-MM-DDTHH:MM JST, unix seconds, or +N[s|m|h|d])`,
    });
    return z.NEVER;
  });

/** PriceFeed.MAX_PRICE: ¥1,000 per ¥100 of face, 6 decimals. */
export const MAX_PRICE = 1_000_000_000n;

/**
 * A price in yen per ¥100 of face with up to 6 decimals ("99.875"), as the feed stores it (99_875_000n);
 * above zero and at most ¥1,000.
 */
export const pricePer100 = z
  .string({ error: "a price per ¥100 is required" })
  .trim()
  .refine((s) => /^[0-9]+(\.[0-9]{1,6})?$/.test(s), {
    error: (issue) => `${JSON.stringify(issue.input)} is not a price per ¥100 (digits, up to 6 decimals)`,
  })
  .transform((s) => {
    const [whole, fraction = ""] = s.split(".");
    return BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, "0"));
  })
  .refine((p) => p > 0n && p <= MAX_PRICE, { error: "must be above 0 and at most 1000 (yen per ¥100 of face)" });

/** Formats a 6-decimal price per ¥100 ("99.875"). */
export function formatPrice(price6: bigint): string {
  const whole = price6 / 1_000_000n;
  const fraction = (price6 % 1_000_000n).toString().padStart(6, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}

/** A DvP trade id: 0x and 64 hex digits (the EIP-712 digest dvp:instruct prints). */
export const tradeId = z
  .string({ error: "a trade id is required" })
  .trim()
  .refine((t) => /^0x[0-9a-fA-F]{64}$/.test(t), {
    error: (issue) => `${JSON.stringify(issue.input)} is not a trade id (0x + 64 hex)`,
  });

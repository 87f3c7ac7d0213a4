/**
 * Argument schemas of the issuer and paying-agent tasks (bond:create, token:mint, offering:*, coupon:pay,
 * cpi:publish): bond kinds, coupon rates in percent, CPI values, joint issuers, prices. Like schemas.ts,
 * no Hardhat runtime here: task files import this at load time.
 */
import { z } from "zod";
import { isValidLocalGovernmentCode } from "../../scripts/lib/bond-terms";
import { BOND_KIND, type BondKindName } from "../../scripts/lib/constants";
import { UsageError } from "./errors";

/** A BondFactory kind by name (any case): FixedRateJgb, DiscountBill, ..., MunicipalResident. */
export const bondKind = z
  .string({ error: `a bond kind is required (${Object.keys(BOND_KIND).join(", ")})` })
  .trim()
  .transform((s, ctx): BondKindName => {
    const found = Object.keys(BOND_KIND).find((k) => k.toLowerCase() === s.toLowerCase());
    if (found === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `${JSON.stringify(s)} is not one of ${Object.keys(BOND_KIND).join(", ")}`,
      });
      return z.NEVER;
    }
    return found as BondKindName;
  });

/**
 * A decimal with at most `decimals` places, scaled to an integer (`"0.9"` with 4 places → 9000). Used for
 * coupon rates in percent (4 places: ppm of a year), CPI (3 places) and prices (6 places).
 */
export function scaledDecimal(decimals: number, what: string) {
  return z
    .string({ error: `${what} is required` })
    .trim()
    .transform((s, ctx): bigint => {
      const match = /^([0-9]+)(?:\.([0-9]+))?$/.exec(s);
      if (!match || (match[2] ?? "").length > decimals) {
        ctx.addIssue({
          code: "custom",
          message: `${JSON.stringify(s)} is not ${what} (a decimal with at most ${decimals} places)`,
        });
        return z.NEVER;
      }
      return BigInt(match[1] + (match[2] ?? "").padEnd(decimals, "0"));
    });
}

/** A coupon rate in percent a year (`0.9` = 0.9%), at most 4 decimals, as ppm (the contracts' unit: 9000). */
export const couponRatePercent = scaledDecimal(4, "a coupon rate in percent").refine((ppm) => ppm <= 100_000n, {
  error: "must be at most 10 (percent a year)",
});

/** A reference CPI with at most 3 decimals (`101.7`), as the feed's integer (101700). */
export const cpiValue = scaledDecimal(3, "a CPI value").refine((v) => v > 0n && v < 2n ** 64n, {
  error: "must be positive",
});

/** A price in yen per ¥100 face with at most 6 decimals (`99.95`), as the feed's integer (99_950_000). */
export const price = scaledDecimal(6, "a price per ¥100 face").refine((v) => v > 0n && v < 2n ** 64n, {
  error: "must be positive",
});

/** Joint issuers `code:share,code:share` (local government codes with check digits, face shares in yen). */
export const jointIssuers = z
  .string()
  .trim()
  .transform((s, ctx) => {
    const out: { code: number; share: bigint }[] = [];
    for (const part of s.split(",").map((p) => p.trim())) {
      const match = /^([0-9]{6}):([0-9][0-9_]*)$/.exec(part);
      if (!match) {
        ctx.addIssue({ code: "custom", message: `${JSON.stringify(part)} is not code:share (e.g. 131016:500000000)` });
        continue;
      }
      if (!isValidLocalGovernmentCode(match[1])) {
        ctx.addIssue({ code: "custom", message: `${match[1]} fails the local government code check digit` });
        continue;
      }
      const share = BigInt(match[2].replace(/_/g, ""));
      if (share === 0n) ctx.addIssue({ code: "custom", message: `${match[1]}: share must be greater than zero` });
      if (out.some((o) => o.code === Number(match[1]))) {
        ctx.addIssue({ code: "custom", message: `${match[1]} is listed twice` });
      }
      out.push({ code: Number(match[1]), share });
    }
    return out;
  });

/** A coupon frequency: 1 (annual) or 2 (semi-annual); 0 for a discount bill. */
export const frequency = z
  .string()
  .trim()
  .refine((s) => s === "0" || s === "1" || s === "2", {
    error: (issue) => `${JSON.stringify(issue.input)} is not a coupon frequency (1 or 2 a year; 0 for a bill)`,
  })
  .transform((s) => Number(s) as 0 | 1 | 2);

/** A batch size for payment and delivery runs. */
export function batchSize(max: number) {
  return z
    .string()
    .trim()
    .refine((s) => /^[0-9]+$/.test(s) && Number(s) >= 1 && Number(s) <= max, {
      error: `must be a whole number between 1 and ${max}`,
    })
    .transform((s) => Number(s));
}

/** The offering id from --offering, or the series' recorded offering. */
export function offeringId(operations: Record<string, Record<string, unknown>>, id?: number, series?: string): bigint {
  if (id !== undefined) return BigInt(id);
  if (series === undefined)
    throw new UsageError("bad arguments", [{ argument: "--offering", message: "give --offering <id> or --series" }]);
  const recorded = operations[`offering:${series}`]?.id;
  if (recorded === undefined) throw new UsageError(`no offering of ${series} is recorded (offering:open)`);
  return BigInt(recorded as number);
}

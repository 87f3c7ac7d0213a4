/**
 * The investors an operator onboards: one from the command line or many from a file (CSV with a header
 * `wallet,country,municipality,topics`, optional `workplace`; or a JSON array of objects with those
 * keys). Every row is checked (address, country, local government code check digits, topics) and a
 * wallet may appear once; all problems are reported together, naming the file's line or index.
 * No Hardhat runtime here: safe to import at a task file's top.
 */
import fs from "node:fs";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { type ArgumentProblem, UsageError } from "./errors";
import * as s from "./schemas";

/** One investor to register. */
export interface InvestorInput {
  wallet: string;
  /** ISO 3166-1 numeric. */
  country: number;
  /** Local government code of residence (adds the residence claim). */
  municipality?: number;
  /** Local government code of the workplace (adds the workplace claim). */
  workplace?: number;
  /** Extra claim topics beyond the required ones and the area claims. */
  topics: bigint[];
}

/** Most investors one file may hold. */
export const MAX_BATCH = 10_000;

/** Topics inside one CSV cell or JSON string: separated by `;`, `|`, spaces or commas. */
const topicCell = z
  .string()
  .trim()
  .transform((cell) => cell.split(/[;|,\s]+/).filter((part) => part !== ""))
  .pipe(z.array(s.claimTopic))
  .refine((topics) => new Set(topics).size === topics.length, { error: "a topic is listed twice" });

export const investorRow = z.object({
  wallet: s.address,
  country: s.country,
  municipality: s.localGovernmentCode.optional(),
  workplace: s.localGovernmentCode.optional(),
  topics: topicCell.default([]),
});

/** Empty cells and JSON numbers become absent values and strings, as on the command line. */
function normalise(raw: Record<string, unknown>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(raw)) {
    const name = key.trim();
    if (value === undefined || value === null || value === "") out[name] = undefined;
    else if (Array.isArray(value)) out[name] = value.map((v) => String(v)).join(";");
    else out[name] = String(value);
  }
  return out;
}

/** Reads and checks an investor file; a UsageError lists every bad row (first 50). */
export function readInvestorFile(file: string): InvestorInput[] {
  if (!fs.existsSync(file))
    throw new UsageError("bad arguments", [{ argument: "--file", message: `${file} does not exist` }]);
  const text = fs.readFileSync(file, "utf8");
  let rows: { where: string; raw: Record<string, unknown> }[];
  try {
    if (/^\s*\[/.test(text)) {
      const parsed = JSON.parse(text) as unknown;
      if (!Array.isArray(parsed)) throw new Error("a JSON investor file is an array of objects");
      rows = parsed.map((raw, i) => {
        if (raw === null || typeof raw !== "object") throw new Error(`[${i}] is not an object`);
        return { where: `[${i}]`, raw: raw as Record<string, unknown> };
      });
    } else {
      const records = parse(text, { columns: true, skip_empty_lines: true, trim: true, comment: "#" }) as Record<
        string,
        string
      >[];
      rows = records.map((raw, i) => ({ where: ` line ${i + 2}`, raw }));
      const header = records.length > 0 ? Object.keys(records[0]) : [];
      if (!header.includes("wallet") || !header.includes("country")) {
        throw new Error(`the CSV header must name at least wallet,country (got ${header.join(",") || "nothing"})`);
      }
    }
  } catch (error) {
    throw new UsageError("bad arguments", [{ argument: "--file", message: `${file}: ${(error as Error).message}` }]);
  }
  if (rows.length === 0)
    throw new UsageError("bad arguments", [{ argument: "--file", message: `${file} lists no investors` }]);
  if (rows.length > MAX_BATCH) {
    throw new UsageError("bad arguments", [
      { argument: "--file", message: `${file} lists ${rows.length} investors; at most ${MAX_BATCH} per run` },
    ]);
  }
  const problems: ArgumentProblem[] = [];
  const investors: InvestorInput[] = [];
  const firstSeen = new Map<string, string>();
  for (const { where, raw } of rows) {
    const parsed = investorRow.safeParse(normalise(raw));
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? "");
        const missing = issue.code === "invalid_type" && (issue as { input?: unknown }).input === undefined;
        problems.push({ argument: `--file${where} ${field}`, message: missing ? "is required" : issue.message });
      }
      continue;
    }
    const earlier = firstSeen.get(parsed.data.wallet);
    if (earlier !== undefined) {
      problems.push({
        argument: `--file${where} wallet`,
        message: `${parsed.data.wallet} is already listed at${earlier}`,
      });
      continue;
    }
    firstSeen.set(parsed.data.wallet, where);
    investors.push(parsed.data);
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 50);
    if (problems.length > shown.length)
      shown.push({ argument: "", message: `... and ${problems.length - shown.length} more` });
    throw new UsageError(`bad investor file ${file}`, shown);
  }
  return investors;
}

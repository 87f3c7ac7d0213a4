/**
 * token:mint — issues units of a recorded series (a bond, or JPYD cash by the bank) to one recipient
 * (`--to --amount`) or to every line of a CSV file (`--file`, lines `to,amount`, batched). Before anything
 * is sent: amounts whole multiples of the series' unit, every recipient verified by the identity registry
 * and accepted by the token (frozen, paused, locked, compliance: the reason is named), the sender holding
 * SUPPLY_AGENT. Resumable: each transaction's nonce and calldata are recorded before it leaves and looked
 * up on chain by a rerun, and a file's progress (lines minted) is recorded with it, so a killed run never
 * mints a line twice.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import { type ArgumentProblem, UsageError } from "./lib/errors";
import * as s from "./lib/schemas";
import * as b from "./lib/bond-schemas";

operation({
  name: "token:mint",
  description:
    "Mints units of a recorded series (a bond, or JPYD cash) to --to (--amount), or to every line of --file (CSV " +
    "to,amount; batched, resumable: a rerun mints only the lines not yet minted). Amounts are yen (face for bonds, " +
    "whole multiples of the unit). Recipients must be verified; refusals are named before anything is sent.",
  params: {
    series: { description: "series symbol (e.g. JGB381, JPYD)" },
    to: { description: "recipient address" },
    amount: { description: "amount, yen (bonds: face, a multiple of the unit)" },
    file: { description: "CSV file of to,amount lines (instead of --to/--amount)" },
    batch: { description: "lines per transaction with --file (default 100, at most 200)" },
  },
  schema: z.object({
    series: s.symbol,
    to: s.address.optional(),
    amount: s.positiveAmount.optional(),
    file: z.string().trim().min(1).optional(),
    batch: b.batchSize(200).default(100),
  }),
  async run(args, ctx) {
    const store = await ctx.store();
    const record = store.series(args.series);
    const signer = await ctx.signer(record.kind === "cash" ? "bank" : "owner");
    const { supplySeries, mintRefusals } = await import("./lib/supply");
    const { sendOnce } = await import("./lib/bond-ops");
    const series = await supplySeries(store, args.series, signer);
    const { token, unit } = series;

    // The lines to mint: one, or the file's.
    let lines: { line: number; to: string; amount: bigint }[];
    let key: string;
    if (args.file !== undefined) {
      if (args.to !== undefined || args.amount !== undefined) {
        throw new UsageError("bad arguments", [
          { argument: "--file", message: "give --file or --to/--amount, not both" },
        ]);
      }
      ({ lines, key } = await readLines(args.file, args.series));
    } else {
      if (args.to === undefined || args.amount === undefined) {
        throw new UsageError("bad arguments", [
          ...(args.to === undefined ? [{ argument: "--to", message: "is required (or --file)" }] : []),
          ...(args.amount === undefined ? [{ argument: "--amount", message: "is required (or --file)" }] : []),
        ]);
      }
      lines = [{ line: 1, to: args.to, amount: args.amount }];
      key = `mint:${args.series}:${args.to}:${args.amount}`;
    }
    const problems: ArgumentProblem[] = [];
    const where = (l: { line: number }) => (args.file !== undefined ? `line ${l.line}` : "--amount");
    for (const l of lines) {
      if (l.amount % unit !== 0n) {
        problems.push({
          argument: where(l),
          message: `${l.amount} is not a whole number of ¥${unit.toLocaleString("en-US")} units of ${args.series}`,
        });
      }
    }
    if (problems.length > 0) throw new UsageError("bad arguments", problems);

    const op = (store.record.operations[key] ??= {});
    const done = typeof op.done === "number" ? op.done : 0;
    // Refusals of the lines still to mint, named before anything is sent (amounts per recipient added up).
    const totals = new Map<string, bigint>();
    for (const l of lines.slice(done)) totals.set(l.to, (totals.get(l.to) ?? 0n) + l.amount);
    for (const [to, refusal] of await mintRefusals(series, totals)) {
      const first = lines.slice(done).find((l) => l.to === to)!;
      problems.push({
        argument: args.file !== undefined ? `line ${first.line}` : "--to",
        message: `mint refused: ${refusal}`,
      });
    }
    if (problems.length > 0 && op.pending === undefined) {
      if (Object.keys(op).length === 0) delete store.record.operations[key];
      throw new UsageError("nothing was sent", problems);
    }

    let sent = 0;
    let adopted = 0;
    const progress = ctx.progress(`mint ${args.series}`, lines.length);
    progress.tick(done);
    for (let i = done; i < lines.length; i += args.batch) {
      const chunk = lines.slice(i, i + args.batch);
      const commit = () => (op.done = i + chunk.length);
      const outcome =
        chunk.length === 1 && args.file === undefined
          ? await sendOnce(
              ctx,
              store,
              key,
              signer,
              `mint ${chunk[0].amount} ${args.series} to ${chunk[0].to}`,
              token,
              "mint",
              [chunk[0].to, chunk[0].amount],
              commit,
            )
          : await sendOnce(
              ctx,
              store,
              key,
              signer,
              `mint ${args.series} lines ${chunk[0].line}-${chunk[chunk.length - 1].line}`,
              token,
              "batchMint",
              [chunk.map((l) => l.to), chunk.map((l) => l.amount)],
              commit,
            );
      if (outcome === "sent") sent++;
      else adopted++;
      progress.tick(chunk.length);
    }
    progress.stop();
    // A single mint is done once mined: the same command later is a new mint. A file keeps its progress.
    if (args.file === undefined) delete store.record.operations[key];
    store.save();
    const total = lines.reduce((sum, l) => sum + l.amount, 0n);
    return {
      title:
        `minted ${total.toLocaleString("en-US")} ${args.series} to ${lines.length} line(s): ${sent} transaction(s) sent` +
        (adopted ? `, ${adopted} found mined from an earlier run` : "") +
        (done ? `, ${done} line(s) already minted before` : ""),
      summary: {
        series: args.series,
        token: await token.getAddress(),
        lines: lines.length,
        total,
        totalSupply: await token.totalSupply(),
      },
      rows: lines.length <= 50 ? lines.map((l) => ({ line: l.line, to: l.to, amount: l.amount })) : undefined,
    };
  },
});

/** Reads a CSV of `to,amount` lines (a header line is allowed); the record key names the file's content. */
async function readLines(file: string, symbol: string) {
  const fs = await import("node:fs");
  const { createHash } = await import("node:crypto");
  const { parse } = await import("csv-parse/sync");
  const { getAddress, isAddress } = await import("ethers");
  if (!fs.existsSync(file))
    throw new UsageError("bad arguments", [{ argument: "--file", message: `${file} does not exist` }]);
  const text = fs.readFileSync(file, "utf8");
  const rows = parse(text, { trim: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  const problems: ArgumentProblem[] = [];
  const lines: { line: number; to: string; amount: bigint }[] = [];
  rows.forEach((row, index) => {
    const line = index + 1;
    if (index === 0 && row[0]?.toLowerCase() === "to") return;
    const [to, amount] = row;
    if (row.length !== 2 || !isAddress(to ?? "") || !/^[0-9][0-9_]*$/.test(amount ?? "")) {
      problems.push({
        argument: `--file line ${line}`,
        message: `${JSON.stringify(row.join(","))} is not address,amount`,
      });
      return;
    }
    const value = BigInt(amount.replace(/_/g, ""));
    if (value === 0n) problems.push({ argument: `--file line ${line}`, message: "amount must be greater than zero" });
    lines.push({ line, to: getAddress(to), amount: value });
  });
  if (lines.length === 0 && problems.length === 0) problems.push({ argument: "--file", message: "has no lines" });
  if (problems.length > 0) throw new UsageError("bad arguments", problems);
  const digest = createHash("sha256").update(text).digest("hex").slice(0, 16);
  return { lines, key: `mint:${symbol}:file:${digest}` };
}

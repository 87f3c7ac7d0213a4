/**
 * How operator tasks print: a readable table for people, one JSON document for machines (`--json`).
 * Progress bars and notes go to stderr so that stdout stays parseable.
 */
import Table from "cli-table3";
import { SingleBar, Presets } from "cli-progress";

/** What a task reports when it succeeds. */
export interface OperationResult {
  /** One line saying what was done. */
  title: string;
  /** Key facts (addresses, totals). */
  summary?: Record<string, unknown>;
  /** One row per item handled (investors, holders, trades). */
  rows?: Record<string, unknown>[];
  /** Files written. */
  files?: string[];
}

/** A value as printed: bigints and numbers in full, nested values as JSON. */
export function display(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "bigint") return value.toLocaleString("en-US");
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "object") return JSON.stringify(value, jsonReplacer);
  return String(value);
}

/** JSON.stringify replacer: bigints become decimal strings. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/** Renders a list of rows as a table with the union of their keys as columns. */
export function table(rows: Record<string, unknown>[]): string {
  const head = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const t = new Table({ head, style: { head: [], border: [] } });
  for (const row of rows) t.push(head.map((key) => display(row[key])));
  return t.toString();
}

/** Renders a key/value summary as a two-column table. */
export function keyValues(summary: Record<string, unknown>): string {
  const t = new Table({ style: { head: [], border: [] } });
  for (const [key, value] of Object.entries(summary)) t.push({ [key]: display(value) });
  return t.toString();
}

/** Prints a result: JSON on one document, or title, summary, rows and files for people. */
export function printResult(result: OperationResult, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ ok: true, ...result }, jsonReplacer, 2)}\n`);
    return;
  }
  const out: string[] = [result.title];
  if (result.summary && Object.keys(result.summary).length > 0) out.push(keyValues(result.summary));
  if (result.rows && result.rows.length > 0) out.push(table(result.rows));
  for (const file of result.files ?? []) out.push(`wrote ${file}`);
  process.stdout.write(`${out.join("\n")}\n`);
}

/** A progress bar on stderr; silent when stderr is not a terminal or output is JSON, except a final line. */
export class Progress {
  private readonly bar: SingleBar | undefined;
  private done = 0;
  private printed = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly quiet: boolean,
  ) {
    if (!quiet && process.stderr.isTTY && total > 1) {
      this.bar = new SingleBar(
        { format: `${label} [{bar}] {value}/{total} {percentage}% eta {eta_formatted}`, stream: process.stderr },
        Presets.shades_classic,
      );
      this.bar.start(total, 0);
    }
  }

  /** Marks `n` more items done. */
  tick(n = 1): void {
    this.done += n;
    this.bar?.update(this.done);
    // Without a terminal (logs, CI, a supervising process): a line at every tenth of the batch.
    if (!this.bar && !this.quiet && this.total > 1 && this.done < this.total && this.done - this.printed >= this.total / 10) {
      this.printed = this.done;
      process.stderr.write(`${this.label}: ${this.done}/${this.total}\n`);
    }
  }

  /** Ends the bar and prints the count (to stderr) when there was no bar. */
  stop(): void {
    if (this.bar) this.bar.stop();
    else if (this.total > 1) process.stderr.write(`${this.label}: ${this.done}/${this.total}\n`);
  }
}

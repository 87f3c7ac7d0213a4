/**
 * Shared checks of the agent, DvP and collateral tasks: the recorded series as a typed token, the
 * sender's role on a contract, a wallet's holding (balance, frozen, pledged, free), verification in the
 * identity registry, the chain's clock, the face unit of a series. Each check throws a UsageError naming
 * the argument, so nothing is sent on bad input. Loaded only inside a task's action (imports the runtime).
 */
import { ethers } from "hardhat";
import type { Signer } from "ethers";
import type { IdentityRegistry, SecurityToken } from "../../typechain-types";
import { ROLES } from "../../scripts/lib/constants";
import { at } from "./bond-ops";
import { UsageError } from "./errors";
import type { RecordStore, SeriesRecord } from "./record";
import type { Moment } from "./schemas";

/** Role id → its name in scripts/lib/constants.ts ROLES. */
const ROLE_NAMES: Record<string, string> = Object.fromEntries(Object.entries(ROLES).map(([name, id]) => [id, name]));

/** A usage error about one argument. */
export function badArgument(argument: string, message: string): UsageError {
  return new UsageError("bad arguments", [{ argument, message }]);
}

/** A recorded series as a typed SecurityToken (bond series included: BondToken extends it). */
export interface OpenSeries {
  symbol: string;
  record: SeriesRecord;
  address: string;
  token: SecurityToken;
}

/** Opens the recorded series `symbol` (usage error listing the known ones when missing). */
export async function openSeries(store: RecordStore, symbol: string, signer?: Signer): Promise<OpenSeries> {
  const record = store.series(symbol);
  const token = (await ethers.getContractAt("SecurityToken", record.token, signer)) as unknown as SecurityToken;
  return { symbol, record, address: record.token, token };
}

/** Typed contract at `address`, connected to `signer`. */
export { at };

/**
 * Refuses unless `account` holds `role` on `contract`: the usage error names the role, the account and
 * the contract, so the operator knows which grant is missing.
 */
export async function requireRole(
  contract: { hasRole(role: string, account: string): Promise<boolean> },
  role: string,
  account: string,
  where: string,
  roleName?: string,
): Promise<void> {
  if (await contract.hasRole(role, account)) return;
  const name = roleName ?? (role === ROLES.DEFAULT_ADMIN ? "DEFAULT_ADMIN (owner)" : (ROLE_NAMES[role] ?? role));
  throw badArgument("--from", `${account} does not have ${name} on ${where}`);
}

/** A wallet's position in a series. */
export interface Holding {
  balance: bigint;
  frozen: bigint;
  pledged: bigint;
  /** balance − frozen − pledged. */
  free: bigint;
  walletFrozen: boolean;
}

export async function holdingOf(token: SecurityToken, wallet: string): Promise<Holding> {
  const [balance, frozen, pledged, free, walletFrozen] = await Promise.all([
    token.balanceOf(wallet),
    token.getFrozenTokens(wallet),
    token.pledgedOf(wallet),
    token.freeBalanceOf(wallet),
    token.isFrozen(wallet),
  ]);
  return { balance, frozen, pledged, free, walletFrozen };
}

/** Refuses `amount` above `wallet`'s free balance, saying what the free balance is made of. */
export function requireFree(argument: string, holding: Holding, amount: bigint, wallet: string): void {
  if (amount <= holding.free) return;
  throw badArgument(
    argument,
    `${amount} exceeds the free balance of ${wallet}: ${holding.free} ` +
      `(balance ${holding.balance} − frozen ${holding.frozen} − pledged ${holding.pledged})`,
  );
}

/** The identity registry a series checks holders against. */
export async function registryOf(token: SecurityToken): Promise<IdentityRegistry> {
  return at<IdentityRegistry>("IdentityRegistry", await token.identityRegistry());
}

/** Refuses a wallet that the registry does not verify (not registered, or claims missing). */
export async function requireVerified(
  registry: IdentityRegistry,
  wallet: string,
  argument: string,
  who = "wallet",
): Promise<void> {
  if (await registry.isVerified(wallet)) return;
  const registered = await registry.contains(wallet);
  throw badArgument(
    argument,
    registered
      ? `${who} ${wallet} is registered but not verified (a required claim is missing or revoked)`
      : `${who} ${wallet} is not registered in the identity registry (run investor:register first)`,
  );
}

/** The latest block's timestamp (the clock contracts see), in unix seconds. */
export async function chainNow(): Promise<number> {
  const block = await ethers.provider.getBlock("latest");
  if (block === null) throw new Error("no latest block");
  return block.timestamp;
}

/**
 * The face unit of a series: recorded (bonds), else the DenominationModule's unit on its compliance,
 * else 1.
 */
export async function unitOf(store: RecordStore, series: OpenSeries): Promise<bigint> {
  if (series.record.unit !== undefined) return BigInt(series.record.unit);
  const module = store.record.contracts["modules.denomination"];
  if (module !== undefined) {
    const denomination = await at<{ denomination(c: string): Promise<[bigint, bigint]> }>("DenominationModule", module);
    const [unit] = await denomination.denomination(series.record.compliance);
    if (unit > 0n) return unit;
  }
  return 1n;
}

/** Refuses an amount that is not a whole multiple of the series' face unit. */
export function requireMultiple(argument: string, value: bigint, unit: bigint, symbol: string): void {
  if (value % unit !== 0n) throw badArgument(argument, `${value} is not a multiple of the ${symbol} unit ${unit}`);
}

/** The address of the signer. */
export async function addressOf(signer: Signer): Promise<string> {
  return signer.getAddress();
}

/** Resolves a {Moment} argument against the chain's clock: unix seconds. */
export async function resolveMoment(moment: Moment): Promise<number> {
  return moment.kind === "at" ? moment.unix : (await chainNow()) + moment.seconds;
}

/** Formats unix seconds as an ISO time in JST. */
export function jstTime(unix: number | bigint): string {
  const ms = (Number(unix) + 9 * 3600) * 1000;
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} JST`;
}

/**
 * Reads a CSV file with a header row (columns named as the task says) into records. A missing file or
 * column is a usage error naming `argument`.
 */
export async function readCsv(file: string, argument: string, columns: string[]): Promise<Record<string, string>[]> {
  const fs = await import("node:fs");
  const { parse } = await import("csv-parse/sync");
  if (!fs.existsSync(file)) throw badArgument(argument, `no such file: ${file}`);
  const rows = parse(fs.readFileSync(file, "utf8"), { columns: true, skip_empty_lines: true, trim: true }) as Record<
    string,
    string
  >[];
  if (rows.length === 0) throw badArgument(argument, `${file} has no rows`);
  for (const column of columns) {
    if (!(column in rows[0]))
      throw badArgument(argument, `${file} has no column "${column}" (header: ${Object.keys(rows[0]).join(",")})`);
  }
  return rows;
}

/** Parses `value` with a zod schema; a failure is a usage error naming `argument` (a CSV cell). */
export function cell<T>(
  schema: { safeParse(v: unknown): { success: boolean; data?: T; error?: { issues: { message: string }[] } } },
  value: unknown,
  argument: string,
): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badArgument(argument, parsed.error?.issues[0]?.message ?? "invalid");
  return parsed.data as T;
}

/**
 * What the escrow:* and price:set tasks share: the recorded escrow and price feed, an account's state
 * (status, requirement, coverage, pledged series), and the checks that refuse a step the escrow would
 * refuse for a reason the operator can fix (no account, wrong status, series not eligible, units not
 * pledged). Loaded only inside a task's action.
 */
import type { Signer } from "ethers";
import type { CollateralEscrow, PriceFeed } from "../../typechain-types";
import type { OperationContext } from "./cli";
import { type OpenSeries, at, badArgument, jstTime } from "./ops";
import type { RecordStore } from "./record";

/** ICollateralEscrow.Status, in enum order. */
export const ACCOUNT_STATUS = ["None", "Active", "Called", "Defaulted", "Closed"] as const;
export type AccountStatus = (typeof ACCOUNT_STATUS)[number];

/** Haircut classes by name (ICollateralEscrow). */
export const HAIRCUT_CLASSES: Record<string, number> = { jgb: 0, jgbi: 1, municipal: 2, corporate: 3 };

export async function openEscrow(store: RecordStore, signer?: Signer): Promise<CollateralEscrow> {
  return at<CollateralEscrow>("CollateralEscrow", store.contract("escrow"), signer);
}

export async function openPriceFeed(store: RecordStore, signer?: Signer): Promise<PriceFeed> {
  return at<PriceFeed>("PriceFeed", store.contract("priceFeed"), signer);
}

/** An account as the tasks show it. */
export interface AccountView {
  id: string;
  pledgor: string;
  securedParty: string;
  status: AccountStatus;
  requirement: bigint;
  coverage: bigint;
  cash: bigint;
  outstanding: bigint;
  callDeadline: bigint;
  /** Pledged units by series address. */
  units: Map<string, bigint>;
}

export async function accountView(
  escrow: CollateralEscrow,
  pledgor: string,
  securedParty: string,
): Promise<AccountView> {
  const [id, account, series, units] = await escrow.accountOf(pledgor, securedParty);
  const coverage = await escrow.coverageOf(pledgor, securedParty);
  return {
    id,
    pledgor,
    securedParty,
    status: ACCOUNT_STATUS[Number(account.status)],
    requirement: account.requirement,
    coverage,
    cash: account.cash,
    outstanding: account.outstanding,
    callDeadline: account.callDeadline,
    units: new Map(series.map((s, i) => [s, units[i]])),
  };
}

/** Refuses unless the account exists and is in one of `statuses`. */
export function requireStatus(view: AccountView, statuses: AccountStatus[], argument: string, doing: string): void {
  if (view.status === "None") {
    throw badArgument(
      argument,
      `no collateral account of ${view.pledgor} with ${view.securedParty}: the secured party opens it with ` +
        `escrow:policy --pledgor ${view.pledgor} --requirement <yen>`,
    );
  }
  if (!statuses.includes(view.status)) {
    throw badArgument(
      argument,
      `the account is ${view.status}${view.status === "Called" ? ` (deadline ${jstTime(view.callDeadline)})` : ""}: cannot ${doing}`,
    );
  }
}

/** Refuses `units` above what the account holds of `series`. */
export function requirePledged(
  view: AccountView,
  series: string,
  symbol: string,
  units: bigint,
  argument: string,
): void {
  const held = view.units.get(series) ?? 0n;
  if (units > held) throw badArgument(argument, `the account holds ${held} pledged ${symbol}, not ${units}`);
}

/** The account as a summary table. */
export function describeAccount(store: RecordStore, view: AccountView): Record<string, unknown> {
  const symbolOf = (token: string) =>
    Object.entries(store.record.series).find(([, s]) => s.token.toLowerCase() === token.toLowerCase())?.[0] ?? token;
  const summary: Record<string, unknown> = {
    account: view.id,
    pledgor: view.pledgor,
    "secured party": view.securedParty,
    status: view.status,
    requirement: view.requirement,
    coverage: view.coverage,
    "shortfall / excess": view.coverage - view.requirement,
    "cash pledged": view.cash,
  };
  if (view.status === "Called") summary["call deadline"] = jstTime(view.callDeadline);
  if (view.status === "Defaulted") summary.outstanding = view.outstanding;
  for (const [series, units] of view.units) summary[`pledged ${symbolOf(series)}`] = units;
  return summary;
}

/** The sender, the escrow connected to it, and the account it is a party to. */
export interface OpenAccount {
  store: RecordStore;
  from: string;
  escrow: CollateralEscrow;
  escrowAddress: string;
  view: AccountView;
}

/**
 * Opens the sender's account with `counterparty`: as the pledgor (the counterparty is the secured party)
 * or as the secured party (--from defaults to the recorded clearingHouse).
 */
export async function openAccount(
  ctx: OperationContext,
  side: "pledgor" | "securedParty",
  counterparty: string,
): Promise<OpenAccount> {
  const store = await ctx.store();
  const sender = await ctx.signer(side === "securedParty" ? "clearingHouse" : undefined);
  const from = await sender.getAddress();
  const escrow = await openEscrow(store, sender);
  const view =
    side === "pledgor" ? await accountView(escrow, from, counterparty) : await accountView(escrow, counterparty, from);
  return { store, from, escrow, escrowAddress: await escrow.getAddress(), view };
}

/** Refuses a series the escrow cannot take from this secured party: not its pledge agent, or not eligible. */
export async function requirePledgeable(account: OpenAccount, series: OpenSeries, argument: string): Promise<void> {
  if ((await series.token.pledgeAgent()) !== account.escrowAddress) {
    throw badArgument(
      argument,
      `the escrow is not the pledge agent of ${series.symbol}: its owner runs escrow:enable --series ${series.symbol}`,
    );
  }
  if ((await account.escrow.haircutOf(account.view.securedParty, series.address)) === 0n) {
    throw badArgument(
      argument,
      `${series.symbol} is not eligible with ${account.view.securedParty} (or has matured): escrow:policy --eligible ${series.symbol}`,
    );
  }
}

/**
 * What the dvp:* tasks share: the trade terms (IDvpSettlement.Trade, never stored on chain: found again
 * from the record or from the TradeInstructed event that carries them), the trade's status, and the
 * checks of each leg (verified parties, free balance, the approval the settlement contract needs).
 * Loaded only inside a task's action.
 */
import type { DvpSettlement, SecurityToken } from "../../typechain-types";
import type { IDvpSettlement } from "../../typechain-types/contracts/settlement/DvpSettlement";
import { at, badArgument, chainNow, holdingOf, jstTime } from "./ops";
import type { RecordStore } from "./record";

/** IDvpSettlement.Trade with concrete values: addresses as strings, numbers as bigints. */
export type Trade = {
  [K in keyof IDvpSettlement.TradeStruct]: K extends "seller" | "buyer" | "bond" | "cash" ? string : bigint;
};

/** The fields of a trade in the struct's order, and those that are addresses. */
const TRADE_FIELDS = [
  "seller",
  "buyer",
  "bond",
  "units",
  "cash",
  "cashAmount",
  "settleAfter",
  "expiry",
  "nonce",
] as const;
const ADDRESS_FIELDS: readonly string[] = ["seller", "buyer", "bond", "cash"];

/** IDvpSettlement.TradeStatus, in enum order. */
export const TRADE_STATUS = ["None", "Instructed", "Affirmed", "Settled", "Cancelled", "Expired"] as const;

export async function openDvp(store: RecordStore, signer?: import("ethers").Signer): Promise<DvpSettlement> {
  return at<DvpSettlement>("DvpSettlement", store.contract("dvp"), signer);
}

const key = (id: string) => `dvp.${id.toLowerCase()}`;

/** Records a trade's terms under record.operations["dvp.<id>"] (strings). */
export function rememberTrade(store: RecordStore, id: string, trade: Trade, extra: Record<string, unknown> = {}): void {
  store.record.operations[key(id)] = {
    ...Object.fromEntries(Object.entries(trade).map(([k, v]) => [k, String(v)])),
    ...store.record.operations[key(id)],
    ...extra,
  };
  store.save();
}

/**
 * The terms of trade `id`: from the record, else from the settlement contract's TradeInstructed event.
 * A usage error naming `argument` when neither knows it.
 */
export async function findTrade(store: RecordStore, dvp: DvpSettlement, id: string, argument: string): Promise<Trade> {
  const recorded = store.record.operations[key(id)];
  if (recorded !== undefined) {
    const r = recorded as Record<string, string>;
    return Object.fromEntries(
      TRADE_FIELDS.map((field) => [field, ADDRESS_FIELDS.includes(field) ? r[field] : BigInt(r[field])]),
    ) as Trade;
  }
  const events = await dvp.queryFilter(dvp.filters.TradeInstructed(id));
  if (events.length === 0) throw badArgument(argument, `no trade ${id} was instructed on ${await dvp.getAddress()}`);
  const t = events[0].args.trade;
  const trade = Object.fromEntries(TRADE_FIELDS.map((field) => [field, t[field]])) as Trade;
  rememberTrade(store, id, trade);
  return trade;
}

/** The symbol of a recorded series by token address (or the address). */
export function symbolOf(store: RecordStore, token: string): string {
  return (
    Object.entries(store.record.series).find(([, s]) => s.token.toLowerCase() === token.toLowerCase())?.[0] ?? token
  );
}

/** What is missing for one leg: free units and the approval of the settlement contract. */
export async function legProblems(
  store: RecordStore,
  tokenAddress: string,
  party: string,
  role: "seller" | "buyer",
  amount: bigint,
  dvp: string,
): Promise<string[]> {
  const token = await at<SecurityToken>("SecurityToken", tokenAddress);
  const symbol = symbolOf(store, tokenAddress);
  const problems: string[] = [];
  const holding = await holdingOf(token, party);
  if (holding.walletFrozen) problems.push(`the ${role} ${party} is frozen on ${symbol}`);
  if (holding.free < amount) {
    problems.push(
      `the ${role} ${party} has ${holding.free} free ${symbol} (balance ${holding.balance} − frozen ${holding.frozen} − ` +
        `pledged ${holding.pledged}), needs ${amount}`,
    );
  }
  const allowance = await token.allowance(party, dvp);
  if (allowance < amount) {
    problems.push(
      `missing approve: the ${role} ${party} must approve the settlement contract ${dvp} for ${amount} ${symbol} ` +
        `(${symbol}.approve(${dvp}, ${amount}); allowance now ${allowance})`,
    );
  }
  return problems;
}

/** Both parties verified by both tokens' registries (usage error naming `argument` otherwise). */
export async function requireParties(trade: Trade, argumentOf: (role: "seller" | "buyer") => string): Promise<void> {
  const { registryOf, requireVerified } = await import("./ops");
  for (const tokenAddress of [trade.bond, trade.cash]) {
    const registry = await registryOf(await at<SecurityToken>("SecurityToken", tokenAddress));
    await requireVerified(registry, trade.seller, argumentOf("seller"), "seller");
    await requireVerified(registry, trade.buyer, argumentOf("buyer"), "buyer");
  }
}

/** Refuses a trade whose expiry has passed on the chain's clock. */
export async function requireNotExpired(trade: Trade, argument: string): Promise<void> {
  const now = await chainNow();
  if (BigInt(now) > trade.expiry) {
    throw badArgument(argument, `the trade expired at ${jstTime(trade.expiry)} (chain time now ${jstTime(now)})`);
  }
}

/** The trade as a table's summary. */
export function describeTrade(store: RecordStore, id: string, trade: Trade, status: string): Record<string, unknown> {
  return {
    "trade id": id,
    status,
    seller: trade.seller,
    buyer: trade.buyer,
    bond: symbolOf(store, trade.bond),
    units: trade.units,
    cash: symbolOf(store, trade.cash),
    "cash amount": trade.cashAmount,
    "settle after": jstTime(trade.settleAfter),
    expiry: jstTime(trade.expiry),
    nonce: trade.nonce,
  };
}

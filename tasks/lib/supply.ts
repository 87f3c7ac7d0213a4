/**
 * Checks shared by token:mint and token:burn: the series' token and unit, the sender's SUPPLY_AGENT role,
 * and why a mint to a recipient would be refused (named as SecurityToken.checkTransfer names reasons).
 * Imported only inside a task's `run`.
 */
import { type Signer, ethers } from "ethers";
import type { BondToken, IdentityRegistry, ModularCompliance } from "../../typechain-types";
import { ROLES, TRANSFER_CHECK } from "../../scripts/lib/constants";
import { at, requireRole } from "./bond-ops";
import type { RecordStore, SeriesRecord } from "./record";

/** A series' token (BondToken's ABI covers the cash token's calls used here), unit and records. */
export interface SupplySeries {
  symbol: string;
  record: SeriesRecord;
  token: BondToken;
  /** Face unit (bonds), 1 for cash. */
  unit: bigint;
}

/** Opens `symbol` for supply changes by `signer` (who must hold SUPPLY_AGENT on it). */
export async function supplySeries(store: RecordStore, symbol: string, signer: Signer): Promise<SupplySeries> {
  const record = store.series(symbol);
  const token = await at<BondToken>("BondToken", record.token, signer);
  await requireRole(token, ROLES.SUPPLY_AGENT, "SUPPLY_AGENT", await signer.getAddress(), `series ${symbol}`);
  return { symbol, record, token, unit: record.unit !== undefined ? BigInt(record.unit) : 1n };
}

/**
 * Why minting `amount` to `to` would be refused now, as a TRANSFER_CHECK reason with details, or
 * undefined if the token would accept it.
 */
export async function mintRefusal(series: SupplySeries, to: string, amount: bigint): Promise<string | undefined> {
  const { token } = series;
  const registry = await at<IdentityRegistry>("IdentityRegistry", await token.identityRegistry());
  if (!(await registry.isVerified(to)))
    return `${TRANSFER_CHECK[6]}: ${to} is not a verified holder in the identity registry`;
  if (await token.paused()) return TRANSFER_CHECK[2];
  if (Number(await token.balanceLock()) !== 0) return `${TRANSFER_CHECK[8]}: a payment run holds the balances`;
  if (await token.isFrozen(to)) return `${TRANSFER_CHECK[4]}: ${to} is frozen`;
  const compliance = await at<ModularCompliance>("ModularCompliance", await token.compliance());
  const module = await compliance.checkTransfer(ethers.ZeroAddress, to, amount);
  if (module !== ethers.ZeroAddress)
    return `${TRANSFER_CHECK[7]}: compliance module ${module} refuses ${amount} to ${to}`;
  return undefined;
}

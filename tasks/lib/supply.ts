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
 * Why minting each `amount` to its recipient would be refused now, as TRANSFER_CHECK reasons with
 * details (recipients the token would accept are left out). Reads run 25 at a time.
 */
export async function mintRefusals(series: SupplySeries, mints: Map<string, bigint>): Promise<Map<string, string>> {
  const { token } = series;
  const registry = await at<IdentityRegistry>("IdentityRegistry", await token.identityRegistry());
  const compliance = await at<ModularCompliance>("ModularCompliance", await token.compliance());
  const out = new Map<string, string>();
  if (await token.paused()) return new Map([...mints.keys()].map((to) => [to, TRANSFER_CHECK[2]]));
  if (Number(await token.balanceLock()) !== 0) {
    return new Map([...mints.keys()].map((to) => [to, `${TRANSFER_CHECK[8]}: a payment run holds the balances`]));
  }
  const refusal = async (to: string, amount: bigint): Promise<string | undefined> => {
    if (!(await registry.isVerified(to)))
      return `${TRANSFER_CHECK[6]}: ${to} is not a verified holder in the identity registry`;
    if (await token.isFrozen(to)) return `${TRANSFER_CHECK[4]}: ${to} is frozen`;
    const module = await compliance.checkTransfer(ethers.ZeroAddress, to, amount);
    if (module !== ethers.ZeroAddress)
      return `${TRANSFER_CHECK[7]}: compliance module ${module} refuses ${amount} to ${to}`;
    return undefined;
  };
  const entries = [...mints.entries()];
  for (let i = 0; i < entries.length; i += 25) {
    const chunk = entries.slice(i, i + 25);
    const reasons = await Promise.all(chunk.map(([to, amount]) => refusal(to, amount)));
    chunk.forEach(([to], j) => reasons[j] !== undefined && out.set(to, reasons[j]!));
  }
  return out;
}

import { Interface, type ErrorDescription } from "ethers";
import { artifacts } from "hardhat";

const CONTRACTS = [
  "SecurityToken",
  "ModularCompliance",
  "IdentityRegistry",
  "IdentityRegistryStorage",
  "ClaimTopicsRegistry",
  "TrustedIssuersRegistry",
  "SeriesFactory",
  "CountryAllowModule",
  "CountryBlockModule",
  "MaxBalanceModule",
  "MaxHoldersModule",
  "SupplyCapModule",
  "LockUpModule",
  "ClaimEligibilityModule",
  "DenominationModule",
  "ResidentAreaModule",
  "IdentityMinimumHoldingModule",
  "BondToken",
  "BondFactory",
  "PayingAgent",
  "CpiFeed",
  "Offering",
  "DvpSettlement",
  "CollateralEscrow",
  "PriceFeed",
  "IntradayRepo",
];

let combined: Interface | undefined;

/** One interface holding every kosai custom error, for decoding reverts. */
async function errorInterface(): Promise<Interface> {
  if (combined) return combined;
  const fragments = new Map<string, unknown>();
  for (const name of CONTRACTS) {
    const { abi } = await artifacts.readArtifact(name);
    for (const item of abi) if (item.type === "error") fragments.set(JSON.stringify(item), item);
  }
  combined = new Interface([...fragments.values()] as never[]);
  return combined;
}

function revertData(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    const candidate = (current as { data?: unknown }).data;
    if (typeof candidate === "string" && candidate.startsWith("0x")) return candidate;
    current = (current as { error?: unknown; info?: unknown }).error ?? (current as { info?: { error?: unknown } }).info?.error;
  }
  return undefined;
}

/** Decodes a failed call into "ErrorName(arg, …)"; falls back to the error's message, never a stack. */
export async function describeRevert(error: unknown): Promise<string> {
  const data = revertData(error);
  if (data) {
    let decoded: ErrorDescription | null = null;
    try {
      decoded = (await errorInterface()).parseError(data);
    } catch {
      decoded = null;
    }
    if (decoded) return `${decoded.name}(${decoded.args.map((a) => String(a)).join(", ")})`;
  }
  const message = (error as { shortMessage?: string; message?: string }).shortMessage ?? (error as Error).message;
  const custom = /reverted with custom error '([^']+)'/.exec(message ?? "");
  return custom ? custom[1] : String(message).split("\n")[0];
}

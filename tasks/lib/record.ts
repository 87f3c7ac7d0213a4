/**
 * The deployment record: what kosai put on a network (contract addresses, the accounts that play each
 * role, series, investors) and how far each resumable batch got. One JSON file per network under
 * `deployments/` (override the folder with KOSAI_DEPLOYMENTS_DIR), rewritten atomically after every step,
 * so a run killed at any point leaves a record a rerun can trust. The in-process `hardhat` network starts
 * empty in every process, so its record lives in memory only.
 */
import fs from "node:fs";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { UsageError } from "./errors";

/** A token series as created by a task. */
export interface SeriesRecord {
  token: string;
  compliance: string;
  /** "cash", or a BondFactory kind name (FixedRateJgb, MunicipalResident, ...), or "security". */
  kind: string;
  isin?: string;
  /** Face unit in yen (bonds). */
  unit?: string;
  /** The parameters the series was created with, as given (strings), for the audit trail. */
  params?: Record<string, unknown>;
}

/** An investor registered by a task. */
export interface InvestorRecord {
  identity: string;
  country: number;
  /** Local government code of the residence claim, if any. */
  municipality?: number;
  label?: string;
}

/** A contract deployment that was sent but not yet confirmed: adopted on rerun if its code is there. */
export interface PendingDeployment {
  from: string;
  nonce: number;
  address: string;
}

export interface DeploymentRecord {
  version: 1;
  network: string;
  chainId: number;
  /** Contract name (identityRegistry, payingAgent, modules.countryAllow, ...) → address. */
  contracts: Record<string, string>;
  /** Role label (owner, registrar, kycSigner, bank, clearingHouse, ...) → address. */
  accounts: Record<string, string>;
  /** Series by symbol. */
  series: Record<string, SeriesRecord>;
  /** Investors by wallet address (checksummed). */
  investors: Record<string, InvestorRecord>;
  /** Deployments in flight, by contract name. */
  pending: Record<string, PendingDeployment>;
  /** Free-form progress of long operations (offerings, runs), by key. */
  operations: Record<string, Record<string, unknown>>;
  updatedAt: string;
}

const memory = new Map<string, DeploymentRecord>();

function emptyRecord(network: string, chainId: number): DeploymentRecord {
  return {
    version: 1,
    network,
    chainId,
    contracts: {},
    accounts: {},
    series: {},
    investors: {},
    pending: {},
    operations: {},
    updatedAt: new Date().toISOString(),
  };
}

/** The folder holding deployment records. */
export function deploymentsDir(): string {
  return path.resolve(process.env.KOSAI_DEPLOYMENTS_DIR ?? path.join(__dirname, "..", "..", "deployments"));
}

/** The record file of a network, or undefined for the in-process chain (memory only). */
export function recordPath(network: string): string | undefined {
  return network === "hardhat" ? undefined : path.join(deploymentsDir(), `${network}.json`);
}

/** Loads, checks and saves one network's record. */
export class RecordStore {
  private constructor(
    readonly file: string | undefined,
    public record: DeploymentRecord,
  ) {}

  /**
   * Opens the network's record, creating an empty one if there is none. Refuses a record made on another
   * chain id, and one whose contracts are not on this chain (a restarted development node): a stale
   * record would send operations to empty addresses.
   */
  static async open(hre: HardhatRuntimeEnvironment): Promise<RecordStore> {
    const network = hre.network.name;
    const chainId = Number((await hre.ethers.provider.getNetwork()).chainId);
    const file = recordPath(network);
    let record: DeploymentRecord | undefined;
    if (file === undefined) record = memory.get(network);
    else if (fs.existsSync(file)) record = JSON.parse(fs.readFileSync(file, "utf8")) as DeploymentRecord;
    if (record === undefined) {
      record = emptyRecord(network, chainId);
    } else {
      if (record.chainId !== chainId) {
        throw new UsageError(`deployment record ${file} is for chain id ${record.chainId}; this network is ${chainId}`);
      }
      for (const [name, address] of Object.entries(record.contracts)) {
        if ((await hre.ethers.provider.getCode(address)) === "0x") {
          throw new UsageError(
            `deployment record ${file ?? network} lists ${name} at ${address}, but there is no contract there ` +
              `(was the chain restarted?); delete the record to start over`,
          );
        }
        break; // one probe is enough to recognise a restarted chain
      }
    }
    const store = new RecordStore(file, record);
    if (file === undefined) memory.set(network, record);
    return store;
  }

  /** Writes the record (atomically: a temporary file renamed over the old one). */
  save(): void {
    this.record.updatedAt = new Date().toISOString();
    if (this.file === undefined) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(this.record, null, 2)}\n`);
    fs.renameSync(tmp, this.file);
  }

  /** The address of a recorded contract, or a usage error naming the task that deploys it. */
  contract(name: string, deployedBy = "suite:deploy"): string {
    const address = this.record.contracts[name];
    if (address === undefined) {
      throw new UsageError(`no ${name} in the deployment record for ${this.record.network}; run ${deployedBy} first`);
    }
    return address;
  }

  /** A recorded series by symbol, or a usage error listing the known ones. */
  series(symbol: string): SeriesRecord {
    const series = this.record.series[symbol];
    if (series === undefined) {
      const known = Object.keys(this.record.series);
      throw new UsageError(
        `no series ${symbol} in the deployment record for ${this.record.network}` +
          (known.length ? ` (known: ${known.join(", ")})` : " (none created yet)"),
      );
    }
    return series;
  }
}

/** Forgets in-memory records (tests that start a fresh in-process chain). */
export function resetMemoryRecords(): void {
  memory.clear();
}

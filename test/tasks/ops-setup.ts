/**
 * Test-only setup for the CLI suites of the agent, DvP and collateral tasks: what other tasks will do
 * (investor:register, bond:create) done here directly with ethers against the chain node, reading and
 * writing the same deployment record the tasks use. Kept small on purpose: the coordinator may replace
 * it with those tasks once they land.
 */
import fs from "node:fs";
import path from "node:path";
import { artifacts } from "hardhat";
import { Contract, ContractFactory, JsonRpcProvider, type JsonRpcSigner, MaxUint256 } from "ethers";
import { type BondOptions, bondTerms } from "../../scripts/lib/bonds";
import { dayOfUnix } from "../../scripts/lib/calendar";
import { COUNTRY, ECDSA_SCHEME, TOPICS } from "../../scripts/lib/constants";
import { signClaim } from "../../scripts/lib/onchainid";
import type { DeploymentRecord } from "../../tasks/lib/record";
import type { Chain } from "../helpers/cli";

/** The standard hardhat node accounts used by the suites. */
export const ACCOUNTS = {
  owner: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
  alice: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  bob: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
  carol: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
  dave: "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
  jscc: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
  eve: "0x976EA74026E726554dB657fA54763abd0C3a0aa9",
} as const;

/** A node's provider and its unlocked accounts. */
export class Node {
  readonly provider: JsonRpcProvider;

  constructor(
    readonly chain: Pick<Chain, "url">,
    readonly dir: string,
  ) {
    this.provider = new JsonRpcProvider(chain.url, undefined, { cacheTimeout: -1 });
  }

  signer(address: string): Promise<JsonRpcSigner> {
    return this.provider.getSigner(address);
  }

  record(): DeploymentRecord {
    return JSON.parse(fs.readFileSync(path.join(this.dir, "localhost.json"), "utf8")) as DeploymentRecord;
  }

  saveRecord(record: DeploymentRecord): void {
    fs.writeFileSync(path.join(this.dir, "localhost.json"), `${JSON.stringify(record, null, 2)}\n`);
  }

  async contract(name: string, address: string, from: string = ACCOUNTS.owner): Promise<Contract> {
    const { abi } = await artifacts.readArtifact(name);
    return new Contract(address, abi, await this.signer(from));
  }

  async send(name: string, address: string, from: string, method: string, ...args: unknown[]): Promise<void> {
    const c = await this.contract(name, address, from);
    await (await c.getFunction(method)(...args)).wait();
  }

  async nonce(address: string): Promise<number> {
    return this.provider.getTransactionCount(address, "latest");
  }

  async now(): Promise<number> {
    return (await this.provider.getBlock("latest"))!.timestamp;
  }

  /** Moves the node's clock forward and mines a block. */
  async increaseTime(seconds: number): Promise<void> {
    await this.provider.send("evm_increaseTime", [seconds]);
    await this.provider.send("evm_mine", []);
  }

  /**
   * Registers `wallet` with a KYC claim (suite:deploy's defaults: the owner is registrar and KYC
   * signer). Gives it a new ONCHAINID, or registers it to an existing `identity` (a second wallet).
   */
  async registerInvestor(wallet: string, options: { identity?: string; country?: number } = {}): Promise<string> {
    const record = this.record();
    let identity = options.identity;
    if (identity === undefined) {
      const { abi, bytecode } = await artifacts.readArtifact("IdentityProxy");
      const proxy = await new ContractFactory(abi, bytecode, await this.signer(wallet)).deploy(
        record.contracts.identityAuthority,
        wallet,
      );
      await proxy.waitForDeployment();
      identity = await proxy.getAddress();
      const signature = await signClaim(await this.signer(ACCOUNTS.owner), identity, TOPICS.KYC);
      await this.send(
        "Identity",
        identity,
        wallet,
        "addClaim",
        TOPICS.KYC,
        ECDSA_SCHEME,
        record.contracts.kycIssuer,
        signature,
        "0x",
        "",
      );
    }
    await this.send(
      "IdentityRegistry",
      record.contracts.identityRegistry,
      ACCOUNTS.owner,
      "registerIdentity",
      wallet,
      identity,
      options.country ?? COUNTRY.JP,
    );
    return identity;
  }

  /** Creates a bond series with the BondFactory (the owner its agent) and records it as bond:create would. */
  async createBond(
    options: Pick<BondOptions, "kind" | "name" | "symbol" | "isin" | "issuerName"> & Partial<BondOptions>,
  ): Promise<string> {
    const record = this.record();
    const today = dayOfUnix(await this.now());
    const full: BondOptions = {
      issueDate: today,
      maturityDate: today + 5 * 365 + 10,
      couponRate: 10_000,
      issueVolume: 1_000_000_000_000n,
      ...options,
    };
    const factory = await this.contract("BondFactory", record.contracts.bondFactory);
    const { TOKEN_AGENT_ROLES, ROLES } = await import("../../scripts/lib/constants");
    const params = {
      owner: ACCOUNTS.owner,
      name: full.name,
      symbol: full.symbol,
      onchainID: "0x0000000000000000000000000000000000000000",
      tokenRoles: [
        ...TOKEN_AGENT_ROLES.map((role) => ({ role, account: ACCOUNTS.owner })),
        { role: ROLES.PAYING_AGENT, account: record.contracts.payingAgent },
      ],
      complianceAgents: [],
      terms: bondTerms(full, record.series.JPYD.token),
      jointIssuers: [],
      resident: { adultTopic: 0n, minimumHolding: 0n, maximumHolding: 0n },
      extraModules: [],
    };
    const receipt = await (await factory.getFunction("createBond")(params)).wait();
    const event = receipt!.logs
      .map((log: never) => factory.interface.parseLog(log))
      .find((p: { name?: string } | null) => p?.name === "BondSeriesCreated");
    const fresh = this.record();
    fresh.series[full.symbol] = {
      token: event!.args.token,
      compliance: event!.args.compliance,
      kind: full.kind,
      isin: full.isin,
      unit: String((params.terms as { denomination: bigint }).denomination),
    };
    this.saveRecord(fresh);
    return event!.args.token as string;
  }

  /** Mints `amount` of a recorded series to `to` (the owner is an agent of every series here). */
  async mint(symbol: string, to: string, amount: bigint): Promise<void> {
    await this.send("SecurityToken", this.record().series[symbol].token, ACCOUNTS.owner, "mint", to, amount);
  }

  /** `holder` approves `spender` for everything on a recorded series. */
  async approve(symbol: string, holder: string, spender: string, amount: bigint = MaxUint256): Promise<void> {
    await this.send("SecurityToken", this.record().series[symbol].token, holder, "approve", spender, amount);
  }

  async balance(symbol: string, holder: string): Promise<bigint> {
    const token = await this.contract("SecurityToken", this.record().series[symbol].token);
    return (await token.getFunction("balanceOf")(holder)) as bigint;
  }
}

/** Writes a CSV file in `dir` and returns its path. */
export function csv(dir: string, name: string, lines: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

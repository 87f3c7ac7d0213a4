import fs from "node:fs";
import path from "node:path";
import { Contract, Interface, getAddress, keccak256, toUtf8Bytes, type Log } from "ethers";
import { stringify } from "csv-stringify/sync";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type {
  BondToken,
  ClaimEligibilityModule,
  CollateralEscrow,
  CountryAllowModule,
  DenominationModule,
  IdentityMinimumHoldingModule,
  IdentityRegistry,
  LockUpModule,
  MaxBalanceModule,
  MaxHoldersModule,
  ModularCompliance,
  PayingAgent,
  ResidentAreaModule,
  SecurityToken,
  SupplyCapModule,
} from "../../typechain-types";
import { BOND_KIND, COUNTRY, RESIDENCE_TOPIC_BASE, ROLES, WORKPLACE_TOPIC_BASE } from "./constants";
import { formatDate } from "./calendar";
import { describeRevert } from "./errors";

/**
 * Compliance audit report: reads a kosai market from the chain (events from `fromBlock`, state at one
 * pinned block) and builds a report object, then renders it as Markdown, JSON (bigints as decimal
 * strings) and CSV. A Hardhat task only has to pass addresses and an output directory:
 *
 *   const report = await buildAuditReport(hre.ethers, { identityRegistry, series, payingAgent, ... });
 *   writeAuditReport(report, "audit");
 *
 * Everything a rule forbids becomes a {Finding}; a clean market has none.
 */

/** The Hardhat `ethers` object (hre.ethers). */
export type HardhatEthers = HardhatRuntimeEnvironment["ethers"];

/** What to audit. Every address is a deployed kosai contract. */
export interface AuditInput {
  identityRegistry: string;
  /** SecurityToken or BondToken series, the cash token included. */
  series: string[];
  payingAgent?: string;
  escrow?: string;
  dvp?: string;
  /** Offering contracts (primary issuance): their refusals and roles are reported. */
  offerings?: string[];
  /** SeriesFactory / BondFactory contracts: their roles are reported. */
  factories?: string[];
  /** First block whose events are read (default 0: the whole chain). */
  fromBlock?: number;
  /** Labels for addresses (wallets, contracts) shown beside them. */
  knownAccounts?: Record<string, string>;
  /** Most blocks per eth_getLogs request (default 50,000). */
  logChunkBlocks?: number;
}

export type Severity = "error" | "warning";

/** Something that breaks a rule, or needs someone's attention. */
export interface Finding {
  severity: Severity;
  /** Stable machine-readable code, e.g. UNVERIFIED_HOLDER. */
  code: string;
  /** Series addresses concerned (empty when market-wide). */
  series: string[];
  /** The account concerned, if any. */
  account: string;
  message: string;
}

export interface CouponDateRow {
  period: number;
  scheduled: string;
  payment: string;
}

export interface BondTermsReport {
  isin: string;
  kind: string;
  issuerName: string;
  /** 6-digit local government code, 0 for the Ministry of Finance. */
  issuerCode: number;
  currency: string;
  /** Face unit, yen. */
  denomination: bigint;
  issueVolume: bigint;
  /** ppm per year (1% = 10,000). */
  couponRate: number;
  couponType: string;
  couponFrequency: number;
  dayCount: string;
  interestStartDate: string;
  issueDate: string;
  maturityDate: string;
  schedule: CouponDateRow[];
  couponsPaid: number;
}

export interface SeriesReport {
  address: string;
  label: string;
  name: string;
  symbol: string;
  decimals: number;
  totalSupply: bigint;
  paused: boolean;
  balanceLock: string;
  compliance: string;
  pledgeAgent: string;
  /** Wallets with a nonzero balance. */
  holderCount: number;
  /** Null for a plain SecurityToken. */
  bond: BondTermsReport | null;
}

export interface HolderRow {
  series: string;
  symbol: string;
  holder: string;
  label: string;
  identity: string;
  /** ISO 3166-1 numeric; 0 when not registered. */
  country: number;
  countryName: string;
  /** Valid area claims, e.g. "residence 131041", "workplace 131041". */
  municipalities: string[];
  verified: boolean;
  walletFrozen: boolean;
  balance: bigint;
  frozen: bigint;
  pledged: bigint;
}

export interface SupplyRow {
  series: string;
  symbol: string;
  holders: number;
  sumBalances: bigint;
  totalSupply: bigint;
  reconciled: boolean;
}

export interface PaymentRunRow {
  series: string;
  symbol: string;
  kind: "Coupon" | "Redemption";
  period: number;
  status: "Completed" | "In progress";
  recordFace: bigint;
  /** What the run was opened to pay. */
  due: bigint;
  /** floor(record face x ratio), recomputed from the paying agent's ratio views. */
  entitlement: bigint;
  batches: number;
  /** Cash the funder actually paid out in the run's batches (the cash token's EntitlementsDistributed). */
  paid: bigint;
  /** Part of `paid` that went to the series' pledge agent (principal of pledged units at redemption). */
  toPledgeAgent: bigint;
  /** What the paying agent's own BatchPaid events report (the pledge agent's part included): must equal `paid`. */
  reportedPaid: bigint;
  /** Σ BatchPaid faces. */
  facePaidOn: bigint;
  reconciled: boolean;
}

export interface ModuleRow {
  series: string;
  symbol: string;
  compliance: string;
  module: string;
  name: string;
  settings: Record<string, string>;
}

export interface RoleRow {
  contract: string;
  contractLabel: string;
  role: string;
  roleId: string;
  account: string;
  accountLabel: string;
}

export interface RefusalRow {
  source: string;
  contract: string;
  event: string;
  /** Decoded reason or outcome. */
  detail: string;
  count: number;
}

export interface CollateralRow {
  account: string;
  pledgor: string;
  pledgorLabel: string;
  securedParty: string;
  securedPartyLabel: string;
  status: string;
  requirement: bigint;
  coverage: bigint;
  cashCollateral: bigint;
  callDeadline: string;
  positions: { series: string; symbol: string; units: bigint }[];
  marginCalls: number;
  marginCallsMet: number;
}

export interface AuditReport {
  generatedAt: string;
  chainId: string;
  block: number;
  blockTime: string;
  fromBlock: number;
  identityRegistry: {
    address: string;
    identityStorage: string;
    topicsRegistry: string;
    issuersRegistry: string;
    requiredTopics: string[];
  };
  series: SeriesReport[];
  holders: HolderRow[];
  supply: SupplyRow[];
  payments: PaymentRunRow[];
  modules: ModuleRow[];
  roles: RoleRow[];
  refusals: RefusalRow[];
  /** What the refusal statistics can and cannot show. */
  refusalNotes: string[];
  collateral: CollateralRow[];
  findings: Finding[];
}

// ====================================================================== reading the chain

const ACCESS_CONTROL = new Interface([
  "event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)",
  "event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender)",
  "function hasRole(bytes32 role, address account) view returns (bool)",
]);

const ROLE_NAMES: Record<string, string> = Object.fromEntries(
  [...Object.entries(ROLES), ["SETTLEMENT_AGENT", keccak256(toUtf8Bytes("kosai.role.SETTLEMENT_AGENT"))]].map(
    ([name, id]) => [id.toLowerCase(), name],
  ),
);
const COUNTRY_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(COUNTRY).map(([name, code]) => [code, name]),
);
const KIND_NAMES = Object.keys(BOND_KIND);
const BALANCE_LOCK_NAMES = ["None", "RecordLocked", "Redemption"];
const COUPON_TYPE_NAMES = ["Zero", "Fixed", "Floating", "InflationIndexed"];
const ESCROW_STATUS_NAMES = ["None", "Active", "Called", "Defaulted", "Closed"];
const RUN_KIND_NAMES = ["None", "Coupon", "Redemption"] as const;
const BALANCES_PER_CALL = 500;

/** Reads the market and builds the report. State is read at the latest block when the call starts. */
export async function buildAuditReport(ethers: HardhatEthers, input: AuditInput): Promise<AuditReport> {
  const provider = ethers.provider;
  const block = await provider.getBlockNumber();
  const blockInfo = await provider.getBlock(block);
  if (blockInfo === null) throw new Error(`audit: block ${block} not found`);
  const at = { blockTag: block };
  const fromBlock = input.fromBlock ?? 0;
  const chunk = input.logChunkBlocks ?? 50_000;
  const findings: Finding[] = [];

  const labels = new Map<string, string>();
  for (const [address, label] of Object.entries(input.knownAccounts ?? {})) labels.set(getAddress(address), label);
  const autoLabel = (address: string, label: string) => {
    const a = getAddress(address);
    if (!labels.has(a)) labels.set(a, label);
  };
  const labelOf = (address: string) => labels.get(getAddress(address)) ?? "";

  const logs = async (address: string, topics: (string | string[] | null)[]): Promise<Log[]> => {
    const out: Log[] = [];
    for (let start = fromBlock; start <= block; start += chunk) {
      const toBlock = Math.min(block, start + chunk - 1);
      out.push(...(await provider.getLogs({ address, topics, fromBlock: start, toBlock })));
    }
    return out;
  };

  // ------------------------------------------------------------ identity registry
  const registry = (await ethers.getContractAt(
    "IdentityRegistry",
    input.identityRegistry,
  )) as unknown as IdentityRegistry;
  const registryInfo = {
    address: getAddress(input.identityRegistry),
    identityStorage: getAddress(await registry.identityStorage(at)),
    topicsRegistry: getAddress(await registry.topicsRegistry(at)),
    issuersRegistry: getAddress(await registry.issuersRegistry(at)),
    requiredTopics: (await registry.requiredClaimTopics(at)).map((t) => t.toString()),
  };
  autoLabel(registryInfo.address, "IdentityRegistry");
  autoLabel(registryInfo.identityStorage, "IdentityRegistryStorage");
  autoLabel(registryInfo.topicsRegistry, "ClaimTopicsRegistry");
  autoLabel(registryInfo.issuersRegistry, "TrustedIssuersRegistry");
  if (input.payingAgent) autoLabel(input.payingAgent, "PayingAgent");
  if (input.escrow) autoLabel(input.escrow, "CollateralEscrow");
  if (input.dvp) autoLabel(input.dvp, "DvpSettlement");
  (input.offerings ?? []).forEach((o, i) => autoLabel(o, input.offerings!.length > 1 ? `Offering ${i + 1}` : "Offering"));
  (input.factories ?? []).forEach((f, i) => autoLabel(f, `Factory ${i + 1}`));

  // ------------------------------------------------------------ series and their terms
  const seriesAddresses = [...new Set(input.series.map((a) => getAddress(a)))];
  const tokens = new Map<string, SecurityToken>();
  const bonds = new Map<string, BondToken>();
  const series: SeriesReport[] = [];
  for (const address of seriesAddresses) {
    const token = (await ethers.getContractAt("SecurityToken", address)) as unknown as SecurityToken;
    tokens.set(address, token);
    const bond = (await ethers.getContractAt("BondToken", address)) as unknown as BondToken;
    let terms: BondTermsReport | null = null;
    try {
      terms = await readBondTerms(bond, input.payingAgent ? await payingAgentOf(ethers, input.payingAgent) : null, at);
      bonds.set(address, bond);
    } catch {
      terms = null; // not a BondToken
    }
    const symbol = await token.symbol(at);
    autoLabel(address, symbol);
    const compliance = getAddress(await token.compliance(at));
    autoLabel(compliance, `${symbol} compliance`);
    series.push({
      address,
      label: labelOf(address),
      name: await token.name(at),
      symbol,
      decimals: Number(await token.decimals(at)),
      totalSupply: await token.totalSupply(at),
      paused: await token.paused(at),
      balanceLock: BALANCE_LOCK_NAMES[Number(await token.balanceLock(at))] ?? "?",
      compliance,
      pledgeAgent: getAddress(await token.pledgeAgent(at)),
      holderCount: 0,
      bond: terms,
    });
  }
  const symbolOf = (address: string) => series.find((s) => s.address === getAddress(address))?.symbol ?? "";

  // ------------------------------------------------------------ holders
  const identityCache = new Map<
    string,
    { identity: string; country: number; verified: boolean; municipalities: string[] }
  >();
  const areaTopicsOf = new Map<string, bigint[]>();
  const identityOf = async (wallet: string) => {
    const cached = identityCache.get(wallet);
    if (cached) return cached;
    const identity = getAddress(await registry.identity(wallet, at));
    const country = Number(await registry.investorCountry(wallet, at));
    const verified = await registry.isVerified(wallet, at);
    const municipalities: string[] = [];
    if (identity !== ZERO) {
      let topics = areaTopicsOf.get(identity);
      if (!topics) {
        topics = await areaClaimTopics(ethers, identity, logs);
        areaTopicsOf.set(identity, topics);
      }
      for (const topic of topics) {
        if (!(await registry.hasValidClaim(wallet, topic, at))) continue;
        const residence = topic < WORKPLACE_TOPIC_BASE;
        const code = topic - (residence ? RESIDENCE_TOPIC_BASE : WORKPLACE_TOPIC_BASE);
        municipalities.push(`${residence ? "residence" : "workplace"} ${code.toString().padStart(6, "0")}`);
      }
    }
    const info = { identity, country, verified, municipalities };
    identityCache.set(wallet, info);
    return info;
  };

  const holders: HolderRow[] = [];
  const supply: SupplyRow[] = [];
  for (const s of series) {
    const token = tokens.get(s.address)!;
    const transfers = await logs(s.address, [token.interface.getEvent("Transfer").topicHash]);
    const seen = new Set<string>();
    for (const log of transfers) {
      const parsed = token.interface.parseLog(log);
      if (!parsed) continue;
      for (const a of [parsed.args.from as string, parsed.args.to as string]) if (a !== ZERO) seen.add(getAddress(a));
    }
    const candidates = [...seen].sort(byAddress);
    const balances: bigint[] = [];
    for (let i = 0; i < candidates.length; i += BALANCES_PER_CALL) {
      balances.push(...(await token.balancesOf(candidates.slice(i, i + BALANCES_PER_CALL), at)));
    }
    let sum = 0n;
    for (let i = 0; i < candidates.length; i++) {
      if (balances[i] === 0n) continue;
      const holder = candidates[i];
      const who = await identityOf(holder);
      sum += balances[i];
      holders.push({
        series: s.address,
        symbol: s.symbol,
        holder,
        label: labelOf(holder),
        identity: who.identity,
        country: who.country,
        countryName: who.country === 0 ? "" : (COUNTRY_NAMES[who.country] ?? String(who.country)),
        municipalities: who.municipalities,
        verified: who.verified,
        walletFrozen: await token.isFrozen(holder, at),
        balance: balances[i],
        frozen: await token.getFrozenTokens(holder, at),
        pledged: await token.pledgedOf(holder, at),
      });
    }
    s.holderCount = holders.filter((h) => h.series === s.address).length;
    supply.push({
      series: s.address,
      symbol: s.symbol,
      holders: s.holderCount,
      sumBalances: sum,
      totalSupply: s.totalSupply,
      reconciled: sum === s.totalSupply,
    });
    if (sum !== s.totalSupply) {
      findings.push({
        severity: "error",
        code: "SUPPLY_MISMATCH",
        series: [s.address],
        account: "",
        message: `${s.symbol}: balances of the ${s.holderCount} holders add up to ${fmt(sum)}, total supply is ${fmt(s.totalSupply)}`,
      });
    }
  }

  // Holder-level rules that do not depend on modules.
  const unverified = new Map<string, string[]>();
  for (const h of holders) {
    if (!h.verified) unverified.set(h.holder, [...(unverified.get(h.holder) ?? []), h.series]);
    if (h.frozen > h.balance) {
      findings.push({
        severity: "error",
        code: "FROZEN_EXCEEDS_BALANCE",
        series: [h.series],
        account: h.holder,
        message: `${h.symbol}: ${who(h.holder, labelOf)} has ${fmt(h.frozen)} frozen on a balance of ${fmt(h.balance)}`,
      });
    } else if (h.frozen + h.pledged > h.balance) {
      findings.push({
        severity: "error",
        code: "ENCUMBRANCE_EXCEEDS_BALANCE",
        series: [h.series],
        account: h.holder,
        message: `${h.symbol}: ${who(h.holder, labelOf)} has ${fmt(h.frozen)} frozen and ${fmt(h.pledged)} pledged on a balance of ${fmt(h.balance)}`,
      });
    }
  }
  for (const [holder, list] of unverified) {
    const id = identityCache.get(holder)!.identity;
    findings.push({
      severity: "error",
      code: "UNVERIFIED_HOLDER",
      series: list,
      account: holder,
      message: `${who(holder, labelOf)} is not verified in the identity registry (${id === ZERO ? "no identity registered" : "required claims missing or revoked"}) but holds ${list.map(symbolOf).join(", ")}`,
    });
  }
  for (const s of series) {
    const unit = s.bond?.denomination ?? 0n;
    if (unit <= 1n) continue;
    for (const h of holders.filter((x) => x.series === s.address && x.balance % unit !== 0n)) {
      findings.push({
        severity: "error",
        code: "NOT_WHOLE_UNITS",
        series: [s.address],
        account: h.holder,
        message: `${s.symbol}: ${who(h.holder, labelOf)} holds ${fmt(h.balance)}, not a whole number of ${fmt(unit)} face units`,
      });
    }
  }

  // ------------------------------------------------------------ compliance modules
  const modules: ModuleRow[] = [];
  for (const s of series) {
    const compliance = (await ethers.getContractAt("ModularCompliance", s.compliance)) as unknown as ModularCompliance;
    const seriesHolders = holders.filter((h) => h.series === s.address);
    for (const moduleAddress of await compliance.getModules(at)) {
      const module = getAddress(moduleAddress);
      const named = await ethers.getContractAt("IComplianceModule", module);
      const name = (await named.name(at)) as string;
      autoLabel(module, name);
      const settings = await moduleSettings(ethers, name, module, s.compliance, logs, at);
      modules.push({ series: s.address, symbol: s.symbol, compliance: s.compliance, module, name, settings });
      findings.push(...moduleFindings(name, settings, s, seriesHolders, labelOf));
    }
  }

  // ------------------------------------------------------------ payment runs
  const payments: PaymentRunRow[] = [];
  if (input.payingAgent && bonds.size > 0) {
    const agent = await payingAgentOf(ethers, input.payingAgent);
    for (const address of bonds.keys()) {
      const bondSeries = series.find((x) => x.address === address)!;
      const rows = await paymentRuns(ethers, agent, address, bondSeries, logs, at);
      for (const row of rows) {
        const { numerator, denominator } =
          row.kind === "Coupon"
            ? await agent.couponRatio(address, row.period, at)
            : await agent.redemptionRatio(address, at);
        row.entitlement = (row.recordFace * numerator) / denominator;
        row.reconciled =
          row.due === row.entitlement &&
          (row.status === "In progress" || (row.paid === row.due && row.facePaidOn === row.recordFace));
        payments.push(row);
        const what = `${row.symbol} ${row.kind.toLowerCase()}${row.kind === "Coupon" ? ` ${row.period + 1}` : ""}`;
        if (row.due !== row.entitlement) {
          findings.push({
            severity: "error",
            code: "ENTITLEMENT_MISMATCH",
            series: [address],
            account: "",
            message: `${what}: opened to pay ${fmt(row.due)}, entitlement floor(${fmt(row.recordFace)} x ratio) is ${fmt(row.entitlement)}`,
          });
        }
        if (row.status === "Completed" && (row.paid !== row.due || row.facePaidOn !== row.recordFace)) {
          findings.push({
            severity: "error",
            code: "PAYMENT_MISMATCH",
            series: [address],
            account: "",
            message: `${what}: paid ${fmt(row.paid)} on ${fmt(row.facePaidOn)} face, due ${fmt(row.due)} on ${fmt(row.recordFace)}`,
          });
        }
        if (row.reportedPaid !== row.paid) {
          findings.push({
            severity: "error",
            code: "PAYMENT_RECORD_MISMATCH",
            series: [address],
            account: "",
            message: `${what}: the paying agent reports ${fmt(row.reportedPaid)} paid (${fmt(row.toPledgeAgent)} of it to the pledge agent), the cash token moved ${fmt(row.paid)}`,
          });
        }
        if (row.status === "In progress") {
          findings.push({
            severity: "warning",
            code: "RUN_IN_PROGRESS",
            series: [address],
            account: "",
            message: `${what}: run in progress, ${fmt(row.paid)} of ${fmt(row.due)} paid; balances are locked until it completes`,
          });
        }
      }
    }
  }

  // ------------------------------------------------------------ roles
  const roleTargets: string[] = [
    ...series.flatMap((s) => [s.address, s.compliance]),
    registryInfo.address,
    registryInfo.identityStorage,
    registryInfo.topicsRegistry,
    registryInfo.issuersRegistry,
    ...[input.payingAgent, input.escrow, input.dvp].filter((a): a is string => !!a),
    ...(input.offerings ?? []),
    ...(input.factories ?? []),
  ].map((a) => getAddress(a));
  const roles: RoleRow[] = [];
  for (const target of [...new Set(roleTargets)]) {
    const replayed = new Map<string, boolean>();
    const granted = ACCESS_CONTROL.getEvent("RoleGranted")!.topicHash;
    const revoked = ACCESS_CONTROL.getEvent("RoleRevoked")!.topicHash;
    for (const log of await logs(target, [[granted, revoked]])) {
      const parsed = ACCESS_CONTROL.parseLog(log);
      if (!parsed) continue;
      replayed.set(`${parsed.args.role}|${getAddress(parsed.args.account)}`, parsed.name === "RoleGranted");
    }
    const contract = new Contract(target, ACCESS_CONTROL, provider);
    for (const [key, held] of [...replayed].sort()) {
      const [roleId, account] = key.split("|");
      const confirmed = (await contract.hasRole(roleId, account, at)) as boolean;
      if (confirmed !== held) {
        findings.push({
          severity: "warning",
          code: "ROLE_REPLAY_MISMATCH",
          series: [],
          account,
          message: `${labelOf(target) || target}: events say ${account} ${held ? "holds" : "does not hold"} ${roleName(roleId)}, hasRole says ${confirmed} (events before block ${fromBlock} not read?)`,
        });
      }
      if (!confirmed) continue;
      roles.push({
        contract: target,
        contractLabel: labelOf(target),
        role: roleName(roleId),
        roleId,
        account,
        accountLabel: labelOf(account),
      });
    }
  }

  // ------------------------------------------------------------ refusals
  const refusals: RefusalRow[] = [];
  const count = (source: string, contract: string, event: string, detail: string) => {
    const row = refusals.find((r) => r.contract === contract && r.event === event && r.detail === detail);
    if (row) row.count += 1;
    else refusals.push({ source, contract, event, detail, count: 1 });
  };
  if (input.dvp) {
    const dvp = await ethers.getContractAt("DvpSettlement", input.dvp);
    const address = getAddress(input.dvp);
    for (const event of ["TradeSettled", "TradeSettlementFailed", "TradeCancelled", "TradeExpired"] as const) {
      for (const log of await logs(address, [dvp.interface.getEvent(event).topicHash])) {
        const parsed = dvp.interface.parseLog(log)!;
        let detail = "";
        if (event === "TradeSettled") detail = "settled";
        if (event === "TradeSettlementFailed") detail = errorName(await describeRevert({ data: parsed.args.reason }));
        if (event === "TradeCancelled") detail = parsed.args.reason ? `by agent: ${parsed.args.reason}` : "by the parties";
        if (event === "TradeExpired") detail = "expired unsettled";
        count("DvP settlement", address, event, detail);
      }
    }
  }
  for (const offeringAddress of input.offerings ?? []) {
    const offering = await ethers.getContractAt("Offering", offeringAddress);
    const address = getAddress(offeringAddress);
    const events = {
      ApplicationWithdrawn: "application withdrawn by the applicant",
      ApplicantRefunded: "allotment cancelled by the issuer's agent, deposit refunded",
      OfferingCancelled: "offering cancelled",
    } as const;
    for (const [event, detail] of Object.entries(events)) {
      for (const log of await logs(address, [offering.interface.getEvent(event as keyof typeof events).topicHash])) {
        void log;
        count("Offering", address, event, detail);
      }
    }
  }
  const collateral: CollateralRow[] = [];
  if (input.escrow) {
    const escrow = (await ethers.getContractAt("CollateralEscrow", input.escrow)) as unknown as CollateralEscrow;
    const address = getAddress(input.escrow);
    const events = {
      MarginCalled: "coverage below requirement: margin call",
      MarginCallMet: "margin call met by a top-up",
      DefaultDeclared: "deadline missed: default declared",
    } as const;
    for (const [event, detail] of Object.entries(events)) {
      for (const log of await logs(address, [escrow.interface.getEvent(event as keyof typeof events).topicHash])) {
        void log;
        count("Collateral escrow", address, event, detail);
      }
    }
    collateral.push(...(await collateralAccounts(escrow, address, symbolOf, labelOf, logs, at)));
    findings.push(...collateralFindings(collateral, series, holders, address, blockInfo.timestamp, labelOf));
  }
  const refusalNotes = [
    "A transfer, mint or forced transfer that a series or its compliance refuses reverts: the chain keeps no event of it, so refusals at the token itself cannot be counted from events (use checkTransfer before sending, and the sender's own logs).",
    "What the chain does record: DvP batch settlements that failed (TradeSettlementFailed, with the token's or the settlement's own error), trades cancelled or expired, offering applications withdrawn or refunded, and margin calls and defaults in the collateral escrow.",
  ];
  if (!input.dvp) refusalNotes.push("No DvP settlement contract given: DvP outcomes not read.");
  if ((input.offerings ?? []).length === 0) refusalNotes.push("No offering contract given: offering outcomes not read.");

  findings.sort((a, b) => (a.severity === b.severity ? a.code.localeCompare(b.code) : a.severity === "error" ? -1 : 1));
  for (const s of series) s.label = labelOf(s.address);
  return {
    generatedAt: new Date().toISOString(),
    chainId: (await provider.getNetwork()).chainId.toString(),
    block,
    blockTime: new Date(blockInfo.timestamp * 1000).toISOString(),
    fromBlock,
    identityRegistry: registryInfo,
    series,
    holders,
    supply,
    payments,
    modules,
    roles,
    refusals,
    refusalNotes,
    collateral,
    findings,
  };
}

const ZERO = "0x0000000000000000000000000000000000000000";

function byAddress(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function roleName(id: string): string {
  return ROLE_NAMES[id.toLowerCase()] ?? id;
}

function errorName(described: string): string {
  const paren = described.indexOf("(");
  return paren > 0 ? described.slice(0, paren) : described;
}

/** 1234567n -> "1,234,567". */
function fmt(n: bigint): string {
  return n.toLocaleString("en-US");
}

function who(address: string, labelOf: (a: string) => string): string {
  const label = labelOf(address);
  return label ? `${label} (${address})` : address;
}

type LogReader = (address: string, topics: (string | string[] | null)[]) => Promise<Log[]>;
type At = { blockTag: number };

async function payingAgentOf(ethers: HardhatEthers, address: string): Promise<PayingAgent> {
  return (await ethers.getContractAt("PayingAgent", address)) as unknown as PayingAgent;
}

async function readBondTerms(bond: BondToken, agent: PayingAgent | null, at: At): Promise<BondTermsReport> {
  const isin = await bond.isin(at); // reverts on a plain SecurityToken
  const [interestStart, issue, maturity] = await bond.scheduleDays(at);
  const dates = await bond.couponDates(at);
  return {
    isin,
    kind: KIND_NAMES[Number(await bond.kind(at))] ?? "?",
    issuerName: await bond.issuerName(at),
    issuerCode: Number(await bond.issuerCode(at)),
    currency: getAddress(await bond.currency(at)),
    denomination: await bond.denomination(at),
    issueVolume: await bond.issueVolume(at),
    couponRate: Number(await bond.couponRate(at)),
    couponType: COUPON_TYPE_NAMES[Number(await bond.couponType(at))] ?? "?",
    couponFrequency: Number(await bond.couponFrequency(at)),
    dayCount: "Actual/365 (29 February counted)",
    interestStartDate: formatDate(Number(interestStart)),
    issueDate: formatDate(Number(issue)),
    maturityDate: formatDate(Number(maturity)),
    schedule: dates.map((d, period) => ({
      period: period + 1,
      scheduled: formatDate(Number(d >> 32n)),
      payment: formatDate(Number(d & 0xffffffffn)),
    })),
    couponsPaid: agent ? Number(await agent.couponsPaid(await bond.getAddress(), at)) : 0,
  };
}

/** Area claim topics (residence, workplace) ever added to `identity`, from its ClaimAdded events. */
async function areaClaimTopics(ethers: HardhatEthers, identity: string, logs: LogReader): Promise<bigint[]> {
  const contract = await ethers.getContractAt("Identity", identity);
  const topics = new Set<bigint>();
  for (const log of await logs(identity, [contract.interface.getEvent("ClaimAdded").topicHash])) {
    const topic = BigInt(log.topics[2]);
    if (topic >= RESIDENCE_TOPIC_BASE && topic < WORKPLACE_TOPIC_BASE + 1_000_000n) {
      if (topic < RESIDENCE_TOPIC_BASE + 1_000_000n || topic >= WORKPLACE_TOPIC_BASE) topics.add(topic);
    }
  }
  return [...topics].sort((a, b) => (a < b ? -1 : 1));
}

/** A module's configuration for `compliance`, as strings, read from its views (and events where it has no list view). */
async function moduleSettings(
  ethers: HardhatEthers,
  name: string,
  module: string,
  compliance: string,
  logs: LogReader,
  at: At,
): Promise<Record<string, string>> {
  switch (name) {
    case "DenominationModule": {
      const m = (await ethers.getContractAt("DenominationModule", module)) as unknown as DenominationModule;
      const [unit, minimumHolding] = await m.denomination(compliance, at);
      return { unit: unit.toString(), minimumHolding: minimumHolding.toString() };
    }
    case "ClaimEligibilityModule": {
      const m = (await ethers.getContractAt("ClaimEligibilityModule", module)) as unknown as ClaimEligibilityModule;
      return { topics: (await m.eligibilityTopics(compliance, at)).map(String).join(" ") };
    }
    case "CountryAllowModule":
    case "CountryBlockModule": {
      const m = (await ethers.getContractAt("CountryAllowModule", module)) as unknown as CountryAllowModule;
      const listed = new Set<number>();
      const topic = m.interface.getEvent("CountryListed").topicHash;
      const untopic = m.interface.getEvent("CountryUnlisted").topicHash;
      const complianceTopic = "0x" + compliance.slice(2).toLowerCase().padStart(64, "0");
      for (const log of await logs(module, [[topic, untopic], complianceTopic])) {
        const country = Number(BigInt(log.topics[2]));
        if (log.topics[0] === topic) listed.add(country);
        else listed.delete(country);
      }
      const confirmed: number[] = [];
      for (const country of [...listed].sort((a, b) => a - b)) {
        if (await m.isCountryListed(compliance, country, at)) confirmed.push(country);
      }
      return { countries: confirmed.join(" ") };
    }
    case "MaxBalanceModule": {
      const m = (await ethers.getContractAt("MaxBalanceModule", module)) as unknown as MaxBalanceModule;
      return { maxBalance: (await m.maxBalance(compliance, at)).toString() };
    }
    case "MaxHoldersModule": {
      const m = (await ethers.getContractAt("MaxHoldersModule", module)) as unknown as MaxHoldersModule;
      return {
        maxHolders: (await m.maxHolders(compliance, at)).toString(),
        holderCount: (await m.holderCount(compliance, at)).toString(),
      };
    }
    case "SupplyCapModule": {
      const m = (await ethers.getContractAt("SupplyCapModule", module)) as unknown as SupplyCapModule;
      return { supplyCap: (await m.supplyCap(compliance, at)).toString() };
    }
    case "LockUpModule": {
      const m = (await ethers.getContractAt("LockUpModule", module)) as unknown as LockUpModule;
      const end = Number(await m.lockUpEnd(compliance, at));
      return { lockUpEnd: end === 0 ? "none" : new Date(end * 1000).toISOString() };
    }
    case "ResidentAreaModule": {
      const m = (await ethers.getContractAt("ResidentAreaModule", module)) as unknown as ResidentAreaModule;
      const areas = (await m.areas(compliance, at)).map((c) => c.toString().padStart(6, "0"));
      return { areas: areas.sort().join(" "), adultTopic: (await m.adultTopic(compliance, at)).toString() };
    }
    case "IdentityMinimumHoldingModule": {
      const m = (await ethers.getContractAt(
        "IdentityMinimumHoldingModule",
        module,
      )) as unknown as IdentityMinimumHoldingModule;
      return { minimumHolding: (await m.minimumHolding(compliance, at)).toString() };
    }
    default:
      return {};
  }
}

/** Holdings that break a module's rule as configured now. Per-investor rules group wallets by identity. */
function moduleFindings(
  name: string,
  settings: Record<string, string>,
  s: SeriesReport,
  holders: HolderRow[],
  labelOf: (a: string) => string,
): Finding[] {
  const out: Finding[] = [];
  const byInvestor = new Map<string, { balance: bigint; wallets: string[] }>();
  for (const h of holders) {
    const key = h.identity === ZERO ? h.holder : h.identity;
    const entry = byInvestor.get(key) ?? { balance: 0n, wallets: [] };
    entry.balance += h.balance;
    entry.wallets.push(h.holder);
    byInvestor.set(key, entry);
  }
  const finding = (severity: Severity, code: string, account: string, message: string) =>
    out.push({ severity, code, series: [s.address], account, message: `${s.symbol}: ${message}` });
  switch (name) {
    case "DenominationModule": {
      const unit = BigInt(settings.unit);
      const minimum = BigInt(settings.minimumHolding);
      for (const h of holders) {
        // The bond's own face unit is checked for every bond; report the module's only when it differs.
        if (unit > 1n && h.balance % unit !== 0n && s.bond?.denomination !== unit) {
          finding("error", "NOT_WHOLE_UNITS", h.holder, `${who(h.holder, labelOf)} holds ${fmt(h.balance)}, not a whole number of ${fmt(unit)} units`);
        }
        if (h.balance < minimum) {
          finding("error", "BELOW_MINIMUM_HOLDING", h.holder, `${who(h.holder, labelOf)} holds ${fmt(h.balance)}, below the minimum holding of ${fmt(minimum)}`);
        }
      }
      break;
    }
    case "MaxBalanceModule": {
      const cap = BigInt(settings.maxBalance);
      for (const [investor, e] of byInvestor) {
        if (e.balance > cap) {
          finding("error", "MAX_BALANCE_EXCEEDED", e.wallets[0], `investor ${investor} holds ${fmt(e.balance)} across ${e.wallets.length} wallet(s), above the cap of ${fmt(cap)}`);
        }
      }
      break;
    }
    case "IdentityMinimumHoldingModule": {
      const minimum = BigInt(settings.minimumHolding);
      for (const [investor, e] of byInvestor) {
        if (e.balance < minimum) {
          finding("error", "BELOW_MINIMUM_HOLDING", e.wallets[0], `investor ${investor} holds ${fmt(e.balance)}, below the minimum of ${fmt(minimum)} per investor`);
        }
      }
      break;
    }
    case "MaxHoldersModule": {
      const cap = BigInt(settings.maxHolders);
      if (BigInt(byInvestor.size) > cap) {
        finding("error", "MAX_HOLDERS_EXCEEDED", "", `${byInvestor.size} investors hold units, above the cap of ${cap}`);
      }
      break;
    }
    case "SupplyCapModule": {
      const cap = BigInt(settings.supplyCap);
      if (s.totalSupply > cap) {
        finding("error", "SUPPLY_CAP_EXCEEDED", "", `total supply ${fmt(s.totalSupply)} is above the cap of ${fmt(cap)}`);
      }
      break;
    }
    case "CountryAllowModule":
    case "CountryBlockModule": {
      const listed = new Set(settings.countries.split(" ").filter(Boolean).map(Number));
      const allow = name === "CountryAllowModule";
      for (const h of holders) {
        if (listed.has(h.country) !== allow) {
          finding("warning", "COUNTRY_NOT_ALLOWED", h.holder, `${who(h.holder, labelOf)} is registered in country ${h.country || "none"}, which this series ${allow ? "does not allow" : "blocks"}`);
        }
      }
      break;
    }
    default:
      break;
  }
  return out;
}

/** The series' payment runs, from the paying agent's events (entitlement filled in by the caller). */
async function paymentRuns(
  ethers: HardhatEthers,
  agent: PayingAgent,
  bond: string,
  s: SeriesReport,
  logs: LogReader,
  at: At,
): Promise<PaymentRunRow[]> {
  const i = agent.interface;
  const symbol = s.symbol;
  const agentAddress = getAddress(await agent.getAddress());
  const cashAddress = s.bond!.currency;
  const cash = (await ethers.getContractAt("SecurityToken", cashAddress)) as unknown as SecurityToken;
  const distributed = cash.interface.getEvent("EntitlementsDistributed").topicHash;
  const transfer = cash.interface.getEvent("Transfer").topicHash;
  /** Cash the paying agent had the cash token distribute in one transaction, and the part to the pledge agent. */
  const cashMoved = async (txHash: string) => {
    const receipt = await ethers.provider.getTransactionReceipt(txHash);
    let total = 0n;
    let toPledgeAgent = 0n;
    const funders = new Set<string>();
    for (const log of receipt?.logs ?? []) {
      if (getAddress(log.address) !== cashAddress || log.topics[0] !== distributed) continue;
      const parsed = cash.interface.parseLog(log)!;
      if (getAddress(parsed.args.agent) !== agentAddress) continue;
      total += parsed.args.total as bigint;
      funders.add(getAddress(parsed.args.funder));
    }
    for (const log of receipt?.logs ?? []) {
      if (getAddress(log.address) !== cashAddress || log.topics[0] !== transfer) continue;
      const parsed = cash.interface.parseLog(log)!;
      if (funders.has(getAddress(parsed.args.from)) && getAddress(parsed.args.to) === s.pledgeAgent) {
        toPledgeAgent += parsed.args.value as bigint;
      }
    }
    return { total, toPledgeAgent };
  };
  const names = ["CouponRunOpened", "RedemptionRunOpened", "BatchPaid", "RunCompleted"] as const;
  const topic0 = names.map((n) => i.getEvent(n).topicHash);
  const bondTopic = "0x" + bond.slice(2).toLowerCase().padStart(64, "0");
  const rows: PaymentRunRow[] = [];
  let open: PaymentRunRow | null = null;
  for (const log of await logs(await agent.getAddress(), [topic0, bondTopic])) {
    const parsed = i.parseLog(log);
    if (!parsed) continue;
    if (parsed.name === "CouponRunOpened" || parsed.name === "RedemptionRunOpened") {
      const coupon = parsed.name === "CouponRunOpened";
      open = {
        series: bond,
        symbol,
        kind: coupon ? "Coupon" : "Redemption",
        period: coupon ? Number(parsed.args.period) : 0,
        status: "In progress",
        recordFace: parsed.args.recordFace as bigint,
        due: parsed.args.due as bigint,
        entitlement: 0n,
        batches: 0,
        paid: 0n,
        toPledgeAgent: 0n,
        reportedPaid: 0n,
        facePaidOn: 0n,
        reconciled: false,
      };
      rows.push(open);
    } else if (parsed.name === "BatchPaid" && open) {
      open.batches += 1;
      open.reportedPaid += parsed.args.amount as bigint;
      open.facePaidOn += parsed.args.face as bigint;
      const moved = await cashMoved(log.transactionHash);
      open.paid += moved.total;
      open.toPledgeAgent += moved.toPledgeAgent;
    } else if (parsed.name === "RunCompleted" && open) {
      open.status = "Completed";
      if (RUN_KIND_NAMES[Number(parsed.args.kind)] === "Redemption") open.period = Number(parsed.args.period);
      open = null;
    }
  }
  // A run whose completion is in a later block than read, or none at all: trust the contract's view.
  if (open && Number((await agent.runOf(bond, at)).kind) === 0) open.status = "Completed";
  return rows;
}

async function collateralAccounts(
  escrow: CollateralEscrow,
  address: string,
  symbolOf: (a: string) => string,
  labelOf: (a: string) => string,
  logs: LogReader,
  at: At,
): Promise<CollateralRow[]> {
  const i = escrow.interface;
  const accounts = new Map<string, { pledgor: string; securedParty: string; calls: number; met: number }>();
  const names = ["RequirementSet", "PledgorWalletChanged", "MarginCalled", "MarginCallMet"] as const;
  for (const log of await logs(address, [names.map((n) => i.getEvent(n).topicHash)])) {
    const parsed = i.parseLog(log);
    if (!parsed) continue;
    const id = parsed.args.account as string;
    if (parsed.name === "RequirementSet") {
      const existing = accounts.get(id);
      accounts.set(id, {
        pledgor: getAddress(parsed.args.pledgor),
        securedParty: getAddress(parsed.args.securedParty),
        calls: existing?.calls ?? 0,
        met: existing?.met ?? 0,
      });
    } else if (parsed.name === "PledgorWalletChanged") {
      const a = accounts.get(id);
      if (a) a.pledgor = getAddress(parsed.args.newWallet);
    } else if (parsed.name === "MarginCalled") {
      const a = accounts.get(id);
      if (a) a.calls += 1;
    } else {
      const a = accounts.get(id);
      if (a) a.met += 1;
    }
  }
  const rows: CollateralRow[] = [];
  for (const [id, a] of accounts) {
    const [, account, seriesList, units] = await escrow.accountOf(a.pledgor, a.securedParty, at);
    let coverage = 0n;
    try {
      coverage = await escrow.coverageOf(a.pledgor, a.securedParty, at);
    } catch {
      coverage = 0n;
    }
    const deadline = Number(account.callDeadline);
    rows.push({
      account: id,
      pledgor: a.pledgor,
      pledgorLabel: labelOf(a.pledgor),
      securedParty: a.securedParty,
      securedPartyLabel: labelOf(a.securedParty),
      status: ESCROW_STATUS_NAMES[Number(account.status)] ?? "?",
      requirement: account.requirement,
      coverage,
      cashCollateral: account.cash,
      callDeadline: deadline === 0 ? "" : new Date(deadline * 1000).toISOString(),
      positions: seriesList.map((s, k) => ({ series: getAddress(s), symbol: symbolOf(s), units: units[k] })),
      marginCalls: a.calls,
      marginCallsMet: a.met,
    });
  }
  return rows;
}

function collateralFindings(
  rows: CollateralRow[],
  series: SeriesReport[],
  holders: HolderRow[],
  escrow: string,
  now: number,
  labelOf: (a: string) => string,
): Finding[] {
  const out: Finding[] = [];
  for (const r of rows) {
    const name = `${r.pledgorLabel || r.pledgor} → ${r.securedPartyLabel || r.securedParty}`;
    if (r.status === "Active" && r.coverage < r.requirement) {
      out.push({
        severity: "warning",
        code: "COLLATERAL_SHORT",
        series: [],
        account: r.pledgor,
        message: `collateral account ${name}: coverage ${fmt(r.coverage)} below the requirement of ${fmt(r.requirement)}, no margin call yet`,
      });
    }
    if (r.status === "Called") {
      const overdue = r.callDeadline !== "" && Date.parse(r.callDeadline) / 1000 < now;
      out.push({
        severity: overdue ? "error" : "warning",
        code: overdue ? "MARGIN_CALL_OVERDUE" : "MARGIN_CALL_OPEN",
        series: [],
        account: r.pledgor,
        message: `collateral account ${name}: margin call open (coverage ${fmt(r.coverage)}, requirement ${fmt(r.requirement)}, deadline ${r.callDeadline})`,
      });
    }
    if (r.status === "Defaulted") {
      out.push({
        severity: "warning",
        code: "COLLATERAL_DEFAULT",
        series: [],
        account: r.pledgor,
        message: `collateral account ${name}: in default`,
      });
    }
  }
  // Units the escrow holds as pledged must be exactly what each series counts as pledged to it.
  for (const s of series.filter((x) => x.pledgeAgent === escrow)) {
    const expected = new Map<string, bigint>();
    for (const r of rows.filter((x) => x.status !== "Closed")) {
      for (const p of r.positions.filter((x) => x.series === s.address)) {
        expected.set(r.pledgor, (expected.get(r.pledgor) ?? 0n) + p.units);
      }
    }
    const counted = new Map(holders.filter((h) => h.series === s.address).map((h) => [h.holder, h.pledged]));
    for (const holder of new Set([...expected.keys(), ...counted.keys()])) {
      const e = expected.get(holder) ?? 0n;
      const c = counted.get(holder) ?? 0n;
      if (e !== c) {
        out.push({
          severity: "error",
          code: "PLEDGE_MISMATCH",
          series: [s.address],
          account: holder,
          message: `${s.symbol}: ${who(holder, labelOf)} has ${fmt(c)} pledged on the series, the escrow's accounts hold ${fmt(e)}`,
        });
      }
    }
  }
  return out;
}

// ====================================================================== renderers

/** Every bigint field of the report (for reviving the JSON form). */
const BIGINT_FIELDS = new Set([
  "denomination",
  "issueVolume",
  "totalSupply",
  "balance",
  "frozen",
  "pledged",
  "sumBalances",
  "recordFace",
  "due",
  "entitlement",
  "paid",
  "toPledgeAgent",
  "reportedPaid",
  "facePaidOn",
  "requirement",
  "coverage",
  "cashCollateral",
  "units",
]);

/** The report as JSON: bigints as decimal strings, two-space indentation. */
export function renderJson(report: AuditReport): string {
  return JSON.stringify(report, (_key, value) => (typeof value === "bigint" ? value.toString() : value), 2) + "\n";
}

/** Parses {renderJson}'s output back into a report (amounts as bigints again). */
export function parseAuditJson(text: string): AuditReport {
  return JSON.parse(text, (key, value) =>
    BIGINT_FIELDS.has(key) && typeof value === "string" && /^-?\d+$/.test(value) ? BigInt(value) : value,
  ) as AuditReport;
}

function mdCell(value: unknown): string {
  const text = typeof value === "bigint" ? fmt(value) : String(value ?? "");
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function mdTable(headers: string[], rows: unknown[][]): string {
  if (rows.length === 0) return "_none_\n";
  const line = (cells: unknown[]) => `| ${cells.map(mdCell).join(" | ")} |`;
  return [line(headers), `| ${headers.map(() => "---").join(" | ")} |`, ...rows.map(line)].join("\n") + "\n";
}

function labelled(address: string, label: string): string {
  return label ? `${label} \`${address}\`` : `\`${address}\``;
}

/** The summary section alone (what a console shows). */
export function renderMarkdownSummary(report: AuditReport): string {
  const errors = report.findings.filter((f) => f.severity === "error").length;
  const warnings = report.findings.length - errors;
  const reconciled = report.supply.filter((s) => s.reconciled).length;
  const runsOk = report.payments.filter((p) => p.reconciled).length;
  const wallets = new Set(report.holders.map((h) => h.holder)).size;
  const lines = [
    "## Summary",
    "",
    `- Chain ${report.chainId}, state at block ${report.block} (${report.blockTime}), events from block ${report.fromBlock}`,
    `- ${report.series.length} series (${report.series.map((s) => s.symbol).join(", ")}), ${wallets} holding wallets, ${report.holders.length} positions`,
    `- Supply reconciliation: ${reconciled} of ${report.supply.length} series reconcile (Σ balances = total supply)`,
    `- Payment runs: ${report.payments.length}, ${runsOk} paid exactly their entitlement`,
    `- Compliance modules: ${report.modules.length}; role grants in force: ${report.roles.length}`,
    `- Recorded refusals and outcomes: ${report.refusals.reduce((n, r) => n + r.count, 0)} events`,
    `- Collateral accounts: ${report.collateral.length}`,
    `- Findings: ${errors} error(s), ${warnings} warning(s)`,
  ];
  for (const f of report.findings) lines.push(`  - **${f.severity}** ${f.code}: ${f.message}`);
  return lines.join("\n") + "\n";
}

/** The full report as Markdown. */
export function renderMarkdown(report: AuditReport): string {
  const out: string[] = ["# kosai compliance audit", "", renderMarkdownSummary(report)];
  out.push("## Series", "");
  out.push(
    mdTable(
      ["Series", "Name", "Address", "Decimals", "Total supply", "Paused", "Balance lock", "Pledge agent"],
      report.series.map((s) => [s.symbol, s.name, `\`${s.address}\``, s.decimals, s.totalSupply, s.paused, s.balanceLock, s.pledgeAgent === ZERO ? "" : `\`${s.pledgeAgent}\``]),
    ),
  );
  for (const s of report.series.filter((x) => x.bond)) {
    const b = s.bond!;
    out.push(`### ${s.symbol} terms`, "");
    out.push(
      mdTable(
        ["ISIN", "Kind", "Issuer", "Face unit", "Issue volume", "Coupon", "Day count", "Interest from", "Issue", "Maturity", "Coupons paid"],
        [[
          b.isin,
          b.kind,
          b.issuerCode ? `${b.issuerName} (${String(b.issuerCode).padStart(6, "0")})` : b.issuerName,
          b.denomination,
          b.issueVolume,
          `${b.couponRate / 10_000}% ${b.couponType}, ${b.couponFrequency}/year`,
          b.dayCount,
          b.interestStartDate,
          b.issueDate,
          b.maturityDate,
          `${b.couponsPaid} of ${b.schedule.length}`,
        ]],
      ),
    );
    const shown = b.schedule.map((c) => (c.scheduled === c.payment ? c.payment : `${c.scheduled}→${c.payment}`));
    out.push(`Schedule (${shown.length} coupons; scheduled→paid when a holiday moves it): ${shown.join(", ") || "none"}`, "");
  }
  out.push("## Holders", "");
  out.push(
    mdTable(
      ["Series", "Holder", "Identity", "Country", "Municipality", "Verified", "Balance", "Frozen", "Pledged"],
      report.holders.map((h) => [
        h.symbol,
        labelled(h.holder, h.label),
        h.identity === ZERO ? "none" : `\`${h.identity}\``,
        h.countryName ? `${h.countryName} (${h.country})` : h.country || "",
        h.municipalities.join(", "),
        h.verified ? "yes" : "**NO**",
        h.balance,
        h.walletFrozen ? `${fmt(h.frozen)} (wallet frozen)` : h.frozen,
        h.pledged,
      ]),
    ),
  );
  out.push("## Supply reconciliation", "");
  out.push(
    mdTable(
      ["Series", "Holders", "Σ balances", "Total supply", "Reconciled"],
      report.supply.map((s) => [s.symbol, s.holders, s.sumBalances, s.totalSupply, s.reconciled ? "yes" : "**NO**"]),
    ),
  );
  out.push("## Coupons and redemptions", "");
  out.push(
    mdTable(
      ["Series", "Run", "Status", "Record face", "Due", "Entitlement", "Paid", "of which to pledge agent", "Face paid on", "Batches", "Reconciled"],
      report.payments.map((p) => [
        p.symbol,
        p.kind === "Coupon" ? `coupon ${p.period + 1}` : "redemption",
        p.status,
        p.recordFace,
        p.due,
        p.entitlement,
        p.paid,
        p.toPledgeAgent,
        p.facePaidOn,
        p.batches,
        p.reconciled ? "yes" : "**NO**",
      ]),
    ),
  );
  out.push("## Compliance modules", "");
  out.push(
    mdTable(
      ["Series", "Module", "Address", "Settings"],
      report.modules.map((m) => [
        m.symbol,
        m.name,
        `\`${m.module}\``,
        Object.entries(m.settings).map(([k, v]) => `${k}=${v || "(none)"}`).join(", "),
      ]),
    ),
  );
  out.push("## Roles in force", "");
  out.push(
    mdTable(
      ["Contract", "Role", "Account"],
      report.roles.map((r) => [labelled(r.contract, r.contractLabel), r.role, labelled(r.account, r.accountLabel)]),
    ),
  );
  out.push("## Refusals and outcomes recorded on chain", "");
  for (const note of report.refusalNotes) out.push(`- ${note}`);
  out.push("");
  out.push(
    mdTable(
      ["Source", "Contract", "Event", "Detail", "Count"],
      report.refusals.map((r) => [r.source, `\`${r.contract}\``, r.event, r.detail, r.count]),
    ),
  );
  out.push("## Collateral accounts", "");
  out.push(
    mdTable(
      ["Pledgor", "Secured party", "Status", "Requirement", "Coverage", "Cash", "Positions", "Margin calls (met)"],
      report.collateral.map((c) => [
        labelled(c.pledgor, c.pledgorLabel),
        labelled(c.securedParty, c.securedPartyLabel),
        c.status,
        c.requirement,
        c.coverage,
        c.cashCollateral,
        c.positions.map((p) => `${fmt(p.units)} ${p.symbol}`).join(", "),
        `${c.marginCalls} (${c.marginCallsMet})`,
      ]),
    ),
  );
  out.push("## Findings", "");
  out.push(
    mdTable(
      ["Severity", "Code", "Account", "Detail"],
      report.findings.map((f) => [f.severity, f.code, f.account ? `\`${f.account}\`` : "", f.message]),
    ),
  );
  return out.join("\n");
}

function csv(columns: string[], rows: Record<string, unknown>[]): string {
  const plain = rows.map((r) =>
    Object.fromEntries(columns.map((c) => [c, typeof r[c] === "bigint" ? (r[c] as bigint).toString() : r[c]])),
  );
  return stringify(plain, { header: true, columns, cast: { boolean: (v) => (v ? "true" : "false") } });
}

/** The report's tables as CSV files: file name -> content (amounts as plain decimal integers). */
export function renderCsv(report: AuditReport): Record<string, string> {
  return {
    "series.csv": csv(
      ["address", "symbol", "name", "decimals", "totalSupply", "paused", "balanceLock", "compliance", "pledgeAgent", "holderCount", "isin", "kind", "issuerName", "issuerCode", "denomination", "issueVolume", "couponRate", "couponFrequency", "interestStartDate", "issueDate", "maturityDate", "coupons", "couponsPaid"],
      report.series.map((s) => ({
        ...s,
        ...(s.bond ? { ...s.bond, coupons: s.bond.schedule.length } : {}),
      })),
    ),
    "holders.csv": csv(
      ["series", "symbol", "holder", "label", "identity", "country", "municipalities", "verified", "walletFrozen", "balance", "frozen", "pledged"],
      report.holders.map((h) => ({ ...h, municipalities: h.municipalities.join(" ") })),
    ),
    "supply.csv": csv(["series", "symbol", "holders", "sumBalances", "totalSupply", "reconciled"], report.supply as never[]),
    "payments.csv": csv(
      ["series", "symbol", "kind", "period", "status", "recordFace", "due", "entitlement", "paid", "toPledgeAgent", "reportedPaid", "facePaidOn", "batches", "reconciled"],
      report.payments as never[],
    ),
    "modules.csv": csv(
      ["series", "symbol", "compliance", "module", "name", "settings"],
      report.modules.map((m) => ({ ...m, settings: Object.entries(m.settings).map(([k, v]) => `${k}=${v}`).join("; ") })),
    ),
    "roles.csv": csv(["contract", "contractLabel", "role", "roleId", "account", "accountLabel"], report.roles as never[]),
    "refusals.csv": csv(["source", "contract", "event", "detail", "count"], report.refusals as never[]),
    "collateral.csv": csv(
      ["account", "pledgor", "pledgorLabel", "securedParty", "securedPartyLabel", "status", "requirement", "coverage", "cashCollateral", "callDeadline", "positions", "marginCalls", "marginCallsMet"],
      report.collateral.map((c) => ({ ...c, positions: c.positions.map((p) => `${p.units} ${p.symbol}`).join("; ") })),
    ),
    "findings.csv": csv(
      ["severity", "code", "series", "account", "message"],
      report.findings.map((f) => ({ ...f, series: f.series.join(" ") })),
    ),
  };
}

/**
 * Writes the report into `dir` (created if needed): audit.md, audit.json and one CSV per table.
 * Returns the paths written.
 */
export function writeAuditReport(report: AuditReport, dir: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const files: Record<string, string> = {
    "audit.md": renderMarkdown(report),
    "audit.json": renderJson(report),
    ...renderCsv(report),
  };
  return Object.entries(files).map(([name, content]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  });
}

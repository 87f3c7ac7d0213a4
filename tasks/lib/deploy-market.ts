/**
 * The steps of `suite:deploy`, each resumable (see resumable.ts): the same market scripts/lib builds in
 * one go for tests and the demo, here recorded step by step so a killed deployment completes on rerun.
 * Loaded only inside a task's action (it imports the Hardhat runtime).
 */
import { ContractFactory, type Signer } from "ethers";
import { ethers } from "hardhat";
import { contracts as onchainIdArtifacts } from "@onchain-id/solidity";
import type {
  BondFactory,
  ClaimTopicsRegistry,
  CpiFeed,
  DvpSettlement,
  Offering,
  PayingAgent,
  PriceFeed,
  Identity,
  IdentityRegistry,
  IdentityRegistryStorage,
  SecurityToken,
  SeriesFactory,
  TrustedIssuersRegistry,
} from "../../typechain-types";
import { COUNTRY, ECDSA_SCHEME, ROLES, TOKEN_AGENT_ROLES } from "../../scripts/lib/constants";
import { claimId, signClaim } from "../../scripts/lib/onchainid";
import type { OperationContext } from "./cli";
import type { RecordStore } from "./record";
import { at } from "./bond-ops";
import { Resumable } from "./resumable";

/** Accounts that play the market's roles. */
export interface MarketAccounts {
  owner: string;
  registrar: string;
  kycSigner: string;
  bank: string;
  /** A secured party (e.g. JSCC) that escrow tasks send from by default; optional. */
  clearingHouse?: string;
}

const MODULES = {
  countryAllow: "CountryAllowModule",
  countryBlock: "CountryBlockModule",
  maxBalance: "MaxBalanceModule",
  maxHolders: "MaxHoldersModule",
  supplyCap: "SupplyCapModule",
  lockUp: "LockUpModule",
  eligibility: "ClaimEligibilityModule",
  denomination: "DenominationModule",
  residentArea: "ResidentAreaModule",
  minimumHolding: "IdentityMinimumHoldingModule",
} as const;

/** A signer for `address` on this network, or an error saying the key is missing. */
export async function signerFor(address: string, role: string): Promise<Signer> {
  const signer = (await ethers.getSigners()).find((s) => s.address.toLowerCase() === address.toLowerCase());
  if (!signer) throw new Error(`the ${role} ${address} has no key on this network`);
  return signer;
}

/**
 * Gives `holder` (a system contract or an investor wallet) an ONCHAINID managed by `manager`, with the
 * KYC issuer's claims for `topics`, registered in `country`. Each part is skipped if the chain has it.
 */
export async function ensureRegistered(args: {
  steps: Resumable;
  store: RecordStore;
  manager: Signer;
  registrar: Signer;
  kycSigner: Signer;
  holder: string;
  name: string;
  topics: bigint[];
  country?: number;
}): Promise<string> {
  const { steps, store } = args;
  const registry = await at<IdentityRegistry>("IdentityRegistry", store.contract("identityRegistry"), args.registrar);
  const existing = await registry.identity(args.holder);
  const proxyFactory = await ethers.getContractFactory("IdentityProxy", args.manager);
  const identityAddress =
    existing !== ethers.ZeroAddress
      ? existing
      : await steps.contract(`identity.${args.name}`, proxyFactory, [
          store.contract("identityAuthority"),
          await args.manager.getAddress(),
        ]);
  const identity = await at<Identity>("Identity", identityAddress, args.manager);
  const issuer = store.contract("kycIssuer");
  for (const topic of args.topics) {
    await steps.ensure(
      `add claim ${topic} to ${args.name}`,
      async () => (await identity.getClaim(claimId(issuer, topic))).issuer !== ethers.ZeroAddress,
      async () =>
        identity.addClaim(
          topic,
          ECDSA_SCHEME,
          issuer,
          await signClaim(args.kycSigner, identityAddress, topic),
          "0x",
          "",
        ),
    );
  }
  await steps.ensure(
    `register ${args.name}`,
    async () => (await registry.contains(args.holder)) === true,
    () => registry.registerIdentity(args.holder, identityAddress, args.country ?? COUNTRY.JP),
  );
  return identityAddress;
}

/** Deploys or completes the market; returns how many steps were sent and skipped. */
export async function deployMarket(
  ctx: OperationContext,
  store: RecordStore,
  owner: Signer,
  accounts: MarketAccounts,
  requiredTopics: bigint[],
  issuerTopics: bigint[],
): Promise<{ sent: number; skipped: number }> {
  const steps = new Resumable(ctx, store, owner);
  const record = store.record;
  Object.assign(record.accounts, accounts);
  store.save();
  const registrar = await signerFor(accounts.registrar, "registrar");
  const kycSigner = await signerFor(accounts.kycSigner, "KYC signer");
  const factoryOf = (name: string) => ethers.getContractFactory(name, owner);
  const o = accounts.owner;

  // Identity layer: one storage (the KYC whitelist) shared by every series.
  const storageAddress = await steps.contract("identityStorage", await factoryOf("IdentityRegistryStorage"), [o]);
  const topicsAddress = await steps.contract("topicsRegistry", await factoryOf("ClaimTopicsRegistry"), [o]);
  const issuersAddress = await steps.contract("issuersRegistry", await factoryOf("TrustedIssuersRegistry"), [o]);
  const registryAddress = await steps.contract("identityRegistry", await factoryOf("IdentityRegistry"), [
    o,
    storageAddress,
    topicsAddress,
    issuersAddress,
  ]);
  const storage = await at<IdentityRegistryStorage>("IdentityRegistryStorage", storageAddress, owner);
  const topics = await at<ClaimTopicsRegistry>("ClaimTopicsRegistry", topicsAddress, owner);
  const issuers = await at<TrustedIssuersRegistry>("TrustedIssuersRegistry", issuersAddress, owner);
  const registry = await at<IdentityRegistry>("IdentityRegistry", registryAddress, owner);
  await steps.ensure(
    "bind identity registry to storage",
    async () => (await storage.linkedIdentityRegistries()).includes(registryAddress),
    () => storage.bindIdentityRegistry(registryAddress),
  );
  for (const publisher of [topics, issuers]) {
    await steps.ensure(
      "add registry as requirements listener",
      () => publisher.isRequirementsListener(registryAddress),
      () => publisher.addRequirementsListener(registryAddress),
    );
  }
  await steps.ensure(
    "grant REGISTRAR_AGENT",
    () => registry.hasRole(ROLES.REGISTRAR_AGENT, accounts.registrar),
    () => registry.grantRole(ROLES.REGISTRAR_AGENT, accounts.registrar),
  );

  // Series factory and compliance modules.
  const tokenImpl = await steps.contract("implementations.securityToken", await factoryOf("SecurityToken"));
  const complianceImpl = await steps.contract("implementations.compliance", await factoryOf("ModularCompliance"));
  const seriesFactoryAddress = await steps.contract("seriesFactory", await factoryOf("SeriesFactory"), [
    o,
    tokenImpl,
    complianceImpl,
    registryAddress,
  ]);
  const seriesFactory = await at<SeriesFactory>("SeriesFactory", seriesFactoryAddress, owner);
  await steps.ensure(
    "grant SERIES_DEPLOYER on SeriesFactory",
    () => seriesFactory.hasRole(ROLES.SERIES_DEPLOYER, o),
    () => seriesFactory.grantRole(ROLES.SERIES_DEPLOYER, o),
  );
  const modules: Record<string, string> = {};
  for (const [key, name] of Object.entries(MODULES)) {
    modules[key] = await steps.contract(`modules.${key}`, await factoryOf(name));
  }

  // ONCHAINID: the identity implementation and authority, and the KYC claim issuer.
  const identityImpl = await steps.contract("implementations.identity", await factoryOf("Identity"), [o, true]);
  const authorityArtifact = onchainIdArtifacts.ImplementationAuthority;
  await steps.contract(
    "identityAuthority",
    new ContractFactory(authorityArtifact.abi, authorityArtifact.bytecode, owner),
    [identityImpl],
  );
  const kycIssuer = await steps.contract("kycIssuer", await factoryOf("ClaimIssuer"), [accounts.kycSigner]);
  for (const topic of requiredTopics) {
    await steps.ensure(
      `require claim topic ${topic}`,
      async () => (await topics.getClaimTopics()).includes(topic),
      () => topics.addClaimTopic(topic),
    );
  }
  await steps.ensure(
    "trust the KYC issuer",
    () => issuers.isTrustedIssuer(kycIssuer),
    () => issuers.addTrustedIssuer(kycIssuer, issuerTopics),
  );

  // Bond market: bond factory, paying agent, CPI feed, the yen cash token.
  const bondImpl = await steps.contract("implementations.bondToken", await factoryOf("BondToken"));
  const bondFactoryAddress = await steps.contract("bondFactory", await factoryOf("BondFactory"), [
    o,
    bondImpl,
    await seriesFactory.complianceBeacon(),
    registryAddress,
    {
      denomination: modules.denomination,
      eligibility: modules.eligibility,
      residentArea: modules.residentArea,
      maxBalance: modules.maxBalance,
      minimumHolding: modules.minimumHolding,
      supplyCap: modules.supplyCap,
    },
  ]);
  const bondFactory = await at<BondFactory>("BondFactory", bondFactoryAddress, owner);
  await steps.ensure(
    "grant SERIES_DEPLOYER on BondFactory",
    () => bondFactory.hasRole(ROLES.SERIES_DEPLOYER, o),
    () => bondFactory.grantRole(ROLES.SERIES_DEPLOYER, o),
  );
  const payingAgentAddress = await steps.contract("payingAgent", await factoryOf("PayingAgent"), [o]);
  const payingAgent = await at<PayingAgent>("PayingAgent", payingAgentAddress, owner);
  await steps.ensure(
    "grant PAYING_AGENT on PayingAgent",
    () => payingAgent.hasRole(ROLES.PAYING_AGENT, o),
    () => payingAgent.grantRole(ROLES.PAYING_AGENT, o),
  );
  const cpiFeedAddress = await steps.contract("cpiFeed", await factoryOf("CpiFeed"), [o]);
  const cpiFeed = await at<CpiFeed>("CpiFeed", cpiFeedAddress, owner);
  await steps.ensure(
    "grant INDEX_AGENT on CpiFeed",
    () => cpiFeed.hasRole(ROLES.INDEX_AGENT, o),
    () => cpiFeed.grantRole(ROLES.INDEX_AGENT, o),
  );
  const cash = await ensureCashToken(ctx, store, seriesFactory, owner, accounts.bank, payingAgentAddress);

  // Offering, DvP settlement, price feed and collateral escrow.
  const offeringAddress = await steps.contract("offering", await factoryOf("Offering"), [o]);
  const offering = await at<Offering>("Offering", offeringAddress, owner);
  await steps.ensure(
    "grant ISSUER_AGENT on Offering",
    () => offering.hasRole(ROLES.ISSUER_AGENT, o),
    () => offering.grantRole(ROLES.ISSUER_AGENT, o),
  );
  await steps.ensure(
    "let the Offering pay and refund cash",
    () => cash.hasRole(ROLES.PAYING_AGENT, offeringAddress),
    () => cash.grantRole(ROLES.PAYING_AGENT, offeringAddress),
  );
  const dvpAddress = await steps.contract("dvp", await factoryOf("DvpSettlement"), [o]);
  const dvp = await at<DvpSettlement>("DvpSettlement", dvpAddress, owner);
  const settlementAgent = ethers.id("kosai.role.SETTLEMENT_AGENT");
  await steps.ensure(
    "grant SETTLEMENT_AGENT on DvpSettlement",
    () => dvp.hasRole(settlementAgent, o),
    () => dvp.grantRole(settlementAgent, o),
  );
  const priceFeedAddress = await steps.contract("priceFeed", await factoryOf("PriceFeed"), [o]);
  const priceFeed = await at<PriceFeed>("PriceFeed", priceFeedAddress, owner);
  await steps.ensure(
    "grant PRICE_AGENT on PriceFeed",
    () => priceFeed.hasRole(ROLES.PRICE_AGENT, o),
    () => priceFeed.grantRole(ROLES.PRICE_AGENT, o),
  );
  const escrowAddress = await steps.contract("escrow", await factoryOf("CollateralEscrow"), [
    o,
    await cash.getAddress(),
    registryAddress,
    priceFeedAddress,
  ]);
  const escrow = await ethers.getContractAt("CollateralEscrow", escrowAddress, owner);
  await steps.ensure(
    "let the escrow take matured collateral from the paying agent",
    async () => (await escrow.wiring()).payingAgent === payingAgentAddress,
    () => escrow.setPayingAgent(payingAgentAddress),
  );

  // System contracts that hold cash are registered holders with their own ONCHAINID.
  for (const [name, holder] of [
    ["offering", offeringAddress],
    ["escrow", escrowAddress],
  ] as const) {
    await ensureRegistered({
      steps,
      store,
      manager: owner,
      registrar,
      kycSigner,
      holder,
      name,
      topics: requiredTopics,
    });
  }
  return steps.counts;
}

/** Creates the JPYD cash token unless the factory already created it for this owner. */
async function ensureCashToken(
  ctx: OperationContext,
  store: RecordStore,
  seriesFactory: SeriesFactory,
  owner: Signer,
  bank: string,
  payingAgent: string,
): Promise<SecurityToken> {
  const ownerAddress = await owner.getAddress();
  const known = store.record.series.JPYD;
  if (known !== undefined) return at<SecurityToken>("SecurityToken", known.token, owner);
  for (const event of await seriesFactory.queryFilter(
    seriesFactory.filters.SeriesCreated(undefined, undefined, ownerAddress),
  )) {
    const token = await at<SecurityToken>("SecurityToken", event.args.token, owner);
    if ((await token.symbol()) === "JPYD") {
      store.record.series.JPYD = { token: event.args.token, compliance: event.args.compliance, kind: "cash" };
      store.save();
      return token;
    }
  }
  const receipt = await ctx.send("create the JPYD cash token", () =>
    seriesFactory.createSeries({
      owner: ownerAddress,
      name: "Tokenized JPY Deposit",
      symbol: "JPYD",
      decimals: 0,
      onchainID: ethers.ZeroAddress,
      tokenRoles: [
        ...TOKEN_AGENT_ROLES.map((role) => ({ role, account: bank })),
        { role: ROLES.PAYING_AGENT, account: payingAgent },
        { role: ROLES.FREEZE_AGENT, account: payingAgent },
      ],
      complianceAgents: [],
      modules: [],
    }),
  );
  const created = receipt.logs
    .map((log) => {
      try {
        return seriesFactory.interface.parseLog(log);
      } catch {
        return null;
      }
    })
    .find((parsed) => parsed?.name === "SeriesCreated");
  if (!created) throw new Error("SeriesCreated not emitted");
  store.record.series.JPYD = { token: created.args.token, compliance: created.args.compliance, kind: "cash" };
  store.save();
  return at<SecurityToken>("SecurityToken", created.args.token, owner);
}

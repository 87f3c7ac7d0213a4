import { type Signer, type ContractTransactionReceipt } from "ethers";
import { ethers } from "hardhat";
import { COUNTRY, ROLES, TOKEN_AGENT_ROLES, TOPICS } from "./constants";
import {
  deployClaimIssuer,
  deployIdentity,
  deployIdentityAuthority,
  deployIdentityCloneFactory,
  issueClaim,
} from "./onchainid";
import type {
  ClaimEligibilityModule,
  ClaimIssuer,
  ClaimTopicsRegistry,
  CountryAllowModule,
  CountryBlockModule,
  DenominationModule,
  IdentityMinimumHoldingModule,
  IdentityCloneFactory,
  IdentityRegistry,
  IdentityRegistryStorage,
  Identity,
  LockUpModule,
  MaxBalanceModule,
  MaxHoldersModule,
  ModularCompliance,
  ResidentAreaModule,
  SecurityToken,
  SeriesFactory,
  SupplyCapModule,
  TrustedIssuersRegistry,
} from "../../typechain-types";
import type { ISeriesFactory } from "../../typechain-types/contracts/factory/SeriesFactory";

/** The shared contracts of a kosai market: registries, module singletons, the series factory. */
export interface Suite {
  /** ONCHAINID ImplementationAuthority that investors' IdentityProxy contracts follow. */
  identityAuthority: string;
  /** Creates investors' ONCHAINIDs as minimal clones of the authority's Identity implementation. */
  identityFactory: IdentityCloneFactory;
  identityStorage: IdentityRegistryStorage;
  topicsRegistry: ClaimTopicsRegistry;
  issuersRegistry: TrustedIssuersRegistry;
  identityRegistry: IdentityRegistry;
  factory: SeriesFactory;
  modules: {
    countryAllow: CountryAllowModule;
    countryBlock: CountryBlockModule;
    maxBalance: MaxBalanceModule;
    maxHolders: MaxHoldersModule;
    supplyCap: SupplyCapModule;
    lockUp: LockUpModule;
    eligibility: ClaimEligibilityModule;
    denomination: DenominationModule;
    residentArea: ResidentAreaModule;
    minimumHolding: IdentityMinimumHoldingModule;
  };
}

/** A token series and its compliance. */
export interface Series {
  token: SecurityToken;
  compliance: ModularCompliance;
}

export async function deploy<T>(name: string, signer: Signer, ...args: unknown[]): Promise<T> {
  const factory = await ethers.getContractFactory(name, signer);
  const contract = await factory.deploy(...args);
  await contract.waitForDeployment();
  return contract as unknown as T;
}

export async function send(tx: Promise<{ wait(): Promise<ContractTransactionReceipt | null> }>) {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("transaction dropped");
  return receipt;
}

/**
 * Deploys the shared suite and wires it: the storage binds the registry, the topic and issuer registries
 * notify it, `registrar` may register investors, `owner` may create series.
 */
export async function deploySuite(owner: Signer, registrar: Signer = owner): Promise<Suite> {
  const ownerAddress = await owner.getAddress();
  const identityStorage = await deploy<IdentityRegistryStorage>("IdentityRegistryStorage", owner, ownerAddress);
  const topicsRegistry = await deploy<ClaimTopicsRegistry>("ClaimTopicsRegistry", owner, ownerAddress);
  const issuersRegistry = await deploy<TrustedIssuersRegistry>("TrustedIssuersRegistry", owner, ownerAddress);
  const identityRegistry = await deploy<IdentityRegistry>(
    "IdentityRegistry",
    owner,
    ownerAddress,
    await identityStorage.getAddress(),
    await topicsRegistry.getAddress(),
    await issuersRegistry.getAddress(),
  );
  const registryAddress = await identityRegistry.getAddress();
  await send(identityStorage.bindIdentityRegistry(registryAddress));
  await send(topicsRegistry.addRequirementsListener(registryAddress));
  await send(issuersRegistry.addRequirementsListener(registryAddress));
  await send(identityRegistry.grantRole(ROLES.REGISTRAR_AGENT, await registrar.getAddress()));

  const tokenImplementation = await deploy<SecurityToken>("SecurityToken", owner);
  const complianceImplementation = await deploy<ModularCompliance>("ModularCompliance", owner);
  const factory = await deploy<SeriesFactory>(
    "SeriesFactory",
    owner,
    ownerAddress,
    await tokenImplementation.getAddress(),
    await complianceImplementation.getAddress(),
    registryAddress,
  );
  await send(factory.grantRole(ROLES.SERIES_DEPLOYER, ownerAddress));

  const modules = {
    countryAllow: await deploy<CountryAllowModule>("CountryAllowModule", owner),
    countryBlock: await deploy<CountryBlockModule>("CountryBlockModule", owner),
    maxBalance: await deploy<MaxBalanceModule>("MaxBalanceModule", owner),
    maxHolders: await deploy<MaxHoldersModule>("MaxHoldersModule", owner),
    supplyCap: await deploy<SupplyCapModule>("SupplyCapModule", owner),
    lockUp: await deploy<LockUpModule>("LockUpModule", owner),
    eligibility: await deploy<ClaimEligibilityModule>("ClaimEligibilityModule", owner),
    denomination: await deploy<DenominationModule>("DenominationModule", owner),
    residentArea: await deploy<ResidentAreaModule>("ResidentAreaModule", owner),
    minimumHolding: await deploy<IdentityMinimumHoldingModule>("IdentityMinimumHoldingModule", owner),
  };
  const identityAuthority = await deployIdentityAuthority(owner);
  const identityFactory = await deployIdentityCloneFactory(owner, identityAuthority);
  return { identityAuthority, identityFactory, identityStorage, topicsRegistry, issuersRegistry, identityRegistry, factory, modules };
}

/** A module to install on a new series, with its configuration calls (already ABI-encoded). */
export interface ModuleSetup {
  module: string;
  calls: string[];
}

/** Options for {createSeries}. */
export interface SeriesOptions {
  name: string;
  symbol: string;
  decimals?: number;
  onchainID?: string;
  /** Accounts granted every token agent role. */
  agents?: string[];
  /** Finer-grained grants. */
  roles?: { role: string; account: string }[];
  complianceAgents?: string[];
  modules?: ModuleSetup[];
}

/** Creates a series through the factory in one transaction; returns the typed token and compliance. */
export async function createSeries(
  suite: Suite,
  owner: Signer,
  options: SeriesOptions,
): Promise<Series & { receipt: ContractTransactionReceipt }> {
  const grants = [
    ...(options.agents ?? []).flatMap((account) => TOKEN_AGENT_ROLES.map((role) => ({ role, account }))),
    ...(options.roles ?? []),
  ];
  const params: ISeriesFactory.SeriesParamsStruct = {
    owner: await owner.getAddress(),
    name: options.name,
    symbol: options.symbol,
    decimals: options.decimals ?? 0,
    onchainID: options.onchainID ?? ethers.ZeroAddress,
    tokenRoles: grants,
    complianceAgents: options.complianceAgents ?? [],
    modules: options.modules ?? [],
  };
  const receipt = await send(suite.factory.connect(owner).createSeries(params));
  const event = receipt.logs
    .map((log) => {
      try {
        return suite.factory.interface.parseLog(log);
      } catch {
        return null;
      }
    })
    .find((parsed) => parsed?.name === "SeriesCreated");
  if (!event) throw new Error("SeriesCreated not emitted");
  const token = (await ethers.getContractAt("SecurityToken", event.args.token)) as unknown as SecurityToken;
  const compliance = (await ethers.getContractAt(
    "ModularCompliance",
    event.args.compliance,
  )) as unknown as ModularCompliance;
  return { token, compliance, receipt };
}

/** A KYC provider: an ONCHAINID ClaimIssuer trusted by the suite for some topics. */
export interface KycProvider {
  issuer: ClaimIssuer;
  key: Signer;
}

/** Deploys a claim issuer, trusts it for `topics` and requires `requiredTopics` of every investor. */
export async function setUpKyc(
  suite: Suite,
  owner: Signer,
  issuerKey: Signer,
  topics: bigint[] = [TOPICS.KYC],
  requiredTopics: bigint[] = [TOPICS.KYC],
): Promise<KycProvider> {
  const issuer = await deployClaimIssuer(issuerKey);
  for (const topic of requiredTopics) await send(suite.topicsRegistry.connect(owner).addClaimTopic(topic));
  await send(suite.issuersRegistry.connect(owner).addTrustedIssuer(await issuer.getAddress(), topics));
  return { issuer, key: issuerKey };
}

/** An onboarded investor. */
export interface Investor {
  wallet: Signer;
  address: string;
  identity: Identity;
}

/**
 * Onboards an investor the way a registrar does: the investor's ONCHAINID is deployed, the KYC provider
 * signs one claim per topic and the investor stores them, the registrar registers the wallet.
 */
export async function onboardInvestor(args: {
  suite: Suite;
  registrar: Signer;
  kyc: KycProvider;
  wallet: Signer;
  country?: number;
  topics?: bigint[];
}): Promise<Investor> {
  const identity = await deployIdentity(args.wallet, args.suite.identityAuthority);
  for (const topic of args.topics ?? [TOPICS.KYC]) {
    await issueClaim({ identity, identityOwner: args.wallet, issuer: args.kyc.issuer, issuerKey: args.kyc.key, topic });
  }
  const address = await args.wallet.getAddress();
  await send(
    args.suite.identityRegistry
      .connect(args.registrar)
      .registerIdentity(address, await identity.getAddress(), args.country ?? COUNTRY.JP),
  );
  return { wallet: args.wallet, address, identity };
}

/**
 * Registers a system contract (escrow, offering, settlement) as a holder in the identity registry: an
 * ONCHAINID identity managed by `operator`, carrying the KYC provider's claims for `topics`, registered
 * in Japan. Contracts that receive cash tokens by holder transfer need this.
 */
export async function registerSystemContract(args: {
  suite: Suite;
  operator: Signer;
  registrar: Signer;
  kyc: KycProvider;
  contract: string;
  topics?: bigint[];
}): Promise<string> {
  const identity = await deployIdentity(args.operator, args.suite.identityAuthority);
  for (const topic of args.topics ?? [TOPICS.KYC]) {
    await issueClaim({
      identity,
      identityOwner: args.operator,
      issuer: args.kyc.issuer,
      issuerKey: args.kyc.key,
      topic,
    });
  }
  await send(
    args.suite.identityRegistry
      .connect(args.registrar)
      .registerIdentity(args.contract, await identity.getAddress(), COUNTRY.JP),
  );
  return identity.getAddress();
}

import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { BaseContract, ContractTransactionResponse, Interface, Signer } from "ethers";
import { COUNTRY, ROLES, TOPICS, residenceTopic, workplaceTopic } from "../../scripts/lib/constants";
import { createSeries } from "../../scripts/lib/suite";
import { deploySuiteFixture } from "../fixtures/suite.fixture";
import type { ModularCompliance } from "../../typechain-types";

/**
 * Layered fixtures for the compliance tests. Each one starts from {deploySuiteFixture} (suite, KYC
 * provider, one series with no module, alice/bob in JP, charlie in US, dave/eve not onboarded) and
 * adds one module to the series' compliance, configured the only way a module can be configured:
 * through `compliance.callModuleFunction` signed by the series owner.
 *
 * Amounts are yen with 0 decimals (one token unit = ¥1), following /work/shared/DOMAIN.md.
 */

/** JGB coupon bonds trade in whole ¥50,000 face units. */
export const JGB_UNIT = 50_000n;
/** A resident-participation bond: ¥5,000,000 cap per person. */
export const RESIDENT_CAP_PER_PERSON = 5_000_000n;
/** A resident-participation bond: ¥100,000 minimum per person. */
export const RESIDENT_MINIMUM_PER_PERSON = 100_000n;
/** A resident-participation bond: ¥1bn issue size. */
export const RESIDENT_ISSUE_SIZE = 1_000_000_000n;

/** `hooks()` bits of IComplianceModule, identical to ModuleHooks in IComplianceModule.sol. */
export const HOOKS = {
  CHECK_TRANSFER: 1,
  CHECK_MINT: 2,
  ACTION_TRANSFER: 4,
  ACTION_MINT: 8,
  ACTION_BURN: 16,
} as const;
export const ALL_HOOKS = 31;

interface ModuleLike {
  interface: Interface;
  getAddress(): Promise<string>;
}

/** Encodes `fn(args)` with the module's ABI. */
export function moduleCall(module: ModuleLike, fn: string, args: readonly unknown[] = []): string {
  return module.interface.encodeFunctionData(fn, args);
}

/** Has `signer` configure `module` through `compliance.callModuleFunction(fn(args), module)`. */
export async function configureModule(
  compliance: ModularCompliance,
  signer: Signer,
  module: ModuleLike,
  fn: string,
  args: readonly unknown[] = [],
): Promise<ContractTransactionResponse> {
  return compliance.connect(signer).callModuleFunction(moduleCall(module, fn, args), await module.getAddress());
}

/** The 4-byte selector of `fn` in the module's ABI. */
export function selectorOf(module: ModuleLike, fn: string): string {
  const fragment = module.interface.getFunction(fn);
  if (fragment === null) throw new Error(`no function ${fn}`);
  return fragment.selector;
}

/** The events named `name` that `contract` emitted in `receipt` (matched by address and ABI). */
export async function eventsIn(
  receipt: { logs: readonly { address: string; topics: readonly string[]; data: string }[] },
  contract: BaseContract,
  name: string,
) {
  const address = (await contract.getAddress()).toLowerCase();
  return receipt.logs
    .filter((log) => log.address.toLowerCase() === address)
    .map((log) => contract.interface.parseLog({ topics: [...log.topics], data: log.data }))
    .filter((parsed) => parsed !== null && parsed.name === name)
    .map((parsed) => parsed!.args);
}

/**
 * The base scenario plus a compliance agent (a signer granted COMPLIANCE_AGENT on the series'
 * compliance, and nothing else) and the identity addresses of the onboarded investors.
 */
export async function complianceBaseFixture() {
  const context = await loadFixture(deploySuiteFixture);
  const signers = await ethers.getSigners();
  const complianceAgent = signers[10];
  await context.compliance.connect(context.accounts.owner).grantRole(ROLES.COMPLIANCE_AGENT, complianceAgent.address);
  const identities = {
    alice: await context.investors.alice.identity.getAddress(),
    bob: await context.investors.bob.identity.getAddress(),
    charlie: await context.investors.charlie.identity.getAddress(),
  };
  return { ...context, accounts: { ...context.accounts, complianceAgent }, identities };
}

export type ComplianceContext = Awaited<ReturnType<typeof complianceBaseFixture>>;

/**
 * A compliance proxy from the suite's compliance beacon that no token is bound to yet, owned by
 * `owner`, with the compliance agent granted COMPLIANCE_AGENT.
 */
export async function withUnboundComplianceFixture() {
  const context = await loadFixture(complianceBaseFixture);
  const { suite, accounts } = context;
  const implementation = await ethers.getContractFactory("ModularCompliance");
  const init = implementation.interface.encodeFunctionData("initialize", [
    accounts.owner.address,
    [accounts.complianceAgent.address],
    [],
  ]);
  const proxyFactory = await ethers.getContractFactory(
    "@openzeppelin/contracts/proxy/beacon/BeaconProxy.sol:BeaconProxy",
    accounts.owner,
  );
  const proxy = await proxyFactory.deploy(await suite.factory.complianceBeacon(), init);
  await proxy.waitForDeployment();
  const unboundCompliance = (await ethers.getContractAt(
    "ModularCompliance",
    await proxy.getAddress(),
  )) as unknown as ModularCompliance;
  return { ...context, unboundCompliance };
}

/** Registers `dave` as a second wallet of alice's identity (same ONCHAINID, JP). */
async function registerDaveAsAliceSecondWallet(context: ComplianceContext) {
  const { suite, accounts, identities } = context;
  await suite.identityRegistry
    .connect(accounts.registrar)
    .registerIdentity(accounts.dave.address, identities.alice, COUNTRY.JP);
}

/** CountryAllowModule on the series, listing Japan only. */
export async function withCountryAllowModuleFixture() {
  const context = await loadFixture(complianceBaseFixture);
  const { compliance, accounts, suite } = context;
  const module = suite.modules.countryAllow;
  await compliance.connect(accounts.owner).addModule(module);
  await configureModule(compliance, accounts.owner, module, "listCountries", [[COUNTRY.JP]]);
  return { ...context, module };
}

/** CountryBlockModule on the series, blocking the United States. */
export async function withCountryBlockModuleFixture() {
  const context = await loadFixture(complianceBaseFixture);
  const { compliance, accounts, suite } = context;
  const module = suite.modules.countryBlock;
  await compliance.connect(accounts.owner).addModule(module);
  await configureModule(compliance, accounts.owner, module, "listCountries", [[COUNTRY.US]]);
  return { ...context, module };
}

/**
 * MaxBalanceModule on the series with the resident-participation cap (¥5,000,000 per person), and
 * dave registered as a second wallet of alice's identity. Nothing minted.
 */
export async function withMaxBalanceModuleFixture() {
  const context = await loadFixture(complianceBaseFixture);
  const { compliance, accounts, suite } = context;
  const module = suite.modules.maxBalance;
  await compliance.connect(accounts.owner).addModule(module);
  await configureModule(compliance, accounts.owner, module, "setMaxBalance", [RESIDENT_CAP_PER_PERSON]);
  await registerDaveAsAliceSecondWallet(context);
  return { ...context, module };
}

/** MaxHoldersModule on the series with room for two investors; dave is alice's second wallet. */
export async function withMaxHoldersModuleFixture() {
  const context = await loadFixture(complianceBaseFixture);
  const { compliance, accounts, suite } = context;
  const module = suite.modules.maxHolders;
  await compliance.connect(accounts.owner).addModule(module);
  await configureModule(compliance, accounts.owner, module, "setMaxHolders", [2n]);
  await registerDaveAsAliceSecondWallet(context);
  return { ...context, module };
}

/** SupplyCapModule on the series with the ¥1bn issue size as cap. */
export async function withSupplyCapModuleFixture() {
  const context = await loadFixture(complianceBaseFixture);
  const { compliance, accounts, suite } = context;
  const module = suite.modules.supplyCap;
  await compliance.connect(accounts.owner).addModule(module);
  await configureModule(compliance, accounts.owner, module, "setSupplyCap", [RESIDENT_ISSUE_SIZE]);
  return { ...context, module };
}

/** Thirty days, in seconds. */
export const LOCK_UP_PERIOD = 30n * 24n * 60n * 60n;

/**
 * LockUpModule on the series, locked until 30 days after the fixture ran (`lockUpEnd`); alice holds
 * ¥1,000,000 and bob ¥500,000, minted during the lock-up.
 */
export async function withLockUpModuleFixture() {
  const context = await loadFixture(complianceBaseFixture);
  const { compliance, accounts, suite, token } = context;
  const module = suite.modules.lockUp;
  const latest = await ethers.provider.getBlock("latest");
  const lockUpEnd = BigInt(latest!.timestamp) + LOCK_UP_PERIOD;
  await compliance.connect(accounts.owner).addModule(module);
  await configureModule(compliance, accounts.owner, module, "setLockUpEnd", [lockUpEnd]);
  await token.connect(accounts.agent).mint(accounts.alice.address, 1_000_000n);
  await token.connect(accounts.agent).mint(accounts.bob.address, 500_000n);
  return { ...context, module, lockUpEnd };
}

/**
 * ClaimEligibilityModule on the series requiring the INDIVIDUAL topic (10) of recipients. The KYC
 * provider is trusted for KYC only and nobody holds an INDIVIDUAL claim; alice holds ¥1,000,000,
 * minted before the module was added.
 */
export async function withClaimEligibilityModuleFixture() {
  const context = await loadFixture(complianceBaseFixture);
  const { compliance, accounts, suite, token } = context;
  await token.connect(accounts.agent).mint(accounts.alice.address, 1_000_000n);
  const module = suite.modules.eligibility;
  await compliance.connect(accounts.owner).addModule(module);
  await configureModule(compliance, accounts.owner, module, "addEligibilityTopic", [TOPICS.INDIVIDUAL]);
  return { ...context, module };
}

/**
 * DenominationModule on the series with the JGB denomination (unit ¥50,000, minimum holding ¥50,000);
 * alice holds ¥200,000 (4 units) and bob ¥100,000 (2 units).
 */
export async function withDenominationModuleFixture() {
  const context = await loadFixture(complianceBaseFixture);
  const { compliance, accounts, suite, token } = context;
  const module = suite.modules.denomination;
  await compliance.connect(accounts.owner).addModule(module);
  await configureModule(compliance, accounts.owner, module, "setDenomination", [JGB_UNIT, JGB_UNIT]);
  await token.connect(accounts.agent).mint(accounts.alice.address, 4n * JGB_UNIT);
  await token.connect(accounts.agent).mint(accounts.bob.address, 2n * JGB_UNIT);
  return { ...context, module };
}

/** Limits of {withIdentityBalanceModulesFixture}, in face units of ¥100,000. */
export const PROPERTY_UNIT = 100_000n;
export const PROPERTY_LIMITS = {
  maxBalance: 10n * PROPERTY_UNIT,
  maxHolders: 2n,
  supplyCap: 15n * PROPERTY_UNIT, // below 2 holders x 10 units, so the supply cap can bind
} as const;

/**
 * MaxBalance, MaxHolders and SupplyCap on the series, in that order, with {PROPERTY_LIMITS}; dave is
 * a second wallet of alice's identity. Nothing minted.
 */
export async function withIdentityBalanceModulesFixture() {
  const context = await loadFixture(complianceBaseFixture);
  const { compliance, accounts, suite } = context;
  const { maxBalance, maxHolders, supplyCap } = suite.modules;
  await compliance.connect(accounts.owner).addModule(maxBalance);
  await compliance.connect(accounts.owner).addModule(maxHolders);
  await compliance.connect(accounts.owner).addModule(supplyCap);
  await configureModule(compliance, accounts.owner, maxBalance, "setMaxBalance", [PROPERTY_LIMITS.maxBalance]);
  await configureModule(compliance, accounts.owner, maxHolders, "setMaxHolders", [PROPERTY_LIMITS.maxHolders]);
  await configureModule(compliance, accounts.owner, supplyCap, "setSupplyCap", [PROPERTY_LIMITS.supplyCap]);
  await registerDaveAsAliceSecondWallet(context);
  return context;
}

/** {complianceBaseFixture} plus 25 fresh LockUpModule instances (not added anywhere), for the module cap. */
export async function withTwentyFiveLockUpModulesFixture() {
  const context = await loadFixture(complianceBaseFixture);
  const factory = await ethers.getContractFactory("LockUpModule", context.accounts.owner);
  const lockUps: string[] = [];
  for (let i = 0; i < 25; ++i) {
    const module = await factory.deploy();
    await module.waitForDeployment();
    lockUps.push(await module.getAddress());
  }
  return { ...context, lockUps };
}

/**
 * A second series created by the factory in one transaction with three modules and their
 * configuration: CountryAllow (JP listed), MaxBalance (¥5,000,000) and LockUp (30 days), and the
 * compliance agent as COMPLIANCE_AGENT.
 */
export async function withConfiguredSeriesFixture() {
  const context = await loadFixture(complianceBaseFixture);
  const { suite, accounts } = context;
  const { countryAllow, maxBalance, lockUp } = suite.modules;
  const latest = await ethers.provider.getBlock("latest");
  const lockUpEnd = BigInt(latest!.timestamp) + LOCK_UP_PERIOD;
  const configured = await createSeries(suite, accounts.owner, {
    name: "JGB 5Y #170",
    symbol: "JGB170",
    agents: [accounts.agent.address],
    complianceAgents: [accounts.complianceAgent.address],
    modules: [
      { module: await countryAllow.getAddress(), calls: [moduleCall(countryAllow, "listCountries", [[COUNTRY.JP]])] },
      {
        module: await maxBalance.getAddress(),
        calls: [moduleCall(maxBalance, "setMaxBalance", [RESIDENT_CAP_PER_PERSON])],
      },
      { module: await lockUp.getAddress(), calls: [moduleCall(lockUp, "setLockUpEnd", [lockUpEnd])] },
    ],
  });
  return { ...context, configured, lockUpEnd };
}

/** Local government codes (with check digit) used by the resident-area tests. */
export const AREA = { SHINJUKU: 131041, OSAKA_CITY: 271004 } as const;

/**
 * ResidentAreaModule on the series: residents and workers of Shinjuku-ku (131041) who are adults (ADULT
 * claim). The KYC provider is trusted for KYC, ADULT and the residence and workplace topics of Shinjuku-ku
 * and Osaka city; nobody holds any of those claims yet. Alice holds ¥1,000,000, minted before the module
 * was added.
 */
export async function withResidentAreaModuleFixture() {
  const context = await loadFixture(complianceBaseFixture);
  const { compliance, accounts, suite, token, kyc } = context;
  await token.connect(accounts.agent).mint(accounts.alice.address, 1_000_000n);
  await suite.issuersRegistry
    .connect(accounts.owner)
    .updateIssuerClaimTopics(await kyc.issuer.getAddress(), [
      TOPICS.KYC,
      TOPICS.ADULT,
      residenceTopic(AREA.SHINJUKU),
      workplaceTopic(AREA.SHINJUKU),
      residenceTopic(AREA.OSAKA_CITY),
      workplaceTopic(AREA.OSAKA_CITY),
    ]);
  const module = suite.modules.residentArea;
  await compliance.connect(accounts.owner).addModule(module);
  await configureModule(compliance, accounts.owner, module, "setArea", [AREA.SHINJUKU, TOPICS.ADULT]);
  return { ...context, module };
}

/**
 * IdentityMinimumHoldingModule on the series with the resident-participation minimum (¥100,000 per
 * person), and dave registered as a second wallet of alice's identity. Nothing minted.
 */
export async function withMinimumHoldingModuleFixture() {
  const context = await loadFixture(complianceBaseFixture);
  const { compliance, accounts, suite } = context;
  const module = suite.modules.minimumHolding;
  await compliance.connect(accounts.owner).addModule(module);
  await configureModule(compliance, accounts.owner, module, "setMinimumHolding", [RESIDENT_MINIMUM_PER_PERSON]);
  await registerDaveAsAliceSecondWallet(context);
  return { ...context, module };
}

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";
import { createBond, deployBondMarket } from "../../scripts/lib/bonds";
import { BALANCE_LOCK, COUNTRY, ROLES } from "../../scripts/lib/constants";
import { bondParams, kindOptions } from "../bond/bond-kinds";
import { addYears, dayOfUnix } from "../fixtures/dates";
import { withSecondWalletFixture } from "../fixtures/suite.fixture";

/**
 * The access-control matrix: every privileged function of the token, compliance, registries, factories,
 * bond series, paying agent and CPI feed is called by a holder of each role (and by nobody in
 * particular); exactly the holders of the role that guards it get through. A row fails if a guard is
 * removed or a wrong role is accepted.
 */

const ROLE_NAMES = [
  "DEFAULT_ADMIN",
  "SUPPLY_AGENT",
  "FREEZE_AGENT",
  "TRANSFER_AGENT",
  "RECOVERY_AGENT",
  "PAUSE_AGENT",
  "COMPLIANCE_AGENT",
  "REGISTRAR_AGENT",
  "SERIES_DEPLOYER",
  "PAYING_AGENT",
  "ISSUER_AGENT",
  "INDEX_AGENT",
] as const;
type RoleName = (typeof ROLE_NAMES)[number];

/** Each role held by a dedicated signer, on every contract, so a caller holds exactly one role. */
async function matrixFixture() {
  // dave is a second wallet of alice's identity, so a recovery has somewhere to go
  const context = await loadFixture(withSecondWalletFixture);
  const { token, compliance, suite, accounts } = context;
  const signers = await ethers.getSigners();
  const holders: Record<RoleName, Signer> = {
    DEFAULT_ADMIN: accounts.owner,
    SUPPLY_AGENT: signers[10],
    FREEZE_AGENT: signers[11],
    TRANSFER_AGENT: signers[12],
    RECOVERY_AGENT: signers[13],
    PAUSE_AGENT: signers[14],
    COMPLIANCE_AGENT: signers[15],
    REGISTRAR_AGENT: signers[16],
    SERIES_DEPLOYER: signers[17],
    PAYING_AGENT: signers[18],
    ISSUER_AGENT: signers[19],
    // Hardhat has 20 signers: the last holder is a funded wallet with a fixed key.
    INDEX_AGENT: new ethers.Wallet(ethers.id("kosai.matrix.INDEX_AGENT"), ethers.provider),
  };
  await setBalance(await holders.INDEX_AGENT.getAddress(), 10n ** 21n);
  for (const role of ["SUPPLY_AGENT", "FREEZE_AGENT", "TRANSFER_AGENT", "RECOVERY_AGENT", "PAUSE_AGENT"] as const) {
    await token.connect(accounts.owner).grantRole(ROLES[role], await holders[role].getAddress());
  }
  await compliance.connect(accounts.owner).grantRole(ROLES.COMPLIANCE_AGENT, await holders.COMPLIANCE_AGENT.getAddress());
  await suite.identityRegistry
    .connect(accounts.owner)
    .grantRole(ROLES.REGISTRAR_AGENT, await holders.REGISTRAR_AGENT.getAddress());
  await suite.factory.connect(accounts.owner).grantRole(ROLES.SERIES_DEPLOYER, await holders.SERIES_DEPLOYER.getAddress());
  const bonds = await bondMarketForMatrix(context, holders);
  return { ...context, holders, ...bonds };
}

/**
 * The bond market on the matrix's suite, each role held by its holder only (the owner's own deployer, paying
 * and index roles revoked): a floating retail JGB with a document (ISSUER_AGENT), a 2-year JGB that matured
 * a month ago with 50,000 face held by alice and funded by bob (coupon runs), a bill that matured ten days
 * ago (redemption), alice's allowance to the PAYING_AGENT holder on the plain series (distribution).
 */
async function bondMarketForMatrix(
  context: Awaited<ReturnType<typeof withSecondWalletFixture>>,
  holders: Record<RoleName, Signer>,
) {
  const { suite, accounts, token } = context;
  const { owner, agent, alice, bob } = accounts;
  const market = await deployBondMarket(suite, owner);
  const today = dayOfUnix(await time.latest());
  const cpiFeed = await market.cpiFeed.getAddress();
  const issuerAgent = await holders.ISSUER_AGENT.getAddress();
  const payingHolder = await holders.PAYING_AGENT.getAddress();

  const floating = (
    await createBond(market, owner, kindOptions("RetailFloatingJgb", today, cpiFeed, [agent.address], [issuerAgent]))
  ).bond;
  await floating
    .connect(holders.ISSUER_AGENT)
    .setDocument(ethers.encodeBytes32String("prospectus"), "ipfs://p", ethers.ZeroHash);
  const couponIssue = addYears(today, -2) - 30;
  const coupon = (
    await createBond(market, owner, {
      ...kindOptions("FixedRateJgb", couponIssue, cpiFeed, [agent.address]),
      maturityDate: addYears(couponIssue, 2),
    })
  ).bond;
  await coupon.connect(agent).mint(alice.address, 50_000n);
  const bill = (
    await createBond(market, owner, {
      ...kindOptions("DiscountBill", today - 200, cpiFeed, [agent.address]),
      maturityDate: today - 10,
    })
  ).bond;
  for (const bond of [coupon, bill]) {
    await market.payingAgent.connect(owner).setFunder(await bond.getAddress(), bob.address);
  }
  await market.cash.connect(owner).mint(bob.address, 1_000_000n);
  await market.cash.connect(bob).approve(await market.payingAgent.getAddress(), ethers.MaxUint256);
  const newBond = await bondParams(market, owner, kindOptions("FixedRateJgb", today, cpiFeed));

  await market.bondFactory.connect(owner).revokeRole(ROLES.SERIES_DEPLOYER, owner.address);
  await market.bondFactory.connect(owner).grantRole(ROLES.SERIES_DEPLOYER, await holders.SERIES_DEPLOYER.getAddress());
  await market.payingAgent.connect(owner).revokeRole(ROLES.PAYING_AGENT, owner.address);
  await market.payingAgent.connect(owner).grantRole(ROLES.PAYING_AGENT, payingHolder);
  await market.cpiFeed.connect(owner).revokeRole(ROLES.INDEX_AGENT, owner.address);
  await market.cpiFeed.connect(owner).grantRole(ROLES.INDEX_AGENT, await holders.INDEX_AGENT.getAddress());
  await token.connect(owner).grantRole(ROLES.PAYING_AGENT, payingHolder);
  await token.connect(alice).approve(payingHolder, ethers.MaxUint256);
  return { market, today, bonds: { floating, coupon, bill }, newBond };
}

type Context = Awaited<ReturnType<typeof matrixFixture>>;

interface Row {
  name: string;
  role: RoleName;
  /** Other roles that legitimately pass (the owner configures compliance; the fixture's owner deploys). */
  alsoAllowed?: RoleName[];
  /** The contract whose AccessControlUnauthorizedAccount error is expected. */
  target: (c: Context) => { interface: unknown } & object;
  call: (c: Context, caller: Signer) => Promise<unknown>;
}

const lockUpCall = (c: Context) =>
  c.suite.modules.lockUp.interface.encodeFunctionData("setLockUpEnd", [0]);

/** The plain series locked for redemption by the PAYING_AGENT holder, if it is not yet (retirement rows). */
async function redemptionLocked(c: Context) {
  if ((await c.token.balanceLock()) !== BigInt(BALANCE_LOCK.Redemption)) {
    await c.token.connect(c.holders.PAYING_AGENT).setBalanceLock(BALANCE_LOCK.Redemption);
  }
}

/** The first coupon run of the matured JGB, opened by the PAYING_AGENT holder if it is not yet (batch rows). */
async function couponRunOpen(c: Context) {
  const bond = await c.bonds.coupon.getAddress();
  if ((await c.market.payingAgent.runOf(bond)).kind === 0n) {
    await c.market.payingAgent.connect(c.holders.PAYING_AGENT).openCoupon(bond, 0);
  }
  return bond;
}

/** The lock-up module's address, added to the compliance first if needed (rows that configure or remove it). */
async function boundLockUp(c: Context): Promise<string> {
  const lockUp = await c.suite.modules.lockUp.getAddress();
  if (!(await c.compliance.isModuleBound(lockUp))) await c.compliance.connect(c.accounts.owner).addModule(lockUp);
  return lockUp;
}

const ROWS: Row[] = [
  // token: supply
  { name: "token.mint", role: "SUPPLY_AGENT", target: (c) => c.token, call: (c, s) => c.token.connect(s).mint(c.accounts.alice.address, 1n) },
  { name: "token.batchMint", role: "SUPPLY_AGENT", target: (c) => c.token, call: (c, s) => c.token.connect(s).batchMint([c.accounts.alice.address], [1n]) },
  { name: "token.burn", role: "SUPPLY_AGENT", target: (c) => c.token, call: (c, s) => c.token.connect(s).burn(c.accounts.alice.address, 1n) },
  { name: "token.batchBurn", role: "SUPPLY_AGENT", target: (c) => c.token, call: (c, s) => c.token.connect(s).batchBurn([c.accounts.alice.address], [1n]) },
  // token: freeze
  { name: "token.setAddressFrozen", role: "FREEZE_AGENT", target: (c) => c.token, call: (c, s) => c.token.connect(s).setAddressFrozen(c.accounts.alice.address, true) },
  { name: "token.batchSetAddressFrozen", role: "FREEZE_AGENT", target: (c) => c.token, call: (c, s) => c.token.connect(s).batchSetAddressFrozen([c.accounts.alice.address], [true]) },
  { name: "token.freezePartialTokens", role: "FREEZE_AGENT", target: (c) => c.token, call: (c, s) => c.token.connect(s).freezePartialTokens(c.accounts.alice.address, 1n) },
  { name: "token.batchFreezePartialTokens", role: "FREEZE_AGENT", target: (c) => c.token, call: (c, s) => c.token.connect(s).batchFreezePartialTokens([c.accounts.alice.address], [1n]) },
  { name: "token.unfreezePartialTokens", role: "FREEZE_AGENT", target: (c) => c.token, call: (c, s) => c.token.connect(s).unfreezePartialTokens(c.accounts.alice.address, 0n) },
  { name: "token.batchUnfreezePartialTokens", role: "FREEZE_AGENT", target: (c) => c.token, call: (c, s) => c.token.connect(s).batchUnfreezePartialTokens([c.accounts.alice.address], [0n]) },
  // token: transfer, recovery, pause
  { name: "token.forcedTransfer", role: "TRANSFER_AGENT", target: (c) => c.token, call: (c, s) => c.token.connect(s).forcedTransfer(c.accounts.alice.address, c.accounts.bob.address, 1n) },
  { name: "token.batchForcedTransfer", role: "TRANSFER_AGENT", target: (c) => c.token, call: (c, s) => c.token.connect(s).batchForcedTransfer([c.accounts.alice.address], [c.accounts.bob.address], [1n]) },
  {
    name: "token.recoveryAddress",
    role: "RECOVERY_AGENT",
    target: (c) => c.token,
    call: async (c, s) => c.token.connect(s).recoveryAddress(c.accounts.alice.address, c.accounts.dave.address, await c.investors.alice.identity.getAddress()),
  },
  { name: "token.pause", role: "PAUSE_AGENT", target: (c) => c.token, call: (c, s) => c.token.connect(s).pause() },
  // token: owner
  { name: "token.setName", role: "DEFAULT_ADMIN", target: (c) => c.token, call: (c, s) => c.token.connect(s).setName("n") },
  { name: "token.setSymbol", role: "DEFAULT_ADMIN", target: (c) => c.token, call: (c, s) => c.token.connect(s).setSymbol("s") },
  { name: "token.setOnchainID", role: "DEFAULT_ADMIN", target: (c) => c.token, call: (c, s) => c.token.connect(s).setOnchainID(ethers.ZeroAddress) },
  { name: "token.setIdentityRegistry", role: "DEFAULT_ADMIN", target: (c) => c.token, call: async (c, s) => c.token.connect(s).setIdentityRegistry(await c.suite.identityRegistry.getAddress()) },
  { name: "token.addAgent", role: "DEFAULT_ADMIN", target: (c) => c.token, call: (c, s) => c.token.connect(s).addAgent(c.accounts.outsider.address) },
  { name: "token.removeAgent", role: "DEFAULT_ADMIN", target: (c) => c.token, call: (c, s) => c.token.connect(s).removeAgent(c.accounts.agent.address) },
  { name: "token.grantRole", role: "DEFAULT_ADMIN", target: (c) => c.token, call: (c, s) => c.token.connect(s).grantRole(ROLES.PAUSE_AGENT, c.accounts.outsider.address) },
  // compliance
  { name: "compliance.addModule", role: "COMPLIANCE_AGENT", alsoAllowed: ["DEFAULT_ADMIN"], target: (c) => c.compliance, call: async (c, s) => c.compliance.connect(s).addModule(await c.suite.modules.lockUp.getAddress()) },
  {
    name: "compliance.callModuleFunction",
    role: "COMPLIANCE_AGENT",
    alsoAllowed: ["DEFAULT_ADMIN"],
    target: (c) => c.compliance,
    call: async (c, s) => {
      const lockUp = await boundLockUp(c);
      return c.compliance.connect(s).callModuleFunction(lockUpCall(c), lockUp);
    },
  },
  {
    name: "compliance.removeModule",
    role: "COMPLIANCE_AGENT",
    alsoAllowed: ["DEFAULT_ADMIN"],
    target: (c) => c.compliance,
    call: async (c, s) => {
      const lockUp = await boundLockUp(c);
      return c.compliance.connect(s).removeModule(lockUp);
    },
  },
  // identity registry
  { name: "identityRegistry.registerIdentity", role: "REGISTRAR_AGENT", target: (c) => c.suite.identityRegistry, call: async (c, s) => c.suite.identityRegistry.connect(s).registerIdentity(c.accounts.eve.address, await c.investors.bob.identity.getAddress(), COUNTRY.JP) },
  { name: "identityRegistry.batchRegisterIdentity", role: "REGISTRAR_AGENT", target: (c) => c.suite.identityRegistry, call: async (c, s) => c.suite.identityRegistry.connect(s).batchRegisterIdentity([c.accounts.eve.address], [await c.investors.bob.identity.getAddress()], [COUNTRY.JP]) },
  { name: "identityRegistry.deleteIdentity", role: "REGISTRAR_AGENT", target: (c) => c.suite.identityRegistry, call: (c, s) => c.suite.identityRegistry.connect(s).deleteIdentity(c.accounts.dave.address) },
  { name: "identityRegistry.updateCountry", role: "REGISTRAR_AGENT", target: (c) => c.suite.identityRegistry, call: (c, s) => c.suite.identityRegistry.connect(s).updateCountry(c.accounts.bob.address, COUNTRY.SG) },
  { name: "identityRegistry.updateIdentity", role: "REGISTRAR_AGENT", target: (c) => c.suite.identityRegistry, call: async (c, s) => c.suite.identityRegistry.connect(s).updateIdentity(c.accounts.dave.address, await c.investors.bob.identity.getAddress()) },
  { name: "identityRegistry.setClaimTopicsRegistry", role: "DEFAULT_ADMIN", target: (c) => c.suite.identityRegistry, call: async (c, s) => c.suite.identityRegistry.connect(s).setClaimTopicsRegistry(await c.suite.topicsRegistry.getAddress()) },
  { name: "identityRegistry.setTrustedIssuersRegistry", role: "DEFAULT_ADMIN", target: (c) => c.suite.identityRegistry, call: async (c, s) => c.suite.identityRegistry.connect(s).setTrustedIssuersRegistry(await c.suite.issuersRegistry.getAddress()) },
  { name: "identityRegistry.setIdentityRegistryStorage", role: "DEFAULT_ADMIN", target: (c) => c.suite.identityRegistry, call: async (c, s) => c.suite.identityRegistry.connect(s).setIdentityRegistryStorage(await c.suite.identityStorage.getAddress()) },
  // topic, issuer and storage registries
  { name: "topicsRegistry.addClaimTopic", role: "DEFAULT_ADMIN", target: (c) => c.suite.topicsRegistry, call: (c, s) => c.suite.topicsRegistry.connect(s).addClaimTopic(99n) },
  { name: "topicsRegistry.removeClaimTopic", role: "DEFAULT_ADMIN", target: (c) => c.suite.topicsRegistry, call: (c, s) => c.suite.topicsRegistry.connect(s).removeClaimTopic(1n) },
  { name: "issuersRegistry.addTrustedIssuer", role: "DEFAULT_ADMIN", target: (c) => c.suite.issuersRegistry, call: (c, s) => c.suite.issuersRegistry.connect(s).addTrustedIssuer(c.accounts.outsider.address, [1n]) },
  { name: "issuersRegistry.removeTrustedIssuer", role: "DEFAULT_ADMIN", target: (c) => c.suite.issuersRegistry, call: async (c, s) => c.suite.issuersRegistry.connect(s).removeTrustedIssuer(await c.kyc.issuer.getAddress()) },
  { name: "issuersRegistry.updateIssuerClaimTopics", role: "DEFAULT_ADMIN", target: (c) => c.suite.issuersRegistry, call: async (c, s) => c.suite.issuersRegistry.connect(s).updateIssuerClaimTopics(await c.kyc.issuer.getAddress(), [1n, 2n]) },
  { name: "topicsRegistry.removeRequirementsListener", role: "DEFAULT_ADMIN", target: (c) => c.suite.topicsRegistry, call: async (c, s) => c.suite.topicsRegistry.connect(s).removeRequirementsListener(await c.suite.identityRegistry.getAddress()) },
  { name: "identityStorage.bindIdentityRegistry", role: "DEFAULT_ADMIN", target: (c) => c.suite.identityStorage, call: (c, s) => c.suite.identityStorage.connect(s).bindIdentityRegistry(c.accounts.outsider.address) },
  { name: "identityStorage.unbindIdentityRegistry", role: "DEFAULT_ADMIN", target: (c) => c.suite.identityStorage, call: async (c, s) => c.suite.identityStorage.connect(s).unbindIdentityRegistry(await c.suite.identityRegistry.getAddress()) },
  // factory
  {
    name: "factory.createSeries",
    role: "SERIES_DEPLOYER",
    alsoAllowed: ["DEFAULT_ADMIN"],
    target: (c) => c.suite.factory,
    call: async (c, s) =>
      c.suite.factory.connect(s).createSeries({
        owner: c.accounts.owner.address,
        name: "x",
        symbol: "x",
        decimals: 0,
        onchainID: ethers.ZeroAddress,
        tokenRoles: [],
        complianceAgents: [],
        modules: [],
      }),
  },
  { name: "factory.setIdentityRegistry", role: "DEFAULT_ADMIN", target: (c) => c.suite.factory, call: async (c, s) => c.suite.factory.connect(s).setIdentityRegistry(await c.suite.identityRegistry.getAddress()) },
  // token: paying agent (balance lock, entitlements, retirement)
  { name: "token.setBalanceLock", role: "PAYING_AGENT", target: (c) => c.token, call: (c, s) => c.token.connect(s).setBalanceLock(BALANCE_LOCK.RecordLocked) },
  { name: "token.distribute", role: "PAYING_AGENT", target: (c) => c.token, call: (c, s) => c.token.connect(s).distribute(c.accounts.alice.address, [c.accounts.bob.address], [1n]) },
  {
    name: "token.retire",
    role: "PAYING_AGENT",
    target: (c) => c.token,
    call: async (c, s) => {
      await redemptionLocked(c);
      return c.token.connect(s).retire(c.accounts.bob.address);
    },
  },
  // bond series: issuer agent (floating rates, documents)
  { name: "bond.setCouponRate", role: "ISSUER_AGENT", target: (c) => c.bonds.floating, call: (c, s) => c.bonds.floating.connect(s).setCouponRate(0, 600) },
  { name: "bond.setDocument", role: "ISSUER_AGENT", target: (c) => c.bonds.floating, call: (c, s) => c.bonds.floating.connect(s).setDocument(ethers.encodeBytes32String("terms"), "ipfs://t", ethers.ZeroHash) },
  { name: "bond.removeDocument", role: "ISSUER_AGENT", target: (c) => c.bonds.floating, call: (c, s) => c.bonds.floating.connect(s).removeDocument(ethers.encodeBytes32String("prospectus")) },
  // bond factory
  { name: "bondFactory.createBond", role: "SERIES_DEPLOYER", target: (c) => c.market.bondFactory, call: (c, s) => c.market.bondFactory.connect(s).createBond(c.newBond) },
  // paying agent
  { name: "payingAgent.setFunder", role: "PAYING_AGENT", target: (c) => c.market.payingAgent, call: async (c, s) => c.market.payingAgent.connect(s).setFunder(await c.bonds.coupon.getAddress(), c.accounts.bob.address) },
  { name: "payingAgent.openCoupon", role: "PAYING_AGENT", target: (c) => c.market.payingAgent, call: async (c, s) => c.market.payingAgent.connect(s).openCoupon(await c.bonds.coupon.getAddress(), 0) },
  { name: "payingAgent.openRedemption", role: "PAYING_AGENT", target: (c) => c.market.payingAgent, call: async (c, s) => c.market.payingAgent.connect(s).openRedemption(await c.bonds.bill.getAddress()) },
  {
    name: "payingAgent.payBatch",
    role: "PAYING_AGENT",
    target: (c) => c.market.payingAgent,
    call: async (c, s) => c.market.payingAgent.connect(s).payBatch(await couponRunOpen(c), [c.accounts.alice.address]),
  },
  // CPI feed
  { name: "cpiFeed.publish", role: "INDEX_AGENT", target: (c) => c.market.cpiFeed, call: (c, s) => c.market.cpiFeed.connect(s).publish([c.today], [104_000n]) },
];

describe("access-control matrix", () => {
  it("uses the role ids the contracts declare (CpiFeed.INDEX_AGENT)", async () => {
    const context = await loadFixture(matrixFixture);
    expect(await context.market.cpiFeed.INDEX_AGENT()).to.equal(ROLES.INDEX_AGENT);
  });

  for (const row of ROWS) {
    describe(row.name, () => {
      it(`succeeds for ${row.role}`, async () => {
        const context = await loadFixture(matrixFixture);
        await expect(row.call(context, context.holders[row.role])).not.to.be.reverted;
      });

      for (const role of row.alsoAllowed ?? []) {
        it(`succeeds for ${role}`, async () => {
          const context = await loadFixture(matrixFixture);
          await expect(row.call(context, context.holders[role])).not.to.be.reverted;
        });
      }

      const others = [
        ...ROLE_NAMES.filter((role) => role !== row.role && !(row.alsoAllowed ?? []).includes(role)),
        "nobody",
      ] as const;
      it(`reverts with AccessControlUnauthorizedAccount for ${others.join(", ")}`, async () => {
        const context = await loadFixture(matrixFixture);
        const expectedRole = ROLES[row.role];
        for (const role of others) {
          const caller = role === "nobody" ? context.accounts.outsider : context.holders[role];
          await expect(row.call(context, caller), `${row.name} by ${role}`)
            .to.be.revertedWithCustomError(row.target(context) as never, "AccessControlUnauthorizedAccount")
            .withArgs(await caller.getAddress(), expectedRole);
        }
      });
    });
  }

  describe("token.unpause", () => {
    it("is reserved to PAUSE_AGENT", async () => {
      const context = await loadFixture(matrixFixture);
      await context.token.connect(context.holders.PAUSE_AGENT).pause();
      for (const role of ROLE_NAMES.filter((r) => r !== "PAUSE_AGENT")) {
        const caller = context.holders[role];
        await expect(context.token.connect(caller).unpause())
          .to.be.revertedWithCustomError(context.token, "AccessControlUnauthorizedAccount")
          .withArgs(await caller.getAddress(), ROLES.PAUSE_AGENT);
      }
      await expect(context.token.connect(context.holders.PAUSE_AGENT).unpause()).to.emit(context.token, "Unpaused");
    });
  });
});

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";
import { COUNTRY, ROLES } from "../../scripts/lib/constants";
import { withSecondWalletFixture } from "../fixtures/suite.fixture";

/**
 * The access-control matrix: every privileged function of the token, compliance, registries and factory
 * is called by a holder of each role (and by nobody in particular); exactly the holders of the role
 * that guards it get through. A row fails if a guard is removed or a wrong role is accepted.
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
  };
  for (const role of ["SUPPLY_AGENT", "FREEZE_AGENT", "TRANSFER_AGENT", "RECOVERY_AGENT", "PAUSE_AGENT"] as const) {
    await token.connect(accounts.owner).grantRole(ROLES[role], await holders[role].getAddress());
  }
  await compliance.connect(accounts.owner).grantRole(ROLES.COMPLIANCE_AGENT, await holders.COMPLIANCE_AGENT.getAddress());
  await suite.identityRegistry
    .connect(accounts.owner)
    .grantRole(ROLES.REGISTRAR_AGENT, await holders.REGISTRAR_AGENT.getAddress());
  await suite.factory.connect(accounts.owner).grantRole(ROLES.SERIES_DEPLOYER, await holders.SERIES_DEPLOYER.getAddress());
  return { ...context, holders };
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
];

describe("access-control matrix", () => {
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

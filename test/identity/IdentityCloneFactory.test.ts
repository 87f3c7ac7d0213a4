import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { contracts as onchainIdArtifacts } from "@onchain-id/solidity";
import { COUNTRY, KEY_PURPOSE, TOPICS } from "../../scripts/lib/constants";
import { addressKey, createIdentityClone, issueClaim } from "../../scripts/lib/onchainid";
import { deploySuiteFixture } from "../fixtures/suite.fixture";

/** The base scenario plus the Identity implementation the suite's clone factory uses. */
async function cloneFactoryFixture() {
  const context = await loadFixture(deploySuiteFixture);
  const authority = new ethers.Contract(
    context.suite.identityAuthority,
    onchainIdArtifacts.ImplementationAuthority.abi,
    ethers.provider,
  );
  const implementation = await ethers.getContractAt("Identity", (await authority.getImplementation()) as string);
  return { ...context, factory: context.suite.identityFactory, implementation };
}

describe("IdentityCloneFactory", function () {
  describe("deployment", function () {
    describe("when the implementation is zero or has no code", function () {
      it("reverts with IdentityFactoryZeroAddress / IdentityFactoryImplementationNotContract", async function () {
        const { factory, accounts } = await loadFixture(cloneFactoryFixture);
        const Factory = await ethers.getContractFactory("IdentityCloneFactory");
        await expect(Factory.deploy(ethers.ZeroAddress)).to.be.revertedWithCustomError(
          factory,
          "IdentityFactoryZeroAddress",
        );
        await expect(Factory.deploy(accounts.outsider.address))
          .to.be.revertedWithCustomError(factory, "IdentityFactoryImplementationNotContract")
          .withArgs(accounts.outsider.address);
      });
    });

    describe("when the implementation is the authority's Identity", function () {
      it("reports it", async function () {
        const { factory, implementation } = await loadFixture(cloneFactoryFixture);
        expect(await factory.implementation()).to.equal(await implementation.getAddress());
      });
    });
  });

  describe(".createIdentity()", function () {
    describe("when called for a management key", function () {
      it("creates an identity managed by that key alone and emits IdentityCreated(identity, key, creator)", async function () {
        const { factory, accounts } = await loadFixture(cloneFactoryFixture);
        const { dave, outsider } = accounts;
        // the factory creates with CREATE: the next clone's address is known before the call
        const identityAddress = await factory.connect(outsider).createIdentity.staticCall(dave.address);
        await expect(factory.connect(outsider).createIdentity(dave.address)).to.emit(factory, "IdentityCreated").withArgs(identityAddress, dave.address, outsider.address);
        const identity = await ethers.getContractAt("Identity", identityAddress);
        expect(await identity.keyHasPurpose(addressKey(dave.address), KEY_PURPOSE.MANAGEMENT)).to.equal(true);
        // the caller who paid for it gets no key
        expect(await identity.keyHasPurpose(addressKey(outsider.address), KEY_PURPOSE.MANAGEMENT)).to.equal(false);
        expect(await identity.getKeysByPurpose(KEY_PURPOSE.MANAGEMENT)).to.deep.equal([addressKey(dave.address)]);
        // a minimal clone: 45 bytes of code pointing at the implementation
        expect(ethers.dataLength(await ethers.provider.getCode(identityAddress))).to.equal(45);
      });
    });

    describe("when the management key is zero", function () {
      it("reverts with IdentityFactoryZeroAddress", async function () {
        const { factory, accounts } = await loadFixture(cloneFactoryFixture);
        await expect(factory.connect(accounts.dave).createIdentity(ethers.ZeroAddress)).to.be.revertedWithCustomError(
          factory,
          "IdentityFactoryZeroAddress",
        );
      });
    });

    describe("when anyone calls initialize on a created identity", function () {
      it("is refused: it was initialized in the creating call, and ONCHAINID initializes once", async function () {
        const { factory, accounts } = await loadFixture(cloneFactoryFixture);
        const identity = await createIdentityClone(factory, accounts.dave);
        await expect(identity.connect(accounts.outsider).initialize(accounts.outsider.address)).to.be.revertedWith(
          "Initial key was already setup.",
        );
        await expect(identity.connect(accounts.dave).initialize(accounts.dave.address)).to.be.revertedWith(
          "Initial key was already setup.",
        );
        expect(await identity.keyHasPurpose(addressKey(accounts.outsider.address), KEY_PURPOSE.MANAGEMENT)).to.equal(
          false,
        );
      });
    });

    describe("when anyone calls the implementation itself", function () {
      it("is refused: the library can be neither initialized nor used", async function () {
        const { implementation, accounts } = await loadFixture(cloneFactoryFixture);
        await expect(implementation.connect(accounts.outsider).initialize(accounts.outsider.address)).to.be.revertedWith(
          "Initial key was already setup.",
        );
        await expect(
          implementation
            .connect(accounts.outsider)
            .addKey(addressKey(accounts.outsider.address), KEY_PURPOSE.MANAGEMENT, 1n),
        ).to.be.revertedWith("Interacting with the library contract is forbidden.");
      });
    });

    describe("when the identity is registered with a trusted KYC claim", function () {
      it("is verified and can receive units, like an IdentityProxy", async function () {
        const { factory, suite, kyc, token, accounts } = await loadFixture(cloneFactoryFixture);
        const { dave, registrar, agent } = accounts;
        const identity = await createIdentityClone(factory, dave);
        await issueClaim({ identity, identityOwner: dave, issuer: kyc.issuer, issuerKey: kyc.key, topic: TOPICS.KYC });
        await suite.identityRegistry.connect(registrar).registerIdentity(dave.address, identity, COUNTRY.JP);
        expect(await suite.identityRegistry.isVerified(dave.address)).to.equal(true);
        await expect(token.connect(agent).mint(dave.address, 100n)).to.changeTokenBalance(token, dave, 100n);
      });
    });

    describe("when two identities are created", function () {
      it("gives each its own storage", async function () {
        const { factory, accounts } = await loadFixture(cloneFactoryFixture);
        const first = await createIdentityClone(factory, accounts.dave);
        const second = await createIdentityClone(factory, accounts.eve);
        expect(await first.getAddress()).to.not.equal(await second.getAddress());
        expect(await first.keyHasPurpose(addressKey(accounts.eve.address), KEY_PURPOSE.MANAGEMENT)).to.equal(false);
        expect(await second.keyHasPurpose(addressKey(accounts.eve.address), KEY_PURPOSE.MANAGEMENT)).to.equal(true);
      });
    });
  });
});

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deploySuiteFixture, withBalancesFixture } from "../fixtures/suite.fixture";
import { COUNTRY, ECDSA_SCHEME, KEY_PURPOSE, ROLES, TOPICS } from "../../scripts/lib/constants";
import { addressKey, claimId, deployClaimIssuer, deployIdentity, issueClaim } from "../../scripts/lib/onchainid";
import {
  addForgedClaim,
  currentGeneration,
  deployConstantReturner,
  deployIdentityRegistry,
  deployIdentityStorage,
  deployIssuersRegistry,
  deployTopicsRegistry,
  dummyAddresses,
  encodeTopics,
  issueClaimWithData,
  spareSigners,
  storedSignature,
  topicRange,
  withAmlClaimFixture,
  withAttackerFixture,
  withSecondKycProviderFixture,
  type Provider,
} from "../helpers/identity-fixtures";
import type { Identity } from "../../typechain-types";

/** The base scenario plus dave, registered with an identity that holds no claim. */
async function withClaimlessDaveFixture() {
  const context = await loadFixture(deploySuiteFixture);
  const { dave, registrar } = context.accounts;
  const daveIdentity = await deployIdentity(dave);
  await context.suite.identityRegistry.connect(registrar).registerIdentity(dave.address, daveIdentity, COUNTRY.JP);
  return { ...context, daveIdentity };
}

/** withClaimlessDaveFixture with balances minted; dave then stores a KYC claim after registration (no cache). */
async function withSlowPathRecipientFixture() {
  const context = await loadFixture(withBalancesFixture);
  const { dave, registrar } = context.accounts;
  const daveIdentity = await deployIdentity(dave);
  await context.suite.identityRegistry.connect(registrar).registerIdentity(dave.address, daveIdentity, COUNTRY.JP);
  await issueClaim({
    identity: daveIdentity,
    identityOwner: dave,
    issuer: context.kyc.issuer,
    issuerKey: context.kyc.key,
    topic: TOPICS.KYC,
  });
  return { ...context, daveIdentity };
}

/** The base scenario plus an eligibility provider trusted for INDIVIDUAL only; alice holds its INDIVIDUAL claim. */
async function withEligibilityProviderFixture() {
  const context = await loadFixture(deploySuiteFixture);
  const { amlKey } = await spareSigners();
  const eligibility: Provider = { issuer: await deployClaimIssuer(amlKey), key: amlKey };
  await context.suite.issuersRegistry
    .connect(context.accounts.owner)
    .addTrustedIssuer(eligibility.issuer, [TOPICS.INDIVIDUAL]);
  const { alice, bob } = context.investors;
  const individualSignature = await issueClaim({
    identity: alice.identity,
    identityOwner: alice.wallet,
    issuer: eligibility.issuer,
    issuerKey: amlKey,
    topic: TOPICS.INDIVIDUAL,
  });
  // bob's INDIVIDUAL claim comes from the KYC provider, which is trusted for KYC only
  await issueClaim({
    identity: bob.identity,
    identityOwner: bob.wallet,
    issuer: context.kyc.issuer,
    issuerKey: context.kyc.key,
    topic: TOPICS.INDIVIDUAL,
  });
  return { ...context, eligibility, individualSignature };
}

async function kycSignatureOf(identity: Identity, provider: Provider): Promise<string> {
  return storedSignature(identity, await provider.issuer.getAddress(), TOPICS.KYC);
}

describe("IdentityRegistry", () => {
  describe("deployment", () => {
    it("wires storage and registries, emits their events and compiles the requirements", async () => {
      const { suite, accounts } = await loadFixture(deploySuiteFixture);
      const storage = await suite.identityStorage.getAddress();
      const topics = await suite.topicsRegistry.getAddress();
      const issuers = await suite.issuersRegistry.getAddress();
      const registry = await deployIdentityRegistry(accounts.owner, storage, topics, issuers);
      const deployment = registry.deploymentTransaction();
      if (deployment === null) throw new Error("no deployment transaction");
      await expect(deployment)
        .to.emit(registry, "IdentityStorageSet")
        .withArgs(storage)
        .and.to.emit(registry, "ClaimTopicsRegistrySet")
        .withArgs(topics)
        .and.to.emit(registry, "TrustedIssuersRegistrySet")
        .withArgs(issuers)
        .and.to.emit(registry, "RequirementsCompiled")
        .withArgs(1n, 1n, 1n);
      expect(await registry.identityStorage()).to.equal(storage);
      expect(await registry.topicsRegistry()).to.equal(topics);
      expect(await registry.issuersRegistry()).to.equal(issuers);
      expect(await registry.requiredClaimTopics()).to.deep.equal([TOPICS.KYC]);
      expect(await registry.hasRole(ethers.ZeroHash, accounts.owner.address)).to.equal(true);
    });

    it("exposes the compilation caps", async () => {
      const { suite } = await loadFixture(deploySuiteFixture);
      expect(await suite.identityRegistry.MAX_TRUSTED_PAIRS()).to.equal(256n);
      expect(await suite.identityRegistry.MAX_REQUIRED_TOPICS()).to.equal(32n);
    });

    describe("when any address is zero", () => {
      it("reverts with IdentityRegistryZeroAddress", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        const factory = await ethers.getContractFactory("IdentityRegistry", accounts.owner);
        const storage = await suite.identityStorage.getAddress();
        const topics = await suite.topicsRegistry.getAddress();
        const issuers = await suite.issuersRegistry.getAddress();
        const owner = accounts.owner.address;
        const zero = ethers.ZeroAddress;
        await expect(factory.deploy(owner, zero, topics, issuers)).to.be.revertedWithCustomError(
          factory,
          "IdentityRegistryZeroAddress",
        );
        await expect(factory.deploy(owner, storage, zero, issuers)).to.be.revertedWithCustomError(
          factory,
          "IdentityRegistryZeroAddress",
        );
        await expect(factory.deploy(owner, storage, topics, zero)).to.be.revertedWithCustomError(
          factory,
          "IdentityRegistryZeroAddress",
        );
      });
    });
  });

  describe(".registerIdentity()", () => {
    describe("when the caller lacks REGISTRAR_AGENT", () => {
      it("reverts with AccessControlUnauthorizedAccount(caller, REGISTRAR_AGENT)", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        const daveIdentity = await deployIdentity(accounts.dave);
        for (const caller of [accounts.outsider, accounts.owner, accounts.agent]) {
          await expect(
            suite.identityRegistry.connect(caller).registerIdentity(accounts.dave.address, daveIdentity, COUNTRY.JP),
          )
            .to.be.revertedWithCustomError(suite.identityRegistry, "AccessControlUnauthorizedAccount")
            .withArgs(caller.address, ROLES.REGISTRAR_AGENT);
        }
        expect(await suite.identityRegistry.contains(accounts.dave.address)).to.equal(false);
      });
    });

    describe("when the identity holds a trusted KYC claim", () => {
      it("stores the wallet, caches the claim, emits the events, and the wallet is verified", async () => {
        const { suite, accounts, kyc } = await loadFixture(deploySuiteFixture);
        const { dave, registrar } = accounts;
        const daveIdentity = await deployIdentity(dave);
        await issueClaim({
          identity: daveIdentity,
          identityOwner: dave,
          issuer: kyc.issuer,
          issuerKey: kyc.key,
          topic: TOPICS.KYC,
        });
        const daveIdentityAddress = await daveIdentity.getAddress();
        const kycAddress = await kyc.issuer.getAddress();

        await expect(suite.identityRegistry.connect(registrar).registerIdentity(dave.address, daveIdentity, COUNTRY.SG))
          .to.emit(suite.identityRegistry, "IdentityRegistered")
          .withArgs(dave.address, daveIdentityAddress)
          .and.to.emit(suite.identityStorage, "IdentityStored")
          .withArgs(dave.address, daveIdentityAddress)
          .and.to.emit(suite.identityStorage, "CountryModified")
          .withArgs(dave.address, COUNTRY.SG)
          .and.to.emit(suite.identityRegistry, "ClaimCacheUpdated")
          .withArgs(daveIdentityAddress, TOPICS.KYC, kycAddress);
        expect(await suite.identityRegistry.contains(dave.address)).to.equal(true);
        expect(await suite.identityRegistry.identity(dave.address)).to.equal(daveIdentityAddress);
        expect(await suite.identityRegistry.investorCountry(dave.address)).to.equal(BigInt(COUNTRY.SG));
        expect(await suite.identityRegistry.cachedClaimIssuer(daveIdentity, TOPICS.KYC)).to.equal(kycAddress);
        expect(await suite.identityRegistry.isVerified(dave.address)).to.equal(true);
      });
    });

    describe("when the identity holds no claim", () => {
      it("registers the wallet without caching anything; the wallet is not verified", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        const { dave, registrar } = accounts;
        const daveIdentity = await deployIdentity(dave);
        await expect(suite.identityRegistry.connect(registrar).registerIdentity(dave.address, daveIdentity, COUNTRY.JP))
          .to.emit(suite.identityRegistry, "IdentityRegistered")
          .withArgs(dave.address, await daveIdentity.getAddress())
          .and.not.to.emit(suite.identityRegistry, "ClaimCacheUpdated");
        expect(await suite.identityRegistry.contains(dave.address)).to.equal(true);
        expect(await suite.identityRegistry.cachedClaimIssuer(daveIdentity, TOPICS.KYC)).to.equal(ethers.ZeroAddress);
        expect(await suite.identityRegistry.isVerified(dave.address)).to.equal(false);
      });
    });

    describe("when the wallet is already registered", () => {
      it("reverts with the storage's IdentityStorageWalletAlreadyStored(wallet) and changes nothing", async () => {
        const { suite, accounts, investors } = await loadFixture(deploySuiteFixture);
        const { alice, registrar } = accounts;
        const otherIdentity = await deployIdentity(alice);
        await expect(
          suite.identityRegistry.connect(registrar).registerIdentity(alice.address, otherIdentity, COUNTRY.US),
        )
          .to.be.revertedWithCustomError(suite.identityStorage, "IdentityStorageWalletAlreadyStored")
          .withArgs(alice.address);
        expect(await suite.identityRegistry.identity(alice.address)).to.equal(
          await investors.alice.identity.getAddress(),
        );
        expect(await suite.identityRegistry.investorCountry(alice.address)).to.equal(BigInt(COUNTRY.JP));
        expect(await suite.identityRegistry.isVerified(alice.address)).to.equal(true);
      });
    });

    describe("when the identity is not a contract", () => {
      it("reverts with IdentityRegistryIdentityNotContract(identity) and stores nothing", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(
          suite.identityRegistry
            .connect(accounts.registrar)
            .registerIdentity(accounts.dave.address, accounts.eve.address, COUNTRY.JP),
        )
          .to.be.revertedWithCustomError(suite.identityRegistry, "IdentityRegistryIdentityNotContract")
          .withArgs(accounts.eve.address);
        expect(await suite.identityRegistry.contains(accounts.dave.address)).to.equal(false);
      });

      it("is refused even while no topic is required (so isVerified can never revert later)", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await suite.topicsRegistry.connect(accounts.owner).removeClaimTopic(TOPICS.KYC);
        await expect(
          suite.identityRegistry
            .connect(accounts.registrar)
            .registerIdentity(accounts.dave.address, accounts.eve.address, COUNTRY.JP),
        )
          .to.be.revertedWithCustomError(suite.identityRegistry, "IdentityRegistryIdentityNotContract")
          .withArgs(accounts.eve.address);
      });

      it("is refused by updateIdentity too", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(
          suite.identityRegistry
            .connect(accounts.registrar)
            .updateIdentity(accounts.alice.address, accounts.eve.address),
        )
          .to.be.revertedWithCustomError(suite.identityRegistry, "IdentityRegistryIdentityNotContract")
          .withArgs(accounts.eve.address);
      });
    });

    describe("when the wallet or identity is zero", () => {
      it("reverts with the storage's IdentityStorageZeroAddress", async () => {
        const { suite, accounts, investors } = await loadFixture(deploySuiteFixture);
        const registry = suite.identityRegistry.connect(accounts.registrar);
        await expect(
          registry.registerIdentity(ethers.ZeroAddress, investors.alice.identity, COUNTRY.JP),
        ).to.be.revertedWithCustomError(suite.identityStorage, "IdentityStorageZeroAddress");
        await expect(
          registry.registerIdentity(accounts.dave.address, ethers.ZeroAddress, COUNTRY.JP),
        ).to.be.revertedWithCustomError(suite.identityStorage, "IdentityStorageZeroAddress");
      });
    });
  });

  describe(".batchRegisterIdentity()", () => {
    describe("when the arrays match", () => {
      it("registers every wallet and emits IdentityRegistered for each", async () => {
        const { suite, accounts, kyc } = await loadFixture(deploySuiteFixture);
        const { dave, eve, registrar } = accounts;
        const daveIdentity = await deployIdentity(dave);
        const eveIdentity = await deployIdentity(eve);
        await issueClaim({
          identity: daveIdentity,
          identityOwner: dave,
          issuer: kyc.issuer,
          issuerKey: kyc.key,
          topic: TOPICS.KYC,
        });
        await expect(
          suite.identityRegistry
            .connect(registrar)
            .batchRegisterIdentity([dave.address, eve.address], [daveIdentity, eveIdentity], [COUNTRY.JP, COUNTRY.GB]),
        )
          .to.emit(suite.identityRegistry, "IdentityRegistered")
          .withArgs(dave.address, await daveIdentity.getAddress())
          .and.to.emit(suite.identityRegistry, "IdentityRegistered")
          .withArgs(eve.address, await eveIdentity.getAddress());
        expect(await suite.identityRegistry.investorCountry(eve.address)).to.equal(BigInt(COUNTRY.GB));
        expect(await suite.identityRegistry.isVerified(dave.address)).to.equal(true);
        expect(await suite.identityRegistry.isVerified(eve.address)).to.equal(false);
      });
    });

    describe("when the arrays differ in length", () => {
      it("reverts with IdentityRegistryBatchLengthMismatch(expected, actual)", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        const { dave, eve, registrar } = accounts;
        const daveIdentity = await deployIdentity(dave);
        const registry = suite.identityRegistry.connect(registrar);
        await expect(
          registry.batchRegisterIdentity([dave.address, eve.address], [daveIdentity], [COUNTRY.JP, COUNTRY.JP]),
        )
          .to.be.revertedWithCustomError(registry, "IdentityRegistryBatchLengthMismatch")
          .withArgs(2n, 1n);
        await expect(
          registry.batchRegisterIdentity([dave.address], [daveIdentity], [COUNTRY.JP, COUNTRY.US, COUNTRY.GB]),
        )
          .to.be.revertedWithCustomError(registry, "IdentityRegistryBatchLengthMismatch")
          .withArgs(1n, 3n);
      });
    });

    describe("when one wallet is already registered", () => {
      it("reverts the whole batch", async () => {
        const { suite, accounts, investors } = await loadFixture(deploySuiteFixture);
        const { dave, alice, registrar } = accounts;
        const daveIdentity = await deployIdentity(dave);
        await expect(
          suite.identityRegistry
            .connect(registrar)
            .batchRegisterIdentity(
              [dave.address, alice.address],
              [daveIdentity, investors.alice.identity],
              [COUNTRY.JP, COUNTRY.JP],
            ),
        )
          .to.be.revertedWithCustomError(suite.identityStorage, "IdentityStorageWalletAlreadyStored")
          .withArgs(alice.address);
        expect(await suite.identityRegistry.contains(dave.address)).to.equal(false);
      });
    });

    describe("when the caller lacks REGISTRAR_AGENT", () => {
      it("reverts with AccessControlUnauthorizedAccount(caller, REGISTRAR_AGENT)", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        const daveIdentity = await deployIdentity(accounts.dave);
        await expect(
          suite.identityRegistry
            .connect(accounts.outsider)
            .batchRegisterIdentity([accounts.dave.address], [daveIdentity], [COUNTRY.JP]),
        )
          .to.be.revertedWithCustomError(suite.identityRegistry, "AccessControlUnauthorizedAccount")
          .withArgs(accounts.outsider.address, ROLES.REGISTRAR_AGENT);
      });
    });
  });

  describe(".deleteIdentity()", () => {
    describe("when the wallet is registered", () => {
      it("removes it, emits IdentityRemoved and the wallet can no longer receive tokens", async () => {
        const { suite, accounts, investors, token } = await loadFixture(withBalancesFixture);
        const { bob, alice, registrar } = accounts;
        const bobIdentity = await investors.bob.identity.getAddress();
        await expect(suite.identityRegistry.connect(registrar).deleteIdentity(bob.address))
          .to.emit(suite.identityRegistry, "IdentityRemoved")
          .withArgs(bob.address, bobIdentity)
          .and.to.emit(suite.identityStorage, "IdentityUnstored")
          .withArgs(bob.address, bobIdentity);
        expect(await suite.identityRegistry.contains(bob.address)).to.equal(false);
        expect(await suite.identityRegistry.identity(bob.address)).to.equal(ethers.ZeroAddress);
        expect(await suite.identityRegistry.investorCountry(bob.address)).to.equal(0n);
        expect(await suite.identityRegistry.isVerified(bob.address)).to.equal(false);
        expect(await suite.identityRegistry.hasValidClaim(bob.address, TOPICS.KYC)).to.equal(false);
        await expect(token.connect(alice).transfer(bob.address, 1n))
          .to.be.revertedWithCustomError(token, "TokenRecipientNotVerified")
          .withArgs(bob.address);
      });
    });

    describe("when the wallet is not registered", () => {
      it("reverts with the storage's IdentityStorageWalletNotStored(wallet)", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(suite.identityRegistry.connect(accounts.registrar).deleteIdentity(accounts.dave.address))
          .to.be.revertedWithCustomError(suite.identityStorage, "IdentityStorageWalletNotStored")
          .withArgs(accounts.dave.address);
      });
    });

    describe("when the caller lacks REGISTRAR_AGENT", () => {
      it("reverts with AccessControlUnauthorizedAccount(caller, REGISTRAR_AGENT)", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(suite.identityRegistry.connect(accounts.bob).deleteIdentity(accounts.bob.address))
          .to.be.revertedWithCustomError(suite.identityRegistry, "AccessControlUnauthorizedAccount")
          .withArgs(accounts.bob.address, ROLES.REGISTRAR_AGENT);
      });
    });
  });

  describe(".updateCountry()", () => {
    describe("when the wallet is registered", () => {
      it("changes the country and emits CountryUpdated", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        const { alice, registrar } = accounts;
        await expect(suite.identityRegistry.connect(registrar).updateCountry(alice.address, COUNTRY.US))
          .to.emit(suite.identityRegistry, "CountryUpdated")
          .withArgs(alice.address, COUNTRY.US)
          .and.to.emit(suite.identityStorage, "CountryModified")
          .withArgs(alice.address, COUNTRY.US);
        expect(await suite.identityRegistry.investorCountry(alice.address)).to.equal(BigInt(COUNTRY.US));
        expect(await suite.identityRegistry.isVerified(alice.address)).to.equal(true);
      });
    });

    describe("when the wallet is not registered", () => {
      it("reverts with the storage's IdentityStorageWalletNotStored(wallet)", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(
          suite.identityRegistry.connect(accounts.registrar).updateCountry(accounts.dave.address, COUNTRY.US),
        )
          .to.be.revertedWithCustomError(suite.identityStorage, "IdentityStorageWalletNotStored")
          .withArgs(accounts.dave.address);
      });
    });

    describe("when the caller lacks REGISTRAR_AGENT", () => {
      it("reverts with AccessControlUnauthorizedAccount(caller, REGISTRAR_AGENT)", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(suite.identityRegistry.connect(accounts.alice).updateCountry(accounts.alice.address, COUNTRY.US))
          .to.be.revertedWithCustomError(suite.identityRegistry, "AccessControlUnauthorizedAccount")
          .withArgs(accounts.alice.address, ROLES.REGISTRAR_AGENT);
      });
    });
  });

  describe(".updateIdentity()", () => {
    describe("when the new identity holds a trusted KYC claim", () => {
      it("replaces the identity, emits IdentityUpdated and caches the new identity's claim", async () => {
        const { suite, accounts, investors, kyc } = await loadFixture(deploySuiteFixture);
        const { alice, registrar } = accounts;
        const newIdentity = await deployIdentity(alice);
        await issueClaim({
          identity: newIdentity,
          identityOwner: alice,
          issuer: kyc.issuer,
          issuerKey: kyc.key,
          topic: TOPICS.KYC,
        });
        const oldAddress = await investors.alice.identity.getAddress();
        const newAddress = await newIdentity.getAddress();
        await expect(suite.identityRegistry.connect(registrar).updateIdentity(alice.address, newIdentity))
          .to.emit(suite.identityRegistry, "IdentityUpdated")
          .withArgs(oldAddress, newAddress)
          .and.to.emit(suite.identityStorage, "IdentityModified")
          .withArgs(oldAddress, newAddress)
          .and.to.emit(suite.identityRegistry, "ClaimCacheUpdated")
          .withArgs(newAddress, TOPICS.KYC, await kyc.issuer.getAddress());
        expect(await suite.identityRegistry.identity(alice.address)).to.equal(newAddress);
        expect(await suite.identityRegistry.investorCountry(alice.address)).to.equal(BigInt(COUNTRY.JP));
        expect(await suite.identityRegistry.isVerified(alice.address)).to.equal(true);
      });
    });

    describe("when the new identity holds no claim", () => {
      it("replaces the identity and the wallet is no longer verified (the old identity's cache does not count)", async () => {
        const { suite, accounts, investors } = await loadFixture(deploySuiteFixture);
        const { alice, registrar } = accounts;
        const newIdentity = await deployIdentity(alice);
        await expect(suite.identityRegistry.connect(registrar).updateIdentity(alice.address, newIdentity)).not.to.emit(
          suite.identityRegistry,
          "ClaimCacheUpdated",
        );
        expect(await suite.identityRegistry.cachedClaimIssuer(investors.alice.identity, TOPICS.KYC)).to.not.equal(
          ethers.ZeroAddress,
        );
        expect(await suite.identityRegistry.isVerified(alice.address)).to.equal(false);
      });
    });

    describe("when the new identity is zero", () => {
      it("reverts with the storage's IdentityStorageZeroAddress", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(
          suite.identityRegistry.connect(accounts.registrar).updateIdentity(accounts.alice.address, ethers.ZeroAddress),
        ).to.be.revertedWithCustomError(suite.identityStorage, "IdentityStorageZeroAddress");
      });
    });

    describe("when the wallet is not registered", () => {
      it("reverts with the storage's IdentityStorageWalletNotStored(wallet)", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        const daveIdentity = await deployIdentity(accounts.dave);
        await expect(
          suite.identityRegistry.connect(accounts.registrar).updateIdentity(accounts.dave.address, daveIdentity),
        )
          .to.be.revertedWithCustomError(suite.identityStorage, "IdentityStorageWalletNotStored")
          .withArgs(accounts.dave.address);
      });
    });

    describe("when the caller lacks REGISTRAR_AGENT", () => {
      it("reverts with AccessControlUnauthorizedAccount(caller, REGISTRAR_AGENT)", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        const newIdentity = await deployIdentity(accounts.alice);
        await expect(suite.identityRegistry.connect(accounts.alice).updateIdentity(accounts.alice.address, newIdentity))
          .to.be.revertedWithCustomError(suite.identityRegistry, "AccessControlUnauthorizedAccount")
          .withArgs(accounts.alice.address, ROLES.REGISTRAR_AGENT);
      });
    });
  });

  describe(".investorOf()", () => {
    describe("when the wallet is registered and verified", () => {
      it("returns its identity and country, and verified only when asked to verify", async () => {
        const { suite, accounts, investors } = await loadFixture(deploySuiteFixture);
        const identity = await investors.charlie.identity.getAddress();
        const [checkedIdentity, checkedCountry, verified] = await suite.identityRegistry.investorOf(
          accounts.charlie.address,
          true,
        );
        expect([checkedIdentity, checkedCountry, verified]).to.deep.equal([identity, BigInt(COUNTRY.US), true]);
        const [plainIdentity, plainCountry, plainVerified] = await suite.identityRegistry.investorOf(
          accounts.charlie.address,
          false,
        );
        expect([plainIdentity, plainCountry, plainVerified]).to.deep.equal([identity, BigInt(COUNTRY.US), false]);
      });
    });

    describe("when the wallet is not registered", () => {
      it("returns zeros and not verified", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        const [identity, country, verified] = await suite.identityRegistry.investorOf(accounts.dave.address, true);
        expect([identity, country, verified]).to.deep.equal([ethers.ZeroAddress, 0n, false]);
      });
    });

    describe("when the trusted issuer revokes the claim", () => {
      it("still returns identity and country, and verified false like isVerified", async () => {
        const { suite, accounts, kyc, investors } = await loadFixture(deploySuiteFixture);
        await kyc.issuer.connect(kyc.key).revokeClaimBySignature(await kycSignatureOf(investors.bob.identity, kyc));
        const [identity, country, verified] = await suite.identityRegistry.investorOf(accounts.bob.address, true);
        expect([identity, country, verified]).to.deep.equal([
          await investors.bob.identity.getAddress(),
          BigInt(COUNTRY.JP),
          false,
        ]);
        expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(false);
      });

      it("makes the next transfer on a series with a module revert with TokenRecipientNotVerified(wallet)", async () => {
        const { suite, token, compliance, accounts, kyc, investors } = await loadFixture(deploySuiteFixture);
        const { owner, agent, alice, bob } = accounts;
        // a listening module makes the token read the recipient through investorOf, not isVerified
        await compliance.connect(owner).addModule(suite.modules.countryAllow);
        await compliance
          .connect(owner)
          .callModuleFunction(
            suite.modules.countryAllow.interface.encodeFunctionData("listCountries", [[COUNTRY.JP]]),
            suite.modules.countryAllow,
          );
        await token.connect(agent).mint(alice.address, 100n);
        await token.connect(alice).transfer(bob.address, 10n);
        await kyc.issuer.connect(kyc.key).revokeClaimBySignature(await kycSignatureOf(investors.bob.identity, kyc));
        await expect(token.connect(alice).transfer(bob.address, 10n))
          .to.be.revertedWithCustomError(token, "TokenRecipientNotVerified")
          .withArgs(bob.address);
      });
    });
  });

  describe(".isVerified()", () => {
    describe("in the base scenario", () => {
      it("is true for onboarded investors and false for wallets that are not registered", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        for (const wallet of [accounts.alice, accounts.bob, accounts.charlie]) {
          expect(await suite.identityRegistry.isVerified(wallet.address)).to.equal(true);
        }
        for (const wallet of [accounts.dave, accounts.eve, accounts.outsider]) {
          expect(await suite.identityRegistry.isVerified(wallet.address)).to.equal(false);
        }
        expect(await suite.identityRegistry.isVerified(ethers.ZeroAddress)).to.equal(false);
      });
    });

    describe("when the registered identity has no KYC claim", () => {
      it("is false, and turns true as soon as a trusted claim is stored (full search, no refresh)", async () => {
        const { suite, accounts, kyc, daveIdentity } = await loadFixture(withClaimlessDaveFixture);
        const { dave } = accounts;
        expect(await suite.identityRegistry.isVerified(dave.address)).to.equal(false);
        await issueClaim({
          identity: daveIdentity,
          identityOwner: dave,
          issuer: kyc.issuer,
          issuerKey: kyc.key,
          topic: TOPICS.KYC,
        });
        expect(await suite.identityRegistry.cachedClaimIssuer(daveIdentity, TOPICS.KYC)).to.equal(ethers.ZeroAddress);
        expect(await suite.identityRegistry.isVerified(dave.address)).to.equal(true);
      });
    });

    describe("when the identity holds a claim from an issuer nobody trusts (ERC-3643 issue #101)", () => {
      it("is false although the attacker's issuer itself validates the claim", async () => {
        const { suite, accounts, attacker, daveIdentity, attackerSignature } = await loadFixture(withAttackerFixture);
        expect(await attacker.issuer.isClaimValid(daveIdentity, TOPICS.KYC, attackerSignature, "0x")).to.equal(true);
        expect((await daveIdentity.getClaim(claimId(await attacker.issuer.getAddress(), TOPICS.KYC))).topic).to.equal(
          TOPICS.KYC,
        );
        expect(await suite.identityRegistry.isVerified(accounts.dave.address)).to.equal(false);
        expect(await suite.identityRegistry.hasValidClaim(accounts.dave.address, TOPICS.KYC)).to.equal(false);
        expect(await suite.identityRegistry.cachedClaimIssuer(daveIdentity, TOPICS.KYC)).to.equal(ethers.ZeroAddress);
      });

      it("stays false after anyone calls refreshClaims / refreshClaim, which cache nothing", async () => {
        const { suite, accounts, daveIdentity } = await loadFixture(withAttackerFixture);
        const registry = suite.identityRegistry.connect(accounts.dave);
        await expect(registry.refreshClaims(daveIdentity)).not.to.emit(registry, "ClaimCacheUpdated");
        await expect(registry.refreshClaim(daveIdentity, TOPICS.KYC)).not.to.emit(registry, "ClaimCacheUpdated");
        expect(await registry.cachedClaimIssuer(daveIdentity, TOPICS.KYC)).to.equal(ethers.ZeroAddress);
        expect(await registry.isVerified(accounts.dave.address)).to.equal(false);
      });

      it("stays false when the attacker's issuer is trusted, but for another topic", async () => {
        const { suite, accounts, attacker, daveIdentity } = await loadFixture(withAttackerFixture);
        await suite.issuersRegistry.connect(accounts.owner).addTrustedIssuer(attacker.issuer, [TOPICS.AML]);
        await expect(suite.identityRegistry.refreshClaims(daveIdentity)).not.to.emit(
          suite.identityRegistry,
          "ClaimCacheUpdated",
        );
        expect(await suite.identityRegistry.isVerified(accounts.dave.address)).to.equal(false);
        expect(await suite.identityRegistry.hasValidClaim(accounts.dave.address, TOPICS.KYC)).to.equal(false);
      });

      it("refuses a mint to the wallet with TokenRecipientNotVerified(wallet)", async () => {
        const { token, accounts } = await loadFixture(withAttackerFixture);
        await expect(token.connect(accounts.agent).mint(accounts.dave.address, 1n))
          .to.be.revertedWithCustomError(token, "TokenRecipientNotVerified")
          .withArgs(accounts.dave.address);
      });

      it("turns true once the trusted issuer signs a claim for the identity (control)", async () => {
        const { suite, accounts, kyc, daveIdentity } = await loadFixture(withAttackerFixture);
        await issueClaim({
          identity: daveIdentity,
          identityOwner: accounts.dave,
          issuer: kyc.issuer,
          issuerKey: kyc.key,
          topic: TOPICS.KYC,
        });
        expect(await suite.identityRegistry.isVerified(accounts.dave.address)).to.equal(true);
      });
    });

    describe("when a claim signed by the attacker names the trusted issuer", () => {
      it("cannot be stored: ONCHAINID's addClaim reverts with 'invalid claim'", async () => {
        const { suite, accounts, kyc, attacker, daveIdentity } = await loadFixture(withAttackerFixture);
        const kycAddress = await kyc.issuer.getAddress();
        await expect(
          addForgedClaim(daveIdentity, accounts.dave, kycAddress, attacker.key, TOPICS.KYC),
        ).to.be.revertedWith("invalid claim");
        expect((await daveIdentity.getClaim(claimId(kycAddress, TOPICS.KYC))).issuer).to.equal(ethers.ZeroAddress);
        expect(await suite.identityRegistry.isVerified(accounts.dave.address)).to.equal(false);
      });

      it("nor can a trusted signature copied from another investor's identity", async () => {
        const { accounts, kyc, investors, daveIdentity } = await loadFixture(withAttackerFixture);
        const aliceSignature = await kycSignatureOf(investors.alice.identity, kyc);
        await expect(
          daveIdentity
            .connect(accounts.dave)
            .addClaim(TOPICS.KYC, ECDSA_SCHEME, await kyc.issuer.getAddress(), aliceSignature, "0x", ""),
        ).to.be.revertedWith("invalid claim");
      });
    });

    describe("when the identity issues a KYC claim to itself", () => {
      it("ONCHAINID stores it unchecked, but it does not verify", async () => {
        const { suite, accounts, daveIdentity } = await loadFixture(withClaimlessDaveFixture);
        const self = await daveIdentity.getAddress();
        const junk = ethers.hexlify(new Uint8Array(65).fill(7));
        await daveIdentity.connect(accounts.dave).addClaim(TOPICS.KYC, ECDSA_SCHEME, self, junk, "0x", "");
        expect((await daveIdentity.getClaim(claimId(self, TOPICS.KYC))).issuer).to.equal(self);
        await expect(suite.identityRegistry.refreshClaims(daveIdentity)).not.to.emit(
          suite.identityRegistry,
          "ClaimCacheUpdated",
        );
        expect(await suite.identityRegistry.isVerified(accounts.dave.address)).to.equal(false);
      });
    });

    describe("when the trusted issuer revokes the claim", () => {
      it("turns false at once with no registry transaction (revokeClaimBySignature)", async () => {
        const { suite, accounts, kyc, investors } = await loadFixture(deploySuiteFixture);
        const signature = await kycSignatureOf(investors.bob.identity, kyc);
        expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(true);
        await expect(kyc.issuer.connect(kyc.key).revokeClaimBySignature(signature))
          .to.emit(kyc.issuer, "ClaimRevoked")
          .withArgs(signature);
        expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(false);
        expect(await suite.identityRegistry.hasValidClaim(accounts.bob.address, TOPICS.KYC)).to.equal(false);
        // the cache was not touched: the live isClaimRevoked call is what refuses
        expect(await suite.identityRegistry.cachedClaimIssuer(investors.bob.identity, TOPICS.KYC)).to.equal(
          await kyc.issuer.getAddress(),
        );
        // other investors are unaffected
        expect(await suite.identityRegistry.isVerified(accounts.alice.address)).to.equal(true);
      });

      it("turns false at once with no registry transaction (revokeClaim by claim id)", async () => {
        const { suite, accounts, kyc, investors } = await loadFixture(deploySuiteFixture);
        await kyc.issuer
          .connect(kyc.key)
          .revokeClaim(claimId(await kyc.issuer.getAddress(), TOPICS.KYC), investors.bob.identity);
        expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(false);
      });

      it("makes the very next transfer to the wallet revert with TokenRecipientNotVerified(wallet)", async () => {
        const { token, accounts, kyc, investors } = await loadFixture(deploySuiteFixture);
        const { agent, alice, bob } = accounts;
        await token.connect(agent).mint(alice.address, 100n);
        await expect(token.connect(alice).transfer(bob.address, 10n)).to.changeTokenBalances(
          token,
          [alice, bob],
          [-10n, 10n],
        );
        await kyc.issuer.connect(kyc.key).revokeClaimBySignature(await kycSignatureOf(investors.bob.identity, kyc));
        await expect(token.connect(alice).transfer(bob.address, 10n))
          .to.be.revertedWithCustomError(token, "TokenRecipientNotVerified")
          .withArgs(bob.address);
      });

      it("turns true again as soon as a new claim is stored, before any refresh", async () => {
        const { suite, accounts, kyc, investors } = await loadFixture(deploySuiteFixture);
        const { bob } = investors;
        await kyc.issuer.connect(kyc.key).revokeClaimBySignature(await kycSignatureOf(bob.identity, kyc));
        await issueClaimWithData(bob.identity, bob.wallet, kyc, TOPICS.KYC, "0x01");
        expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(true);
      });
    });

    describe("when the issuer removes the key that signed the claim", () => {
      // The cached path asks the issuer only whether it revoked the signature. An issuer that removes a
      // compromised signing key instead of revoking every claim is seen once the owner or the issuer
      // retires the cache (invalidateClaimCache): every claim is then validated in full again.
      async function rotateKycKey() {
        const context = await loadFixture(deploySuiteFixture);
        const { newIssuerKey } = await spareSigners();
        const { kyc } = context;
        await kyc.issuer.connect(kyc.key).addKey(addressKey(newIssuerKey.address), KEY_PURPOSE.MANAGEMENT, 1n);
        await kyc.issuer
          .connect(newIssuerKey)
          .removeKey(addressKey(await kyc.key.getAddress()), KEY_PURPOSE.MANAGEMENT);
        const second = await deployIdentityRegistry(
          context.accounts.owner,
          await context.suite.identityStorage.getAddress(),
          await context.suite.topicsRegistry.getAddress(),
          await context.suite.issuersRegistry.getAddress(),
        );
        return { ...context, second };
      }

      it("the issuer's isClaimValid refuses the claim and a registry without a cached claim is not verified", async () => {
        const { accounts, kyc, investors, second } = await rotateKycKey();
        const signature = await kycSignatureOf(investors.bob.identity, kyc);
        expect(await kyc.issuer.isClaimValid(investors.bob.identity, TOPICS.KYC, signature, "0x")).to.equal(false);
        expect(await kyc.issuer.isClaimRevoked(signature)).to.equal(false);
        expect(await second.isVerified(accounts.bob.address)).to.equal(false);
      });

      it("without invalidation the cached claim keeps verifying until refreshClaims clears it (documented limit)", async () => {
        const { suite, accounts, investors } = await rotateKycKey();
        expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(true);
        await expect(suite.identityRegistry.refreshClaims(investors.bob.identity))
          .to.emit(suite.identityRegistry, "ClaimCacheUpdated")
          .withArgs(await investors.bob.identity.getAddress(), TOPICS.KYC, ethers.ZeroAddress);
        expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(false);
      });

      it("the issuer itself retires the cache through its ONCHAINID execute: every investor is re-validated at once", async () => {
        const { suite, accounts, kyc } = await rotateKycKey();
        const { newIssuerKey } = await spareSigners();
        const data = suite.identityRegistry.interface.encodeFunctionData("invalidateClaimCache");
        await expect(kyc.issuer.connect(newIssuerKey).execute(await suite.identityRegistry.getAddress(), 0n, data))
          .to.emit(suite.identityRegistry, "ClaimCacheInvalidated")
          .withArgs(1n, await kyc.issuer.getAddress());
        expect(await suite.identityRegistry.isVerified(accounts.alice.address)).to.equal(false);
        expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(false);
      });

      it("the owner may retire the cache; a claim signed with the new key then verifies and re-caches", async () => {
        const { suite, accounts, kyc, investors } = await rotateKycKey();
        const { newIssuerKey } = await spareSigners();
        await expect(suite.identityRegistry.connect(accounts.owner).invalidateClaimCache())
          .to.emit(suite.identityRegistry, "ClaimCacheInvalidated")
          .withArgs(1n, accounts.owner.address);
        expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(false);
        await issueClaimWithData(
          investors.bob.identity,
          investors.bob.wallet,
          { ...kyc, key: newIssuerKey },
          TOPICS.KYC,
          "0x02",
        );
        expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(true);
        await expect(suite.identityRegistry.refreshClaims(investors.bob.identity))
          .to.emit(suite.identityRegistry, "ClaimCacheUpdated")
          .withArgs(await investors.bob.identity.getAddress(), TOPICS.KYC, await kyc.issuer.getAddress());
        expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(true);
      });

      it("anyone else is refused with IdentityRegistryCallerCannotInvalidate(caller)", async () => {
        const { suite, accounts } = await rotateKycKey();
        await expect(suite.identityRegistry.connect(accounts.outsider).invalidateClaimCache())
          .to.be.revertedWithCustomError(suite.identityRegistry, "IdentityRegistryCallerCannotInvalidate")
          .withArgs(accounts.outsider.address);
      });
    });

    describe("when the trusted issuer is removed", () => {
      it("every investor whose claims came from it is unverified at once, with no per-investor transaction", async () => {
        const { suite, accounts, kyc } = await loadFixture(withSecondKycProviderFixture);
        await expect(suite.issuersRegistry.connect(accounts.owner).removeTrustedIssuer(kyc.issuer))
          .to.emit(suite.identityRegistry, "RequirementsCompiled")
          .and.not.to.emit(suite.identityRegistry, "ClaimCacheUpdated");
        expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(false);
        expect(await suite.identityRegistry.isVerified(accounts.charlie.address)).to.equal(false);
      });

      it("an investor who also holds a claim from a second trusted issuer stays verified (full search)", async () => {
        const { suite, accounts, kyc, investors } = await loadFixture(withSecondKycProviderFixture);
        await suite.issuersRegistry.connect(accounts.owner).removeTrustedIssuer(kyc.issuer);
        expect(await suite.identityRegistry.cachedClaimIssuer(investors.alice.identity, TOPICS.KYC)).to.equal(
          await kyc.issuer.getAddress(),
        );
        expect(await suite.identityRegistry.isVerified(accounts.alice.address)).to.equal(true);
      });

      it("refreshClaims moves that investor's cache to the second issuer and clears the others'", async () => {
        const { suite, accounts, kyc, kyc2, investors } = await loadFixture(withSecondKycProviderFixture);
        await suite.issuersRegistry.connect(accounts.owner).removeTrustedIssuer(kyc.issuer);
        const kyc2Address = await kyc2.issuer.getAddress();
        await expect(suite.identityRegistry.connect(accounts.outsider).refreshClaims(investors.alice.identity))
          .to.emit(suite.identityRegistry, "ClaimCacheUpdated")
          .withArgs(await investors.alice.identity.getAddress(), TOPICS.KYC, kyc2Address);
        expect(await suite.identityRegistry.cachedClaimIssuer(investors.alice.identity, TOPICS.KYC)).to.equal(
          kyc2Address,
        );
        expect(await suite.identityRegistry.isVerified(accounts.alice.address)).to.equal(true);

        await expect(suite.identityRegistry.refreshClaims(investors.bob.identity))
          .to.emit(suite.identityRegistry, "ClaimCacheUpdated")
          .withArgs(await investors.bob.identity.getAddress(), TOPICS.KYC, ethers.ZeroAddress);
        expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(false);
      });

      it("trusting it again restores its investors without any refresh", async () => {
        const { suite, accounts, kyc, investors } = await loadFixture(withSecondKycProviderFixture);
        const tir = suite.issuersRegistry.connect(accounts.owner);
        await tir.removeTrustedIssuer(kyc.issuer);
        await suite.identityRegistry.refreshClaims(investors.bob.identity); // even with bob's cache cleared
        await tir.addTrustedIssuer(kyc.issuer, [TOPICS.KYC]);
        expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(true);
        expect(await suite.identityRegistry.isVerified(accounts.charlie.address)).to.equal(true);
      });
    });

    describe("when the trusted issuer is removed from an issuers registry that no longer notifies the registry", () => {
      // Operational hazard (reported): trust is compiled, so a registry that is not a listener keeps the
      // old trust pairs until someone calls onRequirementsChanged (anyone may).
      it("cached claims keep verifying until anyone calls onRequirementsChanged", async () => {
        const { suite, accounts, kyc } = await loadFixture(deploySuiteFixture);
        const tir = suite.issuersRegistry.connect(accounts.owner);
        await tir.removeRequirementsListener(suite.identityRegistry);
        await tir.removeTrustedIssuer(kyc.issuer);
        expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(true);
        await suite.identityRegistry.connect(accounts.outsider).onRequirementsChanged();
        expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(false);
      });
    });

    describe("when the trusted issuer stays trusted but no longer for the topic", () => {
      it("its investors are unverified at once", async () => {
        const { suite, accounts, kyc } = await loadFixture(deploySuiteFixture);
        await suite.issuersRegistry.connect(accounts.owner).updateIssuerClaimTopics(kyc.issuer, [TOPICS.AML]);
        expect(await suite.issuersRegistry.isTrustedIssuer(kyc.issuer)).to.equal(true);
        expect(await suite.identityRegistry.isVerified(accounts.alice.address)).to.equal(false);
        expect(await suite.identityRegistry.hasValidClaim(accounts.alice.address, TOPICS.KYC)).to.equal(false);
      });
    });

    describe("when a required topic is added", () => {
      it("investors without that claim are unverified at once; holders stay verified without a refresh", async () => {
        const { suite, accounts } = await loadFixture(withAmlClaimFixture);
        await expect(suite.topicsRegistry.connect(accounts.owner).addClaimTopic(TOPICS.AML)).not.to.emit(
          suite.identityRegistry,
          "ClaimCacheUpdated",
        );
        expect(await suite.identityRegistry.isVerified(accounts.alice.address)).to.equal(true);
        expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(false);
        expect(await suite.identityRegistry.isVerified(accounts.charlie.address)).to.equal(false);
      });

      it("refreshClaims then caches the holder's claim for the new topic", async () => {
        const { suite, accounts, kyc, investors } = await loadFixture(withAmlClaimFixture);
        await suite.topicsRegistry.connect(accounts.owner).addClaimTopic(TOPICS.AML);
        await expect(suite.identityRegistry.refreshClaims(investors.alice.identity))
          .to.emit(suite.identityRegistry, "ClaimCacheUpdated")
          .withArgs(await investors.alice.identity.getAddress(), TOPICS.AML, await kyc.issuer.getAddress());
        expect(await suite.identityRegistry.isVerified(accounts.alice.address)).to.equal(true);
      });

      it("an investor who then stores the claim is verified without a refresh", async () => {
        const { suite, accounts, kyc, investors } = await loadFixture(withAmlClaimFixture);
        await suite.topicsRegistry.connect(accounts.owner).addClaimTopic(TOPICS.AML);
        await issueClaim({
          identity: investors.bob.identity,
          identityOwner: accounts.bob,
          issuer: kyc.issuer,
          issuerKey: kyc.key,
          topic: TOPICS.AML,
        });
        expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(true);
      });

      it("a topic no issuer is trusted for unverifies everyone", async () => {
        const { suite, accounts } = await loadFixture(withAmlClaimFixture);
        await suite.topicsRegistry.connect(accounts.owner).addClaimTopic(TOPICS.ADULT);
        expect(await suite.identityRegistry.isVerified(accounts.alice.address)).to.equal(false);
      });
    });

    describe("when a required topic is removed", () => {
      it("investors lacking only that claim are verified again", async () => {
        const { suite, accounts } = await loadFixture(withAmlClaimFixture);
        const ctr = suite.topicsRegistry.connect(accounts.owner);
        await ctr.addClaimTopic(TOPICS.AML);
        expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(false);
        await ctr.removeClaimTopic(TOPICS.AML);
        expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(true);
      });

      it("removing every topic verifies every registered wallet, but still no unregistered one", async () => {
        const { suite, accounts } = await loadFixture(withClaimlessDaveFixture);
        expect(await suite.identityRegistry.isVerified(accounts.dave.address)).to.equal(false);
        await suite.topicsRegistry.connect(accounts.owner).removeClaimTopic(TOPICS.KYC);
        expect(await suite.identityRegistry.isVerified(accounts.dave.address)).to.equal(true);
        expect(await suite.identityRegistry.isVerified(accounts.eve.address)).to.equal(false);
      });
    });

    describe("when the identity's owner removes the claim from the identity", () => {
      it("the cached claim keeps the wallet verified until refreshClaims (documented behaviour)", async () => {
        const { suite, accounts, kyc, investors } = await loadFixture(deploySuiteFixture);
        const { alice } = investors;
        await alice.identity.connect(alice.wallet).removeClaim(claimId(await kyc.issuer.getAddress(), TOPICS.KYC));
        expect((await alice.identity.getClaim(claimId(await kyc.issuer.getAddress(), TOPICS.KYC))).topic).to.equal(0n);
        expect(await suite.identityRegistry.isVerified(accounts.alice.address)).to.equal(true);
        // a registry without the cached claim refuses at once
        const second = await deployIdentityRegistry(
          accounts.owner,
          await suite.identityStorage.getAddress(),
          await suite.topicsRegistry.getAddress(),
          await suite.issuersRegistry.getAddress(),
        );
        expect(await second.isVerified(accounts.alice.address)).to.equal(false);
      });

      it("after refreshClaims the cache is cleared and the wallet is unverified", async () => {
        const { suite, accounts, kyc, investors } = await loadFixture(deploySuiteFixture);
        const { alice } = investors;
        await alice.identity.connect(alice.wallet).removeClaim(claimId(await kyc.issuer.getAddress(), TOPICS.KYC));
        await expect(suite.identityRegistry.refreshClaims(alice.identity))
          .to.emit(suite.identityRegistry, "ClaimCacheUpdated")
          .withArgs(await alice.identity.getAddress(), TOPICS.KYC, ethers.ZeroAddress);
        expect(await suite.identityRegistry.isVerified(accounts.alice.address)).to.equal(false);
      });
    });
  });

  describe(".isVerified() when an identity's cache covers the required topics", () => {
    /**
     * withEligibilityProviderFixture, then alice's cache rewritten so that her INDIVIDUAL entry comes first
     * and her KYC entry (the one required topic) second, both validated in the current generation: the
     * registry then judges her from the covered entry alone, without reading the topic list.
     */
    async function withRequiredEntrySecondFixture() {
      const context = await loadFixture(withEligibilityProviderFixture);
      const registry = context.suite.identityRegistry;
      const { alice } = context.investors;
      await registry.onRequirementsChanged(); // a new generation: both entries must be validated again
      await registry.refreshClaim(alice.identity, TOPICS.INDIVIDUAL); // [KYC (old), INDIVIDUAL]
      await expect(registry.refreshClaim(alice.identity, TOPICS.KYC)) // [INDIVIDUAL, KYC]
        .to.emit(registry, "ClaimCacheUpdated")
        .withArgs(await alice.identity.getAddress(), TOPICS.KYC, await context.kyc.issuer.getAddress());
      return context;
    }

    it("a revoked required claim in the second entry unverifies the wallet at once", async () => {
      const { suite, accounts, kyc, investors } = await loadFixture(withRequiredEntrySecondFixture);
      expect(await suite.identityRegistry.isVerified(accounts.alice.address)).to.equal(true);
      await kyc.issuer.connect(kyc.key).revokeClaimBySignature(await kycSignatureOf(investors.alice.identity, kyc));
      expect(await suite.identityRegistry.isVerified(accounts.alice.address)).to.equal(false);
    });

    it("a revoked claim for a topic that is not required (the first entry) changes nothing", async () => {
      const { suite, accounts, eligibility, individualSignature } = await loadFixture(withRequiredEntrySecondFixture);
      await eligibility.issuer.connect(eligibility.key).revokeClaimBySignature(individualSignature);
      expect(await suite.identityRegistry.hasValidClaim(accounts.alice.address, TOPICS.INDIVIDUAL)).to.equal(false);
      expect(await suite.identityRegistry.isVerified(accounts.alice.address)).to.equal(true);
    });

    it("a topic required after the cache was written is still demanded (the coverage is per generation)", async () => {
      const { suite, accounts } = await loadFixture(withRequiredEntrySecondFixture);
      await suite.topicsRegistry.connect(accounts.owner).addClaimTopic(TOPICS.INDIVIDUAL);
      // alice's INDIVIDUAL claim is from an issuer trusted for it; bob's is not
      expect(await suite.identityRegistry.isVerified(accounts.alice.address)).to.equal(true);
      expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(false);
    });

    it("a retired cache epoch sends the covered entry to the full search, which still finds the valid claim", async () => {
      const { suite, accounts } = await loadFixture(withRequiredEntrySecondFixture);
      await suite.identityRegistry.connect(accounts.owner).invalidateClaimCache();
      expect(await suite.identityRegistry.isVerified(accounts.alice.address)).to.equal(true);
    });
  });

  describe(".hasValidClaim()", () => {
    describe("for a topic that is not required", () => {
      it("is true for a claim from an issuer trusted for the topic, false otherwise", async () => {
        const { suite, accounts } = await loadFixture(withEligibilityProviderFixture);
        expect(await suite.identityRegistry.requiredClaimTopics()).to.deep.equal([TOPICS.KYC]);
        expect(await suite.identityRegistry.hasValidClaim(accounts.alice.address, TOPICS.INDIVIDUAL)).to.equal(true);
        // bob's INDIVIDUAL claim comes from an issuer trusted for KYC only
        expect(await suite.identityRegistry.hasValidClaim(accounts.bob.address, TOPICS.INDIVIDUAL)).to.equal(false);
        expect(await suite.identityRegistry.hasValidClaim(accounts.charlie.address, TOPICS.INDIVIDUAL)).to.equal(false);
        expect(await suite.identityRegistry.hasValidClaim(accounts.dave.address, TOPICS.INDIVIDUAL)).to.equal(false);
        expect(await suite.identityRegistry.hasValidClaim(accounts.alice.address, TOPICS.KYC)).to.equal(true);
        // verification does not depend on it
        expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(true);
      });

      it("refreshClaim caches it; refreshClaims (required topics only) does not", async () => {
        const { suite, eligibility, investors } = await loadFixture(withEligibilityProviderFixture);
        const { alice } = investors;
        await suite.identityRegistry.refreshClaims(alice.identity);
        expect(await suite.identityRegistry.cachedClaimIssuer(alice.identity, TOPICS.INDIVIDUAL)).to.equal(
          ethers.ZeroAddress,
        );
        await expect(suite.identityRegistry.refreshClaim(alice.identity, TOPICS.INDIVIDUAL))
          .to.emit(suite.identityRegistry, "ClaimCacheUpdated")
          .withArgs(await alice.identity.getAddress(), TOPICS.INDIVIDUAL, await eligibility.issuer.getAddress());
        expect(await suite.identityRegistry.cachedClaimIssuer(alice.identity, TOPICS.INDIVIDUAL)).to.equal(
          await eligibility.issuer.getAddress(),
        );
      });

      it("turns false at once when the cached claim is revoked", async () => {
        const { suite, accounts, eligibility, investors, individualSignature } =
          await loadFixture(withEligibilityProviderFixture);
        await suite.identityRegistry.refreshClaim(investors.alice.identity, TOPICS.INDIVIDUAL);
        await eligibility.issuer.connect(eligibility.key).revokeClaimBySignature(individualSignature);
        expect(await suite.identityRegistry.hasValidClaim(accounts.alice.address, TOPICS.INDIVIDUAL)).to.equal(false);
      });

      it("turns false at once when the issuer is no longer trusted for the topic", async () => {
        const { suite, accounts, eligibility, investors } = await loadFixture(withEligibilityProviderFixture);
        await suite.identityRegistry.refreshClaim(investors.alice.identity, TOPICS.INDIVIDUAL);
        await suite.issuersRegistry.connect(accounts.owner).updateIssuerClaimTopics(eligibility.issuer, [TOPICS.ADULT]);
        expect(await suite.identityRegistry.hasValidClaim(accounts.alice.address, TOPICS.INDIVIDUAL)).to.equal(false);
      });
    });
  });

  describe(".refreshClaims()", () => {
    describe("when nothing changed", () => {
      it("emits nothing (anyone may call it)", async () => {
        const { suite, accounts, investors } = await loadFixture(deploySuiteFixture);
        await expect(
          suite.identityRegistry.connect(accounts.outsider).refreshClaims(investors.alice.identity),
        ).not.to.emit(suite.identityRegistry, "ClaimCacheUpdated");
      });
    });

    describe("when only the requirements generation changed", () => {
      it("re-emits ClaimCacheUpdated with the same issuer once (the cache's generation stamp is renewed)", async () => {
        const { suite, kyc, investors } = await loadFixture(deploySuiteFixture);
        const { alice } = investors;
        await suite.identityRegistry.onRequirementsChanged();
        await expect(suite.identityRegistry.refreshClaims(alice.identity))
          .to.emit(suite.identityRegistry, "ClaimCacheUpdated")
          .withArgs(await alice.identity.getAddress(), TOPICS.KYC, await kyc.issuer.getAddress());
        await expect(suite.identityRegistry.refreshClaims(alice.identity)).not.to.emit(
          suite.identityRegistry,
          "ClaimCacheUpdated",
        );
      });
    });

    describe("when the cached claim was revoked", () => {
      it("clears the cache (ClaimCacheUpdated with zero issuer), then re-populates it after a new claim is issued", async () => {
        const { suite, accounts, kyc, investors } = await loadFixture(deploySuiteFixture);
        const { bob } = investors;
        const registry = suite.identityRegistry.connect(accounts.outsider);
        const bobIdentity = await bob.identity.getAddress();
        await kyc.issuer.connect(kyc.key).revokeClaimBySignature(await kycSignatureOf(bob.identity, kyc));

        await expect(registry.refreshClaims(bob.identity))
          .to.emit(registry, "ClaimCacheUpdated")
          .withArgs(bobIdentity, TOPICS.KYC, ethers.ZeroAddress);
        expect(await registry.cachedClaimIssuer(bob.identity, TOPICS.KYC)).to.equal(ethers.ZeroAddress);
        expect(await registry.isVerified(accounts.bob.address)).to.equal(false);
        await expect(registry.refreshClaims(bob.identity)).not.to.emit(registry, "ClaimCacheUpdated");

        await issueClaimWithData(bob.identity, bob.wallet, kyc, TOPICS.KYC, "0x02");
        await expect(registry.refreshClaims(bob.identity))
          .to.emit(registry, "ClaimCacheUpdated")
          .withArgs(bobIdentity, TOPICS.KYC, await kyc.issuer.getAddress());
        expect(await registry.cachedClaimIssuer(bob.identity, TOPICS.KYC)).to.equal(await kyc.issuer.getAddress());
        expect(await registry.isVerified(accounts.bob.address)).to.equal(true);
      });
    });

    describe("when the identity stored a new claim while the old one is still valid", () => {
      it("re-caches the new signature (same issuer): revoking the old one then no longer matters", async () => {
        const { suite, accounts, kyc, investors } = await loadFixture(deploySuiteFixture);
        const { bob } = investors;
        const oldSignature = await kycSignatureOf(bob.identity, kyc);
        await issueClaimWithData(bob.identity, bob.wallet, kyc, TOPICS.KYC, "0x03");
        await expect(suite.identityRegistry.refreshClaims(bob.identity))
          .to.emit(suite.identityRegistry, "ClaimCacheUpdated")
          .withArgs(await bob.identity.getAddress(), TOPICS.KYC, await kyc.issuer.getAddress());
        await kyc.issuer.connect(kyc.key).revokeClaimBySignature(oldSignature);
        expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(true);
        await kyc.issuer.connect(kyc.key).revokeClaimBySignature(await kycSignatureOf(bob.identity, kyc));
        expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(false);
      });
    });
  });

  describe(".onRequirementsChanged()", () => {
    it("may be called by anyone, bumps the generation and keeps cached claims usable", async () => {
      const { suite, accounts } = await loadFixture(deploySuiteFixture);
      const generation = await currentGeneration(suite.identityRegistry);
      await expect(suite.identityRegistry.connect(accounts.outsider).onRequirementsChanged())
        .to.emit(suite.identityRegistry, "RequirementsCompiled")
        .withArgs(generation + 1n, 1n, 1n);
      expect(await suite.identityRegistry.isVerified(accounts.alice.address)).to.equal(true);
    });
  });

  describe(".setIdentityRegistryStorage()", () => {
    describe("when the caller is not the owner", () => {
      it("reverts with AccessControlUnauthorizedAccount(caller, DEFAULT_ADMIN_ROLE)", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(
          suite.identityRegistry.connect(accounts.registrar).setIdentityRegistryStorage(accounts.outsider.address),
        )
          .to.be.revertedWithCustomError(suite.identityRegistry, "AccessControlUnauthorizedAccount")
          .withArgs(accounts.registrar.address, ethers.ZeroHash);
      });
    });

    describe("when the address is zero", () => {
      it("reverts with IdentityRegistryZeroAddress", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(
          suite.identityRegistry.connect(accounts.owner).setIdentityRegistryStorage(ethers.ZeroAddress),
        ).to.be.revertedWithCustomError(suite.identityRegistry, "IdentityRegistryZeroAddress");
      });
    });

    describe("when the address is a new storage", () => {
      it("switches to it and emits IdentityStorageSet, without recompiling", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        const { owner, alice } = accounts;
        const fresh = await deployIdentityStorage(owner);
        const freshAddress = await fresh.getAddress();
        await expect(suite.identityRegistry.connect(owner).setIdentityRegistryStorage(freshAddress))
          .to.emit(suite.identityRegistry, "IdentityStorageSet")
          .withArgs(freshAddress)
          .and.not.to.emit(suite.identityRegistry, "RequirementsCompiled");
        expect(await suite.identityRegistry.identityStorage()).to.equal(freshAddress);
        expect(await suite.identityRegistry.contains(alice.address)).to.equal(false);
        expect(await suite.identityRegistry.isVerified(alice.address)).to.equal(false);

        await suite.identityRegistry.connect(owner).setIdentityRegistryStorage(suite.identityStorage);
        expect(await suite.identityRegistry.isVerified(alice.address)).to.equal(true);
      });
    });
  });

  describe(".setClaimTopicsRegistry()", () => {
    describe("when the caller is not the owner", () => {
      it("reverts with AccessControlUnauthorizedAccount(caller, DEFAULT_ADMIN_ROLE)", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(
          suite.identityRegistry.connect(accounts.outsider).setClaimTopicsRegistry(accounts.outsider.address),
        )
          .to.be.revertedWithCustomError(suite.identityRegistry, "AccessControlUnauthorizedAccount")
          .withArgs(accounts.outsider.address, ethers.ZeroHash);
      });
    });

    describe("when the address is zero", () => {
      it("reverts with IdentityRegistryZeroAddress", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(
          suite.identityRegistry.connect(accounts.owner).setClaimTopicsRegistry(ethers.ZeroAddress),
        ).to.be.revertedWithCustomError(suite.identityRegistry, "IdentityRegistryZeroAddress");
      });
    });

    describe("when the address is a new topics registry", () => {
      it("switches to it, emits ClaimTopicsRegistrySet and recompiles with its topics", async () => {
        const { suite, accounts } = await loadFixture(withAmlClaimFixture);
        const { owner } = accounts;
        const ctr = await deployTopicsRegistry(owner);
        await ctr.addClaimTopic(TOPICS.AML);
        const ctrAddress = await ctr.getAddress();
        await expect(suite.identityRegistry.connect(owner).setClaimTopicsRegistry(ctrAddress))
          .to.be.revertedWithCustomError(suite.identityRegistry, "IdentityRegistryNotListening")
          .withArgs(ctrAddress);
        await ctr.addRequirementsListener(suite.identityRegistry);
        const generation = await currentGeneration(suite.identityRegistry);
        await expect(suite.identityRegistry.connect(owner).setClaimTopicsRegistry(ctrAddress))
          .to.emit(suite.identityRegistry, "ClaimTopicsRegistrySet")
          .withArgs(ctrAddress)
          .and.to.emit(suite.identityRegistry, "RequirementsCompiled")
          .withArgs(generation + 1n, 1n, 2n);
        expect(await suite.identityRegistry.topicsRegistry()).to.equal(ctrAddress);
        expect(await suite.identityRegistry.requiredClaimTopics()).to.deep.equal([TOPICS.AML]);
        expect(await suite.identityRegistry.isVerified(accounts.alice.address)).to.equal(true);
        expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(false);
      });
    });
  });

  describe(".setTrustedIssuersRegistry()", () => {
    describe("when the caller is not the owner", () => {
      it("reverts with AccessControlUnauthorizedAccount(caller, DEFAULT_ADMIN_ROLE)", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(
          suite.identityRegistry.connect(accounts.outsider).setTrustedIssuersRegistry(accounts.outsider.address),
        )
          .to.be.revertedWithCustomError(suite.identityRegistry, "AccessControlUnauthorizedAccount")
          .withArgs(accounts.outsider.address, ethers.ZeroHash);
      });
    });

    describe("when the address is zero", () => {
      it("reverts with IdentityRegistryZeroAddress", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(
          suite.identityRegistry.connect(accounts.owner).setTrustedIssuersRegistry(ethers.ZeroAddress),
        ).to.be.revertedWithCustomError(suite.identityRegistry, "IdentityRegistryZeroAddress");
      });
    });

    describe("when the address is a new issuers registry", () => {
      it("switches to it, emits TrustedIssuersRegistrySet and recompiles: cached claims of issuers it does not trust stop counting", async () => {
        const { suite, accounts, kyc } = await loadFixture(deploySuiteFixture);
        const { owner } = accounts;
        const tir = await deployIssuersRegistry(owner);
        const tirAddress = await tir.getAddress();
        await expect(suite.identityRegistry.connect(owner).setTrustedIssuersRegistry(tirAddress))
          .to.be.revertedWithCustomError(suite.identityRegistry, "IdentityRegistryNotListening")
          .withArgs(tirAddress);
        await tir.addRequirementsListener(suite.identityRegistry);
        const generation = await currentGeneration(suite.identityRegistry);
        await expect(suite.identityRegistry.connect(owner).setTrustedIssuersRegistry(tirAddress))
          .to.emit(suite.identityRegistry, "TrustedIssuersRegistrySet")
          .withArgs(tirAddress)
          .and.to.emit(suite.identityRegistry, "RequirementsCompiled")
          .withArgs(generation + 1n, 1n, 0n);
        expect(await suite.identityRegistry.issuersRegistry()).to.equal(tirAddress);
        expect(await suite.identityRegistry.isVerified(accounts.alice.address)).to.equal(false);

        await tir.addTrustedIssuer(kyc.issuer, [TOPICS.KYC]);
        expect(await suite.identityRegistry.isVerified(accounts.alice.address)).to.equal(true);
      });
    });
  });

  describe("requirement caps", () => {
    describe("when trust pairs would exceed MAX_TRUSTED_PAIRS (256)", () => {
      it("compiles exactly 256 pairs, and the addTrustedIssuer that goes over reverts with IdentityRegistryTrustedPairsLimitReached(256)", async () => {
        const { suite, accounts, kyc } = await loadFixture(deploySuiteFixture);
        const tir = suite.issuersRegistry.connect(accounts.owner);
        const issuers = dummyAddresses(18, "pairs");
        const fifteen = topicRange(15);
        // 1 (KYC provider) + 17 × 15 = 256
        for (const issuer of issuers.slice(0, 16)) await tir.addTrustedIssuer(issuer, fifteen);
        const generation = await currentGeneration(suite.identityRegistry);
        await expect(tir.addTrustedIssuer(issuers[16], fifteen))
          .to.emit(suite.identityRegistry, "RequirementsCompiled")
          .withArgs(generation + 1n, 1n, 256n);

        await expect(tir.addTrustedIssuer(issuers[17], fifteen))
          .to.be.revertedWithCustomError(suite.identityRegistry, "IdentityRegistryTrustedPairsLimitReached")
          .withArgs(256n);
        expect(await tir.isTrustedIssuer(issuers[17])).to.equal(false);
        // growing an existing issuer's topics is refused the same way
        await expect(tir.updateIssuerClaimTopics(kyc.issuer, [TOPICS.KYC, TOPICS.AML]))
          .to.be.revertedWithCustomError(suite.identityRegistry, "IdentityRegistryTrustedPairsLimitReached")
          .withArgs(256n);
        expect(await suite.identityRegistry.isVerified(accounts.alice.address)).to.equal(true);
      });
    });

    describe("when required topics would exceed MAX_REQUIRED_TOPICS (32)", () => {
      // kosai's ClaimTopicsRegistry caps at 15, so a raw-bytecode stand-in returns the topic list.
      it("compiles 32 topics and reverts with IdentityRegistryRequiredTopicsLimitReached(32) for 33", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        const { owner } = accounts;
        const thirtyTwo = [TOPICS.KYC, ...topicRange(31)];
        const stub32 = await deployConstantReturner(owner, encodeTopics(thirtyTwo));
        const stub33 = await deployConstantReturner(owner, encodeTopics(topicRange(33)));
        const factory = await ethers.getContractFactory("IdentityRegistry", owner);
        const deployWith = (topics: string) =>
          factory.deploy(owner.address, suite.identityStorage, topics, suite.issuersRegistry);
        await expect(deployWith(stub33))
          .to.be.revertedWithCustomError(suite.identityRegistry, "IdentityRegistryRequiredTopicsLimitReached")
          .withArgs(32n);
        const registry = await deployWith(stub32);
        expect(await registry.requiredClaimTopics()).to.deep.equal(thirtyTwo);
      });
    });
  });

  describe("gas", () => {
    const estimate = async (context: Awaited<ReturnType<typeof withBalancesFixture>>, to: string) =>
      context.token.connect(context.accounts.alice).transfer.estimateGas(to, 1n);

    it("a transfer to a recipient with a cached claim costs the same with 1 or 11 trusted KYC issuers", async () => {
      const context = await loadFixture(withBalancesFixture);
      const { suite, accounts } = context;
      // compile once so that both measurements look the trust pair up (stale cache generation)
      await suite.identityRegistry.onRequirementsChanged();
      const before = await estimate(context, accounts.bob.address);
      for (const issuer of dummyAddresses(10, "gas")) {
        await suite.issuersRegistry.connect(accounts.owner).addTrustedIssuer(issuer, [TOPICS.KYC]);
      }
      const after = await estimate(context, accounts.bob.address);
      expect(after > before ? after - before : before - after).to.be.lessThan(3000n);
    });

    it("while a recipient verified only by the full search pays for every extra issuer (contrast)", async () => {
      const context = await loadFixture(withSlowPathRecipientFixture);
      const { suite, accounts } = context;
      await suite.identityRegistry.onRequirementsChanged();
      const before = await estimate(context, accounts.dave.address);
      for (const issuer of dummyAddresses(10, "gas")) {
        await suite.issuersRegistry.connect(accounts.owner).addTrustedIssuer(issuer, [TOPICS.KYC]);
      }
      const after = await estimate(context, accounts.dave.address);
      expect(after - before).to.be.greaterThan(10_000n);
    });
  });
});

describe("IdentityRegistry claim cache (one data contract per identity)", () => {
  describe("when an identity has claims cached for several topics", () => {
    it("refreshing one topic rewrites that entry and keeps the others", async () => {
      const { suite, accounts, kyc, investors, amlSignature } = await loadFixture(withAmlClaimFixture);
      const alice = investors.alice.identity;
      const issuer = await kyc.issuer.getAddress();
      await suite.topicsRegistry.connect(accounts.owner).addClaimTopic(TOPICS.AML);
      await expect(suite.identityRegistry.refreshClaims(alice))
        .to.emit(suite.identityRegistry, "ClaimCacheUpdated")
        .withArgs(await alice.getAddress(), TOPICS.AML, issuer);
      expect(await suite.identityRegistry.cachedClaimIssuer(alice, TOPICS.KYC)).to.equal(issuer);
      expect(await suite.identityRegistry.cachedClaimIssuer(alice, TOPICS.AML)).to.equal(issuer);

      await kyc.issuer.connect(kyc.key).revokeClaimBySignature(amlSignature);
      expect(await suite.identityRegistry.isVerified(accounts.alice.address)).to.equal(false);
      await expect(suite.identityRegistry.refreshClaim(alice, TOPICS.AML))
        .to.emit(suite.identityRegistry, "ClaimCacheUpdated")
        .withArgs(await alice.getAddress(), TOPICS.AML, ethers.ZeroAddress);
      expect(await suite.identityRegistry.cachedClaimIssuer(alice, TOPICS.AML)).to.equal(ethers.ZeroAddress);
      expect(await suite.identityRegistry.cachedClaimIssuer(alice, TOPICS.KYC)).to.equal(issuer);
      expect(await suite.identityRegistry.hasValidClaim(accounts.alice.address, TOPICS.KYC)).to.equal(true);
    });

    it("a refresh that changes nothing writes nothing", async () => {
      const { suite, investors } = await loadFixture(deploySuiteFixture);
      await expect(suite.identityRegistry.refreshClaims(investors.alice.identity)).not.to.emit(
        suite.identityRegistry,
        "ClaimCacheUpdated",
      );
    });
  });

  describe("when an identity would cache more than MAX_CACHED_TOPICS (32) topics", () => {
    it("reverts with IdentityRegistryCachedTopicsLimitReached(32) and keeps the 32 cached", async () => {
      const { suite, accounts, kyc, investors } = await loadFixture(deploySuiteFixture);
      const owner = accounts.owner;
      const topics = Array.from({ length: 33 }, (_, i) => 1000n + BigInt(i));
      // three issuers of 11 topics each (an issuer may be trusted for at most 15)
      const signers = await ethers.getSigners();
      const providers = [];
      for (let k = 0; k < 3; k++) {
        const key = signers[16 + k];
        const issuer = await deployClaimIssuer(key);
        await suite.issuersRegistry.connect(owner).addTrustedIssuer(issuer, topics.slice(k * 11, k * 11 + 11));
        providers.push({ issuer, key });
      }
      const alice = investors.alice.identity;
      for (let i = 0; i < topics.length; i++) {
        const provider = providers[Math.floor(i / 11)];
        await issueClaim({
          identity: alice,
          identityOwner: accounts.alice,
          issuer: provider.issuer,
          issuerKey: provider.key,
          topic: topics[i],
        });
      }
      for (const topic of topics.slice(0, 31)) await suite.identityRegistry.refreshClaim(alice, topic);
      // KYC plus 31 topics = 32 entries; the 33rd distinct topic is refused
      await expect(suite.identityRegistry.refreshClaim(alice, topics[31]))
        .to.be.revertedWithCustomError(suite.identityRegistry, "IdentityRegistryCachedTopicsLimitReached")
        .withArgs(32n);
      expect(await suite.identityRegistry.cachedClaimIssuer(alice, topics[30])).to.equal(
        await providers[2].issuer.getAddress(),
      );
      expect(await suite.identityRegistry.cachedClaimIssuer(alice, TOPICS.KYC)).to.equal(await kyc.issuer.getAddress());
    });
  });
});

describe("IdentityRegistry required topics above 64 bits", () => {
  it("are kept unpacked and verified the same way; removing them packs the rest again", async () => {
    const { suite, accounts, kyc, investors } = await loadFixture(deploySuiteFixture);
    const hashedTopic = BigInt(ethers.keccak256(ethers.toUtf8Bytes("kosai.topic.SANCTIONS_SCREENED")));
    await suite.issuersRegistry.connect(accounts.owner).updateIssuerClaimTopics(kyc.issuer, [TOPICS.KYC, hashedTopic]);
    await issueClaim({
      identity: investors.alice.identity,
      identityOwner: accounts.alice,
      issuer: kyc.issuer,
      issuerKey: kyc.key,
      topic: hashedTopic,
    });
    await suite.topicsRegistry.connect(accounts.owner).addClaimTopic(hashedTopic);
    expect(await suite.identityRegistry.requiredClaimTopics()).to.deep.equal([TOPICS.KYC, hashedTopic]);
    expect(await suite.identityRegistry.isVerified(accounts.alice.address)).to.equal(true);
    expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(false);
    await suite.identityRegistry.refreshClaims(investors.alice.identity);
    expect(await suite.identityRegistry.cachedClaimIssuer(investors.alice.identity, hashedTopic)).to.equal(
      await kyc.issuer.getAddress(),
    );
    await suite.topicsRegistry.connect(accounts.owner).removeClaimTopic(hashedTopic);
    expect(await suite.identityRegistry.requiredClaimTopics()).to.deep.equal([TOPICS.KYC]);
    expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(true);
  });
});

describe("IdentityRegistry with a misbehaving trusted issuer", () => {
  async function withMisbehavingIssuerFixture() {
    const context = await loadFixture(deploySuiteFixture);
    const { suite, accounts, investors } = context;
    const issuer = await (await ethers.getContractFactory("MisbehavingClaimIssuerMock")).deploy();
    await suite.issuersRegistry.connect(accounts.owner).addTrustedIssuer(issuer, [TOPICS.AML]);
    await suite.topicsRegistry.connect(accounts.owner).addClaimTopic(TOPICS.AML);
    const signature = ethers.hexlify(ethers.randomBytes(65));
    await investors.alice.identity
      .connect(accounts.alice)
      .addClaim(TOPICS.AML, ECDSA_SCHEME, await issuer.getAddress(), signature, "0x", "");
    await suite.identityRegistry.refreshClaims(investors.alice.identity);
    return { ...context, issuer };
  }

  it("is answered from the cache while the issuer behaves", async () => {
    const { suite, accounts, issuer, investors } = await loadFixture(withMisbehavingIssuerFixture);
    expect(await suite.identityRegistry.cachedClaimIssuer(investors.alice.identity, TOPICS.AML)).to.equal(
      await issuer.getAddress(),
    );
    expect(await suite.identityRegistry.isVerified(accounts.alice.address)).to.equal(true);
  });

  for (const [mode, label] of [
    [1n, "reverts"],
    [2n, "answers a word that is not a boolean"],
  ] as const) {
    it(`treats the claim as not valid when the issuer ${label} (no revert, no trust)`, async () => {
      const { suite, accounts, issuer, token } = await loadFixture(withMisbehavingIssuerFixture);
      await issuer.setMode(mode);
      expect(await suite.identityRegistry.isVerified(accounts.alice.address)).to.equal(false);
      await expect(token.connect(accounts.agent).mint(accounts.alice.address, 1n))
        .to.be.revertedWithCustomError(token, "TokenRecipientNotVerified")
        .withArgs(accounts.alice.address);
    });
  }
});

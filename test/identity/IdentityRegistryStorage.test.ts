import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deploySuiteFixture } from "../fixtures/suite.fixture";
import { COUNTRY, ROLES } from "../../scripts/lib/constants";
import { deployIdentity } from "../../scripts/lib/onchainid";
import {
  deployIdentityRegistry,
  deployIdentityStorage,
  dummyAddresses,
  spareSigners,
} from "../helpers/identity-fixtures";

/**
 * A fresh storage owned by `owner` with one EOA (`writer`) bound as if it were an identity registry, so the
 * storage's own rules are tested without a registry in between; `stored` is already written by it.
 */
async function storageFixture() {
  const [owner, , , , alice, bob, , dave, , outsider] = await ethers.getSigners();
  const { writer } = await spareSigners();
  const identityStorage = await deployIdentityStorage(owner);
  await identityStorage.bindIdentityRegistry(writer.address);
  const aliceIdentity = await deployIdentity(alice);
  const bobIdentity = await deployIdentity(bob);
  await identityStorage.connect(writer).addIdentityToStorage(alice.address, aliceIdentity, COUNTRY.JP);
  return { identityStorage, owner, writer, alice, bob, dave, outsider, aliceIdentity, bobIdentity };
}

/** The suite plus a second identity registry bound to the same storage (and to the same topics and issuers). */
async function twoRegistriesFixture() {
  const context = await loadFixture(deploySuiteFixture);
  const { owner, registrar } = context.accounts;
  const { suite } = context;
  const second = await deployIdentityRegistry(
    owner,
    await suite.identityStorage.getAddress(),
    await suite.topicsRegistry.getAddress(),
    await suite.issuersRegistry.getAddress(),
  );
  await suite.identityStorage.connect(owner).bindIdentityRegistry(second);
  await second.connect(owner).grantRole(ROLES.REGISTRAR_AGENT, registrar.address);
  return { ...context, second };
}

describe("IdentityRegistryStorage", () => {
  describe("constants", () => {
    it("caps bound registries at 50", async () => {
      const { identityStorage } = await loadFixture(storageFixture);
      expect(await identityStorage.MAX_BOUND_REGISTRIES()).to.equal(50n);
    });
  });

  describe(".addIdentityToStorage()", () => {
    describe("when the caller is not a bound registry", () => {
      it("reverts with IdentityStorageCallerNotBoundRegistry(caller)", async () => {
        const { identityStorage, outsider, bob, bobIdentity } = await loadFixture(storageFixture);
        await expect(identityStorage.connect(outsider).addIdentityToStorage(bob.address, bobIdentity, COUNTRY.JP))
          .to.be.revertedWithCustomError(identityStorage, "IdentityStorageCallerNotBoundRegistry")
          .withArgs(outsider.address);
      });

      it("refuses even the owner", async () => {
        const { identityStorage, owner, bob, bobIdentity } = await loadFixture(storageFixture);
        await expect(identityStorage.connect(owner).addIdentityToStorage(bob.address, bobIdentity, COUNTRY.JP))
          .to.be.revertedWithCustomError(identityStorage, "IdentityStorageCallerNotBoundRegistry")
          .withArgs(owner.address);
      });
    });

    describe("when the wallet is new", () => {
      it("stores wallet, identity and country and emits IdentityStored and CountryModified", async () => {
        const { identityStorage, writer, bob, bobIdentity } = await loadFixture(storageFixture);
        const bobIdentityAddress = await bobIdentity.getAddress();
        await expect(identityStorage.connect(writer).addIdentityToStorage(bob.address, bobIdentity, COUNTRY.US))
          .to.emit(identityStorage, "IdentityStored")
          .withArgs(bob.address, bobIdentityAddress)
          .and.to.emit(identityStorage, "CountryModified")
          .withArgs(bob.address, COUNTRY.US);
        expect(await identityStorage.storedIdentity(bob.address)).to.equal(bobIdentityAddress);
        expect(await identityStorage.storedInvestorCountry(bob.address)).to.equal(COUNTRY.US);
      });
    });

    describe("when the wallet or identity is zero", () => {
      it("reverts with IdentityStorageZeroAddress", async () => {
        const { identityStorage, writer, bob, bobIdentity } = await loadFixture(storageFixture);
        await expect(
          identityStorage.connect(writer).addIdentityToStorage(ethers.ZeroAddress, bobIdentity, COUNTRY.JP),
        ).to.be.revertedWithCustomError(identityStorage, "IdentityStorageZeroAddress");
        await expect(
          identityStorage.connect(writer).addIdentityToStorage(bob.address, ethers.ZeroAddress, COUNTRY.JP),
        ).to.be.revertedWithCustomError(identityStorage, "IdentityStorageZeroAddress");
      });
    });

    describe("when the wallet is already stored", () => {
      it("reverts with IdentityStorageWalletAlreadyStored(wallet) and keeps the stored values", async () => {
        const { identityStorage, writer, alice, aliceIdentity, bobIdentity } = await loadFixture(storageFixture);
        await expect(identityStorage.connect(writer).addIdentityToStorage(alice.address, bobIdentity, COUNTRY.US))
          .to.be.revertedWithCustomError(identityStorage, "IdentityStorageWalletAlreadyStored")
          .withArgs(alice.address);
        expect(await identityStorage.storedInvestor(alice.address)).to.deep.equal([
          await aliceIdentity.getAddress(),
          BigInt(COUNTRY.JP),
        ]);
      });
    });
  });

  describe(".removeIdentityFromStorage()", () => {
    describe("when the caller is not a bound registry", () => {
      it("reverts with IdentityStorageCallerNotBoundRegistry(caller)", async () => {
        const { identityStorage, outsider, alice } = await loadFixture(storageFixture);
        await expect(identityStorage.connect(outsider).removeIdentityFromStorage(alice.address))
          .to.be.revertedWithCustomError(identityStorage, "IdentityStorageCallerNotBoundRegistry")
          .withArgs(outsider.address);
      });
    });

    describe("when the wallet is stored", () => {
      it("removes wallet, identity and country and emits IdentityUnstored", async () => {
        const { identityStorage, writer, alice, aliceIdentity } = await loadFixture(storageFixture);
        await expect(identityStorage.connect(writer).removeIdentityFromStorage(alice.address))
          .to.emit(identityStorage, "IdentityUnstored")
          .withArgs(alice.address, await aliceIdentity.getAddress());
        expect(await identityStorage.storedInvestor(alice.address)).to.deep.equal([ethers.ZeroAddress, 0n]);
      });

      it("lets the wallet be stored again afterwards", async () => {
        const { identityStorage, writer, alice, bobIdentity } = await loadFixture(storageFixture);
        await identityStorage.connect(writer).removeIdentityFromStorage(alice.address);
        await expect(identityStorage.connect(writer).addIdentityToStorage(alice.address, bobIdentity, COUNTRY.SG))
          .to.emit(identityStorage, "IdentityStored")
          .withArgs(alice.address, await bobIdentity.getAddress());
      });
    });

    describe("when the wallet is not stored", () => {
      it("reverts with IdentityStorageWalletNotStored(wallet)", async () => {
        const { identityStorage, writer, bob } = await loadFixture(storageFixture);
        await expect(identityStorage.connect(writer).removeIdentityFromStorage(bob.address))
          .to.be.revertedWithCustomError(identityStorage, "IdentityStorageWalletNotStored")
          .withArgs(bob.address);
      });
    });
  });

  describe(".modifyStoredInvestorCountry()", () => {
    describe("when the caller is not a bound registry", () => {
      it("reverts with IdentityStorageCallerNotBoundRegistry(caller)", async () => {
        const { identityStorage, outsider, alice } = await loadFixture(storageFixture);
        await expect(identityStorage.connect(outsider).modifyStoredInvestorCountry(alice.address, COUNTRY.US))
          .to.be.revertedWithCustomError(identityStorage, "IdentityStorageCallerNotBoundRegistry")
          .withArgs(outsider.address);
      });
    });

    describe("when the wallet is stored", () => {
      it("changes the country only and emits CountryModified", async () => {
        const { identityStorage, writer, alice, aliceIdentity } = await loadFixture(storageFixture);
        await expect(identityStorage.connect(writer).modifyStoredInvestorCountry(alice.address, COUNTRY.GB))
          .to.emit(identityStorage, "CountryModified")
          .withArgs(alice.address, COUNTRY.GB);
        expect(await identityStorage.storedInvestor(alice.address)).to.deep.equal([
          await aliceIdentity.getAddress(),
          BigInt(COUNTRY.GB),
        ]);
      });
    });

    describe("when the wallet is not stored", () => {
      it("reverts with IdentityStorageWalletNotStored(wallet)", async () => {
        const { identityStorage, writer, bob } = await loadFixture(storageFixture);
        await expect(identityStorage.connect(writer).modifyStoredInvestorCountry(bob.address, COUNTRY.GB))
          .to.be.revertedWithCustomError(identityStorage, "IdentityStorageWalletNotStored")
          .withArgs(bob.address);
      });
    });
  });

  describe(".modifyStoredIdentity()", () => {
    describe("when the caller is not a bound registry", () => {
      it("reverts with IdentityStorageCallerNotBoundRegistry(caller)", async () => {
        const { identityStorage, outsider, alice, bobIdentity } = await loadFixture(storageFixture);
        await expect(identityStorage.connect(outsider).modifyStoredIdentity(alice.address, bobIdentity))
          .to.be.revertedWithCustomError(identityStorage, "IdentityStorageCallerNotBoundRegistry")
          .withArgs(outsider.address);
      });
    });

    describe("when the wallet is stored", () => {
      it("changes the identity only and emits IdentityModified(old, new)", async () => {
        const { identityStorage, writer, alice, aliceIdentity, bobIdentity } = await loadFixture(storageFixture);
        await expect(identityStorage.connect(writer).modifyStoredIdentity(alice.address, bobIdentity))
          .to.emit(identityStorage, "IdentityModified")
          .withArgs(await aliceIdentity.getAddress(), await bobIdentity.getAddress());
        expect(await identityStorage.storedInvestor(alice.address)).to.deep.equal([
          await bobIdentity.getAddress(),
          BigInt(COUNTRY.JP),
        ]);
      });
    });

    describe("when the new identity is zero", () => {
      it("reverts with IdentityStorageZeroAddress", async () => {
        const { identityStorage, writer, alice } = await loadFixture(storageFixture);
        await expect(
          identityStorage.connect(writer).modifyStoredIdentity(alice.address, ethers.ZeroAddress),
        ).to.be.revertedWithCustomError(identityStorage, "IdentityStorageZeroAddress");
      });
    });

    describe("when the wallet is not stored", () => {
      it("reverts with IdentityStorageWalletNotStored(wallet)", async () => {
        const { identityStorage, writer, bob, bobIdentity } = await loadFixture(storageFixture);
        await expect(identityStorage.connect(writer).modifyStoredIdentity(bob.address, bobIdentity))
          .to.be.revertedWithCustomError(identityStorage, "IdentityStorageWalletNotStored")
          .withArgs(bob.address);
      });
    });
  });

  describe(".storedInvestor()", () => {
    it("returns identity and country in one call, zero values for an unknown wallet", async () => {
      const { identityStorage, alice, aliceIdentity, dave } = await loadFixture(storageFixture);
      const [identity, country] = await identityStorage.storedInvestor(alice.address);
      expect(identity).to.equal(await aliceIdentity.getAddress());
      expect(country).to.equal(BigInt(COUNTRY.JP));
      expect(await identityStorage.storedInvestor(dave.address)).to.deep.equal([ethers.ZeroAddress, 0n]);
      expect(await identityStorage.storedIdentity(dave.address)).to.equal(ethers.ZeroAddress);
      expect(await identityStorage.storedInvestorCountry(dave.address)).to.equal(0n);
    });
  });

  describe(".bindIdentityRegistry()", () => {
    describe("when the caller is not the owner", () => {
      it("reverts with AccessControlUnauthorizedAccount(caller, DEFAULT_ADMIN_ROLE)", async () => {
        const { identityStorage, outsider, writer } = await loadFixture(storageFixture);
        await expect(identityStorage.connect(outsider).bindIdentityRegistry(outsider.address))
          .to.be.revertedWithCustomError(identityStorage, "AccessControlUnauthorizedAccount")
          .withArgs(outsider.address, ethers.ZeroHash);
        // a bound registry cannot bind others either
        await expect(identityStorage.connect(writer).bindIdentityRegistry(outsider.address))
          .to.be.revertedWithCustomError(identityStorage, "AccessControlUnauthorizedAccount")
          .withArgs(writer.address, ethers.ZeroHash);
      });
    });

    describe("when the registry is new", () => {
      it("binds it, lists it and emits IdentityRegistryBound; it may then write", async () => {
        const { identityStorage, owner, writer, outsider, bob, bobIdentity } = await loadFixture(storageFixture);
        await expect(identityStorage.connect(owner).bindIdentityRegistry(outsider.address))
          .to.emit(identityStorage, "IdentityRegistryBound")
          .withArgs(outsider.address);
        expect(await identityStorage.linkedIdentityRegistries()).to.deep.equal([writer.address, outsider.address]);
        await expect(identityStorage.connect(outsider).addIdentityToStorage(bob.address, bobIdentity, COUNTRY.JP))
          .to.emit(identityStorage, "IdentityStored")
          .withArgs(bob.address, await bobIdentity.getAddress());
      });
    });

    describe("when the registry is zero", () => {
      it("reverts with IdentityStorageZeroAddress", async () => {
        const { identityStorage, owner } = await loadFixture(storageFixture);
        await expect(
          identityStorage.connect(owner).bindIdentityRegistry(ethers.ZeroAddress),
        ).to.be.revertedWithCustomError(identityStorage, "IdentityStorageZeroAddress");
      });
    });

    describe("when the registry is already bound", () => {
      it("reverts with IdentityStorageRegistryAlreadyBound(registry)", async () => {
        const { identityStorage, owner, writer } = await loadFixture(storageFixture);
        await expect(identityStorage.connect(owner).bindIdentityRegistry(writer.address))
          .to.be.revertedWithCustomError(identityStorage, "IdentityStorageRegistryAlreadyBound")
          .withArgs(writer.address);
      });
    });

    describe("when 50 registries are bound", () => {
      it("accepts the 50th and reverts the 51st with IdentityStorageRegistriesLimitReached(50)", async () => {
        const { identityStorage, owner } = await loadFixture(storageFixture);
        const [last, ...others] = dummyAddresses(50, "storage-cap");
        for (const registry of others.slice(0, 49)) await identityStorage.connect(owner).bindIdentityRegistry(registry);
        expect(await identityStorage.linkedIdentityRegistries()).to.have.lengthOf(50);
        await expect(identityStorage.connect(owner).bindIdentityRegistry(last))
          .to.be.revertedWithCustomError(identityStorage, "IdentityStorageRegistriesLimitReached")
          .withArgs(50n);
        // unbinding one frees a place
        await identityStorage.connect(owner).unbindIdentityRegistry(others[0]);
        await expect(identityStorage.connect(owner).bindIdentityRegistry(last))
          .to.emit(identityStorage, "IdentityRegistryBound")
          .withArgs(last);
      });
    });
  });

  describe(".unbindIdentityRegistry()", () => {
    describe("when the caller is not the owner", () => {
      it("reverts with AccessControlUnauthorizedAccount(caller, DEFAULT_ADMIN_ROLE)", async () => {
        const { identityStorage, outsider, writer } = await loadFixture(storageFixture);
        await expect(identityStorage.connect(outsider).unbindIdentityRegistry(writer.address))
          .to.be.revertedWithCustomError(identityStorage, "AccessControlUnauthorizedAccount")
          .withArgs(outsider.address, ethers.ZeroHash);
      });
    });

    describe("when the registry is bound", () => {
      it("unbinds it, emits IdentityRegistryUnbound and its writes revert afterwards", async () => {
        const { identityStorage, owner, writer, outsider, alice, bob, bobIdentity } = await loadFixture(storageFixture);
        await identityStorage.connect(owner).bindIdentityRegistry(outsider.address);
        await expect(identityStorage.connect(owner).unbindIdentityRegistry(writer.address))
          .to.emit(identityStorage, "IdentityRegistryUnbound")
          .withArgs(writer.address);
        expect(await identityStorage.linkedIdentityRegistries()).to.deep.equal([outsider.address]);
        await expect(identityStorage.connect(writer).addIdentityToStorage(bob.address, bobIdentity, COUNTRY.JP))
          .to.be.revertedWithCustomError(identityStorage, "IdentityStorageCallerNotBoundRegistry")
          .withArgs(writer.address);
        await expect(identityStorage.connect(writer).removeIdentityFromStorage(alice.address))
          .to.be.revertedWithCustomError(identityStorage, "IdentityStorageCallerNotBoundRegistry")
          .withArgs(writer.address);
      });

      it("stops the suite's identity registry from registering", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        const { owner, registrar, dave } = accounts;
        const daveIdentity = await deployIdentity(dave);
        await suite.identityStorage.connect(owner).unbindIdentityRegistry(suite.identityRegistry);
        await expect(suite.identityRegistry.connect(registrar).registerIdentity(dave.address, daveIdentity, COUNTRY.JP))
          .to.be.revertedWithCustomError(suite.identityStorage, "IdentityStorageCallerNotBoundRegistry")
          .withArgs(await suite.identityRegistry.getAddress());
      });
    });

    describe("when the registry is not bound", () => {
      it("reverts with IdentityStorageRegistryNotBound(registry)", async () => {
        const { identityStorage, owner, outsider } = await loadFixture(storageFixture);
        await expect(identityStorage.connect(owner).unbindIdentityRegistry(outsider.address))
          .to.be.revertedWithCustomError(identityStorage, "IdentityStorageRegistryNotBound")
          .withArgs(outsider.address);
      });
    });
  });

  describe("when two identity registries share the storage", () => {
    it("a wallet registered through one is visible, with its country, through the other", async () => {
      const { suite, accounts, second } = await loadFixture(twoRegistriesFixture);
      const { registrar, dave } = accounts;
      const daveIdentity = await deployIdentity(dave);
      await expect(second.connect(registrar).registerIdentity(dave.address, daveIdentity, COUNTRY.SG))
        .to.emit(suite.identityStorage, "IdentityStored")
        .withArgs(dave.address, await daveIdentity.getAddress());
      expect(await suite.identityRegistry.contains(dave.address)).to.equal(true);
      expect(await suite.identityRegistry.identity(dave.address)).to.equal(await daveIdentity.getAddress());
      expect(await suite.identityRegistry.investorCountry(dave.address)).to.equal(BigInt(COUNTRY.SG));
    });

    it("an investor onboarded through the first is verified by the second (which has no cached claim)", async () => {
      const { suite, accounts, investors, second } = await loadFixture(twoRegistriesFixture);
      expect(await second.cachedClaimIssuer(investors.alice.identity, 1n)).to.equal(ethers.ZeroAddress);
      expect(await second.isVerified(accounts.alice.address)).to.equal(true);
      expect(await second.identity(accounts.alice.address)).to.equal(await suite.identityRegistry.identity(accounts.alice.address));
    });

    it("a country change or removal through one is seen by the other", async () => {
      const { suite, accounts, second } = await loadFixture(twoRegistriesFixture);
      const { registrar, alice, bob } = accounts;
      await second.connect(registrar).updateCountry(alice.address, COUNTRY.GB);
      expect(await suite.identityRegistry.investorCountry(alice.address)).to.equal(BigInt(COUNTRY.GB));
      await second.connect(registrar).deleteIdentity(bob.address);
      expect(await suite.identityRegistry.contains(bob.address)).to.equal(false);
      expect(await suite.identityRegistry.isVerified(bob.address)).to.equal(false);
    });

    it("a wallet registered through one cannot be registered again through the other", async () => {
      const { suite, accounts, second } = await loadFixture(twoRegistriesFixture);
      const { registrar, alice } = accounts;
      const other = await deployIdentity(alice);
      await expect(second.connect(registrar).registerIdentity(alice.address, other, COUNTRY.US))
        .to.be.revertedWithCustomError(suite.identityStorage, "IdentityStorageWalletAlreadyStored")
        .withArgs(alice.address);
    });
  });
});

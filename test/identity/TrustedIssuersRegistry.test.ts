import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deploySuiteFixture } from "../fixtures/suite.fixture";
import { TOPICS } from "../../scripts/lib/constants";
import { deployClaimIssuer } from "../../scripts/lib/onchainid";
import {
  currentGeneration,
  deployIdentityRegistry,
  dummyAddresses,
  spareSigners,
  topicRange,
} from "../helpers/identity-fixtures";

/** Base scenario plus a second, not yet trusted, ClaimIssuer. */
async function withCandidateIssuerFixture() {
  const context = await loadFixture(deploySuiteFixture);
  const { newIssuerKey } = await spareSigners();
  const candidate = await deployClaimIssuer(newIssuerKey);
  return { ...context, candidate, candidateAddress: await candidate.getAddress() };
}

describe("TrustedIssuersRegistry", () => {
  describe("constants", () => {
    it("caps trusted issuers at 50 and topics per issuer at 15", async () => {
      const { suite } = await loadFixture(deploySuiteFixture);
      expect(await suite.issuersRegistry.MAX_TRUSTED_ISSUERS()).to.equal(50n);
      expect(await suite.issuersRegistry.MAX_TOPICS_PER_ISSUER()).to.equal(15n);
    });
  });

  describe("views in the base scenario", () => {
    it("report the KYC provider as trusted for KYC only", async () => {
      const { suite, kyc } = await loadFixture(deploySuiteFixture);
      const tir = suite.issuersRegistry;
      const kycAddress = await kyc.issuer.getAddress();
      expect(await tir.getTrustedIssuers()).to.deep.equal([kycAddress]);
      expect(await tir.getTrustedIssuersForClaimTopic(TOPICS.KYC)).to.deep.equal([kycAddress]);
      expect(await tir.getTrustedIssuersForClaimTopic(TOPICS.AML)).to.deep.equal([]);
      expect(await tir.isTrustedIssuer(kycAddress)).to.equal(true);
      expect(await tir.getTrustedIssuerClaimTopics(kycAddress)).to.deep.equal([TOPICS.KYC]);
      expect(await tir.hasClaimTopic(kycAddress, TOPICS.KYC)).to.equal(true);
      expect(await tir.hasClaimTopic(kycAddress, TOPICS.AML)).to.equal(false);
    });

    it("report an unknown address as untrusted, and getTrustedIssuerClaimTopics reverts for it", async () => {
      const { suite, accounts } = await loadFixture(deploySuiteFixture);
      const tir = suite.issuersRegistry;
      expect(await tir.isTrustedIssuer(accounts.outsider.address)).to.equal(false);
      expect(await tir.hasClaimTopic(accounts.outsider.address, TOPICS.KYC)).to.equal(false);
      await expect(tir.getTrustedIssuerClaimTopics(accounts.outsider.address))
        .to.be.revertedWithCustomError(tir, "TrustedIssuerNotTrusted")
        .withArgs(accounts.outsider.address);
    });
  });

  describe(".addTrustedIssuer()", () => {
    describe("when the caller is not the owner", () => {
      it("reverts with AccessControlUnauthorizedAccount(caller, DEFAULT_ADMIN_ROLE)", async () => {
        const { suite, accounts, candidate } = await loadFixture(withCandidateIssuerFixture);
        await expect(suite.issuersRegistry.connect(accounts.outsider).addTrustedIssuer(candidate, [TOPICS.KYC]))
          .to.be.revertedWithCustomError(suite.issuersRegistry, "AccessControlUnauthorizedAccount")
          .withArgs(accounts.outsider.address, ethers.ZeroHash);
      });
    });

    describe("when the issuer is new and the topics are valid", () => {
      it("trusts it, emits TrustedIssuerAdded and updates every view", async () => {
        const { suite, accounts, candidate, candidateAddress, kyc } = await loadFixture(withCandidateIssuerFixture);
        const tir = suite.issuersRegistry.connect(accounts.owner);
        const topics = [TOPICS.KYC, TOPICS.AML, TOPICS.INDIVIDUAL];
        await expect(tir.addTrustedIssuer(candidate, topics))
          .to.emit(tir, "TrustedIssuerAdded")
          .withArgs(candidateAddress, topics);
        const kycAddress = await kyc.issuer.getAddress();
        expect(await tir.getTrustedIssuers()).to.deep.equal([kycAddress, candidateAddress]);
        expect(await tir.getTrustedIssuersForClaimTopic(TOPICS.KYC)).to.deep.equal([kycAddress, candidateAddress]);
        expect(await tir.getTrustedIssuersForClaimTopic(TOPICS.AML)).to.deep.equal([candidateAddress]);
        expect(await tir.getTrustedIssuersForClaimTopic(TOPICS.INDIVIDUAL)).to.deep.equal([candidateAddress]);
        expect(await tir.isTrustedIssuer(candidateAddress)).to.equal(true);
        expect(await tir.getTrustedIssuerClaimTopics(candidateAddress)).to.deep.equal(topics);
        expect(await tir.hasClaimTopic(candidateAddress, TOPICS.AML)).to.equal(true);
        expect(await tir.hasClaimTopic(candidateAddress, TOPICS.ADULT)).to.equal(false);
      });

      it("notifies the listening identity registry, which compiles the new trust pairs", async () => {
        const { suite, accounts, candidate } = await loadFixture(withCandidateIssuerFixture);
        const generation = await currentGeneration(suite.identityRegistry);
        await expect(
          suite.issuersRegistry.connect(accounts.owner).addTrustedIssuer(candidate, [TOPICS.KYC, TOPICS.AML, TOPICS.INDIVIDUAL]),
        )
          .to.emit(suite.identityRegistry, "RequirementsCompiled")
          .withArgs(generation + 1n, 1n, 4n);
      });

      it("accepts exactly 15 topics", async () => {
        const { suite, accounts, candidate, candidateAddress } = await loadFixture(withCandidateIssuerFixture);
        const topics = topicRange(15);
        await suite.issuersRegistry.connect(accounts.owner).addTrustedIssuer(candidate, topics);
        expect(await suite.issuersRegistry.getTrustedIssuerClaimTopics(candidateAddress)).to.deep.equal(topics);
      });
    });

    describe("when the issuer is the zero address", () => {
      it("reverts with TrustedIssuerZeroAddress", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(
          suite.issuersRegistry.connect(accounts.owner).addTrustedIssuer(ethers.ZeroAddress, [TOPICS.KYC]),
        ).to.be.revertedWithCustomError(suite.issuersRegistry, "TrustedIssuerZeroAddress");
      });
    });

    describe("when the issuer is already trusted", () => {
      it("reverts with TrustedIssuerAlreadyTrusted(issuer)", async () => {
        const { suite, accounts, kyc } = await loadFixture(deploySuiteFixture);
        await expect(suite.issuersRegistry.connect(accounts.owner).addTrustedIssuer(kyc.issuer, [TOPICS.AML]))
          .to.be.revertedWithCustomError(suite.issuersRegistry, "TrustedIssuerAlreadyTrusted")
          .withArgs(await kyc.issuer.getAddress());
      });
    });

    describe("when the topic list is empty", () => {
      it("reverts with TrustedIssuerNoClaimTopics", async () => {
        const { suite, accounts, candidate } = await loadFixture(withCandidateIssuerFixture);
        await expect(
          suite.issuersRegistry.connect(accounts.owner).addTrustedIssuer(candidate, []),
        ).to.be.revertedWithCustomError(suite.issuersRegistry, "TrustedIssuerNoClaimTopics");
      });
    });

    describe("when the topic list has 16 topics", () => {
      it("reverts with TrustedIssuerClaimTopicsLimitReached(15)", async () => {
        const { suite, accounts, candidate } = await loadFixture(withCandidateIssuerFixture);
        await expect(suite.issuersRegistry.connect(accounts.owner).addTrustedIssuer(candidate, topicRange(16)))
          .to.be.revertedWithCustomError(suite.issuersRegistry, "TrustedIssuerClaimTopicsLimitReached")
          .withArgs(15n);
      });
    });

    describe("when a topic appears twice", () => {
      it("reverts with TrustedIssuerDuplicateClaimTopic(topic)", async () => {
        const { suite, accounts, candidate, candidateAddress } = await loadFixture(withCandidateIssuerFixture);
        await expect(
          suite.issuersRegistry.connect(accounts.owner).addTrustedIssuer(candidate, [TOPICS.KYC, TOPICS.AML, TOPICS.KYC]),
        )
          .to.be.revertedWithCustomError(suite.issuersRegistry, "TrustedIssuerDuplicateClaimTopic")
          .withArgs(TOPICS.KYC);
        expect(await suite.issuersRegistry.isTrustedIssuer(candidateAddress)).to.equal(false);
      });
    });

    describe("when 50 issuers are already trusted", () => {
      it("accepts the 50th and reverts the 51st with TrustedIssuersLimitReached(50)", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        const tir = suite.issuersRegistry.connect(accounts.owner);
        const [last, ...others] = dummyAddresses(50, "tir-cap");
        for (const issuer of others.slice(0, 49)) await tir.addTrustedIssuer(issuer, [TOPICS.AML]);
        expect(await tir.getTrustedIssuers()).to.have.lengthOf(50);
        await expect(tir.addTrustedIssuer(last, [TOPICS.AML]))
          .to.be.revertedWithCustomError(tir, "TrustedIssuersLimitReached")
          .withArgs(50n);
      });
    });
  });

  describe(".removeTrustedIssuer()", () => {
    describe("when the caller is not the owner", () => {
      it("reverts with AccessControlUnauthorizedAccount(caller, DEFAULT_ADMIN_ROLE)", async () => {
        const { suite, accounts, kyc } = await loadFixture(deploySuiteFixture);
        await expect(suite.issuersRegistry.connect(accounts.outsider).removeTrustedIssuer(kyc.issuer))
          .to.be.revertedWithCustomError(suite.issuersRegistry, "AccessControlUnauthorizedAccount")
          .withArgs(accounts.outsider.address, ethers.ZeroHash);
      });
    });

    describe("when the issuer is trusted", () => {
      it("removes it from every view and emits TrustedIssuerRemoved", async () => {
        const { suite, accounts, kyc, candidate, candidateAddress } = await loadFixture(withCandidateIssuerFixture);
        const tir = suite.issuersRegistry.connect(accounts.owner);
        const kycAddress = await kyc.issuer.getAddress();
        await tir.addTrustedIssuer(candidate, [TOPICS.KYC, TOPICS.AML]);

        await expect(tir.removeTrustedIssuer(kyc.issuer)).to.emit(tir, "TrustedIssuerRemoved").withArgs(kycAddress);
        expect(await tir.getTrustedIssuers()).to.deep.equal([candidateAddress]);
        expect(await tir.getTrustedIssuersForClaimTopic(TOPICS.KYC)).to.deep.equal([candidateAddress]);
        expect(await tir.getTrustedIssuersForClaimTopic(TOPICS.AML)).to.deep.equal([candidateAddress]);
        expect(await tir.isTrustedIssuer(kycAddress)).to.equal(false);
        expect(await tir.hasClaimTopic(kycAddress, TOPICS.KYC)).to.equal(false);
        await expect(tir.getTrustedIssuerClaimTopics(kycAddress))
          .to.be.revertedWithCustomError(tir, "TrustedIssuerNotTrusted")
          .withArgs(kycAddress);
      });

      it("notifies the listening identity registry", async () => {
        const { suite, accounts, kyc } = await loadFixture(deploySuiteFixture);
        const generation = await currentGeneration(suite.identityRegistry);
        await expect(suite.issuersRegistry.connect(accounts.owner).removeTrustedIssuer(kyc.issuer))
          .to.emit(suite.identityRegistry, "RequirementsCompiled")
          .withArgs(generation + 1n, 1n, 0n);
      });

      it("can trust it again afterwards", async () => {
        const { suite, accounts, kyc } = await loadFixture(deploySuiteFixture);
        const tir = suite.issuersRegistry.connect(accounts.owner);
        await tir.removeTrustedIssuer(kyc.issuer);
        await expect(tir.addTrustedIssuer(kyc.issuer, [TOPICS.AML]))
          .to.emit(tir, "TrustedIssuerAdded")
          .withArgs(await kyc.issuer.getAddress(), [TOPICS.AML]);
        expect(await tir.getTrustedIssuersForClaimTopic(TOPICS.KYC)).to.deep.equal([]);
      });
    });

    describe("when the issuer is not trusted", () => {
      it("reverts with TrustedIssuerNotTrusted(issuer)", async () => {
        const { suite, accounts, candidate, candidateAddress } = await loadFixture(withCandidateIssuerFixture);
        await expect(suite.issuersRegistry.connect(accounts.owner).removeTrustedIssuer(candidate))
          .to.be.revertedWithCustomError(suite.issuersRegistry, "TrustedIssuerNotTrusted")
          .withArgs(candidateAddress);
      });
    });
  });

  describe(".updateIssuerClaimTopics()", () => {
    describe("when the caller is not the owner", () => {
      it("reverts with AccessControlUnauthorizedAccount(caller, DEFAULT_ADMIN_ROLE)", async () => {
        const { suite, accounts, kyc } = await loadFixture(deploySuiteFixture);
        await expect(suite.issuersRegistry.connect(accounts.outsider).updateIssuerClaimTopics(kyc.issuer, [TOPICS.AML]))
          .to.be.revertedWithCustomError(suite.issuersRegistry, "AccessControlUnauthorizedAccount")
          .withArgs(accounts.outsider.address, ethers.ZeroHash);
      });
    });

    describe("when the issuer is trusted and the topics are valid", () => {
      it("replaces its topics, emits ClaimTopicsUpdated and updates the per-topic lists", async () => {
        const { suite, accounts, kyc } = await loadFixture(deploySuiteFixture);
        const tir = suite.issuersRegistry.connect(accounts.owner);
        const kycAddress = await kyc.issuer.getAddress();
        await expect(tir.updateIssuerClaimTopics(kyc.issuer, [TOPICS.AML, TOPICS.ADULT]))
          .to.emit(tir, "ClaimTopicsUpdated")
          .withArgs(kycAddress, [TOPICS.AML, TOPICS.ADULT]);
        expect(await tir.getTrustedIssuerClaimTopics(kycAddress)).to.deep.equal([TOPICS.AML, TOPICS.ADULT]);
        expect(await tir.getTrustedIssuersForClaimTopic(TOPICS.KYC)).to.deep.equal([]);
        expect(await tir.getTrustedIssuersForClaimTopic(TOPICS.AML)).to.deep.equal([kycAddress]);
        expect(await tir.hasClaimTopic(kycAddress, TOPICS.KYC)).to.equal(false);
        expect(await tir.getTrustedIssuers()).to.deep.equal([kycAddress]);
      });

      it("notifies the listening identity registry", async () => {
        const { suite, accounts, kyc } = await loadFixture(deploySuiteFixture);
        const generation = await currentGeneration(suite.identityRegistry);
        await expect(
          suite.issuersRegistry.connect(accounts.owner).updateIssuerClaimTopics(kyc.issuer, [TOPICS.KYC, TOPICS.AML]),
        )
          .to.emit(suite.identityRegistry, "RequirementsCompiled")
          .withArgs(generation + 1n, 1n, 2n);
      });
    });

    describe("when the issuer is not trusted", () => {
      it("reverts with TrustedIssuerNotTrusted(issuer)", async () => {
        const { suite, accounts, candidate, candidateAddress } = await loadFixture(withCandidateIssuerFixture);
        await expect(suite.issuersRegistry.connect(accounts.owner).updateIssuerClaimTopics(candidate, [TOPICS.KYC]))
          .to.be.revertedWithCustomError(suite.issuersRegistry, "TrustedIssuerNotTrusted")
          .withArgs(candidateAddress);
      });
    });

    describe("when the topic list is empty", () => {
      it("reverts with TrustedIssuerNoClaimTopics and keeps the old topics", async () => {
        const { suite, accounts, kyc } = await loadFixture(deploySuiteFixture);
        await expect(
          suite.issuersRegistry.connect(accounts.owner).updateIssuerClaimTopics(kyc.issuer, []),
        ).to.be.revertedWithCustomError(suite.issuersRegistry, "TrustedIssuerNoClaimTopics");
        expect(await suite.issuersRegistry.getTrustedIssuerClaimTopics(kyc.issuer)).to.deep.equal([TOPICS.KYC]);
      });
    });

    describe("when the topic list has 16 topics", () => {
      it("reverts with TrustedIssuerClaimTopicsLimitReached(15)", async () => {
        const { suite, accounts, kyc } = await loadFixture(deploySuiteFixture);
        await expect(suite.issuersRegistry.connect(accounts.owner).updateIssuerClaimTopics(kyc.issuer, topicRange(16)))
          .to.be.revertedWithCustomError(suite.issuersRegistry, "TrustedIssuerClaimTopicsLimitReached")
          .withArgs(15n);
      });
    });

    describe("when a topic appears twice", () => {
      it("reverts with TrustedIssuerDuplicateClaimTopic(topic)", async () => {
        const { suite, accounts, kyc } = await loadFixture(deploySuiteFixture);
        await expect(
          suite.issuersRegistry.connect(accounts.owner).updateIssuerClaimTopics(kyc.issuer, [TOPICS.AML, TOPICS.AML]),
        )
          .to.be.revertedWithCustomError(suite.issuersRegistry, "TrustedIssuerDuplicateClaimTopic")
          .withArgs(TOPICS.AML);
      });
    });
  });

  describe(".addRequirementsListener() / .removeRequirementsListener()", () => {
    describe("when the caller is not the owner", () => {
      it("reverts with AccessControlUnauthorizedAccount(caller, DEFAULT_ADMIN_ROLE)", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(suite.issuersRegistry.connect(accounts.outsider).addRequirementsListener(accounts.outsider.address))
          .to.be.revertedWithCustomError(suite.issuersRegistry, "AccessControlUnauthorizedAccount")
          .withArgs(accounts.outsider.address, ethers.ZeroHash);
        await expect(suite.issuersRegistry.connect(accounts.outsider).removeRequirementsListener(suite.identityRegistry))
          .to.be.revertedWithCustomError(suite.issuersRegistry, "AccessControlUnauthorizedAccount")
          .withArgs(accounts.outsider.address, ethers.ZeroHash);
      });
    });

    describe("when the listener is zero, already added or unknown", () => {
      it("reverts with the matching RequirementsListener error", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        const tir = suite.issuersRegistry.connect(accounts.owner);
        await expect(tir.addRequirementsListener(ethers.ZeroAddress)).to.be.revertedWithCustomError(
          tir,
          "RequirementsListenerZeroAddress",
        );
        await expect(tir.addRequirementsListener(suite.identityRegistry))
          .to.be.revertedWithCustomError(tir, "RequirementsListenerAlreadyAdded")
          .withArgs(await suite.identityRegistry.getAddress());
        await expect(tir.removeRequirementsListener(accounts.outsider.address))
          .to.be.revertedWithCustomError(tir, "RequirementsListenerNotFound")
          .withArgs(accounts.outsider.address);
      });
    });

    describe("when a second identity registry listens", () => {
      it("both registries compile every change of trusted issuers", async () => {
        const { suite, accounts, candidate, candidateAddress } = await loadFixture(withCandidateIssuerFixture);
        const { owner } = accounts;
        const second = await deployIdentityRegistry(
          owner,
          await suite.identityStorage.getAddress(),
          await suite.topicsRegistry.getAddress(),
          await suite.issuersRegistry.getAddress(),
        );
        await expect(suite.issuersRegistry.connect(owner).addRequirementsListener(second))
          .to.emit(suite.issuersRegistry, "RequirementsListenerAdded")
          .withArgs(await second.getAddress());
        await expect(suite.issuersRegistry.connect(owner).addTrustedIssuer(candidateAddress, [TOPICS.KYC]))
          .to.emit(suite.identityRegistry, "RequirementsCompiled")
          .and.to.emit(second, "RequirementsCompiled");

        await suite.issuersRegistry.connect(owner).removeRequirementsListener(second);
        await expect(suite.issuersRegistry.connect(owner).removeTrustedIssuer(candidate))
          .to.emit(suite.identityRegistry, "RequirementsCompiled")
          .and.not.to.emit(second, "RequirementsCompiled");
      });
    });
  });
});

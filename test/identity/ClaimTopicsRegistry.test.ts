import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deploySuiteFixture } from "../fixtures/suite.fixture";
import { ROLES, TOPICS } from "../../scripts/lib/constants";
import { currentGeneration, deployIdentityRegistry, topicRange } from "../helpers/identity-fixtures";

describe("ClaimTopicsRegistry", () => {
  describe("constants", () => {
    it("caps required topics at 15 and listeners at 16", async () => {
      const { suite } = await loadFixture(deploySuiteFixture);
      expect(await suite.topicsRegistry.MAX_CLAIM_TOPICS()).to.equal(15n);
      expect(await suite.topicsRegistry.MAX_LISTENERS()).to.equal(16n);
    });
  });

  describe(".addClaimTopic()", () => {
    describe("when the caller is not the owner", () => {
      it("reverts with AccessControlUnauthorizedAccount(caller, DEFAULT_ADMIN_ROLE)", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(suite.topicsRegistry.connect(accounts.outsider).addClaimTopic(TOPICS.AML))
          .to.be.revertedWithCustomError(suite.topicsRegistry, "AccessControlUnauthorizedAccount")
          .withArgs(accounts.outsider.address, ethers.ZeroHash);
      });

      it("also refuses a registrar of the identity registry", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(suite.topicsRegistry.connect(accounts.registrar).addClaimTopic(TOPICS.AML))
          .to.be.revertedWithCustomError(suite.topicsRegistry, "AccessControlUnauthorizedAccount")
          .withArgs(accounts.registrar.address, ROLES.DEFAULT_ADMIN);
      });
    });

    describe("when the topic is new", () => {
      it("adds it and emits ClaimTopicAdded", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(suite.topicsRegistry.connect(accounts.owner).addClaimTopic(TOPICS.AML))
          .to.emit(suite.topicsRegistry, "ClaimTopicAdded")
          .withArgs(TOPICS.AML);
        expect(await suite.topicsRegistry.getClaimTopics()).to.deep.equal([TOPICS.KYC, TOPICS.AML]);
      });

      it("notifies the listening identity registry, which recompiles its required topics", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        const generation = await currentGeneration(suite.identityRegistry);
        await expect(suite.topicsRegistry.connect(accounts.owner).addClaimTopic(TOPICS.AML))
          .to.emit(suite.identityRegistry, "RequirementsCompiled")
          .withArgs(generation + 1n, 2n, 1n);
        expect(await suite.identityRegistry.requiredClaimTopics()).to.deep.equal([TOPICS.KYC, TOPICS.AML]);
      });
    });

    describe("when the topic is already required", () => {
      it("reverts with ClaimTopicAlreadyRequired(topic)", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(suite.topicsRegistry.connect(accounts.owner).addClaimTopic(TOPICS.KYC))
          .to.be.revertedWithCustomError(suite.topicsRegistry, "ClaimTopicAlreadyRequired")
          .withArgs(TOPICS.KYC);
      });
    });

    describe("when 15 topics are already required", () => {
      it("accepts the 15th topic and reverts the 16th with ClaimTopicsLimitReached(15)", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        const ctr = suite.topicsRegistry.connect(accounts.owner);
        const extra = topicRange(14); // KYC + 14 = 15
        for (const topic of extra) await ctr.addClaimTopic(topic);
        expect(await ctr.getClaimTopics()).to.have.lengthOf(15);
        expect(await suite.identityRegistry.requiredClaimTopics()).to.have.lengthOf(15);
        await expect(ctr.addClaimTopic(5000n))
          .to.be.revertedWithCustomError(ctr, "ClaimTopicsLimitReached")
          .withArgs(15n);
      });

      it("accepts a topic again once one is removed", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        const ctr = suite.topicsRegistry.connect(accounts.owner);
        for (const topic of topicRange(14)) await ctr.addClaimTopic(topic);
        await ctr.removeClaimTopic(1000n);
        await expect(ctr.addClaimTopic(5000n)).to.emit(ctr, "ClaimTopicAdded").withArgs(5000n);
      });
    });
  });

  describe(".removeClaimTopic()", () => {
    describe("when the caller is not the owner", () => {
      it("reverts with AccessControlUnauthorizedAccount(caller, DEFAULT_ADMIN_ROLE)", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(suite.topicsRegistry.connect(accounts.outsider).removeClaimTopic(TOPICS.KYC))
          .to.be.revertedWithCustomError(suite.topicsRegistry, "AccessControlUnauthorizedAccount")
          .withArgs(accounts.outsider.address, ethers.ZeroHash);
      });
    });

    describe("when the topic is required", () => {
      it("removes it, emits ClaimTopicRemoved and keeps the other topics", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        const ctr = suite.topicsRegistry.connect(accounts.owner);
        await ctr.addClaimTopic(TOPICS.AML);
        await ctr.addClaimTopic(TOPICS.ADULT);
        await expect(ctr.removeClaimTopic(TOPICS.KYC)).to.emit(ctr, "ClaimTopicRemoved").withArgs(TOPICS.KYC);
        // swap-and-pop: the last topic takes the removed one's place
        expect(await ctr.getClaimTopics()).to.deep.equal([TOPICS.ADULT, TOPICS.AML]);
      });

      it("notifies the listening identity registry", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        const generation = await currentGeneration(suite.identityRegistry);
        await expect(suite.topicsRegistry.connect(accounts.owner).removeClaimTopic(TOPICS.KYC))
          .to.emit(suite.identityRegistry, "RequirementsCompiled")
          .withArgs(generation + 1n, 0n, 1n);
        expect(await suite.identityRegistry.requiredClaimTopics()).to.deep.equal([]);
      });
    });

    describe("when the topic is not required", () => {
      it("reverts with ClaimTopicNotRequired(topic)", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(suite.topicsRegistry.connect(accounts.owner).removeClaimTopic(TOPICS.AML))
          .to.be.revertedWithCustomError(suite.topicsRegistry, "ClaimTopicNotRequired")
          .withArgs(TOPICS.AML);
      });

      it("reverts with ClaimTopicNotRequired(topic) when removed twice", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        const ctr = suite.topicsRegistry.connect(accounts.owner);
        await ctr.removeClaimTopic(TOPICS.KYC);
        await expect(ctr.removeClaimTopic(TOPICS.KYC))
          .to.be.revertedWithCustomError(ctr, "ClaimTopicNotRequired")
          .withArgs(TOPICS.KYC);
      });
    });
  });

  describe(".addRequirementsListener()", () => {
    describe("when the caller is not the owner", () => {
      it("reverts with AccessControlUnauthorizedAccount(caller, DEFAULT_ADMIN_ROLE)", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(suite.topicsRegistry.connect(accounts.outsider).addRequirementsListener(accounts.outsider.address))
          .to.be.revertedWithCustomError(suite.topicsRegistry, "AccessControlUnauthorizedAccount")
          .withArgs(accounts.outsider.address, ethers.ZeroHash);
      });
    });

    describe("when the listener is the zero address", () => {
      it("reverts with RequirementsListenerZeroAddress", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(
          suite.topicsRegistry.connect(accounts.owner).addRequirementsListener(ethers.ZeroAddress),
        ).to.be.revertedWithCustomError(suite.topicsRegistry, "RequirementsListenerZeroAddress");
      });
    });

    describe("when the listener is already added", () => {
      it("reverts with RequirementsListenerAlreadyAdded(listener)", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(suite.topicsRegistry.connect(accounts.owner).addRequirementsListener(suite.identityRegistry))
          .to.be.revertedWithCustomError(suite.topicsRegistry, "RequirementsListenerAlreadyAdded")
          .withArgs(await suite.identityRegistry.getAddress());
      });
    });

    describe("when the listener is a new identity registry with stale requirements", () => {
      it("adds it, emits RequirementsListenerAdded and notifies it once", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        const { owner } = accounts;
        const second = await deployIdentityRegistry(
          owner,
          await suite.identityStorage.getAddress(),
          await suite.topicsRegistry.getAddress(),
          await suite.issuersRegistry.getAddress(),
        );
        await suite.topicsRegistry.connect(owner).addClaimTopic(TOPICS.AML);
        // not a listener yet: still compiled with KYC only
        expect(await second.requiredClaimTopics()).to.deep.equal([TOPICS.KYC]);

        const generation = await currentGeneration(second);
        await expect(suite.topicsRegistry.connect(owner).addRequirementsListener(second))
          .to.emit(suite.topicsRegistry, "RequirementsListenerAdded")
          .withArgs(await second.getAddress())
          .and.to.emit(second, "RequirementsCompiled")
          .withArgs(generation + 1n, 2n, 1n);
        expect(await second.requiredClaimTopics()).to.deep.equal([TOPICS.KYC, TOPICS.AML]);
        expect(await suite.topicsRegistry.isRequirementsListener(second)).to.equal(true);
        expect(await suite.topicsRegistry.requirementsListeners()).to.deep.equal([
          await suite.identityRegistry.getAddress(),
          await second.getAddress(),
        ]);

        // and from now on every change reaches both registries
        await suite.topicsRegistry.connect(owner).removeClaimTopic(TOPICS.KYC);
        expect(await second.requiredClaimTopics()).to.deep.equal([TOPICS.AML]);
        expect(await suite.identityRegistry.requiredClaimTopics()).to.deep.equal([TOPICS.AML]);
      });
    });

    describe("when 16 listeners are already added", () => {
      it("accepts the 16th and reverts the 17th with RequirementsListenersLimitReached(16)", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        const { owner } = accounts;
        const args = [
          await suite.identityStorage.getAddress(),
          await suite.topicsRegistry.getAddress(),
          await suite.issuersRegistry.getAddress(),
        ] as const;
        for (let i = 0; i < 15; i++) {
          const registry = await deployIdentityRegistry(owner, ...args);
          await suite.topicsRegistry.connect(owner).addRequirementsListener(registry);
        }
        expect(await suite.topicsRegistry.requirementsListeners()).to.have.lengthOf(16);
        const seventeenth = await deployIdentityRegistry(owner, ...args);
        await expect(suite.topicsRegistry.connect(owner).addRequirementsListener(seventeenth))
          .to.be.revertedWithCustomError(suite.topicsRegistry, "RequirementsListenersLimitReached")
          .withArgs(16n);
      });
    });
  });

  describe(".removeRequirementsListener()", () => {
    describe("when the caller is not the owner", () => {
      it("reverts with AccessControlUnauthorizedAccount(caller, DEFAULT_ADMIN_ROLE)", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(suite.topicsRegistry.connect(accounts.outsider).removeRequirementsListener(suite.identityRegistry))
          .to.be.revertedWithCustomError(suite.topicsRegistry, "AccessControlUnauthorizedAccount")
          .withArgs(accounts.outsider.address, ethers.ZeroHash);
      });
    });

    describe("when the listener is unknown", () => {
      it("reverts with RequirementsListenerNotFound(listener)", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(suite.topicsRegistry.connect(accounts.owner).removeRequirementsListener(accounts.outsider.address))
          .to.be.revertedWithCustomError(suite.topicsRegistry, "RequirementsListenerNotFound")
          .withArgs(accounts.outsider.address);
      });
    });

    describe("when the listener was added", () => {
      it("removes it, emits RequirementsListenerRemoved and stops notifying it", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        const { owner, outsider } = accounts;
        const registryAddress = await suite.identityRegistry.getAddress();
        await expect(suite.topicsRegistry.connect(owner).removeRequirementsListener(registryAddress))
          .to.emit(suite.topicsRegistry, "RequirementsListenerRemoved")
          .withArgs(registryAddress);
        expect(await suite.topicsRegistry.isRequirementsListener(registryAddress)).to.equal(false);
        expect(await suite.topicsRegistry.requirementsListeners()).to.deep.equal([]);

        await expect(suite.topicsRegistry.connect(owner).addClaimTopic(TOPICS.AML)).not.to.emit(
          suite.identityRegistry,
          "RequirementsCompiled",
        );
        expect(await suite.identityRegistry.requiredClaimTopics()).to.deep.equal([TOPICS.KYC]);

        // anyone can make the registry catch up
        await suite.identityRegistry.connect(outsider).onRequirementsChanged();
        expect(await suite.identityRegistry.requiredClaimTopics()).to.deep.equal([TOPICS.KYC, TOPICS.AML]);
      });
    });
  });
});

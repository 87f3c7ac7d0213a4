import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { TOPICS } from "../../../scripts/lib/constants";
import { claimId, deployClaimIssuer, issueClaim } from "../../../scripts/lib/onchainid";
import { HOOKS, configureModule, withClaimEligibilityModuleFixture } from "../../helpers/compliance-fixtures";
import { shouldBehaveLikeModule } from "./module.behavior";

const ZERO = ethers.ZeroAddress;
const AMOUNT = 100_000n;

type Context = Awaited<ReturnType<typeof withClaimEligibilityModuleFixture>>;

/** The registry trusts the KYC provider for INDIVIDUAL as well as KYC. */
async function trustKycProviderForIndividual({ suite, kyc, accounts }: Context) {
  await suite.issuersRegistry
    .connect(accounts.owner)
    .updateIssuerClaimTopics(await kyc.issuer.getAddress(), [TOPICS.KYC, TOPICS.INDIVIDUAL]);
}

/** The KYC provider signs an INDIVIDUAL claim for bob and bob stores it; returns the signature. */
async function issueIndividualClaimToBob({ investors, accounts, kyc }: Context) {
  return issueClaim({
    identity: investors.bob.identity,
    identityOwner: accounts.bob,
    issuer: kyc.issuer,
    issuerKey: kyc.key,
    topic: TOPICS.INDIVIDUAL,
  });
}

/** Bob holds a valid INDIVIDUAL claim from the KYC provider, now trusted for that topic. */
async function bobEligible() {
  const context = await loadFixture(withClaimEligibilityModuleFixture);
  await trustKycProviderForIndividual(context);
  const signature = await issueIndividualClaimToBob(context);
  return { ...context, signature };
}

describe("ClaimEligibilityModule", function () {
  shouldBehaveLikeModule({
    fixture: withClaimEligibilityModuleFixture,
    name: "ClaimEligibilityModule",
    hooks: HOOKS.CHECK_TRANSFER | HOOKS.CHECK_MINT,
    plugAndPlay: true,
    configuration: ["addEligibilityTopic", [TOPICS.ADULT]],
  });

  describe(".addEligibilityTopic()", function () {
    describe("when the topic is not required yet", function () {
      it("requires it and emits EligibilityTopicAdded(compliance, topic)", async function () {
        const { compliance, module, accounts } = await loadFixture(withClaimEligibilityModuleFixture);
        const complianceAddress = await compliance.getAddress();
        await expect(configureModule(compliance, accounts.owner, module, "addEligibilityTopic", [TOPICS.ADULT]))
          .to.emit(module, "EligibilityTopicAdded")
          .withArgs(complianceAddress, TOPICS.ADULT);
        expect(await module.eligibilityTopics(complianceAddress)).to.deep.equal([TOPICS.INDIVIDUAL, TOPICS.ADULT]);
      });
    });

    describe("when the topic is already required", function () {
      it("reverts with EligibilityTopicAlreadyRequired(compliance, topic)", async function () {
        const { compliance, module, accounts } = await loadFixture(withClaimEligibilityModuleFixture);
        await expect(configureModule(compliance, accounts.owner, module, "addEligibilityTopic", [TOPICS.INDIVIDUAL]))
          .to.be.revertedWithCustomError(module, "EligibilityTopicAlreadyRequired")
          .withArgs(await compliance.getAddress(), TOPICS.INDIVIDUAL);
      });
    });

    describe("when MAX_TOPICS topics are required", function () {
      it("reverts the next one with EligibilityTopicsLimitReached(5)", async function () {
        const { compliance, module, accounts } = await loadFixture(withClaimEligibilityModuleFixture);
        expect(await module.MAX_TOPICS()).to.equal(5n);
        for (const topic of [TOPICS.ADULT, TOPICS.QUALIFIED_INSTITUTIONAL_INVESTOR, TOPICS.AML, 30n]) {
          await configureModule(compliance, accounts.owner, module, "addEligibilityTopic", [topic]);
        }
        expect(await module.eligibilityTopics(await compliance.getAddress())).to.have.lengthOf(5);
        await expect(configureModule(compliance, accounts.owner, module, "addEligibilityTopic", [31n]))
          .to.be.revertedWithCustomError(module, "EligibilityTopicsLimitReached")
          .withArgs(5n);
      });
    });
  });

  describe(".removeEligibilityTopic()", function () {
    describe("when the topic is required", function () {
      it("stops requiring it and emits EligibilityTopicRemoved(compliance, topic)", async function () {
        const { compliance, module, accounts } = await loadFixture(withClaimEligibilityModuleFixture);
        const complianceAddress = await compliance.getAddress();
        await configureModule(compliance, accounts.owner, module, "addEligibilityTopic", [TOPICS.ADULT]);
        await configureModule(compliance, accounts.owner, module, "addEligibilityTopic", [TOPICS.AML]);
        await expect(configureModule(compliance, accounts.owner, module, "removeEligibilityTopic", [TOPICS.INDIVIDUAL]))
          .to.emit(module, "EligibilityTopicRemoved")
          .withArgs(complianceAddress, TOPICS.INDIVIDUAL);
        expect(await module.eligibilityTopics(complianceAddress)).to.deep.equal([TOPICS.AML, TOPICS.ADULT]);
      });
    });

    describe("when the topic is not required", function () {
      it("reverts with EligibilityTopicNotRequired(compliance, topic)", async function () {
        const { compliance, module, accounts } = await loadFixture(withClaimEligibilityModuleFixture);
        await expect(configureModule(compliance, accounts.owner, module, "removeEligibilityTopic", [TOPICS.ADULT]))
          .to.be.revertedWithCustomError(module, "EligibilityTopicNotRequired")
          .withArgs(await compliance.getAddress(), TOPICS.ADULT);
      });
    });

    describe("when the last topic is removed", function () {
      it("lets any verified recipient receive units", async function () {
        const { token, compliance, module, accounts } = await loadFixture(withClaimEligibilityModuleFixture);
        await configureModule(compliance, accounts.owner, module, "removeEligibilityTopic", [TOPICS.INDIVIDUAL]);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, AMOUNT)).to.changeTokenBalance(
          token,
          accounts.bob,
          AMOUNT,
        );
      });
    });
  });

  describe("token.mint()", function () {
    describe("when the recipient holds no INDIVIDUAL claim", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, accounts } = await loadFixture(withClaimEligibilityModuleFixture);
        await expect(token.connect(accounts.agent).mint(accounts.bob.address, AMOUNT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(ZERO, accounts.bob.address, AMOUNT, await module.getAddress());
      });
    });

    describe("when the recipient holds a valid INDIVIDUAL claim from a trusted issuer", function () {
      it("mints", async function () {
        const { token, accounts } = await bobEligible();
        await expect(token.connect(accounts.agent).mint(accounts.bob.address, AMOUNT)).to.changeTokenBalance(
          token,
          accounts.bob,
          AMOUNT,
        );
      });
    });
  });

  describe("token.transfer()", function () {
    describe("when the recipient holds no INDIVIDUAL claim", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, accounts } = await loadFixture(withClaimEligibilityModuleFixture);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, AMOUNT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.bob.address, AMOUNT, await module.getAddress());
      });
    });

    describe("when the recipient's INDIVIDUAL claim comes from an issuer not trusted for that topic", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const context = await loadFixture(withClaimEligibilityModuleFixture);
        const { token, module, accounts } = context;
        await issueIndividualClaimToBob(context); // the KYC provider is trusted for KYC only
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, AMOUNT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.bob.address, AMOUNT, await module.getAddress());
      });
    });

    describe("when the recipient's INDIVIDUAL claim comes from an issuer the registry does not trust at all", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const context = await loadFixture(withClaimEligibilityModuleFixture);
        const { token, module, accounts, investors } = context;
        await trustKycProviderForIndividual(context);
        const rogue = await deployClaimIssuer(accounts.outsider);
        await issueClaim({
          identity: investors.bob.identity,
          identityOwner: accounts.bob,
          issuer: rogue,
          issuerKey: accounts.outsider,
          topic: TOPICS.INDIVIDUAL,
        });
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, AMOUNT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.bob.address, AMOUNT, await module.getAddress());
      });
    });

    describe("when the recipient holds a valid INDIVIDUAL claim from a trusted issuer", function () {
      it("transfers, although the sender holds no such claim", async function () {
        const { token, accounts } = await bobEligible();
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, AMOUNT)).to.changeTokenBalances(
          token,
          [accounts.alice, accounts.bob],
          [-AMOUNT, AMOUNT],
        );
      });
    });

    describe("when the issuer revokes the recipient's claim", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, kyc, accounts, signature } = await bobEligible();
        await kyc.issuer.connect(kyc.key).revokeClaimBySignature(signature);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, AMOUNT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.bob.address, AMOUNT, await module.getAddress());
      });
    });

    describe("when the issuer revokes a claim the registry has cached", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, kyc, suite, investors, accounts, signature } = await bobEligible();
        const bobIdentity = await investors.bob.identity.getAddress();
        await suite.identityRegistry.refreshClaim(bobIdentity, TOPICS.INDIVIDUAL);
        expect(await suite.identityRegistry.cachedClaimIssuer(bobIdentity, TOPICS.INDIVIDUAL)).to.equal(
          await kyc.issuer.getAddress(),
        );
        await token.connect(accounts.alice).transfer(accounts.bob.address, AMOUNT);
        await kyc.issuer.connect(kyc.key).revokeClaimBySignature(signature);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, AMOUNT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.bob.address, AMOUNT, await module.getAddress());
      });
    });

    describe("when the recipient removes the claim from its identity", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, kyc, investors, accounts } = await bobEligible();
        await investors.bob.identity
          .connect(accounts.bob)
          .removeClaim(claimId(await kyc.issuer.getAddress(), TOPICS.INDIVIDUAL));
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, AMOUNT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.bob.address, AMOUNT, await module.getAddress());
      });
    });

    describe("when the registry stops trusting the issuer for the topic", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, kyc, suite, accounts } = await bobEligible();
        await suite.issuersRegistry
          .connect(accounts.owner)
          .updateIssuerClaimTopics(await kyc.issuer.getAddress(), [TOPICS.KYC]);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, AMOUNT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.bob.address, AMOUNT, await module.getAddress());
      });
    });
  });

  describe("token.forcedTransfer()", function () {
    describe("when the recipient holds no INDIVIDUAL claim", function () {
      it("transfers (forced transfers are not checked by compliance)", async function () {
        const { token, accounts } = await loadFixture(withClaimEligibilityModuleFixture);
        await expect(
          token.connect(accounts.agent).forcedTransfer(accounts.alice.address, accounts.bob.address, AMOUNT),
        ).to.changeTokenBalance(token, accounts.bob, AMOUNT);
      });
    });
  });
});

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  RESIDENCE_TOPIC_BASE,
  TOPICS,
  WORKPLACE_TOPIC_BASE,
  residenceTopic,
  workplaceTopic,
} from "../../../scripts/lib/constants";
import { deployClaimIssuer, issueClaim } from "../../../scripts/lib/onchainid";
import { AREA, HOOKS, configureModule, withResidentAreaModuleFixture } from "../../helpers/compliance-fixtures";
import { shouldBehaveLikeModule } from "./module.behavior";

const ZERO = ethers.ZeroAddress;
const AMOUNT = 100_000n;

/** Valid codes from the published list (check digit included). */
const KNOWN_VALID_CODES = [131041, 130001, 11002, 271004, 141003] as const;
/** The first and last prefectures. */
const BOUNDARY_CODES = [10006, 472018] as const;
/** Nine Tokyo special wards (Chiyoda .. Shinagawa), one more than MAX_AREAS. */
const TOKYO_WARDS = [131016, 131024, 131032, 131041, 131059, 131067, 131075, 131083, 131091] as const;
/** Invalid codes and why: wrong check digit, prefecture 00, prefecture 48, seven digits, zero. */
const INVALID_CODES = [131042, 1007, 481009, 1310416, 0] as const;

type Context = Awaited<ReturnType<typeof withResidentAreaModuleFixture>>;

/** The KYC provider signs a claim for each topic on bob's identity; returns the signatures by topic. */
async function giveBob({ investors, accounts, kyc }: Context, topics: bigint[]) {
  const signatures = new Map<bigint, string>();
  for (const topic of topics) {
    signatures.set(
      topic,
      await issueClaim({
        identity: investors.bob.identity,
        identityOwner: accounts.bob,
        issuer: kyc.issuer,
        issuerKey: kyc.key,
        topic,
      }),
    );
  }
  return signatures;
}

/** The fixture, with bob holding the given claims from the trusted KYC provider. */
async function bobHolding(topics: bigint[]) {
  const context = await loadFixture(withResidentAreaModuleFixture);
  const signatures = await giveBob(context, topics);
  return { ...context, signatures };
}

/** Asserts that alice's transfer of AMOUNT to bob is refused by the module. */
async function expectTransferToBobRefused({ token, module, accounts }: Context) {
  await expect(token.connect(accounts.alice).transfer(accounts.bob.address, AMOUNT))
    .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
    .withArgs(accounts.alice.address, accounts.bob.address, AMOUNT, await module.getAddress());
}

/** Asserts that alice's transfer of AMOUNT to bob goes through. */
async function expectTransferToBobAccepted({ token, accounts }: Context) {
  await expect(token.connect(accounts.alice).transfer(accounts.bob.address, AMOUNT)).to.changeTokenBalances(
    token,
    [accounts.alice, accounts.bob],
    [-AMOUNT, AMOUNT],
  );
}

describe("ResidentAreaModule", function () {
  shouldBehaveLikeModule({
    fixture: withResidentAreaModuleFixture,
    name: "ResidentAreaModule",
    hooks: HOOKS.CHECK_TRANSFER | HOOKS.CHECK_MINT,
    plugAndPlay: true,
    configuration: ["setArea", [AREA.OSAKA_CITY, TOPICS.ADULT]],
  });

  describe("constants", function () {
    it("RESIDENCE_TOPIC_BASE is 100,000,000, WORKPLACE_TOPIC_BASE 200,000,000, MAX_AREAS 8, as in scripts/lib", async function () {
      const { module } = await loadFixture(withResidentAreaModuleFixture);
      expect(await module.RESIDENCE_TOPIC_BASE())
        .to.equal(100_000_000n)
        .and.to.equal(RESIDENCE_TOPIC_BASE);
      expect(await module.WORKPLACE_TOPIC_BASE())
        .to.equal(200_000_000n)
        .and.to.equal(WORKPLACE_TOPIC_BASE);
      expect(await module.MAX_AREAS()).to.equal(8n);
    });
  });

  describe(".residenceTopic() / .workplaceTopic()", function () {
    describe("when the code is valid", function () {
      it("returns base + code (Shinjuku-ku 131041: 100131041 and 200131041), as the scripts/lib helpers do", async function () {
        const { module } = await loadFixture(withResidentAreaModuleFixture);
        expect(await module.residenceTopic(AREA.SHINJUKU)).to.equal(100_131_041n);
        expect(await module.workplaceTopic(AREA.SHINJUKU)).to.equal(200_131_041n);
        for (const code of KNOWN_VALID_CODES) {
          expect(await module.residenceTopic(code)).to.equal(residenceTopic(code));
          expect(await module.workplaceTopic(code)).to.equal(workplaceTopic(code));
        }
      });
    });

    describe("when the code is invalid", function () {
      it("reverts with ResidentAreaInvalidCode(code)", async function () {
        const { module } = await loadFixture(withResidentAreaModuleFixture);
        await expect(module.residenceTopic(131042n))
          .to.be.revertedWithCustomError(module, "ResidentAreaInvalidCode")
          .withArgs(131042n);
        await expect(module.workplaceTopic(131042n))
          .to.be.revertedWithCustomError(module, "ResidentAreaInvalidCode")
          .withArgs(131042n);
      });
    });
  });

  describe(".setArea()", function () {
    describe("when the area is new", function () {
      it("adds it, sets the adult topic and emits ResidentAreaAdded and ResidentAdultTopicSet", async function () {
        const { compliance, module, accounts } = await loadFixture(withResidentAreaModuleFixture);
        const complianceAddress = await compliance.getAddress();
        await expect(configureModule(compliance, accounts.owner, module, "setArea", [AREA.OSAKA_CITY, 0n]))
          .to.emit(module, "ResidentAreaAdded")
          .withArgs(complianceAddress, AREA.OSAKA_CITY)
          .and.to.emit(module, "ResidentAdultTopicSet")
          .withArgs(complianceAddress, 0n);
        expect(await module.areas(complianceAddress)).to.deep.equal([BigInt(AREA.SHINJUKU), BigInt(AREA.OSAKA_CITY)]);
        expect(await module.adultTopic(complianceAddress)).to.equal(0n);
      });
    });

    describe("when the area is already configured", function () {
      it("only sets the adult topic (no duplicate, no ResidentAreaAdded)", async function () {
        const { compliance, module, accounts } = await loadFixture(withResidentAreaModuleFixture);
        const complianceAddress = await compliance.getAddress();
        expect(await module.adultTopic(complianceAddress)).to.equal(TOPICS.ADULT);
        await expect(configureModule(compliance, accounts.owner, module, "setArea", [AREA.SHINJUKU, 0n]))
          .to.emit(module, "ResidentAdultTopicSet")
          .withArgs(complianceAddress, 0n)
          .and.not.to.emit(module, "ResidentAreaAdded");
        expect(await module.areas(complianceAddress)).to.deep.equal([BigInt(AREA.SHINJUKU)]);
        expect(await module.adultTopic(complianceAddress)).to.equal(0n);
      });
    });

    describe("when the code is one of the known valid codes or a boundary prefecture", function () {
      it("accepts it", async function () {
        const { compliance, module, accounts } = await loadFixture(withResidentAreaModuleFixture);
        for (const code of [...KNOWN_VALID_CODES, ...BOUNDARY_CODES]) {
          await configureModule(compliance, accounts.owner, module, "setArea", [code, 0n]);
        }
        const configured = await module.areas(await compliance.getAddress());
        expect(configured.map(Number)).to.have.members([...KNOWN_VALID_CODES, ...BOUNDARY_CODES]);
      });
    });

    describe("when the code is invalid", function () {
      for (const code of INVALID_CODES) {
        it(`reverts with ResidentAreaInvalidCode(${code})`, async function () {
          const { compliance, module, accounts } = await loadFixture(withResidentAreaModuleFixture);
          await expect(configureModule(compliance, accounts.owner, module, "setArea", [code, TOPICS.ADULT]))
            .to.be.revertedWithCustomError(module, "ResidentAreaInvalidCode")
            .withArgs(code);
        });
      }
    });

    describe("when MAX_AREAS areas are configured", function () {
      it("reverts a ninth with ResidentAreasLimitReached(8), but still updates a configured one", async function () {
        const { compliance, module, accounts } = await loadFixture(withResidentAreaModuleFixture);
        const complianceAddress = await compliance.getAddress();
        for (const code of TOKYO_WARDS.slice(0, 8)) {
          await configureModule(compliance, accounts.owner, module, "setArea", [code, TOPICS.ADULT]);
        }
        expect(await module.areas(complianceAddress)).to.have.lengthOf(8);
        await expect(configureModule(compliance, accounts.owner, module, "setArea", [TOKYO_WARDS[8], TOPICS.ADULT]))
          .to.be.revertedWithCustomError(module, "ResidentAreasLimitReached")
          .withArgs(8n);
        await configureModule(compliance, accounts.owner, module, "setArea", [TOKYO_WARDS[0], 0n]);
        expect(await module.adultTopic(complianceAddress)).to.equal(0n);
      });
    });
  });

  describe(".removeArea()", function () {
    describe("when the area is configured", function () {
      it("removes it and emits ResidentAreaRemoved(compliance, code)", async function () {
        const { compliance, module, accounts } = await loadFixture(withResidentAreaModuleFixture);
        const complianceAddress = await compliance.getAddress();
        await configureModule(compliance, accounts.owner, module, "setArea", [AREA.OSAKA_CITY, TOPICS.ADULT]);
        await expect(configureModule(compliance, accounts.owner, module, "removeArea", [AREA.SHINJUKU]))
          .to.emit(module, "ResidentAreaRemoved")
          .withArgs(complianceAddress, AREA.SHINJUKU);
        expect(await module.areas(complianceAddress)).to.deep.equal([BigInt(AREA.OSAKA_CITY)]);
      });
    });

    describe("when the area is not configured", function () {
      it("reverts with ResidentAreaNotConfigured(compliance, code)", async function () {
        const { compliance, module, accounts } = await loadFixture(withResidentAreaModuleFixture);
        await expect(configureModule(compliance, accounts.owner, module, "removeArea", [AREA.OSAKA_CITY]))
          .to.be.revertedWithCustomError(module, "ResidentAreaNotConfigured")
          .withArgs(await compliance.getAddress(), AREA.OSAKA_CITY);
      });
    });

    describe("when the last area is removed", function () {
      it("refuses every recipient, residents included (the rule fails closed)", async function () {
        const context = await bobHolding([residenceTopic(AREA.SHINJUKU), TOPICS.ADULT]);
        await configureModule(context.compliance, context.accounts.owner, context.module, "removeArea", [
          AREA.SHINJUKU,
        ]);
        await expectTransferToBobRefused(context);
      });
    });
  });

  describe("token.mint()", function () {
    describe("when the recipient is an adult resident of the area", function () {
      it("mints", async function () {
        const { token, accounts } = await bobHolding([residenceTopic(AREA.SHINJUKU), TOPICS.ADULT]);
        await expect(token.connect(accounts.agent).mint(accounts.bob.address, AMOUNT)).to.changeTokenBalance(
          token,
          accounts.bob,
          AMOUNT,
        );
      });
    });

    describe("when the recipient neither lives nor works in the area", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, accounts } = await bobHolding([TOPICS.ADULT]);
        await expect(token.connect(accounts.agent).mint(accounts.bob.address, AMOUNT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(ZERO, accounts.bob.address, AMOUNT, await module.getAddress());
      });
    });
  });

  describe("token.transfer()", function () {
    describe("when the recipient is an adult resident of the area", function () {
      it("transfers, although the sender holds no area claim", async function () {
        await expectTransferToBobAccepted(await bobHolding([residenceTopic(AREA.SHINJUKU), TOPICS.ADULT]));
      });
    });

    describe("when the recipient is an adult who works (or has an office) in the area", function () {
      it("transfers", async function () {
        await expectTransferToBobAccepted(await bobHolding([workplaceTopic(AREA.SHINJUKU), TOPICS.ADULT]));
      });
    });

    describe("when the recipient is an adult who neither lives nor works in the area", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        await expectTransferToBobRefused(await bobHolding([TOPICS.ADULT]));
      });
    });

    describe("when the recipient is an adult resident of another city", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        await expectTransferToBobRefused(
          await bobHolding([residenceTopic(AREA.OSAKA_CITY), workplaceTopic(AREA.OSAKA_CITY), TOPICS.ADULT]),
        );
      });
    });

    describe("when the recipient resides in the area but holds no adult claim", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        await expectTransferToBobRefused(
          await bobHolding([residenceTopic(AREA.SHINJUKU), workplaceTopic(AREA.SHINJUKU)]),
        );
      });
    });

    describe("when the recipient holds no adult claim and the issue has no age rule (adult topic 0)", function () {
      it("transfers", async function () {
        const context = await bobHolding([residenceTopic(AREA.SHINJUKU)]);
        await configureModule(context.compliance, context.accounts.owner, context.module, "setArea", [
          AREA.SHINJUKU,
          0n,
        ]);
        await expectTransferToBobAccepted(context);
      });
    });

    describe("when the issue is joint and the recipient resides in the second area", function () {
      it("refuses before the area is added and transfers after", async function () {
        const context = await bobHolding([residenceTopic(AREA.OSAKA_CITY), TOPICS.ADULT]);
        await expectTransferToBobRefused(context);
        await configureModule(context.compliance, context.accounts.owner, context.module, "setArea", [
          AREA.OSAKA_CITY,
          TOPICS.ADULT,
        ]);
        await expectTransferToBobAccepted(context);
      });
    });

    describe("when the issuer revokes the recipient's residence claim", function () {
      it("transfers before and refuses the next transfer", async function () {
        const context = await bobHolding([residenceTopic(AREA.SHINJUKU), TOPICS.ADULT]);
        await expectTransferToBobAccepted(context);
        await context.kyc.issuer
          .connect(context.kyc.key)
          .revokeClaimBySignature(context.signatures.get(residenceTopic(AREA.SHINJUKU))!);
        await expectTransferToBobRefused(context);
      });
    });

    describe("when the issuer revokes a residence claim the registry has cached", function () {
      it("refuses the next transfer", async function () {
        const context = await bobHolding([residenceTopic(AREA.SHINJUKU), TOPICS.ADULT]);
        const { suite, investors, kyc } = context;
        const bobIdentity = await investors.bob.identity.getAddress();
        await suite.identityRegistry.refreshClaim(bobIdentity, residenceTopic(AREA.SHINJUKU));
        expect(await suite.identityRegistry.cachedClaimIssuer(bobIdentity, residenceTopic(AREA.SHINJUKU))).to.equal(
          await kyc.issuer.getAddress(),
        );
        await expectTransferToBobAccepted(context);
        await kyc.issuer
          .connect(kyc.key)
          .revokeClaimBySignature(context.signatures.get(residenceTopic(AREA.SHINJUKU))!);
        await expectTransferToBobRefused(context);
      });
    });

    describe("when the issuer revokes the recipient's adult claim", function () {
      it("refuses the next transfer", async function () {
        const context = await bobHolding([residenceTopic(AREA.SHINJUKU), TOPICS.ADULT]);
        await expectTransferToBobAccepted(context);
        await context.kyc.issuer.connect(context.kyc.key).revokeClaimBySignature(context.signatures.get(TOPICS.ADULT)!);
        await expectTransferToBobRefused(context);
      });
    });

    describe("when the residence claim is signed by an issuer the registry does not trust", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const context = await bobHolding([TOPICS.ADULT]);
        const { accounts, investors } = context;
        const rogue = await deployClaimIssuer(accounts.outsider);
        await issueClaim({
          identity: investors.bob.identity,
          identityOwner: accounts.bob,
          issuer: rogue,
          issuerKey: accounts.outsider,
          topic: residenceTopic(AREA.SHINJUKU),
        });
        await expectTransferToBobRefused(context);
      });
    });

    describe("when the residence claim comes from an issuer trusted, but not for the area topics", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const context = await bobHolding([residenceTopic(AREA.SHINJUKU), TOPICS.ADULT]);
        const { suite, kyc, accounts } = context;
        await suite.issuersRegistry
          .connect(accounts.owner)
          .updateIssuerClaimTopics(await kyc.issuer.getAddress(), [TOPICS.KYC, TOPICS.ADULT]);
        await expectTransferToBobRefused(context);
      });
    });

    describe("when the recipient wallet is not registered", function () {
      it("is refused by the token before compliance (TokenRecipientNotVerified)", async function () {
        const { token, accounts } = await loadFixture(withResidentAreaModuleFixture);
        await expect(token.connect(accounts.alice).transfer(accounts.eve.address, AMOUNT))
          .to.be.revertedWithCustomError(token, "TokenRecipientNotVerified")
          .withArgs(accounts.eve.address);
      });
    });
  });

  describe("token.burn()", function () {
    describe("when the holder no longer qualifies", function () {
      it("burns (redemption is not checked)", async function () {
        const { token, accounts } = await loadFixture(withResidentAreaModuleFixture);
        await expect(token.connect(accounts.agent).burn(accounts.alice.address, AMOUNT)).to.changeTokenBalance(
          token,
          accounts.alice,
          -AMOUNT,
        );
      });
    });
  });

  describe("token.forcedTransfer()", function () {
    describe("when the recipient holds no area claim", function () {
      it("transfers (forced transfers are not checked by compliance)", async function () {
        const { token, accounts } = await loadFixture(withResidentAreaModuleFixture);
        await expect(
          token.connect(accounts.agent).forcedTransfer(accounts.alice.address, accounts.bob.address, AMOUNT),
        ).to.changeTokenBalance(token, accounts.bob, AMOUNT);
      });
    });
  });
});

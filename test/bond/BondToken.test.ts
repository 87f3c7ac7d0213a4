import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { type BondSeries, bondTerms, createBond } from "../../scripts/lib/bonds";
import { BOND_KIND, type BondKindName, ROLES } from "../../scripts/lib/constants";
import type { BondToken } from "../../typechain-types";
import { deployBondFixture } from "../fixtures/bond.fixture";
import { jstMidnight } from "../fixtures/dates";
import {
  BASE_CPI,
  ISINS,
  JOINT_ISSUERS,
  KINDS,
  LGC,
  UNITS,
  isinBytes,
  kindOptions,
  unpackCouponDate,
} from "./bond-kinds";

const ZERO = ethers.ZeroAddress;

/** ERC-7092 coupon types, identical to IBondToken.CouponType. */
const COUPON_TYPE = { Zero: 0, Fixed: 1, Floating: 2, InflationIndexed: 3 } as const;
const COUPON_TYPE_OF: Record<BondKindName, number> = {
  FixedRateJgb: COUPON_TYPE.Fixed,
  DiscountBill: COUPON_TYPE.Zero,
  InflationIndexedJgb: COUPON_TYPE.InflationIndexed,
  RetailFixedJgb: COUPON_TYPE.Fixed,
  RetailFloatingJgb: COUPON_TYPE.Floating,
  MunicipalPublic: COUPON_TYPE.Fixed,
  MunicipalJoint: COUPON_TYPE.Fixed,
  MunicipalResident: COUPON_TYPE.Fixed,
};

const doc = (text: string) => ethers.encodeBytes32String(text);
const hashOf = (text: string) => ethers.keccak256(ethers.toUtf8Bytes(text));

/**
 * The bond scenario plus one series of each kind issued today: `agent` holds every token agent role,
 * `owner` is the issuer agent (floating rates, documents).
 */
async function everyKindFixture() {
  const context = await loadFixture(deployBondFixture);
  const { market, accounts, today } = context;
  const cpiFeed = await market.cpiFeed.getAddress();
  const optionsOf = (kind: BondKindName) =>
    kindOptions(kind, today, cpiFeed, [accounts.agent.address], [accounts.owner.address]);
  const series = {} as Record<BondKindName, BondSeries>;
  for (const kind of KINDS) series[kind] = await createBond(market, accounts.owner, optionsOf(kind));
  const floating = series.RetailFloatingJgb.bond;
  return { ...context, cpiFeed, optionsOf, series, floating };
}

type Context = Awaited<ReturnType<typeof everyKindFixture>>;

/** The series' token-initialization part, as the factory passes it. */
async function tokenInit(c: Context, bond: BondToken) {
  return {
    owner: c.accounts.owner.address,
    name: await bond.name(),
    symbol: await bond.symbol(),
    decimals: 0,
    identityRegistry: await c.suite.identityRegistry.getAddress(),
    compliance: await bond.compliance(),
    onchainID: ZERO,
    grants: [],
  };
}

describe("BondToken", () => {
  describe("ERC-7092 getters", () => {
    for (const kind of KINDS) {
      describe(`of a ${kind}`, () => {
        it("return the terms it was created with", async () => {
          const c = await loadFixture(everyKindFixture);
          const { bond } = c.series[kind];
          const options = c.optionsOf(kind);
          expect(await bond.isin()).to.equal(ISINS[kind]);
          expect(await bond.name()).to.equal(options.name);
          expect(await bond.symbol()).to.equal(options.symbol);
          expect(await bond.decimals()).to.equal(0n);
          expect(await bond.issuerName()).to.equal(options.issuerName);
          expect(await bond.issuerCode()).to.equal(options.issuerCode ?? 0);
          expect(await bond.kind()).to.equal(BOND_KIND[kind]);
          expect(await bond.currency()).to.equal(await c.market.cash.getAddress());
          expect(await bond.denomination()).to.equal(UNITS[kind]);
          expect(await bond.issueVolume()).to.equal(options.issueVolume);
          expect(await bond.couponRate()).to.equal(options.couponRate);
          expect(await bond.couponType()).to.equal(COUPON_TYPE_OF[kind]);
          expect(await bond.couponFrequency()).to.equal(kind === "DiscountBill" ? 0n : 2n);
          expect(await bond.dayCountBasis()).to.equal(0n); // Actual365Fixed
          expect(await bond.scheduleDays()).to.deep.equal([
            BigInt(c.today),
            BigInt(c.today),
            BigInt(options.maturityDate),
          ]);
        });

        it("give issue and maturity dates as the unix time of JST midnight", async () => {
          const c = await loadFixture(everyKindFixture);
          const { bond } = c.series[kind];
          const { maturityDate } = c.optionsOf(kind);
          const issue = await bond.issueDate();
          expect(issue).to.equal(BigInt(jstMidnight(c.today)));
          expect(await bond.maturityDate()).to.equal(BigInt(jstMidnight(maturityDate)));
          // 00:00 JST is 15:00 UTC the day before.
          expect((issue + 9n * 3600n) % 86_400n).to.equal(0n);
          expect(issue).to.equal(BigInt(c.today) * 86_400n - 9n * 3600n);
        });

        it("give the coupon schedule: count, each date, every date", async () => {
          const c = await loadFixture(everyKindFixture);
          const { bond } = c.series[kind];
          const expected = bondTerms(c.optionsOf(kind), ZERO).couponDates as bigint[];
          expect(await bond.couponCount()).to.equal(BigInt(expected.length));
          expect(await bond.couponDates()).to.deep.equal(expected);
          for (let i = 0; i < expected.length; i++) {
            const { scheduled, payment } = unpackCouponDate(expected[i]);
            expect(await bond.couponDate(i)).to.deep.equal([BigInt(scheduled), BigInt(payment)]);
          }
          await expect(bond.couponDate(expected.length))
            .to.be.revertedWithCustomError(bond, "BondUnknownCoupon")
            .withArgs(expected.length, expected.length);
        });

        it("give the indexation and the joint issuers of the kind", async () => {
          const c = await loadFixture(everyKindFixture);
          const { bond } = c.series[kind];
          expect(await bond.indexation()).to.deep.equal(
            kind === "InflationIndexedJgb" ? [c.cpiFeed, BASE_CPI] : [ZERO, 0n],
          );
          const joint = kind === "MunicipalJoint" ? JOINT_ISSUERS.map((j) => [BigInt(j.code), j.share]) : [];
          expect(await bond.jointIssuers()).to.deep.equal(joint);
        });
      });
    }

    it("a 10-year JGB has 20 coupon dates, each paid on its scheduled date or up to 10 days later", async () => {
      const c = await loadFixture(everyKindFixture);
      const dates = await c.series.FixedRateJgb.bond.couponDates();
      expect(dates).to.have.length(20);
      for (const packed of dates) {
        const { scheduled, payment } = unpackCouponDate(packed);
        expect(payment - scheduled).to.be.within(0, 10);
      }
    });

    it("principalOf is the face value held (the balance)", async () => {
      const c = await loadFixture(everyKindFixture);
      const { bond } = c.series.FixedRateJgb;
      expect(await bond.principalOf(c.accounts.alice.address)).to.equal(0n);
      await bond.connect(c.accounts.agent).mint(c.accounts.alice.address, 150_000n);
      expect(await bond.principalOf(c.accounts.alice.address)).to.equal(150_000n);
      await bond.connect(c.accounts.alice).transfer(c.accounts.bob.address, 50_000n);
      expect(await bond.principalOf(c.accounts.alice.address)).to.equal(100_000n);
      expect(await bond.principalOf(c.accounts.bob.address)).to.equal(50_000n);
    });
  });

  describe("initialization", () => {
    it("emits BondTermsSet with the terms, and JointIssuerRecorded per joint issuer", async () => {
      const c = await loadFixture(everyKindFixture);
      for (const kind of KINDS) {
        const { bond, receipt } = c.series[kind];
        const o = c.optionsOf(kind);
        await expect(receipt.hash)
          .to.emit(bond, "BondTermsSet")
          .withArgs(
            isinBytes(ISINS[kind]),
            BOND_KIND[kind],
            c.today,
            o.maturityDate,
            o.couponRate,
            UNITS[kind],
            o.issueVolume,
          );
      }
      const { bond, receipt } = c.series.MunicipalJoint;
      for (const j of JOINT_ISSUERS)
        await expect(receipt.hash).to.emit(bond, "JointIssuerRecorded").withArgs(j.code, j.share);
      await expect(c.series.MunicipalPublic.receipt.hash).not.to.emit(
        c.series.MunicipalPublic.bond,
        "JointIssuerRecorded",
      );
    });

    describe(".initialize()", () => {
      it("reverts with BondTermsRequired on a series and on the implementation", async () => {
        const c = await loadFixture(everyKindFixture);
        const { bond } = c.series.FixedRateJgb;
        const init = await tokenInit(c, bond);
        await expect(bond.initialize(init)).to.be.revertedWithCustomError(bond, "BondTermsRequired");
        const beacon = await ethers.getContractAt("UpgradeableBeacon", await c.market.bondFactory.bondBeacon());
        const implementation = await ethers.getContractAt("BondToken", await beacon.implementation());
        await expect(implementation.initialize(init)).to.be.revertedWithCustomError(bond, "BondTermsRequired");
      });
    });

    describe(".initializeBond()", () => {
      it("reverts with InvalidInitialization a second time, and on the implementation", async () => {
        const c = await loadFixture(everyKindFixture);
        const { bond } = c.series.FixedRateJgb;
        const init = await tokenInit(c, bond);
        const terms = bondTerms(c.optionsOf("FixedRateJgb"), await c.market.cash.getAddress());
        await expect(bond.connect(c.accounts.outsider).initializeBond(init, terms, [])).to.be.revertedWithCustomError(
          bond,
          "InvalidInitialization",
        );
        const beacon = await ethers.getContractAt("UpgradeableBeacon", await c.market.bondFactory.bondBeacon());
        const implementation = await ethers.getContractAt("BondToken", await beacon.implementation());
        await expect(implementation.initializeBond(init, terms, [])).to.be.revertedWithCustomError(
          bond,
          "InvalidInitialization",
        );
        expect(await bond.issuerName()).to.equal("Ministry of Finance Japan");
      });
    });
  });

  describe(".couponRateFor()", () => {
    it("is the fixed rate for every coupon of a fixed-rate or indexed series", async () => {
      const c = await loadFixture(everyKindFixture);
      for (const kind of KINDS.filter((k) => k !== "DiscountBill" && k !== "RetailFloatingJgb")) {
        const { bond } = c.series[kind];
        const count = Number(await bond.couponCount());
        for (const period of [0, count - 1])
          expect(await bond.couponRateFor(period), kind).to.equal(c.optionsOf(kind).couponRate);
      }
    });

    it("reverts with BondUnknownCoupon(period, count) past the schedule (every period of a bill)", async () => {
      const c = await loadFixture(everyKindFixture);
      await expect(c.series.FixedRateJgb.bond.couponRateFor(20))
        .to.be.revertedWithCustomError(c.floating, "BondUnknownCoupon")
        .withArgs(20, 20);
      await expect(c.series.DiscountBill.bond.couponRateFor(0))
        .to.be.revertedWithCustomError(c.floating, "BondUnknownCoupon")
        .withArgs(0, 0);
    });

    it("reverts with BondRateNotSet(period) for a floating coupon not yet fixed, then gives the rate set", async () => {
      const c = await loadFixture(everyKindFixture);
      await expect(c.floating.couponRateFor(0)).to.be.revertedWithCustomError(c.floating, "BondRateNotSet").withArgs(0);
      await c.floating.connect(c.accounts.owner).setCouponRate(0, 1_200);
      expect(await c.floating.couponRateFor(0)).to.equal(1_200n);
      await expect(c.floating.couponRateFor(1)).to.be.revertedWithCustomError(c.floating, "BondRateNotSet").withArgs(1);
    });
  });

  describe(".setCouponRate()", () => {
    describe("when called by the issuer agent on a floating series before the payment day", () => {
      it("fixes the rate and emits CouponRateSet(period, rate); the minimum itself is accepted", async () => {
        const c = await loadFixture(everyKindFixture);
        await expect(c.floating.connect(c.accounts.owner).setCouponRate(0, 500))
          .to.emit(c.floating, "CouponRateSet")
          .withArgs(0, 500);
        await expect(c.floating.connect(c.accounts.owner).setCouponRate(7, 3_100))
          .to.emit(c.floating, "CouponRateSet")
          .withArgs(7, 3_100);
        expect(await c.floating.couponRateFor(0)).to.equal(500n);
        expect(await c.floating.couponRateFor(7)).to.equal(3_100n);
      });

      it("is accepted up to the last second before the payment day (JST)", async () => {
        const c = await loadFixture(everyKindFixture);
        const [, payment] = await c.floating.couponDate(0);
        await time.setNextBlockTimestamp(jstMidnight(Number(payment)) - 1);
        await expect(c.floating.connect(c.accounts.owner).setCouponRate(0, 900))
          .to.emit(c.floating, "CouponRateSet")
          .withArgs(0, 900);
      });
    });

    describe("when the payment day has come", () => {
      it("reverts with BondRateAlreadyFixed(period)", async () => {
        const c = await loadFixture(everyKindFixture);
        const [, payment] = await c.floating.couponDate(0);
        await time.increaseTo(jstMidnight(Number(payment)));
        await expect(c.floating.connect(c.accounts.owner).setCouponRate(0, 900))
          .to.be.revertedWithCustomError(c.floating, "BondRateAlreadyFixed")
          .withArgs(0);
        await expect(c.floating.connect(c.accounts.owner).setCouponRate(1, 900)).to.emit(c.floating, "CouponRateSet");
      });
    });

    describe("when the rate is already fixed", () => {
      it("reverts with BondRateAlreadyFixed(period) and keeps the first rate", async () => {
        const c = await loadFixture(everyKindFixture);
        await c.floating.connect(c.accounts.owner).setCouponRate(2, 800);
        await expect(c.floating.connect(c.accounts.owner).setCouponRate(2, 900))
          .to.be.revertedWithCustomError(c.floating, "BondRateAlreadyFixed")
          .withArgs(2);
        expect(await c.floating.couponRateFor(2)).to.equal(800n);
      });
    });

    describe("when the rate is below the series' minimum", () => {
      it("reverts with BondRateBelowMinimum(rate, minimum)", async () => {
        const c = await loadFixture(everyKindFixture);
        await expect(c.floating.connect(c.accounts.owner).setCouponRate(0, 499))
          .to.be.revertedWithCustomError(c.floating, "BondRateBelowMinimum")
          .withArgs(499, 500);
        await expect(c.floating.connect(c.accounts.owner).setCouponRate(0, 0))
          .to.be.revertedWithCustomError(c.floating, "BondRateBelowMinimum")
          .withArgs(0, 500);
      });
    });

    describe("when the period is not in the schedule", () => {
      it("reverts with BondUnknownCoupon(period, count)", async () => {
        const c = await loadFixture(everyKindFixture);
        await expect(c.floating.connect(c.accounts.owner).setCouponRate(20, 900))
          .to.be.revertedWithCustomError(c.floating, "BondUnknownCoupon")
          .withArgs(20, 20);
      });
    });

    describe("when the series is not floating", () => {
      for (const kind of KINDS.filter((k) => k !== "RetailFloatingJgb")) {
        it(`reverts with BondNotFloating on a ${kind}`, async () => {
          const c = await loadFixture(everyKindFixture);
          const { bond } = c.series[kind];
          await expect(bond.connect(c.accounts.owner).setCouponRate(0, 900)).to.be.revertedWithCustomError(
            bond,
            "BondNotFloating",
          );
        });
      }
    });

    describe("when the caller is not the issuer agent", () => {
      it("reverts with AccessControlUnauthorizedAccount(caller, ISSUER_AGENT), for token agents too", async () => {
        const c = await loadFixture(everyKindFixture);
        for (const caller of [c.accounts.agent, c.accounts.outsider]) {
          await expect(c.floating.connect(caller).setCouponRate(0, 900))
            .to.be.revertedWithCustomError(c.floating, "AccessControlUnauthorizedAccount")
            .withArgs(caller.address, ROLES.ISSUER_AGENT);
        }
      });
    });
  });

  describe("documents (ERC-1643)", () => {
    const PROSPECTUS = doc("prospectus");
    const TERMS = doc("terms");

    async function withDocuments() {
      const c = await loadFixture(everyKindFixture);
      const bond = c.series.MunicipalPublic.bond.connect(c.accounts.owner);
      return { ...c, bond };
    }

    describe(".setDocument()", () => {
      it("adds a document, emits DocumentUpdated(name, uri, hash), and records when", async () => {
        const c = await loadFixture(withDocuments);
        expect(await c.bond.getAllDocuments()).to.deep.equal([]);
        await expect(c.bond.setDocument(PROSPECTUS, "ipfs://prospectus-v1", hashOf("v1")))
          .to.emit(c.bond, "DocumentUpdated")
          .withArgs(PROSPECTUS, "ipfs://prospectus-v1", hashOf("v1"));
        const when = await time.latest();
        expect(await c.bond.getDocument(PROSPECTUS)).to.deep.equal([
          "ipfs://prospectus-v1",
          hashOf("v1"),
          BigInt(when),
        ]);
        expect(await c.bond.getAllDocuments()).to.deep.equal([PROSPECTUS]);
      });

      it("replaces an existing document in place: same count, new URI, hash and time", async () => {
        const c = await loadFixture(withDocuments);
        await c.bond.setDocument(PROSPECTUS, "ipfs://prospectus-v1", hashOf("v1"));
        await c.bond.setDocument(TERMS, "ipfs://terms", hashOf("terms"));
        await time.increase(3600);
        await expect(c.bond.setDocument(PROSPECTUS, "ipfs://prospectus-v2", hashOf("v2")))
          .to.emit(c.bond, "DocumentUpdated")
          .withArgs(PROSPECTUS, "ipfs://prospectus-v2", hashOf("v2"));
        expect(await c.bond.getAllDocuments()).to.deep.equal([PROSPECTUS, TERMS]);
        expect(await c.bond.getDocument(PROSPECTUS)).to.deep.equal([
          "ipfs://prospectus-v2",
          hashOf("v2"),
          BigInt(await time.latest()),
        ]);
      });

      it("reverts with BondDocumentInvalid(name) for an empty name or URI", async () => {
        const c = await loadFixture(withDocuments);
        await expect(c.bond.setDocument(ethers.ZeroHash, "ipfs://x", hashOf("x")))
          .to.be.revertedWithCustomError(c.bond, "BondDocumentInvalid")
          .withArgs(ethers.ZeroHash);
        await expect(c.bond.setDocument(PROSPECTUS, "", hashOf("x")))
          .to.be.revertedWithCustomError(c.bond, "BondDocumentInvalid")
          .withArgs(PROSPECTUS);
      });

      it("holds at most MAX_DOCUMENTS (32): the 33rd reverts with BondDocumentsLimitReached(32); replacing still works", async () => {
        const c = await loadFixture(withDocuments);
        expect(await c.bond.MAX_DOCUMENTS()).to.equal(32n);
        for (let i = 0; i < 32; i++) await c.bond.setDocument(doc(`doc-${i}`), `ipfs://${i}`, hashOf(`${i}`));
        await expect(c.bond.setDocument(doc("doc-32"), "ipfs://32", hashOf("32")))
          .to.be.revertedWithCustomError(c.bond, "BondDocumentsLimitReached")
          .withArgs(32);
        await expect(c.bond.setDocument(doc("doc-5"), "ipfs://5b", hashOf("5b"))).to.emit(c.bond, "DocumentUpdated");
        await c.bond.removeDocument(doc("doc-0"));
        await expect(c.bond.setDocument(doc("doc-32"), "ipfs://32", hashOf("32"))).to.emit(c.bond, "DocumentUpdated");
        expect(await c.bond.getAllDocuments()).to.have.length(32);
      });

      it("reverts with AccessControlUnauthorizedAccount(caller, ISSUER_AGENT) for anyone else", async () => {
        const c = await loadFixture(withDocuments);
        for (const caller of [c.accounts.agent, c.accounts.outsider]) {
          await expect(c.bond.connect(caller).setDocument(PROSPECTUS, "ipfs://x", hashOf("x")))
            .to.be.revertedWithCustomError(c.bond, "AccessControlUnauthorizedAccount")
            .withArgs(caller.address, ROLES.ISSUER_AGENT);
        }
      });
    });

    describe(".removeDocument()", () => {
      it("removes it, emits DocumentRemoved(name, uri, hash); the last name takes its place", async () => {
        const c = await loadFixture(withDocuments);
        const OFFERING = doc("offering-circular");
        await c.bond.setDocument(PROSPECTUS, "ipfs://p", hashOf("p"));
        await c.bond.setDocument(TERMS, "ipfs://t", hashOf("t"));
        await c.bond.setDocument(OFFERING, "ipfs://o", hashOf("o"));
        await expect(c.bond.removeDocument(PROSPECTUS))
          .to.emit(c.bond, "DocumentRemoved")
          .withArgs(PROSPECTUS, "ipfs://p", hashOf("p"));
        expect(await c.bond.getAllDocuments()).to.deep.equal([OFFERING, TERMS]);
        await expect(c.bond.getDocument(PROSPECTUS))
          .to.be.revertedWithCustomError(c.bond, "BondUnknownDocument")
          .withArgs(PROSPECTUS);
        await expect(c.bond.removeDocument(TERMS))
          .to.emit(c.bond, "DocumentRemoved")
          .withArgs(TERMS, "ipfs://t", hashOf("t"));
        expect(await c.bond.getAllDocuments()).to.deep.equal([OFFERING]);
      });

      it("reverts with BondUnknownDocument(name) for a name never set or already removed", async () => {
        const c = await loadFixture(withDocuments);
        await expect(c.bond.removeDocument(PROSPECTUS))
          .to.be.revertedWithCustomError(c.bond, "BondUnknownDocument")
          .withArgs(PROSPECTUS);
        await expect(c.bond.getDocument(PROSPECTUS))
          .to.be.revertedWithCustomError(c.bond, "BondUnknownDocument")
          .withArgs(PROSPECTUS);
        await c.bond.setDocument(PROSPECTUS, "ipfs://p", hashOf("p"));
        await c.bond.removeDocument(PROSPECTUS);
        await expect(c.bond.removeDocument(PROSPECTUS))
          .to.be.revertedWithCustomError(c.bond, "BondUnknownDocument")
          .withArgs(PROSPECTUS);
      });

      it("reverts with AccessControlUnauthorizedAccount(caller, ISSUER_AGENT) for anyone else", async () => {
        const c = await loadFixture(withDocuments);
        await c.bond.setDocument(PROSPECTUS, "ipfs://p", hashOf("p"));
        for (const caller of [c.accounts.agent, c.accounts.outsider]) {
          await expect(c.bond.connect(caller).removeDocument(PROSPECTUS))
            .to.be.revertedWithCustomError(c.bond, "AccessControlUnauthorizedAccount")
            .withArgs(caller.address, ROLES.ISSUER_AGENT);
        }
      });
    });

    it("the list always names exactly the documents set and not removed, each with its last URI (property)", async () => {
      const names = ["a", "b", "c", "d"].map(doc);
      const op = fc.record({ remove: fc.boolean(), name: fc.constantFrom(...names), version: fc.nat(99) });
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 10 }), async (ops) => {
          const { bond } = await loadFixture(withDocuments);
          const model = new Map<string, string>();
          for (const { remove, name, version } of ops) {
            if (remove && !model.has(name)) {
              await expect(bond.removeDocument(name))
                .to.be.revertedWithCustomError(bond, "BondUnknownDocument")
                .withArgs(name);
            } else if (remove) {
              await bond.removeDocument(name);
              model.delete(name);
            } else {
              await bond.setDocument(name, `ipfs://${version}`, hashOf(`${version}`));
              model.set(name, `ipfs://${version}`);
            }
            const listed = await bond.getAllDocuments();
            expect([...listed].sort()).to.deep.equal([...model.keys()].sort());
            for (const [name_, uri] of model) expect((await bond.getDocument(name_))[0]).to.equal(uri);
          }
        }),
        { numRuns: 15 },
      );
    });
  });

  describe("issuer codes", () => {
    it("are 0 for the Ministry of Finance and the local government code for municipal issuers", async () => {
      const c = await loadFixture(everyKindFixture);
      expect(await c.series.FixedRateJgb.bond.issuerCode()).to.equal(0n);
      expect(await c.series.MunicipalPublic.bond.issuerCode()).to.equal(BigInt(LGC.TOKYO));
      expect(await c.series.MunicipalJoint.bond.issuerCode()).to.equal(BigInt(LGC.SAPPORO));
      expect(await c.series.MunicipalResident.bond.issuerCode()).to.equal(BigInt(LGC.SHINJUKU));
    });
  });
});

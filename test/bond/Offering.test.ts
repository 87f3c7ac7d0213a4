import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ROLES, TOPICS } from "../../scripts/lib/constants";
import { createBond } from "../../scripts/lib/bonds";
import { claimId } from "../../scripts/lib/onchainid";
import { deploy, send } from "../../scripts/lib/suite";
import {
  APPLICATION_STATUS,
  OFFERING_STATUS,
  PAR,
  allotDeliverAndClose,
  applicationsOf,
  deliverInBatches,
  parsePrice,
  proRataAllotment,
} from "../../scripts/lib/offering";
import type { Offering } from "../../typechain-types";
import type { IOffering } from "../../typechain-types/contracts/bond/Offering";
import { addYears, jstMidnight, noonOf } from "../fixtures/dates";
import { isin, offeringFixture } from "../fixtures/offering.fixture";

/** Coverage instrumentation inflates gas: budgets are checked only in plain runs. */
const COVERAGE = (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true;

type Context = Awaited<ReturnType<typeof offeringFixture>>;
type Terms = IOffering.OfferingTermsStruct;

const SIZE = 100_000_000n;
const UNIT = 50_000n;
/** 99.871 per ¥100 face: 50,000 face costs 49,935.5, truncated to 49,935. */
const PRICE = 99_871_000n;

/** alice, bob and carol apply for 70m, 50m and 30m face of the default offering (1.5 times its size). */
const APPLIED = { alice: 70_000_000n, bob: 50_000_000n, carol: 30_000_000n };
/** floor(face × 99.871 ÷ 100) of each application. */
const DEPOSIT = { alice: 69_909_700n, bob: 49_935_500n, carol: 29_961_300n };
/**
 * Pro-rata by units with largest remainder: 2,000 units over 3,000 applied: alice 933.33, bob 666.67,
 * carol 400; the one unit left goes to bob (largest remainder).
 */
const ALLOTTED = { alice: 46_650_000n, bob: 33_350_000n, carol: 20_000_000n };
/** floor(allotted × 99.871 ÷ 100): 46,589,821.5, 33,306,978.5, 19,974,200. */
const PAYMENT = { alice: 46_589_821n, bob: 33_306_978n, carol: 19_974_200n };
const REFUND = { alice: 23_319_879n, bob: 16_628_522n, carol: 9_987_100n };
/** Truncated per applicant: one yen less than 99.871% of 100m. */
const PROCEEDS = 99_870_999n;

async function defaultTerms(c: Context, overrides: Partial<Terms> = {}): Promise<Terms> {
  return {
    bond: await c.jgb2.getAddress(),
    proceedsAccount: c.accounts.mof.address,
    size: SIZE,
    price: PRICE,
    openTime: await time.latest(),
    closeTime: jstMidnight(c.issueDay - 2),
    deliveryDay: c.issueDay,
    ...overrides,
  };
}

async function open(c: Context, overrides: Partial<Terms> = {}): Promise<{ id: bigint; terms: Terms }> {
  const terms = await defaultTerms(c, overrides);
  await send(c.offering.connect(c.accounts.owner).openOffering(terms));
  return { id: await c.offering.offeringCount(), terms };
}

async function openFixture() {
  const c = await loadFixture(offeringFixture);
  const { id, terms } = await open(c);
  return { ...c, id, terms, close: Number(terms.closeTime) };
}

async function appliedFixture() {
  const c = await loadFixture(openFixture);
  const { alice, bob, carol } = c.accounts;
  await send(c.offering.connect(alice).applyFor(c.id, APPLIED.alice));
  await send(c.offering.connect(bob).applyFor(c.id, APPLIED.bob));
  await send(c.offering.connect(carol).applyFor(c.id, APPLIED.carol));
  return c;
}

async function closedFixture() {
  const c = await loadFixture(appliedFixture);
  await time.increaseTo(c.close);
  return c;
}

async function allot(c: Context & { id: bigint }, faces: Record<string, bigint>) {
  const { alice, bob, carol } = c.accounts;
  const wallets = { alice, bob, carol } as Record<string, typeof alice>;
  const names = Object.keys(faces);
  return c.offering.connect(c.accounts.owner).allot(
    c.id,
    names.map((n) => wallets[n].address),
    names.map((n) => faces[n]),
  );
}

async function finalizedFixture() {
  const c = await loadFixture(closedFixture);
  await send(allot(c, ALLOTTED));
  await send(c.offering.connect(c.accounts.owner).finalizeAllotment(c.id));
  return c;
}

async function deliveryDayFixture() {
  const c = await loadFixture(finalizedFixture);
  await time.increaseTo(jstMidnight(c.issueDay));
  return c;
}

describe("Offering", () => {
  describe(".openOffering()", () => {
    it("records the terms and the accrual, and emits OfferingOpened and OfferingAccrualSet", async () => {
      const c = await loadFixture(offeringFixture);
      const terms = await defaultTerms(c);
      await expect(c.offering.connect(c.accounts.owner).openOffering(terms))
        .to.emit(c.offering, "OfferingOpened")
        .withArgs(1n, terms.bond, c.accounts.mof.address, SIZE, PRICE, terms.openTime, terms.closeTime, c.issueDay)
        .and.to.emit(c.offering, "OfferingAccrualSet")
        .withArgs(1n, c.issueDay, c.issueDay, 0);
      expect(await c.offering.offeringCount()).to.equal(1n);
      const o = await c.offering.offering(1n);
      expect(o.bond).to.equal(terms.bond);
      expect(o.cash).to.equal(await c.market.cash.getAddress());
      expect(o.proceedsAccount).to.equal(c.accounts.mof.address);
      expect(o.size).to.equal(SIZE);
      expect(o.unit).to.equal(UNIT);
      expect(o.price).to.equal(PRICE);
      expect(o.couponFrequency).to.equal(2n);
      expect(o.status).to.equal(OFFERING_STATUS.Open);
      expect([...(await c.offering.quote(1n, 50_000n))]).to.deep.equal([49_935n, 0n]);
    });

    it("reverts for a caller without ISSUER_AGENT on the Offering", async () => {
      const c = await loadFixture(offeringFixture);
      const { outsider } = c.accounts;
      await expect(c.offering.connect(outsider).openOffering(await defaultTerms(c)))
        .to.be.revertedWithCustomError(c.offering, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, ROLES.ISSUER_AGENT);
    });

    it("reverts for an Offering issuer agent who is not an issuer agent of the bond", async () => {
      const c = await loadFixture(offeringFixture);
      const { owner, agent } = c.accounts;
      await send(c.offering.connect(owner).grantRole(ROLES.ISSUER_AGENT, agent.address));
      await expect(c.offering.connect(agent).openOffering(await defaultTerms(c)))
        .to.be.revertedWithCustomError(c.offering, "OfferingCallerNotIssuer")
        .withArgs(await c.jgb2.getAddress(), agent.address);
    });

    it("reverts for a zero bond or proceeds account", async () => {
      const c = await loadFixture(offeringFixture);
      const owner = c.accounts.owner;
      for (const overrides of [{ bond: ethers.ZeroAddress }, { proceedsAccount: ethers.ZeroAddress }]) {
        await expect(
          c.offering.connect(owner).openOffering(await defaultTerms(c, overrides)),
        ).to.be.revertedWithCustomError(c.offering, "OfferingZeroAddress");
      }
    });

    it("reverts for an inflation-indexed bond", async () => {
      const c = await loadFixture(offeringFixture);
      const { bond: jgbi } = await createBond(c.market, c.accounts.owner, {
        ...c.jgb2Options,
        kind: "InflationIndexedJgb",
        name: "JGBi 10Y #29",
        symbol: "JGBI29",
        isin: isin("JP1120291P1"),
        couponRate: 1_000,
        cpiFeed: await c.market.cpiFeed.getAddress(),
        baseCpi: 104_123n,
      });
      await expect(
        c.offering.connect(c.accounts.owner).openOffering(await defaultTerms(c, { bond: await jgbi.getAddress() })),
      )
        .to.be.revertedWithCustomError(c.offering, "OfferingUnsupportedKind")
        .withArgs(await jgbi.getAddress(), 2);
    });

    it("reverts while the Offering lacks SUPPLY_AGENT on the bond", async () => {
      const c = await loadFixture(offeringFixture);
      const bond = await c.bond.getAddress();
      const terms = await defaultTerms(c, { bond, deliveryDay: c.today + 1, closeTime: jstMidnight(c.today + 1) });
      await expect(c.offering.connect(c.accounts.owner).openOffering(terms))
        .to.be.revertedWithCustomError(c.offering, "OfferingMissingRole")
        .withArgs(bond, ROLES.SUPPLY_AGENT);
      await send(c.bond.connect(c.accounts.owner).grantRole(ROLES.SUPPLY_AGENT, c.offeringAddress));
      await expect(c.offering.connect(c.accounts.owner).openOffering(terms)).to.emit(c.offering, "OfferingOpened");
    });

    it("reverts while the Offering lacks PAYING_AGENT on the cash token", async () => {
      const c = await loadFixture(offeringFixture);
      await send(c.market.cash.connect(c.accounts.owner).revokeRole(ROLES.PAYING_AGENT, c.offeringAddress));
      await expect(c.offering.connect(c.accounts.owner).openOffering(await defaultTerms(c)))
        .to.be.revertedWithCustomError(c.offering, "OfferingMissingRole")
        .withArgs(await c.market.cash.getAddress(), ROLES.PAYING_AGENT);
    });

    it("reverts while the Offering is not a verified holder of the cash token", async () => {
      const c = await loadFixture(offeringFixture);
      const { owner } = c.accounts;
      const unregistered = await deploy<Offering>("Offering", owner, owner.address);
      const address = await unregistered.getAddress();
      await send(unregistered.grantRole(ROLES.ISSUER_AGENT, owner.address));
      await send(c.jgb2.connect(owner).grantRole(ROLES.SUPPLY_AGENT, address));
      await send(c.market.cash.connect(owner).grantRole(ROLES.PAYING_AGENT, address));
      await expect(unregistered.openOffering(await defaultTerms(c)))
        .to.be.revertedWithCustomError(unregistered, "OfferingNotVerifiedHolder")
        .withArgs(await c.market.cash.getAddress());
    });

    it("reverts for a size of zero, not whole units, or above MAX_SIZE", async () => {
      const c = await loadFixture(offeringFixture);
      const maxSize = await c.offering.MAX_SIZE();
      const aboveMax = ((maxSize + UNIT) / UNIT) * UNIT;
      for (const size of [0n, 75_000n, aboveMax]) {
        await expect(c.offering.connect(c.accounts.owner).openOffering(await defaultTerms(c, { size })))
          .to.be.revertedWithCustomError(c.offering, "OfferingInvalidSize")
          .withArgs(size, UNIT);
      }
    });

    it("reverts for a zero price", async () => {
      const c = await loadFixture(offeringFixture);
      await expect(c.offering.connect(c.accounts.owner).openOffering(await defaultTerms(c, { price: 0n })))
        .to.be.revertedWithCustomError(c.offering, "OfferingInvalidPrice")
        .withArgs(0n);
    });

    it("reverts for a window that does not close after it opens, or has closed", async () => {
      const c = await loadFixture(offeringFixture);
      const now = await time.latest();
      const windows = [
        { openTime: now + 100, closeTime: now + 100, at: now + 10 },
        { openTime: now - 100, closeTime: now + 20, at: now + 20 },
      ];
      for (const { at, ...w } of windows) {
        await time.setNextBlockTimestamp(at);
        await expect(c.offering.connect(c.accounts.owner).openOffering(await defaultTerms(c, w)))
          .to.be.revertedWithCustomError(c.offering, "OfferingInvalidWindow")
          .withArgs(w.openTime, w.closeTime, at);
      }
    });

    it("reverts for a delivery day before the issue day, before the window closes, or not before maturity", async () => {
      const c = await loadFixture(offeringFixture);
      const maturity = c.jgb2Options.maturityDate;
      const lateClose = noonOf(c.issueDay + 3);
      const cases = [
        { deliveryDay: c.issueDay - 1, earliest: c.issueDay },
        { deliveryDay: c.issueDay + 2, closeTime: lateClose, earliest: c.issueDay + 3 },
        { deliveryDay: maturity, earliest: c.issueDay },
      ];
      for (const { earliest, ...overrides } of cases) {
        await expect(c.offering.connect(c.accounts.owner).openOffering(await defaultTerms(c, overrides)))
          .to.be.revertedWithCustomError(c.offering, "OfferingInvalidDeliveryDay")
          .withArgs(overrides.deliveryDay, earliest, maturity);
      }
    });
  });

  describe(".applyFor()", () => {
    it("deposits the cost of the face from the applicant and emits ApplicationSubmitted", async () => {
      const c = await loadFixture(openFixture);
      const { alice } = c.accounts;
      const tx = c.offering.connect(alice).applyFor(c.id, APPLIED.alice);
      await expect(tx)
        .to.emit(c.offering, "ApplicationSubmitted")
        .withArgs(c.id, alice.address, APPLIED.alice, DEPOSIT.alice, APPLIED.alice, DEPOSIT.alice);
      await expect(tx).to.changeTokenBalances(c.market.cash, [alice, c.offering], [-DEPOSIT.alice, DEPOSIT.alice]);
      const a = await c.offering.application(c.id, alice.address);
      expect([a.face, a.allotted, a.status]).to.deep.equal([APPLIED.alice, 0n, BigInt(APPLICATION_STATUS.Applied)]);
      const o = await c.offering.offering(c.id);
      expect([o.applicants, o.appliedFace, o.deposits]).to.deep.equal([1n, APPLIED.alice, DEPOSIT.alice]);
    });

    it("tops an application up: the deposit becomes the cost of the whole face, truncated once", async () => {
      const c = await loadFixture(openFixture);
      const { alice } = c.accounts;
      // 50,000 × 99.871% = 49,935.5 -> 49,935; 100,000 -> 99,871: the top-up pays 49,936.
      await expect(c.offering.connect(alice).applyFor(c.id, UNIT))
        .to.emit(c.offering, "ApplicationSubmitted")
        .withArgs(c.id, alice.address, UNIT, 49_935n, UNIT, 49_935n);
      await expect(c.offering.connect(alice).applyFor(c.id, UNIT))
        .to.emit(c.offering, "ApplicationSubmitted")
        .withArgs(c.id, alice.address, UNIT, 49_936n, 2n * UNIT, 99_871n);
      const o = await c.offering.offering(c.id);
      expect([o.applicants, o.appliedFace, o.deposits]).to.deep.equal([1n, 2n * UNIT, 99_871n]);
      expect(await c.market.cash.balanceOf(c.offeringAddress)).to.equal(99_871n);
    });

    it("reverts before the window opens and from its close", async () => {
      const c = await loadFixture(offeringFixture);
      const now = await time.latest();
      const { id, terms } = await open(c, { openTime: now + 1_000 });
      const alice = c.accounts.alice;
      await time.setNextBlockTimestamp(now + 999);
      await expect(c.offering.connect(alice).applyFor(id, UNIT))
        .to.be.revertedWithCustomError(c.offering, "OfferingNotAccepting")
        .withArgs(id, now + 999, terms.openTime, terms.closeTime);
      await time.setNextBlockTimestamp(terms.closeTime);
      await expect(c.offering.connect(alice).applyFor(id, UNIT))
        .to.be.revertedWithCustomError(c.offering, "OfferingNotAccepting")
        .withArgs(id, terms.closeTime, terms.openTime, terms.closeTime);
    });

    it("reverts for an unknown offering", async () => {
      const c = await loadFixture(openFixture);
      await expect(c.offering.connect(c.accounts.alice).applyFor(99n, UNIT))
        .to.be.revertedWithCustomError(c.offering, "OfferingUnknown")
        .withArgs(99n);
    });

    it("reverts for zero face or face that is not whole units", async () => {
      const c = await loadFixture(openFixture);
      for (const face of [0n, 60_000n]) {
        await expect(c.offering.connect(c.accounts.alice).applyFor(c.id, face))
          .to.be.revertedWithCustomError(c.offering, "OfferingFaceNotWholeUnits")
          .withArgs(face, UNIT);
      }
    });

    it("reverts for an application above the size, topped up or not", async () => {
      const c = await loadFixture(openFixture);
      const alice = c.accounts.alice;
      await expect(c.offering.connect(alice).applyFor(c.id, SIZE + UNIT))
        .to.be.revertedWithCustomError(c.offering, "OfferingAboveSize")
        .withArgs(c.id, SIZE + UNIT, SIZE);
      await send(c.offering.connect(alice).applyFor(c.id, SIZE));
      await expect(c.offering.connect(alice).applyFor(c.id, UNIT))
        .to.be.revertedWithCustomError(c.offering, "OfferingAboveSize")
        .withArgs(c.id, SIZE + UNIT, SIZE);
    });

    it("reverts for an applicant the bond's registry does not verify", async () => {
      const c = await loadFixture(openFixture);
      const { dave, alice, registrar } = c.accounts;
      await expect(c.offering.connect(dave).applyFor(c.id, UNIT))
        .to.be.revertedWithCustomError(c.offering, "OfferingApplicantNotVerified")
        .withArgs(c.id, dave.address);
      await send(c.suite.identityRegistry.connect(registrar).deleteIdentity(alice.address));
      await expect(c.offering.connect(alice).applyFor(c.id, UNIT))
        .to.be.revertedWithCustomError(c.offering, "OfferingApplicantNotVerified")
        .withArgs(c.id, alice.address);
    });

    it("reverts for an applicant the bond's compliance would refuse at issuance (retail: individuals only)", async () => {
      const c = await loadFixture(retailFixture);
      const { mof, alice } = c.accounts;
      await expect(c.offering.connect(mof).applyFor(c.id, 10_000n))
        .to.be.revertedWithCustomError(c.offering, "OfferingApplicationNotCompliant")
        .withArgs(c.id, mof.address, 10_000n, await c.suite.modules.eligibility.getAddress());
      await expect(c.offering.connect(alice).applyFor(c.id, 10_000n)).to.emit(c.offering, "ApplicationSubmitted");
    });

    it("reverts with the cash token's error when the deposit cannot be taken", async () => {
      const c = await loadFixture(openFixture);
      const alice = c.accounts.alice;
      await send(c.market.cash.connect(alice).approve(c.offeringAddress, 1_000n));
      await expect(c.offering.connect(alice).applyFor(c.id, UNIT))
        .to.be.revertedWithCustomError(c.market.cash, "ERC20InsufficientAllowance")
        .withArgs(c.offeringAddress, 1_000n, 49_935n);
    });

    it("reverts once the offering is cancelled", async () => {
      const c = await loadFixture(openFixture);
      await send(c.offering.connect(c.accounts.owner).cancelOffering(c.id));
      await expect(c.offering.connect(c.accounts.alice).applyFor(c.id, UNIT))
        .to.be.revertedWithCustomError(c.offering, "OfferingInvalidStatus")
        .withArgs(c.id, OFFERING_STATUS.Cancelled);
    });
  });

  describe(".withdraw()", () => {
    it("refunds the whole deposit during the window and deletes the application", async () => {
      const c = await loadFixture(appliedFixture);
      const bob = c.accounts.bob;
      const tx = c.offering.connect(bob).withdraw(c.id);
      await expect(tx)
        .to.emit(c.offering, "ApplicationWithdrawn")
        .withArgs(c.id, bob.address, APPLIED.bob, DEPOSIT.bob);
      await expect(tx).to.changeTokenBalances(c.market.cash, [bob, c.offering], [DEPOSIT.bob, -DEPOSIT.bob]);
      expect((await c.offering.application(c.id, bob.address)).status).to.equal(APPLICATION_STATUS.None);
      const o = await c.offering.offering(c.id);
      expect([o.applicants, o.appliedFace, o.deposits]).to.deep.equal([
        2n,
        APPLIED.alice + APPLIED.carol,
        DEPOSIT.alice + DEPOSIT.carol,
      ]);
      expect((await applicationsOf(c.offering, c.id)).map((a) => a.applicant)).to.not.include(bob.address);
      // A withdrawn applicant may apply again during the window.
      await expect(c.offering.connect(bob).applyFor(c.id, UNIT))
        .to.emit(c.offering, "ApplicationSubmitted")
        .withArgs(c.id, bob.address, UNIT, 49_935n, UNIT, 49_935n);
    });

    it("reverts once the window has closed", async () => {
      const c = await loadFixture(closedFixture);
      await time.setNextBlockTimestamp(c.close + 10);
      await expect(c.offering.connect(c.accounts.bob).withdraw(c.id))
        .to.be.revertedWithCustomError(c.offering, "OfferingWithdrawalClosed")
        .withArgs(c.id, c.close + 10, c.close);
    });

    it("reverts without an application", async () => {
      const c = await loadFixture(appliedFixture);
      await expect(c.offering.connect(c.accounts.dave).withdraw(c.id))
        .to.be.revertedWithCustomError(c.offering, "OfferingNoApplication")
        .withArgs(c.id, c.accounts.dave.address);
    });

    it("reverts once the allotment is final", async () => {
      const c = await loadFixture(finalizedFixture);
      await expect(c.offering.connect(c.accounts.bob).withdraw(c.id))
        .to.be.revertedWithCustomError(c.offering, "OfferingInvalidStatus")
        .withArgs(c.id, OFFERING_STATUS.Finalized);
    });

    it("refunds every deposit of a cancelled offering, after the window too, once", async () => {
      const c = await loadFixture(finalizedFixture);
      const { owner, alice, bob, carol } = c.accounts;
      await expect(c.offering.connect(owner).cancelOffering(c.id))
        .to.emit(c.offering, "OfferingCancelled")
        .withArgs(c.id, 3n, DEPOSIT.alice + DEPOSIT.bob + DEPOSIT.carol);
      await expect(c.offering.connect(owner).refundApplicant(c.id, carol.address))
        .to.emit(c.offering, "ApplicantRefunded")
        .withArgs(c.id, carol.address, ALLOTTED.carol, DEPOSIT.carol);
      for (const [wallet, deposit] of [
        [alice, DEPOSIT.alice],
        [bob, DEPOSIT.bob],
      ] as const) {
        await expect(c.offering.connect(wallet).withdraw(c.id)).to.changeTokenBalances(
          c.market.cash,
          [wallet, c.offering],
          [deposit, -deposit],
        );
      }
      await expect(c.offering.connect(carol).withdraw(c.id))
        .to.be.revertedWithCustomError(c.offering, "OfferingApplicantSettled")
        .withArgs(c.id, carol.address, APPLICATION_STATUS.Refunded);
      const o = await c.offering.offering(c.id);
      expect([o.deposits, o.allottedFace, o.allottedCash]).to.deep.equal([0n, 0n, 0n]);
      expect(await c.market.cash.balanceOf(c.offeringAddress)).to.equal(0n);
    });
  });

  describe(".allot()", () => {
    it("sets each applicant's allotment and emits AllotmentSet with what it costs", async () => {
      const c = await loadFixture(closedFixture);
      const { alice, bob } = c.accounts;
      await expect(allot(c, { alice: ALLOTTED.alice, bob: ALLOTTED.bob }))
        .to.emit(c.offering, "AllotmentSet")
        .withArgs(c.id, alice.address, ALLOTTED.alice, PAYMENT.alice)
        .and.to.emit(c.offering, "AllotmentSet")
        .withArgs(c.id, bob.address, ALLOTTED.bob, PAYMENT.bob);
      expect((await c.offering.application(c.id, alice.address)).allotted).to.equal(ALLOTTED.alice);
      expect([...(await c.offering.settlementOf(c.id, alice.address))]).to.deep.equal([
        DEPOSIT.alice,
        PAYMENT.alice,
        REFUND.alice,
      ]);
      const o = await c.offering.offering(c.id);
      expect([o.allottedFace, o.allottedCash]).to.deep.equal([
        ALLOTTED.alice + ALLOTTED.bob,
        PAYMENT.alice + PAYMENT.bob,
      ]);
    });

    it("replaces earlier allotments, in later batches too", async () => {
      const c = await loadFixture(closedFixture);
      await send(allot(c, { alice: APPLIED.alice, bob: 30_000_000n }));
      await send(allot(c, { alice: ALLOTTED.alice }));
      await send(allot(c, { bob: ALLOTTED.bob, carol: ALLOTTED.carol }));
      const o = await c.offering.offering(c.id);
      expect([o.allottedFace, o.allottedCash]).to.deep.equal([SIZE, PROCEEDS]);
    });

    it("reverts while applications are still accepted", async () => {
      const c = await loadFixture(appliedFixture);
      await time.setNextBlockTimestamp(c.close - 1);
      await expect(allot(c, { alice: UNIT }))
        .to.be.revertedWithCustomError(c.offering, "OfferingApplicationsOpen")
        .withArgs(c.id, c.close - 1, c.close);
    });

    it("reverts for a caller who is not an issuer agent (of the Offering, or of the bond)", async () => {
      const c = await loadFixture(closedFixture);
      const { owner, outsider, agent, alice } = c.accounts;
      await expect(c.offering.connect(outsider).allot(c.id, [alice.address], [UNIT]))
        .to.be.revertedWithCustomError(c.offering, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, ROLES.ISSUER_AGENT);
      await send(c.offering.connect(owner).grantRole(ROLES.ISSUER_AGENT, agent.address));
      await expect(c.offering.connect(agent).allot(c.id, [alice.address], [UNIT]))
        .to.be.revertedWithCustomError(c.offering, "OfferingCallerNotIssuer")
        .withArgs(await c.jgb2.getAddress(), agent.address);
    });

    it("reverts for an empty batch, a batch above MAX_BATCH, or lengths that differ", async () => {
      const c = await loadFixture(closedFixture);
      const { owner, alice } = c.accounts;
      await expect(c.offering.connect(owner).allot(c.id, [], []))
        .to.be.revertedWithCustomError(c.offering, "OfferingBadBatch")
        .withArgs(0n, 200n);
      const many = Array<string>(201).fill(alice.address);
      await expect(c.offering.connect(owner).allot(c.id, many, Array<bigint>(201).fill(0n)))
        .to.be.revertedWithCustomError(c.offering, "OfferingBadBatch")
        .withArgs(201n, 200n);
      await expect(c.offering.connect(owner).allot(c.id, [alice.address], [UNIT, UNIT]))
        .to.be.revertedWithCustomError(c.offering, "OfferingLengthMismatch")
        .withArgs(1n, 2n);
    });

    it("reverts for an address that did not apply", async () => {
      const c = await loadFixture(closedFixture);
      const dave = c.accounts.dave;
      await expect(c.offering.connect(c.accounts.owner).allot(c.id, [dave.address], [UNIT]))
        .to.be.revertedWithCustomError(c.offering, "OfferingNoApplication")
        .withArgs(c.id, dave.address);
    });

    it("reverts for face that is not whole units", async () => {
      const c = await loadFixture(closedFixture);
      await expect(allot(c, { alice: 70_000n }))
        .to.be.revertedWithCustomError(c.offering, "OfferingFaceNotWholeUnits")
        .withArgs(70_000n, UNIT);
    });

    it("reverts for more than the applicant applied for", async () => {
      const c = await loadFixture(closedFixture);
      await expect(allot(c, { carol: APPLIED.carol + UNIT }))
        .to.be.revertedWithCustomError(c.offering, "OfferingAllotmentAboveApplication")
        .withArgs(c.id, c.accounts.carol.address, APPLIED.carol + UNIT, APPLIED.carol);
    });

    it("reverts when the total allotted, across batches, exceeds the size", async () => {
      const c = await loadFixture(closedFixture);
      await send(allot(c, { alice: APPLIED.alice }));
      await expect(allot(c, { bob: APPLIED.bob }))
        .to.be.revertedWithCustomError(c.offering, "OfferingAllotmentAboveSize")
        .withArgs(c.id, APPLIED.alice + APPLIED.bob, SIZE);
    });

    it("reverts once the allotment is final", async () => {
      const c = await loadFixture(finalizedFixture);
      await expect(allot(c, { alice: UNIT }))
        .to.be.revertedWithCustomError(c.offering, "OfferingInvalidStatus")
        .withArgs(c.id, OFFERING_STATUS.Finalized);
    });
  });

  describe(".finalizeAllotment()", () => {
    it("makes the allotment final and emits AllotmentFinalized with the totals", async () => {
      const c = await loadFixture(closedFixture);
      await send(allot(c, ALLOTTED));
      await expect(c.offering.connect(c.accounts.owner).finalizeAllotment(c.id))
        .to.emit(c.offering, "AllotmentFinalized")
        .withArgs(c.id, 3n, APPLIED.alice + APPLIED.bob + APPLIED.carol, SIZE, PROCEEDS);
      expect((await c.offering.offering(c.id)).status).to.equal(OFFERING_STATUS.Finalized);
    });

    it("reverts while applications are accepted, and a second time", async () => {
      const c = await loadFixture(appliedFixture);
      const owner = c.accounts.owner;
      await time.setNextBlockTimestamp(c.close - 1);
      await expect(c.offering.connect(owner).finalizeAllotment(c.id))
        .to.be.revertedWithCustomError(c.offering, "OfferingApplicationsOpen")
        .withArgs(c.id, c.close - 1, c.close);
      await time.increaseTo(c.close);
      await send(c.offering.connect(owner).finalizeAllotment(c.id));
      await expect(c.offering.connect(owner).finalizeAllotment(c.id))
        .to.be.revertedWithCustomError(c.offering, "OfferingInvalidStatus")
        .withArgs(c.id, OFFERING_STATUS.Finalized);
    });
  });

  describe(".deliver()", () => {
    it("mints the allotment, pays the issuer and refunds the rest, for anyone who calls", async () => {
      const c = await loadFixture(deliveryDayFixture);
      const { alice, bob, outsider, mof } = c.accounts;
      const tx = c.offering.connect(outsider).deliver(c.id, [alice.address, bob.address]);
      await expect(tx)
        .to.emit(c.offering, "ApplicantDelivered")
        .withArgs(c.id, alice.address, ALLOTTED.alice, PAYMENT.alice, REFUND.alice)
        .and.to.emit(c.offering, "ApplicantDelivered")
        .withArgs(c.id, bob.address, ALLOTTED.bob, PAYMENT.bob, REFUND.bob);
      await expect(tx).to.changeTokenBalances(
        c.market.cash,
        [mof, alice, bob, c.offering],
        [PAYMENT.alice + PAYMENT.bob, REFUND.alice, REFUND.bob, -(DEPOSIT.alice + DEPOSIT.bob)],
      );
      await expect(tx).to.changeTokenBalances(c.jgb2, [alice, bob], [ALLOTTED.alice, ALLOTTED.bob]);
      const o = await c.offering.offering(c.id);
      expect([o.settled, o.deliveredFace, o.deposits]).to.deep.equal([
        2n,
        ALLOTTED.alice + ALLOTTED.bob,
        DEPOSIT.carol,
      ]);
      expect((await c.offering.application(c.id, alice.address)).status).to.equal(APPLICATION_STATUS.Delivered);
    });

    it("only refunds an applicant allotted nothing (the issuer gets nothing from it)", async () => {
      const c = await loadFixture(closedFixture);
      const { owner, alice, bob, mof } = c.accounts;
      await send(allot(c, { alice: APPLIED.alice }));
      await send(c.offering.connect(owner).finalizeAllotment(c.id));
      await time.increaseTo(jstMidnight(c.issueDay));
      const tx = c.offering.connect(bob).deliver(c.id, [bob.address]);
      await expect(tx).to.emit(c.offering, "ApplicantDelivered").withArgs(c.id, bob.address, 0n, 0n, DEPOSIT.bob);
      await expect(tx).to.changeTokenBalances(c.market.cash, [bob, mof], [DEPOSIT.bob, 0n]);
      expect(await c.jgb2.balanceOf(bob.address)).to.equal(0n);
      await expect(c.offering.connect(alice).deliver(c.id, [alice.address])).to.changeTokenBalances(
        c.jgb2,
        [alice],
        [APPLIED.alice],
      );
    });

    it("reverts before the allotment is final", async () => {
      const c = await loadFixture(closedFixture);
      await expect(c.offering.deliver(c.id, [c.accounts.alice.address]))
        .to.be.revertedWithCustomError(c.offering, "OfferingInvalidStatus")
        .withArgs(c.id, OFFERING_STATUS.Open);
    });

    it("reverts before the delivery day", async () => {
      const c = await loadFixture(finalizedFixture);
      await time.setNextBlockTimestamp(jstMidnight(c.issueDay) - 1);
      await expect(c.offering.deliver(c.id, [c.accounts.alice.address]))
        .to.be.revertedWithCustomError(c.offering, "OfferingBeforeDeliveryDay")
        .withArgs(c.id, c.issueDay, c.issueDay - 1);
    });

    it("reverts for an applicant delivered already, in a later batch or twice in one", async () => {
      const c = await loadFixture(deliveryDayFixture);
      const { alice, bob } = c.accounts;
      await send(c.offering.deliver(c.id, [alice.address]));
      await expect(c.offering.deliver(c.id, [bob.address, alice.address]))
        .to.be.revertedWithCustomError(c.offering, "OfferingApplicantSettled")
        .withArgs(c.id, alice.address, APPLICATION_STATUS.Delivered);
      await expect(c.offering.deliver(c.id, [bob.address, bob.address]))
        .to.be.revertedWithCustomError(c.offering, "OfferingApplicantSettled")
        .withArgs(c.id, bob.address, APPLICATION_STATUS.Delivered);
      expect(await c.jgb2.balanceOf(bob.address)).to.equal(0n);
    });

    it("reverts for an address that did not apply, and for empty or oversized batches", async () => {
      const c = await loadFixture(deliveryDayFixture);
      const dave = c.accounts.dave;
      await expect(c.offering.deliver(c.id, [dave.address]))
        .to.be.revertedWithCustomError(c.offering, "OfferingNoApplication")
        .withArgs(c.id, dave.address);
      await expect(c.offering.deliver(c.id, []))
        .to.be.revertedWithCustomError(c.offering, "OfferingBadBatch")
        .withArgs(0n, 200n);
      await expect(c.offering.deliver(c.id, Array<string>(201).fill(dave.address)))
        .to.be.revertedWithCustomError(c.offering, "OfferingBadBatch")
        .withArgs(201n, 200n);
    });

    it("is atomic: a refused mint reverts the batch; the agent refunds that applicant in full, unverified too", async () => {
      const c = await loadFixture(deliveryDayFixture);
      const { owner, registrar, alice, bob, mof } = c.accounts;
      await send(c.suite.identityRegistry.connect(registrar).deleteIdentity(alice.address));
      const before = await Promise.all([bob, mof, c.offering].map((w) => c.market.cash.balanceOf(w)));
      await expect(c.offering.deliver(c.id, [bob.address, alice.address]))
        .to.be.revertedWithCustomError(c.jgb2, "TokenRecipientNotVerified")
        .withArgs(alice.address);
      expect(await Promise.all([bob, mof, c.offering].map((w) => c.market.cash.balanceOf(w)))).to.deep.equal(before);
      expect(await c.jgb2.balanceOf(bob.address)).to.equal(0n);
      expect((await c.offering.application(c.id, bob.address)).status).to.equal(APPLICATION_STATUS.Applied);

      const refund = c.offering.connect(owner).refundApplicant(c.id, alice.address);
      await expect(refund)
        .to.emit(c.offering, "ApplicantRefunded")
        .withArgs(c.id, alice.address, ALLOTTED.alice, DEPOSIT.alice);
      await expect(refund).to.changeTokenBalances(c.market.cash, [alice, c.offering], [DEPOSIT.alice, -DEPOSIT.alice]);
      const o = await c.offering.offering(c.id);
      expect([o.allottedFace, o.allottedCash, o.settled]).to.deep.equal([
        ALLOTTED.bob + ALLOTTED.carol,
        PAYMENT.bob + PAYMENT.carol,
        1n,
      ]);
      await expect(c.offering.deliver(c.id, [alice.address]))
        .to.be.revertedWithCustomError(c.offering, "OfferingApplicantSettled")
        .withArgs(c.id, alice.address, APPLICATION_STATUS.Refunded);
      await expect(c.offering.deliver(c.id, [bob.address])).to.changeTokenBalances(
        c.market.cash,
        [mof, bob],
        [PAYMENT.bob, REFUND.bob],
      );
    });

    it("applies the bond's compliance at issuance (retail: an applicant who is no longer an individual)", async () => {
      const c = await loadFixture(retailFixture);
      const { owner, alice, bob } = c.accounts;
      await send(c.offering.connect(alice).applyFor(c.id, 30_000n));
      await send(c.offering.connect(bob).applyFor(c.id, 20_000n));
      await time.increaseTo(c.close);
      await send(c.offering.connect(owner).allot(c.id, [alice.address, bob.address], [30_000n, 20_000n]));
      await send(c.offering.connect(owner).finalizeAllotment(c.id));
      await time.increaseTo(jstMidnight(c.issueDay));
      const [, , , signature] = await c.investors.alice.identity.getClaim(
        claimId(await c.kyc.issuer.getAddress(), TOPICS.INDIVIDUAL),
      );
      await send(c.kyc.issuer.connect(c.kyc.key).revokeClaimBySignature(signature));
      await expect(c.offering.deliver(c.id, [alice.address, bob.address]))
        .to.be.revertedWithCustomError(c.retail, "TokenTransferNotCompliant")
        .withArgs(ethers.ZeroAddress, alice.address, 30_000n, await c.suite.modules.eligibility.getAddress());
      await send(c.offering.connect(owner).refundApplicant(c.id, alice.address));
      await send(c.offering.deliver(c.id, [bob.address]));
      expect(await c.retail.totalSupply()).to.equal(20_000n);
      await expect(c.offering.connect(owner).closeOffering(c.id))
        .to.emit(c.offering, "OfferingClosed")
        .withArgs(c.id, 2n, 20_000n, 20_000n);
    });
  });

  describe(".refundApplicant()", () => {
    it("reverts while the offering is open, for a settled applicant, and for a caller who is not an issuer agent", async () => {
      const c = await loadFixture(closedFixture);
      const { owner, outsider, alice } = c.accounts;
      await expect(c.offering.connect(owner).refundApplicant(c.id, alice.address))
        .to.be.revertedWithCustomError(c.offering, "OfferingInvalidStatus")
        .withArgs(c.id, OFFERING_STATUS.Open);
      await send(allot(c, ALLOTTED));
      await send(c.offering.connect(owner).finalizeAllotment(c.id));
      await time.increaseTo(jstMidnight(c.issueDay));
      await send(c.offering.deliver(c.id, [alice.address]));
      await expect(c.offering.connect(owner).refundApplicant(c.id, alice.address))
        .to.be.revertedWithCustomError(c.offering, "OfferingApplicantSettled")
        .withArgs(c.id, alice.address, APPLICATION_STATUS.Delivered);
      await expect(c.offering.connect(outsider).refundApplicant(c.id, alice.address))
        .to.be.revertedWithCustomError(c.offering, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, ROLES.ISSUER_AGENT);
    });
  });

  describe(".cancelOffering()", () => {
    it("cancels an open offering: applicants withdraw their deposits", async () => {
      const c = await loadFixture(appliedFixture);
      const { owner, carol } = c.accounts;
      await expect(c.offering.connect(owner).cancelOffering(c.id))
        .to.emit(c.offering, "OfferingCancelled")
        .withArgs(c.id, 3n, DEPOSIT.alice + DEPOSIT.bob + DEPOSIT.carol);
      expect((await c.offering.offering(c.id)).status).to.equal(OFFERING_STATUS.Cancelled);
      await expect(c.offering.connect(carol).withdraw(c.id)).to.changeTokenBalance(c.market.cash, carol, DEPOSIT.carol);
      await expect(c.offering.connect(owner).cancelOffering(c.id))
        .to.be.revertedWithCustomError(c.offering, "OfferingInvalidStatus")
        .withArgs(c.id, OFFERING_STATUS.Cancelled);
    });

    it("reverts once units were delivered", async () => {
      const c = await loadFixture(deliveryDayFixture);
      const { owner, bob } = c.accounts;
      await send(c.offering.deliver(c.id, [bob.address]));
      await expect(c.offering.connect(owner).cancelOffering(c.id))
        .to.be.revertedWithCustomError(c.offering, "OfferingAlreadyDelivered")
        .withArgs(c.id, ALLOTTED.bob);
    });

    it("reverts for a caller who is not an issuer agent of the bond", async () => {
      const c = await loadFixture(appliedFixture);
      const { owner, agent } = c.accounts;
      await send(c.offering.connect(owner).grantRole(ROLES.ISSUER_AGENT, agent.address));
      await expect(c.offering.connect(agent).cancelOffering(c.id))
        .to.be.revertedWithCustomError(c.offering, "OfferingCallerNotIssuer")
        .withArgs(await c.jgb2.getAddress(), agent.address);
    });
  });

  describe(".closeOffering()", () => {
    it("reverts before the allotment is final, and while applicants remain", async () => {
      const c = await loadFixture(closedFixture);
      const { owner, alice, bob } = c.accounts;
      await expect(c.offering.connect(owner).closeOffering(c.id))
        .to.be.revertedWithCustomError(c.offering, "OfferingInvalidStatus")
        .withArgs(c.id, OFFERING_STATUS.Open);
      await send(allot(c, ALLOTTED));
      await send(c.offering.connect(owner).finalizeAllotment(c.id));
      await time.increaseTo(jstMidnight(c.issueDay));
      await send(c.offering.deliver(c.id, [alice.address, bob.address]));
      await expect(c.offering.connect(owner).closeOffering(c.id))
        .to.be.revertedWithCustomError(c.offering, "OfferingApplicantsOutstanding")
        .withArgs(c.id, 2n, 3n);
    });
  });

  describe("issuer agent functions", () => {
    it("revert for a caller without ISSUER_AGENT on the Offering", async () => {
      const c = await loadFixture(closedFixture);
      const { outsider, alice } = c.accounts;
      const calls = [
        () => c.offering.connect(outsider).finalizeAllotment(c.id),
        () => c.offering.connect(outsider).cancelOffering(c.id),
        () => c.offering.connect(outsider).closeOffering(c.id),
        () => c.offering.connect(outsider).refundApplicant(c.id, alice.address),
      ];
      for (const call of calls) {
        await expect(call())
          .to.be.revertedWithCustomError(c.offering, "AccessControlUnauthorizedAccount")
          .withArgs(outsider.address, ROLES.ISSUER_AGENT);
      }
    });
  });

  describe("issuance end to end", () => {
    it("issues the fixture's JGB: oversubscribed, pro-rata allotment, delivery, refunds, exact proceeds", async function () {
      const c = await loadFixture(offeringFixture);
      const { owner, alice, bob, carol, mof, outsider } = c.accounts;
      // The fixture's JGB is issued today: the window must close today (JST) for delivery on the issue day.
      const now = await time.latest();
      const closeTime = jstMidnight(c.today + 1) - 1;
      if (closeTime - now < 600) this.skip();
      const bond = await c.bond.getAddress();
      await send(c.bond.connect(owner).grantRole(ROLES.SUPPLY_AGENT, c.offeringAddress));
      const mofBefore = await c.market.cash.balanceOf(mof.address);
      // Interest runs from the regular coupon date before the first coupon: buyers at issue pay what
      // accrued since, face × 1.2% × days / 365 truncated (at most the half-year coupon).
      const [interestStart] = await c.bond.scheduleDays();
      const days = BigInt(c.today) - interestStart;
      const accrued = (face: bigint) => {
        const amount = (face * 12_000n * days) / 365_000_000n;
        const coupon = (face * 12_000n) / 2_000_000n;
        return amount < coupon ? amount : coupon;
      };
      const names = ["alice", "bob", "carol"] as const;
      const payment = (n: (typeof names)[number]) => PAYMENT[n] + accrued(ALLOTTED[n]);
      const refund = (n: (typeof names)[number]) => DEPOSIT[n] + accrued(APPLIED[n]) - payment(n);
      const proceeds = names.reduce((sum, n) => sum + payment(n), 0n);

      const { id } = await open(c, { bond, price: parsePrice("99.871"), closeTime, deliveryDay: c.today });
      expect([...(await c.offering.quote(id, APPLIED.alice))]).to.deep.equal([DEPOSIT.alice, accrued(APPLIED.alice)]);
      for (const [wallet, face] of [
        [alice, APPLIED.alice],
        [bob, APPLIED.bob],
        [carol, APPLIED.carol],
      ] as const) {
        await send(c.offering.connect(wallet).applyFor(id, face));
      }
      await time.increaseTo(closeTime);

      const live = await applicationsOf(c.offering, id);
      const allotment = proRataAllotment(live, SIZE, UNIT);
      const expected = new Map([
        [alice.address, ALLOTTED.alice],
        [bob.address, ALLOTTED.bob],
        [carol.address, ALLOTTED.carol],
      ]);
      expect(allotment).to.have.length(3);
      for (const a of allotment) expect(a.face).to.equal(expected.get(a.applicant));

      await send(
        c.offering.connect(owner).allot(
          id,
          allotment.map((a) => a.applicant),
          allotment.map((a) => a.face),
        ),
      );
      await send(c.offering.connect(owner).finalizeAllotment(id));
      const [first] = await deliverInBatches(c.offering, outsider, id, [alice.address, bob.address, carol.address], 2);
      const delivered = first.logs
        .map((log) => c.offering.interface.parseLog(log))
        .filter((e) => e?.name === "ApplicantDelivered")
        .map((e) => [e!.args.applicant, e!.args.face, e!.args.payment, e!.args.refund]);
      expect(delivered).to.deep.equal([
        [alice.address, ALLOTTED.alice, payment("alice"), refund("alice")],
        [bob.address, ALLOTTED.bob, payment("bob"), refund("bob")],
      ]);
      await expect(c.offering.connect(owner).closeOffering(id))
        .to.emit(c.offering, "OfferingClosed")
        .withArgs(id, 3n, SIZE, proceeds);

      expect(await c.bond.totalSupply()).to.equal(SIZE);
      for (const [wallet, name] of [
        [alice, "alice"],
        [bob, "bob"],
        [carol, "carol"],
      ] as const) {
        expect(await c.bond.balanceOf(wallet.address)).to.equal(ALLOTTED[name]);
        expect(await c.market.cash.balanceOf(wallet.address)).to.equal(100_000_000n - payment(name));
      }
      expect(await c.market.cash.balanceOf(mof.address)).to.equal(mofBefore + proceeds);
      expect(await c.market.cash.balanceOf(c.offeringAddress)).to.equal(0n);
      const o = await c.offering.offering(id);
      expect([o.status, o.deposits, o.settled, o.applicants]).to.deep.equal([
        BigInt(OFFERING_STATUS.Closed),
        0n,
        3n,
        3n,
      ]);
    });

    it("issues a discount bill below face: no accrued interest, the issuer receives face × price", async () => {
      const c = await loadFixture(offeringFixture);
      const { owner, alice, bob, mof } = c.accounts;
      const { bond: bill } = await createBond(c.market, owner, {
        ...c.jgb2Options,
        kind: "DiscountBill",
        name: "T-Bill 6M #1301",
        symbol: "TB1301",
        isin: isin("JP1741301P1"),
        maturityDate: c.issueDay + 182,
        couponRate: 0,
        couponFrequency: 0,
        supplyAgents: [c.offeringAddress],
      });
      const price = parsePrice("99.9823");
      expect(price).to.equal(99_982_300n);
      const { id, terms } = await open(c, { bond: await bill.getAddress(), price });
      expect([...(await c.offering.quote(id, SIZE))]).to.deep.equal([99_982_300n, 0n]);
      await send(c.offering.connect(alice).applyFor(id, 60_000_000n));
      await send(c.offering.connect(bob).applyFor(id, 50_000_000n));
      await time.increaseTo(Number(terms.closeTime));
      await time.increaseTo(jstMidnight(c.issueDay));
      const mofBefore = await c.market.cash.balanceOf(mof.address);
      // 2,000 units over 2,200: alice 1,090.9 (remainder 2,000), bob 909.09 (200): the last unit to alice.
      expect(await allotDeliverAndClose(c.offering, owner, id)).to.deep.equal(
        [
          { applicant: alice.address, face: 54_550_000n },
          { applicant: bob.address, face: 45_450_000n },
        ].sort((a, b) => (BigInt(a.applicant) < BigInt(b.applicant) ? -1 : 1)),
      );
      // 54,550,000 × 0.999823 = 54,540,344.65; 45,450,000 × 0.999823 = 45,441,955.35.
      expect(await c.market.cash.balanceOf(alice.address)).to.equal(100_000_000n - 54_540_344n);
      expect(await c.market.cash.balanceOf(bob.address)).to.equal(100_000_000n - 45_441_955n);
      expect(await c.market.cash.balanceOf(mof.address)).to.equal(mofBefore + 54_540_344n + 45_441_955n);
      expect(await bill.totalSupply()).to.equal(SIZE);
      expect(await c.market.cash.balanceOf(c.offeringAddress)).to.equal(0n);
    });

    it("reopens a JGB: buyers pay interest accrued from the interest start, then from the last coupon date", async () => {
      const c = await loadFixture(offeringFixture);
      const { owner, alice, bob, carol, mof } = c.accounts;
      // The original issue, delivered on the issue day: nothing accrued.
      const first = await open(c, { price: PAR });
      await send(c.offering.connect(alice).applyFor(first.id, 20_000_000n));
      await time.increaseTo(jstMidnight(c.issueDay));
      await allotDeliverAndClose(c.offering, owner, first.id);
      expect(await c.jgb2.totalSupply()).to.equal(20_000_000n);

      // A reopening delivered 40 days after the interest start, at par.
      const reopening = c.issueDay + 40;
      const second = await open(c, {
        price: PAR,
        openTime: await time.latest(),
        closeTime: jstMidnight(reopening - 1),
        deliveryDay: reopening,
      });
      const accrualEvents = await c.offering.queryFilter(c.offering.filters.OfferingAccrualSet(second.id));
      expect(accrualEvents[0].args.accrualStart).to.equal(c.issueDay);
      expect(accrualEvents[0].args.rate).to.equal(12_000n);
      // 10,000,000 × 1.2% × 40 / 365 = 13,150.68; 5,000,000 -> 6,575.34.
      expect([...(await c.offering.quote(second.id, 10_000_000n))]).to.deep.equal([10_000_000n, 13_150n]);
      await expect(c.offering.connect(bob).applyFor(second.id, 10_000_000n))
        .to.emit(c.offering, "ApplicationSubmitted")
        .withArgs(second.id, bob.address, 10_000_000n, 10_013_150n, 10_000_000n, 10_013_150n);
      await send(c.offering.connect(carol).applyFor(second.id, 5_000_000n));
      await time.increaseTo(jstMidnight(reopening));
      const mofBefore = await c.market.cash.balanceOf(mof.address);
      await allotDeliverAndClose(c.offering, owner, second.id);
      expect(await c.market.cash.balanceOf(mof.address)).to.equal(mofBefore + 10_013_150n + 5_006_575n);
      expect(await c.jgb2.totalSupply()).to.equal(35_000_000n);

      // After the first coupon date: interest accrues from it (10 days, 3,287.67 on 10m).
      const [firstCoupon] = await c.jgb2.couponDate(0);
      const later = Number(firstCoupon) + 10;
      const third = await open(c, {
        price: parsePrice("100.5"),
        openTime: await time.latest(),
        closeTime: jstMidnight(later),
        deliveryDay: later,
      });
      const [thirdAccrual] = await c.offering.queryFilter(c.offering.filters.OfferingAccrualSet(third.id));
      expect([thirdAccrual.args.accrualStart, thirdAccrual.args.deliveryDay, thirdAccrual.args.rate]).to.deep.equal([
        firstCoupon,
        BigInt(later),
        12_000n,
      ]);
      expect([...(await c.offering.quote(third.id, 10_000_000n))]).to.deep.equal([10_050_000n, 3_287n]);
    });
  });

  describe("gas", () => {
    /** alice, bob and carol applied (alice topped up), 10m each allotted, delivery day; alice delivered. */
    async function gasFixture() {
      const c = await loadFixture(openFixture);
      const { owner, alice, bob, carol } = c.accounts;
      const first = await send(c.offering.connect(alice).applyFor(c.id, 10_000_000n));
      const topUp = await send(c.offering.connect(alice).applyFor(c.id, 10_000_000n));
      const next = await send(c.offering.connect(bob).applyFor(c.id, 20_000_000n));
      await send(c.offering.connect(carol).applyFor(c.id, 20_000_000n));
      await time.increaseTo(c.close);
      const applicants = [alice.address, bob.address, carol.address];
      await send(c.offering.connect(owner).allot(c.id, applicants, Array<bigint>(3).fill(10_000_000n)));
      await send(c.offering.connect(owner).finalizeAllotment(c.id));
      await time.increaseTo(jstMidnight(c.issueDay));
      const firstDelivery = await send(c.offering.deliver(c.id, [alice.address]));
      const gas = {
        first: first.gasUsed,
        topUp: topUp.gasUsed,
        next: next.gasUsed,
        firstDelivery: firstDelivery.gasUsed,
      };
      return { ...c, gas };
    }

    it("measures an application, a top-up and a delivered applicant", async () => {
      let c = await loadFixture(gasFixture);
      const one = await send(c.offering.deliver(c.id, [c.accounts.bob.address]));
      c = await loadFixture(gasFixture);
      const two = await send(c.offering.deliver(c.id, [c.accounts.bob.address, c.accounts.carol.address]));
      const perApplicant = two.gasUsed - one.gasUsed;
      console.log(
        `      gas: application ${c.gas.next} (the offering's first ${c.gas.first}), top-up ${c.gas.topUp}; ` +
          `delivery: the offering's first batch of 1 ${c.gas.firstDelivery}, later batch of 1 ${one.gasUsed}, ` +
          `of 2 ${two.gasUsed}: +${perApplicant} per applicant`,
      );
      if (COVERAGE) return;
      expect(c.gas.next).to.be.lessThan(200_000n);
      expect(perApplicant).to.be.lessThan(90_000n);
    });
  });
});

/** A 5-year retail JGB (individuals only, ¥10,000 unit) issued on `issueDay`, with an open offering at par. */
async function retailFixture() {
  const c = await loadFixture(offeringFixture);
  const { bond: retail } = await createBond(c.market, c.accounts.owner, {
    ...c.jgb2Options,
    kind: "RetailFixedJgb",
    name: "Retail JGB 5Y #171",
    symbol: "RJGB171",
    isin: isin("JP1051711N1"),
    maturityDate: addYears(c.issueDay, 5),
    couponRate: 5_000,
    issueVolume: 1_000_000_000n,
    supplyAgents: [c.offeringAddress],
  });
  const { id, terms } = await open(c, { bond: await retail.getAddress(), price: PAR, size: 1_000_000n });
  return { ...c, retail, id, terms, close: Number(terms.closeTime) };
}

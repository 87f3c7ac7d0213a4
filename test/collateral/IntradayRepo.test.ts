import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { keccak256, toUtf8Bytes, ZeroAddress } from "ethers";
import type { CallbackTokenMock, ERC1271WalletMock } from "../../typechain-types";
import {
  affirmed,
  balances,
  DAY,
  domainOf,
  HOUR,
  idOf,
  interestOf,
  JGB_UNIT,
  makeRepo,
  repoFixture,
  signRepo,
  STATUS,
  tuple,
  type Repo,
  type RepoContext,
} from "./repo-fixtures";

/** Gas figures are meaningless under solidity-coverage's instrumentation. */
const COVERAGE = (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true;

/** The next transaction is mined at `timestamp`. */
async function at(timestamp: bigint) {
  await time.setNextBlockTimestamp(timestamp);
}

/** An alice -> bob repo instructed by alice only. */
async function withInstructedRepoFixture() {
  const c = await loadFixture(repoFixture);
  const repo = await makeRepo(c);
  await c.repo.connect(c.accounts.alice).instruct(repo);
  return { ...c, terms: repo, id: await idOf(c.repo, repo) };
}

/** An affirmed alice -> bob repo, not opened. */
async function withAffirmedRepoFixture() {
  const c = await loadFixture(repoFixture);
  const repo = await makeRepo(c);
  const id = await affirmed(c, repo);
  return { ...c, terms: repo, id };
}

/**
 * The affirmed repo opened at the last moment of its window (openBy), 7 hours before the repurchase time:
 * interest = 4,990,000 × 5,000 × 25,200 ÷ (31,536,000 × 10^6) = 19.93… → ¥19.
 */
async function withOpenRepoFixture() {
  const c = await loadFixture(withAffirmedRepoFixture);
  await at(c.terms.openBy);
  await c.repo.open(c.terms);
  return { ...c, openedAt: c.terms.openBy, interest: 19n, repurchasePrice: 4_990_019n };
}

/** A test-only token whose transferFrom calls back into the repo contract. */
async function deployCallbackToken(): Promise<CallbackTokenMock> {
  const factory = await ethers.getContractFactory("CallbackTokenMock");
  return (await factory.deploy()) as unknown as CallbackTokenMock;
}

/** Asserts that neither token moved for `wallets` since `before`. */
async function expectNothingMoved(
  c: RepoContext,
  wallets: { address: string }[],
  before: Awaited<ReturnType<typeof balances>>,
) {
  expect(await balances(c, wallets)).to.deep.equal(before);
}

async function statusOf(c: RepoContext, id: string) {
  return (await c.repo.repoState(id)).status;
}

describe("IntradayRepo", () => {
  describe("deployment", () => {
    it("names its constants: the rate cap, the longest term, the day-count year, the EIP-712 type", async () => {
      const { repo } = await loadFixture(repoFixture);
      expect(await repo.MAX_ABS_RATE()).to.equal(100_000n);
      expect(await repo.MAX_TERM()).to.equal(365n * DAY);
      expect(await repo.MAX_PURCHASE_PRICE()).to.equal(2n ** 128n - 1n);
      expect(await repo.RATE_ONE()).to.equal(1_000_000n);
      expect(await repo.DAY_COUNT_SECONDS()).to.equal(31_536_000n);
      expect(await repo.REPO_TYPEHASH()).to.equal(
        keccak256(
          toUtf8Bytes(
            "Repo(address borrower,address lender,address bond,uint256 units,address cash,uint256 purchasePrice," +
              "int32 rate,uint64 openBy,uint64 repurchaseTime,uint64 deadline,uint256 nonce)",
          ),
        ),
      );
    });

    it("publishes its EIP-712 domain", async () => {
      const { repo } = await loadFixture(repoFixture);
      const domain = await domainOf(repo);
      const published = await repo.eip712Domain();
      expect(published.name).to.equal(domain.name);
      expect(published.version).to.equal(domain.version);
      expect(published.chainId).to.equal(domain.chainId);
      expect(published.verifyingContract).to.equal(domain.verifyingContract);
    });
  });

  describe(".repoId()", () => {
    it("is the EIP-712 digest of the terms, so the id is what the parties sign", async () => {
      const c = await loadFixture(repoFixture);
      const terms = await makeRepo(c);
      expect(await c.repo.repoId(terms)).to.equal(await idOf(c.repo, terms));
      const negative = { ...terms, rate: -1_000n };
      expect(await c.repo.repoId(negative)).to.equal(await idOf(c.repo, negative));
    });

    it("changes with every field", async () => {
      const c = await loadFixture(repoFixture);
      const terms = await makeRepo(c);
      const id = await c.repo.repoId(terms);
      const variants: Partial<Repo>[] = [
        { borrower: c.accounts.carol.address },
        { lender: c.accounts.carol.address },
        { bond: c.accounts.dave.address },
        { units: terms.units + 1n },
        { cash: c.accounts.dave.address },
        { purchasePrice: terms.purchasePrice + 1n },
        { rate: -terms.rate },
        { openBy: terms.openBy + 1n },
        { repurchaseTime: terms.repurchaseTime + 1n },
        { deadline: terms.deadline + 1n },
        { nonce: 1n },
      ];
      for (const variant of variants) {
        expect(await c.repo.repoId({ ...terms, ...variant })).to.not.equal(id);
      }
    });
  });

  describe(".quote()", () => {
    it("is Act/365 by the second, truncated to the yen: 4,990,000 at 0.5% for 8 hours is ¥22 (22.79)", async () => {
      const c = await loadFixture(repoFixture);
      const terms = await makeRepo(c);
      const openedAt = terms.repurchaseTime - 8n * HOUR;
      const [interest, repurchasePrice] = await c.repo.quote(terms, openedAt);
      expect(interest).to.equal(22n);
      expect(repurchasePrice).to.equal(4_990_022n);
      expect(interestOf(terms, openedAt)).to.deep.equal({ interest: 22n, repurchasePrice: 4_990_022n });
    });

    it("counts a full year of 365 days as the whole rate, leap year or not", async () => {
      const c = await loadFixture(repoFixture);
      const terms = await makeRepo(c, { purchasePrice: 100_000_000n, rate: 1_000n });
      const [interest] = await c.repo.quote(terms, terms.repurchaseTime - 365n * DAY);
      expect(interest).to.equal(100_000n);
    });

    it("truncates a negative rate's interest toward zero: -0.1% for 8 hours is -¥4 (-4.56)", async () => {
      const c = await loadFixture(repoFixture);
      const terms = await makeRepo(c, { rate: -1_000n });
      const [interest, repurchasePrice] = await c.repo.quote(terms, terms.repurchaseTime - 8n * HOUR);
      expect(interest).to.equal(-4n);
      expect(repurchasePrice).to.equal(4_989_996n);
    });

    it("is zero when the interest is under a yen, and at a zero rate", async () => {
      const c = await loadFixture(repoFixture);
      const small = await makeRepo(c, { purchasePrice: 1_000n });
      expect((await c.repo.quote(small, small.repurchaseTime - 8n * HOUR))[0]).to.equal(0n);
      const zero = await makeRepo(c, { rate: 0n });
      expect(await c.repo.quote(zero, zero.repurchaseTime - 8n * HOUR)).to.deep.equal([0n, zero.purchasePrice]);
    });

    it("reverts with RepoOpenByNotBeforeRepurchase(openedAt, repurchaseTime) for an opening at or after it", async () => {
      const c = await loadFixture(repoFixture);
      const terms = await makeRepo(c);
      await expect(c.repo.quote(terms, terms.repurchaseTime))
        .to.be.revertedWithCustomError(c.repo, "RepoOpenByNotBeforeRepurchase")
        .withArgs(terms.repurchaseTime, terms.repurchaseTime);
    });

    it("reverts with RepoTermTooLong(repurchaseTime, openedAt + 365 days) beyond the longest term", async () => {
      const c = await loadFixture(repoFixture);
      const terms = await makeRepo(c);
      const openedAt = terms.repurchaseTime - 365n * DAY - 1n;
      await expect(c.repo.quote(terms, openedAt))
        .to.be.revertedWithCustomError(c.repo, "RepoTermTooLong")
        .withArgs(terms.repurchaseTime, openedAt + 365n * DAY);
      await expect(c.repo.quote(terms, openedAt + 1n)).to.not.be.reverted;
    });

    it("reverts with RepoRateAboveCap and RepoPurchasePriceTooLarge like the recording rules", async () => {
      const c = await loadFixture(repoFixture);
      const terms = await makeRepo(c);
      await expect(c.repo.quote({ ...terms, rate: -100_001n }, terms.openBy))
        .to.be.revertedWithCustomError(c.repo, "RepoRateAboveCap")
        .withArgs(-100_001n, 100_000n);
      await expect(c.repo.quote({ ...terms, purchasePrice: 2n ** 128n }, terms.openBy))
        .to.be.revertedWithCustomError(c.repo, "RepoPurchasePriceTooLarge")
        .withArgs(2n ** 128n, 2n ** 128n - 1n);
    });
  });

  describe(".instruct()", () => {
    describe("when the borrower instructs", () => {
      it("records the repo as Instructed with the borrower's side affirmed", async () => {
        const c = await loadFixture(repoFixture);
        const terms = await makeRepo(c);
        const id = await idOf(c.repo, terms);
        const tx = c.repo.connect(c.accounts.alice).instruct(terms);
        await expect(tx)
          .to.emit(c.repo, "RepoInstructed")
          .withArgs(id, terms.borrower, terms.lender, terms.borrower, tuple(terms));
        await expect(tx).to.emit(c.repo, "RepoAffirmed").withArgs(id, terms.borrower);
        const state = await c.repo.repoState(id);
        expect(state.status).to.equal(STATUS.Instructed);
        expect(state.borrowerAffirmed).to.equal(true);
        expect(state.lenderAffirmed).to.equal(false);
        expect(state.openedAt).to.equal(0n);
      });

      it("returns the id and moves nothing", async () => {
        const c = await loadFixture(repoFixture);
        const terms = await makeRepo(c);
        const { alice, bob } = c.accounts;
        expect(await c.repo.connect(alice).instruct.staticCall(terms)).to.equal(await idOf(c.repo, terms));
        const before = await balances(c, [alice, bob]);
        await c.repo.connect(alice).instruct(terms);
        await expectNothingMoved(c, [alice, bob], before);
      });
    });

    describe("when the lender instructs", () => {
      it("records the repo with the lender's side affirmed", async () => {
        const c = await loadFixture(repoFixture);
        const terms = await makeRepo(c);
        const id = await idOf(c.repo, terms);
        await expect(c.repo.connect(c.accounts.bob).instruct(terms))
          .to.emit(c.repo, "RepoInstructed")
          .withArgs(id, terms.borrower, terms.lender, terms.lender, tuple(terms));
        const state = await c.repo.repoState(id);
        expect(state.status).to.equal(STATUS.Instructed);
        expect(state.borrowerAffirmed).to.equal(false);
        expect(state.lenderAffirmed).to.equal(true);
      });
    });

    describe("when the caller is neither party", () => {
      it("reverts with RepoCallerNotParty(id, caller)", async () => {
        const c = await loadFixture(repoFixture);
        const terms = await makeRepo(c);
        const id = await idOf(c.repo, terms);
        await expect(c.repo.connect(c.accounts.carol).instruct(terms))
          .to.be.revertedWithCustomError(c.repo, "RepoCallerNotParty")
          .withArgs(id, c.accounts.carol.address);
        expect(await statusOf(c, id)).to.equal(STATUS.None);
      });
    });

    describe("when the terms break a rule", () => {
      it("reverts with RepoZeroAddress for a zero borrower, lender, bond or cash token", async () => {
        const c = await loadFixture(repoFixture);
        const { alice, bob } = c.accounts;
        const cases: [Partial<Repo>, typeof alice][] = [
          [{ borrower: ZeroAddress }, bob],
          [{ lender: ZeroAddress }, alice],
          [{ bond: ZeroAddress }, alice],
          [{ cash: ZeroAddress }, alice],
        ];
        for (const [override, caller] of cases) {
          const terms = await makeRepo(c, override);
          await expect(c.repo.connect(caller).instruct(terms)).to.be.revertedWithCustomError(c.repo, "RepoZeroAddress");
        }
      });

      it("reverts with RepoSameParty(party) when borrower and lender are one wallet", async () => {
        const c = await loadFixture(repoFixture);
        const terms = await makeRepo(c, { lender: c.accounts.alice.address });
        await expect(c.repo.connect(c.accounts.alice).instruct(terms))
          .to.be.revertedWithCustomError(c.repo, "RepoSameParty")
          .withArgs(c.accounts.alice.address);
      });

      it("reverts with RepoSameAsset(token) when bond and cash are one token", async () => {
        const c = await loadFixture(repoFixture);
        const terms = await makeRepo(c);
        await expect(c.repo.connect(c.accounts.alice).instruct({ ...terms, cash: terms.bond }))
          .to.be.revertedWithCustomError(c.repo, "RepoSameAsset")
          .withArgs(terms.bond);
      });

      it("reverts with RepoZeroUnits and RepoZeroPurchasePrice for zero amounts", async () => {
        const c = await loadFixture(repoFixture);
        const { alice } = c.accounts;
        await expect(c.repo.connect(alice).instruct(await makeRepo(c, { units: 0n }))).to.be.revertedWithCustomError(
          c.repo,
          "RepoZeroUnits",
        );
        await expect(
          c.repo.connect(alice).instruct(await makeRepo(c, { purchasePrice: 0n })),
        ).to.be.revertedWithCustomError(c.repo, "RepoZeroPurchasePrice");
      });

      it("reverts with RepoPurchasePriceTooLarge(price, 2^128 - 1) above the largest price", async () => {
        const c = await loadFixture(repoFixture);
        const terms = await makeRepo(c, { purchasePrice: 2n ** 128n });
        await expect(c.repo.connect(c.accounts.alice).instruct(terms))
          .to.be.revertedWithCustomError(c.repo, "RepoPurchasePriceTooLarge")
          .withArgs(2n ** 128n, 2n ** 128n - 1n);
      });

      it("reverts with RepoRateAboveCap(rate, 100,000) above 10% a year either way, and accepts ±10%", async () => {
        const c = await loadFixture(repoFixture);
        const { alice } = c.accounts;
        for (const rate of [100_001n, -100_001n, 2_147_483_647n, -2_147_483_648n]) {
          await expect(c.repo.connect(alice).instruct(await makeRepo(c, { rate })))
            .to.be.revertedWithCustomError(c.repo, "RepoRateAboveCap")
            .withArgs(rate, 100_000n);
        }
        await c.repo.connect(alice).instruct(await makeRepo(c, { rate: 100_000n }));
        await c.repo.connect(alice).instruct(await makeRepo(c, { rate: -100_000n }));
      });

      it("reverts with RepoOpenByNotBeforeRepurchase(openBy, repurchaseTime) unless openBy < repurchaseTime", async () => {
        const c = await loadFixture(repoFixture);
        const base = await makeRepo(c);
        const terms = { ...base, openBy: base.repurchaseTime };
        await expect(c.repo.connect(c.accounts.alice).instruct(terms))
          .to.be.revertedWithCustomError(c.repo, "RepoOpenByNotBeforeRepurchase")
          .withArgs(terms.openBy, terms.repurchaseTime);
        await c.repo.connect(c.accounts.alice).instruct({ ...terms, openBy: terms.repurchaseTime - 1n });
      });

      it("reverts with RepoDeadlineBeforeRepurchase(repurchaseTime, deadline); a deadline at it is allowed", async () => {
        const c = await loadFixture(repoFixture);
        const base = await makeRepo(c);
        const terms = { ...base, deadline: base.repurchaseTime - 1n };
        await expect(c.repo.connect(c.accounts.alice).instruct(terms))
          .to.be.revertedWithCustomError(c.repo, "RepoDeadlineBeforeRepurchase")
          .withArgs(terms.repurchaseTime, terms.deadline);
        await c.repo.connect(c.accounts.alice).instruct({ ...terms, deadline: terms.repurchaseTime });
      });

      it("reverts with RepoOpenWindowPassed(id, openBy, now) once the opening window has passed", async () => {
        const c = await loadFixture(repoFixture);
        const now = BigInt(await time.latest());
        const terms = await makeRepo(c, { openBy: now + 10n });
        await at(now + 11n);
        await expect(c.repo.connect(c.accounts.alice).instruct(terms))
          .to.be.revertedWithCustomError(c.repo, "RepoOpenWindowPassed")
          .withArgs(await idOf(c.repo, terms), terms.openBy, now + 11n);
      });

      it("reverts with RepoTermTooLong(deadline, now + 365 days) for a deadline beyond a year", async () => {
        const c = await loadFixture(repoFixture);
        const now = BigInt(await time.latest());
        const terms = await makeRepo(c, { deadline: now + 10n + 365n * DAY + 1n });
        await at(now + 10n);
        await expect(c.repo.connect(c.accounts.alice).instruct(terms))
          .to.be.revertedWithCustomError(c.repo, "RepoTermTooLong")
          .withArgs(terms.deadline, now + 10n + 365n * DAY);
        await at(now + 11n);
        await c.repo.connect(c.accounts.alice).instruct(terms);
      });
    });

    describe("when the repo was already recorded", () => {
      it("reverts with RepoAlreadyRecorded(id, status), whoever instructs; a new nonce is a new repo", async () => {
        const c = await loadFixture(withInstructedRepoFixture);
        for (const party of [c.accounts.alice, c.accounts.bob]) {
          await expect(c.repo.connect(party).instruct(c.terms))
            .to.be.revertedWithCustomError(c.repo, "RepoAlreadyRecorded")
            .withArgs(c.id, STATUS.Instructed);
        }
        await c.repo.connect(c.accounts.alice).instruct({ ...c.terms, nonce: 1n });
      });
    });
  });

  describe(".affirm()", () => {
    it("lets the counterparty complete the agreement: Affirmed, both sides", async () => {
      const c = await loadFixture(withInstructedRepoFixture);
      await expect(c.repo.connect(c.accounts.bob).affirm(c.terms))
        .to.emit(c.repo, "RepoAffirmed")
        .withArgs(c.id, c.accounts.bob.address);
      const state = await c.repo.repoState(c.id);
      expect(state.status).to.equal(STATUS.Affirmed);
      expect(state.borrowerAffirmed).to.equal(true);
      expect(state.lenderAffirmed).to.equal(true);
    });

    it("lets the borrower affirm a repo the lender instructed", async () => {
      const c = await loadFixture(repoFixture);
      const terms = await makeRepo(c);
      await c.repo.connect(c.accounts.bob).instruct(terms);
      await c.repo.connect(c.accounts.alice).affirm(terms);
      expect(await statusOf(c, await idOf(c.repo, terms))).to.equal(STATUS.Affirmed);
    });

    it("reverts with RepoAlreadyAffirmed(id, party) for the instructing party, and for both once Affirmed", async () => {
      const c = await loadFixture(withInstructedRepoFixture);
      await expect(c.repo.connect(c.accounts.alice).affirm(c.terms))
        .to.be.revertedWithCustomError(c.repo, "RepoAlreadyAffirmed")
        .withArgs(c.id, c.accounts.alice.address);
      await c.repo.connect(c.accounts.bob).affirm(c.terms);
      for (const party of [c.accounts.alice, c.accounts.bob]) {
        await expect(c.repo.connect(party).affirm(c.terms))
          .to.be.revertedWithCustomError(c.repo, "RepoAlreadyAffirmed")
          .withArgs(c.id, party.address);
      }
    });

    it("reverts with RepoCallerNotParty(id, caller) for anyone else", async () => {
      const c = await loadFixture(withInstructedRepoFixture);
      await expect(c.repo.connect(c.accounts.carol).affirm(c.terms))
        .to.be.revertedWithCustomError(c.repo, "RepoCallerNotParty")
        .withArgs(c.id, c.accounts.carol.address);
    });

    it("reverts with RepoUnknown(id) for terms never recorded (or altered)", async () => {
      const c = await loadFixture(withInstructedRepoFixture);
      const altered = { ...c.terms, purchasePrice: c.terms.purchasePrice - 1n };
      await expect(c.repo.connect(c.accounts.bob).affirm(altered))
        .to.be.revertedWithCustomError(c.repo, "RepoUnknown")
        .withArgs(await idOf(c.repo, altered));
    });

    it("reverts with RepoOpenWindowPassed(id, openBy, now) after the opening window", async () => {
      const c = await loadFixture(withInstructedRepoFixture);
      await at(c.terms.openBy + 1n);
      await expect(c.repo.connect(c.accounts.bob).affirm(c.terms))
        .to.be.revertedWithCustomError(c.repo, "RepoOpenWindowPassed")
        .withArgs(c.id, c.terms.openBy, c.terms.openBy + 1n);
    });

    it("reverts with RepoNotPending(id, status) once opened", async () => {
      const c = await loadFixture(withOpenRepoFixture);
      await expect(c.repo.connect(c.accounts.bob).affirm(c.terms))
        .to.be.revertedWithCustomError(c.repo, "RepoNotPending")
        .withArgs(c.id, STATUS.Open);
    });
  });

  describe(".open()", () => {
    describe("when the repo is affirmed and inside its window", () => {
      it("moves the bonds borrower -> lender and the purchase price lender -> borrower", async () => {
        const c = await loadFixture(withAffirmedRepoFixture);
        const { alice, bob, carol } = c.accounts;
        await at(c.terms.openBy);
        const tx = c.repo.connect(carol).open(c.terms);
        await expect(tx).to.changeTokenBalances(c.bond, [alice, bob, carol], [-c.terms.units, c.terms.units, 0n]);
        await expect(tx).to.changeTokenBalances(
          c.cash,
          [alice, bob, carol],
          [c.terms.purchasePrice, -c.terms.purchasePrice, 0n],
        );
      });

      it("fixes the repurchase price from the opening time: emits RepoOpened with the interest", async () => {
        const c = await loadFixture(withAffirmedRepoFixture);
        await at(c.terms.openBy);
        await expect(c.repo.open(c.terms))
          .to.emit(c.repo, "RepoOpened")
          .withArgs(
            c.id,
            c.terms.borrower,
            c.terms.lender,
            c.terms.bond,
            c.terms.units,
            c.terms.cash,
            c.terms.purchasePrice,
            19n,
            4_990_019n,
          );
        const state = await c.repo.repoState(c.id);
        expect(state.status).to.equal(STATUS.Open);
        expect(state.openedAt).to.equal(c.terms.openBy);
        expect(await c.repo.quote(c.terms, state.openedAt)).to.deep.equal([19n, 4_990_019n]);
      });

      it("charges more interest the earlier it opens (the term runs from the opening leg)", async () => {
        const c = await loadFixture(withAffirmedRepoFixture);
        // As soon as possible after the affirmation, about 8 hours before the repurchase time (¥22, against ¥19
        // at the end of the window).
        const openedAt = BigInt(await time.latest()) + 1n;
        await at(openedAt);
        const { interest, repurchasePrice } = interestOf(c.terms, openedAt);
        expect(interest).to.be.greaterThan(19n);
        await expect(c.repo.open(c.terms))
          .to.emit(c.repo, "RepoOpened")
          .withArgs(
            c.id,
            c.terms.borrower,
            c.terms.lender,
            c.terms.bond,
            c.terms.units,
            c.terms.cash,
            c.terms.purchasePrice,
            interest,
            repurchasePrice,
          );
      });

      it("carries a negative rate's negative interest: the repurchase price is below the purchase price", async () => {
        const c = await loadFixture(repoFixture);
        const terms = await makeRepo(c, { rate: -1_000n });
        const id = await affirmed(c, terms);
        await at(terms.openBy);
        // 4,990,000 × 1,000 × 25,200 ÷ 31,536,000,000,000 = 3.98… → -¥3
        await expect(c.repo.open(terms))
          .to.emit(c.repo, "RepoOpened")
          .withArgs(
            id,
            terms.borrower,
            terms.lender,
            terms.bond,
            terms.units,
            terms.cash,
            terms.purchasePrice,
            -3n,
            4_989_997n,
          );
      });
    });

    describe("when the repo is not affirmed", () => {
      it("reverts with RepoUnknown(id) for terms never recorded", async () => {
        const c = await loadFixture(repoFixture);
        const terms = await makeRepo(c);
        await expect(c.repo.open(terms))
          .to.be.revertedWithCustomError(c.repo, "RepoUnknown")
          .withArgs(await idOf(c.repo, terms));
      });

      it("reverts with RepoNotAffirmed(id, Instructed) while only one side agreed", async () => {
        const c = await loadFixture(withInstructedRepoFixture);
        await expect(c.repo.connect(c.accounts.alice).open(c.terms))
          .to.be.revertedWithCustomError(c.repo, "RepoNotAffirmed")
          .withArgs(c.id, STATUS.Instructed);
      });

      it("reverts with RepoNotAffirmed(id, Open) the second time", async () => {
        const c = await loadFixture(withOpenRepoFixture);
        await expect(c.repo.open(c.terms))
          .to.be.revertedWithCustomError(c.repo, "RepoNotAffirmed")
          .withArgs(c.id, STATUS.Open);
      });
    });

    describe("when the opening window has passed", () => {
      it("reverts with RepoOpenWindowPassed(id, openBy, now)", async () => {
        const c = await loadFixture(withAffirmedRepoFixture);
        await at(c.terms.openBy + 1n);
        await expect(c.repo.open(c.terms))
          .to.be.revertedWithCustomError(c.repo, "RepoOpenWindowPassed")
          .withArgs(c.id, c.terms.openBy, c.terms.openBy + 1n);
      });
    });

    describe("when a leg fails (every holder rule applies to each leg)", () => {
      it("borrower's bonds frozen: TokenInsufficientFreeBalance, nothing moves, still Affirmed", async () => {
        const c = await loadFixture(withAffirmedRepoFixture);
        const { alice, bob, agent } = c.accounts;
        await c.bond.connect(agent).freezePartialTokens(alice.address, 6_000_000n);
        const before = await balances(c, [alice, bob]);
        await expect(c.repo.open(c.terms))
          .to.be.revertedWithCustomError(c.bond, "TokenInsufficientFreeBalance")
          .withArgs(alice.address, 4_000_000n, c.terms.units);
        await expectNothingMoved(c, [alice, bob], before);
        expect(await statusOf(c, c.id)).to.equal(STATUS.Affirmed);
      });

      it("lender short of cash: the bond leg is rolled back with the cash leg", async () => {
        const c = await loadFixture(withAffirmedRepoFixture);
        const { alice, bob, carol } = c.accounts;
        await c.cash.connect(bob).transfer(carol.address, 100_000_000n - 1_000n);
        const before = await balances(c, [alice, bob]);
        await expect(c.repo.open(c.terms))
          .to.be.revertedWithCustomError(c.cash, "TokenInsufficientFreeBalance")
          .withArgs(bob.address, 1_000n, c.terms.purchasePrice);
        await expectNothingMoved(c, [alice, bob], before);
        expect(await statusOf(c, c.id)).to.equal(STATUS.Affirmed);
      });

      it("borrower no longer verified: the cash leg refuses (TokenRecipientNotVerified), nothing moves", async () => {
        const c = await loadFixture(withAffirmedRepoFixture);
        const { alice, bob, registrar } = c.accounts;
        await c.suite.identityRegistry.connect(registrar).deleteIdentity(alice.address);
        const before = await balances(c, [alice, bob]);
        await expect(c.repo.open(c.terms))
          .to.be.revertedWithCustomError(c.cash, "TokenRecipientNotVerified")
          .withArgs(alice.address);
        await expectNothingMoved(c, [alice, bob], before);
      });

      it("a lender who is not onboarded cannot receive the bonds: TokenRecipientNotVerified(lender)", async () => {
        const c = await loadFixture(repoFixture);
        const { alice, dave } = c.accounts;
        const terms = await makeRepo(c, { lender: dave.address });
        await c.repo.connect(alice).instruct(terms);
        await c.repo.connect(dave).affirm(terms);
        await expect(c.repo.open(terms))
          .to.be.revertedWithCustomError(c.bond, "TokenRecipientNotVerified")
          .withArgs(dave.address);
      });

      it("units off the ¥50,000 face unit: the JGB's denomination module refuses (TokenTransferNotCompliant)", async () => {
        const c = await loadFixture(repoFixture);
        const { alice, bob } = c.accounts;
        const terms = await makeRepo(c, { units: 100n * JGB_UNIT + 10_000n });
        await affirmed(c, terms);
        await expect(c.repo.open(terms))
          .to.be.revertedWithCustomError(c.bond, "TokenTransferNotCompliant")
          .withArgs(alice.address, bob.address, terms.units, await c.suite.modules.denomination.getAddress());
      });

      it("lender wallet frozen on the bond: TokenWalletFrozen(lender)", async () => {
        const c = await loadFixture(withAffirmedRepoFixture);
        const { bob, agent } = c.accounts;
        await c.bond.connect(agent).setAddressFrozen(bob.address, true);
        await expect(c.repo.open(c.terms))
          .to.be.revertedWithCustomError(c.bond, "TokenWalletFrozen")
          .withArgs(bob.address);
      });

      it("borrower withdrew the bond approval: ERC20InsufficientAllowance(repo, 0, units)", async () => {
        const c = await loadFixture(withAffirmedRepoFixture);
        await c.bond.connect(c.accounts.alice).approve(c.repo, 0n);
        await expect(c.repo.open(c.terms))
          .to.be.revertedWithCustomError(c.bond, "ERC20InsufficientAllowance")
          .withArgs(await c.repo.getAddress(), 0n, c.terms.units);
      });
    });

    describe("reentrancy", () => {
      it("writes Open and the opening time before calling either token", async () => {
        const c = await loadFixture(repoFixture);
        const token = await deployCallbackToken();
        const terms = await makeRepo(c, { bond: await token.getAddress() });
        const id = await affirmed(c, terms);
        await token.setCallback(c.repo, c.repo.interface.encodeFunctionData("repoState", [id]));
        await at(terms.openBy);
        await c.repo.open(terms);
        const [seen] = c.repo.interface.decodeFunctionResult("repoState", await token.lastReturnData());
        expect(seen.status).to.equal(STATUS.Open);
        expect(seen.openedAt).to.equal(terms.openBy);
      });

      it("refuses a token calling open, close or openWithSignature back: ReentrancyGuardReentrantCall", async () => {
        const c = await loadFixture(repoFixture);
        const token = await deployCallbackToken();
        const other = await makeRepo(c, { nonce: 7n });
        await affirmed(c, other);
        const terms = await makeRepo(c, { bond: await token.getAddress() });
        const id = await affirmed(c, terms);
        const signed = await makeRepo(c, { nonce: 8n });
        const signature = await signRepo(c.accounts.bob, c.repo, signed);
        for (const data of [
          c.repo.interface.encodeFunctionData("open", [other]),
          c.repo.interface.encodeFunctionData("close", [other]),
          c.repo.interface.encodeFunctionData("openWithSignature", [signed, signature]),
        ]) {
          await token.setCallback(c.repo, data);
          await expect(c.repo.open(terms)).to.be.revertedWithCustomError(c.repo, "ReentrancyGuardReentrantCall");
        }
        expect(await statusOf(c, id)).to.equal(STATUS.Affirmed);
        expect(await statusOf(c, await idOf(c.repo, other))).to.equal(STATUS.Affirmed);
      });
    });
  });

  describe(".openWithSignature()", () => {
    it("records the repo with the counterparty's signature and settles the opening leg in one transaction", async () => {
      const c = await loadFixture(repoFixture);
      const { alice, bob } = c.accounts;
      const terms = await makeRepo(c);
      const id = await idOf(c.repo, terms);
      const signature = await signRepo(bob, c.repo, terms);
      const openedAt = BigInt(await time.latest()) + 5n;
      await at(openedAt);
      const tx = c.repo.connect(alice).openWithSignature(terms, signature);
      await expect(tx)
        .to.emit(c.repo, "RepoInstructed")
        .withArgs(id, alice.address, bob.address, alice.address, tuple(terms));
      await expect(tx).to.emit(c.repo, "RepoAffirmed").withArgs(id, alice.address);
      await expect(tx).to.emit(c.repo, "RepoAffirmed").withArgs(id, bob.address);
      const { interest, repurchasePrice } = interestOf(terms, openedAt);
      await expect(tx)
        .to.emit(c.repo, "RepoOpened")
        .withArgs(
          id,
          alice.address,
          bob.address,
          terms.bond,
          terms.units,
          terms.cash,
          terms.purchasePrice,
          interest,
          repurchasePrice,
        );
      await expect(tx).to.changeTokenBalances(c.bond, [alice, bob], [-terms.units, terms.units]);
      await expect(tx).to.changeTokenBalances(c.cash, [alice, bob], [terms.purchasePrice, -terms.purchasePrice]);
      const state = await c.repo.repoState(id);
      expect([state.status, state.borrowerAffirmed, state.lenderAffirmed, state.openedAt]).to.deep.equal([
        STATUS.Open,
        true,
        true,
        openedAt,
      ]);
    });

    it("works the other way: the lender calls with the borrower's signature", async () => {
      const c = await loadFixture(repoFixture);
      const terms = await makeRepo(c);
      const signature = await signRepo(c.accounts.alice, c.repo, terms);
      await expect(c.repo.connect(c.accounts.bob).openWithSignature(terms, signature))
        .to.emit(c.repo, "RepoAffirmed")
        .withArgs(await idOf(c.repo, terms), c.accounts.alice.address);
      expect(await statusOf(c, await idOf(c.repo, terms))).to.equal(STATUS.Open);
    });

    it("returns the id", async () => {
      const c = await loadFixture(repoFixture);
      const terms = await makeRepo(c);
      const signature = await signRepo(c.accounts.bob, c.repo, terms);
      expect(await c.repo.connect(c.accounts.alice).openWithSignature.staticCall(terms, signature)).to.equal(
        await idOf(c.repo, terms),
      );
    });

    it("reverts with RepoInvalidSignature(id, counterparty) for a signature by anyone else or over other terms", async () => {
      const c = await loadFixture(repoFixture);
      const { alice, bob, carol } = c.accounts;
      const terms = await makeRepo(c);
      const id = await idOf(c.repo, terms);
      for (const signature of [
        await signRepo(carol, c.repo, terms),
        await signRepo(alice, c.repo, terms),
        await signRepo(bob, c.repo, { ...terms, purchasePrice: terms.purchasePrice - 1n }),
      ]) {
        await expect(c.repo.connect(alice).openWithSignature(terms, signature))
          .to.be.revertedWithCustomError(c.repo, "RepoInvalidSignature")
          .withArgs(id, bob.address);
      }
      expect(await statusOf(c, id)).to.equal(STATUS.None);
    });

    it("cannot be replayed: RepoAlreadyRecorded(id, Open)", async () => {
      const c = await loadFixture(repoFixture);
      const terms = await makeRepo(c);
      const signature = await signRepo(c.accounts.bob, c.repo, terms);
      await c.repo.connect(c.accounts.alice).openWithSignature(terms, signature);
      await expect(c.repo.connect(c.accounts.alice).openWithSignature(terms, signature))
        .to.be.revertedWithCustomError(c.repo, "RepoAlreadyRecorded")
        .withArgs(await idOf(c.repo, terms), STATUS.Open);
    });

    it("reverts with RepoCallerNotParty(id, caller) for a third party holding a signature", async () => {
      const c = await loadFixture(repoFixture);
      const terms = await makeRepo(c);
      const signature = await signRepo(c.accounts.bob, c.repo, terms);
      await expect(c.repo.connect(c.accounts.carol).openWithSignature(terms, signature))
        .to.be.revertedWithCustomError(c.repo, "RepoCallerNotParty")
        .withArgs(await idOf(c.repo, terms), c.accounts.carol.address);
    });

    it("applies the terms rules (e.g. RepoRateAboveCap)", async () => {
      const c = await loadFixture(repoFixture);
      const terms = await makeRepo(c, { rate: 200_000n });
      const signature = await signRepo(c.accounts.bob, c.repo, terms);
      await expect(c.repo.connect(c.accounts.alice).openWithSignature(terms, signature))
        .to.be.revertedWithCustomError(c.repo, "RepoRateAboveCap")
        .withArgs(200_000n, 100_000n);
    });

    it("records nothing when the opening leg fails", async () => {
      const c = await loadFixture(repoFixture);
      const { alice, bob, carol } = c.accounts;
      await c.cash.connect(bob).transfer(carol.address, 100_000_000n);
      const terms = await makeRepo(c);
      const before = await balances(c, [alice, bob]);
      await expect(c.repo.connect(alice).openWithSignature(terms, await signRepo(bob, c.repo, terms)))
        .to.be.revertedWithCustomError(c.cash, "TokenInsufficientFreeBalance")
        .withArgs(bob.address, 0n, terms.purchasePrice);
      await expectNothingMoved(c, [alice, bob], before);
      expect(await statusOf(c, await idOf(c.repo, terms))).to.equal(STATUS.None);
    });

    it("accepts an ERC-1271 contract wallet's signature (and refuses a wrong key)", async () => {
      const c = await loadFixture(repoFixture);
      const factory = await ethers.getContractFactory("ERC1271WalletMock");
      const wallet = (await factory.deploy(c.accounts.carol.address)) as unknown as ERC1271WalletMock;
      const terms = await makeRepo(c, { lender: await wallet.getAddress() });
      const id = await idOf(c.repo, terms);
      await expect(
        c.repo.connect(c.accounts.alice).openWithSignature(terms, await signRepo(c.accounts.bob, c.repo, terms)),
      )
        .to.be.revertedWithCustomError(c.repo, "RepoInvalidSignature")
        .withArgs(id, terms.lender);
      // The wallet's signature passes; the opening leg then meets the token's rules (the wallet is no
      // registered holder), so the signature check is what changed.
      await expect(
        c.repo.connect(c.accounts.alice).openWithSignature(terms, await signRepo(c.accounts.carol, c.repo, terms)),
      )
        .to.be.revertedWithCustomError(c.bond, "TokenRecipientNotVerified")
        .withArgs(terms.lender);
    });
  });

  describe(".close()", () => {
    describe("between the repurchase time and the deadline", () => {
      it("moves the bonds lender -> borrower and the repurchase price borrower -> lender", async () => {
        const c = await loadFixture(withOpenRepoFixture);
        const { alice, bob } = c.accounts;
        await at(c.terms.repurchaseTime);
        const tx = c.repo.connect(alice).close(c.terms);
        await expect(tx).to.changeTokenBalances(c.bond, [alice, bob], [c.terms.units, -c.terms.units]);
        await expect(tx).to.changeTokenBalances(c.cash, [alice, bob], [-c.repurchasePrice, c.repurchasePrice]);
        await expect(tx)
          .to.emit(c.repo, "RepoClosed")
          .withArgs(c.id, alice.address, bob.address, c.terms.bond, c.terms.units, c.terms.cash, c.repurchasePrice);
        expect(await statusOf(c, c.id)).to.equal(STATUS.Closed);
      });

      it("leaves each party net of exactly the interest: borrower -¥19, lender +¥19, bonds back", async () => {
        const c = await loadFixture(repoFixture);
        const { alice, bob } = c.accounts;
        const start = await balances(c, [alice, bob]);
        const terms = await makeRepo(c);
        await affirmed(c, terms);
        await at(terms.openBy);
        await c.repo.open(terms);
        await at(terms.repurchaseTime);
        await c.repo.close(terms);
        const end = await balances(c, [alice, bob]);
        expect(end.bond).to.deep.equal(start.bond);
        expect(end.cash).to.deep.equal([start.cash[0] - 19n, start.cash[1] + 19n]);
      });

      it("pays the price fixed at opening whenever it settles, up to the deadline inclusive; anyone may call", async () => {
        const c = await loadFixture(withOpenRepoFixture);
        await at(c.terms.deadline);
        await expect(c.repo.connect(c.accounts.carol).close(c.terms))
          .to.emit(c.repo, "RepoClosed")
          .withArgs(
            c.id,
            c.terms.borrower,
            c.terms.lender,
            c.terms.bond,
            c.terms.units,
            c.terms.cash,
            c.repurchasePrice,
          );
      });

      it("with a negative rate, the lender receives less than it paid", async () => {
        const c = await loadFixture(repoFixture);
        const { alice, bob } = c.accounts;
        const terms = await makeRepo(c, { rate: -1_000n });
        await affirmed(c, terms);
        await at(terms.openBy);
        await c.repo.open(terms);
        await at(terms.repurchaseTime);
        await expect(c.repo.close(terms)).to.changeTokenBalances(c.cash, [alice, bob], [-4_989_997n, 4_989_997n]);
      });
    });

    describe("before the repurchase time", () => {
      it("reverts with RepoTooEarlyToClose(id, repurchaseTime, now)", async () => {
        const c = await loadFixture(withOpenRepoFixture);
        await at(c.terms.repurchaseTime - 1n);
        await expect(c.repo.connect(c.accounts.alice).close(c.terms))
          .to.be.revertedWithCustomError(c.repo, "RepoTooEarlyToClose")
          .withArgs(c.id, c.terms.repurchaseTime, c.terms.repurchaseTime - 1n);
      });
    });

    describe("after the deadline", () => {
      it("reverts with RepoDeadlinePassed(id, deadline, now)", async () => {
        const c = await loadFixture(withOpenRepoFixture);
        await at(c.terms.deadline + 1n);
        await expect(c.repo.connect(c.accounts.alice).close(c.terms))
          .to.be.revertedWithCustomError(c.repo, "RepoDeadlinePassed")
          .withArgs(c.id, c.terms.deadline, c.terms.deadline + 1n);
      });
    });

    describe("when the repo is not open", () => {
      it("reverts with RepoUnknown(id) for terms never recorded", async () => {
        const c = await loadFixture(withOpenRepoFixture);
        const altered = { ...c.terms, rate: 0n };
        await expect(c.repo.close(altered))
          .to.be.revertedWithCustomError(c.repo, "RepoUnknown")
          .withArgs(await idOf(c.repo, altered));
      });

      it("reverts with RepoNotOpen(id, Affirmed) before the opening leg", async () => {
        const c = await loadFixture(withAffirmedRepoFixture);
        await at(c.terms.repurchaseTime);
        await expect(c.repo.close(c.terms))
          .to.be.revertedWithCustomError(c.repo, "RepoNotOpen")
          .withArgs(c.id, STATUS.Affirmed);
      });

      it("reverts with RepoNotOpen(id, Closed) the second time", async () => {
        const c = await loadFixture(withOpenRepoFixture);
        await at(c.terms.repurchaseTime);
        await c.repo.close(c.terms);
        await expect(c.repo.close(c.terms))
          .to.be.revertedWithCustomError(c.repo, "RepoNotOpen")
          .withArgs(c.id, STATUS.Closed);
      });
    });

    describe("atomicity: a failing leg moves nothing and the repo stays open until the deadline", () => {
      it("borrower lacks the repurchase price: TokenInsufficientFreeBalance; retried once funded", async () => {
        const c = await loadFixture(withOpenRepoFixture);
        const { alice, bob, carol } = c.accounts;
        const aliceCash = await c.cash.balanceOf(alice.address);
        await c.cash.connect(alice).transfer(carol.address, aliceCash - 10n);
        const before = await balances(c, [alice, bob]);
        await at(c.terms.repurchaseTime);
        await expect(c.repo.connect(alice).close(c.terms))
          .to.be.revertedWithCustomError(c.cash, "TokenInsufficientFreeBalance")
          .withArgs(alice.address, 10n, c.repurchasePrice);
        await expectNothingMoved(c, [alice, bob], before);
        expect(await statusOf(c, c.id)).to.equal(STATUS.Open);

        await c.cash.connect(carol).transfer(alice.address, aliceCash - 10n);
        await expect(c.repo.connect(alice).close(c.terms)).to.emit(c.repo, "RepoClosed");
      });

      it("lender sold the bonds (title transfer): TokenInsufficientFreeBalance(lender); retried once bought back", async () => {
        const c = await loadFixture(withOpenRepoFixture);
        const { alice, bob, carol } = c.accounts;
        const held = await c.bond.balanceOf(bob.address);
        await c.bond.connect(bob).transfer(carol.address, held);
        const before = await balances(c, [alice, bob]);
        await at(c.terms.repurchaseTime);
        await expect(c.repo.connect(alice).close(c.terms))
          .to.be.revertedWithCustomError(c.bond, "TokenInsufficientFreeBalance")
          .withArgs(bob.address, 0n, c.terms.units);
        await expectNothingMoved(c, [alice, bob], before);
        expect(await statusOf(c, c.id)).to.equal(STATUS.Open);

        await c.bond.connect(carol).transfer(bob.address, c.terms.units);
        await expect(c.repo.connect(alice).close(c.terms)).to.changeTokenBalances(
          c.bond,
          [alice, bob],
          [c.terms.units, -c.terms.units],
        );
      });

      it("the cash leg's refusal rolls back the bond leg already made (borrower's cash wallet frozen)", async () => {
        const c = await loadFixture(withOpenRepoFixture);
        const { alice, bob, bank } = c.accounts;
        await c.cash.connect(bank).setAddressFrozen(alice.address, true);
        const before = await balances(c, [alice, bob]);
        await at(c.terms.repurchaseTime);
        await expect(c.repo.close(c.terms))
          .to.be.revertedWithCustomError(c.cash, "TokenWalletFrozen")
          .withArgs(alice.address);
        await expectNothingMoved(c, [alice, bob], before);
      });

      it("lender withdrew its bond approval: ERC20InsufficientAllowance(repo, 0, units)", async () => {
        const c = await loadFixture(withOpenRepoFixture);
        await c.bond.connect(c.accounts.bob).approve(c.repo, 0n);
        await at(c.terms.repurchaseTime);
        await expect(c.repo.close(c.terms))
          .to.be.revertedWithCustomError(c.bond, "ERC20InsufficientAllowance")
          .withArgs(await c.repo.getAddress(), 0n, c.terms.units);
      });

      it("bond series paused: TokenPaused", async () => {
        const c = await loadFixture(withOpenRepoFixture);
        await c.bond.connect(c.accounts.agent).pause();
        await at(c.terms.repurchaseTime);
        await expect(c.repo.close(c.terms)).to.be.revertedWithCustomError(c.bond, "TokenPaused");
      });
    });

    it("refuses a token calling close back: ReentrancyGuardReentrantCall", async () => {
      const c = await loadFixture(repoFixture);
      const token = await deployCallbackToken();
      const terms = await makeRepo(c, { bond: await token.getAddress() });
      const id = await affirmed(c, terms);
      await at(terms.openBy);
      await c.repo.open(terms);
      await token.setCallback(c.repo, c.repo.interface.encodeFunctionData("close", [terms]));
      await at(terms.repurchaseTime);
      await expect(c.repo.close(terms)).to.be.revertedWithCustomError(c.repo, "ReentrancyGuardReentrantCall");
      expect(await statusOf(c, id)).to.equal(STATUS.Open);
    });

    if (!COVERAGE) {
      it("stays within its gas budgets on the JGB (its compliance modules on both legs): open, close ≤ 180,000", async () => {
        const c = await loadFixture(withAffirmedRepoFixture);
        await at(c.terms.openBy);
        const opened = await (await c.repo.open(c.terms)).wait();
        await at(c.terms.repurchaseTime);
        const closed = await (await c.repo.close(c.terms)).wait();
        expect(opened!.gasUsed).to.be.lessThanOrEqual(180_000n);
        expect(closed!.gasUsed).to.be.lessThanOrEqual(180_000n);
      });
    }
  });

  describe(".markFailed()", () => {
    it("after the deadline: Failed, the lender keeps the bonds and the borrower the cash; nothing moves", async () => {
      const c = await loadFixture(repoFixture);
      const { alice, bob, carol } = c.accounts;
      const start = await balances(c, [alice, bob]);
      const terms = await makeRepo(c);
      const id = await affirmed(c, terms);
      await at(terms.openBy);
      await c.repo.open(terms);
      const opened = await balances(c, [alice, bob]);
      await at(terms.deadline + 1n);
      await expect(c.repo.connect(carol).markFailed(terms))
        .to.emit(c.repo, "RepoFailed")
        .withArgs(id, alice.address, bob.address, terms.units, 4_990_019n, carol.address);
      await expectNothingMoved(c, [alice, bob], opened);
      expect(await statusOf(c, id)).to.equal(STATUS.Failed);
      expect(opened.bond).to.deep.equal([start.bond[0] - terms.units, start.bond[1] + terms.units]);
      expect(opened.cash).to.deep.equal([start.cash[0] + terms.purchasePrice, start.cash[1] - terms.purchasePrice]);
    });

    it("a failed repo can no longer close: RepoNotOpen(id, Failed)", async () => {
      const c = await loadFixture(withOpenRepoFixture);
      await at(c.terms.deadline + 1n);
      await c.repo.markFailed(c.terms);
      await expect(c.repo.close(c.terms))
        .to.be.revertedWithCustomError(c.repo, "RepoNotOpen")
        .withArgs(c.id, STATUS.Failed);
      await expect(c.repo.markFailed(c.terms))
        .to.be.revertedWithCustomError(c.repo, "RepoNotOpen")
        .withArgs(c.id, STATUS.Failed);
    });

    it("reverts with RepoDeadlineNotPassed(id, deadline, now) up to the deadline inclusive", async () => {
      const c = await loadFixture(withOpenRepoFixture);
      await at(c.terms.deadline);
      await expect(c.repo.markFailed(c.terms))
        .to.be.revertedWithCustomError(c.repo, "RepoDeadlineNotPassed")
        .withArgs(c.id, c.terms.deadline, c.terms.deadline);
    });

    it("reverts with RepoNotOpen(id, Closed) for a closed repo, RepoNotOpen(id, Affirmed) for an unopened one", async () => {
      const c = await loadFixture(withOpenRepoFixture);
      await at(c.terms.repurchaseTime);
      await c.repo.close(c.terms);
      const unopened = await makeRepo(c, { nonce: 1n });
      await affirmed(c, unopened);
      await time.increaseTo(unopened.deadline + 1n);
      await expect(c.repo.markFailed(c.terms))
        .to.be.revertedWithCustomError(c.repo, "RepoNotOpen")
        .withArgs(c.id, STATUS.Closed);
      await expect(c.repo.markFailed(unopened))
        .to.be.revertedWithCustomError(c.repo, "RepoNotOpen")
        .withArgs(await idOf(c.repo, unopened), STATUS.Affirmed);
    });

    it("reverts with RepoUnknown(id) for terms never recorded", async () => {
      const c = await loadFixture(repoFixture);
      const terms = await makeRepo(c);
      await expect(c.repo.markFailed(terms))
        .to.be.revertedWithCustomError(c.repo, "RepoUnknown")
        .withArgs(await idOf(c.repo, terms));
    });
  });

  describe(".cancel()", () => {
    it("while Instructed, the instructing party withdraws it alone", async () => {
      const c = await loadFixture(withInstructedRepoFixture);
      await expect(c.repo.connect(c.accounts.alice).cancel(c.terms))
        .to.emit(c.repo, "RepoCancelled")
        .withArgs(c.id, c.accounts.alice.address);
      expect(await statusOf(c, c.id)).to.equal(STATUS.Cancelled);
    });

    it("while Instructed, the counterparty declines it alone; it can then never open", async () => {
      const c = await loadFixture(withInstructedRepoFixture);
      await c.repo.connect(c.accounts.bob).cancel(c.terms);
      await expect(c.repo.connect(c.accounts.bob).affirm(c.terms))
        .to.be.revertedWithCustomError(c.repo, "RepoNotPending")
        .withArgs(c.id, STATUS.Cancelled);
      await expect(c.repo.open(c.terms))
        .to.be.revertedWithCustomError(c.repo, "RepoNotAffirmed")
        .withArgs(c.id, STATUS.Cancelled);
    });

    it("once Affirmed, one party's request does not stop the opening leg", async () => {
      const c = await loadFixture(withAffirmedRepoFixture);
      const tx = c.repo.connect(c.accounts.bob).cancel(c.terms);
      await expect(tx).to.emit(c.repo, "RepoCancellationRequested").withArgs(c.id, c.accounts.bob.address);
      await expect(tx).to.not.emit(c.repo, "RepoCancelled");
      const state = await c.repo.repoState(c.id);
      expect([state.status, state.borrowerCancelRequested, state.lenderCancelRequested]).to.deep.equal([
        STATUS.Affirmed,
        false,
        true,
      ]);
      await expect(c.repo.open(c.terms)).to.emit(c.repo, "RepoOpened");
    });

    it("once Affirmed, is cancelled when both parties have asked", async () => {
      const c = await loadFixture(withAffirmedRepoFixture);
      await c.repo.connect(c.accounts.alice).cancel(c.terms);
      const tx = c.repo.connect(c.accounts.bob).cancel(c.terms);
      await expect(tx).to.emit(c.repo, "RepoCancellationRequested").withArgs(c.id, c.accounts.bob.address);
      await expect(tx).to.emit(c.repo, "RepoCancelled").withArgs(c.id, c.accounts.bob.address);
      await expect(c.repo.open(c.terms))
        .to.be.revertedWithCustomError(c.repo, "RepoNotAffirmed")
        .withArgs(c.id, STATUS.Cancelled);
    });

    it("reverts with RepoCancellationAlreadyRequested(id, party) for a repeated request", async () => {
      const c = await loadFixture(withAffirmedRepoFixture);
      await c.repo.connect(c.accounts.alice).cancel(c.terms);
      await expect(c.repo.connect(c.accounts.alice).cancel(c.terms))
        .to.be.revertedWithCustomError(c.repo, "RepoCancellationAlreadyRequested")
        .withArgs(c.id, c.accounts.alice.address);
    });

    it("reverts with RepoCallerNotParty(id, caller) for anyone else", async () => {
      const c = await loadFixture(withAffirmedRepoFixture);
      await expect(c.repo.connect(c.accounts.carol).cancel(c.terms))
        .to.be.revertedWithCustomError(c.repo, "RepoCallerNotParty")
        .withArgs(c.id, c.accounts.carol.address);
    });

    it("reverts with RepoNotPending(id, Open) once opened, and RepoUnknown(id) for unknown terms", async () => {
      const c = await loadFixture(withOpenRepoFixture);
      await expect(c.repo.connect(c.accounts.alice).cancel(c.terms))
        .to.be.revertedWithCustomError(c.repo, "RepoNotPending")
        .withArgs(c.id, STATUS.Open);
      const other = { ...c.terms, nonce: 9n };
      await expect(c.repo.connect(c.accounts.alice).cancel(other))
        .to.be.revertedWithCustomError(c.repo, "RepoUnknown")
        .withArgs(await idOf(c.repo, other));
    });
  });

  describe(".markLapsed()", () => {
    it("after the opening window, anyone records an unopened repo as Lapsed; it can never open", async () => {
      const c = await loadFixture(withAffirmedRepoFixture);
      await at(c.terms.openBy + 1n);
      await expect(c.repo.connect(c.accounts.carol).markLapsed(c.terms))
        .to.emit(c.repo, "RepoLapsed")
        .withArgs(c.id, c.accounts.carol.address);
      expect(await statusOf(c, c.id)).to.equal(STATUS.Lapsed);
      await expect(c.repo.open(c.terms))
        .to.be.revertedWithCustomError(c.repo, "RepoNotAffirmed")
        .withArgs(c.id, STATUS.Lapsed);
    });

    it("also ends an instructed repo the counterparty never affirmed", async () => {
      const c = await loadFixture(withInstructedRepoFixture);
      await at(c.terms.openBy + 1n);
      await c.repo.markLapsed(c.terms);
      expect(await statusOf(c, c.id)).to.equal(STATUS.Lapsed);
    });

    it("reverts with RepoOpenWindowNotPassed(id, openBy, now) up to openBy inclusive", async () => {
      const c = await loadFixture(withAffirmedRepoFixture);
      await at(c.terms.openBy);
      await expect(c.repo.markLapsed(c.terms))
        .to.be.revertedWithCustomError(c.repo, "RepoOpenWindowNotPassed")
        .withArgs(c.id, c.terms.openBy, c.terms.openBy);
    });

    it("reverts with RepoNotPending(id, Open) for an opened repo, RepoUnknown(id) for unknown terms", async () => {
      const c = await loadFixture(withOpenRepoFixture);
      await time.increaseTo(c.terms.openBy + 1n);
      await expect(c.repo.markLapsed(c.terms))
        .to.be.revertedWithCustomError(c.repo, "RepoNotPending")
        .withArgs(c.id, STATUS.Open);
      const other = { ...c.terms, nonce: 3n };
      await expect(c.repo.markLapsed(other))
        .to.be.revertedWithCustomError(c.repo, "RepoUnknown")
        .withArgs(await idOf(c.repo, other));
    });
  });
});

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { type BondOptions, createBond, payRun } from "../../scripts/lib/bonds";
import { BALANCE_LOCK, BOND_KIND, COUNTRY, ROLES, RUN_KIND, TRANSFER_CHECK } from "../../scripts/lib/constants";
import type { BondToken } from "../../typechain-types";
import { deployBondFixture, withBondHoldersFixture } from "../fixtures/bond.fixture";
import { addYears, fromCivil, jstMidnight, nextBusinessDay, noonOf } from "../fixtures/dates";

type Context = Awaited<ReturnType<typeof deployBondFixture>>;

const PPM = 1_000_000n;
const COEFFICIENT_ONE = 100_000n;
const ALICE_FACE = 10_000_000n;
const BOB_FACE = 5_000_000n;
const CAROL_FACE = 2_500_000n;
const RECORD_FACE = ALICE_FACE + BOB_FACE + CAROL_FACE;
/** The fixture JGB pays 1.2% a year, semi-annually. */
const JGB_RATE = 12_000n;
const JGB_COUPON = (RECORD_FACE * JGB_RATE) / (2n * PPM); // 105,000
const MAX_BATCH = 300n;

/** An ISIN with its check digit: letters as two digits (A=10 … Z=35), then Luhn over the digit string. */
function isin(body: string): string {
  const digits = [...body].map((c) => (/[0-9]/.test(c) ? c : String(c.charCodeAt(0) - 55))).join("");
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

/** The two values of a view returning a pair. */
async function pair(result: Promise<[bigint, bigint] & unknown>): Promise<bigint[]> {
  const [a, b] = await result;
  return [a, b];
}

/** Ascending address order, the order payment runs take. */
function ascending(addresses: string[]): string[] {
  return [...addresses].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
}

/** Moves the chain to `secondsIntoDay` after 00:00 JST of `day` (never backwards). */
async function travelTo(day: number, secondsIntoDay = 3_600) {
  const target = jstMidnight(day) + secondsIntoDay;
  if (target > (await time.latest())) await time.increaseTo(target);
}

async function today(): Promise<number> {
  return Math.floor(((await time.latest()) + 9 * 3_600) / 86_400);
}

async function paymentDay(bond: BondToken, period: number): Promise<number> {
  const [, payment] = await bond.couponDate(period);
  return Number(payment);
}

async function scheduledDay(bond: BondToken, period: number): Promise<number> {
  const [scheduled] = await bond.couponDate(period);
  return Number(scheduled);
}

/** Pays coupon `period` of `bond` on its payment day to `holders`. */
async function payCoupon({ market, accounts }: Context, bond: BondToken, period: number, holders: string[]) {
  await travelTo(await paymentDay(bond, period));
  await market.payingAgent.connect(accounts.owner).openCoupon(await bond.getAddress(), period);
  await payRun(market, accounts.owner, await bond.getAddress(), holders);
}

/** Cumulative rounding in holder order: each share is floor((before + face) × n / d) − floor(before × n / d). */
function proRata(faces: bigint[], numerator: bigint, denominator: bigint): bigint[] {
  let before = 0n;
  return faces.map((face) => {
    const share = ((before + face) * numerator) / denominator - (before * numerator) / denominator;
    before += face;
    return share;
  });
}

/** Another series in the fixture's market, funded by mof. */
async function addBond(context: Context, options: Partial<BondOptions>, funded = true): Promise<BondToken> {
  const { market, accounts, baseOptions } = context;
  const { bond } = await createBond(market, accounts.owner, { ...baseOptions, ...options });
  if (funded) await market.payingAgent.connect(accounts.owner).setFunder(await bond.getAddress(), accounts.mof.address);
  return bond;
}

/** The first day `dayOfMonth` on or after `day`. */
function nextDayOfMonth(day: number, dayOfMonth: number): number {
  let d = day;
  while (new Date(d * 86_400_000).getUTCDate() !== dayOfMonth) d += 1;
  return d;
}

/** The fixture JGB at its redemption day: alice has 1m of her units frozen, bob's wallet is frozen, all 20 coupons paid. */
async function maturedFixture() {
  const context = await loadFixture(withBondHoldersFixture);
  const { bond, accounts } = context;
  await bond.connect(accounts.agent).freezePartialTokens(accounts.alice.address, 1_000_000n);
  await bond.connect(accounts.agent).setAddressFrozen(accounts.bob.address, true);
  const holders = [accounts.alice.address, accounts.bob.address, accounts.carol.address];
  const count = Number(await bond.couponCount());
  for (let period = 0; period < count; period++) await payCoupon(context, bond, period, holders);
  return { ...context, holders, count };
}

/** A 10-year JGB at 0.1111% (shares of a coupon are not whole yen): alice 3 units, bob 1, carol 2. */
async function oddRateFixture() {
  const context = await loadFixture(deployBondFixture);
  const { accounts } = context;
  const bond = await addBond(context, { isin: isin("JP1103761Q1"), symbol: "JGB376", couponRate: 1_111 });
  await bond.connect(accounts.agent).mint(accounts.alice.address, 150_000n);
  await bond.connect(accounts.agent).mint(accounts.bob.address, 50_000n);
  await bond.connect(accounts.agent).mint(accounts.carol.address, 100_000n);
  return { ...context, odd: bond };
}

/** A 6-month Treasury Discount Bill issued today: alice 5m, bob 1m. */
async function discountBillFixture() {
  const context = await loadFixture(deployBondFixture);
  const { accounts } = context;
  const maturity = nextBusinessDay(context.today + 182);
  const bill = await addBond(context, {
    kind: "DiscountBill",
    name: "T-Bill 6M #1290",
    symbol: "TDB1290",
    isin: isin("JP1741290Q1"),
    maturityDate: maturity,
    couponRate: 0,
    couponFrequency: 0,
  });
  await bill.connect(accounts.agent).mint(accounts.alice.address, 5_000_000n);
  await bill.connect(accounts.agent).mint(accounts.bob.address, 1_000_000n);
  return { ...context, bill, maturity };
}

const JGBI_RATE = 1_000n; // 0.1%
const BASE_CPI = 100_000n; // 100.000

/** A 10-year JGBi (0.1%, base CPI 100.000, coupons on the 10th) issued today: alice 10m, bob 5m, carol 2.5m. */
async function jgbiFixture() {
  const context = await loadFixture(deployBondFixture);
  const { accounts, market } = context;
  const jgbi = await addBond(context, {
    kind: "InflationIndexedJgb",
    name: "JGBi 10Y #29",
    symbol: "JGBI29",
    isin: isin("JP1120291Q1"),
    maturityDate: nextDayOfMonth(addYears(context.today, 10), 10),
    couponRate: Number(JGBI_RATE),
    cpiFeed: await market.cpiFeed.getAddress(),
    baseCpi: BASE_CPI,
  });
  await jgbi.connect(accounts.agent).mint(accounts.alice.address, ALICE_FACE);
  await jgbi.connect(accounts.agent).mint(accounts.bob.address, BOB_FACE);
  await jgbi.connect(accounts.agent).mint(accounts.carol.address, CAROL_FACE);
  const holders = [accounts.alice.address, accounts.bob.address, accounts.carol.address];
  return { ...context, jgbi, holders };
}

/** The JGBi with CPI published for its first 19 coupon dates (102.000 + 0.100 a period) and 19 coupons paid. */
async function jgbiBeforeMaturityFixture() {
  const context = await loadFixture(jgbiFixture);
  const { jgbi, market, accounts, holders } = context;
  const count = Number(await jgbi.couponCount());
  const days: number[] = [];
  for (let period = 0; period < count - 1; period++) days.push(await scheduledDay(jgbi, period));
  await market.cpiFeed.connect(accounts.owner).publish(
    days,
    days.map((_, i) => 102_000n + 100n * BigInt(i)),
  );
  for (let period = 0; period < count - 1; period++) await payCoupon(context, jgbi, period, holders);
  return { ...context, maturity: await scheduledDay(jgbi, count - 1), last: count - 1 };
}

const RETAIL_MINIMUM_RATE = 500n; // 0.05%

/** A 10-year floating-rate retail JGB (minimum 0.05%, ¥10,000 units) issued today: alice 1m, bob 500k. */
async function retailFloatingFixture() {
  const context = await loadFixture(deployBondFixture);
  const { accounts } = context;
  const retail = await addBond(context, {
    kind: "RetailFloatingJgb",
    name: "Retail JGB Floating 10Y #200",
    symbol: "RJGB200",
    isin: isin("JP1170200Q1"),
    couponRate: Number(RETAIL_MINIMUM_RATE),
    issueVolume: 100_000_000_000n,
  });
  await retail.connect(accounts.agent).mint(accounts.alice.address, 1_000_000n);
  await retail.connect(accounts.agent).mint(accounts.bob.address, 500_000n);
  return { ...context, retail };
}

describe("PayingAgent", () => {
  describe(".setFunder()", () => {
    it("records the funder and emits FunderSet", async () => {
      const context = await loadFixture(deployBondFixture);
      const bond = await addBond(context, { isin: isin("JP1103771Q1"), symbol: "JGB377" }, false);
      const { market, accounts } = context;
      const address = await bond.getAddress();
      expect(await market.payingAgent.funderOf(address)).to.equal(ethers.ZeroAddress);
      await expect(market.payingAgent.connect(accounts.owner).setFunder(address, accounts.mof.address))
        .to.emit(market.payingAgent, "FunderSet")
        .withArgs(address, accounts.mof.address);
      expect(await market.payingAgent.funderOf(address)).to.equal(accounts.mof.address);
    });

    it("reverts for a caller without PAYING_AGENT", async () => {
      const { market, bond, accounts } = await loadFixture(deployBondFixture);
      await expect(
        market.payingAgent.connect(accounts.outsider).setFunder(await bond.getAddress(), accounts.mof.address),
      )
        .to.be.revertedWithCustomError(market.payingAgent, "AccessControlUnauthorizedAccount")
        .withArgs(accounts.outsider.address, ROLES.PAYING_AGENT);
    });

    it("reverts for the zero address", async () => {
      const { market, bond, accounts } = await loadFixture(deployBondFixture);
      const address = await bond.getAddress();
      await expect(market.payingAgent.connect(accounts.owner).setFunder(address, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentNoFunder")
        .withArgs(address);
    });

    it("reverts while a run is in progress", async () => {
      const { market, bond, accounts } = await loadFixture(withBondHoldersFixture);
      const address = await bond.getAddress();
      await travelTo(await paymentDay(bond, 0));
      await market.payingAgent.connect(accounts.owner).openCoupon(address, 0);
      await expect(market.payingAgent.connect(accounts.owner).setFunder(address, accounts.bob.address))
        .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentRunInProgress")
        .withArgs(address, RUN_KIND.Coupon);
    });
  });

  describe(".openCoupon()", () => {
    describe("when the caller lacks PAYING_AGENT", () => {
      it("reverts", async () => {
        const { market, bond, accounts } = await loadFixture(withBondHoldersFixture);
        await travelTo(await paymentDay(bond, 0));
        await expect(market.payingAgent.connect(accounts.agent).openCoupon(await bond.getAddress(), 0))
          .to.be.revertedWithCustomError(market.payingAgent, "AccessControlUnauthorizedAccount")
          .withArgs(accounts.agent.address, ROLES.PAYING_AGENT);
      });
    });

    describe("when the series has no funder", () => {
      it("reverts PayingAgentNoFunder", async () => {
        const context = await loadFixture(deployBondFixture);
        const bond = await addBond(context, { isin: isin("JP1103781Q1"), symbol: "JGB378" }, false);
        const address = await bond.getAddress();
        await travelTo(await paymentDay(bond, 0));
        await expect(context.market.payingAgent.connect(context.accounts.owner).openCoupon(address, 0))
          .to.be.revertedWithCustomError(context.market.payingAgent, "PayingAgentNoFunder")
          .withArgs(address);
      });
    });

    describe("when the coupon is not the next one", () => {
      it("refuses coupon 1 before coupon 0 is paid", async () => {
        const { market, bond, accounts } = await loadFixture(withBondHoldersFixture);
        const address = await bond.getAddress();
        await travelTo(await paymentDay(bond, 1));
        await expect(market.payingAgent.connect(accounts.owner).openCoupon(address, 1))
          .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentCouponOutOfOrder")
          .withArgs(address, 1, 0);
      });

      it("refuses to pay coupon 0 twice", async () => {
        const context = await loadFixture(withBondHoldersFixture);
        const { market, bond, accounts } = context;
        const address = await bond.getAddress();
        await payCoupon(context, bond, 0, [accounts.alice.address, accounts.bob.address, accounts.carol.address]);
        expect(await market.payingAgent.couponsPaid(address)).to.equal(1n);
        await expect(market.payingAgent.connect(accounts.owner).openCoupon(address, 0))
          .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentCouponOutOfOrder")
          .withArgs(address, 0, 1);
      });
    });

    describe("before the payment day", () => {
      it("reverts with the payment day and today", async () => {
        const { market, bond, accounts, today: issueDay } = await loadFixture(withBondHoldersFixture);
        const address = await bond.getAddress();
        const payment = await paymentDay(bond, 0);
        await expect(market.payingAgent.connect(accounts.owner).openCoupon(address, 0))
          .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentCouponNotDue")
          .withArgs(address, 0, payment, issueDay);
      });

      it("reverts in the last second before the payment day and opens at 00:00 JST", async () => {
        const { market, bond, accounts } = await loadFixture(withBondHoldersFixture);
        const address = await bond.getAddress();
        const payment = await paymentDay(bond, 0);
        await time.setNextBlockTimestamp(jstMidnight(payment) - 1);
        await expect(market.payingAgent.connect(accounts.owner).openCoupon(address, 0))
          .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentCouponNotDue")
          .withArgs(address, 0, payment, payment - 1);
        await time.setNextBlockTimestamp(jstMidnight(payment));
        await expect(market.payingAgent.connect(accounts.owner).openCoupon(address, 0)).to.emit(
          market.payingAgent,
          "CouponRunOpened",
        );
      });
    });

    describe("when funding falls short", () => {
      it("reverts when the funder's cash does not cover the coupon", async () => {
        const { market, bond, accounts } = await loadFixture(withBondHoldersFixture);
        const address = await bond.getAddress();
        const balance = await market.cash.balanceOf(accounts.mof.address);
        await market.cash.connect(accounts.bank).burn(accounts.mof.address, balance - (JGB_COUPON - 1n));
        await travelTo(await paymentDay(bond, 0));
        await expect(market.payingAgent.connect(accounts.owner).openCoupon(address, 0))
          .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentFundingShortfall")
          .withArgs(accounts.mof.address, JGB_COUPON, JGB_COUPON - 1n, ethers.MaxUint256);
      });

      it("opens when the funder's cash covers the coupon exactly", async () => {
        const { market, bond, accounts } = await loadFixture(withBondHoldersFixture);
        const balance = await market.cash.balanceOf(accounts.mof.address);
        await market.cash.connect(accounts.bank).burn(accounts.mof.address, balance - JGB_COUPON);
        await travelTo(await paymentDay(bond, 0));
        await expect(market.payingAgent.connect(accounts.owner).openCoupon(await bond.getAddress(), 0))
          .to.emit(market.payingAgent, "CouponRunOpened")
          .withArgs(await bond.getAddress(), 0, RECORD_FACE, JGB_COUPON);
      });

      it("counts only the funder's free cash (frozen cash does not fund)", async () => {
        const { market, bond, accounts } = await loadFixture(withBondHoldersFixture);
        const balance = await market.cash.balanceOf(accounts.mof.address);
        await market.cash.connect(accounts.bank).freezePartialTokens(accounts.mof.address, balance - 100_000n);
        await travelTo(await paymentDay(bond, 0));
        await expect(market.payingAgent.connect(accounts.owner).openCoupon(await bond.getAddress(), 0))
          .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentFundingShortfall")
          .withArgs(accounts.mof.address, JGB_COUPON, 100_000n, ethers.MaxUint256);
      });

      it("reverts when the funder's allowance does not cover the coupon", async () => {
        const { market, bond, accounts } = await loadFixture(withBondHoldersFixture);
        const balance = await market.cash.balanceOf(accounts.mof.address);
        await market.cash.connect(accounts.mof).approve(await market.payingAgent.getAddress(), JGB_COUPON - 1n);
        await travelTo(await paymentDay(bond, 0));
        await expect(market.payingAgent.connect(accounts.owner).openCoupon(await bond.getAddress(), 0))
          .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentFundingShortfall")
          .withArgs(accounts.mof.address, JGB_COUPON, balance, JGB_COUPON - 1n);
      });
    });

    describe("when a run is in progress", () => {
      it("refuses another coupon run and a redemption run", async () => {
        const { market, bond, accounts } = await loadFixture(withBondHoldersFixture);
        const address = await bond.getAddress();
        await travelTo(await paymentDay(bond, 0));
        await market.payingAgent.connect(accounts.owner).openCoupon(address, 0);
        await expect(market.payingAgent.connect(accounts.owner).openCoupon(address, 0))
          .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentRunInProgress")
          .withArgs(address, RUN_KIND.Coupon);
        await expect(market.payingAgent.connect(accounts.owner).openRedemption(address))
          .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentRunInProgress")
          .withArgs(address, RUN_KIND.Coupon);
      });
    });

    describe("when it opens", () => {
      async function opened() {
        const context = await loadFixture(withBondHoldersFixture);
        const { market, bond, accounts, investors, suite } = context;
        // eve becomes a second wallet of alice's identity, so that a recovery alice -> eve is otherwise valid.
        await suite.identityRegistry
          .connect(accounts.registrar)
          .registerIdentity(accounts.eve.address, await investors.alice.identity.getAddress(), COUNTRY.JP);
        await bond.connect(accounts.alice).approve(accounts.bob.address, ethers.MaxUint256);
        await travelTo(await paymentDay(bond, 0));
        const tx = market.payingAgent.connect(accounts.owner).openCoupon(await bond.getAddress(), 0);
        return { ...context, tx: await tx };
      }

      it("emits CouponRunOpened with the face of record and the amount due, and locks balances", async () => {
        const { market, bond, tx } = await loadFixture(opened);
        const address = await bond.getAddress();
        await expect(tx).to.emit(market.payingAgent, "CouponRunOpened").withArgs(address, 0, RECORD_FACE, JGB_COUPON);
        await expect(tx)
          .to.emit(bond, "BalanceLockChanged")
          .withArgs(await market.payingAgent.getAddress(), BALANCE_LOCK.RecordLocked);
        await expect(tx).not.to.emit(market.payingAgent, "RunCompleted");
        expect(await bond.balanceLock()).to.equal(BALANCE_LOCK.RecordLocked);
        const run = await market.payingAgent.runOf(address);
        expect(run.kind).to.equal(RUN_KIND.Coupon);
        expect(run.period).to.equal(0n);
        expect(run.lastHolder).to.equal(ethers.ZeroAddress);
        expect(run.recordFace).to.equal(RECORD_FACE);
        expect(run.facePaid).to.equal(0n);
        expect(run.due).to.equal(JGB_COUPON);
        expect(run.paid).to.equal(0n);
        expect([run.numerator, run.denominator]).to.deep.equal([JGB_RATE, 2n * PPM]);
      });

      it("refuses holder transfers and transferFrom with TokenBalancesLocked(1)", async () => {
        const { bond, accounts } = await loadFixture(opened);
        await expect(bond.connect(accounts.alice).transfer(accounts.bob.address, 50_000n))
          .to.be.revertedWithCustomError(bond, "TokenBalancesLocked")
          .withArgs(BALANCE_LOCK.RecordLocked);
        await expect(bond.connect(accounts.bob).transferFrom(accounts.alice.address, accounts.bob.address, 50_000n))
          .to.be.revertedWithCustomError(bond, "TokenBalancesLocked")
          .withArgs(BALANCE_LOCK.RecordLocked);
      });

      it("refuses mint, burn, forced transfer and recovery with TokenBalancesLocked(1)", async () => {
        const { bond, accounts, investors } = await loadFixture(opened);
        const agent = bond.connect(accounts.agent);
        await expect(agent.mint(accounts.alice.address, 50_000n))
          .to.be.revertedWithCustomError(bond, "TokenBalancesLocked")
          .withArgs(BALANCE_LOCK.RecordLocked);
        await expect(agent.burn(accounts.alice.address, 50_000n))
          .to.be.revertedWithCustomError(bond, "TokenBalancesLocked")
          .withArgs(BALANCE_LOCK.RecordLocked);
        await expect(agent.forcedTransfer(accounts.alice.address, accounts.bob.address, 50_000n))
          .to.be.revertedWithCustomError(bond, "TokenBalancesLocked")
          .withArgs(BALANCE_LOCK.RecordLocked);
        await expect(
          agent.recoveryAddress(
            accounts.alice.address,
            accounts.eve.address,
            await investors.alice.identity.getAddress(),
          ),
        )
          .to.be.revertedWithCustomError(bond, "TokenBalancesLocked")
          .withArgs(BALANCE_LOCK.RecordLocked);
      });

      it("makes checkTransfer answer BalancesLocked", async () => {
        const { bond, accounts } = await loadFixture(opened);
        const [code, module] = await bond.checkTransfer(accounts.alice.address, accounts.bob.address, 50_000n);
        expect(TRANSFER_CHECK[Number(code)]).to.equal("BalancesLocked");
        expect(module).to.equal(ethers.ZeroAddress);
      });

      it("unlocks balances when the run completes", async () => {
        const { market, bond, accounts } = await loadFixture(opened);
        await payRun(market, accounts.owner, await bond.getAddress(), [
          accounts.alice.address,
          accounts.bob.address,
          accounts.carol.address,
        ]);
        expect(await bond.balanceLock()).to.equal(BALANCE_LOCK.None);
        await expect(bond.connect(accounts.alice).transfer(accounts.bob.address, 50_000n)).to.changeTokenBalances(
          bond,
          [accounts.alice, accounts.bob],
          [-50_000n, 50_000n],
        );
      });
    });

    describe("when nothing is outstanding", () => {
      it("completes at once and unlocks", async () => {
        const { market, bond, accounts } = await loadFixture(deployBondFixture);
        const address = await bond.getAddress();
        await travelTo(await paymentDay(bond, 0));
        const tx = market.payingAgent.connect(accounts.owner).openCoupon(address, 0);
        await expect(tx).to.emit(market.payingAgent, "CouponRunOpened").withArgs(address, 0, 0, 0);
        await expect(tx).to.emit(market.payingAgent, "RunCompleted").withArgs(address, RUN_KIND.Coupon, 0, 0, 0);
        await expect(tx).not.to.emit(market.cash, "EntitlementsDistributed");
        expect(await market.payingAgent.couponsPaid(address)).to.equal(1n);
        expect((await market.payingAgent.runOf(address)).kind).to.equal(RUN_KIND.None);
        expect(await bond.balanceLock()).to.equal(BALANCE_LOCK.None);
      });
    });
  });

  describe(".payBatch()", () => {
    async function openFixture() {
      const context = await loadFixture(withBondHoldersFixture);
      const { market, bond, accounts } = context;
      await travelTo(await paymentDay(bond, 0));
      await market.payingAgent.connect(accounts.owner).openCoupon(await bond.getAddress(), 0);
      const sorted = ascending([accounts.alice.address, accounts.bob.address, accounts.carol.address]);
      return { ...context, address: await bond.getAddress(), pay: market.payingAgent.connect(accounts.owner), sorted };
    }

    it("reverts for a caller without PAYING_AGENT", async () => {
      const { market, address, accounts, sorted } = await loadFixture(openFixture);
      await expect(market.payingAgent.connect(accounts.alice).payBatch(address, sorted))
        .to.be.revertedWithCustomError(market.payingAgent, "AccessControlUnauthorizedAccount")
        .withArgs(accounts.alice.address, ROLES.PAYING_AGENT);
    });

    it("reverts PayingAgentNoRun when no run is open", async () => {
      const { market, bond, accounts } = await loadFixture(withBondHoldersFixture);
      const address = await bond.getAddress();
      await expect(market.payingAgent.connect(accounts.owner).payBatch(address, [accounts.alice.address]))
        .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentNoRun")
        .withArgs(address);
    });

    it("refuses an empty batch and one larger than MAX_BATCH", async () => {
      const { market, pay, address } = await loadFixture(openFixture);
      expect(await market.payingAgent.MAX_BATCH()).to.equal(MAX_BATCH);
      await expect(pay.payBatch(address, []))
        .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentBadBatch")
        .withArgs(0, MAX_BATCH);
      const tooMany = Array.from({ length: Number(MAX_BATCH) + 1 }, (_, i) => ethers.toBeHex(i + 1, 20));
      await expect(pay.payBatch(address, tooMany))
        .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentBadBatch")
        .withArgs(MAX_BATCH + 1n, MAX_BATCH);
    });

    describe("holder order", () => {
      it("refuses a holder twice in one batch", async () => {
        const { market, pay, address, sorted } = await loadFixture(openFixture);
        await expect(pay.payBatch(address, [sorted[0], sorted[0]]))
          .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentHoldersNotAscending")
          .withArgs(sorted[0], sorted[0]);
      });

      it("refuses descending holders in one batch", async () => {
        const { market, pay, address, sorted } = await loadFixture(openFixture);
        await expect(pay.payBatch(address, [sorted[1], sorted[0]]))
          .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentHoldersNotAscending")
          .withArgs(sorted[0], sorted[1]);
      });

      it("refuses the zero address", async () => {
        const { market, pay, address } = await loadFixture(openFixture);
        await expect(pay.payBatch(address, [ethers.ZeroAddress]))
          .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentHoldersNotAscending")
          .withArgs(ethers.ZeroAddress, ethers.ZeroAddress);
      });

      it("refuses, in a later batch, a holder at or before the previous batch's last", async () => {
        const { market, pay, address, sorted } = await loadFixture(openFixture);
        await pay.payBatch(address, [sorted[1]]);
        expect((await market.payingAgent.runOf(address)).lastHolder).to.equal(sorted[1]);
        await expect(pay.payBatch(address, [sorted[0]]))
          .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentHoldersNotAscending")
          .withArgs(sorted[0], sorted[1]);
        await expect(pay.payBatch(address, [sorted[1], sorted[2]]))
          .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentHoldersNotAscending")
          .withArgs(sorted[1], sorted[1]);
      });
    });

    describe("completion", () => {
      it("stays open, balances locked, while units of record are unpaid (alice and bob paid, carol not)", async () => {
        const { market, bond, pay, address, accounts } = await loadFixture(openFixture);
        const paid = ascending([accounts.alice.address, accounts.bob.address]);
        const tx = pay.payBatch(address, paid);
        await expect(tx).not.to.emit(market.payingAgent, "RunCompleted");
        const run = await market.payingAgent.runOf(address);
        expect(run.kind).to.equal(RUN_KIND.Coupon);
        expect(run.facePaid).to.equal(ALICE_FACE + BOB_FACE);
        expect(run.paid).to.equal(((ALICE_FACE + BOB_FACE) * JGB_RATE) / (2n * PPM));
        expect(await market.payingAgent.couponsPaid(address)).to.equal(0n);
        expect(await bond.balanceLock()).to.equal(BALANCE_LOCK.RecordLocked);
        await expect(bond.connect(accounts.alice).transfer(accounts.carol.address, 50_000n))
          .to.be.revertedWithCustomError(bond, "TokenBalancesLocked")
          .withArgs(BALANCE_LOCK.RecordLocked);
        // The cursor never goes back: carol (between bob and alice in address order) cannot be paid by payBatch.
        expect(ascending([...paid, accounts.carol.address])[1]).to.equal(accounts.carol.address);
        await expect(pay.payBatch(address, [accounts.carol.address]))
          .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentHoldersNotAscending")
          .withArgs(accounts.carol.address, paid[1]);
      });

      it("completes with the batch that pays the last unit of record", async () => {
        const { market, bond, pay, address, sorted, accounts } = await loadFixture(openFixture);
        await expect(pay.payBatch(address, sorted.slice(0, 2))).not.to.emit(market.payingAgent, "RunCompleted");
        const tx = pay.payBatch(address, sorted.slice(2));
        await expect(tx)
          .to.emit(market.payingAgent, "RunCompleted")
          .withArgs(address, RUN_KIND.Coupon, 0, RECORD_FACE, JGB_COUPON);
        await expect(tx)
          .to.emit(bond, "BalanceLockChanged")
          .withArgs(await market.payingAgent.getAddress(), BALANCE_LOCK.None);
        expect(await market.payingAgent.couponsPaid(address)).to.equal(1n);
        expect((await market.payingAgent.runOf(address)).kind).to.equal(RUN_KIND.None);
        await expect(pay.payBatch(address, [accounts.dave.address]))
          .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentNoRun")
          .withArgs(address);
      });
    });

    describe(".payMissedHolders()", () => {
      it("pays a skipped holder once the caller proves who was paid, and completes the run", async () => {
        const { market, pay, address, accounts } = await loadFixture(openFixture);
        const paid = ascending([accounts.alice.address, accounts.bob.address]);
        await pay.payBatch(address, paid);
        const before = await market.cash.balanceOf(accounts.carol.address);
        await expect(pay.payMissedHolders(address, paid, [accounts.carol.address]))
          .to.emit(market.payingAgent, "RunCompleted")
          .withArgs(address, RUN_KIND.Coupon, 0, RECORD_FACE, JGB_COUPON);
        expect((await market.cash.balanceOf(accounts.carol.address)) - before).to.equal(
          (CAROL_FACE * JGB_RATE) / (2n * PPM),
        );
      });

      it("reverts with PayingAgentPaidListMismatch when the list of paid holders is incomplete or reordered", async () => {
        const { market, pay, address, accounts } = await loadFixture(openFixture);
        const paid = ascending([accounts.alice.address, accounts.bob.address]);
        await pay.payBatch(address, paid);
        for (const list of [[paid[0]], [paid[1], paid[0]], []]) {
          await expect(pay.payMissedHolders(address, list, [accounts.carol.address]))
            .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentPaidListMismatch")
            .withArgs(address);
        }
      });

      it("reverts with PayingAgentAlreadyPaid for a holder already paid, or named twice", async () => {
        const { market, pay, address, accounts } = await loadFixture(openFixture);
        const paid = ascending([accounts.alice.address, accounts.bob.address]);
        await pay.payBatch(address, paid);
        await expect(pay.payMissedHolders(address, paid, [paid[0]]))
          .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentAlreadyPaid")
          .withArgs(paid[0]);
        await expect(pay.payMissedHolders(address, paid, [accounts.carol.address, accounts.carol.address]))
          .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentAlreadyPaid")
          .withArgs(accounts.carol.address);
      });

      it("reverts with PayingAgentNoRun without a run, and for a caller without PAYING_AGENT", async () => {
        const { market, pay, address, accounts } = await loadFixture(openFixture);
        await expect(
          market.payingAgent.connect(accounts.outsider).payMissedHolders(address, [], [accounts.carol.address]),
        )
          .to.be.revertedWithCustomError(market.payingAgent, "AccessControlUnauthorizedAccount")
          .withArgs(accounts.outsider.address, ROLES.PAYING_AGENT);
        await pay.payBatch(address, ascending([accounts.alice.address, accounts.bob.address, accounts.carol.address]));
        await expect(pay.payMissedHolders(address, [], [accounts.dave.address]))
          .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentNoRun")
          .withArgs(address);
      });
    });

    describe("amounts", () => {
      it("pays each holder its coupon from the funder and emits BatchPaid and EntitlementsDistributed", async () => {
        const { market, pay, address, sorted, accounts } = await loadFixture(openFixture);
        const tx = pay.payBatch(address, sorted);
        await expect(tx).to.changeTokenBalances(
          market.cash,
          [accounts.mof, accounts.alice, accounts.bob, accounts.carol],
          [-JGB_COUPON, 60_000n, 30_000n, 15_000n],
        );
        await expect(tx)
          .to.emit(market.payingAgent, "BatchPaid")
          .withArgs(address, RUN_KIND.Coupon, 3, RECORD_FACE, JGB_COUPON);
        await expect(tx)
          .to.emit(market.cash, "EntitlementsDistributed")
          .withArgs(await market.payingAgent.getAddress(), accounts.mof.address, 3, JGB_COUPON);
        await expect(tx)
          .to.emit(market.cash, "Transfer")
          .withArgs(accounts.mof.address, accounts.alice.address, 60_000n);
      });

      it("pays exactly floor(face of record × rate ÷ 2), each holder the floor or ceiling of its share", async () => {
        const { market, odd, accounts } = await loadFixture(oddRateFixture);
        const address = await odd.getAddress();
        const holders = ascending([accounts.alice.address, accounts.bob.address, accounts.carol.address]);
        const faces = await Promise.all(holders.map((h) => odd.balanceOf(h)));
        const total = faces.reduce((a, b) => a + b, 0n);
        const due = (total * 1_111n) / (2n * PPM); // 300,000 × 0.1111% ÷ 2 = 166.65 -> 166
        expect(due).to.equal(166n);
        const before = await Promise.all(holders.map((h) => market.cash.balanceOf(h)));
        const funderBefore = await market.cash.balanceOf(accounts.mof.address);
        await travelTo(await paymentDay(odd, 0));
        await expect(market.payingAgent.connect(accounts.owner).openCoupon(address, 0))
          .to.emit(market.payingAgent, "CouponRunOpened")
          .withArgs(address, 0, total, due);
        // One holder per batch: rounding carries across batches.
        for (const holder of holders) await market.payingAgent.connect(accounts.owner).payBatch(address, [holder]);
        const paid = await Promise.all(holders.map(async (h, i) => (await market.cash.balanceOf(h)) - before[i]));
        expect(paid).to.deep.equal(proRata(faces, 1_111n, 2n * PPM));
        expect(paid.reduce((a, b) => a + b, 0n)).to.equal(due);
        expect(funderBefore - (await market.cash.balanceOf(accounts.mof.address))).to.equal(due);
        paid.forEach((amount, i) => {
          const floor = (faces[i] * 1_111n) / (2n * PPM);
          expect(amount === floor || amount === floor + 1n, `holder ${i}: ${amount} vs ${floor}`).to.equal(true);
        });
      });

      it("pays a frozen wallet and holders with frozen or pledged units on all their units", async () => {
        const { market, bond, accounts } = await loadFixture(withBondHoldersFixture);
        await bond.connect(accounts.agent).setAddressFrozen(accounts.bob.address, true);
        await bond.connect(accounts.agent).freezePartialTokens(accounts.alice.address, 4_000_000n);
        await market.cash.connect(accounts.bank).setAddressFrozen(accounts.carol.address, true);
        // carol pledged 1m as collateral (eve stands in for the collateral escrow)
        await bond.connect(accounts.owner).setPledgeAgent(accounts.eve.address);
        await bond.connect(accounts.eve).pledge(accounts.carol.address, 1_000_000n);
        await travelTo(await paymentDay(bond, 0));
        const address = await bond.getAddress();
        await market.payingAgent.connect(accounts.owner).openCoupon(address, 0);
        const holders = ascending([accounts.alice.address, accounts.bob.address, accounts.carol.address]);
        await expect(market.payingAgent.connect(accounts.owner).payBatch(address, holders)).to.changeTokenBalances(
          market.cash,
          [accounts.alice, accounts.bob, accounts.carol],
          [60_000n, 30_000n, 15_000n],
        );
        // Coupons are income: the cash is not frozen, the units stay frozen.
        expect(await market.cash.getFrozenTokens(accounts.alice.address)).to.equal(0n);
        expect(await bond.getFrozenTokens(accounts.alice.address)).to.equal(4_000_000n);
        expect(await bond.isFrozen(accounts.bob.address)).to.equal(true);
        expect(await bond.pledgedOf(accounts.carol.address)).to.equal(1_000_000n);
        expect(await market.cash.balanceOf(accounts.eve.address)).to.equal(0n);
      });

      it("skips a listed address that holds nothing", async () => {
        const { market, pay, address, accounts } = await loadFixture(openFixture);
        const listed = ascending([
          accounts.alice.address,
          accounts.bob.address,
          accounts.carol.address,
          accounts.dave.address,
        ]);
        const tx = pay.payBatch(address, listed);
        await expect(tx)
          .to.emit(market.payingAgent, "BatchPaid")
          .withArgs(address, RUN_KIND.Coupon, 3, RECORD_FACE, JGB_COUPON);
        await expect(tx).to.changeTokenBalance(market.cash, accounts.dave, 0n);
        await expect(tx)
          .to.emit(market.cash, "EntitlementsDistributed")
          .withArgs(await market.payingAgent.getAddress(), accounts.mof.address, 3, JGB_COUPON);
      });

      it("emits BatchPaid with no holders for a batch of addresses that hold nothing", async () => {
        const { market, pay, address, accounts } = await loadFixture(openFixture);
        const tx = pay.payBatch(address, [accounts.dave.address]);
        await expect(tx).to.emit(market.payingAgent, "BatchPaid").withArgs(address, RUN_KIND.Coupon, 0, 0, 0);
        await expect(tx).not.to.emit(market.cash, "EntitlementsDistributed");
      });
    });
  });

  describe(".openRedemption() and redemption batches", () => {
    it("reverts for a caller without PAYING_AGENT", async () => {
      const { market, bond, accounts } = await loadFixture(maturedFixture);
      await expect(market.payingAgent.connect(accounts.outsider).openRedemption(await bond.getAddress()))
        .to.be.revertedWithCustomError(market.payingAgent, "AccessControlUnauthorizedAccount")
        .withArgs(accounts.outsider.address, ROLES.PAYING_AGENT);
    });

    it("refuses while coupons are unpaid", async () => {
      const { market, bond, accounts } = await loadFixture(withBondHoldersFixture);
      const address = await bond.getAddress();
      const count = await bond.couponCount();
      await expect(market.payingAgent.connect(accounts.owner).openRedemption(address))
        .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentCouponsOutstanding")
        .withArgs(address, 0, count);
    });

    it("refuses when the funding does not cover the principal", async () => {
      const { market, bond, accounts } = await loadFixture(maturedFixture);
      const balance = await market.cash.balanceOf(accounts.mof.address);
      await market.cash.connect(accounts.mof).approve(await market.payingAgent.getAddress(), RECORD_FACE - 1n);
      await expect(market.payingAgent.connect(accounts.owner).openRedemption(await bond.getAddress()))
        .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentFundingShortfall")
        .withArgs(accounts.mof.address, RECORD_FACE, balance, RECORD_FACE - 1n);
    });

    it("opens on the last payment day: RedemptionRunOpened, balances locked for redemption", async () => {
      const { market, bond, accounts, count } = await loadFixture(maturedFixture);
      const address = await bond.getAddress();
      expect(await market.payingAgent.couponsPaid(address)).to.equal(count);
      expect(await pair(market.payingAgent.redemptionRatio(address))).to.deep.equal([1n, 1n]);
      const tx = market.payingAgent.connect(accounts.owner).openRedemption(address);
      await expect(tx).to.emit(market.payingAgent, "RedemptionRunOpened").withArgs(address, RECORD_FACE, RECORD_FACE);
      await expect(tx)
        .to.emit(bond, "BalanceLockChanged")
        .withArgs(await market.payingAgent.getAddress(), BALANCE_LOCK.Redemption);
      const run = await market.payingAgent.runOf(address);
      expect(run.kind).to.equal(RUN_KIND.Redemption);
      expect(run.period).to.equal(count);
      await expect(bond.connect(accounts.carol).transfer(accounts.alice.address, 50_000n))
        .to.be.revertedWithCustomError(bond, "TokenBalancesLocked")
        .withArgs(BALANCE_LOCK.Redemption);
    });

    describe("when every holder is paid", () => {
      async function redeemedFixture() {
        const context = await loadFixture(maturedFixture);
        const { market, bond, accounts, holders } = context;
        const address = await bond.getAddress();
        await market.payingAgent.connect(accounts.owner).openRedemption(address);
        const tx = await market.payingAgent.connect(accounts.owner).payBatch(address, ascending(holders));
        return { ...context, address, tx };
      }

      it("retires every unit: supply 0, Transfer to zero and UnitsRetired per holder", async () => {
        const { market, bond, accounts, tx } = await loadFixture(redeemedFixture);
        const agent = await market.payingAgent.getAddress();
        expect(await bond.totalSupply()).to.equal(0n);
        for (const [holder, face] of [
          [accounts.alice.address, ALICE_FACE],
          [accounts.bob.address, BOB_FACE],
          [accounts.carol.address, CAROL_FACE],
        ] as const) {
          expect(await bond.balanceOf(holder)).to.equal(0n);
          await expect(tx).to.emit(bond, "Transfer").withArgs(holder, ethers.ZeroAddress, face);
        }
        await expect(tx)
          .to.emit(bond, "UnitsRetired")
          .withArgs(agent, accounts.alice.address, ALICE_FACE, 1_000_000n, 0n);
        await expect(tx).to.emit(bond, "UnitsRetired").withArgs(agent, accounts.carol.address, CAROL_FACE, 0n, 0n);
        expect(await bond.getFrozenTokens(accounts.alice.address)).to.equal(0n);
      });

      it("pays the principal and completes the run", async () => {
        const { market, accounts, tx, address, count } = await loadFixture(redeemedFixture);
        await expect(tx).to.changeTokenBalances(
          market.cash,
          [accounts.mof, accounts.alice, accounts.bob, accounts.carol],
          [-RECORD_FACE, ALICE_FACE, BOB_FACE, CAROL_FACE],
        );
        await expect(tx)
          .to.emit(market.payingAgent, "BatchPaid")
          .withArgs(address, RUN_KIND.Redemption, 3, RECORD_FACE, RECORD_FACE);
        await expect(tx)
          .to.emit(market.payingAgent, "RunCompleted")
          .withArgs(address, RUN_KIND.Redemption, count, RECORD_FACE, RECORD_FACE);
        expect((await market.payingAgent.runOf(address)).kind).to.equal(RUN_KIND.None);
      });

      it("freezes on the cash token the proceeds of frozen units and of a frozen wallet", async () => {
        const { market, bond, accounts, tx } = await loadFixture(redeemedFixture);
        const address = await bond.getAddress();
        await expect(tx)
          .to.emit(market.payingAgent, "FrozenProceedsFrozen")
          .withArgs(address, accounts.alice.address, 1_000_000n);
        await expect(tx)
          .to.emit(market.payingAgent, "FrozenProceedsFrozen")
          .withArgs(address, accounts.bob.address, BOB_FACE);
        await expect(tx).to.emit(market.cash, "TokensFrozen").withArgs(accounts.alice.address, 1_000_000n);
        expect(await market.cash.getFrozenTokens(accounts.alice.address)).to.equal(1_000_000n);
        expect(await market.cash.getFrozenTokens(accounts.bob.address)).to.equal(BOB_FACE);
        expect(await market.cash.getFrozenTokens(accounts.carol.address)).to.equal(0n);
        const free = (await market.cash.balanceOf(accounts.bob.address)) - BOB_FACE;
        await expect(market.cash.connect(accounts.bob).transfer(accounts.carol.address, free + 1n))
          .to.be.revertedWithCustomError(market.cash, "TokenInsufficientFreeBalance")
          .withArgs(accounts.bob.address, free, free + 1n);
      });

      it("refuses every balance change afterwards with TokenBalancesLocked(2)", async () => {
        const { bond, accounts } = await loadFixture(redeemedFixture);
        await expect(bond.connect(accounts.agent).mint(accounts.alice.address, 50_000n))
          .to.be.revertedWithCustomError(bond, "TokenBalancesLocked")
          .withArgs(BALANCE_LOCK.Redemption);
        await expect(bond.connect(accounts.alice).transfer(accounts.bob.address, 0n))
          .to.be.revertedWithCustomError(bond, "TokenBalancesLocked")
          .withArgs(BALANCE_LOCK.Redemption);
        const [code] = await bond.checkTransfer(accounts.alice.address, accounts.bob.address, 0n);
        expect(TRANSFER_CHECK[Number(code)]).to.equal("BalancesLocked");
      });

      it("cannot leave Redemption through setBalanceLock, nor redeem twice", async () => {
        const { market, bond, accounts, address, count } = await loadFixture(redeemedFixture);
        await bond.connect(accounts.owner).grantRole(ROLES.PAYING_AGENT, accounts.owner.address);
        for (const lock of [BALANCE_LOCK.None, BALANCE_LOCK.RecordLocked, BALANCE_LOCK.Redemption]) {
          await expect(bond.connect(accounts.owner).setBalanceLock(lock))
            .to.be.revertedWithCustomError(bond, "TokenBalanceLockTransition")
            .withArgs(BALANCE_LOCK.Redemption, lock);
        }
        await expect(market.payingAgent.connect(accounts.owner).openRedemption(address))
          .to.be.revertedWithCustomError(bond, "TokenBalanceLockTransition")
          .withArgs(BALANCE_LOCK.Redemption, BALANCE_LOCK.Redemption);
        await expect(market.payingAgent.connect(accounts.owner).openCoupon(address, count))
          .to.be.revertedWithCustomError(bond, "BondUnknownCoupon")
          .withArgs(count, count);
      });
    });
  });

  describe("Treasury Discount Bill", () => {
    it("has no coupons, no accrued interest and no coupon run", async () => {
      const { market, bill, accounts } = await loadFixture(discountBillFixture);
      const address = await bill.getAddress();
      expect(await bill.kind()).to.equal(BOND_KIND.DiscountBill);
      expect(await bill.couponCount()).to.equal(0n);
      expect(await bill.couponRate()).to.equal(0n);
      expect(await market.payingAgent.accruedInterest(address, 5_000_000n, await time.latest())).to.equal(0n);
      await expect(market.payingAgent.connect(accounts.owner).openCoupon(address, 0))
        .to.be.revertedWithCustomError(bill, "BondUnknownCoupon")
        .withArgs(0, 0);
    });

    it("refuses redemption before maturity, with the maturity day and today", async () => {
      const { market, bill, accounts, maturity } = await loadFixture(discountBillFixture);
      const address = await bill.getAddress();
      await time.setNextBlockTimestamp(jstMidnight(maturity) - 1);
      await expect(market.payingAgent.connect(accounts.owner).openRedemption(address))
        .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentNotMatured")
        .withArgs(address, maturity, maturity - 1);
    });

    it("is redeemed at face on the maturity day", async () => {
      const { market, bill, accounts, maturity } = await loadFixture(discountBillFixture);
      const address = await bill.getAddress();
      await travelTo(maturity, 0);
      await expect(market.payingAgent.connect(accounts.owner).openRedemption(address))
        .to.emit(market.payingAgent, "RedemptionRunOpened")
        .withArgs(address, 6_000_000n, 6_000_000n);
      const tx = market.payingAgent
        .connect(accounts.owner)
        .payBatch(address, ascending([accounts.alice.address, accounts.bob.address]));
      await expect(tx).to.changeTokenBalances(
        market.cash,
        [accounts.mof, accounts.alice, accounts.bob],
        [-6_000_000n, 5_000_000n, 1_000_000n],
      );
      await expect(tx)
        .to.emit(market.payingAgent, "RunCompleted")
        .withArgs(address, RUN_KIND.Redemption, 0, 6_000_000n, 6_000_000n);
      expect(await bill.totalSupply()).to.equal(0n);
    });

    it("completes a redemption at once when nothing is outstanding", async () => {
      const { market, bill, accounts, maturity } = await loadFixture(discountBillFixture);
      const address = await bill.getAddress();
      await bill.connect(accounts.agent).burn(accounts.alice.address, 5_000_000n);
      await bill.connect(accounts.agent).burn(accounts.bob.address, 1_000_000n);
      await travelTo(maturity);
      const tx = market.payingAgent.connect(accounts.owner).openRedemption(address);
      await expect(tx).to.emit(market.payingAgent, "RunCompleted").withArgs(address, RUN_KIND.Redemption, 0, 0, 0);
      expect(await bill.balanceLock()).to.equal(BALANCE_LOCK.Redemption);
    });
  });

  describe("inflation-indexed JGB (JGBi)", () => {
    it("pays coupon floor(face × coefficient × rate ÷ 2) on the CPI of the scheduled date", async () => {
      const { market, jgbi, accounts, holders } = await loadFixture(jgbiFixture);
      const address = await jgbi.getAddress();
      const scheduled = await scheduledDay(jgbi, 0);
      await market.cpiFeed.connect(accounts.owner).publish([scheduled], [102_345n]); // coefficient 1.02345
      expect(await pair(market.payingAgent.couponRatio(address, 0))).to.deep.equal([
        JGBI_RATE * 102_345n,
        2n * PPM * COEFFICIENT_ONE,
      ]);
      const due = (RECORD_FACE * 102_345n * JGBI_RATE) / (2n * PPM * COEFFICIENT_ONE);
      expect(due).to.equal(8_955n); // 17.5m × 1.02345 × 0.05% = 8,955.1875
      await travelTo(await paymentDay(jgbi, 0));
      await expect(market.payingAgent.connect(accounts.owner).openCoupon(address, 0))
        .to.emit(market.payingAgent, "CouponRunOpened")
        .withArgs(address, 0, RECORD_FACE, due);
      const sorted = ascending(holders);
      const faces = await Promise.all(sorted.map((h) => jgbi.balanceOf(h)));
      await expect(market.payingAgent.connect(accounts.owner).payBatch(address, sorted)).to.changeTokenBalances(
        market.cash,
        sorted,
        proRata(faces, JGBI_RATE * 102_345n, 2n * PPM * COEFFICIENT_ONE),
      );
    });

    it("reverts PayingAgentIndexUnavailable when the coupon date's CPI is not published", async () => {
      const { market, jgbi, accounts } = await loadFixture(jgbiFixture);
      const address = await jgbi.getAddress();
      const scheduled = await scheduledDay(jgbi, 0);
      await travelTo(await paymentDay(jgbi, 0));
      await expect(market.payingAgent.connect(accounts.owner).openCoupon(address, 0))
        .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentIndexUnavailable")
        .withArgs(address, scheduled);
      await expect(market.payingAgent.couponRatio(address, 0))
        .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentIndexUnavailable")
        .withArgs(address, scheduled);
    });

    it("reverts PayingAgentIndexUnavailable at maturity without the maturity CPI", async () => {
      const { market, jgbi, accounts, maturity, last } = await loadFixture(jgbiBeforeMaturityFixture);
      const address = await jgbi.getAddress();
      await expect(market.payingAgent.redemptionRatio(address))
        .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentIndexUnavailable")
        .withArgs(address, maturity);
      await travelTo(await paymentDay(jgbi, last));
      await expect(market.payingAgent.connect(accounts.owner).openCoupon(address, last))
        .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentIndexUnavailable")
        .withArgs(address, maturity);
    });

    it("redeems at face when CPI at maturity is below the base (deflation floor); the last coupon is not floored", async () => {
      const context = await loadFixture(jgbiBeforeMaturityFixture);
      const { market, jgbi, accounts, holders, maturity, last } = context;
      const address = await jgbi.getAddress();
      await market.cpiFeed.connect(accounts.owner).publish([maturity], [97_650n]); // coefficient 0.97650
      expect(await pair(market.payingAgent.redemptionRatio(address))).to.deep.equal([COEFFICIENT_ONE, COEFFICIENT_ONE]);
      await travelTo(await paymentDay(jgbi, last));
      await expect(market.payingAgent.connect(accounts.owner).openCoupon(address, last))
        .to.emit(market.payingAgent, "CouponRunOpened")
        .withArgs(address, last, RECORD_FACE, (RECORD_FACE * 97_650n * JGBI_RATE) / (2n * PPM * COEFFICIENT_ONE));
      await payRun(market, accounts.owner, address, holders);
      await expect(market.payingAgent.connect(accounts.owner).openRedemption(address))
        .to.emit(market.payingAgent, "RedemptionRunOpened")
        .withArgs(address, RECORD_FACE, RECORD_FACE);
      await expect(
        market.payingAgent.connect(accounts.owner).payBatch(address, ascending(holders)),
      ).to.changeTokenBalances(
        market.cash,
        [accounts.alice, accounts.bob, accounts.carol],
        [ALICE_FACE, BOB_FACE, CAROL_FACE],
      );
    });

    it("redeems at face × coefficient when CPI at maturity is above the base", async () => {
      const context = await loadFixture(jgbiBeforeMaturityFixture);
      const { market, jgbi, accounts, holders, maturity, last } = context;
      const address = await jgbi.getAddress();
      await market.cpiFeed.connect(accounts.owner).publish([maturity], [104_321n]); // coefficient 1.04321
      expect(await pair(market.payingAgent.redemptionRatio(address))).to.deep.equal([104_321n, COEFFICIENT_ONE]);
      await payCoupon(context, jgbi, last, holders);
      const due = (RECORD_FACE * 104_321n) / COEFFICIENT_ONE;
      await expect(market.payingAgent.connect(accounts.owner).openRedemption(address))
        .to.emit(market.payingAgent, "RedemptionRunOpened")
        .withArgs(address, RECORD_FACE, due);
      const tx = market.payingAgent.connect(accounts.owner).payBatch(address, ascending(holders));
      await expect(tx).to.changeTokenBalances(
        market.cash,
        [accounts.mof, accounts.alice, accounts.bob, accounts.carol],
        [-due, 10_432_100n, 5_216_050n, 2_608_025n],
      );
      await expect(tx)
        .to.emit(market.payingAgent, "RunCompleted")
        .withArgs(address, RUN_KIND.Redemption, last + 1, RECORD_FACE, due);
    });
  });

  describe("floating-rate retail JGB", () => {
    describe("setCouponRate()", () => {
      it("fixes the period's rate (ISSUER_AGENT) and emits CouponRateSet", async () => {
        const { retail, accounts } = await loadFixture(retailFloatingFixture);
        await expect(retail.connect(accounts.owner).setCouponRate(0, RETAIL_MINIMUM_RATE))
          .to.emit(retail, "CouponRateSet")
          .withArgs(0, RETAIL_MINIMUM_RATE);
        expect(await retail.couponRateFor(0)).to.equal(RETAIL_MINIMUM_RATE);
      });

      it("reverts for a caller without ISSUER_AGENT", async () => {
        const { retail, accounts } = await loadFixture(retailFloatingFixture);
        await expect(retail.connect(accounts.agent).setCouponRate(0, 1_000))
          .to.be.revertedWithCustomError(retail, "AccessControlUnauthorizedAccount")
          .withArgs(accounts.agent.address, ROLES.ISSUER_AGENT);
      });

      it("refuses a rate below the 0.05% minimum", async () => {
        const { retail, accounts } = await loadFixture(retailFloatingFixture);
        await expect(retail.connect(accounts.owner).setCouponRate(0, RETAIL_MINIMUM_RATE - 1n))
          .to.be.revertedWithCustomError(retail, "BondRateBelowMinimum")
          .withArgs(RETAIL_MINIMUM_RATE - 1n, RETAIL_MINIMUM_RATE);
      });

      it("refuses to set a rate twice", async () => {
        const { retail, accounts } = await loadFixture(retailFloatingFixture);
        await retail.connect(accounts.owner).setCouponRate(0, 1_000);
        await expect(retail.connect(accounts.owner).setCouponRate(0, 1_000))
          .to.be.revertedWithCustomError(retail, "BondRateAlreadyFixed")
          .withArgs(0);
      });

      it("refuses on and after the payment day", async () => {
        const { retail, accounts } = await loadFixture(retailFloatingFixture);
        const payment = await paymentDay(retail, 0);
        await travelTo(payment, 0);
        await expect(retail.connect(accounts.owner).setCouponRate(0, 1_000))
          .to.be.revertedWithCustomError(retail, "BondRateAlreadyFixed")
          .withArgs(0);
        await travelTo(payment + 1);
        await expect(retail.connect(accounts.owner).setCouponRate(0, 1_000))
          .to.be.revertedWithCustomError(retail, "BondRateAlreadyFixed")
          .withArgs(0);
      });

      it("refuses a series that is not floating, and an unknown period", async () => {
        const { bond, retail, accounts } = await loadFixture(retailFloatingFixture);
        await expect(bond.connect(accounts.owner).setCouponRate(0, 20_000)).to.be.revertedWithCustomError(
          bond,
          "BondNotFloating",
        );
        const count = await retail.couponCount();
        await expect(retail.connect(accounts.owner).setCouponRate(count, 1_000))
          .to.be.revertedWithCustomError(retail, "BondUnknownCoupon")
          .withArgs(count, count);
      });
    });

    it("pays the coupon at the period's rate", async () => {
      const { market, retail, accounts } = await loadFixture(retailFloatingFixture);
      const address = await retail.getAddress();
      await retail.connect(accounts.owner).setCouponRate(0, 1_234); // 0.1234%
      expect(await pair(market.payingAgent.couponRatio(address, 0))).to.deep.equal([1_234n, 2n * PPM]);
      await travelTo(await paymentDay(retail, 0));
      const due = (1_500_000n * 1_234n) / (2n * PPM); // 925.5 -> 925
      await expect(market.payingAgent.connect(accounts.owner).openCoupon(address, 0))
        .to.emit(market.payingAgent, "CouponRunOpened")
        .withArgs(address, 0, 1_500_000n, due);
      const sorted = ascending([accounts.alice.address, accounts.bob.address]);
      const faces = await Promise.all(sorted.map((h) => retail.balanceOf(h)));
      await expect(market.payingAgent.connect(accounts.owner).payBatch(address, sorted)).to.changeTokenBalances(
        market.cash,
        sorted,
        proRata(faces, 1_234n, 2n * PPM),
      );
    });

    it("cannot open a coupon whose rate is not set (BondRateNotSet)", async () => {
      const { market, retail, accounts } = await loadFixture(retailFloatingFixture);
      await travelTo(await paymentDay(retail, 0));
      await expect(market.payingAgent.connect(accounts.owner).openCoupon(await retail.getAddress(), 0))
        .to.be.revertedWithCustomError(retail, "BondRateNotSet")
        .withArgs(0);
    });

    describe("redeemEarly()", () => {
      const RATES = [600n, 800n, 1_000n, 1_200n, 1_400n];

      /** Rates set for the first periods, one year after issue, every coupon due by then paid. */
      async function oneYearFixture() {
        const context = await loadFixture(retailFloatingFixture);
        const { retail, accounts } = context;
        for (const [period, rate] of RATES.entries()) await retail.connect(accounts.owner).setCouponRate(period, rate);
        const earliest = addYears(context.today, 1);
        let paid = 0;
        while ((await paymentDay(retail, paid)) <= earliest) {
          await payCoupon(context, retail, paid, [accounts.alice.address, accounts.bob.address]);
          paid++;
        }
        await travelTo(earliest, 0);
        return { ...context, earliest, paid };
      }

      it("refuses a series that is not retail", async () => {
        const { market, bond, accounts } = await loadFixture(withBondHoldersFixture);
        await expect(market.payingAgent.connect(accounts.alice).redeemEarly(await bond.getAddress(), 50_000n))
          .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentEarlyRedemptionNotAllowed")
          .withArgs(await bond.getAddress(), BOND_KIND.FixedRateJgb);
      });

      it("refuses before one year after issue, with the earliest day and today", async () => {
        const { market, retail, accounts, today: issueDay } = await loadFixture(retailFloatingFixture);
        const address = await retail.getAddress();
        const earliest = addYears(issueDay, 1);
        await expect(market.payingAgent.connect(accounts.alice).redeemEarly(address, 10_000n))
          .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentEarlyRedemptionTooSoon")
          .withArgs(address, earliest, issueDay);
        await time.setNextBlockTimestamp(jstMidnight(earliest) - 1);
        await expect(market.payingAgent.connect(accounts.alice).redeemEarly(address, 10_000n))
          .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentEarlyRedemptionTooSoon")
          .withArgs(address, earliest, earliest - 1);
      });

      it("refuses zero and a face that is not whole ¥10,000 units", async () => {
        const { market, retail, accounts } = await loadFixture(oneYearFixture);
        const address = await retail.getAddress();
        for (const face of [0n, 15_000n, 9_999n]) {
          await expect(market.payingAgent.connect(accounts.alice).redeemEarly(address, face))
            .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentBadFace")
            .withArgs(face, 10_000n);
        }
      });

      it("pays face + accrued interest − the last two coupons (gross), burning the units", async () => {
        const { market, retail, accounts, paid } = await loadFixture(oneYearFixture);
        const address = await retail.getAddress();
        const face = 500_000n;
        expect(await market.payingAgent.couponsPaid(address)).to.equal(BigInt(paid));
        expect(paid).to.be.greaterThanOrEqual(2);
        // Accrued: from the last scheduled coupon date on or before today (exclusive) to today (inclusive).
        const day = await today();
        const scheduled = await Promise.all(RATES.map((_, p) => scheduledDay(retail, p)));
        const period = scheduled.findIndex((s) => s > day);
        const days = BigInt(day - scheduled[period - 1]);
        const rate = RATES[period];
        const accrued = (face * rate * days) / (365n * PPM);
        const deduction = (face * RATES[paid - 1]) / (2n * PPM) + (face * RATES[paid - 2]) / (2n * PPM);
        const proceeds = face + accrued - deduction;
        // e.g. issued 21 Nov 2026: 154 days at 1.0% on ¥500,000 = 210; deduction 150 + 200: proceeds ¥499,860.
        const supply = await retail.totalSupply();
        const tx = market.payingAgent.connect(accounts.alice).redeemEarly(address, face);
        await expect(tx)
          .to.emit(market.payingAgent, "EarlyRedemption")
          .withArgs(address, accounts.alice.address, face, accrued, deduction, proceeds);
        await expect(tx).to.changeTokenBalances(market.cash, [accounts.mof, accounts.alice], [-proceeds, proceeds]);
        await expect(tx).to.changeTokenBalance(retail, accounts.alice, -face);
        expect(await retail.totalSupply()).to.equal(supply - face);
      });

      it("refuses a frozen wallet, and frozen units", async () => {
        const { market, retail, accounts } = await loadFixture(oneYearFixture);
        const address = await retail.getAddress();
        await retail.connect(accounts.agent).freezePartialTokens(accounts.alice.address, 900_000n);
        await expect(market.payingAgent.connect(accounts.alice).redeemEarly(address, 200_000n))
          .to.be.revertedWithCustomError(retail, "TokenInsufficientFreeBalance")
          .withArgs(accounts.alice.address, 100_000n, 200_000n);
        await retail.connect(accounts.agent).setAddressFrozen(accounts.alice.address, true);
        await expect(market.payingAgent.connect(accounts.alice).redeemEarly(address, 100_000n))
          .to.be.revertedWithCustomError(retail, "TokenWalletFrozen")
          .withArgs(accounts.alice.address);
      });

      it("refuses while a run is in progress", async () => {
        const { market, retail, accounts, paid } = await loadFixture(oneYearFixture);
        const address = await retail.getAddress();
        await travelTo(await paymentDay(retail, paid));
        await market.payingAgent.connect(accounts.owner).openCoupon(address, paid);
        await expect(market.payingAgent.connect(accounts.alice).redeemEarly(address, 10_000n))
          .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentRunInProgress")
          .withArgs(address, RUN_KIND.Coupon);
      });
    });
  });

  describe(".accruedInterest()", () => {
    const FACE = 10_000_000n;
    // 1.2% on ¥10m: ¥328.767… a day, truncated.
    const perDays = (days: bigint) => (FACE * JGB_RATE * days) / (365n * PPM);

    /** A 10-year JGB (1.2%) with interest from 20 Dec 2027; its first period holds 29 February 2028. */
    async function datedFixture() {
      const context = await loadFixture(deployBondFixture);
      const issue = fromCivil({ year: 2027, month: 12, day: 20 });
      const dated = await addBond(context, {
        isin: isin("JP1103851R1"),
        symbol: "JGB385",
        issueDate: issue,
        maturityDate: fromCivil({ year: 2037, month: 12, day: 20 }),
      });
      // Month-end coupons: 29 Feb 2028 - 31 Aug 2028 is a regular 184-day period, longer than half of 365.
      const monthEnd = await addBond(context, {
        isin: isin("JP1103861R1"),
        symbol: "JGB386",
        issueDate: fromCivil({ year: 2028, month: 2, day: 29 }),
        maturityDate: fromCivil({ year: 2038, month: 2, day: 28 }),
        couponDay: 31,
      });
      const accrued = (settlement: { year: number; month: number; day: number }, bond = dated, face = FACE) =>
        bond
          .getAddress()
          .then((a) => context.market.payingAgent.accruedInterest(a, face, noonOf(fromCivil(settlement))));
      return { ...context, dated, monthEnd, accrued, issue };
    }

    it("counts 29 February", async () => {
      const { accrued } = await loadFixture(datedFixture);
      expect(await accrued({ year: 2028, month: 2, day: 28 })).to.equal(perDays(70n)); // 23,013
      expect(await accrued({ year: 2028, month: 2, day: 29 })).to.equal(perDays(71n)); // 23,342
      expect(await accrued({ year: 2028, month: 3, day: 1 })).to.equal(perDays(72n)); // 23,671
      expect(perDays(72n)).to.equal(23_671n);
    });

    it("truncates to the yen", async () => {
      const { accrued } = await loadFixture(datedFixture);
      expect(await accrued({ year: 2027, month: 12, day: 21 })).to.equal(328n); // 328.767
      expect(await accrued({ year: 2027, month: 12, day: 21 }, undefined, 50_000n)).to.equal(1n); // 1.643
      expect(await accrued({ year: 2027, month: 12, day: 22 })).to.equal(657n); // 657.534
    });

    it("is 0 on the interest start and on a coupon date, one day's interest the day after", async () => {
      const { accrued, dated, market } = await loadFixture(datedFixture);
      expect(await accrued({ year: 2027, month: 12, day: 20 })).to.equal(0n);
      expect(await accrued({ year: 2028, month: 6, day: 19 })).to.equal(perDays(182n));
      expect(await accrued({ year: 2028, month: 6, day: 20 })).to.equal(0n);
      expect(await accrued({ year: 2028, month: 6, day: 21 })).to.equal(perDays(1n));
      // The day is the JST day: 23:59:59 JST on the coupon date still accrues nothing.
      const address = await dated.getAddress();
      const june21 = jstMidnight(fromCivil({ year: 2028, month: 6, day: 21 }));
      expect(await market.payingAgent.accruedInterest(address, FACE, june21 - 1)).to.equal(0n);
      expect(await market.payingAgent.accruedInterest(address, FACE, june21)).to.equal(perDays(1n));
    });

    it("never exceeds the period's coupon", async () => {
      const { accrued, monthEnd } = await loadFixture(datedFixture);
      const coupon = (FACE * JGB_RATE) / (2n * PPM); // 60,000
      // 184-day period 29 Feb - 31 Aug 2028: 182 days stay below the coupon, 183 would exceed it.
      expect(await accrued({ year: 2028, month: 8, day: 29 }, monthEnd)).to.equal(perDays(182n));
      expect(perDays(183n)).to.be.greaterThan(coupon);
      expect(await accrued({ year: 2028, month: 8, day: 30 }, monthEnd)).to.equal(coupon);
    });

    it("is 0 on and after maturity", async () => {
      const { accrued } = await loadFixture(datedFixture);
      expect(await accrued({ year: 2037, month: 12, day: 19 })).to.equal(perDays(182n));
      expect(await accrued({ year: 2037, month: 12, day: 20 })).to.equal(0n);
      expect(await accrued({ year: 2037, month: 12, day: 21 })).to.equal(0n);
      expect(await accrued({ year: 2045, month: 1, day: 1 })).to.equal(0n);
    });

    it("reverts before interest starts", async () => {
      const { dated, market, issue } = await loadFixture(datedFixture);
      await expect(market.payingAgent.accruedInterest(await dated.getAddress(), FACE, jstMidnight(issue) - 1))
        .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentSettlementBeforeInterestStart")
        .withArgs(issue, issue - 1);
    });

    it("accrues on the indexed face of a JGBi, and needs the day's CPI", async () => {
      const { market, jgbi, accounts } = await loadFixture(jgbiFixture);
      const address = await jgbi.getAddress();
      const scheduled = await scheduledDay(jgbi, 0);
      const day = scheduled + 30;
      await expect(market.payingAgent.accruedInterest(address, FACE, noonOf(day)))
        .to.be.revertedWithCustomError(market.payingAgent, "PayingAgentIndexUnavailable")
        .withArgs(address, day);
      await market.cpiFeed.connect(accounts.owner).publish([day], [103_000n]);
      const indexed = (FACE * 103_000n) / COEFFICIENT_ONE;
      expect(await market.payingAgent.accruedInterest(address, FACE, noonOf(day))).to.equal(
        (indexed * JGBI_RATE * 30n) / (365n * PPM),
      );
    });
  });
});

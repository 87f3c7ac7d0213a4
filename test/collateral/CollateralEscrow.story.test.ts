import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { createBond, payRun } from "../../scripts/lib/bonds";
import { enablePledging, price } from "../../scripts/lib/collateral";
import { withCollateralFixture } from "../fixtures/collateral.fixture";
import { addYears, jstMidnight, nextBusinessDay } from "../fixtures/dates";
import {
  ESCROW_STATUS,
  HAIRCUT_CLASS,
  SHINJUKU,
  chainDay,
  goToDay,
  marketValue,
  onOrAfter,
  publish,
  referenceFactor,
  valueOf,
} from "./escrow-fixtures";

/**
 * The whole life of collateral at a clearing house, as one story: a bank (alice) pledges JGBs to JSCC,
 * the price falls, JSCC calls for margin, the bank tops up with Shinjuku municipal bonds, substitutes,
 * takes back its excess, keeps its JGB coupon while pledged, sees a pledged T-bill mature into cash
 * collateral; another participant (bob) misses a call, is declared in default, and JSCC takes part of his
 * collateral and sells the rest by DvP above the obligation, returning the surplus to him.
 */
describe("CollateralEscrow story: a bank's collateral at JSCC", () => {
  it("pledge, price fall, margin call, top-up, substitution, release, coupon, maturity, default and enforcement", async () => {
    const c = await loadFixture(withCollateralFixture);
    const { escrow, priceFeed, bond, market, accounts, jscc, buyer, investors, baseOptions } = c;
    const { alice, bob, owner, agent, mof } = accounts;
    const escrowAddress = await escrow.getAddress();
    const j = await bond.getAddress();
    const { Active, Called, Defaulted, Closed } = ESCROW_STATUS;
    const accountId = async (investor: typeof investors.alice) =>
      ethers.keccak256(
        ethers.AbiCoder.defaultAbiCoder().encode(
          ["address", "address"],
          [await investor.identity.getAddress(), jscc.address],
        ),
      );
    const aliceId = await accountId(investors.alice);
    const bobId = await accountId(investors.bob);
    const status = async (pledgor: string) => (await escrow.accountOf(pledgor, jscc.address))[1].status;
    const coverage = (pledgor: string) => escrow.coverageOf(pledgor, jscc.address);

    // ---------------------------------------------------------------- the market: three eligible series
    const today = await chainDay();
    const muni = (
      await createBond(market, owner, {
        ...baseOptions,
        kind: "MunicipalPublic",
        name: "Shinjuku City Bond 5Y",
        symbol: "SJK5",
        isin: "JP2000001A10",
        issuerCode: SHINJUKU,
        issuerName: "Shinjuku City",
        maturityDate: onOrAfter(addYears(today, 5), 20),
        couponRate: 10_000,
        denomination: 10_000n,
        issueVolume: 10_000_000_000n,
      })
    ).bond;
    const bill = (
      await createBond(market, owner, {
        ...baseOptions,
        kind: "DiscountBill",
        name: "T-Bill 1Y #1301",
        symbol: "TB1301",
        isin: "JP1741234L16",
        maturityDate: addYears(today, 1),
        couponRate: 0,
        issueVolume: 4_000_000_000_000n,
      })
    ).bond;
    const [m, b] = [await muni.getAddress(), await bill.getAddress()];
    await market.payingAgent.connect(owner).setFunder(b, mof.address);
    for (const series of [muni, bill]) await enablePledging(series, owner, escrowAddress);
    await muni.connect(agent).mint(alice.address, 5_000_000n);
    await bill.connect(agent).mint(alice.address, 3_000_000n);
    await publish(priceFeed, [m, b], ["99.5", "99.9"]);
    for (const series of [m, b]) {
      await expect(escrow.connect(jscc).setEligible(series, true))
        .to.emit(escrow, "EligibilitySet")
        .withArgs(jscc.address, series, true);
    }
    const [, , jMaturity] = await bond.scheduleDays();
    const [, , mMaturity] = await muni.scheduleDays();
    const [, , bMaturity] = await bill.scheduleDays();
    /** Coverage as DOMAIN.md computes it, from the positions, prices and today's residual maturities. */
    const expected = async (
      positions: { j?: bigint; m?: bigint; b?: bigint },
      prices: Record<string, string>,
      cash = 0n,
    ) => {
      const d = await chainDay();
      return (
        valueOf(positions.j ?? 0n, price(prices.j ?? "0"), referenceFactor(HAIRCUT_CLASS.JGB, d, Number(jMaturity))) +
        valueOf(
          positions.m ?? 0n,
          price(prices.m ?? "0"),
          referenceFactor(HAIRCUT_CLASS.MUNICIPAL, d, Number(mMaturity)),
        ) +
        valueOf(positions.b ?? 0n, price(prices.b ?? "0"), referenceFactor(HAIRCUT_CLASS.JGB, d, Number(bMaturity))) +
        cash
      );
    };

    // ---------------------------------------------------------------- 1. alice pledges JGBs and T-bills
    await expect(escrow.connect(alice).pledge(jscc.address, j, 9_000_000n))
      .to.emit(escrow, "Pledged")
      .withArgs(aliceId, j, 9_000_000n);
    await expect(escrow.connect(alice).pledge(jscc.address, b, 1_000_000n))
      .to.emit(escrow, "Pledged")
      .withArgs(aliceId, b, 1_000_000n);
    let prices = { j: "100", m: "99.5", b: "99.9" };
    expect(await coverage(alice.address)).to.equal(await expected({ j: 9_000_000n, b: 1_000_000n }, prices));
    expect(await coverage(alice.address)).to.be.greaterThanOrEqual(9_000_000n);
    expect(await bond.balanceOf(alice.address)).to.equal(10_000_000n); // the units stay in her wallet
    await expect(bond.connect(alice).transfer(bob.address, 1_050_000n))
      .to.be.revertedWithCustomError(bond, "TokenInsufficientFreeBalance")
      .withArgs(alice.address, 1_000_000n, 1_050_000n);

    // ---------------------------------------------------------------- 2. the JGB falls to 90.00: margin call
    await publish(priceFeed, [j], ["90"]);
    prices = { ...prices, j: "90" };
    const called = await expected({ j: 9_000_000n, b: 1_000_000n }, prices);
    expect(called).to.be.lessThan(9_000_000n);
    const deadline = jstMidnight(nextBusinessDay((await chainDay()) + 1)) + 11 * 3600; // next business day, 11:00
    await expect(escrow.connect(jscc).marginCall(alice.address, deadline))
      .to.emit(escrow, "MarginCalled")
      .withArgs(aliceId, called, 9_000_000n, deadline);
    expect(await status(alice.address)).to.equal(Called);
    await expect(escrow.connect(alice).release(jscc.address, b, 50_000n))
      .to.be.revertedWithCustomError(escrow, "EscrowAccountStatus")
      .withArgs(aliceId, Called);

    // ---------------------------------------------------------------- 3. top-up with municipal bonds meets it
    const toppedUp = await expected({ j: 9_000_000n, b: 1_000_000n, m: 300_000n }, prices);
    expect(toppedUp).to.be.greaterThanOrEqual(9_000_000n);
    await expect(escrow.connect(alice).pledge(jscc.address, m, 300_000n))
      .to.emit(escrow, "MarginCallMet")
      .withArgs(aliceId, toppedUp, 9_000_000n);
    expect(await status(alice.address)).to.equal(Active);

    // ---------------------------------------------------------------- 4. substitution: JGBs out, Shinjuku in
    const tooLittle = await expected({ j: 7_000_000n, b: 1_000_000n, m: 400_000n }, prices);
    await expect(escrow.connect(alice).substitute(jscc.address, j, 2_000_000n, m, 100_000n))
      .to.be.revertedWithCustomError(escrow, "EscrowCoverageBelowRequirement")
      .withArgs(aliceId, tooLittle, 9_000_000n);
    const swapped = await expected({ j: 8_000_000n, b: 1_000_000n, m: 1_300_000n }, prices);
    await expect(escrow.connect(alice).substitute(jscc.address, j, 1_000_000n, m, 1_000_000n))
      .to.emit(escrow, "Substituted")
      .withArgs(aliceId, j, 1_000_000n, m, 1_000_000n, swapped);
    expect(swapped).to.be.greaterThanOrEqual(9_000_000n);
    expect(await bond.pledgedOf(alice.address)).to.equal(8_000_000n);
    expect(await muni.pledgedOf(alice.address)).to.equal(1_300_000n);

    // ---------------------------------------------------------------- 5. the JGB recovers: excess released
    await publish(priceFeed, [j], ["100"]);
    prices = { ...prices, j: "100" };
    const afterRelease = await expected({ j: 8_000_000n, b: 1_000_000n, m: 800_000n }, prices);
    await expect(escrow.connect(alice).release(jscc.address, m, 500_000n))
      .to.emit(escrow, "Released")
      .withArgs(aliceId, m, 500_000n, afterRelease);
    const tooFar = await expected({ j: 8_000_000n, b: 1_000_000n }, prices);
    expect(tooFar).to.be.lessThan(9_000_000n);
    await expect(escrow.connect(alice).release(jscc.address, m, 800_000n))
      .to.be.revertedWithCustomError(escrow, "EscrowCoverageBelowRequirement")
      .withArgs(aliceId, tooFar, 9_000_000n);
    expect(await muni.freeBalanceOf(alice.address)).to.equal(4_200_000n);

    // ---------------------------------------------------------------- 6. the first JGB coupon goes to alice
    const [, couponDay] = await bond.couponDate(0);
    await goToDay(Number(couponDay));
    await market.payingAgent.connect(owner).openCoupon(j, 0);
    const cashBefore = await market.cash.balanceOf(alice.address);
    const escrowCashBefore = await market.cash.balanceOf(escrowAddress);
    await payRun(market, owner, j, [alice.address, bob.address, accounts.carol.address]);
    // 1.2% a year, semi-annual, on all 10m face of hers, 8m of them pledged
    expect((await market.cash.balanceOf(alice.address)) - cashBefore).to.equal(60_000n);
    expect(await market.cash.balanceOf(escrowAddress)).to.equal(escrowCashBefore);
    expect(await bond.pledgedOf(alice.address)).to.equal(8_000_000n);

    // ---------------------------------------------------------------- 7. the pledged T-bill matures into cash
    await goToDay(Number(bMaturity));
    await market.payingAgent.connect(owner).openRedemption(b);
    const beforeRedemption = await market.cash.balanceOf(alice.address);
    const [receipt] = await payRun(market, owner, b, [alice.address]);
    await expect(receipt).to.emit(escrow, "CollateralMatured").withArgs(aliceId, b, 1_000_000n, 1_000_000n);
    expect((await market.cash.balanceOf(alice.address)) - beforeRedemption).to.equal(2_000_000n); // unpledged only
    let [, account, series] = await escrow.accountOf(alice.address, jscc.address);
    expect(account.cash).to.equal(1_000_000n);
    expect(series).to.deep.equal([j, m]);
    await publish(priceFeed, [j, m], ["100", "99.5"]);
    expect(await coverage(alice.address)).to.equal(
      await expected({ j: 8_000_000n, m: 800_000n }, { j: "100", m: "99.5" }, 1_000_000n),
    );

    // ---------------------------------------------------------------- 8. bob misses a call and defaults
    await expect(escrow.connect(jscc).setRequirement(bob.address, 4_000_000n))
      .to.emit(escrow, "RequirementSet")
      .withArgs(bobId, bob.address, jscc.address, 4_000_000n);
    await escrow.connect(bob).pledge(jscc.address, j, 4_500_000n);
    await publish(priceFeed, [j], ["85"]);
    const bobCalled = await expected({ j: 4_500_000n }, { j: "85" });
    const bobDeadline = (await time.latest()) + 3600;
    await expect(escrow.connect(jscc).marginCall(bob.address, bobDeadline))
      .to.emit(escrow, "MarginCalled")
      .withArgs(bobId, bobCalled, 4_000_000n, bobDeadline);
    await expect(escrow.connect(jscc).declareDefault(bob.address))
      .to.be.revertedWithCustomError(escrow, "EscrowDeadlineNotPassed")
      .withArgs(bobId, bobDeadline, anyValue);
    await time.increaseTo(bobDeadline + 1);
    await publish(priceFeed, [j], ["85"]);
    await expect(escrow.connect(jscc).declareDefault(bob.address))
      .to.emit(escrow, "DefaultDeclared")
      .withArgs(bobId, bobCalled, 4_000_000n);
    expect(await status(bob.address)).to.equal(Defaulted);
    await expect(escrow.connect(alice).enforceTake(bob.address, j, 50_000n))
      .to.be.revertedWithCustomError(escrow, "EscrowUnknownAccount")
      .withArgs(bob.address, alice.address);

    // JSCC takes 1m face (valued at market, 85.00) ...
    const taken = marketValue(1_000_000n, price("85"));
    await expect(escrow.connect(jscc).enforceTake(bob.address, j, 1_000_000n))
      .to.emit(escrow, "CollateralTaken")
      .withArgs(bobId, j, 1_000_000n, taken, 4_000_000n - taken);
    expect(await bond.balanceOf(jscc.address)).to.equal(1_000_000n);
    // ... and sells the other 3.5m by DvP for ¥3.5m, above the ¥3.15m still owed: the surplus is bob's
    const owed = 4_000_000n - taken;
    const expiry = (await time.latest()) + 86_400;
    await expect(escrow.connect(jscc).listSale(bob.address, j, 3_500_000n, buyer.address, 3_500_000n, expiry))
      .to.emit(escrow, "SaleListed")
      .withArgs(1n, bobId, j, 3_500_000n, buyer.address, 3_500_000n);
    await expect(escrow.connect(accounts.carol).buy(1n))
      .to.be.revertedWithCustomError(escrow, "EscrowNotBuyer")
      .withArgs(1n, accounts.carol.address);
    const sale = escrow.connect(buyer).buy(1n);
    await expect(sale)
      .to.emit(escrow, "CollateralSold")
      .withArgs(1n, bobId, 3_500_000n, 3_500_000n, owed, 3_500_000n - owed, 0n);
    await expect(sale).to.changeTokenBalances(market.cash, [buyer, jscc, bob], [-3_500_000n, owed, 3_500_000n - owed]);
    await expect(sale).to.changeTokenBalances(bond, [bob, buyer], [-3_500_000n, 3_500_000n]);
    await expect(escrow.connect(jscc).closeDefault(bob.address))
      .to.emit(escrow, "AccountClosed")
      .withArgs(bobId, 0n, 0n);
    expect(await status(bob.address)).to.equal(Closed);
    expect(await bond.balanceOf(bob.address)).to.equal(500_000n); // what he never pledged
    expect(await bond.pledgedOf(bob.address)).to.equal(0n);

    // ---------------------------------------------------------------- 9. alice's obligation ends
    const release = escrow.connect(jscc).releaseAll(alice.address);
    await expect(release).to.emit(escrow, "AccountClosed").withArgs(aliceId, 0n, 1_000_000n);
    await expect(release).to.changeTokenBalances(market.cash, [alice, escrow], [1_000_000n, -1_000_000n]);
    [, account, series] = await escrow.accountOf(alice.address, jscc.address);
    expect(account.status).to.equal(Closed);
    expect(series).to.deep.equal([]);
    for (const s of [bond, muni]) expect(await s.pledgedOf(alice.address)).to.equal(0n);
    expect(await bond.freeBalanceOf(alice.address)).to.equal(10_000_000n);
    expect(await muni.freeBalanceOf(alice.address)).to.equal(5_000_000n);
    // nothing was lost: the JGB's supply is where it was, spread over its holders
    const holders = [alice, bob, accounts.carol, jscc, buyer].map((w) => w.address);
    let total = 0n;
    for (const h of holders) total += await bond.balanceOf(h);
    expect(total).to.equal(await bond.totalSupply());
    expect(total).to.equal(17_500_000n);
  });
});

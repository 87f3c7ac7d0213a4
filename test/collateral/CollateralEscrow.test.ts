import { expect } from "chai";
import { ethers } from "hardhat";
import { impersonateAccount, loadFixture, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { createBond, payRun } from "../../scripts/lib/bonds";
import { enablePledging, price } from "../../scripts/lib/collateral";
import { ROLES, RUN_KIND } from "../../scripts/lib/constants";
import { addYears, dayOfUnix } from "../fixtures/dates";
import {
  ESCROW_STATUS,
  bucketOf,
  residualYears,
  HAIRCUT_CLASS,
  chainDay,
  goToDay,
  marketValue,
  noonJst,
  publish,
  referenceFactor,
  revokeKyc,
  valueOf,
  withBillFixture,
  withMunicipalFixture,
} from "./escrow-fixtures";

const { None, Active, Called, Defaulted, Closed } = ESCROW_STATUS;
const DAY = 86_400;

/** The municipal scenario with handy addresses, account ids and a second secured party `lender`. */
async function escrowFixture() {
  const c = await loadFixture(withMunicipalFixture);
  const signers = await ethers.getSigners();
  const lender = signers[14];
  const j = await c.bond.getAddress();
  const m = await c.muni.getAddress();
  const idOf = async (investor: { identity: { getAddress(): Promise<string> } }, securedParty: string) =>
    ethers.keccak256(
      ethers.AbiCoder.defaultAbiCoder().encode(
        ["address", "address"],
        [await investor.identity.getAddress(), securedParty],
      ),
    );
  const aliceId = await idOf(c.investors.alice, c.jscc.address);
  const bobId = await idOf(c.investors.bob, c.jscc.address);
  const [, , jgbMaturity] = await c.bond.scheduleDays();
  const [, , muniMaturity] = await c.muni.scheduleDays();
  const jgbFactor = referenceFactor(HAIRCUT_CLASS.JGB, await chainDay(), Number(jgbMaturity));
  const muniFactor = referenceFactor(HAIRCUT_CLASS.MUNICIPAL, await chainDay(), Number(muniMaturity));
  return {
    ...c,
    lender,
    j,
    m,
    idOf,
    aliceId,
    bobId,
    jgbMaturity: Number(jgbMaturity),
    muniMaturity: Number(muniMaturity),
    jgbFactor,
    muniFactor,
  };
}

/** Alice has pledged ¥9.5m of the JGB (coverage about ¥9.2m against ¥9m). */
async function pledgedFixture() {
  const c = await loadFixture(escrowFixture);
  await c.escrow.connect(c.accounts.alice).pledge(c.jscc.address, c.j, 9_500_000n);
  return c;
}

/** Alice's account has been called after the JGB fell to 95.00 (deadline in one hour). */
async function calledFixture() {
  const c = await loadFixture(pledgedFixture);
  await publish(c.priceFeed, [c.j], ["95"]);
  const deadline = (await time.latest()) + 3600;
  await c.escrow.connect(c.jscc).marginCall(c.accounts.alice.address, deadline);
  return { ...c, deadline };
}

/** Alice's account is in default (the deadline passed, the JGB repriced at 95.00): obligation ¥9m. */
async function defaultedFixture() {
  const c = await loadFixture(calledFixture);
  await time.increaseTo(c.deadline + 60);
  await publish(c.priceFeed, [c.j], ["95"]);
  await c.escrow.connect(c.jscc).declareDefault(c.accounts.alice.address);
  return c;
}

describe("CollateralEscrow", () => {
  describe("deployment", () => {
    it("wires the cash token, identity registry, price feed and paying agent", async () => {
      const { escrow, market, suite, priceFeed } = await loadFixture(escrowFixture);
      const [cash, registry, prices, payingAgent] = await escrow.wiring();
      expect(cash).to.equal(await market.cash.getAddress());
      expect(registry).to.equal(await suite.identityRegistry.getAddress());
      expect(prices).to.equal(await priceFeed.getAddress());
      expect(payingAgent).to.equal(await market.payingAgent.getAddress());
    });

    it("reverts with EscrowZeroAddress for a zero cash token, registry or feed", async () => {
      const { escrow, accounts } = await loadFixture(escrowFixture);
      const factory = await ethers.getContractFactory("CollateralEscrow");
      const a = accounts.owner.address;
      for (const args of [
        [ethers.ZeroAddress, a, a],
        [a, ethers.ZeroAddress, a],
        [a, a, ethers.ZeroAddress],
      ]) {
        await expect(factory.deploy(a, args[0], args[1], args[2])).to.be.revertedWithCustomError(
          escrow,
          "EscrowZeroAddress",
        );
      }
    });
  });

  describe(".setPayingAgent()", () => {
    it("lets the admin set the paying agent and emits PayingAgentSet", async () => {
      const { escrow, accounts } = await loadFixture(escrowFixture);
      await expect(escrow.connect(accounts.owner).setPayingAgent(accounts.outsider.address))
        .to.emit(escrow, "PayingAgentSet")
        .withArgs(accounts.outsider.address);
      expect((await escrow.wiring())[3]).to.equal(accounts.outsider.address);
    });

    it("reverts with AccessControlUnauthorizedAccount for anyone else, EscrowZeroAddress for zero", async () => {
      const { escrow, accounts, jscc } = await loadFixture(escrowFixture);
      await expect(escrow.connect(jscc).setPayingAgent(jscc.address))
        .to.be.revertedWithCustomError(escrow, "AccessControlUnauthorizedAccount")
        .withArgs(jscc.address, ROLES.DEFAULT_ADMIN);
      await expect(escrow.connect(accounts.owner).setPayingAgent(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        escrow,
        "EscrowZeroAddress",
      );
    });
  });

  describe(".setPolicy()", () => {
    it("records the caller's policy and emits PolicySet", async () => {
      const { escrow, lender } = await loadFixture(escrowFixture);
      await expect(escrow.connect(lender).setPolicy(3600, false))
        .to.emit(escrow, "PolicySet")
        .withArgs(lender.address, 3600, false);
    });
  });

  describe(".setHaircuts()", () => {
    const CUSTOM = [9990, 9950, 9900, 9500, 9000, 8000] as const;

    it("overrides the reference factors of one class for the caller only and emits HaircutsSet", async () => {
      const { escrow, jscc, lender, j, m, jgbMaturity, muniFactor } = await loadFixture(escrowFixture);
      await escrow.connect(lender).setPolicy(DAY, true);
      await escrow.connect(lender).setEligible(j, true);
      const before = await escrow.haircutOf(lender.address, j);
      await expect(escrow.connect(jscc).setHaircuts(HAIRCUT_CLASS.JGB, [...CUSTOM]))
        .to.emit(escrow, "HaircutsSet")
        .withArgs(jscc.address, HAIRCUT_CLASS.JGB, [...CUSTOM]);
      const bucket = bucketOf(residualYears(await chainDay(), jgbMaturity));
      expect(await escrow.haircutOf(jscc.address, j)).to.equal(CUSTOM[bucket]);
      expect(await escrow.haircutOf(lender.address, j)).to.equal(before);
      expect(await escrow.haircutOf(jscc.address, m)).to.equal(muniFactor);
      await escrow.connect(jscc).setPolicy(3600, false); // a new policy keeps the custom factors
      expect(await escrow.haircutOf(jscc.address, j)).to.equal(CUSTOM[bucket]);
    });

    it("reverts with EscrowNoPolicy without a policy", async () => {
      const { escrow, lender } = await loadFixture(escrowFixture);
      await expect(escrow.connect(lender).setHaircuts(0, [...CUSTOM]))
        .to.be.revertedWithCustomError(escrow, "EscrowNoPolicy")
        .withArgs(lender.address);
    });

    it("reverts with EscrowBadHaircuts for a class past corporate, a zero factor or one above 100%", async () => {
      const { escrow, jscc } = await loadFixture(escrowFixture);
      await expect(escrow.connect(jscc).setHaircuts(4, [...CUSTOM]))
        .to.be.revertedWithCustomError(escrow, "EscrowBadHaircuts")
        .withArgs(4);
      await expect(escrow.connect(jscc).setHaircuts(2, [9000, 9000, 0, 9000, 9000, 9000]))
        .to.be.revertedWithCustomError(escrow, "EscrowBadHaircuts")
        .withArgs(2);
      await expect(escrow.connect(jscc).setHaircuts(1, [9000, 9000, 9000, 9000, 9000, 10_001]))
        .to.be.revertedWithCustomError(escrow, "EscrowBadHaircuts")
        .withArgs(1);
      await escrow.connect(jscc).setHaircuts(3, [10_000, 1, 1, 1, 1, 1]);
    });
  });

  describe(".setEligible()", () => {
    it("records the series' class and maturity and emits EligibilitySet", async () => {
      const { escrow, lender, j } = await loadFixture(escrowFixture);
      await escrow.connect(lender).setPolicy(DAY, false);
      expect(await escrow.haircutOf(lender.address, j)).to.equal(0n);
      await expect(escrow.connect(lender).setEligible(j, true))
        .to.emit(escrow, "EligibilitySet")
        .withArgs(lender.address, j, true);
      expect(await escrow.haircutOf(lender.address, j)).to.not.equal(0n);
    });

    it("made ineligible, a series counts zero and cannot be pledged", async () => {
      const c = await loadFixture(pledgedFixture);
      await expect(c.escrow.connect(c.jscc).setEligible(c.j, false))
        .to.emit(c.escrow, "EligibilitySet")
        .withArgs(c.jscc.address, c.j, false);
      expect(await c.escrow.coverageOf(c.accounts.alice.address, c.jscc.address)).to.equal(0n);
      await expect(c.escrow.connect(c.accounts.alice).pledge(c.jscc.address, c.j, 50_000n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowIneligibleSeries")
        .withArgs(c.jscc.address, c.j);
    });

    it("reverts with EscrowNoPolicy without a policy", async () => {
      const { escrow, lender, j } = await loadFixture(escrowFixture);
      await expect(escrow.connect(lender).setEligible(j, true))
        .to.be.revertedWithCustomError(escrow, "EscrowNoPolicy")
        .withArgs(lender.address);
    });

    it("reverts with EscrowNotPledgeAgentOf when the escrow is not the series' pledge agent", async () => {
      const { escrow, jscc, bond, j, accounts } = await loadFixture(escrowFixture);
      await bond.connect(accounts.owner).setPledgeAgent(ethers.ZeroAddress);
      await expect(escrow.connect(jscc).setEligible(j, true))
        .to.be.revertedWithCustomError(escrow, "EscrowNotPledgeAgentOf")
        .withArgs(j);
    });
  });

  describe(".setRequirement()", () => {
    it("opens the account of (pledgor identity, caller) as Active and emits RequirementSet", async () => {
      const { escrow, jscc, accounts, bobId } = await loadFixture(escrowFixture);
      expect((await escrow.accountOf(accounts.bob.address, jscc.address))[1].status).to.equal(None);
      await expect(escrow.connect(jscc).setRequirement(accounts.bob.address, 3_000_000n))
        .to.emit(escrow, "RequirementSet")
        .withArgs(bobId, accounts.bob.address, jscc.address, 3_000_000n);
      const [id, account, series, units] = await escrow.accountOf(accounts.bob.address, jscc.address);
      expect(id).to.equal(bobId);
      expect(account.pledgor).to.equal(accounts.bob.address);
      expect(account.securedParty).to.equal(jscc.address);
      expect(account.status).to.equal(Active);
      expect(account.requirement).to.equal(3_000_000n);
      expect(account.cash).to.equal(0n);
      expect(account.outstanding).to.equal(0n);
      expect(series).to.deep.equal([]);
      expect(units).to.deep.equal([]);
    });

    it("reverts with EscrowNoPolicy for a caller without a policy", async () => {
      const { escrow, lender, accounts } = await loadFixture(escrowFixture);
      await expect(escrow.connect(lender).setRequirement(accounts.alice.address, 1n))
        .to.be.revertedWithCustomError(escrow, "EscrowNoPolicy")
        .withArgs(lender.address);
    });

    it("reverts with EscrowPledgorNotRegistered for a wallet not in the identity registry", async () => {
      const { escrow, jscc, accounts } = await loadFixture(escrowFixture);
      await expect(escrow.connect(jscc).setRequirement(accounts.eve.address, 1n))
        .to.be.revertedWithCustomError(escrow, "EscrowPledgorNotRegistered")
        .withArgs(accounts.eve.address);
    });

    it("reverts with EscrowAccountHeldByOtherWallet for another wallet of an identity that has the account", async () => {
      const { escrow, jscc, accounts, aliceId } = await loadFixture(escrowFixture);
      await expect(escrow.connect(jscc).setRequirement(accounts.dave.address, 1n))
        .to.be.revertedWithCustomError(escrow, "EscrowAccountHeldByOtherWallet")
        .withArgs(aliceId, accounts.alice.address);
      const [, account] = await escrow.accountOf(accounts.alice.address, jscc.address);
      expect(account.pledgor).to.equal(accounts.alice.address);
      expect(account.requirement).to.equal(9_000_000n);
    });

    it("reverts with SafeCastOverflowedUintDowncast for a requirement above 2^128 - 1", async () => {
      const { escrow, jscc, accounts } = await loadFixture(escrowFixture);
      await expect(escrow.connect(jscc).setRequirement(accounts.alice.address, 1n << 128n))
        .to.be.revertedWithCustomError(escrow, "SafeCastOverflowedUintDowncast")
        .withArgs(128, 1n << 128n);
    });

    it("raised above coverage, leaves the account Active for the secured party to call", async () => {
      const c = await loadFixture(pledgedFixture);
      await c.escrow.connect(c.jscc).setRequirement(c.accounts.alice.address, 9_500_000n);
      const coverage = await c.escrow.coverageOf(c.accounts.alice.address, c.jscc.address);
      expect(coverage).to.be.lessThan(9_500_000n);
      expect((await c.escrow.accountOf(c.accounts.alice.address, c.jscc.address))[1].status).to.equal(Active);
      await expect(c.escrow.connect(c.jscc).marginCall(c.accounts.alice.address, (await time.latest()) + 3600))
        .to.emit(c.escrow, "MarginCalled")
        .withArgs(c.aliceId, coverage, 9_500_000n, anyValue);
    });

    it("lowered under coverage during a call, ends the call (MarginCallMet)", async () => {
      const c = await loadFixture(calledFixture);
      const coverage = await c.escrow.coverageOf(c.accounts.alice.address, c.jscc.address);
      await expect(c.escrow.connect(c.jscc).setRequirement(c.accounts.alice.address, coverage))
        .to.emit(c.escrow, "MarginCallMet")
        .withArgs(c.aliceId, coverage, coverage);
      const [, account] = await c.escrow.accountOf(c.accounts.alice.address, c.jscc.address);
      expect(account.status).to.equal(Active);
      expect(account.callDeadline).to.equal(0n);
    });

    it("reopens a closed account; reverts with EscrowAccountStatus in default", async () => {
      const c = await loadFixture(defaultedFixture);
      await expect(c.escrow.connect(c.jscc).setRequirement(c.accounts.alice.address, 1n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowAccountStatus")
        .withArgs(c.aliceId, Defaulted);
      await c.escrow.connect(c.jscc).setRequirement(c.accounts.bob.address, 1n);
      await c.escrow.connect(c.jscc).releaseAll(c.accounts.bob.address);
      expect((await c.escrow.accountOf(c.accounts.bob.address, c.jscc.address))[1].status).to.equal(Closed);
      await c.escrow.connect(c.jscc).setRequirement(c.accounts.bob.address, 2n);
      const [, account] = await c.escrow.accountOf(c.accounts.bob.address, c.jscc.address);
      expect(account.status).to.equal(Active);
      expect(account.requirement).to.equal(2n);
    });

    it(`reverts with EscrowTooManyAccounts past MAX_ACCOUNTS_PER_PLEDGOR secured parties`, async () => {
      const { escrow, accounts } = await loadFixture(escrowFixture);
      const max = Number(await escrow.MAX_ACCOUNTS_PER_PLEDGOR());
      const parties = (await ethers.getSigners()).slice(13, 13 + max - 1); // jscc already has one
      expect(parties.length).to.equal(max - 1);
      for (const party of parties) {
        await escrow.connect(party).setPolicy(DAY, false);
        await escrow.connect(party).setRequirement(accounts.alice.address, 1n);
      }
      const last = accounts.outsider;
      await escrow.connect(last).setPolicy(DAY, false);
      await expect(escrow.connect(last).setRequirement(accounts.alice.address, 1n))
        .to.be.revertedWithCustomError(escrow, "EscrowTooManyAccounts")
        .withArgs(accounts.alice.address, max);
    });
  });

  describe(".pledge()", () => {
    it("marks the units pledged in the pledgor's wallet, records them and emits Pledged", async () => {
      const { escrow, bond, jscc, accounts, j, aliceId, jgbFactor } = await loadFixture(escrowFixture);
      const tx = escrow.connect(accounts.alice).pledge(jscc.address, j, 9_500_000n);
      await expect(tx).to.emit(escrow, "Pledged").withArgs(aliceId, j, 9_500_000n);
      await expect(tx)
        .to.emit(bond, "TokensPledged")
        .withArgs(accounts.alice.address, 9_500_000n, await escrow.getAddress());
      await expect(tx).to.changeTokenBalances(bond, [accounts.alice, escrow], [0n, 0n]);
      expect(await bond.pledgedOf(accounts.alice.address)).to.equal(9_500_000n);
      expect(await bond.freeBalanceOf(accounts.alice.address)).to.equal(500_000n);
      const [, , series, units] = await escrow.accountOf(accounts.alice.address, jscc.address);
      expect(series).to.deep.equal([j]);
      expect(units).to.deep.equal([9_500_000n]);
      expect(await escrow.coverageOf(accounts.alice.address, jscc.address)).to.equal(
        valueOf(9_500_000n, price("100"), jgbFactor),
      );
    });

    it("adds to a series already pledged (one record per series)", async () => {
      const c = await loadFixture(pledgedFixture);
      await c.escrow.connect(c.accounts.alice).pledge(c.jscc.address, c.m, 1_000_000n);
      await c.escrow.connect(c.accounts.alice).pledge(c.jscc.address, c.j, 300_000n);
      const [, , series, units] = await c.escrow.accountOf(c.accounts.alice.address, c.jscc.address);
      expect(series).to.deep.equal([c.j, c.m]);
      expect(units).to.deep.equal([9_800_000n, 1_000_000n]);
      expect(await c.bond.pledgedOf(c.accounts.alice.address)).to.equal(9_800_000n);
      expect(await c.escrow.coverageOf(c.accounts.alice.address, c.jscc.address)).to.equal(
        valueOf(9_800_000n, price("100"), c.jgbFactor) + valueOf(1_000_000n, price("99.5"), c.muniFactor),
      );
    });

    it("reverts with EscrowUnknownAccount without an account", async () => {
      const { escrow, jscc, accounts, j } = await loadFixture(escrowFixture);
      await expect(escrow.connect(accounts.bob).pledge(jscc.address, j, 50_000n))
        .to.be.revertedWithCustomError(escrow, "EscrowUnknownAccount")
        .withArgs(accounts.bob.address, jscc.address);
    });

    it("reverts with EscrowIneligibleSeries for a series the secured party does not take", async () => {
      const { escrow, lender, accounts, j } = await loadFixture(escrowFixture);
      await escrow.connect(lender).setPolicy(DAY, false);
      await escrow.connect(lender).setRequirement(accounts.alice.address, 1_000_000n);
      await expect(escrow.connect(accounts.alice).pledge(lender.address, j, 1_000_000n))
        .to.be.revertedWithCustomError(escrow, "EscrowIneligibleSeries")
        .withArgs(lender.address, j);
    });

    it("reverts with EscrowZeroAmount for zero units", async () => {
      const { escrow, jscc, accounts, j } = await loadFixture(escrowFixture);
      await expect(escrow.connect(accounts.alice).pledge(jscc.address, j, 0n)).to.be.revertedWithCustomError(
        escrow,
        "EscrowZeroAmount",
      );
    });

    it("reverts with TokenInsufficientFreeBalance beyond the free units (frozen and pledged units are not free)", async () => {
      const { escrow, bond, jscc, accounts, j } = await loadFixture(escrowFixture);
      await expect(escrow.connect(accounts.alice).pledge(jscc.address, j, 10_050_000n))
        .to.be.revertedWithCustomError(bond, "TokenInsufficientFreeBalance")
        .withArgs(accounts.alice.address, 10_000_000n, 10_050_000n);
      await bond.connect(accounts.agent).freezePartialTokens(accounts.alice.address, 2_000_000n);
      await expect(escrow.connect(accounts.alice).pledge(jscc.address, j, 9_000_000n))
        .to.be.revertedWithCustomError(bond, "TokenInsufficientFreeBalance")
        .withArgs(accounts.alice.address, 8_000_000n, 9_000_000n);
      await escrow.connect(accounts.alice).pledge(jscc.address, j, 8_000_000n);
      await expect(escrow.connect(accounts.alice).pledge(jscc.address, j, 50_000n))
        .to.be.revertedWithCustomError(bond, "TokenInsufficientFreeBalance")
        .withArgs(accounts.alice.address, 0n, 50_000n);
      expect((await escrow.accountOf(accounts.alice.address, jscc.address))[3]).to.deep.equal([8_000_000n]);
    });

    it("reverts with TokenWalletFrozen for a frozen wallet", async () => {
      const { escrow, bond, jscc, accounts, j } = await loadFixture(escrowFixture);
      await bond.connect(accounts.agent).setAddressFrozen(accounts.alice.address, true);
      await expect(escrow.connect(accounts.alice).pledge(jscc.address, j, 1_000_000n))
        .to.be.revertedWithCustomError(bond, "TokenWalletFrozen")
        .withArgs(accounts.alice.address);
      expect(await bond.pledgedOf(accounts.alice.address)).to.equal(0n);
    });

    it("reverts with EscrowPledgorNotVerified once the pledgor's KYC claim is revoked", async () => {
      const { escrow, jscc, accounts, j, investors, kyc, bond } = await loadFixture(escrowFixture);
      await revokeKyc(investors.alice, kyc);
      await expect(escrow.connect(accounts.alice).pledge(jscc.address, j, 1_000_000n))
        .to.be.revertedWithCustomError(escrow, "EscrowPledgorNotVerified")
        .withArgs(accounts.alice.address);
      expect(await bond.pledgedOf(accounts.alice.address)).to.equal(0n);
    });

    it("reverts with EscrowAccountStatus in default", async () => {
      const c = await loadFixture(defaultedFixture);
      await expect(c.escrow.connect(c.accounts.alice).pledge(c.jscc.address, c.m, 1_000_000n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowAccountStatus")
        .withArgs(c.aliceId, Defaulted);
    });

    it("reverts with EscrowTooManySeries past MAX_SERIES series in one account", async () => {
      const c = await loadFixture(pledgedFixture);
      const max = Number(await c.escrow.MAX_SERIES());
      const escrowAddress = await c.escrow.getAddress();
      const extra: string[] = [];
      for (let i = 0; i < max - 1; i++) {
        const { bond } = await createBond(c.market, c.accounts.owner, {
          ...c.muniOptions,
          name: `Shinjuku ${i}`,
          symbol: `SJK${i}`,
        });
        await enablePledging(bond, c.accounts.owner, escrowAddress);
        await bond.connect(c.accounts.agent).mint(c.accounts.alice.address, 10_000n);
        await c.escrow.connect(c.jscc).setEligible(await bond.getAddress(), true);
        extra.push(await bond.getAddress());
      }
      for (const s of extra.slice(0, max - 2))
        await c.escrow.connect(c.accounts.alice).pledge(c.jscc.address, s, 10_000n);
      await c.escrow.connect(c.accounts.alice).pledge(c.jscc.address, c.m, 10_000n); // the 16th series
      expect((await c.escrow.accountOf(c.accounts.alice.address, c.jscc.address))[2].length).to.equal(max);
      await expect(c.escrow.connect(c.accounts.alice).pledge(c.jscc.address, extra[max - 2], 10_000n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowTooManySeries")
        .withArgs(c.aliceId, max);
      await c.escrow.connect(c.accounts.alice).pledge(c.jscc.address, c.m, 10_000n); // more of a listed one
    });
  });

  describe(".pledgeCash()", () => {
    it("moves cash into the escrow, counts it one for one and emits CashPledged", async () => {
      const c = await loadFixture(pledgedFixture);
      const tx = c.escrow.connect(c.accounts.alice).pledgeCash(c.jscc.address, 250_000n);
      await expect(tx).to.emit(c.escrow, "CashPledged").withArgs(c.aliceId, 250_000n);
      await expect(tx).to.changeTokenBalances(c.market.cash, [c.accounts.alice, c.escrow], [-250_000n, 250_000n]);
      expect((await c.escrow.accountOf(c.accounts.alice.address, c.jscc.address))[1].cash).to.equal(250_000n);
      expect(await c.escrow.coverageOf(c.accounts.alice.address, c.jscc.address)).to.equal(
        valueOf(9_500_000n, price("100"), c.jgbFactor) + 250_000n,
      );
    });

    it("counts no cash once the policy stops allowing it", async () => {
      const c = await loadFixture(pledgedFixture);
      await c.escrow.connect(c.accounts.alice).pledgeCash(c.jscc.address, 250_000n);
      await c.escrow.connect(c.jscc).setPolicy(DAY, false);
      expect(await c.escrow.coverageOf(c.accounts.alice.address, c.jscc.address)).to.equal(
        valueOf(9_500_000n, price("100"), c.jgbFactor),
      );
    });

    it("reverts with EscrowCashNotAllowed when the policy takes no cash, EscrowZeroAmount for zero", async () => {
      const { escrow, lender, jscc, accounts } = await loadFixture(escrowFixture);
      await escrow.connect(lender).setPolicy(DAY, false);
      await escrow.connect(lender).setRequirement(accounts.alice.address, 1_000_000n);
      await expect(escrow.connect(accounts.alice).pledgeCash(lender.address, 1_000_000n))
        .to.be.revertedWithCustomError(escrow, "EscrowCashNotAllowed")
        .withArgs(lender.address);
      await expect(escrow.connect(accounts.alice).pledgeCash(jscc.address, 0n)).to.be.revertedWithCustomError(
        escrow,
        "EscrowZeroAmount",
      );
    });

    it("meets a margin call with cash (MarginCallMet, Active)", async () => {
      const c = await loadFixture(calledFixture);
      const coverage = await c.escrow.coverageOf(c.accounts.alice.address, c.jscc.address);
      const shortfall = 9_000_000n - coverage;
      await expect(c.escrow.connect(c.accounts.alice).pledgeCash(c.jscc.address, shortfall - 1n)).not.to.emit(
        c.escrow,
        "MarginCallMet",
      );
      await expect(c.escrow.connect(c.accounts.alice).pledgeCash(c.jscc.address, 1n))
        .to.emit(c.escrow, "MarginCallMet")
        .withArgs(c.aliceId, 9_000_000n, 9_000_000n);
      expect((await c.escrow.accountOf(c.accounts.alice.address, c.jscc.address))[1].status).to.equal(Active);
    });
  });

  describe(".release()", () => {
    it("returns excess units to the free balance, emits Released with the coverage after", async () => {
      const c = await loadFixture(pledgedFixture);
      const after = valueOf(9_300_000n, price("100"), c.jgbFactor);
      const tx = c.escrow.connect(c.accounts.alice).release(c.jscc.address, c.j, 200_000n);
      await expect(tx).to.emit(c.escrow, "Released").withArgs(c.aliceId, c.j, 200_000n, after);
      await expect(tx)
        .to.emit(c.bond, "PledgeReleased")
        .withArgs(c.accounts.alice.address, 200_000n, await c.escrow.getAddress());
      expect(await c.bond.pledgedOf(c.accounts.alice.address)).to.equal(9_300_000n);
      expect(await c.bond.freeBalanceOf(c.accounts.alice.address)).to.equal(700_000n);
      expect(await c.escrow.coverageOf(c.accounts.alice.address, c.jscc.address)).to.equal(after);
    });

    it("drops the series from the account when all its units are released", async () => {
      const c = await loadFixture(pledgedFixture);
      await c.escrow.connect(c.accounts.alice).pledge(c.jscc.address, c.m, 5_000_000n);
      await c.escrow.connect(c.jscc).setRequirement(c.accounts.alice.address, 4_000_000n);
      await c.escrow.connect(c.accounts.alice).release(c.jscc.address, c.j, 9_500_000n);
      const [, , series, units] = await c.escrow.accountOf(c.accounts.alice.address, c.jscc.address);
      expect(series).to.deep.equal([c.m]);
      expect(units).to.deep.equal([5_000_000n]);
      expect(await c.bond.pledgedOf(c.accounts.alice.address)).to.equal(0n);
    });

    it("reverts with EscrowCoverageBelowRequirement if coverage after would be below the requirement", async () => {
      const c = await loadFixture(pledgedFixture);
      const after = valueOf(9_000_000n, price("100"), c.jgbFactor);
      await expect(c.escrow.connect(c.accounts.alice).release(c.jscc.address, c.j, 500_000n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowCoverageBelowRequirement")
        .withArgs(c.aliceId, after, 9_000_000n);
      expect(await c.bond.pledgedOf(c.accounts.alice.address)).to.equal(9_500_000n);
    });

    it("reverts with EscrowCoverageBelowRequirement when the price is stale (the series counts zero)", async () => {
      const c = await loadFixture(pledgedFixture);
      await c.escrow.connect(c.accounts.alice).pledgeCash(c.jscc.address, 9_000_000n);
      await time.increase(DAY + 1);
      expect(await c.escrow.coverageOf(c.accounts.alice.address, c.jscc.address)).to.equal(9_000_000n);
      await expect(c.escrow.connect(c.accounts.alice).releaseCash(c.jscc.address, 1n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowCoverageBelowRequirement")
        .withArgs(c.aliceId, 8_999_999n, 9_000_000n);
      await c.escrow.connect(c.accounts.alice).release(c.jscc.address, c.j, 9_500_000n); // still covered by cash
      await c.escrow.connect(c.accounts.alice).pledge(c.jscc.address, c.j, 9_500_000n);
      await c.escrow.connect(c.jscc).setRequirement(c.accounts.alice.address, 9_100_000n);
      await expect(c.escrow.connect(c.accounts.alice).release(c.jscc.address, c.j, 50_000n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowCoverageBelowRequirement")
        .withArgs(c.aliceId, 9_000_000n, 9_100_000n);
    });

    it("reverts with EscrowExceedsPledged beyond the account's units, EscrowZeroAmount for zero", async () => {
      const c = await loadFixture(pledgedFixture);
      await expect(c.escrow.connect(c.accounts.alice).release(c.jscc.address, c.j, 9_550_000n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowExceedsPledged")
        .withArgs(c.aliceId, c.j, 9_500_000n, 9_550_000n);
      await expect(c.escrow.connect(c.accounts.alice).release(c.jscc.address, c.m, 10_000n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowExceedsPledged")
        .withArgs(c.aliceId, c.m, 0n, 10_000n);
      await expect(c.escrow.connect(c.accounts.alice).release(c.jscc.address, c.j, 0n)).to.be.revertedWithCustomError(
        c.escrow,
        "EscrowZeroAmount",
      );
    });

    it("reverts with EscrowAccountStatus while called, EscrowUnknownAccount without an account", async () => {
      const c = await loadFixture(calledFixture);
      await expect(c.escrow.connect(c.accounts.alice).release(c.jscc.address, c.j, 50_000n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowAccountStatus")
        .withArgs(c.aliceId, Called);
      await expect(c.escrow.connect(c.accounts.bob).release(c.jscc.address, c.j, 50_000n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowUnknownAccount")
        .withArgs(c.accounts.bob.address, c.jscc.address);
    });
  });

  describe(".releaseCash()", () => {
    it("returns excess cash and emits CashReleased with the coverage after", async () => {
      const c = await loadFixture(pledgedFixture);
      await c.escrow.connect(c.accounts.alice).pledgeCash(c.jscc.address, 500_000n);
      const after = valueOf(9_500_000n, price("100"), c.jgbFactor) + 200_000n;
      const tx = c.escrow.connect(c.accounts.alice).releaseCash(c.jscc.address, 300_000n);
      await expect(tx).to.emit(c.escrow, "CashReleased").withArgs(c.aliceId, 300_000n, after);
      await expect(tx).to.changeTokenBalances(c.market.cash, [c.accounts.alice, c.escrow], [300_000n, -300_000n]);
    });

    it("reverts with EscrowExceedsCash beyond the cash, EscrowCoverageBelowRequirement below the requirement", async () => {
      const c = await loadFixture(escrowFixture);
      await c.escrow.connect(c.accounts.alice).pledgeCash(c.jscc.address, 9_100_000n);
      await expect(c.escrow.connect(c.accounts.alice).releaseCash(c.jscc.address, 9_100_001n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowExceedsCash")
        .withArgs(c.aliceId, 9_100_000n, 9_100_001n);
      await expect(c.escrow.connect(c.accounts.alice).releaseCash(c.jscc.address, 100_001n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowCoverageBelowRequirement")
        .withArgs(c.aliceId, 8_999_999n, 9_000_000n);
      await c.escrow.connect(c.accounts.alice).releaseCash(c.jscc.address, 100_000n);
    });
  });

  describe(".substitute()", () => {
    it("swaps units of one series for another in one transaction and emits Substituted", async () => {
      const c = await loadFixture(pledgedFixture);
      const after = valueOf(8_500_000n, price("100"), c.jgbFactor) + valueOf(1_100_000n, price("99.5"), c.muniFactor);
      const tx = c.escrow.connect(c.accounts.alice).substitute(c.jscc.address, c.j, 1_000_000n, c.m, 1_100_000n);
      await expect(tx).to.emit(c.escrow, "Substituted").withArgs(c.aliceId, c.j, 1_000_000n, c.m, 1_100_000n, after);
      await expect(tx).to.emit(c.bond, "PledgeReleased").withArgs(c.accounts.alice.address, 1_000_000n, anyValue);
      await expect(tx).to.emit(c.muni, "TokensPledged").withArgs(c.accounts.alice.address, 1_100_000n, anyValue);
      expect(await c.bond.pledgedOf(c.accounts.alice.address)).to.equal(8_500_000n);
      expect(await c.muni.pledgedOf(c.accounts.alice.address)).to.equal(1_100_000n);
      expect(after).to.be.greaterThanOrEqual(9_000_000n);
    });

    it("reverts with EscrowCoverageBelowRequirement if the swap would leave coverage below the requirement", async () => {
      const c = await loadFixture(pledgedFixture);
      const after = valueOf(8_500_000n, price("100"), c.jgbFactor) + valueOf(500_000n, price("99.5"), c.muniFactor);
      await expect(c.escrow.connect(c.accounts.alice).substitute(c.jscc.address, c.j, 1_000_000n, c.m, 500_000n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowCoverageBelowRequirement")
        .withArgs(c.aliceId, after, 9_000_000n);
      expect(await c.bond.pledgedOf(c.accounts.alice.address)).to.equal(9_500_000n);
      expect(await c.muni.pledgedOf(c.accounts.alice.address)).to.equal(0n);
    });

    it("during a call, allows a swap that raises coverage (and ends the call once met), refuses one that lowers it", async () => {
      const c = await loadFixture(calledFixture);
      const before = await c.escrow.coverageOf(c.accounts.alice.address, c.jscc.address);
      const lower = valueOf(8_500_000n, price("95"), c.jgbFactor) + valueOf(900_000n, price("99.5"), c.muniFactor);
      expect(lower).to.be.lessThan(before);
      await expect(c.escrow.connect(c.accounts.alice).substitute(c.jscc.address, c.j, 1_000_000n, c.m, 900_000n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowCoverageBelowRequirement")
        .withArgs(c.aliceId, lower, 9_000_000n);
      const higher = valueOf(8_500_000n, price("95"), c.jgbFactor) + valueOf(1_000_000n, price("99.5"), c.muniFactor);
      expect(higher).to.be.greaterThan(before);
      expect(higher).to.be.lessThan(9_000_000n);
      await expect(c.escrow.connect(c.accounts.alice).substitute(c.jscc.address, c.j, 1_000_000n, c.m, 1_000_000n))
        .to.emit(c.escrow, "Substituted")
        .and.not.to.emit(c.escrow, "MarginCallMet");
      const met = valueOf(7_500_000n, price("95"), c.jgbFactor) + valueOf(2_300_000n, price("99.5"), c.muniFactor);
      expect(met).to.be.greaterThanOrEqual(9_000_000n);
      await expect(c.escrow.connect(c.accounts.alice).substitute(c.jscc.address, c.j, 1_000_000n, c.m, 1_300_000n))
        .to.emit(c.escrow, "MarginCallMet")
        .withArgs(c.aliceId, met, 9_000_000n);
    });

    it("reverts with EscrowIneligibleSeries for an ineligible incoming series, EscrowExceedsPledged beyond the outgoing units", async () => {
      const c = await loadFixture(pledgedFixture);
      await c.escrow.connect(c.jscc).setEligible(c.m, false);
      await expect(c.escrow.connect(c.accounts.alice).substitute(c.jscc.address, c.j, 1_000_000n, c.m, 1_100_000n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowIneligibleSeries")
        .withArgs(c.jscc.address, c.m);
      await c.escrow.connect(c.jscc).setEligible(c.m, true);
      await expect(c.escrow.connect(c.accounts.alice).substitute(c.jscc.address, c.j, 9_550_000n, c.m, 5_000_000n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowExceedsPledged")
        .withArgs(c.aliceId, c.j, 9_500_000n, 9_550_000n);
    });
  });

  describe(".releaseAll()", () => {
    it("returns every unit and the cash, closes the account and emits AccountClosed", async () => {
      const c = await loadFixture(pledgedFixture);
      await c.escrow.connect(c.accounts.alice).pledge(c.jscc.address, c.m, 1_000_000n);
      await c.escrow.connect(c.accounts.alice).pledgeCash(c.jscc.address, 70_000n);
      const tx = c.escrow.connect(c.jscc).releaseAll(c.accounts.alice.address);
      await expect(tx).to.emit(c.escrow, "Released").withArgs(c.aliceId, c.j, 9_500_000n, 0n);
      await expect(tx).to.emit(c.escrow, "Released").withArgs(c.aliceId, c.m, 1_000_000n, 0n);
      await expect(tx).to.emit(c.escrow, "CashReleased").withArgs(c.aliceId, 70_000n, 0n);
      await expect(tx).to.emit(c.escrow, "AccountClosed").withArgs(c.aliceId, 0n, 70_000n);
      await expect(tx).to.changeTokenBalances(c.market.cash, [c.accounts.alice, c.escrow], [70_000n, -70_000n]);
      expect(await c.bond.pledgedOf(c.accounts.alice.address)).to.equal(0n);
      expect(await c.muni.pledgedOf(c.accounts.alice.address)).to.equal(0n);
      const [, account, series] = await c.escrow.accountOf(c.accounts.alice.address, c.jscc.address);
      expect(account.status).to.equal(Closed);
      expect(account.requirement).to.equal(0n);
      expect(account.cash).to.equal(0n);
      expect(series).to.deep.equal([]);
    });

    it("works during a call too; reverts with EscrowUnknownAccount for anyone but the secured party", async () => {
      const c = await loadFixture(calledFixture);
      for (const caller of [c.accounts.alice, c.lender, c.accounts.owner]) {
        await expect(c.escrow.connect(caller).releaseAll(c.accounts.alice.address))
          .to.be.revertedWithCustomError(c.escrow, "EscrowUnknownAccount")
          .withArgs(c.accounts.alice.address, caller.address);
      }
      await expect(c.escrow.connect(c.jscc).releaseAll(c.accounts.alice.address)).to.emit(c.escrow, "AccountClosed");
    });

    it("reverts with EscrowAccountStatus in default or once closed", async () => {
      const c = await loadFixture(defaultedFixture);
      await expect(c.escrow.connect(c.jscc).releaseAll(c.accounts.alice.address))
        .to.be.revertedWithCustomError(c.escrow, "EscrowAccountStatus")
        .withArgs(c.aliceId, Defaulted);
    });
  });

  describe(".marginCall()", () => {
    it("after a price fall, calls with a deadline and emits MarginCalled", async () => {
      const c = await loadFixture(pledgedFixture);
      await publish(c.priceFeed, [c.j], ["95"]);
      const coverage = valueOf(9_500_000n, price("95"), c.jgbFactor);
      const deadline = (await time.latest()) + 3600;
      await expect(c.escrow.connect(c.jscc).marginCall(c.accounts.alice.address, deadline))
        .to.emit(c.escrow, "MarginCalled")
        .withArgs(c.aliceId, coverage, 9_000_000n, deadline);
      const [, account] = await c.escrow.accountOf(c.accounts.alice.address, c.jscc.address);
      expect(account.status).to.equal(Called);
      expect(account.callDeadline).to.equal(deadline);
    });

    it("after the price goes stale, calls with coverage zero", async () => {
      const c = await loadFixture(pledgedFixture);
      await time.increase(DAY + 1);
      await expect(c.escrow.connect(c.jscc).marginCall(c.accounts.alice.address, (await time.latest()) + 3600))
        .to.emit(c.escrow, "MarginCalled")
        .withArgs(c.aliceId, 0n, 9_000_000n, anyValue);
    });

    it("reverts with EscrowNoShortfall when coverage meets the requirement", async () => {
      const c = await loadFixture(pledgedFixture);
      const coverage = await c.escrow.coverageOf(c.accounts.alice.address, c.jscc.address);
      await expect(c.escrow.connect(c.jscc).marginCall(c.accounts.alice.address, (await time.latest()) + 3600))
        .to.be.revertedWithCustomError(c.escrow, "EscrowNoShortfall")
        .withArgs(c.aliceId, coverage, 9_000_000n);
      await c.escrow.connect(c.jscc).setRequirement(c.accounts.alice.address, coverage);
      await expect(c.escrow.connect(c.jscc).marginCall(c.accounts.alice.address, (await time.latest()) + 3600))
        .to.be.revertedWithCustomError(c.escrow, "EscrowNoShortfall")
        .withArgs(c.aliceId, coverage, coverage);
    });

    it("reverts with EscrowBadDeadline for a deadline not in the future", async () => {
      const c = await loadFixture(pledgedFixture);
      await publish(c.priceFeed, [c.j], ["95"]);
      const at = (await time.latest()) + 10;
      await time.setNextBlockTimestamp(at);
      await expect(c.escrow.connect(c.jscc).marginCall(c.accounts.alice.address, at))
        .to.be.revertedWithCustomError(c.escrow, "EscrowBadDeadline")
        .withArgs(at, at);
    });

    it("reverts with EscrowAccountStatus when already called, EscrowUnknownAccount for another caller", async () => {
      const c = await loadFixture(calledFixture);
      await expect(c.escrow.connect(c.jscc).marginCall(c.accounts.alice.address, c.deadline + 100))
        .to.be.revertedWithCustomError(c.escrow, "EscrowAccountStatus")
        .withArgs(c.aliceId, Called);
      await expect(c.escrow.connect(c.accounts.bob).marginCall(c.accounts.alice.address, c.deadline))
        .to.be.revertedWithCustomError(c.escrow, "EscrowUnknownAccount")
        .withArgs(c.accounts.alice.address, c.accounts.bob.address);
    });

    it("a top-up of eligible units that brings coverage back to the requirement ends the call", async () => {
      const c = await loadFixture(calledFixture);
      await expect(c.escrow.connect(c.accounts.alice).pledge(c.jscc.address, c.m, 10_000n)).not.to.emit(
        c.escrow,
        "MarginCallMet",
      );
      const coverage = valueOf(9_500_000n, price("95"), c.jgbFactor) + valueOf(510_000n, price("99.5"), c.muniFactor);
      expect(coverage).to.be.greaterThanOrEqual(9_000_000n);
      await expect(c.escrow.connect(c.accounts.alice).pledge(c.jscc.address, c.m, 500_000n))
        .to.emit(c.escrow, "MarginCallMet")
        .withArgs(c.aliceId, coverage, 9_000_000n);
      const [, account] = await c.escrow.accountOf(c.accounts.alice.address, c.jscc.address);
      expect(account.status).to.equal(Active);
      expect(account.callDeadline).to.equal(0n);
    });
  });

  describe(".declareDefault()", () => {
    it("after a missed deadline, declares default with the requirement as the obligation", async () => {
      const c = await loadFixture(calledFixture);
      await time.increaseTo(c.deadline + 60);
      await publish(c.priceFeed, [c.j], ["95"]);
      const coverage = valueOf(9_500_000n, price("95"), c.jgbFactor);
      await expect(c.escrow.connect(c.jscc).declareDefault(c.accounts.alice.address))
        .to.emit(c.escrow, "DefaultDeclared")
        .withArgs(c.aliceId, coverage, 9_000_000n);
      const [, account] = await c.escrow.accountOf(c.accounts.alice.address, c.jscc.address);
      expect(account.status).to.equal(Defaulted);
      expect(account.outstanding).to.equal(9_000_000n);
    });

    it("reverts with EscrowDeadlineNotPassed up to and at the deadline", async () => {
      const c = await loadFixture(calledFixture);
      await time.setNextBlockTimestamp(c.deadline);
      await expect(c.escrow.connect(c.jscc).declareDefault(c.accounts.alice.address))
        .to.be.revertedWithCustomError(c.escrow, "EscrowDeadlineNotPassed")
        .withArgs(c.aliceId, c.deadline, c.deadline);
    });

    it("reverts with EscrowCallMet when coverage recovered without a top-up (price back up)", async () => {
      const c = await loadFixture(calledFixture);
      await time.increaseTo(c.deadline + 60);
      await publish(c.priceFeed, [c.j], ["100"]);
      const coverage = valueOf(9_500_000n, price("100"), c.jgbFactor);
      await expect(c.escrow.connect(c.jscc).declareDefault(c.accounts.alice.address))
        .to.be.revertedWithCustomError(c.escrow, "EscrowCallMet")
        .withArgs(c.aliceId, coverage, 9_000_000n);
    });

    it("reverts with EscrowAccountStatus when not called, EscrowUnknownAccount for another caller", async () => {
      const c = await loadFixture(calledFixture);
      await expect(c.escrow.connect(c.accounts.outsider).declareDefault(c.accounts.alice.address))
        .to.be.revertedWithCustomError(c.escrow, "EscrowUnknownAccount")
        .withArgs(c.accounts.alice.address, c.accounts.outsider.address);
      await c.escrow.connect(c.accounts.alice).pledgeCash(c.jscc.address, 1_000_000n); // call met
      await time.increaseTo(c.deadline + 60);
      await expect(c.escrow.connect(c.jscc).declareDefault(c.accounts.alice.address))
        .to.be.revertedWithCustomError(c.escrow, "EscrowAccountStatus")
        .withArgs(c.aliceId, Active);
    });
  });

  describe(".enforceTake()", () => {
    it("moves pledged units to the secured party through compliance and credits their market value", async () => {
      const c = await loadFixture(defaultedFixture);
      const value = marketValue(5_000_000n, price("95"));
      const tx = c.escrow.connect(c.jscc).enforceTake(c.accounts.alice.address, c.j, 5_000_000n);
      await expect(tx)
        .to.emit(c.escrow, "CollateralTaken")
        .withArgs(c.aliceId, c.j, 5_000_000n, value, 9_000_000n - value);
      await expect(tx)
        .to.emit(c.bond, "PledgeEnforced")
        .withArgs(c.accounts.alice.address, c.jscc.address, 5_000_000n, await c.escrow.getAddress());
      await expect(tx).to.changeTokenBalances(c.bond, [c.accounts.alice, c.jscc], [-5_000_000n, 5_000_000n]);
      expect(await c.bond.pledgedOf(c.accounts.alice.address)).to.equal(4_500_000n);
      expect((await c.escrow.accountOf(c.accounts.alice.address, c.jscc.address))[1].outstanding).to.equal(
        9_000_000n - value,
      );
    });

    it("reverts with EscrowTakeExceedsObligation beyond the obligation plus one face unit's value", async () => {
      const c = await loadFixture(defaultedFixture);
      await c.escrow.connect(c.jscc).enforceTake(c.accounts.alice.address, c.j, 9_000_000n); // ¥8,550,000
      const outstanding = 9_000_000n - marketValue(9_000_000n, price("95"));
      expect(outstanding).to.equal(450_000n);
      await publish(c.priceFeed, [c.j], ["110"]);
      // 500,000 at 110.00 = 550,000 > 450,000 + 55,000 (one ¥50,000 unit's value)
      await expect(c.escrow.connect(c.jscc).enforceTake(c.accounts.alice.address, c.j, 500_000n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowTakeExceedsObligation")
        .withArgs(c.aliceId, 550_000n, 450_000n);
      // 450,000 at 110.00 = 495,000 <= 505,000: the last unit may overshoot; the obligation ends at zero
      await expect(c.escrow.connect(c.jscc).enforceTake(c.accounts.alice.address, c.j, 450_000n))
        .to.emit(c.escrow, "CollateralTaken")
        .withArgs(c.aliceId, c.j, 450_000n, 495_000n, 0n);
    });

    it("reverts with EscrowStalePrice without a price of the last day", async () => {
      const c = await loadFixture(defaultedFixture);
      const [, observedAt] = await c.priceFeed.priceOf(c.j);
      const at = Number(observedAt) + DAY + 1;
      await time.setNextBlockTimestamp(at);
      await expect(c.escrow.connect(c.jscc).enforceTake(c.accounts.alice.address, c.j, 50_000n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowStalePrice")
        .withArgs(c.j, observedAt, at);
    });

    it("reverts with EscrowAccountStatus before default, EscrowUnknownAccount for anyone but the secured party", async () => {
      const c = await loadFixture(calledFixture);
      await expect(c.escrow.connect(c.jscc).enforceTake(c.accounts.alice.address, c.j, 50_000n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowAccountStatus")
        .withArgs(c.aliceId, Called);
      const d = await loadFixture(defaultedFixture);
      for (const caller of [d.accounts.alice, d.buyer, d.accounts.agent]) {
        await expect(d.escrow.connect(caller).enforceTake(d.accounts.alice.address, d.j, 50_000n))
          .to.be.revertedWithCustomError(d.escrow, "EscrowUnknownAccount")
          .withArgs(d.accounts.alice.address, caller.address);
      }
    });

    it("reverts with EscrowExceedsPledged beyond the account's units", async () => {
      const c = await loadFixture(defaultedFixture);
      await expect(c.escrow.connect(c.jscc).enforceTake(c.accounts.alice.address, c.m, 10_000n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowExceedsPledged")
        .withArgs(c.aliceId, c.m, 0n, 10_000n);
    });
  });

  describe(".enforceCash()", () => {
    it("takes cash collateral up to the obligation", async () => {
      const c = await loadFixture(calledFixture);
      await c.escrow.connect(c.accounts.alice).pledgeCash(c.jscc.address, 100_000n);
      await time.increaseTo(c.deadline + 60);
      await publish(c.priceFeed, [c.j], ["95"]);
      await c.escrow.connect(c.jscc).declareDefault(c.accounts.alice.address);
      await expect(c.escrow.connect(c.jscc).enforceCash(c.accounts.alice.address, 100_001n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowExceedsCash")
        .withArgs(c.aliceId, 100_000n, 100_001n);
      const tx = c.escrow.connect(c.jscc).enforceCash(c.accounts.alice.address, 100_000n);
      await expect(tx).to.emit(c.escrow, "CashTaken").withArgs(c.aliceId, 100_000n, 8_900_000n);
      await expect(tx).to.changeTokenBalances(c.market.cash, [c.escrow, c.jscc], [-100_000n, 100_000n]);
    });

    it("reverts with EscrowTakeExceedsObligation beyond the obligation", async () => {
      const c = await loadFixture(calledFixture);
      await c.escrow.connect(c.accounts.alice).pledgeCash(c.jscc.address, 100_000n);
      await time.increaseTo(c.deadline + 60);
      await publish(c.priceFeed, [c.j], ["80"]);
      await c.escrow.connect(c.jscc).declareDefault(c.accounts.alice.address);
      await c.escrow.connect(c.jscc).enforceTake(c.accounts.alice.address, c.j, 9_500_000n); // 7,600,000
      await expect(c.escrow.connect(c.jscc).enforceCash(c.accounts.alice.address, 100_000n)).to.emit(
        c.escrow,
        "CashTaken",
      );
      const d = await loadFixture(defaultedFixture);
      await expect(d.escrow.connect(d.jscc).enforceCash(d.accounts.alice.address, 9_000_001n))
        .to.be.revertedWithCustomError(d.escrow, "EscrowTakeExceedsObligation")
        .withArgs(d.aliceId, 9_000_001n, 9_000_000n);
    });
  });

  describe(".listSale() and .buy()", () => {
    it("sells pledged units by DvP: the secured party keeps the obligation, the surplus goes to the pledgor", async () => {
      const c = await loadFixture(defaultedFixture);
      const expiry = (await time.latest()) + DAY;
      await expect(
        c.escrow
          .connect(c.jscc)
          .listSale(c.accounts.alice.address, c.j, 9_500_000n, c.buyer.address, 9_400_000n, expiry),
      )
        .to.emit(c.escrow, "SaleListed")
        .withArgs(1n, c.aliceId, c.j, 9_500_000n, c.buyer.address, 9_400_000n);
      const tx = c.escrow.connect(c.buyer).buy(1n);
      await expect(tx)
        .to.emit(c.escrow, "CollateralSold")
        .withArgs(1n, c.aliceId, 9_500_000n, 9_400_000n, 9_000_000n, 400_000n, 0n);
      await expect(tx).to.changeTokenBalances(
        c.market.cash,
        [c.buyer, c.jscc, c.accounts.alice, c.escrow],
        [-9_400_000n, 9_000_000n, 400_000n, 0n],
      );
      await expect(tx).to.changeTokenBalances(c.bond, [c.accounts.alice, c.buyer], [-9_500_000n, 9_500_000n]);
      expect(await c.bond.pledgedOf(c.accounts.alice.address)).to.equal(0n);
      const [, account, series] = await c.escrow.accountOf(c.accounts.alice.address, c.jscc.address);
      expect(account.outstanding).to.equal(0n);
      expect(series).to.deep.equal([]);
      await expect(c.escrow.connect(c.buyer).buy(1n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowUnknownSale")
        .withArgs(1n);
    });

    it("a sale below the obligation leaves the rest outstanding and pays no surplus", async () => {
      const c = await loadFixture(defaultedFixture);
      const expiry = (await time.latest()) + DAY;
      await c.escrow
        .connect(c.jscc)
        .listSale(c.accounts.alice.address, c.j, 5_000_000n, c.buyer.address, 4_700_000n, expiry);
      await expect(c.escrow.connect(c.buyer).buy(1n))
        .to.emit(c.escrow, "CollateralSold")
        .withArgs(1n, c.aliceId, 5_000_000n, 4_700_000n, 4_700_000n, 0n, 4_300_000n);
    });

    it("reverts with EscrowNotBuyer for anyone but the named buyer, EscrowSaleExpired after the expiry", async () => {
      const c = await loadFixture(defaultedFixture);
      const expiry = (await time.latest()) + DAY;
      await c.escrow
        .connect(c.jscc)
        .listSale(c.accounts.alice.address, c.j, 5_000_000n, c.buyer.address, 4_700_000n, expiry);
      for (const caller of [c.accounts.bob, c.jscc, c.accounts.alice]) {
        await expect(c.escrow.connect(caller).buy(1n))
          .to.be.revertedWithCustomError(c.escrow, "EscrowNotBuyer")
          .withArgs(1n, caller.address);
      }
      await time.increaseTo(expiry + 1);
      await expect(c.escrow.connect(c.buyer).buy(1n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowSaleExpired")
        .withArgs(1n, expiry);
      await expect(c.escrow.connect(c.buyer).buy(2n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowUnknownSale")
        .withArgs(2n);
      expect(await c.bond.pledgedOf(c.accounts.alice.address)).to.equal(9_500_000n);
    });

    it("reverts with EscrowAccountStatus once the default is closed, EscrowExceedsPledged when the units went", async () => {
      const c = await loadFixture(defaultedFixture);
      const expiry = (await time.latest()) + DAY;
      await c.escrow
        .connect(c.jscc)
        .listSale(c.accounts.alice.address, c.j, 5_000_000n, c.buyer.address, 4_700_000n, expiry);
      await c.escrow
        .connect(c.jscc)
        .listSale(c.accounts.alice.address, c.j, 5_000_000n, c.buyer.address, 4_800_000n, expiry);
      await c.escrow.connect(c.buyer).buy(2n);
      await expect(c.escrow.connect(c.buyer).buy(1n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowExceedsPledged")
        .withArgs(c.aliceId, c.j, 4_500_000n, 5_000_000n);
      await c.escrow.connect(c.jscc).enforceTake(c.accounts.alice.address, c.j, 4_450_000n); // covers ¥4.2m left
      await c.escrow.connect(c.jscc).closeDefault(c.accounts.alice.address);
      await c.escrow.connect(c.jscc).setRequirement(c.accounts.alice.address, 0n);
      await expect(c.escrow.connect(c.buyer).buy(1n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowAccountStatus")
        .withArgs(c.aliceId, Active);
    });

    it("listSale reverts with the exact error for each bad input", async () => {
      const c = await loadFixture(defaultedFixture);
      const a = c.accounts.alice.address;
      const expiry = (await time.latest()) + DAY;
      await expect(c.escrow.connect(c.jscc).listSale(a, c.j, 9_550_000n, c.buyer.address, 1n, expiry))
        .to.be.revertedWithCustomError(c.escrow, "EscrowExceedsPledged")
        .withArgs(c.aliceId, c.j, 9_500_000n, 9_550_000n);
      await expect(
        c.escrow.connect(c.jscc).listSale(a, c.j, 50_000n, ethers.ZeroAddress, 1n, expiry),
      ).to.be.revertedWithCustomError(c.escrow, "EscrowZeroAddress");
      await expect(
        c.escrow.connect(c.jscc).listSale(a, c.j, 50_000n, c.buyer.address, 0n, expiry),
      ).to.be.revertedWithCustomError(c.escrow, "EscrowZeroAmount");
      const at = (await time.latest()) + 5;
      await time.setNextBlockTimestamp(at);
      await expect(c.escrow.connect(c.jscc).listSale(a, c.j, 50_000n, c.buyer.address, 1n, at))
        .to.be.revertedWithCustomError(c.escrow, "EscrowBadDeadline")
        .withArgs(at, at);
      await expect(c.escrow.connect(c.buyer).listSale(a, c.j, 50_000n, c.buyer.address, 1n, expiry))
        .to.be.revertedWithCustomError(c.escrow, "EscrowUnknownAccount")
        .withArgs(a, c.buyer.address);
      const p = await loadFixture(pledgedFixture);
      await expect(p.escrow.connect(p.jscc).listSale(a, p.j, 50_000n, p.buyer.address, 1n, expiry))
        .to.be.revertedWithCustomError(p.escrow, "EscrowAccountStatus")
        .withArgs(p.aliceId, Active);
    });
  });

  describe(".closeDefault()", () => {
    it("reverts with EscrowObligationOutstanding while an obligation and collateral remain", async () => {
      const c = await loadFixture(defaultedFixture);
      await expect(c.escrow.connect(c.jscc).closeDefault(c.accounts.alice.address))
        .to.be.revertedWithCustomError(c.escrow, "EscrowObligationOutstanding")
        .withArgs(c.aliceId, 9_000_000n);
    });

    it("once the obligation is covered, returns what is left to the pledgor and closes the account", async () => {
      const c = await loadFixture(defaultedFixture);
      await publish(c.priceFeed, [c.j], ["100"]);
      await c.escrow.connect(c.jscc).enforceTake(c.accounts.alice.address, c.j, 9_000_000n); // ¥9m: covered
      const tx = c.escrow.connect(c.jscc).closeDefault(c.accounts.alice.address);
      await expect(tx).to.emit(c.escrow, "Released").withArgs(c.aliceId, c.j, 500_000n, 0n);
      await expect(tx).to.emit(c.escrow, "AccountClosed").withArgs(c.aliceId, 0n, 0n);
      expect(await c.bond.pledgedOf(c.accounts.alice.address)).to.equal(0n);
      expect(await c.bond.freeBalanceOf(c.accounts.alice.address)).to.equal(1_000_000n);
      const [, account] = await c.escrow.accountOf(c.accounts.alice.address, c.jscc.address);
      expect(account.status).to.equal(Closed);
      expect(account.outstanding).to.equal(0n);
    });

    it("with nothing left to take, closes with the uncovered remainder as the loss", async () => {
      const c = await loadFixture(calledFixture);
      await time.increaseTo(c.deadline + 60);
      await publish(c.priceFeed, [c.j], ["80"]);
      await c.escrow.connect(c.jscc).declareDefault(c.accounts.alice.address);
      await c.escrow.connect(c.jscc).enforceTake(c.accounts.alice.address, c.j, 9_500_000n);
      const loss = 9_000_000n - marketValue(9_500_000n, price("80"));
      await expect(c.escrow.connect(c.jscc).closeDefault(c.accounts.alice.address))
        .to.emit(c.escrow, "AccountClosed")
        .withArgs(c.aliceId, loss, 0n);
    });

    it("reverts with EscrowAccountStatus outside default", async () => {
      const c = await loadFixture(pledgedFixture);
      await expect(c.escrow.connect(c.jscc).closeDefault(c.accounts.alice.address))
        .to.be.revertedWithCustomError(c.escrow, "EscrowAccountStatus")
        .withArgs(c.aliceId, Active);
    });
  });

  describe("valuation", () => {
    it("coverage is Σ units × price × haircut (yen, rounded down per series) plus cash", async () => {
      const c = await loadFixture(pledgedFixture);
      await c.escrow.connect(c.accounts.alice).pledge(c.jscc.address, c.m, 1_230_000n);
      await c.escrow.connect(c.accounts.alice).pledgeCash(c.jscc.address, 7n);
      await c.priceFeed.publish([c.j, c.m], [99_123_457n, 101_000_001n], [await time.latest(), await time.latest()]);
      const expected =
        (9_500_000n * 99_123_457n * c.jgbFactor) / 10n ** 12n +
        (1_230_000n * 101_000_001n * c.muniFactor) / 10n ** 12n +
        7n;
      expect(await c.escrow.coverageOf(c.accounts.alice.address, c.jscc.address)).to.equal(expected);
    });

    it("haircuts follow the BoJ reference table by class and residual maturity", async () => {
      const c = await loadFixture(escrowFixture);
      const today = await chainDay();
      expect(await c.escrow.haircutOf(c.jscc.address, c.j)).to.equal(
        referenceFactor(HAIRCUT_CLASS.JGB, today, c.jgbMaturity),
      );
      expect(await c.escrow.haircutOf(c.jscc.address, c.m)).to.equal(
        referenceFactor(HAIRCUT_CLASS.MUNICIPAL, today, c.muniMaturity),
      );
      // a new 10-year JGB maturing on the 20th after its 10th anniversary: 10–20y (97) unless issued on a 20th
      expect(c.jgbFactor).to.equal(c.jgbMaturity > addYears(today, 10) ? 9700n : 9800n);
    });

    it("time moves a series through the buckets; a matured series counts zero", async () => {
      const c = await loadFixture(pledgedFixture);
      const m = c.jgbMaturity;
      const steps: [number, bigint][] = [
        [addYears(m, -10) - 1, 9700n],
        [addYears(m, -10), 9800n],
        [addYears(m, -5) - 1, 9800n],
        [addYears(m, -5), 9900n],
        [addYears(m, -1), 9900n],
        [m - 1, 9900n],
        [m, 0n],
      ];
      for (const [day, factor] of steps) {
        if (day <= (await chainDay())) continue;
        await goToDay(day);
        expect(await c.escrow.haircutOf(c.jscc.address, c.j)).to.equal(factor, `day ${day}`);
        await publish(c.priceFeed, [c.j], ["100"]);
        expect(await c.escrow.coverageOf(c.accounts.alice.address, c.jscc.address)).to.equal(
          valueOf(9_500_000n, price("100"), factor),
        );
      }
    });

    it("buckets are calendar years: 5 and 10 years spanning extra leap days are still ≤ 5y and ≤ 10y", async () => {
      const c = await loadFixture(escrowFixture);
      // The next leap year Y whose 20 January is ahead: 20 Jan Y -> 20 Jan Y+5 holds 29 February of Y and
      // Y+4 (1,827 days); 20 Jan Y -> 20 Jan Y+10 holds three (3,653 days).
      let year = new Date((await time.latest()) * 1000).getUTCFullYear() + 1;
      while (year % 4 !== 0) year += 1;
      const jan20 = (y: number) => dayOfUnix(noonJst(y, 1, 20));
      expect(jan20(year + 5) - jan20(year)).to.equal(1827);
      expect(jan20(year + 10) - jan20(year)).to.equal(3653);
      const series: string[] = [];
      for (const years of [5, 10]) {
        const { bond } = await createBond(c.market, c.accounts.owner, {
          ...c.muniOptions,
          name: `Shinjuku to ${year + years}`,
          symbol: `SJK${years}`,
          maturityDate: jan20(year + years),
        });
        await enablePledging(bond, c.accounts.owner, await c.escrow.getAddress());
        await c.escrow.connect(c.jscc).setEligible(await bond.getAddress(), true);
        series.push(await bond.getAddress());
      }
      await time.increaseTo(noonJst(year, 1, 19));
      expect(await c.escrow.haircutOf(c.jscc.address, series[0])).to.equal(9700n); // 5–10y
      expect(await c.escrow.haircutOf(c.jscc.address, series[1])).to.equal(9600n); // 10–20y
      await time.increaseTo(noonJst(year, 1, 20));
      expect(await c.escrow.haircutOf(c.jscc.address, series[0])).to.equal(9800n); // 1–5y
      expect(await c.escrow.haircutOf(c.jscc.address, series[1])).to.equal(9700n); // 5–10y
    });

    it("custom haircuts override the reference table, bucket by bucket", async () => {
      const c = await loadFixture(pledgedFixture);
      const custom = [9990, 9950, 9900, 9500, 9000, 8000];
      await c.escrow.connect(c.jscc).setHaircuts(HAIRCUT_CLASS.JGB, custom);
      const m = c.jgbMaturity;
      const expectBucket = async (bucket: number) => {
        await publish(c.priceFeed, [c.j], ["100"]);
        expect(await c.escrow.haircutOf(c.jscc.address, c.j)).to.equal(BigInt(custom[bucket]));
        expect(await c.escrow.coverageOf(c.accounts.alice.address, c.jscc.address)).to.equal(
          valueOf(9_500_000n, price("100"), BigInt(custom[bucket])),
        );
      };
      if ((await chainDay()) < addYears(m, -10)) await expectBucket(3);
      for (const [years, bucket] of [
        [10, 2],
        [5, 1],
        [1, 0],
      ] as const) {
        await goToDay(addYears(m, -years));
        await expectBucket(bucket);
      }
    });

    it("a 40-year JGB sits in the >30y bucket (94), then 20–30y (96)", async () => {
      const c = await loadFixture(escrowFixture);
      const today = await chainDay();
      const { bond: jgb40 } = await createBond(c.market, c.accounts.owner, {
        ...c.baseOptions,
        name: "JGB 40Y #17",
        symbol: "JGB40",
        maturityDate: addYears(today, 40), // 80 coupons, the most a series may have
        couponRate: 20_000,
      });
      const s = await jgb40.getAddress();
      await enablePledging(jgb40, c.accounts.owner, await c.escrow.getAddress());
      await c.escrow.connect(c.jscc).setEligible(s, true);
      expect(await c.escrow.haircutOf(c.jscc.address, s)).to.equal(9400n);
      const [, , maturity] = await jgb40.scheduleDays();
      await goToDay(addYears(Number(maturity), -30));
      expect(await c.escrow.haircutOf(c.jscc.address, s)).to.equal(9600n);
      await goToDay(addYears(Number(maturity), -20));
      expect(await c.escrow.haircutOf(c.jscc.address, s)).to.equal(9700n);
    });

    it("a stale or missing price values the series at zero; a fresh one restores it", async () => {
      const c = await loadFixture(pledgedFixture);
      await c.escrow.connect(c.accounts.alice).pledgeCash(c.jscc.address, 1_000n);
      const [, observedAt] = await c.priceFeed.priceOf(c.j);
      await time.increaseTo(Number(observedAt) + DAY);
      expect(await c.escrow.coverageOf(c.accounts.alice.address, c.jscc.address)).to.equal(
        valueOf(9_500_000n, price("100"), c.jgbFactor) + 1_000n,
      );
      await time.increase(1);
      expect(await c.escrow.coverageOf(c.accounts.alice.address, c.jscc.address)).to.equal(1_000n);
      await publish(c.priceFeed, [c.j], ["100"]);
      expect(await c.escrow.coverageOf(c.accounts.alice.address, c.jscc.address)).to.equal(
        valueOf(9_500_000n, price("100"), c.jgbFactor) + 1_000n,
      );
      // a series with no price at all
      const { bond: unpriced } = await createBond(c.market, c.accounts.owner, {
        ...c.muniOptions,
        name: "Shinjuku unpriced",
        symbol: "SJKU",
      });
      await enablePledging(unpriced, c.accounts.owner, await c.escrow.getAddress());
      await unpriced.connect(c.accounts.agent).mint(c.accounts.alice.address, 1_000_000n);
      await c.escrow.connect(c.jscc).setEligible(await unpriced.getAddress(), true);
      await c.escrow.connect(c.accounts.alice).pledge(c.jscc.address, await unpriced.getAddress(), 1_000_000n);
      expect(await c.escrow.coverageOf(c.accounts.alice.address, c.jscc.address)).to.equal(
        valueOf(9_500_000n, price("100"), c.jgbFactor) + 1_000n,
      );
    });

    it("a stricter policy counts a price stale sooner", async () => {
      const c = await loadFixture(pledgedFixture);
      await c.escrow.connect(c.jscc).setPolicy(3600, true);
      await time.increase(3601);
      expect(await c.escrow.coverageOf(c.accounts.alice.address, c.jscc.address)).to.equal(0n);
    });
  });

  describe("maturity (.onPledgeRedeemed)", () => {
    it("a pledged bond that matures turns into cash collateral; the pledgor gets only the unpledged principal", async () => {
      const c = await loadFixture(withBillFixture);
      const b = await c.bill.getAddress();
      const id = ethers.keccak256(
        ethers.AbiCoder.defaultAbiCoder().encode(
          ["address", "address"],
          [await c.investors.alice.identity.getAddress(), c.jscc.address],
        ),
      );
      await c.escrow.connect(c.accounts.alice).pledge(c.jscc.address, b, 3_000_000n);
      await c.escrow.connect(c.accounts.alice).pledge(c.jscc.address, await c.bond.getAddress(), 6_000_000n);
      const [, , maturity] = await c.bill.scheduleDays();
      await goToDay(Number(maturity));
      await c.market.payingAgent.connect(c.accounts.owner).openRedemption(b);
      const holders = [c.accounts.alice.address, c.accounts.bob.address];
      const cashBefore = await c.market.cash.balanceOf(c.accounts.alice.address);
      const escrowBefore = await c.market.cash.balanceOf(await c.escrow.getAddress());
      const [receipt] = await payRun(c.market, c.accounts.owner, b, holders);
      await expect(receipt).to.emit(c.escrow, "CollateralMatured").withArgs(id, b, 3_000_000n, 3_000_000n);
      // The paying agent's records count the pledge agent's principal: paid equals due (6m of record).
      await expect(receipt)
        .to.emit(c.market.payingAgent, "BatchPaid")
        .withArgs(b, RUN_KIND.Redemption, 2, 6_000_000n, 6_000_000n);
      await expect(receipt)
        .to.emit(c.market.payingAgent, "RunCompleted")
        .withArgs(b, RUN_KIND.Redemption, anyValue, 6_000_000n, 6_000_000n);
      expect((await c.market.cash.balanceOf(c.accounts.alice.address)) - cashBefore).to.equal(2_000_000n);
      expect((await c.market.cash.balanceOf(await c.escrow.getAddress())) - escrowBefore).to.equal(3_000_000n);
      const [, account, series] = await c.escrow.accountOf(c.accounts.alice.address, c.jscc.address);
      expect(account.cash).to.equal(3_000_000n);
      expect(series).to.deep.equal([await c.bond.getAddress()]);
      expect(await c.bill.balanceOf(c.accounts.alice.address)).to.equal(0n);
      expect(await c.bill.pledgedOf(c.accounts.alice.address)).to.equal(0n);
    });

    it("the principal of units pledged to two secured parties is split exactly by their units", async () => {
      const c = await loadFixture(withBillFixture);
      const b = await c.bill.getAddress();
      const lender = (await ethers.getSigners())[14];
      await c.escrow.connect(lender).setPolicy(DAY, true);
      await c.escrow.connect(lender).setEligible(b, true);
      await c.escrow.connect(lender).setRequirement(c.accounts.alice.address, 1_000_000n);
      await c.escrow.connect(c.accounts.alice).pledge(c.jscc.address, b, 1_500_000n);
      await c.escrow.connect(c.accounts.alice).pledge(lender.address, b, 2_000_000n);
      const [, , maturity] = await c.bill.scheduleDays();
      await goToDay(Number(maturity));
      await c.market.payingAgent.connect(c.accounts.owner).openRedemption(b);
      await payRun(c.market, c.accounts.owner, b, [c.accounts.alice.address, c.accounts.bob.address]);
      expect((await c.escrow.accountOf(c.accounts.alice.address, c.jscc.address))[1].cash).to.equal(1_500_000n);
      expect((await c.escrow.accountOf(c.accounts.alice.address, lender.address))[1].cash).to.equal(2_000_000n);
      expect(await c.market.cash.balanceOf(await c.escrow.getAddress())).to.equal(3_500_000n);
    });

    it("reverts with EscrowCallerNotPayingAgent for any other caller", async () => {
      const c = await loadFixture(withBillFixture);
      await c.escrow.connect(c.accounts.alice).pledge(c.jscc.address, await c.bill.getAddress(), 1_000_000n);
      await expect(
        c.escrow
          .connect(c.accounts.outsider)
          .onPledgeRedeemed(await c.bill.getAddress(), c.accounts.alice.address, 1_000_000n, 1_000_000n),
      )
        .to.be.revertedWithCustomError(c.escrow, "EscrowCallerNotPayingAgent")
        .withArgs(c.accounts.outsider.address);
    });
  });

  describe("wallet recovery (.onPledgorRecovered)", () => {
    it("carries the pledge to the new wallet and re-points the accounts, series after series", async () => {
      const c = await loadFixture(pledgedFixture);
      await c.escrow.connect(c.accounts.alice).pledge(c.jscc.address, c.m, 2_000_000n);
      const identity = await c.investors.alice.identity.getAddress();
      const tx = c.bond
        .connect(c.accounts.agent)
        .recoveryAddress(c.accounts.alice.address, c.accounts.dave.address, identity);
      await expect(tx)
        .to.emit(c.escrow, "PledgorWalletChanged")
        .withArgs(c.aliceId, c.accounts.alice.address, c.accounts.dave.address);
      await expect(tx)
        .to.emit(c.bond, "PledgeMoved")
        .withArgs(c.accounts.alice.address, c.accounts.dave.address, 9_500_000n);
      expect(await c.bond.pledgedOf(c.accounts.dave.address)).to.equal(9_500_000n);
      const [id, account, series, units] = await c.escrow.accountOf(c.accounts.dave.address, c.jscc.address);
      expect(id).to.equal(c.aliceId);
      expect(account.pledgor).to.equal(c.accounts.dave.address);
      expect(series).to.deep.equal([c.j, c.m]);
      expect(units).to.deep.equal([9_500_000n, 2_000_000n]);
      expect((await c.escrow.accountOf(c.accounts.alice.address, c.jscc.address))[0]).to.equal(ethers.ZeroHash);
      // the second series' recovery finds the accounts already re-pointed and carries its pledge too
      await expect(
        c.muni.connect(c.accounts.agent).recoveryAddress(c.accounts.alice.address, c.accounts.dave.address, identity),
      )
        .to.emit(c.muni, "PledgeMoved")
        .withArgs(c.accounts.alice.address, c.accounts.dave.address, 2_000_000n)
        .and.not.to.emit(c.escrow, "PledgorWalletChanged");
      expect(await c.muni.pledgedOf(c.accounts.dave.address)).to.equal(2_000_000n);
      // the new wallet works the account: release, top up; the lost one has none
      await c.escrow.connect(c.accounts.dave).release(c.jscc.address, c.m, 1_000_000n);
      await c.escrow.connect(c.accounts.dave).pledge(c.jscc.address, c.j, 500_000n);
      expect(await c.bond.pledgedOf(c.accounts.dave.address)).to.equal(10_000_000n);
      await expect(c.escrow.connect(c.accounts.alice).release(c.jscc.address, c.j, 50_000n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowUnknownAccount")
        .withArgs(c.accounts.alice.address, c.jscc.address);
      await expect(c.escrow.connect(c.jscc).setRequirement(c.accounts.alice.address, 1n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowAccountHeldByOtherWallet")
        .withArgs(c.aliceId, c.accounts.dave.address);
      await c.escrow.connect(c.jscc).setRequirement(c.accounts.dave.address, 9_100_000n);
    });

    it("reverts with EscrowUnknownPledge for a caller with nothing pledged by the lost wallet", async () => {
      const c = await loadFixture(pledgedFixture);
      await expect(
        c.escrow.connect(c.accounts.outsider).onPledgorRecovered(c.accounts.alice.address, c.accounts.dave.address, 1n),
      )
        .to.be.revertedWithCustomError(c.escrow, "EscrowUnknownPledge")
        .withArgs(c.accounts.outsider.address, c.accounts.alice.address);
      // a real series of which alice pledged nothing
      await impersonateAccount(c.m);
      await setBalance(c.m, 10n ** 18n);
      const series = await ethers.getSigner(c.m);
      await expect(c.escrow.connect(series).onPledgorRecovered(c.accounts.alice.address, c.accounts.dave.address, 1n))
        .to.be.revertedWithCustomError(c.escrow, "EscrowUnknownPledge")
        .withArgs(c.m, c.accounts.alice.address);
    });
  });
});

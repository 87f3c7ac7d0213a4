import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { BALANCE_LOCK, ROLES, TRANSFER_CHECK } from "../../scripts/lib/constants";
import { withSecondWalletFixture } from "../fixtures/suite.fixture";
import { withMunicipalFixture } from "../collateral/escrow-fixtures";
import { reverts } from "../helpers/errors";

/**
 * Pledged units on the token: only the series' pledge agent pledges, releases and enforces them; they stay
 * in the holder's wallet (balance, coupons) but no transfer, forced transfer, burn or freeze can take them;
 * a recovery carries them to the new wallet and tells the pledge agent; a retirement at redemption returns
 * them (their principal goes to the pledge agent).
 */

/**
 * Balances (alice 1,000, bob 500), dave a second wallet of alice's identity; `pledgee` (an EOA standing in
 * for the escrow) is the series' pledge agent; `payer` holds PAYING_AGENT; alice has pledged 600 units.
 */
async function pledgeFixture() {
  const context = await loadFixture(withSecondWalletFixture);
  const { token, accounts } = context;
  const signers = await ethers.getSigners();
  const pledgee = signers[10];
  const payer = signers[11];
  await token.connect(accounts.owner).setPledgeAgent(pledgee.address);
  await token.connect(accounts.owner).grantRole(ROLES.PAYING_AGENT, payer.address);
  await token.connect(pledgee).pledge(accounts.alice.address, 600n);
  return { ...context, pledgee, payer };
}

/** The pledge scenario with a lock-up module on the series' compliance (every transfer refused for a day). */
async function withLockUpFixture() {
  const context = await loadFixture(pledgeFixture);
  const { compliance, accounts, suite } = context;
  const lockUp = suite.modules.lockUp;
  await compliance.connect(accounts.owner).addModule(await lockUp.getAddress());
  await compliance
    .connect(accounts.owner)
    .callModuleFunction(
      lockUp.interface.encodeFunctionData("setLockUpEnd", [(await time.latest()) + 86_400]),
      await lockUp.getAddress(),
    );
  return context;
}

describe("SecurityToken pledges", () => {
  describe(".setPledgeAgent()", () => {
    it("lets the owner set the pledge agent and emits PledgeAgentSet", async () => {
      const { token, accounts } = await loadFixture(withSecondWalletFixture);
      expect(await token.pledgeAgent()).to.equal(ethers.ZeroAddress);
      await expect(token.connect(accounts.owner).setPledgeAgent(accounts.outsider.address))
        .to.emit(token, "PledgeAgentSet")
        .withArgs(accounts.outsider.address);
      expect(await token.pledgeAgent()).to.equal(accounts.outsider.address);
    });

    it("reverts with AccessControlUnauthorizedAccount for agents, holders and anyone else", async () => {
      const { token, accounts } = await loadFixture(withSecondWalletFixture);
      for (const caller of [accounts.agent, accounts.alice, accounts.outsider]) {
        await expect(token.connect(caller).setPledgeAgent(caller.address))
          .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, ROLES.DEFAULT_ADMIN);
      }
    });

    it("set to zero, disables pledging (the former agent is refused)", async () => {
      const { token, accounts, pledgee } = await loadFixture(pledgeFixture);
      await token.connect(accounts.owner).setPledgeAgent(ethers.ZeroAddress);
      await expect(token.connect(pledgee).pledge(accounts.bob.address, 1n))
        .to.be.revertedWithCustomError(token, "TokenCallerNotPledgeAgent")
        .withArgs(pledgee.address);
    });
  });

  describe(".pledge()", () => {
    it("marks free units pledged in the wallet (balance unchanged) and emits TokensPledged", async () => {
      const { token, accounts, pledgee } = await loadFixture(pledgeFixture);
      const tx = token.connect(pledgee).pledge(accounts.bob.address, 200n);
      await expect(tx).to.emit(token, "TokensPledged").withArgs(accounts.bob.address, 200n, pledgee.address);
      await expect(tx).to.changeTokenBalances(token, [accounts.bob, pledgee], [0n, 0n]);
      expect(await token.pledgedOf(accounts.bob.address)).to.equal(200n);
      expect(await token.freeBalanceOf(accounts.bob.address)).to.equal(300n);
      expect(await token.totalSupply()).to.equal(1500n);
    });

    it("reverts with TokenCallerNotPledgeAgent for anyone else, agents and the owner included", async () => {
      const { token, accounts } = await loadFixture(pledgeFixture);
      for (const caller of [accounts.owner, accounts.agent, accounts.bob, accounts.outsider]) {
        await expect(token.connect(caller).pledge(accounts.bob.address, 1n))
          .to.be.revertedWithCustomError(token, "TokenCallerNotPledgeAgent")
          .withArgs(caller.address);
      }
    });

    it("reverts with TokenInsufficientFreeBalance for zero or more than the free units (pledged and frozen are not free)", async () => {
      const { token, accounts, pledgee } = await loadFixture(pledgeFixture);
      await expect(token.connect(pledgee).pledge(accounts.alice.address, 401n))
        .to.be.revertedWithCustomError(token, "TokenInsufficientFreeBalance")
        .withArgs(accounts.alice.address, 400n, 401n);
      await token.connect(accounts.agent).freezePartialTokens(accounts.alice.address, 150n);
      await expect(token.connect(pledgee).pledge(accounts.alice.address, 251n))
        .to.be.revertedWithCustomError(token, "TokenInsufficientFreeBalance")
        .withArgs(accounts.alice.address, 250n, 251n);
      await expect(token.connect(pledgee).pledge(accounts.alice.address, 0n))
        .to.be.revertedWithCustomError(token, "TokenInsufficientFreeBalance")
        .withArgs(accounts.alice.address, 250n, 0n);
      await token.connect(pledgee).pledge(accounts.alice.address, 250n);
      expect(await token.freeBalanceOf(accounts.alice.address)).to.equal(0n);
    });

    it("reverts with TokenWalletFrozen for a frozen wallet", async () => {
      const { token, accounts, pledgee } = await loadFixture(pledgeFixture);
      await token.connect(accounts.agent).setAddressFrozen(accounts.bob.address, true);
      await expect(token.connect(pledgee).pledge(accounts.bob.address, 1n))
        .to.be.revertedWithCustomError(token, "TokenWalletFrozen")
        .withArgs(accounts.bob.address);
    });
  });

  describe(".releasePledge()", () => {
    it("returns pledged units to the free units and emits PledgeReleased", async () => {
      const { token, accounts, pledgee } = await loadFixture(pledgeFixture);
      await expect(token.connect(pledgee).releasePledge(accounts.alice.address, 250n))
        .to.emit(token, "PledgeReleased")
        .withArgs(accounts.alice.address, 250n, pledgee.address);
      expect(await token.pledgedOf(accounts.alice.address)).to.equal(350n);
      expect(await token.freeBalanceOf(accounts.alice.address)).to.equal(650n);
    });

    it("works on a frozen wallet (the pledgee controls pledged units)", async () => {
      const { token, accounts, pledgee } = await loadFixture(pledgeFixture);
      await token.connect(accounts.agent).setAddressFrozen(accounts.alice.address, true);
      await token.connect(pledgee).releasePledge(accounts.alice.address, 600n);
      expect(await token.pledgedOf(accounts.alice.address)).to.equal(0n);
    });

    it("reverts with TokenReleaseExceedsPledged beyond the pledged units, TokenCallerNotPledgeAgent for others", async () => {
      const { token, accounts, pledgee } = await loadFixture(pledgeFixture);
      await expect(token.connect(pledgee).releasePledge(accounts.alice.address, 601n))
        .to.be.revertedWithCustomError(token, "TokenReleaseExceedsPledged")
        .withArgs(accounts.alice.address, 600n, 601n);
      for (const caller of [accounts.alice, accounts.agent, accounts.owner]) {
        await expect(token.connect(caller).releasePledge(accounts.alice.address, 1n))
          .to.be.revertedWithCustomError(token, "TokenCallerNotPledgeAgent")
          .withArgs(caller.address);
      }
    });
  });

  describe(".enforcePledge()", () => {
    it("moves pledged units to a verified recipient and emits PledgeEnforced and Transfer", async () => {
      const { token, accounts, pledgee } = await loadFixture(pledgeFixture);
      const tx = token.connect(pledgee).enforcePledge(accounts.alice.address, accounts.bob.address, 400n);
      await expect(tx)
        .to.emit(token, "PledgeEnforced")
        .withArgs(accounts.alice.address, accounts.bob.address, 400n, pledgee.address);
      await expect(tx).to.emit(token, "Transfer").withArgs(accounts.alice.address, accounts.bob.address, 400n);
      await expect(tx).to.changeTokenBalances(token, [accounts.alice, accounts.bob], [-400n, 400n]);
      expect(await token.pledgedOf(accounts.alice.address)).to.equal(200n);
      expect(await token.freeBalanceOf(accounts.alice.address)).to.equal(400n);
    });

    it("takes only pledged units: frozen units and free units stay (even from a frozen wallet)", async () => {
      const { token, accounts, pledgee } = await loadFixture(pledgeFixture);
      await token.connect(accounts.agent).freezePartialTokens(accounts.alice.address, 300n);
      await token.connect(accounts.agent).setAddressFrozen(accounts.alice.address, true);
      await expect(token.connect(pledgee).enforcePledge(accounts.alice.address, accounts.bob.address, 601n))
        .to.be.revertedWithCustomError(token, "TokenReleaseExceedsPledged")
        .withArgs(accounts.alice.address, 600n, 601n);
      await token.connect(pledgee).enforcePledge(accounts.alice.address, accounts.bob.address, 600n);
      expect(await token.balanceOf(accounts.alice.address)).to.equal(400n);
      expect(await token.getFrozenTokens(accounts.alice.address)).to.equal(300n);
      expect(await token.freeBalanceOf(accounts.alice.address)).to.equal(100n);
    });

    it("reverts with TokenRecipientNotVerified for an unverified recipient", async () => {
      const { token, accounts, pledgee } = await loadFixture(pledgeFixture);
      await expect(token.connect(pledgee).enforcePledge(accounts.alice.address, accounts.eve.address, 1n))
        .to.be.revertedWithCustomError(token, "TokenRecipientNotVerified")
        .withArgs(accounts.eve.address);
      expect(await token.pledgedOf(accounts.alice.address)).to.equal(600n);
    });

    it("reverts with TokenTransferNotCompliant when compliance refuses", async () => {
      const { token, accounts, pledgee, suite } = await loadFixture(withLockUpFixture);
      await expect(token.connect(pledgee).enforcePledge(accounts.alice.address, accounts.bob.address, 1n))
        .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
        .withArgs(accounts.alice.address, accounts.bob.address, 1n, await suite.modules.lockUp.getAddress());
    });

    it("reverts with TokenBalancesLocked while a coupon record is locked", async () => {
      const { token, accounts, pledgee, payer } = await loadFixture(pledgeFixture);
      await token.connect(payer).setBalanceLock(BALANCE_LOCK.RecordLocked);
      await expect(token.connect(pledgee).enforcePledge(accounts.alice.address, accounts.bob.address, 1n))
        .to.be.revertedWithCustomError(token, "TokenBalancesLocked")
        .withArgs(BALANCE_LOCK.RecordLocked);
    });

    it("reverts with TokenCallerNotPledgeAgent for anyone else", async () => {
      const { token, accounts } = await loadFixture(pledgeFixture);
      for (const caller of [accounts.agent, accounts.owner, accounts.bob]) {
        await expect(token.connect(caller).enforcePledge(accounts.alice.address, caller.address, 1n))
          .to.be.revertedWithCustomError(token, "TokenCallerNotPledgeAgent")
          .withArgs(caller.address);
      }
    });
  });

  describe("pledged units cannot be moved, sold, burnt or frozen by anyone else", () => {
    it("transfer, transferFrom and batchTransfer see only the free units (TokenInsufficientFreeBalance)", async () => {
      const { token, accounts } = await loadFixture(pledgeFixture);
      await expect(token.connect(accounts.alice).transfer(accounts.bob.address, 401n))
        .to.be.revertedWithCustomError(token, "TokenInsufficientFreeBalance")
        .withArgs(accounts.alice.address, 400n, 401n);
      await token.connect(accounts.alice).approve(accounts.bob.address, 1000n);
      await expect(token.connect(accounts.bob).transferFrom(accounts.alice.address, accounts.bob.address, 401n))
        .to.be.revertedWithCustomError(token, "TokenInsufficientFreeBalance")
        .withArgs(accounts.alice.address, 400n, 401n);
      await expect(
        token.connect(accounts.alice).batchTransfer([accounts.bob.address, accounts.bob.address], [400n, 1n]),
      )
        .to.be.revertedWithCustomError(token, "TokenInsufficientFreeBalance")
        .withArgs(accounts.alice.address, 0n, 1n);
      const [code] = await token.checkTransfer(accounts.alice.address, accounts.bob.address, 401n);
      expect(TRANSFER_CHECK[Number(code)]).to.equal("InsufficientFreeBalance");
      await token.connect(accounts.alice).transfer(accounts.bob.address, 400n);
      expect(await token.pledgedOf(accounts.alice.address)).to.equal(600n);
    });

    it("forcedTransfer cannot consume them (unlike a T-REX freeze, which a forced transfer unfreezes)", async () => {
      const { token, accounts } = await loadFixture(pledgeFixture);
      await expect(token.connect(accounts.agent).forcedTransfer(accounts.alice.address, accounts.bob.address, 401n))
        .to.be.revertedWithCustomError(token, "TokenInsufficientFreeBalance")
        .withArgs(accounts.alice.address, 400n, 401n);
      await expect(
        token.connect(accounts.agent).batchForcedTransfer([accounts.alice.address], [accounts.bob.address], [1000n]),
      )
        .to.be.revertedWithCustomError(token, "TokenInsufficientFreeBalance")
        .withArgs(accounts.alice.address, 400n, 1000n);
      await token.connect(accounts.agent).forcedTransfer(accounts.alice.address, accounts.bob.address, 400n);
      expect(await token.balanceOf(accounts.alice.address)).to.equal(600n);
      expect(await token.pledgedOf(accounts.alice.address)).to.equal(600n);
    });

    it("burn and batchBurn cannot consume them", async () => {
      const { token, accounts } = await loadFixture(pledgeFixture);
      await expect(token.connect(accounts.agent).burn(accounts.alice.address, 401n))
        .to.be.revertedWithCustomError(token, "TokenInsufficientFreeBalance")
        .withArgs(accounts.alice.address, 400n, 401n);
      await expect(token.connect(accounts.agent).batchBurn([accounts.alice.address], [1000n]))
        .to.be.revertedWithCustomError(token, "TokenInsufficientFreeBalance")
        .withArgs(accounts.alice.address, 400n, 1000n);
      expect(await token.pledgedOf(accounts.alice.address)).to.equal(600n);
    });

    it("freezePartialTokens cannot claim them (TokenFreezeExceedsBalance counts balance - pledged)", async () => {
      const { token, accounts } = await loadFixture(pledgeFixture);
      await expect(token.connect(accounts.agent).freezePartialTokens(accounts.alice.address, 401n))
        .to.be.revertedWithCustomError(token, "TokenFreezeExceedsBalance")
        .withArgs(accounts.alice.address, 400n, 401n);
      await token.connect(accounts.agent).freezePartialTokens(accounts.alice.address, 300n);
      await expect(token.connect(accounts.agent).batchFreezePartialTokens([accounts.alice.address], [101n]))
        .to.be.revertedWithCustomError(token, "TokenFreezeExceedsBalance")
        .withArgs(accounts.alice.address, 400n, 401n);
      expect(await token.getFrozenTokens(accounts.alice.address)).to.equal(300n);
      expect(await token.freeBalanceOf(accounts.alice.address)).to.equal(100n);
    });

    it("a wallet freeze leaves the pledge as it is (the pledgee still releases and enforces)", async () => {
      const { token, accounts, pledgee } = await loadFixture(pledgeFixture);
      await token.connect(accounts.agent).setAddressFrozen(accounts.alice.address, true);
      expect(await token.pledgedOf(accounts.alice.address)).to.equal(600n);
      await token.connect(pledgee).enforcePledge(accounts.alice.address, accounts.bob.address, 100n);
      await token.connect(pledgee).releasePledge(accounts.alice.address, 100n);
      expect(await token.pledgedOf(accounts.alice.address)).to.equal(400n);
    });

    it("property: under random agent and holder operations, pledged units only change through the pledge agent", async () => {
      const c = await loadFixture(pledgeFixture);
      const { token, accounts, pledgee } = c;
      const wallets = [accounts.alice, accounts.bob, accounts.dave];
      const amount = fc.integer({ min: 0, max: 1_100 }).map(BigInt);
      const who = fc.integer({ min: 0, max: wallets.length - 1 });
      const op = fc.oneof(
        fc.record({ kind: fc.constant("transfer" as const), from: who, to: who, amount }),
        fc.record({ kind: fc.constant("forced" as const), from: who, to: who, amount }),
        fc.record({ kind: fc.constant("burn" as const), from: who, amount }),
        fc.record({ kind: fc.constant("freeze" as const), from: who, amount }),
        fc.record({ kind: fc.constant("unfreeze" as const), from: who, amount }),
        fc.record({ kind: fc.constant("freezeWallet" as const), from: who, on: fc.boolean() }),
        fc.record({ kind: fc.constant("pledge" as const), from: who, amount }),
        fc.record({ kind: fc.constant("release" as const), from: who, amount }),
        fc.record({ kind: fc.constant("enforce" as const), from: who, to: who, amount }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 12 }), async (ops) => {
          await loadFixture(pledgeFixture);
          const pledged = new Map<string, bigint>();
          for (const w of wallets) pledged.set(w.address, await token.pledgedOf(w.address));
          for (const o of ops) {
            const from = wallets[o.from].address;
            const to = "to" in o ? wallets[o.to].address : from;
            const a = "amount" in o ? o.amount : 0n;
            switch (o.kind) {
              case "transfer":
                await reverts(async () => (await token.connect(wallets[o.from]).transfer(to, a)).wait());
                break;
              case "forced":
                await reverts(async () => (await token.connect(accounts.agent).forcedTransfer(from, to, a)).wait());
                break;
              case "burn":
                await reverts(async () => (await token.connect(accounts.agent).burn(from, a)).wait());
                break;
              case "freeze":
                await reverts(async () => (await token.connect(accounts.agent).freezePartialTokens(from, a)).wait());
                break;
              case "unfreeze":
                await reverts(async () => (await token.connect(accounts.agent).unfreezePartialTokens(from, a)).wait());
                break;
              case "freezeWallet":
                await reverts(async () => (await token.connect(accounts.agent).setAddressFrozen(from, o.on)).wait());
                break;
              case "pledge":
                if (!(await reverts(async () => (await token.connect(pledgee).pledge(from, a)).wait())))
                  pledged.set(from, pledged.get(from)! + a);
                break;
              case "release":
                if (!(await reverts(async () => (await token.connect(pledgee).releasePledge(from, a)).wait())))
                  pledged.set(from, pledged.get(from)! - a);
                break;
              case "enforce":
                if (!(await reverts(async () => (await token.connect(pledgee).enforcePledge(from, to, a)).wait())))
                  pledged.set(from, pledged.get(from)! - a);
                break;
            }
            for (const w of wallets) {
              const [balance, frozen, p] = await Promise.all([
                token.balanceOf(w.address),
                token.getFrozenTokens(w.address),
                token.pledgedOf(w.address),
              ]);
              expect(p).to.equal(pledged.get(w.address), `${o.kind}: pledged units of ${w.address}`);
              expect(frozen + p).to.be.lessThanOrEqual(balance, `${o.kind}: frozen + pledged <= balance`);
            }
          }
        }),
        { numRuns: 15 },
      );
    });
  });

  describe("recovery carries the pledge", () => {
    it("moves pledged (and frozen) units to the new wallet, emits PledgeMoved and tells the pledge agent", async () => {
      const c = await loadFixture(withMunicipalFixture);
      const { bond, escrow, jscc, accounts, investors } = c;
      const j = await bond.getAddress();
      await escrow.connect(accounts.alice).pledge(jscc.address, j, 9_500_000n);
      await bond.connect(accounts.agent).freezePartialTokens(accounts.alice.address, 300_000n);
      const identity = await investors.alice.identity.getAddress();
      const tx = bond.connect(accounts.agent).recoveryAddress(accounts.alice.address, accounts.dave.address, identity);
      await expect(tx).to.emit(bond, "PledgeMoved").withArgs(accounts.alice.address, accounts.dave.address, 9_500_000n);
      await expect(tx)
        .to.emit(escrow, "PledgorWalletChanged")
        .withArgs(anyId, accounts.alice.address, accounts.dave.address);
      await expect(tx).to.emit(bond, "TokensFrozen").withArgs(accounts.dave.address, 300_000n);
      await expect(tx).to.changeTokenBalances(bond, [accounts.alice, accounts.dave], [-10_000_000n, 10_000_000n]);
      expect(await bond.pledgedOf(accounts.dave.address)).to.equal(9_500_000n);
      expect(await bond.pledgedOf(accounts.alice.address)).to.equal(0n);
      expect(await bond.getFrozenTokens(accounts.dave.address)).to.equal(300_000n);
      expect(await bond.freeBalanceOf(accounts.dave.address)).to.equal(200_000n);
      // still pledged in the new wallet: the holder cannot move it, the escrow can release it
      await expect(bond.connect(accounts.dave).transfer(accounts.bob.address, 250_000n))
        .to.be.revertedWithCustomError(bond, "TokenInsufficientFreeBalance")
        .withArgs(accounts.dave.address, 200_000n, 250_000n);
      const [, account] = await escrow.accountOf(accounts.dave.address, jscc.address);
      expect(account.pledgor).to.equal(accounts.dave.address);
      await escrow.connect(accounts.dave).release(jscc.address, j, 50_000n);
      expect(await bond.pledgedOf(accounts.dave.address)).to.equal(9_450_000n);
    });

    it("without pledged units, a recovery does not call the pledge agent", async () => {
      const { token, accounts, investors, pledgee } = await loadFixture(pledgeFixture);
      // the pledge agent is an EOA, so a call to it would revert: with nothing pledged, none is made
      await token.connect(pledgee).releasePledge(accounts.alice.address, 600n);
      await expect(
        token
          .connect(accounts.agent)
          .recoveryAddress(accounts.alice.address, accounts.dave.address, await investors.alice.identity.getAddress()),
      ).not.to.emit(token, "PledgeMoved");
      expect(await token.balanceOf(accounts.dave.address)).to.equal(1000n);
    });

    it("a pledge agent that refuses the recovery blocks it (nothing moves)", async () => {
      const { token, accounts, investors } = await loadFixture(pledgeFixture);
      // the EOA pledge agent has no code: the call to onPledgorRecovered reverts
      await expect(
        token
          .connect(accounts.agent)
          .recoveryAddress(accounts.alice.address, accounts.dave.address, await investors.alice.identity.getAddress()),
      ).to.be.revertedWithoutReason();
      expect(await token.pledgedOf(accounts.alice.address)).to.equal(600n);
      expect(await token.balanceOf(accounts.alice.address)).to.equal(1000n);
    });
  });

  describe(".retire() at redemption", () => {
    it("retires the whole position, frozen and pledged units included, and reports the pledged units", async () => {
      const { token, accounts, payer } = await loadFixture(pledgeFixture);
      await token.connect(accounts.agent).freezePartialTokens(accounts.alice.address, 100n);
      await token.connect(payer).setBalanceLock(BALANCE_LOCK.Redemption);
      const [units, frozen, pledged] = await token.connect(payer).retire.staticCall(accounts.alice.address);
      expect([units, frozen, pledged]).to.deep.equal([1000n, 100n, 600n]);
      const tx = token.connect(payer).retire(accounts.alice.address);
      await expect(tx).to.emit(token, "PledgeReleased").withArgs(accounts.alice.address, 600n, payer.address);
      await expect(tx).to.emit(token, "TokensUnfrozen").withArgs(accounts.alice.address, 100n);
      await expect(tx)
        .to.emit(token, "UnitsRetired")
        .withArgs(payer.address, accounts.alice.address, 1000n, 100n, 600n);
      expect(await token.balanceOf(accounts.alice.address)).to.equal(0n);
      expect(await token.pledgedOf(accounts.alice.address)).to.equal(0n);
    });

    it("is refused to the pledge agent itself (AccessControlUnauthorizedAccount)", async () => {
      const { token, pledgee, payer, accounts } = await loadFixture(pledgeFixture);
      await token.connect(payer).setBalanceLock(BALANCE_LOCK.Redemption);
      await expect(token.connect(pledgee).retire(accounts.alice.address))
        .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
        .withArgs(pledgee.address, ROLES.PAYING_AGENT);
    });
  });
});

const anyId = (value: unknown) => typeof value === "string" && /^0x[0-9a-f]{64}$/i.test(value);

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { BALANCE_LOCK, COUNTRY, ROLES, TRANSFER_CHECK } from "../../scripts/lib/constants";
import { withSecondWalletFixture } from "../fixtures/suite.fixture";

/**
 * The paying agent's lifecycle operations on a series: the balance lock (coupon record, redemption),
 * entitlement distribution and retirement at redemption.
 */

const ZERO = ethers.ZeroAddress;
const { None, RecordLocked, Redemption } = BALANCE_LOCK;
const LOCKS = [None, RecordLocked, Redemption] as const;
const NAME = ["None", "RecordLocked", "Redemption"];

/**
 * The base scenario with balances (alice 1,000, bob 500), dave a second wallet of alice's identity, and
 * `payer` holding PAYING_AGENT on the series (and nothing else).
 */
async function lifecycleFixture() {
  const context = await loadFixture(withSecondWalletFixture);
  const payer = (await ethers.getSigners())[10];
  await context.token.connect(context.accounts.owner).grantRole(ROLES.PAYING_AGENT, payer.address);
  return { ...context, accounts: { ...context.accounts, payer } };
}

type Context = Awaited<ReturnType<typeof lifecycleFixture>>;

/** The lifecycle scenario with balances locked in `lock`. */
async function lockedIn(lock: number): Promise<Context> {
  const c = await loadFixture(lifecycleFixture);
  if (lock !== None) await c.token.connect(c.accounts.payer).setBalanceLock(lock);
  return c;
}

describe("SecurityToken lifecycle (paying agent)", () => {
  describe(".setBalanceLock()", () => {
    it("starts unlocked", async () => {
      const c = await loadFixture(lifecycleFixture);
      expect(await c.token.balanceLock()).to.equal(None);
    });

    for (const [from, to] of [
      [None, RecordLocked],
      [RecordLocked, None],
      [None, Redemption],
      [RecordLocked, Redemption],
    ] as const) {
      it(`moves ${NAME[from]} -> ${NAME[to]} and emits BalanceLockChanged(agent, ${NAME[to]})`, async () => {
        const c = await lockedIn(from);
        await expect(c.token.connect(c.accounts.payer).setBalanceLock(to))
          .to.emit(c.token, "BalanceLockChanged")
          .withArgs(c.accounts.payer.address, to);
        expect(await c.token.balanceLock()).to.equal(to);
      });
    }

    for (const from of LOCKS) {
      for (const to of LOCKS.filter((t) => t === from || from === Redemption)) {
        it(`reverts with TokenBalanceLockTransition(${NAME[from]}, ${NAME[to]})`, async () => {
          const c = await lockedIn(from);
          await expect(c.token.connect(c.accounts.payer).setBalanceLock(to))
            .to.be.revertedWithCustomError(c.token, "TokenBalanceLockTransition")
            .withArgs(from, to);
          expect(await c.token.balanceLock()).to.equal(from);
        });
      }
    }

    it("reverts with AccessControlUnauthorizedAccount(caller, PAYING_AGENT) for the owner, an agent, anyone", async () => {
      const c = await loadFixture(lifecycleFixture);
      for (const caller of [c.accounts.owner, c.accounts.agent, c.accounts.outsider]) {
        await expect(c.token.connect(caller).setBalanceLock(RecordLocked))
          .to.be.revertedWithCustomError(c.token, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, ROLES.PAYING_AGENT);
      }
    });

    it("follows the model: None <-> RecordLocked, either -> Redemption, Redemption final (property)", async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.constantFrom(...LOCKS), { minLength: 1, maxLength: 8 }), async (requests) => {
          const c = await loadFixture(lifecycleFixture);
          let state: number = None;
          for (const requested of requests) {
            const allowed = requested !== state && state !== Redemption;
            const tx = c.token.connect(c.accounts.payer).setBalanceLock(requested);
            if (allowed) {
              await expect(tx).to.emit(c.token, "BalanceLockChanged").withArgs(c.accounts.payer.address, requested);
              state = requested;
            } else {
              await expect(tx)
                .to.be.revertedWithCustomError(c.token, "TokenBalanceLockTransition")
                .withArgs(state, requested);
            }
            expect(await c.token.balanceLock()).to.equal(state);
          }
        }),
        { numRuns: 20 },
      );
    });
  });

  for (const lock of [RecordLocked, Redemption]) {
    describe(`while balances are locked (${NAME[lock]})`, () => {
      const locked = () => lockedIn(lock);
      const expectLocked = async (c: Context, tx: Promise<unknown>) =>
        expect(tx).to.be.revertedWithCustomError(c.token, "TokenBalancesLocked").withArgs(lock);

      it("transfer, transferFrom and batchTransfer revert with TokenBalancesLocked(lock)", async () => {
        const c = await loadFixture(locked);
        const { alice, bob } = c.accounts;
        await c.token.connect(alice).approve(bob.address, 100n);
        await expectLocked(c, c.token.connect(alice).transfer(bob.address, 1n));
        await expectLocked(c, c.token.connect(bob).transferFrom(alice.address, bob.address, 1n));
        await expectLocked(c, c.token.connect(alice).batchTransfer([bob.address], [1n]));
      });

      it("mint, batchMint, burn and batchBurn revert with TokenBalancesLocked(lock)", async () => {
        const c = await loadFixture(locked);
        const { agent, alice } = c.accounts;
        await expectLocked(c, c.token.connect(agent).mint(alice.address, 1n));
        await expectLocked(c, c.token.connect(agent).batchMint([alice.address], [1n]));
        await expectLocked(c, c.token.connect(agent).burn(alice.address, 1n));
        await expectLocked(c, c.token.connect(agent).batchBurn([alice.address], [1n]));
      });

      it("forcedTransfer, batchForcedTransfer and recoveryAddress revert with TokenBalancesLocked(lock)", async () => {
        const c = await loadFixture(locked);
        const { agent, alice, bob, dave } = c.accounts;
        await expectLocked(c, c.token.connect(agent).forcedTransfer(alice.address, bob.address, 1n));
        await expectLocked(c, c.token.connect(agent).batchForcedTransfer([alice.address], [bob.address], [1n]));
        const identity = await c.investors.alice.identity.getAddress();
        await expectLocked(c, c.token.connect(agent).recoveryAddress(alice.address, dave.address, identity));
        expect(await c.token.balanceOf(alice.address)).to.equal(1000n);
        expect(await c.token.totalSupply()).to.equal(1500n);
      });

      it("checkTransfer reports BalancesLocked (8)", async () => {
        const c = await loadFixture(locked);
        expect(TRANSFER_CHECK[8]).to.equal("BalancesLocked");
        expect(await c.token.checkTransfer(c.accounts.alice.address, c.accounts.bob.address, 1n)).to.deep.equal([
          8n,
          ZERO,
        ]);
      });
    });
  }

  describe("after a record lock is lifted", () => {
    it("balances move again", async () => {
      const c = await lockedIn(RecordLocked);
      await c.token.connect(c.accounts.payer).setBalanceLock(None);
      expect(await c.token.checkTransfer(c.accounts.alice.address, c.accounts.bob.address, 1n)).to.deep.equal([
        0n,
        ZERO,
      ]);
      await expect(c.token.connect(c.accounts.alice).transfer(c.accounts.bob.address, 1n)).to.changeTokenBalances(
        c.token,
        [c.accounts.alice, c.accounts.bob],
        [-1n, 1n],
      );
    });
  });

  describe(".distribute()", () => {
    /** The lifecycle scenario with alice (the funder) allowing the paying agent `allowance`. */
    async function funded(allowance: bigint = ethers.MaxUint256) {
      const c = await loadFixture(lifecycleFixture);
      await c.token.connect(c.accounts.alice).approve(c.accounts.payer.address, allowance);
      return c;
    }
    const fundedExactly = () => funded(300n);
    const fundedUnlimited = () => funded();

    describe("when called by the paying agent with the funder's allowance", () => {
      it("moves each amount, emits Transfer per recipient and EntitlementsDistributed(agent, funder, count, total)", async () => {
        const c = await loadFixture(fundedExactly);
        const { payer, alice, bob, charlie } = c.accounts;
        const tx = c.token.connect(payer).distribute(alice.address, [bob.address, charlie.address], [200n, 100n]);
        await expect(tx).to.changeTokenBalances(c.token, [alice, bob, charlie], [-300n, 200n, 100n]);
        await expect(tx).to.emit(c.token, "Transfer").withArgs(alice.address, bob.address, 200n);
        await expect(tx).to.emit(c.token, "Transfer").withArgs(alice.address, charlie.address, 100n);
        await expect(tx).to.emit(c.token, "EntitlementsDistributed").withArgs(payer.address, alice.address, 2n, 300n);
        expect(await c.token.totalSupply()).to.equal(1500n);
      });

      it("spends the allowance once, for the total", async () => {
        const c = await loadFixture(fundedExactly);
        const { payer, alice, bob, charlie } = c.accounts;
        await c.token
          .connect(payer)
          .distribute(alice.address, [bob.address, charlie.address, bob.address], [100n, 100n, 100n]);
        expect(await c.token.allowance(alice.address, payer.address)).to.equal(0n);
        await expect(c.token.connect(payer).distribute(alice.address, [bob.address], [1n]))
          .to.be.revertedWithCustomError(c.token, "ERC20InsufficientAllowance")
          .withArgs(payer.address, 0n, 1n);
      });

      it("leaves an unlimited allowance unlimited", async () => {
        const c = await loadFixture(fundedUnlimited);
        const { payer, alice, bob } = c.accounts;
        await c.token.connect(payer).distribute(alice.address, [bob.address], [10n]);
        expect(await c.token.allowance(alice.address, payer.address)).to.equal(ethers.MaxUint256);
      });

      it("pays a frozen recipient, whose units then cannot move", async () => {
        const c = await loadFixture(fundedUnlimited);
        const { payer, agent, alice, bob, charlie } = c.accounts;
        await c.token.connect(agent).setAddressFrozen(bob.address, true);
        await expect(c.token.connect(payer).distribute(alice.address, [bob.address], [50n])).to.changeTokenBalance(
          c.token,
          bob,
          50n,
        );
        await expect(c.token.connect(bob).transfer(charlie.address, 1n))
          .to.be.revertedWithCustomError(c.token, "TokenWalletFrozen")
          .withArgs(bob.address);
      });

      it("pays an unverified recipient (a holder of record is owed whatever its status)", async () => {
        const c = await loadFixture(fundedUnlimited);
        const { payer, alice, eve } = c.accounts;
        expect(await c.suite.identityRegistry.isVerified(eve.address)).to.equal(false);
        await expect(c.token.connect(payer).distribute(alice.address, [eve.address], [50n])).to.changeTokenBalance(
          c.token,
          eve,
          50n,
        );
      });

      it("pays a recipient compliance would refuse a transfer to", async () => {
        const c = await loadFixture(fundedUnlimited);
        const { payer, owner, alice, charlie } = c.accounts;
        const module = c.suite.modules.countryAllow;
        await c.compliance.connect(owner).addModule(module);
        await c.compliance
          .connect(owner)
          .callModuleFunction(
            module.interface.encodeFunctionData("listCountries", [[COUNTRY.JP]]),
            await module.getAddress(),
          );
        await expect(c.token.connect(alice).transfer(charlie.address, 50n)).to.be.revertedWithCustomError(
          c.token,
          "TokenTransferNotCompliant",
        );
        await expect(c.token.connect(payer).distribute(alice.address, [charlie.address], [50n])).to.changeTokenBalance(
          c.token,
          charlie,
          50n,
        );
      });

      for (const lock of [RecordLocked, Redemption]) {
        it(`works while balances are locked (${NAME[lock]})`, async () => {
          const c = await loadFixture(fundedUnlimited);
          const { payer, alice, bob } = c.accounts;
          await c.token.connect(payer).setBalanceLock(lock);
          await expect(c.token.connect(payer).distribute(alice.address, [bob.address], [50n])).to.changeTokenBalance(
            c.token,
            bob,
            50n,
          );
        });
      }

      it(`pays up to MAX_DISTRIBUTION_BATCH (500) recipients in one call`, async () => {
        const c = await loadFixture(fundedUnlimited);
        expect(await c.token.MAX_DISTRIBUTION_BATCH()).to.equal(500n);
        const recipients = Array.from({ length: 500 }, (_, i) =>
          ethers.getAddress(ethers.zeroPadValue(ethers.toBeHex(0x1000 + i), 20)),
        );
        await expect(
          c.token.connect(c.accounts.payer).distribute(
            c.accounts.alice.address,
            recipients,
            recipients.map(() => 1n),
          ),
        )
          .to.emit(c.token, "EntitlementsDistributed")
          .withArgs(c.accounts.payer.address, c.accounts.alice.address, 500n, 500n);
        expect(await c.token.balanceOf(recipients[499])).to.equal(1n);
      });

      it("keeps the supply and every unit: the funder loses exactly what recipients gain (property)", async () => {
        const c0 = await loadFixture(fundedUnlimited);
        const pool = [
          c0.accounts.bob,
          c0.accounts.charlie,
          c0.accounts.dave,
          c0.accounts.eve,
          c0.accounts.outsider,
        ].map((s) => s.address);
        const payment = fc.record({ to: fc.constantFrom(...pool), amount: fc.bigInt({ min: 0n, max: 100n }) });
        await fc.assert(
          fc.asyncProperty(fc.array(payment, { maxLength: 8 }), async (payments) => {
            const c = await loadFixture(fundedUnlimited);
            const alice = c.accounts.alice.address;
            const holders = [alice, ...pool];
            const before = await Promise.all(holders.map((h) => c.token.balanceOf(h)));
            await c.token.connect(c.accounts.payer).distribute(
              alice,
              payments.map((p) => p.to),
              payments.map((p) => p.amount),
            );
            const after = await Promise.all(holders.map((h) => c.token.balanceOf(h)));
            const total = payments.reduce((s, p) => s + p.amount, 0n);
            expect(after[0]).to.equal(before[0] - total);
            for (let i = 1; i < holders.length; i++) {
              const gained = payments.filter((p) => p.to === holders[i]).reduce((s, p) => s + p.amount, 0n);
              expect(after[i] - before[i]).to.equal(gained);
            }
            expect(await c.token.totalSupply()).to.equal(1500n);
          }),
          { numRuns: 15 },
        );
      });
    });

    describe("when the funder's free balance does not cover an amount", () => {
      it("reverts with TokenInsufficientFreeBalance(funder, free, amount)", async () => {
        const c = await loadFixture(fundedUnlimited);
        const { payer, agent, alice, bob } = c.accounts;
        await c.token.connect(agent).freezePartialTokens(alice.address, 800n);
        await expect(c.token.connect(payer).distribute(alice.address, [bob.address], [300n]))
          .to.be.revertedWithCustomError(c.token, "TokenInsufficientFreeBalance")
          .withArgs(alice.address, 200n, 300n);
      });
    });

    describe("when the allowance does not cover the total", () => {
      it("reverts with ERC20InsufficientAllowance(agent, allowance, total)", async () => {
        const c = await loadFixture(fundedExactly);
        const { payer, alice, bob, charlie } = c.accounts;
        await expect(c.token.connect(payer).distribute(alice.address, [bob.address, charlie.address], [200n, 101n]))
          .to.be.revertedWithCustomError(c.token, "ERC20InsufficientAllowance")
          .withArgs(payer.address, 300n, 301n);
      });
    });

    describe("when a recipient is the zero address", () => {
      it("reverts with TokenZeroAddress", async () => {
        const c = await loadFixture(fundedUnlimited);
        await expect(
          c.token
            .connect(c.accounts.payer)
            .distribute(c.accounts.alice.address, [c.accounts.bob.address, ZERO], [1n, 1n]),
        ).to.be.revertedWithCustomError(c.token, "TokenZeroAddress");
      });
    });

    describe("when the lengths differ", () => {
      it("reverts with TokenBatchLengthMismatch(recipients, amounts)", async () => {
        const c = await loadFixture(fundedUnlimited);
        await expect(
          c.token
            .connect(c.accounts.payer)
            .distribute(c.accounts.alice.address, [c.accounts.bob.address, c.accounts.charlie.address], [1n]),
        )
          .to.be.revertedWithCustomError(c.token, "TokenBatchLengthMismatch")
          .withArgs(2, 1);
      });
    });

    describe("when there are more than 500 recipients", () => {
      it("reverts with TokenBatchTooLarge(501, 500)", async () => {
        const c = await loadFixture(fundedUnlimited);
        const recipients = Array.from({ length: 501 }, () => c.accounts.bob.address);
        await expect(
          c.token.connect(c.accounts.payer).distribute(
            c.accounts.alice.address,
            recipients,
            recipients.map(() => 1n),
          ),
        )
          .to.be.revertedWithCustomError(c.token, "TokenBatchTooLarge")
          .withArgs(501, 500);
      });
    });

    describe("when the caller is not the paying agent", () => {
      it("reverts with AccessControlUnauthorizedAccount(caller, PAYING_AGENT), for a spender with allowance too", async () => {
        const c = await loadFixture(fundedUnlimited);
        const { owner, agent, outsider, alice, bob } = c.accounts;
        await c.token.connect(alice).approve(outsider.address, ethers.MaxUint256);
        for (const caller of [owner, agent, outsider]) {
          await expect(c.token.connect(caller).distribute(alice.address, [bob.address], [1n]))
            .to.be.revertedWithCustomError(c.token, "AccessControlUnauthorizedAccount")
            .withArgs(caller.address, ROLES.PAYING_AGENT);
        }
      });
    });
  });

  describe(".retire()", () => {
    const inRedemption = () => lockedIn(Redemption);

    describe("under Redemption", () => {
      it("retires the whole position, emitting Transfer to zero and UnitsRetired(agent, holder, units, 0)", async () => {
        const c = await loadFixture(inRedemption);
        const { payer, bob } = c.accounts;
        expect(await c.token.connect(payer).retire.staticCall(bob.address)).to.deep.equal([500n, 0n, 0n]);
        const tx = c.token.connect(payer).retire(bob.address);
        await expect(tx).to.changeTokenBalance(c.token, bob, -500n);
        await expect(tx).to.emit(c.token, "Transfer").withArgs(bob.address, ZERO, 500n);
        await expect(tx).to.emit(c.token, "UnitsRetired").withArgs(payer.address, bob.address, 500n, 0n, 0n);
        await expect(tx).not.to.emit(c.token, "TokensUnfrozen");
        expect(await c.token.totalSupply()).to.equal(1000n);
      });

      it("retires frozen units too, releasing them (TokensUnfrozen), even from a frozen wallet", async () => {
        const c = await loadFixture(lifecycleFixture);
        const { payer, agent, alice } = c.accounts;
        await c.token.connect(agent).freezePartialTokens(alice.address, 300n);
        await c.token.connect(agent).setAddressFrozen(alice.address, true);
        await c.token.connect(payer).setBalanceLock(Redemption);
        expect(await c.token.connect(payer).retire.staticCall(alice.address)).to.deep.equal([1000n, 300n, 0n]);
        const tx = c.token.connect(payer).retire(alice.address);
        await expect(tx).to.emit(c.token, "TokensUnfrozen").withArgs(alice.address, 300n);
        await expect(tx).to.emit(c.token, "Transfer").withArgs(alice.address, ZERO, 1000n);
        await expect(tx).to.emit(c.token, "UnitsRetired").withArgs(payer.address, alice.address, 1000n, 300n, 0n);
        expect(await c.token.balanceOf(alice.address)).to.equal(0n);
        expect(await c.token.getFrozenTokens(alice.address)).to.equal(0n);
        expect(await c.token.totalSupply()).to.equal(500n);
      });

      it("accepts a holder with nothing: UnitsRetired(agent, holder, 0, 0), no Transfer", async () => {
        const c = await loadFixture(inRedemption);
        const { payer, eve, bob } = c.accounts;
        await expect(c.token.connect(payer).retire(eve.address))
          .to.emit(c.token, "UnitsRetired")
          .withArgs(payer.address, eve.address, 0n, 0n, 0n)
          .and.not.to.emit(c.token, "Transfer");
        await c.token.connect(payer).retire(bob.address);
        await expect(c.token.connect(payer).retire(bob.address))
          .to.emit(c.token, "UnitsRetired")
          .withArgs(payer.address, bob.address, 0n, 0n, 0n);
      });
    });

    for (const lock of [None, RecordLocked]) {
      describe(`when balances are not locked for redemption (${NAME[lock]})`, () => {
        it(`reverts with TokenBalanceLockTransition(${NAME[lock]}, Redemption)`, async () => {
          const c = await lockedIn(lock);
          await expect(c.token.connect(c.accounts.payer).retire(c.accounts.bob.address))
            .to.be.revertedWithCustomError(c.token, "TokenBalanceLockTransition")
            .withArgs(lock, Redemption);
        });
      });
    }

    describe("when the caller is not the paying agent", () => {
      it("reverts with AccessControlUnauthorizedAccount(caller, PAYING_AGENT)", async () => {
        const c = await loadFixture(inRedemption);
        for (const caller of [c.accounts.owner, c.accounts.agent, c.accounts.outsider]) {
          await expect(c.token.connect(caller).retire(c.accounts.bob.address))
            .to.be.revertedWithCustomError(c.token, "AccessControlUnauthorizedAccount")
            .withArgs(caller.address, ROLES.PAYING_AGENT);
        }
      });
    });
  });
});

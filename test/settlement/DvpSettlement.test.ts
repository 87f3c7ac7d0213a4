import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { keccak256, toUtf8Bytes, ZeroAddress } from "ethers";
import { COUNTRY, ROLES } from "../../scripts/lib/constants";
import type { CallbackTokenMock, ERC1271WalletMock } from "../../typechain-types";
import {
  affirmed,
  balances,
  DAY,
  domainOf,
  dvpFixture,
  idOf,
  makeTrade,
  SETTLEMENT_AGENT,
  signTrade,
  START_BOND,
  START_CASH,
  STATUS,
  tuple,
  type DvpContext,
  type Trade,
} from "./dvp-fixtures";

/** Gas figures are meaningless under solidity-coverage's instrumentation. */
const COVERAGE = (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true;

/** The next transaction is mined at `timestamp`. */
async function at(timestamp: bigint) {
  await time.setNextBlockTimestamp(timestamp);
}

/** An affirmed alice -> bob trade and the moment it may settle. */
async function withAffirmedTradeFixture() {
  const c = await loadFixture(dvpFixture);
  const trade = await makeTrade(c);
  const id = await affirmed(c, trade);
  return { ...c, trade, id };
}

/** An alice -> bob trade instructed by alice only. */
async function withInstructedTradeFixture() {
  const c = await loadFixture(dvpFixture);
  const trade = await makeTrade(c);
  await c.dvp.connect(c.accounts.alice).instruct(trade);
  return { ...c, trade, id: await idOf(c.dvp, trade) };
}

/** A test-only token whose transferFrom calls back into the settlement contract. */
async function deployCallbackToken(): Promise<CallbackTokenMock> {
  const factory = await ethers.getContractFactory("CallbackTokenMock");
  return (await factory.deploy()) as unknown as CallbackTokenMock;
}

/** Asserts that neither token moved for `wallets` since `before`. */
async function expectNothingMoved(
  c: DvpContext,
  wallets: { address: string }[],
  before: Awaited<ReturnType<typeof balances>>,
) {
  expect(await balances(c, wallets)).to.deep.equal(before);
}

describe("DvpSettlement", () => {
  describe("deployment", () => {
    it("makes the owner the default admin and names its constants", async () => {
      const { dvp, accounts } = await loadFixture(dvpFixture);
      expect(await dvp.owner()).to.equal(accounts.owner.address);
      expect(await dvp.SETTLEMENT_AGENT()).to.equal(SETTLEMENT_AGENT);
      expect(await dvp.hasRole(SETTLEMENT_AGENT, accounts.settlementAgent.address)).to.equal(true);
      expect(await dvp.MAX_BATCH_SIZE()).to.equal(200n);
      expect(await dvp.TRADE_TYPEHASH()).to.equal(
        keccak256(
          toUtf8Bytes(
            "Trade(address seller,address buyer,address bond,uint256 units,address cash,uint256 cashAmount,uint64 settleAfter,uint64 expiry,uint256 nonce)",
          ),
        ),
      );
    });

    it("publishes its EIP-712 domain", async () => {
      const { dvp } = await loadFixture(dvpFixture);
      const domain = await domainOf(dvp);
      const published = await dvp.eip712Domain();
      expect(published.name).to.equal(domain.name);
      expect(published.version).to.equal(domain.version);
      expect(published.chainId).to.equal(domain.chainId);
      expect(published.verifyingContract).to.equal(domain.verifyingContract);
    });
  });

  describe(".tradeId()", () => {
    it("is the EIP-712 digest of the trade, so the id is what the parties sign", async () => {
      const c = await loadFixture(dvpFixture);
      const trade = await makeTrade(c);
      expect(await c.dvp.tradeId(trade)).to.equal(await idOf(c.dvp, trade));
    });

    it("changes with every field", async () => {
      const c = await loadFixture(dvpFixture);
      const trade = await makeTrade(c);
      const id = await c.dvp.tradeId(trade);
      const variants: Partial<Trade>[] = [
        { seller: c.accounts.charlie.address },
        { buyer: c.accounts.charlie.address },
        { bond: c.accounts.dave.address },
        { units: trade.units + 1n },
        { cash: c.accounts.dave.address },
        { cashAmount: trade.cashAmount + 1n },
        { settleAfter: trade.settleAfter + 1n },
        { expiry: trade.expiry + 1n },
        { nonce: 1n },
      ];
      for (const variant of variants) {
        expect(await c.dvp.tradeId({ ...trade, ...variant })).to.not.equal(id);
      }
    });
  });

  describe(".instruct()", () => {
    describe("when the seller instructs", () => {
      it("records the trade as Instructed with the seller's side affirmed", async () => {
        const c = await loadFixture(dvpFixture);
        const trade = await makeTrade(c);
        const id = await idOf(c.dvp, trade);
        const tx = c.dvp.connect(c.accounts.alice).instruct(trade);
        await expect(tx)
          .to.emit(c.dvp, "TradeInstructed")
          .withArgs(id, trade.seller, trade.buyer, trade.seller, tuple(trade));
        await expect(tx).to.emit(c.dvp, "TradeAffirmed").withArgs(id, trade.seller);
        const state = await c.dvp.tradeState(id);
        expect(state.status).to.equal(STATUS.Instructed);
        expect(state.sellerAffirmed).to.equal(true);
        expect(state.buyerAffirmed).to.equal(false);
      });

      it("returns the id", async () => {
        const c = await loadFixture(dvpFixture);
        const trade = await makeTrade(c);
        expect(await c.dvp.connect(c.accounts.alice).instruct.staticCall(trade)).to.equal(await idOf(c.dvp, trade));
      });
    });

    describe("when the buyer instructs", () => {
      it("records the trade with the buyer's side affirmed", async () => {
        const c = await loadFixture(dvpFixture);
        const trade = await makeTrade(c);
        const id = await idOf(c.dvp, trade);
        await expect(c.dvp.connect(c.accounts.bob).instruct(trade))
          .to.emit(c.dvp, "TradeInstructed")
          .withArgs(id, trade.seller, trade.buyer, trade.buyer, tuple(trade));
        const state = await c.dvp.tradeState(id);
        expect(state.status).to.equal(STATUS.Instructed);
        expect(state.sellerAffirmed).to.equal(false);
        expect(state.buyerAffirmed).to.equal(true);
      });
    });

    describe("when the caller is neither party", () => {
      it("reverts with DvpCallerNotParty(id, caller)", async () => {
        const c = await loadFixture(dvpFixture);
        const trade = await makeTrade(c);
        await expect(c.dvp.connect(c.accounts.charlie).instruct(trade))
          .to.be.revertedWithCustomError(c.dvp, "DvpCallerNotParty")
          .withArgs(await idOf(c.dvp, trade), c.accounts.charlie.address);
        expect((await c.dvp.tradeState(await idOf(c.dvp, trade))).status).to.equal(STATUS.None);
      });
    });

    describe("when the terms break a rule", () => {
      it("reverts with DvpZeroUnits for zero bond units", async () => {
        const c = await loadFixture(dvpFixture);
        const trade = await makeTrade(c, { units: 0n });
        await expect(c.dvp.connect(c.accounts.alice).instruct(trade)).to.be.revertedWithCustomError(
          c.dvp,
          "DvpZeroUnits",
        );
      });

      it("reverts with DvpZeroCashAmount for zero cash", async () => {
        const c = await loadFixture(dvpFixture);
        const trade = await makeTrade(c, { cashAmount: 0n });
        await expect(c.dvp.connect(c.accounts.alice).instruct(trade)).to.be.revertedWithCustomError(
          c.dvp,
          "DvpZeroCashAmount",
        );
      });

      it("reverts with DvpSameParty(party) when seller and buyer are one wallet", async () => {
        const c = await loadFixture(dvpFixture);
        const trade = await makeTrade(c, { buyer: c.accounts.alice.address });
        await expect(c.dvp.connect(c.accounts.alice).instruct(trade))
          .to.be.revertedWithCustomError(c.dvp, "DvpSameParty")
          .withArgs(c.accounts.alice.address);
      });

      it("reverts with DvpSameAsset(token) when both legs name one token", async () => {
        const c = await loadFixture(dvpFixture);
        const trade = await makeTrade(c);
        await expect(c.dvp.connect(c.accounts.alice).instruct({ ...trade, cash: trade.bond }))
          .to.be.revertedWithCustomError(c.dvp, "DvpSameAsset")
          .withArgs(trade.bond);
      });

      it("reverts with DvpZeroAddress for a zero buyer, bond or cash", async () => {
        const c = await loadFixture(dvpFixture);
        const trade = await makeTrade(c);
        for (const field of ["buyer", "bond", "cash"] as const) {
          await expect(
            c.dvp.connect(c.accounts.alice).instruct({ ...trade, [field]: ZeroAddress }),
          ).to.be.revertedWithCustomError(c.dvp, "DvpZeroAddress");
        }
        await expect(
          c.dvp.connect(c.accounts.bob).instruct({ ...trade, seller: ZeroAddress }),
        ).to.be.revertedWithCustomError(c.dvp, "DvpZeroAddress");
      });

      it("reverts with DvpExpiryBeforeSettleAfter(settleAfter, expiry)", async () => {
        const c = await loadFixture(dvpFixture);
        const trade = await makeTrade(c);
        const bad = { ...trade, expiry: trade.settleAfter - 1n };
        await expect(c.dvp.connect(c.accounts.alice).instruct(bad))
          .to.be.revertedWithCustomError(c.dvp, "DvpExpiryBeforeSettleAfter")
          .withArgs(bad.settleAfter, bad.expiry);
      });

      it("accepts a window of one second (expiry == settleAfter)", async () => {
        const c = await loadFixture(dvpFixture);
        const trade = await makeTrade(c);
        await expect(c.dvp.connect(c.accounts.alice).instruct({ ...trade, expiry: trade.settleAfter })).to.emit(
          c.dvp,
          "TradeInstructed",
        );
      });

      it("reverts with DvpTradeExpired(id, expiry, now) when the expiry has passed", async () => {
        const c = await loadFixture(dvpFixture);
        const now = BigInt(await time.latest());
        const trade = await makeTrade(c, { settleAfter: now - DAY, expiry: now + 10n });
        await at(now + 11n);
        await expect(c.dvp.connect(c.accounts.alice).instruct(trade))
          .to.be.revertedWithCustomError(c.dvp, "DvpTradeExpired")
          .withArgs(await idOf(c.dvp, trade), trade.expiry, now + 11n);
      });
    });

    describe("when the id was already recorded", () => {
      it("reverts with DvpTradeAlreadyInstructed(id, Instructed) for a repeat", async () => {
        const { dvp, trade, id, accounts } = await loadFixture(withInstructedTradeFixture);
        await expect(dvp.connect(accounts.bob).instruct(trade))
          .to.be.revertedWithCustomError(dvp, "DvpTradeAlreadyInstructed")
          .withArgs(id, STATUS.Instructed);
      });

      it("reverts with DvpTradeAlreadyInstructed(id, Settled) once settled: an id is never reused", async () => {
        const { dvp, trade, id, accounts } = await loadFixture(withAffirmedTradeFixture);
        await at(trade.settleAfter);
        await dvp.settle(trade);
        await expect(dvp.connect(accounts.alice).instruct(trade))
          .to.be.revertedWithCustomError(dvp, "DvpTradeAlreadyInstructed")
          .withArgs(id, STATUS.Settled);
      });

      it("reverts with DvpTradeAlreadyInstructed(id, Cancelled) once cancelled; a new nonce is a new trade", async () => {
        const { dvp, trade, id, accounts } = await loadFixture(withInstructedTradeFixture);
        await dvp.connect(accounts.alice).cancel(trade);
        await expect(dvp.connect(accounts.alice).instruct(trade))
          .to.be.revertedWithCustomError(dvp, "DvpTradeAlreadyInstructed")
          .withArgs(id, STATUS.Cancelled);
        await expect(dvp.connect(accounts.alice).instruct({ ...trade, nonce: 1n })).to.emit(dvp, "TradeInstructed");
      });
    });
  });

  describe(".affirm()", () => {
    describe("when the counterparty affirms", () => {
      it("makes the trade Affirmed and emits TradeAffirmed", async () => {
        const { dvp, trade, id, accounts } = await loadFixture(withInstructedTradeFixture);
        await expect(dvp.connect(accounts.bob).affirm(trade))
          .to.emit(dvp, "TradeAffirmed")
          .withArgs(id, accounts.bob.address);
        const state = await dvp.tradeState(id);
        expect(state.status).to.equal(STATUS.Affirmed);
        expect(state.sellerAffirmed).to.equal(true);
        expect(state.buyerAffirmed).to.equal(true);
      });

      it("works the other way round (buyer instructs, seller affirms)", async () => {
        const c = await loadFixture(dvpFixture);
        const trade = await makeTrade(c);
        const id = await idOf(c.dvp, trade);
        await c.dvp.connect(c.accounts.bob).instruct(trade);
        await expect(c.dvp.connect(c.accounts.alice).affirm(trade))
          .to.emit(c.dvp, "TradeAffirmed")
          .withArgs(id, c.accounts.alice.address);
        expect((await c.dvp.tradeState(id)).status).to.equal(STATUS.Affirmed);
      });
    });

    describe("when the caller has already affirmed", () => {
      it("reverts with DvpAlreadyAffirmed(id, party) for the instructing side", async () => {
        const { dvp, trade, id, accounts } = await loadFixture(withInstructedTradeFixture);
        await expect(dvp.connect(accounts.alice).affirm(trade))
          .to.be.revertedWithCustomError(dvp, "DvpAlreadyAffirmed")
          .withArgs(id, accounts.alice.address);
      });

      it("reverts with DvpAlreadyAffirmed(id, party) on an affirmed trade", async () => {
        const { dvp, trade, id, accounts } = await loadFixture(withAffirmedTradeFixture);
        await expect(dvp.connect(accounts.bob).affirm(trade))
          .to.be.revertedWithCustomError(dvp, "DvpAlreadyAffirmed")
          .withArgs(id, accounts.bob.address);
      });
    });

    describe("when the caller is neither party", () => {
      it("reverts with DvpCallerNotParty(id, caller)", async () => {
        const { dvp, trade, id, accounts } = await loadFixture(withInstructedTradeFixture);
        await expect(dvp.connect(accounts.settlementAgent).affirm(trade))
          .to.be.revertedWithCustomError(dvp, "DvpCallerNotParty")
          .withArgs(id, accounts.settlementAgent.address);
      });
    });

    describe("when the terms differ from the instructed ones", () => {
      it("reverts with DvpTradeUnknown(id): the altered terms hash to an id never recorded", async () => {
        const { dvp, trade, accounts } = await loadFixture(withInstructedTradeFixture);
        const altered = { ...trade, cashAmount: trade.cashAmount - 1n };
        await expect(dvp.connect(accounts.bob).affirm(altered))
          .to.be.revertedWithCustomError(dvp, "DvpTradeUnknown")
          .withArgs(await idOf(dvp, altered));
      });
    });

    describe("when the expiry has passed", () => {
      it("reverts with DvpTradeExpired(id, expiry, now)", async () => {
        const { dvp, trade, id, accounts } = await loadFixture(withInstructedTradeFixture);
        await at(trade.expiry + 1n);
        await expect(dvp.connect(accounts.bob).affirm(trade))
          .to.be.revertedWithCustomError(dvp, "DvpTradeExpired")
          .withArgs(id, trade.expiry, trade.expiry + 1n);
      });
    });

    describe("when the trade was cancelled", () => {
      it("reverts with DvpTradeAlreadyCancelled(id)", async () => {
        const { dvp, trade, id, accounts } = await loadFixture(withInstructedTradeFixture);
        await dvp.connect(accounts.alice).cancel(trade);
        await expect(dvp.connect(accounts.bob).affirm(trade))
          .to.be.revertedWithCustomError(dvp, "DvpTradeAlreadyCancelled")
          .withArgs(id);
      });
    });
  });

  describe(".instructWithSignatures()", () => {
    async function signed(c: DvpContext, overrides: Partial<Trade> = {}) {
      const trade = await makeTrade(c, overrides);
      return {
        trade,
        id: await idOf(c.dvp, trade),
        sellerSig: await signTrade(c.accounts.alice, c.dvp, trade),
        buyerSig: await signTrade(c.accounts.bob, c.dvp, trade),
      };
    }

    describe("when the settlement agent brings both parties' signatures", () => {
      it("records the trade as Affirmed at once", async () => {
        const c = await loadFixture(dvpFixture);
        const { trade, id, sellerSig, buyerSig } = await signed(c);
        const tx = c.dvp.connect(c.accounts.settlementAgent).instructWithSignatures(trade, sellerSig, buyerSig);
        await expect(tx)
          .to.emit(c.dvp, "TradeInstructed")
          .withArgs(id, trade.seller, trade.buyer, c.accounts.settlementAgent.address, tuple(trade));
        await expect(tx).to.emit(c.dvp, "TradeAffirmed").withArgs(id, trade.seller);
        await expect(tx).to.emit(c.dvp, "TradeAffirmed").withArgs(id, trade.buyer);
        const state = await c.dvp.tradeState(id);
        expect(state.status).to.equal(STATUS.Affirmed);
        expect(state.sellerAffirmed && state.buyerAffirmed).to.equal(true);
      });

      it("then settles like any affirmed trade", async () => {
        const c = await loadFixture(dvpFixture);
        const { trade, id, sellerSig, buyerSig } = await signed(c);
        await c.dvp.connect(c.accounts.settlementAgent).instructWithSignatures(trade, sellerSig, buyerSig);
        await at(trade.settleAfter);
        await expect(c.dvp.settle(trade))
          .to.emit(c.dvp, "TradeSettled")
          .withArgs(id, trade.seller, trade.buyer, trade.bond, trade.units, trade.cash, trade.cashAmount);
      });

      it("accepts an ERC-1271 contract wallet's signature", async () => {
        const c = await loadFixture(dvpFixture);
        const factory = await ethers.getContractFactory("ERC1271WalletMock");
        const wallet = (await factory.deploy(c.accounts.charlie.address)) as unknown as ERC1271WalletMock;
        const trade = await makeTrade(c, { seller: await wallet.getAddress() });
        const id = await idOf(c.dvp, trade);
        const walletSig = await signTrade(c.accounts.charlie, c.dvp, trade);
        const buyerSig = await signTrade(c.accounts.bob, c.dvp, trade);
        await expect(c.dvp.connect(c.accounts.settlementAgent).instructWithSignatures(trade, walletSig, buyerSig))
          .to.emit(c.dvp, "TradeAffirmed")
          .withArgs(id, trade.seller);
        const wrongKey = await signTrade(c.accounts.alice, c.dvp, { ...trade, nonce: 0n });
        const other = { ...trade, nonce: 1n };
        await expect(
          c.dvp
            .connect(c.accounts.settlementAgent)
            .instructWithSignatures(other, wrongKey, await signTrade(c.accounts.bob, c.dvp, other)),
        )
          .to.be.revertedWithCustomError(c.dvp, "DvpInvalidSignature")
          .withArgs(await idOf(c.dvp, other), trade.seller);
      });
    });

    describe("when the caller is not a settlement agent", () => {
      it("reverts with AccessControlUnauthorizedAccount(caller, SETTLEMENT_AGENT), even for a party", async () => {
        const c = await loadFixture(dvpFixture);
        const { trade, sellerSig, buyerSig } = await signed(c);
        await expect(c.dvp.connect(c.accounts.alice).instructWithSignatures(trade, sellerSig, buyerSig))
          .to.be.revertedWithCustomError(c.dvp, "AccessControlUnauthorizedAccount")
          .withArgs(c.accounts.alice.address, SETTLEMENT_AGENT);
      });
    });

    describe("when a signature is bad", () => {
      it("reverts with DvpInvalidSignature(id, seller) for a seller signature by another key", async () => {
        const c = await loadFixture(dvpFixture);
        const { trade, id, buyerSig } = await signed(c);
        const forged = await signTrade(c.accounts.charlie, c.dvp, trade);
        await expect(c.dvp.connect(c.accounts.settlementAgent).instructWithSignatures(trade, forged, buyerSig))
          .to.be.revertedWithCustomError(c.dvp, "DvpInvalidSignature")
          .withArgs(id, trade.seller);
      });

      it("reverts with DvpInvalidSignature(id, buyer) for a buyer signature over other terms", async () => {
        const c = await loadFixture(dvpFixture);
        const { trade, id, sellerSig } = await signed(c);
        const otherTerms = await signTrade(c.accounts.bob, c.dvp, { ...trade, cashAmount: 1n });
        await expect(c.dvp.connect(c.accounts.settlementAgent).instructWithSignatures(trade, sellerSig, otherTerms))
          .to.be.revertedWithCustomError(c.dvp, "DvpInvalidSignature")
          .withArgs(id, trade.buyer);
      });

      it("reverts with DvpInvalidSignature(id, seller) for swapped or malformed signatures", async () => {
        const c = await loadFixture(dvpFixture);
        const { trade, id, sellerSig, buyerSig } = await signed(c);
        await expect(c.dvp.connect(c.accounts.settlementAgent).instructWithSignatures(trade, buyerSig, sellerSig))
          .to.be.revertedWithCustomError(c.dvp, "DvpInvalidSignature")
          .withArgs(id, trade.seller);
        await expect(c.dvp.connect(c.accounts.settlementAgent).instructWithSignatures(trade, "0x1234", buyerSig))
          .to.be.revertedWithCustomError(c.dvp, "DvpInvalidSignature")
          .withArgs(id, trade.seller);
        expect((await c.dvp.tradeState(id)).status).to.equal(STATUS.None);
      });

      it("rejects a signature made for another settlement contract (the domain binds the address)", async () => {
        const c = await loadFixture(dvpFixture);
        const factory = await ethers.getContractFactory("DvpSettlement");
        const otherDvp = await factory.deploy(c.accounts.owner.address);
        const trade = await makeTrade(c);
        const sellerSig = await signTrade(c.accounts.alice, otherDvp as never, trade);
        const buyerSig = await signTrade(c.accounts.bob, c.dvp, trade);
        await expect(c.dvp.connect(c.accounts.settlementAgent).instructWithSignatures(trade, sellerSig, buyerSig))
          .to.be.revertedWithCustomError(c.dvp, "DvpInvalidSignature")
          .withArgs(await idOf(c.dvp, trade), trade.seller);
      });
    });

    describe("when the signatures are replayed", () => {
      it("reverts with DvpTradeAlreadyInstructed(id, status)", async () => {
        const c = await loadFixture(dvpFixture);
        const { trade, id, sellerSig, buyerSig } = await signed(c);
        const agent = c.dvp.connect(c.accounts.settlementAgent);
        await agent.instructWithSignatures(trade, sellerSig, buyerSig);
        await expect(agent.instructWithSignatures(trade, sellerSig, buyerSig))
          .to.be.revertedWithCustomError(c.dvp, "DvpTradeAlreadyInstructed")
          .withArgs(id, STATUS.Affirmed);
        await at(trade.settleAfter);
        await c.dvp.settle(trade);
        await expect(agent.instructWithSignatures(trade, sellerSig, buyerSig))
          .to.be.revertedWithCustomError(c.dvp, "DvpTradeAlreadyInstructed")
          .withArgs(id, STATUS.Settled);
      });
    });

    describe("when the terms break a rule", () => {
      it("reverts with the rule's error before looking at signatures", async () => {
        const c = await loadFixture(dvpFixture);
        const { trade, sellerSig, buyerSig } = await signed(c, { units: 0n });
        await expect(
          c.dvp.connect(c.accounts.settlementAgent).instructWithSignatures(trade, sellerSig, buyerSig),
        ).to.be.revertedWithCustomError(c.dvp, "DvpZeroUnits");
      });
    });
  });

  describe(".settle()", () => {
    describe("when the trade is affirmed and within its window", () => {
      it("moves bond units seller -> buyer and cash buyer -> seller, and emits TradeSettled", async () => {
        const { dvp, bond, cash, trade, id, accounts } = await loadFixture(withAffirmedTradeFixture);
        const { alice, bob, outsider } = accounts;
        await at(trade.settleAfter);
        const tx = dvp.connect(outsider).settle(trade);
        await expect(tx).to.changeTokenBalances(bond, [alice, bob], [-trade.units, trade.units]);
        await expect(tx).to.changeTokenBalances(cash, [alice, bob], [trade.cashAmount, -trade.cashAmount]);
        await expect(tx)
          .to.emit(dvp, "TradeSettled")
          .withArgs(id, alice.address, bob.address, trade.bond, trade.units, trade.cash, trade.cashAmount);
        await expect(tx).to.emit(bond, "Transfer").withArgs(alice.address, bob.address, trade.units);
        await expect(tx).to.emit(cash, "Transfer").withArgs(bob.address, alice.address, trade.cashAmount);
        expect((await dvp.tradeState(id)).status).to.equal(STATUS.Settled);
      });

      it("settles at any hour: 03:00 JST on a Sunday of the New Year bank holidays", async () => {
        const c = await loadFixture(dvpFixture);
        // 2030-01-06 (Sunday) 03:00 JST = 2030-01-05 18:00 UTC
        const sunday = BigInt(Date.UTC(2030, 0, 5, 18, 0, 0) / 1000);
        const trade = await makeTrade(c, { settleAfter: sunday, expiry: sunday + 3600n });
        const id = await affirmed(c, trade);
        await at(sunday);
        await expect(c.dvp.settle(trade))
          .to.emit(c.dvp, "TradeSettled")
          .withArgs(id, trade.seller, trade.buyer, trade.bond, trade.units, trade.cash, trade.cashAmount);
      });

      it("settles at the expiry second itself", async () => {
        const { dvp, trade, id } = await loadFixture(withAffirmedTradeFixture);
        await at(trade.expiry);
        await dvp.settle(trade);
        expect((await dvp.tradeState(id)).status).to.equal(STATUS.Settled);
      });

      it("uses no allowance under an unlimited approval, and spends a finite one", async () => {
        const { dvp, cash, bond, trade, accounts } = await loadFixture(withAffirmedTradeFixture);
        await cash.connect(accounts.bob).approve(dvp, trade.cashAmount + 5n);
        await at(trade.settleAfter);
        await dvp.settle(trade);
        expect(await bond.allowance(accounts.alice.address, dvp)).to.equal(ethers.MaxUint256);
        expect(await cash.allowance(accounts.bob.address, dvp)).to.equal(5n);
      });

      if (!COVERAGE) {
        it("costs at most 150,000 gas, both legs under every holder rule (recipients KYC-verified)", async () => {
          const { dvp, trade } = await loadFixture(withAffirmedTradeFixture);
          await at(trade.settleAfter);
          const receipt = await (await dvp.settle(trade)).wait();
          expect(receipt!.gasUsed).to.be.lessThanOrEqual(150_000n);
        });
      }
    });

    describe("when called before settleAfter", () => {
      it("reverts with DvpSettlementTooEarly(id, settleAfter, now)", async () => {
        const { dvp, trade, id } = await loadFixture(withAffirmedTradeFixture);
        await at(trade.settleAfter - 1n);
        await expect(dvp.settle(trade))
          .to.be.revertedWithCustomError(dvp, "DvpSettlementTooEarly")
          .withArgs(id, trade.settleAfter, trade.settleAfter - 1n);
      });
    });

    describe("when called after the expiry", () => {
      it("reverts with DvpTradeExpired(id, expiry, now)", async () => {
        const { dvp, trade, id } = await loadFixture(withAffirmedTradeFixture);
        await at(trade.expiry + 1n);
        await expect(dvp.settle(trade))
          .to.be.revertedWithCustomError(dvp, "DvpTradeExpired")
          .withArgs(id, trade.expiry, trade.expiry + 1n);
        expect((await dvp.tradeState(id)).status).to.equal(STATUS.Affirmed);
      });
    });

    describe("when the trade is not settleable", () => {
      it("reverts with DvpTradeNotAffirmed(id) while only one side affirmed", async () => {
        const { dvp, trade, id } = await loadFixture(withInstructedTradeFixture);
        await at(trade.settleAfter);
        await expect(dvp.settle(trade)).to.be.revertedWithCustomError(dvp, "DvpTradeNotAffirmed").withArgs(id);
      });

      it("reverts with DvpTradeUnknown(id) for terms never recorded", async () => {
        const c = await loadFixture(dvpFixture);
        const trade = await makeTrade(c);
        await expect(c.dvp.settle(trade))
          .to.be.revertedWithCustomError(c.dvp, "DvpTradeUnknown")
          .withArgs(await idOf(c.dvp, trade));
      });

      it("reverts with DvpTradeAlreadySettled(id) the second time", async () => {
        const { dvp, trade, id } = await loadFixture(withAffirmedTradeFixture);
        await at(trade.settleAfter);
        await dvp.settle(trade);
        await expect(dvp.settle(trade)).to.be.revertedWithCustomError(dvp, "DvpTradeAlreadySettled").withArgs(id);
      });

      it("reverts with DvpTradeAlreadyCancelled(id) after a cancellation", async () => {
        const { dvp, trade, id, accounts } = await loadFixture(withAffirmedTradeFixture);
        await dvp.connect(accounts.settlementAgent).cancelByAgent(trade, "wrong price");
        await at(trade.settleAfter);
        await expect(dvp.settle(trade)).to.be.revertedWithCustomError(dvp, "DvpTradeAlreadyCancelled").withArgs(id);
      });

      it("reverts with DvpTradeAlreadyExpired(id) once marked expired", async () => {
        const { dvp, trade, id } = await loadFixture(withAffirmedTradeFixture);
        await at(trade.expiry + 1n);
        await dvp.markExpired(trade);
        await expect(dvp.settle(trade)).to.be.revertedWithCustomError(dvp, "DvpTradeAlreadyExpired").withArgs(id);
      });
    });

    describe("atomicity: when one leg is refused, nothing moves", () => {
      it("cash leg refused by compliance (bond leg fine): TokenTransferNotCompliant, no bond moves", async () => {
        const c = await loadFixture(dvpFixture);
        const { charlie, alice, owner } = c.accounts;
        const module = c.suite.modules.countryAllow;
        await c.cashCompliance.connect(owner).addModule(module);
        await c.cashCompliance
          .connect(owner)
          .callModuleFunction(module.interface.encodeFunctionData("listCountries", [[COUNTRY.JP]]), module);
        // charlie (US) sells bonds to alice (JP): the bond reaches alice, but the cash may not reach charlie.
        const trade = await makeTrade(c, { seller: charlie.address, buyer: alice.address });
        const id = await affirmed(c, trade);
        const before = await balances(c, [alice, charlie]);
        await at(trade.settleAfter);
        await expect(c.dvp.settle(trade))
          .to.be.revertedWithCustomError(c.cash, "TokenTransferNotCompliant")
          .withArgs(alice.address, charlie.address, trade.cashAmount, await module.getAddress());
        await expectNothingMoved(c, [alice, charlie], before);
        expect((await c.dvp.tradeState(id)).status).to.equal(STATUS.Affirmed);
      });

      it("buyer short of free cash: TokenInsufficientFreeBalance(buyer, free, needed), no bond moves", async () => {
        const c = await loadFixture(withAffirmedTradeFixture);
        const { alice, bob, agent } = c.accounts;
        const free = c.trade.cashAmount - 1n;
        await c.cash.connect(agent).freezePartialTokens(bob.address, START_CASH - free);
        const before = await balances(c, [alice, bob]);
        await at(c.trade.settleAfter);
        await expect(c.dvp.settle(c.trade))
          .to.be.revertedWithCustomError(c.cash, "TokenInsufficientFreeBalance")
          .withArgs(bob.address, free, c.trade.cashAmount);
        await expectNothingMoved(c, [alice, bob], before);
      });

      it("buyer no longer verified (bond leg refused, cash leg fine): TokenRecipientNotVerified, no cash moves", async () => {
        const c = await loadFixture(withAffirmedTradeFixture);
        const { alice, bob, registrar } = c.accounts;
        await c.suite.identityRegistry.connect(registrar).deleteIdentity(bob.address);
        const before = await balances(c, [alice, bob]);
        await at(c.trade.settleAfter);
        await expect(c.dvp.settle(c.trade))
          .to.be.revertedWithCustomError(c.bond, "TokenRecipientNotVerified")
          .withArgs(bob.address);
        await expectNothingMoved(c, [alice, bob], before);
        expect((await c.dvp.tradeState(c.id)).status).to.equal(STATUS.Affirmed);
      });

      it("seller's wallet frozen on the bond: TokenWalletFrozen(seller)", async () => {
        const c = await loadFixture(withAffirmedTradeFixture);
        const { alice, bob, agent } = c.accounts;
        await c.bond.connect(agent).setAddressFrozen(alice.address, true);
        const before = await balances(c, [alice, bob]);
        await at(c.trade.settleAfter);
        await expect(c.dvp.settle(c.trade))
          .to.be.revertedWithCustomError(c.bond, "TokenWalletFrozen")
          .withArgs(alice.address);
        await expectNothingMoved(c, [alice, bob], before);
      });

      it("buyer's wallet frozen on the cash (after the bond leg passed): TokenWalletFrozen(buyer)", async () => {
        const c = await loadFixture(withAffirmedTradeFixture);
        const { alice, bob, agent } = c.accounts;
        await c.cash.connect(agent).setAddressFrozen(bob.address, true);
        const before = await balances(c, [alice, bob]);
        await at(c.trade.settleAfter);
        await expect(c.dvp.settle(c.trade))
          .to.be.revertedWithCustomError(c.cash, "TokenWalletFrozen")
          .withArgs(bob.address);
        await expectNothingMoved(c, [alice, bob], before);
      });

      it("cash token paused: TokenPaused; the trade settles once unpaused", async () => {
        const c = await loadFixture(withAffirmedTradeFixture);
        const { alice, bob, agent } = c.accounts;
        await c.cash.connect(agent).pause();
        const before = await balances(c, [alice, bob]);
        await at(c.trade.settleAfter);
        await expect(c.dvp.settle(c.trade)).to.be.revertedWithCustomError(c.cash, "TokenPaused");
        await expectNothingMoved(c, [alice, bob], before);
        await c.cash.connect(agent).unpause();
        await expect(c.dvp.settle(c.trade)).to.changeTokenBalances(
          c.bond,
          [alice, bob],
          [-c.trade.units, c.trade.units],
        );
      });

      it("bond token paused: TokenPaused", async () => {
        const c = await loadFixture(withAffirmedTradeFixture);
        const { alice, bob, agent } = c.accounts;
        await c.bond.connect(agent).pause();
        const before = await balances(c, [alice, bob]);
        await at(c.trade.settleAfter);
        await expect(c.dvp.settle(c.trade)).to.be.revertedWithCustomError(c.bond, "TokenPaused");
        await expectNothingMoved(c, [alice, bob], before);
      });

      it("buyer withdrew the cash approval: ERC20InsufficientAllowance(dvp, 0, cashAmount)", async () => {
        const c = await loadFixture(withAffirmedTradeFixture);
        const { alice, bob } = c.accounts;
        await c.cash.connect(bob).approve(c.dvp, 0n);
        const before = await balances(c, [alice, bob]);
        await at(c.trade.settleAfter);
        await expect(c.dvp.settle(c.trade))
          .to.be.revertedWithCustomError(c.cash, "ERC20InsufficientAllowance")
          .withArgs(await c.dvp.getAddress(), 0n, c.trade.cashAmount);
        await expectNothingMoved(c, [alice, bob], before);
      });
    });

    describe("reentrancy", () => {
      it("writes Settled before calling either token", async () => {
        const c = await loadFixture(dvpFixture);
        const token = await deployCallbackToken();
        const trade = await makeTrade(c, { bond: await token.getAddress() });
        const id = await affirmed(c, trade);
        await token.setCallback(c.dvp, c.dvp.interface.encodeFunctionData("tradeState", [id]));
        await at(trade.settleAfter);
        await c.dvp.settle(trade);
        const [seen] = c.dvp.interface.decodeFunctionResult("tradeState", await token.lastReturnData());
        expect(seen.status).to.equal(STATUS.Settled);
      });

      it("refuses a token calling settle or settleBatch back: ReentrancyGuardReentrantCall", async () => {
        const c = await loadFixture(dvpFixture);
        const token = await deployCallbackToken();
        const other = await makeTrade(c, { nonce: 7n });
        await affirmed(c, other);
        const trade = await makeTrade(c, { bond: await token.getAddress() });
        await affirmed(c, trade);
        await at(trade.settleAfter);
        for (const data of [
          c.dvp.interface.encodeFunctionData("settle", [other]),
          c.dvp.interface.encodeFunctionData("settleBatch", [[other]]),
        ]) {
          await token.setCallback(c.dvp, data);
          await expect(c.dvp.settle(trade)).to.be.revertedWithCustomError(c.dvp, "ReentrancyGuardReentrantCall");
          const [settled] = await c.dvp.settleBatch.staticCall([trade]);
          expect(settled).to.equal(false);
        }
        expect((await c.dvp.tradeState(await idOf(c.dvp, other))).status).to.equal(STATUS.Affirmed);
      });
    });
  });

  describe(".settleBatch()", () => {
    /** Four trades: two good ones, one whose buyer is short of cash, one never recorded. */
    async function mixedBatchFixture() {
      const c = await loadFixture(dvpFixture);
      const { alice, charlie } = c.accounts;
      const good1 = await makeTrade(c, { nonce: 1n });
      const short = await makeTrade(c, {
        seller: alice.address,
        buyer: charlie.address,
        cashAmount: START_CASH + 1n,
        nonce: 2n,
      });
      const unknown = await makeTrade(c, { nonce: 3n });
      const good2 = await makeTrade(c, {
        seller: charlie.address,
        buyer: alice.address,
        units: 100_000n,
        cashAmount: 99_000n,
        nonce: 4n,
      });
      for (const t of [good1, short, good2]) await affirmed(c, t);
      await time.increaseTo(good1.settleAfter);
      return { ...c, trades: [good1, short, unknown, good2] };
    }

    describe("with mixed outcomes", () => {
      it("settles the good trades, reports each failure with its revert data, and the rest goes on", async () => {
        const c = await loadFixture(mixedBatchFixture);
        const [good1, short, , good2] = c.trades;
        const { alice, bob, charlie } = c.accounts;
        const ids = await Promise.all(c.trades.map((t) => idOf(c.dvp, t)));
        const before = await balances(c, [alice, bob, charlie]);
        const tx = c.dvp.settleBatch(c.trades);
        await expect(tx)
          .to.emit(c.dvp, "TradeSettled")
          .withArgs(ids[0], good1.seller, good1.buyer, good1.bond, good1.units, good1.cash, good1.cashAmount);
        await expect(tx)
          .to.emit(c.dvp, "TradeSettled")
          .withArgs(ids[3], good2.seller, good2.buyer, good2.bond, good2.units, good2.cash, good2.cashAmount);
        await expect(tx)
          .to.emit(c.dvp, "TradeSettlementFailed")
          .withArgs(
            ids[1],
            c.cash.interface.encodeErrorResult("TokenInsufficientFreeBalance", [
              charlie.address,
              START_CASH,
              short.cashAmount,
            ]),
          );
        await expect(tx)
          .to.emit(c.dvp, "TradeSettlementFailed")
          .withArgs(ids[2], c.dvp.interface.encodeErrorResult("DvpTradeUnknown", [ids[2]]));
        const after = await balances(c, [alice, bob, charlie]);
        // alice: sells good1, buys good2; bob: buys good1; charlie: sells good2 (and nothing of `short`).
        expect(after.bond).to.deep.equal([
          before.bond[0] - good1.units + good2.units,
          before.bond[1] + good1.units,
          before.bond[2] - good2.units,
        ]);
        expect(after.cash).to.deep.equal([
          before.cash[0] + good1.cashAmount - good2.cashAmount,
          before.cash[1] - good1.cashAmount,
          before.cash[2] + good2.cashAmount,
        ]);
        expect((await c.dvp.tradeState(ids[1])).status).to.equal(STATUS.Affirmed);
        expect((await c.dvp.tradeState(ids[2])).status).to.equal(STATUS.None);
      });

      it("returns each trade's outcome", async () => {
        const c = await loadFixture(mixedBatchFixture);
        expect(await c.dvp.settleBatch.staticCall(c.trades)).to.deep.equal([true, false, false, true]);
      });

      it("rolls back a failed trade's own writes: its bond leg and status", async () => {
        const c = await loadFixture(mixedBatchFixture);
        const [, short] = c.trades;
        const { alice, charlie } = c.accounts;
        const before = await balances(c, [alice, charlie]);
        await c.dvp.settleBatch([short]);
        await expectNothingMoved(c, [alice, charlie], before);
        expect((await c.dvp.tradeState(await idOf(c.dvp, short))).status).to.equal(STATUS.Affirmed);
      });

      it("settles a trade listed twice once, and reports the second as DvpTradeAlreadySettled", async () => {
        const c = await loadFixture(mixedBatchFixture);
        const [good1] = c.trades;
        const id = await idOf(c.dvp, good1);
        const tx = c.dvp.settleBatch([good1, good1]);
        await expect(tx).to.changeTokenBalances(
          c.bond,
          [c.accounts.alice, c.accounts.bob],
          [-good1.units, good1.units],
        );
        await expect(tx)
          .to.emit(c.dvp, "TradeSettlementFailed")
          .withArgs(id, c.dvp.interface.encodeErrorResult("DvpTradeAlreadySettled", [id]));
      });
    });

    describe("with an empty list", () => {
      it("does nothing and returns an empty list", async () => {
        const c = await loadFixture(dvpFixture);
        expect(await c.dvp.settleBatch.staticCall([])).to.deep.equal([]);
        await expect(c.dvp.settleBatch([])).to.not.emit(c.dvp, "TradeSettled");
      });
    });

    describe("with more trades than the cap", () => {
      it("reverts with DvpBatchTooLarge(size, 200)", async () => {
        const c = await loadFixture(dvpFixture);
        const trade = await makeTrade(c);
        const trades = Array.from({ length: 201 }, (_, i) => ({ ...trade, nonce: BigInt(i) }));
        await expect(c.dvp.settleBatch(trades))
          .to.be.revertedWithCustomError(c.dvp, "DvpBatchTooLarge")
          .withArgs(201n, 200n);
      });
    });

    describe(".settleInBatch() called from outside", () => {
      it("reverts with DvpCallerNotSelf(caller)", async () => {
        const { dvp, trade, id, accounts } = await loadFixture(withAffirmedTradeFixture);
        await at(trade.settleAfter);
        await expect(dvp.connect(accounts.alice).settleInBatch(trade, id))
          .to.be.revertedWithCustomError(dvp, "DvpCallerNotSelf")
          .withArgs(accounts.alice.address);
      });
    });
  });

  describe(".cancel()", () => {
    describe("while only one side has affirmed", () => {
      it("lets the instructing party withdraw alone", async () => {
        const { dvp, trade, id, accounts } = await loadFixture(withInstructedTradeFixture);
        await expect(dvp.connect(accounts.alice).cancel(trade))
          .to.emit(dvp, "TradeCancelled")
          .withArgs(id, accounts.alice.address, "");
        expect((await dvp.tradeState(id)).status).to.equal(STATUS.Cancelled);
      });

      it("lets the counterparty decline alone", async () => {
        const { dvp, trade, id, accounts } = await loadFixture(withInstructedTradeFixture);
        await expect(dvp.connect(accounts.bob).cancel(trade))
          .to.emit(dvp, "TradeCancelled")
          .withArgs(id, accounts.bob.address, "");
        expect((await dvp.tradeState(id)).status).to.equal(STATUS.Cancelled);
      });
    });

    describe("once affirmed", () => {
      it("records one party's request without cancelling; the trade still settles", async () => {
        const { dvp, bond, trade, id, accounts } = await loadFixture(withAffirmedTradeFixture);
        const tx = dvp.connect(accounts.alice).cancel(trade);
        await expect(tx).to.emit(dvp, "TradeCancellationRequested").withArgs(id, accounts.alice.address);
        await expect(tx).to.not.emit(dvp, "TradeCancelled");
        const state = await dvp.tradeState(id);
        expect(state.status).to.equal(STATUS.Affirmed);
        expect(state.sellerCancelRequested).to.equal(true);
        expect(state.buyerCancelRequested).to.equal(false);
        await at(trade.settleAfter);
        await expect(dvp.settle(trade)).to.changeTokenBalances(
          bond,
          [accounts.alice, accounts.bob],
          [-trade.units, trade.units],
        );
      });

      it("cancels when both parties have asked", async () => {
        const { dvp, trade, id, accounts } = await loadFixture(withAffirmedTradeFixture);
        await dvp.connect(accounts.bob).cancel(trade);
        const tx = dvp.connect(accounts.alice).cancel(trade);
        await expect(tx).to.emit(dvp, "TradeCancellationRequested").withArgs(id, accounts.alice.address);
        await expect(tx).to.emit(dvp, "TradeCancelled").withArgs(id, accounts.alice.address, "");
        expect((await dvp.tradeState(id)).status).to.equal(STATUS.Cancelled);
      });

      it("reverts with DvpCancellationAlreadyRequested(id, party) when a party asks twice", async () => {
        const { dvp, trade, id, accounts } = await loadFixture(withAffirmedTradeFixture);
        await dvp.connect(accounts.bob).cancel(trade);
        await expect(dvp.connect(accounts.bob).cancel(trade))
          .to.be.revertedWithCustomError(dvp, "DvpCancellationAlreadyRequested")
          .withArgs(id, accounts.bob.address);
      });
    });

    describe("when the caller is neither party", () => {
      it("reverts with DvpCallerNotParty(id, caller)", async () => {
        const { dvp, trade, id, accounts } = await loadFixture(withInstructedTradeFixture);
        await expect(dvp.connect(accounts.settlementAgent).cancel(trade))
          .to.be.revertedWithCustomError(dvp, "DvpCallerNotParty")
          .withArgs(id, accounts.settlementAgent.address);
      });
    });

    describe("when the trade is not open", () => {
      it("reverts with DvpTradeUnknown(id), DvpTradeAlreadySettled(id), DvpTradeAlreadyCancelled(id)", async () => {
        const { dvp, trade, id, accounts } = await loadFixture(withAffirmedTradeFixture);
        const unknown = { ...trade, nonce: 99n };
        await expect(dvp.connect(accounts.alice).cancel(unknown))
          .to.be.revertedWithCustomError(dvp, "DvpTradeUnknown")
          .withArgs(await idOf(dvp, unknown));
        await at(trade.settleAfter);
        await dvp.settle(trade);
        await expect(dvp.connect(accounts.alice).cancel(trade))
          .to.be.revertedWithCustomError(dvp, "DvpTradeAlreadySettled")
          .withArgs(id);
        const other = { ...trade, nonce: 5n, settleAfter: trade.expiry, expiry: trade.expiry + DAY };
        await dvp.connect(accounts.alice).instruct(other);
        await dvp.connect(accounts.alice).cancel(other);
        await expect(dvp.connect(accounts.bob).cancel(other))
          .to.be.revertedWithCustomError(dvp, "DvpTradeAlreadyCancelled")
          .withArgs(await idOf(dvp, other));
      });
    });
  });

  describe(".cancelByAgent()", () => {
    it("cancels an affirmed trade with a reason", async () => {
      const { dvp, trade, id, accounts } = await loadFixture(withAffirmedTradeFixture);
      await expect(dvp.connect(accounts.settlementAgent).cancelByAgent(trade, "court order 2030-123"))
        .to.emit(dvp, "TradeCancelled")
        .withArgs(id, accounts.settlementAgent.address, "court order 2030-123");
      expect((await dvp.tradeState(id)).status).to.equal(STATUS.Cancelled);
    });

    it("cancels an instructed trade", async () => {
      const { dvp, trade, id, accounts } = await loadFixture(withInstructedTradeFixture);
      await dvp.connect(accounts.settlementAgent).cancelByAgent(trade, "duplicate instruction");
      expect((await dvp.tradeState(id)).status).to.equal(STATUS.Cancelled);
    });

    it("reverts with AccessControlUnauthorizedAccount(caller, SETTLEMENT_AGENT) for a party", async () => {
      const { dvp, trade, accounts } = await loadFixture(withAffirmedTradeFixture);
      await expect(dvp.connect(accounts.alice).cancelByAgent(trade, "changed my mind"))
        .to.be.revertedWithCustomError(dvp, "AccessControlUnauthorizedAccount")
        .withArgs(accounts.alice.address, SETTLEMENT_AGENT);
    });

    it("reverts with DvpCancellationReasonEmpty(id) without a reason", async () => {
      const { dvp, trade, id, accounts } = await loadFixture(withAffirmedTradeFixture);
      await expect(dvp.connect(accounts.settlementAgent).cancelByAgent(trade, ""))
        .to.be.revertedWithCustomError(dvp, "DvpCancellationReasonEmpty")
        .withArgs(id);
    });

    it("reverts with DvpTradeAlreadySettled(id) after settlement", async () => {
      const { dvp, trade, id, accounts } = await loadFixture(withAffirmedTradeFixture);
      await at(trade.settleAfter);
      await dvp.settle(trade);
      await expect(dvp.connect(accounts.settlementAgent).cancelByAgent(trade, "too late"))
        .to.be.revertedWithCustomError(dvp, "DvpTradeAlreadySettled")
        .withArgs(id);
    });

    it("keeps the role with the admin: granted and revoked by the owner only", async () => {
      const { dvp, accounts } = await loadFixture(dvpFixture);
      await expect(dvp.connect(accounts.settlementAgent).grantRole(SETTLEMENT_AGENT, accounts.outsider.address))
        .to.be.revertedWithCustomError(dvp, "AccessControlUnauthorizedAccount")
        .withArgs(accounts.settlementAgent.address, ROLES.DEFAULT_ADMIN);
    });
  });

  describe(".markExpired()", () => {
    it("lets anyone record an unsettled trade past its expiry as Expired", async () => {
      const { dvp, trade, id, accounts } = await loadFixture(withAffirmedTradeFixture);
      await at(trade.expiry + 1n);
      await expect(dvp.connect(accounts.outsider).markExpired(trade))
        .to.emit(dvp, "TradeExpired")
        .withArgs(id, accounts.outsider.address);
      expect((await dvp.tradeState(id)).status).to.equal(STATUS.Expired);
    });

    it("works on an instructed trade too", async () => {
      const { dvp, trade, id } = await loadFixture(withInstructedTradeFixture);
      await at(trade.expiry + 1n);
      await dvp.markExpired(trade);
      expect((await dvp.tradeState(id)).status).to.equal(STATUS.Expired);
    });

    it("reverts with DvpTradeNotExpired(id, expiry, now) up to the expiry second", async () => {
      const { dvp, trade, id } = await loadFixture(withAffirmedTradeFixture);
      await at(trade.expiry);
      await expect(dvp.markExpired(trade))
        .to.be.revertedWithCustomError(dvp, "DvpTradeNotExpired")
        .withArgs(id, trade.expiry, trade.expiry);
    });

    it("reverts with DvpTradeAlreadyExpired(id) the second time and DvpTradeAlreadySettled(id) once settled", async () => {
      const c = await loadFixture(withAffirmedTradeFixture);
      await at(c.trade.expiry + 1n);
      await c.dvp.markExpired(c.trade);
      await expect(c.dvp.markExpired(c.trade))
        .to.be.revertedWithCustomError(c.dvp, "DvpTradeAlreadyExpired")
        .withArgs(c.id);
      const settled = await makeTrade(c, { nonce: 1n });
      const settledId = await affirmed(c, settled);
      await at(settled.settleAfter);
      await c.dvp.settle(settled);
      await at(settled.expiry + 1n);
      await expect(c.dvp.markExpired(settled))
        .to.be.revertedWithCustomError(c.dvp, "DvpTradeAlreadySettled")
        .withArgs(settledId);
    });
  });

  describe("conservation", () => {
    it("never changes either token's supply", async () => {
      const c = await loadFixture(withAffirmedTradeFixture);
      await at(c.trade.settleAfter);
      await c.dvp.settle(c.trade);
      expect(await c.bond.totalSupply()).to.equal(3n * START_BOND);
      expect(await c.cash.totalSupply()).to.equal(3n * START_CASH);
      expect(await c.bond.balanceOf(c.dvp)).to.equal(0n);
      expect(await c.cash.balanceOf(c.dvp)).to.equal(0n);
    });
  });
});

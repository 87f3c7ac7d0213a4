import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ALL_HOOKS, JGB_UNIT, configureModule, withMaxHoldersModuleFixture } from "../../helpers/compliance-fixtures";
import { shouldBehaveLikeModule } from "./module.behavior";

const ZERO = ethers.ZeroAddress;

/**
 * The MaxHolders fixture (two seats) with both seats taken: alice's identity holds ¥200,000 on alice
 * and ¥100,000 on dave, bob holds ¥200,000. Charlie holds nothing.
 */
async function seatsFull() {
  const context = await loadFixture(withMaxHoldersModuleFixture);
  const { token, accounts } = context;
  await token.connect(accounts.agent).mint(accounts.alice.address, 4n * JGB_UNIT);
  await token.connect(accounts.agent).mint(accounts.dave.address, 2n * JGB_UNIT);
  await token.connect(accounts.agent).mint(accounts.bob.address, 4n * JGB_UNIT);
  return { ...context, complianceAddress: await context.compliance.getAddress() };
}

describe("MaxHoldersModule", function () {
  shouldBehaveLikeModule({
    fixture: withMaxHoldersModuleFixture,
    name: "MaxHoldersModule",
    hooks: ALL_HOOKS,
    plugAndPlay: false,
    configuration: ["setMaxHolders", [500n]],
  });

  describe(".setMaxHolders()", function () {
    describe("when called through the compliance", function () {
      it("sets the cap of that compliance and emits MaxHoldersSet(compliance, cap)", async function () {
        const { compliance, module, accounts } = await loadFixture(withMaxHoldersModuleFixture);
        const complianceAddress = await compliance.getAddress();
        await expect(configureModule(compliance, accounts.owner, module, "setMaxHolders", [500n]))
          .to.emit(module, "MaxHoldersSet")
          .withArgs(complianceAddress, 500n);
        expect(await module.maxHolders(complianceAddress)).to.equal(500n);
      });
    });
  });

  describe(".holderCount()", function () {
    describe("when nothing is minted", function () {
      it("returns 0", async function () {
        const { compliance, module } = await loadFixture(withMaxHoldersModuleFixture);
        expect(await module.holderCount(await compliance.getAddress())).to.equal(0n);
      });
    });

    describe("when units are minted to two wallets of one investor and to another investor", function () {
      it("counts identities, not wallets", async function () {
        const { token, compliance, module, accounts } = await loadFixture(withMaxHoldersModuleFixture);
        const complianceAddress = await compliance.getAddress();
        await token.connect(accounts.agent).mint(accounts.alice.address, JGB_UNIT);
        expect(await module.holderCount(complianceAddress)).to.equal(1n);
        await token.connect(accounts.agent).mint(accounts.dave.address, JGB_UNIT);
        expect(await module.holderCount(complianceAddress)).to.equal(1n);
        await token.connect(accounts.agent).mint(accounts.bob.address, JGB_UNIT);
        expect(await module.holderCount(complianceAddress)).to.equal(2n);
      });
    });

    describe("when a holder transfers everything to an existing holder", function () {
      it("decreases", async function () {
        const { token, module, complianceAddress, accounts } = await seatsFull();
        await token.connect(accounts.bob).transfer(accounts.alice.address, 4n * JGB_UNIT);
        expect(await module.holderCount(complianceAddress)).to.equal(1n);
      });
    });

    describe("when one of an investor's two wallets is burned empty", function () {
      it("is unchanged until the other one is empty too", async function () {
        const { token, module, complianceAddress, accounts } = await seatsFull();
        await token.connect(accounts.agent).burn(accounts.alice.address, 4n * JGB_UNIT);
        expect(await module.holderCount(complianceAddress)).to.equal(2n);
        await token.connect(accounts.agent).burn(accounts.dave.address, 2n * JGB_UNIT);
        expect(await module.holderCount(complianceAddress)).to.equal(1n);
      });
    });
  });

  describe("token.mint()", function () {
    describe("when a seat is free", function () {
      it("mints to a new investor", async function () {
        const { token, module, compliance, accounts } = await loadFixture(withMaxHoldersModuleFixture);
        await token.connect(accounts.agent).mint(accounts.alice.address, JGB_UNIT);
        await expect(token.connect(accounts.agent).mint(accounts.charlie.address, JGB_UNIT)).to.changeTokenBalance(
          token,
          accounts.charlie,
          JGB_UNIT,
        );
        expect(await module.holderCount(await compliance.getAddress())).to.equal(2n);
      });
    });

    describe("when every seat is taken", function () {
      it("reverts for a new investor with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, accounts } = await seatsFull();
        await expect(token.connect(accounts.agent).mint(accounts.charlie.address, JGB_UNIT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(ZERO, accounts.charlie.address, JGB_UNIT, await module.getAddress());
      });

      it("mints to an existing holder", async function () {
        const { token, accounts } = await seatsFull();
        await expect(token.connect(accounts.agent).mint(accounts.bob.address, JGB_UNIT)).to.changeTokenBalance(
          token,
          accounts.bob,
          JGB_UNIT,
        );
      });

      it("mints to an empty wallet of an investor who holds units on another wallet", async function () {
        const { token, module, complianceAddress, accounts } = await seatsFull();
        await token.connect(accounts.agent).burn(accounts.dave.address, 2n * JGB_UNIT);
        await expect(token.connect(accounts.agent).mint(accounts.dave.address, JGB_UNIT)).to.changeTokenBalance(
          token,
          accounts.dave,
          JGB_UNIT,
        );
        expect(await module.holderCount(complianceAddress)).to.equal(2n);
      });

      it("mints zero units to a new investor without taking a seat", async function () {
        const { token, module, complianceAddress, accounts } = await seatsFull();
        await token.connect(accounts.agent).mint(accounts.charlie.address, 0n);
        expect(await module.holderCount(complianceAddress)).to.equal(2n);
      });
    });
  });

  describe("token.transfer()", function () {
    describe("when every seat is taken and a holder sends part of its units to a new investor", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, accounts } = await seatsFull();
        await expect(token.connect(accounts.bob).transfer(accounts.charlie.address, JGB_UNIT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.bob.address, accounts.charlie.address, JGB_UNIT, await module.getAddress());
      });
    });

    describe("when every seat is taken and a holder sends all its units to a new investor", function () {
      it("transfers: the sender's seat goes to the recipient", async function () {
        const { token, module, complianceAddress, accounts } = await seatsFull();
        await expect(
          token.connect(accounts.bob).transfer(accounts.charlie.address, 4n * JGB_UNIT),
        ).to.changeTokenBalances(token, [accounts.bob, accounts.charlie], [-4n * JGB_UNIT, 4n * JGB_UNIT]);
        expect(await module.holderCount(complianceAddress)).to.equal(2n);
      });
    });

    describe("when every seat is taken and one wallet of a two-wallet investor is emptied to a new investor", function () {
      it("reverts: the investor still holds units on its other wallet", async function () {
        const { token, module, accounts } = await seatsFull();
        await expect(token.connect(accounts.alice).transfer(accounts.charlie.address, 4n * JGB_UNIT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.charlie.address, 4n * JGB_UNIT, await module.getAddress());
      });
    });

    describe("when every seat is taken and an investor moves units between its own wallets", function () {
      it("transfers and keeps the count", async function () {
        const { token, module, complianceAddress, accounts } = await seatsFull();
        await expect(
          token.connect(accounts.dave).transfer(accounts.alice.address, 2n * JGB_UNIT),
        ).to.changeTokenBalance(token, accounts.alice, 2n * JGB_UNIT);
        expect(await module.holderCount(complianceAddress)).to.equal(2n);
      });
    });

    describe("when every seat is taken and the recipient already holds units", function () {
      it("transfers", async function () {
        const { token, accounts } = await seatsFull();
        await expect(token.connect(accounts.bob).transfer(accounts.dave.address, JGB_UNIT)).to.changeTokenBalance(
          token,
          accounts.dave,
          JGB_UNIT,
        );
      });
    });
  });

  describe("token.forcedTransfer()", function () {
    describe("when every seat is taken and units are forced to a new investor", function () {
      it("transfers (not checked) and counts the extra holder", async function () {
        const { token, module, complianceAddress, accounts } = await seatsFull();
        await expect(
          token.connect(accounts.agent).forcedTransfer(accounts.bob.address, accounts.charlie.address, JGB_UNIT),
        ).to.changeTokenBalance(token, accounts.charlie, JGB_UNIT);
        expect(await module.holderCount(complianceAddress)).to.equal(3n);
      });
    });
  });

  describe("token.burn()", function () {
    describe("when a holder's units are all burned", function () {
      it("frees its seat for a new investor", async function () {
        const { token, module, complianceAddress, accounts } = await seatsFull();
        await token.connect(accounts.agent).burn(accounts.bob.address, 4n * JGB_UNIT);
        expect(await module.holderCount(complianceAddress)).to.equal(1n);
        await expect(token.connect(accounts.agent).mint(accounts.charlie.address, JGB_UNIT)).to.changeTokenBalance(
          token,
          accounts.charlie,
          JGB_UNIT,
        );
        expect(await module.holderCount(complianceAddress)).to.equal(2n);
      });
    });
  });

  describe("when a holding wallet is removed from the registry and then sells out", function () {
    it("still counts its units under the identity they were credited to, so the seat is freed", async function () {
      const { token, module, accounts, complianceAddress, suite } = await seatsFull();
      const aliceIdentity = await suite.identityRegistry.identity(accounts.alice.address);
      expect(await module.creditedAs(complianceAddress, accounts.alice.address)).to.equal(aliceIdentity);
      await suite.identityRegistry.connect(accounts.registrar).deleteIdentity(accounts.alice.address);
      await token.connect(accounts.alice).transfer(accounts.bob.address, 4n * JGB_UNIT);
      await token.connect(accounts.dave).transfer(accounts.bob.address, 2n * JGB_UNIT);
      expect(await module.investorBalance(complianceAddress, aliceIdentity)).to.equal(0n);
      expect(await module.creditedAs(complianceAddress, accounts.alice.address)).to.equal(ethers.ZeroAddress);
      expect(await module.holderCount(complianceAddress)).to.equal(1n);
      await expect(token.connect(accounts.agent).mint(accounts.charlie.address, JGB_UNIT)).to.changeTokenBalance(
        token,
        accounts.charlie,
        JGB_UNIT,
      );
    });
  });

  describe("when the module is removed and added again after the supply went back to zero", function () {
    it("starts again with no holder", async function () {
      const { token, compliance, module, accounts, complianceAddress } = await seatsFull();
      await compliance.connect(accounts.owner).removeModule(module);
      for (const wallet of [accounts.alice, accounts.dave, accounts.bob]) {
        await token.connect(accounts.agent).burn(wallet.address, await token.balanceOf(wallet.address));
      }
      await compliance.connect(accounts.owner).addModule(module);
      expect(await module.holderCount(complianceAddress)).to.equal(0n);
      await expect(token.connect(accounts.agent).mint(accounts.charlie.address, JGB_UNIT)).to.changeTokenBalance(
        token,
        accounts.charlie,
        JGB_UNIT,
      );
    });
  });
});

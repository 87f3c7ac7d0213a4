import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { TRANSFER_CHECK } from "../../../scripts/lib/constants";
import { HOOKS, JGB_UNIT, configureModule, withDenominationModuleFixture } from "../../helpers/compliance-fixtures";
import { shouldBehaveLikeModule } from "./module.behavior";
import { transferContextOf } from "../../helpers/transfer-context";

const ZERO = ethers.ZeroAddress;
const TWO_UNITS = 2n * JGB_UNIT; // ¥100,000

/** The JGB fixture with the minimum holding raised to two units (¥100,000), as for a retail issue. */
async function withTwoUnitMinimum() {
  const context = await loadFixture(withDenominationModuleFixture);
  await configureModule(context.compliance, context.accounts.owner, context.module, "setDenomination", [
    JGB_UNIT,
    TWO_UNITS,
  ]);
  return context;
}

describe("DenominationModule", function () {
  shouldBehaveLikeModule({
    fixture: withDenominationModuleFixture,
    name: "DenominationModule",
    hooks: HOOKS.CHECK_TRANSFER | HOOKS.CHECK_MINT,
    plugAndPlay: true,
    configuration: ["setDenomination", [10_000n, 10_000n]],
  });

  describe(".setDenomination()", function () {
    describe("when the unit is nonzero and the minimum a multiple of it", function () {
      it("sets both and emits DenominationSet(compliance, unit, minimum)", async function () {
        const { compliance, module, accounts } = await loadFixture(withDenominationModuleFixture);
        const complianceAddress = await compliance.getAddress();
        expect(await module.denomination(complianceAddress)).to.deep.equal([JGB_UNIT, JGB_UNIT]);
        await expect(configureModule(compliance, accounts.owner, module, "setDenomination", [10_000n, 100_000n]))
          .to.emit(module, "DenominationSet")
          .withArgs(complianceAddress, 10_000n, 100_000n);
        expect(await module.denomination(complianceAddress)).to.deep.equal([10_000n, 100_000n]);
      });
    });

    describe("when the unit is zero", function () {
      it("reverts with DenominationInvalid(unit, minimum)", async function () {
        const { compliance, module, accounts } = await loadFixture(withDenominationModuleFixture);
        await expect(configureModule(compliance, accounts.owner, module, "setDenomination", [0n, 0n]))
          .to.be.revertedWithCustomError(module, "DenominationInvalid")
          .withArgs(0n, 0n);
        await expect(configureModule(compliance, accounts.owner, module, "setDenomination", [0n, JGB_UNIT]))
          .to.be.revertedWithCustomError(module, "DenominationInvalid")
          .withArgs(0n, JGB_UNIT);
      });
    });

    describe("when the minimum is not a multiple of the unit", function () {
      it("reverts with DenominationInvalid(unit, minimum)", async function () {
        const { compliance, module, accounts } = await loadFixture(withDenominationModuleFixture);
        await expect(configureModule(compliance, accounts.owner, module, "setDenomination", [JGB_UNIT, 75_000n]))
          .to.be.revertedWithCustomError(module, "DenominationInvalid")
          .withArgs(JGB_UNIT, 75_000n);
      });
    });
  });

  describe(".moduleCheck()", function () {
    describe("when the compliance set no denomination", function () {
      it("allows any amount", async function () {
        const { module, accounts } = await loadFixture(withDenominationModuleFixture);
        expect(
          await module.moduleCheck(accounts.alice.address, accounts.bob.address, 1n, accounts.outsider.address),
        ).to.equal(true);
      });
    });
  });

  describe("token.mint()", function () {
    describe("when the amount is a whole number of units", function () {
      it("mints", async function () {
        const { token, accounts } = await loadFixture(withDenominationModuleFixture);
        await expect(token.connect(accounts.agent).mint(accounts.charlie.address, 3n * JGB_UNIT)).to.changeTokenBalance(
          token,
          accounts.charlie,
          3n * JGB_UNIT,
        );
      });
    });

    describe("when the amount is not a multiple of the unit", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, accounts } = await loadFixture(withDenominationModuleFixture);
        await expect(token.connect(accounts.agent).mint(accounts.charlie.address, 75_000n))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(ZERO, accounts.charlie.address, 75_000n, await module.getAddress());
      });
    });

    describe("when the new holding would be below the minimum", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, accounts } = await withTwoUnitMinimum();
        await expect(token.connect(accounts.agent).mint(accounts.charlie.address, JGB_UNIT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(ZERO, accounts.charlie.address, JGB_UNIT, await module.getAddress());
      });
    });
  });

  describe("token.transfer()", function () {
    describe("when the amount is a whole number of units and both holdings stay valid", function () {
      it("transfers", async function () {
        const { token, accounts } = await loadFixture(withDenominationModuleFixture);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, JGB_UNIT)).to.changeTokenBalances(
          token,
          [accounts.alice, accounts.bob],
          [-JGB_UNIT, JGB_UNIT],
        );
      });
    });

    describe("when the amount is not a multiple of the unit", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, accounts } = await loadFixture(withDenominationModuleFixture);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, 30_000n))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.bob.address, 30_000n, await module.getAddress());
      });
    });

    describe("when the transfer leaves the sender with exactly zero", function () {
      it("transfers, as token.checkTransfer predicted", async function () {
        const { token, accounts } = await loadFixture(withDenominationModuleFixture);
        const [code] = await token.checkTransfer(accounts.alice.address, accounts.bob.address, 4n * JGB_UNIT);
        expect(TRANSFER_CHECK[Number(code)]).to.equal("Ok");
        await expect(
          token.connect(accounts.alice).transfer(accounts.bob.address, 4n * JGB_UNIT),
        ).to.changeTokenBalances(token, [accounts.alice, accounts.bob], [-4n * JGB_UNIT, 4n * JGB_UNIT]);
      });
    });

    describe("when the transfer leaves the sender below the minimum but above zero", function () {
      it("reverts with TokenTransferNotCompliant for an odd remainder under the JGB unit", async function () {
        const { token, module, accounts } = await loadFixture(withDenominationModuleFixture);
        // An agent's forced transfer (not checked) leaves alice with ¥170,000.
        await token.connect(accounts.agent).forcedTransfer(accounts.alice.address, accounts.charlie.address, 30_000n);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, 3n * JGB_UNIT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.bob.address, 3n * JGB_UNIT, await module.getAddress());
      });

      it("reverts with TokenTransferNotCompliant for a whole unit under a two-unit minimum", async function () {
        const { token, module, accounts } = await withTwoUnitMinimum();
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, 3n * JGB_UNIT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.bob.address, 3n * JGB_UNIT, await module.getAddress());
      });
    });

    describe("when the transfer leaves the sender at the minimum", function () {
      it("transfers", async function () {
        const { token, accounts } = await withTwoUnitMinimum();
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, TWO_UNITS)).to.changeTokenBalance(
          token,
          accounts.alice,
          -TWO_UNITS,
        );
      });
    });

    describe("when the recipient would hold less than the minimum", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, accounts } = await withTwoUnitMinimum();
        await expect(token.connect(accounts.alice).transfer(accounts.charlie.address, JGB_UNIT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.charlie.address, JGB_UNIT, await module.getAddress());
      });
    });

    describe("when the recipient would hold a non-multiple of the unit", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, accounts } = await loadFixture(withDenominationModuleFixture);
        await token.connect(accounts.agent).forcedTransfer(accounts.bob.address, accounts.charlie.address, 30_000n);
        await expect(token.connect(accounts.alice).transfer(accounts.charlie.address, JGB_UNIT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.charlie.address, JGB_UNIT, await module.getAddress());
      });
    });
  });

  describe("token.forcedTransfer()", function () {
    describe("when the amount is not a multiple of the unit", function () {
      it("transfers (forced transfers are not checked by compliance)", async function () {
        const { token, accounts } = await loadFixture(withDenominationModuleFixture);
        await expect(
          token.connect(accounts.agent).forcedTransfer(accounts.alice.address, accounts.bob.address, 30_000n),
        ).to.changeTokenBalances(token, [accounts.alice, accounts.bob], [-30_000n, 30_000n]);
      });
    });
  });

  describe("token.burn()", function () {
    describe("when the burn leaves an odd holding", function () {
      it("burns (burns are not checked by compliance)", async function () {
        const { token, accounts } = await loadFixture(withDenominationModuleFixture);
        await expect(token.connect(accounts.agent).burn(accounts.alice.address, 30_000n)).to.changeTokenBalance(
          token,
          accounts.alice,
          -30_000n,
        );
      });
    });
  });

  describe(".moduleCheckWithContext()", function () {
    describe("when the context's balances differ from the token's", function () {
      it("follows the context: balances are not read from the token", async function () {
        const { compliance, module, token, accounts } = await loadFixture(withDenominationModuleFixture);
        const complianceAddress = await compliance.getAddress();
        const [alice, bob] = [accounts.alice.address, accounts.bob.address];
        const context = await transferContextOf(token, alice, bob);
        // alice holds 4 units: sending 1 leaves 3, fine; had she held 1.5 units, 0.5 would be left.
        expect(await module.moduleCheckWithContext(alice, bob, JGB_UNIT, complianceAddress, context)).to.equal(true);
        expect(
          await module.moduleCheckWithContext(alice, bob, JGB_UNIT, complianceAddress, {
            ...context,
            fromBalance: JGB_UNIT + JGB_UNIT / 2n,
          }),
        ).to.equal(false);
      });
    });
  });
});

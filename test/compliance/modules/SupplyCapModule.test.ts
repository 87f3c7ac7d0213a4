import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  HOOKS,
  RESIDENT_ISSUE_SIZE,
  configureModule,
  withSupplyCapModuleFixture,
} from "../../helpers/compliance-fixtures";
import { shouldBehaveLikeModule } from "./module.behavior";
import { transferContextOf } from "../../helpers/transfer-context";

const ZERO = ethers.ZeroAddress;
const CAP = RESIDENT_ISSUE_SIZE; // ¥1,000,000,000

describe("SupplyCapModule", function () {
  shouldBehaveLikeModule({
    fixture: withSupplyCapModuleFixture,
    name: "SupplyCapModule",
    hooks: HOOKS.CHECK_MINT,
    plugAndPlay: true,
    configuration: ["setSupplyCap", [CAP]],
  });

  describe(".setSupplyCap()", function () {
    describe("when called through the compliance", function () {
      it("sets the cap of that compliance and emits SupplyCapSet(compliance, cap)", async function () {
        const { compliance, module, accounts } = await loadFixture(withSupplyCapModuleFixture);
        const complianceAddress = await compliance.getAddress();
        await expect(configureModule(compliance, accounts.owner, module, "setSupplyCap", [2n * CAP]))
          .to.emit(module, "SupplyCapSet")
          .withArgs(complianceAddress, 2n * CAP);
        expect(await module.supplyCap(complianceAddress)).to.equal(2n * CAP);
      });
    });
  });

  describe(".moduleCheck()", function () {
    describe("when a mint would reach the cap exactly", function () {
      it("allows it", async function () {
        const { compliance, module, accounts } = await loadFixture(withSupplyCapModuleFixture);
        expect(await compliance.checkTransfer(ZERO, accounts.alice.address, CAP)).to.equal(ZERO);
        expect(await module.moduleCheck(ZERO, accounts.alice.address, CAP, await compliance.getAddress())).to.equal(
          true,
        );
      });
    });

    describe("when a mint would exceed the cap", function () {
      it("refuses it", async function () {
        const { compliance, module, accounts } = await loadFixture(withSupplyCapModuleFixture);
        expect(await compliance.checkTransfer(ZERO, accounts.alice.address, CAP + 1n)).to.equal(
          await module.getAddress(),
        );
      });
    });
  });

  describe("token.mint()", function () {
    describe("when the supply stays within the cap", function () {
      it("mints", async function () {
        const { token, accounts } = await loadFixture(withSupplyCapModuleFixture);
        await expect(token.connect(accounts.agent).mint(accounts.alice.address, 300_000_000n)).to.changeTokenBalance(
          token,
          accounts.alice,
          300_000_000n,
        );
      });
    });

    describe("when the mint would take the supply beyond the cap", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, accounts } = await loadFixture(withSupplyCapModuleFixture);
        await token.connect(accounts.agent).mint(accounts.alice.address, 300_000_000n);
        await expect(token.connect(accounts.agent).mint(accounts.bob.address, 700_000_001n))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(ZERO, accounts.bob.address, 700_000_001n, await module.getAddress());
      });
    });

    describe("when the mint would take the supply to the cap exactly", function () {
      it("mints", async function () {
        const { token, accounts } = await loadFixture(withSupplyCapModuleFixture);
        await token.connect(accounts.agent).mint(accounts.alice.address, 300_000_000n);
        await expect(token.connect(accounts.agent).mint(accounts.bob.address, 700_000_000n)).to.changeTokenBalance(
          token,
          accounts.bob,
          700_000_000n,
        );
        expect(await token.totalSupply()).to.equal(CAP);
      });
    });

    describe("when a single mint is more than half of the cap", function () {
      // Regression: the token used to raise totalSupply before asking compliance, so the module
      // counted the new units twice (fixed in d9d5dd9).
      it("counts the new units once and mints", async function () {
        const { token, accounts } = await loadFixture(withSupplyCapModuleFixture);
        await expect(token.connect(accounts.agent).mint(accounts.alice.address, 600_000_000n)).to.changeTokenBalance(
          token,
          accounts.alice,
          600_000_000n,
        );
      });
    });

    describe("when units were burned", function () {
      it("lets the freed room be minted again", async function () {
        const { token, module, accounts } = await loadFixture(withSupplyCapModuleFixture);
        await token.connect(accounts.agent).mint(accounts.alice.address, 700_000_000n);
        await expect(token.connect(accounts.agent).mint(accounts.bob.address, 400_000_000n))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(ZERO, accounts.bob.address, 400_000_000n, await module.getAddress());
        await token.connect(accounts.agent).burn(accounts.alice.address, 200_000_000n);
        await expect(token.connect(accounts.agent).mint(accounts.bob.address, 400_000_000n)).to.changeTokenBalance(
          token,
          accounts.bob,
          400_000_000n,
        );
      });
    });

    describe("when the cap is lowered below the supply", function () {
      it("refuses any further mint", async function () {
        const { token, compliance, module, accounts } = await loadFixture(withSupplyCapModuleFixture);
        await token.connect(accounts.agent).mint(accounts.alice.address, 300_000_000n);
        await configureModule(compliance, accounts.owner, module, "setSupplyCap", [200_000_000n]);
        await expect(token.connect(accounts.agent).mint(accounts.alice.address, 1n))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(ZERO, accounts.alice.address, 1n, await module.getAddress());
      });
    });
  });

  describe("token.transfer()", function () {
    describe("when the supply is above the cap", function () {
      it("transfers (the cap applies to mints only)", async function () {
        const { token, compliance, module, accounts } = await loadFixture(withSupplyCapModuleFixture);
        await token.connect(accounts.agent).mint(accounts.alice.address, 300_000_000n);
        await configureModule(compliance, accounts.owner, module, "setSupplyCap", [0n]);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, 100_000_000n)).to.changeTokenBalances(
          token,
          [accounts.alice, accounts.bob],
          [-100_000_000n, 100_000_000n],
        );
        await expect(
          token.connect(accounts.agent).forcedTransfer(accounts.bob.address, accounts.charlie.address, 50_000_000n),
        ).to.changeTokenBalance(token, accounts.charlie, 50_000_000n);
      });
    });
  });

  describe(".moduleCheckWithContext()", function () {
    describe("when the context's supply differs from the token's", function () {
      it("follows the context: the supply is not read from the token", async function () {
        const { compliance, module, token, accounts } = await loadFixture(withSupplyCapModuleFixture);
        const complianceAddress = await compliance.getAddress();
        const alice = accounts.alice.address;
        const context = await transferContextOf(token, ZERO, alice);
        expect(await module.moduleCheckWithContext(ZERO, alice, CAP, complianceAddress, context)).to.equal(true);
        expect(
          await module.moduleCheckWithContext(ZERO, alice, CAP, complianceAddress, { ...context, totalSupply: 1n }),
        ).to.equal(false);
      });
    });
  });
});

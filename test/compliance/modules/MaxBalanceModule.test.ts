import { expect } from "chai";
import { ethers } from "hardhat";
import { impersonateAccount, loadFixture, setBalance } from "@nomicfoundation/hardhat-network-helpers";
import {
  ALL_HOOKS,
  RESIDENT_CAP_PER_PERSON,
  configureModule,
  withMaxBalanceModuleFixture,
} from "../../helpers/compliance-fixtures";
import { shouldBehaveLikeModule } from "./module.behavior";
import { transferContextOf } from "../../helpers/transfer-context";

const ZERO = ethers.ZeroAddress;
const CAP = RESIDENT_CAP_PER_PERSON; // ¥5,000,000 per person
const MAX_UINT128 = 2n ** 128n - 1n;

/** The MaxBalance fixture with alice's identity at the cap: ¥3,000,000 on alice, ¥2,000,000 on dave; bob ¥1,000,000. */
async function aliceAtCap() {
  const context = await loadFixture(withMaxBalanceModuleFixture);
  const { token, accounts } = context;
  await token.connect(context.accounts.agent).mint(accounts.alice.address, 3_000_000n);
  await token.connect(context.accounts.agent).mint(accounts.dave.address, 2_000_000n);
  await token.connect(context.accounts.agent).mint(accounts.bob.address, 1_000_000n);
  return { ...context, complianceAddress: await context.compliance.getAddress() };
}

describe("MaxBalanceModule", function () {
  shouldBehaveLikeModule({
    fixture: withMaxBalanceModuleFixture,
    name: "MaxBalanceModule",
    hooks: ALL_HOOKS,
    plugAndPlay: false,
    configuration: ["setMaxBalance", [CAP]],
  });

  describe(".setMaxBalance()", function () {
    describe("when called through the compliance", function () {
      it("sets the cap of that compliance and emits MaxBalanceSet(compliance, cap)", async function () {
        const { compliance, module, accounts } = await loadFixture(withMaxBalanceModuleFixture);
        const complianceAddress = await compliance.getAddress();
        await expect(configureModule(compliance, accounts.owner, module, "setMaxBalance", [10_000_000n]))
          .to.emit(module, "MaxBalanceSet")
          .withArgs(complianceAddress, 10_000_000n);
        expect(await module.maxBalance(complianceAddress)).to.equal(10_000_000n);
      });
    });

    describe("when the cap is the largest that fits 128 bits", function () {
      it("keeps it exactly", async function () {
        const { compliance, module, accounts } = await loadFixture(withMaxBalanceModuleFixture);
        await configureModule(compliance, accounts.owner, module, "setMaxBalance", [MAX_UINT128]);
        expect(await module.maxBalance(await compliance.getAddress())).to.equal(MAX_UINT128);
      });
    });

    describe("when the cap does not fit 128 bits", function () {
      it("reverts with MaxBalanceAboveLimit and keeps the former cap", async function () {
        const { compliance, module, accounts } = await loadFixture(withMaxBalanceModuleFixture);
        await expect(configureModule(compliance, accounts.owner, module, "setMaxBalance", [MAX_UINT128 + 1n]))
          .to.be.revertedWithCustomError(module, "MaxBalanceAboveLimit")
          .withArgs(MAX_UINT128 + 1n, MAX_UINT128);
        expect(await module.maxBalance(await compliance.getAddress())).to.equal(CAP);
      });
    });

    describe("when the module is removed and added again", function () {
      it("keeps the cap (kept in the binding's slot) and enforces it", async function () {
        const { compliance, module, token, accounts } = await loadFixture(withMaxBalanceModuleFixture);
        const complianceAddress = await compliance.getAddress();
        await compliance.connect(accounts.owner).removeModule(module);
        await compliance.connect(accounts.owner).addModule(module);
        expect(await module.maxBalance(complianceAddress)).to.equal(CAP);
        await expect(token.connect(accounts.agent).mint(accounts.alice.address, CAP + 1n))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(ZERO, accounts.alice.address, CAP + 1n, await module.getAddress());
      });
    });
  });

  describe(".moduleCheckAndActionWithContext()", function () {
    async function asBoundCompliance() {
      const context = await loadFixture(withMaxBalanceModuleFixture);
      const complianceAddress = await context.compliance.getAddress();
      await impersonateAccount(complianceAddress);
      await setBalance(complianceAddress, 10n ** 18n);
      const asCompliance = context.module.connect(await ethers.getSigner(complianceAddress));
      return { ...context, complianceAddress, asCompliance };
    }

    describe("when the module allows the change", function () {
      it("returns true and records it with the state after the change (the new holder is pinned)", async function () {
        const { asCompliance, module, token, accounts, identities, complianceAddress } = await asBoundCompliance();
        const bob = accounts.bob.address;
        const before = await transferContextOf(token, ZERO, bob);
        expect(await asCompliance.moduleCheckAndActionWithContext.staticCall(ZERO, bob, 1_000n, before)).to.equal(true);
        await asCompliance.moduleCheckAndActionWithContext(ZERO, bob, 1_000n, before);
        expect(await module.investorBalance(complianceAddress, identities.bob)).to.equal(1_000n);
        expect(await module.creditedAs(complianceAddress, bob)).to.equal(identities.bob);
      });
    });

    describe("when the module refuses the change", function () {
      it("returns false and records nothing", async function () {
        const { asCompliance, module, token, accounts, identities, complianceAddress } = await asBoundCompliance();
        const bob = accounts.bob.address;
        const before = await transferContextOf(token, ZERO, bob);
        expect(await asCompliance.moduleCheckAndActionWithContext.staticCall(ZERO, bob, CAP + 1n, before)).to.equal(
          false,
        );
        await asCompliance.moduleCheckAndActionWithContext(ZERO, bob, CAP + 1n, before);
        expect(await module.investorBalance(complianceAddress, identities.bob)).to.equal(0n);
        expect(await module.creditedAs(complianceAddress, bob)).to.equal(ZERO);
      });
    });
  });

  describe(".canComplianceBind()", function () {
    describe("when the token has no supply", function () {
      it("returns true", async function () {
        const { compliance, module } = await loadFixture(withMaxBalanceModuleFixture);
        expect(await module.canComplianceBind(await compliance.getAddress())).to.equal(true);
      });
    });

    describe("when the token has a supply", function () {
      it("returns false", async function () {
        const { module, complianceAddress } = await aliceAtCap();
        expect(await module.canComplianceBind(complianceAddress)).to.equal(false);
      });
    });
  });

  describe(".investorBalance()", function () {
    describe("when an investor holds units on two wallets", function () {
      it("sums them under the investor's identity, not under the wallets", async function () {
        const { module, complianceAddress, identities, accounts } = await aliceAtCap();
        expect(await module.investorBalance(complianceAddress, identities.alice)).to.equal(CAP);
        expect(await module.investorBalance(complianceAddress, identities.bob)).to.equal(1_000_000n);
        expect(await module.investorBalance(complianceAddress, accounts.alice.address)).to.equal(0n);
        expect(await module.investorBalance(complianceAddress, accounts.dave.address)).to.equal(0n);
      });
    });
  });

  describe("token.mint()", function () {
    describe("when the recipient's identity stays within the cap", function () {
      it("mints up to the cap exactly", async function () {
        const { token, module, compliance, accounts, identities } = await loadFixture(withMaxBalanceModuleFixture);
        await expect(token.connect(accounts.agent).mint(accounts.alice.address, CAP)).to.changeTokenBalance(
          token,
          accounts.alice,
          CAP,
        );
        expect(await module.investorBalance(await compliance.getAddress(), identities.alice)).to.equal(CAP);
      });
    });

    describe("when the recipient's wallet would exceed the cap", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, accounts } = await loadFixture(withMaxBalanceModuleFixture);
        await expect(token.connect(accounts.agent).mint(accounts.bob.address, CAP + 1n))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(ZERO, accounts.bob.address, CAP + 1n, await module.getAddress());
      });
    });

    describe("when the units would go to a second wallet of an investor at the cap", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, accounts } = await loadFixture(withMaxBalanceModuleFixture);
        await token.connect(accounts.agent).mint(accounts.alice.address, 3_000_000n);
        await expect(token.connect(accounts.agent).mint(accounts.dave.address, 2_500_000n))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(ZERO, accounts.dave.address, 2_500_000n, await module.getAddress());
        await expect(token.connect(accounts.agent).mint(accounts.dave.address, 2_000_000n)).to.changeTokenBalance(
          token,
          accounts.dave,
          2_000_000n,
        );
      });
    });

    describe("when another investor is at the cap", function () {
      it("mints to this investor", async function () {
        const { token, accounts } = await aliceAtCap();
        await expect(token.connect(accounts.agent).mint(accounts.bob.address, 4_000_000n)).to.changeTokenBalance(
          token,
          accounts.bob,
          4_000_000n,
        );
      });
    });
  });

  describe("token.transfer()", function () {
    describe("when the recipient's identity would exceed the cap through its other wallet", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, accounts } = await aliceAtCap();
        await expect(token.connect(accounts.bob).transfer(accounts.dave.address, 50_000n))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.bob.address, accounts.dave.address, 50_000n, await module.getAddress());
        await expect(token.connect(accounts.bob).transfer(accounts.alice.address, 50_000n))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.bob.address, accounts.alice.address, 50_000n, await module.getAddress());
      });
    });

    describe("when the recipient's identity stays within the cap", function () {
      it("transfers and moves the units between the identities in the ledger", async function () {
        const { token, module, complianceAddress, accounts, identities } = await aliceAtCap();
        await expect(token.connect(accounts.dave).transfer(accounts.bob.address, 500_000n)).to.changeTokenBalances(
          token,
          [accounts.dave, accounts.bob],
          [-500_000n, 500_000n],
        );
        expect(await module.investorBalance(complianceAddress, identities.alice)).to.equal(4_500_000n);
        expect(await module.investorBalance(complianceAddress, identities.bob)).to.equal(1_500_000n);
      });
    });

    describe("when an investor at the cap moves units between its own wallets", function () {
      it("transfers and leaves the ledger unchanged", async function () {
        const { token, module, complianceAddress, accounts, identities } = await aliceAtCap();
        await expect(token.connect(accounts.alice).transfer(accounts.dave.address, 3_000_000n)).to.changeTokenBalances(
          token,
          [accounts.alice, accounts.dave],
          [-3_000_000n, 3_000_000n],
        );
        expect(await module.investorBalance(complianceAddress, identities.alice)).to.equal(CAP);
      });
    });

    describe("when an investor above the cap moves units between its own wallets", function () {
      it("transfers", async function () {
        const { token, compliance, module, complianceAddress, accounts, identities } = await aliceAtCap();
        await configureModule(compliance, accounts.owner, module, "setMaxBalance", [1_000_000n]);
        await expect(token.connect(accounts.dave).transfer(accounts.alice.address, 2_000_000n)).to.changeTokenBalance(
          token,
          accounts.alice,
          2_000_000n,
        );
        expect(await module.investorBalance(complianceAddress, identities.alice)).to.equal(CAP);
      });
    });

    describe("when the cap is lowered below an investor's holding", function () {
      it("refuses units to that investor but lets it sell", async function () {
        const { token, compliance, module, accounts } = await aliceAtCap();
        await configureModule(compliance, accounts.owner, module, "setMaxBalance", [1_000_000n]);
        await expect(token.connect(accounts.bob).transfer(accounts.alice.address, 50_000n))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.bob.address, accounts.alice.address, 50_000n, await module.getAddress());
        await token.connect(accounts.agent).burn(accounts.bob.address, 1_000_000n);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, 1_000_000n)).to.changeTokenBalance(
          token,
          accounts.bob,
          1_000_000n,
        );
      });
    });
  });

  describe("token.forcedTransfer()", function () {
    describe("when it takes an investor above the cap", function () {
      it("transfers (not checked) and the ledger records the excess", async function () {
        const { token, module, complianceAddress, accounts, identities } = await aliceAtCap();
        await expect(
          token.connect(accounts.agent).forcedTransfer(accounts.bob.address, accounts.alice.address, 1_000_000n),
        ).to.changeTokenBalance(token, accounts.alice, 1_000_000n);
        expect(await module.investorBalance(complianceAddress, identities.alice)).to.equal(CAP + 1_000_000n);
        expect(await module.investorBalance(complianceAddress, identities.bob)).to.equal(0n);
      });

      it("keeps refusing holder transfers to that investor afterwards", async function () {
        const { token, module, accounts } = await aliceAtCap();
        await token.connect(accounts.agent).forcedTransfer(accounts.bob.address, accounts.alice.address, 500_000n);
        await expect(token.connect(accounts.bob).transfer(accounts.dave.address, 1n))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.bob.address, accounts.dave.address, 1n, await module.getAddress());
      });
    });

    describe("when it moves units between one investor's wallets", function () {
      it("leaves the ledger unchanged", async function () {
        const { token, module, complianceAddress, accounts, identities } = await aliceAtCap();
        await token.connect(accounts.agent).forcedTransfer(accounts.dave.address, accounts.alice.address, 2_000_000n);
        expect(await module.investorBalance(complianceAddress, identities.alice)).to.equal(CAP);
      });
    });
  });

  describe("token.burn()", function () {
    describe("when units of an investor are burned", function () {
      it("frees room under the cap", async function () {
        const { token, module, complianceAddress, accounts, identities } = await aliceAtCap();
        await token.connect(accounts.agent).burn(accounts.dave.address, 1_000_000n);
        expect(await module.investorBalance(complianceAddress, identities.alice)).to.equal(4_000_000n);
        await expect(token.connect(accounts.bob).transfer(accounts.alice.address, 1_000_000n)).to.changeTokenBalance(
          token,
          accounts.alice,
          1_000_000n,
        );
        await expect(token.connect(accounts.agent).mint(accounts.dave.address, 1n))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(ZERO, accounts.dave.address, 1n, await module.getAddress());
      });
    });
  });

  describe("token.recoveryAddress()", function () {
    describe("when a lost wallet is recovered to another wallet of the same investor", function () {
      it("moves the units and leaves the ledger unchanged", async function () {
        const { token, module, complianceAddress, accounts, identities } = await aliceAtCap();
        await token
          .connect(accounts.agent)
          .recoveryAddress(accounts.alice.address, accounts.dave.address, identities.alice);
        expect(await token.balanceOf(accounts.dave.address)).to.equal(CAP);
        expect(await module.investorBalance(complianceAddress, identities.alice)).to.equal(CAP);
      });
    });
  });

  describe("when the module is removed and added again after the supply went back to zero", function () {
    it("starts again from an empty ledger", async function () {
      const { token, compliance, module, accounts, identities } = await loadFixture(withMaxBalanceModuleFixture);
      const complianceAddress = await compliance.getAddress();
      await token.connect(accounts.agent).mint(accounts.alice.address, 3_000_000n);
      await compliance.connect(accounts.owner).removeModule(module);
      await token.connect(accounts.agent).burn(accounts.alice.address, 3_000_000n); // redeemed while unbound
      await compliance.connect(accounts.owner).addModule(module);
      expect(await module.investorBalance(complianceAddress, identities.alice)).to.equal(0n);
      await expect(token.connect(accounts.agent).mint(accounts.alice.address, CAP)).to.changeTokenBalance(
        token,
        accounts.alice,
        CAP,
      );
    });
  });

  describe(".moduleCheckWithContext()", function () {
    describe("when the context names another identity for a recipient that holds nothing yet", function () {
      it("counts the recipient under the context's identity: it is not looked up again", async function () {
        const { compliance, module, token, accounts, identities } = await loadFixture(withMaxBalanceModuleFixture);
        const complianceAddress = await compliance.getAddress();
        await token.connect(accounts.agent).mint(accounts.alice.address, CAP);
        const bob = accounts.bob.address;
        const context = await transferContextOf(token, ZERO, bob);
        expect(await module.moduleCheckWithContext(ZERO, bob, 1n, complianceAddress, context)).to.equal(true);
        // as if bob's wallet belonged to alice's identity, which is at the cap
        expect(
          await module.moduleCheckWithContext(ZERO, bob, 1n, complianceAddress, { ...context, toIdentity: identities.alice }),
        ).to.equal(false);
      });
    });
  });
});

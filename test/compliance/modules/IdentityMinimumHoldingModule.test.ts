import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  ALL_HOOKS,
  RESIDENT_MINIMUM_PER_PERSON,
  configureModule,
  withMinimumHoldingModuleFixture,
} from "../../helpers/compliance-fixtures";
import { shouldBehaveLikeModule } from "./module.behavior";

const ZERO = ethers.ZeroAddress;
const MIN = RESIDENT_MINIMUM_PER_PERSON; // ¥100,000 per person

/** The fixture with alice's identity holding ¥100,000 on alice and ¥100,000 on dave; bob ¥150,000. */
async function holdingsFixture() {
  const context = await loadFixture(withMinimumHoldingModuleFixture);
  const { token, accounts } = context;
  await token.connect(accounts.agent).mint(accounts.alice.address, MIN);
  await token.connect(accounts.agent).mint(accounts.dave.address, MIN);
  await token.connect(accounts.agent).mint(accounts.bob.address, 150_000n);
  return { ...context, complianceAddress: await context.compliance.getAddress() };
}

describe("IdentityMinimumHoldingModule", function () {
  shouldBehaveLikeModule({
    fixture: withMinimumHoldingModuleFixture,
    name: "IdentityMinimumHoldingModule",
    hooks: ALL_HOOKS,
    plugAndPlay: false,
    configuration: ["setMinimumHolding", [MIN]],
  });

  describe(".setMinimumHolding()", function () {
    describe("when called through the compliance", function () {
      it("sets the minimum of that compliance and emits MinimumHoldingSet(compliance, minimum)", async function () {
        const { compliance, module, accounts } = await loadFixture(withMinimumHoldingModuleFixture);
        const complianceAddress = await compliance.getAddress();
        expect(await module.minimumHolding(complianceAddress)).to.equal(MIN);
        await expect(configureModule(compliance, accounts.owner, module, "setMinimumHolding", [500_000n]))
          .to.emit(module, "MinimumHoldingSet")
          .withArgs(complianceAddress, 500_000n);
        expect(await module.minimumHolding(complianceAddress)).to.equal(500_000n);
      });
    });

    describe("when the minimum does not fit 128 bits", function () {
      it("reverts with MinimumHoldingAboveLimit and keeps the former minimum", async function () {
        const { compliance, module, accounts } = await loadFixture(withMinimumHoldingModuleFixture);
        const maxUint128 = 2n ** 128n - 1n;
        await expect(configureModule(compliance, accounts.owner, module, "setMinimumHolding", [maxUint128 + 1n]))
          .to.be.revertedWithCustomError(module, "MinimumHoldingAboveLimit")
          .withArgs(maxUint128 + 1n, maxUint128);
        expect(await module.minimumHolding(await compliance.getAddress())).to.equal(MIN);
        await configureModule(compliance, accounts.owner, module, "setMinimumHolding", [maxUint128]);
        expect(await module.minimumHolding(await compliance.getAddress())).to.equal(maxUint128);
      });
    });

    describe("when set to zero", function () {
      it("lifts the rule: a mint below the former minimum goes through", async function () {
        const { token, compliance, module, accounts } = await loadFixture(withMinimumHoldingModuleFixture);
        await configureModule(compliance, accounts.owner, module, "setMinimumHolding", [0n]);
        await expect(token.connect(accounts.agent).mint(accounts.bob.address, 1n)).to.changeTokenBalance(
          token,
          accounts.bob,
          1n,
        );
      });
    });
  });

  describe(".canComplianceBind()", function () {
    describe("when the token has a supply", function () {
      it("returns false (the ledger counts from zero)", async function () {
        const { module, complianceAddress } = await holdingsFixture();
        expect(await module.canComplianceBind(complianceAddress)).to.equal(false);
      });
    });
  });

  describe("token.mint()", function () {
    describe("when the recipient's identity would hold less than the minimum", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, accounts } = await loadFixture(withMinimumHoldingModuleFixture);
        await expect(token.connect(accounts.agent).mint(accounts.bob.address, MIN - 1n))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(ZERO, accounts.bob.address, MIN - 1n, await module.getAddress());
      });
    });

    describe("when the recipient's identity would hold exactly the minimum", function () {
      it("mints and records the holding under the identity", async function () {
        const { token, module, compliance, accounts, identities } = await loadFixture(withMinimumHoldingModuleFixture);
        await expect(token.connect(accounts.agent).mint(accounts.bob.address, MIN)).to.changeTokenBalance(
          token,
          accounts.bob,
          MIN,
        );
        expect(await module.investorBalance(await compliance.getAddress(), identities.bob)).to.equal(MIN);
      });
    });

    describe("when a small amount goes to the second wallet of an investor already above the minimum", function () {
      it("mints (the minimum applies to the identity, not the wallet)", async function () {
        const { token, module, compliance, accounts, identities } = await loadFixture(withMinimumHoldingModuleFixture);
        await token.connect(accounts.agent).mint(accounts.alice.address, MIN);
        await expect(token.connect(accounts.agent).mint(accounts.dave.address, 10_000n)).to.changeTokenBalance(
          token,
          accounts.dave,
          10_000n,
        );
        expect(await module.investorBalance(await compliance.getAddress(), identities.alice)).to.equal(MIN + 10_000n);
      });
    });
  });

  describe("token.transfer()", function () {
    describe("when the recipient's identity would hold less than the minimum", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, accounts } = await holdingsFixture();
        await expect(token.connect(accounts.bob).transfer(accounts.charlie.address, 50_000n))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.bob.address, accounts.charlie.address, 50_000n, await module.getAddress());
      });
    });

    describe("when a partial sale would leave the sender's identity below the minimum", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, accounts } = await holdingsFixture();
        // bob keeps 50,000 and charlie receives 100,000: only the sender's side breaks the rule
        await expect(token.connect(accounts.bob).transfer(accounts.charlie.address, MIN))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.bob.address, accounts.charlie.address, MIN, await module.getAddress());
      });
    });

    describe("when the sender sells everything", function () {
      it("transfers (a full exit is allowed) and the sender's identity holds nothing", async function () {
        const { token, module, complianceAddress, accounts, identities } = await holdingsFixture();
        await expect(token.connect(accounts.bob).transfer(accounts.charlie.address, 150_000n)).to.changeTokenBalances(
          token,
          [accounts.bob, accounts.charlie],
          [-150_000n, 150_000n],
        );
        expect(await module.investorBalance(complianceAddress, identities.bob)).to.equal(0n);
        expect(await module.investorBalance(complianceAddress, identities.charlie)).to.equal(150_000n);
      });
    });

    describe("when a wallet empties but the investor's other wallet keeps the minimum", function () {
      it("transfers, then refuses a sale from the other wallet that leaves the identity below the minimum", async function () {
        const { token, module, complianceAddress, accounts, identities } = await holdingsFixture();
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, MIN)).to.changeTokenBalance(
          token,
          accounts.alice,
          -MIN,
        );
        expect(await module.investorBalance(complianceAddress, identities.alice)).to.equal(MIN);
        await expect(token.connect(accounts.dave).transfer(accounts.bob.address, 50_000n))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.dave.address, accounts.bob.address, 50_000n, await module.getAddress());
      });
    });

    describe("when the recipient's wallet is empty but its identity holds the minimum on another wallet", function () {
      it("transfers a small amount to it", async function () {
        const { token, module, complianceAddress, accounts, identities } = await holdingsFixture();
        await token.connect(accounts.dave).transfer(accounts.alice.address, MIN); // dave's wallet is now empty
        await expect(token.connect(accounts.bob).transfer(accounts.dave.address, 50_000n)).to.changeTokenBalance(
          token,
          accounts.dave,
          50_000n,
        );
        expect(await module.investorBalance(complianceAddress, identities.alice)).to.equal(2n * MIN + 50_000n);
      });
    });

    describe("when an investor moves units between its own wallets", function () {
      it("transfers, whatever the wallet balances", async function () {
        const { token, accounts } = await holdingsFixture();
        await expect(token.connect(accounts.alice).transfer(accounts.dave.address, 30_000n)).to.changeTokenBalances(
          token,
          [accounts.alice, accounts.dave],
          [-30_000n, 30_000n],
        );
      });
    });

    describe("when the minimum is raised above an investor's holding", function () {
      it("refuses a partial sale but allows a full exit and a top-up to the new minimum", async function () {
        const { token, compliance, module, accounts } = await holdingsFixture();
        await configureModule(compliance, accounts.owner, module, "setMinimumHolding", [200_000n]);
        await expect(token.connect(accounts.bob).transfer(accounts.alice.address, 10_000n))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.bob.address, accounts.alice.address, 10_000n, await module.getAddress());
        // alice's identity (200,000) tops bob up to 200,000 and would drop to 150,000: refused
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, 50_000n))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.bob.address, 50_000n, await module.getAddress());
        await token.connect(accounts.agent).mint(accounts.alice.address, 50_000n);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, 50_000n)).to.changeTokenBalance(
          token,
          accounts.bob,
          50_000n,
        );
        await expect(token.connect(accounts.bob).transfer(accounts.alice.address, 200_000n)).to.changeTokenBalance(
          token,
          accounts.bob,
          -200_000n,
        );
      });
    });
  });

  describe("token.burn()", function () {
    describe("when a partial redemption leaves the identity below the minimum", function () {
      it("burns (redemptions are not checked); the holder may then exit but not sell part", async function () {
        const { token, module, complianceAddress, accounts, identities } = await holdingsFixture();
        await expect(token.connect(accounts.agent).burn(accounts.bob.address, MIN)).to.changeTokenBalance(
          token,
          accounts.bob,
          -MIN,
        );
        expect(await module.investorBalance(complianceAddress, identities.bob)).to.equal(50_000n);
        await expect(token.connect(accounts.bob).transfer(accounts.alice.address, 10_000n))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.bob.address, accounts.alice.address, 10_000n, await module.getAddress());
        await expect(token.connect(accounts.bob).transfer(accounts.alice.address, 50_000n)).to.changeTokenBalance(
          token,
          accounts.bob,
          -50_000n,
        );
      });
    });
  });

  describe("token.forcedTransfer()", function () {
    describe("when it leaves the recipient below the minimum", function () {
      it("transfers (forced transfers are not checked) and the ledger records it", async function () {
        const { token, module, complianceAddress, accounts, identities } = await holdingsFixture();
        await expect(
          token.connect(accounts.agent).forcedTransfer(accounts.bob.address, accounts.charlie.address, 10_000n),
        ).to.changeTokenBalance(token, accounts.charlie, 10_000n);
        expect(await module.investorBalance(complianceAddress, identities.bob)).to.equal(140_000n);
        expect(await module.investorBalance(complianceAddress, identities.charlie)).to.equal(10_000n);
      });
    });
  });
});

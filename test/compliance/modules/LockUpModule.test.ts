import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { COUNTRY, TRANSFER_CHECK } from "../../../scripts/lib/constants";
import { HOOKS, configureModule, withLockUpModuleFixture } from "../../helpers/compliance-fixtures";
import { shouldBehaveLikeModule } from "./module.behavior";

const AMOUNT = 100_000n;
const ONE_DAY = 24n * 60n * 60n;

describe("LockUpModule", function () {
  shouldBehaveLikeModule({
    fixture: withLockUpModuleFixture,
    name: "LockUpModule",
    hooks: HOOKS.CHECK_TRANSFER,
    plugAndPlay: true,
    configuration: ["setLockUpEnd", [0n]],
  });

  describe(".setLockUpEnd()", function () {
    describe("when called through the compliance", function () {
      it("sets the end of that compliance and emits LockUpSet(compliance, end)", async function () {
        const { compliance, module, accounts, lockUpEnd } = await loadFixture(withLockUpModuleFixture);
        const complianceAddress = await compliance.getAddress();
        expect(await module.lockUpEnd(complianceAddress)).to.equal(lockUpEnd);
        await expect(configureModule(compliance, accounts.owner, module, "setLockUpEnd", [lockUpEnd + ONE_DAY]))
          .to.emit(module, "LockUpSet")
          .withArgs(complianceAddress, lockUpEnd + ONE_DAY);
        expect(await module.lockUpEnd(complianceAddress)).to.equal(lockUpEnd + ONE_DAY);
      });
    });
  });

  describe("token.transfer()", function () {
    describe("when the lock-up has not ended", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, accounts } = await loadFixture(withLockUpModuleFixture);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, AMOUNT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.bob.address, AMOUNT, await module.getAddress());
      });

      it("is reported by token.checkTransfer as ComplianceRefused by the module", async function () {
        const { token, module, accounts } = await loadFixture(withLockUpModuleFixture);
        const [code, refusing] = await token.checkTransfer(accounts.alice.address, accounts.bob.address, AMOUNT);
        expect(TRANSFER_CHECK[Number(code)]).to.equal("ComplianceRefused");
        expect(refusing).to.equal(await module.getAddress());
      });
    });

    describe("when the transfer is mined one second before the end", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, accounts, lockUpEnd } = await loadFixture(withLockUpModuleFixture);
        await time.setNextBlockTimestamp(lockUpEnd - 1n);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, AMOUNT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.bob.address, AMOUNT, await module.getAddress());
      });
    });

    describe("when the transfer is mined exactly at the end", function () {
      it("transfers", async function () {
        const { token, accounts, lockUpEnd } = await loadFixture(withLockUpModuleFixture);
        await time.setNextBlockTimestamp(lockUpEnd);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, AMOUNT)).to.changeTokenBalances(
          token,
          [accounts.alice, accounts.bob],
          [-AMOUNT, AMOUNT],
        );
      });
    });

    describe("when the lock-up has ended", function () {
      it("transfers", async function () {
        const { token, accounts, lockUpEnd } = await loadFixture(withLockUpModuleFixture);
        await time.increaseTo(lockUpEnd + ONE_DAY);
        await expect(token.connect(accounts.bob).transfer(accounts.alice.address, AMOUNT)).to.changeTokenBalances(
          token,
          [accounts.bob, accounts.alice],
          [-AMOUNT, AMOUNT],
        );
      });
    });

    describe("when the owner lifts the lock-up early", function () {
      it("transfers", async function () {
        const { token, compliance, module, accounts } = await loadFixture(withLockUpModuleFixture);
        await configureModule(compliance, accounts.owner, module, "setLockUpEnd", [0n]);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, AMOUNT)).to.changeTokenBalance(
          token,
          accounts.bob,
          AMOUNT,
        );
      });
    });
  });

  describe("token.transferFrom()", function () {
    describe("when the lock-up has not ended", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, accounts } = await loadFixture(withLockUpModuleFixture);
        await token.connect(accounts.alice).approve(accounts.bob.address, AMOUNT);
        await expect(token.connect(accounts.bob).transferFrom(accounts.alice.address, accounts.bob.address, AMOUNT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.bob.address, AMOUNT, await module.getAddress());
      });
    });
  });

  describe("token.mint()", function () {
    describe("when the lock-up has not ended", function () {
      it("mints (the lock-up applies to holder transfers only)", async function () {
        const { token, accounts } = await loadFixture(withLockUpModuleFixture);
        await expect(token.connect(accounts.agent).mint(accounts.charlie.address, AMOUNT)).to.changeTokenBalance(
          token,
          accounts.charlie,
          AMOUNT,
        );
      });
    });
  });

  describe("token.forcedTransfer()", function () {
    describe("when the lock-up has not ended", function () {
      it("transfers", async function () {
        const { token, accounts } = await loadFixture(withLockUpModuleFixture);
        await expect(
          token.connect(accounts.agent).forcedTransfer(accounts.alice.address, accounts.bob.address, AMOUNT),
        ).to.changeTokenBalances(token, [accounts.alice, accounts.bob], [-AMOUNT, AMOUNT]);
      });
    });
  });

  describe("token.burn()", function () {
    describe("when the lock-up has not ended", function () {
      it("burns", async function () {
        const { token, accounts } = await loadFixture(withLockUpModuleFixture);
        await expect(token.connect(accounts.agent).burn(accounts.alice.address, AMOUNT)).to.changeTokenBalance(
          token,
          accounts.alice,
          -AMOUNT,
        );
      });
    });
  });

  describe("token.recoveryAddress()", function () {
    describe("when the lock-up has not ended", function () {
      it("recovers the lost wallet's units", async function () {
        const { token, suite, accounts, identities } = await loadFixture(withLockUpModuleFixture);
        await suite.identityRegistry
          .connect(accounts.registrar)
          .registerIdentity(accounts.dave.address, identities.alice, COUNTRY.JP);
        await expect(
          token
            .connect(accounts.agent)
            .recoveryAddress(accounts.alice.address, accounts.dave.address, identities.alice),
        ).to.changeTokenBalances(token, [accounts.alice, accounts.dave], [-1_000_000n, 1_000_000n]);
      });
    });
  });
});

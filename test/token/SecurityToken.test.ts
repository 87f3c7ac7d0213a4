import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { COUNTRY, ROLES, TRANSFER_CHECK } from "../../scripts/lib/constants";
import { deployIdentity, issueClaim } from "../../scripts/lib/onchainid";
import { createSeries } from "../../scripts/lib/suite";
import { deploySuiteFixture, withBalancesFixture, withSecondWalletFixture } from "../fixtures/suite.fixture";

const MAX_SUPPLY = (1n << 80n) - 1n;

/** Balances plus a lock-up module on the series' compliance that ends in one day. */
async function withLockUpFixture() {
  const context = await loadFixture(withBalancesFixture);
  const { compliance, accounts, suite } = context;
  const lockUp = suite.modules.lockUp;
  const end = (await time.latest()) + 86_400;
  await compliance.connect(accounts.owner).addModule(await lockUp.getAddress());
  await compliance
    .connect(accounts.owner)
    .callModuleFunction(lockUp.interface.encodeFunctionData("setLockUpEnd", [end]), await lockUp.getAddress());
  return { ...context, lockUpEnd: end };
}

describe("SecurityToken", () => {
  describe("initialization", () => {
    it("carries the series' terms, registry and compliance", async () => {
      const { token, compliance, suite } = await loadFixture(deploySuiteFixture);
      expect(await token.name()).to.equal("JGB 10Y #375");
      expect(await token.symbol()).to.equal("JGB375");
      expect(await token.decimals()).to.equal(0n);
      expect(await token.version()).to.equal("kosai-1.0.0");
      expect(await token.identityRegistry()).to.equal(await suite.identityRegistry.getAddress());
      expect(await token.compliance()).to.equal(await compliance.getAddress());
      expect(await compliance.getTokenBound()).to.equal(await token.getAddress());
      expect(await token.totalSupply()).to.equal(0n);
      expect(await token.paused()).to.equal(false);
    });

    it("emits the ERC-3643 configuration events", async () => {
      const { suite, accounts } = await loadFixture(deploySuiteFixture);
      const { token, compliance, receipt } = await createSeries(suite, accounts.owner, { name: "N", symbol: "S" });
      const tokenEvents = receipt.logs
        .filter((log) => log.address === token.target)
        .map((log) => token.interface.parseLog(log)?.name);
      expect(tokenEvents).to.include.members(["UpdatedTokenInformation", "IdentityRegistryAdded", "ComplianceAdded"]);
      expect(await compliance.getTokenBound()).to.equal(token.target);
    });

    it("cannot be initialized twice", async () => {
      const { token, accounts, suite, compliance } = await loadFixture(deploySuiteFixture);
      const init = {
        owner: accounts.outsider.address,
        name: "x",
        symbol: "x",
        decimals: 0,
        identityRegistry: await suite.identityRegistry.getAddress(),
        compliance: await compliance.getAddress(),
        onchainID: ethers.ZeroAddress,
        grants: [],
      };
      await expect(token.connect(accounts.outsider).initialize(init)).to.be.revertedWithCustomError(
        token,
        "InvalidInitialization",
      );
    });
  });

  describe(".transfer()", () => {
    describe("when every rule is met", () => {
      it("moves the units and emits Transfer", async () => {
        const { token, accounts } = await loadFixture(withBalancesFixture);
        const tx = token.connect(accounts.alice).transfer(accounts.bob.address, 300n);
        await expect(tx).to.changeTokenBalances(token, [accounts.alice, accounts.bob], [-300n, 300n]);
        await expect(tx).to.emit(token, "Transfer").withArgs(accounts.alice.address, accounts.bob.address, 300n);
      });

      it("lets a holder send to themself", async () => {
        const { token, accounts } = await loadFixture(withBalancesFixture);
        await expect(token.connect(accounts.alice).transfer(accounts.alice.address, 1000n)).to.changeTokenBalance(
          token,
          accounts.alice,
          0n,
        );
      });
    });

    describe("when the token is paused", () => {
      it("reverts with TokenPaused", async () => {
        const { token, accounts } = await loadFixture(withBalancesFixture);
        await token.connect(accounts.agent).pause();
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, 1n)).to.be.revertedWithCustomError(
          token,
          "TokenPaused",
        );
      });
    });

    describe("when the sender's wallet is frozen", () => {
      it("reverts with TokenWalletFrozen(sender)", async () => {
        const { token, accounts } = await loadFixture(withBalancesFixture);
        await token.connect(accounts.agent).setAddressFrozen(accounts.alice.address, true);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, 1n))
          .to.be.revertedWithCustomError(token, "TokenWalletFrozen")
          .withArgs(accounts.alice.address);
      });
    });

    describe("when the recipient's wallet is frozen", () => {
      it("reverts with TokenWalletFrozen(recipient)", async () => {
        const { token, accounts } = await loadFixture(withBalancesFixture);
        await token.connect(accounts.agent).setAddressFrozen(accounts.bob.address, true);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, 1n))
          .to.be.revertedWithCustomError(token, "TokenWalletFrozen")
          .withArgs(accounts.bob.address);
      });
    });

    describe("when the amount exceeds the free (unfrozen) balance", () => {
      it("reverts with TokenInsufficientFreeBalance(sender, free, needed)", async () => {
        const { token, accounts } = await loadFixture(withBalancesFixture);
        await token.connect(accounts.agent).freezePartialTokens(accounts.alice.address, 400n);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, 601n))
          .to.be.revertedWithCustomError(token, "TokenInsufficientFreeBalance")
          .withArgs(accounts.alice.address, 600n, 601n);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, 600n)).to.changeTokenBalance(
          token,
          accounts.bob,
          600n,
        );
      });
    });

    describe("when the recipient is not verified", () => {
      it("reverts with TokenRecipientNotVerified(recipient)", async () => {
        const { token, accounts } = await loadFixture(withBalancesFixture);
        await expect(token.connect(accounts.alice).transfer(accounts.dave.address, 1n))
          .to.be.revertedWithCustomError(token, "TokenRecipientNotVerified")
          .withArgs(accounts.dave.address);
      });
    });

    describe("when the recipient's claim was revoked by its issuer", () => {
      it("refuses the very next transfer", async () => {
        const { token, accounts, kyc, investors } = await loadFixture(withBalancesFixture);
        const identity = investors.bob.identity;
        const [, , , signature] = await identity.getClaim(
          ethers.keccak256(
            ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [await kyc.issuer.getAddress(), 1n]),
          ),
        );
        await kyc.issuer.connect(kyc.key).revokeClaimBySignature(signature);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, 1n))
          .to.be.revertedWithCustomError(token, "TokenRecipientNotVerified")
          .withArgs(accounts.bob.address);
      });
    });

    describe("when the recipient is the zero address", () => {
      it("reverts with TokenZeroAddress and burns nothing", async () => {
        const { token, accounts } = await loadFixture(withBalancesFixture);
        await expect(
          token.connect(accounts.alice).transfer(ethers.ZeroAddress, 1n),
        ).to.be.revertedWithCustomError(token, "TokenZeroAddress");
        expect(await token.totalSupply()).to.equal(1500n);
      });
    });

    describe("when a compliance module refuses", () => {
      it("reverts with TokenTransferNotCompliant naming the module", async () => {
        const { token, accounts, suite } = await loadFixture(withLockUpFixture);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, 1n))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.bob.address, 1n, await suite.modules.lockUp.getAddress());
      });
    });

    describe("when the amount exceeds the series maximum (2^80 - 1)", () => {
      it("reverts with TokenAmountOverflow", async () => {
        const { token, accounts } = await loadFixture(withBalancesFixture);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, MAX_SUPPLY + 1n))
          .to.be.revertedWithCustomError(token, "TokenAmountOverflow")
          .withArgs(MAX_SUPPLY + 1n);
      });
    });
  });

  describe(".transferFrom()", () => {
    it("spends the allowance and applies the holder rules", async () => {
      const { token, accounts } = await loadFixture(withBalancesFixture);
      await expect(token.connect(accounts.alice).approve(accounts.outsider.address, 200n))
        .to.emit(token, "Approval")
        .withArgs(accounts.alice.address, accounts.outsider.address, 200n);
      await expect(
        token.connect(accounts.outsider).transferFrom(accounts.alice.address, accounts.bob.address, 150n),
      ).to.changeTokenBalances(token, [accounts.alice, accounts.bob], [-150n, 150n]);
      expect(await token.allowance(accounts.alice.address, accounts.outsider.address)).to.equal(50n);
      await expect(token.connect(accounts.outsider).transferFrom(accounts.alice.address, accounts.dave.address, 50n))
        .to.be.revertedWithCustomError(token, "TokenRecipientNotVerified")
        .withArgs(accounts.dave.address);
    });

    it("reverts with ERC20InsufficientAllowance beyond the allowance", async () => {
      const { token, accounts } = await loadFixture(withBalancesFixture);
      await token.connect(accounts.alice).approve(accounts.outsider.address, 10n);
      await expect(token.connect(accounts.outsider).transferFrom(accounts.alice.address, accounts.bob.address, 11n))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(accounts.outsider.address, 10n, 11n);
    });

    it("does not decrease an unlimited allowance", async () => {
      const { token, accounts } = await loadFixture(withBalancesFixture);
      await token.connect(accounts.alice).approve(accounts.outsider.address, ethers.MaxUint256);
      await token.connect(accounts.outsider).transferFrom(accounts.alice.address, accounts.bob.address, 5n);
      expect(await token.allowance(accounts.alice.address, accounts.outsider.address)).to.equal(ethers.MaxUint256);
    });

    it("cannot mint from the zero address with a zero allowance", async () => {
      const { token, accounts } = await loadFixture(withBalancesFixture);
      await expect(
        token.connect(accounts.outsider).transferFrom(ethers.ZeroAddress, accounts.bob.address, 0n),
      ).to.be.revertedWithCustomError(token, "TokenZeroAddress");
    });

    it("refuses approving the zero address", async () => {
      const { token, accounts } = await loadFixture(withBalancesFixture);
      await expect(token.connect(accounts.alice).approve(ethers.ZeroAddress, 1n))
        .to.be.revertedWithCustomError(token, "ERC20InvalidSpender")
        .withArgs(ethers.ZeroAddress);
    });
  });

  describe(".batchTransfer()", () => {
    it("moves to every recipient", async () => {
      const { token, accounts } = await loadFixture(withBalancesFixture);
      await expect(
        token.connect(accounts.alice).batchTransfer([accounts.bob.address, accounts.charlie.address], [10n, 20n]),
      ).to.changeTokenBalances(token, [accounts.alice, accounts.bob, accounts.charlie], [-30n, 10n, 20n]);
    });

    it("is all or nothing", async () => {
      const { token, accounts } = await loadFixture(withBalancesFixture);
      await expect(
        token.connect(accounts.alice).batchTransfer([accounts.bob.address, accounts.dave.address], [10n, 20n]),
      )
        .to.be.revertedWithCustomError(token, "TokenRecipientNotVerified")
        .withArgs(accounts.dave.address);
      expect(await token.balanceOf(accounts.bob.address)).to.equal(500n);
    });

    it("reverts with TokenBatchLengthMismatch on mismatched arrays", async () => {
      const { token, accounts } = await loadFixture(withBalancesFixture);
      await expect(token.connect(accounts.alice).batchTransfer([accounts.bob.address], [1n, 2n]))
        .to.be.revertedWithCustomError(token, "TokenBatchLengthMismatch")
        .withArgs(1n, 2n);
    });
  });

  describe(".mint()", () => {
    it("issues units to a verified investor", async () => {
      const { token, accounts } = await loadFixture(deploySuiteFixture);
      const tx = token.connect(accounts.agent).mint(accounts.alice.address, 50_000n);
      await expect(tx).to.emit(token, "Transfer").withArgs(ethers.ZeroAddress, accounts.alice.address, 50_000n);
      await expect(tx).to.changeTokenBalance(token, accounts.alice, 50_000n);
      expect(await token.totalSupply()).to.equal(50_000n);
    });

    it("refuses an unverified recipient", async () => {
      const { token, accounts } = await loadFixture(deploySuiteFixture);
      await expect(token.connect(accounts.agent).mint(accounts.dave.address, 1n))
        .to.be.revertedWithCustomError(token, "TokenRecipientNotVerified")
        .withArgs(accounts.dave.address);
    });

    it("refuses the zero address", async () => {
      const { token, accounts } = await loadFixture(deploySuiteFixture);
      await expect(token.connect(accounts.agent).mint(ethers.ZeroAddress, 1n)).to.be.revertedWithCustomError(
        token,
        "TokenZeroAddress",
      );
    });

    it("asks compliance (a supply cap refuses)", async () => {
      const { token, compliance, accounts, suite } = await loadFixture(deploySuiteFixture);
      const cap = suite.modules.supplyCap;
      await compliance.connect(accounts.owner).addModule(await cap.getAddress());
      await compliance
        .connect(accounts.owner)
        .callModuleFunction(cap.interface.encodeFunctionData("setSupplyCap", [100n]), await cap.getAddress());
      await token.connect(accounts.agent).mint(accounts.alice.address, 100n);
      await expect(token.connect(accounts.agent).mint(accounts.alice.address, 1n))
        .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
        .withArgs(ethers.ZeroAddress, accounts.alice.address, 1n, await cap.getAddress());
    });

    it("refuses a supply beyond 2^80 - 1 units", async () => {
      const { token, accounts } = await loadFixture(deploySuiteFixture);
      await token.connect(accounts.agent).mint(accounts.alice.address, MAX_SUPPLY);
      await expect(token.connect(accounts.agent).mint(accounts.bob.address, 1n))
        .to.be.revertedWithCustomError(token, "TokenAmountOverflow")
        .withArgs(MAX_SUPPLY + 1n);
    });

    it("works while paused", async () => {
      const { token, accounts } = await loadFixture(deploySuiteFixture);
      await token.connect(accounts.agent).pause();
      await expect(token.connect(accounts.agent).mint(accounts.alice.address, 1n)).to.changeTokenBalance(
        token,
        accounts.alice,
        1n,
      );
    });
  });

  describe(".batchMint()", () => {
    it("mints to each and checks lengths", async () => {
      const { token, accounts } = await loadFixture(deploySuiteFixture);
      await expect(
        token.connect(accounts.agent).batchMint([accounts.alice.address, accounts.bob.address], [1n, 2n]),
      ).to.changeTokenBalances(token, [accounts.alice, accounts.bob], [1n, 2n]);
      await expect(token.connect(accounts.agent).batchMint([accounts.alice.address], []))
        .to.be.revertedWithCustomError(token, "TokenBatchLengthMismatch")
        .withArgs(1n, 0n);
    });
  });

  describe(".burn()", () => {
    it("retires free units", async () => {
      const { token, accounts } = await loadFixture(withBalancesFixture);
      await expect(token.connect(accounts.agent).burn(accounts.alice.address, 400n))
        .to.emit(token, "Transfer")
        .withArgs(accounts.alice.address, ethers.ZeroAddress, 400n);
      expect(await token.totalSupply()).to.equal(1100n);
    });

    it("never burns frozen units", async () => {
      const { token, accounts } = await loadFixture(withBalancesFixture);
      await token.connect(accounts.agent).freezePartialTokens(accounts.alice.address, 700n);
      await expect(token.connect(accounts.agent).burn(accounts.alice.address, 301n))
        .to.be.revertedWithCustomError(token, "TokenInsufficientFreeBalance")
        .withArgs(accounts.alice.address, 300n, 301n);
      expect(await token.getFrozenTokens(accounts.alice.address)).to.equal(700n);
    });

    it("refuses the zero address", async () => {
      const { token, accounts } = await loadFixture(withBalancesFixture);
      await expect(token.connect(accounts.agent).burn(ethers.ZeroAddress, 1n)).to.be.revertedWithCustomError(
        token,
        "TokenZeroAddress",
      );
    });

    it("batchBurn burns from each and checks lengths", async () => {
      const { token, accounts } = await loadFixture(withBalancesFixture);
      await expect(
        token.connect(accounts.agent).batchBurn([accounts.alice.address, accounts.bob.address], [1n, 2n]),
      ).to.changeTokenBalances(token, [accounts.alice, accounts.bob], [-1n, -2n]);
      await expect(token.connect(accounts.agent).batchBurn([], [1n]))
        .to.be.revertedWithCustomError(token, "TokenBatchLengthMismatch")
        .withArgs(0n, 1n);
    });
  });

  describe(".forcedTransfer()", () => {
    it("moves free units, emits TransferForced, and ignores pause, wallet freezes and compliance checks", async () => {
      const { token, accounts } = await loadFixture(withLockUpFixture);
      await token.connect(accounts.agent).pause();
      await token.connect(accounts.agent).setAddressFrozen(accounts.alice.address, true);
      const tx = token.connect(accounts.agent).forcedTransfer(accounts.alice.address, accounts.bob.address, 100n);
      await expect(tx)
        .to.emit(token, "TransferForced")
        .withArgs(accounts.agent.address, accounts.alice.address, accounts.bob.address, 100n);
      await expect(tx).to.changeTokenBalances(token, [accounts.alice, accounts.bob], [-100n, 100n]);
    });

    it("never moves frozen units (a freeze holds, unlike T-REX)", async () => {
      const { token, accounts } = await loadFixture(withBalancesFixture);
      await token.connect(accounts.agent).freezePartialTokens(accounts.alice.address, 900n);
      await expect(token.connect(accounts.agent).forcedTransfer(accounts.alice.address, accounts.bob.address, 101n))
        .to.be.revertedWithCustomError(token, "TokenInsufficientFreeBalance")
        .withArgs(accounts.alice.address, 100n, 101n);
      expect(await token.getFrozenTokens(accounts.alice.address)).to.equal(900n);
    });

    it("requires a verified recipient", async () => {
      const { token, accounts } = await loadFixture(withBalancesFixture);
      await expect(token.connect(accounts.agent).forcedTransfer(accounts.alice.address, accounts.dave.address, 1n))
        .to.be.revertedWithCustomError(token, "TokenRecipientNotVerified")
        .withArgs(accounts.dave.address);
    });

    it("refuses zero addresses", async () => {
      const { token, accounts } = await loadFixture(withBalancesFixture);
      await expect(
        token.connect(accounts.agent).forcedTransfer(ethers.ZeroAddress, accounts.bob.address, 1n),
      ).to.be.revertedWithCustomError(token, "TokenZeroAddress");
      await expect(
        token.connect(accounts.agent).forcedTransfer(accounts.alice.address, ethers.ZeroAddress, 1n),
      ).to.be.revertedWithCustomError(token, "TokenZeroAddress");
    });

    it("batchForcedTransfer is all or nothing and checks lengths", async () => {
      const { token, accounts } = await loadFixture(withBalancesFixture);
      await expect(
        token
          .connect(accounts.agent)
          .batchForcedTransfer(
            [accounts.alice.address, accounts.bob.address],
            [accounts.charlie.address, accounts.charlie.address],
            [10n, 20n],
          ),
      ).to.changeTokenBalance(token, accounts.charlie, 30n);
      await expect(
        token
          .connect(accounts.agent)
          .batchForcedTransfer([accounts.alice.address], [accounts.bob.address, accounts.charlie.address], [1n]),
      )
        .to.be.revertedWithCustomError(token, "TokenBatchLengthMismatch")
        .withArgs(1n, 2n);
      await expect(
        token
          .connect(accounts.agent)
          .batchForcedTransfer([accounts.alice.address], [accounts.bob.address], [1n, 2n]),
      )
        .to.be.revertedWithCustomError(token, "TokenBatchLengthMismatch")
        .withArgs(1n, 2n);
    });
  });

  describe("freezing", () => {
    it("setAddressFrozen freezes and unfreezes a wallet with AddressFrozen", async () => {
      const { token, accounts } = await loadFixture(withBalancesFixture);
      await expect(token.connect(accounts.agent).setAddressFrozen(accounts.alice.address, true))
        .to.emit(token, "AddressFrozen")
        .withArgs(accounts.alice.address, true, accounts.agent.address);
      expect(await token.isFrozen(accounts.alice.address)).to.equal(true);
      await expect(token.connect(accounts.agent).setAddressFrozen(accounts.alice.address, false))
        .to.emit(token, "AddressFrozen")
        .withArgs(accounts.alice.address, false, accounts.agent.address);
      await expect(token.connect(accounts.alice).transfer(accounts.bob.address, 1n)).to.changeTokenBalance(
        token,
        accounts.bob,
        1n,
      );
    });

    it("setAddressFrozen refuses the zero address", async () => {
      const { token, accounts } = await loadFixture(withBalancesFixture);
      await expect(
        token.connect(accounts.agent).setAddressFrozen(ethers.ZeroAddress, true),
      ).to.be.revertedWithCustomError(token, "TokenZeroAddress");
    });

    it("freezePartialTokens accumulates up to the balance", async () => {
      const { token, accounts } = await loadFixture(withBalancesFixture);
      await expect(token.connect(accounts.agent).freezePartialTokens(accounts.alice.address, 600n))
        .to.emit(token, "TokensFrozen")
        .withArgs(accounts.alice.address, 600n);
      await expect(token.connect(accounts.agent).freezePartialTokens(accounts.alice.address, 401n))
        .to.be.revertedWithCustomError(token, "TokenFreezeExceedsBalance")
        .withArgs(accounts.alice.address, 1000n, 1001n);
      expect(await token.getFrozenTokens(accounts.alice.address)).to.equal(600n);
      expect(await token.freeBalanceOf(accounts.alice.address)).to.equal(400n);
    });

    it("unfreezePartialTokens releases at most what is frozen", async () => {
      const { token, accounts } = await loadFixture(withBalancesFixture);
      await token.connect(accounts.agent).freezePartialTokens(accounts.alice.address, 600n);
      await expect(token.connect(accounts.agent).unfreezePartialTokens(accounts.alice.address, 601n))
        .to.be.revertedWithCustomError(token, "TokenUnfreezeExceedsFrozen")
        .withArgs(accounts.alice.address, 600n, 601n);
      await expect(token.connect(accounts.agent).unfreezePartialTokens(accounts.alice.address, 200n))
        .to.emit(token, "TokensUnfrozen")
        .withArgs(accounts.alice.address, 200n);
      expect(await token.getFrozenTokens(accounts.alice.address)).to.equal(400n);
    });

    it("batch variants apply to each wallet and check lengths", async () => {
      const { token, accounts } = await loadFixture(withBalancesFixture);
      const wallets = [accounts.alice.address, accounts.bob.address];
      await token.connect(accounts.agent).batchSetAddressFrozen(wallets, [true, false]);
      expect(await token.isFrozen(accounts.alice.address)).to.equal(true);
      expect(await token.isFrozen(accounts.bob.address)).to.equal(false);
      await token.connect(accounts.agent).batchFreezePartialTokens(wallets, [10n, 20n]);
      expect(await token.getFrozenTokens(accounts.bob.address)).to.equal(20n);
      await token.connect(accounts.agent).batchUnfreezePartialTokens(wallets, [10n, 5n]);
      expect(await token.getFrozenTokens(accounts.bob.address)).to.equal(15n);
      await expect(token.connect(accounts.agent).batchSetAddressFrozen(wallets, [true]))
        .to.be.revertedWithCustomError(token, "TokenBatchLengthMismatch")
        .withArgs(2n, 1n);
      await expect(token.connect(accounts.agent).batchFreezePartialTokens(wallets, [1n]))
        .to.be.revertedWithCustomError(token, "TokenBatchLengthMismatch")
        .withArgs(2n, 1n);
      await expect(token.connect(accounts.agent).batchUnfreezePartialTokens(wallets, [1n]))
        .to.be.revertedWithCustomError(token, "TokenBatchLengthMismatch")
        .withArgs(2n, 1n);
    });
  });

  describe("pausing", () => {
    it("pause and unpause emit their events and refuse repetition", async () => {
      const { token, accounts } = await loadFixture(withBalancesFixture);
      await expect(token.connect(accounts.agent).pause()).to.emit(token, "Paused").withArgs(accounts.agent.address);
      expect(await token.paused()).to.equal(true);
      await expect(token.connect(accounts.agent).pause()).to.be.revertedWithCustomError(token, "TokenPaused");
      await expect(token.connect(accounts.agent).unpause())
        .to.emit(token, "Unpaused")
        .withArgs(accounts.agent.address);
      await expect(token.connect(accounts.agent).unpause()).to.be.revertedWithCustomError(token, "TokenNotPaused");
    });

    it("blocks transferFrom and batchTransfer too", async () => {
      const { token, accounts } = await loadFixture(withBalancesFixture);
      await token.connect(accounts.alice).approve(accounts.outsider.address, 10n);
      await token.connect(accounts.agent).pause();
      await expect(
        token.connect(accounts.outsider).transferFrom(accounts.alice.address, accounts.bob.address, 1n),
      ).to.be.revertedWithCustomError(token, "TokenPaused");
      await expect(
        token.connect(accounts.alice).batchTransfer([accounts.bob.address], [1n]),
      ).to.be.revertedWithCustomError(token, "TokenPaused");
    });
  });

  describe(".recoveryAddress()", () => {
    describe("when the new wallet is registered to the same identity", () => {
      it("moves balance, frozen units and wallet freeze, and freezes the lost wallet", async () => {
        const { token, accounts, investors } = await loadFixture(withSecondWalletFixture);
        const identity = await investors.alice.identity.getAddress();
        await token.connect(accounts.agent).freezePartialTokens(accounts.alice.address, 300n);
        const tx = token.connect(accounts.agent).recoveryAddress(accounts.alice.address, accounts.dave.address, identity);
        await expect(tx)
          .to.emit(token, "RecoverySuccess")
          .withArgs(accounts.alice.address, accounts.dave.address, identity);
        await expect(tx).to.emit(token, "TokensUnfrozen").withArgs(accounts.alice.address, 300n);
        await expect(tx).to.emit(token, "TokensFrozen").withArgs(accounts.dave.address, 300n);
        await expect(tx)
          .to.emit(token, "AddressFrozen")
          .withArgs(accounts.alice.address, true, accounts.agent.address);
        await expect(tx).to.changeTokenBalances(token, [accounts.alice, accounts.dave], [-1000n, 1000n]);
        expect(await token.getFrozenTokens(accounts.dave.address)).to.equal(300n);
        expect(await token.getFrozenTokens(accounts.alice.address)).to.equal(0n);
        expect(await token.isFrozen(accounts.alice.address)).to.equal(true);
        expect(await token.isFrozen(accounts.dave.address)).to.equal(false);
      });

      it("keeps a frozen wallet frozen on the new wallet", async () => {
        const { token, accounts, investors } = await loadFixture(withSecondWalletFixture);
        await token.connect(accounts.agent).setAddressFrozen(accounts.alice.address, true);
        await token
          .connect(accounts.agent)
          .recoveryAddress(accounts.alice.address, accounts.dave.address, await investors.alice.identity.getAddress());
        expect(await token.isFrozen(accounts.dave.address)).to.equal(true);
      });
    });

    describe("when the new wallet belongs to another identity or none", () => {
      it("reverts with TokenRecoveryIdentityMismatch", async () => {
        const { token, accounts, investors } = await loadFixture(withBalancesFixture);
        const aliceId = await investors.alice.identity.getAddress();
        const bobId = await investors.bob.identity.getAddress();
        await expect(
          token.connect(accounts.agent).recoveryAddress(accounts.alice.address, accounts.bob.address, aliceId),
        )
          .to.be.revertedWithCustomError(token, "TokenRecoveryIdentityMismatch")
          .withArgs(accounts.bob.address, aliceId, bobId);
        await expect(
          token.connect(accounts.agent).recoveryAddress(accounts.alice.address, accounts.dave.address, aliceId),
        )
          .to.be.revertedWithCustomError(token, "TokenRecoveryIdentityMismatch")
          .withArgs(accounts.dave.address, aliceId, ethers.ZeroAddress);
      });
    });

    describe("when the lost wallet is not the named identity's", () => {
      it("reverts with TokenRecoveryIdentityMismatch for the lost wallet", async () => {
        const { token, accounts, investors } = await loadFixture(withSecondWalletFixture);
        const bobId = await investors.bob.identity.getAddress();
        const aliceId = await investors.alice.identity.getAddress();
        await expect(token.connect(accounts.agent).recoveryAddress(accounts.alice.address, accounts.dave.address, bobId))
          .to.be.revertedWithCustomError(token, "TokenRecoveryIdentityMismatch")
          .withArgs(accounts.alice.address, bobId, aliceId);
      });
    });

    describe("when the lost wallet holds nothing", () => {
      it("reverts with TokenRecoveryNothingToRecover", async () => {
        const { token, accounts, investors } = await loadFixture(withSecondWalletFixture);
        await expect(
          token
            .connect(accounts.agent)
            .recoveryAddress(accounts.dave.address, accounts.alice.address, await investors.alice.identity.getAddress()),
        )
          .to.be.revertedWithCustomError(token, "TokenRecoveryNothingToRecover")
          .withArgs(accounts.dave.address);
      });
    });

    describe("when an address is zero", () => {
      it("reverts with TokenZeroAddress", async () => {
        const { token, accounts, investors } = await loadFixture(withSecondWalletFixture);
        const aliceId = await investors.alice.identity.getAddress();
        await expect(
          token.connect(accounts.agent).recoveryAddress(accounts.alice.address, ethers.ZeroAddress, aliceId),
        ).to.be.revertedWithCustomError(token, "TokenZeroAddress");
        await expect(
          token.connect(accounts.agent).recoveryAddress(accounts.alice.address, accounts.dave.address, ethers.ZeroAddress),
        ).to.be.revertedWithCustomError(token, "TokenZeroAddress");
      });
    });
  });

  describe(".checkTransfer()", () => {
    async function reason(
      token: Awaited<ReturnType<typeof deploySuiteFixture>>["token"],
      from: string,
      to: string,
      amount: bigint,
    ) {
      const [code, module] = await token.checkTransfer(from, to, amount);
      return { code: TRANSFER_CHECK[Number(code)], module };
    }

    it("names each rule that would refuse, in the order the transfer applies them", async () => {
      const { token, accounts, suite } = await loadFixture(withLockUpFixture);
      const { alice, bob, dave, agent } = accounts;
      expect(await reason(token, alice.address, ethers.ZeroAddress, 1n)).to.deep.equal({
        code: "ZeroAddress",
        module: ethers.ZeroAddress,
      });
      expect((await reason(token, alice.address, bob.address, 1n)).code).to.equal("ComplianceRefused");
      expect((await reason(token, alice.address, bob.address, 1n)).module).to.equal(
        await suite.modules.lockUp.getAddress(),
      );
      expect((await reason(token, alice.address, dave.address, 1n)).code).to.equal("RecipientNotVerified");
      expect((await reason(token, alice.address, bob.address, 1001n)).code).to.equal("InsufficientFreeBalance");
      await token.connect(agent).setAddressFrozen(bob.address, true);
      expect((await reason(token, alice.address, bob.address, 1n)).code).to.equal("RecipientFrozen");
      await token.connect(agent).setAddressFrozen(alice.address, true);
      expect((await reason(token, alice.address, bob.address, 1n)).code).to.equal("SenderFrozen");
      await token.connect(agent).pause();
      expect((await reason(token, alice.address, bob.address, 1n)).code).to.equal("Paused");
    });

    it("answers Ok when the transfer would pass", async () => {
      const { token, accounts } = await loadFixture(withBalancesFixture);
      expect(await reason(token, accounts.alice.address, accounts.bob.address, 1000n)).to.deep.equal({
        code: "Ok",
        module: ethers.ZeroAddress,
      });
    });
  });

  describe("owner configuration", () => {
    it("setName, setSymbol and setOnchainID emit UpdatedTokenInformation", async () => {
      const { token, accounts } = await loadFixture(deploySuiteFixture);
      await expect(token.connect(accounts.owner).setName("JGB 10Y #376"))
        .to.emit(token, "UpdatedTokenInformation")
        .withArgs("JGB 10Y #376", "JGB375", 0n, "kosai-1.0.0", ethers.ZeroAddress);
      await expect(token.connect(accounts.owner).setSymbol("JGB376"))
        .to.emit(token, "UpdatedTokenInformation")
        .withArgs("JGB 10Y #376", "JGB376", 0n, "kosai-1.0.0", ethers.ZeroAddress);
      await expect(token.connect(accounts.owner).setOnchainID(accounts.outsider.address))
        .to.emit(token, "UpdatedTokenInformation")
        .withArgs("JGB 10Y #376", "JGB376", 0n, "kosai-1.0.0", accounts.outsider.address);
      expect(await token.onchainID()).to.equal(accounts.outsider.address);
    });

    it("setIdentityRegistry replaces the registry and refuses zero", async () => {
      const { token, accounts } = await loadFixture(deploySuiteFixture);
      await expect(token.connect(accounts.owner).setIdentityRegistry(accounts.outsider.address))
        .to.emit(token, "IdentityRegistryAdded")
        .withArgs(accounts.outsider.address);
      await expect(
        token.connect(accounts.owner).setIdentityRegistry(ethers.ZeroAddress),
      ).to.be.revertedWithCustomError(token, "TokenZeroAddress");
    });

    it("setCompliance unbinds the old compliance, binds the new one and adopts its hooks", async () => {
      const { token, compliance, accounts, suite } = await loadFixture(withBalancesFixture);
      const fresh = await createSeries(suite, accounts.owner, { name: "tmp", symbol: "T" });
      // a compliance bound to nobody: unbind the fresh series' one from its token first
      await fresh.compliance.connect(accounts.owner).unbindToken(await fresh.token.getAddress());
      const lockUp = suite.modules.lockUp;
      await fresh.compliance.connect(accounts.owner).addModule(await lockUp.getAddress());
      await fresh.compliance
        .connect(accounts.owner)
        .callModuleFunction(
          lockUp.interface.encodeFunctionData("setLockUpEnd", [(await time.latest()) + 1000]),
          await lockUp.getAddress(),
        );
      await expect(token.connect(accounts.owner).setCompliance(await fresh.compliance.getAddress()))
        .to.emit(compliance, "TokenUnbound")
        .withArgs(await token.getAddress())
        .and.to.emit(token, "ComplianceAdded")
        .withArgs(await fresh.compliance.getAddress());
      expect(await compliance.getTokenBound()).to.equal(ethers.ZeroAddress);
      expect(await fresh.compliance.getTokenBound()).to.equal(await token.getAddress());
      await expect(
        token.connect(accounts.alice).transfer(accounts.bob.address, 1n),
      ).to.be.revertedWithCustomError(token, "TokenTransferNotCompliant");
    });

    it("setCompliance refuses zero", async () => {
      const { token, accounts } = await loadFixture(deploySuiteFixture);
      await expect(token.connect(accounts.owner).setCompliance(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        token,
        "TokenZeroAddress",
      );
    });

    it("addAgent grants and removeAgent revokes every agent role", async () => {
      const { token, accounts } = await loadFixture(deploySuiteFixture);
      const who = accounts.outsider.address;
      expect(await token.isAgent(who)).to.equal(false);
      await expect(token.connect(accounts.owner).addAgent(who))
        .to.emit(token, "RoleGranted")
        .withArgs(ROLES.SUPPLY_AGENT, who, accounts.owner.address);
      for (const role of [ROLES.SUPPLY_AGENT, ROLES.FREEZE_AGENT, ROLES.TRANSFER_AGENT, ROLES.RECOVERY_AGENT, ROLES.PAUSE_AGENT]) {
        expect(await token.hasRole(role, who)).to.equal(true);
      }
      expect(await token.isAgent(who)).to.equal(true);
      await token.connect(accounts.owner).removeAgent(who);
      expect(await token.isAgent(who)).to.equal(false);
    });

    it("only the compliance can push its hook mask", async () => {
      const { token, accounts } = await loadFixture(deploySuiteFixture);
      await expect(token.connect(accounts.outsider).onComplianceHooksChanged(0))
        .to.be.revertedWithCustomError(token, "TokenCallerNotCompliance")
        .withArgs(accounts.outsider.address);
    });

    it("the owner is the default admin, handed over in two steps (grant, then the new admin revokes the old)", async () => {
      const { token, accounts } = await loadFixture(deploySuiteFixture);
      const admin = await token.DEFAULT_ADMIN_ROLE();
      expect(await token.hasRole(admin, accounts.owner.address)).to.equal(true);
      await expect(token.connect(accounts.owner).grantRole(admin, accounts.outsider.address))
        .to.emit(token, "RoleGranted")
        .withArgs(admin, accounts.outsider.address, accounts.owner.address);
      await token.connect(accounts.outsider).revokeRole(admin, accounts.owner.address);
      expect(await token.hasRole(admin, accounts.owner.address)).to.equal(false);
      await expect(token.connect(accounts.owner).setName("x"))
        .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
        .withArgs(accounts.owner.address, admin);
    });
  });

  describe("identity-level scenarios", () => {
    it("a wallet whose identity is deleted from the registry can no longer receive", async () => {
      const { token, accounts, suite } = await loadFixture(withBalancesFixture);
      await suite.identityRegistry.connect(accounts.registrar).deleteIdentity(accounts.bob.address);
      await expect(token.connect(accounts.alice).transfer(accounts.bob.address, 1n))
        .to.be.revertedWithCustomError(token, "TokenRecipientNotVerified")
        .withArgs(accounts.bob.address);
      // but can still send what it holds (ERC-3643: only the recipient must be verified)
      await expect(token.connect(accounts.bob).transfer(accounts.alice.address, 1n)).to.changeTokenBalance(
        token,
        accounts.alice,
        1n,
      );
    });

    it("a freshly onboarded investor can receive at once", async () => {
      const { token, accounts, suite, kyc } = await loadFixture(withBalancesFixture);
      const identity = await deployIdentity(accounts.eve);
      await issueClaim({ identity, identityOwner: accounts.eve, issuer: kyc.issuer, issuerKey: kyc.key, topic: 1n });
      await suite.identityRegistry
        .connect(accounts.registrar)
        .registerIdentity(accounts.eve.address, await identity.getAddress(), COUNTRY.SG);
      await expect(token.connect(accounts.alice).transfer(accounts.eve.address, 5n)).to.changeTokenBalance(
        token,
        accounts.eve,
        5n,
      );
    });
  });
});

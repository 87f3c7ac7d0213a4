import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { COUNTRY } from "../../../scripts/lib/constants";
import { HOOKS, JGB_UNIT, configureModule, withCountryBlockModuleFixture } from "../../helpers/compliance-fixtures";
import { shouldBehaveLikeModule } from "./module.behavior";

const ZERO = ethers.ZeroAddress;

describe("CountryBlockModule", function () {
  shouldBehaveLikeModule({
    fixture: withCountryBlockModuleFixture,
    name: "CountryBlockModule",
    hooks: HOOKS.CHECK_TRANSFER | HOOKS.CHECK_MINT,
    plugAndPlay: true,
    configuration: ["listCountries", [[COUNTRY.KP]]],
  });

  describe(".listCountries()", function () {
    describe("when the country is not blocked yet", function () {
      it("blocks it and emits CountryListed(compliance, country)", async function () {
        const { compliance, module, accounts } = await loadFixture(withCountryBlockModuleFixture);
        const complianceAddress = await compliance.getAddress();
        await expect(configureModule(compliance, accounts.owner, module, "listCountries", [[COUNTRY.KP]]))
          .to.emit(module, "CountryListed")
          .withArgs(complianceAddress, COUNTRY.KP);
        expect(await module.isCountryListed(complianceAddress, COUNTRY.KP)).to.equal(true);
      });
    });

    describe("when the country is already blocked", function () {
      it("reverts with CountryAlreadyListed(compliance, country)", async function () {
        const { compliance, module, accounts } = await loadFixture(withCountryBlockModuleFixture);
        await expect(configureModule(compliance, accounts.owner, module, "listCountries", [[COUNTRY.US]]))
          .to.be.revertedWithCustomError(module, "CountryAlreadyListed")
          .withArgs(await compliance.getAddress(), COUNTRY.US);
      });
    });
  });

  describe(".unlistCountries()", function () {
    describe("when the country is blocked", function () {
      it("unblocks it and emits CountryUnlisted(compliance, country)", async function () {
        const { compliance, module, accounts } = await loadFixture(withCountryBlockModuleFixture);
        const complianceAddress = await compliance.getAddress();
        await expect(configureModule(compliance, accounts.owner, module, "unlistCountries", [[COUNTRY.US]]))
          .to.emit(module, "CountryUnlisted")
          .withArgs(complianceAddress, COUNTRY.US);
        expect(await module.isCountryListed(complianceAddress, COUNTRY.US)).to.equal(false);
      });
    });

    describe("when the country is not blocked", function () {
      it("reverts with CountryNotListed(compliance, country)", async function () {
        const { compliance, module, accounts } = await loadFixture(withCountryBlockModuleFixture);
        await expect(configureModule(compliance, accounts.owner, module, "unlistCountries", [[COUNTRY.JP]]))
          .to.be.revertedWithCustomError(module, "CountryNotListed")
          .withArgs(await compliance.getAddress(), COUNTRY.JP);
      });
    });
  });

  describe("token.mint()", function () {
    describe("when the recipient's country is blocked", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, accounts } = await loadFixture(withCountryBlockModuleFixture);
        await expect(token.connect(accounts.agent).mint(accounts.charlie.address, JGB_UNIT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(ZERO, accounts.charlie.address, JGB_UNIT, await module.getAddress());
      });
    });

    describe("when the recipient's country is not blocked", function () {
      it("mints", async function () {
        const { token, accounts } = await loadFixture(withCountryBlockModuleFixture);
        await expect(token.connect(accounts.agent).mint(accounts.alice.address, JGB_UNIT)).to.changeTokenBalance(
          token,
          accounts.alice,
          JGB_UNIT,
        );
      });
    });
  });

  describe("token.transfer()", function () {
    describe("when the recipient's country is blocked", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, accounts } = await loadFixture(withCountryBlockModuleFixture);
        await token.connect(accounts.agent).mint(accounts.alice.address, 2n * JGB_UNIT);
        await expect(token.connect(accounts.alice).transfer(accounts.charlie.address, JGB_UNIT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.charlie.address, JGB_UNIT, await module.getAddress());
      });
    });

    describe("when the recipient's country is not blocked", function () {
      it("transfers", async function () {
        const { token, accounts } = await loadFixture(withCountryBlockModuleFixture);
        await token.connect(accounts.agent).mint(accounts.alice.address, 2n * JGB_UNIT);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, JGB_UNIT)).to.changeTokenBalances(
          token,
          [accounts.alice, accounts.bob],
          [-JGB_UNIT, JGB_UNIT],
        );
      });
    });

    describe("when the recipient's country is unblocked", function () {
      it("transfers", async function () {
        const { token, compliance, module, accounts } = await loadFixture(withCountryBlockModuleFixture);
        await token.connect(accounts.agent).mint(accounts.alice.address, 2n * JGB_UNIT);
        await configureModule(compliance, accounts.owner, module, "unlistCountries", [[COUNTRY.US]]);
        await expect(token.connect(accounts.alice).transfer(accounts.charlie.address, JGB_UNIT)).to.changeTokenBalance(
          token,
          accounts.charlie,
          JGB_UNIT,
        );
      });
    });

    describe("when the registrar moves the recipient to a blocked country", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, suite, module, accounts } = await loadFixture(withCountryBlockModuleFixture);
        await token.connect(accounts.agent).mint(accounts.alice.address, 2n * JGB_UNIT);
        await suite.identityRegistry.connect(accounts.registrar).updateCountry(accounts.bob.address, COUNTRY.US);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, JGB_UNIT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.bob.address, JGB_UNIT, await module.getAddress());
      });
    });
  });

  describe("token.forcedTransfer()", function () {
    describe("when the recipient's country is blocked", function () {
      it("transfers (forced transfers are not checked by compliance)", async function () {
        const { token, accounts } = await loadFixture(withCountryBlockModuleFixture);
        await token.connect(accounts.agent).mint(accounts.alice.address, 2n * JGB_UNIT);
        await expect(
          token.connect(accounts.agent).forcedTransfer(accounts.alice.address, accounts.charlie.address, JGB_UNIT),
        ).to.changeTokenBalances(token, [accounts.alice, accounts.charlie], [-JGB_UNIT, JGB_UNIT]);
      });
    });
  });
});

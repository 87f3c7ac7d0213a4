import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { COUNTRY } from "../../../scripts/lib/constants";
import { createSeries } from "../../../scripts/lib/suite";
import { HOOKS, JGB_UNIT, configureModule, withCountryAllowModuleFixture } from "../../helpers/compliance-fixtures";
import { shouldBehaveLikeModule } from "./module.behavior";
import { transferContextOf } from "../../helpers/transfer-context";

const ZERO = ethers.ZeroAddress;

describe("CountryAllowModule", function () {
  shouldBehaveLikeModule({
    fixture: withCountryAllowModuleFixture,
    name: "CountryAllowModule",
    hooks: HOOKS.CHECK_TRANSFER | HOOKS.CHECK_MINT,
    plugAndPlay: true,
    configuration: ["listCountries", [[COUNTRY.SG]]],
  });

  describe(".listCountries()", function () {
    describe("when the countries are not listed yet", function () {
      it("lists each one and emits CountryListed(compliance, country)", async function () {
        const { compliance, module, accounts } = await loadFixture(withCountryAllowModuleFixture);
        const complianceAddress = await compliance.getAddress();
        await expect(configureModule(compliance, accounts.owner, module, "listCountries", [[COUNTRY.US, COUNTRY.SG]]))
          .to.emit(module, "CountryListed")
          .withArgs(complianceAddress, COUNTRY.US)
          .and.to.emit(module, "CountryListed")
          .withArgs(complianceAddress, COUNTRY.SG);
        expect(await module.isCountryListed(complianceAddress, COUNTRY.US)).to.equal(true);
        expect(await module.isCountryListed(complianceAddress, COUNTRY.SG)).to.equal(true);
      });
    });

    describe("when a country is already listed", function () {
      it("reverts with CountryAlreadyListed(compliance, country)", async function () {
        const { compliance, module, accounts } = await loadFixture(withCountryAllowModuleFixture);
        await expect(configureModule(compliance, accounts.owner, module, "listCountries", [[COUNTRY.US, COUNTRY.JP]]))
          .to.be.revertedWithCustomError(module, "CountryAlreadyListed")
          .withArgs(await compliance.getAddress(), COUNTRY.JP);
        expect(await module.isCountryListed(await compliance.getAddress(), COUNTRY.US)).to.equal(false);
      });
    });

    describe("when the same country appears twice in one call", function () {
      it("reverts with CountryAlreadyListed(compliance, country)", async function () {
        const { compliance, module, accounts } = await loadFixture(withCountryAllowModuleFixture);
        await expect(configureModule(compliance, accounts.owner, module, "listCountries", [[COUNTRY.SG, COUNTRY.SG]]))
          .to.be.revertedWithCustomError(module, "CountryAlreadyListed")
          .withArgs(await compliance.getAddress(), COUNTRY.SG);
      });
    });
  });

  describe(".unlistCountries()", function () {
    describe("when the country is listed", function () {
      it("unlists it and emits CountryUnlisted(compliance, country)", async function () {
        const { compliance, module, accounts } = await loadFixture(withCountryAllowModuleFixture);
        const complianceAddress = await compliance.getAddress();
        await expect(configureModule(compliance, accounts.owner, module, "unlistCountries", [[COUNTRY.JP]]))
          .to.emit(module, "CountryUnlisted")
          .withArgs(complianceAddress, COUNTRY.JP);
        expect(await module.isCountryListed(complianceAddress, COUNTRY.JP)).to.equal(false);
      });
    });

    describe("when the country is not listed", function () {
      it("reverts with CountryNotListed(compliance, country)", async function () {
        const { compliance, module, accounts } = await loadFixture(withCountryAllowModuleFixture);
        await expect(configureModule(compliance, accounts.owner, module, "unlistCountries", [[COUNTRY.US]]))
          .to.be.revertedWithCustomError(module, "CountryNotListed")
          .withArgs(await compliance.getAddress(), COUNTRY.US);
      });
    });
  });

  describe(".isCountryListed()", function () {
    describe("when another compliance uses the same module", function () {
      it("keeps a separate list per compliance", async function () {
        const { compliance, module, suite, accounts } = await loadFixture(withCountryAllowModuleFixture);
        const other = await createSeries(suite, accounts.owner, {
          name: "JGB 2Y #460",
          symbol: "JGB460",
          modules: [
            {
              module: await module.getAddress(),
              calls: [module.interface.encodeFunctionData("listCountries", [[COUNTRY.US]])],
            },
          ],
        });
        const otherAddress = await other.compliance.getAddress();
        expect(await module.isCountryListed(otherAddress, COUNTRY.US)).to.equal(true);
        expect(await module.isCountryListed(otherAddress, COUNTRY.JP)).to.equal(false);
        expect(await module.isCountryListed(await compliance.getAddress(), COUNTRY.US)).to.equal(false);
        expect(await module.isCountryListed(await compliance.getAddress(), COUNTRY.JP)).to.equal(true);
      });
    });
  });

  describe("token.mint()", function () {
    describe("when the recipient's registered country is listed", function () {
      it("mints", async function () {
        const { token, accounts } = await loadFixture(withCountryAllowModuleFixture);
        await expect(token.connect(accounts.agent).mint(accounts.alice.address, JGB_UNIT)).to.changeTokenBalance(
          token,
          accounts.alice,
          JGB_UNIT,
        );
      });
    });

    describe("when the recipient's registered country is not listed", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, accounts } = await loadFixture(withCountryAllowModuleFixture);
        await expect(token.connect(accounts.agent).mint(accounts.charlie.address, JGB_UNIT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(ZERO, accounts.charlie.address, JGB_UNIT, await module.getAddress());
      });
    });
  });

  describe("token.transfer()", function () {
    describe("when the recipient's registered country is listed", function () {
      it("transfers", async function () {
        const { token, accounts } = await loadFixture(withCountryAllowModuleFixture);
        await token.connect(accounts.agent).mint(accounts.alice.address, 2n * JGB_UNIT);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, JGB_UNIT)).to.changeTokenBalances(
          token,
          [accounts.alice, accounts.bob],
          [-JGB_UNIT, JGB_UNIT],
        );
      });
    });

    describe("when the recipient's registered country is not listed", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, module, accounts } = await loadFixture(withCountryAllowModuleFixture);
        await token.connect(accounts.agent).mint(accounts.alice.address, 2n * JGB_UNIT);
        await expect(token.connect(accounts.alice).transfer(accounts.charlie.address, JGB_UNIT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.charlie.address, JGB_UNIT, await module.getAddress());
      });
    });

    describe("when the recipient's country is listed afterwards", function () {
      it("transfers", async function () {
        const { token, compliance, module, accounts } = await loadFixture(withCountryAllowModuleFixture);
        await token.connect(accounts.agent).mint(accounts.alice.address, 2n * JGB_UNIT);
        await configureModule(compliance, accounts.owner, module, "listCountries", [[COUNTRY.US]]);
        await expect(token.connect(accounts.alice).transfer(accounts.charlie.address, JGB_UNIT)).to.changeTokenBalance(
          token,
          accounts.charlie,
          JGB_UNIT,
        );
      });
    });

    describe("when the recipient's country is unlisted", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, compliance, module, accounts } = await loadFixture(withCountryAllowModuleFixture);
        await token.connect(accounts.agent).mint(accounts.alice.address, 2n * JGB_UNIT);
        await configureModule(compliance, accounts.owner, module, "unlistCountries", [[COUNTRY.JP]]);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, JGB_UNIT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.bob.address, JGB_UNIT, await module.getAddress());
      });
    });

    describe("when the registrar moves the recipient to an unlisted country", function () {
      it("reverts with TokenTransferNotCompliant naming the module", async function () {
        const { token, suite, module, accounts } = await loadFixture(withCountryAllowModuleFixture);
        await token.connect(accounts.agent).mint(accounts.alice.address, 2n * JGB_UNIT);
        await suite.identityRegistry.connect(accounts.registrar).updateCountry(accounts.bob.address, COUNTRY.SG);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, JGB_UNIT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.bob.address, JGB_UNIT, await module.getAddress());
      });
    });

    describe("when only the sender's country is not listed", function () {
      it("transfers (the rule is on the recipient)", async function () {
        const { token, accounts } = await loadFixture(withCountryAllowModuleFixture);
        await token.connect(accounts.agent).mint(accounts.alice.address, 2n * JGB_UNIT);
        await token.connect(accounts.agent).forcedTransfer(accounts.alice.address, accounts.charlie.address, JGB_UNIT);
        await expect(token.connect(accounts.charlie).transfer(accounts.bob.address, JGB_UNIT)).to.changeTokenBalances(
          token,
          [accounts.charlie, accounts.bob],
          [-JGB_UNIT, JGB_UNIT],
        );
      });
    });
  });

  describe("token.forcedTransfer()", function () {
    describe("when the recipient's registered country is not listed", function () {
      it("transfers (forced transfers are not checked by compliance)", async function () {
        const { token, accounts } = await loadFixture(withCountryAllowModuleFixture);
        await token.connect(accounts.agent).mint(accounts.alice.address, 2n * JGB_UNIT);
        await expect(
          token.connect(accounts.agent).forcedTransfer(accounts.alice.address, accounts.charlie.address, JGB_UNIT),
        ).to.changeTokenBalances(token, [accounts.alice, accounts.charlie], [-JGB_UNIT, JGB_UNIT]);
      });
    });
  });

  describe(".moduleCheckWithContext()", function () {
    describe("when the context names a listed country for a recipient registered elsewhere", function () {
      it("follows the context: the country is not looked up again", async function () {
        const { compliance, module, token, accounts } = await loadFixture(withCountryAllowModuleFixture);
        const complianceAddress = await compliance.getAddress();
        const charlie = accounts.charlie.address; // registered in the US, which is not listed
        const context = await transferContextOf(token, ZERO, charlie);
        expect(await module.moduleCheck(ZERO, charlie, 1n, complianceAddress)).to.equal(false);
        expect(await module.moduleCheckWithContext(ZERO, charlie, 1n, complianceAddress, context)).to.equal(false);
        expect(
          await module.moduleCheckWithContext(ZERO, charlie, 1n, complianceAddress, { ...context, toCountry: COUNTRY.JP }),
        ).to.equal(true);
      });
    });
  });
});

import { expect } from "chai";
import { ethers, network } from "hardhat";
import { impersonateAccount, loadFixture, setBalance } from "@nomicfoundation/hardhat-network-helpers";
import { COUNTRY, ROLES } from "../../scripts/lib/constants";
import type { ISeriesFactory } from "../../typechain-types/contracts/factory/SeriesFactory";
import type { ModularCompliance } from "../../typechain-types";
import {
  ALL_HOOKS,
  HOOKS,
  JGB_UNIT,
  RESIDENT_CAP_PER_PERSON,
  complianceBaseFixture,
  configureModule,
  eventsIn,
  moduleCall,
  selectorOf,
  withConfiguredSeriesFixture,
  withTwentyFiveLockUpModulesFixture,
  withUnboundComplianceFixture,
} from "../helpers/compliance-fixtures";
import { transferContextOf } from "../helpers/transfer-context";

const ZERO = ethers.ZeroAddress;
const FAR_FUTURE = 4_102_444_800n; // 2100-01-01T00:00:00Z

describe("ModularCompliance", function () {
  describe(".initialize()", function () {
    describe("when the factory creates a series with modules and configuration calls", function () {
      it("adds the modules in the order given", async function () {
        const { configured, suite } = await loadFixture(withConfiguredSeriesFixture);
        const { countryAllow, maxBalance, lockUp } = suite.modules;
        expect(await configured.compliance.getModules()).to.deep.equal([
          await countryAllow.getAddress(),
          await maxBalance.getAddress(),
          await lockUp.getAddress(),
        ]);
        const complianceAddress = await configured.compliance.getAddress();
        expect(await countryAllow.isComplianceBound(complianceAddress)).to.equal(true);
        expect(await maxBalance.isComplianceBound(complianceAddress)).to.equal(true);
        expect(await lockUp.isComplianceBound(complianceAddress)).to.equal(true);
      });

      it("makes every configuration call as the compliance", async function () {
        const { configured, suite, lockUpEnd } = await loadFixture(withConfiguredSeriesFixture);
        const complianceAddress = await configured.compliance.getAddress();
        expect(await suite.modules.countryAllow.isCountryListed(complianceAddress, COUNTRY.JP)).to.equal(true);
        expect(await suite.modules.maxBalance.maxBalance(complianceAddress)).to.equal(RESIDENT_CAP_PER_PERSON);
        expect(await suite.modules.lockUp.lockUpEnd(complianceAddress)).to.equal(lockUpEnd);
      });

      it("emits ModuleAdded and ModuleInteraction in the creation transaction", async function () {
        const { configured, suite } = await loadFixture(withConfiguredSeriesFixture);
        const { countryAllow, maxBalance, lockUp } = suite.modules;
        const added = await eventsIn(configured.receipt, configured.compliance, "ModuleAdded");
        expect(added.map((args) => args.module)).to.deep.equal([
          await countryAllow.getAddress(),
          await maxBalance.getAddress(),
          await lockUp.getAddress(),
        ]);
        const interactions = await eventsIn(configured.receipt, configured.compliance, "ModuleInteraction");
        expect(interactions.map((args) => [args.target, args.selector])).to.deep.equal([
          [await countryAllow.getAddress(), selectorOf(countryAllow, "listCountries")],
          [await maxBalance.getAddress(), selectorOf(maxBalance, "setMaxBalance")],
          [await lockUp.getAddress(), selectorOf(lockUp, "setLockUpEnd")],
        ]);
      });

      it("binds the new token", async function () {
        const { configured } = await loadFixture(withConfiguredSeriesFixture);
        expect(await configured.compliance.getTokenBound()).to.equal(await configured.token.getAddress());
        expect(await configured.token.compliance()).to.equal(await configured.compliance.getAddress());
      });

      it("gives the series owner the admin role and the compliance agents COMPLIANCE_AGENT", async function () {
        const { configured, accounts } = await loadFixture(withConfiguredSeriesFixture);
        expect(await configured.compliance.owner()).to.equal(accounts.owner.address);
        expect(await configured.compliance.hasRole(ROLES.COMPLIANCE_AGENT, accounts.complianceAgent.address)).to.equal(
          true,
        );
        expect(await configured.compliance.hasRole(ROLES.COMPLIANCE_AGENT, accounts.agent.address)).to.equal(false);
      });

      it("hands the token the union of the module hooks, so every module is enforced", async function () {
        const { configured, suite, accounts } = await loadFixture(withConfiguredSeriesFixture);
        const { token, compliance } = configured;
        const { countryAllow, maxBalance, lockUp } = suite.modules;
        expect(await compliance.hookMask()).to.equal(BigInt(ALL_HOOKS));
        await expect(token.connect(accounts.agent).mint(accounts.charlie.address, JGB_UNIT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(ZERO, accounts.charlie.address, JGB_UNIT, await countryAllow.getAddress());
        await token.connect(accounts.agent).mint(accounts.alice.address, RESIDENT_CAP_PER_PERSON);
        await expect(token.connect(accounts.agent).mint(accounts.alice.address, 1n))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(ZERO, accounts.alice.address, 1n, await maxBalance.getAddress());
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, JGB_UNIT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.bob.address, JGB_UNIT, await lockUp.getAddress());
      });
    });

    describe("when a configuration call reverts", function () {
      it("reverts the whole series creation with the module's error", async function () {
        const { suite, accounts } = await loadFixture(complianceBaseFixture);
        const { denomination } = suite.modules;
        const params: ISeriesFactory.SeriesParamsStruct = {
          owner: accounts.owner.address,
          name: "JGB 20Y #190",
          symbol: "JGB190",
          decimals: 0,
          onchainID: ZERO,
          tokenRoles: [],
          complianceAgents: [],
          modules: [
            {
              module: await denomination.getAddress(),
              calls: [moduleCall(denomination, "setDenomination", [0n, JGB_UNIT])],
            },
          ],
        };
        await expect(suite.factory.connect(accounts.owner).createSeries(params))
          .to.be.revertedWithCustomError(denomination, "DenominationInvalid")
          .withArgs(0n, JGB_UNIT);
      });
    });

    describe("when the proxy is already initialized", function () {
      it("reverts with InvalidInitialization", async function () {
        const { compliance, accounts } = await loadFixture(complianceBaseFixture);
        await expect(
          compliance.connect(accounts.outsider).initialize(accounts.outsider.address, [], []),
        ).to.be.revertedWithCustomError(compliance, "InvalidInitialization");
      });
    });

    describe("when called on the implementation behind the beacon", function () {
      it("reverts with InvalidInitialization", async function () {
        const { suite, accounts } = await loadFixture(complianceBaseFixture);
        const beacon = await ethers.getContractAt("UpgradeableBeacon", await suite.factory.complianceBeacon());
        const implementation = (await ethers.getContractAt(
          "ModularCompliance",
          await beacon.implementation(),
        )) as unknown as ModularCompliance;
        await expect(
          implementation.connect(accounts.outsider).initialize(accounts.outsider.address, [], []),
        ).to.be.revertedWithCustomError(implementation, "InvalidInitialization");
      });
    });
  });

  describe(".bindToken()", function () {
    describe("when no token is bound", function () {
      describe("when the caller is the owner", function () {
        it("binds the token and emits TokenBound", async function () {
          const { unboundCompliance, accounts } = await loadFixture(withUnboundComplianceFixture);
          await expect(unboundCompliance.connect(accounts.owner).bindToken(accounts.eve.address))
            .to.emit(unboundCompliance, "TokenBound")
            .withArgs(accounts.eve.address);
          expect(await unboundCompliance.getTokenBound()).to.equal(accounts.eve.address);
        });
      });

      describe("when the caller is the token itself", function () {
        it("binds the token and emits TokenBound", async function () {
          const { unboundCompliance, accounts } = await loadFixture(withUnboundComplianceFixture);
          await expect(unboundCompliance.connect(accounts.eve).bindToken(accounts.eve.address))
            .to.emit(unboundCompliance, "TokenBound")
            .withArgs(accounts.eve.address);
          expect(await unboundCompliance.getTokenBound()).to.equal(accounts.eve.address);
        });
      });

      describe("when a SecurityToken switches to this compliance", function () {
        it("is bound by the token and the old compliance unbinds it", async function () {
          const { unboundCompliance, compliance, token, accounts } = await loadFixture(withUnboundComplianceFixture);
          const tokenAddress = await token.getAddress();
          await expect(token.connect(accounts.owner).setCompliance(await unboundCompliance.getAddress()))
            .to.emit(unboundCompliance, "TokenBound")
            .withArgs(tokenAddress)
            .and.to.emit(compliance, "TokenUnbound")
            .withArgs(tokenAddress);
          expect(await unboundCompliance.getTokenBound()).to.equal(tokenAddress);
          expect(await compliance.getTokenBound()).to.equal(ZERO);
        });
      });

      describe("when the caller is neither the owner nor the token", function () {
        it("reverts with ComplianceUnauthorizedBinding", async function () {
          const { unboundCompliance, accounts } = await loadFixture(withUnboundComplianceFixture);
          await expect(unboundCompliance.connect(accounts.outsider).bindToken(accounts.eve.address))
            .to.be.revertedWithCustomError(unboundCompliance, "ComplianceUnauthorizedBinding")
            .withArgs(accounts.outsider.address);
        });
      });

      describe("when the caller is a compliance agent", function () {
        it("reverts with ComplianceUnauthorizedBinding", async function () {
          const { unboundCompliance, accounts } = await loadFixture(withUnboundComplianceFixture);
          await expect(unboundCompliance.connect(accounts.complianceAgent).bindToken(accounts.eve.address))
            .to.be.revertedWithCustomError(unboundCompliance, "ComplianceUnauthorizedBinding")
            .withArgs(accounts.complianceAgent.address);
        });
      });

      describe("when the token is the zero address", function () {
        it("reverts with ComplianceZeroAddress", async function () {
          const { unboundCompliance, accounts } = await loadFixture(withUnboundComplianceFixture);
          await expect(unboundCompliance.connect(accounts.owner).bindToken(ZERO)).to.be.revertedWithCustomError(
            unboundCompliance,
            "ComplianceZeroAddress",
          );
        });
      });
    });

    describe("when a token is already bound", function () {
      describe("when the owner binds another token", function () {
        it("reverts with ComplianceTokenAlreadyBound naming the bound token", async function () {
          const { compliance, token, accounts } = await loadFixture(complianceBaseFixture);
          await expect(compliance.connect(accounts.owner).bindToken(accounts.eve.address))
            .to.be.revertedWithCustomError(compliance, "ComplianceTokenAlreadyBound")
            .withArgs(await token.getAddress());
        });
      });

      describe("when another token binds itself", function () {
        it("reverts with ComplianceUnauthorizedBinding", async function () {
          const { compliance, accounts } = await loadFixture(complianceBaseFixture);
          await expect(compliance.connect(accounts.eve).bindToken(accounts.eve.address))
            .to.be.revertedWithCustomError(compliance, "ComplianceUnauthorizedBinding")
            .withArgs(accounts.eve.address);
        });
      });
    });
  });

  describe(".unbindToken()", function () {
    describe("when the owner unbinds the bound token", function () {
      it("unbinds it and emits TokenUnbound", async function () {
        const { compliance, token, accounts } = await loadFixture(complianceBaseFixture);
        const tokenAddress = await token.getAddress();
        await expect(compliance.connect(accounts.owner).unbindToken(tokenAddress))
          .to.emit(compliance, "TokenUnbound")
          .withArgs(tokenAddress);
        expect(await compliance.getTokenBound()).to.equal(ZERO);
      });

      it("lets the owner bind a token again", async function () {
        const { compliance, token, accounts } = await loadFixture(complianceBaseFixture);
        const tokenAddress = await token.getAddress();
        await compliance.connect(accounts.owner).unbindToken(tokenAddress);
        await expect(compliance.connect(accounts.owner).bindToken(tokenAddress))
          .to.emit(compliance, "TokenBound")
          .withArgs(tokenAddress);
      });
    });

    describe("when the bound token unbinds itself", function () {
      it("unbinds it and emits TokenUnbound", async function () {
        const { unboundCompliance, accounts } = await loadFixture(withUnboundComplianceFixture);
        await unboundCompliance.connect(accounts.eve).bindToken(accounts.eve.address);
        await expect(unboundCompliance.connect(accounts.eve).unbindToken(accounts.eve.address))
          .to.emit(unboundCompliance, "TokenUnbound")
          .withArgs(accounts.eve.address);
        expect(await unboundCompliance.getTokenBound()).to.equal(ZERO);
      });
    });

    describe("when the caller is neither the owner nor the token", function () {
      it("reverts with ComplianceUnauthorizedBinding", async function () {
        const { compliance, token, accounts } = await loadFixture(complianceBaseFixture);
        await expect(compliance.connect(accounts.outsider).unbindToken(await token.getAddress()))
          .to.be.revertedWithCustomError(compliance, "ComplianceUnauthorizedBinding")
          .withArgs(accounts.outsider.address);
      });
    });

    describe("when the caller is a compliance agent", function () {
      it("reverts with ComplianceUnauthorizedBinding", async function () {
        const { compliance, token, accounts } = await loadFixture(complianceBaseFixture);
        await expect(compliance.connect(accounts.complianceAgent).unbindToken(await token.getAddress()))
          .to.be.revertedWithCustomError(compliance, "ComplianceUnauthorizedBinding")
          .withArgs(accounts.complianceAgent.address);
      });
    });

    describe("when the token named is not the bound one", function () {
      it("reverts with ComplianceTokenNotBound when the owner asks", async function () {
        const { compliance, accounts } = await loadFixture(complianceBaseFixture);
        await expect(compliance.connect(accounts.owner).unbindToken(accounts.eve.address))
          .to.be.revertedWithCustomError(compliance, "ComplianceTokenNotBound")
          .withArgs(accounts.eve.address);
      });

      it("reverts with ComplianceTokenNotBound when that token asks for itself", async function () {
        const { compliance, accounts } = await loadFixture(complianceBaseFixture);
        await expect(compliance.connect(accounts.eve).unbindToken(accounts.eve.address))
          .to.be.revertedWithCustomError(compliance, "ComplianceTokenNotBound")
          .withArgs(accounts.eve.address);
      });
    });

    describe("when no token is bound and the zero address is named", function () {
      it("reverts with ComplianceTokenNotBound", async function () {
        const { unboundCompliance, accounts } = await loadFixture(withUnboundComplianceFixture);
        await expect(unboundCompliance.connect(accounts.owner).unbindToken(ZERO))
          .to.be.revertedWithCustomError(unboundCompliance, "ComplianceTokenNotBound")
          .withArgs(ZERO);
      });
    });
  });

  describe(".addModule()", function () {
    describe("when the caller is the owner", function () {
      it("adds the module and emits ModuleAdded and HookMaskChanged", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        const lockUp = await suite.modules.lockUp.getAddress();
        await expect(compliance.connect(accounts.owner).addModule(lockUp))
          .to.emit(compliance, "ModuleAdded")
          .withArgs(lockUp)
          .and.to.emit(compliance, "HookMaskChanged")
          .withArgs(HOOKS.CHECK_TRANSFER);
        expect(await compliance.isModuleBound(lockUp)).to.equal(true);
        expect(await compliance.getModules()).to.deep.equal([lockUp]);
      });

      it("binds the module to the compliance", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        const { supplyCap } = suite.modules;
        await expect(compliance.connect(accounts.owner).addModule(supplyCap))
          .to.emit(supplyCap, "ComplianceBound")
          .withArgs(await compliance.getAddress());
        expect(await supplyCap.isComplianceBound(await compliance.getAddress())).to.equal(true);
      });
    });

    describe("when the caller is a compliance agent", function () {
      it("adds the module", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        const lockUp = await suite.modules.lockUp.getAddress();
        await expect(compliance.connect(accounts.complianceAgent).addModule(lockUp))
          .to.emit(compliance, "ModuleAdded")
          .withArgs(lockUp);
      });
    });

    describe("when the caller has neither the admin role nor COMPLIANCE_AGENT", function () {
      it("reverts with AccessControlUnauthorizedAccount for a token agent", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        await expect(compliance.connect(accounts.agent).addModule(await suite.modules.lockUp.getAddress()))
          .to.be.revertedWithCustomError(compliance, "AccessControlUnauthorizedAccount")
          .withArgs(accounts.agent.address, ROLES.COMPLIANCE_AGENT);
      });

      it("reverts with AccessControlUnauthorizedAccount for a revoked compliance agent", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        await compliance.connect(accounts.owner).revokeRole(ROLES.COMPLIANCE_AGENT, accounts.complianceAgent.address);
        await expect(compliance.connect(accounts.complianceAgent).addModule(await suite.modules.lockUp.getAddress()))
          .to.be.revertedWithCustomError(compliance, "AccessControlUnauthorizedAccount")
          .withArgs(accounts.complianceAgent.address, ROLES.COMPLIANCE_AGENT);
      });
    });

    describe("when the module is the zero address", function () {
      it("reverts with ComplianceZeroAddress", async function () {
        const { compliance, accounts } = await loadFixture(complianceBaseFixture);
        await expect(compliance.connect(accounts.owner).addModule(ZERO)).to.be.revertedWithCustomError(
          compliance,
          "ComplianceZeroAddress",
        );
      });
    });

    describe("when the module is already added", function () {
      it("reverts with ComplianceModuleAlreadyBound", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        const lockUp = await suite.modules.lockUp.getAddress();
        await compliance.connect(accounts.owner).addModule(lockUp);
        await expect(compliance.connect(accounts.owner).addModule(lockUp))
          .to.be.revertedWithCustomError(compliance, "ComplianceModuleAlreadyBound")
          .withArgs(lockUp);
      });
    });

    describe("when MAX_MODULES modules are added", function () {
      it("accepts exactly MAX_MODULES (25) modules", async function () {
        const { compliance, accounts, lockUps } = await loadFixture(withTwentyFiveLockUpModulesFixture);
        expect(await compliance.MAX_MODULES()).to.equal(25n);
        for (const lockUp of lockUps) await compliance.connect(accounts.owner).addModule(lockUp);
        expect(await compliance.getModules()).to.deep.equal(lockUps);
      });

      it("reverts the 26th with ComplianceModulesLimitReached(25)", async function () {
        const { compliance, suite, accounts, lockUps } = await loadFixture(withTwentyFiveLockUpModulesFixture);
        for (const lockUp of lockUps) await compliance.connect(accounts.owner).addModule(lockUp);
        await expect(compliance.connect(accounts.owner).addModule(await suite.modules.supplyCap.getAddress()))
          .to.be.revertedWithCustomError(compliance, "ComplianceModulesLimitReached")
          .withArgs(25n);
      });

      it("accepts a module again once one is removed", async function () {
        const { compliance, suite, accounts, lockUps } = await loadFixture(withTwentyFiveLockUpModulesFixture);
        for (const lockUp of lockUps) await compliance.connect(accounts.owner).addModule(lockUp);
        await compliance.connect(accounts.owner).removeModule(lockUps[7]);
        const supplyCap = await suite.modules.supplyCap.getAddress();
        await expect(compliance.connect(accounts.owner).addModule(supplyCap))
          .to.emit(compliance, "ModuleAdded")
          .withArgs(supplyCap);
        expect(await compliance.getModules()).to.have.lengthOf(25);
      });
    });

    describe("when the module is not plug-and-play", function () {
      describe("when the token has a supply", function () {
        it("reverts with ComplianceModuleCannotBind for MaxBalanceModule", async function () {
          const { compliance, token, suite, accounts } = await loadFixture(complianceBaseFixture);
          await token.connect(accounts.agent).mint(accounts.alice.address, JGB_UNIT);
          const maxBalance = await suite.modules.maxBalance.getAddress();
          await expect(compliance.connect(accounts.owner).addModule(maxBalance))
            .to.be.revertedWithCustomError(compliance, "ComplianceModuleCannotBind")
            .withArgs(maxBalance);
        });

        it("reverts with ComplianceModuleCannotBind for MaxHoldersModule", async function () {
          const { compliance, token, suite, accounts } = await loadFixture(complianceBaseFixture);
          await token.connect(accounts.agent).mint(accounts.alice.address, JGB_UNIT);
          const maxHolders = await suite.modules.maxHolders.getAddress();
          await expect(compliance.connect(accounts.owner).addModule(maxHolders))
            .to.be.revertedWithCustomError(compliance, "ComplianceModuleCannotBind")
            .withArgs(maxHolders);
        });
      });

      describe("when the token has no supply", function () {
        it("adds the module", async function () {
          const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
          const maxBalance = await suite.modules.maxBalance.getAddress();
          await expect(compliance.connect(accounts.owner).addModule(maxBalance))
            .to.emit(compliance, "ModuleAdded")
            .withArgs(maxBalance);
        });
      });

      describe("when the whole supply was burned again", function () {
        it("adds the module", async function () {
          const { compliance, token, suite, accounts } = await loadFixture(complianceBaseFixture);
          await token.connect(accounts.agent).mint(accounts.alice.address, JGB_UNIT);
          await token.connect(accounts.agent).burn(accounts.alice.address, JGB_UNIT);
          const maxBalance = await suite.modules.maxBalance.getAddress();
          await expect(compliance.connect(accounts.owner).addModule(maxBalance))
            .to.emit(compliance, "ModuleAdded")
            .withArgs(maxBalance);
        });
      });

      describe("when no token is bound", function () {
        it("adds the module", async function () {
          const { unboundCompliance, suite, accounts } = await loadFixture(withUnboundComplianceFixture);
          const maxHolders = await suite.modules.maxHolders.getAddress();
          await expect(unboundCompliance.connect(accounts.owner).addModule(maxHolders))
            .to.emit(unboundCompliance, "ModuleAdded")
            .withArgs(maxHolders);
        });
      });
    });

    describe("when a plug-and-play module is added to a token with a supply", function () {
      it("adds the module", async function () {
        const { compliance, token, suite, accounts } = await loadFixture(complianceBaseFixture);
        await token.connect(accounts.agent).mint(accounts.alice.address, JGB_UNIT);
        const lockUp = await suite.modules.lockUp.getAddress();
        await expect(compliance.connect(accounts.owner).addModule(lockUp))
          .to.emit(compliance, "ModuleAdded")
          .withArgs(lockUp);
      });
    });
  });

  describe(".removeModule()", function () {
    describe("when the caller is the owner", function () {
      it("removes the module and emits ModuleRemoved and HookMaskChanged with the remaining hooks", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        const lockUp = await suite.modules.lockUp.getAddress();
        const supplyCap = await suite.modules.supplyCap.getAddress();
        await compliance.connect(accounts.owner).addModule(lockUp);
        await compliance.connect(accounts.owner).addModule(supplyCap);
        await expect(compliance.connect(accounts.owner).removeModule(lockUp))
          .to.emit(compliance, "ModuleRemoved")
          .withArgs(lockUp)
          .and.to.emit(compliance, "HookMaskChanged")
          .withArgs(HOOKS.CHECK_MINT);
        expect(await compliance.isModuleBound(lockUp)).to.equal(false);
        expect(await compliance.getModules()).to.deep.equal([supplyCap]);
      });

      it("unbinds the module from the compliance", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        const { lockUp } = suite.modules;
        await compliance.connect(accounts.owner).addModule(lockUp);
        await expect(compliance.connect(accounts.owner).removeModule(lockUp))
          .to.emit(lockUp, "ComplianceUnbound")
          .withArgs(await compliance.getAddress());
        expect(await lockUp.isComplianceBound(await compliance.getAddress())).to.equal(false);
      });

      it("moves the last module into the freed slot", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        const lockUp = await suite.modules.lockUp.getAddress();
        const supplyCap = await suite.modules.supplyCap.getAddress();
        const countryBlock = await suite.modules.countryBlock.getAddress();
        for (const module of [lockUp, supplyCap, countryBlock])
          await compliance.connect(accounts.owner).addModule(module);
        await compliance.connect(accounts.owner).removeModule(lockUp);
        expect(await compliance.getModules()).to.deep.equal([countryBlock, supplyCap]);
      });

      it("keeps checking transfers with the module moved into the freed slot", async function () {
        const { compliance, token, suite, accounts } = await loadFixture(complianceBaseFixture);
        const { supplyCap, countryAllow } = suite.modules;
        await token.connect(accounts.agent).mint(accounts.alice.address, 2n * JGB_UNIT);
        await compliance.connect(accounts.owner).addModule(supplyCap);
        await compliance.connect(accounts.owner).addModule(countryAllow);
        await configureModule(compliance, accounts.owner, countryAllow, "listCountries", [[COUNTRY.JP]]);
        await compliance.connect(accounts.owner).removeModule(supplyCap);
        expect(await compliance.getModules()).to.deep.equal([await countryAllow.getAddress()]);
        await expect(token.connect(accounts.alice).transfer(accounts.charlie.address, JGB_UNIT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.charlie.address, JGB_UNIT, await countryAllow.getAddress());
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, JGB_UNIT)).to.changeTokenBalances(
          token,
          [accounts.alice, accounts.bob],
          [-JGB_UNIT, JGB_UNIT],
        );
      });
    });

    describe("when the caller is a compliance agent", function () {
      it("removes the module", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        const lockUp = await suite.modules.lockUp.getAddress();
        await compliance.connect(accounts.owner).addModule(lockUp);
        await expect(compliance.connect(accounts.complianceAgent).removeModule(lockUp))
          .to.emit(compliance, "ModuleRemoved")
          .withArgs(lockUp);
      });
    });

    describe("when the caller has neither the admin role nor COMPLIANCE_AGENT", function () {
      it("reverts with AccessControlUnauthorizedAccount", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        const lockUp = await suite.modules.lockUp.getAddress();
        await compliance.connect(accounts.owner).addModule(lockUp);
        await expect(compliance.connect(accounts.outsider).removeModule(lockUp))
          .to.be.revertedWithCustomError(compliance, "AccessControlUnauthorizedAccount")
          .withArgs(accounts.outsider.address, ROLES.COMPLIANCE_AGENT);
      });
    });

    describe("when the module is not added", function () {
      it("reverts with ComplianceModuleNotBound", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        const lockUp = await suite.modules.lockUp.getAddress();
        await expect(compliance.connect(accounts.owner).removeModule(lockUp))
          .to.be.revertedWithCustomError(compliance, "ComplianceModuleNotBound")
          .withArgs(lockUp);
      });
    });
  });

  describe(".callModuleFunction()", function () {
    describe("when the caller is the owner", function () {
      it("calls the module as the compliance and emits ModuleInteraction(module, selector)", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        const { maxBalance } = suite.modules;
        const complianceAddress = await compliance.getAddress();
        await compliance.connect(accounts.owner).addModule(maxBalance);
        await expect(
          configureModule(compliance, accounts.owner, maxBalance, "setMaxBalance", [RESIDENT_CAP_PER_PERSON]),
        )
          .to.emit(compliance, "ModuleInteraction")
          .withArgs(await maxBalance.getAddress(), selectorOf(maxBalance, "setMaxBalance"))
          .and.to.emit(maxBalance, "MaxBalanceSet")
          .withArgs(complianceAddress, RESIDENT_CAP_PER_PERSON);
        expect(await maxBalance.maxBalance(complianceAddress)).to.equal(RESIDENT_CAP_PER_PERSON);
      });
    });

    describe("when the caller is a compliance agent", function () {
      it("calls the module", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        const { lockUp } = suite.modules;
        await compliance.connect(accounts.owner).addModule(lockUp);
        await expect(configureModule(compliance, accounts.complianceAgent, lockUp, "setLockUpEnd", [FAR_FUTURE]))
          .to.emit(lockUp, "LockUpSet")
          .withArgs(await compliance.getAddress(), FAR_FUTURE);
      });
    });

    describe("when the caller has neither the admin role nor COMPLIANCE_AGENT", function () {
      it("reverts with AccessControlUnauthorizedAccount", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        const { lockUp } = suite.modules;
        await compliance.connect(accounts.owner).addModule(lockUp);
        await expect(configureModule(compliance, accounts.outsider, lockUp, "setLockUpEnd", [FAR_FUTURE]))
          .to.be.revertedWithCustomError(compliance, "AccessControlUnauthorizedAccount")
          .withArgs(accounts.outsider.address, ROLES.COMPLIANCE_AGENT);
      });
    });

    describe("when the module is not added", function () {
      it("reverts with ComplianceModuleNotBound", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        const { lockUp } = suite.modules;
        await expect(configureModule(compliance, accounts.owner, lockUp, "setLockUpEnd", [FAR_FUTURE]))
          .to.be.revertedWithCustomError(compliance, "ComplianceModuleNotBound")
          .withArgs(await lockUp.getAddress());
      });
    });

    describe("when the module was removed", function () {
      it("reverts with ComplianceModuleNotBound", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        const { lockUp } = suite.modules;
        await compliance.connect(accounts.owner).addModule(lockUp);
        await compliance.connect(accounts.owner).removeModule(lockUp);
        await expect(configureModule(compliance, accounts.owner, lockUp, "setLockUpEnd", [FAR_FUTURE]))
          .to.be.revertedWithCustomError(compliance, "ComplianceModuleNotBound")
          .withArgs(await lockUp.getAddress());
      });
    });

    describe("when the module reverts with a custom error", function () {
      it("bubbles the module's error", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        const { denomination } = suite.modules;
        await compliance.connect(accounts.owner).addModule(denomination);
        await expect(configureModule(compliance, accounts.owner, denomination, "setDenomination", [JGB_UNIT, 75_000n]))
          .to.be.revertedWithCustomError(denomination, "DenominationInvalid")
          .withArgs(JGB_UNIT, 75_000n);
      });
    });

    describe("when the module reverts without a reason", function () {
      it("reverts with ComplianceModuleCallFailed(module, selector)", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        const { lockUp, maxBalance } = suite.modules;
        await compliance.connect(accounts.owner).addModule(lockUp);
        // LockUpModule has no setMaxBalance and no fallback: the call reverts with empty data.
        const data = moduleCall(maxBalance, "setMaxBalance", [1n]);
        await expect(compliance.connect(accounts.owner).callModuleFunction(data, await lockUp.getAddress()))
          .to.be.revertedWithCustomError(compliance, "ComplianceModuleCallFailed")
          .withArgs(await lockUp.getAddress(), selectorOf(maxBalance, "setMaxBalance"));
      });
    });
  });

  describe(".transferred() / .created() / .destroyed()", function () {
    describe("when the caller is not the bound token", function () {
      it("reverts transferred with ComplianceCallerNotToken", async function () {
        const { compliance, accounts } = await loadFixture(complianceBaseFixture);
        await expect(compliance.connect(accounts.owner).transferred(accounts.alice.address, accounts.bob.address, 1n))
          .to.be.revertedWithCustomError(compliance, "ComplianceCallerNotToken")
          .withArgs(accounts.owner.address);
      });

      it("reverts created with ComplianceCallerNotToken", async function () {
        const { compliance, accounts } = await loadFixture(complianceBaseFixture);
        await expect(compliance.connect(accounts.agent).created(accounts.alice.address, 1n))
          .to.be.revertedWithCustomError(compliance, "ComplianceCallerNotToken")
          .withArgs(accounts.agent.address);
      });

      it("reverts destroyed with ComplianceCallerNotToken", async function () {
        const { compliance, accounts } = await loadFixture(complianceBaseFixture);
        await expect(compliance.connect(accounts.outsider).destroyed(accounts.alice.address, 1n))
          .to.be.revertedWithCustomError(compliance, "ComplianceCallerNotToken")
          .withArgs(accounts.outsider.address);
      });
    });

    describe("when the bound token reports its mints, transfers and burns", function () {
      it("forwards them to the modules that record them", async function () {
        const { compliance, token, suite, accounts, identities } = await loadFixture(complianceBaseFixture);
        const { maxBalance } = suite.modules;
        const complianceAddress = await compliance.getAddress();
        await compliance.connect(accounts.owner).addModule(maxBalance);
        await configureModule(compliance, accounts.owner, maxBalance, "setMaxBalance", [RESIDENT_CAP_PER_PERSON]);
        await token.connect(accounts.agent).mint(accounts.alice.address, 4n * JGB_UNIT);
        await token.connect(accounts.alice).transfer(accounts.bob.address, JGB_UNIT);
        await token.connect(accounts.agent).burn(accounts.bob.address, JGB_UNIT / 2n);
        expect(await maxBalance.investorBalance(complianceAddress, identities.alice)).to.equal(3n * JGB_UNIT);
        expect(await maxBalance.investorBalance(complianceAddress, identities.bob)).to.equal(JGB_UNIT / 2n);
      });
    });

    describe("when the token was unbound and a module records burns", function () {
      it("refuses the token's report with ComplianceCallerNotToken", async function () {
        const { compliance, token, suite, accounts } = await loadFixture(complianceBaseFixture);
        const { maxBalance } = suite.modules;
        const tokenAddress = await token.getAddress();
        await compliance.connect(accounts.owner).addModule(maxBalance);
        await configureModule(compliance, accounts.owner, maxBalance, "setMaxBalance", [RESIDENT_CAP_PER_PERSON]);
        await token.connect(accounts.agent).mint(accounts.alice.address, JGB_UNIT);
        await compliance.connect(accounts.owner).unbindToken(tokenAddress);
        await expect(token.connect(accounts.agent).burn(accounts.alice.address, JGB_UNIT))
          .to.be.revertedWithCustomError(compliance, "ComplianceCallerNotToken")
          .withArgs(tokenAddress);
      });
    });
  });

  describe("ERC-3643 hooks called by a token that hands over no context", function () {
    it("record through the modules' own look-ups (transferred, created, destroyed)", async function () {
      const { compliance, token, suite, accounts, identities } = await loadFixture(complianceBaseFixture);
      const { maxBalance } = suite.modules;
      const complianceAddress = await compliance.getAddress();
      await compliance.connect(accounts.owner).addModule(maxBalance);
      await configureModule(compliance, accounts.owner, maxBalance, "setMaxBalance", [RESIDENT_CAP_PER_PERSON]);
      const tokenAddress = await token.getAddress();
      await impersonateAccount(tokenAddress);
      await setBalance(tokenAddress, 10n ** 18n);
      const asToken = compliance.connect(await ethers.getSigner(tokenAddress));
      await asToken.created(accounts.alice.address, 3n * JGB_UNIT);
      await asToken.transferred(accounts.alice.address, accounts.bob.address, JGB_UNIT);
      await asToken.destroyed(accounts.bob.address, JGB_UNIT / 2n);
      expect(await maxBalance.investorBalance(complianceAddress, identities.alice)).to.equal(2n * JGB_UNIT);
      expect(await maxBalance.investorBalance(complianceAddress, identities.bob)).to.equal(JGB_UNIT / 2n);
    });
  });

  describe(".checkAndRecordWithContext()", function () {
    describe("when the caller is not the bound token", function () {
      it("reverts with ComplianceCallerNotToken", async function () {
        const { compliance, token, accounts } = await loadFixture(complianceBaseFixture);
        const context = await transferContextOf(token, accounts.alice.address, accounts.bob.address);
        await expect(
          compliance
            .connect(accounts.owner)
            .checkAndRecordWithContext(accounts.alice.address, accounts.bob.address, 1n, true, context),
        )
          .to.be.revertedWithCustomError(compliance, "ComplianceCallerNotToken")
          .withArgs(accounts.owner.address);
      });
    });

    describe("when a module refuses", function () {
      it("returns that module and records nothing", async function () {
        const { compliance, token, suite, accounts, identities } = await loadFixture(complianceBaseFixture);
        const { maxBalance } = suite.modules;
        const complianceAddress = await compliance.getAddress();
        await compliance.connect(accounts.owner).addModule(maxBalance);
        await configureModule(compliance, accounts.owner, maxBalance, "setMaxBalance", [JGB_UNIT]);
        const tokenAddress = await token.getAddress();
        await impersonateAccount(tokenAddress);
        await setBalance(tokenAddress, 10n ** 18n);
        const asToken = compliance.connect(await ethers.getSigner(tokenAddress));
        const alice = accounts.alice.address;
        const context = await transferContextOf(token, ZERO, alice);
        expect(await asToken.checkAndRecordWithContext.staticCall(ZERO, alice, 2n * JGB_UNIT, true, context)).to.equal(
          await maxBalance.getAddress(),
        );
        await asToken.checkAndRecordWithContext(ZERO, alice, 2n * JGB_UNIT, true, context);
        expect(await maxBalance.investorBalance(complianceAddress, identities.alice)).to.equal(0n);
        // unchecked (a forced move), the same change is recorded
        expect(await asToken.checkAndRecordWithContext.staticCall(ZERO, alice, 2n * JGB_UNIT, false, context)).to.equal(
          ZERO,
        );
        await asToken.checkAndRecordWithContext(ZERO, alice, 2n * JGB_UNIT, false, context);
        expect(await maxBalance.investorBalance(complianceAddress, identities.alice)).to.equal(2n * JGB_UNIT);
      });
    });

    describe("when several modules refuse", function () {
      it("returns the first in module order, whether it checks only or checks and records", async function () {
        const { compliance, token, suite, accounts } = await loadFixture(complianceBaseFixture);
        const { maxBalance, countryAllow } = suite.modules;
        await compliance.connect(accounts.owner).addModule(maxBalance);
        await compliance.connect(accounts.owner).addModule(countryAllow);
        await configureModule(compliance, accounts.owner, maxBalance, "setMaxBalance", [JGB_UNIT]);
        await configureModule(compliance, accounts.owner, countryAllow, "listCountries", [[COUNTRY.JP]]);
        const charlie = accounts.charlie.address;
        // charlie is in the US and the mint is above the cap: both modules refuse
        await expect(token.connect(accounts.agent).mint(charlie, 2n * JGB_UNIT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(ZERO, charlie, 2n * JGB_UNIT, await maxBalance.getAddress());
        await compliance.connect(accounts.owner).removeModule(maxBalance);
        await compliance.connect(accounts.owner).addModule(maxBalance);
        expect(await compliance.getModules()).to.deep.equal([
          await countryAllow.getAddress(),
          await maxBalance.getAddress(),
        ]);
        await expect(token.connect(accounts.agent).mint(charlie, 2n * JGB_UNIT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(ZERO, charlie, 2n * JGB_UNIT, await countryAllow.getAddress());
      });
    });

    describe("when a module refuses after one that checks and records allowed", function () {
      it("returns the refusing module, and the token's revert undoes what the first recorded", async function () {
        const { compliance, token, suite, accounts, identities } = await loadFixture(complianceBaseFixture);
        const { maxBalance, countryAllow } = suite.modules;
        const complianceAddress = await compliance.getAddress();
        await compliance.connect(accounts.owner).addModule(maxBalance);
        await compliance.connect(accounts.owner).addModule(countryAllow);
        await configureModule(compliance, accounts.owner, maxBalance, "setMaxBalance", [RESIDENT_CAP_PER_PERSON]);
        await configureModule(compliance, accounts.owner, countryAllow, "listCountries", [[COUNTRY.JP]]);
        await token.connect(accounts.agent).mint(accounts.alice.address, 2n * JGB_UNIT);
        const context = await transferContextOf(token, accounts.alice.address, accounts.charlie.address);
        expect(
          await compliance.checkTransferWithContext(
            accounts.alice.address,
            accounts.charlie.address,
            JGB_UNIT,
            context,
          ),
        ).to.equal(await countryAllow.getAddress());
        await expect(token.connect(accounts.alice).transfer(accounts.charlie.address, JGB_UNIT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.charlie.address, JGB_UNIT, await countryAllow.getAddress());
        expect(await maxBalance.investorBalance(complianceAddress, identities.alice)).to.equal(2n * JGB_UNIT);
        expect(await maxBalance.investorBalance(complianceAddress, identities.charlie)).to.equal(0n);
      });
    });

    describe("when a module's answer is not one ABI-encoded bool", function () {
      // The compliance reads the modules' answers raw (ModularCompliance._answer): runtime code put at the
      // module's address answers 2, or nothing at all.
      const RETURNS_TWO = "0x600260005260206000f3"; // mstore(0, 2) return(0, 32)
      const RETURNS_NOTHING = "0x00"; // stop
      for (const [label, code] of [
        ["answers 2", RETURNS_TWO],
        ["answers nothing", RETURNS_NOTHING],
      ] as const) {
        it(`reverts with ComplianceModuleCallFailed(module, selector) when a checking module ${label}`, async function () {
          const { compliance, token, suite, accounts } = await loadFixture(complianceBaseFixture);
          const { countryAllow, maxBalance } = suite.modules;
          await compliance.connect(accounts.owner).addModule(countryAllow);
          await compliance.connect(accounts.owner).addModule(maxBalance);
          await configureModule(compliance, accounts.owner, countryAllow, "listCountries", [[COUNTRY.JP]]);
          await configureModule(compliance, accounts.owner, maxBalance, "setMaxBalance", [RESIDENT_CAP_PER_PERSON]);
          const alice = accounts.alice.address;
          await network.provider.send("hardhat_setCode", [await countryAllow.getAddress(), code]);
          await expect(token.connect(accounts.agent).mint(alice, JGB_UNIT))
            .to.be.revertedWithCustomError(compliance, "ComplianceModuleCallFailed")
            .withArgs(
              await countryAllow.getAddress(),
              countryAllow.interface.getFunction("moduleCheckWithContext").selector,
            );
          const context = await transferContextOf(token, ZERO, alice);
          await expect(compliance.checkTransferWithContext(ZERO, alice, JGB_UNIT, context))
            .to.be.revertedWithCustomError(compliance, "ComplianceModuleCallFailed")
            .withArgs(
              await countryAllow.getAddress(),
              countryAllow.interface.getFunction("moduleCheckWithContext").selector,
            );
        });

        it(`reverts with ComplianceModuleCallFailed(module, selector) when a checking and recording module ${label}`, async function () {
          const { compliance, token, suite, accounts } = await loadFixture(complianceBaseFixture);
          const { maxBalance } = suite.modules;
          await compliance.connect(accounts.owner).addModule(maxBalance);
          await configureModule(compliance, accounts.owner, maxBalance, "setMaxBalance", [RESIDENT_CAP_PER_PERSON]);
          await network.provider.send("hardhat_setCode", [await maxBalance.getAddress(), code]);
          await expect(token.connect(accounts.agent).mint(accounts.alice.address, JGB_UNIT))
            .to.be.revertedWithCustomError(compliance, "ComplianceModuleCallFailed")
            .withArgs(
              await maxBalance.getAddress(),
              maxBalance.interface.getFunction("moduleCheckAndActionWithContext").selector,
            );
        });
      }
    });

    describe("when a module reverts", function () {
      it("bubbles its revert data unchanged, from a check and from a check that records", async function () {
        const { compliance, token, suite, accounts } = await loadFixture(complianceBaseFixture);
        const { countryAllow, maxBalance } = suite.modules;
        await compliance.connect(accounts.owner).addModule(countryAllow);
        await compliance.connect(accounts.owner).addModule(maxBalance);
        await configureModule(compliance, accounts.owner, countryAllow, "listCountries", [[COUNTRY.JP]]);
        await configureModule(compliance, accounts.owner, maxBalance, "setMaxBalance", [RESIDENT_CAP_PER_PERSON]);
        const alice = accounts.alice.address;
        // Runtime code that reverts with CountryNotListed(alice, 7): codecopy the data after the prefix, revert.
        const revertData = countryAllow.interface.encodeErrorResult("CountryNotListed", [alice, 7]).slice(2);
        const revertWith = "0x604460" + "0c" + "600039" + "6044" + "6000fd" + revertData;
        for (const module of [countryAllow, maxBalance]) {
          const snapshot = await network.provider.send("evm_snapshot", []);
          await network.provider.send("hardhat_setCode", [await module.getAddress(), revertWith]);
          await expect(token.connect(accounts.agent).mint(alice, JGB_UNIT))
            .to.be.revertedWithCustomError(countryAllow, "CountryNotListed")
            .withArgs(alice, 7);
          await network.provider.send("evm_revert", [snapshot]);
        }
      });
    });

    describe("when a module checks and records the operation", function () {
      it("records it with the state after the change, once every check passed", async function () {
        const { compliance, token, suite, accounts, identities } = await loadFixture(complianceBaseFixture);
        const { maxBalance, countryAllow } = suite.modules;
        const complianceAddress = await compliance.getAddress();
        await compliance.connect(accounts.owner).addModule(countryAllow);
        await compliance.connect(accounts.owner).addModule(maxBalance);
        await configureModule(compliance, accounts.owner, countryAllow, "listCountries", [[COUNTRY.JP]]);
        await configureModule(compliance, accounts.owner, maxBalance, "setMaxBalance", [RESIDENT_CAP_PER_PERSON]);
        await token.connect(accounts.agent).mint(accounts.alice.address, 2n * JGB_UNIT);
        await token.connect(accounts.alice).transfer(accounts.bob.address, 2n * JGB_UNIT);
        expect(await maxBalance.investorBalance(complianceAddress, identities.alice)).to.equal(0n);
        expect(await maxBalance.investorBalance(complianceAddress, identities.bob)).to.equal(2n * JGB_UNIT);
        // the wallet that emptied is released, the one that started holding is pinned
        expect(await maxBalance.creditedAs(complianceAddress, accounts.alice.address)).to.equal(ZERO);
        expect(await maxBalance.creditedAs(complianceAddress, accounts.bob.address)).to.equal(identities.bob);
      });
    });
  });

  describe(".checkTransferWithContext()", function () {
    describe("when given the context the token would hand over", function () {
      it("answers like checkTransfer for mints and transfers", async function () {
        const { configured, accounts } = await loadFixture(withConfiguredSeriesFixture);
        const { token, compliance } = configured;
        const { alice, bob, charlie, dave } = accounts;
        const cases: [string, string, bigint][] = [
          [ZERO, alice.address, JGB_UNIT],
          [ZERO, charlie.address, JGB_UNIT],
          [ZERO, dave.address, JGB_UNIT],
          [alice.address, bob.address, JGB_UNIT],
          [alice.address, charlie.address, 1n],
        ];
        for (const [from, to, amount] of cases) {
          const context = await transferContextOf(token, from, to);
          expect(await compliance.checkTransferWithContext(from, to, amount, context), `${from} -> ${to}`).to.equal(
            await compliance.checkTransfer(from, to, amount),
          );
        }
      });
    });

    describe("when the context differs from what the registry says", function () {
      it("follows the context", async function () {
        const { configured, accounts, suite } = await loadFixture(withConfiguredSeriesFixture);
        const { token, compliance } = configured;
        const charlie = accounts.charlie.address; // in the US: the configured allow-list has Japan only
        const context = await transferContextOf(token, ZERO, charlie);
        expect(await compliance.checkTransferWithContext(ZERO, charlie, 1n, context)).to.equal(
          await suite.modules.countryAllow.getAddress(),
        );
        expect(
          await compliance.checkTransferWithContext(ZERO, charlie, 1n, { ...context, toCountry: COUNTRY.JP }),
        ).to.equal(ZERO);
      });
    });
  });

  describe(".checkTransfer() / .canTransfer()", function () {
    describe("when no module is added", function () {
      it("returns the zero address and true", async function () {
        const { compliance, accounts } = await loadFixture(complianceBaseFixture);
        expect(await compliance.checkTransfer(accounts.alice.address, accounts.bob.address, JGB_UNIT)).to.equal(ZERO);
        expect(await compliance.canTransfer(accounts.alice.address, accounts.bob.address, JGB_UNIT)).to.equal(true);
      });
    });

    describe("when one module refuses", function () {
      it("returns that module and false", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        const { lockUp } = suite.modules;
        await compliance.connect(accounts.owner).addModule(lockUp);
        await configureModule(compliance, accounts.owner, lockUp, "setLockUpEnd", [FAR_FUTURE]);
        expect(await compliance.checkTransfer(accounts.alice.address, accounts.bob.address, JGB_UNIT)).to.equal(
          await lockUp.getAddress(),
        );
        expect(await compliance.canTransfer(accounts.alice.address, accounts.bob.address, JGB_UNIT)).to.equal(false);
      });
    });

    describe("when several modules refuse", function () {
      it("returns the first refusing module in getModules order", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        const { lockUp, countryAllow } = suite.modules;
        await compliance.connect(accounts.owner).addModule(countryAllow); // nothing listed: refuses everyone
        await compliance.connect(accounts.owner).addModule(lockUp);
        await configureModule(compliance, accounts.owner, lockUp, "setLockUpEnd", [FAR_FUTURE]);
        const [alice, bob] = [accounts.alice.address, accounts.bob.address];
        expect(await compliance.checkTransfer(alice, bob, JGB_UNIT)).to.equal(await countryAllow.getAddress());
        await configureModule(compliance, accounts.owner, countryAllow, "listCountries", [[COUNTRY.JP]]);
        expect(await compliance.checkTransfer(alice, bob, JGB_UNIT)).to.equal(await lockUp.getAddress());
      });
    });

    describe("when checking a mint (from the zero address)", function () {
      it("consults only the modules that check mints", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        const { lockUp, supplyCap } = suite.modules;
        await compliance.connect(accounts.owner).addModule(lockUp);
        await compliance.connect(accounts.owner).addModule(supplyCap); // cap 0: refuses any mint
        await configureModule(compliance, accounts.owner, lockUp, "setLockUpEnd", [FAR_FUTURE]);
        expect(await compliance.checkTransfer(ZERO, accounts.alice.address, JGB_UNIT)).to.equal(
          await supplyCap.getAddress(),
        );
        await compliance.connect(accounts.owner).removeModule(supplyCap);
        expect(await compliance.checkTransfer(ZERO, accounts.alice.address, JGB_UNIT)).to.equal(ZERO);
      });
    });

    describe("when checking a holder transfer", function () {
      it("consults only the modules that check transfers", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        const { supplyCap } = suite.modules;
        await compliance.connect(accounts.owner).addModule(supplyCap); // cap 0
        expect(await compliance.checkTransfer(accounts.alice.address, accounts.bob.address, JGB_UNIT)).to.equal(ZERO);
      });
    });
  });

  describe(".hookMask()", function () {
    describe("when no module is added", function () {
      it("returns 0", async function () {
        const { compliance } = await loadFixture(complianceBaseFixture);
        expect(await compliance.hookMask()).to.equal(0n);
      });
    });

    describe("when modules are added and removed", function () {
      it("is the OR of the hooks of the modules present, announced by HookMaskChanged", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        const { lockUp, supplyCap, maxHolders } = suite.modules;
        await expect(compliance.connect(accounts.owner).addModule(lockUp))
          .to.emit(compliance, "HookMaskChanged")
          .withArgs(HOOKS.CHECK_TRANSFER);
        await expect(compliance.connect(accounts.owner).addModule(supplyCap))
          .to.emit(compliance, "HookMaskChanged")
          .withArgs(HOOKS.CHECK_TRANSFER | HOOKS.CHECK_MINT);
        await expect(compliance.connect(accounts.owner).addModule(maxHolders))
          .to.emit(compliance, "HookMaskChanged")
          .withArgs(ALL_HOOKS);
        expect(await compliance.hookMask()).to.equal(BigInt(ALL_HOOKS));
        await expect(compliance.connect(accounts.owner).removeModule(maxHolders))
          .to.emit(compliance, "HookMaskChanged")
          .withArgs(HOOKS.CHECK_TRANSFER | HOOKS.CHECK_MINT);
        await compliance.connect(accounts.owner).removeModule(lockUp);
        expect(await compliance.hookMask()).to.equal(BigInt(HOOKS.CHECK_MINT));
        await expect(compliance.connect(accounts.owner).removeModule(supplyCap))
          .to.emit(compliance, "HookMaskChanged")
          .withArgs(0);
      });
    });

    describe("when the mask changes while a token is bound", function () {
      it("makes the token check transfers once a transfer-checking module is added, and stop once it is removed", async function () {
        const { compliance, token, suite, accounts } = await loadFixture(complianceBaseFixture);
        const { lockUp } = suite.modules;
        await token.connect(accounts.agent).mint(accounts.alice.address, 4n * JGB_UNIT);
        await token.connect(accounts.alice).transfer(accounts.bob.address, JGB_UNIT);
        await compliance.connect(accounts.owner).addModule(lockUp);
        await configureModule(compliance, accounts.owner, lockUp, "setLockUpEnd", [FAR_FUTURE]);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, JGB_UNIT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.bob.address, JGB_UNIT, await lockUp.getAddress());
        await compliance.connect(accounts.owner).removeModule(lockUp);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, JGB_UNIT)).to.changeTokenBalances(
          token,
          [accounts.alice, accounts.bob],
          [-JGB_UNIT, JGB_UNIT],
        );
      });

      it("makes the token stop calling the compliance at all once no module listens", async function () {
        const { compliance, token, suite, accounts } = await loadFixture(complianceBaseFixture);
        const { maxBalance } = suite.modules;
        await compliance.connect(accounts.owner).addModule(maxBalance);
        await configureModule(compliance, accounts.owner, maxBalance, "setMaxBalance", [RESIDENT_CAP_PER_PERSON]);
        await token.connect(accounts.agent).mint(accounts.alice.address, 4n * JGB_UNIT);
        await compliance.connect(accounts.owner).removeModule(maxBalance); // pushes mask 0 to the token
        // Unbound, the compliance refuses any report from the token: only a token that no longer
        // calls it can still mint, transfer and burn.
        await compliance.connect(accounts.owner).unbindToken(await token.getAddress());
        await token.connect(accounts.agent).mint(accounts.bob.address, JGB_UNIT);
        await token.connect(accounts.alice).transfer(accounts.bob.address, JGB_UNIT);
        await token.connect(accounts.agent).burn(accounts.alice.address, JGB_UNIT);
        expect(await token.balanceOf(accounts.alice.address)).to.equal(2n * JGB_UNIT);
        expect(await token.balanceOf(accounts.bob.address)).to.equal(2n * JGB_UNIT);
      });
    });

    describe("when something other than the token's compliance pushes a mask", function () {
      it("is refused by the token with TokenCallerNotCompliance", async function () {
        const { token, accounts } = await loadFixture(complianceBaseFixture);
        await expect(token.connect(accounts.owner).onComplianceHooksChanged(0))
          .to.be.revertedWithCustomError(token, "TokenCallerNotCompliance")
          .withArgs(accounts.owner.address);
      });
    });
  });

  describe(".transferHookModules()", function () {
    describe("when no module is added", function () {
      it("returns no index", async function () {
        const { compliance } = await loadFixture(complianceBaseFixture);
        expect(await compliance.transferHookModules()).to.deep.equal([0n, 0n]);
      });
    });

    describe("when modules are added", function () {
      it("sets each module's index in the mask of every transfer hook it declared", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        const { lockUp, supplyCap, maxHolders } = suite.modules;
        for (const module of [lockUp, supplyCap, maxHolders])
          await compliance.connect(accounts.owner).addModule(module);
        // lockUp (0) checks transfers, supplyCap (1) only mints, maxHolders (2) checks and records them
        expect(await compliance.transferHookModules()).to.deep.equal([0b101n, 0b100n]);
      });
    });

    describe("when a module is removed", function () {
      it("moves the last module's bits to the freed index and clears the last index", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        const { lockUp, supplyCap, maxHolders } = suite.modules;
        for (const module of [lockUp, supplyCap, maxHolders])
          await compliance.connect(accounts.owner).addModule(module);
        await compliance.connect(accounts.owner).removeModule(lockUp); // maxHolders moves to 0
        expect(await compliance.transferHookModules()).to.deep.equal([0b01n, 0b01n]);
        await compliance.connect(accounts.owner).removeModule(supplyCap); // the last one: nothing moves
        expect(await compliance.transferHookModules()).to.deep.equal([0b1n, 0b1n]);
        await compliance.connect(accounts.owner).removeModule(maxHolders);
        expect(await compliance.transferHookModules()).to.deep.equal([0n, 0n]);
      });
    });

    describe("when the compliance holds the most modules", function () {
      it("keeps the 25th index, and a transfer is checked and recorded by the module there", async function () {
        const { compliance, token, suite, accounts, lockUps } = await loadFixture(withTwentyFiveLockUpModulesFixture);
        const { maxHolders } = suite.modules;
        for (const lockUp of lockUps.slice(0, 24)) await compliance.connect(accounts.owner).addModule(lockUp);
        await compliance.connect(accounts.owner).addModule(maxHolders);
        await configureModule(compliance, accounts.owner, maxHolders, "setMaxHolders", [1n]);
        expect(await compliance.transferHookModules()).to.deep.equal([(1n << 25n) - 1n, 1n << 24n]);
        await token.connect(accounts.agent).mint(accounts.alice.address, 2n * JGB_UNIT);
        const complianceAddress = await compliance.getAddress();
        expect(await maxHolders.holderCount(complianceAddress)).to.equal(1n);
        await expect(token.connect(accounts.alice).transfer(accounts.bob.address, JGB_UNIT))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(accounts.alice.address, accounts.bob.address, JGB_UNIT, await maxHolders.getAddress());
        await compliance.connect(accounts.owner).removeModule(lockUps[0]); // maxHolders moves to index 0
        expect(await compliance.transferHookModules()).to.deep.equal([(1n << 24n) - 1n, 1n]);
        await configureModule(compliance, accounts.owner, maxHolders, "setMaxHolders", [2n]);
        await token.connect(accounts.alice).transfer(accounts.bob.address, JGB_UNIT);
        expect(await maxHolders.holderCount(complianceAddress)).to.equal(2n);
      });
    });
  });

  describe(".getModules() / .isModuleBound() / .getTokenBound()", function () {
    describe("when nothing is added", function () {
      it("returns an empty list, false, and the series token", async function () {
        const { compliance, token, suite } = await loadFixture(complianceBaseFixture);
        expect(await compliance.getModules()).to.deep.equal([]);
        expect(await compliance.isModuleBound(await suite.modules.lockUp.getAddress())).to.equal(false);
        expect(await compliance.getTokenBound()).to.equal(await token.getAddress());
      });
    });

    describe("when modules are added", function () {
      it("lists them in the order added and reports each bound", async function () {
        const { compliance, suite, accounts } = await loadFixture(complianceBaseFixture);
        const lockUp = await suite.modules.lockUp.getAddress();
        const countryAllow = await suite.modules.countryAllow.getAddress();
        await compliance.connect(accounts.owner).addModule(lockUp);
        await compliance.connect(accounts.complianceAgent).addModule(countryAllow);
        expect(await compliance.getModules()).to.deep.equal([lockUp, countryAllow]);
        expect(await compliance.isModuleBound(lockUp)).to.equal(true);
        expect(await compliance.isModuleBound(countryAllow)).to.equal(true);
        expect(await compliance.isModuleBound(await suite.modules.supplyCap.getAddress())).to.equal(false);
      });
    });
  });
});

import { expect } from "chai";
import { ethers } from "hardhat";
import { impersonateAccount, loadFixture, setBalance } from "@nomicfoundation/hardhat-network-helpers";
import type { BaseContract } from "ethers";
import { IComplianceModule__factory } from "../../../typechain-types";
import { moduleCall, type ComplianceContext } from "../../helpers/compliance-fixtures";
import { transferContextOf } from "../../helpers/transfer-context";

/** What {shouldBehaveLikeModule} needs to know about one module. */
export interface ModuleBehaviorOptions<C extends ComplianceContext & { module: BaseContract }> {
  /** A named fixture in which `module` is added to `context.compliance` (and to no other compliance). */
  fixture: () => Promise<C>;
  /** Expected `name()`. */
  name: string;
  /** Expected `hooks()` as a sum of ModuleHooks bits. */
  hooks: number;
  /** Expected `isPlugAndPlay()`. */
  plugAndPlay: boolean;
  /** A configuration function of the module and valid arguments, e.g. `["setMaxBalance", [1n]]`. */
  configuration: readonly [fn: string, args: readonly unknown[]];
}

/**
 * Rules every compliance module shares: binding is done by the compliance itself, once; only a bound
 * compliance may configure the module or record transfers in it; name and hooks are as documented.
 */
export function shouldBehaveLikeModule<C extends ComplianceContext & { module: BaseContract }>(
  options: ModuleBehaviorOptions<C>,
) {
  const [configFn, configArgs] = options.configuration;

  async function setup() {
    const context = await loadFixture(options.fixture);
    const moduleAddress = await context.module.getAddress();
    const complianceAddress = await context.compliance.getAddress();
    const module = IComplianceModule__factory.connect(moduleAddress, ethers.provider);
    return { ...context, moduleAddress, complianceAddress, asModule: module };
  }

  describe("shouldBehaveLikeModule", function () {
    describe(".name()", function () {
      it(`returns "${options.name}"`, async function () {
        const { asModule } = await setup();
        expect(await asModule.name()).to.equal(options.name);
      });
    });

    describe(".hooks()", function () {
      it(`returns the documented bits (${options.hooks})`, async function () {
        const { asModule } = await setup();
        expect(await asModule.hooks()).to.equal(BigInt(options.hooks));
      });

      it("is what the compliance reports as its hook mask when it is the only module", async function () {
        const { compliance } = await setup();
        expect(await compliance.getModules()).to.have.lengthOf(1);
        expect(await compliance.hookMask()).to.equal(BigInt(options.hooks));
      });
    });

    describe(".isPlugAndPlay()", function () {
      it(`returns ${options.plugAndPlay}`, async function () {
        const { asModule } = await setup();
        expect(await asModule.isPlugAndPlay()).to.equal(options.plugAndPlay);
      });
    });

    describe(".bindCompliance()", function () {
      describe("when the caller is not the compliance it names", function () {
        it("reverts with ModuleCallerNotCompliance", async function () {
          const { asModule, accounts, complianceAddress } = await setup();
          await expect(asModule.connect(accounts.outsider).bindCompliance(complianceAddress))
            .to.be.revertedWithCustomError(asModule, "ModuleCallerNotCompliance")
            .withArgs(accounts.outsider.address, complianceAddress);
        });
      });

      describe("when the compliance is already bound", function () {
        it("reverts with ModuleComplianceAlreadyBound", async function () {
          const { asModule, accounts } = await setup();
          // a compliance calls bindCompliance as itself; an account doing so for itself is the same case
          await asModule.connect(accounts.outsider).bindCompliance(accounts.outsider.address);
          await expect(asModule.connect(accounts.outsider).bindCompliance(accounts.outsider.address))
            .to.be.revertedWithCustomError(asModule, "ModuleComplianceAlreadyBound")
            .withArgs(accounts.outsider.address);
        });
      });

      describe("when forwarded through callModuleFunction", function () {
        it("is refused by the compliance with ComplianceModuleCallForbidden (binding is addModule's job)", async function () {
          const { asModule, compliance, accounts, complianceAddress, moduleAddress } = await setup();
          for (const fn of ["bindCompliance", "unbindCompliance"]) {
            const data = moduleCall(asModule, fn, [complianceAddress]);
            await expect(compliance.connect(accounts.owner).callModuleFunction(data, moduleAddress))
              .to.be.revertedWithCustomError(compliance, "ComplianceModuleCallForbidden")
              .withArgs(moduleAddress, data.slice(0, 10));
          }
          expect(await asModule.isComplianceBound(complianceAddress)).to.equal(true);
        });
      });

      describe("when a caller binds itself", function () {
        it("binds it and emits ComplianceBound", async function () {
          const { asModule, accounts } = await setup();
          await expect(asModule.connect(accounts.outsider).bindCompliance(accounts.outsider.address))
            .to.emit(asModule, "ComplianceBound")
            .withArgs(accounts.outsider.address);
          expect(await asModule.isComplianceBound(accounts.outsider.address)).to.equal(true);
        });
      });
    });

    describe(".unbindCompliance()", function () {
      describe("when the caller is not the compliance it names", function () {
        it("reverts with ModuleCallerNotCompliance", async function () {
          const { asModule, accounts, complianceAddress } = await setup();
          await expect(asModule.connect(accounts.outsider).unbindCompliance(complianceAddress))
            .to.be.revertedWithCustomError(asModule, "ModuleCallerNotCompliance")
            .withArgs(accounts.outsider.address, complianceAddress);
        });
      });

      describe("when the caller is not bound", function () {
        it("reverts with ModuleCallerNotBoundCompliance", async function () {
          const { asModule, accounts } = await setup();
          await expect(asModule.connect(accounts.outsider).unbindCompliance(accounts.outsider.address))
            .to.be.revertedWithCustomError(asModule, "ModuleCallerNotBoundCompliance")
            .withArgs(accounts.outsider.address);
        });
      });
    });

    describe(".isComplianceBound()", function () {
      describe("when the compliance added the module", function () {
        it("returns true", async function () {
          const { asModule, complianceAddress } = await setup();
          expect(await asModule.isComplianceBound(complianceAddress)).to.equal(true);
        });
      });

      describe("when the compliance removes the module", function () {
        it("emits ComplianceUnbound and returns false", async function () {
          const { asModule, compliance, accounts, complianceAddress, moduleAddress } = await setup();
          await expect(compliance.connect(accounts.owner).removeModule(moduleAddress))
            .to.emit(asModule, "ComplianceUnbound")
            .withArgs(complianceAddress);
          expect(await asModule.isComplianceBound(complianceAddress)).to.equal(false);
        });
      });

      describe("when the compliance adds it again after removing it", function () {
        it("emits ComplianceBound and returns true", async function () {
          const { asModule, compliance, accounts, complianceAddress, moduleAddress } = await setup();
          await compliance.connect(accounts.owner).removeModule(moduleAddress);
          await expect(compliance.connect(accounts.owner).addModule(moduleAddress))
            .to.emit(asModule, "ComplianceBound")
            .withArgs(complianceAddress);
          expect(await asModule.isComplianceBound(complianceAddress)).to.equal(true);
        });
      });

      describe("when the address never bound the module", function () {
        it("returns false", async function () {
          const { asModule, accounts } = await setup();
          expect(await asModule.isComplianceBound(accounts.outsider.address)).to.equal(false);
        });
      });
    });

    describe(`.${configFn}()`, function () {
      describe("when called through the bound compliance", function () {
        it("emits ModuleInteraction with the selector", async function () {
          const { compliance, accounts, module, moduleAddress } = await setup();
          const data = moduleCall(module, configFn, configArgs);
          await expect(compliance.connect(accounts.owner).callModuleFunction(data, moduleAddress))
            .to.emit(compliance, "ModuleInteraction")
            .withArgs(moduleAddress, data.slice(0, 10));
        });
      });

      describe("when called directly by the compliance's owner", function () {
        it("reverts with ModuleCallerNotBoundCompliance", async function () {
          const { asModule, accounts, module, moduleAddress } = await setup();
          await expect(
            accounts.owner.sendTransaction({ to: moduleAddress, data: moduleCall(module, configFn, configArgs) }),
          )
            .to.be.revertedWithCustomError(asModule, "ModuleCallerNotBoundCompliance")
            .withArgs(accounts.owner.address);
        });
      });

      describe("when called by a compliance that removed the module", function () {
        it("reverts with ModuleCallerNotBoundCompliance", async function () {
          const { asModule, compliance, accounts, module, moduleAddress, complianceAddress } = await setup();
          await compliance.connect(accounts.owner).removeModule(moduleAddress);
          await impersonateAccount(complianceAddress);
          await setBalance(complianceAddress, 10n ** 18n);
          const asCompliance = await ethers.getSigner(complianceAddress);
          await expect(
            asCompliance.sendTransaction({ to: moduleAddress, data: moduleCall(module, configFn, configArgs) }),
          )
            .to.be.revertedWithCustomError(asModule, "ModuleCallerNotBoundCompliance")
            .withArgs(complianceAddress);
        });
      });
    });

    describe(".moduleCheckWithContext()", function () {
      describe("when given the context the token would hand over", function () {
        it("answers like moduleCheck, which resolves the context itself", async function () {
          const { asModule, token, accounts, complianceAddress } = await setup();
          const { agent, alice, bob, charlie, dave } = accounts;
          // Give alice a balance where the module's configuration allows it (some modules refuse her).
          const mint = token.connect(agent).mint;
          if (await mint.staticCall(alice.address, 150_000n).then(() => true, () => false)) {
            await mint(alice.address, 150_000n);
          }
          const zero = ethers.ZeroAddress;
          const cases: [string, string, bigint][] = [
            [zero, bob.address, 100_000n], // mint to a new holder
            [zero, alice.address, 50_000n], // mint to a holder
            [alice.address, bob.address, 50_000n], // transfer to a new holder
            [alice.address, charlie.address, 100_000n], // transfer to a US investor
            [alice.address, alice.address, 50_000n], // transfer to oneself
            [alice.address, dave.address, 1n], // recipient not registered
            [bob.address, alice.address, 1n], // sender holds nothing
          ];
          for (const [from, to, amount] of cases) {
            const context = await transferContextOf(token, from, to);
            expect(
              await asModule.moduleCheckWithContext(from, to, amount, complianceAddress, context),
              `${from} -> ${to}: ${amount}`,
            ).to.equal(await asModule.moduleCheck(from, to, amount, complianceAddress));
          }
        });
      });
    });

    describe(".moduleCheckWithContext() with a malformed context", function () {
      // The module copies the context to memory in one go (AbstractModule._copy) and must still refuse,
      // as the ABI decoder would, a field wider than its type: words 4, 5 and 6 of the arguments are the
      // registry, the recipient's identity and the recipient's country.
      for (const [field, word, dirty] of [
        ["registry", 4, 1n << 160n],
        ["toIdentity", 5, 1n << 255n],
        ["toCountry", 6, 1n << 16n],
      ] as const) {
        it(`reverts without a reason when ${field} does not fit its type`, async function () {
          const { asModule, token, accounts, complianceAddress, moduleAddress } = await setup();
          const { alice, bob } = accounts;
          const context = await transferContextOf(token, alice.address, bob.address);
          const data = asModule.interface.encodeFunctionData("moduleCheckWithContext", [
            alice.address,
            bob.address,
            1n,
            complianceAddress,
            context,
          ]);
          // The well-formed call answers.
          await ethers.provider.call({ to: moduleAddress, data });
          const start = 2 + 8 + 64 * word;
          const value = BigInt("0x" + data.slice(start, start + 64)) | dirty;
          const malformed = data.slice(0, start) + value.toString(16).padStart(64, "0") + data.slice(start + 64);
          await expect(ethers.provider.call({ to: moduleAddress, data: malformed })).to.be.revertedWithoutReason();
        });
      }
    });

    describe(".moduleCheckAndActionWithContext()", function () {
      describe("when called by the bound compliance", function () {
        it("answers like moduleCheckWithContext on the state before the change", async function () {
          const { asModule, token, accounts, complianceAddress } = await setup();
          const { agent, alice, bob, charlie, dave } = accounts;
          const mint = token.connect(agent).mint;
          if (await mint.staticCall(alice.address, 150_000n).then(() => true, () => false)) {
            await mint(alice.address, 150_000n);
          }
          await impersonateAccount(complianceAddress);
          await setBalance(complianceAddress, 10n ** 18n);
          const asCompliance = asModule.connect(await ethers.getSigner(complianceAddress));
          const zero = ethers.ZeroAddress;
          const cases: [string, string, bigint][] = [
            [zero, bob.address, 100_000n],
            [zero, alice.address, 50_000n],
            [alice.address, bob.address, 50_000n],
            [alice.address, charlie.address, 100_000n],
            [alice.address, alice.address, 50_000n],
            [alice.address, dave.address, 1n],
          ];
          for (const [from, to, amount] of cases) {
            const context = await transferContextOf(token, from, to);
            expect(
              await asCompliance.moduleCheckAndActionWithContext.staticCall(from, to, amount, context),
              `${from} -> ${to}: ${amount}`,
            ).to.equal(await asModule.moduleCheckWithContext(from, to, amount, complianceAddress, context));
          }
        });
      });

      describe("when called by an account that is not a bound compliance", function () {
        it("reverts with ModuleCallerNotBoundCompliance", async function () {
          const { asModule, token, accounts } = await setup();
          const context = await transferContextOf(token, accounts.alice.address, accounts.bob.address);
          await expect(
            asModule
              .connect(accounts.outsider)
              .moduleCheckAndActionWithContext(accounts.alice.address, accounts.bob.address, 1n, context),
          )
            .to.be.revertedWithCustomError(asModule, "ModuleCallerNotBoundCompliance")
            .withArgs(accounts.outsider.address);
        });
      });
    });

    describe("recording hooks", function () {
      describe("when called by an account that is not a bound compliance", function () {
        it("reverts moduleActionWithContext with ModuleCallerNotBoundCompliance", async function () {
          const { asModule, token, accounts } = await setup();
          const context = await transferContextOf(token, accounts.alice.address, accounts.bob.address);
          await expect(
            asModule
              .connect(accounts.outsider)
              .moduleActionWithContext(accounts.alice.address, accounts.bob.address, 1n, context),
          )
            .to.be.revertedWithCustomError(asModule, "ModuleCallerNotBoundCompliance")
            .withArgs(accounts.outsider.address);
        });

        it("reverts moduleTransferAction with ModuleCallerNotBoundCompliance", async function () {
          const { asModule, accounts } = await setup();
          await expect(
            asModule.connect(accounts.outsider).moduleTransferAction(accounts.alice.address, accounts.bob.address, 1n),
          )
            .to.be.revertedWithCustomError(asModule, "ModuleCallerNotBoundCompliance")
            .withArgs(accounts.outsider.address);
        });

        it("reverts moduleMintAction with ModuleCallerNotBoundCompliance", async function () {
          const { asModule, accounts } = await setup();
          await expect(asModule.connect(accounts.outsider).moduleMintAction(accounts.alice.address, 1n))
            .to.be.revertedWithCustomError(asModule, "ModuleCallerNotBoundCompliance")
            .withArgs(accounts.outsider.address);
        });

        it("reverts moduleBurnAction with ModuleCallerNotBoundCompliance", async function () {
          const { asModule, accounts } = await setup();
          await expect(asModule.connect(accounts.outsider).moduleBurnAction(accounts.alice.address, 1n))
            .to.be.revertedWithCustomError(asModule, "ModuleCallerNotBoundCompliance")
            .withArgs(accounts.outsider.address);
        });
      });
    });
  });
}

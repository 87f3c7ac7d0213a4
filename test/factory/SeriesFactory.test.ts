import { expect } from "chai";
import { ethers, upgrades } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ROLES } from "../../scripts/lib/constants";
import { createSeries } from "../../scripts/lib/suite";
import { deploySuiteFixture, withBalancesFixture } from "../fixtures/suite.fixture";
import type { SecurityTokenV2Mock, UpgradeableBeacon } from "../../typechain-types";

describe("SeriesFactory", () => {
  describe(".createSeries()", () => {
    describe("when called by a series deployer", () => {
      it("creates a token and its compliance in one transaction, bound to the shared registry", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        const { token, compliance, receipt } = await createSeries(suite, accounts.owner, {
          name: "Tokyo Metropolis 5Y",
          symbol: "TKY5",
          agents: [accounts.agent.address],
          complianceAgents: [accounts.registrar.address],
        });
        await expect(receipt.hash)
          .to.emit(suite.factory, "SeriesCreated")
          .withArgs(token.target, compliance.target, accounts.owner.address, "Tokyo Metropolis 5Y", "TKY5");
        expect(await token.identityRegistry()).to.equal(await suite.identityRegistry.getAddress());
        expect(await compliance.getTokenBound()).to.equal(token.target);
        expect(await token.compliance()).to.equal(compliance.target);
        expect(await token.hasRole(await token.DEFAULT_ADMIN_ROLE(), accounts.owner.address)).to.equal(true);
        expect(await compliance.owner()).to.equal(accounts.owner.address);
        expect(await token.isAgent(accounts.agent.address)).to.equal(true);
        expect(await compliance.hasRole(ROLES.COMPLIANCE_AGENT, accounts.registrar.address)).to.equal(true);
      });

      it("installs and configures modules in the same transaction", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        const cap = suite.modules.supplyCap;
        const { token, compliance } = await createSeries(suite, accounts.owner, {
          name: "Capped",
          symbol: "CAP",
          agents: [accounts.agent.address],
          modules: [
            { module: await cap.getAddress(), calls: [cap.interface.encodeFunctionData("setSupplyCap", [1_000n])] },
          ],
        });
        expect(await compliance.getModules()).to.deep.equal([await cap.getAddress()]);
        expect(await cap.supplyCap(compliance.target)).to.equal(1_000n);
        await expect(token.connect(accounts.agent).mint(accounts.alice.address, 1_001n))
          .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
          .withArgs(ethers.ZeroAddress, accounts.alice.address, 1_001n, await cap.getAddress());
      });
    });

    describe("when the owner is zero", () => {
      it("reverts with SeriesFactoryZeroAddress", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        const params = {
          owner: ethers.ZeroAddress,
          name: "x",
          symbol: "x",
          decimals: 0,
          onchainID: ethers.ZeroAddress,
          tokenRoles: [],
          complianceAgents: [],
          modules: [],
        };
        await expect(suite.factory.connect(accounts.owner).createSeries(params)).to.be.revertedWithCustomError(
          suite.factory,
          "SeriesFactoryZeroAddress",
        );
      });
    });

    describe("when the caller is not a series deployer", () => {
      it("reverts with AccessControlUnauthorizedAccount", async () => {
        const { suite, accounts } = await loadFixture(deploySuiteFixture);
        await expect(createSeries(suite, accounts.outsider, { name: "x", symbol: "x" }))
          .to.be.revertedWithCustomError(suite.factory, "AccessControlUnauthorizedAccount")
          .withArgs(accounts.outsider.address, ROLES.SERIES_DEPLOYER);
      });
    });
  });

  describe(".setIdentityRegistry()", () => {
    it("points new series at another registry; only the owner; never zero", async () => {
      const { suite, accounts } = await loadFixture(deploySuiteFixture);
      await expect(suite.factory.connect(accounts.outsider).setIdentityRegistry(accounts.outsider.address))
        .to.be.revertedWithCustomError(suite.factory, "AccessControlUnauthorizedAccount")
        .withArgs(accounts.outsider.address, ROLES.DEFAULT_ADMIN);
      await expect(
        suite.factory.connect(accounts.owner).setIdentityRegistry(ethers.ZeroAddress),
      ).to.be.revertedWithCustomError(suite.factory, "SeriesFactoryZeroAddress");
      await expect(suite.factory.connect(accounts.owner).setIdentityRegistry(accounts.outsider.address))
        .to.emit(suite.factory, "IdentityRegistrySet")
        .withArgs(accounts.outsider.address);
      expect(await suite.factory.identityRegistry()).to.equal(accounts.outsider.address);
    });
  });

  describe("upgrades", () => {
    async function beacon(address: string) {
      return (await ethers.getContractAt("UpgradeableBeacon", address)) as unknown as UpgradeableBeacon;
    }

    it("upgrading the token beacon upgrades every series at once and keeps their state", async () => {
      const { suite, accounts, token } = await loadFixture(withBalancesFixture);
      const second = await createSeries(suite, accounts.owner, { name: "Second", symbol: "S2" });
      const v2 = await (await ethers.getContractFactory("SecurityTokenV2Mock")).deploy();
      const tokenBeacon = await beacon(await suite.factory.tokenBeacon());
      await expect(tokenBeacon.connect(accounts.owner).upgradeTo(await v2.getAddress()))
        .to.emit(tokenBeacon, "Upgraded")
        .withArgs(await v2.getAddress());
      for (const series of [token, second.token]) {
        const upgraded = (await ethers.getContractAt(
          "SecurityTokenV2Mock",
          await series.getAddress(),
        )) as unknown as SecurityTokenV2Mock;
        expect(await upgraded.upgradeProbe()).to.equal("v2");
      }
      expect(await token.balanceOf(accounts.alice.address)).to.equal(1000n);
      expect(await token.totalSupply()).to.equal(1500n);
      await expect(token.connect(accounts.alice).transfer(accounts.bob.address, 1n)).to.changeTokenBalance(
        token,
        accounts.bob,
        1n,
      );
    });

    it("only the beacon owner can upgrade", async () => {
      const { suite, accounts } = await loadFixture(deploySuiteFixture);
      const tokenBeacon = await beacon(await suite.factory.tokenBeacon());
      const complianceBeacon = await beacon(await suite.factory.complianceBeacon());
      for (const b of [tokenBeacon, complianceBeacon]) {
        await expect(b.connect(accounts.outsider).upgradeTo(await suite.factory.getAddress()))
          .to.be.revertedWithCustomError(b, "OwnableUnauthorizedAccount")
          .withArgs(accounts.outsider.address);
      }
    });

    it("implementations cannot be initialized directly", async () => {
      const { suite, accounts } = await loadFixture(deploySuiteFixture);
      const implementation = await ethers.getContractAt(
        "ModularCompliance",
        await (await beacon(await suite.factory.complianceBeacon())).implementation(),
      );
      await expect(
        implementation.connect(accounts.outsider).initialize(accounts.outsider.address, [], []),
      ).to.be.revertedWithCustomError(implementation, "InvalidInitialization");
    });

    it("storage layouts of the beacon implementations validate (hardhat-upgrades)", async () => {
      const SecurityToken = await ethers.getContractFactory("SecurityToken");
      const ModularCompliance = await ethers.getContractFactory("ModularCompliance");
      const V2 = await ethers.getContractFactory("SecurityTokenV2Mock");
      await upgrades.validateImplementation(SecurityToken, { kind: "beacon" });
      await upgrades.validateImplementation(ModularCompliance, { kind: "beacon" });
      await upgrades.validateUpgrade(SecurityToken, V2, { kind: "beacon" });
    });

    it("the bond series implementation (BondToken) validates for a beacon (hardhat-upgrades)", async () => {
      const BondToken = await ethers.getContractFactory("BondToken");
      await upgrades.validateImplementation(BondToken, { kind: "beacon" });
    });
  });
});

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ROLES } from "../../scripts/lib/constants";
import { deploy } from "../../scripts/lib/suite";
import type { CpiFeed } from "../../typechain-types";
import { fromCivil } from "../fixtures/dates";

const MAX_BATCH = 366n;
const DAY = fromCivil({ year: 2027, month: 3, day: 10 });

/** A CPI feed owned by `owner`, with `indexAgent` allowed to publish. */
async function deployCpiFeedFixture() {
  const [owner, indexAgent, outsider] = await ethers.getSigners();
  const feed = await deploy<CpiFeed>("CpiFeed", owner, owner.address);
  await feed.connect(owner).grantRole(ROLES.INDEX_AGENT, indexAgent.address);
  return { feed, owner, indexAgent, outsider };
}

describe("CpiFeed", () => {
  describe("deployment", () => {
    it("makes the owner the admin, and INDEX_AGENT the kosai role id", async () => {
      const { feed, owner } = await loadFixture(deployCpiFeedFixture);
      expect(await feed.owner()).to.equal(owner.address);
      expect(await feed.INDEX_AGENT()).to.equal(ROLES.INDEX_AGENT);
      expect(await feed.MAX_BATCH()).to.equal(MAX_BATCH);
    });

    it("refuses a zero owner", async () => {
      const [owner] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("CpiFeed", owner);
      await expect(factory.deploy(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(factory, "AccessControlInvalidDefaultAdmin")
        .withArgs(ethers.ZeroAddress);
    });
  });

  describe(".publish()", () => {
    describe("when the caller lacks INDEX_AGENT", () => {
      it("reverts, the admin included", async () => {
        const { feed, owner, outsider } = await loadFixture(deployCpiFeedFixture);
        for (const caller of [outsider, owner]) {
          await expect(feed.connect(caller).publish([DAY], [104_123n]))
            .to.be.revertedWithCustomError(feed, "AccessControlUnauthorizedAccount")
            .withArgs(caller.address, ROLES.INDEX_AGENT);
        }
      });

      it("reverts once the role is revoked", async () => {
        const { feed, owner, indexAgent } = await loadFixture(deployCpiFeedFixture);
        await feed.connect(owner).revokeRole(ROLES.INDEX_AGENT, indexAgent.address);
        await expect(feed.connect(indexAgent).publish([DAY], [104_123n]))
          .to.be.revertedWithCustomError(feed, "AccessControlUnauthorizedAccount")
          .withArgs(indexAgent.address, ROLES.INDEX_AGENT);
      });
    });

    describe("when the caller has INDEX_AGENT", () => {
      it("stores each day's value and emits ReferenceCpiPublished per day", async () => {
        const { feed, indexAgent } = await loadFixture(deployCpiFeedFixture);
        const tx = feed.connect(indexAgent).publish([DAY, DAY + 1], [104_123n, 104_130n]);
        await expect(tx).to.emit(feed, "ReferenceCpiPublished").withArgs(DAY, 104_123n);
        await expect(tx)
          .to.emit(feed, "ReferenceCpiPublished")
          .withArgs(DAY + 1, 104_130n);
        expect(await feed.referenceCpi(DAY)).to.equal(104_123n);
        expect(await feed.referenceCpi(DAY + 1)).to.equal(104_130n);
      });

      it("answers 0 for a day not published", async () => {
        const { feed, indexAgent } = await loadFixture(deployCpiFeedFixture);
        await feed.connect(indexAgent).publish([DAY], [104_123n]);
        expect(await feed.referenceCpi(DAY - 1)).to.equal(0n);
        expect(await feed.referenceCpi(0)).to.equal(0n);
      });

      it("accepts an empty batch", async () => {
        const { feed, indexAgent } = await loadFixture(deployCpiFeedFixture);
        await expect(feed.connect(indexAgent).publish([], [])).not.to.emit(feed, "ReferenceCpiPublished");
      });
    });

    describe("once a day is published", () => {
      it("never changes it, even to the same value", async () => {
        const { feed, indexAgent } = await loadFixture(deployCpiFeedFixture);
        await feed.connect(indexAgent).publish([DAY], [104_123n]);
        for (const value of [104_500n, 104_123n]) {
          await expect(feed.connect(indexAgent).publish([DAY], [value]))
            .to.be.revertedWithCustomError(feed, "CpiFeedAlreadyPublished")
            .withArgs(DAY, 104_123n);
        }
        expect(await feed.referenceCpi(DAY)).to.equal(104_123n);
      });

      it("refuses a day twice in one batch, and keeps nothing of the batch", async () => {
        const { feed, indexAgent } = await loadFixture(deployCpiFeedFixture);
        await expect(feed.connect(indexAgent).publish([DAY + 1, DAY, DAY], [104_000n, 104_123n, 104_200n]))
          .to.be.revertedWithCustomError(feed, "CpiFeedAlreadyPublished")
          .withArgs(DAY, 104_123n);
        expect(await feed.referenceCpi(DAY)).to.equal(0n);
        expect(await feed.referenceCpi(DAY + 1)).to.equal(0n);
      });
    });

    describe("with a zero value", () => {
      it("reverts CpiFeedZeroValue and keeps nothing of the batch", async () => {
        const { feed, indexAgent } = await loadFixture(deployCpiFeedFixture);
        await expect(feed.connect(indexAgent).publish([DAY, DAY + 1], [104_123n, 0n]))
          .to.be.revertedWithCustomError(feed, "CpiFeedZeroValue")
          .withArgs(DAY + 1);
        expect(await feed.referenceCpi(DAY)).to.equal(0n);
      });
    });

    describe("batch shape", () => {
      it("refuses arrays of different lengths", async () => {
        const { feed, indexAgent } = await loadFixture(deployCpiFeedFixture);
        await expect(feed.connect(indexAgent).publish([DAY, DAY + 1], [104_123n]))
          .to.be.revertedWithCustomError(feed, "CpiFeedBadBatch")
          .withArgs(2, 1, MAX_BATCH);
        await expect(feed.connect(indexAgent).publish([DAY], [104_123n, 104_130n]))
          .to.be.revertedWithCustomError(feed, "CpiFeedBadBatch")
          .withArgs(1, 2, MAX_BATCH);
      });

      it("accepts MAX_BATCH days (a leap year) and refuses one more", async () => {
        const { feed, indexAgent } = await loadFixture(deployCpiFeedFixture);
        const days = (n: number) => Array.from({ length: n }, (_, i) => DAY + i);
        const values = (n: number) => Array.from({ length: n }, (_, i) => 100_000n + BigInt(i));
        const over = Number(MAX_BATCH) + 1;
        await expect(feed.connect(indexAgent).publish(days(over), values(over)))
          .to.be.revertedWithCustomError(feed, "CpiFeedBadBatch")
          .withArgs(over, over, MAX_BATCH);
        await feed.connect(indexAgent).publish(days(Number(MAX_BATCH)), values(Number(MAX_BATCH)));
        expect(await feed.referenceCpi(DAY + Number(MAX_BATCH) - 1)).to.equal(100_000n + MAX_BATCH - 1n);
        expect(await feed.referenceCpi(DAY + Number(MAX_BATCH))).to.equal(0n);
      });
    });
  });
});

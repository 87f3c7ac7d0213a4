import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { price } from "../../scripts/lib/collateral";
import { ROLES } from "../../scripts/lib/constants";
import type { PriceFeed } from "../../typechain-types";

const MAX_PRICE = 1_000_000_000n;
const MAX_BATCH = 200;

/** A price feed owned by `owner`, `agent` its price agent; `series` are three arbitrary series addresses. */
async function feedFixture() {
  const [owner, agent, outsider] = await ethers.getSigners();
  const feed = (await (
    await ethers.getContractFactory("PriceFeed", owner)
  ).deploy(owner.address)) as unknown as PriceFeed;
  await feed.grantRole(ROLES.PRICE_AGENT, agent.address);
  const series = [1, 2, 3].map((i) => ethers.getAddress(ethers.zeroPadValue(ethers.toBeHex(0x5e000 + i), 20)));
  return { feed, owner, agent, outsider, series };
}

/** `count` distinct series addresses. */
function manySeries(count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    ethers.getAddress(ethers.zeroPadValue(ethers.toBeHex(0xa0000 + i), 20)),
  );
}

describe("PriceFeed", () => {
  describe("deployment", () => {
    it("makes the owner admin and exposes the role, the batch cap and the price ceiling", async () => {
      const { feed, owner, agent } = await loadFixture(feedFixture);
      expect(await feed.hasRole(ROLES.DEFAULT_ADMIN, owner.address)).to.equal(true);
      expect(await feed.PRICE_AGENT()).to.equal(ROLES.PRICE_AGENT);
      expect(await feed.hasRole(ROLES.PRICE_AGENT, agent.address)).to.equal(true);
      expect(await feed.hasRole(ROLES.PRICE_AGENT, owner.address)).to.equal(false);
      expect(await feed.MAX_BATCH()).to.equal(BigInt(MAX_BATCH));
      expect(await feed.MAX_PRICE()).to.equal(MAX_PRICE);
    });

    it("has no price for an unknown series (0, 0)", async () => {
      const { feed, series } = await loadFixture(feedFixture);
      expect(await feed.priceOf(series[0])).to.deep.equal([0n, 0n]);
    });
  });

  describe(".publish()", () => {
    it("stores each price with its observation time and emits PricePublished per series", async () => {
      const { feed, agent, series } = await loadFixture(feedFixture);
      const at = await time.latest();
      const tx = feed.connect(agent).publish(series.slice(0, 2), [price("99.875"), price("101.5")], [at, at - 60]);
      await expect(tx).to.emit(feed, "PricePublished").withArgs(series[0], 99_875_000n, at, agent.address);
      await expect(tx)
        .to.emit(feed, "PricePublished")
        .withArgs(series[1], 101_500_000n, at - 60, agent.address);
      expect(await feed.priceOf(series[0])).to.deep.equal([99_875_000n, BigInt(at)]);
      expect(await feed.priceOf(series[1])).to.deep.equal([101_500_000n, BigInt(at - 60)]);
      expect(await feed.priceOf(series[2])).to.deep.equal([0n, 0n]);
    });

    it("replaces a price by a newer observation (lower or higher)", async () => {
      const { feed, agent, series } = await loadFixture(feedFixture);
      await feed.connect(agent).publish([series[0]], [price("100")], [(await time.latest()) - 10]);
      const at = await time.latest();
      await feed.connect(agent).publish([series[0]], [price("90")], [at]);
      expect(await feed.priceOf(series[0])).to.deep.equal([90_000_000n, BigInt(at)]);
    });

    it("reverts with AccessControlUnauthorizedAccount for anyone without PRICE_AGENT, the admin included", async () => {
      const { feed, owner, outsider, series } = await loadFixture(feedFixture);
      for (const caller of [owner, outsider]) {
        await expect(feed.connect(caller).publish([series[0]], [price("100")], [await time.latest()]))
          .to.be.revertedWithCustomError(feed, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, ROLES.PRICE_AGENT);
      }
    });

    it("follows role changes: a revoked agent is refused", async () => {
      const { feed, owner, agent, series } = await loadFixture(feedFixture);
      await feed.connect(owner).revokeRole(ROLES.PRICE_AGENT, agent.address);
      await expect(feed.connect(agent).publish([series[0]], [price("100")], [await time.latest()]))
        .to.be.revertedWithCustomError(feed, "AccessControlUnauthorizedAccount")
        .withArgs(agent.address, ROLES.PRICE_AGENT);
    });

    describe("range", () => {
      it("accepts 0.000001 and MAX_PRICE (¥1,000 per ¥100)", async () => {
        const { feed, agent, series } = await loadFixture(feedFixture);
        const at = await time.latest();
        await feed.connect(agent).publish(series.slice(0, 2), [1n, MAX_PRICE], [at, at]);
        expect((await feed.priceOf(series[0]))[0]).to.equal(1n);
        expect((await feed.priceOf(series[1]))[0]).to.equal(MAX_PRICE);
      });

      it("reverts with PriceFeedPriceOutOfRange for zero or above MAX_PRICE", async () => {
        const { feed, agent, series } = await loadFixture(feedFixture);
        const at = await time.latest();
        await expect(feed.connect(agent).publish([series[0]], [0n], [at]))
          .to.be.revertedWithCustomError(feed, "PriceFeedPriceOutOfRange")
          .withArgs(series[0], 0n);
        await expect(feed.connect(agent).publish([series[0]], [MAX_PRICE + 1n], [at]))
          .to.be.revertedWithCustomError(feed, "PriceFeedPriceOutOfRange")
          .withArgs(series[0], MAX_PRICE + 1n);
      });
    });

    describe("ordering", () => {
      it("reverts with PriceFeedObservationOutOfOrder for an observation not newer than the one held", async () => {
        const { feed, agent, series } = await loadFixture(feedFixture);
        const at = (await time.latest()) - 100;
        await feed.connect(agent).publish([series[0]], [price("100")], [at]);
        for (const older of [at, at - 1]) {
          await expect(feed.connect(agent).publish([series[0]], [price("99")], [older]))
            .to.be.revertedWithCustomError(feed, "PriceFeedObservationOutOfOrder")
            .withArgs(series[0], older, at);
        }
        expect(await feed.priceOf(series[0])).to.deep.equal([100_000_000n, BigInt(at)]);
      });

      it("reverts with PriceFeedObservationOutOfOrder for an observation in the future (or at time zero)", async () => {
        const { feed, agent, series } = await loadFixture(feedFixture);
        const now = (await time.latest()) + 10;
        await time.setNextBlockTimestamp(now);
        await expect(feed.connect(agent).publish([series[0]], [price("100")], [now + 1]))
          .to.be.revertedWithCustomError(feed, "PriceFeedObservationOutOfOrder")
          .withArgs(series[0], now + 1, 0);
        await expect(feed.connect(agent).publish([series[0]], [price("100")], [0]))
          .to.be.revertedWithCustomError(feed, "PriceFeedObservationOutOfOrder")
          .withArgs(series[0], 0, 0);
        await time.setNextBlockTimestamp(now + 20);
        await feed.connect(agent).publish([series[0]], [price("100")], [now + 20]); // the block's own time is fine
        expect((await feed.priceOf(series[0]))[1]).to.equal(BigInt(now + 20));
      });

      it("applies within a batch: the same series twice needs increasing times", async () => {
        const { feed, agent, series } = await loadFixture(feedFixture);
        const at = await time.latest();
        await expect(feed.connect(agent).publish([series[0], series[0]], [price("100"), price("101")], [at, at]))
          .to.be.revertedWithCustomError(feed, "PriceFeedObservationOutOfOrder")
          .withArgs(series[0], at, at);
        await feed.connect(agent).publish([series[0], series[0]], [price("100"), price("101")], [at - 1, at]);
        expect(await feed.priceOf(series[0])).to.deep.equal([101_000_000n, BigInt(at)]);
      });
    });

    describe("batches", () => {
      it("publishes MAX_BATCH prices in one call", async () => {
        const { feed, agent } = await loadFixture(feedFixture);
        const list = manySeries(MAX_BATCH);
        const at = await time.latest();
        await feed.connect(agent).publish(
          list,
          list.map((_, i) => BigInt(90_000_000 + i)),
          list.map(() => at),
        );
        expect((await feed.priceOf(list[MAX_BATCH - 1]))[0]).to.equal(BigInt(90_000_000 + MAX_BATCH - 1));
      });

      it("reverts with PriceFeedBadBatch above MAX_BATCH or for arrays of different lengths", async () => {
        const { feed, agent } = await loadFixture(feedFixture);
        const at = await time.latest();
        const list = manySeries(MAX_BATCH + 1);
        await expect(
          feed.connect(agent).publish(
            list,
            list.map(() => price("100")),
            list.map(() => at),
          ),
        )
          .to.be.revertedWithCustomError(feed, "PriceFeedBadBatch")
          .withArgs(MAX_BATCH + 1, MAX_BATCH + 1, MAX_BATCH + 1, MAX_BATCH);
        const three = manySeries(3);
        await expect(feed.connect(agent).publish(three, [price("100"), price("100")], [at, at, at]))
          .to.be.revertedWithCustomError(feed, "PriceFeedBadBatch")
          .withArgs(3, 2, 3, MAX_BATCH);
        await expect(feed.connect(agent).publish(three, [price("100"), price("100"), price("100")], [at, at]))
          .to.be.revertedWithCustomError(feed, "PriceFeedBadBatch")
          .withArgs(3, 3, 2, MAX_BATCH);
      });

      it("is all or nothing: one bad price refuses the whole batch", async () => {
        const { feed, agent, series } = await loadFixture(feedFixture);
        const at = await time.latest();
        await expect(feed.connect(agent).publish(series, [price("100"), 0n, price("100")], [at, at, at]))
          .to.be.revertedWithCustomError(feed, "PriceFeedPriceOutOfRange")
          .withArgs(series[1], 0n);
        for (const s of series) expect(await feed.priceOf(s)).to.deep.equal([0n, 0n]);
      });
    });
  });
});

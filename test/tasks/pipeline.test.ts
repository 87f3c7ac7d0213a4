import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { ClaimTopicsRegistry } from "../../typechain-types";
import { OperationFailed } from "../../tasks/lib/errors";
import { Pipeline } from "../../tasks/lib/pipeline";

/** The transaction pipeline in process, with automine off so that transactions wait in the pool. */
describe("tasks/lib/pipeline", function () {
  async function fixture() {
    const [owner] = await ethers.getSigners();
    const factory = await ethers.getContractFactory("ClaimTopicsRegistry");
    const topics = (await factory.deploy(owner.address)) as unknown as ClaimTopicsRegistry;
    await topics.waitForDeployment();
    return { owner, factory, topics, address: await topics.getAddress() };
  }

  afterEach(async () => {
    await network.provider.send("evm_setAutomine", [true]);
  });

  const addTopic = (topics: ClaimTopicsRegistry, address: string, topic: bigint) => ({
    kind: "add topic",
    action: `require topic ${topic}`,
    to: address,
    data: topics.interface.encodeFunctionData("addClaimTopic", [topic]),
  });

  it("sends a batch with explicit nonces without waiting for blocks; one gas limit per kind; one block mines them all", async () => {
    const { owner, topics, address } = await loadFixture(fixture);
    const pipeline = new Pipeline(ethers.provider, owner.address, { window: 64 });
    await pipeline.start();
    const first = pipeline.nextNonce;
    const mined: bigint[] = [];
    // The first of a kind is estimated (nothing in flight yet); automine off from then on.
    await pipeline.submit({ ...addTopic(topics, address, 1n), onMined: () => mined.push(1n) });
    await network.provider.send("evm_setAutomine", [false]);
    for (let t = 2n; t <= 10n; t++)
      await pipeline.submit({ ...addTopic(topics, address, t), onMined: () => mined.push(t) });
    expect(pipeline.nextNonce).to.equal(first + 10);
    expect(await ethers.provider.getTransactionCount(owner.address, "pending")).to.equal(first + 10);
    expect([...pipeline.gasLimits.keys()]).to.deep.equal(["add topic"]);
    await network.provider.send("evm_mine", []);
    await pipeline.drain();
    expect(mined).to.deep.equal([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n]);
    expect(await topics.getClaimTopics()).to.deep.equal(mined);
    expect(pipeline.counts).to.deep.include({ sent: 10, mined: 10 });
  });

  it("predicts the address of a contract it creates", async () => {
    const { owner, factory } = await loadFixture(fixture);
    const pipeline = new Pipeline(ethers.provider, owner.address);
    await pipeline.start();
    const predicted = pipeline.createAddress();
    const { data } = await factory.getDeployTransaction(owner.address);
    let created: string | null = null;
    await pipeline.submit({ kind: "deploy", action: "deploy", data, onMined: (r) => (created = r.contractAddress) });
    await pipeline.drain();
    expect(created).to.equal(predicted);
    expect(await ethers.provider.getCode(predicted)).to.not.equal("0x");
  });

  it("a transaction mined with status 0 stops the batch with the decoded custom error", async () => {
    const { owner, topics, address } = await loadFixture(fixture);
    const pipeline = new Pipeline(ethers.provider, owner.address);
    await pipeline.start();
    await pipeline.submit(addTopic(topics, address, 7n));
    await network.provider.send("evm_setAutomine", [false]);
    await pipeline.submit(addTopic(topics, address, 7n)); // fixed gas limit: sent without an estimate
    await network.provider.send("evm_mine", []);
    const failure = await pipeline.drain().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).to.be.instanceOf(OperationFailed);
    expect((failure as OperationFailed).message).to.equal("require topic 7 refused: ClaimTopicAlreadyRequired(7)");
  });

  it("an estimate that reverts is refused before anything is sent", async () => {
    const { owner, topics, address } = await loadFixture(fixture);
    await topics.addClaimTopic(3n);
    const nonce = await ethers.provider.getTransactionCount(owner.address);
    const fresh = new Pipeline(ethers.provider, owner.address);
    await fresh.start();
    const failure = await fresh.submit(addTopic(topics, address, 3n)).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect((failure as OperationFailed).reason).to.equal("ClaimTopicAlreadyRequired(3)");
    expect(await ethers.provider.getTransactionCount(owner.address)).to.equal(nonce);
  });
});

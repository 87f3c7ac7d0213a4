import { expect } from "chai";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ANVIL_AVAILABLE, type Chain, COVERAGE, runTask, spawnTask, startAnvil, tempDeployments } from "../helpers/cli";
import {
  ACCOUNTS,
  deployMarket,
  expectRegistered,
  nonceOf,
  randomWallets,
  readRecord,
  rpc,
  view,
  writeCsv,
} from "../helpers/investors";

/** Investors of a batch: every other one also gets topic 10 (individual). */
function batch(
  dir: string,
  count: number,
): { file: string; wallets: string[]; topics: bigint[][]; transactions: number } {
  const wallets = randomWallets(count);
  const topics = wallets.map((_, i) => (i % 2 ? [1n, 10n] : [1n]));
  const file = writeCsv(
    dir,
    `batch-${count}.csv`,
    wallets.map((w, i) => [w, "JP", "", i % 2 ? "10" : ""]),
  );
  // deploy, addKey, one claim per topic, register
  const transactions = topics.reduce((sum, t) => sum + 3 + t.length, 0);
  return { file, wallets, topics, transactions };
}

/** Resolves with the count of investors done once the task's progress line reaches `atLeast`. */
function progressReaches(child: ChildProcess, total: number, atLeast: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let stderr = "";
    child.stdout!.resume();
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      for (const match of stderr.matchAll(new RegExp(`register investors: (\\d+)/${total}`, "g"))) {
        if (Number(match[1]) >= atLeast) resolve(Number(match[1]));
      }
    });
    child.on("exit", (code) =>
      reject(new Error(`the task ended (${code}) before its progress reached ${atLeast}:\n${stderr}`)),
    );
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Checks the exact final state: each investor registered once, exactly its claims, no extra transaction. */
async function expectExactlyRegistered(
  chain: Chain,
  dir: string,
  b: ReturnType<typeof batch>,
  registrarBefore: number,
): Promise<void> {
  const record = readRecord(dir);
  const identities = new Set<string>();
  for (const [i, wallet] of b.wallets.entries()) {
    const identity = await expectRegistered(chain, record, wallet, b.topics[i]);
    identities.add(identity);
    if (b.topics[i].length === 1) {
      const extra = await view<string[]>(
        chain,
        identity,
        "function getClaimIdsByTopic(uint256) view returns (bytes32[])",
        [10n],
      );
      expect([...extra]).to.deep.equal([]);
    }
    expect(record.investors[wallet]?.identity).to.equal(identity);
  }
  expect(identities.size).to.equal(b.wallets.length);
  // Nonce arithmetic: the registrar sent exactly one deployment, one key, one claim per topic and one
  // registration per investor over all runs together: nothing twice, no spare identity contract.
  expect(await nonceOf(chain, ACCOUNTS.registrar)).to.equal(registrarBefore + b.transactions);
  expect(record.pending).to.deep.equal({});
}

describe("resumable investor batches (CLI, anvil)", function () {
  if (COVERAGE || !ANVIL_AVAILABLE) return;
  this.timeout(600_000);
  const chains: Chain[] = [];
  after(async () => {
    for (const chain of chains) await chain.kill();
  });

  it("(a) the task process killed mid-batch: a rerun completes it, each investor once with exactly its claims", async () => {
    const dir = tempDeployments();
    const chain = await startAnvil({ statePath: path.join(dir, "anvil-state.json"), stateInterval: 1 });
    chains.push(chain);
    await deployMarket(chain, dir);
    const b = batch(dir, 40);
    const registrarBefore = await nonceOf(chain, ACCOUNTS.registrar);

    const child = spawnTask(chain, dir, ["investor:register", "--file", b.file]);
    await progressReaches(child, 40, 8);
    child.kill("SIGKILL");
    await exited(child);
    expect(child.signalCode).to.equal("SIGKILL");
    const sent = (await nonceOf(chain, ACCOUNTS.registrar)) - registrarBefore;
    expect(sent).to.be.greaterThan(0).and.lessThan(b.transactions);

    const rerun = await runTask(chain, dir, ["investor:register", "--file", b.file, "--json"]);
    expect(rerun.code, rerun.stderr).to.equal(0);
    const rows = (rerun.json as unknown as { rows: { status: string }[] }).rows;
    expect(rows.filter((r) => r.status === "already done").length).to.be.greaterThanOrEqual(8);
    expect(rows.filter((r) => r.status !== "already done").length).to.be.greaterThan(0);
    await expectExactlyRegistered(chain, dir, b, registrarBefore);

    const third = await runTask(chain, dir, ["investor:register", "--file", b.file, "--json"]);
    expect(third.json?.title).to.equal("0 investors registered or completed, 40 already done (0 transactions)");
    expect(await nonceOf(chain, ACCOUNTS.registrar)).to.equal(registrarBefore + b.transactions);
  });

  it("(b) the node killed mid-batch and restarted from its last state dump: a rerun completes it exactly", async () => {
    const dir = tempDeployments();
    const statePath = path.join(dir, "anvil-state.json");
    const first = await startAnvil({ statePath, stateInterval: 1 });
    chains.push(first);
    await deployMarket(first, dir);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the market is in a state dump
    const b = batch(dir, 40);
    const registrarBefore = await nonceOf(first, ACCOUNTS.registrar);

    // The batch runs faster than the node dumps its state (every second), so the task is paused once
    // to let a dump catch it mid-batch, then let go on, and the node is killed a few investors later:
    // the restarted node has the first part, not what was mined after the dump.
    const child = spawnTask(first, dir, ["investor:register", "--file", b.file]);
    await progressReaches(child, 40, 8);
    child.kill("SIGSTOP");
    const pausedAt = Date.now();
    while (fs.statSync(statePath).mtimeMs < pausedAt + 100) await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 200)); // the dump is written
    const further = progressReaches(child, 40, 16);
    child.kill("SIGCONT");
    await further;
    child.kill("SIGSTOP");
    const seen = (await nonceOf(first, ACCOUNTS.registrar)) - registrarBefore;
    await first.kill();
    child.kill("SIGCONT");
    await Promise.race([exited(child), new Promise((resolve) => setTimeout(resolve, 60_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    expect(child.exitCode, "the task cannot finish without its node").to.not.equal(0);
    const recorded = Object.keys(readRecord(dir).investors).length;

    const second = await startAnvil({ port: first.port, statePath, stateInterval: 1 });
    chains.push(second);
    const kept = (await nonceOf(second, ACCOUNTS.registrar)) - registrarBefore;
    // Transactions mined after the last dump are lost: the restarted chain is behind what the task saw
    // (and what its record says), which is what the rerun must repair.
    console.log(
      `      mined before the kill: ${seen} transactions, ${recorded} investors recorded; kept by the dump: ${kept}`,
    );
    expect(kept).to.be.greaterThan(0);
    expect(kept).to.be.lessThan(seen);
    expect(recorded).to.be.greaterThan(0);

    const rerun = await runTask(second, dir, ["investor:register", "--file", b.file, "--json"]);
    expect(rerun.code, rerun.stderr).to.equal(0);
    await expectExactlyRegistered(second, dir, b, registrarBefore);
  });

  it("(c) under 2-second blocks a batch of 20 is pipelined into a few blocks", async () => {
    const dir = tempDeployments();
    const chain = await startAnvil();
    chains.push(chain);
    await deployMarket(chain, dir);
    await rpc(chain, "evm_setIntervalMining", [2]);
    const b = batch(dir, 20);
    const registrarBefore = await nonceOf(chain, ACCOUNTS.registrar);
    const startBlock = Number(await rpc(chain, "eth_blockNumber"));
    const started = Date.now();
    const run = await runTask(chain, dir, ["investor:register", "--file", b.file, "--json"]);
    const seconds = (Date.now() - started) / 1000;
    expect(run.code, run.stderr).to.equal(0);
    await expectExactlyRegistered(chain, dir, b, registrarBefore);

    const endBlock = Number(await rpc(chain, "eth_blockNumber"));
    let blocksWithRegistrarTxs = 0;
    for (let n = startBlock + 1; n <= endBlock; n++) {
      const block = await rpc<{ transactions: { from: string }[] }>(chain, "eth_getBlockByNumber", [
        `0x${n.toString(16)}`,
        true,
      ]);
      if (block.transactions.some((tx) => tx.from.toLowerCase() === ACCOUNTS.registrar.toLowerCase()))
        blocksWithRegistrarTxs++;
    }
    // One block per transaction kind while gas limits are calibrated on the first investor, then the
    // rest in a couple of blocks; waiting for each transaction would take 20 x 4 x 2 s = 160 s.
    expect(blocksWithRegistrarTxs).to.be.at.most(8);
    expect(seconds).to.be.lessThan(60);
    console.log(
      `      20 investors, ${b.transactions} transactions: ${blocksWithRegistrarTxs} blocks, ${seconds.toFixed(1)} s`,
    );
  });
});

import { expect } from "chai";
import { type Chain, COVERAGE, runTask, startHardhatNode, tempDeployments } from "../helpers/cli";
import { commandKey } from "../../tasks/lib/once";
import type { PendingSend } from "../../tasks/lib/bond-ops";
import { ACCOUNTS, Node, csv } from "./ops-setup";

/**
 * The agent tasks through their CLI against a hardhat node: freeze / unfreeze (whole wallet, partial,
 * batch file), force-transfer (one, batch), recover, pause / unpause, transfer-check; every bad input
 * refused with exit 2 before anything is sent; and reruns after a run killed between sending and recording
 * (forced transfers, partial freezes and unfreezes, one or a file) that find the earlier transaction on
 * chain instead of sending it again.
 */
describe("token:* agent operations (CLI)", function () {
  if (COVERAGE) return;
  this.timeout(600_000);
  let chain: Chain;
  let node: Node;
  const dir = tempDeployments();
  const { owner, alice, bob, carol, dave, eve } = ACCOUNTS;
  const run = (...args: string[]) => runTask(chain, dir, args);
  /**
   * What a task run killed right after its transaction was mined leaves behind: the transaction on chain
   * (sent here directly by the owner, the agent of every role) and, returned, its pending record.
   */
  const sentByKilledRun = async (method: string, ...args: unknown[]): Promise<PendingSend> => {
    const token = await node.contract("SecurityToken", node.record().series.SEC.token);
    const block = await node.provider.getBlockNumber();
    const tx = await token.getFunction(method)(...args);
    await tx.wait();
    return { from: owner, nonce: tx.nonce, to: tx.to, data: tx.data, block };
  };
  const recordOperation = (key: string, operation: Record<string, unknown>) => {
    const record = node.record();
    record.operations[key] = operation;
    node.saveRecord(record);
  };
  const frozenOf = async (wallet: string): Promise<bigint> => {
    const token = await node.contract("SecurityToken", node.record().series.SEC.token);
    return (await token.getFunction("getFrozenTokens")(wallet)) as bigint;
  };

  before(async () => {
    chain = await startHardhatNode();
    node = new Node(chain, dir);
    expect((await run("suite:deploy")).code).to.equal(0);
    const created = await run(
      "series:create",
      "--symbol",
      "SEC",
      "--name",
      "Kosai Security",
      "--denomination",
      "1000",
      "--countries-allow",
      "JP",
    );
    expect(created.code, created.stdout + created.stderr).to.equal(0);
    const aliceIdentity = await node.registerInvestor(alice);
    await node.registerInvestor(bob);
    await node.registerInvestor(carol, { country: 840 });
    await node.registerInvestor(dave, { identity: aliceIdentity }); // alice's second wallet
    await node.mint("SEC", alice, 10_000n);
    await node.mint("SEC", bob, 5_000n);
  });
  after(async () => {
    await chain.kill();
  });

  it("freeze --amount, unfreeze --amount, then a batch file (whole wallet + partial), table and --json", async () => {
    const partial = await run("token:freeze", "--series", "SEC", "--wallet", alice, "--amount", "2000", "--json");
    expect(partial.code, partial.stdout + partial.stderr).to.equal(0);
    expect(partial.json?.rows).to.deep.include.members([
      {
        wallet: alice,
        action: "freeze 2000 units",
        outcome: "sent",
        "wallet frozen": false,
        balance: "10000",
        frozen: "2000",
        pledged: "0",
        free: "8000",
      },
    ]);
    const unfreeze = await run("token:unfreeze", "--series", "SEC", "--wallet", alice, "--amount", "1000");
    expect(unfreeze.code, unfreeze.stdout + unfreeze.stderr).to.equal(0);
    expect(unfreeze.stdout).to.contain("token:unfreeze SEC: 1 change(s) sent").and.to.contain("unfreeze 1000 units");
    const file = csv(dir, "freeze.csv", ["wallet,amount", `${bob},`, `${alice},1000`]);
    const batch = await run("token:freeze", "--series", "SEC", "--file", file, "--json");
    expect(batch.code, batch.stdout + batch.stderr).to.equal(0);
    expect(batch.json?.title).to.equal("token:freeze SEC: 2 change(s) sent, 0 already done");
    const again = await run("token:freeze", "--series", "SEC", "--wallet", bob, "--json");
    expect(again.json?.title).to.equal("token:freeze SEC: 0 change(s) sent, 1 already done");
    const thaw = await run("token:unfreeze", "--series", "SEC", "--wallet", bob, "--json");
    expect(thaw.code, thaw.stdout + thaw.stderr).to.equal(0);
    expect((thaw.json?.rows as { "wallet frozen": boolean }[])[0]["wallet frozen"]).to.equal(false);
  });

  it("transfer-check names the rule (recipient not verified), the module (CountryAllowModule) or says it passes", async () => {
    const unverified = await run(
      "token:transfer-check",
      "--series",
      "SEC",
      "--from-wallet",
      alice,
      "--to",
      eve,
      "--amount",
      "1000",
      "--json",
    );
    expect(unverified.code, unverified.stdout + unverified.stderr).to.equal(0);
    expect(unverified.json?.summary).to.deep.include({
      passes: false,
      reason: "RecipientNotVerified",
      "from free balance": "8000",
    });
    const module = await run(
      "token:transfer-check",
      "--series",
      "SEC",
      "--from-wallet",
      alice,
      "--to",
      carol,
      "--amount",
      "1000",
    );
    expect(module.code, module.stdout + module.stderr).to.equal(0);
    expect(module.stdout).to.contain("would be refused: ComplianceRefused by CountryAllowModule");
    const passes = await run(
      "token:transfer-check",
      "--series",
      "SEC",
      "--from-wallet",
      alice,
      "--to",
      bob,
      "--amount",
      "1000",
      "--json",
    );
    expect(passes.json?.summary).to.deep.include({ passes: true, reason: "Ok" });
  });

  it("force-transfer one (--json) and a batch file; only free units move", async () => {
    const one = await run(
      "token:force-transfer",
      "--series",
      "SEC",
      "--from-wallet",
      alice,
      "--to",
      bob,
      "--amount",
      "1000",
      "--json",
    );
    expect(one.code, one.stdout + one.stderr).to.equal(0);
    expect(one.json?.rows).to.deep.equal([
      { from: alice, to: bob, amount: "1000", "from balance": "9000", "to balance": "6000" },
    ]);
    const file = csv(dir, "force.csv", ["from,to,amount", `${bob},${alice},2000`, `${bob},${alice},1000`]);
    const batch = await run("token:force-transfer", "--series", "SEC", "--file", file);
    expect(batch.code, batch.stdout + batch.stderr).to.equal(0);
    expect(batch.stdout).to.contain("2 forced transfer(s) sent");
    expect(await node.balance("SEC", alice)).to.equal(12_000n);
    expect(await node.balance("SEC", bob)).to.equal(3_000n);
  });

  it("pause, pause again (nothing sent), transfer-check says Paused, unpause", async () => {
    const paused = await run("token:pause", "--series", "SEC", "--json");
    expect(paused.code, paused.stdout + paused.stderr).to.equal(0);
    expect(paused.json?.summary).to.deep.include({ paused: true });
    const nonce = await node.nonce(owner);
    const again = await run("token:pause", "--series", "SEC");
    expect(again.code).to.equal(0);
    expect(again.stdout).to.contain("SEC is already paused: nothing sent");
    expect(await node.nonce(owner)).to.equal(nonce);
    const check = await run(
      "token:transfer-check",
      "--series",
      "SEC",
      "--from-wallet",
      alice,
      "--to",
      bob,
      "--amount",
      "1000",
      "--json",
    );
    expect(check.json?.summary).to.deep.include({ passes: false, reason: "Paused" });
    const unpaused = await run("token:unpause", "--series", "SEC", "--json");
    expect(unpaused.json?.summary).to.deep.include({ paused: false });
  });

  it("every bad input exits 2 naming the problem, and nothing is sent", async () => {
    const before = { owner: await node.nonce(owner), bob: await node.nonce(bob) };
    const cases: [string[], string][] = [
      [["token:freeze", "--series", "SEC", "--wallet", "0x12"], '--wallet "0x12" is not an address'],
      [["token:freeze", "--series", "SEC"], "give either --wallet or --file"],
      [
        ["token:freeze", "--series", "NOPE", "--wallet", alice],
        "no series NOPE in the deployment record for localhost (known: JPYD, SEC)",
      ],
      [
        ["token:freeze", "--series", "SEC", "--wallet", alice, "--amount", "12000"],
        "12000 exceeds the free balance of " + alice + ": 10000 (balance 12000 − frozen 2000 − pledged 0)",
      ],
      [
        ["token:freeze", "--series", "SEC", "--wallet", alice, "--amount", "1000", "--from", bob],
        `${bob} does not have FREEZE_AGENT on series SEC`,
      ],
      [
        ["token:freeze", "--series", "SEC", "--file", csv(dir, "bad.csv", ["wallet,amount", `${alice},abc`])],
        '--file row 1 amount "abc" is not a whole number of units',
      ],
      [
        ["token:unfreeze", "--series", "SEC", "--wallet", alice, "--amount", "3000"],
        `3000 exceeds the frozen units of ${alice}: 2000`,
      ],
      [
        ["token:force-transfer", "--series", "SEC", "--from-wallet", bob, "--to", alice, "--amount", "4000"],
        `4000 exceeds the free balance of ${bob}: 3000`,
      ],
      [
        ["token:force-transfer", "--series", "SEC", "--from-wallet", alice, "--to", bob, "--amount", "1500"],
        "1500 is not a multiple of the SEC unit 1000",
      ],
      [
        ["token:force-transfer", "--series", "SEC", "--from-wallet", alice, "--to", eve, "--amount", "1000"],
        `--to recipient ${eve} is not registered in the identity registry`,
      ],
      [
        [
          "token:force-transfer",
          "--series",
          "SEC",
          "--from-wallet",
          alice,
          "--to",
          bob,
          "--amount",
          "1000",
          "--from",
          bob,
        ],
        `${bob} does not have TRANSFER_AGENT on series SEC`,
      ],
      [
        ["token:recover", "--series", "SEC", "--lost", alice, "--new-wallet", carol],
        `${carol} is registered to identity`,
      ],
      [
        ["token:recover", "--series", "SEC", "--lost", alice, "--new-wallet", eve],
        `${eve} is not registered; register it to the lost wallet's identity`,
      ],
      [
        ["token:recover", "--series", "SEC", "--lost", alice, "--new-wallet", dave, "--from", bob],
        `${bob} does not have RECOVERY_AGENT on series SEC`,
      ],
      [["token:pause", "--series", "SEC", "--from", bob], `${bob} does not have PAUSE_AGENT on series SEC`],
      [
        ["token:transfer-check", "--series", "SEC", "--from-wallet", alice, "--to", bob, "--amount", "-5"],
        '--amount "-5" is not a whole number of units',
      ],
    ];
    for (const [args, message] of cases) {
      const result = await run(...args);
      expect(result.code, `${args.join(" ")}\n${result.stderr}`).to.equal(2);
      expect(result.stderr, args.join(" ")).to.contain(message);
      expect(result.stderr).not.to.match(/\n\s+at /); // no stack trace
    }
    expect({ owner: await node.nonce(owner), bob: await node.nonce(bob) }).to.deep.equal(before);
  });

  it("recover: alice's units, frozen part included, move to her second wallet; a rerun finds nothing to recover", async () => {
    const recovered = await run("token:recover", "--series", "SEC", "--lost", alice, "--new-wallet", dave, "--json");
    expect(recovered.code, recovered.stdout + recovered.stderr).to.equal(0);
    expect(recovered.json?.summary).to.deep.include({
      moved: "12000",
      "of which frozen": "2000",
      "new wallet balance": "12000",
      "new wallet frozen units": "2000",
      "lost wallet frozen": true,
    });
    expect((recovered.json?.summary as { identity: string }).identity).to.match(/^0x[0-9a-fA-F]{40}$/);
    const nonce = await node.nonce(owner);
    const again = await run("token:recover", "--series", "SEC", "--lost", alice, "--new-wallet", dave);
    expect(again.code).to.equal(0);
    expect(again.stdout).to.contain(`Nothing to recover: ${alice} holds no SEC`);
    expect(await node.nonce(owner)).to.equal(nonce);
  });

  // From here alice's units are dave's (recovered): dave 12,000 (2,000 frozen), bob 3,000.

  it("force-transfer killed after sending: the rerun finds it on chain and sends nothing; the next run is a new transfer", async () => {
    const args = ["token:force-transfer", "--series", "SEC", "--from-wallet", dave, "--to", bob, "--amount", "1000"];
    const key = commandKey("token:force-transfer", owner, { series: "SEC", fromWallet: dave, to: bob, amount: 1000n });
    recordOperation(key, { pending: await sentByKilledRun("forcedTransfer", dave, bob, 1000n) });
    const nonce = await node.nonce(owner);
    const rerun = await run(...args, "--json");
    expect(rerun.code, rerun.stdout + rerun.stderr).to.equal(0);
    expect(rerun.json?.title).to.equal(
      "token:force-transfer SEC: 0 forced transfer(s) sent; 1 already done by an interrupted earlier run (found on chain), not sent again",
    );
    expect(rerun.json?.rows).to.deep.equal([
      { from: dave, to: bob, amount: "1000", "from balance": "11000", "to balance": "4000" },
    ]);
    expect(await node.nonce(owner)).to.equal(nonce);
    expect(node.record().operations[key]).to.equal(undefined);
    const next = await run(...args, "--json");
    expect(next.code, next.stdout + next.stderr).to.equal(0);
    expect([await node.balance("SEC", dave), await node.balance("SEC", bob)]).to.deep.equal([10_000n, 5_000n]);
    expect(await node.nonce(owner)).to.equal(nonce + 1);
  });

  it("force-transfer --file killed after its second batch: the rerun sends only the third; the file again sends nothing", async () => {
    const lines = [
      { from: dave, to: bob, amount: 1000n },
      { from: dave, to: bob, amount: 1000n },
      { from: bob, to: dave, amount: 3000n },
    ];
    const file = csv(dir, "force-killed.csv", ["from,to,amount", ...lines.map((l) => `${l.from},${l.to},${l.amount}`)]);
    const key = commandKey("token:force-transfer", owner, { series: "SEC", file: lines });
    await sentByKilledRun("batchForcedTransfer", [dave], [bob], [1000n]);
    recordOperation(key, {
      done: 1,
      upTo: 2,
      pending: await sentByKilledRun("batchForcedTransfer", [dave], [bob], [1000n]),
    });
    const nonce = await node.nonce(owner);
    const rerun = await run("token:force-transfer", "--series", "SEC", "--file", file, "--batch", "1", "--json");
    expect(rerun.code, rerun.stdout + rerun.stderr).to.equal(0);
    expect(rerun.json?.title).to.equal(
      "token:force-transfer SEC: 1 forced transfer(s) sent; 2 already done by an interrupted earlier run (found on chain), not sent again",
    );
    expect(await node.nonce(owner)).to.equal(nonce + 1);
    expect([await node.balance("SEC", dave), await node.balance("SEC", bob)]).to.deep.equal([11_000n, 4_000n]);
    expect(node.record().operations[key]).to.deep.equal({ done: 3 });
    const again = await run("token:force-transfer", "--series", "SEC", "--file", file, "--json");
    expect(again.code, again.stdout + again.stderr).to.equal(0);
    expect(again.json?.title).to.equal(
      "token:force-transfer SEC: 0 forced transfer(s) sent; 3 already done by an earlier run of this file, not sent again",
    );
    expect(await node.nonce(owner)).to.equal(nonce + 1);
    expect([await node.balance("SEC", dave), await node.balance("SEC", bob)]).to.deep.equal([11_000n, 4_000n]);
  });

  it("freeze --amount and unfreeze --amount killed after sending: the reruns send nothing and the frozen units are exact", async () => {
    const nonce = await node.nonce(owner);
    for (const [verb, method, frozen] of [
      ["freeze", "freezePartialTokens", "3000"],
      ["unfreeze", "unfreezePartialTokens", "2000"],
    ] as const) {
      const key = commandKey(`token:${verb}`, owner, { series: "SEC", wallet: dave, amount: 1000n });
      recordOperation(key, { pending: await sentByKilledRun(method, dave, 1000n) });
      const rerun = await run(`token:${verb}`, "--series", "SEC", "--wallet", dave, "--amount", "1000", "--json");
      expect(rerun.code, rerun.stdout + rerun.stderr).to.equal(0);
      expect(rerun.json?.title).to.equal(
        `token:${verb} SEC: 0 change(s) sent, 1 already done (found on chain: sent by an interrupted earlier run, not sent again)`,
      );
      expect(rerun.json?.rows).to.deep.equal([
        {
          wallet: dave,
          action: `${verb} 1000 units`,
          outcome: "done by an earlier run",
          "wallet frozen": false,
          balance: "11000",
          frozen,
          pledged: "0",
          free: String(11_000 - Number(frozen)),
        },
      ]);
      expect(node.record().operations[key]).to.equal(undefined);
    }
    expect(await node.nonce(owner)).to.equal(nonce + 2); // the two sends of the killed runs, none by the reruns
    expect(await frozenOf(dave)).to.equal(2_000n);
  });

  it("freeze --file killed after its second partial batch: whole wallet skipped by state, only the third line sent", async () => {
    const items = [
      { wallet: carol, amount: null },
      { wallet: dave, amount: 1000n },
      { wallet: bob, amount: 1000n },
      { wallet: dave, amount: 1000n },
    ];
    const file = csv(dir, "freeze-killed.csv", ["wallet,amount", ...items.map((i) => `${i.wallet},${i.amount ?? ""}`)]);
    const key = commandKey("token:freeze", owner, { series: "SEC", file: items });
    await sentByKilledRun("setAddressFrozen", carol, true);
    await sentByKilledRun("batchFreezePartialTokens", [dave], [1000n]);
    recordOperation(key, {
      done: 1,
      upTo: 2,
      pending: await sentByKilledRun("batchFreezePartialTokens", [bob], [1000n]),
    });
    const nonce = await node.nonce(owner);
    const rerun = await run("token:freeze", "--series", "SEC", "--file", file, "--batch", "1", "--json");
    expect(rerun.code, rerun.stdout + rerun.stderr).to.equal(0);
    expect(rerun.json?.title).to.equal(
      "token:freeze SEC: 1 change(s) sent, 3 already done (found on chain: sent by an interrupted earlier run, not sent again)",
    );
    expect((rerun.json?.rows as { outcome: string }[]).map((r) => r.outcome)).to.deep.equal([
      "already frozen",
      "done by an earlier run",
      "done by an earlier run",
      "sent",
    ]);
    expect(await node.nonce(owner)).to.equal(nonce + 1);
    expect([await frozenOf(dave), await frozenOf(bob)]).to.deep.equal([4_000n, 1_000n]);
    expect(node.record().operations[key]).to.deep.equal({ done: 3 });
  });
});

import { expect } from "chai";
import { type Chain, COVERAGE, runTask, startHardhatNode, tempDeployments } from "../helpers/cli";
import { ACCOUNTS, Node, csv } from "./ops-setup";

/**
 * The DvP tasks through their CLI against a hardhat node: instruct (by seller and by buyer), affirm,
 * settle one and a batch (per-trade outcome, a trade failing on chain decoded), cancel, and every bad
 * input refused with exit 2 before anything is sent (missing approve named, expired trade, unverified
 * party, amounts, price out of range).
 */
describe("dvp:* trades (CLI)", function () {
  if (COVERAGE) return;
  this.timeout(600_000);
  let chain: Chain;
  let node: Node;
  let dvp: string;
  const dir = tempDeployments();
  const { owner, alice, bob, carol, eve } = ACCOUNTS;
  const run = (...args: string[]) => runTask(chain, dir, args);
  const terms = (quantity: string, ...more: string[]) => [
    "--series",
    "JGB",
    "--seller",
    alice,
    "--buyer",
    bob,
    "--quantity",
    quantity,
    "--price",
    "99.5",
    ...more,
  ];
  const instruct = async (from: string, ...args: string[]): Promise<string> => {
    const result = await run("dvp:instruct", "--from", from, ...args, "--json");
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    return (result.json?.summary as { "trade id": string })["trade id"];
  };
  const trades: string[] = [];

  before(async () => {
    chain = await startHardhatNode();
    node = new Node(chain, dir);
    expect((await run("suite:deploy")).code).to.equal(0);
    dvp = node.record().contracts.dvp;
    await node.createBond({
      kind: "FixedRateJgb",
      name: "JGB 5Y",
      symbol: "JGB",
      isin: "JP1103751Q17",
      issuerName: "MOF",
    });
    for (const wallet of [alice, bob, carol]) await node.registerInvestor(wallet);
    await node.mint("JGB", alice, 10_000_000n);
    await node.mint("JGB", carol, 100_000n);
    await node.mint("JPYD", bob, 100_000_000n);
    await node.approve("JGB", alice, dvp);
  });
  after(async () => {
    await chain.kill();
  });

  it("the seller instructs (cash = quantity × price / 100); the buyer without approval is told which approve is missing", async () => {
    const result = await run("dvp:instruct", "--from", alice, ...terms("1000000"), "--json");
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    const summary = result.json?.summary as Record<string, string>;
    expect(summary).to.deep.include({
      status: "Instructed",
      units: "1000000",
      "cash amount": "995000",
      bond: "JGB",
      cash: "JPYD",
    });
    expect(summary["trade id"]).to.match(/^0x[0-9a-f]{64}$/);
    trades.push(summary["trade id"]);
    const nonce = await node.nonce(bob);
    const refused = await run("dvp:affirm", "--trade", trades[0], "--from", bob);
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.contain(
      `missing approve: the buyer ${bob} must approve the settlement contract ${dvp} for 995000 JPYD`,
    );
    expect(await node.nonce(bob)).to.equal(nonce);
  });

  it("the buyer approves and affirms (table); settle moves both legs; a rerun sends nothing", async () => {
    await node.approve("JPYD", bob, dvp);
    const affirmed = await run("dvp:affirm", "--trade", trades[0], "--from", bob);
    expect(affirmed.code, affirmed.stdout + affirmed.stderr).to.equal(0);
    expect(affirmed.stdout).to.contain(`Trade affirmed by the buyer: ${trades[0]}`);
    const settled = await run("dvp:settle", "--trade", trades[0], "--json");
    expect(settled.code, settled.stdout + settled.stderr).to.equal(0);
    expect(settled.json?.rows).to.deep.equal([
      { trade: trades[0], bond: "JGB", units: "1000000", "cash amount": "995000", outcome: "settled" },
    ]);
    expect(await node.balance("JGB", bob)).to.equal(1_000_000n);
    expect(await node.balance("JPYD", alice)).to.equal(995_000n);
    const nonce = await node.nonce(owner);
    const again = await run("dvp:settle", "--trade", trades[0]);
    expect(again.code).to.equal(0);
    expect(again.stdout).to.contain("0 settled, 1 already settled, 0 not settled");
    expect(await node.nonce(owner)).to.equal(nonce);
  });

  it("a batch file: each trade's outcome (already settled, settled, failed on chain with the decoded error), exit 1", async () => {
    trades.push(await instruct(bob, ...terms("5000000", "--nonce", "2"))); // instructed by the buyer
    expect((await run("dvp:affirm", "--trade", trades[1], "--from", alice)).code).to.equal(0);
    trades.push(await instruct(alice, ...terms("5000000", "--nonce", "3")));
    expect((await run("dvp:affirm", "--trade", trades[2], "--from", bob)).code).to.equal(0);
    // alice holds 9m: each trade fits alone, the two together do not.
    const file = csv(dir, "trades.csv", ["trade", ...trades]);
    const batch = await run("dvp:settle", "--file", file, "--json");
    expect(batch.code).to.equal(1);
    const outcomes = (batch.json?.rows as { outcome: string }[]).map((r) => r.outcome);
    expect(outcomes).to.deep.equal([
      "already settled",
      "settled",
      `failed: TokenInsufficientFreeBalance(${alice}, 4000000, 5000000)`,
    ]);
    expect(batch.json?.title).to.equal("dvp:settle: 1 settled, 1 already settled, 1 not settled");
  });

  it("cancel: the counterparty declines an instructed trade; settling it is then refused", async () => {
    const id = await instruct(alice, ...terms("50000", "--nonce", "4"));
    const cancelled = await run("dvp:cancel", "--trade", id, "--from", bob, "--json");
    expect(cancelled.code, cancelled.stdout + cancelled.stderr).to.equal(0);
    expect(cancelled.json?.summary).to.deep.include({ status: "Cancelled" });
    trades.push(id);
  });

  it("every bad input exits 2 naming the problem, and nothing is sent", async () => {
    const expiring = await instruct(alice, ...terms("50000", "--nonce", "5", "--settle-by", "+2m"));
    await node.increaseTime(600);
    const before = {
      alice: await node.nonce(alice),
      bob: await node.nonce(bob),
      carol: await node.nonce(carol),
      owner: await node.nonce(owner),
    };
    const unknown = `0x${"ab".repeat(32)}`;
    const cases: [string[], string][] = [
      [
        [
          "dvp:instruct",
          "--from",
          alice,
          "--series",
          "JGB",
          "--seller",
          "0x12",
          "--buyer",
          bob,
          "--quantity",
          "50000",
          "--price",
          "99",
        ],
        '--seller "0x12" is not an address',
      ],
      [
        [
          "dvp:instruct",
          "--from",
          alice,
          "--series",
          "JGB",
          "--seller",
          alice,
          "--buyer",
          eve,
          "--quantity",
          "50000",
          "--price",
          "99",
        ],
        `--buyer buyer ${eve} is not registered in the identity registry`,
      ],
      [["dvp:instruct", "--from", alice, ...terms("1234")], "1234 is not a multiple of the JGB unit 50000"],
      [["dvp:instruct", "--from", alice, ...terms("100000000")], `the seller ${alice} has 4000000 free JGB`],
      [
        [
          "dvp:instruct",
          "--from",
          carol,
          "--series",
          "JGB",
          "--seller",
          carol,
          "--buyer",
          bob,
          "--quantity",
          "50000",
          "--price",
          "99",
        ],
        `missing approve: the seller ${carol} must approve the settlement contract ${dvp} for 50000 JGB`,
      ],
      [
        [
          "dvp:instruct",
          "--from",
          alice,
          "--series",
          "JGB",
          "--seller",
          alice,
          "--buyer",
          bob,
          "--quantity",
          "50000",
          "--price",
          "1000.5",
        ],
        "--price must be above 0 and at most 1000",
      ],
      [
        [
          "dvp:instruct",
          "--from",
          alice,
          "--series",
          "JGB",
          "--seller",
          alice,
          "--buyer",
          bob,
          "--quantity",
          "50000",
          "--price",
          "99.1234567",
        ],
        '--price "99.1234567" is not a price per ¥100',
      ],
      [
        [
          "dvp:instruct",
          "--from",
          alice,
          "--series",
          "JGB",
          "--seller",
          alice,
          "--buyer",
          bob,
          "--quantity",
          "50000",
          "--price",
          "99",
          "--cash-amount",
          "5",
        ],
        "give exactly one of --price and --cash-amount",
      ],
      [
        ["dvp:instruct", "--from", alice, ...terms("50000", "--settle-by", "2020-01-01")],
        "--settle-by 2020-01-01 23:59:59 JST is not in the future",
      ],
      [["dvp:instruct", "--from", carol, ...terms("50000")], `--from ${carol} is neither the seller nor the buyer`],
      [
        [
          "dvp:instruct",
          "--from",
          alice,
          "--series",
          "NOPE",
          "--seller",
          alice,
          "--buyer",
          bob,
          "--quantity",
          "50000",
          "--price",
          "99",
        ],
        "no series NOPE in the deployment record",
      ],
      [["dvp:affirm", "--trade", expiring, "--from", bob], "--trade the trade expired at"],
      [["dvp:settle", "--trade", "0x1234"], '--trade "0x1234" is not a trade id'],
      [["dvp:settle", "--trade", unknown], `--trade no trade ${unknown} was instructed`],
      [["dvp:settle", "--trade", trades[3]], "--trade trade is Cancelled"],
      [
        ["dvp:cancel", "--trade", expiring, "--from", carol],
        `${carol} does not have SETTLEMENT_AGENT on the DvP settlement contract`,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await run(...args);
      expect(result.code, `${args.join(" ")}\n${result.stderr}`).to.equal(2);
      expect(result.stderr, args.join(" ")).to.contain(message);
      expect(result.stderr).not.to.match(/\n\s+at /);
    }
    expect({
      alice: await node.nonce(alice),
      bob: await node.nonce(bob),
      carol: await node.nonce(carol),
      owner: await node.nonce(owner),
    }).to.deep.equal(before);
  });
});

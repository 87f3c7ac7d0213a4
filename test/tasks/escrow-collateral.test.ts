import { expect } from "chai";
import { type Chain, COVERAGE, runTask, startHardhatNode, tempDeployments } from "../helpers/cli";
import { commandKey } from "../../tasks/lib/once";
import { ACCOUNTS, Node, csv } from "./ops-setup";

/**
 * The collateral tasks through their CLI against a hardhat node, along a clearing-house story: prices,
 * pledging enabled, the secured party's policy, pledges, the account shown, a release the escrow refuses
 * (decoded custom error, exit 1), a release and a substitution, a price drop, margin call, default,
 * enforcement by taking and by sale; and every bad input refused with exit 2 before anything is sent.
 */
describe("price:set and escrow:* (CLI)", function () {
  if (COVERAGE) return;
  this.timeout(600_000);
  let chain: Chain;
  let node: Node;
  let escrow: string;
  const dir = tempDeployments();
  const { owner, alice, bob, jscc, eve } = ACCOUNTS;
  const run = (...args: string[]) => runTask(chain, dir, args);
  const account = async (): Promise<Record<string, string>> => {
    const shown = await run("escrow:show", "--pledgor", alice, "--secured-party", jscc, "--json");
    expect(shown.code, shown.stdout + shown.stderr).to.equal(0);
    return shown.json?.summary as Record<string, string>;
  };

  before(async () => {
    chain = await startHardhatNode();
    node = new Node(chain, dir);
    expect((await run("suite:deploy")).code).to.equal(0);
    escrow = node.record().contracts.escrow;
    const today = Math.floor(((await node.now()) + 9 * 3600) / 86_400);
    let maturity = today + 2 * 365; // a 2-year JGB: residual maturity 1-5 years, haircut 99%
    while (new Date(maturity * 86_400_000).getUTCDate() !== 20) maturity += 1;
    await node.createBond({
      kind: "FixedRateJgb",
      name: "JGB 2Y",
      symbol: "JGB",
      isin: "JP1103751Q17",
      issuerName: "MOF",
      maturityDate: maturity,
    });
    await node.createBond({
      kind: "MunicipalPublic",
      name: "Shinjuku 5Y",
      symbol: "MUNI",
      isin: "JP2000001A10",
      issuerName: "Shinjuku City",
      issuerCode: 131041,
      denomination: 10_000n,
    });
    for (const wallet of [alice, bob, jscc]) await node.registerInvestor(wallet);
    await node.mint("JGB", alice, 10_000_000n);
    await node.mint("MUNI", alice, 5_000_000n);
    await node.mint("JPYD", bob, 10_000_000n);
  });
  after(async () => {
    await chain.kill();
  });

  it("escrow:enable per series (json and table); a rerun sends nothing", async () => {
    const jgb = await run("escrow:enable", "--series", "JGB", "--json");
    expect(jgb.code, jgb.stdout + jgb.stderr).to.equal(0);
    expect(jgb.json?.summary).to.deep.include({ pledgeAgent: escrow });
    expect((await run("escrow:enable", "--series", "MUNI")).stdout).to.contain(
      "The escrow is now the pledge agent of MUNI",
    );
    const nonce = await node.nonce(owner);
    expect((await run("escrow:enable", "--series", "JGB")).stdout).to.contain(
      "already the pledge agent of JGB (nothing sent)",
    );
    expect(await node.nonce(owner)).to.equal(nonce);
  });

  it("price:set one series (json), then a file of two", async () => {
    const one = await run("price:set", "--series", "JGB", "--price", "100", "--json");
    expect(one.code, one.stdout + one.stderr).to.equal(0);
    expect(one.json?.rows).to.have.length(1);
    const file = csv(dir, "prices.csv", ["series,price", "JGB,100.25", "MUNI,99.5"]);
    const two = await run("price:set", "--file", file);
    expect(two.code, two.stdout + two.stderr).to.equal(0);
    expect(two.stdout).to.contain("Published 2 price(s)").and.to.contain("100.25");
  });

  it("escrow:policy: policy, haircuts, eligibility and a requirement in one run; a rerun sends nothing", async () => {
    const args = [
      "escrow:policy",
      "--from",
      jscc,
      "--max-price-age",
      "86400",
      "--cash-allowed",
      "yes",
      "--haircut-class",
      "municipal",
      "--haircuts",
      "9000,9000,9000,9000,9000,9000",
      "--eligible",
      "JGB,MUNI",
      "--pledgor",
      alice,
      "--requirement",
      "9000000",
    ];
    const first = await run(...args, "--json");
    expect(first.code, first.stdout + first.stderr).to.equal(0);
    expect(first.json?.title).to.equal(`escrow:policy of ${jscc}: 5 change(s) sent, 0 already set`);
    const nonce = await node.nonce(jscc);
    const again = await run(...args, "--json");
    expect(again.json?.title).to.equal(`escrow:policy of ${jscc}: 0 change(s) sent, 5 already set`);
    expect(await node.nonce(jscc)).to.equal(nonce);
  });

  it("pledges two series; escrow:show gives coverage and requirement", async () => {
    const jgb = await run(
      "escrow:pledge",
      "--from",
      alice,
      "--secured-party",
      jscc,
      "--series",
      "JGB",
      "--units",
      "5000000",
      "--json",
    );
    expect(jgb.code, jgb.stdout + jgb.stderr).to.equal(0);
    expect(jgb.json?.summary).to.deep.include({ coverage: "4962375", "pledged JGB": "5000000" }); // 5m × 100.25% × 99%
    const muni = await run(
      "escrow:pledge",
      "--from",
      alice,
      "--secured-party",
      jscc,
      "--series",
      "MUNI",
      "--units",
      "5000000",
    );
    expect(muni.code, muni.stdout + muni.stderr).to.equal(0);
    const shown = await run("escrow:show", "--pledgor", alice, "--secured-party", jscc);
    expect(shown.code, shown.stdout + shown.stderr).to.equal(0);
    expect(shown.stdout)
      .to.contain("Active")
      .and.to.contain("9,439,875")
      .and.to.contain("9,000,000")
      .and.to.contain("99.5");
  });

  it("a release that would breach coverage is refused by the escrow: decoded error and arguments, exit 1, nothing sent", async () => {
    const nonce = await node.nonce(alice);
    const refused = await run(
      "escrow:release",
      "--from",
      alice,
      "--secured-party",
      jscc,
      "--series",
      "JGB",
      "--units",
      "1000000",
    );
    expect(refused.code).to.equal(1);
    expect(refused.stderr, refused.stderr).to.match(
      /release 1000000 JGB refused: EscrowCoverageBelowRequirement\("?0x[0-9a-f]{64}"?, 8447400, 9000000\)/,
    );
    expect(refused.stderr).not.to.match(/\n\s+at /);
    const json = await run(
      "escrow:release",
      "--from",
      alice,
      "--secured-party",
      jscc,
      "--series",
      "JGB",
      "--units",
      "1000000",
      "--json",
    );
    expect(json.code).to.equal(1);
    const error = json.json?.error as { kind: string; reason: string };
    expect(error.kind).to.equal("refused");
    expect(error.reason).to.match(/^EscrowCoverageBelowRequirement\("?0x[0-9a-f]{64}"?, 8447400, 9000000\)$/);
    expect(await node.nonce(alice)).to.equal(nonce);
  });

  it("releases excess and substitutes one series for another", async () => {
    const released = await run(
      "escrow:release",
      "--from",
      alice,
      "--secured-party",
      jscc,
      "--series",
      "MUNI",
      "--units",
      "100000",
      "--json",
    );
    expect(released.code, released.stdout + released.stderr).to.equal(0);
    expect(released.json?.summary).to.deep.include({ coverage: "9350325", "pledged MUNI": "4900000" });
    const swapped = await run(
      "escrow:substitute",
      "--from",
      alice,
      "--secured-party",
      jscc,
      "--out-series",
      "MUNI",
      "--out-units",
      "1000000",
      "--in-series",
      "JGB",
      "--in-units",
      "1000000",
      "--json",
    );
    expect(swapped.code, swapped.stdout + swapped.stderr).to.equal(0);
    expect(swapped.json?.summary).to.deep.include({
      coverage: "9447300",
      "pledged JGB": "6000000",
      "pledged MUNI": "3900000",
    });
  });

  it("a release whose run was killed after it was mined is not sent again by the rerun; the next run is a new release", async () => {
    const args = ["escrow:release", "--from", alice, "--secured-party", jscc, "--series", "MUNI", "--units", "100000"];
    const first = await run(...args, "--json");
    expect(first.code, first.stdout + first.stderr).to.equal(0);
    expect(first.json?.summary).to.deep.include({ "pledged MUNI": "3800000" });
    // As if the process died between the transaction being mined and its record being cleared.
    const nonce = await node.nonce(alice);
    const block = await node.provider.getBlock("latest", true);
    const tx = block!.prefetchedTransactions.find((t) => t.from === alice)!;
    const record = node.record();
    const key = commandKey("escrow:release", alice, { securedParty: jscc, series: "MUNI", units: 100_000n });
    record.operations[key] = {
      pending: { from: alice, nonce: tx.nonce, to: tx.to, data: tx.data, block: block!.number },
    };
    node.saveRecord(record);

    const rerun = await run(...args, "--json");
    expect(rerun.code, rerun.stdout + rerun.stderr).to.equal(0);
    expect(rerun.json?.title).to.contain("already done by an interrupted earlier run");
    expect(rerun.json?.summary).to.deep.include({ "pledged MUNI": "3800000" });
    expect(await node.nonce(alice)).to.equal(nonce);
    expect(node.record().operations[key]).to.equal(undefined);

    const next = await run(...args, "--json");
    expect(next.code, next.stdout + next.stderr).to.equal(0);
    expect(next.json?.summary).to.deep.include({ "pledged MUNI": "3700000" });
    // Back to where the story continues.
    const back = await run(
      "escrow:pledge",
      "--from",
      alice,
      "--secured-party",
      jscc,
      "--series",
      "MUNI",
      "--units",
      "200000",
    );
    expect(back.code, back.stdout + back.stderr).to.equal(0);
  });

  it("every bad input exits 2 naming the problem, and nothing is sent", async () => {
    const before = {
      owner: await node.nonce(owner),
      alice: await node.nonce(alice),
      bob: await node.nonce(bob),
      jscc: await node.nonce(jscc),
    };
    const cases: [string[], string][] = [
      [["price:set", "--series", "JGB", "--price", "0"], "--price must be above 0 and at most 1000"],
      [["price:set", "--series", "JGB", "--price", "1000.000001"], "--price must be above 0 and at most 1000"],
      [["price:set", "--series", "NOPE", "--price", "99"], "no series NOPE in the deployment record"],
      [
        ["price:set", "--series", "JGB", "--price", "99", "--from", alice],
        `${alice} does not have PRICE_AGENT on the PriceFeed`,
      ],
      [
        ["escrow:enable", "--series", "JPYD", "--from", alice],
        `${alice} does not have DEFAULT_ADMIN (owner) on series JPYD`,
      ],
      [
        ["escrow:policy", "--from", jscc, "--eligible", "JPYD"],
        "JPYD is a cash series: only bond series can be collateral",
      ],
      [
        ["escrow:policy", "--from", jscc, "--pledgor", eve, "--requirement", "1"],
        `${eve} is not registered in the identity registry`,
      ],
      [
        ["escrow:policy", "--from", jscc, "--haircut-class", "municipal", "--haircuts", "9000,9000"],
        "six factors are needed",
      ],
      [
        ["escrow:pledge", "--from", alice, "--secured-party", "0x12", "--series", "JGB", "--units", "50000"],
        '--secured-party "0x12" is not an address',
      ],
      [
        ["escrow:pledge", "--from", alice, "--secured-party", jscc, "--series", "JGB", "--units", "5000000"],
        `5000000 exceeds the free balance of ${alice}: 4000000 (balance 10000000 − frozen 0 − pledged 6000000)`,
      ],
      [
        ["escrow:pledge", "--from", alice, "--secured-party", jscc, "--series", "JGB", "--units", "1234"],
        "1234 is not a multiple of the JGB unit 50000",
      ],
      [
        ["escrow:pledge", "--from", bob, "--secured-party", jscc, "--series", "JGB", "--units", "50000"],
        `no collateral account of ${bob} with ${jscc}`,
      ],
      [
        ["escrow:release", "--from", alice, "--secured-party", jscc, "--series", "JGB", "--units", "9000000"],
        "the account holds 6000000 pledged JGB, not 9000000",
      ],
      [
        ["escrow:margin-call", "--from", jscc, "--pledgor", alice],
        "no shortfall: coverage 9447300 meets the requirement 9000000",
      ],
      [["escrow:default", "--from", jscc, "--pledgor", alice], "the account is Active: cannot declare default"],
      [
        ["escrow:enforce", "--from", jscc, "--mode", "take", "--pledgor", alice],
        "--series is required with --mode take",
      ],
      [["escrow:show", "--pledgor", eve, "--secured-party", jscc], `no collateral account of ${eve} with ${jscc}`],
    ];
    for (const [args, message] of cases) {
      const result = await run(...args);
      expect(result.code, `${args.join(" ")}\n${result.stderr}`).to.equal(2);
      expect(result.stderr, args.join(" ")).to.contain(message);
      expect(result.stderr).not.to.match(/\n\s+at /);
    }
    expect({
      owner: await node.nonce(owner),
      alice: await node.nonce(alice),
      bob: await node.nonce(bob),
      jscc: await node.nonce(jscc),
    }).to.deep.equal(before);
  });

  it("a price drop, a margin call, default after the deadline (not before), enforcement by taking and by sale", async () => {
    expect((await run("price:set", "--series", "JGB", "--price", "80")).code).to.equal(0);
    const called = await run("escrow:margin-call", "--from", jscc, "--pledgor", alice, "--deadline", "+1h", "--json");
    expect(called.code, called.stdout + called.stderr).to.equal(0);
    expect(called.json?.title).to.match(/^Margin call on 0x[0-9a-fA-F]{40}: top up 755550 by /); // 9m − (6m×80%×99% + 3.9m×99.5%×90%)
    expect((await account()).status).to.equal("Called");

    const nonce = await node.nonce(jscc);
    const early = await run("escrow:default", "--from", jscc, "--pledgor", alice);
    expect(early.code).to.equal(2);
    expect(early.stderr).to.contain("has not passed");
    expect(await node.nonce(jscc)).to.equal(nonce);
    await node.increaseTime(7_200);
    const defaulted = await run("escrow:default", "--from", jscc, "--pledgor", alice, "--json");
    expect(defaulted.code, defaulted.stdout + defaulted.stderr).to.equal(0);
    expect(defaulted.json?.summary).to.deep.include({ status: "Defaulted", outstanding: "9000000" });

    const taken = await run(
      "escrow:enforce",
      "--from",
      jscc,
      "--mode",
      "take",
      "--pledgor",
      alice,
      "--series",
      "JGB",
      "--units",
      "1000000",
      "--json",
    );
    expect(taken.code, taken.stdout + taken.stderr).to.equal(0);
    expect(taken.json?.summary).to.deep.include({ outstanding: "8200000", "pledged JGB": "5000000" });
    expect(await node.balance("JGB", jscc)).to.equal(1_000_000n);

    const toEve = await run(
      "escrow:enforce",
      "--from",
      jscc,
      "--mode",
      "sale",
      "--pledgor",
      alice,
      "--series",
      "MUNI",
      "--units",
      "1000000",
      "--buyer",
      eve,
      "--cash-amount",
      "990000",
    );
    expect(toEve.code).to.equal(2);
    expect(toEve.stderr).to.contain(`--buyer buyer ${eve} is not registered in the identity registry`);
    const listed = await run(
      "escrow:enforce",
      "--from",
      jscc,
      "--mode",
      "sale",
      "--pledgor",
      alice,
      "--series",
      "MUNI",
      "--units",
      "1000000",
      "--buyer",
      bob,
      "--cash-amount",
      "990000",
    );
    expect(listed.code, listed.stdout + listed.stderr).to.equal(0);
    expect(listed.stdout).to.contain("Sale 1 listed");
    const unapproved = await run("escrow:enforce", "--from", bob, "--mode", "buy", "--sale-id", "1");
    expect(unapproved.code).to.equal(2);
    expect(unapproved.stderr).to.contain(
      `missing approve: ${bob} must approve the escrow ${escrow} for 990000 of cash`,
    );
    await node.approve("JPYD", bob, escrow);
    const bought = await run("escrow:enforce", "--from", bob, "--mode", "buy", "--sale-id", "1", "--json");
    expect(bought.code, bought.stdout + bought.stderr).to.equal(0);
    expect(await node.balance("MUNI", bob)).to.equal(1_000_000n);
    expect((await account()).outstanding).to.equal("7210000");
  });

  it("a take and a sale listing whose runs were killed after sending are not sent again by the reruns", async () => {
    const escrowAs = await node.contract("CollateralEscrow", escrow, jscc);
    const { JGB, MUNI } = node.record().series;
    // What a run killed right after its transaction was mined leaves: the transaction, and its pending record.
    const killedRun = async (key: string, method: string, ...args: unknown[]) => {
      const block = await node.provider.getBlockNumber();
      const tx = await escrowAs.getFunction(method)(...args);
      await tx.wait();
      const record = node.record();
      record.operations[key] = { pending: { from: jscc, nonce: tx.nonce, to: tx.to, data: tx.data, block } };
      node.saveRecord(record);
    };
    const take = { mode: "take", pledgor: alice, series: "JGB", units: 1_000_000n };
    const takeKey = commandKey("escrow:enforce", jscc, take);
    await killedRun(takeKey, "enforceTake", alice, JGB.token, 1_000_000n);
    const sale = { mode: "sale", pledgor: alice, series: "MUNI", units: 1_000_000n, buyer: bob, cashAmount: 990_000n };
    const saleKey = commandKey("escrow:enforce", jscc, sale);
    await killedRun(saleKey, "listSale", alice, MUNI.token, 1_000_000n, bob, 990_000n, (await node.now()) + 86_400);
    const nonce = await node.nonce(jscc);

    const retake = await run(
      ...["escrow:enforce", "--from", jscc, "--mode", "take", "--pledgor", alice, "--series", "JGB"],
      ...["--units", "1000000", "--json"],
    );
    expect(retake.code, retake.stdout + retake.stderr).to.equal(0);
    expect(retake.json?.title).to.equal(
      `Enforcement (take 1000000 JGB) against ${alice}: already done by an interrupted earlier run (found on chain); nothing sent`,
    );
    // One take of 1,000,000 at 80: 7,210,000 − 800,000 outstanding, 5,000,000 − 1,000,000 pledged.
    expect(retake.json?.summary).to.deep.include({ outstanding: "6410000", "pledged JGB": "4000000" });
    expect(await node.balance("JGB", jscc)).to.equal(2_000_000n);

    const relist = await run(
      ...["escrow:enforce", "--from", jscc, "--mode", "sale", "--pledgor", alice, "--series", "MUNI"],
      ...["--units", "1000000", "--buyer", bob, "--cash-amount", "990000"],
    );
    expect(relist.code, relist.stdout + relist.stderr).to.equal(0);
    expect(relist.stdout).to.contain("sale 2 listed: already done by an interrupted earlier run");
    expect(await escrowAs.queryFilter(escrowAs.filters.SaleListed())).to.have.length(2);
    expect(await node.nonce(jscc)).to.equal(nonce);
    expect(node.record().operations[takeKey]).to.equal(undefined);
    expect(node.record().operations[saleKey]).to.equal(undefined);
  });
});

import { expect } from "chai";
import { type Chain, COVERAGE, runTask, startHardhatNode, tempDeployments } from "../helpers/cli";
import { ACCOUNTS, Node } from "./ops-setup";

describe("series:create (CLI)", function () {
  if (COVERAGE) return;
  this.timeout(400_000);
  let chain: Chain;
  let node: Node;
  const dir = tempDeployments();
  const { owner, bob } = ACCOUNTS;
  const run = (...args: string[]) => runTask(chain, dir, args);
  const ALL = [
    "series:create",
    "--symbol",
    "SEC2",
    "--name",
    "Kosai Security 2",
    "--countries-allow",
    "JP,SG",
    "--countries-block",
    "KP",
    "--max-balance",
    "5000000",
    "--supply-cap",
    "100000000",
    "--max-holders",
    "50",
    "--lock-up-until",
    "2030-04-01",
    "--eligibility-topics",
    "1,20",
    "--denomination",
    "10000,100000",
  ];

  before(async () => {
    chain = await startHardhatNode();
    node = new Node(chain, dir);
  });
  after(async () => {
    await chain.kill();
  });

  it("before suite:deploy → exit 2: no series factory recorded", async () => {
    const result = await run("series:create", "--symbol", "SEC2", "--name", "x");
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain("no seriesFactory in the deployment record for localhost; run suite:deploy first");
    expect((await run("suite:deploy")).code).to.equal(0);
  });

  it("creates a series with every module configured in one transaction (--json), recorded as kind security", async () => {
    const nonce = await node.nonce(owner);
    const created = await run(...ALL, "--json");
    expect(created.code, created.stdout + created.stderr).to.equal(0);
    expect(await node.nonce(owner)).to.equal(nonce + 1);
    const { token, compliance } = created.json?.summary as { token: string; compliance: string };
    const record = node.record();
    expect(record.series.SEC2).to.deep.include({ token, compliance, kind: "security", unit: "10000" });
    expect(record.series.SEC2.params).to.deep.include({ maxBalance: "5000000", countriesAllow: [392, 702] });
    const m = record.contracts;
    const read = async (name: string, key: string, fn: string, ...args: unknown[]) =>
      (await node.contract(name, m[`modules.${key}`])).getFunction(fn)(...args);
    expect(await read("CountryAllowModule", "countryAllow", "isCountryListed", compliance, 702)).to.equal(true);
    expect(await read("CountryBlockModule", "countryBlock", "isCountryListed", compliance, 408)).to.equal(true);
    expect(await read("MaxBalanceModule", "maxBalance", "maxBalance", compliance)).to.equal(5_000_000n);
    expect(await read("SupplyCapModule", "supplyCap", "supplyCap", compliance)).to.equal(100_000_000n);
    expect(await read("MaxHoldersModule", "maxHolders", "maxHolders", compliance)).to.equal(50n);
    expect(await read("LockUpModule", "lockUp", "lockUpEnd", compliance)).to.equal(1901199600n); // 2030-04-01 00:00 JST
    expect(await read("ClaimEligibilityModule", "eligibility", "eligibilityTopics", compliance)).to.deep.equal([
      1n,
      20n,
    ]);
    expect([...(await read("DenominationModule", "denomination", "denomination", compliance))]).to.deep.equal([
      10_000n,
      100_000n,
    ]);
  });

  it("a rerun sends nothing; with the record lost, it finds the series in SeriesCreated and records it again", async () => {
    const nonce = await node.nonce(owner);
    const again = await run(...ALL);
    expect(again.code, again.stdout + again.stderr).to.equal(0);
    expect(again.stdout).to.contain("Series SEC2 already exists: nothing sent");
    const record = node.record();
    const token = record.series.SEC2.token;
    delete record.series.SEC2;
    node.saveRecord(record);
    const adopted = await run(...ALL, "--json");
    expect(adopted.code, adopted.stdout + adopted.stderr).to.equal(0);
    expect(adopted.json?.title).to.equal("Series SEC2 already exists: nothing sent");
    expect(node.record().series.SEC2).to.deep.include({ token, kind: "security" });
    expect(await node.nonce(owner)).to.equal(nonce);
  });

  it("a plain series without modules (table output)", async () => {
    const plain = await run("series:create", "--symbol", "PLAIN", "--name", "Plain");
    expect(plain.code, plain.stdout + plain.stderr).to.equal(0);
    expect(plain.stdout).to.contain("Series PLAIN created").and.to.contain("security");
  });

  it("every bad input exits 2 naming the argument, and nothing is sent", async () => {
    const before = { owner: await node.nonce(owner), bob: await node.nonce(bob) };
    const cases: [string[], string][] = [
      [["--symbol", "bad symbol!", "--name", "x"], '--symbol "bad symbol!" is not a series symbol'],
      [["--symbol", "S3"], "--name is required"],
      [
        ["--symbol", "S3", "--name", "x", "--countries-allow", "XX"],
        '--countries-allow[0] "XX" is not an ISO 3166-1 numeric code',
      ],
      [
        ["--symbol", "S3", "--name", "x", "--countries-allow", "JP", "--countries-block", "JP"],
        "--countries-block country 392 is both allowed and blocked",
      ],
      [
        ["--symbol", "S3", "--name", "x", "--denomination", "1000,1500"],
        "--denomination the minimum holding must be a multiple of the unit",
      ],
      [
        ["--symbol", "S3", "--name", "x", "--denomination", "1000", "--max-balance", "1500"],
        "--max-balance 1500 is not a multiple of the unit 1000",
      ],
      [
        ["--symbol", "S3", "--name", "x", "--lock-up-until", "2026-02-30"],
        '--lock-up-until "2026-02-30" is not a calendar date',
      ],
      [["--symbol", "S3", "--name", "x", "--agents", "0x12"], '--agents[0] "0x12" is not an address'],
      [["--symbol", "S3", "--name", "x", "--max-holders", "0"], "--max-holders must be between 1 and 1000000"],
      [["--symbol", "S3", "--name", "x", "--from", bob], `${bob} does not have SERIES_DEPLOYER on the SeriesFactory`],
      [["--symbol", "JPYD", "--name", "x"], "JPYD is already recorded as a cash series"],
    ];
    for (const [args, message] of cases) {
      const result = await run("series:create", ...args);
      expect(result.code, `${args.join(" ")}\n${result.stderr}`).to.equal(2);
      expect(result.stderr, args.join(" ")).to.contain(message);
    }
    expect({ owner: await node.nonce(owner), bob: await node.nonce(bob) }).to.deep.equal(before);
    expect(node.record().series.S3).to.equal(undefined);
  });
});

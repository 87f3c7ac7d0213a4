import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { type Chain, COVERAGE, runTask, startHardhatNode, tempDeployments } from "../helpers/cli";
import {
  ACCOUNTS,
  expectRefused,
  deployMarket,
  expectRegistered,
  nonceOf,
  randomWallets,
  readRecord,
  senderNonces,
  writeCsv,
} from "../helpers/investors";

const RESIDENCE_SHINJUKU = 100_131_041n;
const WORKPLACE_CHIYODA = 200_131_016n;

describe("investor:register (CLI)", function () {
  if (COVERAGE) return;
  this.timeout(600_000);
  let chain: Chain;
  const dir = tempDeployments();

  before(async () => {
    chain = await startHardhatNode();
    await deployMarket(chain, dir);
  });
  after(async () => {
    await chain.kill();
  });

  const refused = (args: string[], message: string | RegExp) => expectRefused(chain, dir, args, message);

  describe("bad input: exit 2 naming the problem, nothing sent", () => {
    const wallet = ACCOUNTS.investor;
    it("a bad address", () =>
      refused(["investor:register", "--wallet", "0x12", "--country", "JP"], '--wallet "0x12" is not an address'));
    it("the zero address", () =>
      refused(
        ["investor:register", "--wallet", "0x0000000000000000000000000000000000000000", "--country", "JP"],
        "--wallet the zero address is not allowed",
      ));
    it("a missing wallet", () => refused(["investor:register", "--country", "JP"], "--wallet is required (or --file)"));
    it("a bad country", () =>
      refused(
        ["investor:register", "--wallet", wallet, "--country", "XX"],
        '--country "XX" is not an ISO 3166-1 numeric code',
      ));
    it("a local government code failing its check digit", () =>
      refused(
        ["investor:register", "--wallet", wallet, "--country", "JP", "--municipality", "131040"],
        "--municipality 131040 fails the local government code check digit",
      ));
    it("a residence topic the KYC issuer is not trusted for → run trust:update-issuer", () =>
      refused(
        ["investor:register", "--wallet", wallet, "--country", "JP", "--municipality", "131041"],
        /not trusted for residence topic 100131041 \(municipality 131041\); run trust:update-issuer --issuer kycIssuer --topics 1,10,11,20,100131041 first/,
      ));
    it("an extra topic the KYC issuer is not trusted for", () =>
      refused(
        ["investor:register", "--wallet", wallet, "--country", "JP", "--topics", "10,99"],
        "is not trusted for topic 99",
      ));
    it("a sender without REGISTRAR_AGENT", () =>
      refused(
        ["investor:register", "--wallet", wallet, "--country", "JP", "--from", ACCOUNTS.stranger],
        `${ACCOUNTS.stranger} lacks REGISTRAR_AGENT on identityRegistry`,
      ));
    it("a missing file", () =>
      refused(
        ["investor:register", "--file", path.join(dir, "nope.csv")],
        `--file ${path.join(dir, "nope.csv")} does not exist`,
      ));
    it("--file combined with --wallet", () =>
      refused(["investor:register", "--file", "x.csv", "--wallet", wallet], "--wallet cannot be combined with --file"));
    it("a file with a duplicate wallet, a bad address, the zero address, a bad country and a bad check digit: every row reported", async () => {
      const [a, b] = randomWallets(2);
      const file = writeCsv(dir, "bad.csv", [
        [a, "JP", "", ""],
        ["0x1234", "JP", "", ""],
        ["0x0000000000000000000000000000000000000000", "JP", "", ""],
        [b, "ZZ", "", ""],
        [b.toLowerCase(), "JP", "131040", ""],
        [a.toLowerCase(), "JP", "", "10"],
      ]);
      const before = await senderNonces(chain);
      const run = await runTask(chain, dir, ["investor:register", "--file", file]);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.contain('--file line 3 wallet "0x1234" is not an address');
      expect(run.stderr).to.contain("--file line 4 wallet the zero address is not allowed");
      expect(run.stderr).to.contain('--file line 5 country "ZZ" is not an ISO 3166-1');
      expect(run.stderr).to.contain("--file line 6 municipality 131040 fails the local government code check digit");
      expect(run.stderr).to.contain(`--file line 7 wallet ${a} is already listed at line 2`);
      expect(await senderNonces(chain)).to.deep.equal(before);
    });
  });

  describe("registering", () => {
    it("one investor (table): identity, wallet key, claims 1,10,20, registered; the same command again sends nothing", async () => {
      const registrarBefore = await nonceOf(chain, ACCOUNTS.registrar);
      const run = await runTask(chain, dir, [
        "investor:register",
        "--wallet",
        ACCOUNTS.investor,
        "--country",
        "JP",
        "--topics",
        "10,20",
      ]);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.match(/1 investors registered or completed, 0 already done \(6 transactions\)/);
      expect(run.stdout).to.match(/│ wallet\s+│ identity/);
      expect(run.stdout).to.contain("registered");
      const record = readRecord(dir);
      const identity = await expectRegistered(chain, record, ACCOUNTS.investor, [1n, 10n, 20n]);
      expect(record.investors[ACCOUNTS.investor]).to.deep.equal({ identity, country: 392 });
      expect(record.pending).to.deep.equal({});
      // deploy, addKey, 3 claims, register
      expect(await nonceOf(chain, ACCOUNTS.registrar)).to.equal(registrarBefore + 6);

      const again = await runTask(chain, dir, [
        "investor:register",
        "--wallet",
        ACCOUNTS.investor,
        "--country",
        "JP",
        "--topics",
        "10,20",
        "--json",
      ]);
      expect(again.code, again.stderr).to.equal(0);
      expect(again.json?.title).to.equal("0 investors registered or completed, 1 already done (0 transactions)");
      expect(await nonceOf(chain, ACCOUNTS.registrar)).to.equal(registrarBefore + 6);
    });

    it("a wallet already registered (by another command) → exit 2, nothing sent", async () => {
      const file = writeCsv(dir, "again.csv", [
        [randomWallets(1)[0], "JP", "", ""],
        [ACCOUNTS.investor, "US", "", ""],
      ]);
      await refused(["investor:register", "--file", file], `${ACCOUNTS.investor} is already registered`);
      await refused(
        ["investor:register", "--wallet", ACCOUNTS.investor, "--country", "JP"],
        "use investor:update to change it",
      );
    });

    it("a batch of 60 from CSV (--json, progress): every investor registered once with exactly its claims", async () => {
      const trust = await runTask(chain, dir, [
        "trust:update-issuer",
        "--issuer",
        "kycIssuer",
        "--add-topics",
        "100131041",
      ]);
      expect(trust.code, trust.stderr).to.equal(0);
      const wallets = randomWallets(60);
      const rows = wallets.map((w, i) => [
        w,
        i % 5 === 0 ? "840" : "JP",
        i % 3 === 0 ? "131041" : "",
        i % 2 ? "10;20" : "",
      ]);
      const file = writeCsv(dir, "sixty.csv", rows);
      const registrarBefore = await nonceOf(chain, ACCOUNTS.registrar);
      const run = await runTask(chain, dir, ["investor:register", "--file", file, "--json"]);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.json?.ok).to.equal(true);
      const result = run.json as unknown as {
        rows: { wallet: string; status: string }[];
        summary: { transactions: number };
      };
      expect(result.rows.map((r) => r.wallet)).to.deep.equal(wallets);
      expect(result.rows.every((r) => r.status === "registered")).to.equal(true);
      const record = readRecord(dir);
      let expectedTxs = 0;
      for (const [i, wallet] of wallets.entries()) {
        const topics = [1n, ...(i % 3 === 0 ? [RESIDENCE_SHINJUKU] : []), ...(i % 2 ? [10n, 20n] : [])];
        await expectRegistered(chain, record, wallet, topics, i % 5 === 0 ? 840 : 392);
        expectedTxs += 3 + topics.length;
      }
      expect(result.summary.transactions).to.equal(expectedTxs);
      expect(await nonceOf(chain, ACCOUNTS.registrar)).to.equal(registrarBefore + expectedTxs);
      expect(record.pending).to.deep.equal({});
    });

    it("a JSON file with a workplace claim (table)", async () => {
      const trust = await runTask(chain, dir, [
        "trust:update-issuer",
        "--issuer",
        "kycIssuer",
        "--add-topics",
        "200131016",
      ]);
      expect(trust.code, trust.stderr).to.equal(0);
      const [a, b] = randomWallets(2);
      const file = path.join(dir, "two.json");
      fs.writeFileSync(
        file,
        JSON.stringify([
          { wallet: a, country: 392, workplace: 131016, topics: [11] },
          { wallet: b, country: "SG", municipality: "131041" },
        ]),
      );
      const run = await runTask(chain, dir, ["investor:register", "--file", file]);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.contain("2 investors registered or completed");
      const record = readRecord(dir);
      await expectRegistered(chain, record, a, [1n, WORKPLACE_CHIYODA, 11n]);
      await expectRegistered(chain, record, b, [1n, RESIDENCE_SHINJUKU], 702);
      expect(record.investors[b].municipality).to.equal(131041);
    });
  });
});

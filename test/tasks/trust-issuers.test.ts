import { expect } from "chai";
import { type Chain, COVERAGE, runTask, startHardhatNode, tempDeployments } from "../helpers/cli";
import { ACCOUNTS, expectRefused, deployMarket, readRecord, senderNonces, view } from "../helpers/investors";

const AML_SIGNER = "0x976EA74026E726554dB657fA54763abd0C3a0aa9"; // account #6

/** trust:add-issuer, trust:update-issuer, trust:remove-issuer, trust:add-topic, trust:remove-topic. */
describe("trust:* (CLI)", function () {
  if (COVERAGE) return;
  this.timeout(600_000);
  let chain: Chain;
  const dir = tempDeployments();
  let issuersRegistry: string;
  let topicsRegistry: string;

  const topicsOf = async (issuer: string) =>
    (
      await view<bigint[]>(
        chain,
        issuersRegistry,
        "function getTrustedIssuerClaimTopics(address) view returns (uint256[])",
        [issuer],
      )
    ).map(Number);
  const isTrusted = (issuer: string) =>
    view<boolean>(chain, issuersRegistry, "function isTrustedIssuer(address) view returns (bool)", [issuer]);
  const required = async () =>
    (await view<bigint[]>(chain, topicsRegistry, "function getClaimTopics() view returns (uint256[])")).map(Number);

  const refused = (args: string[], message: string | RegExp) => expectRefused(chain, dir, args, message);

  before(async () => {
    chain = await startHardhatNode();
    await deployMarket(chain, dir);
    const registry = readRecord(dir).contracts.identityRegistry;
    issuersRegistry = await view<string>(chain, registry, "function issuersRegistry() view returns (address)");
    topicsRegistry = await view<string>(chain, registry, "function topicsRegistry() view returns (address)");
  });
  after(async () => {
    await chain.kill();
  });

  describe("bad input: exit 2, nothing sent", () => {
    it("add-issuer: neither or both of --signer and --issuer", async () => {
      await refused(["trust:add-issuer", "--topics", "2"], "give exactly one of --signer (new issuer) or --issuer");
      await refused(
        ["trust:add-issuer", "--topics", "2", "--signer", AML_SIGNER, "--issuer", "kycIssuer"],
        "give exactly one of --signer",
      );
    });
    it("add-issuer: a bad signer address, a duplicated topic", async () => {
      await refused(["trust:add-issuer", "--signer", "0xzz", "--topics", "2,2"], '--signer "0xzz" is not an address');
      await refused(
        ["trust:add-issuer", "--signer", AML_SIGNER, "--topics", "2,2"],
        "--topics a topic is listed twice",
      );
    });
    it("add-issuer: more topics than an issuer may have (checked before sending)", () =>
      refused(
        ["trust:add-issuer", "--signer", AML_SIGNER, "--topics", Array.from({ length: 16 }, (_, i) => i + 2).join(",")],
        "16 topics: an issuer may be trusted for at most 15 (TrustedIssuerClaimTopicsLimitReached)",
      ));
    it("add-issuer: an existing issuer that is already trusted for other topics, an address without code", async () => {
      await refused(
        ["trust:add-issuer", "--issuer", "kycIssuer", "--topics", "2"],
        "is already trusted (for 1,10,11,20)",
      );
      await refused(["trust:add-issuer", "--issuer", ACCOUNTS.stranger, "--topics", "2"], "is not a contract");
      await refused(
        ["trust:add-issuer", "--issuer", "nobody", "--topics", "2"],
        '"nobody" is neither an address nor a recorded issuer',
      );
    });
    it("add-issuer / add-topic: a sender without DEFAULT_ADMIN_ROLE", async () => {
      await refused(
        ["trust:add-issuer", "--signer", AML_SIGNER, "--topics", "2", "--from", ACCOUNTS.stranger],
        `${ACCOUNTS.stranger} lacks DEFAULT_ADMIN_ROLE on issuersRegistry`,
      );
      await refused(["trust:add-topic", "--topic", "10", "--from", "#5"], "lacks DEFAULT_ADMIN_ROLE on topicsRegistry");
    });
    it("update-issuer: an issuer that is not trusted; leaving the required KYC topic without an issuer", async () => {
      await refused(["trust:update-issuer", "--issuer", ACCOUNTS.stranger, "--topics", "2"], "is not a trusted issuer");
      await refused(
        ["trust:update-issuer", "--issuer", "kycIssuer", "--topics", "10"],
        "topic 1 is required and no other issuer",
      );
      await refused(["trust:update-issuer", "--issuer", "kycIssuer"], "give --topics, or --add-topics/--remove-topics");
    });
    it("add-topic: a topic no issuer is trusted for; remove-topic: a topic that is not required", async () => {
      await refused(["trust:add-topic", "--topic", "77"], "no issuer is trusted for topic 77");
      await refused(["trust:add-topic", "--topic", "0"], "a claim topic is between 1 and 2^256 - 1");
      await refused(["trust:remove-topic", "--topic", "77"], "topic 77 is not required (required: 1)");
    });
    it("remove-issuer: the only issuer of a required topic", () =>
      refused(["trust:remove-issuer", "--issuer", "kycIssuer"], "is the only issuer trusted for required topic(s) 1"));
  });

  describe("changes", () => {
    it("add-issuer --signer deploys a ClaimIssuer managed by the signer and trusts it (table); a rerun sends nothing", async () => {
      const run = await runTask(chain, dir, [
        "trust:add-issuer",
        "--signer",
        AML_SIGNER,
        "--topics",
        "2,10",
        "--name",
        "aml",
      ]);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.match(/trusted for 2,10 \(2 transactions\)/);
      const issuer = readRecord(dir).contracts["claimIssuers.aml"];
      expect(await isTrusted(issuer)).to.equal(true);
      expect(await topicsOf(issuer)).to.deep.equal([2, 10]);
      const key = (await import("../helpers/investors")).keyOf(AML_SIGNER);
      expect(
        await view(chain, issuer, "function keyHasPurpose(bytes32,uint256) view returns (bool)", [key, 1n]),
      ).to.equal(true);
      const before = await senderNonces(chain);
      const again = await runTask(chain, dir, [
        "trust:add-issuer",
        "--signer",
        AML_SIGNER,
        "--topics",
        "10,2",
        "--name",
        "aml",
        "--json",
      ]);
      expect(again.code, again.stderr).to.equal(0);
      expect(again.json?.title).to.match(/already trusted for 10,2: nothing sent/);
      expect(await senderNonces(chain)).to.deep.equal(before);
    });

    it("update-issuer --add-topics / --remove-topics (--json)", async () => {
      const run = await runTask(chain, dir, [
        "trust:update-issuer",
        "--issuer",
        "claimIssuers.aml",
        "--add-topics",
        "20",
        "--remove-topics",
        "10",
        "--json",
      ]);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.json?.summary).to.deep.include({ before: "2,10", after: "2,20" });
      expect(await topicsOf(readRecord(dir).contracts["claimIssuers.aml"])).to.deep.equal([2, 20]);
    });

    it("add-topic requires a topic some issuer is trusted for; remove-topic drops it", async () => {
      const add = await runTask(chain, dir, ["trust:add-topic", "--topic", "2", "--json"]);
      expect(add.code, add.stderr).to.equal(0);
      expect(await required()).to.deep.equal([1, 2]);
      const remove = await runTask(chain, dir, ["trust:remove-topic", "--topic", "2"]);
      expect(remove.code, remove.stderr).to.equal(0);
      expect(remove.stdout).to.contain("topic 2 is no longer required");
      expect(await required()).to.deep.equal([1]);
    });

    it("remove-issuer stops trusting an issuer", async () => {
      const issuer = readRecord(dir).contracts["claimIssuers.aml"];
      const run = await runTask(chain, dir, ["trust:remove-issuer", "--issuer", issuer, "--json"]);
      expect(run.code, run.stderr).to.equal(0);
      expect(await isTrusted(issuer)).to.equal(false);
      await refused(["trust:remove-issuer", "--issuer", issuer], "is not a trusted issuer");
    });
  });
});

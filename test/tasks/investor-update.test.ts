import { expect } from "chai";
import { type Chain, COVERAGE, runTask, startHardhatNode, tempDeployments } from "../helpers/cli";
import { ACCOUNTS, expectRefused, claimIdOf, deployMarket, readRecord, senderNonces, view } from "../helpers/investors";

const ZERO = "0x0000000000000000000000000000000000000000";

/** investor:update, investor:show and investor:remove against one hardhat node. */
describe("investor:update / investor:show / investor:remove (CLI)", function () {
  if (COVERAGE) return;
  this.timeout(600_000);
  let chain: Chain;
  const dir = tempDeployments();
  const A = ACCOUNTS.investor;
  const B = ACCOUNTS.other;
  let registry: string;
  let kycIssuer: string;

  const identityOf = (wallet: string) =>
    view<string>(chain, registry, "function identity(address) view returns (address)", [wallet]);
  const verified = (wallet: string) =>
    view<boolean>(chain, registry, "function isVerified(address) view returns (bool)", [wallet]);
  const claimOf = async (wallet: string, topic: bigint) => {
    const [, , issuer, signature] = await view<[bigint, bigint, string, string]>(
      chain,
      await identityOf(wallet),
      "function getClaim(bytes32) view returns (uint256, uint256, address, bytes, bytes, string)",
      [claimIdOf(kycIssuer, topic)],
    );
    const revoked = await view<boolean>(chain, kycIssuer, "function isClaimRevoked(bytes) view returns (bool)", [
      signature,
    ]);
    return { issuer, revoked };
  };

  const refused = (args: string[], message: string | RegExp) => expectRefused(chain, dir, args, message);

  before(async () => {
    chain = await startHardhatNode();
    await deployMarket(chain, dir);
    const trust = await runTask(chain, dir, [
      "trust:update-issuer",
      "--issuer",
      "kycIssuer",
      "--add-topics",
      "100131041",
    ]);
    expect(trust.code, trust.stderr).to.equal(0);
    for (const wallet of [A, B]) {
      const run = await runTask(chain, dir, ["investor:register", "--wallet", wallet, "--country", "JP"]);
      expect(run.code, run.stderr).to.equal(0);
    }
    ({ identityRegistry: registry, kycIssuer } = readRecord(dir).contracts);
  });
  after(async () => {
    await chain.kill();
  });

  describe("bad input: exit 2, nothing sent", () => {
    it("an unknown wallet", () =>
      refused(
        ["investor:update", "--wallet", ACCOUNTS.stranger, "--country", "US"],
        `${ACCOUNTS.stranger} is not registered in the identity registry (unknown wallet)`,
      ));
    it("nothing to change", () => refused(["investor:update", "--wallet", A], "nothing to change"));
    it("a bad country and a bad check digit", () =>
      refused(
        ["investor:update", "--wallet", A, "--country", "XX", "--workplace", "131017"],
        '--country "XX" is not an ISO',
      ));
    it("a topic the KYC issuer is not trusted for", () =>
      refused(
        ["investor:update", "--wallet", A, "--add-topics", "2"],
        "is not trusted for topic 2; run trust:update-issuer",
      ));
    it("revoking a claim the identity does not carry", () =>
      refused(
        ["investor:update", "--wallet", A, "--revoke-topics", "10"],
        "has no claim of the KYC issuer for topic 10",
      ));
    it("an identity that is not a contract", () =>
      refused(["investor:update", "--wallet", A, "--identity", ACCOUNTS.stranger], "is not a contract"));
    it("a sender without REGISTRAR_AGENT", () =>
      refused(
        ["investor:update", "--wallet", A, "--country", "US", "--from", ACCOUNTS.stranger],
        `${ACCOUNTS.stranger} lacks REGISTRAR_AGENT on identityRegistry`,
      ));
    it("removing an unknown wallet, or without the role", async () => {
      await refused(["investor:remove", "--wallet", ACCOUNTS.stranger], "(unknown wallet)");
      await refused(["investor:remove", "--wallet", A, "--from", "#5"], "lacks REGISTRAR_AGENT on identityRegistry");
    });
    it("showing an unknown wallet", () =>
      refused(["investor:show", "--wallet", ACCOUNTS.stranger], "(unknown wallet)"));
  });

  describe("changes", () => {
    it("country, residence claim and an extra topic (--json); a rerun sends nothing", async () => {
      const args = [
        "investor:update",
        "--wallet",
        A,
        "--country",
        "US",
        "--municipality",
        "131041",
        "--add-topics",
        "11",
        "--json",
      ];
      const run = await runTask(chain, dir, args);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.json?.title).to.equal(`${A}: 3 changes sent, 0 already so`);
      expect(
        Number(await view(chain, registry, "function investorCountry(address) view returns (uint16)", [A])),
      ).to.equal(840);
      expect((await claimOf(A, 100_131_041n)).issuer).to.equal(kycIssuer);
      expect((await claimOf(A, 11n)).issuer).to.equal(kycIssuer);
      expect(readRecord(dir).investors[A]).to.deep.include({ country: 840, municipality: 131041 });
      const before = await senderNonces(chain);
      const again = await runTask(chain, dir, args);
      expect(again.json?.title).to.equal(`${A}: 0 changes sent, 3 already so`);
      expect(await senderNonces(chain)).to.deep.equal(before);
    });

    it("revoking the KYC claim (the issuer revokes by signature) unverifies; adding it again re-issues it", async () => {
      const revoke = await runTask(chain, dir, ["investor:update", "--wallet", A, "--revoke-topics", "1,11"]);
      expect(revoke.code, revoke.stderr).to.equal(0);
      expect(await claimOf(A, 1n)).to.deep.equal({ issuer: kycIssuer, revoked: true });
      expect((await claimOf(A, 11n)).revoked).to.equal(true);
      expect(await verified(A)).to.equal(false);

      const show = await runTask(chain, dir, ["investor:show", "--wallet", A]);
      expect(show.code, show.stderr).to.equal(0);
      expect(show.stdout).to.match(/│ verified\s+│ no/);
      expect(show.stdout).to.match(/│ topic 1\s+│ kycIssuer 0x[0-9a-fA-F]{40} │ yes\s+│ yes\s+│ no\s+│ yes/);

      const readd = await runTask(chain, dir, ["investor:update", "--wallet", A, "--add-topics", "1"]);
      expect(readd.code, readd.stderr).to.equal(0);
      expect(await claimOf(A, 1n)).to.deep.equal({ issuer: kycIssuer, revoked: false });
      expect(await verified(A)).to.equal(true);
    });

    it("investor:show --json --balances: identity, country, claims, verification, series balances", async () => {
      const run = await runTask(chain, dir, ["investor:show", "--wallet", A, "--balances", "--json"]);
      expect(run.code, run.stderr).to.equal(0);
      const { summary, rows } = run.json as unknown as {
        summary: Record<string, unknown>;
        rows: { topic: string; valid: boolean; revoked: boolean }[];
      };
      expect(summary).to.deep.include({
        wallet: A,
        identity: await identityOf(A),
        country: 840,
        verified: true,
        walletManagesIdentity: true,
        municipality: 131041,
        "balance JPYD": "0",
      });
      expect(rows.map((r) => [r.topic, r.valid, r.revoked])).to.deep.equal([
        ["topic 1", true, false],
        ["topic 11", false, true],
        ["residence topic 100131041 (municipality 131041)", true, false],
      ]);
    });

    it("--identity points the wallet at another identity", async () => {
      const other = await identityOf(B);
      const run = await runTask(chain, dir, ["investor:update", "--wallet", A, "--identity", other]);
      expect(run.code, run.stderr).to.equal(0);
      expect(await identityOf(A)).to.equal(other);
      expect(readRecord(dir).investors[A].identity).to.equal(other);
    });

    it("investor:remove deletes the wallet from the registry; removing it again is refused", async () => {
      const run = await runTask(chain, dir, ["investor:remove", "--wallet", B, "--json"]);
      expect(run.code, run.stderr).to.equal(0);
      expect(await identityOf(B)).to.equal(ZERO);
      expect(readRecord(dir).investors[B]).to.equal(undefined);
      await refused(["investor:remove", "--wallet", B], "(unknown wallet)");
    });
  });
});

import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import {
  ANVIL_AVAILABLE,
  type Chain,
  COVERAGE,
  runTask,
  startAnvil,
  startHardhatNode,
  tempDeployments,
} from "../helpers/cli";

async function nonceOf(chain: Chain, address: string): Promise<number> {
  const response = await fetch(chain.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getTransactionCount", params: [address, "latest"] }),
  });
  return Number(((await response.json()) as { result: string }).result);
}

describe("suite:deploy (CLI)", function () {
  if (COVERAGE) return;
  this.timeout(180_000);
  let chain: Chain;
  const dir = tempDeployments();
  const OWNER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
  const REGISTRAR = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

  before(async () => {
    chain = await startHardhatNode();
  });
  after(async () => {
    await chain.kill();
  });

  it("suite:deploy --registrar 0x12 → exit 2 naming the argument, nothing sent, no record", async () => {
    const run = await runTask(chain, dir, ["suite:deploy", "--registrar", "0x12"]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain('--registrar "0x12" is not an address');
    expect(await nonceOf(chain, OWNER)).to.equal(0);
    expect(fs.existsSync(path.join(dir, "localhost.json"))).to.equal(false);
  });

  it("suite:deploy --required-topics 99 → exit 2: the KYC issuer would not be trusted for a required topic", async () => {
    const run = await runTask(chain, dir, ["suite:deploy", "--required-topics", "99", "--json"]);
    expect(run.code).to.equal(2);
    expect(run.json).to.deep.include({ ok: false });
    expect(JSON.stringify(run.json)).to.contain("topic 99 is required but the KYC issuer is not trusted for it");
    expect(await nonceOf(chain, OWNER)).to.equal(0);
  });

  it("suite:deploy → every contract recorded; a rerun sends nothing", async () => {
    const first = await runTask(chain, dir, ["suite:deploy", "--registrar", REGISTRAR, "--json"]);
    expect(first.code, first.stderr).to.equal(0);
    const record = JSON.parse(fs.readFileSync(path.join(dir, "localhost.json"), "utf8"));
    for (const name of [
      "identityRegistry",
      "seriesFactory",
      "bondFactory",
      "payingAgent",
      "dvp",
      "escrow",
      "kycIssuer",
    ]) {
      expect(record.contracts[name], name).to.match(/^0x[0-9a-fA-F]{40}$/);
    }
    expect(record.accounts.registrar).to.equal(REGISTRAR);
    expect(record.series.JPYD.kind).to.equal("cash");
    expect(record.pending).to.deep.equal({});
    const sent = await nonceOf(chain, OWNER);

    const second = await runTask(chain, dir, ["suite:deploy", "--registrar", REGISTRAR, "--json"]);
    expect(second.code, second.stderr).to.equal(0);
    expect(second.json?.title).to.match(/: 0 steps sent, \d+ already done$/);
    expect(await nonceOf(chain, OWNER)).to.equal(sent);
  });

  it("suite:deploy --network besu (chain id 1337, gas price 0, keys from BESU_PRIVATE_KEYS) → deployed for free", async function () {
    if (!ANVIL_AVAILABLE) this.skip();
    const besu = await startAnvil({ chainId: 1337 });
    const besuDir = tempDeployments();
    try {
      // anvil's first account stands in for the Besu deployer; its balance must not move at gas price 0.
      const key = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
      const balance = async () => {
        const response = await fetch(besu.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getBalance", params: [OWNER, "latest"] }),
        });
        return BigInt(((await response.json()) as { result: string }).result);
      };
      const before = await balance();
      const run = await runTask(besu, besuDir, ["suite:deploy", "--json"], {
        network: "besu",
        env: { BESU_RPC_URL: besu.url, BESU_CHAIN_ID: "1337", BESU_PRIVATE_KEYS: key },
      });
      expect(run.code, run.stderr).to.equal(0);
      const record = JSON.parse(fs.readFileSync(path.join(besuDir, "besu.json"), "utf8"));
      expect(record.chainId).to.equal(1337);
      expect(record.contracts.escrow).to.match(/^0x[0-9a-fA-F]{40}$/);
      expect(await balance()).to.equal(before);
    } finally {
      await besu.kill();
    }
  });
});

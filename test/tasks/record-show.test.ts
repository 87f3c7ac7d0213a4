import { expect } from "chai";
import {
  ANVIL_AVAILABLE,
  type Chain,
  COVERAGE,
  runTask,
  startAnvil,
  startHardhatNode,
  tempDeployments,
} from "../helpers/cli";

describe("record:show (CLI)", function () {
  if (COVERAGE) return;
  this.timeout(120_000);
  let chain: Chain;
  const dir = tempDeployments();

  before(async () => {
    chain = await startHardhatNode();
  });
  after(async () => {
    await chain.kill();
  });

  it("record:show --json → an empty record of chain 31337 on a fresh node", async () => {
    const run = await runTask(chain, dir, ["record:show", "--json"]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.json?.ok).to.equal(true);
    expect(run.json?.title).to.equal(`Deployment record of localhost (chain id 31337): ${dir}/localhost.json`);
  });

  it("record:show against a chain that is not running → exit 1 and a one-line reason, no stack", async () => {
    const run = await runTask({ url: "http://127.0.0.1:1" }, dir, ["record:show"]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/^record:show: /);
    expect(run.stderr).not.to.match(/\n\s+at /);
  });

  it("anvil with gas price 0 answers the same task", async function () {
    if (!ANVIL_AVAILABLE) this.skip();
    const anvil = await startAnvil();
    try {
      const run = await runTask(anvil, tempDeployments(), ["record:show", "--json"]);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.json?.ok).to.equal(true);
    } finally {
      await anvil.kill();
    }
  });
});

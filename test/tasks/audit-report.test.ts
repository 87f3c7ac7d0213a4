import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { type Chain, COVERAGE, runTask, startHardhatNode, tempDeployments } from "../helpers/cli";

describe("audit:report (CLI)", function () {
  if (COVERAGE) return;
  this.timeout(180_000);
  let chain: Chain;
  const dir = tempDeployments();
  const out = path.join(dir, "report");

  before(async () => {
    chain = await startHardhatNode();
  });
  after(async () => {
    await chain.kill();
  });

  it("audit:report before suite:deploy → exit 2: nothing to audit yet", async () => {
    const run = await runTask(chain, dir, ["audit:report", "--out", out]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain("no identityRegistry in the deployment record for localhost; run suite:deploy first");
    expect(fs.existsSync(out)).to.equal(false);
  });

  it("audit:report --from-block -1 → exit 2 naming the argument", async () => {
    const run = await runTask(chain, dir, ["audit:report", "--from-block", "-1", "--json"]);
    expect(run.code).to.equal(2);
    expect(run.json?.ok).to.equal(false);
    expect(JSON.stringify(run.json)).to.contain("--from-block");
  });

  it("audit:report on a fresh market → Markdown, JSON and CSV files; the cash token reconciles; no findings", async () => {
    expect((await runTask(chain, dir, ["suite:deploy"])).code).to.equal(0);
    const run = await runTask(chain, dir, ["audit:report", "--out", out, "--fail-on-findings", "--json"]);
    expect(run.code, run.stderr).to.equal(0);
    const result = run.json as unknown as { rows: unknown[]; files: string[]; summary: Record<string, unknown> };
    expect(result.rows).to.deep.equal([]);
    expect(result.summary["supply reconciled"]).to.equal("1/1");
    expect(result.files.map((f) => path.basename(f))).to.include.members(["audit.md", "audit.json", "holders.csv"]);
    const report = JSON.parse(fs.readFileSync(path.join(out, "audit.json"), "utf8"));
    expect(report.series.map((s: { symbol: string }) => s.symbol)).to.deep.equal(["JPYD"]);
    expect(fs.readFileSync(path.join(out, "audit.md"), "utf8")).to.contain("## Summary");
  });
});

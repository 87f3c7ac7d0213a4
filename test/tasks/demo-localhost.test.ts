import { expect } from "chai";
import { spawn } from "node:child_process";
import path from "node:path";
import { type Chain, COVERAGE, startHardhatNode } from "../helpers/cli";

const ROOT = path.join(__dirname, "..", "..");

describe("npm run demo -- --network localhost (a chain in its own process)", function () {
  if (COVERAGE) return;
  this.timeout(300_000);
  let chain: Chain;

  before(async () => {
    chain = await startHardhatNode();
  });
  after(async () => {
    await chain.kill();
  });

  it("tells the whole story against `npm run chain` and ends with the audit summary", async () => {
    const child = spawn(
      process.execPath,
      [path.join(ROOT, "node_modules/hardhat/internal/cli/cli.js"), "run", "scripts/demo.ts", "--network", "localhost"],
      { cwd: ROOT, env: { ...process.env, KOSAI_LOCALHOST_URL: chain.url }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? -1)));
    expect(code, out).to.equal(0);
    for (const chapter of ["ComplianceRefused (ResidentAreaModule)", "21 coupons paid", "## Summary", "Done."]) {
      expect(out).to.contain(chapter);
    }
    expect(out).to.match(/margin call/i);
  });
});

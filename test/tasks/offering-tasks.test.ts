import { expect } from "chai";
import { isinCheckDigit } from "../../scripts/lib/bond-terms";
import { dayOfUnix, formatDate, fromCivil, toCivil } from "../../scripts/lib/calendar";
import { proRataAllotment } from "../../scripts/lib/offering";
import { type Chain, COVERAGE, runTask, startHardhatNode, tempDeployments } from "../helpers/cli";
import { OWNER, chainTime, expectRefused, increaseTime, nonceOf, recordOf, registerInvestors } from "./setup";

const INVESTORS = [
  "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", // #1
  "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", // #2
  "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", // #4
];
const ISSUER = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"; // #5, the issuer's cash account
const UNVERIFIED = "#6";
const NO_ROLE = "#3";
const NO_ROLE_ADDRESS = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const isin = (body: string) => body + String(isinCheckDigit(body));

describe("offering:open, offering:apply, offering:allot (CLI)", function () {
  if (COVERAGE) return;
  this.timeout(600_000);
  let chain: Chain;
  const dir = tempDeployments("kosai-offering-");
  const run = (args: string[]) => runTask(chain, dir, args);
  const refused = (args: string[], message: string | RegExp, sender = OWNER) =>
    expectRefused(chain, dir, args, message, sender);

  before(async () => {
    chain = await startHardhatNode();
    expect((await run(["suite:deploy"])).code).to.equal(0);
    for (const wallet of [...INVESTORS, ISSUER]) await registerInvestors(chain, dir, [wallet]);
    const today = dayOfUnix(await chainTime(chain));
    let first = today + 1;
    while (toCivil(first).day !== 20) first += 1;
    const created = await run([
      "bond:create",
      "--kind",
      "RetailFixedJgb",
      "--symbol",
      "RF5-170",
      "--isin",
      isin("JP1051701Q1"),
      "--issuer-name",
      "Ministry of Finance Japan",
      "--issue-date",
      formatDate(today),
      "--maturity-date",
      formatDate(fromCivil({ ...toCivil(first), year: toCivil(first).year + 5 })),
      "--coupon-rate",
      "0.5",
      "--volume",
      "100000000",
    ]);
    expect(created.code, created.stderr).to.equal(0);
    for (const investor of INVESTORS) {
      const minted = await run(["token:mint", "--series", "JPYD", "--to", investor, "--amount", "10000000"]);
      expect(minted.code, minted.stderr).to.equal(0);
    }
  });
  after(async () => {
    await chain.kill();
  });

  it("offering:open refuses a size off the unit, a past window, an unknown series and a sender without the role", async () => {
    await refused(
      ["offering:open", "--series", "RF5-170", "--size", "1005000", "--close-time", "+2h"],
      "--size 1005000 is not a whole number of ¥10,000 units",
    );
    await refused(
      ["offering:open", "--series", "RF5-170", "--size", "1000000", "--close-time", "1000000000"],
      "--close-time is not in the future",
    );
    await refused(
      ["offering:open", "--series", "RF9", "--size", "1000000", "--close-time", "+2h"],
      "no series RF9 in the deployment record",
    );
    await refused(
      ["offering:open", "--series", "RF5-170", "--size", "1000000", "--close-time", "+2h", "--from", NO_ROLE],
      "does not hold ISSUER_AGENT on the Offering",
      NO_ROLE_ADDRESS,
    );
  });

  it("open, apply (oversubscribed), allot pro rata by largest remainder, deliver and close; reruns send nothing", async () => {
    const opened = await run([
      "offering:open",
      "--series",
      "RF5-170",
      "--size",
      "1000000",
      "--close-time",
      "+2h",
      "--proceeds",
      ISSUER,
      "--json",
    ]);
    expect(opened.code, opened.stdout + opened.stderr).to.equal(0);
    expect(recordOf(dir).operations["offering:RF5-170"].id).to.equal(1);
    const sent = await nonceOf(chain, OWNER);
    const again = await run([
      "offering:open",
      "--series",
      "RF5-170",
      "--size",
      "1000000",
      "--close-time",
      "+2h",
      "--json",
    ]);
    expect(again.json?.title).to.equal("offering 1 of RF5-170 is already open: nothing sent");
    expect(await nonceOf(chain, OWNER)).to.equal(sent);

    await refused(
      ["offering:apply", "--series", "RF5-170", "--face", "15000", "--from", "#1"],
      "15000 is not a whole number of ¥10,000 units",
      INVESTORS[0],
    );
    await refused(
      ["offering:apply", "--series", "RF5-170", "--face", "10000", "--from", UNVERIFIED],
      "is not a verified investor; nothing was sent",
      "0x976EA74026E726554dB657fA54763abd0C3a0aa9",
    );
    const faces = [700_000n, 500_000n, 330_000n];
    for (const [i, face] of faces.entries()) {
      const applied = await run([
        "offering:apply",
        "--offering",
        "1",
        "--face",
        String(face),
        "--from",
        ["#1", "#2", "#4"][i],
      ]);
      expect(applied.code, applied.stdout + applied.stderr).to.equal(0);
    }
    await refused(["offering:allot", "--offering", "1"], /offering 1 takes applications until .*; nothing was sent/);

    await increaseTime(chain, 3 * 3600);
    const allotted = await run(["offering:allot", "--offering", "1", "--batch", "2", "--json"]);
    expect(allotted.code, allotted.stdout + allotted.stderr).to.equal(0);
    const expected = proRataAllotment(
      INVESTORS.map((applicant, i) => ({ applicant, face: faces[i] })),
      1_000_000n,
      10_000n,
    );
    const rows = (allotted.json as unknown as { rows: { applicant: string; allotted: string; status: string }[] }).rows;
    expect(rows.map((r) => [r.applicant, r.allotted, r.status])).to.deep.equal(
      expected.map((e) => [e.applicant, String(e.face), "Delivered"]),
    );
    expect(allotted.json?.title).to.match(/^offering 1: Closed/);
    const after = await nonceOf(chain, OWNER);
    const rerun = await run(["offering:allot", "--offering", "1", "--json"]);
    expect(rerun.code).to.equal(0);
    expect(rerun.json?.title).to.contain("(0 allotment and 0 delivery transactions sent)");
    expect(await nonceOf(chain, OWNER)).to.equal(after);
    // The holders now hold the series: token:mint by the agent refuses a non-multiple of the unit.
    await refused(
      ["token:mint", "--series", "RF5-170", "--to", INVESTORS[0], "--amount", "5000"],
      "5000 is not a whole number of ¥10,000 units",
    );
  });
});

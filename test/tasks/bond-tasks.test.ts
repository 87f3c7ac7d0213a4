import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import { Interface } from "ethers";
import { isinCheckDigit } from "../../scripts/lib/bond-terms";
import { dayOfUnix, formatDate, fromCivil, jstMidnight, toCivil } from "../../scripts/lib/calendar";
import { type Chain, COVERAGE, runTask, spawnTask, startHardhatNode, tempDeployments } from "../helpers/cli";
import {
  OWNER,
  blockNumber,
  callAt,
  expectRefused,
  chainTime,
  increaseTime,
  nonceOf,
  recordOf,
  registerInvestors,
  sendFrom,
  syntheticWallets,
} from "./setup";

const FUNDER = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"; // #5, the issuer's funding wallet
const UNVERIFIED = "0x976EA74026E726554dB657fA54763abd0C3a0aa9"; // #6, never registered
const NO_ROLE = "#3";
const isin = (body: string) => body + String(isinCheckDigit(body));

/** The first `dayOfMonth` on or after `day`. */
function onOrAfter(day: number, dayOfMonth: number): number {
  let d = day;
  while (toCivil(d).day !== dayOfMonth) d += 1;
  return d;
}

describe("bond:create, token:mint/burn/approve, coupon:pay, bond:redeem, cpi:publish (CLI)", function () {
  if (COVERAGE) return;
  this.timeout(600_000);
  let chain: Chain;
  const dir = tempDeployments("kosai-bonds-");
  const holders = syntheticWallets(60);
  let today: number;
  let jgb: string[];

  const run = (args: string[]) => runTask(chain, dir, args);
  const refused = (args: string[], message: string | RegExp, sender = OWNER) =>
    expectRefused(chain, dir, args, message, sender);

  before(async () => {
    chain = await startHardhatNode();
    const deployed = await run(["suite:deploy", "--json"]);
    expect(deployed.code, deployed.stderr).to.equal(0);
    await registerInvestors(chain, dir, [FUNDER, ...holders]);
    today = dayOfUnix(await chainTime(chain));
    const first = onOrAfter(today + 1, 20);
    const maturity = fromCivil({ ...toCivil(first), year: toCivil(first).year + 10 });
    jgb = [
      "bond:create",
      "--kind",
      "FixedRateJgb",
      "--symbol",
      "JGB400",
      "--isin",
      isin("JP1104001Q1"),
      "--issuer-name",
      "Ministry of Finance Japan",
      "--issue-date",
      formatDate(today),
      "--maturity-date",
      formatDate(maturity),
      "--coupon-rate",
      "0.9",
      "--volume",
      "1000000000",
      "--funder",
      FUNDER,
    ];
  });
  after(async () => {
    await chain.kill();
  });

  /** jgb with `name` replaced by `value`. */
  const jgbWith = (name: string, value: string) => jgb.map((a, i) => (jgb[i - 1] === name ? value : a));

  it("bond:create refuses every bad term before sending (exit 2, nonce unchanged)", async () => {
    await refused(jgbWith("--isin", "JP1104001Q18"), "--isin JP1104001Q18 fails the ISIN check digit");
    await refused(
      [...jgbWith("--kind", "MunicipalPublic"), "--issuer-code", "131042", "--unit", "10000"],
      "--issuer-code 131042 fails the local government code check digit",
    );
    await refused(
      jgbWith("--kind", "MunicipalPublic"),
      "--issuer-code a MunicipalPublic bond needs its issuer's local government code",
    );
    await refused(jgbWith("--issue-date", "2026-02-30"), '--issue-date "2026-02-30" is not a calendar date');
    await refused(
      jgbWith("--maturity-date", formatDate(today - 10)),
      /--maturity-date \S+ is not after the issue date/,
    );
    await refused(
      jgbWith("--maturity-date", formatDate(onOrAfter(today + 7 * 365, 20))),
      "-year is not a FixedRateJgb tenor (2, 5, 10, 20, 30, 40 years)",
    );
    await refused(jgbWith("--volume", "1000010000"), "--volume 1000010000 is not a whole number of ¥50,000 units");
    await refused(
      jgbWith("--coupon-rate", "0.90001"),
      "is not a coupon rate in percent (a decimal with at most 4 places)",
    );
    await refused(
      [...jgb, "--from", NO_ROLE],
      "does not hold SERIES_DEPLOYER on the BondFactory; nothing was sent",
      "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    );
  });

  it("bond:create creates and records the series; a rerun with the same symbol sends nothing", async () => {
    const first = await run([...jgb, "--json"]);
    expect(first.code, first.stderr).to.equal(0);
    const series = recordOf(dir).series.JGB400;
    expect(series).to.include({ kind: "FixedRateJgb", isin: isin("JP1104001Q1"), unit: "50000" });
    expect(series.params).to.include({ couponRate: "9000", volume: "1000000000" });
    const sent = await nonceOf(chain, OWNER);
    const again = await run([...jgb, "--json"]);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.json?.title).to.equal("bond JGB400 already exists: nothing created");
    expect(await nonceOf(chain, OWNER)).to.equal(sent);
    // A resident-participation municipal bond (Shinjuku-ku 131041): area, age and holding rules.
    const resident = await run([
      "bond:create",
      "--kind",
      "MunicipalResident",
      "--symbol",
      "SHINJUKU5",
      "--isin",
      isin("JP2131041A1"),
      "--issuer-name",
      "Shinjuku City",
      "--issuer-code",
      "131041",
      "--issue-date",
      formatDate(today),
      "--maturity-date",
      formatDate(onOrAfter(today + 5 * 365, 20)),
      "--coupon-rate",
      "0.35",
      "--unit",
      "10000",
      "--volume",
      "500000000",
      "--adult-topic",
      "20",
      "--minimum-holding",
      "10000",
      "--maximum-holding",
      "5000000",
      "--json",
    ]);
    expect(resident.code, resident.stderr).to.equal(0);
    expect(recordOf(dir).series.SHINJUKU5).to.include({ kind: "MunicipalResident", unit: "10000" });
    // The other kinds (the discount bill and the retail fixed JGB are created in their own tests).
    const issue = formatDate(today);
    const kinds: [string, string, string[]][] = [
      [
        "InflationIndexedJgb",
        "JGBI31",
        [
          "--isin",
          isin("JP1120311Q1"),
          "--maturity-date",
          formatDate(onOrAfter(today + 3650, 10)),
          "--coupon-rate",
          "0.005",
          "--base-cpi",
          "101.7",
          "--volume",
          "200000000",
        ],
      ],
      [
        "RetailFloatingJgb",
        "RFL10",
        [
          "--isin",
          isin("JP1130101Q1"),
          "--maturity-date",
          formatDate(onOrAfter(today + 3650, 15)),
          "--coupon-rate",
          "0.05",
          "--volume",
          "500000000",
        ],
      ],
      [
        "MunicipalJoint",
        "JOINT10",
        [
          "--isin",
          isin("JP3000101A1"),
          "--issuer-code",
          "131041",
          "--joint",
          "131041:300000000,011002:200000000",
          "--maturity-date",
          formatDate(onOrAfter(today + 3650, 25)),
          "--coupon-rate",
          "0.8",
          "--volume",
          "500000000",
        ],
      ],
      [
        "MunicipalPublic",
        "TOKYO20",
        [
          "--isin",
          isin("JP2130001A1"),
          "--issuer-code",
          "130001",
          "--maturity-date",
          formatDate(onOrAfter(today + 7300, 20)),
          "--coupon-rate",
          "1.6",
          "--unit",
          "10000",
          "--volume",
          "500000000",
        ],
      ],
    ];
    for (const [kind, symbol, rest] of kinds) {
      const created = await run([
        "bond:create",
        "--kind",
        kind,
        "--symbol",
        symbol,
        "--issuer-name",
        "Issuer",
        "--issue-date",
        issue,
        ...rest,
        "--json",
      ]);
      expect(created.code, `${kind}: ${created.stdout}${created.stderr}`).to.equal(0);
      expect(recordOf(dir).series[symbol].kind).to.equal(kind);
    }
  });

  it("token:mint refuses a bad amount, an unverified recipient, an unknown series and a sender without the role", async () => {
    await refused(
      ["token:mint", "--series", "JGB400", "--to", holders[0], "--amount", "60000"],
      "60000 is not a whole number of ¥50,000 units of JGB400",
    );
    await refused(
      ["token:mint", "--series", "JGB400", "--to", UNVERIFIED, "--amount", "50000"],
      `mint refused: RecipientNotVerified: ${UNVERIFIED} is not a verified holder`,
    );
    await refused(
      ["token:mint", "--series", "JGB999", "--to", holders[0], "--amount", "50000"],
      "no series JGB999 in the deployment record",
    );
    await refused(
      ["token:mint", "--series", "JGB400", "--to", holders[0], "--amount", "50000", "--from", NO_ROLE],
      "does not hold SUPPLY_AGENT on series JGB400",
      "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    );
  });

  it("token:mint --file mints each line once (a rerun sends nothing); JPYD by the bank; token:approve; token:burn", async () => {
    const file = path.join(dir, "allotment.csv");
    fs.writeFileSync(file, ["to,amount", ...holders.map((h, i) => `${h},${(i + 1) * 50_000}`)].join("\n"));
    const minted = await run(["token:mint", "--series", "JGB400", "--file", file, "--batch", "25", "--json"]);
    expect(minted.code, minted.stderr).to.equal(0);
    expect(minted.json?.summary).to.include({ lines: 60, totalSupply: String(91_500_000) });
    const sent = await nonceOf(chain, OWNER);
    const again = await run(["token:mint", "--series", "JGB400", "--file", file, "--json"]);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.json?.title).to.contain("0 transaction(s) sent, 60 line(s) already minted before");
    expect(await nonceOf(chain, OWNER)).to.equal(sent);

    const cash = await run(["token:mint", "--series", "JPYD", "--to", FUNDER, "--amount", "10,000,000,000", "--json"]);
    expect(cash.code, cash.stderr).to.equal(0);
    const approved = await run([
      "token:approve",
      "--series",
      "JPYD",
      "--spender",
      "payingAgent",
      "--amount",
      "10000000000",
      "--from",
      FUNDER,
    ]);
    expect(approved.code, approved.stderr).to.equal(0);

    await refused(
      ["token:burn", "--series", "JGB400", "--holder", holders[0], "--amount", "100000"],
      `${holders[0]} has 50000 free units of JGB400`,
    );
    const burned = await run([
      "token:burn",
      "--series",
      "JGB400",
      "--holder",
      holders[59],
      "--amount",
      "50000",
      "--json",
    ]);
    expect(burned.code, burned.stderr).to.equal(0);
    expect(burned.json?.summary).to.include({ balance: String(2_950_000), totalSupply: String(91_450_000) });
  });

  it("coupon:pay before the payment day → exit 2, nothing sent", async () => {
    await refused(
      ["coupon:pay", "--series", "JGB400"],
      /coupon 1 of JGB400 is not due: it is paid on \S+, the chain's date is/,
    );
    await refused(["coupon:pay", "--series", "NOPE"], "no series NOPE in the deployment record");
    await refused(
      ["coupon:pay", "--series", "JGB400", "--from", NO_ROLE],
      "does not hold PAYING_AGENT",
      "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    );
  });

  it("coupon:pay killed mid-run, then rerun: the run completes and every holder is paid exactly once", async () => {
    const record = recordOf(dir);
    const first = onOrAfter(today + 1, 20);
    // The payment day (the 20th, or the next business day): move the clock 12 days past the 20th to be safe.
    await increaseTime(chain, jstMidnight(first + 12) - (await chainTime(chain)));
    const start = await nonceOf(chain, OWNER);
    const child = spawnTask(chain, dir, ["coupon:pay", "--series", "JGB400", "--batch", "5"]);
    const deadline = Date.now() + 120_000;
    while ((await nonceOf(chain, OWNER)) < start + 4 && Date.now() < deadline);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const killedAt = await nonceOf(chain, OWNER);
    expect(killedAt - start, "killed after the open and some batches, before the end").to.be.within(3, 11);
    // Another operator then pays two holders above the cursor, skipping the one between them: the rerun
    // must find that holder below the new cursor and pay it with payMissedHolders.
    const payingAgent = new Interface([
      "function payBatch(address bond, address[] holders)",
      "function runOf(address bond) view returns ((uint8 kind, uint32 period, address lastHolder, uint128 recordFace, uint128 facePaid, uint128 due, uint128 paid, uint256 numerator, uint256 denominator, bytes32 paidHash))",
    ]);
    const agent = record.contracts.payingAgent;
    const bond = record.series.JGB400.token;
    const [run0] = payingAgent.decodeFunctionResult(
      "runOf",
      await callAt(chain, agent, payingAgent.encodeFunctionData("runOf", [bond])),
    );
    const sorted = [...holders].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const next = sorted.findIndex((h) => BigInt(h) > BigInt(run0.lastHolder));
    const skipped = sorted[next + 1];
    await sendFrom(
      chain,
      OWNER,
      agent,
      payingAgent.encodeFunctionData("payBatch", [bond, [sorted[next], sorted[next + 2]]]),
    );

    const rerun = await run(["coupon:pay", "--series", "JGB400", "--batch", "5", "--json"]);
    expect(rerun.code, rerun.stdout + rerun.stderr).to.equal(0);
    expect(rerun.json?.title).to.match(/resumed a run \d+ holders in/);
    expect(rerun.json?.title).to.match(/\(\d+ transactions sent/);
    const rows = (rerun.json as unknown as { rows: { holder: string; amount: string; payments: number }[] }).rows;
    expect(rows.length).to.equal(60);
    expect(rows.map((r) => r.holder)).to.include(skipped);
    expect(
      rows.every((r) => r.payments === 1),
      "each holder paid once",
    ).to.equal(true);
    const summary = rerun.json?.summary as Record<string, string>;
    // 0.9% a year, half a year on ¥91,450,000 of face.
    expect(summary["coupon 1: due"]).to.equal(String((91_450_000n * 9000n) / 2_000_000n));
    expect(rows.reduce((sum, r) => sum + BigInt(r.amount), 0n)).to.equal(BigInt(summary["coupon 1: paid"]));
    expect(summary["coupon 1: paid"]).to.equal(summary["coupon 1: due"]);
    expect(summary["coupon 1: missed holders paid"]).to.equal(1);
    // Rows are read from the cash transfers: batches sent before the kill plus the rerun's.
    expect(record.series.JGB400.token).to.match(/^0x/);
    // Nothing more is due: a further run is refused before sending.
    await refused(["coupon:pay", "--series", "JGB400"], /coupon 2 of JGB400 is not due/);
  });

  it("bond:redeem: refused before maturity; a discount bill redeemed at maturity; cpi:publish skips what is published", async () => {
    await refused(
      ["bond:redeem", "--series", "JGB400"],
      /JGB400 has coupons outstanding \(1 of 21 paid\): run coupon:pay first/,
    );
    const now = dayOfUnix(await chainTime(chain));
    const bill = await run([
      "bond:create",
      "--kind",
      "DiscountBill",
      "--symbol",
      "TB1300",
      "--isin",
      isin("JP1741300Q1"),
      "--issuer-name",
      "Ministry of Finance Japan",
      "--issue-date",
      formatDate(now),
      "--maturity-date",
      formatDate(now + 91),
      "--volume",
      "500000000",
      "--funder",
      FUNDER,
    ]);
    expect(bill.code, bill.stderr).to.equal(0);
    // A mint killed between sending and recording: the record names the transaction (nonce, calldata)
    // but not the lines it minted. The rerun finds it mined and sends only the rest.
    const file = path.join(dir, "bill.csv");
    const text = holders
      .slice(0, 7)
      .map((h) => `${h},100000`)
      .join("\n");
    fs.writeFileSync(file, text);
    const token = recordOf(dir).series.TB1300.token;
    const data = new Interface(["function mint(address to, uint256 amount)"]).encodeFunctionData("mint", [
      holders[0],
      100_000n,
    ]);
    const nonce = await nonceOf(chain, OWNER);
    const block = await blockNumber(chain);
    const key = `mint:TB1300:file:${createHash("sha256").update(text).digest("hex").slice(0, 16)}`;
    const record = recordOf(dir);
    record.operations[key] = { pending: { from: OWNER, nonce, to: token, data, block } };
    fs.writeFileSync(path.join(dir, "localhost.json"), JSON.stringify(record));
    await sendFrom(chain, OWNER, token, data);
    const minted = await run(["token:mint", "--series", "TB1300", "--file", file, "--batch", "1", "--json"]);
    expect(minted.code, minted.stdout + minted.stderr).to.equal(0);
    expect(minted.json?.title).to.contain("6 transaction(s) sent, 1 found mined from an earlier run");
    expect(minted.json?.summary).to.include({ totalSupply: "700000" });
    await refused(["bond:redeem", "--series", "TB1300"], /TB1300 is redeemed on \S+, the chain's date is/);
    await increaseTime(chain, jstMidnight(now + 92) - (await chainTime(chain)));
    const redeemed = await run(["bond:redeem", "--series", "TB1300", "--batch", "3", "--json"]);
    expect(redeemed.code, redeemed.stdout + redeemed.stderr).to.equal(0);
    const rows = (redeemed.json as unknown as { rows: { amount: string; payments: number }[] }).rows;
    expect(rows.map((r) => r.amount)).to.deep.equal(Array(7).fill("100000"));
    await refused(["bond:redeem", "--series", "TB1300"], "TB1300 is already redeemed");

    const published = await run([
      "cpi:publish",
      "--dates",
      "2026-01-01,2026-01-02",
      "--values",
      "101.7,101.8",
      "--json",
    ]);
    expect(published.code, published.stderr).to.equal(0);
    const sent = await nonceOf(chain, OWNER);
    const again = await run(["cpi:publish", "--dates", "2026-01-01,2026-01-02", "--values", "101.7,101.8", "--json"]);
    expect(again.json?.title).to.equal("0 CPI value(s) published, 2 already there");
    await refused(
      ["cpi:publish", "--dates", "2026-01-01", "--values", "99"],
      "2026-01-01 is already published as 101700",
    );
    expect(await nonceOf(chain, OWNER)).to.equal(sent);
  });
});

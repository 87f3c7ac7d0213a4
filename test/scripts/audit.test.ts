import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { parse } from "csv-parse/sync";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  type AuditInput,
  buildAuditReport,
  parseAuditJson,
  renderCsv,
  renderJson,
  renderMarkdown,
  renderMarkdownSummary,
  writeAuditReport,
} from "../../scripts/lib/audit";
import { createBond, payRun } from "../../scripts/lib/bonds";
import { enablePledging, price } from "../../scripts/lib/collateral";
import { ROLES, TOPICS } from "../../scripts/lib/constants";
import { claimId } from "../../scripts/lib/onchainid";
import { withBondHoldersFixture } from "../fixtures/bond.fixture";
import { deploySuiteFixture } from "../fixtures/suite.fixture";
import { configureModule } from "../helpers/compliance-fixtures";
import { affirmed, dvpFixture, makeTrade, START_CASH } from "../settlement/dvp-fixtures";
import { withCollateralFixture } from "../fixtures/collateral.fixture";
import { addYears, dayOfUnix, jstMidnight, nextBusinessDay } from "../fixtures/dates";

/**
 * A clean bond market: alice, bob and carol hold the JGB (10m, 5m, 2.5m face), everyone holds yen cash,
 * and the first coupon has been paid to all three.
 */
async function cleanMarketFixture() {
  const c = await loadFixture(withBondHoldersFixture);
  const { bond, market, accounts } = c;
  const bondAddress = await bond.getAddress();
  const [, payment] = await bond.couponDate(0);
  await time.increaseTo(jstMidnight(Number(payment)) + 9 * 3600);
  await market.payingAgent.connect(accounts.owner).openCoupon(bondAddress, 0);
  await payRun(market, accounts.owner, bondAddress, [accounts.alice.address, accounts.bob.address, accounts.carol.address]);
  const { alice, bob, carol, mof, agent, registrar } = accounts;
  const input: AuditInput = {
    identityRegistry: await c.suite.identityRegistry.getAddress(),
    series: [bondAddress, await market.cash.getAddress()],
    payingAgent: await market.payingAgent.getAddress(),
    factories: [await market.bondFactory.getAddress(), await c.suite.factory.getAddress()],
    knownAccounts: { [alice.address]: "alice", [bob.address]: "bob", [carol.address]: "carol", [mof.address]: "MOF", [agent.address]: "agent", [registrar.address]: "registrar" },
  };
  return { ...c, bondAddress, input };
}

describe("scripts/lib/audit", () => {
  describe("buildAuditReport on a clean market", () => {
    it("has no findings", async () => {
      const c = await loadFixture(cleanMarketFixture);
      const report = await buildAuditReport(ethers, c.input);
      expect(report.findings).to.deep.equal([]);
    });

    it("lists each series with its terms, state and every holder with identity, country and balances", async () => {
      const c = await loadFixture(cleanMarketFixture);
      const report = await buildAuditReport(ethers, c.input);
      const [jgb, cash] = report.series;
      expect(jgb.symbol).to.equal("JGB381");
      expect(jgb.bond?.isin).to.equal("JP1103751Q17");
      expect(jgb.bond?.kind).to.equal("FixedRateJgb");
      expect(jgb.bond?.denomination).to.equal(50_000n);
      expect(jgb.bond?.couponRate).to.equal(12_000);
      expect(jgb.bond?.couponFrequency).to.equal(2);
      expect(jgb.bond?.couponsPaid).to.equal(1);
      expect(jgb.bond?.schedule.length).to.equal(Number(await c.bond.couponCount()));
      expect(jgb.balanceLock).to.equal("None");
      expect(cash.symbol).to.equal("JPYD");
      expect(cash.bond).to.equal(null);
      const jgbHolders = report.holders.filter((h) => h.series === c.bondAddress);
      expect(jgbHolders.map((h) => [h.label, h.balance, h.verified, h.countryName])).to.have.deep.members([
        ["alice", 10_000_000n, true, "JP"],
        ["bob", 5_000_000n, true, "JP"],
        ["carol", 2_500_000n, true, "JP"],
      ]);
      const alice = jgbHolders.find((h) => h.label === "alice")!;
      expect(alice.identity).to.equal(await c.investors.alice.identity.getAddress());
      expect(report.holders.filter((h) => h.series === cash.address).map((h) => h.label)).to.include.members(["MOF", "alice", "bob", "carol"]);
    });

    it("reconciles supplies and the coupon against floor(outstanding x ratio)", async () => {
      const c = await loadFixture(cleanMarketFixture);
      const report = await buildAuditReport(ethers, c.input);
      expect(report.supply.every((s) => s.reconciled && s.sumBalances === s.totalSupply)).to.equal(true);
      expect(report.payments).to.have.length(1);
      const [run] = report.payments;
      // 17.5m face x 1.2% / 2 = 105,000
      expect(run).to.include({ kind: "Coupon", period: 0, status: "Completed", recordFace: 17_500_000n, due: 105_000n, entitlement: 105_000n, paid: 105_000n, toPledgeAgent: 0n, reportedPaid: 105_000n, facePaidOn: 17_500_000n, reconciled: true });
    });

    it("lists the compliance modules with their settings and the roles in force", async () => {
      const c = await loadFixture(cleanMarketFixture);
      const report = await buildAuditReport(ethers, c.input);
      const denomination = report.modules.find((m) => m.series === c.bondAddress && m.name === "DenominationModule");
      expect(denomination?.settings).to.deep.equal({ unit: "50000", minimumHolding: "50000" });
      const held = (contract: string, role: string, account: string) =>
        report.roles.some((r) => r.contract === contract && r.role === role && r.account === account);
      expect(held(c.bondAddress, "SUPPLY_AGENT", c.accounts.agent.address)).to.equal(true);
      expect(held(c.bondAddress, "PAYING_AGENT", c.input.payingAgent!)).to.equal(true);
      expect(held(c.input.identityRegistry, "REGISTRAR_AGENT", c.accounts.registrar.address)).to.equal(true);
      expect(held(c.input.factories![0], "SERIES_DEPLOYER", c.accounts.owner.address)).to.equal(true);
      expect(held(c.input.identityRegistry, "DEFAULT_ADMIN", c.accounts.owner.address)).to.equal(true);
      expect(report.roles.every((r) => r.role !== ROLES.SUPPLY_AGENT)).to.equal(true); // names, not ids
    });
  });

  describe("findings", () => {
    it("a holder whose KYC claim was revoked is exactly one finding, naming every series it holds", async () => {
      const c = await loadFixture(cleanMarketFixture);
      const { identity } = c.investors.alice;
      const [, , , signature] = await identity.getClaim(claimId(await c.kyc.issuer.getAddress(), TOPICS.KYC));
      await c.kyc.issuer.connect(c.accounts.kycKey).revokeClaimBySignature(signature);
      const report = await buildAuditReport(ethers, c.input);
      expect(report.findings).to.have.length(1);
      const [finding] = report.findings;
      expect(finding).to.include({ severity: "error", code: "UNVERIFIED_HOLDER", account: c.accounts.alice.address });
      expect(finding.series).to.have.members(c.input.series);
      expect(report.holders.filter((h) => h.holder === c.accounts.alice.address).every((h) => !h.verified)).to.equal(true);
    });

    it("more investors than a MaxHolders cap allows is a finding", async () => {
      const c = await loadFixture(deploySuiteFixture);
      const { owner, agent, alice, bob } = c.accounts;
      await c.compliance.connect(owner).addModule(await c.suite.modules.maxHolders.getAddress());
      await configureModule(c.compliance, owner, c.suite.modules.maxHolders, "setMaxHolders", [5n]);
      await c.token.connect(agent).mint(alice.address, 100n);
      await c.token.connect(agent).mint(bob.address, 100n);
      const input = { identityRegistry: await c.suite.identityRegistry.getAddress(), series: [await c.token.getAddress()] };
      expect((await buildAuditReport(ethers, input)).findings).to.deep.equal([]);
      await configureModule(c.compliance, owner, c.suite.modules.maxHolders, "setMaxHolders", [1n]);
      const report = await buildAuditReport(ethers, input);
      expect(report.findings.map((f) => f.code)).to.deep.equal(["MAX_HOLDERS_EXCEEDED"]);
      expect(report.modules[0].settings).to.deep.equal({ maxHolders: "1", holderCount: "2" });
    });
  });

  describe("collateral", () => {
    it("a redemption of pledged units reconciles: the pledge agent's principal counts as paid", async () => {
      const c = await loadFixture(withCollateralFixture);
      const { market, escrow, priceFeed, accounts, jscc, baseOptions } = c;
      const { owner, agent, alice, mof } = accounts;
      const today = dayOfUnix(await time.latest());
      const { bond: bill } = await createBond(market, owner, {
        ...baseOptions,
        kind: "DiscountBill",
        name: "T-Bill 1Y #1301",
        symbol: "TB1301",
        isin: "JP1741234L16",
        maturityDate: addYears(today, 1),
        couponRate: 0,
        issueVolume: 4_000_000_000_000n,
      });
      const billAddress = await bill.getAddress();
      await market.payingAgent.connect(owner).setFunder(billAddress, mof.address);
      await enablePledging(bill, owner, await escrow.getAddress());
      await bill.connect(agent).mint(alice.address, 3_000_000n);
      await priceFeed.publish([billAddress], [price("99.9")], [await time.latest()]);
      await escrow.connect(jscc).setEligible(billAddress, true);
      await escrow.connect(alice).pledge(jscc.address, billAddress, 1_000_000n);
      const input: AuditInput = {
        identityRegistry: await c.suite.identityRegistry.getAddress(),
        series: [await c.bond.getAddress(), billAddress, await market.cash.getAddress()],
        payingAgent: await market.payingAgent.getAddress(),
        escrow: await escrow.getAddress(),
      };
      const before = await buildAuditReport(ethers, input);
      expect(before.collateral).to.have.length(1);
      expect(before.collateral[0]).to.include({ pledgor: alice.address, securedParty: jscc.address, status: "Active", requirement: 9_000_000n });
      expect(before.holders.find((h) => h.series === billAddress)?.pledged).to.equal(1_000_000n);
      // alice's ¥9m requirement is not covered by ¥1m of bills: the only finding
      expect(before.findings.map((f) => f.code)).to.deep.equal(["COLLATERAL_SHORT"]);

      await time.increaseTo(jstMidnight(nextBusinessDay(addYears(today, 1))) + 9 * 3600);
      await market.payingAgent.connect(owner).openRedemption(billAddress);
      await payRun(market, owner, billAddress, [alice.address]);
      const after = await buildAuditReport(ethers, input);
      const run = after.payments.find((p) => p.series === billAddress)!;
      expect(run).to.include({ kind: "Redemption", status: "Completed", due: 3_000_000n, paid: 3_000_000n, toPledgeAgent: 1_000_000n, reportedPaid: 3_000_000n, reconciled: true });
      expect(after.collateral[0].cashCollateral).to.equal(1_000_000n);
      expect(after.findings.map((f) => f.code)).to.deep.equal(["COLLATERAL_SHORT"]);
    });
  });

  describe("refusal statistics", () => {
    it("counts DvP batch failures by the token's error, and settlements", async () => {
      const c = await loadFixture(dvpFixture);
      const { alice, charlie } = c.accounts;
      const good = await makeTrade(c, { nonce: 1n });
      const short = await makeTrade(c, { seller: alice.address, buyer: charlie.address, cashAmount: START_CASH + 1n, nonce: 2n });
      for (const t of [good, short]) await affirmed(c, t);
      await time.increaseTo(good.settleAfter);
      await c.dvp.settleBatch([good, short]);
      const report = await buildAuditReport(ethers, {
        identityRegistry: await c.suite.identityRegistry.getAddress(),
        series: [await c.bond.getAddress(), await c.cash.getAddress()],
        dvp: await c.dvp.getAddress(),
      });
      const rows = report.refusals.map((r) => [r.event, r.detail, r.count]);
      expect(rows).to.have.deep.members([
        ["TradeSettled", "settled", 1],
        ["TradeSettlementFailed", "TokenInsufficientFreeBalance", 1],
      ]);
      expect(report.refusalNotes[0]).to.match(/reverts: the chain keeps no event/);
      expect(report.roles.some((r) => r.role === "SETTLEMENT_AGENT" && r.account === c.accounts.settlementAgent.address)).to.equal(true);
    });
  });

  describe("renderers", () => {
    it("Markdown has the summary, a holder row per position and the findings", async () => {
      const c = await loadFixture(cleanMarketFixture);
      const report = await buildAuditReport(ethers, c.input);
      const md = renderMarkdown(report);
      expect(md).to.contain(renderMarkdownSummary(report));
      expect(md).to.contain("- Findings: 0 error(s), 0 warning(s)");
      expect(md).to.contain("- Supply reconciliation: 2 of 2 series reconcile");
      expect(md).to.contain(`| JGB381 | alice \`${c.accounts.alice.address}\` | \`${await c.investors.alice.identity.getAddress()}\` | JP (392) |  | yes | 10,000,000 | 0 | 0 |`);
      expect(md).to.contain("| JGB381 | coupon 1 | Completed | 17,500,000 | 105,000 | 105,000 | 105,000 | 0 | 17,500,000 | 1 | yes |");
      expect(md).to.match(/## Findings\n\n_none_/);
    });

    it("CSV tables hold the expected rows, amounts as plain integers", async () => {
      const c = await loadFixture(cleanMarketFixture);
      const report = await buildAuditReport(ethers, c.input);
      const files = renderCsv(report);
      const holders = parse(files["holders.csv"], { columns: true }) as Record<string, string>[];
      expect(holders).to.have.length(report.holders.length);
      expect(holders.find((h) => h.symbol === "JGB381" && h.label === "bob")).to.include({
        holder: c.accounts.bob.address,
        balance: "5000000",
        verified: "true",
        country: "392",
      });
      const payments = parse(files["payments.csv"], { columns: true }) as Record<string, string>[];
      expect(payments).to.deep.equal([
        { series: c.bondAddress, symbol: "JGB381", kind: "Coupon", period: "0", status: "Completed", recordFace: "17500000", due: "105000", entitlement: "105000", paid: "105000", toPledgeAgent: "0", reportedPaid: "105000", facePaidOn: "17500000", batches: "1", reconciled: "true" },
      ]);
      expect(parse(files["findings.csv"], { columns: true })).to.deep.equal([]);
      expect(files["findings.csv"].split("\n")[0]).to.equal("severity,code,series,account,message");
    });

    it("JSON carries bigints as decimal strings and round-trips", async () => {
      const c = await loadFixture(cleanMarketFixture);
      const report = await buildAuditReport(ethers, c.input);
      const json = renderJson(report);
      const plain = JSON.parse(json);
      expect(plain.series[0].totalSupply).to.equal("17500000");
      expect(plain.payments[0].due).to.equal("105000");
      const back = parseAuditJson(json);
      expect(back).to.deep.equal(report);
      expect(renderJson(back)).to.equal(json);
    });

    it("writeAuditReport writes Markdown, JSON and the CSV tables", async () => {
      const c = await loadFixture(cleanMarketFixture);
      const report = await buildAuditReport(ethers, c.input);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kosai-audit-"));
      try {
        const written = writeAuditReport(report, dir).map((f) => path.basename(f));
        expect(written).to.include.members(["audit.md", "audit.json", "holders.csv", "supply.csv", "payments.csv", "roles.csv", "findings.csv"]);
        expect(parseAuditJson(fs.readFileSync(path.join(dir, "audit.json"), "utf8"))).to.deep.equal(report);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

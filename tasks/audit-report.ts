/**
 * audit:report — reads the market from the chain and writes the compliance audit report (Markdown, JSON,
 * CSV): every series and its terms, every holder with identity, country, municipality, verification,
 * balance, frozen and pledged units, supply and payment reconciliation, compliance modules and their
 * settings, role holders, refusal statistics, collateral accounts, and findings (anything that breaks a
 * rule). The series, paying agent, escrow, DvP and offering come from the deployment record.
 */
import path from "node:path";
import { z } from "zod";
import { operation } from "./lib/cli";
import * as s from "./lib/schemas";

operation({
  name: "audit:report",
  description: "Writes the compliance audit report (Markdown, JSON, CSV) from the chain; prints the findings",
  params: {
    out: { description: "output folder (default audit/<network>)" },
    fromBlock: { description: "first block whose events are read (default 0)" },
    failOnFindings: { description: "exit 1 when the report has an error finding (for monitoring jobs)", flag: true },
  },
  schema: z.object({
    out: z.string().trim().min(1).optional(),
    fromBlock: s.integer(0, Number.MAX_SAFE_INTEGER).optional(),
    failOnFindings: z.boolean().default(false),
  }),
  sends: false,
  async run(args, ctx) {
    const { buildAuditReport, writeAuditReport } = await import("../scripts/lib/audit");
    const store = await ctx.store();
    const { record } = store;
    const labels: Record<string, string> = {};
    for (const [name, address] of Object.entries(record.contracts)) labels[address] = name;
    for (const [label, address] of Object.entries(record.accounts)) labels[address] = labels[address] ?? label;
    for (const [wallet, investor] of Object.entries(record.investors)) labels[wallet] = investor.label ?? "investor";
    const optional = (name: string) => record.contracts[name];
    const report = await buildAuditReport(ctx.hre.ethers, {
      identityRegistry: store.contract("identityRegistry"),
      series: Object.values(record.series).map((series) => series.token),
      payingAgent: optional("payingAgent"),
      escrow: optional("escrow"),
      dvp: optional("dvp"),
      offerings: optional("offering") ? [optional("offering")] : [],
      factories: [optional("seriesFactory"), optional("bondFactory")].filter((a): a is string => a !== undefined),
      fromBlock: args.fromBlock,
      knownAccounts: labels,
    });
    const dir = path.resolve(args.out ?? path.join("audit", record.network));
    const files = writeAuditReport(report, dir);
    const errors = report.findings.filter((f) => f.severity === "error").length;
    if (args.failOnFindings && errors > 0) process.exitCode = 1;
    return {
      title: `Audit of ${record.network} at block ${report.block}: ${errors} error(s), ${report.findings.length - errors} warning(s)`,
      summary: {
        series: report.series.length,
        positions: report.holders.length,
        "supply reconciled": `${report.supply.filter((r) => r.reconciled).length}/${report.supply.length}`,
        "payment runs reconciled": `${report.payments.filter((r) => r.reconciled).length}/${report.payments.length}`,
        "compliance modules": report.modules.length,
        "role grants": report.roles.length,
        "collateral accounts": report.collateral.length,
      },
      rows: report.findings.map((f) => ({
        severity: f.severity,
        code: f.code,
        account: f.account,
        message: f.message,
      })),
      files,
    };
  },
});

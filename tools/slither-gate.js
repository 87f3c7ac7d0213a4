// Reads slither-report.json and fails on any high or medium finding that tools/slither-triage.json
// does not explain. A triage entry names the detector and the contract (and optionally the function)
// and says why the finding is accepted; nothing is silenced globally.
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const reportFile = path.join(root, "slither-report.json");
if (!fs.existsSync(reportFile)) {
  console.error("slither produced no report:");
  console.error(fs.existsSync(path.join(root, "slither.log")) ? fs.readFileSync(path.join(root, "slither.log"), "utf8").slice(-3000) : "");
  process.exit(2);
}
const report = JSON.parse(fs.readFileSync(reportFile, "utf8"));
const triage = JSON.parse(fs.readFileSync(path.join(__dirname, "slither-triage.json"), "utf8"));

if (!report.success) {
  console.error(`slither failed: ${report.error}`);
  console.error(fs.existsSync(path.join(root, "slither.log")) ? fs.readFileSync(path.join(root, "slither.log"), "utf8").slice(-3000) : "");
  process.exit(2);
}

const findings = (report.results?.detectors ?? []).filter((d) => d.impact === "High" || d.impact === "Medium");

function scope(finding) {
  const element = finding.elements?.find((e) => e.type === "function") ?? finding.elements?.[0];
  if (!element) return {};
  if (element.type === "function") return { contract: element.type_specific_fields?.parent?.name, fn: element.name };
  const parent = element.type_specific_fields?.parent;
  if (parent?.type === "function") {
    return { contract: parent.type_specific_fields?.parent?.name, fn: parent.name };
  }
  return { contract: parent?.name ?? element.name, fn: undefined };
}

let untriaged = 0;
const used = new Set();
for (const finding of findings) {
  const { contract, fn } = scope(finding);
  const entry = triage.accepted.findIndex(
    (t) => t.check === finding.check && t.contract === contract && (t.function === undefined || t.function === fn),
  );
  const where = `${contract}${fn ? `.${fn}` : ""}`;
  if (entry >= 0) {
    used.add(entry);
    console.log(`accepted  ${finding.impact.padEnd(6)} ${finding.check} in ${where}: ${triage.accepted[entry].reason}`);
  } else {
    untriaged++;
    console.log(`UNTRIAGED ${finding.impact.padEnd(6)} ${finding.check} in ${where}\n  ${finding.description.trim().split("\n")[0]}`);
  }
}
triage.accepted.forEach((t, i) => {
  if (!used.has(i)) console.log(`stale triage entry (no longer reported): ${t.check} in ${t.contract}${t.function ? `.${t.function}` : ""}`);
});
console.log(`slither: ${findings.length} high/medium findings, ${untriaged} untriaged`);
process.exit(untriaged === 0 ? 0 : 1);

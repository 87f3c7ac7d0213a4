// Fails when solidity-coverage's totals fall below the gate (issue 6): 95% of lines, 90% of branches
// of contracts/ (mocks excluded by .solcover.js). Run after `npm run coverage`.
const fs = require("node:fs");
const path = require("node:path");

const GATE = { lines: 95, branches: 90 };
const file = path.join(__dirname, "..", "coverage", "coverage-summary.json");
if (!fs.existsSync(file)) {
  console.error(`coverage gate: ${file} not found; run \`npm run coverage\` first`);
  process.exit(2);
}
const summary = JSON.parse(fs.readFileSync(file, "utf8"));
const { total } = summary;
let failed = false;
for (const [metric, minimum] of Object.entries(GATE)) {
  const pct = total[metric].pct;
  const ok = pct >= minimum;
  failed ||= !ok;
  console.log(`coverage gate: ${metric} ${pct}% (minimum ${minimum}%) ${ok ? "ok" : "FAIL"}`);
}
if (failed) {
  const weakest = Object.entries(summary)
    .filter(([name]) => name !== "total")
    .map(([name, m]) => ({ name: path.relative(process.cwd(), name), lines: m.lines.pct, branches: m.branches.pct }))
    .filter((m) => m.lines < GATE.lines || m.branches < GATE.branches)
    .sort((a, b) => a.branches - b.branches);
  for (const m of weakest) console.log(`  below gate: ${m.name} lines ${m.lines}% branches ${m.branches}%`);
  process.exit(1);
}

#!/usr/bin/env bash
# Static analysis with Slither on Hardhat's own build output (no native solc needed).
# Installs slither-analyzer (pinned) into .venv on first use, compiles, runs Slither, and fails on any
# high or medium finding not listed in tools/slither-triage.json.
set -euo pipefail
cd "$(dirname "$0")/.."
SLITHER_VERSION="0.11.3"
if [ ! -x .venv/bin/slither ]; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "slither-analyzer==${SLITHER_VERSION}"
fi
# A clean build: partial recompiles leave older build-info files that would be analysed too.
npx hardhat clean
npx hardhat compile --quiet
# Slither will not overwrite an existing report: remove it, or the gate would read a stale one.
rm -f slither-report.json slither.log
.venv/bin/slither . --hardhat-ignore-compile \
  --filter-paths "node_modules|contracts/mocks" \
  --exclude-informational --exclude-optimization --exclude-low \
  --json slither-report.json > /dev/null 2>slither.log || true
node tools/slither-gate.js

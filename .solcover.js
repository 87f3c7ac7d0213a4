// solidity-coverage: test-only contracts are not measured; the summary feeds scripts/coverage-gate.js.
module.exports = {
  skipFiles: ["mocks/"],
  configureYulOptimizer: true,
  istanbulReporter: ["text", "json-summary", "lcov"],
};

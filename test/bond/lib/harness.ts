import hre, { ethers } from "hardhat";

/** Deploys the test-only harness that exposes every bond library function as an external pure function. */
export async function deployBondLibHarnessFixture() {
  const harness = await (await ethers.getContractFactory("BondLibHarness")).deploy();
  await harness.waitForDeployment();
  return { harness };
}

/**
 * True under solidity-coverage: instrumented code costs more gas (gas budgets do not apply) and runs many
 * times slower (exhaustive walks sample).
 */
export const UNDER_COVERAGE =
  (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true;

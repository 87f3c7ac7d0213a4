import { expect } from "chai";
import {
  accountGas,
  calldataGas,
  COLD_ACCOUNT,
  COLD_SLOAD,
  WARM_ACCESS,
  type TraceStep,
} from "../../scripts/lib/gas-accounting";

const FROM = "0x1000000000000000000000000000000000000001";
const TOKEN = "0x2000000000000000000000000000000000000002";
const IMPLEMENTATION = "0x3000000000000000000000000000000000000003";
const REGISTRY = "0x4000000000000000000000000000000000000004";
const COINBASE = "0x5000000000000000000000000000000000000005";

/** A stack word as the trace prints it (hex, no prefix, 64 digits). */
function word(value: string | bigint): string {
  return BigInt(value).toString(16).padStart(64, "0");
}

function step(op: string, depth: number, stack: string[] = [], gasCost = 3): TraceStep {
  return { op, depth, stack, gasCost, gas: 1_000_000 };
}

/**
 * A proxy transfer in miniature: the proxy reads slot 1 twice, delegates to its implementation (which reads
 * the same slot in the proxy's storage), which calls the registry (its own slot 1), logs and writes.
 */
const STEPS: TraceStep[] = [
  step("SLOAD", 1, [word(1n)]),
  step("SLOAD", 1, [word(1n)]),
  step("DELEGATECALL", 1, [word(0n), word(0n), word(0n), word(0n), word(IMPLEMENTATION), word(50_000n)]),
  step("SLOAD", 2, [word(1n)]),
  step("STATICCALL", 2, [word(0n), word(0n), word(0n), word(0n), word(REGISTRY), word(20_000n)]),
  step("SLOAD", 3, [word(1n)]),
  step("STATICCALL", 3, [word(0n), word(0n), word(0n), word(0n), word(TOKEN), word(1_000n)]),
  step("STOP", 4),
  step("STOP", 3),
  step("LOG1", 2, [], 750),
  step("SSTORE", 2, [word(0n), word(1n)], 2_900),
  step("EXTCODESIZE", 2, [word(REGISTRY)]),
  step("STOP", 2),
  step("STOP", 1),
];

describe("scripts/lib/gas-accounting", () => {
  describe("calldataGas()", () => {
    it("charges 4 per zero byte and 16 per other byte (EIP-2028)", () => {
      expect(calldataGas("0x")).to.equal(0);
      expect(calldataGas("0x0001ff00")).to.equal(4 + 16 + 16 + 4);
    });
  });

  describe("accountGas()", () => {
    const gasUsed = 40_000;
    const accounting = accountGas({ gasUsed, from: FROM, to: TOKEN, data: "0x00ff", coinbase: COINBASE, steps: STEPS });

    it("counts an account cold once; sender, recipient and repeated targets are warm", () => {
      expect(accounting.cold.filter((c) => c.kind === "account").map((c) => c.address)).to.deep.equal([
        IMPLEMENTATION,
        REGISTRY,
      ]);
      expect(accounting.coldAccounts).to.equal(2 * COLD_ACCOUNT);
    });

    it("keeps the caller's storage under DELEGATECALL and enters the target's under STATICCALL", () => {
      const slots = accounting.cold.filter((c) => c.kind === "slot" && c.op === "SLOAD").map((c) => c.address);
      // slot 1 of the token (cold once, then warm from the implementation), slot 1 of the registry
      expect(slots).to.deep.equal([TOKEN, REGISTRY]);
      expect(accounting.coldSlots).to.equal(2 * COLD_SLOAD);
      // the second token read, the implementation's read of the same slot, the call back into the token,
      // and the registry's EXTCODESIZE
      expect(accounting.warmAccesses).to.equal(4 * WARM_ACCESS);
    });

    it("takes writes and logs at the trace's cost, and the parts add up to gasUsed", () => {
      expect(accounting.storageWrites).to.equal(2_900);
      expect(accounting.logs).to.equal(750);
      expect(accounting.calldata).to.equal(20);
      const parts =
        accounting.intrinsic +
        accounting.calldata +
        accounting.coldAccounts +
        accounting.coldSlots +
        accounting.warmAccesses +
        accounting.storageWrites +
        accounting.logs +
        accounting.computation;
      expect(parts).to.equal(gasUsed);
      expect(accounting.computation).to.equal(gasUsed - 21_000 - 20 - 5_200 - 4_200 - 400 - 2_900 - 750);
    });
  });
});

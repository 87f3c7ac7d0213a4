import { expect } from "chai";
import fc from "fast-check";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { TOPICS } from "../../scripts/lib/constants";
import { claimId } from "../../scripts/lib/onchainid";
import { reverts } from "../helpers/errors";
import { withSecondWalletFixture } from "../fixtures/suite.fixture";

/**
 * Invariants of the token under random sequences of every kind of operation, including refused ones:
 * - total supply equals the sum of balances;
 * - no wallet without a verified identity ever receives units;
 * - frozen units never leave a wallet (only a recovery carries them, still frozen, to the new wallet);
 * - a refused operation changes nothing.
 */

/** alice, bob, charlie verified; dave registered as alice's second wallet; eve never registered. */
const propertyFixture = withSecondWalletFixture;

type Context = Awaited<ReturnType<typeof propertyFixture>>;

const WALLETS = 5; // alice, bob, charlie, dave, eve
const INVESTORS = 3; // alice, bob, charlie (dave shares alice's identity)

const amount = fc.integer({ min: 0, max: 1_200 }).map(BigInt);
const wallet = fc.integer({ min: 0, max: WALLETS - 1 });
const investor = fc.integer({ min: 0, max: INVESTORS - 1 });

const operation = fc.oneof(
  fc.record({ kind: fc.constant("mint" as const), to: wallet, amount }),
  fc.record({ kind: fc.constant("transfer" as const), from: wallet, to: wallet, amount }),
  fc.record({ kind: fc.constant("forcedTransfer" as const), from: wallet, to: wallet, amount }),
  fc.record({ kind: fc.constant("burn" as const), from: wallet, amount }),
  fc.record({ kind: fc.constant("freezeWallet" as const), who: wallet, frozen: fc.boolean() }),
  fc.record({ kind: fc.constant("freezePartial" as const), who: wallet, amount }),
  fc.record({ kind: fc.constant("unfreezePartial" as const), who: wallet, amount }),
  fc.record({ kind: fc.constant("recover" as const), fromAlice: fc.boolean() }),
  fc.record({ kind: fc.constant("pause" as const), on: fc.boolean() }),
  fc.record({ kind: fc.constant("deleteIdentity" as const), who: investor }),
  fc.record({ kind: fc.constant("revokeClaim" as const), who: investor }),
);
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

function walletsOf(c: Context) {
  const { alice, bob, charlie, dave, eve } = c.accounts;
  return [alice, bob, charlie, dave, eve];
}

async function snapshot(c: Context) {
  const wallets = walletsOf(c);
  return {
    supply: await c.token.totalSupply(),
    paused: await c.token.paused(),
    balances: await Promise.all(wallets.map((w) => c.token.balanceOf(w.address))),
    frozen: await Promise.all(wallets.map((w) => c.token.getFrozenTokens(w.address))),
    walletFrozen: await Promise.all(wallets.map((w) => c.token.isFrozen(w.address))),
    verified: await Promise.all(wallets.map((w) => c.suite.identityRegistry.isVerified(w.address))),
  };
}

/** Runs one operation; returns false when the chain refused it. */
async function apply(c: Context, op: Operation): Promise<boolean> {
  const w = walletsOf(c);
  const { agent, registrar } = c.accounts;
  const investors = [c.investors.alice, c.investors.bob, c.investors.charlie];
  const run = async (fn: () => Promise<unknown>) => !(await reverts(fn));
  switch (op.kind) {
    case "mint":
      return run(() => c.token.connect(agent).mint(w[op.to].address, op.amount));
    case "transfer":
      return run(() => c.token.connect(w[op.from]).transfer(w[op.to].address, op.amount));
    case "forcedTransfer":
      return run(() => c.token.connect(agent).forcedTransfer(w[op.from].address, w[op.to].address, op.amount));
    case "burn":
      return run(() => c.token.connect(agent).burn(w[op.from].address, op.amount));
    case "freezeWallet":
      return run(() => c.token.connect(agent).setAddressFrozen(w[op.who].address, op.frozen));
    case "freezePartial":
      return run(() => c.token.connect(agent).freezePartialTokens(w[op.who].address, op.amount));
    case "unfreezePartial":
      return run(() => c.token.connect(agent).unfreezePartialTokens(w[op.who].address, op.amount));
    case "recover": {
      const [lost, fresh] = op.fromAlice ? [w[0], w[3]] : [w[3], w[0]];
      const identity = await c.investors.alice.identity.getAddress();
      return run(() => c.token.connect(agent).recoveryAddress(lost.address, fresh.address, identity));
    }
    case "pause":
      return run(() => (op.on ? c.token.connect(agent).pause() : c.token.connect(agent).unpause()));
    case "deleteIdentity":
      return run(() => c.suite.identityRegistry.connect(registrar).deleteIdentity(w[op.who].address));
    case "revokeClaim": {
      const identity = investors[op.who].identity;
      const [, , , signature] = await identity.getClaim(claimId(await c.kyc.issuer.getAddress(), TOPICS.KYC));
      return run(() => c.kyc.issuer.connect(c.kyc.key).revokeClaimBySignature(signature));
    }
  }
}

describe("SecurityToken properties", () => {
  it("hold after every step of random operation sequences", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 20 }), async (ops) => {
        const c = await loadFixture(propertyFixture);
        let before = await snapshot(c);
        for (const op of ops) {
          const accepted = await apply(c, op);
          const after = await snapshot(c);
          const sum = after.balances.reduce((a, b) => a + b, 0n);
          expect(after.supply, "supply = sum of balances").to.equal(sum);
          if (!accepted) {
            expect(after, `refused ${JSON.stringify(op, (_, v) => (typeof v === "bigint" ? v.toString() : v))} changed state`).to.deep.equal(before);
          }
          for (let i = 0; i < WALLETS; i++) {
            if (after.balances[i] > before.balances[i]) {
              expect(before.verified[i], `wallet ${i} received while unverified (${op.kind})`).to.equal(true);
            }
            expect(after.frozen[i] <= after.balances[i], `wallet ${i} frozen exceeds balance`).to.equal(true);
            const frozenMayChange = op.kind === "freezePartial" || op.kind === "unfreezePartial" || op.kind === "recover";
            if (!frozenMayChange) {
              expect(after.frozen[i], `frozen units of wallet ${i} changed by ${op.kind}`).to.equal(before.frozen[i]);
            }
            if (op.kind !== "recover" && op.kind !== "unfreezePartial") {
              expect(after.balances[i] >= before.frozen[i], `frozen units left wallet ${i} by ${op.kind}`).to.equal(true);
            }
          }
          if (op.kind === "recover" && accepted) {
            // the identity's frozen units are carried over, not released
            const frozenAliceIdentity = (s: typeof before) => s.frozen[0] + s.frozen[3];
            expect(frozenAliceIdentity(after)).to.equal(frozenAliceIdentity(before));
          }
          before = after;
        }
      }),
      { numRuns: 60, seed: Number(process.env.FC_SEED ?? 20261121), verbose: 1 },
    );
  });
});

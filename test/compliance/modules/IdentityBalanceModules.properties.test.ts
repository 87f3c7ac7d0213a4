import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { PROPERTY_LIMITS, PROPERTY_UNIT, withIdentityBalanceModulesFixture } from "../../helpers/compliance-fixtures";

/**
 * Model-based property of the identity-ledger modules (MaxBalance, MaxHolders) together with SupplyCap:
 * random sequences of mints, holder transfers, forced transfers and burns among four wallets, two of
 * which (alice, dave) belong to one identity. A plain TypeScript model predicts the outcome of every
 * operation, including which module refuses it, and after every step the chain must agree with the
 * model and with the invariants below.
 */

type Kind = "mint" | "transfer" | "forcedTransfer" | "burn";

interface Operation {
  kind: Kind;
  from: number;
  to: number;
  units: number;
}

type Outcome =
  | { kind: "ok" }
  | { kind: "insufficient"; wallet: number; free: bigint; needed: bigint }
  | { kind: "refused"; module: "maxBalance" | "maxHolders" | "supplyCap" };

const WALLETS = ["alice", "dave", "bob", "charlie"] as const;
/** Identity index of each wallet: alice and dave share identity 0. */
const IDENTITY_OF = [0, 0, 1, 2] as const;
const IDENTITIES = 3;
const { maxBalance: MAX_BALANCE, maxHolders: MAX_HOLDERS, supplyCap: SUPPLY_CAP } = PROPERTY_LIMITS;

class Model {
  balances: bigint[] = [0n, 0n, 0n, 0n];
  supply = 0n;

  identityBalance(identity: number): bigint {
    return this.balances.reduce((sum, balance, wallet) => (IDENTITY_OF[wallet] === identity ? sum + balance : sum), 0n);
  }

  holders(): bigint {
    let count = 0n;
    for (let identity = 0; identity < IDENTITIES; ++identity) if (this.identityBalance(identity) > 0n) count += 1n;
    return count;
  }

  /** What the token must do, following the documented rules of each module, in module order. */
  predict(op: Operation): Outcome {
    const amount = BigInt(op.units) * PROPERTY_UNIT;
    const toIdentity = IDENTITY_OF[op.to];
    const toHolds = this.identityBalance(toIdentity);
    if (op.kind === "mint") {
      if (toHolds + amount > MAX_BALANCE) return { kind: "refused", module: "maxBalance" };
      if (toHolds === 0n && this.holders() + 1n > MAX_HOLDERS) return { kind: "refused", module: "maxHolders" };
      if (this.supply + amount > SUPPLY_CAP) return { kind: "refused", module: "supplyCap" };
      return { kind: "ok" };
    }
    const free = this.balances[op.from];
    if (amount > free) return { kind: "insufficient", wallet: op.from, free, needed: amount };
    if (op.kind !== "transfer") return { kind: "ok" };
    const fromIdentity = IDENTITY_OF[op.from];
    if (fromIdentity === toIdentity) return { kind: "ok" };
    if (toHolds + amount > MAX_BALANCE) return { kind: "refused", module: "maxBalance" };
    const senderLeaves = this.identityBalance(fromIdentity) <= amount;
    if (toHolds === 0n && !senderLeaves && this.holders() + 1n > MAX_HOLDERS) {
      return { kind: "refused", module: "maxHolders" };
    }
    return { kind: "ok" };
  }

  apply(op: Operation) {
    const amount = BigInt(op.units) * PROPERTY_UNIT;
    if (op.kind === "mint") {
      this.balances[op.to] += amount;
      this.supply += amount;
    } else if (op.kind === "burn") {
      this.balances[op.from] -= amount;
      this.supply -= amount;
    } else {
      this.balances[op.from] -= amount;
      this.balances[op.to] += amount;
    }
  }
}

const operationArbitrary: fc.Arbitrary<Operation> = fc.record({
  kind: fc.oneof(
    { arbitrary: fc.constant<Kind>("mint"), weight: 4 },
    { arbitrary: fc.constant<Kind>("transfer"), weight: 4 },
    { arbitrary: fc.constant<Kind>("forcedTransfer"), weight: 1 },
    { arbitrary: fc.constant<Kind>("burn"), weight: 1 },
  ),
  from: fc.integer({ min: 0, max: 3 }),
  to: fc.integer({ min: 0, max: 3 }),
  // Mostly small amounts, so that transfers usually find a balance; sometimes more than the cap.
  units: fc.oneof(
    { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 3 },
    { arbitrary: fc.integer({ min: 1, max: 12 }), weight: 1 },
  ),
});

const op = (kind: Kind, from: number, to: number, units: number): Operation => ({ kind, from, to, units });

/** Sequences that always run, so that every refusal and the seat-freeing path are exercised. */
const EXAMPLES: [Operation[]][] = [
  // alice's identity fills its cap across both wallets; a mint to dave and a transfer to alice are refused.
  [[op("mint", 0, 0, 6), op("mint", 0, 1, 4), op("mint", 0, 1, 1), op("mint", 0, 2, 3), op("transfer", 2, 0, 1)]],
  // two identities hold: charlie is refused a seat, until bob leaves by sending everything.
  [[op("mint", 0, 0, 2), op("mint", 0, 2, 2), op("mint", 0, 3, 1), op("transfer", 2, 3, 1), op("transfer", 2, 3, 2)]],
  // supply reaches the cap; one more unit is refused; a burn makes room; a forced transfer passes the
  // investor cap; an investor above the cap still moves units between its own wallets.
  [
    [
      op("mint", 0, 0, 10),
      op("mint", 0, 2, 5),
      op("mint", 0, 2, 1),
      op("burn", 2, 0, 2),
      op("mint", 0, 2, 1),
      op("forcedTransfer", 2, 0, 4),
      op("transfer", 0, 1, 5),
      op("transfer", 2, 3, 1),
    ],
  ],
];

describe("IdentityBalanceModules (MaxBalance + MaxHolders + SupplyCap) properties", function () {
  it("agree with the model and keep the ledger, cap and holder invariants for any operation sequence", async function () {
    const seen = { ok: 0, insufficient: 0, maxBalance: 0, maxHolders: 0, supplyCap: 0 };

    await fc.assert(
      fc.asyncProperty(fc.array(operationArbitrary, { minLength: 1, maxLength: 12 }), async (operations) => {
        const { token, compliance, suite, accounts, identities } = await loadFixture(withIdentityBalanceModulesFixture);
        const { maxBalance, maxHolders, supplyCap } = suite.modules;
        const moduleAddress = {
          maxBalance: await maxBalance.getAddress(),
          maxHolders: await maxHolders.getAddress(),
          supplyCap: await supplyCap.getAddress(),
        };
        const complianceAddress = await compliance.getAddress();
        const wallets = WALLETS.map((name) => accounts[name]);
        const identityAddresses = [identities.alice, identities.bob, identities.charlie];

        async function observe() {
          return {
            balances: await Promise.all(wallets.map((wallet) => token.balanceOf(wallet.address))),
            supply: await token.totalSupply(),
            maxBalanceLedger: await Promise.all(
              identityAddresses.map((identity) => maxBalance.investorBalance(complianceAddress, identity)),
            ),
            maxHoldersLedger: await Promise.all(
              identityAddresses.map((identity) => maxHolders.investorBalance(complianceAddress, identity)),
            ),
            holderCount: await maxHolders.holderCount(complianceAddress),
          };
        }

        const model = new Model();
        let forcedSeen = false;
        let before = await observe();

        for (const operation of operations) {
          const amount = BigInt(operation.units) * PROPERTY_UNIT;
          const from = wallets[operation.from];
          const to = wallets[operation.to];
          const expected = model.predict(operation);
          seen[expected.kind === "refused" ? expected.module : expected.kind] += 1;

          const send = () => {
            switch (operation.kind) {
              case "mint":
                return token.connect(accounts.agent).mint(to.address, amount);
              case "transfer":
                return token.connect(from).transfer(to.address, amount);
              case "forcedTransfer":
                return token.connect(accounts.agent).forcedTransfer(from.address, to.address, amount);
              case "burn":
                return token.connect(accounts.agent).burn(from.address, amount);
            }
          };
          const step = `${operation.kind}(${WALLETS[operation.from]} -> ${WALLETS[operation.to]}, ${amount})`;

          if (expected.kind === "ok") {
            await (await send()).wait();
            model.apply(operation);
            if (operation.kind === "forcedTransfer") forcedSeen = true;
          } else if (expected.kind === "insufficient") {
            await expect(send(), step)
              .to.be.revertedWithCustomError(token, "TokenInsufficientFreeBalance")
              .withArgs(wallets[expected.wallet].address, expected.free, expected.needed);
          } else {
            const sender = operation.kind === "mint" ? ethers.ZeroAddress : from.address;
            await expect(send(), step)
              .to.be.revertedWithCustomError(token, "TokenTransferNotCompliant")
              .withArgs(sender, to.address, amount, moduleAddress[expected.module]);
          }

          const after = await observe();
          // The chain agrees with the model.
          expect(after.balances, step).to.deep.equal(model.balances);
          expect(after.supply, step).to.equal(model.supply);
          // A refused operation changes nothing: balances, supply, ledgers, holder count.
          if (expected.kind !== "ok") expect(after, step).to.deep.equal(before);
          // The ledger of each identity is the sum of its wallets, in both modules.
          const sums = [0, 1, 2].map((identity) => model.identityBalance(identity));
          expect(after.maxBalanceLedger, step).to.deep.equal(sums);
          expect(after.maxHoldersLedger, step).to.deep.equal(sums);
          // The holder count is the number of identities with a positive summed balance.
          expect(after.holderCount, step).to.equal(BigInt(sums.filter((sum) => sum > 0n).length));
          // The supply never exceeds the cap (only mints raise it, and mints are checked).
          expect(after.supply, step).to.be.at.most(SUPPLY_CAP);
          // A checked operation never takes an investor above the cap; only forced transfers can.
          if (expected.kind === "ok" && (operation.kind === "mint" || operation.kind === "transfer")) {
            const recipient = IDENTITY_OF[operation.to];
            const sameInvestor = operation.kind === "transfer" && IDENTITY_OF[operation.from] === recipient;
            if (!sameInvestor) expect(sums[recipient], step).to.be.at.most(MAX_BALANCE);
          }
          if (!forcedSeen) {
            for (const sum of sums) expect(sum, step).to.be.at.most(MAX_BALANCE);
            expect(after.holderCount, step).to.be.at.most(MAX_HOLDERS);
          }
          before = after;
        }
      }),
      { numRuns: 20, examples: EXAMPLES },
    );

    // The examples guarantee that every rule was exercised, not only the happy path.
    expect(seen.maxBalance).to.be.greaterThan(0);
    expect(seen.maxHolders).to.be.greaterThan(0);
    expect(seen.supplyCap).to.be.greaterThan(0);
    expect(seen.insufficient + seen.ok).to.be.greaterThan(0);
  });
});

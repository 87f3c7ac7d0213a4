import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { COUNTRY, TRANSFER_CHECK } from "../../scripts/lib/constants";
import {
  HOOKS,
  PROPERTY_UNIT,
  configureModule,
  withIdentityBalanceModulesFixture,
  withUnboundComplianceFixture,
} from "../helpers/compliance-fixtures";
import { transferContextOf } from "../helpers/transfer-context";
import { IComplianceModule__factory } from "../../typechain-types";

/**
 * The context path (what a kosai token calls: the recipient's identity and country, balances and supply
 * handed over) and the ERC-3643 path (each module resolving them through compliance → token → registry)
 * agree. Over random mints, holder transfers, forced transfers and burns among five wallets (alice and
 * dave one identity, charlie in the US, eve not registered), on a series with MaxBalance, MaxHolders,
 * SupplyCap, CountryAllow (Japan), Denomination and IdentityMinimumHolding:
 * - before each step, every module's moduleCheckWithContext, given the context read from public views,
 *   answers like its moduleCheck, and the compliance's checkTransferWithContext like its checkTransfer;
 * - the token (which only uses the context path) succeeds exactly when the ERC-3643 views say it may,
 *   and refuses with the module that checkTransfer names;
 * - after each step, the identity ledgers the modules keep from the context they were told equal the sum
 *   of the token balances of each identity's wallets, and the holder count the number of holding identities.
 */

type Kind = "mint" | "transfer" | "forcedTransfer" | "burn";
interface Operation {
  kind: Kind;
  from: number;
  to: number;
  halves: number;
}

const WALLETS = ["alice", "dave", "bob", "charlie", "eve"] as const;
const HALF = PROPERTY_UNIT / 2n;

const operationArbitrary: fc.Arbitrary<Operation> = fc.record({
  kind: fc.oneof(
    { arbitrary: fc.constant<Kind>("mint"), weight: 4 },
    { arbitrary: fc.constant<Kind>("transfer"), weight: 5 },
    { arbitrary: fc.constant<Kind>("forcedTransfer"), weight: 1 },
    { arbitrary: fc.constant<Kind>("burn"), weight: 1 },
  ),
  from: fc.integer({ min: 0, max: WALLETS.length - 1 }),
  to: fc.integer({ min: 0, max: WALLETS.length - 1 }),
  // amounts in half units: odd ones break the denomination
  halves: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 6 }), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 24 }), weight: 1 }),
});

/** A view's answer, or how it reverted (a rule may revert alike on both paths, e.g. more than the balance). */
async function outcome(call: Promise<unknown>): Promise<string> {
  return call.then(
    (value) => `returned ${String(value)}`,
    (error: Error) => `reverted ${error.message}`,
  );
}

async function contextModulesFixture() {
  const context = await loadFixture(withIdentityBalanceModulesFixture);
  const { compliance, accounts, suite } = context;
  const { countryAllow, denomination, minimumHolding } = suite.modules;
  await compliance.connect(accounts.owner).addModule(countryAllow);
  await compliance.connect(accounts.owner).addModule(denomination);
  await compliance.connect(accounts.owner).addModule(minimumHolding);
  await configureModule(compliance, accounts.owner, countryAllow, "listCountries", [[COUNTRY.JP]]);
  await configureModule(compliance, accounts.owner, denomination, "setDenomination", [PROPERTY_UNIT, PROPERTY_UNIT]);
  await configureModule(compliance, accounts.owner, minimumHolding, "setMinimumHolding", [2n * PROPERTY_UNIT]);
  return context;
}

describe("ModularCompliance properties: context and ERC-3643 paths", function () {
  it("agree on every check, and the token's context-fed ledgers match the balances", async function () {
    const seen = { ok: 0, refused: 0, other: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(operationArbitrary, { minLength: 1, maxLength: 10 }), async (operations) => {
        const { token, compliance, suite, accounts, identities } = await loadFixture(contextModulesFixture);
        const complianceAddress = await compliance.getAddress();
        const modules = (await compliance.getModules()).map((address) =>
          IComplianceModule__factory.connect(address, ethers.provider),
        );
        const wallets = WALLETS.map((name) => accounts[name]);
        const { maxBalance, maxHolders, minimumHolding } = suite.modules;
        const identityWallets: [string, number[]][] = [
          [identities.alice, [0, 1]],
          [identities.bob, [2]],
          [identities.charlie, [3]],
        ];

        for (const operation of operations) {
          const amount = BigInt(operation.halves) * HALF;
          const from = operation.kind === "mint" ? ethers.ZeroAddress : wallets[operation.from].address;
          const to = operation.kind === "burn" ? ethers.ZeroAddress : wallets[operation.to].address;
          const step = `${operation.kind}(${from} -> ${to}, ${amount})`;

          if (to !== ethers.ZeroAddress) {
            const context = await transferContextOf(token, from, to);
            for (const module of modules) {
              expect(
                await outcome(module.moduleCheckWithContext(from, to, amount, complianceAddress, context)),
                `${step}: ${await module.name()}`,
              ).to.equal(await outcome(module.moduleCheck(from, to, amount, complianceAddress)));
            }
            expect(await outcome(compliance.checkTransferWithContext(from, to, amount, context)), step).to.equal(
              await outcome(compliance.checkTransfer(from, to, amount)),
            );
          }

          // What the ERC-3643 views say the token must do.
          let expected: { ok: true } | { ok: false; error: string; args: unknown[] };
          let send: () => Promise<unknown>;
          const free = from === ethers.ZeroAddress ? 0n : await token.freeBalanceOf(from);
          const verified = to === ethers.ZeroAddress || (await suite.identityRegistry.isVerified(to));
          const insufficient = { ok: false as const, error: "TokenInsufficientFreeBalance", args: [from, free, amount] };
          const unverified = { ok: false as const, error: "TokenRecipientNotVerified", args: [to] };
          if (operation.kind === "transfer" || operation.kind === "mint") {
            // (a rule may revert on more than the balance: the token refuses that before asking)
            const short = operation.kind === "transfer" && amount > free;
            const refusing = short ? ethers.ZeroAddress : await compliance.checkTransfer(from, to, amount);
            const refused = { ok: false as const, error: "TokenTransferNotCompliant", args: [from, to, amount, refusing] };
            if (operation.kind === "transfer") {
              const [code] = await token.checkTransfer(from, to, amount);
              expect(TRANSFER_CHECK[Number(code)], step).to.equal(
                amount > free
                  ? "InsufficientFreeBalance"
                  : !verified
                    ? "RecipientNotVerified"
                    : refusing !== ethers.ZeroAddress
                      ? "ComplianceRefused"
                      : "Ok",
              );
            }
            if (operation.kind === "transfer" && amount > free) expected = insufficient;
            else if (!verified) expected = unverified;
            else if (refusing !== ethers.ZeroAddress) expected = refused;
            else expected = { ok: true };
            send = () =>
              operation.kind === "mint"
                ? token.connect(accounts.agent).mint(to, amount)
                : token.connect(wallets[operation.from]).transfer(to, amount);
          } else {
            // forced transfers and burns bypass compliance: only the balance (and verification) decide
            if (amount > free) expected = insufficient;
            else if (!verified) expected = unverified;
            else expected = { ok: true };
            send = () =>
              operation.kind === "burn"
                ? token.connect(accounts.agent).burn(from, amount)
                : token.connect(accounts.agent).forcedTransfer(from, to, amount);
          }

          if (expected.ok) {
            await send();
            seen.ok += 1;
          } else {
            await expect(send(), step)
              .to.be.revertedWithCustomError(token, expected.error)
              .withArgs(...expected.args);
            seen[expected.error === "TokenTransferNotCompliant" ? "refused" : "other"] += 1;
          }

          // Ledgers kept from the context the modules were told match the balances.
          let holding = 0n;
          for (const [identity, indexes] of identityWallets) {
            let units = 0n;
            for (const index of indexes) units += await token.balanceOf(wallets[index].address);
            if (units > 0n) holding += 1n;
            for (const ledger of [maxBalance, maxHolders, minimumHolding]) {
              expect(await ledger.investorBalance(complianceAddress, identity), `${step}: ledger`).to.equal(units);
            }
          }
          expect(await maxHolders.holderCount(complianceAddress), `${step}: holders`).to.equal(holding);
        }
      }),
      { numRuns: 25 },
    );
    expect(seen.ok, "some operations succeed").to.be.greaterThan(0);
    expect(seen.refused, "some operations are refused by a module").to.be.greaterThan(0);
  });
});

/**
 * The module list and the transfer-hook index masks kept beside the token address stay in step. Over
 * random sequences of adding and removing ten modules with different hooks on a compliance with no
 * token (removal moves the last module into the freed slot):
 * - getModules() is the list a swap-with-last model predicts;
 * - transferHookModules() has bit i set exactly when getModules()[i] declares CHECK_TRANSFER
 *   (respectively ACTION_TRANSFER), and no bit at or above the module count;
 * - hookMask() is the union of the modules' hooks.
 */
describe("ModularCompliance properties: transfer-hook index masks", function () {
  it("follow every module through random adds and removes", async function () {
    let removals = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 16 }), async (picks) => {
        const { unboundCompliance: compliance, suite, accounts } = await loadFixture(withUnboundComplianceFixture);
        const pool = await Promise.all(
          Object.values(suite.modules).map(async (module) => ({
            address: await module.getAddress(),
            hooks: Number(await IComplianceModule__factory.connect(await module.getAddress(), ethers.provider).hooks()),
          })),
        );
        expect(pool).to.have.lengthOf(10);
        const model: { address: string; hooks: number }[] = [];
        for (const pick of picks) {
          const module = pool[pick];
          const index = model.findIndex((entry) => entry.address === module.address);
          if (index === -1) {
            await compliance.connect(accounts.owner).addModule(module.address);
            model.push(module);
          } else {
            await compliance.connect(accounts.owner).removeModule(module.address);
            model[index] = model[model.length - 1];
            model.pop();
            removals += 1;
          }
          const step = `after ${index === -1 ? "adding" : "removing"} ${module.address}`;
          expect(await compliance.getModules(), step).to.deep.equal(model.map((entry) => entry.address));
          const expectedMask = (bit: number) =>
            model.reduce((mask, entry, i) => (entry.hooks & bit ? mask | (1n << BigInt(i)) : mask), 0n);
          expect(await compliance.transferHookModules(), step).to.deep.equal([
            expectedMask(HOOKS.CHECK_TRANSFER),
            expectedMask(HOOKS.ACTION_TRANSFER),
          ]);
          expect(await compliance.hookMask(), step).to.equal(
            BigInt(model.reduce((union, entry) => union | entry.hooks, 0)),
          );
        }
      }),
      { numRuns: 20 },
    );
    expect(removals, "some modules are removed").to.be.greaterThan(0);
  });
});

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";
import { COUNTRY, TOPICS } from "../../scripts/lib/constants";
import { claimId, issueClaim } from "../../scripts/lib/onchainid";
import { createSeries, onboardInvestor, type Series } from "../../scripts/lib/suite";
import { reverts } from "../helpers/errors";
import { deploySuiteFixture } from "../fixtures/suite.fixture";

/**
 * Long seeded random walks over several series, investors and agents, with every invariant checked after
 * every step. Reproducible: FUZZ_SEED picks the walk, FUZZ_STEPS its length (CI runs the default; run
 * longer locally, e.g. FUZZ_STEPS=20000). A failure prints the seed and the step to replay.
 *
 * Invariants, per series:
 * - total supply = Σ balances;
 * - frozen ≤ balance for every wallet; frozen units never leave a wallet except carried by a recovery;
 * - a wallet whose balance rose was verified before the step (mint, transfer, forced transfer, recovery);
 * - a refused operation changes nothing, on any series;
 * - the per-identity ledgers of MaxBalance and MaxHolders equal Σ wallet balances per identity, and the
 *   holder count equals the number of identities holding;
 * - no holder-initiated or minting step leaves an identity above the max balance it was checked against.
 */

const STEPS = Number(process.env.FUZZ_STEPS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 3643);

/** mulberry32: a small seeded PRNG, so a walk is replayable from its seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MAX_BALANCE = 3_000n;

async function fuzzFixture() {
  const base = await loadFixture(deploySuiteFixture);
  const { suite, accounts, kyc, investors } = base;
  const signers = await ethers.getSigners();
  // two more investors; frank is a second wallet of bob's identity; grace is never registered
  const extra = await onboardInvestor({ suite, registrar: accounts.registrar, kyc, wallet: signers[10], country: COUNTRY.JP });
  const frank = signers[11];
  await suite.identityRegistry
    .connect(accounts.registrar)
    .registerIdentity(frank.address, await investors.bob.identity.getAddress(), COUNTRY.JP);
  const wallets: Signer[] = [accounts.alice, accounts.bob, accounts.charlie, signers[10], frank, signers[12]];
  const identities = [
    await investors.alice.identity.getAddress(),
    await investors.bob.identity.getAddress(),
    await investors.charlie.identity.getAddress(),
    await extra.identity.getAddress(),
    await investors.bob.identity.getAddress(),
    null,
  ];
  const m = suite.modules;
  const guarded = await createSeries(suite, accounts.owner, {
    name: "guarded",
    symbol: "G",
    agents: [accounts.agent.address],
    modules: [
      { module: await m.maxBalance.getAddress(), calls: [m.maxBalance.interface.encodeFunctionData("setMaxBalance", [MAX_BALANCE])] },
      { module: await m.maxHolders.getAddress(), calls: [m.maxHolders.interface.encodeFunctionData("setMaxHolders", [3n])] },
      { module: await m.supplyCap.getAddress(), calls: [m.supplyCap.interface.encodeFunctionData("setSupplyCap", [10_000n])] },
      { module: await m.countryBlock.getAddress(), calls: [m.countryBlock.interface.encodeFunctionData("listCountries", [[COUNTRY.US]])] },
    ],
  });
  const lockUp = await createSeries(suite, accounts.owner, {
    name: "locked",
    symbol: "L",
    agents: [accounts.agent.address],
    modules: [
      { module: await m.lockUp.getAddress(), calls: [m.lockUp.interface.encodeFunctionData("setLockUpEnd", [(await time.latest()) + 3_600])] },
    ],
  });
  const series: Series[] = [base.series, guarded, lockUp];
  return { ...base, wallets, identities, series };
}

type Context = Awaited<ReturnType<typeof fuzzFixture>>;

interface State {
  supply: bigint[];
  balances: bigint[][];
  frozen: bigint[][];
  walletFrozen: boolean[][];
  paused: boolean[];
  verified: boolean[];
}

async function read(c: Context): Promise<State> {
  const addresses = await Promise.all(c.wallets.map((w) => w.getAddress()));
  const perSeries = await Promise.all(
    c.series.map(async ({ token }) => ({
      supply: await token.totalSupply(),
      balances: await Promise.all(addresses.map((a) => token.balanceOf(a))),
      frozen: await Promise.all(addresses.map((a) => token.getFrozenTokens(a))),
      walletFrozen: await Promise.all(addresses.map((a) => token.isFrozen(a))),
      paused: await token.paused(),
    })),
  );
  return {
    supply: perSeries.map((s) => s.supply),
    balances: perSeries.map((s) => s.balances),
    frozen: perSeries.map((s) => s.frozen),
    walletFrozen: perSeries.map((s) => s.walletFrozen),
    paused: perSeries.map((s) => s.paused),
    verified: await Promise.all(addresses.map((a) => c.suite.identityRegistry.isVerified(a))),
  };
}

const OPS = [
  "mint",
  "transfer",
  "transferFrom",
  "forcedTransfer",
  "burn",
  "freezeWallet",
  "freezePartial",
  "unfreezePartial",
  "recover",
  "pause",
  "deleteIdentity",
  "reRegister",
  "revokeClaim",
  "reissueClaim",
  "advanceTime",
] as const;
type Op = (typeof OPS)[number];

describe("invariants under long random walks", function () {
  this.timeout(30 * 60 * 1000);

  it(`hold for ${STEPS} steps (seed ${SEED})`, async () => {
    const c = await loadFixture(fuzzFixture);
    const next = rng(SEED);
    const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
    const amount = () => BigInt(Math.floor(next() * 1_500));
    const { agent, registrar } = c.accounts;
    const addresses = await Promise.all(c.wallets.map((w) => w.getAddress()));
    const kycIssuer = await c.kyc.issuer.getAddress();
    let before = await read(c);

    for (let step = 0; step < STEPS; step++) {
      const op: Op = pick(OPS);
      const s = Math.floor(next() * c.series.length);
      const token = c.series[s].token;
      const i = Math.floor(next() * c.wallets.length);
      const j = Math.floor(next() * c.wallets.length);
      const value = amount();
      const label = `step ${step} (seed ${SEED}): ${op} series ${s} wallets ${i}->${j} amount ${value}`;
      const run = async (fn: () => Promise<unknown>) => !(await reverts(fn));
      let accepted: boolean;
      switch (op) {
        case "mint":
          accepted = await run(() => token.connect(agent).mint(addresses[j], value));
          break;
        case "transfer":
          accepted = await run(() => token.connect(c.wallets[i]).transfer(addresses[j], value));
          break;
        case "transferFrom":
          await token.connect(c.wallets[i]).approve(agent.address, value);
          before = await read(c);
          accepted = await run(() => token.connect(agent).transferFrom(addresses[i], addresses[j], value));
          break;
        case "forcedTransfer":
          accepted = await run(() => token.connect(agent).forcedTransfer(addresses[i], addresses[j], value));
          break;
        case "burn":
          accepted = await run(() => token.connect(agent).burn(addresses[i], value));
          break;
        case "freezeWallet":
          accepted = await run(() => token.connect(agent).setAddressFrozen(addresses[i], next() < 0.5));
          break;
        case "freezePartial":
          accepted = await run(() => token.connect(agent).freezePartialTokens(addresses[i], value));
          break;
        case "unfreezePartial":
          accepted = await run(() => token.connect(agent).unfreezePartialTokens(addresses[i], value));
          break;
        case "recover": {
          // bob's two wallets (1 and 4) share an identity
          const [lost, fresh] = next() < 0.5 ? [1, 4] : [4, 1];
          accepted = await run(() => token.connect(agent).recoveryAddress(addresses[lost], addresses[fresh], c.identities[1]!));
          break;
        }
        case "pause":
          accepted = await run(() => (next() < 0.5 ? token.connect(agent).pause() : token.connect(agent).unpause()));
          break;
        case "deleteIdentity":
          accepted = await run(() => c.suite.identityRegistry.connect(registrar).deleteIdentity(addresses[i]));
          break;
        case "reRegister": {
          const identity = c.identities[i];
          accepted = identity !== null && (await run(() => c.suite.identityRegistry.connect(registrar).registerIdentity(addresses[i], identity, COUNTRY.JP)));
          break;
        }
        case "revokeClaim": {
          const identity = c.identities[i];
          if (identity === null) {
            accepted = false;
            break;
          }
          const id = await ethers.getContractAt("Identity", identity);
          const [, , , signature] = await id.getClaim(claimId(kycIssuer, TOPICS.KYC));
          accepted = await run(() => c.kyc.issuer.connect(c.kyc.key).revokeClaimBySignature(signature));
          break;
        }
        case "reissueClaim": {
          const identity = c.identities[i];
          const owner = i === 4 ? c.wallets[1] : c.wallets[i];
          if (identity === null) {
            accepted = false;
            break;
          }
          const id = await ethers.getContractAt("Identity", identity);
          const data = ethers.toBeHex(step + 1, 32); // a new signature each time
          accepted = await run(() =>
            issueClaim({ identity: id, identityOwner: owner, issuer: c.kyc.issuer, issuerKey: c.kyc.key, topic: TOPICS.KYC, data }),
          );
          if (accepted) await c.suite.identityRegistry.refreshClaims(identity);
          break;
        }
        case "advanceTime":
          await time.increase(600);
          accepted = true;
          break;
      }
      const after = await read(c);
      if (!accepted && op !== "reissueClaim") expect(after, `${label}: refused but changed state`).to.deep.equal(before);
      for (let k = 0; k < c.series.length; k++) {
        const sum = after.balances[k].reduce((x, y) => x + y, 0n);
        expect(after.supply[k], `${label}: supply of series ${k}`).to.equal(sum);
        for (let w = 0; w < c.wallets.length; w++) {
          expect(after.frozen[k][w] <= after.balances[k][w], `${label}: frozen > balance (series ${k}, wallet ${w})`).to.equal(true);
          if (after.balances[k][w] > before.balances[k][w]) {
            expect(before.verified[w], `${label}: unverified wallet ${w} received on series ${k}`).to.equal(true);
          }
          const carries = op === "recover" && k === s;
          const releases = op === "unfreezePartial" && k === s;
          if (!carries && !releases) {
            expect(after.balances[k][w] >= before.frozen[k][w], `${label}: frozen units left wallet ${w}`).to.equal(true);
          }
        }
      }
      await checkLedgers(c, after, label, op, s);
      before = after;
    }
  });
});

/** The identity ledgers of the guarded series (index 1) agree with the token. */
async function checkLedgers(c: Context, state: State, label: string, op: Op, touched: number) {
  const compliance = await c.series[1].compliance.getAddress();
  const byIdentity = new Map<string, bigint>();
  for (let w = 0; w < c.wallets.length; w++) {
    const key = c.identities[w] ?? (await c.wallets[w].getAddress());
    byIdentity.set(key, (byIdentity.get(key) ?? 0n) + state.balances[1][w]);
  }
  let holders = 0n;
  for (const [key, total] of byIdentity) {
    expect(await c.suite.modules.maxBalance.investorBalance(compliance, key), `${label}: max-balance ledger of ${key}`).to.equal(total);
    expect(await c.suite.modules.maxHolders.investorBalance(compliance, key), `${label}: holders ledger of ${key}`).to.equal(total);
    if (total > 0n) holders++;
    if (touched === 1 && (op === "mint" || op === "transfer" || op === "transferFrom")) {
      expect(total <= MAX_BALANCE, `${label}: identity ${key} above the max balance`).to.equal(true);
    }
  }
  expect(await c.suite.modules.maxHolders.holderCount(compliance), `${label}: holder count`).to.equal(holders);
}

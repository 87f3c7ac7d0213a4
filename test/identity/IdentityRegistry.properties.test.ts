import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { toBeHex } from "ethers";
import { deploySuiteFixture } from "../fixtures/suite.fixture";
import { TOPICS } from "../../scripts/lib/constants";
import { claimId, deployClaimIssuer } from "../../scripts/lib/onchainid";
import {
  currentGeneration,
  dummyAddresses,
  issueClaimWithData,
  spareSigners,
  storedSignature,
  type Provider,
} from "../helpers/identity-fixtures";

/**
 * Property tests: random sequences of claim, issuer and topic changes, after each of which the identity
 * registry must agree with an independent model written here in TypeScript.
 */

const RUNS = 15;
const MAX_STEPS = 8;

// ----------------------------------------------------------------------------------------------------
// Property 1: isVerified / hasValidClaim / cachedClaimIssuer follow claims, revocations, trust and topics
// ----------------------------------------------------------------------------------------------------

/** The base scenario plus an AML provider trusted for AML (AML not required; nobody holds an AML claim). */
async function claimsPropertyFixture() {
  const context = await loadFixture(deploySuiteFixture);
  const { amlKey } = await spareSigners();
  const aml: Provider = { issuer: await deployClaimIssuer(amlKey), key: amlKey };
  await context.suite.issuersRegistry.connect(context.accounts.owner).addTrustedIssuer(aml.issuer, [TOPICS.AML]);
  return { ...context, aml };
}

type Topic = typeof TOPICS.KYC | typeof TOPICS.AML;
type Step =
  | { kind: "revokeCurrent"; i: number; topic: Topic }
  | { kind: "revokeCached"; i: number; topic: Topic }
  | { kind: "issue"; i: number; topic: Topic }
  | { kind: "removeStored"; i: number; topic: Topic }
  | { kind: "removeKycIssuer" }
  | { kind: "addKycIssuer" }
  | { kind: "toggleTopic"; topic: Topic }
  | { kind: "refresh"; i: number };

const investorArb = fc.integer({ min: 0, max: 2 });
const topicArb = fc.constantFrom<Topic>(TOPICS.KYC, TOPICS.AML);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("revokeCurrent" as const), i: investorArb, topic: topicArb }),
  fc.record({ kind: fc.constant("revokeCached" as const), i: investorArb, topic: topicArb }),
  fc.record({ kind: fc.constant("issue" as const), i: investorArb, topic: topicArb }),
  fc.record({ kind: fc.constant("removeStored" as const), i: investorArb, topic: topicArb }),
  fc.record({ kind: fc.constant("removeKycIssuer" as const) }),
  fc.record({ kind: fc.constant("addKycIssuer" as const) }),
  fc.record({ kind: fc.constant("toggleTopic" as const), topic: topicArb }),
  fc.record({ kind: fc.constant("refresh" as const), i: investorArb }),
);

interface Cached {
  issuer: string;
  signature: string;
}

/** What the registry should answer, computed from first principles (ERC-3643 + the documented cache). */
class ClaimsModel {
  required = new Set<bigint>([TOPICS.KYC]);
  kycTrusted = true;
  revoked = new Set<string>();
  /** The claim stored on each identity, per topic (signature), issued by the one provider of that topic. */
  stored: Map<bigint, string>[];
  cache: Map<bigint, Cached>[];

  constructor(
    readonly kycIssuer: string,
    readonly amlIssuer: string,
    kycSignatures: string[],
  ) {
    this.stored = kycSignatures.map((sig) => new Map([[TOPICS.KYC, sig]]));
    this.cache = kycSignatures.map((sig) => new Map([[TOPICS.KYC, { issuer: kycIssuer, signature: sig }]]));
  }

  issuerOf(topic: bigint): string {
    return topic === TOPICS.KYC ? this.kycIssuer : this.amlIssuer;
  }

  trustedFor(issuer: string, topic: bigint): boolean {
    if (issuer === this.kycIssuer) return topic === TOPICS.KYC && this.kycTrusted;
    if (issuer === this.amlIssuer) return topic === TOPICS.AML;
    return false;
  }

  storedValid(i: number, topic: bigint): boolean {
    const sig = this.stored[i].get(topic);
    return sig !== undefined && !this.revoked.has(sig) && this.trustedFor(this.issuerOf(topic), topic);
  }

  holds(i: number, topic: bigint): boolean {
    const cached = this.cache[i].get(topic);
    const cacheOk = cached !== undefined && this.trustedFor(cached.issuer, topic) && !this.revoked.has(cached.signature);
    return cacheOk || this.storedValid(i, topic);
  }

  verified(i: number): boolean {
    return [...this.required].every((topic) => this.holds(i, topic));
  }

  refresh(i: number) {
    for (const topic of this.required) {
      if (this.storedValid(i, topic)) {
        this.cache[i].set(topic, { issuer: this.issuerOf(topic), signature: this.stored[i].get(topic)! });
      } else {
        this.cache[i].delete(topic);
      }
    }
  }
}

describe("IdentityRegistry (properties)", () => {
  it("isVerified, hasValidClaim and cachedClaimIssuer always match the model", async () => {
    let dataCounter = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: MAX_STEPS }), async (steps) => {
        const { suite, accounts, kyc, aml, investors } = await loadFixture(claimsPropertyFixture);
        const registry = suite.identityRegistry;
        const list = [investors.alice, investors.bob, investors.charlie];
        const kycAddress = await kyc.issuer.getAddress();
        const amlAddress = await aml.issuer.getAddress();
        const model = new ClaimsModel(
          kycAddress,
          amlAddress,
          await Promise.all(list.map((investor) => storedSignature(investor.identity, kycAddress, TOPICS.KYC))),
        );
        const providerOf = (topic: bigint) => (topic === TOPICS.KYC ? kyc : aml);

        const check = async (label: string) => {
          for (let i = 0; i < list.length; i++) {
            const wallet = list[i].address;
            expect(await registry.isVerified(wallet), `${label}: isVerified(${i})`).to.equal(model.verified(i));
            for (const topic of [TOPICS.KYC, TOPICS.AML]) {
              expect(await registry.hasValidClaim(wallet, topic), `${label}: hasValidClaim(${i}, ${topic})`).to.equal(
                model.holds(i, topic),
              );
              expect(
                await registry.cachedClaimIssuer(list[i].identity, topic),
                `${label}: cachedClaimIssuer(${i}, ${topic})`,
              ).to.equal(model.cache[i].get(topic)?.issuer ?? ethers.ZeroAddress);
            }
          }
        };

        await check("initial");
        for (const [n, step] of steps.entries()) {
          switch (step.kind) {
            case "revokeCurrent":
            case "revokeCached": {
              const sig =
                step.kind === "revokeCurrent"
                  ? model.stored[step.i].get(step.topic)
                  : model.cache[step.i].get(step.topic)?.signature;
              if (sig === undefined || model.revoked.has(sig)) break;
              const provider = providerOf(step.topic);
              await provider.issuer.connect(provider.key).revokeClaimBySignature(sig);
              model.revoked.add(sig);
              break;
            }
            case "issue": {
              dataCounter += 1;
              const sig = await issueClaimWithData(
                list[step.i].identity,
                list[step.i].wallet,
                providerOf(step.topic),
                step.topic,
                toBeHex(dataCounter, 32),
              );
              model.stored[step.i].set(step.topic, sig);
              break;
            }
            case "removeStored": {
              // the identity's owner deletes the claim from the identity (the cache may still hold it)
              if (!model.stored[step.i].has(step.topic)) break;
              const issuer = model.issuerOf(step.topic);
              await list[step.i].identity.connect(list[step.i].wallet).removeClaim(claimId(issuer, step.topic));
              model.stored[step.i].delete(step.topic);
              break;
            }
            case "removeKycIssuer":
              if (!model.kycTrusted) break;
              await suite.issuersRegistry.connect(accounts.owner).removeTrustedIssuer(kyc.issuer);
              model.kycTrusted = false;
              break;
            case "addKycIssuer":
              if (model.kycTrusted) break;
              await suite.issuersRegistry.connect(accounts.owner).addTrustedIssuer(kyc.issuer, [TOPICS.KYC]);
              model.kycTrusted = true;
              break;
            case "toggleTopic":
              if (model.required.has(step.topic)) {
                await suite.topicsRegistry.connect(accounts.owner).removeClaimTopic(step.topic);
                model.required.delete(step.topic);
              } else {
                await suite.topicsRegistry.connect(accounts.owner).addClaimTopic(step.topic);
                model.required.add(step.topic);
              }
              break;
            case "refresh":
              await registry.connect(accounts.outsider).refreshClaims(list[step.i].identity);
              model.refresh(step.i);
              break;
          }
          await check(`after step ${n} ${JSON.stringify(step, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`);
        }
      }),
      { numRuns: RUNS },
    );
  });

  // --------------------------------------------------------------------------------------------------
  // Property 2: the compiled requirements always mirror the topic and issuer registries
  // --------------------------------------------------------------------------------------------------

  const TOPIC_POOL = [TOPICS.KYC, TOPICS.AML, TOPICS.INDIVIDUAL, TOPICS.ADULT] as const;
  type SyncStep =
    | { kind: "addTopic"; topic: bigint }
    | { kind: "removeTopic"; topic: bigint }
    | { kind: "addIssuer"; k: number; topics: bigint[] }
    | { kind: "removeIssuer"; k: number }
    | { kind: "updateIssuer"; k: number; topics: bigint[] };

  const poolTopicArb = fc.constantFrom(...TOPIC_POOL);
  const topicSetArb = fc.subarray([...TOPIC_POOL], { minLength: 1 });
  const issuerIndexArb = fc.integer({ min: 0, max: 2 });
  const syncStepArb: fc.Arbitrary<SyncStep> = fc.oneof(
    fc.record({ kind: fc.constant("addTopic" as const), topic: poolTopicArb }),
    fc.record({ kind: fc.constant("removeTopic" as const), topic: poolTopicArb }),
    fc.record({ kind: fc.constant("addIssuer" as const), k: issuerIndexArb, topics: topicSetArb }),
    fc.record({ kind: fc.constant("removeIssuer" as const), k: issuerIndexArb }),
    fc.record({ kind: fc.constant("updateIssuer" as const), k: issuerIndexArb, topics: topicSetArb }),
  );

  it("requiredClaimTopics, the trusted pairs and alice's verification always mirror the registries", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(syncStepArb, { minLength: 1, maxLength: MAX_STEPS }), async (steps) => {
        const { suite, accounts, kyc } = await loadFixture(deploySuiteFixture);
        const { owner, alice } = accounts;
        const ctr = suite.topicsRegistry.connect(owner);
        const tir = suite.issuersRegistry.connect(owner);
        const registry = suite.identityRegistry;
        const issuers = [await kyc.issuer.getAddress(), ...dummyAddresses(2, "sync")];
        const required = new Set<bigint>([TOPICS.KYC]);
        const trusted = new Map<string, bigint[]>([[issuers[0], [TOPICS.KYC]]]);
        let generation = await currentGeneration(registry);

        for (const step of steps) {
          const issuer = "k" in step ? issuers[step.k] : "";
          let changed = true;
          switch (step.kind) {
            case "addTopic":
              if (required.has(step.topic)) {
                await expect(ctr.addClaimTopic(step.topic))
                  .to.be.revertedWithCustomError(ctr, "ClaimTopicAlreadyRequired")
                  .withArgs(step.topic);
                changed = false;
              } else {
                await ctr.addClaimTopic(step.topic);
                required.add(step.topic);
              }
              break;
            case "removeTopic":
              if (!required.has(step.topic)) {
                await expect(ctr.removeClaimTopic(step.topic))
                  .to.be.revertedWithCustomError(ctr, "ClaimTopicNotRequired")
                  .withArgs(step.topic);
                changed = false;
              } else {
                await ctr.removeClaimTopic(step.topic);
                required.delete(step.topic);
              }
              break;
            case "addIssuer":
              if (trusted.has(issuer)) {
                await expect(tir.addTrustedIssuer(issuer, step.topics))
                  .to.be.revertedWithCustomError(tir, "TrustedIssuerAlreadyTrusted")
                  .withArgs(issuer);
                changed = false;
              } else {
                await tir.addTrustedIssuer(issuer, step.topics);
                trusted.set(issuer, step.topics);
              }
              break;
            case "removeIssuer":
            case "updateIssuer":
              if (!trusted.has(issuer)) {
                const tx =
                  step.kind === "removeIssuer" ? tir.removeTrustedIssuer(issuer) : tir.updateIssuerClaimTopics(issuer, step.topics);
                await expect(tx).to.be.revertedWithCustomError(tir, "TrustedIssuerNotTrusted").withArgs(issuer);
                changed = false;
              } else if (step.kind === "removeIssuer") {
                await tir.removeTrustedIssuer(issuer);
                trusted.delete(issuer);
              } else {
                await tir.updateIssuerClaimTopics(issuer, step.topics);
                trusted.set(issuer, step.topics);
              }
              break;
          }

          // the registry compiled exactly once per successful change, with the model's counts
          const pairs = [...trusted.values()].reduce((sum, topics) => sum + topics.length, 0);
          const events = await registry.queryFilter(registry.filters.RequirementsCompiled());
          const last = events[events.length - 1].args;
          if (changed) generation += 1n;
          expect(last.generation).to.equal(generation);
          expect(last.requiredTopics).to.equal(BigInt(required.size));
          expect(last.trustedPairs).to.equal(BigInt(pairs));

          const compiled = await registry.requiredClaimTopics();
          expect(compiled).to.deep.equal(await ctr.getClaimTopics());
          expect([...compiled].sort()).to.deep.equal([...required].sort());
          for (const topic of TOPIC_POOL) {
            const expected = [...trusted.entries()].filter(([, topics]) => topics.includes(topic)).map(([a]) => a);
            expect([...(await tir.getTrustedIssuersForClaimTopic(topic))].sort()).to.deep.equal(expected.sort());
          }
          // alice holds only a KYC claim from the KYC provider (issuers[0])
          const kycTrustedForKyc = trusted.get(issuers[0])?.includes(TOPICS.KYC) ?? false;
          const aliceVerified = [...required].every((topic) => topic === TOPICS.KYC && kycTrustedForKyc);
          expect(await registry.isVerified(alice.address)).to.equal(aliceVerified);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

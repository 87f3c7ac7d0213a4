/**
 * Shared by the trust:* tasks: the recorded claim topics and trusted issuers registries, the limits
 * their contracts enforce (read from the contracts, so checks made before sending match what the chain
 * would refuse), and resolution of an issuer given as an address or a recorded contract name.
 *
 * Loaded only inside a task's action (it imports the Hardhat runtime).
 */
import { type Signer, isAddress, getAddress } from "ethers";
import type { ClaimTopicsRegistry, IdentityRegistry, TrustedIssuersRegistry } from "../../typechain-types";
import { ROLES } from "../../scripts/lib/constants";
import type { OperationContext } from "./cli";
import { type ArgumentProblem, UsageError } from "./errors";
import { openRegistries, requireRole } from "./investors";
import type { RecordStore } from "./record";

export interface Trust {
  sender: Signer;
  senderAddress: string;
  registry: IdentityRegistry;
  issuers: TrustedIssuersRegistry;
  topics: ClaimTopicsRegistry;
  limits: { issuers: number; topicsPerIssuer: number; requiredTopics: number; trustedPairs: number };
}

/** Opens the registries with the sender (default: the recorded owner). */
export async function openTrust(ctx: OperationContext, store: RecordStore): Promise<Trust> {
  const sender = await ctx.signer("owner");
  const { registry, issuers, topics } = await openRegistries(store, sender);
  return {
    sender,
    senderAddress: await sender.getAddress(),
    registry,
    issuers,
    topics,
    limits: {
      issuers: Number(await issuers.MAX_TRUSTED_ISSUERS()),
      topicsPerIssuer: Number(await issuers.MAX_TOPICS_PER_ISSUER()),
      requiredTopics: Number(await topics.MAX_CLAIM_TOPICS()),
      trustedPairs: Number(await registry.MAX_TRUSTED_PAIRS()),
    },
  };
}

/** The sender must be DEFAULT_ADMIN on `which` registry. */
export async function requireAdmin(trust: Trust, which: "issuers" | "topics"): Promise<void> {
  const contract = which === "issuers" ? trust.issuers : trust.topics;
  await requireRole(
    contract,
    which === "issuers" ? "issuersRegistry" : "topicsRegistry",
    ROLES.DEFAULT_ADMIN,
    trust.senderAddress,
  );
}

/** An issuer given as an address or a recorded contract name (kycIssuer, claimIssuers.x). */
export function resolveIssuer(store: RecordStore, given: string, argument = "--issuer"): string {
  if (isAddress(given)) return getAddress(given);
  const recorded = store.record.contracts[given];
  if (recorded === undefined) {
    const names = Object.keys(store.record.contracts).filter((n) => /issuer/i.test(n));
    throw new UsageError("bad arguments", [
      {
        argument,
        message: `${JSON.stringify(given)} is neither an address nor a recorded issuer (${names.join(", ")})`,
      },
    ]);
  }
  return recorded;
}

/** Problems with giving an issuer `topics` (caps of the issuers and identity registries). */
export async function topicListProblems(
  trust: Trust,
  issuer: string,
  topics: bigint[],
  argument: string,
): Promise<ArgumentProblem[]> {
  const problems: ArgumentProblem[] = [];
  if (topics.length > trust.limits.topicsPerIssuer) {
    problems.push({
      argument,
      message: `${topics.length} topics: an issuer may be trusted for at most ${trust.limits.topicsPerIssuer} (TrustedIssuerClaimTopicsLimitReached)`,
    });
  }
  // Every issuer/topic pair is compiled into each listening identity registry, which has its own cap.
  let pairs = topics.length;
  for (const other of await trust.issuers.getTrustedIssuers()) {
    if (other.toLowerCase() === issuer.toLowerCase()) continue;
    pairs += (await trust.issuers.getTrustedIssuerClaimTopics(other)).length;
  }
  if (pairs > trust.limits.trustedPairs) {
    problems.push({
      argument,
      message: `${pairs} issuer/topic pairs in all: the identity registry accepts at most ${trust.limits.trustedPairs} (IdentityRegistryTrustedPairsLimitReached)`,
    });
  }
  return problems;
}

/** Sorted copy, for comparing topic sets. */
export function sortedTopics(topics: readonly bigint[]): bigint[] {
  return [...topics].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Whether two topic lists hold the same topics. */
export function sameTopics(a: readonly bigint[], b: readonly bigint[]): boolean {
  const x = sortedTopics(a);
  const y = sortedTopics(b);
  return x.length === y.length && x.every((t, i) => t === y[i]);
}

/**
 * Onboarding investors: each gets an ONCHAINID (an IdentityProxy on the recorded implementation
 * authority, managed by the registrar, with the investor's wallet as a second management key), the KYC
 * issuer's claims for the required topics, the area claims and any extra topics, and is registered in
 * the identity registry with a country. A batch is sent through a Pipeline (explicit nonces, no block
 * wait per transaction) and is resumable: every identity deployment is recorded as pending before it is
 * sent, and a rerun checks the chain (registry.identity, keyHasPurpose, getClaim) before sending anything.
 *
 * Loaded only inside a task's action (it imports the Hardhat runtime).
 */
import { createHash } from "node:crypto";
import { type Signer, type TransactionReceipt, ZeroAddress } from "ethers";
import { ethers } from "hardhat";
import type {
  ClaimIssuer,
  ClaimTopicsRegistry,
  Identity,
  IdentityRegistry,
  TrustedIssuersRegistry,
} from "../../typechain-types";
import { ECDSA_SCHEME, KEY_PURPOSE, ROLES, residenceTopic, workplaceTopic } from "../../scripts/lib/constants";
import { addressKey, claimId, signClaim } from "../../scripts/lib/onchainid";
import type { OperationContext } from "./cli";
import { type ArgumentProblem, OperationFailed, UsageError } from "./errors";
import type { InvestorInput } from "./investor-input";
import { Pipeline } from "./pipeline";
import type { RecordStore } from "./record";

/** The identity layer as recorded by suite:deploy, with the accounts that run it. */
export interface Market {
  registry: IdentityRegistry;
  issuers: TrustedIssuersRegistry;
  topics: ClaimTopicsRegistry;
  kycIssuer: ClaimIssuer;
  kycIssuerAddress: string;
  authority: string;
  registrar: Signer;
  registrarAddress: string;
  /** Topics every investor must carry. */
  required: bigint[];
  /** Topics the KYC issuer is trusted for (empty if it is not trusted). */
  trusted: bigint[];
}

const ROLE_NAMES: Record<string, string> = Object.fromEntries(
  Object.entries(ROLES).map(([name, id]) => [id, name === "DEFAULT_ADMIN" ? "DEFAULT_ADMIN_ROLE" : name]),
);

/** A usage error unless `account` holds `role` on `contract` (an AccessControl contract). */
export async function requireRole(
  contract: { hasRole(role: string, account: string): Promise<boolean>; getAddress(): Promise<string> },
  contractName: string,
  role: string,
  account: string,
): Promise<void> {
  if (await contract.hasRole(role, account)) return;
  throw new UsageError(
    `${account} lacks ${ROLE_NAMES[role] ?? role} on ${contractName} (${await contract.getAddress()}); ` +
      `send with --from an account that holds it`,
  );
}

/** The identity registry and the topic and issuer registries it listens to, connected to `runner`. */
export async function openRegistries(
  store: RecordStore,
  runner: Signer,
): Promise<{ registry: IdentityRegistry; issuers: TrustedIssuersRegistry; topics: ClaimTopicsRegistry }> {
  const at = async <T>(name: string, address: string) =>
    (await ethers.getContractAt(name, address, runner)) as unknown as T;
  const registry = await at<IdentityRegistry>("IdentityRegistry", store.contract("identityRegistry"));
  return {
    registry,
    issuers: await at<TrustedIssuersRegistry>("TrustedIssuersRegistry", await registry.issuersRegistry()),
    topics: await at<ClaimTopicsRegistry>("ClaimTopicsRegistry", await registry.topicsRegistry()),
  };
}

/** A usage error unless `wallet` is in the identity registry; returns its identity. */
export async function requireRegistered(registry: IdentityRegistry, wallet: string): Promise<string> {
  const identity = await registry.identity(wallet);
  if (identity === ZeroAddress) {
    throw new UsageError("bad arguments", [
      { argument: "--wallet", message: `${wallet} is not registered in the identity registry (unknown wallet)` },
    ]);
  }
  return identity;
}

/** Opens the recorded identity layer; `sender` is the account that will send (default: the registrar). */
export async function openMarket(ctx: OperationContext, store: RecordStore, sender?: Signer): Promise<Market> {
  const registrar = sender ?? (await ctx.signer("registrar"));
  const { registry, issuers, topics } = await openRegistries(store, registrar);
  const kycIssuerAddress = store.contract("kycIssuer");
  const kycIssuer = (await ethers.getContractAt("ClaimIssuer", kycIssuerAddress, registrar)) as unknown as ClaimIssuer;
  const trusted = (await issuers.isTrustedIssuer(kycIssuerAddress))
    ? await issuers.getTrustedIssuerClaimTopics(kycIssuerAddress)
    : [];
  return {
    registry,
    issuers,
    topics,
    kycIssuer,
    kycIssuerAddress,
    authority: store.contract("identityAuthority"),
    registrar,
    registrarAddress: await registrar.getAddress(),
    required: [...(await topics.getClaimTopics())],
    trusted: [...trusted],
  };
}

/** The KYC signer's key (record.accounts.kycSigner), or a usage error. */
export async function kycSignerOf(store: RecordStore): Promise<Signer> {
  const address = store.record.accounts.kycSigner;
  if (address === undefined) throw new UsageError("no kycSigner in the deployment record; run suite:deploy first");
  const signer = (await ethers.getSigners()).find((s) => s.address.toLowerCase() === address.toLowerCase());
  if (!signer) throw new UsageError(`the KYC signer ${address} has no key on this network`);
  return signer;
}

/** Every claim topic an investor gets: required, residence, workplace, then extra topics (no repeats). */
export function topicsOf(input: InvestorInput, required: bigint[]): bigint[] {
  const all = [...required];
  if (input.municipality !== undefined) all.push(residenceTopic(input.municipality));
  if (input.workplace !== undefined) all.push(workplaceTopic(input.workplace));
  all.push(...input.topics);
  return [...new Set(all)];
}

/** What a topic is, for messages. */
export function describeTopic(topic: bigint): string {
  if (topic > 100_000_000n && topic < 200_000_000n)
    return `residence topic ${topic} (municipality ${topic - 100_000_000n})`;
  if (topic > 200_000_000n && topic < 300_000_000n)
    return `workplace topic ${topic} (municipality ${topic - 200_000_000n})`;
  return `topic ${topic}`;
}

/**
 * Problems for topics the KYC issuer is not trusted for (its claims would be worthless), telling the
 * operator which trust:update-issuer command fixes it.
 */
export function untrustedTopicProblems(market: Market, wanted: bigint[], argument: string): ArgumentProblem[] {
  const missing = [...new Set(wanted)].filter((t) => !market.trusted.includes(t));
  if (missing.length === 0) return [];
  const fix = [...market.trusted, ...missing].join(",");
  return missing.map((topic) => ({
    argument,
    message:
      `the KYC issuer ${market.kycIssuerAddress} is not trusted for ${describeTopic(topic)}; ` +
      `run trust:update-issuer --issuer kycIssuer --topics ${fix} first`,
  }));
}

async function identityAt(address: string, runner: Signer): Promise<Identity> {
  return (await ethers.getContractAt("Identity", address, runner)) as unknown as Identity;
}

/** Runs `fn` over `items` with at most `limit` at once, keeping order. */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return out;
}

/** The key under which a batch's progress is recorded: the same input resumes the same operation. */
export function operationKey(inputs: InvestorInput[]): string {
  const canonical = JSON.stringify(inputs, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  return `investor:register:${createHash("sha256").update(canonical).digest("hex").slice(0, 16)}`;
}

interface Plan {
  input: InvestorInput;
  topics: bigint[];
  identity: string;
  deploy: boolean;
  addKey: boolean;
  claims: bigint[];
  register: boolean;
  signatures: string[];
}

/** One row of the register result. */
export type RegisteredRow = {
  wallet: string;
  identity: string;
  country: number;
  municipality?: number;
  topics: string;
  status: "registered" | "completed" | "already done";
};

/** Registers `inputs` (already checked against the market); resumes the operation `key` if it was begun. */
export async function registerInvestors(
  ctx: OperationContext,
  store: RecordStore,
  market: Market,
  inputs: InvestorInput[],
): Promise<{ rows: RegisteredRow[]; sent: number; gasUsed: bigint; gasLimits: Record<string, bigint>; key: string }> {
  const record = store.record;
  const key = operationKey(inputs);
  const resuming = record.operations[key] !== undefined;
  const kycSigner = await kycSignerOf(store);
  const registrarKey = addressKey(market.registrarAddress);
  const pipeline = new Pipeline(ethers.provider, market.registrarAddress);
  // Transactions an earlier (killed) run left in the pool are mined before the chain is read.
  await pipeline.start();

  const problems: ArgumentProblem[] = [];
  const plans = await mapLimit(inputs, 16, async (input): Promise<Plan> => {
    const topics = topicsOf(input, market.required);
    const plan: Plan = {
      input,
      topics,
      identity: ZeroAddress,
      deploy: false,
      addKey: false,
      claims: [],
      register: false,
      signatures: [],
    };
    const registered = await market.registry.identity(input.wallet);
    const pending = record.pending[`identity.${input.wallet}`];
    const ours = (address: string) =>
      address === record.investors[input.wallet]?.identity || address === pending?.address;
    if (registered !== ZeroAddress) {
      if (!resuming || !ours(registered)) {
        problems.push({
          argument: "--wallet",
          message: `${input.wallet} is already registered (identity ${registered}); use investor:update to change it`,
        });
        return plan;
      }
      plan.identity = registered;
    } else {
      plan.register = true;
      // An identity an earlier run deployed (pending, or finished but whose registration a restarted node
      // lost) is adopted if it is there and managed by the registrar; it is never deployed a second time.
      const candidates = [pending?.address, record.investors[input.wallet]?.identity].filter((a) => a !== undefined);
      for (const address of candidates) {
        if ((await ethers.provider.getCode(address)) === "0x") continue;
        const candidate = await identityAt(address, market.registrar);
        if (await candidate.keyHasPurpose(registrarKey, KEY_PURPOSE.MANAGEMENT)) {
          plan.identity = address;
          break;
        }
      }
      if (plan.identity === ZeroAddress) {
        plan.deploy = true;
        plan.addKey = true;
        plan.claims = topics;
        return plan;
      }
    }
    const identity = await identityAt(plan.identity, market.registrar);
    plan.addKey = !(await identity.keyHasPurpose(addressKey(input.wallet), KEY_PURPOSE.MANAGEMENT));
    for (const topic of topics) {
      if ((await identity.getClaim(claimId(market.kycIssuerAddress, topic))).issuer === ZeroAddress)
        plan.claims.push(topic);
    }
    return plan;
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, 20);
    if (problems.length > 20) shown.push({ argument: "", message: `... and ${problems.length - 20} more` });
    throw new UsageError("investors already registered", shown);
  }

  // Nonces and the address of every identity, recorded as pending before anything is sent.
  let offset = 0;
  for (const plan of plans) {
    if (plan.deploy) {
      // Addresses recorded by a run whose transactions a restarted node lost may now belong to another
      // investor's new identity: forget them before recording the new plan.
      delete record.investors[plan.input.wallet];
      plan.identity = pipeline.createAddress(offset);
      record.pending[`identity.${plan.input.wallet}`] = {
        from: market.registrarAddress,
        nonce: pipeline.nextNonce + offset,
        address: plan.identity,
      };
    }
    offset += (plan.deploy ? 1 : 0) + (plan.addKey ? 1 : 0) + plan.claims.length + (plan.register ? 1 : 0);
  }
  record.operations[key] = {
    task: "investor:register",
    status: "running",
    investors: inputs.length,
    startedAt: record.operations[key]?.startedAt ?? new Date().toISOString(),
  };
  store.save();

  await mapLimit(plans, 16, async (plan) => {
    for (const topic of plan.claims) plan.signatures.push(await signClaim(kycSigner, plan.identity, topic));
  });

  const proxyFactory = await ethers.getContractFactory("IdentityProxy");
  const identityInterface = (await ethers.getContractFactory("Identity")).interface;
  const registryAddress = await market.registry.getAddress();
  const rows: RegisteredRow[] = [];
  const progress = ctx.progress("register investors", plans.length);
  let lastSave = Date.now();
  const finish = (plan: Plan) => {
    const { input } = plan;
    record.investors[input.wallet] = {
      identity: plan.identity,
      country: input.country,
      ...(input.municipality !== undefined ? { municipality: input.municipality } : {}),
    };
    delete record.pending[`identity.${input.wallet}`];
    const sentAny = plan.deploy || plan.addKey || plan.claims.length > 0 || plan.register;
    rows.push({
      wallet: input.wallet,
      identity: plan.identity,
      country: input.country,
      municipality: input.municipality,
      topics: plan.topics.join(","),
      status: plan.deploy ? "registered" : sentAny ? "completed" : "already done",
    });
    progress.tick();
    if (Date.now() - lastSave > 1000) {
      store.save();
      lastSave = Date.now();
    }
  };
  try {
    for (const plan of plans) {
      const { input } = plan;
      const steps: {
        kind: string;
        action: string;
        to?: string;
        data: string;
        onMined?: (r: TransactionReceipt) => void;
      }[] = [];
      if (plan.deploy) {
        const { data } = await proxyFactory.getDeployTransaction(market.authority, market.registrarAddress);
        const action = `deploy the identity of ${input.wallet}`;
        steps.push({
          kind: "deploy identity",
          action,
          data,
          onMined: (receipt) => {
            // Another sender using the registrar's key would shift every nonce after this one.
            if (receipt.contractAddress !== plan.identity) {
              throw new OperationFailed(
                action,
                `created ${receipt.contractAddress}, not ${plan.identity} (nonce taken by another sender?)`,
              );
            }
          },
        });
      }
      if (plan.addKey) {
        steps.push({
          kind: "add key",
          action: `add ${input.wallet} as a management key of its identity`,
          to: plan.identity,
          data: identityInterface.encodeFunctionData("addKey", [addressKey(input.wallet), KEY_PURPOSE.MANAGEMENT, 1n]),
        });
      }
      plan.claims.forEach((topic, i) =>
        steps.push({
          kind: "add claim",
          action: `add claim ${topic} to the identity of ${input.wallet}`,
          to: plan.identity,
          data: identityInterface.encodeFunctionData("addClaim", [
            topic,
            ECDSA_SCHEME,
            market.kycIssuerAddress,
            plan.signatures[i],
            "0x",
            "",
          ]),
        }),
      );
      if (plan.register) {
        steps.push({
          kind: "register",
          action: `register ${input.wallet}`,
          to: registryAddress,
          data: market.registry.interface.encodeFunctionData("registerIdentity", [
            input.wallet,
            plan.identity,
            input.country,
          ]),
        });
      }
      if (steps.length === 0) {
        finish(plan);
        continue;
      }
      for (const [i, step] of steps.entries()) {
        const last = i === steps.length - 1;
        await pipeline.submit({
          ...step,
          onMined: (receipt) => {
            step.onMined?.(receipt);
            if (last) finish(plan);
          },
        });
      }
    }
    await pipeline.drain();
  } finally {
    progress.stop();
    store.save();
  }
  record.operations[key] = { ...record.operations[key], status: "done", finishedAt: new Date().toISOString() };
  store.save();
  const order = new Map(inputs.map((input, i) => [input.wallet, i]));
  rows.sort((a, b) => order.get(a.wallet)! - order.get(b.wallet)!);
  return {
    rows,
    sent: pipeline.counts.sent,
    gasUsed: pipeline.counts.gasUsed,
    gasLimits: Object.fromEntries(pipeline.gasLimits),
    key,
  };
}

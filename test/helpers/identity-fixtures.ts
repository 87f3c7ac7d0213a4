import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { AbiCoder, concat, dataSlice, getAddress, id, toBeHex, type Signer } from "ethers";
import { deploySuiteFixture } from "../fixtures/suite.fixture";
import { COUNTRY, ECDSA_SCHEME, TOPICS } from "../../scripts/lib/constants";
import { claimId, deployClaimIssuer, deployIdentity, issueClaim, signClaim } from "../../scripts/lib/onchainid";
import type {
  ClaimIssuer,
  ClaimTopicsRegistry,
  Identity,
  IdentityRegistry,
  IdentityRegistryStorage,
  TrustedIssuersRegistry,
} from "../../typechain-types";

/**
 * Layered fixtures and small helpers for the identity test suite (test/identity/*). Everything here is
 * built on `deploySuiteFixture`; no contract outside ONCHAINID's own and kosai's is deployed, except the
 * raw-bytecode stub of {deployConstantReturner}.
 */

/** A claim issuer and the key that manages it (and therefore signs its claims). */
export interface Provider {
  issuer: ClaimIssuer;
  key: Signer;
}

/** Signers the base fixture does not use (it takes the first ten). */
export async function spareSigners() {
  const signers = await ethers.getSigners();
  return {
    kyc2Key: signers[10],
    attackerKey: signers[11],
    amlKey: signers[12],
    newIssuerKey: signers[13],
    writer: signers[14],
    frank: signers[15],
  };
}

/** The signature stored on `identity` under claim id keccak256(issuer, topic) ("0x" if none). */
export async function storedSignature(identity: Identity, issuer: string, topic: bigint): Promise<string> {
  const claim = await identity.getClaim(claimId(issuer, topic));
  return claim.signature;
}

/** The generation of the last `RequirementsCompiled` event of `registry`. */
export async function currentGeneration(registry: IdentityRegistry): Promise<bigint> {
  const events = await registry.queryFilter(registry.filters.RequirementsCompiled());
  if (events.length === 0) throw new Error("no RequirementsCompiled event");
  return events[events.length - 1].args.generation;
}

/** `count` distinct, deterministic addresses that hold no code (for cap tests). */
export function dummyAddresses(count: number, label = "dummy"): string[] {
  return Array.from({ length: count }, (_, i) => getAddress(dataSlice(id(`kosai.test.${label}.${i}`), 12)));
}

/** `count` distinct topic numbers starting at `from`. */
export function topicRange(count: number, from = 1000n): bigint[] {
  return Array.from({ length: count }, (_, i) => from + BigInt(i));
}

/**
 * Deploys a contract that answers every call with the same `returnData` (hand-written EVM bytecode:
 * CODECOPY the payload, RETURN it). Used as a stand-in claim topics registry whose `getClaimTopics()`
 * returns more topics than kosai's own ClaimTopicsRegistry can hold, without adding a Solidity mock.
 */
export async function deployConstantReturner(deployer: Signer, returnData: string): Promise<string> {
  const payloadLength = (returnData.length - 2) / 2;
  const u16 = (n: number) => toBeHex(n, 2);
  // runtime: PUSH2 len PUSH2 15 PUSH1 0 CODECOPY PUSH2 len PUSH1 0 RETURN <payload>
  const runtime = concat(["0x61", u16(payloadLength), "0x61", u16(15), "0x600039", "0x61", u16(payloadLength), "0x6000f3", returnData]);
  const runtimeLength = (runtime.length - 2) / 2;
  // init: PUSH2 rlen DUP1 PUSH2 13 PUSH1 0 CODECOPY PUSH1 0 RETURN <runtime>
  const init = concat(["0x61", u16(runtimeLength), "0x80", "0x61", u16(13), "0x600039", "0x6000f3", runtime]);
  const tx = await deployer.sendTransaction({ data: init });
  const receipt = await tx.wait();
  if (!receipt?.contractAddress) throw new Error("stub not deployed");
  return receipt.contractAddress;
}

/** ABI encoding of a `uint256[]` return value. */
export function encodeTopics(topics: bigint[]): string {
  return AbiCoder.defaultAbiCoder().encode(["uint256[]"], [topics]);
}

/** Deploys a fresh ClaimTopicsRegistry / TrustedIssuersRegistry / IdentityRegistryStorage owned by `owner`. */
export async function deployTopicsRegistry(owner: Signer): Promise<ClaimTopicsRegistry> {
  const factory = await ethers.getContractFactory("ClaimTopicsRegistry", owner);
  return (await factory.deploy(await owner.getAddress())) as unknown as ClaimTopicsRegistry;
}

export async function deployIssuersRegistry(owner: Signer): Promise<TrustedIssuersRegistry> {
  const factory = await ethers.getContractFactory("TrustedIssuersRegistry", owner);
  return (await factory.deploy(await owner.getAddress())) as unknown as TrustedIssuersRegistry;
}

export async function deployIdentityStorage(owner: Signer): Promise<IdentityRegistryStorage> {
  const factory = await ethers.getContractFactory("IdentityRegistryStorage", owner);
  return (await factory.deploy(await owner.getAddress())) as unknown as IdentityRegistryStorage;
}

/** Deploys another IdentityRegistry owned by `owner` on the given storage and registries. */
export async function deployIdentityRegistry(
  owner: Signer,
  identityStorage: string,
  topicsRegistry: string,
  issuersRegistry: string,
): Promise<IdentityRegistry> {
  const factory = await ethers.getContractFactory("IdentityRegistry", owner);
  const registry = await factory.deploy(await owner.getAddress(), identityStorage, topicsRegistry, issuersRegistry);
  await registry.waitForDeployment();
  return registry as unknown as IdentityRegistry;
}

/** Has `provider` sign a claim with explicit `data` and the identity's owner store it. Returns the signature. */
export async function issueClaimWithData(
  identity: Identity,
  identityOwner: Signer,
  provider: Provider,
  topic: bigint,
  data: string,
): Promise<string> {
  return issueClaim({ identity, identityOwner, issuer: provider.issuer, issuerKey: provider.key, topic, data });
}

/** Builds the `addClaim` call an identity owner would make for a claim signed by `signingKey` but naming `issuer`. */
export async function addForgedClaim(
  identity: Identity,
  identityOwner: Signer,
  issuer: string,
  signingKey: Signer,
  topic: bigint,
  data = "0x",
) {
  const signature = await signClaim(signingKey, await identity.getAddress(), topic, data);
  return identity.connect(identityOwner).addClaim(topic, ECDSA_SCHEME, issuer, signature, data, "");
}

/**
 * Base scenario plus a second KYC provider (`kyc2`) trusted for KYC; alice holds a KYC claim from both
 * providers, bob and charlie only from the first.
 */
export async function withSecondKycProviderFixture() {
  const context = await loadFixture(deploySuiteFixture);
  const { kyc2Key } = await spareSigners();
  const kyc2: Provider = { issuer: await deployClaimIssuer(kyc2Key), key: kyc2Key };
  await (
    await context.suite.issuersRegistry.connect(context.accounts.owner).addTrustedIssuer(kyc2.issuer, [TOPICS.KYC])
  ).wait();
  const { alice } = context.investors;
  await issueClaim({ identity: alice.identity, identityOwner: alice.wallet, issuer: kyc2.issuer, issuerKey: kyc2Key, topic: TOPICS.KYC });
  return { ...context, kyc2 };
}

/**
 * Base scenario plus an attacker: a real ONCHAINID ClaimIssuer nobody trusts, and dave registered with an
 * identity that holds a KYC claim signed by it.
 */
export async function withAttackerFixture() {
  const context = await loadFixture(deploySuiteFixture);
  const { attackerKey } = await spareSigners();
  const attacker: Provider = { issuer: await deployClaimIssuer(attackerKey), key: attackerKey };
  const { dave } = context.accounts;
  const daveIdentity = await deployIdentity(dave);
  const attackerSignature = await issueClaim({
    identity: daveIdentity,
    identityOwner: dave,
    issuer: attacker.issuer,
    issuerKey: attackerKey,
    topic: TOPICS.KYC,
  });
  await (
    await context.suite.identityRegistry
      .connect(context.accounts.registrar)
      .registerIdentity(dave.address, daveIdentity, COUNTRY.JP)
  ).wait();
  return { ...context, attacker, daveIdentity, attackerSignature };
}

/**
 * Base scenario where the KYC provider is also trusted for AML and alice (only) holds an AML claim from it;
 * AML is not required yet.
 */
export async function withAmlClaimFixture() {
  const context = await loadFixture(deploySuiteFixture);
  const { owner, alice } = context.accounts;
  await (
    await context.suite.issuersRegistry.connect(owner).updateIssuerClaimTopics(context.kyc.issuer, [TOPICS.KYC, TOPICS.AML])
  ).wait();
  const amlSignature = await issueClaim({
    identity: context.investors.alice.identity,
    identityOwner: alice,
    issuer: context.kyc.issuer,
    issuerKey: context.kyc.key,
    topic: TOPICS.AML,
  });
  return { ...context, amlSignature };
}

import { AbiCoder, ContractFactory, getBytes, keccak256, type BytesLike, type Signer } from "ethers";
// ONCHAINID's ImplementationAuthority is compiled against OpenZeppelin 4, so kosai uses the package's own
// build of it rather than recompiling it.
import { contracts as onchainIdArtifacts } from "@onchain-id/solidity";
import { ethers } from "hardhat";
import { ECDSA_SCHEME } from "./constants";
import type { ClaimIssuer, Identity, IdentityCloneFactory } from "../../typechain-types";

/**
 * ONCHAINID helpers: the contracts are ONCHAINID's own (compiled from @onchain-id/solidity unchanged);
 * these functions only deploy them and sign claims the way a claim issuer's back office would.
 */

/** Deploys a ClaimIssuer whose management key (which may sign claims) is `manager`. */
export async function deployClaimIssuer(manager: Signer): Promise<ClaimIssuer> {
  const factory = await ethers.getContractFactory("ClaimIssuer", manager);
  const issuer = await factory.deploy(await manager.getAddress());
  await issuer.waitForDeployment();
  return issuer as unknown as ClaimIssuer;
}

/**
 * Deploys ONCHAINID's identity infrastructure: one Identity implementation (as a library) and the
 * ImplementationAuthority every IdentityProxy reads it from. Returns the authority's address.
 */
export async function deployIdentityAuthority(deployer: Signer): Promise<string> {
  const implementationFactory = await ethers.getContractFactory("Identity", deployer);
  const implementation = await implementationFactory.deploy(await deployer.getAddress(), true);
  await implementation.waitForDeployment();
  const artifact = onchainIdArtifacts.ImplementationAuthority;
  const authority = await new ContractFactory(artifact.abi, artifact.bytecode, deployer).deploy(
    await implementation.getAddress(),
  );
  await authority.waitForDeployment();
  return authority.getAddress();
}

/**
 * Deploys an investor's ONCHAINID with `owner` as its management key: an IdentityProxy on `authority`
 * (the way ONCHAINID deploys identities in production), or, without an authority, a standalone Identity.
 */
export async function deployIdentity(owner: Signer, authority?: string, deployer: Signer = owner): Promise<Identity> {
  const ownerAddress = await owner.getAddress();
  if (authority === undefined) {
    const factory = await ethers.getContractFactory("Identity", deployer);
    const identity = await factory.deploy(ownerAddress, false);
    await identity.waitForDeployment();
    return identity as unknown as Identity;
  }
  const proxyFactory = await ethers.getContractFactory("IdentityProxy", deployer);
  const proxy = await proxyFactory.deploy(authority, ownerAddress);
  await proxy.waitForDeployment();
  return (await ethers.getContractAt("Identity", await proxy.getAddress())) as unknown as Identity;
}

/**
 * Deploys an IdentityCloneFactory over the Identity implementation that `authority` points to (deployed
 * in library mode by {deployIdentityAuthority}, so it can be neither initialized nor used directly).
 */
export async function deployIdentityCloneFactory(deployer: Signer, authority: string): Promise<IdentityCloneFactory> {
  const artifact = onchainIdArtifacts.ImplementationAuthority;
  const implementation = (await new ethers.Contract(authority, artifact.abi, deployer).getImplementation()) as string;
  const factory = await (await ethers.getContractFactory("IdentityCloneFactory", deployer)).deploy(implementation);
  await factory.waitForDeployment();
  return factory as unknown as IdentityCloneFactory;
}

/**
 * Creates an investor's ONCHAINID with `owner` as its management key as a minimal clone (created and
 * initialized in one transaction by the factory); `sender` pays for it.
 */
export async function createIdentityClone(
  factory: IdentityCloneFactory,
  owner: Signer,
  sender: Signer = owner,
): Promise<Identity> {
  const ownerAddress = await owner.getAddress();
  const receipt = await (await factory.connect(sender).createIdentity(ownerAddress)).wait();
  const created = receipt!.logs
    .map((log) => factory.interface.parseLog(log))
    .find((parsed) => parsed !== null && parsed.name === "IdentityCreated");
  if (!created) throw new Error("no IdentityCreated event");
  return (await ethers.getContractAt("Identity", created.args.identity as string)) as unknown as Identity;
}

/** The message a claim issuer signs: keccak256(abi.encode(identity, topic, data)), EIP-191 prefixed. */
export function claimDigest(identity: string, topic: bigint, data: BytesLike): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["address", "uint256", "bytes"], [identity, topic, data]));
}

/** Signs a claim for `identity` with the issuer's signing key. */
export async function signClaim(
  signingKey: Signer,
  identity: string,
  topic: bigint,
  data: BytesLike = "0x",
): Promise<string> {
  return signingKey.signMessage(getBytes(claimDigest(identity, topic, data)));
}

/** Has the issuer sign a claim and the identity's owner store it on the identity. Returns the signature. */
export async function issueClaim(args: {
  identity: Identity;
  identityOwner: Signer;
  issuer: ClaimIssuer;
  issuerKey: Signer;
  topic: bigint;
  data?: BytesLike;
}): Promise<string> {
  const data = args.data ?? "0x";
  const identityAddress = await args.identity.getAddress();
  const signature = await signClaim(args.issuerKey, identityAddress, args.topic, data);
  const tx = await args.identity
    .connect(args.identityOwner)
    .addClaim(args.topic, ECDSA_SCHEME, await args.issuer.getAddress(), signature, data, "");
  await tx.wait();
  return signature;
}

/** The ONCHAINID claim id: keccak256(abi.encode(issuer, topic)). */
export function claimId(issuer: string, topic: bigint): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [issuer, topic]));
}

/** The ONCHAINID key of an address: keccak256(abi.encode(address)). */
export function addressKey(address: string): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["address"], [address]));
}

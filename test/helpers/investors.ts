/**
 * Helpers for the investor and trust CLI suites: raw JSON-RPC reads (nonces, calls) against a chain in
 * another process, investor files, and a market deployed by suite:deploy with the standard accounts.
 */
import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { AbiCoder, Interface, getAddress, hexlify, keccak256, randomBytes } from "ethers";
import { type Chain, runTask } from "./cli";

/** The hardhat node's / anvil's standard accounts by role. */
export const ACCOUNTS = {
  owner: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
  registrar: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  kycSigner: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
  investor: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
  other: "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
  stranger: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
} as const;

/** One JSON-RPC call. */
export async function rpc<T = string>(chain: Pick<Chain, "url">, method: string, params: unknown[] = []): Promise<T> {
  const response = await fetch(chain.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** An account's mined transaction count. */
export async function nonceOf(chain: Pick<Chain, "url">, address: string): Promise<number> {
  return Number(await rpc(chain, "eth_getTransactionCount", [address, "latest"]));
}

/** The nonces of the accounts that could send (owner, registrar, KYC signer, stranger). */
export async function senderNonces(chain: Pick<Chain, "url">): Promise<number[]> {
  return Promise.all(
    [ACCOUNTS.owner, ACCOUNTS.registrar, ACCOUNTS.kycSigner, ACCOUNTS.stranger].map((a) => nonceOf(chain, a)),
  );
}

/** A read-only call decoded with a human-readable ABI fragment. */
export async function view<T = unknown>(
  chain: Pick<Chain, "url">,
  to: string,
  fragment: string,
  args: unknown[] = [],
): Promise<T> {
  const iface = new Interface([fragment]);
  const name = iface.fragments[0] as unknown as { name: string };
  const data = iface.encodeFunctionData(name.name, args);
  const result = await rpc(chain, "eth_call", [{ to, data }, "latest"]);
  const decoded = iface.decodeFunctionResult(name.name, result);
  return (decoded.length === 1 ? decoded[0] : decoded) as T;
}

/** The ONCHAINID key of an address. */
export function keyOf(address: string): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["address"], [address]));
}

/** The ONCHAINID claim id of (issuer, topic). */
export function claimIdOf(issuer: string, topic: bigint): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [issuer, topic]));
}

/** `count` fresh wallet addresses (no keys needed: investors only receive identities). */
export function randomWallets(count: number): string[] {
  return Array.from({ length: count }, () => getAddress(hexlify(randomBytes(20))));
}

/** Writes a CSV investor file and returns its path. */
export function writeCsv(dir: string, name: string, rows: string[][]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, ["wallet,country,municipality,topics", ...rows.map((r) => r.join(","))].join("\n") + "\n");
  return file;
}

/** The deployment record of the `localhost` network in `dir`. */
export function readRecord(dir: string): {
  contracts: Record<string, string>;
  investors: Record<string, { identity: string; country: number; municipality?: number }>;
  pending: Record<string, unknown>;
  operations: Record<string, Record<string, unknown>>;
} {
  return JSON.parse(fs.readFileSync(path.join(dir, "localhost.json"), "utf8"));
}

/** suite:deploy with the registrar (#1) and KYC signer (#2) roles on their own accounts. */
export async function deployMarket(chain: Pick<Chain, "url">, dir: string): Promise<void> {
  const run = await runTask(chain, dir, [
    "suite:deploy",
    "--registrar",
    ACCOUNTS.registrar,
    "--kyc-signer",
    ACCOUNTS.kycSigner,
    "--json",
  ]);
  expect(run.code, run.stderr).to.equal(0);
}

/**
 * Checks on chain that `wallet` is registered with exactly one identity holding exactly the KYC issuer's
 * claims for `topics` (one claim id per topic) and the wallet as a management key.
 */
export async function expectRegistered(
  chain: Pick<Chain, "url">,
  record: ReturnType<typeof readRecord>,
  wallet: string,
  topics: bigint[],
  country = 392,
): Promise<string> {
  const registry = record.contracts.identityRegistry;
  const identity = await view<string>(chain, registry, "function identity(address) view returns (address)", [wallet]);
  expect(identity, `${wallet} registered`).to.not.equal("0x0000000000000000000000000000000000000000");
  expect(
    Number(await view(chain, registry, "function investorCountry(address) view returns (uint16)", [wallet])),
  ).to.equal(country);
  expect(await view(chain, registry, "function isVerified(address) view returns (bool)", [wallet])).to.equal(true);
  expect(
    await view(chain, identity, "function keyHasPurpose(bytes32,uint256) view returns (bool)", [keyOf(wallet), 1n]),
  ).to.equal(true);
  for (const topic of topics) {
    const ids = await view<string[]>(chain, identity, "function getClaimIdsByTopic(uint256) view returns (bytes32[])", [
      topic,
    ]);
    expect([...ids], `claims of ${wallet} for topic ${topic}`).to.deep.equal([
      claimIdOf(record.contracts.kycIssuer, topic),
    ]);
  }
  return identity;
}

/**
 * Runs a task that must be refused as bad input: exit 2, `message` on stderr, no stack trace, and no
 * transaction sent by any account that could send.
 */
export async function expectRefused(
  chain: Pick<Chain, "url">,
  dir: string,
  args: string[],
  message: string | RegExp,
): Promise<void> {
  const before = await senderNonces(chain);
  const run = await runTask(chain, dir, args);
  expect(run.code, run.stdout + run.stderr).to.equal(2);
  if (typeof message === "string") expect(run.stderr).to.contain(message);
  else expect(run.stderr).to.match(message);
  expect(run.stderr).to.not.match(/\n\s+at /);
  expect(await senderNonces(chain)).to.deep.equal(before);
}

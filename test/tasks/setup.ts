/**
 * Test-only set-up for the CLI suites of the bond tasks, until investor:register exists: registers
 * wallets as verified investors on a running node, directly over JSON-RPC with the node's unlocked
 * accounts and the addresses of the deployment record (suite:deploy's defaults: account #0 is owner,
 * registrar and KYC signer). Also the chain helpers those suites share (nonce, time travel).
 */
import fs from "node:fs";
import path from "node:path";
import { JsonRpcProvider, Wallet } from "ethers";
import { IdentityProxy__factory, IdentityRegistry__factory, Identity__factory } from "../../typechain-types";
import { COUNTRY, ECDSA_SCHEME, TOPICS } from "../../scripts/lib/constants";
import { signClaim } from "../../scripts/lib/onchainid";
import { expect } from "chai";
import { type Chain, runTask } from "../helpers/cli";

/** Hardhat node account #0 (owner, registrar and KYC signer of a default suite:deploy). */
export const OWNER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const OWNER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/** The deployment record the tasks wrote in `dir`. */
export function recordOf(dir: string) {
  return JSON.parse(fs.readFileSync(path.join(dir, "localhost.json"), "utf8"));
}

async function rpc(chain: Pick<Chain, "url">, method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetch(chain.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** The account's mined transaction count. */
export async function nonceOf(chain: Pick<Chain, "url">, address: string): Promise<number> {
  return Number(await rpc(chain, "eth_getTransactionCount", [address, "latest"]));
}

/** The latest block number. */
export async function blockNumber(chain: Pick<Chain, "url">): Promise<number> {
  return Number(await rpc(chain, "eth_blockNumber"));
}

/** eth_call of `data` at `to`, the result's hex. */
export async function callAt(chain: Pick<Chain, "url">, to: string, data: string): Promise<string> {
  return (await rpc(chain, "eth_call", [{ to, data }, "latest"])) as string;
}

/** Sends a transaction from an unlocked node account and waits until it is mined. */
export async function sendFrom(chain: Pick<Chain, "url">, from: string, to: string, data: string): Promise<void> {
  const hash = await rpc(chain, "eth_sendTransaction", [{ from, to, data }]);
  for (let i = 0; i < 100 && (await rpc(chain, "eth_getTransactionReceipt", [hash])) === null; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Moves the chain's clock forward and mines a block. */
export async function increaseTime(chain: Pick<Chain, "url">, seconds: number): Promise<void> {
  await rpc(chain, "evm_increaseTime", [seconds]);
  await rpc(chain, "evm_mine");
}

/** The latest block's timestamp. */
export async function chainTime(chain: Pick<Chain, "url">): Promise<number> {
  const block = (await rpc(chain, "eth_getBlockByNumber", ["latest", false])) as { timestamp: string };
  return Number(block.timestamp);
}

/**
 * Gives `wallets` one ONCHAINID (managed by the owner) carrying the KYC issuer's claims for `topics`, and
 * registers every wallet to it in Japan. Returns the identity.
 */
export async function registerInvestors(
  chain: Pick<Chain, "url">,
  dir: string,
  wallets: string[],
  topics: bigint[] = [TOPICS.KYC, TOPICS.INDIVIDUAL, TOPICS.ADULT],
): Promise<string> {
  const record = recordOf(dir);
  const provider = new JsonRpcProvider(chain.url, undefined, { staticNetwork: true, batchMaxCount: 1 });
  const owner = await provider.getSigner(OWNER);
  const kyc = new Wallet(OWNER_KEY);
  const proxy = await new IdentityProxy__factory(owner).deploy(record.contracts.identityAuthority, OWNER);
  await proxy.waitForDeployment();
  const identityAddress = await proxy.getAddress();
  const identity = Identity__factory.connect(identityAddress, owner);
  for (const topic of topics) {
    const signature = await signClaim(kyc, identityAddress, topic);
    await (await identity.addClaim(topic, ECDSA_SCHEME, record.contracts.kycIssuer, signature, "0x", "")).wait();
  }
  const registry = IdentityRegistry__factory.connect(record.contracts.identityRegistry, owner);
  for (let i = 0; i < wallets.length; i += 100) {
    const chunk = wallets.slice(i, i + 100);
    await (
      await registry.batchRegisterIdentity(
        chunk,
        chunk.map(() => identityAddress),
        chunk.map(() => COUNTRY.JP),
      )
    ).wait();
  }
  provider.destroy();
  return identityAddress;
}

/** `count` deterministic wallet addresses that are not node accounts (holders without keys). */
export function syntheticWallets(count: number, seed = 1): string[] {
  return Array.from(
    { length: count },
    (_, i) => new Wallet(`0x${(BigInt(seed) * 1_000_000n + BigInt(i + 1)).toString(16).padStart(64, "0")}`).address,
  );
}

/**
 * Runs a task that must be refused before sending: exit 2, `message` on stderr, no stack trace, and the
 * nonce of `sender` (the account the task would send from) unchanged.
 */
export async function expectRefused(
  chain: Pick<Chain, "url">,
  dir: string,
  args: string[],
  message: string | RegExp,
  sender = OWNER,
): Promise<void> {
  const before = await nonceOf(chain, sender);
  const result = await runTask(chain, dir, args);
  expect(result.code, `${args.join(" ")}\n${result.stdout}\n${result.stderr}`).to.equal(2);
  if (typeof message === "string") expect(result.stderr).to.contain(message);
  else expect(result.stderr).to.match(message);
  expect(result.stderr).not.to.match(/\n\s+at /);
  expect(await nonceOf(chain, sender), "nothing sent").to.equal(before);
}

/**
 * Generator for a Hyperledger Besu QBFT network: the production target of kosai (TOOLING.md "Besu").
 *
 * Pure functions turn options into file texts (`planBesuNetwork`); `writeBesuNetwork` is the only part that touches
 * the file system. Formats follow Besu's documentation, and test/scripts/besu.test.ts checks them byte for byte
 * against the documented samples:
 * - genesis and `extraData`: https://besu.hyperledger.org/private-networks/how-to/configure/consensus/qbft
 * - `static-nodes.json`: https://besu.hyperledger.org/public-networks/how-to/connect/static-nodes
 * - `permissions_config.toml`: https://besu.hyperledger.org/private-networks/how-to/use-permissioning/local
 * - free gas (`min-gas-price=0`, `zeroBaseFee`): https://besu.hyperledger.org/private-networks/how-to/configure/free-gas
 *
 * Layout written for N validators (each node is started from its own directory: `besu --config-file=config.toml`):
 *
 *     <out>/genesis.json
 *     <out>/node-<i>/config.toml
 *     <out>/node-<i>/data/{key, key.pub, static-nodes.json, permissions_config.toml}
 *
 * Node keys are secp256k1. With a seed they are derived deterministically (reproducible tests and rehearsals); without
 * one they are random. A seed is a secret: anyone who knows it can rebuild every validator key.
 */
import fs from "node:fs";
import path from "node:path";
import {
  SigningKey,
  computeAddress,
  decodeRlp,
  encodeRlp,
  getAddress,
  hexlify,
  isAddress,
  isHexString,
  keccak256,
  randomBytes,
  toUtf8Bytes,
  zeroPadValue,
} from "ethers";

/** BFT tolerates f faulty validators out of 3f + 1; below 4 validators a single failure halts the chain. */
export const QBFT_MIN_VALIDATORS = 4;
/** Upper bound the generator accepts; larger networks are not something to lay out on one machine. */
export const QBFT_MAX_VALIDATORS = 64;
/** `mixHash` every Istanbul-family (IBFT 2.0 / QBFT) genesis carries ("ctical byzantine fault tolerance"). */
export const BFT_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365";
/** 32 bytes of vanity data opening `extraData`; Besu leaves them zero. */
export const QBFT_VANITY = zeroPadValue("0x", 32);

/**
 * EVM milestones at genesis for kosai: contracts are compiled with `evmVersion: "cancun"` (hardhat.config.ts), so the
 * chain starts at Cancun. London is needed for `zeroBaseFee`, Shanghai for PUSH0.
 */
export const KOSAI_MILESTONES: Readonly<Record<string, number>> = {
  berlinBlock: 0,
  londonBlock: 0,
  shanghaiTime: 0,
  cancunTime: 0,
};

/** JSON-RPC APIs each node serves: QBFT for validator votes, PERM for the allowlists, ADMIN for peers. */
export const KOSAI_RPC_APIS: readonly string[] = ["ADMIN", "ETH", "NET", "PERM", "QBFT", "WEB3"];

/** Thrown for options Besu would reject or kosai does not support; the message says what is wrong. */
export class BesuConfigError extends Error {
  override name = "BesuConfigError";
}

// ---------------------------------------------------------------------------------------------------------------
// QBFT extraData
// ---------------------------------------------------------------------------------------------------------------

/** The decoded fields of a QBFT `extraData`. */
export interface QbftExtraData {
  vanity: string;
  validators: string[];
  /** `[address, type]` of the block's vote, or undefined when the block carries none (always so at genesis). */
  vote: [string, string] | undefined;
  round: number;
  seals: string[];
}

function lowerAddress(address: string, what: string): string {
  if (!isAddress(address)) throw new BesuConfigError(`${what} is not an address: ${address}`);
  return getAddress(address).toLowerCase();
}

/**
 * Genesis `extraData` for block-header validator selection:
 * `RLP([32 bytes vanity, [validators], [] (no vote), round 0, [] (no seals)])`, as `besu rlp encode
 * --type=QBFT_EXTRA_DATA` writes it. Round 0 is the RLP integer 0, the empty byte string (0x80).
 * Validators are encoded in the order given; Besu documents ascending order, which planBesuNetwork uses.
 */
export function encodeQbftExtraData(validators: readonly string[]): string {
  if (validators.length === 0) throw new BesuConfigError("extraData needs at least one validator");
  const addresses = validators.map((v, i) => lowerAddress(v, `validator ${i + 1}`));
  if (new Set(addresses).size !== addresses.length) throw new BesuConfigError("validator addresses repeat");
  return encodeRlp([QBFT_VANITY, addresses, [], "0x", []]);
}

/** Decodes a QBFT `extraData`; throws BesuConfigError when it does not have QBFT's five-field shape. */
export function decodeQbftExtraData(extraData: string): QbftExtraData {
  if (!isHexString(extraData)) throw new BesuConfigError("extraData is not hex");
  let decoded: unknown;
  try {
    decoded = decodeRlp(extraData);
  } catch {
    throw new BesuConfigError("extraData is not valid RLP");
  }
  const bad = (why: string) => new BesuConfigError(`extraData is not QBFT: ${why}`);
  if (!Array.isArray(decoded) || decoded.length !== 5) throw bad("expected a list of 5 items");
  const [vanity, validators, vote, round, seals] = decoded as unknown[];
  if (typeof vanity !== "string" || (vanity.length - 2) / 2 !== 32) throw bad("vanity is not 32 bytes");
  if (!Array.isArray(validators) || !validators.every((v) => typeof v === "string" && v.length === 42)) {
    throw bad("validators are not a list of addresses");
  }
  if (!Array.isArray(vote) || !(vote.length === 0 || vote.length === 2)) throw bad("vote is not [] or [address, type]");
  if (typeof round !== "string" || round.length > 2 + 8) throw bad("round is not an integer of at most 4 bytes");
  if (round !== "0x" && round.startsWith("0x00")) throw bad("round has leading zeros");
  if (!Array.isArray(seals) || !seals.every((s) => typeof s === "string")) throw bad("seals are not a list");
  return {
    vanity,
    validators: validators as string[],
    vote: vote.length === 0 ? undefined : (vote as [string, string]),
    round: round === "0x" ? 0 : Number(round),
    seals: seals as string[],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Node keys
// ---------------------------------------------------------------------------------------------------------------

/** A node's secp256k1 key: its address is the validator address, its public key (without 04) the enode id. */
export interface NodeKey {
  /** 0x + 64 hex; what Besu reads from `data/key`. */
  privateKey: string;
  /** 0x + 128 hex: the uncompressed public key without its 04 prefix; what Besu writes to `key.pub`. */
  publicKey: string;
  /** The enode id: publicKey without 0x. */
  enodeId: string;
  /** Lowercase address of the key (Besu prints and sorts validators in lowercase). */
  address: string;
}

const SECP256K1_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** Builds a NodeKey from a 32-byte private key. */
export function nodeKeyFromPrivateKey(privateKey: string): NodeKey {
  if (!isHexString(privateKey, 32)) throw new BesuConfigError("a node key must be 32 bytes of 0x hex");
  const scalar = BigInt(privateKey);
  if (scalar === 0n || scalar >= SECP256K1_ORDER)
    throw new BesuConfigError("a node key must lie in 1..n-1 of secp256k1");
  const signingKey = new SigningKey(privateKey);
  const uncompressed = signingKey.publicKey; // 0x04 + X + Y
  const publicKey = `0x${uncompressed.slice(4)}`;
  return {
    privateKey: signingKey.privateKey,
    publicKey,
    enodeId: publicKey.slice(2),
    address: computeAddress(uncompressed).toLowerCase(),
  };
}

/**
 * `count` node keys. With a seed, key i is the first valid secp256k1 scalar among
 * keccak256("kosai/besu/node-key/<seed>/<i>/<attempt>"), attempt = 0, 1, … (a miss has probability ~2^-128);
 * without a seed, keys are random.
 */
export function deriveNodeKeys(count: number, seed?: string): NodeKey[] {
  if (!Number.isSafeInteger(count) || count < 1)
    throw new BesuConfigError(`key count must be a positive integer, got ${count}`);
  const keys: NodeKey[] = [];
  for (let i = 0; i < count; i++) {
    for (let attempt = 0; ; attempt++) {
      const candidate =
        seed === undefined
          ? hexlify(randomBytes(32))
          : keccak256(toUtf8Bytes(`kosai/besu/node-key/${seed}/${i}/${attempt}`));
      const scalar = BigInt(candidate);
      if (scalar !== 0n && scalar < SECP256K1_ORDER) {
        keys.push(nodeKeyFromPrivateKey(candidate));
        break;
      }
    }
  }
  if (new Set(keys.map((k) => k.address)).size !== keys.length) throw new BesuConfigError("node keys repeat");
  return keys;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** `enode://<id>@<ip>:<port>`; Besu needs an IP address in enode URLs (DNS names are an opt-in feature). */
export function enodeUrl(enodeId: string, host: string, port: number): string {
  if (!/^[0-9a-f]{128}$/.test(enodeId)) throw new BesuConfigError("an enode id is 128 lowercase hex digits");
  if (!IPV4.test(host)) throw new BesuConfigError(`enode host must be an IPv4 address, got ${host}`);
  checkPort(port, "p2p port");
  return `enode://${enodeId}@${host}:${port}`;
}

function checkPort(port: number, what: string): void {
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new BesuConfigError(`${what} must be 1..65535, got ${port}`);
}

// ---------------------------------------------------------------------------------------------------------------
// File texts
// ---------------------------------------------------------------------------------------------------------------

/** Inputs of a QBFT genesis with block-header validator selection. */
export interface QbftGenesisOptions {
  chainId: number;
  /** Milestones at genesis, in the order to write them (`{ berlinBlock: 0 }` in Besu's sample; KOSAI_MILESTONES). */
  milestones: Readonly<Record<string, number>>;
  /** Free gas on London and later: every block's base fee is 0. */
  zeroBaseFee?: boolean;
  epochLength: number;
  blockPeriodSeconds: number;
  requestTimeoutSeconds: number;
  /** Initial validators, encoded into extraData in this order. */
  validators: readonly string[];
  timestamp: number;
  gasLimit: bigint;
  /** Genesis base fee; written only when given (kosai writes 0 with zeroBaseFee). */
  baseFeePerGas?: bigint;
  /** Funded accounts and their balances in wei; written sorted by address, lowercase without 0x, as Besu's sample. */
  alloc: Readonly<Record<string, bigint>>;
}

const hex = (value: bigint | number) => `0x${value.toString(16)}`;

function checkPositiveInteger(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new BesuConfigError(`${what} must be a positive integer, got ${value}`);
}

/**
 * Genesis JSON text, key for key in the order of Besu's QBFT sample. Besu lowercases genesis keys when it reads them
 * (`JsonUtil.normalizeKeys`), so `chainid` as in the sample and `zeroBaseFee` as on the free-gas page are equivalent.
 */
export function qbftGenesisJson(options: QbftGenesisOptions): string {
  checkPositiveInteger(options.chainId, "chain id");
  checkPositiveInteger(options.epochLength, "epoch length");
  checkPositiveInteger(options.blockPeriodSeconds, "block period");
  checkPositiveInteger(options.requestTimeoutSeconds, "request timeout");
  if (!Number.isSafeInteger(options.timestamp) || options.timestamp < 0)
    throw new BesuConfigError("timestamp must be >= 0");
  if (options.gasLimit <= 0n) throw new BesuConfigError("gas limit must be positive");
  const config: Record<string, unknown> = { chainid: options.chainId, ...options.milestones };
  if (options.zeroBaseFee) config.zeroBaseFee = true;
  config.qbft = {
    epochlength: options.epochLength,
    blockperiodseconds: options.blockPeriodSeconds,
    requesttimeoutseconds: options.requestTimeoutSeconds,
  };
  const alloc: Record<string, { balance: string }> = {};
  const entries = Object.entries(options.alloc).map(
    ([a, b]) => [lowerAddress(a, "alloc account").slice(2), b] as const,
  );
  if (new Set(entries.map(([a]) => a)).size !== entries.length) throw new BesuConfigError("alloc accounts repeat");
  for (const [address, balance] of entries.sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (balance < 0n) throw new BesuConfigError(`alloc balance of 0x${address} is negative`);
    alloc[address] = { balance: hex(balance) };
  }
  const genesis: Record<string, unknown> = {
    config,
    nonce: "0x0",
    timestamp: hex(options.timestamp),
    extraData: encodeQbftExtraData(options.validators),
    gasLimit: hex(options.gasLimit),
    difficulty: "0x1",
    mixHash: BFT_MIX_HASH,
    coinbase: "0x0000000000000000000000000000000000000000",
  };
  if (options.baseFeePerGas !== undefined) genesis.baseFeePerGas = hex(options.baseFeePerGas);
  Object.assign(genesis, {
    alloc,
    number: "0x0",
    gasUsed: "0x0",
    parentHash: "0x0000000000000000000000000000000000000000000000000000000000000000",
  });
  return JSON.stringify(genesis, null, 2);
}

/** `static-nodes.json`: a JSON array of enode URLs, as in Besu's sample. */
export function staticNodesJson(enodes: readonly string[]): string {
  return JSON.stringify(enodes, null, 2);
}

/**
 * `permissions_config.toml` with both allowlists. Separators follow Besu's documented sample exactly: ", " between
 * accounts, "," between enode URLs, a blank line between the two keys.
 */
export function permissionsConfigToml(accounts: readonly string[], enodes: readonly string[]): string {
  const quoted = (items: readonly string[]) => items.map((s) => JSON.stringify(s));
  return `accounts-allowlist=[${quoted(accounts).join(", ")}]\n\nnodes-allowlist=[${quoted(enodes).join(",")}]`;
}

/** The node-level settings of one `config.toml`. */
export interface BesuNodeConfig {
  /** Human label for the header comment, e.g. "node-1 of 4 (validator 0x…)". */
  label: string;
  dataPath: string;
  genesisFile: string;
  p2pHost: string;
  p2pPort: number;
  rpcHttpHost: string;
  rpcHttpPort: number;
  rpcHttpApi: readonly string[];
  rpcHttpCorsOrigins: readonly string[];
  hostAllowlist: readonly string[];
}

const tomlArray = (items: readonly string[]) => `[${items.map((s) => JSON.stringify(s)).join(",")}]`;

/**
 * A node's `config.toml` (keys are Besu's CLI option names without dashes). Paths are relative to the directory
 * Besu is started from, the node directory. Static nodes replace discovery; free gas; local allowlists
 * (`permissions_config.toml` in the data path) for nodes and accounts; FULL sync, which BFT networks need.
 */
export function besuNodeConfigToml(node: BesuNodeConfig): string {
  checkPort(node.p2pPort, "p2p port");
  checkPort(node.rpcHttpPort, "rpc port");
  return [
    `# kosai Besu ${node.label}. Start from this directory: besu --config-file=config.toml`,
    `data-path=${JSON.stringify(node.dataPath)}`,
    `genesis-file=${JSON.stringify(node.genesisFile)}`,
    `sync-mode="FULL"`,
    `min-gas-price=0`,
    `p2p-host=${JSON.stringify(node.p2pHost)}`,
    `p2p-port=${node.p2pPort}`,
    `discovery-enabled=false`,
    `rpc-http-enabled=true`,
    `rpc-http-host=${JSON.stringify(node.rpcHttpHost)}`,
    `rpc-http-port=${node.rpcHttpPort}`,
    `rpc-http-api=${tomlArray(node.rpcHttpApi)}`,
    `rpc-http-cors-origins=${tomlArray(node.rpcHttpCorsOrigins)}`,
    `host-allowlist=${tomlArray(node.hostAllowlist)}`,
    `permissions-nodes-config-file-enabled=true`,
    `permissions-accounts-config-file-enabled=true`,
    "",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------------------------
// Whole network
// ---------------------------------------------------------------------------------------------------------------

/** What planBesuNetwork needs; everything but validators, chainId and accounts has a default. */
export interface BesuNetworkOptions {
  /** Number of validators, QBFT_MIN_VALIDATORS..QBFT_MAX_VALIDATORS; every node is a validator. */
  validators: number;
  chainId: number;
  /** Accounts funded at genesis and put on every node's accounts allowlist (deployer, agents, operators). */
  accounts: readonly string[];
  /** Seed for deterministic node keys; random keys when absent. */
  seed?: string;
  /** IPv4 address the nodes advertise in their enode URLs (default 127.0.0.1: all nodes on one machine). */
  p2pHost?: string;
  /** P2P port of node 1; node i uses p2pPort + i - 1 (default 30303). */
  p2pPort?: number;
  /** HTTP JSON-RPC interface (default 127.0.0.1). */
  rpcHost?: string;
  /** JSON-RPC port of node 1; node i uses rpcPort + i - 1 (default 8545). */
  rpcPort?: number;
  /** Host names allowed to reach JSON-RPC (default localhost and 127.0.0.1). */
  hostAllowlist?: readonly string[];
  /** CORS origins for JSON-RPC (default none: no browser access). */
  corsOrigins?: readonly string[];
  /** Balance of each account in wei (default 1,000,000 ether; gas is free, the balance is for value transfers). */
  balance?: bigint;
  blockPeriodSeconds?: number;
  requestTimeoutSeconds?: number;
  epochLength?: number;
  /** Block gas limit (default 30,000,000, the in-process Hardhat network's, so what deploys there fits here). */
  gasLimit?: bigint;
  /** Genesis timestamp in seconds (default 0, so that a seed gives identical files). */
  timestamp?: number;
}

/** One generated node. */
export interface BesuNodePlan {
  /** Directory name under the output directory, node-1 … node-N. */
  name: string;
  key: NodeKey;
  enode: string;
  p2pPort: number;
  rpcPort: number;
  rpcUrl: string;
}

/** A network ready to write: node facts plus every file as text, keyed by path relative to the output directory. */
export interface BesuNetworkPlan {
  chainId: number;
  /** Validator addresses in ascending order, as encoded in extraData. */
  validators: string[];
  extraData: string;
  nodes: BesuNodePlan[];
  files: { path: string; content: string; secret: boolean }[];
}

/** Lays out a QBFT network of `validators` nodes on consecutive ports. Pure: no file system, no clock. */
export function planBesuNetwork(options: BesuNetworkOptions): BesuNetworkPlan {
  const n = options.validators;
  if (!Number.isSafeInteger(n) || n < QBFT_MIN_VALIDATORS || n > QBFT_MAX_VALIDATORS) {
    throw new BesuConfigError(
      `QBFT needs ${QBFT_MIN_VALIDATORS}..${QBFT_MAX_VALIDATORS} validators (3f+1 tolerates f faults), got ${n}`,
    );
  }
  const p2pHost = options.p2pHost ?? "127.0.0.1";
  const rpcHost = options.rpcHost ?? "127.0.0.1";
  const p2pPort = options.p2pPort ?? 30303;
  const rpcPort = options.rpcPort ?? 8545;
  checkPort(p2pPort, "first p2p port");
  checkPort(p2pPort + n - 1, "last p2p port");
  checkPort(rpcPort, "first rpc port");
  checkPort(rpcPort + n - 1, "last rpc port");
  if (p2pPort < rpcPort + n && rpcPort < p2pPort + n) {
    throw new BesuConfigError(
      `p2p ports ${p2pPort}..${p2pPort + n - 1} overlap rpc ports ${rpcPort}..${rpcPort + n - 1}`,
    );
  }
  if (options.accounts.length === 0) {
    throw new BesuConfigError("at least one account is needed: with account allowlisting on, no one else can transact");
  }
  const accounts = options.accounts.map((a, i) => lowerAddress(a, `account ${i + 1}`));
  if (new Set(accounts).size !== accounts.length) throw new BesuConfigError("accounts repeat");
  const balance = options.balance ?? 1_000_000n * 10n ** 18n;

  const keys = deriveNodeKeys(n, options.seed);
  const validators = keys.map((k) => k.address).sort();
  const nodes: BesuNodePlan[] = keys.map((key, i) => ({
    name: `node-${i + 1}`,
    key,
    enode: enodeUrl(key.enodeId, p2pHost, p2pPort + i),
    p2pPort: p2pPort + i,
    rpcPort: rpcPort + i,
    rpcUrl: `http://${rpcHost}:${rpcPort + i}`,
  }));
  const enodes = nodes.map((node) => node.enode);
  const genesis = qbftGenesisJson({
    chainId: options.chainId,
    milestones: KOSAI_MILESTONES,
    zeroBaseFee: true,
    epochLength: options.epochLength ?? 30_000,
    blockPeriodSeconds: options.blockPeriodSeconds ?? 2,
    requestTimeoutSeconds: options.requestTimeoutSeconds ?? 4,
    validators,
    timestamp: options.timestamp ?? 0,
    gasLimit: options.gasLimit ?? 30_000_000n,
    baseFeePerGas: 0n,
    alloc: Object.fromEntries(accounts.map((a) => [a, balance])),
  });

  const files: BesuNetworkPlan["files"] = [{ path: "genesis.json", content: `${genesis}\n`, secret: false }];
  const staticNodes = `${staticNodesJson(enodes)}\n`;
  const permissions = `${permissionsConfigToml(accounts, enodes)}\n`;
  for (const node of nodes) {
    const config = besuNodeConfigToml({
      label: `${node.name} of ${n} (QBFT validator ${node.key.address})`,
      dataPath: "data",
      genesisFile: "../genesis.json",
      p2pHost,
      p2pPort: node.p2pPort,
      rpcHttpHost: rpcHost,
      rpcHttpPort: node.rpcPort,
      rpcHttpApi: KOSAI_RPC_APIS,
      rpcHttpCorsOrigins: options.corsOrigins ?? ["none"],
      hostAllowlist: options.hostAllowlist ?? ["localhost", "127.0.0.1"],
    });
    files.push(
      { path: `${node.name}/config.toml`, content: config, secret: false },
      { path: `${node.name}/data/key`, content: node.key.privateKey, secret: true },
      { path: `${node.name}/data/key.pub`, content: node.key.publicKey, secret: false },
      { path: `${node.name}/data/static-nodes.json`, content: staticNodes, secret: false },
      { path: `${node.name}/data/permissions_config.toml`, content: permissions, secret: false },
    );
  }
  return { chainId: options.chainId, validators, extraData: encodeQbftExtraData(validators), nodes, files };
}

/**
 * Writes a plan under `outDir` (created if missing). Node keys are written with mode 0600. Refuses a non-empty
 * directory unless `force`, which overwrites the generated files and leaves anything else in place.
 */
export function writeBesuNetwork(outDir: string, plan: BesuNetworkPlan, force = false): string[] {
  if (fs.existsSync(outDir)) {
    if (!fs.statSync(outDir).isDirectory()) throw new BesuConfigError(`${outDir} exists and is not a directory`);
    if (!force && fs.readdirSync(outDir).length > 0) {
      throw new BesuConfigError(`${outDir} is not empty; choose another directory or pass --force`);
    }
  }
  const written: string[] = [];
  for (const file of plan.files) {
    const target = path.join(outDir, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.content, { mode: file.secret ? 0o600 : 0o644 });
    if (file.secret) fs.chmodSync(target, 0o600);
    written.push(target);
  }
  return written;
}

import { expect } from "chai";
import { computeAddress, getAddress, keccak256, toUtf8Bytes } from "ethers";
import fc from "fast-check";
import hre from "hardhat";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  BFT_MIX_HASH,
  BesuConfigError,
  KOSAI_MILESTONES,
  QBFT_MIN_VALIDATORS,
  decodeQbftExtraData,
  deriveNodeKeys,
  encodeQbftExtraData,
  enodeUrl,
  nodeKeyFromPrivateKey,
  permissionsConfigToml,
  planBesuNetwork,
  qbftGenesisJson,
  staticNodesJson,
  writeBesuNetwork,
  type BesuNetworkOptions,
} from "../../scripts/lib/besu";

// ---------------------------------------------------------------------------------------------------------------
// Besu's documented samples, quoted verbatim.
// ---------------------------------------------------------------------------------------------------------------

/**
 * https://besu.hyperledger.org/private-networks/how-to/configure/consensus/qbft#generate-extra-data
 * "Initial validators in toEncode.json file" and the documented output of
 * `besu rlp encode --from=toEncode.json --type=QBFT_EXTRA_DATA`.
 */
const DOC_TO_ENCODE_JSON = `[
  "0x4592c8e45706cc08b8f44b11e43cba0cfc5892cb",
  "0x06e23768a0f59cf365e18c2e0c89e151bcdedc70",
  "0xc5327f96ee02d7bcbc1bf1236b8c15148971e1de",
  "0xab5e7f4061c605820d3744227eed91ff8e2c8908"
]`;
const DOC_RLP_ENCODED =
  "0xf87aa00000000000000000000000000000000000000000000000000000000000000000f854944592c8e45706cc08b8f44b11e43cba0cfc5892cb9406e23768a0f59cf365e18c2e0c89e151bcdedc7094c5327f96ee02d7bcbc1bf1236b8c15148971e1de94ab5e7f4061c605820d3744227eed91ff8e2c8908c080c0";

/**
 * https://besu.hyperledger.org/private-networks/how-to/configure/consensus/qbft#genesis-file
 * Tab "Block header validator selection".
 */
const DOC_QBFT_GENESIS = `{
  "config": {
    "chainid": 1337,
    "berlinBlock": 0,
    "qbft": {
      "epochlength": 30000,
      "blockperiodseconds": 5,
      "requesttimeoutseconds": 10
    }
  },
  "nonce": "0x0",
  "timestamp": "0x5b3d92d7",
  "extraData": "0xf87aa00000000000000000000000000000000000000000000000000000000000000000f8549464a702e6263b7297a96638cac6ae65e6541f4169943923390ad55e90c237593b3b0e401f3b08a0318594aefdb9a738c9f433e5b6b212a6d62f6370c2f69294c7eeb9a4e00ce683cf93039b212648e01c6c6b78c080c0",
  "gasLimit": "0x29b92700",
  "difficulty": "0x1",
  "mixHash": "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365",
  "coinbase": "0x0000000000000000000000000000000000000000",
  "alloc": {
    "64d9be4177f418bcf4e56adad85f33e3a64efe22": {
      "balance": "0x446c3b15f9926687d2c40534fdb564000000000000"
    },
    "9f66f8a0f0a6537e4a36aa1799673ea7ae97a166": {
      "balance": "0x446c3b15f9926687d2c40534fdb564000000000000"
    },
    "a7f25969fb6f3d5ac09a88862c90b5ff664557a7": {
      "balance": "0x446c3b15f9926687d2c40534fdb564000000000000"
    },
    "f4bbfd32c11c9d63e9b4c77bb225810f840342df": {
      "balance": "0x446c3b15f9926687d2c40534fdb564000000000000"
    }
  },
  "number": "0x0",
  "gasUsed": "0x0",
  "parentHash": "0x0000000000000000000000000000000000000000000000000000000000000000"
}`;

/** https://besu.hyperledger.org/public-networks/how-to/connect/static-nodes#static-nodesjson-file ("Example"). */
const DOC_STATIC_NODES = `[
  "enode://cea71cb65a471037e01508cebcc178f176f9d5267bf29507ea1f6431eb6a5dc67d086dc8dc54358a72299dab1161febc5d7af49d1609c69b42b5e54544145d4f@127.0.0.1:30303",
  "enode://ca05e940488614402705a6b6836288ea902169ecc67a89e1bd5ef94bc0d1933f20be16bc881ffb4be59f521afa8718fc26eec2b0e90f2cd0f44f99bc8103e60f@127.0.0.1:30304"
]`;

/**
 * https://besu.hyperledger.org/private-networks/how-to/use-permissioning/local#permissions-configuration-file
 * "Sample permissions configuration file".
 */
const DOC_PERMISSIONS_CONFIG = `accounts-allowlist=["0xb9b81ee349c3807e46bc71aa2632203c5b462032", "0xb9b81ee349c3807e46bc71aa2632203c5b462034"]

nodes-allowlist=["enode://7e4ef30e9ec683f26ad76ffca5b5148fa7a6575f4cfad4eb0f52f9c3d8335f4a9b6f9e66fcc73ef95ed7a2a52784d4f372e7750ac8ae0b544309a5b391a23dd7@127.0.0.1:30303","enode://2feb33b3c6c4a8f77d84a5ce44954e83e5f163e7a65f7f7a7fec499ceb0ddd76a46ef635408c513d64c076470eac86b7f2c8ae4fcd112cb28ce82c0d64ec2c94@127.0.0.1:30304","enode://7b61d5ee4b44335873e6912cb5dd3e3877c860ba21417c9b9ef1f7e500a82213737d4b269046d0669fb2299a234ca03443f25fe5f706b693b3669e5c92478ade@127.0.0.1:30305"]`;

/**
 * https://besu.hyperledger.org/private-networks/tutorials/qbft#2-create-a-configuration-file
 * qbftConfigFile.json, the input of `besu operator generate-blockchain-config`.
 */
const DOC_QBFT_CONFIG_FILE = `{
  "genesis": {
    "config": {
      "chainId": 1337,
      "berlinBlock": 0,
      "qbft": {
        "blockperiodseconds": 2,
        "epochlength": 30000,
        "requesttimeoutseconds": 4
      }
    },
    "nonce": "0x0",
    "timestamp": "0x58ee40ba",
    "gasLimit": "0x47b760",
    "difficulty": "0x1",
    "mixHash": "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365",
    "coinbase": "0x0000000000000000000000000000000000000000",
    "alloc": {
      "fe3b557e8fb62b89f4916b721be55ceb828dbd73": {
        "privateKey": "8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63",
        "comment": "private key and this comment are ignored.  In a real chain, the private key should NOT be stored",
        "balance": "0xad78ebc5ac6200000"
      },
      "627306090abaB3A6e1400e9345bC60c78a8BEf57": {
        "privateKey": "c87509a1c067bbde78beb793e6fa76530b6382a4c0241e5e4a9ec0a0f44dc0d3",
        "comment": "private key and this comment are ignored.  In a real chain, the private key should NOT be stored",
        "balance": "90000000000000000000000"
      },
      "f17f52151EbEF6C7334FAD080c5704D77216b732": {
        "privateKey": "ae6ae8e5ccbfb04590405997ee2d52d2b330726137b875053c36d94e974d162f",
        "comment": "private key and this comment are ignored.  In a real chain, the private key should NOT be stored",
        "balance": "90000000000000000000000"
      }
    }
  },
  "blockchain": {
    "nodes": {
      "generate": true,
      "count": 4
    }
  }
}`;

// ---------------------------------------------------------------------------------------------------------------

/** Besu reads genesis keys case-insensitively (JsonUtil.normalizeKeys lowercases them); so does this. */
function normalizeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toLowerCase(), normalizeKeys(v)]));
  }
  return value;
}

function expectConfigError(fn: () => unknown, message: RegExp): void {
  expect(fn).to.throw(BesuConfigError, message);
}

const ALICE = "0x00000000000000000000000000000000000a11ce";
const BOB = "0x0000000000000000000000000000000000000b0b";
const base: BesuNetworkOptions = { validators: 4, chainId: 1337, accounts: [ALICE, BOB], seed: "kosai-test" };

describe("scripts/lib/besu", function () {
  describe("encodeQbftExtraData() against `besu rlp encode --type=QBFT_EXTRA_DATA`", function () {
    it("encodes the documented toEncode.json to the documented extraData, byte for byte", function () {
      const validators = JSON.parse(DOC_TO_ENCODE_JSON) as string[];
      expect(encodeQbftExtraData(validators)).to.equal(DOC_RLP_ENCODED);
    });

    it("keeps the order given and accepts checksummed addresses", function () {
      const validators = (JSON.parse(DOC_TO_ENCODE_JSON) as string[]).map((a) => getAddress(a));
      expect(encodeQbftExtraData(validators)).to.equal(DOC_RLP_ENCODED);
      expect(encodeQbftExtraData([...validators].reverse())).to.not.equal(DOC_RLP_ENCODED);
    });

    it("decodes the documented extraData: zero vanity, the four validators, no vote, round 0, no seals", function () {
      const decoded = decodeQbftExtraData(DOC_RLP_ENCODED);
      expect(decoded).to.deep.equal({
        vanity: `0x${"00".repeat(32)}`,
        validators: JSON.parse(DOC_TO_ENCODE_JSON),
        vote: undefined,
        round: 0,
        seals: [],
      });
    });

    it("refuses no validators, repeated validators, non-addresses and non-QBFT extraData", function () {
      const [a, b] = JSON.parse(DOC_TO_ENCODE_JSON) as string[];
      expectConfigError(() => encodeQbftExtraData([]), /at least one validator/);
      expectConfigError(() => encodeQbftExtraData([a, b, a.toUpperCase().replace("0X", "0x")]), /repeat/);
      expectConfigError(() => encodeQbftExtraData([a, "0x1234"]), /validator 2 is not an address/);
      // IBFT 2.0 extraData (round as 4 fixed bytes, a trailing seals list) is not QBFT.
      expectConfigError(() => decodeQbftExtraData("0xc0"), /list of 5 items/);
      expectConfigError(() => decodeQbftExtraData("0xzz"), /not hex/);
    });

    it("property: decoding round-trips any list of distinct validators", function () {
      const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => `0x${Buffer.from(b).toString("hex")}`);
      fc.assert(
        fc.property(fc.uniqueArray(address, { minLength: 1, maxLength: 40 }), (validators) => {
          const decoded = decodeQbftExtraData(encodeQbftExtraData(validators));
          expect(decoded.validators).to.deep.equal(validators);
          expect(decoded.vanity).to.equal(`0x${"00".repeat(32)}`);
          expect(decoded.round).to.equal(0);
          expect(decoded.vote).to.equal(undefined);
          expect(decoded.seals).to.deep.equal([]);
        }),
      );
    });
  });

  describe("qbftGenesisJson() against the documented QBFT genesis", function () {
    it("rebuilds the documented genesis file byte for byte from its inputs", function () {
      const balance = 0x446c3b15f9926687d2c40534fdb564000000000000n;
      const genesis = qbftGenesisJson({
        chainId: 1337,
        milestones: { berlinBlock: 0 },
        epochLength: 30_000,
        blockPeriodSeconds: 5,
        requestTimeoutSeconds: 10,
        validators: [
          "0x64a702e6263b7297a96638cac6ae65e6541f4169",
          "0x3923390ad55e90c237593b3b0e401f3b08a03185",
          "0xaefdb9a738c9f433e5b6b212a6d62f6370c2f692",
          "0xc7eeb9a4e00ce683cf93039b212648e01c6c6b78",
        ],
        timestamp: 0x5b3d92d7,
        gasLimit: 0x29b92700n,
        // Given out of order and checksummed: the generator sorts and lowercases as the sample shows.
        alloc: {
          [getAddress("0xf4bbfd32c11c9d63e9b4c77bb225810f840342df")]: balance,
          "0x9f66f8a0f0a6537e4a36aa1799673ea7ae97a166": balance,
          "0x64d9be4177f418bcf4e56adad85f33e3a64efe22": balance,
          "0xa7f25969fb6f3d5ac09a88862c90b5ff664557a7": balance,
        },
      });
      expect(genesis).to.equal(DOC_QBFT_GENESIS);
    });

    it("reads as the genesis section of the tutorial's qbftConfigFile.json, as Besu reads keys", function () {
      const doc = JSON.parse(DOC_QBFT_CONFIG_FILE) as { genesis: Record<string, unknown> & { alloc: object } };
      const docAlloc = doc.genesis.alloc as Record<string, { balance: string }>;
      const genesis = JSON.parse(
        qbftGenesisJson({
          chainId: 1337,
          milestones: { berlinBlock: 0 },
          epochLength: 30_000,
          blockPeriodSeconds: 2,
          requestTimeoutSeconds: 4,
          validators: [ALICE],
          timestamp: 0x58ee40ba,
          gasLimit: 0x47b760n,
          alloc: Object.fromEntries(Object.entries(docAlloc).map(([a, { balance }]) => [`0x${a}`, BigInt(balance)])),
        }),
      ) as Record<string, unknown> & { alloc: Record<string, { balance: string }> };
      const { alloc: _docAlloc, ...docRest } = doc.genesis;
      const { alloc, extraData: _extra, number: _n, gasUsed: _g, parentHash: _p, ...rest } = genesis;
      expect(normalizeKeys(rest)).to.deep.equal(normalizeKeys(docRest));
      // The tutorial writes balances in hex and decimal and addresses in mixed case; the values are what count.
      expect(Object.keys(alloc)).to.have.members(Object.keys(docAlloc).map((a) => a.toLowerCase()));
      for (const [a, { balance }] of Object.entries(docAlloc)) {
        expect(BigInt(alloc[a.toLowerCase()].balance)).to.equal(BigInt(balance));
      }
    });

    it("refuses bad numbers and repeated alloc accounts", function () {
      const ok = {
        chainId: 1,
        milestones: {},
        epochLength: 1,
        blockPeriodSeconds: 1,
        requestTimeoutSeconds: 1,
        validators: [ALICE],
        timestamp: 0,
        gasLimit: 1n,
        alloc: {},
      };
      expect(() => qbftGenesisJson(ok)).to.not.throw();
      expectConfigError(() => qbftGenesisJson({ ...ok, chainId: 0 }), /chain id/);
      expectConfigError(() => qbftGenesisJson({ ...ok, blockPeriodSeconds: 1.5 }), /block period/);
      expectConfigError(() => qbftGenesisJson({ ...ok, gasLimit: 0n }), /gas limit/);
      expectConfigError(
        () => qbftGenesisJson({ ...ok, alloc: { [ALICE]: 1n, [ALICE.toUpperCase().replace("0X", "0x")]: 2n } }),
        /repeat/,
      );
      expectConfigError(() => qbftGenesisJson({ ...ok, alloc: { [ALICE]: -1n } }), /negative/);
    });
  });

  describe("static-nodes.json and permissions_config.toml against the documented samples", function () {
    it("writes the documented static-nodes.json from its enode ids, hosts and ports", function () {
      const ids = (JSON.parse(DOC_STATIC_NODES) as string[]).map((url) =>
        url.slice("enode://".length, url.indexOf("@")),
      );
      expect(staticNodesJson([enodeUrl(ids[0], "127.0.0.1", 30303), enodeUrl(ids[1], "127.0.0.1", 30304)])).to.equal(
        DOC_STATIC_NODES,
      );
    });

    it("writes the documented permissions_config.toml", function () {
      const enodes = [
        "enode://7e4ef30e9ec683f26ad76ffca5b5148fa7a6575f4cfad4eb0f52f9c3d8335f4a9b6f9e66fcc73ef95ed7a2a52784d4f372e7750ac8ae0b544309a5b391a23dd7@127.0.0.1:30303",
        "enode://2feb33b3c6c4a8f77d84a5ce44954e83e5f163e7a65f7f7a7fec499ceb0ddd76a46ef635408c513d64c076470eac86b7f2c8ae4fcd112cb28ce82c0d64ec2c94@127.0.0.1:30304",
        "enode://7b61d5ee4b44335873e6912cb5dd3e3877c860ba21417c9b9ef1f7e500a82213737d4b269046d0669fb2299a234ca03443f25fe5f706b693b3669e5c92478ade@127.0.0.1:30305",
      ];
      const accounts = ["0xb9b81ee349c3807e46bc71aa2632203c5b462032", "0xb9b81ee349c3807e46bc71aa2632203c5b462034"];
      expect(permissionsConfigToml(accounts, enodes)).to.equal(DOC_PERMISSIONS_CONFIG);
    });

    it("refuses enode URLs Besu would not read", function () {
      const id = "ab".repeat(64);
      expect(enodeUrl(id, "10.0.0.7", 30303)).to.equal(`enode://${id}@10.0.0.7:30303`);
      expectConfigError(() => enodeUrl(id.toUpperCase(), "127.0.0.1", 30303), /128 lowercase hex/);
      expectConfigError(() => enodeUrl(id, "node1.example", 30303), /IPv4/);
      expectConfigError(() => enodeUrl(id, "256.0.0.1", 30303), /IPv4/);
      expectConfigError(() => enodeUrl(id, "127.0.0.1", 0), /p2p port/);
    });
  });

  describe("node keys", function () {
    it("give the documented address for each key of the tutorial's genesis", function () {
      const alloc = (JSON.parse(DOC_QBFT_CONFIG_FILE) as { genesis: { alloc: Record<string, { privateKey: string }> } })
        .genesis.alloc;
      for (const [address, { privateKey }] of Object.entries(alloc)) {
        expect(nodeKeyFromPrivateKey(`0x${privateKey}`).address).to.equal(`0x${address.toLowerCase()}`);
      }
    });

    it("use the uncompressed public key without 04 as enode id and key.pub, whose hash gives the address", function () {
      const key = nodeKeyFromPrivateKey(`0x${"11".repeat(32)}`);
      expect(key.enodeId).to.match(/^[0-9a-f]{128}$/);
      expect(key.publicKey).to.equal(`0x${key.enodeId}`);
      expect(computeAddress(`0x04${key.enodeId}`).toLowerCase()).to.equal(key.address);
      expect(`0x${keccak256(`0x${key.enodeId}`).slice(-40)}`).to.equal(key.address);
    });

    it("are reproducible from a seed, differ between seeds, and are random without one", function () {
      expect(deriveNodeKeys(4, "s")).to.deep.equal(deriveNodeKeys(4, "s"));
      expect(deriveNodeKeys(1, "s")[0].privateKey).to.equal(
        keccak256(toUtf8Bytes("kosai/besu/node-key/s/0/0")),
        "key 0 of seed s is its first candidate",
      );
      expect(deriveNodeKeys(4, "s")[0].address).to.not.equal(deriveNodeKeys(4, "t")[0].address);
      expect(deriveNodeKeys(1)[0].privateKey).to.not.equal(deriveNodeKeys(1)[0].privateKey);
    });

    it("refuse scalars outside 1..n-1", function () {
      expectConfigError(() => nodeKeyFromPrivateKey(`0x${"00".repeat(32)}`), /1\.\.n-1/);
      expectConfigError(() => nodeKeyFromPrivateKey(`0x${"ff".repeat(32)}`), /1\.\.n-1/);
      expectConfigError(() => nodeKeyFromPrivateKey("0x1234"), /32 bytes/);
    });
  });

  describe("planBesuNetwork()", function () {
    it("writes a Cancun, zero-base-fee QBFT genesis whose extraData lists the node addresses in ascending order", function () {
      const plan = planBesuNetwork(base);
      const genesis = JSON.parse(plan.files.find((f) => f.path === "genesis.json")!.content);
      expect(genesis.config).to.deep.equal({
        chainid: 1337,
        ...KOSAI_MILESTONES,
        zeroBaseFee: true,
        qbft: { epochlength: 30_000, blockperiodseconds: 2, requesttimeoutseconds: 4 },
      });
      expect(genesis.config).to.include({ londonBlock: 0, shanghaiTime: 0, cancunTime: 0 });
      expect(genesis.baseFeePerGas).to.equal("0x0");
      expect(genesis.mixHash).to.equal(BFT_MIX_HASH);
      expect(genesis.gasLimit).to.equal("0x1c9c380");
      expect(Object.keys(genesis.alloc)).to.deep.equal([BOB.slice(2), ALICE.slice(2)], "sorted by address");
      const addresses = plan.nodes.map((n) => n.key.address);
      expect(plan.validators).to.deep.equal([...addresses].sort());
      expect(decodeQbftExtraData(genesis.extraData).validators).to.deep.equal(plan.validators);
    });

    it("gives every node the same static nodes and allowlists, its own ports, free gas and both allowlists on", function () {
      const plan = planBesuNetwork({ ...base, validators: 5, p2pPort: 40000, rpcPort: 9000 });
      const file = (p: string) => plan.files.find((f) => f.path === p)!.content;
      const enodes = plan.nodes.map((n) => n.enode);
      expect(plan.nodes.map((n) => [n.p2pPort, n.rpcPort])).to.deep.equal([
        [40000, 9000],
        [40001, 9001],
        [40002, 9002],
        [40003, 9003],
        [40004, 9004],
      ]);
      for (const node of plan.nodes) {
        expect(JSON.parse(file(`${node.name}/data/static-nodes.json`))).to.deep.equal(enodes);
        expect(file(`${node.name}/data/permissions_config.toml`)).to.equal(
          `${permissionsConfigToml([ALICE, BOB], enodes)}\n`,
        );
        expect(file(`${node.name}/data/key`)).to.equal(node.key.privateKey);
        expect(file(`${node.name}/data/key.pub`)).to.equal(node.key.publicKey);
        const toml = file(`${node.name}/config.toml`).split("\n");
        expect(toml).to.include.members([
          'data-path="data"',
          'genesis-file="../genesis.json"',
          "min-gas-price=0",
          `p2p-port=${node.p2pPort}`,
          "discovery-enabled=false",
          "rpc-http-enabled=true",
          'rpc-http-host="127.0.0.1"',
          `rpc-http-port=${node.rpcPort}`,
          'rpc-http-api=["ADMIN","ETH","NET","PERM","QBFT","WEB3"]',
          'rpc-http-cors-origins=["none"]',
          'host-allowlist=["localhost","127.0.0.1"]',
          "permissions-nodes-config-file-enabled=true",
          "permissions-accounts-config-file-enabled=true",
        ]);
      }
      const secrets = plan.files.filter((f) => f.secret).map((f) => f.path);
      expect(secrets).to.deep.equal(plan.nodes.map((n) => `${n.name}/data/key`));
    });

    it("is reproducible from a seed", function () {
      expect(planBesuNetwork(base)).to.deep.equal(planBesuNetwork(base));
      expect(planBesuNetwork({ ...base, seed: "other" }).validators).to.not.deep.equal(
        planBesuNetwork(base).validators,
      );
    });

    it("refuses fewer than 4 validators, overlapping or out-of-range ports and missing or repeated accounts", function () {
      expectConfigError(
        () => planBesuNetwork({ ...base, validators: QBFT_MIN_VALIDATORS - 1 }),
        /needs 4\.\.64 validators \(3f\+1 tolerates f faults\), got 3/,
      );
      expectConfigError(() => planBesuNetwork({ ...base, validators: 65 }), /got 65/);
      expectConfigError(() => planBesuNetwork({ ...base, p2pPort: 8547 }), /overlap/);
      expectConfigError(() => planBesuNetwork({ ...base, rpcPort: 65_534 }), /last rpc port/);
      expectConfigError(() => planBesuNetwork({ ...base, accounts: [] }), /at least one account/);
      expectConfigError(() => planBesuNetwork({ ...base, accounts: [ALICE, ALICE] }), /accounts repeat/);
      expectConfigError(() => planBesuNetwork({ ...base, accounts: ["0xnope"] }), /account 1 is not an address/);
      expectConfigError(() => planBesuNetwork({ ...base, p2pHost: "localhost" }), /IPv4/);
    });

    it("property: for any N >= 4 the extraData decodes to the N node addresses, each the hash of its enode id", function () {
      fc.assert(
        fc.property(fc.integer({ min: QBFT_MIN_VALIDATORS, max: 12 }), fc.string({ minLength: 1 }), (n, seed) => {
          const plan = planBesuNetwork({ ...base, validators: n, seed });
          const genesis = JSON.parse(plan.files[0].content) as { extraData: string };
          const decoded = decodeQbftExtraData(genesis.extraData).validators;
          expect(decoded).to.have.length(n);
          expect(decoded).to.deep.equal([...decoded].sort());
          expect(new Set(decoded)).to.deep.equal(new Set(plan.nodes.map((node) => node.key.address)));
          for (const node of plan.nodes) {
            const id = node.enode.slice("enode://".length, node.enode.indexOf("@"));
            expect(computeAddress(`0x04${id}`).toLowerCase()).to.equal(node.key.address);
          }
          expect(plan.files).to.have.length(1 + 5 * n);
        }),
        { numRuns: 20 },
      );
    });
  });

  describe("writeBesuNetwork()", function () {
    let dir: string;
    beforeEach(function () {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "kosai-besu-"));
    });
    afterEach(function () {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("writes every file, node keys readable by their owner only", function () {
      const plan = planBesuNetwork(base);
      const out = path.join(dir, "net");
      writeBesuNetwork(out, plan);
      for (const file of plan.files) {
        expect(fs.readFileSync(path.join(out, file.path), "utf8")).to.equal(file.content);
      }
      expect(fs.statSync(path.join(out, "node-1/data/key")).mode & 0o777).to.equal(0o600);
    });

    it("refuses a non-empty directory unless forced", function () {
      fs.writeFileSync(path.join(dir, "keep.txt"), "x");
      const plan = planBesuNetwork(base);
      expectConfigError(() => writeBesuNetwork(dir, plan), /not empty/);
      expect(fs.existsSync(path.join(dir, "genesis.json"))).to.equal(false);
      writeBesuNetwork(dir, plan, true);
      expect(fs.existsSync(path.join(dir, "genesis.json"))).to.equal(true);
      expect(fs.readFileSync(path.join(dir, "keep.txt"), "utf8")).to.equal("x");
    });
  });
});

describe("task besu:network (through the Hardhat CLI)", function () {
  const root = path.resolve(__dirname, "../..");
  let dir: string;

  function cli(...args: string[]) {
    const run = spawnSync(process.execPath, ["node_modules/hardhat/internal/cli/cli.js", "besu:network", ...args], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, FORCE_COLOR: "0" },
    });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  }

  before(function () {
    // Spawning processes is skipped under coverage (house rule).
    if ((hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true) this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kosai-besu-cli-"));
  });
  after(function () {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("writes the same files as the generator and prints them as JSON", function () {
    const out = path.join(dir, "json");
    const run = cli("--out", out, "--accounts", `${ALICE},${BOB}`, "--seed", "kosai-test", "--json");
    expect(run.status, run.stderr).to.equal(0);
    const printed = JSON.parse(run.stdout) as {
      summary: { out: string; chainId: number; validators: string[] };
      rows: { enode: string }[];
    };
    const plan = planBesuNetwork(base);
    expect(printed.summary).to.deep.include({ out, chainId: 1337, validators: plan.validators });
    expect(printed.rows.map((n) => n.enode)).to.deep.equal(plan.nodes.map((n) => n.enode));
    expect(run.stdout).to.not.include(plan.nodes[0].key.privateKey.slice(2));
    for (const file of plan.files) {
      expect(fs.readFileSync(path.join(out, file.path), "utf8"), file.path).to.equal(file.content);
    }
  });

  it("prints a table of the nodes", function () {
    const run = cli(
      "--out",
      path.join(dir, "table"),
      "--accounts",
      ALICE,
      "--validators",
      "5",
      "--chain-id",
      "4242",
      "--seed",
      "t",
    );
    expect(run.status, run.stderr).to.equal(0);
    const plan = planBesuNetwork({ ...base, accounts: [ALICE], validators: 5, chainId: 4242, seed: "t" });
    expect(run.stdout).to.include("QBFT network for chain 4242");
    for (const node of plan.nodes) {
      expect(run.stdout).to.include(node.name).and.include(node.key.address).and.include(node.rpcUrl);
    }
  });

  it("refuses fewer than 4 validators with a message, exit code 2, no stack trace and no files", function () {
    const out = path.join(dir, "three");
    const run = cli("--out", out, "--accounts", ALICE, "--validators", "3");
    expect(run.status).to.equal(2);
    expect(run.stderr).to.include("--validators must be at least 4 (QBFT tolerates f faulty validators out of 3f+1)");
    expect(run.stderr).to.not.match(/\n\s+at /);
    expect(fs.existsSync(out)).to.equal(false);
  });

  it("names every bad argument at once", function () {
    const run = cli(
      "--out",
      path.join(dir, "bad"),
      "--accounts",
      "0x1234",
      "--chain-id",
      "abc",
      "--p2p-port",
      "70000",
      "--host",
      "localhost",
    );
    expect(run.status).to.equal(2);
    expect(run.stderr)
      .to.include("--accounts[0] each entry must be a 0x address of 40 hex digits")
      .and.include("--chain-id must be a whole number")
      .and.include("--p2p-port must be at most 65535")
      .and.include("--host must be an IPv4 address");
    expect(run.stderr).to.not.match(/\n\s+at /);
  });

  it("refuses a non-empty output directory unless --force", function () {
    const out = path.join(dir, "busy");
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, "notes.txt"), "keep");
    const refused = cli("--out", out, "--accounts", ALICE, "--seed", "f");
    expect(refused.status).to.equal(2);
    expect(refused.stderr).to.include(`--out ${out} exists and is not empty; pass --force to overwrite`);
    expect(fs.existsSync(path.join(out, "genesis.json"))).to.equal(false);
    const forced = cli("--out", out, "--accounts", ALICE, "--seed", "f", "--force", "--json");
    expect(forced.status, forced.stderr).to.equal(0);
    expect(fs.existsSync(path.join(out, "node-4/config.toml"))).to.equal(true);
    expect(fs.readFileSync(path.join(out, "notes.txt"), "utf8")).to.equal("keep");
  });
});

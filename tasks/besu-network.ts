/**
 * `npx hardhat besu:network --out <dir> --accounts 0x…[,0x…] [--validators 4] [--chain-id 1337] [--seed s] …`
 *
 * Writes a QBFT network for Hyperledger Besu (genesis, per-node config.toml, node keys, static nodes, local
 * allowlists) with scripts/lib/besu.ts; README "Besu" says how to start it. Bad arguments print what is wrong and exit
 * with code 2, without a stack trace (tasks/lib/cli.ts). This file is loaded by hardhat.config.ts, so it must not import "hardhat" or
 * typechain-types at load time: the generator is imported inside the action.
 */
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { operation } from "./lib/cli";
import { UsageError } from "./lib/errors";

const QBFT_MIN_VALIDATORS = 4; // mirrors scripts/lib/besu.ts, which re-checks it
const QBFT_MAX_VALIDATORS = 64;

/** An optional argument's default, applied before it is checked. */
const orDefault = <T extends z.ZodType>(fallback: string, schema: T) =>
  z.preprocess((value) => (value === undefined ? fallback : value), schema);

const whole = (what: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a whole number`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}${what}`).max(max, `must be at most ${max}`));

const port = whole("", 1, 65_535);

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "each entry must be a 0x address of 40 hex digits");

const ipv4 = z
  .string()
  .trim()
  .regex(
    /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/,
    "must be an IPv4 address (Besu needs an IP in enode URLs)",
  );

const argsSchema = z
  .object({
    out: z.string({ error: "is required: the directory to write the network to" }).trim().min(1),
    accounts: z
      .string({ error: "is required: the accounts to fund and allowlist" })
      .transform((s) =>
        s
          .split(",")
          .map((a) => a.trim())
          .filter((a) => a !== ""),
      )
      .pipe(z.array(address).min(1, "needs at least one address (funded and allowlisted)")),
    validators: orDefault(
      "4",
      whole(" (QBFT tolerates f faulty validators out of 3f+1)", QBFT_MIN_VALIDATORS, QBFT_MAX_VALIDATORS),
    ),
    chainId: orDefault("1337", whole("", 1, Number.MAX_SAFE_INTEGER)),
    seed: z.string().min(1, "must not be empty").optional(),
    host: orDefault("127.0.0.1", ipv4),
    p2pPort: orDefault("30303", port),
    rpcPort: orDefault("8545", port),
    blockPeriod: orDefault("2", whole(" second", 1, 3_600)),
    force: z.boolean().default(false),
  })
  .superRefine((args, ctx) => {
    const n = args.validators;
    if (args.p2pPort + n - 1 > 65_535)
      ctx.addIssue({ code: "custom", path: ["p2pPort"], message: `p2p ports run past 65535 for ${n} nodes` });
    if (args.rpcPort + n - 1 > 65_535)
      ctx.addIssue({ code: "custom", path: ["rpcPort"], message: `rpc ports run past 65535 for ${n} nodes` });
    if (args.p2pPort < args.rpcPort + n && args.rpcPort < args.p2pPort + n) {
      ctx.addIssue({ code: "custom", path: ["rpcPort"], message: `p2p and rpc port ranges overlap for ${n} nodes` });
    }
    if (args.out.trim() === "") return;
    const out = path.resolve(args.out);
    if (!args.force && fs.existsSync(out) && (!fs.statSync(out).isDirectory() || fs.readdirSync(out).length > 0)) {
      ctx.addIssue({
        code: "custom",
        path: ["out"],
        message: `${out} exists and is not empty; pass --force to overwrite`,
      });
    }
  });

operation({
  name: "besu:network",
  description: "Writes a Hyperledger Besu QBFT network (genesis, node configs, keys, allowlists)",
  params: {
    out: { description: "Output directory (must not exist or be empty unless --force)" },
    accounts: { description: "Comma-separated accounts to fund and allowlist (deployer, agents)" },
    validators: { description: "Number of validators, at least 4 (default 4)" },
    chainId: { description: "Chain id (BESU_CHAIN_ID for --network besu; default 1337)" },
    seed: { description: "Derive node keys from this secret seed (reproducible); random keys when absent" },
    host: { description: "IPv4 address the nodes advertise in their enode URLs (default 127.0.0.1)" },
    p2pPort: { description: "P2P port of node-1; node-i uses p2p-port + i - 1 (default 30303)" },
    rpcPort: { description: "JSON-RPC port of node-1; node-i uses rpc-port + i - 1 (default 8545)" },
    blockPeriod: { description: "QBFT block period in seconds (default 2)" },
    force: { description: "Write into a non-empty output directory, overwriting generated files", flag: true },
  },
  schema: argsSchema,
  sends: false,
  async run(args) {
    const { BesuConfigError, planBesuNetwork, writeBesuNetwork } = await import("../scripts/lib/besu");
    const out = path.resolve(args.out);
    let plan;
    try {
      plan = planBesuNetwork({
        validators: args.validators,
        chainId: args.chainId,
        accounts: args.accounts,
        seed: args.seed,
        p2pHost: args.host,
        p2pPort: args.p2pPort,
        rpcPort: args.rpcPort,
        blockPeriodSeconds: args.blockPeriod,
        requestTimeoutSeconds: Math.max(4, 2 * args.blockPeriod),
      });
      writeBesuNetwork(out, plan, args.force);
    } catch (error) {
      if (error instanceof BesuConfigError) throw new UsageError(error.message);
      throw error;
    }
    return {
      title:
        `QBFT network for chain ${plan.chainId} written to ${out}; start each node from its directory: ` +
        `cd ${path.join(out, "node-1")} && besu --config-file=config.toml`,
      summary: { out, chainId: plan.chainId, extraData: plan.extraData, validators: plan.validators },
      rows: plan.nodes.map((n) => ({
        node: n.name,
        validator: n.key.address,
        p2pPort: n.p2pPort,
        rpcUrl: n.rpcUrl,
        enode: n.enode,
      })),
    };
  },
});

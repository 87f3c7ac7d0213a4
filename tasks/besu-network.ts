/**
 * `npx hardhat besu:network --out <dir> --accounts 0x…[,0x…] [--validators 4] [--chain-id 1337] [--seed s] …`
 *
 * Writes a QBFT network for Hyperledger Besu (genesis, per-node config.toml, node keys, static nodes, local
 * allowlists) with scripts/lib/besu.ts; README "Besu" says how to start it. Bad arguments print what is wrong and set
 * exit code 1, without a stack trace. This file is loaded by hardhat.config.ts, so it must not import "hardhat" or
 * typechain-types at load time: the generator is imported inside the action.
 */
import { task } from "hardhat/config";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

const QBFT_MIN_VALIDATORS = 4; // mirrors scripts/lib/besu.ts, which re-checks it
const QBFT_MAX_VALIDATORS = 64;

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
    out: z.string().trim().min(1, "is required: the directory to write the network to"),
    accounts: z
      .string()
      .transform((s) =>
        s
          .split(",")
          .map((a) => a.trim())
          .filter((a) => a !== ""),
      )
      .pipe(z.array(address).min(1, "needs at least one address (funded and allowlisted)")),
    validators: whole(" (QBFT tolerates f faulty validators out of 3f+1)", QBFT_MIN_VALIDATORS, QBFT_MAX_VALIDATORS),
    chainId: whole("", 1, Number.MAX_SAFE_INTEGER),
    seed: z.string().min(1, "must not be empty").optional(),
    host: ipv4,
    p2pPort: port,
    rpcPort: port,
    blockPeriod: whole(" second", 1, 3_600),
    force: z.boolean(),
    json: z.boolean(),
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

type Args = z.input<typeof argsSchema>;

const FLAG: Record<string, string> = {
  out: "--out",
  accounts: "--accounts",
  validators: "--validators",
  chainId: "--chain-id",
  seed: "--seed",
  host: "--host",
  p2pPort: "--p2p-port",
  rpcPort: "--rpc-port",
  blockPeriod: "--block-period",
};

function fail(lines: string[]): void {
  console.error(`besu:network: invalid arguments\n${lines.map((l) => `  ${l}`).join("\n")}`);
  process.exitCode = 1;
}

task("besu:network", "Writes a Hyperledger Besu QBFT network (genesis, node configs, keys, allowlists)")
  .addOptionalParam("out", "Output directory (must not exist or be empty unless --force)", "")
  .addOptionalParam("accounts", "Comma-separated accounts to fund and allowlist (deployer, agents)", "")
  .addOptionalParam("validators", "Number of validators, at least 4", "4")
  .addOptionalParam("chainId", "Chain id (BESU_CHAIN_ID for --network besu)", "1337")
  .addOptionalParam("seed", "Derive node keys from this secret seed (reproducible); random keys when absent")
  .addOptionalParam("host", "IPv4 address the nodes advertise in their enode URLs", "127.0.0.1")
  .addOptionalParam("p2pPort", "P2P port of node-1; node-i uses p2p-port + i - 1", "30303")
  .addOptionalParam("rpcPort", "JSON-RPC port of node-1; node-i uses rpc-port + i - 1", "8545")
  .addOptionalParam("blockPeriod", "QBFT block period in seconds", "2")
  .addFlag("force", "Write into a non-empty output directory, overwriting generated files")
  .addFlag("json", "Print the result as JSON instead of a table")
  .setAction(async (raw: Args) => {
    const parsed = argsSchema.safeParse(raw);
    if (!parsed.success) {
      fail(
        parsed.error.issues.map(
          (issue) => `${FLAG[String(issue.path[0])] ?? String(issue.path[0] ?? "")}: ${issue.message}`,
        ),
      );
      return;
    }
    const args = parsed.data;
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
      if (error instanceof BesuConfigError) {
        fail([error.message]);
        return;
      }
      throw error;
    }
    const nodes = plan.nodes.map((n) => ({
      name: n.name,
      validator: n.key.address,
      p2pPort: n.p2pPort,
      rpcUrl: n.rpcUrl,
      enode: n.enode,
    }));
    if (args.json) {
      console.log(
        JSON.stringify(
          { out, chainId: plan.chainId, extraData: plan.extraData, validators: plan.validators, nodes },
          null,
          2,
        ),
      );
      return;
    }
    const { default: Table } = await import("cli-table3");
    const table = new Table({ head: ["node", "validator", "p2p", "rpc", "enode id"], style: { head: [], border: [] } });
    for (const n of nodes) table.push([n.name, n.validator, n.p2pPort, n.rpcUrl, `${n.enode.slice(8, 20)}…`]);
    console.log(`QBFT network for chain ${plan.chainId} written to ${out}`);
    console.log(table.toString());
    console.log(`Start each node from its directory: cd ${path.join(out, "node-1")} && besu --config-file=config.toml`);
  });

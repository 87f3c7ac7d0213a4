/**
 * token:transfer-check — read-only: would `transfer(to, amount)` sent by --from-wallet pass now, and if
 * not, which rule refuses it (SecurityToken.checkTransfer: pause, balance lock, frozen wallets, free
 * balance, recipient verification) or which compliance module. Sends nothing; exit 0 either way (the
 * answer is in the output: `passes`).
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import * as s from "./lib/schemas";

operation({
  name: "token:transfer-check",
  description: "Read-only: would a transfer pass, and if not which rule or compliance module stops it",
  params: {
    series: { description: "series symbol" },
    fromWallet: { description: "the sending holder" },
    to: { description: "the recipient" },
    amount: { description: "units" },
  },
  schema: z.object({ series: s.symbol, fromWallet: s.address, to: s.address, amount: s.positiveAmount }),
  sends: false,
  async run(args, ctx) {
    const { TRANSFER_CHECK } = await import("../scripts/lib/constants");
    const ops = await import("./lib/ops");
    const store = await ctx.store();
    const series = await ops.openSeries(store, args.series);
    const { token } = series;
    const [code, module] = await ctx.call("checkTransfer", () =>
      token.checkTransfer(args.fromWallet, args.to, args.amount),
    );
    const reason = TRANSFER_CHECK[Number(code)] ?? `code ${code}`;
    const holding = await ops.holdingOf(token, args.fromWallet);
    const summary: Record<string, unknown> = {
      passes: reason === "Ok",
      reason,
      from: args.fromWallet,
      to: args.to,
      amount: args.amount,
      "from free balance": holding.free,
      "from balance": holding.balance,
      "from frozen": holding.frozen,
      "from pledged": holding.pledged,
    };
    if (reason === "ComplianceRefused") {
      const named = Object.entries(store.record.contracts).find(([, address]) => address === module)?.[0];
      const moduleName = await ops
        .at<{ name(): Promise<string> }>("IComplianceModule", module)
        .then((m) => m.name())
        .catch(() => named ?? "unknown module");
      Object.assign(summary, { module, "module name": moduleName });
    }
    const unit = await ops.unitOf(store, series);
    if (args.amount % unit !== 0n) summary.note = `${args.amount} is not a multiple of the unit ${unit}`;
    return {
      title:
        reason === "Ok"
          ? `${args.series}: the transfer would pass`
          : `${args.series}: the transfer would be refused: ${reason}${summary["module name"] ? ` by ${summary["module name"]}` : ""}`,
      summary,
    };
  },
});

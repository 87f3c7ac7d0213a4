/**
 * token:approve — lets a contract of the market (the PayingAgent, the Offering, ...) or an address spend
 * the sender's units of a series: how an issuer's funding wallet consents to pay coupons and principal.
 * Sends nothing when the allowance is already the amount.
 */
import { z } from "zod";
import { operation } from "./lib/cli";
import { UsageError } from "./lib/errors";
import * as s from "./lib/schemas";

operation({
  name: "token:approve",
  description:
    "Sets the sender's allowance on a recorded series (e.g. JPYD) for --spender: a recorded contract name " +
    "(payingAgent, offering, ...) or an address. --from is the owner of the units (e.g. the issuer's funding wallet).",
  params: {
    series: { description: "series symbol (e.g. JPYD)" },
    spender: { description: "recorded contract name or address" },
    amount: { description: "allowance, in units (yen)" },
  },
  schema: z.object({
    series: s.symbol,
    spender: z.string({ error: "a spender is required" }).trim().min(1),
    amount: s.amount,
  }),
  async run(args, ctx) {
    const { isAddress, getAddress } = await import("ethers");
    const { at } = await import("./lib/bond-ops");
    const store = await ctx.store();
    const series = store.series(args.series);
    let spender: string;
    if (isAddress(args.spender)) spender = getAddress(args.spender);
    else if (store.record.contracts[args.spender] !== undefined) spender = store.record.contracts[args.spender];
    else {
      throw new UsageError("bad arguments", [
        {
          argument: "--spender",
          message: `${JSON.stringify(args.spender)} is neither an address nor a recorded contract`,
        },
      ]);
    }
    const signer = await ctx.signer();
    const owner = await signer.getAddress();
    const token = await at<import("../typechain-types").SecurityToken>("SecurityToken", series.token, signer);
    const current = await token.allowance(owner, spender);
    if (current !== args.amount) await ctx.send(`approve ${args.spender}`, () => token.approve(spender, args.amount));
    return {
      title: current === args.amount ? `allowance already ${args.amount}: nothing sent` : `allowance set`,
      summary: { series: args.series, owner, spender, allowance: args.amount, balance: await token.balanceOf(owner) },
    };
  },
});

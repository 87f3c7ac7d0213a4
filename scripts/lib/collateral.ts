import { type Signer } from "ethers";
import type { CollateralEscrow, PriceFeed } from "../../typechain-types";
import { ROLES } from "./constants";
import type { BondMarket } from "./bonds";
import { type KycProvider, type Suite, deploy, registerSystemContract, send } from "./suite";

export { registerSystemContract };

/** The collateral side of a market: the price feed and the escrow. */
export interface CollateralMarket {
  priceFeed: PriceFeed;
  escrow: CollateralEscrow;
}

/**
 * Deploys the price feed and the collateral escrow, registers the escrow as a cash holder, and lets the
 * paying agent turn matured collateral into cash. `owner` publishes prices. Series become pledgeable once
 * their owner calls `setPledgeAgent(escrow)` (see {enablePledging}).
 */
export async function deployCollateral(args: {
  suite: Suite;
  market: BondMarket;
  owner: Signer;
  registrar: Signer;
  kyc: KycProvider;
}): Promise<CollateralMarket> {
  const ownerAddress = await args.owner.getAddress();
  const priceFeed = await deploy<PriceFeed>("PriceFeed", args.owner, ownerAddress);
  await send(priceFeed.grantRole(ROLES.PRICE_AGENT, ownerAddress));
  const escrow = await deploy<CollateralEscrow>(
    "CollateralEscrow",
    args.owner,
    ownerAddress,
    await args.market.cash.getAddress(),
    await args.suite.identityRegistry.getAddress(),
    await priceFeed.getAddress(),
  );
  await send(escrow.setPayingAgent(await args.market.payingAgent.getAddress()));
  await registerSystemContract({
    suite: args.suite,
    operator: args.owner,
    registrar: args.registrar,
    kyc: args.kyc,
    contract: await escrow.getAddress(),
  });
  return { priceFeed, escrow };
}

/** Makes `escrow` the pledge agent of a series (its owner signs). */
export async function enablePledging(
  series: { setPledgeAgent(agent: string): Promise<unknown>; connect(s: Signer): unknown },
  owner: Signer,
  escrow: string,
): Promise<void> {
  const tx = (await (series.connect(owner) as typeof series).setPledgeAgent(escrow)) as {
    wait(): Promise<unknown>;
  };
  await tx.wait();
}

/** Prices as the feed stores them: yen per ¥100 face with 6 decimals (99.875 -> 99_875_000n). */
export function price(per100: string): bigint {
  const [whole, fraction = ""] = per100.split(".");
  if (!/^\d+$/.test(whole) || !/^\d{0,6}$/.test(fraction)) throw new Error(`not a price per ¥100: ${per100}`);
  return BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, "0"));
}

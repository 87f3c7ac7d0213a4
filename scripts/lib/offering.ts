import { type ContractTransactionReceipt, type Signer, ethers } from "ethers";
import type { Offering } from "../../typechain-types";
import type { BondMarket } from "./bonds";
import { ROLES } from "./constants";
import { type KycProvider, type Suite, deploy, registerSystemContract, send } from "./suite";

// The Offering registers itself like the other system contracts; prices use the feed's convention.
export { price as parsePrice } from "./collateral";
export { registerSystemContract } from "./suite";

/**
 * Primary issuance helpers: deploying and wiring the Offering contract, the pro-rata allotment an issuer
 * computes off chain, reading applications back, and batched calls. Prices are yen per ¥100 face with six
 * decimals (`parsePrice("99.871")` = 99_871_000n, the price feed's convention).
 */

/** Price of par: 100.000000 yen per ¥100 face (Offering.PAR). */
export const PAR = 100_000_000n;

/** Most applicants per allot/deliver batch (Offering.MAX_BATCH). */
export const OFFERING_MAX_BATCH = 200;

/** Application statuses, identical to IOffering.ApplicationStatus. */
export const APPLICATION_STATUS = { None: 0, Applied: 1, Delivered: 2, Refunded: 3 } as const;

/** Offering statuses, identical to IOffering.OfferingStatus. */
export const OFFERING_STATUS = { None: 0, Open: 1, Finalized: 2, Closed: 3, Cancelled: 4 } as const;

/**
 * Deploys the Offering contract and wires it to the market's cash token: `owner` is its admin (and must
 * administer the cash token, which grants it PAYING_AGENT for payments and refunds), `issuerAgents` get
 * ISSUER_AGENT, and the contract is registered as a verified cash holder (to take deposits). Each bond
 * series offered must also grant it SUPPLY_AGENT (createBond's `supplyAgents`, or a grant by its owner).
 */
export async function deployOffering(args: {
  suite: Suite;
  market: BondMarket;
  owner: Signer;
  registrar: Signer;
  kyc: KycProvider;
  issuerAgents?: string[];
}): Promise<Offering> {
  const offering = await deploy<Offering>("Offering", args.owner, await args.owner.getAddress());
  const address = await offering.getAddress();
  for (const agent of args.issuerAgents ?? [])
    await send(offering.connect(args.owner).grantRole(ROLES.ISSUER_AGENT, agent));
  await send(args.market.cash.connect(args.owner).grantRole(ROLES.PAYING_AGENT, address));
  await registerSystemContract({
    suite: args.suite,
    registrar: args.registrar,
    kyc: args.kyc,
    operator: args.owner,
    contract: address,
  });
  return offering;
}

/** Face applied for or allotted to one applicant. */
export interface FaceOf {
  applicant: string;
  face: bigint;
}

function byAddress(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The pro-rata allotment of `size` over `applications`, by units of `unit`, largest remainder:
 * - if the applications fit in the size, everyone gets what it applied for;
 * - otherwise each applicant gets floor(units × sizeUnits ÷ appliedUnits) units, and the units left over
 *   go one each to the largest remainders (units × sizeUnits mod appliedUnits), equal remainders to the
 *   lower address first; nobody gets more than it applied for, and the whole size is allotted.
 * Returns every applicant (zero allotments included), in ascending address order.
 */
export function proRataAllotment(applications: FaceOf[], size: bigint, unit: bigint): FaceOf[] {
  if (unit <= 0n || size < 0n || size % unit !== 0n) throw new Error(`size ${size} is not whole units of ${unit}`);
  const seen = new Set<string>();
  const sorted = applications
    .map(({ applicant, face }) => {
      const address = ethers.getAddress(applicant);
      if (seen.has(address)) throw new Error(`duplicate applicant ${address}`);
      seen.add(address);
      if (face < 0n || face % unit !== 0n) throw new Error(`${address}: face ${face} is not whole units of ${unit}`);
      return { applicant: address, units: face / unit };
    })
    .sort((a, b) => byAddress(a.applicant, b.applicant));
  const sizeUnits = size / unit;
  const appliedUnits = sorted.reduce((sum, a) => sum + a.units, 0n);
  if (appliedUnits <= sizeUnits) return sorted.map((a) => ({ applicant: a.applicant, face: a.units * unit }));

  const shares = sorted.map((a, index) => ({
    index,
    units: (a.units * sizeUnits) / appliedUnits,
    remainder: (a.units * sizeUnits) % appliedUnits,
  }));
  let left = sizeUnits - shares.reduce((sum, s) => sum + s.units, 0n);
  const order = [...shares].sort((a, b) =>
    a.remainder !== b.remainder ? (a.remainder > b.remainder ? -1 : 1) : a.index - b.index,
  );
  for (const share of order) {
    if (left === 0n) break;
    share.units += 1n;
    left -= 1n;
  }
  return shares.map((s) => ({ applicant: sorted[s.index].applicant, face: s.units * unit }));
}

/** One live application of an offering, as the contract holds it. */
export interface ApplicationState {
  applicant: string;
  face: bigint;
  allotted: bigint;
  status: number;
}

/**
 * The live applications of offering `id` (withdrawn ones left out), read from its ApplicationSubmitted
 * events and the contract's state, in ascending address order.
 */
export async function applicationsOf(offering: Offering, id: bigint): Promise<ApplicationState[]> {
  const logs = await offering.queryFilter(offering.filters.ApplicationSubmitted(id));
  const applicants = [...new Set(logs.map((log) => ethers.getAddress(log.args.applicant)))].sort(byAddress);
  const states = await Promise.all(applicants.map((a) => offering.application(id, a)));
  return applicants
    .map((applicant, i) => ({
      applicant,
      face: states[i].face,
      allotted: states[i].allotted,
      status: Number(states[i].status),
    }))
    .filter((a) => a.status !== APPLICATION_STATUS.None);
}

/** Sends an allotment in batches of `batchSize`. Returns the receipts. */
export async function allotInBatches(
  offering: Offering,
  agent: Signer,
  id: bigint,
  allotments: FaceOf[],
  batchSize = OFFERING_MAX_BATCH,
): Promise<ContractTransactionReceipt[]> {
  const receipts: ContractTransactionReceipt[] = [];
  for (let i = 0; i < allotments.length; i += batchSize) {
    const batch = allotments.slice(i, i + batchSize);
    receipts.push(
      await send(
        offering.connect(agent).allot(
          id,
          batch.map((a) => a.applicant),
          batch.map((a) => a.face),
        ),
      ),
    );
  }
  return receipts;
}

/** Delivers `applicants` in batches of `batchSize`. Returns the receipts. */
export async function deliverInBatches(
  offering: Offering,
  caller: Signer,
  id: bigint,
  applicants: string[],
  batchSize = OFFERING_MAX_BATCH,
): Promise<ContractTransactionReceipt[]> {
  const receipts: ContractTransactionReceipt[] = [];
  for (let i = 0; i < applicants.length; i += batchSize) {
    receipts.push(await send(offering.connect(caller).deliver(id, applicants.slice(i, i + batchSize))));
  }
  return receipts;
}

/**
 * The issuer's side of an offering after its window has closed: the pro-rata allotment of every live
 * application, finalized, delivered to everyone, closed. Returns the allotment.
 */
export async function allotDeliverAndClose(offering: Offering, agent: Signer, id: bigint): Promise<FaceOf[]> {
  const record = await offering.offering(id);
  const live = await applicationsOf(offering, id);
  const allotment = proRataAllotment(
    live.map((a) => ({ applicant: a.applicant, face: a.face })),
    record.size,
    record.unit,
  );
  if (allotment.length > 0) await allotInBatches(offering, agent, id, allotment);
  await send(offering.connect(agent).finalizeAllotment(id));
  if (live.length > 0)
    await deliverInBatches(
      offering,
      agent,
      id,
      live.map((a) => a.applicant),
    );
  await send(offering.connect(agent).closeOffering(id));
  return allotment;
}

/**
 * kosai demo: `npm run demo`. Runs on the embedded in-process Hardhat chain and tells the story of a JGB
 * series from issue to redemption: the market's identity infrastructure and yen cash token are deployed,
 * investors are onboarded with ONCHAINID claims, the Ministry of Finance creates a 10-year JGB whose terms
 * live on chain, units are issued, traded by atomic delivery versus payment at a price plus accrued
 * interest, refused when a rule says no, paid their coupons, pledged to a clearing house as collateral
 * (through a price fall and a margin call), and redeemed at maturity. Beside it, Shinjuku City issues a
 * resident-participation bond that only its residents and workers may hold. At the end the compliance
 * audit report is written to audit/ (Markdown, JSON, CSV) and its summary printed.
 */
import path from "node:path";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";
import type { DvpSettlement } from "../typechain-types";
import { COUNTRY, ROLES, TOPICS, TRANSFER_CHECK, residenceTopic, workplaceTopic } from "./lib/constants";
import { claimId } from "./lib/onchainid";
import { describeRevert } from "./lib/errors";
import { createBond, deployBondMarket, payRun } from "./lib/bonds";
import { isinCheckDigit } from "./lib/bond-terms";
import { deployCollateral, enablePledging, price } from "./lib/collateral";
import { buildAuditReport, renderMarkdownSummary, writeAuditReport } from "./lib/audit";
import { dayOfUnix, formatDate, jstMidnight, nextBusinessDay, fromCivil, toCivil } from "./lib/calendar";
import { deploy, deploySuite, onboardInvestor, send, setUpKyc, type Investor } from "./lib/suite";
import { allotDeliverAndClose, deployOffering } from "./lib/offering";

const YEN = (n: bigint) => `¥${n.toLocaleString("en-US")}`;
const step = (title: string) => process.stdout.write(`\n== ${title}\n`);
const line = (text: string) => process.stdout.write(`   ${text}\n`);

async function main() {
  const [mofSigner, agent, registrar, kycDesk, bankDesk, mofAccount, bankA, bankB, usFund, stranger] =
    (await ethers.getSigners()) as Signer[];
  const [jscc, shinjukuCity, shinjukuResident, shinjukuWorker, osakaResident] = (await ethers.getSigners()).slice(
    10,
    15,
  ) as Signer[];
  const addr = (s: Signer) => s.getAddress();

  step("1. The market's shared contracts: one KYC whitelist for every series, the yen cash token");
  const suite = await deploySuite(mofSigner, registrar);
  const kyc = await setUpKyc(suite, mofSigner, kycDesk, [TOPICS.KYC]);
  const market = await deployBondMarket(suite, mofSigner, bankDesk);
  const dvp = await deploy<DvpSettlement>("DvpSettlement", mofSigner, await addr(mofSigner));
  const offering = await deployOffering({
    suite,
    market,
    owner: mofSigner,
    registrar,
    kyc,
    issuerAgents: [await addr(mofSigner)],
  });
  line(
    `IdentityRegistry   ${await suite.identityRegistry.getAddress()}  (KYC claim required, issuer ${await kyc.issuer.getAddress()})`,
  );
  line(`BondFactory        ${await market.bondFactory.getAddress()}`);
  line(`PayingAgent        ${await market.payingAgent.getAddress()}`);
  line(`DvpSettlement      ${await dvp.getAddress()}`);
  line(`Offering           ${await offering.getAddress()}`);
  line(`JPYD cash token    ${await market.cash.getAddress()}  (tokenized yen deposit, decimals 0)`);

  step("2. Onboarding: ONCHAINID identity + KYC claim signed by the provider + registration");
  const investors: Record<string, Investor> = {};
  for (const [name, wallet, country] of [
    ["MOF account", mofAccount, COUNTRY.JP],
    ["Bank A (Tokyo)", bankA, COUNTRY.JP],
    ["Bank B (Osaka)", bankB, COUNTRY.JP],
    ["US fund", usFund, COUNTRY.US],
  ] as const) {
    investors[name] = await onboardInvestor({ suite, registrar, kyc, wallet, country });
    line(
      `${name.padEnd(15)} ${investors[name].address}  identity ${await investors[name].identity.getAddress()}  country ${country}`,
    );
  }
  for (const [wallet, amount] of [
    [mofAccount, 100_000_000_000n],
    [bankA, 5_000_000_000n],
    [bankB, 5_000_000_000n],
  ] as const) {
    await send(market.cash.connect(bankDesk).mint(await addr(wallet), amount));
  }
  line(`the bank mints JPYD: MOF ${YEN(100_000_000_000n)}, Bank A and Bank B ${YEN(5_000_000_000n)} each`);

  step("3. The Ministry of Finance creates a 10-year JGB; its terms live on chain");
  const today = dayOfUnix(await time.latest());
  const issueDay = nextBusinessDay(today + 2); // delivery T+2, on a business day
  const t = toCivil(issueDay);
  // Coupons on 20 June and 20 December; interest runs from the regular date before issue (buyers at issue
  // pay what has accrued since), so every coupon is a full half-year's.
  const regular = (year: number, half: 0 | 1) => fromCivil({ year, month: half ? 12 : 6, day: 20 });
  const maturity = regular(t.year + 10, 1);
  let interestStart = regular(t.year, 1);
  while (interestStart > issueDay)
    interestStart = interestStart === regular(t.year, 1) ? regular(t.year, 0) : regular(t.year - 1, 1);
  const m = suite.modules;
  const { bond, receipt } = await createBond(market, mofSigner, {
    kind: "FixedRateJgb",
    name: "JGB 10Y #381",
    symbol: "JGB381",
    isin: "JP1103751Q17",
    issuerName: "Ministry of Finance Japan",
    issueDate: issueDay,
    interestStartDate: interestStart,
    maturityDate: maturity,
    couponRate: 12_000,
    issueVolume: 2_600_000_000_000n,
    agents: [await addr(agent)],
    issuerAgents: [await addr(mofSigner)],
    supplyAgents: [await offering.getAddress()],
    extraModules: [
      {
        module: await m.countryAllow.getAddress(),
        calls: [m.countryAllow.interface.encodeFunctionData("listCountries", [[COUNTRY.JP]])],
      },
    ],
  });
  const bondAddress = await bond.getAddress();
  line(
    `${await bond.name()}  ISIN ${await bond.isin()}  token ${bondAddress}  (${receipt.gasUsed.toLocaleString("en-US")} gas)`,
  );
  line(
    `coupon 1.2% a year, semi-annual; face unit ${YEN(await bond.denomination())}; interest from ${formatDate(interestStart)}, issue ${formatDate(issueDay)}, maturity ${formatDate(maturity)}`,
  );
  const dates = await bond.couponDates();
  const shown = dates
    .slice(0, 3)
    .map((d) => `${formatDate(Number(d >> 32n))}→paid ${formatDate(Number(d & 0xffffffffn))}`);
  line(`${dates.length} coupons (holidays roll to the next business day): ${shown.join(", ")}, ...`);
  line("compliance preset: whole ¥50,000 units; plus this series' extra rule: holders resident in Japan");

  step("4. Primary issuance: offering, applications with cash deposited, pro-rata allotment, DvP delivery");
  const now0 = await time.latest();
  const size = 600_000_000n;
  await send(
    offering.connect(mofSigner).openOffering({
      bond: bondAddress,
      proceedsAccount: await addr(mofAccount),
      size,
      price: 99_850_000n, // 99.85 per 100 face
      openTime: now0,
      closeTime: now0 + 3600,
      deliveryDay: issueDay,
    }),
  );
  const id = await offering.offeringCount();
  line(
    `offering #${id}: ${YEN(size)} face at 99.85 plus interest accrued since ${formatDate(interestStart)}; delivery ${formatDate(issueDay)}`,
  );
  for (const [name, wallet, face] of [
    ["Bank A (Tokyo)", bankA, 500_000_000n],
    ["Bank B (Osaka)", bankB, 300_000_000n],
  ] as const) {
    await send(market.cash.connect(wallet).approve(await offering.getAddress(), ethers.MaxUint256));
    const [amount, accrued] = await offering.quote(id, face);
    await send(offering.connect(wallet).applyFor(id, face));
    line(
      `${name} applies for ${YEN(face)} and deposits ${YEN(amount + accrued)} (price ${YEN(amount)} + accrued ${YEN(accrued)})`,
    );
  }
  await time.increaseTo(Math.max(jstMidnight(issueDay) + 9 * 3600, now0 + 3601));
  const cashBefore = await market.cash.balanceOf(await addr(mofAccount));
  const allotment = await allotDeliverAndClose(offering, mofSigner, id);
  for (const a of allotment) {
    const name = a.applicant === (await addr(bankA)) ? "Bank A (Tokyo)" : "Bank B (Osaka)";
    line(`${name} allotted ${YEN(a.face)} (pro rata): units minted against its deposit, the rest refunded`);
  }
  line(
    `the MOF account receives ${YEN((await market.cash.balanceOf(await addr(mofAccount))) - cashBefore)}; supply ${YEN(await bond.totalSupply())}`,
  );

  step("5. A secondary trade, settled by atomic delivery versus payment (24/7, no business hours)");
  for (const w of [bankA, bankB]) {
    await send(bond.connect(w).approve(await dvp.getAddress(), ethers.MaxUint256));
    await send(market.cash.connect(w).approve(await dvp.getAddress(), ethers.MaxUint256));
  }
  await time.increase(3 * 86_400);
  const now = await time.latest();
  const face = 100_000_000n;
  const accrued = await market.payingAgent.accruedInterest(bondAddress, face, now);
  const clean = (face * 99_500n) / 100_000n; // 99.50 per 100 face
  const trade = {
    seller: await addr(bankA),
    buyer: await addr(bankB),
    bond: bondAddress,
    units: face,
    cash: await market.cash.getAddress(),
    cashAmount: clean + accrued,
    settleAfter: now,
    expiry: now + 3600,
    nonce: 1n,
  };
  await send(dvp.connect(bankA).instruct(trade));
  await send(dvp.connect(bankB).affirm(trade));
  const settled = await send(dvp.connect(bankB).settle(trade));
  line(`Bank A sells ${YEN(face)} face to Bank B at 99.50 + accrued interest ${YEN(accrued)} (Act/365, truncated)`);
  line(
    `settled in one transaction: bonds A→B and ${YEN(clean + accrued)} B→A  (${settled.gasUsed.toLocaleString("en-US")} gas)`,
  );

  step("6. Transfers the rules refuse, and why (pre-check, then the chain's own answer)");
  const attempts: [string, Signer, string, bigint][] = [
    ["to the US fund (country not allowed)", bankA, await addr(usFund), 50_000_000n],
    ["of ¥30,000 (not a whole ¥50,000 unit)", bankA, await addr(bankB), 30_000n],
    ["to a wallet with no identity", bankA, await addr(stranger), 50_000n],
    ["beyond Bank A's holding", bankA, await addr(bankB), 900_000_000n],
  ];
  for (const [label, from, to, amount] of attempts) {
    const [code, module] = await bond.checkTransfer(await addr(from), to, amount);
    const moduleName =
      module === ethers.ZeroAddress
        ? ""
        : ` (${await (await ethers.getContractAt("IComplianceModule", module)).name()})`;
    let outcome: string;
    try {
      await send(bond.connect(from).transfer(to, amount));
      outcome = "accepted?!";
    } catch (error) {
      outcome = await describeRevert(error);
    }
    line(`transfer ${label}`);
    line(`   checkTransfer: ${TRANSFER_CHECK[Number(code)]}${moduleName}`);
    line(`   reverted:      ${outcome}`);
  }

  step("7. Coupons: the paying agent pays every holder of record, exactly once");
  await send(market.payingAgent.connect(mofSigner).setFunder(bondAddress, await addr(mofAccount)));
  await send(market.cash.connect(mofAccount).approve(await market.payingAgent.getAddress(), ethers.MaxUint256));
  const holders = [await addr(bankA), await addr(bankB)];
  const [, firstPayment] = await bond.couponDate(0);
  await time.increaseTo(jstMidnight(Number(firstPayment)) + 9 * 3600);
  const before = await Promise.all(holders.map((h) => market.cash.balanceOf(h)));
  await send(market.payingAgent.connect(mofSigner).openCoupon(bondAddress, 0));
  line(
    `coupon 1 opened on ${formatDate(Number(firstPayment))}: balances locked at the record (${TRANSFER_CHECK[Number((await bond.checkTransfer(holders[0], holders[1], 50_000n))[0])]})`,
  );
  await payRun(market, mofSigner, bondAddress, holders);
  const after = await Promise.all(holders.map((h) => market.cash.balanceOf(h)));
  line(
    `Bank A paid ${YEN(after[0] - before[0])} on ${YEN(await bond.balanceOf(holders[0]))}, Bank B ${YEN(after[1] - before[1])} on ${YEN(await bond.balanceOf(holders[1]))}; balances unlocked`,
  );

  step("8. The KYC provider revokes Bank B's claim: the very next transfer to Bank B stops");
  const bankBIdentity = investors["Bank B (Osaka)"].identity;
  const [, , , signature] = await bankBIdentity.getClaim(claimId(await kyc.issuer.getAddress(), TOPICS.KYC));
  await send(kyc.issuer.connect(kycDesk).revokeClaimBySignature(signature));
  line(`isVerified(Bank B) = ${await suite.identityRegistry.isVerified(holders[1])}`);
  try {
    await send(bond.connect(bankA).transfer(holders[1], 50_000n));
  } catch (error) {
    line(`transfer Bank A -> Bank B reverted: ${await describeRevert(error)}`);
  }
  line("(Bank B still holds its bonds, and is still paid what they earn)");

  step("9. Collateral: Bank A pledges JGBs to a clearing house; the price falls; margin call; top-up");
  const collateral = await deployCollateral({ suite, market, owner: mofSigner, registrar, kyc });
  const escrow = collateral.escrow;
  const escrowAddress = await escrow.getAddress();
  await enablePledging(bond, mofSigner, escrowAddress);
  const clearingHouse = await onboardInvestor({ suite, registrar, kyc, wallet: jscc, country: COUNTRY.JP });
  const jsccAddress = clearingHouse.address;
  const publishPrice = async (per100: string) =>
    send(collateral.priceFeed.connect(mofSigner).publish([bondAddress], [price(per100)], [await time.latest()]));
  await publishPrice("100");
  await send(escrow.connect(jscc).setPolicy(86_400, true)); // prices at most a day old, cash accepted
  await send(escrow.connect(jscc).setEligible(bondAddress, true));
  const requirement = 190_000_000n;
  await send(escrow.connect(jscc).setRequirement(holders[0], requirement));
  line(`CollateralEscrow ${escrowAddress}: pledge agent of ${await bond.symbol()}; clearing house JSCC ${jsccAddress}`);
  const pledged = 200_000_000n;
  await send(escrow.connect(bankA).pledge(jsccAddress, bondAddress, pledged));
  const haircut = await escrow.haircutOf(jsccAddress, bondAddress);
  const coverage = () => escrow.coverageOf(holders[0], jsccAddress);
  line(
    `Bank A pledges ${YEN(pledged)} face (the units stay in its wallet, coupons still paid to it); requirement ${YEN(requirement)}`,
  );
  line(
    `at 100.00, haircut ${Number(haircut) / 100}% counted: coverage ${YEN(await coverage())}; Bank A's free units ${YEN(await bond.freeBalanceOf(holders[0]))}`,
  );
  await publishPrice("95");
  const fallen = await coverage();
  line(`the price falls to 95.00: coverage ${YEN(fallen)} < requirement ${YEN(requirement)}`);
  const callDeadline = jstMidnight(nextBusinessDay(dayOfUnix(await time.latest()) + 1)) + 11 * 3600;
  await send(escrow.connect(jscc).marginCall(holders[0], callDeadline));
  line(`JSCC calls for margin: top up by ${new Date(callDeadline * 1000).toISOString()} (next business day 11:00 JST)`);
  // Whole ¥50,000 units worth at least the shortfall at 95.00 after the haircut, plus one for rounding.
  const unitValue = (50_000n * price("95") * haircut) / (100_000_000n * 10_000n);
  const topUp = ((requirement - fallen) / unitValue + 2n) * 50_000n;
  const topUpReceipt = await send(escrow.connect(bankA).pledge(jsccAddress, bondAddress, topUp));
  const met = topUpReceipt.logs.some((log) => escrow.interface.parseLog(log)?.name === "MarginCallMet");
  const [, account] = await escrow.accountOf(holders[0], jsccAddress);
  line(
    `Bank A pledges ${YEN(topUp)} more: coverage ${YEN(await coverage())}; ${met ? "MarginCallMet, " : ""}account ${["None", "Active", "Called", "Defaulted", "Closed"][Number(account.status)]}`,
  );

  step("10. A resident-participation bond: Shinjuku City sells only to people who live or work there");
  const SHINJUKU = 131041; // local government code, check digit included
  await send(market.bondFactory.connect(mofSigner).grantRole(ROLES.SERIES_DEPLOYER, await addr(shinjukuCity)));
  // The KYC provider also attests age and address (one claim topic per local government).
  await send(
    suite.issuersRegistry
      .connect(mofSigner)
      .updateIssuerClaimTopics(await kyc.issuer.getAddress(), [
        TOPICS.KYC,
        TOPICS.ADULT,
        residenceTopic(SHINJUKU),
        workplaceTopic(SHINJUKU),
      ]),
  );
  const residents: [string, Signer, bigint[]][] = [
    ["Shinjuku resident", shinjukuResident, [TOPICS.KYC, TOPICS.ADULT, residenceTopic(SHINJUKU)]],
    ["Shinjuku worker", shinjukuWorker, [TOPICS.KYC, TOPICS.ADULT, workplaceTopic(SHINJUKU)]],
    ["Osaka resident", osakaResident, [TOPICS.KYC, TOPICS.ADULT]],
  ];
  for (const [name, wallet, topics] of residents) {
    await onboardInvestor({ suite, registrar, kyc, wallet, country: COUNTRY.JP, topics });
    line(`${name.padEnd(18)} ${await addr(wallet)}  claims: ${topics.map(String).join(", ")}`);
  }
  const cityDay = dayOfUnix(await time.latest());
  const c0 = toCivil(cityDay);
  const { bond: residentBond } = await createBond(market, shinjukuCity, {
    kind: "MunicipalResident",
    name: "Shinjuku City Resident Bond 5Y",
    symbol: "SJKR5",
    isin: `JP2131041R1${isinCheckDigit("JP2131041R1")}`,
    issuerCode: SHINJUKU,
    issuerName: "Shinjuku City",
    issueDate: cityDay,
    maturityDate: fromCivil({ year: c0.year + 5, month: c0.month, day: 20 }),
    couponRate: 3_000,
    denomination: 10_000n,
    issueVolume: 1_000_000_000n,
    resident: { adultTopic: TOPICS.ADULT, minimumHolding: 100_000n, maximumHolding: 5_000_000n },
    agents: [await addr(shinjukuCity)],
  });
  line(
    `${await residentBond.name()}  ISIN ${await residentBond.isin()}: 0.3%, face unit ${YEN(10_000n)}, ¥100,000 minimum and ¥5,000,000 cap per person, ${YEN(1_000_000_000n)} issue`,
  );
  for (const [name, wallet, face] of [
    ["Shinjuku resident", shinjukuResident, 1_000_000n],
    ["Shinjuku worker", shinjukuWorker, 500_000n],
  ] as const) {
    await send(residentBond.connect(shinjukuCity).mint(await addr(wallet), face));
    line(`issued ${YEN(face)} to the ${name}`);
  }
  const outsider = await addr(osakaResident);
  const [refusal, refusingModule] = await residentBond.checkTransfer(await addr(shinjukuResident), outsider, 100_000n);
  const refusingName = await (await ethers.getContractAt("IComplianceModule", refusingModule)).name();
  line(`the Shinjuku resident selling ${YEN(100_000n)} to the Osaka resident: ${TRANSFER_CHECK[Number(refusal)]} (${refusingName})`);
  try {
    await send(residentBond.connect(shinjukuCity).mint(outsider, 100_000n));
    line("issue to the Osaka resident: accepted?!");
  } catch (error) {
    line(`issue to the Osaka resident reverted: ${await describeRevert(error)}`);
    line("   (no residence or workplace claim for Shinjuku, 100131041 or 200131041, on its identity)");
  }

  step("11. Ten years on: the remaining coupons, then redemption at face");
  const count = Number(await bond.couponCount());
  for (let p = 1; p < count; p++) {
    const [, payment] = await bond.couponDate(p);
    await time.increaseTo(Math.max(jstMidnight(Number(payment)) + 9 * 3600, (await time.latest()) + 1));
    await send(market.payingAgent.connect(mofSigner).openCoupon(bondAddress, p));
    await payRun(market, mofSigner, bondAddress, holders);
  }
  line(`${count} coupons paid`);
  await send(market.payingAgent.connect(mofSigner).openRedemption(bondAddress));
  await payRun(market, mofSigner, bondAddress, holders);
  line(
    `redeemed on ${formatDate(nextBusinessDay(maturity))}: supply ${YEN(await bond.totalSupply())}, Bank A cash ${YEN(await market.cash.balanceOf(holders[0]))}`,
  );
  try {
    await send(bond.connect(bankA).transfer(holders[1], 50_000n));
  } catch (error) {
    line(`a transfer after redemption reverts: ${await describeRevert(error)}`);
  }
  const [, afterRedemption] = await escrow.accountOf(holders[0], jsccAddress);
  line(`Bank A's pledged JGBs matured into ${YEN(afterRedemption.cash)} of cash collateral at JSCC`);

  step("12. The compliance audit report, read back from the chain");
  const known: Record<string, string> = {
    [await addr(mofSigner)]: "MOF operator",
    [await addr(agent)]: "token agent",
    [await addr(registrar)]: "registrar",
    [await addr(bankDesk)]: "bank desk",
    [await addr(mofAccount)]: "MOF account",
    [holders[0]]: "Bank A",
    [holders[1]]: "Bank B",
    [await addr(usFund)]: "US fund",
    [jsccAddress]: "JSCC",
    [await addr(shinjukuCity)]: "Shinjuku City",
    [await addr(shinjukuResident)]: "Shinjuku resident",
    [await addr(shinjukuWorker)]: "Shinjuku worker",
    [outsider]: "Osaka resident",
  };
  const report = await buildAuditReport(ethers, {
    identityRegistry: await suite.identityRegistry.getAddress(),
    series: [bondAddress, await residentBond.getAddress(), await market.cash.getAddress()],
    payingAgent: await market.payingAgent.getAddress(),
    escrow: escrowAddress,
    dvp: await dvp.getAddress(),
    offerings: [await offering.getAddress()],
    factories: [await market.bondFactory.getAddress(), await suite.factory.getAddress()],
    knownAccounts: known,
  });
  const written = writeAuditReport(report, "audit");
  line(`written: ${written.map((f) => path.relative(process.cwd(), f)).join(", ")}`);
  process.stdout.write(`\n${renderMarkdownSummary(report)}`);
  process.stdout.write("\nDone. Tests: npm test. Gas table: npm run bench.\n");
}

main().catch(async (error) => {
  process.stderr.write(`demo failed: ${await describeRevert(error)}\n`);
  process.exitCode = 1;
});

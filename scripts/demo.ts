/**
 * kosai demo: `npm run demo`. Runs on the embedded in-process Hardhat chain and tells the story of one
 * JGB series: the market's identity infrastructure is deployed, investors are onboarded with ONCHAINID
 * claims, the Ministry's series is created with its compliance rules in one transaction, units are
 * issued and traded, and refused transfers are shown with the rule that refused them.
 */
import { ethers } from "hardhat";
import type { Signer } from "ethers";
import { COUNTRY, TOPICS, TRANSFER_CHECK } from "./lib/constants";
import { claimId } from "./lib/onchainid";
import { describeRevert } from "./lib/errors";
import { createSeries, deploySuite, onboardInvestor, setUpKyc, type Investor } from "./lib/suite";

const YEN = (n: bigint) => `¥${n.toLocaleString("en-US")}`;
const step = (title: string) => process.stdout.write(`\n== ${title}\n`);
const line = (text: string) => process.stdout.write(`   ${text}\n`);

async function main() {
  const [mof, payingAgent, registrar, kycDesk, bankA, bankB, usFund, stranger] = (await ethers.getSigners()) as Signer[];

  step("1. The market's shared contracts (one KYC whitelist for every series)");
  const suite = await deploySuite(mof, registrar);
  line(`IdentityRegistry         ${await suite.identityRegistry.getAddress()}`);
  line(`IdentityRegistryStorage  ${await suite.identityStorage.getAddress()}`);
  line(`SeriesFactory            ${await suite.factory.getAddress()} (token and compliance beacons)`);
  const kyc = await setUpKyc(suite, mof, kycDesk);
  line(`KYC provider (ONCHAINID ClaimIssuer) ${await kyc.issuer.getAddress()} trusted for topic KYC; KYC required`);

  step("2. Onboarding investors: ONCHAINID identity + signed KYC claim + registration");
  const investors: Record<string, Investor> = {};
  for (const [name, wallet, country] of [
    ["Bank A (Tokyo)", bankA, COUNTRY.JP],
    ["Bank B (Osaka)", bankB, COUNTRY.JP],
    ["US fund", usFund, COUNTRY.US],
  ] as const) {
    investors[name] = await onboardInvestor({ suite, registrar, kyc, wallet, country });
    line(`${name.padEnd(15)} wallet ${investors[name].address}  identity ${await investors[name].identity.getAddress()}  country ${country}`);
  }

  step("3. The Ministry of Finance creates JGB 10-year #375 in one transaction");
  const m = suite.modules;
  const { token, compliance, receipt } = await createSeries(suite, mof, {
    name: "JGB 10Y #375 (0.9% 2034-12-20)",
    symbol: "JGB375",
    agents: [await payingAgent.getAddress()],
    modules: [
      { module: await m.countryAllow.getAddress(), calls: [m.countryAllow.interface.encodeFunctionData("listCountries", [[COUNTRY.JP]])] },
      { module: await m.denomination.getAddress(), calls: [m.denomination.interface.encodeFunctionData("setDenomination", [50_000n, 50_000n])] },
      { module: await m.supplyCap.getAddress(), calls: [m.supplyCap.interface.encodeFunctionData("setSupplyCap", [2_600_000_000_000n])] },
    ],
  });
  line(`token ${await token.getAddress()}  compliance ${await compliance.getAddress()}  (${receipt.gasUsed.toLocaleString("en-US")} gas)`);
  line("rules: holders resident in Japan; ¥50,000 face units; issue size cap ¥2.6 trillion");

  step("4. Primary issuance by the paying agent");
  for (const [name, amount] of [["Bank A (Tokyo)", 500_000_000n], ["Bank B (Osaka)", 200_000_000n]] as const) {
    await (await token.connect(payingAgent).mint(investors[name].address, amount)).wait();
    line(`${name} receives ${YEN(amount)} face`);
  }

  step("5. A secondary transfer between verified Japanese holders");
  const trade = await (await token.connect(bankA).transfer(await bankB.getAddress(), 100_000_000n)).wait();
  line(`Bank A -> Bank B ${YEN(100_000_000n)}  (${trade!.gasUsed.toLocaleString("en-US")} gas)`);
  for (const name of ["Bank A (Tokyo)", "Bank B (Osaka)"]) {
    line(`${name.padEnd(15)} holds ${YEN(await token.balanceOf(investors[name].address))}`);
  }

  step("6. Transfers the rules refuse, and why (pre-check, then the chain's own answer)");
  const attempts: [string, Signer, string, bigint][] = [
    ["to the US fund (country not allowed)", bankA, await usFund.getAddress(), 50_000_000n],
    ["of ¥30,000 (not a whole ¥50,000 unit)", bankA, await bankB.getAddress(), 30_000n],
    ["to a wallet with no identity", bankA, await stranger.getAddress(), 50_000n],
    ["beyond Bank A's holding", bankA, await bankB.getAddress(), 900_000_000n],
  ];
  for (const [label, from, to, amount] of attempts) {
    const [code, module] = await token.checkTransfer(await from.getAddress(), to, amount);
    const reason = TRANSFER_CHECK[Number(code)];
    const moduleName = module === ethers.ZeroAddress ? "" : ` (${await (await ethers.getContractAt("IComplianceModule", module)).name()})`;
    let outcome: string;
    try {
      await (await token.connect(from).transfer(to, amount)).wait();
      outcome = "accepted?!";
    } catch (error) {
      outcome = await describeRevert(error);
    }
    line(`transfer ${label}`);
    line(`   checkTransfer: ${reason}${moduleName}`);
    line(`   reverted:      ${outcome}`);
  }

  step("7. The KYC provider revokes Bank B's claim: the very next transfer to Bank B stops");
  const bankBIdentity = investors["Bank B (Osaka)"].identity;
  const [, , , signature] = await bankBIdentity.getClaim(claimId(await kyc.issuer.getAddress(), TOPICS.KYC));
  await (await kyc.issuer.connect(kycDesk).revokeClaimBySignature(signature)).wait();
  line(`isVerified(Bank B) = ${await suite.identityRegistry.isVerified(await bankB.getAddress())}`);
  try {
    await (await token.connect(bankA).transfer(await bankB.getAddress(), 50_000n)).wait();
  } catch (error) {
    line(`transfer Bank A -> Bank B reverted: ${await describeRevert(error)}`);
  }

  step("8. Agents: freeze part of a holding, pause, and the supply reconciles");
  await (await token.connect(payingAgent).freezePartialTokens(await bankA.getAddress(), 100_000_000n)).wait();
  line(`Bank A frozen ${YEN(await token.getFrozenTokens(await bankA.getAddress()))}, free ${YEN(await token.freeBalanceOf(await bankA.getAddress()))}`);
  await (await token.connect(payingAgent).pause()).wait();
  line(`paused: ${await token.paused()}`);
  const supply = await token.totalSupply();
  const sum = (await token.balanceOf(await bankA.getAddress())) + (await token.balanceOf(await bankB.getAddress()));
  line(`total supply ${YEN(supply)} = sum of holdings ${YEN(sum)}: ${supply === sum ? "reconciled" : "MISMATCH"}`);
  process.stdout.write("\nDone. Tests: npm test. Gas table: npm run bench.\n");
}

main().catch(async (error) => {
  process.stderr.write(`demo failed: ${await describeRevert(error)}\n`);
  process.exitCode = 1;
});

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { type BondOptions, createBond, packCouponDate } from "../../scripts/lib/bonds";
import {
  BOND_KIND,
  type BondKindName,
  COUNTRY,
  ROLES,
  TOPICS,
  residenceTopic,
  workplaceTopic,
} from "../../scripts/lib/constants";
import { issueClaim } from "../../scripts/lib/onchainid";
import { onboardInvestor } from "../../scripts/lib/suite";
import type { IBondFactory } from "../../typechain-types/contracts/bond/BondFactory";
import { deployBondFixture } from "../fixtures/bond.fixture";
import { addYears, fromCivil, toCivil } from "../fixtures/dates";
import {
  BASE_CPI,
  ISINS,
  JOINT_ISSUERS,
  KINDS,
  LGC,
  RESIDENT_RULES,
  UNITS,
  addMonths,
  bondParams,
  isinBytes,
  isinCheckDigit,
  kindOptions,
  localGovernmentCode,
  unpackCouponDate,
} from "./bond-kinds";

type Params = IBondFactory.BondParamsStruct;
type Terms = Params["terms"];

const ZERO = ethers.ZeroAddress;
const JGB_KINDS: BondKindName[] = [
  "FixedRateJgb",
  "DiscountBill",
  "InflationIndexedJgb",
  "RetailFixedJgb",
  "RetailFloatingJgb",
];
const MUNICIPAL_KINDS: BondKindName[] = ["MunicipalPublic", "MunicipalJoint", "MunicipalResident"];
const COUPON_KINDS = KINDS.filter((k) => k !== "DiscountBill");

/** The bond scenario, with a builder of valid options of each kind issued today. */
async function factoryFixture() {
  const context = await loadFixture(deployBondFixture);
  const cpiFeed = await context.market.cpiFeed.getAddress();
  const optionsOf = (kind: BondKindName, patch: Partial<BondOptions> = {}): BondOptions => ({
    ...kindOptions(kind, context.today, cpiFeed, [context.accounts.agent.address]),
    ...patch,
  });
  return { ...context, cpiFeed, optionsOf };
}

type Context = Awaited<ReturnType<typeof factoryFixture>>;

/** Valid `createBond` parameters of `kind` (options patched), terms then patched. */
async function paramsOf(
  c: Context,
  kind: BondKindName,
  patch: Partial<BondOptions> = {},
  terms: Partial<Terms> = {},
): Promise<Params> {
  const params = await bondParams(c.market, c.accounts.owner, c.optionsOf(kind, patch));
  return { ...params, terms: { ...params.terms, ...terms } };
}

function datesOf(params: Params): bigint[] {
  return [...(params.terms.couponDates as bigint[])];
}

/**
 * `createBond(params)` reverts with `error(args)`, and nothing is created: the factory's nonce is unchanged and
 * the address its next proxy would take holds no code.
 */
async function expectRejected(c: Context, params: Params, error: string, args: unknown[]) {
  const factory = c.market.bondFactory;
  const address = await factory.getAddress();
  const nonce = await ethers.provider.getTransactionCount(address);
  await expect(factory.connect(c.accounts.owner).createBond(params))
    .to.be.revertedWithCustomError(factory, error)
    .withArgs(...args);
  expect(await ethers.provider.getTransactionCount(address)).to.equal(nonce);
  expect(await ethers.provider.getCode(ethers.getCreateAddress({ from: address, nonce }))).to.equal("0x");
}

/** `createBond(params)` would succeed (a call, nothing sent). */
async function expectAccepted(c: Context, params: Params) {
  const [token] = await c.market.bondFactory.connect(c.accounts.owner).createBond.staticCall(params);
  expect(token).to.properAddress;
}

describe("BondFactory", () => {
  describe("constructor", () => {
    it("records the beacons, registry and preset modules; the owner owns the bond beacon", async () => {
      const { market, suite, accounts } = await loadFixture(factoryFixture);
      const factory = market.bondFactory;
      const beacon = await ethers.getContractAt("UpgradeableBeacon", await factory.bondBeacon());
      expect(await beacon.owner()).to.equal(accounts.owner.address);
      expect(await factory.complianceBeacon()).to.equal(await suite.factory.complianceBeacon());
      expect(await factory.identityRegistry()).to.equal(await suite.identityRegistry.getAddress());
      const m = suite.modules;
      expect(await factory.presetModules()).to.deep.equal([
        await m.denomination.getAddress(),
        await m.eligibility.getAddress(),
        await m.residentArea.getAddress(),
        await m.maxBalance.getAddress(),
        await m.minimumHolding.getAddress(),
        await m.supplyCap.getAddress(),
      ]);
      expect(await factory.hasRole(ROLES.DEFAULT_ADMIN, accounts.owner.address)).to.equal(true);
    });

    it("reverts with BondFactoryZeroAddress for a zero compliance beacon, registry or module", async () => {
      const { market, accounts } = await loadFixture(factoryFixture);
      const factory = market.bondFactory;
      const implementation = await (
        await ethers.getContractAt("UpgradeableBeacon", await factory.bondBeacon())
      ).implementation();
      const modules = await factory.presetModules();
      const good = {
        denomination: modules.denomination,
        eligibility: modules.eligibility,
        residentArea: modules.residentArea,
        maxBalance: modules.maxBalance,
        minimumHolding: modules.minimumHolding,
        supplyCap: modules.supplyCap,
      };
      const Factory = await ethers.getContractFactory("BondFactory", accounts.owner);
      const beacon = await factory.complianceBeacon();
      const registry = await factory.identityRegistry();
      const owner = accounts.owner.address;
      await expect(Factory.deploy(owner, implementation, ZERO, registry, good)).to.be.revertedWithCustomError(
        factory,
        "BondFactoryZeroAddress",
      );
      await expect(Factory.deploy(owner, implementation, beacon, ZERO, good)).to.be.revertedWithCustomError(
        factory,
        "BondFactoryZeroAddress",
      );
      for (const key of Object.keys(good) as (keyof typeof good)[]) {
        await expect(
          Factory.deploy(owner, implementation, beacon, registry, { ...good, [key]: ZERO }),
          key,
        ).to.be.revertedWithCustomError(factory, "BondFactoryZeroAddress");
      }
    });
  });

  describe(".createBond()", () => {
    describe("when the terms are valid for the kind", () => {
      for (const kind of KINDS) {
        it(`creates a ${kind} series and its compliance in one transaction, emitting BondSeriesCreated`, async () => {
          const c = await loadFixture(factoryFixture);
          const options = c.optionsOf(kind);
          const { bond, compliance, receipt } = await createBond(c.market, c.accounts.owner, options);
          await expect(receipt.hash)
            .to.emit(c.market.bondFactory, "BondSeriesCreated")
            .withArgs(
              bond.target,
              compliance.target,
              isinBytes(ISINS[kind]),
              BOND_KIND[kind],
              c.accounts.owner.address,
            );
          expect(await bond.kind()).to.equal(BOND_KIND[kind]);
          expect(await bond.compliance()).to.equal(compliance.target);
          expect(await compliance.getTokenBound()).to.equal(bond.target);
          expect(await compliance.owner()).to.equal(c.accounts.owner.address);
          expect(await bond.identityRegistry()).to.equal(await c.suite.identityRegistry.getAddress());
          expect(await bond.hasRole(ROLES.DEFAULT_ADMIN, c.accounts.owner.address)).to.equal(true);
          expect(await bond.hasRole(ROLES.PAYING_AGENT, await c.market.payingAgent.getAddress())).to.equal(true);
          expect(await bond.isAgent(c.accounts.agent.address)).to.equal(true);
          expect(await bond.decimals()).to.equal(0n);
          const beacon = await ethers.getContractAt("UpgradeableBeacon", await c.market.bondFactory.bondBeacon());
          const slot = "0xa3f0ad74e5423aebfd80d3ef4346578335a9a72aeaee59ff6cb3582b35133d50"; // ERC-1967 beacon slot
          const stored = await ethers.provider.getStorage(bond.target, slot);
          expect(ethers.getAddress(ethers.dataSlice(stored, 12))).to.equal(await beacon.getAddress());
        });
      }

      it("installs exactly the denomination module (unit, minimum one unit) on the other kinds", async () => {
        const c = await loadFixture(factoryFixture);
        const denomination = c.suite.modules.denomination;
        for (const kind of [
          "FixedRateJgb",
          "DiscountBill",
          "InflationIndexedJgb",
          "MunicipalPublic",
          "MunicipalJoint",
        ] as const) {
          const { compliance } = await createBond(c.market, c.accounts.owner, c.optionsOf(kind));
          expect(await compliance.getModules(), kind).to.deep.equal([await denomination.getAddress()]);
          expect(await denomination.denomination(compliance.target), kind).to.deep.equal([UNITS[kind], UNITS[kind]]);
        }
      });

      it("adds the individuals-only rule (eligibility topic INDIVIDUAL = 10) to retail JGBs", async () => {
        const c = await loadFixture(factoryFixture);
        const { denomination, eligibility } = c.suite.modules;
        expect(await c.market.bondFactory.INDIVIDUAL_TOPIC())
          .to.equal(10n)
          .and.to.equal(TOPICS.INDIVIDUAL);
        for (const kind of ["RetailFixedJgb", "RetailFloatingJgb"] as const) {
          const { compliance } = await createBond(c.market, c.accounts.owner, c.optionsOf(kind));
          expect(await compliance.getModules(), kind).to.deep.equal([
            await denomination.getAddress(),
            await eligibility.getAddress(),
          ]);
          expect(await denomination.denomination(compliance.target)).to.deep.equal([10_000n, 10_000n]);
          expect(await eligibility.eligibilityTopics(compliance.target)).to.deep.equal([10n]);
        }
      });

      it("adds area (issuer code + adult topic), minimum holding, cap and issue size to a resident bond", async () => {
        const c = await loadFixture(factoryFixture);
        const m = c.suite.modules;
        const { compliance } = await createBond(c.market, c.accounts.owner, c.optionsOf("MunicipalResident"));
        expect(await compliance.getModules()).to.deep.equal([
          await m.denomination.getAddress(),
          await m.residentArea.getAddress(),
          await m.minimumHolding.getAddress(),
          await m.maxBalance.getAddress(),
          await m.supplyCap.getAddress(),
        ]);
        expect(await m.denomination.denomination(compliance.target)).to.deep.equal([10_000n, 10_000n]);
        expect(await m.residentArea.areas(compliance.target)).to.deep.equal([BigInt(LGC.SHINJUKU)]);
        expect(await m.residentArea.adultTopic(compliance.target)).to.equal(TOPICS.ADULT);
        expect(await m.minimumHolding.minimumHolding(compliance.target)).to.equal(100_000n);
        expect(await m.maxBalance.maxBalance(compliance.target)).to.equal(5_000_000n);
        expect(await m.supplyCap.supplyCap(compliance.target)).to.equal(1_000_000_000n);
      });

      it("appends the caller's extra modules after the preset, configured", async () => {
        const c = await loadFixture(factoryFixture);
        const { denomination, eligibility, countryAllow } = c.suite.modules;
        const { compliance } = await createBond(c.market, c.accounts.owner, {
          ...c.optionsOf("RetailFixedJgb"),
          extraModules: [
            {
              module: await countryAllow.getAddress(),
              calls: [countryAllow.interface.encodeFunctionData("listCountries", [[COUNTRY.JP]])],
            },
          ],
        });
        expect(await compliance.getModules()).to.deep.equal([
          await denomination.getAddress(),
          await eligibility.getAddress(),
          await countryAllow.getAddress(),
        ]);
        expect(await countryAllow.isCountryListed(compliance.target, COUNTRY.JP)).to.equal(true);
      });

      it("accepts a payment up to MAX_PAYMENT_DELAY_DAYS (10) after its scheduled date", async () => {
        const c = await loadFixture(factoryFixture);
        expect(await c.market.bondFactory.MAX_PAYMENT_DELAY_DAYS()).to.equal(10n);
        const params = await paramsOf(c, "FixedRateJgb");
        const dates = datesOf(params);
        const { scheduled } = unpackCouponDate(dates[2]);
        dates[2] = packCouponDate(scheduled, scheduled + 10);
        await expectAccepted(c, { ...params, terms: { ...params.terms, couponDates: dates } });
      });

      it("accepts interest starting on the regular date before issue (buyers pay the accrued interest), and annual coupons", async () => {
        const c = await loadFixture(factoryFixture);
        const params = await paramsOf(c, "FixedRateJgb");
        expect(Number(params.terms.interestStartDate)).to.be.lessThanOrEqual(c.today);
        await expectAccepted(c, params);
        await expectAccepted(c, await paramsOf(c, "MunicipalPublic", { couponFrequency: 1 }));
      });

      it("reverts with BondInvalidCouponSchedule when the first period is not a regular one (a long first coupon)", async () => {
        const c = await loadFixture(factoryFixture);
        const regular = await paramsOf(c, "FixedRateJgb");
        const params = await paramsOf(c, "FixedRateJgb", {
          interestStartDate: Number(regular.terms.interestStartDate) - 30,
        });
        await expectRejected(c, params, "BondInvalidCouponSchedule", [BigInt(params.terms.couponDates.length), 2n]);
      });

      it("accepts a schedule that counts back from a month-end maturity (clamped coupon days)", async () => {
        const c = await loadFixture(factoryFixture);
        // 31 August maturity: coupons on 28/29 February and 31 August (181..184-day periods).
        const maturity = fromCivil({ year: toCivil(c.today).year + 10, month: 8, day: 31 });
        await expectAccepted(c, await paramsOf(c, "FixedRateJgb", { maturityDate: maturity }));
      });
    });

    describe("when the ISIN is invalid", () => {
      for (const [why, isin] of [
        ["its check digit is wrong", "JP1103751Q18"],
        ["it has a lowercase letter", "JP1103751q17"],
        ["its country is lowercase", "jp1103751Q17"],
        ["it is not Japanese (a valid US ISIN)", "US0378331005"],
        ["it has a space", "JP 103751Q17"],
      ] as const) {
        it(`reverts with BondInvalidIsin(isin) when ${why}`, async () => {
          const c = await loadFixture(factoryFixture);
          await expectRejected(c, await paramsOf(c, "FixedRateJgb", { isin }), "BondInvalidIsin", [isinBytes(isin)]);
        });
      }

      it("accepts exactly the check digit the Luhn rule gives (property)", async () => {
        const c = await loadFixture(factoryFixture);
        const base = await paramsOf(c, "FixedRateJgb");
        const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".split("");
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.constantFrom(...alphabet), { minLength: 9, maxLength: 9 }),
            fc.integer({ min: 1, max: 9 }),
            async (chars, shift) => {
              const body = `JP${chars.join("")}`;
              const check = isinCheckDigit(body);
              await expectAccepted(c, { ...base, terms: { ...base.terms, isin: isinBytes(`${body}${check}`) } });
              const wrong = `${body}${(check + shift) % 10}`;
              await expect(
                c.market.bondFactory
                  .connect(c.accounts.owner)
                  .createBond.staticCall({ ...base, terms: { ...base.terms, isin: isinBytes(wrong) } }),
              )
                .to.be.revertedWithCustomError(c.market.bondFactory, "BondInvalidIsin")
                .withArgs(isinBytes(wrong));
            },
          ),
          { numRuns: 25 },
        );
      });
    });

    describe("when the issuer code does not suit the kind", () => {
      for (const kind of MUNICIPAL_KINDS) {
        for (const [why, code] of [
          ["its check digit is wrong", 131042],
          ["its prefecture is 48", 481009],
          ["its prefecture is 00", 1007],
          ["it has seven digits", 1310416],
          ["it is zero", 0],
        ] as const) {
          it(`reverts with BondInvalidLocalGovernmentCode(code) for a ${kind} when ${why}`, async () => {
            const c = await loadFixture(factoryFixture);
            await expectRejected(c, await paramsOf(c, kind, { issuerCode: code }), "BondInvalidLocalGovernmentCode", [
              code,
            ]);
          });
        }
      }

      it("accepts a municipal issuer exactly when the code's check digit is right (property)", async () => {
        const c = await loadFixture(factoryFixture);
        const base = await paramsOf(c, "MunicipalPublic");
        await fc.assert(
          fc.asyncProperty(
            fc.integer({ min: 1, max: 47 }),
            fc.integer({ min: 0, max: 999 }),
            fc.integer({ min: 0, max: 9 }),
            async (prefecture, municipality, lastDigit) => {
              const valid = localGovernmentCode(prefecture, municipality);
              const code = valid - (valid % 10) + lastDigit;
              const params = { ...base, terms: { ...base.terms, issuerCode: code } };
              if (code === valid) await expectAccepted(c, params);
              else
                await expect(c.market.bondFactory.connect(c.accounts.owner).createBond.staticCall(params))
                  .to.be.revertedWithCustomError(c.market.bondFactory, "BondInvalidLocalGovernmentCode")
                  .withArgs(code);
            },
          ),
          { numRuns: 25 },
        );
      });

      for (const kind of JGB_KINDS) {
        it(`reverts with BondIssuerCodeMismatch(kind, code) for a ${kind} naming a local government`, async () => {
          const c = await loadFixture(factoryFixture);
          await expectRejected(c, await paramsOf(c, kind, { issuerCode: LGC.TOKYO }), "BondIssuerCodeMismatch", [
            BOND_KIND[kind],
            LGC.TOKYO,
          ]);
        });
      }
    });

    describe("when the dates are out of order", () => {
      it("reverts with BondInvalidDates when interest starts after issue", async () => {
        const c = await loadFixture(factoryFixture);
        const params = await paramsOf(c, "FixedRateJgb", {}, { interestStartDate: c.today + 1 });
        await expectRejected(c, params, "BondInvalidDates", [c.today + 1, c.today, params.terms.maturityDate]);
      });

      it("reverts with BondInvalidDates when maturity is before, or on, the issue date", async () => {
        const c = await loadFixture(factoryFixture);
        for (const maturity of [c.today - 1, c.today]) {
          const params = await paramsOf(c, "FixedRateJgb", {}, { maturityDate: maturity });
          await expectRejected(c, params, "BondInvalidDates", [c.today, c.today, maturity]);
        }
      });
    });

    describe("when the coupon dates are out of order", () => {
      /** The 10-year JGB's schedule with `edit` applied to its coupon dates (and terms). */
      async function edited(c: Context, edit: (dates: bigint[], terms: Terms) => Partial<Terms> | void) {
        const params = await paramsOf(c, "FixedRateJgb");
        const dates = datesOf(params);
        const patch = edit(dates, params.terms) ?? {};
        return { ...params, terms: { ...params.terms, couponDates: dates, ...patch } };
      }

      it("has 20 semi-annual coupons, the last on maturity (the base case)", async () => {
        const c = await loadFixture(factoryFixture);
        const params = await edited(c, () => {});
        const dates = datesOf(params);
        expect(dates).to.have.length(20);
        expect(unpackCouponDate(dates[19]).scheduled).to.equal(Number(params.terms.maturityDate));
        await expectAccepted(c, params);
      });

      it("reverts with BondInvalidCouponDate(i) when coupon i is scheduled after coupon i + 1", async () => {
        const c = await loadFixture(factoryFixture);
        const params = await edited(c, (d) => {
          [d[3], d[4]] = [d[4], d[3]];
        });
        await expectRejected(c, params, "BondInvalidCouponDate", [3]);
      });

      it("reverts with BondInvalidCouponDate(i) when coupon i is paid before its scheduled date", async () => {
        const c = await loadFixture(factoryFixture);
        const params = await edited(c, (d) => {
          const { scheduled } = unpackCouponDate(d[2]);
          d[2] = packCouponDate(scheduled, scheduled - 1);
        });
        await expectRejected(c, params, "BondInvalidCouponDate", [2]);
      });

      it("reverts with BondInvalidCouponDate(i) when coupon i is paid more than 10 days after its date", async () => {
        const c = await loadFixture(factoryFixture);
        const params = await edited(c, (d) => {
          const { scheduled } = unpackCouponDate(d[2]);
          d[2] = packCouponDate(scheduled, scheduled + 11);
        });
        await expectRejected(c, params, "BondInvalidCouponDate", [2]);
      });

      it("reverts with BondInvalidCouponDate(i) when coupon i is paid on or after coupon i + 1's date", async () => {
        const c = await loadFixture(factoryFixture);
        const params = await edited(c, (d, t) => {
          const maturity = Number(t.maturityDate);
          // Scheduled 5 days before maturity, paid on maturity: within 10 days, but not before the next date.
          d[18] = packCouponDate(maturity - 5, maturity);
        });
        await expectRejected(c, params, "BondInvalidCouponDate", [18]);
      });

      it("reverts with BondInvalidCouponDate(last) when the last coupon is not on maturity", async () => {
        const c = await loadFixture(factoryFixture);
        const params = await edited(c, (_, t) => ({ maturityDate: Number(t.maturityDate) + 1 }));
        await expectRejected(c, params, "BondInvalidCouponDate", [19]);
        const dropped = await edited(c, (d) => {
          d.pop();
        });
        await expectRejected(c, dropped, "BondInvalidCouponDate", [18]);
      });

      it("reverts with BondInvalidCouponDate(0) when the first coupon is on or before the issue date", async () => {
        const c = await loadFixture(factoryFixture);
        const params = await edited(c, (d) => ({ issueDate: unpackCouponDate(d[0]).scheduled }));
        await expectRejected(c, params, "BondInvalidCouponDate", [0]);
      });

      it("reverts with BondInvalidCouponDate(0) when the first coupon is on or before interest start", async () => {
        const c = await loadFixture(factoryFixture);
        const params = await edited(c, (d) => {
          d.unshift(packCouponDate(c.today - 1, c.today - 1));
        });
        await expectRejected(c, params, "BondInvalidCouponDate", [0]);
      });
    });

    describe("when the schedule does not have the kind's shape", () => {
      it("reverts with BondInvalidCouponSchedule(count, frequency) for a bill with coupons or a frequency", async () => {
        const c = await loadFixture(factoryFixture);
        const bill = await paramsOf(c, "DiscountBill");
        const maturity = Number(bill.terms.maturityDate);
        await expectRejected(
          c,
          { ...bill, terms: { ...bill.terms, couponDates: [packCouponDate(maturity, maturity)] } },
          "BondInvalidCouponSchedule",
          [1, 0],
        );
        await expectRejected(
          c,
          { ...bill, terms: { ...bill.terms, couponFrequency: 2 } },
          "BondInvalidCouponSchedule",
          [0, 2],
        );
      });

      for (const kind of COUPON_KINDS) {
        it(`reverts with BondInvalidCouponSchedule(0, frequency) for a ${kind} without coupons`, async () => {
          const c = await loadFixture(factoryFixture);
          const params = await paramsOf(c, kind, {}, { couponDates: [] });
          await expectRejected(c, params, "BondInvalidCouponSchedule", [0, 2]);
        });
      }

      it("reverts with BondInvalidCouponSchedule(count, frequency) for a frequency other than 1 or 2", async () => {
        const c = await loadFixture(factoryFixture);
        for (const frequency of [0, 3, 4, 12]) {
          const params = await paramsOf(c, "FixedRateJgb", {}, { couponFrequency: frequency });
          await expectRejected(c, params, "BondInvalidCouponSchedule", [20, frequency]);
        }
      });

      it("reverts with BondInvalidCouponSchedule(81, 2) for more than MAX_COUPONS (80) coupons; 80 pass", async () => {
        const c = await loadFixture(factoryFixture);
        expect(await c.market.bondFactory.MAX_COUPONS()).to.equal(80n);
        const forty = await paramsOf(c, "FixedRateJgb", { maturityDate: addYears(c.today, 40) });
        expect(forty.terms.couponDates).to.have.length(80);
        await expectAccepted(c, forty);
        const longer = await paramsOf(c, "FixedRateJgb", { maturityDate: addMonths(c.today, 486) });
        await expectRejected(c, longer, "BondInvalidCouponSchedule", [81, 2]);
      });

      it("reverts with BondInvalidCouponSchedule(count, 2) when a semi-annual coupon is missing", async () => {
        const c = await loadFixture(factoryFixture);
        const params = await paramsOf(c, "FixedRateJgb");
        const dates = datesOf(params);
        dates.splice(5, 1);
        await expectRejected(
          c,
          { ...params, terms: { ...params.terms, couponDates: dates } },
          "BondInvalidCouponSchedule",
          [19, 2],
        );
      });

      it("reverts with BondInvalidCouponSchedule(count, 1) for semi-annual dates declared annual", async () => {
        const c = await loadFixture(factoryFixture);
        const params = await paramsOf(c, "FixedRateJgb", {}, { couponFrequency: 1 });
        await expectRejected(c, params, "BondInvalidCouponSchedule", [20, 1]);
      });

      it("reverts with BondInvalidCouponSchedule(count, 2) for annual dates declared semi-annual", async () => {
        const c = await loadFixture(factoryFixture);
        const params = await paramsOf(c, "MunicipalPublic", { couponFrequency: 1 }, { couponFrequency: 2 });
        await expectRejected(c, params, "BondInvalidCouponSchedule", [10, 2]);
      });
    });

    describe("when the tenor is not one the kind is issued in", () => {
      for (const [kind, years, expected] of [
        ["FixedRateJgb", 7, 7],
        ["FixedRateJgb", 3, 3],
        ["DiscountBill", 2, 2],
        ["InflationIndexedJgb", 5, 5],
        ["RetailFixedJgb", 4, 4],
        ["RetailFloatingJgb", 5, 5],
        ["MunicipalPublic", 31, 31],
        ["MunicipalJoint", 5, 5],
        ["MunicipalResident", 31, 31],
      ] as const) {
        it(`reverts with BondInvalidTenor(kind, ${expected}) for a ${years}-year ${kind}`, async () => {
          const c = await loadFixture(factoryFixture);
          const params = await paramsOf(c, kind, { maturityDate: addYears(c.today, years) });
          await expectRejected(c, params, "BondInvalidTenor", [BOND_KIND[kind], expected]);
        });
      }

      it("accepts a fixed-rate JGB of exactly 2, 5, 10, 20, 30 or 40 years, of 1 to 40 years", async () => {
        const c = await loadFixture(factoryFixture);
        const tenors = [2, 5, 10, 20, 30, 40];
        for (let years = 1; years <= 40; years++) {
          const params = await paramsOf(c, "FixedRateJgb", { maturityDate: addYears(c.today, years) });
          if (tenors.includes(years)) await expectAccepted(c, params);
          else
            await expect(c.market.bondFactory.connect(c.accounts.owner).createBond.staticCall(params), `${years}y`)
              .to.be.revertedWithCustomError(c.market.bondFactory, "BondInvalidTenor")
              .withArgs(BOND_KIND.FixedRateJgb, years);
        }
      });

      it("accepts retail fixed JGBs of 3 and 5 years, municipal bonds of 1 to 30, bills up to 366 days", async () => {
        const c = await loadFixture(factoryFixture);
        for (const years of [3, 5])
          await expectAccepted(c, await paramsOf(c, "RetailFixedJgb", { maturityDate: addYears(c.today, years) }));
        for (const kind of ["MunicipalPublic", "MunicipalResident"] as const) {
          for (const years of [1, 30])
            await expectAccepted(c, await paramsOf(c, kind, { maturityDate: addYears(c.today, years) }));
        }
        for (const days of [91, 182, 366])
          await expectAccepted(c, await paramsOf(c, "DiscountBill", { maturityDate: c.today + days }));
        await expectRejected(
          c,
          await paramsOf(c, "DiscountBill", { maturityDate: c.today + 367 }),
          "BondInvalidTenor",
          [BOND_KIND.DiscountBill, 1],
        );
      });

      it("reverts with BondInvalidTenor(kind, 0) for a municipal bond of under six months", async () => {
        const c = await loadFixture(factoryFixture);
        const params = await paramsOf(c, "MunicipalPublic", { maturityDate: addMonths(c.today, 5) });
        await expectRejected(c, params, "BondInvalidTenor", [BOND_KIND.MunicipalPublic, 0]);
      });
    });

    describe("when the face unit or issue volume does not suit the kind", () => {
      for (const [kind, wrong] of [
        ["FixedRateJgb", 10_000n],
        ["DiscountBill", 100_000n],
        ["InflationIndexedJgb", 50_000n],
        ["RetailFixedJgb", 50_000n],
        ["RetailFloatingJgb", 100_000n],
        ["MunicipalJoint", 50_000n],
        ["MunicipalPublic", 0n],
        ["MunicipalResident", 0n],
      ] as const) {
        it(`reverts with BondInvalidDenomination for a ${kind} in units of ¥${wrong}`, async () => {
          const c = await loadFixture(factoryFixture);
          const params = await paramsOf(c, kind, { denomination: wrong });
          await expectRejected(c, params, "BondInvalidDenomination", [
            BOND_KIND[kind],
            wrong,
            params.terms.issueVolume,
          ]);
        });
      }

      for (const kind of KINDS) {
        it(`reverts with BondInvalidDenomination for a ${kind} volume that is zero or not a multiple of the unit`, async () => {
          const c = await loadFixture(factoryFixture);
          const unit = UNITS[kind];
          for (const volume of [0n, unit * 1000n + unit / 2n]) {
            const params = await paramsOf(c, kind, { issueVolume: volume });
            await expectRejected(c, params, "BondInvalidDenomination", [BOND_KIND[kind], unit, volume]);
          }
        });
      }
    });

    describe("when the coupon rate does not suit the kind", () => {
      it("reverts with BondInvalidCouponRate(kind, rate) for a bill with a coupon", async () => {
        const c = await loadFixture(factoryFixture);
        await expectRejected(c, await paramsOf(c, "DiscountBill", { couponRate: 1 }), "BondInvalidCouponRate", [
          BOND_KIND.DiscountBill,
          1,
        ]);
      });

      it("reverts with BondInvalidCouponRate for a floating retail JGB below the 0.05% minimum (500 ppm)", async () => {
        const c = await loadFixture(factoryFixture);
        expect(await c.market.bondFactory.RETAIL_FLOATING_MINIMUM_RATE()).to.equal(500n);
        await expectRejected(c, await paramsOf(c, "RetailFloatingJgb", { couponRate: 499 }), "BondInvalidCouponRate", [
          BOND_KIND.RetailFloatingJgb,
          499,
        ]);
        await expectAccepted(c, await paramsOf(c, "RetailFloatingJgb", { couponRate: 500 }));
      });

      for (const kind of COUPON_KINDS) {
        it(`reverts with BondInvalidCouponRate(kind, 0) for a ${kind} with a zero rate`, async () => {
          const c = await loadFixture(factoryFixture);
          await expectRejected(c, await paramsOf(c, kind, { couponRate: 0 }), "BondInvalidCouponRate", [
            BOND_KIND[kind],
            0,
          ]);
        });
      }
    });

    describe("when the indexation does not suit the kind", () => {
      it("reverts with BondInvalidIndexation(feed, baseCpi) for a JGBi without its feed or base CPI", async () => {
        const c = await loadFixture(factoryFixture);
        await expectRejected(
          c,
          await paramsOf(c, "InflationIndexedJgb", {}, { cpiFeed: ZERO }),
          "BondInvalidIndexation",
          [ZERO, BASE_CPI],
        );
        await expectRejected(
          c,
          await paramsOf(c, "InflationIndexedJgb", {}, { baseCpi: 0n }),
          "BondInvalidIndexation",
          [c.cpiFeed, 0n],
        );
      });

      for (const kind of KINDS.filter((k) => k !== "InflationIndexedJgb")) {
        it(`reverts with BondInvalidIndexation(feed, baseCpi) for a ${kind} with a feed or base CPI`, async () => {
          const c = await loadFixture(factoryFixture);
          await expectRejected(c, await paramsOf(c, kind, {}, { cpiFeed: c.cpiFeed }), "BondInvalidIndexation", [
            c.cpiFeed,
            0n,
          ]);
          await expectRejected(c, await paramsOf(c, kind, {}, { baseCpi: BASE_CPI }), "BondInvalidIndexation", [
            ZERO,
            BASE_CPI,
          ]);
        });
      }
    });

    describe("when the joint issuers are wrong", () => {
      const VOLUME = 30_000_000_000n;
      const joint = (c: Context, jointIssuers: { code: number; share: bigint }[], issuerCode: number = LGC.SAPPORO) =>
        paramsOf(c, "MunicipalJoint", { jointIssuers, issuerCode });

      // A list whose length is out of range (under 2, over 64, or any on another kind) is not summed: total 0.
      it("reverts with BondInvalidJointIssuers(count, 0, volume) for a single issuer or none", async () => {
        const c = await loadFixture(factoryFixture);
        await expectRejected(c, await joint(c, [{ code: LGC.SAPPORO, share: VOLUME }]), "BondInvalidJointIssuers", [
          1,
          0,
          VOLUME,
        ]);
        await expectRejected(c, await joint(c, []), "BondInvalidJointIssuers", [0, 0, VOLUME]);
      });

      it("reverts with BondInvalidJointIssuers for a duplicate code", async () => {
        const c = await loadFixture(factoryFixture);
        const list = [JOINT_ISSUERS[0], JOINT_ISSUERS[1], { code: LGC.YOKOHAMA, share: 10_000_000_000n }];
        await expectRejected(c, await joint(c, list), "BondInvalidJointIssuers", [3, VOLUME, VOLUME]);
      });

      it("reverts with BondInvalidJointIssuers for an invalid code or a zero share", async () => {
        const c = await loadFixture(factoryFixture);
        const invalid = [JOINT_ISSUERS[0], JOINT_ISSUERS[1], { code: 131042, share: 10_000_000_000n }];
        await expectRejected(c, await joint(c, invalid), "BondInvalidJointIssuers", [3, VOLUME, VOLUME]);
        const zero = [
          JOINT_ISSUERS[0],
          { code: LGC.YOKOHAMA, share: 20_000_000_000n },
          { code: LGC.OSAKA_CITY, share: 0n },
        ];
        await expectRejected(c, await joint(c, zero), "BondInvalidJointIssuers", [3, VOLUME, VOLUME]);
      });

      it("reverts with BondInvalidJointIssuers when the shares do not sum to the issue volume", async () => {
        const c = await loadFixture(factoryFixture);
        const short = [JOINT_ISSUERS[0], JOINT_ISSUERS[1], { code: LGC.OSAKA_CITY, share: 9_900_000_000n }];
        await expectRejected(c, await joint(c, short), "BondInvalidJointIssuers", [3, VOLUME - 100_000_000n, VOLUME]);
      });

      it("reverts with BondInvalidJointIssuers when the lead (issuerCode) is not in the list", async () => {
        const c = await loadFixture(factoryFixture);
        await expectRejected(c, await joint(c, JOINT_ISSUERS, LGC.TOKYO), "BondInvalidJointIssuers", [
          3,
          VOLUME,
          VOLUME,
        ]);
      });

      it("accepts up to MAX_JOINT_ISSUERS (64) issuers; 65 revert", async () => {
        const c = await loadFixture(factoryFixture);
        expect(await c.market.bondFactory.MAX_JOINT_ISSUERS()).to.equal(64n);
        const codes = Array.from({ length: 65 }, (_, i) => localGovernmentCode(1 + (i % 47), 100 + i));
        codes[0] = LGC.SAPPORO;
        const share = 100_000_000n;
        const of = (n: number) => codes.slice(0, n).map((code) => ({ code, share }));
        await expectAccepted(
          c,
          await paramsOf(c, "MunicipalJoint", { jointIssuers: of(64), issueVolume: share * 64n }),
        );
        const params = await paramsOf(c, "MunicipalJoint", { jointIssuers: of(65), issueVolume: share * 65n });
        await expectRejected(c, params, "BondInvalidJointIssuers", [65, 0, share * 65n]);
      });

      for (const kind of KINDS.filter((k) => k !== "MunicipalJoint")) {
        it(`reverts with BondInvalidJointIssuers(count, 0, volume) for a joint list on a ${kind}`, async () => {
          const c = await loadFixture(factoryFixture);
          const params = await paramsOf(c, kind, { jointIssuers: JOINT_ISSUERS.slice(0, 2) });
          await expectRejected(c, params, "BondInvalidJointIssuers", [2, 0, params.terms.issueVolume]);
        });
      }
    });

    describe("when the resident rules are wrong", () => {
      const resident = (c: Context, rules: Partial<typeof RESIDENT_RULES>) =>
        paramsOf(c, "MunicipalResident", { resident: { ...RESIDENT_RULES, ...rules } });

      it("reverts with BondInvalidResidentRules(min, max) for a zero minimum", async () => {
        const c = await loadFixture(factoryFixture);
        await expectRejected(c, await resident(c, { minimumHolding: 0n }), "BondInvalidResidentRules", [
          0n,
          5_000_000n,
        ]);
      });

      it("reverts with BondInvalidResidentRules(min, max) for a minimum above the maximum", async () => {
        const c = await loadFixture(factoryFixture);
        await expectRejected(c, await resident(c, { minimumHolding: 5_010_000n }), "BondInvalidResidentRules", [
          5_010_000n,
          5_000_000n,
        ]);
        await expectAccepted(c, await resident(c, { minimumHolding: 5_000_000n }));
      });

      it("reverts with BondInvalidResidentRules(min, max) for a minimum or maximum not a multiple of the unit", async () => {
        const c = await loadFixture(factoryFixture);
        await expectRejected(c, await resident(c, { minimumHolding: 105_000n }), "BondInvalidResidentRules", [
          105_000n,
          5_000_000n,
        ]);
        await expectRejected(c, await resident(c, { maximumHolding: 5_005_000n }), "BondInvalidResidentRules", [
          100_000n,
          5_005_000n,
        ]);
      });

      it("accepts a resident bond without an age rule (adult topic 0)", async () => {
        const c = await loadFixture(factoryFixture);
        await expectAccepted(c, await resident(c, { adultTopic: 0n }));
      });

      for (const kind of KINDS.filter((k) => k !== "MunicipalResident")) {
        it(`reverts with BondInvalidResidentRules(min, max) for resident rules on a ${kind}`, async () => {
          const c = await loadFixture(factoryFixture);
          await expectRejected(c, await paramsOf(c, kind, { resident: RESIDENT_RULES }), "BondInvalidResidentRules", [
            100_000n,
            5_000_000n,
          ]);
          const adultOnly = { adultTopic: TOPICS.ADULT, minimumHolding: 0n, maximumHolding: 0n };
          await expectRejected(c, await paramsOf(c, kind, { resident: adultOnly }), "BondInvalidResidentRules", [
            0n,
            0n,
          ]);
        });
      }
    });

    describe("when the caller is not a series deployer", () => {
      it("reverts with AccessControlUnauthorizedAccount(caller, SERIES_DEPLOYER)", async () => {
        const c = await loadFixture(factoryFixture);
        const params = await paramsOf(c, "FixedRateJgb");
        await expect(c.market.bondFactory.connect(c.accounts.outsider).createBond(params))
          .to.be.revertedWithCustomError(c.market.bondFactory, "AccessControlUnauthorizedAccount")
          .withArgs(c.accounts.outsider.address, ROLES.SERIES_DEPLOYER);
      });
    });

    describe("when the owner or the currency is zero", () => {
      it("reverts with BondFactoryZeroAddress", async () => {
        const c = await loadFixture(factoryFixture);
        const params = await paramsOf(c, "FixedRateJgb");
        await expectRejected(c, { ...params, owner: ZERO }, "BondFactoryZeroAddress", []);
        await expectRejected(
          c,
          { ...params, terms: { ...params.terms, currency: ZERO } },
          "BondFactoryZeroAddress",
          [],
        );
      });
    });
  });

  describe("a resident-participation bond, end to end through its compliance", () => {
    /** ¥6m issue of Shinjuku-ku; alice resides there, bob works there, both adults; carol lives elsewhere; dave resides there but is a minor. */
    async function residentFixture() {
      const c = await loadFixture(factoryFixture);
      const { suite, kyc, accounts, investors } = c;
      const residence = residenceTopic(LGC.SHINJUKU);
      const workplace = workplaceTopic(LGC.SHINJUKU);
      await suite.issuersRegistry
        .connect(accounts.owner)
        .updateIssuerClaimTopics(await kyc.issuer.getAddress(), [
          TOPICS.KYC,
          TOPICS.INDIVIDUAL,
          TOPICS.ADULT,
          residence,
          workplace,
        ]);
      const claim = (who: "alice" | "bob", topic: bigint) =>
        issueClaim({
          identity: investors[who].identity,
          identityOwner: accounts[who],
          issuer: kyc.issuer,
          issuerKey: kyc.key,
          topic,
        });
      await claim("alice", residence);
      await claim("bob", workplace);
      await onboardInvestor({
        suite,
        registrar: accounts.registrar,
        kyc,
        wallet: accounts.dave,
        country: COUNTRY.JP,
        topics: [TOPICS.KYC, TOPICS.INDIVIDUAL, residence],
      });
      const series = await createBond(
        c.market,
        accounts.owner,
        c.optionsOf("MunicipalResident", { issueVolume: 6_000_000n }),
      );
      return { ...c, ...series };
    }

    const refused = async (
      c: Awaited<ReturnType<typeof residentFixture>>,
      to: string,
      amount: bigint,
      module: { getAddress(): Promise<string> },
    ) =>
      expect(c.bond.connect(c.accounts.agent).mint(to, amount))
        .to.be.revertedWithCustomError(c.bond, "TokenTransferNotCompliant")
        .withArgs(ZERO, to, amount, await module.getAddress());

    it("mints ¥100,000 to ¥5,000,000 to a resident adult, and to an adult working in the area", async () => {
      const c = await loadFixture(residentFixture);
      const { alice, bob } = c.accounts;
      await expect(c.bond.connect(c.accounts.agent).mint(alice.address, 100_000n)).to.changeTokenBalance(
        c.bond,
        alice,
        100_000n,
      );
      await expect(c.bond.connect(c.accounts.agent).mint(alice.address, 4_900_000n)).to.changeTokenBalance(
        c.bond,
        alice,
        4_900_000n,
      );
      await expect(c.bond.connect(c.accounts.agent).mint(bob.address, 100_000n)).to.changeTokenBalance(
        c.bond,
        bob,
        100_000n,
      );
    });

    it("refuses a non-resident (ResidentAreaModule)", async () => {
      const c = await loadFixture(residentFixture);
      await refused(c, c.accounts.carol.address, 100_000n, c.suite.modules.residentArea);
    });

    it("refuses a resident without the adult claim (ResidentAreaModule)", async () => {
      const c = await loadFixture(residentFixture);
      await refused(c, c.accounts.dave.address, 100_000n, c.suite.modules.residentArea);
    });

    it("refuses a holding below the per-identity minimum (IdentityMinimumHoldingModule)", async () => {
      const c = await loadFixture(residentFixture);
      await refused(c, c.accounts.alice.address, 90_000n, c.suite.modules.minimumHolding);
    });

    it("refuses a holding above the per-identity cap (MaxBalanceModule)", async () => {
      const c = await loadFixture(residentFixture);
      await refused(c, c.accounts.alice.address, 5_010_000n, c.suite.modules.maxBalance);
      await c.bond.connect(c.accounts.agent).mint(c.accounts.alice.address, 5_000_000n);
      await refused(c, c.accounts.alice.address, 100_000n, c.suite.modules.maxBalance);
    });

    it("refuses units outside the face unit (DenominationModule)", async () => {
      const c = await loadFixture(residentFixture);
      await refused(c, c.accounts.alice.address, 105_000n, c.suite.modules.denomination);
    });

    it("refuses to issue beyond the issue size (SupplyCapModule)", async () => {
      const c = await loadFixture(residentFixture);
      await c.bond.connect(c.accounts.agent).mint(c.accounts.alice.address, 5_000_000n);
      await refused(c, c.accounts.bob.address, 1_010_000n, c.suite.modules.supplyCap);
      await expect(c.bond.connect(c.accounts.agent).mint(c.accounts.bob.address, 1_000_000n)).to.changeTokenBalance(
        c.bond,
        c.accounts.bob,
        1_000_000n,
      );
      expect(await c.bond.totalSupply()).to.equal(6_000_000n);
    });

    it("refuses a transfer to a non-resident, and a partial sale below the minimum", async () => {
      const c = await loadFixture(residentFixture);
      const { alice, bob, carol } = c.accounts;
      await c.bond.connect(c.accounts.agent).mint(alice.address, 200_000n);
      await expect(c.bond.connect(alice).transfer(carol.address, 100_000n))
        .to.be.revertedWithCustomError(c.bond, "TokenTransferNotCompliant")
        .withArgs(alice.address, carol.address, 100_000n, await c.suite.modules.residentArea.getAddress());
      await expect(c.bond.connect(alice).transfer(bob.address, 150_000n))
        .to.be.revertedWithCustomError(c.bond, "TokenTransferNotCompliant")
        .withArgs(alice.address, bob.address, 150_000n, await c.suite.modules.minimumHolding.getAddress());
      await expect(c.bond.connect(alice).transfer(bob.address, 200_000n)).to.changeTokenBalances(
        c.bond,
        [alice, bob],
        [-200_000n, 200_000n],
      );
    });
  });

  describe("a retail JGB, through its compliance", () => {
    it("mints to an individual and refuses an investor without the INDIVIDUAL claim (ClaimEligibilityModule)", async () => {
      const c = await loadFixture(factoryFixture);
      for (const kind of ["RetailFixedJgb", "RetailFloatingJgb"] as const) {
        const { bond } = await createBond(c.market, c.accounts.owner, c.optionsOf(kind));
        await expect(bond.connect(c.accounts.agent).mint(c.accounts.alice.address, 10_000n)).to.changeTokenBalance(
          bond,
          c.accounts.alice,
          10_000n,
        );
        // The Ministry of Finance's wallet is KYC'd but is no individual.
        await expect(bond.connect(c.accounts.agent).mint(c.accounts.mof.address, 10_000n))
          .to.be.revertedWithCustomError(bond, "TokenTransferNotCompliant")
          .withArgs(ZERO, c.accounts.mof.address, 10_000n, await c.suite.modules.eligibility.getAddress());
      }
    });
  });

  describe("a JGB, through its compliance", () => {
    it("accepts whole ¥50,000 units and refuses anything else (DenominationModule)", async () => {
      const c = await loadFixture(factoryFixture);
      const { bond } = await createBond(c.market, c.accounts.owner, c.optionsOf("FixedRateJgb"));
      await expect(bond.connect(c.accounts.agent).mint(c.accounts.mof.address, 100_000n)).to.changeTokenBalance(
        bond,
        c.accounts.mof,
        100_000n,
      );
      await expect(bond.connect(c.accounts.agent).mint(c.accounts.alice.address, 10_000n))
        .to.be.revertedWithCustomError(bond, "TokenTransferNotCompliant")
        .withArgs(ZERO, c.accounts.alice.address, 10_000n, await c.suite.modules.denomination.getAddress());
    });
  });
});

import { expect } from "chai";
import fc from "fast-check";
import {
  BondTermsError,
  accruedInterest,
  addMonths,
  dayToDate,
  fromCivil,
  indexationCoefficient,
  indexedPrincipal,
  isLeapYear,
  isinCheckDigit,
  isinToBytes12,
  isValidIsin,
  isValidLocalGovernmentCode,
  jstDay,
  localGovernmentCheckDigit,
  periodCoupon,
  prefectureOf,
  proRata,
  startOfDay,
  toCivil,
} from "../../scripts/lib/bond-terms";

/** Asserts that `fn` throws the BondTermsError mirroring Solidity error `name(args…)`. */
function expectBondTermsError(fn: () => unknown, name: string, args: readonly (bigint | number | string)[]): void {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(BondTermsError);
    expect((error as BondTermsError).errorName).to.equal(name);
    expect((error as BondTermsError).args).to.deep.equal(args);
    return;
  }
  expect.fail(`expected ${name}`);
}

describe("scripts/lib/bond-terms", function () {
  describe("isValidIsin() / isinCheckDigit()", function () {
    it("accepts well-known ISINs and computes their check digits", function () {
      for (const isin of ["US0378331005", "JP3633400001", "JP3435000009", "US5949181045"]) {
        expect(isValidIsin(isin), isin).to.equal(true);
        expect(isinCheckDigit(isin.slice(0, 11))).to.equal(Number(isin[11]));
      }
      expect(isinCheckDigit("JP1103701M4")).to.equal(6);
    });

    it("refuses wrong check digits, lowercase, spaces, wrong lengths and digits in the country", function () {
      for (const s of [
        "JP1103701M48",
        "jp3633400001",
        "JP363340000 ",
        "JP363340000",
        "JP36334000011",
        "1P3633400001",
      ]) {
        expect(isValidIsin(s), s).to.equal(false);
      }
    });

    it("throws on a body that is not 2 letters and 9 alphanumerics", function () {
      expect(() => isinCheckDigit("jp3633400000")).to.throw(/not an ISIN body/);
      expect(() => isinCheckDigit("J13633400")).to.throw(/not an ISIN body/);
    });

    it("catches every single-digit substitution (property)", function () {
      fc.assert(
        fc.property(
          fc.array(fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ"), { minLength: 2, maxLength: 2 }),
          fc.array(fc.constantFrom(..."0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"), { minLength: 9, maxLength: 9 }),
          fc.nat(),
          fc.integer({ min: 1, max: 9 }),
          (country, rest, at, delta) => {
            const body = [...country, ...rest].join("");
            const isin = body + isinCheckDigit(body);
            const digitPlaces = [...isin].flatMap((c, i) => (/[0-9]/.test(c) ? [i] : []));
            const i = digitPlaces[at % digitPlaces.length];
            const changed = isin.slice(0, i) + ((Number(isin[i]) + delta) % 10) + isin.slice(i + 1);
            return isValidIsin(isin) && !isValidIsin(changed);
          },
        ),
        { numRuns: 2_000 },
      );
    });

    it("isinToBytes12 encodes 12 ASCII characters, left-aligned", function () {
      expect(isinToBytes12("JP3633400001")).to.equal("0x4a5033363333343030303031");
      expect(() => isinToBytes12("JP363340000")).to.throw(/not 12 printable ASCII/);
    });
  });

  describe("isValidLocalGovernmentCode() / localGovernmentCheckDigit()", function () {
    it("accepts real codes as numbers and as six-digit strings", function () {
      for (const code of [130001, 131041, 11002, 271004, 141003, 10006]) {
        expect(isValidLocalGovernmentCode(code), String(code)).to.equal(true);
        expect(isValidLocalGovernmentCode(code.toString().padStart(6, "0"))).to.equal(true);
      }
      expect(localGovernmentCheckDigit("13104")).to.equal(1);
      expect(localGovernmentCheckDigit("01000")).to.equal(6);
    });

    it("refuses bad check digits, prefectures 00 and 48+, non-integers and strings not of six digits", function () {
      for (const code of [130002, 480002, 1230, 1_130_001, -130001, 130001.5, Number.NaN]) {
        expect(isValidLocalGovernmentCode(code), String(code)).to.equal(false);
      }
      for (const code of ["10006", "0100060", "13000a", " 130001"]) {
        expect(isValidLocalGovernmentCode(code), code).to.equal(false);
      }
      expect(() => localGovernmentCheckDigit("1300")).to.throw(/not five digits/);
    });

    it("prefectureOf returns the first two digits of a valid code, else throws LocalGovernmentCodeInvalid", function () {
      expect(prefectureOf(131041)).to.equal(13);
      expect(prefectureOf(10006)).to.equal(1);
      expectBondTermsError(() => prefectureOf(131040), "LocalGovernmentCodeInvalid", [131040]);
    });
  });

  describe("Japanese days", function () {
    it("jstDay starts the day at 00:00 JST, from a Date or unix seconds", function () {
      const midnight = new Date("2026-04-01T00:00:00+09:00");
      const april1 = fromCivil(2026, 4, 1);
      expect(jstDay(midnight)).to.equal(april1);
      expect(jstDay(midnight.getTime() / 1000)).to.equal(april1);
      expect(jstDay(midnight.getTime() / 1000 - 1)).to.equal(april1 - 1);
      expect(jstDay(new Date("2026-04-01T14:59:59Z"))).to.equal(april1);
      expect(jstDay(new Date("2026-04-01T15:00:00Z"))).to.equal(april1 + 1);
      expect(() => jstDay(-1)).to.throw(/not a unix time/);
      expectBondTermsError(() => jstDay(2 ** 32 * 86_400), "JstDateTimestampOutOfRange", [2n ** 32n * 86_400n]);
    });

    it("dayToDate / startOfDay give 00:00 JST, and refuse day 0", function () {
      expect(dayToDate(fromCivil(2026, 4, 1)).toISOString()).to.equal("2026-03-31T15:00:00.000Z");
      expect(startOfDay(1)).to.equal(86_400 - 9 * 3_600);
      expectBondTermsError(() => startOfDay(0), "JstDateDayOutOfRange", [0]);
    });

    it("toCivil and fromCivil match a day-by-day count from 1970-01-01 to 2200-12-31 (exhaustive)", function () {
      // Independent oracle: walk the calendar one day at a time with the month lengths.
      const length = (y: number, m: number) =>
        m === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
      let [y, m, d] = [1970, 1, 1];
      for (let day = 0; y <= 2200; day++) {
        const civil = toCivil(day);
        if (civil.year !== y || civil.month !== m || civil.dayOfMonth !== d || fromCivil(y, m, d) !== day) {
          expect.fail(`day ${day}: ${JSON.stringify(civil)} vs ${y}-${m}-${d}`);
        }
        if (++d > length(y, m)) [d, m] = [1, m + 1];
        if (m > 12) [m, y] = [1, y + 1];
      }
    });

    it("fromCivil throws JstDateInvalid on impossible dates and years outside 1970–2200", function () {
      for (const [yy, mm, dd] of [
        [2027, 2, 29],
        [2100, 2, 29],
        [2026, 4, 31],
        [2026, 13, 1],
        [2026, 0, 1],
        [2026, 1, 0],
        [1969, 12, 31],
        [2201, 1, 1],
        [2026, 1, 1.5],
      ]) {
        expectBondTermsError(() => fromCivil(yy, mm, dd), "JstDateInvalid", [yy, mm, dd]);
      }
    });

    it("isLeapYear follows the Gregorian rule", function () {
      expect([1900, 2000, 2024, 2027, 2028, 2100, 2400].map(isLeapYear)).to.deep.equal([
        false,
        true,
        true,
        false,
        true,
        false,
        true,
      ]);
    });

    it("addMonths keeps the day of the month, clamps to the month's end, refuses years after 2200", function () {
      expect(toCivil(addMonths(fromCivil(2026, 3, 20), 6))).to.deep.equal({ year: 2026, month: 9, dayOfMonth: 20 });
      expect(toCivil(addMonths(fromCivil(2028, 1, 31), 1))).to.deep.equal({ year: 2028, month: 2, dayOfMonth: 29 });
      expect(toCivil(addMonths(fromCivil(2027, 1, 31), 1))).to.deep.equal({ year: 2027, month: 2, dayOfMonth: 28 });
      const july2200 = fromCivil(2200, 7, 1);
      expectBondTermsError(() => addMonths(july2200, 6), "JstDateAddMonthsOutOfRange", [july2200, 6]);
    });
  });

  describe("bond arithmetic", function () {
    it("periodCoupon truncates and refuses frequencies other than 1, 2, 4, 12", function () {
      expect(periodCoupon(1_000_000n, 10_000n, 12)).to.equal(833n);
      expect(periodCoupon(50_000, 50, 2)).to.equal(1n);
      expectBondTermsError(() => periodCoupon(1_000_000n, 10_000n, 3), "BondMathInvalidFrequency", [3n]);
    });

    it("accruedInterest follows the DOMAIN.md rules", function () {
      const face = 100_000_000n;
      // Leap day counted: 20 Dec 2027 → 20 Mar 2028 is 91 days, the same span a year earlier 90.
      expect(accruedInterest(face, 10_000n, 2, fromCivil(2027, 12, 20), fromCivil(2028, 3, 20))).to.equal(249_315n);
      expect(accruedInterest(face, 10_000n, 2, fromCivil(2026, 12, 20), fromCivil(2027, 3, 20))).to.equal(246_575n);
      // Capped at the period's coupon (184-day half-year).
      expect(accruedInterest(face, 10_000n, 2, fromCivil(2028, 3, 20), fromCivil(2028, 9, 20))).to.equal(500_000n);
      // Truncated: 21,294.99726 → 21,294.
      expect(accruedInterest(61_010_000n, 1_400n, 2, 20_000, 20_091)).to.equal(21_294n);
      // Settlement on the coupon date: 0; the day after: one day.
      expect(accruedInterest(face, 10_000n, 2, 20_000, 20_000)).to.equal(0n);
      expect(accruedInterest(face, 10_000n, 2, 20_000, 20_001)).to.equal(2_739n);
      expectBondTermsError(
        () => accruedInterest(face, 10_000n, 2, 20_000, 19_999),
        "BondMathSettlementBeforeCouponDate",
        [20_000, 19_999],
      );
    });

    it("proRata adds up exactly over any partition, each share the floor or ceiling (property)", function () {
      fc.assert(
        fc.property(
          fc.array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { minLength: 1, maxLength: 30 }),
          fc.bigInt({ min: 0n, max: 10n ** 12n }),
          fc.bigInt({ min: 1n, max: 10n ** 12n }),
          (holdings, n, d) => {
            let before = 0n;
            let paid = 0n;
            for (const h of holdings) {
              const share = proRata(before, h, n, d);
              const floor = (h * n) / d;
              if (share !== floor && share !== floor + 1n) return false;
              if (share === floor + 1n && (h * n) % d === 0n) return false;
              paid += share;
              before += h;
            }
            return paid === (before * n) / d;
          },
        ),
        { numRuns: 2_000 },
      );
      expectBondTermsError(() => proRata(0n, 1n, 1n, 0n), "BondMathZeroDenominator", []);
    });

    it("indexationCoefficient rounds half up at the sixth decimal; indexedPrincipal floors, with the deflation floor", function () {
      expect(indexationCoefficient(104_123n, 100_000n)).to.equal(104_123n);
      expect(indexationCoefficient(200_001n, 200_000n)).to.equal(100_001n);
      expect(indexationCoefficient(300_001n, 300_000n)).to.equal(100_000n);
      expect(indexationCoefficient(299_998n, 300_000n)).to.equal(99_999n);
      expectBondTermsError(() => indexationCoefficient(1n, 0n), "BondMathZeroCpi", []);
      expect(indexedPrincipal(150_000n, 99_999n, false)).to.equal(149_998n);
      expect(indexedPrincipal(1_000_000n, 99_500n, true)).to.equal(1_000_000n);
      expect(indexedPrincipal(1_000_000n, 101_519n, true)).to.equal(1_015_190n);
    });
  });
});

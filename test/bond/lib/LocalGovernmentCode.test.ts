import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { isValidLocalGovernmentCode, localGovernmentCheckDigit } from "../../../scripts/lib/bond-terms";
import { UNDER_COVERAGE, deployBondLibHarnessFixture } from "./harness";

/** Real codes (総務省 全国地方公共団体コード), as integers: a leading zero disappears. */
const REAL_CODES: Record<string, number> = {
  "Hokkaido (北海道) 010006": 10006,
  "Sapporo-shi (札幌市) 011002": 11002,
  "Tokyo-to (東京都) 130001": 130001,
  "Shinjuku-ku (新宿区) 131041": 131041,
  "Yokohama-shi (横浜市) 141003": 141003,
  "Kyoto-shi (京都市) 261009": 261009,
  "Osaka-shi (大阪市) 271004": 271004,
  "Okinawa-ken (沖縄県) 470007": 470007,
  "Naha-shi (那覇市) 472018": 472018,
};

/** The DOMAIN.md formula, written out: S = 6·d1+5·d2+4·d3+3·d4+2·d5, check = (11 − S mod 11) mod 10. */
function checkByFormula(code: number): { s: number; check: number } {
  const d = code.toString().padStart(6, "0").split("").map(Number);
  const s = 6 * d[0] + 5 * d[1] + 4 * d[2] + 3 * d[3] + 2 * d[4];
  return { s, check: (11 - (s % 11)) % 10 };
}

describe("LocalGovernmentCode", function () {
  describe("the formula", function () {
    it("gives each real code its last digit (Tokyo-to: S = 6·1 + 5·3 = 21, 21 mod 11 = 10, check 1)", function () {
      expect(checkByFormula(130001)).to.deep.equal({ s: 21, check: 1 });
      expect(checkByFormula(10006)).to.deep.equal({ s: 5, check: 6 });
      // Shinjuku-ku: S = 6·1 + 5·3 + 4·1 + 3·0 + 2·4 = 33 ≡ 0 (mod 11), so (11 − 0) mod 10 = 1.
      expect(checkByFormula(131041)).to.deep.equal({ s: 33, check: 1 });
      for (const [name, code] of Object.entries(REAL_CODES)) {
        expect(checkByFormula(code).check, name).to.equal(code % 10);
        expect(localGovernmentCheckDigit(code.toString().padStart(6, "0").slice(0, 5)), name).to.equal(code % 10);
      }
    });
  });

  describe(".isValid()", function () {
    describe("when the code is real", function () {
      it("is true (Tokyo-to, Shinjuku-ku, Sapporo-shi, Osaka-shi, Yokohama-shi, Hokkaido, …)", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        for (const [name, code] of Object.entries(REAL_CODES)) {
          expect(await harness.localGovernmentCodeIsValid(code), name).to.equal(true);
        }
      });
    });

    describe("when the check digit is wrong", function () {
      it("is false for each of the nine other last digits of every real code", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        for (const code of Object.values(REAL_CODES)) {
          const stem = code - (code % 10);
          for (let last = 0; last < 10; last++) {
            if (stem + last === code) continue;
            expect(await harness.localGovernmentCodeIsValid(stem + last), String(stem + last)).to.equal(false);
          }
        }
      });
    });

    describe("when S mod 11 is 0 or 1 (the two cases the final mod 10 folds)", function () {
      it("takes check digit 1 for S ≡ 0 and 0 for S ≡ 1", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        for (const [residue, check] of [
          [0, 1],
          [1, 0],
          [10, 1],
        ]) {
          let stem = 10_000;
          while (checkByFormula(stem).s % 11 !== residue) stem += 10;
          expect(await harness.localGovernmentCodeIsValid(stem + check), `S≡${residue}`).to.equal(true);
          expect(await harness.localGovernmentCodeIsValid(stem + ((check + 1) % 10)), `S≡${residue}`).to.equal(false);
        }
      });
    });

    describe("when the prefecture is not 01–47", function () {
      it("is false even with the right check digit (00xxxx, 48xxxx, 99xxxx)", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        for (const stem of [0, 1230, 480_000, 481_000, 990_000]) {
          const code = stem + checkByFormula(stem).check;
          expect(await harness.localGovernmentCodeIsValid(code), String(code)).to.equal(false);
        }
      });
    });

    describe("when the code has more than six digits", function () {
      it("is false even if its last six digits form a valid code", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        for (const code of [1_130_001, 10_131_041, 4_294_130_001, 2 ** 32 - 1]) {
          expect(await harness.localGovernmentCodeIsValid(code), String(code)).to.equal(false);
        }
      });
    });

    describe("on any uint32 (property)", function () {
      it("agrees with the TypeScript mirror, and each five-digit stem has exactly one check digit", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        const code = fc.oneof(
          fc.integer({ min: 0, max: 999_999 }),
          fc.integer({ min: 10_000, max: 479_999 }),
          fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        );
        await fc.assert(
          fc.asyncProperty(code, async (c) => {
            expect(await harness.localGovernmentCodeIsValid(c), String(c)).to.equal(isValidLocalGovernmentCode(c));
          }),
          { numRuns: 300 },
        );
        await fc.assert(
          fc.asyncProperty(fc.integer({ min: 1_000, max: 47_999 }), async (stem5) => {
            let valid = 0;
            for (let last = 0; last < 10; last++) {
              if (await harness.localGovernmentCodeIsValid(stem5 * 10 + last)) valid++;
            }
            expect(valid, String(stem5)).to.equal(1);
          }),
          { numRuns: 30 },
        );
      });
    });
    describe("gas", function () {
      it("stays within budget (1,000)", async function () {
        if (UNDER_COVERAGE) this.skip(); // instrumentation adds gas
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        const [gasUsed, valid] = await harness.gasLocalGovernmentCodeIsValid(131041);
        expect(valid).to.equal(true);
        expect(gasUsed).to.be.lessThan(1_000n);
      });
    });
  });

  describe(".requireValid()", function () {
    describe("when the code is valid", function () {
      it("returns", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        await harness.localGovernmentCodeRequireValid(131041);
      });
    });

    describe("when the code is invalid", function () {
      it("reverts with LocalGovernmentCodeInvalid(code)", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        for (const code of [131042, 0, 480002, 1_130_001]) {
          await expect(harness.localGovernmentCodeRequireValid(code))
            .to.be.revertedWithCustomError(harness, "LocalGovernmentCodeInvalid")
            .withArgs(code);
        }
      });
    });
  });

  describe(".prefecture()", function () {
    describe("when the code is valid", function () {
      it("returns the first two digits (Hokkaido 1, Tokyo 13, Osaka 27, Okinawa 47)", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        expect(await harness.localGovernmentCodePrefecture(10006)).to.equal(1);
        expect(await harness.localGovernmentCodePrefecture(11002)).to.equal(1);
        expect(await harness.localGovernmentCodePrefecture(131041)).to.equal(13);
        expect(await harness.localGovernmentCodePrefecture(271004)).to.equal(27);
        expect(await harness.localGovernmentCodePrefecture(472018)).to.equal(47);
      });
    });

    describe("when the code is invalid", function () {
      it("reverts with LocalGovernmentCodeInvalid(code)", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        await expect(harness.localGovernmentCodePrefecture(131040))
          .to.be.revertedWithCustomError(harness, "LocalGovernmentCodeInvalid")
          .withArgs(131040);
        await expect(harness.localGovernmentCodePrefecture(480002))
          .to.be.revertedWithCustomError(harness, "LocalGovernmentCodeInvalid")
          .withArgs(480002);
      });
    });
  });
});

import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { isinCheckDigit, isinToBytes12, isValidIsin } from "../../../scripts/lib/bond-terms";
import { UNDER_COVERAGE, deployBondLibHarnessFixture } from "./harness";

/**
 * An independent textbook check, written differently from both the contract and the TypeScript mirror:
 * expand the whole 12-character ISIN to digits, then validate with Luhn (double every second digit from
 * the right, starting with the second; the total must end in 0).
 */
function textbookIsValid(isin: string): boolean {
  if (!/^[A-Z]{2}[A-Z0-9]{9}[0-9]$/.test(isin)) return false;
  const digits = isin.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - "A".charCodeAt(0) + 10));
  const total = [...digits].reverse().reduce((sum, ch, i) => {
    const d = Number(ch) * (i % 2 === 1 ? 2 : 1);
    return sum + Math.floor(d / 10) + (d % 10);
  }, 0);
  return total % 10 === 0;
}

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS = "0123456789";
/** Bytes that may never appear in an ISIN. */
const FOREIGN = ["a", "j", "p", "z", " ", "\u0000", "/", ":", "@", "[", "`", "{", "~", "-"];

/** Well-known listed-company ISINs (public, and valid by the textbook check below). */
const KNOWN_VALID = {
  "Apple Inc.": "US0378331005",
  "Toyota Motor": "JP3633400001",
  "Sony Group": "JP3435000009",
  Microsoft: "US5949181045",
};

/**
 * JGB-shaped bodies ("JP1" + series fields) with the check digits worked out by hand-checked textbook
 * Luhn. They are not claimed to be real issues: the point is the arithmetic on Japanese, lettered bodies.
 * Note JP1103701M48, an example once given for this library: its check digit is 6, not 8.
 */
const JGB_SHAPED = ["JP1103701M46", "JP1051501P53", "JP1201541FA5", "JP1300711L13", "JP1400161LA9"];

function withChar(s: string, i: number, c: string): string {
  return s.slice(0, i) + c + s.slice(i + 1);
}

/** bytes12 of any 12 single-byte characters (also non-printable ones, which isinToBytes12 refuses). */
function rawBytes12(s: string): string {
  return "0x" + Buffer.from(s, "latin1").toString("hex");
}

describe("Isin", function () {
  describe("the reference implementations", function () {
    it("agree that the well-known ISINs are valid and the JGB-shaped check digits are right", function () {
      for (const isin of [...Object.values(KNOWN_VALID), ...JGB_SHAPED]) {
        expect(textbookIsValid(isin), isin).to.equal(true);
        expect(isValidIsin(isin), isin).to.equal(true);
        expect(isinCheckDigit(isin.slice(0, 11)), isin).to.equal(Number(isin[11]));
      }
      expect(textbookIsValid("JP1103701M48")).to.equal(false);
    });
  });

  describe(".isValid()", function () {
    describe("when the ISIN is well formed with the right check digit", function () {
      it("is true for well-known listed ISINs (Apple, Toyota, Sony, Microsoft)", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        for (const [name, isin] of Object.entries(KNOWN_VALID)) {
          expect(await harness.isinIsValid(isinToBytes12(isin)), name).to.equal(true);
        }
      });

      it("is true for JGB-shaped ISINs with letters in the body", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        for (const isin of JGB_SHAPED) expect(await harness.isinIsValid(isinToBytes12(isin)), isin).to.equal(true);
      });

      it("is true for any random body with its computed check digit (property)", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        const letter = fc.constantFrom(...ALPHABET.slice(10));
        const alnum = fc.constantFrom(...ALPHABET);
        const body = fc
          .tuple(fc.array(letter, { minLength: 2, maxLength: 2 }), fc.array(alnum, { minLength: 9, maxLength: 9 }))
          .map(([country, rest]) => [...country, ...rest].join(""));
        await fc.assert(
          fc.asyncProperty(body, async (b) => {
            const isin = b + isinCheckDigit(b);
            expect(textbookIsValid(isin)).to.equal(true);
            expect(await harness.isinIsValid(isinToBytes12(isin))).to.equal(true);
          }),
          { numRuns: 150 },
        );
      });
    });

    describe("when the check digit is wrong", function () {
      it("is false (JP1103701M48: the right digit is 6)", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        expect(await harness.isinIsValid(isinToBytes12("JP1103701M48"))).to.equal(false);
        expect(await harness.isinIsValid(isinToBytes12("US0378331006"))).to.equal(false);
      });
    });

    describe("when the characters are not uppercase ASCII letters and digits in the right places", function () {
      const cases: Record<string, string> = {
        "lowercase country": "jp3633400001",
        "lowercase in the body": "JP1103701m46",
        "a space at the end": "JP363340000 ",
        "a space inside": "JP36334 0001",
        "a zero byte": "JP3633400\u000001",
        "a digit in the country": "J13633400001",
        "a digit first": "1P3633400001",
        "a letter as check digit": "JP363340000A",
        "all zero bytes": "\u0000".repeat(12),
        "a byte above 0x7f": "JP3633400\u00e901",
      };
      for (const [what, s] of Object.entries(cases)) {
        it(`is false for ${what}`, async function () {
          const { harness } = await loadFixture(deployBondLibHarnessFixture);
          expect(await harness.isinIsValid(rawBytes12(s))).to.equal(false);
        });
      }

      it("is false even when the digits of the expansion would pass Luhn (lowercase, shifted letters)", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        // Lowercase Apple/Toyota: same Luhn digits if letters were read case-blind, yet invalid.
        expect(await harness.isinIsValid(isinToBytes12("us0378331005"))).to.equal(false);
        expect(await harness.isinIsValid(isinToBytes12("Jp3633400001"))).to.equal(false);
      });
    });

    describe("under every single-character corruption of a valid ISIN", function () {
      const samples = ["JP3633400001", "US0378331005", "JP1103701M46", "JP1201541FA5"];

      it("agrees with the textbook check on every one (12 places × 35 other characters, 4 ISINs)", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        for (const isin of samples) {
          for (let i = 0; i < 12; i++) {
            for (const c of ALPHABET) {
              if (c === isin[i]) continue;
              const corrupted = withChar(isin, i, c);
              expect(await harness.isinIsValid(isinToBytes12(corrupted)), corrupted).to.equal(
                textbookIsValid(corrupted),
              );
            }
          }
        }
      });

      it("is false whenever a digit is changed into another digit (the Luhn guarantee)", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        for (const isin of samples) {
          for (let i = 0; i < 12; i++) {
            if (!DIGITS.includes(isin[i])) continue;
            for (const c of DIGITS) {
              if (c === isin[i]) continue;
              expect(await harness.isinIsValid(isinToBytes12(withChar(isin, i, c))), withChar(isin, i, c)).to.equal(
                false,
              );
            }
          }
        }
      });

      it("is false whenever the check digit changes, or any character becomes a foreign byte", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        for (const isin of samples) {
          for (const c of ALPHABET) {
            if (c === isin[11]) continue;
            expect(await harness.isinIsValid(isinToBytes12(withChar(isin, 11, c)))).to.equal(false);
          }
          for (let i = 0; i < 12; i++) {
            for (const c of FOREIGN) {
              expect(await harness.isinIsValid(rawBytes12(withChar(isin, i, c))), JSON.stringify(c)).to.equal(false);
            }
          }
        }
      });

      it("can miss a changed letter: a letter is two digits, beyond Luhn's single-digit guarantee", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        // J→R in Toyota's country code, M→E in a JGB-shaped body, a digit 0→N: all still pass.
        for (const accepted of ["RP3633400001", "JP1103701E46", "JP36334N0001"]) {
          expect(textbookIsValid(accepted), accepted).to.equal(true);
          expect(await harness.isinIsValid(isinToBytes12(accepted)), accepted).to.equal(true);
        }
      });
    });

    describe("on arbitrary bytes (property)", function () {
      it("agrees with the TypeScript mirror and the textbook check", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        const chars = fc.constantFrom(...ALPHABET, ...ALPHABET.slice(10), ...FOREIGN);
        const anyIsin = fc.oneof(
          fc.array(chars, { minLength: 12, maxLength: 12 }).map((a) => a.join("")),
          // Mostly-valid shapes, so the check digit decides often.
          fc
            .tuple(
              fc.constantFrom("JP", "US", "XS", "DE"),
              fc.array(fc.constantFrom(...ALPHABET), { minLength: 9, maxLength: 9 }),
              fc.constantFrom(...DIGITS),
            )
            .map(([cc, body, check]) => cc + body.join("") + check),
        );
        await fc.assert(
          fc.asyncProperty(anyIsin, async (s) => {
            const onChain = await harness.isinIsValid(rawBytes12(s));
            expect(onChain, s).to.equal(isValidIsin(s));
            expect(onChain, s).to.equal(textbookIsValid(s));
          }),
          { numRuns: 300 },
        );
      });
    });
    describe("gas", function () {
      it("stays within budget: 4,000 for a JGB-shaped ISIN, 5,000 for twelve letters' worth of work", async function () {
        if (UNDER_COVERAGE) this.skip(); // instrumentation adds gas
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        const [jgbGas, jgbValid] = await harness.gasIsinIsValid(isinToBytes12("JP1201541FA5"));
        expect(jgbValid).to.equal(true);
        expect(jgbGas).to.be.lessThan(4_000n);
        const [lettersGas] = await harness.gasIsinIsValid(isinToBytes12("ABCDEFGHIJK7"));
        expect(lettersGas).to.be.lessThan(5_000n);
      });
    });
  });

  describe(".requireValid()", function () {
    describe("when the ISIN is valid", function () {
      it("returns", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        await harness.isinRequireValid(isinToBytes12("JP3633400001"));
      });
    });

    describe("when the ISIN is invalid", function () {
      it("reverts with IsinInvalid(isin)", async function () {
        const { harness } = await loadFixture(deployBondLibHarnessFixture);
        for (const s of ["JP1103701M48", "jp3633400001", "JP363340000 "]) {
          await expect(harness.isinRequireValid(isinToBytes12(s)))
            .to.be.revertedWithCustomError(harness, "IsinInvalid")
            .withArgs(isinToBytes12(s));
        }
      });
    });
  });

  describe(".isJapanese()", function () {
    it("is true for the prefix JP", async function () {
      const { harness } = await loadFixture(deployBondLibHarnessFixture);
      expect(await harness.isinIsJapanese(isinToBytes12("JP3633400001"))).to.equal(true);
      expect(await harness.isinIsJapanese(isinToBytes12("JP1103701M46"))).to.equal(true);
    });

    it("is false for other prefixes, lowercase jp included", async function () {
      const { harness } = await loadFixture(deployBondLibHarnessFixture);
      for (const s of ["US0378331005", "jp3633400001", "Jp3633400001", "JA3633400001", "PJ3633400001"]) {
        expect(await harness.isinIsJapanese(isinToBytes12(s)), s).to.equal(false);
      }
    });
  });

  describe(".toString()", function () {
    it("returns the 12 characters", async function () {
      const { harness } = await loadFixture(deployBondLibHarnessFixture);
      for (const s of ["JP3633400001", "JP1103701M46", "US0378331005"]) {
        expect(await harness.isinToString(isinToBytes12(s))).to.equal(s);
      }
    });
  });
});

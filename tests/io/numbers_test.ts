// The fast paths that read numbers straight from bytes give exactly what Number(text) gives
// (so reading is bit for bit what it was), and NaN, sending the field to the string checks,
// for everything they do not handle.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DECIMAL, fastDecimal, fastInteger, INTEGER } from "../../io/numbers.ts";
import { random } from "./helpers.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

/** The fast path on `text` framed by other bytes, as a field inside a chunk is. */
function fast(read: typeof fastDecimal, text: string): number {
  const framed = bytes(`,${text};`);
  return read(framed, 1, framed.length - 1);
}

describe("numbers from bytes", () => {
  it("reads decimals exactly as Number() does", () => {
    const next = random(3);
    const digits = (n: number) => Array.from({ length: n }, () => Math.floor(next() * 10)).join("");
    for (let t = 0; t < 20000; t++) {
      const sign = ["", "-", "+"][Math.floor(next() * 3)];
      const whole = digits(Math.floor(next() * 10));
      const fraction = next() < 0.7 ? `.${digits(Math.floor(next() * 10))}` : "";
      const exponent = next() < 0.3 ? `${next() < 0.5 ? "e" : "E"}${["", "-", "+"][t % 3]}${digits(1 + (t % 2))}` : "";
      const space = next() < 0.1 ? " \t" : "";
      const text = `${space}${sign}${whole}${fraction}${exponent}${space}`;
      const value = fast(fastDecimal, text);
      const trimmed = text.trim();
      if (!DECIMAL.test(trimmed)) {
        assert.ok(Number.isNaN(value), `${JSON.stringify(text)} is not a decimal, yet read as ${value}`);
        continue;
      }
      // Taken when the digits fit 15 and the power of ten is within ±22 (or the value is 0).
      const [, , whole2, fraction2 = "", exponent2 = "0"] = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(
        trimmed,
      )!;
      const significant = (whole2 + fraction2).replace(/^0+/, "");
      const scale = Number(exponent2) - fraction2.length;
      const taken = significant === "" || (significant.length <= 15 && Math.abs(scale) <= 22);
      assert.equal(!Number.isNaN(value), taken, JSON.stringify(text));
      if (!taken) continue;
      assert.ok(Object.is(value, Number(text.trim())), `${JSON.stringify(text)}: ${value} ≠ ${Number(text.trim())}`);
    }
  });

  it("leaves other text to the string checks", () => {
    for (
      const text of ["", " ", "-", "+.", ".", "1e", "1e+", "e5", "1..2", "1.2.3", "0x10", "inf", "NaN", "1,5", "1 2"]
    ) {
      assert.ok(Number.isNaN(fast(fastDecimal, text)), text);
    }
    for (const text of ["1.0000000000000001", "12345678901234567", "1e23", "1e-23", "5\u00a0"]) {
      assert.ok(Number.isNaN(fast(fastDecimal, text)), text);
    }
    assert.ok(Object.is(fast(fastDecimal, "-0"), -0));
    assert.ok(Object.is(fast(fastDecimal, "-0.0e5"), -0));
    assert.equal(fast(fastDecimal, "0e999"), 0);
    assert.equal(fast(fastDecimal, "007.50"), 7.5);
    assert.equal(fast(fastDecimal, ".5"), 0.5);
    assert.equal(fast(fastDecimal, "5."), 5);
  });

  it("reads integers exactly, and only integers", () => {
    for (const text of ["0", "7", "+12", "-3", "000123", "999999999999999"]) {
      assert.ok(INTEGER.test(text));
      assert.ok(Object.is(fast(fastInteger, text), Number(text)), text);
    }
    for (const text of ["", "+", "1.0", "1e3", "1 2", "0x1", "1234567890123456"]) {
      assert.ok(Number.isNaN(fast(fastInteger, text)), text);
    }
  });
});

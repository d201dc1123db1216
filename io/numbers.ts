/**
 * Numbers in text files: the grammar a value must follow, the checks every value passes (a
 * finite, non-negative number within float32), and a fast path that reads a decimal straight
 * from the file's bytes with exactly the result of `Number(text)`.
 *
 * @module
 */

import { DECIMAL, F32_MAX, isMissingText, missingProblem, NON_FINITE } from "../sdk/input/cells.ts";
import type { ReadOptions } from "./reader.ts";

export { DECIMAL, F32_MAX, NON_FINITE };
/** An integer (MatrixMarket indices and `integer` values). */
export const INTEGER = /^[+-]?\d+$/;

/** Whether a field reads as a number (finite or not): the test of a header row. */
export function looksNumeric(field: string): boolean {
  const text = field.trim();
  return DECIMAL.test(text) || NON_FINITE.test(text);
}

/**
 * The value of one field's text, or what is wrong with it (`is negative (-5)`), to follow the
 * field's place (`column 2 ("y") is negative (-5)`). A missing cell (empty, `NA`, …) is NaN when
 * `options.allowMissing` allows it, a negative value a value when `options.allowNegative` does; the
 * problems with them end with `options.hints`.
 */
export function valueOrProblem(
  field: string,
  options: Pick<ReadOptions, "allowMissing" | "allowNegative" | "hints"> = {},
): number | string {
  const text = field.trim();
  if (isMissingText(text)) return options.allowMissing ? NaN : `${missingProblem(text)}${options.hints?.missing ?? ""}`;
  if (NON_FINITE.test(text)) return `is not a finite number ("${text}")`;
  if (!DECIMAL.test(text)) return `is not a number ("${text}")`;
  const value = Number(text);
  if (Math.abs(value) > F32_MAX) return `is too large for float32 (${text})`;
  if (value < 0 && !options.allowNegative) return `is negative (${text})${options.hints?.negative ?? ""}`;
  return value;
}

/** 10⁰ … 10²²: the powers of ten a double holds exactly. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
/** More significant digits than this may not fit a double's 53 bits exactly. */
const MAX_DIGITS = 15;

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;

/** Space, tab, line feed, vertical tab, form feed, carriage return: what `trim()` removes in ASCII. */
export function isAsciiSpace(byte: number): boolean {
  return byte === SPACE || (byte >= TAB && byte <= CR);
}

/**
 * The value of `bytes[start, end)` when, less ASCII white space around it, it is a decimal
 * number (see {@link DECIMAL}) of at most 15 significant digits whose power of ten is within
 * ±22: then the digits and the power are exact doubles and one multiplication or division
 * rounds correctly, so the result is exactly `Number(text)`. NaN for anything else (other
 * text, more digits, non-ASCII bytes), which the caller reads as a string.
 */
export function fastDecimal(bytes: Uint8Array, start: number, end: number): number {
  while (start < end && isAsciiSpace(bytes[start])) start++;
  while (end > start && isAsciiSpace(bytes[end - 1])) end--;
  let i = start;
  let negative = false;
  if (i < end && (bytes[i] === PLUS || bytes[i] === MINUS)) negative = bytes[i++] === MINUS;
  let mantissa = 0;
  let digits = 0;
  let significant = 0;
  let scale = 0;
  for (; i < end && bytes[i] >= DIGIT_0 && bytes[i] <= DIGIT_9; i++, digits++) {
    if (mantissa === 0 && bytes[i] === DIGIT_0) continue;
    if (++significant > MAX_DIGITS) return NaN;
    mantissa = mantissa * 10 + (bytes[i] - DIGIT_0);
  }
  if (i < end && bytes[i] === DOT) {
    for (i++; i < end && bytes[i] >= DIGIT_0 && bytes[i] <= DIGIT_9; i++, digits++) {
      scale--;
      if (mantissa === 0 && bytes[i] === DIGIT_0) continue;
      if (++significant > MAX_DIGITS) return NaN;
      mantissa = mantissa * 10 + (bytes[i] - DIGIT_0);
    }
  }
  if (digits === 0) return NaN;
  if (i < end && (bytes[i] | 0x20) === 0x65) {
    i++;
    let exponentNegative = false;
    if (i < end && (bytes[i] === PLUS || bytes[i] === MINUS)) exponentNegative = bytes[i++] === MINUS;
    const exponentStart = i;
    let exponent = 0;
    for (; i < end && bytes[i] >= DIGIT_0 && bytes[i] <= DIGIT_9; i++) {
      if (exponent < 1000) exponent = exponent * 10 + (bytes[i] - DIGIT_0);
    }
    if (i === exponentStart) return NaN;
    scale += exponentNegative ? -exponent : exponent;
  }
  if (i !== end) return NaN;
  if (mantissa === 0) return negative ? -0 : 0;
  if (scale < -22 || scale > 22) return NaN;
  const magnitude = scale < 0 ? mantissa / POW10[-scale] : mantissa * POW10[scale];
  return negative ? -magnitude : magnitude;
}

/**
 * The value of `bytes[start, end)` when it is an integer (see {@link INTEGER}) of at most 15
 * digits, exactly `Number(text)`; NaN for anything else, which the caller reads as a string.
 */
export function fastInteger(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (i < end && (bytes[i] === PLUS || bytes[i] === MINUS)) negative = bytes[i++] === MINUS;
  if (i === end || end - i > MAX_DIGITS) return NaN;
  let value = 0;
  for (; i < end; i++) {
    const digit = bytes[i] - DIGIT_0;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}

/**
 * The delimiter of delimited text, detected from the first lines: of comma, tab, semicolon and
 * vertical bar, the one that splits every one of the first lines (up to 20, within the first
 * 64 KiB) into the same number of fields, more than one, and into the most; quoted fields are
 * skipped over. When none does (a file of one column), the format's own: tab for `.tsv`, comma
 * otherwise.
 *
 * @module
 */

import { COMMA, TAB } from "./delimited.ts";
import type { ByteSource } from "./source.ts";

const SEMICOLON = 0x3b;
const BAR = 0x7c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** The delimiters tried, in the order that breaks ties. */
export const DELIMITERS: readonly number[] = [COMMA, TAB, SEMICOLON, BAR];

const SAMPLE_BYTES = 64 * 1024;
const SAMPLE_LINES = 20;

/** How a delimiter is named in messages and on the command line. */
export function delimiterName(byte: number): string {
  return byte === TAB ? "tab" : byte === COMMA ? "comma" : `"${String.fromCharCode(byte)}"`;
}

/** Fields per complete line of `sample` split by `delimiter` (quotes respected), for the first lines. */
function fieldCounts(sample: Uint8Array, delimiter: number): number[] {
  const counts: number[] = [];
  let fields = 1;
  let quoted = false;
  let empty = true;
  for (let i = 0; i < sample.length && counts.length < SAMPLE_LINES; i++) {
    const byte = sample[i];
    if (quoted) {
      if (byte === QUOTE) quoted = false;
      continue;
    }
    if (byte === QUOTE) quoted = true;
    else if (byte === delimiter) fields++;
    else if (byte === LF || byte === CR) {
      if (!empty) counts.push(fields);
      fields = 1;
      empty = true;
      continue;
    }
    empty = false;
  }
  return counts;
}

/** The delimiter of the file in `source` (see the module), `fallback` when none is clear. */
export function detectDelimiter(source: ByteSource, fallback: number): number {
  let sample = new Uint8Array(0);
  source.scan((chunk, length) => {
    const grown = new Uint8Array(sample.length + length);
    grown.set(sample);
    grown.set(chunk.subarray(0, length), sample.length);
    sample = grown;
    if (sample.length >= SAMPLE_BYTES) return false;
  });
  let best = fallback;
  let bestFields = 1;
  for (const delimiter of [fallback, ...DELIMITERS.filter((d) => d !== fallback)]) {
    const counts = fieldCounts(sample, delimiter);
    if (counts.length === 0 || counts.some((count) => count !== counts[0])) continue;
    if (counts[0] > bestFields) [best, bestFields] = [delimiter, counts[0]];
  }
  return best;
}

/**
 * The byte of a `--delimiter` value: one character, or `tab`, `comma`, `semicolon`, `\t`.
 * Undefined for anything else.
 */
export function parseDelimiter(text: string): number | undefined {
  const named: Record<string, number> = { tab: TAB, "\\t": TAB, comma: COMMA, semicolon: SEMICOLON, pipe: BAR };
  if (Object.hasOwn(named, text.toLowerCase())) return named[text.toLowerCase()];
  if (text.length !== 1) return undefined;
  const byte = text.charCodeAt(0);
  return byte < 0x80 && byte !== QUOTE && byte !== LF && byte !== CR ? byte : undefined;
}

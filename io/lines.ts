/**
 * Line-oriented text (MatrixMarket, JSON Lines) read as a stream of lines, straight from the
 * file's bytes: a line ends at LF (a CR before it stays in the line, for the reader to take as
 * white space). A line is handed over as a byte range of the current chunk, or of a copy when it
 * spans chunks.
 *
 * @module
 */

import type { ByteSource, ScanProgress } from "./source.ts";

/** Receives line `line` (1-based) as `bytes[start, end)`, valid during the call; `false` stops the pass. */
export type LineVisitor = (bytes: Uint8Array, start: number, end: number, line: number) => void | false;

const LF = 0x0a;

/**
 * One pass over the lines of a file. Returns the number of lines (line breaks + 1, so a final
 * line break is followed by an empty last line, as `text.split("\n")` counts), or the line it
 * stopped at.
 */
export function scanLines(source: ByteSource, visit: LineVisitor, progress?: ScanProgress): number {
  let line = 1;
  let carry = new Uint8Array(0);
  let carried = 0;
  let stopped = false;
  source.scan((chunk, length) => {
    let start = 0;
    for (let i = chunk.indexOf(LF); i >= 0 && i < length; i = chunk.indexOf(LF, start)) {
      let more: void | false;
      if (carried > 0) {
        append(chunk, 0, i);
        more = visit(carry, 0, carried, line);
        carried = 0;
      } else more = visit(chunk, start, i, line);
      if (more === false) {
        stopped = true;
        return false;
      }
      line++;
      start = i + 1;
    }
    if (start < length) append(chunk, start, length);
  }, progress);
  if (!stopped) visit(carry, 0, carried, line);
  return line;

  function append(bytes: Uint8Array, start: number, end: number): void {
    const needed = carried + end - start;
    if (needed > carry.length) {
      const grown = new Uint8Array(Math.max(needed, 2 * carry.length, 256));
      grown.set(carry.subarray(0, carried));
      carry = grown;
    }
    carry.set(bytes.subarray(start, end), carried);
    carried = needed;
  }
}

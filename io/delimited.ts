/**
 * Delimited text (CSV, TSV) read as a stream of fields, straight from the file's bytes (RFC 4180
 * quoting, as csv-parse reads it with `bom`, `relax_column_count` and `skip_empty_lines`): a
 * field is quoted when its first byte is a quote, `""` inside quotes is a quote, and a quoted
 * field may span lines; lines end with LF, CRLF or CR; empty lines are skipped and a UTF-8 byte
 * order mark at the start is dropped. Fields are handed over as byte ranges, never as strings,
 * so reading costs no memory beyond the current field.
 *
 * @module
 */

import { InputError } from "./errors.ts";
import type { ByteSource, ScanProgress } from "./source.ts";

/** What a reader does with the fields and records of a delimited file. */
export interface FieldSink {
  /**
   * Field `column` (0-based) of the current record, ending on 1-based line `line`:
   * `bytes[start, end)`, quotes removed. The bytes are valid during the call only.
   */
  field(bytes: Uint8Array, start: number, end: number, column: number, line: number): void;
  /** The current record ended, on 1-based line `line`, after `fields` fields. */
  record(line: number, fields: number): void;
}

export const COMMA = 0x2c;
export const TAB = 0x09;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Where the scanner is. */
const AT_FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** Inside a quoted field, just after a quote: the closing one, or the first of `""`. */
const QUOTE_IN_QUOTED = 3;

/** A growable byte buffer for fields that span chunks or hold escaped quotes. */
class Spill {
  bytes = new Uint8Array(256);
  length = 0;

  append(source: Uint8Array, start: number, end: number): void {
    const needed = this.length + end - start;
    if (needed > this.bytes.length) {
      const grown = new Uint8Array(Math.max(needed, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(source.subarray(start, end), this.length);
    this.length = needed;
  }

  push(byte: number): void {
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.length++] = byte;
  }
}

/** A short, printable view of a byte: `"3"`, or `byte 0x07`. */
function describeByte(byte: number): string {
  return byte >= 0x20 && byte < 0x7f
    ? `"${String.fromCharCode(byte)}"`
    : `byte 0x${byte.toString(16).padStart(2, "0")}`;
}

/**
 * One pass over a delimited file, handing every field and record end to `sink`.
 * @throws {InputError} for broken quoting, naming file and line
 */
export function scanDelimited(source: ByteSource, delimiter: number, sink: FieldSink, progress?: ScanProgress): void {
  const file = source.file;
  const spill = new Spill();
  /** 1 for the bytes that end an unquoted field's run: the delimiter, LF, CR and the quote. */
  const special = new Uint8Array(256);
  for (const byte of [delimiter, LF, CR, QUOTE]) special[byte] = 1;
  let state = AT_FIELD_START;
  /** The current field's bytes are in `spill` (it is quoted, or began in an earlier chunk). */
  let spilled = false;
  let column = 0;
  let line = 1;
  let quoteLine = 0;
  /** The previous chunk ended with CR: a LF starting this one belongs to that line break. */
  let pendingCr = false;
  /** Inside a quoted field, the previous byte was CR (so a LF does not start another line). */
  let crBefore = false;
  let first = true;

  const invalid = (problem: string) => new InputError(file, line, `not valid CSV: ${problem}`);
  const endField = (bytes: Uint8Array, start: number, end: number) => {
    if (spilled) {
      spill.append(bytes, start, end);
      sink.field(spill.bytes, 0, spill.length, column, line);
      spill.length = 0;
      spilled = false;
    } else sink.field(bytes, start, end, column, line);
  };

  source.scan((chunk, length) => {
    let i = 0;
    if (first) {
      first = false;
      if (length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    }
    if (pendingCr) {
      pendingCr = false;
      if (length > 0 && chunk[0] === LF) i = 1;
    }
    let fieldStart = i;
    while (i < length) {
      if (state === AT_FIELD_START) {
        const byte = chunk[i];
        if (column === 0 && (byte === LF || byte === CR)) {
          // An empty line: skipped, counted.
          line++;
          i++;
          if (byte === CR) {
            if (i < length && chunk[i] === LF) i++;
            else if (i === length) pendingCr = true;
          }
          continue;
        }
        if (byte === QUOTE) {
          state = QUOTED;
          spilled = true;
          quoteLine = line;
          crBefore = false;
          i++;
          continue;
        }
        state = UNQUOTED;
        fieldStart = i;
      }
      if (state === QUOTED) {
        const runStart = i;
        for (; i < length; i++) {
          const byte = chunk[i];
          if (byte === QUOTE) break;
          if (byte === CR || (byte === LF && !crBefore)) line++;
          crBefore = byte === CR;
        }
        spill.append(chunk, runStart, i);
        if (i < length) {
          state = QUOTE_IN_QUOTED;
          crBefore = false;
          i++;
        }
        continue;
      }
      if (state === UNQUOTED) {
        while (i < length && special[chunk[i]] === 0) i++;
        if (i === length) break;
        if (chunk[i] === QUOTE) {
          throw invalid(`column ${column + 1} has a quote after its first character (quote the whole field)`);
        }
        endField(chunk, fieldStart, i);
      } else {
        const byte = chunk[i];
        if (byte === QUOTE) {
          spill.push(QUOTE);
          state = QUOTED;
          i++;
          continue;
        }
        if (byte !== delimiter && byte !== LF && byte !== CR) {
          throw invalid(
            `the quoted column ${column + 1} is followed by ${
              describeByte(byte)
            }, not by a delimiter or the end of the line`,
          );
        }
        endField(chunk, i, i);
      }
      // At the delimiter or line break that ended the field.
      const byte = chunk[i++];
      state = AT_FIELD_START;
      if (byte === delimiter) {
        column++;
        continue;
      }
      sink.record(line, column + 1);
      column = 0;
      line++;
      if (byte === CR) {
        if (i < length && chunk[i] === LF) i++;
        else if (i === length) pendingCr = true;
      }
    }
    if (state === UNQUOTED && i === length) {
      spill.append(chunk, fieldStart, length);
      spilled = true;
    }
  }, progress);

  if (state === QUOTED) {
    throw new InputError(file, quoteLine, "not valid CSV: a quoted field starts on this line and is never closed");
  }
  if (state === UNQUOTED || state === QUOTE_IN_QUOTED || column > 0) {
    endField(spill.bytes, 0, 0);
    sink.record(line, column + 1);
  }
}

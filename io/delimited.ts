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

/** The state of one pass over a delimited file, fed chunk by chunk. */
class Scanner {
  readonly #file: string;
  readonly #delimiter: number;
  readonly #sink: FieldSink;
  readonly #spill = new Spill();
  /** 1 for the bytes that end an unquoted field's run: the delimiter, LF, CR and the quote. */
  readonly #special = new Uint8Array(256);
  #state = AT_FIELD_START;
  /** The current field's bytes are in the spill (it is quoted, or began in an earlier chunk). */
  #spilled = false;
  #column = 0;
  #line = 1;
  #quoteLine = 0;
  /** The previous chunk ended with CR: a LF starting this one belongs to that line break. */
  #pendingCr = false;
  /** Inside a quoted field, the previous byte was CR (so a LF does not start another line). */
  #crBefore = false;
  #first = true;

  constructor(file: string, delimiter: number, sink: FieldSink) {
    this.#file = file;
    this.#delimiter = delimiter;
    this.#sink = sink;
    for (const byte of [delimiter, LF, CR, QUOTE]) this.#special[byte] = 1;
  }

  #invalid(problem: string): InputError {
    return new InputError(this.#file, this.#line, `not valid CSV: ${problem}`);
  }

  /** Hands the current field, ending with `bytes[start, end)`, to the sink. */
  #endField(bytes: Uint8Array, start: number, end: number): void {
    if (this.#spilled) {
      const spill = this.#spill;
      spill.append(bytes, start, end);
      this.#sink.field(spill.bytes, 0, spill.length, this.#column, this.#line);
      spill.length = 0;
      this.#spilled = false;
    } else this.#sink.field(bytes, start, end, this.#column, this.#line);
  }

  /** Where this chunk's fields start: after a byte order mark, or the LF of a CRLF split by the chunks. */
  #startOf(chunk: Uint8Array, length: number): number {
    let i = 0;
    if (this.#first) {
      this.#first = false;
      if (length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    }
    if (this.#pendingCr) {
      this.#pendingCr = false;
      if (i < length && chunk[i] === LF) i++;
    }
    return i;
  }

  /** Past a line break (LF, CR or CRLF) at `i`: the next index. */
  #lineBreak(chunk: Uint8Array, i: number, length: number): number {
    this.#line++;
    if (chunk[i++] === CR) {
      if (i < length && chunk[i] === LF) i++;
      else if (i === length) this.#pendingCr = true;
    }
    return i;
  }

  /** Inside a quoted field: the bytes up to the next quote go to the spill; the next index. */
  #quotedRun(chunk: Uint8Array, i: number, length: number): number {
    const start = i;
    for (; i < length; i++) {
      const byte = chunk[i];
      if (byte === QUOTE) break;
      if (byte === CR || (byte === LF && !this.#crBefore)) this.#line++;
      this.#crBefore = byte === CR;
    }
    this.#spill.append(chunk, start, i);
    if (i === length) return i;
    this.#state = QUOTE_IN_QUOTED;
    this.#crBefore = false;
    return i + 1;
  }

  /** After a quote inside a quoted field: `""` is a quote (the next index), else the field ended (-1). */
  #afterQuote(chunk: Uint8Array, i: number): number {
    const byte = chunk[i];
    if (byte === QUOTE) {
      this.#spill.push(QUOTE);
      this.#state = QUOTED;
      return i + 1;
    }
    if (byte !== this.#delimiter && byte !== LF && byte !== CR) {
      throw this.#invalid(
        `the quoted column ${this.#column + 1} is followed by ${
          describeByte(byte)
        }, not by a delimiter or the end of the line`,
      );
    }
    this.#endField(chunk, i, i);
    return -1;
  }

  /** At the delimiter or line break at `i` that ended a field: the next index. */
  #afterField(chunk: Uint8Array, i: number, length: number): number {
    this.#state = AT_FIELD_START;
    if (chunk[i] === this.#delimiter) {
      this.#column++;
      return i + 1;
    }
    this.#sink.record(this.#line, this.#column + 1);
    this.#column = 0;
    return this.#lineBreak(chunk, i, length);
  }

  /** Scans `chunk[0, length)`. */
  chunk(chunk: Uint8Array, length: number): void {
    const special = this.#special;
    let i = this.#startOf(chunk, length);
    let fieldStart = i;
    while (i < length) {
      if (this.#state === AT_FIELD_START) {
        const byte = chunk[i];
        if (this.#column === 0 && (byte === LF || byte === CR)) {
          i = this.#lineBreak(chunk, i, length); // an empty line: skipped, counted
          continue;
        }
        if (byte === QUOTE) {
          this.#state = QUOTED;
          this.#spilled = true;
          this.#quoteLine = this.#line;
          this.#crBefore = false;
          i++;
          continue;
        }
        this.#state = UNQUOTED;
        fieldStart = i;
      }
      if (this.#state === QUOTED) {
        i = this.#quotedRun(chunk, i, length);
        continue;
      }
      if (this.#state === UNQUOTED) {
        while (i < length && special[chunk[i]] === 0) i++;
        if (i === length) break;
        if (chunk[i] === QUOTE) {
          throw this.#invalid(
            `column ${this.#column + 1} has a quote after its first character (quote the whole field)`,
          );
        }
        this.#endField(chunk, fieldStart, i);
      } else {
        const next = this.#afterQuote(chunk, i);
        if (next >= 0) {
          i = next;
          continue;
        }
      }
      i = this.#afterField(chunk, i, length);
    }
    if (this.#state === UNQUOTED && i === length) {
      this.#spill.append(chunk, fieldStart, length);
      this.#spilled = true;
    }
  }

  /** The end of the file: the last record, if the last line has no line break. */
  end(): void {
    if (this.#state === QUOTED) {
      throw new InputError(
        this.#file,
        this.#quoteLine,
        "not valid CSV: a quoted field starts on this line and is never closed",
      );
    }
    if (this.#state === UNQUOTED || this.#state === QUOTE_IN_QUOTED || this.#column > 0) {
      this.#endField(this.#spill.bytes, 0, 0);
      this.#sink.record(this.#line, this.#column + 1);
    }
  }
}

/**
 * One pass over a delimited file, handing every field and record end to `sink`.
 * @throws {InputError} for broken quoting, naming file and line
 */
export function scanDelimited(source: ByteSource, delimiter: number, sink: FieldSink, progress?: ScanProgress): void {
  const scanner = new Scanner(source.file, delimiter, sink);
  source.scan((chunk, length) => scanner.chunk(chunk, length), progress);
  scanner.end();
}

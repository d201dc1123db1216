/**
 * JSON input: a file holding an array of records (`[{"origin": "USA", "mpg": 18}, …]`, as
 * `DataFrame.to_json(orient="records")` and vega-datasets write them) or an object of columns
 * (`{"origin": [...], "mpg": [...]}`), and JSON Lines (one record a line). Records are read as a
 * stream, one at a time (the array's elements are found by their brackets, outside strings, and
 * parsed each on its own), into columns: numbers and strings as JSON has them, a missing key or
 * null a missing cell. The columns are then grouped by `groupTable()` (io/read_table.ts), and
 * errors name the line where the record starts.
 *
 * @module
 */

import { type Columns, namedColumns, tableColumns } from "../sdk/input/table.ts";
import { InputError } from "./errors.ts";
import { scanLines } from "./lines.ts";
import { groupColumns, stratumOf } from "./read_table.ts";
import type { FormatReader, GroupedFile, Grouping, ReadOptions } from "./reader.ts";
import { ByteSource, readText } from "./source.ts";

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Records gathered into columns, with the line each record starts on. */
class ColumnCollector {
  readonly names: string[] = [];
  readonly #columns = new Map<string, unknown[]>();
  #lines = new Int32Array(256);
  rows = 0;

  /** Adds a record (a JSON object) that starts on `line`. */
  add(record: Record<string, unknown>, line: number): void {
    for (const key of Object.keys(record)) {
      let column = this.#columns.get(key);
      if (column === undefined) {
        column = new Array(this.rows);
        this.#columns.set(key, column);
        this.names.push(key);
      }
      column[this.rows] = record[key];
    }
    if (this.rows === this.#lines.length) {
      const grown = new Int32Array(2 * this.rows);
      grown.set(this.#lines);
      this.#lines = grown;
    }
    this.#lines[this.rows++] = line;
  }

  lineOf = (row: number): number => this.#lines[row];

  /** The records as columns (a key a record lacks is a missing cell). */
  columns(): Columns {
    for (const column of this.#columns.values()) column.length = this.rows;
    return namedColumns(this.names, this.names.map((name) => this.#columns.get(name)!));
  }
}

/** A record's text parsed, or the error naming its line. */
function parseRecord(
  file: string,
  bytes: Uint8Array,
  start: number,
  end: number,
  line: number,
): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(strict.decode(bytes.subarray(start, end)));
  } catch (error) {
    const problem = error instanceof TypeError ? "is not UTF-8 text" : `is not valid JSON: ${(error as Error).message}`;
    throw new InputError(file, line, `the record ${problem.slice(0, 200)}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InputError(file, line, `expected a record (a JSON object), got ${JSON.stringify(value)?.slice(0, 40)}`);
  }
  return value as Record<string, unknown>;
}

/** JSON Lines: one record per non-blank line. */
function collectLines(source: ByteSource, options: ReadOptions): ColumnCollector {
  const collector = new ColumnCollector();
  const progress = options.progress;
  scanLines(source, (bytes, start, end, line) => {
    let first = start;
    while (first < end && (bytes[first] === 0x20 || bytes[first] === 0x09 || bytes[first] === 0x0d)) first++;
    if (line === 1 && end - first >= 3 && bytes[first] === 0xef && bytes[first + 1] === 0xbb) first += 3;
    if (first === end) return;
    collector.add(parseRecord(source.file, bytes, first, end, line), line);
  }, progress && ((done, total) => progress.update(source.file, 1, 1, done, total)));
  return collector;
}

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LF = 0x0a;

/** Whether a byte is JSON white space. */
const isSpace = (byte: number) => byte === 0x20 || byte === 0x09 || byte === LF || byte === 0x0d;

/**
 * The elements of a top-level JSON array, each handed to `visit` as bytes with the line it
 * starts on: a pass over the file that tracks only strings and bracket depth.
 */
function scanArray(
  source: ByteSource,
  visit: (bytes: Uint8Array, start: number, end: number, line: number) => void,
  options: ReadOptions,
): void {
  const file = source.file;
  let element = new Uint8Array(1024);
  let length = 0;
  let depth = -1; // -1: before the array's "["; 0: between elements; > 0: inside one
  let inString = false;
  let escaped = false;
  let ended = false;
  let line = 1;
  let startLine = 0;
  const push = (byte: number) => {
    if (length === element.length) {
      const grown = new Uint8Array(2 * length);
      grown.set(element);
      element = grown;
    }
    element[length++] = byte;
  };
  const endElement = () => {
    if (length > 0) visit(element, 0, length, startLine);
    length = 0;
  };
  const progress = options.progress;
  source.scan((chunk, size) => {
    for (let i = 0; i < size; i++) {
      const byte = chunk[i];
      if (byte === LF) line++;
      if (inString) {
        push(byte);
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) escaped = true;
        else if (byte === QUOTE) inString = false;
        continue;
      }
      if (ended) {
        if (!isSpace(byte)) throw new InputError(file, line, "not valid JSON: text after the array's end");
        continue;
      }
      if (depth < 0) {
        if (byte === OPEN_BRACKET) depth = 0;
        else if (!isSpace(byte) && !(line === 1 && i < 3 && (byte === 0xef || byte === 0xbb || byte === 0xbf))) {
          throw new InputError(file, line, "not valid JSON for this reader: expected an array of records ([{…}, …])");
        }
        continue;
      }
      if (depth === 0) {
        if (byte === CLOSE_BRACKET) {
          endElement();
          ended = true;
        } else if (byte === COMMA) endElement();
        else if (!isSpace(byte)) {
          if (length === 0) startLine = line;
          push(byte);
          if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
          else if (byte === QUOTE) inString = true;
        }
        continue;
      }
      push(byte);
      if (byte === QUOTE) inString = true;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
      else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) depth--;
    }
  }, progress && ((done, total) => progress.update(file, 1, 1, done, total)));
  if (!ended) throw new InputError(file, line, "not valid JSON: the array is never closed");
}

/** The first byte of the file that is not white space (or a byte order mark). */
function firstByte(source: ByteSource): number {
  let first = -1;
  source.scan((chunk, size) => {
    for (let i = 0; i < size; i++) {
      const byte = chunk[i];
      if (isSpace(byte) || byte === 0xef || byte === 0xbb || byte === 0xbf) continue;
      first = byte;
      return false;
    }
  });
  return first;
}

/** A JSON file's records (an array) or columns (an object of arrays), as columns. */
function readJsonColumns(file: string, options: ReadOptions): { columns: Columns; lineOf?: (row: number) => number } {
  return ByteSource.with(file, (source) => {
    const first = firstByte(source);
    if (first === -1) throw new InputError(file, undefined, "is empty");
    if (first === OPEN_BRACE) {
      // An object of columns: small enough to parse whole (its values are its only content).
      let value: unknown;
      try {
        value = JSON.parse(readText(file).replace(/^\uFEFF/, ""));
      } catch (error) {
        throw new InputError(file, undefined, `not valid JSON: ${(error as Error).message.slice(0, 200)}`);
      }
      try {
        return { columns: tableColumns(value as Record<string, unknown[]>, "columns") };
      } catch (error) {
        throw new InputError(
          file,
          undefined,
          `expected an array of records or an object of columns: ${(error as Error).message.replace(/^columns: /, "")}`,
        );
      }
    }
    const collector = new ColumnCollector();
    scanArray(
      source,
      (bytes, start, end, line) => collector.add(parseRecord(file, bytes, start, end, line), line),
      options,
    );
    return { columns: collector.columns(), lineOf: collector.lineOf };
  }, options.chunkBytes);
}

/** Reads a JSON file of records or columns (see the module). */
export function readGroupedJson(file: string, grouping: Grouping, options: ReadOptions = {}): GroupedFile {
  const { columns, lineOf } = readJsonColumns(file, options);
  return groupColumns(file, columns, grouping, options, lineOf);
}

/** Reads a JSON Lines file, one record a line. */
export function readGroupedJsonLines(file: string, grouping: Grouping, options: ReadOptions = {}): GroupedFile {
  const collector = ByteSource.with(file, (source) => collectLines(source, options), options.chunkBytes);
  if (collector.rows === 0) throw new InputError(file, undefined, "is empty (no records)");
  return groupColumns(file, collector.columns(), grouping, options, collector.lineOf);
}

/** JSON: an array of records, or an object of columns. */
export const JSON_READER: FormatReader = {
  name: "JSON",
  extensions: [".json"],
  readStratum: (file, options) => stratumOf(readGroupedJson(file, {}, options)),
  readGrouped: readGroupedJson,
};

/** JSON Lines: one record (a JSON object) a line. */
export const JSONL_READER: FormatReader = {
  name: "JSON Lines",
  extensions: [".jsonl", ".ndjson"],
  readStratum: (file, options) => stratumOf(readGroupedJsonLines(file, {}, options)),
  readGrouped: readGroupedJsonLines,
};

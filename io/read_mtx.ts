/**
 * MatrixMarket input: `coordinate` matrices with `real`, `integer` or `pattern` values and
 * `general` symmetry (what `scipy.io.mmwrite` writes for a sparse matrix), read as a stream
 * straight into CSR (int32 row offsets and column indices, float32 values) without densifying.
 * The size line declares the arrays' sizes, so they are allocated once, exactly; entries listed
 * row by row (as scipy and `snmf text` write them) are placed in one pass, and entries in any
 * other order by two more: one counting each row's entries, one placing them. Indices in the
 * file are 1-based and columns are sorted within each row here; a repeated entry, an index out
 * of range, a bad value or a wrong entry count is reported with its line.
 *
 * @module
 */

import { InputError } from "./errors.ts";
import { scanLines } from "./lines.ts";
import { MemoryBudget } from "./memory.ts";
import { DECIMAL, F32_MAX, fastDecimal, fastInteger, INTEGER, isAsciiSpace } from "./numbers.ts";
import type { CsrData, FormatReader, ReadOptions } from "./reader.ts";
import { ByteSource } from "./source.ts";
import { looseText } from "./utf8.ts";

const FIELDS = ["real", "integer", "pattern"] as const;
type Field = (typeof FIELDS)[number];
const HEADER_FORM = '"%%MatrixMarket matrix coordinate real|integer|pattern general"';

/** A CSR matrix read from a MatrixMarket file. */
export type MtxMatrix = Omit<CsrData, "name">;

/** What the lines before the entries say. */
interface MtxHeader {
  field: Field;
  rows: number;
  cols: number;
  nnz: number;
  /** The 1-based line of the size line: entries come after it. */
  sizeLine: number;
}

/** Parses the banner line; returns the value field. */
function parseBanner(file: string, line: string): Field {
  const bad = (detail: string) => new InputError(file, 1, `bad MatrixMarket header: ${detail}`);
  const tokens = line.trim().split(/\s+/);
  if (tokens[0]?.toLowerCase() !== "%%matrixmarket") {
    throw bad(`expected ${HEADER_FORM}, got "${line.slice(0, 60)}"`);
  }
  if (tokens.length !== 5) throw bad(`expected 5 words as in ${HEADER_FORM}, got ${tokens.length}`);
  const [, object, format, field, symmetry] = tokens.map((t) => t.toLowerCase());
  if (object !== "matrix") throw bad(`object "${tokens[1]}" is not "matrix"`);
  if (format !== "coordinate") {
    throw bad(`format "${tokens[2]}" is not supported (only "coordinate", the sparse format)`);
  }
  if (!(FIELDS as readonly string[]).includes(field)) {
    throw bad(`field "${tokens[3]}" is not supported (only real, integer or pattern)`);
  }
  if (symmetry !== "general") throw bad(`symmetry "${tokens[4]}" is not supported (only general)`);
  return field as Field;
}

/** Parses the size line `rows cols entries`. */
function parseSizeLine(file: string, text: string, line: number): Omit<MtxHeader, "field" | "sizeLine"> {
  const size = text.split(/\s+/).map((t) => (INTEGER.test(t) ? Number(t) : NaN));
  if (size.length !== 3 || size.some((x) => !Number.isSafeInteger(x) || x < 0) || size[0] === 0 || size[1] === 0) {
    throw new InputError(
      file,
      line,
      `bad size line "${text}": expected three integers, rows ≥ 1, columns ≥ 1, entries ≥ 0`,
    );
  }
  const [rows, cols, nnz] = size;
  if (rows > 0x7fffffff || cols > 0x7fffffff || nnz > 0x7fffffff) {
    throw new InputError(file, line, `the matrix is too large (${rows} × ${cols}, ${nnz} entries)`);
  }
  return { rows, cols, nnz };
}

/** Reads the banner, the comments and the size line, stopping there. */
function readHeader(source: ByteSource): MtxHeader {
  const file = source.file;
  let field: Field | undefined;
  let header: MtxHeader | undefined;
  const lines = scanLines(source, (bytes, start, end, line) => {
    const text = looseText(bytes, start, end).replace(/\r$/, "");
    if (line === 1) {
      if (text.trim() === "") throw new InputError(file, 1, "bad MatrixMarket header: the file is empty");
      field = parseBanner(file, text);
      return;
    }
    const trimmed = text.trim();
    if (trimmed === "" || trimmed.startsWith("%")) return;
    header = { field: field!, ...parseSizeLine(file, trimmed, line), sizeLine: line };
    return false;
  });
  if (header === undefined) throw new InputError(file, lines, "no size line (rows columns entries) after the header");
  return header;
}

const PERCENT = 0x25;

/** The entry lines of a MatrixMarket file, parsed and checked one at a time. */
class EntryParser {
  readonly #file: string;
  readonly #header: MtxHeader;
  readonly #width: number;
  /** Start and end of the first 3 tokens of the line. */
  readonly #tokens = new Int32Array(6);
  /** The last entry parsed: 0-based row and column, and the value. */
  row = 0;
  col = 0;
  value = 1;

  constructor(file: string, header: MtxHeader) {
    this.#file = file;
    this.#header = header;
    this.#width = header.field === "pattern" ? 2 : 3;
  }

  /**
   * Parses line `line`; false for a blank or comment line.
   * @throws {InputError} naming the line for a wrong token count, index or value
   */
  parse(bytes: Uint8Array, start: number, end: number, line: number): boolean {
    const tokens = this.#tokens;
    let count = 0;
    for (let i = start; i < end;) {
      while (i < end && isAsciiSpace(bytes[i])) i++;
      if (i === end) break;
      if (count === 0 && bytes[i] === PERCENT) return false;
      const tokenStart = i;
      while (i < end && !isAsciiSpace(bytes[i])) i++;
      if (count < 3) {
        tokens[2 * count] = tokenStart;
        tokens[2 * count + 1] = i;
      }
      count++;
    }
    if (count === 0) return false;
    const { field, rows, cols } = this.#header;
    if (count !== this.#width) {
      throw new InputError(
        this.#file,
        line,
        `expected ${this.#width} values (row column${
          this.#width === 3 ? " value" : ""
        }) for a ${field} matrix, got ${count}`,
      );
    }
    this.row = this.#index(bytes, tokens[0], tokens[1], rows, "row", line);
    this.col = this.#index(bytes, tokens[2], tokens[3], cols, "column", line);
    if (field !== "pattern") this.value = this.#value(bytes, tokens[4], tokens[5], line);
    return true;
  }

  /** A 1-based index in 1..`size`, returned 0-based. */
  #index(bytes: Uint8Array, start: number, end: number, size: number, what: string, line: number): number {
    let index = fastInteger(bytes, start, end);
    if (Number.isNaN(index)) {
      const text = looseText(bytes, start, end);
      index = INTEGER.test(text) ? Number(text) : NaN;
    }
    if (!(index >= 1 && index <= size)) {
      throw new InputError(
        this.#file,
        line,
        `${what} index "${looseText(bytes, start, end)}" is not an integer in 1..${size}`,
      );
    }
    return index - 1;
  }

  /** A non-negative value within float32, an integer in an `integer` matrix. */
  #value(bytes: Uint8Array, start: number, end: number, line: number): number {
    const integer = this.#header.field === "integer";
    let value = integer ? fastInteger(bytes, start, end) : fastDecimal(bytes, start, end);
    if (!(value >= 0 && value <= F32_MAX)) {
      const text = looseText(bytes, start, end);
      if (!(integer ? INTEGER : DECIMAL).test(text)) {
        throw new InputError(this.#file, line, `value "${text}" is not ${integer ? "an integer" : "a number"}`);
      }
      value = Number(text);
      if (value < 0) throw new InputError(this.#file, line, `value is negative (${text})`);
      if (value > F32_MAX) throw new InputError(this.#file, line, `value is too large for float32 (${text})`);
    }
    return value;
  }
}

/** The entries of a MatrixMarket file, one pass each way of reading them. */
class EntryPasses {
  readonly #source: ByteSource;
  readonly #header: MtxHeader;
  readonly #parser: EntryParser;
  readonly #options: ReadOptions;

  constructor(source: ByteSource, header: MtxHeader, options: ReadOptions) {
    this.#source = source;
    this.#header = header;
    this.#parser = new EntryParser(source.file, header);
    this.#options = options;
  }

  /**
   * Calls `visit` with each entry's line; checks the count. `visit` returning false stops the
   * pass (and skips the count check). Returns whether the pass ran to the end.
   */
  each(pass: number, passes: number, visit: (entry: EntryParser, line: number) => void | false): boolean {
    const { nnz, sizeLine } = this.#header;
    const file = this.#source.file;
    const progress = this.#options.progress;
    let count = 0;
    let stopped = false;
    const lines = scanLines(this.#source, (bytes, start, end, line) => {
      if (line <= sizeLine || !this.#parser.parse(bytes, start, end, line)) return;
      if (count === nnz) throw new InputError(file, line, `more entries than the ${nnz} the size line declares`);
      count++;
      if (visit(this.#parser, line) === false) {
        stopped = true;
        return false;
      }
    }, progress && ((done, total) => progress.update(file, pass, passes, done, total)));
    if (stopped) return false;
    if (count < nnz) throw new InputError(file, lines, `the size line declares ${nnz} entries, the file has ${count}`);
    return true;
  }
}

/**
 * One pass placing entries listed row by row; false (and `matrix` to be refilled) at the first
 * entry of an earlier row than the one before it.
 */
function placeRowByRow(passes: EntryPasses, matrix: MtxMatrix): boolean {
  const { indptr, indices, values } = matrix;
  let k = 0;
  let lastRow = 0;
  const complete = passes.each(1, 1, (entry) => {
    if (entry.row < lastRow) return false;
    lastRow = entry.row;
    indptr[entry.row + 1]++;
    indices[k] = entry.col;
    values[k++] = entry.value;
  });
  if (complete) { for (let r = 0; r < matrix.rows; r++) indptr[r + 1] += indptr[r]; }
  return complete;
}

/** Two passes placing entries in any order: count each row's entries, then place them. */
function placeAnyOrder(passes: EntryPasses, matrix: MtxMatrix): void {
  const { rows, indptr, indices, values } = matrix;
  indptr.fill(0);
  passes.each(2, 3, (entry) => {
    indptr[entry.row + 1]++;
  });
  for (let r = 0; r < rows; r++) indptr[r + 1] += indptr[r];
  // indptr[r] is row r's next free place while placing, and ends as row r + 1's start.
  passes.each(3, 3, (entry) => {
    const at = indptr[entry.row]++;
    indices[at] = entry.col;
    values[at] = entry.value;
  });
  indptr.copyWithin(1, 0, rows);
  indptr[0] = 0;
}

/** Rows of up to this many entries are sorted by insertion. */
const SHORT_ROW = 64;
/** Sort keys are column × 2²¹ + position in the row: exact in a double for rows this long. */
const POSITIONS = 2 ** 21;

/** Sorts `keys[0, length)`, distinct numbers, ascending in place, allocating nothing. */
function heapSort(keys: Float64Array, length: number): void {
  for (let root = (length >> 1) - 1; root >= 0; root--) siftDown(keys, root, length);
  for (let end = length - 1; end > 0; end--) {
    const top = keys[0];
    keys[0] = keys[end];
    keys[end] = top;
    siftDown(keys, 0, end);
  }
}

/** Moves `keys[root]` down the heap `keys[0, end)` to its place. */
function siftDown(keys: Float64Array, root: number, end: number): void {
  for (let child = 2 * root + 1; child < end; root = child, child = 2 * root + 1) {
    if (child + 1 < end && keys[child + 1] > keys[child]) child++;
    if (keys[root] >= keys[child]) return;
    const top = keys[root];
    keys[root] = keys[child];
    keys[child] = top;
  }
}

/** Scratch arrays for sorting rows, grown to the longest row sorted. */
class RowScratch {
  keys = new Float64Array(0);
  values = new Float32Array(0);

  grow(length: number): void {
    if (this.keys.length >= length) return;
    this.keys = new Float64Array(length);
    this.values = new Float32Array(length);
  }
}

/**
 * Sorts entries [start, stop) of a row by column, values alongside, keeping the file's order
 * among equal columns (for the message about a repeated entry): by insertion for short rows,
 * else by a heap sort of keys that hold column and position (distinct, so the sort is stable).
 */
function sortRow(indices: Int32Array, values: Float32Array, start: number, stop: number, scratch: RowScratch): void {
  const length = stop - start;
  if (length <= SHORT_ROW) {
    for (let e = start + 1; e < stop; e++) {
      const col = indices[e];
      const value = values[e];
      let p = e - 1;
      for (; p >= start && indices[p] > col; p--) {
        indices[p + 1] = indices[p];
        values[p + 1] = values[p];
      }
      indices[p + 1] = col;
      values[p + 1] = value;
    }
    return;
  }
  if (length >= POSITIONS) {
    const order = Uint32Array.from({ length }, (_, e) => start + e).sort((a, b) => indices[a] - indices[b] || a - b);
    const sortedIndices = Int32Array.from(order, (e) => indices[e]);
    const sortedValues = Float32Array.from(order, (e) => values[e]);
    indices.set(sortedIndices, start);
    values.set(sortedValues, start);
    return;
  }
  scratch.grow(length);
  const { keys, values: rowValues } = scratch;
  for (let e = 0; e < length; e++) {
    keys[e] = indices[start + e] * POSITIONS + e;
    rowValues[e] = values[start + e];
  }
  heapSort(keys, length);
  for (let e = 0; e < length; e++) {
    const position = keys[e] % POSITIONS;
    indices[start + e] = (keys[e] - position) / POSITIONS;
    values[start + e] = rowValues[position];
  }
}

/** Sorts every row by column; returns the first repeated (row, column), 0-based, if any. */
function sortRows(matrix: MtxMatrix): [number, number] | undefined {
  const { rows, indptr, indices, values } = matrix;
  const scratch = new RowScratch();
  for (let r = 0; r < rows; r++) {
    const start = indptr[r];
    const stop = indptr[r + 1];
    let sorted = true;
    for (let e = start + 1; e < stop && sorted; e++) sorted = indices[e] > indices[e - 1];
    if (sorted) continue;
    sortRow(indices, values, start, stop, scratch);
    for (let e = start + 1; e < stop; e++) if (indices[e] === indices[e - 1]) return [r, indices[e]];
  }
  return undefined;
}

/** The error for repeated entry (row, col): one more pass finds the lines of its first two. */
function repeatError(passes: EntryPasses, file: string, [row, col]: [number, number]): InputError {
  const lines: number[] = [];
  passes.each(1, 1, (entry, line) => {
    if (entry.row === row && entry.col === col) lines.push(line);
    if (lines.length === 2) return false;
  });
  return new InputError(file, lines[1], `entry (${row + 1}, ${col + 1}) repeats the one on line ${lines[0]}`);
}

/** Reads a MatrixMarket coordinate file into CSR (column indices 0-based, sorted in each row). */
export function readMtx(file: string, options: ReadOptions = {}): MtxMatrix {
  return ByteSource.with(file, (source) => {
    const header = readHeader(source);
    const { rows, cols, nnz, sizeLine } = header;
    (options.memory ?? new MemoryBudget()).claim(file, sizeLine, { rows, cols, nnz });
    const matrix: MtxMatrix = {
      rows,
      cols,
      indptr: new Int32Array(rows + 1),
      indices: new Int32Array(nnz),
      values: new Float32Array(nnz),
    };
    const passes = new EntryPasses(source, header, options);
    if (!placeRowByRow(passes, matrix)) placeAnyOrder(passes, matrix);
    const repeat = sortRows(matrix);
    if (repeat) throw repeatError(passes, file, repeat);
    return matrix;
  }, options.chunkBytes);
}

/** MatrixMarket: a sparse stratum per `.mtx` file; no column names, so no strata column. */
export const MTX_READER: FormatReader = {
  name: "MatrixMarket",
  extensions: [".mtx"],
  readStratum: (file, options) => ({ stratum: readMtx(file, options), header: undefined }),
};

/**
 * MatrixMarket input: `coordinate` matrices with `real`, `integer` or `pattern` values and
 * `general` symmetry (what `scipy.io.mmwrite` writes for a sparse matrix), read into CSR without
 * densifying. Indices in the file are 1-based; entries may come in any order and are sorted here;
 * a repeated entry, an index out of range, a bad value or a wrong entry count is reported with
 * its line.
 *
 * @module
 */

import type { CsrStratum } from "../sdk/mod.ts";
import { InputError } from "./errors.ts";
import { readText } from "./read_csv.ts";

/** Largest finite float32. */
const F32_MAX = 3.4028234663852886e38;

const FIELDS = ["real", "integer", "pattern"] as const;
const HEADER_FORM = '"%%MatrixMarket matrix coordinate real|integer|pattern general"';
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/** A CSR matrix read from a MatrixMarket file. */
export type MtxMatrix = Required<Omit<CsrStratum, "name">>;

/** Parses the banner line; returns the value field. */
function parseBanner(file: string, line: string): (typeof FIELDS)[number] {
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
  return field as (typeof FIELDS)[number];
}

/** Reads a MatrixMarket coordinate file into CSR (column indices 0-based, sorted in each row). */
export function readMtx(file: string): MtxMatrix {
  const text = readText(file);
  const lines = text.split(/\r?\n/);
  if (lines.length === 0 || lines[0].trim() === "") {
    throw new InputError(file, 1, `bad MatrixMarket header: the file is empty`);
  }
  const field = parseBanner(file, lines[0]);

  let l = 1;
  while (l < lines.length && (lines[l].startsWith("%") || lines[l].trim() === "")) l++;
  if (l >= lines.length) {
    throw new InputError(file, lines.length, "no size line (rows columns entries) after the header");
  }
  const sizeTokens = lines[l].trim().split(/\s+/);
  const size = sizeTokens.map((t) => (INTEGER.test(t) ? Number(t) : NaN));
  if (size.length !== 3 || size.some((x) => !Number.isSafeInteger(x) || x < 0) || size[0] === 0 || size[1] === 0) {
    throw new InputError(
      file,
      l + 1,
      `bad size line "${lines[l].trim()}": expected three integers, rows ≥ 1, columns ≥ 1, entries ≥ 0`,
    );
  }
  const [rows, cols, nnz] = size;
  if (rows > 0x7fffffff || cols > 0x7fffffff || nnz > 0x7fffffff) {
    throw new InputError(file, l + 1, `the matrix is too large (${rows} × ${cols}, ${nnz} entries)`);
  }

  const entryRow = new Int32Array(nnz);
  const entryCol = new Int32Array(nnz);
  const entryValue = new Float64Array(nnz);
  const entryLine = new Int32Array(nnz);
  const width = field === "pattern" ? 2 : 3;
  let count = 0;
  for (l = l + 1; l < lines.length; l++) {
    const raw = lines[l].trim();
    if (raw === "" || raw.startsWith("%")) continue;
    const lineNo = l + 1;
    if (count === nnz) throw new InputError(file, lineNo, `more entries than the ${nnz} the size line declares`);
    const tokens = raw.split(/\s+/);
    if (tokens.length !== width) {
      throw new InputError(
        file,
        lineNo,
        `expected ${width} values (row column${
          width === 3 ? " value" : ""
        }) for a ${field} matrix, got ${tokens.length}`,
      );
    }
    const i = INTEGER.test(tokens[0]) ? Number(tokens[0]) : NaN;
    const j = INTEGER.test(tokens[1]) ? Number(tokens[1]) : NaN;
    if (!(i >= 1 && i <= rows)) {
      throw new InputError(file, lineNo, `row index "${tokens[0]}" is not an integer in 1..${rows}`);
    }
    if (!(j >= 1 && j <= cols)) {
      throw new InputError(file, lineNo, `column index "${tokens[1]}" is not an integer in 1..${cols}`);
    }
    let value = 1;
    if (field !== "pattern") {
      const token = tokens[2];
      const ok = field === "integer" ? INTEGER.test(token) : DECIMAL.test(token);
      if (!ok) {
        throw new InputError(
          file,
          lineNo,
          `value "${token}" is not ${field === "integer" ? "an integer" : "a number"}`,
        );
      }
      value = Number(token);
      if (value < 0) throw new InputError(file, lineNo, `value is negative (${token})`);
      if (value > F32_MAX) throw new InputError(file, lineNo, `value is too large for float32 (${token})`);
    }
    entryRow[count] = i - 1;
    entryCol[count] = j - 1;
    entryValue[count] = value;
    entryLine[count] = lineNo;
    count++;
  }
  if (count < nnz) {
    throw new InputError(file, lines.length, `the size line declares ${nnz} entries, the file has ${count}`);
  }

  // Counting sort by row, then each row's entries by column.
  const indptr = new Int32Array(rows + 1);
  for (let e = 0; e < nnz; e++) indptr[entryRow[e] + 1]++;
  for (let r = 0; r < rows; r++) indptr[r + 1] += indptr[r];
  const next = indptr.slice(0, rows);
  const order = new Int32Array(nnz);
  for (let e = 0; e < nnz; e++) order[next[entryRow[e]]++] = e;
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  for (let r = 0; r < rows; r++) {
    const start = indptr[r];
    const stop = indptr[r + 1];
    const rowOrder = order.subarray(start, stop).sort((a, b) => entryCol[a] - entryCol[b] || a - b);
    for (let p = start; p < stop; p++) {
      const e = rowOrder[p - start];
      if (p > start && entryCol[e] === indices[p - 1]) {
        const previous = rowOrder[p - start - 1];
        throw new InputError(
          file,
          entryLine[e],
          `entry (${r + 1}, ${entryCol[e] + 1}) repeats the one on line ${entryLine[previous]}`,
        );
      }
      indices[p] = entryCol[e];
      values[p] = entryValue[e];
    }
  }
  return { rows, cols, indptr, indices, values };
}

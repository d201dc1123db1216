/**
 * The rows of a set of strata, regrouped: new strata made of rows picked by index (for the
 * stratified bootstrap, which resamples rows within each stratum, and for the permutations, which
 * reassign rows to strata). Rows are numbered across strata in order: stratum 0's rows first.
 * Dense strata stay dense; when any stratum is CSR, the new strata are CSR (a dense row keeps its
 * non-zero entries), so sparse data are never densified. The rows are read where they are (typed
 * arrays by range): nothing is copied until a new stratum is made, and then once.
 *
 * @module
 */

import type { CsrStratum, DenseStratum, Stratum } from "../types.ts";

/** Where one stratum's rows are: CSR arrays, flat row-major values, or one array per row. */
type Source =
  | { kind: "csr"; indptr: ArrayLike<number>; indices: ArrayLike<number>; values: ArrayLike<number> }
  | DenseSource;
type DenseSource = { kind: "flat"; data: ArrayLike<number> } | { kind: "nested"; data: ArrayLike<ArrayLike<number>> };

/** The rows of strata, addressable by global index. */
export class RowSet {
  /** Rows of each stratum, and where each stratum's rows start in the global numbering. */
  readonly sizes: readonly number[];
  readonly offsets: readonly number[];
  readonly cols: number;
  readonly #sources: Source[];
  /** The stratum of each row (global numbering). */
  readonly #home: Int32Array;
  readonly #sparse: boolean;

  constructor(strata: readonly Stratum[]) {
    this.sizes = strata.map((s) => rowCount(s));
    this.offsets = this.sizes.map((_, i) => this.sizes.slice(0, i).reduce((a, b) => a + b, 0));
    this.cols = colCount(strata[0]);
    this.#sources = strata.map(sourceOf);
    this.#home = new Int32Array(this.sizes.reduce((a, b) => a + b, 0));
    this.sizes.forEach((m, i) => this.#home.fill(i, this.offsets[i], this.offsets[i] + m));
    this.#sparse = strata.some((s) => "indptr" in s);
  }

  /** Rows in all. */
  get length(): number {
    return this.#home.length;
  }

  /** A stratum named `name` made of the rows `indices` (global numbering), in that order. */
  stratum(name: string, indices: ArrayLike<number>): Stratum {
    return this.#sparse ? this.#csr(name, indices) : this.#dense(name, indices);
  }

  /** Stratum and row within it of the global row `index`. */
  #locate(index: number): [Source, number] {
    const i = this.#home[index];
    return [this.#sources[i], index - this.offsets[i]];
  }

  #dense(name: string, indices: ArrayLike<number>): DenseStratum {
    const n = this.cols;
    const data = new Float32Array(indices.length * n);
    for (let r = 0; r < indices.length; r++) {
      // Without CSR strata, every source is dense.
      const [source, row] = this.#locate(indices[r]) as [DenseSource, number];
      if (source.kind === "nested") data.set(source.data[row], r * n);
      else copyRange(data, r * n, source.data, row * n, (row + 1) * n);
    }
    return { name, rows: indices.length, cols: n, data };
  }

  #csr(name: string, indices: ArrayLike<number>): CsrStratum {
    const indptr = new Int32Array(indices.length + 1);
    for (let r = 0; r < indices.length; r++) indptr[r + 1] = indptr[r] + this.#storedCount(...this.#locate(indices[r]));
    const columns = new Int32Array(indptr[indices.length]);
    const values = new Float32Array(indptr[indices.length]);
    for (let r = 0; r < indices.length; r++) {
      const [source, row] = this.#locate(indices[r]);
      if (source.kind === "csr") {
        const from = source.indptr[row], to = source.indptr[row + 1];
        copyRange(columns, indptr[r], source.indices, from, to);
        copyRange(values, indptr[r], source.values, from, to);
      } else {
        let at = indptr[r];
        denseRow(source, row, this.cols, (j, x) => {
          columns[at] = j;
          values[at++] = x;
        });
      }
    }
    return { name, rows: indices.length, cols: this.cols, indptr, indices: columns, values };
  }

  /** Stored entries of a row: a CSR row's, a dense row's non-zeros. */
  #storedCount(source: Source, row: number): number {
    if (source.kind === "csr") return source.indptr[row + 1] - source.indptr[row];
    let count = 0;
    denseRow(source, row, this.cols, () => count++);
    return count;
  }
}

/** Calls `each(j, x)` for every non-zero of a dense row, in column order. */
function denseRow(source: DenseSource, row: number, n: number, each: (j: number, x: number) => void): void {
  const values = source.kind === "nested" ? source.data[row] : source.data;
  const at = source.kind === "nested" ? 0 : row * n;
  for (let j = 0; j < n; j++) if (values[at + j] !== 0) each(j, values[at + j]);
}

/** `target[at …] = source[from … to)`, converted to the target's type (a typed source as a view). */
function copyRange(
  target: Float32Array | Int32Array,
  at: number,
  source: ArrayLike<number>,
  from: number,
  to: number,
): void {
  if (ArrayBuffer.isView(source)) {
    target.set((source as unknown as Float64Array).subarray(from, to), at);
  } else {
    for (let e = from; e < to; e++) target[at + e - from] = source[e];
  }
}

function rowCount(s: Stratum): number {
  if ("indptr" in s) return s.rows;
  return s.rows ?? (Array.isArray(s.data) && typeof s.data[0] === "object" ? s.data.length : s.data.length / s.cols!);
}

function colCount(s: Stratum): number {
  if ("indptr" in s || s.cols !== undefined) return s.cols!;
  const data = s.data as ArrayLike<ArrayLike<number>>;
  return typeof data[0] === "object" ? data[0].length : data.length / s.rows!;
}

/** Where the rows of one stratum are. */
function sourceOf(s: Stratum): Source {
  if ("indptr" in s) return { kind: "csr", indptr: s.indptr, indices: s.indices, values: s.values };
  const data = s.data as ArrayLike<number> | ArrayLike<ArrayLike<number>>;
  return typeof data[0] === "object"
    ? { kind: "nested", data: data as ArrayLike<ArrayLike<number>> }
    : { kind: "flat", data: data as ArrayLike<number> };
}

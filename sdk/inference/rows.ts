/**
 * The rows of a set of strata, regrouped: new strata made of rows picked by index (for the
 * stratified bootstrap, which resamples rows within each stratum, and for the permutations, which
 * reassign rows to strata). Rows are numbered across strata in order: stratum 0's rows first.
 * Dense strata stay dense; when any stratum is CSR, the new strata are CSR (a dense row keeps its
 * non-zero entries), so sparse data are never densified.
 *
 * @module
 */

import type { CsrStratum, DenseStratum, Stratum } from "../types.ts";

/** One row: dense values (n), or the column indices and values of its stored entries. */
type Row = { dense: ArrayLike<number> } | { indices: ArrayLike<number>; values: ArrayLike<number> };

/** The rows of strata, addressable by global index. */
export class RowSet {
  /** Rows of each stratum, and where each stratum's rows start in the global numbering. */
  readonly sizes: readonly number[];
  readonly offsets: readonly number[];
  readonly cols: number;
  readonly #rows: Row[];
  readonly #sparse: boolean;

  constructor(strata: readonly Stratum[]) {
    this.#rows = strata.flatMap(rowsOf);
    this.sizes = strata.map((s) => rowCount(s));
    this.offsets = this.sizes.map((_, i) => this.sizes.slice(0, i).reduce((a, b) => a + b, 0));
    this.cols = colCount(strata[0]);
    this.#sparse = strata.some((s) => "indptr" in s);
  }

  /** Rows in all. */
  get length(): number {
    return this.#rows.length;
  }

  /** A stratum named `name` made of the rows `indices` (global numbering), in that order. */
  stratum(name: string, indices: ArrayLike<number>): Stratum {
    return this.#sparse ? this.#csr(name, indices) : this.#dense(name, indices);
  }

  #dense(name: string, indices: ArrayLike<number>): DenseStratum {
    const n = this.cols;
    const data = new Float32Array(indices.length * n);
    for (let r = 0; r < indices.length; r++) {
      data.set((this.#rows[indices[r]] as { dense: ArrayLike<number> }).dense, r * n);
    }
    return { name, rows: indices.length, cols: n, data };
  }

  #csr(name: string, indices: ArrayLike<number>): CsrStratum {
    const parts = Array.from(indices, (index) => sparseRow(this.#rows[index]));
    const nnz = parts.reduce((sum, p) => sum + p.indices.length, 0);
    const indptr = new Int32Array(parts.length + 1);
    const columns = new Int32Array(nnz);
    const values = new Float32Array(nnz);
    parts.forEach((p, r) => {
      columns.set(p.indices, indptr[r]);
      values.set(p.values, indptr[r]);
      indptr[r + 1] = indptr[r] + p.indices.length;
    });
    return { name, rows: parts.length, cols: this.cols, indptr, indices: columns, values };
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

/** The rows of one stratum (views where the data allow). */
function rowsOf(s: Stratum): Row[] {
  const m = rowCount(s), n = colCount(s);
  if ("indptr" in s) {
    return Array.from({ length: m }, (_, r) => ({
      indices: Array.prototype.slice.call(s.indices, s.indptr[r], s.indptr[r + 1]),
      values: Array.prototype.slice.call(s.values, s.indptr[r], s.indptr[r + 1]),
    }));
  }
  const data = s.data as ArrayLike<number> | ArrayLike<ArrayLike<number>>;
  const nested = typeof data[0] === "object";
  return Array.from({ length: m }, (_, r) => ({
    dense: nested
      ? (data as ArrayLike<ArrayLike<number>>)[r]
      : Array.prototype.slice.call(data as ArrayLike<number>, r * n, (r + 1) * n),
  }));
}

/** A row's stored entries (a dense row keeps its non-zeros). */
function sparseRow(row: Row): { indices: ArrayLike<number>; values: ArrayLike<number> } {
  if ("indices" in row) return row;
  const indices: number[] = [], values: number[] = [];
  for (let j = 0; j < row.dense.length; j++) if (row.dense[j] !== 0) indices.push(j), values.push(row.dense[j]);
  return { indices, values };
}

/**
 * Column ranges of the CSR numerator Σ_i A(i)ᵀ W(i) (n×k, the Hᵀ layout): tasks over disjoint
 * ranges of columns write disjoint rows of it, so they run on every thread with no partial
 * buffers to add, and each row of the numerator gets the same terms in the same order as from
 * one pass (bit-identical for every number of ranges, so the count may follow the threads).
 *
 * The CSR rows are stored sorted by column (sdk/input/strata.ts), so a range's entries in a row are
 * contiguous: per stratum and inner boundary, an int32 array gives each row's first entry at or
 * past the boundary.
 *
 * @module
 */

import type { Core } from "../runtime/core.ts";
import type { ResidentStratum } from "../input/strata.ts";

/** One range of columns [c0, c1): for each CSR stratum, where each row's entries in it start and end. */
export interface ColumnRange {
  c0: number;
  c1: number;
  /** Per stratum (index into strata; 0 for dense strata): m_i int32 offsets of the first entry ≥ c0, and past the last < c1. */
  starts: number[];
  ends: number[];
}

/**
 * Splits the columns into `count` ranges holding about equal numbers of stored entries of the
 * CSR strata, and fills the split arrays (from `alloc`, owned by the caller).
 */
export function columnRanges(
  core: Core,
  strata: readonly ResidentStratum[],
  n: number,
  count: number,
  alloc: (bytes: number) => number,
): ColumnRange[] {
  const { heap } = core;
  const csr = strata.map((x, i) => ({ x, i })).filter(({ x }) => x.kind === "csr");
  // Boundaries at equal shares of the entries, from the column counts.
  const perColumn = new Float64Array(n);
  let total = 0;
  for (const { x } of csr) {
    const indices = heap.i32(x.indices, x.nnz);
    for (let e = 0; e < x.nnz; e++) perColumn[indices[e]]++;
    total += x.nnz;
  }
  // bounds: 0, then the first column where the running count reaches each share, then n
  // (without repeats: a column holding several shares ends one range, not several).
  const bounds = [0];
  let seen = 0;
  for (let j = 0, share = 1; j < n - 1 && share < count; j++) {
    seen += perColumn[j];
    if (seen >= (total * share) / count) {
      bounds.push(j + 1);
      while (share < count && seen >= (total * share) / count) share++;
    }
  }
  bounds.push(n);

  // Per stratum, the offset array of each inner boundary (the outer ones are indptr, indptr + 4).
  const splits = new Map<number, number[]>();
  for (const { x, i } of csr) {
    const arrays = [x.indptr];
    for (const c of bounds.slice(1, -1)) {
      const ptr = alloc(x.rows * 4);
      // Views after the allocation: a memory that grew detaches older ones.
      const indptr = heap.i32(x.indptr, x.rows + 1);
      const indices = heap.i32(x.indices, x.nnz);
      const out = heap.i32(ptr, x.rows);
      for (let r = 0; r < x.rows; r++) {
        let lo = indptr[r], hi = indptr[r + 1];
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (indices[mid] < c) lo = mid + 1;
          else hi = mid;
        }
        out[r] = lo;
      }
      arrays.push(ptr);
    }
    arrays.push(x.indptr + 4);
    splits.set(i, arrays);
  }
  return bounds.slice(0, -1).map((c0, range) => ({
    c0,
    c1: bounds[range + 1],
    starts: strata.map((_, i) => splits.get(i)?.[range] ?? 0),
    ends: strata.map((_, i) => splits.get(i)?.[range + 1] ?? 0),
  }));
}

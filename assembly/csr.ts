// Sparse (CSR) thin products: O(nnz · k) work, never densified.

import { axpyRow } from "./vector";

/**
 * One pass over a CSR block of rows of A producing both thin products of an iteration:
 *
 *   P   = A Hᵀ           (when p ≠ 0)     P: m×k, overwritten
 *   Nt += Aᵀ W = (WᵀA)ᵀ  (when ntacc ≠ 0) Nt: n×k, accumulated (the caller zeroes it)
 *
 * indptr: m+1 int32, indices: nnz int32 column indices, values: nnz float32. Ht is H
 * transposed (n×k row-major) so the row of Hᵀ a non-zero needs is contiguous; W is m×k.
 * Each non-zero a = A[r, j] does two contiguous length-k multiply-adds:
 * P[r,:] += a · Ht[j,:] and Nt[j,:] += a · W[r,:]. Indices within a row may come in any order.
 */
export function csr_aht_wta(
  indptr: usize, indices: usize, values: usize, m: i32,
  ht: usize, k: i32, p: usize, w: usize, ntacc: usize,
): void {
  const kBytes = <usize>k << 2;
  for (let r = 0; r < m; r++) {
    const start = <usize>load<i32>(indptr + (<usize>r << 2));
    const stop = <usize>load<i32>(indptr + (<usize>(r + 1) << 2));
    if (p != 0) {
      const pr = p + <usize>r * kBytes;
      memory.fill(pr, 0, kBytes);
      for (let e = start; e < stop; e++) {
        const j = <usize>load<i32>(indices + (e << 2));
        axpyRow(pr, load<f32>(values + (e << 2)), ht + j * kBytes, k);
      }
    }
    if (ntacc != 0) {
      const wr = w + <usize>r * kBytes;
      for (let e = start; e < stop; e++) {
        const j = <usize>load<i32>(indices + (e << 2));
        axpyRow(ntacc + j * kBytes, load<f32>(values + (e << 2)), wr, k);
      }
    }
  }
}

/** out[j] = Σ of the values in column j (float64, length n, overwritten) of a CSR matrix. */
export function csr_colsum_f64(indices: usize, values: usize, nnz: i32, n: i32, out: usize): void {
  memory.fill(out, 0, <usize>n << 3);
  for (let e: usize = 0; e < <usize>nnz; e++) {
    const o = out + (<usize>load<i32>(indices + (e << 2)) << 3);
    store<f64>(o, load<f64>(o) + <f64>load<f32>(values + (e << 2)));
  }
}

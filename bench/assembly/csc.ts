// CSC-only storage of sparse strata, measured and not built into the SDK (bench/README.md:
// `csc_aht_wta` took 13.1 ms for both products on SpamAssassin single-threaded, no better than
// the CSR passes' 12.8, and its P needs float64 partial buffers per task). Kept with
// bench/kernels.ts, which times it against the shipped CSR kernels on the same memory; built by
// scripts/build.mjs into build/bench_csc.wasm (SIMD) and build/bench_csc.scalar.wasm, and tested
// by tests/kernels_test.ts and tests/scalar_test.ts. Names as in assembly/index.ts; not checked:
// sizes, indices, overlaps.

import { sparseRow } from "../../assembly/products/csr";

/**
 * The CSC form of a CSR matrix A (m×n), as the CSR arrays of Aᵀ: tIndptr (n+1 int32),
 * tIndices (nnz int32 row indices, ascending within each column) and tValues (nnz float32), by a
 * counting sort over the columns (indptr[0] = 0: a whole matrix, not a block of rows). What
 * csr_mul_f64 needs to form Aᵀ W row by row.
 */
export function csr_to_csc(
  indptr: usize, indices: usize, values: usize, m: i32, n: i32,
  tIndptr: usize, tIndices: usize, tValues: usize,
): void {
  const un = <usize>n;
  memory.fill(tIndptr, 0, (un + 1) << 2);
  const nnz = <usize>load<i32>(indptr + (<usize>m << 2));
  for (let e: usize = 0; e < nnz; e++) {
    const c = tIndptr + ((<usize>load<i32>(indices + (e << 2)) + 1) << 2);
    store<i32>(c, load<i32>(c) + 1);
  }
  for (let j: usize = 0; j < un; j++) {
    store<i32>(tIndptr + ((j + 1) << 2), load<i32>(tIndptr + ((j + 1) << 2)) + load<i32>(tIndptr + (j << 2)));
  }
  // tIndptr[j] serves as column j's next free slot, ending at tIndptr[j + 1]'s old value; then
  // every entry shifts one place back.
  for (let r: i32 = 0; r < m; r++) {
    const stop = <usize>load<i32>(indptr + (<usize>(r + 1) << 2));
    for (let e = <usize>load<i32>(indptr + (<usize>r << 2)); e < stop; e++) {
      const c = tIndptr + (<usize>load<i32>(indices + (e << 2)) << 2);
      const at = <usize>load<i32>(c);
      store<i32>(c, <i32>at + 1);
      store<i32>(tIndices + (at << 2), r);
      store<f32>(tValues + (at << 2), load<f32>(values + (e << 2)));
    }
  }
  for (let j = un; j > 0; j--) store<i32>(tIndptr + (j << 2), load<i32>(tIndptr + ((j - 1) << 2)));
  store<i32>(tIndptr, 0);
}

/**
 * P(acc) += A[:, J] Hᵀ[J, :] and Nt[J, :] (=|+=) A[:, J]ᵀ W, for a block J of columns of A (m×n)
 * held in CSC form (tIndptr, tIndices, tValues: csr_to_csc's arrays, offset to the block's
 * first column; cols columns): the pass of csr_aht_atw over the same non-zeros, column by column,
 * for strata held as CSC only.
 *
 * When pacc ≠ 0: each non-zero a = A[r, j] adds a · Hᵀ[j, :] to pacc's row r, m×k float64
 * (accumulated: the caller zeroes it, then rounds it to P with f64_to_f32_padded), Hᵀ[j, :]
 * widened once per column; ht points at the block's first row of Hᵀ. When nt ≠ 0: row j of Nt
 * is csr_mul_f64's float64 sum over the column's non-zeros of a · W[r, :] (added to the row's old
 * value when accumulate ≠ 0), rounded once; nt points at the block's first row of Nt.
 * Every product is formed in float64 (see the top of this file). The columns of a block go in
 * order, so pacc's sums depend on how the caller splits the columns (one block per stratum keeps
 * them independent of the thread count).
 */
export function csc_aht_wta(
  tIndptr: usize, tIndices: usize, tValues: usize, cols: i32,
  ht: usize, k: i32, pacc: usize, w: usize, nt: usize, accumulate: i32,
): void {
  const kBytes = <usize>k << 2;
  const accBytes = <usize>k << 3;
  const k4 = kBytes & ~(<usize>15);
  for (let j = 0; j < cols; j++) {
    const start = <usize>load<i32>(tIndptr + (<usize>j << 2));
    const stop = <usize>load<i32>(tIndptr + (<usize>(j + 1) << 2));
    if (nt != 0) sparseRow(tIndices, tValues, start, stop, w, kBytes, nt + <usize>j * kBytes, accumulate != 0);
    if (pacc == 0) continue;
    const hj = ht + <usize>j * kBytes;
    let q: usize = 0;
    if (ASC_FEATURE_SIMD) {
      for (; q < k4; q += 16) {
        const h4 = v128.load(hj + q);
        const h0 = f64x2.promote_low_f32x4(h4);
        const h1 = f64x2.promote_low_f32x4(i32x4.shuffle(h4, h4, 2, 3, 2, 3));
        const pq = pacc + (q << 1);
        for (let e = start; e < stop; e++) {
          const o = pq + <usize>load<i32>(tIndices + (e << 2)) * accBytes;
          const a = f64x2.splat(<f64>load<f32>(tValues + (e << 2)));
          v128.store(o, f64x2.add(v128.load(o), f64x2.mul(a, h0)));
          v128.store(o, f64x2.add(v128.load(o, 16), f64x2.mul(a, h1)), 16);
        }
      }
    }
    for (; q < kBytes; q += 4) {
      const h = <f64>load<f32>(hj + q);
      const pq = pacc + (q << 1);
      for (let e = start; e < stop; e++) {
        const o = pq + <usize>load<i32>(tIndices + (e << 2)) * accBytes;
        store<f64>(o, load<f64>(o) + <f64>load<f32>(tValues + (e << 2)) * h);
      }
    }
  }
}

/** First byte past the module's own static data (as the shipped module's heap_base). */
export function heap_base(): usize {
  return (__heap_base + 15) & ~15;
}

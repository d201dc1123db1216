// Sparse (CSR) thin products: O(nnz · k) work, never densified.
//
// Products of a non-zero with a row of a factor accumulate in float64 where the sum stays in
// registers (a row of P = A Hᵀ, of csr_mul_f64's output): besides the project's rule for
// reductions, it keeps the arithmetic out of the subnormal range. Multiplicative updates drive
// many entries of H and W toward 0 geometrically, and float32 products of such entries with the
// data underflow to subnormals, each costing an x86 microcode assist (WebAssembly has no
// flush-to-zero mode): on SpamAssassin after 60 iterations (2 % of H subnormal, 4 % below 1e-30)
// the float32 pass ran twice as slow as on fresh factors. The product of two float32 values is
// exact in float64 and never subnormal there.

/**
 * out[0..k) = (f32)(base + Σ_e values[e] · X[indices[e], 0..k)) for e in [start, stop), the sum
 * in float64 (base = out's own value, widened, when accumulate, else 0): for each group of 20
 * columns (k = 20 in one pass), then of eight, then of four, a pass over the row's non-zeros adds
 * the products into f64x2 registers, the lanes in non-zero order; the last k % 4 columns go the same way one
 * at a time. The scalar build keeps one float64 sum per column in the same order: the same bits.
 */
// @ts-ignore: decorator
@inline function sparseRow(
  indices: usize, values: usize, start: usize, stop: usize, x: usize, kBytes: usize, out: usize, accumulate: bool,
): void {
  const k4 = kBytes & ~(<usize>15);
  let q: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; q + 80 <= k4; q += 80) {
      let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0), a4 = f64x2.splat(0);
      let a5 = f64x2.splat(0), a6 = f64x2.splat(0), a7 = f64x2.splat(0), a8 = f64x2.splat(0), a9 = f64x2.splat(0);
      if (accumulate) {
        const o0 = v128.load(out + q), o1 = v128.load(out + q, 16), o2 = v128.load(out + q, 32);
        const o3 = v128.load(out + q, 48), o4 = v128.load(out + q, 64);
        a0 = f64x2.promote_low_f32x4(o0);
        a1 = f64x2.promote_low_f32x4(i32x4.shuffle(o0, o0, 2, 3, 2, 3));
        a2 = f64x2.promote_low_f32x4(o1);
        a3 = f64x2.promote_low_f32x4(i32x4.shuffle(o1, o1, 2, 3, 2, 3));
        a4 = f64x2.promote_low_f32x4(o2);
        a5 = f64x2.promote_low_f32x4(i32x4.shuffle(o2, o2, 2, 3, 2, 3));
        a6 = f64x2.promote_low_f32x4(o3);
        a7 = f64x2.promote_low_f32x4(i32x4.shuffle(o3, o3, 2, 3, 2, 3));
        a8 = f64x2.promote_low_f32x4(o4);
        a9 = f64x2.promote_low_f32x4(i32x4.shuffle(o4, o4, 2, 3, 2, 3));
      }
      for (let e = start; e < stop; e++) {
        const xr = x + <usize>load<i32>(indices + (e << 2)) * kBytes + q;
        const a = f64x2.splat(<f64>load<f32>(values + (e << 2)));
        const x0 = v128.load(xr);
        a0 = f64x2.add(a0, f64x2.mul(a, f64x2.promote_low_f32x4(x0)));
        a1 = f64x2.add(a1, f64x2.mul(a, f64x2.promote_low_f32x4(i32x4.shuffle(x0, x0, 2, 3, 2, 3))));
        const x1 = v128.load(xr, 16);
        a2 = f64x2.add(a2, f64x2.mul(a, f64x2.promote_low_f32x4(x1)));
        a3 = f64x2.add(a3, f64x2.mul(a, f64x2.promote_low_f32x4(i32x4.shuffle(x1, x1, 2, 3, 2, 3))));
        const x2 = v128.load(xr, 32);
        a4 = f64x2.add(a4, f64x2.mul(a, f64x2.promote_low_f32x4(x2)));
        a5 = f64x2.add(a5, f64x2.mul(a, f64x2.promote_low_f32x4(i32x4.shuffle(x2, x2, 2, 3, 2, 3))));
        const x3 = v128.load(xr, 48);
        a6 = f64x2.add(a6, f64x2.mul(a, f64x2.promote_low_f32x4(x3)));
        a7 = f64x2.add(a7, f64x2.mul(a, f64x2.promote_low_f32x4(i32x4.shuffle(x3, x3, 2, 3, 2, 3))));
        const x4 = v128.load(xr, 64);
        a8 = f64x2.add(a8, f64x2.mul(a, f64x2.promote_low_f32x4(x4)));
        a9 = f64x2.add(a9, f64x2.mul(a, f64x2.promote_low_f32x4(i32x4.shuffle(x4, x4, 2, 3, 2, 3))));
      }
      v128.store(out + q, i32x4.shuffle(f32x4.demote_f64x2_zero(a0), f32x4.demote_f64x2_zero(a1), 0, 1, 4, 5));
      v128.store(out + q, i32x4.shuffle(f32x4.demote_f64x2_zero(a2), f32x4.demote_f64x2_zero(a3), 0, 1, 4, 5), 16);
      v128.store(out + q, i32x4.shuffle(f32x4.demote_f64x2_zero(a4), f32x4.demote_f64x2_zero(a5), 0, 1, 4, 5), 32);
      v128.store(out + q, i32x4.shuffle(f32x4.demote_f64x2_zero(a6), f32x4.demote_f64x2_zero(a7), 0, 1, 4, 5), 48);
      v128.store(out + q, i32x4.shuffle(f32x4.demote_f64x2_zero(a8), f32x4.demote_f64x2_zero(a9), 0, 1, 4, 5), 64);
    }
    for (; q + 32 <= k4; q += 32) {
      let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
      if (accumulate) {
        const o0 = v128.load(out + q);
        const o1 = v128.load(out + q + 16);
        a0 = f64x2.promote_low_f32x4(o0);
        a1 = f64x2.promote_low_f32x4(i32x4.shuffle(o0, o0, 2, 3, 2, 3));
        a2 = f64x2.promote_low_f32x4(o1);
        a3 = f64x2.promote_low_f32x4(i32x4.shuffle(o1, o1, 2, 3, 2, 3));
      }
      for (let e = start; e < stop; e++) {
        const xr = x + <usize>load<i32>(indices + (e << 2)) * kBytes + q;
        const a = f64x2.splat(<f64>load<f32>(values + (e << 2)));
        const x0 = v128.load(xr);
        const x1 = v128.load(xr, 16);
        a0 = f64x2.add(a0, f64x2.mul(a, f64x2.promote_low_f32x4(x0)));
        a1 = f64x2.add(a1, f64x2.mul(a, f64x2.promote_low_f32x4(i32x4.shuffle(x0, x0, 2, 3, 2, 3))));
        a2 = f64x2.add(a2, f64x2.mul(a, f64x2.promote_low_f32x4(x1)));
        a3 = f64x2.add(a3, f64x2.mul(a, f64x2.promote_low_f32x4(i32x4.shuffle(x1, x1, 2, 3, 2, 3))));
      }
      v128.store(out + q, i32x4.shuffle(f32x4.demote_f64x2_zero(a0), f32x4.demote_f64x2_zero(a1), 0, 1, 4, 5));
      v128.store(out + q + 16, i32x4.shuffle(f32x4.demote_f64x2_zero(a2), f32x4.demote_f64x2_zero(a3), 0, 1, 4, 5));
    }
    for (; q < k4; q += 16) {
      let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
      if (accumulate) {
        const o0 = v128.load(out + q);
        a0 = f64x2.promote_low_f32x4(o0);
        a1 = f64x2.promote_low_f32x4(i32x4.shuffle(o0, o0, 2, 3, 2, 3));
      }
      for (let e = start; e < stop; e++) {
        const xr = x + <usize>load<i32>(indices + (e << 2)) * kBytes + q;
        const a = f64x2.splat(<f64>load<f32>(values + (e << 2)));
        const x0 = v128.load(xr);
        a0 = f64x2.add(a0, f64x2.mul(a, f64x2.promote_low_f32x4(x0)));
        a1 = f64x2.add(a1, f64x2.mul(a, f64x2.promote_low_f32x4(i32x4.shuffle(x0, x0, 2, 3, 2, 3))));
      }
      v128.store(out + q, i32x4.shuffle(f32x4.demote_f64x2_zero(a0), f32x4.demote_f64x2_zero(a1), 0, 1, 4, 5));
    }
  } else {
    for (; q < k4; q += 16) {
      let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
      if (accumulate) {
        s0 = <f64>load<f32>(out + q);
        s1 = <f64>load<f32>(out + q + 4);
        s2 = <f64>load<f32>(out + q + 8);
        s3 = <f64>load<f32>(out + q + 12);
      }
      for (let e = start; e < stop; e++) {
        const xr = x + <usize>load<i32>(indices + (e << 2)) * kBytes + q;
        const a = <f64>load<f32>(values + (e << 2));
        s0 += a * <f64>load<f32>(xr);
        s1 += a * <f64>load<f32>(xr + 4);
        s2 += a * <f64>load<f32>(xr + 8);
        s3 += a * <f64>load<f32>(xr + 12);
      }
      store<f32>(out + q, <f32>s0);
      store<f32>(out + q + 4, <f32>s1);
      store<f32>(out + q + 8, <f32>s2);
      store<f32>(out + q + 12, <f32>s3);
    }
  }
  for (; q < kBytes; q += 4) {
    let s: f64 = accumulate ? <f64>load<f32>(out + q) : 0;
    for (let e = start; e < stop; e++) {
      s += <f64>load<f32>(values + (e << 2)) * <f64>load<f32>(x + <usize>load<i32>(indices + (e << 2)) * kBytes + q);
    }
    store<f32>(out + q, <f32>s);
  }
}

/**
 * One pass over a CSR block of rows of A producing both thin products of an iteration:
 *
 *   P   = A Hᵀ           (when p ≠ 0)     P: m×k, overwritten
 *   Nt += Aᵀ W = (WᵀA)ᵀ  (when ntacc ≠ 0) Nt: n×k, accumulated (the caller zeroes it)
 *
 * indptr: m+1 int32, indices: nnz int32 column indices, values: nnz float32. Ht is H
 * transposed (n×k row-major) so the row of Hᵀ a non-zero needs is contiguous; W is m×k.
 * P is csr_mul_f64's product (a row a float64 sum in registers, rounded once), computed for the
 * whole block first; then each non-zero a = A[r, j] adds a · W[r,:] to Nt[j,:] in float32.
 * Indices within a row may come in any order.
 */
export function csr_aht_wta(
  indptr: usize, indices: usize, values: usize, m: i32,
  ht: usize, k: i32, p: usize, w: usize, ntacc: usize,
): void {
  if (p != 0) csr_mul_f64(indptr, indices, values, m, ht, k, p, 0);
  if (ntacc != 0) csr_wta_rows(indptr, indptr + 4, indices, values, m, w, k, ntacc);
}

/**
 * Nt += Aᵀ W over part of each row of a CSR block: for every row r < m, the non-zeros
 * e ∈ [starts[r], ends[r]) add a = values[e] times W[r,:] to Nt[indices[e],:] in float32, rows
 * in order, a row's entries in stored order. starts, ends: m int32 each (indptr and indptr + 4
 * for whole rows). With rows sorted by column and starts/ends splitting them at column
 * boundaries, tasks over disjoint column ranges write disjoint rows of Nt, and every row of Nt
 * receives the same terms in the same order as from one pass over whole rows.
 * W: m×k float32, Nt: n×k float32.
 *
 * The row of W stays in registers: for each group of 20 columns (k = 20 in one pass), then of
 * eight, then of four, a pass over the row's non-zeros does one f32x4 read-modify-write of Nt
 * per four columns; the last k % 4 columns go the same way one at a time. Each entry of Nt gets
 * Nt + a·W in float32 per term, as axpyRow does it: the same bits in the scalar build, which
 * takes every column one at a time.
 */
export function csr_wta_rows(
  starts: usize, ends: usize, indices: usize, values: usize, m: i32, w: usize, k: i32, nt: usize,
): void {
  const kBytes = <usize>k << 2;
  const k4 = kBytes & ~(<usize>15);
  for (let r = 0; r < m; r++) {
    const start = <usize>load<i32>(starts + (<usize>r << 2));
    const stop = <usize>load<i32>(ends + (<usize>r << 2));
    const wr = w + <usize>r * kBytes;
    let q: usize = 0;
    if (ASC_FEATURE_SIMD) {
      for (; q + 80 <= k4; q += 80) {
        const w0 = v128.load(wr + q), w1 = v128.load(wr + q, 16), w2 = v128.load(wr + q, 32);
        const w3 = v128.load(wr + q, 48), w4 = v128.load(wr + q, 64);
        for (let e = start; e < stop; e++) {
          const o = nt + <usize>load<i32>(indices + (e << 2)) * kBytes + q;
          const a = f32x4.splat(load<f32>(values + (e << 2)));
          v128.store(o, f32x4.add(v128.load(o), f32x4.mul(a, w0)));
          v128.store(o, f32x4.add(v128.load(o, 16), f32x4.mul(a, w1)), 16);
          v128.store(o, f32x4.add(v128.load(o, 32), f32x4.mul(a, w2)), 32);
          v128.store(o, f32x4.add(v128.load(o, 48), f32x4.mul(a, w3)), 48);
          v128.store(o, f32x4.add(v128.load(o, 64), f32x4.mul(a, w4)), 64);
        }
      }
      for (; q + 32 <= k4; q += 32) {
        const w0 = v128.load(wr + q), w1 = v128.load(wr + q, 16);
        for (let e = start; e < stop; e++) {
          const o = nt + <usize>load<i32>(indices + (e << 2)) * kBytes + q;
          const a = f32x4.splat(load<f32>(values + (e << 2)));
          v128.store(o, f32x4.add(v128.load(o), f32x4.mul(a, w0)));
          v128.store(o, f32x4.add(v128.load(o, 16), f32x4.mul(a, w1)), 16);
        }
      }
      for (; q < k4; q += 16) {
        const w0 = v128.load(wr + q);
        for (let e = start; e < stop; e++) {
          const o = nt + <usize>load<i32>(indices + (e << 2)) * kBytes + q;
          v128.store(o, f32x4.add(v128.load(o), f32x4.mul(f32x4.splat(load<f32>(values + (e << 2))), w0)));
        }
      }
    }
    for (; q < kBytes; q += 4) {
      const wq = load<f32>(wr + q);
      for (let e = start; e < stop; e++) {
        const o = nt + <usize>load<i32>(indices + (e << 2)) * kBytes + q;
        store<f32>(o, load<f32>(o) + load<f32>(values + (e << 2)) * wq);
      }
    }
  }
}

/**
 * out (m×k float32) = A X, or out += A X when accumulate ≠ 0, for A m×c in CSR (indptr m+1
 * int32, indices and values as in csr_aht_wta) and X c×k float32 row-major: each row of out is a
 * float64 sum over the row's non-zeros in their stored order, added to the row's old value
 * (widened) when accumulating, rounded to float32 once.
 *
 * With A = A(i) and X = Hᵀ it is P(i) = A(i) Hᵀ; with A = A(i)ᵀ (the CSR arrays of A(i)'s CSC
 * form) and X = W(i) it is A(i)ᵀ W(i), the rows of the H update's numerator: a contiguous output
 * row per column of A(i) and reads of W(i) (m_i×k, cache-resident) instead of the float32
 * read-modify-writes of n×k numerator rows at random that csr_aht_wta does.
 */
export function csr_mul_f64(
  indptr: usize, indices: usize, values: usize, m: i32, x: usize, k: i32, out: usize, accumulate: i32,
): void {
  const kBytes = <usize>k << 2;
  for (let r = 0; r < m; r++) {
    const start = <usize>load<i32>(indptr + (<usize>r << 2));
    const stop = <usize>load<i32>(indptr + (<usize>(r + 1) << 2));
    sparseRow(indices, values, start, stop, x, kBytes, out + <usize>r * kBytes, accumulate != 0);
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
 * first column; cols columns): the pass of csr_aht_wta over the same non-zeros, column by column,
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

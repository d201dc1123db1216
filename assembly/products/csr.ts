// Sparse (CSR) products with the data: A Hᵀ and Aᵀ W in O(nnz · k) work, never densified
// (docs/algorithm.md, the multiplicative updates and the HALS updates: their numerators).
//
// CSR arrays: indptr m+1 int32 (indptr[0] need not be 0: a block of rows passes indptr + r0·4),
// indices nnz int32 column indices, values nnz float32; column indices within a row in any order,
// none repeated (sdk/input/strata.ts checks them; the kernels do not). Factors float32,
// row-major, densely packed; H is read as Hᵀ (n×k) so the row a non-zero needs is contiguous.
//
// Products of a non-zero with a row of a factor accumulate in float64 where the sum stays in
// registers (a row of P = A Hᵀ, of csr_mul_f64's output): besides the project's rule for
// reductions, it keeps the arithmetic out of the subnormal range. Multiplicative updates drive
// many entries of H and W toward 0 geometrically, and float32 products of such entries with the
// data underflow to subnormals, each costing an x86 microcode assist (WebAssembly has no
// flush-to-zero mode): on SpamAssassin after 60 iterations (2 % of H subnormal, 4 % below 1e-30)
// the float32 pass ran twice as slow as on fresh factors. The product of two float32 values is
// exact in float64 and never subnormal there.

import { promoteHigh, promoteLow } from "../vector";

/**
 * out[0..k) = (f32)(base + Σ_e values[e] · X[indices[e], 0..k)) for e in [start, stop), the sum
 * in float64 (base = out's own value, widened, when accumulate, else 0): for each group of 20
 * columns (k = 20 in one pass), then of eight, then of four, a pass over the row's non-zeros adds
 * the products into f64x2 registers, the lanes in non-zero order; the last k % 4 columns go the same way one
 * at a time. The scalar build keeps one float64 sum per column in the same order: the same bits.
 */
// @ts-ignore: decorator
@inline export function sparseRow(
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
        a0 = promoteLow(o0);
        a1 = promoteHigh(o0);
        a2 = promoteLow(o1);
        a3 = promoteHigh(o1);
        a4 = promoteLow(o2);
        a5 = promoteHigh(o2);
        a6 = promoteLow(o3);
        a7 = promoteHigh(o3);
        a8 = promoteLow(o4);
        a9 = promoteHigh(o4);
      }
      for (let e = start; e < stop; e++) {
        const xr = x + <usize>load<i32>(indices + (e << 2)) * kBytes + q;
        const a = f64x2.splat(<f64>load<f32>(values + (e << 2)));
        const x0 = v128.load(xr);
        a0 = f64x2.add(a0, f64x2.mul(a, promoteLow(x0)));
        a1 = f64x2.add(a1, f64x2.mul(a, promoteHigh(x0)));
        const x1 = v128.load(xr, 16);
        a2 = f64x2.add(a2, f64x2.mul(a, promoteLow(x1)));
        a3 = f64x2.add(a3, f64x2.mul(a, promoteHigh(x1)));
        const x2 = v128.load(xr, 32);
        a4 = f64x2.add(a4, f64x2.mul(a, promoteLow(x2)));
        a5 = f64x2.add(a5, f64x2.mul(a, promoteHigh(x2)));
        const x3 = v128.load(xr, 48);
        a6 = f64x2.add(a6, f64x2.mul(a, promoteLow(x3)));
        a7 = f64x2.add(a7, f64x2.mul(a, promoteHigh(x3)));
        const x4 = v128.load(xr, 64);
        a8 = f64x2.add(a8, f64x2.mul(a, promoteLow(x4)));
        a9 = f64x2.add(a9, f64x2.mul(a, promoteHigh(x4)));
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
        a0 = promoteLow(o0);
        a1 = promoteHigh(o0);
        a2 = promoteLow(o1);
        a3 = promoteHigh(o1);
      }
      for (let e = start; e < stop; e++) {
        const xr = x + <usize>load<i32>(indices + (e << 2)) * kBytes + q;
        const a = f64x2.splat(<f64>load<f32>(values + (e << 2)));
        const x0 = v128.load(xr);
        const x1 = v128.load(xr, 16);
        a0 = f64x2.add(a0, f64x2.mul(a, promoteLow(x0)));
        a1 = f64x2.add(a1, f64x2.mul(a, promoteHigh(x0)));
        a2 = f64x2.add(a2, f64x2.mul(a, promoteLow(x1)));
        a3 = f64x2.add(a3, f64x2.mul(a, promoteHigh(x1)));
      }
      v128.store(out + q, i32x4.shuffle(f32x4.demote_f64x2_zero(a0), f32x4.demote_f64x2_zero(a1), 0, 1, 4, 5));
      v128.store(out + q + 16, i32x4.shuffle(f32x4.demote_f64x2_zero(a2), f32x4.demote_f64x2_zero(a3), 0, 1, 4, 5));
    }
    for (; q < k4; q += 16) {
      let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
      if (accumulate) {
        const o0 = v128.load(out + q);
        a0 = promoteLow(o0);
        a1 = promoteHigh(o0);
      }
      for (let e = start; e < stop; e++) {
        const xr = x + <usize>load<i32>(indices + (e << 2)) * kBytes + q;
        const a = f64x2.splat(<f64>load<f32>(values + (e << 2)));
        const x0 = v128.load(xr);
        a0 = f64x2.add(a0, f64x2.mul(a, promoteLow(x0)));
        a1 = f64x2.add(a1, f64x2.mul(a, promoteHigh(x0)));
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
 * Both thin products of an iteration over a CSR block of rows of A:
 *
 *   P   = A Hᵀ           (when p ≠ 0)     P: m×k float32, overwritten
 *   Nt += Aᵀ W = (WᵀA)ᵀ  (when ntacc ≠ 0) Nt: n×k float32, accumulated (the caller zeroes it)
 *
 * The CSR twin of f32_aht_wta, with N in the transposed layout (Nt) so that each non-zero's
 * update is a contiguous row. P is csr_mul_f64's product of the whole block (a row a float64 sum
 * in registers, rounded once), then Nt is csr_atw_ranges over whole rows (a · W[r,:] added to
 * Nt[j,:] in float32). ht: Hᵀ n×k; W m×k. Alignment: 4 bytes. Not checked: indices in [0, n),
 * sizes, overlaps.
 */
export function csr_aht_atw(
  indptr: usize, indices: usize, values: usize, m: i32,
  ht: usize, k: i32, p: usize, w: usize, ntacc: usize,
): void {
  if (p != 0) csr_mul_f64(indptr, indices, values, m, ht, k, p, 0);
  if (ntacc != 0) csr_atw_ranges(indptr, indptr + 4, indices, values, m, w, k, ntacc);
}

/**
 * Nt += Aᵀ W over a range of each row of a CSR block: for every row r < m, the non-zeros
 * e ∈ [starts[r], ends[r]) add a = values[e] times W[r,:] to Nt[indices[e],:] in float32, rows
 * in order, a row's entries in stored order. starts, ends: m int32 each (indptr and indptr + 4
 * for whole rows). With rows sorted by column and starts/ends splitting them at column
 * boundaries (sdk/solve/column_ranges.ts), tasks over disjoint column ranges write disjoint rows
 * of Nt, and every row of Nt receives the same terms in the same order as from one pass over
 * whole rows (docs/algorithm.md, the reduction-order rule). W: m×k float32, Nt: n×k float32.
 *
 * The row of W stays in registers: for each group of 20 columns (k = 20 in one pass), then of
 * eight, then of four, a pass over the row's non-zeros does one f32x4 read-modify-write of Nt
 * per four columns; the last k % 4 columns go the same way one at a time. Each entry of Nt gets
 * Nt + a·W in float32 per term, as axpyRow does it: the same bits in the scalar build, which
 * takes every column one at a time. Alignment: 4 bytes. Not checked: indices in [0, n), ranges
 * within the row, sizes, overlaps.
 */
export function csr_atw_ranges(
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
 * out (m×k float32) = A X, or out += A X when accumulate ≠ 0, for A m×c in CSR and X c×k
 * float32 row-major: each row of out is a float64 sum over the row's non-zeros in their stored
 * order, added to the row's old value (widened) when accumulating, rounded to float32 once
 * (sparseRow: column groups of 20, 8 and 4 in f64x2 registers, the k % 4 tail one column at a
 * time).
 *
 * With A = A(i) and X = Hᵀ it is P(i) = A(i) Hᵀ (the W update's numerator and the ⟨W, P⟩ of the
 * loss identity, docs/algorithm.md); with A = A(i)ᵀ (the CSR arrays of A(i)'s CSC form) and
 * X = W(i) it is A(i)ᵀ W(i), a contiguous output row per column of A(i) (bench/assembly/csc.ts
 * measures that layout). Alignment: 4 bytes. Not checked: indices in [0, c), sizes, overlaps.
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

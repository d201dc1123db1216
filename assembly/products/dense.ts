// Dense products with the data: one pass over a block of rows of A forms A Hᵀ and Wᵀ A, the
// thin products of an iteration (docs/algorithm.md, the multiplicative updates and the HALS
// updates: their numerators). The hot loop of every dense fit.

import { axpyRow, dotRow, hsum } from "../vector";

/**
 * One pass over a dense block of rows of A producing both thin products of an iteration:
 *
 *   P  = A Hᵀ            (when p ≠ 0)   P: m×k, overwritten
 *   N += Wᵀ A            (when nacc ≠ 0) N: k×n, accumulated (the caller zeroes it)
 *
 * Layout: A m×n, H k×n (not transposed), W m×k, P m×k, N k×n: float32, row-major, densely
 * packed. Alignment: 4 bytes (v128 loads and stores tolerate any alignment; 16 is faster).
 * Tiles: rows in blocks of 8, then 4 (the m % 4 rows one at a time); P's entries from 4-row ×
 * 2-topic register tiles of eight f32x4 accumulators over n (an odd last topic takes a 4 × 1
 * tile), the n % 4 columns added in scalar after the lanes (lane 0 + 1 + 2 + 3, then the tail:
 * dotRow's order); N's from 2-topic × 16-column register tiles that add the block's rows one
 * after the other (axpyRow's order per row: the same sums as a row at a time, each rounded to
 * float32), so N is read and written once per block, not once per row (N alone, one thread,
 * rank 20: 18–23 % faster than a rank-4 update per topic row under Node, 9–20 % under Deno and
 * Bun; bench/README.md). Both products of a block are formed while its rows of A are in L1, so
 * A streams from memory once. Float32 accumulation: products, not the reductions the loss is
 * read from (docs/algorithm.md, numerics). The scalar build takes every row through the one-row
 * loop, with the same bits. Not checked: sizes, overlaps (P and N must not overlap A, H or W),
 * finiteness.
 */
export function f32_aht_wta(a: usize, m: i32, n: i32, h: usize, k: i32, p: usize, w: usize, nacc: usize): void {
  const rowBytes = <usize>n << 2;
  const kBytes = <usize>k << 2;
  let r = 0;
  // The scalar build takes every row through the row-at-a-time loop below: dotRow and axpyRow
  // reproduce these tiles' lanes and sums exactly (see vector.ts).
  if (ASC_FEATURE_SIMD) {
    for (; r + 4 <= m; ) {
      // N's update takes 8 rows at once where there are 8: it reads and writes N once for them
      // (16 measured no better: faster on one engine, slower on another).
      const rows = nacc != 0 && r + 8 <= m ? 8 : 4;
      const a0 = a + <usize>r * rowBytes;
      if (p != 0) {
        for (let g = 0; g < rows; g += 4) {
          productTile4(a0 + <usize>g * rowBytes, rowBytes, h, k, p + <usize>(r + g) * kBytes, kBytes);
        }
      }
      if (nacc != 0) rankUpdate(nacc, a0, rows, rowBytes, w + <usize>r * kBytes, k, kBytes);
      r += rows;
    }
  }
  for (; r < m; r++) {
    const ar = a + <usize>r * rowBytes;
    if (p != 0) {
      const pr = p + <usize>r * kBytes;
      for (let q = 0; q < k; q++) store<f32>(pr + (<usize>q << 2), dotRow(ar, h + <usize>q * rowBytes, n));
    }
    if (nacc != 0) {
      const wr = w + <usize>r * kBytes;
      for (let q = 0; q < k; q++) axpyRow(nacc + <usize>q * rowBytes, load<f32>(wr + (<usize>q << 2)), ar, n);
    }
  }
}

/**
 * P's rows for 4 rows of A (at a0, a0 + rowBytes, …; n = rowBytes / 4 columns): 4-row × 2-topic
 * register tiles of eight f32x4 accumulators over n (an odd last topic a 4 × 1 tile), the lanes
 * added 0 + 1 + 2 + 3, then the n % 4 columns in scalar (dotRow's order). P row r at p0 + r · kBytes.
 */
// @ts-ignore: decorator
@inline function productTile4(a0: usize, rowBytes: usize, h: usize, k: i32, p0: usize, kBytes: usize): void {
  if (!ASC_FEATURE_SIMD) return;
  const a1 = a0 + rowBytes, a2 = a1 + rowBytes, a3 = a2 + rowBytes;
  const n4 = rowBytes & ~15;
  let q = 0;
  for (; q + 2 <= k; q += 2) {
    const h0 = h + <usize>q * rowBytes;
    const h1 = h0 + rowBytes;
    let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
    let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
    let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
    let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
    let j: usize = 0;
    for (; j < n4; j += 16) {
      const y0 = v128.load(h0 + j);
      const y1 = v128.load(h1 + j);
      const x0 = v128.load(a0 + j);
      c00 = f32x4.add(c00, f32x4.mul(x0, y0));
      c01 = f32x4.add(c01, f32x4.mul(x0, y1));
      const x1 = v128.load(a1 + j);
      c10 = f32x4.add(c10, f32x4.mul(x1, y0));
      c11 = f32x4.add(c11, f32x4.mul(x1, y1));
      const x2 = v128.load(a2 + j);
      c20 = f32x4.add(c20, f32x4.mul(x2, y0));
      c21 = f32x4.add(c21, f32x4.mul(x2, y1));
      const x3 = v128.load(a3 + j);
      c30 = f32x4.add(c30, f32x4.mul(x3, y0));
      c31 = f32x4.add(c31, f32x4.mul(x3, y1));
    }
    let s00 = hsum(c00), s01 = hsum(c01), s10 = hsum(c10), s11 = hsum(c11);
    let s20 = hsum(c20), s21 = hsum(c21), s30 = hsum(c30), s31 = hsum(c31);
    for (; j < rowBytes; j += 4) {
      const y0 = load<f32>(h0 + j), y1 = load<f32>(h1 + j);
      const x0 = load<f32>(a0 + j), x1 = load<f32>(a1 + j);
      const x2 = load<f32>(a2 + j), x3 = load<f32>(a3 + j);
      s00 += x0 * y0; s01 += x0 * y1; s10 += x1 * y0; s11 += x1 * y1;
      s20 += x2 * y0; s21 += x2 * y1; s30 += x3 * y0; s31 += x3 * y1;
    }
    const pq = p0 + (<usize>q << 2);
    store<f32>(pq, s00); store<f32>(pq + 4, s01);
    store<f32>(pq + kBytes, s10); store<f32>(pq + kBytes + 4, s11);
    store<f32>(pq + 2 * kBytes, s20); store<f32>(pq + 2 * kBytes + 4, s21);
    store<f32>(pq + 3 * kBytes, s30); store<f32>(pq + 3 * kBytes + 4, s31);
  }
  if (q < k) {
    // The odd topic: a 4-row × 1-topic tile, four independent chains (dotRow's lanes and sums,
    // row by row).
    const h0 = h + <usize>q * rowBytes;
    let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
    let j: usize = 0;
    for (; j < n4; j += 16) {
      const y0 = v128.load(h0 + j);
      c0 = f32x4.add(c0, f32x4.mul(v128.load(a0 + j), y0));
      c1 = f32x4.add(c1, f32x4.mul(v128.load(a1 + j), y0));
      c2 = f32x4.add(c2, f32x4.mul(v128.load(a2 + j), y0));
      c3 = f32x4.add(c3, f32x4.mul(v128.load(a3 + j), y0));
    }
    let s0 = hsum(c0), s1 = hsum(c1), s2 = hsum(c2), s3 = hsum(c3);
    for (; j < rowBytes; j += 4) {
      const y0 = load<f32>(h0 + j);
      s0 += load<f32>(a0 + j) * y0; s1 += load<f32>(a1 + j) * y0;
      s2 += load<f32>(a2 + j) * y0; s3 += load<f32>(a3 + j) * y0;
    }
    const pq = p0 + (<usize>q << 2);
    store<f32>(pq, s0); store<f32>(pq + kBytes, s1);
    store<f32>(pq + 2 * kBytes, s2); store<f32>(pq + 3 * kBytes, s3);
  }
}

/**
 * N += Wᵀ A over `rows` rows of A (at a0, a0 + rowBytes, …), W's rows at w0 (kBytes apart): per
 * topic q and column j, N[q,j] + w₀ a₀ⱼ + w₁ a₁ⱼ + …, each sum rounded to float32, in row order
 * (axpyRow's, row after row). Register tiles of 2 topics × 16 columns (eight f32x4 accumulators,
 * {@link pairTile16}) take the rows one after the other, reading N once per tile, every topic
 * pair at one 16 columns before the next 16, so that the block's rows of A there stay in L1 (the
 * numerator plan of the dense workload, one thread: 5 % faster under Deno, 2 % under Bun, within
 * 1 % under Node than topic pairs outermost); then 2 topics × 4 columns, then the n % 4 columns in
 * scalar; an odd last topic alone, the same way.
 */
// @ts-ignore: decorator
@inline function rankUpdate(
  nacc: usize, a0: usize, rows: usize, rowBytes: usize, w0: usize, k: i32, kBytes: usize,
): void {
  if (!ASC_FEATURE_SIMD) return;
  const n16 = rowBytes & ~63, n4 = rowBytes & ~15;
  for (let j: usize = 0; j < n16; j += 64) {
    for (let q = 0; q < k; q += 2) pairTile16(nacc, a0 + j, rows, rowBytes, w0, q, k, kBytes, j);
  }
  for (let q = 0; q < k; q += 2) {
    const pair = q + 1 < k;
    const n0 = nacc + <usize>q * rowBytes, n1 = n0 + (pair ? rowBytes : 0);
    const wq = w0 + (<usize>q << 2);
    let j: usize = n16;
    for (; j < n4; j += 16) {
      let c0 = v128.load(n0 + j), c1 = v128.load(n1 + j);
      for (let r: usize = 0; r < rows; r++) {
        const x = v128.load(a0 + r * rowBytes + j);
        c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(wq + r * kBytes), x));
        if (pair) c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(wq + r * kBytes + 4), x));
      }
      v128.store(n0 + j, c0);
      if (pair) v128.store(n1 + j, c1);
    }
    for (; j < rowBytes; j += 4) {
      let s0 = load<f32>(n0 + j), s1 = load<f32>(n1 + j);
      for (let r: usize = 0; r < rows; r++) {
        const x = load<f32>(a0 + r * rowBytes + j);
        s0 += load<f32>(wq + r * kBytes) * x;
        if (pair) s1 += load<f32>(wq + r * kBytes + 4) * x;
      }
      store<f32>(n0 + j, s0);
      if (pair) store<f32>(n1 + j, s1);
    }
  }
}

/**
 * rankUpdate's register tile: topics q and q + 1 (q alone when it is the last) × the 16 columns
 * at byte j of N's rows, the block's rows of A from aj (rowBytes apart) added one after the other.
 */
// @ts-ignore: decorator
@inline function pairTile16(
  nacc: usize, aj: usize, rows: usize, rowBytes: usize, w0: usize, q: i32, k: i32, kBytes: usize, j: usize,
): void {
  const n0 = nacc + <usize>q * rowBytes + j;
  const wq = w0 + (<usize>q << 2);
  const end = aj + rows * rowBytes;
  if (q + 1 < k) rows16(n0, n0 + rowBytes, aj, end, rowBytes, wq, kBytes, true);
  else rows16(n0, 0, aj, end, rowBytes, wq, kBytes, false);
}

/**
 * N[q][16 columns] at n0 (and, with `pair`, N[q+1][same] at n1) += Σ_r W[r,q] (W[r,q+1]) ×
 * A[r, those columns], the rows of A from aj to end (rowBytes apart) one after the other, W's row
 * r at wq + r · kBytes; the sums in four (eight) f32x4 registers, the row pointers walked (no
 * multiplication per row). `pair` is a constant at every call: the odd last topic's call inlines
 * without the second topic's sums.
 */
// @ts-ignore: decorator
@inline function rows16(
  n0: usize, n1: usize, aj: usize, end: usize, rowBytes: usize, wq: usize, kBytes: usize, pair: bool,
): void {
  if (!ASC_FEATURE_SIMD) return;
  const zero = f32x4.splat(0);
  let c00 = v128.load(n0), c01 = v128.load(n0, 16), c02 = v128.load(n0, 32), c03 = v128.load(n0, 48);
  let c10 = zero, c11 = zero, c12 = zero, c13 = zero;
  if (pair) c10 = v128.load(n1), c11 = v128.load(n1, 16), c12 = v128.load(n1, 32), c13 = v128.load(n1, 48);
  for (let ar = aj, wr = wq; ar < end; ar += rowBytes, wr += kBytes) {
    const b0 = v128.load32_splat(wr);
    const x0 = v128.load(ar), x1 = v128.load(ar, 16), x2 = v128.load(ar, 32), x3 = v128.load(ar, 48);
    c00 = f32x4.add(c00, f32x4.mul(b0, x0));
    c01 = f32x4.add(c01, f32x4.mul(b0, x1));
    c02 = f32x4.add(c02, f32x4.mul(b0, x2));
    c03 = f32x4.add(c03, f32x4.mul(b0, x3));
    if (pair) {
      const b1 = v128.load32_splat(wr, 4);
      c10 = f32x4.add(c10, f32x4.mul(b1, x0));
      c11 = f32x4.add(c11, f32x4.mul(b1, x1));
      c12 = f32x4.add(c12, f32x4.mul(b1, x2));
      c13 = f32x4.add(c13, f32x4.mul(b1, x3));
    }
  }
  v128.store(n0, c00); v128.store(n0, c01, 16); v128.store(n0, c02, 32); v128.store(n0, c03, 48);
  if (pair) {
    v128.store(n1, c10); v128.store(n1, c11, 16); v128.store(n1, c12, 32); v128.store(n1, c13, 48);
  }
}

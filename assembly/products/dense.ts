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
 * Tiles: rows in blocks of 4 (the m % 4 rows one at a time); P's entries from a 4-row × 2-topic
 * register tile of eight f32x4 accumulators over n (an odd last topic takes a 4 × 1 tile), the
 * n % 4 columns added in scalar after the lanes (lane 0 + 1 + 2 + 3, then the tail: dotRow's
 * order); N gets a rank-4 update per topic row (axpyRow's order per row). Both products of a
 * block are formed while its 4 rows of A are in L1, so A streams from memory once. Float32
 * accumulation: products, not the reductions the loss is read from (docs/algorithm.md,
 * numerics). The scalar build takes every row through the one-row loop, with the same bits.
 * Not checked: sizes, overlaps (P and N must not overlap A, H or W), finiteness.
 */
export function f32_aht_wta(a: usize, m: i32, n: i32, h: usize, k: i32, p: usize, w: usize, nacc: usize): void {
  const rowBytes = <usize>n << 2;
  const n4 = <usize>(n & ~3) << 2;
  const end = rowBytes;
  const kBytes = <usize>k << 2;
  let r = 0;
  // The scalar build takes every row through the row-at-a-time loop below: dotRow and axpyRow
  // reproduce this tile's lanes and sums exactly (see vector.ts).
  if (ASC_FEATURE_SIMD) {
    for (; r + 4 <= m; r += 4) {
      const a0 = a + <usize>r * rowBytes;
      const a1 = a0 + rowBytes;
      const a2 = a1 + rowBytes;
      const a3 = a2 + rowBytes;
      if (p != 0) {
        const p0 = p + <usize>r * kBytes;
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
          for (; j < end; j += 4) {
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
          // The odd topic: a 4-row × 1-topic tile, four independent chains (dotRow's lanes and
          // sums, row by row).
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
          for (; j < end; j += 4) {
            const y0 = load<f32>(h0 + j);
            s0 += load<f32>(a0 + j) * y0; s1 += load<f32>(a1 + j) * y0;
            s2 += load<f32>(a2 + j) * y0; s3 += load<f32>(a3 + j) * y0;
          }
          const pq = p0 + (<usize>q << 2);
          store<f32>(pq, s0); store<f32>(pq + kBytes, s1);
          store<f32>(pq + 2 * kBytes, s2); store<f32>(pq + 3 * kBytes, s3);
        }
      }
      if (nacc != 0) {
        const w0 = w + <usize>r * kBytes;
        for (let q = 0; q < k; q++) {
          const wq = w0 + (<usize>q << 2);
          const s0 = load<f32>(wq), s1 = load<f32>(wq + kBytes);
          const s2 = load<f32>(wq + 2 * kBytes), s3 = load<f32>(wq + 3 * kBytes);
          const b0 = f32x4.splat(s0), b1 = f32x4.splat(s1), b2 = f32x4.splat(s2), b3 = f32x4.splat(s3);
          const nq = nacc + <usize>q * rowBytes;
          let j: usize = 0;
          for (; j < n4; j += 16) {
            let acc = v128.load(nq + j);
            acc = f32x4.add(acc, f32x4.mul(b0, v128.load(a0 + j)));
            acc = f32x4.add(acc, f32x4.mul(b1, v128.load(a1 + j)));
            acc = f32x4.add(acc, f32x4.mul(b2, v128.load(a2 + j)));
            acc = f32x4.add(acc, f32x4.mul(b3, v128.load(a3 + j)));
            v128.store(nq + j, acc);
          }
          for (; j < end; j += 4) {
            store<f32>(nq + j, load<f32>(nq + j) + s0 * load<f32>(a0 + j) + s1 * load<f32>(a1 + j) +
              s2 * load<f32>(a2 + j) + s3 * load<f32>(a3 + j));
          }
        }
      }
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

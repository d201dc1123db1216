// The multiplicative updates (docs/algorithm.md, the multiplicative updates), applied in place:
// the rows of W(i) or Hᵀ in float32 (f32x4 SIMD), the shifts v(i) with the ratio in float64
// (f64x2); lane-exact scalar loops in the scalar build (see vector.ts). ε (passed in, 1e-9 in
// the paper) keeps 0/0 from producing NaN. No kernel here checks sizes, overlaps or signs.

/**
 * Multiplicative update of the rows of X (rows×k float32, row stride k), in place:
 *
 *   X[r,q] ← X[r,q] · Num[r,q] / (Σ_p X[r,p] Gram[p,q] + Off[r,q] + ε)
 *
 * The W update is X = W(i), Num = A(i) Hᵀ, Gram = H Hᵀ, Off = (H v(i))ᵀ broadcast
 * (offsetStride 0). The H update runs on Hᵀ: X = Hᵀ (n×k), Num = Σ_i A(i)ᵀ W(i),
 * Gram = Σ_i W(i)ᵀ W(i), Off = Σ_i v(i) (W(i)ᵀ 1)ᵀ (offsetStride kPad).
 *
 * kPad = k rounded up to a multiple of 4. Num: rows×k float32 (stride k). Gram: k×kPad float32,
 * symmetric in its k×k part, zero in the padding columns. Off: float32, row r at
 * r · offsetStride, kPad values (zero padding). scratch: kPad float32 (a copy of the row, so the
 * denominators use the old row while it is rewritten). The denominator of four columns at a
 * time accumulates in one f32x4 register over p; the last k % 4 columns are written lane by lane.
 * Alignment: 4 bytes (16 is faster). Not checked: sizes, Gram's symmetry and padding, overlaps
 * (X must not overlap Num, Gram, Off or scratch).
 */
export function f32_mu_update_rows(
  x: usize, rows: i32, k: i32, num: usize, gram: usize,
  offset: usize, offsetStride: i32, eps: f32, scratch: usize,
): void {
  const uk = <usize>k;
  const kPad = (uk + 3) & ~3;
  const rowBytes = uk << 2;
  const gramRow = kPad << 2;
  memory.fill(scratch + rowBytes, 0, (kPad - uk) << 2);
  if (ASC_FEATURE_SIMD) {
    // Columns in groups of 16, then 8, then 4: each group's denominators are independent f32x4
    // chains over p, so the adds overlap instead of waiting on one chain (a k-long chain per
    // four columns made the H update latency-bound). Every lane still sums its terms in the
    // order off, p = 0…k−1, ε: the scalar build's order.
    const epsv = f32x4.splat(eps);
    for (let r: usize = 0; r < <usize>rows; r++) {
      const xr = x + r * rowBytes;
      const nr = num + r * rowBytes;
      const offr = offset + r * <usize>offsetStride * 4;
      copyRow(scratch, xr, uk);
      let q: usize = 0;
      for (; q + 16 <= kPad; q += 16) {
        const o = offr + (q << 2);
        let d0 = v128.load(o), d1 = v128.load(o, 16), d2 = v128.load(o, 32), d3 = v128.load(o, 48);
        let g = gram + (q << 2);
        for (let p: usize = 0; p < uk; p++) {
          const xp = v128.load32_splat(scratch + (p << 2));
          d0 = f32x4.add(d0, f32x4.mul(xp, v128.load(g)));
          d1 = f32x4.add(d1, f32x4.mul(xp, v128.load(g, 16)));
          d2 = f32x4.add(d2, f32x4.mul(xp, v128.load(g, 32)));
          d3 = f32x4.add(d3, f32x4.mul(xp, v128.load(g, 48)));
          g += gramRow;
        }
        applyRatio(xr, nr, q, uk, f32x4.add(d0, epsv));
        applyRatio(xr, nr, q + 4, uk, f32x4.add(d1, epsv));
        applyRatio(xr, nr, q + 8, uk, f32x4.add(d2, epsv));
        applyRatio(xr, nr, q + 12, uk, f32x4.add(d3, epsv));
      }
      for (; q + 8 <= kPad; q += 8) {
        const o = offr + (q << 2);
        let d0 = v128.load(o), d1 = v128.load(o, 16);
        let g = gram + (q << 2);
        for (let p: usize = 0; p < uk; p++) {
          const xp = v128.load32_splat(scratch + (p << 2));
          d0 = f32x4.add(d0, f32x4.mul(xp, v128.load(g)));
          d1 = f32x4.add(d1, f32x4.mul(xp, v128.load(g, 16)));
          g += gramRow;
        }
        applyRatio(xr, nr, q, uk, f32x4.add(d0, epsv));
        applyRatio(xr, nr, q + 4, uk, f32x4.add(d1, epsv));
      }
      for (; q < kPad; q += 4) {
        let d0 = v128.load(offr + (q << 2));
        let g = gram + (q << 2);
        for (let p: usize = 0; p < uk; p++) {
          d0 = f32x4.add(d0, f32x4.mul(v128.load32_splat(scratch + (p << 2)), v128.load(g)));
          g += gramRow;
        }
        applyRatio(xr, nr, q, uk, f32x4.add(d0, epsv));
      }
    }
  } else {
    // The lanes one column at a time, with the same operations (full vectors divide, the
    // partial last vector multiplies by the reciprocal).
    const full = uk & ~3;
    for (let r: usize = 0; r < <usize>rows; r++) {
      const xr = x + r * rowBytes;
      const nr = num + r * rowBytes;
      const offr = offset + r * <usize>offsetStride * 4;
      copyRow(scratch, xr, uk);
      for (let q: usize = 0; q < uk; q++) {
        let den = load<f32>(offr + (q << 2));
        let g = gram + (q << 2);
        for (let p: usize = 0; p < uk; p++) {
          den += load<f32>(scratch + (p << 2)) * load<f32>(g);
          g += gramRow;
        }
        den += eps;
        const o = xr + (q << 2);
        const xn = load<f32>(o) * load<f32>(nr + (q << 2));
        store<f32>(o, q < full ? xn / den : xn * (<f32>1 / den));
      }
    }
  }
}

/**
 * dst[0..k) = src[0..k) (float32): a row into the scratch copy. A loop, not memory.copy: for
 * rows of tens of bytes the bulk-memory call costs more than the copy (V8 calls a builtin).
 */
// @ts-ignore: decorator
@inline function copyRow(dst: usize, src: usize, k: usize): void {
  let p: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; p + 4 <= k; p += 4) v128.store(dst + (p << 2), v128.load(src + (p << 2)));
  }
  for (; p < k; p++) store<f32>(dst + (p << 2), load<f32>(src + (p << 2)));
}

/**
 * X[r, q..q+4) ← X · Num / den for a full vector of columns; lane by lane with the reciprocal
 * for the last partial vector of a row (the scalar build does the same).
 */
// @ts-ignore: decorator
@inline function applyRatio(xr: usize, nr: usize, q: usize, k: usize, den: v128): void {
  if (q + 4 <= k) {
    const o = xr + (q << 2);
    v128.store(o, f32x4.div(f32x4.mul(v128.load(o), v128.load(nr + (q << 2))), den));
  } else {
    storeLanes(xr, nr, q, k, f32x4.div(f32x4.splat(1), den));
  }
}

/** X[r, q..k) ← X · Num · ratio lane by lane, for the last partial vector of a row. */
// @ts-ignore: decorator
@inline function storeLanes(xr: usize, nr: usize, q: usize, k: usize, ratio: v128): void {
  const lanes = k - q;
  const o = xr + (q << 2);
  const m = nr + (q << 2);
  store<f32>(o, load<f32>(o) * load<f32>(m) * f32x4.extract_lane(ratio, 0));
  if (lanes > 1) store<f32>(o + 4, load<f32>(o + 4) * load<f32>(m + 4) * f32x4.extract_lane(ratio, 1));
  if (lanes > 2) store<f32>(o + 8, load<f32>(o + 8) * load<f32>(m + 8) * f32x4.extract_lane(ratio, 2));
}

/**
 * Multiplicative update of n entries of one stratum's shift v (float32), in place:
 *
 *   v[j] ← v[j] · c[j] / (m · v[j] + t[j] + ε)
 *
 * c = A(i)ᵀ 1 (float32, constant over a fit), t = Hᵀ (W(i)ᵀ 1) (float64), m = rows of A(i).
 * The ratio is formed in float64: two entries per step (f64x2), the n % 2 tail scalar, the same
 * operations per lane. Alignment: 4 bytes for v and c, 8 for t. Not checked: sizes, overlaps.
 */
export function f32_mu_update_v_f64(v: usize, c: usize, t: usize, m: i32, n: i32, eps: f64): void {
  const fm = <f64>m;
  let j: usize = 0;
  if (ASC_FEATURE_SIMD) {
    // Two entries per step (f64x2), the same operations per lane as the scalar loop.
    const fmv = f64x2.splat(fm);
    const epsv = f64x2.splat(eps);
    const n2 = <usize>n & ~1;
    for (; j < n2; j += 2) {
      const o = v + (j << 2);
      const vj = f64x2.promote_low_f32x4(v128.load64_zero(o));
      const den = f64x2.add(f64x2.add(f64x2.mul(fmv, vj), v128.load(t + (j << 3))), epsv);
      const cj = f64x2.promote_low_f32x4(v128.load64_zero(c + (j << 2)));
      v128.store64_lane(o, f32x4.demote_f64x2_zero(f64x2.div(f64x2.mul(vj, cj), den)), 0);
    }
  }
  for (; j < <usize>n; j++) {
    const o = v + (j << 2);
    const vj = <f64>load<f32>(o);
    store<f32>(o, <f32>(vj * <f64>load<f32>(c + (j << 2)) / (fm * vj + load<f64>(t + (j << 3)) + eps)));
  }
}

// The HALS updates (exact block-coordinate descent; docs/algorithm.md, the HALS updates: v, the
// columns of W(i) and the rows of H, with the L1 terms), applied in place. float32 storage,
// float64 arithmetic; f64x2 SIMD with lane-exact scalar loops in the scalar build (see
// vector.ts). No kernel here checks sizes, overlaps or signs.

/**
 * Exact coordinate minimization over the rows of X (rows×k float32), in place, `sweeps` cyclic
 * sweeps per row:
 *
 *   for q = 0 … k−1:
 *     X[r,q] ← max(0, X[r,q] + (Num[r,q] − Off[r,q] − shift − Σ_p X[r,p] Gram[p,q]) / Gram[q,q])
 *
 * This minimizes ½ xᵀ Gram x − (Num − Off − shift)ᵀ x over x = X[r,q] ≥ 0 with the other entries
 * of the row fixed, which is the HALS column update: with Num = P = A Hᵀ, Gram = H Hᵀ,
 * Off = (H v)ᵀ (offsetStride 0) and shift = λ_W / 2 it is the exact minimizer of
 * ‖A − 1vᵀ − W H‖² + λ_W ‖W‖₁ over column q of W. The gradient of row r involves only row r, so
 * updating column after column equals this row-by-row order. On Hᵀ (rows = n): Num = Σ_i A(i)ᵀW(i),
 * Gram = Σ_i W(i)ᵀW(i), Off = Σ_i v(i) (W(i)ᵀ1)ᵀ (offsetStride k), shift = λ_H / 2.
 *
 * The residual g = Num − Off − shift − Gram x of a row is formed once (k² multiply-adds, f64x2
 * over rows of Gram) and kept current: a coordinate that moves by δ (the stored float32 value's
 * change) subtracts δ · Gram[q,:]; one that stays (an entry held at 0, common in sparse data)
 * costs nothing. Gram is symmetric, so row q serves as column q.
 *
 * A coordinate with Gram[q,q] ≤ 0 (a zero row of H, or a zero column of every W(i)) does not
 * enter the smooth part of the objective; it is left unchanged (as scikit-learn's coordinate
 * descent does). Every step is an exact minimization, so the objective never increases (up to
 * float32 rounding of the stored entry).
 *
 * Sparse rows (SIMD build, k ≤ 64): a coordinate can move only if Gram[q,q] > 0 and x[q] ≠ 0
 * or g[q] > 0 (at x[q] = 0 with g[q] ≤ 0 the minimizer is 0 again), and in sparse factors most
 * are neither (SpamAssassin's Hᵀ under HALS: 82 % zeros). Such a row keeps bit masks of x ≠ 0
 * (`nonzero`), g > 0 (`positive`, renewed as g is updated after a move) and Gram[q,q] > 0
 * (`active`): its residual visits the set bits of `nonzero`, and each sweep jumps from one
 * candidate to the next (count-trailing-zeros) instead of testing every coordinate, branches
 * that sparse factors make unpredictable. The candidates run the same code in the same order,
 * and the others would have left every value as it was: the same bits, so rows with more
 * non-zeros than zeros (where the masks cost more than they save) take the plain sweep.
 *
 * Num: rows×k float32. Gram: k×k float64, symmetric. Off: float64, row r at r · offsetStride.
 * scratch: k float64 (g). Alignment: 4 bytes for float32 arrays, 8 for float64 ones. Tails: the
 * residual's f64x2 steps leave a k % 2 tail, done in scalar. Not checked: Gram's symmetry,
 * sizes, overlaps (X must not overlap Num, Gram, Off or scratch).
 */
export function f32_hals_update_rows_f64(
  x: usize, rows: i32, k: i32, num: usize, gram: usize,
  offset: usize, offsetStride: i32, shift: f64, sweeps: i32, scratch: usize,
): void {
  const uk = <usize>k;
  const k2 = uk & ~1;
  const rowBytes = uk << 3;
  const masks = ASC_FEATURE_SIMD && uk <= 64;
  let active: u64 = 0;
  if (masks) {
    for (let q: usize = 0; q < uk; q++) {
      if (load<f64>(gram + q * rowBytes + (q << 3)) > 0) active |= (<u64>1) << q;
    }
  }
  for (let r: usize = 0; r < <usize>rows; r++) {
    const xr = x + r * uk * 4;
    const nr = num + r * uk * 4;
    const offr = offset + r * <usize>offsetStride * 8;
    // g = Num − Off − shift − Σ_p x_p Gram[p,:]
    for (let q: usize = 0; q < uk; q++) {
      store<f64>(scratch + (q << 3), <f64>load<f32>(nr + (q << 2)) - load<f64>(offr + (q << 3)) - shift);
    }
    if (masks) {
      let nonzero = nonzeroBits(xr, uk);
      for (let bits = nonzero; bits != 0; bits &= bits - 1) {
        const p = <usize>ctz(bits);
        subScaledRow(scratch, <f64>load<f32>(xr + (p << 2)), gram + p * rowBytes, k2, uk);
      }
      if (<usize>popcnt(nonzero) * 2 < uk) {
        for (let sweep = 0; sweep < sweeps; sweep++) {
          let positive = positiveBits(scratch, uk);
          let candidates = (nonzero | positive) & active;
          while (candidates != 0) {
            const q = <usize>ctz(candidates);
            const gq = gram + q * rowBytes;
            const o = xr + (q << 2);
            const old = load<f32>(o);
            const value = <f64>old + load<f64>(scratch + (q << 3)) / load<f64>(gq + (q << 3));
            const stored: f32 = value > 0 ? <f32>value : 0;
            const bit = (<u64>1) << q;
            if (stored != old) {
              store<f32>(o, stored);
              positive = subScaledRow(scratch, <f64>stored - <f64>old, gq, k2, uk, true);
              nonzero = stored != 0 ? nonzero | bit : nonzero & ~bit;
            }
            candidates = (nonzero | positive) & active & ~((bit << 1) - 1);
          }
        }
        continue;
      }
    } else {
      for (let p: usize = 0; p < uk; p++) {
        const xp = <f64>load<f32>(xr + (p << 2));
        if (xp == 0) continue;
        subScaledRow(scratch, xp, gram + p * rowBytes, k2, uk);
      }
    }
    for (let sweep = 0; sweep < sweeps; sweep++) {
      for (let q: usize = 0; q < uk; q++) {
        const gq = gram + q * rowBytes;
        const gqq = load<f64>(gq + (q << 3));
        if (!(gqq > 0)) continue;
        const o = xr + (q << 2);
        const old = load<f32>(o);
        const value = <f64>old + load<f64>(scratch + (q << 3)) / gqq;
        const stored: f32 = value > 0 ? <f32>value : 0;
        if (stored == old) continue;
        store<f32>(o, stored);
        subScaledRow(scratch, <f64>stored - <f64>old, gq, k2, uk);
      }
    }
  }
}

/** Bit q set where x[q] ≠ 0 (NaN included, −0 not), for k ≤ 64 float32 x. */
// @ts-ignore: decorator
@inline function nonzeroBits(x: usize, k: usize): u64 {
  let bits: u64 = 0;
  let q: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0);
    for (; q + 4 <= k; q += 4) bits |= (<u64><u32>i32x4.bitmask(f32x4.ne(v128.load(x + (q << 2)), zero))) << q;
  }
  for (; q < k; q++) if (load<f32>(x + (q << 2)) != 0) bits |= (<u64>1) << q;
  return bits;
}

/** Bit q set where g[q] > 0, for k ≤ 64 float64 g. */
// @ts-ignore: decorator
@inline function positiveBits(g: usize, k: usize): u64 {
  let bits: u64 = 0;
  let q: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f64x2.splat(0);
    const k2 = k & ~1;
    for (; q < k2; q += 2) bits |= (<u64><u32>i64x2.bitmask(f64x2.gt(v128.load(g + (q << 3)), zero))) << q;
  }
  for (; q < k; q++) if (load<f64>(g + (q << 3)) > 0) bits |= (<u64>1) << q;
  return bits;
}

/**
 * y[0..k) −= a · row[0..k) in float64 (f64x2 over the first k2 = k & ~1 entries). With
 * `positive` (a constant at every call site, so the other branch compiles away) it also
 * returns positiveBits of the result (k ≤ 64), formed as the values are written; else 0.
 */
// @ts-ignore: decorator
@inline function subScaledRow(y: usize, a: f64, row: usize, k2: usize, k: usize, positive: bool = false): u64 {
  let bits: u64 = 0;
  let p: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const av = f64x2.splat(a);
    const zero = f64x2.splat(0);
    for (; p < k2; p += 2) {
      const o = y + (p << 3);
      const value = f64x2.sub(v128.load(o), f64x2.mul(av, v128.load(row + (p << 3))));
      v128.store(o, value);
      if (positive) bits |= (<u64><u32>i64x2.bitmask(f64x2.gt(value, zero))) << p;
    }
  }
  for (; p < k; p++) {
    const o = y + (p << 3);
    const value = load<f64>(o) - a * load<f64>(row + (p << 3));
    store<f64>(o, value);
    if (positive && value > 0) bits |= (<u64>1) << p;
  }
  return bits;
}

/**
 * The exact minimizer of one stratum's objective over its shift v (n float32), in place:
 *
 *   v[j] ← max(0, (c[j] − t[j] − shift) / m)
 *
 * c = A(i)ᵀ 1 (n float32), t = Hᵀ W(i)ᵀ1 (n float64, from f32_htw_h_f64 or f32_htw_ht_f64),
 * m = rows of A(i), shift = λ_v / 2 (the gradient of ‖A − 1vᵀ − WH‖² + λ_v ‖v‖₁ is
 * 2(m v − c + Hᵀw) + λ_v). Two entries per step (f64x2), the n % 2 tail scalar. Alignment: 4
 * bytes for v and c, 8 for t. Not checked: sizes, overlaps.
 */
export function f32_hals_update_v_f64(v: usize, c: usize, t: usize, n: i32, m: i32, shift: f64): void {
  const fm = <f64>m;
  let j: usize = 0;
  if (ASC_FEATURE_SIMD) {
    // Two entries per step with the same operations per lane; value > 0 ? value : 0 as a
    // select on the comparison (NaN compares false: 0, as in the scalar loop).
    const shiftv = f64x2.splat(shift);
    const fmv = f64x2.splat(fm);
    const zero = f64x2.splat(0);
    const n2 = <usize>n & ~1;
    for (; j < n2; j += 2) {
      const cj = f64x2.promote_low_f32x4(v128.load64_zero(c + (j << 2)));
      const value = f64x2.div(f64x2.sub(f64x2.sub(cj, v128.load(t + (j << 3))), shiftv), fmv);
      const kept = v128.bitselect(value, zero, f64x2.gt(value, zero));
      v128.store64_lane(v + (j << 2), f32x4.demote_f64x2_zero(kept), 0);
    }
  }
  for (; j < <usize>n; j++) {
    const value = (<f64>load<f32>(c + (j << 2)) - load<f64>(t + (j << 3)) - shift) / fm;
    store<f32>(v + (j << 2), value > 0 ? <f32>value : 0);
  }
}


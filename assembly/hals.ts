// Kernels of the HALS solver (exact block-coordinate descent) and the small dense products of
// the NNDSVD start. Layouts as in the
// other kernels: row-major, densely packed; float32 storage, float64 arithmetic where values
// are formed from sums. f64x2 SIMD, with lane-exact scalar loops in the scalar build (see
// vector.ts).

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
 * scratch: k float64 (g).
 */
export function hals_update_rows(
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
 * c = A(i)ᵀ 1 (n float32), t = Hᵀ W(i)ᵀ1 (n float64, from hals_htw_f64), m = rows of A(i),
 * shift = λ_v / 2 (the gradient of ‖A − 1vᵀ − WH‖² + λ_v ‖v‖₁ is 2(m v − c + Hᵀw) + λ_v).
 */
export function hals_v_update(v: usize, c: usize, t: usize, n: i32, m: i32, shift: f64): void {
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

/**
 * out[q] (k float64, overwritten) = Σ_j X[q,j] vec[j] for X k×n float32 (H v), vec float32 (n):
 * float64 accumulation in f64x2 lanes (four float32 promoted per step), the n % 4 tail scalar.
 */
export function hals_matvec_f64(x: usize, k: i32, n: i32, vec: usize, out: usize): void {
  const rowBytes = <usize>n << 2;
  const n4 = <usize>(n & ~3) << 2;
  for (let q: usize = 0; q < <usize>k; q++) {
    const xq = x + q * rowBytes;
    let j: usize = 0;
    let s: f64;
    if (ASC_FEATURE_SIMD) {
      let acc0 = f64x2.splat(0);
      let acc1 = f64x2.splat(0);
      for (; j < n4; j += 16) {
        const a0 = f64x2.promote_low_f32x4(v128.load64_zero(xq + j));
        const b0 = f64x2.promote_low_f32x4(v128.load64_zero(vec + j));
        const a1 = f64x2.promote_low_f32x4(v128.load64_zero(xq + j + 8));
        const b1 = f64x2.promote_low_f32x4(v128.load64_zero(vec + j + 8));
        acc0 = f64x2.add(acc0, f64x2.mul(a0, b0));
        acc1 = f64x2.add(acc1, f64x2.mul(a1, b1));
      }
      const sum = f64x2.add(acc0, acc1);
      s = f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1);
    } else {
      // acc0 holds the j % 4 = 0, 1 products, acc1 the 2, 3; the lanes of acc0 + acc1 are added.
      let t0: f64 = 0, t1: f64 = 0, t2: f64 = 0, t3: f64 = 0;
      for (; j < n4; j += 16) {
        t0 += <f64>load<f32>(xq + j) * <f64>load<f32>(vec + j);
        t1 += <f64>load<f32>(xq + j + 4) * <f64>load<f32>(vec + j + 4);
        t2 += <f64>load<f32>(xq + j + 8) * <f64>load<f32>(vec + j + 8);
        t3 += <f64>load<f32>(xq + j + 12) * <f64>load<f32>(vec + j + 12);
      }
      s = (t0 + t2) + (t1 + t3);
    }
    for (; j < rowBytes; j += 4) s += <f64>load<f32>(xq + j) * <f64>load<f32>(vec + j);
    store<f64>(out + (q << 3), s);
  }
}

/**
 * out[j] (n float64, overwritten) = Σ_q w[q] H[q,j] = (Hᵀ w)[j] for n columns of H (k rows of
 * stride ldh float32; pass H + j0·4 for columns j0…) and w k float64 (Hᵀ W(i)ᵀ1 of the v
 * updates): an f64x2 axpy over n per row of H, the n % 2 tail scalar.
 */
export function hals_htw_f64(h: usize, k: i32, n: i32, ldh: i32, w: usize, out: usize): void {
  const un = <usize>n;
  const n2 = un & ~1;
  memory.fill(out, 0, un << 3);
  for (let q: usize = 0; q < <usize>k; q++) {
    const wq = load<f64>(w + (q << 3));
    if (wq == 0) continue;
    const hq = h + q * <usize>ldh * 4;
    let j: usize = 0;
    if (ASC_FEATURE_SIMD) {
      const a = f64x2.splat(wq);
      for (; j < n2; j += 2) {
        const o = out + (j << 3);
        const x = f64x2.promote_low_f32x4(v128.load64_zero(hq + (j << 2)));
        v128.store(o, f64x2.add(v128.load(o), f64x2.mul(a, x)));
      }
    }
    for (; j < un; j++) store<f64>(out + (j << 3), load<f64>(out + (j << 3)) + wq * <f64>load<f32>(hq + (j << 2)));
  }
}

/**
 * out (k×k float64, overwritten) = XᵀX for X m×k float32, float64 accumulation: the Gram matrix
 * of the columns (W(i)ᵀW(i) with X = W(i), H Hᵀ with X = Hᵀ). Four rows at a time update the
 * upper triangle, two entries (f64x2) per step; then the lower triangle is mirrored, so the
 * result is exactly symmetric.
 */
export function hals_gram_f64(x: usize, m: i32, k: i32, out: usize): void {
  const uk = <usize>k;
  const rowBytes = uk << 2;
  const outRow = uk << 3;
  memory.fill(out, 0, uk * outRow);
  let r: usize = 0;
  const um = <usize>m;
  for (; r + 4 <= um; r += 4) {
    const x0 = x + r * rowBytes;
    const x1 = x0 + rowBytes;
    const x2 = x1 + rowBytes;
    const x3 = x2 + rowBytes;
    for (let i: usize = 0; i < uk; i++) {
      const v0 = <f64>load<f32>(x0 + (i << 2));
      const v1 = <f64>load<f32>(x1 + (i << 2));
      const v2 = <f64>load<f32>(x2 + (i << 2));
      const v3 = <f64>load<f32>(x3 + (i << 2));
      const oi = out + i * outRow;
      let j = i & ~(<usize>1);
      if (ASC_FEATURE_SIMD) {
        const a0 = f64x2.splat(v0), a1 = f64x2.splat(v1), a2 = f64x2.splat(v2), a3 = f64x2.splat(v3);
        for (; j + 2 <= uk; j += 2) {
          const o = oi + (j << 3);
          let acc = v128.load(o);
          acc = f64x2.add(acc, f64x2.mul(a0, f64x2.promote_low_f32x4(v128.load64_zero(x0 + (j << 2)))));
          acc = f64x2.add(acc, f64x2.mul(a1, f64x2.promote_low_f32x4(v128.load64_zero(x1 + (j << 2)))));
          acc = f64x2.add(acc, f64x2.mul(a2, f64x2.promote_low_f32x4(v128.load64_zero(x2 + (j << 2)))));
          acc = f64x2.add(acc, f64x2.mul(a3, f64x2.promote_low_f32x4(v128.load64_zero(x3 + (j << 2)))));
          v128.store(o, acc);
        }
      }
      for (; j < uk; j++) {
        const o = oi + (j << 3);
        store<f64>(o, load<f64>(o) +
          v0 * <f64>load<f32>(x0 + (j << 2)) +
          v1 * <f64>load<f32>(x1 + (j << 2)) +
          v2 * <f64>load<f32>(x2 + (j << 2)) +
          v3 * <f64>load<f32>(x3 + (j << 2)));
      }
    }
  }
  for (; r < um; r++) {
    const xr = x + r * rowBytes;
    for (let i: usize = 0; i < uk; i++) {
      const xi = <f64>load<f32>(xr + (i << 2));
      const oi = out + i * outRow;
      for (let j = i; j < uk; j++) {
        const o = oi + (j << 3);
        store<f64>(o, load<f64>(o) + xi * <f64>load<f32>(xr + (j << 2)));
      }
    }
  }
  for (let i: usize = 1; i < uk; i++) {
    for (let j: usize = 0; j < i; j++) store<f64>(out + i * outRow + (j << 3), load<f64>(out + j * outRow + (i << 3)));
  }
}

/**
 * out (rows×k float64, overwritten) = Σ_i U[i, j]·Z[i, :] for the rows j of one column range of
 * U: the shift term Σ_i v(i) (W(i)ᵀ 1)ᵀ of the H update in Hᵀ layout (U = V, Z = the W(i)ᵀ 1).
 * U: s rows of stride ldu float32 (pass U + j0·4 for rows j0…), Z: s×k float64.
 */
export function hals_shift_f64(u: usize, ldu: i32, s: i32, rows: i32, z: usize, k: i32, out: usize): void {
  const uk = <usize>k;
  const ld = <usize>ldu;
  for (let j: usize = 0; j < <usize>rows; j++) {
    const oj = out + j * uk * 8;
    for (let q: usize = 0; q < uk; q++) store<f64>(oj + (q << 3), 0);
    for (let i: usize = 0; i < <usize>s; i++) {
      const uij = <f64>load<f32>(u + (i * ld + j) * 4);
      if (uij == 0) continue;
      const zi = z + i * uk * 8;
      let q: usize = 0;
      if (ASC_FEATURE_SIMD) {
        // Two columns per step, the same operations per lane as the scalar loop.
        const uv = f64x2.splat(uij);
        for (; q + 2 <= uk; q += 2) {
          const o = oj + (q << 3);
          v128.store(o, f64x2.add(v128.load(o), f64x2.mul(uv, v128.load(zi + (q << 3)))));
        }
      }
      for (; q < uk; q++) {
        const o = oj + (q << 3);
        store<f64>(o, load<f64>(o) + uij * load<f64>(zi + (q << 3)));
      }
    }
  }
}

/**
 * out (rows×cols float32, overwritten) = X T for X rows×l float32 and T l×cols float64, float64
 * accumulation. out must not overlap X. (NNDSVD: orthonormalizing a thin basis, X · R⁻¹, and
 * mapping the small SVD's vectors back, Q · U.)
 */
export function f32_rmul_f64(x: usize, rows: i32, l: i32, t: usize, cols: i32, out: usize): void {
  const ul = <usize>l;
  const uc = <usize>cols;
  const tRow = uc << 3;
  const c2 = uc & ~(<usize>1);
  for (let r: usize = 0; r < <usize>rows; r++) {
    const xr = x + r * ul * 4;
    const orow = out + r * uc * 4;
    let c: usize = 0;
    if (ASC_FEATURE_SIMD) {
      // two columns per f64x2, each lane summing p = 0 … l−1 in order, as the scalar loop below
      for (; c < c2; c += 2) {
        let acc = f64x2.splat(0);
        for (let p: usize = 0; p < ul; p++) {
          const xp = f64x2.splat(<f64>load<f32>(xr + (p << 2)));
          acc = f64x2.add(acc, f64x2.mul(xp, v128.load(t + p * tRow + (c << 3))));
        }
        store<f32>(orow + (c << 2), <f32>f64x2.extract_lane(acc, 0));
        store<f32>(orow + (c << 2) + 4, <f32>f64x2.extract_lane(acc, 1));
      }
    }
    for (; c < uc; c++) {
      let s: f64 = 0;
      for (let p: usize = 0; p < ul; p++) s += <f64>load<f32>(xr + (p << 2)) * load<f64>(t + p * tRow + (c << 3));
      store<f32>(orow + (c << 2), <f32>s);
    }
  }
}

/** X[r,c] −= vec[c] for X rows×cols float32, vec cols float64 (removing a shift from a product). */
export function f32_sub_rowvec_f64(x: usize, rows: i32, cols: i32, vec: usize): void {
  const uc = <usize>cols;
  for (let r: usize = 0; r < <usize>rows; r++) {
    const xr = x + r * uc * 4;
    for (let c: usize = 0; c < uc; c++) {
      const o = xr + (c << 2);
      store<f32>(o, <f32>(<f64>load<f32>(o) - load<f64>(vec + (c << 3))));
    }
  }
}

/** out[j] (n float32, overwritten) = min over the rows of column j of A (m×n float32, m ≥ 1). */
export function f32_colmin(a: usize, m: i32, n: i32, out: usize): void {
  const rowBytes = <usize>n << 2;
  memory.copy(out, a, rowBytes);
  for (let r = 1; r < m; r++) {
    const ar = a + <usize>r * rowBytes;
    for (let j: usize = 0; j < <usize>n; j++) {
      const o = out + (j << 2);
      store<f32>(o, min(load<f32>(o), load<f32>(ar + (j << 2))));
    }
  }
}

// The masked objective's kernels (docs/algorithm.md, "Masks"): F = Σ_i ‖M(i) ⊙ (A(i) − 1 v(i)ᵀ −
// W(i) H)‖², with A(i) stored as 0 where it is unobserved. Every product over the data is the
// unmasked one of the zero-filled data; these kernels subtract what the unobserved entries add
// to it, from per-row lists of them (CSR-like: int32 offsets per row, int32 indices), so their
// cost is proportional to the unobserved entries, not to the data:
//
//   row r of W(i) (its unobserved columns j):  G_r = H Hᵀ − Σ_j h_j h_jᵀ,   c_r = Σ_j v_j h_j
//   row j of Hᵀ (its unobserved rows (i, r)):  G_j = Σ_i W(i)ᵀW(i) − Σ w_r w_rᵀ,  c_j = Σ v(i)_j w_r
//
// (h_j: row j of Hᵀ, w_r: row r of W(i)), so that the row's exact update reads the curvature
// over its observed entries only. Scalar float64 arithmetic over float32 storage, the same code
// in the SIMD and scalar builds (the same bits). No kernel here checks sizes, overlaps or signs.

import { pairF32, updateRows } from "./hals";

/** Float64 words of one row's terms: G_r (k×k), then c_r (k). */
// @ts-ignore: decorator
@inline function termWords(k: usize): usize {
  return k * k + k;
}

/** f32_masked_terms_f64's flags: G_r starts from `gram` and c_r from 0. */
export const TERMS_INIT: i32 = 1;
/** f32_masked_terms_f64's flags: each row's scalar is scalars[r] (Hᵀ's rows), not scalars[idx]. */
export const TERMS_SCALAR_PER_ROW: i32 = 2;

/**
 * The masked terms of `rows` rows (see the file's comment), into `out` (per row k×k + k float64,
 * G_r then c_r): with {@link TERMS_INIT} in `flags`, G_r starts from `gram` (k×k float64) and c_r
 * from 0; without, the row's lists are subtracted from the terms already in `out` (the strata
 * after the first, for Hᵀ).
 *
 * Row r's unobserved entries are indices[indptr[r] … indptr[r+1]) (int32 offsets into `indices`,
 * absolute), each an index `idx` of a vector x = vecs + idx · k (float32) with a scalar
 * s = scalars[idx] (W's rows, s = v_j) or, with {@link TERMS_SCALAR_PER_ROW} in `flags`,
 * s = scalars[r] (Hᵀ's rows, s = v(i)_j). For each, in list order: G_r[q,p] −= x_q x_p for p ≥ q (the lower triangle is then
 * copied from the upper one: G_r is symmetric), c_r[q] += s x_q.
 *
 * A diagonal entry G_r[q,q] left at or below 1e-9 × gram[q,q] (every entry of the row unobserved,
 * up to the rounding of the subtraction) is set to 0: the row updates then leave that coordinate.
 *
 * Every entry of G_r and c_r is one float64 chain over the list in its order, so the SIMD build
 * (two p per f64x2, eight list entries per load and store of G_r's row) gives the scalar build's
 * bits. scratch: 8 k float64 (the SIMD build's; the scalar build does not use it).
 */
export function f32_masked_terms_f64(
  rows: i32, k: i32, indptr: usize, indices: usize, vecs: usize,
  scalars: usize, flags: i32, gram: usize, out: usize, scratch: usize,
): void {
  const uk = <usize>k;
  const words = termWords(uk);
  const init = flags & TERMS_INIT, scalarPerRow = flags & TERMS_SCALAR_PER_ROW;
  for (let r: usize = 0; r < <usize>rows; r++) {
    const g = out + r * words * 8;
    const c = g + uk * uk * 8;
    if (init) {
      memory.copy(g, gram, uk * uk * 8);
      memory.fill(c, 0, uk * 8);
    }
    const first = <usize>load<i32>(indptr + (r << 2));
    const last = <usize>load<i32>(indptr + ((r + 1) << 2));
    let e = first;
    if (ASC_FEATURE_SIMD) {
      const row: isize = scalarPerRow ? <isize>r : -1;
      for (; e + 8 <= last; e += 8) subtractEight(g, c, uk, indices + (e << 2), vecs, scalars, row, scratch);
    }
    for (; e < last; e++) {
      const idx = <usize>load<i32>(indices + (e << 2));
      const x = vecs + idx * uk * 4;
      const s = <f64>load<f32>(scalars + ((scalarPerRow ? r : idx) << 2));
      for (let q: usize = 0; q < uk; q++) {
        const xq = <f64>load<f32>(x + (q << 2));
        store<f64>(c + (q << 3), load<f64>(c + (q << 3)) + s * xq);
        const gq = g + q * uk * 8;
        for (let p = q; p < uk; p++) {
          store<f64>(gq + (p << 3), load<f64>(gq + (p << 3)) - xq * <f64>load<f32>(x + (p << 2)));
        }
      }
    }
    // The upper triangle (p ≥ q) was updated: the lower one is its mirror image.
    for (let q: usize = 0; q < uk; q++) {
      for (let p: usize = 0; p < q; p++) store<f64>(g + (q * uk + p) * 8, load<f64>(g + (p * uk + q) * 8));
      const at = g + (q * uk + q) * 8;
      if (load<f64>(at) <= 1e-9 * load<f64>(gram + (q * uk + q) * 8)) store<f64>(at, 0);
    }
  }
}

/**
 * Eight list entries (int32 indices at `at`) subtracted from G_r's upper triangle and added to
 * c_r, in list order per entry of G_r and c_r (the scalar loop's chains); `row` ≥ 0: the scalar of
 * every entry is scalars[row], else scalars[idx]. The entries' vectors are converted to float64
 * once, into `scratch` (8 k float64); then, from p = q rounded down to even, two p per f64x2 (the
 * one lower-triangle entry this touches is overwritten by the mirror copy after).
 */
// @ts-ignore: decorator
@inline function subtractEight(
  g: usize, c: usize, k: usize, at: usize, vecs: usize, scalars: usize, row: isize, scratch: usize,
): void {
  if (!ASC_FEATURE_SIMD) return;
  const rowBytes = k << 3;
  for (let t: usize = 0; t < 8; t++) {
    const x = vecs + <usize>load<i32>(at + (t << 2)) * k * 4;
    const y = scratch + t * rowBytes;
    for (let q: usize = 0; q < k; q++) store<f64>(y + (q << 3), <f64>load<f32>(x + (q << 2)));
  }
  const s0 = scalarOf(scalars, row, at, 0), s1 = scalarOf(scalars, row, at, 1);
  const s2 = scalarOf(scalars, row, at, 2), s3 = scalarOf(scalars, row, at, 3);
  const s4 = scalarOf(scalars, row, at, 4), s5 = scalarOf(scalars, row, at, 5);
  const s6 = scalarOf(scalars, row, at, 6), s7 = scalarOf(scalars, row, at, 7);
  const y0 = scratch, y1 = y0 + rowBytes, y2 = y1 + rowBytes, y3 = y2 + rowBytes;
  const y4 = y3 + rowBytes, y5 = y4 + rowBytes, y6 = y5 + rowBytes, y7 = y6 + rowBytes;
  for (let q: usize = 0; q < k; q++) {
    const o = q << 3;
    const a0 = load<f64>(y0 + o), a1 = load<f64>(y1 + o), a2 = load<f64>(y2 + o), a3 = load<f64>(y3 + o);
    const a4 = load<f64>(y4 + o), a5 = load<f64>(y5 + o), a6 = load<f64>(y6 + o), a7 = load<f64>(y7 + o);
    const cq = c + o;
    store<f64>(
      cq,
      (((((((load<f64>(cq) + s0 * a0) + s1 * a1) + s2 * a2) + s3 * a3) + s4 * a4) + s5 * a5) + s6 * a6) + s7 * a7,
    );
    const v0 = f64x2.splat(a0), v1 = f64x2.splat(a1), v2 = f64x2.splat(a2), v3 = f64x2.splat(a3);
    const v4 = f64x2.splat(a4), v5 = f64x2.splat(a5), v6 = f64x2.splat(a6), v7 = f64x2.splat(a7);
    const gq = g + q * rowBytes;
    let p = q & ~1;
    for (; p + 2 <= k; p += 2) {
      const po = p << 3;
      let acc = v128.load(gq + po);
      acc = f64x2.sub(acc, f64x2.mul(v0, v128.load(y0 + po)));
      acc = f64x2.sub(acc, f64x2.mul(v1, v128.load(y1 + po)));
      acc = f64x2.sub(acc, f64x2.mul(v2, v128.load(y2 + po)));
      acc = f64x2.sub(acc, f64x2.mul(v3, v128.load(y3 + po)));
      acc = f64x2.sub(acc, f64x2.mul(v4, v128.load(y4 + po)));
      acc = f64x2.sub(acc, f64x2.mul(v5, v128.load(y5 + po)));
      acc = f64x2.sub(acc, f64x2.mul(v6, v128.load(y6 + po)));
      acc = f64x2.sub(acc, f64x2.mul(v7, v128.load(y7 + po)));
      v128.store(gq + po, acc);
    }
    if (p < k) {
      const po = p << 3, at = gq + po;
      store<f64>(
        at,
        (((((((load<f64>(at) - a0 * load<f64>(y0 + po)) - a1 * load<f64>(y1 + po)) - a2 * load<f64>(y2 + po)) -
                    a3 * load<f64>(y3 + po)) - a4 * load<f64>(y4 + po)) - a5 * load<f64>(y5 + po)) -
            a6 * load<f64>(y6 + po)) - a7 * load<f64>(y7 + po),
      );
    }
  }
}

/** The scalar of the list entry t (int32 index at at + 4t): scalars[row] when row ≥ 0, else scalars[idx], as float64. */
// @ts-ignore: decorator
@inline function scalarOf(scalars: usize, row: isize, at: usize, t: usize): f64 {
  const idx = row >= 0 ? <usize>row : <usize>load<i32>(at + (t << 2));
  return <f64>load<f32>(scalars + (idx << 2));
}

/**
 * The HALS row update of f32_hals_update_rows_f64 (assembly/updates/hals.ts) with a curvature per
 * row: `sweeps` cyclic coordinate sweeps over the rows of X (rows×k float32), in place,
 *
 *   b     = ((Num[r,q] − Off[r,q]) + c_r[q]) − shift
 *   g     = b − Σ_p G_r[q,p] X[r,p]
 *   X[r,q] ← max(0, X[r,q] + g / G_r[q,q])          (left as it is when G_r[q,q] ≤ 0)
 *
 * G_r and c_r from f32_masked_terms_f64 (`terms`), Off float64 at r · offsetStride (0: one row
 * for all). The same arithmetic, in the same order, as the unmasked kernel's scalar build: with
 * G_r = Gram and c_r = 0 it gives its bits. The SIMD build sweeps eight rows at once as the
 * unmasked kernel does, each lane reading its own row's G_r (the same bits). scratch: 16 k float64
 * (2 k in the scalar build), 16-byte aligned.
 */
export function f32_hals_update_rows_masked_f64(
  x: usize, rows: i32, k: i32, num: usize, offset: usize,
  offsetStride: i32, terms: usize, shift: f64, sweeps: i32, scratch: usize,
): void {
  updateRows(x, rows, k, num, offset, offsetStride, terms, true, termWords(<usize>k) << 3, shift, sweeps, scratch);
}

/**
 * The multiplicative update of the rows of X (rows×k float32) under the mask, in place, in
 * float64 from the old row (copied to `scratch`, k float64):
 *
 *   X[r,q] ← X[r,q] · Num[r,q] / (max(0, Off[r,q] − c_r[q] + Σ_p X[r,p] G_r[p,q]) + ε)
 *
 * which is the unmasked rule (assembly/updates/mu.ts) with the denominator's 1 vᵀHᵀ + W H Hᵀ taken
 * over the observed entries (the max only stops rounding from making it negative). G_r and c_r
 * from f32_masked_terms_f64 (`terms`); Off float64 at r · offsetStride.
 */
export function f32_mu_update_rows_masked_f64(
  x: usize, rows: i32, k: i32, num: usize, offset: usize,
  offsetStride: i32, terms: usize, eps: f64, scratch: usize,
): void {
  const uk = <usize>k;
  const words = termWords(uk);
  for (let r: usize = 0; r < <usize>rows; r++) {
    const xr = x + r * uk * 4;
    const nr = num + r * uk * 4;
    const offr = offset + r * (<usize>offsetStride << 3);
    const gram = terms + r * words * 8;
    const c = gram + uk * uk * 8;
    for (let q: usize = 0; q < uk; q++) store<f64>(scratch + (q << 3), <f64>load<f32>(xr + (q << 2)));
    let q: usize = 0;
    if (ASC_FEATURE_SIMD) {
      for (; q + 2 <= uk; q += 2) {
        let den = f64x2.sub(v128.load(offr + (q << 3)), v128.load(c + (q << 3)));
        for (let p: usize = 0; p < uk; p++) {
          den = f64x2.add(den, f64x2.mul(v128.load64_splat(scratch + (p << 3)), v128.load(gram + (p * uk + q) * 8)));
        }
        const positive = v128.bitselect(den, f64x2.splat(0), f64x2.gt(den, f64x2.splat(0)));
        const ratio = f64x2.div(f64x2.promote_low_f32x4(v128.load64_zero(nr + (q << 2))), f64x2.add(positive, f64x2.splat(eps)));
        const value = f64x2.mul(v128.load(scratch + (q << 3)), ratio);
        v128.store64_lane(xr + (q << 2), f32x4.demote_f64x2_zero(value), 0);
      }
    }
    for (; q < uk; q++) {
      let den = load<f64>(offr + (q << 3)) - load<f64>(c + (q << 3));
      for (let p: usize = 0; p < uk; p++) den += load<f64>(scratch + (p << 3)) * load<f64>(gram + (p * uk + q) * 8);
      const ratio = <f64>load<f32>(nr + (q << 2)) / ((den > 0 ? den : 0) + eps);
      store<f32>(xr + (q << 2), <f32>(load<f64>(scratch + (q << 3)) * ratio));
    }
  }
}

/**
 * out[r] −= (Σ_e x_e) · y_r over row r's list (indices[indptr[r] … indptr[r+1]), x_e = vecs +
 * idx · k float32, y_r = y + r · k float32), for r = 0 … rows−1: out float64, the sum of the
 * x_e per coordinate in list order (float64, into `scratch`, k float64), then its dot with y_r
 * over q in order. For the v(i) update, on the columns of one stratum: t_j = Σ_r w_r · h_j less
 * its unobserved rows' terms. The SIMD build adds two coordinates per f64x2 (the same bits).
 */
export function f32_masked_dots_f64(
  rows: i32, k: i32, indptr: usize, indices: usize, vecs: usize, y: usize, out: usize, scratch: usize,
): void {
  const uk = <usize>k;
  for (let r: usize = 0; r < <usize>rows; r++) {
    const first = <usize>load<i32>(indptr + (r << 2));
    const last = <usize>load<i32>(indptr + ((r + 1) << 2));
    if (first == last) continue;
    memory.fill(scratch, 0, uk << 3);
    for (let e = first; e < last; e++) {
      const x = vecs + <usize>load<i32>(indices + (e << 2)) * uk * 4;
      let q: usize = 0;
      if (ASC_FEATURE_SIMD) {
        for (; q + 2 <= uk; q += 2) {
          const at = scratch + (q << 3);
          v128.store(at, f64x2.add(v128.load(at), f64x2.promote_low_f32x4(v128.load64_zero(x + (q << 2)))));
        }
      }
      for (; q < uk; q++) store<f64>(scratch + (q << 3), load<f64>(scratch + (q << 3)) + <f64>load<f32>(x + (q << 2)));
    }
    const yr = y + r * uk * 4;
    let dot: f64 = 0;
    for (let q: usize = 0; q < uk; q++) dot += load<f64>(scratch + (q << 3)) * <f64>load<f32>(yr + (q << 2));
    store<f64>(out + (r << 3), load<f64>(out + (r << 3)) - dot);
  }
}

/**
 * Σ_r Σ_e (s_e + x_e · y_r)² over the rows' lists (x_e = vecs + idx · k float32, s_e =
 * scalars[idx] float32, y_r = y + r · k float32), in float64 in list order: the model's
 * squared values at the unobserved entries of W's rows (x_e = h_j, s_e = v_j, y_r = w_r), which
 * the loss of the zero-filled data counts and the masked loss does not. Each value is one chain
 * from s_e over q in order; the SIMD build forms four entries' values at once (a lane each), then
 * adds their squares in list order (the same bits).
 */
export function f32_masked_loss_f64(
  rows: i32, k: i32, indptr: usize, indices: usize, vecs: usize, scalars: usize, y: usize,
): f64 {
  const uk = <usize>k;
  let total: f64 = 0;
  for (let r: usize = 0; r < <usize>rows; r++) {
    const yr = y + r * uk * 4;
    const first = <usize>load<i32>(indptr + (r << 2));
    const last = <usize>load<i32>(indptr + ((r + 1) << 2));
    let e = first;
    if (ASC_FEATURE_SIMD) {
      for (; e + 4 <= last; e += 4) total = addFourSquares(total, uk, indices + (e << 2), vecs, scalars, yr);
    }
    for (; e < last; e++) {
      const idx = <usize>load<i32>(indices + (e << 2));
      const x = vecs + idx * uk * 4;
      let value = <f64>load<f32>(scalars + (idx << 2));
      for (let q: usize = 0; q < uk; q++) value += <f64>load<f32>(x + (q << 2)) * <f64>load<f32>(yr + (q << 2));
      total += value * value;
    }
  }
  return total;
}

/** total + the squared values of four list entries (at `at`), in list order (see f32_masked_loss_f64). */
// @ts-ignore: decorator
@inline function addFourSquares(total: f64, k: usize, at: usize, vecs: usize, scalars: usize, yr: usize): f64 {
  if (!ASC_FEATURE_SIMD) return total;
  const i0 = <usize>load<i32>(at), i1 = <usize>load<i32>(at, 4);
  const i2 = <usize>load<i32>(at, 8), i3 = <usize>load<i32>(at, 12);
  const x0 = vecs + i0 * k * 4, x1 = vecs + i1 * k * 4, x2 = vecs + i2 * k * 4, x3 = vecs + i3 * k * 4;
  let a = f64x2.replace_lane(f64x2.splat(<f64>load<f32>(scalars + (i0 << 2))), 1, <f64>load<f32>(scalars + (i1 << 2)));
  let b = f64x2.replace_lane(f64x2.splat(<f64>load<f32>(scalars + (i2 << 2))), 1, <f64>load<f32>(scalars + (i3 << 2)));
  for (let q: usize = 0; q < k; q++) {
    const o = q << 2;
    const yq = f64x2.splat(<f64>load<f32>(yr + o));
    a = f64x2.add(a, f64x2.mul(pairF32(x0 + o, x1 + o), yq));
    b = f64x2.add(b, f64x2.mul(pairF32(x2 + o, x3 + o), yq));
  }
  a = f64x2.mul(a, a);
  b = f64x2.mul(b, b);
  return (((total + f64x2.extract_lane(a, 0)) + f64x2.extract_lane(a, 1)) + f64x2.extract_lane(b, 0)) +
    f64x2.extract_lane(b, 1);
}

/**
 * The v(i) updates with a count of observed rows per column (`counts`, n float32) in place of
 * m_i, in float64, rounded once to float32:
 *
 *   HALS (multiplicative 0):  v[j] ← max(0, (c[j] − t[j] − shift) / counts[j])
 *   MU   (multiplicative 1):  v[j] ← v[j] · c[j] / (counts[j] · v[j] + max(0, t[j]) + shift)
 *
 * c = A(i)ᵀ 1 of the zero-filled data (float32), t = Σ over observed rows of w_r · h_j (float64;
 * the max stops rounding from making it negative). A column with no observed row is left as it is.
 * `shift`: λ_v / 2 (HALS) or ε + λ_v / 2 (MU).
 */
export function f32_update_v_counts_f64(
  v: usize, c: usize, t: usize, counts: usize, n: i32, shift: f64, multiplicative: i32,
): void {
  for (let j: usize = 0; j < <usize>n; j++) {
    const count = <f64>load<f32>(counts + (j << 2));
    if (!(count > 0)) continue;
    const o = v + (j << 2);
    const cj = <f64>load<f32>(c + (j << 2));
    const tj = load<f64>(t + (j << 3));
    if (multiplicative) {
      const vj = <f64>load<f32>(o);
      store<f32>(o, <f32>(vj * cj / (count * vj + (tj > 0 ? tj : 0) + shift)));
    } else {
      const value = (cj - tj - shift) / count;
      store<f32>(o, value > 0 ? <f32>value : 0);
    }
  }
}

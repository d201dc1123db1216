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

import { sweepRow } from "./hals";

/** Float64 words of one row's terms: G_r (k×k), then c_r (k). */
// @ts-ignore: decorator
@inline function termWords(k: usize): usize {
  return k * k + k;
}

/**
 * The masked terms of `rows` rows (see the file's comment), into `out` (per row k×k + k float64,
 * G_r then c_r): with `init` 1, G_r starts from `gram` (k×k float64) and c_r from 0; with 0, the
 * row's lists are subtracted from the terms already in `out` (the strata after the first, for Hᵀ).
 *
 * Row r's unobserved entries are indices[indptr[r] … indptr[r+1]) (int32 offsets into `indices`,
 * absolute), each an index `idx` of a vector x = vecs + idx · k (float32) with a scalar
 * s = scalars[idx] (`scalarPerRow` 0: W's rows, s = v_j) or s = scalars[r] (1: Hᵀ's rows,
 * s = v(i)_j). For each, in list order: G_r[q,p] −= x_q x_p for p ≥ q (the lower triangle is then
 * copied from the upper one: G_r is symmetric), c_r[q] += s x_q.
 *
 * A diagonal entry G_r[q,q] left at or below 1e-9 × gram[q,q] (every entry of the row unobserved,
 * up to the rounding of the subtraction) is set to 0: the row updates then leave that coordinate.
 */
export function f32_masked_terms_f64(
  rows: i32, k: i32, indptr: usize, indices: usize, vecs: usize,
  scalars: usize, scalarPerRow: i32, gram: usize, out: usize, init: i32,
): void {
  const uk = <usize>k;
  const words = termWords(uk);
  for (let r: usize = 0; r < <usize>rows; r++) {
    const g = out + r * words * 8;
    const c = g + uk * uk * 8;
    if (init) {
      memory.copy(g, gram, uk * uk * 8);
      memory.fill(c, 0, uk * 8);
    }
    const first = <usize>load<i32>(indptr + (r << 2));
    const last = <usize>load<i32>(indptr + ((r + 1) << 2));
    for (let e = first; e < last; e++) {
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
 * The HALS row update of f32_hals_update_rows_f64 (assembly/updates/hals.ts) with a curvature per
 * row: `sweeps` cyclic coordinate sweeps over the rows of X (rows×k float32), in place,
 *
 *   b     = ((Num[r,q] − Off[r,q]) + c_r[q]) − shift
 *   g     = b − Σ_p G_r[q,p] X[r,p]
 *   X[r,q] ← max(0, X[r,q] + g / G_r[q,q])          (left as it is when G_r[q,q] ≤ 0)
 *
 * G_r and c_r from f32_masked_terms_f64 (`terms`), Off float64 at r · offsetStride (0: one row
 * for all). The same arithmetic, in the same order, as the unmasked kernel's scalar build: with
 * G_r = Gram and c_r = 0 it gives its bits. scratch: 2 k float64.
 */
export function f32_hals_update_rows_masked_f64(
  x: usize, rows: i32, k: i32, num: usize, offset: usize,
  offsetStride: i32, terms: usize, shift: f64, sweeps: i32, scratch: usize,
): void {
  const uk = <usize>k;
  const words = termWords(uk);
  const b = scratch + (uk << 3);
  for (let r: usize = 0; r < <usize>rows; r++) {
    const xr = x + r * uk * 4;
    const nr = num + r * uk * 4;
    const offr = offset + r * (<usize>offsetStride << 3);
    const gram = terms + r * words * 8;
    const c = gram + uk * uk * 8;
    for (let q: usize = 0; q < uk; q++) {
      store<f64>(scratch + (q << 3), <f64>load<f32>(xr + (q << 2)));
      const rhs = <f64>load<f32>(nr + (q << 2)) - load<f64>(offr + (q << 3)) + load<f64>(c + (q << 3));
      store<f64>(b + (q << 3), rhs - shift);
    }
    for (let sweep = 0; sweep < sweeps; sweep++) sweepRow(scratch, b, gram, uk);
    for (let q: usize = 0; q < uk; q++) store<f32>(xr + (q << 2), <f32>load<f64>(scratch + (q << 3)));
  }
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
    for (let q: usize = 0; q < uk; q++) {
      let den = load<f64>(offr + (q << 3)) - load<f64>(c + (q << 3));
      for (let p: usize = 0; p < uk; p++) den += load<f64>(scratch + (p << 3)) * load<f64>(gram + (p * uk + q) * 8);
      const ratio = <f64>load<f32>(nr + (q << 2)) / ((den > 0 ? den : 0) + eps);
      store<f32>(xr + (q << 2), <f32>(load<f64>(scratch + (q << 3)) * ratio));
    }
  }
}

/**
 * out[r] −= Σ_e x_e · y_r over row r's list (indices[indptr[r] … indptr[r+1]), x_e = vecs +
 * idx · k float32, y_r = y + r · k float32), for r = 0 … rows−1: out float64. For the v(i) update,
 * on the columns of one stratum: t_j = Σ_r w_r · h_j less its unobserved rows' terms.
 */
export function f32_masked_dots_f64(
  rows: i32, k: i32, indptr: usize, indices: usize, vecs: usize, y: usize, out: usize,
): void {
  const uk = <usize>k;
  for (let r: usize = 0; r < <usize>rows; r++) {
    const yr = y + r * uk * 4;
    const first = <usize>load<i32>(indptr + (r << 2));
    const last = <usize>load<i32>(indptr + ((r + 1) << 2));
    let total: f64 = 0;
    for (let e = first; e < last; e++) {
      const x = vecs + <usize>load<i32>(indices + (e << 2)) * uk * 4;
      let dot: f64 = 0;
      for (let q: usize = 0; q < uk; q++) dot += <f64>load<f32>(x + (q << 2)) * <f64>load<f32>(yr + (q << 2));
      total += dot;
    }
    store<f64>(out + (r << 3), load<f64>(out + (r << 3)) - total);
  }
}

/**
 * Σ_r Σ_e (s_e + x_e · y_r)² over the rows' lists (x_e = vecs + idx · k float32, s_e =
 * scalars[idx] float32, y_r = y + r · k float32), in float64 in list order: the model's
 * squared values at the unobserved entries of W's rows (x_e = h_j, s_e = v_j, y_r = w_r), which
 * the loss of the zero-filled data counts and the masked loss does not.
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
    for (let e = first; e < last; e++) {
      const idx = <usize>load<i32>(indices + (e << 2));
      const x = vecs + idx * uk * 4;
      let value = <f64>load<f32>(scalars + (idx << 2));
      for (let q: usize = 0; q < uk; q++) value += <f64>load<f32>(x + (q << 2)) * <f64>load<f32>(yr + (q << 2));
      total += value * value;
    }
  }
  return total;
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

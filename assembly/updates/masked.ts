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
// over its observed entries only. HALS's sweeps read G_r itself; the multiplicative update needs
// only x_r G_r − c_r, which it forms as x_r Gram − Σ_j (v_j + x_r · h_j) h_j (2k multiply-adds per
// unobserved entry against k(k+1)/2 + k). Scalar float64 arithmetic over float32 storage, the same code
// in the SIMD and scalar builds (the same bits). No kernel here checks sizes, overlaps or signs.

import { pairF32, updateRows } from "./hals";
import { pairTile } from "../tiles";

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
 * gives the scalar build's bits. The SIMD build converts {@link TERM_BLOCK} list entries at a time
 * to float64 and runs each tile of G_r (two rows q, q + 1 by up to six columns, two per f64x2)
 * over all of them with the tile in locals: one load and store of G_r per tile and block, not per
 * entry. scratch: TERM_BLOCK (k + 1) float64 (the SIMD build's; the scalar build does not use it).
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
    if (ASC_FEATURE_SIMD) {
      const row: isize = scalarPerRow ? <isize>r : -1;
      for (let e = first; e < last; e += TERM_BLOCK) {
        const count = min(TERM_BLOCK, last - e);
        convertBlock(scratch, uk, indices + (e << 2), count, vecs, scalars, row);
        subtractBlock(g, c, uk, scratch, count);
      }
    } else {
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
    }
    // The upper triangle (p ≥ q) was updated: the lower one is its mirror image.
    for (let q: usize = 0; q < uk; q++) {
      for (let p: usize = 0; p < q; p++) store<f64>(g + (q * uk + p) * 8, load<f64>(g + (p * uk + q) * 8));
      const at = g + (q * uk + q) * 8;
      if (load<f64>(at) <= 1e-9 * load<f64>(gram + (q * uk + q) * 8)) store<f64>(at, 0);
    }
  }
}

/** List entries the SIMD build's terms kernel converts to float64 at once (its scratch: TERM_BLOCK (k + 1) float64). */
const TERM_BLOCK: usize = 16;

/**
 * `count` list entries (int32 indices at `at`) into `block`: entry t's vector as k float64 at
 * block + t · k · 8, its scalar (scalars[row] when row ≥ 0, else scalars[idx]) as float64 at
 * block + (TERM_BLOCK · k + t) · 8.
 */
// @ts-ignore: decorator
@inline function convertBlock(block: usize, k: usize, at: usize, count: usize, vecs: usize, scalars: usize, row: isize): void {
  const rowBytes = k << 3;
  const s = block + TERM_BLOCK * rowBytes;
  for (let t: usize = 0; t < count; t++) {
    const idx = <usize>load<i32>(at + (t << 2));
    const x = vecs + idx * k * 4;
    const y = block + t * rowBytes;
    for (let q: usize = 0; q < k; q++) store<f64>(y + (q << 3), <f64>load<f32>(x + (q << 2)));
    store<f64>(s + (t << 3), <f64>load<f32>(scalars + ((row >= 0 ? <usize>row : idx) << 2)));
  }
}

/**
 * The `count` entries in `block` (see {@link convertBlock}) subtracted from G_r's upper triangle
 * and added to c_r, tile by tile: rows q, q + 1 (the one lower-triangle entry G_r[q+1,q] this
 * touches is overwritten by the mirror copy after) by columns p … in chunks of up to three pairs,
 * c_r[q], c_r[q+1] with the first chunk; for odd k, column k − 1 of the two rows, and the last
 * row alone.
 */
// @ts-ignore: decorator
@inline function subtractBlock(g: usize, c: usize, k: usize, block: usize, count: usize): void {
  const even = k & ~1;
  let q: usize = 0;
  for (; q < even; q += 2) {
    let p = q;
    let chunk = tilePairs((even - p) >> 1);
    if (chunk == 3) subtractTile(g, c, k, q, p, block, count, 3, true);
    else if (chunk == 2) subtractTile(g, c, k, q, p, block, count, 2, true);
    else subtractTile(g, c, k, q, p, block, count, 1, true);
    for (p += chunk << 1; p < even; p += chunk << 1) {
      chunk = tilePairs((even - p) >> 1);
      if (chunk == 3) subtractTile(g, c, k, q, p, block, count, 3, false);
      else if (chunk == 2) subtractTile(g, c, k, q, p, block, count, 2, false);
      else subtractTile(g, c, k, q, p, block, count, 1, false);
    }
    if (k & 1) subtractLastColumn(g, k, q, block, count);
  }
  if (k & 1) subtractLastRow(g, c, k, block, count);
}

/**
 * Column pairs of the next tile when `left` pairs of a row pair remain: up to three (a tile of
 * six accumulators, c_r's and the entries' vectors fits the 15 vector registers V8 allocates
 * on x64 without spilling), four as two and two.
 */
// @ts-ignore: decorator
@inline function tilePairs(left: usize): usize {
  return left == 4 ? 2 : min<usize>(3, left);
}

/**
 * One tile: G_r[q … q+1, p … p + 2 pairs) −= x_q x_p over the block's entries in order, the tile
 * in registers; with `withC`, also c_r[q … q+1] += s x_q (the shared tile, tiles.ts). `pairs`
 * (1 to 3) and `withC` are constants at every call.
 */
// @ts-ignore: decorator
@inline function subtractTile(
  g: usize, c: usize, k: usize, q: usize, p: usize, block: usize, count: usize, pairs: i32, withC: bool,
): void {
  const rowBytes = k << 3;
  const t0 = g + q * rowBytes + (p << 3);
  const s = block + TERM_BLOCK * rowBytes;
  pairTile(t0, t0 + rowBytes, block, count, rowBytes, q << 3, p << 3, pairs, true, withC, c + (q << 3), s);
}

/** Odd k: G_r[q, k−1] and G_r[q+1, k−1] (one f64x2) −= x_{k−1} (x_q, x_{q+1}) over the block's entries in order. */
// @ts-ignore: decorator
@inline function subtractLastColumn(g: usize, k: usize, q: usize, block: usize, count: usize): void {
  if (!ASC_FEATURE_SIMD) return;
  const rowBytes = k << 3;
  const at0 = g + q * rowBytes + ((k - 1) << 3), at1 = at0 + rowBytes;
  let acc = v128.load64_lane(at1, v128.load64_splat(at0), 1);
  for (let t: usize = 0; t < count; t++) {
    const x = block + t * rowBytes;
    acc = f64x2.sub(acc, f64x2.mul(v128.load64_splat(x + ((k - 1) << 3)), v128.load(x + (q << 3))));
  }
  v128.store64_lane(at0, acc, 0);
  v128.store64_lane(at1, acc, 1);
}

/** Odd k: G_r[k−1, k−1] −= x_{k−1}² and c_r[k−1] += s x_{k−1} over the block's entries in order. */
// @ts-ignore: decorator
@inline function subtractLastRow(g: usize, c: usize, k: usize, block: usize, count: usize): void {
  const rowBytes = k << 3;
  const at = g + (k - 1) * rowBytes + ((k - 1) << 3), cAt = c + ((k - 1) << 3);
  const s = block + TERM_BLOCK * rowBytes;
  let diagonal = load<f64>(at), shift = load<f64>(cAt);
  for (let t: usize = 0; t < count; t++) {
    const xq = load<f64>(block + t * rowBytes + ((k - 1) << 3));
    shift += load<f64>(s + (t << 3)) * xq;
    diagonal -= xq * xq;
  }
  store<f64>(at, diagonal);
  store<f64>(cAt, shift);
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
 * The multiplicative update's masked terms of `rows` rows of X (rows×k float32, the rows about to
 * be updated), into `out` (k float64 per row): corr_r = Σ_e (s_e + x_r · y_e) y_e over row r's
 * unobserved entries, the model's values there times their vectors, which the unmasked
 * denominator x_r Gram + Off counts and the masked one does not (x_r G_r − c_r = x_r Gram −
 * corr_r, see the file's comment). Lists, vectors y_e = vecs + idx · k (float32), scalars and
 * `flags` as in {@link f32_masked_terms_f64}: with {@link TERMS_INIT} corr_r starts from 0, else
 * the strata after the first add to it.
 *
 * k + k multiply-adds per entry (against k(k+1)/2 + k for G_r and c_r): the value s_e + x_r · y_e
 * as s_e + (lo + hi), lo the float64 sum from 0 of x_q y_q over even q (and an odd k's last q),
 * hi over odd q, in order of q; then corr_r[q] += value · y_e[q], one chain per q over the list
 * in its order. The SIMD build forms lo and hi as the lanes of one f64x2 and adds to up to twelve
 * coordinates of corr_r at once in locals (the same bits). scratch: k + 16 float64.
 */
export function f32_masked_mu_terms_f64(
  rows: i32, k: i32, indptr: usize, indices: usize, vecs: usize,
  scalars: usize, flags: i32, x: usize, out: usize, scratch: usize,
): void {
  const uk = <usize>k;
  const init = flags & TERMS_INIT, scalarPerRow = flags & TERMS_SCALAR_PER_ROW;
  const values = scratch + (uk << 3);
  for (let r: usize = 0; r < <usize>rows; r++) {
    const corr = out + r * uk * 8;
    if (init) memory.fill(corr, 0, uk << 3);
    const xr = x + r * uk * 4;
    for (let q: usize = 0; q < uk; q++) store<f64>(scratch + (q << 3), <f64>load<f32>(xr + (q << 2)));
    const first = <usize>load<i32>(indptr + (r << 2));
    const last = <usize>load<i32>(indptr + ((r + 1) << 2));
    for (let e = first; e < last; e += TERM_BLOCK) {
      const count = min(TERM_BLOCK, last - e);
      const at = indices + (e << 2);
      for (let t: usize = 0; t < count; t++) {
        const idx = <usize>load<i32>(at + (t << 2));
        const s = <f64>load<f32>(scalars + ((scalarPerRow ? r : idx) << 2));
        store<f64>(values + (t << 3), s + modelDot(scratch, vecs + idx * uk * 4, uk));
      }
      addScaledRows(corr, uk, at, count, vecs, values);
    }
  }
}

/**
 * x · y as lo + hi (see {@link f32_masked_mu_terms_f64}): x k float64, y k float32; the SIMD
 * build's lanes are lo and hi.
 */
// @ts-ignore: decorator
@inline function modelDot(x: usize, y: usize, k: usize): f64 {
  let lo: f64 = 0, hi: f64 = 0;
  let q: usize = 0;
  if (ASC_FEATURE_SIMD) {
    let acc = f64x2.splat(0);
    for (; q + 2 <= k; q += 2) {
      acc = f64x2.add(acc, f64x2.mul(v128.load(x + (q << 3)), f64x2.promote_low_f32x4(v128.load64_zero(y + (q << 2)))));
    }
    lo = f64x2.extract_lane(acc, 0);
    hi = f64x2.extract_lane(acc, 1);
  } else {
    for (; q + 2 <= k; q += 2) {
      lo += load<f64>(x + (q << 3)) * <f64>load<f32>(y + (q << 2));
      hi += load<f64>(x + (q << 3) + 8) * <f64>load<f32>(y + (q << 2) + 4);
    }
  }
  if (q < k) lo += load<f64>(x + (q << 3)) * <f64>load<f32>(y + (q << 2));
  return lo + hi;
}

/**
 * The multiplicative update of the rows of X (rows×k float32) under the mask, in place, in
 * float64 from the old row (copied to `scratch`, k float64):
 *
 *   X[r,q] ← X[r,q] · Num[r,q] / (max(0, (Off[r,q] + Σ_p X[r,p] Gram[p,q]) − corr_r[q]) + ε)
 *
 * which is the unmasked rule (assembly/updates/mu.ts) with the denominator's 1 vᵀHᵀ + W H Hᵀ taken
 * over the observed entries (the max only stops rounding from making it negative). Gram: k×k
 * float64, the unmasked one (H Hᵀ, or Σ_i W(i)ᵀW(i) for Hᵀ); corr_r (k float64 per row) from
 * {@link f32_masked_mu_terms_f64}; Off float64 at r · offsetStride.
 */
export function f32_mu_update_rows_masked_f64(
  x: usize, rows: i32, k: i32, num: usize, offset: usize,
  offsetStride: i32, gram: usize, corrections: usize, eps: f64, scratch: usize,
): void {
  const uk = <usize>k;
  for (let r: usize = 0; r < <usize>rows; r++) {
    const xr = x + r * uk * 4;
    const nr = num + r * uk * 4;
    const offr = offset + r * (<usize>offsetStride << 3);
    const c = corrections + r * uk * 8;
    for (let q: usize = 0; q < uk; q++) store<f64>(scratch + (q << 3), <f64>load<f32>(xr + (q << 2)));
    let q: usize = 0;
    if (ASC_FEATURE_SIMD) {
      for (; q + 2 <= uk; q += 2) {
        let den = v128.load(offr + (q << 3));
        for (let p: usize = 0; p < uk; p++) {
          den = f64x2.add(den, f64x2.mul(v128.load64_splat(scratch + (p << 3)), v128.load(gram + (p * uk + q) * 8)));
        }
        den = f64x2.sub(den, v128.load(c + (q << 3)));
        const positive = v128.bitselect(den, f64x2.splat(0), f64x2.gt(den, f64x2.splat(0)));
        const ratio = f64x2.div(f64x2.promote_low_f32x4(v128.load64_zero(nr + (q << 2))), f64x2.add(positive, f64x2.splat(eps)));
        const value = f64x2.mul(v128.load(scratch + (q << 3)), ratio);
        v128.store64_lane(xr + (q << 2), f32x4.demote_f64x2_zero(value), 0);
      }
    }
    for (; q < uk; q++) {
      let den = load<f64>(offr + (q << 3));
      for (let p: usize = 0; p < uk; p++) den += load<f64>(scratch + (p << 3)) * load<f64>(gram + (p * uk + q) * 8);
      den -= load<f64>(c + (q << 3));
      const ratio = <f64>load<f32>(nr + (q << 2)) / ((den > 0 ? den : 0) + eps);
      store<f32>(xr + (q << 2), <f32>(load<f64>(scratch + (q << 3)) * ratio));
    }
  }
}

/**
 * out[r] −= (Σ_e x_e) · y_r over row r's list (indices[indptr[r] … indptr[r+1]), x_e = vecs +
 * idx · k float32, y_r = y + r · k float32), for r = 0 … rows−1: out float64, the sum of the
 * x_e per coordinate in list order (float64 from 0, into `scratch`, k float64), then its dot with
 * y_r over q in order. For the v(i) update, on the columns of one stratum: t_j = Σ_r w_r · h_j less
 * its unobserved rows' terms. The SIMD build sums up to twelve coordinates at once over the whole
 * list in locals, two per f64x2 (the same chains, so the same bits).
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
    addScaledRows(scratch, uk, indices + (first << 2), last - first, vecs, 0);
    const yr = y + r * uk * 4;
    let dot: f64 = 0;
    for (let q: usize = 0; q < uk; q++) dot += load<f64>(scratch + (q << 3)) * <f64>load<f32>(yr + (q << 2));
    store<f64>(out + (r << 3), load<f64>(out + (r << 3)) - dot);
  }
}

/**
 * sums[q] += Σ_e w_e x_e[q] per coordinate, one float64 chain per q in list order, over `count`
 * list entries (int32 indices at `at`, x_e = vecs + idx · k float32), w_e = weights[e] (float64)
 * or, when `weights` is 0, 1 (x_e[q] · 1 is x_e[q]): twelve coordinates at a time in locals, then
 * the rest, an odd k's last coordinate alone.
 */
// @ts-ignore: decorator
@inline function addScaledRows(sums: usize, k: usize, at: usize, count: usize, vecs: usize, weights: usize): void {
  let q: usize = 0;
  for (; q + 12 <= k; q += 12) addScaledCoordinates(sums, k, at, count, vecs, weights, q, 6);
  const pairs = (k - q) >> 1;
  if (pairs == 5) addScaledCoordinates(sums, k, at, count, vecs, weights, q, 5);
  else if (pairs == 4) addScaledCoordinates(sums, k, at, count, vecs, weights, q, 4);
  else if (pairs == 3) addScaledCoordinates(sums, k, at, count, vecs, weights, q, 3);
  else if (pairs == 2) addScaledCoordinates(sums, k, at, count, vecs, weights, q, 2);
  else if (pairs == 1) addScaledCoordinates(sums, k, at, count, vecs, weights, q, 1);
  q += pairs << 1;
  if (q < k) {
    let sum = load<f64>(sums + (q << 3));
    for (let t: usize = 0; t < count; t++) {
      const xq = <f64>load<f32>(vecs + <usize>load<i32>(at + (t << 2)) * k * 4 + (q << 2));
      sum += weights ? load<f64>(weights + (t << 3)) * xq : xq;
    }
    store<f64>(sums + (q << 3), sum);
  }
}

/**
 * Coordinates q … q + 2 vectors of {@link addScaledRows}, in f64x2 locals; `vectors` (1 to 6) is
 * a constant at every call.
 */
// @ts-ignore: decorator
@inline function addScaledCoordinates(
  sums: usize, k: usize, at: usize, count: usize, vecs: usize, weights: usize, q: usize, vectors: i32,
): void {
  if (!ASC_FEATURE_SIMD) {
    for (let p = q; p < q + (<usize>vectors << 1); p++) {
      let sum = load<f64>(sums + (p << 3));
      for (let t: usize = 0; t < count; t++) {
        const xp = <f64>load<f32>(vecs + <usize>load<i32>(at + (t << 2)) * k * 4 + (p << 2));
        sum += weights ? load<f64>(weights + (t << 3)) * xp : xp;
      }
      store<f64>(sums + (p << 3), sum);
    }
    return;
  }
  const o = sums + (q << 3);
  let a0 = v128.load(o), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
  if (vectors > 1) a1 = v128.load(o, 16);
  if (vectors > 2) a2 = v128.load(o, 32);
  if (vectors > 3) a3 = v128.load(o, 48);
  if (vectors > 4) a4 = v128.load(o, 64);
  if (vectors > 5) a5 = v128.load(o, 80);
  for (let t: usize = 0; t < count; t++) {
    const x = vecs + <usize>load<i32>(at + (t << 2)) * k * 4 + (q << 2);
    const w = weights ? v128.load64_splat(weights + (t << 3)) : f64x2.splat(1);
    a0 = f64x2.add(a0, f64x2.mul(w, f64x2.promote_low_f32x4(v128.load64_zero(x))));
    if (vectors > 1) a1 = f64x2.add(a1, f64x2.mul(w, f64x2.promote_low_f32x4(v128.load64_zero(x + 8))));
    if (vectors > 2) a2 = f64x2.add(a2, f64x2.mul(w, f64x2.promote_low_f32x4(v128.load64_zero(x + 16))));
    if (vectors > 3) a3 = f64x2.add(a3, f64x2.mul(w, f64x2.promote_low_f32x4(v128.load64_zero(x + 24))));
    if (vectors > 4) a4 = f64x2.add(a4, f64x2.mul(w, f64x2.promote_low_f32x4(v128.load64_zero(x + 32))));
    if (vectors > 5) a5 = f64x2.add(a5, f64x2.mul(w, f64x2.promote_low_f32x4(v128.load64_zero(x + 40))));
  }
  v128.store(o, a0);
  if (vectors > 1) v128.store(o, a1, 16);
  if (vectors > 2) v128.store(o, a2, 32);
  if (vectors > 3) v128.store(o, a3, 48);
  if (vectors > 4) v128.store(o, a4, 64);
  if (vectors > 5) v128.store(o, a5, 80);
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

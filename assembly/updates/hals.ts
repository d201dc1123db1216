// The HALS updates (exact block-coordinate descent; docs/algorithm.md, the HALS updates: v, the
// columns of W(i) and the rows of H, with the L1 terms), applied in place. float32 storage,
// float64 arithmetic; f64x2 SIMD (lanes over rows or entries) with lane-exact scalar loops in the
// scalar build (see vector.ts). No kernel here checks sizes, overlaps or signs.

import { promoteHigh, promoteLow } from "../vector";

/**
 * Exact coordinate minimization over the rows of X (rows×k float32), in place, `sweeps` cyclic
 * sweeps per row:
 *
 *   for q = 0 … k−1:
 *     g     = (Num[r,q] − Off[r,q]) − shift − Σ_p Gram[q,p] X[r,p]      (p = 0 … k−1 in order)
 *     X[r,q] ← max(0, X[r,q] + g / Gram[q,q])
 *
 * This minimizes ½ xᵀ Gram x − (Num − Off − shift)ᵀ x over x = X[r,q] ≥ 0 with the other entries
 * of the row fixed, which is the HALS column update: with Num = P = A Hᵀ, Gram = H Hᵀ,
 * Off = (H v)ᵀ (offsetStride 0) and shift = λ_W / 2 it is the exact minimizer of
 * ‖A − 1vᵀ − W H‖² + λ_W ‖W‖₁ over column q of W. The gradient of row r involves only row r, so
 * updating column after column equals this row-by-row order. On Hᵀ (rows = n): Num = Σ_i A(i)ᵀW(i),
 * Gram = Σ_i W(i)ᵀW(i), Off = Σ_i v(i) (W(i)ᵀ1)ᵀ (offsetStride k), shift = λ_H / 2. The step is
 * scikit-learn's coordinate descent (`_update_cdnmf_fast`): the gradient's dot product is formed
 * afresh for every coordinate (k multiply-adds), not kept as a residual.
 *
 * Arithmetic, per row (docs/algorithm.md, "HALS, the coordinate sweep"): float64 from float32
 * storage; the row's x held in float64, each entry the float32 value it is stored as (rounded
 * after every step); the dot product one float64 sum from 0 over p = 0 … k−1 (zeros included:
 * every term is ≥ 0, so a zero adds nothing); a coordinate with Gram[q,q] ≤ 0 (a zero row of H,
 * or a zero column of every W(i)) is left as it is (as scikit-learn's coordinate descent does).
 * Every step is an exact minimization, so the objective never increases (up to float32 rounding
 * of the stored entry).
 *
 * The sweep of a row is a chain of k dependent steps (each dot product reads the entry the last
 * step wrote), which SIMD across k cannot shorten; the rows are independent. The SIMD build
 * therefore sweeps {@link SWEEP_GROUP} rows at once, two per f64x2 (lane l of vector v is row
 * 2v + l), every lane running the scalar build's arithmetic for its row: the same bits in both
 * builds, for any grouping (a group of fewer rows repeats the last row in the spare lanes). The
 * Gram matrix is one for all rows here; a masked objective, with a curvature per row (Gram_r =
 * H diag(mask_r) Hᵀ), keeps this sweep and reads each lane's own Gram[q,p] (./masked.ts).
 *
 * Num: rows×k float32. Gram: k×k float64, symmetric. Off: float64, row r at r · offsetStride.
 * scratch: 16 k float64 (a group's x and Num − Off − shift, k × SWEEP_GROUP each; the scalar build
 * uses 2 k).
 * Alignment: 4 bytes for float32 arrays, 8 for float64 ones, 16 for scratch. Not checked: Gram's
 * symmetry and signs, sizes, overlaps (X must not overlap Num, Gram, Off or scratch).
 */
export function f32_hals_update_rows_f64(
  x: usize, rows: i32, k: i32, num: usize, gram: usize,
  offset: usize, offsetStride: i32, shift: f64, sweeps: i32, scratch: usize,
): void {
  updateRows(x, rows, k, num, offset, offsetStride, gram, false, 0, shift, sweeps, scratch);
}

/**
 * The row update of {@link f32_hals_update_rows_f64}, with one curvature for every row at `gram`
 * (`perRow` false), or (true: the masked update, ./masked.ts) row r's own G_r (k×k float64) at
 * gram + r · termBytes, followed by c_r (k float64), which adds to the right-hand side:
 * b = ((Num − Off) + c_r) − shift.
 */
// @ts-ignore: decorator
@inline export function updateRows(
  x: usize, rows: i32, k: i32, num: usize, offset: usize, offsetStride: i32,
  gram: usize, perRow: bool, termBytes: usize, shift: f64, sweeps: i32, scratch: usize,
): void {
  const uk = <usize>k;
  const offsetBytes = <usize>offsetStride << 3;
  if (ASC_FEATURE_SIMD) {
    const last = <usize>rows - 1;
    const c = perRow ? gram + uk * uk * 8 : 0;
    for (let r: usize = 0; r < <usize>rows; r += SWEEP_GROUP) {
      gatherGroup(scratch, uk, x, num, offset, offsetBytes, r, last, shift, perRow, c, termBytes);
      for (let sweep = 0; sweep < sweeps; sweep++) sweepGroup(scratch, uk, gram, perRow, termBytes, r, last);
      scatterGroup(scratch, uk, x, r, last);
    }
    return;
  }
  const b = scratch + (uk << 3);
  for (let r: usize = 0; r < <usize>rows; r++) {
    const xr = x + r * uk * 4;
    const nr = num + r * uk * 4;
    const offr = offset + r * offsetBytes;
    const gr = gram + r * termBytes;
    for (let q: usize = 0; q < uk; q++) {
      store<f64>(scratch + (q << 3), <f64>load<f32>(xr + (q << 2)));
      let rhs = <f64>load<f32>(nr + (q << 2)) - load<f64>(offr + (q << 3));
      if (perRow) rhs += load<f64>(gr + uk * uk * 8 + (q << 3));
      store<f64>(b + (q << 3), rhs - shift);
    }
    for (let sweep = 0; sweep < sweeps; sweep++) sweepRow(scratch, b, gr, uk);
    for (let q: usize = 0; q < uk; q++) store<f32>(xr + (q << 2), <f32>load<f64>(scratch + (q << 3)));
  }
}

/**
 * One cyclic coordinate sweep of the scalar build over one row (docs/algorithm.md, "HALS, the
 * coordinate sweep"): for q in order, x_q ← max(0, x_q + (b_q − Σ_p Gram[q,p] x_p) / Gram[q,q]),
 * rounded to float32, left as it is when Gram[q,q] ≤ 0. x, b: k float64; Gram: k×k float64 (the
 * row's own G_r in the masked update).
 */
// @ts-ignore: decorator
@inline function sweepRow(x: usize, b: usize, gram: usize, uk: usize): void {
  for (let q: usize = 0; q < uk; q++) {
    const gq = gram + q * (uk << 3);
    const gqq = load<f64>(gq + (q << 3));
    if (!(gqq > 0)) continue;
    let dot: f64 = 0;
    for (let p: usize = 0; p < uk; p++) dot += load<f64>(x + (p << 3)) * load<f64>(gq + (p << 3));
    const o = x + (q << 3);
    const value = load<f64>(o) + (load<f64>(b + (q << 3)) - dot) / gqq;
    store<f64>(o, value > 0 ? <f64><f32>value : 0);
  }
}

/** Rows the SIMD build's coordinate sweep updates at once: four f64x2 vectors of two rows. */
const SWEEP_GROUP: usize = 8;

/** Bytes per coordinate in the group's scratch: SWEEP_GROUP float64 (vector v at 16 v). */
const LANES_BYTES: usize = SWEEP_GROUP << 3;

/** (f64(a[0]), f64(b[0])) from two float32 values. */
// @ts-ignore: decorator
@inline export function pairF32(a: usize, b: usize): v128 {
  return f64x2.replace_lane(f64x2.splat(<f64>load<f32>(a)), 1, <f64>load<f32>(b));
}

/**
 * Loads a group (rows r … r + 7, clamped to `last`) into scratch: x (k × 8 float64, coordinate q
 * at q · 64) and, after it, b in the same layout: (Num − Off) − shift, or with `perRow` (the
 * masked update) ((Num − Off) + c_r) − shift, c_r at terms + row · termBytes (k float64). The
 * float32 entries of x and Num are read four coordinates of two rows at a time and interleaved
 * into their pairs (the last k % 4 coordinates one pair at a time): the same values.
 */
// @ts-ignore: decorator
@inline function gatherGroup(
  scratch: usize, k: usize, x: usize, num: usize, offset: usize, offsetBytes: usize, r: usize, last: usize, shift: f64,
  perRow: bool, terms: usize, termBytes: usize,
): void {
  if (!ASC_FEATURE_SIMD) return;
  const rowBytes = k << 2;
  const shiftv = f64x2.splat(shift);
  for (let v: usize = 0; v < SWEEP_GROUP; v += 2) {
    const r0 = min(r + v, last), r1 = min(r + v + 1, last);
    const x0 = x + r0 * rowBytes, x1 = x + r1 * rowBytes;
    const n0 = num + r0 * rowBytes, n1 = num + r1 * rowBytes;
    const o0 = offset + r0 * offsetBytes, o1 = offset + r1 * offsetBytes;
    const c0 = terms + r0 * termBytes, c1 = terms + r1 * termBytes;
    const lane = scratch + (v << 3);
    let q: usize = 0;
    for (; q + 4 <= k; q += 4) {
      const xl = interleaveLow(x0 + (q << 2), x1 + (q << 2)), xh = interleaveHigh(x0 + (q << 2), x1 + (q << 2));
      const nl = interleaveLow(n0 + (q << 2), n1 + (q << 2)), nh = interleaveHigh(n0 + (q << 2), n1 + (q << 2));
      gatherPair(lane, k, q, promoteLow(xl), promoteLow(nl), o0, o1, perRow, c0, c1, shiftv);
      gatherPair(lane, k, q + 1, promoteHigh(xl), promoteHigh(nl), o0, o1, perRow, c0, c1, shiftv);
      gatherPair(lane, k, q + 2, promoteLow(xh), promoteLow(nh), o0, o1, perRow, c0, c1, shiftv);
      gatherPair(lane, k, q + 3, promoteHigh(xh), promoteHigh(nh), o0, o1, perRow, c0, c1, shiftv);
    }
    for (; q < k; q++) {
      const xq = pairF32(x0 + (q << 2), x1 + (q << 2));
      gatherPair(lane, k, q, xq, pairF32(n0 + (q << 2), n1 + (q << 2)), o0, o1, perRow, c0, c1, shiftv);
    }
  }
}

/**
 * Coordinate q of two rows (lanes at `lane`): x's pair, and b's: (Num − Off) (+ c) − shift, Off
 * and c read as float64 from each row's own.
 */
// @ts-ignore: decorator
@inline function gatherPair(
  lane: usize, k: usize, q: usize, x: v128, num: v128, o0: usize, o1: usize, perRow: bool, c0: usize, c1: usize,
  shiftv: v128,
): void {
  if (!ASC_FEATURE_SIMD) return;
  const at = lane + q * LANES_BYTES;
  v128.store(at, x);
  const off = v128.load64_lane(o1 + (q << 3), v128.load64_splat(o0 + (q << 3)), 1);
  let rhs = f64x2.sub(num, off);
  if (perRow) rhs = f64x2.add(rhs, v128.load64_lane(c1 + (q << 3), v128.load64_splat(c0 + (q << 3)), 1));
  v128.store(at + k * LANES_BYTES, f64x2.sub(rhs, shiftv));
}

/** (a[0], b[0], a[1], b[1]) from four float32 at a and at b. */
// @ts-ignore: decorator
@inline function interleaveLow(a: usize, b: usize): v128 {
  return i32x4.shuffle(v128.load(a), v128.load(b), 0, 4, 1, 5);
}

/** (a[2], b[2], a[3], b[3]) from four float32 at a and at b. */
// @ts-ignore: decorator
@inline function interleaveHigh(a: usize, b: usize): v128 {
  return i32x4.shuffle(v128.load(a), v128.load(b), 2, 6, 3, 7);
}

/**
 * One sweep over the k coordinates of the group in scratch (see the kernel for the step). The
 * curvature: one k×k matrix for every lane at `gram` (`perRow` false), or lane j's row's own, at
 * gram + min(r + j, last) · rowBytes (the masked update's G_r); then a lane whose G_r[q,q] is not
 * positive keeps its x_q, as the scalar sweep's skip does.
 */
// @ts-ignore: decorator
@inline function sweepGroup(
  scratch: usize, k: usize, gram: usize, perRow: bool, rowBytes: usize, r: usize, last: usize,
): void {
  if (!ASC_FEATURE_SIMD) return;
  const zero = f64x2.splat(0);
  const b = scratch + k * LANES_BYTES;
  const g0 = gram + min(r, last) * rowBytes, g1 = gram + min(r + 1, last) * rowBytes;
  const g2 = gram + min(r + 2, last) * rowBytes, g3 = gram + min(r + 3, last) * rowBytes;
  const g4 = gram + min(r + 4, last) * rowBytes, g5 = gram + min(r + 5, last) * rowBytes;
  const g6 = gram + min(r + 6, last) * rowBytes, g7 = gram + min(r + 7, last) * rowBytes;
  for (let q: usize = 0; q < k; q++) {
    const gq = q * (k << 3);
    if (!perRow && !(load<f64>(gram + gq + (q << 3)) > 0)) continue;
    let d0 = zero, d1 = zero, d2 = zero, d3 = zero;
    // p = 0 … k−1 in order, walking the addresses (at: Gram[q,p]'s offset, xp: x_p's lanes).
    const end = gq + (k << 3);
    for (let at = gq, xp = scratch; at < end; at += 8, xp += LANES_BYTES) {
      if (perRow) {
        d0 = f64x2.add(d0, f64x2.mul(v128.load(xp), lanePair(g0, g1, at)));
        d1 = f64x2.add(d1, f64x2.mul(v128.load(xp, 16), lanePair(g2, g3, at)));
        d2 = f64x2.add(d2, f64x2.mul(v128.load(xp, 32), lanePair(g4, g5, at)));
        d3 = f64x2.add(d3, f64x2.mul(v128.load(xp, 48), lanePair(g6, g7, at)));
      } else {
        const g = v128.load64_splat(gram + at);
        d0 = f64x2.add(d0, f64x2.mul(v128.load(xp), g));
        d1 = f64x2.add(d1, f64x2.mul(v128.load(xp, 16), g));
        d2 = f64x2.add(d2, f64x2.mul(v128.load(xp, 32), g));
        d3 = f64x2.add(d3, f64x2.mul(v128.load(xp, 48), g));
      }
    }
    const diagonal = gq + (q << 3);
    const xq = scratch + q * LANES_BYTES;
    const bq = b + q * LANES_BYTES;
    if (perRow) {
      v128.store(xq, stepKept(v128.load(xq), v128.load(bq), d0, lanePair(g0, g1, diagonal)));
      v128.store(xq, stepKept(v128.load(xq, 16), v128.load(bq, 16), d1, lanePair(g2, g3, diagonal)), 16);
      v128.store(xq, stepKept(v128.load(xq, 32), v128.load(bq, 32), d2, lanePair(g4, g5, diagonal)), 32);
      v128.store(xq, stepKept(v128.load(xq, 48), v128.load(bq, 48), d3, lanePair(g6, g7, diagonal)), 48);
    } else {
      const curvature = v128.load64_splat(gram + diagonal);
      v128.store(xq, stepLanes(v128.load(xq), v128.load(bq), d0, curvature));
      v128.store(xq, stepLanes(v128.load(xq, 16), v128.load(bq, 16), d1, curvature), 16);
      v128.store(xq, stepLanes(v128.load(xq, 32), v128.load(bq, 32), d2, curvature), 32);
      v128.store(xq, stepLanes(v128.load(xq, 48), v128.load(bq, 48), d3, curvature), 48);
    }
  }
}

/** (a[at], b[at]) as float64 lanes: one entry of two rows' curvature matrices. */
// @ts-ignore: decorator
@inline function lanePair(a: usize, b: usize, at: usize): v128 {
  return v128.load64_lane(b + at, v128.load64_splat(a + at), 1);
}

/** {@link stepLanes}, except that a lane whose curvature is not positive (or NaN) keeps x. */
// @ts-ignore: decorator
@inline function stepKept(x: v128, b: v128, dot: v128, curvature: v128): v128 {
  return v128.bitselect(stepLanes(x, b, dot, curvature), x, f64x2.gt(curvature, f64x2.splat(0)));
}

/** max(0, x + (b − dot) / curvature) per lane, rounded to float32 (a value ≤ 0 or NaN gives +0). */
// @ts-ignore: decorator
@inline function stepLanes(x: v128, b: v128, dot: v128, curvature: v128): v128 {
  const value = f64x2.add(x, f64x2.div(f64x2.sub(b, dot), curvature));
  const rounded = f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(value));
  return v128.bitselect(rounded, f64x2.splat(0), f64x2.gt(value, f64x2.splat(0)));
}

/**
 * Stores the group's x back to its rows, rounded to float32: four coordinates of two rows at a
 * time, de-interleaved into each row's quad (the last k % 4 one at a time). A repeated last row
 * gets the same values from each lane.
 */
// @ts-ignore: decorator
@inline function scatterGroup(scratch: usize, k: usize, x: usize, r: usize, last: usize): void {
  if (!ASC_FEATURE_SIMD) return;
  const rowBytes = k << 2;
  for (let v: usize = 0; v < SWEEP_GROUP; v += 2) {
    const x0 = x + min(r + v, last) * rowBytes, x1 = x + min(r + v + 1, last) * rowBytes;
    const lane = scratch + (v << 3);
    let q: usize = 0;
    for (; q + 4 <= k; q += 4) {
      const at = lane + q * LANES_BYTES;
      // (a_q, b_q, a_q+1, b_q+1) and (a_q+2, b_q+2, a_q+3, b_q+3), each pair rounded to float32.
      const low = i32x4.shuffle(
        f32x4.demote_f64x2_zero(v128.load(at)), f32x4.demote_f64x2_zero(v128.load(at, LANES_BYTES)), 0, 1, 4, 5,
      );
      const high = i32x4.shuffle(
        f32x4.demote_f64x2_zero(v128.load(at, 2 * LANES_BYTES)),
        f32x4.demote_f64x2_zero(v128.load(at, 3 * LANES_BYTES)),
        0, 1, 4, 5,
      );
      v128.store(x0 + (q << 2), i32x4.shuffle(low, high, 0, 2, 4, 6));
      v128.store(x1 + (q << 2), i32x4.shuffle(low, high, 1, 3, 5, 7));
    }
    for (; q < k; q++) {
      const xv = v128.load(lane + q * LANES_BYTES);
      store<f32>(x0 + (q << 2), <f32>f64x2.extract_lane(xv, 0));
      store<f32>(x1 + (q << 2), <f32>f64x2.extract_lane(xv, 1));
    }
  }
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


// Reductions: column sums, dot products, Gram matrices and the sums of per-task slots. Everything
// the loss is read from accumulates in float64 (docs/algorithm.md, numerics and the loss
// identity); every reduction visits its terms in a fixed order (the reduction-order rule).
// Lane-exact scalar loops in the scalar build (see vector.ts). Alignment: 4 bytes for float32
// arrays, 8 for float64 ones.

import { pairTile } from "./tiles";

/**
 * out (n float64, overwritten) = column sums of X (m×n float32): Xᵀ 1, rows in order (c(i) =
 * A(i)ᵀ1 and w(i) = W(i)ᵀ1 of the updates and the loss identity). Two columns per f64x2 step,
 * the n % 2 tail (and the scalar build) one at a time: every column its own sum, the same order.
 */
export function f32_colsum_f64(x: usize, m: i32, n: i32, out: usize): void {
  const rowBytes = <usize>n << 2;
  let j: usize = 0;
  if (ASC_FEATURE_SIMD) {
    // Columns in chunks of 16 sums held in registers, so each row adds to them without a trip
    // through memory; then pairs of columns.
    const n2 = <usize>n & ~1;
    for (; j + 16 <= n2; j += 16) {
      let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
      let s4 = f64x2.splat(0), s5 = f64x2.splat(0), s6 = f64x2.splat(0), s7 = f64x2.splat(0);
      for (let r: usize = 0; r < <usize>m; r++) {
        const xr = x + r * rowBytes + (j << 2);
        s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v128.load64_zero(xr)));
        s1 = f64x2.add(s1, f64x2.promote_low_f32x4(v128.load64_zero(xr, 8)));
        s2 = f64x2.add(s2, f64x2.promote_low_f32x4(v128.load64_zero(xr, 16)));
        s3 = f64x2.add(s3, f64x2.promote_low_f32x4(v128.load64_zero(xr, 24)));
        s4 = f64x2.add(s4, f64x2.promote_low_f32x4(v128.load64_zero(xr, 32)));
        s5 = f64x2.add(s5, f64x2.promote_low_f32x4(v128.load64_zero(xr, 40)));
        s6 = f64x2.add(s6, f64x2.promote_low_f32x4(v128.load64_zero(xr, 48)));
        s7 = f64x2.add(s7, f64x2.promote_low_f32x4(v128.load64_zero(xr, 56)));
      }
      const o = out + (j << 3);
      v128.store(o, s0);
      v128.store(o, s1, 16);
      v128.store(o, s2, 32);
      v128.store(o, s3, 48);
      v128.store(o, s4, 64);
      v128.store(o, s5, 80);
      v128.store(o, s6, 96);
      v128.store(o, s7, 112);
    }
    for (; j < n2; j += 2) {
      let s = f64x2.splat(0);
      for (let r: usize = 0; r < <usize>m; r++) {
        s = f64x2.add(s, f64x2.promote_low_f32x4(v128.load64_zero(x + r * rowBytes + (j << 2))));
      }
      v128.store(out + (j << 3), s);
    }
  }
  for (; j < <usize>n; j++) {
    let s: f64 = 0;
    for (let r: usize = 0; r < <usize>m; r++) s += <f64>load<f32>(x + r * rowBytes + (j << 2));
    store<f64>(out + (j << 3), s);
  }
}

/**
 * out[j] (n float64, overwritten) = Σ of the values in column j of a CSR matrix (indices and
 * values of its nnz entries): csr's Aᵀ1, entries in stored order. Scalar. Not checked: indices in
 * [0, n).
 */
export function csr_colsum_f64(indices: usize, values: usize, nnz: i32, n: i32, out: usize): void {
  memory.fill(out, 0, <usize>n << 3);
  for (let e: usize = 0; e < <usize>nnz; e++) {
    const o = out + (<usize>load<i32>(indices + (e << 2)) << 3);
    store<f64>(o, load<f64>(o) + <f64>load<f32>(values + (e << 2)));
  }
}


/**
 * Σ x[i] y[i], x and y float32 (len entries), products and sum in float64, i in order (‖A‖²,
 * vᵀv, vᵀc and ⟨W, P⟩ of the loss identity, docs/algorithm.md). Scalar (no SIMD path).
 */
export function f32_dot_f64(x: usize, y: usize, len: i32): f64 {
  let s: f64 = 0;
  for (let i: usize = 0; i < <usize>len; i++) s += <f64>load<f32>(x + (i << 2)) * <f64>load<f32>(y + (i << 2));
  return s;
}

/**
 * out += XᵀX (n×n float64) for X m×n float32 (W(i)ᵀW(i) with X = W(i), H Hᵀ with X = Hᵀ,
 * NNDSVD's small Gram matrices), exactly symmetric. The products are formed in float64 (exact: a
 * float32 product never rounds nor underflows there, where float32 products of the tiny entries
 * multiplicative updates leave would be subnormal and take an x86 microcode assist each) and
 * summed in float64 (docs/algorithm.md, numerics): D[p][q] = Σ_r x_rp·x_rq, one sum from +0 over
 * the rows in order, for q ≥ p; then out[p][q] += D[p][q] and out[q][p] += D[p][q]. Both halves
 * get the same sum, so a symmetric out stays exactly symmetric, and a caller that zeroes out and
 * sums blocks into it gets Σ_blocks D in block order (the reduction-order rule); 0 + D = D
 * exactly (D is never −0: its sums start at +0).
 *
 * D is kept in scratch by pairs of rows (nE = n rounded up to even): rows p0 and p0 + 1 (p0 even)
 * hold columns p0 … nE − 1 each, so the pair's entry (p0 + 1, p0) is there too and never read
 * ({@link gramRow}). The SIMD build promotes {@link GRAM_CHUNK} rows of X at a time to float64
 * (a zero in the odd column) and adds them into D through register tiles of a pair of rows by
 * eight columns (eight f64x2 sums), then by the 2, 4 or 6 left, each tile's sums kept in
 * registers over the chunk's rows; the scalar build adds row after row. Every entry of D sees the
 * same terms in the same order in both: the same bits.
 *
 * scratch: nE(nE + 2)/2 + GRAM_CHUNK·nE float64, 16-byte aligned: D, then the promoted rows (the
 * SDK's `gramScratchBytes`, sdk/runtime/kernels.ts). Alignment: 4 bytes for X, 8 for out. Not
 * checked: sizes, overlaps (X, out and scratch must be disjoint).
 */
export function f32_gram_f64(x: usize, m: i32, n: i32, out: usize, scratch: usize): void {
  const un = <usize>n;
  const nE = un + (un & 1);
  const dBytes = (nE * (nE + 2)) << 2;
  memory.fill(scratch, 0, dBytes);
  if (ASC_FEATURE_SIMD) {
    const chunk = scratch + dBytes;
    for (let r: usize = 0; r < <usize>m; r += GRAM_CHUNK) {
      const rows = min(GRAM_CHUNK, <usize>m - r);
      promoteRows(x + r * (un << 2), rows, un, nE, chunk);
      addChunkGram(chunk, rows, nE, scratch);
    }
  } else {
    for (let r: usize = 0; r < <usize>m; r++) {
      const xr = x + r * (un << 2);
      for (let p: usize = 0; p < un; p++) {
        const v = <f64>load<f32>(xr + (p << 2));
        const d = gramRow(scratch, nE, p);
        for (let q = p; q < un; q++) {
          const at = d + (q << 3);
          store<f64>(at, load<f64>(at) + v * <f64>load<f32>(xr + (q << 2)));
        }
      }
    }
  }
  addSymmetric(scratch, un, nE, out);
}

/** Rows of X the SIMD Gram kernel promotes to float64 at a time (scratch: GRAM_CHUNK·nE float64). */
const GRAM_CHUNK: usize = 32;

/**
 * Row p of D in the paired layout, as the address of its column 0: entry (p, q) is at
 * gramRow(d, nE, p) + q · 8 for q ≥ p0 = p rounded down to even (the columns before p0 are not
 * stored; the address stays ≥ d). The pairs before p0 take Σ_{p' < p0, even} 2(nE − p') = p0·nE −
 * p0(p0 − 2)/2 float64, and row p0 + 1 follows row p0 (nE − p0 entries). 16-byte aligned when D is.
 */
// @ts-ignore: decorator
@inline function gramRow(d: usize, nE: usize, p: usize): usize {
  const p0 = p & ~(<usize>1);
  const pair = p0 * nE - ((p0 * (p0 - 2)) >> 1);
  return d + ((pair + (p & 1) * (nE - p0) - p0) << 3);
}

/** chunk (rows×nE float64) = the float64 values of rows×n float32 at x, a zero in column n < nE. */
// @ts-ignore: decorator
@inline function promoteRows(x: usize, rows: usize, n: usize, nE: usize, chunk: usize): void {
  if (!ASC_FEATURE_SIMD) return;
  const pairs = n & ~(<usize>1);
  for (let r: usize = 0; r < rows; r++) {
    const xr = x + r * (n << 2);
    const cr = chunk + r * (nE << 3);
    for (let q: usize = 0; q < pairs; q += 2) v128.store(cr + (q << 3), f64x2.promote_low_f32x4(v128.load64_zero(xr + (q << 2))));
    if (pairs < n) v128.store(cr + (pairs << 3), f64x2.replace_lane(f64x2.splat(0), 0, <f64>load<f32>(xr + (pairs << 2))));
  }
}

/**
 * D[p][q] += Σ_r c_rp·c_rq over the chunk's rows in order (c: rows×nE float64, D paired), for
 * every pair of rows p0, p0 + 1 of D and q from p0 on: tiles of four column pairs, then one of
 * the 1, 2 or 3 pairs left (one tile, not pair by pair: each tile's loop and stores cost alike).
 */
// @ts-ignore: decorator
@inline function addChunkGram(c: usize, rows: usize, nE: usize, d: usize): void {
  if (!ASC_FEATURE_SIMD) return;
  const rowBytes = nE << 3;
  for (let p: usize = 0; p < nE; p += 2) {
    const d0 = gramRow(d, nE, p), d1 = gramRow(d, nE, p + 1);
    let q = p;
    for (; q + 8 <= nE; q += 8) gramTile(c, rows, rowBytes, p, q, d0, d1, 4);
    const left = (nE - q) >> 1;
    if (left == 3) gramTile(c, rows, rowBytes, p, q, d0, d1, 3);
    else if (left == 2) gramTile(c, rows, rowBytes, p, q, d0, d1, 2);
    else if (left == 1) gramTile(c, rows, rowBytes, p, q, d0, d1, 1);
  }
}

/**
 * D[p][q … q + 2·pairs) and D[p+1][same] += the chunk's products (rows p, p + 1 of D at d0, d1 as
 * {@link gramRow} gives them), through the shared register tile (tiles.ts); pairs 1 to 4, a
 * constant at every call.
 */
// @ts-ignore: decorator
@inline function gramTile(
  c: usize, rows: usize, rowBytes: usize, p: usize, q: usize, d0: usize, d1: usize, pairs: i32,
): void {
  pairTile(d0 + (q << 3), d1 + (q << 3), c, rows, rowBytes, p << 3, q << 3, pairs, false, false, 0, 0);
}

/** out[p][q] += D[p][q] and out[q][p] += D[p][q] (q > p) for D paired, out n×n. */
// @ts-ignore: decorator
@inline function addSymmetric(d: usize, un: usize, nE: usize, out: usize): void {
  for (let p: usize = 0; p < un; p++) {
    const row = gramRow(d, nE, p);
    for (let q = p; q < un; q++) {
      const v = load<f64>(row + (q << 3));
      const o = out + (p * un + q) * 8;
      store<f64>(o, load<f64>(o) + v);
      if (q != p) {
        const t = out + (q * un + p) * 8;
        store<f64>(t, load<f64>(t) + v);
      }
    }
  }
}

/**
 * dst[0..len) = Σ_{s < slots} src[s·stride + 0..len), float32, slots added in order 0, 1, …
 * (docs/algorithm.md, the reduction-order rule: what makes threaded results independent of the
 * thread count). f32x4 over len & ~3 entries, the len % 4 tail scalar, the same order per entry.
 * dst may be slot 0 itself; no other overlap.
 */
export function f32_sum_slots(dst: usize, src: usize, slots: i32, stride: i32, len: i32): void {
  const strideBytes = <usize>stride << 2;
  const end = <usize>len << 2;
  let j: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const len4 = <usize>(len & ~3) << 2;
    for (; j < len4; j += 16) {
      let acc = v128.load(src + j);
      for (let s = 1; s < slots; s++) acc = f32x4.add(acc, v128.load(src + <usize>s * strideBytes + j));
      v128.store(dst + j, acc);
    }
  }
  for (; j < end; j += 4) {
    let acc = load<f32>(src + j);
    for (let s = 1; s < slots; s++) acc += load<f32>(src + <usize>s * strideBytes + j);
    store<f32>(dst + j, acc);
  }
}


/**
 * dst[0..len) = Σ_{s < slots} src[s·stride + 0..len), float64, slots added in order 0, 1, …
 * (the reduction-order rule, as f32_sum_slots). Scalar. dst may be slot 0 itself.
 */
export function f64_sum_slots(dst: usize, src: usize, slots: i32, stride: i32, len: i32): void {
  const strideBytes = <usize>stride << 3;
  for (let j: usize = 0; j < <usize>len << 3; j += 8) {
    let acc = load<f64>(src + j);
    for (let s = 1; s < slots; s++) acc += load<f64>(src + <usize>s * strideBytes + j);
    store<f64>(dst + j, acc);
  }
}


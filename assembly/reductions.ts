// Reductions: column sums, dot products, Gram matrices and the sums of per-task slots. Everything
// the loss is read from accumulates in float64 (docs/algorithm.md, numerics and the loss
// identity); every reduction visits its terms in a fixed order (the reduction-order rule).
// Lane-exact scalar loops in the scalar build (see vector.ts). Alignment: 4 bytes for float32
// arrays, 8 for float64 ones.

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
 * The Gram matrix XᵀX (n×n float64) of X m×n float32 (W(i)ᵀW(i) with X = W(i), H Hᵀ with X = Hᵀ,
 * NNDSVD's small Gram matrices), exactly symmetric:
 *
 *   scratch ≠ 0:  out += XᵀX   (the block's sums formed in scratch, then added to both halves)
 *   scratch = 0:  out  = XᵀX   (the sums formed in out itself, then spread over both halves)
 *
 * The products are formed in float64 (exact: a float32 product never rounds nor underflows there,
 * where float32 products of the tiny entries multiplicative updates leave would be subnormal and
 * take an x86 microcode assist each) and summed in float64 (docs/algorithm.md, numerics) into
 * the upper triangle D (p ≤ q) of this call's XᵀX, kept as packed rows (row p holds q = p … n−1,
 * n(n+1)/2 float64): four rows of X at a time, two entries (f64x2) per step, the products of the
 * four rows added in row order (D + x0p·x0q + x1p·x1q + x2p·x2q + x3p·x3q); a last m % 4 rows one
 * at a time; the SIMD build's odd last entry of a packed row in scalar, the same order. Then
 * with scratch, out[p][q] += D[p][q] and out[q][p] += D[p][q]: both halves get the same sum,
 * so a symmetric out stays exactly symmetric, and a caller that zeroes out and sums blocks into
 * it gets Σ_blocks D in block order (the reduction-order rule). Without scratch, D is unpacked in
 * place into out (out[p][q] = out[q][p] = D[p][q]): the same bits as zeroing out and passing a
 * scratch, since 0 + D = D exactly (D is never −0: its sums start at +0).
 *
 * scratch: n(n+1)/2 float64, 8-byte aligned. Alignment: 4 bytes for X, 8 for out. Not checked:
 * sizes, overlaps (X, out and scratch must be disjoint).
 */
export function f32_gram_f64(x: usize, m: i32, n: i32, out: usize, scratch: usize): void {
  const un = <usize>n;
  if (scratch != 0) {
    packedGram(x, m, n, scratch);
    addPackedSymmetric(scratch, un, out);
  } else {
    packedGram(x, m, n, out);
    unpackSymmetric(out, un);
  }
}

/** d0 (n(n+1)/2 float64, packed upper rows) = the upper triangle of XᵀX, as f32_gram_f64 says. */
// @ts-ignore: decorator
@inline function packedGram(x: usize, m: i32, n: i32, d0: usize): void {
  const un = <usize>n;
  const rowBytes = un << 2;
  memory.fill(d0, 0, (un * (un + 1) >> 1) << 3);
  const um = <usize>m;
  let r: usize = 0;
  for (; r + 4 <= um; r += 4) {
    const x0 = x + r * rowBytes;
    const x1 = x0 + rowBytes;
    const x2 = x1 + rowBytes;
    const x3 = x2 + rowBytes;
    let d = d0;
    for (let p: usize = 0; p < un; p++) {
      const pb = p << 2;
      const v0 = <f64>load<f32>(x0 + pb);
      const v1 = <f64>load<f32>(x1 + pb);
      const v2 = <f64>load<f32>(x2 + pb);
      const v3 = <f64>load<f32>(x3 + pb);
      let q = p;
      if (ASC_FEATURE_SIMD) {
        const a0 = f64x2.splat(v0), a1 = f64x2.splat(v1), a2 = f64x2.splat(v2), a3 = f64x2.splat(v3);
        for (; q + 2 <= un; q += 2) {
          const qb = q << 2;
          let acc = v128.load(d);
          acc = f64x2.add(acc, f64x2.mul(a0, f64x2.promote_low_f32x4(v128.load64_zero(x0 + qb))));
          acc = f64x2.add(acc, f64x2.mul(a1, f64x2.promote_low_f32x4(v128.load64_zero(x1 + qb))));
          acc = f64x2.add(acc, f64x2.mul(a2, f64x2.promote_low_f32x4(v128.load64_zero(x2 + qb))));
          acc = f64x2.add(acc, f64x2.mul(a3, f64x2.promote_low_f32x4(v128.load64_zero(x3 + qb))));
          v128.store(d, acc);
          d += 16;
        }
      }
      for (; q < un; q++) {
        const qb = q << 2;
        store<f64>(d, load<f64>(d) +
          v0 * <f64>load<f32>(x0 + qb) +
          v1 * <f64>load<f32>(x1 + qb) +
          v2 * <f64>load<f32>(x2 + qb) +
          v3 * <f64>load<f32>(x3 + qb));
        d += 8;
      }
    }
  }
  for (; r < um; r++) {
    const x0 = x + r * rowBytes;
    let d = d0;
    for (let p: usize = 0; p < un; p++) {
      const v0 = <f64>load<f32>(x0 + (p << 2));
      for (let q = p; q < un; q++) {
        store<f64>(d, load<f64>(d) + v0 * <f64>load<f32>(x0 + (q << 2)));
        d += 8;
      }
    }
  }
}

/** out[p][q] += D[p][q] and out[q][p] += D[p][q] (q > p) for packed upper rows D, out n×n. */
// @ts-ignore: decorator
@inline function addPackedSymmetric(d0: usize, un: usize, out: usize): void {
  let d = d0;
  for (let p: usize = 0; p < un; p++) {
    for (let q = p; q < un; q++) {
      const v = load<f64>(d);
      const o = out + (p * un + q) * 8;
      store<f64>(o, load<f64>(o) + v);
      if (q != p) {
        const t = out + (q * un + p) * 8;
        store<f64>(t, load<f64>(t) + v);
      }
      d += 8;
    }
  }
}

/**
 * out (n×n) = the symmetric matrix whose packed upper rows out holds at its start. In place,
 * from the last packed entry back: entry (p, q) sits at p·n − p(p−1)/2 + q − p ≤ p·n + q ≤ q·n + p,
 * so every write lands at or past the entry being read, never on one not yet read.
 */
function unpackSymmetric(out: usize, un: usize): void {
  let d = out + ((un * (un + 1)) >> 1) * 8;
  for (let p = un; p > 0; p--) {
    const r = p - 1;
    for (let q = un; q > r; q--) {
      const c = q - 1;
      d -= 8;
      const v = load<f64>(d);
      store<f64>(out + (r * un + c) * 8, v);
      store<f64>(out + (c * un + r) * 8, v);
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


// Reductions and small products. Everything the loss is read from accumulates in float64.

/** out (n, float64, overwritten) = column sums of X (m×n float32): Xᵀ 1. */
export function f32_colsum_f64(x: usize, m: i32, n: i32, out: usize): void {
  const rowBytes = <usize>n << 2;
  memory.fill(out, 0, <usize>n << 3);
  for (let r = 0; r < m; r++) {
    const xr = x + <usize>r * rowBytes;
    for (let j: usize = 0; j < <usize>n; j++) {
      const o = out + (j << 3);
      store<f64>(o, load<f64>(o) + <f64>load<f32>(xr + (j << 2)));
    }
  }
}

/**
 * Σ x[i] y[i], x and y float32, products and sum in float64 (‖A‖², vᵀv, vᵀc and ⟨W, P⟩ of the
 * loss identity).
 */
export function f32_dot_f32_f64(x: usize, y: usize, len: i32): f64 {
  let s: f64 = 0;
  for (let i: usize = 0; i < <usize>len; i++) s += <f64>load<f32>(x + (i << 2)) * <f64>load<f32>(y + (i << 2));
  return s;
}

/**
 * dst (n×m) = srcᵀ for src m×n float32; with accumulate ≠ 0, dst += srcᵀ instead.
 * src and dst must not overlap.
 */
export function f32_transpose(src: usize, m: i32, n: i32, dst: usize, accumulate: i32): void {
  const um = <usize>m;
  const un = <usize>n;
  for (let r: usize = 0; r < um; r++) {
    const sr = src + r * un * 4;
    for (let c: usize = 0; c < un; c++) {
      const d = dst + (c * um + r) * 4;
      const x = load<f32>(sr + (c << 2));
      store<f32>(d, accumulate != 0 ? load<f32>(d) + x : x);
    }
  }
}

/**
 * out (n×n float64) += XᵀX for X m×n float32 (m rows, tall: Hᵀ is n×k). The products are
 * formed in float64 (exact: a float32 product never rounds nor underflows there, where float32
 * products of the tiny entries multiplicative updates leave would be subnormal and take an x86
 * microcode assist each) and summed in float64 into the upper triangle D (p ≤ q) of this call's
 * XᵀX, kept in scratch as packed rows (row p holds q = p … n-1): four rows of X at a time, two
 * entries (f64x2) per step, the products of the four rows added in row order; a last m % 4 rows
 * one at a time. Then out[p][q] += D[p][q] and out[q][p] += D[p][q]: both halves get the same
 * sum, so a symmetric out stays exactly symmetric.
 * scratch: at least n·nPad + nPad float32 (nPad = n rounded up to 4), ≥ n(n+1)/2 float64.
 */
export function f32_gram_acc_f64(x: usize, m: i32, n: i32, out: usize, scratch: usize): void {
  const un = <usize>n;
  const rowBytes = un << 2;
  memory.fill(scratch, 0, (un * (un + 1) >> 1) << 3);
  const um = <usize>m;
  let r: usize = 0;
  for (; r + 4 <= um; r += 4) {
    const x0 = x + r * rowBytes;
    const x1 = x0 + rowBytes;
    const x2 = x1 + rowBytes;
    const x3 = x2 + rowBytes;
    let d = scratch;
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
    let d = scratch;
    for (let p: usize = 0; p < un; p++) {
      const v0 = <f64>load<f32>(x0 + (p << 2));
      for (let q = p; q < un; q++) {
        store<f64>(d, load<f64>(d) + v0 * <f64>load<f32>(x0 + (q << 2)));
        d += 8;
      }
    }
  }
  let d = scratch;
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

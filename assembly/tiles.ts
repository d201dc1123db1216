// Register tiles shared by the kernels that form Gram-like sums over a block of float64 rows: the
// Gram matrix (reductions.ts, D += XᵀX) and the masked curvatures (updates/masked.ts, G_r −= the
// unobserved entries' outer products). SIMD only: each kernel's scalar build keeps its own loop
// with the same sums in the same order.

/**
 * A row-pair tile over `rows` float64 rows from x (rowBytes apart), in 2 · pairs f64x2 registers:
 *
 *   out0[0 … 2·pairs) ±= Σ_t x_t[s] · x_t[v … v + 2·pairs)
 *   out1[0 … 2·pairs) ±= Σ_t x_t[s + 1] · x_t[v … v + 2·pairs)
 *
 * (s, v: byte offsets of columns within a row; + or, with `subtract`, −), each entry one sum from
 * its stored value over the rows in order. With `withC`, also, in the same pass,
 * c[0, 1] += Σ_t z_t · x_t[s, s + 1] (z: `rows` float64 at zs). `pairs` (1 to 4), `subtract` and
 * `withC` are constants at every call, so that each call inlines to a loop without the unused
 * accumulators (four pairs with the c-term would exceed the 15 vector registers V8 allocates on
 * x64). Alignment: 8 bytes.
 */
// @ts-ignore: decorator
@inline export function pairTile(
  out0: usize, out1: usize, x: usize, rows: usize, rowBytes: usize, s: usize, v: usize,
  pairs: i32, subtract: bool, withC: bool, c: usize, zs: usize,
): void {
  if (!ASC_FEATURE_SIMD) return;
  const zero = f64x2.splat(0);
  let a0 = v128.load(out0), a1 = zero, a2 = zero, a3 = zero;
  let b0 = v128.load(out1), b1 = zero, b2 = zero, b3 = zero;
  if (pairs > 1) a1 = v128.load(out0, 16), b1 = v128.load(out1, 16);
  if (pairs > 2) a2 = v128.load(out0, 32), b2 = v128.load(out1, 32);
  if (pairs > 3) a3 = v128.load(out0, 48), b3 = v128.load(out1, 48);
  let cs = withC ? v128.load(c) : zero;
  let xs = x + s, xv = x + v, z = zs;
  for (let t: usize = 0; t < rows; t++) {
    const s0 = v128.load64_splat(xs), s1 = v128.load64_splat(xs, 8);
    const y0 = v128.load(xv);
    a0 = accumulate(a0, s0, y0, subtract);
    b0 = accumulate(b0, s1, y0, subtract);
    if (pairs > 1) {
      const y = v128.load(xv, 16);
      a1 = accumulate(a1, s0, y, subtract);
      b1 = accumulate(b1, s1, y, subtract);
    }
    if (pairs > 2) {
      const y = v128.load(xv, 32);
      a2 = accumulate(a2, s0, y, subtract);
      b2 = accumulate(b2, s1, y, subtract);
    }
    if (pairs > 3) {
      const y = v128.load(xv, 48);
      a3 = accumulate(a3, s0, y, subtract);
      b3 = accumulate(b3, s1, y, subtract);
    }
    if (withC) cs = f64x2.add(cs, f64x2.mul(v128.load64_splat(z), v128.load(xs)));
    xs += rowBytes;
    xv += rowBytes;
    if (withC) z += 8;
  }
  v128.store(out0, a0);
  v128.store(out1, b0);
  if (pairs > 1) v128.store(out0, a1, 16), v128.store(out1, b1, 16);
  if (pairs > 2) v128.store(out0, a2, 32), v128.store(out1, b2, 32);
  if (pairs > 3) v128.store(out0, a3, 48), v128.store(out1, b3, 48);
  if (withC) v128.store(c, cs);
}

/** acc + a · y, or with `subtract` acc − a · y (a constant at every call). */
// @ts-ignore: decorator
@inline function accumulate(acc: v128, a: v128, y: v128, subtract: bool): v128 {
  if (!ASC_FEATURE_SIMD) return acc;
  return subtract ? f64x2.sub(acc, f64x2.mul(a, y)) : f64x2.add(acc, f64x2.mul(a, y));
}

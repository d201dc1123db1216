// Length-n vector helpers shared by the kernels, inlined at every call site.
//
// SIMD and scalar builds. The same source compiles twice (asconfig.json targets): with
// `--enable simd` and without. `ASC_FEATURE_SIMD` is a compile-time constant, so code under
// `if (ASC_FEATURE_SIMD)` is not even compiled into the scalar build, and every v128 use must sit
// in such a branch (the scalar build fails to compile otherwise). The scalar twin of a SIMD loop
// is lane-exact: an element-wise loop (y += a·x) is the SIMD loop's own scalar tail run from 0;
// a reduction keeps one scalar accumulator per lane, visits the same elements in the same order
// and combines the lanes as the SIMD code does. WebAssembly's f32x4/f64x2 arithmetic is IEEE
// per lane (no fused multiply-add), so both builds produce the same bits
// (tests/scalar_test.ts checks every kernel and whole fits).

/** Horizontal sum of the four lanes. */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) +
    f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/**
 * dot(x[0..n), y[0..n)) in float32: four lane sums over the first n & ~3 elements (lane l takes
 * the j with j % 4 = l; an f32x4 accumulator, or its scalar twin), added lane 0 + 1 + 2 + 3,
 * then the n % 4 tail.
 */
// @ts-ignore: decorator
@inline export function dotRow(x: usize, y: usize, n: i32): f32 {
  const n4 = <usize>(n & ~3) << 2;
  let j: usize = 0;
  let s: f32;
  if (ASC_FEATURE_SIMD) {
    let acc = f32x4.splat(0);
    for (; j < n4; j += 16) acc = f32x4.add(acc, f32x4.mul(v128.load(x + j), v128.load(y + j)));
    s = hsum(acc);
  } else {
    let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
    for (; j < n4; j += 16) {
      s0 += load<f32>(x + j) * load<f32>(y + j);
      s1 += load<f32>(x + j + 4) * load<f32>(y + j + 4);
      s2 += load<f32>(x + j + 8) * load<f32>(y + j + 8);
      s3 += load<f32>(x + j + 12) * load<f32>(y + j + 12);
    }
    s = s0 + s1 + s2 + s3;
  }
  const end = <usize>n << 2;
  for (; j < end; j += 4) s += load<f32>(x + j) * load<f32>(y + j);
  return s;
}

/** y[0..n) += alpha · x[0..n) in float32. */
// @ts-ignore: decorator
@inline export function axpyRow(y: usize, alpha: f32, x: usize, n: i32): void {
  const n4 = <usize>(n & ~3) << 2;
  let j: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const a = f32x4.splat(alpha);
    for (; j < n4; j += 16) v128.store(y + j, f32x4.add(v128.load(y + j), f32x4.mul(a, v128.load(x + j))));
  }
  const end = <usize>n << 2;
  for (; j < end; j += 4) store<f32>(y + j, load<f32>(y + j) + alpha * load<f32>(x + j));
}

/** Lanes 0 and 1 of a float32 quad as float64. */
// @ts-ignore: decorator
@inline export function promoteLow(v: v128): v128 {
  if (!ASC_FEATURE_SIMD) return v;
  return f64x2.promote_low_f32x4(v);
}

/** Lanes 2 and 3 of a float32 quad as float64. */
// @ts-ignore: decorator
@inline export function promoteHigh(v: v128): v128 {
  if (!ASC_FEATURE_SIMD) return v;
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3));
}

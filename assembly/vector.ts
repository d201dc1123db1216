// Length-n vector helpers shared by the kernels, inlined at every call site.

/** Horizontal sum of the four lanes. */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) +
    f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** dot(x[0..n), y[0..n)) in float32, four lanes then the n % 4 tail. */
// @ts-ignore: decorator
@inline export function dotRow(x: usize, y: usize, n: i32): f32 {
  const n4 = <usize>(n & ~3) << 2;
  let acc = f32x4.splat(0);
  let j: usize = 0;
  for (; j < n4; j += 16) acc = f32x4.add(acc, f32x4.mul(v128.load(x + j), v128.load(y + j)));
  let s = hsum(acc);
  const end = <usize>n << 2;
  for (; j < end; j += 4) s += load<f32>(x + j) * load<f32>(y + j);
  return s;
}

/** y[0..n) += alpha · x[0..n) in float32. */
// @ts-ignore: decorator
@inline export function axpyRow(y: usize, alpha: f32, x: usize, n: i32): void {
  const n4 = <usize>(n & ~3) << 2;
  const a = f32x4.splat(alpha);
  let j: usize = 0;
  for (; j < n4; j += 16) v128.store(y + j, f32x4.add(v128.load(y + j), f32x4.mul(a, v128.load(x + j))));
  const end = <usize>n << 2;
  for (; j < end; j += 4) store<f32>(y + j, load<f32>(y + j) + alpha * load<f32>(x + j));
}

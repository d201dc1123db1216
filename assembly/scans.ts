// Scans over stored float32 values: the checks and the change of units of loading, and the
// column extremes a start and a model record. Elementwise or order-free (min and max are exact),
// so the SIMD build (f32x4 lanes over entries or columns) and the scalar build give the same
// results.

/** The largest float32 value accepted as data (every finite float32 ≥ 0 is). */
const F32_MAX: f32 = 3.4028234663852886e38;

/**
 * Index of the first of `len` float32 values at x that is NaN, negative or infinite (what loading
 * refuses), or −1 when every one is in [0, F32_MAX] (−0 included). As a float64: the registry's
 * only result type.
 */
export function f32_find_invalid(x: usize, len: i32): f64 {
  const n = <usize>len;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0), most = f32x4.splat(F32_MAX);
    // A vector with a bad lane ends the vector loop; the scalar loop below finds the lane.
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(x + (i << 2));
      if (!i32x4.all_true(v128.and(f32x4.ge(v, zero), f32x4.le(v, most)))) break;
    }
  }
  for (; i < n; i++) {
    const v = load<f32>(x + (i << 2));
    if (!(v >= 0 && v <= F32_MAX)) return <f64>i;
  }
  return -1;
}

/** The largest of `len` float32 values at x (as float64; 0 when len is 0 or every value is ≤ 0). */
export function f32_max(x: usize, len: i32): f64 {
  const n = <usize>len;
  let largest: f32 = 0;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    let acc = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) acc = f32x4.max(acc, v128.load(x + (i << 2)));
    const low = max(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1));
    largest = max(low, max(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)));
  }
  for (; i < n; i++) largest = max(largest, load<f32>(x + (i << 2)));
  return <f64>largest;
}

/**
 * x[i] ← f32(f64(x[i]) · factor), or f32(f64(x[i]) / factor) when `divide` ≠ 0, for `len` float32
 * values at x, in place, rounded once: a stratum's weight root, or a change of units (a division,
 * exact before the rounding when factor is a power of two).
 */
export function f32_rescale_f64(x: usize, len: i32, factor: f64, divide: i32): void {
  if (divide != 0) rescale(x, <usize>len, factor, true);
  else rescale(x, <usize>len, factor, false);
}

/** {@link f32_rescale_f64} with the operation fixed: two f64x2 lanes per step, the len % 4 last in scalar. */
// @ts-ignore: decorator
@inline function rescale(x: usize, n: usize, factor: f64, divide: bool): void {
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const f = f64x2.splat(factor);
    for (; i + 4 <= n; i += 4) {
      const p = x + (i << 2);
      const v = v128.load(p);
      const lowIn = f64x2.promote_low_f32x4(v);
      const highIn = f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
      const low = divide ? f64x2.div(lowIn, f) : f64x2.mul(lowIn, f);
      const high = divide ? f64x2.div(highIn, f) : f64x2.mul(highIn, f);
      v128.store(p, i32x4.shuffle(f32x4.demote_f64x2_zero(low), f32x4.demote_f64x2_zero(high), 0, 1, 4, 5));
    }
  }
  for (; i < n; i++) {
    const p = x + (i << 2);
    const v = <f64>load<f32>(p);
    store<f32>(p, <f32>(divide ? v / factor : v * factor));
  }
}

/**
 * out[j] (n float32, overwritten) = min over the rows of column j of A (m×n float32, m ≥ 1: not
 * checked): the starting shift v0(i) of a dense stratum (NNDSVD).
 */
export function f32_colmin(a: usize, m: i32, n: i32, out: usize): void {
  columnExtremes(a, m, n, out, false);
}

/** out[j] (n float32, overwritten) = max over the rows of column j of A (m×n float32, m ≥ 1: not checked). */
export function f32_colmax(a: usize, m: i32, n: i32, out: usize): void {
  columnExtremes(a, m, n, out, true);
}

/** Column minima or maxima (`largest`) of A m×n into out: four columns per f32x4, the n % 4 last in scalar. */
// @ts-ignore: decorator
@inline function columnExtremes(a: usize, m: i32, n: i32, out: usize, largest: bool): void {
  const rowBytes = <usize>n << 2;
  memory.copy(out, a, rowBytes);
  let j: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; j + 16 <= rowBytes; j += 16) {
      let acc = v128.load(out + j);
      for (let r = 1; r < m; r++) {
        const v = v128.load(a + <usize>r * rowBytes + j);
        acc = largest ? f32x4.max(acc, v) : f32x4.min(acc, v);
      }
      v128.store(out + j, acc);
    }
  }
  for (; j < rowBytes; j += 4) {
    let acc = load<f32>(out + j);
    for (let r = 1; r < m; r++) {
      const v = load<f32>(a + <usize>r * rowBytes + j);
      acc = largest ? max(acc, v) : min(acc, v);
    }
    store<f32>(out + j, acc);
  }
}

// The machine's SIMD multiply-add ceilings in this runtime, in the form the dense product kernel
// uses (its 4-row × 2-topic tile) but on data that stays in L1: per step, 4 + 2 vector loads from
// a 6 KiB buffer and 8 independent accumulators acc ← acc + x · y. Wasm SIMD has no fused
// multiply-add: a mul and an add per accumulator, 64 flops per step in f32x4, 32 in f64x2 (the
// HALS sweeps, Gram matrices and shift terms compute in float64). Only the machine's vector
// throughput bounds it (no memory traffic beyond L1, no dependency stalls). Returns a lane so the
// work cannot be dropped. Reads 6 KiB at `buf`.

export function f32x4_madd_ceiling(buf: usize, steps: i32): f32 {
  return <f32>maddCeiling<f32>(buf, steps);
}

export function f64x2_madd_ceiling(buf: usize, steps: i32): f64 {
  return maddCeiling<f64>(buf, steps);
}

/** The ceiling loop on lanes of T (f32: f32x4, f64: f64x2); lane 0 of the accumulators' sum. */
// @ts-ignore: decorator
@inline function maddCeiling<T>(buf: usize, steps: i32): f64 {
  const zero = i64x2.splat(0);
  let c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero;
  for (let i = 0; i < steps; i++) {
    const p = buf + ((<usize>i & 63) << 4);
    const y0 = v128.load(p, 4096);
    const y1 = v128.load(p, 5120);
    const x0 = v128.load(p);
    c00 = v128.add<T>(c00, v128.mul<T>(x0, y0));
    c01 = v128.add<T>(c01, v128.mul<T>(x0, y1));
    const x1 = v128.load(p, 1024);
    c10 = v128.add<T>(c10, v128.mul<T>(x1, y0));
    c11 = v128.add<T>(c11, v128.mul<T>(x1, y1));
    const x2 = v128.load(p, 2048);
    c20 = v128.add<T>(c20, v128.mul<T>(x2, y0));
    c21 = v128.add<T>(c21, v128.mul<T>(x2, y1));
    const x3 = v128.load(p, 3072);
    c30 = v128.add<T>(c30, v128.mul<T>(x3, y0));
    c31 = v128.add<T>(c31, v128.mul<T>(x3, y1));
  }
  const s = v128.add<T>(
    v128.add<T>(v128.add<T>(c00, c01), v128.add<T>(c10, c11)),
    v128.add<T>(v128.add<T>(c20, c21), v128.add<T>(c30, c31)),
  );
  return <f64>v128.extract_lane<T>(s, 0);
}

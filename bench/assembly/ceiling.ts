// The machine's f32x4 multiply-add ceiling in this runtime, in the form the dense product
// kernel uses (its 4-row × 2-topic tile) but on data that stays in L1: per step, 4 + 2 vector
// loads from a 6 KiB buffer and 8 independent accumulators acc ← acc + x · y. Wasm SIMD has no
// fused multiply-add: a mul and an add per accumulator, 64 flops per step. Only the machine's
// vector throughput bounds it (no memory traffic beyond L1, no dependency stalls). Returns a
// lane so the work cannot be dropped. Reads 6 KiB at `buf`.

export function f32x4_madd_ceiling(buf: usize, steps: i32): f32 {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let i = 0; i < steps; i++) {
    const p = buf + ((<usize>i & 63) << 4);
    const y0 = v128.load(p, 4096);
    const y1 = v128.load(p, 5120);
    const x0 = v128.load(p);
    c00 = f32x4.add(c00, f32x4.mul(x0, y0));
    c01 = f32x4.add(c01, f32x4.mul(x0, y1));
    const x1 = v128.load(p, 1024);
    c10 = f32x4.add(c10, f32x4.mul(x1, y0));
    c11 = f32x4.add(c11, f32x4.mul(x1, y1));
    const x2 = v128.load(p, 2048);
    c20 = f32x4.add(c20, f32x4.mul(x2, y0));
    c21 = f32x4.add(c21, f32x4.mul(x2, y1));
    const x3 = v128.load(p, 3072);
    c30 = f32x4.add(c30, f32x4.mul(x3, y0));
    c31 = f32x4.add(c31, f32x4.mul(x3, y1));
  }
  const s = f32x4.add(
    f32x4.add(f32x4.add(c00, c01), f32x4.add(c10, c11)),
    f32x4.add(f32x4.add(c20, c21), f32x4.add(c30, c31)),
  );
  return f32x4.extract_lane(s, 0);
}

// The same loop in f64x2 (the HALS sweeps, Gram matrices and shift terms compute in float64):
// the same instructions per step on 2 lanes, 32 flops per step.
export function f64x2_madd_ceiling(buf: usize, steps: i32): f64 {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  for (let i = 0; i < steps; i++) {
    const p = buf + ((<usize>i & 63) << 4);
    const y0 = v128.load(p, 4096);
    const y1 = v128.load(p, 5120);
    const x0 = v128.load(p);
    c00 = f64x2.add(c00, f64x2.mul(x0, y0));
    c01 = f64x2.add(c01, f64x2.mul(x0, y1));
    const x1 = v128.load(p, 1024);
    c10 = f64x2.add(c10, f64x2.mul(x1, y0));
    c11 = f64x2.add(c11, f64x2.mul(x1, y1));
    const x2 = v128.load(p, 2048);
    c20 = f64x2.add(c20, f64x2.mul(x2, y0));
    c21 = f64x2.add(c21, f64x2.mul(x2, y1));
    const x3 = v128.load(p, 3072);
    c30 = f64x2.add(c30, f64x2.mul(x3, y0));
    c31 = f64x2.add(c31, f64x2.mul(x3, y1));
  }
  const s = f64x2.add(
    f64x2.add(f64x2.add(c00, c01), f64x2.add(c10, c11)),
    f64x2.add(f64x2.add(c20, c21), f64x2.add(c30, c31)),
  );
  return f64x2.extract_lane(s, 0);
}

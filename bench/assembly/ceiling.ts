// The machine's f32x4 multiply-add ceiling in this runtime, in the form the product kernels
// use: 8 independent accumulators, acc_j ← acc_j + x_j · y with x_j loaded from a 2 KiB
// L1-resident buffer (so nothing can be hoisted or folded), y fixed. Wasm SIMD has no fused
// multiply-add: a mul and an add, 8 flops, per chain and step. Returns a lane so the work
// cannot be dropped. Reads 2 KiB at `buf`.

export function f32x4_madd_ceiling(buf: usize, steps: i32): f32 {
  const y = f32x4.splat(1e-7);
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let c4 = f32x4.splat(0), c5 = f32x4.splat(0), c6 = f32x4.splat(0), c7 = f32x4.splat(0);
  for (let i = 0; i < steps; i++) {
    const p = buf + ((<usize>i & 15) << 7);
    c0 = f32x4.add(c0, f32x4.mul(v128.load(p), y));
    c1 = f32x4.add(c1, f32x4.mul(v128.load(p, 16), y));
    c2 = f32x4.add(c2, f32x4.mul(v128.load(p, 32), y));
    c3 = f32x4.add(c3, f32x4.mul(v128.load(p, 48), y));
    c4 = f32x4.add(c4, f32x4.mul(v128.load(p, 64), y));
    c5 = f32x4.add(c5, f32x4.mul(v128.load(p, 80), y));
    c6 = f32x4.add(c6, f32x4.mul(v128.load(p, 96), y));
    c7 = f32x4.add(c7, f32x4.mul(v128.load(p, 112), y));
  }
  const s = f32x4.add(f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)), f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7)));
  return f32x4.extract_lane(s, 0);
}

// The NNDSVD start's small dense steps (sdk/start/nndsvd.ts): the product of a thin float32
// basis with a small float64 matrix, and the removal of a shift from a product. Its column
// minima come from f32_colmin (scans.ts), its Gram matrices from f32_gram_f64 (reductions.ts),
// its products with the data from the product kernels. Alignment: 4 bytes for float32 arrays,
// 8 for float64 ones. Not checked: sizes, overlaps.

/**
 * out (rows×cols float32, overwritten) = X T for X rows×l float32 and T l×cols float64, float64
 * accumulation over p = 0 … l−1 in order, rounded once. out must not overlap X. (NNDSVD:
 * orthonormalizing a thin basis, X · R⁻¹, and mapping the small SVD's vectors back, Q · U.)
 * f64x2 over two columns per step, an odd last column in scalar, the same order per lane.
 */
export function f32_rmul_f64(x: usize, rows: i32, l: i32, t: usize, cols: i32, out: usize): void {
  const ul = <usize>l;
  const uc = <usize>cols;
  const tRow = uc << 3;
  const c2 = uc & ~(<usize>1);
  for (let r: usize = 0; r < <usize>rows; r++) {
    const xr = x + r * ul * 4;
    const orow = out + r * uc * 4;
    let c: usize = 0;
    if (ASC_FEATURE_SIMD) {
      // two columns per f64x2, each lane summing p = 0 … l−1 in order, as the scalar loop below
      for (; c < c2; c += 2) {
        let acc = f64x2.splat(0);
        for (let p: usize = 0; p < ul; p++) {
          const xp = f64x2.splat(<f64>load<f32>(xr + (p << 2)));
          acc = f64x2.add(acc, f64x2.mul(xp, v128.load(t + p * tRow + (c << 3))));
        }
        store<f32>(orow + (c << 2), <f32>f64x2.extract_lane(acc, 0));
        store<f32>(orow + (c << 2) + 4, <f32>f64x2.extract_lane(acc, 1));
      }
    }
    for (; c < uc; c++) {
      let s: f64 = 0;
      for (let p: usize = 0; p < ul; p++) s += <f64>load<f32>(xr + (p << 2)) * load<f64>(t + p * tRow + (c << 3));
      store<f32>(orow + (c << 2), <f32>s);
    }
  }
}

/**
 * X[r,c] −= vec[c] for X rows×cols float32 and vec cols float64, in float64, rounded once
 * (removing the shift's part 1 (v0ᵀ Z) from a product). Scalar.
 */
export function f32_sub_rowvec_f64(x: usize, rows: i32, cols: i32, vec: usize): void {
  const uc = <usize>cols;
  for (let r: usize = 0; r < <usize>rows; r++) {
    const xr = x + r * uc * 4;
    for (let c: usize = 0; c < uc; c++) {
      const o = xr + (c << 2);
      store<f32>(o, <f32>(<f64>load<f32>(o) - load<f64>(vec + (c << 3))));
    }
  }
}

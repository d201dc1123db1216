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

/** Σ x[i] y[i] over float32 x and element type T y, accumulated in float64. */
// @ts-ignore: decorator
@inline function dot<T>(x: usize, y: usize, len: i32): f64 {
  let s: f64 = 0;
  for (let i: usize = 0; i < <usize>len; i++) {
    s += <f64>load<f32>(x + (i << 2)) * <f64>load<T>(y + i * sizeof<T>());
  }
  return s;
}

/** Σ x[i] y[i], x and y float32, float64 accumulation (‖A‖², ⟨W, P⟩ of the loss identity). */
export function f32_dot_f32_f64(x: usize, y: usize, len: i32): f64 {
  return dot<f32>(x, y, len);
}

/** Σ x[i] y[i], x float32, y float64, float64 accumulation (vᵀ c of the loss identity). */
export function f32_dot_f64_f64(x: usize, y: usize, len: i32): f64 {
  return dot<f64>(x, y, len);
}

/** out[r] = Σ_c X[r, c] vec[c] for X m×n float32, vec of element type T; float64 out (m). */
// @ts-ignore: decorator
@inline function matvec<T>(x: usize, m: i32, n: i32, vec: usize, out: usize): void {
  const rowBytes = <usize>n << 2;
  for (let r = 0; r < m; r++) store<f64>(out + (<usize>r << 3), dot<T>(x + <usize>r * rowBytes, vec, n));
}

/** out (m, float64) = X vec, X m×n float32, vec n float32 (H v of the W update and the loss). */
export function f32_matvec_f32_f64(x: usize, m: i32, n: i32, vec: usize, out: usize): void {
  matvec<f32>(x, m, n, vec, out);
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
 * out (n×n float64) += XᵀX for X m×n float32, the full matrix (exactly symmetric: both halves
 * sum the same products in the same order). Rows go in blocks of 16: within a block the
 * products accumulate in float32 with f32x4 (rank-1 updates of an n×nPad tile), then the tile
 * is added to out in float64, so the float32 sums are never longer than 16 terms.
 * scratch: n·nPad + nPad float32 (nPad = n rounded up to 4).
 */
export function f32_gram_acc_f64(x: usize, m: i32, n: i32, out: usize, scratch: usize): void {
  const un = <usize>n;
  const nPad = (un + 3) & ~3;
  const tileRow = nPad << 2;
  const row = scratch + un * tileRow;
  memory.fill(row + (un << 2), 0, (nPad - un) << 2);
  for (let r0 = 0; r0 < m; r0 += 16) {
    memory.fill(scratch, 0, un * tileRow);
    const r1 = min(r0 + 16, m);
    for (let r = r0; r < r1; r++) {
      memory.copy(row, x + <usize>r * un * 4, un << 2);
      for (let p: usize = 0; p < un; p++) {
        const tp = scratch + p * tileRow;
        if (ASC_FEATURE_SIMD) {
          const a = v128.load32_splat(row + (p << 2));
          for (let q: usize = 0; q < tileRow; q += 16) {
            v128.store(tp + q, f32x4.add(v128.load(tp + q), f32x4.mul(a, v128.load(row + q))));
          }
        } else {
          const a = load<f32>(row + (p << 2));
          for (let q: usize = 0; q < tileRow; q += 4) store<f32>(tp + q, load<f32>(tp + q) + a * load<f32>(row + q));
        }
      }
    }
    for (let p: usize = 0; p < un; p++) {
      for (let q: usize = 0; q < un; q++) {
        const o = out + (p * un + q) * 8;
        store<f64>(o, load<f64>(o) + <f64>load<f32>(scratch + p * tileRow + (q << 2)));
      }
    }
  }
}

// Copies between layouts: transposes, the float64 → float32 casts of small matrices, zeroing.
// Scalar loops; no arithmetic beyond the casts, so no reduction order to keep. Alignment: 4
// bytes for float32 arrays, 8 for float64 ones. Not checked: sizes, overlaps.

/**
 * dst (rows×dstCols float32) = src (rows×cols float64) cast to float32, the columns past cols
 * zero: the padded float32 copies of the Gram matrices and of the W(i)ᵀ1 that the
 * multiplicative updates read (rows of dstCols = k rounded up to 4: whole f32x4 vectors). Each
 * value rounded to nearest once.
 */
export function f64_to_f32_padded(src: usize, rows: i32, cols: i32, dst: usize, dstCols: i32): void {
  for (let r: usize = 0; r < <usize>rows; r++) {
    const s = src + r * <usize>cols * 8;
    const d = dst + r * <usize>dstCols * 4;
    for (let c: usize = 0; c < <usize>dstCols; c++) {
      store<f32>(d + (c << 2), c < <usize>cols ? <f32>load<f64>(s + (c << 3)) : 0);
    }
  }
}

/**
 * Zeroes `bytes` bytes at `ptr` (accumulators at the start of a task). bytes is read as unsigned
 * (a count past 2³¹ arrives negative from JavaScript and is still exact).
 */
export function zero_bytes(ptr: usize, bytes: i32): void {
  memory.fill(ptr, 0, <usize>bytes);
}

/**
 * dst (n×m float32) = srcᵀ for src m×n float32, row by row of src; with accumulate ≠ 0,
 * dst += srcᵀ instead (one float32 add per entry: the dense numerator added to the CSR one).
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

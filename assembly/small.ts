// Products with the small factors (k×n, s×n, k×k) that feed the updates: float32, f32x4 SIMD
// (lane-exact scalar loops in the scalar build, see vector.ts).

/**
 * out (rows×kPad float32) = Σ_i V[i, j] · w(i)ᵀ for the rows j of one column range of V:
 * the shift term Σ_i v(i) (W(i)ᵀ 1)ᵀ of the H update, in Hᵀ layout. V: s rows with stride ldv
 * (pass V + j0·4 for rows j0…), w: s×kPad float32 (zero padding), out rows of kPad.
 */
export function f32_shift_term(v: usize, ldv: i32, s: i32, rows: i32, w: usize, kPad: i32, out: usize): void {
  const outRow = <usize>kPad << 2;
  memory.fill(out, 0, <usize>rows * outRow);
  for (let i = 0; i < s; i++) {
    const vi = v + <usize>i * <usize>ldv * 4;
    const wi = w + <usize>i * outRow;
    for (let j: usize = 0; j < <usize>rows; j++) {
      const oj = out + j * outRow;
      if (ASC_FEATURE_SIMD) {
        const a = f32x4.splat(load<f32>(vi + (j << 2)));
        for (let q: usize = 0; q < outRow; q += 16) {
          v128.store(oj + q, f32x4.add(v128.load(oj + q), f32x4.mul(a, v128.load(wi + q))));
        }
      } else {
        const a = load<f32>(vi + (j << 2));
        for (let q: usize = 0; q < outRow; q += 4) store<f32>(oj + q, load<f32>(oj + q) + a * load<f32>(wi + q));
      }
    }
  }
}

/**
 * dst (rows×dstCols float32) = src (rows×cols float64) cast to float32, the columns past cols
 * zero: the padded float32 copies of the Gram matrices and of the W(i)ᵀ1 the updates read.
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
 * dst[0..len) = Σ_{s < slots} src[s·stride + 0..len), float32, slots added in order 0, 1, …
 * (the fixed reduction order that makes threaded results independent of the thread count).
 */
export function f32_sum_slots(dst: usize, src: usize, slots: i32, stride: i32, len: i32): void {
  const strideBytes = <usize>stride << 2;
  const end = <usize>len << 2;
  let j: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const len4 = <usize>(len & ~3) << 2;
    for (; j < len4; j += 16) {
      let acc = v128.load(src + j);
      for (let s = 1; s < slots; s++) acc = f32x4.add(acc, v128.load(src + <usize>s * strideBytes + j));
      v128.store(dst + j, acc);
    }
  }
  for (; j < end; j += 4) {
    let acc = load<f32>(src + j);
    for (let s = 1; s < slots; s++) acc += load<f32>(src + <usize>s * strideBytes + j);
    store<f32>(dst + j, acc);
  }
}

/** dst[0..len) = Σ_{s < slots} src[s·stride + 0..len), float64, slots added in order. */
export function f64_sum_slots(dst: usize, src: usize, slots: i32, stride: i32, len: i32): void {
  const strideBytes = <usize>stride << 3;
  for (let j: usize = 0; j < <usize>len << 3; j += 8) {
    let acc = load<f64>(src + j);
    for (let s = 1; s < slots; s++) acc += load<f64>(src + <usize>s * strideBytes + j);
    store<f64>(dst + j, acc);
  }
}

/** Zeroes `bytes` bytes at `ptr` (accumulators at the start of a task). */
export function zero_bytes(ptr: usize, bytes: i32): void {
  memory.fill(ptr, 0, <usize>bytes);
}

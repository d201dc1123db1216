// Products with Hᵀ (n×k float32, row-major) for fits that keep H only transposed (sparse
// strata read Hᵀ; the k×n layout is then not needed until the fit ends). float64 accumulation;
// f64x2 SIMD with lane-exact scalar loops in the scalar build (see vector.ts).

/**
 * out (k float64, overwritten) = Σ_j v[j] · Hᵀ[j, :] = H v, for Hᵀ n×k float32 and v n float32:
 * H v(i) of the W update and of the loss. Rows with v[j] = 0 are skipped (the same sum).
 */
export function ht_matvec_f64(ht: usize, n: i32, k: i32, v: usize, out: usize): void {
  const uk = <usize>k;
  const k2 = uk & ~1;
  memory.fill(out, 0, uk << 3);
  for (let j: usize = 0; j < <usize>n; j++) {
    const a = <f64>load<f32>(v + (j << 2));
    if (a == 0) continue;
    const row = ht + j * uk * 4;
    let q: usize = 0;
    if (ASC_FEATURE_SIMD) {
      const av = f64x2.splat(a);
      for (; q < k2; q += 2) {
        const o = out + (q << 3);
        v128.store(o, f64x2.add(v128.load(o), f64x2.mul(av, f64x2.promote_low_f32x4(v128.load64_zero(row + (q << 2))))));
      }
    }
    for (; q < uk; q++) {
      const o = out + (q << 3);
      store<f64>(o, load<f64>(o) + a * <f64>load<f32>(row + (q << 2)));
    }
  }
}

/**
 * out[j] (rows float64, overwritten) = Σ_q Hᵀ[j, q] w[q] = (Hᵀ w)[j] for the rows of Hᵀ
 * (rows×k float32; pass Hᵀ + j0·k·4 for rows j0…) and w k float64: Hᵀ W(i)ᵀ1 of the v update.
 * Lane 0 sums the even q, lane 1 the odd q (f64x2, or two scalars), added lane 0 + 1, then the
 * k % 2 tail.
 */
export function ht_gemv_f64(ht: usize, rows: i32, k: i32, w: usize, out: usize): void {
  const uk = <usize>k;
  const k2 = uk & ~1;
  let j: usize = 0;
  if (ASC_FEATURE_SIMD) {
    // Four rows at a time: four independent accumulator chains (one chain per row was
    // latency-bound), each row's terms in the order of the one-row loop below.
    const rowBytes = uk << 2;
    for (; j + 4 <= <usize>rows; j += 4) {
      const r0 = ht + j * rowBytes;
      const r1 = r0 + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
      let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
      for (let q: usize = 0; q < k2; q += 2) {
        const wq = v128.load(w + (q << 3));
        a0 = f64x2.add(a0, f64x2.mul(f64x2.promote_low_f32x4(v128.load64_zero(r0 + (q << 2))), wq));
        a1 = f64x2.add(a1, f64x2.mul(f64x2.promote_low_f32x4(v128.load64_zero(r1 + (q << 2))), wq));
        a2 = f64x2.add(a2, f64x2.mul(f64x2.promote_low_f32x4(v128.load64_zero(r2 + (q << 2))), wq));
        a3 = f64x2.add(a3, f64x2.mul(f64x2.promote_low_f32x4(v128.load64_zero(r3 + (q << 2))), wq));
      }
      let s0 = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
      let s1 = f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1);
      let s2 = f64x2.extract_lane(a2, 0) + f64x2.extract_lane(a2, 1);
      let s3 = f64x2.extract_lane(a3, 0) + f64x2.extract_lane(a3, 1);
      for (let q = k2; q < uk; q++) {
        const wq = load<f64>(w + (q << 3));
        s0 += <f64>load<f32>(r0 + (q << 2)) * wq;
        s1 += <f64>load<f32>(r1 + (q << 2)) * wq;
        s2 += <f64>load<f32>(r2 + (q << 2)) * wq;
        s3 += <f64>load<f32>(r3 + (q << 2)) * wq;
      }
      store<f64>(out + (j << 3), s0);
      store<f64>(out + (j << 3) + 8, s1);
      store<f64>(out + (j << 3) + 16, s2);
      store<f64>(out + (j << 3) + 24, s3);
    }
  }
  for (; j < <usize>rows; j++) {
    const row = ht + j * uk * 4;
    let q: usize = 0;
    let s: f64;
    if (ASC_FEATURE_SIMD) {
      let acc = f64x2.splat(0);
      for (; q < k2; q += 2) {
        acc = f64x2.add(acc, f64x2.mul(f64x2.promote_low_f32x4(v128.load64_zero(row + (q << 2))), v128.load(w + (q << 3))));
      }
      s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    } else {
      let s0: f64 = 0, s1: f64 = 0;
      for (; q < k2; q += 2) {
        s0 += <f64>load<f32>(row + (q << 2)) * load<f64>(w + (q << 3));
        s1 += <f64>load<f32>(row + (q << 2) + 4) * load<f64>(w + (q << 3) + 8);
      }
      s = s0 + s1;
    }
    for (; q < uk; q++) s += <f64>load<f32>(row + (q << 2)) * load<f64>(w + (q << 3));
    store<f64>(out + (j << 3), s);
  }
}

// Thin products with the small factors: H v(i) and Hᵀ w(i) (w(i) = W(i)ᵀ1) of the v and W
// updates and of the loss identity, and the shift term Σ_i v(i) w(i)ᵀ of the H update
// (docs/algorithm.md: the multiplicative updates, the HALS updates, the loss identity).
//
// Twins side by side: each product exists for H stored k×n (`_h`: fits with a dense stratum)
// and for H stored as Hᵀ, n×k (`_ht`: fits with sparse strata only keep H transposed); the
// shift term in float32 with padded rows (the multiplicative updates) and in float64 (HALS). The
// twins compute the same quantity with different summation orders, so their bits differ: a fit
// uses one of each pair throughout. float32 storage, float64 accumulation (except
// f32_shift_term); f64x2 SIMD with lane-exact scalar loops in the scalar build (see vector.ts).
// Alignment: 4 bytes for float32 arrays, 8 for float64 ones. No kernel here checks sizes,
// overlaps or finiteness.

/**
 * out[q] (k float64, overwritten) = Σ_j X[q,j] vec[j] for X k×n float32 (H, or any k×n factor:
 * NNDSVD's Zᵀ) and vec n float32: H v(i). Float64 accumulation in two f64x2 accumulators (four
 * float32 promoted per step: acc0 takes the j % 4 = 0, 1 products, acc1 the 2, 3), the lanes of
 * acc0 + acc1 added, then the n % 4 tail in order.
 */
export function f32_hv_h_f64(x: usize, k: i32, n: i32, vec: usize, out: usize): void {
  const rowBytes = <usize>n << 2;
  const n4 = <usize>(n & ~3) << 2;
  for (let q: usize = 0; q < <usize>k; q++) {
    const xq = x + q * rowBytes;
    let j: usize = 0;
    let s: f64;
    if (ASC_FEATURE_SIMD) {
      let acc0 = f64x2.splat(0);
      let acc1 = f64x2.splat(0);
      for (; j < n4; j += 16) {
        const a0 = f64x2.promote_low_f32x4(v128.load64_zero(xq + j));
        const b0 = f64x2.promote_low_f32x4(v128.load64_zero(vec + j));
        const a1 = f64x2.promote_low_f32x4(v128.load64_zero(xq + j + 8));
        const b1 = f64x2.promote_low_f32x4(v128.load64_zero(vec + j + 8));
        acc0 = f64x2.add(acc0, f64x2.mul(a0, b0));
        acc1 = f64x2.add(acc1, f64x2.mul(a1, b1));
      }
      const sum = f64x2.add(acc0, acc1);
      s = f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1);
    } else {
      // acc0 holds the j % 4 = 0, 1 products, acc1 the 2, 3; the lanes of acc0 + acc1 are added.
      let t0: f64 = 0, t1: f64 = 0, t2: f64 = 0, t3: f64 = 0;
      for (; j < n4; j += 16) {
        t0 += <f64>load<f32>(xq + j) * <f64>load<f32>(vec + j);
        t1 += <f64>load<f32>(xq + j + 4) * <f64>load<f32>(vec + j + 4);
        t2 += <f64>load<f32>(xq + j + 8) * <f64>load<f32>(vec + j + 8);
        t3 += <f64>load<f32>(xq + j + 12) * <f64>load<f32>(vec + j + 12);
      }
      s = (t0 + t2) + (t1 + t3);
    }
    for (; j < rowBytes; j += 4) s += <f64>load<f32>(xq + j) * <f64>load<f32>(vec + j);
    store<f64>(out + (q << 3), s);
  }
}

/**
 * out (k float64, overwritten) = Σ_j v[j] · Hᵀ[j, :] = H v, for Hᵀ n×k float32 and v n float32:
 * f32_hv_h_f64's quantity from Hᵀ. An f64x2 axpy over k per row of Hᵀ (the k % 2 tail scalar),
 * rows in order; rows with v[j] = 0 are skipped (the same sum).
 */
export function f32_hv_ht_f64(ht: usize, n: i32, k: i32, v: usize, out: usize): void {
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
 * out[j] (n float64, overwritten) = Σ_q w[q] H[q,j] = (Hᵀ w)[j] for n columns of H (k rows of
 * stride ldh float32; pass H + j0·4 for columns j0…) and w k float64: Hᵀ w(i) of the v updates.
 * An f64x2 axpy over n per row of H, rows q in order (rows with w[q] = 0 skipped: the same sum),
 * the n % 2 tail scalar.
 */
export function f32_htw_h_f64(h: usize, k: i32, n: i32, ldh: i32, w: usize, out: usize): void {
  const un = <usize>n;
  const n2 = un & ~1;
  memory.fill(out, 0, un << 3);
  for (let q: usize = 0; q < <usize>k; q++) {
    const wq = load<f64>(w + (q << 3));
    if (wq == 0) continue;
    const hq = h + q * <usize>ldh * 4;
    let j: usize = 0;
    if (ASC_FEATURE_SIMD) {
      const a = f64x2.splat(wq);
      for (; j < n2; j += 2) {
        const o = out + (j << 3);
        const x = f64x2.promote_low_f32x4(v128.load64_zero(hq + (j << 2)));
        v128.store(o, f64x2.add(v128.load(o), f64x2.mul(a, x)));
      }
    }
    for (; j < un; j++) store<f64>(out + (j << 3), load<f64>(out + (j << 3)) + wq * <f64>load<f32>(hq + (j << 2)));
  }
}

/**
 * out[j] (rows float64, overwritten) = Σ_q Hᵀ[j, q] w[q] = (Hᵀ w)[j] for the rows of Hᵀ
 * (rows×k float32; pass Hᵀ + j0·k·4 for rows j0…) and w k float64: f32_htw_h_f64's quantity from
 * Hᵀ. Lane 0 sums the even q, lane 1 the odd q (f64x2, or two scalars), added lane 0 + 1, then
 * the k % 2 tail; the SIMD build takes four rows at a time (four independent chains, each row's
 * terms in the one-row order).
 */
export function f32_htw_ht_f64(ht: usize, rows: i32, k: i32, w: usize, out: usize): void {
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

/**
 * out (rows×kPad float32, overwritten) = Σ_i V[i, j] · w(i)ᵀ for the rows j of one column range
 * of V: the shift term Σ_i v(i) (W(i)ᵀ 1)ᵀ of the multiplicative H update, in Hᵀ layout,
 * float32 arithmetic. V: s rows of stride ldv float32 (pass V + j0·4 for rows j0…); w: s×kPad
 * float32 with zero padding (f64_to_f32_padded's copy of the W(i)ᵀ1); out rows of kPad (kPad a
 * multiple of 4: whole f32x4 vectors, no tail). Strata i in order for every entry.
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
 * out (rows×k float64, overwritten) = Σ_i U[i, j]·Z[i, :] for the rows j of one column range of
 * U: f32_shift_term's quantity in float64, unpadded, for the HALS H update (U = V, Z = the
 * W(i)ᵀ 1) and NNDSVD. U: s rows of stride ldu float32 (pass U + j0·4 for rows j0…), Z: s×k
 * float64. Strata i in order for every entry (U[i, j] = 0 skipped: the same sum); f64x2 over
 * two columns per step, the k % 2 tail scalar.
 */
export function f32_shift_term_f64(u: usize, ldu: i32, s: i32, rows: i32, z: usize, k: i32, out: usize): void {
  const uk = <usize>k;
  const ld = <usize>ldu;
  for (let j: usize = 0; j < <usize>rows; j++) {
    const oj = out + j * uk * 8;
    for (let q: usize = 0; q < uk; q++) store<f64>(oj + (q << 3), 0);
    for (let i: usize = 0; i < <usize>s; i++) {
      const uij = <f64>load<f32>(u + (i * ld + j) * 4);
      if (uij == 0) continue;
      const zi = z + i * uk * 8;
      let q: usize = 0;
      if (ASC_FEATURE_SIMD) {
        // Two columns per step, the same operations per lane as the scalar loop.
        const uv = f64x2.splat(uij);
        for (; q + 2 <= uk; q += 2) {
          const o = oj + (q << 3);
          v128.store(o, f64x2.add(v128.load(o), f64x2.mul(uv, v128.load(zi + (q << 3)))));
        }
      }
      for (; q < uk; q++) {
        const o = oj + (q << 3);
        store<f64>(o, load<f64>(o) + uij * load<f64>(zi + (q << 3)));
      }
    }
  }
}

// Kernels of the HALS solver (exact block-coordinate descent), of the L1-penalized
// multiplicative updates, and the small dense products of the NNDSVD start. Layouts as in the
// other kernels: row-major, densely packed; float32 storage, float64 arithmetic where values
// are formed from sums.

/**
 * Exact coordinate minimization over the rows of X (rows×k float32), in place, `sweeps` cyclic
 * sweeps per row:
 *
 *   for q = 0 … k−1:
 *     X[r,q] ← max(0, X[r,q] + (Num[r,q] − Off[r,q] − shift − Σ_p X[r,p] Gram[p,q]) / Gram[q,q])
 *
 * This minimizes ½ xᵀ Gram x − (Num − Off − shift)ᵀ x over x = X[r,q] ≥ 0 with the other entries
 * of the row fixed, which is the HALS column update: with Num = P = A Hᵀ, Gram = H Hᵀ,
 * Off = (H v)ᵀ (offsetStride 0) and shift = λ_W / 2 it is the exact minimizer of
 * ‖A − 1vᵀ − W H‖² + λ_W ‖W‖₁ over column q of W. The gradient of row r involves only row r, so
 * updating column after column equals this row-by-row order. On Hᵀ (rows = n): Num = Σ_i A(i)ᵀW(i),
 * Gram = Σ_i W(i)ᵀW(i), Off = Σ_i v(i) (W(i)ᵀ1)ᵀ (offsetStride k), shift = λ_H / 2.
 *
 * A coordinate with Gram[q,q] ≤ 0 (a zero row of H, or a zero column of every W(i)) does not
 * enter the smooth part of the objective; it is left unchanged (as scikit-learn's coordinate
 * descent does). Every step is an exact minimization, so the objective never increases (up to
 * float32 rounding of the stored entry).
 *
 * Num: rows×k float32. Gram: k×k float64, symmetric. Off: float64, row r at r · offsetStride.
 */
export function hals_update_rows(
  x: usize, rows: i32, k: i32, num: usize, gram: usize,
  offset: usize, offsetStride: i32, shift: f64, sweeps: i32,
): void {
  const uk = <usize>k;
  for (let r: usize = 0; r < <usize>rows; r++) {
    const xr = x + r * uk * 4;
    const nr = num + r * uk * 4;
    const offr = offset + r * <usize>offsetStride * 8;
    for (let sweep = 0; sweep < sweeps; sweep++) {
      for (let q: usize = 0; q < uk; q++) {
        const gq = gram + q * uk * 8;
        const gqq = load<f64>(gq + (q << 3));
        if (!(gqq > 0)) continue;
        let g = <f64>load<f32>(nr + (q << 2)) - load<f64>(offr + (q << 3)) - shift;
        for (let p: usize = 0; p < uk; p++) g -= <f64>load<f32>(xr + (p << 2)) * load<f64>(gq + (p << 3));
        const o = xr + (q << 2);
        const value = <f64>load<f32>(o) + g / gqq;
        store<f32>(o, value > 0 ? <f32>value : 0);
      }
    }
  }
}

/**
 * The exact minimizer of one stratum's objective over its shift v (n float32), in place:
 *
 *   v[j] ← max(0, (c[j] − Σ_q Ht[j,q] w[q] − shift) / m)
 *
 * c = A(i)ᵀ 1 (n float64), Ht = Hᵀ (n×k float32), w = W(i)ᵀ 1 (k float64), m = rows of A(i),
 * shift = λ_v / 2 (the gradient of ‖A − 1vᵀ − WH‖² + λ_v ‖v‖₁ is 2(m v − c + Hᵀw) + λ_v).
 */
export function hals_v_update(v: usize, c: usize, ht: usize, w: usize, n: i32, k: i32, m: i32, shift: f64): void {
  const uk = <usize>k;
  const fm = <f64>m;
  for (let j: usize = 0; j < <usize>n; j++) {
    const hj = ht + j * uk * 4;
    let t: f64 = 0;
    for (let q: usize = 0; q < uk; q++) t += <f64>load<f32>(hj + (q << 2)) * load<f64>(w + (q << 3));
    const value = (load<f64>(c + (j << 3)) - t - shift) / fm;
    store<f32>(v + (j << 2), value > 0 ? <f32>value : 0);
  }
}

/**
 * Multiplicative update of the rows of X (rows×k float32), in place, with the L1 weight in the
 * denominator:
 *
 *   X[r,q] ← X[r,q] · Num[r,q] / (Σ_p X[r,p] Gram[p,q] + Off[r,q] + eps)
 *
 * the caller passes eps = ε + λ / 2 (λ the L1 weight of X). Arguments as hals_update_rows;
 * scratch: k float64 (the denominators of one row, so the row is read before it is written).
 */
export function mu_l1_update_rows(
  x: usize, rows: i32, k: i32, num: usize, gram: usize,
  offset: usize, offsetStride: i32, eps: f64, scratch: usize,
): void {
  const uk = <usize>k;
  for (let r: usize = 0; r < <usize>rows; r++) {
    const xr = x + r * uk * 4;
    const offr = offset + r * <usize>offsetStride * 8;
    for (let q: usize = 0; q < uk; q++) {
      const gq = gram + q * uk * 8;
      let den = load<f64>(offr + (q << 3));
      for (let p: usize = 0; p < uk; p++) den += <f64>load<f32>(xr + (p << 2)) * load<f64>(gq + (p << 3));
      store<f64>(scratch + (q << 3), den + eps);
    }
    const nr = num + r * uk * 4;
    for (let q: usize = 0; q < uk; q++) {
      const o = xr + (q << 2);
      store<f32>(o, <f32>(<f64>load<f32>(o) * <f64>load<f32>(nr + (q << 2)) / load<f64>(scratch + (q << 3))));
    }
  }
}

/**
 * Multiplicative update of one stratum's shift v (n float32), `times` times, in place, with the
 * L1 weight in the denominator (eps = ε + λ_v / 2):
 *
 *   v[j] ← v[j] · c[j] / (m · v[j] + Σ_q Ht[j,q] w[q] + eps)
 *
 * c, Ht, w, m as hals_v_update. v is rounded to float32 after each of the `times` updates.
 */
export function mu_l1_v_update(
  v: usize, c: usize, ht: usize, w: usize, n: i32, k: i32, m: i32, eps: f64, times: i32,
): void {
  const uk = <usize>k;
  const fm = <f64>m;
  for (let j: usize = 0; j < <usize>n; j++) {
    const hj = ht + j * uk * 4;
    let t: f64 = 0;
    for (let q: usize = 0; q < uk; q++) t += <f64>load<f32>(hj + (q << 2)) * load<f64>(w + (q << 3));
    const cj = load<f64>(c + (j << 3));
    const o = v + (j << 2);
    let vj = <f64>load<f32>(o);
    for (let u = 0; u < times; u++) vj = <f64><f32>(vj * cj / (fm * vj + t + eps));
    store<f32>(o, <f32>vj);
  }
}

/** out[q] (k float64, overwritten) = Σ_j X[q,j] vec[j] for X k×n float32 (H v), vec float32 (n). */
export function hals_matvec_f64(x: usize, k: i32, n: i32, vec: usize, out: usize): void {
  const rowBytes = <usize>n << 2;
  for (let q: usize = 0; q < <usize>k; q++) {
    const xq = x + q * rowBytes;
    let s: f64 = 0;
    for (let j: usize = 0; j < <usize>n; j++) s += <f64>load<f32>(xq + (j << 2)) * <f64>load<f32>(vec + (j << 2));
    store<f64>(out + (q << 3), s);
  }
}

/**
 * out (n×k float64, overwritten) = Σ_i U[i,:]ᵀ Z[i,:] = Uᵀ Z for U s×n float32 and Z s×k float64:
 * the shift term Σ_i v(i) (W(i)ᵀ 1)ᵀ of the H update (U = V, Z = the W(i)ᵀ 1), in Hᵀ layout.
 */
export function hals_shift_f64(u: usize, s: i32, n: i32, z: usize, k: i32, out: usize): void {
  const uk = <usize>k;
  const un = <usize>n;
  for (let j: usize = 0; j < un; j++) {
    const oj = out + j * uk * 8;
    for (let q: usize = 0; q < uk; q++) store<f64>(oj + (q << 3), 0);
    for (let i: usize = 0; i < <usize>s; i++) {
      const uij = <f64>load<f32>(u + (i * un + j) * 4);
      if (uij == 0) continue;
      const zi = z + i * uk * 8;
      for (let q: usize = 0; q < uk; q++) {
        const o = oj + (q << 3);
        store<f64>(o, load<f64>(o) + uij * load<f64>(zi + (q << 3)));
      }
    }
  }
}

/**
 * out (rows×cols float32, overwritten) = X T for X rows×l float32 and T l×cols float64, float64
 * accumulation. out must not overlap X. (NNDSVD: orthonormalizing a thin basis, X · R⁻¹, and
 * mapping the small SVD's vectors back, Q · U.)
 */
export function f32_rmul_f64(x: usize, rows: i32, l: i32, t: usize, cols: i32, out: usize): void {
  const ul = <usize>l;
  const uc = <usize>cols;
  for (let r: usize = 0; r < <usize>rows; r++) {
    const xr = x + r * ul * 4;
    const orow = out + r * uc * 4;
    for (let c: usize = 0; c < uc; c++) {
      let s: f64 = 0;
      for (let p: usize = 0; p < ul; p++) s += <f64>load<f32>(xr + (p << 2)) * load<f64>(t + (p * uc + c) * 8);
      store<f32>(orow + (c << 2), <f32>s);
    }
  }
}

/** X[r,c] −= vec[c] for X rows×cols float32, vec cols float64 (removing a shift from a product). */
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

/** out[j] (n float32, overwritten) = min over the rows of column j of A (m×n float32, m ≥ 1). */
export function f32_colmin(a: usize, m: i32, n: i32, out: usize): void {
  const rowBytes = <usize>n << 2;
  memory.copy(out, a, rowBytes);
  for (let r = 1; r < m; r++) {
    const ar = a + <usize>r * rowBytes;
    for (let j: usize = 0; j < <usize>n; j++) {
      const o = out + (j << 2);
      store<f32>(o, min(load<f32>(o), load<f32>(ar + (j << 2))));
    }
  }
}

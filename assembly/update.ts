// The multiplicative updates of algorithm.md, applied in place. Ratios are formed in float64
// and stored as float32. ε (passed in, 1e-9 in the paper) keeps 0/0 from producing NaN.

/**
 * Multiplicative update of the rows of X (rows×k float32), in place:
 *
 *   X[r,q] ← X[r,q] · Num[r,q] / (Σ_p X[r,p] Gram[p,q] + Off[r,q] + ε)
 *
 * The W update is X = W(i), Num = A(i) Hᵀ, Gram = H Hᵀ, Off = (H v(i))ᵀ broadcast
 * (offsetStride 0). The H update runs on Hᵀ: X = Hᵀ (n×k), Num = Σ_i A(i)ᵀ W(i),
 * Gram = Σ_i W(i)ᵀ W(i), Off = Σ_i v(i) (W(i)ᵀ 1)ᵀ (offsetStride k).
 *
 * Num: rows×k float32. Gram: k×k float64, symmetric. Off: float64, row r at r · offsetStride.
 * scratch: k float64 (the denominators of one row, so the row is read before it is written).
 */
export function mu_update_rows(
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
 * Multiplicative update of one stratum's shift v (n float32), in place:
 *
 *   v[j] ← v[j] · c[j] / (m · v[j] + t[j] + ε)
 *
 * c = A(i)ᵀ 1 (n float64, constant over a fit), t = Hᵀ (W(i)ᵀ 1) (n float64), m = rows of A(i).
 */
export function v_update(v: usize, c: usize, t: usize, m: i32, n: i32, eps: f64): void {
  const fm = <f64>m;
  for (let j: usize = 0; j < <usize>n; j++) {
    const o = v + (j << 2);
    const vj = <f64>load<f32>(o);
    store<f32>(o, <f32>(vj * load<f64>(c + (j << 3)) / (fm * vj + load<f64>(t + (j << 3)) + eps)));
  }
}

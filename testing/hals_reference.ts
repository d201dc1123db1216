/**
 * Plain float64 references, written from the formulas of sdk/hals.ts: one HALS iteration and
 * one iteration of the L1-penalized multiplicative updates (sequential schedule), on dense
 * float64 strata. The oracle of tests/hals_test.ts.
 *
 * @module
 */

import { type Mat, mat, type RefState } from "./reference.ts";

/** L1 weights. */
export interface L1 {
  l1V: number;
  l1W: number;
  l1H: number;
}

function mul(a: Mat, b: Mat): Mat {
  const c = mat(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let p = 0; p < a.cols; p++) {
      const x = a.data[i * a.cols + p];
      for (let j = 0; j < b.cols; j++) c.data[i * b.cols + j] += x * b.data[p * b.cols + j];
    }
  }
  return c;
}

function transpose(a: Mat): Mat {
  const t = mat(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) t.data[j * a.rows + i] = a.data[i * a.cols + j];
  return t;
}

const colSums = (a: Mat) => mul(mat(1, a.rows, new Float64Array(a.rows).fill(1)), a).data;

/** v(i) = max(0, (A(i)ᵀ1 − Hᵀ W(i)ᵀ1 − λ_v/2) / m_i). */
function exactV(A: Mat[], W: Mat[], H: Mat, l1V: number): Float64Array[] {
  return A.map((a, i) => {
    const c = colSums(a);
    const t = mul(mat(1, H.rows, colSums(W[i])), H).data;
    return c.map((cj, j) => Math.max(0, (cj - t[j] - l1V / 2) / a.rows));
  });
}

/**
 * Cyclic exact coordinate minimization of ½ xᵀ G x − bᵀ x over x ≥ 0 for each row x of X,
 * b = Num row − Off row − shift; `sweeps` sweeps per row; coordinates with G_qq ≤ 0 unchanged.
 */
function coordinateRows(
  X: Mat,
  num: Mat,
  G: Mat,
  off: (r: number, q: number) => number,
  shift: number,
  sweeps: number,
) {
  const k = X.cols;
  for (let r = 0; r < X.rows; r++) {
    for (let s = 0; s < sweeps; s++) {
      for (let q = 0; q < k; q++) {
        const gqq = G.data[q * k + q];
        if (!(gqq > 0)) continue;
        let g = num.data[r * k + q] - off(r, q) - shift;
        for (let p = 0; p < k; p++) g -= X.data[r * k + p] * G.data[p * k + q];
        X.data[r * k + q] = Math.max(0, X.data[r * k + q] + g / gqq);
      }
    }
  }
}

/** One HALS iteration: v, each W(i) (columns in turn), v again, H (rows in turn). */
export function referenceHalsStep(A: Mat[], state: RefState, l1: L1, sweeps: number): RefState {
  let H = mat(state.H.rows, state.H.cols, state.H.data);
  const k = H.rows;
  const n = H.cols;
  let V = exactV(A, state.W, H, l1.l1V);
  const HHt = mul(H, transpose(H));
  const W = state.W.map((w0, i) => {
    const w = mat(w0.rows, k, w0.data);
    const P = mul(A[i], transpose(H));
    const hv = mul(H, mat(n, 1, V[i])).data;
    coordinateRows(w, P, HHt, (_, q) => hv[q], l1.l1W / 2, sweeps);
    return w;
  });
  V = exactV(A, W, H, l1.l1V);
  const N = mat(n, k);
  const G = mat(k, k);
  const S = mat(n, k);
  W.forEach((w, i) => {
    mul(transpose(A[i]), w).data.forEach((x, e) => (N.data[e] += x));
    mul(transpose(w), w).data.forEach((x, e) => (G.data[e] += x));
    const ws = colSums(w);
    for (let j = 0; j < n; j++) for (let q = 0; q < k; q++) S.data[j * k + q] += V[i][j] * ws[q];
  });
  const Ht = transpose(H);
  coordinateRows(Ht, N, G, (j, q) => S.data[j * k + q], l1.l1H / 2, sweeps);
  H = transpose(Ht);
  return { V, W, H };
}

/** One iteration of the penalized multiplicative updates, sequential schedule, ε = 1e-9. */
export function referencePenalizedMuStep(A: Mat[], state: RefState, l1: L1, vUpdates: number): RefState {
  const EPS = 1e-9;
  const H = state.H;
  const k = H.rows;
  const n = H.cols;
  const V = state.V.map((v0, i) => {
    const c = colSums(A[i]);
    const t = mul(mat(1, k, colSums(state.W[i])), H).data;
    let v = Float64Array.from(v0);
    for (let u = 0; u < vUpdates; u++) v = v.map((x, j) => x * c[j] / (A[i].rows * x + t[j] + EPS + l1.l1V / 2));
    return v;
  });
  const HHt = mul(H, transpose(H));
  const W = state.W.map((w, i) => {
    const num = mul(A[i], transpose(H));
    const den = mul(w, HHt);
    const hv = mul(H, mat(n, 1, V[i])).data;
    const out = mat(w.rows, k);
    out.data.forEach((_, e) => {
      out.data[e] = w.data[e] * num.data[e] / (den.data[e] + hv[e % k] + EPS + l1.l1W / 2);
    });
    return out;
  });
  const num = mat(k, n);
  const gram = mat(k, k);
  const shift = mat(k, n);
  W.forEach((w, i) => {
    mul(transpose(w), A[i]).data.forEach((x, e) => (num.data[e] += x));
    mul(transpose(w), w).data.forEach((x, e) => (gram.data[e] += x));
    const ws = colSums(w);
    for (let q = 0; q < k; q++) for (let j = 0; j < n; j++) shift.data[q * n + j] += ws[q] * V[i][j];
  });
  const den = mul(gram, H);
  const newH = mat(k, n);
  newH.data.forEach((_, e) => {
    newH.data[e] = H.data[e] * num.data[e] / (shift.data[e] + den.data[e] + EPS + l1.l1H / 2);
  });
  return { V, W, H: newH };
}

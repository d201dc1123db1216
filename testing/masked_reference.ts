/**
 * Plain float64 references of the masked objective F = Σ_i ‖M(i) ⊙ (A(i) − 1 v(i)ᵀ − W(i) H)‖²
 * (docs/algorithm.md, "Masks"), written from the formulas with explicit sums over the observed
 * entries (no Gram identities, no zero-filling): one HALS iteration, one iteration of the
 * multiplicative updates (sequential schedule), and the masked loss. Strata are dense float64
 * matrices with a 0/1 mask of the same shape (1: observed). The oracle of tests/masks_test.ts.
 *
 * @module
 */

import { type Mat, mat, REF_EPS, type RefState } from "./reference.ts";
import type { L1 } from "./hals_reference.ts";
import { toMat } from "./fixtures.ts";
import { Random, type Stratum } from "../sdk/mod.ts";

/** A stratum with its mask: `observed[r · n + j]` is 1 where entry (r, j) is observed. */
export interface MaskedMat {
  A: Mat;
  observed: Uint8Array;
}

const dot = (x: ArrayLike<number>, xo: number, y: ArrayLike<number>, yo: number, k: number) => {
  let s = 0;
  for (let q = 0; q < k; q++) s += x[xo + q] * y[yo + q];
  return s;
};

/** Hᵀ (n×k) of H (k×n). */
function ht(H: Mat): Float64Array {
  const { rows: k, cols: n } = H;
  return Float64Array.from({ length: n * k }, (_, e) => H.data[(e % k) * n + Math.floor(e / k)]);
}

/** Σ over observed entries of (a − v_j − w_r·h_j)², summed over strata. */
export function maskedReferenceLoss(strata: MaskedMat[], state: RefState): number {
  const k = state.H.rows;
  const Ht = ht(state.H);
  let total = 0;
  strata.forEach(({ A, observed }, i) => {
    for (let r = 0; r < A.rows; r++) {
      for (let j = 0; j < A.cols; j++) {
        if (!observed[r * A.cols + j]) continue;
        const x = A.data[r * A.cols + j] - state.V[i][j] - dot(state.W[i].data, r * k, Ht, j * k, k);
        total += x * x;
      }
    }
  });
  return Math.sqrt(total);
}

/** Per column of stratum i: the observed count, Σ a, and Σ w_r·h_j over observed rows. */
function columnSums(s: MaskedMat, W: Mat, Ht: Float64Array) {
  const { A, observed } = s;
  const k = W.cols;
  const count = new Float64Array(A.cols), c = new Float64Array(A.cols), t = new Float64Array(A.cols);
  for (let r = 0; r < A.rows; r++) {
    for (let j = 0; j < A.cols; j++) {
      if (!observed[r * A.cols + j]) continue;
      count[j]++;
      c[j] += A.data[r * A.cols + j];
      t[j] += dot(W.data, r * k, Ht, j * k, k);
    }
  }
  return { count, c, t };
}

/** Exact v(i) under the mask; a column with no observed row keeps its value. */
function exactV(strata: MaskedMat[], V: Float64Array[], W: Mat[], Ht: Float64Array, l1V: number): Float64Array[] {
  return strata.map((s, i) => {
    const { count, c, t } = columnSums(s, W[i], Ht);
    return V[i].map((x, j) => count[j] > 0 ? Math.max(0, (c[j] - t[j] - l1V / 2) / count[j]) : x);
  });
}

/** Cyclic coordinate minimization of ½ xᵀ G x − bᵀ x, x ≥ 0, in place on x (k values at `xo`). */
function sweep(x: Float64Array, xo: number, G: Float64Array, b: Float64Array, sweeps: number): void {
  const k = b.length;
  for (let s = 0; s < sweeps; s++) {
    for (let q = 0; q < k; q++) {
      const gqq = G[q * k + q];
      if (!(gqq > 0)) continue;
      let g = b[q];
      for (let p = 0; p < k; p++) g -= x[xo + p] * G[p * k + q];
      x[xo + q] = Math.max(0, x[xo + q] + g / gqq);
    }
  }
}

/** One masked HALS iteration: v, each row of each W(i), v again, each column of H. */
export function maskedHalsStep(strata: MaskedMat[], state: RefState, l1: L1, sweeps: number): RefState {
  const k = state.H.rows, n = state.H.cols;
  const Ht = ht(state.H);
  let V = exactV(strata, state.V, state.W, Ht, l1.l1V);
  const W = state.W.map((w0, i) => {
    const w = mat(w0.rows, k, w0.data);
    const { A, observed } = strata[i];
    for (let r = 0; r < A.rows; r++) {
      const G = new Float64Array(k * k), b = new Float64Array(k).fill(-l1.l1W / 2);
      for (let j = 0; j < n; j++) {
        if (!observed[r * n + j]) continue;
        const residual = A.data[r * n + j] - V[i][j];
        for (let q = 0; q < k; q++) {
          b[q] += residual * Ht[j * k + q];
          for (let p = 0; p < k; p++) G[q * k + p] += Ht[j * k + q] * Ht[j * k + p];
        }
      }
      sweep(w.data, r * k, G, b, sweeps);
    }
    return w;
  });
  V = exactV(strata, V, W, Ht, l1.l1V);
  for (let j = 0; j < n; j++) {
    const G = new Float64Array(k * k), b = new Float64Array(k).fill(-l1.l1H / 2);
    strata.forEach(({ A, observed }, i) => {
      for (let r = 0; r < A.rows; r++) {
        if (!observed[r * n + j]) continue;
        const residual = A.data[r * n + j] - V[i][j];
        for (let q = 0; q < k; q++) {
          b[q] += residual * W[i].data[r * k + q];
          for (let p = 0; p < k; p++) G[q * k + p] += W[i].data[r * k + q] * W[i].data[r * k + p];
        }
      }
    });
    sweep(Ht, j * k, G, b, sweeps);
  }
  return { V, W, H: mat(k, n, ht(mat(n, k, Ht))) };
}

/** One masked iteration of the multiplicative updates (sequential schedule; ε = 1e-9). */
export function maskedMuStep(strata: MaskedMat[], state: RefState, l1: L1, vUpdates: number): RefState {
  const k = state.H.rows, n = state.H.cols;
  const Ht = ht(state.H);
  const V = strata.map((s, i) => {
    const { count, c, t } = columnSums(s, state.W[i], Ht);
    let v = Float64Array.from(state.V[i]);
    for (let u = 0; u < vUpdates; u++) {
      v = v.map((x, j) => count[j] > 0 ? x * c[j] / (count[j] * x + t[j] + REF_EPS + l1.l1V / 2) : x);
    }
    return v;
  });
  const W = state.W.map((w0, i) => {
    const { A, observed } = strata[i];
    const w = mat(w0.rows, k);
    for (let r = 0; r < A.rows; r++) {
      const num = new Float64Array(k), den = new Float64Array(k);
      for (let j = 0; j < n; j++) {
        if (!observed[r * n + j]) continue;
        const model = V[i][j] + dot(w0.data, r * k, Ht, j * k, k);
        for (let q = 0; q < k; q++) {
          num[q] += A.data[r * n + j] * Ht[j * k + q];
          den[q] += model * Ht[j * k + q];
        }
      }
      for (let q = 0; q < k; q++) w.data[r * k + q] = w0.data[r * k + q] * num[q] / (den[q] + REF_EPS + l1.l1W / 2);
    }
    return w;
  });
  const newHt = new Float64Array(n * k);
  for (let j = 0; j < n; j++) {
    const num = new Float64Array(k), den = new Float64Array(k);
    strata.forEach(({ A, observed }, i) => {
      for (let r = 0; r < A.rows; r++) {
        if (!observed[r * n + j]) continue;
        const model = V[i][j] + dot(W[i].data, r * k, Ht, j * k, k);
        for (let q = 0; q < k; q++) {
          num[q] += A.data[r * n + j] * W[i].data[r * k + q];
          den[q] += model * W[i].data[r * k + q];
        }
      }
    });
    for (let q = 0; q < k; q++) newHt[j * k + q] = Ht[j * k + q] * num[q] / (den[q] + REF_EPS + l1.l1H / 2);
  }
  return { V, W, H: mat(k, n, ht(mat(n, k, newHt))) };
}

/**
 * Copies of `strata` with about `fraction` of the entries hidden at random (from `seed`): NaN in
 * dense strata, an `unknown` list in CSR strata (stored and unstored positions alike), and the
 * reference's form of the same (zero at hidden entries, and the mask).
 */
export function hideEntries(
  strata: readonly Stratum[],
  fraction: number,
  seed: number,
): { strata: Stratum[]; reference: MaskedMat[] } {
  const random = new Random(seed);
  const hidden: Stratum[] = [];
  const reference: MaskedMat[] = [];
  for (const stratum of strata) {
    const A = toMat(stratum);
    const observed = Uint8Array.from(A.data, () => random.next() < fraction ? 0 : 1);
    observed.forEach((o, e) => o === 0 && (A.data[e] = 0));
    reference.push({ A, observed });
    if ("indptr" in stratum) {
      const rows: number[] = [], cols: number[] = [];
      observed.forEach((o, e) => o === 0 && (rows.push(Math.floor(e / A.cols)), cols.push(e % A.cols)));
      hidden.push({ ...stratum, unknown: { rows, cols } });
    } else {
      const data = Float32Array.from(stratum.data as ArrayLike<number>, (x, e) => observed[e] ? x : NaN);
      hidden.push({ ...stratum, data });
    }
  }
  return { strata: hidden, reference };
}

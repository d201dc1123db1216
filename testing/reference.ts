/**
 * An independent float64 Stratified-NMF, written plainly from docs/algorithm.md: the oracle the
 * wasm core is tested against, and the "plain TypeScript" line of the benchmarks. Strata are
 * dense float64 matrices or CSR; the loss is computed by explicit reconstruction.
 *
 * @module
 */

/** Row-major float64 matrix. */
export interface Mat {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** CSR matrix (float64 values). */
export interface Csr {
  rows: number;
  cols: number;
  indptr: ArrayLike<number>;
  indices: ArrayLike<number>;
  values: ArrayLike<number>;
}

/** A stratum of the reference: dense or CSR. */
export type RefStratum = Mat | Csr;

export interface RefState {
  /** s vectors of n. */
  V: Float64Array[];
  /** m_i×k each. */
  W: Mat[];
  /** k×n. */
  H: Mat;
}

export const REF_EPS = 1e-9;

export function mat(rows: number, cols: number, data?: ArrayLike<number>): Mat {
  return { rows, cols, data: data ? Float64Array.from(data) : new Float64Array(rows * cols) };
}

/** C = A·B, either operand dense or CSR (the other dense). */
function mul(a: RefStratum, b: RefStratum): Mat {
  if (!("data" in a)) return csrTimesDense(a, b as Mat);
  if (!("data" in b)) return transpose(csrTimesDense(transposeCsr(b), transpose(a)));
  const c = mat(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let p = 0; p < a.cols; p++) {
      const x = a.data[i * a.cols + p];
      if (x === 0) continue;
      for (let j = 0; j < b.cols; j++) c.data[i * b.cols + j] += x * b.data[p * b.cols + j];
    }
  }
  return c;
}

function csrTimesDense(a: Csr, b: Mat): Mat {
  const c = mat(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let e = a.indptr[i]; e < a.indptr[i + 1]; e++) {
      const x = a.values[e];
      const p = a.indices[e];
      for (let j = 0; j < b.cols; j++) c.data[i * b.cols + j] += x * b.data[p * b.cols + j];
    }
  }
  return c;
}

function transposeCsr(a: Csr): Csr {
  const counts = new Int32Array(a.cols + 1);
  for (let e = 0; e < a.indptr[a.rows]; e++) counts[a.indices[e] + 1]++;
  for (let j = 0; j < a.cols; j++) counts[j + 1] += counts[j];
  const indptr = Int32Array.from(counts);
  const indices = new Int32Array(a.indptr[a.rows]);
  const values = new Float64Array(a.indptr[a.rows]);
  for (let i = 0; i < a.rows; i++) {
    for (let e = a.indptr[i]; e < a.indptr[i + 1]; e++) {
      const o = counts[a.indices[e]]++;
      indices[o] = i;
      values[o] = a.values[e];
    }
  }
  return { rows: a.cols, cols: a.rows, indptr, indices, values };
}

function transpose(a: Mat): Mat {
  const t = mat(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) t.data[j * a.rows + i] = a.data[i * a.cols + j];
  return t;
}

function colSums(a: RefStratum): Float64Array {
  return mul(mat(1, a.rows, new Float64Array(a.rows).fill(1)), a).data;
}

/** A dense copy of a stratum. */
function dense(a: RefStratum): Mat {
  if ("data" in a) return a;
  const out = mat(a.rows, a.cols);
  for (let r = 0; r < a.rows; r++) {
    for (let e = a.indptr[r]; e < a.indptr[r + 1]; e++) out.data[r * a.cols + a.indices[e]] = a.values[e];
  }
  return out;
}

/** sqrt(Σ_i ‖A(i) − 1 v(i)ᵀ − W(i) H‖²_F), by reconstruction. */
export function referenceLoss(strata: RefStratum[], state: RefState): number {
  let total = 0;
  strata.map(dense).forEach((a, i) => {
    const wh = mul(state.W[i], state.H);
    for (let r = 0; r < a.rows; r++) {
      for (let j = 0; j < a.cols; j++) {
        const d = a.data[r * a.cols + j] - state.V[i][j] - wh.data[r * a.cols + j];
        total += d * d;
      }
    }
  });
  return Math.sqrt(total);
}

/** One iteration of the multiplicative updates under either schedule; returns the new state. */
export function referenceStep(
  A: RefStratum[],
  state: RefState,
  schedule: "sequential" | "reference",
  vUpdates: number,
): RefState {
  const k = state.H.rows;
  const n = state.H.cols;
  const H = state.H;
  const Ht = transpose(H);
  // v(i) ← v(i) ⊙ (A(i)ᵀ1) / (m v(i) + Hᵀ(W(i)ᵀ1) + ε)
  const V = state.V.map((v0, i) => {
    const c = colSums(A[i]);
    const t = mul(mat(1, k, colSums(state.W[i])), H).data;
    let v = Float64Array.from(v0);
    for (let u = 0; u < vUpdates; u++) {
      v = v.map((x, j) => x * c[j] / (A[i].rows * x + t[j] + REF_EPS));
    }
    return v;
  });
  // W(i) ← W(i) ⊙ (A(i)Hᵀ) / (W(i) HHᵀ + 1 (H v(i))ᵀ + ε)
  const HHt = mul(H, Ht);
  const W = state.W.map((w, i) => {
    const num = mul(A[i], Ht);
    const den = mul(w, HHt);
    const hv = mul(H, mat(n, 1, V[i])).data;
    const out = mat(w.rows, k);
    for (let r = 0; r < w.rows; r++) {
      for (let q = 0; q < k; q++) {
        const e = r * k + q;
        out.data[e] = w.data[e] * num.data[e] / (den.data[e] + hv[q] + REF_EPS);
      }
    }
    return out;
  });
  // H ← H ⊙ (Σ W(i)ᵀA(i)) / (Σ (W(i)ᵀ1) v(i)ᵀ + (Σ W(i)ᵀW(i)) H + ε), with the new W(i)
  // (sequential) or the old ones (reference).
  const Wh = schedule === "sequential" ? W : state.W;
  const num = mat(k, n);
  const gram = mat(k, k);
  const shift = mat(k, n);
  Wh.forEach((w, i) => {
    const wt = transpose(w);
    mul(wt, A[i]).data.forEach((x, e) => (num.data[e] += x));
    mul(wt, w).data.forEach((x, e) => (gram.data[e] += x));
    const ws = colSums(w);
    for (let q = 0; q < k; q++) for (let j = 0; j < n; j++) shift.data[q * n + j] += ws[q] * V[i][j];
  });
  const den = mul(gram, H);
  const newH = mat(k, n);
  for (let e = 0; e < k * n; e++) {
    newH.data[e] = H.data[e] * num.data[e] / (shift.data[e] + den.data[e] + REF_EPS);
  }
  return { V, W, H: newH };
}

/** Runs `iterations` steps; returns the final state and the loss before each step plus the final one. */
export function referenceFit(
  A: RefStratum[],
  start: RefState,
  iterations: number,
  schedule: "sequential" | "reference",
  vUpdates = 2,
  trackLoss = true,
): { state: RefState; lossHistory: number[] } {
  let state = start;
  const lossHistory: number[] = [];
  for (let t = 0; t < iterations; t++) {
    if (trackLoss) lossHistory.push(referenceLoss(A, state));
    state = referenceStep(A, state, schedule, vUpdates);
  }
  if (trackLoss) lossHistory.push(referenceLoss(A, state));
  return { state, lossHistory };
}

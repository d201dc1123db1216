/**
 * The NNDSVD start (non-negative double SVD, Boutsidis and Gallopoulos 2008) for Stratified-NMF,
 * and `startFactors()`, which picks the start of a fit.
 *
 * The strata are stacked after removing a starting shift, each stratum's column minimum
 * `v0(i)` (so the stacked matrix `B`, rows `A(i) − 1 v0(i)ᵀ`, is non-negative), and `B`'s rank-k
 * truncated SVD is found with a randomized range finder (Halko, Martinsson, Tropp 2011): a
 * Gaussian test matrix Ω (n×l, l = k + 10, drawn from a fixed seed, so the start is
 * deterministic), then `q` power iterations `Y = B Z`, `Z = Bᵀ Q`, each re-orthonormalized.
 * Every product with `B` is one of the kernels' thin products (`A(i) X`, `A(i)ᵀ Q(i)`) with the
 * shift removed afterwards through `1 (v0(i)ᵀ X)` and `v0(i) (1ᵀ Q(i))`, so sparse strata stay
 * sparse: the largest temporaries are two m_i×l blocks per stratum and a few n×l ones.
 * Orthonormalization is X ← X V Λ^(−1/2) from the eigendecomposition `XᵀX = V Λ Vᵀ` (l×l;
 * directions with `λ ≤ 1e−10 λ_max` are dropped); the power iterations need only the span, the
 * final basis is orthonormalized a second time (in the manner of CholeskyQR2). The l×l
 * eigenproblems (cyclic Jacobi) run in TypeScript, everything with a dimension m or n in the
 * wasm core.
 *
 * From `B ≈ Σ_j σ_j u_j y_jᵀ`, NNDSVD takes for each j the larger (by `‖x₊‖‖y₊‖` against
 * `‖x₋‖‖y₋‖`) of the positive and negative parts of `u_j` and `y_j` and sets
 * `W[:,j] = sqrt(σ_j μ) x̂`, `H[j,:] = sqrt(σ_j μ) ŷ` (μ the chosen product of norms, x̂ and ŷ
 * the normalized parts; the leading pair as |u_1|, |y_1|). `v(i)` starts at `v0(i)`.
 *
 * Multiplicative updates cannot move an entry away from zero, so for them (`fillZeros`) the
 * zeros of W, H and V are filled with the mean of `B`, as NNDSVDa does (scikit-learn's
 * `init="nndsvda"`; the mean of the data when `B` is zero). HALS moves zeros and gets plain
 * NNDSVD, except that a component whose W columns or H row came out all zero (B has lower rank
 * than k) is filled the same way, since coordinate descent cannot revive it either.
 *
 * @module
 */

import type { Core } from "../runtime/core.ts";
import { explicitFactors, Factors, randomFactors, type Shape } from "../input/factors.ts";
import { Random } from "./random.ts";
import type { ResidentStrata } from "../input/strata.ts";
import type { FitOptions, SolverKind } from "../types.ts";

/** Columns added to the rank for the range finder. */
const OVERSAMPLING = 10;
/** Seed of the test matrix: the start depends on the data only. */
const NNDSVD_SEED = 0x5eed;
/** Eigenvalues of XᵀX below this fraction of the largest are dropped when orthonormalizing. */
const DROP = 1e-10;

/** Power iterations: scikit-learn's rule for `randomized_svd` (7 for small ranks, else 4). */
function powerIterations(k: number, rows: number, cols: number): number {
  return k < 0.1 * Math.min(rows, cols) ? 7 : 4;
}

/**
 * Eigendecomposition of a symmetric l×l matrix (row-major) by cyclic Jacobi rotations:
 * eigenvalues in descending order and the matching eigenvectors as the columns of `vectors`.
 */
export function symmetricEigen(matrix: ArrayLike<number>, l: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(l * l);
  for (let i = 0; i < l; i++) v[i * l + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < l; p++) {
      diag += a[p * l + p] ** 2;
      for (let q = p + 1; q < l; q++) off += a[p * l + q] ** 2;
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < l; p++) {
      for (let q = p + 1; q < l; q++) {
        const apq = a[p * l + q];
        if (apq === 0) continue;
        const theta = (a[q * l + q] - a[p * l + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < l; r++) {
          if (r === p || r === q) continue;
          const arp = a[r * l + p];
          const arq = a[r * l + q];
          a[r * l + p] = a[p * l + r] = c * arp - s * arq;
          a[r * l + q] = a[q * l + r] = s * arp + c * arq;
        }
        a[p * l + p] -= t * apq;
        a[q * l + q] += t * apq;
        a[p * l + q] = a[q * l + p] = 0;
        for (let r = 0; r < l; r++) {
          const vrp = v[r * l + p];
          const vrq = v[r * l + q];
          v[r * l + p] = c * vrp - s * vrq;
          v[r * l + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const order = Array.from({ length: l }, (_, i) => i).sort((x, y) => a[y * l + y] - a[x * l + x] || x - y);
  const values = Float64Array.from(order, (i) => a[i * l + i]);
  const vectors = new Float64Array(l * l);
  order.forEach((from, to) => {
    for (let r = 0; r < l; r++) vectors[r * l + to] = v[r * l + from];
  });
  return { values, vectors };
}

/** The NNDSVD computation's wasm blocks, freed together. */
class Workspace {
  readonly #core: Core;
  readonly #owned: number[] = [];
  constructor(core: Core) {
    this.#core = core;
  }
  alloc(bytes: number): number {
    const ptr = this.#core.heap.alloc(bytes);
    this.#owned.push(ptr);
    return ptr;
  }
  free(): void {
    this.#owned.splice(0).forEach((ptr) => this.#core.heap.release(ptr));
  }
}

/** A block of rows of a stacked thin matrix: `rows × l` float32 at `ptr`. */
interface Block {
  ptr: number;
  rows: number;
}

/**
 * NNDSVD factors of the strata (see the module comment). `fillZeros` gives NNDSVDa (for the
 * multiplicative updates).
 */
export function nndsvdFactors(core: Core, strata: ResidentStrata, shape: Shape, fillZeros: boolean): Factors {
  const { kernels, heap } = core;
  const { cols: n, rank: k } = shape;
  const list = strata.strata;
  const s = list.length;
  const M = shape.rows.reduce((a, b) => a + b, 0);
  const l = Math.min(k + OVERSAMPLING, n, M);
  const factors = new Factors(core, shape);
  const ws = new Workspace(core);
  try {
    // v0(i): column minima (the starting shift), in V.
    list.forEach((st, i) => {
      const v0 = factors.V + i * n * 4;
      if (st.kind === "dense") kernels.f32_colmin(st.data, st.rows, n, v0);
      else csrColumnMin(core, st.indices, st.values, st.nnz, st.rows, n, factors.v(i));
    });
    const Y: Block[] = list.map((st) => ({ ptr: ws.alloc(st.rows * l * 4), rows: st.rows }));
    const Q: Block[] = list.map((st) => ({ ptr: ws.alloc(st.rows * l * 4), rows: st.rows }));
    let Zt = ws.alloc(n * l * 4); // n×l
    let Z2 = ws.alloc(n * l * 4); // n×l, orthonormalization partner of Zt
    const ZT = ws.alloc(l * n * 4); // l×n, for the dense kernel
    const Zkn = ws.alloc(l * n * 4); // l×n accumulation of dense Qᵀ A
    const gram = ws.alloc(l * l * 8);
    const T = ws.alloc(l * l * 8);
    const vx = ws.alloc(l * 8);
    const qSums = ws.alloc(s * l * 8);
    const shiftNl = ws.alloc(n * l * 8);

    const orthonormalize = (from: Block[], to: Block[]) => {
      const G = new Float64Array(l * l);
      for (const b of from) {
        kernels.f32_gram_f64(b.ptr, b.rows, l, gram, 0);
        const g = heap.f64(gram, l * l);
        for (let e = 0; e < l * l; e++) G[e] += g[e];
      }
      const { values, vectors } = symmetricEigen(G, l);
      const t = heap.f64(T, l * l);
      const cut = Math.max(values[0], 0) * DROP;
      for (let c = 0; c < l; c++) {
        const scale = values[c] > cut && values[c] > 0 ? 1 / Math.sqrt(values[c]) : 0;
        for (let r = 0; r < l; r++) t[r * l + c] = vectors[r * l + c] * scale;
      }
      from.forEach((b, i) => kernels.f32_rmul_f64(b.ptr, b.rows, l, T, l, to[i].ptr));
    };

    /** Y(i) = B(i) Z = A(i) Z − 1 (v0(i)ᵀ Z), Z = Zt (n×l). */
    const timesZ = () => {
      kernels.f32_transpose(Zt, n, l, ZT, 0);
      list.forEach((st, i) => {
        if (st.kind === "dense") kernels.f32_aht_wta(st.data, st.rows, n, ZT, l, Y[i].ptr, 0, 0);
        else kernels.csr_aht_atw(st.indptr, st.indices, st.values, st.rows, Zt, l, Y[i].ptr, 0, 0);
        kernels.f32_hv_h_f64(ZT, l, n, factors.V + i * n * 4, vx);
        kernels.f32_sub_rowvec_f64(Y[i].ptr, st.rows, l, vx);
      });
    };
    /** Zt = Bᵀ Q = Σ_i A(i)ᵀ Q(i) − v0(i) (1ᵀ Q(i)) (n×l). */
    const transposeTimesQ = () => {
      heap.f32(Zt, n * l).fill(0);
      heap.f32(Zkn, l * n).fill(0);
      let dense = false;
      list.forEach((st, i) => {
        if (st.kind === "dense") {
          dense = true;
          kernels.f32_aht_wta(st.data, st.rows, n, 0, l, 0, Q[i].ptr, Zkn);
        } else {
          kernels.csr_aht_atw(st.indptr, st.indices, st.values, st.rows, 0, l, 0, Q[i].ptr, Zt);
        }
        kernels.f32_colsum_f64(Q[i].ptr, st.rows, l, qSums + i * l * 8);
      });
      if (dense) kernels.f32_transpose(Zkn, l, n, Zt, 1);
      kernels.f32_shift_term_f64(factors.V, n, s, n, qSums, l, shiftNl);
      kernels.f32_sub_rowvec_f64(Zt, 1, n * l, shiftNl);
    };

    // Range finder: Ω, then Y = B Ω and q power iterations.
    const random = new Random(NNDSVD_SEED);
    const omega = heap.f32(Zt, n * l);
    for (let e = 0; e < n * l; e++) omega[e] = gaussian(random);
    timesZ();
    orthonormalize(Y, Q);
    for (let it = powerIterations(k, M, n); it > 0; it--) {
      transposeTimesQ();
      orthonormalize([{ ptr: Zt, rows: n }], [{ ptr: Z2, rows: n }]);
      [Zt, Z2] = [Z2, Zt];
      timesZ();
      orthonormalize(Y, Q);
    }
    // The basis B is projected on is orthonormalized once more (the iterations only need its span).
    orthonormalize(Q, Y);
    for (let i = 0; i < s; i++) [Q[i].ptr, Y[i].ptr] = [Y[i].ptr, Q[i].ptr];
    // B ≈ Q C with C = Qᵀ B (l×n, kept as Cᵀ = Bᵀ Q in Zt); C Cᵀ = U Σ² Uᵀ.
    transposeTimesQ();
    kernels.f32_gram_f64(Zt, n, l, gram, 0);
    const { values, vectors } = symmetricEigen(heap.f64(gram, l * l), l);
    const sigma = Float64Array.from({ length: k }, (_, j) => Math.sqrt(Math.max(values[j] ?? 0, 0)));
    const cut = sigma[0] * Math.sqrt(DROP);
    // Left vectors u_j = Q U[:,j] into W(i); right vectors y_j = Cᵀ U[:,j] / σ_j into Ht (n×k).
    const Uk = ws.alloc(l * k * 8);
    const u = heap.f64(Uk, l * k);
    for (let r = 0; r < l; r++) for (let j = 0; j < k; j++) u[r * k + j] = vectors[r * l + j];
    list.forEach((st, i) => kernels.f32_rmul_f64(Q[i].ptr, st.rows, l, Uk, k, factors.W[i]));
    const uScaled = heap.f64(Uk, l * k);
    for (let r = 0; r < l; r++) {
      for (let j = 0; j < k; j++) uScaled[r * k + j] = sigma[j] > cut ? uScaled[r * k + j] / sigma[j] : 0;
    }
    const Ht = ws.alloc(n * k * 4);
    kernels.f32_rmul_f64(Zt, n, l, Uk, k, Ht);
    nonNegativeParts(factors, heap.f32(Ht, n * k), sigma, cut);
    const meanA = list.reduce((sum, st) => sum + heap.f32(st.colSums, n).reduce((a, b) => a + b, 0), 0) / (M * n);
    let shiftMass = 0;
    list.forEach((st, i) => shiftMass += st.rows * factors.v(i).reduce((a, b) => a + b, 0));
    const meanB = Math.max(meanA - shiftMass / (M * n), 0);
    fill(factors, meanB > 0 ? meanB : meanA, fillZeros);
    return factors;
  } catch (error) {
    factors.free();
    throw error;
  } finally {
    ws.free();
  }
}

/** Column minima of a CSR block (0 for a column some row does not store) into `out`. */
function csrColumnMin(
  core: Core,
  indices: number,
  values: number,
  nnz: number,
  rows: number,
  n: number,
  out: Float32Array,
): void {
  const idx = core.heap.i32(indices, nnz);
  const val = core.heap.f32(values, nnz);
  const count = new Int32Array(n);
  const least = new Float32Array(n).fill(Infinity);
  for (let e = 0; e < nnz; e++) {
    const j = idx[e];
    count[j]++;
    if (val[e] < least[j]) least[j] = val[e];
  }
  for (let j = 0; j < n; j++) out[j] = count[j] === rows ? least[j] : 0;
}

/** A standard normal draw (Box–Muller). */
function gaussian(random: Random): number {
  const u = 1 - random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}

/**
 * NNDSVD proper: replaces column j of the stacked W (holding u_j) and row j of H (from y_j, the
 * columns of `y`, n×k) by the scaled dominant non-negative parts.
 */
function nonNegativeParts(factors: Factors, y: Float32Array, sigma: Float64Array, cut: number): void {
  const { rows, cols: n, rank: k } = factors.shape;
  const H = factors.h();
  const Ws = rows.map((_, i) => factors.w(i));
  for (let j = 0; j < k; j++) {
    let xp = 0, xn = 0, yp = 0, yn = 0;
    for (const W of Ws) {
      for (let e = j; e < W.length; e += k) {
        const x = W[e];
        if (x > 0) xp += x * x;
        else xn += x * x;
      }
    }
    for (let c = 0; c < n; c++) {
      const x = y[c * k + j];
      if (x > 0) yp += x * x;
      else yn += x * x;
    }
    [xp, xn, yp, yn] = [Math.sqrt(xp), Math.sqrt(xn), Math.sqrt(yp), Math.sqrt(yn)];
    // The leading pair of a non-negative matrix is one-signed up to rounding: take |u|, |y|.
    const leading = j === 0;
    const positive = xp * yp >= xn * yn;
    const xNorm = leading ? Math.hypot(xp, xn) : positive ? xp : xn;
    const yNorm = leading ? Math.hypot(yp, yn) : positive ? yp : yn;
    const mu = xNorm * yNorm;
    const ok = sigma[j] > cut && mu > 0;
    const scale = ok ? Math.sqrt(sigma[j] * mu) : 0;
    const pick = (x: number) => leading ? Math.abs(x) : positive ? Math.max(x, 0) : Math.max(-x, 0);
    for (const W of Ws) {
      for (let e = j; e < W.length; e += k) W[e] = ok ? scale * pick(W[e]) / xNorm : 0;
    }
    for (let c = 0; c < n; c++) H[j * n + c] = ok ? scale * pick(y[c * k + j]) / yNorm : 0;
  }
}

/**
 * Fills zeros with `value`: every zero of V, W and H when `all` (NNDSVDa); otherwise only the
 * components (W columns and H row) that are zero throughout W or throughout H.
 */
function fill(factors: Factors, value: number, all: boolean): void {
  const { rows, cols: n, rank: k } = factors.shape;
  const H = factors.h();
  const Ws = rows.map((_, i) => factors.w(i));
  if (all) {
    rows.forEach((_, i) => factors.v(i).forEach((x, j, v) => x === 0 && (v[j] = value)));
    for (const W of Ws) W.forEach((x, e) => x === 0 && (W[e] = value));
    H.forEach((x, e) => x === 0 && (H[e] = value));
    return;
  }
  for (let j = 0; j < k; j++) {
    let wZero = true;
    for (const W of Ws) for (let e = j; e < W.length && wZero; e += k) wZero = W[e] === 0;
    let hZero = true;
    for (let c = 0; c < n && hZero; c++) hZero = H[j * n + c] === 0;
    if (!wZero && !hZero) continue;
    for (const W of Ws) for (let e = j; e < W.length; e += k) if (W[e] === 0) W[e] = value;
    for (let c = 0; c < n; c++) if (H[j * n + c] === 0) H[j * n + c] = value;
  }
}

/**
 * The start of a fit: the published random start (`"random"` or no `init`), NNDSVD
 * (`"nndsvd"`; NNDSVDa for the multiplicative updates) or explicit factors.
 */
export function startFactors(
  core: Core,
  strata: ResidentStrata,
  shape: Shape,
  init: FitOptions["init"],
  settings: { seed: number; solver: SolverKind },
  action: string,
): Factors {
  if (init === undefined || init === "random") return randomFactors(core, shape, settings.seed);
  if (init === "nndsvd") return nndsvdFactors(core, strata, shape, settings.solver === "mu");
  return explicitFactors(core, shape, init, action);
}

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
import type { Checkpoint } from "../runtime/checkpoint.ts";
import { Arena } from "../runtime/heap.ts";
import { gramScratchBytes } from "../runtime/kernels.ts";
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

/** A block of rows of a stacked thin matrix: `rows × l` float32 at `ptr`. */
interface Block {
  ptr: number;
  rows: number;
}

/**
 * The stacked strata B (rows A(i) − 1 v0(i)ᵀ, v0(i) in the factors' V) as an operator on thin
 * matrices of l columns, with the buffers its products and orthonormalizations use (one arena).
 * `Zt` (n×l) is the right-hand thin matrix, `Y(i)`, `Q(i)` (m_i×l) the left-hand ones.
 */
class StackedOperator {
  readonly #core: Core;
  readonly #strata: ResidentStrata["strata"];
  readonly #V: number;
  readonly n: number;
  readonly l: number;
  readonly Y: Block[];
  readonly Q: Block[];
  /** n×l, and its orthonormalization partner. */
  Zt: number;
  Z2: number;
  /** l×n: Z for the dense kernel, and the dense part of Qᵀ A. */
  readonly #ZT: number;
  readonly #Zkn: number;
  /** l×l float64: a Gram matrix and its kernel's scratch, and the orthonormalizing transform. */
  readonly #gram: number;
  readonly #gramScratch: number;
  readonly #T: number;
  /** l float64, s×l float64, n×l float64: the shift's terms. */
  readonly #vx: number;
  readonly #qSums: number;
  readonly #shiftNl: number;

  constructor(core: Core, strata: ResidentStrata, V: number, n: number, l: number, arena: Arena) {
    this.#core = core;
    this.#strata = strata.strata;
    this.#V = V;
    this.n = n;
    this.l = l;
    this.Y = this.#strata.map((st) => ({ ptr: arena.alloc(st.rows * l * 4), rows: st.rows }));
    this.Q = this.#strata.map((st) => ({ ptr: arena.alloc(st.rows * l * 4), rows: st.rows }));
    this.Zt = arena.alloc(n * l * 4);
    this.Z2 = arena.alloc(n * l * 4);
    this.#ZT = arena.alloc(l * n * 4);
    this.#Zkn = arena.alloc(l * n * 4);
    this.#gram = arena.alloc(l * l * 8);
    this.#gramScratch = arena.alloc(gramScratchBytes(l));
    this.#T = arena.alloc(l * l * 8);
    this.#vx = arena.alloc(l * 8);
    this.#qSums = arena.alloc(this.#strata.length * l * 8);
    this.#shiftNl = arena.alloc(n * l * 8);
  }

  /** XᵀX (l×l float64, a view of the heap) of the block X. */
  gram(x: Block): Float64Array {
    const { kernels, heap } = this.#core;
    kernels.zero_bytes(this.#gram, this.l * this.l * 8);
    kernels.f32_gram_f64(x.ptr, x.rows, this.l, this.#gram, this.#gramScratch);
    return heap.f64(this.#gram, this.l * this.l);
  }

  /**
   * `to` = `from` X with X = V Λ^(−1/2) from the eigendecomposition of the stacked Gram matrix
   * fromᵀ from = V Λ Vᵀ (directions with λ ≤ DROP λ_max dropped): an orthonormal basis of the span.
   */
  orthonormalize(from: Block[], to: Block[]): void {
    const { kernels, heap } = this.#core;
    const l = this.l;
    const G = new Float64Array(l * l);
    for (const b of from) {
      const g = this.gram(b);
      for (let e = 0; e < l * l; e++) G[e] += g[e];
    }
    const { values, vectors } = symmetricEigen(G, l);
    const t = heap.f64(this.#T, l * l);
    const cut = Math.max(values[0], 0) * DROP;
    for (let c = 0; c < l; c++) {
      const scale = values[c] > cut && values[c] > 0 ? 1 / Math.sqrt(values[c]) : 0;
      for (let r = 0; r < l; r++) t[r * l + c] = vectors[r * l + c] * scale;
    }
    from.forEach((b, i) => kernels.f32_rmul_f64(b.ptr, b.rows, l, this.#T, l, to[i].ptr));
  }

  /** Y(i) = B(i) Z = A(i) Z − 1 (v0(i)ᵀ Z), Z = Zt (n×l). */
  timesZ(): void {
    const { kernels } = this.#core;
    const { n, l } = this;
    kernels.f32_transpose(this.Zt, n, l, this.#ZT, 0);
    this.#strata.forEach((st, i) => {
      const y = this.Y[i].ptr;
      if (st.kind === "dense") kernels.f32_aht_wta(st.data, st.rows, n, this.#ZT, l, y, 0, 0);
      else kernels.csr_aht_atw(st.indptr, st.indices, st.values, st.rows, this.Zt, l, y, 0, 0);
      kernels.f32_hv_h_f64(this.#ZT, l, n, this.#V + i * n * 4, this.#vx);
      kernels.f32_sub_rowvec_f64(y, st.rows, l, this.#vx);
    });
  }

  /** Zt = Bᵀ Q = Σ_i A(i)ᵀ Q(i) − v0(i) (1ᵀ Q(i)) (n×l). */
  transposeTimesQ(): void {
    const { kernels, heap } = this.#core;
    const { n, l } = this;
    heap.f32(this.Zt, n * l).fill(0);
    heap.f32(this.#Zkn, l * n).fill(0);
    let dense = false;
    this.#strata.forEach((st, i) => {
      const q = this.Q[i].ptr;
      if (st.kind === "dense") {
        dense = true;
        kernels.f32_aht_wta(st.data, st.rows, n, 0, l, 0, q, this.#Zkn);
      } else {
        kernels.csr_aht_atw(st.indptr, st.indices, st.values, st.rows, 0, l, 0, q, this.Zt);
      }
      kernels.f32_colsum_f64(q, st.rows, l, this.#qSums + i * l * 8);
    });
    if (dense) kernels.f32_transpose(this.#Zkn, l, n, this.Zt, 1);
    kernels.f32_shift_term_f64(this.#V, n, this.#strata.length, n, this.#qSums, l, this.#shiftNl);
    kernels.f32_sub_rowvec_f64(this.Zt, 1, n * l, this.#shiftNl);
  }
}

/**
 * The range finder: Y = B Ω for a Gaussian Ω (fixed seed), then `iterations` power iterations,
 * each re-orthonormalized; leaves an orthonormal basis of B's dominant range in `op.Q`.
 */
async function rangeBasis(core: Core, op: StackedOperator, iterations: number, checkpoint?: Checkpoint) {
  const random = new Random(NNDSVD_SEED);
  const omega = core.heap.f32(op.Zt, op.n * op.l);
  for (let e = 0; e < op.n * op.l; e++) omega[e] = gaussian(random);
  op.timesZ();
  op.orthonormalize(op.Y, op.Q);
  for (let it = iterations; it > 0; it--) {
    await checkpoint?.pass();
    op.transposeTimesQ();
    op.orthonormalize([{ ptr: op.Zt, rows: op.n }], [{ ptr: op.Z2, rows: op.n }]);
    [op.Zt, op.Z2] = [op.Z2, op.Zt];
    await checkpoint?.pass();
    op.timesZ();
    op.orthonormalize(op.Y, op.Q);
  }
  // The basis B is projected on is orthonormalized once more (the iterations only need its span).
  op.orthonormalize(op.Q, op.Y);
  op.Q.forEach((q, i) => [q.ptr, op.Y[i].ptr] = [op.Y[i].ptr, q.ptr]);
}

/**
 * The rank-k truncated SVD of B from its range basis: B ≈ Q C with C = Qᵀ B (l×n, kept as Cᵀ =
 * Bᵀ Q), C Cᵀ = U Σ² Uᵀ. Writes the left vectors u_j = Q U[:,j] into the W(i) and returns the
 * singular values, their cut, and the right vectors y_j = Cᵀ U[:,j] / σ_j (n×k float32, at `Ht`).
 */
function truncatedSvd(core: Core, op: StackedOperator, factors: Factors, arena: Arena) {
  const { kernels, heap } = core;
  const { n, l } = op;
  const k = factors.shape.rank;
  op.transposeTimesQ();
  const { values, vectors } = symmetricEigen(op.gram({ ptr: op.Zt, rows: n }), l);
  const sigma = Float64Array.from({ length: k }, (_, j) => Math.sqrt(Math.max(values[j] ?? 0, 0)));
  const cut = sigma[0] * Math.sqrt(DROP);
  const Uk = arena.alloc(l * k * 8);
  const u = heap.f64(Uk, l * k);
  for (let r = 0; r < l; r++) for (let j = 0; j < k; j++) u[r * k + j] = vectors[r * l + j];
  op.Q.forEach((q, i) => kernels.f32_rmul_f64(q.ptr, q.rows, l, Uk, k, factors.W[i]));
  const uScaled = heap.f64(Uk, l * k);
  for (let r = 0; r < l; r++) {
    for (let j = 0; j < k; j++) uScaled[r * k + j] = sigma[j] > cut ? uScaled[r * k + j] / sigma[j] : 0;
  }
  const Ht = arena.alloc(n * k * 4);
  kernels.f32_rmul_f64(op.Zt, n, l, Uk, k, Ht);
  return { sigma, cut, Ht };
}

/** v0(i): each stratum's column minima (the starting shift), into V. */
function columnMinima(core: Core, strata: ResidentStrata, factors: Factors): void {
  const n = factors.shape.cols;
  strata.strata.forEach((st, i) => {
    if (st.kind === "dense") core.kernels.f32_colmin(st.data, st.rows, n, factors.V + i * n * 4);
    else csrColumnMin(core, st.indices, st.values, st.nnz, st.rows, n, factors.v(i));
  });
}

/** The value NNDSVDa fills zeros with: the mean of B (the mean of the data when B is zero). */
function fillValue(core: Core, strata: ResidentStrata, factors: Factors): number {
  const { cols: n } = factors.shape;
  const M = factors.shape.rows.reduce((a, b) => a + b, 0);
  const list = strata.strata;
  const meanA = list.reduce((sum, st) => sum + core.heap.f32(st.colSums, n).reduce((a, b) => a + b, 0), 0) / (M * n);
  let shiftMass = 0;
  list.forEach((st, i) => shiftMass += st.rows * factors.v(i).reduce((a, b) => a + b, 0));
  const meanB = Math.max(meanA - shiftMass / (M * n), 0);
  return meanB > 0 ? meanB : meanA;
}

/**
 * NNDSVD factors of the strata (see the module comment). `fillZeros` gives NNDSVDa (for the
 * multiplicative updates).
 */
export async function nndsvdFactors(
  core: Core,
  strata: ResidentStrata,
  shape: Shape,
  fillZeros: boolean,
  checkpoint?: Checkpoint,
): Promise<Factors> {
  const { cols: n, rank: k } = shape;
  const M = shape.rows.reduce((a, b) => a + b, 0);
  const l = Math.min(k + OVERSAMPLING, n, M);
  const factors = new Factors(core, shape);
  const arena = new Arena(core.heap);
  try {
    columnMinima(core, strata, factors);
    const op = new StackedOperator(core, strata, factors.V, n, l, arena);
    await rangeBasis(core, op, powerIterations(k, M, n), checkpoint);
    await checkpoint?.pass();
    const { sigma, cut, Ht } = truncatedSvd(core, op, factors, arena);
    nonNegativeParts(factors, core.heap.f32(Ht, n * k), sigma, cut);
    fill(factors, fillValue(core, strata, factors), fillZeros);
    return factors;
  } catch (error) {
    factors.free();
    throw error;
  } finally {
    arena.free();
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
 * The start of a fit, in the units of the stored data: the published random start (`"random"` or
 * no `init`), NNDSVD (`"nndsvd"`; NNDSVDa for the multiplicative updates) or explicit factors
 * (divided by the data's scale).
 */
export async function startFactors(
  core: Core,
  strata: ResidentStrata,
  shape: Shape,
  init: FitOptions["init"],
  settings: { seed: number; solver: SolverKind },
  action: string,
  checkpoint?: Checkpoint,
): Promise<Factors> {
  if (init === undefined || init === "random") return randomFactors(core, shape, settings.seed);
  if (init === "nndsvd") return await nndsvdFactors(core, strata, shape, settings.solver === "mu", checkpoint);
  // An explicit start is in the data's units: the fit runs in the stored ones.
  const factors = explicitFactors(core, shape, init, action);
  factors.changeUnits(strata.scale, "divide");
  return factors;
}

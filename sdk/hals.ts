/**
 * The HALS solver (exact block-coordinate descent, as hierarchical alternating least squares
 * does it for plain NMF) and the L1-penalized multiplicative updates, on the same thin products
 * as the multiplicative updates of solver.ts. Both minimize the penalized objective
 *
 *   F + λ_v Σ_i ‖v(i)‖₁ + λ_W Σ_i ‖W(i)‖₁ + λ_H ‖H‖₁,   F = Σ_i ‖A(i) − 1 v(i)ᵀ − W(i) H‖²_F
 *
 * (all entries are non-negative, so each ‖·‖₁ is a plain sum). With `P(i) = A(i) Hᵀ`,
 * `w(i) = W(i)ᵀ 1`, `c(i) = A(i)ᵀ 1`, one HALS iteration is
 *
 *   v(i) ← max(0, (c(i) − Hᵀ w(i) − λ_v/2) / m_i)                      (closed form, every i)
 *   W(i)[:,q] ← max(0, W(i)[:,q] + (P(i)[:,q] − (H v(i))_q − λ_W/2 − W(i) (HHᵀ)[:,q]) / (HHᵀ)_qq)
 *                                                                         (q = 0 … k−1 in turn)
 *   v(i) ← the closed form again, with the new W(i)
 *   H[q,:] ← max(0, H[q,:] + (N[q,:] − S[q,:] − λ_H/2 − (G H)[q,:]) / G_qq)   (q = 0 … k−1 in turn)
 *
 * with `N = Σ_i W(i)ᵀ A(i)`, `G = Σ_i W(i)ᵀ W(i)`, `S = Σ_i w(i) v(i)ᵀ` from the new W(i). Every
 * step is the exact minimizer of the objective over its block, so the objective is
 * non-increasing. The passes over the data are those of the sequential multiplicative schedule:
 * `A(i) Hᵀ` (which the loss reuses), then `W(i)ᵀ A(i)` with the new W(i).
 *
 * The penalized multiplicative updates add λ/2 to the denominators of algorithm.md's updates
 * (the gradient of `λ ‖X‖₁` is λ, that of F carries a factor 2):
 *
 *   v(i) ← v(i) ⊙ c(i) / (m_i v(i) + Hᵀ w(i) + ε + λ_v/2)
 *   W(i) ← W(i) ⊙ P(i) / (W(i) HHᵀ + 1 (H v(i))ᵀ + ε + λ_W/2)
 *   H    ← H ⊙ N / (S + G H + ε + λ_H/2)
 *
 * (the Lee–Seung auxiliary function of F plus a linear term is still an auxiliary function, so
 * the objective stays non-increasing under the sequential schedule). Without penalties fits use
 * MultiplicativeSolver (solver.ts) itself; this class is the penalized path.
 *
 * `loss()` of both is `sqrt(F + penalty)`: the loss history of a penalized fit is that of the
 * penalized objective; `lastPenalty` holds the penalty part of the last `loss()`.
 *
 * @module
 */

import type { Core } from "./core.ts";
import type { Factors } from "./factors.ts";
import { EPS, MultiplicativeSolver, type SolverOptions } from "./solver.ts";
import type { ResidentStrata } from "./strata.ts";
import type { SolverKind } from "./types.ts";

/** What fit() needs of a solver: one iteration is computeProducts, optionally loss, then update. */
export interface Solver {
  computeProducts(forUpdate: boolean): void;
  loss(): number;
  update(): void;
  free(): void;
}

/** Options of the solvers of this module. */
export interface BlockSolverOptions extends SolverOptions {
  /** L1 weight of every v(i) (default 0). */
  l1V?: number;
  /** L1 weight of every W(i) (default 0). */
  l1W?: number;
  /** L1 weight of H (default 0). */
  l1H?: number;
}

/**
 * Sweeps of exact coordinate updates per W(i) and H block update (HALS). A sweep reuses the
 * products of the pass (A Hᵀ, Wᵀ A, the Gram matrices), so it costs O((Σm_i + n) k²) where a
 * pass costs O(nnz k): a second sweep pays where the pass dominates. The rule (2 sweeps when
 * nnz ≥ 2 (Σm_i + n) k, else 1) follows measurements (time to given losses, 1 to 3 sweeps, random
 * and NNDSVD starts): 2 sweeps won on the synthetic experiment (nnz 40,000 against 5,000; 1.5e-3
 * in 161–176 iterations instead of 274–1,864), 1 sweep on the California strata (15,690 against
 * 26,210), the SpamAssassin TF-IDF and the TF-IDF-like matrix (76k against 880k).
 */
export function halsSweeps(nnz: number, rows: number, cols: number, rank: number): number {
  return nnz >= 2 * (rows + cols) * rank ? 2 : 1;
}

/**
 * The workspace, passes over the data and the penalized loss identity shared by both solvers
 * of this module; subclasses supply the update rules.
 */
abstract class BlockSolver implements Solver {
  protected readonly core: Core;
  protected readonly strata: ResidentStrata;
  protected readonly factors: Factors;
  protected readonly options: BlockSolverOptions;
  protected readonly l1V: number;
  protected readonly l1W: number;
  protected readonly l1H: number;
  readonly #owned: number[] = [];
  /** P(i) = A(i) Hᵀ: m_i×k float32. */
  protected readonly P: number[];
  /** Row i: W(i)ᵀ 1 (k float64), for the current W(i). s×k float64. */
  protected readonly wSums: number;
  /** W(i)ᵀ W(i): k×k float64, for the current W(i). */
  protected readonly grams: number[];
  /** Hᵀ: n×k float32, kept equal to H. */
  protected readonly Ht: number;
  /** H Hᵀ: k×k float64. */
  protected readonly HHt: number;
  /** Σ over dense strata of W(i)ᵀ A(i): k×n float32. */
  protected readonly Nkn: number;
  /** Σ_i A(i)ᵀ W(i): n×k float32 (CSR strata accumulate here directly). */
  protected readonly Nt: number;
  /** Σ_i W(i)ᵀ W(i): k×k float64. */
  protected readonly gramSum: number;
  /** Σ_i v(i) (W(i)ᵀ 1)ᵀ: n×k float64. */
  protected readonly shiftTerm: number;
  /** H v(i): k float64. */
  protected readonly Hv: number;
  /** Hᵀ W(i)ᵀ1: n float64. */
  protected readonly Htw: number;
  /** k float64 of scratch. */
  protected readonly scratch: number;
  /** One float64 (sums of the penalty). */
  readonly #sum: number;
  /** The penalty part of the objective at the last `loss()`. */
  lastPenalty = 0;

  constructor(core: Core, strata: ResidentStrata, factors: Factors, options: BlockSolverOptions) {
    this.core = core;
    this.strata = strata;
    this.factors = factors;
    this.options = options;
    this.l1V = options.l1V ?? 0;
    this.l1W = options.l1W ?? 0;
    this.l1H = options.l1H ?? 0;
    const { cols: n, rank: k } = factors.shape;
    const s = strata.strata.length;
    const alloc = (bytes: number) => {
      const ptr = core.heap.alloc(bytes);
      this.#owned.push(ptr);
      return ptr;
    };
    try {
      this.P = strata.strata.map((st) => alloc(st.rows * k * 4));
      this.wSums = alloc(s * k * 8);
      this.grams = strata.strata.map(() => alloc(k * k * 8));
      this.Ht = alloc(n * k * 4);
      this.HHt = alloc(k * k * 8);
      this.Nkn = alloc(k * n * 4);
      this.Nt = alloc(n * k * 4);
      this.gramSum = alloc(k * k * 8);
      this.shiftTerm = alloc(n * k * 8);
      this.Hv = alloc(k * 8);
      this.Htw = alloc(n * 8);
      this.scratch = alloc(k * 8);
      this.#sum = alloc(8);
    } catch (error) {
      this.free();
      throw error;
    }
    core.kernels.f32_transpose(factors.H, k, n, this.Ht, 0);
    this.refreshHStats();
    this.refreshWStats();
  }

  /** Releases the workspace (the factors stay with their owner). */
  free(): void {
    this.#owned.splice(0).forEach((ptr) => this.core.heap.release(ptr));
  }

  /** P(i) = A(i) Hᵀ for every stratum (and Σ_i W(i)ᵀ A(i) when `withN`) in one pass. */
  computeProducts(forUpdate: boolean): void {
    const withN = forUpdate && this.numeratorsWithProducts();
    if (withN) this.zeroNumerators();
    this.pass(true, withN);
  }

  /** Whether the update reads Σ_i W(i)ᵀ A(i) of the old W (one pass per iteration). */
  protected numeratorsWithProducts(): boolean {
    return false;
  }

  /**
   * `sqrt(F + penalty)` at the current factors, F from the loss identity of algorithm.md
   * (float64; clamped at 0 against rounding near an exact fit). Needs `computeProducts()` since
   * H or W last changed.
   */
  loss(): number {
    const { kernels, heap } = this.core;
    const { cols: n, rank: k } = this.factors.shape;
    const HHt = heap.f64(this.HHt, k * k);
    const wSums = heap.f64(this.wSums, this.strata.strata.length * k);
    let total = 0;
    let wTotal = 0;
    this.strata.strata.forEach((stratum, i) => {
      const v = this.factors.V + i * n * 4;
      const G = heap.f64(this.grams[i], k * k);
      let traceGHHt = 0;
      for (let e = 0; e < k * k; e++) traceGHHt += G[e] * HHt[e];
      kernels.hals_matvec_f64(this.factors.H, k, n, v, this.Hv);
      const Hv = heap.f64(this.Hv, k);
      let wHv = 0;
      for (let q = 0; q < k; q++) {
        wHv += wSums[i * k + q] * Hv[q];
        wTotal += wSums[i * k + q];
      }
      total += stratum.normSq +
        stratum.rows * kernels.f32_dot_f32_f64(v, v, n) +
        traceGHHt -
        2 * kernels.f32_dot_f64_f64(v, stratum.colSums, n) -
        2 * kernels.f32_dot_f32_f64(this.factors.W[i], this.P[i], stratum.rows * k) +
        2 * wHv;
    });
    let penalty = 0;
    if (this.l1V > 0) penalty += this.l1V * this.#total(this.factors.V, this.strata.strata.length * n);
    if (this.l1W > 0) penalty += this.l1W * wTotal;
    if (this.l1H > 0) penalty += this.l1H * this.#total(this.factors.H, k * n);
    this.lastPenalty = penalty;
    return Math.sqrt(Math.max(total, 0) + penalty);
  }

  abstract update(): void;

  /** Σ of `length` float32 values at `ptr`, in float64. */
  #total(ptr: number, length: number): number {
    this.core.kernels.f32_colsum_f64(ptr, length, 1, this.#sum);
    return this.core.heap.f64(this.#sum, 1)[0];
  }

  protected pass(withP: boolean, withN: boolean): void {
    const { kernels } = this.core;
    const { cols: n, rank: k } = this.factors.shape;
    this.strata.strata.forEach((s, i) => {
      const P = withP ? this.P[i] : 0;
      const W = this.factors.W[i];
      if (s.kind === "dense") {
        kernels.f32_aht_wta(s.data, s.rows, n, this.factors.H, k, P, W, withN ? this.Nkn : 0);
      } else {
        kernels.csr_aht_wta(s.indptr, s.indices, s.values, s.rows, this.Ht, k, P, W, withN ? this.Nt : 0);
      }
    });
  }

  protected zeroNumerators(): void {
    const { cols: n, rank: k } = this.factors.shape;
    this.core.heap.f32(this.Nkn, k * n).fill(0);
    this.core.heap.f32(this.Nt, n * k).fill(0);
  }

  /** Σ_i W(i)ᵀ A(i) into Nt (n×k), after a pass with `withN`. */
  protected gatherNumerators(): void {
    const { cols: n, rank: k } = this.factors.shape;
    if (this.strata.strata.some((s) => s.kind === "dense")) this.core.kernels.f32_transpose(this.Nkn, k, n, this.Nt, 1);
  }

  /** G = Σ_i W(i)ᵀ W(i) and S = Σ_i v(i) w(i)ᵀ (Hᵀ layout) from the cached W statistics. */
  protected gatherHTerms(): void {
    const { heap, kernels } = this.core;
    const { cols: n, rank: k } = this.factors.shape;
    const gramSum = heap.f64(this.gramSum, k * k).fill(0);
    this.grams.forEach((ptr) => {
      const G = heap.f64(ptr, k * k);
      for (let e = 0; e < k * k; e++) gramSum[e] += G[e];
    });
    kernels.hals_shift_f64(this.factors.V, this.strata.strata.length, n, this.wSums, k, this.shiftTerm);
  }

  /** H = (Hᵀ)ᵀ and H Hᵀ, after Hᵀ changed. */
  protected publishH(): void {
    const { cols: n, rank: k } = this.factors.shape;
    this.core.kernels.f32_transpose(this.Ht, n, k, this.factors.H, 0);
    this.refreshHStats();
  }

  /** H v(i) into Hv. */
  protected computeHv(i: number): void {
    const { cols: n, rank: k } = this.factors.shape;
    this.core.kernels.hals_matvec_f64(this.factors.H, k, n, this.factors.V + i * n * 4, this.Hv);
  }

  /** Hᵀ W(i)ᵀ1 into Htw. */
  protected computeHtw(i: number): void {
    const { cols: n, rank: k } = this.factors.shape;
    this.core.kernels.hals_htw_f64(this.factors.H, k, n, this.wSums + i * k * 8, this.Htw);
  }

  protected refreshWStats(): void {
    const { kernels } = this.core;
    const { rank: k } = this.factors.shape;
    this.strata.strata.forEach((s, i) => {
      kernels.f32_colsum_f64(this.factors.W[i], s.rows, k, this.wSums + i * k * 8);
      kernels.hals_gram_f64(this.factors.W[i], s.rows, k, this.grams[i]);
    });
  }

  protected refreshHStats(): void {
    const { cols: n, rank: k } = this.factors.shape;
    this.core.kernels.hals_gram_f64(this.Ht, n, k, this.HHt);
  }
}

/** HALS: exact block-coordinate descent on the (penalized) objective. Sequential order only. */
export class HalsSolver extends BlockSolver {
  readonly #sweeps: number;

  /** `sweeps`: coordinate sweeps per block update (default: {@link halsSweeps} of the data). */
  constructor(core: Core, strata: ResidentStrata, factors: Factors, options: BlockSolverOptions, sweeps?: number) {
    super(core, strata, factors, options);
    const { rows, cols, rank } = factors.shape;
    this.#sweeps = sweeps ??
      halsSweeps(strata.strata.reduce((a, s) => a + s.nnz, 0), rows.reduce((a, b) => a + b, 0), cols, rank);
  }

  /** Coordinate sweeps per block update. */
  get sweeps(): number {
    return this.#sweeps;
  }

  /** One iteration, after `computeProducts(true)`: v, W, v again, then H from the new W. */
  update(): void {
    const { kernels } = this.core;
    const { rank: k } = this.factors.shape;
    const updateV = !this.options.fixV && this.options.vUpdates > 0;
    if (updateV) this.#updateV();
    this.strata.strata.forEach((s, i) => {
      this.computeHv(i);
      kernels.hals_update_rows(
        this.factors.W[i],
        s.rows,
        k,
        this.P[i],
        this.HHt,
        this.Hv,
        0,
        this.l1W / 2,
        this.#sweeps,
        this.scratch,
      );
    });
    this.refreshWStats();
    if (this.options.fixH) return;
    if (updateV) this.#updateV();
    this.zeroNumerators();
    this.pass(false, true);
    this.gatherNumerators();
    this.gatherHTerms();
    kernels.hals_update_rows(
      this.Ht,
      this.factors.shape.cols,
      k,
      this.Nt,
      this.gramSum,
      this.shiftTerm,
      k,
      this.l1H / 2,
      this.#sweeps,
      this.scratch,
    );
    this.publishH();
  }

  /** v(i) ← max(0, (c(i) − Hᵀ w(i) − λ_v/2) / m_i), the exact minimizer over v(i). */
  #updateV(): void {
    const { cols: n } = this.factors.shape;
    this.strata.strata.forEach((s, i) => {
      this.computeHtw(i);
      this.core.kernels.hals_v_update(this.factors.V + i * n * 4, s.colSums, this.Htw, n, s.rows, this.l1V / 2);
    });
  }
}

/**
 * The multiplicative updates with L1 penalties in the denominators, both schedules (the
 * reference schedule reads W(i)ᵀ A(i) of the old W from the products' pass, as solver.ts does).
 */
export class PenalizedMultiplicativeSolver extends BlockSolver {
  protected override numeratorsWithProducts(): boolean {
    return this.options.schedule === "reference" && !this.options.fixH;
  }

  /** One iteration, after `computeProducts(true)`. */
  update(): void {
    if (!this.options.fixV) this.#updateV();
    this.#updateW();
    if (this.options.fixH) {
      this.refreshWStats();
    } else if (this.options.schedule === "sequential") {
      this.refreshWStats();
      this.zeroNumerators();
      this.pass(false, true);
      this.#updateH();
    } else {
      this.#updateH();
      this.refreshWStats();
    }
  }

  #updateV(): void {
    const { cols: n } = this.factors.shape;
    this.strata.strata.forEach((s, i) => {
      this.computeHtw(i);
      this.core.kernels.mu_l1_v_update(
        this.factors.V + i * n * 4,
        s.colSums,
        this.Htw,
        n,
        s.rows,
        EPS + this.l1V / 2,
        this.options.vUpdates,
      );
    });
  }

  #updateW(): void {
    const { rank: k } = this.factors.shape;
    this.strata.strata.forEach((s, i) => {
      this.computeHv(i);
      this.core.kernels.mu_l1_update_rows(
        this.factors.W[i],
        s.rows,
        k,
        this.P[i],
        this.HHt,
        this.Hv,
        0,
        EPS + this.l1W / 2,
        this.scratch,
      );
    });
  }

  #updateH(): void {
    const { cols: n, rank: k } = this.factors.shape;
    this.gatherNumerators();
    this.gatherHTerms();
    this.core.kernels.mu_l1_update_rows(
      this.Ht,
      n,
      k,
      this.Nt,
      this.gramSum,
      this.shiftTerm,
      k,
      EPS + this.l1H / 2,
      this.scratch,
    );
    this.publishH();
  }
}

/** Whether any L1 weight is positive. */
export function isPenalized(options: BlockSolverOptions): boolean {
  return (options.l1V ?? 0) > 0 || (options.l1W ?? 0) > 0 || (options.l1H ?? 0) > 0;
}

/**
 * The solver of a fit: HALS for `solver: "hals"`; for `"mu"`, the multiplicative updates of
 * solver.ts, or their penalized form here when an L1 weight is positive.
 */
export function createSolver(
  core: Core,
  strata: ResidentStrata,
  factors: Factors,
  options: BlockSolverOptions & { solver: SolverKind },
): Solver {
  if (options.solver === "hals") return new HalsSolver(core, strata, factors, options);
  if (isPenalized(options)) return new PenalizedMultiplicativeSolver(core, strata, factors, options);
  return new MultiplicativeSolver(core, strata, factors, options);
}

/**
 * The multiplicative updates of algorithm.md and their two schedules, on resident strata and
 * factors. One iteration is `computeProducts()`, optionally `loss()`, then `update()`.
 *
 *   v(i) ← v(i) ⊙ (A(i)ᵀ 1) / (m_i v(i) + Hᵀ (W(i)ᵀ 1) + ε)                 (vUpdates times)
 *   W(i) ← W(i) ⊙ (A(i) Hᵀ) / (W(i) (H Hᵀ) + 1 (H v(i))ᵀ + ε)
 *   H    ← H ⊙ (Σ_i W(i)ᵀ A(i)) / (Σ_i (W(i)ᵀ 1) v(i)ᵀ + (Σ_i W(i)ᵀ W(i)) H + ε)
 *
 * "sequential": all v(i), then all W(i), then H from the new W(i): two passes over each A(i)
 * (A Hᵀ, then Wᵀ A with the new W). "reference": W(i) and H from the same old W, H (and the new
 * v(i)), as the published code: both products from one pass.
 *
 * H is kept in both layouts: H (k×n, read by the dense A Hᵀ kernel and exposed on the model)
 * and Hᵀ (n×k, read by the CSR kernel; the H update runs on it). No m×n temporaries exist:
 * the largest workspace is P(i) = A(i) Hᵀ, the size of W(i).
 *
 * @module
 */

import type { Core } from "./core.ts";
import type { Factors } from "./factors.ts";
import type { ResidentStrata } from "./strata.ts";
import type { Schedule } from "./types.ts";

/** Added to every denominator of the updates (algorithm.md): keeps 0/0 from producing NaN. */
export const EPS = 1e-9;

export interface SolverOptions {
  vUpdates: number;
  schedule: Schedule;
  /** Keep H fixed (transforming new rows with a learned H). Default false. */
  fixH?: boolean;
  /** Keep every v(i) fixed. Default false. */
  fixV?: boolean;
}

/** Workspace and steps of one fit. Owns its workspace until `free()`. */
export class MultiplicativeSolver {
  readonly #core: Core;
  readonly #strata: ResidentStrata;
  readonly #factors: Factors;
  readonly #options: SolverOptions;
  readonly #owned: number[] = [];
  /** P(i) = A(i) Hᵀ: m_i×k float32. */
  readonly #P: number[];
  /** W(i)ᵀ 1: k float64, for the current W(i). */
  readonly #wSums: number[];
  /** W(i)ᵀ W(i): k×k float64, for the current W(i). */
  readonly #grams: number[];
  /** Hᵀ: n×k float32, kept equal to H. */
  readonly #Ht: number;
  /** H Hᵀ: k×k float64, for the current H. */
  readonly #HHt: number;
  /** Σ over dense strata of W(i)ᵀ A(i): k×n float32. */
  readonly #Nkn: number;
  /** Σ_i A(i)ᵀ W(i): n×k float32 (CSR strata accumulate here directly). */
  readonly #Nt: number;
  /** Σ_i W(i)ᵀ W(i): k×k float64. */
  readonly #gramSum: number;
  /** Σ_i v(i) (W(i)ᵀ 1)ᵀ: n×k float64. */
  readonly #shiftTerm: number;
  /** Hᵀ (W(i)ᵀ 1): n float64. */
  readonly #t: number;
  /** H v(i): k float64. */
  readonly #Hv: number;
  /** k float64 row denominators for mu_update_rows. */
  readonly #scratch: number;

  constructor(core: Core, strata: ResidentStrata, factors: Factors, options: SolverOptions) {
    this.#core = core;
    this.#strata = strata;
    this.#factors = factors;
    this.#options = options;
    const { cols: n, rank: k } = factors.shape;
    const alloc = (bytes: number) => {
      const ptr = core.heap.alloc(bytes);
      this.#owned.push(ptr);
      return ptr;
    };
    try {
      this.#P = strata.strata.map((s) => alloc(s.rows * k * 4));
      this.#wSums = strata.strata.map(() => alloc(k * 8));
      this.#grams = strata.strata.map(() => alloc(k * k * 8));
      this.#Ht = alloc(n * k * 4);
      this.#HHt = alloc(k * k * 8);
      this.#Nkn = alloc(k * n * 4);
      this.#Nt = alloc(n * k * 4);
      this.#gramSum = alloc(k * k * 8);
      this.#shiftTerm = alloc(n * k * 8);
      this.#t = alloc(n * 8);
      this.#Hv = alloc(k * 8);
      this.#scratch = alloc(k * 8);
    } catch (error) {
      this.free();
      throw error;
    }
    core.kernels.f32_transpose(factors.H, k, n, this.#Ht, 0);
    this.#refreshHStats();
    this.#refreshWStats();
  }

  /** Releases the workspace (the factors stay with their owner). */
  free(): void {
    this.#owned.splice(0).forEach((ptr) => this.#core.heap.release(ptr));
  }

  /**
   * The pass over the data that starts an iteration: P(i) = A(i) Hᵀ for every stratum and,
   * when `forUpdate` under the reference schedule, Σ_i W(i)ᵀ A(i) from the same pass.
   * `forUpdate = false` computes only what the loss needs (the final loss of a fit).
   */
  computeProducts(forUpdate: boolean): void {
    const withN = forUpdate && this.#options.schedule === "reference" && !this.#options.fixH;
    if (withN) this.#zeroNumerators();
    this.#pass(true, withN);
  }

  /**
   * `sqrt(F)` at the current factors, from the identity of algorithm.md (no reconstruction):
   *
   *   ‖A − 1vᵀ − WH‖² = ‖A‖² + m ‖v‖² + tr(G HHᵀ) − 2 vᵀc − 2 ⟨W, P⟩ + 2 wᵀ(H v)
   *
   * summed over strata, every term in float64. Needs `computeProducts()` since H or W last
   * changed. Rounding can leave a tiny negative sum near an exact fit: it is clamped to 0.
   */
  loss(): number {
    const { kernels, heap } = this.#core;
    const { cols: n, rank: k } = this.#factors.shape;
    const HHt = heap.f64(this.#HHt, k * k);
    let total = 0;
    this.#strata.strata.forEach((stratum, i) => {
      const v = this.#factors.V + i * n * 4;
      const W = this.#factors.W[i];
      const G = heap.f64(this.#grams[i], k * k);
      let traceGHHt = 0;
      for (let e = 0; e < k * k; e++) traceGHHt += G[e] * HHt[e];
      kernels.f32_matvec_f32_f64(this.#factors.H, k, n, v, this.#Hv);
      const Hv = heap.f64(this.#Hv, k);
      const w = heap.f64(this.#wSums[i], k);
      let wHv = 0;
      for (let q = 0; q < k; q++) wHv += w[q] * Hv[q];
      total += stratum.normSq +
        stratum.rows * kernels.f32_dot_f32_f64(v, v, n) +
        traceGHHt -
        2 * kernels.f32_dot_f64_f64(v, stratum.colSums, n) -
        2 * kernels.f32_dot_f32_f64(W, this.#P[i], stratum.rows * k) +
        2 * wHv;
    });
    return Math.sqrt(Math.max(total, 0));
  }

  /** The updates of one iteration, after `computeProducts(true)`. */
  update(): void {
    if (!this.#options.fixV) this.#updateV();
    this.#updateW();
    if (this.#options.fixH) {
      this.#refreshWStats();
    } else if (this.#options.schedule === "sequential") {
      this.#refreshWStats();
      this.#zeroNumerators();
      this.#pass(false, true);
      this.#updateH();
    } else {
      this.#updateH();
      this.#refreshWStats();
    }
  }

  #pass(withP: boolean, withN: boolean): void {
    const { kernels } = this.#core;
    const { cols: n, rank: k } = this.#factors.shape;
    this.#strata.strata.forEach((s, i) => {
      const P = withP ? this.#P[i] : 0;
      const W = this.#factors.W[i];
      if (s.kind === "dense") {
        kernels.f32_aht_wta(s.data, s.rows, n, this.#factors.H, k, P, W, withN ? this.#Nkn : 0);
      } else {
        kernels.csr_aht_wta(s.indptr, s.indices, s.values, s.rows, this.#Ht, k, P, W, withN ? this.#Nt : 0);
      }
    });
  }

  #zeroNumerators(): void {
    const { cols: n, rank: k } = this.#factors.shape;
    this.#core.heap.f32(this.#Nkn, k * n).fill(0);
    this.#core.heap.f32(this.#Nt, n * k).fill(0);
  }

  /** v(i) ← v(i) ⊙ c / (m v(i) + Hᵀ w(i) + ε), vUpdates times; Hᵀ w(i) is fixed meanwhile. */
  #updateV(): void {
    const { kernels } = this.#core;
    const { cols: n, rank: k } = this.#factors.shape;
    this.#strata.strata.forEach((s, i) => {
      kernels.f32_matvec_f64_f64(this.#Ht, n, k, this.#wSums[i], this.#t);
      const v = this.#factors.V + i * n * 4;
      for (let u = 0; u < this.#options.vUpdates; u++) kernels.v_update(v, s.colSums, this.#t, s.rows, n, EPS);
    });
  }

  /** W(i) ← W(i) ⊙ P(i) / (W(i) HHᵀ + 1 (H v(i))ᵀ + ε). */
  #updateW(): void {
    const { kernels } = this.#core;
    const { cols: n, rank: k } = this.#factors.shape;
    this.#strata.strata.forEach((s, i) => {
      kernels.f32_matvec_f32_f64(this.#factors.H, k, n, this.#factors.V + i * n * 4, this.#Hv);
      kernels.mu_update_rows(this.#factors.W[i], s.rows, k, this.#P[i], this.#HHt, this.#Hv, 0, EPS, this.#scratch);
    });
  }

  /**
   * Hᵀ ← Hᵀ ⊙ Nᵀ / (Hᵀ Gsum + Σ_i v(i) w(i)ᵀ + ε) with the cached W statistics, then H = (Hᵀ)ᵀ
   * and H Hᵀ refreshed. Needs the numerators accumulated by a pass with `withN`.
   */
  #updateH(): void {
    const { kernels, heap } = this.#core;
    const { cols: n, rank: k } = this.#factors.shape;
    const gramSum = heap.f64(this.#gramSum, k * k).fill(0);
    this.#grams.forEach((ptr) => {
      const G = heap.f64(ptr, k * k);
      for (let e = 0; e < k * k; e++) gramSum[e] += G[e];
    });
    heap.f64(this.#shiftTerm, n * k).fill(0);
    this.#strata.strata.forEach((_, i) => {
      kernels.f32_outer_acc_f64(this.#factors.V + i * n * 4, n, this.#wSums[i], k, this.#shiftTerm);
    });
    if (this.#strata.strata.some((s) => s.kind === "dense")) kernels.f32_transpose(this.#Nkn, k, n, this.#Nt, 1);
    kernels.mu_update_rows(this.#Ht, n, k, this.#Nt, this.#gramSum, this.#shiftTerm, k, EPS, this.#scratch);
    kernels.f32_transpose(this.#Ht, n, k, this.#factors.H, 0);
    this.#refreshHStats();
  }

  #refreshWStats(): void {
    const { kernels } = this.#core;
    const { rank: k } = this.#factors.shape;
    this.#strata.strata.forEach((s, i) => {
      kernels.f32_colsum_f64(this.#factors.W[i], s.rows, k, this.#wSums[i]);
      kernels.f32_gram_f64(this.#factors.W[i], s.rows, k, this.#grams[i]);
    });
  }

  #refreshHStats(): void {
    const { cols: n, rank: k } = this.#factors.shape;
    this.#core.kernels.f32_gram_f64(this.#Ht, n, k, this.#HHt);
  }
}

/**
 * The update rules of the two solvers, as plans over the workspace of solver.ts. Both minimize
 * the (penalized) objective
 *
 *   F + λ_v Σ_i ‖v(i)‖₁ + λ_W Σ_i ‖W(i)‖₁ + λ_H ‖H‖₁,   F = Σ_i ‖A(i) − 1 v(i)ᵀ − W(i) H‖²_F
 *
 * (every entry is non-negative, so each ‖·‖₁ is a plain sum). With `P(i) = A(i) Hᵀ`,
 * `w(i) = W(i)ᵀ 1`, `c(i) = A(i)ᵀ 1`, `N = Σ_i W(i)ᵀ A(i)`, `G = Σ_i W(i)ᵀ W(i)` and
 * `S = Σ_i w(i) v(i)ᵀ`:
 *
 * Multiplicative updates (algorithm.md; the L1 weights join the denominators: the gradient of
 * `λ ‖X‖₁` is λ, that of F carries a factor 2, and the Lee–Seung auxiliary function of F plus a
 * linear term is still one, so the sequential schedule stays monotone):
 *
 *   v(i) ← v(i) ⊙ c(i) / (m_i v(i) + Hᵀ w(i) + ε + λ_v/2)                   (vUpdates times)
 *   W(i) ← W(i) ⊙ P(i) / (W(i) (H Hᵀ) + 1 (H v(i))ᵀ + ε + λ_W/2)
 *   H    ← H ⊙ N / (S + G H + ε + λ_H/2)
 *
 * HALS (exact block-coordinate descent, as hierarchical alternating least squares does it for
 * plain NMF; every step is the exact minimizer over its block, so the objective never rises):
 *
 *   v(i) ← max(0, (c(i) − Hᵀ w(i) − λ_v/2) / m_i)                          (closed form)
 *   W(i)[:,q] ← max(0, W(i)[:,q] + (P(i)[:,q] − (H v(i))_q − λ_W/2 − W(i) (HHᵀ)[:,q]) / (HHᵀ)_qq)
 *   H[q,:]    ← max(0, H[q,:] + (N[q,:] − S[q,:] − λ_H/2 − (G H)[q,:]) / G_qq)
 *
 * for q = 0 … k−1 in turn (`sweeps` times), v(i) again after the W(i), and N, G, S from the new
 * W(i). The column updates are separable by rows (a row's gradient involves only that row), so
 * they run as row blocks on any thread, as the multiplicative updates do.
 *
 * A rule supplies four plans; solver.ts owns the passes over the data, the sums and the order.
 *
 * @module
 */

import type { Factors } from "../input/factors.ts";
import { PlanBuilder } from "../threads/plan.ts";
import type { ResidentStratum } from "../input/strata.ts";

/** Added to every denominator of the multiplicative updates (algorithm.md): no 0/0. */
export const EPS = 1e-9;

/** A block of rows of one stratum (or of Hᵀ, stratum 0). */
export interface Block {
  stratum: number;
  row: number;
  rows: number;
}

/** What the rules read and write: the factors and the statistics solver.ts keeps current. */
export interface Workspace {
  strata: readonly ResidentStratum[];
  factors: Factors;
  /** Columns n, rank k, k rounded up to a multiple of 4, strata s. */
  n: number;
  k: number;
  kPad: number;
  s: number;
  /** Allocates workspace owned by the solver. */
  alloc(bytes: number): number;
  /**
   * Adds what makes P(i) = A(i) Hᵀ available on the rows of `block` and returns where they are
   * (rows×k float32): P(i)'s own rows where the fit keeps P(i), else `pScratch` after a
   * csr_mul_f64 call forms them there (CSR strata of fits that do not track the loss: P(i) is
   * then never whole, see solver.ts).
   */
  blockProducts(plan: PlanBuilder, block: Block, pScratch: number): number;
  /** w(i) = W(i)ᵀ 1: s×k float64, and s×kPad float32 (zero padding). */
  wSums: number;
  wSumsF32: number;
  /** G = Σ_i W(i)ᵀ W(i): k×k float64, and k×kPad float32. */
  gramSum: number;
  gramSumF32: number;
  /** H Hᵀ: k×k float64, and k×kPad float32. */
  HHt: number;
  HHtF32: number;
  /** Hᵀ (n×k float32) and N (n×k float32, Hᵀ layout). */
  Ht: number;
  Nt: number;
  /**
   * Adds the call computing H v (k float64 at `out`) for v (n float32 at `v`), from H or Hᵀ,
   * whichever the fit keeps current.
   */
  hv(plan: PlanBuilder, v: number, out: number): void;
  /**
   * Adds the call computing (Hᵀ w)[j0, j0 + len) (len float64 at `out`) for w (k float64 at
   * `w`), from H or Hᵀ.
   */
  htw(plan: PlanBuilder, j0: number, len: number, w: number, out: number): void;
  /** Column chunks of the v updates, grouped into tasks; each task owns scratch for a chunk of float64. */
  vTasks: readonly { chunks: readonly { j0: number; len: number }[]; scratch: number }[];
  /**
   * Row blocks of the W(i) updates, grouped into tasks; each task owns `pScratch` (P's rows of
   * its largest block, where P is formed block by block; else 0) and `index` for the rule's own
   * per-task scratch.
   */
  wTasks: readonly { blocks: readonly Block[]; pScratch: number; index: number }[];
  /**
   * Row blocks of the Hᵀ update, grouped into tasks; each task owns hTaskScratchBytes(hBlockRows,
   * kPad, hScratchBytes) of scratch.
   */
  hTasks: readonly { blocks: readonly Block[]; scratch: number }[];
  /** Rows of the largest Hᵀ block. */
  hBlockRows: number;
  /** Bytes per value of the H update's scratch: the rule's precision (hScratchValueBytes). */
  hScratchBytes: number;
}

/** Options the rules read. */
export interface RuleOptions {
  vUpdates: number;
  fixV?: boolean;
  l1V: number;
  l1W: number;
  l1H: number;
  /** HALS: coordinate sweeps per block update. */
  sweeps: number;
}

/** The plans of one rule (all run by solver.ts in the order of its schedule). */
export interface RulePlans {
  /** Every v(i), by chunks of columns (no tasks when v is fixed). */
  updateV: PlanBuilder;
  /** H v(i) for every stratum: what the W(i) rows read. */
  prepareW: PlanBuilder;
  /** The W(i), by row blocks. */
  updateW: PlanBuilder;
  /** Hᵀ, by row blocks (N, G, S current). */
  updateH: PlanBuilder;
}

/** Bytes per value of the H update's scratch: float32 for the multiplicative updates, float64 for HALS. */
export function hScratchValueBytes(solver: "mu" | "hals"): number {
  return solver === "hals" ? 8 : 4;
}

/** Bytes of scratch per Hᵀ task: the shift term S of one block and a row, `valueBytes` each. */
export function hTaskScratchBytes(blockRows: number, kPad: number, valueBytes: number): number {
  return (blockRows + 1) * kPad * valueBytes;
}

/**
 * The v(i) update plan: tasks over chunks of columns; for each chunk and stratum, t = (Hᵀ w(i))
 * on the chunk (float64, into the task's scratch), then `update` adds the calls that read it.
 */
function vPlan(
  ws: Workspace,
  update: (plan: PlanBuilder, stratum: number, j0: number, len: number, t: number) => void,
): PlanBuilder {
  const plan = new PlanBuilder();
  for (const { chunks, scratch } of ws.vTasks) {
    plan.task();
    for (const { j0, len } of chunks) {
      ws.strata.forEach((_, i) => {
        ws.htw(plan, j0, len, ws.wSums + i * ws.k * 8, scratch);
        update(plan, i, j0, len, scratch);
      });
    }
  }
  return plan;
}

/**
 * The W(i) update plan: the row blocks in their tasks; `update` adds a block's call, given where
 * W(i)'s rows of the block are, where P's rows are (blockProducts) and the task's index (for the
 * rule's scratch).
 */
function wPlan(ws: Workspace, update: (plan: PlanBuilder, block: Block, w: number, p: number, task: number) => void) {
  const plan = new PlanBuilder();
  for (const task of ws.wTasks) {
    plan.task();
    for (const b of task.blocks) {
      const p = ws.blockProducts(plan, b, task.pScratch);
      update(plan, b, ws.factors.W[b.stratum] + b.row * ws.k * 4, p, task.index);
    }
  }
  return plan;
}

/**
 * The Hᵀ update plan: the row blocks in their tasks; `update` adds a block's calls, given the
 * task's scratch for the block's shift term S and for one row.
 */
function hPlan(ws: Workspace, update: (plan: PlanBuilder, block: Block, shift: number, row: number) => void) {
  const plan = new PlanBuilder();
  for (const task of ws.hTasks) {
    plan.task();
    for (const b of task.blocks) {
      update(plan, b, task.scratch, task.scratch + ws.hBlockRows * ws.kPad * ws.hScratchBytes);
    }
  }
  return plan;
}

/** The multiplicative updates (float32 Gram matrices and shift term, float64 v ratios). */
export function multiplicativeRule(ws: Workspace, options: RuleOptions): RulePlans {
  const { strata, factors: F, n, k, kPad, s } = ws;
  const vOf = (i: number) => F.V + i * n * 4;
  const Hv = ws.alloc(s * k * 8);
  const HvF32 = ws.alloc(s * kPad * 4);
  const rowScratch = ws.alloc(Math.max(1, ws.wTasks.length) * kPad * 4);
  const totalRows = strata.reduce((a, x) => a + x.rows, 0);

  // v(i) ← v(i) ⊙ c / (m v(i) + t + ε + λ_v/2), vUpdates times.
  const updateV = options.fixV ? new PlanBuilder() : vPlan(ws, (plan, i, j0, len, t) => {
    const x = strata[i];
    for (let u = 0; u < options.vUpdates; u++) {
      plan.call("f32_mu_update_v_f64", [vOf(i) + j0 * 4, x.colSums + j0 * 4, t, x.rows, len, EPS + options.l1V / 2]);
    }
  }).work(s * n * (2 * k + 4 * options.vUpdates));

  // H v(i), in float64 and as the padded float32 row the update reads.
  const prepareW = new PlanBuilder().work(2 * s * n * k);
  strata.forEach((_, i) => {
    ws.hv(prepareW.task(), vOf(i), Hv + i * k * 8);
    prepareW.call("f64_to_f32_padded", [Hv + i * k * 8, 1, k, HvF32 + i * kPad * 4, kPad]);
  });

  const updateW = wPlan(ws, (plan, b, w, p, index) =>
    plan.call("f32_mu_update_rows", [
      w,
      b.rows,
      k,
      p,
      ws.HHtF32,
      HvF32 + b.stratum * kPad * 4,
      0,
      EPS + options.l1W / 2,
      rowScratch + index * kPad * 4,
    ])).work(2 * k * k * totalRows);

  // Hᵀ by blocks, each block forming its rows of S (rows×kPad float32) first.
  const updateH = hPlan(ws, (plan, b, shift, row) =>
    plan
      .call("f32_shift_term", [F.V + b.row * 4, n, s, b.rows, ws.wSumsF32, kPad, shift])
      .call("f32_mu_update_rows", [
        ws.Ht + b.row * k * 4,
        b.rows,
        k,
        ws.Nt + b.row * k * 4,
        ws.gramSumF32,
        shift,
        kPad,
        EPS + options.l1H / 2,
        row,
      ])).work(2 * n * k * (k + s));
  return { updateV, prepareW, updateW, updateH };
}

/** HALS (float64 Gram matrices, shift term and residuals; float32 storage). */
export function halsRule(ws: Workspace, options: RuleOptions): RulePlans {
  const { strata, factors: F, n, k, kPad, s } = ws;
  const vOf = (i: number) => F.V + i * n * 4;
  const Hv = ws.alloc(s * k * 8);
  const rowScratch = ws.alloc(Math.max(1, ws.wTasks.length) * kPad * 8);
  const totalRows = strata.reduce((a, x) => a + x.rows, 0);

  // v(i) ← max(0, (c − t − λ_v/2) / m): exact, so once is enough (vUpdates = 0: off).
  const updateV = options.fixV || options.vUpdates === 0 ? new PlanBuilder() : vPlan(ws, (plan, i, j0, len, t) => {
    const x = strata[i];
    plan.call("f32_hals_update_v_f64", [vOf(i) + j0 * 4, x.colSums + j0 * 4, t, len, x.rows, options.l1V / 2]);
  }).work(s * n * (2 * k + 4));

  const prepareW = new PlanBuilder().work(2 * s * n * k);
  strata.forEach((_, i) => ws.hv(prepareW.task(), vOf(i), Hv + i * k * 8));

  const updateW = wPlan(ws, (plan, b, w, p, index) =>
    plan.call("f32_hals_update_rows_f64", [
      w,
      b.rows,
      k,
      p,
      ws.HHt,
      Hv + b.stratum * k * 8,
      0,
      options.l1W / 2,
      options.sweeps,
      rowScratch + index * kPad * 8,
    ])).work(2 * k * k * (1 + options.sweeps) * totalRows);

  // Hᵀ by blocks, each block forming its rows of S (rows×k float64) first.
  const updateH = hPlan(ws, (plan, b, shift, row) =>
    plan
      .call("f32_shift_term_f64", [F.V + b.row * 4, n, s, b.rows, ws.wSums, k, shift])
      .call("f32_hals_update_rows_f64", [
        ws.Ht + b.row * k * 4,
        b.rows,
        k,
        ws.Nt + b.row * k * 4,
        ws.gramSum,
        shift,
        k,
        options.l1H / 2,
        options.sweeps,
        row,
      ])).work(2 * n * k * (k * (1 + options.sweeps) + s));
  return { updateV, prepareW, updateW, updateH };
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

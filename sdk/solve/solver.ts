/**
 * The solvers of a fit on resident strata and factors: the multiplicative updates of
 * algorithm.md (both schedules) and HALS, with optional L1 weights (the update rules and their
 * math are in rules.ts). One iteration is `computeProducts()`, optionally `loss()`, then
 * `update()`.
 *
 * "sequential" (the multiplicative updates' default, and HALS): all v(i), then all W(i), then
 * H from the new W(i): two passes over each A(i) (A Hᵀ, then Wᵀ A with the new W). HALS updates
 * the v(i) again between the W(i) and H. "reference" (multiplicative updates only): W(i) and H
 * from the same old W, H (and the new v(i)), as the published code: both products from one pass.
 *
 * Every step is a plan (sdk/threads/plan.ts) built once per fit: tasks over fixed row blocks, so the
 * executor can spread them over threads. Sums over rows of dense strata (Wᵀ A, the Gram matrix
 * of the W(i)) go to partial buffers ("slots", a count fixed by the data's shape, never above
 * the number of blocks), block b to slot b mod slots, each slot summed in block order, and the
 * slots are added in order: the same arithmetic for every thread count. The CSR strata's
 * Σ Aᵀ W is split by ranges of columns instead (sdk/solve/column_ranges.ts): disjoint rows of the
 * numerator, no partial buffers. Every update writes disjoint rows, so it too is independent of
 * the thread count.
 *
 * The H update runs on Hᵀ (n×k), which the CSR kernel reads; the dense A Hᵀ kernel reads H
 * (k×n). With a dense stratum both are kept (H is refreshed from Hᵀ after each update). With
 * sparse strata only, H's own memory holds Hᵀ for the duration of the fit (transposed in place
 * at the start, back in `free()`), and every product with H reads Hᵀ: the largest workspace is
 * then the numerator N (n×k; its first slot is N itself), not two more n×k matrices. No m×n
 * temporaries exist: besides N, the workspace is P(i) = A(i) Hᵀ (the size of W(i)) and
 * per-task scratch (a chunk of Hᵀ w(i) for the v updates, the shift term of a block of Hᵀ rows
 * for the H update). A CSR stratum's P(i) is kept only when the loss is wanted every iteration:
 * otherwise each W task forms P's rows of a block (64 rows) in its scratch right before the
 * block's update, the same sums as the kept P(i) had (so the same factors, bit for bit), and the
 * final loss forms them once more for ⟨W, P⟩. That is m_i×k float32 less per stratum, the most
 * where many strata have few non-zeros per row. Nothing is allocated per iteration.
 *
 * @module
 */

import type { Core } from "../runtime/core.ts";
import { Executor } from "../threads/executor.ts";
import type { Factors } from "../input/factors.ts";
import { type Plan, PlanBuilder } from "../threads/plan.ts";
import {
  type Block,
  halsRule,
  halsSweeps,
  hScratchValueBytes,
  hTaskScratchBytes,
  multiplicativeRule,
  type RulePlans,
  type Workspace,
} from "./rules.ts";
import type { ResidentStrata, ResidentStratum } from "../input/strata.ts";
import { columnRangeCount, columnRanges } from "./column_ranges.ts";
import type { Schedule, SolverKind } from "../types.ts";

/**
 * Partial buffers for sums over row blocks. Fixed (not the thread count) so results do not
 * depend on it; 8 keeps up to 8 threads busy on the reductions.
 */
export const SLOTS = 8;

/**
 * Partial numerators (k×n each) of the dense strata: up to SLOTS, fewer when the strata have few
 * rows relative to their width, where zeroing and adding n×k buffers would cost more than the
 * parallel accumulation saves: one slot per 16·n entries (16 rows). Depends on the data's shape
 * only, never on the thread count. (The CSR strata need no slots: see column_ranges.ts.)
 */
export function numeratorSlots(nnz: number, n: number): number {
  return Math.max(1, Math.min(SLOTS, Math.floor(nnz / (16 * n))));
}

/** Dense product blocks hold about this many entries of A (256 KiB of float32). */
const DENSE_BLOCK_ENTRIES = 65536;
/** CSR product blocks hold about this many non-zeros. */
const CSR_BLOCK_NNZ = 16384;
/** Row blocks of the W(i) updates (and of the slots of their Gram matrix: part of the arithmetic). */
const UPDATE_BLOCK_ROWS = 256;
/**
 * Row blocks of the Hᵀ update, each with its shift term in its task's scratch (SLOTS tasks):
 * the rows are independent, so the size changes no result, only the scratch and the calls.
 */
const H_BLOCK_ROWS = 128;
/** Rows of Hᵀ per slot of H Hᵀ (at most one slot per this many rows, and no more than the W(i)'s). */
const H_GRAM_ROWS = 2048;
/** Row blocks of the W(i) updates whose P rows are formed in scratch (streamed strata). */
const STREAMED_BLOCK_ROWS = 64;
/** Column chunks of the v updates (grouped into at most SLOTS tasks, each with one scratch). */
const V_CHUNK_COLS = 2048;

export interface SolverOptions {
  /** "mu": multiplicative updates; "hals": exact block-coordinate descent. */
  solver: SolverKind;
  vUpdates: number;
  /** Multiplicative updates only: HALS is sequential (the options' validation rejects "reference" for it). */
  schedule: Schedule;
  /** Keep H fixed (transforming new rows with a learned H). Default false. */
  fixH?: boolean;
  /** Keep every v(i) fixed. Default false. */
  fixV?: boolean;
  /** L1 weights of the v(i), the W(i) and H (default 0). */
  l1V?: number;
  l1W?: number;
  l1H?: number;
  /** HALS: coordinate sweeps per block update (default: {@link halsSweeps} of the data). */
  sweeps?: number;
  /** Runs the plans (default: the calling thread only). */
  executor?: Executor;
  /**
   * Whether `loss()` is wanted before every update (tracked loss, `tol`), not only at the end
   * (default true). When false, P(i) of the CSR strata is formed block by block inside the W(i)
   * update instead of being kept (m_i×k float32 less each).
   */
  lossEveryIteration?: boolean;
}

/**
 * Splits `rows` rows from `first` on into blocks of about `size` rows (multiples of 4, the dense
 * kernel's tile).
 */
function rowBlocks(stratum: number, rows: number, size: number, first = 0): Block[] {
  const step = Math.max(4, Math.round(size / 4) * 4);
  const blocks: Block[] = [];
  for (let row = 0; row < rows; row += step) {
    blocks.push({ stratum, row: first + row, rows: Math.min(step, rows - row) });
  }
  return blocks;
}

/** Blocks of a CSR stratum holding about CSR_BLOCK_NNZ non-zeros each (whole rows). */
function csrBlocks(core: Core, index: number, s: ResidentStratum): Block[] {
  const indptr = core.heap.i32(s.indptr, s.rows + 1);
  const blocks: Block[] = [];
  let start = 0;
  for (let r = 1; r <= s.rows; r++) {
    if (r === s.rows || indptr[r] - indptr[start] >= CSR_BLOCK_NNZ) {
      blocks.push({ stratum: index, row: start, rows: r - start });
      start = r;
    }
  }
  return blocks;
}

/** `blocks` in `count` contiguous groups of (nearly) equal length, in order. */
function groups<T>(blocks: readonly T[], count: number): T[][] {
  const out: T[][] = [];
  for (let g = 0; g < count; g++) {
    out.push(blocks.slice(Math.floor(g * blocks.length / count), Math.floor((g + 1) * blocks.length / count)));
  }
  return out.filter((group) => group.length > 0);
}

/** The plans of a fit, one per step (absent: the step does not run, as H's under fixH). */
interface Plans {
  products: Plan;
  /** The pass that starts an iteration: the reference schedule's is two plans with CSR strata. */
  productsForUpdate: Plan[];
  numerators?: Plan;
  reduceNumerators?: Plan;
  transposeNumerators?: Plan;
  updateV: Plan;
  prepareW: Plan;
  updateW: Plan;
  refreshW: Plan;
  reduceW: Plan;
  updateH?: Plan;
  refreshH: Plan;
  reduceH: Plan;
  loss: Plan;
}

/** Workspace, plans and steps of one fit. Owns its workspace until `free()`. */
export class Solver {
  readonly #core: Core;
  readonly #strata: ResidentStrata;
  readonly #factors: Factors;
  readonly #options: SolverOptions;
  readonly #kind: SolverKind;
  readonly #executor: Executor;
  readonly #owned: number[] = [];
  /** W(i)ᵀ 1 of the current W(i): s×k float64. */
  #wSums = 0;
  /** Σ_i W(i)ᵀ W(i) of the current W(i): k×k float64. */
  #gramSum = 0;
  /** H Hᵀ of the current H: k×k float64. */
  #HHt = 0;
  /** Per stratum: H v(i) (k float64), v(i)ᵀv(i), v(i)ᵀc(i), ⟨W(i), P(i)⟩: the loss terms. */
  #lossTerms = 0;
  /** Per streamed block (see #build): ⟨W, P⟩ of its rows, float64, and the block's stratum. */
  #wpParts = 0;
  #wpStrata: number[] = [];
  /** Per stratum: whether its P(i) is streamed (its ⟨W, P⟩ is in #wpParts, not in the loss terms). */
  #streamed: boolean[] = [];
  /** One float64: sums of the penalty. */
  #sum = 0;
  /** Whether H's memory holds Hᵀ now (sparse strata only: transposed in place until `free()`). */
  #transposed = false;
  readonly #plans: Plans;
  /** The penalty part of the objective at the last `loss()` (0 without L1 weights). */
  lastPenalty = 0;

  constructor(core: Core, strata: ResidentStrata, factors: Factors, options: SolverOptions) {
    this.#core = core;
    this.#strata = strata;
    this.#factors = factors;
    this.#options = options;
    this.#kind = options.solver;
    this.#executor = options.executor ?? new Executor(core);
    try {
      this.#plans = this.#build();
    } catch (error) {
      this.free();
      throw error;
    }
    this.#executor.run(this.#plans.refreshH);
    this.#executor.run(this.#plans.reduceH);
    this.#executor.run(this.#plans.refreshW);
    this.#executor.run(this.#plans.reduceW);
  }

  /** Allocates the workspace and encodes every step's plan. */
  #build(): Plans {
    const core = this.#core;
    const { cols: n, rank: k } = this.#factors.shape;
    const kPad = (k + 3) & ~3;
    const s = this.#strata.strata.length;
    const alloc = (bytes: number) => {
      const ptr = core.heap.alloc(bytes);
      this.#owned.push(ptr);
      return ptr;
    };
    const strata = this.#strata.strata;
    const F = this.#factors;
    const vOf = (i: number) => F.V + i * n * 4;
    const hasDense = strata.some((x) => x.kind === "dense");
    const hasCsr = strata.some((x) => x.kind === "csr");
    const fixH = this.#options.fixH === true;
    // Sparse strata only: H's memory holds Hᵀ for the fit (before any other allocation, so the
    // temporary of the transposition is reused by the workspace).
    const htOnly = !hasDense;
    if (htOnly) this.#transposeH(k, n);

    // P(i) = A(i) Hᵀ is kept for the dense strata (formed in the pass that forms the numerator)
    // and, when the loss is wanted every iteration, for the CSR strata. Otherwise a CSR
    // stratum's P(i) is "streamed": formed one row block at a time into the W task's scratch,
    // right before the block's update (and, for the final loss, before its ⟨W, P⟩).
    const lossEveryIteration = this.#options.lossEveryIteration ?? true;
    const streamed = this.#streamed = strata.map((x) => x.kind === "csr" && !lossEveryIteration);
    const P = strata.map((x, i) => streamed[i] ? 0 : alloc(x.rows * k * 4));
    const wSums = this.#wSums = alloc(s * k * 8);
    const wSumsF32 = alloc(s * kPad * 4);
    const productBlocks = strata.flatMap((x, i) =>
      x.kind === "dense" ? rowBlocks(i, x.rows, DENSE_BLOCK_ENTRIES / n) : csrBlocks(core, i, x)
    );
    const wBlocks = strata.flatMap((x, i) => rowBlocks(i, x.rows, UPDATE_BLOCK_ROWS));
    // The W(i) updates by the same blocks in at most SLOTS tasks; a streamed stratum's blocks
    // split further (the rows are independent), so each task's P scratch stays small.
    const streamedRows = wBlocks.reduce(
      (m, b) => streamed[b.stratum] ? Math.max(m, Math.min(b.rows, STREAMED_BLOCK_ROWS)) : m,
      0,
    );
    const wTasks = groups(wBlocks, Math.min(SLOTS, wBlocks.length)).map((group, index) => {
      const blocks = group.flatMap((b) =>
        streamed[b.stratum] ? rowBlocks(b.stratum, b.rows, streamedRows, b.row) : [b]
      );
      const pScratch = blocks.some((b) => streamed[b.stratum]) ? alloc(streamedRows * k * 4) : 0;
      return { blocks, pScratch, index };
    });
    // Per streamed block, in wTasks order: its ⟨W, P⟩ (float64), for the final loss.
    const streamedBlocks = wTasks.flatMap((task) => task.blocks.filter((b) => streamed[b.stratum]));
    const wpParts = this.#wpParts = streamedBlocks.length > 0 ? alloc(streamedBlocks.length * 8) : 0;
    this.#wpStrata = streamedBlocks.map((b) => b.stratum);
    // Slots for the Gram matrix of the W(i): never more than blocks to fill them.
    const gramSlotCount = Math.min(SLOTS, wBlocks.length);
    const gramSlots = alloc(gramSlotCount * k * k * 8);
    const gramScratch = Array.from({ length: gramSlotCount }, () => alloc((k * kPad + kPad) * 4));
    const gramSum = this.#gramSum = alloc(k * k * 8);
    const gramSumF32 = alloc(k * kPad * 4);
    const Ht = htOnly ? F.H : alloc(n * k * 4);
    const HHt = this.#HHt = alloc(k * k * 8);
    const HHtF32 = alloc(k * kPad * 4);
    const lossTerms = this.#lossTerms = alloc(s * (k + 3) * 8);
    this.#sum = alloc(8);
    const totalNnz = strata.reduce((a, x) => a + x.nnz, 0);
    const csrStrata = strata.filter((x) => x.kind === "csr");
    const csrNnz = csrStrata.reduce((a, x) => a + x.nnz, 0);
    const denseBlocks = productBlocks.filter((b) => strata[b.stratum].kind === "dense");
    const slots = Math.max(1, Math.min(numeratorSlots(totalNnz - csrNnz, n), denseBlocks.length));
    // The dense numerator's first slot is the numerator itself (the slots are added into it).
    const NknSlots = hasDense && !fixH ? alloc(slots * k * n * 4) : 0;
    const Nkn = NknSlots;
    const Nt = fixH ? 0 : alloc(n * k * 4);
    const ranges = hasCsr && !fixH
      ? columnRanges(
        core,
        strata,
        n,
        // One range per thread: the numerator's bits do not depend on the number of ranges,
        // and each range more re-reads the W(i) (SpamAssassin, one thread: 7.5 ms with 2
        // ranges, 8.3 with 4, 10.1 with 8).
        columnRangeCount(csrNnz, csrStrata.reduce((a, x) => a + x.rows, 0), this.#executor.threads),
        alloc,
      )
      : [];

    const hBlocks = rowBlocks(0, n, H_BLOCK_ROWS);
    const hBlockRows = Math.min(n, hBlocks[0]?.rows ?? 0);
    const hScratchBytes = hScratchValueBytes(this.#kind);
    const hTasks = fixH ? [] : groups(hBlocks, Math.min(SLOTS, hBlocks.length)).map((blocks) => ({
      blocks,
      scratch: alloc(hTaskScratchBytes(hBlockRows, kPad, hScratchBytes)),
    }));
    const totalRows = strata.reduce((a, x) => a + x.rows, 0);
    const chunks = [];
    for (let j0 = 0; j0 < n; j0 += V_CHUNK_COLS) chunks.push({ j0, len: Math.min(V_CHUNK_COLS, n - j0) });
    const vTasks = groups(chunks, Math.min(SLOTS, chunks.length)).map((group) => ({
      chunks: group,
      scratch: alloc(Math.min(V_CHUNK_COLS, n) * 8),
    }));

    const ws: Workspace = {
      strata,
      factors: F,
      n,
      k,
      kPad,
      s,
      alloc,
      blockProducts: (plan, b, pScratch) => {
        if (!streamed[b.stratum]) return P[b.stratum] + b.row * k * 4;
        const x = strata[b.stratum];
        const indptr = core.heap.i32(x.indptr + b.row * 4, b.rows + 1);
        plan.work(2 * (indptr[b.rows] - indptr[0]) * k);
        plan.call("csr_mul_f64", [x.indptr + b.row * 4, x.indices, x.values, b.rows, Ht, k, pScratch, 0]);
        return pScratch;
      },
      wSums,
      wSumsF32,
      gramSum,
      gramSumF32,
      HHt,
      HHtF32,
      Ht,
      Nt,
      hv: (plan, v, out) =>
        htOnly ? plan.call("f32_hv_ht_f64", [Ht, n, k, v, out]) : plan.call("f32_hv_h_f64", [F.H, k, n, v, out]),
      htw: (plan, j0, len, w, out) =>
        htOnly
          ? plan.call("f32_htw_ht_f64", [Ht + j0 * k * 4, len, k, w, out])
          : plan.call("f32_htw_h_f64", [F.H + j0 * 4, k, len, n, w, out]),
      vTasks,
      wTasks,
      hTasks,
      hBlockRows,
      hScratchBytes,
    };
    const ruleOptions = {
      vUpdates: this.#options.vUpdates,
      fixV: this.#options.fixV,
      l1V: this.#options.l1V ?? 0,
      l1W: this.#options.l1W ?? 0,
      l1H: this.#options.l1H ?? 0,
      sweeps: this.#options.sweeps ?? halsSweeps(totalNnz, totalRows, n, k),
    };
    const rule: RulePlans = this.#kind === "hals" ? halsRule(ws, ruleOptions) : multiplicativeRule(ws, ruleOptions);
    /**
     * The call of one product block: P rows (withP) and/or, for dense blocks, numerator
     * accumulation into a slot (slot ≥ 0).
     */
    const productCall = (plan: PlanBuilder, b: Block, withP: boolean, slot: number) => {
      const x = strata[b.stratum];
      const p = withP ? P[b.stratum] + b.row * k * 4 : 0;
      const w = F.W[b.stratum] + b.row * k * 4;
      if (x.kind === "dense") {
        const nacc = slot >= 0 ? NknSlots + slot * k * n * 4 : 0;
        plan.call("f32_aht_wta", [x.data + b.row * n * 4, b.rows, n, F.H, k, p, w, nacc]);
      } else {
        plan.call("csr_aht_atw", [x.indptr + b.row * 4, x.indices, x.values, b.rows, Ht, k, p, w, 0]);
      }
    };

    // P = A Hᵀ of the kept P(i) only: one task per block (rows of P are disjoint). For the final
    // loss (`forLoss`) also ⟨W, P⟩ of every streamed block, its rows of P formed in its W task's
    // scratch, a result per block (summed in block order by loss()).
    const keptNnz = strata.reduce((a, x, i) => a + (streamed[i] ? 0 : x.nnz), 0);
    const productsPlan = (forLoss: boolean) => {
      const plan = new PlanBuilder();
      for (const b of productBlocks) if (!streamed[b.stratum]) productCall(plan.task(), b, true, -1);
      plan.work(2 * keptNnz * k);
      if (!forLoss) return plan;
      let part = 0;
      for (const task of wTasks) {
        plan.task();
        for (const b of task.blocks) {
          if (!streamed[b.stratum]) continue;
          const p = ws.blockProducts(plan, b, task.pScratch);
          plan.call("f32_dot_f64", [F.W[b.stratum] + b.row * k * 4, p, b.rows * k], wpParts + part++ * 8);
        }
      }
      return plan;
    };

    // Numerators Σ W(i)ᵀ A(i). Dense blocks into the slots: one task per slot, its blocks in
    // order; with `withP` (the reference schedule's single pass) they also form their rows of P
    // in the same pass. CSR strata: one task per column range, each stratum's rows in order,
    // into the range's rows of Nt. They never form P in this pass: the two products in one pass
    // are slower than in two (bench/kernels.ts on SpamAssassin: 16.4 ms against 6.3 + 5.6 ms; the
    // gather from Hᵀ and the scatter into N compete for the cache), and P alone parallelizes by
    // row blocks.
    const numeratorPlan = (withP: boolean) => {
      const plan = new PlanBuilder();
      for (let slot = 0; slot < (hasDense ? slots : 0); slot++) {
        plan.task().call("zero_bytes", [NknSlots + slot * k * n * 4, k * n * 4]);
        denseBlocks.forEach((b, index) => {
          if (index % slots === slot) productCall(plan, b, withP, slot);
        });
      }
      for (const range of ranges) {
        plan.task().call("zero_bytes", [Nt + range.c0 * k * 4, (range.c1 - range.c0) * k * 4]);
        strata.forEach((x, i) => {
          if (x.kind !== "csr") return;
          plan.call("csr_atw_ranges", [range.starts[i], range.ends[i], x.indices, x.values, x.rows, F.W[i], k, Nt]);
        });
      }
      return plan.work((withP ? 4 : 2) * (totalNnz - csrNnz) * k + 2 * csrNnz * k);
    };
    // P = A Hᵀ of the kept CSR P(i) alone, for the reference schedule's pass.
    const csrProducts = new PlanBuilder();
    for (const b of productBlocks) {
      if (strata[b.stratum].kind === "csr" && !streamed[b.stratum]) productCall(csrProducts.task(), b, true, -1);
    }
    csrProducts.work(2 * strata.reduce((a, x, i) => a + (x.kind === "csr" && !streamed[i] ? x.nnz : 0), 0) * k);
    // Slots added in order into the first, in chunks of columns; then the dense part
    // transposed into Nt (added to the CSR part when there is one).
    const reduceNumerators = new PlanBuilder();
    const CHUNK = 16384;
    for (let off = 0; off < n * k; off += CHUNK) {
      const len = Math.min(CHUNK, n * k - off);
      reduceNumerators.task();
      reduceNumerators.call("f32_sum_slots", [Nkn + off * 4, NknSlots + off * 4, slots, k * n, len]);
    }
    reduceNumerators.work(slots * n * k);
    const transposeNumerators = new PlanBuilder();
    if (hasDense) transposeNumerators.call("f32_transpose", [Nkn, k, n, Nt, hasCsr ? 1 : 0]);

    // W statistics: W(i)ᵀ 1 per stratum, and the Gram matrix Σ W(i)ᵀ W(i) through the slots.
    const refreshW = new PlanBuilder();
    strata.forEach((x, i) => refreshW.task().call("f32_colsum_f64", [F.W[i], x.rows, k, wSums + i * k * 8]));
    for (let slot = 0; slot < gramSlotCount; slot++) {
      refreshW.task().call("zero_bytes", [gramSlots + slot * k * k * 8, k * k * 8]);
      wBlocks.forEach((b, index) => {
        if (index % gramSlotCount !== slot) return;
        refreshW.call("f32_gram_f64", [
          F.W[b.stratum] + b.row * k * 4,
          b.rows,
          k,
          gramSlots + slot * k * k * 8,
          gramScratch[slot],
        ]);
      });
    }
    refreshW.work(totalRows * k * (k + 1));
    const reduceW = new PlanBuilder()
      .call("f64_sum_slots", [gramSum, gramSlots, gramSlotCount, k * k, k * k])
      .call("f64_to_f32_padded", [gramSum, k, k, gramSumF32, kPad])
      .call("f64_to_f32_padded", [wSums, s, k, wSumsF32, kPad]);

    // H = (Hᵀ)ᵀ (or Hᵀ from H when H is fixed; neither when H's memory holds Hᵀ), and H Hᵀ
    // (float64, and its padded float32 copy).
    // H Hᵀ from the rows of Hᵀ in hGramSlots fixed row ranges, one task each, into the W(i)
    // Gram matrix's slots (free between reduceW and the next refreshW), added in order.
    const refreshH = new PlanBuilder();
    if (!htOnly) {
      if (fixH) refreshH.task().call("f32_transpose", [F.H, k, n, Ht, 0]);
      else refreshH.task().call("f32_transpose", [Ht, n, k, F.H, 0]);
    }
    const hGramSlots = Math.max(1, Math.min(gramSlotCount, Math.floor(n / H_GRAM_ROWS)));
    for (let slot = 0; slot < hGramSlots; slot++) {
      const r0 = Math.floor((slot * n) / hGramSlots);
      const r1 = Math.floor(((slot + 1) * n) / hGramSlots);
      refreshH.task()
        .call("zero_bytes", [gramSlots + slot * k * k * 8, k * k * 8])
        .call("f32_gram_f64", [Ht + r0 * k * 4, r1 - r0, k, gramSlots + slot * k * k * 8, gramScratch[slot]]);
    }
    refreshH.work(n * k * k);
    const reduceH = new PlanBuilder()
      .call("f64_sum_slots", [HHt, gramSlots, hGramSlots, k * k, k * k])
      .call("f64_to_f32_padded", [HHt, k, k, HHtF32, kPad]);

    // Loss terms per stratum: H v(i) in float64, vᵀv, vᵀc, ⟨W, P⟩ (of a kept P(i): the
    // streamed ones come from the final loss's products pass).
    const loss = new PlanBuilder();
    strata.forEach((x, i) => {
      const terms = lossTerms + i * (k + 3) * 8;
      ws.hv(loss.task(), vOf(i), terms);
      loss
        .call("f32_dot_f64", [vOf(i), vOf(i), n], terms + k * 8)
        .call("f32_dot_f64", [vOf(i), x.colSums, n], terms + (k + 1) * 8);
      if (!streamed[i]) loss.call("f32_dot_f64", [F.W[i], P[i], x.rows * k], terms + (k + 2) * 8);
    });
    loss.work(2 * s * n * (k + 2) + 2 * totalRows * k);

    const build = (plan: PlanBuilder) => plan.build(core, alloc);
    // The initial H comes from the factors: Hᵀ is derived from it once.
    if (!htOnly) core.kernels.f32_transpose(F.H, k, n, Ht, 0);
    const reference = this.#options.schedule === "reference" && this.#kind === "mu";
    const products = build(productsPlan(true));
    const keptCsr = strata.some((x, i) => x.kind === "csr" && !streamed[i]);
    return {
      products,
      productsForUpdate: reference && !fixH
        ? [...(keptCsr ? [build(csrProducts)] : []), build(numeratorPlan(true))]
        : [wpParts === 0 ? products : build(productsPlan(false))],
      numerators: fixH ? undefined : build(numeratorPlan(false)),
      reduceNumerators: fixH || !hasDense || slots === 1 ? undefined : build(reduceNumerators),
      transposeNumerators: fixH || !hasDense ? undefined : build(transposeNumerators),
      updateV: build(rule.updateV),
      prepareW: build(rule.prepareW),
      updateW: build(rule.updateW),
      refreshW: build(refreshW),
      reduceW: build(reduceW),
      updateH: fixH ? undefined : build(rule.updateH),
      refreshH: build(refreshH),
      reduceH: build(reduceH),
      loss: build(loss),
    };
  }

  /**
   * Releases the workspace and leaves H in its k×n layout (the factors stay with their owner).
   * Idempotent.
   */
  free(): void {
    this.#owned.splice(0).forEach((ptr) => this.#core.heap.release(ptr));
    if (this.#transposed) {
      const { cols: n, rank: k } = this.#factors.shape;
      this.#transposeH(n, k);
    }
  }

  /**
   * Transposes H's memory in place, rows×cols to cols×rows, through a temporary (released at
   * once), and flips `#transposed`.
   */
  #transposeH(rows: number, cols: number): void {
    const { heap, kernels } = this.#core;
    const H = this.#factors.H;
    const temp = heap.alloc(rows * cols * 4);
    try {
      kernels.f32_transpose(H, rows, cols, temp, 0);
      heap.f32(H, rows * cols).set(heap.f32(temp, rows * cols));
    } finally {
      heap.release(temp);
    }
    this.#transposed = !this.#transposed;
  }

  /**
   * The pass over the data that starts an iteration: P(i) = A(i) Hᵀ for every stratum whose
   * P(i) is kept and, when `forUpdate` under the reference schedule, Σ_i W(i)ᵀ A(i) from the
   * same pass. `forUpdate = false` computes what the loss needs (the final loss of a fit).
   */
  computeProducts(forUpdate: boolean): void {
    if (!forUpdate) this.#executor.run(this.#plans.products);
    else for (const plan of this.#plans.productsForUpdate) this.#executor.run(plan);
  }

  /**
   * `sqrt(F + penalty)` at the current factors, F from the identity of algorithm.md (no
   * reconstruction):
   *
   *   ‖A − 1vᵀ − WH‖² = ‖A‖² + m ‖v‖² + tr(G HHᵀ) − 2 vᵀc − 2 ⟨W, P⟩ + 2 wᵀ(H v)
   *
   * summed over strata (tr(G HHᵀ) summed is tr(Σ G HHᵀ)), every term in float64; the penalty is
   * λ_v Σ‖v(i)‖₁ + λ_W Σ‖W(i)‖₁ + λ_H ‖H‖₁ (`lastPenalty`). Needs `computeProducts()` since H
   * or W last changed. Rounding can leave a tiny negative F near an exact fit: it is clamped to 0.
   */
  loss(): number {
    const { cols: n, rank: k } = this.#factors.shape;
    const s = this.#strata.strata.length;
    this.#executor.run(this.#plans.loss);
    // One float64 view of the memory, indexed by byte offset / 8 (no views made per call).
    const f64 = this.#core.heap.f64Memory();
    const G = this.#gramSum / 8, HHt = this.#HHt / 8;
    let total = 0;
    for (let e = 0; e < k * k; e++) total += f64[G + e] * f64[HHt + e];
    const w = this.#wSums / 8;
    let wTotal = 0;
    const parts = this.#wpParts / 8;
    this.#strata.strata.forEach((stratum, i) => {
      const terms = (this.#lossTerms + i * (k + 3) * 8) / 8;
      let wp = f64[terms + k + 2];
      if (this.#streamed[i]) {
        wp = 0;
        this.#wpStrata.forEach((of, part) => of === i && (wp += f64[parts + part]));
      }
      let wHv = 0;
      for (let q = 0; q < k; q++) {
        wHv += f64[w + i * k + q] * f64[terms + q];
        wTotal += f64[w + i * k + q];
      }
      total += stratum.normSq + stratum.rows * f64[terms + k] - 2 * f64[terms + k + 1] - 2 * wp + 2 * wHv;
    });
    const { l1V = 0, l1W = 0, l1H = 0 } = this.#options;
    let penalty = 0;
    if (l1V > 0) penalty += l1V * this.#total(this.#factors.V, s * n);
    if (l1W > 0) penalty += l1W * wTotal;
    if (l1H > 0) penalty += l1H * this.#total(this.#factors.H, k * n);
    this.lastPenalty = penalty;
    return Math.sqrt(Math.max(total, 0) + penalty);
  }

  /** Σ of `length` float32 values at `ptr`, in float64. */
  #total(ptr: number, length: number): number {
    this.#core.kernels.f32_colsum_f64(ptr, length, 1, this.#sum);
    return this.#core.heap.f64(this.#sum, 1)[0];
  }

  /** The updates of one iteration, after `computeProducts(true)`. */
  update(): void {
    const run = (plan: Plan | undefined) => plan && this.#executor.run(plan);
    const plans = this.#plans;
    run(plans.updateV);
    run(plans.prepareW);
    run(plans.updateW);
    const refreshW = () => {
      run(plans.refreshW);
      run(plans.reduceW);
    };
    const updateH = () => {
      run(plans.reduceNumerators);
      run(plans.transposeNumerators);
      run(plans.updateH);
    };
    if (this.#options.fixH) {
      refreshW();
      return;
    }
    if (this.#kind === "hals") {
      refreshW();
      run(plans.updateV);
      run(plans.numerators);
      updateH();
    } else if (this.#options.schedule === "sequential") {
      refreshW();
      run(plans.numerators);
      updateH();
    } else {
      updateH();
      refreshW();
    }
    run(plans.refreshH);
    run(plans.reduceH);
  }
}

/**
 * The masked objective F = Σ_i ‖M(i) ⊙ (A(i) − 1 v(i)ᵀ − W(i) H)‖² (docs/algorithm.md, "Masks"),
 * minimized by either solver's rule with a curvature per row: the products over the data are
 * those of the zero-filled data (the solver's), and assembly/updates/masked.ts subtracts what
 * the unobserved entries add to each row's Gram matrix and offset, from the lists of them (by
 * row for the W(i), by column for Hᵀ and the v(i)). The data are never filled in.
 *
 *   HALS:  v(i)_j ← max(0, (c_j − Σ_{r obs} w_r·h_j − λ_v/2) / #obs_j)
 *          W(i) row r, Hᵀ row j: the coordinate sweep on G_r = Σ_{obs} h hᵀ, b = P − Σ_{obs} v h
 *   MU:    the same ratios as the unmasked rule with the denominators over observed entries.
 *
 * The loss is the loss identity of the zero-filled data less Σ over unobserved entries of
 * (v_j + w_r·h_j)² (the model's values there, which that identity counts).
 *
 * @module
 */

import { PlanBuilder } from "../../threads/plan.ts";
import type { Core } from "../../runtime/core.ts";
import type { ResidentStratum } from "../../input/strata.ts";
import type { SolverKind } from "../../types.ts";
import { type Partition, wTaskBlockCount } from "../partition.ts";
import { hTimes } from "../plans/products.ts";
import { type PlanContext, vOf, wRow } from "../plans/context.ts";
import { hPlan, type Rule, type RulePlans, type ShiftTerm, vPlan, wPlan } from "./rule.ts";
import type { RuleBuffers } from "../workspace.ts";
import { EPS } from "./mu.ts";

/** f32_masked_terms_f64's flags (assembly/updates/masked.ts): G_r from the Gram matrix, c_r from 0. */
const TERMS_INIT = 1;
/** f32_masked_terms_f64's flags: the scalar of each row's entries is the row's own (Hᵀ's rows). */
const TERMS_SCALAR_PER_ROW = 2;

/** Float64 words of one row's masked terms (G_r, then c_r). */
const termWords = (k: number) => k * k + k;

/** The unobserved entries of every stratum by column: CSC offsets and row indices, and the observed counts. */
interface ColumnLists {
  /** Per stratum: n + 1 int32 offsets (into that stratum's rows). */
  indptr: number[];
  /** Per stratum: its unobserved entries' rows, by column. */
  rows: number[];
  /** Per stratum: n float32, the observed rows of each column. */
  counts: number[];
}

/** The row lists of a stratum: its hidden entries, or the empty lists (zero offsets). */
function rowLists(x: ResidentStratum, zeros: number): { indptr: number; indices: number } {
  return x.hidden ? { indptr: x.hidden.indptr, indices: x.hidden.indices } : { indptr: zeros, indices: zeros };
}

/** Bytes of the column lists at n columns of strata with `hidden` unobserved entries each (offsets, rows and counts). */
function columnListBytes(hidden: readonly number[], n: number): number {
  return hidden.reduce((total, count) => total + (n + 1) * 4 + count * 4 + n * 4, 0);
}

/** Writes the column lists (counting sort of each stratum's row lists) from `at` on. */
function writeColumnLists(core: Core, strata: readonly ResidentStratum[], n: number, at: number): ColumnLists {
  const lists: ColumnLists = { indptr: [], rows: [], counts: [] };
  for (const x of strata) {
    const count = x.hidden?.count ?? 0;
    const indptr = at, rows = at + (n + 1) * 4, counts = rows + count * 4;
    at = counts + n * 4;
    const offsets = core.heap.i32(indptr, n + 1).fill(0);
    const observed = core.heap.f32(counts, n).fill(x.rows);
    if (x.hidden) {
      const rowPtr = core.heap.i32(x.hidden.indptr, x.rows + 1);
      const cols = core.heap.i32(x.hidden.indices, count);
      for (let e = 0; e < count; e++) offsets[cols[e] + 1]++;
      for (let j = 0; j < n; j++) {
        observed[j] = x.rows - offsets[j + 1];
        offsets[j + 1] += offsets[j];
      }
      const next = Int32Array.from(offsets.subarray(0, n));
      const out = core.heap.i32(rows, count);
      for (let r = 0; r < x.rows; r++) for (let e = rowPtr[r]; e < rowPtr[r + 1]; e++) out[next[cols[e]]++] = r;
    }
    lists.indptr.push(indptr);
    lists.rows.push(rows);
    lists.counts.push(counts);
  }
  return lists;
}

/**
 * Rows whose masked terms are formed and then read at once: as many as fit in 64 KiB of terms
 * (so that they are still in cache when the row update reads them), a multiple of the 8 rows the
 * SIMD sweep takes together, at least 8.
 */
export const termChunkRows = (k: number) => Math.max(8, Math.floor(65536 / (termWords(k) * 8) / 8) * 8);

/** Bytes of one task's terms: {@link termChunkRows} rows × (k² + k) float64. */
const termBytes = (k: number) => termChunkRows(k) * termWords(k) * 8;

/**
 * Bytes of one task's row scratch: 16 (k + 1) float64, the larger of the SIMD sweep's (16 k: a group
 * of 8 rows) and the SIMD terms kernel's (16 list entries and their scalars).
 */
const rowScratchBytes = (k: number) => 16 * (k + 1) * 8;

/** The row ranges [row0, row0 + rows) of a block of `rows` rows, by chunks of `chunk`. */
function chunks(rows: number, chunk: number): { row0: number; rows: number }[] {
  const out = [];
  for (let row0 = 0; row0 < rows; row0 += chunk) out.push({ row0, rows: Math.min(chunk, rows - row0) });
  return out;
}

/**
 * The masked rule of `solver` for `strata` (their `hidden` lists; a stratum without is fully
 * observed). Own buffers: H v(i) (s×k float64), the column lists, each W and Hᵀ task's terms
 * ({@link termChunkRows} rows × (k² + k) float64: a block's rows are updated chunk by chunk) and
 * row scratch (16 (k + 1) float64, the SIMD sweep's and terms'), k float64 per v task (a column's unobserved rows
 * summed), one float64 per W block for the loss, and zero offsets for strata with nothing hidden.
 */
export function maskedRule(solver: SolverKind, strata: readonly ResidentStratum[], core: Core): Rule {
  const sizes = maskedBuffers(strata.map((x) => x.hidden?.count ?? 0), strata);
  return {
    ...sizes,
    plans(ctx, options, buffers) {
      const { p } = ctx;
      core.heap.i32(buffers.zeros, Math.max(p.n, ...strata.map((x) => x.rows)) + 1).fill(0);
      const multiplicative = solver === "mu";
      const fit: MaskedFit = {
        ctx,
        strata,
        buffers,
        columns: writeColumnLists(core, strata, p.n, buffers.columnLists),
        chunk: termChunkRows(p.k),
        multiplicative,
        sweeps: options.sweeps,
      };
      const shift = (l1: number) => multiplicative ? EPS + l1 / 2 : l1 / 2;
      const vUpdates = options.fixV || options.vUpdates === 0 ? 0 : multiplicative ? options.vUpdates : 1;
      const plans: RulePlans & { maskLoss: PlanBuilder } = {
        updateV: vUpdatePlan(ctx, vUpdates, {
          columns: fit.columns,
          shift: shift(options.l1V),
          multiplicative,
          scratch: buffers.dotScratch,
        }),
        prepareW: prepareWPlan(ctx, buffers.Hv),
        updateW: maskedWPlan(fit, shift(options.l1W)),
        updateH: p.fixH ? new PlanBuilder() : maskedHPlan(fit, shift(options.l1H)),
        maskLoss: maskLossPlan(ctx, buffers.lossParts, buffers.zeros),
      };
      return plans;
    },
  };
}

/** What the masked plans of one fit share. */
interface MaskedFit {
  ctx: PlanContext;
  strata: readonly ResidentStratum[];
  /** The rule's own buffers (see {@link maskedBuffers}). */
  buffers: Record<string, number>;
  /** Each stratum's unobserved rows by column. */
  columns: ColumnLists;
  /** Rows whose terms are formed at once ({@link termChunkRows}). */
  chunk: number;
  multiplicative: boolean;
  sweeps: number;
}

/** The terms of a chunk's rows: G_r and c_r for HALS, corr_r for the multiplicative updates. */
function rowTerms(fit: MaskedFit, plan: PlanBuilder, a: RowTerms): void {
  const args = [a.rows, fit.ctx.p.k, a.indptr, a.indices, a.vecs, a.scalars, a.flags];
  if (fit.multiplicative) plan.call("f32_masked_mu_terms_f64", [...args, a.x, a.terms, a.scratch]);
  else plan.call("f32_masked_terms_f64", [...args, a.gram, a.terms, a.scratch]);
}

/** The row update of the solver: HALS's reads G_r, the multiplicative one Gram and corr_r. */
function rowUpdate(fit: MaskedFit, plan: PlanBuilder, a: RowUpdate): void {
  const args = [a.x, a.rows, fit.ctx.p.k, a.num, a.offset, a.offsetStride];
  if (fit.multiplicative) plan.call("f32_mu_update_rows_masked_f64", [...args, a.gram, a.terms, a.shift, a.scratch]);
  else plan.call("f32_hals_update_rows_masked_f64", [...args, a.terms, a.shift, fit.sweeps, a.scratch]);
}

/**
 * The W(i) update: each block's rows chunk by chunk, their terms from the stratum's row lists
 * and Hᵀ, then the row update against P(i) − (H v(i))ᵀ. `shift`: the rule's λ_W / 2 (+ ε for MU).
 */
function maskedWPlan(fit: MaskedFit, shift: number): PlanBuilder {
  const { ctx, buffers } = fit;
  const { p } = ctx;
  return wPlan(ctx, (plan, b, w, P, task) => {
    const lists = rowLists(fit.strata[b.stratum], buffers.zeros);
    const terms = buffers.wTerms + task * termBytes(p.k);
    const scratch = buffers.rowScratch + task * rowScratchBytes(p.k);
    for (const c of chunks(b.rows, fit.chunk)) {
      const x = w + c.row0 * p.k * 4;
      const rows = c.rows;
      const gram = ctx.ws.HHt;
      rowTerms(fit, plan, {
        rows,
        indptr: lists.indptr + (b.row + c.row0) * 4,
        indices: lists.indices,
        vecs: ctx.ws.Ht,
        scalars: vOf(ctx, b.stratum),
        flags: TERMS_INIT,
        x,
        gram,
        terms,
        scratch,
      });
      const num = P + c.row0 * p.k * 4;
      const offset = buffers.Hv + b.stratum * p.k * 8;
      rowUpdate(fit, plan, { x, rows, num, offset, offsetStride: 0, gram, terms, shift, scratch });
    }
  }).work(2 * p.k * p.k * p.totalRows * (fit.sweeps + 1));
}

/**
 * The Hᵀ update: each block's rows (columns of H) chunk by chunk, their terms summed over the
 * strata from the column lists and the W(i), then the row update against Σ_i A(i)ᵀW(i) less the
 * shift term. `shift`: the rule's λ_H / 2 (+ ε for MU).
 */
function maskedHPlan(fit: MaskedFit, shift: number): PlanBuilder {
  const { ctx, buffers } = fit;
  const { p } = ctx;
  const shiftTerm: ShiftTerm = { kernel: "f32_shift_term_f64", wSums: ctx.ws.wSums, width: p.k };
  // S in float64 (rows×k) for every H block: the masked rows need it even when every v(i) is 0.
  return hPlan(ctx, 8, shiftTerm, (plan, b, shiftRows, _stride, scratch) => {
    const task = p.hTasks.findIndex((blocks) => blocks.includes(b));
    const terms = buffers.hTerms + task * termBytes(p.k);
    for (const c of chunks(b.rows, fit.chunk)) {
      const row0 = b.row + c.row0;
      const x = ctx.ws.Ht + row0 * p.k * 4;
      const rows = c.rows;
      const gram = ctx.ws.gramSum;
      fit.strata.forEach((_, i) => {
        rowTerms(fit, plan, {
          rows,
          indptr: fit.columns.indptr[i] + row0 * 4,
          indices: fit.columns.rows[i],
          vecs: ctx.factors.W[i],
          scalars: vOf(ctx, i) + row0 * 4,
          flags: TERMS_SCALAR_PER_ROW | (i === 0 ? TERMS_INIT : 0),
          x,
          gram,
          terms,
          scratch,
        });
      });
      const num = ctx.ws.Nt + row0 * p.k * 4;
      const offset = shiftRows + c.row0 * p.k * 8;
      rowUpdate(fit, plan, { x, rows, num, offset, offsetStride: p.k, gram, terms, shift, scratch });
    }
  }).work(2 * p.n * p.k * (p.k * (fit.sweeps + 1) + p.s));
}

/**
 * The masked rule's buffers (see {@link maskedRule}) for strata of these `rows` with `hidden`
 * unobserved entries each: what the solver allocates, and what memoryNeeded() counts.
 */
export function maskedBuffers(hidden: readonly number[], strata: readonly { rows: number }[]): RuleBuffers {
  return {
    hScratchBytes: 8,
    rowScratchBytes,
    buffers: (p: Partition) => ({
      Hv: p.s * p.k * 8,
      columnLists: columnListBytes(hidden, p.n),
      wTerms: Math.max(1, p.wTasks.length) * termBytes(p.k),
      hTerms: p.fixH ? 0 : Math.max(1, p.hTasks.length) * termBytes(p.k),
      rowScratch: Math.max(1, p.wTasks.length) * rowScratchBytes(p.k),
      lossParts: Math.max(1, wTaskBlockCount(p)) * 8,
      dotScratch: Math.max(1, p.vTasks.length) * p.k * 8,
      zeros: (Math.max(p.n, ...strata.map((x) => x.rows)) + 1) * 4,
    }),
  };
}

/** The arguments of a chunk's masked terms (see assembly/updates/masked.ts). */
interface RowTerms {
  rows: number;
  indptr: number;
  indices: number;
  vecs: number;
  scalars: number;
  flags: number;
  /** The chunk's rows (the multiplicative terms read them). */
  x: number;
  /** The unmasked Gram matrix (HALS's G_r start from it). */
  gram: number;
  terms: number;
  scratch: number;
}

/** The arguments of a masked row update. */
interface RowUpdate {
  x: number;
  rows: number;
  num: number;
  offset: number;
  offsetStride: number;
  /** The unmasked Gram matrix (the multiplicative update reads it with corr_r). */
  gram: number;
  terms: number;
  shift: number;
  scratch: number;
}

/** H v(i) of every stratum (float64, s×k). */
function prepareWPlan(ctx: PlanContext, Hv: number): PlanBuilder {
  const plan = new PlanBuilder().work(2 * ctx.p.s * ctx.p.n * ctx.p.k);
  ctx.strata.forEach((_, i) => hTimes(ctx, plan.task(), vOf(ctx, i), Hv + i * ctx.p.k * 8));
  return plan;
}

/**
 * The v(i) updates (`updates` per iteration; 0: none): t = Hᵀ w(i) on each chunk less the
 * unobserved rows' w_r·h_j, then the update with each column's observed count.
 */
function vUpdatePlan(
  ctx: PlanContext,
  updates: number,
  { columns, shift, multiplicative, scratch }: {
    columns: ColumnLists;
    shift: number;
    multiplicative: boolean;
    scratch: number;
  },
): PlanBuilder {
  if (updates === 0) return new PlanBuilder();
  const { k } = ctx.p;
  return vPlan(ctx, (plan, i, j0, len, t, task) => {
    plan.call("f32_masked_dots_f64", [
      len,
      k,
      columns.indptr[i] + j0 * 4,
      columns.rows[i],
      ctx.factors.W[i],
      ctx.ws.Ht + j0 * k * 4,
      t,
      scratch + task * k * 8,
    ]);
    for (let u = 0; u < updates; u++) {
      plan.call("f32_update_v_counts_f64", [
        vOf(ctx, i) + j0 * 4,
        ctx.strata[i].colSums + j0 * 4,
        t,
        columns.counts[i] + j0 * 4,
        len,
        shift,
        multiplicative ? 1 : 0,
      ]);
    }
  }).work(ctx.p.s * ctx.p.n * (2 * k + 4 * updates));
}

/**
 * Per block of the W tasks (in task order, one float64 each at `parts`: {@link wTaskBlockCount}):
 * Σ over its unobserved entries of (v_j + w_r·h_j)², what the loss of the zero-filled data counts
 * beyond the masked loss.
 */
function maskLossPlan(ctx: PlanContext, parts: number, zeros: number): PlanBuilder {
  const plan = new PlanBuilder();
  let part = 0;
  const hidden = ctx.strata.reduce((total, x) => total + (x.hidden?.count ?? 0), 0);
  for (const task of ctx.p.wTasks) {
    plan.task();
    for (const b of task.blocks) {
      const x = ctx.strata[b.stratum];
      const lists = rowLists(x, zeros);
      plan.call("f32_masked_loss_f64", [
        b.rows,
        ctx.p.k,
        lists.indptr + b.row * 4,
        lists.indices,
        ctx.ws.Ht,
        vOf(ctx, b.stratum),
        wRow(ctx, b.stratum, b.row),
      ], parts + part++ * 8);
    }
  }
  return plan.work(2 * hidden * ctx.p.k);
}

/** Σ of the loss parts of {@link maskLossPlan}, in block order. */
export function maskLossTotal(core: Core, parts: number, p: Partition): number {
  const blocks = wTaskBlockCount(p);
  const values = core.heap.f64(parts, blocks);
  let total = 0;
  for (let e = 0; e < blocks; e++) total += values[e];
  return total;
}

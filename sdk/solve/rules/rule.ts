/**
 * What an update rule is: the plans that update v(i), W(i) and H (docs/algorithm.md gives each
 * rule's formulas), over the workspace of sdk/solve/workspace.ts, with the buffers of its own it
 * needs. The solver owns the passes over the data, the statistics and the order of the steps
 * (sdk/solve/schedule.ts); a new rule (another divergence, a masked objective) is a new module
 * registered in sdk/solve/rules/mod.ts.
 *
 * @module
 */

import { PlanBuilder } from "../../threads/plan.ts";
import type { KernelName } from "../../runtime/kernels.ts";
import type { Block } from "../partition.ts";
import type { PlanContext } from "../plans/context.ts";
import { blockProducts, htTimes } from "../plans/products.ts";
import { wRow } from "../plans/context.ts";
import type { RuleBuffers } from "../workspace.ts";

/** Options the rules read. */
export interface RuleOptions {
  vUpdates: number;
  fixV?: boolean;
  l1V: number;
  l1W: number;
  l1H: number;
  /** HALS: coordinate sweeps per block update (sdk/tuning.ts, halsSweeps). */
  sweeps: number;
  /**
   * Every v(i) is 0 and stays 0 (plain NMF: V fixed at 0): the plans leave out H v(i), the shift
   * term and the v updates, all 0 or no-ops, and read a zero offset instead (the same bits).
   */
  zeroV?: boolean;
}

/** The plans of one rule. */
export interface RulePlans {
  /** Every v(i), by chunks of columns (no tasks when v is fixed). */
  updateV: PlanBuilder;
  /** What the W(i) rows read besides P (H v(i) for every stratum). */
  prepareW: PlanBuilder;
  /** The W(i), by row blocks. */
  updateW: PlanBuilder;
  /** Hᵀ, by row blocks (N, G and the w(i) current). */
  updateH: PlanBuilder;
}

/** An update rule: its buffers and its plans. */
export interface Rule extends RuleBuffers {
  /** `buffers` are the pointers of the rule's own buffers (named as in `buffers(p)`). */
  plans(ctx: PlanContext, options: RuleOptions, buffers: Record<string, number>): RulePlans;
}

/**
 * The v(i) update plan: tasks over chunks of columns; for each chunk and stratum, t = (Hᵀ w(i))
 * on the chunk (float64, into the task's scratch), then `update` adds the calls that read it
 * (given the task's index, for the rule's own scratch).
 */
export function vPlan(
  ctx: PlanContext,
  update: (plan: PlanBuilder, stratum: number, j0: number, len: number, t: number, task: number) => void,
): PlanBuilder {
  const plan = new PlanBuilder();
  ctx.p.vTasks.forEach((chunks, task) => {
    const scratch = ctx.ws.vScratch[task];
    plan.task();
    for (const { j0, len } of chunks) {
      ctx.strata.forEach((_, i) => {
        htTimes(ctx, plan, j0, len, ctx.ws.wSums + i * ctx.p.k * 8, scratch);
        update(plan, i, j0, len, scratch, task);
      });
    }
  });
  return plan;
}

/**
 * The W(i) update plan: the row blocks in their tasks; `update` adds a block's call, given where
 * W(i)'s rows of the block are, where P's rows are and the task's index (for the rule's scratch).
 */
export function wPlan(
  ctx: PlanContext,
  update: (plan: PlanBuilder, block: Block, w: number, p: number, task: number) => void,
): PlanBuilder {
  const plan = new PlanBuilder();
  ctx.p.wTasks.forEach((task, t) => {
    plan.task();
    for (const b of task.blocks) {
      const p = blockProducts(ctx, plan, b, ctx.ws.pScratch[t]);
      update(plan, b, wRow(ctx, b.stratum, b.row), p, t);
    }
  });
  return plan;
}

/** How an H update forms the shift term S of a block (docs/algorithm.md, the H updates). */
export interface ShiftTerm {
  /** The kernel forming S's rows: f32_shift_term_f64 (rows×k float64) or f32_shift_term (rows×kPad float32). */
  kernel: KernelName;
  /** The column sums of the W(i) as the kernel reads them (s rows of `width`). */
  wSums: number;
  /** S's and wSums's row width: k or kPad. */
  width: number;
  /**
   * When every v(i) is 0 (RuleOptions.zeroV): S is 0, so no kernel forms it and the rows read
   * this zero offset row (H v(0) = 0) with stride 0 instead.
   */
  zero?: number;
}

/**
 * The Hᵀ update plan: the row blocks in their tasks; for each block, S's rows into the task's
 * scratch (sdk/solve/workspace.ts, hScratch; `valueBytes` per entry), then `update` adds the
 * block's calls, given where the rows' offsets are (S, or `shift.zero`), their row stride
 * (`shift.width`, or 0) and the task's scratch for the row update.
 */
export function hPlan(
  ctx: PlanContext,
  valueBytes: number,
  shift: ShiftTerm,
  update: (plan: PlanBuilder, block: Block, offset: number, stride: number, row: number) => void,
): PlanBuilder {
  const { n, s, hBlockRows, kPad } = ctx.p;
  const plan = new PlanBuilder();
  ctx.p.hTasks.forEach((blocks, task) => {
    const scratch = ctx.ws.hScratch[task];
    const row = scratch + hBlockRows * kPad * valueBytes;
    plan.task();
    for (const b of blocks) {
      if (shift.zero !== undefined) update(plan, b, shift.zero, 0, row);
      else {
        plan.call(shift.kernel, [ctx.factors.V + b.row * 4, n, s, b.rows, shift.wSums, shift.width, scratch]);
        update(plan, b, scratch, shift.width, row);
      }
    }
  });
  return plan;
}

/**
 * The head of a row kernel's arguments for a block of Hᵀ: where the block's rows of Hᵀ (rows×k
 * float32, updated in place) are, their count, k, and where their rows of Nt (rows×k float32) are.
 */
export function hRows(ctx: PlanContext, block: Block): [x: number, rows: number, k: number, num: number] {
  const { k } = ctx.p;
  return [ctx.ws.Ht + block.row * k * 4, block.rows, k, ctx.ws.Nt + block.row * k * 4];
}

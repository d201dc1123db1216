/**
 * The products with H of a fit: P(i) = A(i) Hᵀ (m_i×k float32) by row blocks, the thin products
 * H v(i) and Hᵀ w(i) from whichever of H (k×n) and Hᵀ (n×k) the fit keeps current, and ⟨W, P⟩ of
 * the streamed blocks for the loss (docs/algorithm.md, "Shapes and layouts", "Loss identity, streamed P").
 * Rows of P are disjoint between blocks: one task per block.
 *
 * @module
 */

import { PlanBuilder } from "../../threads/plan.ts";
import type { Block } from "../partition.ts";
import { type PlanContext, wRow } from "./context.ts";

/**
 * Adds what makes P(i)'s rows of `block` available and returns where they are (rows×k float32):
 * P(i)'s own rows where the fit keeps P(i), else `pScratch` after a csr_mul_f64 call forms them
 * there (streamed CSR strata).
 */
export function blockProducts(ctx: PlanContext, plan: PlanBuilder, b: Block, pScratch: number): number {
  const { k } = ctx.p;
  if (!ctx.p.streamed[b.stratum]) return ctx.ws.P[b.stratum] + b.row * k * 4;
  const x = ctx.strata[b.stratum];
  const indptr = ctx.core.heap.i32(x.indptr + b.row * 4, b.rows + 1);
  plan.work(2 * (indptr[b.rows] - indptr[0]) * k);
  plan.call("csr_mul_f64", [x.indptr + b.row * 4, x.indices, x.values, b.rows, ctx.ws.Ht, k, pScratch, 0]);
  return pScratch;
}

/** Adds the call computing H v (k float64 at `out`) for v (n float32 at `v`). */
export function hTimes(ctx: PlanContext, plan: PlanBuilder, v: number, out: number): void {
  const { n, k } = ctx.p;
  if (ctx.p.htOnly) plan.call("f32_hv_ht_f64", [ctx.ws.Ht, n, k, v, out]);
  else plan.call("f32_hv_h_f64", [ctx.factors.H, k, n, v, out]);
}

/** Adds the call computing (Hᵀ w)[j0, j0 + len) (len float64 at `out`) for w (k float64 at `w`). */
export function htTimes(ctx: PlanContext, plan: PlanBuilder, j0: number, len: number, w: number, out: number): void {
  const { n, k } = ctx.p;
  if (ctx.p.htOnly) plan.call("f32_htw_ht_f64", [ctx.ws.Ht + j0 * k * 4, len, k, w, out]);
  else plan.call("f32_htw_h_f64", [ctx.factors.H + j0 * 4, k, len, n, w, out]);
}

/**
 * The call of one product block: its P rows (`withP`) and/or, for dense blocks, its numerator
 * terms accumulated into a slot (`slot` ≥ 0).
 */
export function productCall(ctx: PlanContext, plan: PlanBuilder, b: Block, withP: boolean, slot: number): void {
  const { n, k } = ctx.p;
  const x = ctx.strata[b.stratum];
  const p = withP ? ctx.ws.P[b.stratum] + b.row * k * 4 : 0;
  const w = wRow(ctx, b.stratum, b.row);
  if (x.kind === "dense") {
    const nacc = slot >= 0 ? ctx.ws.numeratorSlots + slot * k * n * 4 : 0;
    plan.call("f32_aht_wta", [x.data + b.row * n * 4, b.rows, n, ctx.factors.H, k, p, w, nacc]);
  } else {
    plan.call("csr_aht_atw", [x.indptr + b.row * 4, x.indices, x.values, b.rows, ctx.ws.Ht, k, p, w, 0]);
  }
}

/** P = A Hᵀ of the kept P(i) whose strata pass `include`: one task per block. */
export function keptProductsPlan(ctx: PlanContext, include = (_stratum: number) => true): PlanBuilder {
  const plan = new PlanBuilder();
  let nnz = 0;
  const counted = new Set<number>();
  for (const b of ctx.p.productBlocks) {
    if (ctx.p.streamed[b.stratum] || !include(b.stratum)) continue;
    productCall(ctx, plan.task(), b, true, -1);
    if (!counted.has(b.stratum)) nnz += ctx.strata[b.stratum].nnz;
    counted.add(b.stratum);
  }
  return plan.work(2 * nnz * ctx.p.k);
}

/**
 * Adds ⟨W, P⟩ of every streamed block to `plan`: per W task, its streamed blocks' P rows formed in
 * the task's scratch, one float64 result per block (summed in block order by the loss).
 */
export function addStreamedProducts(ctx: PlanContext, plan: PlanBuilder): PlanBuilder {
  let part = 0;
  ctx.p.wTasks.forEach((task, t) => {
    plan.task();
    for (const b of task.blocks) {
      if (!ctx.p.streamed[b.stratum]) continue;
      const p = blockProducts(ctx, plan, b, ctx.ws.pScratch[t]);
      plan.call("f32_dot_f64", [wRow(ctx, b.stratum, b.row), p, b.rows * ctx.p.k], ctx.ws.wpParts + part++ * 8);
    }
  });
  return plan;
}

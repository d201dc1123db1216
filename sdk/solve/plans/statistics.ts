/**
 * The statistics of the factors every update reads, kept current by the schedule: w(i) = W(i)ᵀ 1
 * (s×k float64), G = Σ W(i)ᵀ W(i) and H Hᵀ (k×k float64), with padded float32 copies (k×kPad) for
 * the multiplicative updates, and Hᵀ (or H) refreshed from the factor the update wrote. The Gram
 * matrices are summed through slots in a fixed order (docs/algorithm.md, "Reduction order, slots").
 *
 * @module
 */

import { PlanBuilder } from "../../threads/plan.ts";
import { type PlanContext, wRow } from "./context.ts";

/**
 * W statistics: W(i)ᵀ 1 per stratum, and Σ W(i)ᵀ W(i) with block b in slot b mod gramSlots.
 * With `columnSums` false the w(i) are set to 0 instead: for fits where nothing reads them (every
 * v(i) 0 and fixed, and no L1 weight on W: v's update, the shift term and the penalty are their
 * only readers, and 0 · w(i) terms of the loss need them finite).
 */
export function refreshWPlan(ctx: PlanContext, { columnSums = true } = {}): PlanBuilder {
  const { p, ws, strata, factors } = ctx;
  const { k } = p;
  const plan = new PlanBuilder();
  if (!columnSums) plan.task().call("zero_bytes", [ws.wSums, p.s * k * 8]);
  else strata.forEach((x, i) => plan.task().call("f32_colsum_f64", [factors.W[i], x.rows, k, ws.wSums + i * k * 8]));
  for (let slot = 0; slot < p.gramSlots; slot++) {
    plan.task().call("zero_bytes", [ws.gramSlots + slot * k * k * 8, k * k * 8]);
    p.wBlocks.forEach((b, index) => {
      if (index % p.gramSlots !== slot) return;
      plan.call("f32_gram_f64", [
        wRow(ctx, b.stratum, b.row),
        b.rows,
        k,
        ws.gramSlots + slot * k * k * 8,
        ws.gramScratch[slot],
      ]);
    });
  }
  return plan.work(p.totalRows * k * (k + 1));
}

/** The Gram slots added in order, and the float32 copies of G and of the w(i). */
export function reduceWPlan(ctx: PlanContext): PlanBuilder {
  const { p, ws } = ctx;
  const { k, kPad } = p;
  return new PlanBuilder()
    .call("f64_sum_slots", [ws.gramSum, ws.gramSlots, p.gramSlots, k * k, k * k])
    .call("f64_to_f32_padded", [ws.gramSum, k, k, ws.gramSumF32, kPad])
    .call("f64_to_f32_padded", [ws.wSums, p.s, k, ws.wSumsF32, kPad]);
}

/**
 * H = (Hᵀ)ᵀ after an Hᵀ update (or Hᵀ from H when H is fixed; neither when H's memory holds Hᵀ),
 * then H Hᵀ from fixed row ranges of Hᵀ, one task each, into the Gram matrix's slots (free
 * between reduceW and the next refreshW).
 */
export function refreshHPlan(ctx: PlanContext): PlanBuilder {
  const { p, ws, factors } = ctx;
  const { n, k } = p;
  const plan = new PlanBuilder();
  if (!p.htOnly) {
    if (p.fixH) plan.task().call("f32_transpose", [factors.H, k, n, ws.Ht, 0]);
    else plan.task().call("f32_transpose", [ws.Ht, n, k, factors.H, 0]);
  }
  p.hGramRanges.forEach(([r0, r1], slot) => {
    plan.task()
      .call("zero_bytes", [ws.gramSlots + slot * k * k * 8, k * k * 8])
      .call("f32_gram_f64", [
        ws.Ht + r0 * k * 4,
        r1 - r0,
        k,
        ws.gramSlots + slot * k * k * 8,
        ws.gramScratch[slot],
      ]);
  });
  return plan.work(n * k * k);
}

/** The H Hᵀ slots added in order, and its float32 copy. */
export function reduceHPlan(ctx: PlanContext): PlanBuilder {
  const { p, ws } = ctx;
  const { k, kPad } = p;
  return new PlanBuilder()
    .call("f64_sum_slots", [ws.HHt, ws.gramSlots, p.hGramRanges.length, k * k, k * k])
    .call("f64_to_f32_padded", [ws.HHt, k, k, ws.HHtF32, kPad]);
}

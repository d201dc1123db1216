/**
 * The numerator of the H update, N = Σ_i W(i)ᵀ A(i) (docs/algorithm.md, "Notation"), in the Hᵀ layout (n×k
 * float32). Dense strata: block b accumulates into partial numerator b mod slots (k×n float32
 * each), one task per slot running its blocks in order, the slots then added in order and the sum
 * transposed; CSR strata: one task per column range, writing that range's rows of Nt only, each
 * row's terms in the same order for any number of ranges (docs/algorithm.md, "Reduction order, slots",
 * "Reduction order, CSR numerator").
 *
 * @module
 */

import { PlanBuilder } from "../../threads/plan.ts";
import type { PlanContext } from "./context.ts";
import { productCall } from "./products.ts";

/**
 * Σ W(i)ᵀ A(i); with `withP` (the reference schedule's single pass) the dense blocks also form
 * their rows of P in the same pass. CSR strata never form P in this pass: the two products in one
 * pass are slower than in two (bench/kernels.ts on SpamAssassin: 16.4 ms against 6.3 + 5.6 ms; the
 * gather from Hᵀ and the scatter into N compete for the cache), and P alone parallelizes by row
 * blocks.
 */
export function numeratorPlan(ctx: PlanContext, withP: boolean): PlanBuilder {
  const { p, ws, strata } = ctx;
  const { n, k } = p;
  const plan = new PlanBuilder();
  const slots = p.hasDense ? p.numeratorSlots : 0;
  for (let slot = 0; slot < slots; slot++) {
    plan.task().call("zero_bytes", [ws.numeratorSlots + slot * k * n * 4, k * n * 4]);
    p.denseBlocks.forEach((b, index) => {
      if (index % slots === slot) productCall(ctx, plan, b, withP, slot);
    });
  }
  for (const range of ws.ranges) {
    plan.task().call("zero_bytes", [ws.Nt + range.c0 * k * 4, (range.c1 - range.c0) * k * 4]);
    strata.forEach((x, i) => {
      if (x.kind !== "csr") return;
      plan.call("csr_atw_ranges", [
        range.starts[i],
        range.ends[i],
        x.indices,
        x.values,
        x.rows,
        ctx.factors.W[i],
        k,
        ws.Nt,
      ]);
    });
  }
  return plan.work((withP ? 4 : 2) * (p.totalNnz - p.csrNnz) * k + 2 * p.csrNnz * k);
}

/** The dense numerator's slots added in order into the first, a chunk of entries per task. */
export function reduceNumeratorsPlan(ctx: PlanContext): PlanBuilder {
  const { p, ws } = ctx;
  const plan = new PlanBuilder();
  for (const { j0: off, len } of p.reduceChunks) {
    plan.task().call("f32_sum_slots", [
      ws.numeratorSlots + off * 4,
      ws.numeratorSlots + off * 4,
      p.numeratorSlots,
      p.k * p.n,
      len,
    ]);
  }
  return plan.work(p.numeratorSlots * p.n * p.k);
}

/** The dense numerator (k×n) transposed into Nt, added to the CSR part when there is one. */
export function transposeNumeratorsPlan(ctx: PlanContext): PlanBuilder {
  const { p, ws } = ctx;
  return new PlanBuilder().call("f32_transpose", [ws.numeratorSlots, p.k, p.n, ws.Nt, p.hasCsr ? 1 : 0]);
}

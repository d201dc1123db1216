/**
 * The loss without a reconstruction (docs/algorithm.md, "Loss identity"; its float64 terms: "Loss identity, precision"):
 *
 *   ‖A − 1vᵀ − WH‖² = ‖A‖² + m ‖v‖² + tr(G HHᵀ) − 2 vᵀc − 2 ⟨W, P⟩ + 2 wᵀ(H v)
 *
 * summed over strata (tr(G HHᵀ) summed is tr(Σ G HHᵀ)), every term in float64. The plan forms
 * the per-stratum terms; {@link lossFromTerms} adds them in a fixed order.
 *
 * @module
 */

import { PlanBuilder } from "../../threads/plan.ts";
import { type PlanContext, vOf } from "./context.ts";
import { hTimes } from "./products.ts";

/** Float64 words of a stratum's loss terms: H v(i) (k), then v(i)ᵀv(i), v(i)ᵀc(i), ⟨W(i), P(i)⟩. */
export const termWords = (k: number) => k + 3;

/**
 * Per stratum: H v(i), vᵀv, vᵀc and ⟨W, P⟩ of a kept P(i) (a streamed stratum's ⟨W, P⟩ comes
 * per block from the products pass: sdk/solve/plans/products.ts; docs/algorithm.md, "Loss identity, streamed P").
 */
export function lossTermsPlan(ctx: PlanContext): PlanBuilder {
  const { p, ws, strata, factors } = ctx;
  const { n, k } = p;
  const plan = new PlanBuilder();
  strata.forEach((x, i) => {
    const terms = ws.lossTerms + i * termWords(k) * 8;
    hTimes(ctx, plan.task(), vOf(ctx, i), terms);
    plan
      .call("f32_dot_f64", [vOf(ctx, i), vOf(ctx, i), n], terms + k * 8)
      .call("f32_dot_f64", [vOf(ctx, i), x.colSums, n], terms + (k + 1) * 8);
    if (!p.streamed[i]) plan.call("f32_dot_f64", [factors.W[i], ws.P[i], x.rows * k], terms + (k + 2) * 8);
  });
  return plan.work(2 * p.s * n * (k + 2) + 2 * p.totalRows * k);
}

/** ⟨W(i), P(i)⟩ of a streamed stratum: its blocks' parts, in block order. */
function streamedWP(ctx: PlanContext, f64: Float64Array, stratum: number): number {
  const parts = ctx.ws.wpParts / 8;
  let wp = 0;
  ctx.p.streamedBlocks.forEach((b, part) => b.stratum === stratum && (wp += f64[parts + part]));
  return wp;
}

/**
 * F from the terms the loss plan left in memory (clamped at 0: rounding can leave a tiny negative
 * F near an exact fit), and Σ_i Σ_q w(i)_q (the L1 penalty of the W(i)).
 */
export function lossFromTerms(ctx: PlanContext): { F: number; wTotal: number } {
  const { p, ws } = ctx;
  const { k } = p;
  const f64 = ctx.core.heap.f64Memory();
  const G = ws.gramSum / 8, HHt = ws.HHt / 8, w = ws.wSums / 8;
  let total = 0;
  for (let e = 0; e < k * k; e++) total += f64[G + e] * f64[HHt + e];
  let wTotal = 0;
  ctx.strata.forEach((stratum, i) => {
    const terms = (ws.lossTerms + i * termWords(k) * 8) / 8;
    const wp = p.streamed[i] ? streamedWP(ctx, f64, i) : f64[terms + k + 2];
    let wHv = 0;
    for (let q = 0; q < k; q++) {
      wHv += f64[w + i * k + q] * f64[terms + q];
      wTotal += f64[w + i * k + q];
    }
    total += ctx.norms[i] + stratum.rows * f64[terms + k] - 2 * f64[terms + k + 1] - 2 * wp + 2 * wHv;
  });
  return { F: Math.max(total, 0), wTotal };
}

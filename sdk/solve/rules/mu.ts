/**
 * The multiplicative updates (docs/algorithm.md, "Multiplicative updates, rules"), with the L1 weights
 * in the denominators: float32 Gram matrices and shift term, float64 v ratios.
 *
 *   v(i) ← v(i) ⊙ c(i) / (m_i v(i) + Hᵀ w(i) + ε + λ_v/2)                   (vUpdates times)
 *   W(i) ← W(i) ⊙ P(i) / (W(i) (H Hᵀ) + 1 (H v(i))ᵀ + ε + λ_W/2)
 *   H    ← H ⊙ N / (S + G H + ε + λ_H/2)
 *
 * @module
 */

import { PlanBuilder } from "../../threads/plan.ts";
import { hTimes } from "../plans/products.ts";
import { vOf } from "../plans/context.ts";
import type { Partition } from "../partition.ts";
import { hPlan, hRows, type Rule, type ShiftTerm, vPlan, wPlan } from "./rule.ts";

/** Added to every denominator of the multiplicative updates (docs/algorithm.md, "Multiplicative updates, ε"): no 0/0. */
export const EPS = 1e-9;

/** The multiplicative updates. Own buffers: H v(i) (s×k float64 and s×kPad float32) and a row of scratch per W task. */
export const multiplicativeRule: Rule = {
  hScratchBytes: 4,
  rowScratchBytes: (k: number) => ((k + 3) & ~3) * 4,
  buffers: (p: Partition) => ({
    Hv: p.s * p.k * 8,
    HvF32: p.s * p.kPad * 4,
    rowScratch: Math.max(1, p.wTasks.length) * multiplicativeRule.rowScratchBytes(p.k),
  }),
  plans(ctx, options, { Hv, HvF32, rowScratch }) {
    const { strata, p, ws } = ctx;
    const { n, k, kPad, s } = p;
    const updateV = options.fixV || options.vUpdates === 0 ? new PlanBuilder() : vPlan(ctx, (plan, i, j0, len, t) => {
      const x = strata[i];
      for (let u = 0; u < options.vUpdates; u++) {
        plan.call("f32_mu_update_v_f64", [
          vOf(ctx, i) + j0 * 4,
          x.colSums + j0 * 4,
          t,
          x.rows,
          len,
          EPS + options.l1V / 2,
        ]);
      }
    }).work(s * n * (2 * k + 4 * options.vUpdates));

    // H v(i), in float64 and as the padded float32 row the update reads (0 when every v(i) is).
    const prepareW = new PlanBuilder();
    if (options.zeroV) prepareW.call("zero_bytes", [HvF32, s * kPad * 4]);
    else {
      prepareW.work(2 * s * n * k);
      strata.forEach((_, i) => {
        hTimes(ctx, prepareW.task(), vOf(ctx, i), Hv + i * k * 8);
        prepareW.call("f64_to_f32_padded", [Hv + i * k * 8, 1, k, HvF32 + i * kPad * 4, kPad]);
      });
    }

    const updateW = wPlan(ctx, (plan, b, w, P, task) =>
      plan.call("f32_mu_update_rows", [
        w,
        b.rows,
        k,
        P,
        ws.HHtF32,
        HvF32 + b.stratum * kPad * 4,
        0,
        EPS + options.l1W / 2,
        rowScratch + task * multiplicativeRule.rowScratchBytes(k),
      ])).work(2 * k * k * p.totalRows);

    // Hᵀ by blocks, each block forming its rows of S (rows×kPad float32) first; when every v(i)
    // is 0, S is 0 and the rows read H v(0) = 0 instead.
    const zero = options.zeroV ? HvF32 : undefined;
    const shift: ShiftTerm = { kernel: "f32_shift_term", wSums: ws.wSumsF32, width: kPad, zero };
    const l1H = EPS + options.l1H / 2;
    const updateH = hPlan(ctx, multiplicativeRule.hScratchBytes, shift, (plan, b, offset, stride, row) => {
      plan.call("f32_mu_update_rows", [...hRows(ctx, b), ws.gramSumF32, offset, stride, l1H, row]);
    }).work(2 * n * k * (k + (options.zeroV ? 0 : s)));
    return { updateV, prepareW, updateW, updateH };
  },
};

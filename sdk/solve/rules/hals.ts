/**
 * HALS: exact block-coordinate descent on the objective (docs/algorithm.md, "HALS, v(i)", "HALS, W(i)",
 * "HALS, H"; why the loss never rises: "HALS, why the loss never rises"), float64 Gram
 * matrices, shift term and residuals over float32 storage. Every step is the exact minimizer over
 * its block, so the objective never rises:
 *
 *   v(i) ← max(0, (c(i) − Hᵀ w(i) − λ_v/2) / m_i)                          (closed form)
 *   W(i)[:,q] ← max(0, W(i)[:,q] + (P(i)[:,q] − (H v(i))_q − λ_W/2 − W(i) (HHᵀ)[:,q]) / (HHᵀ)_qq)
 *   H[q,:]    ← max(0, H[q,:] + (N[q,:] − S[q,:] − λ_H/2 − (G H)[q,:]) / G_qq)
 *
 * for q = 0 … k−1 in turn (`sweeps` times). The column updates are separable by rows (a row's
 * gradient involves only that row), so they run as row blocks on any thread.
 *
 * @module
 */

import { PlanBuilder } from "../../threads/plan.ts";
import { hTimes } from "../plans/products.ts";
import { vOf } from "../plans/context.ts";
import type { Partition } from "../partition.ts";
import { hPlan, hRows, type Rule, type ShiftTerm, vPlan, wPlan } from "./rule.ts";

/**
 * HALS. Own buffers: H v(i) (s×k float64) and the coordinate sweep's scratch per W task (16 k
 * float64: assembly/updates/hals.ts sweeps 8 rows at once, their x and right-hand sides).
 */
export const halsRule: Rule = {
  hScratchBytes: 8,
  rowScratchBytes: (k: number) => 16 * k * 8,
  buffers: (p: Partition) => ({
    Hv: p.s * p.k * 8,
    rowScratch: Math.max(1, p.wTasks.length) * halsRule.rowScratchBytes(p.k),
  }),
  plans(ctx, options, { Hv, rowScratch }) {
    const { strata, p, ws } = ctx;
    const { n, k, s } = p;
    // v(i) in closed form: exact, so once is enough (vUpdates = 0: off).
    const updateV = options.fixV || options.vUpdates === 0 ? new PlanBuilder() : vPlan(ctx, (plan, i, j0, len, t) => {
      const x = strata[i];
      plan.call("f32_hals_update_v_f64", [vOf(ctx, i) + j0 * 4, x.colSums + j0 * 4, t, len, x.rows, options.l1V / 2]);
    }).work(s * n * (2 * k + 4));

    // H v(i) (zeroed when every v(i) is 0).
    const prepareW = new PlanBuilder();
    if (options.zeroV) prepareW.call("zero_bytes", [Hv, s * k * 8]);
    else {
      prepareW.work(2 * s * n * k);
      strata.forEach((_, i) => hTimes(ctx, prepareW.task(), vOf(ctx, i), Hv + i * k * 8));
    }

    const updateW = wPlan(ctx, (plan, b, w, P, task) =>
      plan.call("f32_hals_update_rows_f64", [
        w,
        b.rows,
        k,
        P,
        ws.HHt,
        Hv + b.stratum * k * 8,
        0,
        options.l1W / 2,
        options.sweeps,
        rowScratch + task * halsRule.rowScratchBytes(k),
      ])).work(2 * k * k * options.sweeps * p.totalRows);

    // Hᵀ by blocks, each block forming its rows of S (rows×k float64) first; when every v(i) is
    // 0, S is 0 and the rows read H v(0) = 0 instead.
    const zero = options.zeroV ? Hv : undefined;
    const shift: ShiftTerm = { kernel: "f32_shift_term_f64", wSums: ws.wSums, width: k, zero };
    const l1H = options.l1H / 2;
    const updateH = hPlan(ctx, halsRule.hScratchBytes, shift, (plan, b, offset, stride, row) => {
      plan.call("f32_hals_update_rows_f64", [...hRows(ctx, b), ws.gramSum, offset, stride, l1H, options.sweeps, row]);
    }).work(2 * n * k * (k * options.sweeps + (options.zeroV ? 0 : s)));
    return { updateV, prepareW, updateW, updateH };
  },
};

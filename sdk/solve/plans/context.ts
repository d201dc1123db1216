/**
 * What every plan family reads: the core, the resident strata and factors, the partition and the
 * workspace's buffers. Plans are built once per fit from it (sdk/solve/solver.ts).
 *
 * @module
 */

import type { Core } from "../../runtime/core.ts";
import type { Factors } from "../../input/factors.ts";
import type { ResidentStratum } from "../../input/strata.ts";
import type { Partition } from "../partition.ts";
import type { WorkspaceBuffers } from "../workspace.ts";

/** The fit a plan is built for. */
export interface PlanContext {
  readonly core: Core;
  readonly strata: readonly ResidentStratum[];
  /** ‖A(i)‖² of each stratum's stored values (ResidentStrata.norms). */
  readonly norms: Float64Array;
  readonly factors: Factors;
  readonly p: Partition;
  readonly ws: WorkspaceBuffers;
}

/** Byte offset of v(i) (n float32) in the factors' s×n block. */
export function vOf(ctx: PlanContext, stratum: number): number {
  return ctx.factors.V + stratum * ctx.p.n * 4;
}

/** Byte offset of row `row` of W(i) (m_i×k float32, row-major). */
export function wRow(ctx: PlanContext, stratum: number, row: number): number {
  return ctx.factors.W[stratum] + row * ctx.p.k * 4;
}

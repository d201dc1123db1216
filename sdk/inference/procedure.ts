/**
 * The one fixed procedure of docs/inference.md ("One fixed procedure"): every statistic, the
 * observed one and each resampled one, is the shifts v(i) of
 *
 *   1. a start that does not see the labels: the model fitted to all rows as one stratum (one
 *      shift shared by every row: the null hypothesis's model), T₀ HALS iterations from the
 *      published random start drawn from the procedure's seed (the data's, which the permutations
 *      share, or a bootstrap replicate's own; or the data's at the rows a replicate drew, with
 *      `bootstrapStart: "data"`);
 *   2. the stratified fit from every v(i) at the shared shift, the rows' pooled loadings and the
 *      pooled H, T iterations of HALS, with the model's penalties and units.
 *
 * Both steps are `fit()` calls: the procedure is the SDK's own fit, nothing else.
 *
 * @module
 */

import { fitOn } from "../fit.ts";
import type { Executor } from "../threads/executor.ts";
import type { Stratum } from "../types.ts";
import type { RowSet } from "./rows.ts";
import { quantile } from "./stats.ts";
import { contrasts } from "../contrast.ts";

/** How the procedure fits. */
export interface ProcedureSettings {
  rank: number;
  /** T: iterations of the stratified fit (HALS). */
  iterations: number;
  /** T₀: iterations of the pooled fit. */
  pooledIterations: number;
  /** Seed of the pooled fit's random start (the same for every statistic). */
  seed: number;
  l1V: number;
  l1W: number;
  l1H: number;
  normalizeUnits: boolean;
  threads?: number;
  /** Runs the fits' plans instead of their own executors on `threads` (a lane of effects()' refits). */
  executor?: Executor;
  signal?: AbortSignal;
}

/** The pooled start: the shared shift (n), every row's loadings (rows × k, in the row set's order) and H (k × n). */
export interface PooledStart {
  v: Float32Array;
  W: Float32Array;
  H: Float32Array;
}

/** The fit options both steps share. */
const common = (settings: ProcedureSettings) =>
  ({
    rank: settings.rank,
    solver: "hals",
    trackLoss: false,
    l1V: settings.l1V,
    l1W: settings.l1W,
    l1H: settings.l1H,
    normalizeUnits: settings.normalizeUnits,
    threads: settings.threads,
    signal: settings.signal,
  }) as const;

/**
 * Step 1: all rows of `rows` as one stratum, in their order, or the rows `picked` (global
 * numbering, in that order: a bootstrap replicate's rows); the labels ignored.
 */
export async function pooledStart(
  rows: RowSet,
  settings: ProcedureSettings,
  picked: ArrayLike<number> = Int32Array.from({ length: rows.length }, (_, r) => r),
): Promise<PooledStart> {
  const model = await fitOn([rows.stratum("pooled", picked)], {
    ...common(settings),
    maxIter: settings.pooledIterations,
    seed: settings.seed,
  }, settings.executor);
  try {
    return { v: Float32Array.from(model.V[0]), W: Float32Array.from(model.W[0]), H: Float32Array.from(model.H) };
  } finally {
    model.free();
  }
}

/** The pooled loadings of each stratum's rows (`members[i]`: rows of the pooled start), m_i × k each. */
function loadingsOf(members: readonly ArrayLike<number>[], start: PooledStart, k: number): Float32Array[] {
  return members.map((rows) => {
    const w = new Float32Array(rows.length * k);
    for (let r = 0; r < rows.length; r++) w.set(start.W.subarray(rows[r] * k, (rows[r] + 1) * k), r * k);
    return w;
  });
}

/**
 * Step 2: the stratified fit of `strata`, whose rows are `members[i]` of the pooled start's rows,
 * from the shared shift; returns the shifts, s vectors of n.
 */
export async function stratifiedShifts(
  strata: readonly Stratum[],
  members: readonly ArrayLike<number>[],
  start: PooledStart,
  settings: ProcedureSettings,
): Promise<Float32Array[]> {
  const k = settings.rank;
  const model = await fitOn(strata, {
    ...common(settings),
    maxIter: settings.iterations,
    init: { V: strata.map(() => start.v), W: loadingsOf(members, start, k), H: start.H },
  }, settings.executor);
  try {
    return canonicalShifts(model.V, model.W, model.H, k);
  } finally {
    model.free();
  }
}

/** T is chosen in steps of this many iterations (see {@link settledIterations}). */
export const SETTLE_STEP = 25;
/** …and at most this many. */
export const MAX_ITERATIONS = 1000;
/** The statistic has settled when no contrast moved by more than this fraction of its column's mean over a step. */
export const SETTLE_TOLERANCE = 1e-2;

/**
 * T for data: the stratified step run SETTLE_STEP iterations at a time (each continuing exactly
 * from the last), until no contrast of the canonical shifts moves by more than SETTLE_TOLERANCE of
 * its column's mean over a step (docs/inference.md, "One fixed procedure"); at most
 * MAX_ITERATIONS. Measured on the observed data once, then used for every resampled statistic.
 */
export async function settledIterations(
  strata: readonly Stratum[],
  members: readonly ArrayLike<number>[],
  start: PooledStart,
  settings: ProcedureSettings,
): Promise<number> {
  const scales = columnMeans(start, settings.rank);
  let previous: Float64Array[] | undefined;
  for await (const { iterations, contrasts: now } of settlingContrasts(strata, members, start, settings)) {
    if (previous && settled(previous, now, scales)) return iterations;
    previous = now;
  }
  return MAX_ITERATIONS;
}

/**
 * The contrasts of the canonical shifts (s vectors of n) after SETTLE_STEP, 2 SETTLE_STEP, …
 * iterations of step 2, up to MAX_ITERATIONS: each chunk a fit continuing exactly from the last
 * (what {@link settledIterations} watches, and bench/inference.ts records).
 */
export async function* settlingContrasts(
  strata: readonly Stratum[],
  members: readonly ArrayLike<number>[],
  start: PooledStart,
  settings: ProcedureSettings,
): AsyncGenerator<{ iterations: number; contrasts: Float64Array[] }> {
  const k = settings.rank;
  let init = {
    V: strata.map(() => start.v as ArrayLike<number>),
    W: loadingsOf(members, start, k),
    H: start.H as ArrayLike<number>,
  };
  for (let T = SETTLE_STEP; T <= MAX_ITERATIONS; T += SETTLE_STEP) {
    const model = await fitOn(strata, { ...common(settings), maxIter: SETTLE_STEP, init }, settings.executor);
    const c = contrasts(canonicalShifts(model.V, model.W, model.H, k));
    init = {
      V: model.V.map((v) => Float32Array.from(v)),
      W: model.W.map((w) => Float32Array.from(w)),
      H: Float32Array.from(model.H),
    };
    model.free();
    yield { iterations: T, contrasts: c };
  }
}

/**
 * The mean of each column as the pooled start reconstructs it, v + mean(W) H (n): the scale of the
 * column's shifts and contrasts, in the data's units.
 */
export function columnMeans(start: PooledStart, k: number): Float64Array {
  const n = start.v.length, m = start.W.length / k;
  const meanW = new Float64Array(k);
  for (let r = 0; r < m; r++) for (let t = 0; t < k; t++) meanW[t] += start.W[r * k + t] / m;
  return Float64Array.from(start.v, (v, j) => {
    let mean = v;
    for (let t = 0; t < k; t++) mean += meanW[t] * start.H[t * n + j];
    return mean;
  });
}

/** Whether no contrast of `now` (s vectors of n) is further than SETTLE_TOLERANCE × its column's scale from `before`. */
function settled(before: readonly Float64Array[], now: readonly Float64Array[], scales: Float64Array): boolean {
  return now.every((row, i) => row.every((c, j) => Math.abs(c - before[i][j]) <= SETTLE_TOLERANCE * scales[j]));
}

/**
 * The quantile of a stratum's loadings of each topic that the canonical shift takes as what
 * (nearly) every row carries. Measured (bench/inference.ts, synthetic calibration, T = 300): with
 * the minimum (0) the intervals covered the null contrast in 88.5 % of 200 data sets and the
 * false discoveries were 8.4 % of the calls over 50; with the 5 % quantile 98 % of 100 and 3.7 %
 * over 30 (10 %: 97 %, 6.8 %; 20 %: 96 %, 12.3 %), with the same power (every planted column
 * found). The bootstrap of a sample minimum is inconsistent; that of an inner quantile is not.
 */
export const CANONICAL_QUANTILE = 0.05;

/**
 * The canonical shifts (docs/inference.md, "Identifiability"): for each stratum and topic, the part
 * of the topic (nearly) every row carries moved into the shift,
 * v*(i) = v(i) + Σ_q Q(W(i)[:, q]) H[q, :] with Q the CANONICAL_QUANTILE of the stratum's
 * loadings (float64 sums, rounded once). v* is the same for every split of the fit that moves mass
 * between v(i) and a topic all of the stratum's rows carry: adding a to every loading of topic q
 * adds a to Q while v(i) loses a H[q, :].
 * @param V s vectors of n; W s matrices m_i×k; H k×n (row-major)
 */
export function canonicalShifts(
  V: readonly ArrayLike<number>[],
  W: readonly ArrayLike<number>[],
  H: ArrayLike<number>,
  k: number,
): Float32Array[] {
  const n = H.length / k;
  return V.map((v, i) => {
    const w = W[i], m = w.length / k;
    const shifted = Float64Array.from(v);
    const loadings = new Float64Array(m);
    for (let q = 0; q < k; q++) {
      for (let r = 0; r < m; r++) loadings[r] = w[r * k + q];
      const floor = quantile(loadings.sort(), CANONICAL_QUANTILE);
      // A floor of 0 adds +0 to every entry, which changes none (v ≥ 0 has no −0): skipped, the common case.
      if (floor === 0) continue;
      for (let j = 0; j < n; j++) shifted[j] += floor * H[q * n + j];
    }
    return Float32Array.from(shifted);
  });
}

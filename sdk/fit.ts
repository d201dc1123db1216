/**
 * `fit()`: validation, the start, the iteration loop with its stopping rules, progress and
 * cancellation. The numerical steps are the solver's; the arithmetic is the kernels'.
 *
 * @module
 */

import { Checkpoint } from "./runtime/checkpoint.ts";
import { init } from "./runtime/core.ts";
import { type Executor, executorFor } from "./threads/executor.ts";
import { lossEveryIteration } from "./solve/iterate.ts";
import { Factors } from "./input/factors.ts";
import { type RestartResult, runStarts, type Starts } from "./solve/starts.ts";
import { stabilityOf } from "./inference/stability.ts";
import { fingerprint } from "./input/fingerprint.ts";
import { Model } from "./model.ts";
import { startFactors } from "./start/nndsvd.ts";
import { Solver, type SolverOptions } from "./solve/solver.ts";
import { columnMaxima, fillHidden, hiddenCount, loadStrata, type ResidentStrata } from "./input/strata.ts";
import type { Core } from "./runtime/core.ts";
import type { Shape } from "./input/factors.ts";
import { describeStrata, type StratumLayout } from "./input/shapes.ts";
import { checkMemory, fitMemory, type FitShape } from "./solve/memory.ts";
import type { FitOptions, Stratum } from "./types.ts";
import { modelSettings, type ResolvedOptions, resolveOptions } from "./input/options.ts";
import { preprocessingProblem } from "./input/preprocess.ts";
import { rowIdsOf } from "./input/row_ids.ts";

const ACTION = "Cannot fit model";

/**
 * Fits a Stratified-NMF model `A(i) ≈ 1 v(i)ᵀ + W(i) H` to the strata.
 *
 * @param strata dense (`{ data }`) or CSR (`{ rows, cols, indptr, indices, values }`) strata,
 *   all with the same number of columns `n`
 * @param options `rank` is required; see {@link FitOptions} for the rest
 * @returns the model; call `free()` on it when done
 * @throws {TypeError} for an option or stratum of the wrong type (`rank` missing included),
 *   before any work starts
 * @throws {RangeError} for a wrong value (naming the stratum, row and column, 0-based) or an
 *   option name that is not one (`options.iters is not an option of fit() (did you mean
 *   maxIter?)`), before any work starts
 * @throws the signal's reason when aborted
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fit } from "stratified-nmf";
 *
 * const strata = [
 *   { name: "a", data: [[1, 2, 0], [2, 4, 1], [0, 1, 3]] },
 *   { name: "b", data: [[5, 2, 1], [6, 4, 2]] },
 * ];
 * const model = await fit(strata, { rank: 2, maxIter: 50, seed: 1 });
 * assert.equal(model.lossHistory.length, 51); // the loss before each iteration, and the final one
 * assert.ok(model.loss < model.lossHistory[0]);
 * assert.ok(model.normalizedLoss < 0.2);
 * model.free();
 * ```
 */
export function fit(strata: readonly Stratum[], options: FitOptions): Promise<Model> {
  return fitOn(strata, options);
}

/**
 * {@link fit} on the caller's executor (which it leaves open; a lane of effects()' refits, say)
 * instead of its own on `options.threads`.
 */
export async function fitOn(strata: readonly Stratum[], options: FitOptions, given?: Executor): Promise<Model> {
  const started = performance.now();
  const settings = resolveOptions(options, "fit", ACTION);
  const layouts = describeStrata(strata, ACTION);
  checkAgainstData(settings, layouts);
  const rowIds = rowIdsOf(strata, layouts.map((x) => x.rows), ACTION);
  const weights = strataWeights(settings, layouts);
  const core = await init();
  const hidden = settings.missing === "mask" ? strata.map((x, i) => hiddenCount(x, layouts[i])) : undefined;
  const memory = fitMemory(fitShape(layouts, settings, hidden));
  checkMemory(core.heap, memory.estimate, largestStratum(layouts), ACTION);
  const checkpoint = new Checkpoint(settings.signal);
  // Threads start while the data load, if the products (2 nnz k flops a pass) are worth them.
  const executor = given ?? await executorFor(core, settings.threads);
  executor.expect(2 * layouts.reduce((nnz, x) => nnz + x.nnz, 0) * settings.rank);
  const close = () => given === undefined && executor.close();
  const resident = await loadStrata(core, strata, ACTION, layouts, {
    checkpoint,
    weightRoots: weights?.roots,
    missing: settings.missing,
    ...(settings.normalizeUnits ? {} : { scale: 1 }),
  }).catch((error) => {
    close();
    throw error;
  });
  let factors: Factors | undefined;
  let best: Factors | undefined;
  let solver: Solver | undefined;
  try {
    const shape = { rows: layouts.map((x) => x.rows), cols: resident.cols, rank: settings.rank };
    factors = await startOf(core, resident, shape, settings, checkpoint);
    // An explicit start is in the data's units: the weighted problem's factors are √c_i times it.
    if (weights && typeof settings.init === "object") factors.weighStrata(weights.roots, "multiply");
    if (settings.restarts > 1) best = new Factors(core, shape);
    solver = new Solver(core, resident, factors, solverOptions(settings, executor, memory.partition));
    const toDataUnits = (f: Factors) => dataUnits(f, resident.scale, weights?.roots);
    const starts = await runStarts(solver, factors, best, {
      seed: settings.seed,
      restarts: settings.restarts,
      maxIter: settings.maxIter,
      tol: settings.tol,
      normA: Math.sqrt(resident.normSq),
      unit: resident.scale,
      onProgress: options.onProgress,
      checkpoint,
      action: ACTION,
    }, toDataUnits);
    solver.free();
    const kept = best ?? factors;
    if (kept.hLayout === "n×k") kept.transposeH();
    kept.changeUnits(resident.scale, "multiply");
    if (weights) kept.weighStrata(weights.roots, "divide");
    const model = new Model(kept, {
      names: layouts.map((x) => x.name),
      ...starts.run,
      scale: resident.scale,
      settings: modelSettings(settings, { threads: executor.threads, strataWeights: weights?.values ?? null }),
      columnNames: settings.columnNames ? [...settings.columnNames] : undefined,
      totalMs: performance.now() - started,
      preprocessing: settings.preprocessing ? structuredClone(settings.preprocessing) : undefined,
      rowIds,
      fingerprint: fingerprint(core, resident, weights?.values ?? null),
      columnMaxima: numbers(columnMaxima(core, resident, weights?.roots)),
      ...restartRecord(starts, settings.rank),
    });
    if (kept === best) best = undefined;
    else factors = undefined;
    return model;
  } finally {
    solver?.free();
    close();
    factors?.free();
    best?.free();
    resident.free();
  }
}

/**
 * The solver's options from the fit's settings. The fields are named: a spread of the ~20
 * settings costs a small fit more than building its solver's partition.
 */
function solverOptions(
  settings: ResolvedOptions,
  executor: SolverOptions["executor"],
  partition: SolverOptions["partition"],
): SolverOptions {
  return {
    solver: settings.solver,
    vUpdates: settings.vUpdates,
    schedule: settings.schedule,
    l1V: settings.l1V,
    l1W: settings.l1W,
    l1H: settings.l1H,
    executor,
    lossEveryIteration: lossEveryIteration(settings),
    partition,
  };
}

/**
 * The start of the fit; with unobserved entries, NNDSVD runs on the data with each dense
 * stratum's holes filled by its observed column means (the fit itself never fills them).
 */
async function startOf(
  core: Core,
  resident: ResidentStrata,
  shape: Shape,
  settings: ResolvedOptions,
  checkpoint: Checkpoint,
): Promise<Factors> {
  const filled = settings.init === "nndsvd" && resident.strata.some((x) => x.hidden);
  if (filled) fillHidden(core, resident, "means");
  try {
    return await startFactors(core, resident, shape, settings.init, settings, ACTION, checkpoint);
  } finally {
    if (filled) fillHidden(core, resident, "zeros");
  }
}

/** What a model records of its restarts: which won, each start's seed and loss, and the stability. */
function restartRecord(starts: Starts, rank: number) {
  if (starts.seeds.length === 1) return {};
  return {
    starts: { seeds: starts.seeds, losses: starts.losses, best: starts.best },
    stability: stabilityOf(starts.results, starts.best, rank),
  };
}

/** V and H of `factors` as they are now (H in either layout), in the data's units. */
function dataUnits(factors: Factors, scale: number, roots: readonly number[] | undefined): RestartResult {
  const { rows, cols: n, rank: k } = factors.shape;
  const V = rows.map((_, i) => Float32Array.from(factors.v(i), (x) => x * scale / (roots?.[i] ?? 1)));
  const stored = factors.core.heap.f32(factors.H, k * n);
  const H = new Float32Array(k * n);
  for (let q = 0; q < k; q++) {
    for (let j = 0; j < n; j++) {
      H[q * n + j] = scale * (factors.hLayout === "k×n" ? stored[q * n + j] : stored[j * k + q]);
    }
  }
  return { loss: NaN, V, H };
}

/**
 * The strata's weights as numbers ("balanced": 1/m_i) and their square roots, or undefined.
 * @throws {RangeError} for weights of another count than the strata
 */
function strataWeights(settings: ResolvedOptions, layouts: readonly StratumLayout[]) {
  const given = settings.strataWeights;
  if (given === undefined) return undefined;
  const values = given === "balanced" ? layouts.map((x) => 1 / x.rows) : given;
  if (values.length !== layouts.length) {
    throw new RangeError(`${ACTION}: options.strataWeights has ${values.length} weights for ${layouts.length} strata`);
  }
  return { values: [...values], roots: values.map(Math.sqrt) };
}

/**
 * The checks of the options against the data's shape, before anything is copied.
 * @throws {RangeError} for a rank beyond min(n, Σ m_i), or column names of another count than n
 */
function checkAgainstData(settings: ResolvedOptions, layouts: readonly StratumLayout[]): void {
  const cols = layouts[0].cols;
  const totalRows = layouts.reduce((sum, x) => sum + x.rows, 0);
  if (settings.rank > Math.min(cols, totalRows)) {
    throw new RangeError(
      `${ACTION}: options.rank ${settings.rank} exceeds what the data allows (min of ${cols} columns and ${totalRows} rows)`,
    );
  }
  if (settings.restarts > 1 && settings.init !== "random") {
    throw new RangeError(
      `${ACTION}: options.restarts ${settings.restarts} needs the random start: an ${
        settings.init === "nndsvd" ? "NNDSVD" : "explicit"
      } start is the same every time`,
    );
  }
  if (settings.missing === "mask" && settings.schedule === "reference") {
    throw new RangeError(
      `${ACTION}: options.schedule "reference" cannot fit with missing: "mask" (the masked H update reads the new W(i)): use the sequential schedule`,
    );
  }
  if (settings.columnNames !== undefined && settings.columnNames.length !== cols) {
    throw new RangeError(
      `${ACTION}: options.columnNames has ${settings.columnNames.length} names for ${cols} columns`,
    );
  }
  if (settings.preprocessing !== undefined) {
    const problem = preprocessingProblem(settings.preprocessing, cols, layouts.map((x) => x.rows));
    if (problem) throw new RangeError(`${ACTION}: options.preprocessing ${problem}`);
  }
}

/** The shape of a fit, as fitMemory() takes it (`hidden`: each stratum's unobserved entries, with masks). */
function fitShape(layouts: readonly StratumLayout[], settings: ResolvedOptions, hidden?: number[]): FitShape {
  return {
    strata: layouts.map((x, i) => ({
      rows: x.rows,
      cols: x.cols,
      ...(x.kind === "csr" ? { nnz: x.nnz } : {}),
      hidden: hidden?.[i] ?? 0,
    })),
    rank: settings.rank,
    solver: settings.solver,
    lossEveryIteration: lossEveryIteration(settings),
    init: typeof settings.init === "string" ? settings.init : "explicit",
    restarts: settings.restarts,
    threads: settings.threads,
  };
}

/** The stratum that takes the most memory as stored, named for error messages. */
function largestStratum(layouts: readonly StratumLayout[]): { label: string; bytes: number } {
  const bytes = (x: StratumLayout) => x.kind === "dense" ? 4 * x.nnz : 8 * x.nnz + 4 * (x.rows + 1);
  const largest = layouts.reduce((a, b) => bytes(b) > bytes(a) ? b : a);
  return { label: largest.place.label, bytes: bytes(largest) };
}

/** `values` as an array (a loop: Array.from and spreads of a typed array go through its iterator). */
function numbers(values: Float64Array): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i];
  return out;
}

/**
 * `transform()`: loadings `W` for new rows with a fitted model's topics `H` held fixed, either
 * as rows of a stratum the model knows (its `v(i)` fixed too) or as a new stratum (its `v`
 * learned along with `W`). The updates are the solver's, with `fixH` (and `fixV`).
 *
 * @module
 */

import { Checkpoint } from "./runtime/checkpoint.ts";
import { init } from "./runtime/core.ts";
import { type Factors, randomFactors } from "./input/factors.ts";
import type { Model } from "./model.ts";
import { iterate, lossEveryIteration } from "./solve/iterate.ts";
import { type Executor, executorFor } from "./threads/executor.ts";
import { Solver } from "./solve/solver.ts";
import { loadStrata } from "./input/strata.ts";
import type { Stratum, TransformOptions } from "./types.ts";
import { resolveOptions, TRANSFORM_DEFAULTS } from "./input/options.ts";

const ACTION = "Cannot transform";

/** What {@link transform} returns: plain copies, independent of wasm memory. */
export interface TransformResult {
  /** Index of the known stratum, or null for a new stratum. */
  stratum: number | null;
  /** Rows transformed. */
  rows: number;
  /** The model's rank `k`. */
  rank: number;
  /** The loadings: `rows × k` float32, row-major. */
  W: Float32Array;
  /** The shift: the known stratum's `v(i)`, or the one learned for the new stratum (`n` values). */
  v: Float32Array;
  /** `‖A − 1vᵀ − W H‖_F` at the end. */
  loss: number;
  /** `loss / ‖A‖_F`. */
  normalizedLoss: number;
  /** The loss before each iteration and the final loss last (only the final one without trackLoss). */
  lossHistory: Float64Array;
  iterations: number;
  /** Whether it stopped on `tol`. */
  converged: boolean;
  /** Seed of the random start. */
  seed: number;
}

/** `out[e] = values[e] / scale`, rounded once to float32. */
function storeDivided(out: Float32Array, values: ArrayLike<number>, scale: number): void {
  for (let e = 0; e < out.length; e++) out[e] = values[e] / scale;
}

function stratumIndex(model: Model, stratum: number | string): number {
  const index = typeof stratum === "string" ? model.names.indexOf(stratum) : stratum;
  if (!Number.isInteger(index) || index < 0 || index >= model.names.length) {
    const names = model.names.map((name) => JSON.stringify(name)).join(", ");
    throw new RangeError(
      `${ACTION}: options.stratum ${JSON.stringify(stratum)} is not one of the model's strata (${names})`,
    );
  }
  return index;
}

/**
 * Loadings `W` of new rows `A ≈ 1 vᵀ + W H` with the model's `H` fixed.
 *
 * @param model a fitted (or loaded) model, not freed
 * @param input the new rows: one dense or CSR stratum with the model's `n` columns
 * @param options `stratum` for rows of a known stratum (its `v` fixed); see {@link TransformOptions}
 * @throws {TypeError | RangeError} for invalid input or options, naming what is wrong, as
 *   `fit()` does (an option name that is not one of `transform()`'s is a RangeError)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fit, transform } from "stratified-nmf";
 *
 * const strata = [
 *   { name: "a", data: [[1, 2, 0], [2, 4, 1], [0, 1, 3]] },
 *   { name: "b", data: [[5, 2, 1], [6, 4, 2]] },
 * ];
 * const model = await fit(strata, { rank: 2, maxIter: 100, seed: 1 });
 * const result = await transform(model, { data: [[1, 2, 1]] }, { stratum: "a", seed: 1 });
 * assert.equal(result.W.length, 1 * 2); // one new row × rank 2
 * assert.ok(result.normalizedLoss < 0.1);
 * model.free();
 * ```
 */
export async function transform(
  model: Model,
  input: Stratum,
  options: TransformOptions = {},
): Promise<TransformResult> {
  const settings = resolveOptions(options, "transform", ACTION, {
    ...TRANSFORM_DEFAULTS,
    rank: model.rank,
    vUpdates: model.vUpdates,
    solver: model.solver,
  });
  if (model.freed) throw new TypeError(`${ACTION}: the model has been freed`);
  const known = settings.stratum === undefined ? null : stratumIndex(model, settings.stratum);
  const core = await init();
  // The rows in the model's units: divided by what the fit divided its data by.
  const checkpoint = new Checkpoint(settings.signal);
  const resident = await loadStrata(core, [{ name: "input", ...input }], ACTION, undefined, {
    scale: model.scale,
    checkpoint,
    missing: settings.missing,
  });
  let factors: Factors | undefined;
  let solver: Solver | undefined;
  let executor: Executor | undefined;
  try {
    if (resident.cols !== model.cols) {
      throw new RangeError(`${ACTION}: the input has ${resident.cols} columns, the model ${model.cols}`);
    }
    const rows = resident.strata[0].rows;
    factors = randomFactors(core, { rows: [rows], cols: model.cols, rank: model.rank }, settings.seed);
    // Views are taken after every allocation: a memory that grew detaches older ones. The model's
    // H (and v) in the units of the stored rows.
    storeDivided(factors.h(), model.H, model.scale);
    if (known !== null) storeDivided(factors.v(0), model.V[known], model.scale);
    executor = await executorFor(core, settings.threads);
    solver = new Solver(core, resident, factors, {
      executor,
      solver: settings.solver,
      vUpdates: settings.vUpdates,
      schedule: settings.schedule,
      l1V: model.l1V,
      l1W: model.l1W,
      fixH: true,
      fixV: known !== null,
      lossEveryIteration: lossEveryIteration(settings),
    });
    const run = await iterate(solver, {
      ...settings,
      normA: Math.sqrt(resident.normSq),
      unit: model.scale,
      onProgress: options.onProgress,
      checkpoint,
      action: ACTION,
    });
    return {
      stratum: known,
      rows,
      rank: model.rank,
      W: Float32Array.from(factors.w(0)),
      v: known !== null ? Float32Array.from(model.V[known]) : Float32Array.from(factors.v(0), (x) => x * model.scale),
      loss: run.loss,
      normalizedLoss: run.normalizedLoss,
      lossHistory: run.lossHistory,
      iterations: run.iterations,
      converged: run.converged,
      seed: settings.seed,
    };
  } finally {
    solver?.free();
    executor?.close();
    factors?.free();
    resident.free();
  }
}

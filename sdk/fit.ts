/**
 * `fit()`: validation, the start, the iteration loop with its stopping rules, progress and
 * cancellation. The numerical steps are the solver's; the arithmetic is the kernels'.
 *
 * @module
 */

import { init } from "./runtime/core.ts";
import { type Executor, executorFor } from "./threads/executor.ts";
import { iterate, lossEveryIteration } from "./solve/iterate.ts";
import type { Factors } from "./input/factors.ts";
import { Model } from "./model.ts";
import { startFactors } from "./start/nndsvd.ts";
import { Solver } from "./solve/solver.ts";
import { loadStrata } from "./input/strata.ts";
import type { FitOptions, Stratum } from "./types.ts";
import { modelSettings, resolveOptions } from "./input/options.ts";

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
export async function fit(strata: readonly Stratum[], options: FitOptions): Promise<Model> {
  const settings = resolveOptions(options, "fit", ACTION);
  const core = await init();
  const resident = loadStrata(core, strata, ACTION);
  let factors: Factors | undefined;
  let solver: Solver | undefined;
  let executor: Executor | undefined;
  try {
    const rows = resident.strata.map((s) => s.rows);
    const { cols } = resident;
    const totalRows = rows.reduce((a, b) => a + b, 0);
    if (settings.rank > Math.min(cols, totalRows)) {
      throw new RangeError(
        `${ACTION}: options.rank ${settings.rank} exceeds what the data allows (min of ${cols} columns and ${totalRows} rows)`,
      );
    }
    if (settings.columnNames !== undefined && settings.columnNames.length !== cols) {
      throw new RangeError(
        `${ACTION}: options.columnNames has ${settings.columnNames.length} names for ${cols} columns`,
      );
    }
    const shape = { rows, cols, rank: settings.rank };
    factors = startFactors(core, resident, shape, settings.init, settings, ACTION);
    executor = await executorFor(core, settings.threads);
    solver = new Solver(core, resident, factors, {
      ...settings,
      executor,
      lossEveryIteration: lossEveryIteration(settings),
    });

    const normA = Math.sqrt(resident.normSq);
    const run = await iterate(solver, {
      ...settings,
      normA,
      onProgress: options.onProgress,
      signal: options.signal,
      action: ACTION,
    });
    const model = new Model(factors, {
      names: resident.strata.map((s) => s.name),
      lossHistory: run.lossHistory,
      loss: run.loss,
      normalizedLoss: run.loss / normA,
      iterations: run.iterations,
      converged: run.converged,
      elapsedMs: run.elapsedMs,
      settings: modelSettings(settings, { threads: executor.threads }),
      columnNames: settings.columnNames ? [...settings.columnNames] : undefined,
    });
    factors = undefined;
    return model;
  } finally {
    solver?.free();
    executor?.close();
    factors?.free();
    resident.free();
  }
}

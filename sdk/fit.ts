/**
 * `fit()`: validation, the start, the iteration loop with its stopping rules, progress and
 * cancellation. The numerical steps are the solver's; the arithmetic is the kernels'.
 *
 * @module
 */

import { init } from "./core.ts";
import { executorFor } from "./executor.ts";
import type { Factors } from "./factors.ts";
import { createSolver, type Solver } from "./hals.ts";
import { Model } from "./model.ts";
import { startFactors } from "./nndsvd.ts";
import { loadStrata } from "./strata.ts";
import type { FitOptions, Stratum } from "./types.ts";
import { resolveOptions } from "./validate.ts";

const ACTION = "Cannot fit model";

/** Fits yield to the event loop at least this often, so timers and abort signals can fire. */
const YIELD_EVERY_MS = 50;

const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Fits a Stratified-NMF model `A(i) ≈ 1 v(i)ᵀ + W(i) H` to the strata.
 *
 * @param strata dense (`{ data }`) or CSR (`{ rows, cols, indptr, indices, values }`) strata,
 *   all with the same number of columns `n`
 * @param options `rank` is required; see {@link FitOptions} for the rest
 * @returns the model; call `free()` on it when done
 * @throws {TypeError | RangeError} for invalid strata or options, before any work starts
 *   (naming the stratum, row and column, 0-based); the signal's reason when aborted
 *
 * @example
 * ```ts
 * import { fit } from "./mod.ts";
 * const strata = [
 *   { name: "a", data: [[1, 2, 0], [2, 4, 1], [0, 1, 3]] },
 *   { name: "b", data: [[5, 2, 1], [6, 4, 2]] },
 * ];
 * const model = await fit(strata, { rank: 2, maxIter: 50, seed: 1 });
 * console.assert(model.lossHistory.length === 51);
 * console.assert(model.normalizedLoss < 0.2);
 * model.free();
 * ```
 */
export async function fit(strata: readonly Stratum[], options: FitOptions): Promise<Model> {
  const settings = resolveOptions(options, ACTION);
  const core = await init();
  const resident = loadStrata(core, strata, ACTION);
  let factors: Factors | undefined;
  let solver: Solver | undefined;
  try {
    const rows = resident.strata.map((s) => s.rows);
    const { cols } = resident;
    const totalRows = rows.reduce((a, b) => a + b, 0);
    if (settings.rank > Math.min(cols, totalRows)) {
      throw new RangeError(
        `${ACTION}: options.rank ${settings.rank} exceeds what the data allows (min of ${cols} columns and ${totalRows} rows)`,
      );
    }
    if (options.columnNames !== undefined && options.columnNames.length !== cols) {
      throw new RangeError(
        `${ACTION}: options.columnNames has ${options.columnNames.length} names for ${cols} columns`,
      );
    }
    const shape = { rows, cols, rank: settings.rank };
    factors = startFactors(core, resident, shape, options.init, settings, ACTION);
    const executor = await executorFor(core, settings.threads);
    solver = createSolver(core, resident, factors, { ...settings, executor });

    const normA = Math.sqrt(resident.normSq);
    const trackLoss = settings.trackLoss || settings.tol > 0;
    const history: number[] = [];
    const started = performance.now();
    let lastYield = started;
    let iterations = 0;
    let converged = false;
    const check = (loss: number) => {
      if (!Number.isFinite(loss)) {
        throw new RangeError(
          `${ACTION}: the loss became ${loss} at iteration ${iterations} (the data overflows float32 arithmetic; scale it down)`,
        );
      }
    };
    while (true) {
      if (options.signal?.aborted) throw options.signal.reason;
      const more = iterations < settings.maxIter;
      solver.computeProducts(more);
      if (trackLoss || !more) {
        const loss = solver.loss();
        check(loss);
        history.push(loss);
        const previous = history[history.length - 2];
        if (
          settings.tol > 0 && previous !== undefined && (previous - loss) < settings.tol * history[0]
        ) {
          converged = true;
        }
        options.onProgress?.({
          iteration: iterations,
          maxIter: settings.maxIter,
          loss,
          normalizedLoss: loss / normA,
          elapsedMs: performance.now() - started,
          penalty: (solver as { lastPenalty?: number }).lastPenalty ?? 0,
        });
      }
      if (!more || converged) break;
      solver.update();
      iterations++;
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
    }
    const loss = history[history.length - 1];
    const model = new Model(factors, {
      names: resident.strata.map((s) => s.name),
      lossHistory: Float64Array.from(trackLoss ? history : [loss]),
      loss,
      normalizedLoss: loss / normA,
      iterations,
      converged,
      elapsedMs: performance.now() - started,
      threads: executor.threads,
      seed: options.init === undefined || options.init === "random" ? settings.seed : null,
      schedule: settings.schedule,
      vUpdates: settings.vUpdates,
      columnNames: options.columnNames ? [...options.columnNames] : undefined,
    });
    factors = undefined;
    return model;
  } finally {
    solver?.free();
    factors?.free();
    resident.free();
  }
}

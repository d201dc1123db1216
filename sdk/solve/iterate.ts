/**
 * The iteration loop shared by `fit()` and `transform()`: the pass that starts each iteration,
 * the loss (every iteration, or only at the end), the `tol` rule, progress, cancellation and
 * yielding to the event loop. The numerical steps are the solver's.
 *
 * @module
 */

import type { Checkpoint } from "../runtime/checkpoint.ts";
import type { ProgressInfo } from "../types.ts";
import type { RunResults } from "../input/model_file.ts";

/** What the loop needs of a solver: one iteration is computeProducts, optionally loss, then update. */
export interface IterativeSolver {
  /** The updates of one iteration, passing `checkpoint` between their steps. */
  update(checkpoint: Checkpoint): Promise<void> | undefined;
  /** Whether the loss is wanted before every update (decided when the solver was made). */
  readonly lossEveryIteration: boolean;
  computeProducts(forUpdate: boolean): void;
  loss(): number;
  /** The L1 penalty part of the last loss², for penalized solvers. */
  lastPenalty?: number;
  /**
   * Whether {@link runIterations} runs iterations all at once elsewhere (a lane of
   * sdk/threads/executor.ts); the loop then takes it when it wants no loss before the end.
   */
  readonly iteratesAtOnce?: boolean;
  /** `count` iterations at once, with the same result as `count` of computeProducts(true), update(). */
  runIterations?(count: number, signal?: AbortSignal): Promise<void>;
}

export interface IterateSettings {
  maxIter: number;
  /** Needs a solver that computes the loss every iteration when positive. */
  tol: number;
  /** ‖A‖_F of the stored data, for the normalized loss. */
  normA: number;
  /**
   * What the stored data were divided by: losses are reported in the data's units, × unit (the
   * penalty × unit²); the normalized loss is the same in both (docs/algorithm.md, "Units").
   */
  unit: number;
  onProgress?: (info: ProgressInfo) => void;
  /** Where the loop checks for cancellation and yields (the call's). */
  checkpoint: Checkpoint;
  /** The start of error messages ("Cannot fit model"). */
  action: string;
}

/** What a run gives (a model's RunResults but the fit's wall time and units), the losses × unit. */
export type IterateResult = Omit<RunResults, "totalMs" | "scale">;

/**
 * Whether a fit computes the loss before every iteration, not only at the end: when it is
 * tracked, or when `tol` needs it. Decided once, for the solver (its `lossEveryIteration`, which
 * the loop follows).
 */
export function lossEveryIteration(settings: { trackLoss: boolean; tol: number }): boolean {
  return settings.trackLoss || settings.tol > 0;
}

/**
 * Runs up to `maxIter` iterations. With `tol > 0` it stops when one iteration lowers the loss by
 * less than `tol` × the initial loss (the loss is then tracked even without `trackLoss`).
 * @throws the signal's reason when aborted; RangeError when the loss stops being finite.
 */
export async function iterate(solver: IterativeSolver, settings: IterateSettings): Promise<IterateResult> {
  const { maxIter, tol, normA, unit, onProgress, checkpoint, action } = settings;
  const trackLoss = solver.lossEveryIteration;
  if (tol > 0 && !trackLoss) throw new Error(`${action}: tol needs a solver that computes the loss every iteration`);
  const history: number[] = [];
  const started = performance.now();
  let iterations = 0;
  let converged = false;
  if (!trackLoss && maxIter > 0 && solver.iteratesAtOnce && solver.runIterations) {
    checkpoint.check();
    await solver.runIterations(maxIter, checkpoint.signal);
    iterations = maxIter;
  }
  for (;;) {
    const due = checkpoint.pass();
    if (due) await due;
    const more = iterations < maxIter;
    solver.computeProducts(more);
    if (trackLoss || !more) {
      const loss = solver.loss();
      if (!Number.isFinite(loss)) {
        throw new RangeError(
          `${action}: the loss became ${loss} at iteration ${iterations} (the data overflows float32 arithmetic; scale it down)`,
        );
      }
      history.push(loss);
      const previous = history[history.length - 2];
      if (tol > 0 && previous !== undefined && previous - loss < tol * history[0]) converged = true;
      onProgress?.({
        iteration: iterations,
        maxIter,
        loss: loss * unit,
        normalizedLoss: loss / normA,
        elapsedMs: performance.now() - started,
        penalty: (solver.lastPenalty ?? 0) * unit * unit,
      });
    }
    if (!more || converged) break;
    const updating = solver.update(checkpoint);
    if (updating) await updating;
    iterations++;
  }
  const loss = history[history.length - 1];
  const kept = trackLoss ? history : [loss];
  const lossHistory = new Float64Array(kept.length);
  for (let i = 0; i < kept.length; i++) lossHistory[i] = kept[i] * unit;
  return {
    lossHistory,
    loss: loss * unit,
    normalizedLoss: loss / normA,
    iterations,
    converged,
    elapsedMs: performance.now() - started,
  };
}

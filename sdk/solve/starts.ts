/**
 * Restarts: `restarts` random starts of one fit on the same solver, workspace and worker pool
 * (Solver.restart writes a new start into the factors), keeping the one with the lowest final
 * loss. The first start is the fit's `seed`, the others are drawn from it, so a fit with one
 * restart is the fit without restarts, bit for bit, and the starts are the same for any count.
 *
 * @module
 */

import { type Factors, fillRandom } from "../input/factors.ts";
import { Random } from "../start/random.ts";
import type { ProgressInfo } from "../types.ts";
import { iterate, type IterateResult, type IterateSettings } from "./iterate.ts";
import type { Solver } from "./solver.ts";

/** One start's result: its final loss, V (s vectors of n) and H (k×n, row-major), in the data's units. */
export interface RestartResult {
  loss: number;
  V: readonly ArrayLike<number>[];
  H: ArrayLike<number>;
}

/** The seeds of `count` starts: `seed`, then draws of a generator seeded with it. */
export function startSeeds(seed: number, count: number): number[] {
  const draws = new Random(seed);
  return [seed, ...Array.from({ length: count - 1 }, () => draws.nextUint32())];
}

/** What the restarts gave: the best run, and each start's seed, final loss and factors. */
export interface Starts {
  best: number;
  run: IterateResult;
  seeds: number[];
  losses: number[];
  /** Each start's V and H in the data's units (for the stability; empty with one start). */
  results: RestartResult[];
}

/**
 * Runs every start on `solver` (the first from the factors as they are), copying the best into
 * `best` (unused with one start).
 * @param toDataUnits V (s vectors) and H (k×n) of the factors as they are now, in the data's units
 */
export async function runStarts(
  solver: Solver,
  factors: Factors,
  best: Factors | undefined,
  settings: IterateSettings & { seed: number; restarts: number },
  toDataUnits: (factors: Factors) => RestartResult,
): Promise<Starts> {
  const seeds = startSeeds(settings.seed, settings.restarts);
  const starts: Starts = { best: 0, run: undefined!, seeds, losses: [], results: [] };
  let elapsedMs = 0;
  for (let r = 0; r < seeds.length; r++) {
    if (r > 0) solver.restart((f) => fillRandom(f, seeds[r]));
    const onProgress = settings.onProgress &&
      ((info: ProgressInfo) => settings.onProgress!(seeds.length > 1 ? { ...info, restart: r } : info));
    const run = await iterate(solver, onProgress === settings.onProgress ? settings : { ...settings, onProgress });
    elapsedMs += run.elapsedMs;
    starts.losses.push(run.loss);
    if (seeds.length > 1) starts.results.push({ ...toDataUnits(factors), loss: run.loss });
    if (r === 0 || run.loss < starts.run.loss) {
      starts.best = r;
      starts.run = run;
      if (seeds.length > 1) best!.copyFrom(factors);
    }
  }
  starts.run = { ...starts.run, elapsedMs };
  return starts;
}

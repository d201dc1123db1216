/**
 * The NumPy baseline (../shared/bench/numpy_baseline.py) on the very same data and start, run
 * side by side with the wasm core (the files: bench/baseline_files.ts).
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import type { InitialFactors, Stratum } from "../sdk/mod.ts";
import { pythonHas, runPython, withBaselineFiles } from "./baseline_files.ts";

export const BASELINE = fileURLToPath(new URL("../../shared/bench/numpy_baseline.py", import.meta.url));

/** What the baseline prints (the fields used here). */
export interface BaselineResult {
  ms_per_iter: number;
  normalized_loss: number;
  iterations: number;
}

/** Whether python3 with NumPy and SciPy can run the baseline here. */
export function numpyAvailable(): boolean {
  return pythonHas("numpy", "scipy");
}

/**
 * Runs the baseline (reference schedule, float64) for `iterations` from `start`.
 */
export function runBaseline(
  strata: Stratum[],
  start: InitialFactors,
  rank: number,
  iterations: number,
  trackLoss: boolean,
): BaselineResult {
  return withBaselineFiles(strata, { V: start.V, W: start.W, H: start.H }, (dir, init) => {
    const args = [BASELINE, dir, "--rank", String(rank), "--iters", String(iterations), "--init", init];
    if (!trackLoss) args.push("--no-loss");
    return runPython<BaselineResult>(args, "numpy baseline");
  });
}

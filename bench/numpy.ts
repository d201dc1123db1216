/**
 * The NumPy baseline (../shared/bench/numpy_baseline.py) on the very same data and start, run
 * side by side with the wasm core: strata written to a temporary directory (NAME.csv dense,
 * NAME.mtx MatrixMarket), the start to a JSON file.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { mtxText } from "../io/write_mtx.ts";
import type { InitialFactors, Stratum } from "../sdk/mod.ts";

export const BASELINE = fileURLToPath(new URL("../../shared/bench/numpy_baseline.py", import.meta.url));

/** What the baseline prints (the fields used here). */
export interface BaselineResult {
  ms_per_iter: number;
  normalized_loss: number;
  iterations: number;
}

/** Whether python3 with NumPy and SciPy can run the baseline here. */
export function numpyAvailable(): boolean {
  const probe = spawnSync("python3", ["-c", "import numpy, scipy"], { encoding: "utf8" });
  return probe.status === 0;
}

function stratumText(stratum: Stratum): { ext: string; text: string } {
  if ("indptr" in stratum) return { ext: "mtx", text: mtxText(stratum) };
  const cols = stratum.cols!;
  const data = stratum.data as ArrayLike<number>;
  const lines: string[] = [];
  for (let r = 0; r < data.length / cols; r++) {
    lines.push(Array.prototype.slice.call(data, r * cols, (r + 1) * cols).join(","));
  }
  return { ext: "csv", text: lines.join("\n") + "\n" };
}

/**
 * Runs the baseline (reference schedule, float64) for `iterations` from `start`.
 * OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (set on these machines for old OpenBLAS builds) are
 * removed for this one command, so a current OpenBLAS picks its own kernels.
 */
export function runBaseline(
  strata: Stratum[],
  start: InitialFactors,
  rank: number,
  iterations: number,
  trackLoss: boolean,
): BaselineResult {
  const dir = mkdtempSync(join(tmpdir(), "snmf-numpy-"));
  try {
    const data = join(dir, "strata");
    const pad = String(strata.length).length;
    mkdirSync(data);
    strata.forEach((stratum, i) => {
      const { ext, text } = stratumText(stratum);
      // names sort in input order, as the baseline reads files sorted by name
      writeFileSync(join(data, `s${String(i).padStart(pad, "0")}.${ext}`), text);
    });
    const init = join(dir, "init.json");
    writeFileSync(init, JSON.stringify({ V: start.V, W: start.W, H: start.H }));
    const env = { ...process.env };
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    const args = [BASELINE, data, "--rank", String(rank), "--iters", String(iterations), "--init", init];
    if (!trackLoss) args.push("--no-loss");
    const run = spawnSync("python3", args, { encoding: "utf8", env, maxBuffer: 1 << 28 });
    if (run.status !== 0) throw new Error(`numpy baseline failed: ${run.stderr}`);
    return JSON.parse(run.stdout) as BaselineResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

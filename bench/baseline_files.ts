/**
 * The files the Python baselines read (../shared/bench/numpy_baseline.py, sklearn_baseline.py):
 * one file per stratum in a temporary directory (NAME.csv dense without header, NAME.mtx
 * MatrixMarket; names that sort in input order), the start as JSON, and the environment a fair
 * OpenBLAS timing wants.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { mtxText } from "../io/write_mtx.ts";
import type { Stratum } from "../sdk/mod.ts";

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

/** The files of a baseline run: the strata's directory, the start's JSON file, and their removal. */
export interface BaselineFiles {
  dir: string;
  init: string;
  remove(): void;
}

/** Writes the strata to a new temporary directory and `start` to a JSON file beside it. */
export function writeBaselineFiles(strata: Stratum[], start: object): BaselineFiles {
  const root = mkdtempSync(join(tmpdir(), "snmf-baseline-"));
  const remove = () => rmSync(root, { recursive: true, force: true });
  try {
    const dir = join(root, "strata");
    const pad = String(strata.length).length;
    mkdirSync(dir);
    strata.forEach((stratum, i) => {
      const { ext, text } = stratumText(stratum);
      writeFileSync(join(dir, `s${String(i).padStart(pad, "0")}.${ext}`), text);
    });
    const init = join(root, "init.json");
    writeFileSync(init, JSON.stringify(start));
    return { dir, init, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

/**
 * Runs `use(dir, init)` with the strata written to `dir` and `start` to the JSON file `init`,
 * then removes them.
 */
export function withBaselineFiles<T>(strata: Stratum[], start: object, use: (dir: string, init: string) => T): T {
  const files = writeBaselineFiles(strata, start);
  try {
    return use(files.dir, files.init);
  } finally {
    files.remove();
  }
}

/**
 * The environment of a Python baseline: this process's, without OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE (set on these machines for old OpenBLAS builds), so a current OpenBLAS picks
 * its own kernels.
 */
export function pythonEnv(): Record<string, string | undefined> {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

/** Runs a Python baseline (in {@link pythonEnv}) and parses the JSON line it prints. */
export function runPython<T>(args: string[], what: string): T {
  const run = spawnSync("/usr/bin/python3", args, { encoding: "utf8", env: pythonEnv(), maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`${what} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

/** Whether /usr/bin/python3 can import `modules` here. */
export function pythonHas(...modules: string[]): boolean {
  return spawnSync("/usr/bin/python3", ["-c", `import ${modules.join(", ")}`], { encoding: "utf8" }).status === 0;
}

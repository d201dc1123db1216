/**
 * The paper's synthetic data: `A(i) = 1 v(i)ᵀ + W(i) H` with `v(i) ~ U(i−1, i)` (true shift
 * means 0.5, 1.5, 2.5, …), `W(i), H ~ U(0,1)`.
 *
 * @module
 */

import { Random } from "../start/random.ts";
import type { DenseStratum } from "../types.ts";

/** Options of {@link syntheticStrata} (defaults: the paper's 4 × 100 × 100, rank 5). */
export interface SyntheticOptions {
  strata?: number;
  rows?: number;
  cols?: number;
  rank?: number;
  seed?: number;
}

/** Synthetic strata and the shifts they were built with. */
export interface SyntheticData {
  strata: DenseStratum[];
  /** The true v(i), `cols` values each. */
  trueV: Float64Array[];
  /** Their means (i − 0.5 in expectation). */
  trueVMeans: number[];
}

/**
 * Generates the synthetic experiment's data (float64 values, row-major, flat).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { syntheticStrata } from "stratified-nmf";
 *
 * const { strata, trueVMeans } = syntheticStrata({ seed: 1 });
 * assert.equal(strata.length, 4);
 * assert.equal(strata[0].data.length, 100 * 100); // 100 rows × 100 columns, flat
 * assert.ok(Math.abs(trueVMeans[3] - 3.5) < 0.1);
 * ```
 */
export function syntheticStrata(options: SyntheticOptions = {}): SyntheticData {
  const { strata = 4, rows = 100, cols = 100, rank = 5, seed = 0 } = options;
  const random = new Random(seed);
  const H = Float64Array.from({ length: rank * cols }, () => random.next());
  const trueV: Float64Array[] = [];
  const result: DenseStratum[] = [];
  for (let i = 0; i < strata; i++) {
    const v = Float64Array.from({ length: cols }, () => i + random.next());
    const W = Float64Array.from({ length: rows * rank }, () => random.next());
    const data = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < cols; j++) {
        let x = v[j];
        for (let q = 0; q < rank; q++) x += W[r * rank + q] * H[q * cols + j];
        data[r * cols + j] = x;
      }
    }
    trueV.push(v);
    result.push({ name: `s${i}`, data, rows, cols });
  }
  return { strata: result, trueV, trueVMeans: trueV.map((v) => v.reduce((a, b) => a + b, 0) / cols) };
}

/**
 * The statistics of docs/inference.md over plain arrays: percentile intervals of bootstrap
 * replicates, one-sided permutation p-values standardized per column and pooled per stratum (ties
 * broken at random), and Benjamini–Hochberg q-values.
 *
 * @module
 */

import type { Random } from "../start/random.ts";

/**
 * The `q`-quantile of `sorted` (ascending), linearly interpolated between order statistics
 * (the "type 7" rule of R and NumPy).
 */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
}

/** The percentile interval `[q_{α/2}, q_{1−α/2}]` of `replicates` (docs/inference.md, "Intervals"). */
export function percentileInterval(replicates: ArrayLike<number>, level = 0.95): [number, number] {
  const sorted = Float64Array.from(replicates).sort();
  const alpha = 1 - level;
  return [quantile(sorted, alpha / 2), quantile(sorted, 1 - alpha / 2)];
}

/** Mean and standard deviation (n − 1 in the denominator) of `values`. */
export function meanAndSd(values: ArrayLike<number>): { mean: number; sd: number } {
  let mean = 0;
  for (let e = 0; e < values.length; e++) mean += values[e];
  mean /= values.length;
  let squares = 0;
  for (let e = 0; e < values.length; e++) squares += (values[e] - mean) ** 2;
  return { mean, sd: values.length > 1 ? Math.sqrt(squares / (values.length - 1)) : 0 };
}

/**
 * One-sided p-values ("larger than under the null") of one stratum's columns, from each column's
 * observed statistic and its `B` permutation statistics: each column standardized by its own
 * permutation mean and standard deviation, the null pooled over the columns, ties broken with
 * `random` (docs/inference.md, "Tests"). A column whose permutation spread is 0 gets p = 1.
 *
 * @param observed `n` observed statistics
 * @param permuted `n` arrays of `B` permutation statistics (column j's in `permuted[j]`)
 */
export function pooledPermutationPValues(
  observed: ArrayLike<number>,
  permuted: readonly ArrayLike<number>[],
  random: Random,
): Float64Array {
  const n = observed.length;
  const standardized = new Float64Array(permuted.reduce((sum, column) => sum + column.length, 0));
  let pooled = 0;
  const z = new Float64Array(n).fill(NaN);
  for (let j = 0; j < n; j++) {
    const { mean, sd } = meanAndSd(permuted[j]);
    if (!(sd > 0)) continue;
    z[j] = (observed[j] - mean) / sd;
    for (let b = 0; b < permuted[j].length; b++) standardized[pooled++] = (permuted[j][b] - mean) / sd;
  }
  const pool = standardized.subarray(0, pooled).sort();
  return z.map((zj) => Number.isNaN(zj) ? 1 : randomizedPValue(pool, zj, random));
}

/** `(#{pool > x} + U (1 + #{pool = x})) / (|pool| + 1)` for a sorted pool, U uniform on [0, 1). */
function randomizedPValue(pool: Float64Array, x: number, random: Random): number {
  const firstAbove = upperBound(pool, x);
  const ties = firstAbove - lowerBound(pool, x);
  return (pool.length - firstAbove + random.next() * (1 + ties)) / (pool.length + 1);
}

/** The first index whose value is ≥ x (sorted ascending). */
function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose value is > x (sorted ascending). */
function upperBound(sorted: Float64Array, x: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Benjamini–Hochberg q-values of `p` (1995): q_(r) = min over r' ≥ r of p_(r') m / r', at most 1,
 * in the order of `p`.
 */
export function benjaminiHochberg(p: ArrayLike<number>): Float64Array {
  const m = p.length;
  const order = Array.from({ length: m }, (_, j) => j).sort((a, b) => p[a] - p[b] || a - b);
  const q = new Float64Array(m);
  let running = 1;
  for (let r = m - 1; r >= 0; r--) {
    running = Math.min(running, (p[order[r]] * m) / (r + 1));
    q[order[r]] = running;
  }
  return q;
}

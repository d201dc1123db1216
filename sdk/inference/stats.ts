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

/**
 * The percentile interval `[q_{α/2}, q_{1−α/2}]` of `replicates` (docs/inference.md,
 * "Intervals"), NaN replicates left out (a share is NaN where no stratum has the column).
 */
export function percentileInterval(replicates: ArrayLike<number>, level = 0.95): [number, number] {
  const values = new Float64Array(replicates.length);
  for (let b = 0; b < values.length; b++) values[b] = replicates[b];
  return percentileIntervalInPlace(values, level);
}

/** {@link percentileInterval} of `values`, reordering them (no copy: for many intervals in a row). */
export function percentileIntervalInPlace(values: Float64Array, level = 0.95): [number, number] {
  let kept = 0;
  for (let b = 0; b < values.length; b++) if (!Number.isNaN(values[b])) values[kept++] = values[b];
  const alpha = 1 - level;
  const finite = values.subarray(0, kept);
  return [selectedQuantile(finite, alpha / 2), selectedQuantile(finite, 1 - alpha / 2)];
}

/**
 * {@link quantile} of `values` without sorting them: the two order statistics it interpolates
 * found by selection (reordering `values`; a few passes instead of a sort: the records of
 * effects() take 715,000 intervals on SpamAssassin).
 */
function selectedQuantile(values: Float64Array, q: number): number {
  if (values.length === 0) return NaN;
  const position = q * (values.length - 1);
  const below = Math.floor(position);
  const low = select(values, below);
  if (below + 1 >= values.length) return low;
  let high = values[below + 1];
  for (let b = below + 2; b < values.length; b++) if (values[b] < high) high = values[b];
  return low + (position - below) * (high - low);
}

/**
 * The `rank`-th smallest of `values` (0-based), moved to `values[rank]`, with no larger value
 * before it and no smaller after it (Hoare's selection, median-of-three pivots).
 */
function select(values: Float64Array, rank: number): number {
  let lo = 0, hi = values.length - 1;
  while (hi > lo) {
    const a = values[lo], b = values[(lo + hi) >> 1], c = values[hi];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
    let i = lo, j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i++] = values[j];
        values[j--] = t;
      }
    }
    if (rank <= j) hi = j;
    else if (rank >= i) lo = i;
    else break;
  }
  return values[rank];
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
  const above = poolCounts(standardized.subarray(0, pooled), z);
  return z.map((zj, j) =>
    Number.isNaN(zj) ? 1 : (above.greater[j] + random.next() * (1 + above.equal[j])) / (pooled + 1)
  );
}

/**
 * `lowerBound(sorted, ·)` in a few steps: a grid of as many cells as values over their range
 * gives the range to search (one or two values for statistics spread evenly, a binary search in a
 * crowded cell), and a short walk ends at the exact index whatever the rounding of the cell.
 */
function locator(sorted: Float64Array): (x: number) => number {
  const d = sorted.length;
  if (d === 0) return () => 0;
  const low = sorted[0], width = (sorted[d - 1] - low) / d;
  if (!(width > 0) || !Number.isFinite(width)) return (x) => lowerBound(sorted, x);
  const starts = new Int32Array(d + 1);
  for (let c = 0; c <= d; c++) starts[c] = lowerBound(sorted, low + c * width);
  return (x) => {
    const cell = Math.min(d, Math.max(0, Math.floor((x - low) / width)));
    // Binary search within the cell (a crowded cell stays logarithmic), then the walk.
    let at = starts[cell], hi = cell < d ? starts[cell + 1] : d;
    while (at < hi) {
      const mid = (at + hi) >> 1;
      if (sorted[mid] < x) at = mid + 1;
      else hi = mid;
    }
    while (at > 0 && sorted[at - 1] >= x) at--;
    while (at < d && sorted[at] < x) at++;
    return at;
  };
}

/**
 * For each of `x` (NaN: left out), how many of `pool` are greater than it and how many equal:
 * the pool placed among the sorted distinct x by binary search (|pool| log |x| steps, where
 * sorting the pool would take |pool| log |pool|: the pool is B n values, x only n).
 */
function poolCounts(pool: Float64Array, x: Float64Array): { greater: Float64Array; equal: Float64Array } {
  const sorted = x.filter((value) => !Number.isNaN(value)).sort();
  const distinct = sorted.filter((value, i) => i === 0 || value !== sorted[i - 1]);
  const d = distinct.length;
  // Per distinct value: pool entries equal to it, and pool entries between it and the one below.
  const equal = new Float64Array(d), between = new Float64Array(d + 1);
  const locate = locator(distinct);
  for (let e = 0; e < pool.length; e++) {
    const at = locate(pool[e]);
    if (at < d && distinct[at] === pool[e]) equal[at]++;
    else between[at]++;
  }
  // greater[t]: pool entries above distinct[t] (every one in a bucket past it).
  const greaterThan = new Float64Array(d);
  let running = between[d];
  for (let t = d - 1; t >= 0; t--) {
    greaterThan[t] = running;
    running += equal[t] + between[t];
  }
  const greater = new Float64Array(x.length), same = new Float64Array(x.length);
  x.forEach((value, j) => {
    if (Number.isNaN(value)) return;
    const t = lowerBound(distinct, value);
    greater[j] = greaterThan[t];
    same[j] = equal[t];
  });
  return { greater, equal: same };
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

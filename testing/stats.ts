/**
 * Statistics the calibration tests need and the SDK does not: the one-sample Kolmogorov–Smirnov
 * test of uniformity on (0, 1).
 *
 * @module
 */

/**
 * The Kolmogorov–Smirnov statistic D of `values` against Uniform(0, 1), and its p-value from the
 * asymptotic Kolmogorov distribution with Stephens' small-sample correction,
 * Q((√n + 0.12 + 0.11/√n) D), Q(λ) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²} (Stephens 1970).
 */
export function ksUniform(values: ArrayLike<number>): { d: number; p: number } {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  let d = 0;
  sorted.forEach((x, i) => (d = Math.max(d, (i + 1) / n - x, x - i / n)));
  const lambda = (Math.sqrt(n) + 0.12 + 0.11 / Math.sqrt(n)) * d;
  let q = 0;
  for (let k = 1; k <= 100; k++) q += 2 * (k % 2 === 1 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
  return { d, p: Math.min(1, Math.max(0, q)) };
}

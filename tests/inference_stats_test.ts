// The statistics of docs/inference.md: quantiles and percentile intervals, Benjamini–Hochberg,
// the pooled permutation p-values (uniform under the null, exact in their extremes), the
// Hungarian assignment (against brute force) and the topic matching; and the test-only KS test.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Random } from "../sdk/mod.ts";
import { cosine, matchTopics, minimumAssignment } from "../sdk/inference/matching.ts";
import {
  benjaminiHochberg,
  meanAndSd,
  percentileInterval,
  pooledPermutationPValues,
  quantile,
} from "../sdk/inference/stats.ts";
import { ksUniform } from "../testing/stats.ts";

/** A standard normal draw (Box–Muller). */
function normal(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

describe("intervals", () => {
  it("take quantiles between order statistics (R's and NumPy's default)", () => {
    assert.equal(quantile([1, 2, 3, 4], 0.25), 1.75);
    assert.equal(quantile([1, 2, 3, 4], 1), 4);
    const [lower, upper] = percentileInterval(Array.from({ length: 41 }, (_, i) => 40 - i));
    assert.ok(Math.abs(lower - 1) < 1e-12 && Math.abs(upper - 39) < 1e-12, `${lower}, ${upper}`);
  });

  it("equal the sorted replicates' quantiles, NaN left out, ties and all (selection, not a sort)", () => {
    const random = new Random(4);
    for (let trial = 0; trial < 300; trial++) {
      const B = 1 + Math.floor(random.next() * 60);
      // Few distinct values in some trials (ties), NaN in some.
      const levels = trial % 3 === 0 ? 3 : 1000;
      const replicates = Array.from(
        { length: B },
        () => random.next() < 0.1 * (trial % 2) ? NaN : Math.floor(random.next() * levels) / levels - 0.5,
      );
      const sorted = replicates.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
      const level = [0.95, 0.9, 0.5][trial % 3];
      const expected = sorted.length === 0
        ? [NaN, NaN]
        : [quantile(sorted, (1 - level) / 2), quantile(sorted, 1 - (1 - level) / 2)];
      assert.deepEqual(percentileInterval(replicates, level), expected, `trial ${trial}`);
    }
  });

  it("give the mean and the n − 1 standard deviation", () => {
    assert.deepEqual(meanAndSd([2, 4, 4, 4, 5, 5, 7, 9]), { mean: 5, sd: Math.sqrt(32 / 7) });
  });
});

describe("Benjamini–Hochberg", () => {
  it("gives the step-up q-values in the order of the p-values", () => {
    assert.deepEqual(Array.from(benjaminiHochberg([0.01, 0.04, 0.03, 0.005])), [0.02, 0.04, 0.04, 0.02]);
    assert.deepEqual(Array.from(benjaminiHochberg([0.9, 0.8])), [0.9, 0.9]);
  });
});

describe("pooled permutation p-values", () => {
  it("are uniform under the null, per column, over many draws (KS at α = 0.01)", () => {
    const random = new Random(1);
    const columns = 30, B = 50, draws = 400;
    // Columns with their own scales: the standardization must put them on one.
    const scales = Array.from({ length: columns }, (_, j) => 0.1 + j);
    const first: number[] = [];
    for (let draw = 0; draw < draws; draw++) {
      const permuted = scales.map((s) => Array.from({ length: B }, () => s * normal(random)));
      const observed = scales.map((s) => s * normal(random));
      first.push(pooledPermutationPValues(observed, permuted, random)[0]);
    }
    const { p } = ksUniform(first);
    assert.ok(p > 0.01, `KS p ${p}`);
  });

  it("equal the randomized rank among the sorted pool, ties included (counted, not sorted)", () => {
    const random = new Random(5);
    for (let trial = 0; trial < 60; trial++) {
      const columns = 1 + Math.floor(random.next() * 40), B = 1 + Math.floor(random.next() * 30);
      // Rounded draws make ties between the observed statistics and the pool; some columns cluster.
      const round = (x: number) => trial % 2 === 0 ? Math.round(x * 4) / 4 : x;
      const permuted = Array.from(
        { length: columns },
        (_, j) => Array.from({ length: B }, () => round(j % 5 === 0 ? 1e-9 * normal(random) : normal(random))),
      );
      const observed = permuted.map((column, j) => j % 7 === 3 ? column[0] : round(normal(random)));
      const seed = 100 + trial;
      const p = pooledPermutationPValues(observed, permuted, new Random(seed));
      // The reference: the pool sorted, each column's rank in it counted directly.
      const draws = new Random(seed);
      const pool: number[] = [], z: number[] = [];
      permuted.forEach((column, j) => {
        const { mean, sd } = meanAndSd(column);
        z.push(sd > 0 ? (observed[j] - mean) / sd : NaN);
        if (sd > 0) column.forEach((x) => pool.push((x - mean) / sd));
      });
      const expected = z.map((zj) => {
        if (Number.isNaN(zj)) return 1;
        const greater = pool.filter((x) => x > zj).length, ties = pool.filter((x) => x === zj).length;
        return (greater + draws.next() * (1 + ties)) / (pool.length + 1);
      });
      assert.deepEqual(Array.from(p), expected, `trial ${trial}`);
    }
  });

  it("are at most 1/(nB + 1) for a statistic above the whole pool, and 1 for a column that never moves", () => {
    const random = new Random(2);
    const permuted = [[0, 1, 2, 3], [5, 5, 5, 5], [1, 2, 3, 4]];
    const p = pooledPermutationPValues([100, 5, 2.5], permuted, random);
    assert.ok(p[0] > 0 && p[0] <= 1 / (8 + 1), `${p[0]}`);
    assert.equal(p[1], 1);
    assert.ok(p[2] > 0.1 && p[2] < 0.9);
  });
});

describe("topic matching", () => {
  it("finds the assignment of least cost (against every permutation of 6)", () => {
    const random = new Random(3);
    const permutations = (items: number[]): number[][] =>
      items.length <= 1
        ? [items]
        : items.flatMap((x, i) =>
          permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest])
        );
    const all = permutations([0, 1, 2, 3, 4, 5]);
    for (let trial = 0; trial < 20; trial++) {
      const cost = Array.from({ length: 6 }, () => Array.from({ length: 6 }, () => random.next()));
      const total = (a: number[]) => a.reduce((s, c, r) => s + cost[r][c], 0);
      const best = Math.min(...all.map(total));
      assert.ok(Math.abs(total(minimumAssignment(cost)) - best) < 1e-12);
    }
  });

  it("pairs the topics of a fit with the same topics in another order", () => {
    const random = new Random(4);
    const k = 5, n = 40;
    const H = Float64Array.from({ length: k * n }, () => random.next());
    const order = [3, 0, 4, 1, 2];
    const shuffled = new Float64Array(k * n);
    order.forEach((from, to) => shuffled.set(H.subarray(from * n, (from + 1) * n), to * n));
    const { match, similarity } = matchTopics(H, shuffled, k, n);
    match.forEach((to, q) => assert.equal(order[to], q));
    similarity.forEach((s) => assert.ok(Math.abs(s - 1) < 1e-12));
    assert.equal(cosine([1, 0], [0, 0]), 0);
  });
});

describe("KS test of uniformity (testing/stats.ts)", () => {
  it("accepts uniform draws and rejects squared ones", () => {
    const random = new Random(5);
    const uniform = Array.from({ length: 300 }, () => random.next());
    assert.ok(ksUniform(uniform).p > 0.01);
    assert.ok(ksUniform(uniform.map((x) => x * x)).p < 1e-6);
  });
});

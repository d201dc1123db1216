// sdk/contrast.ts: contrasts and shares of the shifts v(i) and the rankings by them, against
// values computed by hand, and the rule that ranks columns on mixed scales on the scaled values
// (docs/algorithm.md §Contrasts and shares).

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { contrasts, featureScores, rankFeatures, rankingScales, rankScaling, shares } from "../sdk/mod.ts";
import { largestFirst } from "../sdk/contrast.ts";

// Three strata over four columns; column 3 is 0 in every stratum.
//              c0  c1  c2  c3
const V = [
  [6, 1, 2, 0],
  [6, 4, 0, 0],
  [3, 1, 2, 0],
];

describe("contrasts", () => {
  it("is v(i) minus the unweighted mean of the other strata", () => {
    // stratum 0: 6 − (6+3)/2 = 1.5, 1 − (4+1)/2 = −1.5, 2 − (0+2)/2 = 1, 0
    // stratum 1: 6 − (6+3)/2 = 1.5, 4 − (1+1)/2 = 3,    0 − (2+2)/2 = −2, 0
    // stratum 2: 3 − (6+6)/2 = −3,  1 − (1+4)/2 = −1.5, 2 − (2+0)/2 = 1, 0
    assert.deepEqual(contrasts(V).map((c) => Array.from(c)), [
      [1.5, -1.5, 1, 0],
      [1.5, 3, -2, 0],
      [-3, -1.5, 1, 0],
    ]);
  });

  it("counts every stratum once, whatever its size, and reads Float32Array rows", () => {
    const c = contrasts([Float32Array.from([1, 0.5]), Float32Array.from([3, 0.25]), Float32Array.from([5, 0])]);
    assert.deepEqual(Array.from(c[0]), [1 - 4, 0.5 - 0.125]);
    assert.ok(c[0] instanceof Float64Array);
  });

  it("is v itself with one stratum (the others' mean is taken as 0)", () => {
    assert.deepEqual(Array.from(contrasts([[2, 0, 5]])[0]), [2, 0, 5]);
    assert.deepEqual(Array.from(featureScores([[2, 0, 5]], 0)), [2, 0, 5]);
  });
});

describe("shares", () => {
  it("is v(i) over the column's sum, NaN where the column is 0 in every stratum", () => {
    assert.deepEqual(shares(V).map((x) => Array.from(x)), [
      [6 / 15, 1 / 6, 2 / 4, NaN],
      [6 / 15, 4 / 6, 0 / 4, NaN],
      [3 / 15, 1 / 6, 2 / 4, NaN],
    ]);
    // no share is never a number: not 0, and null in JSON
    assert.equal(JSON.stringify(Array.from(shares(V)[0])), `[0.4,${1 / 6},0.5,null]`);
  });

  it("is 1 where v > 0 and missing where v = 0, with one stratum", () => {
    assert.deepEqual(Array.from(shares([[2, 0, 5]])[0]), [1, NaN, 1]);
  });
});

describe("rankFeatures", () => {
  it("ranks by contrast by default", () => {
    // contrasts of stratum 1: [1.5, 3, −2, 0]
    assert.deepEqual(rankFeatures(V, 1, 4), [1, 0, 3, 2]);
    assert.deepEqual(rankFeatures(V, 1, 2, "contrast"), [1, 0]);
  });

  it("ranks by share, columns with no share last", () => {
    // shares of stratum 0: [0.4, 1/6, 0.5, NaN]; of stratum 1: [0.4, 2/3, 0, NaN]
    assert.deepEqual(rankFeatures(V, 0, 4, "share"), [2, 0, 1, 3]);
    assert.deepEqual(rankFeatures(V, 1, 4, "share"), [1, 0, 2, 3]);
  });

  it("ranks by value as v(i) itself", () => {
    assert.deepEqual(rankFeatures(V, 2, 4, "value"), [0, 2, 1, 3]);
    assert.deepEqual(rankFeatures(V, 1, 4, "value"), [0, 1, 2, 3]);
  });

  it("puts the lower column first on ties", () => {
    // stratum 0's contrast is 1.5 in no tie; stratum 2's contrast: [−3, −1.5, 1, 0]
    assert.deepEqual(rankFeatures(V, 2, 4), [2, 3, 1, 0]);
    // equal values, equal contrasts, equal shares: columns 0 and 1 of [[1, 1, 0], [1, 1, 0]]
    const even = [[1, 1, 0], [1, 1, 0]];
    for (const by of ["contrast", "share", "value"] as const) assert.deepEqual(rankFeatures(even, 1, 3, by), [0, 1, 2]);
    assert.deepEqual(largestFirst([NaN, 2, NaN, 2], 4), [1, 3, 0, 2]);
  });

  it("finds what sets each stratum apart where every v(i) is largest in the same column", () => {
    // As cars by origin: Acceleration (column 0) is the largest v for every origin.
    const cars = [[15, 0.2, 6], [16, 3, 0.5], [16.5, 2.5, 0.4]];
    for (let i = 0; i < 3; i++) assert.deepEqual(rankFeatures(cars, i, 1, "value"), [0]);
    assert.deepEqual([0, 1, 2].map((i) => rankFeatures(cars, i, 1)), [[2], [1], [0]]);
  });

  it("gives at most n columns and none for count 0", () => {
    assert.deepEqual(rankFeatures(V, 0, 10, "value"), [0, 2, 1, 3]);
    assert.deepEqual(rankFeatures(V, 0, 0), []);
  });

  it("refuses what it cannot rank, naming it", () => {
    assert.throws(() => rankFeatures(V, 3, 1), {
      name: "RangeError",
      message: "Cannot rank features: stratum 3 is not in [0, 3)",
    });
    assert.throws(() => rankFeatures(V, 0, 1.5), {
      name: "RangeError",
      message: "Cannot rank features: count must be an integer ≥ 0, got 1.5",
    });
    assert.throws(() => rankFeatures(V, 0, 1, "size" as "value"), {
      name: "RangeError",
      message: 'Cannot rank features: by must be one of contrast, share, value, got "size"',
    });
    assert.throws(() => rankFeatures([[1, 2], [1]], 0, 1), {
      name: "RangeError",
      message: "Cannot rank features: V[1] has 1 entries, V[0] has 2",
    });
    assert.throws(() => contrasts([[1, -2]]), {
      name: "RangeError",
      message: "Cannot compute contrasts: V[0][1] must be a finite number ≥ 0, got -2",
    });
    assert.throws(() => shares([[NaN]]), {
      name: "RangeError",
      message: "Cannot compute shares: V[0][0] must be a finite number ≥ 0, got NaN",
    });
    assert.throws(() => featureScores([], 0), {
      name: "RangeError",
      message: "Cannot score features: V has no stratum",
    });
    assert.throws(() => contrasts(Float32Array.from([1]) as unknown as number[][]), TypeError);
  });
});

// As cars by origin: weight (column 0, largest value 5000) beside mpg (column 1, 40) and a
// column of zeros. Stratum 0 is 300 pounds above the others, stratum 1 15 mpg above them.
//                    weight mpg  zero
const MIXED = [
  [3300, 20, 0],
  [3000, 35, 0],
  [3000, 20, 0],
];
const MAXIMA = [5000, 40, 0];

describe("ranking on the scaled values", () => {
  it("divides contrasts and values by each column's scale, leaves shares and unscaled columns as they are", () => {
    // Stratum 0: contrasts 300, −7.5, 0; over the scales 0.06, −0.1875, 0 (a scale of 0 divides nothing).
    assert.deepEqual(Array.from(featureScores(MIXED, 0, "contrast", MAXIMA)), [300 / 5000, -7.5 / 40, 0]);
    assert.deepEqual(Array.from(featureScores(MIXED, 1, "value", MAXIMA)), [3000 / 5000, 35 / 40, 0]);
    assert.deepEqual(Array.from(featureScores(MIXED, 1, "share", MAXIMA)), Array.from(shares(MIXED)[1]));
    // Stratum 1: weight 3000 leads mpg 35 as fitted; on the scaled values 35/40 leads 3000/5000.
    assert.deepEqual(rankFeatures(MIXED, 1, 2, "value"), [0, 1]);
    assert.deepEqual(rankFeatures(MIXED, 1, 2, "value", MAXIMA), [1, 0]);
    // Stratum 2, 150 pounds and 7.5 mpg below the others: as fitted the pounds rank last; scaled,
    // −150/5000 = −0.03 is above −7.5/40 = −0.1875.
    assert.deepEqual(rankFeatures(MIXED, 2, 3, "contrast"), [2, 1, 0]);
    assert.deepEqual(rankFeatures(MIXED, 2, 3, "contrast", MAXIMA), [2, 0, 1]);
  });

  it("refuses scales it cannot divide by, naming them", () => {
    assert.throws(() => rankFeatures(MIXED, 0, 1, "contrast", [1, 2]), {
      name: "RangeError",
      message: "Cannot rank features: scales has 2 numbers for 3 columns",
    });
    assert.throws(() => featureScores(MIXED, 0, "value", [1, -1, 1]), {
      name: "RangeError",
      message: "Cannot score features: scales[1] must be a finite number ≥ 0, got -1",
    });
  });

  it("ranks on the scaled values when the columns' largest values differ by more than 100×", () => {
    const mixed = { columnMaxima: MAXIMA };
    const facts = { ratio: 5000 / 40, low: 1, high: 0, mixed: true };
    assert.deepEqual(rankScaling(mixed, "contrast"), { rankedOn: "scaled", reason: "mixed scales", ...facts });
    assert.deepEqual(rankScaling(mixed, "value"), { rankedOn: "scaled", reason: "mixed scales", ...facts });
    assert.equal(rankingScales(mixed, "contrast"), MAXIMA);
    // 100× exactly is one scale; so is a model whose preprocessing scaled nothing ("none").
    const even = { columnMaxima: [4000, 40, 0], preprocessing: { scale: "none" as const } };
    assert.deepEqual(rankScaling(even, "contrast"), {
      rankedOn: "fitted",
      reason: "one scale",
      ratio: 100,
      low: 1,
      high: 0,
      mixed: false,
    });
    assert.equal(rankingScales(even, "value"), undefined);
  });

  it("ranks as fitted by share, after scaling before the fit, and without recorded maxima, and says why", () => {
    const facts = { ratio: 5000 / 40, low: 1, high: 0, mixed: true };
    assert.deepEqual(rankScaling({ columnMaxima: MAXIMA }, "share"), {
      rankedOn: "fitted",
      reason: "scale-free",
      ...facts,
    });
    for (const scale of ["max", "minmax", "std"] as const) {
      assert.deepEqual(rankScaling({ columnMaxima: MAXIMA, preprocessing: { scale } }, "contrast"), {
        rankedOn: "fitted",
        reason: "scaled before the fit",
        ...facts,
        scale,
      });
      assert.equal(rankingScales({ columnMaxima: MAXIMA, preprocessing: { scale } }, "value"), undefined);
    }
    assert.deepEqual(rankScaling({}, "contrast"), { rankedOn: "fitted", reason: "not recorded" });
    assert.equal(rankingScales({}, "contrast"), undefined);
  });
});

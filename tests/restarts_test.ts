// Restarts and strata weights: a fit with restarts keeps the best of starts drawn from its seed
// (each the same bits as a fit of its own, one restart the same as none), records them and their
// stability; weights change the objective to Σ c_i ‖A(i) − 1 v(i)ᵀ − W(i) H‖², all-1 weights
// change no bit, and "balanced" weights serve small strata better when a large one would
// dominate H.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type DenseStratum, fit, Model, Random } from "../sdk/mod.ts";
import { startSeeds } from "../sdk/solve/starts.ts";
import { stabilityOf } from "../sdk/inference/stability.ts";
import { denseStrata, toMat } from "../testing/fixtures.ts";
import { mat, referenceLoss } from "../testing/reference.ts";

/** Every bit of a model's factors and loss history. */
const bits = (m: Model) => ({
  factors: [...m.V, ...m.W, m.H].map((a) => Array.from(new Uint32Array(a.slice().buffer))),
  history: Array.from(m.lossHistory),
});

/** ‖A(i) − 1 v(i)ᵀ − W(i) H‖² of each stratum, in float64 from the model's factors. */
function errors(strata: DenseStratum[], model: Model): number[] {
  return strata.map((s, i) =>
    referenceLoss([toMat(s)], {
      V: [Float64Array.from(model.V[i])],
      W: [mat(model.rows[i], model.rank, model.W[i])],
      H: mat(model.rank, model.cols, model.H),
    }) ** 2
  );
}

describe("restarts", () => {
  const strata = denseStrata(1, [40, 30, 25], 12);

  it("keep the best of starts drawn from the seed, each the same bits as a fit of its own", async () => {
    const seeds = startSeeds(7, 4);
    assert.equal(seeds[0], 7);
    const alone: Model[] = [];
    for (const seed of seeds) alone.push(await fit(strata, { rank: 3, maxIter: 30, seed, threads: 1 }));
    const model = await fit(strata, { rank: 3, maxIter: 30, seed: 7, restarts: 4, threads: 1 });
    try {
      assert.deepEqual(model.starts!.seeds, seeds);
      assert.deepEqual(model.starts!.losses, alone.map((m) => m.loss));
      const best = alone.reduce((b, m, r) => (m.loss < alone[b].loss ? r : b), 0);
      assert.equal(model.starts!.best, best);
      assert.deepEqual(bits(model), bits(alone[best]));
      assert.equal(model.restarts, 4);
    } finally {
      [model, ...alone].forEach((m) => m.free());
    }
  });

  it("change nothing with one start, and give the same bits on 1 and 3 threads", async () => {
    const plain = await fit(strata, { rank: 3, maxIter: 20, seed: 3 });
    const one = await fit(strata, { rank: 3, maxIter: 20, seed: 3, restarts: 1 });
    const three = await fit(strata, { rank: 3, maxIter: 20, seed: 3, restarts: 3, threads: 3 });
    const single = await fit(strata, { rank: 3, maxIter: 20, seed: 3, restarts: 3, threads: 1 });
    try {
      assert.deepEqual(bits(one), bits(plain));
      assert.equal(one.starts, undefined);
      assert.deepEqual(bits(three), bits(single));
      assert.deepEqual(three.stability, single.stability);
    } finally {
      [plain, one, three, single].forEach((m) => m.free());
    }
  });

  it("are refused for the NNDSVD and explicit starts, which are the same every time", async () => {
    await assert.rejects(
      fit(strata, { rank: 3, init: "nndsvd", restarts: 2 }),
      /options\.restarts 2 needs the random start: an NNDSVD start is the same every time/,
    );
  });

  it("record the stability over the starts near the best, and survive a round trip through JSON", async () => {
    const model = await fit(strata, { rank: 3, maxIter: 200, seed: 11, restarts: 5, threads: 1 });
    try {
      const { stability } = model;
      assert.ok(stability && stability.near[0] === model.starts!.best);
      const best = model.starts!.losses[model.starts!.best];
      const near = model.starts!.losses.flatMap((loss, r) => loss <= best * 1.01 ? [r] : []);
      assert.ok(near.length > 1, "starts within 1 % of the best besides it");
      assert.deepEqual([...stability.near].sort(), near, "every start within 1 % of the best loss is near");
      model.V.forEach((v, i) =>
        v.forEach((x, j) => assert.ok(stability.vMin[i][j] <= x && x <= stability.vMax[i][j], `${i}, ${j}`))
      );
      assert.equal(stability.topicAgreement.length, 3);
      const copy = Model.fromJSON(JSON.stringify(model));
      assert.deepEqual(copy.stability, model.stability);
      assert.deepEqual(copy.starts, model.starts);
      copy.free();
    } finally {
      model.free();
    }
  });

  it("call a column unstable when its share moves by more than 0.05 over the near-best starts", () => {
    const H = Float32Array.from([1, 0, 0, 1]);
    const start = (v0: number[], v1: number[], loss: number) => ({ loss, V: [v0, v1], H });
    const s = stabilityOf(
      [start([1, 2], [1, 2], 10), start([1, 2.5], [1, 1.5], 10.05), start([5, 0], [0, 5], 20)],
      0,
      2,
    );
    assert.deepEqual(s.near, [0, 1], "the third start is 100 % worse");
    assert.deepEqual(s.stable, [[true, false], [true, false]]);
    assert.deepEqual(s.vMin, [[1, 2], [1, 1.5]]);
    assert.deepEqual(s.vMax, [[1, 2.5], [1, 2]]);
  });
});

/** Strata of the design: true rank 8; a stratum 10× larger using topics 0–4, small ones using 3–7. */
function unbalanced(seed: number): DenseStratum[] {
  const random = new Random(seed);
  const n = 40, rank = 8;
  const H = Float32Array.from({ length: rank * n }, () => random.next() ** 3);
  const stratum = (name: string, rows: number, topics: number[]) => {
    const data = new Float32Array(rows * n);
    for (let r = 0; r < rows; r++) {
      for (const q of topics) {
        const w = random.next();
        for (let j = 0; j < n; j++) data[r * n + j] += w * H[q * n + j];
      }
    }
    return { name, rows, cols: n, data };
  };
  return [
    stratum("large", 400, [0, 1, 2, 3, 4]),
    stratum("small a", 40, [3, 4, 5, 6, 7]),
    stratum("small b", 40, [3, 4, 5, 6, 7]),
  ];
}

describe("strata weights", () => {
  it("change no bit when every weight is 1", async () => {
    const strata = denseStrata(2, [20, 15], 9);
    const plain = await fit(strata, { rank: 2, maxIter: 15, seed: 1 });
    const ones = await fit(strata, { rank: 2, maxIter: 15, seed: 1, strataWeights: [1, 1] });
    try {
      assert.deepEqual(bits(ones), bits(plain));
      assert.deepEqual(ones.strataWeights, [1, 1]);
    } finally {
      plain.free();
      ones.free();
    }
  });

  it("make the reported loss the weighted one, sqrt(Σ c_i ‖A(i) − 1 v(i)ᵀ − W(i) H‖²)", async () => {
    const strata = denseStrata(3, [30, 12], 10);
    const model = await fit(strata, { rank: 2, maxIter: 40, seed: 2, strataWeights: "balanced" });
    try {
      assert.deepEqual(model.strataWeights, [1 / 30, 1 / 12]);
      const weighted = errors(strata, model).reduce((sum, e, i) => sum + e * model.strataWeights![i], 0);
      assert.ok(Math.abs(model.loss / Math.sqrt(weighted) - 1) < 1e-5, `${model.loss} vs ${Math.sqrt(weighted)}`);
    } finally {
      model.free();
    }
  });

  it("balanced: the small strata fit better when a 10× larger stratum uses other topics (true rank 8, fitted 5)", async () => {
    const strata = unbalanced(4);
    const options = { rank: 5, maxIter: 300, seed: 1, restarts: 3 };
    const plain = await fit(strata, options);
    const balanced = await fit(strata, { ...options, strataWeights: "balanced" });
    try {
      const rms = (model: Model) => errors(strata, model).map((e, i) => Math.sqrt(e / (strata[i].rows! * 40)));
      const [p, b] = [rms(plain), rms(balanced)];
      console.log(
        `RMS error per entry, unweighted ${p.map((x) => x.toFixed(4))}, balanced ${b.map((x) => x.toFixed(4))}`,
      );
      assert.ok(b[1] < p[1] && b[2] < p[2], "both small strata fit better with balanced weights");
    } finally {
      plain.free();
      balanced.free();
    }
  });
});

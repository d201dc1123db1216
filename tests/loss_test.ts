// The loss: non-increasing under the sequential schedule, equal to the reconstruction, and the
// same for a matrix given dense or as CSR.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type CsrStratum, fit, type FitOptions, type Stratum } from "../sdk/mod.ts";
import { csrStrata, denseStrata, toMat } from "../testing/fixtures.ts";
import { mat, referenceLoss } from "../testing/reference.ts";

/** Largest relative rise from one loss to the next. */
function largestRise(history: Float64Array): number {
  let rise = -Infinity;
  for (let i = 1; i < history.length; i++) rise = Math.max(rise, (history[i] - history[i - 1]) / history[i - 1]);
  return rise;
}

describe("loss", () => {
  const families: [string, (seed: number) => Stratum[]][] = [
    ["dense", (seed) => denseStrata(seed, [20, 35, 11], 27, 3)],
    ["sparse", (seed) => csrStrata(seed, [40, 25, 33, 18], 31, 0.15)],
  ];
  for (const [label, make] of families) {
    for (const seed of [1, 2, 3]) {
      it(`is non-increasing under the sequential schedule (${label}, seed ${seed}, 200 iterations)`, async () => {
        const model = await fit(make(seed), { rank: 4, maxIter: 200, seed, solver: "mu" });
        try {
          assert.equal(model.lossHistory.length, 201);
          // float32 iterates: allow rounding-level rises only (1e-6 relative)
          assert.ok(largestRise(model.lossHistory) <= 1e-6, `largest rise ${largestRise(model.lossHistory)}`);
          assert.ok(model.lossHistory[200] < 0.9 * model.lossHistory[0]);
        } finally {
          model.free();
        }
      });
    }
  }

  it("equals the loss of the explicit reconstruction of the model's factors", async () => {
    const strata = [...denseStrata(5, [17, 9], 14), ...csrStrata(6, [12], 14, 0.3)];
    const model = await fit(strata, { rank: 3, maxIter: 40, seed: 3 });
    try {
      const direct = referenceLoss(strata.map(toMat), {
        V: model.V.map((v) => Float64Array.from(v)),
        W: model.W.map((w, i) => mat(model.rows[i], 3, w)),
        H: mat(3, 14, model.H),
      });
      assert.ok(Math.abs(model.loss / direct - 1) < 1e-6, `identity ${model.loss} vs reconstruction ${direct}`);
      const normA = Math.sqrt(strata.map(toMat).reduce((s, a) => s + a.data.reduce((t, x) => t + x * x, 0), 0));
      assert.ok(Math.abs(model.normalizedLoss - direct / normA) < 1e-6 * model.normalizedLoss);
    } finally {
      model.free();
    }
  });

  it("is the same for a stratum given dense or as CSR", async () => {
    const sparse = csrStrata(8, [21, 14], 18, 0.25);
    const dense = sparse.map((s: CsrStratum) => ({ name: s.name, rows: s.rows, cols: s.cols, data: toMat(s).data }));
    // The multiplicative updates: HALS picks its sweeps per update from the stored entries,
    // which differ between the two forms (every entry of a dense stratum is stored).
    const a = await fit(sparse, { rank: 3, maxIter: 30, seed: 4, solver: "mu" });
    const b = await fit(dense, { rank: 3, maxIter: 30, seed: 4, solver: "mu" });
    try {
      for (let t = 0; t < a.lossHistory.length; t++) {
        assert.ok(Math.abs(a.lossHistory[t] / b.lossHistory[t] - 1) < 1e-5, `iteration ${t}`);
      }
      // Sparse strata only: H's memory held Hᵀ during the fit; the model's H is k×n again.
      const maxH = b.H.reduce((m, x) => Math.max(m, x), 0);
      b.H.forEach((x, e) => assert.ok(Math.abs(a.H[e] - x) <= 1e-4 * maxH, `H[${e}]: ${a.H[e]} vs ${x}`));
    } finally {
      a.free();
      b.free();
    }
  });

  it("tracks only the final loss with trackLoss: false", async () => {
    const strata = denseStrata(9, [8, 8], 6);
    const tracked = await fit(strata, { rank: 2, maxIter: 15, seed: 2 });
    const untracked = await fit(strata, { rank: 2, maxIter: 15, seed: 2, trackLoss: false });
    try {
      assert.equal(untracked.lossHistory.length, 1);
      assert.equal(untracked.loss, tracked.loss);
      assert.deepEqual(untracked.H, tracked.H);
    } finally {
      tracked.free();
      untracked.free();
    }
  });

  // Without a tracked loss, a CSR stratum's P = A Hᵀ is formed a row block at a time inside the
  // W update (and for the final loss) instead of being kept: the same factors, bit for bit, and
  // the final loss to rounding (⟨W, P⟩ summed by blocks). Strata of several 256-row blocks.
  const untrackedCases: [string, () => Stratum[], Omit<FitOptions, "rank">][] = [
    ["CSR, MU, reference schedule", () => csrStrata(11, [600, 300, 257], 40, 0.1), { solver: "mu" }],
    ["CSR, MU, sequential schedule", () => csrStrata(12, [520, 90], 33, 0.15), {
      solver: "mu",
      schedule: "sequential",
    }],
    ["CSR, HALS", () => csrStrata(13, [700, 260], 29, 0.1), { solver: "hals" }],
    ["dense and CSR, HALS, 2 threads", () => [...denseStrata(14, [300], 35), ...csrStrata(15, [530], 35, 0.2)], {
      solver: "hals",
      threads: 2,
    }],
  ];
  for (const [label, make, options] of untrackedCases) {
    it(`gives the same factors with and without a tracked loss (${label})`, async () => {
      const strata = make();
      const settings: FitOptions = { maxIter: 12, seed: 5, ...options, rank: 4 };
      const tracked = await fit(strata, settings);
      const untracked = await fit(strata, { ...settings, trackLoss: false });
      try {
        assert.deepEqual(untracked.H, tracked.H);
        untracked.W.forEach((w, i) => assert.deepEqual(w, tracked.W[i], `W(${i})`));
        untracked.V.forEach((v, i) => assert.deepEqual(v, tracked.V[i], `v(${i})`));
        assert.ok(Math.abs(untracked.loss / tracked.loss - 1) < 1e-12, `${untracked.loss} vs ${tracked.loss}`);
      } finally {
        tracked.free();
        untracked.free();
      }
    });
  }
});

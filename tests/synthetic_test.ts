// The paper's synthetic experiment, shortened: the trend the paper reports (loss falling
// towards its 9.7e-4 after 10,000 iterations, each v(i)'s mean approaching the true shift
// mean). The full run is `npm run bench -- --synthetic-full` and `snmf demo`.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fit, syntheticStrata } from "../sdk/mod.ts";

describe("synthetic experiment (4 strata × 100 × 100, rank 5)", () => {
  for (const schedule of ["sequential", "reference"] as const) {
    it(`${schedule}: loss falls and v means approach the true shift means`, async () => {
      const { strata, trueVMeans } = syntheticStrata({ seed: 0 });
      const short = await fit(strata, { rank: 5, maxIter: 100, seed: 1, solver: "mu", schedule });
      const long = await fit(strata, { rank: 5, maxIter: 1500, seed: 1, solver: "mu", schedule });
      try {
        assert.ok(long.normalizedLoss < short.normalizedLoss / 4, `${long.normalizedLoss} vs ${short.normalizedLoss}`);
        assert.ok(long.normalizedLoss < 1e-2);
        const errorOf = (means: number[]) => Math.max(...means.map((m, i) => Math.abs(m - trueVMeans[i])));
        const errShort = errorOf(short.vMeans());
        const errLong = errorOf(long.vMeans());
        assert.ok(errLong < errShort, `v mean error ${errLong} after 1500 vs ${errShort} after 100`);
        assert.ok(errLong < 0.25, `v mean error ${errLong}`);
        // the learned shifts keep the strata's order
        const means = long.vMeans();
        for (let i = 1; i < means.length; i++) assert.ok(means[i] > means[i - 1]);
      } finally {
        short.free();
        long.free();
      }
    });
  }
});

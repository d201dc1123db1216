// Masks (missing: "mask"): masked fits against the float64 reference (HALS and the multiplicative
// updates; dense, CSR and mixed strata), the masked loss, monotone losses, a mask that hides
// nothing (the unmasked path's bits; the masked kernels forced on agree to float32 rounding),
// the same bits on every thread count, NNDSVD with holes, transform of rows with NaN,
// reconstruct(), and the refusals.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fit, type FitOptions, Model, type Stratum, transform } from "../sdk/mod.ts";
import { init } from "../sdk/runtime/core.ts";
import { randomFactors } from "../sdk/input/factors.ts";
import { loadStrata, powerOfTwoBelow } from "../sdk/input/strata.ts";
import { Solver, type SolverOptions } from "../sdk/solve/solver.ts";
import { iterate } from "../sdk/solve/iterate.ts";
import { Checkpoint } from "../sdk/runtime/checkpoint.ts";
import { halsSweeps } from "../sdk/tuning.ts";
import {
  assertNearReference,
  csrStrata,
  denseStrata,
  explicitStart,
  flat,
  relativeError,
} from "../testing/fixtures.ts";
import { noisyStrata } from "../testing/noisy.ts";
import { mat, type RefState } from "../testing/reference.ts";
import {
  hideEntries,
  maskedHalsStep,
  type MaskedMat,
  maskedMuStep,
  maskedReferenceLoss,
} from "../testing/masked_reference.ts";

const SLOW = { timeout: 120_000 };

const dense = (seed: number) => denseStrata(seed, [18, 25], 23, 3);
const sparse = (seed: number) => csrStrata(seed + 100, [30, 14], 23, 0.3);
const mixed = (seed: number): Stratum[] => [...dense(seed), ...sparse(seed)];

/** Largest relative rise from one loss to the next. */
function largestRise(history: Float64Array): number {
  let rise = -Infinity;
  for (let i = 1; i < history.length; i++) rise = Math.max(rise, (history[i] - history[i - 1]) / history[i - 1]);
  return rise;
}

/** Every bit of a model's factors and losses. */
const bits = (model: Model) => ({
  V: model.V.map((v) => Array.from(new Uint32Array(v.slice().buffer))),
  W: model.W.map((w) => Array.from(new Uint32Array(w.slice().buffer))),
  H: Array.from(new Uint32Array(model.H.slice().buffer)),
  lossHistory: Array.from(model.lossHistory),
});

/** The model's state as the reference's, in the units of `reference` (divided by `c`). */
function stateOf(model: Model, c: number): RefState {
  return {
    V: model.V.map((v) => Float64Array.from(v, (x) => x / c)),
    W: model.W.map((w, i) => mat(model.rows[i], model.rank, w)),
    H: mat(model.rank, model.cols, Float64Array.from(model.H, (x) => x / c)),
  };
}

describe("masked fits against the float64 reference", () => {
  const data: [string, (seed: number) => Stratum[]][] = [["dense", dense], ["CSR", sparse], ["mixed", mixed]];
  for (const solver of ["hals", "mu"] as const) {
    for (const [label, strataOf] of data) {
      it(`${solver}: 25 iterations, ${label}, 20 % hidden, L1 weights`, async () => {
        const { strata, reference } = hideEntries(strataOf(4), 0.2, 9);
        const rows = strata.map((s) => reference[strata.indexOf(s)].A.rows);
        const n = 23, k = 3;
        const { ref, init } = explicitStart(8, rows, n, k);
        // The fit runs on the data divided by their scale c (a power of two, of the observed values).
        const c = powerOfTwoBelow(Math.max(...reference.map((x) => x.A.data.reduce((m, y) => Math.max(m, y), 0))));
        const A: MaskedMat[] = reference.map((x) => ({
          A: mat(x.A.rows, n, x.A.data.map((y) => y / c)),
          observed: x.observed,
        }));
        const l1 = { l1V: 0.02, l1W: 0.01, l1H: 0.01 };
        const nnz = reference.reduce((sum, x) => sum + x.A.data.filter((y) => y !== 0).length, 0);
        const sweeps = halsSweeps(nnz, rows.reduce((a, b) => a + b, 0), n, k);
        let state: RefState = {
          V: ref.V.map((v) => v.map((x) => x / c)),
          W: ref.W,
          H: mat(k, n, ref.H.data.map((x) => x / c)),
        };
        for (let t = 0; t < 25; t++) {
          state = solver === "hals" ? maskedHalsStep(A, state, l1, sweeps) : maskedMuStep(A, state, l1, 2);
        }
        const model = await fit(strata, { rank: k, maxIter: 25, init, solver, missing: "mask", ...l1 });
        try {
          assertNearReference(model, state, c, 1e-4);
          // The loss is over the observed entries (the L1 penalty added, as without masks).
          const F = maskedReferenceLoss(A, stateOf(model, c)) ** 2;
          const sum = (parts: ArrayLike<number>[]) =>
            parts.reduce((s, p) => s + Array.from(p).reduce((a, b) => a + b, 0), 0);
          const penalty = l1.l1V * sum(model.V) / c + l1.l1W * sum(model.W) + l1.l1H * sum([model.H]) / c;
          assert.ok(
            Math.abs(model.loss / c - Math.sqrt(F + penalty)) < 1e-4 * model.loss / c,
            `${model.loss / c} vs ${Math.sqrt(F + penalty)}`,
          );
        } finally {
          model.free();
        }
      });
    }
  }
});

describe("masked fits", () => {
  for (const solver of ["hals", "mu"] as const) {
    it(`never raise the loss: ${solver} (mixed strata, 30 % hidden, 2 seeds, 150 iterations)`, async () => {
      for (const seed of [1, 2]) {
        const { strata } = hideEntries(mixed(seed), 0.3, seed);
        const model = await fit(strata, { rank: 4, maxIter: 150, seed, solver, missing: "mask" });
        try {
          assert.ok(largestRise(model.lossHistory) < 1e-6, `rise ${largestRise(model.lossHistory)}`);
          assert.ok(model.loss < model.lossHistory[0] / 2);
        } finally {
          model.free();
        }
      }
    });
  }

  it("record the setting in the model and its file (and files without it read as unmasked)", async () => {
    const { strata } = hideEntries(mixed(1), 0.2, 1);
    const model = await fit(strata, { rank: 3, maxIter: 3, seed: 1, missing: "mask" });
    try {
      assert.equal(model.missing, "mask");
      const json = model.toJSON();
      assert.equal(Model.fromJSON(json).settings.missing, "mask");
      const { missing: _, ...older } = json.settings;
      assert.equal(Model.fromJSON({ ...json, settings: older }).missing, "error");
    } finally {
      model.free();
    }
  });

  it("take the unmasked path's bits when the mask hides nothing (both solvers, mixed strata)", async () => {
    for (const solver of ["hals", "mu"] as const) {
      const options: FitOptions = { rank: 3, maxIter: 20, seed: 5, solver };
      const plain = await fit(mixed(3), options);
      const masked = await fit(mixed(3), { ...options, missing: "mask" });
      try {
        assert.deepEqual(bits(masked), bits(plain));
      } finally {
        plain.free();
        masked.free();
      }
    }
  });

  it("agree with the unmasked kernels to float32 rounding when forced on a mask that hides nothing", async () => {
    const core = await init();
    for (const solver of ["hals", "mu"] as const) {
      for (const strata of [dense(6), sparse(6), mixed(6)]) {
        const runs = [];
        for (const masked of [false, true]) {
          const data = await loadStrata(core, strata, "test");
          const factors = randomFactors(core, { rows: data.strata.map((x) => x.rows), cols: data.cols, rank: 3 }, 2);
          const options: SolverOptions = {
            solver,
            vUpdates: 2,
            schedule: "sequential",
            masked,
            l1V: 0.01,
            l1W: 0.01,
            l1H: 0.01,
          };
          const run = new Solver(core, data, factors, options);
          try {
            const result = await iterate(run, {
              maxIter: 15,
              tol: 0,
              normA: 1,
              unit: 1,
              checkpoint: new Checkpoint(),
              action: "test",
            });
            runs.push({ loss: result.lossHistory, V: flat([factors.v(0), factors.v(1)]), W: flat([factors.w(0)]) });
          } finally {
            run.free();
            runs.push({ H: Float64Array.from(factors.h()) });
            factors.free();
            data.free();
          }
        }
        const [plain, plainH, forced, forcedH] = runs as [
          { loss: Float64Array; V: Float64Array; W: Float64Array },
          { H: Float64Array },
          { loss: Float64Array; V: Float64Array; W: Float64Array },
          { H: Float64Array },
        ];
        for (const name of ["loss", "V", "W"] as const) {
          const error = relativeError(forced[name], plain[name]);
          assert.ok(error < 1e-5, `${solver} ${name}: ${error}`);
        }
        assert.ok(relativeError(forcedH.H, plainH.H) < 1e-5);
      }
    }
  });

  it("give the same bits on 1 and 3 threads (dense and CSR strata large enough for the workers)", SLOW, async () => {
    const big = [...denseStrata(21, [601, 387], 203), ...csrStrata(22, [820, 99], 203, 0.1)];
    const { strata } = hideEntries(big, 0.1, 3);
    for (const solver of ["hals", "mu"] as const) {
      const options: FitOptions = { rank: 6, maxIter: 4, seed: 1, solver, missing: "mask" };
      const one = await fit(strata, { ...options, threads: 1 });
      const three = await fit(strata, { ...options, threads: 3 });
      try {
        assert.deepEqual(bits(three), bits(one));
      } finally {
        one.free();
        three.free();
      }
    }
  });

  // Without loss tracking the CSR strata's W blocks are streamed, split finer than the blocks the
  // partition lists: each split block has a part of the loss's correction of its own, and none is
  // read from memory another fit left behind.
  it("end with the tracked fit's loss without tracking, on streamed CSR strata and reused memory", async () => {
    const { strata } = hideEntries([...denseStrata(31, [120, 77], 60), ...csrStrata(32, [90, 40], 60, 0.2)], 0.05, 4);
    const earlier = await fit(strata, { rank: 5, maxIter: 3, seed: 2, missing: "mask" });
    earlier.free(); // its memory, written, goes back to the heap for the next fits
    for (const solver of ["hals", "mu"] as const) {
      const options: FitOptions = { rank: 3, maxIter: 5, seed: 6, solver, missing: "mask" };
      const tracked = await fit(strata, { ...options, trackLoss: true });
      const untracked = await fit(strata, { ...options, trackLoss: false });
      try {
        // The same loss, summed over other blocks: equal to float64 rounding.
        const gap = Math.abs(untracked.loss - tracked.loss) / tracked.loss;
        assert.ok(gap < 1e-12, `${solver}: ${untracked.loss} without tracking, ${tracked.loss} tracked`);
      } finally {
        tracked.free();
        untracked.free();
      }
    }
  });

  it("start from NNDSVD with the holes filled for the SVD only", async () => {
    const { strata } = hideEntries(mixed(7), 0.2, 7);
    const model = await fit(strata, { rank: 3, maxIter: 30, init: "nndsvd", missing: "mask" });
    try {
      assert.ok(Number.isFinite(model.loss));
      assert.ok(model.loss < model.lossHistory[0]);
      assert.ok(largestRise(model.lossHistory) < 1e-6);
    } finally {
      model.free();
    }
  });

  it('refuse NaN without missing: "mask", an unknown list without it, and the reference schedule with it', async () => {
    const { strata } = hideEntries(mixed(8), 0.2, 8);
    await assert.rejects(
      fit([strata[0]], { rank: 2 }),
      /Cannot fit model: stratum 0 \("d0"\) row \d+, column \d+ is NaN/,
    );
    await assert.rejects(fit([strata[2]], { rank: 2 }), /lists unknown entries: pass missing: "mask"/);
    await assert.rejects(
      fit(strata, { rank: 2, solver: "mu", schedule: "reference", missing: "mask" }),
      /schedule "reference" cannot fit with missing: "mask"/,
    );
    const csr = sparse(8)[0];
    const twice = { ...csr, unknown: { rows: [0, 0], cols: [1, 1] } };
    await assert.rejects(fit([twice], { rank: 2, missing: "mask" }), /lists row 0, column 1 as unknown twice/);
    const outside = { ...csr, unknown: { rows: [0], cols: [23] } };
    await assert.rejects(fit([outside], { rank: 2, missing: "mask" }), /unknown entry 0 is \(0, 23\), outside/);
  });
});

describe("imputation", () => {
  it(
    "fills the paper's synthetic strata (5 % noise, 20 % hidden, 500 iterations) within 2× of the observed error, well below column means",
    SLOW,
    async () => {
      const { strata } = noisyStrata({ seed: 1, noise: 0.05 });
      const { strata: masked, reference } = hideEntries(strata, 0.2, 2);
      const model = await fit(masked, { rank: 5, maxIter: 500, seed: 1, missing: "mask" });
      try {
        const sq = { hidden: 0, observed: 0, columnMean: 0 };
        const counts = { hidden: 0, observed: 0 };
        strata.forEach((stratum, i) => {
          const A = stratum.data as Float64Array, n = stratum.cols!;
          const { observed } = reference[i];
          const fitted = model.reconstruct(i);
          const sums = new Float64Array(n), seen = new Float64Array(n);
          A.forEach((x, e) => observed[e] && (sums[e % n] += x, seen[e % n]++));
          A.forEach((x, e) => {
            const error = (x - fitted[e]) ** 2;
            if (observed[e]) (sq.observed += error, counts.observed++);
            else (sq.hidden += error, counts.hidden++, sq.columnMean += (x - sums[e % n] / seen[e % n]) ** 2);
          });
        });
        const rms = {
          hidden: Math.sqrt(sq.hidden / counts.hidden),
          observed: Math.sqrt(sq.observed / counts.observed),
          columnMean: Math.sqrt(sq.columnMean / counts.hidden),
        };
        // Measured: hidden 0.184, observed 0.166, the stratum's column means 0.414.
        assert.ok(rms.hidden < 2 * rms.observed, JSON.stringify(rms));
        assert.ok(rms.hidden < 0.6 * rms.columnMean, JSON.stringify(rms));
      } finally {
        model.free();
      }
    },
  );

  it("reconstruct() gives 1 v(i)ᵀ + W(i) H, for chosen rows too; transform() takes rows with NaN", async () => {
    const { strata } = hideEntries(dense(9), 0.2, 9);
    const model = await fit(strata, { rank: 3, maxIter: 50, seed: 1, missing: "mask" });
    try {
      const all = model.reconstruct("d1");
      assert.equal(all.length, 25 * 23);
      const { V, W, H } = model;
      let x = V[1][4];
      for (let q = 0; q < 3; q++) x += W[1][7 * 3 + q] * H[q * 23 + 4];
      assert.equal(all[7 * 23 + 4], Math.fround(x));
      assert.deepEqual(
        model.reconstruct(1, [7, 2]),
        Float32Array.from([...all.subarray(7 * 23, 8 * 23), ...all.subarray(2 * 23, 3 * 23)]),
      );
      assert.throws(() => model.reconstruct(1, [25]), /row 25 is not a row of stratum 1/);
      const rows = { data: (strata[1] as { data: Float32Array }).data.subarray(0, 3 * 23), cols: 23 };
      await assert.rejects(transform(model, rows, { stratum: 1 }), /is NaN/);
      const result = await transform(model, rows, { stratum: 1, missing: "mask", seed: 1 });
      assert.ok(result.normalizedLoss < 0.5, `${result.normalizedLoss}`);
      assert.ok(largestRise(result.lossHistory) < 1e-6);
    } finally {
      model.free();
    }
  });
});

// The wasm core against the plain float64 reference (testing/reference.ts): from the same
// explicit start, 50 iterations (20 on the wide strata) of both schedules on dense and on sparse
// strata, narrow and wide, agree to 1e-4 relative in V, W, H and the loss history.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fit, type Schedule, type Stratum } from "../sdk/mod.ts";
import { csrStrata, denseStrata, explicitStart, flat, relativeError, toMat } from "../testing/fixtures.ts";
import { referenceFit } from "../testing/reference.ts";

const TOLERANCE = 1e-4;

const cases: { label: string; strata: Stratum[]; rank: number; iterations?: number }[] = [
  // rows not multiples of the 4-row tile, columns not multiples of 4, odd rank: every tail
  { label: "dense", strata: denseStrata(11, [13, 7, 22], 19), rank: 3 },
  { label: "dense, rank 8", strata: denseStrata(12, [9, 16], 32), rank: 8 },
  { label: "sparse", strata: csrStrata(13, [30, 17, 25], 23, 0.2), rank: 4 },
  { label: "dense and sparse mixed", strata: [...denseStrata(14, [10], 12), ...csrStrata(15, [15], 12, 0.3)], rank: 2 },
  // Wider than one column chunk of the v updates (2,048) and one row range of H Hᵀ: every
  // chunk's offsets into v, c and Hᵀ w. 20 iterations: on the wide sparse strata some v(i)
  // entries pass near 1e-47 around iteration 25 before growing again; float32 rounds them to 0,
  // where multiplicative updates keep them, while the float64 reference brings them back.
  { label: "wide sparse", strata: csrStrata(16, [30, 25], 4500, 0.03), rank: 4, iterations: 20 },
  {
    label: "wide dense and sparse",
    strata: [...denseStrata(17, [6, 5], 4500), ...csrStrata(18, [20], 4500, 0.03)],
    rank: 3,
    iterations: 20,
  },
];

describe("wasm core agrees with the float64 reference", () => {
  for (const { label, strata, rank, iterations = 50 } of cases) {
    for (const schedule of ["sequential", "reference"] as Schedule[]) {
      it(`${label}, ${schedule} schedule, ${iterations} iterations`, async () => {
        const rows = strata.map((s) => s.rows ?? (s as { data: unknown[] }).data.length);
        const n = toMat(strata[0]).cols;
        const { ref, init } = explicitStart(7, rows, n, rank);
        const A = strata.map(toMat);
        const expected = referenceFit(A, ref, iterations, schedule);
        const model = await fit(strata, { rank, maxIter: iterations, solver: "mu", schedule, init });
        try {
          assert.equal(model.iterations, iterations);
          assert.equal(model.lossHistory.length, iterations + 1);
          const errors = {
            V: relativeError(flat(model.V), flat(expected.state.V)),
            W: relativeError(flat(model.W), flat(expected.state.W.map((w) => w.data))),
            H: relativeError(model.H, expected.state.H.data),
            loss: relativeError(model.lossHistory, expected.lossHistory),
          };
          for (const [name, error] of Object.entries(errors)) {
            assert.ok(error < TOLERANCE, `${name}: relative error ${error} ≥ ${TOLERANCE}`);
          }
        } finally {
          model.free();
        }
      });
    }
  }
});

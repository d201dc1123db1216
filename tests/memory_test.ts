// memoryNeeded(): the memory a fit of a given shape needs, from the shapes alone, against the
// allocator's peak over a real fit of that shape (never below it, and not far above).

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fit, type Stratum } from "../sdk/mod.ts";
import { init } from "../sdk/runtime/core.ts";
import { memoryNeeded } from "../sdk/solve/memory.ts";
import { csrStrata, denseStrata } from "../testing/fixtures.ts";
import { hideEntries } from "../testing/masked_reference.ts";

const core = await init();

/** A stratum's shape, with its unobserved entries (NaN, or the CSR `unknown` list). */
const shapeOf = (s: Stratum) =>
  "indptr" in s
    ? { rows: s.rows, cols: s.cols, nnz: s.indices.length, hidden: s.unknown?.rows.length ?? 0 }
    : { rows: s.rows!, cols: s.cols!, hidden: Array.from(s.data as ArrayLike<number>).filter(Number.isNaN).length };

describe("memoryNeeded", () => {
  const cases: [
    string,
    Stratum[],
    { solver: "mu" | "hals"; trackLoss: boolean; init: "random" | "nndsvd"; missing?: "mask" },
  ][] = [
    ["dense, HALS, 20 % hidden", hideEntries(denseStrata(7, [300, 120], 90), 0.2, 1).strata, {
      solver: "hals",
      trackLoss: true,
      init: "random",
      missing: "mask",
    }],
    [
      "mixed, MU, 30 % hidden",
      hideEntries([...denseStrata(8, [200], 300), ...csrStrata(9, [400], 300, 0.05)], 0.3, 2)
        .strata,
      { solver: "mu", trackLoss: true, init: "random", missing: "mask" },
    ],
    ["dense, HALS", denseStrata(1, [300, 120], 90), { solver: "hals", trackLoss: true, init: "random" }],
    ["dense, MU, NNDSVD", denseStrata(2, [300, 120], 90), { solver: "mu", trackLoss: true, init: "nndsvd" }],
    ["CSR, HALS, loss not tracked", csrStrata(3, [800, 500], 400, 0.02), {
      solver: "hals",
      trackLoss: false,
      init: "random",
    }],
    ["CSR, MU, NNDSVD", csrStrata(4, [800, 500], 400, 0.02), { solver: "mu", trackLoss: true, init: "nndsvd" }],
    ["mixed, HALS, wide", [...denseStrata(5, [40], 3000), ...csrStrata(6, [200], 3000, 0.01)], {
      solver: "hals",
      trackLoss: true,
      init: "random",
    }],
  ];
  for (const [label, strata, options] of cases) {
    it(`bounds the peak of a fit from above, within 25 % (${label})`, async () => {
      const rank = 6;
      const need = memoryNeeded({
        strata: strata.map(shapeOf),
        rank,
        solver: options.solver,
        lossEveryIteration: options.trackLoss,
        init: options.init,
        threads: 2,
      });
      core.heap.resetPeak();
      const before = core.heap.allocatedBytes;
      const model = await fit(strata, { rank, maxIter: 3, seed: 1, threads: 2, ...options });
      const peak = core.heap.peakBytes - before;
      model.free();
      assert.equal(need.total, need.data + need.factors + Math.max(need.start, need.workspace));
      assert.ok(need.total >= peak, `estimate ${need.total} below the peak ${peak}`);
      assert.ok(need.total <= 1.25 * peak, `estimate ${need.total} more than 25 % above the peak ${peak}`);
    });
  }

  it("stops at data and factors when they alone exceed any memory (a hostile size line is refused at once)", () => {
    // 2e9 × 2e9 with 3 stored entries: blocking it would build tens of millions of blocks.
    const need = memoryNeeded({ strata: [{ rows: 2e9, cols: 2e9, nnz: 3 }], rank: 20 });
    assert.equal(need.workspace, 0);
    assert.equal(need.start, 0);
    assert.equal(need.total, need.data + need.factors);
    assert.ok(need.factors > 2 ** 32);
    // Below the limit, the workspace is estimated as before.
    const small = memoryNeeded({ strata: [{ rows: 1000, cols: 50, nnz: 300 }], rank: 20 });
    assert.ok(small.workspace > 0);
  });
});

describe("fit() and the memory", () => {
  it("refuses a fit larger than the memory before it allocates or copies anything, naming the stratum and the limit", async () => {
    // Array-likes with the lengths of 10⁹ stored entries: only their lengths and ends are read.
    const huge = {
      name: "huge",
      rows: 1_000_000,
      cols: 100,
      indptr: { length: 1_000_001, 0: 0, 1_000_000: 1e9 },
      indices: { length: 1e9 },
      values: { length: 1e9 },
    };
    const before = { allocated: core.heap.allocatedBytes, memory: core.heap.memoryBytes };
    await assert.rejects(
      fit([...denseStrata(1, [5], 100), huge as unknown as Stratum], { rank: 2 }),
      (error: Error) =>
        error instanceof RangeError &&
        /^Cannot fit model: the fit needs 8\.\d+ GB of WebAssembly memory \(data 8\.\d+ GB, the largest being stratum 1 \("huge"\)/
          .test(error.message) &&
        /holds at most 4\.29 GB \(4 GiB in WebAssembly\)/.test(error.message),
    );
    assert.equal(core.heap.allocatedBytes, before.allocated);
    assert.equal(core.heap.memoryBytes, before.memory);
  });
});

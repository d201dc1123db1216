// The solver's structure: the workspace's named buffers and their sizes, the products that
// loss() and update() compute when they are not current (no stale state), H's layout while a
// fit of sparse strata runs, and restarts on the same workspace and plans.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { init } from "../sdk/runtime/core.ts";
import type { Stratum } from "../sdk/mod.ts";
import { type Factors, randomFactors } from "../sdk/input/factors.ts";
import { loadStrata, type ResidentStrata } from "../sdk/input/strata.ts";
import { partition } from "../sdk/solve/partition.ts";
import { RULES } from "../sdk/solve/rules/mod.ts";
import { Solver, type SolverOptions } from "../sdk/solve/solver.ts";
import { Workspace, workspaceBytes, workspaceSizes } from "../sdk/solve/workspace.ts";
import { csrStrata, denseStrata } from "../testing/fixtures.ts";

const core = await init();

/** Strata and random factors resident for one test; `free()` releases both. */
async function resident(
  strata: Stratum[],
  rank: number,
  seed = 1,
): Promise<{ data: ResidentStrata; factors: Factors }> {
  const data = await loadStrata(core, strata, "test");
  const factors = randomFactors(core, { rows: data.strata.map((x) => x.rows), cols: data.cols, rank }, seed);
  return { data, factors };
}

/** Every bit of the factors, as one array of words. */
function bits(factors: Factors): number[] {
  const { rows, cols, rank } = factors.shape;
  const parts = [...rows.map((_, i) => factors.v(i)), ...rows.map((_, i) => factors.w(i)), factors.h()];
  return parts.flatMap((part) => Array.from(new Uint32Array(Float32Array.from(part).buffer))).concat(cols, rank);
}

describe("workspace", () => {
  it("sizes every named buffer from the shapes (two dense strata 10 and 6 × 12, rank 3, HALS)", async () => {
    const { data, factors } = await resident(denseStrata(1, [10, 6], 12), 3);
    try {
      const p = partition(data.strata, { rank: 3, lossEveryIteration: true, fixH: false, threads: 1 });
      const sizes = workspaceSizes(p, data.strata, RULES.hals);
      // k = 3, kPad = 4, s = 2, n = 12; 2 W blocks (so 2 Gram slots and 2 W tasks); one Hᵀ block of 12 rows.
      assert.deepEqual(sizes, {
        P: [10 * 3 * 4, 6 * 3 * 4],
        wSums: 2 * 3 * 8,
        wSumsF32: 2 * 4 * 4,
        gramSlots: 2 * 9 * 8,
        gramScratch: [(12 + 32 * 4) * 8, (12 + 32 * 4) * 8],
        gramSum: 9 * 8,
        gramSumF32: 3 * 4 * 4,
        Ht: 12 * 3 * 4,
        HHt: 9 * 8,
        HHtF32: 3 * 4 * 4,
        lossTerms: 2 * (3 + 3) * 8,
        sum: 8,
        numeratorSlots: 1 * 3 * 12 * 4,
        Nt: 12 * 3 * 4,
        columnRanges: 0,
        // The shift term's rows (kPad float64 each) and the coordinate sweep's 16 k float64.
        hScratch: [12 * 4 * 8 + 16 * 3 * 8],
        vScratch: [12 * 8],
        pScratch: [0, 0],
        wpParts: 0,
        rule: { Hv: 2 * 3 * 8, rowScratch: 2 * 16 * 3 * 8 },
      });
    } finally {
      factors.free();
      data.free();
    }
  });

  it("streams P(i) of CSR strata without a tracked loss: no P(i), scratch per W task, a ⟨W, P⟩ per block", async () => {
    const { data, factors } = await resident(csrStrata(2, [300, 70], 40, 0.2), 4);
    try {
      const p = partition(data.strata, { rank: 4, lossEveryIteration: false, fixH: false, threads: 2 });
      const sizes = workspaceSizes(p, data.strata, RULES.mu);
      assert.deepEqual(sizes.P, [0, 0]);
      assert.equal(sizes.Ht, 0, "H's memory holds Hᵀ");
      assert.equal(sizes.numeratorSlots, 0, "no dense strata");
      assert.deepEqual(sizes.pScratch, p.wTasks.map(() => 64 * 4 * 4));
      assert.equal(sizes.wpParts, 8 * Math.ceil(300 / 64) + 8 * Math.ceil(70 / 64));
      assert.equal(sizes.columnRanges, (p.columnRanges - 1) * 370 * 4);
    } finally {
      factors.free();
      data.free();
    }
  });

  it("allocates exactly the bytes its sizes say, and gives them all back", async () => {
    const strata = [...denseStrata(3, [40], 30), ...csrStrata(4, [50, 20], 30, 0.5)];
    const { data, factors } = await resident(strata, 5);
    try {
      for (const rule of [RULES.mu, RULES.hals]) {
        const p = partition(data.strata, { rank: 5, lossEveryIteration: false, fixH: false, threads: 3 });
        const sizes = workspaceSizes(p, data.strata, rule);
        const before = core.heap.allocatedBytes;
        const workspace = new Workspace(core, sizes, data.strata, p, factors.H);
        assert.equal(core.heap.allocatedBytes - before, workspaceBytes(sizes));
        workspace.free();
        assert.equal(core.heap.allocatedBytes, before);
      }
    } finally {
      factors.free();
      data.free();
    }
  });
});

describe("solver", () => {
  const mixed = () => [...denseStrata(5, [30], 20), ...csrStrata(6, [45, 12], 20, 0.3)];
  const sparse = () => csrStrata(7, [60, 25], 20, 0.3);

  /**
   * Runs `iterations` updates and returns the loss, with `steps` deciding what is called before each
   * update; `start` may change the random factors first.
   */
  async function run(
    strata: Stratum[],
    options: SolverOptions,
    iterations: number,
    before: (solver: Solver) => void,
    start: (factors: Factors) => void = () => {},
  ) {
    const { data, factors } = await resident(strata, 4, 9);
    start(factors);
    const solver = new Solver(core, data, factors, options);
    try {
      for (let i = 0; i < iterations; i++) {
        before(solver);
        await solver.update();
      }
      return { loss: solver.loss(), bits: (solver.free(), bits(factors)) };
    } finally {
      solver.free();
      factors.free();
      data.free();
    }
  }

  for (
    const [label, options] of [
      ["HALS, loss not tracked (P streamed)", {
        solver: "hals",
        vUpdates: 2,
        schedule: "sequential",
        lossEveryIteration: false,
      }],
      ["MU reference schedule", { solver: "mu", vUpdates: 2, schedule: "reference" }],
      ["MU sequential, loss not tracked", {
        solver: "mu",
        vUpdates: 2,
        schedule: "sequential",
        lossEveryIteration: false,
      }],
    ] as [string, SolverOptions][]
  ) {
    it(`computes what loss() and update() need when it is not current (${label})`, async () => {
      for (const strata of [mixed, sparse]) {
        // The loop's order: products for the update, then the loss, then the update.
        const loop = await run(strata(), options, 6, (solver) => {
          solver.computeProducts(true);
          solver.loss();
        });
        // No products asked for: loss() and update() compute their own.
        const bare = await run(strata(), options, 6, (solver) => solver.loss());
        // Products for the loss only (a streamed ⟨W, P⟩ but no numerator): update() adds what it lacks.
        const lossFirst = await run(strata(), options, 6, (solver) => {
          solver.computeProducts(false);
          solver.loss();
        });
        assert.deepEqual(bare, loop);
        assert.deepEqual(lossFirst, loop);
      }
    });
  }

  /** Sets every v(i) to 0. */
  const zeroV = (factors: Factors) => factors.shape.rows.forEach((_, i) => factors.v(i).fill(0));

  for (
    const options of [
      { solver: "hals", vUpdates: 0, schedule: "sequential" },
      // The penalty reads the w(i) = W(i)ᵀ1 that plain fits without it leave out.
      { solver: "hals", vUpdates: 0, schedule: "sequential", l1W: 0.05 },
      { solver: "hals", vUpdates: 2, schedule: "sequential", fixV: true, lossEveryIteration: false },
      { solver: "mu", vUpdates: 0, schedule: "sequential" },
      { solver: "mu", vUpdates: 0, schedule: "reference", lossEveryIteration: false },
    ] as SolverOptions[]
  ) {
    it(`gives the general plans' bits with every v(i) 0 and fixed (${JSON.stringify(options)})`, async () => {
      for (const strata of [mixed, sparse]) {
        const plain = await run(strata(), options, 6, (solver) => solver.loss(), zeroV);
        const general = await run(strata(), { ...options, zeroVPlans: false }, 6, (solver) => solver.loss(), zeroV);
        assert.deepEqual(plain, general);
        // A v(i) that is not 0 takes the general plans, whichever the option.
        const shifted = await run(strata(), options, 6, (solver) => solver.loss());
        assert.deepEqual(shifted, await run(strata(), { ...options, zeroVPlans: false }, 6, (solver) => solver.loss()));
        assert.notDeepEqual(shifted, plain);
      }
    });
  }

  it("gives the loss of the current factors after computeProducts(true) with streamed strata (no stale ⟨W, P⟩)", async () => {
    const options: SolverOptions = { solver: "hals", vUpdates: 2, schedule: "sequential", lossEveryIteration: false };
    const { data, factors } = await resident(sparse(), 4, 9);
    const solver = new Solver(core, data, factors, options);
    try {
      await solver.update();
      const fresh = solver.loss();
      await solver.update();
      solver.computeProducts(true); // P for the update only: the streamed ⟨W, P⟩ is not formed.
      const after = solver.loss();
      assert.notEqual(after, fresh);
      solver.computeProducts(false);
      assert.equal(solver.loss(), after);
    } finally {
      solver.free();
      factors.free();
      data.free();
    }
  });

  it("keeps Hᵀ in H's memory while it runs on sparse strata only, says so, and refuses to read it as H", async () => {
    const { data, factors } = await resident(sparse(), 4);
    const h = Array.from(factors.h());
    const solver = new Solver(core, data, factors, { solver: "hals", vUpdates: 2, schedule: "sequential" });
    try {
      assert.equal(factors.hLayout, "n×k");
      assert.throws(() => factors.h(), /Cannot read H: its memory holds Hᵀ/);
      solver.free();
      assert.equal(factors.hLayout, "k×n");
      assert.deepEqual(Array.from(factors.h()), h);
    } finally {
      solver.free();
      factors.free();
      data.free();
    }
  });

  for (const strata of [mixed, sparse]) {
    it(`restarts from new factors on the same workspace with the bits of a new solver (${strata.name})`, async () => {
      const options: SolverOptions = { solver: "hals", vUpdates: 2, schedule: "sequential" };
      const fresh = await run(strata(), options, 5, () => {});
      const { data, factors } = await resident(strata(), 4, 2);
      const solver = new Solver(core, data, factors, options);
      try {
        for (let i = 0; i < 3; i++) await solver.update();
        const start = randomFactors(core, factors.shape, 9);
        solver.restart((f) => {
          f.h().set(start.h());
          f.shape.rows.forEach((_, i) => (f.v(i).set(start.v(i)), f.w(i).set(start.w(i))));
        });
        start.free();
        for (let i = 0; i < 5; i++) await solver.update();
        const loss = solver.loss();
        solver.free();
        assert.deepEqual({ loss, bits: bits(factors) }, fresh);
      } finally {
        solver.free();
        factors.free();
        data.free();
      }
    });
  }
});

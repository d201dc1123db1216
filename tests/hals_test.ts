// The HALS solver and the L1 penalties: non-increasing (penalized) objective for every solver and
// penalty, the penalized loss identity, HALS and the multiplicative updates reaching the same
// reconstruction of an exactly factorizable problem, sparsity from λ_v, validation of the options.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  fit,
  type FitOptions,
  getCore,
  type Model,
  type ProgressInfo,
  type Stratum,
  syntheticStrata,
} from "../sdk/mod.ts";
import { halsSweeps } from "../sdk/tuning.ts";
import { powerOfTwoBelow } from "../sdk/input/strata.ts";
import { assertNearReference, csrStrata, denseStrata, explicitStart, toMat } from "../testing/fixtures.ts";
import { referenceHalsStep, referencePenalizedMuStep } from "../testing/hals_reference.ts";
import { mat, referenceLoss, type RefState } from "../testing/reference.ts";

/** Largest relative rise from one loss to the next. */
function largestRise(history: Float64Array): number {
  let rise = -Infinity;
  for (let i = 1; i < history.length; i++) rise = Math.max(rise, (history[i] - history[i - 1]) / history[i - 1]);
  return rise;
}

const mixed = (seed: number): Stratum[] => [
  ...denseStrata(seed, [18, 25], 23, 3),
  ...csrStrata(seed + 100, [30, 14], 23, 0.3),
];

/** The model's plain reconstruction loss and its L1 sums, in float64 from its factors. */
function direct(strata: Stratum[], model: Model) {
  const k = model.rank;
  const n = model.cols;
  const plain = referenceLoss(strata.map(toMat), {
    V: model.V.map((v) => Float64Array.from(v)),
    W: model.W.map((w, i) => mat(model.rows[i], k, w)),
    H: mat(k, n, model.H),
  });
  const sum = (arrays: Float32Array[]) => arrays.reduce((s, a) => s + a.reduce((t, x) => t + x, 0), 0);
  return { plain, sumV: sum([...model.V]), sumW: sum([...model.W]), sumH: sum([model.H]) };
}

/** 1 v(i)ᵀ + W(i) H of a model, m_i×n row-major float64. */
function reconstruct(model: Model, i: number): Float64Array {
  const { cols: n, rank: k } = model;
  const m = model.rows[i];
  const v = model.V[i];
  const W = model.W[i];
  const H = model.H;
  const out = new Float64Array(m * n);
  for (let r = 0; r < m; r++) {
    for (let j = 0; j < n; j++) {
      let x = v[j];
      for (let q = 0; q < k; q++) x += W[r * k + q] * H[q * n + j];
      out[r * n + j] = x;
    }
  }
  return out;
}

describe("objective", () => {
  const penalties: [string, Partial<FitOptions>][] = [
    ["no penalty", {}],
    ["l1V", { l1V: 4 }],
    ["l1W", { l1W: 2 }],
    ["l1H", { l1H: 2 }],
    ["all three", { l1V: 4, l1W: 1, l1H: 1 }],
  ];
  for (const solver of ["mu", "hals"] as const) {
    for (const [label, penalty] of penalties) {
      it(`is non-increasing: ${solver}, ${label} (dense + CSR, 2 seeds, 120 iterations)`, async () => {
        for (const seed of [1, 2]) {
          const model = await fit(mixed(seed), { rank: 4, maxIter: 120, seed, solver, ...penalty });
          try {
            assert.equal(model.lossHistory.length, 121);
            // float32 iterates: rounding-level rises only
            const rise = largestRise(model.lossHistory);
            assert.ok(rise <= 1e-6, `seed ${seed}: largest rise ${rise}`);
            assert.ok(model.lossHistory[120] < 0.9 * model.lossHistory[0]);
          } finally {
            model.free();
          }
        }
      });
    }
  }

  // The weights apply to the data divided by their scale c (docs/algorithm.md, "Units"): in the
  // data's units the penalty is c λ_v Σ‖v‖₁ + c² λ_W Σ‖W‖₁ + c λ_H ‖H‖₁ (W has no units).
  it("is sqrt(F + c λ_v Σ‖v‖₁ + c² λ_W Σ‖W‖₁ + c λ_H ‖H‖₁) with the penalty reported by onProgress", async () => {
    const strata = mixed(7);
    const l1 = { l1V: 3, l1W: 0.5, l1H: 0.25 };
    for (const solver of ["mu", "hals"] as const) {
      const progress: ProgressInfo[] = [];
      const model = await fit(strata, {
        rank: 3,
        maxIter: 30,
        seed: 5,
        solver,
        ...l1,
        onProgress: (p) => progress.push(p),
      });
      try {
        const d = direct(strata, model);
        const c = model.scale;
        assert.ok(c !== 1, "the test data are scaled");
        const penalty = c * l1.l1V * d.sumV + c * c * l1.l1W * d.sumW + c * l1.l1H * d.sumH;
        assert.ok(penalty > 0);
        const expected = Math.sqrt(d.plain ** 2 + penalty);
        assert.ok(Math.abs(model.loss / expected - 1) < 1e-5, `${solver}: ${model.loss} vs ${expected}`);
        const last = progress[progress.length - 1];
        assert.ok(Math.abs(last.penalty! / penalty - 1) < 1e-5, `${solver}: penalty ${last.penalty} vs ${penalty}`);
        const plain = Math.sqrt(last.loss ** 2 - last.penalty!);
        assert.ok(Math.abs(plain / d.plain - 1) < 1e-4, `${solver}: plain loss ${plain} vs ${d.plain}`);
      } finally {
        model.free();
      }
    }
  });

  it("reports a zero penalty without L1 weights, and the loss of the reconstruction (HALS)", async () => {
    const strata = mixed(8);
    const progress: ProgressInfo[] = [];
    const model = await fit(strata, {
      rank: 3,
      maxIter: 20,
      seed: 2,
      solver: "hals",
      onProgress: (p) => progress.push(p),
    });
    try {
      assert.ok(progress.every((p) => p.penalty === 0));
      const { plain } = direct(strata, model);
      assert.ok(Math.abs(model.loss / plain - 1) < 1e-5, `${model.loss} vs ${plain}`);
    } finally {
      model.free();
    }
  });
});

describe("the solvers agree with the float64 references of testing/hals_reference.ts", () => {
  const l1s = [
    { l1V: 0, l1W: 0, l1H: 0 },
    { l1V: 4, l1W: 0.5, l1H: 0.5 },
  ];
  // HALS sweeps twice per block on data where the pass dominates, once on sparse data
  const data: { label: string; strata: Stratum[]; n: number; k: number; sweeps: number; penalties?: false }[] = [
    { label: "dense and sparse strata", strata: mixed(21), n: 23, k: 3, sweeps: 2 },
    { label: "sparse strata", strata: csrStrata(22, [40, 30, 25], 50, 0.06), n: 50, k: 4, sweeps: 1 },
    // Wider than one column chunk of the v updates (2,048). Without penalties: these weights
    // set all of H to 0 on data this sparse, in both, which leaves nothing to compare.
    {
      label: "wide sparse strata",
      strata: csrStrata(23, [30, 20], 4500, 0.03),
      n: 4500,
      k: 3,
      sweeps: 1,
      penalties: false,
    },
  ];
  for (const solver of ["hals", "mu"] as const) {
    for (const l1 of l1s) {
      const penalized = l1.l1V > 0;
      if (solver === "mu" && !penalized) continue; // the plain updates: tests/oracle_test.ts
      for (const { label, strata, n, k, sweeps, penalties } of data) {
        if (penalized && penalties === false) continue;
        it(`${solver}${penalized ? ", penalized" : ""}: 25 iterations, ${label}`, async () => {
          const rows = strata.map((s) => s.rows ?? 0);
          const { ref, init } = explicitStart(8, rows, n, k);
          // The fit runs on the data divided by their scale c (a power of two), the start too, and
          // the weights apply there (docs/algorithm.md, "Units"): so does the reference.
          const A = strata.map(toMat);
          const c = powerOfTwoBelow(Math.max(...A.map((a) => a.data.reduce((m, x) => Math.max(m, x), 0))));
          A.forEach((a) => a.data.forEach((x, e) => (a.data[e] = x / c)));
          const nnz = A.reduce((sum, a) => sum + a.data.filter((x) => x !== 0).length, 0);
          assert.equal(halsSweeps(nnz, A.reduce((sum, a) => sum + a.rows, 0), n, k), sweeps);
          let state: RefState = {
            V: ref.V.map((v) => v.map((x) => x / c)),
            W: ref.W,
            H: mat(k, n, ref.H.data.map((x) => x / c)),
          };
          for (let t = 0; t < 25; t++) {
            state = solver === "hals"
              ? referenceHalsStep(A, state, l1, sweeps)
              : referencePenalizedMuStep(A, state, l1, 2);
          }
          const model = await fit(strata, { rank: k, maxIter: 25, init, solver, ...l1 });
          try {
            assert.equal(model.scale, c);
            assertNearReference(model, state, c, 1e-4);
          } finally {
            model.free();
          }
        });
      }
    }
  }
});

describe("HALS and the multiplicative updates", () => {
  it("reconstruct an exactly factorizable problem alike (loss near zero for both)", async () => {
    const { strata } = syntheticStrata({ strata: 3, rows: 30, cols: 20, rank: 3, seed: 3 });
    const mu = await fit(strata, { rank: 3, maxIter: 3000, seed: 1, solver: "mu", trackLoss: false });
    const hals = await fit(strata, { rank: 3, maxIter: 400, seed: 1, solver: "hals", trackLoss: false });
    try {
      assert.ok(mu.normalizedLoss < 3e-3, `mu ${mu.normalizedLoss}`);
      assert.ok(hals.normalizedLoss < 1e-3, `hals ${hals.normalizedLoss}`);
      // the two models' reconstructions 1 v(i)ᵀ + W(i) H agree (the factors themselves need not)
      let diff = 0;
      let norm = 0;
      strata.forEach((s, i) => {
        const a = reconstruct(mu, i);
        const b = reconstruct(hals, i);
        for (let e = 0; e < a.length; e++) {
          diff += (a[e] - b[e]) ** 2;
          norm += (s.data as Float64Array)[e] ** 2;
        }
      });
      assert.ok(Math.sqrt(diff / norm) < 5e-3, `reconstructions differ by ${Math.sqrt(diff / norm)}`);
    } finally {
      mu.free();
      hals.free();
    }
  });

  it("HALS reaches a lower loss than the multiplicative updates in the same iterations (synthetic)", async () => {
    const { strata } = syntheticStrata({ seed: 0 });
    const mu = await fit(strata, { rank: 5, maxIter: 300, seed: 1, solver: "mu", trackLoss: false });
    const hals = await fit(strata, { rank: 5, maxIter: 300, seed: 1, solver: "hals", trackLoss: false });
    try {
      assert.ok(hals.normalizedLoss < mu.normalizedLoss / 3, `hals ${hals.normalizedLoss} vs mu ${mu.normalizedLoss}`);
    } finally {
      mu.free();
      hals.free();
    }
  });

  it("HALS with vUpdates 0 leaves every v(i) at its start", async () => {
    const strata = mixed(4);
    const rows = strata.map((s) => s.rows ?? 0);
    const { init } = explicitStart(9, rows, 23, 2);
    const model = await fit(strata, { rank: 2, maxIter: 15, solver: "hals", vUpdates: 0, init });
    try {
      model.V.forEach((v, i) => assert.deepEqual(Array.from(v), Array.from(init.V[i], Math.fround)));
    } finally {
      model.free();
    }
  });
});

describe("sparse shifts from λ_v", () => {
  const zeros = (model: Model) => {
    const all = model.V.flatMap((v) => Array.from(v));
    return all.filter((x) => x === 0).length / all.length;
  };
  it("HALS: more exact zeros in V as λ_v grows; all zero beyond 2 max(A(i)ᵀ1)", async () => {
    const strata = csrStrata(11, [40, 35, 30], 25, 0.35);
    const fractions: number[] = [];
    for (const l1V of [0, 2, 6, 1e4]) {
      const model = await fit(strata, { rank: 3, maxIter: 60, seed: 1, solver: "hals", l1V });
      try {
        fractions.push(zeros(model));
      } finally {
        model.free();
      }
    }
    for (let i = 1; i < fractions.length; i++) {
      assert.ok(fractions[i] >= fractions[i - 1], `fractions of zeros ${fractions}`);
    }
    assert.ok(fractions[2] > fractions[0], `fractions of zeros ${fractions}`);
    assert.equal(fractions[3], 1);
  });

  it("multiplicative updates: λ_v shrinks V", async () => {
    const strata = csrStrata(12, [40, 35, 30], 25, 0.35);
    const total = async (l1V: number) => {
      const model = await fit(strata, { rank: 3, maxIter: 80, seed: 1, l1V });
      try {
        return model.V.reduce((s, v) => s + v.reduce((t, x) => t + x, 0), 0);
      } finally {
        model.free();
      }
    };
    const free = await total(0);
    const penalized = await total(4);
    assert.ok(penalized < 0.5 * free, `Σ V ${penalized} with λ_v = 4 vs ${free} without`);
  });
});

describe("options of the solvers", () => {
  const good = (): Stratum[] => [
    { name: "a", data: [[1, 2, 3], [4, 5, 6]] },
    { name: "b", data: [[0, 1, 0], [2, 0, 1], [1, 1, 1]] },
  ];
  const rejects = async (options: unknown, message: RegExp) => {
    const before = getCore().heap.allocatedBytes;
    await assert.rejects(
      // deno-lint-ignore no-explicit-any
      () => fit(good(), options as any),
      (error: Error) => {
        assert.ok(error instanceof RangeError, `${error.constructor.name}: ${error.message}`);
        assert.match(error.message, /^Cannot fit model: /);
        assert.match(error.message, message);
        return true;
      },
    );
    assert.equal(getCore().heap.allocatedBytes, before, "a rejected fit leaves no memory allocated");
  };
  it("rejects an unknown solver", () =>
    rejects({ rank: 1, solver: "als" }, /options.solver must be one of "mu", "hals", got als/));
  for (const name of ["l1V", "l1W", "l1H"]) {
    it(`rejects a negative, NaN or infinite ${name}`, async () => {
      for (const value of [-0.1, NaN, Infinity]) {
        await rejects({ rank: 1, [name]: value }, new RegExp(`options.${name} must be a finite number ≥ 0`));
      }
    });
  }
  it("rejects the reference schedule for HALS", () =>
    rejects(
      { rank: 1, solver: "hals", schedule: "reference" },
      /schedule "reference" is a schedule of the multiplicative updates: pass solver: "mu"/,
    ));
  it("rejects the reference schedule without a solver (HALS is the default)", () =>
    rejects({ rank: 1, schedule: "reference" }, /pass solver: "mu" with it/));
  it("rejects an unknown init", () =>
    rejects({ rank: 1, init: "svd" }, /options.init must be "random", "nndsvd" or explicit factors/));
  it("accepts every solver with every start", async () => {
    for (const solver of ["mu", "hals"] as const) {
      for (const init of ["random", "nndsvd"] as const) {
        const model = await fit(good(), { rank: 2, maxIter: 5, seed: 3, solver, init, l1V: 0.1 });
        try {
          assert.equal(model.iterations, 5);
          assert.equal(model.seed, init === "random" ? 3 : null);
          assert.ok(model.lossHistory.every(Number.isFinite));
        } finally {
          model.free();
        }
      }
    }
  });
  it("stops on tol with HALS", async () => {
    const { strata } = syntheticStrata({ strata: 2, rows: 20, cols: 10, rank: 2, seed: 1 });
    const model = await fit(strata, { rank: 2, maxIter: 5000, seed: 1, solver: "hals", tol: 1e-6 });
    try {
      assert.ok(model.converged);
      assert.ok(model.iterations < 5000);
    } finally {
      model.free();
    }
  });
});

// Properties of fit() over random strata shapes, sparsity, magnitudes and options (fast-check,
// fixed seeds): valid input never throws; the factors are finite and non-negative; the loss
// history has one entry per iteration (and the final loss); the loss never rises for HALS and the
// sequential multiplicative updates beyond the identity's float32 floor; the same bits for 1 and 3
// threads; and the result does not depend on the data's units.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { type DenseStratum, fit, type FitOptions, type Model, Random, type Stratum } from "../sdk/mod.ts";

/** A data set: its strata's kinds and rows, the columns, the stored share of CSR strata, a seed, a magnitude. */
interface DataSpec {
  kinds: ("dense" | "csr")[];
  rows: number[];
  cols: number;
  density: number;
  seed: number;
  magnitude: number;
}

/** Strata from a spec: values U(0, 1) × magnitude (float32), CSR entries at about `density`. */
function strataOf(spec: DataSpec): Stratum[] {
  const random = new Random(spec.seed);
  const value = () => Math.fround(random.next() * spec.magnitude);
  return spec.kinds.map((kind, i) => {
    const m = spec.rows[i], n = spec.cols;
    if (kind === "dense") return { name: `d${i}`, rows: m, cols: n, data: Float64Array.from({ length: m * n }, value) };
    const indptr = [0], indices: number[] = [], values: number[] = [];
    for (let r = 0; r < m; r++) {
      for (let j = 0; j < n; j++) if (random.next() < spec.density) indices.push(j), values.push(value());
      indptr.push(indices.length);
    }
    return { name: `c${i}`, rows: m, cols: n, indptr, indices, values };
  });
}

const dataSpec = (maxRows: number, maxCols: number) =>
  fc.integer({ min: 1, max: 4 }).chain((s) =>
    fc.record({
      kinds: fc.array(fc.constantFrom<"dense" | "csr">("dense", "csr"), { minLength: s, maxLength: s }),
      rows: fc.array(fc.integer({ min: 1, max: maxRows }), { minLength: s, maxLength: s }),
      cols: fc.integer({ min: 1, max: maxCols }),
      density: fc.constantFrom(0.05, 0.3, 1),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      magnitude: fc.constantFrom(1e-6, 0.01, 1, 3, 1e4),
    })
  );

const optionsSpec = fc.record({
  solver: fc.constantFrom<"mu" | "hals">("mu", "hals"),
  schedule: fc.constantFrom<"sequential" | "reference">("sequential", "reference"),
  rankShare: fc.double({ min: 0, max: 1, noNaN: true }),
  maxIter: fc.integer({ min: 0, max: 12 }),
  init: fc.constantFrom<"random" | "nndsvd">("random", "nndsvd"),
  trackLoss: fc.boolean(),
  tol: fc.constantFrom(0, 0, 1e-3),
  l1: fc.constantFrom(0, 0, 0.1),
  vUpdates: fc.constantFrom(0, 1, 2),
  seed: fc.integer({ min: 0, max: 1000 }),
});

/** fit() options from a spec, for data of `rows` rows in all and `cols` columns. */
type OptionsSpec = typeof optionsSpec extends fc.Arbitrary<infer T> ? T : never;

function optionsOf(o: OptionsSpec, rows: number, cols: number): FitOptions {
  const rank = 1 + Math.floor(o.rankShare * (Math.min(rows, cols) - 1));
  return {
    rank,
    solver: o.solver,
    schedule: o.solver === "mu" ? o.schedule : "sequential",
    maxIter: o.maxIter,
    init: o.init,
    trackLoss: o.trackLoss,
    tol: o.tol,
    l1V: o.l1,
    l1W: o.l1,
    l1H: o.l1,
    vUpdates: o.vUpdates,
    seed: o.seed,
    threads: 1,
  };
}

/** Whether every entry of every factor is finite and non-negative. */
function factorsValid(model: Model): boolean {
  return [...model.V, ...model.W, model.H].every((part) => part.every((x) => Number.isFinite(x) && x >= 0));
}

/** ‖A‖² of the strata. */
function normSq(strata: Stratum[]): number {
  let sum = 0;
  for (const s of strata) {
    for (const x of Array.from(("indptr" in s ? s.values : s.data) as ArrayLike<number>)) sum += x * x;
  }
  return sum;
}

/** The largest rise of F = loss² between iterations, relative to ‖A‖² (the identity's float32 floor is ~1e-8). */
function largestRise(model: Model, normSq: number): number {
  let rise = -Infinity;
  for (let i = 1; i < model.lossHistory.length; i++) {
    rise = Math.max(rise, (model.lossHistory[i] ** 2 - model.lossHistory[i - 1] ** 2) / normSq);
  }
  return rise;
}

const totalRows = (spec: DataSpec) => spec.rows.reduce((a, b) => a + b, 0);

/** Data that are zero everywhere are invalid input (a RangeError): the properties need a non-zero entry. */
const hasData = (strata: Stratum[]) =>
  strata.some((s) => Array.from(("indptr" in s ? s.values : s.data) as ArrayLike<number>).some((x) => x > 0));

/** Many fits each: more than bun test's default 5 s on a loaded machine. */
const SLOW = { timeout: 120_000 };

describe("fit properties (fast-check)", () => {
  it(
    "valid input never throws; factors finite and non-negative; one loss per iteration; no rise for HALS and sequential MU",
    SLOW,
    async () => {
      await fc.assert(
        fc.asyncProperty(dataSpec(30, 25), optionsSpec, async (spec, o) => {
          const strata = strataOf(spec);
          fc.pre(hasData(strata));
          const options = optionsOf(o, totalRows(spec), spec.cols);
          const model = await fit(strata, options);
          try {
            assert.ok(factorsValid(model), "factors finite and non-negative");
            assert.ok(Number.isFinite(model.loss) && model.loss >= 0);
            assert.ok(model.iterations <= options.maxIter!);
            const tracked = options.trackLoss || options.tol! > 0;
            assert.equal(model.lossHistory.length, tracked ? model.iterations + 1 : 1);
            if (model.converged) assert.ok(options.tol! > 0);
            else assert.equal(model.iterations, options.maxIter);
            const monotone = options.solver === "hals" || options.schedule === "sequential";
            const rise = largestRise(model, normSq(strata));
            if (monotone && tracked) assert.ok(rise <= 1e-6, `rise ${rise}`);
          } finally {
            model.free();
          }
        }),
        { seed: 20261204, numRuns: 300 },
      );
    },
  );

  it("gives the same bits on 1 and 3 threads", SLOW, async () => {
    await fc.assert(
      fc.asyncProperty(dataSpec(400, 160), optionsSpec, async (spec, o) => {
        const strata = strataOf(spec);
        fc.pre(hasData(strata));
        const options = optionsOf(o, totalRows(spec), spec.cols);
        const one = await fit(strata, { ...options, threads: 1 });
        const three = await fit(strata, { ...options, threads: 3 });
        try {
          const bits = (m: Model) => [...m.V, ...m.W, m.H].map((a) => Array.from(new Uint32Array(a.slice().buffer)));
          assert.deepEqual(bits(three), bits(one));
          assert.deepEqual(Array.from(three.lossHistory), Array.from(one.lossHistory));
        } finally {
          one.free();
          three.free();
        }
      }),
      { seed: 42, numRuns: 40 },
    );
  });
});

/** Strata with a planted structure: 1 v(i)ᵀ + W(i) H of rank `rank`, times (1 + 5 % noise), non-negative. */
function plantedStrata(seed: number, strata: number, rows: number, cols: number, rank: number): DenseStratum[] {
  const random = new Random(seed);
  const H = Float64Array.from({ length: rank * cols }, () => random.next());
  return Array.from({ length: strata }, (_, i) => {
    const v = Float64Array.from({ length: cols }, () => i + random.next());
    const data = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      const w = Array.from({ length: rank }, () => random.next());
      for (let j = 0; j < cols; j++) {
        let x = v[j];
        for (let q = 0; q < rank; q++) x += w[q] * H[q * cols + j];
        data[r * cols + j] = Math.fround(x * (1 + 0.05 * (2 * random.next() - 1)));
      }
    }
    return { name: `s${i}`, rows, cols, data };
  });
}

/** The strata with every value multiplied by `c`. */
const times = (strata: DenseStratum[], c: number): DenseStratum[] =>
  strata.map((s) => ({ ...s, data: Float64Array.from(s.data as Float64Array, (x) => x * c) }));

describe("fit properties: units (fast-check)", () => {
  it("gives the same factors, scaled, for data times a power of two across the float32 range", SLOW, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: -100, max: 100 }),
        fc.constantFrom<"mu" | "hals">("mu", "hals"),
        fc.constantFrom(0, 0.3),
        async (seed, exponent, solver, l1) => {
          const strata = plantedStrata(seed, 3, 12, 9, 2);
          const c = 2 ** exponent;
          const options = { rank: 3, maxIter: 15, seed, solver, l1V: l1, l1H: l1, threads: 1 };
          const a = await fit(strata, options);
          const b = await fit(times(strata, c), options);
          try {
            assert.equal(b.scale, a.scale * c);
            assert.deepEqual(b.V.map((v) => Array.from(v)), a.V.map((v) => Array.from(v, (x) => x * c)));
            assert.deepEqual(b.W.map((w) => Array.from(w)), a.W.map((w) => Array.from(w)));
            assert.deepEqual(Array.from(b.H), Array.from(a.H, (x) => x * c));
            assert.deepEqual(Array.from(b.lossHistory), Array.from(a.lossHistory, (x) => x * c));
            assert.equal(b.normalizedLoss, a.normalizedLoss);
          } finally {
            a.free();
            b.free();
          }
        },
      ),
      { seed: 7, numRuns: 60 },
    );
  });

  it(
    "gives the same normalized loss, within 1e-4 relative, for data times any c from 1e-20 to 1e15",
    SLOW,
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 1000 }),
          fc.double({ min: -20, max: 15, noNaN: true }),
          async (seed, exponent) => {
            const strata = plantedStrata(seed, 3, 20, 12, 2);
            const options = { rank: 2, maxIter: 2000, seed, threads: 1 };
            const a = await fit(strata, options);
            const b = await fit(times(strata, 10 ** exponent), options);
            try {
              const relative = Math.abs(b.normalizedLoss / a.normalizedLoss - 1);
              assert.ok(relative <= 1e-4, `normalized loss ${b.normalizedLoss} against ${a.normalizedLoss}`);
            } finally {
              a.free();
              b.free();
            }
          },
        ),
        { seed: 8, numRuns: 60 },
      );
    },
  );
});

// Every bad input gets a typed error, before any work starts, that names the place.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fit, getCore, type Stratum } from "../sdk/mod.ts";

const good = (): Stratum[] => [
  { name: "a", data: [[1, 2, 3], [4, 5, 6]] },
  { name: "b", data: [[0, 1, 0], [2, 0, 1], [1, 1, 1]] },
];

const csr = (over: Record<string, unknown> = {}): Stratum =>
  ({ name: "s", rows: 2, cols: 3, indptr: [0, 2, 3], indices: [0, 2, 1], values: [1, 2, 3], ...over }) as Stratum;

async function rejects(strata: unknown, options: unknown, type: typeof TypeError | typeof RangeError, message: RegExp) {
  const before = getCore().heap.allocatedBytes;
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    () => fit(strata as any, options as any),
    (error: Error) => {
      assert.ok(error instanceof type, `${error.constructor.name}: ${error.message}`);
      assert.match(error.message, /^Cannot fit model: /);
      assert.match(error.message, message);
      return true;
    },
  );
  assert.equal(getCore().heap.allocatedBytes, before, "a rejected fit leaves no memory allocated");
}

describe("bad strata", () => {
  it("rejects an empty stratum list", () => rejects([], { rank: 1 }, RangeError, /no strata given/));
  it("rejects a non-array", () => rejects({}, { rank: 1 }, TypeError, /strata must be an array/));
  it("rejects a negative entry, naming stratum, row and column", () => {
    const strata = good();
    (strata[1] as { data: number[][] }).data[2][1] = -0.5;
    return rejects(strata, { rank: 1 }, RangeError, /stratum 1 \("b"\) row 2, column 1 is negative \(-0.5\)/);
  });
  it("rejects NaN", () => {
    const strata = good();
    (strata[0] as { data: number[][] }).data[1][2] = NaN;
    return rejects(strata, { rank: 1 }, RangeError, /stratum 0 \("a"\) row 1, column 2 is NaN/);
  });
  it("rejects infinities", () =>
    rejects(
      [{ data: Float64Array.of(1, Infinity, 2, 3), cols: 2 }],
      { rank: 1 },
      RangeError,
      /stratum 0 \("stratum 0"\) row 0, column 1 is infinite/,
    ));
  it("rejects values beyond float32", () =>
    rejects([{ data: [[1e39, 1]] }], { rank: 1 }, RangeError, /row 0, column 0 is too large for float32/));
  it("rejects a non-number", () =>
    rejects(
      [{ data: [[1, "2" as unknown as number]] }],
      { rank: 1 },
      RangeError,
      /column 1 is not a number \(string\)/,
    ));
  it("rejects ragged rows", () =>
    rejects([{ data: [[1, 2], [3]] }], { rank: 1 }, RangeError, /stratum 0 .* row 1 has 1 values, expected 2/));
  it("rejects strata with different column counts", () =>
    rejects(
      [{ data: [[1, 2]] }, { name: "x", data: [[1, 2, 3]] }],
      { rank: 1 },
      RangeError,
      /stratum 1 \("x"\) has 3 columns, expected 2/,
    ));
  it("rejects a stratum with no rows", () =>
    rejects([{ data: [[1, 2]] }, { data: [] }], { rank: 1 }, RangeError, /stratum 1 .* has no rows/));
  it("rejects flat data that is not rows × cols", () =>
    rejects([{ data: [1, 2, 3, 4, 5], cols: 2 }], { rank: 1 }, RangeError, /has 5 values, which is not rows × cols/));
  it("rejects flat data without a shape", () =>
    rejects([{ data: [1, 2, 3] }], { rank: 1 }, TypeError, /flat data without rows or cols/));
  it("rejects repeated stratum names", () =>
    rejects([{ name: "a", data: [[1]] }, { name: "a", data: [[2]] }], { rank: 1 }, RangeError, /repeats the name "a"/));
  it("rejects data that is zero everywhere", () =>
    rejects([{ data: [[0, 0], [0, 0]] }], { rank: 1 }, RangeError, /every entry of every stratum is zero/));
});

describe("bad CSR strata", () => {
  it("rejects indptr of the wrong length", () =>
    rejects([csr({ indptr: [0, 3] })], { rank: 1 }, RangeError, /indptr has length 2, expected rows \+ 1 = 3/));
  it("rejects indptr not starting at 0", () =>
    rejects([csr({ indptr: [1, 2, 3] })], { rank: 1 }, RangeError, /indptr\[0\] is 1, expected 0/));
  it("rejects indptr not ending at nnz", () =>
    rejects([csr({ indptr: [0, 2, 2] })], { rank: 1 }, RangeError, /indptr\[2\] is 2, expected the 3 stored entries/));
  it("rejects decreasing indptr", () =>
    rejects(
      [csr({ indptr: [0, 2, 1, 3], rows: 3 })],
      { rank: 1 },
      RangeError,
      /indptr\[2\] is 1, expected an integer ≥ indptr\[1\] = 2/,
    ));
  it("rejects a column index out of range", () =>
    rejects([csr({ indices: [0, 3, 1] })], { rank: 1 }, RangeError, /row 0, entry 1 has column index 3/));
  it("rejects a column stored twice in a row", () =>
    rejects([csr({ indices: [2, 2, 1] })], { rank: 1 }, RangeError, /row 0 stores column 2 twice/));
  it("rejects values and indices of different lengths", () =>
    rejects([csr({ values: [1, 2] })], { rank: 1 }, RangeError, /has 3 indices but 2 values/));
  it("rejects a negative stored value", () =>
    rejects([csr({ values: [1, -2, 3] })], { rank: 1 }, RangeError, /stratum 0 \("s"\) row 0, column 2 is negative/));
  it("rejects a non-integer shape", () =>
    rejects([csr({ cols: 2.5 })], { rank: 1 }, RangeError, /cols must be a positive integer, got 2.5/));
});

describe("bad options", () => {
  it("requires options.rank", () => rejects(good(), {}, TypeError, /options.rank is required/));
  it("rejects rank < 1", () => rejects(good(), { rank: 0 }, RangeError, /options.rank must be an integer ≥ 1, got 0/));
  it("rejects a fractional rank", () => rejects(good(), { rank: 1.5 }, RangeError, /options.rank must be an integer/));
  it("rejects a rank larger than the data allows", () =>
    rejects(
      good(),
      { rank: 4 },
      RangeError,
      /options.rank 4 exceeds what the data allows \(min of 3 columns and 5 rows\)/,
    ));
  it("rejects a negative maxIter", () =>
    rejects(good(), { rank: 1, maxIter: -1 }, RangeError, /options.maxIter must be an integer ≥ 0, got -1/));
  it("rejects a fractional maxIter", () =>
    rejects(good(), { rank: 1, maxIter: 2.5 }, RangeError, /options.maxIter must be an integer ≥ 0/));
  it("rejects a negative vUpdates", () => rejects(good(), { rank: 1, vUpdates: -2 }, RangeError, /options.vUpdates/));
  it("rejects a negative tol", () =>
    rejects(good(), { rank: 1, tol: -1e-3 }, RangeError, /options.tol must be a finite/));
  it("rejects an unknown schedule", () =>
    rejects(
      good(),
      { rank: 1, schedule: "fast" },
      RangeError,
      /options.schedule must be one of "sequential", "reference"/,
    ));
  it("rejects a non-integer seed", () => rejects(good(), { rank: 1, seed: 0.5 }, RangeError, /options.seed/));
  it("rejects column names of the wrong count", () =>
    rejects(good(), { rank: 1, columnNames: ["x"] }, RangeError, /columnNames has 1 names for 3 columns/));
});

describe("bad init", () => {
  const start = () => ({
    V: [[1, 1, 1], [1, 1, 1]],
    W: [[[1], [1]], [[1], [1], [1]]],
    H: [[1, 1, 1]],
  });
  it("accepts a well-shaped start", async () => {
    const model = await fit(good(), { rank: 1, maxIter: 2, init: start() });
    assert.equal(model.seed, null);
    model.free();
  });
  it("rejects a V with the wrong count", () =>
    rejects(
      good(),
      { rank: 1, init: { ...start(), V: [[1, 1, 1]] } },
      RangeError,
      /init.V has 1 vectors, expected one per stratum \(2\)/,
    ));
  it("rejects a W of the wrong shape", () =>
    rejects(
      good(),
      { rank: 1, init: { ...start(), W: [[[1], [1]], [[1], [1]]] } },
      RangeError,
      /init.W\[1\] has 2 rows, expected 3/,
    ));
  it("rejects an H row of the wrong length", () =>
    rejects(
      good(),
      { rank: 1, init: { ...start(), H: [[1, 1]] } },
      RangeError,
      /init.H row 0 has 2 values, expected 3/,
    ));
  it("rejects an H of the wrong rank", () =>
    rejects(
      good(),
      { rank: 1, init: { ...start(), H: [[1, 1, 1], [1, 1, 1]] } },
      RangeError,
      /init.H has 2 rows, expected 1/,
    ));
  it("rejects a negative start value", () =>
    rejects(
      good(),
      { rank: 1, init: { ...start(), V: [[1, -1, 1], [1, 1, 1]] } },
      RangeError,
      /init.V\[0\] row 0, column 1 must be a finite non-negative number/,
    ));
});

describe("valid edge cases", () => {
  it("gives finite results with all-zero rows and columns", async () => {
    const strata: Stratum[] = [
      { name: "a", data: [[0, 0, 0, 0], [1, 0, 2, 0], [0, 0, 0, 0]] },
      { name: "b", data: [[3, 0, 1, 0], [0, 0, 0, 0]] },
      { name: "c", rows: 2, cols: 4, indptr: [0, 0, 1], indices: [2], values: [5] },
    ];
    for (const schedule of ["sequential", "reference"] as const) {
      const model = await fit(strata, { rank: 2, maxIter: 60, seed: 3, solver: "mu", schedule });
      try {
        for (const array of [...model.V, ...model.W, model.H, model.lossHistory]) {
          assert.ok(array.every(Number.isFinite), "every result is finite");
        }
        assert.ok(Number.isFinite(model.normalizedLoss));
        // column 1 and 3 are zero everywhere: their shifts and topic weights go to zero
        for (const v of model.V) assert.ok(v[1] < 1e-3 && v[3] < 1e-3);
      } finally {
        model.free();
      }
    }
  });
  it("runs zero iterations", async () => {
    const model = await fit(good(), { rank: 2, maxIter: 0, seed: 1 });
    assert.equal(model.iterations, 0);
    assert.equal(model.lossHistory.length, 1);
    model.free();
  });
});

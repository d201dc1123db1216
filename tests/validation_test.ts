// Every bad input gets a typed error, before any work starts, that names the place.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fit, getCore, type Stratum, transform } from "../sdk/mod.ts";
import { closest } from "../sdk/input/checks.ts";
import { OPTION_NAMES, OPTIONS, optionSpec, SETTING_NAMES } from "../sdk/input/options.ts";

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

describe("flat typed arrays: checked and loaded as plain arrays are", () => {
  // 3,000 rows: the bad value sits in the third chunk of 1,024 rows the typed-array path checks at once.
  const rows = 3000, cols = 3;
  const values = Array.from({ length: rows * cols }, (_, i) => ((i * 7919) % 101) / 10);
  const table = (Type: Float32ArrayConstructor | Float64ArrayConstructor) => Type.from(values);
  const cases: [string, number, RegExp][] = [
    ["NaN", NaN, /row 2500, column 1 is NaN/],
    ["a negative value", -2, /row 2500, column 1 is negative \(-2\)/],
    ["an infinity", Infinity, /row 2500, column 1 is infinite \(Infinity\)/],
  ];
  for (const Type of [Float32Array, Float64Array]) {
    for (const [label, value, message] of cases) {
      it(`${Type.name}: rejects ${label}, naming row and column`, () => {
        const data = table(Type);
        data[2500 * cols + 1] = value;
        return rejects([{ name: "t", data, cols }], { rank: 1 }, RangeError, message);
      });
    }
  }
  it("Float64Array: rejects a value beyond float32", () => {
    const data = table(Float64Array);
    data[2047 * cols + 2] = 1e39;
    return rejects([{ name: "t", data, cols }], { rank: 1 }, RangeError, /row 2047, column 2 is too large for float32/);
  });
  it("gives the bits of the same values as nested plain arrays", async () => {
    const plain = values;
    const nested = Array.from({ length: rows }, (_, r) => plain.slice(r * cols, (r + 1) * cols));
    const options = { rank: 2, seed: 3, maxIter: 5, threads: 1 };
    const results = [];
    for (const data of [nested, Float32Array.from(plain), Float64Array.from(plain)]) {
      const model = await fit([{ name: "t", data, cols }], options);
      results.push([Array.from(model.V[0]), Array.from(model.W[0]), Array.from(model.H), model.loss]);
      model.free();
    }
    assert.deepEqual(results[1], results[0]);
    assert.deepEqual(results[2], results[0]);
  });
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

describe("options: a wrong type is a TypeError, a wrong value or name a RangeError", () => {
  it("rejects an option that is not one, with a suggestion", async () => {
    await rejects(
      good(),
      { rank: 2, iters: 5 },
      RangeError,
      /^Cannot fit model: options\.iters is not an option of fit\(\) \(did you mean maxIter\?\)$/,
    );
    await rejects(good(), { rank: 2, maxIterations: 5 }, RangeError, /options\.maxIterations .*did you mean maxIter\?/);
    await rejects(good(), { rank: 2, max_iter: 5 }, RangeError, /did you mean maxIter\?/);
    await rejects(good(), { rank: 2, seeds: 5 }, RangeError, /did you mean seed\?/);
    await rejects(good(), { rank: 2, l1_w: 1 }, RangeError, /did you mean l1W\?/);
    await rejects(good(), { rank: 2, stratum: "a" }, RangeError, /options\.stratum is not an option of fit\(\)/);
    await rejects(
      good(),
      { rank: 2, frobnicate: true },
      RangeError,
      /options\.frobnicate is not an option of fit\(\) \(its options: rank, maxIter, .*signal\)$/,
    );
  });
  it("rejects values of the wrong type with a TypeError", async () => {
    await rejects(
      good(),
      { rank: 1, trackLoss: "yes" },
      TypeError,
      /options\.trackLoss must be a boolean, got a string \("yes"\)/,
    );
    await rejects(good(), { rank: "2" }, TypeError, /options\.rank must be an integer ≥ 1, got a string \("2"\)/);
    await rejects(
      good(),
      { rank: 1, schedule: 1 },
      TypeError,
      /options\.schedule must be one of .*, got a number \(1\)/,
    );
    await rejects(
      good(),
      { rank: 1, solver: null },
      TypeError,
      /options\.solver must be one of "mu", "hals", got null/,
    );
    await rejects(good(), { rank: 1, tol: [] }, TypeError, /options\.tol must be a finite number ≥ 0, got an array/);
    await rejects(good(), { rank: 1, init: 3 }, TypeError, /options\.init must be "random", "nndsvd" or explicit/);
    await rejects(
      good(),
      { rank: 1, columnNames: "abc" },
      TypeError,
      /options\.columnNames must be an array of strings/,
    );
    await rejects(
      good(),
      { rank: 1, columnNames: ["a", 2, "c"] },
      TypeError,
      /options\.columnNames\[1\] must be a string, got a number \(2\)/,
    );
    await rejects(good(), { rank: 1, onProgress: "log" }, TypeError, /options\.onProgress must be a function/);
    await rejects(good(), { rank: 1, signal: {} }, TypeError, /options\.signal must be an AbortSignal, got an object/);
    await rejects(good(), null, TypeError, /options must be an object with at least \{ rank \}/);
  });
  it("rejects values of the right type that are not allowed with a RangeError", async () => {
    await rejects(
      good(),
      { rank: 1, init: "svd" },
      RangeError,
      /options\.init must be "random", "nndsvd" or explicit factors \{ V, W, H \}, got svd/,
    );
    await rejects(
      good(),
      { rank: 1, solver: "als" },
      RangeError,
      /options\.solver must be one of "mu", "hals", got als/,
    );
    await rejects(
      good(),
      { rank: 1, threads: 0 },
      RangeError,
      /options\.threads must be an integer in \[1, 64\], got 0/,
    );
    await rejects(
      good(),
      { rank: 1, l1H: Infinity },
      RangeError,
      /options\.l1H must be a finite number ≥ 0, got Infinity/,
    );
    await rejects(good(), { rank: 1, tol: NaN }, RangeError, /options\.tol must be a finite number ≥ 0, got NaN/);
  });
  it("rejects explicit start values beyond float32", () =>
    rejects(
      good(),
      {
        rank: 1,
        init: { V: [[1, 1, 1], [1, 1, 1]], W: [[[1], [1]], [[1], [1], [1]]], H: [[1, 1e39, 1]] },
      },
      RangeError,
      /init\.H row 0, column 1 must be a finite non-negative number within float32, got 1e\+39/,
    ));
});

describe("transform() options", () => {
  const check = async (options: unknown, type: typeof TypeError | typeof RangeError, message: RegExp) => {
    const model = await fit(good(), { rank: 1, maxIter: 2, seed: 1 });
    try {
      await assert.rejects(
        // deno-lint-ignore no-explicit-any
        () => transform(model, { data: [[1, 2, 3]] }, options as any),
        (error: Error) => {
          assert.ok(error instanceof type, `${error.constructor.name}: ${error.message}`);
          assert.match(error.message, /^Cannot transform: /);
          assert.match(error.message, message);
          return true;
        },
      );
    } finally {
      model.free();
    }
  };
  it("rejects an option that is not one, with a suggestion", async () => {
    await check(
      { iters: 5 },
      RangeError,
      /options\.iters is not an option of transform\(\) \(did you mean maxIter\?\)/,
    );
    await check({ rank: 2 }, RangeError, /options\.rank is not an option of transform\(\)/);
    await check({ stratumName: "a" }, RangeError, /did you mean stratum\?/);
  });
  it("rejects wrong types and values as fit() does", async () => {
    await check({ trackLoss: "no" }, TypeError, /options\.trackLoss must be a boolean/);
    await check(
      { stratum: 1.5 },
      RangeError,
      /options\.stratum must be a stratum's name or index \(an integer ≥ 0\), got 1\.5/,
    );
    await check({ stratum: true }, TypeError, /options\.stratum must be a stratum's name or index/);
    await check({ maxIter: -1 }, RangeError, /options\.maxIter must be an integer ≥ 0, got -1/);
    await check("fast", TypeError, /options must be an object/);
  });
});

describe("did you mean", () => {
  const names = new Map(Object.keys(OPTIONS).map((name) => [name, name]));
  it("suggests the option a typo, a prefix, a plural or another spelling stands for", () => {
    assert.equal(closest("rnak", names), "rank");
    assert.equal(closest("maxiter", names), "maxIter");
    assert.equal(closest("max-iter", names), "maxIter");
    assert.equal(closest("maxIterations", names), "maxIter");
    assert.equal(closest("tolerance", names), "tol");
    assert.equal(closest("thread", names), "threads");
    assert.equal(closest("columns", new Map([["columnNames", "columnNames"]])), "columnNames");
    assert.equal(closest("iterations", new Map([["iters", "--iters"]])), "--iters");
  });
  it("suggests nothing for a name close to none", () => {
    assert.equal(closest("frobnicate", names), undefined);
    assert.equal(closest("x", names), undefined);
    assert.equal(closest("verbose", names), undefined);
  });
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

describe("README and the options table", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

  it("lists fit()'s options as the table does: name, default, meaning", () => {
    const section = readme.slice(readme.indexOf("### `fit(strata, options)`"));
    const rows = section.slice(section.indexOf("| option")).split("\n\n")[0].split("\n").slice(2);
    const inReadme = rows.map((row) => row.slice(1, -1).split(" | ").map((cell) => cell.trim()));
    const inCode = OPTION_NAMES.filter((name) => optionSpec(name).calls.includes("fit"))
      .map((name) => [`\`${name}\``, optionSpec(name).defaultText, optionSpec(name).doc]);
    assert.deepEqual(
      inReadme,
      inCode,
      "README's options table differs from sdk/input/options.ts; the table's rows:\n" +
        inCode.map((cells) => `| ${cells.join(" | ")} |`).join("\n"),
    );
  });

  it("names transform()'s options and the model's settings as the table does", () => {
    const transform = readme.slice(readme.indexOf("`transform(model, rows, options)` takes"));
    const paragraph = transform.slice(0, transform.indexOf("\n\n"));
    const named = [...paragraph.matchAll(/`(\w+)`/g)].map((match) => match[1]);
    const options = OPTION_NAMES.filter((name) => optionSpec(name).calls.includes("transform"));
    assert.deepEqual(named.filter((name) => Object.hasOwn(OPTIONS, name)), options);
    const settings = /`settings`\s*\(`\{ ([^}]+) \}`/.exec(readme);
    assert.ok(settings, "README lists the settings");
    assert.deepEqual(settings[1].split(", "), SETTING_NAMES);
  });
});

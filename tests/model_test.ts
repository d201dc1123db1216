// The model object and the fit's contract: reproducibility, serialization, features,
// freeing and memory reuse, progress, stopping and cancellation.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, it } from "node:test";
import {
  type CsrStratum,
  fit,
  fromTable,
  getCore,
  Model,
  type ModelJSON,
  rankFeatures,
  rankScaling,
  syntheticStrata,
} from "../sdk/mod.ts";
import { SETTING_NAMES } from "../sdk/input/options.ts";
import { csrStrata, denseStrata } from "../testing/fixtures.ts";

describe("reproducibility", () => {
  it("gives the same factors, bit for bit, for the same seed", async () => {
    const strata = [...denseStrata(1, [12, 9], 10), ...csrStrata(2, [14], 10, 0.3)];
    const a = await fit(strata, { rank: 3, maxIter: 25, seed: 42 });
    const b = await fit(strata, { rank: 3, maxIter: 25, seed: 42 });
    const c = await fit(strata, { rank: 3, maxIter: 25, seed: 43 });
    try {
      const untimed = (m: Model) => ({ ...m.toJSON(), elapsedMs: 0, totalMs: 0 });
      assert.deepEqual(untimed(a), untimed(b));
      assert.notDeepEqual(a.H, c.H);
      assert.equal(a.seed, 42);
    } finally {
      [a, b, c].forEach((m) => m.free());
    }
  });

  it("draws a seed when none is given and records it", async () => {
    const strata = denseStrata(3, [6, 6], 5);
    const a = await fit(strata, { rank: 2, maxIter: 5 });
    const b = await fit(strata, { rank: 2, maxIter: 5, seed: a.seed! });
    try {
      assert.ok(Number.isSafeInteger(a.seed));
      assert.deepEqual(a.H, b.H);
    } finally {
      a.free();
      b.free();
    }
  });

  // In the units of the stored data: V and H come back multiplied by the data's scale.
  it("starts from the published distribution: V in [0,1), W and H in [0, 1/√k), in the stored units", async () => {
    const model = await fit(denseStrata(4, [200, 200], 400), { rank: 4, maxIter: 0, seed: 9 });
    try {
      const all = (arrays: Float32Array[]) => arrays.flatMap((a) => Array.from(a));
      const c = model.scale;
      const v = all(model.V).map((x) => x / c);
      const wh = [...all(model.W), ...Array.from(model.H, (x) => x / c)];
      assert.ok(v.every((x) => x >= 0 && x < 1));
      assert.ok(wh.every((x) => x >= 0 && x < 0.5));
      const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
      assert.ok(Math.abs(mean(v) - 0.5) < 0.05, `mean of V ${mean(v)}`);
      assert.ok(Math.abs(mean(wh) - 0.25) < 0.025, `mean of W, H ${mean(wh)}`);
    } finally {
      model.free();
    }
  });

  it("continues exactly from a model's factors: 20 + 30 iterations equal 50", async () => {
    const strata = denseStrata(5, [11, 13], 9);
    for (
      const options of [
        { solver: "mu", schedule: "sequential" },
        { solver: "mu", schedule: "reference" },
        { solver: "hals" },
      ] as const
    ) {
      const first = await fit(strata, { rank: 3, maxIter: 20, seed: 6, ...options });
      const resumed = await fit(strata, { rank: 3, maxIter: 30, ...options, init: first.toJSON() });
      const whole = await fit(strata, { rank: 3, maxIter: 50, seed: 6, ...options });
      try {
        assert.deepEqual(resumed.H, whole.H);
        assert.deepEqual(resumed.V, whole.V);
        assert.deepEqual(resumed.lossHistory, whole.lossHistory.subarray(20));
      } finally {
        [first, resumed, whole].forEach((m) => m.free());
      }
    }
  });
});

describe("serialization", () => {
  it("round-trips through JSON text exactly", async () => {
    const model = await fit(denseStrata(7, [8, 5], 6), {
      rank: 2,
      maxIter: 10,
      seed: 1,
      columnNames: ["a", "b", "c", "d", "e", "f"],
    });
    const copy = Model.fromJSON(JSON.stringify(model));
    try {
      assert.deepEqual(copy.toJSON(), model.toJSON());
      assert.deepEqual(copy.H, model.H);
      assert.deepEqual(copy.W, model.W);
      assert.deepEqual(copy.columnNames, ["a", "b", "c", "d", "e", "f"]);
    } finally {
      model.free();
      copy.free();
    }
  });

  it("rejects what is not a model", () => {
    assert.throws(() => Model.fromJSON({} as never), /Cannot read model: not a stratified-nmf model/);
    assert.throws(
      () => Model.fromJSON({ format: "stratified-nmf", version: 3 } as never),
      /version 3 is not supported/,
    );
    assert.throws(
      () =>
        Model.fromJSON({
          format: "stratified-nmf",
          version: 1,
          names: ["a"],
          rows: [1],
          cols: 2,
          rank: 1,
          V: [[1, 1]],
          W: [[[1]]],
          H: [[1]],
        } as never),
      /Cannot read model: init.H row 0 has 1 values, expected 2/,
    );
  });
});

describe("features", () => {
  it("names the columns where v(i) is largest", async () => {
    // stratum "high" is shifted up in column 2, stratum "low" in column 0
    const base = (r: number) => [1 + (r % 3), 2 + (r % 2), 1 + (r % 4), 2];
    const high = Array.from({ length: 30 }, (_, r) => base(r).map((x, j) => (j === 2 ? x + 20 : x)));
    const low = Array.from({ length: 30 }, (_, r) => base(r).map((x, j) => (j === 0 ? x + 20 : x)));
    const model = await fit([{ name: "high", data: high }, { name: "low", data: low }], {
      rank: 1,
      maxIter: 300,
      seed: 2,
      columnNames: ["w", "x", "y", "z"],
    });
    try {
      assert.deepEqual(model.topFeatures("high", 1), ["y"]);
      assert.deepEqual(model.topFeatures(1, 1), ["w"]);
      assert.deepEqual(model.topFeatures(0, 1, ["A", "B", "C", "D"]), ["C"]);
      assert.equal(model.topFeatures(0, 10).length, 4);
      assert.equal(model.topicFeatures(0, 2).length, 2);
      assert.throws(() => model.topFeatures("nope", 1), /Cannot select stratum: "nope"/);
      assert.throws(() => model.topicFeatures(1, 1), /Cannot select topic: 1 is not in \[0, 1\)/);
    } finally {
      model.free();
    }
  });
});

describe("memory", () => {
  it("frees explicitly, with free() and Symbol.dispose, and refuses reads after", async () => {
    const strata = denseStrata(8, [5, 5], 4);
    const heap = getCore().heap;
    const before = heap.allocatedBytes;
    const a = await fit(strata, { rank: 2, maxIter: 3, seed: 1 });
    assert.ok(heap.allocatedBytes > before);
    a.free();
    a.free();
    assert.equal(heap.allocatedBytes, before);
    assert.ok(a.freed);
    assert.throws(() => a.H, /it has been freed/);
    const b = await fit(strata, { rank: 2, maxIter: 3, seed: 1 });
    b[Symbol.dispose]();
    assert.equal(heap.allocatedBytes, before);
  });

  it("1,000 fits in a row do not grow the memory beyond the largest one", async () => {
    const heap = getCore().heap;
    const big = syntheticStrata({ strata: 3, rows: 60, cols: 50, seed: 1 }).strata;
    const first = await fit(big, { rank: 4, maxIter: 2, seed: 1 });
    first.free();
    const bytes = heap.memoryBytes;
    const allocated = heap.allocatedBytes;
    for (let i = 0; i < 1000; i++) {
      const strata = denseStrata(i, [5 + (i % 30), 3 + (i % 17)], 4 + (i % 40));
      const model = await fit(strata, { rank: 1 + (i % 3), maxIter: 2, seed: i });
      model.free();
    }
    assert.equal(heap.memoryBytes, bytes);
    assert.equal(heap.allocatedBytes, allocated);
  });
});

describe("progress, stopping and cancellation", () => {
  it("reports progress after every iteration", async () => {
    const seen: number[] = [];
    const model = await fit(denseStrata(9, [6, 7], 5), {
      rank: 2,
      maxIter: 12,
      seed: 1,
      onProgress: ({ iteration, loss, normalizedLoss, maxIter }) => {
        assert.equal(maxIter, 12);
        assert.ok(loss > 0 && normalizedLoss > 0 && normalizedLoss < 1);
        seen.push(iteration);
      },
    });
    model.free();
    assert.deepEqual(seen, Array.from({ length: 13 }, (_, i) => i));
  });

  it("stops on tol and says it converged", async () => {
    const strata = syntheticStrata({ seed: 2 }).strata;
    const model = await fit(strata, { rank: 5, maxIter: 5000, tol: 1e-5, seed: 1 });
    try {
      assert.ok(model.converged);
      assert.ok(model.iterations < 5000);
      const h = model.lossHistory;
      assert.equal(h.length, model.iterations + 1);
      assert.ok(h[h.length - 2] - h[h.length - 1] < 1e-5 * h[0]);
      for (let t = 1; t < h.length - 1; t++) assert.ok(h[t - 1] - h[t] >= 1e-5 * h[0], `stopped late at ${t}`);
    } finally {
      model.free();
    }
    const full = await fit(strata, { rank: 5, maxIter: 50, seed: 1 });
    assert.equal(full.converged, false);
    full.free();
  });

  it("aborts with the signal's reason and frees its memory", async () => {
    const heap = getCore().heap;
    const before = heap.allocatedBytes;
    const strata = syntheticStrata({ seed: 3 }).strata;
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("stop now")), 20);
    await assert.rejects(fit(strata, { rank: 5, maxIter: 10_000_000, seed: 1, signal: controller.signal }), /stop now/);
    assert.equal(heap.allocatedBytes, before);
    await assert.rejects(fit(strata, { rank: 5, signal: AbortSignal.abort() }), { name: "AbortError" });
  });
});

describe("model settings", () => {
  const strata = denseStrata(3, [9, 7], 6);

  it("records the solver, the start and the L1 weights, through toJSON and fromJSON", async () => {
    const model = await fit(strata, { rank: 2, maxIter: 3, solver: "mu", init: "nndsvd", l1V: 0.5, l1H: 0.25 });
    const copy = Model.fromJSON(JSON.stringify(model));
    try {
      for (const m of [model, copy]) {
        assert.equal(m.solver, "mu");
        assert.equal(m.init, "nndsvd");
        assert.deepEqual([m.l1V, m.l1W, m.l1H], [0.5, 0, 0.25]);
      }
      assert.equal(model.seed, null);
    } finally {
      model.free();
      copy.free();
    }
    const byDefault = await fit(strata, { rank: 2, maxIter: 1, seed: 3 });
    const resumed = await fit(strata, { rank: 2, maxIter: 1, init: byDefault.toJSON() });
    try {
      assert.equal(byDefault.solver, "hals");
      assert.equal(byDefault.init, "random");
      assert.equal(resumed.init, "explicit");
    } finally {
      byDefault.free();
      resumed.free();
    }
  });

  it("reads files written before the settings were recorded as mu, random start, no penalty", () => {
    const version1 = JSON.parse(readFileSync(new URL("./fixtures/model_v1.json", import.meta.url), "utf8"));
    const { solver: _s, init: _i, l1V: _v, l1W: _w, l1H: _h, ...old } = version1;
    const copy = Model.fromJSON(old);
    try {
      assert.equal(copy.solver, "mu");
      assert.equal(copy.init, "random");
      assert.deepEqual([copy.l1V, copy.l1W, copy.l1H], [0, 0, 0]);
    } finally {
      copy.free();
    }
  });

  it("rejects an unknown solver, start or a negative L1 weight in a file", async () => {
    const model = await fit(strata, { rank: 2, maxIter: 1, seed: 3 });
    const json = model.toJSON();
    model.free();
    const withSetting = (setting: Record<string, unknown>) => ({ ...json, settings: { ...json.settings, ...setting } });
    assert.throws(
      () => Model.fromJSON(withSetting({ solver: "als" })),
      /settings\.solver must be one of "mu", "hals", got als/,
    );
    assert.throws(
      () => Model.fromJSON(withSetting({ init: "svd" })),
      /settings\.init must be one of "random", "nndsvd", "explicit"/,
    );
    assert.throws(() => Model.fromJSON(withSetting({ l1W: -1 })), /settings\.l1W must be a finite number ≥ 0, got -1/);
  });
});

describe("ranking features", () => {
  // Column 0 is large in every stratum; column 2 is where "b" stands out, column 3 where "c" does.
  const rows = (v: number[]) => Array.from({ length: 8 }, (_, r) => v.map((x, j) => x + ((r + j) % 3) * 0.25));
  const strata = [
    { name: "a", data: rows([20, 1, 0, 0]) },
    { name: "b", data: rows([21, 1, 6, 0]) },
    { name: "c", data: rows([22, 1, 0, 4]) },
  ];

  it("ranks by contrast with the other strata by default, by share or by value on request", async () => {
    using model = await fit(strata, { rank: 1, maxIter: 200, seed: 3, columnNames: ["w", "x", "y", "z"] });
    assert.deepEqual(model.topFeatures("b", 2, { by: "value" }), ["w", "y"]);
    assert.deepEqual(model.topFeatures("b", 1), ["y"], "contrast: w is as large in the other strata");
    assert.deepEqual(model.topFeatures("b", 1, { by: "contrast" }), ["y"]);
    assert.deepEqual(model.topFeatures("c", 1), ["z"]);
    assert.deepEqual(model.topFeatures("c", 1, { by: "share" }), ["z"]);
    // The same ranking as sdk/contrast.ts's rankFeatures on the model's V.
    for (const by of ["contrast", "share", "value"] as const) {
      for (let i = 0; i < 3; i++) {
        const indices = model.topFeatures(i, 4, { by, columnNames: ["0", "1", "2", "3"] }).map(Number);
        assert.deepEqual(indices, rankFeatures(model.V, i, 4, by), `${by}, stratum ${i}`);
      }
    }
    assert.throws(
      () => model.topFeatures("a", 2, { by: "size" as "value" }),
      /by must be one of contrast, share, value/,
    );
  });

  it("takes a column-names array as the third argument, as earlier versions did", async () => {
    using model = await fit(strata, { rank: 1, maxIter: 200, seed: 3 });
    assert.deepEqual(model.topFeatures("b", 1), [2], "indices, from 0, without names");
    assert.deepEqual(model.topFeatures("b", 1, ["A", "B", "C", "D"]), ["C"]);
    assert.deepEqual(model.topFeatures("b", 1, { columnNames: ["A", "B", "C", "D"] }), ["C"]);
  });
});

describe("columns on mixed scales", () => {
  /** The largest of each column over dense data (`cols` wide) and CSR entries that are numbers, as float32. */
  const maximaOf = (cols: number, dense: Float32Array[], csr: CsrStratum[] = []) => {
    const maxima = new Array(cols).fill(0);
    for (const data of dense) {
      data.forEach((x, at) => maxima[at % cols] = x > maxima[at % cols] ? x : maxima[at % cols]);
    }
    for (const s of csr) {
      for (let e = 0; e < s.indices.length; e++) {
        maxima[s.indices[e]] = Math.max(maxima[s.indices[e]], Math.fround(s.values[e]));
      }
    }
    return maxima;
  };

  it("records the largest value of each column of the data: dense, CSR, masked and weighted", async () => {
    const dense = denseStrata(6, [5, 4], 3, 8);
    const csr = csrStrata(7, [6], 3, 0.5);
    const expected = maximaOf(
      3,
      dense.map((s) => s.data as Float32Array),
      csr,
    );
    using model = await fit([...dense, ...csr], { rank: 1, maxIter: 3, seed: 1 });
    assert.deepEqual(model.columnMaxima, expected);
    const masked = denseStrata(8, [4, 4], 3, 100).map((s) => s.data as Float32Array);
    masked[1][masked[1].indexOf(Math.max(...masked[1]))] = NaN;
    using unobserved = await fit(masked.map((data) => ({ rows: 4, cols: 3, data })), {
      rank: 1,
      maxIter: 3,
      seed: 1,
      missing: "mask",
    });
    assert.deepEqual(unobserved.columnMaxima, maximaOf(3, masked), "an unobserved entry is not a value");
    using weighted = await fit([...dense, ...csr], { rank: 1, maxIter: 3, seed: 1, strataWeights: [4, 1, 0.25] });
    weighted.columnMaxima!.forEach((m, j) => assert.ok(Math.abs(m / expected[j] - 1) < 1e-6, `${j}: ${m}`));
  });

  it("keeps the column maxima in the model file, and reads files written before without them", async () => {
    using model = await fit(denseStrata(9, [4, 5], 3, 10), { rank: 1, maxIter: 3, seed: 1 });
    const json = model.toJSON();
    assert.deepEqual(json.columnMaxima, model.columnMaxima);
    using copy = Model.fromJSON(JSON.stringify(json));
    assert.deepEqual(copy.columnMaxima, model.columnMaxima);
    const { columnMaxima: _, ...older } = json;
    using old = Model.fromJSON(older);
    assert.equal(old.columnMaxima, undefined);
    assert.equal(rankScaling(old, "contrast").reason, "not recorded");
    assert.throws(() => Model.fromJSON({ ...json, columnMaxima: [1, 2] }), {
      name: "RangeError",
      message: "Cannot read model: columnMaxima has 2 numbers for 3 columns",
    });
    assert.throws(
      () => Model.fromJSON({ ...json, columnMaxima: [1, -2, 3] }),
      {
        name: "RangeError",
        message: "Cannot read model: columnMaxima[1] must be a finite number ≥ 0, got -2",
      },
    );
  });

  // As cars by origin: weight in pounds (column 0) beside mpg (1) and a small column (2). Stratum
  // "a" is 300 pounds heavier than the others (a tenth of the weight), "b" 15 mpg thriftier (a half).
  const rows = (v: number[]) => Array.from({ length: 8 }, (_, r) => v.map((x, j) => x * (1 + ((r + j) % 3) * 0.01)));
  const cars = [
    { name: "a", data: rows([3300, 20, 2]) },
    { name: "b", data: rows([3000, 35, 2]) },
    { name: "c", data: rows([3000, 20, 3]) },
  ];
  const names = ["weight", "mpg", "small"];

  it("ranks contrasts and values on the scaled values, each divided by its column's largest value", async () => {
    using model = await fit(cars, { rank: 1, maxIter: 300, seed: 3, columnNames: names });
    assert.deepEqual(rankScaling(model, "contrast").reason, "mixed scales");
    assert.deepEqual(
      model.topFeatures("b", 1, { by: "value" }),
      ["mpg"],
      "v near 35 of mpg's 35.7, 2970 of weight's 3366",
    );
    assert.deepEqual(rankFeatures(model.V, 1, 1, "value"), [0], "as fitted, weight's 3000 lead");
    let differs = 0;
    for (const by of ["contrast", "share", "value"] as const) {
      for (let i = 0; i < 3; i++) {
        const indices = model.topFeatures(i, 3, { by, columnNames: ["0", "1", "2"] }).map(Number);
        const scales = by === "share" ? undefined : model.columnMaxima;
        assert.deepEqual(indices, rankFeatures(model.V, i, 3, by, scales), `${by}, stratum ${i}`);
        if (indices.join() !== rankFeatures(model.V, i, 3, by).join()) differs++;
      }
    }
    assert.ok(differs >= 1, "ranked otherwise than as fitted");
  });

  it("ranks as fitted when the columns were scaled before the fit, even if their maxima are still far apart", async () => {
    // Divided by its standard deviation, a steady column (100 to 100.2) goes far above a spiky one.
    const records = Array.from({ length: 24 }, (_, r) => ({
      origin: ["a", "b", "c"][r % 3],
      steady: 100 + (r % 5) * 0.05,
      spiky: r === 7 ? 50 : r % 4,
      other: 1 + (r % 6),
    }));
    const table = fromTable(records, { strataColumn: "origin", scale: "std" });
    using model = await fit(table.strata, {
      rank: 1,
      maxIter: 100,
      seed: 2,
      columnNames: table.columnNames,
      preprocessing: table.preprocessing,
    });
    const scaling = rankScaling(model, "value");
    assert.equal(scaling.mixed, true, `maxima ${model.columnMaxima}`);
    assert.equal(scaling.reason, "scaled before the fit");
    assert.equal(scaling.rankedOn, "fitted");
    for (const by of ["contrast", "value"] as const) {
      for (let i = 0; i < 3; i++) {
        const ranked = model.topFeatures(i, 3, { by, columnNames: ["0", "1", "2"] }).map(Number);
        assert.deepEqual(ranked, rankFeatures(model.V, i, 3, by), `${by}, stratum ${i}`);
      }
    }
  });
});

describe("the time of a fit", () => {
  it("records the whole fit() call, the iterations included, and keeps it in the model file", async () => {
    const started = performance.now();
    using model = await fit(denseStrata(4, [30, 20], 12), { rank: 3, maxIter: 20, seed: 1 });
    const outside = performance.now() - started;
    assert.ok(model.totalMs !== undefined && model.totalMs >= model.elapsedMs, `${model.totalMs} ≥ ${model.elapsedMs}`);
    assert.ok(model.totalMs <= outside, `${model.totalMs} ≤ ${outside}`);
    const json = model.toJSON();
    assert.equal(json.totalMs, model.totalMs);
    using copy = Model.fromJSON(JSON.stringify(json));
    assert.equal(copy.totalMs, model.totalMs);
    // Files written before it was recorded load without it.
    const { totalMs: _, ...older } = json;
    using old = Model.fromJSON(older);
    assert.equal(old.totalMs, undefined);
    assert.equal("totalMs" in old.toJSON(), false);
    assert.throws(() => Model.fromJSON({ ...json, totalMs: -1 }), /totalMs must be a finite number ≥ 0, got -1/);
  });
});

describe("Deno's Jupyter display", () => {
  const display = Symbol.for("Jupyter.display");
  type Displayable = { [display](): Record<string, string> };

  it("shows a model as a small HTML summary: the run, the top features of each stratum and topic", async () => {
    const strata = [
      { name: "<north>", data: [[20, 1, 0], [21, 1, 0.5], [20, 2, 0]] },
      { name: "south & co", data: [[20, 1, 6], [21, 1, 7], [20, 2, 6]] },
    ];
    using model = await fit(strata, { rank: 1, maxIter: 100, seed: 1, columnNames: ["big", "small", "south's"] });
    const bundle = (model as unknown as Displayable)[display]();
    assert.deepEqual(Object.keys(bundle).sort(), ["text/html", "text/plain"]);
    const html = bundle["text/html"];
    assert.match(
      html,
      /^<div class="stratified-nmf-model"><p><b>Stratified-NMF model<\/b>: 2 strata, 6 rows × 3 columns, rank 1; HALS, 100 iterations, normalized loss [0-9.e-]+<\/p><table>/,
    );
    assert.match(html, /<td style="text-align:left">&#60;north&#62;<\/td>/, "names escaped");
    assert.match(
      html,
      /<td style="text-align:left">south &#38; co<\/td><td style="text-align:left">south&#39;s, /,
      "by contrast",
    );
    assert.match(html, /<td style="text-align:left">topic 0<\/td>/, "topics numbered from 0");
    assert.doesNotMatch(html, /<script|<style/);
    assert.match(bundle["text/plain"], /^Stratified-NMF model: 2 strata/);
    assert.match(bundle["text/plain"], /\n {2}south & co +south's, /);
  });

  it("counts the strata and topics it leaves out, and says when the model is freed", async () => {
    const strata = Array.from({ length: 14 }, (_, i) => ({ name: `s${i}`, data: [[i + 1, 2, 3, 1], [1, i, 2, 2]] }));
    const model = await fit(strata, { rank: 2, maxIter: 5, seed: 1 });
    const html = (model as unknown as Displayable)[display]()["text/html"];
    assert.match(html, /<td colspan="2">… and 2 more strata<\/td>/);
    assert.match(html, /<td style="text-align:left">col \d/, "unnamed columns numbered from 0");
    model.free();
    assert.deepEqual((model as unknown as Displayable)[display](), { "text/plain": "Stratified-NMF model (freed)" });
  });
});

describe("model files of format 1", () => {
  // Written by `snmf fit` of format 1 (commit 95a878b) from two CSV strata with a header:
  // snmf fit strata/ --rank 2 --iters 12 --seed 5 --solver mu --schedule reference
  //   --v-updates 3 --l1-v 0.125 --threads 1 --out model_v1.json
  const file = new URL("./fixtures/model_v1.json", import.meta.url);
  const json = JSON.parse(readFileSync(file, "utf8"));

  it("load with the file's factors, settings and results", () => {
    assert.equal(json.version, 1);
    const model = Model.fromJSON(readFileSync(file, "utf8"));
    try {
      assert.deepEqual(model.names, ["north", "south"]);
      assert.deepEqual(model.rows, [4, 3]);
      assert.equal(model.cols, 4);
      assert.equal(model.rank, 2);
      assert.deepEqual(model.V, json.V.map((v: number[]) => Float32Array.from(v)));
      assert.deepEqual(model.W, json.W.map((w: number[][]) => Float32Array.from(w.flat())));
      assert.deepEqual(model.H, Float32Array.from(json.H.flat()));
      assert.deepEqual(model.lossHistory, Float64Array.from(json.lossHistory));
      assert.equal(model.lossHistory.length, 13);
      assert.equal(model.loss, json.loss);
      assert.equal(model.normalizedLoss, json.normalizedLoss);
      assert.equal(model.iterations, 12);
      assert.equal(model.converged, false);
      assert.equal(model.elapsedMs, json.elapsedMs);
      assert.equal(model.seed, 5);
      assert.equal(model.solver, "mu");
      assert.equal(model.schedule, "reference");
      assert.equal(model.vUpdates, 3);
      assert.equal(model.init, "random");
      assert.deepEqual([model.l1V, model.l1W, model.l1H], [0.125, 0, 0]);
      assert.equal(model.threads, 1);
      assert.deepEqual(model.columnNames, ["height", "weight", "age", "income"]);
      assert.deepEqual(model.topFeatures("south", 1), ["height"]);
    } finally {
      model.free();
    }
  });
});

describe("model settings, one object", () => {
  it("lists every setting once in model.settings, which the model's fields read", async () => {
    const model = await fit(denseStrata(3, [9, 7], 6), { rank: 2, maxIter: 2, seed: 4, solver: "mu", l1H: 0.5 });
    try {
      assert.deepEqual(Object.keys(model.settings), SETTING_NAMES);
      assert.deepEqual(model.settings, {
        solver: "mu",
        vUpdates: 2,
        seed: 4,
        schedule: "sequential",
        init: "random",
        l1V: 0,
        l1W: 0,
        l1H: 0.5,
        restarts: 1,
        strataWeights: null,
        missing: "error",
        normalizeUnits: true,
        threads: model.settings.threads,
      });
      for (const name of SETTING_NAMES) assert.equal(model[name], model.settings[name], name);
      assert.ok(Object.isFrozen(model.settings));
      assert.deepEqual(model.toJSON().settings, model.settings);
    } finally {
      model.free();
    }
  });
});

describe("model files are checked field by field, as fit's options", () => {
  const strata = denseStrata(3, [3, 2], 4);
  let json: ModelJSON;
  before(async () => {
    const model = await fit(strata, { rank: 2, maxIter: 3, seed: 1, columnNames: ["a", "b", "c", "d"] });
    json = model.toJSON();
    model.free();
  });
  const edit = (change: (copy: Record<string, unknown>) => void) => {
    const copy = JSON.parse(JSON.stringify(json));
    change(copy);
    return copy;
  };
  const cases: [string, (copy: Record<string, unknown>) => void, typeof TypeError | typeof RangeError, RegExp][] = [
    [
      "names that are not strings",
      (c) => c.names = [1, 2],
      TypeError,
      /names\[0\] must be a string, got a number \(1\)/,
    ],
    ["a repeated name", (c) => c.names = ["a", "a"], RangeError, /names\[1\] repeats the name "a"/],
    [
      "fewer names than strata",
      (c) => c.names = ["a"],
      RangeError,
      /names and rows must have the same, non-zero length/,
    ],
    ["a row count of 0", (c) => c.rows = [3, 0], RangeError, /rows\[1\] must be an integer ≥ 1, got 0/],
    ["a rank beyond the data", (c) => c.rank = 5, RangeError, /rank must be an integer in \[1, 4\], got 5/],
    [
      "column names that are not strings",
      (c) => c.columnNames = [1, 2, 3, 4],
      TypeError,
      /columnNames\[0\] must be a string/,
    ],
    ["too few column names", (c) => c.columnNames = ["a", "b"], RangeError, /columnNames has 2 names for 4 columns/],
    [
      "a loss that is not a number",
      (c) => c.loss = "abc",
      TypeError,
      /loss must be a finite number ≥ 0, got a string \("abc"\)/,
    ],
    ["a negative iteration count", (c) => c.iterations = -3, RangeError, /iterations must be an integer ≥ 0, got -3/],
    [
      "a loss history of the wrong length",
      (c) => c.lossHistory = [1, 2],
      RangeError,
      /lossHistory has 2 values, expected iterations \+ 1 = 4/,
    ],
    [
      "a negative loss in the history",
      (c) => (c.lossHistory as number[])[1] = -1,
      RangeError,
      /lossHistory\[1\] must be a finite number ≥ 0, got -1/,
    ],
    ["converged that is not a boolean", (c) => c.converged = "no", TypeError, /converged must be a boolean/],
    [
      "a setting missing",
      (c) => delete (c.settings as Record<string, unknown>).solver,
      TypeError,
      /settings\.solver is missing/,
    ],
    [
      "a setting that is not one",
      (c) => (c.settings as Record<string, unknown>).solvr = "mu",
      RangeError,
      /settings\.solvr is not a setting \(did you mean solver\?\)/,
    ],
    ["no settings", (c) => delete c.settings, TypeError, /settings must be an object, got undefined/],
    [
      "a field that is not one",
      (c) => c.iteration = 3,
      RangeError,
      /iteration is not a field of a model file \(version 2\) \(did you mean iterations\?\)/,
    ],
    [
      "a factor beyond float32",
      (c) => (c.H as number[][])[1][2] = 1e39,
      RangeError,
      /init\.H row 1, column 2 must be a finite non-negative number within float32, got 1e\+39/,
    ],
    [
      "a negative factor",
      (c) => (c.W as number[][][])[1][0][1] = -2,
      RangeError,
      /init\.W\[1\] row 0, column 1 must be a finite non-negative number/,
    ],
  ];
  for (const [name, change, type, message] of cases) {
    it(`rejects ${name}`, () => {
      assert.throws(() => Model.fromJSON(edit(change)), (error: Error) => {
        assert.ok(error instanceof type, `${error.constructor.name}: ${error.message}`);
        assert.match(error.message, /^Cannot read model: /);
        assert.match(error.message, message);
        return true;
      });
    });
  }

  it("rejects an infinite factor in JSON text", () => {
    const text = JSON.stringify(json).replace(/"H":\[\[[0-9.e+-]+/, '"H":[[1e999');
    assert.throws(
      () => Model.fromJSON(text),
      /init\.H row 0, column 0 must be a finite non-negative number .*got Infinity/,
    );
  });

  it("rejects sizes beyond the arrays present before allocating anything", () => {
    const heap = getCore().heap;
    const [memory, allocated] = [heap.memoryBytes, heap.allocatedBytes];
    // 2,000 rows of rank 2,000 and 5,000 columns: 56 MB of factors, claimed by a 140-byte file.
    const text = '{"format":"stratified-nmf","version":2,"names":["a"],"rows":[2000],"cols":5000,"rank":2000,' +
      '"V":[[]],"W":[[]],"H":[]}';
    assert.throws(
      () => Model.fromJSON(text),
      /^RangeError: Cannot read model: init\.V\[0\] has 0 values, expected 1 × 5000/,
    );
    // The file: rank 20,000 and 50,000 columns (4 GB).
    const huge = '{"format":"stratified-nmf","version":1,"names":["a"],"rows":[20000],"cols":50000,"rank":20000,' +
      '"V":[[]],"W":[[]],"H":[]}';
    assert.throws(() => Model.fromJSON(huge), /^RangeError: Cannot read model: init\.V\[0\] has 0 values/);
    assert.equal(heap.memoryBytes, memory, "the memory did not grow");
    assert.equal(heap.allocatedBytes, allocated);
  });

  it("names the fields of format 1 files where they are", () => {
    const version1 = JSON.parse(readFileSync(new URL("./fixtures/model_v1.json", import.meta.url), "utf8"));
    assert.throws(
      () => Model.fromJSON({ ...version1, schedule: "fast" }),
      /^RangeError: Cannot read model: schedule must be one of "sequential", "reference", got fast/,
    );
    assert.throws(
      () => Model.fromJSON({ ...version1, seed: "5" }),
      /^TypeError: Cannot read model: seed must be a safe integer or null/,
    );
    assert.throws(
      () => Model.fromJSON({ ...version1, settings: {} }),
      /settings is not a field of a model file \(version 1\)/,
    );
  });
});

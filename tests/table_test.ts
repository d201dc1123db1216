// fromTable(): records, columns and Arrow tables into strata; the preprocessing (missing cells,
// shifts, scales) and its record on the model, applied to new rows and inverted for v and H.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tableFromArrays } from "apache-arrow";
import { applyPreprocessing, fit, fromTable, Model, type Preprocessing, toOriginalUnits } from "../sdk/mod.ts";
import { preprocess } from "../sdk/input/preprocess.ts";

const cars = [
  { name: "a", origin: "USA", mpg: 18, hp: 130, year: "1970-01-01" },
  { name: "b", origin: "USA", mpg: 15, hp: 165, year: "1970-01-01" },
  { name: "c", origin: "Japan", mpg: 24, hp: 95, year: "1971-01-01" },
  { name: "d", origin: "Japan", mpg: null, hp: 88, year: "1971-01-01" },
  { name: "e", origin: "Europe", mpg: 26, hp: 46, year: "1972-01-01" },
];

function rangeError(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof RangeError, String(error));
    assert.match(error.message, pattern);
    return true;
  });
}

describe("fromTable", () => {
  it("groups records, columns and Arrow tables alike: strata by first appearance, text left out", () => {
    const records = fromTable(cars, { strataColumn: "origin", missing: "fill-zero" });
    const columns = fromTable({
      name: cars.map((c) => c.name),
      origin: cars.map((c) => c.origin),
      mpg: cars.map((c) => c.mpg),
      hp: Float64Array.from(cars, (c) => c.hp),
      year: cars.map((c) => c.year),
    }, { strataColumn: "origin", missing: "fill-zero" });
    const arrow = fromTable(
      tableFromArrays({
        name: cars.map((c) => c.name),
        origin: cars.map((c) => c.origin),
        mpg: Float64Array.from(cars, (c) => c.mpg ?? NaN),
        hp: Int32Array.from(cars, (c) => c.hp),
        year: cars.map((c) => c.year),
      }),
      { strataColumn: "origin", missing: "fill-zero" },
    );
    for (const table of [records, columns, arrow]) {
      assert.deepEqual(table.strata.map((s) => [s.name, s.rows, s.cols]), [["USA", 2, 2], ["Japan", 2, 2], [
        "Europe",
        1,
        2,
      ]]);
      assert.deepEqual(table.columnNames, ["mpg", "hp"]);
      assert.deepEqual(Array.from(table.strata[1].data), [24, 95, 0, 88]);
      assert.deepEqual(table.leftOut, [
        { name: "name", why: 'row 0: "a" is not a number' },
        { name: "origin", why: "the strata column" },
        { name: "year", why: 'row 0: "1970-01-01" is not a number' },
      ]);
      assert.deepEqual(table.missingCells, [1, 0]);
    }
  });

  it("takes the columns asked for, in order, keeps an id column as rowIds, one stratum without a strata column", () => {
    const table = fromTable(cars, { columns: ["hp", "mpg"], idColumn: "name", missing: "drop-rows", name: "all" });
    assert.equal(table.strata.length, 1);
    assert.equal(table.strata[0].name, "all");
    assert.deepEqual(Array.from(table.strata[0].data), [130, 18, 165, 15, 95, 24, 46, 26]);
    assert.deepEqual(table.strata[0].rowIds, ["a", "b", "c", "e"], "the dropped row's id goes with it");
    assert.deepEqual(table.preprocessing?.droppedRows, [[3]]);
    assert.equal(table.droppedRows, 1);
    rangeError(() => fromTable(cars, { columns: ["hp", "nope"] }), /the table has no column "nope" \(columns\)/);
    rangeError(
      () => fromTable(cars, { strataColumn: "origin", columns: ["origin"] }),
      /columns includes the strata column "origin"/,
    );
    rangeError(
      () => fromTable(cars, { strataColumn: "origin", columns: ["name"] }),
      /row 0, column "name" is not a number/,
    );
    assert.throws(
      () => fromTable(cars, { strataColum: "origin" } as never),
      /strataColum is not an option of fromTable/,
    );
  });

  it("refuses a missing cell by default, naming the options; a negative value, naming the shifts", () => {
    rangeError(
      () => fromTable(cars, { strataColumn: "origin" }),
      /^Cannot read table: row 3, column "mpg" is missing; choose what to do with missing cells: missing "drop-rows", "fill-mean", "fill-zero" or "mask" \(default "error"\)$/,
    );
    rangeError(
      () => fromTable([{ s: "a", t: 2 }, { s: "a", t: -1.5 }], { strataColumn: "s" }),
      /row 1, column "t" is negative \(-1\.5\); shiftNegative: true \(or scale: "minmax"\) shifts/,
    );
    rangeError(
      () => fromTable([{ s: "", t: 2 }], { strataColumn: "s" }),
      /row 0, the strata column \(strataColumn\) is empty/,
    );
  });

  it("fills with the mean over every stratum, and records what it did", () => {
    const table = fromTable(cars, { strataColumn: "origin", missing: "fill-mean" });
    const mean = Math.fround((18 + 15 + 24 + 26) / 4);
    assert.equal(table.strata[1].data[2], mean);
    assert.deepEqual(table.preprocessing, {
      missing: "fill-mean",
      fill: [mean, Math.fround((130 + 165 + 95 + 88 + 46) / 5)],
      missingCells: [1, 0],
      scale: "none",
      shiftNegative: false,
      shift: [0, 0],
      divisor: [1, 1],
    });
    assert.equal(fromTable(cars, { strataColumn: "origin", columns: ["hp"] }).preprocessing, undefined, "nothing done");
  });

  it("scales: max, minmax onto [0, 1], std without centring; shifts negative columns to 0", () => {
    const rows = [{ s: "a", x: -2, y: 10 }, { s: "a", x: 0, y: 20 }, { s: "b", x: 4, y: 40 }];
    const values = (options: Parameters<typeof fromTable>[1]) => {
      const t = fromTable(rows, { strataColumn: "s", ...options });
      return { data: t.strata.flatMap((s) => Array.from(s.data)), p: t.preprocessing! };
    };
    const minmax = values({ scale: "minmax" });
    assert.deepEqual(minmax.data, [0, 0, 2 / 6, 1 / 3, 1, 1].map(Math.fround));
    assert.deepEqual(minmax.p.shift, [2, -10]);
    const shifted = values({ shiftNegative: true, scale: "max" });
    assert.deepEqual(shifted.p.shift, [2, 0]);
    assert.deepEqual(shifted.p.divisor, [6, 40]);
    const std = values({ shiftNegative: true, scale: "std" });
    const sd = (xs: number[]) => {
      const m = xs.reduce((a, b) => a + b) / xs.length;
      return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length);
    };
    assert.deepEqual(std.p.divisor, [sd([-2, 0, 4]), sd([10, 20, 40])]);
    assert.deepEqual(std.data.slice(1, 2), [Math.fround(10 / sd([10, 20, 40]))], "not centred");
  });

  it("warns when column maxima are more than 100× apart unscaled, not when scaled", () => {
    const rows = [{ s: "a", small: 3, big: 1e9 }, { s: "b", small: 2, big: 2e9 }];
    const [warning] = fromTable(rows, { strataColumn: "s" }).warnings;
    assert.match(
      warning,
      /column maxima differ 6\.67e\+8-fold, from 3 in column 0 \("small"\) to 2e\+9 in column 1 \("big"\)/,
    );
    assert.match(warning, /scale: "max" or scale: "std"/);
    assert.deepEqual(fromTable(rows, { strataColumn: "s", scale: "max" }).warnings, []);
    assert.deepEqual(fromTable([{ s: "a", x: 1, y: 100 }], { strataColumn: "s" }).warnings, [], "100× is not more");
  });
});

describe("preprocessing records", () => {
  const shiftScale: Preprocessing = {
    missing: "fill-zero",
    fill: [0, 0],
    missingCells: [0, 0],
    scale: "max",
    shiftNegative: true,
    shift: [2, 0],
    divisor: [4, 10],
  };

  it("refuses a shift of sparse strata (it would densify them); scales them by division", () => {
    const csr = () => ({
      name: "s",
      rows: 2,
      cols: 2,
      indptr: Int32Array.of(0, 1, 2),
      indices: Int32Array.of(0, 1),
      values: Float32Array.of(4, 8),
    });
    rangeError(
      () => preprocess([csr()], { shiftNegative: true }),
      /shiftNegative: true would shift the columns of the sparse stratum 0 \("s"\)/,
    );
    rangeError(() => preprocess([csr()], { scale: "minmax" }), /scale: "minmax" would shift/);
    const scaled = preprocess([csr()], { scale: "max" });
    assert.deepEqual(Array.from(scaled.strata[0].values), [1, 1]);
    assert.deepEqual(scaled.preprocessing?.divisor, [4, 8]);
  });

  it("treats new rows as the fit's data, and gives v and H back in the data's units", () => {
    const rows = { rows: 2, cols: 2, data: Float32Array.of(2, NaN, -1, 5) };
    const done = applyPreprocessing(shiftScale, rows);
    assert.deepEqual(Array.from(done.stratum.data), [1, 0, 0.25, 0.5]);
    rangeError(
      () => applyPreprocessing(shiftScale, { rows: 1, cols: 2, data: Float32Array.of(-3, 1) }),
      /row 0, column 0 \(-3\) is below -2, the smallest value of the data the model was fitted to/,
    );
    const original = toOriginalUnits(shiftScale, [Float32Array.of(0.5, 0.25)], Float32Array.of(1, 2, 3, 4));
    assert.deepEqual(Array.from(original.V[0]), [0.5 * 4 - 2, 2.5]);
    assert.deepEqual(Array.from(original.H), [4, 20, 12, 40]);
  });

  it("the inverse reproduces the data's reconstruction in their own units", async () => {
    const rows = Array.from({ length: 12 }, (_, r) => ({
      s: r % 2 ? "odd" : "even",
      temp: (r % 5) - 2.5,
      rain: (r * 7) % 11,
      wind: 100 + r,
    }));
    const table = fromTable(rows, { strataColumn: "s", shiftNegative: true, scale: "std" });
    const model = await fit(table.strata, {
      rank: 2,
      maxIter: 50,
      seed: 3,
      threads: 1,
      columnNames: table.columnNames,
      preprocessing: table.preprocessing,
    });
    const { V, H } = toOriginalUnits(model.preprocessing!, model.V, model.H);
    const { shift, divisor } = model.preprocessing!;
    model.W.forEach((W, i) => {
      for (let r = 0; r < model.rows[i]; r++) {
        for (let j = 0; j < 3; j++) {
          let scaled = model.V[i][j];
          let original = V[i][j];
          for (let q = 0; q < 2; q++) {
            scaled += W[r * 2 + q] * model.H[q * 3 + j];
            original += W[r * 2 + q] * H[q * 3 + j];
          }
          assert.ok(Math.abs(original - (scaled * divisor[j] - shift[j])) < 1e-9 * (1 + Math.abs(original)));
        }
      }
    });
    model.free();
  });

  it("is kept on the model with the row ids, through toJSON and fromJSON; bad records are refused", async () => {
    const table = fromTable(cars, { strataColumn: "origin", idColumn: "name", missing: "fill-mean", scale: "max" });
    const model = await fit(table.strata, { rank: 1, maxIter: 5, seed: 1, preprocessing: table.preprocessing });
    assert.deepEqual(model.rowIds, [["a", "b"], ["c", "d"], ["e"]]);
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    assert.deepEqual(json.preprocessing, table.preprocessing);
    const again = Model.fromJSON(json);
    assert.deepEqual(again.preprocessing, table.preprocessing);
    assert.deepEqual(again.rowIds, model.rowIds);
    assert.throws(
      () => Model.fromJSON({ ...json, preprocessing: { ...json.preprocessing, divisor: [1] } }),
      /Cannot read model: preprocessing divisor must be an array of 2 numbers \(one per column\)/,
    );
    assert.throws(
      () => Model.fromJSON({ ...json, rowIds: [["a"], ["c", "d"], ["e"]] }),
      /rowIds\[0\] has 1 ids for 2 rows/,
    );
    await assert.rejects(
      fit(table.strata, { rank: 1, preprocessing: { ...table.preprocessing!, shift: [0, 0, 0] } }),
      /options\.preprocessing shift must be an array of 2 numbers/,
    );
    await assert.rejects(
      fit([table.strata[0], { ...table.strata[1], rowIds: undefined }], { rank: 1 }),
      /stratum 1 has no rowIds where stratum 0 has them/,
    );
    model.free();
    again.free();
  });
});

// End to end on public tables nobody here chose, from the npm package vega-datasets: cars (406
// rows; text, dates and missing cells) by Origin, written as CSV, TSV, JSON, JSON Lines,
// Parquet and Arrow IPC, as one file and as a directory of one file per stratum, through the
// command (all formats through the source; Parquet and Arrow, whose libraries load lazily, also
// through the bundle and the compiled binary): every format gives the same model. And
// seattle-weather by weather: temperatures below zero, shifted; transform with row ids.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ModelJSON } from "../../sdk/mod.ts";
import { assertRefused, cleanup, parseJson, run, RUNNER_LABELS, runnerAt, show, snmfArgs, tempDir } from "./harness.ts";
import { type Row, TABLE_FORMATS, tableFile, writeTableFiles } from "../io/table_files.ts";

const SLOW = { timeout: 120_000 };
const DATA = new URL("../../node_modules/vega-datasets/data/", import.meta.url);

/** vega-datasets' cars: Name, Miles_per_Gallon, …, Year (a date), Origin; 14 missing cells. */
function cars(): Row[] {
  return JSON.parse(readFileSync(new URL("cars.json", DATA), "utf8"));
}

/** vega-datasets' seattle-weather.csv as records (no quoted fields in it). */
function weather(): Row[] {
  const [header, ...lines] = readFileSync(new URL("seattle-weather.csv", DATA), "utf8").trimEnd().split("\n");
  const names = header.split(",");
  return lines.map((line) => {
    const cells = line.split(",");
    return Object.fromEntries(
      names.map((name, j) => [name, /^-?[\d.]+$/.test(cells[j]) ? Number(cells[j]) : cells[j]]),
    );
  });
}

describe("snmf on vega-datasets' tables, every input format", () => {
  const root = tempDir();
  const fitArgs = ["--rank", "2", "--iters", "30", "--seed", "1", "--threads", "1"];
  const carsArgs = ["--strata-column", "Origin", "--id-column", "Name", "--missing", "drop-rows", "--scale", "max"];
  let files: Record<string, string> = {};
  const byOrigin = join(root, "by-origin");

  before(() => {
    const rows = cars();
    files = writeTableFiles(root, "cars", rows);
    mkdirSync(byOrigin);
    // One file per stratum, each origin in another format.
    ["USA", "Europe", "Japan"].forEach((origin, i) => {
      const extension = TABLE_FORMATS[[5, 4, 3][i]];
      const stratum = rows.filter((row) => row.Origin === origin).map(({ Origin: _, ...rest }) => rest);
      writeFileSync(join(byOrigin, `${origin}${extension}`), tableFile(stratum, extension));
    });
    writeTableFiles(root, "weather", weather());
  });
  after(() => cleanup(root));

  /** The fitted numbers of a model file and what it records of the input. */
  const essence = (path: string) => {
    const { names, rows, columnNames, preprocessing, rowIds, V, W, H } = JSON.parse(
      readFileSync(path, "utf8"),
    ) as ModelJSON;
    return { names, rows, columnNames, preprocessing, rowIds, V, W, H };
  };

  it("cars: the same model from CSV, TSV, JSON, JSON Lines, Parquet and Arrow", SLOW, (t) => {
    const { runner, skip } = runnerAt(0);
    if (skip(t)) return;
    const models = TABLE_FORMATS.map((extension) => {
      const out = join(root, `cars${extension}.model.json`);
      const result = run(runner(), ["fit", files[extension], ...carsArgs, ...fitArgs, "--out", out]);
      assert.equal(result.status, 0, `${extension}: ${show(result)}`);
      assert.match(
        result.stderr,
        /using 6 columns: Miles_per_Gallon, Cylinders, Displacement, Horsepower, Weight_in_lbs, Acceleration/,
      );
      assert.match(result.stderr, /left out column "Year" \((line|row) \d+: "1970-01-01" is not a number\)/);
      assert.match(result.stderr, /left out 14 rows with missing cells \(Miles_per_Gallon 8, Horsepower 6\)/);
      return essence(out);
    });
    assert.deepEqual(models[0].names, ["USA", "Europe", "Japan"]);
    assert.deepEqual(models[0].rows, [245, 68, 79]);
    assert.equal(models[0].rowIds?.[0][0], "chevrolet chevelle malibu");
    models.slice(1).forEach((model, i) => assert.deepEqual(model, models[0], TABLE_FORMATS[i + 1]));
  });

  it("cars: refused without --missing, naming the choices; a warning of its mixed scales", SLOW, (t) => {
    const { runner, skip } = runnerAt(0);
    if (skip(t)) return;
    const refused = run(
      runner(),
      snmfArgs("fit", files[".csv"], { "strata-column": "Origin", out: join(root, "never.json") }),
    );
    assertRefused(
      refused,
      /cars\.csv line 12: column 2 \("Miles_per_Gallon"\) is empty; choose what to do with missing cells: --missing drop-rows, fill-mean, fill-zero or mask/,
    );
    const unscaled = run(runner(), [
      "fit",
      files[".json"],
      "--strata-column",
      "Origin",
      "--missing",
      "fill-mean",
      ...fitArgs,
      "--out",
      join(root, "unscaled.json"),
    ]);
    assert.equal(unscaled.status, 0, show(unscaled));
    assert.match(
      unscaled.stderr,
      /warning: .*column maxima differ 643-fold, from 8 in column 2 \("Cylinders"\) to 5140 in column 5 \("Weight_in_lbs"\)/,
    );
  });

  it("cars: a directory of one file per origin, each in another format", SLOW, (t) => {
    const { runner, skip } = runnerAt(0);
    if (skip(t)) return;
    const out = join(root, "by-origin.json");
    const result = run(runner(), [
      "fit",
      byOrigin,
      "--id-column",
      "Name",
      "--missing",
      "drop-rows",
      "--scale",
      "max",
      ...fitArgs,
      "--out",
      out,
      "--json",
    ]);
    assert.equal(result.status, 0, show(result));
    assert.deepEqual(parseJson(result).strata, [{ name: "Europe", rows: 68 }, { name: "Japan", rows: 79 }, {
      name: "USA",
      rows: 245,
    }]);
    assert.deepEqual(essence(out).columnNames, essence(join(root, "cars.csv.model.json")).columnNames);
  });

  RUNNER_LABELS.forEach((label, index) => {
    it(`cars: Parquet and Arrow through the ${label}, their libraries loaded when needed`, SLOW, (t) => {
      const { runner, skip } = runnerAt(index);
      if (skip(t)) return;
      for (const extension of [".parquet", ".arrow"]) {
        const out = join(root, `${label}${extension}.json`);
        const result = run(runner(), ["fit", files[extension], ...carsArgs, ...fitArgs, "--out", out, "-q"]);
        assert.equal(result.status, 0, `${extension}: ${show(result)}`);
        assert.deepEqual(essence(out).H, essence(join(root, "cars.csv.model.json")).H, extension);
      }
    });
  });

  it("seattle-weather: temperatures below zero shifted; transform traces each row by its date", SLOW, (t) => {
    const { runner, skip } = runnerAt(0);
    if (skip(t)) return;
    const csv = join(root, "weather.csv");
    const refused = run(runner(), ["fit", csv, "--strata-column", "weather", "--out", join(root, "never.json")]);
    assertRefused(refused, /column 4 \("temp_min"\) is negative \(-1\.1\); --shift-negative/);
    const out = join(root, "weather.model.json");
    const fitted = run(runner(), [
      "fit",
      join(root, "weather.parquet"),
      "--strata-column",
      "weather",
      "--shift-negative",
      "--scale",
      "std",
      ...fitArgs,
      "--out",
      out,
      "--json",
    ]);
    assert.equal(fitted.status, 0, show(fitted));
    assert.deepEqual(parseJson(fitted).strata, [
      { name: "drizzle", rows: 53 },
      { name: "rain", rows: 641 },
      { name: "sun", rows: 640 },
      { name: "snow", rows: 26 },
      { name: "fog", rows: 101 },
    ]);
    assert.deepEqual(essence(out).preprocessing?.shift, [0, 1.600000023841858, 7.099999904632568, 0]);
    const loadings = run(
      runner(),
      snmfArgs("transform", [out, join(root, "weather.jsonl")], { "id-column": "date", stratum: "snow" }),
    );
    assert.equal(loadings.status, 0, show(loadings));
    const lines = loadings.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 1462);
    assert.match(lines[1], /^2012-01-01,\d/);
  });
});

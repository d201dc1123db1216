// snmf export: V, W(i), H and the top features as CSV, Parquet and JSON tables, read back with
// other libraries (csv-parse, hyparquet) and compared with the model file and snmf top; the
// tables' rules (row ids, the data's own units) on plain sources.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { parquetReadObjects } from "hyparquet";
import type { ModelJSON } from "../../sdk/mod.ts";
import { modelTables, type TableSource } from "../../cli/export_tables.ts";
import { tableCsv, tableJson, tableParquet } from "../../io/write_table.ts";
import {
  cleanup,
  describeEachRunner,
  parseJson,
  run,
  type Runner,
  runnerAt,
  show,
  tempDir,
  writeFiles,
} from "./harness.ts";
import { COLUMNS, strataFiles } from "./data.ts";

const SLOW = { timeout: 60_000 };
const FORMATS = ["csv", "parquet", "json"] as const;
type Row = Record<string, unknown>;

/** The records of a table file, whatever its format, with numbers as numbers. */
async function readTable(file: string, format: typeof FORMATS[number]): Promise<Row[]> {
  if (format === "json") return JSON.parse(readFileSync(file, "utf8"));
  if (format === "parquet") {
    const bytes = readFileSync(file);
    return await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) });
  }
  const records = parseCsv(readFileSync(file, "utf8"), { columns: true }) as Record<string, string>[];
  return records.map((record) =>
    Object.fromEntries(
      Object.entries(record).map((
        [key, text],
      ) => [key, text === "" ? null : /^-?[\d.]+(e[+-]?\d+)?$/i.test(text) ? Number(text) : text]),
    )
  );
}

/** Asserts a written number is the float32 `expected`, exactly. */
function sameFloat32(written: unknown, expected: number, where: string): void {
  assert.equal(typeof written, "number", where);
  assert.equal(Math.fround(written as number), expected, `${where}: ${written} is not the float32 ${expected}`);
}

describe("snmf export", () => {
  const root = tempDir();
  before(() => {
    writeFiles(root, {
      ...strataFiles("csv"),
      "a-file": "not a directory\n",
    });
  }, SLOW);
  after(() => cleanup(root));
  /** `snmf fit` of the three strata, rank 2, seed 4, into `modelFile`. */
  const fitStrata = (runner: Runner, modelFile: string, more: string[] = []) =>
    run(runner, ["fit", join(root, "strata"), "--rank", "2", "--seed", "4", ...more, "--out", modelFile, "-q"]);

  describeEachRunner(({ label, runner, skip }) => {
    const path = (name: string) => join(root, `${label}-${name}`);

    it(
      "writes V, W, H and the top features as CSV, Parquet and JSON: the model's values, exactly",
      SLOW,
      async (t) => {
        if (skip(t)) return;
        const modelFile = path("model.json");
        const fit = fitStrata(runner(), modelFile);
        assert.equal(fit.status, 0, show(fit));
        const model = JSON.parse(readFileSync(modelFile, "utf8")) as ModelJSON;
        const top = parseJson(run(runner(), ["top", modelFile, "--json", "--count", "3", "--by", "share"])) as {
          strata: { name: string; features: { column: number; value: number }[]; scores: (number | null)[] }[];
          topics: { topic: number; features: { column: number; value: number }[] }[];
        };
        for (const format of FORMATS) {
          const out = path(`tables-${format}`);
          const result = run(runner(), [
            "export",
            modelFile,
            "--format",
            format,
            "--out",
            out,
            "--top",
            "3",
            "--by",
            "share",
          ]);
          assert.equal(result.status, 0, show(result));
          assert.equal(
            result.stderr,
            `snmf export: wrote V.${format}, W.${format}, H.${format}, top_features.${format} to ${out}\n`,
          );
          const table = (name: string) => readTable(join(out, `${name}.${format}`), format);

          const V = await table("V");
          assert.deepEqual(Object.keys(V[0]), ["column", "feature", "v(a)", "v(b)", "v(c)"], format);
          V.forEach((row, j) => {
            assert.equal(row.column, j);
            assert.equal(row.feature, COLUMNS[j]);
            model.names.forEach((name, i) => sameFloat32(row[`v(${name})`], model.V[i][j], `${format} V ${name} ${j}`));
          });
          const H = await table("H");
          assert.deepEqual(Object.keys(H[0]), ["column", "feature", "topic0", "topic1"]);
          H.forEach((row, j) =>
            [0, 1].forEach((q) => sameFloat32(row[`topic${q}`], model.H[q][j], `${format} H ${q} ${j}`))
          );
          const W = await table("W");
          assert.equal(W.length, 6 + 5 + 4);
          assert.deepEqual(Object.keys(W[0]), ["stratum", "row", "topic0", "topic1"], "no id column without row ids");
          let k = 0;
          model.names.forEach((name, i) =>
            model.W[i].forEach((w, r) => {
              const row = W[k++];
              assert.deepEqual([row.stratum, row.row], [name, r]);
              w.forEach((x, q) => sameFloat32(row[`topic${q}`], x, `${format} W ${name} ${r} ${q}`));
            })
          );
          // The top features are snmf top's, with their names and scores.
          const features = await table("top_features");
          const strata = features.filter((row) => row.kind === "stratum");
          assert.deepEqual(
            strata.map((row) => [row.name, row.rank, row.column, row.feature, row.score, row.ranked_by]),
            top.strata.flatMap((s) =>
              s.features.map((f, r) => [s.name, r, f.column, COLUMNS[f.column], s.scores[r], "share"])
            ),
          );
          strata.forEach((row) =>
            sameFloat32(row.value, model.V[model.names.indexOf(row.name as string)][row.column as number], format)
          );
          assert.deepEqual(
            features.filter((row) => row.kind === "topic").map((row) => [row.name, row.rank, row.column]),
            top.topics.flatMap((t) => t.features.map((f, r) => [`topic ${t.topic}`, r, f.column])),
          );
        }
      },
    );

    it("refuses a missing --out, an unknown format and an --out that is a file", SLOW, (t) => {
      if (skip(t)) return;
      const help = run(runner(), ["export", "--help"]);
      assert.equal(help.status, 0, show(help));
      assert.match(help.stdout, /^snmf export — a model's V, W\(i\), H and top features as tables/);
      assert.match(help.stdout, /\n {2}Numbering: strata, columns and topics of a model are numbered from 0/);
      assert.match(run(runner(), ["--help"]).stdout, /\n {2}snmf export MODEL --out DIR /);
      const modelFile = path("model.json");
      const missing = run(runner(), ["export", modelFile]);
      assert.equal(missing.status, 2, show(missing));
      assert.equal(missing.stderr, "snmf export: missing --out DIR (where to write the tables)\n");
      const format = run(runner(), ["export", modelFile, "--format", "xlsx", "--out", path("x")]);
      assert.equal(format.status, 2, show(format));
      assert.match(format.stderr, /^snmf export: --format must be one of csv, parquet, json, got "xlsx"\n$/);
      const file = run(runner(), ["export", modelFile, "--out", join(root, "a-file")]);
      assert.equal(file.status, 2, show(file));
      assert.match(file.stderr, /a-file is a file, not a directory\n$/);
    });
  });

  it("writes V and H in the data's own units for a model fitted on scaled columns", SLOW, async (t) => {
    const { runner, skip } = runnerAt(0);
    if (skip(t)) return;
    const modelFile = join(root, "scaled-model.json");
    const fit = fitStrata(runner(), modelFile, ["--scale", "max"]);
    assert.equal(fit.status, 0, show(fit));
    const model = JSON.parse(readFileSync(modelFile, "utf8")) as ModelJSON;
    const out = join(root, "scaled-tables");
    const result = run(runner(), ["export", modelFile, "--out", out]);
    assert.equal(result.status, 0, show(result));
    assert.match(result.stderr, /wrote V\.csv, W\.csv, H\.csv, top_features\.csv, V_original\.csv, H_original\.csv/);
    const divisor = model.preprocessing!.divisor;
    assert.ok(divisor.some((d) => d !== 1), "the columns were scaled");
    const V = await readTable(join(out, "V_original.csv"), "csv");
    V.forEach((row, j) =>
      model.names.forEach((name, i) =>
        assert.ok(Math.abs((row[`v(${name})`] as number) - model.V[i][j] * divisor[j]) <= 1e-6 * (1 + divisor[j]))
      )
    );
    const H = await readTable(join(out, "H_original.csv"), "csv");
    H.forEach((row, j) =>
      [0, 1].forEach((q) =>
        assert.ok(Math.abs((row[`topic${q}`] as number) - model.H[q][j] * divisor[j]) <= 1e-6 * (1 + divisor[j]))
      )
    );
  });
});

describe("the tables of a model", () => {
  const source: TableSource = {
    names: ["north", "south"],
    rows: [2, 1],
    cols: 3,
    rank: 1,
    columnNames: ["x", "y, z", "w"],
    V: [Float32Array.from([1, 0, 2]), Float32Array.from([3, 0, 0.5])],
    W: [Float32Array.from([0.25, 1.5]), Float32Array.from([2])],
    H: Float32Array.from([0.5, 1, 0]),
  };

  it("carry the model's row ids in W, as numbers or text", async () => {
    for (const ids of [[["car 1", "car 2"], ["car 3"]], [[10, 11], [12]]]) {
      const tables = modelTables({ ...source, rowIds: ids });
      assert.deepEqual(tables.W.columns.map((c) => c.name), ["stratum", "row", "id", "topic0"]);
      const csvRows = parseCsv(tableCsv(tables.W), { columns: true }) as Row[];
      assert.deepEqual(csvRows.map((row) => row.id), ids.flat().map(String));
      const json = JSON.parse(tableJson(tables.W)) as Row[];
      assert.deepEqual(json.map((row) => row.id), ids.flat());
      const bytes = await tableParquet(tables.W);
      const parquet = await parquetReadObjects({ file: bytes.buffer as ArrayBuffer });
      assert.deepEqual(parquet.map((row) => row.id), ids.flat());
    }
  });

  it("give v and H in the data's own units too, when the caller has them", () => {
    const original = { V: [[10, 0, 20], [30, 0, 5]], H: [5, 10, 0] };
    const tables = modelTables(source, { original });
    assert.deepEqual(Object.keys(tables), ["V", "W", "H", "top_features", "V_original", "H_original"]);
    assert.equal(tableCsv(tables.V_original), 'column,feature,v(north),v(south)\n0,x,10,30\n1,"y, z",0,0\n2,w,20,5\n');
    assert.equal(tableCsv(tables.H_original), 'column,feature,topic0\n0,x,5\n1,"y, z",10\n2,w,0\n');
    assert.deepEqual(Object.keys(modelTables(source)), ["V", "W", "H", "top_features"]);
  });

  it("give the scaled score, and say so, when the columns are on mixed scales (as snmf top ranks them)", () => {
    const mixed: TableSource = {
      ...source,
      V: [Float32Array.from([3, 0, 2]), Float32Array.from([1, 0, 0.5])],
      columnMaxima: [1000, 1, 1],
    };
    const rows = JSON.parse(tableJson(modelTables(mixed, { by: "contrast", top: 3 }).top_features)) as Row[];
    const north = rows.filter((row) => row.kind === "stratum" && row.name === "north");
    // Contrasts as fitted: x 2, w 1.5, y 0; over the column maxima: w 1.5, x 0.002, y 0.
    assert.deepEqual(north.map((row) => [row.feature, row.score, row.ranked_by]), [
      ["w", 1.5, "contrast / column maximum"],
      ["x", 0.002, "contrast / column maximum"],
      ["y, z", 0, "contrast / column maximum"],
    ]);
    const asFitted = JSON.parse(tableJson(modelTables({ ...mixed, columnMaxima: [1, 1, 1] }).top_features)) as Row[];
    assert.deepEqual(asFitted.filter((row) => row.name === "north").map((row) => row.feature), ["x", "w", "y, z"]);
  });

  it("write a column with no share as missing: empty in CSV, null in JSON and Parquet", async () => {
    const tables = modelTables(source, { by: "share", top: 3 });
    const csvText = tableCsv(tables.top_features);
    assert.match(csvText, /\nstratum,north,2,1,"y, z",0,,share\n/);
    const json = JSON.parse(tableJson(tables.top_features)) as Row[];
    assert.deepEqual(json[2], {
      kind: "stratum",
      name: "north",
      rank: 2,
      column: 1,
      feature: "y, z",
      value: 0,
      score: null,
      ranked_by: "share",
    });
    const bytes = await tableParquet(tables.top_features);
    const parquet = await parquetReadObjects({ file: bytes.buffer as ArrayBuffer });
    assert.equal(parquet[2].score, null);
    assert.equal(parquet[0].score, 0.8);
  });

  it("refuse columns of other lengths than the table's", () => {
    assert.throws(
      () => tableCsv({ rows: 2, columns: [{ name: "a", kind: "int", values: [1] }] }),
      /Cannot write table: column "a" has 1 values for 2 rows/,
    );
  });
});

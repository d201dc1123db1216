// The readers of every format: the same table as CSV, TSV, JSON, JSON Lines, Parquet and Arrow
// IPC gives the same strata, columns, ids and preprocessing; the delimiter is detected or forced;
// errors name the file and the line (or row); an Arrow file written by another tool is read;
// column names come from a vocabulary file or --column-names; a missing library is named.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError, UsageError } from "../../io/errors.ts";
import { COMMA, TAB } from "../../io/delimited.ts";
import { type InputOptions, readInput, readStrata } from "../../io/read_input.ts";
import { loadLibrary } from "../../io/read_table.ts";
import { readDenseCsv, readGroupedCsv } from "../../io/read_csv.ts";
import { removeDir, scratch } from "./helpers.ts";
import { type Row, TABLE_FORMATS, tableFile, writeTableFiles } from "./table_files.ts";

const { dir, write } = scratch("snmf-formats-");
after(() => removeDir(dir));

/** A small table: two strata, an id, a text column, missing cells, a negative value. */
const ROWS: Row[] = [
  { id: "r1", site: "north", x: 1.5, label: "p", y: 2, z: -1 },
  { id: "r2", site: "south", x: 3, label: "q", y: null, z: 4 },
  { id: "r3", site: "north", x: null, label: "p", y: 6, z: 0.25 },
  { id: "r4", site: "south", x: 7, label: "q", y: 8, z: 2 },
  { id: "r5", site: "east", x: 9, label: "r", y: 10, z: 1 },
];

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  assert.fail("no error");
}

describe("every format", () => {
  const paths = writeTableFiles(dir, "table", ROWS);
  const options: InputOptions = {
    strataColumn: "site",
    idColumn: "id",
    missing: "fill-mean",
    shiftNegative: true,
    scale: "max",
  };

  it("gives the same strata, columns, ids and preprocessing", async () => {
    const expected = await readInput(paths[".csv"], options);
    assert.deepEqual(expected.columnNames, ["x", "y", "z"]);
    assert.deepEqual(expected.strata.map((s) => [s.name, (s as { rowIds?: unknown }).rowIds]), [
      ["north", ["r1", "r3"]],
      ["south", ["r2", "r4"]],
      ["east", ["r5"]],
    ]);
    assert.deepEqual(expected.preprocessing?.missingCells, [1, 1, 0]);
    assert.deepEqual(expected.preprocessing?.shift, [0, 0, 1]);
    assert.ok(expected.notes.some((note) => /left out column "label" \(line 2: "p" is not a number\)/.test(note)));
    for (const extension of TABLE_FORMATS.slice(1)) {
      const read = await readInput(paths[extension], options);
      assert.deepEqual(read.strata, expected.strata, extension);
      assert.deepEqual(read.columnNames, expected.columnNames, extension);
      assert.deepEqual(read.preprocessing, expected.preprocessing, extension);
    }
  });

  it("refuses a missing cell by default, naming the file, the line (or row) and the choices", async () => {
    const where: Record<string, string> = {
      ".csv": "line 3: column 5",
      ".tsv": "line 3: column 5",
      ".json": 'line 4: column "x"',
      ".jsonl": 'line 3: column "x"',
      ".parquet": ': row 3: column "x"',
      ".arrow": ': row 3: column "x"',
    };
    for (const extension of TABLE_FORMATS) {
      const error = await rejection(readInput(paths[extension], { strataColumn: "site", columns: ["x", "y"] }));
      assert.ok(error instanceof InputError, `${extension}: ${error}`);
      const place = where[extension].startsWith(":") ? where[extension] : ` ${where[extension]}`;
      assert.ok(error.message.startsWith(`${paths[extension]}${place}`), error.message);
      assert.match(
        error.message,
        /is (empty|missing); choose what to do with missing cells: --missing drop-rows, fill-mean, fill-zero or mask \(default error\)$/,
      );
    }
  });

  it("reads a directory of one file per stratum in any format, named after the files", async () => {
    const strata = join(dir, "by-site");
    mkdirSync(strata);
    const sites = ["north", "south", "east"];
    sites.forEach((site, i) => {
      const rows = ROWS.filter((row) => row.site === site).map(({ x, y, z }) => ({ x, y, z }));
      const extension = TABLE_FORMATS[(2 * i + 1) % TABLE_FORMATS.length];
      writeFileSync(join(strata, `${site}${extension}`), tableFile(rows, extension));
    });
    const read = await readInput(strata, { missing: "fill-zero", shiftNegative: true });
    assert.deepEqual(read.strata.map((s) => s.name), ["east", "north", "south"]);
    assert.deepEqual(read.columnNames, ["x", "y", "z"]);
    const grouped = await readInput(paths[".csv"], { strataColumn: "site", missing: "fill-zero", shiftNegative: true });
    const bySite = new Map(grouped.strata.map((s) => [s.name, s]));
    for (const s of read.strata) {
      assert.deepEqual((s as { data: unknown }).data, (bySite.get(s.name!) as { data: unknown }).data);
    }
    assert.throws(
      () => readStrata(strata, { missing: "fill-zero", shiftNegative: true }),
      /read asynchronously: use readInput/,
    );
  });
});

describe("delimited text", () => {
  it("detects the delimiter, or takes the one given", () => {
    const semicolon = write("semicolon.csv", "a;b;c\n1,5;2;3\n4;5;6\n");
    assert.throws(() => readDenseCsv(semicolon), /line 2: column 1 \("a"\) is not a number \("1,5"\)/);
    const tsvAsCsv = write("tabs.csv", "a\tb\n1\t2\n");
    assert.deepEqual(readDenseCsv(tsvAsCsv).header, ["a", "b"]);
    const pipe = write("pipe.csv", "a|b|c\n1|2|3\n");
    assert.deepEqual(readDenseCsv(pipe).header, ["a", "b", "c"]);
    assert.throws(() => readDenseCsv(tsvAsCsv, { delimiter: COMMA }), /column 1 \("a\tb"\) is not a number/, "forced");
    const quoted = write("quoted.csv", 'name,x\n"a, b",1\n"c, d",2\n');
    const grouped = readGroupedCsv(quoted, {});
    assert.deepEqual([grouped.columnNames, grouped.leftOut.map((c) => c.name)], [["x"], ["name"]], "quoted commas");
    const oneColumn = write("one.tsv", "x\n1\n2\n");
    assert.equal(readDenseCsv(oneColumn, { defaultDelimiter: TAB }).stratum.cols, 1);
  });

  it("reads missing markers as missing cells, and a headerless first row with one as data", () => {
    const file = write("markers.csv", "1,NA,3\n4,,6\nnan,null,9\n");
    const { stratum, header } = readDenseCsv(file, { allowMissing: true });
    assert.equal(header, undefined, "a missing cell does not make the first row a header");
    assert.deepEqual(Array.from(stratum.data), [1, NaN, 3, 4, NaN, 6, NaN, NaN, 9]);
    assert.throws(() => readDenseCsv(file), /line 1: column 2 is missing \("NA"\)$/);
  });
});

describe("JSON", () => {
  it("reads an object of columns, skips blank JSON Lines, names the line of a bad record", async () => {
    const columns = write("columns.json", JSON.stringify({ site: ["a", "b", "a"], x: [1, 2, 3] }));
    const read = await readInput(columns, { strataColumn: "site" });
    assert.deepEqual(read.strata.map((s) => (s as { data: Float32Array }).data), [
      Float32Array.of(1, 3),
      Float32Array.of(2),
    ]);
    const lines = write("blank.jsonl", '{"s":"a","x":1}\n\n{"s":"b","x":2}\n  \n');
    assert.deepEqual((await readInput(lines, { strataColumn: "s" })).strata.length, 2);
    const bad = write("bad.jsonl", '{"s":"a","x":1}\n{"s":"b","x":2\n');
    const error = await rejection(readInput(bad, { strataColumn: "s" }));
    assert.match(error.message, /bad\.jsonl line 2: the record is not valid JSON/);
    const scalar = write("scalar.json", '[{"s":"a","x":1},\n 3]');
    assert.match(
      (await rejection(readInput(scalar, { strataColumn: "s" }))).message,
      /scalar\.json line 2: expected a record/,
    );
    const open = write("open.json", '[{"s":"a","x":1}');
    assert.match((await rejection(readInput(open, { strataColumn: "s" }))).message, /the array is never closed/);
    const strings = write("strings.json", '[{"s":"a,]","x":"1.5"},{"s":"b}","x":2}]');
    const read2 = await readInput(strings, { strataColumn: "s" });
    assert.deepEqual(read2.strata.map((s) => s.name), ["a,]", "b}"], "brackets inside strings");
    assert.deepEqual((read2.strata[0] as { data: Float32Array }).data, Float32Array.of(1.5), "numbers as text");
  });
});

describe("Parquet and Arrow", () => {
  it("reads Parquet files of several row groups", async () => {
    const rows = Array.from({ length: 300 }, (_, r) => ({ s: `s${r % 3}`, x: r, y: r % 7 === 0 ? null : r / 2 }));
    const file = write("groups.parquet", tableFile(rows, ".parquet", 50));
    const read = await readInput(file, { strataColumn: "s", missing: "fill-zero" });
    assert.deepEqual(read.strata.map((s) => s.rows), [100, 100, 100]);
    assert.deepEqual(Array.from((read.strata[1] as { data: Float32Array }).data.subarray(0, 4)), [1, 0.5, 4, 2]);
  });

  it("reads an Arrow file written by another tool: vega-datasets' flights-200k", async () => {
    const file = new URL("../../node_modules/vega-datasets/data/flights-200k.arrow", import.meta.url).pathname;
    const read = await readInput(file, { strataColumn: "distance", columns: ["time"], shiftNegative: true });
    assert.equal(read.strata.reduce((sum, s) => sum + (s.rows ?? 0), 0), 200_000);
    assert.equal(read.columnNames?.[0], "time");
  });

  it("refuses a file that is not what its name says", async () => {
    const fake = write("fake.parquet", "site,x\na,1\n");
    assert.match(
      (await rejection(readInput(fake, { strataColumn: "site" }))).message,
      /fake\.parquet: is not a Parquet file/,
    );
    const fakeArrow = write("fake.arrow", "site,x\na,1\n");
    assert.match(
      (await rejection(readInput(fakeArrow, { strataColumn: "site" }))).message,
      /fake\.arrow: is not an Arrow IPC file/,
    );
  });

  it("names the package to install when a format's library is missing", async () => {
    const missing = () => import("no-such-package-for-snmf" as string);
    const error = await rejection(loadLibrary(missing, "Parquet files", "hyparquet hyparquet-compressors"));
    assert.ok(error instanceof UsageError);
    assert.equal(
      error.message,
      "reading Parquet files needs the npm package hyparquet hyparquet-compressors, which is not installed: npm install hyparquet hyparquet-compressors",
    );
  });
});

describe("column names", () => {
  const mtx = "%%MatrixMarket matrix coordinate real general\n2 3 2\n1 1 1\n2 3 2\n";

  it("come from vocabulary.txt beside sparse strata, or from --column-names for any input", () => {
    const tfidf = join(dir, "tfidf");
    mkdirSync(tfidf);
    write("tfidf/a.mtx", mtx);
    write("tfidf/b.mtx", mtx);
    write("tfidf/vocabulary.txt", "apple\nbanana\ncherry\n");
    assert.deepEqual(readStrata(tfidf).columnNames, ["apple", "banana", "cherry"]);
    const names = write("names.txt", "x\ny\nz\n");
    assert.deepEqual(readStrata(tfidf, { columnNamesFile: names }).columnNames, ["x", "y", "z"]);
    const short = write("short.txt", "x\ny\n");
    assert.throws(
      () => readStrata(tfidf, { columnNamesFile: short }),
      /short\.txt: has 2 names \(one a line\) for the 3 columns/,
    );
    writeFileSync(join(tfidf, "vocabulary.txt"), "apple\n");
    assert.throws(() => readStrata(tfidf), /vocabulary\.txt: has 1 names \(one a line\) for the 3 columns/);
  });

  it("refuse shifts of sparse strata before reading them", () => {
    const sparse = join(dir, "sparse");
    mkdirSync(sparse);
    write("sparse/a.mtx", mtx);
    assert.throws(
      () => readStrata(sparse, { shiftNegative: true }),
      /--shift-negative would shift the columns of the sparse .*a\.mtx, making every zero entry non-zero \(dense\)/,
    );
    const scaled = readStrata(sparse, { scale: "max" });
    assert.deepEqual(Array.from((scaled.strata[0] as { values: ArrayLike<number> }).values), [1, 1]);
    assert.ok(readFileSync(join(sparse, "a.mtx"), "utf8").length > 0);
  });
});

// The input flags of snmf fit and transform, and where models are written, through the source
// (the same code in every build; tests/cli/datasets_test.ts runs the formats through all three):
// --missing, --scale, --shift-negative, --id-column, --delimiter, --column-names, the words of
// snmf text --tfidf-dir, the default --out and --force, --init continued in place.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ModelJSON } from "../../sdk/mod.ts";
import { assertRefused, cleanup, parseJson, run, runnerAt, show, snmfArgs, tempDir, writeFiles } from "./harness.ts";

const SLOW = { timeout: 60_000 };

const GROUPED = [
  "id;site;x;y;z",
  "a1;north;1;2;0.5",
  "a2;north;2;;1",
  "a3;south;4;5;NA",
  "a4;south;5;6;2",
  "a5;north;3;4;1.5",
  "a6;south;6;8;3",
].join("\n") + "\n";

describe("snmf fit and transform: input flags", () => {
  const root = tempDir();
  const { runner, skip } = runnerAt(0);
  const file = (name: string) => join(root, name);
  const model = (path: string) => JSON.parse(readFileSync(path, "utf8")) as ModelJSON;
  const fit = (args: string[]) => run(runner(), ["fit", ...args, "--rank", "2", "--iters", "20", "--seed", "1"]);

  before(() => {
    writeFiles(root, {
      "grouped.csv": GROUPED,
      "negative.csv": "site,t,w\na,-5,1\na,3,2\nb,10,4\nb,-1,3\n",
      "sparse/a.mtx": "%%MatrixMarket matrix coordinate real general\n2 3 2\n1 1 1\n2 3 2\n",
      "sparse/b.mtx": "%%MatrixMarket matrix coordinate real general\n2 3 3\n1 2 1\n2 3 2\n2 1 4\n",
      "names.txt": "alpha\nbeta\ngamma\n",
      "docs.jsonl": [
        { text: "apple banana apple", s: "fruit" },
        { text: "banana cherry", s: "fruit" },
        { text: "cherry date date", s: "veg" },
        { text: "date endive", s: "veg" },
      ].map((d) => JSON.stringify(d)).join("\n") + "\n",
    });
  });
  after(() => cleanup(root));

  it(
    "--missing: refused by default naming the choices; filled or dropped, reported per column, recorded",
    SLOW,
    (t) => {
      if (skip(t)) return;
      const refused = fit([file("grouped.csv"), "--strata-column", "site", "--out", file("never.json")]);
      assert.equal(refused.status, 2, show(refused));
      assert.equal(
        refused.stderr,
        `snmf fit: ${
          file("grouped.csv")
        } line 3: column 4 ("y") is empty; choose what to do with missing cells: --missing drop-rows, fill-mean, fill-zero or mask (default error)\n`,
      );
      const filled = fit([
        file("grouped.csv"),
        "--strata-column",
        "site",
        "--missing",
        "fill-mean",
        "--out",
        file("f.json"),
      ]);
      assert.equal(filled.status, 0, show(filled));
      assert.match(filled.stderr, /--missing fill-mean: filled 2 missing cells \(y 1, z 1\)/);
      assert.match(filled.stderr, /using 3 columns: x, y, z\n/);
      assert.match(filled.stderr, /left out column "id" \(line 2: "a1" is not a number\)/);
      assert.deepEqual(model(file("f.json")).preprocessing?.fill, [3.5, 5, 1.600000023841858]);
      const dropped = fit([
        file("grouped.csv"),
        "--strata-column",
        "site",
        "--missing",
        "drop-rows",
        "--id-column",
        "id",
        "--out",
        file("d.json"),
      ]);
      assert.equal(dropped.status, 0, show(dropped));
      assert.match(dropped.stderr, /left out 2 rows with missing cells \(y 1, z 1\)/);
      const m = model(file("d.json"));
      assert.deepEqual(m.rows, [2, 2]);
      assert.deepEqual(m.rowIds, [["a1", "a5"], ["a4", "a6"]], "the ids of the rows kept, the delimiter detected");
      assert.deepEqual(m.preprocessing?.droppedRows, [[1], [0]]);
      const bad = fit([file("grouped.csv"), "--strata-column", "site", "--missing", "zero"]);
      assertRefused(bad, /--missing must be one of error, drop-rows, fill-mean, fill-zero, mask, got "zero"/);
    },
  );

  it("--shift-negative and --scale: the hint, the record, and transform applying them", SLOW, (t) => {
    if (skip(t)) return;
    const refused = fit([file("negative.csv"), "--strata-column", "site", "--out", file("never.json")]);
    assertRefused(
      refused,
      /line 2: column 2 \("t"\) is negative \(-5\); --shift-negative \(or --scale minmax\) shifts/,
    );
    const out = file("shifted.json");
    const shifted = fit([
      file("negative.csv"),
      "--strata-column",
      "site",
      "--shift-negative",
      "--scale",
      "max",
      "--out",
      out,
    ]);
    assert.equal(shifted.status, 0, show(shifted));
    const m = model(out);
    assert.deepEqual(m.preprocessing?.shift, [5, 0]);
    assert.deepEqual(m.preprocessing?.divisor, [15, 4]);
    // The model's own rows, transformed as stratum "a", come out with loadings near the model's W.
    writeFileSync(file("rows_a.csv"), "t,w\n-5,1\n3,2\n");
    const again = run(runner(), ["transform", out, file("rows_a.csv"), "--stratum", "a", "--json", "--seed", "1"]);
    assert.equal(again.status, 0, show(again));
    const loadings = parseJson(again).W as number[][];
    const fitted = m.W[0];
    const residual = Math.hypot(...loadings.flat().map((w, k) => w - fitted.flat()[k]));
    assert.ok(residual < 0.05 * Math.hypot(...fitted.flat()), `loadings ${loadings} vs ${fitted}`);
    const below = file("below.csv");
    writeFileSync(below, "t,w\n-9,1\n");
    const refusedRow = run(runner(), ["transform", out, below]);
    assertRefused(
      refusedRow,
      /row 1, column 1 \("t"\) \(-9\) is below -5, the smallest value of the data the model was fitted to/,
    );
  });

  it("refuses shifts of sparse input, warns of columns on different scales", SLOW, (t) => {
    if (skip(t)) return;
    const sparse = fit([file("sparse"), "--scale", "minmax", "--out", file("never.json")]);
    assertRefused(
      sparse,
      /--scale minmax would shift the columns of the sparse .*a\.mtx, making every zero entry non-zero/,
    );
    writeFileSync(file("wide.csv"), "s,small,big\na,1,1000\na,2,3000\nb,3,2000\n");
    const warned = fit([file("wide.csv"), "--strata-column", "s", "--rank", "1", "--out", file("w.json")]);
    assert.equal(warned.status, 0, show(warned));
    assert.match(
      warned.stderr,
      /warning: .*column maxima differ 1000-fold, from 3 in column 1 \("small"\) to 3000 in column 2 \("big"\).*--scale max or --scale std/,
    );
    const scaled = fit([
      file("wide.csv"),
      "--strata-column",
      "s",
      "--rank",
      "1",
      "--scale",
      "max",
      "--out",
      file("w.json"),
    ]);
    assert.doesNotMatch(scaled.stderr, /warning/);
  });

  it("words: fit reads the vocabulary beside snmf text's matrices; --column-names names any input", SLOW, (t) => {
    if (skip(t)) return;
    const tfidf = file("tfidf");
    const text = run(
      runner(),
      snmfArgs("text", file("docs.jsonl"), {
        "strata-field": "s",
        rank: 2,
        "min-df": 1,
        "stop-words": "none",
        "tfidf-dir": tfidf,
        json: true,
      }),
    );
    assert.equal(text.status, 0, show(text));
    assert.equal(parseJson(text).out, "model.json", "snmf text writes a model by default");
    const out = file("words.json");
    assert.equal(run(runner(), ["fit", tfidf, "--rank", "2", "--out", out, "-q"]).status, 0);
    assert.deepEqual(model(out).columnNames, ["apple", "banana", "cherry", "date", "endive"]);
    const top = run(runner(), ["top", out, "--count", "2"]);
    assert.equal(top.status, 0, show(top));
    assert.doesNotMatch(top.stdout, /col \d/);
    assert.match(top.stdout, /apple|banana|cherry|date|endive/);
    assert.equal(
      run(runner(), ["fit", file("sparse"), "--column-names", file("names.txt"), "--rank", "2", "--out", out, "-q"])
        .status,
      0,
    );
    assert.deepEqual(model(out).columnNames, ["alpha", "beta", "gamma"]);
  });

  it("--delimiter forces the delimiter; --id-column goes to transform's output", SLOW, (t) => {
    if (skip(t)) return;
    const forced = fit([
      file("grouped.csv"),
      "--strata-column",
      "site",
      "--delimiter",
      ",",
      "--out",
      file("never.json"),
    ]);
    assertRefused(forced, /the header has no column "site" \(--strata-column\); it has "id;site;x;y;z"/);
    const out = file("ids.json");
    const fitted = fit([file("grouped.csv"), "--strata-column", "site", "--missing", "fill-zero", "--out", out]);
    assert.equal(fitted.status, 0, show(fitted));
    const loadings = run(runner(), ["transform", out, file("grouped.csv"), "--id-column", "id", "--stratum", "north"]);
    assert.equal(loadings.status, 0, show(loadings));
    const lines = loadings.stdout.trimEnd().split("\n");
    assert.equal(lines[0], "id,topic0,topic1");
    assert.deepEqual(lines.slice(1).map((line) => line.split(",")[0]), ["a1", "a2", "a3", "a4", "a5", "a6"]);
    const json = run(runner(), ["transform", out, file("grouped.csv"), "--id-column", "id", "--json"]);
    assert.deepEqual(parseJson(json).rowIds, ["a1", "a2", "a3", "a4", "a5", "a6"]);
  });

  it(
    "--out: a model file is replaced, another file only with --force; --init FILE --out FILE continues it",
    SLOW,
    (t) => {
      if (skip(t)) return;
      const args = [file("grouped.csv"), "--strata-column", "site", "--missing", "fill-zero", "-q"];
      const notes = file("notes.json");
      writeFileSync(notes, '{"my": "notes"}\n');
      const refused = fit([...args, "--out", notes]);
      assert.equal(refused.status, 2);
      assert.equal(
        refused.stderr,
        `snmf fit: --out ${notes} exists and is not a model file written by snmf: choose another --out, or pass --force to replace it\n`,
      );
      assert.equal(readFileSync(notes, "utf8"), '{"my": "notes"}\n');
      assert.equal(fit([...args, "--out", notes, "--force"]).status, 0);
      assert.equal(model(notes).format, "stratified-nmf");
      assert.equal(fit([...args, "--out", notes]).status, 0, "a model file is replaced");

      // Without --out: ./model.json, the same rule.
      const cwd = runner().cwd;
      writeFileSync(join(cwd, "model.json"), "not a model\n");
      const fallback = fit(args);
      assertRefused(fallback, /--out model\.json exists and is not a model file/);
      const text = run(
        runner(),
        snmfArgs("text", file("docs.jsonl"), { "strata-field": "s", rank: 1, "stop-words": "none" }),
      );
      assert.equal(text.status, 2, "snmf text follows the same rule");
      assert.equal(readFileSync(join(cwd, "model.json"), "utf8"), "not a model\n");

      const continued = run(
        runner(),
        snmfArgs("fit", args, { rank: 2, iters: 5, init: notes, out: notes, json: true }),
      );
      assert.equal(continued.status, 0, show(continued));
      const before = model(notes);
      assert.equal(before.settings.init, "explicit");
      const input = file("grouped.csv");
      const other = run(runner(), ["fit", ...args, "--rank", "2", "--init", notes, "--out", input]);
      assertRefused(other, /cannot write --out .*grouped\.csv: it is the input/);
    },
  );
});

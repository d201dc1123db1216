// snmf rank (held-out error per rank, the suggested rank, --json and --out), snmf report of its
// results, and snmf fit --missing mask --imputed FILE, through the source.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CrossValidation } from "../../sdk/mod.ts";
import { noisyStrata } from "../../testing/noisy.ts";
import { cleanup, parseJson, run, runnerAt, show, tempDir, writeFiles } from "./harness.ts";

const SLOW = { timeout: 120_000 };

/** Three noisy strata of true rank 2 (30 rows × 8 columns each) as one CSV, every 10th cell empty. */
function table(): string {
  const { strata } = noisyStrata({ strata: 3, rows: 30, cols: 8, rank: 2, seed: 3 });
  const lines = ["site," + Array.from({ length: 8 }, (_, j) => `x${j}`).join(",")];
  let cell = 0;
  strata.forEach((s, i) => {
    for (let r = 0; r < 30; r++) {
      const row = Array.from(
        { length: 8 },
        (_, j) => cell++ % 10 === 3 ? "" : (s.data as Float64Array)[r * 8 + j].toFixed(4),
      );
      lines.push(`s${i},${row.join(",")}`);
    }
  });
  return lines.join("\n") + "\n";
}

describe("snmf rank, and fit --missing mask --imputed", () => {
  const root = tempDir();
  const { runner, skip } = runnerAt(0);
  const file = (name: string) => join(root, name);
  before(() => writeFiles(root, { "data.csv": table() }));
  after(() => cleanup(root));

  it("prints held-out errors per rank and the suggested rank; --json and --out give the results", SLOW, (t) => {
    if (skip(t)) return;
    const args = [
      "rank",
      file("data.csv"),
      "--strata-column",
      "site",
      "--missing",
      "mask",
      "--ranks",
      "1..4",
      "--seed",
      "2",
    ];
    const table = run(runner(), [...args, "--iters", "100", "-q"]);
    assert.equal(table.status, 0, show(table));
    assert.match(table.stdout, /held-out root mean square error over 3 folds/);
    assert.match(table.stdout, /^ +4 +[\d.]+ +[\d.]+ ± [\d.]+ +[\d.]+ ± [\d.]+ +[\d.]+ ± [\d.]+$/m);
    const json = run(runner(), [...args, "--iters", "100", "--json", "--out", file("rank.json"), "-q"]);
    assert.equal(json.status, 0, show(json));
    const cv = parseJson(json) as unknown as CrossValidation;
    assert.deepEqual(cv, JSON.parse(readFileSync(file("rank.json"), "utf8")));
    assert.equal(cv.format, "stratified-nmf-rank");
    assert.ok(cv.ranks.includes(cv.suggestedRank));
    assert.match(table.stdout, new RegExp(`suggested rank: ${cv.suggestedRank} `));
    const page = run(runner(), ["report", file("rank.json"), "--out", file("rank.html")]);
    assert.equal(page.status, 0, show(page));
    const html = readFileSync(file("rank.html"), "utf8");
    assert.match(html, new RegExp(`Suggested rank: <b>${cv.suggestedRank}</b>`));
    assert.match(html, /<svg/);
    assert.match(html, /plain NMF, held out/);
    const bad = run(runner(), ["rank", file("data.csv"), "--strata-column", "site", "--ranks", "2-5"]);
    assert.equal(bad.status, 2, show(bad));
    assert.match(bad.stderr, /--ranks must be a range such as 2\.\.12/);
  });

  it("fit --missing mask --imputed writes the input with its holes filled by the model", SLOW, (t) => {
    if (skip(t)) return;
    const args = ["fit", file("data.csv"), "--strata-column", "site", "--rank", "2", "--iters", "100", "--seed", "1"];
    const refused = run(runner(), [...args, "--imputed", file("no.csv"), "--out", file("m0.json")]);
    assert.equal(refused.status, 2, show(refused));
    assert.match(refused.stderr, /--imputed needs --missing mask/);
    const fitted = run(runner(), [
      ...args,
      "--missing",
      "mask",
      "--imputed",
      file("filled.csv"),
      "--out",
      file("m.json"),
    ]);
    assert.equal(fitted.status, 0, show(fitted));
    assert.match(fitted.stderr, /--missing mask: 72 missing cells left out of the fit/);
    const input = readFileSync(file("data.csv"), "utf8").trim().split("\n").slice(1).map((line) => line.split(","));
    const output = readFileSync(file("filled.csv"), "utf8").trim().split("\n");
    assert.equal(output[0], "stratum,row,x0,x1,x2,x3,x4,x5,x6,x7");
    assert.equal(output.length, 91);
    output.slice(1).forEach((line, r) => {
      const cells = line.split(",");
      assert.equal(cells[0], input[r][0]);
      for (let j = 1; j <= 8; j++) {
        const value = Number(cells[j + 1]);
        if (input[r][j] === "") assert.ok(value > 0 && Number.isFinite(value), line);
        else assert.equal(Math.fround(value), Math.fround(Number(input[r][j])), line);
      }
    });
  });
});

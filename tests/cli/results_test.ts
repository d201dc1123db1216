// Reading results from the command line: snmf top and snmf report ranking by contrast, share or
// value, one numbering of columns and topics, the fit time the report shows, and what the demo
// says about its loss. Spawned for real: source, bundle and compiled binary.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ModelJSON } from "../../sdk/mod.ts";
import { contrasts, RANK_BY, rankFeatures, rankingScales, type RankScaling } from "../../sdk/contrast.ts";
import { cleanup, describeEachRunner, parseJson, run, runnerAt, show, tempDir, writeFiles } from "./harness.ts";
import { csv, lcg } from "./data.ts";

const SLOW = { timeout: 60_000 };

/** Cars by origin (mpg, weight, accel), rows of numbers: weight in the thousands beside mpg and acceleration in the tens. */
function carsRows(): Record<string, number[][]> {
  const next = lcg(5);
  const origin = (mpg: number, weight: number, accel: number) =>
    Array.from({ length: 10 }, () => [
      Math.round(mpg * (0.8 + 0.4 * next())),
      Math.round(weight * (0.85 + 0.3 * next())),
      Math.round(accel * (0.8 + 0.4 * next()) * 10) / 10,
    ]);
  return { usa: origin(18, 3500, 15), europe: origin(27, 2400, 16.5), japan: origin(31, 2200, 16) };
}

/** {@link carsRows} as one CSV file per origin. */
function carsByOrigin(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(carsRows()).map(([name, rows]) => [`cars/${name}.csv`, csv(["mpg", "weight", "accel"], rows)]),
  );
}

/** The same numbers, unnamed (no header): columns are numbered. */
function unnamed(): Record<string, string> {
  const next = lcg(9);
  const rows = (shift: number) => Array.from({ length: 6 }, () => [1 + next(), shift + next(), next()]);
  return { "plain/a.csv": csv(null, rows(0)), "plain/b.csv": csv(null, rows(3)) };
}

type TopJson = {
  by: string;
  scaling: RankScaling;
  strata: {
    name: string;
    features: { column: number; name?: string; value: number }[];
    scores?: (number | null)[];
    scaled?: number[];
  }[];
  topics: { topic: number; features: { column: number; name?: string; value: number }[] }[];
};

describe("reading results", () => {
  const root = tempDir();
  before(() => writeFiles(root, { ...carsByOrigin(), ...unnamed() }), SLOW);
  after(() => cleanup(root));

  describeEachRunner(({ label, index, runner, skip }) => {
    const path = (name: string) => join(root, `${label}-${name}`);

    /** Fits `input` into `name`.json; returns the model file's content and the fit's summary. */
    const fitted = (input: string, name: string, extra: string[] = []) => {
      const out = path(`${name}.json`);
      const result = run(runner(), ["fit", join(root, input), "--rank", "1", "--seed", "2", "--out", out, ...extra]);
      assert.equal(result.status, 0, show(result));
      return { out, model: JSON.parse(readFileSync(out, "utf8")) as ModelJSON, result };
    };

    it("top ranks each stratum's columns by contrast by default, by share or value with --by", SLOW, (t) => {
      if (skip(t)) return;
      const { out, model } = fitted("cars", "cars", ["-q"]);
      const ranked: Record<string, string[][]> = {};
      const usa = model.names.indexOf("usa");
      for (const by of RANK_BY) {
        const result = run(runner(), [
          "top",
          out,
          "--json",
          "--count",
          "3",
          ...(by === "contrast" ? [] : ["--by", by]),
        ]);
        assert.equal(result.status, 0, show(result));
        const top = parseJson(result) as TopJson;
        assert.equal(top.by, by);
        ranked[by] = top.strata.map((s) => s.features.map((f) => f.name!));
        top.strata.forEach((s, i) => {
          const ranked = rankFeatures(model.V, i, 3, by, rankingScales(model, by));
          assert.deepEqual(s.features.map((f) => f.column), ranked, `${by}, ${s.name}`);
          for (const f of s.features) assert.equal(f.value, model.V[i][f.column]);
          assert.equal(s.scores?.length, by === "value" ? undefined : 3, `scores only for contrast and share: ${by}`);
        });
      }
      // Weight is the largest v everywhere; by contrast (on the scaled values) it is not first for every origin.
      const weight = model.columnNames!.indexOf("weight");
      for (const v of model.V) assert.equal(rankFeatures([v], 0, 1, "value")[0], weight);
      assert.notDeepEqual(ranked.contrast.map((names) => names[0]), ["weight", "weight", "weight"]);

      const text = run(runner(), ["top", out, "--count", "2", "--values"]);
      assert.equal(text.status, 0, show(text));
      assert.match(text.stdout, /^Top features of each stratum by contrast \(v\(i\) minus the mean of the other/);
      assert.match(text.stdout, new RegExp(`\\n {2}usa +${ranked.contrast[usa][0]} \\(-?\\d`), "with its contrast");
      // Weight's scale would dominate: the ranking says it is on the scaled values.
      assert.match(text.stdout, /\nRanked on the scaled values: the columns' largest values in the data differ/);
      const share = run(runner(), ["top", out, "--by", "share"]);
      assert.match(share.stdout, /^Top features of each stratum by share/);
      assert.doesNotMatch(share.stdout, /Ranked on/, "shares do not depend on the columns' scales");
      const bad = run(runner(), ["top", out, "--by", "size"]);
      assert.equal(bad.status, 2, show(bad));
      assert.match(bad.stderr, /^snmf top: --by must be one of contrast, share, value, got "size"\n$/);
    });

    it(
      "top ranks contrasts and values on the scaled values when the columns' scales are mixed, and says so",
      SLOW,
      (t) => {
        if (skip(t)) return;
        const { out, model } = fitted("cars", "mixed", ["-q"]);
        // The data's column maxima, recorded by the fit: weight's is more than 100 times accel's.
        const rows = Object.values(carsRows()).flat();
        const maxima = [0, 1, 2].map((j) => Math.fround(Math.max(...rows.map((row) => row[j]))));
        assert.deepEqual(model.columnMaxima, maxima);
        assert.ok(maxima[1] > 100 * maxima[2], `${maxima}`);
        const C = contrasts(model.V);
        // Each stratum's columns by score / maximum, written out here rather than through the SDK.
        const byScaled = (score: (i: number, j: number) => number, i: number) =>
          [0, 1, 2].sort((a, b) => score(i, b) / maxima[b] - score(i, a) / maxima[a] || a - b);
        const ratio = Number((maxima[1] / maxima[2]).toPrecision(2));
        let differs = 0;
        for (const by of ["contrast", "value"] as const) {
          const top = parseJson(run(runner(), ["top", out, "--json", "--by", by])) as TopJson;
          assert.deepEqual(top.scaling, {
            rankedOn: "scaled",
            reason: "mixed scales",
            ratio: maxima[1] / maxima[2],
            low: 2,
            high: 1,
            mixed: true,
          });
          top.strata.forEach((s, i) => {
            const score = by === "contrast"
              ? (l: number, j: number) => C[l][j]
              : (l: number, j: number) => model.V[l][j];
            const columns = s.features.map((f) => f.column);
            assert.deepEqual(columns, byScaled(score, i), `${by}, ${s.name}: ranked on the scaled values`);
            if (columns.join() !== rankFeatures(model.V, i, 3, by).join()) differs++;
            // The numbers shown are as fitted; what ranked them is beside them.
            for (const [k, f] of s.features.entries()) {
              assert.equal(f.value, model.V[i][f.column]);
              if (by === "contrast") assert.equal(s.scores![k], C[i][f.column]);
              assert.equal(s.scaled![k], score(i, f.column) / maxima[f.column]);
            }
          });
          const text = run(runner(), ["top", out, "--by", by, "--count", "3"]);
          const what = by === "contrast" ? "contrast" : "v\\(i\\)ⱼ";
          assert.match(
            text.stdout,
            new RegExp(
              `\\nRanked on the scaled values: the columns' largest values in the data differ by ${ratio}× \\(\\S+ in accel, \\S+ in weight\\), so each column's ${what} was divided by its largest value before ranking; the numbers shown are as fitted\\.\\n`,
            ),
          );
        }
        assert.ok(differs > 0, "the scaled ranking is not the ranking as fitted");
        const share = parseJson(run(runner(), ["top", out, "--json", "--by", "share"])) as TopJson;
        assert.equal(share.scaling.reason, "scale-free");
        assert.equal(share.scaling.rankedOn, "fitted");
        share.strata.forEach((s, i) => {
          assert.deepEqual(s.features.map((f) => f.column), rankFeatures(model.V, i, 3, "share"));
          assert.equal(s.scaled, undefined);
        });
        const shareText = run(runner(), ["top", out, "--by", "share"]).stdout;
        assert.match(
          shareText,
          /\nShares are scale-free \(a ratio within each column\), so they are ranked as fitted: /,
        );
      },
    );

    it("top ranks a model fitted with --scale as fitted: its values are scaled already", SLOW, (t) => {
      if (skip(t)) return;
      const { out, model } = fitted("cars", "scaled", ["-q", "--scale", "max"]);
      for (const by of RANK_BY) {
        const top = parseJson(run(runner(), ["top", out, "--json", "--by", by])) as TopJson;
        assert.equal(top.scaling.rankedOn, "fitted", by);
        assert.equal(top.scaling.reason, "scaled before the fit", by);
        assert.equal(top.scaling.mixed, false, "the data the fit was given are on one scale");
        top.strata.forEach((s, i) => {
          assert.deepEqual(s.features.map((f) => f.column), rankFeatures(model.V, i, 3, by), `${by}, ${s.name}`);
          assert.equal(s.scaled, undefined);
        });
      }
      const text = run(runner(), ["top", out]);
      assert.match(
        text.stdout,
        /\nRanked on the scaled values: the columns were scaled before the fit \(each column divided by its largest value\), so the values as fitted are on one scale\.\n/,
      );
    });

    it("numbers columns and topics from 0 in text and JSON, as the SDK does, and says so in --help", SLOW, (t) => {
      if (skip(t)) return;
      const { out, model } = fitted("plain", "plain", ["-q"]);
      const json = parseJson(run(runner(), ["top", out, "--json", "--count", "3", "--by", "value"])) as TopJson;
      assert.deepEqual(json.topics.map((topic) => topic.topic), [0]);
      const first = json.strata[1].features[0].column;
      assert.equal(first, rankFeatures(model.V, 1, 1, "value")[0]);
      const text = run(runner(), ["top", out, "--count", "1", "--by", "value"]).stdout;
      assert.match(text, new RegExp(`\\n {2}b {9}col ${first}\\n`));
      assert.match(text, /\n {2}topic 0 {3}col \d\n/);
      for (const command of ["top", "report"]) {
        const help = run(runner(), [command, "--help"]).stdout;
        assert.match(
          help,
          /Numbering: strata, columns and topics of a model are numbered from 0 in text, JSON and the\n/,
        );
      }
    });

    it("the report ranks as --by says and shows the fit time snmf fit printed", SLOW, (t) => {
      if (skip(t)) return;
      const { out, result } = fitted("cars", "timed", ["--json"]);
      const summary = parseJson(result);
      const model = JSON.parse(readFileSync(out, "utf8")) as ModelJSON;
      assert.equal(summary.seconds, model.totalMs! / 1000, "the summary's time is the model's");
      assert.ok(model.totalMs! >= model.elapsedMs);
      const text = run(runner(), ["fit", join(root, "cars"), "--rank", "1", "--out", path("timed2.json"), "-q"]);
      const printed = /iterations in (\d+\.\d\d) s/.exec(text.stdout)?.[1];
      const timed2 = JSON.parse(readFileSync(path("timed2.json"), "utf8")) as ModelJSON;
      assert.equal(printed, (timed2.totalMs! / 1000).toFixed(2), text.stdout);
      const report = run(runner(), ["report", path("timed2.json"), "--by", "share"]);
      assert.equal(report.status, 0, show(report));
      assert.ok(report.stdout.includes(`<td>fit time</td><td>${printed} s: the whole fit() call`), "the same time");
      assert.match(report.stdout, /<th>top 10 by share<\/th>/);
      const byDefault = run(runner(), ["report", path("timed2.json")]);
      assert.match(byDefault.stdout, /<th>top 10 by contrast<\/th>/);
      const bad = run(runner(), ["report", path("timed2.json"), "--by", "largest"]);
      assert.equal(bad.status, 2, show(bad));
      const three = run(runner(), ["report", path("timed2.json"), "--top", "3", "-q", "--out", path("top3.html")]);
      assert.equal(three.status, 0, show(three));
      assert.equal(three.stdout + three.stderr, "", "-q: nothing on stdout or stderr");
      assert.match(readFileSync(path("top3.html"), "utf8"), /<th>top 3 by contrast<\/th>/);
      const none = run(runner(), ["report", path("timed2.json"), "--top", "0"]);
      assert.equal(none.status, 2, show(none));
    });

    it("demo: says what its loss is and why it is not the published one", SLOW, (t) => {
      if (skip(t) || index !== 0) return;
      const result = run(runner(), ["demo", "--iters", "200"]);
      assert.equal(result.status, 0, show(result));
      assert.match(
        result.stdout,
        /\nnormalized loss {2}\d\.\d\de-\d {2}‖A − 1vᵀ − WH‖_F \/ ‖A‖_F after 200 iterations\n/,
      );
      assert.match(result.stdout, /\npublished {8}9\.7e-4 {3}the paper's one run, 10000 iterations\n/);
      assert.match(result.stdout, /Not comparable: the published run is 10000 iterations/);
    });
  });

  it("demo: the default run is seed 0 of docs/experiments.md, and the screen says why it is not 9.7e-4", SLOW, (t) => {
    const { runner, skip } = runnerAt(1);
    if (skip(t)) return;
    const docs = readFileSync(new URL("../../docs/experiments.md", import.meta.url), "utf8");
    const seed0 = /\n\| 0 \| (0\.\d+) \| /.exec(docs.slice(docs.indexOf("**Each seed (data and start drawn")))?.[1];
    assert.ok(seed0, "docs/experiments.md's synthetic table has seed 0");
    const json = parseJson(run(runner(), ["demo", "--json"]));
    assert.equal(Number((json.normalizedLoss as number).toPrecision(3)), Number(seed0), "the same run as the docs'");
    assert.equal(json.schedule, "reference");
    const text = run(runner(), ["demo"]);
    assert.equal(text.status, 0, show(text));
    assert.match(text.stdout, /\nnormalized loss {2}2\.18e-3 {2}‖A − 1vᵀ − WH‖_F \/ ‖A‖_F after 10000 iterations\n/);
    assert.match(text.stdout, /The paper's figure comes from one random draw of data and start that cannot be\n/);
    assert.match(text.stdout, /docs\/experiments\.md runs seeds 0 to 4/);
    assert.match(text.stdout, /The gap is the draw\.\n/);
  });
});

// snmf effects: the data read and preprocessed as snmf fit read them (the model's recorded
// preprocessing), the numbers of the SDK's effects() written as CSV (one row per stratum and
// column) or JSON, exit 2 naming the problem when the data are not the model's, Ctrl-C (exit 130,
// nothing written); and snmf top / snmf report showing the intervals, the calls and the model's
// stability over its restarts. Spawned for real: source, bundle and compiled binary.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Effects, effects, Model } from "../../sdk/mod.ts";
import { readInput } from "../../io/read_input.ts";
import { forgetInputs } from "../../io/input_files.ts";
import { formatFloat32 } from "../../io/write_table.ts";
import { progressLine } from "../../cli/progress.ts";
import {
  cleanup,
  describeEachRunner,
  interruptRun,
  parseJson,
  run,
  type Runner,
  show,
  sourceRunner,
  tempDir,
  writeFiles,
} from "./harness.ts";
import { csv, lcg } from "./data.ts";

const SLOW = { timeout: 120_000 };

/** Three sites of 14 rows (rank 2 plus a shift); column "y" has negative values; site b has much more "z". */
function sitesCsv(change?: (row: number, values: number[]) => void): string {
  const next = lcg(17);
  const H = [[1, 0.5, 0.2, 0.8], [0.1, 0.9, 0.7, 0.3]];
  const rows: (string | number)[][] = [];
  ["a", "b", "c"].forEach((site, s) => {
    for (let r = 0; r < 14; r++) {
      const w = [next(), next()];
      const values = H[0].map((_, j) =>
        Math.round((0.5 + (s === 1 && j === 2 ? 3 : 0) + 0.3 * next() + w[0] * H[0][j] + w[1] * H[1][j]) * 1000) /
        1000
      );
      values[1] -= 1;
      change?.(rows.length, values);
      rows.push([site, ...values]);
    }
  });
  return csv(["site", "x", "y", "z", "w"], rows);
}

const HEADER = "stratum,column,name,v,v_lower,v_upper,share,share_lower,share_upper,contrast,lower,upper,p,q,stable";
const SMALL = ["--replicates", "6", "--permutations", "6", "--iterations", "30", "--pooled-iterations", "30"];
/** SMALL and --seed 3 as effects() options. */
const SDK_OPTIONS = { replicates: 6, permutations: 6, iterations: 30, pooledIterations: 30, seed: 3, threads: 1 };

/** The SDK's effects() on the file read as snmf fit reads it, for the model in `modelFile`. */
async function sdkEffects(
  dataFile: string,
  modelFile: string,
  options: Parameters<typeof effects>[2],
): Promise<Effects> {
  const model = Model.fromJSON(readFileSync(modelFile, "utf8"));
  try {
    const input = await readInput(dataFile, { strataColumn: "site", shiftNegative: true });
    return await effects(model, input.strata, options);
  } finally {
    model.free();
    // This process read the file: under Bun, later test files in it would see it as an input.
    forgetInputs();
  }
}

/** A CSV number: empty for NaN. */
const csvNumber = (text: string) => (text === "" ? NaN : Number(text));

describe("snmf effects", () => {
  const root = tempDir();
  const data = join(root, "sites.csv");
  before(() =>
    writeFiles(root, {
      "sites.csv": sitesCsv(),
      "other_value.csv": sitesCsv((r, values) => r === 20 && (values[0] += 0.25)),
      "other_strata.csv": sitesCsv().replace(/^c,/gm, "d,"),
      "deeper.csv": sitesCsv((r, values) => r === 3 && (values[1] -= 5)),
    }), SLOW);
  after(() => cleanup(root));
  /** snmf fit of sites.csv at rank 2 (its column y shifted, as it needs) with `flags`, into `out`. */
  const fitSites = (runner: Runner, out: string, flags: string[] = []) => {
    const args = ["fit", data, "--strata-column", "site", "--shift-negative", "--rank", "2", ...flags];
    const fitted = run(runner, [...args, "--out", out, "-q"]);
    assert.equal(fitted.status, 0, show(fitted));
  };
  /** The arguments of a small snmf effects of `model` on sites.csv, seed 3, with `flags`. */
  const effectsOf = (model: string, flags: string[] = []) => [
    "effects",
    model,
    data,
    "--strata-column",
    "site",
    ...SMALL,
    "--seed",
    "3",
    ...flags,
  ];

  describeEachRunner(({ label, runner, skip }) => {
    const path = (name: string) => join(root, `${label}-${name}`);
    const modelFile = path("model.json");

    it("writes the SDK's effects as CSV, the data preprocessed as the model records", SLOW, async (t) => {
      if (skip(t)) return;
      fitSites(runner(), modelFile, ["--restarts", "4", "--seed", "1", "--iters", "60"]);
      // No --shift-negative: the model's preprocessing is applied.
      const result = run(runner(), effectsOf(modelFile, ["--threads", "1"]));
      assert.equal(result.status, 0, show(result));
      const [header, ...lines] = result.stdout.trimEnd().split("\n");
      assert.equal(header, HEADER);
      const expected = await sdkEffects(data, modelFile, SDK_OPTIONS);
      assert.equal(lines.length, 3 * 4);
      lines.forEach((line, r) => {
        const e = expected.effects[r];
        const f = line.split(",");
        assert.deepEqual(f.slice(0, 3), [e.stratum, String(e.column), ["x", "y", "z", "w"][e.column]]);
        assert.equal(f[3], formatFloat32(e.v));
        const numbers = [...e.vInterval, e.share, ...e.shareInterval, e.contrast, e.lower, e.upper, e.p, e.q];
        assert.deepEqual(f.slice(4, 14).map(csvNumber), numbers, line);
        assert.ok(typeof e.stable === "boolean", "the model has restarts");
        assert.equal(f[14], String(e.stable));
      });
      assert.match(
        result.stderr,
        /^snmf effects: 3 strata, 42 rows × 4 columns, rank 2: 6 bootstrap replicates and 6 permutations\nsnmf effects: \d+ of 12 contrasts with q < 0\.05; \d+ unstable over the model's restarts; seed 3, T = 30; [\d.]+ s\n$/,
      );
    });

    it("writes the same records and the settings as JSON, the same on 2 threads", SLOW, async (t) => {
      if (skip(t)) return;
      const out = path("effects.json");
      const result = run(runner(), effectsOf(modelFile, ["--threads", "2", "--out", out, "-q"]));
      assert.equal(result.status, 0, show(result));
      assert.equal(result.stdout + result.stderr, "");
      const json = JSON.parse(readFileSync(out, "utf8"));
      const expected = await sdkEffects(data, modelFile, SDK_OPTIONS);
      const model = JSON.parse(readFileSync(modelFile, "utf8"));
      assert.equal(json.format, "stratified-nmf-effects");
      assert.deepEqual(json.model, { names: ["a", "b", "c"], cols: 4, rank: 2, fingerprint: model.fingerprint });
      assert.deepEqual(json.settings, expected.settings);
      assert.deepEqual(
        json.effects,
        JSON.parse(JSON.stringify(expected.effects.map((e) => ({ ...e, v: Number(formatFloat32(e.v)) })))),
      );
    });
  });

  describe("refuses data that are not the model's, with exit 2 and one line", () => {
    const source = () => sourceRunner(root);
    const modelFile = join(root, "refusals-model.json");
    const cases: [string, string[], RegExp][] = [
      [
        "another value",
        ["other_value.csv", "--strata-column", "site"],
        /^snmf effects: .*other_value\.csv: their values differ from those the model was fit on: the data are not the model's\n$/,
      ],
      [
        "other strata",
        ["other_strata.csv", "--strata-column", "site"],
        /^snmf effects: .*other_strata\.csv: has the strata "a", "b", "d", the model "a", "b", "c": the data are not the model's\n$/,
      ],
      [
        "a column whose smallest value differs (another shift)",
        ["deeper.csv", "--strata-column", "site"],
        /^snmf effects: .*deeper\.csv: the preprocessing gives other shifts than the model's \(column 1\): the data are not the model's\n$/,
      ],
      [
        "a preprocessing flag that is not the model's",
        ["sites.csv", "--strata-column", "site", "--scale", "max"],
        /^snmf effects: --scale max is not the preprocessing of .*refusals-model\.json \(scale: none\); effects applies the model's: leave the flag out\n$/,
      ],
      [
        "other columns",
        ["sites.csv", "--strata-column", "site", "--columns", "x,y,w,z"],
        /^snmf effects: .*sites\.csv: column 2 is "w", the model's "z": read the data as snmf fit did \(--columns\)\n$/,
      ],
      ["both formats", ["sites.csv", "--strata-column", "site", "--json", "--csv"], /--json and --csv: choose one\n$/],
      [
        "an unknown bootstrap start",
        ["sites.csv", "--strata-column", "site", "--bootstrap-start", "model"],
        /^snmf effects: --bootstrap-start must be one of replicate, data, got "model"\n$/,
      ],
    ];
    for (const [name, args, message] of cases) {
      it(name, SLOW, () => {
        if (!readdirSync(root).includes("refusals-model.json")) {
          fitSites(source(), modelFile, ["--seed", "1"]);
        }
        const [file, ...flags] = args;
        const result = run(source(), ["effects", modelFile, join(root, file), ...flags, ...SMALL, "-q"]);
        assert.equal(result.status, 2, show(result));
        assert.match(result.stderr, message);
        assert.equal(result.stdout, "");
      });
    }
  });

  it('--bootstrap-start data gives effects() with bootstrapStart "data", and says so', SLOW, async () => {
    const modelFile = join(root, "start-model.json");
    fitSites(sourceRunner(root), modelFile, ["--seed", "1"]);
    const out = join(root, "start-effects.json");
    const result = run(
      sourceRunner(root),
      effectsOf(modelFile, ["--threads", "1", "--bootstrap-start", "data", "--out", out]),
    );
    assert.equal(result.status, 0, show(result));
    assert.match(
      result.stderr,
      /6 bootstrap replicates \(replicates start from the data's pooled fit\) and 6 permutations/,
    );
    const json = JSON.parse(readFileSync(out, "utf8"));
    const expected = await sdkEffects(data, modelFile, { ...SDK_OPTIONS, bootstrapStart: "data" });
    assert.equal(json.settings.bootstrapStart, "data");
    assert.deepEqual(json.settings, expected.settings);
    const byReplicate = await sdkEffects(data, modelFile, SDK_OPTIONS);
    assert.deepEqual(json.effects.map((e: { lower: number }) => e.lower), expected.effects.map((e) => e.lower));
    assert.notDeepEqual(expected.effects.map((e) => e.lower), byReplicate.effects.map((e) => e.lower));
  });

  describe("snmf top and snmf report --effects", () => {
    const source = () => sourceRunner(root);
    const modelFile = join(root, "shown-model.json");
    const effectsFile = join(root, "shown-effects.json");
    let written: { settings: unknown; effects: Record<string, unknown>[] };
    before(() => {
      fitSites(source(), modelFile, ["--restarts", "4", "--seed", "1", "--iters", "60"]);
      const estimated = run(source(), effectsOf(modelFile, ["--out", effectsFile, "-q"]));
      assert.equal(estimated.status, 0, show(estimated));
      written = JSON.parse(readFileSync(effectsFile, "utf8"));
    }, SLOW);
    const effectOf = (stratum: string, column: number) =>
      written.effects.find((e) => e.stratum === stratum && e.column === column)!;

    it("top --json gives each listed column its interval, p, q and call, and the settings", SLOW, () => {
      const result = run(source(), ["top", modelFile, "--effects", effectsFile, "--by", "share", "--json"]);
      assert.equal(result.status, 0, show(result));
      const json = parseJson(result) as {
        strata: { name: string; features: { column: number; effect: Record<string, unknown> }[] }[];
        effects: { settings: unknown; caveat: string };
        stability: { near: number[] };
      };
      assert.deepEqual(json.effects.settings, written.settings);
      assert.match(json.effects.caveat, /not for the model's V/);
      assert.ok(Array.isArray(json.stability.near));
      for (const s of json.strata) {
        for (const f of s.features) {
          const e = effectOf(s.name, f.column);
          const [lower, upper] = e.shareInterval as number[];
          assert.deepEqual(f.effect, { estimate: e.share, lower, upper, p: e.p, q: e.q, call: (e.q as number) < 0.05 });
        }
      }
    });

    it("top writes each listed column's interval after it, * for the calls, and what they mean", SLOW, () => {
      const result = run(source(), ["top", modelFile, "--effects", effectsFile]);
      assert.equal(result.status, 0, show(result));
      const lines = result.stdout.split("\n");
      for (const site of ["a", "b", "c"]) {
        const line = lines.find((l) => l.startsWith(`  ${site} `))!;
        const listed = [...line.matchAll(/(\w) \[([^,\]]+), ([^\]]+)\](\*?)†?(, |$)/g)];
        assert.equal(listed.length, 4, line);
        for (const [text, name, lower, upper, star] of listed) {
          const e = effectOf(site, ["x", "y", "z", "w"].indexOf(name));
          assert.equal(Number(lower), Number((e.lower as number).toPrecision(3)), text);
          assert.equal(Number(upper), Number((e.upper as number).toPrecision(3)), text);
          assert.equal(star === "*", (e.q as number) < 0.05, text);
        }
      }
      assert.match(
        result.stdout,
        /\n\[lower, upper\]: the 95 % interval of the contrast of the procedure's canonical split; \*: its contrast's q < 0\.05/,
      );
      assert.match(result.stdout, /\nStability over the restarts:/);
    });

    it("report draws the intervals and lists the calls", SLOW, () => {
      const page = join(root, "shown.html");
      const result = run(source(), ["report", modelFile, "--effects", effectsFile, "--out", page, "-q"]);
      assert.equal(result.status, 0, show(result));
      const section = /<section id="effects">[\s\S]*?<\/section>/.exec(readFileSync(page, "utf8"))![0];
      assert.equal([...section.matchAll(/aria-roledescription="rule mark"/g)].length, 3 * 4);
      const calls = written.effects.filter((e) => (e.q as number) < 0.05).length;
      assert.equal([...section.matchAll(/<text[^>]*>\*†?<\/text>/g)].length, calls);
    });

    it("refuse an effects file of another model, naming it", SLOW, () => {
      const other = join(root, "shown-rank3.json");
      fitSites(source(), other, ["--rank", "3", "--seed", "1"]);
      for (const command of ["top", "report"]) {
        const out = command === "report" ? ["--out", join(root, "x.html")] : [];
        const result = run(source(), [command, other, "--effects", effectsFile, ...out]);
        assert.equal(result.status, 2, show(result));
        assert.match(
          result.stderr,
          new RegExp(
            `^snmf ${command}: .*shown-effects\\.json: holds the effects of another model: it was computed at rank 2, the model is of rank 3\\n$`,
          ),
        );
      }
    });

    it("leaves stable empty when only the best start ended near the best loss", SLOW, () => {
      const model = JSON.parse(readFileSync(modelFile, "utf8"));
      model.stability.near = [model.starts.best];
      const alone = join(root, "shown-alone.json");
      writeFileSync(alone, JSON.stringify(model));
      const result = run(source(), effectsOf(alone));
      assert.equal(result.status, 0, show(result));
      const rows = result.stdout.trimEnd().split("\n").slice(1);
      // An empty text field, quoted as io/write_table.ts writes them.
      assert.deepEqual(rows.map((row) => row.split(",").at(-1)), rows.map(() => '""'));
      assert.match(result.stderr, /only the best of the model's starts ended within 1 % of its loss/);
      const top = run(source(), ["top", alone]);
      assert.match(top.stdout, /\nStability over the restarts:\n {2}Only the best of the 4 starts ended within 1 %/);
      assert.doesNotMatch(top.stdout, /†/);
    });
  });

  it("stops on Ctrl-C (SIGINT): exit 130, the output file untouched", SLOW, async () => {
    const modelFile = join(root, "interrupt-model.json");
    const r = sourceRunner(root);
    fitSites(r, modelFile);
    const out = join(root, "interrupted.csv");
    writeFileSync(out, "previous\n");
    const announced = /^snmf effects: 3 strata, 42 rows × 4 columns, rank 2: 1000000 bootstrap replicates/;
    const args = ["effects", modelFile, data, "--strata-column", "site", "--replicates", "1000000", "--out", out];
    const { code, signal, stderr, stderrAtSignal, stoppedMs } = await interruptRun(
      r,
      args,
      (text) => announced.test(text),
      300,
    );
    assert.match(stderrAtSignal, announced, "the run started");
    // Deno's child_process reports an exit status of 130 as { code: null, signal: "SIGINT" }.
    if (typeof (globalThis as { Deno?: unknown }).Deno !== "undefined" && code === null) {
      assert.equal(signal, "SIGINT", stderr);
    } else assert.equal(code, 130, stderr);
    assert.ok(stoppedMs < 5000, "stopped promptly");
    assert.match(stderr, /\nsnmf effects: interrupted \(Ctrl-C\); nothing was written\n$/);
    assert.equal(readFileSync(out, "utf8"), "previous\n");
    assert.deepEqual(readdirSync(root).filter((f) => f.endsWith(".tmp")), []);
  });

  it("says what the progress line counts: refits", () => {
    const info = { iteration: 50, maxIter: 400, loss: NaN, normalizedLoss: NaN, elapsedMs: 5000 };
    assert.match(
      progressLine("effects", info, "refits"),
      /^effects █{3}░{21} {2}50\/400 {2}10\.0 refits\/s {2}ETA 35 s$/,
    );
  });

  it("--help names the CSV's fields and says what the intervals are for", () => {
    const result = run(sourceRunner(root), ["effects", "--help"]);
    assert.equal(result.status, 0, show(result));
    for (const field of HEADER.split(",")) assert.match(result.stdout, new RegExp(`\\n {2}(.*, )?${field}[, ]`));
    assert.match(
      result.stdout,
      /for the procedure's canonical split of the data\s+\(docs\/inference\.md\), not for the model's V/,
    );
  });
});

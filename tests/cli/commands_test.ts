// snmf demo, fit, top and transform, spawned for real: source, bundle and compiled binary.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ModelJSON } from "../../sdk/mod.ts";
import {
  assertRefused,
  childEnv,
  cleanup,
  describeEachRunner,
  parseJson,
  run,
  show,
  snmfArgs,
  tempDir,
  writeFiles,
} from "./harness.ts";
import { COLUMNS, csv, lossAgrees, residual, strataFiles, strataValues, sumSquares } from "./data.ts";

/** Each test spawns the command several times: more than bun test's default 5 s. */
const SLOW = { timeout: 60_000 };
const COMMANDS = ["demo", "fit", "text", "top", "transform"];

describe("snmf commands", () => {
  const root = tempDir();
  const { a, b, c } = strataValues();

  before(() => {
    writeFiles(root, {
      ...strataFiles("mtx"),
      "strata/notes.txt": "not a stratum: ignored\n",
      "grouped.csv": csv(
        ["site", "x", "label", "y", "z", "w"],
        [...a.map((r) => ["north", r[0], "n", ...r.slice(1)]), ...b.map((r) => ["south", r[0], "s", ...r.slice(1)])],
      ),
      "new_b.csv": csv(COLUMNS, b),
      "new_rows.csv": csv(null, [[1, 2, 0.5, 0], [0.25, 0, 3, 1], [2, 2, 2, 2]]),
      "wrong_header.csv": csv(["x", "y", "q", "w"], [[1, 2, 3, 4]]),
    });
  }, SLOW);
  after(() => cleanup(root));

  describeEachRunner(({ label, index, runner, skip }) => {
    const dir = (name: string) => join(root, `${label}-${name}`);

    it("prints usage and every command's help", SLOW, (t) => {
      if (skip(t)) return;
      const usage = run(runner(), ["--help"]);
      assert.equal(usage.status, 0, show(usage));
      for (const command of COMMANDS) assert.match(usage.stdout, new RegExp(`snmf ${command}`));
      assert.match(usage.stdout, /Exit codes: 0 success, 1 failure, 2 usage or input error/);
      // Every command's help through the source; one through the bundle and the binary.
      for (const command of index === 0 ? COMMANDS : ["fit"]) {
        const help = run(runner(), [command, "--help"]);
        assert.equal(help.status, 0, show(help));
        assert.match(help.stdout, new RegExp(`^snmf ${command} — `));
        assert.match(help.stdout, /\nExamples?:\n {2}snmf /);
        assert.equal(help.stderr, "");
      }
      const none = run(runner(), []);
      assertRefused(none, /^snmf — /);
    });

    it("demo: the synthetic experiment, JSON summary", SLOW, (t) => {
      if (skip(t)) return;
      const result = run(runner(), ["demo", "--iters", "3000", "--json"]);
      assert.equal(result.status, 0, show(result));
      assert.equal(result.stderr, "", "no progress line when stderr is not a terminal");
      const summary = parseJson(result);
      assert.deepEqual(summary.strata, [0, 1, 2, 3].map((i) => ({ name: `s${i}`, rows: 100 })));
      assert.equal(summary.cols, 100);
      assert.equal(summary.rank, 5);
      assert.equal(summary.iterations, 3000);
      assert.equal((summary.lossHistory as number[]).length, 3001);
      assert.ok((summary.normalizedLoss as number) < 0.01, `normalized loss ${summary.normalizedLoss}`);
      const vMeans = summary.vMeans as number[];
      const trueVMeans = summary.trueVMeans as number[];
      vMeans.forEach((mean, i) => assert.ok(Math.abs(mean - trueVMeans[i]) < 0.2, `v mean ${i}: ${mean}`));
      const text = run(runner(), ["demo", "--iters", "50"]);
      assert.equal(text.status, 0, show(text));
      assert.match(text.stdout, /^Synthetic experiment: 4 strata × 100 × 100, rank 5, 50 iterations, seed 0\n/);
      assert.match(text.stdout, /\ns3 +\d\.\d{3} +3\.\d{3}\n/);
    });

    it("fit: a directory of CSV and MatrixMarket strata, JSON summary and model file", SLOW, (t) => {
      if (skip(t)) return;
      const out = `${dir("model")}.json`;
      const result = run(
        runner(),
        snmfArgs("fit", join(root, "strata"), { rank: 2, iters: 40, seed: 7, out, json: true }),
      );
      assert.equal(result.status, 0, show(result));
      assert.equal(result.stderr, "");
      const s = parseJson(result);
      assert.deepEqual(s.strata, [{ name: "a", rows: 6 }, { name: "b", rows: 5 }, { name: "c", rows: 4 }]);
      assert.equal(s.cols, 4);
      assert.equal(s.rank, 2);
      assert.equal(s.iterations, 40);
      assert.equal(s.seed, 7);
      assert.equal(s.out, out);
      const history = s.lossHistory as number[];
      assert.equal(history.length, 41);
      for (let i = 1; i < history.length; i++) assert.ok(history[i] <= history[i - 1] * (1 + 1e-6), `rose at ${i}`);
      assert.equal(s.loss, history[40]);
      const normA = Math.sqrt(sumSquares(a, b, c));
      assert.ok(Math.abs((s.normalizedLoss as number) - (s.loss as number) / normA) < 1e-6);
      assert.ok((s.seconds as number) > 0);
      assert.ok(Math.abs((s.msPerIter as number) - (s.seconds as number) * 1000 / 40) < 1e-9);

      const model = JSON.parse(readFileSync(out, "utf8")) as ModelJSON;
      assert.equal(model.format, "stratified-nmf");
      assert.deepEqual(model.names, ["a", "b", "c"]);
      assert.deepEqual(model.rows, [6, 5, 4]);
      assert.deepEqual(model.columnNames, COLUMNS, "the CSV header names the columns");
      assert.equal(model.settings.seed, 7);
      assert.equal(model.settings.solver, "hals", "the default solver is recorded in the model file");
      assert.equal(model.settings.init, "random");
      const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
      assert.deepEqual(s.vMeans, model.V.map(mean));
      // The loss in the file is the loss of its factors on the data read from the files.
      const loss = Math.sqrt(
        [a, b, c].reduce((sum, A, i) => sum + residual(A, model.V[i], model.W[i], model.H) ** 2, 0),
      );
      assert.ok(lossAgrees(loss, model.loss, normA), `${loss} vs ${model.loss}`);

      // --init from that model, no iterations: the starting loss is the model's loss.
      const initOut = `${dir("init")}.json`;
      const again = run(
        runner(),
        snmfArgs("fit", join(root, "strata"), { rank: 2, iters: 0, init: out, out: initOut, json: true }),
      );
      assert.equal(again.status, 0, show(again));
      const s2 = parseJson(again);
      assert.ok(Math.abs((s2.loss as number) - model.loss) <= 1e-9 * model.loss);
      assert.equal(s2.seed, null);
      assert.equal(s2.out, initOut);

      // The rest is the same code in every build: checked through the source only.
      if (index > 0) return;
      // The SDK's other solver, start and penalties, through their flags.
      const hals = run(
        runner(),
        snmfArgs("fit", join(root, "strata"), {
          rank: 2,
          iters: 30,
          solver: "hals",
          init: "nndsvd",
          "l1-v": "0.001",
          threads: 1,
          out: initOut,
          json: true,
        }),
      );
      assert.equal(hals.status, 0, show(hals));
      const s3 = parseJson(hals);
      assert.equal(s3.solver, "hals");
      assert.equal(s3.threads, 1);
      assert.equal(s3.seed, null, "nndsvd is not a random start");
      const halsHistory = s3.lossHistory as number[];
      for (let i = 1; i < halsHistory.length; i++) {
        assert.ok(halsHistory[i] <= halsHistory[i - 1] * (1 + 1e-6), `hals: rose at ${i}`);
      }
      const wrongInit = run(runner(), ["fit", join(root, "strata"), "--rank", "3", "--init", out, "--out", initOut]);
      assert.equal(wrongInit.status, 2);
      assert.equal(wrongInit.stderr, `snmf fit: ${out}: init.W[0] row 0 has 2 values, expected 3\n`);

      const human = run(runner(), ["fit", join(root, "strata"), "--rank", "2", "--iters", "5", "--out", out]);
      assert.equal(human.status, 0, show(human));
      assert.match(
        human.stdout,
        /^3 strata, 15 rows × 4 columns; rank 2, hals solver, seed \d+\n5 iterations in/,
      );
      assert.match(human.stdout, /\nb +5 +\d/);
      assert.equal(
        human.stderr,
        `snmf fit: ${join(root, "strata")}: using 4 columns: x, y, z, w\n` +
          `snmf fit: fitting 3 strata, 15 rows × 4 columns, rank 2, at most 5 iterations\nsnmf fit: wrote ${out}\n`,
      );
    });

    it("fit: one CSV with --strata-column, with and without --columns", SLOW, (t) => {
      if (skip(t)) return;
      const out = `${dir("grouped")}.json`;
      const args = ["fit", join(root, "grouped.csv"), "--strata-column", "site", "--rank", "2", "--iters", "5"];
      const auto = run(runner(), [...args, "--out", out, "--json"]);
      assert.equal(auto.status, 0, show(auto));
      assert.match(
        auto.stderr,
        /left out column "label" \(line 2: "n" is not a number\); choose columns with --columns/,
      );
      assert.deepEqual(parseJson(auto).strata, [{ name: "north", rows: 6 }, { name: "south", rows: 5 }]);
      assert.deepEqual((JSON.parse(readFileSync(out, "utf8")) as ModelJSON).columnNames, ["x", "y", "z", "w"]);

      const picked = run(runner(), [...args, "--columns", "z,x", "--out", out, "--json", "--quiet"]);
      assert.equal(picked.status, 0, show(picked));
      assert.equal(picked.stderr, "");
      const model = JSON.parse(readFileSync(out, "utf8")) as ModelJSON;
      assert.deepEqual(model.columnNames, ["z", "x"]);
      assert.equal(parseJson(picked).cols, 2);

      // The rest is the same code in every build: checked through the source only.
      if (index > 0) return;
      const missing = run(runner(), ["fit", join(root, "grouped.csv"), "--rank", "2"]);
      assertRefused(missing, /^snmf fit: .*grouped\.csv is one file: give --strata-column COL/);
      const badColumn = run(runner(), [...args, "--columns", "x,nope", "--out", out]);
      assert.equal(badColumn.status, 2);
      assert.equal(
        badColumn.stderr,
        `snmf fit: ${
          join(root, "grouped.csv")
        } line 1: the header has no column "nope" (--columns); it has "site", "x", "label", "y", "z", "w"\n`,
      );
    });

    it("top: the largest entries of each v(i) and each topic, by name", SLOW, (t) => {
      if (skip(t)) return;
      const out = `${dir("top")}.json`;
      const fit = run(runner(), ["fit", join(root, "strata"), "--rank", "2", "--iters", "30", "--out", out, "-q"]);
      assert.equal(fit.status, 0, show(fit));
      const model = JSON.parse(readFileSync(out, "utf8")) as ModelJSON;
      const result = run(runner(), ["top", out, "--count", "3", "--json", "--by", "value"]);
      assert.equal(result.status, 0, show(result));
      const top = parseJson(result) as {
        strata: { name: string; features: { column: number; name: string; value: number }[] }[];
        topics: { topic: number; features: { column: number; name: string; value: number }[] }[];
      };
      const expected = (values: number[]) =>
        values.map((value, column) => ({ column, name: COLUMNS[column], value }))
          .sort((p, q) => q.value - p.value || p.column - q.column).slice(0, 3);
      assert.deepEqual(top.strata, model.names.map((name, i) => ({ name, features: expected(model.V[i]) })));
      assert.deepEqual(top.topics, model.H.map((row, q) => ({ topic: q, features: expected(row) })));

      const text = run(runner(), ["top", out, "--count", "2", "--by", "value"]);
      assert.equal(text.status, 0, show(text));
      const line = `  a         ${expected(model.V[0]).slice(0, 2).map((f) => f.name).join(", ")}`;
      assert.ok(text.stdout.includes(`${line}\n`), `${line} in\n${text.stdout}`);
      assert.match(text.stdout, /\n {2}topic 1 /);
    });

    it("transform: rows of a known stratum (CSV) and of a new one (JSON)", SLOW, (t) => {
      if (skip(t)) return;
      const model = `${dir("tmodel")}.json`;
      const fit = run(
        runner(),
        snmfArgs("fit", join(root, "strata"), { rank: 2, iters: 200, seed: 3, out: model, q: true }),
      );
      assert.equal(fit.status, 0, show(fit));
      const m = JSON.parse(readFileSync(model, "utf8")) as ModelJSON;

      const known = run(
        runner(),
        snmfArgs("transform", [model, join(root, "new_b.csv")], { stratum: "b", seed: 1, iters: 1000 }),
      );
      assert.equal(known.status, 0, show(known));
      const lines = known.stdout.trimEnd().split("\n");
      assert.equal(lines[0], "topic0,topic1");
      const W = lines.slice(1).map((l) => l.split(",").map(Number));
      assert.equal(W.length, 5);
      for (const row of W) assert.ok(row.length === 2 && row.every((x) => Number.isFinite(x) && x >= 0), `${row}`);
      assert.match(known.stderr, /^snmf transform: 5 rows of stratum "b", 1000 iterations, normalized loss \d/);
      // The training rows of b with H and v(b) fixed fit about as well as the fit's W(b).
      const fitted = residual(b, m.V[1], m.W[1], m.H);
      const refit = residual(b, m.V[1], W, m.H);
      assert.ok(refit <= fitted * 1.02, `refit of b: ${refit} vs the fit's ${fitted}`);

      const out = `${dir("loadings")}.json`;
      const fresh = run(
        runner(),
        snmfArgs("transform", [model, join(root, "new_rows.csv")], { out, iters: 300, q: true }),
      );
      assert.equal(fresh.status, 0, show(fresh));
      assert.equal(fresh.stdout, "");
      assert.equal(fresh.stderr, "");
      const json = JSON.parse(readFileSync(out, "utf8"));
      assert.equal(json.stratum, null);
      assert.equal(json.rows, 3);
      assert.equal(json.iterations, 300);
      assert.equal(json.v.length, 4);
      assert.equal(json.W.length, 3);
      const A = [[1, 2, 0.5, 0], [0.25, 0, 3, 1], [2, 2, 2, 2]];
      const check = residual(A, json.v, json.W, m.H);
      assert.ok(lossAgrees(check, json.loss, Math.sqrt(sumSquares(A))), `${check} vs ${json.loss}`);

      // MatrixMarket rows of stratum c, as JSON on stdout.
      const sparse = run(
        runner(),
        snmfArgs("transform", [model, join(root, "strata", "c.mtx")], { stratum: "c", json: true, q: true }),
      );
      assert.equal(sparse.status, 0, show(sparse));
      const sparseJson = JSON.parse(sparse.stdout);
      assert.equal(sparseJson.stratum, "c");
      // v(c) is the model's, kept fixed (printed as the shortest decimal of each float32).
      m.V[2].forEach((x, j) => assert.ok(Math.abs(sparseJson.v[j] - x) <= 1e-6 * x, `v[${j}]`));
      const sparseCheck = residual(c, sparseJson.v, sparseJson.W, m.H);
      assert.ok(lossAgrees(sparseCheck, sparseJson.loss, Math.sqrt(sumSquares(c))));

      // The rest is the same code in every build: checked through the source only.
      if (index > 0) return;
      // --solver and --threads reach the SDK: one thread gives the default's bits, the other
      // solver other loadings.
      const loadings = (...flags: string[]) => {
        const result = run(runner(), [
          "transform",
          model,
          join(root, "new_rows.csv"),
          "--seed",
          "3",
          "--json",
          "-q",
          ...flags,
        ]);
        assert.equal(result.status, 0, show(result));
        return JSON.parse(result.stdout).W as number[][];
      };
      const byDefault = loadings();
      assert.deepEqual(loadings("--threads", "1"), byDefault);
      assert.notDeepEqual(loadings("--solver", "mu"), byDefault);
      assert.deepEqual(loadings("--solver", "hals"), byDefault, "the model's solver (hals) is the default");
      const wrong = run(runner(), ["transform", model, join(root, "wrong_header.csv"), "--stratum", "a"]);
      assert.equal(wrong.status, 2);
      assert.equal(
        wrong.stderr,
        `snmf transform: ${join(root, "wrong_header.csv")} line 1: column 3 is "q", the model's is "z"\n`,
      );
      const unknown = run(runner(), ["transform", model, join(root, "new_b.csv"), "--stratum", "zz"]);
      assert.equal(unknown.status, 2);
      assert.equal(
        unknown.stderr,
        `snmf transform: ${model}: has no stratum "zz" (--stratum); its strata are "a", "b", "c"\n`,
      );
    });

    // The terminal path is the same code in every build: checked through the source only.
    if (index === 0) {
      it("draws the progress line only on a terminal, and not with --quiet", SLOW, (t) => {
        if (skip(t)) return;
        const script = spawnSync("script", ["--version"], { encoding: "utf8" });
        if (script.status !== 0) {
          return t.skip("script(1) from util-linux is not installed: no terminal to test with");
        }
        const r = runner();
        const command = (extra: string[]) =>
          [r.command, ...r.prefix, "demo", "--iters", "3000", ...extra].map((a) => `'${a}'`).join(" ");
        const onTerminal = (extra: string[]) =>
          spawnSync("script", ["-qec", command(extra), "/dev/null"], {
            cwd: r.cwd,
            env: childEnv(),
            encoding: "utf8",
            timeout: 60_000,
          });
        const shown = onTerminal([]);
        assert.equal(shown.status, 0, shown.stderr);
        // Each draw: carriage return, "erase line" (ESC [2K), the line.
        const redraw = "\r\u001b[2K";
        const line = /demo [█░]{24} +\d+\/3000 {2}loss \d\.\d{3}e[+-]\d+ {2}[\d.]+ it\/s {2}ETA /;
        assert.ok(
          shown.stdout.split(redraw).some((part) => line.test(part)),
          `a progress line in ${JSON.stringify(shown.stdout.slice(0, 300))}`,
        );
        assert.ok(shown.stdout.includes(`${redraw}Synthetic experiment:`), "the line is cleared before the summary");
        const quiet = onTerminal(["--quiet"]);
        assert.equal(quiet.status, 0, quiet.stderr);
        assert.ok(!quiet.stdout.includes("it/s"), quiet.stdout);
        assert.match(quiet.stdout, /^Synthetic experiment:/);
      });
    }

    it("usage errors exit 2 with one line", SLOW, (t) => {
      if (skip(t)) return;
      const cases: [string[], string][] = [
        [["fit", join(root, "strata"), "--rank", "0"], 'snmf fit: --rank must be an integer ≥ 1, got "0"'],
        [
          ["fit", join(root, "strata"), "--schedule", "fast"],
          'snmf fit: --schedule must be one of sequential, reference, got "fast"',
        ],
        [
          ["fit", join(root, "strata"), "--rank", "9"],
          "snmf fit: Cannot fit model: --rank 9 exceeds what the data allows (min of 4 columns and 15 rows)",
        ],
        [["top"], "snmf top: missing MODEL (expected MODEL)"],
        [["top", "a.json", "b.json"], 'snmf top: unexpected argument "b.json" (expected MODEL)'],
        [["fit", join(root, "nowhere")], `snmf fit: ${join(root, "nowhere")}: no such file or directory`],
        [
          ["fit", join(root, "strata"), "--out", join(root, "no", "dir", "m.json")],
          `snmf fit: cannot write --out ${join(root, "no", "dir", "m.json")}: directory ${
            join(root, "no", "dir")
          } does not exist`,
        ],
      ];
      // Every case through the source; the first through the bundle and the binary.
      for (const [args, message] of index === 0 ? cases : cases.slice(0, 1)) {
        const result = run(runner(), args);
        assert.equal(result.status, 2, `${args.join(" ")}: ${show(result)}`);
        assert.equal(result.stderr, `${message}\n`);
        assert.equal(result.stdout, "");
      }
      const bogus = run(runner(), ["bogus"]);
      assertRefused(
        bogus,
        /^snmf: unknown command "bogus" \(commands: demo, fit, .*top, transform; see snmf --help\)\n$/,
      );
      const unknownOption = run(runner(), ["fit", join(root, "strata"), "--frobnicate"]);
      assertRefused(unknownOption, /^snmf fit: Unknown option '--frobnicate'/);
      assert.equal(unknownOption.stderr.trimEnd().split("\n").length, 1);
    });
  });
});

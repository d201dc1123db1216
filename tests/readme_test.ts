// README.md's examples run as written: every command (its command blocks, and commands quoted
// in the text) and every code block, in a directory holding files of the names they use
// (data/, survey.csv, new_rows.csv, posts.jsonl). `npx snmf` and `bunx snmf` run the source
// under the runtime running the tests; the Node block imports "stratified-nmf" through the
// package's exports map (dist/, built by npm test). What needs a network, a platform or minutes
// is listed below as exempt, with why; a command the README gains that is in neither list fails.
// The California example (its commands name california) runs on its own, when the California
// housing table is beside the project (bench/experiments/data.ts), and must redraw the committed
// figure bit for bit.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import process from "node:process";
import { after, describe, it } from "node:test";
import { cleanup, ROOT, sourceRunner, tempDir, writeFiles } from "./cli/harness.ts";
import { csv, lcg } from "./cli/data.ts";
import { CAL_HOUSING } from "../bench/experiments/data.ts";
import { tableFile } from "./io/table_files.ts";

const SLOW = { timeout: 180_000 };

/** Commands the README gives that the tests do not run here, and why. */
const EXEMPT: Record<string, string> = {
  "npm install": "reaches the registry; this checkout was installed with it",
  "npm test": "the whole suite, which runs this file",
  "deno test": "the test runner running this file",
  "bun test": "the test runner running this file",
  "npm install stratified-nmf":
    "installs the published package; tests/hosts/package.mjs installs the packed tarball so",
  "npm pack": "a step of npm run test:hosts",
  "npm run test:hosts": "installs the packed tarball on every host, minutes: run on its own",
  "npm run compile": "a 100 MB executable; tests/cli/harness.ts builds it and runs the CLI tests through it",
  "bun build --compile": "a 100 MB executable; tests/cli/harness.ts builds it and runs the CLI tests through it",
  "npx deno compile -A --output dist/snmf cli/main.ts": "downloads Deno's denort runtime: a network the tests lack",
  "npm run bench": "minutes of benchmarks (bench/README.md records runs)",
  "npm run bench -- --solvers": "minutes of benchmarks (docs/experiments.md records them)",
  "npm run bench -- --compare-numpy": "minutes of benchmarks, with NumPy (bench/README.md records runs)",
  "npm run bench -- --compare-sklearn": "minutes of benchmarks, with scikit-learn (bench/README.md records runs)",
  "npx bun bench/bench.ts --compare-numpy": "minutes of benchmarks, with NumPy (bench/README.md records runs)",
  "npm run experiments": "minutes, and the California housing table from outside the repository (docs/experiments.md)",
  "deno jupyter": "needs a Jupyter front end; the display it calls is tested in tests/model_test.ts",
};

/** Code blocks not run here (by their first line), and why. */
const EXEMPT_BLOCKS: Record<string, string> = {
  'import { fit } from "npm:stratified-nmf";':
    "a notebook cell (strata and columnNames come from earlier cells) importing the published package; the display is tested in tests/model_test.ts",
};

interface Block {
  lang: string;
  text: string;
  line: number;
}

/** The README's fenced code blocks. */
function codeBlocks(readme: string): Block[] {
  const blocks: Block[] = [];
  const lines = readme.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.indexOf("```", i + 1);
    blocks.push({ lang: open[1], text: lines.slice(i + 1, end).join("\n") + "\n", line: i + 1 });
    i = end;
  }
  return blocks;
}

/** A command line without its comment, split at `&&` into the commands it runs. */
function commandsOf(line: string): string[] {
  return line.replace(/\s+#.*$/, "").split("&&").map((part) => part.trim()).filter((part) => part !== "");
}

/**
 * Every command the README gives: the lines of its sh blocks and of its indented command
 * blocks (indented lines that start with a command), and the code spans of its text that start
 * with a command (npx, bunx, npm, deno, bun, node).
 */
function commands(readme: string): string[] {
  const found: string[] = [];
  for (const block of codeBlocks(readme).filter((b) => b.lang === "sh")) {
    block.text.split("\n").forEach((line) => found.push(...commandsOf(line)));
  }
  const text = readme.replace(/^```\w*\n[\s\S]*?^```$/gm, "");
  for (const line of text.split("\n")) {
    if (/^ {4}(npx|bunx|npm|deno|bun|node|snmf) /.test(line)) found.push(...commandsOf(line.trim()));
  }
  for (const [, span] of text.matchAll(/`([^`\n]+)`/g)) {
    if (/^(npx|bunx|npm|deno|bun|node) /.test(span)) found.push(span);
  }
  return [...new Set(found)];
}

/** Strata of one shape (8 columns, rank 3 plus a shift), as CSV with a header. */
function siteCsv(seed: number, rows: number, shift: number): string {
  const next = lcg(seed);
  const H = Array.from({ length: 3 }, () => Array.from({ length: 8 }, () => next()));
  const data = Array.from({ length: rows }, () => {
    const w = [next(), next(), next()];
    return H[0].map((_, j) => Math.round((shift * (j % 3) + w.reduce((s, x, q) => s + x * H[q][j], 0)) * 1000) / 1000);
  });
  return csv(["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"], data);
}

/** A survey in waves: income, age, rooms, and a text column that is left out. */
function surveyCsv(): string {
  const next = lcg(21);
  const rows = Array.from({ length: 30 }, (_, r) => {
    const wave = `w${1 + (r % 3)}`;
    return [wave, Math.round(20000 + 40000 * next()), Math.round(20 + 50 * next()), 1 + Math.floor(5 * next()), "x"];
  });
  return csv(["wave", "income", "age", "rooms", "note"], rows);
}

/** Cars by origin: a name, some missing cells, columns on different scales (the Parquet example). */
function carsParquet(): Uint8Array {
  const next = lcg(45);
  const origins = ["USA", "Europe", "Japan"];
  const rows = Array.from({ length: 36 }, (_, r) => ({
    Name: `car ${r}`,
    Origin: origins[r % 3],
    MPG: r % 7 === 3 ? null : Math.round(15 + 25 * next()),
    Horsepower: Math.round(60 + 150 * next()),
    Weight_in_lbs: Math.round(1800 + 3000 * next()),
  }));
  return tableFile(rows, ".parquet") as Uint8Array;
}

/** Posts in two forums, 30 each, from two vocabularies that share some words. */
function postsJsonl(): string {
  const next = lcg(33);
  const shared = ["today", "people", "great", "time", "week", "news", "think", "really"];
  const words = {
    space: ["orbit", "rocket", "launch", "moon", "mars", "nasa", "satellite", "crew", "shuttle", "telescope", "comet"],
    sports: ["goal", "team", "season", "coach", "league", "match", "score", "player", "final", "stadium", "fans"],
  };
  const lines: string[] = [];
  for (const forum of ["space", "sports"] as const) {
    for (let d = 0; d < 30; d++) {
      const pick = (list: string[]) => list[Math.floor(next() * list.length)];
      const body = Array.from({ length: 12 }, () => (next() < 0.7 ? pick(words[forum]) : pick(shared))).join(" ");
      lines.push(JSON.stringify({ forum, body }));
    }
  }
  return lines.join("\n") + "\n";
}

/** The directory the examples run in: their input files, ./sdk and node_modules/stratified-nmf pointing at the repository, and shims. */
function exampleDirectory(): { dir: string; env: Record<string, string> } {
  const dir = tempDir("snmf-readme-");
  writeFiles(dir, {
    "data/siteA.csv": siteCsv(1, 20, 0),
    "data/siteB.csv": siteCsv(2, 15, 2),
    "data/siteC.csv": siteCsv(3, 18, 1),
    "new_rows.csv": siteCsv(4, 5, 0),
    "survey.csv": surveyCsv(),
    "posts.jsonl": postsJsonl(),
  });
  writeFileSync(join(dir, "cars.parquet"), carsParquet());
  symlinkSync(join(ROOT, "sdk"), join(dir, "sdk"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(ROOT, join(dir, "node_modules", "stratified-nmf"));
  // npx snmf and bunx snmf: the source, under the runtime running the tests.
  const source = sourceRunner(dir);
  const shims = join(dir, ".shims");
  mkdirSync(shims);
  const quoted = [source.command, ...source.prefix].map((arg) => `'${arg}'`).join(" ");
  for (const runner of ["npx", "bunx"]) {
    writeFileSync(
      join(shims, runner),
      `#!/bin/sh\nif [ "$1" = snmf ]; then shift; exec ${quoted} "$@"; fi\necho "not shimmed: ${runner} $1" >&2; exit 99\n`,
    );
    chmodSync(join(shims, runner), 0o755);
  }
  const path = [shims, join(ROOT, "node_modules", ".bin"), process.env.PATH ?? ""].join(delimiter);
  const env: Record<string, string> = { PATH: path, NO_COLOR: "1", HOME: process.env.HOME ?? dir };
  return { dir, env };
}

/** Whether a command belongs to the California example (run only when the table is there). */
const isCalifornia = (command: string) => /california/.test(command);

/** Runs a shell command in `cwd`; asserts it succeeds and returns its output. */
function sh(command: string, cwd: string, env: Record<string, string>): { stdout: string; stderr: string } {
  const result = spawnSync("sh", ["-c", command], { cwd, env, encoding: "utf8", timeout: 120_000 });
  assert.equal(result.status, 0, `${command}\n(exit ${result.status})\n${result.stdout}\n${result.stderr}`);
  return { stdout: result.stdout, stderr: result.stderr };
}

describe("README.md's examples", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const { dir, env } = exampleDirectory();
  after(() => cleanup(dir));
  const ran = new Set<string>();

  it("every command is run below or exempt with a reason, and every exemption is still in the README", () => {
    const given = commands(readme);
    const runnable = given.filter((command) => !Object.hasOwn(EXEMPT, command));
    assert.deepEqual(Object.keys(EXEMPT).filter((command) => !given.includes(command)), [], "stale exemptions");
    for (const command of runnable) {
      assert.match(
        command,
        /^(npx snmf|bunx snmf|npm run demo$|bun script\.ts$|deno run -A scripts\/california\.ts )/,
        `a command this test cannot run: ${command}`,
      );
    }
    const blocks = codeBlocks(readme).filter((b) => b.lang !== "sh");
    for (const block of blocks) {
      const first = block.text.split("\n")[0];
      assert.ok(["ts", "js"].includes(block.lang), `README.md line ${block.line}: a ${block.lang} block`);
      if (Object.hasOwn(EXEMPT_BLOCKS, first)) continue;
      assert.ok(/from "\.\/sdk\/mod\.ts"|from "stratified-nmf"/.test(block.text), `line ${block.line}: ${first}`);
    }
  });

  it("the command blocks run in order, as written, each on the files the ones before wrote", SLOW, () => {
    for (const command of commands(readme)) {
      if (Object.hasOwn(EXEMPT, command) || !/^(npx|bunx) snmf/.test(command) || isCalifornia(command)) continue;
      sh(command, dir, env);
      ran.add(command);
    }
    // What they wrote, as the README says.
    const model = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
    assert.deepEqual([model.names, model.rank, model.iterations], [["siteA", "siteB", "siteC"], 5, 500]);
    assert.match(readFileSync(join(dir, "loadings.csv"), "utf8"), /^topic0,topic1,topic2,topic3,topic4\n/);
    assert.match(readFileSync(join(dir, "report.html"), "utf8"), /^<!DOCTYPE html>[\s\S]*<svg/);
    assert.deepEqual(readdirSync(join(dir, "tables")).sort(), [
      "H.parquet",
      "V.parquet",
      "W.parquet",
      "top_features.parquet",
    ]);
    const survey = JSON.parse(readFileSync(join(dir, "survey.json"), "utf8"));
    assert.deepEqual([survey.names, survey.columnNames, survey.rank], [
      ["w1", "w2", "w3"],
      ["income", "age", "rooms"],
      2,
    ]);
    assert.equal(JSON.parse(readFileSync(join(dir, "topics.json"), "utf8")).rank, 20);
  });

  it("the California example runs as written, its figure as committed", {
    ...SLOW,
    skip: existsSync(CAL_HOUSING) ? false : `${CAL_HOUSING} is absent`,
  }, () => {
    mkdirSync(join(dir, "docs", "figures"), { recursive: true });
    const outputs: Record<string, string> = {};
    for (const command of commands(readme).filter(isCalifornia)) {
      // The script runs from the repository (its imports are relative to it), on the files here.
      outputs[command] = sh(command.replace("scripts/california.ts", join(ROOT, "scripts", "california.ts")), dir, env)
        .stdout;
      ran.add(command);
    }
    const effects = JSON.parse(readFileSync(join(dir, "california_effects.json"), "utf8"));
    assert.deepEqual([effects.model.names, effects.settings.iterations], [["low", "medium", "high"], 50]);
    const top = Object.entries(outputs).find(([command]) => command.startsWith("npx snmf top"))![1];
    assert.match(top, /\n {2}high {6}MedInc \[0\.663, 0\.674\]\*, /);
    assert.match(top, /\n {4}low {7}HouseAge\n/);
    const figure = "docs/figures/california_effects.svg";
    assert.equal(readFileSync(join(dir, figure), "utf8"), readFileSync(join(ROOT, figure), "utf8"), figure);
  });

  it("npm run demo prints the loss the README gives, with why it is not the paper's", SLOW, () => {
    assert.ok(existsSync(join(ROOT, "dist", "snmf.js")), "dist/ is built (npm test builds it first)");
    const claimed = /prints the normalized loss[^,]*, ([\d.]+e-\d), beside the paper's 9\.7e-4/.exec(
      readme.replace(/\n/g, " "),
    );
    assert.ok(claimed, "the README says what the demo prints");
    const { stdout } = sh("npm run demo", ROOT, env);
    assert.match(stdout, new RegExp(`\\nnormalized loss {2}${claimed[1].replace(".", "\\.")} `));
    assert.match(stdout, /The paper's figure comes from one random draw/);
    ran.add("npm run demo");
  });

  it("the SDK blocks run: Deno's as written (and under Bun: bun script.ts), Node's from the package", SLOW, () => {
    const blocks = codeBlocks(readme).filter((b) =>
      b.lang !== "sh" && !Object.hasOwn(EXEMPT_BLOCKS, b.text.split("\n")[0])
    );
    const deno = blocks.find((b) => b.lang === "ts")!;
    writeFileSync(join(dir, "script.ts"), deno.text);
    const denoOut = sh(`deno run -A script.ts`, dir, env).stdout;
    const printed = /^[\d.e-]+ \[ \d, \d \]\n$/; // the normalized loss, and the top 2 columns of site B
    assert.match(denoOut, printed, denoOut);
    const bunOut = sh("bun script.ts", dir, env).stdout;
    assert.match(bunOut, printed, bunOut);
    ran.add("bun script.ts");
    const node = blocks.find((b) => b.lang === "js")!;
    writeFileSync(join(dir, "main.mjs"), node.text);
    const nodeOut = sh("node main.mjs", dir, env).stdout;
    assert.match(nodeOut, /^\d\.\d+(e-\d+)? \[\n?/, nodeOut);
    const table = blocks.find((b) => b.text.includes("fromTable("))!;
    writeFileSync(join(dir, "table.ts"), table.text);
    const tableOut = sh(`deno run -A table.ts`, dir, env).stdout;
    assert.match(tableOut, /\[ "mpg", "hp" \]/, tableOut); // the columns used, then the row ids and v(i) in mpg and hp
    const rank = blocks.find((b) => b.text.includes("crossValidate("))!;
    writeFileSync(join(dir, "rank.ts"), rank.text);
    const rankOut = sh(`deno run -A rank.ts`, dir, env).stdout;
    assert.match(rankOut, /^3\nstratified 1 0\.\d+ ± 0\.\d+\n/, rankOut); // the suggested rank, then the table
    assert.equal(blocks.length, 4, "every SDK block ran");
  });

  it("ran every command that is not exempt", () => {
    const expected = commands(readme).filter((command) =>
      !Object.hasOwn(EXEMPT, command) && (existsSync(CAL_HOUSING) || !isCalifornia(command))
    );
    assert.deepEqual(expected.filter((command) => !ran.has(command)), []);
  });
});

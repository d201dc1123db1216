// Malformed inputs (one line naming file, line and problem; exit 2), output files that a failed
// or interrupted run leaves untouched, Ctrl-C during a fit, and what --out does with what is at
// its path (links, devices, pipes, the command's own inputs).

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  linkSync,
  lstatSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import process from "node:process";
import { join } from "node:path";
import {
  assertRefused,
  cleanup,
  describeEachRunner,
  interruptRun,
  parseJson,
  ROOT,
  run,
  show,
  snmfArgs,
  tempDir,
  writeFiles,
} from "./harness.ts";
import { COLUMNS, csv, mtx, strataValues } from "./data.ts";
import { InputError } from "../../cli/errors.ts";
import { NEGATIVE_HINT, readStrata } from "../../io/read_input.ts";

/** Each test spawns the command several times: more than bun test's default 5 s. */
const SLOW = { timeout: 60_000 };
const MM = "%%MatrixMarket matrix coordinate real general";

/** A malformed input: the files of a stratum directory, the line expected after "FILE ". */
type Malformed = { name: string; files: Record<string, string>; file: string; message: string; core?: boolean };
/** Marks a case that also goes through every build of the real command. */
const CORE = true;
/** Makes cases whose stratum directory holds one file, `file`, with the given content. */
const inOneFile = (file: string) => (name: string, content: string, message: string, core = false): Malformed => ({
  name,
  files: { [file]: content },
  file,
  message,
  core,
});
const csvCase = inOneFile("a.csv");
const mtxCase = inOneFile("a.mtx");

/**
 * Each malformed input. All go through the readers in process; the `core` ones (the kinds the
 * issue names: a negative value, a non-number, a wrong column count, a bad MatrixMarket header)
 * also through every build of the real command.
 */
const MALFORMED: Malformed[] = [
  csvCase("a negative value", "x,y,z\n1,2,3\n4,-5,6\n", 'line 3: column 2 ("y") is negative (-5)', CORE),
  csvCase("a non-number", "1,2,3\n4,5,six\n", 'line 2: column 3 is not a number ("six")', CORE),
  csvCase("an empty value", "x,y\n1,2\n3,\n", 'line 3: column 2 ("y") is empty'),
  csvCase("an infinite value", "1,2\n3,Infinity\n", 'line 2: column 2 is not a finite number ("Infinity")'),
  csvCase("a wrong column count", "x,y,z\n1,2,3\n\n4,5\n", "line 4: has 2 values, expected 3 (as in the header)", CORE),
  csvCase("a wrong column count without header", "1,2\n3,4,5\n", "line 2: has 3 values, expected 2 (as in line 1)"),
  csvCase("broken CSV quoting", 'x,y\n1,"2"3\n', "line 2: not valid CSV: "),
  {
    name: "a header that differs between files",
    files: { "a.csv": "x,y\n1,2\n", "b.csv": "x,q\n1,2\n" },
    file: "b.csv",
    message: `line 1: the header differs from a.csv's: column 2 is "q" where a.csv has "y"`,
  },
  mtxCase(
    "a MatrixMarket file without its header",
    "2 2 1\n1 1 3\n",
    'line 1: bad MatrixMarket header: expected "%%MatrixMarket matrix coordinate real|integer|pattern general", got "2 2 1"',
    CORE,
  ),
  mtxCase(
    "a dense (array) MatrixMarket file",
    "%%MatrixMarket matrix array real general\n2 1\n1\n2\n",
    'line 1: bad MatrixMarket header: format "array" is not supported (only "coordinate", the sparse format)',
    CORE,
  ),
  mtxCase(
    "a symmetric MatrixMarket file",
    "%%MatrixMarket matrix coordinate real symmetric\n2 2 1\n1 1 3\n",
    'line 1: bad MatrixMarket header: symmetry "symmetric" is not supported (only general)',
  ),
  mtxCase(
    "a complex MatrixMarket file",
    "%%MatrixMarket matrix coordinate complex general\n2 2 1\n1 1 3 0\n",
    'line 1: bad MatrixMarket header: field "complex" is not supported (only real, integer or pattern)',
  ),
  mtxCase(
    "a bad MatrixMarket size line",
    `${MM}\n% comment\n2 two 1\n1 1 3\n`,
    'line 3: bad size line "2 two 1": expected three integers, rows ≥ 1, columns ≥ 1, entries ≥ 0',
  ),
  mtxCase(
    "a MatrixMarket index out of range",
    `${MM}\n2 3 2\n1 1 1\n3 1 2\n`,
    'line 4: row index "3" is not an integer in 1..2',
  ),
  mtxCase(
    "a 0-based MatrixMarket index",
    `${MM}\n2 3 1\n1 0 1\n`,
    'line 3: column index "0" is not an integer in 1..3',
  ),
  mtxCase("a negative MatrixMarket value", `${MM}\n2 2 2\n1 1 1\n2 2 -0.5\n`, "line 4: value is negative (-0.5)"),
  mtxCase("a non-number MatrixMarket value", `${MM}\n2 2 1\n1 1 abc\n`, 'line 3: value "abc" is not a number'),
  mtxCase(
    "a real value in an integer MatrixMarket file",
    "%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 1 1.5\n",
    'line 3: value "1.5" is not an integer',
  ),
  mtxCase(
    "too few MatrixMarket entries",
    `${MM}\n2 2 3\n1 1 1\n2 2 1\n`,
    "line 5: the size line declares 3 entries, the file has 2",
  ),
  mtxCase(
    "too many MatrixMarket entries",
    `${MM}\n2 2 1\n1 1 1\n2 2 1\n`,
    "line 4: more entries than the 1 the size line declares",
  ),
  mtxCase(
    "a repeated MatrixMarket entry",
    `${MM}\n2 2 3\n2 1 1\n1 2 1\n2 1 4\n`,
    "line 5: entry (2, 1) repeats the one on line 3",
  ),
];

describe("snmf errors and output files", () => {
  const root = tempDir();
  const { a, b } = strataValues();

  before(() => {
    const files: Record<string, string> = {
      "good/a.csv": csv(COLUMNS, a),
      "good/b.mtx": mtx(b),
      "corrupt/a.csv": csv(COLUMNS, a),
      "corrupt/b.csv": csv(COLUMNS, [...b.slice(0, 3), [1, 2, "3.5.1", 4], ...b.slice(3)]),
      "grouped.csv": "site,x,y\nn,1,2\ns,3,-4\n",
      "rows.csv": "1,2,3,4\n5,-6,7,8\n",
      "empty/a.csv": "",
      "headeronly/a.csv": "x,y\n",
      "nostrata/README.md": "no strata here\n",
      "brokenlink/a.csv": csv(COLUMNS, a),
      "huge/a.mtx": `${MM}\n2000000000 2000000000 3\n1 1 1\n2 2 1\n3 3 1\n`,
      "huge-fit/a.mtx": `${MM}\n300000000 300000000 3\n1 1 1\n2 2 1\n3 3 1\n`,
    };
    MALFORMED.forEach((c, i) => {
      for (const [name, content] of Object.entries(c.files)) files[`bad${i}/${name}`] = content;
    });
    writeFiles(root, files);
    symlinkSync("gone.csv", join(root, "brokenlink", "b.csv"));
    const latin1 = new TextEncoder().encode(csv(["x", "caf?", "z", "w"], a));
    latin1[latin1.indexOf(0x3f)] = 0xe9;
    writeFiles(root, { "latin1/a.csv": "" });
    writeFileSync(join(root, "latin1", "a.csv"), latin1);
  }, SLOW);
  after(() => cleanup(root));

  // Every case through the readers in this process (spawning each through three builds would
  // take long); the core ones through the real command below, where InputError becomes exit 2.
  it("names file, line and problem for every malformed input (readers in process)", () => {
    MALFORMED.forEach((c, i) => {
      const dir = join(root, `bad${i}`);
      assert.throws(() => readStrata(dir), (error: unknown) => {
        assert.ok(error instanceof InputError, `${c.name}: ${error}`);
        const expected = `${join(dir, c.file)} ${c.message}`;
        assert.ok(
          error.message.startsWith(expected),
          `${c.name}:\n  expected ${expected}\n  got      ${error.message}`,
        );
        assert.ok(!error.message.includes("\n"), `${c.name}: one line`);
        return true;
      });
    });
  });

  describeEachRunner(({ label, runner, skip }) => {
    it("reports each malformed input in one line naming file and line, exit 2", SLOW, (t) => {
      if (skip(t)) return;
      MALFORMED.forEach((c, i) => {
        if (!c.core) return;
        const out = join(root, `${label}-never.json`);
        const result = run(runner(), ["fit", join(root, `bad${i}`), "--rank", "1", "--out", out]);
        assert.equal(result.status, 2, `${c.name}: ${show(result)}`);
        assert.equal(result.stdout, "", c.name);
        const expected = `snmf fit: ${join(root, `bad${i}`, c.file)} ${c.message}`;
        assert.ok(
          result.stderr.startsWith(expected),
          `${c.name}:\n  expected ${expected}\n  got      ${result.stderr}`,
        );
        assert.equal(result.stderr.trimEnd().split("\n").length, 1, `${c.name}: one line`);
        assert.ok(!existsSync(out), `${c.name}: no output file`);
      });
      const cases: [string[], string][] = [
        [["fit", join(root, "empty")], `${join(root, "empty", "a.csv")}: is empty`],
        [
          ["fit", join(root, "headeronly")],
          `${join(root, "headeronly", "a.csv")} line 1: has a header row but no data rows`,
        ],
        [
          ["fit", join(root, "grouped.csv"), "--strata-column", "site"],
          `${join(root, "grouped.csv")} line 3: column 3 ("y") is negative (-4)${NEGATIVE_HINT}`,
        ],
        [
          ["fit", join(root, "nostrata")],
          `${
            join(root, "nostrata")
          }: has no NAME.csv, NAME.tsv, NAME.json, NAME.jsonl, NAME.parquet, NAME.arrow or NAME.mtx files (one per stratum)`,
        ],
      ];
      for (const [args, message] of cases) {
        const result = run(runner(), [...args, "--rank", "1", "--out", join(root, `${label}-never.json`)]);
        assert.equal(result.status, 2, show(result));
        assert.equal(result.stderr, `snmf ${args[0]}: ${message}\n`);
      }
    });

    it("leaves an existing --out file untouched when the input is corrupt", SLOW, (t) => {
      if (skip(t)) return;
      const out = join(root, `${label}-existing.json`);
      const good = run(runner(), ["fit", join(root, "good"), "--rank", "2", "--iters", "10", "--out", out, "-q"]);
      assert.equal(good.status, 0, show(good));
      const before = readFileSync(out, "utf8");
      assert.equal(JSON.parse(before).format, "stratified-nmf");

      const corrupt = run(runner(), ["fit", join(root, "corrupt"), "--rank", "2", "--iters", "10", "--out", out]);
      assert.equal(corrupt.status, 2, show(corrupt));
      assert.equal(
        corrupt.stderr,
        `snmf fit: ${join(root, "corrupt", "b.csv")} line 5: column 3 ("z") is not a number ("3.5.1")\n`,
      );
      assert.equal(readFileSync(out, "utf8"), before, "the model file is unchanged");

      const loadings = join(root, `${label}-loadings.csv`);
      writeFileSync(loadings, "previous loadings\n");
      const transform = run(runner(), ["transform", out, join(root, "rows.csv"), "--out", loadings]);
      assert.equal(transform.status, 2, show(transform));
      assert.equal(transform.stderr, `snmf transform: ${join(root, "rows.csv")} line 2: column 2 is negative (-6)\n`);
      assert.equal(readFileSync(loadings, "utf8"), "previous loadings\n");

      const notModel = run(runner(), ["transform", loadings, join(root, "rows.csv"), "--out", loadings]);
      assertRefused(notModel, new RegExp(`^snmf transform: ${loadings}: not valid JSON: .+\n$`));
      assert.equal(readFileSync(loadings, "utf8"), "previous loadings\n");
      assert.deepEqual(readdirSync(root).filter((f) => f.endsWith(".tmp")), [], "no temporary files are left");
    });

    it("names a broken link, a name that is not UTF-8 and data too large for memory: exit 2", SLOW, (t) => {
      if (skip(t)) return;
      const cases: [string, string][] = [
        ["brokenlink", `${join(root, "brokenlink", "b.csv")}: is a broken symbolic link (to "gone.csv")`],
        [
          "latin1",
          `${
            join(root, "latin1", "a.csv")
          } line 1: column 2 is not UTF-8 text: byte 0xE9 after "caf" (save the file as UTF-8, for example with iconv -f latin1 -t utf-8)`,
        ],
        [
          "huge",
          `${
            join(root, "huge", "a.mtx")
          } line 2: the data (2000000000 × 2000000000 with 3 entries) need 16.0 GB, more than the 4 GiB WebAssembly memory can hold`,
        ],
        [
          "huge-fit",
          `${
            join(root, "huge-fit", "a.mtx")
          } line 2: the data (300000000 × 300000000 with 3 entries) need 2.40 GB, at least 6.00 GB for a rank-1 fit (its data and factors alone), more than the 4 GiB WebAssembly memory can hold`,
        ],
      ];
      for (const [input, message] of cases) {
        const result = run(
          runner(),
          snmfArgs("fit", join(root, input), { rank: 1, out: join(root, `${label}-never.json`) }),
        );
        assert.equal(result.status, 2, show(result));
        assert.equal(result.stderr, `snmf fit: ${message}\n`);
      }
    });

    it("refuses an --out that is an input of the command, whatever its name: exit 2", SLOW, (t) => {
      if (skip(t)) return;
      const input = join(root, "good", "a.csv");
      const before = readFileSync(input, "utf8");
      const fit = run(runner(), ["fit", join(root, "good"), "--rank", "1", "--iters", "2", "--out", input]);
      assert.equal(fit.status, 2, show(fit));
      assert.equal(
        fit.stderr,
        `snmf fit: cannot write --out ${input}: it is the input ${input}; choose another path\n`,
      );
      assert.equal(readFileSync(input, "utf8"), before);

      const model = join(root, `${label}-input-model.json`);
      assert.equal(
        run(runner(), ["fit", join(root, "good"), "--rank", "2", "--iters", "2", "-q", "--out", model]).status,
        0,
      );
      const alias = join(root, `${label}-alias.json`);
      symlinkSync(model, alias);
      const modelBefore = readFileSync(model, "utf8");
      const transform = run(runner(), ["transform", model, join(root, "good", "a.csv"), "--out", alias]);
      assert.equal(transform.status, 2, show(transform));
      assert.equal(
        transform.stderr,
        `snmf transform: cannot write --out ${alias}: it is the same file as the input ${model}; choose another path\n`,
      );
      const report = run(runner(), ["report", model, "--out", model]);
      assert.equal(report.status, 2, show(report));
      assert.equal(
        report.stderr,
        `snmf report: cannot write --out ${model}: it is the input ${model}; choose another path\n`,
      );
      assert.equal(readFileSync(model, "utf8"), modelBefore);
    });

    it("writes --out through a link, keeps a file's mode, refuses hard links", SLOW, (t) => {
      if (skip(t)) return;
      // --force: the files replaced here are not model files (io/model_output.ts).
      const fit = (out: string) =>
        run(runner(), ["fit", join(root, "good"), "--rank", "2", "--iters", "2", "-q", "--force", "--out", out]);
      const target = join(root, `${label}-target.json`);
      writeFileSync(target, "previous\n");
      chmodSync(target, 0o600);
      const link = join(root, `${label}-link.json`);
      symlinkSync(`${label}-target.json`, link);
      const viaLink = fit(link);
      assert.equal(viaLink.status, 0, show(viaLink));
      assert.ok(lstatSync(link).isSymbolicLink(), "the link is still a link");
      assert.equal(JSON.parse(readFileSync(target, "utf8")).format, "stratified-nmf");
      assert.equal(statSync(target).mode & 0o777, 0o600, "the mode is kept");

      const twice = join(root, `${label}-twice.json`);
      writeFileSync(twice, "previous\n");
      linkSync(twice, join(root, `${label}-twice-other.json`));
      const linked = fit(twice);
      assert.equal(linked.status, 2, show(linked));
      assert.match(
        linked.stderr,
        /: the file has 2 hard links, and replacing it would leave the others with the old content;/,
      );
      assert.equal(readFileSync(twice, "utf8"), "previous\n");
      assert.deepEqual(readdirSync(root).filter((f) => f.endsWith(".tmp")), []);
    });

    it("writes --out to this process's stdout, a pipe and a device in place", SLOW, async (t) => {
      if (skip(t)) return;
      const args = ["fit", join(root, "good"), "--rank", "2", "--iters", "2", "-q", "--json", "--out"];
      if (existsSync("/proc/self/fd/1")) {
        const stdout = run(runner(), [...args, "/proc/self/fd/1"]);
        assert.equal(stdout.status, 0, show(stdout));
        const [model, summary] = stdout.stdout.trimEnd().split("\n");
        assert.equal(JSON.parse(model).format, "stratified-nmf");
        assert.equal(JSON.parse(summary).out, "/proc/self/fd/1");
      }
      const fifo = join(root, `${label}-fifo`);
      if (spawnSync("mkfifo", [fifo]).status === 0) {
        const received = join(root, `${label}-received.json`);
        const reader = spawn("sh", ["-c", `cat "${fifo}" > "${received}"`]);
        const closed = new Promise((resolve) => reader.on("close", resolve));
        const piped = run(runner(), [...args, fifo]);
        // If the pipe was replaced by a file, the reader still waits: end it.
        setTimeout(() => reader.kill(), 5000).unref?.();
        await closed;
        assert.equal(piped.status, 0, show(piped));
        assert.ok(statSync(fifo).isFIFO(), "the pipe is still a pipe");
        assert.equal(JSON.parse(readFileSync(received, "utf8")).format, "stratified-nmf");
      }
      // Device nodes of the test's own (as root), never the system's.
      const full = join(root, `${label}-full`);
      if (process.getuid?.() === 0 && spawnSync("mknod", [full, "c", "1", "7"]).status === 0) {
        const result = run(runner(), [...args, full]);
        assert.equal(result.status, 1, show(result));
        assert.equal(result.stderr, `snmf fit: cannot write --out ${full}: no space left on the device\n`);
        assert.ok(statSync(full).isCharacterDevice(), "the device is still a device");
      }
    });

    it("stops a fit on Ctrl-C (SIGINT): exit 130, the output file untouched", SLOW, async (t) => {
      if (skip(t)) return;
      const out = join(root, `${label}-interrupted.json`);
      writeFileSync(out, "previous model\n");
      const announced = "snmf fit: fitting 2 strata, 11 rows × 4 columns, rank 2, at most 1000000000 iterations\n";
      const { code, signal, stdout, stderr, stderrAtSignal, stoppedMs } = await interruptRun(
        runner(),
        // --force: the file is not a model file (io/model_output.ts).
        snmfArgs("fit", join(root, "good"), { rank: 2, iters: 1000000000, force: true, out }),
        // Until the fit has started (it says so on stderr), then a little more.
        (text) => text.includes(announced),
        200,
      );
      assert.match(
        stderrAtSignal,
        /^snmf fit: .*good: using 4 columns: x, y, z, w\n/,
        "the columns used are said first",
      );
      assert.ok(stderrAtSignal.endsWith(announced), `the fit started: ${stderrAtSignal}`);
      // The message shows the command caught the signal and exited by itself. Deno's
      // child_process reports an exit status of 130 as { code: null, signal: "SIGINT" }, so
      // there the two cannot be told apart by the status alone.
      if (typeof (globalThis as { Deno?: unknown }).Deno !== "undefined" && code === null) {
        assert.equal(signal, "SIGINT", stderr);
      } else {
        assert.equal(signal, null, `exited by itself, not killed by the signal; stderr: ${stderr}`);
        assert.equal(code, 130, stderr);
      }
      assert.ok(stoppedMs < 5000, "stopped promptly");
      assert.ok(stderr.endsWith(`${announced}snmf fit: interrupted (Ctrl-C); nothing was written\n`), stderr);
      assert.equal(stdout, "");
      assert.equal(readFileSync(out, "utf8"), "previous model\n");
      assert.deepEqual(readdirSync(root).filter((f) => f.endsWith(".tmp")), []);
    });
  });
});

describe("snmf model files, flags and --version", () => {
  const root = tempDir();
  const version1 = readFileSync(join(ROOT, "tests", "fixtures", "model_v1.json"), "utf8");
  const edited = (change: (json: Record<string, unknown>) => void) => {
    const json = JSON.parse(version1);
    change(json);
    return JSON.stringify(json);
  };
  const { a, b } = strataValues();

  before(() => {
    writeFiles(root, {
      "strata/a.csv": csv(COLUMNS, a),
      "strata/b.csv": csv(COLUMNS, b),
      "rows.csv": csv(null, [[1, 2, 0.5, 0]]),
      "v1.json": version1,
      "names.json": edited((json) => json.names = [1, 2]),
      "columns.json": edited((json) => json.columnNames = ["a", "b"]),
      "loss.json": edited((json) => json.loss = "abc"),
      "huge.json": '{"format":"stratified-nmf","version":1,"names":["a"],"rows":[20000],"cols":50000,' +
        '"rank":20000,"V":[[]],"W":[[]],"H":[]}',
    });
  }, SLOW);
  after(() => cleanup(root));

  describeEachRunner(({ label, index, runner, skip }) => {
    it("prints the version", SLOW, (t) => {
      if (skip(t)) return;
      const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
      const result = run(runner(), ["--version"]);
      assert.equal(result.status, 0, show(result));
      assert.equal(result.stdout, `snmf ${version}\n`);
    });

    it("suggests the flag an unknown one stands for, and takes negative seeds", SLOW, (t) => {
      if (skip(t)) return;
      const unknown = run(runner(), ["fit", join(root, "strata"), "--iterations", "5"]);
      assert.equal(unknown.status, 2, show(unknown));
      assert.equal(unknown.stderr, "snmf fit: Unknown option '--iterations' (did you mean --iters?)\n");
      const negative = run(
        runner(),
        ["fit", join(root, "strata"), "--rank", "2", "--iters", "3", "--seed", "-5"].concat(
          ["--json", "-q", "--out", join(root, `${label}-negative.json`)],
        ),
      );
      assert.equal(negative.status, 0, show(negative));
      assert.equal(parseJson(negative).seed, -5);
      if (index > 0) return;
      const cases: [string[], string][] = [
        [
          ["fit", join(root, "strata"), "--maxIter", "5"],
          "snmf fit: Unknown option '--maxIter' (did you mean --iters?)",
        ],
        [
          ["transform", "m.json", "r.csv", "--stratun", "a"],
          "snmf transform: Unknown option '--stratun' (did you mean --stratum?)",
        ],
        [["top", "m.json", "--cont", "3"], "snmf top: Unknown option '--cont' (did you mean --count?)"],
        [["demo", "--seed", "-2.5"], 'snmf demo: --seed must be a safe integer, got "-2.5"'],
        [["fit", join(root, "strata"), "--tol", "-1"], 'snmf fit: --tol must be a finite number ≥ 0, got "-1"'],
      ];
      for (const [args, message] of cases) {
        const result = run(runner(), args);
        assert.equal(result.status, 2, `${args.join(" ")}: ${show(result)}`);
        assert.equal(result.stderr, `${message}\n`);
      }
    });

    it("reads a model file of format 1, and refuses a malformed one naming the file, exit 2", SLOW, (t) => {
      if (skip(t)) return;
      const old = run(runner(), ["top", join(root, "v1.json"), "--count", "1", "--json", "--by", "value"]);
      assert.equal(old.status, 0, show(old));
      const top = parseJson(old) as { strata: { name: string; features: { name: string }[] }[] };
      assert.deepEqual(top.strata.map((s) => [s.name, s.features[0].name]), [["north", "age"], [
        "south",
        "height",
      ]]);
      const cases: [string[], string][] = [
        [["top", join(root, "names.json")], "names[0] must be a string, got a number (1)"],
        [["report", join(root, "names.json")], "names[0] must be a string, got a number (1)"],
        [["top", join(root, "columns.json")], "columnNames has 2 names for 4 columns"],
        [
          ["transform", join(root, "loss.json"), join(root, "rows.csv")],
          'loss must be a finite number ≥ 0, got a string ("abc")',
        ],
        [["top", join(root, "huge.json")], "init.V[0] has 0 values, expected 1 × 50000 = 50000"],
      ];
      for (const [args, problem] of index === 0 ? cases : cases.slice(0, 1)) {
        const result = run(runner(), args);
        assert.equal(result.status, 2, `${args.join(" ")}: ${show(result)}`);
        assert.equal(result.stderr, `snmf ${args[0]}: ${args[1]}: not a model file: ${problem}\n`);
        assert.equal(result.stdout, "");
      }
    });
  });
});

// snmf text: TF-IDF against values computed by hand, inputs (JSON Lines, directory tree), the
// vocabulary saved with the model, and the tables of top words.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  assertRefused,
  cleanup,
  describeEachRunner,
  parseJson,
  run,
  show,
  snmfArgs,
  tempDir,
  writeFiles,
} from "./harness.ts";

/** Each test spawns the command several times: more than bun test's default 5 s. */
const SLOW = { timeout: 60_000 };

/** Dense rows of the MatrixMarket files `snmf text --tfidf-dir` writes. */
function readMtxRows(file: string): number[][] {
  const lines = readFileSync(file, "utf8").trimEnd().split("\n");
  assert.equal(lines[0], "%%MatrixMarket matrix coordinate real general");
  const body = lines.filter((line, i) => i > 0 && !line.startsWith("%"));
  const [rows, cols, nnz] = body[0].split(" ").map(Number);
  assert.equal(body.length - 1, nnz);
  const dense = Array.from({ length: rows }, () => new Array(cols).fill(0));
  for (const line of body.slice(1)) {
    const [i, j, x] = line.split(" ").map(Number);
    dense[i - 1][j - 1] = x;
  }
  return dense;
}

function assertClose(actual: number[][], expected: number[][], message: string): void {
  assert.equal(actual.length, expected.length, message);
  actual.forEach((row, i) => {
    assert.equal(row.length, expected[i].length, message);
    row.forEach((x, j) =>
      assert.ok(Math.abs(x - expected[i][j]) < 1e-12, `${message} [${i}][${j}]: ${x} vs ${expected[i][j]}`)
    );
  });
}

// The corpus, three documents in two strata:
//   fruit: "Apple banana, APPLE! a"   → apple 2, banana 1   ("a" has one letter: not a token)
//   fruit: "banana cherry"            → banana 1, cherry 1
//   veg:   "cherry cherry date x"     → cherry 2, date 1    ("x" neither)
// N = 3; df: apple 1, banana 2, cherry 2, date 1.
// Smooth idf: apple, date: ln(4/2) + 1 = 1.6931471805599454; banana, cherry: ln(4/3) + 1 = 1.2876820724517808.
// Rows tf·idf, then divided by their Euclidean norm:
//   doc 1: (2 · 1.69315, 1.28768, 0, 0) / 3.62289… = (0.9347019636214325, 0.3554324678504174, 0, 0)
//   doc 2: (0, 1.28768, 1.28768, 0) / (1.28768 √2) = (0, 0.7071067811865475, 0.7071067811865475, 0)
//   doc 3: (0, 0, 2 · 1.28768, 1.69315) / 3.08210… = (0, 0, 0.8355915419449177, 0.5493512310263033)
// (scikit-learn 1.2's TfidfVectorizer().fit_transform gives the same to 1e-16.)
const IDF_RARE = Math.log(4 / 2) + 1;
const IDF_COMMON = Math.log(4 / 3) + 1;
const JSONL = [
  JSON.stringify({ body: "Apple banana, APPLE! a", forum: "fruit" }),
  JSON.stringify({ body: "banana cherry", forum: "fruit" }),
  "",
  JSON.stringify({ body: "cherry cherry date x", forum: "veg" }),
].join("\n") + "\n";

describe("snmf text", () => {
  const root = tempDir();

  before(() => {
    writeFiles(root, {
      "corpus.jsonl": JSONL,
      "bad.jsonl": `${JSON.stringify({ body: "x y", forum: "a" })}\n{"body": "broken", \n`,
      "nofield.jsonl": `${JSON.stringify({ text: "x y", forum: "a" })}\n`,
      "slash.jsonl": `${JSON.stringify({ body: "apple banana", forum: "a/b" })}\n`,
      // A directory of strata, one text file per document; "the", "and", "of" are stop words.
      "news/sports/001.txt": "The team won the match and the cup.",
      "news/sports/002.txt": "A match of the league: the team scored twice.",
      "news/sports/003.txt": "Goal! The cup final, the team and the league.",
      "news/space/001.txt": "The rocket reached orbit and the moon.",
      "news/space/002.txt": "Orbit of the moon: a rocket launch.",
      "news/space/.hidden": "ignored hidden file",
      "news/space/003.json": '{"left out by": "--suffix .txt"}',
      "news/README": "a file at the top level is not a stratum",
    });
  }, SLOW);
  after(() => cleanup(root));

  describeEachRunner(({ label, index, runner, skip }) => {
    const base = [
      join(root, "corpus.jsonl"),
      "--text-field",
      "body",
      "--strata-field",
      "forum",
      "--stop-words",
      "none",
    ];

    it("builds the TF-IDF matrix computed by hand, and saves the vocabulary with the model", SLOW, (t) => {
      if (skip(t)) return;
      const dir = join(root, `${label}-tfidf`);
      const out = join(root, `${label}-text.json`);
      const result = run(runner(), [
        "text",
        ...base,
        "--rank",
        "2",
        "--iters",
        "20",
        "--tfidf-dir",
        dir,
        "--out",
        out,
        "--json",
      ]);
      assert.equal(result.status, 0, show(result));
      assert.equal(result.stderr, "");
      assert.equal(readFileSync(join(dir, "vocabulary.txt"), "utf8"), "apple\nbanana\ncherry\ndate\n");
      const norm1 = Math.hypot(2 * IDF_RARE, IDF_COMMON);
      const norm3 = Math.hypot(2 * IDF_COMMON, IDF_RARE);
      const fruit = [[2 * IDF_RARE / norm1, IDF_COMMON / norm1, 0, 0], [0, Math.SQRT1_2, Math.SQRT1_2, 0]];
      const veg = [[0, 0, 2 * IDF_COMMON / norm3, IDF_RARE / norm3]];
      assertClose(fruit, [[0.9347019636214325, 0.3554324678504174, 0, 0], [
        0,
        0.7071067811865475,
        0.7071067811865475,
        0,
      ]], "hand");
      assertClose(veg, [[0, 0, 0.8355915419449177, 0.5493512310263033]], "hand");
      assertClose(readMtxRows(join(dir, "fruit.mtx")), fruit, "fruit.mtx");
      assertClose(readMtxRows(join(dir, "veg.mtx")), veg, "veg.mtx");

      const summary = parseJson(result);
      assert.equal(summary.documents, 3);
      assert.equal(summary.vocabularySize, 4);
      assert.deepEqual(summary.strata, [{ name: "fruit", rows: 2 }, { name: "veg", rows: 1 }]);
      assert.equal(summary.iterations, 20);
      const model = JSON.parse(readFileSync(out, "utf8"));
      assert.deepEqual(model.columnNames, ["apple", "banana", "cherry", "date"]);
      // ‖A‖_F² is the number of non-empty rows: every row has unit length. (Written as a product:
      // HALS can fit these 3 rows exactly, and a loss of 0 has no ratio.)
      const { loss, normalizedLoss } = summary as { loss: number; normalizedLoss: number };
      assert.ok(Math.abs(normalizedLoss * Math.sqrt(3) - loss) <= 1e-6 * loss, `${loss} vs ${normalizedLoss}`);
      const top = summary.top as { strata: { name: string; features: { name: string }[] }[] };
      assert.deepEqual(top.strata.map((s) => s.name), ["fruit", "veg"]);
      for (const s of top.strata) assert.ok(s.features.every((f) => model.columnNames.includes(f.name)));

      // The matrices feed "snmf fit" as a directory of strata.
      const refit = run(
        runner(),
        snmfArgs("fit", dir, { rank: 2, iters: 0, init: out, out: `${out}.2`, json: true }),
      );
      assert.equal(refit.status, 0, show(refit));
      assert.ok(Math.abs((parseJson(refit).loss as number) - model.loss) <= 1e-6 * model.loss);
    });

    // The pruning is the same code in every build (the hand-computed matrix above runs through
    // each): checked through the source only, to keep the suite short.
    if (index === 0) {
      it("prunes by min_df and max_df (counts and proportions) and max_features", SLOW, (t) => {
        if (skip(t)) return;
        const tfidf = (options: string[]) => {
          const dir = join(root, `${label}-prune-${options.join("")}`);
          const result = run(runner(), [
            "text",
            ...base,
            "--rank",
            "1",
            "--iters",
            "0",
            "--tfidf-dir",
            dir,
            ...options,
            "-q",
          ]);
          assert.equal(result.status, 0, show(result));
          return {
            vocabulary: readFileSync(join(dir, "vocabulary.txt"), "utf8").trimEnd().split("\n"),
            rows: [...readMtxRows(join(dir, "fruit.mtx")), ...readMtxRows(join(dir, "veg.mtx"))],
          };
        };
        // min_df 2 (a count): banana, cherry; rows renormalized over what is left.
        const common = tfidf(["--min-df", "2"]);
        assert.deepEqual(common.vocabulary, ["banana", "cherry"]);
        assertClose(common.rows, [[1, 0], [Math.SQRT1_2, Math.SQRT1_2], [0, 1]], "min_df 2");
        // max_df 0.5 (a proportion: df ≤ 1.5 documents): apple, date; document 2 has no term left.
        const rare = tfidf(["--max-df", "0.5"]);
        assert.deepEqual(rare.vocabulary, ["apple", "date"]);
        assertClose(rare.rows, [[1, 0], [0, 0], [0, 1]], "max_df 0.5");
        // min_df 0.5 (a proportion: df ≥ 1.5) is the same as min_df 2 here; max_df 1 (a count) keeps df ≤ 1.
        assert.deepEqual(tfidf(["--min-df", "0.5"]).vocabulary, ["banana", "cherry"]);
        assert.deepEqual(tfidf(["--max-df", "1"]).vocabulary, ["apple", "date"]);
        // max_features 1: the term most frequent in the corpus (cherry, 3 times).
        const one = tfidf(["--max-features", "1"]);
        assert.deepEqual(one.vocabulary, ["cherry"]);
        assertClose(one.rows, [[0], [1], [1]], "max_features 1");
      });
    }

    it("reads a directory of strata, drops English stop words, prints the tables", SLOW, (t) => {
      if (skip(t)) return;
      const out = join(root, `${label}-news.json`);
      const result = run(runner(), [
        "text",
        join(root, "news"),
        "--suffix",
        ".txt",
        "--rank",
        "2",
        "--iters",
        "50",
        "--top",
        "3",
        "--out",
        out,
        "--seed",
        "1",
      ]);
      assert.equal(result.status, 0, show(result));
      assert.match(result.stderr, /^snmf text: 5 documents in 2 strata, vocabulary of \d+ terms\n/);
      assert.match(result.stdout, /^2 strata, 5 rows × \d+ columns; rank 2, hals solver, seed 1\n/);
      assert.match(
        result.stdout,
        /\nTop features of each stratum's v\(i\) \(what sets it apart\):\n {2}space +\S+, \S+, \S+\n {2}sports +\S+, \S+, \S+\n/,
      );
      assert.match(
        result.stdout,
        /\nTop features of each topic \(row of H, shared by all strata\):\n {2}topic 0 +\S+, \S+, \S+\n {2}topic 1 /,
      );
      const model = JSON.parse(readFileSync(out, "utf8"));
      assert.deepEqual(model.names, ["space", "sports"]);
      assert.deepEqual(model.rows, [2, 3]);
      const vocabulary = model.columnNames as string[];
      for (const word of ["the", "and", "of"]) assert.ok(!vocabulary.includes(word), `${word} is a stop word`);
      for (const word of ["team", "cup", "orbit", "rocket", "launch"]) assert.ok(vocabulary.includes(word), word);
      assert.ok(!vocabulary.includes("suffix"), "the .json file was not read");
      // Terms in code-point order, as scikit-learn sorts them.
      assert.deepEqual(vocabulary, [...vocabulary].sort());
      const top = run(runner(), ["top", out, "--count", "2", "--json"]);
      assert.equal(top.status, 0, show(top));
      for (const s of (parseJson(top).strata as { features: { name: string }[] }[])) {
        for (const f of s.features) assert.ok(vocabulary.includes(f.name));
      }
    });

    it("decodes --encoding latin1 as windows-1252 (WHATWG), the same text on every runtime", SLOW, (t) => {
      if (skip(t)) return;
      // Bytes 0x8A ("Š") and 0x93/0x94 (curly quotes) are where windows-1252 and ISO-8859-1 differ.
      const dir = join(root, `${label}-cp1252`);
      const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
      mkdirSync(join(dir, "cars"), { recursive: true });
      mkdirSync(join(dir, "rail"), { recursive: true });
      writeFileSync(join(dir, "cars", "1.txt"), latin1("\x8Akoda \x93motor\x94 caf\xe9"));
      writeFileSync(join(dir, "rail", "1.txt"), latin1("train caf\xe9 rail"));
      const out = join(root, `${label}-cp1252.json`);
      const args = ["text", dir, "--encoding", "latin1", "--stop-words", "none", "--rank", "1", "--iters", "5"];
      const result = run(runner(), [...args, "--out", out, "-q"]);
      assert.equal(result.status, 0, show(result));
      const vocabulary = JSON.parse(readFileSync(out, "utf8")).columnNames as string[];
      assert.deepEqual(vocabulary, ["café", "motor", "rail", "train", "škoda"]);
    });

    it("reports bad documents and options with exit code 2", SLOW, (t) => {
      if (skip(t)) return;
      const bad = run(runner(), ["text", join(root, "bad.jsonl"), "--text-field", "body", "--strata-field", "forum"]);
      assert.equal(bad.status, 2, show(bad));
      assert.match(bad.stderr, new RegExp(`^snmf text: ${join(root, "bad.jsonl")} line 2: not valid JSON: .+\n$`));
      // The rest is the same code in every build: checked through the source only.
      if (index > 0) return;
      const missing = run(runner(), [
        "text",
        join(root, "nofield.jsonl"),
        "--text-field",
        "body",
        "--strata-field",
        "forum",
      ]);
      assert.equal(missing.status, 2);
      assert.equal(
        missing.stderr,
        `snmf text: ${join(root, "nofield.jsonl")} line 1: has no "body" field (--text-field)\n`,
      );
      const slashDir = join(root, `${label}-slash`);
      const slash = run(runner(), [
        "text",
        join(root, "slash.jsonl"),
        "--text-field",
        "body",
        "--strata-field",
        "forum",
        "--rank",
        "1",
        "--tfidf-dir",
        slashDir,
        "-q",
      ]);
      assert.equal(slash.status, 2);
      assert.equal(slash.stderr, 'snmf text: --tfidf-dir: the stratum name "a/b" cannot be a file name\n');
      assert.deepEqual(readdirSync(slashDir), [], "nothing written");
      const pruned = run(runner(), ["text", ...base, "--min-df", "3", "--rank", "1"]);
      assert.equal(pruned.status, 2);
      assert.equal(
        pruned.stderr,
        `snmf text: ${join(root, "corpus.jsonl")}: after pruning, no terms remain; lower --min-df or raise --max-df\n`,
      );
      const limit = run(runner(), ["text", ...base, "--max-df", "1.5"]);
      assertRefused(limit, /^snmf text: --max-df must be a count ≥ 1 \("2"\) or a proportion in \[0, 1\]/);
      const rank = run(runner(), ["text", ...base, "--quiet"]);
      assert.equal(rank.status, 2);
      assert.equal(
        rank.stderr,
        "snmf text: Cannot fit model: --rank 20 exceeds what the data allows (min of 4 columns and 3 rows)\n",
      );
    });
  });
});

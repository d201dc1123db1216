// The paper's experiments (bench/experiments/): their data, short runs of each producing the
// tables and figures, and the Markdown they are written as.

import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fit, syntheticStrata } from "../sdk/mod.ts";
import {
  CAL_FEATURES,
  CAL_HOUSING,
  californiaStrata,
  eraOf,
  mnistDigit,
  mnistStrata,
  PIXELS,
} from "../bench/experiments/data.ts";
import { normalizeOverStrata, PUBLISHED, runCalifornia } from "../bench/experiments/california.ts";
import { runMnist } from "../bench/experiments/mnist.ts";
import { checkpoints, runSynthetic, syntheticRun } from "../bench/experiments/synthetic.ts";
import { newsgroupsCorpus, runText, sotuCorpus, stripPost } from "../bench/experiments/text.ts";
import { experimentsMarkdown, markdownFigures } from "../bench/experiments/markdown.ts";
import { type ExperimentResult, pearson, spread } from "../bench/experiments/common.ts";
import { race, solversSummary, syntheticSolvers, textSolvers } from "../bench/experiments/solvers.ts";
import { textCorpus } from "../bench/corpus.ts";
import type { ConfigResult } from "../bench/solvers.ts";

const SLOW = { timeout: 60_000 };
const PNG = [0x89, 0x50, 0x4e, 0x47];
const work = mkdtempSync(join(tmpdir(), "snmf-experiments-test-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** Every row of a table has as many cells as its header. */
function assertTable(table: { head: string[]; rows: string[][] }, rows: number): void {
  assert.equal(table.rows.length, rows);
  for (const row of table.rows) assert.equal(row.length, table.head.length);
}

describe("California housing", { skip: existsSync(CAL_HOUSING) ? false : `${CAL_HOUSING} is absent` }, () => {
  it("has the paper's strata: 815, 1,492 and 308 rows of six features", () => {
    const strata = californiaStrata();
    assert.deepEqual(strata.map((s) => s.name), ["low", "medium", "high"]);
    assert.deepEqual(strata.map((s) => (s.data as number[][]).length), [815, 1492, 308]);
    for (const stratum of strata) {
      for (const row of stratum.data as number[][]) assert.equal(row.length, CAL_FEATURES.length);
    }
    const [low, , high] = strata.map((s) => s.data as number[][]);
    assert.ok(low.every((r) => r[0] < 1.5) && high.every((r) => r[0] > 10));
  });

  it("reproduces every published normalized v within ±0.02 at the published settings", async () => {
    const result = await runCalifornia({ seeds: [0] });
    assertTable(result.comparison, 15 + 3);
    const verdicts = result.comparison.rows.slice(0, 15).map((r) => r.at(-1)!);
    assert.deepEqual(verdicts.filter((v) => !v.startsWith("met")), []);
    assert.equal(result.headline.measured, "15 of 15 cells within ±0.02 of the published ones on every seed");
    assert.equal(result.figures.length, 1);
    assert.match(result.figures[0].content as string, /^<svg/);
  });

  it("names the missing file", () => {
    assert.throws(() => californiaStrata(join(work, "absent.data")), /absent\.data does not exist/);
  });
});

describe("normalized v", () => {
  it("divides each feature by its sum over the strata", () => {
    assert.deepEqual(normalizeOverStrata([[1, 0, 3], [3, 0, 1]]), [[0.25, 0, 0.75], [0.75, 0, 0.25]]);
    assert.deepEqual(Object.keys(PUBLISHED), ["MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population"]);
    for (const cells of Object.values(PUBLISHED)) assert.ok(Math.abs(cells[0] + cells[1] + cells[2] - 1) < 2e-3);
  });
});

describe("MNIST", () => {
  it("builds disjoint strata of the right digits", () => {
    const { strata, picked, mean1, mean3 } = mnistStrata(4);
    assert.deepEqual(strata.map((s) => s.name), ["12", "23"]);
    assert.deepEqual(strata.map((s) => (s.data as Float32Array).length / PIXELS), [200, 200]);
    for (const list of Object.values(picked)) {
      assert.equal(list.length, 100);
      assert.equal(new Set(list).size, 100, "no image twice");
    }
    assert.equal(picked.twosOf12.filter((i) => picked.twosOf23.includes(i)).length, 0);
    const digits = [mnistDigit(1), mnistDigit(2), mnistDigit(3)];
    const image = (digit: number, index: number) => digits[digit - 1].subarray(index * PIXELS, (index + 1) * PIXELS);
    const row = (s: number, r: number) => (strata[s].data as Float32Array).subarray(r * PIXELS, (r + 1) * PIXELS);
    for (let r = 0; r < 100; r++) {
      assert.deepEqual(row(0, r), image(1, picked.ones[r]));
      assert.deepEqual(row(0, 100 + r), image(2, picked.twosOf12[r]));
      assert.deepEqual(row(1, r), image(2, picked.twosOf23[r]));
      assert.deepEqual(row(1, 100 + r), image(3, picked.threes[r]));
    }
    // No image appears in both strata, by content either.
    const key = (pixels: Float32Array) => pixels.join(",");
    const twos12 = new Set(picked.twosOf12.map((i) => key(image(2, i))));
    assert.ok(picked.twosOf23.every((i) => !twos12.has(key(image(2, i)))));
    for (const p of [200, 406, 600]) {
      const mean = (s: number, first: number) =>
        Array.from({ length: 100 }, (_, r) => row(s, first + r)[p]).reduce((a, b) => a + b, 0) / 100;
      assert.ok(Math.abs(mean1[p] - mean(0, 0)) < 1e-6 && Math.abs(mean3[p] - mean(1, 100)) < 1e-6);
    }
    assert.notDeepEqual(mnistStrata(5).picked.ones, picked.ones);
  });

  it("runs: tables, the correlation and 9 pictures", SLOW, async () => {
    const result = await runMnist({ seeds: [0], iterations: 10 });
    assertTable(result.comparison, 3);
    assertTable(result.tables[0], 1);
    const correlation = Number(result.tables[0].rows[0][1]);
    assert.ok(correlation > -1 && correlation < 1);
    assert.equal(result.figures.length, 9);
    for (const figure of result.figures) {
      assert.deepEqual(Array.from((figure.content as Uint8Array).subarray(0, 4)), PNG);
    }
  });
});

describe("synthetic", () => {
  it("records v(i) means at checkpoints without changing the run", SLOW, async () => {
    assert.deepEqual(checkpoints(100), [0, 1, 2, 5, 10, 20, 50, 100]);
    assert.deepEqual(checkpoints(30).at(-1), 30);
    const run = await syntheticRun(3, 60, false);
    const { strata } = syntheticStrata({ seed: 3 });
    const whole = await fit(strata, {
      rank: 5,
      maxIter: 60,
      seed: 3,
      solver: "mu",
      schedule: "reference",
      normalizeUnits: false,
    });
    try {
      assert.equal(run.normalizedLoss, whole.normalizedLoss);
      assert.equal(run.lossHistory.length, 61);
      const scale = whole.normalizedLoss / whole.loss;
      whole.lossHistory.forEach((loss, i) => assert.ok(Math.abs(run.lossHistory[i] - loss * scale) <= 1e-12 * loss));
      assert.deepEqual(run.vMeans.at(-1), whole.vMeans());
      assert.deepEqual(run.at, checkpoints(60));
    } finally {
      whole.free();
    }
  });

  it("runs: the published loss next to the measured, per seed, three charts", SLOW, async () => {
    const result = await runSynthetic({ seeds: [0, 1], iterations: 30, numpy: false });
    assertTable(result.comparison, 2 + 4);
    assert.equal(result.comparison.rows[0][1], "9.7e-4");
    assertTable(result.tables[0], 2);
    assert.deepEqual(result.figures.map((f) => f.file), [
      "synthetic_loss_linear.svg",
      "synthetic_loss_loglog.svg",
      "synthetic_v_means.svg",
    ]);
    for (const figure of result.figures) assert.match(figure.content as string, /^<svg[\s\S]*mark-line/);
  });
});

describe("text", () => {
  it("strips posts as scikit-learn's remove=(headers, footers, quotes)", () => {
    const post =
      "From: a@b\nSubject: hi\n\nIn article <1@x> a@b writes:\n> quoted\n| also\nbody one\nbody two\n\n--\nsig";
    // scikit-learn cuts the footer at the last blank-or-dashes line ("--"), keeping the blank line before it.
    assert.equal(stripPost(post), "body one\nbody two\n");
    assert.equal(stripPost("Subject: x\r\n\r\nonly line"), "only line");
    assert.equal(stripPost("no blank line, all header"), "");
  });

  it("lays out the State of the Union addresses by party and by era", () => {
    for (const by of ["party", "era"] as const) {
      const dir = join(work, by);
      mkdirSync(dir);
      const [file] = sotuCorpus(by).prepare(dir);
      const records = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));
      const strata = new Set(records.map((r) => r.stratum));
      if (by === "party") assert.deepEqual([...strata].sort(), ["Democratic", "Republican"]);
      else assert.equal(strata.size, 5);
      assert.ok(records.every((r) => typeof r.text === "string" && r.text.length > 1000));
    }
    assert.equal(eraOf(1790), "1790-1860 early republic");
    assert.equal(eraOf(1861), "1861-1913 civil war to progressive era");
    assert.equal(eraOf(2021), "1992-2021 after the cold war");
  });

  it("runs snmf text on the 20 newsgroups layout, posts stripped, with the report", SLOW, async () => {
    const root = join(work, "groups");
    const words: Record<string, string[]> = {
      "rec.autos": ["engine", "wheel", "brake", "clutch"],
      "sci.space": ["orbit", "rocket", "launch", "moon"],
      "talk.politics": ["senate", "vote", "party", "law"],
    };
    for (const [group, own] of Object.entries(words)) {
      mkdirSync(join(root, group), { recursive: true });
      for (let d = 0; d < 4; d++) {
        // A post as 20 newsgroups has them: headers, the body, a quote, a signature. The words of
        // the headers, quote and signature are particular to the group (they would be among its top
        // words if they were kept).
        const tag = group.replace(/\W/g, "");
        const post = `From: someone@example.edu\nKeywords: hdr${tag} hdr${tag} hdr${tag}\n\n` +
          `${own.join(" ")} ${own[d]} ${own[d]} common shared words today ${d % 2 ? "note" : "remark"}\n` +
          `> quoted${tag} quoted${tag} quoted${tag}\n\n--\nsig${tag} sig${tag} sig${tag}`;
        writeFileSync(join(root, group, `${50000 + d}`), post);
      }
    }
    const result = await runText({
      corpora: [newsgroupsCorpus(root)],
      seeds: [0],
      iterations: 5,
      rank: 2,
    });
    assertTable(result.comparison, 3);
    assertTable(result.tables[0], 3);
    assert.deepEqual(result.tables[0].rows.map((r) => r[0]), Object.keys(words));
    result.tables[0].rows.forEach((row, i) => {
      const top = row[2].split(", ");
      assert.ok(Object.values(words)[i].includes(top[0]), `${row[0]}'s top word ${top[0]} is its own`);
    });
    // Headers, quotes and signatures were removed: no word of them is a top word.
    for (const row of result.tables[0].rows) assert.doesNotMatch(row[2], /hdr|quoted|sig/);
    assert.deepEqual(result.figures.map((f) => f.file), [
      "text_newsgroups_nonzeros.svg",
      "text_newsgroups_v_heatmap.png",
      "report_newsgroups.html",
    ]);
    assert.match(result.figures[2].content as string, /^<!DOCTYPE html>[\s\S]*20 newsgroups, rank 2/);
  });
});

describe("solvers and starts", () => {
  /** The ms of a "to ≤ T" cell ("12 ms (34)", "1,234 ms (5)"), or null for "not reached". */
  const cellMs = (cell: string) =>
    cell === "not reached" ? null : Number(cell.replace(/ ms \(.*$/, "").replace(/,/g, ""));

  it("races two configurations at the lowest target both reach", () => {
    const config = (msToTarget: (number | null)[]) => ({ msToTarget }) as ConfigResult;
    const targets = [0.1, 0.01, 0.001];
    const r = race(config([10, 100, null]), config([2, 20, 50]), targets);
    assert.equal(r.target, 0.01);
    assert.deepEqual(r.ms, [100, 20]);
    assert.equal(r.ratio, 5);
    assert.deepEqual(r.alone, [[0.001, 1, 50]]);
    assert.deepEqual(race(config([null, null, null]), config([1, 2, 3]), targets).alone.map((a) => a[0]), targets);
    assert.equal(race(config([null, null, null]), config([1, 2, 3]), targets).ratio, null);
  });

  it("compares every solver and start on the synthetic data: tables, chart, summary", SLOW, async () => {
    const section = await syntheticSolvers({ reps: 1, threads: 1, quick: true });
    const [issue, time] = section.tables;
    assertTable(issue, 4);
    assert.match(issue.title!, /2,000 multiplicative iterations/);
    // HALS reaches the loss of the multiplicative updates within their time (30× sooner on a quiet machine).
    assert.ok(section.syntheticTarget!.speedup! > 1, `speed-up ${section.syntheticTarget!.speedup}`);
    assertTable(time, 4);
    const targets = section.workload.targets;
    assert.equal(time.head.length, 4 + targets.length + 3);
    assert.deepEqual(time.rows.map((r) => `${r[0]} ${r[1]}`), ["mu random", "mu nndsvd", "hals random", "hals nndsvd"]);
    for (const row of time.rows) {
      // Lower targets are reached later, or not at all once one is missed.
      const reached = row.slice(4, 4 + targets.length).map(cellMs);
      for (let t = 1; t < reached.length; t++) {
        if (reached[t] !== null) assert.ok(reached[t - 1] !== null && reached[t - 1]! <= reached[t]!, row.join(" | "));
      }
      // The loss after the budget is below every target reached.
      const loss = Number(row[4 + targets.length + 1]);
      reached.forEach((ms, t) => ms !== null && assert.ok(loss <= targets[t] * 1.001, `${loss} > ${targets[t]}`));
    }
    // One target is the loss of the multiplicative updates after the budget's iterations: they reach it.
    const own = targets.indexOf(Number(section.syntheticTarget!.muNormalizedLoss.toPrecision(3)));
    assert.ok(own >= 0);
    assert.notEqual(cellMs(time.rows[0][4 + own]), null);
    assert.equal(section.summary.halsVsMu.target !== null || section.summary.halsVsMu.alone.length > 0, true);
    assert.deepEqual(section.figures.map((f) => f.file), ["synthetic_solvers_loss_time.svg"]);
    const svg = section.figures[0].content as string;
    assert.match(svg, /^<svg[\s\S]*mark-line/);
    for (const name of ["mu random", "mu nndsvd", "hals random", "hals nndsvd"]) assert.ok(svg.includes(name), name);
    assert.ok(section.settings.some(([k, v]) => k === "runs" && v.includes("threads: 1")));

    const summary = solversSummary([{ title: "1. Synthetic data", solvers: section }]);
    assertTable(summary, 1);
    assert.match(
      summary.rows[0][1],
      /^\d+(\.\d)?× (sooner|later) \(to [\d.e-]+: [\d,.]+ ms against [\d,.]+ ms\)|^only/,
    );
    assert.equal(summary.rows[0][4].split(" / ").length, 4);

    const result: ExperimentResult = {
      id: "synthetic",
      title: "1. Synthetic data",
      headline: { published: "p", measured: "m" },
      settings: [],
      comparison: { head: ["q"], rows: [] },
      tables: [],
      figures: [],
      notes: [],
      seeds: [0],
      seconds: 1,
      solvers: section,
    };
    const text = experimentsMarkdown([result], [["runtime", "test"]], [summary]);
    assert.match(text, /\*\*Solvers and starts \(beyond the paper[^\n]*\n\n\| experiment \| HALS against MU/);
    assert.match(text, /### Solvers and starts\n[\s\S]*\| mu \| random \|[\s\S]*\| hals \| nndsvd \|/);
    assert.match(text, /!\[[^\]]*\]\(figures\/synthetic_solvers_loss_time\.svg\)/);
    assert.ok(text.indexOf("### Solvers and starts") > text.indexOf("*Seeds 0; the experiment took"));
  });

  it("on text: λ_v empties the shifts, with the loss and top words of each", SLOW, async () => {
    const root = join(work, "lambda");
    const groups: Record<string, string[]> = {
      autos: ["engine", "wheel", "brake", "clutch"],
      space: ["orbit", "rocket", "launch", "moon"],
      politics: ["senate", "vote", "party", "law"],
    };
    for (const [group, own] of Object.entries(groups)) {
      mkdirSync(join(root, group), { recursive: true });
      for (let d = 0; d < 6; d++) {
        writeFileSync(
          join(root, group, `${d}`),
          `${own.join(" ")} ${own[d % 4]} ${own[d % 4]} common shared words ${d % 2 ? "note" : "remark"} ` +
            `${d % 3 ? "today" : "yesterday"}`,
        );
      }
    }
    const corpus = textCorpus(root);
    const lambdas = [0, 0.5, 100];
    const section = await textSolvers(corpus, "test corpus", {
      reps: 1,
      threads: 1,
      lambdas,
      iterations: 20,
      rank: 2,
      targets: [0.9, 0.5],
      budgetMs: 200,
    });
    const [l1, words, time] = section.tables;
    assertTable(l1, 2 * lambdas.length);
    assert.deepEqual(l1.rows.map((r) => `${r[0]} ${r[1]}`), [
      ...lambdas.map((l) => `hals ${l}`),
      ...lambdas.map((l) => `mu ${l}`),
    ]);
    const nonZero = (row: string[]) => Number(row[4].replace(" %", ""));
    for (const solver of ["hals", "mu"]) {
      const rows = l1.rows.filter((r) => r[0] === solver);
      // Without the penalty the shifts hold words; a λ_v far above every column sum empties them.
      assert.ok(nonZero(rows[0]) > 10, `${solver} λ_v = 0: ${rows[0][4]}`);
      assert.equal(nonZero(rows[2]), 0, `${solver} λ_v = 100: ${rows[2][4]}`);
      // The reconstruction loss cannot beat the unpenalized fit's by much; the penalized objective is above it.
      for (const row of rows) assert.ok(Number(row[3]) >= Number(row[2]) - 1e-6, row.join(" | "));
    }
    assertTable(words, 3 * 2);
    assert.deepEqual(words.head, ["stratum", "solver", ...lambdas.map((l) => `λ_v = ${l}`)]);
    for (const row of words.rows) {
      // At λ_v = 0 the top words of each v(i) are words of the corpus.
      for (const word of row[2].split(", ")) assert.ok(corpus.vocabulary.includes(word), word);
    }
    assertTable(time, 4);
    assert.equal(section.textL1!.length, 2 * lambdas.length);
    assert.deepEqual(section.figures.map((f) => f.file), ["text_solvers_loss_time.svg"]);
  });
});

describe("Markdown", () => {
  it("writes the summary, tables and figures", () => {
    const result: ExperimentResult = {
      id: "x",
      title: "9. Example",
      headline: { published: "p", measured: "m" },
      settings: [["rank", "5"]],
      comparison: { head: ["quantity", "published", "this project"], rows: [["a|b", "1", "2"]] },
      tables: [{ title: "More", head: ["k"], rows: [["v"]] }],
      figures: [
        { file: "a.svg", content: "<svg/>", caption: "chart" },
        { file: "b.png", content: new Uint8Array(), caption: "one" },
        { file: "c.png", content: new Uint8Array(), caption: "two" },
        { file: "d.png", content: new Uint8Array(), caption: "three", newRow: true },
        { file: "e.html", content: "", caption: "page" },
      ],
      notes: ["A note."],
      seeds: [0, 1],
      seconds: 1.25,
    };
    const text = experimentsMarkdown([result], [["runtime", "test"]]);
    assert.match(text, /^# The paper's experiments, reproduced\n/);
    assert.match(text, /\| 9\. Example \| p \| m \|/);
    assert.match(text, /\| a\\\|b \| 1 \| 2 \|/);
    assert.match(text, /\*\*More\*\*/);
    assert.match(text, /\*Seeds 0, 1; the experiment took 1\.3 s\.\*/);
    const figures = markdownFigures(result.figures);
    assert.match(figures, /!\[chart\]\(figures\/a\.svg\)/);
    assert.match(
      figures,
      /\| one \| two \|\n\| :---: \| :---: \|\n\| !\[one\]\(figures\/b\.png\) \| !\[two\]\(figures\/c\.png\) \|/,
    );
    assert.match(figures, /!\[three\]\(figures\/d\.png\)\n\n\*three\*/);
    assert.match(figures, /\[page\]\(figures\/e\.html\)/);
  });

  it("has correct statistics", () => {
    assert.ok(Math.abs(pearson([1, 2, 3], [2, 4, 6]) - 1) < 1e-12);
    assert.ok(Math.abs(pearson([1, 2, 3], [3, 2, 1]) + 1) < 1e-12);
    assert.deepEqual(spread([3, 1, 2, 10]), { min: 1, median: 2.5, max: 10 });
  });
});

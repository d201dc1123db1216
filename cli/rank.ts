/**
 * `snmf rank INPUT --ranks 2..12`: held-out error per rank (the SDK's `crossValidate()`), for the
 * stratified model and for plain NMF at the rank and at rank + strata, and the suggested rank.
 *
 * @module
 */

import process from "node:process";
import { crossValidate, type CrossValidation, type ModelKind, type SolverKind } from "../sdk/mod.ts";
import { choiceOption, integerOption, OUTPUT_FLAGS, parse, stringOption } from "./args.ts";
import { checkWritable, writeFileAtomic } from "../io/atomic_write.ts";
import { UsageError } from "./errors.ts";
import { interruptible } from "./interruptible.ts";
import { readInput } from "../io/read_input.ts";
import { TerminalReadProgress } from "../io/read_progress.ts";
import { MemoryBudget } from "../io/memory.ts";
import { INPUT_FLAGS, INPUT_HELP, inputOptions } from "./input_flags.ts";

export const RANK_HELP = `snmf rank — choose the rank by held-out error: entries held out at random, fitted without
them, scored on them

Usage:
  snmf rank DIR --ranks 2..12 [options]
  snmf rank FILE --strata-column COL --ranks 2..12 [options]

  Each fold holds out a random share of every stratum's entries (folds are disjoint; on
  sparse input the stored entries and as many zeros), fits with them masked, and measures the
  root mean square error on them. Besides the stratified model at each rank k, plain NMF
  (every v(i) 0) is fitted at k and at k + strata: the table says whether the strata's shifts
  help on unseen entries. The suggested rank is the smallest whose mean held-out error is
  within one standard error of the lowest. Missing cells (--missing mask) are never held out.

${INPUT_HELP}

Options:
  --ranks R         ranks to try: 2..12, or 2,4,8 (required)
  --folds N         disjoint sets of held-out entries, one fit each (default 3)
  --restarts N      random starts per fit, keeping the best (default 1)
  --iters N         iterations per fit (default 200)
  --solver NAME     hals or mu (default hals)
  --seed S          seed of the held-out entries and the starts (default random)
  --threads N       threads of every fit (default: the cores)
  --no-plain        fit only the stratified model
  --out FILE        write the results as JSON (for snmf report FILE --out page.html)
  --json            print the results as JSON on stdout instead of the table
  -q, --quiet       no progress line and no notes on stderr
  -h, --help        this help

Examples:
  snmf rank data/ --ranks 2..12 --folds 3 --out rank.json && snmf report rank.json --out rank.html
  snmf rank survey.csv --strata-column wave --ranks 1..6 --missing mask --json`;

/** `--ranks 2..12` or `2,4,8`: the ranks, ascending. */
export function parseRanks(text: string | undefined): number[] {
  if (text === undefined) throw new UsageError("snmf rank needs --ranks (for example --ranks 2..12)");
  const range = /^\s*(\d+)\s*\.\.\s*(\d+)\s*$/.exec(text);
  const ranks = range
    ? Array.from({ length: Math.max(0, Number(range[2]) - Number(range[1]) + 1) }, (_, e) => Number(range[1]) + e)
    : text.split(",").map((x) => (/^\s*\d+\s*$/.test(x) ? Number(x) : NaN));
  if (ranks.length === 0 || ranks.some((k) => !Number.isSafeInteger(k) || k < 1)) {
    throw new UsageError(
      `--ranks must be a range such as 2..12 or a list such as 2,4,8 of integers ≥ 1, got "${text}"`,
    );
  }
  return ranks;
}

/** "0.1234 ± 0.0012" of a model at a rank, or "—" when it was not fitted. */
function cell(cv: CrossValidation, model: ModelKind, rank: number): string {
  const row = cv.summary.find((x) => x.model === model && x.rank === rank);
  return row ? `${row.meanTest.toPrecision(4)} ± ${row.seTest.toPrecision(2)}` : "—";
}

/** The table of held-out errors and the suggested rank, as lines. */
export function formatRanks(cv: CrossValidation): string[] {
  const plain = cv.summary.some((x) => x.model === "plain");
  const header = ["rank", "train", "held-out (stratified)", ...(plain ? ["plain NMF", "plain NMF, rank + s"] : [])];
  const rows = cv.ranks.map((k) => {
    const train = cv.summary.find((x) => x.model === "stratified" && x.rank === k)!.meanTrain.toPrecision(4);
    return [
      String(k),
      train,
      cell(cv, "stratified", k),
      ...(plain ? [cell(cv, "plain", k), cell(cv, "plain+s", k)] : []),
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((x, c) => x.padStart(widths[c])).join("  ");
  return [
    `held-out root mean square error over ${cv.folds} folds (mean ± standard error), seed ${cv.seed}`,
    line(header),
    ...rows.map(line),
    `suggested rank: ${cv.suggestedRank} (the smallest within one standard error of the lowest held-out error)`,
  ];
}

export async function rank(args: string[]): Promise<number> {
  const { values, positionals, help } = parse(args, {
    ...OUTPUT_FLAGS,
    ...INPUT_FLAGS,
    ranks: { type: "string" },
    folds: { type: "string" },
    restarts: { type: "string" },
    iters: { type: "string" },
    solver: { type: "string" },
    seed: { type: "string" },
    threads: { type: "string" },
    "no-plain": { type: "boolean" },
  }, { names: ["INPUT"], help: RANK_HELP });
  if (help) return 0;
  const quiet = values.quiet === true;
  const ranks = parseRanks(stringOption(values, "ranks"));
  const out = stringOption(values, "out");
  if (out !== undefined) checkWritable(out);
  const options = {
    ranks,
    folds: integerOption(values, "folds", 2, 3),
    restarts: integerOption(values, "restarts", 1, 1),
    maxIter: integerOption(values, "iters", 1, 200),
    solver: choiceOption<SolverKind>(values, "solver", ["hals", "mu"], "hals"),
    seed: integerOption(values, "seed", 0),
    threads: integerOption(values, "threads", 1),
    plain: values["no-plain"] !== true,
  };
  const reading = inputOptions(values);
  const progress = new TerminalReadProgress("snmf rank", quiet);
  let input;
  try {
    input = await readInput(positionals[0], { ...reading, progress, memory: new MemoryBudget(Math.max(...ranks)) });
  } finally {
    progress.done();
  }
  if (out !== undefined) checkWritable(out);
  if (!quiet) input.notes.forEach((note) => console.error(`snmf rank: ${note}`));
  const cv = await interruptible("rank", quiet, ({ signal, onProgress }) =>
    crossValidate(input.strata, {
      ...options,
      signal,
      onProgress: onProgress &&
        ((info) =>
          onProgress({
            iteration: info.done,
            maxIter: info.total,
            loss: NaN,
            normalizedLoss: NaN,
            elapsedMs: 0,
            penalty: 0,
          })),
    }));
  if (!quiet) cv.skipped.forEach((message) => console.error(`snmf rank: ${message}`));
  const json = JSON.stringify(cv);
  if (out !== undefined) writeFileAtomic(out, json + "\n");
  if (values.json) console.log(json);
  else console.log(formatRanks(cv).join("\n"));
  if (!quiet && out !== undefined) process.stderr.write(`snmf rank: wrote ${out}\n`);
  return 0;
}

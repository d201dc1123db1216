/**
 * `snmf fit INPUT`: fits a model to strata read from files and writes it as JSON.
 *
 * @module
 */

import process from "node:process";
import { fit as fitModel, type FitOptions, type ProgressInfo, type Stratum } from "../sdk/mod.ts";
import { OUTPUT_FLAGS, parse, sdkFlags, stringOption } from "./args.ts";
import { checkWritable } from "../io/atomic_write.ts";
import { InputError, UsageError } from "./errors.ts";
import { interruptible } from "./interruptible.ts";
import { writeModel } from "./model_file.ts";
import { readStrata } from "../io/read_input.ts";
import { TerminalReadProgress } from "../io/read_progress.ts";
import { MemoryBudget } from "../io/memory.ts";
import { fitSummary, formatFitSummary } from "./summary.ts";

/** The SDK options as flags, with this command's defaults. */
const FLAGS = sdkFlags("fit", { defaults: { rank: 5, maxIter: 100 } });

export const FIT_HELP = `snmf fit — fit Stratified-NMF, A(i) ≈ 1 v(i)ᵀ + W(i) H, to strata read from files

Usage:
  snmf fit DIR [options]                          one NAME.csv or NAME.mtx file per stratum
  snmf fit FILE.csv --strata-column COL [options] one CSV, a column naming each row's stratum

Input:
  NAME.csv      dense, comma separated, one row per sample; the first row is a header (column
                names) when any of its fields is not a number. Every file has the same columns.
  NAME.mtx      MatrixMarket "coordinate real|integer|pattern general" (1-based indices),
                kept sparse
  --strata-column COL   with one CSV file (header row required): the column whose value names
                        each row's stratum; strata in order of first appearance
  --columns A,B,C       the variables to use (default: every other column whose values are all
                        numbers; the others are left out with a note)

Options:
${FLAGS.help}
  --out FILE        where to write the model (default model.json); written atomically
  --json            print a JSON summary on stdout: strata (name, rows), cols, rank, iterations,
                    converged, seconds, msPerIter, loss, normalizedLoss, lossHistory, vMeans,
                    seed, schedule, out
  -q, --quiet       no progress line and no notes on stderr
  -h, --help        this help

Values must be finite, non-negative numbers; a bad one is reported with its file, line and
column, and the command exits 2. Ctrl-C stops the fit (exit 130) and writes nothing.

Examples:
  snmf fit data/ --rank 5 --iters 500 --out model.json
  snmf fit survey.csv --strata-column wave --columns income,age,rooms --rank 3 --json
  snmf fit tfidf/ --rank 20 --iters 100 --no-loss --seed 1 --out topics.json`;

/** "3 strata, 15 rows × 4 columns, rank 2, at most 100 iterations" (the readers set rows and cols). */
function describeInput(strata: Stratum[], options: FitOptions): string {
  const shape = strata as { rows?: number; cols?: number }[];
  const rows = shape.reduce((sum, s) => sum + (s.rows ?? 0), 0);
  return `${strata.length} strata, ${rows} rows × ${
    shape[0].cols
  } columns, rank ${options.rank}, at most ${options.maxIter} iterations`;
}

export async function fit(args: string[]): Promise<number> {
  const { values, positionals, help } = parse(args, {
    ...FLAGS.options,
    ...OUTPUT_FLAGS,
    "strata-column": { type: "string" },
    columns: { type: "string" },
  }, { names: ["INPUT"] });
  if (help) {
    console.log(FIT_HELP);
    return 0;
  }
  const quiet = values.quiet === true;
  const options = FLAGS.read(values) as FitOptions;
  const out = stringOption(values, "out") ?? "model.json";
  checkWritable(out);
  const columnsText = stringOption(values, "columns");
  const columns = columnsText?.split(",").map((c) => c.trim());
  if (columns?.some((c) => c === "")) throw new UsageError(`--columns has an empty name: "${columnsText}"`);

  const progress = new TerminalReadProgress("snmf fit", quiet);
  let input;
  try {
    const strataColumn = stringOption(values, "strata-column");
    const memory = new MemoryBudget(options.rank);
    input = readStrata(positionals[0], { strataColumn, columns, progress, memory });
  } finally {
    progress.done();
  }
  // Again, now that the inputs are known: --out must not be one of them.
  checkWritable(out);
  if (!quiet) input.notes.forEach((note) => console.error(`snmf fit: ${note}`));
  const initFile = typeof options.init === "object" ? stringOption(values, "init") : undefined;
  if (input.columnNames) options.columnNames = input.columnNames;

  const model = await interruptible(
    "fit",
    quiet,
    ({ signal, onProgress }) => {
      // Said when the first iteration starts: the options and data have passed the SDK's checks
      // and Ctrl-C is handled. (With --no-loss the only callback comes at the end: said then.)
      let announce = !quiet && !values.json;
      const progress = (info: ProgressInfo) => {
        if (announce) process.stderr.write(`snmf fit: fitting ${describeInput(input.strata, options)}\n`);
        announce = false;
        onProgress?.(info);
      };
      return fitModel(input.strata, { ...options, signal, onProgress: progress }).catch((error) => {
        if (initFile !== undefined && error instanceof Error && /^Cannot fit model: init/.test(error.message)) {
          throw new InputError(initFile, undefined, error.message.replace(/^Cannot fit model: /, ""));
        }
        throw error;
      });
    },
  );
  try {
    writeModel(out, model);
    const summary = fitSummary(model, out);
    if (values.json) console.log(JSON.stringify(summary));
    else console.log(formatFitSummary(summary).join("\n"));
    if (!quiet && !values.json) process.stderr.write(`snmf fit: wrote ${out}\n`);
  } finally {
    model.free();
  }
  return 0;
}

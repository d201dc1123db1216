/**
 * `snmf fit INPUT`: fits a model to strata read from files and writes it as JSON.
 *
 * @module
 */

import process from "node:process";
import { fit as fitModel, type FitOptions, type ProgressInfo, type Stratum } from "../sdk/mod.ts";
import { statSync } from "node:fs";
import { OUTPUT_FLAGS, parse, sdkFlags, stringOption } from "./args.ts";
import { checkWritable } from "../io/atomic_write.ts";
import { InputError } from "./errors.ts";
import { interruptible } from "./interruptible.ts";
import { writeModel } from "./model_file.ts";
import { type InputStrata, readInput } from "../io/read_input.ts";
import { inputNamed, releaseInput } from "../io/input_files.ts";
import { checkModelOutput, DEFAULT_MODEL } from "../io/model_output.ts";
import { TerminalReadProgress } from "../io/read_progress.ts";
import { MemoryBudget } from "../io/memory.ts";
import { FORCE_FLAG, INPUT_FLAGS, INPUT_HELP, inputOptions } from "./input_flags.ts";
import { fitSummary, formatFitSummary } from "./summary.ts";
import { imputedFormat, imputedTable, writeImputed } from "./imputed.ts";
import { UsageError } from "./errors.ts";

/** The SDK options as flags, with this command's defaults. */
const FLAGS = sdkFlags("fit", { defaults: { rank: 5, maxIter: 100 } });

export const FIT_HELP = `snmf fit — fit Stratified-NMF, A(i) ≈ 1 v(i)ᵀ + W(i) H, to strata read from files

Usage:
  snmf fit DIR [options]                      one file per stratum (NAME.csv, NAME.parquet, …)
  snmf fit FILE --strata-column COL [options] one file, a column naming each row's stratum

${INPUT_HELP}

Options:
${FLAGS.help}
  --out FILE        where to write the model (default model.json), atomically; an existing
                    file is replaced only if it is a model file (or with --force). With
                    --init FILE, --out FILE continues that model in place
  --imputed FILE    with --missing mask: write the input with its missing cells filled by the
                    model (CSV, JSON or Parquet by the extension; columns stratum, row, then the
                    data's, in the data's units), atomically
  --force           replace an existing --out file that is not a model file
  --json            print a JSON summary on stdout: strata (name, rows), cols, rank, iterations,
                    converged, seconds, msPerIter, loss, normalizedLoss, lossHistory, vMeans,
                    seed, schedule, out
  -q, --quiet       no progress line and no notes on stderr
  -h, --help        this help

Values must be finite numbers, non-negative unless shifted; a bad one is reported with its
file, line and column, and the command exits 2. Ctrl-C stops the fit (exit 130) and writes
nothing. stderr says which columns were used, which left out and why, and what the
preprocessing did.

Examples:
  snmf fit data/ --rank 5 --iters 500 --out model.json
  snmf fit survey.csv --strata-column wave --columns income,age,rooms --rank 3 --json
  snmf fit cars.json --strata-column Origin --id-column Name --missing drop-rows --scale max --rank 2
  snmf fit weather.parquet --strata-column weather --shift-negative --rank 2
  snmf fit survey.csv --strata-column wave --missing mask --rank 3 --imputed filled.csv
  snmf fit tfidf/ --rank 20 --iters 100 --no-loss --seed 1 --out topics.json`;

/**
 * `--init FILE --out FILE`: the model continued in place. The init file has been read whole
 * (its factors are in memory) and the output replaces it atomically, so it may be the output;
 * every other input still may not.
 */
function continueInPlace(initFile: string, out: string): void {
  let same;
  try {
    const [a, b] = [statSync(initFile), statSync(out)];
    same = a.dev === b.dev && a.ino === b.ino ? a : undefined;
  } catch {
    return;
  }
  if (same !== undefined && inputNamed(same) !== undefined) releaseInput(same);
}

/** "3 strata, 15 rows × 4 columns, rank 2, at most 100 iterations" (the readers set rows and cols). */
function describeInput(strata: Stratum[], options: FitOptions): string {
  const shape = strata as { rows?: number; cols?: number }[];
  const rows = shape.reduce((sum, s) => sum + (s.rows ?? 0), 0);
  return `${strata.length} strata, ${rows} rows × ${
    shape[0].cols
  } columns, rank ${options.rank}, at most ${options.maxIter} iterations`;
}

/**
 * Says the fit started: the columns used (always, once the fit runs: the notes said them only
 * when there was a choice) and the data's shape.
 */
function announceFit(input: InputStrata, options: FitOptions): void {
  if (input.columnsUsed !== undefined && !input.notes.includes(input.columnsUsed)) {
    process.stderr.write(`snmf fit: ${input.columnsUsed}\n`);
  }
  process.stderr.write(`snmf fit: fitting ${describeInput(input.strata, options)}\n`);
}

export async function fit(args: string[]): Promise<number> {
  const { values, positionals, help } = parse(args, {
    ...FLAGS.options,
    ...OUTPUT_FLAGS,
    ...FORCE_FLAG,
    ...INPUT_FLAGS,
    imputed: { type: "string" },
  }, { names: ["INPUT"], help: FIT_HELP });
  if (help) return 0;
  const quiet = values.quiet === true;
  const options = FLAGS.read(values) as FitOptions;
  const out = stringOption(values, "out") ?? DEFAULT_MODEL;
  const initFile = typeof options.init === "object" ? stringOption(values, "init") : undefined;
  if (initFile !== undefined) continueInPlace(initFile, out);
  checkWritable(out);
  const reading = inputOptions(values);
  if (reading.missing === "mask") options.missing = "mask";
  const imputed = stringOption(values, "imputed");
  if (imputed !== undefined) {
    if (reading.missing !== "mask") throw new UsageError("--imputed needs --missing mask");
    imputedFormat(imputed);
    checkWritable(imputed, "--imputed");
  }

  const progress = new TerminalReadProgress("snmf fit", quiet);
  let input: InputStrata;
  try {
    input = await readInput(positionals[0], { ...reading, progress, memory: new MemoryBudget(options.rank) });
  } finally {
    progress.done();
  }
  // Again, now that the inputs are known: --out must not be one of them.
  checkWritable(out);
  checkModelOutput(out, values.force === true);
  if (!quiet) {
    input.notes.forEach((note) => console.error(`snmf fit: ${note}`));
    input.warnings.forEach((warning) => console.error(`snmf fit: warning: ${warning}`));
  }
  if (input.columnNames) options.columnNames = input.columnNames;
  if (input.preprocessing) options.preprocessing = input.preprocessing;

  const model = await interruptible(
    "fit",
    quiet,
    ({ signal, onProgress }) => {
      // Said when the first iteration starts: the options and data have passed the SDK's checks
      // and Ctrl-C is handled. (With --no-loss the only callback comes at the end: said then.)
      let announce = !quiet && !values.json;
      const progress = (info: ProgressInfo) => {
        if (announce) announceFit(input, options);
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
    if (imputed !== undefined) {
      await writeImputed(imputed, imputedTable(input.strata, model, input.columnNames, input.preprocessing));
      if (!quiet && !values.json) process.stderr.write(`snmf fit: wrote ${imputed}\n`);
    }
    const summary = fitSummary(model, out);
    if (values.json) console.log(JSON.stringify(summary));
    else console.log(formatFitSummary(summary).join("\n"));
    if (!quiet && !values.json) process.stderr.write(`snmf fit: wrote ${out}\n`);
  } finally {
    model.free();
  }
  return 0;
}

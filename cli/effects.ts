/**
 * `snmf effects MODEL DATA`: intervals and tests for what is particular to each stratum
 * (`effects()`, docs/inference.md), on the data the model was fit on, read as `snmf fit` read them
 * and preprocessed as the model records; written as CSV or JSON.
 *
 * @module
 */

import process from "node:process";
import {
  type Effects,
  effects as estimateEffects,
  type EffectsProgress,
  type Model,
  type ProgressInfo,
} from "../sdk/mod.ts";
import { BOOTSTRAP_STARTS, DEFAULT_POOLED_ITERATIONS } from "../sdk/inference/effects.ts";
import { MAX_ITERATIONS, SETTLE_STEP } from "../sdk/inference/procedure.ts";
import type { Preprocessing } from "../sdk/input/preprocess.ts";
import { choiceOption, integerOption, OUTPUT_FLAGS, parse, sdkFlags, stringOption, type Values } from "./args.ts";
import { checkWritable, writeFileAtomic } from "../io/atomic_write.ts";
import { InputError, UsageError } from "./errors.ts";
import { interruptible, type RunHooks } from "./interruptible.ts";
import { readModel } from "./model_file.ts";
import { type InputOptions, type InputStrata, readInput } from "../io/read_input.ts";
import { TerminalReadProgress } from "../io/read_progress.ts";
import { MemoryBudget } from "../io/memory.ts";
import { INPUT_FLAGS, INPUT_HELP, inputOptions } from "./input_flags.ts";
import { EFFECTS_FIELDS, effectsCsv, effectsJson } from "./effects_file.ts";
import { CALL_Q, INTERVALS_CAVEAT, isCall } from "../report/effects.ts";

/** --seed and --threads, as `snmf fit` has them. */
const FLAGS = sdkFlags("fit", { only: ["seed", "threads"], defaultTexts: { seed: "random" } });

/** How `--help` wraps the caveat: at 92 columns, indented by 2. */
const CAVEAT_HELP = INTERVALS_CAVEAT.replace(/(.{1,88})(?: |$)/g, "  $1\n").trimEnd();

export const EFFECTS_HELP = `snmf effects — intervals and tests for what is particular to each stratum

Usage:
  snmf effects MODEL DATA [options]

  DATA is the data MODEL was fit on, given as to snmf fit (a directory of one file per
  stratum, or one file with --strata-column; the same --columns, --id-column, --delimiter and
  --column-names); the preprocessing (--missing, --shift-negative, --scale) is the one the model
  records, and a flag that says otherwise is refused. Data that are not the model's (other
  strata, columns, rows or values: the model keeps a fingerprint) stop the command with exit 2.

  For every stratum and column it runs one fixed procedure (docs/inference.md) on the data, on
  --replicates bootstrap resamples of the rows within each stratum, and on --permutations
  shuffles of the stratum labels, and gives the procedure's canonical shift v*, its share and
  its contrast with the other strata, their 95 % percentile intervals, a one-sided permutation
  p-value for the contrast and its Benjamini–Hochberg q-value within the stratum (q < ${CALL_Q}: a
  call), and whether the model's split of the column is stable over its restarts. Values are
  in the units the model was fit in (after its preprocessing). --seed seeds the procedure's
  start and the resampling: the same seed gives the same bits on any number of threads.

${CAVEAT_HELP}

${INPUT_HELP.replace(/\n+Preprocessing[\s\S]*$/, "").replace(/: kept in the model\n.*\n/, ", as given to snmf fit\n")}

Options:
  --replicates N    bootstrap replicates (default 200)
  --permutations N  label permutations (default 200)
  --iterations T    HALS iterations of the procedure's stratified refit (default: as many as
                    the statistic needs to settle on the data, in steps of ${SETTLE_STEP} up to ${MAX_ITERATIONS};
                    the T used is recorded in the settings and said on stderr)
  --pooled-iterations T0
                    iterations of its pooled start (default ${DEFAULT_POOLED_ITERATIONS})
  --bootstrap-start replicate|data
                    where each bootstrap replicate's refit starts: replicate (the default),
                    a pooled fit of the replicate's own rows, as the data's statistic starts;
                    data, the data's pooled start at the rows drawn: T0 fewer iterations per
                    replicate, but the intervals leave out which local solution the pooled fit
                    reaches and are narrower where the split depends on it (docs/inference.md)
${FLAGS.help}
  --csv             CSV: one row per stratum and column (the default, unless --out ends in .json)
  --json            JSON: { format, version, model: { names, cols, rank, fingerprint? },
                    settings: { replicates, permutations, seed, iterations, pooledIterations,
                    bootstrapStart, solver, level }, seconds, effects: [{ stratum, column, name?, v, share,
                    contrast, lower, upper, vInterval, shareInterval, p, q, stable }] };
                    snmf top --effects and snmf report --effects read it
  --out FILE        write there (atomically) instead of stdout
  -q, --quiet       no progress line and no messages on stderr
  -h, --help        this help

The CSV's fields (NaN, a share where every stratum's v* is 0, is an empty field):
${EFFECTS_FIELDS}

Ctrl-C stops the run (exit 130) and writes nothing. The progress line counts the HALS iterations
of the refits (a bootstrap replicate's T0 + T, a permutation's T) and estimates the time left.

Examples:
  snmf fit weather.csv --strata-column weather --shift-negative --rank 2 --restarts 10 --out m.json
  snmf effects m.json weather.csv --strata-column weather --seed 1 --out effects.csv
  snmf effects m.json weather.csv --strata-column weather --seed 1 --json --out effects.json
  snmf top m.json --effects effects.json && snmf report m.json --effects effects.json --out m.html`;

/** The preprocessing flags: the value given (or the default) and the model's, as the reading options hold them. */
const PREPROCESSING_FLAGS = [
  { flag: "missing", option: "missing", recorded: (p?: Preprocessing) => p?.missing ?? "error" },
  { flag: "scale", option: "scale", recorded: (p?: Preprocessing) => p?.scale ?? "none" },
  { flag: "shift-negative", option: "shiftNegative", recorded: (p?: Preprocessing) => p?.shiftNegative ?? false },
] as const;

/**
 * How to read DATA: the input flags given, the preprocessing the model records.
 * @throws {UsageError} for a preprocessing flag that is not the model's
 */
function readingFor(values: Values, model: Model, modelFile: string): InputOptions {
  const given = inputOptions(values);
  const reading: InputOptions = { ...given };
  for (const { flag, option, recorded } of PREPROCESSING_FLAGS) {
    const theirs = recorded(model.preprocessing);
    if (values[flag] !== undefined && given[option] !== theirs) {
      const value = typeof given[option] === "string" ? ` ${given[option]}` : "";
      throw new UsageError(
        `--${flag}${value} is not the preprocessing of ${modelFile} (${flag}: ${theirs}); ` +
          "effects applies the model's: leave the flag out",
      );
    }
    (reading as Record<string, unknown>)[option] = theirs;
  }
  return reading;
}

/** The first index where two arrays differ (by their JSON), or -1 when they are the same. */
function firstDifference(a: readonly unknown[] = [], b: readonly unknown[] = []): number {
  for (let j = 0; j < Math.max(a.length, b.length); j++) {
    if (JSON.stringify(a[j]) !== JSON.stringify(b[j])) return j;
  }
  return -1;
}

/**
 * @throws {InputError} when the data read are not shaped as the model's data were (strata,
 *   column names) or their preprocessing came out other than the model's (other column statistics)
 */
function checkInput(input: InputStrata, model: Model, dataFile: string): void {
  const names = input.strata.map((s, i) => s.name ?? String(i));
  if (firstDifference(names, model.names) >= 0) {
    const quoted = (list: readonly string[]) => list.map((n) => `"${n}"`).join(", ");
    throw new InputError(
      dataFile,
      undefined,
      `has the strata ${quoted(names)}, the model ${quoted(model.names)}: the data are not the model's`,
    );
  }
  if (model.columnNames && input.columnNames) {
    const j = firstDifference(input.columnNames, model.columnNames);
    if (j >= 0) {
      throw new InputError(
        dataFile,
        undefined,
        `column ${j} is "${input.columnNames[j] ?? "(none)"}", the model's "${
          model.columnNames[j] ?? "(none)"
        }": read the data as snmf fit did (--columns)`,
      );
    }
  }
  const [mine, theirs] = [input.preprocessing, model.preprocessing];
  for (const field of ["shift", "divisor", "fill", "droppedRows"] as const) {
    const j = firstDifference(mine?.[field], theirs?.[field]);
    if (j >= 0) {
      throw new InputError(
        dataFile,
        undefined,
        `the preprocessing gives other ${field === "droppedRows" ? "dropped rows" : `${field}s`} than the model's (${
          field === "droppedRows" ? `stratum ${j}` : `column ${j}`
        }): the data are not the model's`,
      );
    }
  }
}

/** Output format: --json, --csv, or by the --out file's extension. */
function formatOption(values: Values, out: string | undefined): "csv" | "json" {
  if (values.json && values.csv) throw new UsageError("--json and --csv: choose one");
  if (values.json) return "json";
  if (values.csv) return "csv";
  return out?.endsWith(".json") ? "json" : "csv";
}

/**
 * effects() with the progress line counting the refits' iterations over both phases (a bootstrap
 * replicate's take longer than a permutation's: counting refits would misjudge the time left), and Ctrl-C.
 */
function runEffects(
  model: Model,
  input: InputStrata,
  options: Parameters<typeof estimateEffects>[2],
  quiet: boolean,
): Promise<Effects> {
  const started = performance.now();
  const progress = (hooks: RunHooks) => (info: EffectsProgress) =>
    hooks.onProgress?.(
      {
        iteration: info.iterations,
        maxIter: info.totalIterations,
        loss: NaN,
        normalizedLoss: NaN,
        elapsedMs: performance.now() - started,
      } satisfies ProgressInfo,
    );
  return interruptible(
    "effects",
    quiet,
    (hooks) => estimateEffects(model, input.strata, { ...options, signal: hooks.signal, onProgress: progress(hooks) }),
  );
}

export async function effects(args: string[]): Promise<number> {
  const { values, positionals, help } = parse(args, {
    ...FLAGS.options,
    ...INPUT_FLAGS,
    replicates: { type: "string" },
    permutations: { type: "string" },
    iterations: { type: "string" },
    "pooled-iterations": { type: "string" },
    "bootstrap-start": { type: "string" },
    csv: { type: "boolean" },
    json: OUTPUT_FLAGS.json,
    out: { type: "string" },
    quiet: OUTPUT_FLAGS.quiet,
  }, { names: ["MODEL", "DATA"], help: EFFECTS_HELP });
  if (help) return 0;
  const quiet = values.quiet === true;
  const out = stringOption(values, "out");
  const format = formatOption(values, out);
  const options = {
    ...FLAGS.read(values) as { seed?: number; threads?: number },
    replicates: integerOption(values, "replicates", 1, 200),
    permutations: integerOption(values, "permutations", 1, 200),
    iterations: integerOption(values, "iterations", 1),
    pooledIterations: integerOption(values, "pooled-iterations", 1),
    bootstrapStart: choiceOption(values, "bootstrap-start", BOOTSTRAP_STARTS, BOOTSTRAP_STARTS[0]),
  };
  if (out !== undefined) checkWritable(out);
  const [modelFile, dataFile] = positionals;
  const model = readModel(modelFile);
  try {
    const reading = readingFor(values, model, modelFile);
    const progress = new TerminalReadProgress("snmf effects", quiet);
    let input: InputStrata;
    try {
      input = await readInput(dataFile, { ...reading, progress, memory: new MemoryBudget(model.rank) });
    } finally {
      progress.done();
    }
    // Again, now that the inputs are known: --out must not be one of them.
    if (out !== undefined) checkWritable(out);
    checkInput(input, model, dataFile);
    if (!quiet) say(describeRun(model, options));
    const started = performance.now();
    const result = await runEffects(model, input, options, quiet).catch((error) => {
      throw namingData(error, dataFile);
    });
    const seconds = (performance.now() - started) / 1000;
    const text = format === "json" ? effectsJson(result, model, seconds) : effectsCsv(result, model);
    if (out !== undefined) writeFileAtomic(out, text);
    else process.stdout.write(text);
    if (!quiet) say(describeResult(result, model, seconds, out));
  } finally {
    model.free();
  }
  return 0;
}

/** The SDK's "the data are not the model's" (shape or fingerprint) as an input error naming the data file. */
function namingData(error: unknown, dataFile: string): unknown {
  const prefix = "Cannot estimate effects: the data are not the model's: ";
  return error instanceof RangeError && error.message.startsWith(prefix)
    ? new InputError(dataFile, undefined, `${error.message.slice(prefix.length)}: the data are not the model's`)
    : error;
}

const say = (line: string) => process.stderr.write(`snmf effects: ${line}\n`);

/** "5 strata, 1461 rows × 4 columns, rank 2: 200 bootstrap replicates and 200 permutations". */
function describeRun(
  model: Model,
  options: { replicates: number; permutations: number; bootstrapStart: string },
): string {
  const rows = model.rows.reduce((a, b) => a + b, 0);
  const start = options.bootstrapStart === "data" ? " (replicates start from the data's pooled fit)" : "";
  return `${model.names.length} strata, ${rows} rows × ${model.cols} columns, rank ${model.rank}: ` +
    `${options.replicates} bootstrap replicates${start} and ${options.permutations} permutations`;
}

/** What came out: the calls, the unstable columns, the time, where it went. */
function describeResult(result: Effects, model: Model, seconds: number, out: string | undefined): string {
  const calls = result.effects.filter(isCall).length;
  const unstable = result.effects.filter((e) => e.stable === false).length;
  const stability = !model.stability
    ? "; the model has no restarts (fit --restarts N) to say which splits are stable"
    : model.stability.near.length < 2
    ? "; only the best of the model's starts ended within 1 % of its loss: no split's stability is known"
    : `; ${unstable} unstable over the model's restarts`;
  const { seed, iterations } = result.settings;
  return `${calls} of ${result.effects.length} contrasts with q < ${CALL_Q}${stability}; seed ${seed}, ` +
    `T = ${iterations}; ${seconds.toFixed(1)} s${out === undefined ? "" : `; wrote ${out}`}`;
}

/**
 * `snmf transform MODEL INPUT`: loadings W of new rows with the model's topics H fixed, for a
 * stratum the model knows (its v(i) fixed too) or a new one (v learned), as CSV or JSON.
 *
 * @module
 */

import process from "node:process";
import { type Stratum, transform as transformRows, type TransformResult } from "../sdk/mod.ts";
import { TRANSFORM_DEFAULTS } from "../sdk/input/options.ts";
import { topicColumnName } from "../sdk/display.ts";
import { csvField, formatFloat32 } from "../io/write_table.ts";
import { choiceOption, OUTPUT_FLAGS, parse, sdkFlags, stringOption } from "./args.ts";
import { checkWritable, writeFileAtomic } from "../io/atomic_write.ts";
import { InputError } from "./errors.ts";
import { interruptible } from "./interruptible.ts";
import { readModel } from "./model_file.ts";
import { readRows } from "../io/read_input.ts";
import { formatOf } from "../io/formats.ts";
import type { ReadOptions, StratumFile } from "../io/reader.ts";
import { TerminalReadProgress } from "../io/read_progress.ts";
import { MemoryBudget } from "../io/memory.ts";
import { applyPreprocessing, type Preprocessing, type TableData } from "../sdk/input/preprocess.ts";
import type { Model } from "../sdk/model.ts";
import { delimiterOption, ROWS_FLAGS, ROWS_HELP } from "./input_flags.ts";

/** The SDK options of transform() as flags (--stratum is a name here). */
const FLAGS = sdkFlags("transform", {
  defaults: TRANSFORM_DEFAULTS,
  defaultTexts: { solver: "the model's", vUpdates: "the model's" },
});

export const TRANSFORM_HELP = `snmf transform — loadings W of new rows, with the model's topics H fixed

Usage:
  snmf transform MODEL INPUT [options]

  INPUT is one file of new rows with the model's columns: CSV or TSV (header optional),
  JSON, JSON Lines, Parquet, Arrow IPC or MatrixMarket (.mtx). A file with more columns than
  the model's (by name) gives the model's. The model's preprocessing (missing cells, shifts,
  scales: snmf fit --missing, --shift-negative, --scale) is applied to the rows as to the
  fit's data. With --stratum the rows belong to that stratum and its v(i) stays fixed:
  A ≈ 1 v(i)ᵀ + W H. Without it they form a new stratum, and its v is learned along with W.

Options:
${FLAGS.help}
${
  ROWS_HELP.replace(
    "kept with the row",
    "printed as the first\n                        column of the CSV (rowIds in JSON)",
  )
}
  --format F        csv (W: one row per input row, columns topic0..topic(k−1)) or json
                    ({ stratum, rows, rank, iterations, converged, loss, normalizedLoss, seed,
                    v, W }); default: json for an --out ending in .json, else csv
  --json            the same as --format json
  --out FILE        write there (atomically) instead of stdout
  -q, --quiet       no progress line and no summary on stderr
  -h, --help        this help

Examples:
  snmf transform model.json new_rows.csv --stratum siteA > loadings.csv
  snmf transform model.json site_d.csv --json --out site_d.json
  snmf transform topics.json new_docs.mtx --stratum sci.space --iters 500`;

/** Row ids and the id column's name, when the rows have them. */
interface Ids {
  column: string;
  rowIds: (string | number)[];
}

function csvText(result: TransformResult, ids: Ids | undefined): string {
  const { rows, rank, W } = result;
  const topics = Array.from({ length: rank }, (_, q) => topicColumnName(q));
  const lines = [(ids ? [csvField(ids.column), ...topics] : topics).join(",")];
  for (let r = 0; r < rows; r++) {
    const loadings = Array.from(W.subarray(r * rank, (r + 1) * rank), formatFloat32);
    lines.push((ids ? [csvField(String(ids.rowIds[r])), ...loadings] : loadings).join(","));
  }
  return lines.join("\n") + "\n";
}

function jsonText(result: TransformResult, stratum: string | null, ids: Ids | undefined, dropped: number[]): string {
  const { rows, rank, W } = result;
  return JSON.stringify({
    ...(ids ? { idColumn: ids.column, rowIds: ids.rowIds } : {}),
    ...(dropped.length > 0 ? { droppedRows: dropped } : {}),
    stratum,
    rows,
    rank,
    iterations: result.iterations,
    converged: result.converged,
    loss: result.loss,
    normalizedLoss: result.normalizedLoss,
    seed: result.seed,
    v: Array.from(result.v, (x) => Number(formatFloat32(x))),
    W: Array.from(
      { length: rows },
      (_, r) => Array.from(W.subarray(r * rank, (r + 1) * rank), (x) => Number(formatFloat32(x))),
    ),
  }) + "\n";
}

/** How to read new rows for a model: missing cells and negative values as its preprocessing allows. */
function readingFor(preprocessing: Preprocessing | undefined): ReadOptions {
  if (preprocessing === undefined) return {};
  return {
    allowMissing: preprocessing.missing !== "error",
    allowNegative: preprocessing.shift.some((shift) => shift !== 0),
  };
}

/**
 * The new rows: the model's columns by name when the file names them all (it may have more, and
 * an id column), otherwise every column of the file, by position.
 */
async function readNewRows(
  file: string,
  model: Model,
  idColumn: string | undefined,
  options: ReadOptions,
): Promise<StratumFile> {
  const columns = model.columnNames ? [...model.columnNames] : undefined;
  if (idColumn !== undefined) return await readRows(file, { columns, idColumn }, options);
  if (columns !== undefined && formatOf(file)?.readGrouped) {
    try {
      return await readRows(file, { columns }, options);
    } catch (error) {
      // A file without the model's names (no header, other names) is read by position below.
      if (!(error instanceof InputError && / has no column "/.test(error.problem))) throw error;
    }
  }
  return await readRows(file, {}, options);
}

export async function transform(args: string[]): Promise<number> {
  const { values, positionals, help } = parse(args, {
    ...FLAGS.options,
    ...OUTPUT_FLAGS,
    ...ROWS_FLAGS,
    format: { type: "string" },
  }, { names: ["MODEL", "INPUT"], help: TRANSFORM_HELP });
  if (help) return 0;
  const quiet = values.quiet === true;
  const out = stringOption(values, "out");
  const format = values.json
    ? "json"
    : choiceOption(values, "format", ["csv", "json"], out?.endsWith(".json") ? "json" : "csv");
  const options = FLAGS.read(values);
  if (out !== undefined) checkWritable(out);
  const [modelFile, inputFile] = positionals;
  const model = readModel(modelFile);
  try {
    const stratum = stringOption(values, "stratum");
    if (stratum !== undefined && !model.names.includes(stratum)) {
      throw new InputError(
        modelFile,
        undefined,
        `has no stratum "${stratum}" (--stratum); its strata are ${model.names.map((n) => `"${n}"`).join(", ")}`,
      );
    }
    const idColumn = stringOption(values, "id-column");
    const progress = new TerminalReadProgress("snmf transform", quiet);
    let read;
    try {
      const reading = { ...readingFor(model.preprocessing), delimiter: delimiterOption(values), progress };
      read = await readNewRows(inputFile, model, idColumn, { ...reading, memory: new MemoryBudget(model.rank) });
    } finally {
      progress.done();
    }
    const { header } = read;
    let rows = read.stratum;
    // Again, now that the inputs are known: --out must not be one of them.
    if (out !== undefined) checkWritable(out);
    const cols = (rows as { cols?: number }).cols;
    if (cols !== undefined && cols !== model.cols) {
      throw new InputError(inputFile, undefined, `has ${cols} columns, the model ${model.cols}`);
    }
    if (header && model.columnNames) {
      const j = header.findIndex((name, index) => name !== model.columnNames![index]);
      if (j >= 0) {
        throw new InputError(
          inputFile,
          1,
          `column ${j + 1} is "${header[j]}", the model's is "${model.columnNames[j]}"`,
        );
      }
    }
    let dropped: number[] = [];
    if (model.preprocessing) {
      const done = applyPreprocessing(model.preprocessing, rows as TableData, {
        fail: (problem) => new InputError(inputFile, undefined, problem),
        missingHint: "",
        negativeHint: "",
        stratum: () => "the input",
        where: (_, r) => `row ${r + 1}`,
        column: (j) => `column ${j + 1}${model.columnNames ? ` ("${model.columnNames[j]}")` : ""}`,
        option: (name) => name,
      });
      rows = done.stratum as typeof rows;
      dropped = done.dropped;
    }
    const ids = idColumn !== undefined && (rows as TableData).rowIds
      ? { column: idColumn, rowIds: (rows as TableData).rowIds! }
      : undefined;
    const result = await interruptible(
      "transform",
      quiet,
      ({ signal, onProgress }) =>
        transformRows(model, rows as Stratum, {
          ...options,
          // Rows of a model fitted around missing cells keep theirs as unobserved entries.
          ...(model.preprocessing?.missing === "mask" ? { missing: "mask" as const } : {}),
          stratum,
          signal,
          onProgress,
        }),
    );
    const textOut = format === "json" ? jsonText(result, stratum ?? null, ids, dropped) : csvText(result, ids);
    if (out !== undefined) writeFileAtomic(out, textOut);
    else process.stdout.write(textOut);
    if (!quiet) {
      process.stderr.write(
        `snmf transform: ${result.rows} rows ${
          stratum === undefined ? "as a new stratum" : `of stratum "${stratum}"`
        }, ` +
          `${result.iterations} iterations, normalized loss ${result.normalizedLoss.toExponential(3)}` +
          `${
            dropped.length > 0
              ? `; left out ${dropped.length} rows with missing cells (the model's --missing drop-rows)`
              : ""
          }` +
          `${out === undefined ? "" : `; wrote ${out}`}\n`,
      );
    }
  } finally {
    model.free();
  }
  return 0;
}

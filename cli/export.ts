/**
 * `snmf export MODEL --out DIR`: a model's factors and top features as tables (CSV, Parquet or
 * JSON), for spreadsheets, data frames and databases (./export_tables.ts says what each holds).
 *
 * @module
 */

import process from "node:process";
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { type Model, toOriginalUnits } from "../sdk/mod.ts";
import { checkWritable, writeFileAtomic } from "../io/atomic_write.ts";
import { TABLE_FORMATS, tableBytes, type TableFormat } from "../io/write_table.ts";
import { modelTables, type TableOptions } from "./export_tables.ts";
import { choiceOption, OUTPUT_FLAGS, parse, RANKING_FLAGS, rankingOptions, stringOption } from "./args.ts";
import { UsageError } from "./errors.ts";
import { readModel } from "./model_file.ts";
import { NUMBERING_HELP } from "./summary.ts";

export const EXPORT_HELP = `snmf export — a model's V, W(i), H and top features as tables (CSV, Parquet or JSON)

Usage:
  snmf export MODEL --out DIR [options]

  Writes into DIR (created if needed; files of these names are replaced):
    V.EXT             one row per column of the data: column, feature, then v(NAME) for each
                      stratum
    W.EXT             one row per row of the data, strata one after the other: stratum, row
                      (within the stratum), id (when the model records row ids), topic0, topic1, …
    H.EXT             one row per column of the data: column, feature, topic0, topic1, …
    top_features.EXT  the --top columns that set each stratum apart (ranked by --by) and the
                      largest of each topic: kind (stratum or topic), name, rank, column,
                      feature, value (v(i)ⱼ or H_qj), score (what they are ranked by; empty for
                      a column with no share; over the column's largest value when the
                      columns are on mixed scales, as snmf top), ranked_by
    V_original.EXT,   for a model fitted on shifted or scaled columns (--shift-negative, --scale):
    H_original.EXT    V and H in the data's own units (v'ⱼ = vⱼ dⱼ − sⱼ, H'_qj = H_qj dⱼ for the
                      recorded shift sⱼ and divisor dⱼ; W(i) is the same in both)
  Columns are named by the model's column names (feature), or "col j" without them. Values are
  the float32 the model holds, written as the shortest decimal that reads back the same
  (Parquet: FLOAT); scores are float64 (Parquet: DOUBLE).

${NUMBERING_HELP}

Options:
  --out DIR         where to write the tables (required)
  --format F        csv (default), parquet or json (an array of records per table). Parquet
                    needs the package hyparquet-writer (an optional dependency: npm install
                    hyparquet-writer)
  --top N           features per stratum and per topic in top_features (default 10)
  --by WHAT         what ranks each stratum's features: contrast (default), share or value, as
                    in snmf top
  -q, --quiet       no message on stderr
  -h, --help        this help

Examples:
  snmf export model.json --out tables
  snmf export model.json --format parquet --out tables
  snmf export topics.json --format json --top 20 --by share --out topics`;

/** The tables' options for a model: the ranking asked for, and v and H in the data's units when it has them. */
function tableOptions(model: Model, top: number, by: TableOptions["by"]): TableOptions {
  const p = model.preprocessing;
  const changed = p !== undefined && (p.shift.some((x) => x !== 0) || p.divisor.some((x) => x !== 1));
  return changed ? { top, by, original: toOriginalUnits(p, model.V, model.H) } : { top, by };
}

/** `--out DIR`: created when absent; an existing path must be a directory. */
function outputDirectory(dir: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    mkdirSync(dir, { recursive: true });
    return;
  }
  if (!isDirectory) throw new UsageError(`--out ${dir} is a file, not a directory`);
}

export async function exportModel(args: string[]): Promise<number> {
  const { values, positionals, help } = parse(args, {
    ...RANKING_FLAGS,
    out: { type: "string" },
    format: { type: "string" },
    quiet: OUTPUT_FLAGS.quiet,
  }, { names: ["MODEL"], help: EXPORT_HELP });
  if (help) return 0;
  const out = stringOption(values, "out");
  if (out === undefined) throw new UsageError("missing --out DIR (where to write the tables)");
  const format: TableFormat = choiceOption(values, "format", TABLE_FORMATS, "csv");
  const { count: top, by } = rankingOptions(values);
  const model = readModel(positionals[0]);
  try {
    const tables = modelTables(model, tableOptions(model, top, by));
    // Every table is made before anything is written: a missing Parquet writer writes nothing.
    const files = await Promise.all(
      Object.entries(tables).map(async ([name, table]) =>
        [`${name}.${format}`, await tableBytes(table, format)] as const
      ),
    );
    outputDirectory(out);
    for (const [file] of files) checkWritable(join(out, file));
    for (const [file, bytes] of files) writeFileAtomic(join(out, file), bytes);
    if (values.quiet !== true) {
      process.stderr.write(`snmf export: wrote ${files.map(([file]) => file).join(", ")} to ${out}\n`);
    }
  } finally {
    model.free();
  }
  return 0;
}

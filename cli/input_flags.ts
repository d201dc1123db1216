/**
 * The command line's input flags (CLI-only flags, defined as cli/args.ts defines its output
 * flags): which file columns are the strata, the variables and the row ids, the delimiter, the
 * column names, and the preprocessing (missing cells, shifts, scales; sdk/input/preprocess.ts),
 * with their `--help` text and their values read into the options of io/read_input.ts.
 *
 * @module
 */

import type { ParseArgsConfig } from "node:util";
import { MISSING_POLICIES, type MissingPolicy, SCALE_KINDS, type ScaleKind } from "../sdk/input/preprocess.ts";
import { parseDelimiter } from "../io/detect_delimiter.ts";
import type { InputOptions } from "../io/read_input.ts";
import { choiceOption, stringOption, type Values } from "./args.ts";
import { UsageError } from "./errors.ts";

/** The input flags of `snmf fit`, as parseArgs options. */
export const INPUT_FLAGS = {
  "strata-column": { type: "string" },
  columns: { type: "string" },
  "id-column": { type: "string" },
  delimiter: { type: "string" },
  "column-names": { type: "string" },
  missing: { type: "string" },
  scale: { type: "string" },
  "shift-negative": { type: "boolean" },
} as const satisfies NonNullable<ParseArgsConfig["options"]>;

/** The flags of the rows `snmf transform` reads (the preprocessing is the model's). */
export const ROWS_FLAGS = {
  "id-column": INPUT_FLAGS["id-column"],
  delimiter: INPUT_FLAGS.delimiter,
} as const;

/** `--force`: replace an existing `--out` that is not a model file. */
export const FORCE_FLAG = { force: { type: "boolean" } } as const satisfies NonNullable<ParseArgsConfig["options"]>;

/** The `--help` lines of `--id-column` and `--delimiter`. */
export const ROWS_HELP = `  --id-column COL       a column identifying each row (a name, a key): kept with the row
  --delimiter D         CSV and TSV: comma, tab, semicolon, pipe or any one character
                        (default: detected from the first lines)`;

/** The `--help` text of the input flags. */
export const INPUT_HELP = `Input:
  DIR           one file per stratum, named after it: NAME.csv, NAME.tsv, NAME.json,
                NAME.jsonl, NAME.parquet, NAME.arrow (the same columns in each; a CSV's
                first row is a header when any of its fields is text) or NAME.mtx
                (MatrixMarket coordinate, kept sparse)
  FILE          one file of named columns (CSV, TSV, JSON: an array of records, JSON
                Lines, Parquet, Arrow IPC) with --strata-column
  --strata-column COL   the column whose value names each row's stratum; strata in order
                        of first appearance
  --columns A,B,C       the variables (default: every other column whose cells are all
                        numbers or missing; the others are left out, each with why)
${
  ROWS_HELP.replace(
    "kept with the row",
    "kept in the model\n                        (rowIds: the rows of W(i)) and printed by transform",
  )
}
  --column-names FILE   the columns' names, one a line, for any input (a DIR of .mtx files
                        written by "snmf text --tfidf-dir" finds its vocabulary.txt itself)

Preprocessing (recorded in the model: transform treats new rows the same, and the model's
v and H can be given back in the data's units):
  --missing P         what to do with missing cells (empty, NA, NaN, null, …):
                      ${MISSING_POLICIES.join(", ")}; default error. drop-rows leaves the rows
                      out (the model records which); fill-mean uses the column's mean
                      over every stratum; mask leaves them out of the fit (snmf fit
                      --imputed FILE writes them filled by the model)
  --shift-negative    shift each column with negative values by its minimum, to start at 0
  --scale S           put the columns on one scale: ${SCALE_KINDS.join(", ")} (default none);
                      max divides each column by its largest value, minmax maps it onto
                      [0, 1], std divides it by its standard deviation (not centred). A
                      warning says when column maxima are more than 100× apart. This is the
                      columns' units, your choice; the fit's own division of all the data
                      by one power of two (undone in the results; --as-given turns it off)
                      never changes the result
  On sparse (.mtx) input only --scale max and --scale std apply: a shift would densify it.`;

/** The columns of `--columns A,B,C`. */
function columnList(values: Values): string[] | undefined {
  const text = stringOption(values, "columns");
  const columns = text?.split(",").map((c) => c.trim());
  if (columns?.some((c) => c === "")) throw new UsageError(`--columns has an empty name: "${text}"`);
  return columns;
}

/** The byte of `--delimiter`. */
export function delimiterOption(values: Values): number | undefined {
  const text = stringOption(values, "delimiter");
  if (text === undefined) return undefined;
  const byte = parseDelimiter(text);
  if (byte === undefined) {
    throw new UsageError(`--delimiter must be comma, tab, semicolon, pipe or one character, got "${text}"`);
  }
  return byte;
}

/** The options of io/read_input.ts that the input flags give. */
export function inputOptions(values: Values): InputOptions {
  return {
    strataColumn: stringOption(values, "strata-column"),
    columns: columnList(values),
    idColumn: stringOption(values, "id-column"),
    delimiter: delimiterOption(values),
    columnNamesFile: stringOption(values, "column-names"),
    missing: choiceOption<MissingPolicy>(values, "missing", MISSING_POLICIES, "error"),
    scale: choiceOption<ScaleKind>(values, "scale", SCALE_KINDS, "none"),
    shiftNegative: values["shift-negative"] === true,
  };
}

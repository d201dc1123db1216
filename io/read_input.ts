/**
 * The numeric inputs of `snmf fit` and `snmf transform`: a directory with one `NAME.csv` or
 * `NAME.mtx` file per stratum, one CSV file with a strata column, or (for transform) one file of
 * new rows. Each file is read by its format's reader (io/formats.ts); the strata of one command
 * share one check that they fit in WebAssembly memory.
 *
 * @module
 */

import { readdirSync } from "node:fs";
import { basename, extname, join } from "node:path";
import type { Stratum } from "../sdk/mod.ts";
import { InputError, UsageError } from "./errors.ts";
import { formatOf, FORMATS, isDataFile } from "./formats.ts";
import { MemoryBudget } from "./memory.ts";
import { CSV_READER } from "./read_csv.ts";
import type { ReadOptions, StratumFile } from "./reader.ts";
import { statInput } from "./source.ts";

/** Strata read from the input, with column names when the input has them. */
export interface InputStrata {
  strata: Stratum[];
  columnNames: string[] | undefined;
  /** Notes for stderr (columns left out). */
  notes: string[];
}

/** Options that say how to read a single CSV file, and how to read every file. */
export interface GroupedOptions extends ReadOptions {
  strataColumn?: string;
  columns?: string[];
}

/** `a, b or c`. */
function listOr(items: string[]): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

const EXTENSIONS = FORMATS.flatMap((format) => format.extensions);

/** One stratum file (`.csv` or `.mtx`, by its extension) and its column names, if it has a header. */
export function readStratumFile(file: string, options: ReadOptions = {}): StratumFile {
  const format = formatOf(file);
  if (format === undefined) {
    const choices = EXTENSIONS.length === 2 ? `neither a ${EXTENSIONS.join(" nor a ")}` : `not a ${listOr(EXTENSIONS)}`;
    throw new InputError(file, undefined, `is ${choices} file`);
  }
  const { stratum, header } = format.readStratum(file, options);
  return { stratum: { ...stratum, name: basename(file, extname(file)) }, header };
}

/** The header of a later file differs from the first one's: the error naming both. */
function headerMismatch(file: string, header: string[], names: string[], namesFrom: string): InputError {
  const j = header.findIndex((name, index) => name !== names[index]);
  const where = j >= 0 ? `column ${j + 1} is "${header[j]}" where` : `it has ${header.length} columns where`;
  return new InputError(
    file,
    1,
    `the header differs from ${namesFrom}'s: ${where} ${namesFrom} has ${j >= 0 ? `"${names[j]}"` : names.length}`,
  );
}

/** Every data file of a directory (sorted by file name), one stratum each. */
function readDirectory(dir: string, options: ReadOptions): InputStrata {
  const files = readdirSync(dir)
    .filter((entry) => isDataFile(entry) && !entry.startsWith("."))
    .filter((entry) => statInput(join(dir, entry)).isFile())
    .sort();
  if (files.length === 0) {
    throw new InputError(
      dir,
      undefined,
      `has no ${listOr(EXTENSIONS.map((ext) => `NAME${ext}`))} files (one per stratum)`,
    );
  }
  const seen = new Map<string, string>();
  let columnNames: string[] | undefined;
  let namesFrom = "";
  const strata = files.map((entry) => {
    const file = join(dir, entry);
    const { stratum, header } = readStratumFile(file, options);
    const other = seen.get(stratum.name!);
    if (other) throw new InputError(file, undefined, `names stratum "${stratum.name}" as ${other} does`);
    seen.set(stratum.name!, entry);
    if (header && columnNames === undefined) {
      columnNames = header;
      namesFrom = entry;
    } else if (
      header && (header.length !== columnNames!.length || header.some((name, j) => name !== columnNames![j]))
    ) {
      throw headerMismatch(file, header, columnNames!, namesFrom);
    }
    return stratum;
  });
  return { strata, columnNames, notes: [] };
}

/**
 * The strata of `snmf fit`: a directory of stratum files, or one CSV with `strataColumn`.
 * @throws {InputError} for a missing or malformed file, or data too large for wasm memory
 * @throws {UsageError} for a single file without `--strata-column`
 */
export function readStrata(path: string, options: GroupedOptions = {}): InputStrata {
  const { strataColumn, columns, ...read } = options;
  read.memory ??= new MemoryBudget();
  if (statInput(path).isDirectory()) {
    if (strataColumn !== undefined || columns !== undefined) {
      throw new UsageError(`--strata-column and --columns apply to a single CSV file, and ${path} is a directory`);
    }
    return readDirectory(path, read);
  }
  if (strataColumn === undefined) {
    throw new UsageError(
      `${path} is one file: give --strata-column COL to say which column names each row's stratum, or give a directory with one NAME.csv / NAME.mtx file per stratum`,
    );
  }
  // A name without a known extension (a pipe, /dev/stdin) is read as CSV.
  const format = formatOf(path) ?? CSV_READER;
  if (format.readGrouped === undefined) throw new UsageError(`${path}: --strata-column applies to a CSV file`);
  const { strata, columnNames, skipped } = format.readGrouped(path, { strataColumn, columns }, read);
  const notes = skipped.map(({ name, line, value }) =>
    `${path}: left out column "${name}" (line ${line}: "${value}" is not a number); choose columns with --columns`
  );
  return { strata, columnNames, notes };
}

/** New rows for `snmf transform`: one `.csv` (header optional) or `.mtx` file. */
export function readRows(path: string, options: ReadOptions = {}): StratumFile {
  if (statInput(path).isDirectory()) {
    throw new UsageError(`${path} is a directory; transform reads one .csv or .mtx file`);
  }
  return readStratumFile(path, options);
}

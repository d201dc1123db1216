/**
 * The numeric inputs of `snmf fit` and `snmf transform`: a directory with one `NAME.csv` or
 * `NAME.mtx` file per stratum, one CSV file with a strata column, or (for transform) one file of
 * new rows.
 *
 * @module
 */

import { readdirSync, statSync } from "node:fs";
import { basename, extname, join } from "node:path";
import type { Stratum } from "../sdk/mod.ts";
import { InputError, UsageError } from "./errors.ts";
import { readDenseCsv, readGroupedCsv } from "./read_csv.ts";
import { readMtx } from "./read_mtx.ts";

/** Strata read from the input, with column names when the input has them. */
export interface InputStrata {
  strata: Stratum[];
  columnNames: string[] | undefined;
  /** Notes for stderr (columns left out). */
  notes: string[];
}

/** Options that say how to read a single CSV file. */
export interface GroupedOptions {
  strataColumn?: string;
  columns?: string[];
}

function kindOf(path: string): "directory" | "file" {
  try {
    return statSync(path).isDirectory() ? "directory" : "file";
  } catch {
    throw new InputError(path, undefined, "no such file or directory");
  }
}

/** One stratum file (`.csv` or `.mtx`) and its column names, if it has a header. */
export function readStratumFile(file: string): { stratum: Stratum; header: string[] | undefined } {
  const ext = extname(file).toLowerCase();
  const name = basename(file, extname(file));
  if (ext === ".mtx") return { stratum: { name, ...readMtx(file) }, header: undefined };
  if (ext === ".csv") {
    const { data, rows, cols, header } = readDenseCsv(file);
    return { stratum: { name, data, rows, cols }, header };
  }
  throw new InputError(file, undefined, `is neither a .csv nor a .mtx file`);
}

/** Every `NAME.csv` / `NAME.mtx` of a directory (sorted by file name), one stratum each. */
function readDirectory(dir: string): InputStrata {
  const files = readdirSync(dir)
    .filter((entry) => /\.(csv|mtx)$/i.test(entry) && !entry.startsWith("."))
    .filter((entry) => statSync(join(dir, entry)).isFile())
    .sort();
  if (files.length === 0) throw new InputError(dir, undefined, "has no NAME.csv or NAME.mtx files (one per stratum)");
  const seen = new Map<string, string>();
  let columnNames: string[] | undefined;
  let namesFrom = "";
  const strata = files.map((entry) => {
    const file = join(dir, entry);
    const { stratum, header } = readStratumFile(file);
    const other = seen.get(stratum.name!);
    if (other) throw new InputError(file, undefined, `names stratum "${stratum.name}" as ${other} does`);
    seen.set(stratum.name!, entry);
    if (header) {
      if (columnNames === undefined) {
        columnNames = header;
        namesFrom = entry;
      } else {
        const j = header.findIndex((name, index) => name !== columnNames![index]);
        if (j >= 0 || header.length !== columnNames.length) {
          const where = j >= 0 ? `column ${j + 1} is "${header[j]}" where` : `it has ${header.length} columns where`;
          throw new InputError(
            file,
            1,
            `the header differs from ${namesFrom}'s: ${where} ${namesFrom} has ${
              j >= 0 ? `"${columnNames[j]}"` : columnNames.length
            }`,
          );
        }
      }
    }
    return stratum;
  });
  return { strata, columnNames, notes: [] };
}

/**
 * The strata of `snmf fit`: a directory of stratum files, or one CSV with `strataColumn`.
 * @throws {InputError} for a missing or malformed file
 * @throws {UsageError} for a single file without `--strata-column`
 */
export function readStrata(path: string, options: GroupedOptions = {}): InputStrata {
  if (kindOf(path) === "directory") {
    if (options.strataColumn !== undefined || options.columns !== undefined) {
      throw new UsageError(`--strata-column and --columns apply to a single CSV file, and ${path} is a directory`);
    }
    return readDirectory(path);
  }
  if (options.strataColumn === undefined) {
    throw new UsageError(
      `${path} is one file: give --strata-column COL to say which column names each row's stratum, or give a directory with one NAME.csv / NAME.mtx file per stratum`,
    );
  }
  if (!/\.csv$/i.test(path) && /\.mtx$/i.test(path)) {
    throw new UsageError(`${path}: --strata-column applies to a CSV file`);
  }
  const { strata, columnNames, skipped } = readGroupedCsv(path, options.strataColumn, options.columns);
  const notes = skipped.map(({ name, line, value }) =>
    `${path}: left out column "${name}" (line ${line}: "${value}" is not a number); choose columns with --columns`
  );
  return { strata, columnNames, notes };
}

/** New rows for `snmf transform`: one `.csv` (header optional) or `.mtx` file. */
export function readRows(path: string): { stratum: Stratum; header: string[] | undefined } {
  if (kindOf(path) === "directory") {
    throw new UsageError(`${path} is a directory; transform reads one .csv or .mtx file`);
  }
  return readStratumFile(path);
}

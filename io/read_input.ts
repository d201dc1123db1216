/**
 * The numeric inputs of `snmf fit` and `snmf transform`: a directory with one file per stratum
 * (`NAME.csv`, `.tsv`, `.json`, `.jsonl`, `.parquet`, `.arrow`, `.mtx`), one file of named columns
 * with a strata column, or (for transform) one file of new rows. Each file is read by its
 * format's reader (io/formats.ts); the strata of one command share one check that they fit in
 * WebAssembly memory; then the preprocessing asked for (missing cells, shifts, scales:
 * sdk/input/preprocess.ts) runs over all strata together, and the notes say which columns were
 * used, which left out and why, and what the preprocessing did.
 *
 * Parquet and Arrow are read asynchronously (their libraries load on first use): {@link readInput}
 * reads every format; {@link readStrata} is the same without them, synchronously.
 *
 * @module
 */

import { basename, extname, join } from "node:path";
import type { Stratum } from "../sdk/mod.ts";
import {
  MISSING_POLICIES,
  preprocess,
  type Preprocessing,
  type PreprocessMessages,
  type PreprocessOptions,
  type TableData,
} from "../sdk/input/preprocess.ts";
import type { LeftOut } from "../sdk/input/table.ts";
import { InputError, UsageError } from "./errors.ts";
import { formatOf, FORMATS, isDataFile, isSparseFormat } from "./formats.ts";
import { MemoryBudget } from "./memory.ts";
import { CSV_READER } from "./read_csv.ts";
import type { FormatReader, GroupedFile, Grouping, ReadOptions, StratumFile } from "./reader.ts";
import { directoryEntries, readText, statInput } from "./source.ts";

/** Strata read from the input, with column names when the input has them. */
export interface InputStrata {
  strata: Stratum[];
  columnNames: string[] | undefined;
  /**
   * Notes for stderr: the columns used (when there was a choice) and left out, what the
   * preprocessing did.
   */
  notes: string[];
  /** The note that names the columns used (whether or not `notes` holds it); undefined without names. */
  columnsUsed: string | undefined;
  /** Warnings for stderr (column maxima far apart, unscaled). */
  warnings: string[];
  /** What the preprocessing did, for the model; undefined when nothing was asked. */
  preprocessing: Preprocessing | undefined;
}

/** How to read the input of `snmf fit`: the readers' options, the grouping and the preprocessing. */
export interface InputOptions extends ReadOptions, Partial<Grouping>, PreprocessOptions {
  /** A file of column names, one a line (`--column-names`), for any input. */
  columnNamesFile?: string;
}

/** Options that say how to read a single CSV file, and how to read every file. */
export type GroupedOptions = InputOptions;

/** `a, b or c`. */
function listOr(items: string[]): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

const EXTENSIONS = FORMATS.map((format) => format.extensions[0]);

/** Something read now or later: the readers of Parquet and Arrow are asynchronous. */
type Maybe<T> = T | Promise<T>;

/** The reader of `file`, by its extension. */
function formatFor(file: string): FormatReader {
  const format = formatOf(file);
  if (format === undefined) {
    throw new InputError(file, undefined, `is not a ${listOr(EXTENSIONS)} file (by its name)`);
  }
  return format;
}

/** One file of a stratum directory, read: the stratum named after the file. */
interface StratumRead {
  file: string;
  format: FormatReader;
  read: StratumFile;
  leftOut: LeftOut[];
}

/** Reads one stratum file: every column, or (with `--columns` or `--id-column`) the named ones. */
function readOne(file: string, grouping: Grouping, options: ReadOptions): Maybe<StratumRead> {
  const format = formatFor(file);
  const name = basename(file, extname(file));
  const named = grouping.columns !== undefined || grouping.idColumn !== undefined;
  if (named && format.readGrouped) {
    return then(format.readGrouped(file, grouping, options), (grouped) => {
      const { name: _, ...stratum } = grouped.strata[0];
      return {
        file,
        format,
        read: { stratum: { ...stratum, name }, header: grouped.columnNames },
        leftOut: grouped.leftOut,
      };
    });
  }
  if (named) {
    throw new UsageError(`${file}: --columns and --id-column need named columns, which ${format.name} files have not`);
  }
  return then(format.readStratum(file, options), (read) => ({
    file,
    format,
    read: { stratum: { ...read.stratum, name }, header: read.header },
    leftOut: [],
  }));
}

/** `f(value)`, now or once `value` is there. */
function then<T, U>(value: Maybe<T>, f: (value: T) => U): Maybe<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}

/** `f` over `items` in order (each after the one before), now or later. */
function each<T, U>(items: readonly T[], f: (item: T) => Maybe<U>): Maybe<U[]> {
  const results: U[] = [];
  for (let i = 0; i < items.length; i++) {
    const result = f(items[i]);
    if (result instanceof Promise) {
      return (async () => {
        results.push(await result);
        for (const item of items.slice(i + 1)) results.push(await f(item));
        return results;
      })();
    }
    results.push(result);
  }
  return results;
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

/** The data files of a directory (sorted by file name), one stratum each. */
function directoryFiles(dir: string): string[] {
  const files = directoryEntries(dir, "file", isDataFile);
  if (files.length === 0) {
    throw new InputError(
      dir,
      undefined,
      `has no ${listOr(EXTENSIONS.map((ext) => `NAME${ext}`))} files (one per stratum)`,
    );
  }
  return files.map((entry) => join(dir, entry));
}

/** The strata of a directory's files: names unique, headers the same. */
function assembleDirectory(reads: StratumRead[]): { strata: TableData[]; columnNames?: string[]; leftOut: LeftOut[] } {
  const seen = new Map<string, string>();
  let columnNames: string[] | undefined;
  let namesFrom = "";
  for (const { file, read } of reads) {
    const entry = basename(file);
    const name = read.stratum.name!;
    const other = seen.get(name);
    if (other) throw new InputError(file, undefined, `names stratum "${name}" as ${other} does`);
    seen.set(name, entry);
    const header = read.header;
    if (header && columnNames === undefined) {
      columnNames = header;
      namesFrom = entry;
    } else if (header && (header.length !== columnNames!.length || header.some((n, j) => n !== columnNames![j]))) {
      throw headerMismatch(file, header, columnNames!, namesFrom);
    }
  }
  return { strata: reads.map(({ read }) => read.stratum as TableData), columnNames, leftOut: reads[0].leftOut };
}

/** Column names, one a line, from `file`, for `cols` columns. */
function namesFromFile(file: string, cols: number, what: string): string[] {
  const names = readText(file).replace(/^\uFEFF/, "").split(/\r?\n/);
  if (names[names.length - 1] === "") names.pop();
  if (names.length !== cols) {
    throw new InputError(file, undefined, `has ${names.length} names (one a line) for the ${cols} columns of ${what}`);
  }
  return names;
}

/** The vocabulary `snmf text --tfidf-dir` writes beside its strata: their column names. */
const VOCABULARY = "vocabulary.txt";

/** The column names of a directory's strata when their files have none: its vocabulary file. */
function vocabularyNames(dir: string, cols: number): string[] | undefined {
  const file = join(dir, VOCABULARY);
  try {
    if (!statInput(file).isFile()) return undefined;
  } catch {
    return undefined;
  }
  return namesFromFile(file, cols, `the strata in ${dir}`);
}

/** The command line's wording of preprocessing errors, for `path`. */
function cliMessages(
  path: string,
  strata: readonly TableData[],
  names: readonly string[] | undefined,
): PreprocessMessages {
  const stratum = (i: number) => `stratum "${strata[i]?.name ?? i}"`;
  return {
    fail: (problem) => new InputError(path, undefined, problem),
    missingHint: MISSING_HINT,
    negativeHint: NEGATIVE_HINT,
    stratum,
    where: (i, r) => `${stratum(i)} row ${r + 1}`,
    column: (j) => names?.[j] === undefined ? `column ${j + 1}` : `column ${j + 1} ("${names[j]}")`,
    option: (name, value) => name === "shiftNegative" ? "--shift-negative" : `--${name} ${value}`,
  };
}

/** What an error about a missing cell adds on the command line: the choices of `--missing`. */
export const MISSING_HINT = `; choose what to do with missing cells: --missing ${
  listOr(MISSING_POLICIES.filter((p) => p !== "error"))
} (default error)`;

/** What an error about a negative value adds on the command line. */
export const NEGATIVE_HINT = "; --shift-negative (or --scale minmax) shifts each column to start at 0";

/** The readers' options that the preprocessing asked for allows: missing cells, negative values. */
function readOptions(options: InputOptions): ReadOptions {
  const { missing = "error", scale = "none", shiftNegative = false } = options;
  return {
    memory: options.memory ?? new MemoryBudget(),
    progress: options.progress,
    chunkBytes: options.chunkBytes,
    delimiter: options.delimiter,
    allowMissing: missing !== "error",
    allowNegative: shiftNegative || scale === "minmax",
    hints: options.hints ?? { missing: MISSING_HINT, negative: NEGATIVE_HINT },
  };
}

/** `a 8, b 6`: the non-zero counts per column. */
function perColumn(counts: readonly number[], names: readonly string[] | undefined): string {
  return counts.flatMap((count, j) => count > 0 ? [`${names?.[j] ?? `column ${j + 1}`} ${count}`] : []).join(", ");
}

/** `PATH: using 3 columns: x, y, z`. */
function columnsUsedNote(path: string, columnNames: readonly string[]): string {
  return `${path}: using ${columnNames.length} column${columnNames.length === 1 ? "" : "s"}: ${columnNames.join(", ")}`;
}

/** The notes on the columns: those used (when there was a choice) and those left out, with why. */
function columnNotes(path: string, columnNames: string[] | undefined, leftOut: LeftOut[], chose: boolean): string[] {
  const notes: string[] = [];
  const reasons = leftOut.filter(({ why }) => !/^the (strata|id) column$/.test(why));
  if (columnNames && (chose || reasons.length > 0)) notes.push(columnsUsedNote(path, columnNames));
  for (const { name, why } of reasons) {
    notes.push(`${path}: left out column "${name}" (${why}); choose columns with --columns`);
  }
  return notes;
}

/** The notes on what the preprocessing did. */
function preprocessingNotes(
  path: string,
  options: InputOptions,
  done: { missingCells: number[]; droppedRows: number },
  names: readonly string[] | undefined,
): string[] {
  const notes: string[] = [];
  const cells = done.missingCells.reduce((a, b) => a + b, 0);
  if (cells > 0 && options.missing === "drop-rows") {
    notes.push(
      `${path}: --missing drop-rows: left out ${done.droppedRows} rows with missing cells (${
        perColumn(done.missingCells, names)
      }); the model records which, so that W's rows can be matched to the input's`,
    );
  } else if (cells > 0 && options.missing === "mask") {
    notes.push(
      `${path}: --missing mask: ${cells} missing cells left out of the fit (${perColumn(done.missingCells, names)})`,
    );
  } else if (cells > 0) {
    notes.push(
      `${path}: --missing ${options.missing}: filled ${cells} missing cells (${perColumn(done.missingCells, names)})`,
    );
  }
  if (options.shiftNegative) {
    notes.push(`${path}: --shift-negative: columns with negative values start at 0 (recorded in the model)`);
  }
  if (options.scale !== undefined && options.scale !== "none") {
    notes.push(
      `${path}: --scale ${options.scale}: each column scaled (recorded in the model, for transform and export)`,
    );
  }
  return notes;
}

/** The strata read, preprocessed, with their names and notes. */
function finish(
  path: string,
  options: InputOptions,
  read: { strata: TableData[]; columnNames?: string[]; leftOut: LeftOut[]; chose: boolean },
  directory: string | undefined,
): InputStrata {
  let columnNames = read.columnNames;
  const cols = read.strata[0].cols;
  if (options.columnNamesFile !== undefined) {
    columnNames = namesFromFile(options.columnNamesFile, cols, path);
  } else if (columnNames === undefined && directory !== undefined) {
    columnNames = vocabularyNames(directory, cols);
  }
  const done = preprocess(read.strata, options, cliMessages(path, read.strata, columnNames));
  return {
    strata: done.strata as Stratum[],
    columnNames,
    notes: [
      ...columnNotes(path, read.columnNames, read.leftOut, read.chose),
      ...preprocessingNotes(path, options, done, columnNames),
    ],
    columnsUsed: columnNames ? columnsUsedNote(path, columnNames) : undefined,
    warnings: done.warnings.map((warning) => `${path}: ${warning.replace("scale: ", "--scale ")}`),
    preprocessing: done.preprocessing,
  };
}

/** The whole read of `path`, now or later (see {@link readInput}). */
function read(path: string, options: InputOptions): Maybe<InputStrata> {
  const { strataColumn, columns, idColumn } = options;
  const reading = readOptions(options);
  if (statInput(path).isDirectory()) {
    if (strataColumn !== undefined) {
      throw new UsageError(
        `--strata-column applies to a single file, and ${path} is a directory (one file per stratum)`,
      );
    }
    const files = directoryFiles(path);
    refuseSparse(files, options);
    return then(each(files, (file) => readOne(file, { columns, idColumn }, reading)), (reads) => {
      const assembled = assembleDirectory(reads);
      return finish(path, options, { ...assembled, chose: columns !== undefined }, path);
    });
  }
  if (strataColumn === undefined) {
    throw new UsageError(
      `${path} is one file: give --strata-column COL to say which column names each row's stratum, or give a directory with one file per stratum (NAME.csv, NAME.parquet, …)`,
    );
  }
  // A name without a known extension (a pipe, /dev/stdin) is read as CSV.
  const format = formatOf(path) ?? CSV_READER;
  if (format.readGrouped === undefined) {
    throw new UsageError(`${path}: --strata-column needs named columns, which ${format.name} files have not`);
  }
  return then(format.readGrouped(path, { strataColumn, columns, idColumn }, reading), (grouped: GroupedFile) => {
    return finish(path, options, { ...grouped, chose: true }, undefined);
  });
}

/** Refuses, before reading, preprocessing that would make sparse files dense. */
function refuseSparse(files: string[], options: InputOptions): void {
  const sparse = files.find((file) => isSparseFormat(formatFor(file)));
  if (sparse === undefined) return;
  const what = options.shiftNegative ? "--shift-negative" : options.scale === "minmax" ? "--scale minmax" : undefined;
  if (what === undefined) return;
  throw new UsageError(
    `${what} would shift the columns of the sparse ${sparse}, making every zero entry non-zero (dense); on sparse data only --scale max and --scale std apply`,
  );
}

/**
 * The strata of `snmf fit`: a directory of stratum files, or one file of named columns with
 * `strataColumn`, preprocessed as `options` ask; every format.
 * @throws {InputError} for a missing or malformed file, or data too large for wasm memory
 * @throws {UsageError} for a single file without `--strata-column`
 */
export async function readInput(path: string, options: InputOptions = {}): Promise<InputStrata> {
  return await read(path, options);
}

/**
 * {@link readInput}, synchronously, for the formats read so (all but Parquet and Arrow).
 * @throws {UsageError} for a Parquet or Arrow input
 */
export function readStrata(path: string, options: InputOptions = {}): InputStrata {
  const result = read(path, options);
  if (result instanceof Promise) {
    result.catch(() => {});
    throw new UsageError(`${path}: Parquet and Arrow files are read asynchronously: use readInput()`);
  }
  return result;
}

/** New rows for `snmf transform`: one file, every column or (with `grouping`) the named ones. */
export async function readRows(path: string, grouping: Grouping, options: ReadOptions = {}): Promise<StratumFile> {
  if (statInput(path).isDirectory()) {
    throw new UsageError(`${path} is a directory; transform reads one file of rows`);
  }
  const { read } = await readOne(path, grouping, options);
  return read;
}

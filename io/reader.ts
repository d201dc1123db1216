/**
 * What every file format's reader offers (CSV and TSV, JSON and JSON Lines, Parquet, Arrow IPC,
 * MatrixMarket): one stratum from one file, and, for formats with named columns, every stratum
 * from one file with a column naming each row's stratum (or one stratum with the columns chosen
 * by name). Readers check every value and report a bad one with its file and, where the format
 * has them, line and column.
 *
 * @module
 */

import type { CsrTable, DenseTable } from "../sdk/input/preprocess.ts";
import type { LeftOut } from "../sdk/input/table.ts";
import type { MemoryBudget } from "./memory.ts";
import type { ReadProgress } from "./read_progress.ts";

/** How to read: shared by every format. */
export interface ReadOptions {
  /** The wasm memory the strata read so far take; a file that would overflow it is refused. */
  memory?: MemoryBudget;
  /** Progress of the passes over large files. */
  progress?: ReadProgress;
  /** Bytes read at a time (tests use small ones to put chunk boundaries everywhere). */
  chunkBytes?: number;
  /** The byte between fields of delimited text (default: detected; see io/detect_delimiter.ts). */
  delimiter?: number;
  /** Missing cells (empty, `NA`, …) are read as NaN, for the preprocessing to handle; otherwise an error. */
  allowMissing?: boolean;
  /** Negative values are read, for the preprocessing to shift; otherwise an error. */
  allowNegative?: boolean;
  /** What errors about a missing or a negative value add: how to choose what to do (`--missing …`). */
  hints?: { missing?: string; negative?: string };
}

/** A dense stratum as the readers build it: `rows × cols` float32 values, row-major (NaN: a missing cell). */
export type DenseData = DenseTable;

/** A sparse stratum as the readers build it: CSR, columns sorted within each row. */
export type CsrData = CsrTable;

/** One stratum read from one file, with its column names when the file has them. */
export interface StratumFile<Data extends DenseData | CsrData = DenseData | CsrData> {
  stratum: Data;
  header: string[] | undefined;
}

/** Which column names the strata, which the rows, and which columns are the variables. */
export interface Grouping {
  /** The column naming each row's stratum; without it the file is one stratum. */
  strataColumn?: string;
  /** The variables; default every other column whose values are all numbers (or missing). */
  columns?: readonly string[];
  /** A column identifying each row (kept as the strata's `rowIds`). */
  idColumn?: string;
}

/** Every stratum read from one file that names each row's stratum in a column. */
export interface GroupedFile {
  strata: (DenseData & { name: string })[];
  columnNames: string[];
  /** Columns left out because some value in them is not a number, with the first such value. */
  skipped: { name: string; line: number; value: string }[];
  /** Every column left out, with why (the strata and id columns, text, dates, no values). */
  leftOut: LeftOut[];
}

/** A file format: the file name extensions it takes and how it reads them. */
export interface FormatReader {
  /** A name for messages: "CSV". */
  name: string;
  /** Lower-case file name extensions with the dot: `[".csv"]`. */
  extensions: readonly string[];
  /** One stratum from one file, every column a variable (the stratum's name is the caller's). */
  readStratum(file: string, options: ReadOptions): StratumFile | Promise<StratumFile>;
  /** Every stratum from one file; absent for formats without column names (MatrixMarket). */
  readGrouped?(file: string, grouping: Grouping, options: ReadOptions): GroupedFile | Promise<GroupedFile>;
}

/**
 * Strata from a table of already-decoded data — row records, named columns, or an Arrow-like
 * table (anything with `numRows`, `schema.fields` and `getChild(name)`: apache-arrow's tables,
 * flechette's, DuckDB-Wasm's results) — and a column naming each row's stratum. No file format
 * is read here, so every host can use it; the command line reads files into the same columns
 * and groups them with the same code ({@link groupTable}).
 *
 * Grouping: strata in order of first appearance; the variables are the columns asked for, or
 * every other column whose cells are all numbers or missing (text and dates are left out, each
 * with the reason); the values become float32, a missing cell NaN until {@link preprocess}
 * drops or fills it.
 *
 * @module
 */

import { type CellValue, cellValue, numberProblem, shownCell } from "./cells.ts";
import { boolean, checked, choice, strings } from "./checks.ts";
import {
  type DenseTable,
  MISSING_POLICIES,
  preprocess,
  type Preprocessed,
  type PreprocessMessages,
  type PreprocessOptions,
  SCALE_KINDS,
  sdkMessages,
} from "./preprocess.ts";

/** Row records: one object per row, keyed by column name (a missing key is a missing cell). */
export type Records = readonly Readonly<Record<string, unknown>>[];

/** Named columns of equal length: arrays or typed arrays. */
export type ColumnTable = Readonly<Record<string, ArrayLike<unknown>>>;

/** A column vector of an Arrow-like table. */
export interface VectorLike {
  readonly length: number;
  get(index: number): unknown;
  readonly nullCount?: number;
  toArray?(): ArrayLike<unknown>;
}

/** An Arrow-like table: apache-arrow's `Table`, flechette's, DuckDB-Wasm's query results. */
export interface ArrowLike {
  readonly numRows: number;
  readonly schema: { readonly fields: readonly { readonly name: string; readonly type?: unknown }[] };
  getChild(name: string): VectorLike | null;
}

/** Decoded data `fromTable()` takes. */
export type TableLike = Records | ColumnTable | ArrowLike;

/** One column of a table: its cells by row, and what its type says of them where it has one. */
export interface Column {
  readonly length: number;
  cell(row: number): unknown;
  /** Numbers without a missing cell, when the source has them as such (a typed array): the fast path. */
  readonly numbers?: ArrayLike<number>;
  /** A type that is not numbers whatever the cells hold (an Arrow date or timestamp). */
  readonly declared?: "date" | "boolean";
}

/** A table as the grouping reads it: column names, row count, and each column. */
export interface Columns {
  readonly names: readonly string[];
  readonly rows: number;
  column(j: number): Column;
}

/** Which columns name the strata and the rows, and which are the variables. */
export interface TableColumns {
  /** The column whose value names each row's stratum; without it every row is in one stratum. */
  strataColumn?: string;
  /** The variables, in this order (default: every other column whose cells are all numbers or missing). */
  columns?: readonly string[];
  /** A column identifying each row, kept as each stratum's `rowIds` (strings and numbers as they are). */
  idColumn?: string;
}

/** Options of {@link fromTable}. */
export interface TableOptions extends TableColumns, PreprocessOptions {
  /** The name of the one stratum when there is no `strataColumn` (default "stratum 0"). */
  name?: string;
}

/** A column left out of the variables, and why. */
export interface LeftOut {
  name: string;
  why: string;
}

/** A stratum of a table: dense float32, with its name and, with an id column, its rows' ids. */
export type TableStratum = DenseTable & { name: string };

/** Grouped strata, before preprocessing. */
export interface Grouped {
  strata: TableStratum[];
  columnNames: string[];
  leftOut: LeftOut[];
}

/** What `fromTable()` returns: strata to fit, their column names and what was done. */
export interface TableStrata extends Grouped, Omit<Preprocessed<TableStratum>, "strata"> {}

/** How {@link groupTable} words its errors and hints, and where a row is. */
export interface GroupMessages {
  /** The error for a problem at `row` (0-based in the table) or of the whole table. */
  fail(row: number | undefined, problem: string): Error;
  /** Where row `row` is, for the reasons a column is left out: `row 3`, `line 4`. */
  at(row: number): string;
  /** How an option is named: `strataColumn` or `--strata-column`. */
  option(name: "strataColumn" | "columns" | "idColumn"): string;
  /** Follows "is missing": how to choose what to do with missing cells. */
  missingHint: string;
  /** Follows "is negative": how to shift columns. */
  negativeHint: string;
}

/** How {@link groupTable} reads the cells. */
export interface GroupOptions extends TableColumns {
  /** Missing cells are allowed (as NaN), for preprocessing to handle. */
  missing: boolean;
  /** Negative values are allowed, for preprocessing to shift. */
  negatives: boolean;
  /** The name of the one stratum when there is no strata column. */
  name?: string;
  /** Called with the strata's shapes before their arrays are allocated (a memory check). */
  claim?(shapes: { rows: number; cols: number }[]): void;
}

const isArrowLike = (table: object): table is ArrowLike =>
  typeof (table as ArrowLike).getChild === "function" && typeof (table as ArrowLike).numRows === "number";

/** The declared kind of an Arrow field's type, when it is not numbers. */
function declaredKind(type: unknown): Column["declared"] {
  const name = String(type);
  if (/^(Date|Timestamp|Time|Duration|Interval)/.test(name)) return "date";
  return name === "Bool" ? "boolean" : undefined;
}

/** An Arrow-like vector as a column: its typed array when it has no nulls. */
function vectorColumn(vector: VectorLike, type: unknown): Column {
  const declared = declaredKind(type);
  const values = vector.nullCount === 0 && declared === undefined ? vector.toArray?.() : undefined;
  const numbers = ArrayBuffer.isView(values) && !(values instanceof BigInt64Array) &&
      !(values instanceof BigUint64Array)
    ? values as unknown as ArrayLike<number>
    : undefined;
  return { length: vector.length, cell: (row) => vector.get(row), numbers, declared };
}

/** An array or typed array as a column. */
export function arrayColumn(values: ArrayLike<unknown>): Column {
  const numbers = ArrayBuffer.isView(values) && !(values instanceof BigInt64Array) &&
      !(values instanceof BigUint64Array)
    ? values as unknown as ArrayLike<number>
    : undefined;
  // A float typed array holds NaN for a missing cell: not the fast path's numbers.
  const clean = numbers && !(values instanceof Float32Array || values instanceof Float64Array) ? numbers : undefined;
  return { length: values.length, cell: (row) => values[row], numbers: clean };
}

/**
 * Any table `fromTable()` takes, as columns.
 * @throws {TypeError} for something that is no table, a record that is not an object
 * @throws {RangeError} for columns of different lengths
 */
export function tableColumns(table: TableLike, action: string): Columns {
  if (typeof table !== "object" || table === null) {
    throw new TypeError(`${action}: the table must be an array of records, an object of columns or an Arrow table`);
  }
  if (Array.isArray(table)) {
    const records = table as Records;
    const names = new Map<string, number>();
    records.forEach((record, r) => {
      if (typeof record !== "object" || record === null || Array.isArray(record)) {
        throw new TypeError(`${action}: row ${r} is not a record (an object keyed by column name)`);
      }
      for (const key of Object.keys(record)) if (!names.has(key)) names.set(key, names.size);
    });
    const list = [...names.keys()];
    return {
      names: list,
      rows: records.length,
      column: (j) => ({ length: records.length, cell: (row) => records[row][list[j]] }),
    };
  }
  if (isArrowLike(table)) {
    const fields = table.schema.fields;
    return {
      names: fields.map((field) => field.name),
      rows: table.numRows,
      column: (j) => vectorColumn(table.getChild(fields[j].name)!, fields[j].type),
    };
  }
  const entries = Object.entries(table as ColumnTable);
  for (const [name, values] of entries) {
    if (typeof values !== "object" || values === null || typeof values.length !== "number") {
      throw new TypeError(`${action}: column "${name}" is not an array`);
    }
    if (values.length !== entries[0][1].length) {
      throw new RangeError(
        `${action}: column "${name}" has ${values.length} values, column "${entries[0][0]}" ${entries[0][1].length}`,
      );
    }
  }
  return namedColumns(entries.map(([name]) => name), entries.map(([, values]) => values));
}

/** Columns from names and arrays of values, in that order (of equal lengths). */
export function namedColumns(names: readonly string[], values: readonly ArrayLike<unknown>[]): Columns {
  return { names, rows: values[0]?.length ?? 0, column: (j) => arrayColumn(values[j]) };
}

/** What a column's cells are: numbers (or missing), all missing, or the first cell that is not a number. */
export type ColumnClass =
  | { kind: "numbers" }
  | { kind: "missing" }
  | { kind: "text" | "date" | "boolean"; value: string; at: string };

/** The class of a column from its cells. */
function classify(column: Column, at: (row: number) => string): ColumnClass {
  if (column.numbers) return column.length > 0 ? { kind: "numbers" } : { kind: "missing" };
  let numbers = false;
  for (let row = 0; row < column.length; row++) {
    const cell = column.cell(row);
    const { kind } = cellValue(cell);
    if (kind === "number") numbers = true;
    else if (kind !== "missing") {
      return { kind: column.declared ?? kind, value: shownCell(cell), at: at(row) };
    }
  }
  return numbers ? { kind: "numbers" } : { kind: "missing" };
}

/** Why a column of this class is left out. */
export function whyLeftOut(found: ColumnClass): string {
  switch (found.kind) {
    case "missing":
      return "every cell is missing";
    case "text":
      return `${found.at}: ${found.value} is not a number`;
    case "date":
      return `${found.at}: ${found.value} is a date`;
    case "boolean":
      return `${found.at}: ${found.value} is true or false, not a number`;
    default:
      return "";
  }
}

/**
 * The index of column `name`, or the error naming the option and the columns there are:
 * `the table has no column "x" (columns); it has "a", "b"` (`subject`: what has the names).
 */
export function columnIndex(
  names: readonly string[],
  name: string,
  option: string,
  fail: (problem: string) => Error,
  subject = "the table",
): number {
  const index = names.indexOf(name);
  if (index < 0) {
    throw fail(`${subject} has no column "${name}" (${option}); it has ${names.map((n) => `"${n}"`).join(", ")}`);
  }
  return index;
}

/**
 * The variables' column indices, and the columns left out with why: `given.columns` in their
 * order, or every column but the strata and id columns whose class (`classOf`) is numbers.
 * @throws the error of `fail` for a column that does not exist, one named twice, a variable
 *   that is the strata or id column, or no variable at all
 */
export function chooseColumns(
  names: readonly string[],
  given: TableColumns,
  classOf: (j: number) => ColumnClass,
  option: GroupMessages["option"],
  fail: (problem: string) => Error,
  subject = "the table",
): { chosen: number[]; leftOut: LeftOut[] } {
  const index = (name: string, which: "strataColumn" | "columns" | "idColumn") =>
    columnIndex(names, name, option(which), fail, subject);
  const roles = new Map<number, string>();
  if (given.strataColumn !== undefined) roles.set(index(given.strataColumn, "strataColumn"), "the strata column");
  if (given.idColumn !== undefined) {
    const id = index(given.idColumn, "idColumn");
    if (roles.has(id)) throw fail(`${option("idColumn")} and ${option("strataColumn")} name the same column`);
    roles.set(id, "the id column");
  }
  if (given.columns !== undefined) {
    const chosen = given.columns.map((name) => index(name, "columns"));
    const repeated = chosen.find((j, k) => chosen.indexOf(j) !== k);
    if (repeated !== undefined) throw fail(`${option("columns")} names "${names[repeated]}" twice`);
    const role = chosen.find((j) => roles.has(j));
    if (role !== undefined) throw fail(`${option("columns")} includes ${roles.get(role)} "${names[role]}"`);
    const leftOut = names.flatMap((name, j) =>
      chosen.includes(j) ? [] : [{ name, why: roles.get(j) ?? `not in ${option("columns")}` }]
    );
    return { chosen, leftOut };
  }
  const chosen: number[] = [];
  const leftOut: LeftOut[] = [];
  names.forEach((name, j) => {
    const role = roles.get(j);
    const found = role === undefined ? classOf(j) : undefined;
    if (found?.kind === "numbers") chosen.push(j);
    else leftOut.push({ name, why: role ?? whyLeftOut(found!) });
  });
  if (chosen.length === 0) {
    const reasons = leftOut.map(({ name, why }) => `"${name}" ${why}`).join("; ");
    throw fail(`${subject} has no column of numbers to use: ${reasons}`);
  }
  return { chosen, leftOut };
}

/** Each row's stratum (by first appearance) and its position in it, and the strata's names and sizes. */
function groupRows(
  table: Columns,
  strataIndex: number,
  name: string,
  fail: GroupMessages["fail"],
  option: string,
): { names: string[]; sizes: number[]; stratumOf: Int32Array; positionOf: Int32Array } {
  const rows = table.rows;
  const stratumOf = new Int32Array(rows);
  const positionOf = new Int32Array(rows);
  if (strataIndex < 0) {
    for (let r = 0; r < rows; r++) positionOf[r] = r;
    return { names: [name], sizes: [rows], stratumOf, positionOf };
  }
  const column = table.column(strataIndex);
  const index = new Map<string, number>();
  const sizes: number[] = [];
  for (let r = 0; r < rows; r++) {
    const cell = column.cell(r);
    // Only an empty cell has no name: "NA" may be North America's.
    const key = cell instanceof Date ? cell.toISOString() : String(cell ?? "").trim();
    if (key === "" || (typeof cell === "number" && Number.isNaN(cell))) {
      throw fail(r, `the strata column (${option}) is empty`);
    }
    let s = index.get(key);
    if (s === undefined) {
      s = index.size;
      index.set(key, s);
      sizes.push(0);
    }
    stratumOf[r] = s;
    positionOf[r] = sizes[s]++;
  }
  return { names: [...index.keys()], sizes, stratumOf, positionOf };
}

/** Fills value column `p` (of `cols`) of every stratum from `column`, checking each cell. */
function fillColumn(
  column: Column,
  p: number,
  cols: number,
  data: Float32Array[],
  grouping: { stratumOf: Int32Array; positionOf: Int32Array },
  options: GroupOptions,
  say: GroupMessages & { name: string },
): void {
  const { stratumOf, positionOf } = grouping;
  const numbers = column.numbers;
  for (let r = 0; r < column.length; r++) {
    let value: number;
    let problem: string | undefined;
    if (numbers) value = numbers[r];
    else {
      const cell = column.cell(r);
      const read: CellValue = cellValue(cell);
      if (read.kind === "number" || read.kind === "missing") value = read.value;
      else if (read.kind === "boolean") value = cell ? 1 : 0;
      else throw say.fail(r, `column "${say.name}" is not a number (${shownCell(cell)})`);
      if (read.kind === "missing" && !options.missing) problem = `is missing${say.missingHint}`;
    }
    if (problem === undefined && value === value) {
      problem = numberProblem(value, options.negatives);
      if (problem !== undefined && value < 0) problem += say.negativeHint;
    }
    if (problem !== undefined) throw say.fail(r, `column "${say.name}" ${problem}`);
    data[stratumOf[r]][positionOf[r] * cols + p] = value;
  }
}

/** Each stratum's row ids from the id column. */
function rowIds(
  column: Column,
  grouping: { stratumOf: Int32Array; positionOf: Int32Array; sizes: number[] },
  say: GroupMessages,
): (string | number)[][] {
  const ids = grouping.sizes.map((size) => new Array<string | number>(size));
  for (let r = 0; r < column.length; r++) {
    const cell = column.cell(r);
    if (cell === null || cell === undefined || cell === "") {
      throw say.fail(r, `the id column (${say.option("idColumn")}) is empty`);
    }
    const id = typeof cell === "number" || typeof cell === "string" ? cell : shownCell(cell).slice(1, -1);
    ids[grouping.stratumOf[r]][grouping.positionOf[r]] = typeof cell === "bigint" ? String(cell) : id;
  }
  return ids;
}

/**
 * Groups a table's rows into dense float32 strata: the columns chosen, the values checked (a
 * missing cell is NaN when `options.missing` allows it), the strata in order of first appearance.
 * @throws the error of `say.fail` for a missing or unknown column, a cell that is not a number,
 *   an empty strata name, a missing or negative value that is not allowed
 */
export function groupTable(table: Columns, options: GroupOptions, say: GroupMessages): Grouped {
  const whole = (problem: string) => say.fail(undefined, problem);
  const { chosen, leftOut } = chooseColumns(
    table.names,
    options,
    (j) => classify(table.column(j), say.at),
    say.option,
    whole,
  );
  if (table.rows === 0) throw whole("the table has no rows");
  const strataIndex = options.strataColumn === undefined ? -1 : table.names.indexOf(options.strataColumn);
  const grouping = groupRows(table, strataIndex, options.name ?? "stratum 0", say.fail, say.option("strataColumn"));
  const cols = chosen.length;
  options.claim?.(grouping.sizes.map((rows) => ({ rows, cols })));
  const data = grouping.sizes.map((rows) => new Float32Array(rows * cols));
  chosen.forEach((j, p) => {
    const column = table.column(j);
    if (column.declared === "date") throw whole(`the column "${table.names[j]}" holds dates, not numbers`);
    fillColumn(column, p, cols, data, grouping, options, { ...say, name: table.names[j] });
  });
  const ids = options.idColumn === undefined
    ? undefined
    : rowIds(table.column(table.names.indexOf(options.idColumn)), grouping, say);
  const strata = grouping.names.map((name, s) => ({
    name,
    rows: grouping.sizes[s],
    cols,
    data: data[s],
    ...(ids ? { rowIds: ids[s] } : {}),
  }));
  return { strata, columnNames: chosen.map((j) => table.names[j]), leftOut };
}

/**
 * @throws {TypeError} for options of the wrong type
 * @throws {RangeError} for an option that is not one, or a value not allowed
 */
function checkTableOptions(options: TableOptions, action: string): void {
  if (typeof options !== "object" || options === null) throw new TypeError(`${action}: options must be an object`);
  const names = ["strataColumn", "columns", "idColumn", "name", "missing", "scale", "shiftNegative"];
  for (const [key, value] of Object.entries(options)) {
    if (!names.includes(key)) {
      throw new RangeError(
        `${action}: options.${key} is not an option of fromTable() (its options: ${names.join(", ")})`,
      );
    }
    if (value === undefined) continue;
    if (key === "columns") checked(strings, value, "options.columns", action);
    else if (key === "missing") checked(choice(...MISSING_POLICIES), value, "options.missing", action);
    else if (key === "scale") checked(choice(...SCALE_KINDS), value, "options.scale", action);
    else if (key === "shiftNegative") checked(boolean, value, "options.shiftNegative", action);
    else if (typeof value !== "string") throw new TypeError(`${action}: options.${key} must be a string`);
  }
}

/** The SDK's wording of grouping errors: `Cannot read table: row 3, column "y" is negative (-1)`. */
function tableMessages(action: string, preprocessing: PreprocessMessages): GroupMessages {
  return {
    fail: (row, problem) =>
      row === undefined
        ? new RangeError(`${action}: the table ${problem}`)
        : new RangeError(`${action}: row ${row}, ${problem}`),
    at: (row) => `row ${row}`,
    option: (name) => name,
    missingHint: preprocessing.missingHint,
    negativeHint: preprocessing.negativeHint,
  };
}

/**
 * Strata from a table of decoded data and a column naming each row's stratum, preprocessed as
 * asked: the strata to pass to `fit()`, with `columnNames` and `preprocessing` to pass with them
 * (kept on the model, for `transform` and for results in the data's units), the columns left
 * out and why, the missing cells found per column and any warning (column maxima more than 100×
 * apart with no scaling). Rows are numbered from 0 in messages.
 *
 * @param table row records (`[{ origin: "USA", mpg: 18 }, …]`), named columns
 *   (`{ origin: [...], mpg: Float64Array }`) or an Arrow-like table
 * @throws {TypeError} for something that is not a table
 * @throws {RangeError} for a missing or unknown column, a cell that is not a number, a missing
 *   cell with `missing: "error"` (the default), a negative value with no shift
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fit, fromTable } from "stratified-nmf";
 *
 * const cars = [
 *   { origin: "USA", mpg: 18, hp: 130 }, { origin: "USA", mpg: 15, hp: 165 },
 *   { origin: "Japan", mpg: 24, hp: 95 }, { origin: "Japan", mpg: null, hp: 88 },
 * ];
 * const table = fromTable(cars, { strataColumn: "origin", missing: "fill-mean", scale: "max" });
 * assert.deepEqual(table.strata.map((s) => s.name), ["USA", "Japan"]);
 * assert.deepEqual(table.columnNames, ["mpg", "hp"]);
 * assert.deepEqual(table.missingCells, [1, 0]);
 * const model = await fit(table.strata, {
 *   rank: 1, maxIter: 20, seed: 1, columnNames: table.columnNames, preprocessing: table.preprocessing,
 * });
 * assert.equal(model.preprocessing?.scale, "max");
 * model.free();
 * ```
 */
export function fromTable(table: TableLike, options: TableOptions = {}): TableStrata {
  const action = "Cannot read table";
  checkTableOptions(options, action);
  const columns = tableColumns(table, action);
  const { missing = "error", scale = "none", shiftNegative = false } = options;
  const preprocessing = sdkMessages(action);
  const grouped = groupTable(columns, {
    ...options,
    missing: missing !== "error",
    negatives: shiftNegative || scale === "minmax",
  }, tableMessages(action, preprocessing));
  const done = preprocess(
    grouped.strata,
    { missing, scale, shiftNegative },
    sdkMessages(action, grouped.columnNames, grouped.strata),
  );
  return { ...grouped, ...done, strata: done.strata };
}

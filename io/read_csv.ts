/**
 * CSV input (comma separated, parsed by `csv-parse`): one stratum per file with an optional,
 * detected header row, or one file holding every stratum with a column naming each row's
 * stratum. Every value is checked (a number, finite, non-negative, within float32) and a bad
 * one is reported with its file, line and column, all 1-based as an editor shows them.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import type { DenseStratum } from "../sdk/mod.ts";
import { InputError } from "./errors.ts";

/** Largest finite float32. */
const F32_MAX = 3.4028234663852886e38;

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:inf|infinity|nan)$/i;

/** One CSV record and the line it ends on. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/** Whether a field reads as a number (finite or not): the test of a header row. */
export function looksNumeric(field: string): boolean {
  const text = field.trim();
  return DECIMAL.test(text) || NON_FINITE.test(text);
}

/** Reads a file as UTF-8 text, reporting a missing or unreadable file as an input error. */
export function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    const problem = code === "ENOENT"
      ? "no such file"
      : code === "EISDIR"
      ? "is a directory"
      : (error as Error).message;
    throw new InputError(file, undefined, problem);
  }
}

/** The records of a CSV file (empty lines skipped, a UTF-8 byte order mark dropped). */
export function readCsvRecords(file: string): CsvRecord[] {
  const text = readText(file);
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as typeof parsed;
  } catch (error) {
    const { lines, message } = error as { lines?: number; message: string };
    throw new InputError(file, lines, `not valid CSV: ${message}`);
  }
  return parsed.map(({ record, info }) => ({ fields: record, line: info.lines }));
}

/** `column 3 ("x")`, or `column 3` without names. */
function columnLabel(index: number, names: readonly string[] | undefined): string {
  const name = names?.[index];
  return name === undefined || name === "" ? `column ${index + 1}` : `column ${index + 1} ("${name}")`;
}

/**
 * The value of one field: a finite, non-negative number within float32.
 * @throws {InputError} naming file, line and column otherwise
 */
export function fieldValue(
  file: string,
  line: number,
  column: number,
  names: readonly string[] | undefined,
  field: string,
): number {
  const text = field.trim();
  const where = columnLabel(column, names);
  if (text === "") throw new InputError(file, line, `${where} is empty`);
  if (NON_FINITE.test(text)) throw new InputError(file, line, `${where} is not a finite number ("${text}")`);
  if (!DECIMAL.test(text)) throw new InputError(file, line, `${where} is not a number ("${text}")`);
  const value = Number(text);
  if (value < 0) throw new InputError(file, line, `${where} is negative (${text})`);
  if (value > F32_MAX) throw new InputError(file, line, `${where} is too large for float32 (${text})`);
  return value;
}

function checkWidth(file: string, record: CsvRecord, expected: number, reference: string): void {
  if (record.fields.length !== expected) {
    throw new InputError(
      file,
      record.line,
      `has ${record.fields.length} value${
        record.fields.length === 1 ? "" : "s"
      }, expected ${expected} (as in ${reference})`,
    );
  }
}

/** A dense stratum read from one CSV file, with its header if it has one. */
export interface DenseCsv {
  rows: number;
  cols: number;
  /** Row-major values. */
  data: Float64Array;
  /** Column names, when the first row is a header (any field of it is not a number). */
  header: string[] | undefined;
}

/**
 * Reads a CSV file of one stratum: every row a sample, every column a variable. The first row
 * is a header when any of its fields is not a number.
 */
export function readDenseCsv(file: string): DenseCsv {
  const records = readCsvRecords(file);
  if (records.length === 0) throw new InputError(file, undefined, "is empty");
  const first = records[0];
  const header = first.fields.some((field) => !looksNumeric(field)) ? first.fields.map((f) => f.trim()) : undefined;
  const body = header ? records.slice(1) : records;
  if (body.length === 0) throw new InputError(file, first.line, "has a header row but no data rows");
  const cols = first.fields.length;
  const data = new Float64Array(body.length * cols);
  body.forEach((record, r) => {
    checkWidth(file, record, cols, header ? "the header" : `line ${first.line}`);
    record.fields.forEach((field, j) => {
      data[r * cols + j] = fieldValue(file, record.line, j, header, field);
    });
  });
  return { rows: body.length, cols, data, header };
}

/** Strata read from one CSV file that names each row's stratum in a column. */
export interface GroupedCsv {
  strata: DenseStratum[];
  columnNames: string[];
  /** Columns left out because some value in them is not a number, with the first such value. */
  skipped: { name: string; line: number; value: string }[];
}

/**
 * Reads one CSV file holding every stratum. The first row must be a header; `strataColumn`
 * names the column whose value is each row's stratum (strata in order of first appearance).
 * The variables are `columns` when given, otherwise every other column whose values are all
 * numbers.
 */
export function readGroupedCsv(file: string, strataColumn: string, columns?: readonly string[]): GroupedCsv {
  const records = readCsvRecords(file);
  if (records.length === 0) throw new InputError(file, undefined, "is empty");
  const [headerRecord, ...body] = records;
  const header = headerRecord.fields.map((f) => f.trim());
  const list = header.map((name) => `"${name}"`).join(", ");
  const columnIndex = (name: string, option: string) => {
    const index = header.indexOf(name);
    if (index < 0) {
      throw new InputError(file, headerRecord.line, `the header has no column "${name}" (${option}); it has ${list}`);
    }
    return index;
  };
  const strataIndex = columnIndex(strataColumn, "--strata-column");
  if (body.length === 0) throw new InputError(file, headerRecord.line, "has a header row but no data rows");
  body.forEach((record) => checkWidth(file, record, header.length, "the header"));

  const skipped: GroupedCsv["skipped"] = [];
  let chosen: number[];
  if (columns !== undefined) {
    chosen = columns.map((name) => columnIndex(name, "--columns"));
    const repeated = chosen.find((index, i) => chosen.indexOf(index) !== i);
    if (repeated !== undefined) {
      throw new InputError(file, headerRecord.line, `--columns names "${header[repeated]}" twice`);
    }
    if (chosen.includes(strataIndex)) {
      throw new InputError(file, headerRecord.line, `--columns includes the strata column "${strataColumn}"`);
    }
  } else {
    chosen = [];
    header.forEach((name, j) => {
      if (j === strataIndex) return;
      const bad = body.find((record) => !looksNumeric(record.fields[j]));
      if (bad) skipped.push({ name, line: bad.line, value: bad.fields[j] });
      else chosen.push(j);
    });
  }
  if (chosen.length === 0) {
    throw new InputError(file, headerRecord.line, `has no numeric columns besides the strata column "${strataColumn}"`);
  }

  const groups = new Map<string, number[]>();
  for (const record of body) {
    const name = record.fields[strataIndex].trim();
    if (name === "") throw new InputError(file, record.line, `the strata column "${strataColumn}" is empty`);
    let values = groups.get(name);
    if (!values) groups.set(name, values = []);
    for (const j of chosen) values.push(fieldValue(file, record.line, j, header, record.fields[j]));
  }
  const cols = chosen.length;
  const strata = [...groups].map(([name, values]) => ({
    name,
    data: Float64Array.from(values),
    rows: values.length / cols,
    cols,
  }));
  return { strata, columnNames: chosen.map((j) => header[j]), skipped };
}

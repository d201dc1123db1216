/**
 * CSV input, read as a stream straight into float32 arrays: one stratum per file with an
 * optional, detected header row, or one file holding every stratum with a column naming each
 * row's stratum. A first pass counts the rows (and, for one file of every stratum, the rows of
 * each stratum and the columns that hold only numbers); a second parses the values into arrays
 * of exactly that size, so reading takes no more memory than the data. Every value is checked
 * (a number, finite, non-negative, within float32) and a bad one is reported with its file,
 * line and column, all 1-based as an editor shows them; names must be UTF-8.
 *
 * @module
 */

import { COMMA, type FieldSink, scanDelimited } from "./delimited.ts";
import { InputError } from "./errors.ts";
import { MemoryBudget } from "./memory.ts";
import { F32_MAX, fastDecimal, looksNumeric, valueOrProblem } from "./numbers.ts";
import type { DenseData, FormatReader, GroupedFile, Grouping, ReadOptions, StratumFile } from "./reader.ts";
import { ByteSource } from "./source.ts";
import { looseText, utf8Text } from "./utf8.ts";

/** How to read a delimited file: the options of every format, and the delimiter. */
export interface DelimitedOptions extends ReadOptions {
  /** The byte between fields (default a comma). */
  delimiter?: number;
}

/** `column 3 ("x")`, or `column 3` without names. */
function columnLabel(index: number, names: readonly string[] | undefined): string {
  const name = names?.[index];
  return name === undefined || name === "" ? `column ${index + 1}` : `column ${index + 1} ("${name}")`;
}

function widthError(file: string, line: number, fields: number, expected: number, reference: string): InputError {
  return new InputError(
    file,
    line,
    `has ${fields} value${fields === 1 ? "" : "s"}, expected ${expected} (as in ${reference})`,
  );
}

function changedError(file: string): InputError {
  return new InputError(file, undefined, "changed while it was being read");
}

/**
 * The value of field bytes, or what is wrong with it: the fast path for plain decimals, the
 * string checks for everything else.
 */
function fieldValue(bytes: Uint8Array, start: number, end: number): number | string {
  const value = fastDecimal(bytes, start, end);
  if (value >= 0 && value <= F32_MAX) return value;
  return valueOrProblem(looseText(bytes, start, end));
}

/** One pass of `sink` over the file, as pass `pass` of `passes` in the progress line. */
function pass(source: ByteSource, options: DelimitedOptions, sink: FieldSink, pass: number, passes: number): void {
  const progress = options.progress;
  scanDelimited(
    source,
    options.delimiter ?? COMMA,
    sink,
    progress && ((done, total) => progress.update(source.file, pass, passes, done, total)),
  );
}

/** The first record's fields as text, its line, and how many records follow it. */
interface Counted {
  first: string[];
  firstLine: number;
  records: number;
}

/** Pass 1 of a file of one stratum: its first record and the number of records. */
function countRecords(source: ByteSource, options: DelimitedOptions): Counted {
  const counted: Counted = { first: [], firstLine: 0, records: 0 };
  pass(
    source,
    options,
    {
      field(bytes, start, end, column, line) {
        if (counted.records === 0) {
          counted.first.push(
            utf8Text(source.file, line, `column ${column + 1}`, bytes, start, end),
          );
        }
      },
      record(line) {
        if (counted.records === 0) counted.firstLine = line;
        counted.records++;
      },
    },
    1,
    2,
  );
  return counted;
}

/** Pass 2 of a file of one stratum: the values of its data rows, row-major, into `data`. */
function readValues(
  source: ByteSource,
  options: DelimitedOptions,
  data: Float32Array,
  cols: number,
  header: string[] | undefined,
  reference: string,
): void {
  const file = source.file;
  let skip = header ? 1 : 0;
  let offset = 0;
  let badColumn = -1;
  let problem = "";
  pass(
    source,
    options,
    {
      field(bytes, start, end, column) {
        if (skip > 0 || column >= cols) return;
        const value = fieldValue(bytes, start, end);
        if (typeof value === "number") data[offset + column] = value;
        else if (badColumn < 0) [badColumn, problem] = [column, value];
      },
      record(line, fields) {
        if (skip > 0) {
          skip--;
          return;
        }
        if (fields !== cols) throw widthError(file, line, fields, cols, reference);
        if (badColumn >= 0) throw new InputError(file, line, `${columnLabel(badColumn, header)} ${problem}`);
        offset += cols;
        if (offset > data.length) throw changedError(file);
      },
    },
    2,
    2,
  );
  if (offset !== data.length) throw changedError(file);
}

/**
 * Reads a CSV file of one stratum: every row a sample, every column a variable. The first row
 * is a header when any of its fields is not a number.
 */
export function readDenseCsv(file: string, options: DelimitedOptions = {}): StratumFile<DenseData> {
  return ByteSource.with(file, (source) => {
    const { first, firstLine, records } = countRecords(source, options);
    if (records === 0) throw new InputError(file, undefined, "is empty");
    const header = first.some((field) => !looksNumeric(field)) ? first.map((f) => f.trim()) : undefined;
    const rows = header ? records - 1 : records;
    if (rows === 0) throw new InputError(file, firstLine, "has a header row but no data rows");
    const cols = first.length;
    (options.memory ?? new MemoryBudget()).claim(file, undefined, { rows, cols });
    const data = new Float32Array(rows * cols);
    readValues(source, options, data, cols, header, header ? "the header" : `line ${firstLine}`);
    return { stratum: { data, rows, cols }, header };
  }, options.chunkBytes);
}

/** Distinct spellings of stratum names kept as bytes; beyond this many, names are decoded per row. */
const SPELLINGS = 256;

/**
 * The strata named in a strata column: each distinct spelling of a name (its bytes) is
 * decoded (UTF-8, trimmed) once and then recognised by its bytes, so rows cost no strings.
 */
class StrataNames {
  /** Names in order of first appearance. */
  readonly names: string[] = [];
  /** Rows of each name. */
  readonly rows: number[] = [];
  readonly #file: string;
  readonly #what: string;
  readonly #byName = new Map<string, number>();
  readonly #spellings: { bytes: Uint8Array; index: number }[] = [];
  #last = 0;

  constructor(file: string, strataColumn: string) {
    this.#file = file;
    this.#what = `the strata column "${strataColumn}"`;
  }

  /** The spelling at `s` is `bytes[start, end)`. */
  #matches(s: number, bytes: Uint8Array, start: number, end: number): boolean {
    const spelling = this.#spellings[s].bytes;
    if (spelling.length !== end - start) return false;
    for (let i = 0; i < spelling.length; i++) if (spelling[i] !== bytes[start + i]) return false;
    return true;
  }

  /**
   * The index of the name in `bytes[start, end)` (on line `line`): -1 for an empty name, -2
   * for a name not seen before when `add` is false.
   * @throws {InputError} when the name is not UTF-8
   */
  indexOf(bytes: Uint8Array, start: number, end: number, line: number, add: boolean): number {
    const spellings = this.#spellings;
    if (spellings.length > 0 && this.#matches(this.#last, bytes, start, end)) return spellings[this.#last].index;
    for (let s = 0; s < spellings.length; s++) {
      if (this.#matches(s, bytes, start, end)) {
        this.#last = s;
        return spellings[s].index;
      }
    }
    const name = utf8Text(this.#file, line, this.#what, bytes, start, end).trim();
    let index = name === "" ? -1 : this.#byName.get(name);
    if (index === undefined) {
      if (!add) return -2;
      index = this.names.length;
      this.#byName.set(name, index);
      this.names.push(name);
      this.rows.push(0);
    }
    if (spellings.length < SPELLINGS) {
      this.#last = spellings.length;
      spellings.push({ bytes: bytes.slice(start, end), index });
    }
    return index;
  }
}

/** What pass 1 learns of a file of every stratum. */
interface GroupedCount {
  header: string[];
  headerLine: number;
  strataIndex: number;
  /** Stratum names in order of first appearance, and their row counts. */
  strata: StrataNames;
  /** Per column, the first value that is not a number (when the columns are not given). */
  nonNumeric: Map<number, { line: number; value: string }>;
  rows: number;
}

/** The index of column `name` in the header, or an input error naming `option`. */
function columnIndex(file: string, count: GroupedCount, name: string, option: string): number {
  const index = count.header.indexOf(name);
  if (index < 0) {
    const list = count.header.map((n) => `"${n}"`).join(", ");
    throw new InputError(file, count.headerLine, `the header has no column "${name}" (${option}); it has ${list}`);
  }
  return index;
}

/** Pass 1 of a file of every stratum: header, strata and their sizes, numeric columns. */
function countStrata(source: ByteSource, options: DelimitedOptions, grouping: Grouping): GroupedCount {
  const file = source.file;
  const count: GroupedCount = {
    header: [],
    headerLine: 0,
    strataIndex: -1,
    strata: new StrataNames(file, grouping.strataColumn),
    nonNumeric: new Map(),
    rows: 0,
  };
  const checkNumeric = grouping.columns === undefined;
  let stratum = -1;
  let marked: number[] = [];
  pass(
    source,
    options,
    {
      field(bytes, start, end, column, line) {
        if (count.headerLine === 0) {
          count.header.push(utf8Text(file, line, `column ${column + 1}`, bytes, start, end).trim());
        } else if (column === count.strataIndex) {
          stratum = count.strata.indexOf(bytes, start, end, line, true);
        } else if (checkNumeric && !count.nonNumeric.has(column) && Number.isNaN(fastDecimal(bytes, start, end))) {
          const value = looseText(bytes, start, end);
          if (!looksNumeric(value)) {
            count.nonNumeric.set(column, { line: 0, value });
            marked.push(column);
          }
        }
      },
      record(recordLine, fields) {
        if (count.headerLine === 0) {
          count.headerLine = recordLine;
          count.strataIndex = columnIndex(file, count, grouping.strataColumn, "--strata-column");
          return;
        }
        if (fields !== count.header.length) {
          throw widthError(file, recordLine, fields, count.header.length, "the header");
        }
        for (const column of marked) count.nonNumeric.get(column)!.line = recordLine;
        marked = [];
        if (stratum >= 0) count.strata.rows[stratum]++;
        stratum = -1;
        count.rows++;
      },
    },
    1,
    2,
  );
  return count;
}

/** The variables' column indices: `grouping.columns`, or every numeric column but the strata's. */
function chooseColumns(file: string, count: GroupedCount, grouping: Grouping): number[] {
  const { header, headerLine, strataIndex } = count;
  if (grouping.columns !== undefined) {
    const chosen = grouping.columns.map((name) => columnIndex(file, count, name, "--columns"));
    const repeated = chosen.find((index, i) => chosen.indexOf(index) !== i);
    if (repeated !== undefined) throw new InputError(file, headerLine, `--columns names "${header[repeated]}" twice`);
    if (chosen.includes(strataIndex)) {
      throw new InputError(file, headerLine, `--columns includes the strata column "${grouping.strataColumn}"`);
    }
    return chosen;
  }
  return header.map((_, j) => j).filter((j) => j !== strataIndex && !count.nonNumeric.has(j));
}

/** Pass 2 of a file of every stratum: each row's chosen values into its stratum's array. */
function readGroupedValues(
  source: ByteSource,
  options: DelimitedOptions,
  count: GroupedCount,
  chosen: number[],
  strata: GroupedFile["strata"],
  strataColumn: string,
): void {
  const file = source.file;
  const cols = chosen.length;
  const position = new Int32Array(count.header.length).fill(-1);
  chosen.forEach((column, p) => (position[column] = p));
  const offsets = new Int32Array(strata.length);
  const row = new Float32Array(cols);
  let header = true;
  let stratum = -1;
  let empty = false;
  let badPosition = cols;
  let problem = "";
  pass(
    source,
    options,
    {
      field(bytes, start, end, column, line) {
        if (header) return;
        if (column === count.strataIndex) {
          stratum = count.strata.indexOf(bytes, start, end, line, false);
          empty = stratum === -1;
          return;
        }
        const p = position[column];
        if (p < 0) return;
        const value = fieldValue(bytes, start, end);
        if (typeof value === "number") row[p] = value;
        else if (p < badPosition) [badPosition, problem] = [p, value];
      },
      record(recordLine) {
        if (header) {
          header = false;
          return;
        }
        if (empty) throw new InputError(file, recordLine, `the strata column "${strataColumn}" is empty`);
        if (badPosition < cols) {
          throw new InputError(file, recordLine, `${columnLabel(chosen[badPosition], count.header)} ${problem}`);
        }
        const data = strata[stratum]?.data;
        if (data === undefined || offsets[stratum] + cols > data.length) throw changedError(file);
        data.set(row, offsets[stratum]);
        offsets[stratum] += cols;
        stratum = -1;
      },
    },
    2,
    2,
  );
  if (strata.some((s, i) => offsets[i] !== s.data.length)) throw changedError(file);
}

/**
 * Reads one CSV file holding every stratum. The first row must be a header; `strataColumn`
 * names the column whose value is each row's stratum (strata in order of first appearance).
 * The variables are `columns` when given, otherwise every other column whose values are all
 * numbers.
 */
export function readGroupedCsv(file: string, grouping: Grouping, options: DelimitedOptions = {}): GroupedFile {
  return ByteSource.with(file, (source) => {
    const count = countStrata(source, options, grouping);
    if (count.headerLine === 0) throw new InputError(file, undefined, "is empty");
    if (count.rows === 0) throw new InputError(file, count.headerLine, "has a header row but no data rows");
    const chosen = chooseColumns(file, count, grouping);
    if (chosen.length === 0) {
      throw new InputError(
        file,
        count.headerLine,
        `has no numeric columns besides the strata column "${grouping.strataColumn}"`,
      );
    }
    const cols = chosen.length;
    const memory = options.memory ?? new MemoryBudget();
    for (const rows of count.strata.rows) memory.claim(file, undefined, { rows, cols });
    const strata = count.strata.names.map((name, s) => {
      const rows = count.strata.rows[s];
      return { name, rows, cols, data: new Float32Array(rows * cols) };
    });
    readGroupedValues(source, options, count, chosen, strata, grouping.strataColumn);
    const skipped = [...count.nonNumeric]
      .sort(([a], [b]) => a - b)
      .map(([j, { line, value }]) => ({ name: count.header[j], line, value }));
    return { strata, columnNames: chosen.map((j) => count.header[j]), skipped };
  }, options.chunkBytes);
}

/** CSV: comma-separated values, read by {@link readDenseCsv} and {@link readGroupedCsv}. */
export const CSV_READER: FormatReader = {
  name: "CSV",
  extensions: [".csv"],
  readStratum: readDenseCsv,
  readGrouped: readGroupedCsv,
};

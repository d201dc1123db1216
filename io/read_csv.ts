/**
 * CSV and TSV input, read as a stream straight into float32 arrays: one stratum per file with
 * an optional, detected header row, or one file holding every stratum with a column naming each
 * row's stratum (or one stratum whose columns are chosen by name). The delimiter is detected
 * (io/detect_delimiter.ts) unless given. A first pass counts the rows (and, for a file with
 * named columns, the rows of each stratum and the columns that hold only numbers or missing
 * cells); a second parses the values into arrays of exactly that size, so reading takes no more
 * memory than the data. Every value is checked (a number, finite, within float32; non-negative
 * and not missing unless the options allow them) and a bad one is reported with its file, line
 * and column, all 1-based as an editor shows them; names must be UTF-8. The columns are chosen as
 * `fromTable()` chooses them (sdk/input/table.ts).
 *
 * @module
 */

import { isMissingText } from "../sdk/input/cells.ts";
import { chooseColumns, type ColumnClass, columnIndex } from "../sdk/input/table.ts";
import { COMMA, type FieldSink, scanDelimited, TAB } from "./delimited.ts";
import { detectDelimiter } from "./detect_delimiter.ts";
import { InputError } from "./errors.ts";
import { MemoryBudget } from "./memory.ts";
import { DECIMAL, F32_MAX, fastDecimal, looksNumeric, valueOrProblem } from "./numbers.ts";
import type { DenseData, FormatReader, GroupedFile, Grouping, ReadOptions, StratumFile } from "./reader.ts";
import { ByteSource } from "./source.ts";
import { looseText, utf8Text } from "./utf8.ts";

/** How to read a delimited file: the options of every format, and the delimiter. */
export interface DelimitedOptions extends ReadOptions {
  /** The byte between fields (default: detected, a comma when unclear). */
  delimiter?: number;
  /** The delimiter when detection finds none (a file of one column): the format's. */
  defaultDelimiter?: number;
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
 * string checks for everything else (missing cells read as NaN where the options allow them).
 */
function fieldValue(bytes: Uint8Array, start: number, end: number, options: ReadOptions): number | string {
  const value = fastDecimal(bytes, start, end);
  if (value >= 0 && value <= F32_MAX) return value;
  if (options.allowNegative && value < 0 && value >= -F32_MAX) return value;
  return valueOrProblem(looseText(bytes, start, end), options);
}

/** The options with the delimiter settled: given, or detected from the file's first lines. */
function withDelimiter(source: ByteSource, options: DelimitedOptions): DelimitedOptions {
  if (options.delimiter !== undefined) return options;
  return { ...options, delimiter: detectDelimiter(source, options.defaultDelimiter ?? COMMA) };
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
        const value = fieldValue(bytes, start, end, options);
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
export function readDenseCsv(file: string, given: DelimitedOptions = {}): StratumFile<DenseData> {
  return ByteSource.with(file, (source) => {
    const options = withDelimiter(source, given);
    const { first, firstLine, records } = countRecords(source, options);
    if (records === 0) throw new InputError(file, undefined, "is empty");
    const text = (field: string) => !looksNumeric(field) && !isMissingText(field.trim());
    const header = first.some(text) ? first.map((f) => f.trim()) : undefined;
    const rows = header ? records - 1 : records;
    if (rows === 0) throw new InputError(file, firstLine, "has a header row but no data rows");
    const cols = first.length;
    (options.memory ?? new MemoryBudget()).claim(file, undefined, { rows, cols });
    const data = new Float32Array(rows * cols);
    readValues(source, options, data, cols, header, header ? "the header" : `line ${firstLine}`);
    return { stratum: { data, rows, cols }, header };
  }, given.chunkBytes);
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
  /** The strata column's index, or -1 when the file is one stratum. */
  strataIndex: number;
  /** Stratum names in order of first appearance, and their row counts. */
  strata: StrataNames;
  /** Per column, the first value that is neither a number nor missing (when the columns are not given). */
  nonNumeric: Map<number, { line: number; value: string }>;
  /** Per column, whether some value is a number (a column of missing cells only has none). */
  numbers: Uint8Array;
  rows: number;
}

/** An input error naming the header line, for problems with the columns asked for. */
function headerError(file: string, count: GroupedCount): (problem: string) => InputError {
  return (problem) => new InputError(file, count.headerLine, problem);
}

/** The index of column `name` in the header, or an input error naming `option`. */
function headerColumn(file: string, count: GroupedCount, name: string, option: string): number {
  return columnIndex(count.header, name, option, headerError(file, count), "the header");
}

/** Whether a field that the fast path did not read as a decimal is text: neither a number nor missing. */
function isText(value: string): boolean {
  const text = value.trim();
  return !looksNumeric(text) && !isMissingText(text);
}

/** Pass 1 of a file of every stratum: header, strata and their sizes, numeric columns. */
function countStrata(source: ByteSource, options: DelimitedOptions, grouping: Grouping): GroupedCount {
  const file = source.file;
  const strataColumn = grouping.strataColumn;
  const count: GroupedCount = {
    header: [],
    headerLine: 0,
    strataIndex: -1,
    strata: new StrataNames(file, strataColumn ?? ""),
    nonNumeric: new Map(),
    numbers: new Uint8Array(0),
    rows: 0,
  };
  const checkNumeric = grouping.columns === undefined;
  let stratum = -1;
  // Columns whose first text value is on the current record. Emptied in place, never replaced:
  // an array per record would be garbage that JavaScriptCore lets pile up by megabytes (Bun).
  const marked: number[] = [];
  pass(
    source,
    options,
    {
      field(bytes, start, end, column, line) {
        if (count.headerLine === 0) {
          count.header.push(utf8Text(file, line, `column ${column + 1}`, bytes, start, end).trim());
        } else if (column === count.strataIndex) {
          stratum = count.strata.indexOf(bytes, start, end, line, true);
        } else if (checkNumeric && !count.nonNumeric.has(column)) {
          if (!Number.isNaN(fastDecimal(bytes, start, end))) count.numbers[column] = 1;
          else {
            const value = looseText(bytes, start, end);
            if (isText(value)) {
              count.nonNumeric.set(column, { line: 0, value });
              marked.push(column);
            } else if (DECIMAL.test(value.trim())) count.numbers[column] = 1;
          }
        }
      },
      record(recordLine, fields) {
        if (count.headerLine === 0) {
          count.headerLine = recordLine;
          count.numbers = new Uint8Array(count.header.length);
          if (strataColumn !== undefined) {
            count.strataIndex = headerColumn(file, count, strataColumn, "--strata-column");
          }
          return;
        }
        if (fields !== count.header.length) {
          throw widthError(file, recordLine, fields, count.header.length, "the header");
        }
        for (const column of marked) count.nonNumeric.get(column)!.line = recordLine;
        marked.length = 0;
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

/** What a column holds, from pass 1. */
function columnClass(count: GroupedCount, j: number): ColumnClass {
  const text = count.nonNumeric.get(j);
  if (text) return { kind: "text", value: `"${text.value}"`, at: `line ${text.line}` };
  return count.numbers[j] ? { kind: "numbers" } : { kind: "missing" };
}

/** The variables' column indices: `grouping.columns`, or every numeric column but the strata's. */
function chooseGroupedColumns(file: string, count: GroupedCount, grouping: Grouping) {
  const options = { strataColumn: "--strata-column", columns: "--columns", idColumn: "--id-column" } as const;
  return chooseColumns(
    count.header,
    grouping,
    (j) => columnClass(count, j),
    (name) => options[name],
    headerError(file, count),
    "the header",
  );
}

/** Where pass 2 puts each field: the value column of each file column (-1: none), ids, strata. */
interface Placement {
  chosen: number[];
  position: Int32Array;
  idIndex: number;
}

/** Pass 2 of a file of every stratum: each row's chosen values into its stratum's array. */
function readGroupedValues(
  source: ByteSource,
  options: DelimitedOptions,
  count: GroupedCount,
  placement: Placement,
  strata: GroupedFile["strata"],
  strataColumn: string | undefined,
): void {
  const file = source.file;
  const { chosen, position, idIndex } = placement;
  const cols = chosen.length;
  const offsets = new Int32Array(strata.length);
  const row = new Float32Array(cols);
  let header = true;
  let stratum = strataColumn === undefined ? 0 : -1;
  let empty = false;
  let id = "";
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
        if (column === idIndex) id = utf8Text(file, line, "the id column", bytes, start, end).trim();
        const p = position[column];
        if (p < 0) return;
        const value = fieldValue(bytes, start, end, options);
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
        const stored = strata[stratum];
        if (stored === undefined || offsets[stratum] + cols > stored.data.length) throw changedError(file);
        if (idIndex >= 0) {
          if (id === "") throw new InputError(file, recordLine, `the id column "${count.header[idIndex]}" is empty`);
          stored.rowIds![offsets[stratum] / cols] = id;
        }
        stored.data.set(row, offsets[stratum]);
        offsets[stratum] += cols;
        if (strataColumn !== undefined) stratum = -1;
      },
    },
    2,
    2,
  );
  if (strata.some((s, i) => offsets[i] !== s.data.length)) throw changedError(file);
}

/**
 * Reads one CSV file of named columns. The first row must be a header; `strataColumn` names the
 * column whose value is each row's stratum (strata in order of first appearance; without it the
 * file is one stratum, named "stratum 0" until the caller names it). The variables are `columns`
 * when given, otherwise every other column whose values are all numbers or missing;
 * `idColumn`'s text is kept as each row's id.
 */
export function readGroupedCsv(file: string, grouping: Grouping, given: DelimitedOptions = {}): GroupedFile {
  return ByteSource.with(file, (source) => {
    const options = withDelimiter(source, given);
    const count = countStrata(source, options, grouping);
    if (count.headerLine === 0) throw new InputError(file, undefined, "is empty");
    if (count.rows === 0) throw new InputError(file, count.headerLine, "has a header row but no data rows");
    const { chosen, leftOut } = chooseGroupedColumns(file, count, grouping);
    const cols = chosen.length;
    // Without a strata column the file is one stratum, named by the caller.
    const [names, sizes] = grouping.strataColumn === undefined
      ? [["stratum 0"], [count.rows]]
      : [count.strata.names, count.strata.rows];
    const memory = options.memory ?? new MemoryBudget();
    for (const rows of sizes) memory.claim(file, undefined, { rows, cols });
    const strata = names.map((name, s) => {
      const rows = sizes[s];
      const stratum = { name, rows, cols, data: new Float32Array(rows * cols) };
      return grouping.idColumn === undefined ? stratum : { ...stratum, rowIds: new Array<string>(rows) };
    });
    const position = new Int32Array(count.header.length).fill(-1);
    chosen.forEach((column, p) => (position[column] = p));
    const idIndex = grouping.idColumn === undefined ? -1 : count.header.indexOf(grouping.idColumn);
    readGroupedValues(source, options, count, { chosen, position, idIndex }, strata, grouping.strataColumn);
    const skipped = [...count.nonNumeric]
      .filter(([j]) => !chosen.includes(j) && j !== idIndex)
      .sort(([a], [b]) => a - b)
      .map(([j, { line, value }]) => ({ name: count.header[j], line, value }));
    return { strata, columnNames: chosen.map((j) => count.header[j]), skipped, leftOut };
  }, given.chunkBytes);
}

/** CSV: comma-separated values (any delimiter detected), read by {@link readDenseCsv} and {@link readGroupedCsv}. */
export const CSV_READER: FormatReader = {
  name: "CSV",
  extensions: [".csv"],
  readStratum: readDenseCsv,
  readGrouped: readGroupedCsv,
};

/** TSV: tab-separated values, read as CSV with a tab when detection finds no other delimiter. */
export const TSV_READER: FormatReader = {
  name: "TSV",
  extensions: [".tsv", ".tab"],
  readStratum: (file, options) => readDenseCsv(file, { defaultDelimiter: TAB, ...options }),
  readGrouped: (file, grouping, options) => readGroupedCsv(file, grouping, { defaultDelimiter: TAB, ...options }),
};

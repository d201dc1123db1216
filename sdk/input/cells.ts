/**
 * Cells of tables: which text is a number (the grammar every reader and `fromTable()` share),
 * which text or value is a missing cell, and what a decoded cell (a number, a bigint, a string,
 * null, a date, a boolean) stands for as a value of the data.
 *
 * @module
 */

/** Largest finite float32. */
export const F32_MAX = 3.4028234663852886e38;

/** A decimal number: what `Number()` reads and this tool accepts (no hex, no `Infinity`). */
export const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Infinities and NaN spelled out: numbers, but not finite ones. */
export const NON_FINITE = /^[+-]?(?:inf|infinity|nan)$/i;

/**
 * Texts that mark a missing cell besides an empty one: those pandas' `read_csv` reads as
 * missing by default (R's `NA`, SQL's `NULL`, spreadsheets' `#N/A`, NumPy's `nan`).
 */
export const MISSING_MARKERS: ReadonlySet<string> = new Set([
  "#N/A",
  "#N/A N/A",
  "#NA",
  "-1.#IND",
  "-1.#QNAN",
  "-NaN",
  "-nan",
  "1.#IND",
  "1.#QNAN",
  "<NA>",
  "N/A",
  "NA",
  "NULL",
  "NaN",
  "None",
  "n/a",
  "nan",
  "null",
]);

/** Whether trimmed text marks a missing cell: empty, or one of {@link MISSING_MARKERS}. */
export function isMissingText(trimmed: string): boolean {
  return trimmed === "" || MISSING_MARKERS.has(trimmed);
}

/** What a missing cell is called in a message: `is empty`, `is missing ("NA")`. */
export function missingProblem(trimmed: string): string {
  return trimmed === "" ? "is empty" : `is missing ("${trimmed}")`;
}

/** What a cell holds, for choosing the columns of a table. */
export type CellKind = "number" | "missing" | "text" | "date" | "boolean";

/** A decoded cell's value: a number (NaN for a missing cell), or the kind of cell it is instead. */
export type CellValue = { kind: "number" | "missing"; value: number } | { kind: "text" | "date" | "boolean" };

/**
 * The value of a decoded cell: numbers and bigints as they are (NaN: missing), text that is a
 * decimal number as `Number()` reads it, null, undefined, NaN and the missing markers as missing.
 */
export function cellValue(cell: unknown): CellValue {
  switch (typeof cell) {
    case "number":
      return Number.isNaN(cell) ? { kind: "missing", value: NaN } : { kind: "number", value: cell };
    case "bigint":
      return { kind: "number", value: Number(cell) };
    case "string": {
      const text = cell.trim();
      if (isMissingText(text)) return { kind: "missing", value: NaN };
      return DECIMAL.test(text) ? { kind: "number", value: Number(text) } : { kind: "text" };
    }
    case "boolean":
      return { kind: "boolean" };
    case "undefined":
      return { kind: "missing", value: NaN };
    default:
      if (cell === null) return { kind: "missing", value: NaN };
      if (cell instanceof Date) return { kind: "date" };
      return { kind: "text" };
  }
}

/** A cell as a message quotes it: `"abc"`, `true`, `2024-01-01T00:00:00.000Z`. */
export function shownCell(cell: unknown): string {
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? "an invalid date" : cell.toISOString();
  const text = typeof cell === "string" ? cell : typeof cell === "object" ? JSON.stringify(cell) : String(cell);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/**
 * What is wrong with a number as a value of the data, or undefined: not finite, beyond float32,
 * or (unless `negatives`) below 0. To follow the cell's place: `column 2 is negative (-5)`.
 */
export function numberProblem(value: number, negatives: boolean, text = String(value)): string | undefined {
  if (!Number.isFinite(value)) return `is not a finite number (${text})`;
  if (Math.abs(value) > F32_MAX) return `is too large for float32 (${text})`;
  if (value < 0 && !negatives) return `is negative (${text})`;
  return undefined;
}

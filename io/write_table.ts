/**
 * Tables written as CSV, JSON (an array of records) or Parquet: what `snmf export` writes.
 * A table is a list of typed columns of the same length; each format keeps the types: float32
 * values as the shortest decimal that reads back as the same float32 (CSV, JSON) or as Parquet
 * FLOAT, float64 values in full (Parquet DOUBLE), NaN as a missing value (an empty CSV field,
 * JSON null, a Parquet null).
 *
 * Parquet is written by hyparquet-writer, an optional dependency of the package, imported only
 * here and only when Parquet is asked for (cli/optional.ts says how to install it when absent).
 *
 * @module
 */

/** A column of a {@link Table}. */
export type TableColumn =
  /** Text (stratum and feature names). */
  | { name: string; kind: "string"; values: readonly string[] }
  /** Integers (indices), exact. */
  | { name: string; kind: "int"; values: readonly number[] }
  /** Values stored as float32 (the factors): written as the float32 they are. */
  | { name: string; kind: "float32"; values: ArrayLike<number> }
  /** Values computed in float64 (contrasts, shares); NaN is missing. */
  | { name: string; kind: "float64"; values: ArrayLike<number> }
  /** Row identifiers: numbers or text, as the data gave them. */
  | { name: string; kind: "id"; values: readonly (string | number)[] };

/** Columns of the same length, `rows`. */
export interface Table {
  rows: number;
  columns: TableColumn[];
}

/** The formats a table is written in. */
export const TABLE_FORMATS = ["csv", "parquet", "json"] as const;
export type TableFormat = typeof TABLE_FORMATS[number];

/**
 * The shortest decimal that reads back as the same float32.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatFloat32 } from "./write_table.ts";
 *
 * assert.equal(formatFloat32(Math.fround(0.1)), "0.1");
 * assert.equal(formatFloat32(Math.fround(1 / 3)), "0.33333334");
 * ```
 */
export function formatFloat32(x: number): string {
  for (let digits = 1; digits < 9; digits++) {
    const text = x.toPrecision(digits);
    if (Math.fround(Number(text)) === x) return String(Number(text));
  }
  return String(Number(x.toPrecision(9)));
}

/** Entry `r` of a column as a JSON value: numbers as written to CSV, NaN as null. */
function jsonValue(column: TableColumn, r: number): string | number | null {
  const value = column.values[r];
  if (typeof value === "string") return value;
  if (Number.isNaN(value)) return null;
  return column.kind === "float32" ? Number(formatFloat32(value)) : value;
}

/** A CSV field: quoted when it holds a comma, a quote, a line break or edge spaces, or is empty text. */
export function csvField(text: string): string {
  return text === "" || /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Entry `r` of a column as a CSV field (NaN: an empty field). */
function csvValue(column: TableColumn, r: number): string {
  const value = column.values[r];
  if (typeof value === "string") return csvField(value);
  if (Number.isNaN(value)) return "";
  return column.kind === "float32" ? formatFloat32(value) : String(value);
}

/** @throws {RangeError} when a column's length is not the table's row count, or two columns share a name */
function checkTable(table: Table): void {
  const names = new Set<string>();
  for (const column of table.columns) {
    if (column.values.length !== table.rows) {
      throw new RangeError(
        `Cannot write table: column "${column.name}" has ${column.values.length} values for ${table.rows} rows`,
      );
    }
    if (names.has(column.name)) throw new RangeError(`Cannot write table: two columns are named "${column.name}"`);
    names.add(column.name);
  }
}

/**
 * The table as CSV (RFC 4180): a header of the column names, then one line per row.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tableCsv } from "./write_table.ts";
 *
 * const table = {
 *   rows: 2,
 *   columns: [
 *     { name: "feature", kind: "string" as const, values: ["a, b", "c"] },
 *     { name: "share", kind: "float64" as const, values: [0.25, NaN] },
 *   ],
 * };
 * assert.equal(tableCsv(table), 'feature,share\n"a, b",0.25\nc,\n');
 * ```
 */
export function tableCsv(table: Table): string {
  checkTable(table);
  const lines = [table.columns.map((c) => csvField(c.name)).join(",")];
  for (let r = 0; r < table.rows; r++) lines.push(table.columns.map((c) => csvValue(c, r)).join(","));
  return lines.join("\n") + "\n";
}

/** The table as JSON: an array of records, one per row, keys in column order (NaN: null). */
export function tableJson(table: Table): string {
  checkTable(table);
  const records = Array.from(
    { length: table.rows },
    (_, r) => Object.fromEntries(table.columns.map((c) => [c.name, jsonValue(c, r)])),
  );
  return JSON.stringify(records) + "\n";
}

/** A column as hyparquet-writer takes it: the Parquet type of its kind, NaN as null. */
function parquetColumn(column: TableColumn): { name: string; data: unknown[]; type: string; nullable?: boolean } {
  const values = Array.from(column.values as ArrayLike<string | number>);
  switch (column.kind) {
    case "string":
      return { name: column.name, data: values, type: "STRING", nullable: false };
    case "int":
      return { name: column.name, data: values, type: "INT32", nullable: false };
    case "float32":
      return { name: column.name, data: values, type: "FLOAT", nullable: false };
    case "float64": {
      const data = values.map((x) => (Number.isNaN(x) ? null : x));
      return { name: column.name, data, type: "DOUBLE", nullable: data.includes(null) };
    }
    case "id": {
      // Numbers stay numbers when every id is one; otherwise every id is text.
      const numeric = values.every((x) => typeof x === "number");
      return numeric
        ? { name: column.name, data: values, type: "DOUBLE", nullable: false }
        : { name: column.name, data: values.map(String), type: "STRING", nullable: false };
    }
  }
}

/** The table as a Parquet file (one row group; hyparquet-writer's defaults: Snappy, statistics). */
export async function tableParquet(table: Table): Promise<Uint8Array> {
  checkTable(table);
  const { parquetWriteBuffer } = await import("hyparquet-writer");
  const columnData = table.columns.map(parquetColumn) as Parameters<typeof parquetWriteBuffer>[0]["columnData"];
  return new Uint8Array(parquetWriteBuffer({ columnData }));
}

/** The table in `format`, as text (CSV, JSON) or bytes (Parquet). */
export async function tableBytes(table: Table, format: TableFormat): Promise<string | Uint8Array> {
  if (format === "csv") return tableCsv(table);
  if (format === "json") return tableJson(table);
  return await tableParquet(table);
}

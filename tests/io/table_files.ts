// Tables written in every format the command reads, with the libraries it reads them with
// (apache-arrow) or their writing half (hyparquet-writer): the same records as CSV, TSV, JSON,
// JSON Lines, Parquet and Arrow IPC, a missing cell as an empty field, null or a null slot.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tableFromArrays, tableToIPC } from "apache-arrow";
import { parquetWriteBuffer } from "hyparquet-writer";

/** A table as records: numbers, strings, and null for a missing cell. */
export type Row = Record<string, number | string | null>;

/** The extensions of the formats, in the order the readers list them. */
export const TABLE_FORMATS = [".csv", ".tsv", ".json", ".jsonl", ".parquet", ".arrow"] as const;

/** The columns of `rows`, in the order of the first record's keys. */
function columnsOf(rows: readonly Row[]): string[] {
  return Object.keys(rows[0]);
}

/** Whether every non-null value of a column is a number. */
function numeric(rows: readonly Row[], name: string): boolean {
  return rows.every((row) => row[name] === null || typeof row[name] === "number");
}

function delimited(rows: readonly Row[], delimiter: string): string {
  const names = columnsOf(rows);
  const field = (value: number | string | null) => {
    const text = value === null ? "" : String(value);
    return text.includes(delimiter) || text.includes('"') ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [names.join(delimiter), ...rows.map((row) => names.map((n) => field(row[n])).join(delimiter))].join("\n") +
    "\n";
}

function parquetBytes(rows: readonly Row[], rowGroupSize: number): Uint8Array {
  const columnData = columnsOf(rows).map((name) =>
    numeric(rows, name)
      ? { name, data: rows.map((row) => row[name]), type: "DOUBLE" as const, nullable: true }
      : { name, data: rows.map((row) => row[name]), type: "STRING" as const, nullable: true }
  );
  return new Uint8Array(parquetWriteBuffer({ columnData, rowGroupSize }));
}

function arrowBytes(rows: readonly Row[]): Uint8Array {
  const columns: Record<string, unknown> = {};
  for (const name of columnsOf(rows)) {
    columns[name] = numeric(rows, name) ? rows.map((row) => row[name]) : rows.map((row) => row[name] ?? null);
  }
  return tableToIPC(tableFromArrays(columns as Parameters<typeof tableFromArrays>[0]), "file");
}

/** The bytes (or text) of `rows` in the format of `extension`. */
export function tableFile(rows: readonly Row[], extension: string, rowGroupSize = 64): string | Uint8Array {
  switch (extension) {
    case ".csv":
      return delimited(rows, ",");
    case ".tsv":
      return delimited(rows, "\t");
    case ".json":
      return "[\n" + rows.map((row) => JSON.stringify(row)).join(",\n") + "\n]\n";
    case ".jsonl":
      return rows.map((row) => JSON.stringify(row)).join("\n") + "\n";
    case ".parquet":
      return parquetBytes(rows, rowGroupSize);
    case ".arrow":
      return arrowBytes(rows);
    default:
      throw new Error(`no writer for ${extension}`);
  }
}

/** Writes `rows` as `dir/NAME.EXT` for every format; returns the paths by extension. */
export function writeTableFiles(dir: string, name: string, rows: readonly Row[]): Record<string, string> {
  const paths: Record<string, string> = {};
  for (const extension of TABLE_FORMATS) {
    const path = join(dir, `${name}${extension}`);
    writeFileSync(path, tableFile(rows, extension));
    paths[extension] = path;
  }
  return paths;
}

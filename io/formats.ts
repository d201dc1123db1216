/**
 * The file formats the command reads, each behind io/reader.ts's interface, chosen by the file
 * name's extension.
 *
 * @module
 */

import { extname } from "node:path";
import { ARROW_READER } from "./read_arrow.ts";
import { CSV_READER, TSV_READER } from "./read_csv.ts";
import { JSON_READER, JSONL_READER } from "./read_json.ts";
import { MTX_READER } from "./read_mtx.ts";
import { PARQUET_READER } from "./read_parquet.ts";
import type { FormatReader } from "./reader.ts";

/** Every format, in the order the messages list them. */
export const FORMATS: readonly FormatReader[] = [
  CSV_READER,
  TSV_READER,
  JSON_READER,
  JSONL_READER,
  PARQUET_READER,
  ARROW_READER,
  MTX_READER,
];

/** The reader of `file`'s extension, if a format takes it. */
export function formatOf(file: string): FormatReader | undefined {
  const ext = extname(file).toLowerCase();
  return FORMATS.find((format) => format.extensions.includes(ext));
}

/** Whether `name` has an extension a format takes. */
export function isDataFile(name: string): boolean {
  return formatOf(name) !== undefined;
}

/** Whether the format keeps its strata sparse (preprocessing that would densify them is refused). */
export function isSparseFormat(format: FormatReader): boolean {
  return format === MTX_READER;
}

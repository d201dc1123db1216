/**
 * The file formats the command reads, each behind io/reader.ts's interface, chosen by the file
 * name's extension.
 *
 * @module
 */

import { extname } from "node:path";
import { CSV_READER } from "./read_csv.ts";
import { MTX_READER } from "./read_mtx.ts";
import type { FormatReader } from "./reader.ts";

/** Every format, in the order the messages list them. */
export const FORMATS: readonly FormatReader[] = [CSV_READER, MTX_READER];

/** The reader of `file`'s extension, if a format takes it. */
export function formatOf(file: string): FormatReader | undefined {
  const ext = extname(file).toLowerCase();
  return FORMATS.find((format) => format.extensions.includes(ext));
}

/** Whether `name` has an extension a format takes. */
export function isDataFile(name: string): boolean {
  return formatOf(name) !== undefined;
}

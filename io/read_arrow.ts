/**
 * Arrow IPC input (the file format, also called Feather v2, and the stream format), read with
 * apache-arrow, loaded only when such a file is read. The table's columns are read in place (no
 * copy of the file's buffers), its size checked against WebAssembly memory before the strata are
 * built, and its rows grouped by `groupTable()` (io/read_table.ts) through the Arrow-like path
 * `fromTable()` takes. io/README.md says why apache-arrow.
 *
 * @module
 */

import { tableColumns } from "../sdk/input/table.ts";
import { InputError } from "./errors.ts";
import { MemoryBudget } from "./memory.ts";
import { groupColumns, loadLibrary, stratumOf } from "./read_table.ts";
import type { FormatReader, GroupedFile, Grouping, ReadOptions } from "./reader.ts";
import { readBytes } from "./source.ts";

/** Reads an Arrow IPC file of named columns (see the module). */
export async function readGroupedArrow(
  file: string,
  grouping: Grouping,
  options: ReadOptions = {},
): Promise<GroupedFile> {
  const { tableFromIPC } = await loadLibrary(() => import("apache-arrow"), "Arrow IPC files", "apache-arrow");
  const bytes = readBytes(file);
  let table;
  try {
    table = tableFromIPC(bytes);
  } catch (error) {
    throw new InputError(file, undefined, `is not an Arrow IPC file: ${(error as Error).message}`);
  }
  if (table.schema.fields.length === 0) {
    throw new InputError(file, undefined, "is not an Arrow IPC file: it has no columns");
  }
  const cols = grouping.columns?.length ?? Math.max(1, table.numCols - 1);
  new MemoryBudget(options.memory?.rank).claim(file, undefined, { rows: table.numRows, cols });
  return groupColumns(file, tableColumns(table, "Cannot read table"), grouping, options);
}

/** Arrow IPC: the file format (`.arrow`, `.feather`) and the stream format (`.arrows`). */
export const ARROW_READER: FormatReader = {
  name: "Arrow IPC",
  extensions: [".arrow", ".feather", ".ipc", ".arrows"],
  readStratum: async (file, options) => stratumOf(await readGroupedArrow(file, {}, options)),
  readGrouped: readGroupedArrow,
};

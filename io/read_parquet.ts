/**
 * Parquet input, read with hyparquet (and hyparquet-compressors for the codecs beyond Snappy:
 * gzip, Brotli, Zstandard, LZ4), loaded only when a Parquet file is read. The file's footer gives
 * its rows and columns, so its size is checked against WebAssembly memory before any column is
 * decoded; then only the columns needed are decoded (with `--columns`: those, the strata and id
 * columns), one row group at a time, and grouped by `groupTable()` (io/read_table.ts). Columns of
 * flat types only (numbers, strings, dates, booleans); io/README.md says why hyparquet.
 *
 * @module
 */

import { namedColumns } from "../sdk/input/table.ts";
import { InputError } from "./errors.ts";
import { MemoryBudget } from "./memory.ts";
import { groupColumns, loadLibrary, stratumOf } from "./read_table.ts";
import type { FormatReader, GroupedFile, Grouping, ReadOptions } from "./reader.ts";
import { readBytes } from "./source.ts";

/** The libraries, loaded on first use. */
async function libraries() {
  return await loadLibrary(
    async () => ({ ...(await import("hyparquet")), ...(await import("hyparquet-compressors")) }),
    "Parquet files",
    "hyparquet hyparquet-compressors",
  );
}

/** Decoded chunks of one column, in row order, as one array (a typed array when every chunk is one of one type). */
function concatenate(chunks: ArrayLike<unknown>[], rows: number): ArrayLike<unknown> {
  const first = chunks[0];
  const Typed = ArrayBuffer.isView(first)
    ? (first.constructor as new (length: number) => ArrayLike<unknown>)
    : undefined;
  if (Typed && chunks.every((chunk) => chunk.constructor === Typed)) {
    const joined = new Typed(rows) as unknown as { set(values: ArrayLike<unknown>, at: number): void };
    let at = 0;
    for (const chunk of chunks) {
      joined.set(chunk, at);
      at += chunk.length;
    }
    return joined as unknown as ArrayLike<unknown>;
  }
  const joined = new Array<unknown>(rows);
  let at = 0;
  for (const chunk of chunks) for (let i = 0; i < chunk.length; i++) joined[at++] = chunk[i];
  return joined;
}

/** Reads a Parquet file of named columns (see the module). */
export async function readGroupedParquet(
  file: string,
  grouping: Grouping,
  options: ReadOptions = {},
): Promise<GroupedFile> {
  const { parquetMetadata, parquetSchema, parquetRead, compressors } = await libraries();
  const bytes = readBytes(file);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let metadata;
  try {
    metadata = parquetMetadata(buffer);
  } catch (error) {
    throw new InputError(file, undefined, `is not a Parquet file: ${(error as Error).message}`);
  }
  const rows = Number(metadata.num_rows);
  const fields = parquetSchema(metadata).children;
  const nested = fields.find((field) => field.children.length > 0);
  const names = fields.filter((field) => field.children.length === 0).map((field) => field.element.name);
  const wanted = grouping.columns === undefined
    ? names
    : names.filter((name) => [grouping.strataColumn, grouping.idColumn, ...grouping.columns!].includes(name));
  // The largest the data can be, checked before decoding anything.
  new MemoryBudget(options.memory?.rank).claim(file, undefined, { rows, cols: Math.max(1, wanted.length - 1) });
  const chunks = new Map<string, ArrayLike<unknown>[]>(wanted.map((name) => [name, []]));
  try {
    await parquetRead({
      file: buffer,
      metadata,
      columns: wanted,
      compressors,
      onChunk: ({ columnName, columnData }) => chunks.get(columnName)?.push(columnData),
    });
  } catch (error) {
    throw new InputError(file, undefined, `cannot be decoded: ${(error as Error).message}`);
  }
  const values = wanted.map((name) => concatenate(chunks.get(name)!, rows));
  const grouped = groupColumns(file, namedColumns(wanted, values), grouping, options);
  if (nested && grouping.columns === undefined) {
    grouped.leftOut.push({ name: nested.element.name, why: "is nested (a list or a struct), not a number" });
  }
  return grouped;
}

/** Parquet: a file of named, typed columns. */
export const PARQUET_READER: FormatReader = {
  name: "Parquet",
  extensions: [".parquet", ".pq"],
  readStratum: async (file, options) => stratumOf(await readGroupedParquet(file, {}, options)),
  readGrouped: readGroupedParquet,
};

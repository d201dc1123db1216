/**
 * `snmf fit --missing mask --imputed FILE`: the input table with its missing cells filled by the
 * model (`model.reconstruct()`), in the data's own units (the preprocessing undone), written
 * atomically as CSV, JSON or Parquet by the file's extension.
 *
 * @module
 */

import { extname } from "node:path";
import type { DenseStratum, Model, Preprocessing, Stratum } from "../sdk/mod.ts";
import { UsageError } from "./errors.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";
import { type Table, TABLE_FORMATS, tableBytes, type TableColumn, type TableFormat } from "../io/write_table.ts";

/** The table format of `--imputed FILE`, from its extension (csv, json or parquet). */
export function imputedFormat(file: string): TableFormat {
  const format = extname(file).slice(1).toLowerCase();
  if (!(TABLE_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--imputed ${file}: the file must end in ${TABLE_FORMATS.map((x) => `.${x}`).join(", ")}`);
  }
  return format as TableFormat;
}

/**
 * The strata as one table, rows in stratum order: a `stratum` column, a `row` column (the row's id,
 * or its index in the stratum), then the data's columns, every missing cell (NaN) replaced by the
 * model's value. Values in the data's units: `x · d_j − s_j` with the preprocessing's divisor and
 * shift (none without it), observed cells as read and holes as the model has them.
 * @throws {UsageError} for a sparse stratum (sparse input has no missing cells)
 */
export function imputedTable(
  strata: readonly Stratum[],
  model: Model,
  columnNames: readonly string[] | undefined,
  preprocessing: Preprocessing | undefined,
): Table {
  const n = model.cols;
  const names: string[] = [], rowIds: (string | number)[] = [];
  const values = Array.from({ length: n }, () => [] as number[]);
  // Without a change of units the values are the float32 the data were read as.
  const units = preprocessing && preprocessing.shift.some((x, j) => x !== 0 || preprocessing.divisor[j] !== 1)
    ? preprocessing
    : undefined;
  strata.forEach((stratum, i) => {
    if ("indptr" in stratum) throw new UsageError("--imputed needs dense input: sparse input has no missing cells");
    const dense = stratum as DenseStratum & { rowIds?: ArrayLike<string | number> };
    const data = dense.data as ArrayLike<number>;
    const m = model.rows[i];
    const fitted = model.reconstruct(i);
    for (let r = 0; r < m; r++) {
      names.push(model.names[i]);
      rowIds.push(dense.rowIds?.[r] ?? r);
      for (let j = 0; j < n; j++) {
        const x = data[r * n + j];
        const value = Number.isNaN(x) ? fitted[r * n + j] : x;
        values[j].push(units ? value * units.divisor[j] - units.shift[j] : value);
      }
    }
  });
  const columns: TableColumn[] = [
    { name: "stratum", kind: "string", values: names },
    { name: "row", kind: "id", values: rowIds },
    ...values.map((column, j): TableColumn => ({
      name: columnNames?.[j] ?? `col ${j}`,
      kind: units ? "float64" : "float32",
      values: column,
    })),
  ];
  return { rows: names.length, columns };
}

/** Writes the imputed table to `file` (atomically), in the format of its extension. */
export async function writeImputed(file: string, table: Table): Promise<void> {
  writeFileAtomic(file, await tableBytes(table, imputedFormat(file)), "--imputed");
}

/**
 * A model as tables, for `snmf export`: V, W(i) and H, the top features of each stratum and
 * each topic with their names, and, when given, v and H in the data's own units. Columns of the
 * data are rows of V's and H's tables (so that a text model's vocabulary makes a tall table, not
 * a wide one); strata and topics are numbered from 0, as everywhere (sdk/display.ts).
 *
 * @module
 */

import type { RankBy } from "../sdk/contrast.ts";
import { columnLabel, topicColumnName, topicLabel } from "../sdk/display.ts";
import type { Table, TableColumn } from "../io/write_table.ts";
import { type FactorSource, topFeatures } from "../report/top_features.ts";

/** What the tables are made from: a model (its fields), or a plain object with the same fields. */
export interface TableSource extends FactorSource {
  /** W(i): m_i×k float32, row-major, per stratum. */
  W: readonly Float32Array[];
  /** An identifier of each row of each stratum, when the model records them. */
  rowIds?: readonly (readonly (string | number)[])[];
}

/** Options of {@link modelTables}. */
export interface TableOptions {
  /** Features listed per stratum and per topic in `top_features` (default 10). */
  top?: number;
  /** What ranks each stratum's features (default "contrast"). */
  by?: RankBy;
  /**
   * v(i) and H in the data's own units, for a model fitted on preprocessed columns (shifted or
   * scaled): adds the tables `V_original` and `H_original`.
   */
  original?: { V: readonly ArrayLike<number>[]; H: ArrayLike<number> };
}

/** The `column` and `feature` columns of a table with one row per column of the data. */
function featureColumns(source: TableSource): TableColumn[] {
  const columns = Array.from({ length: source.cols }, (_, j) => j);
  return [
    { name: "column", kind: "int", values: columns },
    { name: "feature", kind: "string", values: columns.map((j) => columnLabel(source.columnNames, j)) },
  ];
}

/** V: one row per column of the data; `v(NAME)`, v(i)ⱼ, for each stratum. */
function vTable(source: TableSource, V: readonly ArrayLike<number>[]): Table {
  return {
    rows: source.cols,
    columns: [
      ...featureColumns(source),
      ...source.names.map((name, i): TableColumn => ({ name: `v(${name})`, kind: "float32", values: V[i] })),
    ],
  };
}

/** H: one row per column of the data; `topicQ`, H_qj, for each topic. */
function hTable(source: TableSource, H: ArrayLike<number>): Table {
  const { cols, rank } = source;
  const topic = (q: number) => Array.from({ length: cols }, (_, j) => H[q * cols + j]);
  return {
    rows: cols,
    columns: [
      ...featureColumns(source),
      ...Array.from(
        { length: rank },
        (_, q): TableColumn => ({ name: topicColumnName(q), kind: "float32", values: topic(q) }),
      ),
    ],
  };
}

/** W(i) of every stratum, stacked: `stratum`, `row` (within the stratum, from 0), `id` when recorded, `topicQ`. */
function wTable(source: TableSource): Table {
  const { names, rows, rank, W, rowIds } = source;
  const stratum = names.flatMap((name, i) => Array<string>(rows[i]).fill(name));
  const row = rows.flatMap((m) => Array.from({ length: m }, (_, r) => r));
  const topic = (q: number) => W.flatMap((w) => Array.from({ length: w.length / rank }, (_, r) => w[r * rank + q]));
  return {
    rows: stratum.length,
    columns: [
      { name: "stratum", kind: "string", values: stratum },
      { name: "row", kind: "int", values: row },
      ...(rowIds ? [{ name: "id", kind: "id", values: rowIds.flat() } as TableColumn] : []),
      ...Array.from(
        { length: rank },
        (_, q): TableColumn => ({ name: topicColumnName(q), kind: "float32", values: topic(q) }),
      ),
    ],
  };
}

/**
 * The top features: for each stratum the `top` columns that set it apart (ranked by `by`), for
 * each topic its `top` largest columns. `kind` is "stratum" or "topic", `name` the stratum or
 * topic, `rank` the place from 0, `value` v(i)ⱼ or H_qj, `score` the number ranked by (contrast,
 * share, or the value; empty for a column with no share; divided by the column's largest value in
 * the data when the columns are on mixed scales: sdk/contrast.ts, rankScaling), `ranked_by` what
 * that number is ("contrast", or "contrast / column maximum" when scaled).
 */
function topTable(source: TableSource, top: number, by: RankBy): Table {
  const ranked = topFeatures(source, top, { by });
  const rankedBy = ranked.scaling.rankedOn === "scaled" ? `${by} / column maximum` : by;
  const rows: [string, string, number, number, number, number, string][] = [];
  for (const s of ranked.strata) {
    s.features.forEach((f, k) =>
      rows.push(["stratum", s.name, k, f.column, f.value, s.scaled?.[k] ?? s.scores?.[k] ?? f.value, rankedBy])
    );
  }
  for (const t of ranked.topics) {
    t.features.forEach((f, k) => rows.push(["topic", topicLabel(t.topic), k, f.column, f.value, f.value, "value"]));
  }
  const column = <T>(index: number) => rows.map((row) => row[index] as T);
  return {
    rows: rows.length,
    columns: [
      { name: "kind", kind: "string", values: column<string>(0) },
      { name: "name", kind: "string", values: column<string>(1) },
      { name: "rank", kind: "int", values: column<number>(2) },
      { name: "column", kind: "int", values: column<number>(3) },
      { name: "feature", kind: "string", values: column<number>(3).map((j) => columnLabel(source.columnNames, j)) },
      { name: "value", kind: "float32", values: column<number>(4) },
      { name: "score", kind: "float64", values: column<number>(5) },
      { name: "ranked_by", kind: "string", values: column<string>(6) },
    ],
  };
}

/**
 * The model's tables by name: `V`, `W`, `H`, `top_features`, and with `options.original`
 * `V_original` and `H_original`.
 */
export function modelTables(source: TableSource, options: TableOptions = {}): Record<string, Table> {
  const tables: Record<string, Table> = {
    V: vTable(source, source.V),
    W: wTable(source),
    H: hTable(source, source.H),
    top_features: topTable(source, options.top ?? 10, options.by ?? "contrast"),
  };
  if (options.original) {
    tables.V_original = vTable(source, options.original.V);
    tables.H_original = hTable(source, options.original.H);
  }
  return tables;
}

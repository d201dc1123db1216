/**
 * The top features of a model: the columns that set each stratum apart (ranked by contrast,
 * share or value: sdk/contrast.ts, docs/algorithm.md §Contrasts and shares) and the largest
 * entries of each topic (row of H), with their names. What `snmf top` prints and the report shows.
 *
 * @module
 */

import type { Model } from "../sdk/mod.ts";
import { largestFirst, type RankBy, rankFeatures } from "../sdk/contrast.ts";

/** One feature (column) and its weight. */
export interface Feature {
  /** 0-based column index. */
  column: number;
  /** The column's name, when the model has column names. */
  name?: string;
  /** v(i)ⱼ for a stratum, H_qj for a topic. */
  value: number;
}

/** Top features of each v(i) and each topic, with their weights. */
export interface TopFeatures {
  strata: { name: string; features: Feature[] }[];
  topics: { topic: number; features: Feature[] }[];
}

/** Options of {@link topFeatures}. */
export interface TopFeaturesOptions {
  /** What ranks the columns of a stratum (default "contrast"); topics are always ranked by value. */
  by?: RankBy;
}

function features(model: Model, columns: number[], values: ArrayLike<number>): Feature[] {
  const names = model.columnNames;
  return columns.map((j) => names ? { column: j, name: names[j], value: values[j] } : { column: j, value: values[j] });
}

/**
 * The `count` columns that set each stratum apart (by `options.by`) and the `count` largest
 * entries of each row of H, named by the model's column names.
 */
export function topFeatures(model: Model, count: number, options: TopFeaturesOptions = {}): TopFeatures {
  const V = model.V;
  const strata = model.names.map((name, i) => ({
    name,
    features: features(model, rankFeatures(V, i, count, options.by ?? "contrast"), V[i]),
  }));
  const H = model.H;
  const topics = Array.from({ length: model.rank }, (_, q) => {
    const row = H.subarray(q * model.cols, (q + 1) * model.cols);
    return { topic: q + 1, features: features(model, largestFirst(row, count), row) };
  });
  return { strata, topics };
}

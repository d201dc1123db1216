/**
 * The top features of a model: the largest entries of each v(i) and each topic (row of H), with
 * their names. What `snmf top` prints and the report shows.
 *
 * @module
 */

import type { Model } from "../sdk/mod.ts";

/** One feature (column) and its weight. */
export interface Feature {
  /** 0-based column index. */
  column: number;
  /** The column's name, when the model has column names. */
  name?: string;
  value: number;
}

/** Top features of each v(i) and each topic, with their weights. */
export interface TopFeatures {
  strata: { name: string; features: Feature[] }[];
  topics: { topic: number; features: Feature[] }[];
}

/** Indices of the `count` largest values, largest first (ties: lower index first), as the SDK orders them. */
function topIndices(values: ArrayLike<number>, count: number): number[] {
  const order = Array.from({ length: values.length }, (_, j) => j);
  order.sort((a, b) => values[b] - values[a] || a - b);
  return order.slice(0, Math.max(0, Math.min(count, values.length)));
}

function features(model: Model, values: ArrayLike<number>, count: number): Feature[] {
  const names = model.columnNames;
  return topIndices(values, count).map((j) =>
    names ? { column: j, name: names[j], value: values[j] } : { column: j, value: values[j] }
  );
}

/** The `count` largest entries of each v(i) and each row of H, named by the model's column names. */
export function topFeatures(model: Model, count: number): TopFeatures {
  const V = model.V;
  const strata = model.names.map((name, i) => ({ name, features: features(model, V[i], count) }));
  const H = model.H;
  const topics = Array.from({ length: model.rank }, (_, q) => ({
    topic: q + 1,
    features: features(model, H.subarray(q * model.cols, (q + 1) * model.cols), count),
  }));
  return { strata, topics };
}

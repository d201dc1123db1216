/**
 * The top features of a model: the columns that set each stratum apart (ranked by contrast,
 * share or value: sdk/contrast.ts, docs/algorithm.md §Contrasts and shares) and the largest
 * entries of each topic (row of H), with their names. What `snmf top` prints and the report shows.
 *
 * @module
 */

import type { Model } from "../sdk/mod.ts";
import { featureScores, largestFirst, type RankBy } from "../sdk/contrast.ts";

/** One feature (column) and its weight. */
export interface Feature {
  /** Column index, from 0 (as in the SDK). */
  column: number;
  /** The column's name, when the model has column names. */
  name?: string;
  /** v(i)ⱼ for a stratum, H_qj for a topic. */
  value: number;
}

/** Top features of each v(i) and each topic, with their weights. */
export interface TopFeatures {
  /** What ranked the features of each stratum. */
  by: RankBy;
  /**
   * `scores[k]`: the contrast or share that ranked `features[k]` (NaN here, null in JSON, for a
   * column that is 0 in every stratum: no share); absent when ranked by value (the value is the score).
   */
  strata: { name: string; features: Feature[]; scores?: number[] }[];
  /** `topic`: the index of the topic, from 0 (row of H, column of each W(i)). */
  topics: { topic: number; features: Feature[] }[];
}

/** What the top features are read from: a model, or a plain object with its factors. */
export type FactorSource = Pick<Model, "names" | "rows" | "cols" | "rank" | "columnNames" | "V" | "H">;

/** Options of {@link topFeatures}. */
export interface TopFeaturesOptions {
  /** What ranks the columns of a stratum (default "contrast"); topics are always ranked by value. */
  by?: RankBy;
}

function features(model: FactorSource, columns: number[], values: ArrayLike<number>): Feature[] {
  const names = model.columnNames;
  return columns.map((j) => names ? { column: j, name: names[j], value: values[j] } : { column: j, value: values[j] });
}

/**
 * The `count` columns that set each stratum apart (by `options.by`) and the `count` largest
 * entries of each row of H, named by the model's column names.
 */
export function topFeatures(model: FactorSource, count: number, options: TopFeaturesOptions = {}): TopFeatures {
  const V = model.V;
  const by = options.by ?? "contrast";
  const strata = model.names.map((name, i) => {
    const scores = featureScores(V, i, by);
    const columns = largestFirst(scores, count);
    const ranked = { name, features: features(model, columns, V[i]) };
    return by === "value" ? ranked : { ...ranked, scores: columns.map((j) => scores[j]) };
  });
  const H = model.H;
  const topics = Array.from({ length: model.rank }, (_, q) => {
    const row = H.subarray(q * model.cols, (q + 1) * model.cols);
    return { topic: q, features: features(model, largestFirst(row, count), row) };
  });
  return { by, strata, topics };
}

/**
 * The means of the columns of each W(i): how much the rows of stratum i use each topic.
 * @param W s matrices, m_i×k float32, row-major
 * @returns s vectors of k (float64 sums over the rows in order, divided by m_i)
 */
export function topicUse(W: readonly Float32Array[], rank: number): Float64Array[] {
  return W.map((w) => {
    const sums = new Float64Array(rank);
    for (let r = 0; r < w.length; r += rank) for (let q = 0; q < rank; q++) sums[q] += w[r + q];
    const rows = w.length / rank;
    return sums.map((sum) => rows > 0 ? sum / rows : 0);
  });
}

/**
 * The mean of each column of the fit, `Σ_i m_i (v(i) + w̄(i) H) / Σ_i m_i` (w̄(i): the means of
 * W(i)'s columns): the scale of each column as the model sees it.
 * @returns n float64
 */
export function fittedColumnMeans(model: Model): Float64Array {
  const { cols, rank } = model;
  const H = model.H;
  const V = model.V;
  const use = topicUse(model.W, rank);
  const means = new Float64Array(cols);
  const total = model.rows.reduce((a, b) => a + b, 0);
  model.rows.forEach((rows, i) => {
    for (let j = 0; j < cols; j++) {
      let fitted = V[i][j];
      for (let q = 0; q < rank; q++) fitted += use[i][q] * H[q * cols + j];
      means[j] += (rows / total) * fitted;
    }
  });
  return means;
}

/** Columns whose fitted means differ by more than this factor are said to be on different scales. */
export const MIXED_SCALES = 100;

/**
 * What a ranking of a stratum's features is computed on, said when it matters: with no scaling
 * of the columns before the fit (`scaling` undefined) and fitted column means that differ by more
 * than {@link MIXED_SCALES}×, the larger-scaled columns rank higher by contrast and by value.
 * @param scaling how the columns were scaled before the fit, when they were
 * @returns a sentence, or undefined when there is nothing to say
 */
export function scalesNote(model: Model, by: RankBy, scaling?: string): string | undefined {
  if (scaling !== undefined) return `Ranked on the scaled values: ${scaling}.`;
  if (by === "share") return undefined;
  const positive = Array.from(fittedColumnMeans(model)).filter((x) => x > 0);
  if (positive.length < 2) return undefined;
  const ratio = Math.max(...positive) / Math.min(...positive);
  if (!(ratio > MIXED_SCALES)) return undefined;
  return `Ranked on v as fitted, in each column's own units: the columns' fitted means differ by ${
    Number(ratio.toPrecision(2))
  }×, so the larger-scaled columns rank higher by ${by} (shares are unaffected: --by share).`;
}

/**
 * The top features of a model: the columns that set each stratum apart (ranked by contrast,
 * share or value: sdk/contrast.ts, docs/algorithm.md §Contrasts and shares) and the largest
 * entries of each topic (row of H), with their names. What `snmf top` prints and the report shows.
 *
 * @module
 */

import type { Model } from "../sdk/mod.ts";
import {
  featureScores,
  largestFirst,
  type RankBy,
  rankingScales,
  type RankScaling,
  rankScaling,
} from "../sdk/contrast.ts";
import type { ScaleKind } from "../sdk/input/preprocess.ts";
import { columnLabel } from "../sdk/display.ts";
import { shortNumber } from "./effects.ts";

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
   * Whether the strata's features were ranked on the values as fitted or on the scaled values,
   * and why (sdk/contrast.ts's `rankScaling`; docs/algorithm.md §Contrasts and shares).
   */
  scaling: RankScaling;
  /**
   * `scores[k]`: the contrast or share of `features[k]` as fitted (NaN here, null in JSON, for a
   * column that is 0 in every stratum: no share); absent when ranked by value (the value is the
   * score). `scaled[k]`, when ranked on the scaled values: what ranked `features[k]`, its contrast
   * or value divided by the column's largest value in the data.
   */
  strata: { name: string; features: Feature[]; scores?: number[]; scaled?: number[] }[];
  /** `topic`: the index of the topic, from 0 (row of H, column of each W(i)). */
  topics: { topic: number; features: Feature[] }[];
}

/** What the top features are read from: a model, or a plain object with its factors. */
export type FactorSource =
  & Pick<Model, "names" | "rows" | "cols" | "rank" | "columnNames" | "V" | "H">
  & Partial<Pick<Model, "columnMaxima" | "preprocessing">>;

/** Options of {@link topFeatures}. */
export interface TopFeaturesOptions {
  /** What ranks the columns of a stratum (default "contrast"); topics are always ranked by value. */
  by?: RankBy;
}

function features(model: FactorSource, columns: number[], values: ArrayLike<number>): Feature[] {
  const names = model.columnNames;
  return columns.map((j) => names ? { column: j, name: names[j], value: values[j] } : { column: j, value: values[j] });
}

/** One stratum's top features: ranked on the scaled scores when `scales` are given, shown as fitted. */
function strataFeatures(
  model: FactorSource,
  i: number,
  count: number,
  by: RankBy,
  scales: ArrayLike<number> | undefined,
): TopFeatures["strata"][number] {
  const V = model.V;
  const scores = featureScores(V, i, by);
  const ranking = scales ? featureScores(V, i, by, scales) : scores;
  const columns = largestFirst(ranking, count);
  const ranked = { name: model.names[i], features: features(model, columns, V[i]) };
  return {
    ...ranked,
    ...(by === "value" ? {} : { scores: columns.map((j) => scores[j]) }),
    ...(scales ? { scaled: columns.map((j) => ranking[j]) } : {}),
  };
}

/**
 * The `count` columns that set each stratum apart (by `options.by`, on the scaled values when the
 * columns are on mixed scales: sdk/contrast.ts's `rankScaling`) and the `count` largest entries
 * of each row of H, named by the model's column names.
 */
export function topFeatures(model: FactorSource, count: number, options: TopFeaturesOptions = {}): TopFeatures {
  const by = options.by ?? "contrast";
  const scaling = rankScaling(model, by);
  const scales = rankingScales(model, by);
  const strata = model.names.map((_, i) => strataFeatures(model, i, count, by, scales));
  const H = model.H;
  const topics = Array.from({ length: model.rank }, (_, q) => {
    const row = H.subarray(q * model.cols, (q + 1) * model.cols);
    return { topic: q, features: features(model, largestFirst(row, count), row) };
  });
  return { by, scaling, strata, topics };
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

/** What each way of scaling before the fit did to a column, in words. */
const SCALED_BEFORE: Record<Exclude<ScaleKind, "none">, string> = {
  max: "each column divided by its largest value",
  minmax: "each column mapped onto [0, 1]",
  std: "each column divided by its standard deviation",
};

/** "differ by 640× (8 in Cylinders, 5140 in Weight)": how far apart the columns' largest values are. */
function spreadText(scaling: RankScaling, source: FactorSource): string {
  const { ratio, low, high } = scaling;
  if (ratio === undefined || low === undefined || high === undefined || !source.columnMaxima) return "";
  const at = (j: number) => `${shortNumber(source.columnMaxima![j])} in ${columnLabel(source.columnNames, j)}`;
  return `differ by ${shortNumber(ratio, 2)}× (${at(low)}, ${at(high)})`;
}

/**
 * What a ranking of the strata's features was computed on, in a sentence (docs/algorithm.md
 * §Contrasts and shares, "Mixed scales"): always for `"scaled"` rankings, scaling before the
 * fit and models that do not record their column maxima; for the others (one scale, or shares
 * of columns on one scale) only with `always` (the report says it; `snmf top` does not).
 * @returns a sentence, or undefined when there is nothing to say
 */
export function scalingNote(top: TopFeatures, source: FactorSource, always = false): string | undefined {
  const { scaling, by } = top;
  const score = by === "contrast" ? "contrast" : "v(i)ⱼ";
  switch (scaling.reason) {
    case "mixed scales":
      return `Ranked on the scaled values: the columns' largest values in the data ${
        spreadText(scaling, source)
      }, so each column's ${score} was divided by its largest value before ranking; the numbers shown are as fitted.`;
    case "scaled before the fit":
      return `Ranked on the scaled values: the columns were scaled before the fit (${
        SCALED_BEFORE[scaling.scale!]
      }), so the values as fitted are on one scale.`;
    case "not recorded":
      return "Ranked on v as fitted, in each column's own units: the model does not record its columns' largest values (a file written before it did), and with columns on different scales the larger-scaled columns rank higher by contrast and by value (shares are unaffected; fit again to rank on the scaled values).";
    case "scale-free": {
      if (!scaling.mixed && !always) return undefined;
      return `Shares are scale-free (a ratio within each column), so they are ranked as fitted${
        scaling.mixed
          ? `: the columns' largest values ${spreadText(scaling, source)}, which leaves shares as they are`
          : ""
      }.`;
    }
    case "one scale":
      return always
        ? `Ranked on v as fitted: the columns' largest values in the data ${
          spreadText(scaling, source)
        }, within 100× of each other.`
        : undefined;
  }
}

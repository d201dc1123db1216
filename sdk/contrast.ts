/**
 * What sets a stratum apart, column by column: contrasts and shares of the shifts v(i), and
 * rankings of the columns by them (docs/algorithm.md §Contrasts and shares). Pure functions over
 * plain arrays (a model's `V`, or `toJSON().V`): no WebAssembly.
 *
 * `V` is `s` vectors of `n` (one per stratum, as `Model.V`): `V[i][j]` is `v(i)ⱼ`, a finite
 * number ≥ 0. Sums run in float64 over the strata in order `l = 0, 1, …, s−1`.
 *
 * Columns on mixed scales (a model's `columnMaxima` more than 100× apart) are ranked by contrast
 * and by value on the scaled values, each column's score divided by its largest value in the data
 * ({@link rankScaling}; docs/algorithm.md §Contrasts and shares, "Mixed scales").
 *
 * @module
 */

import { maximaSpread, type ScaleKind } from "./input/preprocess.ts";

/** What to rank the columns of a stratum by: its contrast (the default), its share, or v(i) itself. */
export type RankBy = "contrast" | "share" | "value";

/** The choices of {@link RankBy}, in the order they are documented. */
export const RANK_BY: readonly RankBy[] = ["contrast", "share", "value"];

const RANK = "Cannot rank features";

/** `Σ_l V[l][j]` for every column (float64, strata in order); checks V's shape and entries. */
function columnTotals(V: readonly ArrayLike<number>[], action: string): Float64Array {
  if (!Array.isArray(V)) throw new TypeError(`${action}: V must be an array of vectors, one per stratum`);
  if (V.length === 0) throw new RangeError(`${action}: V has no stratum`);
  const n = V[0].length;
  const totals = new Float64Array(n);
  V.forEach((v, l) => {
    if (v?.length !== n) {
      throw new RangeError(`${action}: V[${l}] has ${v?.length} entries, V[0] has ${n}`);
    }
    for (let j = 0; j < n; j++) {
      const x = v[j];
      if (!(typeof x === "number" && Number.isFinite(x) && x >= 0)) {
        throw new RangeError(`${action}: V[${l}][${j}] must be a finite number ≥ 0, got ${x}`);
      }
      totals[j] += x;
    }
  });
  return totals;
}

/** Row i of the contrasts, from the column totals: `v(i)ⱼ − (total_j − v(i)ⱼ) / (s−1)`; v(i) itself when s = 1. */
function contrastRow(totals: Float64Array, v: ArrayLike<number>, strata: number): Float64Array {
  const others = strata - 1;
  return totals.map((total, j) => others === 0 ? v[j] : v[j] - (total - v[j]) / others);
}

/** Row i of the shares, from the column totals: `v(i)ⱼ / total_j`, NaN where the total is 0. */
function shareRow(totals: Float64Array, v: ArrayLike<number>): Float64Array {
  return totals.map((total, j) => total === 0 ? NaN : v[j] / total);
}

/**
 * The contrasts of every stratum in every column: `c_ij = v(i)ⱼ − (1/(s−1)) Σ_{l≠i} v(l)ⱼ`,
 * v(i) minus the unweighted mean of the other strata (every stratum counts once, whatever its
 * row count). With one stratum there are no others: their mean is taken as 0, so `c_1j = v(1)ⱼ`
 * (ranking by contrast is then ranking by value). The mean of the others is computed as
 * `(Σ_l v(l)ⱼ − v(i)ⱼ) / (s−1)` in float64.
 *
 * @param V s vectors of n (finite, ≥ 0), as `Model.V`
 * @returns s vectors of n float64: `c_ij`, positive where stratum i is above the others' mean
 * @throws {TypeError | RangeError} for an empty or ragged V, or a negative or non-finite entry
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { contrasts } from "stratified-nmf";
 *
 * const c = contrasts([[3, 1], [1, 1], [2, 4]]);
 * assert.deepEqual(Array.from(c[0]), [3 - (1 + 2) / 2, 1 - (1 + 4) / 2]); // [1.5, -1.5]
 * assert.deepEqual(Array.from(contrasts([[2, 0]])[0]), [2, 0]); // one stratum: v itself
 * ```
 */
export function contrasts(V: readonly ArrayLike<number>[]): Float64Array[] {
  const totals = columnTotals(V, "Cannot compute contrasts");
  return V.map((v) => contrastRow(totals, v, V.length));
}

/**
 * The shares of every stratum in every column: `v(i)ⱼ / Σ_l v(l)ⱼ`, the paper's normalized bars
 * (the shares of a column sum to 1 over the strata). A column whose v is 0 in every stratum has
 * no share: NaN (null in JSON), never a number made up for it. With one stratum the share is 1
 * wherever v(1)ⱼ > 0.
 *
 * @param V s vectors of n (finite, ≥ 0), as `Model.V`
 * @returns s vectors of n float64 in [0, 1], NaN in the columns that are 0 in every stratum
 * @throws {TypeError | RangeError} as {@link contrasts}
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shares } from "stratified-nmf";
 *
 * const [first, second] = shares([[3, 0], [1, 0]]);
 * assert.deepEqual(Array.from(first), [0.75, NaN]);
 * assert.deepEqual(Array.from(second), [0.25, NaN]);
 * ```
 */
export function shares(V: readonly ArrayLike<number>[]): Float64Array[] {
  const totals = columnTotals(V, "Cannot compute shares");
  return V.map((v) => shareRow(totals, v));
}

/**
 * The scores of the columns of one stratum under `by`: its row of {@link contrasts} or of
 * {@link shares}, or v(i) itself (as float64); with `scales`, contrasts and values divided by
 * each column's scale (shares are ratios within a column: `scales` leaves them as they are).
 * Costs one pass over V.
 *
 * @param V s vectors of n (finite, ≥ 0)
 * @param stratum 0-based index of the stratum
 * @param by what to score by (default "contrast")
 * @param scales n finite numbers ≥ 0 to divide contrasts and values by (a model's
 *   `columnMaxima`, as {@link rankScaling} decides); a column of scale 0 (its data all 0) is not divided
 * @returns n float64 (NaN only for shares of all-zero columns)
 * @throws {TypeError | RangeError} as {@link contrasts}, for a stratum out of range, an unknown
 *   `by`, and scales of another length than V's rows or not finite ≥ 0
 */
export function featureScores(
  V: readonly ArrayLike<number>[],
  stratum: number,
  by: RankBy = "contrast",
  scales?: ArrayLike<number>,
): Float64Array {
  return scoresOf(V, stratum, by, scales, "Cannot score features");
}

function scoresOf(
  V: readonly ArrayLike<number>[],
  stratum: number,
  by: RankBy,
  scales: ArrayLike<number> | undefined,
  action: string,
): Float64Array {
  const totals = columnTotals(V, action);
  if (!Number.isInteger(stratum) || stratum < 0 || stratum >= V.length) {
    throw new RangeError(`${action}: stratum ${stratum} is not in [0, ${V.length})`);
  }
  const v = V[stratum];
  switch (by) {
    case "contrast":
      return scaled(contrastRow(totals, v, V.length), scales, action);
    case "share":
      return shareRow(totals, v);
    case "value":
      return scaled(Float64Array.from(v), scales, action);
    default:
      throw new RangeError(`${action}: by must be one of ${RANK_BY.join(", ")}, got ${JSON.stringify(by)}`);
  }
}

/** `scores` divided in place by `scales` where a scale is positive; `scores` as they are without scales. */
function scaled(scores: Float64Array, scales: ArrayLike<number> | undefined, action: string): Float64Array {
  if (scales === undefined) return scores;
  if (scales.length !== scores.length) {
    throw new RangeError(`${action}: scales has ${scales.length} numbers for ${scores.length} columns`);
  }
  for (let j = 0; j < scores.length; j++) {
    const scale = scales[j];
    if (!(typeof scale === "number" && Number.isFinite(scale) && scale >= 0)) {
      throw new RangeError(`${action}: scales[${j}] must be a finite number ≥ 0, got ${scale}`);
    }
    if (scale > 0) scores[j] /= scale;
  }
  return scores;
}

/**
 * Indices of the `count` largest `scores`, largest first. Ties: the lower index first. NaN
 * (no score) ranks after every number, NaNs among themselves by index.
 *
 * @param scores n numbers
 * @param count how many (more than n gives n)
 * @returns at most `count` 0-based indices
 * @throws {RangeError} when count is not an integer ≥ 0
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { largestFirst } from "./contrast.ts";
 *
 * assert.deepEqual(largestFirst([1, NaN, 3, 3, 0], 4), [2, 3, 0, 4]);
 * ```
 */
export function largestFirst(scores: ArrayLike<number>, count: number): number[] {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`${RANK}: count must be an integer ≥ 0, got ${count}`);
  }
  const order = Array.from({ length: scores.length }, (_, j) => j);
  const missing = (x: number) => Number.isNaN(x) ? 1 : 0;
  order.sort((a, b) => missing(scores[a]) - missing(scores[b]) || (scores[b] - scores[a] || 0) || a - b);
  return order.slice(0, Math.min(count, scores.length));
}

/**
 * The `count` columns that set stratum `stratum` apart most, by `by` (docs/algorithm.md
 * §Contrasts and shares): largest contrast (the default), largest share, or largest v(i).
 * Ties: the lower column first; columns with no share (0 in every stratum) come last.
 *
 * @param V s vectors of n (finite, ≥ 0), as `Model.V`
 * @param stratum 0-based index of the stratum
 * @param count how many columns (more than n gives n)
 * @param by what to rank by (default "contrast")
 * @param scales what to divide contrasts and values by before ranking, as {@link featureScores}
 *   (absent: ranked as given; `Model.topFeatures` passes its `columnMaxima` as {@link rankScaling} says)
 * @returns at most `count` 0-based column indices, first the one that sets the stratum apart most
 * @throws {TypeError | RangeError} for an empty or ragged V, a negative or non-finite entry, a
 *   stratum out of range, a count that is not an integer ≥ 0, an unknown `by`, or bad `scales`
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rankFeatures } from "stratified-nmf";
 *
 * // Column 0 is large everywhere; column 2 is where stratum 1 stands out.
 * const V = [[9, 1, 0], [9, 0, 3], [8, 1, 0]];
 * assert.deepEqual(rankFeatures(V, 1, 2, "value"), [0, 2]);
 * assert.deepEqual(rankFeatures(V, 1, 2), [2, 0]); // contrasts 3, 0.5, −1
 * assert.deepEqual(rankFeatures(V, 1, 3, "share"), [2, 0, 1]); // shares 1, 9/26, 0
 * // On the columns' scales (9000, 1, 3), stratum 1's 3 in column 2 is its largest value.
 * assert.deepEqual(rankFeatures(V, 1, 2, "value", [9000, 1, 3]), [2, 0]);
 * ```
 */
export function rankFeatures(
  V: readonly ArrayLike<number>[],
  stratum: number,
  count: number,
  by: RankBy = "contrast",
  scales?: ArrayLike<number>,
): number[] {
  return largestFirst(scoresOf(V, stratum, by, scales, RANK), count);
}

/**
 * Why a ranking was computed on the values as fitted or on the scaled values (see
 * {@link rankScaling}): `"mixed scales"`, the columns' largest values differ by more than 100×
 * (ranked on the scaled values); `"one scale"`, they do not; `"scaled before the fit"`, the
 * columns were put on one scale before the fit (the preprocessing's `scale`); `"scale-free"`,
 * ranked by share, a ratio within each column; `"not recorded"`, the model does not record its
 * columns' largest values (a file written before it did).
 */
export type ScalingReason = "mixed scales" | "one scale" | "scaled before the fit" | "scale-free" | "not recorded";

/** What a ranking of a model's columns was computed on, and why ({@link rankScaling}). */
export interface RankScaling {
  /**
   * `"scaled"`: each column's contrast or v(i)ⱼ divided by the column's largest value in the
   * data (`columnMaxima[j]`) before ranking; `"fitted"`: the scores as fitted.
   */
  rankedOn: "scaled" | "fitted";
  reason: ScalingReason;
  /**
   * With recorded column maxima: the largest over the smallest positive one, those columns
   * (0-based), and whether the ratio is over 100 (columns on mixed scales, whatever ranks them);
   * absent when the model records none or every column is 0.
   */
  ratio?: number;
  low?: number;
  high?: number;
  mixed?: boolean;
  /** With `"scaled before the fit"`: how the columns were scaled (`"max"`, `"minmax"` or `"std"`). */
  scale?: Exclude<ScaleKind, "none">;
}

/** What {@link rankScaling} reads of a model. */
export interface ScalingSource {
  /** The largest value of each column of the data the model was fit to (`Model.columnMaxima`). */
  readonly columnMaxima?: ArrayLike<number>;
  /** What was done to the columns before the fit (`Model.preprocessing`). */
  readonly preprocessing?: { readonly scale: ScaleKind };
}

/**
 * Whether `Model.topFeatures`, `snmf top` and the report rank a model's columns on the scaled
 * values (docs/algorithm.md §Contrasts and shares, "Mixed scales"). The columns are on mixed
 * scales when the largest of their maxima in the data (`columnMaxima`, recorded by the fit) is
 * more than 100 times the smallest positive one: the rule of the fit's warning. Then contrasts
 * and values are divided by each column's maximum before ranking (`"scaled"`); the numbers shown
 * stay as fitted. Nothing changes when the columns were scaled before the fit (a preprocessing
 * `scale` other than `"none"`: the values as fitted are the scaled ones), for shares (a ratio
 * within each column, scale-free), or when the model records no maxima.
 *
 * @param source a model, or any object with its `columnMaxima` and `preprocessing`
 * @param by what ranks the columns
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rankScaling } from "stratified-nmf";
 *
 * const columnMaxima = [5140, 8, 24.8]; // weight in pounds, cylinders, acceleration
 * assert.equal(rankScaling({ columnMaxima }, "contrast").rankedOn, "scaled");
 * assert.equal(rankScaling({ columnMaxima }, "share").reason, "scale-free");
 * assert.equal(rankScaling({ columnMaxima: [1, 0.5, 0.9] }, "value").reason, "one scale");
 * ```
 */
export function rankScaling(source: ScalingSource, by: RankBy): RankScaling {
  const spread = source.columnMaxima && maximaSpread(source.columnMaxima);
  const facts = spread ? { ratio: spread.ratio, low: spread.low, high: spread.high, mixed: spread.mixed } : {};
  const scale = source.preprocessing?.scale;
  if (scale !== undefined && scale !== "none") {
    return { rankedOn: "fitted", reason: "scaled before the fit", ...facts, scale };
  }
  if (by === "share") return { rankedOn: "fitted", reason: "scale-free", ...facts };
  if (!source.columnMaxima) return { rankedOn: "fitted", reason: "not recorded" };
  return spread?.mixed
    ? { rankedOn: "scaled", reason: "mixed scales", ...facts }
    : { rankedOn: "fitted", reason: "one scale", ...facts };
}

/**
 * The scales that {@link rankScaling} ranks `source`'s columns by under `by`: its `columnMaxima`
 * when ranked on the scaled values, undefined when ranked as fitted.
 */
export function rankingScales(source: ScalingSource, by: RankBy): ArrayLike<number> | undefined {
  return rankScaling(source, by).rankedOn === "scaled" ? source.columnMaxima : undefined;
}

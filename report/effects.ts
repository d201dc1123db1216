/**
 * What `snmf top` and `snmf report` say about intervals, tests and stability
 * (docs/inference.md): the effects of `effects()` by stratum and column, the interval of the
 * quantity a ranking uses, the calls (q < 0.05), and the model's stability over its restarts.
 *
 * @module
 */

import type { Effect, Effects, Model } from "../sdk/mod.ts";
import type { RankBy } from "../sdk/contrast.ts";
import { columnLabel } from "../sdk/display.ts";

/** A contrast with a q-value below this is a call. */
export const CALL_Q = 0.05;

/** What the intervals are, said wherever they are shown. */
export const INTERVALS_CAVEAT =
  "The intervals and tests are for the procedure's canonical split of the data (docs/inference.md), not for the model's V: each statistic comes from one fixed refit (a pooled start that does not see the labels, then T iterations of HALS) and v*(i) moves into the shift what nearly every row of the stratum carries. The model's own v(i) can lie outside them.";

/** Whether an effect is a call: its contrast's q-value is below {@link CALL_Q}. */
export const isCall = (effect: Effect): boolean => effect.q < CALL_Q;

/** The marks after a feature's name: * when its contrast is a call, † when its split is unstable over restarts. */
export const effectMarks = (effect: Effect | undefined, unstable: boolean): string =>
  `${effect && isCall(effect) ? "*" : ""}${unstable ? "†" : ""}`;

/**
 * The effects by stratum and column: `grid[i][j]` for stratum `names[i]`, column `j`.
 * @throws {RangeError} when a pair is missing or given twice
 */
export function effectsGrid(effects: Effects, names: readonly string[], cols: number): Effect[][] {
  const grid: (Effect | undefined)[][] = names.map(() => new Array(cols));
  for (const effect of effects.effects) {
    const i = names.indexOf(effect.stratum);
    if (i < 0 || grid[i][effect.column] !== undefined) {
      throw new RangeError(
        `Cannot show effects: stratum "${effect.stratum}", column ${effect.column} is ${
          i < 0 ? "not the model's" : "given twice"
        }`,
      );
    }
    grid[i][effect.column] = effect;
  }
  names.forEach((name, i) => {
    const j = Array.from({ length: cols }, (_, c) => c).find((c) => grid[i][c] === undefined);
    if (j !== undefined) throw new RangeError(`Cannot show effects: stratum "${name}", column ${j} is missing`);
  });
  return grid as Effect[][];
}

/** The procedure's estimate of what `by` ranks (v*, its share or its contrast), and its interval. */
export function estimateOf(effect: Effect, by: RankBy): { estimate: number; lower: number; upper: number } {
  if (by === "share") return { estimate: effect.share, lower: effect.shareInterval[0], upper: effect.shareInterval[1] };
  if (by === "value") return { estimate: effect.v, lower: effect.vInterval[0], upper: effect.vInterval[1] };
  return { estimate: effect.contrast, lower: effect.lower, upper: effect.upper };
}

/** What `by` calls the procedure's quantity, for labels: "contrast", "share", "v*". */
export const estimateName = (by: RankBy): string => by === "value" ? "v*" : by;

/** `digits` significant digits, exponent form for small and large magnitudes ("0.0123", "1.23e-5"). */
export function shortNumber(x: number, digits = 3): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const magnitude = Math.abs(x);
  return magnitude < 1e-3 || magnitude >= 1e6 ? x.toExponential(digits - 1) : String(Number(x.toPrecision(digits)));
}

/** Every number of an effect as lines of text (tooltips, and `snmf top --json`'s readers). */
export function effectDetail(effect: Effect, level: number): string {
  const percent = `${Math.round(level * 100)} %`;
  const interval = (lower: number, upper: number) => `[${shortNumber(lower, 4)}, ${shortNumber(upper, 4)}]`;
  return [
    `contrast (canonical split): ${shortNumber(effect.contrast, 4)}, ${percent} interval ${
      interval(effect.lower, effect.upper)
    }`,
    `p ${shortNumber(effect.p, 3)}, q ${shortNumber(effect.q, 3)}${isCall(effect) ? ` (q < ${CALL_Q}: a call)` : ""}`,
    `v*: ${shortNumber(effect.v, 4)} ${interval(...effect.vInterval)}`,
    `share: ${shortNumber(effect.share, 3)} ${interval(...effect.shareInterval)}`,
    ...(effect.stable === null ? [] : [`split over restarts: ${effect.stable ? "stable" : "unstable"}`]),
  ].join("\n");
}

/** The settings of an effects run, in words. */
export function effectsSettingsText(settings: Effects["settings"]): string {
  return `${settings.replicates} bootstrap replicates, ${settings.permutations} permutations, seed ${settings.seed}, ` +
    `T = ${settings.iterations} HALS iterations from a pooled start of T₀ = ${settings.pooledIterations}` +
    (settings.bootstrapStart === "data" ? " (the replicates from the data's pooled start)" : "") +
    `, ${Math.round(settings.level * 100)} % percentile intervals`;
}

/** The model's stability over its restarts, ready to be said. */
export interface StabilitySummary {
  /** Starts run, and those within 1 % of the best loss (the best included). */
  starts: number;
  near: number;
  /** Per stratum, the labels of the columns whose share moved by more than 0.05. */
  unstable: string[][];
  /** Per stratum, the mean overlap (Jaccard) of the top-10 columns by contrast with the best start's. */
  jaccard: number[];
  /** Per topic, the mean cosine of its match in the other near starts. */
  topicAgreement: number[];
}

/** The sentence that stands for the stability when only the best start ended within 1 % of its loss. */
export function nothingCompared(stability: StabilitySummary): string {
  return `Only the best of the ${stability.starts} starts ended within 1 % of its loss: with nothing to compare it ` +
    "with, no column's split is known to be stable or not (fit with more --restarts or --iters).";
}

/**
 * The stability the model records (fit with restarts), or undefined. With one start near the
 * best, `near` is 1 and no column is listed unstable: see {@link nothingCompared}.
 */
export function stabilitySummary(model: Model): StabilitySummary | undefined {
  const stability = model.stability;
  if (!stability) return undefined;
  return {
    starts: model.starts?.seeds.length ?? stability.near.length,
    near: stability.near.length,
    unstable: stability.stable.map((row) =>
      stability.near.length < 2 ? [] : row.flatMap((stable, j) => stable ? [] : [columnLabel(model.columnNames, j)])
    ),
    jaccard: [...stability.jaccard],
    topicAgreement: [...stability.topicAgreement],
  };
}

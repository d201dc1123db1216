/**
 * What the commands print about a model: the `--json` summary of a fit, its human-readable
 * form, and tables of top features of each v(i) and each topic (row of H).
 *
 * @module
 */

import type { Model } from "../sdk/mod.ts";
import type { Feature, TopFeatures } from "../report/top_features.ts";
import { columnLabel, topicLabel } from "../sdk/display.ts";

export { type Feature, type TopFeatures, topFeatures } from "../report/top_features.ts";

/** The numbering rule, stated in the `--help` of the commands that print columns or topics. */
export const NUMBERING_HELP =
  `  Numbering: strata, columns and topics of a model are numbered from 0 in text, JSON and the
  SDK alike (topic q is row q of H and column q of each W(i); an unnamed column j prints as
  "col j"); lines and columns of input files are counted from 1, as editors count them.`;

/** The `--json` summary of a fit. */
export interface FitSummary {
  strata: { name: string; rows: number }[];
  cols: number;
  rank: number;
  iterations: number;
  converged: boolean;
  seconds: number;
  msPerIter: number | null;
  loss: number;
  normalizedLoss: number;
  lossHistory: number[];
  vMeans: number[];
  seed: number | null;
  schedule: string;
  solver: string;
  threads: number;
  out: string | null;
}

/**
 * The summary of a fitted model. `seconds` is the whole fit() call as the model recorded it
 * (`model.totalMs`), the time the report shows too.
 */
export function fitSummary(model: Model, out: string | null): FitSummary {
  const seconds = (model.totalMs ?? model.elapsedMs) / 1000;
  return {
    strata: model.names.map((name, i) => ({ name, rows: model.rows[i] })),
    cols: model.cols,
    rank: model.rank,
    iterations: model.iterations,
    converged: model.converged,
    seconds,
    msPerIter: model.iterations > 0 ? (seconds * 1000) / model.iterations : null,
    loss: model.loss,
    normalizedLoss: model.normalizedLoss,
    lossHistory: Array.from(model.lossHistory),
    vMeans: model.vMeans(),
    seed: model.seed,
    schedule: model.schedule,
    solver: model.solver,
    threads: model.threads,
    out,
  };
}

/** The summary as lines of text. */
export function formatFitSummary(summary: FitSummary): string[] {
  const { strata, cols, rank, iterations, seconds, msPerIter } = summary;
  const totalRows = strata.reduce((sum, s) => sum + s.rows, 0);
  const width = Math.max(7, ...strata.map((s) => s.name.length));
  const method = summary.solver === "mu" ? `${summary.schedule} schedule` : `${summary.solver} solver`;
  const start = summary.seed === null ? "start from --init" : `seed ${summary.seed}`;
  return [
    `${strata.length} strata, ${totalRows} rows × ${cols} columns; rank ${rank}, ${method}, ${start}`,
    `${iterations} iterations${summary.converged ? " (converged: --tol reached)" : ""} in ${seconds.toFixed(2)} s` +
    (msPerIter === null ? "" : ` (${msPerIter.toFixed(3)} ms/iteration)`),
    `loss ${summary.loss.toExponential(4)}, normalized loss ${summary.normalizedLoss.toExponential(4)}`,
    "",
    `${"stratum".padEnd(width)}  ${"rows".padStart(7)}  mean of v`,
    ...strata.map((s, i) =>
      `${s.name.padEnd(width)}  ${String(s.rows).padStart(7)}  ${summary.vMeans[i].toPrecision(4).padStart(9)}`
    ),
  ];
}

/** The heading of the strata's table: what ranks their features. */
const STRATA_HEADINGS = {
  contrast: "Top features of each stratum by contrast (v(i) minus the mean of the other strata's v):",
  share: "Top features of each stratum by share (v(i) over the column's sum of v over the strata):",
  value: "Top features of each stratum's v(i) (what sets it apart):",
} as const;

/** A ranking score as text ("no share" for a column that is 0 in every stratum). */
function scoreText(score: number): string {
  return Number.isNaN(score) ? "no share" : score.toPrecision(3);
}

/**
 * Tables of top features: one line per stratum and per topic. `what.annotate` adds text after a
 * stratum's feature (its interval and marks: `snmf top --effects`).
 */
export function formatTopFeatures(
  top: TopFeatures,
  what: { values: boolean; note?: string; annotate?: (stratum: number, feature: Feature) => string },
): string[] {
  // Unnamed columns are numbered from 0, as in the SDK and the JSON (sdk/display.ts).
  const name = (f: Feature) => f.name ?? columnLabel(undefined, f.column);
  const label = (f: Feature, score = f.value) => what.values ? `${name(f)} (${scoreText(score)})` : name(f);
  const width = Math.max(8, ...top.strata.map((s) => s.name.length));
  return [
    STRATA_HEADINGS[top.by],
    ...top.strata.map((s, i) =>
      `  ${s.name.padEnd(width)}  ${
        s.features.map((f, k) => label(f, s.scores?.[k]) + (what.annotate?.(i, f) ?? "")).join(", ")
      }`
    ),
    ...(what.note ? [what.note] : []),
    "",
    "Top features of each topic (row of H, shared by all strata):",
    ...top.topics.map((t) => `  ${topicLabel(t.topic).padEnd(width)}  ${t.features.map((f) => label(f)).join(", ")}`),
  ];
}

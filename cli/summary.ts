/**
 * What the commands print about a model: the `--json` summary of a fit, its human-readable
 * form, and tables of top features of each v(i) and each topic (row of H).
 *
 * @module
 */

import type { Model } from "../sdk/mod.ts";
import type { Feature, TopFeatures } from "../report/top_features.ts";

export { type Feature, type TopFeatures, topFeatures } from "../report/top_features.ts";

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

export function fitSummary(model: Model, seconds: number, out: string | null): FitSummary {
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

/** Tables of top features: one line per stratum and per topic. */
export function formatTopFeatures(top: TopFeatures, what: { values: boolean }): string[] {
  // Unnamed columns are numbered from 1, as in the input file.
  const name = (f: Feature) => f.name ?? `col ${f.column + 1}`;
  const label = (f: Feature) => what.values ? `${name(f)} (${f.value.toPrecision(3)})` : name(f);
  const width = Math.max(8, ...top.strata.map((s) => s.name.length));
  return [
    "Top features of each stratum's v(i) (what sets it apart):",
    ...top.strata.map((s) => `  ${s.name.padEnd(width)}  ${s.features.map(label).join(", ")}`),
    "",
    "Top features of each topic (row of H, shared by all strata):",
    ...top.topics.map((t) => `  ${`topic ${t.topic}`.padEnd(width)}  ${t.features.map(label).join(", ")}`),
  ];
}

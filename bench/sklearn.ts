/**
 * The strongest peer, side by side: scikit-learn's NMF (../shared/bench/sklearn_baseline.py,
 * `solver="cd"`, exact coordinate descent, and `solver="mu"`) on the strata stacked, against this
 * project's HALS and multiplicative updates on plain NMF (every v(i) fixed at 0: `init` with V = 0
 * and `vUpdates: 0`), from the same start (scikit-learn's random scaling, W, H ~ U(0,1) ·
 * sqrt(mean(A)/k), one seed). Both are timed by the same rule: the difference of a long and a
 * short fit over the difference of their iterations. The losses must agree (HALS against `cd`,
 * MU against `mu`: the same math) before a ratio is printed; the stratified fit of the same data
 * (from the same W, H and v = 0, HALS) is reported beside them.
 *
 *   deno run -A bench/sklearn.ts [--quick] [--threads N] [--workloads tfidf,spam,dense]
 *   npm run bench -- --compare-sklearn      (the same, inside bench.ts's run)
 *
 * Needs /usr/bin/python3 with scikit-learn (`apt-get install python3-sklearn`).
 *
 * @module
 */

import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { fit, type FitOptions, Random, type Stratum } from "../sdk/mod.ts";
import { pythonHas, runPython, withBaselineFiles } from "./baseline_files.ts";
import { colsOf, namedWorkload, rowsOf } from "./workloads.ts";

const SKLEARN = fileURLToPath(new URL("../../shared/bench/sklearn_baseline.py", import.meta.url));

/** Whether /usr/bin/python3 has scikit-learn. */
export function sklearnAvailable(): boolean {
  return pythonHas("sklearn", "scipy");
}

/** What sklearn_baseline.py prints (the fields used here). */
interface SklearnResult {
  seconds: number;
  normalized_loss: number;
  iterations: number;
}

/** A start { V = 0, W, H } as scikit-learn's random init scales it: U(0,1) · sqrt(mean(A)/k). */
function plainStart(strata: Stratum[], rank: number, seed: number) {
  const n = colsOf(strata[0]);
  const rows = strata.map(rowsOf);
  let sum = 0;
  for (const s of strata) {
    const values = ("indptr" in s ? s.values : s.data) as ArrayLike<number>;
    for (let e = 0; e < values.length; e++) sum += values[e];
  }
  const avg = Math.sqrt(sum / (rows.reduce((a, b) => a + b, 0) * n) / rank);
  const random = new Random(seed);
  const draw = (length: number) => Array.from({ length }, () => Math.fround(avg * random.next()));
  return {
    V: rows.map(() => new Array(n).fill(0)),
    W: rows.map((m) => draw(m * rank)),
    H: draw(rank * n),
  };
}

/** One side's timing: ms per iteration and the normalized loss after the long fit. */
export interface Timing {
  msPerIter: number;
  normalizedLoss: number;
}

function timeSklearn(strata: Stratum[], start: object, rank: number, solver: "cd" | "mu", iters: [number, number]) {
  return withBaselineFiles(strata, start, (dir, init) => {
    const run = (n: number) =>
      runPython<SklearnResult>(
        [SKLEARN, dir, "--rank", String(rank), "--iters", String(n), "--solver", solver, "--init", init],
        "scikit-learn baseline",
      );
    run(iters[0]); // warm-up: imports, BLAS threads
    const short = run(iters[0]);
    const long = run(iters[1]);
    return {
      msPerIter: 1e3 * (long.seconds - short.seconds) / (iters[1] - iters[0]),
      normalizedLoss: long.normalized_loss,
    };
  });
}

async function timeOurs(strata: Stratum[], options: FitOptions, iters: [number, number]): Promise<Timing> {
  const time = async (maxIter: number) => {
    const model = await fit(strata, { ...options, maxIter, trackLoss: false });
    const result = { ms: model.elapsedMs, normalizedLoss: model.normalizedLoss };
    model.free();
    return result;
  };
  await time(iters[1]); // warm-up: workers, the engines' optimizing tiers
  const short = await time(iters[0]);
  const long = await time(iters[1]);
  return { msPerIter: (long.ms - short.ms) / (iters[1] - iters[0]), normalizedLoss: long.normalizedLoss };
}

/** The comparison of one workload. */
export interface PeerComparison {
  workload: string;
  threads: number;
  cd: Timing;
  hals: Timing;
  hals1: Timing;
  sklearnMu: Timing;
  mu: Timing;
  stratified: Timing;
}

/** Largest relative difference of the normalized losses for which a ratio is printed. */
export const LOSS_AGREEMENT = 1e-5;

/** Relative difference of two losses. */
const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

/** Times one workload on both sides (see the module comment). */
export async function comparePeer(
  workload: string,
  threads: number,
  iters: [number, number],
): Promise<PeerComparison> {
  const { strata, rank } = namedWorkload(workload);
  const init = plainStart(strata, rank, 1);
  const n = colsOf(strata[0]);
  const sklearnStart = { W: init.W, H: Array.from({ length: rank }, (_, q) => init.H.slice(q * n, (q + 1) * n)) };
  // The data as given: scikit-learn fits them so (HALS would agree either way, the MU ε would not).
  const plain = { rank, init, vUpdates: 0, threads, normalizeUnits: false };
  return {
    workload,
    threads,
    cd: timeSklearn(strata, sklearnStart, rank, "cd", iters),
    hals: await timeOurs(strata, { ...plain, solver: "hals" }, iters),
    hals1: await timeOurs(strata, { ...plain, solver: "hals", threads: 1 }, iters),
    sklearnMu: timeSklearn(strata, sklearnStart, rank, "mu", iters),
    mu: await timeOurs(strata, { ...plain, solver: "mu", schedule: "sequential" }, iters),
    stratified: await timeOurs(strata, { rank, init, threads, solver: "hals", normalizeUnits: false }, iters),
  };
}

/** Iterations of the short and long fits per workload. */
export const PEER_ITERS: Record<string, [number, number]> = {
  tfidf: [20, 120],
  spam: [10, 60],
  dense: [5, 35],
};

/** The comparison as table lines (Markdown). */
export function peerTable(results: PeerComparison[]): string[] {
  const ms = (t: Timing) => `${t.msPerIter.toFixed(2)}`;
  // A ratio means something only where both computed the same thing: the losses agree.
  const ratio = (peer: Timing, ours: Timing) =>
    relative(ours.normalizedLoss, peer.normalizedLoss) > LOSS_AGREEMENT
      ? "losses differ"
      : `${(peer.msPerIter / ours.msPerIter).toFixed(2)}×`;
  const agree = (peer: Timing, ours: Timing) => relative(ours.normalizedLoss, peer.normalizedLoss).toExponential(1);
  return [
    "workload | threads | sklearn cd | HALS | cd / HALS | HALS 1 thread | cd / HALS 1 | sklearn mu | MU | mu / MU | stratified HALS | loss rel. diff HALS–cd, MU–mu",
    "--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---",
    ...results.map((r) =>
      `${r.workload} | ${r.threads} | ${ms(r.cd)} | ${ms(r.hals)} | ${ratio(r.cd, r.hals)} | ${ms(r.hals1)} | ${
        ratio(r.cd, r.hals1)
      } | ${ms(r.sklearnMu)} | ${ms(r.mu)} | ${ratio(r.sklearnMu, r.mu)} | ${ms(r.stratified)} | ${
        agree(r.cd, r.hals)
      }, ${agree(r.sklearnMu, r.mu)}`
    ),
  ];
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      threads: { type: "string", default: "2" },
      workloads: { type: "string", default: "tfidf,spam,dense" },
      quick: { type: "boolean", default: false },
    },
  });
  if (!sklearnAvailable()) {
    console.error("bench/sklearn.ts: /usr/bin/python3 has no scikit-learn (apt-get install python3-sklearn)");
    process.exit(2);
  }
  const results: PeerComparison[] = [];
  for (const workload of values.workloads!.split(",")) {
    const iters = values.quick
      ? [PEER_ITERS[workload][0], 2 * PEER_ITERS[workload][0]] as [number, number]
      : PEER_ITERS[workload];
    results.push(await comparePeer(workload, Number(values.threads), iters));
  }
  console.log(peerTable(results).join("\n"));
}

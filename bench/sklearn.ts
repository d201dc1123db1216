/**
 * The strongest peer, side by side: scikit-learn's NMF (bench/sklearn_peer.py: `solver="cd"`,
 * exact coordinate descent, and `solver="mu"`) on the strata stacked, against this project's HALS
 * and multiplicative updates on plain NMF (every v(i) fixed at 0: `init` with V = 0 and
 * `vUpdates: 0`), from the same start (scikit-learn's random scaling, W, H ~ U(0,1) ·
 * sqrt(mean(A)/k), one seed), the data as given (`normalizeUnits: false`, as scikit-learn fits
 * them).
 *
 * Timing: per iteration, the difference of a long and a short fit over the difference of their
 * iterations, on both sides (scikit-learn's fit_transform call, this project's fit loop); the
 * fits of one repeat interleaved (scikit-learn's cd, HALS at N threads and at 1, scikit-learn's
 * mu, MU, the stratified fit), so that a change of the machine's load falls on all of them; the
 * median over the repeats (a time at or below 0, which a noisy or one-repeat run can leave, is
 * printed as no time, with no ratio). A ratio is printed only where the losses agree (HALS
 * against `cd`, MU against `mu`: the same math). Time to scikit-learn's 100-iteration loss: the whole `fit()` call
 * (validation, loading, the iterations) that runs as many iterations as this project needs to
 * reach it, against scikit-learn's 100-iteration fit_transform call. The stratified fit of the
 * same data (from the same W, H and v = 0, HALS) is reported beside them: it does more work per
 * iteration and reaches lower losses.
 *
 *   deno run -A bench/sklearn.ts [--quick] [--threads N] [--reps N] [--wait-idle] [--workloads tfidf,spam,dense] [--json]
 *
 * --wait-idle: before each repeat, wait until the machine's cores have been 90 % idle for 2 s
 * (Linux; at most 10 minutes a repeat): on a shared machine, other processes' bursts otherwise
 * fall on some fits and not others.
 *   npm run bench -- --compare-sklearn      (the same, inside bench.ts's run)
 *
 * Needs /usr/bin/python3 with scikit-learn (`apt-get install python3-sklearn`).
 *
 * @module
 */

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import process from "node:process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { fit, type FitOptions, Random, type Stratum } from "../sdk/mod.ts";
import { pythonEnv, pythonHas, writeBaselineFiles } from "./baseline_files.ts";
import { colsOf, namedWorkload, rowsOf } from "./workloads.ts";

const PEER = fileURLToPath(new URL("./sklearn_peer.py", import.meta.url));

/** Whether /usr/bin/python3 has scikit-learn. */
export function sklearnAvailable(): boolean {
  return pythonHas("sklearn", "scipy");
}

/** What the peer answers for one fit. */
interface PeerFit {
  seconds: number;
  iterations: number;
  normalized_loss: number;
}

/** scikit-learn in a Python process of its own, holding one workload's data, fitting on request. */
class SklearnPeer {
  readonly #child: ChildProcess;
  readonly #lines: AsyncIterator<string>;
  #stderr = "";

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.stderr!.on("data", (chunk) => (this.#stderr += chunk));
    this.#lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  }

  /** Starts the peer on `strata` and `start` and waits until it has loaded them. */
  static async start(strata: Stratum[], start: object, rank: number): Promise<SklearnPeer> {
    const files = writeBaselineFiles(strata, start);
    try {
      const child = spawn("/usr/bin/python3", [PEER, files.dir, "--rank", String(rank), "--init", files.init], {
        env: pythonEnv(),
        stdio: ["pipe", "pipe", "pipe"],
      });
      const peer = new SklearnPeer(child);
      await peer.#answer();
      return peer;
    } finally {
      files.remove();
    }
  }

  async #answer(): Promise<PeerFit> {
    const { value, done } = await this.#lines.next();
    if (done) throw new Error(`scikit-learn peer stopped: ${this.#stderr}`);
    return JSON.parse(value);
  }

  /** One fit of `iterations` with `solver`. */
  fit(solver: "cd" | "mu", iterations: number): Promise<PeerFit> {
    this.#child.stdin!.write(`${solver} ${iterations}\n`);
    return this.#answer();
  }

  close(): void {
    this.#child.stdin!.end();
  }
}

/** A start { V = 0, W, H } as scikit-learn's random init scales it: U(0,1) · sqrt(mean(A)/k). */
export function plainStart(strata: Stratum[], rank: number, seed: number) {
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

/** One side's timing: ms per iteration (median over the repeats) and the long fit's normalized loss. */
export interface Timing {
  msPerIter: number;
  normalizedLoss: number;
  /** Each repeat's ms per iteration. */
  repeats: number[];
}

/** The configurations compared on one workload. */
const SIDES = ["cd", "hals", "hals1", "sklearnMu", "mu", "stratified"] as const;
type Side = (typeof SIDES)[number];

/** Time to scikit-learn's 100-iteration loss: its fit, and this project's fit reaching that loss. */
export interface TimeToLoss {
  /** scikit-learn's iterations (100, or fewer where its fit diverges later), its normalized loss then, and the ms of that fit (median). */
  peerIterations: number;
  target: number;
  peerMs: number;
  /** Iterations this project needs to reach it (null: not within the cap), and the ms of that whole fit() call (median). */
  iterations: number | null;
  ms: number | null;
}

/** The comparison of one workload. */
export interface PeerComparison {
  workload: string;
  threads: number;
  timings: Record<Side, Timing>;
  /** HALS against cd, MU against mu, the stratified HALS fit against cd. */
  toLoss: { hals: TimeToLoss; mu: TimeToLoss; stratified: TimeToLoss };
  /** The 1-minute load average before and after the workload's runs. */
  load: [number, number];
}

/** Largest relative difference of the normalized losses for which a ratio is printed. */
export const LOSS_AGREEMENT = 1e-5;

/** Relative difference of two losses. */
const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

const median = (values: number[]) => {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Runs one of this project's fits; its loop's ms, its whole call's ms and its normalized loss. */
async function ours(strata: Stratum[], options: FitOptions, maxIter: number) {
  const t0 = performance.now();
  const model = await fit(strata, { ...options, maxIter, trackLoss: false });
  const callMs = performance.now() - t0;
  const result = { ms: model.elapsedMs, callMs, normalizedLoss: model.normalizedLoss };
  model.free();
  return result;
}

/** Iterations of this project's fit to reach `target` (null: not within `cap`), from one tracked fit. */
async function iterationsTo(strata: Stratum[], options: FitOptions, target: number, cap: number) {
  const model = await fit(strata, { ...options, maxIter: cap, trackLoss: true });
  const history = model.lossHistory;
  const norm = model.loss / model.normalizedLoss;
  model.free();
  const index = history.findIndex((loss) => loss / norm <= target);
  return index < 0 ? null : index;
}

/** The fit options of this project's sides (the scikit-learn sides have none). */
function sideOptions(rank: number, init: FitOptions["init"], threads: number): Partial<Record<Side, FitOptions>> {
  // The data as given: scikit-learn fits them so (HALS would agree either way, the MU ε would not).
  const plain = { rank, init, vUpdates: 0, threads, normalizeUnits: false };
  return {
    hals: { ...plain, solver: "hals" },
    hals1: { ...plain, solver: "hals", threads: 1 },
    mu: { ...plain, solver: "mu", schedule: "sequential" },
    stratified: { rank, init, threads, solver: "hals", normalizeUnits: false },
  };
}

/** Idle and total CPU time of the machine so far (Linux /proc/stat; null elsewhere). */
function cpuTimes(): { idle: number; total: number } | null {
  if (!existsSync("/proc/stat")) return null;
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  return { idle: fields[3] + fields[4], total: fields.reduce((a, b) => a + b, 0) };
}

/**
 * Waits until the machine's cores have been at least 90 % idle over 2 s (other processes would
 * slow one side's fits more than the other's), for at most `maxMs`; resolves with the idle share
 * seen last (null where /proc/stat is missing: no wait).
 */
export async function waitForIdle(maxMs = 600_000): Promise<number | null> {
  const deadline = performance.now() + maxMs;
  for (;;) {
    const a = cpuTimes();
    if (!a) return null;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const b = cpuTimes()!;
    const idle = (b.idle - a.idle) / Math.max(1, b.total - a.total);
    if (idle >= 0.9 || performance.now() > deadline) return idle;
  }
}

/** Options of the comparison's timing. */
export interface PeerRunOptions {
  /** Repeats per fit (the median is reported). */
  reps: number;
  /** Wait for an idle machine before each repeat ({@link waitForIdle}). */
  waitIdle: boolean;
}

/** Per side and repeat: ms per iteration and the long fit's loss, every side's fits interleaved. */
async function timeSides(
  peer: SklearnPeer,
  strata: Stratum[],
  options: Partial<Record<Side, FitOptions>>,
  iterations: PeerIterations,
  { reps, waitIdle }: PeerRunOptions,
): Promise<Record<Side, Timing>> {
  const runs: Record<Side, { ms: number; loss: number }[]> = Object.fromEntries(SIDES.map((s) => [s, []])) as never;
  const itersOf = (side: Side) => side === "mu" || side === "sklearnMu" ? iterations.mu : iterations.fits;
  // Warm-up: scikit-learn's imports and BLAS threads; this project's workers and the engines'
  // optimizing tiers (a whole long fit each).
  await peer.fit("cd", iterations.fits[0]);
  for (const side of SIDES) if (options[side]) await ours(strata, options[side], itersOf(side)[1]);
  for (let rep = 0; rep < reps; rep++) {
    if (waitIdle) await waitForIdle();
    for (const side of SIDES) {
      const [short, long] = itersOf(side);
      const perIter = (a: number, b: number) => (b - a) / (long - short);
      const solver = side === "cd" ? "cd" : side === "sklearnMu" ? "mu" : undefined;
      if (solver) {
        const a = await peer.fit(solver, short), b = await peer.fit(solver, long);
        runs[side].push({ ms: perIter(a.seconds * 1e3, b.seconds * 1e3), loss: b.normalized_loss });
      } else {
        const a = await ours(strata, options[side]!, short), b = await ours(strata, options[side]!, long);
        runs[side].push({ ms: perIter(a.ms, b.ms), loss: b.normalizedLoss });
      }
    }
  }
  return Object.fromEntries(SIDES.map((side) => {
    const repeats = runs[side].map((r) => r.ms);
    return [side, { msPerIter: median(repeats), normalizedLoss: runs[side][0].loss, repeats }];
  })) as Record<Side, Timing>;
}

/**
 * Time to scikit-learn's loss after `peerIterations` of `solver`, for this project's fit with
 * `options` (at most 300 iterations).
 */
async function timeToLoss(
  peer: SklearnPeer,
  strata: Stratum[],
  solver: "cd" | "mu",
  peerIterations: number,
  options: FitOptions,
  { reps, waitIdle }: PeerRunOptions,
): Promise<TimeToLoss> {
  const first = await peer.fit(solver, peerIterations);
  const target = first.normalized_loss;
  const iterations = Number.isFinite(target) ? await iterationsTo(strata, options, target, 300) : null;
  const peerRuns = [first];
  const calls: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    if (waitIdle) await waitForIdle();
    if (rep > 0) peerRuns.push(await peer.fit(solver, peerIterations));
    if (iterations !== null) calls.push((await ours(strata, options, iterations)).callMs);
  }
  return {
    peerIterations,
    target,
    peerMs: median(peerRuns.map((r) => r.seconds * 1e3)),
    iterations,
    ms: iterations === null ? null : median(calls),
  };
}

/** Times one workload on both sides (see the module comment). */
export async function comparePeer(
  workload: string,
  threads: number,
  iterations: PeerIterations,
  run: PeerRunOptions,
): Promise<PeerComparison> {
  const load0 = loadavg()[0];
  const { strata, rank } = namedWorkload(workload);
  const init = plainStart(strata, rank, 1);
  const n = colsOf(strata[0]);
  const sklearnStart = { W: init.W, H: Array.from({ length: rank }, (_, q) => init.H.slice(q * n, (q + 1) * n)) };
  const options = sideOptions(rank, init, threads);
  const peer = await SklearnPeer.start(strata, sklearnStart, rank);
  try {
    const timings = await timeSides(peer, strata, options, iterations, run);
    const toLoss = {
      hals: await timeToLoss(peer, strata, "cd", 100, options.hals!, run),
      mu: await timeToLoss(peer, strata, "mu", iterations.muTarget, options.mu!, run),
      stratified: await timeToLoss(peer, strata, "cd", 100, options.stratified!, run),
    };
    return { workload, threads, timings, toLoss, load: [load0, loadavg()[0]] };
  } finally {
    peer.close();
  }
}

/**
 * Iterations of one workload's fits: the short and long fits of every side but the
 * multiplicative updates, theirs, and the iterations of scikit-learn's mu whose loss is the
 * multiplicative updates' target.
 */
export interface PeerIterations {
  fits: [number, number];
  mu: [number, number];
  muTarget: number;
}

/**
 * Per workload. scikit-learn's mu turns the TF-IDF-like fit's loss into NaN between 50 and 60
 * iterations from this start (scikit-learn 1.2.1; this project's MU stays finite): its fits stop at 50 there.
 */
export const PEER_ITERS: Record<string, PeerIterations> = {
  tfidf: { fits: [20, 120], mu: [10, 50], muTarget: 50 },
  spam: { fits: [10, 60], mu: [10, 60], muTarget: 100 },
  dense: { fits: [5, 35], mu: [5, 35], muTarget: 100 },
};

/** A table cell for a per-iteration time that came out ≤ 0. */
export const NOT_MEASURED = "no time (long fit not slower)";

/**
 * What the per-iteration times are medians of; with fewer than 3 repeats (--quick has 1) one
 * disturbed fit sets a time (scikit-learn's dense mu once read 2.6 ms an iteration for its usual
 * 8–9).
 */
export function repeatsLine(reps: number): string {
  const caveat = reps < 3 ? ": fewer than 3, so one disturbed fit can set a time; run with --reps 5 for figures" : "";
  return `ms per iteration, the median of ${reps} interleaved repeat${reps === 1 ? "" : "s"}${caveat}`;
}

/** The per-iteration comparison as table lines (Markdown). */
export function peerTable(results: PeerComparison[]): string[] {
  // A difference of two fits' times is no time when the long fit did not take longer (a noisy
  // or short run: --quick has one repeat): neither it nor a ratio with it is printed.
  const measured = (t: Timing) => t.msPerIter > 0;
  const ms = (t: Timing) => measured(t) ? `${t.msPerIter.toFixed(2)}` : NOT_MEASURED;
  // A ratio means something only where both computed the same thing: the losses agree.
  const ratio = (peer: Timing, ours: Timing, agree = true) =>
    !measured(peer) || !measured(ours)
      ? "—"
      : agree && relative(ours.normalizedLoss, peer.normalizedLoss) > LOSS_AGREEMENT
      ? "losses differ"
      : `${(peer.msPerIter / ours.msPerIter).toFixed(2)}×`;
  const agree = (peer: Timing, ours: Timing) => relative(ours.normalizedLoss, peer.normalizedLoss).toExponential(1);
  return [
    "workload | threads | sklearn cd | HALS | cd / HALS | HALS 1 thread | cd / HALS 1 | HALS 1 / N threads | sklearn mu | MU | mu / MU | stratified HALS (cd / it) | loss rel. diff HALS–cd, MU–mu | load (1 min)",
    "--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---",
    ...results.map(({ workload, threads, timings: t, load }) =>
      `${workload} | ${threads} | ${ms(t.cd)} | ${ms(t.hals)} | ${ratio(t.cd, t.hals)} | ${ms(t.hals1)} | ${
        ratio(t.cd, t.hals1)
      } | ${ratio(t.hals1, t.hals, false)} | ${ms(t.sklearnMu)} | ${ms(t.mu)} | ${ratio(t.sklearnMu, t.mu)} | ${
        ms(t.stratified)
      } (${ratio(t.cd, t.stratified, false)}) | ${agree(t.cd, t.hals)}, ${agree(t.sklearnMu, t.mu)} | ${
        load[0].toFixed(1)
      }–${load[1].toFixed(1)}`
    ),
  ];
}

/** Time to scikit-learn's 100-iteration loss as table lines (Markdown). */
export function timeToLossTable(results: PeerComparison[]): string[] {
  const cell = (t: TimeToLoss) =>
    t.iterations === null
      ? `not in 300 iterations (sklearn ${t.peerMs.toFixed(0)} ms)`
      : `${t.ms!.toFixed(0)} ms, ${t.iterations} it (sklearn ${t.peerMs.toFixed(0)} ms: ${
        (t.peerMs / t.ms!).toFixed(2)
      }×)`;
  const target = (t: TimeToLoss) => `${t.target.toPrecision(6)} (${t.peerIterations} it)`;
  return [
    "workload | sklearn cd's loss | HALS reaches it | sklearn mu's loss | MU reaches it | stratified HALS reaches cd's",
    "--- | ---: | --- | ---: | --- | ---",
    ...results.map(({ workload, toLoss: { hals, mu, stratified } }) =>
      `${workload} | ${target(hals)} | ${cell(hals)} | ${target(mu)} | ${cell(mu)} | ${cell(stratified)}`
    ),
  ];
}

/** Runs the comparison on `workloads` (PEER_ITERS, halved long fits with `quick`). */
export async function runPeerComparison(
  workloads: string[],
  { threads, quick, reps, waitIdle = false }: { threads: number; quick: boolean; reps: number; waitIdle?: boolean },
): Promise<PeerComparison[]> {
  const results: PeerComparison[] = [];
  const halve = ([short, long]: [number, number]): [number, number] => [short, Math.round((short + long) / 2)];
  for (const workload of workloads) {
    const iterations = PEER_ITERS[workload];
    const run = quick ? { ...iterations, fits: halve(iterations.fits), mu: halve(iterations.mu) } : iterations;
    results.push(await comparePeer(workload, threads, run, { reps, waitIdle }));
  }
  return results;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      threads: { type: "string", default: "2" },
      workloads: { type: "string", default: "tfidf,spam,dense" },
      quick: { type: "boolean", default: false },
      reps: { type: "string" },
      "wait-idle": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  });
  if (!sklearnAvailable()) {
    console.error("bench/sklearn.ts: /usr/bin/python3 has no scikit-learn (apt-get install python3-sklearn)");
    process.exit(2);
  }
  const quick = values.quick!;
  const reps = values.reps ? Number(values.reps) : quick ? 1 : 3;
  const results = await runPeerComparison(values.workloads!.split(","), {
    threads: Number(values.threads),
    quick,
    reps,
    waitIdle: values["wait-idle"],
  });
  if (values.json) console.log(JSON.stringify(results, null, 2));
  else console.log([repeatsLine(reps), "", ...peerTable(results), "", ...timeToLossTable(results)].join("\n"));
}

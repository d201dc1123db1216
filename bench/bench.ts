/**
 * `npm run bench`: milliseconds per iteration of the wasm core and of the plain TypeScript
 * float64 reference (tests/reference.ts), side by side in one run, on the shapes of
 * algorithm.md's baseline table; then the paper's full synthetic experiment (10,000
 * iterations) against its published normalized loss. Writes bench/results/<runtime>.json.
 *
 * Per-iteration times are differences of two fits (long minus short, divided by the extra
 * iterations), so loading data and the start do not count; each fit is preceded by a warm-up
 * fit so the engine's optimizing tier has compiled the kernels.
 *
 *   deno run -A bench/bench.ts [--quick]      (also: bun bench/bench.ts)
 *
 * @module
 */

import process from "node:process";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fit, type Stratum, syntheticStrata } from "../sdk/mod.ts";
import { explicitStart, toMat } from "../tests/fixtures.ts";
import { referenceFit, type RefStratum } from "../tests/reference.ts";
import { tfidfLike, uniformDense } from "./data.ts";

interface Workload {
  name: string;
  strata: Stratum[];
  rank: number;
  trackLoss: boolean;
  /** Iterations of the wasm core's short and long fits. */
  wasmIters: [number, number];
  /** Iterations of the reference's short and long fits. */
  refIters: [number, number];
  /** NumPy baseline of algorithm.md, ms per iteration, for orientation (measured elsewhere). */
  numpyMs?: number;
}

const quick = process.argv.includes("--quick");
const runtime = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined"
  ? `deno ${(globalThis as unknown as { Deno: { version: { deno: string } } }).Deno.version.deno}`
  : typeof (globalThis as { Bun?: unknown }).Bun !== "undefined"
  ? `bun ${(globalThis as unknown as { Bun: { version: string } }).Bun.version}`
  : `node ${process.version}`;

const rowsOf = (s: Stratum) => s.rows ?? (s as { data: unknown[] }).data.length;
const colsOf = (s: Stratum) => toMat(s).cols;

async function wasmMsPerIter(w: Workload): Promise<number> {
  const options = { rank: w.rank, seed: 1, trackLoss: w.trackLoss, schedule: "reference" as const };
  const time = async (maxIter: number) => {
    const model = await fit(w.strata, { ...options, maxIter });
    const ms = model.elapsedMs;
    model.free();
    return ms;
  };
  await time(w.wasmIters[0]); // warm-up
  const [short, long] = w.wasmIters;
  const tShort = await time(short);
  const tLong = await time(long);
  return (tLong - tShort) / (long - short);
}

function referenceMsPerIter(w: Workload): number {
  const strata: RefStratum[] = w.strata.map((s) =>
    "indptr" in s ? { ...s, values: Float64Array.from(s.values) } : toMat(s)
  );
  const { ref } = explicitStart(1, w.strata.map(rowsOf), colsOf(w.strata[0]), w.rank);
  const time = (iterations: number) => {
    const t0 = performance.now();
    referenceFit(strata, ref, iterations, "reference", 2, w.trackLoss);
    return performance.now() - t0;
  };
  const [short, long] = w.refIters;
  const tShort = time(short);
  return (time(long) - tShort) / (long - short);
}

const workloads: Workload[] = [
  {
    name: "synthetic 4 × 100 × 100, rank 5, loss every iteration",
    strata: syntheticStrata({ seed: 0 }).strata,
    rank: 5,
    trackLoss: true,
    wasmIters: quick ? [100, 500] : [500, 3000],
    refIters: [2, quick ? 12 : 30],
    numpyMs: 0.58,
  },
  {
    name: "dense 4 × 1000 × 1000, rank 20, loss every iteration",
    strata: uniformDense(4, 1000, 1000, 2),
    rank: 20,
    trackLoss: true,
    wasmIters: quick ? [2, 6] : [5, 30],
    refIters: [1, 2],
    numpyMs: 40,
  },
  {
    name: "sparse TF-IDF-like 16,000 × 6,000, 80k non-zeros, 20 strata, rank 20, no loss",
    strata: tfidfLike(16000, 6000, 80000, 20, 3),
    rank: 20,
    trackLoss: false,
    wasmIters: quick ? [5, 20] : [20, 200],
    refIters: [1, quick ? 2 : 4],
    numpyMs: 25,
  },
];

const results = [];
console.log(`stratified-nmf benchmark — ${runtime}, ${new Date().toISOString()}\n`);
console.log("workload | wasm ms/iter | TS reference ms/iter | reference / wasm");
console.log("--- | ---: | ---: | ---:");
for (const w of workloads) {
  const nnz = w.strata.reduce((s, x) => s + ("indptr" in x ? x.values.length : rowsOf(x) * colsOf(x)), 0);
  const wasm = await wasmMsPerIter(w);
  const reference = referenceMsPerIter(w);
  results.push({
    workload: w.name,
    rank: w.rank,
    nnz,
    wasmMsPerIter: wasm,
    referenceMsPerIter: reference,
    numpyBaselineMsPerIter: w.numpyMs,
  });
  console.log(`${w.name} | ${wasm.toFixed(3)} | ${reference.toFixed(1)} | ${(reference / wasm).toFixed(0)}×`);
}

// The paper's synthetic experiment in full.
const iterations = quick ? 2000 : 10_000;
const { strata, trueVMeans } = syntheticStrata({ seed: 0 });
const model = await fit(strata, { rank: 5, maxIter: iterations, seed: 1, schedule: "reference" });
const synthetic = {
  iterations,
  schedule: model.schedule,
  normalizedLoss: model.normalizedLoss,
  publishedNormalizedLoss: 9.7e-4,
  vMeans: model.vMeans(),
  trueVMeans,
  seconds: model.elapsedMs / 1000,
};
model.free();
console.log(
  `\nsynthetic experiment, ${iterations} iterations (reference schedule): normalized loss ${
    synthetic.normalizedLoss.toExponential(2)
  } (published 9.7e-4) in ${synthetic.seconds.toFixed(2)} s`,
);
console.log(`  v means ${synthetic.vMeans.map((x) => x.toFixed(3)).join(", ")}`);
console.log(`  true    ${trueVMeans.map((x) => x.toFixed(3)).join(", ")}`);

const out = {
  runtime,
  date: new Date().toISOString(),
  quick,
  machine: { platform: process.platform, arch: process.arch },
  workloads: results,
  synthetic,
};
const dir = fileURLToPath(new URL("./results/", import.meta.url));
mkdirSync(dir, { recursive: true });
const file = `${dir}${runtime.split(" ")[0]}${quick ? "-quick" : ""}.json`;
writeFileSync(`${file}.tmp`, JSON.stringify(out, null, 2) + "\n");
renameSync(`${file}.tmp`, file);
console.log(`\nwrote ${file}`);

// What a fit costs besides its iterations, on any runtime (plain JavaScript, the SDK passed as a path):
//
//   node bench/fixed_costs.mjs [dist/stratified-nmf.node.js]      (after `npm run build`)
//   deno run -A bench/fixed_costs.mjs sdk/mod.ts   ·   bun bench/fixed_costs.mjs sdk/mod.ts
//
// - small fits: a 20 × 10 table, rank 3, one iteration, the whole fit() call and model.free(),
//   at 1 and 2 threads (the median of 2,000 fits after 500 of warm-up, and their 10th percentile:
//   on a shared machine the median carries other processes' time slices);
// - fits that alternate between 2 and 3 threads (the median of 40 fits, each count's pool
//   warmed up first);
// - the second thread on short fits: bench's dense workload (4 × 1000 × 1000, rank 20, U(0,1)
//   float32), the whole fit() call of 20 and of 100 iterations (loss not tracked) at 1 and 2
//   threads, in a fresh process each time (as a command-line fit runs: the pool starts and the
//   code warms up in the fit), the median of 5 processes.
//
// Prints one JSON object.

import { spawnSync } from "node:child_process";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const target = process.argv[2] ?? "dist/stratified-nmf.node.js";
const sdk = await import(pathToFileURL(resolve(target)).href);
const quantile = (values, q) => values.slice().sort((a, b) => a - b)[Math.floor(values.length * q)];
const median = (values) => quantile(values, 0.5);

/** ms of each of `count` fits after `warm` (the whole fit() call and free()). */
async function fitTimes(strata, options, count, warm = 0) {
  const times = [];
  for (let i = 0; i < warm + count; i++) {
    const t0 = performance.now();
    const model = await sdk.fit(strata, options);
    model.free();
    if (i >= warm) times.push(performance.now() - t0);
  }
  return times;
}

/** A dense table of `rows` × `cols`, U(0,1) from `seed`. */
function table(rows, cols, seed) {
  const random = new sdk.Random(seed);
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => random.next()));
}

/** The dense strata of the short-fit measurement (bench/workloads.ts's "dense"). */
function shortFitStrata() {
  const random = new sdk.Random(2);
  return Array.from({ length: 4 }, (_, i) => {
    const data = new Float32Array(1000 * 1000);
    random.fill(data);
    return { name: `d${i}`, rows: 1000, cols: 1000, data };
  });
}

/** The whole fit() call of the short-fit workload in this process (the child's job). */
async function childFit(iterations, threads) {
  const strata = shortFitStrata();
  const t0 = performance.now();
  const model = await sdk.fit(strata, { rank: 20, seed: 1, maxIter: iterations, threads, trackLoss: false });
  const ms = performance.now() - t0;
  model.free();
  console.log(JSON.stringify({ ms }));
  process.exit(0);
}

/** ms of the short-fit workload in a fresh process of this runtime. */
function freshProcessFit(iterations, threads) {
  const args = process.versions.deno
    ? ["run", "-A", process.argv[1], target, "--child", String(iterations), String(threads)]
    : [process.argv[1], target, "--child", String(iterations), String(threads)];
  const run = spawnSync(process.execPath, args, { encoding: "utf8" });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout.trim().split("\n").pop()).ms;
}

if (process.argv[3] === "--child") {
  await childFit(Number(process.argv[4]), Number(process.argv[5]));
}

const small = [{ name: "t", data: table(20, 10, 7) }];
const smallOptions = { rank: 3, seed: 1, maxIter: 1 };
const out = { runtime: process.versions.deno ? "deno" : process.versions.bun ? "bun" : `node ${process.version}` };
for (const threads of [1, 2]) {
  const times = await fitTimes(small, { ...smallOptions, threads }, 2000, 500);
  out[`smallFitMs${threads}`] = median(times);
  out[`smallFitMs${threads}P10`] = quantile(times, 0.1);
}
await fitTimes(small, { ...smallOptions, threads: 3 }, 1);
const alternating = [];
for (let i = 0; i < 40; i++) alternating.push(...await fitTimes(small, { ...smallOptions, threads: 2 + (i % 2) }, 1));
out.alternatingFitMs = median(alternating);
for (const iterations of [20, 100]) {
  const runs = { 1: [], 2: [] };
  for (let rep = 0; rep < 5; rep++) {
    for (const threads of [1, 2]) runs[threads].push(freshProcessFit(iterations, threads));
  }
  out[`fit${iterations}Ms`] = { 1: median(runs[1]), 2: median(runs[2]) };
  out[`fit${iterations}SecondThread`] = median(runs[1]) / median(runs[2]);
}
console.log(JSON.stringify(out, null, 1));
process.exit(0);

// Masks and held-out error (issue 15): `deno run -A bench/masks.ts [cost|memory|rank|shifts|california|hash|all]`.
//
// cost        CPU ms per iteration of a dense fit (4 strata × 2,500 × 400, rank 10, 1 thread) without
//             a mask, and with 5 % and 20 % of the entries hidden (the masked plans), HALS and MU
// memory      peak bytes the heap holds during those fits, over the float32 data plus the factors
// rank        the suggested rank of the paper's synthetic strata (true rank 5, 5 % noise) on 5 data
//             seeds, ranks 2..8, 3 folds; writes docs/figures/rank_synthetic.svg from seed 1
// shifts      held-out error at rank 5 of the stratified model and plain NMF, with and without the
//             generator's shifts (5 seeds)
// california  snmf rank's work on the California strata, ranks 2..6, 3 folds: seconds
// hash        one SHA-256 over 24 masked fits (5 % and 20 % hidden, HALS and MU, ranks 3, 5, 10, on 1
//             and 2 threads; dense and CSR strata), checking that 1 and 2 threads agree; `hash scalar`:
//             the same on the scalar build (not part of `all`: it checks bits, it measures nothing)
//
// Results are recorded in bench/README.md ("Masks and held-out error"). Run nothing else meanwhile.

import process from "node:process";
import { readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { crossValidate, type CrossValidation, fit, type FitOptions, init, type Stratum } from "../sdk/mod.ts";
import { getCore } from "../sdk/runtime/core.ts";
import { noisyStrata } from "../testing/noisy.ts";
import { hideEntries } from "../testing/masked_reference.ts";
import { csrStrata, denseStrata } from "../testing/fixtures.ts";
import { californiaStrata } from "./experiments/data.ts";
import { rankChart } from "../report/rank.ts";

const section = process.argv[2] ?? "all";
const want = (name: string) => section === "all" || section === name;
await init(
  process.argv[3] === "scalar"
    ? { wasm: readFileSync(new URL("../dist/snmf.scalar.shared.wasm", import.meta.url)) }
    : {},
);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The peak bytes the heap holds while `body` runs. */
async function peakBytes(body: () => Promise<void>): Promise<number> {
  const heap = getCore().heap;
  const alloc = heap.alloc.bind(heap), release = heap.release.bind(heap);
  const held = new Map<number, number>();
  let now = 0, peak = 0;
  heap.alloc = (bytes: number) => {
    const ptr = alloc(bytes);
    held.set(ptr, bytes);
    now += bytes;
    peak = Math.max(peak, now);
    return ptr;
  };
  heap.release = (ptr: number) => {
    now -= held.get(ptr) ?? 0;
    held.delete(ptr);
    release(ptr);
  };
  try {
    await body();
  } finally {
    heap.alloc = alloc;
    heap.release = release;
  }
  return peak;
}

/**
 * CPU ms per iteration of one fit (user + system time of the process over the fit() call, less
 * the same for a 1-iteration fit: loading and the start do not count). One thread: the fit runs
 * on the calling thread, so its CPU time is the fit's work, whatever else the machine runs.
 */
async function msPerIteration(strata: Stratum[], options: FitOptions): Promise<number> {
  const cpuMs = async (maxIter: number) => {
    const before = process.cpuUsage();
    const model = await fit(strata, { ...options, maxIter, tol: 0 });
    const used = process.cpuUsage(before);
    const iterations = model.iterations;
    model.free();
    return { ms: (used.user + used.system) / 1000, iterations };
  };
  const short = await cpuMs(1), long = await cpuMs(options.maxIter ?? 20);
  return (long.ms - short.ms) / (long.iterations - short.iterations);
}

if (want("cost") || want("memory")) {
  const strata = denseStrata(3, [2500, 2500, 2500, 2500], 400);
  const data = 4 * 2500 * 400 * 4, factors = (4 * 400 + 4 * 2500 * 10 + 10 * 400) * 4;
  const fractions = [0, 0.05, 0.2];
  const inputs = fractions.map((fraction) => fraction === 0 ? strata : hideEntries(strata, fraction, 7).strata);
  for (const solver of ["hals", "mu"] as const) {
    const options = (fraction: number): FitOptions => ({
      rank: 10,
      maxIter: 20,
      seed: 1,
      solver,
      threads: 1,
      ...(fraction > 0 ? { missing: "mask" } : {}),
    });
    // Interleaved (unmasked, 5 %, 20 %, again …), medians: a shared machine's load falls on all alike.
    const times: number[][] = fractions.map(() => []);
    for (let r = 0; r < 7; r++) {
      for (let e = 0; e < fractions.length; e++) times[e].push(await msPerIteration(inputs[e], options(fractions[e])));
    }
    const [plain, ...masked] = times.map(median);
    const line = [`${solver}: unmasked ${plain.toFixed(2)} ms/iteration`];
    masked.forEach((ms, e) =>
      line.push(`${fractions[e + 1] * 100} % hidden ${ms.toFixed(2)} (${(ms / plain).toFixed(2)}×)`)
    );
    if (want("memory") && solver === "hals") {
      for (const e of [1, 2]) {
        const peak = await peakBytes(async () =>
          (await fit(inputs[e], { ...options(fractions[e]), maxIter: 2 })).free()
        );
        line.push(`peak at ${fractions[e] * 100} % hidden ${(peak / (data + factors)).toFixed(2)}× data + factors`);
      }
      const peak = await peakBytes(async () => (await fit(strata, { ...options(0), maxIter: 2 })).free());
      line.push(`unmasked ${(peak / (data + factors)).toFixed(2)}×`);
    }
    console.log(line.join("; "));
  }
}

/** The summary row of a model at a rank. */
const at = (cv: CrossValidation, model: string, rank: number) =>
  cv.summary.find((x) => x.model === model && x.rank === rank)!;

if (want("rank")) {
  const suggested: number[] = [];
  for (const seed of [1, 2, 3, 4, 5]) {
    const { strata } = noisyStrata({ seed, noise: 0.05 });
    const started = performance.now();
    const cv = await crossValidate(strata, { ranks: [2, 3, 4, 5, 6, 7, 8], folds: 3, seed, plain: seed === 1 });
    suggested.push(cv.suggestedRank);
    console.log(
      `rank, data seed ${seed}: suggested ${cv.suggestedRank} (${
        ((performance.now() - started) / 1000).toFixed(1)
      } s); ` +
        cv.summary.filter((x) => x.model === "stratified").map((x) =>
          `${x.rank}: ${x.meanTest.toFixed(4)} ± ${x.seTest.toFixed(4)}`
        )
          .join(", "),
    );
    if (seed === 1) {
      writeFileSync(new URL("../docs/figures/rank_synthetic.svg", import.meta.url), await rankChart(cv));
    }
  }
  console.log(`suggested ranks: ${suggested.join(", ")} (true rank 5)`);
}

if (want("shifts")) {
  // The paper's 100 rows per stratum, and without shifts also 400: the stratified model's n v(i)
  // per stratum cost it about σ²/m per entry on unseen data, a price that falls with the rows.
  const cases = [{ shifts: true, rows: 100 }, { shifts: false, rows: 100 }, { shifts: false, rows: 400 }];
  for (const { shifts, rows } of cases) {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { strata } = noisyStrata({ seed, noise: 0.05, shifts, rows });
      const cv = await crossValidate(strata, { ranks: [5], folds: 3, seed });
      const [s, p, q] = [at(cv, "stratified", 5), at(cv, "plain", 5), at(cv, "plain+s", 5)];
      const se = Math.max(s.seTest, p.seTest);
      console.log(
        `shifts ${shifts}, ${rows} rows per stratum, seed ${seed}: stratified ${s.meanTest.toFixed(5)} ± ${
          s.seTest.toFixed(5)
        }, plain ${p.meanTest.toFixed(5)} ± ${p.seTest.toFixed(5)}, plain at rank 9 ${q.meanTest.toFixed(5)} ± ${
          q.seTest.toFixed(5)
        }; plain − stratified = ${((p.meanTest - s.meanTest) / se).toFixed(1)} SE (${
          (100 * (p.meanTest / s.meanTest - 1)).toFixed(2)
        } %)`,
      );
    }
  }
}

if (want("california")) {
  const raw = californiaStrata();
  // Each column divided by its largest value (snmf rank --scale max): Population's thousands
  // otherwise make the held-out error that column's alone.
  const cols = raw[0].data.length > 0 ? (raw[0].data as number[][])[0].length : 0;
  const max = Array.from(
    { length: cols },
    (_, j) => Math.max(...raw.flatMap((x) => (x.data as number[][]).map((r) => r[j]))),
  );
  const scaled = raw.map((x) => ({ ...x, data: (x.data as number[][]).map((r) => r.map((v, j) => v / max[j])) }));
  for (const [label, strata] of [["as read", raw], ["columns scaled by their maxima", scaled]] as const) {
    const started = performance.now();
    const cv = await crossValidate(strata, { ranks: [2, 3, 4, 5, 6], folds: 3, seed: 1 });
    const rows = strata.reduce((a, x) => a + (x.data as number[][]).length, 0);
    console.log(
      `California ${label} (${strata.length} strata, ${rows} rows × ${cols}), ranks 2..6, 3 folds: ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s, suggested ${cv.suggestedRank}; ${
          cv.skipped.join("; ")
        }`,
    );
    for (const x of cv.summary) {
      console.log(`  ${x.model} ${x.rank}: ${x.meanTest.toPrecision(4)} ± ${x.seTest.toPrecision(2)}`);
    }
  }
}

/** The bytes of a fitted model's V, W, H, loss history and final loss, for the masked-fit hash. */
function modelBytes(
  model: { V: Float32Array[]; W: Float32Array[]; H: Float32Array; lossHistory: Float64Array | number[]; loss: number },
) {
  const parts = [...model.V, ...model.W, model.H, Float64Array.from(model.lossHistory), Float64Array.of(model.loss)];
  return parts.map((x) => new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
}

if (section === "hash") {
  const strata: Stratum[] = [...denseStrata(101, [301, 187], 157), ...csrStrata(102, [420], 157, 0.3)];
  const all = createHash("sha256");
  for (const fraction of [0.05, 0.2]) {
    const hidden = hideEntries(strata, fraction, 7).strata;
    for (const solver of ["hals", "mu"] as const) {
      for (const rank of [3, 5, 10]) {
        const hashes = [];
        for (const threads of [1, 2]) {
          const model = await fit(hidden, { rank, maxIter: 15, seed: 5, solver, threads, missing: "mask" });
          const one = createHash("sha256");
          for (const bytes of modelBytes(model)) one.update(bytes);
          model.free();
          hashes.push(one.digest("hex"));
        }
        if (hashes[0] !== hashes[1]) console.log(`${fraction} ${solver} rank ${rank}: 1 and 2 threads differ`);
        console.log(`${fraction * 100} % hidden, ${solver}, rank ${rank}: ${hashes[0].slice(0, 16)}`);
        all.update(hashes[0]).update(hashes[1]);
      }
    }
  }
  console.log(`masked fits (24): ${all.digest("hex")}`);
}

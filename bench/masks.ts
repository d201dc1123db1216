// Masks and held-out error (issue 15): `deno run -A bench/masks.ts [cost|memory|rank|shifts|california|all]`.
//
// cost        ms per iteration of a dense fit (4 strata × 2,500 × 400, rank 10, 1 thread) without a
//             mask, and with 5 % and 20 % of the entries hidden (the masked plans), HALS and MU
// memory      peak bytes the heap holds during those fits, over the float32 data plus the factors
// rank        the suggested rank of the paper's synthetic strata (true rank 5, 5 % noise) on 5 data
//             seeds, ranks 2..8, 3 folds; writes docs/figures/rank_synthetic.svg from seed 1
// shifts      held-out error at rank 5 of the stratified model and plain NMF, with and without the
//             generator's shifts (5 seeds)
// california  snmf rank's work on the California strata, ranks 2..6, 3 folds: seconds
//
// Results are recorded in bench/README.md ("Masks and held-out error"). Run nothing else meanwhile.

import process from "node:process";
import { writeFileSync } from "node:fs";
import { crossValidate, type CrossValidation, fit, type FitOptions, init, type Stratum } from "../sdk/mod.ts";
import { getCore } from "../sdk/runtime/core.ts";
import { noisyStrata } from "../testing/noisy.ts";
import { hideEntries } from "../testing/masked_reference.ts";
import { denseStrata } from "../testing/fixtures.ts";
import { californiaStrata } from "./experiments/data.ts";
import { rankChart } from "../report/rank.ts";

const section = process.argv[2] ?? "all";
const want = (name: string) => section === "all" || section === name;
await init();

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

/** Median ms per iteration over `repeats` fits of `iterations` iterations each. */
async function msPerIteration(strata: Stratum[], options: FitOptions, repeats = 5): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const model = await fit(strata, options);
    times.push(model.elapsedMs / model.iterations);
    model.free();
  }
  return median(times);
}

if (want("cost") || want("memory")) {
  const strata = denseStrata(3, [2500, 2500, 2500, 2500], 400);
  const data = 4 * 2500 * 400 * 4, factors = (4 * 400 + 4 * 2500 * 10 + 10 * 400) * 4;
  for (const solver of ["hals", "mu"] as const) {
    const options: FitOptions = { rank: 10, maxIter: 20, seed: 1, solver, threads: 1 };
    const plain = await msPerIteration(strata, options);
    const line = [`${solver}: unmasked ${plain.toFixed(2)} ms/iteration`];
    for (const fraction of [0.05, 0.2]) {
      const hidden = hideEntries(strata, fraction, 7).strata;
      const masked = await msPerIteration(hidden, { ...options, missing: "mask" });
      line.push(`${fraction * 100} % hidden ${masked.toFixed(2)} (${(masked / plain).toFixed(2)}×)`);
      if (want("memory") && solver === "hals") {
        const peak = await peakBytes(async () =>
          (await fit(hidden, { ...options, maxIter: 2, missing: "mask" })).free()
        );
        line.push(`peak ${(peak / 2 ** 20).toFixed(1)} MiB = ${(peak / (data + factors)).toFixed(2)}× data + factors`);
      }
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
  for (const shifts of [true, false]) {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { strata } = noisyStrata({ seed, noise: 0.05, shifts });
      const cv = await crossValidate(strata, { ranks: [5], folds: 3, seed });
      const [s, p, q] = [at(cv, "stratified", 5), at(cv, "plain", 5), at(cv, "plain+s", 5)];
      const se = Math.max(s.seTest, p.seTest);
      console.log(
        `shifts ${shifts}, seed ${seed}: stratified ${s.meanTest.toFixed(4)} ± ${s.seTest.toFixed(4)}, plain ${
          p.meanTest.toFixed(4)
        } ± ${p.seTest.toFixed(4)}, plain at rank 9 ${q.meanTest.toFixed(4)} ± ${q.seTest.toFixed(4)}; ` +
          `plain − stratified = ${((p.meanTest - s.meanTest) / se).toFixed(1)} SE`,
      );
    }
  }
}

if (want("california")) {
  const strata = californiaStrata();
  const started = performance.now();
  const cv = await crossValidate(strata, { ranks: [2, 3, 4, 5, 6], folds: 3, seed: 1 });
  console.log(
    `California (${strata.length} strata, ${strata.reduce((a, x) => a + x.rows!, 0)} rows × ${strata[0].cols}), ` +
      `ranks 2..6, 3 folds: ${((performance.now() - started) / 1000).toFixed(1)} s, suggested ${cv.suggestedRank}`,
  );
  for (const x of cv.summary) {
    console.log(`  ${x.model} ${x.rank}: ${x.meanTest.toPrecision(4)} ± ${x.seTest.toPrecision(2)}`);
  }
}

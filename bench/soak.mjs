// Same bits, many times: effects() on small strata over and over on lanes (a new pool of lane
// workers each call) against the same call on one thread, counting the calls whose result
// differs. The refits are short (3 strata of 14 rows × 4 columns, T = T₀ = 30), so the hand-overs
// between the calling thread and the lanes, where a race between threads would show, come
// hundreds of times a second. Any count but 0 is a bug (bench/README.md, "Same bits, many times").
//
//   node bench/soak.mjs [dist/stratified-nmf.node.js] [calls] [threads]     (after `npm run build`)
//   deno run -A bench/soak.mjs sdk/mod.ts [calls] [threads]  ·  bun bench/soak.mjs sdk/mod.ts [calls] [threads]
//
// Defaults: 2,000 calls on 2 threads. Prints one JSON object.

import process from "node:process";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const [target = "dist/stratified-nmf.node.js", callsArg = "2000", threadsArg = "2"] = process.argv.slice(2);
const sdk = await import(pathToFileURL(resolve(target)).href);
const calls = Number(callsArg), threads = Number(threadsArg);

/** 3 strata of 14 rows × 4 columns: a common base, stratum 1 with more of column 2, rank 2, 5 % noise. */
function smallStrata() {
  const random = new sdk.Random(17);
  const H = Array.from({ length: 8 }, () => random.next());
  return ["a", "b", "c"].map((name, i) => {
    const data = new Float32Array(14 * 4);
    for (let r = 0; r < 14; r++) {
      const w = [random.next(), random.next()];
      for (let j = 0; j < 4; j++) {
        const x = 0.5 + (i === 1 && j === 2 ? 3 : 0) + w[0] * H[j] + w[1] * H[4 + j];
        data[r * 4 + j] = x * (1 + 0.05 * (2 * random.next() - 1));
      }
    }
    return { name, rows: 14, cols: 4, data };
  });
}

const strata = smallStrata();
const model = await sdk.fit(strata, { rank: 2, restarts: 4, seed: 1, maxIter: 60 });
const options = { replicates: 6, permutations: 6, iterations: 30, pooledIterations: 30, seed: 3 };
const expected = JSON.stringify(await sdk.effects(model, strata, { ...options, threads: 1 }));
const differing = [];
const started = performance.now();
for (let call = 0; call < calls; call++) {
  if (JSON.stringify(await sdk.effects(model, strata, { ...options, threads })) !== expected) differing.push(call);
}
const msPerCall = (performance.now() - started) / calls;
model.free();
const runtime = globalThis.Deno ? "deno" : process.versions.bun ? "bun" : "node";
console.log(JSON.stringify({ runtime, threads, calls, differing: differing.length, at: differing, msPerCall }));

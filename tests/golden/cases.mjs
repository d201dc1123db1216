// The golden fits: a fixed set of fits (dense, CSR and mixed strata; the multiplicative updates
// under both schedules, HALS; L1 weights; NNDSVD; untracked loss; wide data; transform) whose
// factors and loss histories are hashed. tests/golden/hashes.json records the hashes; the
// Deno/Bun test (golden_test.ts) and the Node test (tests/node/golden.mjs) recompute them on 1
// and 3 threads and compare. A change that alters any bit of any of these results on purpose
// re-records them (`deno run -A tests/golden/record.ts`) and says so in its commit.
//
// Plain JavaScript so that Node runs it against the built bundle as Deno and Bun run it against
// the sources: the SDK is passed in (`{ fit, transform, Random }`).

import { randomCsr, randomDense } from "../../testing/random_strata.mjs";

/**
 * The data sets, made once per run. Sizes pass the executor's threshold for waking workers
 * (so 3 threads really split the plans), and "wide" passes the 2,048-column chunks of the v
 * updates and the 4,096-column row ranges of H Hᵀ.
 */
export function goldenData(Random) {
  const d = randomDense(Random, 101, [301, 187], 157);
  const c = randomCsr(Random, 102, [420, 99], 157, 0.08);
  return {
    dense: d,
    csr: c,
    mixed: [...randomDense(Random, 103, [211], 157), ...randomCsr(Random, 104, [330, 57], 157, 0.1)],
    wide: randomCsr(Random, 105, [140, 90], 4500, 0.01),
    wideDense: randomDense(Random, 106, [24, 16], 4200),
  };
}

/** The fits: [name, data set, fit options]. */
export const GOLDEN_FITS = [
  ["dense mu sequential", "dense", { rank: 6, maxIter: 12, solver: "mu", schedule: "sequential" }],
  ["dense mu reference", "dense", { rank: 6, maxIter: 12, solver: "mu", schedule: "reference" }],
  ["dense hals", "dense", { rank: 6, maxIter: 12, solver: "hals" }],
  ["csr mu sequential", "csr", { rank: 7, maxIter: 12, solver: "mu", schedule: "sequential" }],
  ["csr mu reference", "csr", { rank: 7, maxIter: 12, solver: "mu", schedule: "reference" }],
  ["csr hals", "csr", { rank: 7, maxIter: 12, solver: "hals" }],
  ["csr hals untracked", "csr", { rank: 7, maxIter: 12, solver: "hals", trackLoss: false }],
  ["csr mu untracked", "csr", { rank: 7, maxIter: 12, solver: "mu", trackLoss: false }],
  ["mixed mu sequential", "mixed", { rank: 5, maxIter: 12, solver: "mu", schedule: "sequential" }],
  ["mixed mu reference", "mixed", { rank: 5, maxIter: 12, solver: "mu", schedule: "reference" }],
  ["mixed hals", "mixed", { rank: 5, maxIter: 12, solver: "hals" }],
  ["mixed hals untracked", "mixed", { rank: 5, maxIter: 12, solver: "hals", trackLoss: false }],
  ["mixed hals l1", "mixed", { rank: 5, maxIter: 12, solver: "hals", l1V: 0.5, l1W: 0.1, l1H: 0.2 }],
  ["mixed mu l1", "mixed", { rank: 5, maxIter: 12, solver: "mu", l1V: 0.5, l1W: 0.1, l1H: 0.2 }],
  ["mixed hals nndsvd", "mixed", { rank: 5, maxIter: 12, solver: "hals", init: "nndsvd" }],
  ["mixed mu nndsvd", "mixed", { rank: 5, maxIter: 12, solver: "mu", init: "nndsvd" }],
  ["dense hals tol", "dense", { rank: 4, maxIter: 300, solver: "hals", tol: 1e-4 }],
  ["dense mu vUpdates 0", "dense", { rank: 4, maxIter: 10, solver: "mu", vUpdates: 0 }],
  ["wide csr hals", "wide", { rank: 6, maxIter: 6, solver: "hals" }],
  ["wide csr mu", "wide", { rank: 6, maxIter: 6, solver: "mu" }],
  ["wide dense hals", "wideDense", { rank: 5, maxIter: 6, solver: "hals" }],
  ["wide dense mu reference", "wideDense", { rank: 5, maxIter: 6, solver: "mu", schedule: "reference" }],
];

/** The transforms: [name, fit of GOLDEN_FITS to transform with, input data set and stratum, options]. */
export const GOLDEN_TRANSFORMS = [
  ["transform known stratum hals", "mixed hals", "mixed", 1, { stratum: "c0", maxIter: 15 }],
  ["transform new stratum mu", "mixed mu sequential", "dense", 0, { maxIter: 15, solver: "mu" }],
  ["transform new stratum hals csr", "csr hals", "csr", 1, { maxIter: 15 }],
];

/** Hex SHA-256 of the bytes of typed arrays and numbers. */
async function sha256(parts) {
  const chunks = parts.map((part) => {
    const array = typeof part === "number" ? Float64Array.of(part) : part;
    return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  });
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The hash of a model: V, W, H, the loss history, loss, iterations and whether it converged. */
function modelHash(model) {
  return sha256([...model.V, ...model.W, model.H, model.lossHistory, model.loss, model.iterations, +model.converged]);
}

/**
 * Runs every golden fit and transform on `threads` threads and returns `{ name: hash }`.
 * @param sdk `{ fit, transform, Random }` of the build under test
 */
export async function goldenHashes(sdk, threads) {
  const data = goldenData(sdk.Random);
  const hashes = {};
  const models = new Map();
  try {
    for (const [name, set, options] of GOLDEN_FITS) {
      const model = await sdk.fit(data[set], { seed: 7, threads, ...options });
      hashes[name] = await modelHash(model);
      models.set(name, model);
    }
    for (const [name, from, set, index, options] of GOLDEN_TRANSFORMS) {
      const result = await sdk.transform(models.get(from), data[set][index], { seed: 3, threads, ...options });
      hashes[name] = await sha256([result.W, result.v, result.lossHistory, result.loss, result.iterations]);
    }
  } finally {
    for (const model of models.values()) model.free();
  }
  return hashes;
}

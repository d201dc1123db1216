// The fit every host runs (tests/hosts/): plain JavaScript with no imports, so the same file
// runs on Node, Deno, Bun, workerd, the edge runtime and in a browser page. It takes the
// package's namespace and returns what the hosts compare: the factors' bits (hashed), the loss
// history, effects()' records (hashed), and which build and how many threads ran.

/** Big enough that the products of an iteration run on the thread pool where there is one. */
export const PROBE_FIT = { rank: 6, maxIter: 25, seed: 11 };

/** A small effects() run on the probe's model: 6 + 6 refits of 20 iterations. */
export const PROBE_EFFECTS = { replicates: 6, permutations: 6, seed: 3, iterations: 20, pooledIterations: 10 };

/** Two independent 32-bit FNV-1a hashes of bytes, as 16 hex digits. */
export function hashBytes(bytes) {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < bytes.length; i++) {
    a = Math.imul(a ^ bytes[i], 0x01000193) >>> 0;
    b = Math.imul(b ^ bytes[bytes.length - 1 - i], 0x01000193) >>> 0;
  }
  return a.toString(16).padStart(8, "0") + b.toString(16).padStart(8, "0");
}

/** The strata of the probe: three dense synthetic strata and a small CSR one. */
export function probeStrata(sdk) {
  const { strata } = sdk.syntheticStrata({ strata: 3, rows: 400, cols: 150, seed: 5 });
  const indices = [1, 7, 0, 3, 149, 60, 61];
  strata.push({
    name: "sparse",
    rows: 4,
    cols: 150,
    indptr: [0, 2, 2, 5, 7],
    indices,
    values: indices.map((j) => 1 + (j % 5)),
  });
  return strata;
}

/**
 * Fits the probe and describes the result.
 * @param sdk the package's namespace (fit, syntheticStrata, getCore)
 * @param threads threads to ask for (default: the SDK's choice)
 */
export async function probe(sdk, threads) {
  const strata = probeStrata(sdk);
  const model = await sdk.fit(strata, { ...PROBE_FIT, threads });
  try {
    // effects()' refits: side by side on lanes where the host has workers, one after the other
    // where it has none; the same records either way.
    const { effects } = await sdk.effects(model, strata, { ...PROBE_EFFECTS, threads });
    const parts = [...model.V, ...model.W, model.H];
    const bytes = new Uint8Array(parts.reduce((n, a) => n + a.byteLength, 0));
    let offset = 0;
    for (const a of parts) {
      bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
      offset += a.byteLength;
    }
    const core = sdk.getCore();
    return {
      factors: hashBytes(bytes),
      effects: hashBytes(new TextEncoder().encode(JSON.stringify(effects))),
      lossHistory: Array.from(model.lossHistory),
      normalizedLoss: model.normalizedLoss,
      threads: model.threads,
      build: core.build ?? null,
      shared: core.shared,
    };
  } finally {
    model.free();
  }
}

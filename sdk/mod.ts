/**
 * Stratified-NMF (Chapman, Yaniv, Needell 2023) on SIMD WebAssembly.
 *
 * Data that comes in strata `A(1), …, A(s)` (sites, sources, time periods; same `n` columns,
 * any row counts) is factorized as `A(i) ≈ 1 v(i)ᵀ + W(i) H`: a topics matrix `H` (k×n)
 * shared by all strata, loadings `W(i)` (m_i×k) and a non-negative shift `v(i)` (n) per
 * stratum, what is particular to it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fit, syntheticStrata } from "stratified-nmf";
 *
 * // The paper's synthetic data: four strata whose shifts v(i) have means 0.5, 1.5, 2.5, 3.5.
 * const { strata } = syntheticStrata({ seed: 7 });
 * const model = await fit(strata, { rank: 5, maxIter: 200, seed: 1 });
 * assert.ok(model.normalizedLoss < 0.05);
 * const means = model.vMeans(); // one mean per stratum: they keep the strata's order
 * assert.ok(means[0] < means[1] && means[1] < means[2] && means[2] < means[3]);
 * model.free();
 * ```
 *
 * @module
 */

// The source entry for Deno, Bun and Node (and the CLI's bundle): the embedded bytes, and
// node:worker_threads / node:os where the host has them. Bundles for other hosts are built
// from sdk/hosts/ (scripts/build.mjs); all of them export exactly sdk/api.ts.

import { setWasmLoader } from "./runtime/core.ts";
import { embeddedLoader } from "./hosts/embedded.ts";
import { registerNodeApis } from "./hosts/node_apis.ts";

registerNodeApis();
setWasmLoader(embeddedLoader);

export * from "./api.ts";

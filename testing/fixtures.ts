/**
 * Shared test data: seeded random dense and CSR strata, their dense float64 copies for the
 * reference, and explicit starts.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Core } from "../sdk/runtime/core.ts";
import { Arena } from "../sdk/runtime/heap.ts";
import { type CsrStratum, type DenseStratum, Random } from "../sdk/mod.ts";
import { type Mat, mat, type RefState } from "./reference.ts";
import { randomCsr, randomDense } from "./random_strata.mjs";

/** Allocations on a core's heap for one test: `alloc` as the SDK's workspaces use it, `release` frees them all. */
export function testHeap(core: Core): { alloc: (bytes: number) => number; release: () => void } {
  const arena = new Arena(core.heap);
  return { alloc: (bytes) => arena.alloc(bytes), release: () => arena.free() };
}

/** Dense strata `d0`, `d1`, … with values U(0, scale), rows[i] rows each, n columns (float32-exact values). */
export function denseStrata(seed: number, rows: number[], n: number, scale = 1): DenseStratum[] {
  return randomDense(Random, seed, rows, n, scale);
}

/** CSR strata `c0`, `c1`, … with about `density` of the entries stored (values U(0,1)), sorted indices. */
export function csrStrata(seed: number, rows: number[], n: number, density: number): CsrStratum[] {
  return randomCsr(Random, seed, rows, n, density).map((s) => ({
    ...s,
    indptr: Int32Array.from(s.indptr),
    indices: Int32Array.from(s.indices),
    values: Float32Array.from(s.values),
  }));
}

/** A dense float64 copy of a dense or CSR stratum. */
export function toMat(stratum: DenseStratum | CsrStratum): Mat {
  if ("indptr" in stratum) {
    const out = mat(stratum.rows, stratum.cols);
    for (let r = 0; r < stratum.rows; r++) {
      for (let e = stratum.indptr[r]; e < stratum.indptr[r + 1]; e++) {
        out.data[r * stratum.cols + stratum.indices[e]] = stratum.values[e];
      }
    }
    return out;
  }
  return mat(stratum.rows!, stratum.cols!, stratum.data as ArrayLike<number>);
}

/** An explicit start (float32-exact values) in the reference's form and the SDK's `init` form. */
export function explicitStart(seed: number, rows: number[], n: number, k: number) {
  const random = new Random(seed);
  const scale = 1 / Math.sqrt(k);
  const V = rows.map(() => Float64Array.from({ length: n }, () => random.next()));
  const W = rows.map((m) => Float64Array.from({ length: m * k }, () => Math.fround(random.next() * scale)));
  const H = Float64Array.from({ length: k * n }, () => Math.fround(random.next() * scale));
  const ref: RefState = { V, W: W.map((w, i) => mat(rows[i], k, w)), H: mat(k, n, H) };
  const init = { V, W, H };
  return { ref, init };
}

/** ‖a − b‖ / ‖b‖ (Euclidean, over all entries). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  return Math.sqrt(diff / norm);
}

/**
 * Asserts that a model's V, W(i) and H (in the data's units, divided by `scale` back to the
 * reference's) are each within `tolerance` relative error of a reference state's.
 */
export function assertNearReference(
  model: { V: Float32Array[]; W: Float32Array[]; H: Float32Array },
  state: RefState,
  scale: number,
  tolerance: number,
): void {
  const errors = {
    V: relativeError(flat(model.V).map((x) => x / scale), flat(state.V)),
    W: relativeError(flat(model.W), flat(state.W.map((w) => w.data))),
    H: relativeError(model.H.map((x) => x / scale), state.H.data),
  };
  for (const [name, error] of Object.entries(errors)) {
    assert.ok(error < tolerance, `${name}: relative error ${error}`);
  }
}

/** Concatenates arrays into one Float64Array. */
export function flat(parts: ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p as ArrayLike<number>, o);
    o += p.length;
  }
  return out;
}

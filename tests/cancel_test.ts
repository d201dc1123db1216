// Cancellation reaches long work: loading strata checks the signal every 1,024 rows, the NNDSVD
// start between its power iterations, an iteration between its steps; a fit aborted at any of
// them rejects with the signal's reason and leaves no memory allocated. The check points are
// counted (a signal that counts how often it is consulted), not timed.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fit, type Stratum } from "../sdk/mod.ts";
import { init } from "../sdk/runtime/core.ts";
import { MAX_THREADS } from "../sdk/input/options.ts";
import { csrStrata, denseStrata } from "../testing/fixtures.ts";

const core = await init();

/** A signal that reports itself aborted from its `abortAt`-th consultation on, and counts them. */
function countingSignal(abortAt = Infinity): { signal: AbortSignal; reads: () => number; reason: Error } {
  const signal = new AbortController().signal;
  const reason = new Error("stopped by the test");
  let reads = 0;
  Object.defineProperty(signal, "aborted", { get: () => ++reads >= abortAt });
  Object.defineProperty(signal, "reason", { get: () => reason });
  return { signal, reads: () => reads, reason };
}

/** Consultations of the signal by a whole fit. */
async function readsOf(strata: Stratum[], options: object): Promise<number> {
  const { signal, reads } = countingSignal();
  const model = await fit(strata, { rank: 3, seed: 1, threads: 1, signal, ...options });
  model.free();
  return reads();
}

describe("cancellation", () => {
  const tall = denseStrata(1, [3000, 2100], 8);

  it("is checked every 1,024 rows while the strata load", async () => {
    // 2 checks in the first stratum (rows 1,023 and 2,047), 2 in the second, then the loop's (a
    // check point that yields to the event loop checks again after it).
    const loading = await readsOf(tall, { maxIter: 0 }) - await readsOf(denseStrata(1, [30, 21], 8), { maxIter: 0 });
    assert.ok(loading >= 4 && loading <= 8, `${loading} checks while loading`);
    const { signal, reads, reason } = countingSignal(3);
    const before = core.heap.allocatedBytes;
    let progress = 0;
    await assert.rejects(fit(tall, { rank: 3, seed: 1, signal, onProgress: () => progress++ }), (e) => e === reason);
    assert.equal(reads(), 3, "stopped at the third check point, in the second stratum");
    assert.equal(progress, 0);
    assert.equal(core.heap.allocatedBytes, before);
  });

  it("is checked between the NNDSVD start's power iterations", async () => {
    const strata = [...denseStrata(2, [40], 30), ...csrStrata(3, [50], 30, 0.2)];
    const nndsvd = await readsOf(strata, { maxIter: 0, init: "nndsvd" });
    const random = await readsOf(strata, { maxIter: 0, init: "random" });
    // 4 power iterations here (rank 3 is not below 0.1 × min(90, 30)), two checks each, and one before the SVD.
    assert.ok(nndsvd - random >= 2 * 4 + 1, `${nndsvd} against ${random}`);
    const { signal, reason } = countingSignal(random + 1);
    const before = core.heap.allocatedBytes;
    await assert.rejects(fit(strata, { rank: 3, init: "nndsvd", threads: 1, signal }), (e) => e === reason);
    assert.equal(core.heap.allocatedBytes, before);
  });

  it("is checked between the steps of an iteration", async () => {
    const strata = denseStrata(4, [40, 30], 20);
    // HALS: 12 steps an iteration, each after a check point (twice where it yields), and the loop's.
    const perIteration = await readsOf(strata, { maxIter: 3 }) - await readsOf(strata, { maxIter: 2 });
    assert.ok(perIteration >= 1 + 12 && perIteration <= 2 * (1 + 12), `${perIteration} checks an iteration`);
    const { signal, reason } = countingSignal(4);
    let progress = 0;
    await assert.rejects(
      fit(strata, { rank: 3, signal, threads: 1, onProgress: () => progress++ }),
      (e) => e === reason,
    );
    assert.equal(progress, 1, "stopped inside the first iteration, after the first loss");
  });
});

describe("threads", () => {
  it(`are at most ${MAX_THREADS}, refused with the limit beyond`, async () => {
    await assert.rejects(
      fit(denseStrata(5, [6], 3), { rank: 2, threads: 200 }),
      (e: Error) =>
        e instanceof RangeError && /options\.threads must be an integer in \[1, 64\], got 200/.test(e.message),
    );
  });
});

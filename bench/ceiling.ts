/**
 * The machine's f32x4 multiply-add ceiling in the running runtime (bench/assembly/ceiling.ts,
 * built to build/ceiling.wasm by `npm run build`), on one thread.
 *
 * @module
 */

import { readFileSync } from "node:fs";

/** Best GFLOP/s of the ceiling loop over `repeats` timed calls, after warm-up calls. */
export async function simdCeilingGflops(repeats = 20): Promise<number> {
  const bytes = readFileSync(new URL("../build/ceiling.wasm", import.meta.url));
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
  const { instance } = await WebAssembly.instantiate(bytes, { env: { memory } });
  const loop = instance.exports.f32x4_madd_ceiling as (buf: number, steps: number) => number;
  const steps = 2_000_000;
  const flopsPerStep = 8 * 8;
  for (let i = 0; i < 5; i++) loop(4096, steps); // warm-up: V8 tiers up after the first calls
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    loop(4096, steps);
    best = Math.min(best, performance.now() - t0);
  }
  return steps * flopsPerStep / best / 1e6;
}

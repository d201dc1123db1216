/**
 * The machine's f32x4 and f64x2 multiply-add ceilings in the running runtime (bench/assembly/ceiling.ts,
 * built to build/ceiling.wasm by `npm run build`), on one thread: `deno run -A bench/ceiling.ts`.
 *
 * @module
 */

import { readFileSync } from "node:fs";

/**
 * Best GFLOP/s of the ceiling loop over `repeats` timed calls, after warm-up calls: f32x4 (64
 * flops a step) or, with `lanes` "f64x2", the same loop in float64 (32 flops a step).
 */
export async function simdCeilingGflops(repeats = 20, lanes: "f32x4" | "f64x2" = "f32x4"): Promise<number> {
  const bytes = readFileSync(new URL("../build/ceiling.wasm", import.meta.url));
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
  const { instance } = await WebAssembly.instantiate(bytes, { env: { memory } });
  const loop = instance.exports[`${lanes}_madd_ceiling`] as (buf: number, steps: number) => number;
  const steps = 2_000_000;
  const flopsPerStep = lanes === "f32x4" ? 8 * 8 : 8 * 4;
  for (let i = 0; i < 5; i++) loop(4096, steps); // warm-up: V8 tiers up after the first calls
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    loop(4096, steps);
    best = Math.min(best, performance.now() - t0);
  }
  return steps * flopsPerStep / best / 1e6;
}

if (import.meta.main) {
  const f32 = await simdCeilingGflops(40);
  const f64 = await simdCeilingGflops(40, "f64x2");
  console.log(`SIMD ceiling, one thread: f32x4 ${f32.toFixed(1)} GFLOP/s, f64x2 ${f64.toFixed(1)} GFLOP/s`);
}

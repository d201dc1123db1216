// The dense product kernel alone (f32_aht_wta, assembly/products/dense.ts), one thread, on any
// runtime, plain JavaScript:
//
//   node bench/dense_kernel.mjs [build/snmf.wasm]   ·   deno run -A bench/dense_kernel.mjs   ·   bun bench/dense_kernel.mjs
//   node --wasm-enforce-bounds-checks bench/dense_kernel.mjs   (V8's explicit bounds checks: Deno's mode)
//
// One 1000 × 1000 block of A, rank 20, U(0,1) float32: P = A Hᵀ alone and N += Wᵀ A alone, the
// least of 7 rounds of 20 calls each after 5 rounds of warm-up, in ms per call and GFLOP/s
// (2 m n k floating-point operations). Prints one JSON object.

import { readFileSync } from "node:fs";
import process from "node:process";

const file = process.argv[2] ?? new URL("../build/snmf.wasm", import.meta.url);
const memory = new WebAssembly.Memory({ initial: 2048, maximum: 65536 });
const kernels = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), { env: { memory } }).exports;
const m = 1000, n = 1000, k = 20;
const a = (kernels.heap_base() + 4095) & ~4095;
const h = a + m * n * 4, w = h + k * n * 4, p = w + m * k * 4, nacc = p + m * k * 4;
const f32 = new Float32Array(memory.buffer);
for (let i = a / 4; i < nacc / 4 + k * n; i++) f32[i] = Math.random();

/** ms per call of 20 calls forming P (p ≠ 0) or N (nn ≠ 0). */
function round(pp, nn) {
  const start = performance.now();
  for (let i = 0; i < 20; i++) kernels.f32_aht_wta(a, m, n, h, k, pp, w, nn);
  return (performance.now() - start) / 20;
}

for (let i = 0; i < 5; i++) round(p, 0), round(0, nacc);
const P = [], N = [];
for (let i = 0; i < 7; i++) P.push(round(p, 0)), N.push(round(0, nacc));
const report = (times) => {
  const ms = Math.min(...times);
  return { ms: +ms.toFixed(3), gflops: +(2 * m * n * k / ms / 1e6).toFixed(1) };
};
console.log(JSON.stringify({ P: report(P), N: report(N) }));

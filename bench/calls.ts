/**
 * What one kernel call costs from JavaScript, by how a decoded call word (sdk/threads/plan.ts) is
 * called. Runs calls that do no work (a dot product of length 0, zeroing 0 bytes, …) rotating over
 * `--kernels` different kernels, N calls per way:
 *
 *   one site     `kernels[w[o]](w[o + 2], …)`: one call site for every kernel, the words as doubles
 *   one site |0  the same, the integer parameters as int32 (`| 0`)
 *   apply        `kernels[w[o]].apply(undefined, args)`, the words copied into an array
 *   callKernel   sdk/generated/call_kernel.ts: one call site per kernel, integers as int32 (what
 *                plans run through)
 *
 *   deno run -A bench/calls.ts [--kernels 4] [--calls 10000000]
 *   bun bench/calls.ts …;  node scripts/node_bench.mjs bench/calls.ts …
 *
 * Prints nanoseconds per call, the least of 3 rounds.
 *
 * @module
 */

import process from "node:process";
import { parseArgs } from "node:util";
import { init } from "../sdk/mod.ts";
import { type KernelName, KERNELS, type KernelSpec, opcode } from "../sdk/runtime/kernels.ts";
import { callKernel } from "../sdk/generated/call_kernel.ts";
import { CALL_WORDS } from "../sdk/threads/plan.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { calls: { type: "string", default: "1e7" }, kernels: { type: "string", default: "4" } },
});
const N = Number(values.calls);
const core = await init();
const x = core.heap.alloc(64);
/** Calls that do nothing: every size 0, every pointer x. */
const idle: [KernelName, number[]][] = [
  ["f32_dot_f64", [x, x, 0]],
  ["zero_bytes", [x, 0]],
  ["f32_colsum_f64", [x, 0, 0, x]],
  ["f64_sum_slots", [x, x, 0, 0, 0]],
];
const used = idle.slice(0, Math.max(1, Math.min(idle.length, Number(values.kernels))));
const w = new Float64Array(used.length * CALL_WORDS);
used.forEach(([name, args], c) => w.set([opcode(name), 0, ...args], c * CALL_WORDS));
const byOpcode = KERNELS.map(({ name }) => core.kernels[name] as (...args: number[]) => number);
const floats = (KERNELS as readonly KernelSpec[]).map(({ params, floats = [] }) =>
  params.map((p) => floats.includes(p))
);

/** N calls, rotating over the used kernels' words, each through `call(o)`. */
function time(call: (o: number) => number): number {
  const started = performance.now();
  let sum = 0;
  // Void kernels return undefined through a direct call: `|| 0` for every way alike.
  for (let i = 0; i < N; i++) sum += call((i % used.length) * CALL_WORDS) || 0;
  if (sum !== 0) throw new Error("an idle call returned a value");
  return (performance.now() - started) / N * 1e6;
}

const args = new Array(10);
const ways: Record<string, (o: number) => number> = {
  "one site": (o) => byOpcode[w[o]](w[o + 2], w[o + 3], w[o + 4], w[o + 5], w[o + 6]),
  "one site |0": (o) => {
    const f = floats[w[o]];
    return byOpcode[w[o]](
      f[0] ? w[o + 2] : w[o + 2] | 0,
      f[1] ? w[o + 3] : w[o + 3] | 0,
      f[2] ? w[o + 4] : w[o + 4] | 0,
      f[3] ? w[o + 5] : w[o + 5] | 0,
      f[4] ? w[o + 6] : w[o + 6] | 0,
    );
  },
  apply: (o) => {
    for (let a = 0; a < 10; a++) args[a] = w[o + 2 + a];
    return byOpcode[w[o]].apply(undefined, args);
  },
  callKernel: (o) => callKernel(core.kernels, w, o),
};

const runtime = "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : `node ${process.version}`;
const least: Record<string, number> = {};
for (let round = 0; round < 3; round++) {
  for (const [name, way] of Object.entries(ways)) least[name] = Math.min(least[name] ?? Infinity, time(way));
}
console.log(
  `${runtime}, ${used.length} kernel${used.length > 1 ? "s" : ""}: ` +
    `${Object.entries(least).map(([name, ns]) => `${name} ${ns.toFixed(1)}`).join(", ")} ns a call`,
);
core.heap.release(x);

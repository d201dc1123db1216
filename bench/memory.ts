// Where a fit's peak memory goes: `deno run -A bench/memory.ts [spam|synthetic|dense|tfidf] [threads]`
// (default spam, 2 threads). Fits the workload (bench/workloads.ts) as bench.ts's peak-memory
// measure does (MU, reference schedule, 2 iterations) with the heap's alloc and release wrapped,
// and prints the peak over the float32 bytes of the data plus the factors, then the blocks held
// at the peak, summed by the two innermost SDK call sites that allocated them. A measuring tool,
// not part of the SDK.

import process from "node:process";
import { fit, init } from "../sdk/mod.ts";
import { getCore } from "../sdk/runtime/core.ts";
import { dataBytes, factorBytes, namedWorkload } from "./workloads.ts";

/** The command line after the script (Deno and Bun alike). */
const args = process.argv.slice(2);

const { strata, rank, trackLoss } = namedWorkload(args[0] ?? "spam");
const threads = Number(args[1] ?? 2);
await init();
const heap = getCore().heap;
const alloc = heap.alloc.bind(heap);
const release = heap.release.bind(heap);
/** Blocks held now: bytes and call site, by pointer. */
const held = new Map<number, { bytes: number; site: string }>();
let bytesHeld = 0;
let peak = 0;
let atPeak: { bytes: number; site: string }[] = [];
heap.alloc = (bytes: number) => {
  const ptr = alloc(bytes);
  const site = (new Error().stack ?? "").split("\n").slice(2, 4).map((line) => line.trim().replace(/^.*\//, ""))
    .join(" < ");
  held.set(ptr, { bytes, site });
  bytesHeld += bytes;
  if (bytesHeld > peak) {
    peak = bytesHeld;
    atPeak = [...held.values()];
  }
  return ptr;
};
heap.release = (ptr: number) => {
  const block = held.get(ptr);
  if (block) {
    bytesHeld -= block.bytes;
    held.delete(ptr);
  }
  release(ptr);
};
const model = await fit(strata, { rank, seed: 1, trackLoss, solver: "mu", schedule: "reference", maxIter: 2, threads });
model.free();

const dataAndFactors = dataBytes(strata) + factorBytes(strata, rank);
console.log(
  `peak ${peak} bytes = ${(peak / dataAndFactors).toFixed(3)} × the data and the factors (${dataAndFactors} bytes)`,
);
const bySite = new Map<string, number>();
for (const { bytes, site } of atPeak) bySite.set(site, (bySite.get(site) ?? 0) + bytes);
for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1])) console.log(String(bytes).padStart(10), site);

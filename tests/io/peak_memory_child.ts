// The process of one measurement of tests/io/peak_memory_test.ts, run as
//
//   peak_memory_child.ts WARM PATH [STRATA_COLUMN]
//
// It reads WARM (a small file of the same format, so that the JIT has compiled the reader and
// its compilers' memory is already resident: 8 MB under V8, 14 MB under JavaScriptCore, the same
// for a 10 MB as for a 100 MB file), collects the garbage, resets the kernel's peak resident
// memory (VmHWM) to the current resident memory, reads PATH as `snmf fit PATH` does, and prints
// `{ base, peak, data }` in bytes as JSON: the resident memory before the read, its peak during
// the read, and the bytes of the arrays the read returned. `{ skip }` says why it cannot measure
// (not Linux, or /proc/self/clear_refs not writable).

import { readFileSync, writeFileSync } from "node:fs";
import process from "node:process";
import { readStrata } from "../../io/read_input.ts";
import type { Stratum } from "../../sdk/mod.ts";

/** A `Vm…` line of /proc/self/status, in bytes. */
function statusBytes(key: "VmRSS" | "VmHWM"): number {
  const match = readFileSync("/proc/self/status", "utf8").match(new RegExp(`^${key}:\\s+(\\d+) kB$`, "m"));
  if (match === null) throw new Error(`/proc/self/status has no ${key} line`);
  return Number(match[1]) * 1024;
}

/** Bytes of the strata's arrays: dense values, or CSR offsets, indices and values. */
function dataBytes(strata: readonly Stratum[]): number {
  let bytes = 0;
  for (const stratum of strata) {
    const arrays = "indptr" in stratum ? [stratum.indptr, stratum.indices, stratum.values] : [stratum.data];
    for (const array of arrays) bytes += (array as Float32Array).byteLength;
  }
  return bytes;
}

/** Collects the garbage: Bun.gc, or V8's gc() with --expose-gc. */
function collectGarbage(): void {
  const host = globalThis as { Bun?: { gc(force: boolean): void }; gc?: () => void };
  if (host.Bun) host.Bun.gc(true);
  else if (host.gc) host.gc();
  else throw new Error("no way to collect the garbage: run Deno with --v8-flags=--expose-gc");
}

/** Sets VmHWM to the current VmRSS (Linux ≥ 4.0); false when that is not possible here. */
function resetPeak(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

/** Reads `file` and lets its strata go. */
function warmUp(file: string, strataColumn: string | undefined): void {
  const { strata } = readStrata(file, { strataColumn });
  if (dataBytes(strata) === 0) throw new Error(`${file} holds no data`);
}

const [warm, path, strataColumn] = process.argv.slice(2);
warmUp(warm, strataColumn);
collectGarbage();
if (process.platform !== "linux" || !resetPeak()) {
  console.log(JSON.stringify({ skip: "the peak resident memory can be reset only on Linux (/proc/self/clear_refs)" }));
} else {
  const base = statusBytes("VmRSS");
  const { strata } = readStrata(path, { strataColumn });
  const peak = statusBytes("VmHWM");
  console.log(JSON.stringify({ base, peak, data: dataBytes(strata) }));
}

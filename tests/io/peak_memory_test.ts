// The readers' peak memory (issue 13: at most 1.5× the data they return): each format is read
// in a process of its own (the runtime running the tests, Deno or Bun) by peak_memory_child.ts,
// which measures the kernel's peak resident memory of the read (VmHWM, reset before it) above the
// resident memory before it. The kernel's counters, not the runtime's: they see every byte the
// process holds (typed arrays' stores, malloc, the JIT, garbage not yet collected), the same in
// both runtimes, and VmHWM misses no short peak as sampling would. The child warms the reader up
// on a small file first, so the JIT's fixed few megabytes (see io/README.md) are not counted and
// the bound needs no allowance: what is left is the data and the readers' fixed-size buffers.
// The files (about 40 MB each, bench/read.ts's) are large beside those buffers (1 MiB chunks).

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { writeCsv, writeMtx } from "../../bench/read.ts";
import { removeDir, scratch } from "./helpers.ts";

/** The bound: peak memory over the bytes of data returned. */
const MAX_RATIO = 1.5;
const BYTES = 40e6;
/** Warm-up files (CSV files come in blocks of 10,000 rows, about 4.5 MB). */
const WARM_BYTES = 1e6;
const SLOW = { timeout: 60_000 };

const { dir } = scratch("snmf-peak-");
after(() => removeDir(dir));

/** A measured read: the child's JSON. */
type Measured = { base: number; peak: number; data: number } | { skip: string };

/** Reads `path` in a child process after a warm-up read of `warm`. */
function measure(warm: string, path: string, strataColumn?: string): Measured {
  const child = new URL("./peak_memory_child.ts", import.meta.url).pathname;
  const args = [warm, path, ...(strataColumn === undefined ? [] : [strataColumn])];
  const command = "Deno" in globalThis ? ["run", "-A", "--v8-flags=--expose-gc", child, ...args] : [child, ...args];
  return JSON.parse(execFileSync(process.execPath, command, { encoding: "utf8" }));
}

/** A format read as `snmf fit` reads it: a directory of one stratum file, or a file of every stratum. */
interface Case {
  label: string;
  /** The stratum file's name in its directory; none for a file with a strata column. */
  name?: string;
  strataColumn?: string;
  write: (file: string, bytes: number) => void;
}

const cases: Case[] = [
  { label: "dense CSV", name: "a.csv", write: (file, bytes) => writeCsv(file, bytes, false) },
  { label: "CSV with a strata column", strataColumn: "site", write: (file, bytes) => writeCsv(file, bytes, true) },
  { label: "MatrixMarket in row order", name: "a.mtx", write: (file, bytes) => writeMtx(file, bytes, "rows") },
  { label: "MatrixMarket in any order", name: "a.mtx", write: (file, bytes) => writeMtx(file, bytes, "any") },
];

/** Writes about `bytes` of the case's input at `at` (a directory, or `at`.csv); returns its path. */
function writeInput(at: string, { name, write }: Case, bytes: number): string {
  if (name === undefined) {
    write(`${at}.csv`, bytes);
    return `${at}.csv`;
  }
  mkdirSync(at);
  write(join(at, name), bytes);
  return at;
}

describe(`the readers' peak memory is at most ${MAX_RATIO}× the data they return`, () => {
  cases.forEach((c, i) => {
    it(c.label, SLOW, (t) => {
      const warm = writeInput(join(dir, `warm${i}`), c, WARM_BYTES);
      const path = writeInput(join(dir, `case${i}`), c, BYTES);
      const measured = measure(warm, path, c.strataColumn);
      if ("skip" in measured) return t.skip(measured.skip);
      const { base, peak, data } = measured;
      const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
      const ratio = ((peak - base) / data).toFixed(2);
      assert.ok(data > BYTES / 4, `the read returned ${mb(data)}`);
      assert.ok(
        peak - base <= MAX_RATIO * data,
        `peak ${mb(peak)}, ${mb(peak - base)} above the ${mb(base)} before: ${ratio}× the ${mb(data)} of data`,
      );
    });
  });
});

// How fast the CLI's readers read, and how much memory they take (Deno or Bun):
//
//   deno run -A bench/read.ts generate DIR [MB]   writes about MB megabytes (default 100) of each:
//       DIR/dense/a.csv (50 columns with a header), DIR/grouped.csv (the same with a strata column
//       of 4 strata), DIR/sorted/a.mtx (entries row by row) and DIR/shuffled/a.mtx (any order)
//   deno run -A bench/read.ts PATH [--strata-column COL]
//       reads PATH as `snmf fit PATH` does and prints the seconds, MB/s, the bytes of data
//       returned and the process's peak resident memory above what it held before reading.
//
// A measuring tool, not part of the command; `/usr/bin/time -v` around it gives the same peak.

import { closeSync, mkdirSync, openSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { readStrata } from "../io/read_input.ts";

/** Deterministic values in [0, 1). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Writes lines from `line(i)` until the file holds `bytes`, in blocks; returns the count. */
function writeLines(file: string, head: string, bytes: number, line: (i: number) => string): number {
  const fd = openSync(file, "w");
  let written = writeSync(fd, head);
  let count = 0;
  while (written < bytes) {
    const block: string[] = [];
    for (let k = 0; k < 10_000; k++) block.push(line(count++));
    written += writeSync(fd, block.join(""));
  }
  closeSync(fd);
  return count;
}

/** The columns of the CSV files (x0 … x49), values in [0, 10) with 6 decimals. */
const COLS = 50;

/**
 * Writes about `bytes` of CSV: a header and rows of {@link COLS} values; with `strata`, a first
 * column "site" naming one of 4 strata (s0 … s3) at random.
 */
export function writeCsv(file: string, bytes: number, strata: boolean): void {
  const next = random(12345);
  const row = () => Array.from({ length: COLS }, () => (next() * 10).toFixed(6)).join(",");
  const names = Array.from({ length: COLS }, (_, j) => `x${j}`).join(",");
  if (strata) writeLines(file, `site,${names}\n`, bytes, () => `s${Math.floor(next() * 4)},${row()}\n`);
  else writeLines(file, `${names}\n`, bytes, () => `${row()}\n`);
}

/**
 * Writes about `bytes` of a MatrixMarket coordinate file: 10,000 columns, about 20 bytes an
 * entry, rows of 50 entries in ascending columns. `order` "rows" lists them row by row; "any"
 * reverses each block of 500,000 entries, so that rows go back all the time.
 */
export function writeMtx(file: string, bytes: number, order: "rows" | "any"): void {
  const next = random(12345);
  const nnz = Math.max(1, Math.floor(bytes / 20 / 50)) * 50;
  const rows = nnz / 50;
  const entry = (i: number) => {
    const r = Math.floor(i / 50);
    return `${r + 1} ${(i % 50) * 200 + 1 + Math.floor(next() * 200)} ${(next() * 10).toFixed(6)}\n`;
  };
  const fd = openSync(file, "w");
  writeSync(fd, `%%MatrixMarket matrix coordinate real general\n${rows} 10000 ${nnz}\n`);
  for (let start = 0; start < nnz; start += 500_000) {
    const lines = Array.from({ length: Math.min(500_000, nnz - start) }, (_, k) => entry(start + k));
    writeSync(fd, (order === "rows" ? lines : lines.reverse()).join(""));
  }
  closeSync(fd);
}

function generate(dir: string, megabytes: number): void {
  const bytes = megabytes * 1e6;
  for (const sub of ["dense", "sorted", "shuffled"]) mkdirSync(join(dir, sub), { recursive: true });
  writeCsv(join(dir, "dense", "a.csv"), bytes, false);
  writeCsv(join(dir, "grouped.csv"), bytes, true);
  writeMtx(join(dir, "sorted", "a.mtx"), bytes, "rows");
  writeMtx(join(dir, "shuffled", "a.mtx"), bytes, "any");
}

function read(path: string, strataColumn: string | undefined): void {
  const before = process.memoryUsage().rss;
  const started = performance.now();
  const { strata } = readStrata(path, { strataColumn });
  const seconds = (performance.now() - started) / 1000;
  const peak = process.resourceUsage().maxRSS * 1024;
  const dataBytes = strata.reduce((sum, s) => {
    const arrays = "data" in s ? [s.data] : [s.indptr, s.indices, s.values];
    return sum + arrays.reduce((b, a) => b + (a as Float32Array).byteLength, 0);
  }, 0);
  const fileBytes = statSync(path).isDirectory()
    ? strata.reduce((sum, s) => sum + statSync(join(path, `${s.name}${"data" in s ? ".csv" : ".mtx"}`)).size, 0)
    : statSync(path).size;
  const mb = (b: number) => (b / 1e6).toFixed(1);
  console.log(
    `${path}: ${mb(fileBytes)} MB in ${seconds.toFixed(2)} s (${(fileBytes / 1e6 / seconds).toFixed(0)} MB/s); ` +
      `data ${mb(dataBytes)} MB; peak RSS ${mb(peak)} MB, ${mb(peak - before)} MB above the ${mb(before)} MB before ` +
      `(${((peak - before) / dataBytes).toFixed(2)}× the data)`,
  );
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  if (args[0] === "generate") generate(args[1], Number(args[2] ?? 100));
  else if (args[0] !== undefined) read(args[0], args[1] === "--strata-column" ? args[2] : undefined);
  else console.log("usage: bench/read.ts generate DIR [MB] | bench/read.ts PATH [--strata-column COL]");
}

/**
 * What the experiments share: the shape of a result (tables with the published figure next to
 * the measured one, pictures, notes), the runtime and machine they ran on, small statistics, and
 * the real `snmf` command for the experiments that go through it.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** A table of the report: a header and rows of Markdown cell text. */
export interface Table {
  title?: string;
  head: string[];
  rows: string[][];
}

/** A picture written under docs/figures/. */
export interface Figure {
  /** File name, unique across experiments (say "mnist_v12.png"). */
  file: string;
  /** The file's content: SVG text or PNG bytes. */
  content: string | Uint8Array;
  caption: string;
  /** Start a new row of pictures here (PNG pictures otherwise go side by side). */
  newRow?: boolean;
}

/** A part of an experiment's section beyond the paper (the solvers and starts of issue 5). */
export interface Subsection {
  settings: [string, string][];
  tables: Table[];
  figures: Figure[];
  notes: string[];
  /** Wall-clock seconds of the subsection. */
  seconds: number;
}

/** One experiment's outcome. */
export interface ExperimentResult {
  id: string;
  title: string;
  /** One line for the summary table: the published result and what was measured here, with the verdict. */
  headline: { published: string; measured: string };
  /** The settings used, as (name, value) pairs. */
  settings: [string, string][];
  /** The published results next to the measured ones: quantity, published, measured, verdict. */
  comparison: Table;
  /** Further tables (per seed, top words). */
  tables: Table[];
  figures: Figure[];
  /** Paragraphs of Markdown: how to read the figures, what differs from the paper and why. */
  notes: string[];
  seeds: number[];
  /** Wall-clock seconds of the whole experiment. */
  seconds: number;
  /** "Solvers and starts": every solver with every start on the experiment's data (`npm run experiments` adds it). */
  solvers?: Subsection;
}

/** Runtime, machine and threads the experiments run on. */
export function environment(): { runtime: string; cpu: string; cores: number } {
  const g = globalThis as { Deno?: { version: { deno: string; v8: string } }; Bun?: { version: string } };
  const runtime = g.Deno
    ? `Deno ${g.Deno.version.deno} (V8 ${g.Deno.version.v8})`
    : g.Bun
    ? `Bun ${g.Bun.version}`
    : `Node ${process.versions.node}`;
  const list = cpus();
  return { runtime, cpu: list[0]?.model ?? "unknown", cores: list.length };
}

/** Pearson correlation of two equally long vectors. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const [x, y] = [a[i] - ma, b[i] - mb];
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Smallest, median and largest of some numbers. */
export function spread(values: number[]): { min: number; median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { min: sorted[0], median, max: sorted[sorted.length - 1] };
}

/** A number to `digits` significant digits; exponent form below 1e-3. */
export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && Math.abs(x) < 1e-3) return x.toExponential(digits - 1);
  return x.toPrecision(digits);
}

/** An integer with thousands separators: 10,000. */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** `min – max (median m)` of per-seed values. */
export function fmtSpread(values: number[], digits = 3): string {
  if (values.length === 1) return fmt(values[0], digits);
  const { min, median, max } = spread(values);
  return `${fmt(min, digits)} – ${fmt(max, digits)} (median ${fmt(median, digits)})`;
}

/** A row of a table that `String()`s its cells. */
export function row(...cells: (string | number)[]): string[] {
  return cells.map(String);
}

/** Markdown of one cell: pipes escaped, no line breaks. */
export function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = fileURLToPath(new URL("../../cli/main.ts", import.meta.url));

/** The `snmf` command from source under the runtime running this (Deno or Bun), or the bundle under Node. */
export function snmfCommand(): { command: string; prefix: string[] } {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (g.Deno) return { command: process.execPath, prefix: ["run", "-A", `--config=${ROOT}deno.json`, MAIN] };
  if (g.Bun) return { command: process.execPath, prefix: [MAIN] };
  return { command: process.execPath, prefix: [`${ROOT}dist/snmf.js`] };
}

/**
 * Runs `snmf ARGS` in `cwd` (default: the project's root) and returns its standard output.
 * @throws {Error} with the command's standard error when it exits non-zero
 */
export function snmf(args: string[], cwd = ROOT): string {
  const { command, prefix } = snmfCommand();
  const run = spawnSync(command, [...prefix, ...args], { cwd, encoding: "utf8", maxBuffer: 1 << 28 });
  if (run.status !== 0) {
    throw new Error(`snmf ${args.join(" ")} exited ${run.status ?? run.signal}: ${run.stderr || run.error?.message}`);
  }
  return run.stdout;
}

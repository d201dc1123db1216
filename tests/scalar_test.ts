// The scalar build (hosts without WebAssembly SIMD) against the SIMD build: compiled from the same
// source with no SIMD instruction left, every kernel of the registry (sdk/runtime/kernels.ts; a
// kernel without a case fails the test) gives the same bits on the same memory at sizes around
// its tiles, and whole fits (both solvers, both schedules, L1 penalties, NNDSVD start, CSR strata,
// transform) give the same factors and losses. The CSC kernels kept for the benchmark
// (bench/assembly/csc.ts) likewise.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { Random } from "../sdk/mod.ts";
import { gramScratchBytes, type KernelName, KERNELS } from "../sdk/runtime/kernels.ts";

const SLOW = { timeout: 120_000 };

const root = fileURLToPath(new URL("..", import.meta.url));
const wasm = (file: string) => readFileSync(`${root}build/${file}`);
const disassembled = new Map<string, string>();
/** binaryen's wasm-dis text of a build (node_modules/.bin, as tests/wasm_test.ts uses it). */
function dis(file: string): string {
  if (!disassembled.has(file)) {
    disassembled.set(
      file,
      execFileSync(`${root}node_modules/.bin/wasm-dis`, [`${root}build/${file}`], { encoding: "utf8" }),
    );
  }
  return disassembled.get(file)!;
}

type Exports = Record<string, (...args: number[]) => number>;
/**
 * A region of memory for a case: uniform values in [0.05, 1.05), all zero, or about two thirds
 * zero ("sparse"); a kernel's scratch ("scratch": zeroed, and left out of the comparison, since
 * each build lays out its intermediate values its own way).
 */
type Region =
  | { type: "f32" | "f64"; length: number; zero?: boolean; sparse?: boolean; scratch?: boolean }
  | { type: "i32" | "f32"; values: number[] };
/** A call of a kernel of the core, or of the benchmark's CSC module. */
type Case = { kernel: KernelName | "csc_aht_wta"; regions: Region[]; args: (p: number[]) => number[] };

/** A build instantiated on a plain memory of its own. */
function instance(file: string): { memory: WebAssembly.Memory; exports: Exports } {
  const memory = new WebAssembly.Memory({ initial: 4, maximum: 65536 });
  const module = new WebAssembly.Module(wasm(file));
  return { memory, exports: new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Exports };
}

/** Runs one kernel call: regions laid out from heap_base, filled from a seeded generator;
 * returns the bytes of all regions afterwards, then those of the kernel's result (a float64). */
function runCase({ memory, exports }: ReturnType<typeof instance>, { kernel, regions, args }: Case, seed: number) {
  const start = exports.heap_base();
  const random = new Random(seed);
  const pointers: number[] = [];
  let end = start;
  for (const region of regions) {
    pointers.push(end);
    if ("values" in region) {
      const View = region.type === "i32" ? Int32Array : Float32Array;
      new View(memory.buffer, end, region.values.length).set(region.values);
      end += region.values.length * 4;
    } else {
      const view = region.type === "f32"
        ? new Float32Array(memory.buffer, end, region.length)
        : new Float64Array(memory.buffer, end, region.length);
      for (let i = 0; i < view.length; i++) {
        const u = random.nextUint32();
        view[i] = region.zero || region.scratch || (region.sparse && u % 3 !== 0) ? 0 : 0.05 + u / 2 ** 32;
      }
      end += view.byteLength;
    }
    end = (end + 15) & ~15;
  }
  const result = exports[kernel](...args(pointers)) ?? 0;
  regions.forEach((region, i) => {
    if (!("values" in region) && region.scratch) {
      new Uint8Array(memory.buffer, pointers[i], region.length * (region.type === "f32" ? 4 : 8)).fill(0);
    }
  });
  return new Uint8Array([
    ...new Uint8Array(memory.buffer.slice(start, end)),
    ...new Uint8Array(Float64Array.of(result).buffer),
  ]);
}

const f32 = (length: number, zero = false): Region => ({ type: "f32", length, zero });
const f64 = (length: number, zero = false): Region => ({ type: "f64", length, zero });
/** The HALS row update's scratch at rank k (16 k float64: a group of 8 rows in the SIMD build). */
const halsScratch = (k: number): Region => ({ type: "f64", length: 16 * k, scratch: true });
const pad4 = (k: number) => (k + 3) & ~3;
/** The masked terms kernel's scratch: 16 list entries and their scalars as float64. */
const termsScratch = (k: number): Region => ({ type: "f64", length: 16 * (k + 1), scratch: true });

/** Random CSR pattern of m×n with about a third of the entries stored, unsorted within rows. */
function csr(m: number, n: number, seed: number): { indptr: number[]; indices: number[] } {
  const random = new Random(seed);
  const indptr = [0];
  const indices: number[] = [];
  for (let r = 0; r < m; r++) {
    for (let j = n - 1; j >= 0; j--) if (random.nextUint32() % 3 === 0) indices.push(j);
    indptr.push(indices.length);
  }
  return { indptr, indices };
}

/** The row updates of m rows of rank k, with a broadcast (stride 0) and a per-row offset. */
function rowUpdates(m: number, k: number): Case[] {
  const kp = pad4(k);
  return [0, kp].flatMap((stride) => [
    {
      kernel: "f32_mu_update_rows",
      regions: [f32(m * k), f32(m * k), f32(k * kp), f32(stride === 0 ? kp : m * kp), f32(kp)],
      args: ([x, num, gram, off, scratch]: number[]) => [x, m, k, num, gram, off, stride, 1e-9, scratch],
    },
    {
      kernel: "f32_hals_update_rows_f64",
      regions: [f32(m * k), f32(m * k), f64(k * k), f64(stride === 0 ? k : m * k), halsScratch(k)],
      args: (
        [x, num, gram, off, scratch]: number[],
      ) => [x, m, k, num, gram, off, stride === 0 ? 0 : k, 0.01, 2, scratch],
    },
  ]);
}

/** The v updates of n entries (MU and HALS), shifts of both signs so the HALS projection bites. */
function vUpdates(n: number): Case[] {
  return [
    {
      kernel: "f32_mu_update_v_f64",
      regions: [f32(n), f32(n), f64(n)],
      args: ([v, c, t]: number[]) => [v, c, t, 7, n, 1e-9],
    },
    ...[-0.5, 0.5].map((shift): Case => ({
      kernel: "f32_hals_update_v_f64",
      regions: [f32(n, true), f32(n), f64(n)],
      args: ([v, c, t]: number[]) => [v, c, t, n, 7, shift],
    })),
  ];
}

/**
 * The CSR row products of a random m×n pattern (from `seed`) at rank k: P and Nt in one pass,
 * Nt over the rows' first halves (as a column range's task reads them), and A X (=|+=).
 */
function sparseProducts(m: number, n: number, k: number, seed: number): Case[] {
  const { indptr, indices } = csr(m, n, seed);
  const sparse = [{ type: "i32", values: indptr }, { type: "i32", values: indices }, f32(indices.length)] as Region[];
  const starts = indptr.slice(0, m);
  const ends = starts.map((start, r) => start + Math.ceil((indptr[r + 1] - start) / 2));
  return [
    {
      kernel: "csr_aht_atw",
      regions: [...sparse, f32(n * k), f32(m * k, true), f32(m * k), f32(n * k)],
      args: ([ip, ix, v, ht, p, w, nt]: number[]) => [ip, ix, v, m, ht, k, p, w, nt],
    },
    {
      kernel: "csr_atw_ranges",
      regions: [
        { type: "i32", values: starts },
        { type: "i32", values: ends },
        ...sparse.slice(1),
        f32(m * k),
        f32(n * k),
      ],
      args: ([s0, e0, ix, v, w, nt]: number[]) => [s0, e0, ix, v, m, w, k, nt],
    },
    ...[0, 1].map((accumulate): Case => ({
      kernel: "csr_mul_f64",
      regions: [...sparse, f32(n * k), f32(m * k)],
      args: ([ip, ix, v, x, o]: number[]) => [ip, ix, v, m, x, k, o, accumulate],
    })),
  ];
}

/**
 * The masked objective's kernels (assembly/updates/masked.ts) on m rows with a random list of
 * about a third of n indices per row, at rank k: both solvers' terms (both scalar modes, both starts), the
 * row updates reading them, the dots, the loss and the v update with counts.
 */
function maskedKernels(m: number, n: number, k: number, seed: number): Case[] {
  const { indptr, indices } = csr(m, n, seed);
  const list = [{ type: "i32", values: indptr }, { type: "i32", values: indices }] as Region[];
  const terms = m * (k * k + k);
  return [
    ...[0, 1].flatMap((perRow) =>
      [0, 1].map((init): Case => ({
        kernel: "f32_masked_terms_f64",
        regions: [...list, f32(n * k), f32(Math.max(m, n)), f64(k * k), f64(terms), termsScratch(k)],
        args: ([ip, ix, x, sc, g, o, scratch]) => [m, k, ip, ix, x, sc, init + 2 * perRow, g, o, scratch],
      }))
    ),
    // Dense terms, and terms with two thirds zeros (rows whose G_r[q,q] is 0 keep x_q, lane by lane).
    ...[false, true].map((sparse): Case => ({
      kernel: "f32_hals_update_rows_masked_f64",
      regions: [f32(m * k), f32(m * k), f64(m * k), { type: "f64", length: terms, sparse }, halsScratch(k)],
      args: ([x, num, off, t, scratch]) => [x, m, k, num, off, k, t, 0.01, 2, scratch],
    })),
    ...[0, 1].flatMap((perRow) =>
      [0, 1].map((init): Case => ({
        kernel: "f32_masked_mu_terms_f64",
        regions: [...list, f32(n * k), f32(Math.max(m, n)), f32(m * k), f64(m * k), termsScratch(k)],
        args: ([ip, ix, y, sc, x, o, scratch]) => [m, k, ip, ix, y, sc, init + 2 * perRow, x, o, scratch],
      }))
    ),
    {
      kernel: "f32_mu_update_rows_masked_f64",
      regions: [f32(m * k), f32(m * k), f64(k), f64(k * k), f64(m * k), f64(k, true)],
      args: ([x, num, off, g, c, scratch]) => [x, m, k, num, off, 0, g, c, 1e-9, scratch],
    },
    {
      kernel: "f32_masked_dots_f64",
      regions: [...list, f32(n * k), f32(m * k), f64(m), { type: "f64", length: k, scratch: true }],
      args: ([ip, ix, x, y, o, scratch]) => [m, k, ip, ix, x, y, o, scratch],
    },
    {
      kernel: "f32_masked_loss_f64",
      regions: [...list, f32(n * k), f32(n), f32(m * k)],
      args: ([ip, ix, x, sc, y]) => [m, k, ip, ix, x, sc, y],
    },
    ...[0, 1].map((multiplicative): Case => ({
      kernel: "f32_update_v_counts_f64",
      regions: [f32(n), f32(n), f64(n), f32(n)],
      args: ([v, c, t, counts]) => [v, c, t, counts, n, multiplicative ? 1e-9 : 0.1, multiplicative],
    })),
  ];
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const m of [1, 3, 4, 5, 9, 17]) {
    for (const n of [1, 3, 4, 5, 8, 13]) {
      for (const k of [1, 2, 3, 5, 8]) {
        out.push({
          kernel: "f32_aht_wta",
          regions: [f32(m * n), f32(k * n), f32(m * k, true), f32(m * k), f32(k * n)],
          args: ([a, h, p, w, nacc]) => [a, m, n, h, k, p, w, nacc],
        });
        out.push(...sparseProducts(m, n, k, m * 100 + n * 10 + k));
        out.push(...maskedKernels(m, n, k, m * 100 + n * 10 + k));
        // Lists long enough for the SIMD build's blocks of eight entries (about 16 per row).
        if (n === 13) out.push(...maskedKernels(m, 50, k, m * 100 + k));
        // Lists of several of the SIMD terms kernel's blocks of 16 (about 40 per row), at ranks whose
        // rows need every tile width, with and without c_r, and the odd rank's last column and row.
        if (n === 13 && k === 8) {
          for (const rank of [11, 14]) out.push(...maskedKernels(m, 120, rank, m * 100 + rank));
        }
        out.push({
          kernel: "f32_hv_h_f64",
          regions: [f32(k * n), f32(n), f64(k)],
          args: ([x, v, o]) => [x, k, n, v, o],
        });
        out.push({
          kernel: "f32_htw_h_f64",
          regions: [f32(k * (n + 3)), f64(k), f64(n)],
          args: ([h, w, o]) => [h, k, n, n + 3, w, o],
        });
        out.push({
          kernel: "f32_hv_ht_f64",
          regions: [f32(n * k), f32(n), f64(k)],
          args: ([ht, v, o]) => [ht, n, k, v, o],
        });
        out.push({
          kernel: "f32_htw_ht_f64",
          regions: [f32(n * k), f64(k), f64(n)],
          args: ([ht, w, o]) => [ht, n, k, w, o],
        });
        out.push({
          kernel: "f32_rmul_f64",
          regions: [f32(m * k), f64(k * n), f32(m * n, true)],
          args: ([x, t, o]) => [x, m, k, t, n, o],
        });
        const kp = pad4(k);
        out.push({
          kernel: "f32_shift_term",
          regions: [f32(m * n), f32(m * kp), f32(n * kp)],
          args: ([v, w, o]) => [v, n, m, n, w, kp, o],
        });
        out.push({
          kernel: "f32_sum_slots",
          regions: [f32(n * k), f32(m * n * k)],
          args: ([dst, src]) => [dst, src, m, n * k, n * k],
        });
        out.push(...rowUpdates(m, k));
        if (k === 1) out.push(...vUpdates(n * m));
        // The HALS shift term of n rows of Hᵀ from m strata (U: m rows of stride n + 2).
        out.push({
          kernel: "f32_shift_term_f64",
          regions: [f32(m * (n + 2)), f64(m * k), f64(n * k)],
          args: ([u, z, o]) => [u, n + 2, m, n, z, k, o],
        });
      }
    }
  }
  // The row updates' column groups (16, then 8, then 4 columns, then the partial vector).
  for (const k of [12, 16, 20, 23, 28, 45]) out.push(...rowUpdates(3, k));
  // HALS rows of sparse factors (two thirds zero; Num − Off of both signs, so the projection
  // bites), 1 and 3 sweeps, at row counts around the SIMD build's groups of 8 rows (a group's
  // spare lanes repeat its last row) and ranks around its loops.
  for (const rows of [1, 7, 8, 9, 17]) {
    for (const k of [1, 2, 5, 20, 31, 65]) {
      for (const sweeps of [1, 3]) {
        out.push({
          kernel: "f32_hals_update_rows_f64",
          regions: [
            { type: "f32", length: rows * k, sparse: true },
            f32(rows * k),
            f64(k * k),
            f64(rows * k),
            halsScratch(k),
          ],
          args: ([x, num, gram, off, scratch]: number[]) => [x, rows, k, num, gram, off, k, 0.01, sweeps, scratch],
        });
      }
    }
  }
  // Column sums in register chunks of 16 columns, then pairs, then one column.
  for (const n of [16, 17, 20, 33, 35]) {
    for (const m of [1, 5, 17]) {
      out.push({ kernel: "f32_colsum_f64", regions: [f32(m * n), f64(n)], args: ([x, o]) => [x, m, n, o] });
    }
  }
  out.push(...scanCases());
  // The dense kernel's blocks of 8 and 4 rows and N's tiles of 16, then 4 columns, then single ones.
  for (const m of [8, 12, 13, 17]) {
    for (const n of [16, 17, 20, 35, 67]) {
      for (const k of [1, 2, 3, 5]) {
        out.push({
          kernel: "f32_aht_wta",
          regions: [f32(m * n), f32(k * n), f32(m * k, true), f32(m * k), f32(k * n)],
          args: ([a, h, p, w, nacc]) => [a, m, n, h, k, p, w, nacc],
        });
      }
    }
  }
  // The sparse row products' wide register tiles (20 columns, then 8, then 4, then single ones).
  for (const k of [12, 20, 23, 28, 45]) out.push(...sparseProducts(5, 9, k, k));
  for (const m of [1, 5, 16, 17, 40]) {
    for (const n of [1, 3, 4, 5, 9]) {
      out.push(gramCase(m, n));
      out.push(...scalarKernels(m, n));
    }
  }
  // The Gram matrix over more than one chunk of promoted rows, with wide tiles and an odd width.
  for (const [m, n] of [[70, 20], [130, 21], [129, 2]]) out.push(gramCase(m, n));
  return out;
}

/** out += XᵀX (X m×n) through the kernel's scratch. */
function gramCase(m: number, n: number): Case {
  return {
    kernel: "f32_gram_f64",
    regions: [f32(m * n), f64(n * n), { type: "f64", length: gramScratchBytes(n) / 8, scratch: true }],
    args: ([x, o, s]) => [x, m, n, o, s],
  };
}

/** The kernels without a SIMD path, on m×n inputs: the scalar builds must still agree. */
function scalarKernels(m: number, n: number): Case[] {
  const { indptr, indices } = csr(m, n, m * 10 + n);
  return [
    { kernel: "f32_colsum_f64", regions: [f32(m * n), f64(n)], args: ([x, o]) => [x, m, n, o] },
    {
      kernel: "csr_colsum_f64",
      regions: [{ type: "i32", values: indices }, f32(indices.length), f64(n)],
      args: ([ix, v, o]) => [ix, v, indptr[m], n, o],
    },
    { kernel: "f32_dot_f64", regions: [f32(m * n), f32(m * n)], args: ([x, y]) => [x, y, m * n] },
    ...[0, 1].map((accumulate): Case => ({
      kernel: "f32_transpose",
      regions: [f32(m * n), f32(m * n)],
      args: ([src, dst]) => [src, m, n, dst, accumulate],
    })),
    { kernel: "f64_sum_slots", regions: [f64(n), f64(m * n)], args: ([dst, src]) => [dst, src, m, n, n] },
    {
      kernel: "f64_to_f32_padded",
      regions: [f64(m * n), f32(m * pad4(n))],
      args: ([src, dst]) => [src, m, n, dst, pad4(n)],
    },
    { kernel: "zero_bytes", regions: [f32(m * n)], args: ([p]) => [p + 4, (m * n - 1) * 4] },
    { kernel: "f32_sub_rowvec_f64", regions: [f32(m * n), f64(n)], args: ([x, v]) => [x, m, n, v] },
  ];
}

/**
 * The scans of stored values around their 4-lane steps: column extremes (4 columns a vector, the
 * rest in scalar), the largest value, both rescalings, and the first invalid value at every
 * position of short arrays (the vector that holds it, then the scalar search).
 */
function scanCases(): Case[] {
  const out: Case[] = [];
  for (const n of [1, 3, 4, 5, 9, 16, 17]) {
    for (const m of [1, 2, 7]) {
      for (const kernel of ["f32_colmin", "f32_colmax"] as const) {
        out.push({ kernel, regions: [f32(m * n), f32(n)], args: ([a, o]) => [a, m, n, o] });
      }
    }
  }
  for (const len of [0, 1, 3, 4, 5, 8, 13, 32, 37]) {
    out.push({ kernel: "f32_max", regions: [f32(len)], args: ([x]) => [x, len] });
    for (const [factor, divide] of [[0.7, 0], [3, 1], [2 ** -130, 0], [2 ** 70, 1], [1e30, 0]]) {
      out.push({ kernel: "f32_rescale_f64", regions: [f32(len)], args: ([x]) => [x, len, factor, divide] });
    }
    for (const bad of [NaN, -1, Infinity, -0]) {
      for (let at = 0; at < len; at++) {
        const values = Array.from({ length: len }, (_, i) => (i === at ? bad : 0.5 + i));
        out.push({ kernel: "f32_find_invalid", regions: [{ type: "f32", values }], args: ([x]) => [x, len] });
      }
    }
  }
  return out;
}

/** The CSC pass of bench/assembly/csc.ts (csr(n, m, …) is the CSC form of an m×n pattern). */
function cscCases(): Case[] {
  const out: Case[] = [];
  for (const k of [1, 3, 4, 5, 20, 23]) {
    const m = 7, n = 6;
    const { indptr, indices } = csr(n, m, k + 100);
    for (const accumulate of [0, 1]) {
      out.push({
        kernel: "csc_aht_wta",
        regions: [
          { type: "i32", values: indptr },
          { type: "i32", values: indices },
          f32(indices.length),
          f32(n * k),
          f64(m * k),
          f32(m * k),
          f32(n * k),
        ],
        args: ([ip, ix, v, ht, pacc, w, nt]) => [ip, ix, v, n, ht, k, pacc, w, nt, accumulate],
      });
    }
  }
  return out;
}

/** The exports of the SIMD build whose code has a SIMD instruction (binaryen's wasm-dis). */
function simdKernels(): string[] {
  const text = dis("snmf.wasm");
  const bodies = new Map<string, string>();
  for (const chunk of text.split("\n (func ").slice(1)) bodies.set(chunk.slice(0, chunk.indexOf(" ")), chunk);
  const names: string[] = [];
  for (const [, name, func] of text.matchAll(/\(export "(\w+)" \(func (\$\S+)\)\)/g)) {
    if (/v128|f32x4|f64x2|i32x4/.test(bodies.get(func) ?? "")) names.push(name);
  }
  return names.sort();
}

/** Runs every case on both instances: the memory and the result must be the same bytes. */
function sameBits(simd: ReturnType<typeof instance>, scalar: ReturnType<typeof instance>, all: Case[]): void {
  all.forEach((c, i) => {
    const a = runCase(simd, c, i + 1);
    const b = runCase(scalar, c, i + 1);
    const at = a.findIndex((byte, j) => byte !== b[j]);
    assert.equal(at, -1, `${c.kernel} case ${i}: first different byte at ${at} of ${a.length}`);
  });
}

describe("the scalar build", () => {
  it("has no SIMD instruction; the SIMD build has them", SLOW, () => {
    for (const file of ["snmf.scalar.wasm", "snmf.scalar.shared.wasm"]) {
      assert.doesNotMatch(dis(file), /v128|f32x4|f64x2|i32x4/, file);
    }
    assert.match(dis("snmf.wasm"), /f32x4\.mul/);
    assert.match(dis("snmf.scalar.shared.wasm"), /\(import "env" "memory" \(memory \S+ \d+ \d+ shared\)\)/);
  });

  it("exports the same kernels as the SIMD build", () => {
    const names = (file: string) => WebAssembly.Module.exports(new WebAssembly.Module(wasm(file))).map((e) => e.name);
    assert.deepEqual(names("snmf.scalar.wasm"), names("snmf.wasm"));
    assert.deepEqual(names("snmf.scalar.shared.wasm"), names("snmf.shared.wasm"));
  });

  it("has a case for every kernel of the registry, with one argument per parameter", () => {
    const all = cases();
    const covered = new Set<string>(all.map((c) => c.kernel));
    assert.deepEqual(KERNELS.map((k) => k.name).filter((name) => !covered.has(name)), [], "kernels without a case");
    assert.deepEqual(simdKernels().filter((name) => !covered.has(name)), [], "every SIMD kernel is covered");
    const arity = new Map<string, number>(KERNELS.map((k) => [k.name, k.params.length]));
    for (const c of all) {
      const pointers = c.regions.map((_, i) => 16 * (i + 1));
      assert.equal(c.args(pointers).length, arity.get(c.kernel), `${c.kernel}'s arguments`);
    }
  });

  it("gives the SIMD build's bits for every kernel, at sizes around the tiles", SLOW, () => {
    const simd = instance("snmf.wasm");
    const scalar = instance("snmf.scalar.wasm");
    sameBits(simd, scalar, cases());
  });

  it("gives the SIMD build's bits for the benchmark's CSC kernels", () => {
    sameBits(instance("bench_csc.wasm"), instance("bench_csc.scalar.wasm"), cscCases());
  });

  it("fits and transforms with the SIMD build's bits (Deno, init({ wasm }) of each build)", SLOW, () => {
    const script = (load: string) => `
      import { fit, init, syntheticStrata, transform } from "${root}sdk/mod.ts";
      import { readFileSync } from "node:fs";
      const core = await init(${load});
      const { strata } = syntheticStrata({ strata: 3, rows: 45, cols: 23, seed: 9 });
      strata.push({ name: "csr", rows: 3, cols: 23, indptr: [0, 2, 2, 5], indices: [1, 7, 0, 3, 22], values: [1, 2, 3, 4, 5] });
      const configs = [
        { solver: "mu", schedule: "sequential" },
        { solver: "mu", schedule: "reference" },
        { solver: "mu", l1V: 0.5, l1W: 0.1, l1H: 0.2 },
        { solver: "hals", init: "nndsvd" },
        { solver: "hals", l1W: 0.3, l1H: 0.1 },
      ];
      const out = [];
      for (const config of configs) {
        const model = await fit(strata, { rank: 5, maxIter: 30, seed: 4, ...config });
        const t = await transform(model, { data: Array.from({ length: 7 }, (_, r) => Array.from({ length: 23 }, (_, j) => (r * 7 + j) % 5)) }, { seed: 2, maxIter: 20 });
        out.push([...model.V, ...model.W, model.H, t.W, t.v].map((a) => Array.from(new Uint32Array(a.slice().buffer)).join(",")).join(";"), Array.from(model.lossHistory).join(","));
        model.free();
      }
      console.log(JSON.stringify({ shared: core.shared, out }));`;
    const run = (load: string) =>
      JSON.parse(execFileSync(`${root}node_modules/.bin/deno`, ["eval", script(load)], { encoding: "utf8" }));
    const simd = run(`{ wasm: readFileSync("${root}build/snmf.wasm") }`);
    const scalar = run(`{ wasm: readFileSync("${root}build/snmf.scalar.wasm") }`);
    const scalarShared = run(`{ wasm: readFileSync("${root}build/snmf.scalar.shared.wasm") }`);
    assert.equal(simd.shared, false);
    assert.equal(scalarShared.shared, true);
    assert.equal(simd.out.length, 10);
    assert.deepEqual(scalar.out, simd.out);
    assert.deepEqual(scalarShared.out, simd.out);
  });
});

/**
 * How much WebAssembly memory a fit of a given shape needs, from the shapes alone (no data read,
 * nothing allocated): the strata as stored, the factors, and the larger of the start's
 * temporaries (NNDSVD) and the solver's workspace with its plans. `fit()` checks it before it
 * copies anything; `memoryNeeded()` lets a caller ask first.
 *
 * @module
 */

import { blockBytes, type Heap } from "../runtime/heap.ts";
import { gramScratchBytes } from "../runtime/kernels.ts";
import { CALL_WORDS } from "../threads/plan.ts";
import { type Partition, partition, type StratumShape, wTaskBlockCount } from "./partition.ts";
import { RULES } from "./rules/mod.ts";
import { maskedBuffers, termChunkRows } from "./rules/masked.ts";
import { CSR_BLOCK_NNZ } from "../tuning.ts";
import { workspaceBytes, workspaceSizes } from "./workspace.ts";

/** The shape of a fit, as {@link memoryNeeded} takes it. */
export interface FitShape {
  /**
   * Each stratum's rows and columns, for a sparse (CSR) stratum its stored entries, and with
   * `missing: "mask"` its unobserved entries (`hidden`, default 0).
   */
  strata: readonly { rows: number; cols: number; nnz?: number; hidden?: number }[];
  rank: number;
  /** Default "hals". */
  solver?: "mu" | "hals";
  /** Whether the loss is computed every iteration (`trackLoss || tol > 0`; default true). */
  lossEveryIteration?: boolean;
  /** Default "random". */
  init?: "random" | "nndsvd" | "explicit";
  /** Random starts (more than one keeps a copy of the best factors; default 1). */
  restarts?: number;
  /** Threads (only the CSR numerator's split arrays depend on it; default 8, the most they use). */
  threads?: number;
}

/** Bytes of WebAssembly memory a fit needs, by part. */
export interface MemoryEstimate {
  /**
   * The strata as stored (float32 dense; CSR int32 offsets and indices, float32 values), their
   * column sums and the lists of their unobserved entries (int32 row offsets and columns).
   */
  data: number;
  /** V (s×n), the W(i) (m_i×k) and H (k×n), float32 (twice with restarts: the best start's copy). */
  factors: number;
  /** The NNDSVD start's temporaries (0 for other starts), freed before the solver starts. */
  start: number;
  /** The solver's buffers and the encoding of its plans. */
  workspace: number;
  /**
   * What the fit holds at its peak: data + factors + the larger of start and workspace. When data
   * and factors alone exceed the 4 GiB a WebAssembly memory can hold, start and workspace are not
   * estimated (0) and total is data + factors: already more than any fit can have.
   */
  total: number;
}

/** What a wasm32 memory can hold: 65,536 pages of 64 KiB. */
export const MEMORY_LIMIT = 2 ** 32;

/** Bytes the allocator hands out for `bytes` (16-byte blocks). */
const block = blockBytes;

/** Each stratum's storage: dense m×n float32, or CSR (m+1) int32 offsets and nnz int32 + float32, and c(i). */
function dataBytes(strata: readonly StratumShape[]): number {
  return strata.reduce(
    (sum, x) =>
      sum + block(x.cols * 4) +
      (x.kind === "dense" ? block(x.rows * x.cols * 4) : block((x.rows + 1) * 4) + 2 * block(x.nnz * 4)),
    0,
  );
}

/** NNDSVD's temporaries (sdk/start/nndsvd.ts): Y, Q (m_i×l), four n×l float32, the n×l float64 shift, the Gram scratch, small ones. */
function nndsvdBytes(strata: readonly StratumShape[], n: number, k: number): number {
  const rows = strata.reduce((sum, x) => sum + x.rows, 0);
  const l = Math.min(k + 10, n, rows);
  return strata.reduce((sum, x) => sum + 2 * block(x.rows * l * 4), 0) + 4 * block(n * l * 4) +
    2 * block(l * l * 8) + block(gramScratchBytes(l)) + block(l * 8) + block(strata.length * l * 8) +
    block(n * l * 8) + block(l * k * 8) + block(n * k * 4);
}

/**
 * An upper bound of the plans' encodings: CALL_WORDS float64 per call, counting the calls of every
 * plan from the partition (each block, chunk, slot and range makes at most a few calls).
 */
function planBytes(
  p: Partition,
  strata: readonly StratumShape[],
  vUpdates: number,
  masked: boolean,
): number {
  const csrBlocks = strata.reduce((sum, x) => sum + (x.kind === "csr" ? Math.floor(x.nnz / CSR_BLOCK_NNZ) + 1 : 0), 0);
  const productBlocks = p.productBlocks.length + csrBlocks;
  const wBlocks = wTaskBlockCount(p);
  const hBlocks = p.hTasks.reduce((sum, task) => sum + task.length, 0);
  const vChunks = p.vTasks.reduce((sum, task) => sum + task.length, 0);
  const calls = 3 * productBlocks + 4 * p.streamedBlocks.length + 2 * (p.numeratorSlots + p.denseBlocks.length) +
    2 * p.columnRanges * (p.s + 1) + p.reduceChunks.length + vChunks * p.s * (2 + vUpdates) + 2 * wBlocks +
    2 * hBlocks + p.s + 2 * p.gramSlots + p.wBlocks.length + 2 * p.hGramRanges.length + 7 * p.s + 16 +
    (masked ? maskedCalls(p) : 0);
  // One encoding per plan: its calls, and its task bounds (an int32 per task and one more).
  return block(calls * CALL_WORDS * 8) + 20 * block(4 * (calls + 1));
}

/**
 * The masked rule's calls beyond the unmasked ones' (sdk/solve/rules/masked.ts): the terms and
 * row update of each chunk of rows (W's, and Hᵀ's with one terms call per stratum), the loss of
 * each W block.
 */
function maskedCalls(p: Partition): number {
  const chunk = termChunkRows(p.k);
  const chunks = (rows: number) => Math.ceil(rows / chunk);
  const wChunks = p.wTasks.reduce((sum, task) => sum + task.blocks.reduce((a, b) => a + chunks(b.rows), 0), 0);
  const hChunks = p.hTasks.reduce((sum, task) => sum + task.reduce((a, b) => a + chunks(b.rows), 0), 0);
  return 2 * wChunks + (p.s + 1) * hChunks + wTaskBlockCount(p) + p.s;
}

/** A shape as {@link FitShape} gives it, with its kind. */
function stratumShape(x: FitShape["strata"][number]): StratumShape {
  return x.nnz === undefined
    ? { rows: x.rows, cols: x.cols, kind: "dense", nnz: x.rows * x.cols }
    : { rows: x.rows, cols: x.cols, kind: "csr", nnz: x.nnz };
}

/** The WebAssembly memory the strata alone take, as a fit stores them (bytes). */
export function dataMemory(strata: FitShape["strata"]): number {
  return dataBytes(strata.map(stratumShape));
}

/**
 * The WebAssembly memory a fit of `shape` needs, by part (bytes; see {@link MemoryEstimate}).
 * The memory holds at most 4 GiB (wasm32), less what other live models hold.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { memoryNeeded } from "stratified-nmf";
 *
 * // One dense stratum of 540,000 × 1,000 (2.16 GB as float32), rank 20.
 * const need = memoryNeeded({ strata: [{ rows: 540_000, cols: 1_000 }], rank: 20 });
 * assert.ok(need.data >= 540_000 * 1_000 * 4);
 * assert.equal(need.total, need.data + need.factors + Math.max(need.start, need.workspace));
 * assert.ok(need.total < 4 * 2 ** 30); // it fits in the 4 GiB of WebAssembly memory
 * ```
 */
export function memoryNeeded(shape: FitShape): MemoryEstimate {
  return fitMemory(shape).estimate;
}

/**
 * {@link memoryNeeded}'s estimate and the partition it blocked the fit by (none past the memory's
 * limit), which a fit of all-dense strata passes on to its solver instead of blocking again.
 */
export function fitMemory(shape: FitShape): { estimate: MemoryEstimate; partition?: Partition } {
  const strata = shape.strata.map(stratumShape);
  const { rank: k } = shape;
  const n = strata[0]?.cols ?? 0;
  const hidden = shape.strata.map((x) => x.hidden ?? 0);
  const masked = hidden.some((count) => count > 0);
  const data = dataBytes(strata) +
    (masked ? strata.reduce((sum, x, i) => sum + block((x.rows + 1) * 4) + block(hidden[i] * 4), 0) : 0);
  const copies = (shape.restarts ?? 1) > 1 ? 2 : 1;
  const factors = copies *
    (block(strata.length * n * 4) + strata.reduce((sum, x) => sum + block(x.rows * k * 4), 0) + block(k * n * 4));
  // Past what any memory holds, the blocking (which grows with the rows and columns) is not worth
  // computing: a hostile size line must be refused at once.
  if (data + factors > MEMORY_LIMIT) {
    return { estimate: { data, factors, start: 0, workspace: 0, total: data + factors } };
  }
  const start = shape.init === "nndsvd" ? nndsvdBytes(strata, n, k) : 0;
  const lossEveryIteration = shape.lossEveryIteration ?? true;
  const p = partition(strata, { rank: k, lossEveryIteration, fixH: false, threads: shape.threads ?? 8 });
  const rule = masked ? maskedBuffers(hidden, strata) : RULES[shape.solver ?? "hals"];
  const workspace = workspaceBytes(workspaceSizes(p, strata, rule)) + planBytes(p, strata, 2, masked);
  return {
    estimate: { data, factors, start, workspace, total: data + factors + Math.max(start, workspace) },
    partition: p,
  };
}

/** Bytes as people read them (3 significant digits, decimal units). */
export function formatBytes(bytes: number): string {
  if (bytes === 2 ** 32) return "4 GiB";
  const units = ["bytes", "kB", "MB", "GB", "TB"];
  let value = bytes, unit = 0;
  while (value >= 1000 && unit < units.length - 1) value /= 1000, unit++;
  return `${unit === 0 ? value : value.toPrecision(3)} ${units[unit]}`;
}

/**
 * Checks, before anything is allocated, that a fit needing `need` fits in what `heap` has free.
 * @throws {RangeError} naming the parts, the largest stratum (`strata`: name and stored bytes) and
 *   the limit.
 */
export function checkMemory(
  heap: Heap,
  need: MemoryEstimate,
  largest: { label: string; bytes: number },
  action: string,
) {
  if (need.total <= heap.freeBytes) return;
  throw new RangeError(
    `${action}: the fit needs ${formatBytes(need.total)} of WebAssembly memory (data ${formatBytes(need.data)}, the ` +
      `largest being ${largest.label} with ${formatBytes(largest.bytes)}; factors ${formatBytes(need.factors)}; ` +
      `workspace ${formatBytes(Math.max(need.start, need.workspace))}), but the memory holds at most ` +
      `${formatBytes(heap.limitBytes)} (4 GiB in WebAssembly), of which ${formatBytes(heap.freeBytes)} are free`,
  );
}

/**
 * The workspace of a fit: every buffer the plans read and write besides the strata and the
 * factors, by name, with sizes that follow from the partition and the rule alone
 * ({@link workspaceSizes}, tested), allocated once per fit and released together. No m×n
 * temporary exists: the largest buffers are the numerator (n×k) and P(i) = A(i) Hᵀ (m_i×k).
 *
 * @module
 */

import type { Core } from "../runtime/core.ts";
import { gramScratchBytes } from "../runtime/kernels.ts";
import { Arena, blockBytes, CACHE_LINE, Slab } from "../runtime/heap.ts";
import type { ResidentStratum } from "../input/strata.ts";
import { type ColumnRange, columnRanges } from "./column_ranges.ts";
import type { Partition, StratumShape } from "./partition.ts";

/** Bytes of the named buffers: one number, or one per stratum / slot / task (0: not allocated). */
export interface WorkspaceSizes {
  /** P(i) = A(i) Hᵀ per stratum: m_i×k float32 (0 for a streamed stratum). */
  P: number[];
  /** w(i) = W(i)ᵀ 1: s×k float64, and s×kPad float32 (zero padding). */
  wSums: number;
  wSumsF32: number;
  /** The Gram matrix's slots (k×k float64 each, shared with H Hᵀ) and each slot's kernel scratch. */
  gramSlots: number;
  gramScratch: number[];
  /** G = Σ W(i)ᵀ W(i): k×k float64, and k×kPad float32. */
  gramSum: number;
  gramSumF32: number;
  /** Hᵀ (n×k float32) when H is kept too (0: H's own memory holds Hᵀ). */
  Ht: number;
  /** H Hᵀ: k×k float64, and k×kPad float32. */
  HHt: number;
  HHtF32: number;
  /** Per stratum: H v(i) (k float64), v(i)ᵀv(i), v(i)ᵀc(i), ⟨W(i), P(i)⟩. */
  lossTerms: number;
  /** One float64 (sums of the penalty). */
  sum: number;
  /** The dense strata's partial numerators, k×n float32 each (the first is the numerator). */
  numeratorSlots: number;
  /** The numerator N = Σ W(i)ᵀ A(i) in the Hᵀ layout: n×k float32. */
  Nt: number;
  /** The CSR numerator's split arrays: per CSR stratum and inner range boundary, m_i int32 (an upper bound). */
  columnRanges: number;
  /** Per Hᵀ task: the shift term of its largest block (kPad values per row, the rule's precision) and the row update's scratch. */
  hScratch: number[];
  /** Per v task: one chunk of Hᵀ w(i), float64. */
  vScratch: number[];
  /** Per W task: P rows of its largest streamed block (streamedRows×k float32; 0 when it streams none). */
  pScratch: number[];
  /** Per streamed block: ⟨W, P⟩ of its rows, float64. */
  wpParts: number;
  /** The rule's own buffers. */
  rule: Record<string, number>;
}

/** What the workspace needs of the update rule. */
export interface RuleBuffers {
  /** Bytes per value of the H update's shift term (4: float32, 8: float64). */
  readonly hScratchBytes: number;
  /** Bytes of scratch one call of the rule's row update needs at rank k (one per W and per Hᵀ task). */
  rowScratchBytes(k: number): number;
  /** The rule's own buffers, by name, in bytes. */
  buffers(p: Partition): Record<string, number>;
}

/** The bytes of every named buffer of a fit with partition `p` and rule `rule`. */
export function workspaceSizes(p: Partition, strata: readonly StratumShape[], rule: RuleBuffers): WorkspaceSizes {
  const { n, k, kPad, s } = p;
  return {
    P: strata.map((x, i) => p.streamed[i] ? 0 : x.rows * k * 4),
    wSums: s * k * 8,
    wSumsF32: s * kPad * 4,
    gramSlots: p.gramSlots * k * k * 8,
    gramScratch: Array.from({ length: p.gramSlots }, () => gramScratchBytes(k)),
    gramSum: k * k * 8,
    gramSumF32: k * kPad * 4,
    Ht: p.htOnly ? 0 : n * k * 4,
    HHt: k * k * 8,
    HHtF32: k * kPad * 4,
    lossTerms: s * (k + 3) * 8,
    sum: 8,
    numeratorSlots: p.hasDense && !p.fixH ? p.numeratorSlots * k * n * 4 : 0,
    Nt: p.fixH ? 0 : n * k * 4,
    columnRanges: Math.max(0, p.columnRanges - 1) * p.csrRows * 4,
    hScratch: p.hTasks.map(() => p.hBlockRows * kPad * rule.hScratchBytes + rule.rowScratchBytes(k)),
    vScratch: p.vTasks.map(() => p.vChunkCols * 8),
    pScratch: p.wTasks.map((task) => task.streams ? p.streamedRows * k * 4 : 0),
    wpParts: p.streamedBlocks.length * 8,
    rule: rule.buffers(p),
  };
}

/** Bytes the allocator hands out for `bytes` (none for 0: the buffer is not allocated). */
const rounded = (bytes: number) => bytes === 0 ? 0 : blockBytes(bytes);

/** The allocator's bytes for all of `sizes` (an upper bound for the column ranges). */
export function workspaceBytes(sizes: WorkspaceSizes): number {
  return namedBytes(sizes) + rounded(sizes.columnRanges);
}

/** A buffer's bytes, a list of them, or named ones (the shapes of WorkspaceSizes's fields). */
type Sizes = number | number[] | Record<string, number>;

/** `f` of every size in `sizes`, in the same shape. */
function mapSizes<T>(sizes: Sizes, f: (bytes: number) => T): T | T[] | Record<string, T> {
  if (typeof sizes === "number") return f(sizes);
  if (Array.isArray(sizes)) return sizes.map(f);
  const out: Record<string, T> = {};
  for (const name in sizes) out[name] = f(sizes[name]);
  return out;
}

/**
 * The allocator's bytes for every buffer but the column ranges' split arrays: one block, each
 * buffer on its own cache lines (threads write the per-task ones at once).
 */
function namedBytes(sizes: WorkspaceSizes): number {
  const all: number[] = [];
  const add = (bytes: number) => bytes > 0 && all.push(bytes);
  for (const name in sizes) if (name !== "columnRanges") mapSizes(sizes[name as keyof WorkspaceSizes], add);
  return Slab.bytesFor(all, CACHE_LINE);
}

/** Pointers of the named buffers (byte offsets; 0 where the size is 0). */
export type WorkspaceBuffers = Omit<WorkspaceSizes, "columnRanges"> & {
  /** The CSR numerator's column ranges, their split arrays in the workspace. */
  ranges: ColumnRange[];
};

/** A fit's workspace: the named buffers and the plans' encodings, released together by `free()`. */
export class Workspace {
  readonly #core: Core;
  readonly #arena: Arena;
  /** Where each named buffer is. */
  readonly buffers: WorkspaceBuffers;
  /** What was asked for each buffer. */
  readonly sizes: WorkspaceSizes;

  /**
   * Allocates every buffer of `sizes`; `Ht` is `hTranspose` where H's memory holds Hᵀ.
   * @throws {RangeError} when the memory cannot hold them (everything allocated is released).
   */
  constructor(core: Core, sizes: WorkspaceSizes, strata: readonly ResidentStratum[], p: Partition, hTranspose: number) {
    this.#core = core;
    this.#arena = new Arena(core.heap);
    this.sizes = sizes;
    try {
      this.buffers = this.#allocate(sizes, strata, p, hTranspose);
    } catch (error) {
      this.free();
      throw error;
    }
  }

  /**
   * The named buffers carved from one block (the column ranges' split arrays, whose sizes the
   * CSR row offsets decide, are blocks of their own).
   */
  #allocate(sizes: WorkspaceSizes, strata: readonly ResidentStratum[], p: Partition, hTranspose: number) {
    const bytes = namedBytes(sizes);
    const slab = new Slab(this.alloc(bytes), bytes, CACHE_LINE);
    const one = (bytes: number) => bytes === 0 ? 0 : slab.alloc(bytes);
    const named: Record<string, unknown> = {};
    for (const name in sizes) {
      if (name !== "columnRanges") named[name] = mapSizes(sizes[name as keyof WorkspaceSizes], one);
    }
    const buffers = named as WorkspaceBuffers;
    if (p.htOnly) buffers.Ht = hTranspose;
    const split = (bytes: number) => this.alloc(bytes);
    buffers.ranges = p.columnRanges > 0 ? columnRanges(this.#core, strata, p.n, p.columnRanges, split) : [];
    return buffers;
  }

  /** Allocates `bytes` owned by the workspace. */
  alloc(bytes: number): number {
    return this.#arena.alloc(bytes);
  }

  /** A slab of `bytes` owned by the workspace (the plans' encodings, carved from one block). */
  slab(bytes: number): Slab {
    return new Slab(this.alloc(bytes), bytes);
  }

  /** Releases every buffer. Idempotent. */
  free(): void {
    this.#arena.free();
  }
}

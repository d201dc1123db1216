/**
 * How a fit's work is cut into blocks and tasks: row blocks of the strata for the products and
 * the updates, row blocks of Hᵀ, column chunks of the v updates, the slots of the sums over row
 * blocks, and which CSR strata form P(i) = A(i) Hᵀ a block at a time ("streamed"). Everything
 * here depends on the data's shape (and the CSR row offsets), never on the thread count, except
 * the number of column ranges of the CSR numerator, whose bits do not depend on it
 * (docs/algorithm.md, "Reduction order, what the bits depend on").
 *
 * @module
 */

import type { Core } from "../runtime/core.ts";
import type { ResidentStratum } from "../input/strata.ts";

/** What the partition needs of a stratum: its shape, its kind and its stored entries. */
export interface StratumShape {
  readonly rows: number;
  readonly cols: number;
  readonly kind: "dense" | "csr";
  /** Stored entries (rows × cols for a dense stratum). */
  readonly nnz: number;
}
import {
  columnRangeCount,
  CSR_BLOCK_NNZ,
  DENSE_BLOCK_ENTRIES,
  H_BLOCK_ROWS,
  H_GRAM_ROWS,
  numeratorSlots,
  REDUCE_CHUNK,
  SLOTS,
  STREAMED_BLOCK_ROWS,
  UPDATE_BLOCK_ROWS,
  V_CHUNK_COLS,
} from "../tuning.ts";

/** A block of rows of one stratum (or of Hᵀ, stratum 0). */
export interface Block {
  stratum: number;
  row: number;
  rows: number;
}

/** A chunk of columns [j0, j0 + len). */
export interface Chunk {
  j0: number;
  len: number;
}

/** A task of the W(i) updates: its blocks in order, and whether it forms P rows in scratch. */
export interface WTask {
  blocks: readonly Block[];
  /** Whether any block is of a streamed stratum (the task then owns STREAMED_BLOCK_ROWS×k of P scratch). */
  streams: boolean;
}

/** The blocking of one fit. */
export interface Partition {
  /** Columns n, rank k, k rounded up to a multiple of 4 (the float32 padding), strata s. */
  readonly n: number;
  readonly k: number;
  readonly kPad: number;
  readonly s: number;
  /** Σ m_i, Σ nnz_i, and the CSR strata's share of the stored entries. */
  readonly totalRows: number;
  readonly totalNnz: number;
  readonly csrNnz: number;
  readonly csrRows: number;
  readonly hasDense: boolean;
  readonly hasCsr: boolean;
  /**
   * Sparse strata only: H's memory holds Hᵀ (n×k) for the fit, and every product with H reads
   * Hᵀ; otherwise H (k×n) and a copy Hᵀ are both kept.
   */
  readonly htOnly: boolean;
  /** H is not updated (transform). */
  readonly fixH: boolean;
  /** Per stratum: whether its P(i) is formed a block at a time inside the W update, never kept whole. */
  readonly streamed: readonly boolean[];
  /** Blocks of the products pass: dense blocks of about DENSE_BLOCK_ENTRIES, CSR blocks of about CSR_BLOCK_NNZ. */
  readonly productBlocks: readonly Block[];
  /** The dense product blocks, in order: block b accumulates into numerator slot b mod numeratorSlots. */
  readonly denseBlocks: readonly Block[];
  /** Partial numerators of the dense strata (k×n float32 each; the first is the numerator). */
  readonly numeratorSlots: number;
  /** Row blocks of the W(i) updates (and, in order mod gramSlots, of the Gram matrix's slots). */
  readonly wBlocks: readonly Block[];
  readonly wTasks: readonly WTask[];
  /** Rows of P scratch a streaming W task owns (0 when nothing is streamed). */
  readonly streamedRows: number;
  /** The streamed blocks in wTasks order: one float64 ⟨W, P⟩ each for the loss. */
  readonly streamedBlocks: readonly Block[];
  /** Slots of the Gram matrix Σ W(i)ᵀ W(i) (k×k float64 each), reused by H Hᵀ. */
  readonly gramSlots: number;
  /** Row ranges [r0, r1) of Hᵀ summed into H Hᵀ, one slot each. */
  readonly hGramRanges: readonly (readonly [number, number])[];
  /** Row blocks of the Hᵀ update, grouped into tasks, and the rows of the largest block. */
  readonly hTasks: readonly (readonly Block[])[];
  readonly hBlockRows: number;
  /** Column chunks of the v updates, grouped into tasks. */
  readonly vTasks: readonly (readonly Chunk[])[];
  /** Columns of the largest v chunk (each v task owns that many float64 of scratch). */
  readonly vChunkCols: number;
  /** Chunks of the k×n numerator in which its slots are added. */
  readonly reduceChunks: readonly Chunk[];
  /** Column ranges of the CSR numerator (0 without CSR strata or with H fixed). */
  readonly columnRanges: number;
}

/**
 * Blocks over all W tasks: p.wBlocks, but with a streamed stratum's blocks split as its tasks
 * split them (the W updates' calls, and the masked loss's parts, one per block).
 */
export function wTaskBlockCount(p: Pick<Partition, "wTasks">): number {
  return p.wTasks.reduce((sum, task) => sum + task.blocks.length, 0);
}

/**
 * Splits `rows` rows from `first` on into blocks of about `size` rows (multiples of 4, the dense
 * kernel's tile).
 */
export function rowBlocks(stratum: number, rows: number, size: number, first = 0): Block[] {
  const step = Math.max(4, Math.round(size / 4) * 4);
  const blocks: Block[] = [];
  for (let row = 0; row < rows; row += step) {
    blocks.push({ stratum, row: first + row, rows: Math.min(step, rows - row) });
  }
  return blocks;
}

/** Blocks of a resident CSR stratum holding about CSR_BLOCK_NNZ stored entries each (whole rows). */
export function csrBlocks(core: Core, index: number, x: ResidentStratum): Block[] {
  const indptr = core.heap.i32(x.indptr, x.rows + 1);
  const blocks: Block[] = [];
  let start = 0;
  for (let r = 1; r <= x.rows; r++) {
    if (r === x.rows || indptr[r] - indptr[start] >= CSR_BLOCK_NNZ) {
      blocks.push({ stratum: index, row: start, rows: r - start });
      start = r;
    }
  }
  return blocks;
}

/** `items` in `count` contiguous groups of (nearly) equal length, in order; empty groups dropped. */
export function groups<T>(items: readonly T[], count: number): T[][] {
  const out: T[][] = [];
  for (let g = 0; g < count; g++) {
    out.push(items.slice(Math.floor(g * items.length / count), Math.floor((g + 1) * items.length / count)));
  }
  return out.filter((group) => group.length > 0);
}

/** `total` split into chunks of at most `size`. */
function chunks(total: number, size: number): Chunk[] {
  const out: Chunk[] = [];
  for (let j0 = 0; j0 < total; j0 += size) out.push({ j0, len: Math.min(size, total - j0) });
  return out;
}

/**
 * The W(i) updates by the wBlocks in at most SLOTS tasks; a streamed stratum's blocks split
 * further (the rows are independent), so each task's P scratch stays small.
 */
function wTasksOf(wBlocks: readonly Block[], streamed: readonly boolean[], streamedRows: number): WTask[] {
  return groups(wBlocks, Math.min(SLOTS, wBlocks.length)).map((group) => {
    const blocks = group.flatMap((b) => streamed[b.stratum] ? rowBlocks(b.stratum, b.rows, streamedRows, b.row) : [b]);
    return { blocks, streams: blocks.some((b) => streamed[b.stratum]) };
  });
}

/** Row ranges of Hᵀ for H Hᵀ: one per H_GRAM_ROWS rows, at most `slots`. */
function hGramRanges(n: number, slots: number): [number, number][] {
  const count = Math.max(1, Math.min(slots, Math.floor(n / H_GRAM_ROWS)));
  return Array.from({ length: count }, (_, slot) => [Math.floor(slot * n / count), Math.floor((slot + 1) * n / count)]);
}

/** What a partition depends on besides the strata. */
export interface PartitionOptions {
  rank: number;
  /** Whether the loss is computed every iteration (else CSR strata stream their P(i)). */
  lossEveryIteration: boolean;
  fixH: boolean;
  /** Threads plans may run on: only the CSR numerator's column range count follows it. */
  threads: number;
}

/**
 * The blocking of a fit of `strata`. `csrProductBlocks` gives the product blocks of a CSR stratum
 * (they follow its row offsets: {@link csrBlocks}); without it they are left out, which leaves
 * every size of the workspace as it is (the memory estimate: sdk/solve/memory.ts).
 */
export function partition(
  strata: readonly StratumShape[],
  options: PartitionOptions,
  csrProductBlocks: (stratum: number) => Block[] = () => [],
): Partition {
  const { rank: k, fixH, lossEveryIteration } = options;
  const n = strata[0].cols;
  const s = strata.length;
  const hasDense = strata.some((x) => x.kind === "dense");
  const hasCsr = strata.some((x) => x.kind === "csr");
  const streamed = strata.map((x) => x.kind === "csr" && !lossEveryIteration);
  const totalRows = strata.reduce((a, x) => a + x.rows, 0);
  const totalNnz = strata.reduce((a, x) => a + x.nnz, 0);
  const csr = strata.filter((x) => x.kind === "csr");
  const csrNnz = csr.reduce((a, x) => a + x.nnz, 0);
  const csrRows = csr.reduce((a, x) => a + x.rows, 0);
  // Loops, not flatMap: a small fit's whole partition costs less than flatMap's generic path.
  const productBlocks: Block[] = [];
  const denseBlocks: Block[] = [];
  const wBlocks: Block[] = [];
  strata.forEach((x, i) => {
    if (x.kind === "dense") {
      for (const b of rowBlocks(i, x.rows, DENSE_BLOCK_ENTRIES / n)) productBlocks.push(b), denseBlocks.push(b);
    } else {
      for (const b of csrProductBlocks(i)) productBlocks.push(b);
    }
    for (const b of rowBlocks(i, x.rows, UPDATE_BLOCK_ROWS)) wBlocks.push(b);
  });
  const streamedRows = wBlocks.reduce(
    (m, b) => streamed[b.stratum] ? Math.max(m, Math.min(b.rows, STREAMED_BLOCK_ROWS)) : m,
    0,
  );
  const wTasks = wTasksOf(wBlocks, streamed, streamedRows);
  const gramSlots = Math.min(SLOTS, wBlocks.length);
  const hBlocks = rowBlocks(0, n, H_BLOCK_ROWS);
  const vChunks = chunks(n, V_CHUNK_COLS);
  return {
    n,
    k,
    kPad: (k + 3) & ~3,
    s,
    totalRows,
    totalNnz,
    csrNnz,
    csrRows,
    hasDense,
    hasCsr,
    htOnly: !hasDense,
    fixH,
    streamed,
    productBlocks,
    denseBlocks,
    numeratorSlots: Math.max(1, Math.min(numeratorSlots(totalNnz - csrNnz, n), denseBlocks.length)),
    wBlocks,
    wTasks,
    streamedRows,
    streamedBlocks: wTasks.flatMap((task) => task.blocks.filter((b) => streamed[b.stratum])),
    gramSlots,
    hGramRanges: hGramRanges(n, gramSlots),
    hTasks: fixH ? [] : groups(hBlocks, Math.min(SLOTS, hBlocks.length)),
    hBlockRows: Math.min(n, hBlocks[0]?.rows ?? 0),
    vTasks: groups(vChunks, Math.min(SLOTS, vChunks.length)),
    vChunkCols: Math.min(V_CHUNK_COLS, n),
    reduceChunks: chunks(n * k, REDUCE_CHUNK),
    columnRanges: hasCsr && !fixH ? columnRangeCount(csrNnz, csrRows, options.threads) : 0,
  };
}

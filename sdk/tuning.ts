/**
 * The tuned constants of the solvers, in one place, each with the measurement it came from
 * (bench/README.md records the runs; bench/plans.ts and bench/kernels.ts measure them). Those
 * marked "part of the arithmetic" decide how sums are split and so the last bits of a fit: change
 * them only with the golden hashes re-recorded (tests/golden/). The others change speed and
 * memory only.
 *
 * @module
 */

/**
 * Plans estimated below this many floating-point operations run on the calling thread: waking
 * a worker and waiting for it to park costs tens of microseconds. Chosen with bench/bench.ts
 * (`--threads` sweep): the synthetic 4 × 100 × 100 workload is fastest with no plan threaded.
 */
export const PARALLEL_MIN_WORK = 2_000_000;

/**
 * Partial buffers ("slots") for sums over row blocks: block b goes to slot b mod SLOTS. Fixed, not
 * the thread count, so results do not depend on it; 8 keeps up to 8 threads busy on the
 * reductions. Part of the arithmetic.
 */
export const SLOTS = 8;

/**
 * Dense product blocks hold about this many entries of A (256 KiB of float32). Part of the
 * arithmetic (the numerator's slots are per block). Measured 2026-12-05 (Deno 2.9.6, one thread,
 * ms per iteration, the least of 3 runs, interleaved; bench's dense 4 × 1000 × 1000, rank 20,
 * loss tracked): HALS 12.43 / 12.34 / 11.81 / 12.26 and MU 11.69 / 11.39 / 11.62 / 11.57 for
 * 32,768 / 65,536 / 131,072 / 262,144 entries: within 5 %, no better value; 2-thread runs on the
 * shared 2-core VM varied 2× from run to run and decided nothing.
 */
export const DENSE_BLOCK_ENTRIES = 65536;

/**
 * CSR product blocks hold about this many stored entries. The rows of P are independent: speed
 * only. Measured 2026-12-05 (Deno 2.9.6, one thread, HALS with the loss tracked, so P(i) is
 * kept and formed by these blocks; ms per iteration, the least of 3 interleaved runs):
 * SpamAssassin 27.83 / 26.47 / 25.14 and the TF-IDF-like matrix 7.41 / 7.64 / 7.34 for 4,096 /
 * 16,384 / 65,536: within 5 %, kept.
 */
export const CSR_BLOCK_NNZ = 16384;

/**
 * Row blocks of the W(i) updates, and of the slots of their Gram matrix Σ W(i)ᵀ W(i). Part of the
 * arithmetic (the Gram slots). Measured 2026-12-05 (Deno 2.9.6, one thread, HALS, ms per
 * iteration, the least of 3 interleaved runs) for 128 / 256 / 512 / 1,024 rows: the TF-IDF-like
 * matrix as plain NMF 4.05 / 4.03 / 4.06 / 4.19, SpamAssassin 24.50 / 24.54 / 23.64 / 22.88,
 * dense 4 × 1000 × 1000 13.27 / 12.34 / 12.57 / 13.72: no value clearly better on all, kept.
 */
export const UPDATE_BLOCK_ROWS = 256;

/**
 * Row blocks of the Hᵀ update, each with its shift term in its task's scratch (at most SLOTS
 * tasks). The rows are independent: the size changes no result, only the scratch (bf91164 halved
 * it from 256 rows with no result changed). Measured 2026-12-05 (Deno 2.9.6, one thread, HALS,
 * ms per iteration, the least of 3 interleaved runs) for 64 / 128 / 256 / 512 rows: the
 * TF-IDF-like matrix as plain NMF 4.06 / 4.03 / 4.19 / 4.12, SpamAssassin (n = 47,694)
 * 24.48 / 24.54 / 23.99 / 22.84: 512 rows 7 % faster there, within the noise elsewhere; kept
 * at 128 (the scratch is 4× smaller).
 */
export const H_BLOCK_ROWS = 128;

/**
 * Rows of Hᵀ per slot of H Hᵀ: at most one slot per this many rows (and no more slots than the
 * W(i)'s Gram matrix has). Part of the arithmetic for n ≥ 2 × 2048.
 */
export const H_GRAM_ROWS = 2048;

/**
 * Row blocks of the W(i) updates whose P rows are formed in scratch (CSR strata of fits that do
 * not track the loss): 64 rows keep a task's P scratch at 64×k float32. Speed and memory only (a
 * row's P is the same sum in any block).
 */
export const STREAMED_BLOCK_ROWS = 64;

/** Column chunks of the v updates (grouped into at most SLOTS tasks, each with one chunk of scratch). Speed only. */
export const V_CHUNK_COLS = 2048;

/** Entries per task when the numerator's slots are added (a column chunk of n×k). Speed only. */
export const REDUCE_CHUNK = 16384;

/**
 * Partial numerators (k×n each) of the dense strata: up to SLOTS, fewer when the strata have few
 * rows relative to their width, where zeroing and adding n×k buffers would cost more than the
 * parallel accumulation saves: one slot per 16·n entries (16 rows). Depends on the data's shape
 * only, never on the thread count. Part of the arithmetic.
 */
export function numeratorSlots(nnz: number, n: number): number {
  return Math.max(1, Math.min(SLOTS, Math.floor(nnz / (16 * n))));
}

/**
 * Column ranges of the CSR numerator (sdk/solve/column_ranges.ts): up to `maxRanges` (one per
 * thread: each range more re-reads the W(i); SpamAssassin, one thread: 7.5 ms with 2 ranges, 8.3
 * with 4, 10.1 with 8), and at most one per 16 stored entries per row on average, so the split
 * arrays (4 bytes per row and inner boundary) stay within 1/32 of the CSR data's bytes (8 per
 * entry). The numerator's bits do not depend on the count.
 */
export function columnRangeCount(nnz: number, rows: number, maxRanges: number): number {
  return Math.max(1, Math.min(maxRanges, Math.floor(nnz / (16 * Math.max(1, rows)))));
}

/**
 * Sweeps of exact coordinate updates per W(i) and H block update (HALS). A sweep reuses the
 * products of the pass (A Hᵀ, Wᵀ A, the Gram matrices), so it costs O((Σm_i + n) k²) where a
 * pass costs O(nnz k): a second sweep pays where the pass dominates. The rule (2 sweeps when
 * nnz ≥ 2 (Σm_i + n) k, else 1) follows measurements (time to given losses, 1 to 3 sweeps, random
 * and NNDSVD starts): 2 sweeps won on the synthetic experiment (nnz 40,000 against 5,000; 1.5e-3
 * in 161–176 iterations instead of 274–1,864), 1 sweep on the California strata (15,690 against
 * 26,210), the SpamAssassin TF-IDF and the TF-IDF-like matrix (76k against 880k). Part of the
 * arithmetic.
 */
export function halsSweeps(nnz: number, rows: number, cols: number, rank: number): number {
  return nnz >= 2 * (rows + cols) * rank ? 2 : 1;
}

/**
 * How long the calling thread spins for the workers to finish a plan before it sleeps
 * (sdk/threads/pool.ts). Speed only. Measured 2026-12-05 with WORKER_SPIN_MS (Deno 2.9.6, 2
 * threads, the TF-IDF-like matrix, stratified HALS, the least of 3 difference runs, two interleaved
 * rounds over worker/caller spins of 0/0, 0.05/0.05, 0.25/0.05, 1/0.05, 0.25/0, 0.25/0.25 and
 * 1/0.25 ms): 5.1–6.4 ms per iteration and 9.6–11.7 ms of CPU, with the same setting 0.3–1.3 ms
 * apart from one round to the next and no setting ahead in both: none measurably better; kept.
 */
export const CALLER_SPIN_MS = 0.05;

/**
 * How long a worker spins for the next plan before it sleeps (sdk/threads/worker_code.ts; sent in
 * its start message). Speed only; measured with CALLER_SPIN_MS (above): kept.
 */
export const WORKER_SPIN_MS = 0.25;

/**
 * The SDK's public input and option types.
 *
 * @module
 */

import type { Preprocessing } from "./input/preprocess.ts";

/** A dense stratum: `rows × cols` non-negative values, row-major. */
export interface DenseStratum {
  /** Name of the stratum (default `"stratum <index>"`). */
  name?: string;
  /**
   * The values: one array per row (`number[][]`), or a flat row-major `Float32Array` /
   * `Float64Array` / `number[]` of `rows × cols` values, in which case `cols` (or `rows`) is
   * required.
   */
  data: Float32Array | Float64Array | ArrayLike<number> | ArrayLike<number>[];
  /** Row count (with flat data). */
  rows?: number;
  /** Column count (with flat data). */
  cols?: number;
  /** An identifier of each row (`rows` of them), kept on the model as its `rowIds` (`fromTable()`'s `idColumn`). */
  rowIds?: ArrayLike<string | number>;
}

/** A sparse stratum in compressed sparse row form (as `scipy.sparse.csr_array`). */
export interface CsrStratum {
  name?: string;
  rows: number;
  cols: number;
  /** `rows + 1` offsets into `indices` / `values`, starting at 0, non-decreasing. */
  indptr: ArrayLike<number>;
  /** Column index of each stored value, `0 ≤ index < cols`, no repeats within a row. */
  indices: ArrayLike<number>;
  /** The stored values, non-negative and finite. */
  values: ArrayLike<number>;
  /** An identifier of each row, kept on the model as its `rowIds`. */
  rowIds?: ArrayLike<string | number>;
  /**
   * Entries that are unknown (with the `missing: "mask"` option): position `e` is row
   * `unknown.rows[e]`, column `unknown.cols[e]`. An unstored position listed here is unknown
   * rather than zero; a stored one is left out of the fit. No position twice.
   */
  unknown?: { rows: ArrayLike<number>; cols: ArrayLike<number> };
}

/** One stratum of the data: `A(i)`, `m_i × n`. */
export type Stratum = DenseStratum | CsrStratum;

/** A row-major matrix given as rows, or flat. */
export type MatrixLike = ArrayLike<number>[] | ArrayLike<number>;

/** Explicit starting factors (for example a previous model's `toJSON()`). */
export interface InitialFactors {
  /** One shift vector per stratum, each of length `n`. */
  V: ArrayLike<number>[];
  /** One loadings matrix per stratum, `m_i × k` (rows, or flat row-major). */
  W: MatrixLike[];
  /** The topics, `k × n` (rows, or flat row-major). */
  H: MatrixLike;
}

/** What `onProgress` receives after each iteration's loss is known. */
export interface ProgressInfo {
  /** Iterations completed so far. */
  iteration: number;
  maxIter: number;
  /** `sqrt(F)` before this iteration (NaN when the loss is not tracked). */
  loss: number;
  /** `loss / ‖A‖_F` (NaN when the loss is not tracked). */
  normalizedLoss: number;
  /** Milliseconds since the fit (or, with restarts, this start) started iterating. */
  elapsedMs: number;
  /** With `restarts`: which start (0-based) this is. */
  restart?: number;
  /**
   * The L1 penalty part of `loss²` (0 without `l1V`, `l1W`, `l1H`): the reconstruction loss
   * `sqrt(F)` is `sqrt(loss² − penalty)`.
   */
  penalty?: number;
}

/** The update schedule (algorithm.md). */
export type Schedule = "sequential" | "reference";

/**
 * The solver: `"mu"`, the paper's multiplicative updates; `"hals"`, exact block-coordinate
 * descent (v(i) in closed form, then each column of W(i) and each row of H exactly, as
 * hierarchical alternating least squares does for plain NMF).
 */
export type SolverKind = "mu" | "hals";

/**
 * How a fit starts: `"random"` (the published random start, from `seed`), `"nndsvd"` (the
 * non-negative double SVD of the strata stacked after removing each stratum's column minimum,
 * deterministic; its zeros filled with the data mean, as NNDSVDa, for `solver: "mu"`), or explicit
 * factors.
 */
export type InitKind = "random" | "nndsvd" | InitialFactors;

/** How a fit started, as a model records it: the published random start, NNDSVD, or explicit factors. */
export type StartKind = "random" | "nndsvd" | "explicit";

/**
 * The settings a model records: those of the fit that made it (`model.settings`; each is also a
 * field of the model, `model.solver`). Model files of format 1, which recorded fewer, read as
 * `solver: "mu"`, `init: "random"` (`"explicit"` without a seed), L1 weights 0 and 1 thread.
 */
export interface ModelSettings {
  /** The solver the fit ran: `"mu"` (multiplicative updates) or `"hals"`. */
  solver: SolverKind;
  /** The schedule of the multiplicative updates (HALS is always sequential). */
  schedule: Schedule;
  /** Updates of every v(i) per iteration. */
  vUpdates: number;
  /** How the fit started. */
  init: StartKind;
  /** Seed of the random start (null when the fit did not start from it). */
  seed: number | null;
  /** The L1 weight on every v(i) of the objective the fit minimized (0: none). */
  l1V: number;
  /** The L1 weight on every W(i) (0: none). */
  l1W: number;
  /** The L1 weight on H (0: none). */
  l1H: number;
  /** Threads the fit ran on. */
  threads: number;
  /** Whether the data were divided by a power of two before fitting (the model's `scale`; false: fit as given). */
  normalizeUnits: boolean;
  /** Random starts run (the best kept). */
  restarts: number;
  /** The weight of each stratum in the objective, or null without weights. */
  strataWeights: number[] | null;
  /** `"mask"`: NaN entries (and CSR strata's `unknown` lists) were left out of the objective; `"error"`: none allowed. */
  missing: Missing;
}

/** Options of `fit()`. */
export interface FitOptions {
  /** The rank `k`: rows of `H`, columns of each `W(i)`. Required. */
  rank: number;
  /**
   * Threads (default: the machine's logical cores). Threads are workers running kernels on
   * the same shared memory; where the host has no shared memory or no workers the fit runs on
   * the calling thread. The result is the same, bit for bit, for every thread count.
   */
  threads?: number;
  /** Iterations to run at most (default 100). */
  maxIter?: number;
  /** Multiplicative updates of every `v(i)` per iteration (default 2, as in the paper). */
  vUpdates?: number;
  /**
   * Stop when one iteration lowers the loss by less than `tol` times the initial loss
   * (scikit-learn's criterion; default 0: run `maxIter` iterations). A positive `tol` tracks
   * the loss even with `trackLoss: false`.
   */
  tol?: number;
  /** Seed of the random start (any safe integer). Default: a random seed, kept on the model. */
  seed?: number;
  /**
   * The schedule of the multiplicative updates (`solver: "mu"`). `"sequential"` (default): all
   * v(i), then all W(i), then H from the new W(i); the loss is provably non-increasing.
   * `"reference"`: W(i) and H together from the same state, as the published code does, with
   * one pass over each A(i) per iteration (with `solver: "mu"` only; HALS is sequential).
   */
  schedule?: Schedule;
  /**
   * The start: `"random"` (default, the published random start from `seed`), `"nndsvd"`, or
   * explicit starting factors (for example a previous model's `toJSON()`).
   */
  init?: InitKind;
  /**
   * `"hals"` (default): exact block-coordinate descent on the paper's objective (v(i) in closed
   * form, then each column of W(i) and each row of H exactly); the loss is non-increasing and
   * falls far faster per second than under the multiplicative updates (README, "Solvers").
   * Only the sequential order applies, and `vUpdates` only switches the v(i) updates off (0)
   * or on (their closed form is exact, so repeating it changes nothing). `"mu"`: the paper's
   * multiplicative updates, as published (both schedules); use it to reproduce the paper.
   */
  solver?: SolverKind;
  /**
   * L1 weight `λ_v ≥ 0` on every shift: the fit minimizes
   * `F + λ_v Σ‖v(i)‖₁ + λ_W Σ‖W(i)‖₁ + λ_H ‖H‖₁` (default 0), which makes the v(i) sparse. With
   * any weight positive, `loss`, `lossHistory` and `normalizedLoss` are those of the penalized
   * objective: `sqrt(F + penalty)` (and `/ ‖A‖_F`); `onProgress` reports the penalty part.
   */
  l1V?: number;
  /** L1 weight `λ_W ≥ 0` on every W(i) (default 0); see `l1V`. */
  l1W?: number;
  /** L1 weight `λ_H ≥ 0` on H (default 0); see `l1V`. */
  l1H?: number;
  /**
   * Compute the loss before every iteration (default true; it costs no extra pass). `false`
   * also saves memory with sparse strata: their `A(i) Hᵀ` (m_i×k float32 each) is then formed
   * a block at a time instead of kept.
   */
  trackLoss?: boolean;
  /**
   * Divide the data by the power of two at or below their largest entry before fitting, and
   * multiply V, H and the losses back (default true): the result does not depend on the data's
   * units, and the random start, ε and the L1 weights apply to data whose largest entry is in
   * [1, 2). `false` fits the data as given, as the paper's method does (its start, ε and
   * penalties are then in the data's units): use it to reproduce published figures.
   */
  normalizeUnits?: boolean;
  /**
   * Random starts to run, keeping the one with the lowest final loss (default 1; seeds drawn from
   * `seed`, the first being `seed` itself; only with the random start).
   */
  restarts?: number;
  /**
   * Weights of the strata in the objective, `Σ_i c_i ‖A(i) − 1 v(i)ᵀ − W(i) H‖²`: `"balanced"`
   * (c_i = 1/m_i) or one number > 0 per stratum (default: none, every c_i = 1).
   */
  strataWeights?: number[] | "balanced";
  /**
   * What a NaN in a dense stratum means: `"error"` (the default: it is refused) or `"mask"` (the
   * entry is unobserved and left out of the objective; CSR strata list theirs in `unknown`).
   */
  missing?: Missing;
  /** Names of the `n` columns, kept on the model (used by `topFeatures`). */
  columnNames?: string[];
  /**
   * What was done to the data's columns before the fit (`fromTable()`'s `preprocessing`), kept
   * on the model so that new rows are treated the same and results can be given back in the
   * data's units (`toOriginalUnits`).
   */
  preprocessing?: Preprocessing;
  /** Called after each iteration's loss is known (every iteration). */
  onProgress?: (info: ProgressInfo) => void;
  /** Aborts the fit: `fit()` rejects with the signal's reason and frees its memory. */
  signal?: AbortSignal;
}

/** What a NaN in a dense stratum means: refused, or an unobserved entry. */
export type Missing = "error" | "mask";

/** Options of `transform()`. */
export interface TransformOptions {
  /**
   * The stratum (index or name) the new rows belong to: its `v(i)` stays fixed. Omit it for a
   * new stratum, whose `v` is learned along with `W`.
   */
  stratum?: number | string;
  /** Iterations to run at most (default 200). */
  maxIter?: number;
  /** Stop when an iteration lowers the loss by less than `tol` times the initial loss (default 0). */
  tol?: number;
  /** Seed of the random start of `W` (and `v` for a new stratum). Default: a random seed. */
  seed?: number;
  /** Updates of `v` per iteration for a new stratum (default: the model's). */
  vUpdates?: number;
  /**
   * The solver (default: the model's). Either minimizes the model's objective (its L1 weights
   * `l1W` and, for a new stratum, `l1V` included) over the new rows' `W` (and `v`).
   */
  solver?: SolverKind;
  /** Compute the loss before every iteration (default true). */
  trackLoss?: boolean;
  /** What a NaN in the new rows means: `"error"` (default) or `"mask"` (unobserved), as in `fit()`. */
  missing?: Missing;
  /** Threads (default: the machine's cores; 1: the calling thread), as `fit()`'s: the same result for any count. */
  threads?: number;
  /** Called after each iteration's loss is known. */
  onProgress?: (info: ProgressInfo) => void;
  /** Aborts the transform: it rejects with the signal's reason. */
  signal?: AbortSignal;
}

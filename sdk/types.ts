/**
 * The SDK's public input and option types.
 *
 * @module
 */

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
  /** Milliseconds since the fit started iterating. */
  elapsedMs: number;
}

/** The update schedule (algorithm.md). */
export type Schedule = "sequential" | "reference";

/** Options of `fit()`. */
export interface FitOptions {
  /** The rank `k`: rows of `H`, columns of each `W(i)`. Required. */
  rank: number;
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
   * `"sequential"` (default): all v(i), then all W(i), then H from the new W(i); the loss is
   * provably non-increasing. `"reference"`: W(i) and H together from the same state, as the
   * published code does, with one pass over each A(i) per iteration.
   */
  schedule?: Schedule;
  /** Explicit starting factors instead of the random start. */
  init?: InitialFactors;
  /** Compute the loss before every iteration (default true; it costs no extra pass). */
  trackLoss?: boolean;
  /** Names of the `n` columns, kept on the model (used by `topFeatures`). */
  columnNames?: string[];
  /** Called after each iteration's loss is known (every iteration). */
  onProgress?: (info: ProgressInfo) => void;
  /** Aborts the fit: `fit()` rejects with the signal's reason and frees its memory. */
  signal?: AbortSignal;
}

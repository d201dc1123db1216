/**
 * A fitted model: the factors (in wasm memory, handed out as typed-array views), the loss
 * history and the settings of the run.
 *
 * @module
 */

import { getCore } from "./runtime/core.ts";
import { explicitFactors, Factors } from "./input/factors.ts";
import type { Schedule, SolverKind } from "./types.ts";

/** How a fit started: the published random start, NNDSVD, or explicit factors. */
export type StartKind = "random" | "nndsvd" | "explicit";

/** Serialized model (`Model.toJSON()`); also usable as `fit()`'s `init`. */
export interface ModelJSON {
  format: "stratified-nmf";
  version: 1;
  names: string[];
  rows: number[];
  cols: number;
  rank: number;
  /** s vectors of length n. */
  V: number[][];
  /** s matrices, m_i rows of k. */
  W: number[][][];
  /** k rows of n. */
  H: number[][];
  lossHistory: number[];
  loss: number;
  normalizedLoss: number;
  iterations: number;
  converged: boolean;
  elapsedMs: number;
  seed: number | null;
  schedule: Schedule;
  vUpdates: number;
  /** The solver (absent in files written before it was recorded: "mu"). */
  solver?: SolverKind;
  /** The start (absent in older files: "random" when seed is set, else "explicit"). */
  init?: StartKind;
  /** The L1 weights (absent in older files: 0). */
  l1V?: number;
  l1W?: number;
  l1H?: number;
  columnNames?: string[];
}

/** Everything a model holds besides its factors. */
export interface ModelInfo {
  names: string[];
  lossHistory: Float64Array;
  loss: number;
  normalizedLoss: number;
  iterations: number;
  converged: boolean;
  elapsedMs: number;
  /** Threads the fit ran on. */
  threads?: number;
  seed: number | null;
  schedule: Schedule;
  vUpdates: number;
  solver?: SolverKind;
  init?: StartKind;
  l1V?: number;
  l1W?: number;
  l1H?: number;
  columnNames?: string[];
}

function toRows(flat: Float32Array, cols: number): number[][] {
  const rows: number[][] = [];
  for (let r = 0; r < flat.length / cols; r++) rows.push(Array.from(flat.subarray(r * cols, (r + 1) * cols)));
  return rows;
}

/** Indices of the `count` largest entries of `values`, largest first (ties: lower index first). */
function topIndices(values: ArrayLike<number>, count: number): number[] {
  const order = Array.from({ length: values.length }, (_, j) => j);
  order.sort((a, b) => values[b] - values[a] || a - b);
  return order.slice(0, Math.max(0, Math.min(count, values.length)));
}

/**
 * A fitted Stratified-NMF model: `A(i) ≈ 1 v(i)ᵀ + W(i) H`.
 *
 * The factors live in WebAssembly memory; `V`, `W` and `H` are views on it, valid until the
 * model is freed (views on a non-shared memory must be re-read after the memory grows; read
 * them from the model rather than keeping them). Free a model with `free()` (or `using`).
 */
export class Model {
  /** Stratum names, in input order. */
  readonly names: readonly string[];
  /** `m_i` of each stratum. */
  readonly rows: readonly number[];
  /** `n`. */
  readonly cols: number;
  /** `k`. */
  readonly rank: number;
  /** The loss `sqrt(F)` before each iteration, and the final loss last. */
  readonly lossHistory: Float64Array;
  /** Final `sqrt(F)`. */
  readonly loss: number;
  /** Final `sqrt(F) / ‖A‖_F`. */
  readonly normalizedLoss: number;
  /** Iterations run. */
  readonly iterations: number;
  /** Whether the fit stopped on `tol` (false when it ran `maxIter` iterations). */
  readonly converged: boolean;
  /** Milliseconds the fit spent iterating, final loss included (loading data and the start excluded). */
  readonly elapsedMs: number;
  /** Threads the fit ran on (1 for a model read from JSON). */
  readonly threads: number;
  /** Seed of the random start (null for an explicit start). */
  readonly seed: number | null;
  /** The schedule of the multiplicative updates (HALS is always sequential). */
  readonly schedule: Schedule;
  readonly vUpdates: number;
  /** The solver the fit ran: "mu" (multiplicative updates) or "hals". */
  readonly solver: SolverKind;
  /** How the fit started. */
  readonly init: StartKind;
  /** The L1 weights of the objective the fit minimized (0: none). */
  readonly l1V: number;
  readonly l1W: number;
  readonly l1H: number;
  /** Names of the n columns, when the fit was given them. */
  readonly columnNames?: readonly string[];
  #factors: Factors | undefined;

  /** @internal Models come from `fit()` or `Model.fromJSON()`. */
  constructor(factors: Factors, info: ModelInfo) {
    this.#factors = factors;
    this.names = info.names;
    this.rows = factors.shape.rows;
    this.cols = factors.shape.cols;
    this.rank = factors.shape.rank;
    this.lossHistory = info.lossHistory;
    this.loss = info.loss;
    this.normalizedLoss = info.normalizedLoss;
    this.iterations = info.iterations;
    this.converged = info.converged;
    this.elapsedMs = info.elapsedMs;
    this.threads = info.threads ?? 1;
    this.seed = info.seed;
    this.schedule = info.schedule;
    this.vUpdates = info.vUpdates;
    this.solver = info.solver ?? "mu";
    this.init = info.init ?? (info.seed === null ? "explicit" : "random");
    this.l1V = info.l1V ?? 0;
    this.l1W = info.l1W ?? 0;
    this.l1H = info.l1H ?? 0;
    if (info.columnNames) this.columnNames = info.columnNames;
  }

  #live(): Factors {
    if (!this.#factors) throw new Error("Cannot read the model: it has been freed");
    return this.#factors;
  }

  /** v(i) of each stratum: `n` float32 each (views on wasm memory). */
  get V(): Float32Array[] {
    const factors = this.#live();
    return this.rows.map((_, i) => factors.v(i));
  }

  /** W(i) of each stratum: `m_i × k` float32, row-major (views on wasm memory). */
  get W(): Float32Array[] {
    const factors = this.#live();
    return this.rows.map((_, i) => factors.w(i));
  }

  /** H: `k × n` float32, row-major (a view on wasm memory). */
  get H(): Float32Array {
    return this.#live().h();
  }

  /** Whether `free()` has been called. */
  get freed(): boolean {
    return this.#factors === undefined;
  }

  #stratumIndex(stratum: number | string): number {
    const index = typeof stratum === "string" ? this.names.indexOf(stratum) : stratum;
    if (!Number.isInteger(index) || index < 0 || index >= this.names.length) {
      throw new RangeError(
        `Cannot select stratum: ${JSON.stringify(stratum)} is not one of ${this.names.length} strata`,
      );
    }
    return index;
  }

  #label(indices: number[], columnNames?: readonly string[]): number[] | string[] {
    const names = columnNames ?? this.columnNames;
    if (!names) return indices;
    if (names.length !== this.cols) {
      throw new RangeError(`Cannot name features: ${names.length} column names given for ${this.cols} columns`);
    }
    return indices.map((j) => names[j]);
  }

  /**
   * The columns where v(i) is largest, largest first: what sets stratum i apart.
   * @param stratum index or name
   * @param count how many (default 10)
   * @param columnNames names to return instead of indices (default: the model's, if any)
   */
  topFeatures(stratum: number | string, count = 10, columnNames?: readonly string[]): number[] | string[] {
    return this.#label(topIndices(this.#live().v(this.#stratumIndex(stratum)), count), columnNames);
  }

  /** The columns where row `topic` of H is largest, largest first. */
  topicFeatures(topic: number, count = 10, columnNames?: readonly string[]): number[] | string[] {
    if (!Number.isInteger(topic) || topic < 0 || topic >= this.rank) {
      throw new RangeError(`Cannot select topic: ${topic} is not in [0, ${this.rank})`);
    }
    return this.#label(topIndices(this.H.subarray(topic * this.cols, (topic + 1) * this.cols), count), columnNames);
  }

  /** Means of each v(i) (one number per stratum). */
  vMeans(): number[] {
    return this.V.map((v) => v.reduce((sum, x) => sum + x, 0) / v.length);
  }

  /** A plain-object copy: factors as nested arrays, exactly round-tripping through JSON. */
  toJSON(): ModelJSON {
    const factors = this.#live();
    return {
      format: "stratified-nmf",
      version: 1,
      names: [...this.names],
      rows: [...this.rows],
      cols: this.cols,
      rank: this.rank,
      V: this.rows.map((_, i) => Array.from(factors.v(i))),
      W: this.rows.map((_, i) => toRows(factors.w(i), this.rank)),
      H: toRows(factors.h(), this.cols),
      lossHistory: Array.from(this.lossHistory),
      loss: this.loss,
      normalizedLoss: this.normalizedLoss,
      iterations: this.iterations,
      converged: this.converged,
      elapsedMs: this.elapsedMs,
      seed: this.seed,
      schedule: this.schedule,
      vUpdates: this.vUpdates,
      solver: this.solver,
      init: this.init,
      l1V: this.l1V,
      l1W: this.l1W,
      l1H: this.l1H,
      ...(this.columnNames ? { columnNames: [...this.columnNames] } : {}),
    };
  }

  /**
   * A model from `toJSON()` output (an object or its JSON text).
   * @throws {TypeError | RangeError} when the object is not a valid model.
   */
  static fromJSON(json: ModelJSON | string): Model {
    const action = "Cannot read model";
    const data = typeof json === "string" ? JSON.parse(json) as ModelJSON : json;
    if (typeof data !== "object" || data === null || data.format !== "stratified-nmf") {
      throw new TypeError(`${action}: not a stratified-nmf model (format field missing)`);
    }
    if (data.version !== 1) throw new RangeError(`${action}: version ${data.version} is not supported`);
    const { names, rows, cols, rank } = data;
    if (!Array.isArray(names) || !Array.isArray(rows) || names.length !== rows.length || names.length === 0) {
      throw new RangeError(`${action}: names and rows must be arrays of equal, non-zero length`);
    }
    for (const [key, value] of [["cols", cols], ["rank", rank], ...rows.map((m, i) => [`rows[${i}]`, m])] as const) {
      if (!(Number.isSafeInteger(value) && (value as number) > 0)) {
        throw new RangeError(`${action}: ${key} must be a positive integer`);
      }
    }
    if (data.solver !== undefined && data.solver !== "mu" && data.solver !== "hals") {
      throw new RangeError(`${action}: solver must be "mu" or "hals", got ${String(data.solver)}`);
    }
    if (data.init !== undefined && !["random", "nndsvd", "explicit"].includes(data.init)) {
      throw new RangeError(`${action}: init must be "random", "nndsvd" or "explicit", got ${String(data.init)}`);
    }
    for (const key of ["l1V", "l1W", "l1H"] as const) {
      const value = data[key];
      if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value >= 0)) {
        throw new RangeError(`${action}: ${key} must be a finite number ≥ 0, got ${String(value)}`);
      }
    }
    const factors = explicitFactors(getCore(), { rows, cols, rank }, data, action);
    return new Model(factors, {
      names,
      lossHistory: Float64Array.from(data.lossHistory ?? []),
      loss: data.loss,
      normalizedLoss: data.normalizedLoss,
      iterations: data.iterations,
      converged: data.converged,
      elapsedMs: data.elapsedMs ?? 0,
      seed: data.seed,
      schedule: data.schedule,
      vUpdates: data.vUpdates,
      solver: data.solver,
      init: data.init,
      l1V: data.l1V,
      l1W: data.l1W,
      l1H: data.l1H,
      columnNames: data.columnNames,
    });
  }

  /** Releases the factors' wasm memory. Views read before become invalid. Idempotent. */
  free(): void {
    this.#factors?.free();
    this.#factors = undefined;
  }

  /** `using model = await fit(...)` frees the model at the end of the scope. */
  [Symbol.dispose](): void {
    this.free();
  }
}

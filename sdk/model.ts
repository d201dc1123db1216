/**
 * A fitted model: the factors (in wasm memory, handed out as typed-array views), the loss
 * history and the settings of the run.
 *
 * @module
 */

import { getCore } from "./runtime/core.ts";
import { explicitFactors, Factors } from "./input/factors.ts";
import { MODEL_VERSION, type ModelInfo, type ModelJSON, readModelJSON } from "./input/model_file.ts";
import { SETTING_NAMES } from "./input/options.ts";
import type { Preprocessing } from "./input/preprocess.ts";
import type { ModelSettings } from "./types.ts";
import { largestFirst, type RankBy, rankFeatures, rankingScales } from "./contrast.ts";
import type { RestartsRecord, Stability } from "./inference/stability.ts";
import { JUPYTER_DISPLAY, type MimeBundle, modelSummaryHtml, modelSummaryText } from "./display.ts";

function toRows(flat: Float32Array, cols: number): number[][] {
  const rows: number[][] = [];
  for (let r = 0; r < flat.length / cols; r++) rows.push(Array.from(flat.subarray(r * cols, (r + 1) * cols)));
  return rows;
}

/** Options of {@link Model.topFeatures}. */
export interface TopFeaturesOptions {
  /**
   * What ranks the columns (docs/algorithm.md §Contrasts and shares): `"contrast"` (the default),
   * v(i)ⱼ minus the unweighted mean of the other strata's; `"share"`, v(i)ⱼ / Σₗ v(l)ⱼ; `"value"`,
   * v(i)ⱼ itself. With columns on mixed scales (`columnMaxima` more than 100× apart, and no
   * scaling before the fit), contrasts and values are ranked divided by each column's maximum
   * (sdk/contrast.ts's `rankScaling` says which, and why); shares are scale-free.
   */
  by?: RankBy;
  /** Names to return instead of indices (default: the model's, if any). */
  columnNames?: readonly string[];
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
  /**
   * The settings of the fit that made the model (solver, schedule, start, seed, L1 weights,
   * threads, …); each is also a field of the model (`model.solver`).
   */
  readonly settings: Readonly<ModelSettings>;
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
  /**
   * Milliseconds the whole `fit()` call took: the checks, loading the data, the start, the
   * iterations and the final loss (what `snmf fit` prints and `snmf report` shows). Absent on
   * models read from files written before it was recorded.
   */
  readonly totalMs?: number;
  /**
   * What the fit divided the data by before fitting (the power of two at or below their largest entry), so that its result does
   * not depend on the data's units; V, H and the losses are in the data's units
   * (docs/algorithm.md, "Units"). `transform()` divides new rows by it too.
   */
  readonly scale: number;
  /** Names of the n columns, when the fit was given them. */
  readonly columnNames?: readonly string[];
  /**
   * What was done to the data's columns before the fit (`fromTable()`'s record: missing cells,
   * shifts, scales), when anything was; `toOriginalUnits(model.preprocessing, model.V, model.H)`
   * gives v(i) and H in the data's own units.
   */
  readonly preprocessing?: Readonly<Preprocessing>;
  /** An identifier of each row of each stratum (the rows of W(i)), when the strata had `rowIds`. */
  readonly rowIds?: readonly (readonly (string | number)[])[];
  /** With `restarts`: which start won (`best`, 0-based), and every start's seed and final loss. */
  readonly starts?: Readonly<RestartsRecord>;
  /**
   * With `restarts`: how much the answer moves over the starts within 1 % of the best loss (the
   * range of v, whether each share is stable, the overlap of the top columns, the topics'
   * agreement; docs/inference.md, "Stability over restarts").
   */
  readonly stability?: Readonly<Stability>;
  /** The fingerprint of the data the model was fit on, as stored (effects() checks its data against it). */
  readonly fingerprint?: string;
  /**
   * The largest value of each column of the data the model was fit to (n numbers ≥ 0, in the
   * units of V and H: after any preprocessing; unobserved entries left out): how far apart the
   * columns' scales are, for `topFeatures` (docs/algorithm.md §Contrasts and shares). Absent on
   * models read from files written before it was recorded.
   */
  readonly columnMaxima?: readonly number[];
  #factors: Factors | undefined;

  /** @internal Models come from `fit()` or `Model.fromJSON()`. */
  constructor(factors: Factors, info: ModelInfo) {
    this.#factors = factors;
    this.names = info.names;
    this.rows = factors.shape.rows;
    this.cols = factors.shape.cols;
    this.rank = factors.shape.rank;
    this.settings = Object.freeze({ ...info.settings });
    this.lossHistory = info.lossHistory;
    this.loss = info.loss;
    this.scale = info.scale;
    this.normalizedLoss = info.normalizedLoss;
    this.iterations = info.iterations;
    this.converged = info.converged;
    this.elapsedMs = info.elapsedMs;
    if (info.totalMs !== undefined) this.totalMs = info.totalMs;
    if (info.columnNames) this.columnNames = info.columnNames;
    if (info.preprocessing) this.preprocessing = info.preprocessing;
    if (info.rowIds) this.rowIds = info.rowIds;
    if (info.starts) this.starts = info.starts;
    if (info.stability) this.stability = info.stability;
    if (info.fingerprint) this.fingerprint = info.fingerprint;
    if (info.columnMaxima) this.columnMaxima = info.columnMaxima;
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
   * The columns that set stratum `stratum` apart most, first the one that does most: ranked by
   * contrast with the other strata (the default), by share, or by v(i) itself (`options.by`; the
   * ranking of sdk/contrast.ts's `rankFeatures`). With columns on mixed scales, contrasts and
   * values are ranked on the scaled values: divided by each column's `columnMaxima` (as
   * `rankScaling(model, by)` says; docs/algorithm.md §Contrasts and shares, "Mixed scales").
   * Columns are named by the model's column names, or numbered from 0 (as everywhere in the SDK,
   * the JSON and the command line).
   * @param stratum index (from 0) or name
   * @param count how many (default 10)
   * @param options `{ by, columnNames }`; an array is taken as `columnNames` (the signature of
   *   earlier versions, which ranked by value: pass `{ by: "value" }` for that ranking)
   * @throws {RangeError} for an unknown stratum, a count that is not an integer ≥ 0, an unknown
   *   `by`, or column names of another count than the model's columns
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { fit } from "stratified-nmf";
   *
   * // Column 0 is large in both strata; column 2 is where "b" stands out.
   * const strata = [
   *   { name: "a", data: [[9, 1, 0], [9, 1, 0]] },
   *   { name: "b", data: [[9, 1, 3], [9, 1, 3]] },
   * ];
   * using model = await fit(strata, { rank: 1, seed: 1, columnNames: ["x", "y", "z"] });
   * assert.equal(model.topFeatures("b", 1)[0], "z"); // by contrast with "a"
   * assert.equal(model.topFeatures("b", 1, { by: "share" })[0], "z");
   * assert.equal(model.topFeatures("b", 1, { by: "value" })[0], "x"); // large in both
   * ```
   */
  topFeatures(
    stratum: number | string,
    count = 10,
    options: TopFeaturesOptions | readonly string[] = {},
  ): number[] | string[] {
    const { by = "contrast", columnNames } = Array.isArray(options)
      ? { columnNames: options as readonly string[] }
      : options as TopFeaturesOptions;
    const scales = rankingScales(this, by);
    return this.#label(rankFeatures(this.V, this.#stratumIndex(stratum), count, by, scales), columnNames);
  }

  /**
   * The columns where row `topic` of H is largest, largest first.
   * @param topic index of the topic, from 0 (row `topic` of H, column `topic` of each W(i))
   * @param count how many (default 10)
   * @param columnNames names to return instead of indices (default: the model's, if any)
   */
  topicFeatures(topic: number, count = 10, columnNames?: readonly string[]): number[] | string[] {
    if (!Number.isInteger(topic) || topic < 0 || topic >= this.rank) {
      throw new RangeError(`Cannot select topic: ${topic} is not in [0, ${this.rank})`);
    }
    return this.#label(largestFirst(this.H.subarray(topic * this.cols, (topic + 1) * this.cols), count), columnNames);
  }

  /**
   * The model's values `1 v(i)ᵀ + W(i) H` of stratum `stratum` (index or name), in the fit's
   * units (with `preprocessing`, `toOriginalUnits` gives the data's): the imputed values where
   * the data were unobserved. Each entry is summed in float64 (v_j, then q = 0 … k−1) and rounded
   * once.
   * @param rows the rows to reconstruct, by index (default: every row of the stratum, in order)
   * @returns `rows.length × n` float32, row-major
   * @throws {RangeError} for an unknown stratum or a row index out of range
   */
  reconstruct(stratum: number | string, rows?: ArrayLike<number>): Float32Array {
    const i = this.#stratumIndex(stratum);
    const { cols: n, rank: k } = this;
    const m = this.rows[i];
    const selected = rows ?? Array.from({ length: m }, (_, r) => r);
    const v = this.V[i], W = this.W[i], H = this.H;
    const out = new Float32Array(selected.length * n);
    for (let e = 0; e < selected.length; e++) {
      const r = selected[e];
      if (!Number.isInteger(r) || r < 0 || r >= m) {
        throw new RangeError(`Cannot reconstruct: row ${r} is not a row of stratum ${i} (${m} rows)`);
      }
      for (let j = 0; j < n; j++) {
        let x = v[j];
        for (let q = 0; q < k; q++) x += W[r * k + q] * H[q * n + j];
        out[e * n + j] = x;
      }
    }
    return out;
  }

  /** Means of each v(i) (one number per stratum). */
  vMeans(): number[] {
    return this.V.map((v) => v.reduce((sum, x) => sum + x, 0) / v.length);
  }

  /** A plain-object copy (format 2): factors as nested arrays, exactly round-tripping through JSON. */
  toJSON(): ModelJSON {
    const factors = this.#live();
    return {
      format: "stratified-nmf",
      version: MODEL_VERSION,
      names: [...this.names],
      rows: [...this.rows],
      cols: this.cols,
      rank: this.rank,
      ...(this.columnNames ? { columnNames: [...this.columnNames] } : {}),
      settings: { ...this.settings },
      lossHistory: Array.from(this.lossHistory),
      loss: this.loss,
      normalizedLoss: this.normalizedLoss,
      iterations: this.iterations,
      converged: this.converged,
      elapsedMs: this.elapsedMs,
      ...(this.totalMs !== undefined ? { totalMs: this.totalMs } : {}),
      scale: this.scale,
      ...(this.preprocessing ? { preprocessing: structuredClone(this.preprocessing) as Preprocessing } : {}),
      ...(this.rowIds ? { rowIds: this.rowIds.map((ids) => [...ids]) } : {}),
      ...(this.starts ? { starts: structuredClone(this.starts) as RestartsRecord } : {}),
      ...(this.stability ? { stability: structuredClone(this.stability) as Stability } : {}),
      ...(this.fingerprint ? { fingerprint: this.fingerprint } : {}),
      ...(this.columnMaxima ? { columnMaxima: [...this.columnMaxima] } : {}),
      V: this.rows.map((_, i) => Array.from(factors.v(i))),
      W: this.rows.map((_, i) => toRows(factors.w(i), this.rank)),
      H: toRows(factors.h(), this.cols),
    };
  }

  /**
   * A model from `toJSON()` output (an object or its JSON text), of this format (2) or the
   * format 1 written before. Every field is checked before anything is allocated.
   * @throws {TypeError} for a field of the wrong type
   * @throws {RangeError} for a wrong value, an unknown field, or factors that do not have the
   *   declared shape (naming the field: `Cannot read model: settings.solver must be one of …`)
   */
  static fromJSON(json: ModelJSON | string | object): Model {
    const action = "Cannot read model";
    const { shape, factors, ...info } = readModelJSON(json, action);
    return new Model(explicitFactors(getCore(), shape, factors, action), info);
  }

  /**
   * How Deno's Jupyter kernel (`deno jupyter`) shows a model that ends a cell: a small HTML
   * summary (the run, and the top features of each stratum by contrast and of each topic), with
   * a plain-text form beside it.
   */
  [JUPYTER_DISPLAY](): MimeBundle {
    if (this.freed) return { "text/plain": "Stratified-NMF model (freed)" };
    return { "text/html": modelSummaryHtml(this), "text/plain": modelSummaryText(this) };
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

// The settings are also fields of the model, read from `settings`: `model.solver`.
export interface Model extends Readonly<ModelSettings> {}
for (const name of SETTING_NAMES) {
  Object.defineProperty(Model.prototype, name, {
    get(this: Model) {
      return this.settings[name];
    },
  });
}

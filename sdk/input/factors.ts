/**
 * The factors of a model in wasm memory: `V` (one `n`-vector per stratum, stored as one s×n
 * float32 block), `W(i)` (m_i×k float32 each) and `H` (k×n float32), all row-major; with the
 * published random start or an explicit one.
 *
 * @module
 */

import type { Core } from "../runtime/core.ts";
import { Random } from "../start/random.ts";
import type { InitialFactors, MatrixLike } from "../types.ts";

/** Shapes of a model: the row count of each stratum, the columns and the rank. */
export interface Shape {
  rows: readonly number[];
  cols: number;
  rank: number;
}

/** How H's memory is laid out: H itself (k×n), or Hᵀ (n×k) while a solver of sparse strata runs. */
export type HLayout = "k×n" | "n×k";

/** Factors resident in wasm memory. Pointers are byte offsets. */
export class Factors {
  readonly core: Core;
  readonly shape: Shape;
  /** s×n float32: row i is v(i). */
  readonly V: number;
  /** m_i×k float32 each. */
  readonly W: readonly number[];
  /** H's memory: k×n float32, or n×k (Hᵀ) while {@link hLayout} says so. */
  readonly H: number;
  #hLayout: HLayout = "k×n";

  constructor(core: Core, shape: Shape) {
    this.core = core;
    this.shape = shape;
    const { rows, cols, rank } = shape;
    this.V = core.heap.alloc(rows.length * cols * 4);
    this.W = rows.map((m) => core.heap.alloc(m * rank * 4));
    this.H = core.heap.alloc(rank * cols * 4);
  }

  /** v(i), a view of `n` float32. */
  v(stratum: number): Float32Array {
    const { cols } = this.shape;
    return this.core.heap.f32(this.V + stratum * cols * 4, cols);
  }

  /** W(i), a view of m_i×k float32, row-major. */
  w(stratum: number): Float32Array {
    return this.core.heap.f32(this.W[stratum], this.shape.rows[stratum] * this.shape.rank);
  }

  /** The layout of H's memory now. */
  get hLayout(): HLayout {
    return this.#hLayout;
  }

  /**
   * H, a view of k×n float32, row-major.
   * @throws {Error} while H's memory holds Hᵀ (a running solver of sparse strata keeps it so).
   */
  h(): Float32Array {
    if (this.#hLayout !== "k×n") throw new Error("Cannot read H: its memory holds Hᵀ (n×k) while the fit runs");
    return this.core.heap.f32(this.H, this.shape.rank * this.shape.cols);
  }

  /**
   * V and H in other units: multiplied by `by` (or divided, for `"divide"`), in float64 and
   * rounded once to float32, the W(i) left as they are: the factors of data `by` times larger (or
   * smaller; docs/algorithm.md, "Units"). Exact for a power of two.
   */
  changeUnits(by: number, how: "multiply" | "divide"): void {
    if (by === 1) return;
    const { rows, cols, rank } = this.shape;
    for (const values of [this.core.heap.f32(this.V, rows.length * cols), this.core.heap.f32(this.H, rank * cols)]) {
      if (how === "multiply") { for (let e = 0; e < values.length; e++) values[e] = values[e] * by; }
      else for (let e = 0; e < values.length; e++) values[e] = values[e] / by;
    }
  }

  /**
   * v(i) and W(i) of each stratum multiplied (or divided) by `roots[i]`, in float64 and rounded
   * once: the factors of the weighted problem and back (docs/algorithm.md, "Strata weights"). A
   * root of 1 changes no bit.
   */
  weighStrata(roots: readonly number[], how: "multiply" | "divide"): void {
    roots.forEach((root, i) => {
      if (root === 1) return;
      for (const values of [this.v(i), this.w(i)]) {
        if (how === "multiply") { for (let e = 0; e < values.length; e++) values[e] = values[e] * root; }
        else for (let e = 0; e < values.length; e++) values[e] = values[e] / root;
      }
    });
  }

  /**
   * Transposes H's memory in place (k×n ↔ n×k) through a temporary released at once, and flips
   * {@link hLayout}.
   */
  transposeH(): void {
    const { heap, kernels } = this.core;
    const { rank: k, cols: n } = this.shape;
    const [rows, cols] = this.#hLayout === "k×n" ? [k, n] : [n, k];
    const temp = heap.alloc(rows * cols * 4);
    try {
      kernels.f32_transpose(this.H, rows, cols, temp, 0);
      heap.f32(this.H, rows * cols).set(heap.f32(temp, rows * cols));
    } finally {
      heap.release(temp);
    }
    this.#hLayout = this.#hLayout === "k×n" ? "n×k" : "k×n";
  }

  /**
   * Copies V, the W(i) and H (in whatever layout H's memory has, which is copied too) from
   * `other`, of the same shape.
   */
  copyFrom(other: Factors): void {
    const { heap } = this.core;
    const { rows, cols, rank } = this.shape;
    heap.f32(this.V, rows.length * cols).set(heap.f32(other.V, rows.length * cols));
    rows.forEach((m, i) => heap.f32(this.W[i], m * rank).set(heap.f32(other.W[i], m * rank)));
    heap.f32(this.H, rank * cols).set(heap.f32(other.H, rank * cols));
    this.#hLayout = other.#hLayout;
  }

  free(): void {
    this.core.heap.release(this.V);
    this.W.forEach((ptr) => this.core.heap.release(ptr));
    this.core.heap.release(this.H);
  }
}

/**
 * The published random start: v(i) ~ U(0,1), W(i) ~ U(0,1)/√k, H ~ U(0,1)/√k, drawn in that
 * order (V row by row, then each W(i), then H) from one seeded generator.
 */
export function randomFactors(core: Core, shape: Shape, seed: number): Factors {
  const factors = new Factors(core, shape);
  fillRandom(factors, seed);
  return factors;
}

/** Overwrites `factors` (H in its k×n layout) with the published random start of `seed`. */
export function fillRandom(factors: Factors, seed: number): void {
  const { shape } = factors;
  const random = new Random(seed);
  const scale = 1 / Math.sqrt(shape.rank);
  shape.rows.forEach((_, i) => random.fill(factors.v(i)));
  shape.rows.forEach((_, i) => random.fill(factors.w(i), scale));
  random.fill(factors.h(), scale);
}

/** Largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Checks that a matrix given as rows or flat has rows×cols values, by the lengths alone (so a
 * shape claimed beyond the arrays present is refused before anything is allocated).
 */
function checkMatrixShape(value: unknown, rows: number, cols: number, what: string, action: string): void {
  const fail = (detail: string) => new RangeError(`${action}: ${what} ${detail}`);
  if (typeof value !== "object" || value === null || typeof (value as ArrayLike<unknown>).length !== "number") {
    throw new TypeError(`${action}: ${what} must be an array`);
  }
  const matrix = value as MatrixLike;
  const nested = matrix.length > 0 && typeof matrix[0] === "object";
  if (nested ? matrix.length !== rows : matrix.length !== rows * cols) {
    throw fail(
      nested
        ? `has ${matrix.length} rows, expected ${rows}`
        : `has ${matrix.length} values, expected ${rows} × ${cols} = ${rows * cols}`,
    );
  }
  if (!nested) return;
  for (let r = 0; r < rows; r++) {
    const row = (matrix as ArrayLike<number>[])[r];
    if (row === null || typeof row !== "object" || row.length !== cols) {
      throw fail(`row ${r} has ${row?.length ?? "no"} values, expected ${cols}`);
    }
  }
}

/** Copies a matrix of the shape {@link checkMatrixShape} checked into `out`, checking its values. */
function copyMatrix(value: unknown, rows: number, cols: number, out: Float32Array, what: string, action: string): void {
  const matrix = value as MatrixLike;
  const nested = matrix.length > 0 && typeof matrix[0] === "object";
  for (let r = 0; r < rows; r++) {
    const row = nested ? (matrix as ArrayLike<number>[])[r] : undefined;
    for (let j = 0; j < cols; j++) {
      const x = nested ? row![j] : (matrix as ArrayLike<number>)[r * cols + j];
      if (!(typeof x === "number" && x >= 0 && x <= FLOAT32_MAX)) {
        throw new RangeError(
          `${action}: ${what} row ${r}, column ${j} must be a finite non-negative number within float32, got ${x}`,
        );
      }
      out[r * cols + j] = x;
    }
  }
}

/**
 * Checks that `init` has the arrays `shape` needs, by their lengths alone: a shape claimed beyond
 * the arrays present is refused before anything is allocated.
 * @throws {TypeError | RangeError} naming the factor, stratum and row whose length is wrong.
 */
export function checkFactorShapes(shape: Shape, init: InitialFactors, action: string): void {
  if (typeof init !== "object" || init === null) throw new TypeError(`${action}: init must be an object { V, W, H }`);
  const { rows, cols, rank } = shape;
  for (const key of ["V", "W", "H"] as const) {
    if (!Array.isArray(init[key]) && !ArrayBuffer.isView(init[key])) {
      throw new TypeError(`${action}: init.${key} must be an array`);
    }
  }
  if (init.V.length !== rows.length) {
    throw new RangeError(`${action}: init.V has ${init.V.length} vectors, expected one per stratum (${rows.length})`);
  }
  if (init.W.length !== rows.length) {
    throw new RangeError(`${action}: init.W has ${init.W.length} matrices, expected one per stratum (${rows.length})`);
  }
  rows.forEach((m, i) => {
    checkMatrixShape(init.V[i], 1, cols, `init.V[${i}]`, action);
    checkMatrixShape(init.W[i], m, rank, `init.W[${i}]`, action);
  });
  checkMatrixShape(init.H, rank, cols, "init.H", action);
}

/**
 * Factors from an explicit start, checked against the shape (every length before allocating).
 * @throws {TypeError | RangeError} naming the factor, stratum, row and column that is wrong.
 */
export function explicitFactors(core: Core, shape: Shape, init: InitialFactors, action: string): Factors {
  checkFactorShapes(shape, init, action);
  const { rows, cols, rank } = shape;
  const factors = new Factors(core, shape);
  try {
    rows.forEach((m, i) => {
      copyMatrix(init.V[i], 1, cols, factors.v(i), `init.V[${i}]`, action);
      copyMatrix(init.W[i], m, rank, factors.w(i), `init.W[${i}]`, action);
    });
    copyMatrix(init.H, rank, cols, factors.h(), "init.H", action);
  } catch (error) {
    factors.free();
    throw error;
  }
  return factors;
}

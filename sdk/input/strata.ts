/**
 * Strata in WebAssembly memory: validation of the user's strata and their copy into float32
 * (dense, row-major) or CSR (int32 indptr and indices, float32 values) blocks, with the
 * per-stratum constants of a fit (column sums `A(i)ᵀ 1` and `‖A(i)‖²_F`, both float64).
 *
 * @module
 */

import type { Core } from "../runtime/core.ts";
import type { Checkpoint } from "../runtime/checkpoint.ts";
import { Arena } from "../runtime/heap.ts";
import type { CsrStratum, DenseStratum, Stratum } from "../types.ts";
import { describeStrata, isArrayLike, type StratumLayout } from "./shapes.ts";

/** Loading checks for cancellation once per this many rows + 1 (a power of two, less 1). */
const ROWS_PER_CHECK = 1023;

/** Largest finite float32. */
const F32_MAX = 3.4028234663852886e38;

/** A stratum resident in wasm memory. Pointers are byte offsets. */
export interface ResidentStratum {
  readonly name: string;
  /** `m_i`. */
  readonly rows: number;
  /** `n`. */
  readonly cols: number;
  readonly kind: "dense" | "csr";
  /** Dense: `m_i × n` float32, row-major. */
  readonly data: number;
  /** CSR: `m_i + 1` int32 offsets, `nnz` int32 column indices (ascending within each row), `nnz` float32 values. */
  readonly indptr: number;
  readonly indices: number;
  readonly values: number;
  /** Stored entries (`m_i × n` for dense strata). */
  readonly nnz: number;
  /** `c(i) = A(i)ᵀ 1`: `n` float32 (summed in float64, rounded once). */
  readonly colSums: number;
  /** The unobserved entries, with `missing: "mask"` (absent: none). */
  readonly hidden?: HiddenEntries;
}

/**
 * The unobserved entries of a stratum (stored as 0 in its data), by row: row r's columns are
 * `indices[indptr[r] … indptr[r+1])`, ascending. Pointers are byte offsets.
 */
export interface HiddenEntries {
  /** `m_i + 1` int32 offsets. */
  readonly indptr: number;
  /** `count` int32 column indices. */
  readonly indices: number;
  readonly count: number;
}

/** All strata of a fit, resident in wasm memory until `free()`. */
export interface ResidentStrata {
  readonly strata: ResidentStratum[];
  /** `n`, shared by every stratum. */
  readonly cols: number;
  /**
   * What the stored values were divided by: the power of two at or below the data's largest
   * entry, or the scale given to {@link loadStrata} (docs/algorithm.md, "Units"). Factors and losses of the stored data are in
   * these units; multiply V, H and the loss by it for the data's own units.
   */
  readonly scale: number;
  /**
   * `‖A(i)‖²_F` of each stratum's stored values, accumulated in float64. A Float64Array, never
   * numbers kept in the strata's objects: Deno 2.9's V8 (15.0, Maglev) was seen to let objects
   * built at the same site share the box of a float64 that a wasm call returned, so one stratum's
   * value changed when the next was computed (docs/algorithm.md, "Numerics, engines"). `scale`
   * and `normSq` are accessors of a Float64Array for the same reason: effects() keeps two refits'
   * strata loaded at once.
   */
  readonly norms: Float64Array;
  /** `Σ_i ‖A(i)‖²_F` of the stored values. */
  normSq: number;
  free(): void;
}

/**
 * `c(i) = A(i)ᵀ 1` as `cols` float32 (owned): `sum` writes the sums in float64 into a temporary,
 * rounded to float32 once. Float32, as every other stored quantity: c(i) weighs as much as v(i),
 * which for many strata over many columns is much of a fit's memory.
 */
function columnSums(core: Core, colSums: number, cols: number, sum: (sums: number) => void): void {
  const sums = core.heap.alloc(cols * 8);
  try {
    sum(sums);
    core.kernels.f64_to_f32_padded(sums, 1, cols, colSums, cols);
  } finally {
    core.heap.release(sums);
  }
}

function describeValue(x: unknown): string | undefined {
  if (typeof x !== "number") return `is not a number (${typeof x})`;
  if (Number.isNaN(x)) return "is NaN";
  if (!Number.isFinite(x)) return `is infinite (${x})`;
  if (x < 0) return `is negative (${x})`;
  if (x > F32_MAX) return `is too large for float32 (${x})`;
  return undefined;
}

function isNonNegativeFloat32(x: unknown): x is number {
  return typeof x === "number" && x >= 0 && x <= F32_MAX;
}

/**
 * How many entries a stratum leaves out of the objective under `missing: "mask"`: its NaN
 * entries (dense; rows of the wrong length count nothing: loading refuses them) or the length of
 * its `unknown` list (CSR). Counted before anything is allocated, for memoryNeeded().
 */
export function hiddenCount(stratum: Stratum, layout: StratumLayout): number {
  if (layout.kind === "csr") {
    const unknown = (stratum as CsrStratum).unknown;
    return unknown && isArrayLike(unknown.rows) ? unknown.rows.length : 0;
  }
  const data = (stratum as DenseStratum).data;
  let count = 0;
  for (let r = 0; r < layout.rows; r++) {
    const row = layout.nested ? (data as ArrayLike<unknown>[])[r] : undefined;
    if (layout.nested && !isArrayLike(row)) continue;
    for (let j = 0; j < layout.cols; j++) {
      if (Number.isNaN(layout.nested ? row![j] : (data as ArrayLike<unknown>)[r * layout.cols + j])) count++;
    }
  }
  return count;
}

async function loadDense(
  core: Core,
  stratum: DenseStratum,
  layout: StratumLayout,
  arena: Arena,
  checkpoint?: Checkpoint,
  mask = false,
): Promise<ResidentStratum> {
  const { rows, cols, nested, place } = layout;
  const hidden = mask ? new HiddenBuilder(rows) : undefined;
  const ptr = arena.alloc(rows * cols * 4);
  const data = stratum.data;
  if (!nested && !mask && (data instanceof Float32Array || data instanceof Float64Array)) {
    await copyTyped(core, ptr, data.subarray(0, rows * cols), cols, place, checkpoint);
    return residentDense(layout, ptr, undefined, arena);
  }
  let out = core.heap.f32(ptr, rows * cols);
  for (let r = 0; r < rows; r++) {
    if ((r & ROWS_PER_CHECK) === ROWS_PER_CHECK) {
      await checkpoint?.pass();
      out = core.heap.f32(ptr, rows * cols); // a fit running meanwhile may have grown the memory
    }
    const row = nested ? (data as ArrayLike<unknown>[])[r] : undefined;
    if (nested && (!isArrayLike(row) || row.length !== cols)) {
      throw place.range(`row ${r} has ${isArrayLike(row) ? row.length : "no"} values, expected ${cols}`);
    }
    for (let j = 0; j < cols; j++) {
      const x = nested ? row![j] : (data as ArrayLike<unknown>)[r * cols + j];
      if (hidden && Number.isNaN(x)) {
        hidden.add(r, j);
        out[r * cols + j] = 0;
        continue;
      }
      if (!isNonNegativeFloat32(x)) throw place.range(`row ${r}, column ${j} ${describeValue(x)}`);
      out[r * cols + j] = x;
    }
  }
  return residentDense(layout, ptr, hidden?.store(core, arena), arena);
}

/** The resident form of a dense stratum whose rows × cols float32 are at `ptr`. */
function residentDense(
  layout: StratumLayout,
  ptr: number,
  hidden: HiddenEntries | undefined,
  arena: Arena,
): ResidentStratum {
  return {
    name: layout.name,
    rows: layout.rows,
    hidden,
    kind: "dense",
    data: ptr,
    indptr: 0,
    indices: 0,
    values: 0,
    nnz: layout.rows * layout.cols,
    colSums: arena.alloc(layout.cols * 4),
    cols: layout.cols,
  };
}

/**
 * Copies a flat typed-array stratum (rows × cols, row-major) to `ptr` as float32,
 * ROWS_PER_CHECK + 1 rows at a time, and checks each chunk as the general loop checks every value
 * (no NaN, no infinity, no negative value, none beyond float32; the first bad one is named by row
 * and column): the same bits and errors, without the general loop's per-value type tests. A
 * float32 chunk is checked in memory by a kernel; a float64 one before its conversion (a value
 * just past float32's largest would round to it).
 */
async function copyTyped(
  core: Core,
  ptr: number,
  data: Float32Array | Float64Array,
  cols: number,
  place: StratumLayout["place"],
  checkpoint?: Checkpoint,
): Promise<void> {
  const chunk = (ROWS_PER_CHECK + 1) * cols;
  for (let start = 0; start < data.length; start += chunk) {
    if (start > 0) await checkpoint?.pass();
    const part = data.subarray(start, Math.min(data.length, start + chunk));
    const at = ptr + start * 4;
    // A fit running meanwhile may have grown the memory: views made now.
    let bad: number;
    if (part instanceof Float64Array) {
      bad = firstInvalid(part);
      if (bad < 0) core.heap.f32(at, part.length).set(part);
    } else {
      core.heap.f32(at, part.length).set(part);
      bad = core.kernels.f32_find_invalid(at, part.length);
    }
    if (bad >= 0) {
      const e = start + bad;
      throw place.range(`row ${Math.floor(e / cols)}, column ${e % cols} ${describeValue(data[e])}`);
    }
  }
}

/**
 * Index of the first value of `values` that loading refuses ({@link isNonNegativeFloat32}); −1
 * when there is none.
 */
function firstInvalid(values: Float64Array): number {
  for (let i = 0; i < values.length; i++) if (!isNonNegativeFloat32(values[i])) return i;
  return -1;
}

/** Collects a stratum's unobserved entries row by row, then stores them as {@link HiddenEntries}. */
class HiddenBuilder {
  readonly #columns: number[][];

  constructor(rows: number) {
    this.#columns = Array.from({ length: rows }, () => []);
  }

  add(row: number, col: number): void {
    this.#columns[row].push(col);
  }

  /** The entries in `arena`, each row's columns ascending (undefined when there are none). */
  store(core: Core, arena: Arena): HiddenEntries | undefined {
    const count = this.#columns.reduce((total, cols) => total + cols.length, 0);
    if (count === 0) return undefined;
    const indptr = arena.alloc((this.#columns.length + 1) * 4);
    const indices = arena.alloc(count * 4);
    const offsets = core.heap.i32(indptr, this.#columns.length + 1);
    const cols = core.heap.i32(indices, count);
    let e = 0;
    this.#columns.forEach((row, r) => {
      offsets[r] = e;
      for (const j of row.sort((a, b) => a - b)) cols[e++] = j;
    });
    offsets[this.#columns.length] = e;
    return { indptr, indices, count };
  }
}

/**
 * The unknown positions of a CSR stratum (its `unknown` list), checked: integers in range, none
 * twice. Stored entries among them are set to 0 in `values` (left out of every product).
 */
function unknownPositions(
  stratum: CsrStratum,
  layout: StratumLayout,
  indptr: Int32Array,
  indices: Int32Array,
  values: Float32Array,
): HiddenBuilder {
  const { rows, cols, place } = layout;
  const unknown = stratum.unknown!;
  if (!isArrayLike(unknown.rows) || !isArrayLike(unknown.cols)) {
    throw place.type("has an unknown list without rows and cols arrays");
  }
  if (unknown.rows.length !== unknown.cols.length) {
    throw place.range(`lists ${unknown.rows.length} rows and ${unknown.cols.length} columns of unknown entries`);
  }
  const builder = new HiddenBuilder(rows);
  const seen = new Set<number>();
  for (let e = 0; e < unknown.rows.length; e++) {
    const r = unknown.rows[e], j = unknown.cols[e];
    if (!Number.isInteger(r) || r < 0 || r >= rows || !Number.isInteger(j) || j < 0 || j >= cols) {
      throw place.range(`unknown entry ${e} is (${r}, ${j}), outside the ${rows}×${cols} stratum`);
    }
    if (seen.has(r * cols + j)) throw place.range(`lists row ${r}, column ${j} as unknown twice`);
    seen.add(r * cols + j);
    builder.add(r, j);
  }
  for (let r = 0; r < rows; r++) {
    for (let e = indptr[r]; e < indptr[r + 1]; e++) if (seen.has(r * cols + indices[e])) values[e] = 0;
  }
  return builder;
}

/**
 * Sorts entries [start, stop) of a CSR row by column index, values alongside. The resident copy
 * keeps rows sorted: the numerator's column ranges (sdk/solve/column_ranges.ts) need a range's entries
 * of a row to be contiguous.
 */
function sortRow(indices: Int32Array, values: Float32Array, start: number, stop: number): void {
  const order = Array.from({ length: stop - start }, (_, e) => start + e).sort((a, b) => indices[a] - indices[b]);
  const sortedIndices = order.map((e) => indices[e]);
  const sortedValues = order.map((e) => values[e]);
  indices.set(sortedIndices, start);
  values.set(sortedValues, start);
}

async function loadCsr(
  core: Core,
  stratum: CsrStratum,
  layout: StratumLayout,
  arena: Arena,
  checkpoint?: Checkpoint,
  mask = false,
): Promise<ResidentStratum> {
  const { rows, cols, nnz, place } = layout;
  const { indptr, indices, values } = stratum;
  const ptrBlock = arena.alloc((rows + 1) * 4);
  const idxBlock = arena.alloc(nnz * 4);
  const valBlock = arena.alloc(nnz * 4);
  // Views, taken again after a check point (a fit running meanwhile may have grown the memory).
  const views = () =>
    [core.heap.i32(ptrBlock, rows + 1), core.heap.i32(idxBlock, nnz), core.heap.f32(valBlock, nnz)] as const;
  let [outPtr, outIdx, outVal] = views();
  const lastSeenInRow = new Int32Array(cols).fill(-1);
  outPtr[0] = 0;
  for (let r = 0; r < rows; r++) {
    if ((r & ROWS_PER_CHECK) === ROWS_PER_CHECK) {
      await checkpoint?.pass();
      [outPtr, outIdx, outVal] = views();
    }
    const start = indptr[r];
    const stop = indptr[r + 1];
    if (!Number.isInteger(stop) || stop < start) {
      throw place.range(`indptr[${r + 1}] is ${stop}, expected an integer ≥ indptr[${r}] = ${start}`);
    }
    outPtr[r + 1] = stop;
    let sorted = true;
    for (let e = start; e < stop; e++) {
      const j = indices[e];
      if (!Number.isInteger(j) || j < 0 || j >= cols) {
        throw place.range(`row ${r}, entry ${e} has column index ${j}, expected an integer in [0, ${cols})`);
      }
      if (lastSeenInRow[j] === r) throw place.range(`row ${r} stores column ${j} twice`);
      lastSeenInRow[j] = r;
      const x = values[e];
      if (!isNonNegativeFloat32(x)) throw place.range(`row ${r}, column ${j} ${describeValue(x)}`);
      if (e > start && j < outIdx[e - 1]) sorted = false;
      outIdx[e] = j;
      outVal[e] = x;
    }
    if (!sorted) sortRow(outIdx, outVal, start, stop);
  }
  if (stratum.unknown !== undefined && !mask) {
    throw place.range('lists unknown entries: pass missing: "mask" to leave them out of the fit');
  }
  const hidden = stratum.unknown === undefined ? undefined : unknownPositions(stratum, layout, ...views());
  return {
    name: layout.name,
    rows,
    hidden: hidden?.store(core, arena),
    kind: "csr",
    data: 0,
    indptr: ptrBlock,
    indices: idxBlock,
    values: valBlock,
    nnz,
    colSums: arena.alloc(cols * 4),
    cols,
  };
}

/** The largest stored value of all strata (0 when every value is 0). */
function largestValue(core: Core, strata: readonly ResidentStratum[]): number {
  return strata.reduce((largest, x) => Math.max(largest, core.kernels.f32_max(...storedRange(x))), 0);
}

/** Address and length of a stratum's stored float32 values (the dense data, or the CSR values). */
function storedRange(x: ResidentStratum): [number, number] {
  return x.kind === "dense" ? [x.data, x.rows * x.cols] : [x.values, x.nnz];
}

/**
 * The largest value of each column over every stratum, in the data's units (the stored values
 * times the scale, over each stratum's weight root; unobserved entries are stored as 0): what a
 * model records as `columnMaxima`.
 * @param weightRoots √c_i of each stratum's weight, as given to {@link loadStrata} (default: none)
 * @returns `cols` float64, each ≥ 0
 */
export function columnMaxima(core: Core, strata: ResidentStrata, weightRoots?: readonly number[]): Float64Array {
  const maxima = new Float64Array(strata.cols);
  strata.strata.forEach((x, i) => {
    const largest = x.kind === "dense" ? denseColumnMaxima(core, x) : csrColumnMaxima(core, x);
    const unit = strata.scale / (weightRoots?.[i] ?? 1);
    largest.forEach((m, j) => maxima[j] = Math.max(maxima[j], m * unit));
  });
  return maxima;
}

/** The largest stored value of each column of a dense stratum (f32_colmax). */
function denseColumnMaxima(core: Core, x: ResidentStratum): Float32Array {
  const out = core.heap.alloc(x.cols * 4);
  try {
    core.kernels.f32_colmax(x.data, x.rows, x.cols, out);
    return core.heap.f32(out, x.cols).slice();
  } finally {
    core.heap.release(out);
  }
}

/** The largest stored value of each column of a CSR stratum (0 for a column with none). */
function csrColumnMaxima(core: Core, x: ResidentStratum): Float32Array {
  const largest = new Float32Array(x.cols);
  const values = core.heap.f32(x.values, x.nnz);
  const indices = core.heap.i32(x.indices, x.nnz);
  for (let e = 0; e < x.nnz; e++) if (values[e] > largest[indices[e]]) largest[indices[e]] = values[e];
  return largest;
}

/**
 * The power of two at or below `x` (> 0): what the stored values are divided by, so that the
 * largest is in [1, 2) and every change of units (the data's, a start's, a model's H for new
 * rows) is exact in floating point.
 */
export function powerOfTwoBelow(x: number): number {
  let exponent = Math.floor(Math.log2(x));
  while (2 ** exponent > x) exponent--;
  while (2 ** (exponent + 1) <= x) exponent++;
  return 2 ** exponent;
}

/**
 * Divides every stored value by `scale` (in float64, rounded once to float32): exact for a power
 * of two, so data that differ by a power of two store the same values.
 */
function divideValues(core: Core, strata: readonly ResidentStratum[], scale: number): void {
  if (scale === 1) return;
  for (const x of strata) core.kernels.f32_rescale_f64(...storedRange(x), scale, 1);
}

/**
 * Recomputes the per-stratum constants of the stored values, c(i) = A(i)ᵀ 1 and ‖A(i)‖², and
 * their sum: after loading, and after the values are rewritten in place (refits of one shape).
 */
export function refreshConstants(core: Core, strata: ResidentStrata): void {
  const { kernels } = core;
  strata.strata.forEach((x, i) => {
    columnSums(
      core,
      x.colSums,
      x.cols,
      (sums) =>
        x.kind === "dense"
          ? kernels.f32_colsum_f64(x.data, x.rows, x.cols, sums)
          : kernels.csr_colsum_f64(x.indices, x.values, x.nnz, x.cols, sums),
    );
    const values = x.kind === "dense" ? x.data : x.values;
    strata.norms[i] = kernels.f32_dot_f64(values, values, x.nnz);
  });
  strata.normSq = strata.norms.reduce((sum, x) => sum + x, 0);
}

/**
 * Multiplies stratum i's stored values by `roots[i]` (√c_i of its weight; float64, rounded once):
 * Σ_i c_i ‖A(i) − 1 v(i)ᵀ − W(i) H‖² is the plain objective of the data so weighted, with v(i) and
 * W(i) multiplied by √c_i (docs/algorithm.md, "Strata weights"). A weight of 1 changes no bit.
 */
function weighValues(core: Core, strata: readonly ResidentStratum[], roots: readonly number[]): void {
  strata.forEach((x, i) => {
    if (roots[i] !== 1) core.kernels.f32_rescale_f64(...storedRange(x), roots[i], 0);
  });
}

/**
 * Writes into the unobserved entries of each dense stratum its observed column means (`"means"`)
 * or 0 again (`"zeros"`, as loaded), and recomputes the constants: the holes filled for a step
 * that needs whole data (the NNDSVD start), never for the fit. A CSR stratum's unobserved
 * entries stay unstored (0).
 */
export function fillHidden(core: Core, strata: ResidentStrata, fill: "means" | "zeros"): void {
  for (const x of strata.strata) {
    if (!x.hidden || x.kind !== "dense") continue;
    const rowPtr = core.heap.i32(x.hidden.indptr, x.rows + 1);
    const cols = core.heap.i32(x.hidden.indices, x.hidden.count);
    const observed = new Float64Array(x.cols).fill(x.rows);
    for (let e = 0; e < x.hidden.count; e++) observed[cols[e]]--;
    const sums = core.heap.f32(x.colSums, x.cols);
    const means = Float64Array.from(sums, (sum, j) => observed[j] > 0 ? sum / observed[j] : 0);
    const data = core.heap.f32(x.data, x.rows * x.cols);
    for (let r = 0; r < x.rows; r++) {
      for (let e = rowPtr[r]; e < rowPtr[r + 1]; e++) {
        data[r * x.cols + cols[e]] = fill === "means" ? means[cols[e]] : 0;
      }
    }
  }
  refreshConstants(core, strata);
}

/** Options of {@link loadStrata}. */
export interface LoadOptions {
  /** √c_i of each stratum's weight (default: none). */
  weightRoots?: readonly number[];
  /** Checked for cancellation every ROWS_PER_CHECK + 1 rows. */
  checkpoint?: Checkpoint;
  /** Divide the values by this (a model's scale, for new rows); default: the power of two at or below their largest. */
  scale?: number;
  /** `"mask"`: NaN in dense strata and CSR strata's `unknown` lists are unobserved entries (default: refused). */
  missing?: "error" | "mask";
}

/**
 * Validates `strata` and copies them into wasm memory, given their layouts (from
 * {@link describeStrata}, by default now: structure and shapes are checked there, values here),
 * divided by the scale (docs/algorithm.md, "Units"), with their constants.
 *
 * @throws {RangeError} for a bad value or CSR row structure, naming stratum, row and column
 *   (0-based), and for data that are zero everywhere. Nothing stays allocated after an error.
 */
export async function loadStrata(
  core: Core,
  strata: readonly Stratum[],
  action: string,
  layouts: readonly StratumLayout[] = describeStrata(strata, action),
  options: LoadOptions = {},
): Promise<ResidentStrata> {
  const arena = new Arena(core.heap);
  const free = () => arena.free();
  const mask = options.missing === "mask";
  try {
    const resident: ResidentStratum[] = [];
    for (const layout of layouts) {
      const stratum = strata[layout.index];
      resident.push(
        layout.kind === "csr"
          ? await loadCsr(core, stratum as CsrStratum, layout, arena, options.checkpoint, mask)
          : await loadDense(core, stratum as DenseStratum, layout, arena, options.checkpoint, mask),
      );
    }
    if (options.weightRoots) weighValues(core, resident, options.weightRoots);
    const largest = largestValue(core, resident);
    if (largest === 0) throw new RangeError(`${action}: every entry of every stratum is zero`);
    const scale = options.scale ?? powerOfTwoBelow(largest);
    if (largest / scale > F32_MAX) {
      throw new RangeError(
        `${action}: the largest value (${largest}) is too large for float32 in the model's units (divided by ${scale})`,
      );
    }
    divideValues(core, resident, scale);
    // The scale and Σ‖A(i)‖² in a typed array too, read through accessors (see `norms`).
    const numbers = Float64Array.of(scale, 0);
    const loaded: ResidentStrata = {
      strata: resident,
      cols: layouts[0].cols,
      get scale() {
        return numbers[0];
      },
      norms: new Float64Array(resident.length),
      get normSq() {
        return numbers[1];
      },
      set normSq(value: number) {
        numbers[1] = value;
      },
      free,
    };
    refreshConstants(core, loaded);
    return loaded;
  } catch (error) {
    free();
    throw error;
  }
}

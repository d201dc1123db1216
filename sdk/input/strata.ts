/**
 * Strata in WebAssembly memory: validation of the user's strata and their copy into float32
 * (dense, row-major) or CSR (int32 indptr and indices, float32 values) blocks, with the
 * per-stratum constants of a fit (column sums `A(i)ᵀ 1` and `‖A(i)‖²_F`, both float64).
 *
 * @module
 */

import type { Core } from "../runtime/core.ts";
import type { CsrStratum, DenseStratum, Stratum } from "../types.ts";

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
  /** `‖A(i)‖²_F`, accumulated in float64. */
  readonly normSq: number;
}

/** All strata of a fit, resident in wasm memory until `free()`. */
export interface ResidentStrata {
  readonly strata: ResidentStratum[];
  /** `n`, shared by every stratum. */
  readonly cols: number;
  /** `Σ_i ‖A(i)‖²_F`. */
  readonly normSq: number;
  free(): void;
}

/**
 * `c(i) = A(i)ᵀ 1` as `cols` float32 (owned): `sum` writes the sums in float64 into a temporary,
 * rounded to float32 once. Float32, as every other stored quantity: c(i) weighs as much as v(i),
 * which for many strata over many columns is much of a fit's memory.
 */
function columnSums(core: Core, cols: number, owned: number[], sum: (sums: number) => void): number {
  const colSums = core.heap.alloc(cols * 4);
  owned.push(colSums);
  const sums = core.heap.alloc(cols * 8);
  try {
    sum(sums);
    core.kernels.f64_to_f32_padded(sums, 1, cols, colSums, cols);
  } finally {
    core.heap.release(sums);
  }
  return colSums;
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

function isCsr(stratum: Stratum): stratum is CsrStratum {
  return (stratum as CsrStratum).indptr !== undefined;
}

/** Builds error messages of the form "<action>: stratum 2 ("b") <detail>". */
class Place {
  constructor(readonly action: string, readonly index: number, readonly name: string) {}
  get label(): string {
    return `stratum ${this.index} ("${this.name}")`;
  }
  type(detail: string): TypeError {
    return new TypeError(`${this.action}: ${this.label} ${detail}`);
  }
  range(detail: string): RangeError {
    return new RangeError(`${this.action}: ${this.label} ${detail}`);
  }
}

const isPositiveInteger = (x: unknown): x is number => typeof x === "number" && Number.isSafeInteger(x) && x > 0;
const isArrayLike = (x: unknown): x is ArrayLike<unknown> =>
  typeof x === "object" && x !== null && typeof (x as ArrayLike<unknown>).length === "number";

/** Rows and columns of a dense stratum, and whether its data comes as one array per row. */
function denseShape(stratum: DenseStratum, place: Place): { rows: number; cols: number; nested: boolean } {
  const { data } = stratum;
  if (!isArrayLike(data)) throw place.type("has no data array");
  const nested = data.length > 0 && isArrayLike(data[0]);
  if (nested) {
    const rows = data.length;
    const cols = (data[0] as ArrayLike<number>).length;
    if (stratum.rows !== undefined && stratum.rows !== rows) {
      throw place.range(`has ${rows} rows of data but rows is ${stratum.rows}`);
    }
    if (stratum.cols !== undefined && stratum.cols !== cols) {
      throw place.range(`has ${cols} columns in row 0 but cols is ${stratum.cols}`);
    }
    return { rows, cols, nested };
  }
  const length = data.length;
  const { rows, cols } = stratum;
  if (rows === undefined && cols === undefined) {
    if (length === 0) throw place.range("has no rows");
    throw place.type("gives flat data without rows or cols");
  }
  for (const [key, value] of [["rows", rows], ["cols", cols]] as const) {
    if (value !== undefined && !isPositiveInteger(value)) {
      throw place.range(`${key} must be a positive integer, got ${value}`);
    }
  }
  const c = cols ?? length / rows!;
  const r = rows ?? length / cols!;
  if (!Number.isInteger(r) || !Number.isInteger(c) || r * c !== length) {
    throw place.range(`has ${length} values, which is not rows × cols (${rows ?? "?"} × ${cols ?? "?"})`);
  }
  return { rows: r, cols: c, nested };
}

function loadDense(core: Core, stratum: DenseStratum, place: Place, owned: number[]): Omit<ResidentStratum, "name"> {
  const { rows, cols, nested } = denseShape(stratum, place);
  if (rows === 0) throw place.range("has no rows");
  if (cols === 0) throw place.range("has no columns");
  const ptr = core.heap.alloc(rows * cols * 4);
  owned.push(ptr);
  const out = core.heap.f32(ptr, rows * cols);
  const data = stratum.data;
  for (let r = 0; r < rows; r++) {
    const row = nested ? (data as ArrayLike<unknown>[])[r] : undefined;
    if (nested && (!isArrayLike(row) || row.length !== cols)) {
      throw place.range(`row ${r} has ${isArrayLike(row) ? row.length : "no"} values, expected ${cols}`);
    }
    for (let j = 0; j < cols; j++) {
      const x = nested ? row![j] : (data as ArrayLike<unknown>)[r * cols + j];
      if (!isNonNegativeFloat32(x)) throw place.range(`row ${r}, column ${j} ${describeValue(x)}`);
      out[r * cols + j] = x;
    }
  }
  const colSums = columnSums(core, cols, owned, (sums) => core.kernels.f32_colsum_f64(ptr, rows, cols, sums));
  return {
    rows,
    kind: "dense",
    data: ptr,
    indptr: 0,
    indices: 0,
    values: 0,
    nnz: rows * cols,
    colSums,
    normSq: core.kernels.f32_dot_f64(ptr, ptr, rows * cols),
    cols,
  };
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

function loadCsr(core: Core, stratum: CsrStratum, place: Place, owned: number[]): Omit<ResidentStratum, "name"> {
  const { rows, cols, indptr, indices, values } = stratum;
  if (!isPositiveInteger(rows)) throw place.range(`rows must be a positive integer, got ${rows}`);
  if (!isPositiveInteger(cols)) throw place.range(`cols must be a positive integer, got ${cols}`);
  for (const [key, value] of [["indptr", indptr], ["indices", indices], ["values", values]] as const) {
    if (!isArrayLike(value)) throw place.type(`has no ${key} array`);
  }
  if (indptr.length !== rows + 1) {
    throw place.range(`indptr has length ${indptr.length}, expected rows + 1 = ${rows + 1}`);
  }
  const nnz = indices.length;
  if (values.length !== nnz) throw place.range(`has ${nnz} indices but ${values.length} values`);
  if (indptr[0] !== 0) throw place.range(`indptr[0] is ${indptr[0]}, expected 0`);
  if (indptr[rows] !== nnz) throw place.range(`indptr[${rows}] is ${indptr[rows]}, expected the ${nnz} stored entries`);
  const ptrBlock = core.heap.alloc((rows + 1) * 4);
  owned.push(ptrBlock);
  const idxBlock = core.heap.alloc(nnz * 4);
  owned.push(idxBlock);
  const valBlock = core.heap.alloc(nnz * 4);
  owned.push(valBlock);
  const outPtr = core.heap.i32(ptrBlock, rows + 1);
  const outIdx = core.heap.i32(idxBlock, nnz);
  const outVal = core.heap.f32(valBlock, nnz);
  const lastSeenInRow = new Int32Array(cols).fill(-1);
  outPtr[0] = 0;
  for (let r = 0; r < rows; r++) {
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
  const colSums = columnSums(
    core,
    cols,
    owned,
    (sums) => core.kernels.csr_colsum_f64(idxBlock, valBlock, nnz, cols, sums),
  );
  return {
    rows,
    kind: "csr",
    data: 0,
    indptr: ptrBlock,
    indices: idxBlock,
    values: valBlock,
    nnz,
    colSums,
    normSq: core.kernels.f32_dot_f64(valBlock, valBlock, nnz),
    cols,
  };
}

/**
 * Validates `strata` and copies them into wasm memory.
 *
 * @throws {TypeError} for a missing or wrongly typed array.
 * @throws {RangeError} for a bad value, shape or CSR structure, naming stratum, row and column
 *   (0-based), and for column counts that differ between strata.
 */
export function loadStrata(core: Core, strata: readonly Stratum[], action: string): ResidentStrata {
  if (!Array.isArray(strata)) throw new TypeError(`${action}: strata must be an array`);
  if (strata.length === 0) throw new RangeError(`${action}: no strata given`);
  const owned: number[] = [];
  const free = () => owned.splice(0).forEach((ptr) => core.heap.release(ptr));
  try {
    const resident: ResidentStratum[] = [];
    let cols = -1;
    const names = new Set<string>();
    strata.forEach((stratum, index) => {
      if (typeof stratum !== "object" || stratum === null) {
        throw new TypeError(`${action}: stratum ${index} is not an object`);
      }
      const name = stratum.name ?? `stratum ${index}`;
      if (typeof name !== "string") throw new TypeError(`${action}: stratum ${index} has a name that is not a string`);
      if (names.has(name)) throw new RangeError(`${action}: stratum ${index} repeats the name "${name}"`);
      names.add(name);
      const place = new Place(action, index, name);
      const loaded = isCsr(stratum) ? loadCsr(core, stratum, place, owned) : loadDense(core, stratum, place, owned);
      if (cols >= 0 && loaded.cols !== cols) {
        throw place.range(`has ${loaded.cols} columns, expected ${cols} as in stratum 0`);
      }
      cols = loaded.cols;
      resident.push({ name, ...loaded });
    });
    const normSq = resident.reduce((sum, s) => sum + s.normSq, 0);
    if (normSq === 0) throw new RangeError(`${action}: every entry of every stratum is zero`);
    return { strata: resident, cols, normSq, free };
  } catch (error) {
    free();
    throw error;
  }
}

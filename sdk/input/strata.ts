/**
 * Strata in WebAssembly memory: validation of the user's strata and their copy into float32
 * (dense, row-major) or CSR (int32 indptr and indices, float32 values) blocks, with the
 * per-stratum constants of a fit (column sums `A(i)ᵀ 1` and `‖A(i)‖²_F`, both float64).
 *
 * @module
 */

import type { Core } from "../runtime/core.ts";
import { Arena } from "../runtime/heap.ts";
import type { CsrStratum, DenseStratum, Stratum } from "../types.ts";
import { describeStrata, isArrayLike, type StratumLayout } from "./shapes.ts";

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
function columnSums(core: Core, cols: number, arena: Arena, sum: (sums: number) => void): number {
  const colSums = arena.alloc(cols * 4);
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

function loadDense(core: Core, stratum: DenseStratum, layout: StratumLayout, arena: Arena): ResidentStratum {
  const { rows, cols, nested, place } = layout;
  const ptr = arena.alloc(rows * cols * 4);
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
  const colSums = columnSums(core, cols, arena, (sums) => core.kernels.f32_colsum_f64(ptr, rows, cols, sums));
  return {
    name: layout.name,
    rows,
    kind: "dense",
    data: ptr,
    indptr: 0,
    indices: 0,
    values: 0,
    nnz: rows * cols,
    colSums,
    normSq: core.kernels.f32_dot_f32_f64(ptr, ptr, rows * cols),
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

function loadCsr(core: Core, stratum: CsrStratum, layout: StratumLayout, arena: Arena): ResidentStratum {
  const { rows, cols, nnz, place } = layout;
  const { indptr, indices, values } = stratum;
  const ptrBlock = arena.alloc((rows + 1) * 4);
  const idxBlock = arena.alloc(nnz * 4);
  const valBlock = arena.alloc(nnz * 4);
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
    arena,
    (sums) => core.kernels.csr_colsum_f64(idxBlock, valBlock, nnz, cols, sums),
  );
  return {
    name: layout.name,
    rows,
    kind: "csr",
    data: 0,
    indptr: ptrBlock,
    indices: idxBlock,
    values: valBlock,
    nnz,
    colSums,
    normSq: core.kernels.f32_dot_f32_f64(valBlock, valBlock, nnz),
    cols,
  };
}

/**
 * Validates `strata` and copies them into wasm memory, given their layouts (from
 * {@link describeStrata}, by default now: structure and shapes are checked there, values here).
 *
 * @throws {RangeError} for a bad value or CSR row structure, naming stratum, row and column
 *   (0-based), and for data that are zero everywhere. Nothing stays allocated after an error.
 */
export function loadStrata(
  core: Core,
  strata: readonly Stratum[],
  action: string,
  layouts: readonly StratumLayout[] = describeStrata(strata, action),
): ResidentStrata {
  const arena = new Arena(core.heap);
  const free = () => arena.free();
  try {
    const resident = layouts.map((layout) => {
      const stratum = strata[layout.index];
      return layout.kind === "csr"
        ? loadCsr(core, stratum as CsrStratum, layout, arena)
        : loadDense(core, stratum as DenseStratum, layout, arena);
    });
    const normSq = resident.reduce((sum, s) => sum + s.normSq, 0);
    if (normSq === 0) throw new RangeError(`${action}: every entry of every stratum is zero`);
    return { strata: resident, cols: layouts[0].cols, normSq, free };
  } catch (error) {
    free();
    throw error;
  }
}

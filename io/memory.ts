/**
 * What the data read from files will need in WebAssembly memory, checked as soon as a file
 * declares its size (a MatrixMarket size line) or a first pass has counted it (CSV), before
 * anything of that size is allocated: a file too large is an input error naming it and the
 * limit, not minutes of work before "Cannot allocate memory".
 *
 * @module
 */

import { InputError } from "./errors.ts";

/** What wasm32 memory can hold: 65,536 pages of 64 KiB. */
export const WASM_MEMORY_BYTES = 2 ** 32;

/** The shape of one stratum's data: dense when `nnz` is undefined, else CSR with `nnz` entries. */
export interface DataShape {
  rows: number;
  cols: number;
  nnz?: number;
}

/** `4 GiB`, `1.2 GB`, `512 MB`: a byte count for a message. */
export function formatBytes(bytes: number): string {
  if (bytes === WASM_MEMORY_BYTES) return "4 GiB";
  const units = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"];
  let unit = 0;
  while (bytes >= 1000 && unit < units.length - 1) {
    bytes /= 1000;
    unit++;
  }
  return `${unit === 0 ? bytes : bytes.toPrecision(3)} ${units[unit]}`;
}

/**
 * The bytes of wasm memory that strata of these shapes need: their float32 values, and for CSR
 * their int32 column indices and row offsets; with `rank`, also the factors a fit of that rank
 * keeps there (W(i): rows × rank, H: rank × cols, v(i): cols per stratum, all float32), so a lower
 * bound of the fit's need. This is the one place that says how much a read may take: an
 * estimate of a whole fit (its workspace too) belongs here when the SDK offers one.
 */
export function memoryNeeded(shapes: readonly DataShape[], rank?: number): number {
  let bytes = 0;
  for (const { rows, cols, nnz } of shapes) bytes += nnz === undefined ? 4 * rows * cols : 8 * nnz + 4 * (rows + 1);
  if (rank === undefined || shapes.length === 0) return bytes;
  const cols = shapes[0].cols;
  const rows = shapes.reduce((sum, shape) => sum + shape.rows, 0);
  return bytes + 4 * rank * (rows + cols) + 4 * shapes.length * cols;
}

/** `300000000 × 300000000 with 3 entries`, `20 × 4`. */
function describeShape({ rows, cols, nnz }: DataShape): string {
  return `${rows} × ${cols}${nnz === undefined ? "" : ` with ${nnz} entries`}`;
}

/** The strata read so far by one command, which must fit in wasm memory together. */
export class MemoryBudget {
  /** The rank of the fit the strata are read for, if known. */
  readonly rank: number | undefined;
  readonly #shapes: DataShape[] = [];

  constructor(rank?: number) {
    this.rank = rank;
  }

  /**
   * Adds a stratum's shape, checking that everything read so far still fits (with the fit's
   * factors, when the rank is known).
   * @throws {InputError} naming the file (and line) when it does not
   */
  claim(file: string, line: number | undefined, shape: DataShape): void {
    const shapes = [...this.#shapes, shape];
    if (memoryNeeded(shapes, this.rank) > WASM_MEMORY_BYTES) {
      const parts = [`the data (${describeShape(shape)}) need ${formatBytes(memoryNeeded([shape]))}`];
      if (this.#shapes.length > 0) {
        parts.push(`${formatBytes(memoryNeeded(shapes))} with the ${this.#shapes.length} strata read before it`);
      }
      if (this.rank !== undefined && memoryNeeded(shapes) <= WASM_MEMORY_BYTES) {
        parts.push(
          `at least ${
            formatBytes(memoryNeeded(shapes, this.rank))
          } with the factors of a rank-${this.rank} fit (W, H and v)`,
        );
      }
      throw new InputError(
        file,
        line,
        `${parts.join(", ")}, more than the ${formatBytes(WASM_MEMORY_BYTES)} WebAssembly memory can hold`,
      );
    }
    this.#shapes.push(shape);
  }
}

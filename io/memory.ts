/**
 * What the data read from files will need in WebAssembly memory, checked as soon as a file
 * declares its size (a MatrixMarket size line) or a first pass has counted it (CSV), before
 * anything of that size is allocated: a file too large is an input error naming it and the
 * limit, not minutes of work before "Cannot allocate memory".
 *
 * @module
 */

import { dataMemory, formatBytes, MEMORY_LIMIT, memoryNeeded as fitMemory } from "../sdk/solve/memory.ts";

export { formatBytes };
import { InputError } from "./errors.ts";

/** What wasm32 memory can hold. */
export const WASM_MEMORY_BYTES = MEMORY_LIMIT;

/** The shape of one stratum's data: dense when `nnz` is undefined, else CSR with `nnz` entries. */
export interface DataShape {
  rows: number;
  cols: number;
  nnz?: number;
}

/**
 * The bytes of wasm memory that strata of these shapes need as a fit stores them; with `rank`, the
 * whole fit of that rank (factors and workspace: the SDK's memoryNeeded(), for the default solver
 * and start, the smallest of the usual).
 */
export function memoryNeeded(shapes: readonly DataShape[], rank?: number): number {
  if (shapes.length === 0) return 0;
  return rank === undefined ? dataMemory(shapes) : fitMemory({ strata: shapes, rank }).total;
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
        const fit = fitMemory({ strata: shapes, rank: this.rank });
        parts.push(
          fit.workspace === 0
            ? `at least ${formatBytes(fit.total)} for a rank-${this.rank} fit (its data and factors alone)`
            : `${formatBytes(fit.total)} for a rank-${this.rank} fit (its factors and workspace)`,
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

/**
 * Cutting the TF-IDF matrix of all documents into CSR strata, one per group of documents.
 *
 * @module
 */

import type { CsrStratum } from "../sdk/mod.ts";
import type { TfidfMatrix } from "./tfidf.ts";

/** The rows of each stratum, cut out of the matrix of all documents. */
export function splitRows(matrix: TfidfMatrix, strata: { name: string; documents: string[] }[]): CsrStratum[] {
  let first = 0;
  return strata.map(({ name, documents }) => {
    const rows = documents.length;
    const start = matrix.indptr[first];
    const stop = matrix.indptr[first + rows];
    const indptr = matrix.indptr.slice(first, first + rows + 1).map((p) => p - start);
    first += rows;
    return {
      name,
      rows,
      cols: matrix.cols,
      indptr,
      indices: matrix.indices.subarray(start, stop),
      values: matrix.values.subarray(start, stop),
    };
  });
}

/**
 * MatrixMarket output (`coordinate real general`, 1-based indices, values in shortest
 * round-trip form): how `snmf text --tfidf-dir` hands its TF-IDF matrices to `snmf fit` and to
 * other tools (`scipy.io.mmread`).
 *
 * @module
 */

import type { CsrStratum } from "../sdk/mod.ts";

/** The MatrixMarket text of a CSR matrix. */
export function mtxText(matrix: Omit<CsrStratum, "name">, comment?: string): string {
  const { rows, cols, indptr, indices, values } = matrix;
  const lines = ["%%MatrixMarket matrix coordinate real general"];
  if (comment) lines.push(...comment.split("\n").map((line) => `% ${line}`));
  lines.push(`${rows} ${cols} ${indices.length}`);
  for (let r = 0; r < rows; r++) {
    for (let e = indptr[r]; e < indptr[r + 1]; e++) lines.push(`${r + 1} ${indices[e] + 1} ${values[e]}`);
  }
  return lines.join("\n") + "\n";
}

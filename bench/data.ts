/**
 * Benchmark workloads' data, generated from a seed (the shapes of the paper's published experiments and
 * of the reference NumPy baseline's timing table; bench/README.md lists them).
 *
 * @module
 */

import { type CsrStratum, type DenseStratum, Random, syntheticStrata } from "../sdk/mod.ts";

/** Dense strata of U(0,1) values, float32. */
export function uniformDense(strata: number, rows: number, cols: number, seed: number): DenseStratum[] {
  const random = new Random(seed);
  return Array.from({ length: strata }, (_, i) => {
    const data = new Float32Array(rows * cols);
    random.fill(data);
    return { name: `d${i}`, rows, cols, data };
  });
}

/**
 * A TF-IDF-like corpus: `docs` rows in `strata` strata over `terms` columns, about `nnz`
 * non-zeros, term frequencies Zipf-distributed (term j drawn ∝ 1/(j+1)), each row's values
 * an idf-like weight per term, rows l2-normalized as TfidfVectorizer does. CSR, sorted indices.
 */
export function tfidfLike(docs: number, terms: number, nnz: number, strata: number, seed: number): CsrStratum[] {
  const random = new Random(seed);
  const cumulative = new Float64Array(terms);
  let total = 0;
  for (let j = 0; j < terms; j++) cumulative[j] = total += 1 / (j + 1);
  const drawTerm = () => {
    const u = random.next() * total;
    let lo = 0;
    let hi = terms - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const idf = Float64Array.from({ length: terms }, (_, j) => 1 + Math.log(1 + j));
  const perDoc = nnz / docs;
  return Array.from({ length: strata }, (_, s) => {
    const rows = Math.floor(docs / strata) + (s < docs % strata ? 1 : 0);
    const indptr = [0];
    const indices: number[] = [];
    const values: number[] = [];
    for (let r = 0; r < rows; r++) {
      const count = 1 + Math.floor(random.next() * (2 * perDoc - 1));
      const row = new Map<number, number>();
      for (let t = 0; t < count; t++) {
        const j = drawTerm();
        row.set(j, (row.get(j) ?? 0) + 1);
      }
      const cols = [...row.keys()].sort((a, b) => a - b);
      const weights = cols.map((j) => row.get(j)! * idf[j]);
      const norm = Math.hypot(...weights);
      for (let e = 0; e < cols.length; e++) {
        indices.push(cols[e]);
        values.push(weights[e] / norm);
      }
      indptr.push(indices.length);
    }
    return {
      name: `group${s}`,
      rows,
      cols: terms,
      indptr: Int32Array.from(indptr),
      indices: Int32Array.from(indices),
      values: Float32Array.from(values),
    };
  });
}

export { syntheticStrata };

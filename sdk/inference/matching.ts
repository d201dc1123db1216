/**
 * Matching topics across fits: the assignment of one fit's topics (rows of H) to another's that
 * maximizes the summed cosine similarity (docs/inference.md, "Stability over restarts"), by the
 * Hungarian algorithm (Kuhn 1955; the O(k³) form with potentials).
 *
 * @module
 */

/** Cosine similarity of two vectors (0 when either is zero). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0, aa = 0, bb = 0;
  for (let e = 0; e < a.length; e++) {
    ab += a[e] * b[e];
    aa += a[e] * a[e];
    bb += b[e] * b[e];
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/**
 * The assignment minimizing Σ_r cost[r][assignment[r]] of a square k×k cost matrix (row r to
 * column assignment[r]).
 */
export function minimumAssignment(cost: readonly ArrayLike<number>[]): number[] {
  const k = cost.length;
  // Potentials u (rows) and v (columns), 1-based with a virtual column 0, as in the classic form.
  const u = new Float64Array(k + 1), v = new Float64Array(k + 1);
  const matchOfColumn = new Int32Array(k + 1); // row matched to each column (0: none)
  const way = new Int32Array(k + 1);
  for (let row = 1; row <= k; row++) {
    matchOfColumn[0] = row;
    let column = 0;
    const least = new Float64Array(k + 1).fill(Infinity);
    const used = new Uint8Array(k + 1);
    do {
      used[column] = 1;
      const r = matchOfColumn[column];
      let delta = Infinity, next = 0;
      for (let c = 1; c <= k; c++) {
        if (used[c]) continue;
        const reduced = cost[r - 1][c - 1] - u[r] - v[c];
        if (reduced < least[c]) (least[c] = reduced), (way[c] = column);
        if (least[c] < delta) (delta = least[c]), (next = c);
      }
      for (let c = 0; c <= k; c++) {
        if (used[c]) (u[matchOfColumn[c]] += delta), (v[c] -= delta);
        else least[c] -= delta;
      }
      column = next;
    } while (matchOfColumn[column] !== 0);
    do {
      const previous = way[column];
      matchOfColumn[column] = matchOfColumn[previous];
      column = previous;
    } while (column !== 0);
  }
  const assignment = new Array<number>(k);
  for (let c = 1; c <= k; c++) assignment[matchOfColumn[c] - 1] = c - 1;
  return assignment;
}

/**
 * Topic q of `reference` (k×n row-major) is matched to topic `match[q]` of `other`, the pairing
 * with the largest summed cosine similarity; `similarity[q]` is that pair's cosine.
 */
export function matchTopics(
  reference: ArrayLike<number>,
  other: ArrayLike<number>,
  k: number,
  n: number,
): { match: number[]; similarity: number[] } {
  const row = (h: ArrayLike<number>, q: number) => Array.prototype.slice.call(h, q * n, (q + 1) * n) as number[];
  const similarity = Array.from(
    { length: k },
    (_, p) => Array.from({ length: k }, (_, q) => cosine(row(reference, p), row(other, q))),
  );
  const match = minimumAssignment(similarity.map((r) => r.map((x) => -x)));
  return { match, similarity: match.map((q, p) => similarity[p][q]) };
}

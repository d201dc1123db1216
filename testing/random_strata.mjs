// Seeded random strata, the one generator of the tests' data, the benchmarks' and the golden
// fits' (tests/golden/cases.mjs). Plain JavaScript so that Node runs it as well, against the
// built bundle: the SDK's `Random` is passed in.

/**
 * Dense strata `d0`, `d1`, …: `rows[i]` × `cols` (row-major), values U(0, scale) stored as float32.
 * @param {new (seed: number) => { next(): number }} Random the SDK's generator
 * @param {number} seed
 * @param {number[]} rows
 * @param {number} cols
 * @param {number} [scale]
 * @returns {{ name: string; rows: number; cols: number; data: Float32Array }[]}
 */
export function randomDense(Random, seed, rows, cols, scale = 1) {
  const random = new Random(seed);
  return rows.map((m, i) => ({
    name: `d${i}`,
    rows: m,
    cols,
    data: Float32Array.from({ length: m * cols }, () => random.next() * scale),
  }));
}

/**
 * CSR strata `c0`, `c1`, …: `rows[i]` × `cols`, each entry stored with probability `density`,
 * values U(0, 1), the column indices of each row sorted.
 * @param {new (seed: number) => { next(): number }} Random the SDK's generator
 * @param {number} seed
 * @param {number[]} rows
 * @param {number} cols
 * @param {number} density
 * @returns {{ name: string; rows: number; cols: number; indptr: number[]; indices: number[]; values: number[] }[]}
 */
export function randomCsr(Random, seed, rows, cols, density) {
  const random = new Random(seed);
  return rows.map((m, i) => {
    const indptr = [0];
    const indices = [];
    const values = [];
    for (let r = 0; r < m; r++) {
      for (let j = 0; j < cols; j++) {
        if (random.next() < density) {
          indices.push(j);
          values.push(random.next());
        }
      }
      indptr.push(indices.length);
    }
    return { name: `c${i}`, rows: m, cols, indptr, indices, values };
  });
}

// Small inputs for the CLI tests, written as the files a user would have.

/** Deterministic values in [0, 1) (a linear congruential generator; no global state). */
export function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Strata of the form 1 vᵀ + W H (rank 2, 4 columns), row-major, rounded to 3 decimals. */
export function strataValues(): { a: number[][]; b: number[][]; c: number[][] } {
  const next = lcg(11);
  const H = Array.from({ length: 2 }, () => Array.from({ length: 4 }, () => next()));
  const make = (rows: number, shift: number) => {
    const v = Array.from({ length: 4 }, () => shift + next());
    return Array.from({ length: rows }, () => {
      const w = [next(), next()];
      return v.map((vj, j) => Math.round((vj + w[0] * H[0][j] + w[1] * H[1][j]) * 1000) / 1000);
    });
  };
  return { a: make(6, 0), b: make(5, 2), c: make(4, 1) };
}

export const COLUMNS = ["x", "y", "z", "w"];

export const csv = (header: string[] | null, rows: (number | string)[][]) =>
  [...(header ? [header.join(",")] : []), ...rows.map((row) => row.join(","))].join("\n") + "\n";

/** MatrixMarket coordinate text of a dense matrix, entries in a scrambled order, zeros left out. */
export function mtx(rows: number[][], field: "real" | "integer" = "real"): string {
  const entries: string[] = [];
  rows.forEach((row, i) => row.forEach((x, j) => x !== 0 && entries.push(`${i + 1} ${j + 1} ${x}`)));
  const scrambled = entries.map((e, i) => [(i * 7) % entries.length, e] as const).sort((p, q) => p[0] - q[0]);
  return [
    `%%MatrixMarket matrix coordinate ${field} general`,
    "% written by the snmf CLI tests",
    `${rows.length} ${rows[0].length} ${entries.length}`,
    ...scrambled.map(([, e]) => e),
  ].join("\n") + "\n";
}

/** Σ x² over the matrices. */
export function sumSquares(...matrices: number[][][]): number {
  return matrices.flat(2).reduce((sum, x) => sum + x * x, 0);
}

/** ‖A − 1vᵀ − W H‖_F. */
export function residual(A: number[][], v: number[], W: number[][], H: number[][]): number {
  let sum = 0;
  A.forEach((row, r) =>
    row.forEach((x, j) => {
      let e = x - v[j];
      W[r].forEach((w, q) => (e -= w * H[q][j]));
      sum += e * e;
    })
  );
  return Math.sqrt(sum);
}

/**
 * Whether a reported loss (the SDK's float64 identity over float32 products) agrees with the
 * loss recomputed from the factors: to 1e-4 relative in F = loss², plus the identity's float32
 * floor of about 1e-6 ‖A‖² (which matters only near an exact fit, as HALS reaches on small data).
 */
export function lossAgrees(check: number, reported: number, normA: number): boolean {
  return Math.abs(check ** 2 - reported ** 2) <= 1e-4 * check ** 2 + 1e-6 * normA ** 2;
}

/** The three strata of strataValues() as files `strata/a.csv`, `strata/b.csv` and `strata/c.<cFormat>`. */
export function strataFiles(cFormat: "csv" | "mtx"): Record<string, string> {
  const { a, b, c } = strataValues();
  return {
    "strata/a.csv": csv(COLUMNS, a),
    "strata/b.csv": csv(COLUMNS, b),
    [`strata/c.${cFormat}`]: cFormat === "csv" ? csv(COLUMNS, c) : mtx(c),
  };
}

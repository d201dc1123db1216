/**
 * `snmf demo`: the paper's synthetic experiment (4 strata × 100 × 100, rank 5, 10,000
 * iterations) on data generated in place, against the published normalized loss and the true
 * shift means.
 *
 * @module
 */

import { fit, type FitOptions, type Model, syntheticStrata } from "../sdk/mod.ts";
import { OUTPUT_FLAGS, parse, sdkFlags } from "./args.ts";
import { interruptible } from "./interruptible.ts";
import { fitSummary } from "./summary.ts";

/** The paper's normalized loss after 10,000 iterations on this experiment (its one run). */
const PUBLISHED_NORMALIZED_LOSS = 9.7e-4;

/** Iterations of the published run. */
const PUBLISHED_ITERATIONS = 10000;

/**
 * The paper's settings: 10,000 iterations of its multiplicative updates, with the published
 * code's schedule, on the data as given (the published method's start and ε are in the data's
 * units); seed 0 of data and start. The same run as seed 0 of docs/experiments.md's synthetic
 * experiment (bench/experiments/synthetic.ts).
 */
const FLAGS = sdkFlags("fit", {
  only: ["maxIter", "seed", "solver"],
  defaults: { rank: 5, maxIter: PUBLISHED_ITERATIONS, seed: 0, solver: "mu", normalizeUnits: false },
});

const HELP = `snmf demo — the paper's synthetic experiment

  A(i) = 1 v(i)ᵀ + W(i) H, 4 strata of 100 × 100, v(i) ~ U(i−1, i), W(i), H ~ U(0, 1);
  fits rank 5 with the paper's multiplicative updates and the published code's schedule (or
  --solver hals) and prints the normalized loss next to the published one, and the mean of each
  learned v(i) next to the true shift means. The seed draws the data and the start; mu is the
  default here, to compare with the paper's published loss (hals, the SDK's default, needs far
  fewer iterations).

  The normalized loss is ‖A − 1vᵀ − WH‖_F / ‖A‖_F over all strata. The paper's 9.7e-4 comes
  from one random draw of the data and the start that cannot be recreated (the published code
  draws them from NumPy's global random state); each seed here draws its own, and lands
  elsewhere: docs/experiments.md measures five seeds (seed 0 is this command's default run), and
  the NumPy baseline run from the very same draw ends on the same loss as this program.

Options:
${FLAGS.help}
  --json            a JSON summary on stdout (as "snmf fit --json", plus publishedNormalizedLoss
                    and trueVMeans)
  -q, --quiet       no progress line
  -h, --help        this help

  The progress line (iteration, normalized loss, rate, time left) shows only when stderr is a
  terminal. Ctrl-C stops the run (exit 130).

Examples:
  snmf demo
  snmf demo --iters 2000 --seed 3
  snmf demo --solver hals --iters 1000
  snmf demo --iters 500 --json`;

/** What the run's normalized loss is, and why it is not the published one. */
function lossLines(model: Model): string[] {
  const same = model.solver === "mu" && model.iterations === PUBLISHED_ITERATIONS;
  const published = PUBLISHED_NORMALIZED_LOSS.toExponential(1);
  const why = same
    ? [
      `                 The paper's figure comes from one random draw of data and start that cannot be`,
      `                 recreated; each seed here draws its own. docs/experiments.md runs seeds 0 to 4 with`,
      `                 these settings (seed 0 is the default) and the NumPy baseline from the same draws:`,
      `                 each ends above ${published}, NumPy on the same loss. The gap is the draw.`,
    ]
    : [
      `                 Not comparable: the published run is ${PUBLISHED_ITERATIONS} iterations of the multiplicative`,
      `                 updates (snmf demo without --iters and --solver).`,
    ];
  return [
    `normalized loss  ${
      model.normalizedLoss.toExponential(2)
    }  ‖A − 1vᵀ − WH‖_F / ‖A‖_F after ${model.iterations} iterations`,
    `published        ${published}   the paper's one run, ${PUBLISHED_ITERATIONS} iterations`,
    ...why,
  ];
}

export async function demo(args: string[]): Promise<number> {
  const { values, help } = parse(args, {
    ...FLAGS.options,
    json: OUTPUT_FLAGS.json,
    quiet: OUTPUT_FLAGS.quiet,
  }, { names: [], help: HELP });
  if (help) return 0;
  const options = FLAGS.read(values) as FitOptions;
  // The published code's schedule, for the multiplicative updates (HALS has only its own).
  if (options.solver === "mu") options.schedule = "reference";
  const seed = options.seed!;
  const { strata, trueVMeans } = syntheticStrata({ seed });
  const model = await interruptible(
    "demo",
    values.quiet === true,
    ({ signal, onProgress }) => fit(strata, { ...options, signal, onProgress }),
  );
  try {
    const summary = fitSummary(model, null);
    if (values.json) {
      console.log(JSON.stringify({ ...summary, publishedNormalizedLoss: PUBLISHED_NORMALIZED_LOSS, trueVMeans }));
      return 0;
    }
    console.log(`Synthetic experiment: 4 strata × 100 × 100, rank 5, ${model.iterations} iterations, seed ${seed}`);
    console.log(
      `solver           ${model.solver === "mu" ? "the paper's multiplicative updates, reference schedule" : "HALS"}`,
    );
    for (const line of lossLines(model)) console.log(line);
    console.log(
      `time             ${summary.seconds.toFixed(2)} s  (${
        (summary.seconds * 1000 / Math.max(1, model.iterations)).toFixed(3)
      } ms/iteration, the whole fit)`,
    );
    console.log("\nstratum  mean of learned v  true shift mean");
    model.vMeans().forEach((mean, i) => {
      console.log(
        `${model.names[i].padEnd(8)} ${mean.toFixed(3).padStart(17)}  ${trueVMeans[i].toFixed(3).padStart(15)}`,
      );
    });
  } finally {
    model.free();
  }
  return 0;
}

/**
 * `snmf demo`: the paper's synthetic experiment (4 strata × 100 × 100, rank 5, 10,000
 * iterations) on data generated in place, against the published normalized loss and the true
 * shift means.
 *
 * @module
 */

import { fit, type FitOptions, syntheticStrata } from "../sdk/mod.ts";
import { OUTPUT_FLAGS, parse, sdkFlags } from "./args.ts";
import { interruptible } from "./interruptible.ts";
import { fitSummary } from "./summary.ts";

/** The paper's normalized loss after 10,000 iterations on this experiment. */
const PUBLISHED_NORMALIZED_LOSS = 9.7e-4;

/**
 * The paper's settings: 10,000 iterations of its multiplicative updates on the data as given (the
 * published method's start and ε are in the data's units); seed 0 of data and start.
 */
const FLAGS = sdkFlags("fit", {
  only: ["maxIter", "seed", "solver"],
  defaults: { rank: 5, maxIter: 10000, seed: 0, solver: "mu", normalizeUnits: false },
});

const HELP = `snmf demo — the paper's synthetic experiment

  A(i) = 1 v(i)ᵀ + W(i) H, 4 strata of 100 × 100, v(i) ~ U(i−1, i), W(i), H ~ U(0, 1);
  fits rank 5 with the paper's multiplicative updates (or --solver hals) and prints the
  normalized loss and the mean of each learned v(i) next to the true shift means. The seed
  draws the data and the start; mu is the default here, to compare with the paper's published
  loss (hals, the SDK's default, needs far fewer iterations).

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

export async function demo(args: string[]): Promise<number> {
  const { values, help } = parse(args, {
    ...FLAGS.options,
    json: OUTPUT_FLAGS.json,
    quiet: OUTPUT_FLAGS.quiet,
  }, { names: [] });
  if (help) {
    console.log(HELP);
    return 0;
  }
  const options = FLAGS.read(values) as FitOptions;
  const seed = options.seed!;
  const { strata, trueVMeans } = syntheticStrata({ seed });
  const started = performance.now();
  const model = await interruptible(
    "demo",
    values.quiet === true,
    ({ signal, onProgress }) => fit(strata, { ...options, signal, onProgress }),
  );
  try {
    const seconds = (performance.now() - started) / 1000;
    if (values.json) {
      console.log(JSON.stringify({
        ...fitSummary(model, seconds, null),
        publishedNormalizedLoss: PUBLISHED_NORMALIZED_LOSS,
        trueVMeans,
      }));
      return 0;
    }
    console.log(
      `Synthetic experiment: 4 strata × 100 × 100, rank 5, ${model.iterations} iterations, seed ${seed}`,
    );
    console.log(
      `normalized loss  ${model.normalizedLoss.toExponential(2)}  (published after 10,000 iterations: ${
        PUBLISHED_NORMALIZED_LOSS.toExponential(1)
      })`,
    );
    console.log(
      `time             ${seconds.toFixed(2)} s  (${
        (seconds * 1000 / Math.max(1, model.iterations)).toFixed(3)
      } ms/iteration)`,
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

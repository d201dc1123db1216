/**
 * `snmf demo`: the paper's synthetic experiment (4 strata × 100 × 100, rank 5, 10,000
 * iterations) on data generated in place, against the published normalized loss and the true
 * shift means.
 *
 * @module
 */

import { fit, type SolverKind, syntheticStrata } from "../sdk/mod.ts";
import { choiceOption, integerOption, parse } from "./args.ts";
import { interruptible } from "./interruptible.ts";
import { fitSummary } from "./summary.ts";

/** The paper's normalized loss after 10,000 iterations on this experiment. */
const PUBLISHED_NORMALIZED_LOSS = 9.7e-4;

const HELP = `snmf demo — the paper's synthetic experiment

  A(i) = 1 v(i)ᵀ + W(i) H, 4 strata of 100 × 100, v(i) ~ U(i−1, i), W(i), H ~ U(0, 1);
  fits rank 5 with the paper's multiplicative updates (or --solver hals) and prints the
  normalized loss and the mean of each learned v(i) next to the true shift means.

Options:
  --iters N     iterations (default 10000, as in the paper)
  --seed S      seed of the data and of the start (default 0)
  --solver NAME mu (default here: the paper's multiplicative updates, to compare with its
                published loss) or hals (the SDK's default; far fewer iterations needed)
  --json        a JSON summary on stdout (as "snmf fit --json", plus publishedNormalizedLoss
                and trueVMeans)
  -q, --quiet   no progress line
  -h, --help    this help

  The progress line (iteration, normalized loss, rate, time left) shows only when stderr is a
  terminal. Ctrl-C stops the run (exit 130).

Examples:
  snmf demo
  snmf demo --iters 2000 --seed 3
  snmf demo --solver hals --iters 1000
  snmf demo --iters 500 --json`;

export async function demo(args: string[]): Promise<number> {
  const { values, help } = parse(args, {
    iters: { type: "string" },
    seed: { type: "string" },
    solver: { type: "string" },
    json: { type: "boolean" },
    quiet: { type: "boolean", short: "q" },
  }, { names: [] });
  if (help) {
    console.log(HELP);
    return 0;
  }
  const maxIter = integerOption(values, "iters", 0, 10000);
  const seed = integerOption(values, "seed", Number.MIN_SAFE_INTEGER, 0);
  const solver = choiceOption<SolverKind>(values, "solver", ["mu", "hals"], "mu");
  const { strata, trueVMeans } = syntheticStrata({ seed });
  const started = performance.now();
  const model = await interruptible(
    "demo",
    values.quiet === true,
    ({ signal, onProgress }) => fit(strata, { rank: 5, maxIter, seed, solver, signal, onProgress }),
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

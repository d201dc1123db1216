/**
 * `snmf demo`: the paper's synthetic experiment (4 strata × 100 × 100, rank 5, 10,000
 * iterations) on data generated in place, against the published normalized loss and the true
 * shift means.
 *
 * @module
 */

import process from "node:process";
import { parseArgs } from "node:util";
import { fit, syntheticStrata } from "../sdk/mod.ts";

/** The paper's normalized loss after 10,000 iterations on this experiment. */
const PUBLISHED_NORMALIZED_LOSS = 9.7e-4;

const HELP = `snmf demo — the paper's synthetic experiment

  A(i) = 1 v(i)ᵀ + W(i) H, 4 strata of 100 × 100, v(i) ~ U(i−1, i), W(i), H ~ U(0, 1);
  fits rank 5 and prints the normalized loss and the mean of each learned v(i) next to the
  true shift means.

Options:
  --iters N     iterations (default 10000, as in the paper)
  --seed S      seed of the data and of the start (default 0)
  --quiet       no progress line
  -h, --help    this help

Example:
  snmf demo --iters 2000`;

export async function demo(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      iters: { type: "string", default: "10000" },
      seed: { type: "string", default: "0" },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const maxIter = Number(values.iters);
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(maxIter) || maxIter < 0) {
    console.error(`snmf demo: --iters must be a non-negative integer, got "${values.iters}"`);
    return 2;
  }
  if (!Number.isSafeInteger(seed)) {
    console.error(`snmf demo: --seed must be an integer, got "${values.seed}"`);
    return 2;
  }
  const { strata, trueVMeans } = syntheticStrata({ seed });
  const showProgress = !values.quiet && process.stderr.isTTY;
  const started = performance.now();
  const model = await fit(strata, {
    rank: 5,
    maxIter,
    seed,
    onProgress: showProgress
      ? ({ iteration, normalizedLoss }) => {
        if (iteration % 100 === 0 || iteration === maxIter) {
          process.stderr.write(
            `\riteration ${iteration}/${maxIter}  normalized loss ${normalizedLoss.toExponential(3)}`,
          );
        }
      }
      : undefined,
  });
  const seconds = (performance.now() - started) / 1000;
  if (showProgress) process.stderr.write("\n");
  console.log(`Synthetic experiment: 4 strata × 100 × 100, rank 5, ${model.iterations} iterations, seed ${seed}`);
  console.log(
    `normalized loss  ${model.normalizedLoss.toExponential(2)}  (published: ${
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
  model.free();
  return 0;
}

/**
 * Argument parsing shared by the commands: `node:util`'s `parseArgs` with its errors turned
 * into usage errors, and checked conversions of option values.
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import { DEFAULTS, type FitOptions, type Schedule, type SolverKind } from "../sdk/mod.ts";
import { UsageError } from "./errors.ts";
import { readInit } from "./model_file.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Values of parsed options: strings, booleans, or undefined when absent. */
export type Values = Record<string, string | boolean | undefined>;

/**
 * Parses `args` against `options` (plus `-h, --help`). Unknown options, missing values and a
 * wrong number of positionals are usage errors.
 */
export function parse(
  args: string[],
  options: Options,
  positionals: { names: string[] },
): { values: Values; positionals: string[]; help: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split("\n")[0]);
  }
  const values = parsed.values as Values;
  const help = values.help === true;
  if (!help && parsed.positionals.length !== positionals.names.length) {
    const expected = positionals.names.length === 0 ? "no arguments" : positionals.names.join(" ");
    throw new UsageError(
      parsed.positionals.length < positionals.names.length
        ? `missing ${positionals.names.slice(parsed.positionals.length).join(" ")} (expected ${expected})`
        : `unexpected argument "${parsed.positionals[positionals.names.length]}" (expected ${expected})`,
    );
  }
  return { values, positionals: parsed.positionals, help };
}

/** A string option's value, or undefined. */
export function stringOption(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

/** An integer option ≥ `min`, or `fallback` when absent. */
export function integerOption(values: Values, name: string, min: number, fallback: number): number;
export function integerOption(values: Values, name: string, min: number, fallback?: number): number | undefined;
export function integerOption(values: Values, name: string, min: number, fallback?: number): number | undefined {
  const text = stringOption(values, name);
  if (text === undefined) return fallback;
  const value = /^[+-]?\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${text}"`);
  }
  return value;
}

/** A finite number option ≥ `min`, or `fallback` when absent. */
export function numberOption(values: Values, name: string, min: number, fallback?: number): number | undefined {
  const text = stringOption(values, name);
  if (text === undefined) return fallback;
  const value = text.trim() === "" ? NaN : Number(text);
  if (!Number.isFinite(value) || value < min) {
    throw new UsageError(`--${name} must be a number ≥ ${min}, got "${text}"`);
  }
  return value;
}

/** One of `allowed`, or `fallback`. */
export function choiceOption<T extends string>(values: Values, name: string, allowed: readonly T[], fallback: T): T {
  const text = stringOption(values, name);
  if (text === undefined) return fallback;
  if (!allowed.includes(text as T)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(", ")}, got "${text}"`);
  }
  return text as T;
}

/** The options every fitting command takes, as `parseArgs` options. */
export const FIT_OPTIONS = {
  rank: { type: "string" },
  iters: { type: "string" },
  "v-updates": { type: "string" },
  tol: { type: "string" },
  seed: { type: "string" },
  schedule: { type: "string" },
  "no-loss": { type: "boolean" },
  solver: { type: "string" },
  init: { type: "string" },
  threads: { type: "string" },
  "l1-v": { type: "string" },
  "l1-w": { type: "string" },
  "l1-h": { type: "string" },
  out: { type: "string" },
  json: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
} as const satisfies Options;

/** Help text of {@link FIT_OPTIONS}, for a command whose defaults are `rank` and `iters`. */
export function fitOptionsHelp(defaults: { rank: number; iters: number }): string {
  return `  --rank K          rank: rows of H, columns of each W(i) (default ${defaults.rank})
  --iters N         iterations at most (default ${defaults.iters})
  --v-updates N     updates of each v(i) per iteration (default 2, as in the paper)
  --tol T           stop when an iteration lowers the loss by less than T × the initial loss
                    (default 0: run every iteration)
  --seed S          seed of the random start (default: random, printed in the summary)
  --schedule NAME   with --solver mu: sequential (default; the loss provably never rises) or
                    reference (the published code's: W and H from the same state, one pass
                    over the data)
  --no-loss         do not compute the loss every iteration (only at the end; faster on
                    sparse data, but no progress bar)
  --solver NAME     hals (default: exact block-coordinate descent, far faster to a given
                    loss) or mu (the paper's multiplicative updates, to reproduce it)
  --init START      random (default: the published random start from --seed), nndsvd
                    (deterministic SVD-based start), or a JSON FILE { "V", "W", "H" } such as
                    a model file
  --l1-v X, --l1-w X, --l1-h X
                    L1 penalties on every v(i), W(i) and on H (default 0; --l1-v makes the
                    v(i) sparse); the loss reported is then sqrt(F + penalty)
  --threads N       worker threads (default: the machine's cores; same result for any N)`;
}

/** `--init`: a kind of start, or a file of starting factors (read and checked here). */
function initOption(values: Values): FitOptions["init"] {
  const text = stringOption(values, "init");
  if (text === undefined || text === "random" || text === "nndsvd") return text;
  return readInit(text);
}

/** `fit()` options from the parsed values (without progress, signal and names). */
export function fitOptionsFrom(values: Values, defaults: { rank: number; iters: number }): FitOptions {
  return {
    solver: choiceOption<SolverKind>(values, "solver", ["mu", "hals"], DEFAULTS.solver),
    init: initOption(values),
    threads: integerOption(values, "threads", 1),
    l1V: numberOption(values, "l1-v", 0, 0),
    l1W: numberOption(values, "l1-w", 0, 0),
    l1H: numberOption(values, "l1-h", 0, 0),
    rank: integerOption(values, "rank", 1, defaults.rank),
    maxIter: integerOption(values, "iters", 0, defaults.iters),
    vUpdates: integerOption(values, "v-updates", 0, 2),
    tol: numberOption(values, "tol", 0, 0),
    seed: integerOption(values, "seed", Number.MIN_SAFE_INTEGER),
    schedule: choiceOption<Schedule>(values, "schedule", ["sequential", "reference"], "sequential"),
    trackLoss: values["no-loss"] !== true,
  };
}

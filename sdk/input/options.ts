/**
 * The options table: every option of `fit()` and `transform()`, with its check, default,
 * meaning, command-line flag and whether a model records it. It drives the checks and defaults
 * of both calls ({@link resolveOptions}), the model's settings ({@link modelSettings}) and their
 * check in model files (`model_file.ts`), the command line's flags, their parsing and `--help`
 * (`cli/args.ts`), and README's options table (a test compares the two).
 *
 * Errors follow `checks.ts`: a wrong type (a missing `rank` included) is a `TypeError`; a wrong
 * value of the right type, and an option name that is not an option, a `RangeError`.
 *
 * @module
 */

import type { FitOptions, InitKind, ModelSettings, ProgressInfo, StartKind, TransformOptions } from "../types.ts";
import {
  arrayOf,
  boolean,
  type Check,
  checked,
  choice,
  closest,
  finite,
  integer,
  jsonQuote,
  nullable,
  ofType,
  positive,
  strings,
} from "./checks.ts";
import type { Preprocessing } from "./preprocess.ts";

/** The calls that take options. */
export type Call = "fit" | "transform";

/** Every option of either call. */
export type Options = FitOptions & TransformOptions;

/** The name of an option (`maxIter`). */
export type OptionName = keyof Options;

/** The command-line flag of an option. */
export interface Flag {
  /** The flag without its dashes: `iters` for `--iters`. */
  name: string;
  /** The placeholder of its value in `--help` (`N`); absent for a switch. */
  value?: string;
  /** A switch that sets the option to false (`--no-loss` for `trackLoss: false`). */
  negates?: true;
  /** The `--help` text; `{default}` stands for the command's default. */
  help: string;
}

/** Facts of a finished fit that its model's settings record besides the options. */
export interface RunFacts {
  /** Threads the fit ran on. */
  threads: number;
  /** The strata's weights as numbers ("balanced" resolved), or null without weights. */
  strataWeights?: number[] | null;
}

/**
 * Every option, as a call resolved it (what {@link ResolvedOptions} says more precisely: those
 * with a default are never undefined; this looser type keeps the table's own type acyclic).
 */
type Settled = { [K in OptionName]-?: Options[K] };

/** How a model records an option in its settings. */
export interface Recorded<R> {
  /** The check of the recorded value in model files. */
  check: Check<R>;
  /** The recorded value (default: the option's resolved value). */
  from?: (options: Settled, run: RunFacts) => R;
  /** What a model file that lacks it means (written before it was recorded); absent: it is required. */
  absent?: R;
}

/** One option: one row of the table. */
export interface OptionSpec<T> {
  /** The check of a given value. */
  check: Check<T>;
  /** The calls that take it. */
  calls: readonly Call[];
  /** It has no default: a call without it fails (`rank`). */
  required?: true;
  /** The default (a function: drawn for each call); absent: undefined. */
  default?: T | (() => T);
  /** The default as README and `--help` say it. */
  defaultText: string;
  /** What it means (README's options table). */
  doc: string;
  /** Its command-line flag. */
  flag?: Flag;
}

/** A row of the table: the settings a model records (and only those) say how. */
type Row<K extends OptionName> =
  & OptionSpec<NonNullable<Options[K]>>
  & (K extends keyof ModelSettings ? { recorded: Recorded<ModelSettings[K]> } : { recorded?: never });

/** The row of an L1 weight (l1V, l1W, l1H): a number ≥ 0, default 0, `--FLAG X`, recorded by the model. */
function l1Weight(doc: string, flag: string, help: string) {
  return {
    check: finite(0),
    calls: ["fit"],
    default: 0,
    defaultText: "0",
    doc,
    flag: { name: flag, value: "X", help },
    recorded: { check: finite(0) },
  } as const;
}

/** A random seed for calls that give none (kept on the model so the run can be repeated). */
function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}

const initCheck: Check<InitKind> = {
  is: (value): value is InitKind => typeof value === "string" || (typeof value === "object" && value !== null),
  allows: (value) => typeof value === "object" || value === "random" || value === "nndsvd",
  rule: (quote) => `${quote("random")}, ${quote("nndsvd")} or explicit factors { V, W, H }`,
  parse: (text) => text as InitKind,
};

const stratumCheck: Check<number | string> = {
  is: (value): value is number | string => typeof value === "number" || typeof value === "string",
  allows: (value) => typeof value === "string" || (Number.isSafeInteger(value) && value >= 0),
  rule: () => "a stratum's name or index (an integer ≥ 0)",
  parse: (text) => text,
};

const weightsCheck: Check<number[] | "balanced"> = {
  is: (value): value is number[] | "balanced" =>
    value === "balanced" || (Array.isArray(value) && value.every((x) => typeof x === "number")),
  allows: (value) => value === "balanced" || value.every((x) => Number.isFinite(x) && x > 0),
  rule: (quote) => `${quote("balanced")} or an array of finite numbers > 0, one per stratum`,
  parse: (text) => text === "balanced" ? "balanced" : text.split(",").map((x) => x.trim() === "" ? NaN : Number(x)),
};

/**
 * The most threads a fit takes: each worker is an engine instance of its own (tens of MB), and
 * the update plans split into at most SLOTS (8) tasks, so beyond a few dozen threads only memory
 * grows (`--threads 200` on a 6 × 3 table took 1.75 GB).
 */
export const MAX_THREADS = 64;

/** The table. Its order is that of `--help` and README. */
export const OPTIONS = {
  stratum: {
    check: stratumCheck,
    calls: ["transform"],
    defaultText: "a new stratum",
    doc: "the stratum (name or index) the new rows belong to: its `v(i)` stays fixed; without it `v` is learned",
    flag: {
      name: "stratum",
      value: "NAME",
      help: "the stratum of the rows, whose v(i) stays fixed (default: a new stratum, whose v is learned)",
    },
  },
  rank: {
    check: integer(1),
    calls: ["fit"],
    required: true,
    defaultText: "required",
    doc: "`k`, the number of topics",
    flag: { name: "rank", value: "K", help: "rank: rows of H, columns of each W(i) (default {default})" },
  },
  maxIter: {
    check: integer(0),
    calls: ["fit", "transform"],
    default: 100,
    defaultText: "100",
    doc: "iterations at most (`transform()`: 200)",
    flag: { name: "iters", value: "N", help: "iterations at most (default {default})" },
  },
  solver: {
    check: choice("mu", "hals"),
    calls: ["fit", "transform"],
    default: "hals",
    defaultText: '`"hals"`',
    doc:
      '`"hals"`: exact block-coordinate descent (below); `"mu"`: the paper\'s multiplicative updates, as published (`transform()`: the model\'s)',
    flag: {
      name: "solver",
      value: "NAME",
      help:
        "hals (exact block-coordinate descent, far faster to a given loss) or mu (the paper's multiplicative updates, to reproduce it); default: {default}",
    },
    recorded: { check: choice("mu", "hals") },
  },
  vUpdates: {
    check: integer(0),
    calls: ["fit", "transform"],
    default: 2,
    defaultText: "2",
    doc:
      "updates of every `v(i)` per iteration (the paper's setting; HALS solves `v(i)` exactly, so only 0, \"off\", changes it; `transform()`: the model's)",
    flag: {
      name: "v-updates",
      value: "N",
      help: "updates of each v(i) per iteration (default: {default}; the paper's 2; with hals only 0, off, differs)",
    },
    recorded: { check: integer(0) },
  },
  tol: {
    check: finite(0),
    calls: ["fit", "transform"],
    default: 0,
    defaultText: "0",
    doc:
      "stop when an iteration lowers the loss by less than `tol` × the initial loss (scikit-learn's rule); 0 runs `maxIter`",
    flag: {
      name: "tol",
      value: "T",
      help:
        "stop when an iteration lowers the loss by less than T × the initial loss (default {default}: run every iteration)",
    },
  },
  seed: {
    check: integer(),
    calls: ["fit", "transform"],
    default: randomSeed,
    defaultText: "random",
    doc:
      "seed of the published random start (`v ~ U(0,1)`, `W, H ~ U(0,1)/√k`), any safe integer; the seed used is kept on the model",
    flag: { name: "seed", value: "S", help: "seed of the random start (default: {default}; printed in the summary)" },
    recorded: {
      check: nullable(integer()),
      from: (options) => options.init === "random" ? options.seed! : null,
    },
  },
  schedule: {
    check: choice("sequential", "reference"),
    calls: ["fit"],
    default: "sequential",
    defaultText: '`"sequential"`',
    doc:
      'with `solver: "mu"`: `"sequential"`: all `v(i)`, then all `W(i)`, then `H` from the new `W(i)`; the loss is provably non-increasing. `"reference"`: `W(i)` and `H` together from the same state, as the published code does, one pass over each `A(i)` per iteration',
    flag: {
      name: "schedule",
      value: "NAME",
      help:
        "with --solver mu: sequential (the loss provably never rises) or reference (the published code's: W and H from the same state, one pass over the data); default: {default}",
    },
    recorded: { check: choice("sequential", "reference") },
  },
  init: {
    check: initCheck,
    calls: ["fit"],
    default: "random",
    defaultText: '`"random"`',
    doc:
      '`"random"` (the published start from `seed`), `"nndsvd"`, or an explicit start `{ V, W, H }` (nested arrays or flat typed arrays; a model\'s `toJSON()` works)',
    flag: {
      name: "init",
      value: "START",
      help:
        'random (the published random start from --seed), nndsvd (a deterministic SVD-based start), or a JSON FILE { "V", "W", "H" } such as a model file; default: {default}',
    },
    recorded: {
      check: choice<StartKind>("random", "nndsvd", "explicit"),
      from: (options) => typeof options.init === "object" ? "explicit" : options.init!,
    },
  },
  l1V: l1Weight(
    "L1 weight on every `v(i)`: the fit minimizes `F + λ_v Σ‖v(i)‖₁ + λ_W Σ‖W(i)‖₁ + λ_H ‖H‖₁`; the loss reported is then `sqrt(F + penalty)`",
    "l1-v",
    "L1 weight on every v(i) (default {default}; makes the v(i) sparse); the loss reported is then sqrt(F + penalty)",
  ),
  l1W: l1Weight("L1 weight on every `W(i)` (see `l1V`)", "l1-w", "L1 weight on every W(i) (default {default})"),
  l1H: l1Weight("L1 weight on `H` (see `l1V`)", "l1-h", "L1 weight on H (default {default})"),
  trackLoss: {
    check: boolean,
    calls: ["fit", "transform"],
    default: true,
    defaultText: "true",
    doc:
      "compute the loss before every iteration (no extra pass over the data); `false` computes only the final loss, and with sparse strata forms `A(i) Hᵀ` a block at a time instead of keeping it (m_i×k float32 less per stratum)",
    flag: {
      name: "no-loss",
      negates: true,
      help: "compute the loss only at the end, not every iteration (faster on sparse data, but no progress line)",
    },
  },
  restarts: {
    check: integer(1, 1000),
    calls: ["fit"],
    default: 1,
    defaultText: "1",
    doc:
      "random starts to run (seeds drawn from `seed`; the first is `seed` itself), keeping the one with the lowest final loss (`model.restarts` says which won and every start's loss; `model.stability` how much the answer moves over those within 1 % of the best); only with the random start",
    flag: {
      name: "restarts",
      value: "N",
      help: "random starts, keeping the best (default {default}; only with the random start)",
    },
    recorded: { check: integer(1, 1000), absent: 1 },
  },
  strataWeights: {
    check: weightsCheck,
    calls: ["fit"],
    defaultText: "—",
    doc:
      '`"balanced"` (each stratum weighs 1/m_i) or one number > 0 per stratum: the fit minimizes `Σ_i c_i ‖A(i) − 1 v(i)ᵀ − W(i) H‖²`, so that a large stratum does not dominate `H`; the loss reported is the weighted one (all-1 weights give the same bits as none)',
    flag: {
      name: "strata-weights",
      value: "W",
      help: "balanced (each stratum weighs 1/rows) or one weight per stratum, w1,w2,… (default: none)",
    },
    recorded: {
      check: nullable(arrayOf(positive, "an array of finite numbers > 0")),
      from: (_, run) => run.strataWeights ?? null,
      absent: null,
    },
  },
  missing: {
    check: choice("error", "mask"),
    calls: ["fit", "transform"],
    default: "error",
    defaultText: '`"error"`',
    doc:
      '`"mask"`: a `NaN` in a dense stratum is an unobserved entry (CSR strata list theirs in `unknown: { rows, cols }`), left out of the objective, which becomes `Σ_i ‖M(i) ⊙ (A(i) − 1 v(i)ᵀ − W(i) H)‖²`, minimized exactly by both solvers (the loss and normalized loss are over the observed entries; `model.reconstruct()` fills the holes); `"error"`: a `NaN` is refused',
    // Files written before the setting was recorded come from fits without masks.
    recorded: { check: choice("error", "mask"), absent: "error" },
  },
  normalizeUnits: {
    check: boolean,
    calls: ["fit"],
    default: true,
    defaultText: "true",
    doc:
      "divide the data by the power of two at or below their largest entry before fitting (V, H and the losses are given back in the data's units): the result does not depend on the units, and the random start, ε and the L1 weights apply to data whose largest entry is in [1, 2); `false` fits the data as given, as the paper's method does (to reproduce published figures)",
    flag: {
      name: "as-given",
      negates: true,
      help:
        "fit the data in their own units, as the paper's method does (its random start, ε and penalties are then absolute), to reproduce published figures; by default the data are divided by a power of two so that the result does not depend on their units",
    },
    // Files written before the setting was recorded come from fits of the data as given.
    recorded: { check: boolean, absent: false },
  },
  threads: {
    check: integer(1, MAX_THREADS),
    calls: ["fit", "transform"],
    defaultText: "the cores",
    doc:
      "worker threads running kernels on the same shared memory (at most 64: each worker holds its own instance of the engine, tens of MB); 1 runs on the calling thread. Without shared memory or workers (edge hosts, pages without cross-origin isolation) the fit runs on one thread by itself. The result is the same, bit for bit, for every thread count. The workers start when a fit's products are large enough for them (small fits never start any), run alongside the calling thread as they become ready, and are kept between fits: one set grown to the most threads asked for, each fit running on its own count",
    flag: {
      name: "threads",
      value: "N",
      help: "worker threads (default: the machine's cores; the same result for any N)",
    },
    recorded: { check: integer(1), from: (_, run) => run.threads },
  },
  columnNames: {
    check: strings,
    calls: ["fit"],
    defaultText: "—",
    doc: "names of the `n` columns, kept on the model for `topFeatures`",
  },
  preprocessing: {
    check: {
      is: (value): value is Preprocessing => typeof value === "object" && value !== null && !Array.isArray(value),
      // Checked against the data's columns and strata by fit() (preprocessingProblem), which names the field.
      allows: () => true,
      rule: () => "a preprocessing record as fromTable() returns it",
      parse: (text) => JSON.parse(text),
    },
    calls: ["fit"],
    defaultText: "—",
    doc:
      "what was done to the columns before the fit (`fromTable()`'s `preprocessing`), kept on the model so that new rows can be treated the same and results given back in the data's units (`toOriginalUnits`)",
  },
  onProgress: {
    check: ofType<(info: ProgressInfo) => void>("a function", (value) => typeof value === "function"),
    calls: ["fit", "transform"],
    defaultText: "—",
    doc: "called with `{ iteration, maxIter, loss, normalizedLoss, elapsedMs, penalty }` whenever the loss is computed",
  },
  signal: {
    check: ofType<AbortSignal>("an AbortSignal", (value) => value instanceof AbortSignal),
    calls: ["fit", "transform"],
    defaultText: "—",
    doc: "an `AbortSignal`; `fit()` rejects with its reason and frees its memory",
  },
} as const satisfies { readonly [K in OptionName]-?: Row<K> };

/** Any row, for code that loops over the table. */
type AnyRow = OptionSpec<unknown> & { recorded?: Recorded<unknown> };

/** The row of `name`. */
export function optionSpec(name: OptionName): AnyRow {
  return OPTIONS[name] as unknown as AnyRow;
}

/** The names of the options, in the table's order. */
export const OPTION_NAMES = Object.keys(OPTIONS) as OptionName[];

/** The names of the settings a model records, in the table's order. */
export const SETTING_NAMES = OPTION_NAMES.filter((name) => optionSpec(name).recorded) as (keyof ModelSettings)[];

/** Options that have a default or are required: never undefined once resolved. */
type Resolved = {
  [K in OptionName]: (typeof OPTIONS)[K] extends { default: unknown } | { required: true } ? K : never;
}[OptionName];

/** Options with every default filled in (`transform()`'s too, so one solver setup serves both). */
export type ResolvedOptions = { [K in OptionName]-?: K extends Resolved ? NonNullable<Options[K]> : Options[K] };

/** Options whose default is a fixed value (not drawn for each call, as the seed is). */
type Fixed = {
  [K in OptionName]: (typeof OPTIONS)[K] extends { default: infer D } ? D extends () => unknown ? never : K : never;
}[OptionName];

/** The fixed defaults of `fit()`'s options. */
export const DEFAULTS = Object.fromEntries(
  OPTION_NAMES.flatMap((name) => {
    const value = optionSpec(name).default;
    return value === undefined || typeof value === "function" ? [] : [[name, value]];
  }),
) as { readonly [K in Fixed]: ResolvedOptions[K] };

/** `transform()`'s own defaults (the solver and `vUpdates` are the model's). */
export const TRANSFORM_DEFAULTS = { maxIter: 200 } as const;

/**
 * The names someone might type for each option of `call`, with the option to suggest: the
 * names themselves and their command-line flags (`iters` → `maxIter`).
 */
function suggestions(call: Call): Map<string, string> {
  const names = new Map<string, string>();
  for (const name of OPTION_NAMES.filter((name) => optionSpec(name).calls.includes(call))) {
    names.set(name, name);
    const flag = optionSpec(name).flag;
    if (flag) names.set(flag.name, name);
  }
  return names;
}

/** @throws {RangeError} for a key of `options` that is not an option of `call`, with a suggestion. */
function rejectUnknown(options: object, call: Call, action: string): void {
  for (const key of Object.keys(options)) {
    if (Object.hasOwn(OPTIONS, key) && optionSpec(key as OptionName).calls.includes(call)) continue;
    const names = suggestions(call);
    const suggestion = closest(key, names);
    throw new RangeError(
      `${action}: options.${key} is not an option of ${call}()` +
        (suggestion ? ` (did you mean ${suggestion}?)` : ` (its options: ${[...new Set(names.values())].join(", ")})`),
    );
  }
}

/** The checks that involve two options. */
function checkTogether(options: ResolvedOptions, action: string): void {
  if (options.solver === "hals" && options.schedule === "reference") {
    throw new RangeError(
      `${action}: options.schedule "reference" is a schedule of the multiplicative updates: pass solver: "mu" with it (HALS, the default solver, is sequential)`,
    );
  }
}

/**
 * Checks `options` of `call` against the table and fills in the defaults: `defaults` first (a
 * call's own, such as the model's solver for `transform()`), then the table's.
 * @throws {TypeError} when `options` is not an object, an option has the wrong type, or `rank` is missing
 * @throws {RangeError} naming an option that is not one (with a suggestion), or a value it does not allow
 */
export function resolveOptions(
  options: unknown,
  call: Call,
  action: string,
  defaults: Partial<Options> = {},
): ResolvedOptions {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`${action}: options must be an object${call === "fit" ? " with at least { rank }" : ""}`);
  }
  rejectUnknown(options, call, action);
  const given = options as Record<string, unknown>;
  const resolved: Record<string, unknown> = {};
  for (const name of OPTION_NAMES) {
    const spec = optionSpec(name);
    if (given[name] !== undefined) {
      resolved[name] = checked(spec.check, given[name], `options.${name}`, action);
    } else if (defaults[name] !== undefined) {
      resolved[name] = defaults[name];
    } else if (spec.required) {
      throw new TypeError(`${action}: options.${name} is required`);
    } else {
      resolved[name] = typeof spec.default === "function" ? spec.default() : spec.default;
    }
  }
  checkTogether(resolved as ResolvedOptions, action);
  return resolved as ResolvedOptions;
}

/** The settings a model records of a fit with `options` (in the table's order). */
export function modelSettings(options: ResolvedOptions, run: RunFacts): ModelSettings {
  const settings: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) {
    const recorded = optionSpec(name).recorded!;
    settings[name] = recorded.from ? recorded.from(options, run) : options[name];
  }
  return settings as unknown as ModelSettings;
}

/**
 * Settings read from a model file, checked as the table says; `place` is where the file holds
 * them (`settings.`).
 * @throws {TypeError | RangeError} naming `settings.NAME`, as fit's errors name `options.NAME`
 */
export function checkSettings(value: unknown, action: string, place: string): ModelSettings {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`${action}: ${place.slice(0, -1)} must be an object, got ${JSON.stringify(value)}`);
  }
  const given = value as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if ((SETTING_NAMES as string[]).includes(key)) continue;
    const suggestion = closest(key, new Map(SETTING_NAMES.map((name) => [name, name])));
    throw new RangeError(
      `${action}: ${place}${key} is not a setting${suggestion ? ` (did you mean ${suggestion}?)` : ""}`,
    );
  }
  const settings: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) {
    const recorded = optionSpec(name).recorded!;
    if (given[name] === undefined && "absent" in recorded) {
      settings[name] = recorded.absent;
      continue;
    }
    if (given[name] === undefined) {
      throw new TypeError(`${action}: ${place}${name} is missing (${recorded.check.rule(jsonQuote)})`);
    }
    settings[name] = checked(recorded.check, given[name], `${place}${name}`, action);
  }
  return settings as unknown as ModelSettings;
}

/**
 * Validation of `fit()` options: a table of constraints, checked before any work starts.
 *
 * @module
 */

import type { FitOptions, Schedule, SolverKind } from "../types.ts";

/** Options with every default filled in. */
export interface ResolvedOptions {
  rank: number;
  /** Threads to run on (1: the calling thread only; undefined: the machine's cores). */
  threads: number | undefined;
  maxIter: number;
  vUpdates: number;
  tol: number;
  seed: number;
  schedule: Schedule;
  trackLoss: boolean;
  solver: SolverKind;
  l1V: number;
  l1W: number;
  l1H: number;
}

type Check = (value: unknown) => string | undefined;

const integerAtLeast = (min: number): Check => (value) =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= min ? undefined : `must be an integer ≥ ${min}`;

const finiteAtLeast = (min: number): Check => (value) =>
  typeof value === "number" && Number.isFinite(value) && value >= min ? undefined : `must be a finite number ≥ ${min}`;

const oneOf = (...allowed: string[]): Check => (value) =>
  allowed.includes(value as string) ? undefined : `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}`;

const isBoolean: Check = (value) => typeof value === "boolean" ? undefined : "must be a boolean";
const isFunction: Check = (value) => typeof value === "function" ? undefined : "must be a function";
const isSafeInteger: Check = (value) =>
  typeof value === "number" && Number.isSafeInteger(value) ? undefined : "must be a safe integer";

/** The constraint of each option (`undefined` values take the default). */
const constraints: Record<string, Check> = {
  rank: integerAtLeast(1),
  threads: integerAtLeast(1),
  maxIter: integerAtLeast(0),
  vUpdates: integerAtLeast(0),
  tol: finiteAtLeast(0),
  seed: isSafeInteger,
  schedule: oneOf("sequential", "reference"),
  trackLoss: isBoolean,
  onProgress: isFunction,
  solver: oneOf("mu", "hals"),
  l1V: finiteAtLeast(0),
  l1W: finiteAtLeast(0),
  l1H: finiteAtLeast(0),
  init: (value) =>
    typeof value === "object" && value !== null || value === "random" || value === "nndsvd"
      ? undefined
      : `must be "random", "nndsvd" or explicit factors { V, W, H }`,
};

/** Defaults of the optional options (the paper's settings where it has one). */
export const DEFAULTS = {
  maxIter: 100,
  vUpdates: 2,
  tol: 0,
  schedule: "sequential",
  trackLoss: true,
  solver: "hals",
  l1V: 0,
  l1W: 0,
  l1H: 0,
} as const;

/** A random seed for fits that give none (kept on the model so the run can be repeated). */
function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}

/**
 * Checks `options` against the constraints table and fills in defaults.
 * @throws {TypeError} when options is not an object or rank is missing.
 * @throws {RangeError} naming the option and the constraint it breaks.
 */
export function resolveOptions(options: FitOptions | undefined, action: string): ResolvedOptions {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`${action}: options must be an object with at least { rank }`);
  }
  if (options.rank === undefined) throw new TypeError(`${action}: options.rank is required`);
  for (const [name, check] of Object.entries(constraints)) {
    const value = (options as unknown as Record<string, unknown>)[name];
    if (value === undefined) continue;
    const problem = check(value);
    if (problem) throw new RangeError(`${action}: options.${name} ${problem}, got ${String(value)}`);
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new TypeError(`${action}: options.signal must be an AbortSignal`);
  }
  if (
    options.columnNames !== undefined &&
    (!Array.isArray(options.columnNames) || options.columnNames.some((c) => typeof c !== "string"))
  ) {
    throw new TypeError(`${action}: options.columnNames must be an array of strings`);
  }
  if ((options.solver ?? DEFAULTS.solver) === "hals" && options.schedule === "reference") {
    throw new RangeError(
      `${action}: options.schedule "reference" is a schedule of the multiplicative updates: pass solver: "mu" with it (HALS, the default solver, is sequential)`,
    );
  }
  return {
    rank: options.rank,
    threads: options.threads,
    maxIter: options.maxIter ?? DEFAULTS.maxIter,
    vUpdates: options.vUpdates ?? DEFAULTS.vUpdates,
    tol: options.tol ?? DEFAULTS.tol,
    seed: options.seed ?? randomSeed(),
    schedule: options.schedule ?? DEFAULTS.schedule,
    trackLoss: options.trackLoss ?? DEFAULTS.trackLoss,
    solver: options.solver ?? DEFAULTS.solver,
    l1V: options.l1V ?? DEFAULTS.l1V,
    l1W: options.l1W ?? DEFAULTS.l1W,
    l1H: options.l1H ?? DEFAULTS.l1H,
  };
}

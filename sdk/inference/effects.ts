/**
 * `effects()`: intervals and tests for what is particular to each stratum (docs/inference.md):
 * per stratum and column, the procedure's canonical shift, share and contrast on the data, their
 * stratified-bootstrap percentile intervals, one-sided permutation p- and q-values, and whether
 * the model's share is stable over its restarts.
 *
 * @module
 */

import type { Model } from "../model.ts";
import { init } from "../runtime/core.ts";
import { cores } from "../runtime/platform.ts";
import { Lanes } from "../threads/executor.ts";
import { fingerprint } from "../input/fingerprint.ts";
import { loadStrata } from "../input/strata.ts";
import { Random } from "../start/random.ts";
import { Checkpoint } from "../runtime/checkpoint.ts";
import type { Stratum } from "../types.ts";
import { contrasts, featureScores, shares } from "../contrast.ts";
import {
  type PooledStart,
  pooledStart,
  type ProcedureSettings,
  settledIterations,
  stratifiedShifts,
} from "./procedure.ts";
import { RowSet } from "./rows.ts";
import { formatBytes, MEMORY_LIMIT } from "../solve/memory.ts";
import { choice, jsonQuote } from "../input/checks.ts";
import { benjaminiHochberg, percentileIntervalInPlace, pooledPermutationPValues } from "./stats.ts";

const ACTION = "Cannot estimate effects";

/** Options of {@link effects}. */
export interface EffectsOptions {
  /** Bootstrap replicates B (default 200). */
  replicates?: number;
  /** Label permutations (default 200). */
  permutations?: number;
  /** Seed of the resampling and of the procedure's start (default: random, recorded). */
  seed?: number;
  /**
   * T: iterations of the procedure's stratified fit, or `"settle"` (the default): as many as the
   * observed statistic needs to settle, in steps of 25 up to 1,000 (measured once, on the data, and
   * used for every resampled statistic; recorded in the result).
   */
  iterations?: number | "settle";
  /** T₀: iterations of the procedure's pooled plain NMF (default {@link DEFAULT_POOLED_ITERATIONS}). */
  pooledIterations?: number;
  /**
   * Where each bootstrap replicate's stratified fit starts (docs/inference.md, "One fixed
   * procedure"): `"replicate"` (the default), the pooled fit of the replicate's own rows from the
   * seed's random start, as the data's statistic starts from the data's; `"data"`, the data's
   * pooled start at the rows drawn: T₀ fewer iterations per replicate, but the intervals leave out
   * which local solution the pooled fit reaches, and are narrower where the split depends on it.
   */
  bootstrapStart?: "replicate" | "data";
  /** Level of the intervals (default 0.95). */
  level?: number;
  /**
   * Threads (default: the cores): the data's own fits run on this many threads, and the
   * resampled refits this many at once, each on one thread, with one more being set up
   * (docs/inference.md, "How the refits run"). The results are the same for every count; the
   * memory held is that of threads + 1 refits.
   */
  threads?: number;
  signal?: AbortSignal;
  /**
   * Called after each refit: its phase, the refits of the phase done and in all, and the HALS
   * iterations of every refit done so far and of all of them (a bootstrap replicate runs T₀ + T
   * with its own pooled start, T from the data's; a permutation T), which is what the time goes
   * into.
   */
  onProgress?: (info: EffectsProgress) => void;
}

/** What {@link EffectsOptions.onProgress} is told after each refit. */
export interface EffectsProgress {
  phase: "bootstrap" | "permutations";
  /** Refits of this phase done, and in it. */
  done: number;
  total: number;
  /** Iterations of the refits of both phases done so far, and of all of them. */
  iterations: number;
  totalIterations: number;
}

/** T₀ by default (bench/inference.ts measures it). */
export const DEFAULT_POOLED_ITERATIONS = 100;

/** The values of {@link EffectsOptions.bootstrapStart}, the default first. */
export const BOOTSTRAP_STARTS = ["replicate", "data"] as const;
const BOOTSTRAP_START = choice(...BOOTSTRAP_STARTS);

/** One stratum and column. */
export interface Effect {
  stratum: string;
  /** 0-based column, and its name when the model has column names. */
  column: number;
  name?: string;
  /** The procedure's shift, share and contrast on the data. */
  v: number;
  share: number;
  contrast: number;
  /** The contrast's percentile interval. */
  lower: number;
  upper: number;
  /** The intervals of v and of the share. */
  vInterval: [number, number];
  shareInterval: [number, number];
  /** One-sided permutation p-value (the stratum has more than the others), and its BH q-value within the stratum. */
  p: number;
  q: number;
  /**
   * Whether the model's share is stable over its restarts (docs/inference.md); null without
   * restarts, or when no start but the best ended within 1 % of its loss.
   */
  stable: boolean | null;
}

/** What {@link effects} returns. */
export interface Effects {
  effects: Effect[];
  settings: {
    replicates: number;
    permutations: number;
    seed: number;
    iterations: number;
    pooledIterations: number;
    /** Absent in results written before the option: "replicate". */
    bootstrapStart?: "replicate" | "data";
    solver: "hals";
    level: number;
  };
}

/** The shifts, shares and contrasts of one run of the procedure: s×n each. */
type Statistic = { v: Float32Array[]; share: Float64Array[]; contrast: Float64Array[] };

const statisticOf = (v: Float32Array[]): Statistic => ({ v, share: shares(v), contrast: contrasts(v) });

/**
 * A resampled run's canonical shifts (s float32 vectors of n): all that is kept of it; its shares
 * and contrasts are computed from them when the records are made, a stratum at a time (a fifth
 * of the memory of keeping all three).
 */
type Shifts = Float32Array[];

/**
 * Bytes effects() holds for the resampled statistics: every replicate's and permutation's shifts
 * (float32), and while the records are made one gather buffer and one stratum's rows of a
 * quantity over the larger of B and P (float64).
 */
function keptBytes(replicates: number, permutations: number, strata: number, cols: number): number {
  return (replicates + permutations) * strata * cols * 4 + 2 * cols * Math.max(replicates, permutations) * 8;
}

/**
 * Intervals and tests for the model's strata (docs/inference.md).
 * @param strata the data the model was fit on, in its order (checked by shape)
 */
export async function effects(
  model: Model,
  strata: readonly Stratum[],
  options: EffectsOptions = {},
): Promise<Effects> {
  const settings = effectsSettings(model, options);
  checkKept(settings, model.names.length, model.cols);
  const rows = new RowSet(strata);
  checkData(model, rows, strata);
  await checkFingerprint(model, strata);
  const procedure: ProcedureSettings = {
    rank: model.rank,
    iterations: settings.iterations,
    pooledIterations: settings.pooledIterations,
    seed: settings.seed,
    l1V: model.l1V,
    l1W: model.l1W,
    l1H: model.l1H,
    normalizeUnits: model.normalizeUnits,
    threads: options.threads,
    signal: options.signal,
  };
  const members = rows.sizes.map((m, i) => Array.from({ length: m }, (_, r) => rows.offsets[i] + r));
  const start = await pooledStart(rows, procedure);
  if (settings.iterations === 0) {
    settings.iterations = procedure.iterations = await settledIterations(strata, members, start, procedure);
  }
  const observed = statisticOf(await stratifiedShifts(strata, members, start, procedure));
  const lanes = await Lanes.open(await init(), options.threads ?? await cores());
  try {
    const resampling: Resampling = { names: model.names, rows, start, procedure, settings, options, lanes };
    const boot = await bootstrap(resampling);
    const null_ = await permutations(resampling);
    return { effects: records(model, observed, boot, null_, settings), settings };
  } finally {
    lanes?.close();
  }
}

function effectsSettings(model: Model, options: EffectsOptions): Effects["settings"] {
  if (model.freed) throw new TypeError(`${ACTION}: the model has been freed`);
  const positive = (value: number | undefined, fallback: number, name: string) => {
    const x = value ?? fallback;
    if (!Number.isSafeInteger(x) || x < 1) {
      throw new RangeError(`${ACTION}: options.${name} must be an integer ≥ 1, got ${x}`);
    }
    return x;
  };
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new RangeError(`${ACTION}: options.level must be in (0, 1), got ${level}`);
  const bootstrapStart = options.bootstrapStart ?? BOOTSTRAP_STARTS[0];
  if (!BOOTSTRAP_START.is(bootstrapStart) || !BOOTSTRAP_START.allows(bootstrapStart)) {
    const problem = `${ACTION}: options.bootstrapStart must be ${BOOTSTRAP_START.rule(jsonQuote)}, got ${
      typeof bootstrapStart === "string" ? JSON.stringify(bootstrapStart) : typeof bootstrapStart
    }`;
    throw BOOTSTRAP_START.is(bootstrapStart) ? new RangeError(problem) : new TypeError(problem);
  }
  return {
    replicates: positive(options.replicates, 200, "replicates"),
    permutations: positive(options.permutations, 200, "permutations"),
    seed: options.seed ?? crypto.getRandomValues(new Uint32Array(1))[0],
    iterations: options.iterations === "settle" || options.iterations === undefined
      ? 0 // chosen on the data (effects())
      : positive(options.iterations, 0, "iterations"),
    pooledIterations: positive(options.pooledIterations, DEFAULT_POOLED_ITERATIONS, "pooledIterations"),
    bootstrapStart,
    solver: "hals",
    level,
  };
}

/**
 * @throws {RangeError} when the resampled statistics would take more than MEMORY_LIMIT, the bound
 *   of a fit's WebAssembly memory (sdk/solve/memory.ts)
 */
function checkKept(settings: Effects["settings"], strata: number, cols: number): void {
  const { replicates, permutations } = settings;
  const bytes = keptBytes(replicates, permutations, strata, cols);
  if (bytes <= MEMORY_LIMIT) return;
  throw new RangeError(
    `${ACTION}: ${replicates} replicates and ${permutations} permutations of ${strata} strata × ${cols} columns ` +
      `keep ${formatBytes(bytes)} of statistics, more than the ${formatBytes(MEMORY_LIMIT)} effects() allows: ` +
      "use fewer replicates or permutations",
  );
}

/** @throws {RangeError} when the strata are not shaped as the model's (names, rows, columns). */
function checkData(model: Model, rows: RowSet, strata: readonly Stratum[]): void {
  const problem = strata.length !== model.names.length
    ? `${strata.length} strata, the model ${model.names.length}`
    : rows.cols !== model.cols
    ? `${rows.cols} columns, the model ${model.cols}`
    : rows.sizes.findIndex((m, i) => m !== model.rows[i]) >= 0
    ? `stratum ${rows.sizes.findIndex((m, i) => m !== model.rows[i])} has other rows than the model's`
    : undefined;
  if (problem) throw new RangeError(`${ACTION}: the data are not the model's: ${problem}`);
}

/**
 * @throws {RangeError} when the strata, loaded as the fit loaded its data, do not give the model's
 *   fingerprint (other values than the fit's; models written before fingerprints are not checked).
 */
async function checkFingerprint(model: Model, strata: readonly Stratum[]): Promise<void> {
  if (model.fingerprint === undefined) return;
  const core = await init();
  const weights = model.strataWeights;
  const resident = await loadStrata(core, strata, ACTION, undefined, {
    weightRoots: weights?.map(Math.sqrt),
    ...(model.normalizeUnits ? {} : { scale: 1 }),
  });
  try {
    if (fingerprint(core, resident, weights ?? null) !== model.fingerprint) {
      throw new RangeError(
        `${ACTION}: the data are not the model's: their values differ from those the model was fit on`,
      );
    }
  } finally {
    resident.free();
  }
}

/** What every resampled refit of the procedure uses: the data's rows, the pooled start, the settings. */
interface Resampling {
  /** The strata's names, in the model's order. */
  names: readonly string[];
  rows: RowSet;
  /** The data's pooled start (step 1 of the procedure). */
  start: PooledStart;
  procedure: ProcedureSettings;
  settings: Effects["settings"];
  options: EffectsOptions;
  /** Where the refits run side by side (undefined: one after the other). */
  lanes?: Lanes;
}

/** The iterations of one refit of each phase, and of all refits (see {@link EffectsOptions.onProgress}). */
function refitIterations(settings: Effects["settings"]): Record<EffectsProgress["phase"], number> & { all: number } {
  const bootstrap = (settings.bootstrapStart === "data" ? 0 : settings.pooledIterations) + settings.iterations;
  const permutations = settings.iterations;
  return { bootstrap, permutations, all: settings.replicates * bootstrap + settings.permutations * permutations };
}

/** A seeded stream of its own for each use of the seed. */
const stream = (seed: number, index: number) => new Random(seed + index * 0x9e3779b1);

/**
 * B stratified bootstrap replicates: rows resampled within each stratum, each through the
 * stratified step from the replicate's own pooled start, or from the data's `start` at the rows
 * drawn (`settings.bootstrapStart`).
 */
async function bootstrap(resampling: Resampling): Promise<Shifts[]> {
  const { names, rows, start, settings } = resampling;
  const random = stream(settings.seed, 1);
  const draw = () =>
    rows.sizes.map((m, i) => Int32Array.from({ length: m }, () => rows.offsets[i] + Math.floor(random.next() * m)));
  return await refits("bootstrap", settings.replicates, resampling, draw, async (members, procedure) => {
    const strata = members.map((picked, i) => rows.stratum(names[i], picked));
    return settings.bootstrapStart === "data"
      ? await stratifiedShifts(strata, members, start, procedure)
      : await ownStartShifts(rows, strata, members, procedure);
  });
}

/**
 * The results of `total` resampled refits: `draw()` called once per refit, in order, on the
 * calling thread (each draws from the caller's seeded stream, so the draws do not depend on how
 * the refits run), and `refit` run on each draw with the procedure's settings. With lanes, as
 * many refits run side by side as there are lanes, each on its own (the same bits as one after
 * the other: a refit's result does not depend on its threads), one more in flight than lanes, so
 * that a refit's setup on the calling thread overlaps the others' iterations; otherwise one after
 * the other.
 * A check point comes before each refit and progress after each.
 */
async function refits<D, T>(
  phase: "bootstrap" | "permutations",
  total: number,
  resampling: Resampling,
  draw: () => D,
  refit: (drawn: D, procedure: ProcedureSettings) => Promise<T>,
): Promise<T[]> {
  const { options, lanes, settings } = resampling;
  const out = new Array<T>(total);
  const work = refitIterations(settings);
  const before = phase === "bootstrap" ? 0 : settings.replicates * work.bootstrap;
  // Refits of small data end before their own yield point: the loop yields, so that abort() and
  // Ctrl-C handlers get to run.
  const checkpoint = new Checkpoint(options.signal);
  let next = 0, done = 0;
  const lane = async (procedure: ProcedureSettings) => {
    for (;;) {
      await checkpoint.pass();
      // After the check point: another lane may have taken the last refit meanwhile.
      if (next >= total) return;
      const b = next++;
      try {
        out[b] = await refit(draw(), procedure);
      } catch (error) {
        next = total; // the other lanes take no more
        throw error;
      }
      ++done;
      options.onProgress?.({
        phase,
        done,
        total,
        iterations: before + done * work[phase],
        totalIterations: work.all,
      });
    }
  };
  // One refit more in flight than lanes: its setup overlaps the others' iterations.
  const procedures = lanes
    ? Array.from({ length: lanes.count + 1 }, () => ({ ...resampling.procedure, executor: lanes.executor() }))
    : [resampling.procedure];
  // Every lane ends before this returns or throws: none is left running on the memory.
  const ended = await Promise.allSettled(procedures.map(lane));
  const failed = ended.find((x) => x.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return out;
}

/**
 * The procedure on a replicate, step 1 included: the pooled fit of its rows (`members`, global
 * numbering; stratum after stratum, they are the pooled fit's rows 0, 1, …), then step 2.
 */
async function ownStartShifts(
  rows: RowSet,
  strata: readonly Stratum[],
  members: readonly Int32Array[],
  procedure: ProcedureSettings,
): Promise<Float32Array[]> {
  const start = await pooledStart(rows, procedure, concatenated(members));
  const local = members.map((picked, i) => Int32Array.from(picked, (_, r) => rows.offsets[i] + r));
  return await stratifiedShifts(strata, local, start, procedure);
}

/** The arrays one after the other. */
function concatenated(parts: readonly Int32Array[]): Int32Array {
  const all = new Int32Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const p of parts) all.set(p, at), at += p.length;
  return all;
}

/**
 * The permutation null: the stratum labels shuffled over all rows (sizes kept), each through the
 * stratified step from the same pooled start (which does not see the labels).
 */
async function permutations(resampling: Resampling): Promise<Shifts[]> {
  const { names, rows, start, settings } = resampling;
  const random = stream(settings.seed, 2);
  const draw = () => {
    const order = shuffled(rows.length, random);
    return rows.sizes.map((m, i) => order.slice(rows.offsets[i], rows.offsets[i] + m).sort((x, y) => x - y));
  };
  return await refits("permutations", settings.permutations, resampling, draw, async (members, procedure) => {
    const strata = members.map((picked, i) => rows.stratum(names[i], picked));
    return await stratifiedShifts(strata, members, start, procedure);
  });
}

/** 0 … length−1 in a random order (Fisher–Yates). */
function shuffled(length: number, random: Random): Int32Array {
  const order = Int32Array.from({ length }, (_, i) => i);
  for (let i = length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Intervals, p- and q-values of every stratum and column. */
function records(
  model: Model,
  observed: Statistic,
  boot: Shifts[],
  null_: Shifts[],
  settings: Effects["settings"],
): Effect[] {
  const random = stream(settings.seed, 3);
  const n = model.cols;
  // One buffer for every gather (a new one each time costs its pages' first touch).
  const buffer = new Float64Array(n * Math.max(boot.length, null_.length));
  const intervals = (pick: (V: Shifts) => ArrayLike<number>) =>
    columnsOf(boot.map(pick), n, buffer).map((values) => percentileIntervalInPlace(values, settings.level));
  return model.names.flatMap((stratum, i) => {
    const nullContrasts = columnsOf(null_.map((V) => featureScores(V, i, "contrast")), n, buffer);
    const p = pooledPermutationPValues(observed.contrast[i], nullContrasts, random);
    const q = benjaminiHochberg(p);
    const [contrast, v, share] = [
      intervals((V) => featureScores(V, i, "contrast")),
      intervals((V) => V[i]),
      intervals((V) => featureScores(V, i, "share")),
    ];
    return Array.from({ length: n }, (_, j): Effect => ({
      stratum,
      column: j,
      ...(model.columnNames ? { name: model.columnNames[j] } : {}),
      v: observed.v[i][j],
      share: observed.share[i][j],
      contrast: observed.contrast[i][j],
      lower: contrast[j][0],
      upper: contrast[j][1],
      vInterval: v[j],
      shareInterval: share[j],
      p: p[j],
      q: q[j],
      // One start near the best has nothing to be compared with: no answer, rather than "stable".
      stable: model.stability && model.stability.near.length > 1 ? model.stability.stable[i][j] : null,
    }));
  });
}

/** Columns gathered at a time by {@link columnsOf}: 64 × B float64 (100 KB at B = 200) stay in a core's cache. */
const GATHER_COLUMNS = 64;

/**
 * The values of each of `n` columns over `rows` (B arrays of n): n views of B float64 into
 * `buffer` (at least n B), column-major (a gather of B × n values, instead of one array per
 * column); the views are valid until the buffer's next gather.
 */
function columnsOf(rows: readonly ArrayLike<number>[], n: number, buffer: Float64Array): Float64Array[] {
  const B = rows.length;
  // By blocks of columns, so that a block's B-long runs stay in cache while every row fills them.
  for (let j0 = 0; j0 < n; j0 += GATHER_COLUMNS) {
    const j1 = Math.min(n, j0 + GATHER_COLUMNS);
    rows.forEach((row, b) => {
      for (let j = j0; j < j1; j++) buffer[j * B + b] = row[j];
    });
  }
  return Array.from({ length: n }, (_, j) => buffer.subarray(j * B, (j + 1) * B));
}

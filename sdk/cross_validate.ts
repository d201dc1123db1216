/**
 * `crossValidate()`: held-out error for choosing the rank and for asking whether the strata's
 * shifts help on unseen entries. Entries are held out at random per stratum ("speckled", as
 * RcppML's crossValidate does), in `folds` disjoint sets; each fit sees the others with its
 * fold's entries masked (`missing: "mask"`, docs/algorithm.md "Masks") and is scored by the
 * root mean square error on them. On a CSR stratum the held-out entries are its stored entries
 * and as many unstored positions (zeros), so that the work stays proportional to the non-zeros.
 *
 * Besides the stratified model at each rank k, the plain NMF (every v(i) fixed at 0) is fitted at
 * k and at k + s (s strata: enough topics to represent the shifts), so the table answers "do the
 * strata's shifts help on unseen entries, and by how much?".
 *
 * @module
 */

import { fit } from "./fit.ts";
import type { Model } from "./model.ts";
import { Random } from "./start/random.ts";
import { startSeeds } from "./solve/starts.ts";
import { describeStrata } from "./input/shapes.ts";
import type { CsrStratum, DenseStratum, FitOptions, SolverKind, Stratum } from "./types.ts";

const ACTION = "Cannot cross-validate";

/** Options of {@link crossValidate}. */
export interface CrossValidateOptions {
  /** The ranks to try (integers ≥ 1); ranks beyond what the data allow are left out with a message. */
  ranks: readonly number[];
  /** Disjoint sets of held-out entries, one fit per set (default 3, at least 2). */
  folds?: number;
  /** Seed of the held-out entries and of the starts (default: random; the one used is returned). */
  seed?: number;
  /** Random starts per fit, keeping the lowest training loss (default 1). */
  restarts?: number;
  /** Iterations per fit (default 200). */
  maxIter?: number;
  /** `tol` of every fit (default 0). */
  tol?: number;
  /** The solver of every fit (default "hals"). */
  solver?: SolverKind;
  /** Threads of every fit (default: the cores). */
  threads?: number;
  /** Fit the plain NMF too (default true). */
  plain?: boolean;
  /** Called after each fit. */
  onProgress?: (info: { model: ModelKind; rank: number; fold: number; done: number; total: number }) => void;
  signal?: AbortSignal;
}

/** Which model a row is of: the stratified one, or plain NMF at the rank or at rank + strata. */
export type ModelKind = "stratified" | "plain" | "plain+s";

/** One fit: its model, the rank it was fitted at (`rank`, for plain+s the rank of the row's group plus s), its fold and errors. */
export interface FoldResult {
  model: ModelKind;
  /** The rank of the row's group (the rank asked for). */
  rank: number;
  /** The rank fitted (rank + s for "plain+s"). */
  fittedRank: number;
  fold: number;
  /** Root mean square error over the entries the fit saw, in the data's units. */
  trainError: number;
  /** Root mean square error over the fold's held-out entries. */
  testError: number;
}

/** Mean and standard error over the folds of one model at one rank. */
export interface RankSummary {
  model: ModelKind;
  rank: number;
  fittedRank: number;
  meanTrain: number;
  meanTest: number;
  /** Standard error of the mean test error: sample standard deviation / √folds. */
  seTest: number;
}

/** What {@link crossValidate} returns (plain data: `JSON.stringify` it for `snmf report`). */
export interface CrossValidation {
  format: "stratified-nmf-rank";
  ranks: number[];
  folds: number;
  seed: number;
  restarts: number;
  maxIter: number;
  solver: SolverKind;
  /** Held-out entries per fold (all strata). */
  heldOut: number[];
  results: FoldResult[];
  summary: RankSummary[];
  /** The smallest rank whose mean held-out error is within one standard error of the lowest (stratified model). */
  suggestedRank: number;
  /** Ranks (or plain+s fits) left out, with why. */
  skipped: string[];
}

/** A stratum's held-out candidates: positions (row, col) and their values, and what is unknown already. */
interface Candidates {
  rows: number;
  cols: number;
  /** Flat positions r · n + j of the entries that can be held out. */
  positions: number[];
  values: number[];
  /** Flat positions unknown in the data (never held out, never scored). */
  unknown: Set<number>;
}

/** Dense values as one flat row-major array of m × n (NaN kept). */
function flatDense(stratum: DenseStratum, rows: number, cols: number): Float64Array {
  const data = stratum.data as ArrayLike<unknown>;
  const nested = rows > 0 && typeof data[0] === "object";
  if (!nested) return Float64Array.from(data as ArrayLike<number>);
  const out = new Float64Array(rows * cols);
  (data as ArrayLike<number>[]).forEach((row, r) => out.set(Array.from(row), r * cols));
  return out;
}

/**
 * The entries of a stratum that can be held out: every observed entry of a dense stratum; the
 * stored entries of a CSR stratum and as many unstored positions drawn at random (fewer when
 * there are not that many).
 */
function candidatesOf(stratum: Stratum, rows: number, cols: number, random: Random): Candidates {
  if (!("indptr" in stratum)) {
    const data = flatDense(stratum, rows, cols);
    const out: Candidates = { rows, cols, positions: [], values: [], unknown: new Set() };
    data.forEach((x, e) => Number.isNaN(x) ? out.unknown.add(e) : (out.positions.push(e), out.values.push(x)));
    return out;
  }
  const csr = stratum as CsrStratum;
  const unknown = new Set<number>();
  for (let e = 0; e < (csr.unknown?.rows.length ?? 0); e++) {
    unknown.add(csr.unknown!.rows[e] * cols + csr.unknown!.cols[e]);
  }
  const stored = new Set<number>();
  const out: Candidates = { rows, cols, positions: [], values: [], unknown };
  for (let r = 0; r < rows; r++) {
    for (let e = csr.indptr[r]; e < csr.indptr[r + 1]; e++) {
      const at = r * cols + csr.indices[e];
      stored.add(at);
      if (unknown.has(at)) continue;
      out.positions.push(at);
      out.values.push(csr.values[e]);
    }
  }
  const zeros = Math.min(out.positions.length, rows * cols - stored.size - unknown.size);
  const drawn = new Set<number>();
  while (drawn.size < zeros) {
    const at = Math.floor(random.next() * rows * cols);
    if (stored.has(at) || unknown.has(at) || drawn.has(at)) continue;
    drawn.add(at);
    out.positions.push(at);
    out.values.push(0);
  }
  return out;
}

/** The fold of each candidate: a random permutation dealt out in turn, so folds differ in size by at most 1. */
function foldsOf(count: number, folds: number, random: Random): Uint8Array {
  const order = Array.from({ length: count }, (_, e) => e);
  for (let e = count - 1; e > 0; e--) {
    const other = Math.floor(random.next() * (e + 1));
    [order[e], order[other]] = [order[other], order[e]];
  }
  const fold = new Uint8Array(count);
  order.forEach((e, turn) => (fold[e] = turn % folds));
  return fold;
}

/** Stratum `stratum` with fold `f`'s candidates (and its own unknown entries) masked. */
function maskedStratum(stratum: Stratum, c: Candidates, fold: Uint8Array, f: number): Stratum {
  const hidden = c.positions.filter((_, e) => fold[e] === f);
  if (!("indptr" in stratum)) {
    const data = flatDense(stratum, c.rows, c.cols);
    for (const at of hidden) data[at] = NaN;
    return { name: stratum.name, data, rows: c.rows, cols: c.cols };
  }
  const all = [...c.unknown, ...hidden];
  const { name, rows, cols, indptr, indices, values } = stratum as CsrStratum;
  return {
    name,
    rows,
    cols,
    indptr,
    indices,
    values,
    unknown: { rows: all.map((at) => Math.floor(at / cols)), cols: all.map((at) => at % cols) },
  };
}

/** Σ (value − model)² over fold `f`'s held-out entries of stratum i, and their count. */
function heldOutError(model: Model, i: number, c: Candidates, fold: Uint8Array, f: number) {
  const { rank: k, cols: n } = model;
  const v = model.V[i], W = model.W[i], H = model.H;
  let sum = 0, count = 0;
  c.positions.forEach((at, e) => {
    if (fold[e] !== f) return;
    const r = Math.floor(at / n), j = at % n;
    let x = v[j];
    for (let q = 0; q < k; q++) x += W[r * k + q] * H[q * n + j];
    sum += (c.values[e] - x) ** 2;
    count++;
  });
  return { sum, count };
}

/**
 * A plain-NMF start { V = 0, W, H } with W, H ~ U(0,1) · √(mean observed value / k) (scikit-learn's
 * scaling of its random start), from `seed`.
 */
function plainStart(candidates: readonly Candidates[], rank: number, seed: number) {
  let sum = 0, count = 0;
  for (const c of candidates) {
    for (const x of c.values) sum += x;
    count += c.rows * c.cols - c.unknown.size;
  }
  const scale = Math.sqrt(sum / Math.max(1, count) / rank);
  const random = new Random(seed);
  const draw = (length: number) => Float32Array.from({ length }, () => random.next() * scale);
  const n = candidates[0].cols;
  return {
    V: candidates.map(() => new Float32Array(n)),
    W: candidates.map((c) => draw(c.rows * rank)),
    H: draw(rank * n),
  };
}

/** Checks the options; returns them resolved. */
function resolve(options: CrossValidateOptions) {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`${ACTION}: options must be an object with { ranks }`);
  }
  const { ranks, folds = 3, restarts = 1, maxIter = 200, tol = 0, solver = "hals", plain = true } = options;
  if (!Array.isArray(ranks) || ranks.length === 0) {
    throw new TypeError(`${ACTION}: options.ranks must be a non-empty array of ranks`);
  }
  for (const k of ranks) {
    if (!Number.isSafeInteger(k) || k < 1) {
      throw new RangeError(`${ACTION}: options.ranks holds ${k}, expected integers ≥ 1`);
    }
  }
  if (!Number.isSafeInteger(folds) || folds < 2 || folds > 100) {
    throw new RangeError(`${ACTION}: options.folds must be an integer in [2, 100], got ${folds}`);
  }
  if (!Number.isSafeInteger(restarts) || restarts < 1) {
    throw new RangeError(`${ACTION}: options.restarts must be an integer ≥ 1, got ${restarts}`);
  }
  if (!Number.isSafeInteger(maxIter) || maxIter < 1) {
    throw new RangeError(`${ACTION}: options.maxIter must be an integer ≥ 1, got ${maxIter}`);
  }
  const seed = options.seed ?? crypto.getRandomValues(new Uint32Array(1))[0];
  return { ranks: [...new Set(ranks)].sort((a, b) => a - b), folds, restarts, maxIter, tol, solver, plain, seed };
}

/** Mean, and standard error of the mean (sample sd / √count; 0 for one value). */
function meanAndError(values: readonly number[]): { mean: number; se: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return { mean, se: 0 };
  const variance = values.reduce((a, x) => a + (x - mean) ** 2, 0) / (values.length - 1);
  return { mean, se: Math.sqrt(variance / values.length) };
}

/** The smallest rank within one standard error of the lowest mean held-out error. */
export function suggestRank(summary: readonly RankSummary[]): number {
  const rows = summary.filter((x) => x.model === "stratified");
  if (rows.length === 0) return NaN;
  const best = rows.reduce((a, b) => b.meanTest < a.meanTest ? b : a);
  return Math.min(...rows.filter((x) => x.meanTest <= best.meanTest + best.seTest).map((x) => x.rank));
}

/**
 * Held-out error of the stratified model (and of plain NMF at the same rank and at rank + s) at
 * each rank, over `folds` disjoint sets of held-out entries; see the module's comment.
 *
 * @param strata as `fit()` takes them (NaN in dense strata and CSR `unknown` lists are unknown:
 *   never held out, never scored)
 * @throws {TypeError | RangeError} for bad options (before any fit), and what `fit()` throws
 */
export async function crossValidate(
  strata: readonly Stratum[],
  options: CrossValidateOptions,
): Promise<CrossValidation> {
  const settings = resolve(options);
  const layouts = describeStrata(strata, ACTION);
  const totalRows = layouts.reduce((a, x) => a + x.rows, 0);
  const cols = layouts[0].cols;
  const limit = Math.min(cols, totalRows);
  const random = new Random(settings.seed);
  const candidates = layouts.map((x) => candidatesOf(strata[x.index], x.rows, x.cols, random));
  const folds = candidates.map((c) => foldsOf(c.positions.length, settings.folds, random));
  const skipped: string[] = [];
  const ranks = settings.ranks.filter((k) => {
    if (k <= limit) return true;
    skipped.push(`rank ${k} left out: beyond what the data allow (min of ${cols} columns and ${totalRows} rows)`);
    return false;
  });
  if (ranks.length === 0) throw new RangeError(`${ACTION}: every rank exceeds what the data allow (${limit})`);
  const s = strata.length;
  const kinds: { model: ModelKind; extra: number }[] = [{ model: "stratified", extra: 0 }];
  if (settings.plain) kinds.push({ model: "plain", extra: 0 }, { model: "plain+s", extra: s });
  for (const k of ranks) {
    if (settings.plain && k + s > limit) skipped.push(`plain NMF at rank ${k} + ${s} left out: beyond ${limit}`);
  }
  const total = ranks.length * settings.folds * kinds.length;
  const results: FoldResult[] = [];
  const heldOut: number[] = [];
  const common: Partial<FitOptions> = {
    maxIter: settings.maxIter,
    tol: settings.tol,
    solver: settings.solver,
    missing: "mask",
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  for (let f = 0; f < settings.folds; f++) {
    const training = strata.map((x, i) => maskedStratum(x, candidates[i], folds[i], f));
    heldOut.push(folds.reduce((a, fold) => a + fold.filter((x) => x === f).length, 0));
    const seeds = startSeeds(settings.seed + f + 1, settings.restarts);
    for (const k of ranks) {
      for (const { model: kind, extra } of kinds) {
        const fitted = k + extra;
        if (fitted > limit) continue;
        const model = kind === "stratified"
          ? await fit(training, { ...common, rank: fitted, seed: seeds[0], restarts: settings.restarts })
          : await bestPlain(training, candidates, fitted, seeds, common);
        try {
          results.push({ model: kind, rank: k, fittedRank: fitted, fold: f, ...errorsOf(model, candidates, folds, f) });
        } finally {
          model.free();
        }
        options.onProgress?.({ model: kind, rank: k, fold: f, done: results.length, total });
      }
    }
  }
  const summary = summarize(results);
  return {
    format: "stratified-nmf-rank",
    ranks,
    folds: settings.folds,
    seed: settings.seed,
    restarts: settings.restarts,
    maxIter: settings.maxIter,
    solver: settings.solver,
    heldOut,
    results,
    summary,
    suggestedRank: suggestRank(summary),
    skipped,
  };
}

/** The plain NMF (V fixed at 0) from each seed's start, the one with the lowest training loss kept. */
async function bestPlain(
  training: Stratum[],
  candidates: readonly Candidates[],
  rank: number,
  seeds: readonly number[],
  common: Partial<FitOptions>,
): Promise<Model> {
  let best: Model | undefined;
  for (const seed of seeds) {
    const model = await fit(training, { ...common, rank, vUpdates: 0, init: plainStart(candidates, rank, seed) });
    if (best === undefined || model.loss < best.loss) {
      best?.free();
      best = model;
    } else model.free();
  }
  return best!;
}

/** Train and test RMS errors of a model fitted on fold `f`'s training entries. */
function errorsOf(model: Model, candidates: readonly Candidates[], folds: readonly Uint8Array[], f: number) {
  let sum = 0, count = 0, observed = 0;
  candidates.forEach((c, i) => {
    const part = heldOutError(model, i, c, folds[i], f);
    sum += part.sum;
    count += part.count;
    observed += c.rows * c.cols - c.unknown.size - part.count;
  });
  return { trainError: Math.sqrt(model.loss ** 2 / observed), testError: Math.sqrt(sum / Math.max(1, count)) };
}

/** Per model and rank: mean train and test error over the folds, and the test error's standard error. */
function summarize(results: readonly FoldResult[]): RankSummary[] {
  const groups = new Map<string, FoldResult[]>();
  for (const x of results) {
    const key = `${x.model}\u0000${x.rank}`;
    groups.set(key, [...(groups.get(key) ?? []), x]);
  }
  return [...groups.values()].map((rows) => {
    const test = meanAndError(rows.map((x) => x.testError));
    return {
      model: rows[0].model,
      rank: rows[0].rank,
      fittedRank: rows[0].fittedRank,
      meanTrain: meanAndError(rows.map((x) => x.trainError)).mean,
      meanTest: test.mean,
      seTest: test.se,
    };
  });
}

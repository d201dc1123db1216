/**
 * Model files: the JSON of `Model.toJSON()` (format 2: the settings in one object) and the files
 * of format 1 written before. Every field is checked, with the checks and error style of
 * `fit()`'s options (`checks.ts`, `options.ts`), before anything is allocated: the factors'
 * shapes are checked against the sizes the file declares by the lengths of its arrays.
 *
 * @module
 */

import { checkFactorShapes, type Shape } from "./factors.ts";
import type { InitialFactors, ModelSettings } from "../types.ts";
import { arrayOf, boolean, type Check, checked, closest, finite, integer, positive, strings } from "./checks.ts";
import { checkSettings, OPTIONS } from "./options.ts";
import { type Preprocessing, preprocessingProblem } from "./preprocess.ts";
import { rowIdsProblem } from "./row_ids.ts";
import { restartsProblem, type RestartsRecord, type Stability, stabilityProblem } from "../inference/stability.ts";

/** The version {@link ModelJSON} files are written with. */
export const MODEL_VERSION = 2;

/**
 * A serialized model (`Model.toJSON()`, format 2); also usable as `fit()`'s `init`. The run's
 * results are {@link RunResults}' (`totalMs` absent in files written before it was recorded).
 */
export interface ModelJSON extends Omit<RunResults, "lossHistory" | "scale"> {
  format: "stratified-nmf";
  version: 2;
  /** The stratum names. */
  names: string[];
  /** `m_i` of each stratum. */
  rows: number[];
  /** `n`. */
  cols: number;
  /** `k`. */
  rank: number;
  /** Names of the `n` columns, when the fit was given them. */
  columnNames?: string[];
  /** The settings of the fit (`model.settings`). */
  settings: ModelSettings;
  lossHistory: number[];
  /**
   * What the fit divided the data by (the power of two at or below their largest entry; docs/algorithm.md, "Units"): new rows
   * are divided by it too. Absent in files written before it was recorded: 1.
   */
  scale?: number;
  /**
   * What was done to the data's columns before the fit (missing cells, shifts, scales), when
   * anything was: `transform` treats new rows the same. Absent: the data were fitted as read.
   */
  preprocessing?: Preprocessing;
  /** An identifier of each row of each stratum (W(i)'s rows), when the data had them. */
  rowIds?: (string | number)[][];
  /**
   * The largest value of each column of the data the fit was given (n numbers ≥ 0): how far apart
   * the columns' scales are, for the rankings of `topFeatures`. Absent in files written before it
   * was recorded.
   */
  columnMaxima?: number[];
  /** s vectors of length n. */
  V: number[][];
  /** s matrices, m_i rows of k. */
  W: number[][][];
  /** k rows of n. */
  H: number[][];
}

/** What a run gives besides the factors (a model's fields, as read from a file). */
export interface RunResults {
  /** The loss before each iteration and the final loss last (only the final one without trackLoss). */
  lossHistory: Float64Array;
  loss: number;
  normalizedLoss: number;
  iterations: number;
  converged: boolean;
  elapsedMs: number;
  /** Milliseconds the whole fit() call took (see ModelJSON's `totalMs`). */
  totalMs?: number;
  /** What the fit divided the data by (see ModelJSON's `scale`). */
  scale: number;
}

/** Everything a model holds besides its factors. */
export interface ModelInfo extends RunResults {
  names: string[];
  settings: ModelSettings;
  columnNames?: string[];
  preprocessing?: Preprocessing;
  rowIds?: (string | number)[][];
  starts?: RestartsRecord;
  stability?: Stability;
  fingerprint?: string;
  columnMaxima?: number[];
}

/** A model file, checked: everything a model is made of, its factors not yet in memory. */
export interface ModelFile extends ModelInfo {
  shape: Shape;
  factors: InitialFactors;
}

/** The checks of the fields besides the shape, the settings and the factors. */
const RESULTS: { [K in keyof RunResults]: Check<unknown> } = {
  lossHistory: arrayOf(finite(0), "an array of finite numbers ≥ 0"),
  loss: finite(0),
  normalizedLoss: finite(0),
  iterations: integer(0),
  converged: boolean,
  elapsedMs: finite(0),
  totalMs: finite(0),
  scale: positive,
};

/** The results a file may leave out (files written before they were recorded). */
const OPTIONAL_RESULTS: ReadonlySet<string> = new Set(["totalMs"]);

const SHAPE_FIELDS = ["format", "version", "names", "rows", "cols", "rank", "columnNames"];
const FACTOR_FIELDS = ["V", "W", "H"];

/** The fields of a file of each version. */
const FIELDS: Record<number, string[]> = {
  1: [
    ...SHAPE_FIELDS,
    ...Object.keys(RESULTS),
    ...FACTOR_FIELDS,
    "seed",
    "schedule",
    "vUpdates",
    "solver",
    "init",
    "l1V",
    "l1W",
    "l1H",
  ],
  2: [
    ...SHAPE_FIELDS,
    "settings",
    ...Object.keys(RESULTS),
    "preprocessing",
    "rowIds",
    "starts",
    "stability",
    "fingerprint",
    "columnMaxima",
    ...FACTOR_FIELDS,
  ],
};

/**
 * The settings of a format-1 file, where they were fields of the model: those it did not
 * record are what the code that wrote it did (the multiplicative updates, the random start
 * when a seed is recorded, no penalty, the data as given), and 1 thread.
 */
function settingsOfVersion1(data: Record<string, unknown>): Record<string, unknown> {
  return {
    solver: data.solver ?? "mu",
    schedule: data.schedule,
    vUpdates: data.vUpdates,
    init: data.init ?? (data.seed === null ? "explicit" : "random"),
    seed: data.seed,
    l1V: data.l1V ?? 0,
    l1W: data.l1W ?? 0,
    l1H: data.l1H ?? 0,
    threads: 1,
  };
}

/** @throws {RangeError} for a field that no file of `version` has, with a suggestion. */
function rejectUnknownFields(data: Record<string, unknown>, version: number, action: string): void {
  const fields = FIELDS[version];
  for (const key of Object.keys(data)) {
    if (fields.includes(key)) continue;
    const suggestion = closest(key, new Map(fields.map((field) => [field, field])));
    throw new RangeError(
      `${action}: ${key} is not a field of a model file (version ${version})${
        suggestion ? ` (did you mean ${suggestion}?)` : ""
      }`,
    );
  }
}

/** The names, rows, cols and rank, checked against each other. */
function readShape(data: Record<string, unknown>, action: string): { shape: Shape; names: string[] } {
  const names = checked(strings, data.names, "names", action);
  const rows = checked(arrayOf(integer(1), "an array of integers ≥ 1"), data.rows, "rows", action);
  if (names.length === 0 || names.length !== rows.length) {
    throw new RangeError(
      `${action}: names and rows must have the same, non-zero length (one per stratum), got ${names.length} and ${rows.length}`,
    );
  }
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i) {
      throw new RangeError(`${action}: names[${i}] repeats the name ${JSON.stringify(name)}`);
    }
  });
  const cols = checked(integer(1), data.cols, "cols", action);
  const rank = checked(integer(1, Math.min(cols, rows.reduce((a, b) => a + b, 0))), data.rank, "rank", action);
  return { shape: { rows, cols, rank }, names };
}

/** The run's results, checked, the loss history against the iterations. */
function readResults(data: Record<string, unknown>, version: number, action: string): RunResults {
  // Files written before the scale was recorded come from fits of the data as given.
  const given: Record<string, unknown> = version === 1 ? { elapsedMs: 0, scale: 1, ...data } : { scale: 1, ...data };
  const results = Object.fromEntries(
    Object.entries(RESULTS)
      .filter(([key]) => !(OPTIONAL_RESULTS.has(key) && given[key] === undefined))
      .map(([key, check]) => [key, checked(check, given[key], key, action)]),
  ) as unknown as Omit<RunResults, "lossHistory"> & { lossHistory: number[] };
  const { lossHistory, iterations } = results;
  if (lossHistory.length !== iterations + 1 && lossHistory.length !== 1) {
    throw new RangeError(
      `${action}: lossHistory has ${lossHistory.length} values, expected iterations + 1 = ${
        iterations + 1
      } (or 1, the final loss, when the loss was not tracked)`,
    );
  }
  return { ...results, lossHistory: Float64Array.from(lossHistory) };
}

/** The optional records of a format-2 file. */
type Records = Pick<ModelFile, "preprocessing" | "rowIds" | "starts" | "stability" | "fingerprint" | "columnMaxima">;

/** The optional records of format 2 (preprocessing, row ids, starts, stability, column maxima), checked against the shape. */
function readRecords(data: Record<string, unknown>, shape: Shape, action: string): Records {
  const records: Records = {};
  const check = (name: keyof Records, problem: string | undefined) => {
    if (problem) throw new RangeError(`${action}: ${name} ${problem}`);
    (records as Record<string, unknown>)[name] = data[name];
  };
  if (data.starts !== undefined) check("starts", restartsProblem(data.starts));
  if (data.fingerprint !== undefined) {
    check("fingerprint", /^[0-9a-f]{16}$/.test(String(data.fingerprint)) ? undefined : "must be 16 hex digits");
  }
  if (data.stability !== undefined) {
    check("stability", stabilityProblem(data.stability, shape.rows.length, shape.cols, shape.rank));
  }
  if (data.columnMaxima !== undefined) {
    records.columnMaxima = checked(
      arrayOf(finite(0), "an array of finite numbers ≥ 0"),
      data.columnMaxima,
      "columnMaxima",
      action,
    );
    if (records.columnMaxima.length !== shape.cols) {
      throw new RangeError(
        `${action}: columnMaxima has ${records.columnMaxima.length} numbers for ${shape.cols} columns`,
      );
    }
  }
  if (data.preprocessing !== undefined) {
    const problem = preprocessingProblem(data.preprocessing, shape.cols, shape.rows);
    if (problem) throw new RangeError(`${action}: preprocessing ${problem}`);
    records.preprocessing = data.preprocessing as Preprocessing;
  }
  if (data.rowIds !== undefined) {
    const problem = rowIdsProblem(data.rowIds, shape.rows);
    if (problem) throw new RangeError(`${action}: rowIds${problem.startsWith("[") ? "" : " "}${problem}`);
    records.rowIds = data.rowIds as (string | number)[][];
  }
  return records;
}

/**
 * A model file's content (`JSON.parse` of it, or the text), checked field by field.
 * @throws {TypeError} for a field of the wrong type (`names[0] must be a string`)
 * @throws {RangeError} for a wrong value, an unknown field, an unknown version, or factors whose
 *   arrays do not have the shape the file declares
 */
export function readModelJSON(json: unknown, action: string): ModelFile {
  const data = typeof json === "string" ? JSON.parse(json) : json;
  if (typeof data !== "object" || data === null || Array.isArray(data) || data.format !== "stratified-nmf") {
    throw new TypeError(`${action}: not a stratified-nmf model (format field missing)`);
  }
  const version = data.version;
  if (version !== 1 && version !== MODEL_VERSION) {
    throw new RangeError(`${action}: version ${JSON.stringify(version)} is not supported (1 or ${MODEL_VERSION})`);
  }
  rejectUnknownFields(data, version, action);
  const { shape, names } = readShape(data, action);
  const factors = { V: data.V, W: data.W, H: data.H };
  checkFactorShapes(shape, factors, action);
  const settings = version === 1
    ? checkSettings(settingsOfVersion1(data), action, "")
    : checkSettings(data.settings, action, "settings.");
  let columnNames: string[] | undefined;
  if (data.columnNames !== undefined) {
    columnNames = checked(OPTIONS.columnNames.check, data.columnNames, "columnNames", action);
    if (columnNames.length !== shape.cols) {
      throw new RangeError(`${action}: columnNames has ${columnNames.length} names for ${shape.cols} columns`);
    }
  }
  return {
    shape,
    names,
    columnNames,
    ...readRecords(data, shape, action),
    settings,
    ...readResults(data, version, action),
    factors,
  };
}

/**
 * The files `snmf effects` writes: the CSV (one row per stratum and column) and the JSON (the
 * records of `effects()` under `effects`, its settings, and which model they are of), and the
 * reading of the JSON back, checked against the model, for `snmf top --effects` and
 * `snmf report --effects` (docs/inference.md).
 *
 * @module
 */

import type { Effect, Effects, Model } from "../sdk/mod.ts";
import { formatFloat32, type Table, tableCsv } from "../io/write_table.ts";
import { InputError } from "./errors.ts";
import { readJson } from "./model_file.ts";

/** The `format` field of an effects JSON file. */
export const EFFECTS_FORMAT = "stratified-nmf-effects";

/** The fields of the CSV and what they hold, for `--help` and README. */
export const EFFECTS_FIELDS = `  stratum        the stratum's name
  column         the column's index, from 0
  name           the column's name (when the model has column names)
  v              v*(i)ⱼ, the procedure's canonical shift (docs/inference.md)
  v_lower, v_upper          its 95 % bootstrap interval
  share          v*(i)ⱼ / Σₗ v*(l)ⱼ (empty where every stratum's v* is 0)
  share_lower, share_upper  its 95 % bootstrap interval
  contrast       v*(i)ⱼ minus the mean of the other strata's v*(l)ⱼ
  lower, upper   the contrast's 95 % bootstrap interval (stratified, percentile)
  p              one-sided permutation p-value: "stratum i has more of column j than
                 the others" (labels permuted, the null pooled over the stratum's columns)
  q              Benjamini–Hochberg q-value over the stratum's columns; q < 0.05 is a call
  stable         whether the model's share of the column stays within 0.05 over its
                 restarts near the best loss (fit --restarts N); empty without restarts
                 or when only the best start ended within 1 % of its loss`;

/** Which model the effects are of: what `snmf top` and `snmf report` check them against. */
export interface EffectsOwner {
  names: string[];
  cols: number;
  rank: number;
  fingerprint?: string;
}

const ownerOf = (model: Model): EffectsOwner => ({
  names: [...model.names],
  cols: model.cols,
  rank: model.rank,
  ...(model.fingerprint ? { fingerprint: model.fingerprint } : {}),
});

/** The effects as one table: a row per stratum and column, in the order of `effects()`. */
export function effectsTable(result: Effects, model: Model): Table {
  const rows = result.effects;
  const float64 = (name: string, pick: (e: Effect) => number) =>
    ({ name, kind: "float64", values: rows.map(pick) }) as const;
  return {
    rows: rows.length,
    columns: [
      { name: "stratum", kind: "string", values: rows.map((e) => e.stratum) },
      { name: "column", kind: "int", values: rows.map((e) => e.column) },
      ...(model.columnNames ? [{ name: "name", kind: "string", values: rows.map((e) => e.name!) } as const] : []),
      { name: "v", kind: "float32", values: rows.map((e) => e.v) },
      float64("v_lower", (e) => e.vInterval[0]),
      float64("v_upper", (e) => e.vInterval[1]),
      float64("share", (e) => e.share),
      float64("share_lower", (e) => e.shareInterval[0]),
      float64("share_upper", (e) => e.shareInterval[1]),
      float64("contrast", (e) => e.contrast),
      float64("lower", (e) => e.lower),
      float64("upper", (e) => e.upper),
      float64("p", (e) => e.p),
      float64("q", (e) => e.q),
      { name: "stable", kind: "string", values: rows.map((e) => e.stable === null ? "" : String(e.stable)) },
    ],
  };
}

/** The CSV of the effects. */
export const effectsCsv = (result: Effects, model: Model): string => tableCsv(effectsTable(result, model));

/**
 * The JSON of the effects: `{ format, version, model: { names, cols, rank, fingerprint? },
 * settings, seconds, effects }` (v as the float32 it is, NaN as null).
 */
export function effectsJson(result: Effects, model: Model, seconds: number): string {
  return JSON.stringify({
    format: EFFECTS_FORMAT,
    version: 1,
    model: ownerOf(model),
    settings: result.settings,
    seconds,
    effects: result.effects.map((e) => ({ ...e, v: Number(formatFloat32(e.v)) })),
  }) + "\n";
}

/** An effects file read back: the SDK's result (null numbers as NaN). */
export type EffectsFile = Effects & { seconds: number };

const isNumber = (x: unknown) => x === null || typeof x === "number";
const isPair = (x: unknown) => Array.isArray(x) && x.length === 2 && x.every(isNumber);
const NUMBERS = ["v", "share", "contrast", "lower", "upper", "p", "q"] as const;

/** What is wrong with record `e` of a model with strata `names` and `cols` columns, or undefined. */
function recordProblem(e: Record<string, unknown>, names: readonly string[], cols: number): string | undefined {
  if (typeof e !== "object" || e === null) return "is not an object";
  if (!names.includes(e.stratum as string)) return `stratum ${JSON.stringify(e.stratum)} is not one of the model's`;
  if (!(Number.isInteger(e.column) && (e.column as number) >= 0 && (e.column as number) < cols)) {
    return `column must be an index of the model's ${cols} columns, got ${JSON.stringify(e.column)}`;
  }
  const bad = NUMBERS.find((key) => !isNumber(e[key]));
  if (bad) return `${bad} must be a number, got ${JSON.stringify(e[bad])}`;
  if (!isPair(e.vInterval) || !isPair(e.shareInterval)) return "vInterval and shareInterval must be [lower, upper]";
  if (!(e.stable === null || typeof e.stable === "boolean")) return "stable must be true, false or null";
  return undefined;
}

/** Which of the owner's fields differs from the model's, said plainly, or undefined. */
function ownerProblem(owner: EffectsOwner, model: Model): string | undefined {
  const quoted = (names: readonly string[]) => names.map((n) => JSON.stringify(n)).join(", ");
  if (owner.names.length !== model.names.length || owner.names.some((n, i) => n !== model.names[i])) {
    return `its strata are ${quoted(owner.names)}, the model's ${quoted(model.names)}`;
  }
  if (owner.cols !== model.cols) return `it has ${owner.cols} columns, the model ${model.cols}`;
  if (owner.rank !== model.rank) return `it was computed at rank ${owner.rank}, the model is of rank ${model.rank}`;
  if (owner.fingerprint && model.fingerprint && owner.fingerprint !== model.fingerprint) {
    return "it was computed on other data than the model was fit on (their fingerprints differ)";
  }
  return undefined;
}

/** NaN for null: the numbers of a record as effects() gave them. */
function revived(e: Record<string, unknown>): Effect {
  const value = (x: unknown) => (x === null ? NaN : x as number);
  const pair = (x: unknown) => (x as unknown[]).map(value) as [number, number];
  return {
    ...(e as unknown as Effect),
    ...Object.fromEntries(NUMBERS.map((key) => [key, value(e[key])])),
    vInterval: pair(e.vInterval),
    shareInterval: pair(e.shareInterval),
  };
}

/**
 * The effects in `file` (written by `snmf effects --json`), checked to be of `model`: the same
 * strata, columns, rank and (when both record one) data fingerprint, one record per stratum and column.
 * @throws {InputError} naming the file and the problem
 */
export function readEffects(file: string, model: Model): EffectsFile {
  const json = readJson(file) as Record<string, unknown> | null;
  const fail = (problem: string) => new InputError(file, undefined, problem);
  if (typeof json !== "object" || json === null || json.format !== EFFECTS_FORMAT) {
    throw fail(`is not an effects file: expected the JSON of snmf effects --json (format "${EFFECTS_FORMAT}")`);
  }
  const owner = json.model as EffectsOwner;
  if (typeof owner !== "object" || owner === null || !Array.isArray(owner.names)) {
    throw fail("is not an effects file: model must be { names, cols, rank }");
  }
  const mismatch = ownerProblem(owner, model);
  if (mismatch) throw fail(`holds the effects of another model: ${mismatch}`);
  const records = json.effects as Record<string, unknown>[];
  const expected = model.names.length * model.cols;
  if (!Array.isArray(records) || records.length !== expected) {
    throw fail(`effects must be ${expected} records (one per stratum and column)`);
  }
  records.forEach((e, r) => {
    const problem = recordProblem(e, model.names, model.cols);
    if (problem) throw fail(`effects[${r}]: ${problem}`);
  });
  const settings = json.settings as Effects["settings"];
  if (typeof settings !== "object" || settings === null || typeof settings.level !== "number") {
    throw fail("settings must be the settings of effects()");
  }
  return { effects: records.map(revived), settings, seconds: typeof json.seconds === "number" ? json.seconds : NaN };
}

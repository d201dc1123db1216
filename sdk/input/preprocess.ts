/**
 * Preprocessing of tables before a fit: what to do with missing cells, columns with negative
 * values shifted to start at 0, and columns put on one scale. The record of what was done
 * ({@link Preprocessing}) is kept on the model, so that `transform` treats new rows the same
 * ({@link applyPreprocessing}) and results can be given back in the data's own units
 * ({@link toOriginalUnits}).
 *
 * Each column j is transformed as `x' = (x + shift_j) / divisor_j` after its missing cells are
 * filled (or their rows dropped); the statistics are those of the column over every stratum
 * together, after filling or dropping. This per-column scaling is the user's choice and is a
 * different thing from the fit's own division of all the data by one power of two
 * (`normalizeUnits`, `model.scale`; docs/algorithm.md, "Numerics, units"), which never changes
 * the result.
 *
 * @module
 */

/**
 * What to do with a missing cell: `"error"` (refuse the data), `"drop-rows"` (leave out every
 * row with one), `"fill-mean"` (the column's mean), `"fill-zero"`, or `"mask"` (leave it NaN: the
 * fit, with `missing: "mask"`, leaves it out of the objective).
 */
export type MissingPolicy = "error" | "drop-rows" | "fill-mean" | "fill-zero" | "mask";

/** The policies there are; the command line's `--missing` offers what this list holds. */
export const MISSING_POLICIES: readonly MissingPolicy[] = ["error", "drop-rows", "fill-mean", "fill-zero", "mask"];

/**
 * How columns are put on one scale: `"none"`; `"max"` divides each by its largest value;
 * `"minmax"` maps each onto [0, 1]; `"std"` divides each by its standard deviation (without
 * centring, which would make values negative).
 */
export type ScaleKind = "none" | "max" | "minmax" | "std";

export const SCALE_KINDS: readonly ScaleKind[] = ["none", "max", "minmax", "std"];

/** What to do to a table's columns before the fit. */
export interface PreprocessOptions {
  /** What to do with missing cells (default `"error"`). */
  missing?: MissingPolicy;
  /** How to scale the columns (default `"none"`). */
  scale?: ScaleKind;
  /** Shift every column with a negative value by its minimum, so that it starts at 0 (default false). */
  shiftNegative?: boolean;
}

/** A dense stratum of a table: `rows × cols` float32, row-major, NaN for a missing cell. */
export interface DenseTable {
  name?: string;
  rows: number;
  cols: number;
  data: Float32Array;
  /** An identifier of each row (from an id column). */
  rowIds?: (string | number)[];
}

/** A sparse stratum (CSR, as the readers of sparse files build it): no missing cells. */
export interface CsrTable {
  name?: string;
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
  rowIds?: (string | number)[];
}

export type TableData = DenseTable | CsrTable;

/**
 * What was done to the data before the fit, per column (the model's `preprocessing`): each
 * value x of column j became `(x + shift[j]) / divisor[j]`, after missing cells were filled
 * with `fill[j]` or their rows dropped.
 */
export interface Preprocessing {
  missing: MissingPolicy;
  /** With `"fill-mean"` or `"fill-zero"`: the value missing cells of each column were given. */
  fill?: number[];
  /** Missing cells found in each column (filled, or in dropped rows). */
  missingCells: number[];
  /**
   * With `"drop-rows"`: per stratum, the 0-based positions, among the stratum's rows as read,
   * of the rows left out. W(i)'s row r is the r-th row not listed.
   */
  droppedRows?: number[][];
  scale: ScaleKind;
  shiftNegative: boolean;
  /** Added to each column's values (0: not shifted). */
  shift: number[];
  /** What each column's shifted values were divided by (1: not scaled). */
  divisor: number[];
}

/** Preprocessed strata and what was done. */
export interface Preprocessed<T extends TableData> {
  strata: T[];
  /** The record for the model; undefined when every option was its default (nothing done). */
  preprocessing: Preprocessing | undefined;
  /** Missing cells found in each column. */
  missingCells: number[];
  /** Rows left out for missing cells, over all strata. */
  droppedRows: number;
  /** Each column's largest value, after any shift and before scaling. */
  columnMaxima: number[];
  /** Things worth a word to the user (column maxima far apart with no scaling). */
  warnings: string[];
}

/** Column maxima further apart than this, unscaled, earn a warning. */
export const SCALE_WARNING_RATIO = 100;

const isCsr = (s: TableData): s is CsrTable => (s as CsrTable).indptr !== undefined;

/** `column 2 ("y")`, 0-based as the SDK counts. */
function columnLabel(j: number, names: readonly string[] | undefined): string {
  const name = names?.[j];
  return name === undefined ? `column ${j}` : `column ${j} ("${name}")`;
}

/** Per-column sums over the cells that are not missing: count, sum, min, max. */
interface ColumnStats {
  count: Float64Array;
  sum: Float64Array;
  min: Float64Array;
  max: Float64Array;
}

function columnStats(strata: readonly TableData[], cols: number): ColumnStats {
  const stats = {
    count: new Float64Array(cols),
    sum: new Float64Array(cols),
    min: new Float64Array(cols).fill(Infinity),
    max: new Float64Array(cols).fill(-Infinity),
  };
  const add = (j: number, x: number, times = 1) => {
    stats.count[j] += times;
    stats.sum[j] += x * times;
    if (x < stats.min[j]) stats.min[j] = x;
    if (x > stats.max[j]) stats.max[j] = x;
  };
  for (const s of strata) {
    if (isCsr(s)) {
      const stored = new Float64Array(cols);
      for (let e = 0; e < s.indices.length; e++) {
        add(s.indices[e], s.values[e]);
        stored[s.indices[e]]++;
      }
      for (let j = 0; j < cols; j++) if (stored[j] < s.rows) add(j, 0, s.rows - stored[j]);
      continue;
    }
    const { data } = s;
    for (let at = 0; at < data.length; at++) {
      const x = data[at];
      if (x === x) add(at % cols, x);
    }
  }
  return stats;
}

/** Σ (x − mean_j)² per column, over every cell that is not missing (masked cells stay NaN). */
function squaredDeviations(strata: readonly TableData[], cols: number, mean: Float64Array): Float64Array {
  const sums = new Float64Array(cols);
  for (const s of strata) {
    if (isCsr(s)) {
      const stored = new Float64Array(cols);
      for (let e = 0; e < s.indices.length; e++) {
        const j = s.indices[e];
        sums[j] += (s.values[e] - mean[j]) ** 2;
        stored[j]++;
      }
      for (let j = 0; j < cols; j++) sums[j] += (s.rows - stored[j]) * mean[j] ** 2;
      continue;
    }
    const { data } = s;
    for (let at = 0; at < data.length; at++) {
      if (data[at] === data[at]) sums[at % cols] += (data[at] - mean[at % cols]) ** 2;
    }
  }
  return sums;
}

/** Missing (NaN) cells per column, and the rows holding one, per stratum. */
function findMissing(strata: readonly TableData[], cols: number): { cells: number[]; rows: number[][] } {
  const cells = new Array<number>(cols).fill(0);
  const rows = strata.map((s) => {
    const found: number[] = [];
    if (isCsr(s)) return found;
    for (let r = 0; r < s.rows; r++) {
      let any = false;
      for (let j = 0; j < cols; j++) {
        const x = s.data[r * cols + j];
        if (x !== x) {
          cells[j]++;
          any = true;
        }
      }
      if (any) found.push(r);
    }
    return found;
  });
  return { cells, rows };
}

/** A dense stratum without the rows `drop` (sorted), its values moved up in place. */
function withoutRows<T extends TableData>(stratum: T, drop: readonly number[], cols: number): T {
  if (drop.length === 0) return stratum;
  const s = stratum as DenseTable;
  let kept = 0;
  let next = 0;
  for (let r = 0; r < s.rows; r++) {
    if (next < drop.length && drop[next] === r) {
      next++;
      continue;
    }
    if (kept !== r) s.data.copyWithin(kept * cols, r * cols, (r + 1) * cols);
    kept++;
  }
  const dropped = new Set(drop);
  const rowIds = s.rowIds?.filter((_, r) => !dropped.has(r));
  return { ...stratum, rows: kept, data: s.data.subarray(0, kept * cols), ...(rowIds ? { rowIds } : {}) };
}

/** Gives every missing cell of column j the value `fill[j]`. */
function fillMissing(strata: readonly TableData[], cols: number, fill: readonly number[]): void {
  for (const s of strata) {
    if (isCsr(s)) continue;
    const { data } = s;
    for (let at = 0; at < data.length; at++) if (data[at] !== data[at]) data[at] = fill[at % cols];
  }
}

/** Shift and divisor of each column, from its statistics (after filling). */
function shiftsAndDivisors(
  strata: readonly TableData[],
  cols: number,
  stats: ColumnStats,
  scale: ScaleKind,
  shiftNegative: boolean,
): { shift: number[]; divisor: number[] } {
  const shift = Array.from(stats.min, (min) => {
    if (!Number.isFinite(min)) return 0;
    if (scale === "minmax") return min === 0 ? 0 : -min;
    return shiftNegative && min < 0 ? -min : 0;
  });
  let deviations: Float64Array | undefined;
  if (scale === "std") {
    const mean = stats.sum.map((sum, j) => stats.count[j] > 0 ? sum / stats.count[j] : 0);
    deviations = squaredDeviations(strata, cols, mean);
  }
  const divisor = shift.map((s, j) => {
    let d = 1;
    if (scale === "max") d = stats.max[j] + s;
    else if (scale === "minmax") d = stats.max[j] - stats.min[j];
    else if (scale === "std" && stats.count[j] > 0) d = Math.sqrt(deviations![j] / stats.count[j]);
    // A constant column (or one of zeros) keeps its values: there is nothing to scale.
    return Number.isFinite(d) && d > 0 ? d : 1;
  });
  return { shift, divisor };
}

/**
 * `x' = (x + shift_j) / divisor_j` on every value (CSR: the stored ones, whose shift is 0).
 * @returns the first negative value left, if any: stratum, row, column and value
 */
function applyColumns(
  strata: readonly TableData[],
  cols: number,
  shift: readonly number[],
  divisor: readonly number[],
): { stratum: number; row: number; col: number; value: number } | undefined {
  const identity = shift.every((s) => s === 0) && divisor.every((d) => d === 1);
  let negative: { stratum: number; row: number; col: number; value: number } | undefined;
  strata.forEach((s, i) => {
    const values = isCsr(s) ? s.values : s.data;
    for (let at = 0; at < values.length; at++) {
      const j = isCsr(s) ? s.indices[at] : at % cols;
      const x = values[at];
      if (!identity) values[at] = (x + shift[j]) / divisor[j];
      if (values[at] < 0 && negative === undefined) {
        const row = isCsr(s) ? rowOfEntry(s.indptr, at) : Math.floor(at / cols);
        negative = { stratum: i, row, col: j, value: x };
      }
    }
  });
  return negative;
}

/** The row of CSR entry `e`. */
function rowOfEntry(indptr: Int32Array, e: number): number {
  let r = 0;
  while (indptr[r + 1] <= e) r++;
  return r;
}

/** How far apart columns' maxima are: see {@link maximaSpread}. */
export interface MaximaSpread {
  /** The largest maximum over the smallest positive one. */
  ratio: number;
  /** The columns (0-based) with the smallest positive and the largest maximum, the first of equal ones. */
  low: number;
  high: number;
  /** Whether the largest is more than {@link SCALE_WARNING_RATIO} times the smallest positive: columns on mixed scales. */
  mixed: boolean;
}

/**
 * How far apart the columns' scales are, from each column's largest value: the rule of the fit's
 * warning and of the rankings of `topFeatures` (docs/algorithm.md §Contrasts and shares).
 * @param maxima n numbers ≥ 0, a column's largest value each
 * @returns undefined when no column has a positive maximum
 */
export function maximaSpread(maxima: ArrayLike<number>): MaximaSpread | undefined {
  let low = -1;
  let high = -1;
  for (let j = 0; j < maxima.length; j++) {
    const m = maxima[j];
    if (!(m > 0)) continue;
    if (low < 0 || m < maxima[low]) low = j;
    if (high < 0 || m > maxima[high]) high = j;
  }
  if (low < 0) return undefined;
  return { ratio: maxima[high] / maxima[low], low, high, mixed: maxima[high] > SCALE_WARNING_RATIO * maxima[low] };
}

/** The warning for column maxima more than {@link SCALE_WARNING_RATIO}× apart, if they are. */
function scaleWarning(maxima: readonly number[], say: PreprocessMessages): string | undefined {
  const spread = maximaSpread(maxima);
  if (!spread?.mixed) return undefined;
  const { ratio, low, high } = spread;
  const fmt = (x: number) =>
    x >= 1e5 || x < 1e-3 ? x.toExponential(2).replace(/\.?0+e/, "e") : Number(x.toPrecision(3)).toString();
  return `column maxima differ ${fmt(ratio)}-fold, from ${fmt(maxima[low])} in ${say.column(low)} to ${
    fmt(maxima[high])
  } in ${say.column(high)}: the largest columns dominate the fit and its loss; ${say.option("scale", "max")} or ${
    say.option("scale", "std")
  } puts the columns on one scale`;
}

/** How {@link preprocess} words its errors: the action, and what to tell about options. */
export interface PreprocessMessages {
  /** The error for a problem (a sentence without the action: `stratum 0 row 2, column 1 is missing`). */
  fail(problem: string): Error;
  /** Follows "is empty" or "is missing": how to choose what to do with missing cells. */
  missingHint: string;
  /** Follows "is negative": how to shift columns. */
  negativeHint: string;
  /** Names stratum i. */
  stratum(stratum: number): string;
  /** Names stratum i, row r (as read, before any was dropped). */
  where(stratum: number, row: number): string;
  /** Names column j. */
  column(j: number): string;
  /** Names an option in messages: `shiftNegative` or `--shift-negative`. */
  option(name: "scale" | "shiftNegative" | "missing", value?: string): string;
}

/** The SDK's wording: 0-based places, option names as `fromTable()` takes them. */
export function sdkMessages(
  action: string,
  names?: readonly string[],
  strata?: readonly TableData[],
): PreprocessMessages {
  const stratum = (i: number) => `stratum ${i}${strata?.[i]?.name === undefined ? "" : ` ("${strata[i].name}")`}`;
  return {
    fail: (problem) => new RangeError(`${action}: ${problem}`),
    missingHint:
      `; choose what to do with missing cells: missing "drop-rows", "fill-mean", "fill-zero" or "mask" (default "error")`,
    negativeHint: `; shiftNegative: true (or scale: "minmax") shifts each column to start at 0`,
    stratum,
    where: (i, r) => `${stratum(i)} row ${r}`,
    column: (j) => columnLabel(j, names),
    option: (name, value) => value === undefined ? `${name}: true` : `${name}: "${value}"`,
  };
}

/** Refuses what would densify sparse strata: shifting columns (minmax shifts them by their minimum). */
function refuseDensifying(strata: readonly TableData[], options: Required<PreprocessOptions>, say: PreprocessMessages) {
  const sparse = strata.findIndex(isCsr);
  if (sparse < 0) return;
  const what = options.shiftNegative
    ? say.option("shiftNegative")
    : options.scale === "minmax"
    ? say.option("scale", "minmax")
    : undefined;
  if (what === undefined) return;
  throw say.fail(
    `${what} would shift the columns of the sparse ${
      say.stratum(sparse)
    }, making every zero entry non-zero (dense); on sparse data only ${say.option("scale", "max")} and ${
      say.option("scale", "std")
    } apply`,
  );
}

/** Finds, drops or fills the missing cells by `policy`. */
function handleMissing<T extends TableData>(
  strata: T[],
  cols: number,
  policy: MissingPolicy,
  say: PreprocessMessages,
): { strata: T[]; missingCells: number[]; dropped?: number[][]; fill?: number[] } {
  const { cells, rows } = findMissing(strata, cols);
  const first = rows.findIndex((found) => found.length > 0);
  if (policy === "error") {
    if (first >= 0) {
      const s = strata[first] as DenseTable;
      const r = rows[first][0];
      let j = 0;
      while (s.data[r * cols + j] === s.data[r * cols + j]) j++;
      throw say.fail(`${say.where(first, r)}, ${say.column(j)} is missing${say.missingHint}`);
    }
    return { strata, missingCells: cells };
  }
  if (policy === "mask") return { strata, missingCells: cells };
  if (policy === "drop-rows") {
    const kept = strata.map((s, i) => withoutRows(s, rows[i], cols));
    const empty = kept.findIndex((s) => s.rows === 0);
    if (empty >= 0) {
      throw say.fail(`${say.stratum(empty)} has no rows left: every one has a missing cell`);
    }
    return { strata: kept, missingCells: cells, dropped: rows };
  }
  let fill: number[];
  if (policy === "fill-zero") fill = new Array<number>(cols).fill(0);
  else {
    const stats = columnStats(strata, cols);
    fill = Array.from(stats.sum, (sum, j) => stats.count[j] > 0 ? Math.fround(sum / stats.count[j]) : NaN);
    const none = fill.findIndex((x, j) => Number.isNaN(x) && cells[j] > 0);
    if (none >= 0) throw say.fail(`${say.column(none)} has no values to take the mean of`);
  }
  fillMissing(strata, cols, fill);
  return { strata, missingCells: cells, fill };
}

/**
 * Preprocesses strata in place (dense values are overwritten; dropped rows shorten the
 * stratum): missing cells by `options.missing`, then every column shifted and scaled by
 * `options.scale` and `options.shiftNegative`, with statistics over all strata together.
 * @throws {RangeError} for a missing cell with `missing: "error"`, a negative value left unshifted,
 *   a shift of sparse strata, a stratum left with no rows
 */
export function preprocess<T extends TableData>(
  strata: T[],
  options: PreprocessOptions = {},
  messages?: PreprocessMessages,
): Preprocessed<T> {
  const say = messages ?? sdkMessages("Cannot preprocess data", undefined, strata);
  const settled = { missing: options.missing ?? "error", scale: options.scale ?? "none", shiftNegative: false };
  settled.shiftNegative = options.shiftNegative ?? false;
  const cols = strata[0]?.cols ?? 0;
  refuseDensifying(strata, settled, say);
  const missing = handleMissing(strata, cols, settled.missing, say);
  const stats = columnStats(missing.strata, cols);
  const { shift, divisor } = shiftsAndDivisors(missing.strata, cols, stats, settled.scale, settled.shiftNegative);
  const negative = applyColumns(missing.strata, cols, shift, divisor);
  if (negative) {
    throw say.fail(
      `${say.where(negative.stratum, negative.row)}, ${
        say.column(negative.col)
      } is negative (${negative.value})${say.negativeHint}`,
    );
  }
  const columnMaxima = Array.from(stats.max, (max, j) => Number.isFinite(max) ? max + shift[j] : 0);
  const warning = settled.scale === "none" ? scaleWarning(columnMaxima, say) : undefined;
  const record = settled.missing !== "error" || settled.scale !== "none" || settled.shiftNegative;
  return {
    strata: missing.strata,
    preprocessing: record
      ? {
        missing: settled.missing,
        ...(missing.fill ? { fill: missing.fill } : {}),
        missingCells: missing.missingCells,
        ...(missing.dropped ? { droppedRows: missing.dropped } : {}),
        scale: settled.scale,
        shiftNegative: settled.shiftNegative,
        shift,
        divisor,
      }
      : undefined,
    missingCells: missing.missingCells,
    droppedRows: missing.dropped?.reduce((sum, rows) => sum + rows.length, 0) ?? 0,
    columnMaxima,
    warnings: warning === undefined ? [] : [warning],
  };
}

/**
 * New rows treated as the fit's data were (`snmf transform`): missing cells filled with the
 * fit's values or their rows dropped, then each column shifted and divided as recorded.
 * @returns the rows, and the positions of those dropped
 * @throws {RangeError} for a missing cell when the fit refused them, or a value that is still
 *   negative after the shift (below the smallest value of the fit's data)
 */
export function applyPreprocessing<T extends TableData>(
  preprocessing: Preprocessing,
  stratum: T,
  say: PreprocessMessages = sdkMessages("Cannot preprocess rows"),
): { stratum: T; dropped: number[]; missingCells: number[] } {
  const cols = stratum.cols;
  const { cells, rows } = findMissing([stratum], cols);
  let result = stratum;
  if (rows[0].length > 0) {
    if (preprocessing.missing === "error") {
      const r = rows[0][0];
      const data = (stratum as DenseTable).data;
      let j = 0;
      while (data[r * cols + j] === data[r * cols + j]) j++;
      throw say.fail(`${say.where(0, r)}, ${say.column(j)} is missing${say.missingHint}`);
    }
    if (preprocessing.missing === "drop-rows") result = withoutRows(stratum, rows[0], cols);
    else if (preprocessing.missing !== "mask") fillMissing([stratum], cols, preprocessing.fill!);
  }
  if (result.rows === 0) throw say.fail(`every row has a missing cell`);
  const negative = applyColumns([result], cols, preprocessing.shift, preprocessing.divisor);
  if (negative) {
    throw say.fail(
      `${say.where(0, negative.row)}, ${say.column(negative.col)} (${negative.value}) is below ${-preprocessing
        .shift[negative.col]}, the smallest value of the data the model was fitted to`,
    );
  }
  return { stratum: result, dropped: preprocessing.missing === "drop-rows" ? rows[0] : [], missingCells: cells };
}

/**
 * A model's v(i) and H in the data's own units, before the preprocessing: with
 * `x' = (x + s_j) / d_j` per column, `A ≈ 1 v(i)ᵀ + W(i) H` in the preprocessed units is
 * `A_original ≈ 1 v'(i)ᵀ + W(i) H'` with `v'(i)_j = v(i)_j d_j − s_j` (so v' can be negative where
 * a column was shifted) and `H'_qj = H_qj d_j`; W(i) is the same.
 * @param V one vector of `n` per stratum
 * @param H `k × n`, row-major
 */
export function toOriginalUnits(
  preprocessing: Preprocessing,
  V: readonly ArrayLike<number>[],
  H: ArrayLike<number>,
): { V: Float64Array[]; H: Float64Array } {
  const { shift, divisor } = preprocessing;
  const cols = shift.length;
  return {
    V: V.map((v) => Float64Array.from({ length: cols }, (_, j) => v[j] * divisor[j] - shift[j])),
    H: Float64Array.from({ length: H.length }, (_, at) => H[at] * divisor[at % cols]),
  };
}

/**
 * What is wrong with a preprocessing record, for `cols` columns and `strata` strata when they
 * are known; undefined when nothing is.
 */
export function preprocessingProblem(value: unknown, cols?: number, strata?: readonly number[]): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "must be an object";
  const p = value as Record<string, unknown>;
  const known = ["missing", "fill", "missingCells", "droppedRows", "scale", "shiftNegative", "shift", "divisor"];
  const unknown = Object.keys(p).find((key) => !known.includes(key));
  if (unknown !== undefined) return `has a field ${unknown} that is not one of ${known.join(", ")}`;
  if (!MISSING_POLICIES.includes(p.missing as MissingPolicy)) {
    return `missing must be one of ${MISSING_POLICIES.map((x) => `"${x}"`).join(", ")}`;
  }
  if (!SCALE_KINDS.includes(p.scale as ScaleKind)) {
    return `scale must be one of ${SCALE_KINDS.map((x) => `"${x}"`).join(", ")}`;
  }
  if (typeof p.shiftNegative !== "boolean") return "shiftNegative must be a boolean";
  const n = cols ?? (Array.isArray(p.shift) ? p.shift.length : 0);
  const numbers = (key: string, ok: (x: number) => boolean, rule: string) => {
    const list = p[key];
    if (!Array.isArray(list) || list.length !== n) return `${key} must be an array of ${n} numbers (one per column)`;
    const bad = list.findIndex((x) => typeof x !== "number" || !ok(x));
    return bad < 0 ? undefined : `${key}[${bad}] must be ${rule}, got ${JSON.stringify(list[bad])}`;
  };
  const problem = numbers("shift", Number.isFinite, "a finite number") ??
    numbers("divisor", (x) => Number.isFinite(x) && x > 0, "a finite number > 0") ??
    numbers("missingCells", (x) => Number.isSafeInteger(x) && x >= 0, "an integer ≥ 0");
  if (problem) return problem;
  const filled = p.missing === "fill-mean" || p.missing === "fill-zero";
  if (filled) return numbers("fill", Number.isFinite, "a finite number");
  if (p.fill !== undefined) return `fill applies to missing "fill-mean" and "fill-zero" only`;
  if (p.missing !== "drop-rows") {
    return p.droppedRows === undefined ? undefined : `droppedRows applies to missing "drop-rows" only`;
  }
  const dropped = p.droppedRows;
  if (!Array.isArray(dropped) || (strata !== undefined && dropped.length !== strata.length)) {
    return `droppedRows must be an array of ${strata?.length ?? "the strata's"} arrays (one per stratum)`;
  }
  const bad = dropped.findIndex((rows) =>
    !Array.isArray(rows) ||
    rows.some((r, k) => !Number.isSafeInteger(r) || r < 0 || (k > 0 && r <= rows[k - 1]))
  );
  return bad < 0 ? undefined : `droppedRows[${bad}] must be increasing row positions (integers ≥ 0)`;
}

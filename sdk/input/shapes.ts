/**
 * The shapes of the user's strata, checked before anything is allocated or copied: each stratum
 * is an object with a unique name and either dense data (rows of values, or flat values with
 * `rows` or `cols`) or a CSR structure whose arrays agree with its `rows` and `cols`; every
 * stratum has the same columns. Values are checked while they are copied (sdk/input/strata.ts).
 *
 * @module
 */

import type { CsrStratum, DenseStratum, Stratum } from "../types.ts";

/** What is known of a stratum before its values are read. */
export interface StratumLayout {
  readonly index: number;
  readonly name: string;
  readonly kind: "dense" | "csr";
  readonly rows: number;
  readonly cols: number;
  /** Stored entries (rows × cols for a dense stratum). */
  readonly nnz: number;
  /** Dense: whether the data come as one array per row. */
  readonly nested: boolean;
  /** Names the stratum in error messages. */
  readonly place: Place;
}

export function isCsr(stratum: Stratum): stratum is CsrStratum {
  return (stratum as CsrStratum).indptr !== undefined;
}

/** Builds error messages of the form "<action>: stratum 2 ("b") <detail>". */
export class Place {
  constructor(readonly action: string, readonly index: number, readonly name: string) {}
  get label(): string {
    return `stratum ${this.index} ("${this.name}")`;
  }
  type(detail: string): TypeError {
    return new TypeError(`${this.action}: ${this.label} ${detail}`);
  }
  range(detail: string): RangeError {
    return new RangeError(`${this.action}: ${this.label} ${detail}`);
  }
}

const isPositiveInteger = (x: unknown): x is number => typeof x === "number" && Number.isSafeInteger(x) && x > 0;
export const isArrayLike = (x: unknown): x is ArrayLike<unknown> =>
  typeof x === "object" && x !== null && typeof (x as ArrayLike<unknown>).length === "number";

/** Rows and columns of a dense stratum, and whether its data comes as one array per row. */
function denseShape(stratum: DenseStratum, place: Place): { rows: number; cols: number; nested: boolean } {
  const { data } = stratum;
  if (!isArrayLike(data)) throw place.type("has no data array");
  const nested = data.length > 0 && isArrayLike(data[0]);
  if (nested) {
    const rows = data.length;
    const cols = (data[0] as ArrayLike<number>).length;
    if (stratum.rows !== undefined && stratum.rows !== rows) {
      throw place.range(`has ${rows} rows of data but rows is ${stratum.rows}`);
    }
    if (stratum.cols !== undefined && stratum.cols !== cols) {
      throw place.range(`has ${cols} columns in row 0 but cols is ${stratum.cols}`);
    }
    return { rows, cols, nested };
  }
  const length = data.length;
  const { rows, cols } = stratum;
  if (rows === undefined && cols === undefined) {
    if (length === 0) throw place.range("has no rows");
    throw place.type("gives flat data without rows or cols");
  }
  for (const [key, value] of [["rows", rows], ["cols", cols]] as const) {
    if (value !== undefined && !isPositiveInteger(value)) {
      throw place.range(`${key} must be a positive integer, got ${value}`);
    }
  }
  const c = cols ?? length / rows!;
  const r = rows ?? length / cols!;
  if (!Number.isInteger(r) || !Number.isInteger(c) || r * c !== length) {
    throw place.range(`has ${length} values, which is not rows × cols (${rows ?? "?"} × ${cols ?? "?"})`);
  }
  return { rows: r, cols: c, nested };
}

/** Rows, columns and stored entries of a CSR stratum, with its arrays' lengths and ends checked. */
function csrShape(stratum: CsrStratum, place: Place): { rows: number; cols: number; nnz: number } {
  const { rows, cols, indptr, indices, values } = stratum;
  if (!isPositiveInteger(rows)) throw place.range(`rows must be a positive integer, got ${rows}`);
  if (!isPositiveInteger(cols)) throw place.range(`cols must be a positive integer, got ${cols}`);
  for (const [key, value] of [["indptr", indptr], ["indices", indices], ["values", values]] as const) {
    if (!isArrayLike(value)) throw place.type(`has no ${key} array`);
  }
  if (indptr.length !== rows + 1) {
    throw place.range(`indptr has length ${indptr.length}, expected rows + 1 = ${rows + 1}`);
  }
  const nnz = indices.length;
  if (values.length !== nnz) throw place.range(`has ${nnz} indices but ${values.length} values`);
  if (indptr[0] !== 0) throw place.range(`indptr[0] is ${indptr[0]}, expected 0`);
  if (indptr[rows] !== nnz) throw place.range(`indptr[${rows}] is ${indptr[rows]}, expected the ${nnz} stored entries`);
  return { rows, cols, nnz };
}

/** The layout of one stratum (its name checked against `names`, which it joins). */
function describe(stratum: Stratum, index: number, names: Set<string>, action: string): StratumLayout {
  if (typeof stratum !== "object" || stratum === null) {
    throw new TypeError(`${action}: stratum ${index} is not an object`);
  }
  const name = stratum.name ?? `stratum ${index}`;
  if (typeof name !== "string") throw new TypeError(`${action}: stratum ${index} has a name that is not a string`);
  if (names.has(name)) throw new RangeError(`${action}: stratum ${index} repeats the name "${name}"`);
  names.add(name);
  const place = new Place(action, index, name);
  if (isCsr(stratum)) return { index, name, place, kind: "csr", nested: false, ...csrShape(stratum, place) };
  const { rows, cols, nested } = denseShape(stratum, place);
  if (rows === 0) throw place.range("has no rows");
  if (cols === 0) throw place.range("has no columns");
  return { index, name, place, kind: "dense", rows, cols, nested, nnz: rows * cols };
}

/**
 * The layouts of `strata`, checked: structure and shapes, not values.
 *
 * @throws {TypeError} for a missing or wrongly typed array or name.
 * @throws {RangeError} for a bad shape or CSR structure, a repeated name, no strata, or column
 *   counts that differ between strata.
 */
export function describeStrata(strata: readonly Stratum[], action: string): StratumLayout[] {
  if (!Array.isArray(strata)) throw new TypeError(`${action}: strata must be an array`);
  if (strata.length === 0) throw new RangeError(`${action}: no strata given`);
  const names = new Set<string>();
  const layouts = strata.map((stratum, index) => describe(stratum, index, names, action));
  for (const layout of layouts) {
    if (layout.cols !== layouts[0].cols) {
      throw layout.place.range(`has ${layout.cols} columns, expected ${layouts[0].cols} as in stratum 0`);
    }
  }
  return layouts;
}

/**
 * Row identifiers: what each row of each stratum is (a car, a document), given with the strata
 * (`rowIds`, from `fromTable()`'s `idColumn`) and kept on the model, so that a row of W(i) can be
 * traced to its source.
 *
 * @module
 */

import type { Stratum } from "../types.ts";

/** What is wrong with one stratum's row ids for `rows` rows, or undefined. */
function idsProblem(ids: unknown, rows: number): string | undefined {
  if (typeof ids !== "object" || ids === null || typeof (ids as ArrayLike<unknown>).length !== "number") {
    return "must be an array of strings or numbers";
  }
  const list = ids as ArrayLike<unknown>;
  if (list.length !== rows) return `has ${list.length} ids for ${rows} rows`;
  for (let r = 0; r < rows; r++) {
    const id = list[r];
    if (typeof id !== "string" && !(typeof id === "number" && Number.isFinite(id))) {
      return `[${r}] must be a string or a finite number, got ${JSON.stringify(id) ?? String(id)}`;
    }
  }
  return undefined;
}

/**
 * The row ids of the strata (each stratum's `rowIds`), or undefined when no stratum has them.
 * @throws {RangeError} when some strata have them and others not, or a list does not fit its stratum
 */
export function rowIdsOf(
  strata: readonly Stratum[],
  rows: readonly number[],
  action: string,
): (string | number)[][] | undefined {
  const given = strata.map((s) => s.rowIds);
  const first = given.findIndex((ids) => ids !== undefined);
  if (first < 0) return undefined;
  const missing = given.findIndex((ids) => ids === undefined);
  if (missing >= 0) {
    throw new RangeError(`${action}: stratum ${missing} has no rowIds where stratum ${first} has them (all or none)`);
  }
  return given.map((ids, i) => {
    const problem = idsProblem(ids, rows[i]);
    if (problem) throw new RangeError(`${action}: stratum ${i} rowIds${problem.startsWith("[") ? "" : " "}${problem}`);
    return Array.from(ids!);
  });
}

/** What is wrong with a model file's `rowIds` for strata of `rows` rows, or undefined. */
export function rowIdsProblem(value: unknown, rows: readonly number[]): string | undefined {
  if (!Array.isArray(value) || value.length !== rows.length) {
    return `must be an array of ${rows.length} arrays (one per stratum)`;
  }
  for (let i = 0; i < rows.length; i++) {
    const problem = idsProblem(value[i], rows[i]);
    if (problem) return problem.startsWith("[") ? `[${i}]${problem}` : `[${i}] ${problem}`;
  }
  return undefined;
}

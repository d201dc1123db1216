/**
 * Files decoded into columns (JSON, JSON Lines, Parquet, Arrow IPC) grouped into strata by the
 * SDK's own grouping (`groupTable()`, sdk/input/table.ts: the code `fromTable()` runs), with
 * errors that name the file and, where the format has lines, the line, and the memory the strata
 * will need checked before their arrays are allocated.
 *
 * @module
 */

import { type Columns, groupTable } from "../sdk/input/table.ts";
import { InputError, UsageError } from "./errors.ts";
import { MemoryBudget } from "./memory.ts";
import type { GroupedFile, Grouping, ReadOptions, StratumFile } from "./reader.ts";

/** How the command line names the options of the grouping. */
const OPTION_FLAGS = { strataColumn: "--strata-column", columns: "--columns", idColumn: "--id-column" } as const;

/**
 * Groups a file's decoded columns into strata. `lineOf` gives the 1-based line of a row, for
 * formats with lines; otherwise errors name the row, 1-based.
 * @throws {InputError} naming the file (and line) for a bad cell, an unknown column, data too large
 */
export function groupColumns(
  file: string,
  columns: Columns,
  grouping: Grouping,
  options: ReadOptions,
  lineOf?: (row: number) => number,
): GroupedFile {
  const memory = options.memory ?? new MemoryBudget();
  const grouped = groupTable(columns, {
    ...grouping,
    missing: options.allowMissing === true,
    negatives: options.allowNegative === true,
    claim: (shapes) => shapes.forEach((shape) => memory.claim(file, undefined, shape)),
  }, {
    fail: (row, problem) => {
      if (row === undefined) return new InputError(file, undefined, problem);
      return lineOf
        ? new InputError(file, lineOf(row), problem)
        : new InputError(file, undefined, `row ${row + 1}: ${problem}`);
    },
    at: (row) => lineOf ? `line ${lineOf(row)}` : `row ${row + 1}`,
    option: (name) => OPTION_FLAGS[name],
    missingHint: options.hints?.missing ?? "",
    negativeHint: options.hints?.negative ?? "",
  });
  return { ...grouped, skipped: [] };
}

/** One stratum of a file of named columns: every column that holds numbers. */
export function stratumOf(grouped: GroupedFile): StratumFile {
  const { name: _, ...stratum } = grouped.strata[0];
  return { stratum, header: grouped.columnNames };
}

/**
 * A module the command line loads only when a file needs it (the Parquet and Arrow libraries),
 * with a clear message when it is not installed.
 * @throws {UsageError} naming the package to install
 */
export async function loadLibrary<T>(load: () => Promise<T>, what: string, packages: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = String((error as Error).message ?? error);
    if (code === "ERR_MODULE_NOT_FOUND" || /Cannot find (module|package)|not found/i.test(message)) {
      throw new UsageError(
        `reading ${what} needs the npm package ${packages}, which is not installed: npm install ${packages}`,
      );
    }
    throw error;
  }
}

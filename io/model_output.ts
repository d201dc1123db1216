/**
 * Where a model may be written: a new file, or an existing one that is a model file this tool
 * wrote (recognised by how `snmf` starts every model file, `{"format":"stratified-nmf"`), or any
 * file with `--force`. Anything else is refused before the fit starts, so that a default output
 * name (`model.json`) never replaces an unrelated file. How a file is replaced is
 * io/atomic_write.ts's.
 *
 * @module
 */

import { closeSync, openSync, readSync, statSync } from "node:fs";
import { UsageError } from "./errors.ts";

/** Where `snmf fit` and `snmf text` write the model without `--out`. */
export const DEFAULT_MODEL = "model.json";

/** The first bytes of every model file `snmf` writes (`JSON.stringify` of `Model.toJSON()`). */
export const MODEL_FILE_START = '{"format":"stratified-nmf"';

/** Whether the regular file at `path` starts as the model files this tool writes. */
export function isModelFile(path: string): boolean {
  const expected = new TextEncoder().encode(MODEL_FILE_START);
  const start = new Uint8Array(expected.length);
  const fd = openSync(path, "r");
  try {
    const read = readSync(fd, start, 0, start.length, 0);
    return read === start.length && start.every((byte, i) => byte === expected[i]);
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks that a model may be written to `path` (see the module).
 * @throws {UsageError} for an existing file that is not a model file, without `force`
 */
export function checkModelOutput(path: string, force: boolean, option = "--out"): void {
  if (force) return;
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    return; // nothing there (or not reachable: io/atomic_write.ts reports that)
  }
  let model = false;
  try {
    model = isFile && isModelFile(path);
  } catch {
    // unreadable: not known to be a model file
  }
  if (isFile && !model) {
    throw new UsageError(
      `${option} ${path} exists and is not a model file written by snmf: choose another ${option}, or pass --force to replace it`,
    );
  }
}

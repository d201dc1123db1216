/**
 * The progress line of reading large files: one line on stderr, redrawn in place at most ten
 * times a second, with the file, the pass, the share read and the size. Shown only when stderr
 * is a terminal and the file is large (small files are read before anyone could look).
 *
 * @module
 */

import { writeSync } from "node:fs";
import { basename } from "node:path";
import process from "node:process";
import { formatBytes } from "./memory.ts";

/** Files smaller than this are read without a progress line. */
export const PROGRESS_MIN_BYTES = 64 * 2 ** 20;
const REDRAW_MS = 100;
const WIDTH = 20;

/** Receives the progress of the readers' passes over files. */
export interface ReadProgress {
  /** Pass `pass` (1-based) of `passes` over `file` has read `done` of its `total` bytes (undefined for a pipe). */
  update(file: string, pass: number, passes: number, done: number, total: number | undefined): void;
  /** Reading is over: clear the line. */
  done(): void;
}

/** The text of one progress line (without the carriage return). */
export function readProgressLine(
  label: string,
  file: string,
  pass: number,
  passes: number,
  done: number,
  total: number | undefined,
): string {
  const passText = passes > 1 ? `, pass ${pass} of ${passes}` : "";
  if (total === undefined || total === 0) return `${label}: reading ${basename(file)}: ${formatBytes(done)}${passText}`;
  const fraction = Math.min(1, done / total);
  const filled = Math.round(fraction * WIDTH);
  return `${label}: reading ${basename(file)} ${"█".repeat(filled)}${"░".repeat(WIDTH - filled)} ${
    Math.floor(fraction * 100)
  }% of ${formatBytes(total)}${passText}`;
}

/** Where and whether the line is drawn. */
export interface TerminalOptions {
  /** Writes text to the terminal (default: stderr, synchronously). */
  write?: (text: string) => void;
  /** Whether the output is a terminal (default: stderr's). */
  isTTY?: boolean;
  /** The terminal's width in characters. */
  columns?: number;
}

/** A {@link ReadProgress} that draws on a terminal, or draws nothing when `quiet` or not a terminal. */
export class TerminalReadProgress implements ReadProgress {
  readonly enabled: boolean;
  readonly #label: string;
  readonly #write: (text: string) => void;
  readonly #columns: number;
  #lastDraw = -Infinity;
  #drawn = false;

  constructor(label: string, quiet: boolean, options: TerminalOptions = {}) {
    this.#label = label;
    this.#write = options.write ?? ((text) => writeSync(2, text));
    this.#columns = options.columns ?? (process.stderr.columns || 100);
    this.enabled = !quiet && (options.isTTY ?? process.stderr.isTTY === true);
  }

  update(file: string, pass: number, passes: number, done: number, total: number | undefined): void {
    if (!this.enabled || (total !== undefined && total < PROGRESS_MIN_BYTES)) return;
    if (total === undefined && done < PROGRESS_MIN_BYTES) return;
    const now = performance.now();
    if (now - this.#lastDraw < REDRAW_MS && done !== total) return;
    this.#lastDraw = now;
    const line = readProgressLine(this.#label, file, pass, passes, done, total);
    this.#write(`\r\x1b[2K${line.slice(0, this.#columns - 1)}`);
    this.#drawn = true;
  }

  done(): void {
    if (this.#drawn) this.#write("\r\x1b[2K");
    this.#drawn = false;
  }
}

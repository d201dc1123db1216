/**
 * The progress line of long runs: one line on stderr, redrawn in place at most ten times a
 * second, with the iteration, a bar, the normalized loss, the rate and the time left. Shown only
 * when stderr is a terminal and `--quiet` is not given; no colour is used (so `NO_COLOR` has
 * nothing to turn off).
 *
 * @module
 */

import process from "node:process";
import type { ProgressInfo } from "../sdk/mod.ts";

const WIDTH = 24;
const REDRAW_MS = 100;

/** "1.2 s", "3 min 4 s", "1 h 2 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** The text of one progress line (without the carriage return); `unit`: what is counted ("it": iterations). */
export function progressLine(label: string, info: ProgressInfo, unit = "it"): string {
  const { iteration, maxIter, normalizedLoss, elapsedMs } = info;
  const fraction = maxIter > 0 ? Math.min(1, iteration / maxIter) : 1;
  const filled = Math.round(fraction * WIDTH);
  const bar = "█".repeat(filled) + "░".repeat(WIDTH - filled);
  const rate = elapsedMs > 0 ? iteration / (elapsedMs / 1000) : 0;
  const eta = rate > 0 ? (maxIter - iteration) / rate : NaN;
  const loss = Number.isNaN(normalizedLoss) ? "" : `  loss ${normalizedLoss.toExponential(3)}`;
  return `${label} ${bar} ${String(iteration).padStart(String(maxIter).length)}/${maxIter}${loss}` +
    `  ${rate >= 100 ? rate.toFixed(0) : rate.toFixed(1)} ${unit}/s  ETA ${formatDuration(eta)}`;
}

/** A progress line on stderr, or nothing when stderr is not a terminal or `quiet`. */
export class Progress {
  readonly enabled: boolean;
  readonly #label: string;
  readonly #unit: string;
  #lastDraw = 0;
  #drawn = false;

  /** @param unit what `iteration` counts, for the rate ("it": iterations) */
  constructor(label: string, quiet: boolean, unit = "it") {
    this.#label = label;
    this.#unit = unit;
    this.enabled = !quiet && process.stderr.isTTY === true;
  }

  /** An `onProgress` callback for `fit()`, or undefined when disabled. */
  get callback(): ((info: ProgressInfo) => void) | undefined {
    return this.enabled ? (info) => this.update(info) : undefined;
  }

  update(info: ProgressInfo): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.#lastDraw < REDRAW_MS && info.iteration < info.maxIter) return;
    this.#lastDraw = now;
    const columns = process.stderr.columns || 100;
    process.stderr.write(`\r\x1b[2K${progressLine(this.#label, info, this.#unit).slice(0, columns - 1)}`);
    this.#drawn = true;
  }

  /** Clears the line (before the summary is printed, or on an error). */
  done(): void {
    if (this.#drawn) process.stderr.write("\r\x1b[2K");
    this.#drawn = false;
  }
}

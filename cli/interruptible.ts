/**
 * Runs a long SDK call (a fit or a transform) with a progress line and Ctrl-C handling: the
 * first SIGINT aborts the call through its `AbortSignal` (it frees its memory and rejects, and
 * the command exits 130 having written nothing); a second one exits at once.
 *
 * @module
 */

import process from "node:process";
import type { ProgressInfo } from "../sdk/mod.ts";
import { EXIT, Interrupted } from "./errors.ts";
import { Progress } from "./progress.ts";

/** What the call receives: the signal to honour and the progress callback (if shown). */
export interface RunHooks {
  signal: AbortSignal;
  onProgress: ((info: ProgressInfo) => void) | undefined;
}

/**
 * Runs `task` with SIGINT wired to its abort signal and a progress line when wanted.
 * @param unit what the progress counts, for its rate ("it": iterations)
 */
export async function interruptible<T>(
  label: string,
  quiet: boolean,
  task: (hooks: RunHooks) => Promise<T>,
  unit = "it",
): Promise<T> {
  const controller = new AbortController();
  const progress = new Progress(label, quiet, unit);
  const onSigint = () => {
    if (controller.signal.aborted) {
      progress.done();
      process.exit(EXIT.interrupted);
    }
    controller.abort(new Interrupted());
  };
  process.on("SIGINT", onSigint);
  try {
    return await task({ signal: controller.signal, onProgress: progress.callback });
  } finally {
    progress.done();
    process.off("SIGINT", onSigint);
  }
}

/**
 * Errors of the command line and their exit codes: usage and input errors exit 2, an
 * interrupted run 130 (as shells report Ctrl-C), anything else 1. Every error is reported as
 * one line on stderr: `snmf COMMAND: FILE line N: problem`.
 *
 * @module
 */

import { InputError, UsageError } from "../io/errors.ts";
import { type OptionName, OPTIONS, optionSpec } from "../sdk/input/options.ts";
import { missingOptionalPackage, missingPackageMessage } from "./optional.ts";

export { InputError, UsageError };

/** Exit codes (documented in `snmf --help`). */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/** The run was stopped by Ctrl-C (SIGINT). Exit 130. */
export class Interrupted extends Error {
  override name = "Interrupted";
  constructor() {
    super("interrupted (Ctrl-C); nothing was written");
  }
}

/**
 * SDK errors that describe the data or the options (validation before any work, or data that
 * overflows float32), as opposed to failures of the machine (out of memory).
 */
function isSdkInputError(error: unknown): error is Error {
  return (error instanceof TypeError || error instanceof RangeError) &&
    /^Cannot (fit model|transform|read model|select stratum|select topic|name features|estimate effects):/.test(
      error.message,
    );
}

/** An SDK message with `options.maxIter` and the like written as the flags that set them (`--iters`). */
function withFlags(message: string): string {
  return message.replace(/options\.(\w+)/g, (text, name: string) => {
    const flag = Object.hasOwn(OPTIONS, name) ? optionSpec(name as OptionName).flag : undefined;
    return flag ? `--${flag.name}` : text;
  });
}

/** The exit code of an error, and its one-line message. */
export function describeError(error: unknown): { code: number; message: string } {
  if (error instanceof Interrupted) return { code: EXIT.interrupted, message: error.message };
  if (error instanceof UsageError || error instanceof InputError) return { code: EXIT.usage, message: error.message };
  if (isSdkInputError(error)) return { code: EXIT.usage, message: withFlags(error.message) };
  const missing = missingOptionalPackage(error);
  if (missing) return { code: EXIT.failure, message: missingPackageMessage(missing) };
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_")) {
    return { code: EXIT.usage, message: (error as Error).message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: EXIT.failure, message: message.split("\n")[0] };
}

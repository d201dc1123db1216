/**
 * The errors of reading input: a malformed file (naming the file and line) and a wrong command
 * line (an option's value). The command line reports both as one line and exits 2.
 *
 * @module
 */

/** A wrong command line: unknown option, missing argument, bad option value. Exit 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A malformed input file, naming the file and, where it applies, the 1-based line. Exit 2. */
export class InputError extends Error {
  override name = "InputError";
  readonly file: string;
  readonly line: number | undefined;
  readonly problem: string;

  constructor(file: string, line: number | undefined, problem: string) {
    super(line === undefined ? `${file}: ${problem}` : `${file} line ${line}: ${problem}`);
    this.file = file;
    this.line = line;
    this.problem = problem;
  }
}

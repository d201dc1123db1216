/**
 * The files this process has read as input, by device and inode (not by name, which links and
 * `./` spellings vary), so that an output never replaces one of them.
 *
 * @module
 */

/** What identifies a file: its device and inode, as `stat` gives them. */
export interface FileIdentity {
  dev: number;
  ino: number;
}

const inputs = new Map<string, string>();

function key({ dev, ino }: FileIdentity): string {
  return `${dev}:${ino}`;
}

/** Records that `path` (the file of `identity`) was read as input. */
export function noteInput(path: string, identity: FileIdentity): void {
  if (!inputs.has(key(identity))) inputs.set(key(identity), path);
}

/** The path under which the file of `identity` was read as input, if it was. */
export function inputNamed(identity: FileIdentity): string | undefined {
  return inputs.get(key(identity));
}

/** Forgets every input (for tests that run several commands in one process). */
export function forgetInputs(): void {
  inputs.clear();
}

/**
 * Lets the output replace the input `path` was read as (a model continued in place:
 * `snmf fit --init m.json --out m.json`): the caller has read it whole, and outputs are
 * replaced atomically, so the input is never half-written while it is read.
 */
export function releaseInput(identity: FileIdentity): void {
  inputs.delete(key(identity));
}

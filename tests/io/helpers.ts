// Shared by the io/ tests: a temp dir per test file, files written into it, and the chunk sizes
// that put chunk boundaries inside every kind of token.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Chunk sizes from the smallest a byte order mark fits in to the default. */
export const CHUNKS = [4, 5, 7, 64, 1 << 20];

/** A temp dir and a function that writes a file into it (text or bytes), returning its path. */
export function scratch(
  prefix: string,
): { dir: string; write: (name: string, content: string | Uint8Array) => string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Deterministic values in [0, 1). */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

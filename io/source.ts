/**
 * Input files as bytes: read in fixed-size chunks, as many times as a reader needs passes, with
 * every file's identity recorded (io/input_files.ts) and every failure to open or stat one
 * reported as an input error naming it (a missing file, a broken symbolic link, a directory).
 *
 * @module
 */

import {
  closeSync,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  type Stats,
  statSync,
} from "node:fs";
import { join } from "node:path";
import { InputError } from "./errors.ts";
import { noteInput } from "./input_files.ts";

/** Bytes read at a time: large enough that the per-chunk overhead vanishes, small beside any data. */
export const CHUNK_BYTES = 1 << 20;

/** Called after each chunk: bytes read so far in this pass, and the file's size (if known). */
export type ScanProgress = (bytesDone: number, bytesTotal: number | undefined) => void;

/** Receives each chunk, `chunk[0, length)`; returning `false` ends the pass there. */
export type ChunkVisitor = (chunk: Uint8Array, length: number) => void | false;

/** What is wrong with `path`, given the error of opening or stat-ing it. */
function problemOf(path: string, error: unknown, missing: string): string {
  const code = (error as { code?: string }).code;
  if (code === "ENOENT") {
    try {
      if (lstatSync(path).isSymbolicLink()) return `is a broken symbolic link (to "${readlinkSync(path)}")`;
    } catch {
      // not there at all
    }
    return missing;
  }
  if (code === "ELOOP") return "is a symbolic link that leads back to itself";
  if (code === "EISDIR") return "is a directory";
  if (code === "EACCES" || code === "EPERM") return "cannot be read (permission denied)";
  return (error as Error).message;
}

/**
 * The status of an input path, following symbolic links.
 * @throws {InputError} naming the path: missing (`missing` says so), a broken link, a loop
 */
export function statInput(path: string, missing = "no such file or directory"): Stats {
  try {
    return statSync(path);
  } catch (error) {
    throw new InputError(path, undefined, problemOf(path, error, missing));
  }
}

/**
 * The names of a directory's entries that are files (or directories, as `kind` says) and that
 * `keep` accepts, sorted; hidden entries (a leading ".") are left out.
 * @throws {InputError} naming an entry that cannot be stat-ed (a broken link, a loop)
 */
export function directoryEntries(
  dir: string,
  kind: "file" | "directory",
  keep: (entry: string) => boolean = () => true,
): string[] {
  return readdirSync(dir)
    .filter((entry) => !entry.startsWith(".") && keep(entry))
    .filter((entry) => {
      const stats = statInput(join(dir, entry));
      return kind === "file" ? stats.isFile() : stats.isDirectory();
    })
    .sort();
}

/**
 * One input file opened for reading in passes. A regular file is read from its start at each
 * pass; anything else (a pipe, `/dev/stdin`) is read once and its chunks kept for the later
 * passes, so it costs its size in memory.
 */
export class ByteSource {
  readonly file: string;
  /** The size in bytes of a regular file; undefined for a pipe or device. */
  readonly size: number | undefined;
  /** When a regular file was last modified, as it was opened: a later pass checks it is unchanged. */
  readonly #modified: number;
  #fd: number | undefined;
  readonly #chunk: Uint8Array;
  /** The chunks of a file that cannot be read twice, as far as read. */
  readonly #kept: Uint8Array[] | undefined;
  #ended = false;

  private constructor(file: string, fd: number, stats: Stats, chunkBytes: number) {
    this.file = file;
    // A small file needs no more than its size (plus a byte to see its end) at a time.
    this.#chunk = new Uint8Array(stats.isFile() ? Math.min(chunkBytes, Math.max(stats.size + 1, 4)) : chunkBytes);
    this.#fd = fd;
    this.size = stats.isFile() ? stats.size : undefined;
    this.#modified = stats.mtimeMs;
    this.#kept = stats.isFile() ? undefined : [];
  }

  /**
   * Opens `file` and records it as an input of this command. `chunkBytes` is for tests (chunk
   * boundaries anywhere).
   * @throws {InputError} naming the file when it cannot be opened or is a directory
   */
  static open(file: string, chunkBytes = CHUNK_BYTES): ByteSource {
    let fd: number;
    try {
      fd = openSync(file, "r");
    } catch (error) {
      throw new InputError(file, undefined, problemOf(file, error, "no such file"));
    }
    const stats = fstatSync(fd);
    if (stats.isDirectory()) {
      closeSync(fd);
      throw new InputError(file, undefined, "is a directory");
    }
    noteInput(file, stats);
    return new ByteSource(file, fd, stats, chunkBytes);
  }

  /** Opens `file`, runs `use` on it, and closes it. */
  static with<T>(file: string, use: (source: ByteSource) => T, chunkBytes = CHUNK_BYTES): T {
    const source = ByteSource.open(file, chunkBytes);
    try {
      return use(source);
    } finally {
      source.close();
    }
  }

  /** Fills `#chunk` from the file at `position` (or the current position): bytes read, 0 at the end. */
  #fill(position: number | null): number {
    let length = 0;
    const size = this.#chunk.length;
    while (length < size) {
      const at = position === null ? null : position + length;
      const read = readSync(this.#fd!, this.#chunk, length, size - length, at);
      if (read === 0) break;
      length += read;
    }
    return length;
  }

  /**
   * One pass over the file from its start: `visit` gets every chunk in order (each full but the
   * last), until the end or until it returns false.
   */
  scan(visit: ChunkVisitor, progress?: ScanProgress): void {
    let done = 0;
    const step = (chunk: Uint8Array, length: number): boolean => {
      done += length;
      const more = visit(chunk, length) !== false;
      progress?.(done, this.size);
      return more;
    };
    if (this.#kept === undefined) {
      const stats = fstatSync(this.#fd!);
      if (stats.size !== this.size || stats.mtimeMs !== this.#modified) {
        throw new InputError(this.file, undefined, "changed while it was being read");
      }
      for (let length; (length = this.#fill(done)) > 0;) if (!step(this.#chunk, length)) return;
      return;
    }
    for (const chunk of this.#kept) if (!step(chunk, chunk.length)) return;
    while (!this.#ended) {
      const length = this.#fill(null);
      if (length === 0) {
        this.#ended = true;
        return;
      }
      const chunk = this.#chunk.slice(0, length);
      this.#kept.push(chunk);
      if (!step(chunk, length)) return;
    }
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    this.#kept?.splice(0);
  }
}

/** The bytes of a whole (small) file: a model, an `--init` file, a word list. */
export function readBytes(file: string): Uint8Array {
  return ByteSource.with(file, (source) => {
    const chunks: Uint8Array[] = [];
    source.scan((chunk, length) => {
      chunks.push(chunk.slice(0, length));
    });
    const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return bytes;
  });
}

/** A whole (small) file as UTF-8 text, a byte order mark kept; malformed bytes become U+FFFD. */
export function readText(file: string): string {
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(readBytes(file));
}

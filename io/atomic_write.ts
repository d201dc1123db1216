/**
 * Output files, written without destroying what is at the path by accident:
 *
 * - a regular file (or nothing yet) is replaced atomically: the content goes to a temporary file
 *   beside it, is flushed to disk, and is renamed over it, so a failed or interrupted run leaves
 *   the old file or the new one, never a half-written one. A replaced file keeps its mode (and,
 *   where the process may set it, its owner);
 * - a symbolic link is followed: its target is replaced (the temporary file beside the target),
 *   the link stays a link, and a link to nothing creates its target;
 * - a device, a pipe or a socket (`/dev/null`, a FIFO, `/proc/self/fd/1`) is written directly,
 *   never replaced; so is a path that is this process's stdout or stderr (`/dev/stdout`);
 * - a file with other hard links is refused: renaming over it would leave the other names with
 *   the old content, and writing in place would lose atomicity and change what the other names
 *   (a backup's, say) hold. The user chooses, by removing the links or writing elsewhere;
 * - a file this command read as input (the same device and inode, whatever its name) is refused.
 *
 * Whether an existing regular file may be replaced at all is the caller's rule.
 *
 * @module
 */

import {
  accessSync,
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  openSync,
  readlinkSync,
  realpathSync,
  renameSync,
  type Stats,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import process from "node:process";
import { UsageError } from "./errors.ts";
import { inputNamed } from "./input_files.ts";

/** What is at an output path, and how it is written. */
type Target =
  /** Nothing (or a link to nothing): `path` is created, atomically. */
  | { kind: "new"; path: string }
  /** A regular file, links followed to `path`: replaced atomically, keeping its mode. */
  | { kind: "file"; path: string; stats: Stats }
  /** A device, pipe or socket: written directly, through `fd` when it is this process's stdout or stderr. */
  | { kind: "stream"; stats: Stats; fd?: number };

/** Links followed from `path` until a name that does not exist (or is not a link). */
function finalName(path: string): string {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let link: string;
    try {
      link = readlinkSync(current);
    } catch {
      return current;
    }
    let dir = dirname(current);
    try {
      dir = realpathSync(dir);
    } catch {
      // the directory is missing: reported by the caller
    }
    current = resolve(dir, link);
  }
  return current;
}

/** Whether two stats are of the same file. */
function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** The standard output or error stream of this process that is the file of `stats`, if one is. */
function ownStream(stats: Stats): number | undefined {
  for (const fd of [1, 2]) {
    try {
      if (sameFile(fstatSync(fd), stats)) return fd;
    } catch {
      // closed
    }
  }
  return undefined;
}

/** What is at `path`. */
function targetOf(path: string, option: string): Target {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ENOENT") return { kind: "new", path: finalName(path) };
    if (code === "ELOOP") {
      throw new UsageError(`cannot write ${option} ${path}: it is a symbolic link that leads back to itself`);
    }
    throw new UsageError(`cannot write ${option} ${path}: ${(error as Error).message}`);
  }
  if (stats.isDirectory()) throw new UsageError(`cannot write ${option} ${path}: it is a directory`);
  const fd = ownStream(stats);
  if (fd !== undefined || !stats.isFile()) return { kind: "stream", stats, fd };
  return { kind: "file", path: realpathSync(path), stats };
}

/** Checks that the directory that will hold the temporary file exists and is writable. */
function checkDirectory(path: string, target: string, option: string): void {
  const dir = dirname(target);
  const shown = target === resolve(path) ? dirname(path) : dir;
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new UsageError(`cannot write ${option} ${path}: directory ${shown} does not exist`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`cannot write ${option} ${path}: directory ${shown} is not writable`);
  }
}

/**
 * The target of `path`, checked: its directory writable, not an input of this command, not a
 * file with other hard links.
 */
function checkedTarget(path: string, option: string): Target {
  const target = targetOf(path, option);
  if (target.kind === "new") {
    checkDirectory(path, target.path, option);
    return target;
  }
  const input = inputNamed(target.stats);
  if (input !== undefined) {
    const same = resolve(input) === resolve(path) ? "it is" : `it is the same file as`;
    throw new UsageError(`cannot write ${option} ${path}: ${same} the input ${input}; choose another path`);
  }
  if (target.kind === "stream") {
    if (target.fd === undefined) {
      try {
        accessSync(path, constants.W_OK);
      } catch {
        throw new UsageError(`cannot write ${option} ${path}: it is not writable`);
      }
    }
    return target;
  }
  if (target.stats.nlink > 1) {
    throw new UsageError(
      `cannot write ${option} ${path}: the file has ${target.stats.nlink} hard links, and replacing it would leave the others with the old content; remove the other links or write elsewhere`,
    );
  }
  checkDirectory(path, target.path, option);
  return target;
}

/**
 * Checks, before any long work (and again once the inputs are read), that `path` can be
 * written: see the module's rules.
 * @throws {UsageError} naming the option and the problem
 */
export function checkWritable(path: string, option = "--out"): void {
  checkedTarget(path, option);
}

/** Writes all of `bytes` to `fd`. */
function writeAll(fd: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
}

/** Writes `bytes` to a temporary file beside `target` and renames it over `target`. */
function replaceAtomically(target: string, bytes: Uint8Array, existing: Stats | undefined): void {
  const random = Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, "0");
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${random}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, "wx", 0o644);
    if (existing) keepOwnerAndMode(fd, existing);
    writeAll(fd, bytes);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, target);
  } catch (error) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing; the original error is the one to report
      }
    }
    try {
      unlinkSync(temp);
    } catch {
      // never created, or already renamed
    }
    throw error;
  }
}

/** Gives the new file the replaced one's permissions, and its owner where the process may. */
function keepOwnerAndMode(fd: number, existing: Stats): void {
  const own = fstatSync(fd);
  if (own.uid !== existing.uid || own.gid !== existing.gid) {
    try {
      fchownSync(fd, existing.uid, existing.gid);
    } catch {
      // only root may give a file away: the new file is the writer's
    }
  }
  fchmodSync(fd, existing.mode & 0o777);
}

/** Writes `bytes` to a device, pipe or socket, or to this process's own stream `fd`. */
function writeStream(path: string, bytes: Uint8Array, fd: number | undefined): void {
  if (fd !== undefined) return writeAll(fd, bytes);
  const opened = openSync(path, "w");
  try {
    writeAll(opened, bytes);
  } finally {
    closeSync(opened);
  }
}

/** Why a write failed, for a message. */
function failure(error: unknown): string {
  const code = (error as { code?: string }).code;
  const known: Record<string, string> = {
    ENOSPC: "no space left on the device",
    EDQUOT: "the disk quota is exceeded",
    EROFS: "the file system is read-only",
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    EPIPE: "the reader of the pipe has gone",
    EIO: "input/output error",
  };
  return (code && known[code]) ?? String((error as Error).message ?? error).split("\n")[0];
}

/**
 * Writes `content` to `path` by the module's rules: atomically for a regular file, directly to
 * a device or pipe.
 * @throws {UsageError} when `path` may not be written (an input, hard links, a directory)
 * @throws {Error} naming the option and the path when writing fails (a full disk)
 */
export function writeFileAtomic(path: string, content: string | Uint8Array, option = "--out"): void {
  const target = checkedTarget(path, option);
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  try {
    if (target.kind === "stream") writeStream(path, bytes, target.fd);
    else replaceAtomically(target.path, bytes, target.kind === "file" ? target.stats : undefined);
  } catch (error) {
    throw new Error(`cannot write ${option} ${path}: ${failure(error)}`);
  }
}

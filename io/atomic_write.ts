/**
 * Atomic output files: the content goes to a temporary file beside the target, is flushed to
 * disk, and is renamed over the target. A failed or interrupted run leaves either the old file
 * or the new one, never a half-written one, and never loses an existing file.
 *
 * @module
 */

import {
  accessSync,
  closeSync,
  constants,
  fsyncSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import process from "node:process";
import { UsageError } from "./errors.ts";

/**
 * Checks, before any long work, that `path` can be written: its directory exists and is
 * writable, and `path` is not a directory.
 * @throws {UsageError} naming the option and the problem
 */
export function checkWritable(path: string, option = "--out"): void {
  const dir = dirname(resolve(path));
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new UsageError(`cannot write ${option} ${path}: directory ${dirname(path)} does not exist`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`cannot write ${option} ${path}: directory ${dirname(path)} is not writable`);
  }
  try {
    if (statSync(path).isDirectory()) throw new UsageError(`cannot write ${option} ${path}: it is a directory`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
  }
}

/** Writes `content` to `path` atomically (temporary file in the same directory, fsync, rename). */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const target = resolve(path);
  const random = Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, "0");
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${random}.tmp`);
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  let fd: number | undefined;
  try {
    fd = openSync(temp, "wx", 0o644);
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
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

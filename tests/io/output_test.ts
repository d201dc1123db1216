// Output files: what is at the path decides how it is written. Regular files are replaced
// atomically keeping their mode, links are followed, devices and pipes are written in place,
// hard-linked files and the command's own inputs are refused.

import { after, afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { checkWritable, writeFileAtomic } from "../../io/atomic_write.ts";
import { UsageError } from "../../io/errors.ts";
import { forgetInputs } from "../../io/input_files.ts";
import { readText } from "../../io/source.ts";
import { removeDir, scratch } from "./helpers.ts";

const { dir, write } = scratch("snmf-output-");
after(() => removeDir(dir));
afterEach(() => forgetInputs());

const isRoot = process.getuid?.() === 0;

function refused(run: () => unknown, message: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof UsageError, String(error));
    assert.equal(error.message, message);
    return true;
  });
}

/** No temporary file is left beside the outputs. */
function noTemporaryFiles(): void {
  assert.deepEqual(readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith(".tmp")), []);
}

describe("output files", () => {
  it("replaces a regular file atomically, keeping its mode", () => {
    const file = write("private.json", "old\n");
    chmodSync(file, 0o600);
    writeFileAtomic(file, "new\n");
    assert.equal(readFileSync(file, "utf8"), "new\n");
    assert.equal(statSync(file).mode & 0o777, 0o600);
    chmodSync(file, 0o640);
    writeFileAtomic(file, "newer\n");
    assert.equal(statSync(file).mode & 0o777, 0o640);
    noTemporaryFiles();
  });

  it("writes through symbolic links (chains, relative, dangling) and keeps the links", () => {
    mkdirSync(join(dir, "real"));
    const target = write("real/model.json", "old\n");
    symlinkSync("real/model.json", join(dir, "first"));
    symlinkSync("first", join(dir, "second"));
    writeFileAtomic(join(dir, "second"), "through two links\n");
    assert.equal(readFileSync(target, "utf8"), "through two links\n");
    assert.ok(lstatSync(join(dir, "second")).isSymbolicLink());
    assert.ok(lstatSync(join(dir, "first")).isSymbolicLink());
    assert.equal(readlinkSync(join(dir, "first")), "real/model.json");

    symlinkSync("real/not-yet.json", join(dir, "dangling"));
    writeFileAtomic(join(dir, "dangling"), "created\n");
    assert.ok(lstatSync(join(dir, "dangling")).isSymbolicLink());
    assert.equal(readFileSync(join(dir, "real/not-yet.json"), "utf8"), "created\n");
    noTemporaryFiles();
  });

  it("refuses a file with other hard links, before and at writing", () => {
    const file = write("linked.json", "old\n");
    linkSync(file, join(dir, "other-name.json"));
    const message =
      `cannot write --out ${file}: the file has 2 hard links, and replacing it would leave the others with the old content; remove the other links or write elsewhere`;
    refused(() => checkWritable(file), message);
    refused(() => writeFileAtomic(file, "new\n"), message);
    assert.equal(readFileSync(join(dir, "other-name.json"), "utf8"), "old\n");
  });

  it("refuses the command's own input, by identity rather than name", () => {
    const input = write("input.csv", "1,2\n");
    symlinkSync("input.csv", join(dir, "alias.csv"));
    readText(input);
    refused(
      () => writeFileAtomic(input, "x"),
      `cannot write --out ${input}: it is the input ${input}; choose another path`,
    );
    refused(
      () => checkWritable(join(dir, "alias.csv"), "--tfidf-dir"),
      `cannot write --tfidf-dir ${
        join(dir, "alias.csv")
      }: it is the same file as the input ${input}; choose another path`,
    );
    assert.equal(readFileSync(input, "utf8"), "1,2\n");
  });

  it("refuses a directory", () => {
    refused(() => writeFileAtomic(dir, "x"), `cannot write --out ${dir}: it is a directory`);
  });

  it("writes a pipe directly, leaving it a pipe", async (t) => {
    const fifo = join(dir, "fifo");
    if (spawnSync("mkfifo", [fifo]).status !== 0) return t.skip("mkfifo is not available here");
    const received = join(dir, "received");
    const reader = spawn("sh", ["-c", `cat "${fifo}" > "${received}"`]);
    const closed = new Promise((resolve) => reader.on("close", resolve));
    writeFileAtomic(fifo, "through the pipe\n");
    // Were the pipe replaced by a file, the reader would wait forever: end it.
    setTimeout(() => reader.kill(), 5000).unref?.();
    await closed;
    assert.equal(readFileSync(received, "utf8"), "through the pipe\n");
    assert.ok(statSync(fifo).isFIFO());
  });

  it("writes devices directly, and reports a full one (device nodes of its own, as root)", (t) => {
    if (!isRoot) return t.skip("making device nodes needs root");
    const nul = join(dir, "null");
    const full = join(dir, "full");
    if (
      spawnSync("mknod", [nul, "c", "1", "3"]).status !== 0 || spawnSync("mknod", [full, "c", "1", "7"]).status !== 0
    ) {
      return t.skip("mknod is not allowed here");
    }
    writeFileAtomic(nul, "discarded\n");
    assert.ok(statSync(nul).isCharacterDevice());
    assert.throws(() => writeFileAtomic(full, "no room\n"), {
      message: `cannot write --out ${full}: no space left on the device`,
    });
    assert.ok(statSync(full).isCharacterDevice());
    noTemporaryFiles();
  });
});

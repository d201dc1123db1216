// A file larger than the longest string a JavaScript engine makes (512 MiB in V8) reads, since
// the readers never hold a file as one string. The file is mostly empty lines, which every
// format skips, so the test costs disk time, not memory.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { closeSync, openSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { readDenseCsv } from "../../io/read_csv.ts";
import { removeDir, scratch } from "./helpers.ts";

const { dir } = scratch("snmf-large-");
after(() => removeDir(dir));

/** Bytes beyond V8's longest string (2²⁹ − 24 characters). */
const SIZE = 520 * 2 ** 20;

describe("large files", () => {
  it("reads a CSV file of more than 512 MiB", { timeout: 120_000 }, () => {
    const file = join(dir, "large.csv");
    const fd = openSync(file, "w");
    writeSync(fd, "x,y\n1,2\n");
    const blank = new Uint8Array(32 * 2 ** 20).fill(0x0a);
    for (let written = 0; written < SIZE; written += blank.length) writeSync(fd, blank);
    writeSync(fd, "3,4\n");
    closeSync(fd);
    assert.ok(statSync(file).size > SIZE);
    const { stratum, header } = readDenseCsv(file);
    assert.deepEqual(header, ["x", "y"]);
    assert.deepEqual({ ...stratum }, { rows: 2, cols: 2, data: Float32Array.of(1, 2, 3, 4) });
  });
});

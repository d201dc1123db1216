// The progress line of reading large files: drawn on a terminal only, for large files only,
// and cleared at the end; the readers report every pass to it.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readDenseCsv } from "../../io/read_csv.ts";
import {
  PROGRESS_MIN_BYTES,
  type ReadProgress,
  readProgressLine,
  TerminalReadProgress,
} from "../../io/read_progress.ts";
import { removeDir, scratch } from "./helpers.ts";

const { dir, write } = scratch("snmf-progress-");
after(() => removeDir(dir));

describe("read progress", () => {
  it("draws a line for a large file on a terminal, and clears it", () => {
    const drawn: string[] = [];
    const progress = new TerminalReadProgress("snmf fit", false, {
      write: (t) => drawn.push(t),
      isTTY: true,
      columns: 200,
    });
    progress.update("/data/big.csv", 1, 2, PROGRESS_MIN_BYTES / 2, PROGRESS_MIN_BYTES);
    progress.update("/data/big.csv", 2, 2, PROGRESS_MIN_BYTES, PROGRESS_MIN_BYTES);
    progress.done();
    assert.deepEqual(drawn, [
      "\r\x1b[2Ksnmf fit: reading big.csv ██████████░░░░░░░░░░ 50% of 67.1 MB, pass 1 of 2",
      "\r\x1b[2Ksnmf fit: reading big.csv ████████████████████ 100% of 67.1 MB, pass 2 of 2",
      "\r\x1b[2K",
    ]);
  });

  it("draws nothing when quiet, off a terminal, or for a small file", () => {
    const drawn: string[] = [];
    const write = (t: string) => drawn.push(t);
    for (
      const progress of [
        new TerminalReadProgress("snmf fit", true, { write, isTTY: true }),
        new TerminalReadProgress("snmf fit", false, { write, isTTY: false }),
      ]
    ) {
      progress.update("big.csv", 1, 2, PROGRESS_MIN_BYTES, PROGRESS_MIN_BYTES);
      progress.done();
    }
    const small = new TerminalReadProgress("snmf fit", false, { write, isTTY: true });
    small.update("small.csv", 1, 2, 1000, PROGRESS_MIN_BYTES - 1);
    small.done();
    assert.deepEqual(drawn, []);
  });

  it("says how much of a pipe has been read", () => {
    assert.equal(readProgressLine("snmf fit", "/dev/stdin", 1, 1, 2.5e8, undefined), "snmf fit: reading stdin: 250 MB");
  });

  it("hears from every pass of a reader, to the end of the file", () => {
    const file = write("rows.csv", "x,y\n" + "1,2\n".repeat(10000));
    const passes = new Map<number, number>();
    const progress: ReadProgress = {
      update(name, pass, count, done, total) {
        assert.equal(name, file);
        assert.equal(count, 2);
        assert.equal(total, 4 + 40000);
        passes.set(pass, done);
      },
      done() {},
    };
    readDenseCsv(file, { progress, chunkBytes: 4096 });
    assert.deepEqual([...passes], [[1, 40004], [2, 40004]]);
  });
});

// The streaming readers: the values csv-parse and Number() gave before (as float32), at every
// chunk size; grouped CSV's strata, columns and notes; MatrixMarket entries in any order; the
// checks of names (UTF-8), of sizes (WebAssembly memory) and of directory entries (broken
// links); and input that can be read only once (a pipe).

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { InputError } from "../../io/errors.ts";
import { MemoryBudget, memoryNeeded, WASM_MEMORY_BYTES } from "../../io/memory.ts";
import { memoryNeeded as fitMemory } from "../../sdk/solve/memory.ts";
import { readDenseCsv, readGroupedCsv } from "../../io/read_csv.ts";
import { readStrata } from "../../io/read_input.ts";
import { readMtx } from "../../io/read_mtx.ts";
import { readDocuments } from "../../text/read_text.ts";
import { CHUNKS, random, removeDir, scratch } from "./helpers.ts";

const { dir, write } = scratch("snmf-readers-");
after(() => removeDir(dir));

/** A random table of decimals as CSV text: short and long values, exponents, spaces, quotes. */
function randomTable(seed: number, rows: number, cols: number): { text: string; cells: string[][] } {
  const next = random(seed);
  const cell = () => {
    const kind = next();
    if (kind < 0.4) return (next() * 100).toFixed(Math.floor(next() * 8));
    if (kind < 0.55) return String(next() * 10 ** Math.floor(next() * 30 - 15));
    if (kind < 0.65) return `${Math.floor(next() * 1000)}e${Math.floor(next() * 60 - 30)}`;
    if (kind < 0.75) return ` ${Math.floor(next() * 10)} `;
    if (kind < 0.85) return `"${(next() * 5).toFixed(3)}"`;
    return String(Math.floor(next() * 1e6));
  };
  const cells = Array.from({ length: rows }, () => Array.from({ length: cols }, cell));
  const eol = next() < 0.5 ? "\n" : "\r\n";
  return { text: cells.map((row) => row.join(",") + eol).join(""), cells };
}

/** What the reader gave before: csv-parse's fields, trimmed, through Number(), stored as float32. */
function expectedValues(text: string): Float32Array {
  const records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
  return Float32Array.from(records.flat(), (field) => Number(field.trim()));
}

function thrown(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof InputError, String(error));
    return error;
  }
  assert.fail("no error");
}

describe("CSV readers", () => {
  it("read the values Number() reads, as float32, at every chunk size", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { text } = randomTable(seed, 1 + (seed % 7) * 5, 1 + (seed % 5));
      const file = write(`table${seed}.csv`, text);
      const expected = expectedValues(text);
      for (const chunkBytes of CHUNKS) {
        const { stratum, header } = readDenseCsv(file, { chunkBytes });
        assert.equal(header, undefined);
        assert.ok(stratum.data instanceof Float32Array);
        assert.deepEqual(stratum.data, expected, `seed ${seed}, chunks of ${chunkBytes}`);
      }
    }
  });

  it("take a header, a byte order mark, quoted names and CRLF", () => {
    const file = write("header.csv", '\uFEFF"x, one",y\r\n1,2\r\n\r\n3,4\r\n');
    for (const chunkBytes of CHUNKS) {
      const { stratum, header } = readDenseCsv(file, { chunkBytes });
      assert.deepEqual(header, ["x, one", "y"]);
      assert.deepEqual({ ...stratum }, { rows: 2, cols: 2, data: Float32Array.of(1, 2, 3, 4) });
    }
  });

  it("group rows by the strata column, leave out non-numeric columns with a note", () => {
    const file = write("grouped.csv", "id,site,x,y,label\na1,n,1,2,p\na2,s,3,4,5\na3,n,5,6,7\n");
    for (const chunkBytes of CHUNKS) {
      const { strata, columnNames, skipped } = readGroupedCsv(file, { strataColumn: "site" }, { chunkBytes });
      assert.deepEqual(columnNames, ["x", "y"]);
      assert.deepEqual(skipped, [{ name: "id", line: 2, value: "a1" }, { name: "label", line: 2, value: "p" }]);
      assert.deepEqual(strata, [
        { name: "n", rows: 2, cols: 2, data: Float32Array.of(1, 2, 5, 6) },
        { name: "s", rows: 1, cols: 2, data: Float32Array.of(3, 4) },
      ]);
      const chosen = readGroupedCsv(file, { strataColumn: "site", columns: ["y", "x"] }, { chunkBytes });
      assert.deepEqual(chosen.strata[0].data, Float32Array.of(2, 1, 6, 5));
    }
  });

  it("recognise a stratum by any spelling of its name, with hundreds of strata", () => {
    const next = random(9);
    const lines = ["x,site"];
    const expected = new Map<string, number[]>();
    for (let r = 0; r < 3000; r++) {
      const name = `s${Math.floor(next() * 400)}`;
      const spelling = [name, ` ${name}`, `"${name} "`][r % 3];
      lines.push(`${r},${spelling}`);
      if (!expected.has(name)) expected.set(name, []);
      expected.get(name)!.push(r);
    }
    const file = write("many-strata.csv", lines.join("\n") + "\n");
    const { strata } = readGroupedCsv(file, { strataColumn: "site" }, { chunkBytes: 4096 });
    assert.deepEqual(strata.map((s) => s.name), [...expected.keys()]);
    assert.deepEqual(strata.map((s) => Array.from(s.data)), [...expected.values()]);
    const empty = write("empty-stratum.csv", "x,site\n1,a\n2, \n");
    assert.equal(
      thrown(() => readGroupedCsv(empty, { strataColumn: "site" })).message,
      `${empty} line 3: the strata column "site" is empty`,
    );
  });

  it("report, of several bad values in a row, the first of the chosen columns; width before values", () => {
    const file = write("twobad.csv", "site,x,y\nn,-1,-2\n");
    assert.equal(
      thrown(() => readGroupedCsv(file, { strataColumn: "site", columns: ["y", "x"] })).message,
      `${file} line 2: column 3 ("y") is negative (-2)`,
    );
    const wide = write("wide.csv", "site,x,y\nn,-1,2\nn,1,2,3\n");
    assert.equal(
      thrown(() => readGroupedCsv(wide, { strataColumn: "site" })).message,
      `${wide} line 3: has 4 values, expected 3 (as in the header)`,
    );
    const dense = write("dense.csv", "x,y\n-1\n");
    assert.equal(
      thrown(() => readDenseCsv(dense)).message,
      `${dense} line 2: has 1 value, expected 2 (as in the header)`,
    );
  });

  it("refuse names that are not UTF-8, naming file, line and column", () => {
    const latin1 = Uint8Array.of(...new TextEncoder().encode("x,caf"), 0xe9, ...new TextEncoder().encode("\n1,2\n"));
    const file = write("latin1.csv", latin1);
    assert.equal(
      thrown(() => readDenseCsv(file)).message,
      `${file} line 1: column 2 is not UTF-8 text: byte 0xE9 after "caf" (save the file as UTF-8, for example with iconv -f latin1 -t utf-8)`,
    );
    const strata = write(
      "latin1-strata.csv",
      Uint8Array.of(...new TextEncoder().encode("site,x\n\nna"), 0xef, ...new TextEncoder().encode(",1\n")),
    );
    assert.match(
      thrown(() => readGroupedCsv(strata, { strataColumn: "site" })).message,
      /line 3: the strata column "site" is not UTF-8 text: byte 0xEF after "na"/,
    );
  });
});

describe("MatrixMarket reader", () => {
  const entries = (order: number[], lines: string[]) => order.map((i) => lines[i]).join("\n");
  const cells = ["1 2 0.5", "1 4 1e-3", "2 1 7", "3 3 2.25", "3 1 3", "3 4 1"];
  const banner = "%%MatrixMarket matrix coordinate real general\n% a comment\n3 4 6\n";

  it("gives the same CSR for entries in any order, at every chunk size", () => {
    const sorted = write("sorted.mtx", banner + entries([0, 1, 2, 4, 3, 5], cells) + "\n");
    const scrambled = write("scrambled.mtx", banner + entries([5, 2, 0, 3, 1, 4], cells).replaceAll("\n", "\r\n"));
    const expected = {
      rows: 3,
      cols: 4,
      indptr: Int32Array.of(0, 2, 3, 6),
      indices: Int32Array.of(1, 3, 0, 0, 2, 3),
      values: Float32Array.of(0.5, 1e-3, 7, 3, 2.25, 1),
    };
    for (const chunkBytes of CHUNKS) {
      assert.deepEqual({ ...readMtx(sorted, { chunkBytes }) }, expected);
      assert.deepEqual({ ...readMtx(scrambled, { chunkBytes }) }, expected);
    }
  });

  it("sorts long rows too: random matrices, entries shuffled", () => {
    const next = random(5);
    for (let t = 0; t < 10; t++) {
      const rows = 1 + Math.floor(next() * 5);
      const cols = 40 + Math.floor(next() * 200);
      const cells: [number, number, number][] = [];
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) if (next() < 0.5) cells.push([r, c, Math.round(next() * 1000) / 8]);
      }
      const shuffled = cells.map((cell) => [next(), cell] as const).sort((a, b) => a[0] - b[0]).map(([, cell]) => cell);
      const text = `%%MatrixMarket matrix coordinate real general\n${rows} ${cols} ${cells.length}\n` +
        shuffled.map(([r, c, x]) => `${r + 1} ${c + 1} ${x}\n`).join("");
      const file = write("long-rows.mtx", text);
      const indptr = Int32Array.from({ length: rows + 1 }, (_, r) => cells.filter(([row]) => row < r).length);
      const expected = {
        rows,
        cols,
        indptr,
        indices: Int32Array.from(cells, ([, c]) => c),
        values: Float32Array.from(cells, ([, , x]) => x),
      };
      for (const chunkBytes of [64, 1 << 20]) assert.deepEqual({ ...readMtx(file, { chunkBytes }) }, expected);
      // The last entry made a copy of the first of its row: named on the last line.
      const last = shuffled.length - 1;
      const first = shuffled.findIndex(([row]) => row === shuffled[last][0]);
      if (first === last) continue;
      const [r, c] = shuffled[first];
      const copy = shuffled.map((cell, k): [number, number, number] => (k === last ? [r, c, 1] : cell));
      const repeated = write(
        "long-repeat.mtx",
        `%%MatrixMarket matrix coordinate real general\n${rows} ${cols} ${cells.length}\n` +
          copy.map(([row, col, x]) => `${row + 1} ${col + 1} ${x}\n`).join(""),
      );
      assert.equal(
        thrown(() => readMtx(repeated)).message,
        `${repeated} line ${3 + last}: entry (${r + 1}, ${c + 1}) repeats the one on line ${3 + first}`,
      );
    }
  });

  it("names both lines of a repeated entry, in any order", () => {
    const head = "%%MatrixMarket matrix coordinate integer general\n2 2 3\n";
    for (
      const [body, message] of [
        ["1 1 1\n1 2 1\n1 2 4\n", "line 5: entry (1, 2) repeats the one on line 4"],
        ["2 1 1\n1 2 1\n2 1 4\n", "line 5: entry (2, 1) repeats the one on line 3"],
      ]
    ) {
      const file = write("repeat.mtx", head + body);
      for (const chunkBytes of CHUNKS) {
        assert.equal(thrown(() => readMtx(file, { chunkBytes })).message, `${file} ${message}`);
      }
    }
  });

  it("refuses a declared size beyond WebAssembly memory before allocating it", () => {
    const file = write("huge.mtx", "%%MatrixMarket matrix coordinate real general\n2000000000 2000000000 3\n1 1 1\n");
    const started = performance.now();
    assert.equal(
      thrown(() => readMtx(file)).message,
      `${file} line 2: the data (2000000000 × 2000000000 with 3 entries) need 16.0 GB, more than the 4 GiB WebAssembly memory can hold`,
    );
    assert.ok(performance.now() - started < 10_000, "refused before any work");
  });
});

describe("memory budget", () => {
  // The SDK's estimates (sdk/solve/memory.ts), in the allocator's 16-byte blocks: the values,
  // CSR row offsets and indices, and each stratum's column sums.
  it("counts the data as a fit stores them: float32 values, int32 indices and row offsets, column sums", () => {
    assert.equal(memoryNeeded([{ rows: 10, cols: 3 }]), 128 + 16);
    assert.equal(memoryNeeded([{ rows: 10, cols: 3, nnz: 7 }]), 48 + 32 + 32 + 16);
  });

  it("adds, for a fit of a known rank, its factors and workspace", () => {
    const shapes = [{ rows: 10, cols: 3 }, { rows: 5, cols: 3, nnz: 7 }];
    assert.equal(memoryNeeded(shapes, 2), fitMemory({ strata: shapes, rank: 2 }).total);
    assert.ok(memoryNeeded(shapes, 2) > memoryNeeded(shapes) + 4 * 2 * (15 + 3) + 4 * 2 * 3);
    const budget = new MemoryBudget(2);
    assert.equal(
      thrown(() => budget.claim("a.mtx", 2, { rows: 3e8, cols: 3e8, nnz: 3 })).message,
      "a.mtx line 2: the data (300000000 × 300000000 with 3 entries) need 2.40 GB, at least 8.40 GB for a rank-2 fit (its data and factors alone), more than the 4 GiB WebAssembly memory can hold",
    );
  });

  it("checks the strata of one command together", () => {
    const budget = new MemoryBudget();
    const half = { rows: 2 ** 14 - 1, cols: 2 ** 15 }; // 2 GiB less a row, and its column sums
    budget.claim("a.csv", undefined, half);
    assert.equal(memoryNeeded([half, half]), WASM_MEMORY_BYTES);
    budget.claim("b.csv", undefined, half);
    assert.equal(
      thrown(() => budget.claim("c.csv", undefined, { rows: 2, cols: 2 ** 15 })).message,
      "c.csv: the data (2 × 32768) need 393 kB, 4.30 GB with the 2 strata read before it, more than the 4 GiB WebAssembly memory can hold",
    );
  });
});

describe("input directories and pipes", () => {
  it("names a broken symbolic link among the strata", () => {
    const strata = join(dir, "linked");
    mkdirSync(strata);
    write("linked/a.csv", "1,2\n3,4\n");
    symlinkSync("missing.csv", join(strata, "b.csv"));
    assert.equal(
      thrown(() => readStrata(strata)).message,
      `${join(strata, "b.csv")}: is a broken symbolic link (to "missing.csv")`,
    );
  });

  it("take the visible entries of the right kind, in name order", () => {
    const strata = join(dir, "mixed");
    mkdirSync(join(strata, "c.csv"), { recursive: true });
    write("mixed/b.csv", "5,6\n");
    write("mixed/a.csv", "1,2\n3,4\n");
    write("mixed/.hidden.csv", "7,8\n");
    write("mixed/notes.txt", "not a stratum");
    assert.deepEqual(readStrata(strata).strata.map((s) => s.name), ["a", "b"]);
    const docs = join(dir, "mixed_docs");
    for (const sub of ["y", "x", ".git"]) mkdirSync(join(docs, sub), { recursive: true });
    write("mixed_docs/top.txt", "not a stratum");
    write("mixed_docs/x/2.txt", "second");
    write("mixed_docs/x/1.txt", "first");
    write("mixed_docs/x/.1.txt.swp", "hidden");
    write("mixed_docs/x/notes.md", "no suffix");
    write("mixed_docs/y/1.txt", "third");
    const read = readDocuments(docs, { textField: "text", strataField: "stratum", encoding: "utf-8", suffix: ".txt" });
    assert.deepEqual(read.strata, [{ name: "x", documents: ["first", "second"] }, { name: "y", documents: ["third"] }]);
  });

  it("names a broken link among documents, and a JSON Lines line that is not UTF-8", () => {
    const options = { textField: "text", strataField: "stratum", encoding: "utf-8" };
    const docs = join(dir, "docs");
    mkdirSync(join(docs, "a"), { recursive: true });
    write("docs/a/1.txt", "one document");
    symlinkSync("gone.txt", join(docs, "a", "2.txt"));
    assert.equal(
      thrown(() => readDocuments(docs, options)).message,
      `${join(docs, "a", "2.txt")}: is a broken symbolic link (to "gone.txt")`,
    );
    const encoder = new TextEncoder();
    const jsonl = write(
      "latin1.jsonl",
      Uint8Array.of(
        ...encoder.encode('{"text": "ok", "stratum": "a"}\n{"text": "caf'),
        0xe9,
        ...encoder.encode('"}\n'),
      ),
    );
    assert.match(
      thrown(() => readDocuments(jsonl, options)).message,
      /latin1\.jsonl line 2: the line is not UTF-8 text: byte 0xE9/,
    );
  });

  it("reads a CSV from a pipe (read once, kept for the second pass)", async (t) => {
    const fifo = join(dir, "pipe.csv");
    if (spawnSync("mkfifo", [fifo]).status !== 0) return t.skip("mkfifo is not available here");
    const text = "site,x,y\n" + "n,1,2\ns,3,4\nn,5,6\n".repeat(3000);
    const source = write("piped.csv", text);
    const writer = spawn("sh", ["-c", `cat "${source}" > "${fifo}"`]);
    const closed = new Promise((resolve) => writer.on("close", resolve));
    const fromPipe = readGroupedCsv(fifo, { strataColumn: "site" }, { chunkBytes: 4096 });
    await closed;
    assert.deepEqual(fromPipe, readGroupedCsv(source, { strataColumn: "site" }));
  });
});

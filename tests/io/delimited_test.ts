// The streaming CSV tokenizer against csv-parse (the parser it replaces, with the options the
// readers used): the same records, the same lines, and an error where csv-parse has one, for
// thousands of random texts of quotes, delimiters and line breaks, at every chunk size.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { parse } from "csv-parse/sync";
import { COMMA, scanDelimited, TAB } from "../../io/delimited.ts";
import { InputError } from "../../io/errors.ts";
import { ByteSource } from "../../io/source.ts";
import { CHUNKS, random, removeDir, scratch } from "./helpers.ts";

const { dir, write } = scratch("snmf-delimited-");
after(() => removeDir(dir));

/** The records of a file (fields as text) and the line each ends on. */
function records(file: string, chunkBytes: number, delimiter = COMMA): [string[], number][] {
  const decoder = new TextDecoder();
  const out: [string[], number][] = [];
  let fields: string[] = [];
  ByteSource.with(file, (source) =>
    scanDelimited(source, delimiter, {
      field(bytes, start, end, column) {
        assert.equal(column, fields.length);
        fields.push(decoder.decode(bytes.subarray(start, end)));
      },
      record(line, count) {
        assert.equal(count, fields.length);
        out.push([fields, line]);
        fields = [];
      },
    }), chunkBytes);
  return out;
}

/** csv-parse's records and lines, or "error". */
function reference(text: string): [string[], number][] | "error" {
  try {
    const rows = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
    return rows.map(({ record, info }) => [record, info.lines]);
  } catch {
    return "error";
  }
}

describe("delimited text", () => {
  it("reads as csv-parse does: records, lines and errors, at every chunk size", () => {
    const next = random(7);
    const pieces = ["a", "1", "2.5", ",", '"', '""', " ", "é", "x,y"];
    // csv-parse takes the first line break as the only one; its lines count CR and LF apart
    // inside quotes. So each text uses one kind, and lines are compared for LF texts.
    for (let t = 0; t < 1000; t++) {
      const eol = t % 2 === 0 ? "\n" : "\r\n";
      const alphabet = [...pieces, eol, eol, eol + eol];
      let text = next() < 0.1 ? "\uFEFF" : "";
      const length = Math.floor(next() * 16);
      for (let k = 0; k < length; k++) text += alphabet[Math.floor(next() * alphabet.length)];
      const file = write("random.csv", text);
      const expected = reference(text);
      for (const chunk of CHUNKS) {
        let got: ReturnType<typeof reference>;
        try {
          got = records(file, chunk);
        } catch (error) {
          assert.ok(error instanceof InputError, String(error));
          got = "error";
        }
        const compared = (rows: typeof got) => (rows === "error" || eol === "\n" ? rows : rows.map(([r]) => r));
        assert.deepEqual(compared(got), compared(expected), `${JSON.stringify(text)} in chunks of ${chunk}`);
      }
    }
  });

  it("counts lines as an editor does, with CRLF and LF, inside quotes too", () => {
    const file = write("lines.csv", 'x,y\r\n\r\n1,"a\r\nb"\r\n2,3\n\n"c\nd",4');
    for (const chunk of CHUNKS) {
      assert.deepEqual(records(file, chunk), [[["x", "y"], 1], [["1", "a\r\nb"], 4], [["2", "3"], 5], [
        ["c\nd", "4"],
        8,
      ]]);
    }
  });

  it("splits on another delimiter (TSV)", () => {
    const file = write("tabs.tsv", 'a\tb,c\t"d\te"\n1\t2\t3\n');
    for (const chunk of CHUNKS) {
      assert.deepEqual(records(file, chunk, TAB), [[["a", "b,c", "d\te"], 1], [["1", "2", "3"], 2]]);
    }
  });

  it("names the line and the problem of broken quoting", () => {
    const cases: [string, string][] = [
      ['x,y\n1,"2"3\n', 'line 2: not valid CSV: the quoted column 2 is followed by "3", not by a delimiter'],
      ['x,y\n1,2"3\n', "line 2: not valid CSV: column 2 has a quote after its first character"],
      ['x,y\n1,"2\n3\n', "line 2: not valid CSV: a quoted field starts on this line and is never closed"],
    ];
    for (const [text, message] of cases) {
      const file = write("broken.csv", text);
      for (const chunk of CHUNKS) {
        assert.throws(() => records(file, chunk), (error: Error) => error.message.startsWith(`${file} ${message}`));
      }
    }
  });
});

/**
 * Document inputs of `snmf text`: JSON Lines (one object per line with a text field and a
 * strata field), or a directory of sub-directories, one per stratum, each holding one text file
 * per document (the layout of the 20 newsgroups distribution).
 *
 * @module
 */

import { join } from "node:path";
import { InputError, UsageError } from "../io/errors.ts";
import { scanLines } from "../io/lines.ts";
import { ByteSource, directoryEntries, readBytes, statInput } from "../io/source.ts";
import { utf8Text } from "../io/utf8.ts";

/** Documents grouped by stratum, strata in input order. */
export interface TextStrata {
  strata: { name: string; documents: string[] }[];
}

/** How to read documents. */
export interface TextOptions {
  textField: string;
  strataField: string;
  /** Encoding of the files of a directory input (a WHATWG label; default utf-8). */
  encoding: string;
  /** Directory input: only files whose names end with this (default: every file). */
  suffix?: string;
}

/** What reading needs of a decoder. */
export interface Decoder {
  decode(bytes: Uint8Array): string;
}

/**
 * The characters of windows-1252's bytes 0x80–0x9F (WHATWG Encoding, index-windows-1252), where
 * it differs from ISO-8859-1; 0x81, 0x8D, 0x8F, 0x90 and 0x9D map to themselves.
 */
const WINDOWS_1252_HIGH =
  "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f" +
  "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

/**
 * A decoder for `encoding`, or a usage error naming the option. The WHATWG labels "latin1",
 * "iso-8859-1", "ascii" and the like all mean windows-1252, as Deno, Bun and browsers decode them;
 * Node 20's TextDecoder reports windows-1252 but gives bytes 0x80–0x9F as ISO-8859-1 (U+0080–U+009F),
 * so there those characters are mapped after decoding: the same text, and the same TF-IDF, on
 * every runtime.
 */
export function decoderFor(encoding: string): Decoder {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding);
  } catch {
    throw new UsageError(`--encoding "${encoding}" is not an encoding this runtime knows (try utf-8 or latin1)`);
  }
  if (decoder.encoding !== "windows-1252" || decoder.decode(new Uint8Array([0x80])) === "\u20ac") return decoder;
  return {
    decode: (bytes) =>
      decoder.decode(bytes).replace(
        /[\u0080-\u009f]/g,
        (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80],
      ),
  };
}

/** JSON Lines (UTF-8, read line by line): blank lines skipped; each other line an object with the two fields. */
function readJsonLines(file: string, options: TextOptions): TextStrata {
  const groups = new Map<string, string[]>();
  ByteSource.with(file, (source) =>
    scanLines(source, (bytes, start, end, line) => {
      const raw = utf8Text(file, line, "the line", bytes, start, end).replace(/\r$/, "");
      const text = line === 1 ? raw.replace(/^\uFEFF/, "") : raw;
      if (text.trim() === "") return;
      let record: unknown;
      try {
        record = JSON.parse(text);
      } catch (error) {
        throw new InputError(file, line, `not valid JSON: ${(error as Error).message.split("\n")[0]}`);
      }
      if (typeof record !== "object" || record === null || Array.isArray(record)) {
        throw new InputError(file, line, "is not a JSON object");
      }
      const fields = record as Record<string, unknown>;
      const document = fields[options.textField];
      if (typeof document !== "string") {
        throw new InputError(
          file,
          line,
          document === undefined
            ? `has no "${options.textField}" field (--text-field)`
            : `field "${options.textField}" is not a string`,
        );
      }
      const stratum = fields[options.strataField];
      if (typeof stratum !== "string" && typeof stratum !== "number") {
        throw new InputError(
          file,
          line,
          stratum === undefined
            ? `has no "${options.strataField}" field (--strata-field)`
            : `field "${options.strataField}" is not a string or a number`,
        );
      }
      const name = String(stratum);
      let documents = groups.get(name);
      if (!documents) groups.set(name, documents = []);
      documents.push(document);
    }));
  if (groups.size === 0) throw new InputError(file, undefined, "has no documents");
  return { strata: [...groups].map(([name, documents]) => ({ name, documents })) };
}

/** A directory of sub-directories (strata, sorted by name), each of files (documents, sorted). */
function readDirectoryTree(dir: string, options: TextOptions): TextStrata {
  const decoder = decoderFor(options.encoding);
  const subdirs = directoryEntries(dir, "directory");
  if (subdirs.length === 0) {
    throw new InputError(dir, undefined, "has no sub-directories (one per stratum, holding one file per document)");
  }
  const strata = subdirs.map((name) => {
    const path = join(dir, name);
    const files = directoryEntries(path, "file", (e) => e.endsWith(options.suffix ?? ""));
    if (files.length === 0) {
      throw new InputError(
        path,
        undefined,
        `has no documents (files${options.suffix ? ` ending with "${options.suffix}"` : ""})`,
      );
    }
    return { name, documents: files.map((file) => decoder.decode(readBytes(join(path, file)))) };
  });
  return { strata };
}

/** Reads the documents of `snmf text` from a `.jsonl` file or a directory tree. */
export function readDocuments(path: string, options: TextOptions): TextStrata {
  return statInput(path).isDirectory() ? readDirectoryTree(path, options) : readJsonLines(path, options);
}

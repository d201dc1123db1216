/**
 * Stop words of `snmf text`. "english" is the English list of the npm package `stopwords-iso`
 * (1,298 words). It is NOT scikit-learn's `ENGLISH_STOP_WORDS` (318 words, the Glasgow list):
 * it contains every word of that list and about 980 more, so it removes more words than
 * `TfidfVectorizer(stop_words="english")`. For scikit-learn's exact behaviour give a file with
 * its list (`--stop-words FILE`, one word per line), or none at all.
 *
 * @module
 */

import stopwordsIso from "stopwords-iso/stopwords-iso.json" with { type: "json" };
import { InputError } from "../io/errors.ts";
import { readText } from "../io/source.ts";

/** The stop words of `--stop-words english|none|FILE`. */
export function stopWords(choice: string): Set<string> {
  if (choice === "none") return new Set();
  if (choice === "english") return new Set((stopwordsIso as Record<string, string[]>).en);
  const words = readText(choice).split(/\r?\n/).map((w) => w.trim().toLowerCase()).filter((w) => w !== "");
  if (words.length === 0) throw new InputError(choice, undefined, "has no stop words (one word per line)");
  return new Set(words);
}

/**
 * `snmf report MODEL`: one self-contained HTML page about a model (report/html.ts).
 *
 * @module
 */

import process from "node:process";
import { OUTPUT_FLAGS, parse, RANKING_FLAGS, rankingOptions, stringOption } from "./args.ts";
import { checkWritable, writeFileAtomic } from "../io/atomic_write.ts";
import { InputError, UsageError } from "./errors.ts";
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import type { CrossValidation } from "../sdk/mod.ts";
import { readModel } from "./model_file.ts";
import { NUMBERING_HELP } from "./summary.ts";
import { readEffects } from "./effects_file.ts";
import { CALL_Q } from "../report/effects.ts";

export const REPORT_HELP =
  `snmf report — an HTML page about a model: loss, v(i) of every stratum, top features, settings

Usage:
  snmf report MODEL [--out FILE] [options]

  Writes one self-contained HTML file (no script, nothing fetched when it is opened): the run's
  settings, the loss curve (linear and log-log), the v(i) of every stratum (grouped bars for up
  to 40 columns, heat maps beyond; pictures with --image), and the top features of each v(i) and
  each topic (row of H). Charts are Vega-Lite rendered to inline SVG; pictures are inline PNG.
  The fit time shown is the one snmf fit printed (models written before it was recorded show
  only the time spent iterating). Given the results of snmf rank --out FILE instead of a model,
  the page shows the held-out error per rank (stratified and plain NMF) and the suggested rank.
  A model fitted with --restarts N also gets a section on its
  stability over the starts within 1 % of the best loss: the columns whose split is unstable
  (share moved by more than 0.05; marked † in the top features), the overlap of each stratum's
  top-10 columns with the best start's, and the topics' agreement.

  With --effects FILE (the JSON of snmf effects --json for this model) a section "Intervals and
  tests" draws the procedure's contrasts (or shares, or v*, as --by ranks) as bars with their
  95 % bootstrap intervals as error bars, the calls (q < ${CALL_Q}) at full strength with a star,
  every number in the tooltips, and lists each stratum's calls; calls are marked * in the top
  features. The intervals are for the procedure's canonical split (docs/inference.md), not
  for the model's V: the page says so beside them.

  Needs the packages vega and vega-lite (optional dependencies of stratified-nmf, installed with
  the repository's dev dependencies; elsewhere: npm install vega@6 vega-lite@6.4).

${NUMBERING_HELP}

Options:
  --out FILE        where to write the page, atomically (default: stdout)
  --image WxH       the columns are the pixels of W×H images, row by row (say 28x28 for MNIST):
                    draw each v(i) and each topic as a picture
  --top N           features listed per stratum and per topic (default 10)
  --by WHAT         what ranks each stratum's features: contrast (default: v(i) minus the mean
                    of the other strata), share (v(i) over the column's sum over the strata) or
                    value (v(i) itself); with columns on mixed scales (their largest values
                    more than 100× apart) contrasts and values are ranked divided by their
                    column's largest value, as snmf top does, and the page says so
  --title TEXT      heading of the page (default "Stratified-NMF model")
  --effects FILE    intervals and tests from snmf effects --json (see above)
  -q, --quiet       no message on stderr
  -h, --help        this help

Examples:
  snmf fit data/ --rank 5 --out model.json && snmf report model.json --out report.html
  snmf report digits.json --image 28x28 --out digits.html
  snmf report cars.json --by share --out cars.html
  snmf report weather.json --effects effects.json --out weather.html
  snmf report news.json --top 15 --title "20 newsgroups, rank 20" > news.html`;

/** `--image WxH` as a size. */
function imageOption(text: string | undefined): { width: number; height: number } | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+)[x×](\d+)$/i.exec(text.trim());
  const [width, height] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
  if (!(width > 0 && height > 0)) throw new UsageError(`--image must be WIDTHxHEIGHT, say 28x28, got "${text}"`);
  return { width, height };
}

/** The results of `snmf rank` in `file` (its JSON starts with their format), or undefined for a model file. */
function readRankResults(file: string | undefined): CrossValidation | undefined {
  if (file === undefined) return undefined;
  let head = "";
  try {
    const fd = openSync(file, "r");
    const bytes = new Uint8Array(64);
    head = new TextDecoder().decode(bytes.subarray(0, readSync(fd, bytes)));
    closeSync(fd);
  } catch {
    return undefined; // readModel reports the file
  }
  if (!head.startsWith('{"format":"stratified-nmf-rank"')) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new InputError(file, undefined, `not a results file of snmf rank (${(error as Error).message})`);
  }
}

export async function report(args: string[]): Promise<number> {
  const { values, positionals, help } = parse(args, {
    ...RANKING_FLAGS,
    out: { type: "string" },
    image: { type: "string" },
    title: { type: "string" },
    effects: { type: "string" },
    quiet: OUTPUT_FLAGS.quiet,
  }, { names: ["MODEL"], help: REPORT_HELP });
  if (help) return 0;
  const image = imageOption(stringOption(values, "image"));
  const { count: top, by } = rankingOptions(values);
  const out = stringOption(values, "out");
  if (out !== undefined) checkWritable(out);
  const rankResults = readRankResults(positionals[0]);
  if (rankResults) {
    const { buildRankReport } = await import("../report/html.ts");
    const html = await buildRankReport(rankResults, { title: stringOption(values, "title"), source: positionals[0] });
    if (out === undefined) process.stdout.write(html);
    else writeFileAtomic(out, html);
    return 0;
  }
  const model = readModel(positionals[0]);
  try {
    // Again, now that the input is known: --out must not be the model.
    if (out !== undefined) checkWritable(out);
    if (image && image.width * image.height !== model.cols) {
      throw new UsageError(
        `--image ${image.width}x${image.height} is ${
          image.width * image.height
        } pixels, but the model has ${model.cols} columns`,
      );
    }
    const effectsFile = stringOption(values, "effects");
    const effects = effectsFile === undefined ? undefined : readEffects(effectsFile, model);
    // Vega is loaded only by this command.
    const { buildReport } = await import("../report/html.ts");
    const html = await buildReport(model, {
      effects,
      image,
      top,
      by,
      title: stringOption(values, "title"),
      source: positionals[0],
    });
    if (out === undefined) process.stdout.write(html);
    else {
      writeFileAtomic(out, html);
      if (values.quiet !== true) process.stderr.write(`snmf report: wrote ${out}\n`);
    }
  } finally {
    model.free();
  }
  return 0;
}

/**
 * How a model shows itself to people: the labels of columns and topics (one rule for the SDK,
 * the command line's text and JSON, and the report: numbered from 0, as the SDK's arrays are),
 * and the small summary Deno's Jupyter kernel displays (`Symbol.for("Jupyter.display")`).
 *
 * @module
 */

import type { Model } from "./model.ts";
import { rankScaling } from "./contrast.ts";

/**
 * The method Deno's Jupyter kernel calls on the value that ends a cell: it returns a MIME bundle
 * (`{ "text/html": …, "text/plain": … }`) that the notebook shows.
 */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display");

/** What {@link JUPYTER_DISPLAY} returns: the same content by MIME type. */
export interface MimeBundle {
  "text/plain": string;
  "text/html"?: string;
}

/** Features listed per stratum and per topic in the summary. */
const SUMMARY_FEATURES = 5;

/** Strata and topics listed in the summary; the rest are counted. */
const SUMMARY_ROWS = 12;

/**
 * The label of column `j` (from 0): its name, or `col j` when the model has no column names.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { columnLabel } from "./display.ts";
 *
 * assert.equal(columnLabel(["age", "income"], 1), "income");
 * assert.equal(columnLabel(undefined, 0), "col 0");
 * ```
 */
export function columnLabel(columnNames: readonly string[] | undefined, j: number): string {
  return columnNames?.[j] ?? `col ${j}`;
}

/** The label of topic `q` (from 0): row q of H, column q of each W(i). */
export function topicLabel(q: number): string {
  return `topic ${q}`;
}

/** The name of topic `q`'s column in tables of W (CSV headers): `topic0`, `topic1`, …. */
export function topicColumnName(q: number): string {
  return `topic${q}`;
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** 4 significant digits, exponent form for small and large magnitudes. */
function short(x: number): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const magnitude = Math.abs(x);
  return magnitude < 1e-3 || magnitude >= 1e6 ? x.toExponential(3) : String(Number(x.toPrecision(4)));
}

/** How `model.topFeatures` ranks by contrast, in words: "by contrast with the other strata" and, on mixed scales, on what. */
function contrastRanking(model: Model): string {
  const scaled = rankScaling(model, "contrast").rankedOn === "scaled";
  return `by contrast with the other strata${
    scaled ? ", each divided by its column's largest value (mixed scales)" : ""
  }`;
}

/** One line on the run: shape, solver, iterations, loss. */
function runLine(model: Model): string {
  const rows = model.rows.reduce((a, b) => a + b, 0);
  const solver = model.solver === "hals" ? "HALS" : `multiplicative updates (${model.schedule})`;
  return `${model.names.length} strata, ${rows} rows × ${model.cols} columns, rank ${model.rank}; ${solver}, ${model.iterations} iterations, normalized loss ${
    short(model.normalizedLoss)
  }`;
}

/** The labels of the top features of each stratum (by contrast) and each topic. */
function summaryRows(model: Model): { strata: [string, string[]][]; topics: [string, string[]][] } {
  const label = (features: (number | string)[]) =>
    features.map((f) => typeof f === "number" ? columnLabel(undefined, f) : f);
  const shown = (count: number) => Math.min(count, SUMMARY_ROWS);
  return {
    strata: model.names.slice(0, shown(model.names.length)).map((name, i) => [
      name,
      label(model.topFeatures(i, SUMMARY_FEATURES)),
    ]),
    topics: Array.from({ length: shown(model.rank) }, (_, q) => [
      topicLabel(q),
      label(model.topicFeatures(q, SUMMARY_FEATURES)),
    ]),
  };
}

/** "… and 3 more strata", when some were left out. */
function more(total: number, shown: number, what: string): string {
  return total > shown ? `… and ${total - shown} more ${what}` : "";
}

/**
 * The model as a few lines of text: the run, then the top features of each stratum (by
 * contrast) and of each topic.
 */
export function modelSummaryText(model: Model): string {
  const { strata, topics } = summaryRows(model);
  const width = Math.max(...strata.map(([name]) => name.length), ...topics.map(([name]) => name.length));
  const lines = (rows: [string, string[]][]) =>
    rows.map(([name, labels]) => `  ${name.padEnd(width)}  ${labels.join(", ")}`);
  return [
    `Stratified-NMF model: ${runLine(model)}`,
    `Top features of each stratum (${contrastRanking(model)}):`,
    ...lines(strata),
    ...[more(model.names.length, strata.length, "strata")].filter(Boolean).map((line) => `  ${line}`),
    "Top features of each topic (row of H):",
    ...lines(topics),
    ...[more(model.rank, topics.length, "topics")].filter(Boolean).map((line) => `  ${line}`),
  ].join("\n");
}

/** An HTML table of names and feature labels, with a last row saying what was left out. */
function htmlTable(head: [string, string], rows: [string, string[]][], left: string): string {
  const cell = (tag: string, text: string) => `<${tag} style="text-align:left">${escapeHtml(text)}</${tag}>`;
  const body = rows.map(([name, labels]) => `<tr>${cell("td", name)}${cell("td", labels.join(", "))}</tr>`);
  if (left) body.push(`<tr><td colspan="2">${escapeHtml(left)}</td></tr>`);
  return `<table><thead><tr>${cell("th", head[0])}${cell("th", head[1])}</tr></thead><tbody>${
    body.join("")
  }</tbody></table>`;
}

/**
 * The model as a small self-contained HTML fragment (no script, no style sheet): the run, and
 * tables of the top features of each stratum (by contrast with the others) and of each topic.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fit } from "stratified-nmf";
 * import { modelSummaryHtml } from "./display.ts";
 *
 * using model = await fit([{ name: "a & b", data: [[1, 2], [3, 1]] }], { rank: 1, seed: 1 });
 * assert.match(modelSummaryHtml(model), /<td style="text-align:left">a &#38; b<\/td>/);
 * ```
 */
export function modelSummaryHtml(model: Model): string {
  const { strata, topics } = summaryRows(model);
  return `<div class="stratified-nmf-model"><p><b>Stratified-NMF model</b>: ${escapeHtml(runLine(model))}</p>${
    htmlTable(
      ["stratum", `top ${SUMMARY_FEATURES} features ${contrastRanking(model)}`],
      strata,
      more(model.names.length, strata.length, "strata"),
    )
  }${
    htmlTable(
      ["topic", `top ${SUMMARY_FEATURES} features (row of H)`],
      topics,
      more(model.rank, topics.length, "topics"),
    )
  }</div>`;
}

/**
 * The HTML report of a model (`snmf report`): one self-contained file, with no script and nothing
 * fetched at view time. Charts are inline SVG rendered by Vega-Lite at build time
 * (./charts.ts), with native tooltips (`<title>`) giving exact values; pictures are PNG `data:`
 * URIs (./png.ts).
 *
 * @module
 */

import type { Effect, Effects, Model } from "../sdk/mod.ts";
import { contrasts, largestFirst, type RankBy, shares } from "../sdk/contrast.ts";
import { columnLabel, escapeHtml, topicLabel } from "../sdk/display.ts";
import { pageStart } from "./style.ts";
import {
  type FactorSource,
  type Feature,
  scalingNote,
  type TopFeatures,
  topFeatures,
  topicUse,
} from "./top_features.ts";
import {
  type Bar,
  type Cell,
  type ChartSpec,
  curvesSpec,
  exactNumber,
  groupedBarsSpec,
  heatmapSpec,
  renderSvg,
} from "./charts.ts";
import { imagePng, pngDataUri, SHIFTS_HEATMAP_LEGEND, shiftsHeatmapPng } from "./png.ts";
import {
  CALL_Q,
  effectDetail,
  effectMarks,
  effectsGrid,
  effectsSettingsText,
  estimateName,
  estimateOf,
  INTERVALS_CAVEAT,
  isCall,
  nothingCompared,
  shortNumber,
  type StabilitySummary,
  stabilitySummary,
} from "./effects.ts";

/** Options of {@link buildReport}. */
export interface ReportOptions {
  /** Heading of the page (default "Stratified-NMF model"). */
  title?: string;
  /** Where the model came from (a file name), shown under the heading. */
  source?: string;
  /** The columns are the pixels of `width × height` images (row-major): draw v(i) and the rows of H as pictures. */
  image?: { width: number; height: number };
  /** Features listed per stratum and per topic (default 10). */
  top?: number;
  /** What ranks the features of each stratum (default "contrast"; docs/algorithm.md §Contrasts and shares). */
  by?: RankBy;
  /**
   * How the columns were scaled before the fit (say "divided by each column's standard
   * deviation"), said beside the ranking, for data scaled before they reached `fit()`; absent:
   * what the model records decides (its preprocessing and column maxima: sdk/contrast.ts's
   * `rankScaling`).
   */
  scaling?: string;
  /** Up to this many columns (and 20 strata), v(i) is drawn as grouped bars; beyond, as heat maps (default 40). */
  maxBarColumns?: number;
  /**
   * Intervals and tests of the model's strata (`effects()`, docs/inference.md): drawn as error
   * bars on the procedure's contrasts (or shares, or v*, as `by` ranks), calls (q < 0.05) marked.
   */
  effects?: Effects;
}

/** Most strata drawn as coloured bars side by side; beyond, v(i) is drawn as heat maps. */
const MAX_BAR_STRATA = 20;

/** Columns of the heat map of scores when there are too many to show all. */
const HEATMAP_TOP = 8;

/** Everything the sections draw from: the model, its contrasts and shares, and the ranking. */
interface ReportContext {
  model: Model;
  options: ReportOptions;
  by: RankBy;
  count: number;
  top: TopFeatures;
  /** s vectors of n: the contrasts and shares of v (sdk/contrast.ts). */
  contrast: Float64Array[];
  share: Float64Array[];
  /** `options.effects` by stratum and column (s × n), when given. */
  effects?: Effect[][];
  /** The model's stability over its restarts, when it has one. */
  stability?: StabilitySummary;
}

export { escapeHtml, topicUse };
// The page of snmf rank's results, in the same chunk of the command line's bundle as this one.
export { buildRankReport } from "./rank.ts";

/** `digits` significant digits, exponent form for small and large magnitudes. */
const num = (x: number, digits = 4): string => shortNumber(x, digits);

/** A share as a percentage, or "no share" for a column that is 0 in every stratum. */
function percent(share: number): string {
  return Number.isNaN(share) ? "no share" : `${num(100 * share, 3)} %`;
}

/** Name of column `j`: the model's column name, or `col j` (numbered from 0, sdk/display.ts). */
function columnName(model: Model, j: number): string {
  return columnLabel(model.columnNames, j);
}

/** Share of entries that are not zero. */
export function nonZeroFraction(values: ArrayLike<number>): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) count++;
  return values.length === 0 ? 0 : count / values.length;
}

function table(head: string[], rows: string[][], className = ""): string {
  const cells = (tag: string, row: string[]) => row.map((c) => `<${tag}>${c}</${tag}>`).join("");
  return `<table${className ? ` class="${className}"` : ""}><thead><tr>${cells("th", head)}</tr></thead><tbody>${
    rows.map((r) => `<tr>${cells("td", r)}</tr>`).join("")
  }</tbody></table>`;
}

function figure(content: string, caption: string): string {
  return `<figure>${content}<figcaption>${caption}</figcaption></figure>`;
}

function picture(png: Uint8Array, alt: string, caption: string, width?: number): string {
  return figure(
    `<img src="${pngDataUri(png)}" alt="${escapeHtml(alt)}"${width ? ` width="${width}"` : ""}>`,
    escapeHtml(caption),
  );
}

/** The solver, with the schedule only where it means something (the multiplicative updates). */
function solverText(model: Model): string {
  return model.solver === "hals"
    ? "HALS (exact block-coordinate descent)"
    : `multiplicative updates (the paper's), ${model.schedule} schedule`;
}

function startText(model: Model): string {
  if (model.init === "random") return `random (the published start), seed ${model.seed}`;
  return model.init === "nndsvd" ? "NNDSVD" : "explicit factors (--init)";
}

/** "10 random starts, the best seed 1 (loss …), 7 within 1 % of its loss". */
function restartsText(model: Model): string {
  const { seeds, losses, best } = model.starts!;
  const near = model.stability ? `; ${model.stability.near.length} within 1 % of its loss` : "";
  return `${seeds.length} random starts, the best from seed ${seeds[best]} (loss ${num(losses[best])})${near}`;
}

function penaltiesText(model: Model): string {
  const terms = [["λ_v", model.l1V], ["λ_W", model.l1W], ["λ_H", model.l1H]] as const;
  return terms.some(([, value]) => value !== 0)
    ? `L1: ${terms.map(([name, value]) => `${name} = ${exactNumber(value)}`).join(", ")}`
    : "none";
}

function settingsSection(model: Model): string {
  const msPerIter = model.iterations > 0 ? model.elapsedMs / model.iterations : NaN;
  const rows: [string, string][] = [
    ["strata", String(model.names.length)],
    ["rows (Σ m_i) × columns (n)", `${model.rows.reduce((a, b) => a + b, 0)} × ${model.cols}`],
    ["rank k", String(model.rank)],
    ["solver", solverText(model)],
    ["start", startText(model)],
    ["penalties", penaltiesText(model)],
    ...(model.starts ? [["restarts", restartsText(model)] as [string, string]] : []),
    [
      "v(i) updates",
      model.solver === "hals"
        ? (model.vUpdates === 0 ? "off (v(i) kept from the start)" : "on")
        : `${model.vUpdates} per iteration`,
    ],
    ["iterations", `${model.iterations}${model.converged ? " (converged: tol reached)" : ""}`],
    ["loss √F", num(model.loss)],
    ["normalized loss √F / ‖A‖", num(model.normalizedLoss)],
    ...(model.totalMs === undefined ? [] : [[
      "fit time",
      `${
        (model.totalMs / 1000).toFixed(2)
      } s: the whole fit() call, as snmf fit printed it (the checks, loading the data, the start, the iterations)`,
    ] as [string, string]]),
    [
      "time iterating",
      `${num(model.elapsedMs / 1000, 3)} s${
        Number.isFinite(msPerIter) ? ` (${num(msPerIter, 3)} ms per iteration)` : ""
      }; the final loss included, loading the data and the start not`,
    ],
  ];
  const V = model.V;
  const means = model.vMeans();
  const strata = model.names.map((name, i) => [
    escapeHtml(name),
    String(model.rows[i]),
    num(means[i]),
    `${(100 * nonZeroFraction(V[i])).toFixed(1)} %`,
  ]);
  return `<section id="settings"><h2>Run</h2>${table(["setting", "value"], rows.map(([a, b]) => [a, escapeHtml(b)]))}${
    table(["stratum", "rows m_i", "mean of v(i)", "non-zeros of v(i)"], strata)
  }</section>`;
}

async function lossSection(model: Model): Promise<string> {
  const history = model.lossHistory;
  if (history.length < 2) {
    return `<section id="loss"><h2>Loss</h2><p>No loss history: the fit did not track the loss (--no-loss) or ran no iteration. Final loss ${
      num(model.loss)
    }.</p></section>`;
  }
  const normalized = Array.from(history, (x) => x * (model.normalizedLoss / model.loss || 0));
  const values = model.loss > 0 ? normalized : Array.from(history);
  const curve = [{ name: model.loss > 0 ? "normalized loss" : "loss", values }];
  const yTitle = model.loss > 0 ? "normalized loss √F / ‖A‖" : "loss √F";
  // The start can be far above everything after it (a random start on text): the axes span
  // iterations 1 on, and the start's line leaves the top.
  const rest = values.slice(1);
  const [low, high] = [rest.reduce((a, b) => Math.min(a, b)), rest.reduce((a, b) => Math.max(a, b))];
  const linear = await renderSvg(
    curvesSpec(curve, { yTitle, title: "Loss, linear axes", markers: true, yFrom: 1 }),
  );
  const logLog = await renderSvg(
    curvesSpec(curve, { yTitle, xScale: "log", yScale: "log", title: "Loss, log-log axes", markers: true }),
  );
  const span = `${num(low)} to ${num(high)}`;
  return `<section id="loss"><h2>Loss</h2><div class="row">${
    figure(
      linear,
      `Before each iteration (the last point: the final loss). The y axis spans iterations 1 on, ${span}${
        values[0] > high ? `; the start, ${num(values[0])}, is above it` : ""
      }.`,
    )
  }${figure(logLog, "The same on log-log axes (iteration 0 left out), the y axis spanning the data.")}</div></section>`;
}

/** v(i)ⱼ, its contrast and its share, as named text, for tooltips (docs/algorithm.md §Contrasts and shares). */
function scoreTexts(context: ReportContext, i: number, j: number): Record<RankBy, string> {
  return {
    value: exactNumber(context.model.V[i][j]),
    contrast: exactNumber(context.contrast[i][j]),
    share: percent(context.share[i][j]),
  };
}

/** Tooltip lines for v(i)ⱼ's scores ("v(i): …", "contrast: …", "share: …"), but for `except`. */
function scoreDetail(context: ReportContext, i: number, j: number, except?: RankBy): string {
  return Object.entries(scoreTexts(context, i, j)).filter(([by]) => by !== except)
    .map(([by, text]) => `${by === "value" ? "v(i)" : by}: ${text}`).join("\n");
}

/** The ranking's score of every stratum and column, and its name. */
function scoreOf(context: ReportContext): { title: string; values: (i: number, j: number) => number } {
  const { by, model } = context;
  if (by === "contrast") return { title: "contrast", values: (i, j) => context.contrast[i][j] };
  if (by === "share") return { title: "share", values: (i, j) => context.share[i][j] };
  const V = model.V;
  return { title: "v(i)", values: (i, j) => V[i][j] };
}

async function scoreHeatmap(context: ReportContext, columns: number[]): Promise<string> {
  const { model, by } = context;
  const score = scoreOf(context);
  const cells: Cell[] = model.names.flatMap((name, i) =>
    columns.map((j) => ({
      row: name,
      column: columnName(model, j),
      value: score.values(i, j),
      detail: scoreDetail(context, i, j, by),
    }))
  );
  return await renderSvg(heatmapSpec(cells, {
    valueTitle: score.title,
    colors: by === "contrast" ? "diverging" : "sequential",
    missing: "no share (0 in every stratum)",
  }));
}

/** What the score heat map's caption says the colour is. */
function scoreCaption(by: RankBy): string {
  return by === "contrast"
    ? "Contrast: v(i) minus the mean of the other strata (orange above them, blue below)"
    : by === "share"
    ? "Share: v(i) over the column's sum over the strata (grey: no share)"
    : "v(i)";
}

async function shiftsSection(context: ReportContext): Promise<string> {
  const { model, options } = context;
  const V = model.V;
  const head = `<section id="shifts"><h2>Strata features v(i)</h2>`;
  if (options.image) return head + shiftPictures(context) + "</section>";
  const score = scoreCaption(context.by);
  if (model.cols <= (options.maxBarColumns ?? 40) && model.names.length <= MAX_BAR_STRATA) {
    const bars: Bar[] = model.names.flatMap((name, i) =>
      Array.from(V[i], (value, j) => ({
        category: columnName(model, j),
        group: name,
        value,
        detail: scoreDetail(context, i, j, "value"),
      }))
    );
    const svg = await renderSvg(groupedBarsSpec(bars, { yTitle: "v(i)", groupTitle: "stratum" }));
    const every = Array.from({ length: model.cols }, (_, j) => j);
    return `${head}<div class="row">${figure(svg, "v(i) of each stratum, one group of bars per column.")}</div>${
      figure(await scoreHeatmap(context, every), `${score}, every column.`)
    }</section>`;
  }
  // Many columns (or strata): all of them as a picture, and the top ones named.
  const { png, binWidth } = shiftsHeatmapPng(V);
  const map = picture(
    png,
    "heat map of every v(i)",
    `All ${model.cols} columns, one row per stratum (${
      model.names.join(", ")
    }, top to bottom), ordered by the stratum whose v is largest there${
      binWidth > 1 ? `; each pixel column is the largest of ${binWidth} columns` : ""
    } (${SHIFTS_HEATMAP_LEGEND}).`,
  );
  const columns = [
    ...new Set(context.top.strata.flatMap((s) => s.features.slice(0, HEATMAP_TOP).map((f) => f.column))),
  ];
  return `${head}<div class="row">${map}</div><div class="row">${
    figure(
      await scoreHeatmap(context, columns),
      `${score}, at the top ${HEATMAP_TOP} columns of every stratum (ranked by ${context.by}).`,
    )
  }</div></section>`;
}

/** v(i) and its contrast drawn as pictures, for image columns. */
function shiftPictures(context: ReportContext): string {
  const { model } = context;
  const { width, height } = context.options.image!;
  const scale = Math.max(1, Math.round(140 / width));
  const V = model.V;
  const values = model.names.map((name, i) =>
    picture(imagePng(V[i], width, height, scale), `v(${name})`, `v(${name}) (black: largest)`)
  );
  // One scale for every stratum's contrast, so that equal colours mean equal contrasts.
  const magnitude = context.contrast.reduce((max, c) => c.reduce((m, x) => Math.max(m, Math.abs(x)), max), 0);
  const contrast = model.names.map((name, i) =>
    picture(
      imagePng(context.contrast[i], width, height, scale, { colorMap: "diverging", max: magnitude || 1 }),
      `contrast of ${name}`,
      `contrast of ${name}`,
    )
  );
  return `<p>Each v(i) drawn as a ${width}×${height} image, scaled to its own largest value (black). Below, its contrast with the other strata (docs/algorithm.md §Contrasts and shares): red above them, blue below, white equal, every stratum on the same scale (largest magnitude ${
    num(magnitude, 3)
  }).</p><div class="row">${values.join("")}</div><div class="row">${contrast.join("")}</div>`;
}

async function topicUseSection(model: Model): Promise<string> {
  const use = topicUse(model.W, model.rank);
  const cells: Cell[] = model.names.flatMap((name, i) =>
    Array.from(use[i], (value, q) => ({ row: name, column: topicLabel(q), value }))
  );
  const svg = await renderSvg(heatmapSpec(cells, { valueTitle: "mean of W(i)" }));
  return `<section id="topic-use"><h2>Topics used by each stratum</h2><div class="row">${
    figure(
      svg,
      "The mean of each column of W(i) over the stratum's rows: how much the rows of stratum i use topic q. Each topic (row of H) has its own scale: compare the strata within a topic.",
    )
  }</div></section>`;
}

/** What the page says the ranking of each stratum's features is, and what it was computed on. */
function rankingText(context: ReportContext): string {
  const { by, top, model, options } = context;
  const what = {
    contrast:
      "Ranked by contrast: v(i)ⱼ minus the unweighted mean of v(l)ⱼ over the other strata, the columns where the stratum stands out most (the number after each: the contrast).",
    share:
      "Ranked by share: v(i)ⱼ / Σₗ v(l)ⱼ, the stratum's part of the column's shift over all strata (the number after each: the share; a column 0 in every stratum has no share and comes last).",
    value:
      "Ranked by value: the largest entries of v(i), whether or not the other strata share them (the number after each: v(i)ⱼ).",
  }[by];
  const scale = options.scaling === undefined
    ? scalingNote(top, model, true)
    : `The ranking is on the scaled values: ${options.scaling}.`;
  return `${what} ${scale} Definitions: docs/algorithm.md §Contrasts and shares.`;
}

/** A stratum's features, each with its ranking score and, as a tooltip, v, contrast and share. */
function strataFeatureList(context: ReportContext, i: number, features: Feature[]): string {
  return features.map((f, k) => {
    const j = f.column;
    const score = context.by === "contrast"
      ? num(context.contrast[i][j], 3)
      : context.by === "share"
      ? percent(context.share[i][j])
      : num(f.value, 3);
    const effect = context.effects?.[i][j];
    const unstable = context.stability?.unstable[i].includes(columnName(context.model, j)) === true;
    const scaled = context.top.strata[i].scaled?.[k];
    const tip = [
      scoreDetail(context, i, j),
      ...(scaled === undefined ? [] : [
        `ranked on: ${context.by === "value" ? "v(i)" : context.by} / the column's largest value = ${
          exactNumber(scaled)
        }`,
      ]),
      ...(effect ? [effectDetail(effect, context.options.effects!.settings.level)] : []),
      ...(unstable ? ["split over restarts: unstable"] : []),
    ].join("\n");
    const marks = effectMarks(effect, Boolean(unstable));
    return `<span title="${escapeHtml(tip)}">${escapeHtml(f.name ?? columnLabel(undefined, j))}${
      marks ? `<b class="mark">${marks}</b>` : ""
    } <span class="w">${escapeHtml(score)}</span></span>`;
  }).join(", ");
}

/** What the marks of the feature lists mean, when there are any. */
function marksText(context: ReportContext): string {
  return [
    ...(context.effects ? [`* the contrast's q < ${CALL_Q} (section Intervals and tests)`] : []),
    ...(context.stability && context.stability.near > 1
      ? ["† the column's split is unstable over the restarts (section Stability)"]
      : []),
  ].join("; ");
}

function topicFeatureList(features: Feature[]): string {
  return features.map((f) =>
    `<span title="H: ${exactNumber(f.value)}">${
      escapeHtml(f.name ?? columnLabel(undefined, f.column))
    } <span class="w">${num(f.value, 3)}</span></span>`
  ).join(", ");
}

function topSection(context: ReportContext): string {
  const { top, count } = context;
  const marks = marksText(context);
  return `<section id="top-features"><h2>Top features</h2><h3>Of each stratum's v(i): what sets it apart</h3><p class="ranking">${
    escapeHtml(rankingText(context))
  }${marks ? ` Marks: ${escapeHtml(marks)}.` : ""}</p>${
    table(
      ["stratum", `top ${count} by ${context.by}`],
      top.strata.map((s, i) => [escapeHtml(s.name), strataFeatureList(context, i, s.features)]),
      "features",
    )
  }<h3>Of each topic (row of H, shared by all strata)</h3>${
    table(
      ["topic", `top ${count}`],
      top.topics.map((t) => [topicLabel(t.topic), topicFeatureList(t.features)]),
      "features",
    )
  }</section>`;
}

function topicsSection(model: Model, image: { width: number; height: number }): string {
  const H = model.H;
  const scale = Math.max(1, Math.round(112 / image.width));
  const pictures = Array.from({ length: model.rank }, (_, q) =>
    picture(
      imagePng(H.subarray(q * model.cols, (q + 1) * model.cols), image.width, image.height, scale),
      topicLabel(q),
      topicLabel(q),
    ));
  return `<section id="topics"><h2>Topics (rows of H)</h2><div class="row">${pictures.join("")}</div></section>`;
}

/** Columns the intervals chart shows: every one when few, else each stratum's top ones by the procedure's estimate. */
function effectsColumns(context: ReportContext): number[] {
  const { model, options } = context;
  if (model.cols <= (options.maxBarColumns ?? 40)) return Array.from({ length: model.cols }, (_, j) => j);
  const columns = context.effects!.flatMap((row) =>
    largestFirst(row.map((e) => estimateOf(e, context.by).estimate), HEATMAP_TOP)
  );
  return [...new Set(columns)];
}

/**
 * The procedure's estimates of `columns` (what `by` ranks) as grouped bars, with their intervals
 * as error bars and the calls marked: the chart of the report's "Intervals and tests" (and of
 * README's figure, scripts/california.ts); † above a bar: the model's split is unstable over its restarts.
 * @param grid the effects by stratum and column (s × n, {@link effectsGrid})
 */
export function effectsChartSpec(
  model: Model,
  grid: Effect[][],
  options: { by: RankBy; columns: number[]; level: number },
): ChartSpec {
  const bars: Bar[] = options.columns.flatMap((j) =>
    model.names.map((name, i) => {
      const effect = grid[i][j];
      const { estimate, lower, upper } = estimateOf(effect, options.by);
      return {
        category: columnName(model, j),
        group: name,
        value: estimate,
        lower,
        upper,
        marked: isCall(effect),
        note: effectMarks(effect, effect.stable === false),
        detail: effectDetail(effect, options.level),
      };
    })
  );
  return groupedBarsSpec(bars, {
    yTitle: `${estimateName(options.by)} (canonical split)`,
    groupTitle: "stratum",
    intervalTitle: `${Math.round(options.level * 100)} % interval`,
    // Few columns get wider bars, for the error bars over them to be told apart.
    barWidth: options.columns.length <= 12 ? 22 : 14,
  });
}

/** Each stratum's calls (q < 0.05), largest contrast first, with their intervals. */
function callsTable(context: ReportContext): string {
  const rows = context.model.names.map((name, i) => {
    const calls = context.effects![i].filter(isCall).sort((a, b) => b.contrast - a.contrast);
    const list = calls.map((e) =>
      `<span title="${escapeHtml(effectDetail(e, context.options.effects!.settings.level))}">${
        escapeHtml(columnName(context.model, e.column))
      } <span class="w">${num(e.contrast, 3)} [${num(e.lower, 3)}, ${num(e.upper, 3)}], q ${num(e.q, 2)}</span></span>`
    );
    return [escapeHtml(name), list.length === 0 ? "none" : list.join(", ")];
  });
  return table(["stratum", `columns with q < ${CALL_Q}: contrast [interval], q`], rows, "features");
}

async function effectsSection(context: ReportContext): Promise<string> {
  const { model, by } = context;
  const effects = context.options.effects!;
  const head = `<section id="effects"><h2>Intervals and tests</h2><p class="caveat">${
    escapeHtml(INTERVALS_CAVEAT)
  }</p><p class="ranking">${escapeHtml(`${effectsSettingsText(effects.settings)}.`)}</p>`;
  const calls = callsTable(context);
  if (model.names.length > MAX_BAR_STRATA) return `${head}${calls}</section>`;
  const columns = effectsColumns(context);
  const which = columns.length === model.cols
    ? "every column"
    : `the top ${HEATMAP_TOP} columns of every stratum by the procedure's ${estimateName(by)}`;
  const caption = `The ${estimateName(by)} of the procedure's canonical split (bars) with its ${
    Math.round(effects.settings.level * 100)
  } % bootstrap interval (black error bars), ${which}. Bars at full strength with a star: the contrast's q < ${CALL_Q} (one-sided permutation test, Benjamini–Hochberg within the stratum); pale bars: no call${
    context.stability && context.stability.near > 1
      ? "; †: the model's split of the column is unstable over its restarts"
      : ""
  }. Hover for the numbers.`;
  return `${head}<div class="row">${
    figure(
      await renderSvg(effectsChartSpec(model, context.effects!, { by, columns, level: effects.settings.level })),
      escapeHtml(caption),
    )
  }</div>${calls}</section>`;
}

/** The model's stability over its restarts: the unstable columns, the top-10 overlap, the topics' agreement. */
function stabilitySection(context: ReportContext): string {
  const { model } = context;
  const stability = context.stability!;
  const heading = `<section id="stability"><h2>Stability over the restarts</h2><p class="ranking">`;
  if (stability.near < 2) return `${heading}${escapeHtml(nothingCompared(stability))}</p></section>`;
  const vRange = (i: number, label: string) => {
    const j = Array.from({ length: model.cols }, (_, c) => c).find((c) => columnName(model, c) === label)!;
    return `${num(model.stability!.vMin[i][j], 3)}–${num(model.stability!.vMax[i][j], 3)}`;
  };
  const strata = model.names.map((name, i) => [
    escapeHtml(name),
    stability.unstable[i].length === 0
      ? "none"
      : stability.unstable[i].map((label) =>
        `${escapeHtml(label)} <span class="w">v ${escapeHtml(vRange(i, label))}</span>`
      ).join(", "),
    num(stability.jaccard[i], 3),
  ]);
  const topics = stability.topicAgreement.map((c, q) => `${topicLabel(q)} ${num(c, 4)}`).join(", ");
  const trivial = model.cols <= 10 ? ` (with ${model.cols} columns every column is in the top 10: always 1)` : "";
  return `${heading}${
    escapeHtml(
      `${stability.near} of ${stability.starts} random starts ended within 1 % of the best loss; over them, a column's split between v(i) and W(i) H is unstable when its share of the column moves by more than 0.05 (docs/inference.md). The top-10 overlap is the mean Jaccard index of each start's top 10 columns by contrast with the best start's${trivial}; a topic's agreement, the mean cosine of its match in the other starts (Hungarian assignment).`,
    )
  }</p>${
    table(["stratum", "unstable columns (range of v over the starts)", "top-10 overlap"], strata, "features")
  }${`<p class="ranking">${escapeHtml(`Topics' agreement: ${topics}.`)}</p>`}</section>`;
}

/**
 * The model's factors and names without its column maxima, so that they are ranked as fitted:
 * for data scaled before they reached the fit (`options.scaling`).
 */
function asFitted(model: Model): FactorSource {
  const { names, rows, cols, rank, columnNames, V, H } = model;
  return { names, rows, cols, rank, columnNames, V, H };
}

/**
 * The report of a model as one HTML document: the run's settings, the loss curve (linear and
 * log-log, scaled to the data), the v(i) of every stratum (grouped bars for few columns, heat
 * maps for many, pictures for image data) with their contrasts or shares, how much each stratum
 * uses each topic, and the top features of each v(i) (ranked by `options.by`) and each topic.
 * @throws {RangeError} when `image` does not match the model's column count.
 */
export async function buildReport(model: Model, options: ReportOptions = {}): Promise<string> {
  if (options.image && options.image.width * options.image.height !== model.cols) {
    throw new RangeError(
      `Cannot draw images: ${options.image.width}×${options.image.height} pixels, but the model has ${model.cols} columns`,
    );
  }
  const by = options.by ?? "contrast";
  const count = options.top ?? 10;
  const V = model.V;
  const context: ReportContext = {
    model,
    options,
    by,
    count,
    top: topFeatures(options.scaling === undefined ? model : asFitted(model), count, { by }),
    contrast: contrasts(V),
    share: shares(V),
    effects: options.effects && effectsGrid(options.effects, model.names, model.cols),
    stability: stabilitySummary(model),
  };
  const title = options.title ?? "Stratified-NMF model";
  const sections = [
    settingsSection(model),
    await lossSection(model),
    await shiftsSection(context),
    context.effects ? await effectsSection(context) : "",
    context.stability ? stabilitySection(context) : "",
    await topicUseSection(model),
    topSection(context),
    options.image ? topicsSection(model, options.image) : "",
  ];
  return `${pageStart(escapeHtml(title))}
<p class="source">${
    options.source ? `${escapeHtml(options.source)}: ` : ""
  }${model.names.length} strata, rank ${model.rank}, ${model.cols} columns. A(i) ≈ 1 v(i)ᵀ + W(i) H: v(i) is what is particular to stratum i, the rows of H are shared by all.</p>
${sections.join("\n")}
<p class="source">Made by snmf report (stratified-nmf); charts by Vega-Lite.</p>
</body>
</html>
`;
}

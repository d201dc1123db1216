/**
 * The HTML report of a model (`snmf report`): one self-contained file, with no script and nothing
 * fetched at view time. Charts are inline SVG rendered by Vega-Lite at build time
 * (./charts.ts), pictures are PNG `data:` URIs (./png.ts).
 *
 * @module
 */

import type { Model } from "../sdk/mod.ts";
import { type Feature, type TopFeatures, topFeatures } from "./top_features.ts";
import { type Bar, type Cell, curvesSpec, groupedBarsSpec, heatmapSpec, renderSvg } from "./charts.ts";
import { imagePng, pngDataUri, SHIFTS_HEATMAP_LEGEND, shiftsHeatmapPng } from "./png.ts";

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
  /** Up to this many columns, v(i) is drawn as grouped bars; beyond, as heat maps (default 40). */
  maxBarColumns?: number;
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `digits` significant digits, exponent form for small and large magnitudes. */
function num(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const magnitude = Math.abs(x);
  return magnitude < 1e-3 || magnitude >= 1e6 ? x.toExponential(digits - 1) : String(Number(x.toPrecision(digits)));
}

/** Name of column `j` (0-based): the model's column name, or its 1-based number. */
function columnName(model: Model, j: number): string {
  return model.columnNames?.[j] ?? `col ${j + 1}`;
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

function settingsSection(model: Model): string {
  const msPerIter = model.iterations > 0 ? model.elapsedMs / model.iterations : NaN;
  const rows: [string, string][] = [
    ["strata", String(model.names.length)],
    ["rows (Σ m_i) × columns (n)", `${model.rows.reduce((a, b) => a + b, 0)} × ${model.cols}`],
    ["rank k", String(model.rank)],
    ["iterations", `${model.iterations}${model.converged ? " (converged: tol reached)" : ""}`],
    ["schedule", model.schedule],
    ["v updates per iteration", String(model.vUpdates)],
    ["seed", model.seed === null ? "explicit start" : String(model.seed)],
    ["loss √F", num(model.loss)],
    ["normalized loss √F / ‖A‖", num(model.normalizedLoss)],
    [
      "fit time",
      `${num(model.elapsedMs / 1000, 3)} s${
        Number.isFinite(msPerIter) ? ` (${num(msPerIter, 3)} ms per iteration)` : ""
      }`,
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
  const curve = [{ name: "normalized loss", values: model.loss > 0 ? normalized : history }];
  const yTitle = model.loss > 0 ? "normalized loss √F / ‖A‖" : "loss √F";
  const linear = await renderSvg(curvesSpec(curve, { yTitle, title: "Loss, linear axes" }));
  const logLog = await renderSvg(
    curvesSpec(curve, { yTitle, xScale: "log", yScale: "log", title: "Loss, log-log axes" }),
  );
  return `<section id="loss"><h2>Loss</h2><div class="row">${
    figure(linear, "Loss before each iteration (last: final loss).")
  }${figure(logLog, "The same on log-log axes (iteration 0 left out).")}</div></section>`;
}

async function shiftsSection(model: Model, options: ReportOptions, top: TopFeatures): Promise<string> {
  const V = model.V;
  const head = `<section id="shifts"><h2>Strata features v(i)</h2>`;
  if (options.image) {
    const { width, height } = options.image;
    const scale = Math.max(1, Math.round(140 / width));
    const pictures = model.names.map((name, i) =>
      picture(imagePng(V[i], width, height, scale), `v(${name})`, `v(${name}) (black: largest)`)
    );
    return `${head}<p>Each v(i) drawn as a ${width}×${height} image, scaled to its own largest value.</p><div class="row">${
      pictures.join("")
    }</div></section>`;
  }
  if (model.cols <= (options.maxBarColumns ?? 40)) {
    const bars: Bar[] = model.names.flatMap((name, i) =>
      Array.from(V[i], (value, j) => ({ category: columnName(model, j), group: name, value }))
    );
    const svg = await renderSvg(groupedBarsSpec(bars, { yTitle: "v(i)", groupTitle: "stratum" }));
    return `${head}<div class="row">${
      figure(svg, "v(i) of each stratum, one group of bars per column.")
    }</div></section>`;
  }
  // Many columns: all of them as a picture, and the top ones named.
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
  const columns = [...new Set(top.strata.flatMap((s) => s.features.slice(0, 8).map((f) => f.column)))];
  const cells: Cell[] = model.names.flatMap((name, i) =>
    columns.map((j) => ({ row: name, column: columnName(model, j), value: V[i][j] }))
  );
  const svg = await renderSvg(heatmapSpec(cells, { valueTitle: "v(i)" }));
  return `${head}<div class="row">${map}</div><div class="row">${
    figure(svg, "v(i) at the top columns of every stratum.")
  }</div></section>`;
}

function featureList(features: Feature[]): string {
  return features.map((f) => `${escapeHtml(f.name ?? `col ${f.column + 1}`)} <span class="w">${num(f.value, 3)}</span>`)
    .join(", ");
}

function topSection(top: TopFeatures, count: number): string {
  return `<section id="top-features"><h2>Top features</h2><h3>Of each stratum's v(i): what sets it apart</h3>${
    table(["stratum", `top ${count}`], top.strata.map((s) => [escapeHtml(s.name), featureList(s.features)]), "features")
  }<h3>Of each topic (row of H, shared by all strata)</h3>${
    table(["topic", `top ${count}`], top.topics.map((t) => [String(t.topic), featureList(t.features)]), "features")
  }</section>`;
}

function topicsSection(model: Model, image: { width: number; height: number }): string {
  const H = model.H;
  const scale = Math.max(1, Math.round(112 / image.width));
  const pictures = Array.from({ length: model.rank }, (_, q) =>
    picture(
      imagePng(H.subarray(q * model.cols, (q + 1) * model.cols), image.width, image.height, scale),
      `topic ${q + 1}`,
      `topic ${q + 1}`,
    ));
  return `<section id="topics"><h2>Topics (rows of H)</h2><div class="row">${pictures.join("")}</div></section>`;
}

const STYLE = `body{font:15px/1.45 Helvetica,Arial,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.8em 0}th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f4f4f4}.features td:last-child{font-size:.93em}.w{color:#888;font-size:.85em}
.row{display:flex;flex-wrap:wrap;gap:1.2em;align-items:flex-start}figure{margin:.5em 0}
figcaption{font-size:.85em;color:#555;max-width:560px}
img{image-rendering:pixelated;border:1px solid #ddd;max-width:100%;height:auto}
svg{max-width:100%;height:auto}.source{color:#666}`;

/**
 * The report of a model as one HTML document: the run's settings, the loss curve (linear and
 * log-log), the v(i) of every stratum (grouped bars for few columns, heat maps for many, pictures
 * for image data), and the top features of each v(i) and each topic.
 * @throws {RangeError} when `image` does not match the model's column count.
 */
export async function buildReport(model: Model, options: ReportOptions = {}): Promise<string> {
  if (options.image && options.image.width * options.image.height !== model.cols) {
    throw new RangeError(
      `Cannot draw images: ${options.image.width}×${options.image.height} pixels, but the model has ${model.cols} columns`,
    );
  }
  const count = options.top ?? 10;
  const top = topFeatures(model, count);
  const title = options.title ?? "Stratified-NMF model";
  const sections = [
    settingsSection(model),
    await lossSection(model),
    await shiftsSection(model, options, top),
    topSection(top, count),
    options.image ? topicsSection(model, options.image) : "",
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="source">${
    options.source ? `${escapeHtml(options.source)}: ` : ""
  }${model.names.length} strata, rank ${model.rank}, ${model.cols} columns. A(i) ≈ 1 v(i)ᵀ + W(i) H: v(i) is what is particular to stratum i, the rows of H are shared by all.</p>
${sections.join("\n")}
<p class="source">Made by snmf report (stratified-nmf); charts by Vega-Lite.</p>
</body>
</html>
`;
}

/**
 * Charts of models and experiments: Vega-Lite specifications rendered to SVG at build time by
 * Vega's headless renderer (no browser, no canvas: text widths are estimated). `snmf report` and
 * the experiment figures (bench/experiments/) both draw with these functions.
 *
 * @module
 */

import * as vega from "vega";
import * as vl from "vega-lite";

/** A Vega-Lite specification. */
export type ChartSpec = vl.TopLevelSpec;

let charts = 0;

/**
 * Renders a Vega-Lite specification to an SVG document. Every `id` in it (clip paths,
 * gradients) gets a prefix unique to this call, so several charts can be inlined in one HTML page
 * without their references crossing. Every mark item with a description (the `description`
 * encoding, which Vega writes as `aria-label`) gets it as a native tooltip, an SVG `<title>`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type ChartSpec, renderSvg } from "./charts.ts";
 *
 * const spec: ChartSpec = {
 *   data: { values: [{ x: 1, y: 2, tip: "x 1: 2" }, { x: 2, y: 1, tip: "x 2: 1" }] },
 *   mark: { type: "line", clip: true, point: true }, // a clip path: an id, and a reference to it
 *   encoding: {
 *     x: { field: "x", type: "quantitative" },
 *     y: { field: "y", type: "quantitative" },
 *     description: { field: "tip" },
 *   },
 * };
 * const svg = await renderSvg(spec, "first-");
 * assert.ok(svg.startsWith("<svg"));
 * assert.match(svg, /id="first-clip1"/);
 * assert.match(svg, /url\(#first-clip1\)/);
 * assert.match(svg, /<title>x 2: 1<\/title>/);
 * ```
 */
export async function renderSvg(spec: ChartSpec, idPrefix = `c${++charts}-`): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    return withTooltips(
      svg
        .replace(/\bid="([^"]+)"/g, (_, id) => `id="${idPrefix}${id}"`)
        .replace(/url\(#([^)]+)\)/g, (_, id) => `url(#${idPrefix}${id})`)
        .replace(/href="#([^"]+)"/g, (_, id) => `href="#${idPrefix}${id}"`),
    );
  } finally {
    view.finalize();
  }
}

/**
 * Gives every self-closing mark item (`<path …/>`, `<rect …/>`, …) that Vega labelled
 * (`role="graphics-symbol" aria-label="…"`) an SVG `<title>` child with the label: the tooltip a
 * browser shows on hover, with no script. Axes and legends are groups (`<g>`), not touched.
 */
function withTooltips(svg: string): string {
  return svg.replace(
    /<([a-z]+)( [^>]*?aria-label="([^"]*)"[^>]*?)\/>/g,
    (element, tag: string, attributes: string, label: string) =>
      attributes.includes('role="graphics-symbol"') ? `<${tag}${attributes}><title>${label}</title></${tag}>` : element,
  );
}

/**
 * A number as text that identifies it exactly: the shortest decimal that reads back to the same
 * float32 when `x` is a float32 value (the factors), else to the same float64 (losses).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exactNumber } from "./charts.ts";
 *
 * assert.equal(exactNumber(Math.fround(0.1)), "0.1");
 * assert.equal(exactNumber(0.1 + 0.2), "0.30000000000000004");
 * assert.equal(exactNumber(NaN), "NaN");
 * ```
 */
export function exactNumber(x: number): string {
  if (!Number.isFinite(x) || Math.fround(x) !== x) return String(x);
  for (let digits = 1; digits < 9; digits++) {
    const text = x.toPrecision(digits);
    if (Math.fround(Number(text)) === x) return String(Number(text));
  }
  return String(Number(x.toPrecision(9)));
}

/**
 * `count` colours for categories (strata), none repeated: Tableau 10 up to 10, Tableau 20 up to
 * 20 (its ten strong colours first, then their light twins), and beyond, `count` colours evenly
 * spaced along the turbo scheme.
 */
export function categoricalColors(count: number): string[] {
  if (count <= 10) return (vega.scheme("tableau10") as string[]).slice(0, count);
  if (count <= 20) {
    const twenty = vega.scheme("tableau20") as string[];
    return [...twenty.filter((_, i) => i % 2 === 0), ...twenty.filter((_, i) => i % 2 === 1)].slice(0, count);
  }
  const turbo = vega.scheme("turbo") as (t: number) => string;
  return Array.from({ length: count }, (_, c) => turbo(0.05 + 0.9 * c / (count - 1)));
}

const CONFIG = {
  font: "Helvetica, Arial, sans-serif",
  background: "white",
  // labelLimit 0: labels are never cut short; the layout makes room for them.
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 0 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 0 },
  title: { fontSize: 14, anchor: "start" },
} as const;

/** One layer of a layered chart (Vega-Lite checks it when compiling). */
type Layer = Record<string, unknown>;

/** Scale of an axis. */
export type AxisScale = "linear" | "log";

/**
 * Indices 0…n−1 to plot at most about `count` points of a long curve: evenly spaced for a linear
 * x axis, evenly spaced in log(1 + i) for a log one; the first and last always kept.
 */
export function sampleIndices(n: number, count: number, scale: AxisScale): number[] {
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  const picked = new Set<number>([0, n - 1]);
  for (let p = 0; p < count; p++) {
    const t = p / (count - 1);
    picked.add(scale === "log" ? Math.round(Math.exp(t * Math.log(n)) - 1) : Math.round(t * (n - 1)));
  }
  return [...picked].filter((i) => i >= 0 && i < n).sort((a, b) => a - b);
}

/** A named curve: `values[i]` is the value after `iterations[i]` iterations (default `i`). */
export interface Curve {
  name: string;
  values: ArrayLike<number>;
  /** The iteration of each value, when the curve was not recorded at every iteration. */
  iterations?: ArrayLike<number>;
}

/** Options of {@link curvesSpec}. */
export interface CurvesOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  xScale?: AxisScale;
  yScale?: AxisScale;
  /** Horizontal reference lines (say the true shift means), drawn dashed in their curve's colour. */
  rules?: { name: string; value: number }[];
  /** Most points drawn per curve (default 400). */
  points?: number;
  /** Draw every point drawn as a dot whose tooltip gives its exact value (default false). */
  markers?: boolean;
  /**
   * The y axis spans the values from this iteration on (default 0: every value). Earlier values
   * outside that span (a start far above the rest) leave the chart at its top edge.
   */
  yFrom?: number;
  width?: number;
  height?: number;
}

/**
 * The span of a y axis that shows `values` and no more: their minimum and maximum, widened by 3 %
 * of the span on each side (in log space on a log axis), or by 1 % of the value when all are equal.
 * @param values finite numbers, > 0 on a log axis; at least one
 */
export function dataDomain(values: number[], scale: AxisScale): [number, number] {
  const into = scale === "log" ? Math.log : (x: number) => x;
  const back = scale === "log" ? Math.exp : (x: number) => x;
  const low = values.reduce((min, x) => Math.min(min, into(x)), Infinity);
  const high = values.reduce((max, x) => Math.max(max, into(x)), -Infinity);
  const pad = high > low ? 0.03 * (high - low) : scale === "log" ? Math.log(1.01) : Math.abs(low) * 0.01 || 1;
  return [back(low - pad), back(high + pad)];
}

/**
 * Tick values and their format for a log axis spanning less than a decade, where Vega's log ticks
 * would have no label: about five evenly spaced values, as a linear axis would have, with as many
 * significant digits as they need. Undefined for wider spans (Vega's own ticks are labelled there).
 */
export function narrowLogTicks(domain: [number, number]): { values: number[]; format: string } | undefined {
  if (domain[1] / domain[0] >= 10) return undefined;
  const linear = vega.scale("linear")() as { domain(d: number[]): { ticks(count: number): number[] } };
  const values = linear.domain(domain).ticks(5);
  const digits = Math.max(
    1,
    ...values.map((v) => Number(v.toPrecision(12)).toExponential().split("e")[0].replace(/[-.]/g, "").length),
  );
  return { values, format: `.${Math.min(digits, 12)}~g` };
}

/** The points of a curve drawn on the given axes: thinned, and without what a log axis cannot show. */
function curvePoints(curve: Curve, xScale: AxisScale, yScale: AxisScale, points: number) {
  const { name, values, iterations } = curve;
  const at = (i: number) => iterations ? iterations[i] : i;
  return (iterations
    ? Array.from({ length: values.length }, (_, i) => i)
    : sampleIndices(values.length, points, xScale))
    .filter((i) => (xScale === "linear" || at(i) > 0) && (yScale === "linear" || values[i] > 0))
    .map((i) => ({
      iteration: at(i),
      value: values[i],
      curve: name,
      tip: `${name}\niteration ${at(i)}: ${exactNumber(values[i])}`,
    }));
}

/**
 * Curves against the iteration (loss histories, v(i) means): one line per curve, coloured by
 * name, on linear or log axes. Long curves recorded at every iteration are thinned to about
 * `points` points. On a log axis, iteration 0 and values ≤ 0 are left out. The y axis spans the
 * data (from iteration `yFrom` on) and the rules, on either scale: never rounded out to a decade.
 */
export function curvesSpec(curves: Curve[], options: CurvesOptions = {}): ChartSpec {
  const { xScale = "linear", yScale = "linear", points = 400, yFrom = 0 } = options;
  const values = curves.flatMap((curve) => curvePoints(curve, xScale, yScale, points));
  const spanned = [
    ...values.filter((p) => p.iteration >= yFrom).map((p) => p.value),
    ...(options.rules ?? []).map((r) => r.value).filter((v) => yScale === "linear" || v > 0),
  ];
  const domain = spanned.length > 0 ? dataDomain(spanned, yScale) : undefined;
  const ticks = domain && yScale === "log" ? narrowLogTicks(domain) : undefined;
  const color = {
    field: "curve",
    type: "nominal",
    title: null,
    sort: curves.map((c) => c.name),
    scale: { range: categoricalColors(curves.length) },
    ...(curves.length === 1 && !options.rules ? { legend: null } : {}),
  } as const;
  const encoding = {
    x: {
      field: "iteration",
      type: "quantitative",
      title: options.xTitle ?? "iteration",
      scale: { type: xScale, nice: false },
    },
    y: {
      field: "value",
      type: "quantitative",
      title: options.yTitle ?? "value",
      scale: {
        type: yScale,
        nice: false,
        ...(yScale === "linear" ? { zero: false } : {}),
        ...(domain ? { domain } : {}),
      },
      ...(ticks ? { axis: ticks } : {}),
    },
    color,
  } as const;
  const layers: Layer[] = [{
    data: { values },
    mark: { type: "line", strokeWidth: 1.5, clip: true, aria: false },
    encoding,
  }];
  if (options.markers) {
    layers.push({
      data: { values },
      mark: { type: "point", filled: true, size: 12, opacity: 0.8, clip: true },
      encoding: { ...encoding, description: { field: "tip" } },
    });
  }
  if (options.rules?.length) {
    layers.push({
      data: { values: options.rules.map((r) => ({ curve: r.name, value: r.value })) },
      mark: { type: "rule", strokeDash: [4, 3], strokeWidth: 1, aria: false },
      encoding: { y: { field: "value", type: "quantitative" }, color },
    });
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: CONFIG,
    ...(options.title ? { title: options.title } : {}),
    width: options.width ?? 420,
    height: options.height ?? 260,
    layer: layers,
  } as unknown as ChartSpec;
}

/** One bar: `value` of `group` (say a stratum) at `category` (say a feature). */
export interface Bar {
  category: string;
  group: string;
  value: number;
  /** More lines for the bar's tooltip (say the contrast and share beside v). */
  detail?: string;
  /** An interval drawn as an error bar over the bar. */
  lower?: number;
  upper?: number;
  /** Drawn at full strength; the others paler (say the calls of a test). */
  marked?: boolean;
  /** Text above the bar's interval ("*" for a call, "†" for an unstable one). */
  note?: string;
}

/** Options of {@link groupedBarsSpec}. */
export interface BarsOptions {
  title?: string;
  yTitle?: string;
  categoryTitle?: string;
  groupTitle?: string;
  /** Reference values drawn as black ticks over the bars (say the published ones; say so in the title), labelled in the tooltip. */
  reference?: { bars: Bar[]; label: string };
  /** Pixel width of each bar (default 14; the chart is at most 900 pixels wide). */
  barWidth?: number;
  height?: number;
  /** What the tooltips call the bars' intervals (default "interval"). */
  intervalTitle?: string;
}

/** A bar's tooltip: where it is, its exact value and interval. */
function barTip(bar: Bar, valueTitle: string, source?: string, intervalTitle = "interval"): string {
  const value = `${source ? `${source} ` : ""}${valueTitle}: ${exactNumber(bar.value)}`;
  const interval = bar.lower === undefined
    ? []
    : [`${intervalTitle}: [${exactNumber(bar.lower)}, ${exactNumber(bar.upper!)}]`];
  return [bar.category, bar.group, value, ...interval, ...(bar.detail ? [bar.detail] : [])].join("\n");
}

/**
 * The layers of intervals and marks over grouped bars: a black error bar (a rule with caps)
 * per bar that has an interval, and each bar's note above its interval.
 */
function intervalLayers(values: Record<string, unknown>[], x: object, xOffset: object, barWidth: number): Layer[] {
  const withInterval = values.filter((b) => b.lower !== undefined && Number.isFinite(b.lower));
  if (withInterval.length === 0) return [];
  const y = (field: string) => ({ field, type: "quantitative" });
  const cap = (field: string): Layer => ({
    data: { values: withInterval },
    mark: { type: "tick", color: "black", thickness: 1.5, size: Math.max(4, barWidth * 0.6), aria: false },
    encoding: { x, xOffset, y: y(field) },
  });
  const noted = withInterval.filter((b) => b.note).map((b) => ({ ...b, top: Math.max(b.upper as number, 0) }));
  return [
    {
      data: { values: withInterval },
      mark: { type: "rule", color: "black", strokeWidth: 1.5 },
      encoding: { x, xOffset, y: y("lower"), y2: { field: "upper" }, description: { field: "tip" } },
    },
    cap("lower"),
    cap("upper"),
    ...(noted.length === 0 ? [] : [{
      data: { values: noted },
      mark: { type: "text", fontSize: 14, fontWeight: "bold", baseline: "bottom", dy: -1, aria: false },
      encoding: { x, xOffset, y: y("top"), text: { field: "note" } },
    }]),
  ];
}

/**
 * Grouped bars: one group of bars per category, one bar per group (coloured, no colour repeated
 * whatever the number of groups), in the given orders; optional reference ticks on the same
 * positions, error bars (bars with `lower` and `upper`), bars `marked` (the others paler) and
 * notes above the error bars. Every bar, tick and error bar has its exact values as a tooltip.
 */
export function groupedBarsSpec(bars: Bar[], options: BarsOptions = {}): ChartSpec {
  const categories = [...new Set(bars.map((b) => b.category))];
  const groups = [...new Set(bars.map((b) => b.group))];
  const valueTitle = options.yTitle ?? "value";
  const x = {
    field: "category",
    type: "nominal",
    sort: categories,
    title: options.categoryTitle ?? null,
    axis: { labelAngle: categories.some((c) => c.length > 6) ? -40 : 0 },
  } as const;
  const xOffset = { field: "group", type: "nominal", sort: groups } as const;
  const y = { field: "value", type: "quantitative", title: valueTitle } as const;
  const values = bars.map((b) => ({ ...b, tip: barTip(b, valueTitle, undefined, options.intervalTitle) }));
  const someMarked = bars.some((b) => b.marked);
  const layers: Layer[] = [{
    data: { values },
    mark: "bar",
    encoding: {
      ...(someMarked ? { opacity: { condition: { test: "datum.marked", value: 1 }, value: 0.35 } } : {}),
      x,
      xOffset,
      y,
      color: {
        field: "group",
        type: "nominal",
        sort: groups,
        title: options.groupTitle ?? null,
        scale: { range: categoricalColors(groups.length) },
      },
      description: { field: "tip" },
    },
  }];
  if (options.reference) {
    const { label } = options.reference;
    layers.push({
      data: { values: options.reference.bars.map((b) => ({ ...b, tip: barTip(b, valueTitle, label) })) },
      mark: { type: "tick", thickness: 2, color: "black" },
      encoding: { x, xOffset, y, description: { field: "tip" } },
    });
  }
  layers.push(...intervalLayers(values, x, xOffset, options.barWidth ?? 14));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: CONFIG,
    ...(options.title ? { title: options.title } : {}),
    width: Math.min(900, categories.length * (groups.length * (options.barWidth ?? 14) + 8)),
    height: options.height ?? 240,
    layer: layers,
  } as unknown as ChartSpec;
}

/** One cell of a labelled heat map; a NaN value is drawn grey ("no value", say no share). */
export interface Cell {
  row: string;
  column: string;
  value: number;
  /** More lines for the cell's tooltip. */
  detail?: string;
}

/** Options of {@link heatmapSpec}. */
export interface HeatmapSpecOptions {
  title?: string;
  valueTitle?: string;
  rowTitle?: string;
  columnTitle?: string;
  /** "sequential" (viridis, the default) or "diverging" (blue below 0, orange above, white at 0: contrasts). */
  colors?: "sequential" | "diverging";
  /** What the tooltip says for a NaN value (default "no value"). */
  missing?: string;
}

/**
 * A heat map with named rows and columns (say the strata against their top features), in the
 * given orders; every cell has its exact value as a tooltip.
 */
export function heatmapSpec(cells: Cell[], options: HeatmapSpecOptions = {}): ChartSpec {
  const rows = [...new Set(cells.map((c) => c.row))];
  const columns = [...new Set(cells.map((c) => c.column))];
  const valueTitle = options.valueTitle ?? "value";
  const values = cells.map((c) => ({
    row: c.row,
    column: c.column,
    value: Number.isNaN(c.value) ? null : c.value,
    tip: [
      c.row,
      c.column,
      `${valueTitle}: ${Number.isNaN(c.value) ? options.missing ?? "no value" : exactNumber(c.value)}`,
      ...(c.detail ? [c.detail] : []),
    ].join("\n"),
  }));
  // Diverging colours are symmetric about 0, so that equal colours mean equal magnitudes.
  const magnitude = cells.reduce((max, c) => Number.isNaN(c.value) ? max : Math.max(max, Math.abs(c.value)), 0) || 1;
  const scale = options.colors === "diverging"
    ? { scheme: "blueorange", domain: [-magnitude, magnitude] }
    : { scheme: "viridis" };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: { ...CONFIG, view: { strokeWidth: 0 } },
    ...(options.title ? { title: options.title } : {}),
    data: { values },
    // Few columns get wider cells, to be read as a table.
    width: { step: columns.length <= 24 ? 24 : 14 },
    height: { step: 16 },
    mark: { type: "rect", invalid: "show" },
    encoding: {
      x: {
        field: "column",
        type: "nominal",
        sort: columns,
        title: options.columnTitle ?? null,
        axis: { labelAngle: columns.length <= 24 ? -45 : -60 },
      },
      y: { field: "row", type: "nominal", sort: rows, title: options.rowTitle ?? null },
      color: {
        condition: { test: "!isValid(datum.value)", value: "#d9d9d9" },
        field: "value",
        type: "quantitative",
        title: valueTitle,
        scale,
      },
      description: { field: "tip" },
    },
  } as unknown as ChartSpec;
}

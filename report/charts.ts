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
 * without their references crossing.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type ChartSpec, renderSvg } from "./charts.ts";
 *
 * const spec: ChartSpec = {
 *   data: { values: [{ x: 1, y: 2 }, { x: 2, y: 1 }] },
 *   mark: { type: "line", clip: true }, // a clip path: an id, and a reference to it
 *   encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
 * };
 * const svg = await renderSvg(spec, "first-");
 * assert.ok(svg.startsWith("<svg"));
 * assert.match(svg, /id="first-clip1"/);
 * assert.match(svg, /url\(#first-clip1\)/);
 * ```
 */
export async function renderSvg(spec: ChartSpec, idPrefix = `c${++charts}-`): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    return svg
      .replace(/\bid="([^"]+)"/g, (_, id) => `id="${idPrefix}${id}"`)
      .replace(/url\(#([^)]+)\)/g, (_, id) => `url(#${idPrefix}${id})`)
      .replace(/href="#([^"]+)"/g, (_, id) => `href="#${idPrefix}${id}"`);
  } finally {
    view.finalize();
  }
}

const CONFIG = {
  font: "Helvetica, Arial, sans-serif",
  background: "white",
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 },
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
  width?: number;
  height?: number;
}

/**
 * Curves against the iteration (loss histories, v(i) means): one line per curve, coloured by
 * name, on linear or log axes. Long curves recorded at every iteration are thinned to about
 * `points` points. On a log axis, iteration 0 and values ≤ 0 are left out.
 */
export function curvesSpec(curves: Curve[], options: CurvesOptions = {}): ChartSpec {
  const { xScale = "linear", yScale = "linear", points = 400 } = options;
  const values = curves.flatMap(({ name, values, iterations }) => {
    const at = (i: number) => iterations ? iterations[i] : i;
    return (iterations
      ? Array.from({ length: values.length }, (_, i) => i)
      : sampleIndices(values.length, points, xScale))
      .filter((i) => (xScale === "linear" || at(i) > 0) && (yScale === "linear" || values[i] > 0))
      .map((i) => ({ iteration: at(i), value: values[i], curve: name }));
  });
  const color = {
    field: "curve",
    type: "nominal",
    title: null,
    sort: curves.map((c) => c.name),
    ...(curves.length === 1 && !options.rules ? { legend: null } : {}),
  } as const;
  const line = {
    mark: { type: "line", strokeWidth: 1.5 },
    encoding: {
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
        scale: { type: yScale, ...(yScale === "linear" ? { zero: false } : {}) },
      },
      color,
    },
  } as const;
  const layers: Layer[] = [{ data: { values }, ...line }];
  if (options.rules?.length) {
    layers.push({
      data: { values: options.rules.map((r) => ({ curve: r.name, value: r.value })) },
      mark: { type: "rule", strokeDash: [4, 3], strokeWidth: 1 },
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
}

/**
 * Grouped bars: one group of bars per category, one bar per group (coloured), in the given
 * orders; optional reference ticks on the same positions.
 */
export function groupedBarsSpec(bars: Bar[], options: BarsOptions = {}): ChartSpec {
  const categories = [...new Set(bars.map((b) => b.category))];
  const groups = [...new Set(bars.map((b) => b.group))];
  const x = {
    field: "category",
    type: "nominal",
    sort: categories,
    title: options.categoryTitle ?? null,
    axis: { labelAngle: categories.some((c) => c.length > 6) ? -40 : 0 },
  } as const;
  const xOffset = { field: "group", type: "nominal", sort: groups } as const;
  const y = { field: "value", type: "quantitative", title: options.yTitle ?? "value" } as const;
  const layers: Layer[] = [{
    data: { values: bars },
    mark: "bar",
    encoding: {
      x,
      xOffset,
      y,
      color: { field: "group", type: "nominal", sort: groups, title: options.groupTitle ?? null },
      tooltip: [{ field: "category" }, { field: "group" }, { field: "value", format: ".4g" }],
    },
  }];
  if (options.reference) {
    layers.push({
      data: { values: options.reference.bars.map((b) => ({ ...b, source: options.reference!.label })) },
      mark: { type: "tick", thickness: 2, color: "black" },
      encoding: { x, xOffset, y, tooltip: [{ field: "source" }, { field: "value", format: ".4g" }] },
    });
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: CONFIG,
    ...(options.title ? { title: options.title } : {}),
    width: Math.min(900, categories.length * (groups.length * (options.barWidth ?? 14) + 8)),
    height: options.height ?? 240,
    layer: layers,
  } as unknown as ChartSpec;
}

/** One cell of a labelled heat map. */
export interface Cell {
  row: string;
  column: string;
  value: number;
}

/** Options of {@link heatmapSpec}. */
export interface HeatmapSpecOptions {
  title?: string;
  valueTitle?: string;
  rowTitle?: string;
  columnTitle?: string;
}

/** A heat map with named rows and columns (say the strata against their top features), in the given orders. */
export function heatmapSpec(cells: Cell[], options: HeatmapSpecOptions = {}): ChartSpec {
  const rows = [...new Set(cells.map((c) => c.row))];
  const columns = [...new Set(cells.map((c) => c.column))];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: { ...CONFIG, view: { strokeWidth: 0 } },
    ...(options.title ? { title: options.title } : {}),
    data: { values: cells },
    width: { step: 14 },
    height: { step: 16 },
    mark: "rect",
    encoding: {
      x: {
        field: "column",
        type: "nominal",
        sort: columns,
        title: options.columnTitle ?? null,
        axis: { labelAngle: -60 },
      },
      y: { field: "row", type: "nominal", sort: rows, title: options.rowTitle ?? null },
      color: {
        field: "value",
        type: "quantitative",
        title: options.valueTitle ?? "value",
        scale: { scheme: "viridis" },
      },
      tooltip: [{ field: "row" }, { field: "column" }, { field: "value", format: ".4g" }],
    },
  };
}

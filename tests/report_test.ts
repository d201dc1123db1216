// The report library (report/): Vega-Lite charts rendered to SVG, PNG pictures, the
// self-contained HTML page, and the `snmf report` command.

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { decode } from "fast-png";
import {
  type Effects,
  fit,
  init,
  Model,
  type ModelJSON,
  type ModelSettings,
  type Preprocessing,
  syntheticStrata,
} from "../sdk/mod.ts";
import { SETTING_NAMES } from "../sdk/input/options.ts";
import {
  categoricalColors,
  type ChartSpec,
  curvesSpec,
  dataDomain,
  exactNumber,
  groupedBarsSpec,
  heatmapSpec,
  narrowLogTicks,
  renderSvg,
  sampleIndices,
} from "../report/charts.ts";
import { heatmapPng, imagePng, pngDataUri, shiftsHeatmapPng } from "../report/png.ts";
import { buildReport, escapeHtml, nonZeroFraction, topicUse } from "../report/html.ts";
import { topFeatures } from "../report/top_features.ts";
import { INTERVALS_CAVEAT } from "../report/effects.ts";
import type { RestartsRecord, Stability } from "../sdk/inference/stability.ts";
import { report } from "../cli/report.ts";
import { UsageError } from "../cli/errors.ts";

/** Checks that every non-void element is closed in order (SVG's self-closing tags allowed). */
function assertWellFormed(html: string): void {
  const VOID = new Set(["meta", "img", "br", "hr", "input", "link", "source", "col", "wbr"]);
  const stack: string[] = [];
  const body = html.replace(/<!DOCTYPE html>/i, "").replace(/<style>[\s\S]*?<\/style>/g, "<style></style>");
  for (const match of body.matchAll(/<(\/?)([a-zA-Z][\w:-]*)([^>]*?)(\/?)>/g)) {
    const [, closing, rawName, , selfClosing] = match;
    const name = rawName.toLowerCase();
    if (closing) {
      assert.equal(stack.pop(), name, `</${name}> closes <${stack.at(-1)}> at offset ${match.index}`);
    } else if (!selfClosing && !VOID.has(name)) stack.push(name);
  }
  assert.deepEqual(stack, [], "every element is closed");
}

/** Every address a page would fetch: src/href attributes, CSS url(), @import, scripts and links. */
function externalReferences(html: string): string[] {
  const found: string[] = [];
  for (const m of html.matchAll(/\b(?:src|href|xlink:href)\s*=\s*"([^"]*)"/g)) {
    if (!m[1].startsWith("data:") && !m[1].startsWith("#")) found.push(m[1]);
  }
  for (const m of html.matchAll(/url\(\s*['"]?([^'")]+)/g)) if (!m[1].startsWith("#")) found.push(m[1]);
  for (const m of html.matchAll(/@import|<script|<link|<iframe|<object|<embed/g)) found.push(m[0]);
  return found;
}

const work = mkdtempSync(join(tmpdir(), "snmf-report-test-"));
after(() => rmSync(work, { recursive: true, force: true }));

describe("charts", () => {
  it("renders a Vega-Lite specification to SVG with marks", async () => {
    const svg = await renderSvg({
      data: { values: [{ x: 1, y: 2 }, { x: 2, y: 5 }, { x: 3, y: 3 }] },
      mark: "line",
      encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
    });
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /<path [^>]*d="M[^"]+"/);
    assert.match(svg, /<\/svg>$/);
  });

  it("gives every chart its own ids, so inlined charts do not share clip paths", async () => {
    const spec: ChartSpec = {
      data: { values: [{ x: 1, y: 2 }, { x: 2, y: 5 }] },
      mark: { type: "line", clip: true },
      encoding: {
        x: { field: "x", type: "quantitative", scale: { domain: [0, 1.5] } },
        y: { field: "y", type: "quantitative" },
      },
    };
    const [a, b] = [await renderSvg(spec), await renderSvg(spec)];
    const ids = (svg: string) => [...svg.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(ids(a).length > 0, "a clipped mark defines a clip path");
    assert.equal(ids(a).filter((id) => ids(b).includes(id)).length, 0);
    for (const svg of [a, b]) {
      for (const ref of svg.matchAll(/url\(#([^)]+)\)/g)) assert.ok(ids(svg).includes(ref[1]), `${ref[1]} is defined`);
    }
  });

  it("draws curves, grouped bars with reference ticks, and labelled heat maps", async () => {
    const curves = await renderSvg(
      curvesSpec([{ name: "a", values: [4, 2, 1, 0.5] }, { name: "b", values: [3, 3, 2, 1] }], {
        xScale: "log",
        yScale: "log",
        rules: [{ name: "a", value: 1 }],
      }),
    );
    assert.equal([...curves.matchAll(/class="mark-line role-mark/g)].length, 2);
    assert.match(curves, /class="mark-rule role-mark/);
    const bars = await renderSvg(groupedBarsSpec(
      [
        { category: "x", group: "low", value: 1 },
        { category: "x", group: "high", value: 2 },
        { category: "y", group: "low", value: 3 },
        { category: "y", group: "high", value: 0.5 },
      ],
      { reference: { bars: [{ category: "x", group: "low", value: 1.1 }], label: "published" } },
    ));
    assert.equal([...bars.matchAll(/<path [^>]*aria-roledescription="bar"/g)].length, 4);
    assert.match(bars, /aria-roledescription="tick"/);
    const heat = await renderSvg(heatmapSpec([
      { row: "s1", column: "alpha", value: 1 },
      { row: "s2", column: "alpha", value: 0 },
    ]));
    assert.match(heat, />alpha</);
    assert.equal([...heat.matchAll(/aria-roledescription="rect mark"/g)].length, 2);
  });

  it("thins long curves, keeping both ends", () => {
    assert.deepEqual(sampleIndices(5, 10, "linear"), [0, 1, 2, 3, 4]);
    const linear = sampleIndices(10_001, 100, "linear");
    assert.ok(linear.length <= 101 && linear[0] === 0 && linear.at(-1) === 10_000);
    const log = sampleIndices(10_001, 50, "log");
    assert.ok(log.includes(1) && log.includes(2) && log.at(-1) === 10_000 && log.length <= 51);
  });
});

describe("pictures", () => {
  it("draws a vector as a grey image, enlarged", () => {
    const values = new Float32Array(4 * 3);
    values[0] = 2; // top left: the largest, black
    values[5] = 1; // row 1, column 1: half grey
    const png = decode(imagePng(values, 4, 3, 2));
    assert.equal(png.width, 8);
    assert.equal(png.height, 6);
    const pixel = (x: number, y: number) => Array.from(png.data.slice((y * 8 + x) * 3, (y * 8 + x) * 3 + 3));
    assert.deepEqual(pixel(0, 0), [0, 0, 0]);
    assert.deepEqual(pixel(1, 1), [0, 0, 0]);
    assert.deepEqual(pixel(2, 2), [128, 128, 128]);
    assert.deepEqual(pixel(7, 5), [255, 255, 255]);
    assert.throws(() => imagePng(values, 5, 3), RangeError);
  });

  it("bins many columns by their largest value and keeps every row", () => {
    const row = new Float64Array(3000);
    row[1500] = 1; // a single non-zero must survive binning
    const { png, binWidth } = heatmapPng([row, new Float64Array(3000)], { maxWidth: 1000, rowHeight: 2 });
    assert.equal(binWidth, 3);
    const image = decode(png);
    assert.equal(image.width, 1000);
    assert.equal(image.height, 4);
    const yellow = Array.from(image.data.slice(500 * 3, 500 * 3 + 3));
    assert.deepEqual(yellow, [253, 231, 37]);
  });

  it("draws exact zeros of the v(i) heat map white and groups columns by stratum", () => {
    const V = [Float32Array.from([0, 5, 0, 1e-3]), Float32Array.from([2, 0, 0, 0])];
    const image = decode(shiftsHeatmapPng(V, { minWidth: 4, rowHeight: 1 }).png);
    const pixel = (x: number, y: number) => Array.from(image.data.slice((y * 4 + x) * 3, (y * 4 + x) * 3 + 3));
    // Columns ordered by the stratum where v is largest, then by that value: 5, 1e-3 and the
    // all-zero column (stratum 0's), then 2 (stratum 1's).
    const white = [255, 255, 255];
    assert.deepEqual(pixel(0, 0), [253, 231, 37]);
    assert.notDeepEqual(pixel(1, 0), white);
    assert.deepEqual([pixel(2, 0), pixel(2, 1)], [white, white]);
    assert.deepEqual([pixel(0, 1), pixel(1, 1), pixel(3, 0)], [white, white, white]);
    assert.notDeepEqual(pixel(3, 1), white);
  });

  it("makes data URIs", () => {
    assert.equal(pngDataUri(Uint8Array.from([1, 2, 3])), "data:image/png;base64,AQID");
  });
});

async function smallModel(cols: number, columnNames?: string[]): Promise<Model> {
  const { strata } = syntheticStrata({ seed: 3, rows: 12, cols, strata: 3 });
  return await fit(strata, { rank: 3, maxIter: 30, seed: 1, columnNames });
}

describe("buildReport", () => {
  it("is one self-contained page with every section, bars for few columns", async () => {
    const model = await smallModel(6, ["a", "b", "c", "d", "e", "<f&g>"]);
    try {
      const html = await buildReport(model, { source: "m.json" });
      assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
      assertWellFormed(html);
      assert.deepEqual(externalReferences(html), []);
      for (const id of ["settings", "loss", "shifts", "topic-use", "top-features"]) {
        assert.match(html, new RegExp(`<section id="${id}">`));
      }
      assert.doesNotMatch(html, /<section id="topics">/);
      // loss (linear and log-log), the grouped bars, the contrast heat map and the topics' use
      assert.equal([...html.matchAll(/<svg /g)].length, 5);
      assert.match(html, /aria-roledescription="bar"/);
      assert.match(html, /&#60;f&#38;g&#62;/);
      assert.doesNotMatch(html, /<f&g>/);
      for (const name of model.names) assert.ok(html.includes(`<td>${name}</td>`));
      assert.ok(html.includes(`<td>${model.iterations}</td>`));
    } finally {
      model.free();
    }
  });

  it("draws heat maps for many columns, pictures for image columns", async () => {
    const model = await smallModel(64);
    try {
      const html = await buildReport(model);
      assertWellFormed(html);
      assert.equal([...html.matchAll(/<img src="data:image\/png;base64,/g)].length, 1);
      assert.match(html, /aria-roledescription="rect mark"/);
      const images = await buildReport(model, { image: { width: 8, height: 8 } });
      assertWellFormed(images);
      assert.deepEqual(externalReferences(images), []);
      assert.match(images, /<section id="topics">/);
      // one picture of v(i) and one of its contrast per stratum, one per topic
      assert.equal([...images.matchAll(/<img src="data:image\/png;base64,/g)].length, 3 + 3 + 3);
      await assert.rejects(buildReport(model, { image: { width: 8, height: 7 } }), RangeError);
    } finally {
      model.free();
    }
  });

  it("says so when there is no loss history", async () => {
    const { strata } = syntheticStrata({ seed: 1, rows: 5, cols: 4, strata: 2 });
    const model = await fit(strata, { rank: 2, maxIter: 5, seed: 1, trackLoss: false });
    try {
      const html = await buildReport(model);
      assert.match(html, /No loss history/);
      assertWellFormed(html);
    } finally {
      model.free();
    }
  });

  it("escapes text and counts non-zeros", () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;");
    assert.equal(nonZeroFraction([0, 1, 0, 2]), 0.5);
  });
});

describe("snmf report", () => {
  it("writes the page from a model file, atomically, and checks --image", async () => {
    const model = await smallModel(16);
    const file = join(work, "model.json");
    writeFileSync(file, JSON.stringify(model.toJSON()));
    model.free();
    const out = join(work, "report.html");
    assert.equal(await report([file, "--out", out, "--image", "4x4", "--top", "3", "--title", "Digits", "--quiet"]), 0);
    const html = readFileSync(out, "utf8");
    assert.match(html, /<title>Digits<\/title>/);
    assert.match(html, /<section id="topics">/);
    assert.match(html, /<th>top 3<\/th>/);
    await assert.rejects(report([file, "--out", out, "--image", "5x4"]), UsageError);
    await assert.rejects(report([file, "--image", "4by4"]), UsageError);
    await assert.rejects(report([file, "--out", join(work, "missing", "r.html")]), UsageError);
  });
});

/** The SVG charts of a page, in order. */
/** The section of the top features. */
function topSection(html: string): string {
  return /<section id="top-features">[\s\S]*?<\/section>/.exec(html)![0];
}

function charts(html: string): string[] {
  return [...html.matchAll(/<svg [\s\S]*?<\/svg>/g)].map((m) => m[0]);
}

/** The y axis's span as Vega describes it: "… for a linear scale with values from LOW to HIGH". */
function yAxisSpan(svg: string): [number, number] {
  const match = /aria-label="Y-axis[^"]* with values from ([-\d.e]+) to ([-\d.e]+)"/.exec(svg);
  assert.ok(match, "the chart has a described y axis");
  return [Number(match[1]), Number(match[2])];
}

/** The texts of a chart's axis labels (both axes), and of its legend labels. */
function chartLabels(svg: string): string[] {
  return [...svg.matchAll(/role-(?:axis|legend)-label[^>]*>([\s\S]*?)<\/g>/g)]
    .flatMap((m) => [...m[1].matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((t) => t[1]));
}

/** Every native tooltip of a chart: the text of its `<title>` elements. */
function tooltips(svg: string): string[] {
  return [...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) =>
    m[1].replace(/&#xA;/g, "\n").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(
      /&amp;/g,
      "&",
    )
  );
}

/** A column name long enough to be cut by Vega's default label limit (180 estimated pixels). */
const LONG = [
  "Rotten Tomatoes Rating",
  "Internet Movie Database Rating",
  "Production Budget (US dollars)",
  "Worldwide Gross",
];

/**
 * A model made from given factors (no fit): `V` s vectors of n, two rows of W per stratum, the
 * given loss history (the normalized loss equal to the loss).
 */
async function madeModel(
  V: number[][],
  options: Partial<Omit<ModelJSON, "settings">> & Partial<ModelSettings> = {},
): Promise<Model> {
  await init();
  const rank = 2;
  const n = V[0].length;
  const lossHistory = options.lossHistory ?? [3, 2, 1.5];
  const settingNames = new Set<string>(SETTING_NAMES);
  const given = Object.entries(options);
  const settings: ModelSettings = {
    solver: "hals",
    schedule: "sequential",
    vUpdates: 2,
    init: "random",
    seed: 7,
    l1V: 0,
    l1W: 0,
    l1H: 0,
    normalizeUnits: true,
    restarts: 1,
    strataWeights: null,
    missing: "error",
    threads: 1,
    ...Object.fromEntries(given.filter(([key]) => settingNames.has(key))),
  };
  const json: ModelJSON = {
    format: "stratified-nmf",
    version: 2,
    names: V.map((_, i) => `stratum ${i + 1} with a rather long name`),
    rows: V.map(() => 2),
    cols: n,
    rank,
    V,
    W: V.map((_, i) => [[i + 1, 0.5], [i + 2, 0]]),
    H: [Array.from({ length: n }, (_, j) => j + 1), Array.from({ length: n }, (_, j) => n - j)],
    lossHistory,
    loss: lossHistory.at(-1)!,
    normalizedLoss: lossHistory.at(-1)!,
    iterations: lossHistory.length - 1,
    converged: false,
    elapsedMs: 1234.5,
    scale: 1,
    settings,
    ...Object.fromEntries(given.filter(([key]) => !settingNames.has(key))),
  };
  return Model.fromJSON(json);
}

// Where value and contrast disagree, as on cars by origin: column 0 is the largest v of every
// stratum; by contrast, stratum 0 stands out in column 2, stratum 1 in column 1, stratum 2 in 0.
const CARS_LIKE = [[15, 0.2, 6, 1], [16, 3, 0.5, 1], [16.5, 2.5, 0.4, 1]];

describe("loss charts", () => {
  // A random start on a text model: far above, then a small fall (docs/experiments.md).
  const TEXT_LOSS = [104.2, 0.8345, 0.822, 0.8156, 0.8124, 0.81, 0.808, 0.8065, 0.806, 0.8055, 0.805];

  it("span the data: the linear axis from iteration 1 on, the log axis not rounded to a decade", async () => {
    using model = await madeModel(CARS_LIKE, { lossHistory: TEXT_LOSS });
    const [linear, logLog] = charts(await buildReport(model));
    for (const svg of [linear, logLog]) {
      const [low, high] = yAxisSpan(svg);
      assert.ok(low > 0.79 && low < 0.805 && high > 0.8345 && high < 0.85, `y from ${low} to ${high}`);
    }
    // The log axis is labelled although its span is less than a decade.
    const yLabels = chartLabels(logLog).map(Number).filter((x) => x > 0.7 && x < 0.9);
    assert.ok(yLabels.length >= 3, `y labels ${chartLabels(logLog)}`);
    assert.match(await buildReport(model), /the start, 104\.2, is above it/);
  });

  it("pads the span of the data, in log space on a log axis", () => {
    assert.deepEqual(dataDomain([1, 2], "linear"), [0.97, 2.03]);
    const [low, high] = dataDomain([1, 100], "log");
    assert.ok(Math.abs(Math.log10(low) + 0.06) < 1e-12 && Math.abs(Math.log10(high) - 2.06) < 1e-12);
    assert.deepEqual(dataDomain([5, 5], "linear"), [4.95, 5.05]);
    assert.deepEqual(dataDomain([0], "linear"), [-1, 1]);
    assert.deepEqual(narrowLogTicks([0.8046, 0.8359]), {
      values: [0.805, 0.81, 0.815, 0.82, 0.825, 0.83, 0.835],
      format: ".3~g",
    });
    assert.equal(narrowLogTicks([0.001, 1]), undefined);
  });

  it("give every point its exact value as a tooltip", async () => {
    using model = await madeModel(CARS_LIKE, { lossHistory: TEXT_LOSS });
    const [linear, logLog] = charts(await buildReport(model));
    const linearTips = tooltips(linear);
    assert.equal(linearTips.length, TEXT_LOSS.length);
    assert.equal(linearTips[3], `normalized loss\niteration 3: ${TEXT_LOSS[3]}`);
    assert.equal(tooltips(logLog).length, TEXT_LOSS.length - 1, "iteration 0 is not on a log axis");
  });
});

describe("colours, labels and tooltips", () => {
  it("never repeats a colour, whatever the number of categories", () => {
    for (const count of [1, 5, 10, 11, 12, 20, 21, 40]) {
      const colors = categoricalColors(count);
      assert.equal(colors.length, count);
      assert.equal(new Set(colors).size, count, `${count} colours`);
    }
    // Tableau 20's strong colours first: 11 to 20 strata keep the first ten colours of 20.
    assert.deepEqual(categoricalColors(12).slice(0, 10), categoricalColors(20).slice(0, 10));
  });

  it("draws 12 strata in 12 colours", async () => {
    const V = Array.from({ length: 12 }, (_, i) => [i + 1, 12 - i, 1, 0.5]);
    using model = await madeModel(V);
    const bars = charts(await buildReport(model))[2];
    const fills = new Set([...bars.matchAll(/aria-roledescription="bar"[^>]*fill="([^"]+)"/g)].map((m) => m[1]));
    assert.equal(fills.size, 12);
  });

  it("shows long column and stratum names whole", async () => {
    using model = await madeModel(CARS_LIKE.map((v) => v.slice()), { columnNames: LONG });
    const html = await buildReport(model);
    const labels = charts(html).flatMap(chartLabels);
    for (const name of [...LONG, ...model.names]) assert.ok(labels.includes(name), `"${name}" whole in a chart`);
    assert.deepEqual(labels.filter((label) => label.includes("…")), []);
    // many columns: the heat map of the top columns
    const many = Array.from({ length: 50 }, (_, j) => `${LONG[j % 4]} ${j}`);
    using wide = await madeModel(CARS_LIKE.map((v) => Array.from({ length: 50 }, (_, j) => v[j % 4] + j)), {
      columnNames: many,
    });
    const heat = charts(await buildReport(wide)).flatMap(chartLabels);
    assert.ok(heat.includes("Internet Movie Database Rating 1"));
    assert.deepEqual(heat.filter((label) => label.includes("…")), []);
  });

  it("gives every bar and cell its exact values as a tooltip", async () => {
    using model = await madeModel(CARS_LIKE, { columnNames: LONG });
    const [, , bars, heat, use] = charts(await buildReport(model));
    const barTips = tooltips(bars);
    assert.equal(barTips.length, 3 * 4);
    // stratum 1, column 2: v = 0.5; contrast 0.5 − (6 + 0.4)/2 = −2.7; share 0.5 / 6.9
    assert.ok(
      barTips.includes(
        `${LONG[2]}\n${model.names[1]}\nv(i): 0.5\ncontrast: ${
          exactNumber(0.5 - (6 + 0.4000000059604645) / 2)
        }\nshare: ${Number((100 * 0.5 / (6 + 0.5 + 0.4000000059604645)).toPrecision(3))} %`,
      ),
      barTips.join("\n---\n"),
    );
    assert.equal(tooltips(heat).length, 3 * 4);
    assert.equal(tooltips(use).length, 3 * 2);
  });

  it("writes numbers exactly: float32 values by their shortest float32 text", () => {
    assert.equal(exactNumber(Math.fround(0.4)), "0.4");
    assert.equal(exactNumber(Math.fround(1 / 3)), "0.33333334");
    assert.equal(exactNumber(1 / 3), String(1 / 3));
    assert.equal(exactNumber(0), "0");
  });
});

describe("report contents", () => {
  it("ranks each stratum's features by contrast, says so, and follows `by`", async () => {
    using model = await madeModel(CARS_LIKE, { columnNames: ["Acceleration", "Horsepower", "MPG", "Cylinders"] });
    const firstOf = (html: string) =>
      [...html.matchAll(/<td>stratum \d with a rather long name<\/td><td><span title="[^"]*">([^<]+) </g)].map((m) =>
        m[1]
      );
    const html = await buildReport(model);
    assert.deepEqual(firstOf(html), ["MPG", "Horsepower", "Acceleration"]);
    assert.match(html, /Ranked by contrast: v\(i\)ⱼ minus the unweighted mean/);
    assert.match(html, /<th>top 10 by contrast<\/th>/);
    assert.match(html, /on v as fitted, in each column&#39;s own units/);
    const byValue = await buildReport(model, { by: "value" });
    assert.deepEqual(firstOf(byValue), ["Acceleration", "Acceleration", "Acceleration"]);
    assert.match(byValue, /Ranked by value/);
    const scaled = await buildReport(model, { scaling: "each column divided by its standard deviation" });
    assert.match(scaled, /The ranking is on the scaled values: each column divided by its standard deviation\./);
  });

  it("ranks on the scaled values when the columns' scales are mixed, says so, and shows the numbers as fitted", async () => {
    // As cars by origin: weight (largest value 5000) beside mpg (40) and a small column (1).
    const V = [[3300, 20, 0.5], [3000, 35, 0.5], [3000, 20, 0.6]];
    const options = { columnNames: ["weight", "mpg", "small"], columnMaxima: [5000, 40, 1] };
    using model = await madeModel(V, options);
    /** Each stratum's listed features, and the number after each. */
    const listed = (html: string) =>
      [...topSection(html).matchAll(/<tr><td>stratum \d with a rather long name<\/td><td>([\s\S]*?)<\/td><\/tr>/g)].map(
        (m) =>
          [...m[1].matchAll(/<span title="([^"]*)">(\w+) <span class="w">([^<]+)<\/span>/g)].map((f) => ({
            name: f[2],
            shown: f[3],
            tip: f[1].replace(/&#39;/g, "'"),
          })),
      );
    const html = await buildReport(model);
    // Stratum 3 is 150 pounds and 7.5 mpg below the others: as fitted mpg ranks above weight, scaled
    // −150/5000 = −0.03 ranks above −7.5/40 = −0.1875.
    assert.deepEqual(listed(html)[2].map((f) => f.name), ["small", "weight", "mpg"]);
    assert.deepEqual(listed(html)[2].map((f) => f.shown), ["0.1", "-150", "-7.5"], "the contrasts as fitted");
    assert.match(listed(html)[2][1].tip, /\nranked on: contrast \/ the column's largest value = -0\.03(\n|$)/);
    assert.match(
      html,
      /Ranked on the scaled values: the columns&#39; largest values in the data differ by 5000× \(1 in small, 5000 in weight\), so each column&#39;s contrast was divided by its largest value before ranking; the numbers shown are as fitted\./,
    );
    const byValue = await buildReport(model, { by: "value" });
    assert.deepEqual(listed(byValue)[1].map((f) => f.name), ["mpg", "weight", "small"], "35/40 above 3000/5000");
    assert.match(byValue, /so each column&#39;s v\(i\)ⱼ was divided by its largest value/);
    const byShare = await buildReport(model, { by: "share" });
    assert.match(
      byShare,
      /Shares are scale-free \(a ratio within each column\), so they are ranked as fitted: the columns&#39; largest values differ by 5000×/,
    );
    assert.doesNotMatch(byShare, /ranked on: /);
  });

  it("ranks as fitted when the columns were scaled before the fit or are on one scale, and says so", async () => {
    const V = [[3300, 20, 0.5], [3000, 35, 0.5], [3000, 20, 0.6]];
    const first = (html: string) =>
      /<tr><td>stratum 3 with a rather long name<\/td><td><span title="[^"]*">(\w+) /.exec(topSection(html))![1];
    const preprocessing: Preprocessing = {
      missing: "error",
      missingCells: [0, 0, 0],
      scale: "std",
      shiftNegative: false,
      shift: [0, 0, 0],
      divisor: [400, 5, 0.1],
    };
    using scaled = await madeModel(V, {
      columnNames: ["weight", "mpg", "small"],
      columnMaxima: [5000, 40, 1],
      preprocessing,
    });
    const html = await buildReport(scaled, { by: "value" });
    assert.equal(first(html), "weight", "3000 leads by value as fitted");
    assert.match(
      html,
      /Ranked on the scaled values: the columns were scaled before the fit \(each column divided by its standard deviation\), so the values as fitted are on one scale\./,
    );
    assert.doesNotMatch(html, /ranked on: /);
    using even = await madeModel(V, { columnNames: ["weight", "mpg", "small"], columnMaxima: [50, 40, 1] });
    const evenHtml = await buildReport(even, { by: "value" });
    assert.equal(first(evenHtml), "weight");
    assert.match(
      evenHtml,
      /Ranked on v as fitted: the columns&#39; largest values in the data differ by 50× \(1 in small, 50 in weight\), within 100× of each other\./,
    );
  });

  it("shows a column that is 0 in every stratum as having no share", async () => {
    using model = await madeModel([[1, 0, 2], [3, 0, 2]]);
    const html = await buildReport(model, { by: "share" });
    assert.match(html, /col 1 <span class="w">no share<\/span>/);
    assert.doesNotMatch(html, /NaN/);
    assert.ok(tooltips(charts(html)[3]).some((tip) => tip.includes("share: no share (0 in every stratum)")));
  });

  it("shows the solver, the start and the penalties, and a schedule only for the multiplicative updates", async () => {
    const row = (html: string, name: string) => new RegExp(`<tr><td>${name}</td><td>([^<]*)</td></tr>`).exec(html)?.[1];
    {
      using hals = await madeModel(CARS_LIKE, { l1V: 0.5 });
      const html = await buildReport(hals);
      assert.equal(row(html, "solver"), "HALS (exact block-coordinate descent)");
      assert.equal(row(html, "start"), "random (the published start), seed 7");
      assert.equal(row(html, "penalties"), "L1: λ_v = 0.5, λ_W = 0, λ_H = 0");
      assert.equal(row(html, "v\\(i\\) updates"), "on");
      assert.doesNotMatch(html, /schedule|sequential/);
    }
    using mu = await madeModel(CARS_LIKE, { solver: "mu", schedule: "reference", init: "nndsvd", seed: null });
    const html = await buildReport(mu);
    assert.equal(row(html, "solver"), "multiplicative updates (the paper&#39;s), reference schedule");
    assert.equal(row(html, "start"), "NNDSVD");
    assert.equal(row(html, "penalties"), "none");
    assert.equal(row(html, "v\\(i\\) updates"), "2 per iteration");
  });

  it("says what the time it shows covers: the model's time iterating", async () => {
    using model = await madeModel(CARS_LIKE);
    assert.match(
      await buildReport(model),
      /<td>time iterating<\/td><td>1\.23 s \(617 ms per iteration\); the final loss included, loading the data and the start not<\/td>/,
    );
  });

  it("shows how much each stratum uses each topic: the means of W(i)'s columns", async () => {
    assert.deepEqual(
      topicUse([Float32Array.from([1, 0.5, 2, 0]), Float32Array.from([4, 1, 6, 3, 8, 2])], 2).map((u) => Array.from(u)),
      [[1.5, 0.25], [6, 2]],
    );
    using model = await madeModel(CARS_LIKE);
    const html = await buildReport(model);
    assert.match(html, /<section id="topic-use"><h2>Topics used by each stratum<\/h2>/);
    // stratum 2's W: [[3, 0.5], [4, 0]]: means 3.5 and 0.25
    const tips = tooltips(charts(html)[4]);
    assert.ok(tips.includes(`${model.names[2]}\ntopic 0\nmean of W(i): 3.5`), tips.join("\n---\n"));
    assert.ok(tips.includes(`${model.names[2]}\ntopic 1\nmean of W(i): 0.25`));
  });

  it("ranks top features as asked, topics by value", async () => {
    using model = await madeModel(CARS_LIKE);
    assert.deepEqual(topFeatures(model, 1).strata.map((s) => s.features[0].column), [2, 1, 0]);
    assert.deepEqual(topFeatures(model, 1, { by: "value" }).strata.map((s) => s.features[0].column), [0, 0, 0]);
    // shares of stratum 0: 15/47.5, 0.2/5.7, 6/6.9, 1/3
    assert.deepEqual(topFeatures(model, 2, { by: "share" }).strata[0].features, [
      { column: 2, value: 6 },
      { column: 3, value: 1 },
    ]);
    assert.deepEqual(topFeatures(model, 1).topics.map((t) => t.features[0].column), [3, 0]);
  });
});

/**
 * A model of 3 strata and 4 columns fitted with 3 restarts, its recorded stability set to
 * `near` and to column 1 of stratum "b" moving (the rest stable), through its JSON.
 */
async function restartedModel(near: number): Promise<Model> {
  const { strata } = syntheticStrata({ seed: 3, rows: 12, cols: 4, strata: 3 });
  const fitted = await fit(strata.map((s, i) => ({ ...s, name: "abc"[i] })), {
    rank: 2,
    maxIter: 20,
    seed: 1,
    restarts: 3,
    columnNames: ["w", "x", "y", "z"],
  });
  const json = fitted.toJSON() as ModelJSON & { starts: RestartsRecord; stability: Stability };
  fitted.free();
  const best = json.starts.best;
  const stability = json.stability;
  stability.near = [best, ...[0, 1, 2].filter((r) => r !== best)].slice(0, near);
  stability.stable = stability.stable.map((row, i) => row.map((_, j) => !(i === 1 && j === 1)));
  stability.vMin[1][1] = 0.25;
  stability.vMax[1][1] = 0.75;
  return Model.fromJSON(json);
}

/**
 * Effects of `model` made by hand: stratum i, column j has contrast i + j / 10 with interval
 * ±0.5 around it; column 2 of a stratum named "a" and column 0 of one named "c" are the calls
 * (q 0.01); the stability as the model records it.
 */
function handEffects(model: Model): Effects {
  const calls = new Set(["a/2", "c/0"]);
  return {
    settings: {
      replicates: 10,
      permutations: 10,
      seed: 7,
      iterations: 50,
      pooledIterations: 100,
      solver: "hals",
      level: 0.95,
    },
    effects: model.names.flatMap((stratum, i) =>
      Array.from({ length: model.cols }, (_, j) => {
        const contrast = i + j / 10;
        const q = calls.has(`${stratum}/${j}`) ? 0.01 : 0.5;
        return {
          stratum,
          column: j,
          ...(model.columnNames ? { name: model.columnNames[j] } : {}),
          v: 1 + contrast,
          share: 0.3,
          contrast,
          lower: contrast - 0.5,
          upper: contrast + 0.5,
          vInterval: [0.5 + contrast, 1.5 + contrast] as [number, number],
          shareInterval: [0.2, 0.4] as [number, number],
          p: q / 2,
          q,
          stable: model.stability && model.stability.near.length > 1 ? model.stability.stable[i][j] : null,
        };
      })
    ),
  };
}

describe("intervals, tests and stability in the report", () => {
  it("draws every contrast with its interval as an error bar, marks the calls, lists them, says what they are", async () => {
    const model = await restartedModel(2);
    try {
      const html = await buildReport(model, { effects: handEffects(model) });
      assertWellFormed(html);
      const section = /<section id="effects">[\s\S]*?<\/section>/.exec(html)![0];
      assert.ok(section.includes(escapeHtml(INTERVALS_CAVEAT)));
      assert.match(section, /10 bootstrap replicates, 10 permutations, seed 7, T = 50 HALS iterations/);
      // One error bar (a rule; its caps are not announced) per stratum and column; a note over each call and unstable bar.
      assert.equal([...section.matchAll(/aria-roledescription="rule mark"/g)].length, 3 * 4);
      assert.deepEqual([...section.matchAll(/<text[^>]*>([*†]+)<\/text>/g)].map((m) => m[1]).sort(), ["*", "*", "†"]);
      // The error bar's tooltip gives the interval.
      assert.match(section, /95 % interval: \[1\.5, 2\.5\]/);
      // The calls, largest contrast first, with their intervals and q.
      assert.match(section, /<td>a<\/td><td><span[^>]*>y <span class="w">0\.2 \[-0\.3, 0\.7\], q 0\.01<\/span>/);
      assert.match(section, /<td>b<\/td><td>none<\/td>/);
      // The top features mark the calls (*) and the unstable split (†).
      const top = /<section id="top-features">[\s\S]*?<\/section>/.exec(html)![0];
      assert.match(top, /y<b class="mark">\*<\/b>/);
      assert.match(top, /x<b class="mark">†<\/b>/);
      assert.match(top, /Marks: \* the contrast&#39;s q &#60; 0\.05/);
    } finally {
      model.free();
    }
  });

  it("draws each stratum's top columns by the procedure's estimate when there are many columns", async () => {
    const model = await smallModel(64);
    try {
      const html = await buildReport(model, { effects: handEffects(model) });
      const section = /<section id="effects">[\s\S]*?<\/section>/.exec(html)![0];
      // Every stratum's 8 largest contrasts are columns 56 to 63: 8 columns of 3 bars.
      assert.equal([...section.matchAll(/aria-roledescription="rule mark"/g)].length, 8 * 3);
      assert.match(section, /the top 8 columns of every stratum by the procedure&#39;s contrast/);
      assert.doesNotMatch(section, /†/);
    } finally {
      model.free();
    }
  });

  it("draws what --by ranks: shares with their intervals", async () => {
    const model = await restartedModel(2);
    try {
      const html = await buildReport(model, { effects: handEffects(model), by: "share" });
      const section = /<section id="effects">[\s\S]*?<\/section>/.exec(html)![0];
      assert.match(section, /share \(canonical split\)/);
      assert.match(section, /95 % interval: \[0\.2, 0\.4\]/);
    } finally {
      model.free();
    }
  });

  it("shows the stability over the restarts: the unstable columns with their range of v", async () => {
    const model = await restartedModel(2);
    try {
      const html = await buildReport(model);
      const section = /<section id="stability">[\s\S]*?<\/section>/.exec(html)![0];
      assert.match(section, /2 of 3 random starts ended within 1 % of the best loss/);
      assert.match(section, /<td>b<\/td><td>x <span class="w">v 0\.25–0\.75<\/span><\/td>/);
      assert.match(section, /<td>a<\/td><td>none<\/td>/);
      assert.match(section, /Topics&#39; agreement: topic 0 [\d.]+, topic 1 [\d.]+\./);
      assert.doesNotMatch(html, /<section id="effects">/);
    } finally {
      model.free();
    }
  });

  it("says there is nothing to compare when only the best start is near the best loss, and marks nothing", async () => {
    const model = await restartedModel(1);
    try {
      const html = await buildReport(model, { effects: handEffects(model) });
      const section = /<section id="stability">[\s\S]*?<\/section>/.exec(html)![0];
      assert.match(section, /Only the best of the 3 starts ended within 1 % of its loss: with nothing to compare/);
      assert.doesNotMatch(html, /†/);
    } finally {
      model.free();
    }
  });
});

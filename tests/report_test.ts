// The report library (report/): Vega-Lite charts rendered to SVG, PNG pictures, the
// self-contained HTML page, and the `snmf report` command.

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { decode } from "fast-png";
import { fit, type Model, syntheticStrata } from "../sdk/mod.ts";
import {
  type ChartSpec,
  curvesSpec,
  groupedBarsSpec,
  heatmapSpec,
  renderSvg,
  sampleIndices,
} from "../report/charts.ts";
import { heatmapPng, imagePng, pngDataUri, shiftsHeatmapPng } from "../report/png.ts";
import { buildReport, escapeHtml, nonZeroFraction } from "../report/html.ts";
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
      for (const id of ["settings", "loss", "shifts", "top-features"]) {
        assert.match(html, new RegExp(`<section id="${id}">`));
      }
      assert.doesNotMatch(html, /<section id="topics">/);
      // loss (linear and log-log) and the grouped bars
      assert.equal([...html.matchAll(/<svg /g)].length, 3);
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
      // one picture per stratum and per topic
      assert.equal([...images.matchAll(/<img src="data:image\/png;base64,/g)].length, 3 + 3);
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

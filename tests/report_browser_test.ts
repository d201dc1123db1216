// `snmf report` pages opened in a real browser: headless Chromium (Debian's chromium package,
// which .ci/run installs) driven by playwright-core. Every chart must render (SVG elements with
// marks and a non-empty box), every picture must decode, the console must stay clean, and a
// screenshot of each page is saved under build/test-output/.

import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import { type Browser, chromium } from "playwright-core";
import { fit, syntheticStrata } from "../sdk/mod.ts";
import { buildReport, type ReportOptions } from "../report/html.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const OUTPUT = fileURLToPath(new URL("../build/test-output/", import.meta.url));
const SLOW = { timeout: 90_000 };

/** A page for a model of `cols` columns fitted on synthetic strata. */
async function page(cols: number, options: ReportOptions, names?: string[]): Promise<string> {
  const { strata } = syntheticStrata({ seed: 5, rows: 20, cols, strata: 3 });
  const model = await fit(strata, { rank: 4, maxIter: 40, seed: 2, columnNames: names });
  try {
    return await buildReport(model, options);
  } finally {
    model.free();
  }
}

describe(
  "snmf report in headless Chromium",
  { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed` },
  () => {
    const work = mkdtempSync(join(tmpdir(), "snmf-report-browser-"));
    let browser: Browser;

    before(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM });
      mkdirSync(OUTPUT, { recursive: true });
    }, SLOW);
    after(async () => {
      await browser?.close();
      rmSync(work, { recursive: true, force: true });
    }, SLOW);

    const cases: [string, () => Promise<string>][] = [
      [
        "bars",
        () =>
          page(6, { title: "Few columns" }, ["MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup"]),
      ],
      ["heatmap", () => page(300, { title: "Many columns" })],
      ["images", () => page(64, { title: "Image columns", image: { width: 8, height: 8 } })],
    ];
    for (const [name, build] of cases) {
      it(`renders every chart and picture of the ${name} page`, SLOW, async () => {
        const html = await build();
        const file = join(work, `${name}.html`);
        writeFileSync(file, html);
        const tab = await browser.newPage({ viewport: { width: 1200, height: 900 } });
        const problems: string[] = [];
        tab.on("console", (message) => {
          if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
        });
        tab.on("pageerror", (error) => problems.push(error.message));
        tab.on("requestfailed", (request) => problems.push(`request failed: ${request.url()}`));
        try {
          await tab.goto(pathToFileURL(file).href, { waitUntil: "load" });
          const charts = await tab.$$eval("svg", (svgs) =>
            svgs.map((svg) => {
              const box = svg.getBoundingClientRect();
              return {
                width: box.width,
                height: box.height,
                marks: svg.querySelectorAll("path, rect, line, text").length,
              };
            }));
          assert.equal(charts.length, [...html.matchAll(/<svg /g)].length);
          assert.ok(charts.length >= 2, "the loss charts at least");
          for (const chart of charts) {
            assert.ok(chart.width > 50 && chart.height > 50, `chart of ${chart.width}×${chart.height} pixels`);
            assert.ok(chart.marks > 10, `chart with ${chart.marks} marks`);
          }
          const pictures = await tab.$$eval(
            "img",
            (imgs) =>
              imgs.map((img) => ({ complete: img.complete, width: img.naturalWidth, height: img.naturalHeight })),
          );
          assert.equal(pictures.length, [...html.matchAll(/<img /g)].length);
          if (name !== "bars") assert.ok(pictures.length > 0);
          for (const picture of pictures) assert.ok(picture.complete && picture.width > 0 && picture.height > 0);
          const sections = await tab.$$eval("section", (list) => list.map((s) => s.id));
          assert.deepEqual(
            sections,
            ["settings", "loss", "shifts", "top-features", ...(name === "images" ? ["topics"] : [])],
          );
          await tab.screenshot({ path: join(OUTPUT, `report_${name}.png`), fullPage: true });
          assert.deepEqual(problems, []);
        } finally {
          await tab.close();
        }
      });
    }
  },
);

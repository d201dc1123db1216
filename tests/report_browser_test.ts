// `snmf report` pages opened in a real browser: headless Chromium (Debian's chromium package,
// which .ci/run installs) driven by playwright-core, with a fresh profile and no network services.
// Every chart must render (SVG elements with marks and a non-empty box) with native tooltips on
// its marks, no text may be cut (every label whole, inside its chart's box), every picture must
// decode, and the console must stay clean. A screenshot of each page, and of each of its
// sections, is saved under build/test-output/ (not committed) to be looked at.

import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { after, describe, it } from "node:test";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { fit, type FitOptions, type Stratum, syntheticStrata } from "../sdk/mod.ts";
import { buildReport, type ReportOptions } from "../report/html.ts";
import { eraOf, sotuAddresses } from "../bench/experiments/data.ts";
import { tfidf } from "../text/tfidf.ts";
import { stopWords } from "../text/stop_words.ts";
import { splitRows } from "../text/split_rows.ts";
import { CHROMIUM, CHROMIUM_FLAGS } from "./chromium.mjs";

const OUTPUT = fileURLToPath(new URL("../build/test-output/", import.meta.url));
const SLOW = { timeout: 120_000 };

/** Column names as long as real tables have them (movies), cut at 180 estimated pixels by Vega's default. */
const MOVIE_COLUMNS = [
  "Rotten Tomatoes Rating",
  "IMDB Rating",
  "Production Budget",
  "Worldwide Gross",
  "US DVD Sales",
  "Running Time (minutes)",
  "Internet Movie Database Votes",
];

/** A page, and the labels it must show whole in its charts. */
interface Case {
  html: string;
  labels: string[];
}

/** A page for a model fitted to the given strata. */
async function page(strata: Stratum[], fitOptions: FitOptions, options: ReportOptions): Promise<Case> {
  const model = await fit(strata, fitOptions);
  try {
    const labels = [...model.names, ...(model.cols <= 40 ? model.columnNames ?? [] : [])];
    return { html: await buildReport(model, options), labels };
  } finally {
    model.free();
  }
}

/** A page for a model of `cols` columns fitted on synthetic strata. */
function synthetic(cols: number, options: ReportOptions, names?: string[], strata = 3): Promise<Case> {
  const data = syntheticStrata({ seed: 5, rows: 20, cols, strata }).strata;
  return page(data, { rank: 4, maxIter: 40, seed: 2, columnNames: names }, options);
}

/** Twelve strata with long names over long column names. */
function twelveStrata(): Promise<Case> {
  const data = syntheticStrata({ seed: 5, rows: 20, cols: MOVIE_COLUMNS.length, strata: 12 }).strata
    .map((stratum, i) => ({
      ...stratum,
      name: `genre ${i + 1}: ${["Romantic Comedy", "Black Comedy", "Thriller/Suspense"][i % 3]}`,
    }));
  return page(data, { rank: 3, maxIter: 60, seed: 2, columnNames: MOVIE_COLUMNS }, { title: "Twelve strata" });
}

/** A text model: State of the Union addresses by era, TF-IDF as `snmf text` makes it, from a random start. */
function textModel(): Promise<Case> {
  const eras = new Map<string, string[]>();
  for (const address of sotuAddresses()) {
    const era = eraOf(address.year);
    eras.set(era, [...eras.get(era) ?? [], address.text]);
  }
  const strata = [...eras].map(([name, documents]) => ({ name, documents }));
  const matrix = tfidf(strata.flatMap((s) => s.documents), {
    minDf: { count: 2 },
    maxDf: { proportion: 0.95 },
    stopWords: stopWords("english"),
  });
  return page(
    splitRows(matrix, strata),
    { rank: 6, maxIter: 40, seed: 1, columnNames: matrix.vocabulary },
    { title: "State of the Union by era" },
  );
}

/** What the page's charts hold, measured by the browser. */
interface ChartFacts {
  width: number;
  height: number;
  marks: number;
  /** Mark items (bars, cells, points) and how many carry a `<title>` equal to their label. */
  items: number;
  titled: number;
  texts: string[];
  /** Texts drawn (partly) outside their chart's box. */
  outside: string[];
}

function chartFacts(tab: Page): Promise<ChartFacts[]> {
  return tab.$$eval("svg", (svgs) =>
    svgs.map((svg) => {
      const box = svg.getBoundingClientRect();
      const items = [...svg.querySelectorAll("[role=graphics-symbol][aria-label]")].filter((e) => e.tagName !== "g");
      const texts = [...svg.querySelectorAll("text")];
      return {
        width: box.width,
        height: box.height,
        marks: svg.querySelectorAll("path, rect, line, text").length,
        items: items.length,
        titled: items.filter((e) => e.querySelector(":scope > title")?.textContent === e.getAttribute("aria-label"))
          .length,
        texts: texts.map((t) => t.textContent ?? ""),
        outside: texts.filter((t) => {
          const r = t.getBoundingClientRect();
          return r.width > 0 &&
            (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1);
        }).map((t) => t.textContent ?? ""),
      };
    }));
}

describe(
  "snmf report in headless Chromium",
  { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed` },
  () => {
    const work = mkdtempSync(join(tmpdir(), "snmf-report-browser-"));
    // Launched by the first test that needs it, under that test's timeout: bun test gives hooks
    // its default 5 s whatever they ask, less than Chromium takes to start on a loaded machine.
    let launched: Promise<BrowserContext> | undefined;
    const browser = () => {
      mkdirSync(OUTPUT, { recursive: true });
      return launched ??= chromium.launchPersistentContext(join(work, "profile"), {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_FLAGS,
        viewport: { width: 1200, height: 900 },
      });
    };
    after(async () => {
      await (await launched)?.close();
      rmSync(work, { recursive: true, force: true });
    }, SLOW);

    const cases: [string, () => Promise<Case>][] = [
      [
        "bars",
        () =>
          synthetic(6, { title: "Few columns" }, [
            "MedInc",
            "HouseAge",
            "AveRooms",
            "AveBedrms",
            "Population",
            "AveOccup",
          ]),
      ],
      ["heatmap", () => synthetic(300, { title: "Many columns" })],
      ["images", () => synthetic(64, { title: "Image columns", image: { width: 8, height: 8 } })],
      ["twelve_strata", twelveStrata],
      ["text", textModel],
    ];
    for (const [name, build] of cases) {
      it(`renders every chart and picture of the ${name} page, with tooltips and whole labels`, SLOW, async () => {
        const { html, labels } = await build();
        const file = join(work, `${name}.html`);
        writeFileSync(file, html);
        const tab = await (await browser()).newPage();
        const problems: string[] = [];
        tab.on("console", (message) => {
          if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
        });
        tab.on("pageerror", (error) => problems.push(error.message));
        tab.on("requestfailed", (request) => problems.push(`request failed: ${request.url()}`));
        try {
          await tab.goto(pathToFileURL(file).href, { waitUntil: "load" });
          const charts = await chartFacts(tab);
          assert.equal(charts.length, [...html.matchAll(/<svg /g)].length);
          assert.ok(charts.length >= 2, "the loss charts at least");
          for (const chart of charts) {
            assert.ok(chart.width > 50 && chart.height > 50, `chart of ${chart.width}×${chart.height} pixels`);
            assert.ok(chart.marks > 10, `chart with ${chart.marks} marks`);
            assert.ok(
              chart.items > 0 && chart.titled === chart.items,
              `${chart.titled} of ${chart.items} marks titled`,
            );
            assert.deepEqual(chart.texts.filter((text) => text.includes("…")), [], "no text cut short");
            assert.deepEqual(chart.outside, [], "no text outside its chart");
          }
          const texts = new Set(charts.flatMap((chart) => chart.texts));
          for (const label of labels) assert.ok(texts.has(label), `"${label}" whole in a chart`);
          const pictures = await tab.$$eval(
            "img",
            (imgs) =>
              imgs.map((img) => ({ complete: img.complete, width: img.naturalWidth, height: img.naturalHeight })),
          );
          assert.equal(pictures.length, [...html.matchAll(/<img /g)].length);
          if (name === "heatmap" || name === "images" || name === "text") assert.ok(pictures.length > 0);
          for (const picture of pictures) assert.ok(picture.complete && picture.width > 0 && picture.height > 0);
          const sections = await tab.$$eval("section", (list) => list.map((s) => s.id));
          assert.deepEqual(
            sections,
            ["settings", "loss", "shifts", "topic-use", "top-features", ...(name === "images" ? ["topics"] : [])],
          );
          const overflow = await tab.evaluate(() =>
            document.documentElement.scrollWidth - document.documentElement.clientWidth
          );
          assert.ok(overflow <= 0, `the page is ${overflow} pixels wider than the window`);
          await tab.screenshot({ path: join(OUTPUT, `report_${name}.png`), fullPage: true });
          for (const id of sections) {
            await tab.locator(`section#${id}`).screenshot({ path: join(OUTPUT, `report_${name}_${id}.png`) });
          }
          assert.deepEqual(problems, []);
        } finally {
          await tab.close();
        }
      });
    }
  },
);

/**
 * The page of `snmf report` for the results of `snmf rank` (the SDK's `crossValidate()`): the
 * held-out error per rank of the stratified model and of plain NMF at the rank and at rank +
 * strata, the training error, the suggested rank and the table.
 *
 * @module
 */

import type { CrossValidation, ModelKind } from "../sdk/mod.ts";
import { escapeHtml } from "../sdk/display.ts";
import { type Curve, curvesSpec, renderSvg } from "./charts.ts";
import { pageStart } from "./style.ts";

/** The curves' names, by model. */
const NAMES: Record<ModelKind, string> = {
  stratified: "stratified, held out",
  plain: "plain NMF, held out",
  "plain+s": "plain NMF at rank + strata, held out",
};

/** Whether parsed JSON is the output of `snmf rank` (its `format` field). */
export function isRankResults(value: unknown): value is CrossValidation {
  return typeof value === "object" && value !== null &&
    (value as { format?: unknown }).format === "stratified-nmf-rank";
}

/** The held-out (and the stratified model's training) error against the rank, one curve per model. */
export function rankCurves(cv: CrossValidation): Curve[] {
  const curveOf = (name: string, rows: CrossValidation["summary"], value: (x: (typeof rows)[number]) => number) => ({
    name,
    values: rows.map(value),
    iterations: rows.map((x) => x.rank),
  });
  const curves = (Object.keys(NAMES) as ModelKind[])
    .map((model) => cv.summary.filter((x) => x.model === model).sort((a, b) => a.rank - b.rank))
    .filter((rows) => rows.length > 0)
    .map((rows) => curveOf(NAMES[rows[0].model], rows, (x) => x.meanTest));
  const stratified = cv.summary.filter((x) => x.model === "stratified").sort((a, b) => a.rank - b.rank);
  return [...curves, curveOf("stratified, training", stratified, (x) => x.meanTrain)];
}

/** The table's rows: rank, then each model's mean held-out error ± its standard error. */
function tableRows(cv: CrossValidation): string {
  const kinds = (Object.keys(NAMES) as ModelKind[]).filter((m) => cv.summary.some((x) => x.model === m));
  const head = `<tr><th>rank</th>${kinds.map((m) => `<th>${escapeHtml(NAMES[m])}</th>`).join("")}</tr>`;
  const rows = cv.ranks.map((k) => {
    const cells = kinds.map((m) => {
      const row = cv.summary.find((x) => x.model === m && x.rank === k);
      return `<td>${row ? `${row.meanTest.toPrecision(4)} ± ${row.seTest.toPrecision(2)}` : "—"}</td>`;
    });
    return `<tr><td>${k === cv.suggestedRank ? `<b>${k}</b>` : k}</td>${cells.join("")}</tr>`;
  });
  return `<table>${head}${rows.join("")}</table>`;
}

/** The chart of the curves against the rank, as SVG. */
export async function rankChart(cv: CrossValidation): Promise<string> {
  return await renderSvg(curvesSpec(rankCurves(cv), {
    xTitle: "rank",
    yTitle: "root mean square error",
    markers: true,
  }));
}

/** The page, one self-contained HTML document. */
export async function buildRankReport(cv: CrossValidation, options: { title?: string; source?: string } = {}) {
  const title = options.title ?? "Choosing the rank: held-out error";
  const chart = await rankChart(cv);
  const skipped = cv.skipped.length > 0 ? `<p>${cv.skipped.map(escapeHtml).join("<br>")}</p>` : "";
  return `${pageStart(escapeHtml(title))}
<p class="source">${
    options.source ? `${escapeHtml(options.source)}: ` : ""
  }${cv.folds} folds of held-out entries, seed ${cv.seed}, ${cv.maxIter} iterations (${cv.solver}), best of ${cv.restarts} start${
    cv.restarts === 1 ? "" : "s"
  }</p>
<p>Suggested rank: <b>${cv.suggestedRank}</b>, the smallest whose mean held-out error is within one standard error of the lowest.</p>
<figure>${chart}<figcaption>Mean root mean square error on the held-out entries over the folds, per rank: the stratified model, plain NMF (every v(i) 0) at the rank and at rank + strata (enough topics for the shifts), and the stratified model's training error.</figcaption></figure>
${tableRows(cv)}
${skipped}
</body>
</html>
`;
}

/**
 * README's worked example of `snmf effects`, on the paper's California housing strata
 * (bench/experiments/data.ts):
 *
 *   deno run -A scripts/california.ts --data FILE.csv
 *     writes the strata as one CSV: a column "income" (low, medium, high, in that order) and the
 *     six features, one row per block group, every number as computed; for
 *     `snmf fit FILE.csv --strata-column income`;
 *   deno run -A scripts/california.ts --figure MODEL EFFECTS OUT.svg
 *     draws the report's chart of the intervals and calls (report/html.ts, effectsChartSpec) from
 *     the model and the JSON of `snmf effects` that README's commands wrote: docs/figures/
 *     california_effects.svg is this, from those commands.
 *
 * The California table is read from `../shared/data/cal_housing.data` or `--cal-housing PATH`.
 *
 * @module
 */

import { readFileSync, writeFileSync } from "node:fs";
import process from "node:process";
import { parseArgs } from "node:util";
import { Model } from "../sdk/mod.ts";
import { CAL_FEATURES, CAL_HOUSING, californiaStrata } from "../bench/experiments/data.ts";
import { readEffects } from "../cli/effects_file.ts";
import { effectsGrid } from "../report/effects.ts";
import { effectsChartSpec } from "../report/html.ts";
import { renderSvg } from "../report/charts.ts";

const USAGE = "Usage: scripts/california.ts [--cal-housing PATH] (--data FILE.csv | --figure MODEL EFFECTS OUT.svg)";

/** The strata as one CSV in `file`: a column "income" naming each row's stratum, then the features; low first. */
function writeData(file: string, calHousing: string): void {
  const lines = [["income", ...CAL_FEATURES].join(",")];
  for (const stratum of californiaStrata(calHousing)) {
    for (const row of stratum.data as number[][]) lines.push([stratum.name, ...Array.from(row)].join(","));
  }
  writeFileSync(file, lines.join("\n") + "\n");
}

/** The chart of every column's share (unit-free, unlike the contrast), its interval and the calls, as SVG in `out`. */
async function writeFigure(modelFile: string, effectsFile: string, out: string): Promise<void> {
  const model = Model.fromJSON(readFileSync(modelFile, "utf8"));
  try {
    const effects = readEffects(effectsFile, model);
    const spec = effectsChartSpec(model, effectsGrid(effects, model.names, model.cols), {
      by: "share",
      columns: Array.from({ length: model.cols }, (_, j) => j),
      level: effects.settings.level,
    });
    writeFileSync(out, (await renderSvg(spec, "effects-")) + "\n");
  } finally {
    model.free();
  }
}

const { values, positionals } = parseArgs({
  options: { data: { type: "string" }, figure: { type: "boolean" }, "cal-housing": { type: "string" } },
  allowPositionals: true,
});
if (values.data !== undefined && positionals.length === 0) writeData(values.data, values["cal-housing"] ?? CAL_HOUSING);
else if (values.figure && positionals.length === 3) await writeFigure(positionals[0], positionals[1], positionals[2]);
else {
  console.error(USAGE);
  process.exit(2);
}

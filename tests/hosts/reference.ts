// The results every host test compares with, from the source tree (sdk/mod.ts under Deno):
// the probe fit, and a fit of the CSV files it writes for the CLI test.
//
//   deno run -A tests/hosts/reference.ts CSV_DIR > reference.json

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as sdk from "../../sdk/mod.ts";
// @ts-types="./probe.d.ts"
import { probe } from "./probe.js";

/** The CLI's fit: `snmf fit CSV_DIR` with these options. */
export const CLI_FIT = { rank: 3, maxIter: 20, seed: 7 };

const [csvDir] = Deno.args;
if (!csvDir) throw new Error("usage: reference.ts CSV_DIR");

const cols = 12;
const { strata } = sdk.syntheticStrata({ strata: 3, rows: 30, cols, seed: 3 });
for (const { name, data } of strata) {
  const values = Array.from(data as ArrayLike<number>);
  const lines = [];
  for (let r = 0; r < values.length / cols; r++) lines.push(values.slice(r * cols, (r + 1) * cols).join(","));
  writeFileSync(join(csvDir, `${name}.csv`), lines.join("\n") + "\n");
}
const cli = await sdk.fit(strata, CLI_FIT);
const cliModel = cli.toJSON();
cli.free();

console.log(JSON.stringify({
  probe: await probe(sdk),
  cli: {
    args: ["--rank", `${CLI_FIT.rank}`, "--iters", `${CLI_FIT.maxIter}`, "--seed", `${CLI_FIT.seed}`],
    V: cliModel.V,
    W: cliModel.W,
    H: cliModel.H,
    normalizedLoss: cliModel.normalizedLoss,
  },
}));

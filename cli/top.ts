/**
 * `snmf top MODEL`: the top features of each stratum's v(i) and of each topic.
 *
 * @module
 */

import { integerOption, parse } from "./args.ts";
import { readModel } from "./model_file.ts";
import { formatTopFeatures, topFeatures } from "./summary.ts";

export const TOP_HELP = `snmf top — the top features of each v(i) and each topic of a model

Usage:
  snmf top MODEL [options]

  For each stratum, the columns where its shift v(i) is largest (what sets the stratum apart);
  for each topic (row of H), the columns where it is largest. Columns are named when the model
  has column names (a CSV header, or the vocabulary of "snmf text"); otherwise numbered from 1
  as in the input file.

Options:
  --count N     features per line (default 10)
  --values      show each feature's weight
  --json        JSON on stdout: { strata: [{ name, features: [{ column, name?, value }] }],
                topics: [{ topic, features }] } (column 0-based, topics numbered from 1)
  -h, --help    this help

Examples:
  snmf top model.json
  snmf top model.json --count 3 --values
  snmf top model.json --json | jq '.strata[0].features[0]'`;

export function top(args: string[]): Promise<number> {
  const { values, positionals, help } = parse(args, {
    count: { type: "string" },
    values: { type: "boolean" },
    json: { type: "boolean" },
  }, { names: ["MODEL"] });
  if (help) {
    console.log(TOP_HELP);
    return Promise.resolve(0);
  }
  const count = integerOption(values, "count", 1, 10);
  const model = readModel(positionals[0]);
  try {
    const result = topFeatures(model, count, { by: "value" });
    if (values.json) console.log(JSON.stringify(result));
    else console.log(formatTopFeatures(result, { values: values.values === true }).join("\n"));
  } finally {
    model.free();
  }
  return Promise.resolve(0);
}

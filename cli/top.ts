/**
 * `snmf top MODEL`: the features that set each stratum apart (by contrast, share or value) and
 * the top features of each topic.
 *
 * @module
 */

import { RANK_BY } from "../sdk/contrast.ts";
import { choiceOption, integerOption, parse } from "./args.ts";
import { readModel } from "./model_file.ts";
import { formatTopFeatures, NUMBERING_HELP, topFeatures } from "./summary.ts";
import { scalesNote } from "../report/top_features.ts";

export const TOP_HELP = `snmf top — the features that set each stratum apart, and the top features of each topic

Usage:
  snmf top MODEL [options]

  For each stratum, the columns that set it apart, ranked by --by (docs/algorithm.md §Contrasts
  and shares); for each topic (row of H), the columns where it is largest. Columns are named
  when the model has column names (a CSV header, or the vocabulary of "snmf text").

  The ranking is on the values as fitted, in each column's own units: with columns on different
  scales the larger-scaled ones rank higher by contrast and by value (shares are unaffected);
  a note says so when the columns' fitted means differ by more than 100×.

${NUMBERING_HELP}

Options:
  --by WHAT     what ranks each stratum's columns (default contrast):
                  contrast  v(i)ⱼ minus the unweighted mean of the other strata's v(l)ⱼ
                  share     v(i)ⱼ / Σₗ v(l)ⱼ, the stratum's part of the column's shifts (a
                            column 0 in every stratum has no share and comes last)
                  value     v(i)ⱼ itself, whether or not the other strata share it
  --count N     features per line (default 10)
  --values      show each feature's score (the contrast, share or value it is ranked by)
  --json        JSON on stdout: { by, strata: [{ name, features: [{ column, name?, value }],
                scores? }], topics: [{ topic, features }] } (value: v(i)ⱼ or H_qj; scores:
                each feature's contrast or share, null for no share; none by value)
  -h, --help    this help

Examples:
  snmf top model.json
  snmf top model.json --by share --count 3 --values
  snmf top model.json --json | jq '.strata[0].features[0]'`;

export function top(args: string[]): Promise<number> {
  const { values, positionals, help } = parse(args, {
    by: { type: "string" },
    count: { type: "string" },
    values: { type: "boolean" },
    json: { type: "boolean" },
  }, { names: ["MODEL"] });
  if (help) {
    console.log(TOP_HELP);
    return Promise.resolve(0);
  }
  const count = integerOption(values, "count", 1, 10);
  const by = choiceOption(values, "by", RANK_BY, "contrast");
  const model = readModel(positionals[0]);
  try {
    const result = topFeatures(model, count, { by });
    if (values.json) console.log(JSON.stringify(result));
    else {
      const note = scalesNote(model, by);
      console.log(formatTopFeatures(result, { values: values.values === true, note }).join("\n"));
    }
  } finally {
    model.free();
  }
  return Promise.resolve(0);
}

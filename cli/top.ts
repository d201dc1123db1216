/**
 * `snmf top MODEL`: the features that set each stratum apart (by contrast, share or value) and
 * the top features of each topic.
 *
 * @module
 */

import type { Effect, Model } from "../sdk/mod.ts";
import type { RankBy } from "../sdk/contrast.ts";
import { topicLabel } from "../sdk/display.ts";
import { OUTPUT_FLAGS, parse, RANKING_FLAGS, rankingOptions, stringOption } from "./args.ts";
import { readModel } from "./model_file.ts";
import { type Feature, formatTopFeatures, NUMBERING_HELP, type TopFeatures, topFeatures } from "./summary.ts";
import { scalingNote } from "../report/top_features.ts";
import { type EffectsFile, readEffects } from "./effects_file.ts";
import {
  CALL_Q,
  effectMarks,
  effectsGrid,
  effectsSettingsText,
  estimateName,
  estimateOf,
  INTERVALS_CAVEAT,
  isCall,
  nothingCompared,
  shortNumber,
  type StabilitySummary,
  stabilitySummary,
} from "../report/effects.ts";

export const TOP_HELP = `snmf top — the features that set each stratum apart, and the top features of each topic

Usage:
  snmf top MODEL [options]

  For each stratum, the columns that set it apart, ranked by --by (docs/algorithm.md §Contrasts
  and shares); for each topic (row of H), the columns where it is largest. Columns are named
  when the model has column names (a CSV header, or the vocabulary of "snmf text").

  Columns on mixed scales (their largest values in the data more than 100× apart, the rule of
  snmf fit's warning) are ranked by contrast and by value on the scaled values: each column's
  contrast or v(i)ⱼ divided by its largest value; the numbers shown stay as fitted, and a line
  under the table says so. A model fitted with --scale max|minmax|std is ranked as fitted (its
  values are scaled already); shares are scale-free.

${NUMBERING_HELP}

Options:
  --by WHAT     what ranks each stratum's columns (default contrast):
                  contrast  v(i)ⱼ minus the unweighted mean of the other strata's v(l)ⱼ
                  share     v(i)ⱼ / Σₗ v(l)ⱼ, the stratum's part of the column's shifts (a
                            column 0 in every stratum has no share and comes last)
                  value     v(i)ⱼ itself, whether or not the other strata share it
  --count N     features per line (default 10)
  --values      show each feature's score (the contrast, share or value it is ranked by)
  --effects FILE
                the JSON of snmf effects --json for this model: each listed column of a
                stratum gets the 95 % interval of what ranks it (the procedure's contrast,
                share or v*) as [lower, upper], and * when its contrast's q < ${CALL_Q}.
                The intervals are for the procedure's canonical split (docs/inference.md),
                not for the model's V, whose scores --values shows
  --json        JSON on stdout: { by, scaling, strata: [{ name, features: [{ column, name?,
                value, effect? }], scores?, scaled? }], topics: [{ topic, features }],
                effects?, stability? } (value: v(i)ⱼ or H_qj; scores: each feature's
                contrast or share, null for no share; none by value; scaling: { rankedOn:
                "scaled" or "fitted", reason: "mixed scales", "one scale", "scaled before
                the fit", "scale-free" or "not recorded", ratio?, low?, high?, mixed?,
                scale? }; scaled: what ranked each feature when rankedOn is "scaled", its
                contrast or value over its column's largest value; effect: { estimate,
                lower, upper, p, q, call } with --effects; effects: { settings, caveat };
                stability: the model's over its restarts)
  -h, --help    this help

  A model fitted with --restarts N also shows its stability over the starts within 1 % of the
  best loss: the columns whose share moved by more than 0.05 (marked † in the lists), the
  overlap of each stratum's top-10 columns with the best start's, and the agreement of the
  topics (the cosine of each topic's match).

Examples:
  snmf top model.json
  snmf top model.json --by share --count 3 --values
  snmf top model.json --json | jq '.strata[0].features[0]'
  snmf top model.json --effects effects.json --count 5`;

export function top(args: string[]): Promise<number> {
  const { values, positionals, help } = parse(args, {
    by: RANKING_FLAGS.by,
    count: RANKING_FLAGS.top,
    values: { type: "boolean" },
    json: OUTPUT_FLAGS.json,
    effects: { type: "string" },
  }, { names: ["MODEL"], help: TOP_HELP });
  if (help) return Promise.resolve(0);
  const { count, by } = rankingOptions(values, "count");
  const effectsFile = stringOption(values, "effects");
  const model = readModel(positionals[0]);
  try {
    const effects = effectsFile === undefined ? undefined : readEffects(effectsFile, model);
    const grid = effects && effectsGrid(effects, model.names, model.cols);
    const result = topFeatures(model, count, { by });
    const stability = stabilitySummary(model);
    if (values.json) console.log(JSON.stringify(topJson(result, model, by, effects, grid)));
    else {
      const note = scalingNote(result, model);
      const annotate = (i: number, f: Feature) => featureMarks(by, grid?.[i][f.column], stability?.unstable[i], f);
      console.log(
        [
          ...formatTopFeatures(result, { values: values.values === true, note, annotate }),
          ...(effects ? effectsLegend(by, effects) : []),
          ...(stability ? stabilityLines(stability, model) : []),
        ].join("\n"),
      );
    }
  } finally {
    model.free();
  }
  return Promise.resolve(0);
}

/** After a stratum's feature: its interval, * for a call, † for an unstable split. */
function featureMarks(by: RankBy, effect: Effect | undefined, unstable: string[] | undefined, f: Feature): string {
  const label = f.name ?? `col ${f.column}`;
  const interval = effect
    ? ` [${shortNumber(estimateOf(effect, by).lower)}, ${shortNumber(estimateOf(effect, by).upper)}]`
    : "";
  return `${interval}${effectMarks(effect, unstable?.includes(label) ?? false)}`;
}

/** What the intervals and marks mean, and how they were computed. */
function effectsLegend(by: RankBy, effects: EffectsFile): string[] {
  const level = Math.round(effects.settings.level * 100);
  return [
    "",
    `[lower, upper]: the ${level} % interval of the ${estimateName(by)} of the procedure's canonical split; ` +
    `*: its contrast's q < ${CALL_Q} (one-sided permutation test, Benjamini–Hochberg within the stratum).`,
    `${INTERVALS_CAVEAT} (${effectsSettingsText(effects.settings)}.)`,
  ];
}

/** The model's stability over its restarts, as lines. */
function stabilityLines(stability: StabilitySummary, model: Model): string[] {
  const width = Math.max(8, ...model.names.map((name) => name.length));
  const unstable = model.names.flatMap((name, i) =>
    stability.unstable[i].length > 0 ? [`    ${name.padEnd(width)}  ${stability.unstable[i].join(", ")}`] : []
  );
  if (stability.near < 2) return ["", "Stability over the restarts:", `  ${nothingCompared(stability)}`];
  return [
    "",
    `Stability over the restarts: ${stability.near} of ${stability.starts} starts within 1 % of the best loss`,
    `  columns whose share moved by more than 0.05 over them (†):${unstable.length === 0 ? " none" : ""}`,
    ...unstable,
    `  top-10 columns' overlap with the best start's (Jaccard): ${
      model.names.map((name, i) => `${name} ${shortNumber(stability.jaccard[i])}`).join(", ")
    }${model.cols <= 10 ? ` (every one of the ${model.cols} columns is in the top 10)` : ""}`,
    `  topics' agreement (cosine with their match): ${
      stability.topicAgreement.map((c, q) => `${topicLabel(q)} ${shortNumber(c)}`).join(", ")
    }`,
  ];
}

/** The JSON of `snmf top`: the top features, with their effects and the model's stability when there are. */
function topJson(
  result: TopFeatures,
  model: Model,
  by: RankBy,
  effects: EffectsFile | undefined,
  grid: Effect[][] | undefined,
): unknown {
  if (!effects || !grid) return { ...result, ...(model.stability ? { stability: model.stability } : {}) };
  const strata = result.strata.map((s, i) => ({
    ...s,
    features: s.features.map((f) => {
      const effect = grid[i][f.column];
      return { ...f, effect: { ...estimateOf(effect, by), p: effect.p, q: effect.q, call: isCall(effect) } };
    }),
  }));
  return {
    ...result,
    strata,
    effects: { settings: effects.settings, caveat: INTERVALS_CAVEAT },
    ...(model.stability ? { stability: model.stability } : {}),
  };
}

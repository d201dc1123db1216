/**
 * The public API, free of host APIs: every entry module (`mod.ts` for sources run by Deno, Bun
 * and Node; `hosts/*.ts` for the package's bundles) re-exports exactly this and registers how
 * its host loads the WebAssembly core. Add new exports here, not to an entry.
 *
 * @module
 */

export { type Core, getCore, init, type InitOptions, type WasmBuild, type WasmSource } from "./runtime/core.ts";
export {
  contrasts,
  featureScores,
  RANK_BY,
  type RankBy,
  rankFeatures,
  rankingScales,
  type RankScaling,
  rankScaling,
  type ScalingReason,
  type ScalingSource,
  shares,
} from "./contrast.ts";
export { fit } from "./fit.ts";
export {
  crossValidate,
  type CrossValidateOptions,
  type CrossValidation,
  type FoldResult,
  type ModelKind,
  type RankSummary,
  suggestRank,
} from "./cross_validate.ts";
export { Model } from "./model.ts";
export type { ModelJSON } from "./input/model_file.ts";
export { type FitShape, type MemoryEstimate, memoryNeeded } from "./solve/memory.ts";
export { type Effect, type Effects, effects, type EffectsOptions, type EffectsProgress } from "./inference/effects.ts";
export type { RestartsRecord, Stability } from "./inference/stability.ts";
export { type Platform, platform } from "./runtime/platform.ts";
export { Random } from "./start/random.ts";
export { type SyntheticData, type SyntheticOptions, syntheticStrata } from "./input/synthetic.ts";
export { transform, type TransformResult } from "./transform.ts";
export {
  type ArrowLike,
  type ColumnTable,
  fromTable,
  type LeftOut,
  type Records,
  type TableLike,
  type TableOptions,
  type TableStrata,
  type TableStratum,
} from "./input/table.ts";
export {
  applyPreprocessing,
  MISSING_POLICIES,
  type MissingPolicy,
  type Preprocessing,
  SCALE_KINDS,
  type ScaleKind,
  toOriginalUnits,
} from "./input/preprocess.ts";
export type {
  CsrStratum,
  DenseStratum,
  FitOptions,
  InitialFactors,
  InitKind,
  MatrixLike,
  Missing,
  ModelSettings,
  ProgressInfo,
  Schedule,
  SolverKind,
  StartKind,
  Stratum,
  TransformOptions,
} from "./types.ts";
export { DEFAULTS } from "./input/options.ts";
export { EPS } from "./solve/rules/mod.ts";

/**
 * Stratified-NMF (Chapman, Yaniv, Needell 2023) on SIMD WebAssembly.
 *
 * Data that comes in strata `A(1), …, A(s)` (sites, sources, time periods; same `n` columns,
 * any row counts) is factorized as `A(i) ≈ 1 v(i)ᵀ + W(i) H`: a topics matrix `H` (k×n)
 * shared by all strata, loadings `W(i)` (m_i×k) and a non-negative shift `v(i)` (n) per
 * stratum, what is particular to it.
 *
 * @example
 * ```ts
 * import { fit, syntheticStrata } from "./mod.ts";
 * const { strata } = syntheticStrata({ seed: 7 });
 * const model = await fit(strata, { rank: 5, maxIter: 200, seed: 1 });
 * console.assert(model.normalizedLoss < 0.05);
 * model.free();
 * ```
 *
 * @module
 */

export { type Core, getCore, init, type InitOptions, type WasmSource } from "./core.ts";
export { fit } from "./fit.ts";
export { Model, type ModelJSON } from "./model.ts";
export { Random } from "./random.ts";
export { type SyntheticData, type SyntheticOptions, syntheticStrata } from "./synthetic.ts";
export { transform, type TransformOptions, type TransformResult } from "./transform.ts";
export type {
  CsrStratum,
  DenseStratum,
  FitOptions,
  InitialFactors,
  InitKind,
  MatrixLike,
  ProgressInfo,
  Schedule,
  SolverKind,
  Stratum,
} from "./types.ts";
export { DEFAULTS } from "./validate.ts";
export { EPS } from "./solver.ts";

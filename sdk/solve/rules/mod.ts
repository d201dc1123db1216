/**
 * The registry of update rules, by solver name: the only place that lists them.
 *
 * @module
 */

import type { SolverKind } from "../../types.ts";
import { halsRule } from "./hals.ts";
import { multiplicativeRule } from "./mu.ts";
import type { Rule } from "./rule.ts";

export type { Rule, RuleOptions, RulePlans } from "./rule.ts";
export { EPS } from "./mu.ts";

/** Every update rule, by the solver option that selects it. */
export const RULES: Readonly<Record<SolverKind, Rule>> = { mu: multiplicativeRule, hals: halsRule };

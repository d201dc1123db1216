/**
 * The order of the steps of one iteration, per solver and schedule, as data (docs/algorithm.md,
 * "Iteration", "Multiplicative updates, sequential schedule", "Multiplicative updates, reference
 * schedule", "HALS, order of an iteration"). Each step names a plan of the solver; a plan a fit does not have (the H steps
 * under a fixed H, the dense numerator's reduction without dense strata) is skipped.
 *
 * Before the steps, the products the update reads must be current: P(i) = A(i) Hᵀ of the kept
 * P(i) for every schedule, and under "reference" also the numerator N from the same pass over
 * the data (W and H from the same state, as the published code).
 *
 * @module
 */

/** The plans of an iteration's update. */
export type StepName =
  | "updateV"
  | "prepareW"
  | "updateW"
  | "refreshW"
  | "reduceW"
  | "numerators"
  | "reduceNumerators"
  | "transposeNumerators"
  | "updateH"
  | "refreshH"
  | "reduceH";

/** What must be current before the first step. */
export type Needs = "products" | "productsAndNumerators";

/** A schedule: what it needs before its steps, and the steps in order. */
export interface Schedule {
  readonly needs: Needs;
  readonly steps: readonly StepName[];
}

const refreshW: StepName[] = ["refreshW", "reduceW"];
const updateH: StepName[] = ["reduceNumerators", "transposeNumerators", "updateH"];
const refreshH: StepName[] = ["refreshH", "reduceH"];

/** The schedules, by name (see {@link scheduleOf}). */
export const SCHEDULES = {
  /** HALS: v, then the W(i), v again (exact for the new W), then H from the new W(i). */
  hals: {
    needs: "products",
    steps: ["updateV", "prepareW", "updateW", ...refreshW, "updateV", "numerators", ...updateH, ...refreshH],
  },
  /** Multiplicative updates, sequential: all v(i), then all W(i), then H from the new W(i). */
  "mu-sequential": {
    needs: "products",
    steps: ["updateV", "prepareW", "updateW", ...refreshW, "numerators", ...updateH, ...refreshH],
  },
  /** Multiplicative updates, reference: W(i) and H from the same state (N from the products pass). */
  "mu-reference": {
    needs: "productsAndNumerators",
    steps: ["updateV", "prepareW", "updateW", ...updateH, ...refreshW, ...refreshH],
  },
  /** H fixed (transform): v (unless fixed too) and the W(i) only. */
  "fixed-h": {
    needs: "products",
    steps: ["updateV", "prepareW", "updateW", ...refreshW],
  },
} as const satisfies Record<string, Schedule>;

/** The schedule of a fit. */
export function scheduleOf(solver: "mu" | "hals", schedule: "sequential" | "reference", fixH: boolean): Schedule {
  if (fixH) return SCHEDULES["fixed-h"];
  if (solver === "hals") return SCHEDULES.hals;
  return schedule === "reference" ? SCHEDULES["mu-reference"] : SCHEDULES["mu-sequential"];
}

/**
 * The solver of a fit on resident strata and factors: the partition of the work
 * (sdk/solve/partition.ts), the workspace (sdk/solve/workspace.ts), the plans of each step (one
 * module per family under sdk/solve/plans/, the update rules under sdk/solve/rules/) and the
 * order of the steps (sdk/solve/schedule.ts). One iteration is `loss()` (optional), then
 * `update()`; each computes the products over the data it needs unless they are current, and
 * `computeProducts()` lets the caller have both from one pass where the schedule allows.
 *
 * Every step is a plan built once per fit: tasks that write disjoint memory, so the executor can
 * spread them over threads with the same result (docs/algorithm.md, "Reduction order"). Nothing is
 * allocated per iteration.
 *
 * With sparse strata only, H's memory holds Hᵀ (n×k, which the CSR kernels read) from the start
 * of the solver to `free()` (`factors.hLayout` says so, and `factors.h()` refuses to read it);
 * with a dense stratum both H and a copy Hᵀ are kept.
 *
 * @module
 */

import type { Checkpoint } from "../runtime/checkpoint.ts";
import type { Core } from "../runtime/core.ts";
import { Executor, LaneExecutor } from "../threads/executor.ts";
import type { Plan, PlanBuilder } from "../threads/plan.ts";
import type { Factors } from "../input/factors.ts";
import type { ResidentStrata } from "../input/strata.ts";
import type { Schedule as ScheduleKind, SolverKind } from "../types.ts";
import { csrBlocks, type Partition, partition } from "./partition.ts";
import type { PlanContext } from "./plans/context.ts";
import { lossFromTerms, lossTermsPlan } from "./plans/loss.ts";
import { numeratorPlan, reduceNumeratorsPlan, transposeNumeratorsPlan } from "./plans/numerators.ts";
import { addStreamedProducts, keptProductsPlan } from "./plans/products.ts";
import { reduceHPlan, reduceWPlan, refreshHPlan, refreshWPlan } from "./plans/statistics.ts";
import { type Rule, type RuleOptions, RULES } from "./rules/mod.ts";
import { maskedRule, maskLossTotal } from "./rules/masked.ts";
import { type Schedule, scheduleOf, type StepName } from "./schedule.ts";
import { halsSweeps } from "../tuning.ts";
import { Workspace, workspaceSizes } from "./workspace.ts";

export interface SolverOptions {
  /** "mu": multiplicative updates; "hals": exact block-coordinate descent. */
  solver: SolverKind;
  vUpdates: number;
  /** Multiplicative updates only: HALS is sequential (the options' validation rejects "reference" for it). */
  schedule: ScheduleKind;
  /** Keep H fixed (transforming new rows with a learned H). Default false. */
  fixH?: boolean;
  /** Keep every v(i) fixed. Default false. */
  fixV?: boolean;
  /** L1 weights of the v(i), the W(i) and H (default 0). */
  l1V?: number;
  l1W?: number;
  l1H?: number;
  /** HALS: coordinate sweeps per block update (default: {@link halsSweeps} of the data). */
  sweeps?: number;
  /**
   * Whether to run the rule's zero-V plans while every v(i) is 0 and no step updates it (plain NMF:
   * H v(i) and the shift term left out). Default true; false runs the general plans, with the
   * same bits (tests compare them).
   */
  zeroVPlans?: boolean;
  /**
   * Whether to run the masked rule (sdk/solve/rules/masked.ts). Default: when a stratum has
   * unobserved entries; true on fully observed strata runs the masked kernels anyway (tests
   * compare them with the unmasked rule).
   */
  masked?: boolean;
  /** Runs the plans (default: the calling thread only). */
  executor?: Executor;
  /**
   * Whether the loss is wanted before every update, not only at the end (default true). When
   * false, P(i) of the CSR strata is formed block by block inside the W(i) update instead of being
   * kept (m_i×k float32 less each).
   */
  lossEveryIteration?: boolean;
  /**
   * The partition of the strata's shapes, where the caller has one (fit()'s memory estimate,
   * sdk/solve/memory.ts): taken as is for all-dense strata of its rank with H updated (nothing in
   * it then depends on the stored values, the loss tracking or the threads); otherwise the solver
   * partitions the strata itself.
   */
  partition?: Partition;
}

/** Plans of the products over the data, besides the steps of the schedule. */
type ProductPlanName = "productsForLoss" | "keptProducts" | "streamedProducts" | "csrProducts" | "numeratorsWithP";

/** The masked rule's plan of the loss's correction (sdk/solve/rules/masked.ts). */
type MaskPlanName = "maskLoss";

/** Every plan of a fit, by name (absent: the fit does not run it). */
type Plans = Partial<Record<StepName | ProductPlanName | MaskPlanName | "lossTerms", Plan>>;

/** Which products over the data are current (since the factors last changed). */
interface Freshness {
  /** P(i) of every stratum that keeps it. */
  kept: boolean;
  /** ⟨W, P⟩ of every streamed block. */
  streamed: boolean;
  /** The numerator N from the products pass (the reference schedule's). */
  numerators: boolean;
}

/**
 * The rule's plans for factors whose every v(i) is 0 and stays 0 (RuleOptions.zeroV): the steps
 * that differ from the general plans (sdk/solve/rules/). Besides them, refreshW leaves out the
 * w(i) = W(i)ᵀ1 when no L1 weight on W reads them (refreshWPlan).
 */
const ZERO_V_STEPS = ["prepareW", "updateH"] as const;

/** The builders of every plan the schedule and the loss use. */
function planBuilders(ctx: PlanContext, rule: Rule, options: RuleOptions, schedule: Schedule) {
  const { p } = ctx;
  const steps: readonly string[] = schedule.steps;
  const rulePlans = rule.plans(ctx, options, ctx.ws.rule);
  const streams = p.streamedBlocks.length > 0;
  const reference = schedule.needs === "productsAndNumerators";
  const keptCsr = ctx.strata.some((x, i) => x.kind === "csr" && !p.streamed[i]);
  const builders: Partial<Record<keyof Plans, PlanBuilder>> = {
    productsForLoss: addStreamedProducts(ctx, keptProductsPlan(ctx)),
    keptProducts: streams ? keptProductsPlan(ctx) : undefined,
    streamedProducts: streams ? addStreamedProducts(ctx, keptProductsPlan(ctx, () => false)) : undefined,
    csrProducts: reference && keptCsr ? keptProductsPlan(ctx, (i) => ctx.strata[i].kind === "csr") : undefined,
    numeratorsWithP: reference ? numeratorPlan(ctx, true) : undefined,
    numerators: steps.includes("numerators") ? numeratorPlan(ctx, false) : undefined,
    reduceNumerators: steps.includes("reduceNumerators") && p.hasDense && p.numeratorSlots > 1
      ? reduceNumeratorsPlan(ctx)
      : undefined,
    transposeNumerators: steps.includes("transposeNumerators") && p.hasDense ? transposeNumeratorsPlan(ctx) : undefined,
    ...rulePlans,
    updateH: steps.includes("updateH") ? rulePlans.updateH : undefined,
    refreshW: refreshWPlan(ctx),
    reduceW: reduceWPlan(ctx),
    refreshH: refreshHPlan(ctx),
    reduceH: reduceHPlan(ctx),
    lossTerms: lossTermsPlan(ctx),
    maskLoss: (rulePlans as { maskLoss?: PlanBuilder }).maskLoss,
  };
  return builders;
}

/** The plans of `builders` (absent ones left out), encoded from `alloc`. */
function buildPlans(core: Core, builders: Partial<Record<keyof Plans, PlanBuilder>>, alloc: (bytes: number) => number) {
  const plans: Plans = {};
  for (const name in builders) {
    const builder = builders[name as keyof Plans];
    if (builder) plans[name as keyof Plans] = builder.build(core, alloc);
  }
  return plans;
}

/** Workspace, plans and steps of one fit. Owns its workspace until `free()`. */
export class Solver {
  readonly #core: Core;
  readonly #factors: Factors;
  readonly #options: SolverOptions;
  readonly #executor: Executor;
  readonly #schedule: Schedule;
  readonly #workspace: Workspace;
  readonly #ctx: PlanContext;
  readonly #plans: Plans;
  /** The rule's plans for every v(i) 0 and fixed (none when v is updated). */
  readonly #zeroVPlans: Plans;
  /** Whether every v(i) is 0 and fixed now (checked when the solver starts from factors). */
  #zeroV = false;
  #fresh: Freshness = { kept: false, streamed: false, numerators: false };
  /** Whether the loss is computed before every update (the iteration loop reads it). */
  readonly lossEveryIteration: boolean;
  /** The penalty part of the objective at the last `loss()` (0 without L1 weights). */
  lastPenalty = 0;

  constructor(core: Core, strata: ResidentStrata, factors: Factors, options: SolverOptions) {
    this.#core = core;
    this.#factors = factors;
    this.#options = options;
    this.#executor = options.executor ?? new Executor(core);
    this.lossEveryIteration = options.lossEveryIteration ?? true;
    const fixH = options.fixH === true;
    this.#schedule = scheduleOf(options.solver, options.schedule, fixH);
    const given = options.partition;
    const p = given && !given.hasCsr && !fixH && given.k === factors.shape.rank && given.s === strata.strata.length
      ? given
      : partition(strata.strata, {
        rank: factors.shape.rank,
        lossEveryIteration: this.lossEveryIteration,
        fixH,
        threads: this.#executor.threads,
      }, (i) => csrBlocks(core, i, strata.strata[i]));
    // Sparse strata only: H's memory holds Hᵀ for the fit (before the workspace is allocated, so
    // the transposition's temporary is reused by it).
    if (p.htOnly) factors.transposeH();
    const masked = options.masked ?? strata.strata.some((x) => x.hidden !== undefined);
    const rule = masked ? maskedRule(options.solver, strata.strata, core) : RULES[options.solver];
    try {
      this.#workspace = new Workspace(core, workspaceSizes(p, strata.strata, rule), strata.strata, p, factors.H);
      this.#ctx = { core, strata: strata.strata, norms: strata.norms, factors, p, ws: this.#workspace.buffers };
      const ruleOptions = this.#ruleOptions();
      const builders = planBuilders(this.#ctx, rule, ruleOptions, this.#schedule);
      const zeroVBuilders: Partial<Record<keyof Plans, PlanBuilder>> = {};
      if (this.#vFixed() && options.zeroVPlans !== false) {
        const zeroV = rule.plans(this.#ctx, { ...ruleOptions, zeroV: true }, this.#workspace.buffers.rule);
        for (const name of ZERO_V_STEPS) if (builders[name]) zeroVBuilders[name] = zeroV[name];
        if (!(ruleOptions.l1W > 0)) zeroVBuilders.refreshW = refreshWPlan(this.#ctx, { columnSums: false });
      }
      // Every plan's encoding from one block of the workspace.
      let bytes = 0;
      for (const name in builders) bytes += builders[name as keyof Plans]?.encodedBytes ?? 0;
      for (const name in zeroVBuilders) bytes += zeroVBuilders[name as keyof Plans]!.encodedBytes;
      const slab = this.#workspace.slab(bytes);
      const alloc = (size: number) => slab.alloc(size);
      this.#plans = buildPlans(core, builders, alloc);
      this.#zeroVPlans = buildPlans(core, zeroVBuilders, alloc);
      if (!builders.keptProducts) this.#plans.keptProducts = this.#plans.productsForLoss;
    } catch (error) {
      this.free();
      throw error;
    }
    this.#start();
  }

  #ruleOptions(): RuleOptions {
    const { p } = this.#ctx;
    const options = this.#options;
    return {
      vUpdates: options.vUpdates,
      fixV: options.fixV,
      l1V: options.l1V ?? 0,
      l1W: options.l1W ?? 0,
      l1H: options.l1H ?? 0,
      sweeps: options.sweeps ?? halsSweeps(p.totalNnz, p.totalRows, p.n, p.k),
    };
  }

  /** Whether no step updates the v(i). */
  #vFixed(): boolean {
    return this.#options.fixV === true || this.#options.vUpdates === 0;
  }

  /** Derives Hᵀ and the statistics from the factors as they are now; no product is current. */
  #start(): void {
    const { p, ws } = this.#ctx;
    this.#zeroV = this.#zeroVPlans.prepareW !== undefined &&
      this.#core.heap.f32(this.#factors.V, p.s * p.n).every((x) => x === 0);
    if (!p.htOnly) this.#core.kernels.f32_transpose(this.#factors.H, p.k, p.n, ws.Ht, 0);
    for (const name of ["refreshH", "reduceH", "refreshW", "reduceW"] as const) this.#run(name);
    this.#fresh = { kept: false, streamed: false, numerators: false };
  }

  /**
   * Starts again from new factors of the same shape, on the same data, workspace and plans (the
   * restarts and refits of one shape): `write` fills the factors (H in its k×n layout), then the
   * solver derives what it keeps from them. The same bits as a new solver from those factors.
   */
  restart(write: (factors: Factors) => void): void {
    const transposed = this.#factors.hLayout === "n×k";
    if (transposed) this.#factors.transposeH();
    write(this.#factors);
    if (transposed) this.#factors.transposeH();
    this.#start();
  }

  /** The plan run as step `name` now (the zero-V one while every v(i) is 0 and fixed), if the fit has one. */
  #plan(name: keyof Plans): Plan | undefined {
    return (this.#zeroV && this.#zeroVPlans[name]) || this.#plans[name];
  }

  #run(name: keyof Plans): void {
    const plan = this.#plan(name);
    if (plan) this.#executor.run(plan);
  }

  /**
   * Releases the workspace and leaves H in its k×n layout (the factors stay with their owner).
   * Idempotent.
   */
  free(): void {
    this.#workspace?.free();
    if (this.#factors.hLayout === "n×k") this.#factors.transposeH();
  }

  /**
   * Computes the products over the data that an update (`forUpdate`) or the loss needs, unless
   * they are current: P(i) = A(i) Hᵀ of every kept P(i) and, for an update under the reference
   * schedule, Σ_i W(i)ᵀ A(i) from the same pass; for the loss, ⟨W, P⟩ of the streamed blocks.
   * Calling it is optional (`loss()` and `update()` compute what is missing); it lets an
   * iteration that wants both the loss and an update have them from one pass.
   */
  computeProducts(forUpdate: boolean): void {
    if (forUpdate) this.#productsForUpdate();
    else this.#productsForLoss();
  }

  #productsForUpdate(): void {
    const stale = this.#staleForUpdate(this.#fresh);
    for (const name of stale) this.#run(name);
    if (stale.length > 0) {
      this.#fresh.kept = true;
      if (this.#schedule.needs === "productsAndNumerators") this.#fresh.numerators = true;
    }
  }

  /** The product plans an update runs first, given which products are current (none: all are). */
  #staleForUpdate(fresh: Freshness): (keyof Plans)[] {
    if (this.#schedule.needs === "productsAndNumerators") {
      return fresh.numerators && fresh.kept ? [] : ["csrProducts", "numeratorsWithP"];
    }
    return fresh.kept ? [] : ["keptProducts"];
  }

  #productsForLoss(): void {
    const fresh = this.#fresh;
    const streams = this.#ctx.p.streamedBlocks.length > 0;
    if (!fresh.kept && (!streams || !fresh.streamed)) this.#run("productsForLoss");
    else if (!fresh.kept) this.#run("keptProducts");
    else if (streams && !fresh.streamed) this.#run("streamedProducts");
    fresh.kept = fresh.streamed = true;
  }

  /**
   * `sqrt(F + penalty)` at the current factors, F from the loss identity (docs/algorithm.md, "The
   * loss identity"; sdk/solve/plans/loss.ts), the penalty λ_v Σ‖v(i)‖₁ + λ_W Σ‖W(i)‖₁ + λ_H ‖H‖₁
   * (kept in `lastPenalty`).
   */
  loss(): number {
    this.#productsForLoss();
    this.#run("lossTerms");
    const { F: unmasked, wTotal } = lossFromTerms(this.#ctx);
    const F = this.#maskedF(unmasked);
    const { l1V = 0, l1W = 0, l1H = 0 } = this.#options;
    const { n, k, s } = this.#ctx.p;
    let penalty = 0;
    if (l1V > 0) penalty += l1V * this.#total(this.#factors.V, s * n);
    if (l1W > 0) penalty += l1W * wTotal;
    if (l1H > 0) penalty += l1H * this.#total(this.#factors.H, k * n);
    this.lastPenalty = penalty;
    return Math.sqrt(F + penalty);
  }

  /**
   * F over the observed entries: the zero-filled data's F less the model's squared values at the
   * unobserved entries (sdk/solve/rules/masked.ts); F itself without the masked rule.
   */
  #maskedF(F: number): number {
    if (!this.#plans.maskLoss) return F;
    this.#run("maskLoss");
    const parts = this.#workspace.buffers.rule.lossParts;
    return Math.max(0, F - maskLossTotal(this.#core, parts, this.#ctx.p));
  }

  /** Σ of `length` float32 values at `ptr`, in float64. */
  #total(ptr: number, length: number): number {
    this.#core.kernels.f32_colsum_f64(ptr, length, 1, this.#ctx.ws.sum);
    return this.#core.heap.f64(this.#ctx.ws.sum, 1)[0];
  }

  /**
   * `count` iterations without the loss at once, on the executor's lane (see
   * {@link iteratesAtOnce}): each the products an update needs, then the steps of the schedule,
   * the same plans in the same order as `count` calls of `update()`. Stops between iterations
   * once `signal` aborts, and then throws its reason.
   */
  async runIterations(count: number, signal?: AbortSignal): Promise<void> {
    if (!(this.#executor instanceof LaneExecutor)) throw new Error("Cannot run iterations at once: no lane");
    const names = [
      ...this.#staleForUpdate({ kept: false, streamed: false, numerators: false }),
      ...this.#schedule.steps,
    ];
    const plans = names.map((name) => this.#plan(name)).filter((plan) => plan !== undefined);
    this.#fresh = { kept: false, streamed: false, numerators: false };
    await this.#executor.runRepeated(plans, count, signal);
  }

  /** Whether the executor runs iterations at once elsewhere (a lane): {@link runIterations}. */
  get iteratesAtOnce(): boolean {
    return this.#executor instanceof LaneExecutor;
  }

  /**
   * The updates of one iteration, in the order of the schedule, passing `checkpoint` (if any)
   * between steps: a long iteration can be cancelled between its plans. Returns a promise only
   * when the checkpoint yields to the event loop (see Checkpoint.pass); otherwise the iteration
   * is done on return.
   */
  update(checkpoint?: Checkpoint): Promise<void> | undefined {
    this.#productsForUpdate();
    this.#fresh = { kept: false, streamed: false, numerators: false };
    return this.#steps(0, checkpoint);
  }

  /** The steps of the schedule from `first` on (continued after a yield). */
  #steps(first: number, checkpoint: Checkpoint | undefined): Promise<void> | undefined {
    const steps = this.#schedule.steps;
    for (let i = first; i < steps.length; i++) {
      const due = checkpoint?.pass();
      if (due) {
        return due.then(() => {
          this.#run(steps[i]);
          return this.#steps(i + 1, checkpoint);
        });
      }
      this.#run(steps[i]);
    }
    return undefined;
  }
}

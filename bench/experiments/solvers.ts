/**
 * "Solvers and starts" of each experiment (issue 5): beyond the paper, the multiplicative
 * updates ("mu") against HALS ("hals"), each from the published random start and from NNDSVD,
 * on the experiment's own data: the time and iterations to reach given normalized losses, and the
 * loss after equal time, with a chart of the loss against wall time; on the synthetic data the
 * issue's target (the loss of 10,000 multiplicative iterations, and how much sooner HALS reaches
 * it); on the text data what the L1 weight λ_v does to the shifts (share of non-zeros in v(i),
 * loss, top words). The measuring is bench/solvers.ts's ({@link runWorkload},
 * {@link syntheticTarget}, {@link textL1}); this module turns it into the report's tables.
 *
 * @module
 */

import { loadavg } from "node:os";
import { type Stratum, syntheticStrata } from "../../sdk/mod.ts";
import { curvesSpec, renderSvg } from "../../report/charts.ts";
import type { Corpus } from "../corpus.ts";
import {
  californiaWorkload,
  type ConfigResult,
  corpusWorkload,
  mnistWorkload,
  runWorkload,
  type SolverRun,
  type SyntheticTarget,
  syntheticTarget,
  syntheticWorkload,
  textL1,
  type TextL1Row,
  type Workload,
  type WorkloadResult,
} from "../solvers.ts";
import { count, type Figure, fmt, row, type Table } from "./common.ts";

/** How the sections run: bench/solvers.ts's repetitions, threads and progress lines, and short budgets. */
export interface SolverSectionOptions extends SolverRun {
  /** Short budgets (tests): 500 ms, 2,000 multiplicative iterations on the synthetic data. */
  quick?: boolean;
}

/** One comparison of two configurations at the lowest target both reach. */
export interface Race {
  /** The lowest target both reached within the budget (null: none). */
  target: number | null;
  /** ms of each to that target. */
  ms: [number, number] | null;
  /** ms of the first over ms of the second: how many times sooner the second is. */
  ratio: number | null;
  /** Lower targets only one of them reached: [target, index of the one (0 or 1), its ms]. */
  alone: [number, 0 | 1, number][];
}

/** The "Solvers and starts" part of an experiment's section. */
export interface SolverSection {
  settings: [string, string][];
  tables: Table[];
  figures: Figure[];
  notes: string[];
  /** The numbers of the document's summary: HALS against MU and NNDSVD against random. */
  summary: {
    halsVsMu: Race;
    nndsvdVsRandom: { mu: Race; hals: Race };
    lossAtBudget: Record<string, number>;
    budgetMs: number;
  };
  /** What was measured, as bench/solvers.ts reports it. */
  workload: WorkloadResult;
  syntheticTarget?: SyntheticTarget;
  textL1?: TextL1Row[];
  seconds: number;
}

const label = (c: { solver: string; init: string }) => `${c.solver} ${c.init}`;
const ms = (x: number) => x >= 100 ? `${count(Math.round(x))} ms` : `${fmt(x, 2)} ms`;
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const times = (x: number) => `${x >= 10 ? x.toFixed(0) : x.toFixed(1)}×`;
/** A target loss as written: 0.01, 0.00159, 0.9025. */
const target = (x: number) => String(Number(x.toPrecision(4)));

/** `a` against `b`: at the lowest target both reach, how many times sooner `b` gets there. */
export function race(a: ConfigResult, b: ConfigResult, targets: number[]): Race {
  let both = -1;
  targets.forEach((_, t) => {
    if (a.msToTarget[t] !== null && b.msToTarget[t] !== null) both = t;
  });
  const alone: Race["alone"] = [];
  targets.forEach((target, t) => {
    if (t <= both) return;
    if (a.msToTarget[t] !== null && b.msToTarget[t] === null) alone.push([target, 0, a.msToTarget[t]!]);
    if (b.msToTarget[t] !== null && a.msToTarget[t] === null) alone.push([target, 1, b.msToTarget[t]!]);
  });
  if (both < 0) return { target: null, ms: null, ratio: null, alone };
  const pair: [number, number] = [a.msToTarget[both]!, b.msToTarget[both]!];
  return { target: targets[both], ms: pair, ratio: pair[0] / pair[1], alone };
}

/** A race in words: "hals random reaches 1e-3 in 20 ms against 590 ms for mu random (30× sooner)". */
export function describeRace(r: Race, names: [string, string], budgetMs: number): string {
  const parts: string[] = [];
  if (r.target !== null) {
    const [a, b] = r.ms!;
    parts.push(
      `to ${target(r.target)}: ${names[1]} ${ms(b)}, ${names[0]} ${ms(a)} (${
        r.ratio! >= 1 ? `${times(r.ratio!)} sooner` : `${times(1 / r.ratio!)} later`
      })`,
    );
  } else parts.push("no target reached by both");
  for (const [goal, who, t] of r.alone) {
    parts.push(`only ${names[who]} reaches ${target(goal)} within ${ms(budgetMs)} (in ${ms(t)})`);
  }
  return parts.join("; ");
}

/** The table of a workload: per solver and start, time and iterations to each target, loss after the budget. */
export function timeToLossTable(result: WorkloadResult, title: string): Table {
  return {
    title,
    head: [
      "solver",
      "start",
      "start",
      "ms per iteration",
      ...result.targets.map((t) => `to ≤ ${target(t)}: ms (iterations)`),
      `loss after ${ms(result.budgetMs)}, fit()'s`,
      "same, float64",
      `iterations in ${ms(result.budgetMs)}`,
    ],
    rows: result.configs.map((c) =>
      row(
        c.solver,
        c.init,
        ms(c.startMs),
        fmt(c.msPerIter),
        ...c.msToTarget.map((t, i) => t === null ? "not reached" : `${ms(t)} (${count(c.iterationsToTarget[i]!)})`),
        fmt(c.lossAtBudget, 4),
        fmt(c.exactLossAtBudget, 4),
        count(c.iterationsInBudget),
      )
    ),
  };
}

/** The chart of a workload: normalized loss against ms since fit() was called, one curve per solver and start. */
export async function lossAgainstTimeFigure(
  result: WorkloadResult,
  file: string,
  caption: string,
): Promise<Figure> {
  const curves = result.configs.map((c) => {
    // Leave out losses above 1 (worse than all-zero factors: the random start's first loss) so the chart shows the descent.
    const points = c.trajectory.filter((p) => p.loss <= 1 && p.ms > 0);
    return { name: label(c), values: points.map((p) => p.loss), iterations: points.map((p) => p.ms) };
  });
  const spec = curvesSpec(curves, {
    xScale: "log",
    yScale: "log",
    xTitle: "ms since fit() was called",
    yTitle: "normalized loss",
    title: `Normalized loss against wall time, ${result.threads} thread(s)`,
  });
  return { file, content: await renderSvg(spec), caption };
}

/** Runs bench/solvers.ts's comparison on one experiment's workload and makes its tables, chart and notes. */
async function workloadSection(
  id: string,
  w: Workload,
  options: SolverSectionOptions,
  started: number,
  load: number,
  extra: Partial<Pick<SolverSection, "tables" | "notes" | "syntheticTarget" | "textL1" | "figures">> = {},
): Promise<SolverSection> {
  const result = await runWorkload(w, options);
  const byName = (solver: string, init: string) => result.configs.find((c) => c.solver === solver && c.init === init)!;
  const [muRandom, muNndsvd, halsRandom, halsNndsvd] = [
    byName("mu", "random"),
    byName("mu", "nndsvd"),
    byName("hals", "random"),
    byName("hals", "nndsvd"),
  ];
  const halsVsMu = race(muRandom, halsRandom, w.targets);
  const nndsvdVsRandom = {
    mu: race(muRandom, muNndsvd, w.targets),
    hals: race(halsRandom, halsNndsvd, w.targets),
  };
  const best = result.configs.reduce((a, b) => b.exactLossAtBudget < a.exactLossAtBudget ? b : a);
  const notes = [
    `HALS against the multiplicative updates, both from the published random start: ${
      describeRace(halsVsMu, ["mu random", "hals random"], w.budgetMs)
    }.`,
    `NNDSVD against the random start: with the multiplicative updates ${
      describeRace(nndsvdVsRandom.mu, ["mu random", "mu nndsvd"], w.budgetMs)
    }; with HALS ${describeRace(nndsvdVsRandom.hals, ["hals random", "hals nndsvd"], w.budgetMs)}. ` +
    "Times count from the fit() call, so the NNDSVD start's own cost is included.",
    `After equal time (${ms(w.budgetMs)}) the lowest loss is ${label(best)}'s, ${fmt(best.exactLossAtBudget, 4)} ` +
    `(float64); ${
      result.configs.filter((c) => c !== best).map((c) => `${label(c)} ${fmt(c.exactLossAtBudget, 4)}`).join(", ")
    }.`,
    ...(extra.notes ?? []),
  ];
  return {
    settings: [
      ["solvers", "mu: the paper's multiplicative updates, sequential schedule; hals: exact block-coordinate descent"],
      ["starts", "random: the published random start (seed 1); nndsvd: NNDSVD (NNDSVDa's mean fill for mu)"],
      ["data", w.name],
      ["time budget of every run", `${ms(w.budgetMs)} from the fit() call (the start's cost included)`],
      ["targets (normalized loss)", w.targets.map(target).join(", ")],
      [
        "runs",
        `${options.reps} timed run(s) per solver and start after a warm-up fit; medians; ` +
        `threads: ${options.threads} (fit()'s threads option, for every fit)`,
      ],
      [
        "losses",
        "normalized, sqrt(F) / ‖A‖; fit()'s own comes from float32 products and has a floor near 1e-5 to 1e-4 " +
        "(it can read 0 near an exact fit); the float64 column recomputes it from the factors after as many " +
        "iterations as the budget allowed",
      ],
      ["load average (1 min) at the start and the end", `${load.toFixed(2)} → ${loadavg()[0].toFixed(2)}`],
    ],
    tables: [
      ...(extra.tables ?? []),
      timeToLossTable(result, "Time to a normalized loss, and the loss after equal time"),
    ],
    figures: [
      ...(extra.figures ?? []),
      await lossAgainstTimeFigure(
        result,
        `${id}_solvers_loss_time.svg`,
        `Normalized loss against wall time (log axes) for each solver and start, ${w.name}; ` +
          "losses above 1 (the random start's first) left out.",
      ),
    ],
    notes,
    summary: {
      halsVsMu,
      nndsvdVsRandom,
      lossAtBudget: Object.fromEntries(result.configs.map((c) => [label(c), c.exactLossAtBudget])),
      budgetMs: w.budgetMs,
    },
    workload: result,
    syntheticTarget: extra.syntheticTarget,
    textL1: extra.textL1,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The synthetic data of seed 0: the issue's target, then every solver and start within the time of 10,000 MU iterations. */
export async function syntheticSolvers(options: SolverSectionOptions): Promise<SolverSection> {
  const started = performance.now();
  const load = loadavg()[0];
  const { strata, trueVMeans } = syntheticStrata({ seed: 0 });
  const iterations = options.quick ? 2000 : 10_000;
  const issue = await syntheticTarget(strata, trueVMeans, options, iterations);
  const v = issue.vMeans;
  const table: Table = {
    title: `The issue's target: HALS reaches the loss of ${
      count(iterations)
    } multiplicative iterations at least 5× sooner`,
    head: ["quantity", "mu (random start)", "hals (random start)"],
    rows: [
      row(
        "time",
        `${ms(issue.muMs)} for ${count(iterations)} iterations`,
        issue.halsMsToMuLoss === null
          ? "not reached"
          : `${ms(issue.halsMsToMuLoss)} (${count(issue.halsIterationsToMuLoss!)} iterations) to the same loss`,
      ),
      row(
        "normalized loss",
        `${fmt(issue.muNormalizedLoss)} (float64: ${fmt(issue.muExactNormalizedLoss)})`,
        `${fmt(v.halsEqualTimeExactNormalizedLoss)} (float64) after the same ${ms(issue.muMs)} (${
          count(v.halsEqualTimeIterations)
        } iterations)`,
      ),
      row(
        "speed-up",
        "—",
        issue.speedup === null ? "—" : `${times(issue.speedup)} sooner: target 5× ${issue.met ? "met" : "not met"}`,
      ),
      row(
        `v(i) means (true ${v.true.map((x) => fmt(x)).join(", ")})`,
        `${v.mu.map((x) => fmt(x)).join(", ")} (largest error ${fmt(v.muMaxError, 2)})`,
        `${v.halsEqualTime.map((x) => fmt(x)).join(", ")} (largest error ${fmt(v.halsEqualTimeMaxError, 2)})`,
      ),
    ],
  };
  return workloadSection("synthetic", syntheticWorkload(strata, issue), options, started, load, {
    tables: [table],
    syntheticTarget: issue,
    notes: [
      `The budget of every run is twice the time the multiplicative updates take for ${
        count(iterations)
      } iterations (the paper's count; the margin keeps the noise of a shared machine from deciding whether they ` +
      `reach their own loss); the target ${target(issue.muNormalizedLoss)} is their loss. ` +
      "The paper's runs above use the reference schedule; this comparison uses " +
      "the sequential one (the only one HALS has; the multiplicative updates' loss is provably non-increasing " +
      "under it).",
    ],
  });
}

/** The California housing strata. */
export function californiaSolvers(strata: Stratum[], options: SolverSectionOptions): Promise<SolverSection> {
  const started = performance.now();
  const load = loadavg()[0];
  return workloadSection("california", californiaWorkload(strata, options.quick), options, started, load);
}

/** The MNIST strata of `seed`. */
export function mnistSolvers(seed: number, options: SolverSectionOptions): Promise<SolverSection> {
  const started = performance.now();
  const load = loadavg()[0];
  return workloadSection("mnist", mnistWorkload(options.quick, seed), options, started, load);
}

/** Settings of {@link textSolvers}. */
export interface TextSolverOptions extends SolverSectionOptions {
  /** λ_v values of the L1 table (default 0, 0.1, 0.3, 1, 3). */
  lambdas?: number[];
  /** Iterations of each L1 fit (default 100, the paper's). */
  iterations?: number;
  rank?: number;
  /** Targets of the time comparison (default for the SpamAssassin TF-IDF: 0.95, 0.91, 0.905, 0.9025). */
  targets?: number[];
  /** Time budget of every run (default 10 s; 2 s quick). */
  budgetMs?: number;
}

/** A text corpus (the experiment's TF-IDF): the time comparison, then λ_v against the shifts. */
export async function textSolvers(
  corpus: Corpus,
  title: string,
  options: TextSolverOptions,
): Promise<SolverSection> {
  const started = performance.now();
  const load = loadavg()[0];
  const {
    lambdas = [0, 0.1, 0.3, 1, 3],
    iterations = 100,
    rank = 20,
    targets = [0.95, 0.91, 0.905, 0.9025],
  } = options;
  const w: Workload = {
    ...corpusWorkload(corpus, title, options.quick, targets),
    rank,
    budgetMs: options.budgetMs ?? (options.quick ? 2000 : 10_000),
  };
  const l1 = await textL1(corpus, { lambdas, iterations, rank, init: "random", seed: 1, top: 5 }, options);
  const solvers = [...new Set(l1.map((r) => r.solver))];
  const names = Object.keys(l1[0].nonZeroFraction);
  const l1Table: Table = {
    title: `λ_v against the shifts: ${iterations} iterations from the published random start (seed 1), rank ${rank}`,
    head: [
      "solver",
      "λ_v",
      "normalized loss (without the penalty)",
      "penalized objective, normalized",
      "non-zeros of v(i), mean",
      ...names.map((n) => `non-zeros of v(${n})`),
    ],
    rows: l1.map((r) =>
      row(
        r.solver,
        r.l1V,
        fmt(r.normalizedLoss, 4),
        fmt(r.normalizedObjective, 4),
        pct(r.meanNonZeroFraction),
        ...names.map((n) => pct(r.nonZeroFraction[n])),
      )
    ),
  };
  const wordsTable: Table = {
    title: "λ_v against the shifts: the top 5 words of each v(i)",
    head: ["stratum", "solver", ...lambdas.map((l) => `λ_v = ${l}`)],
    rows: names.flatMap((name) =>
      solvers.map((solver) =>
        row(
          name,
          solver,
          ...lambdas.map((l) => l1.find((r) => r.solver === solver && r.l1V === l)!.topWords[name].join(", ")),
        )
      )
    ),
  };
  const at = (solver: string, l: number) => l1.find((r) => r.solver === solver && r.l1V === l)!;
  const [low, high] = [lambdas[0], lambdas[lambdas.length - 1]];
  const kept = (solver: string) =>
    names.map((n) => at(solver, high).topWords[n].filter((word) => at(solver, low).topWords[n].includes(word)).length)
      .reduce((a, b) => a + b, 0) / (names.length * at(solver, low).topWords[names[0]].length);
  const l1Notes = solvers.map((solver) =>
    `λ_v with ${solver}: from ${low} to ${high} the mean share of non-zeros in v(i) goes from ${
      pct(at(solver, low).meanNonZeroFraction)
    } to ${pct(at(solver, high).meanNonZeroFraction)} and the normalized loss from ${
      fmt(at(solver, low).normalizedLoss, 4)
    } to ${fmt(at(solver, high).normalizedLoss, 4)}; ${
      pct(kept(solver))
    } of the top 5 words of the v(i) at λ_v = ${low} ` +
    `are still among them at λ_v = ${high}.` +
    (solver === "mu"
      ? " (The multiplicative updates never reach 0: entries below 1e-6 of the v(i)'s largest count as zeros.)"
      : "")
  );
  return workloadSection("text", w, options, started, load, {
    tables: [l1Table, wordsTable],
    textL1: l1,
    notes: [
      ...l1Notes,
      "The paper's text runs above use the reference schedule; this comparison uses the sequential one (the only " +
      "one HALS has). The TF-IDF is the experiment's own (the same stripped posts and settings, built in process " +
      "by the pipeline of snmf text).",
    ],
  });
}

/** The document's summary of the solver sections: one row per experiment. */
export function solversSummary(sections: { title: string; solvers: SolverSection }[]): Table {
  /** `names`: the first and the second configuration of the race. */
  const cell = (r: Race, names: [string, string]) => {
    const alone = r.alone.map(([goal, who, t]) => `only ${names[who]} reaches ${target(goal)} (in ${ms(t)})`);
    if (r.target === null) return alone.length ? alone.join("; ") : "no target reached by both";
    const [a, b] = r.ms!;
    return [
      `${r.ratio! >= 1 ? `${times(r.ratio!)} sooner` : `${times(1 / r.ratio!)} later`} (to ${target(r.target)}: ${
        ms(b)
      } against ${ms(a)})`,
      ...alone,
    ].join("; ");
  };
  return {
    title: "Solvers and starts (beyond the paper; details in each experiment's section)",
    head: [
      "experiment",
      "HALS against MU (random start): time to the lowest loss both reach",
      "NNDSVD against random (MU)",
      "NNDSVD against random (HALS)",
      "loss after equal time: mu random / mu nndsvd / hals random / hals nndsvd",
    ],
    rows: sections.map(({ title, solvers: s }) =>
      row(
        title,
        cell(s.summary.halsVsMu, ["MU", "HALS"]),
        cell(s.summary.nndsvdVsRandom.mu, ["random", "NNDSVD"]),
        cell(s.summary.nndsvdVsRandom.hals, ["random", "NNDSVD"]),
        `${
          ["mu random", "mu nndsvd", "hals random", "hals nndsvd"].map((k) => fmt(s.summary.lossAtBudget[k], 4)).join(
            " / ",
          )
        } (${ms(s.summary.budgetMs)})`,
      )
    ),
  };
}

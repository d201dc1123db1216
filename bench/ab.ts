// A/B timing of two source trees of the SDK, interleaved: for each workload and solver, each round
// times the old tree then the new one (each in a fresh process), and the medians over the rounds
// are compared. Milliseconds per iteration are the difference of a long and a short fit divided by
// the difference of their iterations (so loading and the start cancel out), after a warm-up fit as
// long as the long one (so the engine's tier-up comes before anything is timed).
//
//   deno run -A bench/ab.ts --old /path/to/other/checkout [--runtime deno|bun] [--rounds 5]
//                           [--workloads synthetic,dense,tfidf,spam] [--threads 2] [--clock wall|cpu]
//                           [--same-process]
//
// --same-process runs both trees in one process per workload and solver, alternating old and new
// fits (which goes first alternates too) after one warm-up of each: on this VM the same fit runs
// at one of two speeds from one process to the next (a fresh process of either tree read 15–18 or
// 23–30 ms an iteration on SpamAssassin MU under Bun), which fresh processes per fit turn into
// noise in the medians; within one process both trees get the same machine and engine state.
//
// --clock cpu times each fit by the process's CPU time (user + system, every thread's) instead of
// the wall clock: on a machine shared with other work, other processes then slow neither side
// (use it with --threads 1, where no worker spins while waiting).
//
// The other checkout needs its sdk/generated/ (`node scripts/build.mjs --wasm` there). The data
// come from this tree's bench/workloads.ts for both, so both fit the same bytes.

import { execFileSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    old: { type: "string" },
    runtime: { type: "string", default: "deno" },
    rounds: { type: "string", default: "5" },
    workloads: { type: "string", default: "synthetic,dense,tfidf,spam" },
    threads: { type: "string", default: "2" },
    clock: { type: "string", default: "wall" },
    child: { type: "string" },
    workload: { type: "string" },
    solver: { type: "string" },
    "same-process": { type: "boolean", default: false },
    pair: { type: "string" },
  },
});

/**
 * Iterations of the short and the long fit per workload. The synthetic workload's iterations take
 * 0.05 ms: its long fit runs 20,000 more so that it outlasts the engines' tier-up (JavaScriptCore
 * compiles in background threads, whose time the CPU clock counts: with 2,000 more, medians of
 * the same tree moved by 10–15 % between runs on Bun).
 */
const ITERS: Record<string, [number, number]> = {
  spam: [10, 60],
  synthetic: [1000, 21000],
  dense: [5, 45],
  tfidf: [10, 110],
};

/** What a child times: `tree`'s fit of the workload to `maxIter` iterations, in ms of `clock`. */
type Timer = (tree: string, maxIter: number) => Promise<number>;

/** A timer of the workload's fits with the SDKs of `trees` (each imported once), and its short and long iterations. */
async function fitTimer(
  trees: string[],
  workload: string,
  solver: "mu" | "hals",
  threads: number,
  clock: string,
): Promise<{ time: Timer; short: number; long: number }> {
  const fits = new Map<string, (strata: unknown, options: object) => Promise<{ free(): void }>>();
  for (const tree of trees) fits.set(tree, (await import(join(tree, "sdk/mod.ts"))).fit);
  const { namedWorkload } = await import("./workloads.ts");
  const { strata, rank, trackLoss } = namedWorkload(workload);
  const [short, long] = ITERS[workload];
  const time = async (tree: string, maxIter: number) => {
    const started = now(clock);
    const model = await fits.get(tree)!(strata, { rank, maxIter, seed: 1, solver, trackLoss, threads });
    const ms = now(clock) - started;
    model.free();
    return ms;
  };
  return { time, short, long };
}

/** In a child: fits the workload with the SDK of `tree` and prints ms per iteration. */
async function child(
  tree: string,
  workload: string,
  solver: "mu" | "hals",
  threads: number,
  clock: string,
): Promise<void> {
  const { time, short, long } = await fitTimer([tree], workload, solver, threads, clock);
  // Warm-up as long as the long fit: workers start, and the engine tiers the kernels up before
  // anything is timed (after a 10-iteration warm-up, Bun's tfidf MU was 5.0 or 7.5 ms/it from one
  // process to the next, in either tree, as its optimizing tier came during the long fit or not).
  await time(tree, long);
  const a = await time(tree, short);
  const b = await time(tree, long);
  console.log(JSON.stringify({ msPerIter: (b - a) / (long - short) }));
}

/**
 * In a child: fits the workload with both trees' SDKs in this one process, `rounds` times each,
 * alternating (after a warm-up fit of each), and prints each tree's ms per iteration per round.
 */
async function pairChild(
  trees: { old: string; new: string },
  workload: string,
  solver: "mu" | "hals",
  threads: number,
  clock: string,
  rounds: number,
): Promise<void> {
  const { time, short, long } = await fitTimer([trees.old, trees.new], workload, solver, threads, clock);
  for (const tree of ["old", "new"] as const) await time(trees[tree], long);
  const perIter = { old: [] as number[], new: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    for (const tree of r % 2 === 0 ? ["old", "new"] as const : ["new", "old"] as const) {
      const a = await time(trees[tree], short), b = await time(trees[tree], long);
      perIter[tree].push((b - a) / (long - short));
    }
  }
  console.log(JSON.stringify(perIter));
}

/** The process's CPU time (user + system, every thread's) or the wall clock, in ms. */
function now(clock: string): number {
  if (clock !== "cpu") return performance.now();
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Runs this script as a child with `args` under the chosen runtime and returns its last line, parsed. */
function runChild(args: string[]): unknown {
  const script = fileURLToPath(import.meta.url);
  const command = values.runtime === "bun"
    ? [join(ROOT, "node_modules/.bin/bun"), [script, ...args]]
    : [join(ROOT, "node_modules/.bin/deno"), ["run", "-A", script, ...args]];
  const out = execFileSync(command[0] as string, command[1] as string[], { encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").pop()!);
}

function measure(tree: string, workload: string, solver: string): number {
  const args = [
    ...["--child", tree, "--workload", workload, "--solver", solver],
    ...["--threads", values.threads!, "--clock", values.clock!],
  ];
  return (runChild(args) as { msPerIter: number }).msPerIter;
}

/** Both trees' ms per iteration over the rounds, measured in one child process. */
function measurePair(old: string, workload: string, solver: string): { old: number[]; new: number[] } {
  const args = [
    ...["--pair", old, "--workload", workload, "--solver", solver, "--rounds", values.rounds!],
    ...["--threads", values.threads!, "--clock", values.clock!],
  ];
  return runChild(args) as { old: number[]; new: number[] };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (values.child) {
  await child(values.child, values.workload!, values.solver as "mu" | "hals", Number(values.threads), values.clock!);
} else if (values.pair) {
  const trees = { old: values.pair, new: ROOT };
  const solver = values.solver as "mu" | "hals";
  await pairChild(trees, values.workload!, solver, Number(values.threads), values.clock!, Number(values.rounds));
} else {
  if (!values.old) throw new Error("--old /path/to/checkout is required");
  const old = resolve(values.old);
  console.log(
    `runtime ${values.runtime}, ${values.threads} threads, ${values.clock} clock, ${values.rounds} rounds, ` +
      `${values["same-process"] ? "both trees in one process" : "a process per fit"}, old ${old}, new ${ROOT}`,
  );
  for (const workload of values.workloads!.split(",")) {
    for (const solver of ["mu", "hals"]) {
      let times = { old: [] as number[], new: [] as number[] };
      if (values["same-process"]) times = measurePair(old, workload, solver);
      else {
        for (let r = 0; r < Number(values.rounds); r++) {
          times.old.push(measure(old, workload, solver));
          times.new.push(measure(ROOT, workload, solver));
        }
      }
      const [o, n] = [median(times.old), median(times.new)];
      console.log(
        `${workload.padEnd(9)} ${solver.padEnd(4)} old ${o.toFixed(3)} ms/it, new ${n.toFixed(3)} ms/it: new/old ${
          (n / o).toFixed(3)
        }  (old ${times.old.map((t) => t.toFixed(3)).join(" ")}; new ${times.new.map((t) => t.toFixed(3)).join(" ")})`,
      );
    }
  }
}

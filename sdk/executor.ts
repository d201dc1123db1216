/**
 * Runs plans: on the pool when there is one and the plan is worth waking it for (large plans
 * always, middle-sized ones when measured faster), otherwise on the calling thread. Both run the same calls with the same arguments (the pool decodes them
 * from memory, the calling thread alone runs the plan's closures), so the result does not
 * depend on which path ran or on the number of threads.
 *
 * @module
 */

import type { Core } from "./core.ts";
import type { Plan } from "./plan.ts";
import { cores, platform } from "./platform.ts";
import { Pool } from "./pool.ts";

/** Plans estimated at or above this many floating-point operations always run on the pool. */
export const PARALLEL_MIN_WORK = 2_000_000;

/**
 * Plans between this many floating-point operations and PARALLEL_MIN_WORK run the faster way,
 * as measured: the executor times them on the pool and on the calling thread and keeps the
 * faster, checking the other way again now and then (after RECHECK_FIRST runs, then ever less
 * often while the answer holds). Such a plan takes tens of microseconds; on the pool it wins
 * when a worker has a core to itself (the synthetic 4 × 100 × 100 product pass: 30 µs inline,
 * about 17 µs on 2 threads) and loses badly when the worker waits for one (0.1–3 ms measured
 * on this 2-core machine with its other core busy). Below this, plans always run on the
 * calling thread. Either way the result is the same, bit for bit.
 */
export const ADAPTIVE_MIN_WORK = 200_000;
const RECHECK_FIRST = 64;
const RECHECK_LAST = 4096;
/** Weight of the newest time in the running average of the faster way. */
const SMOOTHING = 0.25;

/** Times (ms) of one plan on the calling thread and on the pool, and when to check again. */
interface Timing {
  inline: number;
  pooled: number;
  runs: number;
  recheckAt: number;
  interval: number;
}

/** Runs plans on one thread or on a pool. */
export class Executor {
  readonly #core: Core;
  readonly #pool: Pool | undefined;

  constructor(core: Core, pool?: Pool) {
    this.#core = core;
    this.#pool = pool;
  }

  /** Threads plans may run on. */
  get threads(): number {
    return this.#pool?.threads ?? 1;
  }

  run(plan: Plan): void {
    const pool = this.#pool;
    if (!pool || plan.taskCount <= 1 || plan.work < ADAPTIVE_MIN_WORK) return this.#runInline(plan);
    if (plan.work >= PARALLEL_MIN_WORK) return pool.run(plan);
    let timing = this.#timings.get(plan);
    if (!timing) {
      timing = { inline: NaN, pooled: NaN, runs: 0, recheckAt: 3 + RECHECK_FIRST, interval: RECHECK_FIRST };
      this.#timings.set(plan, timing);
    }
    // The pool twice (the first run may wake sleeping workers: not timed), the calling thread
    // once; then the faster way, with the other way run twice in a row at each recheck (the
    // second run timed). A recheck that confirms the faster way doubles the interval to the
    // next (up to RECHECK_LAST runs: on a busy machine a recheck on the pool is slow); one
    // that flips it starts over at RECHECK_FIRST.
    const faster = timing.pooled <= timing.inline ? "pooled" : "inline";
    const other = faster === "pooled" ? "inline" : "pooled";
    let way: "pooled" | "inline" = faster;
    let timed = true;
    if (timing.runs < 3) {
      way = timing.runs < 2 ? "pooled" : "inline";
      timed = timing.runs !== 0;
    } else if (timing.runs === timing.recheckAt || timing.runs === timing.recheckAt + 1) {
      way = other;
      timed = timing.runs === timing.recheckAt + 1;
    }
    const start = performance.now();
    if (way === "pooled") pool.run(plan);
    else this.#runInline(plan);
    const elapsed = performance.now() - start;
    timing.runs++;
    if (!timed) return;
    if (way === faster && !Number.isNaN(timing[way])) {
      timing[way] += SMOOTHING * (elapsed - timing[way]);
      return;
    }
    timing[way] = elapsed;
    if (timing.runs < 3) return;
    const flipped = (timing.pooled <= timing.inline ? "pooled" : "inline") !== faster;
    timing.interval = flipped ? RECHECK_FIRST : Math.min(2 * timing.interval, RECHECK_LAST);
    timing.recheckAt = timing.runs + timing.interval;
  }

  readonly #timings = new WeakMap<Plan, Timing>();

  #runInline(plan: Plan): void {
    for (const call of plan.inline) {
      const value = call.run();
      if (call.result !== 0) this.#results()[call.result / 8] = value;
    }
  }

  #resultView: Float64Array | undefined;

  /** A float64 view of the whole memory, for scalar results (re-made after the memory grows). */
  #results(): Float64Array {
    const buffer = this.#core.memory.buffer;
    if (this.#resultView?.buffer !== buffer) this.#resultView = new Float64Array(buffer);
    return this.#resultView;
  }
}

let pool: Pool | undefined;
let poolThreads = 0;
let poolPromise: Promise<Pool | undefined> | undefined;

/**
 * An executor with `requested` threads (default: the machine's cores). The pool of workers is made once and kept (idle
 * workers sleep and do not keep the process alive); a different thread count replaces it. Where
 * the memory is not shared or the host has no workers, the executor runs on one thread.
 */
export async function executorFor(core: Core, requested: number | undefined): Promise<Executor> {
  const { workers, sharedMemory } = platform();
  const threads = requested ?? await cores();
  if (threads <= 1 || !core.shared || !sharedMemory || workers === null) return new Executor(core);
  if (poolThreads !== threads || !poolPromise) {
    poolThreads = threads;
    poolPromise = (async () => {
      pool?.terminate();
      pool = undefined;
      try {
        pool = await Pool.create(core, threads);
      } catch {
        pool = undefined;
      }
      return pool;
    })();
  }
  const ready = await poolPromise;
  return new Executor(core, ready);
}

/** Stops the pool's workers, if any (they are unref'ed, so this is only needed to free them early). */
export function stopThreads(): void {
  pool?.terminate();
  pool = undefined;
  poolThreads = 0;
  poolPromise = undefined;
}

/**
 * Runs plans: on the pool when there is one and the plan is worth waking it for, otherwise on
 * the calling thread. Both run the same calls with the same arguments (the pool decodes them
 * from memory, the calling thread alone runs the plan's closures), so the result does not
 * depend on which path ran or on the number of threads.
 *
 * @module
 */

import type { Core } from "../runtime/core.ts";
import type { Plan } from "./plan.ts";
import { cores, platform } from "../runtime/platform.ts";
import { Pool } from "./pool.ts";
import { PARALLEL_MIN_WORK } from "../tuning.ts";

/** Runs plans on one thread or on a pool. */
export class Executor {
  readonly #core: Core;
  #pool: Pool | undefined;

  constructor(core: Core, pool?: Pool) {
    this.#core = core;
    this.#pool = pool;
  }

  /** Threads plans may run on (until `close()`). */
  get threads(): number {
    return this.#pool?.threads ?? 1;
  }

  /** The pool plans run on, if any (tests reach its workers through it). */
  get pool(): Pool | undefined {
    return this.#pool;
  }

  /** Gives the pool back (the executor runs plans on the calling thread afterwards). */
  close(): void {
    this.#pool?.release();
    this.#pool = undefined;
  }

  run(plan: Plan): void {
    if (this.#pool && plan.taskCount > 1 && plan.work >= PARALLEL_MIN_WORK) {
      this.#pool.run(plan);
      return;
    }
    for (const call of plan.inline) {
      const value = call.run();
      if (call.result !== 0) this.#core.heap.f64Memory()[call.result / 8] = value;
    }
  }
}

/** The pool new executors share, with the core and thread count it was made for. */
let current: { core: Core; threads: number; pool: Promise<Pool | undefined> } | undefined;

/**
 * An executor with `requested` threads (default: the machine's cores); `close()` it when done.
 * The pool of workers is made once and kept (idle workers sleep and do not keep the process
 * alive); a different thread count replaces it, and the old pool's workers stop when the last
 * executor using them is closed. A pool that lost a worker retires itself: the next call starts
 * a new one. Where the memory is not shared, the host has no workers or the
 * workers fail to start, the executor runs on one thread.
 */
export async function executorFor(core: Core, requested: number | undefined): Promise<Executor> {
  const { workers, sharedMemory } = platform();
  const threads = requested ?? await cores();
  if (threads <= 1 || !core.shared || !sharedMemory || workers === null) return new Executor(core);
  for (;;) {
    if (current?.core !== core || current.threads !== threads) {
      const previous = current;
      current = { core, threads, pool: Pool.create(core, threads).catch(() => undefined) };
      previous?.pool.then((pool) => pool?.retire());
    }
    const entry = current;
    const pool = await entry.pool;
    if (!pool) return new Executor(core);
    if (pool.acquire()) return new Executor(core, pool);
    // Retired: another call replaced it while we waited (take the new one), or it lost a worker
    // and retired itself (start a new one).
    if (current === entry) current = undefined;
  }
}

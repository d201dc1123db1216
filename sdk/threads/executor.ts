/**
 * Runs plans: on the core's pool when the executor has threads and the plan is worth waking
 * workers for, otherwise on the calling thread. Both run the same calls with the same arguments
 * (the pool decodes them from memory, the calling thread alone runs the plan's closures), so the
 * result does not depend on which path ran or on the number of threads.
 *
 * The pool is asked for when the first plan worth threads comes (a fit too small for threads
 * never starts one) and its workers join as they become ready: until then, and whenever they
 * are fewer than asked for, plans run on the threads that are there, the calling one at least.
 *
 * @module
 */

import type { Core } from "../runtime/core.ts";
import { encodeProgram, type Plan, type Program, runHere } from "./plan.ts";
import { cores, platform } from "../runtime/platform.ts";
import { hostSpawner, Pool, type Spawner } from "./pool.ts";
import { PARALLEL_MIN_WORK } from "../tuning.ts";

/** Runs plans on one thread or on the core's pool. */
export class Executor {
  readonly #core: Core;
  readonly #threads: number;
  readonly #spawner: Spawner | undefined;
  /** The pool, once asked for and acquired. */
  #pool: Pool | undefined;
  #closed = false;
  /** Set when the pool could not be had: plans run on the calling thread. */
  #alone = false;

  /**
   * `threads` > 1 needs the host's `spawner` (see {@link executorFor}); without it the executor
   * runs plans on the calling thread.
   */
  constructor(core: Core, threads = 1, spawner?: Spawner) {
    this.#core = core;
    this.#threads = spawner ? threads : 1;
    this.#spawner = spawner;
  }

  /** Threads plans may run on (1 once the pool could not be had). */
  get threads(): number {
    return this.#alone ? 1 : this.#threads;
  }

  /** The pool plans run on, if it was asked for (tests reach its workers through it). */
  get pool(): Pool | undefined {
    return this.#pool;
  }

  /**
   * Asks for the pool now instead of at the first plan worth threads (its workers start; `await
   * pool.ready()` to wait for them). Undefined when the executor runs on the calling thread.
   */
  start(): Pool | undefined {
    return this.#acquire();
  }

  /**
   * Asks for the pool now if plans of `flops` will come (as {@link run} would for the first of
   * them): a fit that knows the size of its products lets the workers start while it loads.
   */
  expect(flops: number): void {
    if (this.#threads > 1 && flops >= PARALLEL_MIN_WORK) this.#acquire();
  }

  /** Gives the pool back (the executor runs plans on the calling thread afterwards). */
  close(): void {
    this.#closed = true;
    this.#pool?.release();
    this.#pool = undefined;
  }

  run(plan: Plan): void {
    if (this.#threads > 1 && plan.taskCount > 1 && plan.work >= PARALLEL_MIN_WORK) {
      const pool = this.#pool ?? this.#acquire();
      if (pool) {
        pool.run(plan, this.#threads);
        return;
      }
    }
    runHere(this.#core, plan);
  }

  /** The core's pool, grown to this executor's threads and acquired (undefined: run alone). */
  #acquire(): Pool | undefined {
    if (this.#pool || this.#closed || this.#alone || !this.#spawner) return this.#pool;
    this.#pool = poolFor(this.#core, this.#threads, this.#spawner);
    if (!this.#pool) this.#alone = true;
    return this.#pool;
  }
}

/** The pool of each core, shared by its executors (replaced only when it lost a worker). */
const pools = new WeakMap<Core, Pool>();

/**
 * The core's pool, acquired, with workers started for `threads` (those that cannot start are
 * left out: the pool keeps what it has); undefined when no worker can be had at all.
 */
function poolFor(core: Core, threads: number, spawner: Spawner): Pool | undefined {
  let pool = pools.get(core);
  if (!pool || pool.retired) {
    pool = Pool.open(core, spawner);
    pools.set(core, pool);
  }
  try {
    pool.grow(threads);
  } catch {
    // A host that cannot make (more) workers: run on those there are.
  }
  if (pool.threads === 1 || !pool.acquire()) return undefined;
  return pool;
}

/**
 * An executor with `requested` threads (default: the machine's cores); `close()` it when done.
 * The core's pool of workers is made when a plan first needs it, grows to the most threads asked
 * for, and is kept (idle workers sleep and do not keep the process alive); each executor runs
 * its plans on its own number of threads. A pool that lost a worker retires itself: the next
 * executor that needs one starts a new one. Where the memory is not shared or the host has no
 * workers, the executor runs on one thread.
 */
export async function executorFor(core: Core, requested: number | undefined): Promise<Executor> {
  const threads = requested ?? await cores();
  if (threads <= 1) return new Executor(core);
  return new Executor(core, threads, await spawnerFor(core));
}

/** This host's spawner, resolved once (undefined: workers cannot be made here). */
let spawner: Promise<Spawner | undefined> | undefined;

/**
 * The spawner of workers that run kernels on `core`'s memory; undefined where they cannot (the
 * memory is not shared, or the host has no workers).
 */
async function spawnerFor(core: Core): Promise<Spawner | undefined> {
  const { workers, sharedMemory } = platform();
  if (!core.shared || !sharedMemory || workers === null) return undefined;
  spawner ??= hostSpawner().catch(() => undefined);
  return await spawner;
}

/**
 * An executor of lanes: the plans of its fit run on the calling thread, and its iterations, all
 * at once, on whichever worker of its {@link Lanes} is free first, while the calling thread goes
 * on with other work (another fit's setup, say). The same calls in the same order as on one
 * thread: the same bits, whichever worker runs them.
 */
export class LaneExecutor extends Executor {
  readonly #core: Core;
  readonly #lanes: Lanes;

  constructor(core: Core, lanes: Lanes) {
    super(core);
    this.#core = core;
    this.#lanes = lanes;
  }

  /**
   * Runs `plans` in order, `repeats` times, on a free lane's worker; resolves when done.
   * @throws the signal's reason when it aborted first (the worker stops between repetitions)
   */
  async runRepeated(plans: readonly Plan[], repeats: number, signal?: AbortSignal): Promise<void> {
    const program = encodeProgram(this.#core, plans, repeats);
    try {
      await this.#lanes.run(program, signal);
    } finally {
      this.#core.heap.release(program.address);
    }
  }
}

/**
 * Lanes: a pool of their own whose workers each run one fit's iterations at a time, for running
 * independent fits side by side (effects()' refits), each on one thread. On two cores two such
 * fits take less machine time than the same fits one after the other on two threads each: no
 * hand-over between threads at every plan, no thread waiting for another's last task
 * (bench/README.md, "Refits side by side"). A fit that comes to its iterations while every
 * worker is busy waits for the first one free: with one fit more in flight than workers, the
 * next fit's setup on the calling thread overlaps the others' iterations.
 */
export class Lanes {
  readonly #core: Core;
  readonly #pool: Pool;
  /** Workers. */
  readonly count: number;
  /** Workers not running a program now. */
  readonly #free: number[];
  /** Runs waiting for a free worker, first come first served. */
  readonly #waiting: ((worker: number) => void)[] = [];

  private constructor(core: Core, pool: Pool, count: number) {
    this.#core = core;
    this.#pool = pool;
    this.count = count;
    this.#free = Array.from({ length: count }, (_, i) => i);
  }

  /**
   * `count` lanes on the core's memory, once their workers are ready; undefined where workers
   * cannot be had (the memory is not shared, the host has none, or one failed to start): the
   * caller then runs its fits one after the other.
   */
  static async open(core: Core, count: number): Promise<Lanes | undefined> {
    const spawn = count < 2 ? undefined : await spawnerFor(core);
    if (!spawn) return undefined;
    const pool = Pool.open(core, spawn);
    try {
      pool.grow(count + 1);
      await pool.ready(count + 1);
    } catch {
      pool.retire();
      return undefined;
    }
    return new Lanes(core, pool, count);
  }

  /** An executor whose fits run their iterations on these lanes. */
  executor(): LaneExecutor {
    return new LaneExecutor(this.#core, this);
  }

  /**
   * Runs `program` on the first free worker (waiting for one if none is), then frees it.
   * @throws as {@link Pool.runProgram}
   */
  async run(program: Program, signal?: AbortSignal): Promise<void> {
    const worker = this.#free.pop() ?? await new Promise<number>((resolve) => this.#waiting.push(resolve));
    try {
      await this.#pool.runProgram(worker, program, signal);
    } finally {
      const next = this.#waiting.shift();
      if (next) next(worker);
      else this.#free.push(worker);
    }
  }

  /** Stops the lanes' workers (once no program runs on them). */
  close(): void {
    this.#pool.retire();
  }
}

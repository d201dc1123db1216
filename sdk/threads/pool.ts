/**
 * The thread pool: workers that instantiate the core's module on the same shared memory and run
 * the tasks of plans on it. No matrix is copied to a worker; a plan names pointers.
 *
 * Synchronization is through an int32 control block in the shared memory (its layout:
 * {@link controlLayout}): the calling thread writes the plan, bumps the generation and notifies;
 * every thread (the caller included) claims tasks with an atomic counter; the caller then waits
 * until every worker has parked again, so the next plan never races a late worker. Workers wait
 * with `Atomics.wait`. Workers are unref'ed: an idle pool does not keep the process alive. A pool
 * replaced by one with another thread count is retired: its workers stop when the last executor
 * using it is closed.
 *
 * Failures: a kernel that traps, or a thread that cannot read the plan, fails the plan with an
 * error once every thread has left it, and the pool goes on. A worker that disappears
 * (terminated, out of memory, its thread killed) cannot say so, and the host's events cannot
 * reach a caller blocked in {@link Pool.run}: the caller watches the workers' signs of life
 * instead (every worker bumps its word when it takes up a plan and before each kernel call). A
 * worker that has not parked and shows none for {@link silenceBound} fails the plan; the pool then
 * stops its workers and retires, and the next executor gets a new pool.
 *
 * @module
 */

import type { Core } from "../runtime/core.ts";
import { KERNEL_NAMES } from "../runtime/kernels.ts";
import { nodeWorkerThreads } from "../runtime/host_apis.ts";
import { CALL_WORDS, type Plan } from "./plan.ts";
import { platform } from "../runtime/platform.ts";
import { type ControlLayout, drainTasks, workerMain, type WorkerStart } from "./worker_code.ts";

interface AnyWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
  unref?(): void;
  on?(event: string, listener: (message: unknown) => void): void;
  onmessage?: ((event: { data: unknown }) => void) | null;
  onerror?: ((event: unknown) => void) | null;
}

const NODE_SOURCE = `const { parentPort } = require("node:worker_threads");
(${workerMain})(parentPort, ${drainTasks});`;
const WEB_SOURCE = `(${workerMain})(self, ${drainTasks});`;

async function spawn(kind: "web" | "node"): Promise<AnyWorker> {
  if (kind === "node") {
    const { Worker } = await nodeWorkerThreads();
    return new Worker(NODE_SOURCE, { eval: true }) as unknown as AnyWorker;
  }
  const url = URL.createObjectURL(new Blob([WEB_SOURCE], { type: "text/javascript" }));
  const WebWorker = (globalThis as unknown as { Worker: new (url: string, options: object) => AnyWorker }).Worker;
  return new WebWorker(url, { type: "module" });
}

function firstMessage(worker: AnyWorker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    if (worker.on) {
      worker.on("message", resolve);
      worker.on("error", reject);
    } else {
      worker.onmessage = (event) => resolve(event.data);
      worker.onerror = reject;
    }
  });
}

/** The control block of a pool of `workers` workers (see {@link ControlLayout}). */
export function controlLayout(workers: number): ControlLayout {
  const line = 16;
  return {
    callWords: CALL_WORDS,
    generation: 0,
    next: 1,
    count: 2,
    stop: 3,
    calls: 4,
    tasks: 5,
    parked: 6,
    failed: 7,
    leave: 8,
    workers: line,
    workerStride: line,
    beat: 0,
    parkedAt: 1,
    words: line * (1 + workers),
    failedOutsideCall: -1,
  };
}

/** How long a stopping pool waits for the workers to acknowledge the stop. */
const STOP_GRACE_MS = 1000;

/**
 * The least silence (no sign of life from a worker that has not parked) that counts as a lost
 * worker. A live worker shows one within a thread wake-up of a new plan (microseconds; tens of
 * milliseconds on a loaded machine) and then before each call; 2 s is far beyond either, and
 * short enough that a lost worker fails a fit instead of freezing it.
 */
export const MIN_SILENCE_MS = 2000;

/**
 * A rate no kernel call falls below, in floating-point operations per millisecond (100 Mflop/s):
 * the kernels run at 1–10 Gflop/s on one thread (bench/README.md), subnormal-heavy and scalar
 * builds included, so a call whose plan estimates `work` flops ends within work / this rate.
 */
const SLOWEST_FLOPS_PER_MS = 100_000;

/**
 * How long a worker that has not parked may show no sign of life during `plan` before it counts
 * as lost: {@link MIN_SILENCE_MS} (or a pool's own minimum), or longer for plans whose work
 * could keep one kernel call busy longer at the slowest rate a kernel runs.
 */
export function silenceBound(plan: Plan, minimumMs = MIN_SILENCE_MS): number {
  return Math.max(minimumMs, plan.work / SLOWEST_FLOPS_PER_MS);
}

/**
 * A gap between two looks at the workers longer than this means the calling thread itself did
 * not run (the process was suspended, the machine slept): the silence measured across it is not
 * the workers' doing, so it restarts.
 */
const SUSPENDED_MS = 500;

/** Whether `Atomics.wait` is allowed on this thread (not on a browser's main thread). */
const canBlock = (() => {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
})();

/** Options of {@link Pool.create}. */
export interface PoolOptions {
  /** The least silence that counts as a lost worker (default {@link MIN_SILENCE_MS}; tests shorten it). */
  minSilenceMs?: number;
}

/** Workers on the core's shared memory. */
export class Pool {
  readonly #core: Core;
  readonly #workers: AnyWorker[];
  readonly #layout: ControlLayout;
  readonly #controlPtr: number;
  readonly #kernels: ((...args: number[]) => number)[];
  readonly #minSilenceMs: number;

  private constructor(core: Core, workers: AnyWorker[], controlPtr: number, minSilenceMs: number) {
    this.#core = core;
    this.#workers = workers;
    this.#controlPtr = controlPtr;
    this.#layout = controlLayout(workers.length);
    this.#kernels = KERNEL_NAMES.map((name) => core.kernels[name] as (...args: number[]) => number);
    this.#minSilenceMs = minSilenceMs;
  }

  /** Threads that run a plan: the workers and the calling thread. */
  get threads(): number {
    return this.#workers.length + 1;
  }

  /** Executors using the pool now. */
  #users = 0;
  /** Set by `retire()`: no new users; the workers stop when the last one leaves. */
  #retired = false;
  #stopped = false;

  /**
   * Counts one more user (an executor of a fit or transform in progress).
   * @returns false when the pool is retired (or lost a worker): take another.
   */
  acquire(): boolean {
    if (this.#retired) return false;
    this.#users++;
    return true;
  }

  /** Counts a user out; the last one out of a retired pool stops its workers. */
  release(): void {
    this.#users--;
    if (this.#retired && this.#users === 0) this.#stop();
  }

  /**
   * Takes no more users and stops the workers once the current ones are done: a fit that yields
   * to the event loop while another fit replaces the pool keeps its workers to the end.
   */
  retire(): void {
    this.#retired = true;
    if (this.#users === 0) this.#stop();
  }

  /**
   * Starts `threads − 1` workers on the core's memory.
   * @throws {Error} when the memory is not shared or the host has no workers.
   */
  static async create(core: Core, threads: number, options: PoolOptions = {}): Promise<Pool> {
    const kind = platform().workers;
    if (!core.shared || kind === null) throw new Error("Cannot start threads: no shared memory or no workers here");
    const layout = controlLayout(threads - 1);
    const controlPtr = core.heap.alloc(layout.words * 4);
    core.heap.i32(controlPtr, layout.words).fill(0);
    const workers: AnyWorker[] = [];
    try {
      for (let i = 1; i < threads; i++) workers.push(await spawn(kind));
      await Promise.all(workers.map((worker, index) => {
        const ready = firstMessage(worker);
        const start: WorkerStart = {
          module: core.module,
          memory: core.memory,
          control: controlPtr,
          layout,
          index,
          names: KERNEL_NAMES,
        };
        worker.postMessage(start);
        return ready;
      }));
    } catch (error) {
      workers.forEach((worker) => worker.terminate());
      core.heap.release(controlPtr);
      throw error;
    }
    workers.forEach((worker) => worker.unref?.());
    return new Pool(core, workers, controlPtr, options.minSilenceMs ?? MIN_SILENCE_MS);
  }

  #view: Int32Array | undefined;

  /** The control block, viewed on the memory's current buffer (the view is kept until it grows). */
  #control(): Int32Array {
    const buffer = this.#core.memory.buffer;
    if (this.#view?.buffer !== buffer) this.#view = new Int32Array(buffer, this.#controlPtr, this.#layout.words);
    return this.#view;
  }

  /**
   * Runs a plan on every thread; returns when all of its tasks are done.
   * @throws {Error} when a kernel trapped or a thread could not read the plan (the pool goes on),
   *   or when a worker was lost (the pool is stopped and retired; the next executor gets a new one).
   */
  run(plan: Plan): void {
    if (this.#stopped) throw new Error("Cannot run a plan: the thread pool was stopped");
    const layout = this.#layout;
    const ctl = this.#control();
    // Addresses go in as int32 bits (a pointer past 2³¹ wraps) and come out unsigned (>>> 0).
    ctl[layout.calls] = plan.calls;
    ctl[layout.tasks] = plan.tasks;
    ctl[layout.count] = plan.taskCount;
    Atomics.store(ctl, layout.next, 0);
    Atomics.store(ctl, layout.parked, 0);
    Atomics.store(ctl, layout.failed, 0);
    const generation = (Atomics.add(ctl, layout.generation, 1) + 1) | 0;
    Atomics.notify(ctl, layout.generation);
    try {
      drainTasks(this.#kernels, this.#core.memory, this.#controlPtr, layout, -1);
    } catch {
      Atomics.compareExchange(ctl, layout.failed, 0, layout.failedOutsideCall);
    }
    const bound = silenceBound(plan, this.#minSilenceMs);
    const lost = this.#awaitWorkers(ctl, generation, bound);
    if (lost.length > 0) {
      this.#abandon();
      throw new Error(
        `Cannot run a plan: worker thread ${lost[0] + 1} of ${this.#workers.length} stopped responding (no sign of ` +
          `life for ${Math.round(bound)} ms: terminated, out of memory or killed); the thread pool was stopped`,
      );
    }
    const failed = Atomics.load(ctl, layout.failed);
    if (failed === layout.failedOutsideCall) {
      throw new Error("Cannot run a plan: a thread could not read it from memory; the plan did not run");
    }
    if (failed !== 0) {
      const opcode = this.#core.heap.f64(plan.calls + (failed - 1) * CALL_WORDS * 8, 1)[0];
      throw new Error(
        `Cannot run a plan: the kernel ${KERNEL_NAMES[opcode]} failed (a WebAssembly trap); the plan did not finish`,
      );
    }
  }

  /**
   * Waits until every worker has parked after `generation`, or has shown no sign of life for
   * `bound` ms without parking (lost). Returns the lost workers' indices (none: all parked).
   * When one is lost, the plan is marked failed so that the others skip its remaining calls.
   */
  #awaitWorkers(ctl: Int32Array, generation: number, bound: number): number[] {
    const layout = this.#layout;
    const workers = this.#workers.length;
    const spinUntil = performance.now() + 0.05;
    let watch: Silence | undefined;
    for (;;) {
      const parked = Atomics.load(ctl, layout.parked);
      if (parked >= workers) return [];
      // Spin briefly (the other threads usually finish within the plan's last task), then,
      // where this thread may block (not a browser's main thread), sleep until a worker parks:
      // on a busy machine a spinning caller would take the core the workers need.
      const now = performance.now();
      if (now < spinUntil) continue;
      watch ??= new Silence(ctl, layout, workers, now);
      const lost = watch.lost(ctl, generation, now, bound);
      if (lost.length > 0) {
        Atomics.compareExchange(ctl, layout.failed, 0, layout.failedOutsideCall);
        if (watch.settled(ctl, generation, lost)) return lost;
      }
      if (canBlock) Atomics.wait(ctl, layout.parked, parked, 1);
    }
  }

  /**
   * Gives up on a pool that lost a worker: no new users; the other workers told to stop (hosts
   * whose `terminate()` does not stop a worker running JavaScript rely on it) and terminated. The
   * control block stays allocated: a worker counted lost may still be running and touch it.
   */
  #abandon(): void {
    this.#retired = true;
    this.#stopped = true;
    const ctl = this.#control();
    Atomics.store(ctl, this.#layout.stop, 1);
    Atomics.add(ctl, this.#layout.generation, 1);
    Atomics.notify(ctl, this.#layout.generation);
    this.#workers.forEach((worker) => worker.terminate());
  }

  /**
   * Test hook: ends worker `index` as a thread that dies would end (no stop, no word to the pool:
   * the pool is left to find out by itself) and resolves once it is gone (worker_threads: when
   * `terminate()` settles; web workers give no signal: after 200 ms). `terminate()` does it on
   * Node and Bun; Deno's does not stop a worker running JavaScript (one blocked in
   * `Atomics.wait` included), so the worker is also told to leave its loop when it next wakes,
   * as it is dead from the pool's point of view.
   */
  async terminateWorker(index: number): Promise<void> {
    Atomics.store(this.#control(), this.#layout.leave, index + 1);
    const settled = this.#workers[index].terminate();
    if (settled instanceof Promise) await settled;
    else await new Promise((resolve) => setTimeout(resolve, 200));
  }

  /**
   * Stops the workers and releases the control block once every worker has left its loop.
   *
   * `worker.terminate()` is asynchronous: a worker it has not reached yet still reads the block.
   * Were the block released at once, the next pool would be given the same bytes and zero them,
   * and such a worker would take the zeroed stop flag for "go on" and join the new pool's plans,
   * claiming tasks it may be terminated in the middle of (a plan that never finishes). So the
   * workers first acknowledge the stop; a block whose workers do not all answer within
   * {@link STOP_GRACE_MS} is left allocated rather than reused.
   */
  #stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    const layout = this.#layout;
    const ctl = this.#control();
    const workers = this.#workers.length;
    Atomics.store(ctl, layout.parked, 0);
    Atomics.store(ctl, layout.stop, 1);
    Atomics.add(ctl, layout.generation, 1);
    Atomics.notify(ctl, layout.generation);
    const deadline = performance.now() + STOP_GRACE_MS;
    let left = Atomics.load(ctl, layout.parked);
    while (left < workers && performance.now() < deadline) {
      if (canBlock) Atomics.wait(ctl, layout.parked, left, 1);
      left = Atomics.load(ctl, layout.parked);
    }
    this.#workers.forEach((worker) => worker.terminate());
    if (left >= workers) this.#core.heap.release(this.#controlPtr);
  }
}

/**
 * The workers' silence during one plan, as {@link Pool.run}'s wait sees it: for each worker, when
 * its sign-of-life word last changed.
 */
class Silence {
  readonly #layout: ControlLayout;
  /** Each worker's beat when it last changed, and when that was. */
  readonly #beats: Int32Array;
  readonly #since: Float64Array;
  #lastLook: number;

  constructor(ctl: Int32Array, layout: ControlLayout, workers: number, now: number) {
    this.#layout = layout;
    this.#beats = Int32Array.from({ length: workers }, (_, i) => Atomics.load(ctl, this.#word(i, layout.beat)));
    this.#since = new Float64Array(workers).fill(now);
    this.#lastLook = now;
  }

  /** Index of word `offset` of worker `i`'s own words. */
  #word(i: number, offset: number): number {
    return this.#layout.workers + i * this.#layout.workerStride + offset;
  }

  /** Workers that have not parked after `generation` and whose word has not moved for `bound` ms. */
  lost(ctl: Int32Array, generation: number, now: number, bound: number): number[] {
    if (now - this.#lastLook > SUSPENDED_MS) this.#since.fill(now);
    this.#lastLook = now;
    const lost: number[] = [];
    for (let i = 0; i < this.#beats.length; i++) {
      if (Atomics.load(ctl, this.#word(i, this.#layout.parkedAt)) === generation) continue;
      const beat = Atomics.load(ctl, this.#word(i, this.#layout.beat));
      if (beat !== this.#beats[i]) {
        this.#beats[i] = beat;
        this.#since[i] = now;
      } else if (now - this.#since[i] > bound) lost.push(i);
    }
    return lost;
  }

  /** Whether every worker but the lost ones has parked after `generation`. */
  settled(ctl: Int32Array, generation: number, lost: number[]): boolean {
    for (let i = 0; i < this.#beats.length; i++) {
      if (!lost.includes(i) && Atomics.load(ctl, this.#word(i, this.#layout.parkedAt)) !== generation) return false;
    }
    return true;
  }
}

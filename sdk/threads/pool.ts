/**
 * The thread pool: workers that instantiate the core's module on the same shared memory and run
 * the tasks of plans on it. No matrix is copied to a worker; a plan names pointers.
 *
 * Synchronization is through an int32 control block in the shared memory (its layout:
 * {@link CONTROL}, passed to the workers' code): the calling thread
 * writes the plan, bumps the generation and notifies; every thread (the caller included) claims
 * tasks with an atomic counter; the caller spins until every task is done and every worker has
 * parked again, so the next plan never races a late worker. Workers wait with `Atomics.wait`.
 * Workers are unref'ed: an idle pool does not keep the process alive. A pool replaced by one with
 * another thread count is retired: its workers stop when the last executor using it is closed.
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

/** The pool's control block: int32 words in wasm memory (see {@link ControlLayout}). */
export const CONTROL: ControlLayout = {
  callWords: CALL_WORDS,
  generation: 0,
  next: 1,
  done: 2,
  count: 3,
  stop: 4,
  calls: 5,
  tasks: 6,
  parked: 7,
  failed: 8,
  words: 9,
};

/** How long a stopping pool waits for the workers to acknowledge the stop. */
const STOP_GRACE_MS = 1000;

/** Whether `Atomics.wait` is allowed on this thread (not on a browser's main thread). */
const canBlock = (() => {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
})();

/** Workers on the core's shared memory. */
export class Pool {
  readonly #core: Core;
  readonly #workers: AnyWorker[];
  readonly #control: Int32Array;
  readonly #controlPtr: number;
  readonly #kernels: ((...args: number[]) => number)[];

  private constructor(core: Core, workers: AnyWorker[], controlPtr: number) {
    this.#core = core;
    this.#workers = workers;
    this.#controlPtr = controlPtr;
    this.#control = core.heap.i32(controlPtr, CONTROL.words);
    this.#kernels = KERNEL_NAMES.map((name) => core.kernels[name] as (...args: number[]) => number);
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
   * @returns false when the pool is retired: take another.
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
  static async create(core: Core, threads: number): Promise<Pool> {
    const kind = platform().workers;
    if (!core.shared || kind === null) throw new Error("Cannot start threads: no shared memory or no workers here");
    const controlPtr = core.heap.alloc(CONTROL.words * 4);
    core.heap.i32(controlPtr, CONTROL.words).fill(0);
    const workers: AnyWorker[] = [];
    try {
      for (let i = 1; i < threads; i++) workers.push(await spawn(kind));
      await Promise.all(workers.map((worker) => {
        const ready = firstMessage(worker);
        const start: WorkerStart = {
          module: core.module,
          memory: core.memory,
          control: controlPtr,
          layout: CONTROL,
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
    return new Pool(core, workers, controlPtr);
  }

  /** Runs a plan on every thread; returns when all of its tasks are done. */
  run(plan: Plan): void {
    if (this.#stopped) throw new Error("Cannot run a plan: the thread pool was stopped");
    const ctl = this.#control.buffer === this.#core.memory.buffer
      ? this.#control
      : new Int32Array(this.#core.memory.buffer, this.#controlPtr, CONTROL.words);
    // Addresses go in as int32 bits (a pointer past 2³¹ wraps) and come out unsigned (>>> 0).
    ctl[CONTROL.calls] = plan.calls;
    ctl[CONTROL.tasks] = plan.tasks;
    ctl[CONTROL.count] = plan.taskCount;
    Atomics.store(ctl, CONTROL.next, 0);
    Atomics.store(ctl, CONTROL.done, 0);
    Atomics.store(ctl, CONTROL.parked, 0);
    Atomics.store(ctl, CONTROL.failed, 0);
    Atomics.add(ctl, CONTROL.generation, 1);
    Atomics.notify(ctl, CONTROL.generation);
    drainTasks(this.#kernels, this.#core.memory, this.#controlPtr, CONTROL);
    const workers = this.#workers.length;
    const spinUntil = performance.now() + 0.05;
    for (;;) {
      const parked = Atomics.load(ctl, CONTROL.parked);
      if (parked >= workers && Atomics.load(ctl, CONTROL.done) >= plan.taskCount) break;
      // Spin briefly (the other threads usually finish within the plan's last task), then,
      // where this thread may block (not a browser's main thread), sleep until a worker parks:
      // on a busy machine a spinning caller would take the core the workers need.
      if (canBlock && performance.now() > spinUntil) Atomics.wait(ctl, CONTROL.parked, parked, 1);
    }
    const failed = Atomics.load(ctl, CONTROL.failed);
    if (failed !== 0) {
      const kernel = KERNEL_NAMES[this.#core.heap.f64(plan.calls + (failed - 1) * CALL_WORDS * 8, 1)[0]];
      throw new Error(`Cannot run a plan: the kernel ${kernel} failed (a WebAssembly trap); the plan did not finish`);
    }
  }

  /**
   * Stops the workers and releases the control block once every worker has left its loop.
   *
   * `worker.terminate()` is asynchronous: a worker it has not reached yet still reads the block.
   * Were the block released at once, the next pool would be given the same bytes and zero them,
   * and such a worker would take the zeroed stop flag for "go on" and join the new pool's plans,
   * claiming tasks it may be terminated in the middle of (a plan that never finishes). So the
   * workers first acknowledge the stop; a block whose workers do not all answer within
   * {@link STOP_GRACE_MS} is left allocated (CONTROL.words × 4 bytes) rather than reused.
   */
  #stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    const ctl = new Int32Array(this.#core.memory.buffer, this.#controlPtr, CONTROL.words);
    const workers = this.#workers.length;
    Atomics.store(ctl, CONTROL.parked, 0);
    Atomics.store(ctl, CONTROL.stop, 1);
    Atomics.add(ctl, CONTROL.generation, 1);
    Atomics.notify(ctl, CONTROL.generation);
    const deadline = performance.now() + STOP_GRACE_MS;
    let left = Atomics.load(ctl, CONTROL.parked);
    while (left < workers && performance.now() < deadline) {
      if (canBlock) Atomics.wait(ctl, CONTROL.parked, left, 1);
      left = Atomics.load(ctl, CONTROL.parked);
    }
    this.#workers.forEach((worker) => worker.terminate());
    if (left >= workers) this.#core.heap.release(this.#controlPtr);
  }
}

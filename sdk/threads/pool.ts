/**
 * The thread pool: workers that instantiate the core's module on the same shared memory and run
 * the tasks of plans on it. No matrix is copied to a worker; a plan names pointers.
 *
 * One pool serves a core: it starts without workers, grows to the most threads any executor asks
 * for ({@link Pool.grow}: synchronous, the workers join plans as they become ready, without the
 * event loop), and runs each plan on as many threads as its executor has (a plan for 2 threads
 * on a pool grown to 3 wakes one worker). Results do not depend on it: plans are the same for
 * every thread count.
 *
 * Synchronization is through an int32 control block in the shared memory (its layout:
 * {@link controlLayout}; the first pool of a core holds the block the module reserves below the
 * heap, `control_block()`, so it never splits the heap): the calling thread writes the plan,
 * sets the wake word of each worker it runs on and notifies it; every thread (the caller
 * included) claims tasks with an atomic counter; the caller then waits until every woken worker
 * has parked again, so the next plan never races a late worker. Workers wait with
 * `Atomics.wait` on their own wake word. Workers are unref'ed: an idle pool does not keep the
 * process alive.
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
import { callKernel } from "../generated/call_kernel.ts";
import { nodeWorkerThreads } from "../runtime/host_apis.ts";
import { CALL_WORDS, type Plan, type Program } from "./plan.ts";
import { platform } from "../runtime/platform.ts";
import { CALLER_SPIN_MS, WORKER_SPIN_MS } from "../tuning.ts";
import { type ControlLayout, drainTasks, runProgram, workerMain, type WorkerStart } from "./worker_code.ts";

interface AnyWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
  unref?(): void;
  ref?(): void;
  on?(event: string, listener: (message: unknown) => void): void;
  onmessage?: ((event: { data: unknown }) => void) | null;
  onerror?: ((event: unknown) => void) | null;
}

const NODE_SOURCE = `const { parentPort } = require("node:worker_threads");
(${workerMain})(parentPort, ${drainTasks}, ${runProgram}, ${callKernel});`;
const WEB_SOURCE = `(${workerMain})(self, ${drainTasks}, ${runProgram}, ${callKernel});`;

/** A worker's first message ("ready"), or its error. */
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

/** Makes one worker running the pool's code (synchronously: the host's constructor is at hand). */
export type Spawner = () => AnyWorker;

/**
 * The spawner of this host's workers (`node:worker_threads` is imported here, once).
 * @throws {Error} when the host has no workers.
 */
export async function hostSpawner(): Promise<Spawner> {
  const kind = platform().workers;
  if (kind === null) throw new Error("Cannot start threads: no workers here");
  if (kind === "node") {
    const { Worker } = await nodeWorkerThreads();
    return () => new Worker(NODE_SOURCE, { eval: true }) as unknown as AnyWorker;
  }
  const url = URL.createObjectURL(new Blob([WEB_SOURCE], { type: "text/javascript" }));
  const WebWorker = (globalThis as unknown as { Worker: new (url: string, options: object) => AnyWorker }).Worker;
  return () => new WebWorker(url, { type: "module" });
}

/** The most workers a pool has: a fit runs on at most 64 threads (the calling one and 63). */
export const MAX_WORKERS = 63;

/**
 * The control block of a pool (see {@link ControlLayout}): room for {@link MAX_WORKERS}, so a
 * pool grows in place. 16 int32 words (a cache line) for the shared words and per worker:
 * 4,096 bytes, what assembly/index.ts's control_block() reserves.
 */
export function controlLayout(): ControlLayout {
  const line = 16;
  return {
    callWords: CALL_WORDS,
    next: 1,
    count: 2,
    stop: 3,
    calls: 4,
    tasks: 5,
    parked: 6,
    failed: 7,
    leave: 8,
    pages: 9,
    workers: line,
    workerStride: line,
    wake: 0,
    ready: 1,
    beat: 2,
    parkedAt: 3,
    program: 4,
    cancel: 5,
    laneFailed: 6,
    laneDone: 7,
    words: line * (1 + MAX_WORKERS),
    failedOutsideCall: -1,
  };
}

/** Bytes of the control block (controlLayout().words int32). */
export const CONTROL_BYTES = controlLayout().words * 4;

/** Cores whose reserved control block a pool holds (a second pool on the core takes heap memory). */
const reservedHeld = new WeakSet<Core>();

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
export function silenceBound(plan: Pick<Plan, "work">, minimumMs = MIN_SILENCE_MS): number {
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

/** How long a caller awaiting a lane sleeps between looks at its worker's signs of life. */
const LANE_LOOK_MS = 100;

/** `Atomics.waitAsync`, where the host has it. */
const waitAsync = (Atomics as unknown as {
  waitAsync?: (
    array: Int32Array,
    index: number,
    value: number,
    timeout: number,
  ) => { async: boolean; value: Promise<unknown> | string };
}).waitAsync;

/**
 * Resolves once word `index` of `ctl` may differ from `value`, or after about `ms`: on the word
 * where the host has `Atomics.waitAsync`, else after a millisecond (a look every millisecond). A
 * timer runs meanwhile either way: a pending `waitAsync` does not keep a process alive, and the
 * worker it waits for may be gone.
 */
async function sleepOn(ctl: Int32Array, index: number, value: number, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const elapsed = new Promise<void>((resolve) => timer = setTimeout(resolve, waitAsync ? ms : 1));
  try {
    const result = waitAsync?.(ctl, index, value, ms);
    if (!result) await elapsed;
    else if (result.async) await Promise.race([result.value, elapsed]);
  } finally {
    clearTimeout(timer);
  }
}

/** Options of {@link Pool.open}. */
export interface PoolOptions {
  /** The least silence that counts as a lost worker (default {@link MIN_SILENCE_MS}; tests shorten it). */
  minSilenceMs?: number;
}

/** Workers on the core's shared memory. */
export class Pool {
  readonly #core: Core;
  readonly #spawn: Spawner;
  readonly #workers: AnyWorker[] = [];
  /** Each worker's first message ("ready"), or its error. */
  readonly #started: Promise<unknown>[] = [];
  readonly #layout = controlLayout();
  readonly #controlPtr: number;
  /** Whether the block is the core's reserved one (else it came from the heap). */
  readonly #reserved: boolean;
  readonly #minSilenceMs: number;
  /** The last generation a plan (or the stop) woke workers for. */
  #generation = 0;

  private constructor(core: Core, spawn: Spawner, minSilenceMs: number) {
    this.#core = core;
    this.#spawn = spawn;
    this.#reserved = !reservedHeld.has(core);
    if (this.#reserved) reservedHeld.add(core);
    this.#controlPtr = this.#reserved ? core.kernels.control_block() >>> 0 : core.heap.alloc(CONTROL_BYTES);
    core.heap.i32(this.#controlPtr, this.#layout.words).fill(0);
    this.#minSilenceMs = minSilenceMs;
  }

  /**
   * A pool without workers on the core's memory ({@link grow} adds them).
   * @throws {Error} when the memory is not shared.
   */
  static open(core: Core, spawn: Spawner, options: PoolOptions = {}): Pool {
    if (!core.shared) throw new Error("Cannot start threads: the memory is not shared");
    return new Pool(core, spawn, options.minSilenceMs ?? MIN_SILENCE_MS);
  }

  /**
   * A pool of `threads` threads on this host's workers, once every worker is ready.
   * @throws {Error} when the memory is not shared, the host has no workers or one fails to start.
   */
  static async create(core: Core, threads: number, options: PoolOptions = {}): Promise<Pool> {
    const pool = Pool.open(core, await hostSpawner(), options);
    try {
      pool.grow(threads);
      await pool.ready(threads);
    } catch (error) {
      pool.retire();
      throw error;
    }
    return pool;
  }

  /** Byte offset of the control block ({@link controlLayout}) in the core's memory (tests read its words). */
  get controlAddress(): number {
    return this.#controlPtr;
  }

  /** Threads the pool can run a plan on: its workers and the calling thread. */
  get threads(): number {
    return this.#workers.length + 1;
  }

  /**
   * Starts workers until the pool has `threads − 1` (at most {@link MAX_WORKERS}). Synchronous: a new worker joins plans once it is ready (its control word says so),
   * so the calling thread never waits for it.
   * @throws {Error} when a worker cannot be made (those made before stay).
   */
  grow(threads: number): void {
    if (this.#stopped) throw new Error("Cannot start threads: the thread pool was stopped");
    while (this.#workers.length < Math.min(threads - 1, MAX_WORKERS)) {
      const worker = this.#spawn();
      const start: WorkerStart = {
        module: this.#core.module,
        memory: this.#core.memory,
        control: this.#controlPtr,
        layout: this.#layout,
        index: this.#workers.length,
        spinMs: WORKER_SPIN_MS,
      };
      const started = firstMessage(worker);
      started.catch(() => {}); // a worker that fails to start is never woken; ready() reports it
      worker.postMessage(start);
      worker.unref?.();
      this.#workers.push(worker);
      this.#started.push(started);
    }
  }

  /**
   * Resolves once the workers a plan on `threads` threads wakes have started.
   * @throws {Error} when one of them failed to start.
   */
  async ready(threads: number = this.threads): Promise<void> {
    // Workers are unref'ed (an idle pool does not keep the process alive): while something waits
    // for them to start, they must.
    const workers = this.#workers.slice(0, threads - 1);
    workers.forEach((worker) => worker.ref?.());
    try {
      await Promise.all(this.#started.slice(0, threads - 1));
    } finally {
      workers.forEach((worker) => worker.unref?.());
    }
  }

  /** Workers of the first `count` that have started and wait for plans. */
  #readyAmong(ctl: Int32Array, count: number): number {
    let ready = 0;
    while (ready < count && Atomics.load(ctl, this.#word(ready, this.#layout.ready)) === 1) ready++;
    return ready;
  }

  /** Index of word `offset` of worker `i`'s own words. */
  #word(i: number, offset: number): number {
    return this.#layout.workers + i * this.#layout.workerStride + offset;
  }

  /** Executors using the pool now. */
  #users = 0;
  /** Set by `retire()`: no new users; the workers stop when the last one leaves. */
  #retired = false;
  #stopped = false;

  /** Whether the pool takes no new users (retired, or lost a worker). */
  get retired(): boolean {
    return this.#retired;
  }

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
   * to the event loop while the pool is retired keeps its workers to the end.
   */
  retire(): void {
    this.#retired = true;
    if (this.#users === 0) this.#stop();
  }

  #view: Int32Array | undefined;

  /** The control block, viewed on the memory's current buffer (the view is kept until it grows). */
  #control(): Int32Array {
    const buffer = this.#core.memory.buffer;
    if (this.#view?.buffer !== buffer) this.#view = new Int32Array(buffer, this.#controlPtr, this.#layout.words);
    return this.#view;
  }

  /**
   * Runs a plan on up to `threads` threads (the calling one and the first `threads − 1` workers
   * that are ready); returns when all of its tasks are done.
   * @throws {Error} when a kernel trapped or a thread could not read the plan (the pool goes on),
   *   or when a worker was lost (the pool is stopped and retired; the next executor gets a new one).
   */
  run(plan: Plan, threads: number = this.threads): void {
    if (this.#stopped) throw new Error("Cannot run a plan: the thread pool was stopped");
    const layout = this.#layout;
    const ctl = this.#control();
    const woken = this.#readyAmong(ctl, Math.min(threads - 1, this.#workers.length));
    // Addresses go in as int32 bits (a pointer past 2³¹ wraps) and come out unsigned (>>> 0).
    ctl[layout.calls] = plan.calls;
    ctl[layout.tasks] = plan.tasks;
    ctl[layout.count] = plan.taskCount;
    ctl[layout.pages] = this.#core.memory.buffer.byteLength / 65536;
    Atomics.store(ctl, layout.next, 0);
    Atomics.store(ctl, layout.parked, 0);
    Atomics.store(ctl, layout.failed, 0);
    const generation = this.#wake(ctl, woken);
    try {
      drainTasks(this.#core.kernels, callKernel, this.#core.memory, this.#controlPtr, layout, -1);
    } catch {
      Atomics.compareExchange(ctl, layout.failed, 0, layout.failedOutsideCall);
    }
    const bound = silenceBound(plan, this.#minSilenceMs);
    const lost = this.#awaitWorkers(ctl, generation, woken, bound);
    if (lost.length > 0) {
      this.#abandon();
      throw new Error(
        `Cannot run a plan: worker thread ${lost[0] + 1} of ${this.#workers.length} stopped responding (no sign of ` +
          `life for ${Math.round(bound)} ms: terminated, out of memory or killed); the thread pool was stopped`,
      );
    }
    this.#throwIfFailed(ctl, plan);
  }

  /**
   * Runs `program` alone on worker `index` (a lane: the calling thread goes on with other work)
   * and resolves when it has run to the end, or stopped before a repetition once `signal` aborted
   * (then rejects with the signal's reason). A pool that runs programs runs no shared plans: its
   * workers are its lanes, each running one program at a time.
   * @throws {Error} when a kernel trapped (the pool goes on), or the worker was lost (the pool is
   *   stopped and retired).
   */
  async runProgram(index: number, program: Program, signal?: AbortSignal): Promise<void> {
    if (this.#stopped) throw new Error("Cannot run a program: the thread pool was stopped");
    if (!(index >= 0 && index < this.#workers.length)) {
      throw new RangeError(`Cannot run a program: the pool has no worker ${index}`);
    }
    const ctl = this.#control();
    ctl[this.#word(index, this.#layout.program)] = program.address;
    ctl[this.#word(index, this.#layout.cancel)] = 0;
    ctl[this.#word(index, this.#layout.laneFailed)] = 0;
    const generation = this.#wake(ctl, 1, index);
    // Workers are unref'ed: while the caller awaits this one, it keeps the process alive.
    const worker = this.#workers[index];
    worker.ref?.();
    try {
      await this.#awaitLane(index, generation, silenceBound(program, this.#minSilenceMs), signal);
    } finally {
      worker.unref?.();
    }
    const control = this.#control();
    control[this.#word(index, this.#layout.program)] = 0;
    const failed = control[this.#word(index, this.#layout.laneFailed)];
    if (failed === this.#layout.failedOutsideCall) {
      throw new Error("Cannot run a program: its thread could not read it from memory");
    }
    if (failed !== 0) {
      throw new Error(`Cannot run a program: the kernel ${KERNEL_NAMES[failed - 1]} failed (a WebAssembly trap)`);
    }
    const done = control[this.#word(index, this.#layout.laneDone)];
    if (done < program.repeats) {
      signal?.throwIfAborted();
      // Stopped early without an abort: never a silent partial result.
      throw new Error(
        `Cannot run a program: worker thread ${index + 1} ran ${done} of its ${program.repeats} repetitions`,
      );
    }
  }

  /**
   * Waits, without blocking the calling thread, until worker `index` has parked after
   * `generation`: on its parked word where the host has `Atomics.waitAsync`, else by looking
   * every millisecond. Sets the worker's cancel word once `signal` aborts. A worker that shows no
   * sign of life for `bound` ms is lost: the pool is abandoned and this throws.
   */
  async #awaitLane(index: number, generation: number, bound: number, signal: AbortSignal | undefined): Promise<void> {
    const parkedWord = this.#word(index, this.#layout.parkedAt);
    const watch = new Silence(this.#control(), this.#layout, [index], performance.now());
    for (;;) {
      const ctl = this.#control();
      const parked = Atomics.load(ctl, parkedWord);
      if (parked === generation) return;
      if (signal?.aborted) Atomics.store(ctl, this.#word(index, this.#layout.cancel), 1);
      await sleepOn(ctl, parkedWord, parked, LANE_LOOK_MS);
      if (watch.lost(this.#control(), generation, performance.now(), bound).length > 0) {
        this.#abandon();
        throw new Error(
          `Cannot run a program: worker thread ${index + 1} of ${this.#workers.length} stopped responding (no sign ` +
            `of life for ${Math.round(bound)} ms: terminated, out of memory or killed); the thread pool was stopped`,
        );
      }
    }
  }

  /** Starts a new generation for `count` workers from worker `first` on (their wake words) and returns it. */
  #wake(ctl: Int32Array, count: number, first = 0): number {
    const generation = this.#generation = (this.#generation + 1) | 0;
    for (let i = first; i < first + count; i++) {
      Atomics.store(ctl, this.#word(i, this.#layout.wake), generation);
      Atomics.notify(ctl, this.#word(i, this.#layout.wake));
    }
    return generation;
  }

  /** Throws the error of a plan that failed in a kernel or outside a call. */
  #throwIfFailed(ctl: Int32Array, plan: Plan): void {
    const layout = this.#layout;
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
   * Waits until the `woken` workers have parked after `generation`, or one has shown no sign of
   * life for `bound` ms without parking (lost). Returns the lost workers' indices (none: all
   * parked). When one is lost, the plan is marked failed so that the others skip its remaining
   * calls.
   */
  #awaitWorkers(ctl: Int32Array, generation: number, woken: number, bound: number): number[] {
    const layout = this.#layout;
    const spinUntil = performance.now() + CALLER_SPIN_MS;
    let watch: Silence | undefined;
    for (;;) {
      const parked = Atomics.load(ctl, layout.parked);
      if (parked >= woken) return [];
      // Spin briefly (the other threads usually finish within the plan's last task), then,
      // where this thread may block (not a browser's main thread), sleep until a worker parks:
      // on a busy machine a spinning caller would take the core the workers need.
      const now = performance.now();
      if (now < spinUntil) continue;
      watch ??= new Silence(ctl, layout, Array.from({ length: woken }, (_, i) => i), now);
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
   * control block stays held: a worker counted lost may still be running and touch it.
   */
  #abandon(): void {
    this.#retired = true;
    this.#stopped = true;
    const ctl = this.#control();
    Atomics.store(ctl, this.#layout.stop, 1);
    this.#wake(ctl, this.#workers.length);
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
   * Stops the workers and gives the control block back once every worker has left its loop.
   *
   * `worker.terminate()` is asynchronous: a worker it has not reached yet still reads the block.
   * Were the block given back at once, the next pool would be given the same bytes and zero them,
   * and such a worker would take the zeroed stop flag for "go on" and join the new pool's plans,
   * claiming tasks it may be terminated in the middle of (a plan that never finishes). So the
   * workers first acknowledge the stop; a block whose workers do not all answer within
   * {@link STOP_GRACE_MS} is kept rather than reused. A worker still starting counts too: it
   * finds the stop flag set before it would wait.
   */
  #stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    const layout = this.#layout;
    const ctl = this.#control();
    const workers = this.#workers.length;
    Atomics.store(ctl, layout.parked, 0);
    Atomics.store(ctl, layout.stop, 1);
    this.#wake(ctl, workers);
    const deadline = performance.now() + STOP_GRACE_MS;
    let left = Atomics.load(ctl, layout.parked);
    while (left < workers && performance.now() < deadline) {
      if (canBlock) Atomics.wait(ctl, layout.parked, left, 1);
      left = Atomics.load(ctl, layout.parked);
    }
    this.#workers.forEach((worker) => worker.terminate());
    if (left < workers) return;
    if (this.#reserved) reservedHeld.delete(this.#core);
    else this.#core.heap.release(this.#controlPtr);
  }
}

/**
 * Workers' silence during one plan or program, as {@link Pool.run}'s and a lane's wait see it: for
 * each watched worker, when its sign-of-life word last changed.
 */
class Silence {
  readonly #layout: ControlLayout;
  /** The watched workers' indices. */
  readonly #workers: readonly number[];
  /** Each watched worker's beat when it last changed, and when that was. */
  readonly #beats: Int32Array;
  readonly #since: Float64Array;
  #lastLook: number;

  constructor(ctl: Int32Array, layout: ControlLayout, workers: readonly number[], now: number) {
    this.#layout = layout;
    this.#workers = workers;
    this.#beats = Int32Array.from(workers, (i) => Atomics.load(ctl, this.#word(i, layout.beat)));
    this.#since = new Float64Array(workers.length).fill(now);
    this.#lastLook = now;
  }

  /** Index of word `offset` of worker `i`'s own words. */
  #word(i: number, offset: number): number {
    return this.#layout.workers + i * this.#layout.workerStride + offset;
  }

  /** Watched workers that have not parked after `generation` and whose word has not moved for `bound` ms. */
  lost(ctl: Int32Array, generation: number, now: number, bound: number): number[] {
    if (now - this.#lastLook > SUSPENDED_MS) this.#since.fill(now);
    this.#lastLook = now;
    const lost: number[] = [];
    this.#workers.forEach((i, k) => {
      if (Atomics.load(ctl, this.#word(i, this.#layout.parkedAt)) === generation) return;
      const beat = Atomics.load(ctl, this.#word(i, this.#layout.beat));
      if (beat !== this.#beats[k]) {
        this.#beats[k] = beat;
        this.#since[k] = now;
      } else if (now - this.#since[k] > bound) lost.push(i);
    });
    return lost;
  }

  /** Whether every watched worker but the lost ones has parked after `generation`. */
  settled(ctl: Int32Array, generation: number, lost: number[]): boolean {
    return this.#workers.every((i) =>
      lost.includes(i) || Atomics.load(ctl, this.#word(i, this.#layout.parkedAt)) === generation
    );
  }
}

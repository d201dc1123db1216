/**
 * The code both the calling thread and the pool's workers run to execute plans. Every function
 * here is self-contained (no imports, no outer variables): the pool ships them to workers as
 * source text.
 *
 * Control block (int32, in wasm memory): see the CONTROL_* indices below.
 *
 * @module
 */

/** Index of the generation counter: bumped to wake the workers for a new plan. */
export const CONTROL_GENERATION = 0;
/** Next unclaimed task of the current plan. */
export const CONTROL_NEXT = 1;
/** Tasks finished. */
export const CONTROL_DONE = 2;
/** Tasks in the current plan. */
export const CONTROL_COUNT = 3;
/** Non-zero: workers exit. */
export const CONTROL_STOP = 4;
/** Byte offset of the current plan's calls. */
export const CONTROL_CALLS = 5;
/** Byte offset of the current plan's task bounds. */
export const CONTROL_TASKS = 6;
/** Workers that finished the current generation and went back to waiting (or, after a stop, left). */
export const CONTROL_PARKED = 7;
/** 0, or 1 + the index of the first call of the current plan that threw (on any thread). */
export const CONTROL_FAILED = 8;
/** Int32 words in the control block. */
export const CONTROL_WORDS = 9;

// deno-lint-ignore ban-types
type Kernel = Function;

/**
 * Claims tasks of the current plan until none is left, running each task's calls in order and
 * storing scalar results. A call that throws (a trap) marks the plan failed with its index and
 * ends its task; the task still counts as done, and once the plan failed the remaining tasks
 * are claimed and counted without running, so every thread finishes the plan and none waits
 * forever. Indices: generation 0, next 1, done 2, count 3, calls 5, tasks 6, failed 8 (kept
 * literal so the function stays self-contained).
 */
export function drainTasks(kernels: Kernel[], memory: WebAssembly.Memory, control: number): void {
  const ctl = new Int32Array(memory.buffer, control, 9);
  const count = Atomics.load(ctl, 3);
  const words = new Float64Array(memory.buffer, ctl[5]);
  const bounds = new Int32Array(memory.buffer, ctl[6], count + 1);
  const results = new Float64Array(memory.buffer);
  for (let task = Atomics.add(ctl, 1, 1); task < count; task = Atomics.add(ctl, 1, 1)) {
    let c = bounds[task];
    try {
      for (; c < bounds[task + 1] && Atomics.load(ctl, 8) === 0; c++) {
        const o = c * 12;
        const value = kernels[words[o]](
          words[o + 2],
          words[o + 3],
          words[o + 4],
          words[o + 5],
          words[o + 6],
          words[o + 7],
          words[o + 8],
          words[o + 9],
          words[o + 10],
          words[o + 11],
        );
        if (words[o + 1] !== 0) results[words[o + 1] / 8] = value;
      }
    } catch {
      Atomics.compareExchange(ctl, 8, 0, c + 1);
    }
    Atomics.add(ctl, 2, 1);
  }
}

/** The message that starts a worker. */
export interface WorkerStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: number;
  names: readonly string[];
}

/** The messaging end a worker talks through: `parentPort` (worker_threads) or the worker's `self`. */
export interface WorkerPort {
  postMessage(message: unknown): void;
  once?(event: "message", listener: (message: WorkerStart) => void): void;
  onmessage?: ((event: { data: WorkerStart }) => void) | null;
}

/**
 * A worker's life: receive the module, the shared memory and the control block, instantiate,
 * say "ready", then wait for generations and drain each one's tasks until told to stop; each
 * generation, the stop included, ends with the worker counting itself parked.
 * Indices: generation 0, stop 4, parked 7.
 */
export function workerMain(port: WorkerPort, drain: typeof drainTasks): void {
  const start = ({ module, memory, control, names }: WorkerStart) => {
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    // deno-lint-ignore ban-types
    const kernels = names.map((name) => instance.exports[name] as Function);
    const ctl = new Int32Array(memory.buffer, control, 9);
    let seen = Atomics.load(ctl, 0);
    port.postMessage("ready");
    for (;;) {
      // Spin a little before sleeping: during a fit the next plan comes within microseconds,
      // and a sleeping worker takes tens of microseconds to wake.
      const spinUntil = performance.now() + 0.25;
      while (Atomics.load(ctl, 0) === seen && performance.now() < spinUntil) {
        // spin
      }
      Atomics.wait(ctl, 0, seen);
      seen = Atomics.load(ctl, 0);
      const stop = Atomics.load(ctl, 4) !== 0;
      if (!stop) drain(kernels, memory, control);
      // Parked: done with this generation. After a stop this is the worker's last access to the
      // control block, and the pool waits for it before the block's memory can be reused.
      Atomics.add(ctl, 7, 1);
      Atomics.notify(ctl, 7);
      if (stop) break;
    }
  };
  if (port.once) port.once("message", start);
  else port.onmessage = (event) => start(event.data);
}

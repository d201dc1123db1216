/**
 * The code both the calling thread and the pool's workers run to execute plans. Every function
 * here is self-contained (no imports, no outer variables, no constants of its own): the pool ships
 * them to workers as source text, and passes what they need to know (the control block's
 * layout, the size of an encoded call, the kernel names) as arguments or in the start message.
 *
 * @module
 */

/**
 * Where things sit in a pool's control block: int32 words in wasm memory, shared by the calling
 * thread and the workers. Addresses are stored as the bits of a wasm32 pointer and read back
 * unsigned (`>>> 0`), so they are exact up to 4 GiB.
 */
export interface ControlLayout {
  /** Float64 words of an encoded call (sdk/threads/plan.ts). */
  readonly callWords: number;
  /** The generation counter: bumped to wake the workers for a new plan (or the stop). */
  readonly generation: number;
  /** Next unclaimed task of the current plan. */
  readonly next: number;
  /** Tasks finished. */
  readonly done: number;
  /** Tasks in the current plan. */
  readonly count: number;
  /** Non-zero: workers exit. */
  readonly stop: number;
  /** Address of the current plan's calls. */
  readonly calls: number;
  /** Address of the current plan's task bounds. */
  readonly tasks: number;
  /** Workers that finished the current generation and went back to waiting (or, after a stop, left). */
  readonly parked: number;
  /** 0, or 1 + the index of the first call of the current plan that threw (on any thread). */
  readonly failed: number;
  /** Int32 words in the block. */
  readonly words: number;
}

// deno-lint-ignore ban-types
type Kernel = Function;

/**
 * Claims tasks of the current plan until none is left, running each task's calls in order and
 * storing scalar results. A call that throws (a trap) marks the plan failed with its index and
 * ends its task; the task still counts as done, and once the plan failed the remaining tasks
 * are claimed and counted without running, so every thread finishes the plan and none waits
 * forever.
 */
export function drainTasks(
  kernels: Kernel[],
  memory: WebAssembly.Memory,
  control: number,
  layout: ControlLayout,
): void {
  const ctl = new Int32Array(memory.buffer, control, layout.words);
  const count = Atomics.load(ctl, layout.count);
  const words = new Float64Array(memory.buffer, ctl[layout.calls] >>> 0);
  const bounds = new Int32Array(memory.buffer, ctl[layout.tasks] >>> 0, count + 1);
  const results = new Float64Array(memory.buffer);
  const args = new Array(layout.callWords - 2);
  for (let task = Atomics.add(ctl, layout.next, 1); task < count; task = Atomics.add(ctl, layout.next, 1)) {
    let c = bounds[task];
    try {
      for (; c < bounds[task + 1] && Atomics.load(ctl, layout.failed) === 0; c++) {
        const o = c * layout.callWords;
        for (let a = 0; a < args.length; a++) args[a] = words[o + 2 + a];
        const value = kernels[words[o]].apply(undefined, args);
        if (words[o + 1] !== 0) results[words[o + 1] / 8] = value;
      }
    } catch {
      Atomics.compareExchange(ctl, layout.failed, 0, c + 1);
    }
    Atomics.add(ctl, layout.done, 1);
  }
}

/** The message that starts a worker. */
export interface WorkerStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Address of the control block. */
  control: number;
  layout: ControlLayout;
  /** The kernels' export names in opcode order. */
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
 */
export function workerMain(port: WorkerPort, drain: typeof drainTasks): void {
  const start = ({ module, memory, control, layout, names }: WorkerStart) => {
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    // deno-lint-ignore ban-types
    const kernels = names.map((name) => instance.exports[name] as Function);
    const ctl = new Int32Array(memory.buffer, control, layout.words);
    let seen = Atomics.load(ctl, layout.generation);
    port.postMessage("ready");
    for (;;) {
      // Spin a little before sleeping: during a fit the next plan comes within microseconds,
      // and a sleeping worker takes tens of microseconds to wake.
      const spinUntil = performance.now() + 0.25;
      while (Atomics.load(ctl, layout.generation) === seen && performance.now() < spinUntil) {
        // spin
      }
      Atomics.wait(ctl, layout.generation, seen);
      seen = Atomics.load(ctl, layout.generation);
      const stop = Atomics.load(ctl, layout.stop) !== 0;
      if (!stop) drain(kernels, memory, control, layout);
      // Parked: done with this generation. After a stop this is the worker's last access to the
      // control block, and the pool waits for it before the block's memory can be reused.
      Atomics.add(ctl, layout.parked, 1);
      Atomics.notify(ctl, layout.parked);
      if (stop) break;
    }
  };
  if (port.once) port.once("message", start);
  else port.onmessage = (event) => start(event.data);
}

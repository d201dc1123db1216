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
  /** Next unclaimed task of the current plan. */
  readonly next: number;
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
  /** 0, 1 + the index of the first call that threw (on any thread), or {@link failedOutsideCall}. */
  readonly failed: number;
  /** The value of `failed` when a thread failed outside a kernel call (reading the plan, say). */
  readonly failedOutsideCall: number;
  /**
   * Where worker 0's own words start; worker i's start `workerStride` words further per index
   * (a cache line each, so that a worker's writes do not evict the words every thread reads).
   */
  readonly workers: number;
  readonly workerStride: number;
  /**
   * In a worker's words: the generation it is woken for. Each worker waits on its own word, so
   * a plan wakes only the workers it runs on (a pool grown for more threads serves fewer).
   */
  readonly wake: number;
  /** In a worker's words: 1 once it has instantiated the module and waits for generations. */
  readonly ready: number;
  /** In a worker's words: its signs of life, bumped when it takes up a generation and before each call. */
  readonly beat: number;
  /** In a worker's words: the generation it last parked after. */
  readonly parkedAt: number;
  /**
   * In a worker's words: the address of the program it runs alone this generation (a lane,
   * {@link runProgram}), or 0: it joins the current plan.
   */
  readonly program: number;
  /** In a worker's words: non-zero asks the program to stop before its next repetition. */
  readonly cancel: number;
  /**
   * In a worker's words: 0, or 1 + the opcode of the program's call that threw
   * ({@link failedOutsideCall} outside a call).
   */
  readonly laneFailed: number;
  /** In a worker's words: repetitions of its last program run to the end. */
  readonly laneDone: number;
  /**
   * 1 + the index of a worker to leave without a word (no parking, no more signs of life):
   * {@link Pool.terminateWorker}'s stand-in for a thread that dies, where the host's
   * `terminate()` does not stop a worker running JavaScript (Deno). 0: none.
   */
  readonly leave: number;
  /**
   * The memory's size in 64 KiB pages when the plan was posted. A shared memory grown on one
   * thread reaches another thread's `memory.buffer` only when that thread next handles an
   * interrupt: a worker woken right after a growth can still see the old, shorter buffer (and
   * then a plan in the new pages would be out of its bounds); `memory.grow(0)` refreshes it.
   */
  readonly pages: number;
  /** Int32 words in the block. */
  readonly words: number;
}

/**
 * Runs the call encoded at word `o` of `w` on the exports `kernels` and returns its scalar result
 * (sdk/generated/call_kernel.ts's `callKernel`, passed in: this file imports nothing).
 */
export type CallKernel<K> = (kernels: K, w: Float64Array, o: number) => number;

/**
 * Claims tasks of the current plan until none is left, running each task's calls in order and
 * storing scalar results. Nothing escapes: a call that throws (a trap) marks the plan failed with
 * its index and ends its task; a failure to read the plan marks it failed outside a call. Once
 * the plan failed, the remaining tasks are claimed without running, so every thread finishes the
 * plan and none waits forever. `beat` ≥ 0: the control word this thread bumps before each call
 * (a worker's sign of life); −1 on the calling thread. Each call runs through `call` (plan.ts's
 * runHere runs the same one).
 */
export function drainTasks<K>(
  kernels: K,
  call: CallKernel<K>,
  memory: WebAssembly.Memory,
  control: number,
  layout: ControlLayout,
  beat: number,
): void {
  const ctl = new Int32Array(memory.buffer, control, layout.words);
  const count = Atomics.load(ctl, layout.count);
  let words = new Float64Array(0);
  let bounds = new Int32Array(0);
  let results = new Float64Array(0);
  if (memory.buffer.byteLength < (ctl[layout.pages] >>> 0) * 65536) memory.grow(0);
  try {
    words = new Float64Array(memory.buffer, ctl[layout.calls] >>> 0);
    bounds = new Int32Array(memory.buffer, ctl[layout.tasks] >>> 0, count + 1);
    results = new Float64Array(memory.buffer);
  } catch {
    Atomics.compareExchange(ctl, layout.failed, 0, layout.failedOutsideCall);
  }
  for (let task = Atomics.add(ctl, layout.next, 1); task < count; task = Atomics.add(ctl, layout.next, 1)) {
    let c = 0;
    try {
      for (c = bounds[task]; c < bounds[task + 1] && Atomics.load(ctl, layout.failed) === 0; c++) {
        if (beat >= 0) Atomics.add(ctl, beat, 1);
        const o = c * layout.callWords;
        const value = call(kernels, words, o);
        if (words[o + 1] !== 0) results[words[o + 1] / 8] = value;
      }
    } catch {
      Atomics.compareExchange(ctl, layout.failed, 0, c + 1);
    }
  }
}

/**
 * Runs a program alone, on this thread (a lane of the pool): `repeats` times, each plan of the
 * program in order, each plan's calls in order (its tasks one after the other), as `runHere` runs
 * a plan (the same calls, so the same bits). The program at address `program` is int32 words:
 * repeats, the memory's size in 64 KiB pages when it was posted, the plan count, then each
 * plan's calls address, task-bounds address and task count (sdk/threads/plan.ts's
 * `encodeProgram`). `own`: the index of this worker's words in `ctl`; the program stops before a
 * repetition when the worker's cancel word is set, and records a failure in its laneFailed word
 * (a call that throws ends the program). Stores the repetitions run to the end in laneDone.
 */
export function runProgram<K>(
  kernels: K,
  call: CallKernel<K>,
  memory: WebAssembly.Memory,
  ctl: Int32Array,
  layout: ControlLayout,
  own: number,
  program: number,
): void {
  const beat = own + layout.beat;
  let done = 0;
  let opcode = -1;
  try {
    // This thread's view of the memory may predate a growth (ControlLayout.pages): refreshed
    // (memory.grow(0)) when it ends before the program's header, then before the pages the
    // header says the memory had when the program was posted.
    if (memory.buffer.byteLength < program + 12) memory.grow(0);
    let head = new Int32Array(memory.buffer, program, 3);
    if (memory.buffer.byteLength < (head[1] >>> 0) * 65536) memory.grow(0);
    head = new Int32Array(memory.buffer, program, 3);
    const repeats = head[0], planCount = head[2];
    const plans = new Int32Array(memory.buffer, program + 12, 3 * planCount);
    // Each plan's calls and task bounds viewed at their lengths: a plan outside this thread's
    // view of the memory throws here (the program fails) instead of reading as no calls.
    const calls: Float64Array[] = [];
    for (let p = 0; p < planCount; p++) {
      const count = plans[3 * p + 2];
      const bounds = new Int32Array(memory.buffer, plans[3 * p + 1] >>> 0, count + 1);
      calls.push(new Float64Array(memory.buffer, plans[3 * p] >>> 0, bounds[count] * layout.callWords));
    }
    const results = new Float64Array(memory.buffer);
    for (; done < repeats && Atomics.load(ctl, own + layout.cancel) === 0; done++) {
      for (const words of calls) {
        for (let o = 0; o < words.length; o += layout.callWords) {
          Atomics.add(ctl, beat, 1);
          opcode = words[o];
          const value = call(kernels, words, o);
          if (words[o + 1] !== 0) results[words[o + 1] / 8] = value;
        }
      }
    }
  } catch {
    Atomics.store(ctl, own + layout.laneFailed, opcode >= 0 ? opcode + 1 : layout.failedOutsideCall);
  }
  Atomics.store(ctl, own + layout.laneDone, done);
}

/** The message that starts a worker. */
export interface WorkerStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Address of the control block. */
  control: number;
  layout: ControlLayout;
  /** This worker's index: its words in the control block. */
  index: number;
  /** How long the worker spins for the next generation before it sleeps (sdk/tuning.ts, WORKER_SPIN_MS). */
  spinMs: number;
}

/** The messaging end a worker talks through: `parentPort` (worker_threads) or the worker's `self`. */
export interface WorkerPort {
  postMessage(message: unknown): void;
  once?(event: "message", listener: (message: WorkerStart) => void): void;
  onmessage?: ((event: { data: WorkerStart }) => void) | null;
}

/**
 * A worker's life: receive the module, the shared memory and the control block, instantiate,
 * say "ready" (in its control words, and by a message), then wait on its own wake word for
 * generations and drain each one's tasks until told to stop; each generation, the stop included,
 * ends with the worker counting itself parked. A generation that gives the worker a program of
 * its own (a lane) runs it alone and ends with the worker's own parked word only. A worker shows
 * a sign of life when it takes up a generation and before each call (the pool tells a live
 * worker from one that disappeared by them), and nothing that goes wrong in a plan ends its loop (only the stop, or the test hook's
 * `leave`).
 */
export function workerMain(
  port: WorkerPort,
  drain: typeof drainTasks,
  run: typeof runProgram,
  call: CallKernel<WebAssembly.Exports>,
): void {
  const start = ({ module, memory, control, layout, index, spinMs }: WorkerStart) => {
    const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
    const ctl = new Int32Array(memory.buffer, control, layout.words);
    const own = layout.workers + index * layout.workerStride;
    const wake = own + layout.wake;
    const beat = own + layout.beat;
    let seen = Atomics.load(ctl, wake);
    // Ready after reading its wake word: a generation the pool starts for it from now on differs.
    Atomics.store(ctl, own + layout.ready, 1);
    port.postMessage("ready");
    for (;;) {
      // A pool stopped before this worker read its wake word has no generation left to start
      // for it: the stop flag (set before the stop's generation) says so.
      if (Atomics.load(ctl, layout.stop) === 0) {
        // Spin a little before sleeping: during a fit the next plan comes within microseconds,
        // and a sleeping worker takes tens of microseconds to wake. The spin reads the wake word
        // alone: reading the stop flag in it too made effects() on small data 20 % slower under
        // Bun, whose lane workers are new at every call.
        const spinUntil = performance.now() + spinMs;
        while (Atomics.load(ctl, wake) === seen && performance.now() < spinUntil) {
          // spin
        }
        // A wake-up is not a generation: the pool stores the word, then notifies, and a calling
        // thread descheduled between the two notifies after this worker has already run the
        // generation and gone back to sleep. Taken for a generation, that late notify would run
        // a lane's program a second time, or count the worker parked twice (the calling thread
        // would then go on before another worker's task is done; docs/algorithm.md, "Reduction
        // order, plans and tasks"). A stop moves the word on too: the pool sets the flag, then
        // starts the stop's generation.
        while (Atomics.load(ctl, wake) === seen) Atomics.wait(ctl, wake, seen);
      }
      seen = Atomics.load(ctl, wake);
      if (Atomics.load(ctl, layout.leave) === index + 1) return;
      Atomics.add(ctl, beat, 1);
      const stop = Atomics.load(ctl, layout.stop) !== 0;
      const program = stop ? 0 : Atomics.load(ctl, own + layout.program) >>> 0;
      if (program !== 0) {
        // A lane: the program alone, then parked in its own words only (the shared count is the
        // shared plans').
        run(kernels, call, memory, ctl, layout, own, program);
        Atomics.store(ctl, own + layout.parkedAt, seen);
        Atomics.notify(ctl, own + layout.parkedAt);
        continue;
      }
      if (!stop) {
        try {
          drain(kernels, call, memory, control, layout, beat);
        } catch {
          Atomics.compareExchange(ctl, layout.failed, 0, layout.failedOutsideCall);
        }
      }
      // Parked: done with this generation. After a stop this is the worker's last access to the
      // control block, and the pool waits for it before the block's memory can be reused.
      Atomics.store(ctl, own + layout.parkedAt, seen);
      Atomics.add(ctl, layout.parked, 1);
      Atomics.notify(ctl, layout.parked);
      if (stop) break;
    }
  };
  if (port.once) port.once("message", start);
  else port.onmessage = (event) => start(event.data);
}

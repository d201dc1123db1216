/**
 * Where long work lets the rest of the program run and can be cancelled: loading strata, the
 * NNDSVD start and the steps of an iteration call `pass()`, which throws the signal's reason once
 * it is aborted and yields to the event loop when YIELD_EVERY_MS have passed since the last time
 * (so timers, Ctrl-C handlers and `abort()` calls get to run at all).
 *
 * @module
 */

/** Long work yields to the event loop at least this often. */
export const YIELD_EVERY_MS = 50;

/**
 * Passes closer together than this read the clock less often: the stride between clock reads
 * doubles (up to {@link MAX_CLOCK_STRIDE}) while they are, and is 1 again after a longer one. A
 * tiny fit's twelve passes an iteration then read the clock about once per iteration, not twelve
 * times (performance.now() costs 40–110 ns: 1 % of a 50 µs iteration); a long step's every pass
 * still reads it.
 */
const CLOCK_STRIDE_BELOW_MS = 1;
const MAX_CLOCK_STRIDE = 64;

/**
 * One turn of the event loop (timers and I/O run): setImmediate where the host has it (Node,
 * Deno, Bun), else setTimeout(0). setTimeout(0) waits 1 ms at least under Node and Bun and 2 ms
 * under Deno, idle: at one yield per {@link YIELD_EVERY_MS} ms, 2–4 % of a fit's time; a
 * setImmediate turn measured 0.005–0.05 ms (bench/yield.mjs; bench/README, "Yielding to the
 * event loop"). Not a MessageChannel message: a loop of those starved an interval timer
 * completely under Deno and Bun.
 */
export const yieldToEventLoop: () => Promise<void> = hostYield(globalThis as YieldGlobals);

/** The globals {@link hostYield} looks for. */
export interface YieldGlobals {
  setImmediate?: (callback: () => void) => unknown;
}

/** The yield {@link yieldToEventLoop} uses on a host with these globals. */
export function hostYield(host: YieldGlobals): () => Promise<void> {
  const { setImmediate } = host;
  if (typeof setImmediate === "function") return () => new Promise<void>((resolve) => setImmediate(resolve));
  return () => new Promise<void>((resolve) => setTimeout(resolve, 0));
}

/** The cancellation and yield points of one call (a fit, a transform). */
export class Checkpoint {
  readonly #signal: AbortSignal | undefined;
  #lastYield = performance.now();
  /** When the clock was last read, how many passes to the next read, and how many are left. */
  #lastRead = this.#lastYield;
  #stride = 1;
  #untilRead = 1;
  /** How many times the signal was consulted (tests count the check points with it). */
  checks = 0;

  constructor(signal?: AbortSignal) {
    this.#signal = signal;
  }

  /** The signal checked (undefined: none). */
  get signal(): AbortSignal | undefined {
    return this.#signal;
  }

  /** Throws the signal's reason if it is aborted. */
  check(): void {
    this.checks++;
    if (this.#signal?.aborted) throw this.#signal.reason;
  }

  /**
   * Checks the signal, and yields to the event loop (then checks again) when it is time. Returns
   * undefined when no yield is due, so that a caller in a hot loop awaits nothing then:
   * `const due = checkpoint.pass(); if (due) await due;` (an `await` of a settled promise still
   * costs a microtask turn, about a microsecond each on JavaScriptCore).
   */
  pass(): Promise<void> | undefined {
    this.check();
    if (--this.#untilRead > 0) return undefined;
    const now = performance.now();
    this.#stride = now - this.#lastRead < CLOCK_STRIDE_BELOW_MS ? Math.min(2 * this.#stride, MAX_CLOCK_STRIDE) : 1;
    this.#untilRead = this.#stride;
    this.#lastRead = now;
    if (now - this.#lastYield < YIELD_EVERY_MS) return undefined;
    return this.#yield();
  }

  async #yield(): Promise<void> {
    await yieldToEventLoop();
    this.#lastYield = this.#lastRead = performance.now();
    this.check();
  }
}

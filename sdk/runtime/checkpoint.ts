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

const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The cancellation and yield points of one call (a fit, a transform). */
export class Checkpoint {
  readonly #signal: AbortSignal | undefined;
  #lastYield = performance.now();
  /** How many times the signal was consulted (tests count the check points with it). */
  checks = 0;

  constructor(signal?: AbortSignal) {
    this.#signal = signal;
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
    if (performance.now() - this.#lastYield < YIELD_EVERY_MS) return undefined;
    return this.#yield();
  }

  async #yield(): Promise<void> {
    await yieldToEventLoop();
    this.#lastYield = performance.now();
    this.check();
  }
}

// Check points (sdk/runtime/checkpoint.ts): the signal on every pass, the clock only as often as
// the passes' spacing needs, and yields to the event loop at least every YIELD_EVERY_MS, by the
// cheapest turn the host has.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Checkpoint, hostYield, YIELD_EVERY_MS, type YieldGlobals } from "../sdk/runtime/checkpoint.ts";

/** Runs `body` with performance.now() counted; returns the count. */
function clockReads(body: () => void): number {
  const now = performance.now.bind(performance);
  let reads = 0;
  performance.now = () => (reads++, now());
  try {
    body();
  } finally {
    performance.now = now;
  }
  return reads;
}

/** Spins for `ms` milliseconds. */
function spin(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end);
}

describe("Checkpoint", () => {
  it("checks the signal on every pass", () => {
    const controller = new AbortController();
    const checkpoint = new Checkpoint(controller.signal);
    for (let i = 0; i < 100; i++) checkpoint.pass();
    assert.equal(checkpoint.checks, 100);
    controller.abort(new Error("stop"));
    assert.throws(() => checkpoint.pass(), /stop/);
  });

  it("reads the clock once in up to 64 passes when they come close together", () => {
    const checkpoint = new Checkpoint();
    const reads = clockReads(() => {
      for (let i = 0; i < 6400; i++) checkpoint.pass();
    });
    assert.ok(reads <= 6400 / 32, `${reads} clock reads in 6400 passes`);
    assert.ok(reads >= 6400 / 64, `${reads} clock reads in 6400 passes`);
  });

  it("reads the clock on every pass when they come 2 ms apart", () => {
    const checkpoint = new Checkpoint();
    const reads = clockReads(() => {
      for (let i = 0; i < 10; i++) {
        spin(2);
        checkpoint.pass();
      }
    });
    assert.ok(reads >= 9, `${reads} clock reads in 10 passes`);
  });

  it(`yields to the event loop about every ${YIELD_EVERY_MS} ms of passes, close together or not`, async () => {
    for (const workPerPass of [0.001, 3]) {
      const checkpoint = new Checkpoint();
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      const end = performance.now() + 8 * YIELD_EVERY_MS;
      while (performance.now() < end) {
        spin(workPerPass);
        const due = checkpoint.pass();
        if (due) await due;
      }
      clearInterval(timer);
      assert.ok(ticks >= 4, `${ticks} timer ticks in ${8 * YIELD_EVERY_MS} ms of passes ${workPerPass} ms apart`);
    }
  });

  const immediate = (callback: () => void) => setImmediate(callback);
  const kinds: [string, YieldGlobals][] = [["setImmediate", { setImmediate: immediate }], ["setTimeout(0)", {}]];
  for (const [name, globals] of kinds) {
    it(`yields by ${name} when that is what the host has, and timers run between the yields`, async () => {
      const used: string[] = [];
      const { setImmediate: immediateOf } = globals;
      const spied: YieldGlobals = {
        setImmediate: immediateOf && ((f: () => void) => (used.push("setImmediate"), immediateOf(f))),
      };
      const yieldOnce = hostYield(spied);
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      const end = performance.now() + 100;
      let yields = 0;
      while (performance.now() < end) {
        spin(1);
        await yieldOnce();
        yields++;
      }
      clearInterval(timer);
      assert.ok(ticks >= 4, `${ticks} timer ticks in 100 ms of yields 1 ms apart`);
      assert.equal(used.length, name === "setImmediate" ? yields : 0);
    });
  }
});

// Lanes (sdk/threads/executor.ts): a fit whose iterations run at once on a lane's worker gives
// the bits of the same fit on one thread, for every schedule and rule (the zero-V plans and the
// masked rule included); three fits at once on two lanes give their own bits; an abort stops
// a lane between iterations, and the lane serves the next fit; a kernel that traps in a program
// and a lane's worker that disappears become errors, not hangs.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { effects, fit, type FitOptions, type Model, type Stratum } from "../sdk/mod.ts";
import { fitOn } from "../sdk/fit.ts";
import { init } from "../sdk/runtime/core.ts";
import { Lanes } from "../sdk/threads/executor.ts";
import { encodeProgram, PlanBuilder } from "../sdk/threads/plan.ts";
import { controlLayout, Pool } from "../sdk/threads/pool.ts";
import { runProgram } from "../sdk/threads/worker_code.ts";
import { callKernel } from "../sdk/generated/call_kernel.ts";
import { csrStrata, denseStrata, testHeap } from "../testing/fixtures.ts";
import { plantedStrata } from "../testing/planted.ts";

const strata: Stratum[] = [...denseStrata(31, [120, 77], 60), ...csrStrata(32, [90, 40], 60, 0.2)];

/** The same strata with a few entries of the dense ones unobserved (NaN). */
const holed: Stratum[] = strata.map((s, i) =>
  i < 2 && "data" in s ? { ...s, data: Float32Array.from(s.data as Float32Array, (x, e) => e % 37 === 5 ? NaN : x) } : s
);

const bits = (model: Model) => ({
  V: model.V.map((v) => Array.from(new Uint32Array(v.slice().buffer))),
  W: model.W.map((w) => Array.from(new Uint32Array(w.slice().buffer))),
  H: Array.from(new Uint32Array(model.H.slice().buffer)),
  loss: model.loss,
  iterations: model.iterations,
});

const CASES: [string, Stratum[], FitOptions][] = [
  ["HALS", strata, { rank: 4, maxIter: 30, seed: 1, trackLoss: false }],
  ["HALS with L1 weights", strata, { rank: 4, maxIter: 30, seed: 2, trackLoss: false, l1V: 0.1, l1H: 0.05 }],
  ["MU, sequential", strata, { rank: 4, maxIter: 30, seed: 3, trackLoss: false, solver: "mu" }],
  ["MU, reference", strata, { rank: 4, maxIter: 30, seed: 4, trackLoss: false, solver: "mu", schedule: "reference" }],
  ["plain NMF (the zero-V plans)", strata, { rank: 4, maxIter: 30, seed: 5, trackLoss: false, vUpdates: 0 }],
  ["masked HALS", holed, { rank: 3, maxIter: 30, seed: 6, trackLoss: false, missing: "mask" }],
];

/** Fits of `data` with each of `options`, all at once on `lanes`, have the bits of the same fits on one thread. */
async function assertOneThreadBits(data: Stratum[], options: FitOptions[], lanes: Lanes): Promise<void> {
  const alone: Model[] = [];
  for (const o of options) alone.push(await fit(data, { ...o, threads: 1 }));
  const laned = await Promise.all(options.map((o) => fitOn(data, o, lanes.executor())));
  try {
    assert.deepEqual(laned.map(bits), alone.map(bits));
  } finally {
    [...alone, ...laned].forEach((m) => m.free());
  }
}

/** Two lanes, shared by the tests (opened once). */
const opened = init().then((core) => Lanes.open(core, 2));

describe("lanes", () => {
  it("are had where workers and a shared memory are", async () => {
    assert.ok(await opened, "no lanes on a host with workers");
  });

  for (const [name, data, options] of CASES) {
    it(`run the iterations of ${name} with the bits of one thread`, async () => {
      await assertOneThreadBits(data, [options], (await opened)!);
    });
  }

  it("run three fits at once on two lanes (the third waits for a free one), each with its own bits", async () => {
    await assertOneThreadBits(strata, [CASES[0][2], CASES[2][2], CASES[4][2]], (await opened)!);
  });

  it("stop between iterations on an abort, and serve the next fit", async () => {
    const lanes = (await opened)!;
    const controller = new AbortController();
    const reason = new Error("stop");
    const long = fitOn(strata, { ...CASES[0][2], maxIter: 1_000_000, signal: controller.signal }, lanes.executor());
    setTimeout(() => controller.abort(reason), 50);
    await assert.rejects(long, (error) => error === reason);
    await assertOneThreadBits(strata, [CASES[0][2]], lanes);
  });

  it("run effects()' refits, exactly as many as asked, when they outnumber the refits", async () => {
    const data = plantedStrata(2, { strata: 3, rows: 20, cols: 6, rank: 2, planted: [1], stratum: 0, shift: 1 });
    const model = await fit(data, { rank: 2, seed: 1, maxIter: 40, threads: 1 });
    try {
      const options = { replicates: 1, permutations: 2, seed: 3, iterations: 30, pooledIterations: 20 };
      const progress: string[] = [];
      const laned = await effects(model, data, {
        ...options,
        threads: 4,
        onProgress: ({ phase, done, total }) => progress.push(`${phase} ${done}/${total}`),
      });
      assert.deepEqual(progress, ["bootstrap 1/1", "permutations 1/2", "permutations 2/2"]);
      assert.deepEqual(laned, await effects(model, data, { ...options, threads: 1 }));
    } finally {
      model.free();
    }
  });

  it("close", async () => (await opened)?.close());
});

describe("programs on a pool's workers", () => {
  /**
   * 4 tasks zeroing 1 KiB each of `target`; when `trap`, the third's 1 KiB would end past 4 GiB
   * (memory.fill traps whatever the memory has grown to: earlier tests in the process may have
   * grown it past 2 GiB).
   */
  const zeroing = (
    core: Awaited<ReturnType<typeof init>>,
    alloc: (b: number) => number,
    target: number,
    trap = false,
  ) => {
    const builder = new PlanBuilder();
    for (let t = 0; t < 4; t++) {
      builder.task().call("zero_bytes", [trap && t === 2 ? 0xffff_fe00 : target + t * 1024, 1024]);
    }
    return builder.build(core, alloc);
  };

  it("turn a kernel that traps into an error naming it, and the worker runs the next program", async () => {
    const core = await init();
    const pool = await Pool.create(core, 2);
    const { alloc, release } = testHeap(core);
    try {
      const target = alloc(4096);
      const bad = encodeProgram(core, [zeroing(core, alloc, target, true)], 3);
      await assert.rejects(pool.runProgram(0, bad), /the kernel zero_bytes failed/);
      core.heap.release(bad.address);
      core.heap.f32(target, 1024).fill(1);
      const good = encodeProgram(core, [zeroing(core, alloc, target)], 2);
      await pool.runProgram(0, good);
      core.heap.release(good.address);
      assert.ok(core.heap.f32(target, 1024).every((x) => x === 0));
    } finally {
      pool.retire();
      release();
    }
  });

  it("refuse a program whose plan lies outside the memory (an error, not a plan silently skipped)", async () => {
    const core = await init();
    const pool = await Pool.create(core, 2);
    const { alloc, release } = testHeap(core);
    try {
      const plan = zeroing(core, alloc, alloc(4096));
      const outside = core.memory.buffer.byteLength + 65536;
      for (const wrong of [{ ...plan, tasks: outside }, { ...plan, calls: outside }]) {
        const program = encodeProgram(core, [wrong], 2);
        await assert.rejects(pool.runProgram(0, program), /could not read it from memory/);
        core.heap.release(program.address);
      }
    } finally {
      pool.retire();
      release();
    }
  });

  it("run a program posted in pages grown since the thread last viewed the memory", async () => {
    const core = await init();
    const { alloc, release } = testHeap(core);
    try {
      const target = alloc(4096);
      core.heap.f32(target, 1024).fill(1);
      const program = encodeProgram(core, [zeroing(core, alloc, target)], 1);
      // A thread whose view ends before the program: it sees the memory's pages only after
      // memory.grow(0), as a worker woken right after another thread grew the memory does.
      let stale = true;
      const memory = {
        get buffer() {
          return stale ? new SharedArrayBuffer(program.address) : core.memory.buffer;
        },
        grow(pages: number) {
          stale = false;
          return core.memory.grow(pages);
        },
      } as unknown as WebAssembly.Memory;
      const layout = controlLayout();
      const ctl = new Int32Array(layout.words);
      runProgram(core.kernels, callKernel, memory, ctl, layout, layout.workers, program.address);
      core.heap.release(program.address);
      assert.equal(ctl[layout.workers + layout.laneFailed], 0, "no failure recorded: the program read its header");
      assert.equal(ctl[layout.workers + layout.laneDone], 1);
      assert.ok(core.heap.f32(target, 1024).every((x) => x === 0));
    } finally {
      release();
    }
  });

  it("take a wake-up that brings no new generation for none (a notify that comes late)", async () => {
    const core = await init();
    const pool = await Pool.create(core, 2);
    const { alloc, release } = testHeap(core);
    const layout = controlLayout();
    const ctl = () => core.heap.i32(pool.controlAddress, layout.words);
    const own = (offset: number) => layout.workers + offset; // worker 0's words
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    /**
     * Notifies worker 0 without a new generation once it sleeps, as a calling thread descheduled
     * between storing its wake word and notifying it does; resolves a while later.
     */
    const lateNotify = async () => {
      await sleep(20);
      Atomics.notify(ctl(), own(layout.wake));
      await sleep(50);
    };
    try {
      const target = alloc(4096);
      const plan = zeroing(core, alloc, target);
      // A lane: the program word still set, as it is between the worker parking and the pool
      // clearing it. Taken for a generation, the wake-up would run the program a second time.
      const program = encodeProgram(core, [plan], 1);
      await pool.runProgram(0, program);
      core.heap.f32(target, 1024).fill(1);
      Atomics.store(ctl(), own(layout.program), program.address);
      const beat = Atomics.load(ctl(), own(layout.beat));
      await lateNotify();
      Atomics.store(ctl(), own(layout.program), 0);
      core.heap.release(program.address);
      assert.equal(Atomics.load(ctl(), own(layout.beat)), beat, "the worker took up no generation");
      assert.ok(core.heap.f32(target, 1024).every((x) => x === 1), "the program did not run again");
      // A shared plan: taken for a generation, the wake-up would count the worker parked twice.
      pool.run(plan, 2);
      const parked = Atomics.load(ctl(), layout.parked);
      await lateNotify();
      assert.equal(Atomics.load(ctl(), layout.parked), parked, "the worker was not counted parked again");
    } finally {
      pool.retire();
      release();
    }
  });

  it("turn a worker that disappears into an error (not a hang), and stop the pool", async () => {
    const core = await init();
    const pool = await Pool.create(core, 2, { minSilenceMs: 300 });
    const { alloc, release } = testHeap(core);
    try {
      const program = encodeProgram(core, [zeroing(core, alloc, alloc(4096))], 1);
      await pool.terminateWorker(0);
      await assert.rejects(pool.runProgram(0, program), /worker thread 1 of 1 stopped responding/);
      assert.ok(pool.retired);
      core.heap.release(program.address);
    } finally {
      pool.retire();
      release();
    }
  });
});

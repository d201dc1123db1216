// Threads: the same factors and losses, bit for bit, for every thread count, on dense and CSR
// strata, under both schedules, for HALS and with L1 weights; and the pool really runs (threads > 1 where the host allows).

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { fit, type Model, type Schedule, type Stratum, transform } from "../sdk/mod.ts";
import { type Core, init } from "../sdk/runtime/core.ts";
import { executorFor } from "../sdk/threads/executor.ts";
import { type Plan, PlanBuilder } from "../sdk/threads/plan.ts";
import { Pool, type PoolOptions } from "../sdk/threads/pool.ts";
import { csrStrata, denseStrata, testHeap } from "../testing/fixtures.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Big enough that every product plan passes the executor's threshold for waking workers. */
const strata: Stratum[] = [
  ...denseStrata(21, [601, 387], 203),
  ...csrStrata(22, [820, 99], 203, 0.1),
];

const bits = (model: Model) => ({
  V: model.V.map((v) => Array.from(new Uint32Array(v.slice().buffer))),
  W: model.W.map((w) => Array.from(new Uint32Array(w.slice().buffer))),
  H: Array.from(new Uint32Array(model.H.slice().buffer)),
  lossHistory: Array.from(model.lossHistory),
});

const SLOW = { timeout: 120_000 };

/**
 * 8 tasks, each zeroing 1 KiB of `target` (8 KiB); task `trapAt`'s pointer lies past the end of
 * the memory instead (memory.fill traps).
 */
function zeroingPlan(core: Core, alloc: (bytes: number) => number, target: number, trapAt = -1): Plan {
  const builder = new PlanBuilder();
  for (let t = 0; t < 8; t++) {
    builder.task().call("zero_bytes", [t === trapAt ? 0x7fff_0000 : target + t * 1024, 1024]);
  }
  return builder.build(core, alloc);
}

/** Runs `body` on a pool of 3 threads and 8 KiB of memory (`target`), retired and freed afterwards. */
async function withPool(
  body: (core: Core, pool: Pool, alloc: (bytes: number) => number, target: number) => void | Promise<void>,
  options: PoolOptions = {},
): Promise<void> {
  const core = await init();
  const pool = await Pool.create(core, 3, options);
  const { alloc, release } = testHeap(core);
  try {
    await body(core, pool, alloc, alloc(8 * 1024));
  } finally {
    pool.retire();
    release();
  }
}

describe("threads", () => {
  for (const schedule of ["sequential", "reference"] as Schedule[]) {
    it(`give bit-identical results for 1, 2 and 3 threads (multiplicative updates, ${schedule})`, async () => {
      const models = [];
      for (const threads of [1, 2, 3]) {
        models.push(await fit(strata, { rank: 8, maxIter: 15, seed: 5, solver: "mu", schedule, threads }));
      }
      try {
        assert.equal(models[0].threads, 1);
        assert.ok(models[1].threads === 2 || models[1].threads === 1);
        const reference = bits(models[0]);
        for (const model of models.slice(1)) assert.deepEqual(bits(model), reference);
      } finally {
        models.forEach((m) => m.free());
      }
    });
  }

  // Rank 16: the HALS row updates (2 sweeps here) pass the executor's threshold too.
  for (
    const [label, options] of [
      ["HALS", { solver: "hals" }],
      ["HALS with L1 weights", { solver: "hals", l1V: 0.5, l1W: 0.1, l1H: 0.1 }],
      ["multiplicative updates with L1 weights", { solver: "mu", l1V: 0.5, l1W: 0.1, l1H: 0.1 }],
    ] as const
  ) {
    it(`give bit-identical results for 1, 2 and 3 threads (${label})`, async () => {
      const models = [];
      for (const threads of [1, 2, 3]) {
        models.push(await fit(strata, { rank: 16, maxIter: 8, seed: 5, threads, ...options }));
      }
      try {
        const reference = bits(models[0]);
        for (const model of models.slice(1)) assert.deepEqual(bits(model), reference);
      } finally {
        models.forEach((m) => m.free());
      }
    });
  }

  // Without a tracked loss, P = A Hᵀ of CSR strata is formed block by block in the W update
  // and the final loss sums ⟨W, P⟩ by blocks: still independent of the thread count.
  it("give bit-identical results for 1, 2 and 3 threads (sparse strata only: H kept as Hᵀ)", async () => {
    const sparse = csrStrata(23, [1500, 900, 1200], 500, 0.1);
    for (const solver of ["mu", "hals"] as const) {
      for (const trackLoss of [true, false]) {
        const models = [];
        for (const threads of [1, 2, 3]) {
          models.push(await fit(sparse, { rank: 8, maxIter: 10, seed: 5, solver, threads, trackLoss }));
        }
        try {
          const reference = bits(models[0]);
          for (const model of models.slice(1)) assert.deepEqual(bits(model), reference, `${solver}, ${trackLoss}`);
        } finally {
          models.forEach((m) => m.free());
        }
      }
    }
  });

  it("give transform() the same loadings for 1, 2 and 3 threads", async () => {
    const model = await fit(strata, { rank: 8, maxIter: 5, seed: 5, threads: 1 });
    try {
      // 1,200 rows × 203 columns, rank 8: the product plans pass the executor's threshold.
      const rows = denseStrata(31, [1200], 203)[0];
      const results = [];
      for (const threads of [1, 2, 3]) results.push(await transform(model, rows, { maxIter: 10, seed: 2, threads }));
      for (const result of results.slice(1)) {
        assert.deepEqual(Array.from(result.W), Array.from(results[0].W));
        assert.deepEqual(Array.from(result.v), Array.from(results[0].v));
      }
    } finally {
      model.free();
    }
  });

  it("run fits at once on one pool, each on its own thread count", async () => {
    // The second fit starts during the first one's iteration 1 and grows the pool when the first
    // yields to the event loop (every 50 ms); the first goes on with its own threads.
    const options = { rank: 16, maxIter: 100, seed: 5, solver: "mu", trackLoss: true } as const;
    const reference = await fit(strata, { ...options, threads: 1 });
    let second: Promise<Model> | undefined;
    const first = await fit(strata, {
      ...options,
      threads: 2,
      onProgress: ({ iteration }) => {
        if (iteration === 1) second = fit(strata, { ...options, threads: 3 });
      },
    });
    const models = [first, await second!];
    try {
      for (const model of models) assert.deepEqual(bits(model), bits(reference));
    } finally {
      [reference, ...models].forEach((m) => m.free());
    }
  });

  it("alternate thread counts between fits on one pool, with the same bits", async () => {
    const options = { rank: 16, maxIter: 2, seed: 5, solver: "hals" } as const;
    const reference = await fit(strata, { ...options, threads: 1 });
    const core = await init();
    const pools = new Set<Pool | undefined>();
    try {
      for (let round = 0; round < 40; round++) {
        const executor = await executorFor(core, 2 + (round % 2));
        const pool = executor.start();
        await pool?.ready();
        pools.add(pool);
        executor.close();
        const model = await fit(strata, { ...options, threads: 2 + (round % 2) });
        try {
          assert.deepEqual(bits(model), bits(reference), `round ${round}`);
        } finally {
          model.free();
        }
      }
      assert.equal(pools.size, 1, "one pool, never restarted");
    } finally {
      reference.free();
    }
  });

  it("wake only the workers a plan runs on (a pool grown to 3 threads runs a 2-thread plan on one worker)", async () => {
    await withPool(async (core, pool, alloc, target) => {
      const plan = zeroingPlan(core, alloc, target);
      pool.run(plan, 3);
      await pool.terminateWorker(1);
      for (let i = 0; i < 3; i++) pool.run(plan, 2);
      assert.throws(() => pool.run(plan, 3), /worker thread 2 of 2 stopped responding/);
    }, { minSilenceMs: 300 });
  });

  it("start no pool for a fit whose plans are all too small for threads", () => {
    const script = `
      import { fit, init } from "${root}sdk/mod.ts";
      import { executorFor } from "${root}sdk/threads/executor.ts";
      const core = await init();
      const model = await fit([{ data: [[1, 2, 3], [4, 5, 6], [7, 8, 9]] }], { rank: 2, maxIter: 20, threads: 2 });
      const executor = await executorFor(core, 2);
      console.log(JSON.stringify({ threads: model.threads, pool: executor.pool !== undefined }));`;
    const command = "Deno" in globalThis ? ["eval", script] : ["-e", script];
    assert.deepEqual(JSON.parse(execFileSync(process.execPath, command, { encoding: "utf8" })), {
      threads: 2,
      pool: false,
    });
  });

  it("keep the pool's control block out of the heap: a threaded fit leaves nothing allocated", SLOW, () => {
    // A process of its own: its heap is fresh, so what the fit leaves is all there is.
    const script = `
      import { fit, init } from "${root}sdk/mod.ts";
      import { denseStrata } from "${root}testing/fixtures.ts";
      import { executorFor } from "${root}sdk/threads/executor.ts";
      const core = await init();
      const before = core.heap.allocatedBytes;
      const model = await fit(denseStrata(3, [600, 400], 300), { rank: 16, maxIter: 3, seed: 1, threads: 2 });
      model.free();
      const executor = await executorFor(core, 2);
      const pool = executor.start();
      executor.close();
      console.log(JSON.stringify({ before, after: core.heap.allocatedBytes, pool: pool !== undefined }));`;
    const command = "Deno" in globalThis ? ["eval", script] : ["-e", script];
    const { before, after, pool } = JSON.parse(execFileSync(process.execPath, command, { encoding: "utf8" }));
    assert.ok(pool, "the fit started a pool");
    assert.equal(after, before);
  });

  it("runs on a pool of workers where the host has shared memory and workers", async () => {
    const model = await fit(strata, { rank: 6, maxIter: 2, seed: 5, threads: 2 });
    const executor = await executorFor(await init(), 2);
    try {
      assert.equal(model.threads, 2);
      const pool = executor.start();
      assert.ok(pool && pool.threads >= 2);
    } finally {
      executor.close();
      model.free();
    }
  });

  it("turn a kernel that traps on the pool into an error (not a hang), and the pool goes on", async () => {
    await withPool((core, pool, alloc, target) => {
      core.heap.f32(target, 2048).fill(1);
      assert.throws(() => pool.run(zeroingPlan(core, alloc, target, 5)), /the kernel zero_bytes failed/);
      core.heap.f32(target, 2048).fill(1);
      pool.run(zeroingPlan(core, alloc, target));
      assert.ok(core.heap.f32(target, 2048).every((x) => x === 0));
    });
  });

  it("turn a plan a thread cannot read into an error (not a dead worker and a hang), and the pool goes on", async () => {
    await withPool((core, pool, alloc, target) => {
      const plan = zeroingPlan(core, alloc, target);
      // Calls past the end of the memory: no thread can view them.
      const unreadable: Plan = { ...plan, calls: core.memory.buffer.byteLength + 4096 };
      assert.throws(() => pool.run(unreadable), /Cannot run a plan: a thread could not read it from memory/);
      core.heap.f32(target, 2048).fill(1);
      pool.run(plan);
      assert.ok(core.heap.f32(target, 2048).every((x) => x === 0));
    });
  });

  it("run plans that lie past 2 GiB of memory (addresses are unsigned up to 4 GiB)", async () => {
    const core = await init();
    // The filler's upper part lies past 2³¹ wherever the heap puts it: the plan, its data and its
    // results go there.
    const filler = core.heap.alloc(2 ** 31 + 2 ** 20);
    let top = filler + 2 ** 31;
    const high = (bytes: number) => {
      const ptr = top;
      top += Math.ceil(bytes / 16) * 16;
      return ptr;
    };
    const pool = await Pool.create(core, 3);
    try {
      const x = high(8 * 1024 * 4), results = high(8 * 8), target = high(8 * 1024);
      core.heap.f32(x, 8 * 1024).forEach((_, i, a) => (a[i] = (i % 7) + 0.5));
      core.heap.f32(target, 2048).fill(1);
      const builder = new PlanBuilder();
      for (let t = 0; t < 8; t++) {
        builder.task()
          .call("zero_bytes", [target + t * 1024, 1024])
          .call("f32_dot_f64", [x + t * 4096, x + t * 4096, 1024], results + t * 8);
      }
      const plan = builder.build(core, high);
      assert.ok(plan.calls >= 2 ** 31 && plan.tasks >= 2 ** 31);
      core.heap.f64(results, 8).fill(-1);
      pool.run(plan);
      assert.ok(core.heap.f32(target, 2048).every((v) => v === 0));
      const expected = Array.from({ length: 8 }, (_, t) => {
        let sum = 0;
        for (let i = t * 1024; i < (t + 1) * 1024; i++) sum += ((i % 7) + 0.5) ** 2;
        return sum;
      });
      assert.deepEqual(Array.from(core.heap.f64(results, 8)), expected);
    } finally {
      pool.retire();
      core.heap.release(filler);
    }
  });

  it("give a threaded fit whose memory lies past 2 GiB the bits of a fit in low memory", SLOW, () => {
    // A process of its own: its heap is fresh, so after a 2 GiB block everything the fits
    // allocate (data, factors, workspace, plans) lies past 2³¹.
    const script = `
      import { createHash } from "node:crypto";
      import { fit, init } from "${root}sdk/mod.ts";
      import { csrStrata, denseStrata } from "${root}testing/fixtures.ts";
      const core = await init();
      const strata = [...denseStrata(21, [601, 387], 203), ...csrStrata(22, [820, 99], 203, 0.1)];
      const run = async (threads, solver) => {
        const model = await fit(strata, { rank: 16, maxIter: 4, seed: 5, solver, threads });
        const hash = createHash("sha256");
        for (const a of [...model.V, ...model.W, model.H, model.lossHistory]) hash.update(new Uint8Array(a.slice().buffer));
        const out = hash.digest("hex");
        const where = model.H.byteOffset;
        model.free();
        return { out, where, threads: model.threads };
      };
      const low = [await run(1, "mu"), await run(1, "hals")];
      core.heap.alloc(2 ** 31);
      const high = [await run(3, "mu"), await run(3, "hals"), await run(1, "hals")];
      console.log(JSON.stringify({ low, high }));`;
    // The runtime running the tests runs the script (its engine's views past 2³¹ are what is tested).
    const command = "Deno" in globalThis ? ["eval", script] : ["-e", script];
    const { low, high } = JSON.parse(execFileSync(process.execPath, command, { encoding: "utf8" }));
    for (const fit of high) assert.ok(fit.where >= 2 ** 31, `H at ${fit.where}`);
    assert.equal(high[0].threads, 3);
    assert.equal(high[0].out, low[0].out);
    assert.equal(high[1].out, low[1].out);
    assert.equal(high[2].out, low[1].out);
  });

  it("fail a plan whose worker disappeared (not a hang) and give up the pool", async () => {
    await withPool(async (core, pool, alloc, target) => {
      const plan = zeroingPlan(core, alloc, target);
      pool.run(plan);
      await pool.terminateWorker(1);
      assert.throws(() => pool.run(plan), /worker thread 2 of 2 stopped responding/);
      assert.throws(() => pool.run(plan), /the thread pool was stopped/);
      assert.equal(pool.acquire(), false, "the pool takes no new users");
    }, { minSilenceMs: 300 });
  });

  it("fail the fit whose pool lost a worker, and start a new pool for the next fit", SLOW, async () => {
    const options = { rank: 16, maxIter: 2, seed: 5, solver: "hals" } as const;
    const reference = await fit(strata, { ...options, threads: 1 });
    const core = await init();
    const executor = await executorFor(core, 3);
    try {
      const pool = executor.start();
      assert.ok(pool, "a pool of 3 threads");
      await pool.ready();
      await pool.terminateWorker(0);
      await assert.rejects(fit(strata, { ...options, threads: 3 }), /worker thread 1 of 2 stopped responding/);
    } finally {
      executor.close();
    }
    const model = await fit(strata, { ...options, threads: 3 });
    try {
      assert.equal(model.threads, 3);
      assert.deepEqual(bits(model), bits(reference));
    } finally {
      [model, reference].forEach((m) => m.free());
    }
  });

  it("rejects a thread count below 1", async () => {
    await assert.rejects(
      fit(strata, { rank: 2, threads: 0 }),
      /options.threads must be an integer in \[1, 64\], got 0/,
    );
  });
});

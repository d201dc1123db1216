// The heap's blocks carved from one allocation (Slab), and the plans encoded into one: what a
// solver allocates in two blocks instead of one per buffer and per plan.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { init } from "../sdk/mod.ts";
import { blockBytes, CACHE_LINE, Slab } from "../sdk/runtime/heap.ts";
import { Executor } from "../sdk/threads/executor.ts";
import { PlanBuilder } from "../sdk/threads/plan.ts";

describe("slab", () => {
  it("carves blocks in order, each rounded as the heap rounds it, and refuses to pass its end", () => {
    const slab = new Slab(1024, 64);
    assert.deepEqual([slab.alloc(1), slab.alloc(16), slab.alloc(17)], [1024, 1040, 1056]);
    assert.throws(() => slab.alloc(1), /Cannot carve 1 bytes: the slab has 0 left/);
    assert.deepEqual([blockBytes(0), blockBytes(1), blockBytes(16), blockBytes(17)], [16, 16, 16, 32]);
  });
});

describe("slab on cache lines", () => {
  it("starts every block on its own line from any 16-aligned start, within the bytes bytesFor gives", () => {
    const sizes = [1, 64, 65, 3200, 16, 2560];
    for (const start of [1024, 1040, 1056, 1072]) {
      const bytes = Slab.bytesFor(sizes, CACHE_LINE);
      const slab = new Slab(start, bytes, CACHE_LINE);
      const ptrs = sizes.map((size) => slab.alloc(size));
      ptrs.forEach((ptr, b) => {
        assert.equal(ptr % CACHE_LINE, 0, `block ${b} from ${start}`);
        if (b > 0) assert.ok(ptr >= ptrs[b - 1] + Math.ceil(sizes[b - 1] / CACHE_LINE) * CACHE_LINE, "no line shared");
      });
      assert.ok(ptrs[ptrs.length - 1] + sizes[sizes.length - 1] <= start + bytes, `within the slab from ${start}`);
    }
    // From a start on a line, bytesFor asks for 48 bytes more than it uses: the slack for the others.
    assert.equal(Slab.bytesFor([1, 65], CACHE_LINE), 64 + 128 + 48);
  });
});

describe("plan encoding", () => {
  it("takes exactly the bytes it announces, and runs on the calling thread with its results stored", async () => {
    const core = await init();
    const x = core.heap.alloc(64 * 4), results = core.heap.alloc(3 * 8);
    try {
      core.heap.f32(x, 64).forEach((_, i, a) => (a[i] = (i % 5) + 0.25));
      const builder = new PlanBuilder();
      for (let t = 0; t < 3; t++) builder.task().call("f32_dot_f64", [x + t * 64, x + t * 64, 16], results + t * 8);
      builder.task(); // empty: dropped
      const bytes = builder.encodedBytes;
      const block = core.heap.alloc(bytes);
      const slab = new Slab(block, bytes);
      const plan = builder.build(core, (size) => slab.alloc(size));
      assert.throws(() => slab.alloc(1), /the slab has 0 left/);
      assert.deepEqual([plan.callCount, plan.taskCount], [3, 3]);
      core.heap.f64(results, 3).fill(-1);
      new Executor(core).run(plan);
      const expected = [0, 1, 2].map((t) => {
        let sum = 0;
        for (let i = t * 16; i < (t + 1) * 16; i++) sum += ((i % 5) + 0.25) ** 2;
        return sum;
      });
      assert.deepEqual(Array.from(core.heap.f64(results, 3)), expected);
      core.heap.release(block);
    } finally {
      core.heap.release(x);
      core.heap.release(results);
    }
  });
});

/**
 * Plans: the kernel calls of one step of an iteration, encoded once per fit in wasm memory so
 * the calling thread and the workers read the same list. A plan is a list of tasks; a task is
 * a list of calls run in order by one thread; tasks write disjoint memory, so they may run in
 * any order on any thread and the result does not depend on which.
 *
 * A call is CALL_WORDS float64: the kernel's opcode (its index in sdk/runtime/kernels.ts), the
 * result pointer (where a scalar result is stored; 0 for none), then the arguments (room for the
 * registry's largest arity). Float64 words hold every pointer exactly, up to the 4 GiB of a
 * wasm32 memory.
 *
 * @module
 */

import type { Core } from "../runtime/core.ts";
import { type KernelName, KERNELS, MAX_ARITY, opcode } from "../runtime/kernels.ts";

/** Float64 words of an encoded call: opcode, result pointer, arguments. */
export const CALL_WORDS: number = 2 + MAX_ARITY;

/** Arguments the calling thread's closures pass (a0 … a9 below: a fixed list is the fastest call on every engine). */
const INLINE_ARGS = 10;
if (MAX_ARITY > INLINE_ARGS) throw new Error(`plan.ts: a kernel takes more than the ${INLINE_ARGS} inline arguments`);

/** An encoded plan, resident in wasm memory until its owner frees it. */
export interface Plan {
  /** Byte offset of the calls (CALL_WORDS float64 each). */
  readonly calls: number;
  /** Byte offset of the task bounds: taskCount + 1 int32 call indices. */
  readonly tasks: number;
  readonly taskCount: number;
  /** Estimated floating-point operations: small plans run on the calling thread only. */
  readonly work: number;
  /**
   * The same calls as closures over the calling thread's kernels, in plan order, for running
   * on the calling thread alone without decoding; each returns the kernel's result.
   */
  readonly inline: readonly { run: () => number; result: number }[];
}

type Call = { kernel: KernelName; index: number; args: number[]; result: number };

/** Collects tasks of calls, then encodes them. */
export class PlanBuilder {
  readonly #tasks: Call[][] = [];
  #work = 0;

  /** Starts a task; calls added until the next `task()` belong to it. */
  task(): this {
    this.#tasks.push([]);
    return this;
  }

  /**
   * Adds a call to the current task. `result`: where to store a scalar result (0: nowhere).
   * @throws {RangeError} when `args` does not have one number per parameter of the kernel.
   */
  call(kernel: KernelName, args: number[], result = 0): this {
    const index = opcode(kernel);
    const arity = KERNELS[index].params.length;
    if (args.length !== arity) {
      throw new RangeError(`Cannot add a call to a plan: ${kernel} takes ${arity} arguments, got ${args.length}`);
    }
    if (this.#tasks.length === 0) this.task();
    this.#tasks[this.#tasks.length - 1].push({ kernel, index, args, result });
    return this;
  }

  /** Adds to the work estimate (floating-point operations). */
  work(flops: number): this {
    this.#work += flops;
    return this;
  }

  /** Encodes the plan into memory from `alloc`. Empty tasks are dropped. */
  build(core: Core, alloc: (bytes: number) => number): Plan {
    const tasks = this.#tasks.filter((t) => t.length > 0);
    const callCount = tasks.reduce((n, t) => n + t.length, 0);
    const calls = alloc(Math.max(1, callCount) * CALL_WORDS * 8);
    const bounds = alloc((tasks.length + 1) * 4);
    const words = core.heap.f64(calls, callCount * CALL_WORDS);
    const taskBounds = core.heap.i32(bounds, tasks.length + 1);
    let c = 0;
    tasks.forEach((task, t) => {
      taskBounds[t] = c;
      for (const { index, args, result } of task) {
        const o = c * CALL_WORDS;
        words[o] = index;
        words[o + 1] = result;
        args.forEach((a, i) => (words[o + 2 + i] = a));
        c++;
      }
    });
    taskBounds[tasks.length] = c;
    const inline = tasks.flat().map(({ kernel, args, result }) => {
      const fn = core.kernels[kernel] as (...a: number[]) => number;
      const [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9] = args;
      return { run: () => fn(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9), result };
    });
    return { calls, tasks: bounds, taskCount: tasks.length, work: this.#work, inline };
  }
}

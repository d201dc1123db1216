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
import { callKernel } from "../generated/call_kernel.ts";
import { blockBytes } from "../runtime/heap.ts";

/** Float64 words of an encoded call: opcode, result pointer, arguments. */
export const CALL_WORDS: number = 2 + MAX_ARITY;

/** An encoded plan, resident in wasm memory until its owner frees it. */
export interface Plan {
  /** Byte offset of the calls (CALL_WORDS float64 each). */
  readonly calls: number;
  /** Calls in the plan, over all its tasks. */
  readonly callCount: number;
  /** Byte offset of the task bounds: taskCount + 1 int32 call indices. */
  readonly tasks: number;
  readonly taskCount: number;
  /** Estimated floating-point operations: small plans run on the calling thread only. */
  readonly work: number;
}

/**
 * Runs every call of `plan` on the calling thread, in plan order, decoded from memory by the
 * same `callKernel` as the pool's threads (sdk/generated/call_kernel.ts), storing scalar results.
 */
export function runHere(core: Core, plan: Plan): void {
  const kernels = core.kernels;
  // Kernels do not grow the memory: one view serves the whole plan.
  const w = core.heap.f64Memory();
  const first = plan.calls / 8;
  for (let c = 0; c < plan.callCount; c++) {
    const o = first + c * CALL_WORDS;
    const value = callKernel(kernels, w, o);
    if (w[o + 1] !== 0) w[w[o + 1] / 8] = value;
  }
}

type Call = { index: number; args: number[]; result: number };

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
    this.#tasks[this.#tasks.length - 1].push({ index, args, result });
    return this;
  }

  /** Adds to the work estimate (floating-point operations). */
  work(flops: number): this {
    this.#work += flops;
    return this;
  }

  /** Bytes `build` allocates: the calls and the task bounds, each a block of the heap. */
  get encodedBytes(): number {
    let tasks = 0, calls = 0;
    for (const task of this.#tasks) {
      if (task.length > 0) tasks++, calls += task.length;
    }
    return blockBytes(Math.max(1, calls) * CALL_WORDS * 8) + blockBytes((tasks + 1) * 4);
  }

  /** Encodes the plan into memory from `alloc` ({@link encodedBytes} in two blocks). Empty tasks are dropped. */
  build(core: Core, alloc: (bytes: number) => number): Plan {
    const tasks = this.#tasks.filter((t) => t.length > 0);
    const callCount = tasks.reduce((n, t) => n + t.length, 0);
    const calls = alloc(Math.max(1, callCount) * CALL_WORDS * 8);
    const bounds = alloc((tasks.length + 1) * 4);
    const words = core.heap.f64(calls, callCount * CALL_WORDS);
    const taskBounds = core.heap.i32(bounds, tasks.length + 1);
    let c = 0;
    for (let t = 0; t < tasks.length; t++) {
      taskBounds[t] = c;
      for (const { index, args, result } of tasks[t]) {
        const o = c * CALL_WORDS;
        words[o] = index;
        words[o + 1] = result;
        for (let i = 0; i < args.length; i++) words[o + 2 + i] = args[i];
        c++;
      }
    }
    taskBounds[tasks.length] = c;
    return { calls, callCount, tasks: bounds, taskCount: tasks.length, work: this.#work };
  }
}

/**
 * A program: plans run `repeats` times in order by one thread (a lane of the pool, running the
 * iterations of one fit while the calling thread goes on; sdk/threads/worker_code.ts's
 * `runProgram`). Resident in wasm memory from {@link encodeProgram} until its owner releases
 * `address`.
 */
export interface Program {
  /**
   * Byte offset of the int32 words: repeats, the memory's pages, the plan count, then (calls,
   * tasks, taskCount) per plan.
   */
  readonly address: number;
  readonly repeats: number;
  /** The largest plan's work estimate (floating-point operations): bounds a call's silence. */
  readonly work: number;
}

/** Encodes `plans`, to run `repeats` times in order, into a block of the core's heap. */
export function encodeProgram(core: Core, plans: readonly Plan[], repeats: number): Program {
  const address = core.heap.alloc(4 * (3 + 3 * plans.length));
  const words = core.heap.i32(address, 3 + 3 * plans.length);
  words[0] = repeats;
  words[1] = core.memory.buffer.byteLength / 65536;
  words[2] = plans.length;
  plans.forEach((plan, p) => words.set([plan.calls, plan.tasks, plan.taskCount], 3 + 3 * p));
  return { address, repeats, work: plans.reduce((most, plan) => Math.max(most, plan.work), 0) };
}

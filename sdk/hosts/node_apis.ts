/**
 * `node:worker_threads` and `node:os` for the thread pool, on hosts that have them (Node, Deno;
 * Bun has them too but its Web Workers are used). Imported only by entry modules, never by the
 * runtime-neutral SDK (sdk/runtime/host_apis.ts).
 *
 * @module
 */

import { type NodeWorkerThreads, setHostApis } from "../runtime/host_apis.ts";

/** Registers `node:worker_threads` and `os.availableParallelism()` (loaded on first use). */
export function registerNodeApis(): void {
  setHostApis({
    workerThreads: async () => (await import("node:worker_threads")) as unknown as NodeWorkerThreads,
    availableParallelism: async () => {
      const os = await import("node:os");
      return os.availableParallelism?.() ?? os.cpus().length;
    },
  });
}

/**
 * Host APIs the runtime-neutral SDK uses where they exist but never imports: the entry modules
 * of the hosts that have them register them (`sdk/hosts/node_apis.ts`, for Node and Deno). So
 * the import graph of `sdk/api.ts` names no `node:` module, and bundlers for browsers and edge
 * hosts take it as is.
 *
 * @module
 */

/** The part of `node:worker_threads` the thread pool uses. */
export interface NodeWorkerThreads {
  Worker: new (source: string, options: { eval: true }) => unknown;
}

/** Host APIs an entry module can supply. */
export interface HostApis {
  /** `node:worker_threads` (Node, and Deno, whose Web Workers would keep the process alive). */
  workerThreads?: () => Promise<NodeWorkerThreads>;
  /** Logical cores, where `navigator.hardwareConcurrency` is missing (Node 20). */
  availableParallelism?: () => Promise<number>;
}

let apis: HostApis = {};

/** Adds host APIs (entry modules call this before anything else runs). */
export function setHostApis(value: HostApis): void {
  apis = { ...apis, ...value };
}

/** The host APIs registered so far. */
export function hostApis(): Readonly<HostApis> {
  return apis;
}

/**
 * `node:worker_threads`, as registered by the entry module.
 * @throws {Error} when no entry module registered it.
 */
export function nodeWorkerThreads(): Promise<NodeWorkerThreads> {
  if (!apis.workerThreads) {
    throw new Error("Cannot start threads: node:worker_threads was not registered by the entry module");
  }
  return apis.workerThreads();
}

/**
 * What the host can do, detected once: SIMD, shared memory, workers and cores. The SDK picks
 * the thread pool or the single-thread path from this by itself.
 *
 * @module
 */

import { hostApis } from "./host_apis.ts";

/** How workers are made on this host. */
export type WorkerKind = "web" | "node";

export interface Platform {
  /** WebAssembly SIMD (f32x4) validates. */
  simd: boolean;
  /** A `shared: true` WebAssembly.Memory can be created (and, in browsers, the page is cross-origin isolated). */
  sharedMemory: boolean;
  /**
   * Workers: `"node"` (`node:worker_threads`: Node, and Deno, whose Web Workers cannot be
   * unref'ed and would keep the process alive; only where the entry module registered it, see
   * host_apis.ts), `"web"` (Bun, browsers), or null.
   */
  workers: WorkerKind | null;
  /** Logical cores (`navigator.hardwareConcurrency`; null when the host does not say). */
  cores: number | null;
}

/** The smallest module using a v128 instruction: validates only where SIMD exists. */
const SIMD_PROBE = new Uint8Array([
  0,
  97,
  115,
  109,
  1,
  0,
  0,
  0,
  1,
  5,
  1,
  96,
  0,
  1,
  123,
  3,
  2,
  1,
  0,
  10,
  10,
  1,
  8,
  0,
  65,
  0,
  253,
  15,
  253,
  98,
  11,
]);

let cached: Platform | undefined;

interface HostGlobals {
  Deno?: unknown;
  Bun?: unknown;
  process?: { versions?: { node?: string } };
  crossOriginIsolated?: boolean;
  Worker?: unknown;
  navigator?: { hardwareConcurrency?: number };
}

function detectWorkers(host: HostGlobals): WorkerKind | null {
  const nodeWorkers = hostApis().workerThreads !== undefined ? "node" : null;
  if (host.Deno !== undefined) return nodeWorkers;
  if (host.Bun !== undefined) return "web";
  if (host.process?.versions?.node !== undefined) return nodeWorkers;
  return typeof host.Worker === "function" ? "web" : null;
}

function detectSharedMemory(host: HostGlobals): boolean {
  if (host.crossOriginIsolated === false) return false;
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return typeof SharedArrayBuffer === "function";
  } catch {
    return false;
  }
}

/**
 * Logical cores: `navigator.hardwareConcurrency`, or on Node 20 (no `navigator`)
 * `os.availableParallelism()` as registered by the entry module; 1 when neither exists.
 */
export async function cores(): Promise<number> {
  const known = platform().cores;
  if (known !== null) return Math.max(1, known);
  const counted = await hostApis().availableParallelism?.();
  return Math.max(1, counted ?? 1);
}

/** The host's capabilities (detected on first call, then cached). */
export function platform(): Platform {
  if (cached) return cached;
  const host = globalThis as HostGlobals;
  cached = {
    simd: WebAssembly.validate(SIMD_PROBE),
    sharedMemory: detectSharedMemory(host),
    workers: detectWorkers(host),
    cores: host.navigator?.hardwareConcurrency ?? null,
  };
  return cached;
}

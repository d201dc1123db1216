/**
 * Loading the WebAssembly core: one memory, one instance, the kernel exports.
 *
 * The module imports its memory (`env.memory`). Four builds come from the same source: SIMD or
 * scalar kernels (the scalar build serves hosts without WebAssembly SIMD and gives the same
 * bits), each importing a shared memory (needed by worker threads running kernels on the same
 * matrices) or a plain one. {@link platform} picks the build; the host's entry module (see
 * `sdk/hosts/`) supplies it through a {@link WasmLoader}: embedded bytes, a file read, a fetch,
 * or a module the host's bundler compiled. Nothing here touches a host API. Loading is
 * idempotent: the first successful `init()` (or the first fit, which calls it) wins.
 *
 * @module
 */

import { Heap } from "./heap.ts";
import type { Kernels } from "./kernels.ts";
import { platform } from "./platform.ts";

export type { Kernels } from "./kernels.ts";

/** A loaded core: the kernels, their memory and the allocator over it. */
export interface Core {
  readonly kernels: Kernels;
  /** The compiled module (workers instantiate it on the same memory). */
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly heap: Heap;
  /** Whether the memory is a shared memory (`SharedArrayBuffer`-backed). */
  readonly shared: boolean;
  /** The build the host's loader supplied; undefined when `init()` was given the module. */
  readonly build?: WasmBuild;
}

/** One build of the core: SIMD or scalar kernels, importing a shared or a plain memory. */
export interface WasmBuild {
  readonly simd: boolean;
  readonly shared: boolean;
}

/** The file of a build, as shipped in `dist/`: `snmf[.scalar][.shared].wasm`. */
export function wasmFileName(build: WasmBuild): string {
  return `snmf${build.simd ? "" : ".scalar"}${build.shared ? ".shared" : ""}.wasm`;
}

/**
 * How a host's entry module obtains the compiled core (each entry in `sdk/hosts/` registers
 * one with {@link setWasmLoader}). A loader may return a module of another build than asked when
 * its host ships only one (Cloudflare Workers: SIMD, plain memory); the memory then falls back.
 */
export interface WasmLoader {
  /** The compiled module of a build. */
  load(build: WasmBuild): Promise<WebAssembly.Module>;
  /** The same without waiting, where the host can (used by `getCore()`); absent where it cannot. */
  loadSync?(build: WasmBuild): WebAssembly.Module;
}

/** What `init()` accepts as the module: bytes, a compiled module, or a URL to fetch. */
export type WasmSource = BufferSource | WebAssembly.Module | URL | string;

/** Options of {@link init}. */
export interface InitOptions {
  /**
   * The module to use instead of the one the entry module loads: a `WebAssembly.Module` (hosts
   * that forbid compiling from bytes and that no export condition foresees), bytes, or a URL
   * (fetched). Any build (`snmf[.scalar][.shared].wasm`) is accepted.
   */
  wasm?: WasmSource;
  /** Use a shared memory if possible (default `true`). */
  shared?: boolean;
}

const PAGE = 65536;
const MAX_PAGES = 65536;

let core: Core | undefined;
let pending: Promise<Core> | undefined;
let loader: WasmLoader | undefined;

/**
 * Registers how this host loads the core (called by the entry modules in `sdk/hosts/`; the last
 * registration wins). Has no effect on a core that is already loaded.
 */
export function setWasmLoader(value: WasmLoader): void {
  loader = value;
}

function requireLoader(): WasmLoader {
  if (!loader) {
    throw new Error(
      "Cannot load the WebAssembly core: this module has no loader for the host; import the package's entry (stratified-nmf) or pass init({ wasm })",
    );
  }
  return loader;
}

/** The build for this host: scalar kernels without SIMD, a shared memory only where workers can use it. */
function chooseBuild(preferShared: boolean): WasmBuild {
  const { simd, sharedMemory, workers } = platform();
  return { simd, shared: preferShared && sharedMemory && workers !== null };
}

function canShareMemory(): boolean {
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

function createMemory(shared: boolean): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared });
}

function link(module: WebAssembly.Module, shared: boolean): Core {
  const memory = createMemory(shared);
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const kernels = instance.exports as unknown as Kernels;
  // heap_base is a wasm32 usize: read its bits as unsigned.
  return { kernels, module, memory, shared, heap: new Heap(memory, kernels.heap_base() >>> 0, PAGE, MAX_PAGES) };
}

/** Instantiates a module of either build: shared memory first where wanted, then plain. */
function instantiate(module: WebAssembly.Module, preferShared: boolean): Core {
  if (preferShared && canShareMemory()) {
    try {
      return link(module, true);
    } catch (error) {
      if (!(error instanceof WebAssembly.LinkError)) throw error;
    }
  }
  return link(module, false);
}

/** Instantiates the module a loader supplied for `build` (its memory falls back if it is another build). */
function instantiateBuild(module: WebAssembly.Module, build: WasmBuild): Core {
  const linked = instantiate(module, build.shared);
  return { ...linked, build: { simd: build.simd, shared: linked.shared } };
}

async function compile(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof URL || typeof source === "string") {
    const response = await fetch(source);
    if (!response.ok) throw new Error(`Cannot load the WebAssembly core: ${source} answered ${response.status}`);
    return WebAssembly.compile(await response.arrayBuffer());
  }
  return WebAssembly.compile(source);
}

/**
 * Loads the WebAssembly core. Optional: `fit()`, `transform()` and `Model.fromJSON()` load the
 * build this host needs on first use. Call it first to supply the module yourself (hosts that
 * refuse to compile WebAssembly from bytes and that the package's export conditions do not
 * cover) or to choose a plain memory.
 *
 * Idempotent: once a core is loaded, later calls return it and ignore their options.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { init } from "stratified-nmf";
 *
 * const core = await init();
 * assert.ok(core.memory instanceof WebAssembly.Memory);
 * assert.equal(await init({ shared: false }), core); // loaded once: later options are ignored
 * ```
 */
export function init(options: InitOptions = {}): Promise<Core> {
  if (core) return Promise.resolve(core);
  pending ??= (async () => {
    const preferShared = options.shared ?? true;
    if (options.wasm !== undefined) {
      const module = await compile(options.wasm);
      core ??= instantiate(module, preferShared);
      return core;
    }
    const build = chooseBuild(preferShared);
    const module = await requireLoader().load(build);
    core ??= instantiateBuild(module, build);
    return core;
  })();
  pending.catch(() => (pending = undefined));
  return pending;
}

/**
 * The loaded core, loading this host's build synchronously if nothing is loaded yet.
 * @throws {Error} where the host loads the core asynchronously only (browsers fetch it) and
 *   nothing awaited `init()` yet.
 */
export function getCore(): Core {
  if (core) return core;
  const { loadSync } = requireLoader();
  if (!loadSync) {
    throw new Error("Cannot load the WebAssembly core synchronously on this host: await init() first");
  }
  const build = chooseBuild(true);
  core = instantiateBuild(loadSync(build), build);
  return core;
}

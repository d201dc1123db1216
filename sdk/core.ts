/**
 * Loading the WebAssembly core: one memory, one instance, the kernel exports.
 *
 * The module imports its memory (`env.memory`). Where the host can create a shared memory
 * (`shared: true`, needed by worker threads running kernels on the same matrices) the shared
 * build is used; otherwise the build that imports a plain memory. Loading is idempotent: the
 * first successful `init()` (or the first fit, which loads the embedded bytes) wins.
 *
 * @module
 */

import { decodeBase64, SHARED_WASM_BASE64, UNSHARED_WASM_BASE64 } from "./generated/wasm_bytes.ts";
import { Heap } from "./heap.ts";

/** The kernels the module exports; pointers are byte offsets into the memory. */
export interface Kernels {
  heap_base(): number;
  f32_aht_wta(a: number, m: number, n: number, h: number, k: number, p: number, w: number, nacc: number): void;
  csr_aht_wta(
    indptr: number,
    indices: number,
    values: number,
    m: number,
    ht: number,
    k: number,
    p: number,
    w: number,
    ntacc: number,
  ): void;
  csr_colsum_f64(indices: number, values: number, nnz: number, n: number, out: number): void;
  f32_colsum_f64(x: number, m: number, n: number, out: number): void;
  f32_dot_f32_f64(x: number, y: number, len: number): number;
  f32_dot_f64_f64(x: number, y: number, len: number): number;
  f32_gram_f64(x: number, m: number, n: number, out: number): void;
  f32_matvec_f32_f64(x: number, m: number, n: number, vec: number, out: number): void;
  f32_matvec_f64_f64(x: number, m: number, n: number, vec: number, out: number): void;
  f32_outer_acc_f64(u: number, n: number, w: number, k: number, out: number): void;
  f32_transpose(src: number, m: number, n: number, dst: number, accumulate: number): void;
  mu_update_rows(
    x: number,
    rows: number,
    k: number,
    num: number,
    gram: number,
    offset: number,
    offsetStride: number,
    eps: number,
    scratch: number,
  ): void;
  v_update(v: number, c: number, t: number, m: number, n: number, eps: number): void;
  f32_gram_acc_f64(x: number, m: number, n: number, out: number, scratch: number): void;
  f32_gemv(h: number, k: number, n: number, v: number, out: number): void;
  f32_gemv_t(h: number, k: number, n: number, w: number, out: number): void;
  f32_shift_term(v: number, ldv: number, s: number, rows: number, w: number, kPad: number, out: number): void;
  f32_sum_slots(dst: number, src: number, slots: number, stride: number, len: number): void;
  f64_sum_slots(dst: number, src: number, slots: number, stride: number, len: number): void;
  f64_to_f32_padded(src: number, rows: number, cols: number, dst: number, dstCols: number): void;
  zero_bytes(ptr: number, bytes: number): void;
  // HALS, L1-penalized multiplicative updates and the NNDSVD start (assembly/hals.ts).
  hals_update_rows(
    x: number,
    rows: number,
    k: number,
    num: number,
    gram: number,
    offset: number,
    offsetStride: number,
    shift: number,
    sweeps: number,
    scratch: number,
  ): void;
  hals_v_update(v: number, c: number, t: number, n: number, m: number, shift: number): void;
  mu_l1_update_rows(
    x: number,
    rows: number,
    k: number,
    num: number,
    gram: number,
    offset: number,
    offsetStride: number,
    eps: number,
    scratch: number,
  ): void;
  mu_l1_v_update(v: number, c: number, t: number, n: number, m: number, eps: number, times: number): void;
  hals_matvec_f64(x: number, k: number, n: number, vec: number, out: number): void;
  hals_htw_f64(h: number, k: number, n: number, w: number, out: number): void;
  hals_gram_f64(x: number, m: number, k: number, out: number): void;
  hals_shift_f64(u: number, s: number, n: number, z: number, k: number, out: number): void;
  f32_rmul_f64(x: number, rows: number, l: number, t: number, cols: number, out: number): void;
  f32_sub_rowvec_f64(x: number, rows: number, cols: number, vec: number): void;
  f32_colmin(a: number, m: number, n: number, out: number): void;
}

/** Name of an exported kernel. */
export type KernelName = Exclude<keyof Kernels, "heap_base">;

/**
 * Every kernel, in a fixed order: plans (sdk/plan.ts) name kernels by their index here, on the
 * calling thread and in workers alike.
 */
export const KERNEL_NAMES: readonly KernelName[] = [
  "f32_aht_wta",
  "csr_aht_wta",
  "csr_colsum_f64",
  "f32_colsum_f64",
  "f32_dot_f32_f64",
  "f32_dot_f64_f64",
  "f32_gram_f64",
  "f32_gram_acc_f64",
  "f32_matvec_f32_f64",
  "f32_matvec_f64_f64",
  "f32_outer_acc_f64",
  "f32_transpose",
  "mu_update_rows",
  "v_update",
  "f32_gemv",
  "f32_gemv_t",
  "f32_shift_term",
  "f32_sum_slots",
  "f64_sum_slots",
  "f64_to_f32_padded",
  "zero_bytes",
];

/** A loaded core: the kernels, their memory and the allocator over it. */
export interface Core {
  readonly kernels: Kernels;
  /** The compiled module (workers instantiate it on the same memory). */
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly heap: Heap;
  /** Whether the memory is a shared memory (`SharedArrayBuffer`-backed). */
  readonly shared: boolean;
}

/** What `init()` accepts as the module: bytes, a compiled module, or a URL to fetch. */
export type WasmSource = BufferSource | WebAssembly.Module | URL | string;

/** Options of {@link init}. */
export interface InitOptions {
  /**
   * The module to use instead of the embedded bytes: a `WebAssembly.Module` (hosts that forbid
   * compiling from bytes, such as Cloudflare Workers), bytes, or a URL (fetched). Either build
   * (`snmf.shared.wasm` or `snmf.wasm`) is accepted.
   */
  wasm?: WasmSource;
  /** Use a shared memory if possible (default `true`). */
  shared?: boolean;
}

const PAGE = 65536;
const MAX_PAGES = 65536;

let core: Core | undefined;
let pending: Promise<Core> | undefined;

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
  return { kernels, module, memory, shared, heap: new Heap(memory, kernels.heap_base(), PAGE, MAX_PAGES) };
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
 * Loads the WebAssembly core. Optional: `fit()` and `Model.fromJSON()` load the embedded
 * module on first use. Call it first to supply the module yourself (hosts that refuse to
 * compile WebAssembly from bytes) or to choose a plain memory.
 *
 * Idempotent: once a core is loaded, later calls return it and ignore their options.
 *
 * @example
 * ```ts
 * import { init } from "./mod.ts";
 * const core = await init();
 * console.assert(core.memory instanceof WebAssembly.Memory);
 * ```
 */
export function init(options: InitOptions = {}): Promise<Core> {
  if (core) return Promise.resolve(core);
  pending ??= (async () => {
    const shared = options.shared ?? true;
    const module = options.wasm === undefined
      ? new WebAssembly.Module(decodeBase64(shared && canShareMemory() ? SHARED_WASM_BASE64 : UNSHARED_WASM_BASE64))
      : await compile(options.wasm);
    core = instantiate(module, shared);
    return core;
  })();
  pending.catch(() => (pending = undefined));
  return pending;
}

/** The loaded core, loading the embedded module synchronously if nothing is loaded yet. */
export function getCore(): Core {
  if (core) return core;
  const shared = canShareMemory();
  core = instantiate(new WebAssembly.Module(decodeBase64(shared ? SHARED_WASM_BASE64 : UNSHARED_WASM_BASE64)), shared);
  return core;
}

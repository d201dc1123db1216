/**
 * The kernel registry: every kernel the WebAssembly core exports, with its parameters and its
 * result, in one list. Everything else that knows the kernels is derived from it: the
 * {@link Kernels} type of the instance's exports, the opcodes plans encode (a kernel's index
 * here), the size of an encoded call ({@link MAX_ARITY}), the scalar-vs-SIMD test's coverage
 * (tests/scalar_test.ts fails on a kernel without a case), the kernel benchmark's list
 * (bench/kernels.ts) and the check that the built module exports exactly these (tests/wasm_test.ts).
 *
 * Parameters are named as in assembly/ (their documentation is there). Every parameter is a
 * number: a byte pointer (wasm32 `usize`: unsigned, up to 4 GiB), a size or a flag (wasm `i32`),
 * or a float (`f32` or `f64`, listed in `floats`; tests/wasm_test.ts checks the list against the
 * build). Plans call kernels through sdk/generated/call_kernel.ts, which scripts/build.mjs
 * generates from this list: integer arguments go in as int32, floats as they are. Adding a
 * kernel: export it from assembly/index.ts and list it here.
 *
 * @module
 */

/** What a kernel returns: nothing, or a float64 (a reduction's value). */
export type KernelResult = "void" | "f64";

/** One kernel: its export name, its parameters in order, which of them are floats, its result. */
export interface KernelSpec {
  readonly name: string;
  readonly params: readonly string[];
  /** The parameters that are `f32` or `f64` (the others are `i32`). */
  readonly floats?: readonly string[];
  readonly result: KernelResult;
}

/** Every kernel, in opcode order (plans name a kernel by its index here). */
export const KERNELS = [
  // Products with the data (assembly/products/dense.ts, csr.ts).
  { name: "f32_aht_wta", params: ["a", "m", "n", "h", "k", "p", "w", "nacc"], result: "void" },
  { name: "csr_aht_atw", params: ["indptr", "indices", "values", "m", "ht", "k", "p", "w", "ntacc"], result: "void" },
  { name: "csr_atw_ranges", params: ["starts", "ends", "indices", "values", "m", "w", "k", "nt"], result: "void" },
  {
    name: "csr_mul_f64",
    params: ["indptr", "indices", "values", "m", "x", "k", "out", "accumulate"],
    result: "void",
  },
  // Products with the small factors, H and Hᵀ twins side by side (assembly/products/thin.ts).
  { name: "f32_hv_h_f64", params: ["x", "k", "n", "vec", "out"], result: "void" },
  { name: "f32_hv_ht_f64", params: ["ht", "n", "k", "v", "out"], result: "void" },
  { name: "f32_htw_h_f64", params: ["h", "k", "n", "ldh", "w", "out"], result: "void" },
  { name: "f32_htw_ht_f64", params: ["ht", "rows", "k", "w", "out"], result: "void" },
  { name: "f32_shift_term", params: ["v", "ldv", "s", "rows", "w", "kPad", "out"], result: "void" },
  { name: "f32_shift_term_f64", params: ["u", "ldu", "s", "rows", "z", "k", "out"], result: "void" },
  // The updates (assembly/updates/mu.ts, hals.ts).
  {
    name: "f32_mu_update_rows",
    params: ["x", "rows", "k", "num", "gram", "offset", "offsetStride", "eps", "scratch"],
    floats: ["eps"],
    result: "void",
  },
  { name: "f32_mu_update_v_f64", params: ["v", "c", "t", "m", "n", "eps"], floats: ["eps"], result: "void" },
  {
    name: "f32_hals_update_rows_f64",
    params: ["x", "rows", "k", "num", "gram", "offset", "offsetStride", "shift", "sweeps", "scratch"],
    floats: ["shift"],
    result: "void",
  },
  { name: "f32_hals_update_v_f64", params: ["v", "c", "t", "n", "m", "shift"], floats: ["shift"], result: "void" },
  // The masked objective's terms and updates (assembly/updates/masked.ts).
  {
    name: "f32_masked_terms_f64",
    params: ["rows", "k", "indptr", "indices", "vecs", "scalars", "flags", "gram", "out", "scratch"],
    result: "void",
  },
  {
    name: "f32_hals_update_rows_masked_f64",
    params: ["x", "rows", "k", "num", "offset", "offsetStride", "terms", "shift", "sweeps", "scratch"],
    floats: ["shift"],
    result: "void",
  },
  {
    name: "f32_masked_mu_terms_f64",
    params: ["rows", "k", "indptr", "indices", "vecs", "scalars", "flags", "x", "out", "scratch"],
    result: "void",
  },
  {
    name: "f32_mu_update_rows_masked_f64",
    params: ["x", "rows", "k", "num", "offset", "offsetStride", "gram", "corrections", "eps", "scratch"],
    floats: ["eps"],
    result: "void",
  },
  {
    name: "f32_masked_dots_f64",
    params: ["rows", "k", "indptr", "indices", "vecs", "y", "out", "scratch"],
    result: "void",
  },
  { name: "f32_masked_loss_f64", params: ["rows", "k", "indptr", "indices", "vecs", "scalars", "y"], result: "f64" },
  {
    name: "f32_update_v_counts_f64",
    params: ["v", "c", "t", "counts", "n", "shift", "multiplicative"],
    floats: ["shift"],
    result: "void",
  },
  // Reductions (assembly/reductions.ts).
  { name: "f32_colsum_f64", params: ["x", "m", "n", "out"], result: "void" },
  { name: "csr_colsum_f64", params: ["indices", "values", "nnz", "n", "out"], result: "void" },
  { name: "f32_dot_f64", params: ["x", "y", "len"], result: "f64" },
  { name: "f32_gram_f64", params: ["x", "m", "n", "out", "scratch"], result: "void" },
  { name: "f32_sum_slots", params: ["dst", "src", "slots", "stride", "len"], result: "void" },
  { name: "f64_sum_slots", params: ["dst", "src", "slots", "stride", "len"], result: "void" },
  // Copies between layouts (assembly/copies.ts).
  { name: "f32_transpose", params: ["src", "m", "n", "dst", "accumulate"], result: "void" },
  { name: "f64_to_f32_padded", params: ["src", "rows", "cols", "dst", "dstCols"], result: "void" },
  { name: "zero_bytes", params: ["ptr", "bytes"], result: "void" },
  // The NNDSVD start's small steps (assembly/nndsvd.ts).
  { name: "f32_rmul_f64", params: ["x", "rows", "l", "t", "cols", "out"], result: "void" },
  { name: "f32_sub_rowvec_f64", params: ["x", "rows", "cols", "vec"], result: "void" },
  // Scans of stored values: loading's checks and units, column extremes (assembly/scans.ts).
  { name: "f32_find_invalid", params: ["x", "len"], result: "f64" },
  { name: "f32_max", params: ["x", "len"], result: "f64" },
  { name: "f32_rescale_f64", params: ["x", "len", "factor", "divide"], floats: ["factor"], result: "void" },
  { name: "f32_colmin", params: ["a", "m", "n", "out"], result: "void" },
  { name: "f32_colmax", params: ["a", "m", "n", "out"], result: "void" },
] as const satisfies readonly KernelSpec[];

/** Name of an exported kernel. */
export type KernelName = (typeof KERNELS)[number]["name"];

type Spec<N extends KernelName> = Extract<(typeof KERNELS)[number], { name: N }>;
type Numbers<P extends readonly string[]> = { [I in keyof P]: number };

/** A kernel's signature: one number per parameter, the result as JavaScript sees it. */
export type KernelFunction<N extends KernelName> = (
  ...args: Numbers<Spec<N>["params"]>
) => Spec<N>["result"] extends "f64" ? number : void;

/**
 * The kernels the module exports (and `heap_base`, where the SDK's heap starts, and
 * `control_block`, the thread pool's 4,096 bytes below it), as called.
 */
export type Kernels = { readonly [N in KernelName]: KernelFunction<N> } & {
  /** First byte past the module's static data and the control block, 16-aligned (wasm32 `usize`). */
  heap_base(): number;
  /** The thread pool's control block (4,096 bytes, 64-aligned, wasm32 `usize`): no allocation there. */
  control_block(): number;
};

/** Every kernel name, in opcode order. */
export const KERNEL_NAMES: readonly KernelName[] = KERNELS.map((kernel) => kernel.name);

/** The most parameters a kernel takes: an encoded call has room for this many arguments. */
export const MAX_ARITY: number = Math.max(...KERNELS.map((kernel) => kernel.params.length));

/** The opcode of a kernel: its index in {@link KERNELS}. */
export function opcode(name: KernelName): number {
  return KERNEL_NAMES.indexOf(name);
}

/** The exports of the module besides the kernels. */
export const OTHER_EXPORTS: readonly string[] = ["control_block", "heap_base"];

/**
 * Bytes of the scratch `f32_gram_f64` needs for a Gram matrix of n columns: nE(nE + 2)/2 float64
 * for the block's sums (rows by pairs, each pair from its diagonal on) and 32×nE float64 for the
 * rows it promotes at a time (nE = n rounded up to even; assembly/reductions.ts, GRAM_CHUNK).
 * tests/kernels_test.ts checks the kernel stays within it.
 */
export function gramScratchBytes(n: number): number {
  const nE = n + (n & 1);
  return ((nE * (nE + 2)) / 2 + 32 * nE) * 8;
}

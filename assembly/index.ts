// Stratified-NMF kernels: the module's exports. sdk/runtime/kernels.ts lists the same kernels
// (names, parameters, results; the order there is the plans' opcode order), and
// tests/wasm_test.ts checks that the two agree.
//
// Every kernel takes byte pointers into the (imported) linear memory, sizes and flags; it
// allocates nothing, checks nothing and returns at most a scalar. Pointers are wasm32 `usize`:
// unsigned, valid up to the 4 GiB the memory allows (JavaScript may pass an address past 2³¹ as
// a number; the wasm call reads its low 32 bits). Matrices are row-major and densely packed (the
// row stride equals the column count) unless a kernel takes a stride. Kernels know nothing of
// strata, options or schedules: `sdk/` owns memory, validation and the algorithm.
//
// Names: `<storage>_<op>[_<layout>][_<acc>]`.
//   storage  what the main operand is: f32 or f64 (a dense array of that type), csr (CSR arrays:
//            int32 indptr and indices, float32 values); zero_bytes works on raw bytes.
//   op       the operation, in the algorithm's letters where it has them: aht_wta (A Hᵀ and
//            Wᵀ A), aht_atw (A Hᵀ and Aᵀ W), atw, hv (H v), htw (Hᵀ w), gram (XᵀX), mul (A X),
//            shift_term, mu_update / hals_update (the two solvers' updates), colsum, dot, …
//   layout   where twins differ by an operand's layout: _h (H stored k×n) / _ht (H stored as Hᵀ,
//            n×k); _rows / _v (the rows of W(i) or Hᵀ / a shift v(i)); _ranges (a column range
//            of each CSR row); _padded (rows padded to a multiple of 4).
//   acc      _f64 when sums or ratios are formed in float64 over float32 storage; none when the
//            arithmetic is in the storage type.
//
// Files: products/ (with the data: dense.ts, csr.ts; with the small factors: thin.ts, the H and
// Hᵀ twins side by side), updates/ (mu.ts, hals.ts), reductions.ts, copies.ts, scans.ts, nndsvd.ts;
// vector.ts holds the inlined row helpers, tiles.ts the register tile the Gram and masked kernels share.

export { f32_aht_wta } from "./products/dense";
export { csr_aht_atw, csr_atw_ranges, csr_mul_f64 } from "./products/csr";
export {
  f32_htw_h_f64,
  f32_htw_ht_f64,
  f32_hv_h_f64,
  f32_hv_ht_f64,
  f32_shift_term,
  f32_shift_term_f64,
} from "./products/thin";
export { f32_mu_update_rows, f32_mu_update_v_f64 } from "./updates/mu";
export { f32_hals_update_rows_f64, f32_hals_update_v_f64 } from "./updates/hals";
export {
  f32_hals_update_rows_masked_f64,
  f32_masked_dots_f64,
  f32_masked_loss_f64,
  f32_masked_mu_terms_f64,
  f32_masked_terms_f64,
  f32_mu_update_rows_masked_f64,
  f32_update_v_counts_f64,
} from "./updates/masked";
export { csr_colsum_f64, f32_colsum_f64, f32_dot_f64, f32_gram_f64, f32_sum_slots, f64_sum_slots } from "./reductions";
export { f32_transpose, f64_to_f32_padded, zero_bytes } from "./copies";
export { f32_rmul_f64, f32_sub_rowvec_f64 } from "./nndsvd";
export { f32_colmax, f32_colmin, f32_find_invalid, f32_max, f32_rescale_f64 } from "./scans";

/** Bytes reserved past the module's static data for the thread pool's control block (sdk/threads/pool.ts). */
const CONTROL_BYTES: usize = 4096;

/**
 * Where the thread pool's control block lies: right past the module's own static data
 * (64-aligned), below the heap, so that a pool kept between fits never splits the heap. Not a
 * data segment: instantiating the module on a memory (every worker does) leaves it as it is.
 */
export function control_block(): usize {
  return (__heap_base + 63) & ~63;
}

/** First byte past the module's static data and the control block: the SDK's heap starts here (16-aligned). */
export function heap_base(): usize {
  return control_block() + CONTROL_BYTES;
}

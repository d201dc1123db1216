// Stratified-NMF kernels: the module's exports.
//
// Every kernel takes byte pointers into the (imported) linear memory, sizes and flags; it
// allocates nothing, checks nothing and returns at most a scalar. Matrices are row-major and
// densely packed (the row stride equals the column count). Kernels know nothing of strata,
// options or schedules: `sdk/` owns memory, validation and the algorithm.
//
// Naming: `<storage type>_<operation>[_<accumulation type>]`, e.g. `f32_gram_acc_f64` reads float32
// and accumulates (and writes) float64.

export { f32_aht_wta } from "./dense";
export { csc_aht_wta, csr_aht_wta, csr_colsum_f64, csr_mul_f64, csr_to_csc, csr_wta_rows } from "./csr";
export {
  f32_colsum_f64,
  f32_dot_f32_f64,
  f32_gram_acc_f64,
  f32_transpose,
} from "./reduce";
export { mu_update_rows, v_update } from "./update";
export { ht_gemv_f64, ht_matvec_f64 } from "./transposed";
export { f32_shift_term, f32_sum_slots, f64_sum_slots, f64_to_f32_padded, zero_bytes } from "./small";
export { f32_colmin, f32_rmul_f64, f32_sub_rowvec_f64, hals_gram_f64, hals_htw_f64, hals_matvec_f64, hals_shift_f64, hals_update_rows, hals_v_update } from "./hals";

/** First byte past the module's own static data: the SDK's heap starts here (16-aligned). */
export function heap_base(): usize {
  return (__heap_base + 15) & ~15;
}

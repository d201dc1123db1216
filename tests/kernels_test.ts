// Kernels against the same computation in JavaScript: the float64 sums of float32 products
// (same order: the same bits), and the CSC conversion and pass the benchmark keeps
// (bench/assembly/csc.ts, on the same memory). The SIMD and the scalar build (tests/scalar_test.ts
// checks that they agree everywhere).

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { Random } from "../sdk/mod.ts";
import { gramScratchBytes } from "../sdk/runtime/kernels.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
type Exports = Record<string, (...args: number[]) => number>;

for (const [file, cscFile] of [["snmf.wasm", "bench_csc.wasm"], ["snmf.scalar.wasm", "bench_csc.scalar.wasm"]]) {
  const memory = new WebAssembly.Memory({ initial: 4, maximum: 65536 });
  const load = (name: string) =>
    new WebAssembly.Instance(new WebAssembly.Module(readFileSync(`${root}build/${name}`)), { env: { memory } })
      .exports as unknown as Exports;
  const K = load(file);
  const csc = load(cscFile);
  let top = 0;
  const alloc = (bytes: number) => {
    const ptr = top;
    top = (top + bytes + 15) & ~15;
    return ptr;
  };
  const reset = () => (top = (K.heap_base() + 15) & ~15);
  /** A copy of `data` in the memory; its address. */
  const put = (data: Float32Array) => {
    const ptr = alloc(data.length * 4);
    new Float32Array(memory.buffer, ptr, data.length).set(data);
    return ptr;
  };
  const random = new Random(7);
  /** float32 values in [0, 1), with exact zeros and tiny values (down to the subnormal range). */
  const values = (len: number) =>
    Float32Array.from({ length: len }, () => {
      const u = random.nextUint32() / 2 ** 32;
      return u < 0.2 ? 0 : u < 0.3 ? u * 1e-37 : u < 0.35 ? u * 1e-42 : u;
    });

  describe(`${file}: the dense product against JavaScript`, () => {
    it("f32_aht_wta: P = A Hᵀ in dotRow's float32 lane order, N += Wᵀ A row after row in float32", () => {
      const f = Math.fround;
      for (const [m, n, k] of [[13, 35, 3], [8, 16, 2], [17, 67, 5], [5, 9, 1]]) {
        reset();
        const a = values(m * n), h = values(k * n), w = values(m * k), n0 = values(k * n);
        const pa = put(a), ph = put(h), pw = put(w), pn = put(n0), pp = alloc(m * k * 4);
        K.f32_aht_wta(pa, m, n, ph, k, pp, pw, pn);
        const n4 = n & ~3;
        const p = Float32Array.from({ length: m * k }, (_, i) => {
          const r = Math.floor(i / k), q = i % k;
          const lanes = [0, 0, 0, 0];
          for (let j = 0; j < n4; j++) lanes[j % 4] = f(lanes[j % 4] + f(a[r * n + j] * h[q * n + j]));
          let sum = f(f(f(lanes[0] + lanes[1]) + lanes[2]) + lanes[3]);
          for (let j = n4; j < n; j++) sum = f(sum + f(a[r * n + j] * h[q * n + j]));
          return sum;
        });
        const nacc = n0.slice();
        for (let r = 0; r < m; r++) {
          for (let q = 0; q < k; q++) {
            for (let j = 0; j < n; j++) nacc[q * n + j] = f(nacc[q * n + j] + f(w[r * k + q] * a[r * n + j]));
          }
        }
        assert.deepEqual(new Float32Array(memory.buffer, pp, m * k), p, `P ${m}×${n}, k ${k}`);
        assert.deepEqual(new Float32Array(memory.buffer, pn, k * n), nacc, `N ${m}×${n}, k ${k}`);
      }
    });
  });

  describe(`${file}: scans of stored values against JavaScript`, () => {
    it("f32_find_invalid: the first NaN, negative or infinite value, −1 for none (−0 and subnormals pass)", () => {
      for (const len of [0, 1, 4, 6, 9, 33]) {
        reset();
        const good = values(len);
        good[0] = -0;
        assert.equal(K.f32_find_invalid(put(good), len), -1);
        for (const bad of [NaN, -1e-40, -Infinity, Infinity]) {
          for (const at of [0, len >> 1, len - 1].filter((i) => i >= 0 && i < len)) {
            const data = values(len);
            data[at] = bad;
            if (at + 2 < len) data[at + 2] = NaN; // a later bad value is not the first
            assert.equal(K.f32_find_invalid(put(data), len), at, `${bad} at ${at} of ${len}`);
          }
        }
      }
    });
    it("f32_max: the largest value (0 for none)", () => {
      for (const len of [0, 1, 3, 4, 7, 64, 101]) {
        reset();
        const data = values(len);
        assert.equal(K.f32_max(put(data), len), data.reduce((a, b) => Math.max(a, b), 0));
      }
    });
    it("f32_rescale_f64: x·factor or x/factor in float64, rounded once to float32", () => {
      for (const len of [1, 5, 8, 31]) {
        for (const [factor, divide] of [[Math.SQRT2, 0], [3, 1], [2 ** 40, 1], [2 ** -20, 0]]) {
          reset();
          const data = values(len).map((x, i) => x * 3 ** (i % 7));
          const ptr = put(data);
          K.f32_rescale_f64(ptr, len, factor, divide);
          const expected = data.map((x) => Math.fround(divide ? x / factor : x * factor));
          assert.deepEqual(new Float32Array(memory.buffer, ptr, len), expected);
        }
      }
    });
    it("f32_colmax and f32_colmin: the largest and smallest value of each column", () => {
      for (const [m, n] of [[1, 1], [3, 4], [5, 7], [9, 13]]) {
        reset();
        const a = values(m * n), out = alloc(n * 4);
        const pa = put(a);
        for (const [kernel, pick] of [["f32_colmax", Math.max], ["f32_colmin", Math.min]] as const) {
          K[kernel](pa, m, n, out);
          const expected = Float32Array.from({ length: n }, (_, j) => {
            let e = a[j];
            for (let r = 1; r < m; r++) e = pick(e, a[r * n + j]);
            return e;
          });
          assert.deepEqual(new Float32Array(memory.buffer, out, n), expected, `${kernel} ${m}×${n}`);
        }
      }
    });
  });

  describe(`${file}: sparse and Gram kernels against JavaScript`, () => {
    it("csr_mul_f64: out (=|+=) A X, a float64 sum per row rounded once", () => {
      for (const k of [1, 3, 4, 8, 12, 20, 21, 37]) {
        for (const accumulate of [0, 1]) {
          reset();
          const m = 7, c = 11;
          const indptr = [0];
          const indices: number[] = [];
          for (let r = 0; r < m; r++) {
            for (let j = c - 1; j >= 0; j--) if (random.nextUint32() % 3 !== 0) indices.push(j);
            indptr.push(indices.length);
          }
          const a = values(indices.length), x = values(c * k), out0 = values(m * k);
          const pIndptr = alloc(indptr.length * 4), pIndices = alloc(indices.length * 4);
          const pValues = alloc(a.length * 4), pX = alloc(x.length * 4), pOut = alloc(out0.length * 4);
          new Int32Array(memory.buffer, pIndptr, indptr.length).set(indptr);
          new Int32Array(memory.buffer, pIndices, indices.length).set(indices);
          new Float32Array(memory.buffer, pValues, a.length).set(a);
          new Float32Array(memory.buffer, pX, x.length).set(x);
          new Float32Array(memory.buffer, pOut, out0.length).set(out0);
          K.csr_mul_f64(pIndptr, pIndices, pValues, m, pX, k, pOut, accumulate);
          const expected = new Float32Array(m * k);
          for (let r = 0; r < m; r++) {
            for (let q = 0; q < k; q++) {
              let s = accumulate ? out0[r * k + q] : 0;
              for (let e = indptr[r]; e < indptr[r + 1]; e++) s += a[e] * x[indices[e] * k + q];
              expected[r * k + q] = s;
            }
          }
          assert.deepEqual(new Float32Array(memory.buffer, pOut, m * k), expected, `k ${k}, accumulate ${accumulate}`);
          // csr_aht_atw's P is the same product, overwritten.
          const pP = alloc(m * k * 4);
          K.csr_aht_atw(pIndptr, pIndices, pValues, m, pX, k, pP, 0, 0);
          if (!accumulate) assert.deepEqual(new Float32Array(memory.buffer, pP, m * k), expected, `P, k ${k}`);
        }
      }
    });

    it("csr_to_csc: the CSR arrays of Aᵀ, rows ascending within a column", () => {
      for (const [m, n] of [[1, 1], [6, 9], [40, 13]]) {
        reset();
        const dense = Array.from(
          { length: m * n },
          () => (random.nextUint32() % 3 === 0 ? 1 + (random.nextUint32() % 97) : 0),
        );
        const indptr = [0], indices: number[] = [], data: number[] = [];
        for (let r = 0; r < m; r++) {
          // columns in descending order: any order within a row is valid CSR
          for (let j = n - 1; j >= 0; j--) if (dense[r * n + j]) indices.push(j), data.push(dense[r * n + j]);
          indptr.push(indices.length);
        }
        const nnz = indices.length;
        const p = [indptr.length * 4, nnz * 4, nnz * 4, (n + 1) * 4, nnz * 4, nnz * 4].map(alloc);
        new Int32Array(memory.buffer, p[0], indptr.length).set(indptr);
        new Int32Array(memory.buffer, p[1], nnz).set(indices);
        new Float32Array(memory.buffer, p[2], nnz).set(data);
        csc.csr_to_csc(p[0], p[1], p[2], m, n, p[3], p[4], p[5]);
        const tIndptr = [0], tIndices: number[] = [], tData: number[] = [];
        for (let j = 0; j < n; j++) {
          for (let r = 0; r < m; r++) if (dense[r * n + j]) tIndices.push(r), tData.push(dense[r * n + j]);
          tIndptr.push(tIndices.length);
        }
        assert.deepEqual(Array.from(new Int32Array(memory.buffer, p[3], n + 1)), tIndptr);
        assert.deepEqual(Array.from(new Int32Array(memory.buffer, p[4], nnz)), tIndices);
        assert.deepEqual(Array.from(new Float32Array(memory.buffer, p[5], nnz)), tData);
      }
    });

    it("csc_aht_wta: Pacc += A Hᵀ (float64) and Nt (=|+=) Aᵀ W over the CSC arrays", () => {
      for (const k of [1, 4, 6, 20, 23]) {
        for (const accumulate of [0, 1]) {
          reset();
          const m = 9, n = 8;
          const tIndptr = [0], tIndices: number[] = [];
          for (let j = 0; j < n; j++) {
            for (let r = 0; r < m; r++) if (random.nextUint32() % 3 !== 0) tIndices.push(r);
            tIndptr.push(tIndices.length);
          }
          const a = values(tIndices.length), ht = values(n * k), w = values(m * k), nt0 = values(n * k);
          const pacc0 = Float64Array.from(values(m * k), (v) => v * 3);
          const p = [tIndptr.length * 4, tIndices.length * 4, a.length * 4, n * k * 4, m * k * 8, m * k * 4, n * k * 4]
            .map(alloc);
          new Int32Array(memory.buffer, p[0], tIndptr.length).set(tIndptr);
          new Int32Array(memory.buffer, p[1], tIndices.length).set(tIndices);
          new Float32Array(memory.buffer, p[2], a.length).set(a);
          new Float32Array(memory.buffer, p[3], n * k).set(ht);
          new Float64Array(memory.buffer, p[4], m * k).set(pacc0);
          new Float32Array(memory.buffer, p[5], m * k).set(w);
          new Float32Array(memory.buffer, p[6], n * k).set(nt0);
          // Columns 2… of the block only: the pointers offset to the block's first column.
          const j0 = 2;
          csc.csc_aht_wta(
            p[0] + j0 * 4,
            p[1],
            p[2],
            n - j0,
            p[3] + j0 * k * 4,
            k,
            p[4],
            p[5],
            p[6] + j0 * k * 4,
            accumulate,
          );
          const pacc = Float64Array.from(pacc0), nt = Float32Array.from(nt0);
          for (let j = j0; j < n; j++) {
            for (let q = 0; q < k; q++) {
              let sum = accumulate ? nt0[j * k + q] : 0;
              for (let e = tIndptr[j]; e < tIndptr[j + 1]; e++) {
                sum += a[e] * w[tIndices[e] * k + q];
                pacc[tIndices[e] * k + q] += a[e] * ht[j * k + q];
              }
              nt[j * k + q] = sum;
            }
          }
          assert.deepEqual(new Float64Array(memory.buffer, p[4], m * k), pacc, `Pacc, k ${k}`);
          assert.deepEqual(new Float32Array(memory.buffer, p[6], n * k), nt, `Nt, k ${k}, accumulate ${accumulate}`);
        }
      }
    });

    it("f32_gram_f64: out += XᵀX, both halves the same float64 sums over the rows in order, within gramScratchBytes", () => {
      for (const [m, n] of [[1, 1], [3, 2], [4, 5], [9, 20], [41, 7], [64, 21], [65, 8], [130, 3], [200, 20]]) {
        reset();
        const x = values(m * n);
        const out0 = Float64Array.from({ length: n * n }, (_, e) => (e % (n + 1)) * 0.25);
        const pX = alloc(x.length * 4), pOut = alloc(n * n * 8);
        const scratchBytes = gramScratchBytes(n);
        const pScratch = alloc(scratchBytes + 64);
        const guard = new Uint8Array(memory.buffer, pScratch + scratchBytes, 64);
        guard.fill(0xa5);
        new Float32Array(memory.buffer, pX, x.length).set(x);
        new Float64Array(memory.buffer, pOut, n * n).set(out0);
        K.f32_gram_f64(pX, m, n, pOut, pScratch);
        const expected = Float64Array.from(out0);
        for (let p = 0; p < n; p++) {
          for (let q = p; q < n; q++) {
            let d = 0;
            for (let r = 0; r < m; r++) d += x[r * n + p] * x[r * n + q];
            expected[p * n + q] += d;
            if (q !== p) expected[q * n + p] += d;
          }
        }
        assert.deepEqual(new Float64Array(memory.buffer, pOut, n * n), expected, `${m}×${n}`);
        assert.ok(
          new Uint8Array(memory.buffer, pScratch + scratchBytes, 64).every((b) => b === 0xa5),
          `${m}×${n}: scratch overrun`,
        );
      }
    });
  });
}

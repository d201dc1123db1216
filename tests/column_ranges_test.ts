// The CSR numerator by column ranges: rows stored sorted, ranges balanced by stored entries, and
// the numerator the same bits for every number of ranges.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fit, init } from "../sdk/mod.ts";
import { columnRanges } from "../sdk/solve/column_ranges.ts";
import { columnRangeCount } from "../sdk/tuning.ts";
import { loadStrata } from "../sdk/input/strata.ts";
import { csrStrata, testHeap } from "../testing/fixtures.ts";

/** csrStrata's strata with their typed arrays typed. */
function csr(seed: number, rows: number[], n: number, density: number) {
  return csrStrata(seed, rows, n, density).map((x) => ({
    ...x,
    indptr: Int32Array.from(x.indptr),
    indices: Int32Array.from(x.indices),
    values: Float32Array.from(x.values),
  }));
}

/** The strata with every row's entries in reverse order. */
function reversedRows(strata: ReturnType<typeof csr>): ReturnType<typeof csr> {
  return strata.map((x) => {
    const indices = x.indices.slice();
    const values = x.values.slice();
    for (let r = 0; r < x.rows; r++) {
      indices.subarray(x.indptr[r], x.indptr[r + 1]).reverse();
      values.subarray(x.indptr[r], x.indptr[r + 1]).reverse();
    }
    return { ...x, indices, values };
  });
}

describe("column ranges of the CSR numerator", () => {
  it("store each row sorted by column, whatever the input order", async () => {
    const core = await init();
    const strata = reversedRows(csr(3, [40, 25], 60, 0.3));
    const resident = await loadStrata(core, strata, "test");
    try {
      resident.strata.forEach((x, i) => {
        const indptr = core.heap.i32(x.indptr, x.rows + 1);
        const indices = core.heap.i32(x.indices, x.nnz);
        const values = core.heap.f32(x.values, x.nnz);
        for (let r = 0; r < x.rows; r++) {
          for (let e = indptr[r] + 1; e < indptr[r + 1]; e++) assert.ok(indices[e - 1] < indices[e], `row ${r}`);
          // The values moved with their columns.
          for (let e = indptr[r]; e < indptr[r + 1]; e++) {
            const original = Array.from(strata[i].indices.subarray(indptr[r], indptr[r + 1])).indexOf(indices[e]);
            // Divided by the data's scale, a power of two: exactly.
            assert.equal(values[e], strata[i].values[indptr[r] + original] / resident.scale);
          }
        }
      });
    } finally {
      resident.free();
    }
  });

  it("give a fit the same bits for rows given in any order", async () => {
    const strata = csr(4, [300, 200], 120, 0.2);
    for (const solver of ["mu", "hals"] as const) {
      const a = await fit(strata, { rank: 5, maxIter: 10, seed: 2, solver, threads: 1 });
      const b = await fit(reversedRows(strata), { rank: 5, maxIter: 10, seed: 2, solver, threads: 1 });
      try {
        assert.deepEqual(Array.from(b.H), Array.from(a.H), solver);
        assert.deepEqual(b.W.map((w) => Array.from(w)), a.W.map((w) => Array.from(w)), solver);
      } finally {
        a.free();
        b.free();
      }
    }
  });

  it("cover the columns with ranges of about equal stored entries, and split every row at them", async () => {
    const core = await init();
    const strata = csr(5, [200, 150], 90, 0.25);
    const resident = await loadStrata(core, strata, "test");
    const { alloc, release } = testHeap(core);
    try {
      const ranges = columnRanges(core, resident.strata, 90, 4, alloc);
      assert.equal(ranges.length, 4);
      assert.equal(ranges[0].c0, 0);
      assert.equal(ranges[3].c1, 90);
      for (let q = 1; q < 4; q++) assert.equal(ranges[q].c0, ranges[q - 1].c1);
      const total = strata.reduce((a, x) => a + x.indices.length, 0);
      resident.strata.forEach((x, i) => {
        const indptr = core.heap.i32(x.indptr, x.rows + 1);
        const indices = core.heap.i32(x.indices, x.nnz);
        for (const range of ranges) {
          const starts = core.heap.i32(range.starts[i], x.rows);
          const ends = core.heap.i32(range.ends[i], x.rows);
          for (let r = 0; r < x.rows; r++) {
            assert.ok(indptr[r] <= starts[r] && starts[r] <= ends[r] && ends[r] <= indptr[r + 1]);
            for (let e = indptr[r]; e < indptr[r + 1]; e++) {
              const inside = indices[e] >= range.c0 && indices[e] < range.c1;
              assert.equal(e >= starts[r] && e < ends[r], inside, `row ${r}, entry ${e}`);
            }
          }
        }
      });
      const shares = ranges.map((range) =>
        strata.reduce((a, x) => a + x.indices.filter((j) => j >= range.c0 && j < range.c1).length, 0) / total
      );
      for (const share of shares) assert.ok(share > 0.15 && share < 0.35, `shares ${shares}`);
    } finally {
      release();
      resident.free();
    }
  });

  it("give the numerator the same bits for 1 to 8 ranges", async () => {
    const core = await init();
    const k = 7, n = 70;
    const strata = csr(6, [120, 80], n, 0.3);
    const resident = await loadStrata(core, strata, "test");
    const { alloc, release } = testHeap(core);
    try {
      const W = resident.strata.map((x, i) => {
        const ptr = alloc(x.rows * k * 4);
        core.heap.f32(ptr, x.rows * k).set(Array.from({ length: x.rows * k }, (_, e) => ((e * 7 + i) % 13) / 13));
        return ptr;
      });
      const Nt = alloc(n * k * 4);
      const numerator = (count: number) => {
        core.heap.f32(Nt, n * k).fill(0);
        for (const range of columnRanges(core, resident.strata, n, count, alloc)) {
          resident.strata.forEach((x, i) =>
            core.kernels.csr_atw_ranges(range.starts[i], range.ends[i], x.indices, x.values, x.rows, W[i], k, Nt)
          );
        }
        return Array.from(core.heap.f32(Nt, n * k));
      };
      const one = numerator(1);
      assert.ok(one.some((x) => x > 0));
      for (let count = 2; count <= 8; count++) assert.deepEqual(numerator(count), one, `${count} ranges`);
    } finally {
      release();
      resident.free();
    }
  });

  it("are one per 16 stored entries per row, at most the limit, at least one", () => {
    assert.equal(columnRangeCount(1_088_259, 6046, 8), 8);
    assert.equal(columnRangeCount(80_000, 16_000, 8), 1);
    assert.equal(columnRangeCount(3 * 16 * 100, 100, 8), 3);
    assert.equal(columnRangeCount(0, 0, 8), 1);
  });
});

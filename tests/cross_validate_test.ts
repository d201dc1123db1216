// crossValidate(): the held-out entries (disjoint folds; on CSR strata the stored entries and as
// many zeros), the suggested rank on noisy synthetic strata of a known rank, the stratified model
// against plain NMF with and without shifts, ranks beyond the data left out, the refusals.
// (The full-size version of the rank and shift checks, 5 data seeds: bench/masks.ts.)

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { crossValidate, type CrossValidation, type ModelKind, suggestRank } from "../sdk/mod.ts";
import { csrStrata, denseStrata } from "../testing/fixtures.ts";
import { noisyStrata } from "../testing/noisy.ts";

const SLOW = { timeout: 120_000 };

const at = (cv: CrossValidation, model: ModelKind, rank: number) =>
  cv.summary.find((x) => x.model === model && x.rank === rank)!;

describe("crossValidate", () => {
  it("suggests the true rank of small noisy strata (rank 3, 5 % noise, 2 data seeds)", SLOW, async () => {
    for (const seed of [1, 2]) {
      const { strata } = noisyStrata({ strata: 3, rows: 40, cols: 30, rank: 3, seed });
      const cv = await crossValidate(strata, { ranks: [1, 2, 3, 4, 5], folds: 3, seed, maxIter: 150, plain: false });
      assert.equal(cv.suggestedRank, 3, JSON.stringify(cv.summary.map((x) => [x.rank, x.meanTest, x.seTest])));
      assert.deepEqual(cv.ranks, [1, 2, 3, 4, 5]);
      assert.equal(cv.results.length, 5 * 3);
      // Training error falls with the rank; the held-out error does not keep falling past the true rank.
      const train = cv.summary.map((x) => x.meanTrain);
      assert.ok(train.every((x, e) => e === 0 || x < train[e - 1]));
    }
  });

  it(
    "with the shifts, the stratified model's held-out error is lower than plain NMF's by more than 2 SE",
    SLOW,
    async () => {
      const { strata } = noisyStrata({ strata: 3, rows: 40, cols: 30, rank: 3, seed: 1 });
      const cv = await crossValidate(strata, { ranks: [3], folds: 3, seed: 1, maxIter: 150 });
      const [stratified, plain] = [at(cv, "stratified", 3), at(cv, "plain", 3)];
      assert.ok(
        plain.meanTest - stratified.meanTest > 2 * Math.max(plain.seTest, stratified.seTest),
        `${stratified.meanTest} ± ${stratified.seTest} vs ${plain.meanTest} ± ${plain.seTest}`,
      );
      assert.equal(at(cv, "plain+s", 3).fittedRank, 3 + 3);
      // Without them, the two are close (the v(i) the stratified model learns are near 0).
      const unshifted = noisyStrata({ strata: 3, rows: 40, cols: 30, rank: 3, seed: 1, shifts: false }).strata;
      const flat = await crossValidate(unshifted, { ranks: [3], folds: 3, seed: 1, maxIter: 150 });
      const gap = Math.abs(at(flat, "stratified", 3).meanTest - at(flat, "plain", 3).meanTest);
      assert.ok(gap < 0.1 * (plain.meanTest - stratified.meanTest), `gap ${gap}`);
    },
  );

  it("holds out disjoint folds: every observed dense entry once; on CSR strata the stored entries and as many zeros", async () => {
    const dense = denseStrata(3, [12, 9], 10);
    const cv = await crossValidate(dense, { ranks: [2], folds: 4, seed: 3, maxIter: 5, plain: false });
    assert.equal(cv.heldOut.reduce((a, b) => a + b, 0), (12 + 9) * 10);
    assert.ok(Math.max(...cv.heldOut) - Math.min(...cv.heldOut) <= 1);
    const sparse = csrStrata(4, [30, 20], 25, 0.1);
    const nnz = sparse.reduce((a, x) => a + x.values.length, 0);
    const cvs = await crossValidate(sparse, { ranks: [2], folds: 3, seed: 4, maxIter: 5, plain: false });
    assert.equal(cvs.heldOut.reduce((a, b) => a + b, 0), 2 * nnz);
    // The same seed, the same result.
    const again = await crossValidate(sparse, { ranks: [2], folds: 3, seed: 4, maxIter: 5, plain: false });
    assert.deepEqual(again, cvs);
  });

  it("leaves out ranks beyond what the data allow, with a message; refuses bad options", async () => {
    const strata = denseStrata(5, [4, 3], 6);
    const cv = await crossValidate(strata, { ranks: [2, 5, 9], folds: 2, seed: 1, maxIter: 5 });
    assert.deepEqual(cv.ranks, [2, 5]);
    assert.deepEqual(cv.skipped, [
      "rank 9 left out: beyond what the data allow (min of 6 columns and 7 rows)",
      "plain NMF at rank 5 + 2 left out: beyond 6",
    ]);
    assert.ok(cv.results.every((x) => x.fittedRank <= 6));
    await assert.rejects(crossValidate(strata, { ranks: [] }), TypeError);
    await assert.rejects(crossValidate(strata, { ranks: [0] }), /options.ranks holds 0/);
    await assert.rejects(
      crossValidate(strata, { ranks: [2], folds: 1 }),
      /options.folds must be an integer in \[2, 100\]/,
    );
    await assert.rejects(crossValidate(strata, { ranks: [8] }), /every rank exceeds what the data allow/);
  });

  it("suggests the smallest rank within one standard error of the lowest mean held-out error", () => {
    const row = (rank: number, meanTest: number, seTest: number) => ({
      model: "stratified" as const,
      rank,
      fittedRank: rank,
      meanTrain: 0,
      meanTest,
      seTest,
    });
    assert.equal(suggestRank([row(2, 0.5, 0.01), row(3, 0.305, 0.01), row(4, 0.3, 0.01), row(5, 0.31, 0.01)]), 3);
    assert.equal(suggestRank([row(2, 0.5, 0.01), row(3, 0.32, 0.01), row(4, 0.3, 0.01)]), 4);
  });
});

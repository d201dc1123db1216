// bench/sklearn.ts's comparison table: a per-iteration time is the difference of a long and a
// short fit, which a noisy or short run (--quick: one repeat) can leave at or below 0; such a
// time and every ratio with it are not printed, and the line above the table says how many repeats
// the medians are of.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { NOT_MEASURED, type PeerComparison, peerTable, repeatsLine } from "../bench/sklearn.ts";

const timing = (msPerIter: number, normalizedLoss = 0.5) => ({ msPerIter, normalizedLoss, repeats: [msPerIter] });
const toLoss = { peerIterations: 100, target: 0.5, peerMs: 10, iterations: 50, ms: 5 };

/** One workload's row of the table, split into its cells. */
function cells(sklearnMu: number, cd = 8): string[] {
  const result: PeerComparison = {
    workload: "dense",
    threads: 2,
    timings: {
      cd: timing(cd),
      hals: timing(2),
      hals1: timing(4),
      sklearnMu: timing(sklearnMu),
      mu: timing(5),
      stratified: timing(3, 0.4),
    },
    toLoss: { hals: toLoss, mu: toLoss, stratified: toLoss },
    load: [0.5, 0.6],
  };
  return peerTable([result])[2].split(" | ");
}

describe("the scikit-learn comparison table", () => {
  it("prints times and ratios where both sides' times are positive", () => {
    const row = cells(6.5);
    assert.deepEqual(row.slice(2, 11), ["8.00", "2.00", "4.00×", "4.00", "2.00×", "2.00×", "6.50", "5.00", "1.30×"]);
  });

  it("prints no negative time and no ratio from one (scikit-learn's mu at -2.54 ms an iteration)", () => {
    const row = cells(-2.54);
    assert.equal(row[8], NOT_MEASURED);
    assert.equal(row[10], "—");
    assert.ok(!row.join(" ").includes("-"), row.join(" | "));
    // The other sides keep theirs.
    assert.equal(row[4], "4.00×");
  });

  it("prints no ratio with a time of exactly 0", () => {
    const row = cells(6.5, 0);
    assert.equal(row[2], NOT_MEASURED);
    assert.deepEqual([row[4], row[6], row[11]], ["—", "—", "3.00 (—)"]);
  });

  it("says what the times are medians of, and warns below 3 repeats (--quick has 1)", () => {
    assert.match(repeatsLine(1), /median of 1 interleaved repeat: fewer than 3/);
    assert.equal(repeatsLine(5), "ms per iteration, the median of 5 interleaved repeats");
  });
});

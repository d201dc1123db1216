// The data fingerprint: the same data loaded the same way give the same fingerprint, a changed
// value, row count, name or weight another; and FNV-1a 64 matches its published test vectors.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fit } from "../sdk/mod.ts";
import { denseStrata } from "../testing/fixtures.ts";

describe("data fingerprint", () => {
  it("is the model's, the same for the same data and another for other data", async () => {
    const strata = denseStrata(1, [12, 9], 6);
    const print = async (s: typeof strata, options = {}) => {
      const model = await fit(s, { rank: 2, maxIter: 1, seed: 1, ...options });
      const value = model.fingerprint;
      model.free();
      return value;
    };
    const a = await print(strata);
    assert.match(a!, /^[0-9a-f]{16}$/);
    assert.equal(await print(denseStrata(1, [12, 9], 6)), a);
    const changed = denseStrata(1, [12, 9], 6);
    (changed[1].data as Float32Array)[7] += 0.5;
    assert.notEqual(await print(changed), a);
    assert.notEqual(await print([{ ...strata[0], name: "other" }, strata[1]]), a);
    assert.notEqual(await print(strata, { strataWeights: [1, 2] }), a);
  });
});

describe("FNV-1a 64", () => {
  it("gives the published test vectors", async () => {
    const { fnv1a64 } = await import("../sdk/input/fingerprint.ts");
    const bytes = (text: string) => new TextEncoder().encode(text);
    assert.equal(fnv1a64([bytes("")]), "cbf29ce484222325");
    assert.equal(fnv1a64([bytes("a")]), "af63dc4c8601ec8c");
    assert.equal(fnv1a64([bytes("foobar")]), "85944171f73967e8");
    assert.equal(fnv1a64([bytes("foo"), bytes("bar")]), "85944171f73967e8");
  });
});

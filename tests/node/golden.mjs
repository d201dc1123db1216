// The golden fits (tests/golden/cases.mjs) on Node, from the bundle Node resolves: the recorded
// hashes, bit for bit, on 1 and 3 threads. Run with `node --test tests/node/` after `npm run build`.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fit, Random, transform } from "../../dist/stratified-nmf.node.js";
import { goldenHashes } from "../golden/cases.mjs";

const recorded = JSON.parse(readFileSync(new URL("../golden/hashes.json", import.meta.url), "utf8"));

describe("golden fits on Node", () => {
  for (const threads of [1, 3]) {
    it(`give the recorded hashes on ${threads} thread(s)`, async () => {
      assert.deepEqual(await goldenHashes({ fit, transform, Random }, threads), recorded);
    });
  }
});

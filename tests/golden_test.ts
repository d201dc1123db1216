// The golden fits (tests/golden/cases.mjs) give the recorded hashes, bit for bit, on 1 and 3
// threads, under Deno and Bun (tests/node/golden.mjs: Node, from the bundle).

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fit, Random, transform } from "../sdk/mod.ts";
import { goldenHashes } from "./golden/cases.mjs";

const recorded = JSON.parse(readFileSync(new URL("./golden/hashes.json", import.meta.url), "utf8"));

describe("golden fits", () => {
  for (const threads of [1, 3]) {
    it(`give the recorded hashes on ${threads} thread(s)`, async () => {
      assert.deepEqual(await goldenHashes({ fit, transform, Random }, threads), recorded);
    });
  }
});

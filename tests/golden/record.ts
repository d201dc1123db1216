// Re-records tests/golden/hashes.json from the sources (one thread). Run only when a change
// alters results on purpose: `deno run -A tests/golden/record.ts`, and say so in the commit.

import { writeFileSync } from "node:fs";
import { fit, Random, transform } from "../../sdk/mod.ts";
import { goldenHashes } from "./cases.mjs";

const hashes = await goldenHashes({ fit, transform, Random }, 1);
writeFileSync(new URL("./hashes.json", import.meta.url), JSON.stringify(hashes, null, 2) + "\n");
console.log(`recorded ${Object.keys(hashes).length} hashes`);

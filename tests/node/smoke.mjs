// Node 20 smoke tests of the bundle Node resolves (dist/stratified-nmf.node.js), and the same fit
// on Deno, Bun and Node giving the same bits. Run with `node --test tests/node/smoke.mjs` after
// `npm run build`.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { fit, Model, syntheticStrata } from "../../dist/stratified-nmf.node.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** A fit whose factors are hashed: printed by every runtime and compared. */
const PROBE = `
const { strata } = syntheticStrata({ strata: 3, rows: 37, cols: 29, seed: 5 });
strata.push({ name: "sparse", rows: 3, cols: 29, indptr: [0, 2, 2, 5], indices: [1, 7, 0, 3, 28], values: [1, 2, 3, 4, 5] });
const out = [];
for (const options of [{ solver: "mu", schedule: "sequential" }, { solver: "mu", schedule: "reference" }, { solver: "hals" }]) {
  const model = await fit(strata, { rank: 4, maxIter: 40, seed: 11, ...options });
  const parts = [...model.V, ...model.W, model.H].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("hex"));
  out.push(createHash("sha256").update(parts.join("") + Array.from(model.lossHistory).join(",")).digest("hex"));
  model.free();
}
console.log(out.join(" "));`;

describe("dist bundle on Node", () => {
  it("fits the synthetic experiment", async () => {
    const { strata, trueVMeans } = syntheticStrata({ seed: 0 });
    const model = await fit(strata, { rank: 5, maxIter: 300, seed: 1 });
    assert.ok(model.normalizedLoss < 0.03, `normalized loss ${model.normalizedLoss}`);
    assert.equal(model.vMeans().length, trueVMeans.length);
    const copy = Model.fromJSON(JSON.stringify(model));
    assert.deepEqual(copy.H, model.H);
    model.free();
    copy.free();
  });

  it("uses a shared memory on Node", async () => {
    const { getCore } = await import("../../dist/stratified-nmf.node.js");
    assert.ok(getCore().shared);
    assert.ok(getCore().memory.buffer instanceof SharedArrayBuffer);
  });

  it("gives the same bits on Node, Deno and Bun", () => {
    const sdk = `${root}sdk/mod.ts`;
    const header = (from) =>
      `import { fit, syntheticStrata } from "${from}"; import { createHash } from "node:crypto"; import { Buffer } from "node:buffer";`;
    const node = execFileSync(process.execPath, [
      "--input-type=module",
      "-e",
      header(`${root}dist/stratified-nmf.node.js`) + PROBE,
    ], {
      encoding: "utf8",
    });
    const deno = execFileSync(`${root}node_modules/.bin/deno`, ["eval", header(sdk) + PROBE], { encoding: "utf8" });
    const bun = execFileSync(`${root}node_modules/.bin/bun`, ["-e", header(sdk) + PROBE], {
      encoding: "utf8",
      cwd: root,
    });
    assert.match(node, /^[0-9a-f]{64} [0-9a-f]{64} [0-9a-f]{64}\n$/);
    assert.equal(deno, node);
    assert.equal(bun, node);
  });

  it("init({ wasm }) takes bytes, a WebAssembly.Module or a URL, of either build, with the same result", () => {
    const dist = `${root}dist/`;
    const header = (from, load) =>
      `import { fit, init, syntheticStrata } from "${from}"; import { createHash } from "node:crypto";
       import { Buffer } from "node:buffer"; import { readFileSync } from "node:fs";
       const core = await init({ wasm: ${load} }); console.error("shared=" + core.shared);`;
    const run = (cmd, args) => execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const embedded = run(process.execPath, [
      "--input-type=module",
      "-e",
      header(`${dist}stratified-nmf.js`, "undefined") + PROBE,
    ]);
    const variants = [
      [process.execPath, ["--input-type=module", "-e"], `readFileSync("${dist}snmf.wasm")`],
      [
        process.execPath,
        ["--input-type=module", "-e"],
        `new WebAssembly.Module(readFileSync("${dist}snmf.shared.wasm"))`,
      ],
      [`${root}node_modules/.bin/deno`, ["eval"], `new URL("file://${dist}snmf.wasm")`],
    ];
    for (const [cmd, args, load] of variants) {
      const out = run(cmd, [...args, header(`${dist}stratified-nmf.js`, load) + PROBE]);
      assert.equal(out, embedded, `init({ wasm: ${load} })`);
    }
  });

  it("init() falls back to a plain memory for the plain build", () => {
    const script = `import { init } from "${root}dist/stratified-nmf.node.js"; import { readFileSync } from "node:fs";
      const core = await init({ wasm: readFileSync("${root}dist/snmf.wasm") });
      console.log(core.shared, core.memory.buffer instanceof SharedArrayBuffer);`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    assert.equal(out, "false false\n");
  });
});

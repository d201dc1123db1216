// Bun: `bun add` of the tarball, `bun run` (the "bun" condition); and the same with
// WebAssembly SIMD switched off in JavaScriptCore, where the scalar build must serve and give
// the same bits.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertReference, context, PROBE_MAIN, project, run, tool } from "./setup.mjs";

const bun = tool("bun");

function bunProject(name) {
  const dir = project(name, {
    "main.mjs": `console.error(import.meta.resolve("stratified-nmf"));\n` + PROBE_MAIN("stratified-nmf"),
  });
  run(bun, ["add", context.tarball], { cwd: dir });
  return dir;
}

describe("Bun", () => {
  it("bun add, bun run: the source tree's factors, SIMD build", () => {
    const dir = bunProject("bun");
    const result = JSON.parse(run(bun, ["run", "main.mjs"], { cwd: dir }));
    assertReference(result, "bun");
    assert.deepEqual(result.build, { simd: true, shared: true });
    assert.match(run(bun, ["-e", `console.log(import.meta.resolve("stratified-nmf"))`], { cwd: dir }), /\.bun\.js\n$/);
  });

  it("without WebAssembly SIMD (BUN_JSC_useWasmSIMD=0) loads the scalar build: same factors", () => {
    const dir = bunProject("bun-scalar");
    const env = { ...process.env, BUN_JSC_useWasmSIMD: "0" };
    const result = JSON.parse(run(bun, ["run", "main.mjs"], { cwd: dir, env }));
    assert.deepEqual(result.build, { simd: false, shared: true });
    assertReference(result, "bun without SIMD");
  });
});

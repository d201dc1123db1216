// Deno: the npm: specifier from a project with the tarball installed (the "deno" condition),
// and `deno run` of the TypeScript sources the tarball ships (sdk/mod.ts, unpacked outside
// node_modules: Deno does not strip types of files under node_modules).

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertReference, context, npmInstall, PROBE_MAIN, project, run, tool } from "./setup.mjs";

describe("Deno", () => {
  it("imports npm:stratified-nmf from the project and fits the source tree's factors", () => {
    const dir = project("deno-npm", { "main.mjs": PROBE_MAIN("npm:stratified-nmf") });
    npmInstall(dir);
    const result = JSON.parse(run(tool("deno"), ["run", "-A", "main.mjs"], { cwd: dir }));
    assertReference(result, "deno npm:");
    assert.deepEqual(result.build, { simd: true, shared: true }, "threads on node:worker_threads need the deno entry");
  });

  it("runs the shipped TypeScript source", () => {
    const dir = project("deno-source", { "main.ts": PROBE_MAIN("./package/sdk/mod.ts") });
    run("tar", ["-xzf", context.tarball, "-C", dir]);
    const result = JSON.parse(run(tool("deno"), ["run", "-A", "main.ts"], { cwd: dir }));
    assertReference(result, "deno run sdk/mod.ts");
  });
});

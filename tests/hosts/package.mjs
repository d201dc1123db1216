// The tarball itself: what it ships, its exports map, and its types as a TypeScript user
// compiles against them.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { context, npmInstall, project, run, tool } from "./setup.mjs";

/** Bytes of the files under `dir`. */
function treeSize(dir) {
  return readdirSync(dir, { recursive: true })
    .map((file) => statSync(join(dir, file)))
    .reduce((sum, stat) => sum + (stat.isFile() ? stat.size : 0), 0);
}

const shipped = new Set(context.files.map((file) => file.path));
const manifest = JSON.parse(readFileSync(join(context.root, "package.json"), "utf8"));

describe("the packed tarball", () => {
  it("ships every build of the core as its own file, the bundles, the types and the sources", () => {
    for (const build of ["snmf.wasm", "snmf.shared.wasm", "snmf.scalar.wasm", "snmf.scalar.shared.wasm"]) {
      assert.ok(shipped.has(`dist/${build}`), `dist/${build}`);
    }
    for (const target of Object.values(manifest.exports["."])) {
      assert.ok(shipped.has(target.replace(/^\.\//, "")), `${target} (exports) is shipped`);
    }
    assert.ok(shipped.has("dist/snmf.js"), "the snmf bin");
    assert.ok([...shipped].some((file) => /^dist\/cli\/html-[\w-]+\.js$/.test(file)), "the report's chunk");
    assert.ok(shipped.has("sdk/mod.ts") && shipped.has("sdk/generated/wasm_bytes.ts"), "the TypeScript sources");
    assert.ok(!shipped.has("dist/snmf-bin"), "not the 110 MB compiled CLI");
    const size = context.files.reduce((sum, file) => sum + file.size, 0);
    assert.ok(size < 5_000_000, `unpacked size ${size}`);
  });

  it("installs for the SDK alone: no other package, no engine warning on this Node", () => {
    const dir = project("sdk-alone");
    const install = spawnSync(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefer-offline", context.tarball],
      { cwd: dir, encoding: "utf8" },
    );
    assert.equal(install.status, 0, install.stderr);
    assert.doesNotMatch(install.stdout + install.stderr, /EBADENGINE|ERESOLVE|peer dep/i);
    const installed = run("npm", ["ls", "--all", "--parseable"], { cwd: dir }).trim().split("\n").slice(1);
    assert.deepEqual(installed.map((path) => path.slice(dir.length + 1)), ["node_modules/stratified-nmf"]);
    const size = treeSize(join(dir, "node_modules"));
    console.log(`an SDK install: 1 package, ${size} bytes in node_modules (${process.version})`);
    assert.ok(size < 5_000_000, `${size} bytes`);
  });

  it("lists types first, then one condition per host, default last", () => {
    assert.deepEqual(Object.keys(manifest.exports["."]), [
      "types",
      "workerd",
      "edge-light",
      "worker",
      "deno",
      "bun",
      "node",
      "browser",
      "default",
    ]);
  });

  it("type-checks a user's program under moduleResolution nodenext and bundler", () => {
    const source = `import { fit, getCore, init, Model, type FitOptions, type Stratum } from "stratified-nmf";
const strata: Stratum[] = [{ name: "a", data: [[1, 2], [3, 4]] }];
const options: FitOptions = { rank: 1, seed: 1 };
const model: Model = await fit(strata, options);
const loss: number = model.normalizedLoss;
const copy: Model = Model.fromJSON(JSON.stringify(model));
const shared: boolean = (await init()).shared && getCore().shared;
// @ts-expect-error rank is required
const missing: FitOptions = { seed: 1 };
// @ts-expect-error strata are not strings
await fit("a", options);
console.log(loss, copy, shared, missing);
`;
    const dir = project("types", { "main.ts": source });
    npmInstall(dir);
    for (const [module, resolution] of [["nodenext", "nodenext"], ["preserve", "bundler"]]) {
      writeFileSync(
        join(dir, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            target: "es2022",
            module,
            moduleResolution: resolution,
            lib: ["esnext", "dom"],
            types: [],
            strict: true,
            noEmit: true,
            skipLibCheck: false,
          },
          files: ["main.ts"],
        }),
      );
      run(tool("tsc"), ["-p", "tsconfig.json"], { cwd: dir });
    }
  });
});

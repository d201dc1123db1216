// The runtime-neutral SDK and the entries for browsers and edge hosts reach no host API: each
// bundles for the browser platform with esbuild (which fails on a node: import it cannot resolve)
// with nothing external but the .wasm files, its import graph stays inside sdk/ and names no
// node: module, and its code uses no Deno, Bun or process global. Host APIs come only from the
// per-host loaders (sdk/hosts/node.ts, deno.ts, bun.ts and the source entry sdk/mod.ts).

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";

const root = fileURLToPath(new URL("..", import.meta.url));

interface Metafile {
  inputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
}

function bundle(entry: string, external: string[] = []): { meta: Metafile; code: string } {
  const dir = mkdtempSync(join(tmpdir(), "snmf-bundle-"));
  try {
    execFileSync(`${root}node_modules/.bin/esbuild`, [
      entry,
      "--bundle",
      "--format=esm",
      "--platform=browser",
      ...external.map((pattern) => `--external:${pattern}`),
      `--metafile=${dir}/meta.json`,
      `--outfile=${dir}/out.js`,
      "--log-level=error",
    ], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    return {
      meta: JSON.parse(readFileSync(`${dir}/meta.json`, "utf8")),
      code: readFileSync(`${dir}/out.js`, "utf8"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ENTRIES: [string, string[]][] = [
  ["sdk/api.ts", []],
  ["sdk/hosts/default.ts", []],
  ["sdk/hosts/browser.ts", []],
  ["sdk/hosts/workerd.ts", ["*.wasm"]],
  ["sdk/hosts/edge_light.ts", ["*.wasm?module"]],
];

describe("bundles for browsers and edge hosts", () => {
  for (const [entry, external] of ENTRIES) {
    it(`${entry}: no node: import, no module outside sdk/, no Deno, Bun or process global`, () => {
      const { meta, code } = bundle(entry, external);
      for (const [input, { imports }] of Object.entries(meta.inputs)) {
        assert.match(input, /^sdk\//, `${input} is outside sdk/`);
        assert.doesNotMatch(input, /^sdk\/hosts\/(node|deno|bun|node_apis|file_loader)\.ts$/, input);
        for (const { path, external: isExternal } of imports) {
          assert.doesNotMatch(path, /^node:/, `${input} imports ${path}`);
          if (isExternal) assert.match(path, /\.wasm(\?module)?$/, `${input}: external ${path}`);
        }
      }
      // The pool's worker source names node:worker_threads in a string (run only by Node-style
      // workers); no code outside it touches a host global (platform.ts only reads globalThis
      // properties to detect the host).
      const withoutWorkerSource = code.replace(/`const \{ parentPort \} = require\("node:worker_threads"\);/, "");
      assert.doesNotMatch(withoutWorkerSource, /(?<![.\w])(Deno|Bun|process)\s*\??\.|(?<![.\w])require\(/);
    });
  }

  it("the source entry sdk/mod.ts is where Node's APIs come in (so the test above can fail)", () => {
    assert.throws(() => bundle("sdk/mod.ts"), /node:worker_threads|node:os/);
  });
});

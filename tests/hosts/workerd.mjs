// Cloudflare's workerd through miniflare: a Worker that imports the package (bundled as wrangler
// does: conditions workerd, worker, browser; a .wasm import kept as a CompiledWasm module)
// answers a request with the probe fit. workerd refuses to compile WebAssembly from bytes; the
// Worker checks that too, so a loader that compiled bytes would fail here.

import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, it } from "node:test";
import * as esbuild from "esbuild";
import { Miniflare } from "miniflare";
import { assertProbeResponse, npmInstall, PROBE_RESPONDER, project } from "./setup.mjs";

const WORKER = `${PROBE_RESPONDER}
export default { fetch: () => respond() };
`;

/** wrangler's treatment of `import x from "./x.wasm"`: an external CompiledWasm module beside the bundle. */
function wasmModules(outdir, modules) {
  return {
    name: "compiled-wasm",
    setup(build) {
      build.onResolve({ filter: /\.wasm$/ }, (args) => {
        const file = join(args.resolveDir, args.path);
        copyFileSync(file, join(outdir, basename(file)));
        modules.push({ type: "CompiledWasm", path: join(outdir, basename(file)) });
        return { path: `./${basename(file)}`, external: true };
      });
    },
  };
}

describe("Cloudflare workerd (miniflare)", () => {
  it("answers a request with the source tree's fit, with the .wasm imported as a module", async () => {
    const dir = project("workerd", { "worker.js": WORKER });
    npmInstall(dir);
    const outdir = join(dir, "out");
    mkdirSync(outdir);
    const modules = [{ type: "ESModule", path: join(outdir, "worker.js") }];
    await esbuild.build({
      entryPoints: [join(dir, "worker.js")],
      bundle: true,
      format: "esm",
      platform: "neutral",
      conditions: ["workerd", "worker", "browser"],
      outfile: join(outdir, "worker.js"),
      plugins: [wasmModules(outdir, modules)],
      logLevel: "warning",
    });
    assert.deepEqual(modules.map((m) => basename(m.path)), ["worker.js", "snmf.wasm"]);

    const mf = new Miniflare({ modules, modulesRoot: outdir, compatibilityDate: "2025-09-01" });
    try {
      const response = await mf.dispatchFetch("http://localhost/");
      const result = await assertProbeResponse(response, "workerd", "workerd");
      assert.equal(result.threads, 1);
    } finally {
      await mf.dispose();
    }
  });
});
